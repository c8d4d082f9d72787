//! Monte Carlo statistics for quench: estimates with autocorrelation-aware
//! errors, disorder averages, jackknife and histograms.
//!
//! # How data flows
//!
//! A spin-glass study has two levels of averaging: a thermal average
//! $\langle \cdot \rangle$ over the Markov chain of one disorder sample, and
//! the disorder average $[\cdot]$ over independent samples of the couplings.
//!
//! 1. **Per sweep**: push each measurement (energy, $q^2$, ...) into a
//!    [`BinningAccumulator`]. It keeps $O(\log n)$ memory and performs a
//!    logarithmic binning analysis, so that the error accounts for the
//!    autocorrelation of successive sweeps.
//! 2. **Per sample**: [`BinningAccumulator::estimate`] gives an
//!    [`Estimate`]: mean, error, integrated autocorrelation time
//!    $\tau_\text{int}$ and count. [`BinningAccumulator::converged`] and
//!    [`BinningAccumulator::levels`] show whether the error has reached its
//!    plateau. For a stored series, [`estimate_from_series`] does the same and
//!    [`autocorrelation_time_sokal`] gives an independent $\tau_\text{int}$
//!    from the autocorrelation function with Sokal's automatic window.
//! 3. **Across samples**: collect one value (or [`Estimate`]) per sample in a
//!    [`DisorderAverage`] for $[\langle x \rangle]$, its error and the
//!    sample-to-sample distribution (median, quantiles). For non-linear
//!    functions of disorder averages, such as the Binder cumulant
//!    $g = \frac12\bigl(3 - [\langle q^4\rangle]/[\langle q^2\rangle]^2\bigr)$
//!    or the correlation length from $[\chi(0)]/[\chi(k_\text{min})]$, use
//!    [`jackknife`], which returns a [`JackknifeEstimate`] with error and
//!    bias correction.
//!
//! Distributions such as the overlap distribution $P(q)$ are accumulated in
//! a [`Histogram`]. Whether a run is equilibrated is checked on logarithmic
//! windows of its series ([`TimeBlocks`], [`Drift`]); a fraction of
//! successes gets the Wilson interval ([`wilson_interval`]). With three replicas
//! or more, the [`OverlapMatrix`] of one measurement gives the ultrametric
//! triplet test ([`Triplet`], [`TripletGaps`]). [`mean_and_standard_error`] is the plain helper for
//! independent data. Fallible operations return [`StatsError`].
//!
//! # Conventions
//!
//! $\tau_\text{int}$ is measured in units of measurements, with
//! $\tau_\text{int} = 1/2$ for uncorrelated data, so that the error of the
//! mean of $n$ measurements of variance $\sigma^2$ is
//! $\sqrt{2\tau_\text{int}\sigma^2/n}$.
//!
//! ```
//! use quench_stats::{BinningAccumulator, DisorderAverage, Estimate, jackknife};
//!
//! // Thermal averages of q^2 and q^4 for three disorder samples.
//! let mut q2_per_sample = Vec::new();
//! let mut q4_per_sample = Vec::new();
//! for sample in 0..3 {
//!     let mut q2 = BinningAccumulator::new();
//!     let mut q4 = BinningAccumulator::new();
//!     for sweep in 0..256 {
//!         let q = ((sweep * 31 + sample * 7) % 17) as f64 / 17.0; // a measured overlap
//!         q2.push(q * q);
//!         q4.push(q.powi(4));
//!     }
//!     q2_per_sample.push(q2.estimate());
//!     q4_per_sample.push(q4.estimate());
//! }
//! let q2_average = DisorderAverage::from_estimates(&q2_per_sample);
//! println!("[<q^2>] = {q2_average}");
//!
//! let q2: Vec<f64> = q2_per_sample.iter().map(|e: &Estimate| e.mean).collect();
//! let q4: Vec<f64> = q4_per_sample.iter().map(|e| e.mean).collect();
//! let binder = jackknife(&[&q2, &q4], |m| 0.5 * (3.0 - m[1] / (m[0] * m[0]))).unwrap();
//! println!("g = {binder}");
//! ```

#![warn(missing_docs)]

mod autocorrelation;
mod binning;
mod disorder;
mod drift;
mod error;
mod estimate;
mod histogram;
mod jackknife;
mod proportion;
mod ultrametricity;

pub use autocorrelation::{
    SOKAL_WINDOW_FACTOR, SokalEstimate, autocorrelation_function, autocorrelation_time_sokal,
    sokal_autocorrelation,
};
pub use binning::{
    BinningAccumulator, BinningLevel, MIN_BINS, PLATEAU_SIGMAS, estimate_from_series,
};
pub use disorder::DisorderAverage;
pub use drift::{DRIFT_SIGMAS, Drift, MAX_BLOCKS, TimeBlocks, Window};
pub use error::StatsError;
pub use estimate::{Estimate, mean_and_standard_error};
pub use histogram::Histogram;
pub use jackknife::{JackknifeEstimate, jackknife};
pub use proportion::wilson_interval;
pub use ultrametricity::{OverlapMatrix, OverlapSign, Triplet, TripletGaps, pair_index};
