//! The maximum-likelihood estimator of Levina and Bickel (NIPS 17, 2005),
//! pooled as MacKay and Ghahramani proposed (2005).
//!
//! With $T_j(x)$ the distance from $x$ to its $j$-th neighbour, a Poisson
//! process of constant rate on the scale of $T_k$ makes
//! $$S_k(x) = \sum_{j=1}^{k-1} \ln \frac{T_k(x)}{T_j(x)}$$
//! a Gamma variable of shape $k - 1$ and rate $d$. Levina and Bickel's local
//! estimate is $\hat d_k(x) = (k - 2)/S_k(x)$; averaging those over points
//! is biased by the points with small $S_k$, so the estimate here pools the
//! sums (MacKay and Ghahramani's average of inverses):
//! $$\hat d_k = \frac{m (k - 1) - 1}{\sum_x S_k(x)},$$
//! unbiased if the $m$ sums were independent. They are not (neighbourhoods
//! overlap), so the error is not the Gamma law's: it comes from disjoint
//! subsets (see [the errors of `estimate`](mod@crate::estimate#errors)).
//!
//! The estimate depends on $k$ through the scale $T_k$ it probes: small $k$
//! sees the finest scale and the most noise, large $k$ the curvature and
//! the boundaries. With $k = 2$ it is TwoNN's likelihood estimate.
//!
//! Points with $T_1 = 0$ (repeated points) are discarded, and counted.

use crate::error::{GeometryError, parameter};
use crate::neighbours::nearest_neighbours;
use crate::points::Points;

/// What one evaluation gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Raw {
    pub dimension: f64,
    pub used: usize,
    pub discarded: usize,
    /// The mean distance to the $k$-th neighbour.
    pub scale: f64,
}

pub(crate) fn levina_bickel(points: Points<'_>, k: usize) -> Result<Raw, GeometryError> {
    if k < 2 {
        return Err(parameter(
            "k",
            k,
            "at least 2 neighbours (k = 2 is TwoNN's likelihood estimate)",
        ));
    }
    let neighbours = nearest_neighbours(points, k)?;
    let (mut sum, mut used, mut scale) = (0.0, 0usize, 0.0);
    for point in 0..neighbours.len() {
        let t = neighbours.distances(point);
        scale += t[k - 1];
        if t[0] > 0.0 {
            let log_far = t[k - 1].ln();
            sum += t[..k - 1].iter().map(|tj| log_far - tj.ln()).sum::<f64>();
            used += 1;
        }
    }
    if used < 2 {
        return Err(GeometryError::TooFewPoints {
            what: "Levina-Bickel (points with a first neighbour at positive distance)".into(),
            needed: 2,
            given: used,
        });
    }
    Ok(Raw {
        dimension: (used as f64 * (k as f64 - 1.0) - 1.0) / sum,
        used,
        discarded: neighbours.len() - used,
        scale: scale / neighbours.len() as f64,
    })
}
