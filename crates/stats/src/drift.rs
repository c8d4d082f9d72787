//! The equilibration check by logarithmic windows ([`TimeBlocks`], [`Drift`]).
//!
//! A Markov chain started far from equilibrium drifts: its energy falls and
//! its overlaps grow while it relaxes. The classic check (e.g. Katzgraber,
//! Palassini and Young, PRB 63, 184422 (2001)) compares averages over
//! logarithmic windows of the run: the last half, the quarter before it, the
//! eighth before that, and so on. In equilibrium the windows agree within
//! their errors; a run still relaxing shows a trend from window to window,
//! and the last two windows disagree.
//!
//! [`TimeBlocks`] keeps the time order that a [`BinningAccumulator`] forgets:
//! the sums of at most [`MAX_BLOCKS`] consecutive blocks of equal length
//! (the length doubles, by merging neighbours, whenever the blocks fill up),
//! so it needs $O(1)$ memory and gives the windows at any time.
//! [`Drift::of`] compares the last half with the quarter before it, with
//! errors from the block means inside the two windows (blocks as long as
//! the bins of the binning analysis). [`Drift::combine`] averages the
//! per-sample drifts over disorder samples.
//!
//! [`BinningAccumulator`]: crate::BinningAccumulator

use serde::{Deserialize, Serialize};

use crate::estimate::{Estimate, mean_and_standard_error};

/// Most complete blocks a [`TimeBlocks`] keeps before merging neighbours.
pub const MAX_BLOCKS: usize = 128;

/// Number of errors by which the last two windows may differ for a run to
/// count as equilibrated ([`Drift::equilibrated`]). Three, not two: a report
/// checks every size and temperature, and at two errors one check in twenty
/// would flag an equilibrated run.
pub const DRIFT_SIGMAS: f64 = 3.0;

/// Time-ordered block sums of a series of measurements, for averages over
/// logarithmic windows: the last half, the quarter before it, and so on
/// ([`Drift`] compares the first two).
///
/// ```
/// use quench_stats::TimeBlocks;
/// let mut blocks = TimeBlocks::new();
/// for t in 0..1024 {
///     blocks.push(if t < 512 { 1.0 } else { 0.0 });
/// }
/// let windows = blocks.windows();
/// assert_eq!(windows[0].mean, 0.0); // the last half
/// assert_eq!(windows[1].mean, 1.0); // the quarter before it
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TimeBlocks {
    /// The first measurement; every sum is relative to it.
    shift: f64,
    /// Measurements pushed.
    count: u64,
    /// Measurements per complete block (1 until the first merge).
    block_size: u64,
    /// Sums of the complete blocks, oldest first.
    sums: Vec<f64>,
    /// Sum and length of the block being filled.
    partial: f64,
    partial_count: u64,
}

/// The average of the measurements in one window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// Index of the window's first measurement.
    pub first: u64,
    /// Number of measurements in the window.
    pub count: u64,
    /// Their mean.
    pub mean: f64,
}

impl TimeBlocks {
    /// Empty.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one measurement.
    pub fn push(&mut self, x: f64) {
        if self.count == 0 {
            self.shift = x;
            self.block_size = 1;
        }
        self.count += 1;
        self.partial += x - self.shift;
        self.partial_count += 1;
        if self.partial_count == self.block_size {
            self.sums.push(self.partial);
            self.partial = 0.0;
            self.partial_count = 0;
            if self.sums.len() == MAX_BLOCKS {
                self.sums = self.sums.chunks(2).map(|pair| pair.iter().sum()).collect();
                self.block_size *= 2;
            }
        }
    }

    /// Number of measurements pushed.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The logarithmic windows, latest first: the last half of the complete
    /// blocks, the quarter before it, the eighth before that, …, down to a
    /// window of one block. The block being filled (fewer than 1/32 of the
    /// measurements once there are 32 blocks) is left out, and so are the
    /// earliest blocks that no window reaches.
    pub fn windows(&self) -> Vec<Window> {
        let mut windows = Vec::new();
        let mut end = self.sums.len();
        let mut blocks = self.sums.len() / 2;
        while blocks >= 1 {
            let start = end - blocks;
            let sum: f64 = self.sums[start..end].iter().sum();
            let count = blocks as u64 * self.block_size;
            windows.push(Window {
                first: start as u64 * self.block_size,
                count,
                mean: self.shift + sum / count as f64,
            });
            end = start;
            blocks /= 2;
        }
        windows
    }
}

/// The drift of one series (or its disorder average): the mean of the last
/// half against the quarter before it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    /// Mean over the last half (and its error).
    pub last: Estimate,
    /// Mean over the quarter before it (and its error).
    pub previous: Estimate,
    /// `last - previous`.
    pub difference: f64,
    /// Error of the difference.
    pub error: f64,
    /// Number of disorder samples combined (1 for a single series).
    pub samples: u64,
}

