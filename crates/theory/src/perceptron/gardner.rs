//! Gardner's volume of solutions for spherical weights: the capacity
//! $\alpha_c(\kappa)$ and the replica-symmetric overlap and log-volume below it.
//!
//! # The replica-symmetric log-volume
//!
//! With $q$ the overlap of two solutions, $w = 1 - q$ and
//! $x(t) = (\kappa - \sqrt q\\,t)/\sqrt w$, the fraction of the sphere
//! $|w|^2 = N$ that stores $P = \alpha N$ random patterns with stability
//! $\ge \kappa$ is $e^{Ns}$ with (Gardner, J. Phys. A 21, 257 (1988))
//!
//! $$ s = \operatorname*{extr}_q\left[\tfrac12\ln(1-q) + \frac q{2(1-q)} + \alpha\\,E(q)\right],
//! \qquad E(q) = \int Dt\\,\ln H\big(x(t)\big). $$
//!
//! At $q = 0$, $E = \ln H(\kappa)$: the patterns are independent
//! constraints, each keeping a fraction $H(\kappa)$ of the sphere, and
//! $s \to 0$ as $\alpha \to 0$. With $g = \ln H$ and one Gaussian
//! integration by parts ($\partial_q x = (\sqrt q\\,\kappa - t)/(2\sqrt q\\,w^{3/2})$,
//! $\int Dt\\,t\\,g'(x) = -\sqrt{q/w}\int Dt\\,g''(x)$), the saddle point
//! $\partial_q s = 0$, multiplied by $2w^2$, is
//!
//! $$ G(q) = q + \alpha\left[\kappa\sqrt w\\,\langle g'(x)\rangle + \langle g''(x)\rangle\right] = 0. $$
//!
//! $G(0) = -\alpha\\,m(\kappa)^2 < 0$ ($m = \varphi/H$), and as $q \to 1$,
//! $g'' \to -1$ and $\sqrt w\\,g' \to -(\kappa - t)$ on $t < \kappa$, so
//! $G(1) = 1 - \alpha\left[(1+\kappa^2)\Phi(\kappa) + \kappa\varphi(\kappa)\right] = 1 - \alpha/\alpha_c(\kappa)$:
//! a root exists exactly below the capacity, and $q \to 1$ there. The
//! root is found by Brent's method in $\ln(1-q)$, so that $1 - q$ keeps its
//! relative precision near the capacity; the averages use Gauss–Legendre
//! panels graded around the step of $x(t)$ at $t = \kappa/\sqrt q$ on its width
//! $\sqrt{w/q}$, and $\ln H$, $m$, $g''$ come from the tail-safe forms of the
//! (private) `gaussian` module, accurate however large $x$ is.

use serde::Serialize;

use super::gaussian::{check_alpha, check_kappa, ln_h, ln_h_second, mills};
use crate::error::TheoryError;
use crate::numerics::{GaussianRule, brent, normal_cdf, normal_pdf};

/// Smallest $1 - q$ the solvers resolve: the step of $x(t)$ then has width
/// $10^{-10}$, above the $10^{-12}$ floor of the graded panels. It is reached
/// within about $10^{-9}$ of the capacity.
pub(super) const SMALLEST_GAP: f64 = 1e-20;

/// One replica-symmetric point of Gardner's spherical perceptron.
#[derive(Debug, Clone, Serialize)]
pub struct GardnerPoint {
    /// Load $\alpha = P/N$.
    pub alpha: f64,
    /// Stability threshold $\kappa$.
    pub kappa: f64,
    /// Overlap $q$ of two typical solutions ($0$ at $\alpha = 0$, $\to 1$ at $\alpha_c$).
    pub q: f64,
    /// Log-volume per weight $s$: $e^{Ns}$ is the fraction of the sphere made
    /// of solutions ($0$ at $\alpha = 0$, $\to -\infty$ as $q \to 1$).
    pub entropy: f64,
    /// The capacity $\alpha_c(\kappa)$ at this $\kappa$.
    pub alpha_c: f64,
}

/// $\int_{-\kappa}^\infty Dt\\,(t+\kappa)^2 = (1+\kappa^2)\Phi(\kappa) + \kappa\varphi(\kappa)$.
/// For $\kappa < 0$ the two terms cancel to a part in about $\kappa^4$, so
/// the relative error is about $\kappa^4\cdot10^{-16}$ ($10^{-12}$ at the
/// lowest allowed $\kappa = -10$).
pub(super) fn second_moment(kappa: f64) -> f64 {
    (1.0 + kappa * kappa) * normal_cdf(kappa) + kappa * normal_pdf(kappa)
}

