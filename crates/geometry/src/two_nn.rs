//! TwoNN (Facco, d'Errico, Rodriguez and Laio, Sci. Rep. 7, 12140 (2017)):
//! the dimension from the ratio of the second to the first neighbour
//! distance.
//!
//! If the density is constant on the scale of the second neighbour, the
//! ratio $\mu = r_2 / r_1$ of a point follows the Pareto law
//! $$f(\mu) = d\\, \mu^{-d-1}, \qquad \mu \ge 1,$$
//! whatever the density, so that $\ln \mu$ is exponential with rate $d$.
//! For $m$ points with $S = \sum_i \ln \mu_i$:
//!
//! - [`TwoNnFit::Likelihood`]: $S$ is a Gamma variable of shape $m$ and rate
//!   $d$, and $\hat d = (m - 1)/S$ is unbiased with standard deviation
//!   $\hat d / \sqrt{m - 2}$ (the ratios of different points taken as
//!   independent, as in the paper);
//! - [`TwoNnFit::Regression`]: the paper's fit. With the ratios sorted,
//!   $F(\mu_{(i)}) = i/m$ and $-\ln(1 - F) = d \ln \mu$; the largest fraction
//!   `discard` of the ratios (the tail most sensitive to curvature and
//!   density changes) is left out and $d$ is the least-squares slope through
//!   the origin. Its error is bootstrapped (ratios resampled with
//!   replacement, from an explicit seed).
//!
//! Points at distance zero from their first neighbour (repeated points) have
//! no ratio and are discarded, and counted.

use quench_core::rng::{Purpose, stream};
use rand::RngExt;

use crate::error::{GeometryError, parameter};
use crate::neighbours::nearest_neighbours;
use crate::points::Points;

/// How TwoNN turns the ratios into a dimension.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TwoNnFit {
    /// The maximum-likelihood estimate $(m - 1)/\sum_i \ln \mu_i$.
    Likelihood,
    /// The paper's regression of $-\ln(1 - F)$ on $\ln \mu$ through the
    /// origin, without the largest fraction `discard` of the ratios (the
    /// paper and dadapy use 0.1).
    Regression {
        /// The fraction of the largest ratios left out, in $[0, 1)$.
        discard: f64,
    },
}

/// Bootstrap resamples for the regression's error.
pub const BOOTSTRAP_RESAMPLES: usize = 200;

/// What one TwoNN evaluation gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Raw {
    pub dimension: f64,
    /// The estimator's own error (likelihood or bootstrap).
    pub error: f64,
    pub used: usize,
    pub discarded: usize,
    /// The mean distance to the second neighbour: the scale of the estimate.
    pub scale: f64,
}

/// The ratios $\mu_i = r_2/r_1$ of the points with $r_1 > 0$, the number
/// discarded, and the mean $r_2$.
pub fn ratios(points: Points<'_>) -> Result<(Vec<f64>, usize, f64), GeometryError> {
    let neighbours = nearest_neighbours(points, 2)?;
    let mut ratios = Vec::with_capacity(neighbours.len());
    let mut second = 0.0;
    for point in 0..neighbours.len() {
        let r = neighbours.distances(point);
        second += r[1];
        if r[0] > 0.0 {
            ratios.push(r[1] / r[0]);
        }
    }
    let discarded = neighbours.len() - ratios.len();
    Ok((ratios, discarded, second / neighbours.len() as f64))
}

pub(crate) fn two_nn(points: Points<'_>, fit: TwoNnFit, seed: u64) -> Result<Raw, GeometryError> {
    if let TwoNnFit::Regression { discard } = fit
        && !(0.0..1.0).contains(&discard)
    {
        return Err(parameter(
            "discard",
            discard,
            "a fraction of the ratios in [0, 1)",
        ));
    }
    let (ratios, discarded, scale) = ratios(points)?;
    let used = ratios.len();
    if used < 3 {
        return Err(GeometryError::TooFewPoints {
            what: "TwoNN (points with a first neighbour at positive distance)".into(),
            needed: 3,
            given: used,
        });
    }
    let (dimension, error) = match fit {
        TwoNnFit::Likelihood => {
            let sum: f64 = ratios.iter().map(|mu| mu.ln()).sum();
            let dimension = (used as f64 - 1.0) / sum;
            (dimension, dimension / (used as f64 - 2.0).sqrt())
        }
        TwoNnFit::Regression { discard } => {
            let mut sorted = ratios.clone();
            sorted.sort_by(f64::total_cmp);
            let dimension = regression(&sorted, discard);
            // A resample drawn as counts over the sorted ratios is sorted
            // already: no sort per resample.
            let mut rng = stream(seed, Purpose::Named("two-nn bootstrap"), 0, 0);
            let mut counts = vec![0u32; used];
            let mut resample = Vec::with_capacity(used);
            let mut slopes = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
            for _ in 0..BOOTSTRAP_RESAMPLES {
                counts.iter_mut().for_each(|c| *c = 0);
                for _ in 0..used {
                    counts[rng.random_range(0..used)] += 1;
                }
                resample.clear();
                for (&mu, &count) in sorted.iter().zip(&counts) {
                    resample.extend(std::iter::repeat_n(mu, count as usize));
                }
                slopes.push(regression(&resample, discard));
            }
            let mean = slopes.iter().sum::<f64>() / slopes.len() as f64;
            let variance = slopes.iter().map(|s| (s - mean).powi(2)).sum::<f64>()
                / (slopes.len() as f64 - 1.0);
            (dimension, variance.sqrt())
        }
    };
    Ok(Raw {
        dimension,
        error,
        used,
        discarded,
        scale,
    })
}

/// The least-squares slope through the origin of $-\ln(1 - i/m)$ on
/// $\ln \mu_{(i)}$ over the kept ratios (`sorted` ascending).
fn regression(sorted: &[f64], discard: f64) -> f64 {
    let m = sorted.len();
    let kept = (((1.0 - discard) * m as f64).floor() as usize).clamp(1, m - 1);
    let (mut xy, mut xx) = (0.0, 0.0);
    for (i, mu) in sorted[..kept].iter().enumerate() {
        let x = mu.ln();
        let y = -(1.0 - (i + 1) as f64 / m as f64).ln();
        xy += x * y;
        xx += x * x;
    }
    xy / xx
}
