//! # quench-run: experiments end to end
//!
//! One TOML file describes an experiment; one call runs it and leaves a
//! results directory with tidy tables, figures and a report.
//!
//! ## Main types and how data flows
//!
//! ```text
//! SPEC.toml ──Spec::read──> Spec (validated: every error names file, line, key; nothing starts on a bad spec)
//!   ├─ kernel::resolve: each GridPoint's Kernel (scalar, dense, multispin; the fastest valid by default)
//!   ├─ GridPoint × sample ──> unit: Ensemble::draw ──> Protocol (scalar or dense; sweeps, Wolff, exchanges) ──> EngineState
//!   │    ├─ every checkpoint_seconds ──> checkpoints/point-P-sample-S.ckpt (UnitState, CRC-32, atomic)
//!   │    └─ Measurements ──> SampleRun ──> PointResult (disorder_summary)
//!   └─ GridPoint × block of ≤ 512 samples (multispin) ──> multispin::run_block ──> MultispinState
//!        ├─ checkpoints/point-P-block-F.ckpt (BlockState) until done, then one UnitState::Done per sample
//!        └─ lane_values (bit-sliced counts over all lanes) ──> Measurements::record_values, as above
//! PointResult ──store::write_tables──> thermal / disorder / overlap_distribution / exchange / theory .parquet
//! tables ──report::write_report──> figures (SVG, PNG) + report.md ──> manifest.json (written last)
//! ```
//!
//! [`run`] is the workflow behind `quench run`; [`write_report`] re-draws a
//! report from stored tables (`quench report`); [`exact::exact_ensemble`] is
//! `quench exact`; [`models::catalogue`] is `quench models`.
//!
//! Bad input — a spec that does not validate, an output directory that
//! exists, a corrupted checkpoint — is a [`RunError`] with
//! [`RunError::is_bad_input`] true (exit status 2); the results directory is
//! created only after validation.

pub mod atomic;
pub mod checkpoint;
pub mod curves;
mod directory;
pub mod error;
pub mod exact;
pub mod figure;
pub mod json_tables;
pub mod kernel;
pub mod locate;
pub mod manifest;
pub mod markdown;
pub mod memory;
pub mod models;
pub mod multispin;
pub mod progress;
pub mod protocol;
pub mod report;
pub mod runner;
pub mod sites;
pub mod spec;
pub mod store;
pub mod table;

pub use error::{RunError, SpecError};
pub use progress::ProgressMode;
pub use report::write_report;
pub use runner::{RunOptions, RunOutcome, run};
pub use spec::Spec;
