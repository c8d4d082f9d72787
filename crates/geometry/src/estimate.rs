//! One entry point for every estimator: [`estimate()`] (a dimension with its
//! error) and [`decimation`] (the dimension against the scale).
//!
//! # Errors
//!
//! Each estimate carries an error and says where it comes from
//! ([`ErrorSource`]):
//!
//! - TwoNN's likelihood fit: the Gamma law of $\sum_i \ln \mu_i$;
//! - TwoNN's regression: a bootstrap of the ratios;
//! - Levina–Bickel and the correlation dimension, whose terms are correlated
//!   through shared neighbours and pairs: **disjoint subsets**. The points are
//!   split at random (from the seed) into $B$ parts of $\lfloor n/B \rfloor$,
//!   each part estimated on its own; the parts are independent, and with
//!   $s$ the standard deviation of their $B$ estimates the full set's error is
//!   taken as $s / \sqrt B$ (the variance of an estimate falling as one over
//!   the number of points).
//!
//! # Scale
//!
//! An intrinsic dimension holds at a scale. [`decimation`] estimates on the
//! whole set, then on $2, 4, 8, \dots$ disjoint subsets of halving size
//! (nested: every subset is the union of two of the next level's), and
//! reports, per level, the mean estimate over the subsets, its standard
//! error (from their spread when there are at least as many subsets as
//! [`Options::subsets`], otherwise from each subset's own error), and the
//! mean neighbour distance the estimates saw: fewer points
//! mean larger distances, so the levels walk up in scale, as in Facco et al.
//! and dadapy's `return_id_scaling_2NN`.

use quench_core::rng::{Purpose, stream};
use rand::RngExt;
use serde::Serialize;

use crate::correlation::{check_range, correlation_dimension};
use crate::error::{GeometryError, parameter};
use crate::levina_bickel::levina_bickel;
use crate::points::Points;
use crate::two_nn::{BOOTSTRAP_RESAMPLES, TwoNnFit, two_nn};

/// An intrinsic-dimension estimator and its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Estimator {
    /// TwoNN ([`crate::two_nn`]).
    TwoNn {
        /// Likelihood or the paper's regression.
        fit: TwoNnFit,
    },
    /// Levina–Bickel maximum likelihood with `k` neighbours
    /// ([`crate::levina_bickel`]).
    LevinaBickel {
        /// Neighbours per point, at least 2.
        k: usize,
    },
    /// Grassberger–Procaccia's correlation dimension fitted where $C(r)$ is
    /// between the fractions `low` and `high` of the pairs
    /// ([`crate::correlation`]).
    Correlation {
        /// The smallest fraction of pairs in the fit.
        low: f64,
        /// The largest fraction of pairs in the fit.
        high: f64,
    },
}

impl Estimator {
    /// The name a user gives it: `two-nn`, `mle` or `correlation`.
    pub fn name(&self) -> &'static str {
        match self {
            Estimator::TwoNn { .. } => "two-nn",
            Estimator::LevinaBickel { .. } => "mle",
            Estimator::Correlation { .. } => "correlation",
        }
    }

    /// The fewest points one evaluation accepts.
    pub fn minimum_points(&self) -> usize {
        match *self {
            Estimator::TwoNn { .. } => 8,
            Estimator::LevinaBickel { k } => (k + 1).max(8),
            Estimator::Correlation { .. } => 32,
        }
    }

    fn check(&self) -> Result<(), GeometryError> {
        match *self {
            Estimator::TwoNn {
                fit: TwoNnFit::Regression { discard },
            } if !(0.0..1.0).contains(&discard) => Err(parameter(
                "discard",
                discard,
                "a fraction of the ratios in [0, 1)",
            )),
            Estimator::LevinaBickel { k } if k < 2 => Err(parameter(
                "k",
                k,
                "at least 2 neighbours (k = 2 is TwoNN's likelihood estimate)",
            )),
            Estimator::Correlation { low, high } => check_range(low, high),
            _ => Ok(()),
        }
    }
}

/// Where an estimate's error comes from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ErrorSource {
    /// The estimator's likelihood (TwoNN).
    Likelihood,
    /// A bootstrap of the estimator's terms.
    Bootstrap {
        /// Resamples drawn.
        resamples: usize,
    },
    /// The spread over disjoint subsets, divided by the square root of
    /// their number.
    Subsets {
        /// How many subsets.
        subsets: usize,
    },
}