impl Drift {
    /// The drift of a series from its `blocks`: the last half against the
    /// quarter before it. `None` with fewer than four blocks (no quarter
    /// window) or too few blocks for an error.
    ///
    /// Errors come from the block means inside the two windows (a two-sample
    /// test with pooled variance): each block mean's deviation from its own
    /// window's mean, pooled over both windows, gives the variance $s^2$ of
    /// a block mean, and a window of $B_w$ blocks has the error
    /// $s/\sqrt{B_w}$. Blocks hold at least $n/$[`MAX_BLOCKS`] measurements,
    /// so their means are independent once the run is much longer than
    /// [`MAX_BLOCKS`] autocorrelation times, as the binning analysis needs
    /// too. The error is not taken from the whole series: a drift inflates
    /// its variance and apparent autocorrelation time and would hide itself.
    pub fn of(blocks: &TimeBlocks) -> Option<Self> {
        let windows = blocks.windows();
        let [last, previous, ..] = windows.as_slice() else {
            return None;
        };
        let size = blocks.block_size as f64;
        let block_means = |w: &Window| -> Vec<f64> {
            let first = (w.first / blocks.block_size) as usize;
            let count = (w.count / blocks.block_size) as usize;
            blocks.sums[first..first + count]
                .iter()
                .map(|sum| sum / size)
                .collect()
        };
        let (a, b) = (block_means(last), block_means(previous));
        let squares = |values: &[f64]| -> f64 {
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            values.iter().map(|v| (v - mean).powi(2)).sum()
        };
        let freedom = a.len() + b.len() - 2;
        if freedom == 0 {
            return None;
        }
        let variance = (squares(&a) + squares(&b)) / freedom as f64;
        let estimate = |w: &Window, blocks: usize| Estimate {
            mean: w.mean,
            error: (variance / blocks as f64).sqrt(),
            tau_int: f64::NAN,
            count: w.count,
        };
        let (last, previous) = (estimate(last, a.len()), estimate(previous, b.len()));
        Some(Self {
            last,
            previous,
            difference: last.mean - previous.mean,
            error: last.error.hypot(previous.error),
            samples: 1,
        })
    }

    /// The disorder average of per-sample drifts. The error of the average
    /// difference is the larger of the sample-to-sample standard error (two
    /// samples or more; it holds the thermal noise too) and the thermal
    /// errors combined: $\sqrt{\sum_s \epsilon_s^2}/M$ for samples with
    /// independent noise (the only error with a single sample, and a floor
    /// when a few samples happen to agree), or $\sum_s \epsilon_s / M$ when
    /// the samples share their random numbers (`shared_noise`, e.g. lanes of
    /// a multispin word drawing one uniform per site): their thermal noise
    /// is then common to all samples, the spread over samples does not see
    /// it, and averaging does not reduce it. `None` without samples.
    pub fn combine(drifts: &[Drift], shared_noise: bool) -> Option<Self> {
        if drifts.is_empty() {
            return None;
        }
        let m = drifts.len() as f64;
        let combined = |values: Vec<f64>, errors: Vec<f64>| -> (f64, f64) {
            let (mean, spread) = mean_and_standard_error(&values);
            let thermal = if shared_noise {
                errors.iter().sum::<f64>() / m
            } else {
                errors.iter().map(|e| e * e).sum::<f64>().sqrt() / m
            };
            let error = if drifts.len() >= 2 && spread.is_finite() {
                spread.max(thermal)
            } else {
                thermal
            };
            (mean, error)
        };
        let window = |pick: fn(&Drift) -> Estimate| -> Estimate {
            let (mean, error) = combined(
                drifts.iter().map(|d| pick(d).mean).collect(),
                drifts.iter().map(|d| pick(d).error).collect(),
            );
            let first = pick(&drifts[0]);
            Estimate {
                mean,
                error,
                tau_int: first.tau_int,
                count: first.count,
            }
        };
        let (difference, error) = combined(
            drifts.iter().map(|d| d.difference).collect(),
            drifts.iter().map(|d| d.error).collect(),
        );
        Some(Self {
            last: window(|d| d.last),
            previous: window(|d| d.previous),
            difference,
            error,
            samples: drifts.iter().map(|d| d.samples).sum(),
        })
    }

    /// The difference in units of its error (0 for no difference at zero
    /// error, $\pm\infty$ for a difference at zero error).
    pub fn z_score(&self) -> f64 {
        if self.error > 0.0 {
            self.difference / self.error
        } else if self.difference == 0.0 {
            0.0
        } else {
            self.difference.signum() * f64::INFINITY
        }
    }

