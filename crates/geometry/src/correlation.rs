//! The correlation dimension of Grassberger and Procaccia (Phys. Rev. Lett.
//! 50, 346 (1983)).
//!
//! The correlation integral is the fraction of pairs closer than $r$,
//! $$C(r) = \frac{2}{n (n - 1)} \\#\\{ i < j : \lVert x_i - x_j \rVert < r \\},$$
//! and $C(r) \propto r^{d}$ at scales where the data look $d$-dimensional;
//! $d$ is the least-squares slope of $\ln C$ on $\ln r$ over the radii where
//! $C$ lies between two fractions of the pairs, `low` and `high`. Below
//! `low` too few pairs are counted, above `high` the data's extent,
//! curvature and boundaries bend the curve.
//!
//! Every pair is counted, in blocks through the same matrix products as the
//! neighbour search, into a histogram keyed by the top 16 bits of the squared
//! distance (sign, exponent and four bits of mantissa: sixteen bins per
//! octave of $r^2$), so that $C$ is exact at the bin edges.

use rayon::prelude::*;

use crate::error::{GeometryError, parameter};
use crate::neighbours::Centred;
use crate::points::Points;

/// Bins of the pair histogram: every key of a positive finite `f64`'s top
/// 16 bits.
const KEYS: usize = 1 << 15;

/// The correlation integral of a point set: $C$ at the edges of its bins.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationIntegral {
    /// Radii $r$ (ascending) at which $C$ is known exactly.
    pub radii: Vec<f64>,
    /// $C(r)$ at those radii: the fraction of pairs closer than $r$.
    pub fractions: Vec<f64>,
    /// The number of pairs, $n (n - 1)/2$.
    pub pairs: u64,
}

/// Query rows per parallel task of the pair count.
const QUERY_BLOCK: usize = 64;

/// The correlation integral of `points`.
pub fn correlation_integral(points: Points<'_>) -> Result<CorrelationIntegral, GeometryError> {
    let n = points.len();
    if n < 2 {
        return Err(GeometryError::TooFewPoints {
            what: "a correlation integral".into(),
            needed: 2,
            given: n,
        });
    }
    let centred = Centred::new(points)?;
    let block = centred.reference_block();
    let blocks = n.div_ceil(QUERY_BLOCK);
    let counts = (0..blocks)
        .into_par_iter()
        .fold(
            || (vec![0u64; KEYS], vec![0.0; QUERY_BLOCK * block]),
            |(mut counts, mut products), query_block| {
                let start = query_block * QUERY_BLOCK;
                let queries = start..(start + QUERY_BLOCK).min(n);
                let norms = centred.norms();
                // Pairs i < j only: references from the first query on.
                for reference_start in (start..n).step_by(block) {
                    let references = reference_start..(reference_start + block).min(n);
                    let width = references.len();
                    centred.products(queries.clone(), references, &mut products);
                    for (row, query) in queries.clone().enumerate() {
                        let first = (query + 1).max(reference_start) - reference_start;
                        for offset in first..width {
                            let product = products[row * width + offset];
                            let d2 = (norms[query] + norms[reference_start + offset]
                                - 2.0 * product)
                                .max(0.0);
                            counts[(d2.to_bits() >> 48) as usize] += 1;
                        }
                    }
                }
                (counts, products)
            },
        )
        .map(|(counts, _)| counts)
        .reduce(
            || vec![0u64; KEYS],
            |mut a, b| {
                a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let pairs = (n as u64) * (n as u64 - 1) / 2;
    let (mut radii, mut fractions) = (Vec::new(), Vec::new());
    let mut below = 0u64;
    for (key, &count) in counts.iter().enumerate() {
        below += count;
        if count > 0 && key + 1 < KEYS {
            // Every pair counted so far has d² below the next key's edge.
            let edge = f64::from_bits(((key + 1) as u64) << 48);
            radii.push(edge.sqrt() / centred.scale());
            fractions.push(below as f64 / pairs as f64);
        }
    }
    Ok(CorrelationIntegral {
        radii,
        fractions,
        pairs,
    })
}

/// What one evaluation gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Raw {
    pub dimension: f64,
    /// The geometric mean of the fitted radii.
    pub scale: f64,
}

pub(crate) fn check_range(low: f64, high: f64) -> Result<(), GeometryError> {
    if !(low > 0.0 && low < high && high <= 1.0) {
        return Err(parameter(
            "correlation range",
            format!("[{low}, {high}]"),
            "fractions of the pairs with 0 < low < high <= 1",
        ));
    }
    Ok(())
}

pub(crate) fn correlation_dimension(
    points: Points<'_>,
    low: f64,
    high: f64,
) -> Result<Raw, GeometryError> {
    check_range(low, high)?;
    let integral = correlation_integral(points)?;
    let selected: Vec<(f64, f64)> = integral
        .radii
        .iter()
        .zip(&integral.fractions)
        .filter(|&(&r, &c)| r > 0.0 && c >= low && c <= high)
        .map(|(&r, &c)| (r.ln(), c.ln()))
        .collect();
    if selected.len() < 3 {
        return Err(parameter(
            "correlation range",
            format!("[{low}, {high}]"),
            format!(
                "{} radii of the correlation integral fall in this range, the fit needs 3: \
                 widen it or give more points",
                selected.len()
            ),
        ));
    }
    let m = selected.len() as f64;
    let mean_x = selected.iter().map(|p| p.0).sum::<f64>() / m;
    let mean_y = selected.iter().map(|p| p.1).sum::<f64>() / m;
    let (mut xy, mut xx) = (0.0, 0.0);
    for &(x, y) in &selected {
        xy += (x - mean_x) * (y - mean_y);
        xx += (x - mean_x) * (x - mean_x);
    }
    Ok(Raw {
        dimension: xy / xx,
        scale: mean_x.exp(),
    })
}
