//! Streaming logarithmic binning analysis ([`BinningAccumulator`]).
//!
//! Level $k$ groups the measurements into bins of $2^k$ consecutive values.
//! For $B_k$ complete bins with bin means $\bar x^{(k)}_b$, the naive standard
//! error of level $k$ is
//! $$\epsilon_k = \sqrt{\frac{1}{B_k (B_k-1)} \sum_{b=1}^{B_k} \bigl(\bar x^{(k)}_b - \bar x^{(k)}\bigr)^2}.$$
//! Once the bin size is much larger than the autocorrelation time the bin
//! means are independent and $\epsilon_k$ reaches a plateau at the true error
//! of the mean; $\epsilon_0$ is the naive error that ignores correlations, and
//! $\tau_\text{int} = \tfrac12 (\epsilon_k/\epsilon_0)^2$.

use crate::estimate::{Estimate, Welford};
use serde::{Deserialize, Serialize};

/// Smallest number of complete bins for a level to be used for the reported
/// error.
///
/// An error estimated from $B$ bins has a relative statistical uncertainty of
/// about $1/\sqrt{2(B-1)}$: 13 % for $B = 32$. Fewer bins make the error bar
/// itself too noisy; more bins force smaller bins, which underestimate the
/// error of strongly correlated data.
pub const MIN_BINS: u64 = 32;

/// Number of standard deviations by which the last two admissible levels may
/// differ for [`BinningAccumulator::converged`] to report a plateau.
pub const PLATEAU_SIGMAS: f64 = 2.0;

/// The binning analysis at one level: bins of `bin_size` measurements.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BinningLevel {
    /// Number of measurements per bin, $2^k$ at level $k$.
    pub bin_size: u64,
    /// Number of complete bins $B_k$ (a trailing partial bin is not counted).
    pub bins: u64,
    /// Naive standard error of the mean computed from the bin means,
    /// $\epsilon_k = s_k/\sqrt{B_k}$ with $s_k$ the sample standard deviation
    /// of the bin means.
    pub error: f64,
}

impl BinningLevel {
    /// Statistical uncertainty of [`error`](Self::error) itself,
    /// $\epsilon_k/\sqrt{2(B_k-1)}$ (exact for independent Gaussian bin means).
    pub fn error_uncertainty(&self) -> f64 {
        self.error / (2.0 * (self.bins as f64 - 1.0)).sqrt()
    }
}

/// One level of the accumulator: statistics of the complete bin means (all
/// relative to the accumulator's shift) and the bin mean waiting for a
/// partner to form a bin of the next level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Level {
    bin_means: Welford,
    pending: Option<f64>,
}

/// Streaming logarithmic binning of a time series of measurements, as in
/// ALPS: $O(\log n)$ memory, $O(1)$ amortised time per measurement.
///
/// Push one measurement per sweep (or per measurement interval); ask for an
/// [`Estimate`] with autocorrelation-corrected error at any time.
///
/// Level $k$ keeps the running mean and sum of squared deviations (Welford's
/// update) of its complete bin means, and at most one pending bin mean. All
/// values are stored relative to the first measurement pushed, so that data
/// with a large offset and small fluctuations (an energy near $10^6$ with
/// fluctuations of $10^{-3}$) give correct errors.
///
/// Rule for the reported error: the error of the largest level that still
/// has at least [`MIN_BINS`] complete bins. With fewer than
/// `MIN_BINS` measurements no level qualifies and the naive error of level 0
/// is reported (with $\tau_\text{int} = 1/2$); [`converged`](Self::converged)
/// is then `false`.
///
/// ```
/// use quench_stats::BinningAccumulator;
/// let mut accumulator = BinningAccumulator::new();
/// for sweep in 0..1000 {
///     let energy = -1.0 + 0.01 * ((sweep * 7919) % 13) as f64; // a measurement
///     accumulator.push(energy);
/// }
/// let estimate = accumulator.estimate();
/// assert_eq!(estimate.count, 1000);
/// assert!(estimate.error > 0.0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BinningAccumulator {
    /// The first measurement; every stored value is relative to it.
    shift: f64,
    /// Levels $k = 0, 1, \dots$; level 0 holds the raw measurements.
    levels: Vec<Level>,
}