/// Gardner's capacity of the spherical perceptron at stability $\kappa$:
///
/// $$ \alpha_c(\kappa) = \left[\int_{-\kappa}^\infty Dt\\,(t+\kappa)^2\right]^{-1}
/// = \frac1{(1+\kappa^2)\Phi(\kappa) + \kappa\varphi(\kappa)}, $$
///
/// $\alpha_c(0) = 2$ (Cover 1965; Gardner, J. Phys. A 21, 257 (1988)).
/// Decreasing in $\kappa$; exact (replica symmetry is stable) for
/// $\kappa \ge 0$. `kappa` must be finite and $\ge -10$. Nanoseconds.
pub fn spherical_capacity(kappa: f64) -> Result<f64, TheoryError> {
    let kappa = check_kappa(kappa)?;
    Ok(1.0 / second_moment(kappa))
}

/// The averages $\langle g(x)\rangle$, $\langle g'(x)\rangle$, $\langle g''(x)\rangle$
/// over $t$ of $g = \ln H$ at $x = (\kappa - \sqrt q\\,t)/\sqrt w$, for $w = 1 - q$
/// given separately (it keeps its precision near $q = 1$).
pub(crate) fn constraint_averages(kappa: f64, q: f64, w: f64) -> [f64; 3] {
    if q <= 0.0 {
        return [ln_h(kappa), -mills(kappa), ln_h_second(kappa)];
    }
    let (sq, sw) = (q.sqrt(), w.sqrt());
    let rule = GaussianRule::graded(kappa / sq, sw / sq);
    let mut sums = [0.0; 3];
    for (&t, &weight) in rule.nodes.iter().zip(&rule.weights) {
        let x = (kappa - sq * t) / sw;
        sums[0] += weight * ln_h(x);
        sums[1] -= weight * mills(x);
        sums[2] += weight * ln_h_second(x);
    }
    sums
}

/// $-\frac{\partial E}{\partial q}\cdot 2w^2 = -\left[\kappa\sqrt w\langle g'\rangle + \langle g''\rangle\right]$,
/// which tends to $1/\alpha_c(\kappa)$ as $q \to 1$.
pub(crate) fn constraint_force(kappa: f64, averages: &[f64; 3], w: f64) -> f64 {
    -(kappa * w.sqrt() * averages[1] + averages[2])
}

/// The replica-symmetric overlap and log-volume of Gardner's spherical
/// perceptron at load $\alpha$ and stability $\kappa$ (see the
/// [module docs](self) for the equations):
///
/// $$ s = \tfrac12\ln(1-q) + \frac q{2(1-q)} + \alpha\int Dt\\,\ln H\\!\left(\frac{\kappa - \sqrt q\\,t}{\sqrt{1-q}}\right). $$
///
/// `alpha` must be finite and $\ge 0$, `kappa` finite and $\ge -10$;
/// `NoSolution` for $\alpha \ge \alpha_c(\kappa)$ (no solutions: $q \to 1$) and
/// within about $10^{-9}$ of it, where $1 - q$ falls below $10^{-20}$.
/// $1-q$ located to $10^{-14}$ relative (Brent in $\ln(1-q)$); $s$ agrees
/// with a direct minimisation of the functional over $q$ to $10^{-13}$
/// (tested). About 4 ms per call.
pub fn spherical_volume(alpha: f64, kappa: f64) -> Result<GardnerPoint, TheoryError> {
    let alpha = check_alpha(alpha)?;
    let alpha_c = spherical_capacity(kappa)?;
    if alpha == 0.0 {
        return Ok(GardnerPoint {
            alpha,
            kappa,
            q: 0.0,
            entropy: 0.0,
            alpha_c,
        });
    }
    if alpha >= alpha_c {
        return Err(TheoryError::NoSolution {
            what: "spherical perceptron solution volume",
            reason: format!(
                "alpha = {alpha} is at or above the capacity alpha_c({kappa}) = {alpha_c}: no weight vector stores the patterns"
            ),
        });
    }
    // G as a function of v = ln(1 - q).
    let saddle = |v: f64| {
        let w = v.exp();
        let q = -v.exp_m1();
        let averages = constraint_averages(kappa, q, w);
        q - alpha * constraint_force(kappa, &averages, w)
    };
    let v = brent(saddle, SMALLEST_GAP.ln(), 0.0, 1e-14).ok_or_else(|| {
        TheoryError::NoSolution {
            what: "spherical perceptron solution volume",
            reason: format!(
                "alpha = {alpha} is within about 1e-9 of the capacity {alpha_c}: 1 - q would be below {SMALLEST_GAP:e}"
            ),
        }
    })?;
    let (w, q) = (v.exp(), -v.exp_m1());
    let averages = constraint_averages(kappa, q, w);
    let entropy = 0.5 * v + 0.5 * q / w + alpha * averages[0];
    Ok(GardnerPoint {
        alpha,
        kappa,
        q,
        entropy,
        alpha_c,
    })
}

