//! When to measure, what one thermal history records, and averages over
//! histories and samples.

use serde::Serialize;

use crate::DynamicsError;
use quench_core::ParameterError;

/// What to measure and when, in units of time (Langevin time, or sweeps).
///
/// Energies are recorded at `times`; for each waiting time $t_w$ the
/// correlation $C(t_w+\tau, t_w)$ and the response $\chi(t_w+\tau, t_w)$ at
/// every lag $\tau$ of `lags`. Every time is rounded to the nearest whole
/// step of the dynamics; records carry the rounded times.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    /// Times of the energy measurements.
    pub times: Vec<f64>,
    /// Waiting times $t_w$ (a snapshot, and a perturbed twin, at each).
    pub waiting_times: Vec<f64>,
    /// Lags $\tau = t - t_w$ of the two-time measurements.
    pub lags: Vec<f64>,
}

/// `count` times from `first` to `last` in geometric progression (`first > 0`),
/// preceded by $0$.
pub fn geometric_times(first: f64, last: f64, count: usize) -> Vec<f64> {
    let mut times = vec![0.0];
    if count == 1 {
        times.push(first);
    } else {
        let ratio = (last / first).powf(1.0 / (count as f64 - 1.0));
        times.extend((0..count).map(|k| first * ratio.powi(k as i32)));
    }
    times
}

/// A schedule converted to whole steps of length `unit`.
#[derive(Debug, Clone)]
pub(crate) struct Steps {
    pub times: Vec<u64>,
    pub waiting: Vec<u64>,
    pub lags: Vec<u64>,
    pub last: u64,
}

impl Schedule {
    pub(crate) fn steps(&self, unit: f64) -> Result<Steps, DynamicsError> {
        let convert = |name: &'static str, values: &[f64]| -> Result<Vec<u64>, DynamicsError> {
            values
                .iter()
                .map(|&t| {
                    if t.is_finite() && t >= 0.0 && t / unit < 1e15 {
                        Ok((t / unit).round() as u64)
                    } else {
                        Err(ParameterError::new(name, t, "finite, non-negative times").into())
                    }
                })
                .collect()
        };
        let times = convert("times", &self.times)?;
        let waiting = convert("waiting_times", &self.waiting_times)?;
        let lags = convert("lags", &self.lags)?;
        let last = times
            .iter()
            .copied()
            .chain(
                waiting
                    .iter()
                    .flat_map(|&w| lags.iter().map(move |&l| w + l)),
            )
            .chain(waiting.iter().copied())
            .max()
            .unwrap_or(0);
        Ok(Steps {
            times,
            waiting,
            lags,
            last,
        })
    }
}

/// The measurements of one thermal history on one sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DynamicsRecord {
    /// Disorder-sample index.
    pub sample: u64,
    /// Thermal-history index.
    pub history: u64,
    /// The times of `energy` (rounded to whole steps).
    pub times: Vec<f64>,
    /// Energy per spin $e(t) = H/N$ at `times`.
    pub energy: Vec<f64>,
    /// The waiting times (rounded).
    pub waiting_times: Vec<f64>,
    /// The lags (rounded).
    pub lags: Vec<f64>,
    /// `correlation[w][l]` $= C(t_w + \tau_l, t_w)$.
    pub correlation: Vec<Vec<f64>>,
    /// `response[w][l]` $= \chi(t_w + \tau_l, t_w)$; empty without a field.
    pub response: Vec<Vec<f64>>,
}

impl DynamicsRecord {
    pub(crate) fn new(
        sample: u64,
        history: u64,
        steps: &Steps,
        unit: f64,
        with_response: bool,
    ) -> Self {
        let scale = |v: &[u64]| v.iter().map(|&k| k as f64 * unit).collect::<Vec<_>>();
        let w = steps.waiting.len();
        let l = steps.lags.len();
        Self {
            sample,
            history,
            times: scale(&steps.times),
            energy: vec![f64::NAN; steps.times.len()],
            waiting_times: scale(&steps.waiting),
            lags: scale(&steps.lags),
            correlation: vec![vec![f64::NAN; l]; w],
            response: if with_response {
                vec![vec![f64::NAN; l]; w]
            } else {
                Vec::new()
            },
        }
    }
}

/// A mean and its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeanError {
    /// The mean.
    pub mean: f64,
    /// Its standard error (`NaN` from fewer than two values).
    pub error: f64,
}

/// Mean and standard error $\sqrt{\mathrm{var}/n}$ of independent values.
pub fn mean_and_error(values: &[f64]) -> MeanError {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    MeanError {
        mean,
        error: (variance / n).sqrt(),
    }
}

/// Averages of many histories on many samples.
///
/// With two samples or more, each sample's histories are averaged first
/// and the error is the standard error over the sample means (disorder and
/// thermal noise together); with one sample, the standard error over its
/// histories.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DynamicsSummary {
    /// Number of samples.
    pub samples: usize,
    /// Histories per sample.
    pub histories: usize,
    /// The times of `energy`.
    pub times: Vec<f64>,
    /// $e(t)$.
    pub energy: Vec<MeanError>,
    /// The waiting times.
    pub waiting_times: Vec<f64>,
    /// The lags.
    pub lags: Vec<f64>,
    /// `correlation[w][l]`: $C(t_w+\tau_l, t_w)$.
    pub correlation: Vec<Vec<MeanError>>,
    /// `response[w][l]`: $\chi(t_w+\tau_l, t_w)$.
    pub response: Vec<Vec<MeanError>>,
}

/// Averages `records`, grouped by sample (in the order given; every record
/// of one schedule).
///
/// # Panics
/// If `records` is empty.
pub fn summarize(records: &[DynamicsRecord]) -> DynamicsSummary {
    let first = &records[0];
    let mut sample_ids: Vec<u64> = records.iter().map(|r| r.sample).collect();
    sample_ids.dedup();
    sample_ids.sort_unstable();
    sample_ids.dedup();
    let samples = sample_ids.len();
    let histories = records.len() / samples;
    let average = |get: &dyn Fn(&DynamicsRecord) -> f64| -> MeanError {
        if samples < 2 {
            let values: Vec<f64> = records.iter().map(get).collect();
            return mean_and_error(&values);
        }
        let means: Vec<f64> = sample_ids
            .iter()
            .map(|&s| {
                let values: Vec<f64> = records.iter().filter(|r| r.sample == s).map(get).collect();
                values.iter().sum::<f64>() / values.len() as f64
            })
            .collect();
        mean_and_error(&means)
    };
    let two_time = |response: bool| -> Vec<Vec<MeanError>> {
        let w = if response {
            first.response.len()
        } else {
            first.correlation.len()
        };
        (0..w)
            .map(|w| {
                (0..first.lags.len())
                    .map(|l| {
                        average(&|r| {
                            if response {
                                r.response[w][l]
                            } else {
                                r.correlation[w][l]
                            }
                        })
                    })
                    .collect()
            })
            .collect()
    };
    DynamicsSummary {
        samples,
        histories,
        times: first.times.clone(),
        energy: (0..first.times.len())
            .map(|k| average(&|r| r.energy[k]))
            .collect(),
        waiting_times: first.waiting_times.clone(),
        lags: first.lags.clone(),
        correlation: two_time(false),
        response: two_time(true),
    }
}