impl BinningAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one measurement.
    ///
    /// A non-finite measurement makes every later statistic `NaN`.
    pub fn push(&mut self, x: f64) {
        if self.is_empty() {
            self.shift = x;
        }
        let mut value = x - self.shift;
        let mut k = 0;
        loop {
            if k == self.levels.len() {
                self.levels.push(Level::default());
            }
            let level = &mut self.levels[k];
            level.bin_means.push(value);
            match level.pending.take() {
                None => {
                    level.pending = Some(value);
                    return;
                }
                Some(first) => {
                    value = 0.5 * (first + value);
                    k += 1;
                }
            }
        }
    }

    /// Number of measurements pushed.
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |level| level.bin_means.count)
    }

    /// Whether no measurement has been pushed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Mean of all measurements, `NaN` if there are none.
    pub fn mean(&self) -> f64 {
        self.levels
            .first()
            .map_or(f64::NAN, |level| self.shift + level.bin_means.mean())
    }

    /// Sample variance of the measurements (denominator $n-1$), `NaN` with
    /// fewer than two. This is the variance of a single measurement, not of
    /// the mean (e.g. $N T^2 c_V$ for energy per spin $e$).
    pub fn variance(&self) -> f64 {
        self.levels
            .first()
            .map_or(f64::NAN, |level| level.bin_means.variance())
    }

    /// The binning analysis at every level with at least two complete bins,
    /// from bin size 1 upwards.
    pub fn levels(&self) -> Vec<BinningLevel> {
        self.levels
            .iter()
            .enumerate()
            .filter(|(_, level)| level.bin_means.count >= 2)
            .map(|(k, level)| BinningLevel {
                bin_size: 1 << k,
                bins: level.bin_means.count,
                error: (level.bin_means.variance() / level.bin_means.count as f64).sqrt(),
            })
            .collect()
    }

    /// The levels with at least [`MIN_BINS`] complete bins.
    fn admissible_levels(&self) -> Vec<BinningLevel> {
        let mut levels = self.levels();
        levels.retain(|level| level.bins >= MIN_BINS);
        levels
    }

    /// The estimate of the mean with its autocorrelation-corrected error.
    ///
    /// The error is that of the largest level with at least [`MIN_BINS`]
    /// bins (level 0 if none has), and
    /// $\tau_\text{int} = \tfrac12 (\epsilon_\text{chosen}/\epsilon_0)^2$.
    ///
    /// $\tau_\text{int}$ is reported as is, not clamped to $\ge 1/2$: a value
    /// below 1/2 is either a statistical fluctuation of the chosen level
    /// (uncertainty of $\tau_\text{int}$ about $2/\sqrt{2(B-1)}$, i.e. 25 %
    /// with 32 bins) or genuine anticorrelation; clamping would bias the
    /// error upwards for uncorrelated data. A constant series has error 0 and
    /// $\tau_\text{int} = 1/2$ by convention.
    ///
    /// With no measurement, mean, error and $\tau_\text{int}$ are `NaN`; with
    /// one, the mean is that value and error and $\tau_\text{int}$ are `NaN`.
    pub fn estimate(&self) -> Estimate {
        let count = self.len();
        let levels = self.levels();
        let (error, tau_int) = match levels.first() {
            None => (f64::NAN, f64::NAN),
            Some(level0) => {
                let chosen = levels
                    .iter()
                    .rev()
                    .find(|level| level.bins >= MIN_BINS)
                    .unwrap_or(level0);
                let tau_int = if level0.error == 0.0 {
                    0.5
                } else {
                    0.5 * (chosen.error / level0.error).powi(2)
                };
                (chosen.error, tau_int)
            }
        };
        Estimate {
            mean: self.mean(),
            error,
            tau_int,
            count,
        }
    }

    /// Whether the binning error has reached a plateau.
    ///
    /// Rule: take the last two levels with at least [`MIN_BINS`] bins, with
    /// errors $\epsilon_{k-1}$ and $\epsilon_k$. The error $\epsilon_k$ is
    /// itself uncertain by $\sigma_k = \epsilon_k/\sqrt{2(B_k-1)}$ (the
    /// noisier of the two, since it has fewer bins). The analysis is
    /// converged when $|\epsilon_k - \epsilon_{k-1}| \le$
    /// [`PLATEAU_SIGMAS`]$\\,\sigma_k$. While the bins are still shorter than
    /// the autocorrelation time the error grows by up to $\sqrt 2$ per level,
    /// a rise of 41 %, well above the $2\sigma_k \approx 25\\,\\%$ allowed with
    /// 32 bins.
    ///
    /// Needs at least two admissible levels, i.e. at least $2 \cdot$
    /// [`MIN_BINS`] measurements; returns `false` otherwise. A `true` is
    /// necessary, not sufficient: a run much shorter than the slowest mode
    /// (e.g. stuck in one valley of a glassy landscape) can show a false
    /// plateau.
    pub fn converged(&self) -> bool {
        let levels = self.admissible_levels();
        match levels.as_slice() {
            [.., previous, last] => {
                (last.error - previous.error).abs() <= PLATEAU_SIGMAS * last.error_uncertainty()
            }
            _ => false,
        }
    }
}