/// An intrinsic dimension with its error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DimensionEstimate {
    /// The estimate $\hat d$.
    pub dimension: f64,
    /// Its standard error.
    pub error: f64,
    /// Where the error comes from.
    pub error_source: ErrorSource,
    /// The points the estimate used.
    pub points: usize,
    /// Points left out (at distance zero from their first neighbour).
    pub discarded: usize,
    /// The length scale it holds at: the mean second-neighbour distance
    /// (TwoNN), the mean $k$-th neighbour distance (Levina–Bickel), the
    /// geometric mean of the fitted radii (correlation).
    pub scale: f64,
}

/// The estimate on the points of each decimation level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScaleEstimate {
    /// The disjoint subsets at this level ($2^\ell$).
    pub subsets: usize,
    /// Points in each subset.
    pub points: usize,
    /// The mean scale of the subsets' estimates.
    pub scale: f64,
    /// The mean of the subsets' estimates.
    pub dimension: f64,
    /// Its standard error.
    pub error: f64,
}

/// Settings shared by the estimators.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Disjoint subsets for the errors of Levina–Bickel and the correlation
    /// dimension (at least 2).
    pub subsets: usize,
    /// The seed of the subsets' split and of the bootstrap.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            subsets: 8,
            seed: 1,
        }
    }
}

struct Raw {
    dimension: f64,
    own_error: Option<f64>,
    used: usize,
    discarded: usize,
    scale: f64,
}

fn evaluate(points: Points<'_>, estimator: Estimator, seed: u64) -> Result<Raw, GeometryError> {
    Ok(match estimator {
        Estimator::TwoNn { fit } => {
            let raw = two_nn(points, fit, seed)?;
            Raw {
                dimension: raw.dimension,
                own_error: Some(raw.error),
                used: raw.used,
                discarded: raw.discarded,
                scale: raw.scale,
            }
        }
        Estimator::LevinaBickel { k } => {
            let raw = levina_bickel(points, k)?;
            Raw {
                dimension: raw.dimension,
                own_error: None,
                used: raw.used,
                discarded: raw.discarded,
                scale: raw.scale,
            }
        }
        Estimator::Correlation { low, high } => {
            let raw = correlation_dimension(points, low, high)?;
            Raw {
                dimension: raw.dimension,
                own_error: None,
                used: points.len(),
                discarded: 0,
                scale: raw.scale,
            }
        }
    })
}

/// A random order of `n` points from the seed (the stream `dimension
/// subsets`): the split of [`estimate()`] and [`decimation`] into disjoint
/// subsets takes consecutive runs of it.
pub fn random_order(n: usize, seed: u64) -> Vec<usize> {
    shuffled(n, stream(seed, Purpose::Named("dimension subsets"), 0, 0))
}

/// `count` of `n` points chosen at random from the seed (the stream
/// `dimension points`, apart from the subsets' split), in random order.
pub fn random_subset(n: usize, count: usize, seed: u64) -> Vec<usize> {
    let mut order = shuffled(n, stream(seed, Purpose::Named("dimension points"), 0, 0));
    order.truncate(count);
    order
}

fn shuffled(n: usize, mut rng: quench_core::rng::StreamRng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    order
}

/// The estimates on `count` disjoint subsets of `order` (equal sizes, the
/// remainder unused).
fn on_subsets(
    points: Points<'_>,
    order: &[usize],
    count: usize,
    estimator: Estimator,
    seed: u64,
) -> Result<Vec<Raw>, GeometryError> {
    let size = order.len() / count;
    (0..count)
        .map(|part| {
            let values = points.gather(&order[part * size..(part + 1) * size]);
            evaluate(
                Points::new(&values, points.dimension())?,
                estimator,
                seed ^ (part as u64 + 1),
            )
        })
        .collect()
}

fn mean_and_error(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let count = values.clone().count() as f64;
    let mean = values.clone().sum::<f64>() / count;
    let variance = values.map(|v| (v - mean).powi(2)).sum::<f64>() / (count - 1.0);
    (mean, (variance / count).sqrt())
}