    /// Whether the last two windows agree within [`DRIFT_SIGMAS`] errors.
    pub fn equilibrated(&self) -> bool {
        self.z_score().abs() <= DRIFT_SIGMAS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drift_of(series: &[f64]) -> Drift {
        let mut blocks = TimeBlocks::new();
        for &x in series {
            blocks.push(x);
        }
        Drift::of(&blocks).expect("long enough")
    }

    /// A reproducible noise series: an AR(1) chain with correlation `rho`.
    fn noise(length: usize, rho: f64, seed: u64) -> Vec<f64> {
        // SplitMix64: independent streams for neighbouring seeds.
        let mut state = seed.wrapping_mul(0x2545_f491_4f6c_dd1d);
        let mut uniform = || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            (z >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut x = 0.0;
        (0..length)
            .map(|_| {
                // Sum of 12 uniforms: near-Gaussian with unit variance.
                let g = (0..12).map(|_| uniform()).sum::<f64>() - 6.0;
                x = rho * x + (1.0 - rho * rho).sqrt() * g;
                x
            })
            .collect()
    }

    #[test]
    fn blocks_merge_and_windows_halve() {
        let mut blocks = TimeBlocks::new();
        for t in 0..1000u32 {
            blocks.push(f64::from(t));
        }
        assert_eq!(blocks.len(), 1000);
        let windows = blocks.windows();
        // 1000 measurements: blocks of 8, 125 complete; windows of 62, 31, 15, 7, 3, 1 blocks.
        let counts: Vec<u64> = windows.iter().map(|w| w.count).collect();
        assert_eq!(counts, [496, 248, 120, 56, 24, 8]);
        // Contiguous, latest first, ending at the last complete block.
        assert_eq!(windows[0].first + windows[0].count, 1000);
        for pair in windows.windows(2) {
            assert_eq!(pair[1].first + pair[1].count, pair[0].first);
        }
        // The mean of 0..n over a window is its midpoint.
        for w in &windows {
            assert_eq!(w.mean, w.first as f64 + (w.count as f64 - 1.0) / 2.0);
        }
    }

    /// Stationary correlated noise passes in nearly every trial; with the
    /// errors of naive (uncorrelated) statistics it would not.
    #[test]
    fn stationary_series_pass_the_drift_check() {
        let trials = 200;
        let failed = (0..trials)
            .filter(|&seed| !drift_of(&noise(4096, 0.9, seed)).equilibrated())
            .count();
        // At 3 errors about 0.3 % fail; allow a generous margin.
        assert!(
            failed <= 4,
            "{failed} of {trials} stationary series flagged"
        );
    }

    /// A relaxation that has not finished (an exponential approach with a
    /// time a fifth of the run) is flagged, one sample or many.
    #[test]
    fn relaxing_series_are_flagged_as_drifting() {
        let relaxing = |seed: u64| -> Vec<f64> {
            noise(4096, 0.5, seed)
                .into_iter()
                .enumerate()
                .map(|(t, x)| 0.1 * x + (-(t as f64) / 800.0).exp())
                .collect()
        };
        let single = drift_of(&relaxing(1));
        assert!(single.difference < 0.0);
        assert!(!single.equilibrated(), "z = {}", single.z_score());
        let drifts: Vec<Drift> = (0..8).map(|s| drift_of(&relaxing(s))).collect();
        let combined = Drift::combine(&drifts, false).unwrap();
        assert_eq!(combined.samples, 8);
        assert!(!combined.equilibrated(), "z = {}", combined.z_score());
        // The same noise without the relaxation passes.
        let still: Vec<Drift> = (0..8).map(|s| drift_of(&noise(4096, 0.5, s))).collect();
        let combined = Drift::combine(&still, false).unwrap();
        assert!(combined.equilibrated(), "{combined:?} from {still:?}");
    }

    /// Samples that share their noise (the same series, as multispin lanes
    /// sharing uniforms come close to): the spread over samples vanishes and
    /// would make any common fluctuation look significant; with
    /// `shared_noise` the error stays that of one sample.
    #[test]
    fn shared_noise_keeps_the_error_of_one_sample() {
        let one = drift_of(&noise(4096, 0.5, 5));
        let copies = vec![one; 16];
        let shared = Drift::combine(&copies, true).unwrap();
        assert!((shared.error - one.error).abs() < 1e-15);
        let independent = Drift::combine(&copies, false).unwrap();
        assert!((independent.error - one.error / 4.0).abs() < 1e-15);
    }

    /// One sample: the combined error is that sample's thermal error, not NaN.
    #[test]
    fn one_sample_keeps_its_thermal_error() {
        let one = drift_of(&noise(1024, 0.5, 3));
        let combined = Drift::combine(&[one], false).unwrap();
        assert_eq!(combined.error, one.error);
        assert!(combined.error.is_finite() && combined.error > 0.0);
    }

    #[test]
    fn short_series_have_no_drift() {
        let mut blocks = TimeBlocks::new();
        blocks.extend_test(&[1.0, 2.0, 3.0]);
        assert!(Drift::of(&blocks).is_none());
        assert!(Drift::combine(&[], false).is_none());
    }

    impl TimeBlocks {
        fn extend_test(&mut self, values: &[f64]) {
            for &x in values {
                self.push(x);
            }
        }
    }
}
