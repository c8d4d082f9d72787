//! # quench-mc: Monte Carlo samplers
//!
//! The mutable side of quench. A sampler is an immutable configuration
//! prepared for one [`quench_core::Sample`]; the chain it moves is a separate
//! [`ChainState`] (spins, energy, random stream, counters) that serialises for
//! checkpoints and resumes bit for bit. No sampler draws hidden randomness:
//! every chain carries its own stream derived from
//! `(master seed, purpose, sample, chain)`.
//!
//! ## Main types and how data flows
//!
//! ```text
//! moves: LocalMoves (what a move changes) × Acceptance (Metropolis | HeatBath | Glauber | Greedy)
//!        × schedule (sweep in a Visit order, sweeps, descend, anneal): the seam any variable plugs into
//!        Ladder<any Exchangeable chain> ──exchange_pass──> parallel tempering of any such variable
//! Sample ──SampleMoves──> SingleSpinSampler (Metropolis | heat bath) × (sequential | checkerboard | random)
//!        ──> ParallelTempering (TemperatureLadder × real replicas) ──> TemperingState
//!        ──> WolffCluster (ferromagnets)
//!        ──> greedy_descent / anneal / search_ground_state
//! TemperingState ──Measurements::record──> BinningAccumulators ──summary──> ThermalSummary (Estimates)
//! [ThermalSummary per sample] ──disorder_summary──> DisorderPoint (averages, jackknife ratios, P(q))
//! ```
//!
//! [`run_sample`] and [`run_ensemble`] are the ready-made workflow: parallel
//! tempering, measurement after every exchange round, summaries; samples run
//! in parallel and results do not depend on the number of threads.
//!
//! The energy convention is that of `quench-core`:
//! $H(s) = -\sum_{i<j} J_{ij} s_i s_j - \sum_i h_i s_i$, $k_B = 1$, and a sweep is $N$
//! attempted single-spin updates.
//!
//! ## Which sampler
//!
//! * Spin glasses below their transition: [`ParallelTempering`] with
//!   Metropolis and at least two replicas (overlaps need them). Check
//!   equilibration with the swap acceptance (every pair should exceed a few
//!   per cent), the round trips, and for Gaussian couplings the
//!   [`DisorderPoint::equilibration_gap`].
//! * Ferromagnets near $T_c$: [`WolffCluster`].
//! * Ground states: [`search_ground_state`] (annealing restarts), checked on
//!   small systems by exact enumeration (`quench-exact`).
//!
//! ## Which kernel
//!
//! The scalar sampler runs anything. Faster kernels run the common cases:
//! [`MultispinTempering`] ($\pm J$ lattices and regular sparse graphs, one
//! sample per bit lane, 64/256/512-bit words), [`FloatLaneTempering`] (real
//! couplings and fields on lattices and shared sparse graphs, one sample per
//! `f32` lane, 16 per AVX-512 vector) and [`DenseTempering`]
//! (complete graphs: cached `f64`/`f32` fields, or packed sign bits with
//! fields by population count). [`valid_kernels`] and [`fastest_valid`]
//! say which of them a sample and an update protocol ([`KernelRequest`])
//! allow, and [`check_kernels`] why the others do not.

pub mod annealing;
pub mod benchmark;
pub mod chain;
pub mod dense;
pub mod error;
pub mod float_lanes;
pub mod local;
pub mod measure;
pub mod moves;
pub mod multispin;
pub mod run;
pub mod select;
pub mod summary;
pub mod temperature;
pub mod tempering;
pub mod wolff;

pub use annealing::{
    AnnealingSchedule, GroundStateSearch, anneal, greedy_descent, search_ground_state,
};
pub use chain::ChainState;
pub use dense::{DenseConfig, DensePrecision, DenseState, DenseTempering};
pub use error::SamplerError;
pub use float_lanes::{FloatLaneConfig, FloatLaneLayout, FloatLaneState, FloatLaneTempering};
pub use local::{Configuration, LocalRule, SampleMoves, SingleSpinSampler, SweepOrder};
pub use measure::{
    ChainValues, Measurements, OVERLAP_BINS, OverlapBinning, PairValues, SlotValues,
    ThermalSummary, overlap_binning, overlap_histogram,
};
pub use multispin::{
    MultispinConfig, MultispinLayout, MultispinState, MultispinTempering, RandomPolicy, WordWidth,
};
pub use run::{EnsembleRun, SampleRun, Schedule, run_ensemble, run_sample};
pub use select::{
    Kernel, KernelRequest, check_kernels, check_kernels_for, fastest_valid, valid_kernels,
};
pub use summary::{DisorderPoint, SampleShape, disorder_summary};
pub use temperature::{TemperatureLadder, inverse_temperature};
pub use tempering::{
    Exchangeable, Ladder, ParallelTempering, TemperingConfig, TemperingState, exchange_accepted,
    exchange_pass,
};
pub use wolff::{WolffCluster, WolffScratch};
