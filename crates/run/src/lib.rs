//! # quench-run: experiments end to end
//!
//! One TOML file describes an experiment; one call runs it and leaves a
//! results directory with tidy tables, figures and a report.
//!
//! ## Main types and how data flows
//!
//! ```text
//! SPEC.toml ──family::registry::claiming──> a Family (spin glasses, memories, perceptrons)
//!   ──Family::parse──> its Spec (validated: every error names file, line, key; nothing starts on a bad spec)
//!   ──Family::plan──> [Unit] (a pure function of the spec; runner::Shard picks a subset)
//!   ──runner: units in parallel──> Family::run_unit(UnitContext) ──> UnitResult
//!        checkpoints/<unit>.ckpt while running (atomic, CRC-32), units/<unit>.unit when done
//!   ──Family::tables (results in plan order)──> Parquet tables (+ arrays)
//!   ──Family::report (ReportBuilder)──> figures (SVG, PNG) + report.md ──> manifest.json (written last)
//! ```
//!
//! [`run`] is the workflow behind `quench run`, [`runner::merge`] behind
//! `quench merge`, [`runner::plan_file`] behind `quench plan`;
//! [`write_report`] re-draws a report from stored tables (`quench
//! report`); [`exact::exact_ensemble`] is `quench exact`; [`draw`] is
//! `quench draw` (a drawn sample written out as an instance file);
//! [`theory`] computes what `quench theory` prints;
//! [`family::registry::FAMILIES`] is what `quench models` lists. How a
//! family plugs in, and how to add one, is in [`family`].
//!
//! Bad input — a spec that does not validate, an output directory that
//! exists, a corrupted checkpoint — is a [`RunError`] with
//! [`RunError::is_bad_input`] true (exit status 2); the results directory is
//! created only after validation.

pub mod atomic;
pub mod checkpoint;
mod directory;
pub mod draw;
pub mod error;
pub mod exact;
pub mod family;
pub mod figure;
pub mod image;
pub mod json_tables;
pub mod locate;
pub mod manifest;
pub mod memory;
pub mod progress;
pub mod runner;
pub mod table;
pub mod theory;

pub use error::{RunError, SpecError};
pub use family::spin_glass::Spec;
pub use progress::ProgressMode;
pub use runner::{RunOptions, RunOutcome, run, write_report};