impl Extend<f64> for BinningAccumulator {
    fn extend<I: IntoIterator<Item = f64>>(&mut self, iter: I) {
        for x in iter {
            self.push(x);
        }
    }
}

impl FromIterator<f64> for BinningAccumulator {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Self {
        let mut accumulator = Self::new();
        accumulator.extend(iter);
        accumulator
    }
}

/// Estimate of the mean of a time series with binning-analysis error:
/// pushes `series` into a [`BinningAccumulator`] and returns its
/// [`estimate`](BinningAccumulator::estimate).
pub fn estimate_from_series(series: &[f64]) -> Estimate {
    series
        .iter()
        .copied()
        .collect::<BinningAccumulator>()
        .estimate()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::mean_and_standard_error;

    #[test]
    fn levels_match_explicit_binning() {
        let data: Vec<f64> = (0..200).map(|i| ((i * 37) % 101) as f64 * 0.1).collect();
        let accumulator: BinningAccumulator = data.iter().copied().collect();
        assert_eq!(accumulator.len(), 200);
        let levels = accumulator.levels();
        // 200 values: levels with >= 2 complete bins are bin sizes 1..=64.
        assert_eq!(levels.len(), 7);
        for level in &levels {
            let size = level.bin_size as usize;
            let means: Vec<f64> = data
                .chunks_exact(size)
                .map(|chunk| chunk.iter().sum::<f64>() / size as f64)
                .collect();
            assert_eq!(level.bins as usize, means.len());
            let (_, error) = mean_and_standard_error(&means);
            assert!(
                (level.error - error).abs() <= 1e-12 * error,
                "bin size {size}: {} vs {error}",
                level.error
            );
        }
        let (mean, _) = mean_and_standard_error(&data);
        assert!((accumulator.mean() - mean).abs() < 1e-12);
    }

    #[test]
    fn memory_is_logarithmic() {
        let accumulator: BinningAccumulator = (0..(1 << 16)).map(f64::from).collect();
        assert_eq!(accumulator.levels.len(), 17);
    }

    #[test]
    fn few_measurements() {
        let empty = BinningAccumulator::new().estimate();
        assert!(empty.mean.is_nan() && empty.error.is_nan() && empty.tau_int.is_nan());
        assert_eq!(empty.count, 0);
        let one = estimate_from_series(&[3.0]);
        assert_eq!(one.mean, 3.0);
        assert!(one.error.is_nan() && one.tau_int.is_nan());
        // Fewer than MIN_BINS: naive error of level 0, tau = 1/2, not converged.
        let data = [1.0, 2.0, 4.0, 3.0];
        let few: BinningAccumulator = data.iter().copied().collect();
        let estimate = few.estimate();
        assert_eq!(estimate.error, mean_and_standard_error(&data).1);
        assert_eq!(estimate.tau_int, 0.5);
        assert!(!few.converged());
    }

    #[test]
    fn constant_series_has_zero_error() {
        let accumulator: BinningAccumulator = std::iter::repeat_n(2.5, 1000).collect();
        let estimate = accumulator.estimate();
        assert_eq!(estimate.mean, 2.5);
        assert_eq!(estimate.error, 0.0);
        assert_eq!(estimate.tau_int, 0.5);
        assert!(accumulator.converged());
    }

    #[test]
    fn a_drifting_series_is_not_converged() {
        // An unequilibrated run: a linear drift. Bin means of a ramp have a
        // variance independent of the bin size, so the error grows by sqrt(2)
        // per level and never reaches a plateau.
        let accumulator: BinningAccumulator = (0..4096).map(|i| f64::from(i) * 1e-3).collect();
        assert!(!accumulator.converged());
    }
}