/// [`spherical_volume`] at each of `alphas` (for overlays); the first error stops it.
pub fn spherical_volume_curve(
    kappa: f64,
    alphas: &[f64],
) -> Result<Vec<GardnerPoint>, TheoryError> {
    alphas
        .iter()
        .map(|&alpha| spherical_volume(alpha, kappa))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numerics::minimise_bounded;

    #[test]
    fn capacity_at_zero_stability_is_two() {
        assert!((spherical_capacity(0.0).unwrap() - 2.0).abs() < 1e-15);
    }

    #[test]
    fn capacity_decreases_with_stability() {
        let mut previous = f64::INFINITY;
        for k in -40..=40 {
            let kappa = 0.25 * k as f64;
            let alpha_c = spherical_capacity(kappa).unwrap();
            assert!(alpha_c < previous, "kappa = {kappa}");
            previous = alpha_c;
        }
        // Large kappa: alpha_c ~ 1/kappa^2.
        let kappa = 10.0;
        assert!((spherical_capacity(kappa).unwrap() * kappa * kappa - 1.0).abs() < 0.03);
    }

    #[test]
    fn overlap_vanishes_at_zero_load_and_reaches_one_at_capacity() {
        for kappa in [0.0, 0.5, -0.5] {
            let alpha_c = spherical_capacity(kappa).unwrap();
            let mut previous = 0.0;
            for fraction in [0.1, 0.5, 0.9, 0.99, 0.999_999] {
                let point = spherical_volume(fraction * alpha_c, kappa).unwrap();
                assert!(point.q > previous, "{point:?}");
                assert!(point.entropy < 0.0);
                previous = point.q;
            }
            // 1 - q vanishes linearly in the distance to the capacity... or
            // faster; at one part in a million it is below 1e-3.
            assert!(1.0 - previous < 1e-3, "kappa {kappa}: q = {previous}");
            assert!(matches!(
                spherical_volume(alpha_c, kappa),
                Err(TheoryError::NoSolution { .. })
            ));
        }
    }

    #[test]
    fn saddle_point_is_the_extremum_of_the_entropy() {
        // The entropy functional, minimised over q directly (Brent, q to
        // ~1e-8), agrees with the root of G to round-off in the value.
        let (alpha, kappa) = (1.2, 0.3);
        let point = spherical_volume(alpha, kappa).unwrap();
        let functional = |q: f64| {
            let w = 1.0 - q;
            0.5 * w.ln() + 0.5 * q / w + alpha * constraint_averages(kappa, q, w)[0]
        };
        let (q, s) = minimise_bounded(functional, 0.0, 0.999, 1e-10);
        assert!((q - point.q).abs() < 1e-7, "{q} {}", point.q);
        assert!((s - point.entropy).abs() < 1e-13, "{s} {}", point.entropy);
    }

    #[test]
    fn small_load_expansion() {
        // s = alpha ln H(kappa) + O(alpha^2); q = alpha m(kappa)^2 + O(alpha^2).
        let kappa = 0.4;
        let alpha = 1e-4;
        let point = spherical_volume(alpha, kappa).unwrap();
        let m = mills(kappa);
        assert!((point.q / (alpha * m * m) - 1.0).abs() < 1e-2, "{point:?}");
        // One constraint keeps the fraction H(kappa) of the sphere.
        let first = alpha * super::super::gaussian::h(kappa).ln();
        assert!((point.entropy - first).abs() < 10.0 * alpha * alpha);
    }
}