/// The intrinsic dimension of `points` by `estimator`, with its error.
pub fn estimate(
    points: Points<'_>,
    estimator: Estimator,
    options: Options,
) -> Result<DimensionEstimate, GeometryError> {
    estimator.check()?;
    let n = points.len();
    if n < estimator.minimum_points() {
        return Err(GeometryError::TooFewPoints {
            what: format!("the {} estimator", estimator.name()),
            needed: estimator.minimum_points(),
            given: n,
        });
    }
    let whole = evaluate(points, estimator, options.seed)?;
    let (error, error_source) = match (estimator, whole.own_error) {
        (Estimator::TwoNn { fit }, Some(error)) => (
            error,
            match fit {
                TwoNnFit::Likelihood => ErrorSource::Likelihood,
                TwoNnFit::Regression { .. } => ErrorSource::Bootstrap {
                    resamples: BOOTSTRAP_RESAMPLES,
                },
            },
        ),
        _ => {
            let subsets = options.subsets;
            if subsets < 2 {
                return Err(parameter(
                    "subsets",
                    subsets,
                    "at least 2 disjoint subsets for the error",
                ));
            }
            let needed = subsets * estimator.minimum_points();
            if n < needed {
                return Err(GeometryError::TooFewPoints {
                    what: format!(
                        "the {} estimator's error from {subsets} disjoint subsets",
                        estimator.name()
                    ),
                    needed,
                    given: n,
                });
            }
            let order = random_order(n, options.seed);
            let parts = on_subsets(points, &order, subsets, estimator, options.seed)?;
            let (_, spread_error) = mean_and_error(parts.iter().map(|p| p.dimension));
            // The mean of B estimates on n/B points has error s/√B, and so
            // (variance ∝ 1/points) has the estimate on all n points.
            (spread_error, ErrorSource::Subsets { subsets })
        }
    };
    Ok(DimensionEstimate {
        dimension: whole.dimension,
        error,
        error_source,
        points: whole.used,
        discarded: whole.discarded,
        scale: whole.scale,
    })
}

/// The dimension against the scale: the whole set, then $2^\ell$ disjoint
/// subsets for $\ell = 1, 2, \dots$ while a subset keeps at least
/// `smallest` points (and the estimator's minimum).
pub fn decimation(
    points: Points<'_>,
    estimator: Estimator,
    options: Options,
    smallest: usize,
) -> Result<Vec<ScaleEstimate>, GeometryError> {
    let whole = estimate(points, estimator, options)?;
    let mut levels = vec![ScaleEstimate {
        subsets: 1,
        points: points.len(),
        scale: whole.scale,
        dimension: whole.dimension,
        error: whole.error,
    }];
    let n = points.len();
    let order = random_order(n, options.seed);
    let smallest = smallest.max(estimator.minimum_points());
    let mut count = 2;
    while n / count >= smallest {
        let (dimension, error, scale) = if count >= options.subsets.max(2) {
            // Enough subsets for their spread to be the error.
            let parts = on_subsets(points, &order, count, estimator, options.seed)?;
            let (dimension, error) = mean_and_error(parts.iter().map(|p| p.dimension));
            let scale = parts.iter().map(|p| p.scale).sum::<f64>() / count as f64;
            (dimension, error, scale)
        } else {
            // Too few for a spread: each subset's own error (its likelihood,
            // bootstrap or inner subsets), combined.
            let size = n / count;
            let mut parts = Vec::with_capacity(count);
            for part in 0..count {
                let values = points.gather(&order[part * size..(part + 1) * size]);
                let subset = Points::new(&values, points.dimension())?;
                let seed = options.seed ^ (part as u64 + 1);
                match estimate(subset, estimator, Options { seed, ..options }) {
                    Ok(estimate) => parts.push(estimate),
                    // Too few points for an inner error: the level is left out.
                    Err(GeometryError::TooFewPoints { .. }) => break,
                    Err(error) => return Err(error),
                }
            }
            if parts.len() < count {
                count *= 2;
                continue;
            }
            let dimension = parts.iter().map(|p| p.dimension).sum::<f64>() / count as f64;
            let error = parts.iter().map(|p| p.error * p.error).sum::<f64>().sqrt() / count as f64;
            let scale = parts.iter().map(|p| p.scale).sum::<f64>() / count as f64;
            (dimension, error, scale)
        };
        levels.push(ScaleEstimate {
            subsets: count,
            points: n / count,
            scale,
            dimension,
            error,
        });
        count *= 2;
    }
    Ok(levels)
}
