//! The binary perceptron ($w_i = \pm1$): the Gardner–Derrida
//! replica-symmetric entropy of solutions and the Krauth–Mézard capacity.
//!
//! # Replica symmetry
//!
//! With $q$ the overlap of two solutions, $\hat q$ its conjugate and $E(q)$
//! the constraint term of the spherical case ([`super::gardner`]), the
//! entropy per weight of the solutions is (Gardner & Derrida, J. Phys. A 21,
//! 271 (1988))
//!
//! $$ s = \operatorname*{extr}_{q,\hat q}\left[-\frac{\hat q}2(1-q) + \int Dz\\,\ln 2\cosh\big(\sqrt{\hat q}\\,z\big) + \alpha E(q)\right]. $$
//!
//! Tracing over $w_a = \pm1$ with $e^{\hat q\sum_{a<b}w_aw_b} = e^{-n\hat q/2}e^{\frac{\hat q}2(\sum_aw_a)^2}$
//! gives the middle term and the $-\hat q/2$; the conjugate pairing gives
//! $+\hat q q/2$. At $\alpha = 0$: $q = \hat q = 0$, $s = \ln 2$. Stationarity:
//!
//! $$ q = \int Dz\\,\tanh^2\big(\sqrt{\hat q}\\,z\big), \qquad
//! \hat q = -2\alpha E'(q) = \frac{\alpha}{(1-q)^2}\\,F(q), $$
//!
//! with $F = -[\kappa\sqrt{1-q}\\,\langle g'\rangle + \langle g''\rangle]$ (see the
//! spherical module), which tends to $1/\alpha_c(\kappa)$ as $q \to 1$.
//!
//! # Where replica symmetry puts the capacity, and where it really is
//!
//! As $q \to 1$, $\hat q \approx \alpha/(\alpha_c w^2)$ with $w = 1-q$, and
//! $1 - \langle\tanh^2\rangle = \langle\operatorname{sech}^2\rangle \approx \sqrt{2/\pi}/\sqrt{\hat q}$,
//! so the first equation reads $w \approx w\sqrt{2\alpha_c/(\pi\alpha)}$: the
//! solution reaches $q = 1$ at $\alpha = \frac2\pi\alpha_c(\kappa)$, $4/\pi$ at
//! $\kappa = 0$ (Gardner & Derrida 1988). That is **not** the capacity: the
//! entropy is negative well before, which is impossible for a count of
//! discrete solutions. Krauth & Mézard (J. Phys. France 50, 3057 (1989))
//! showed that the capacity is where the replica-symmetric entropy vanishes,
//! $\alpha_c = 0.833$ at $\kappa = 0$ (confirmed rigorously by Ding & Sun,
//! 2019, as a lower bound, and by the frozen-1RSB solution).
//!
//! # Numerics
//!
//! The first equation, with $\hat q(q)$ substituted, is solved by Brent's
//! method in $\ln(1-q)$; $\langle\operatorname{sech}^2\rangle$ is computed
//! directly (never as $1 - \langle\tanh^2\rangle$) on panels graded around
//! $z = 0$ on the width $1/\sqrt{\hat q}$.

use std::f64::consts::{LN_2, PI};

use serde::Serialize;

use super::gardner::{constraint_averages, constraint_force, spherical_capacity};
use super::gaussian::check_alpha;
use crate::error::TheoryError;
use crate::numerics::{GaussianRule, brent, log_two_cosh};

/// Smallest $1 - q$ resolved: $\hat q \approx 10^{24}$, and the width
/// $1/\sqrt{\hat q}$ of $\tanh$ is then at the $10^{-13}$ floor of the
/// quadrature panels. $1 - q$ vanishes about linearly below
/// $\frac2\pi\alpha_c$ (about $0.8(\frac4\pi - \alpha)$ at $\kappa = 0$), so
/// this is reached about $10^{-12}$ below it.
const SMALLEST_GAP: f64 = 1e-12;

/// One replica-symmetric point of the binary perceptron.
#[derive(Debug, Clone, Serialize)]
pub struct BinaryGardnerPoint {
    /// Load $\alpha = P/N$.
    pub alpha: f64,
    /// Stability threshold $\kappa$.
    pub kappa: f64,
    /// Overlap $q$ of two typical solutions.
    pub q: f64,
    /// Its conjugate $\hat q$.
    pub q_hat: f64,
    /// Replica-symmetric entropy per weight of the solutions ($\ln 2$ at
    /// $\alpha = 0$). Negative above the Krauth–Mézard capacity, where it
    /// no longer counts anything.
    pub entropy: f64,
}

/// The two capacities of the binary perceptron at one stability $\kappa$.
#[derive(Debug, Clone, Serialize)]
pub struct BinaryCapacity {
    /// Stability threshold $\kappa$.
    pub kappa: f64,
    /// Where the replica-symmetric entropy vanishes: the Krauth–Mézard
    /// capacity, $0.833$ at $\kappa = 0$ (J. Phys. France 50, 3057 (1989)).
    pub alpha_entropy_zero: f64,
    /// Where the replica-symmetric overlap reaches 1, $\frac2\pi\alpha_c(\kappa)$
    /// ($4/\pi$ at $\kappa = 0$; Gardner & Derrida, J. Phys. A 21, 271 (1988)).
    /// Known to be wrong as a capacity: the entropy is negative there.
    pub alpha_rs_overlap_one: f64,
}

/// $\int Dz\\,\operatorname{sech}^2(\sqrt{\hat q}\\,z)$ and $\int Dz\\,\ln 2\cosh(\sqrt{\hat q}\\,z)$.
fn prior_averages(q_hat: f64) -> (f64, f64) {
    let root = q_hat.sqrt();
    let rule = GaussianRule::compact(0.0, 1.0 / root.max(1e-300));
    let mut sech2 = 0.0;
    let mut log_cosh = 0.0;
    for (&z, &weight) in rule.nodes.iter().zip(&rule.weights) {
        let x = root * z;
        let e = (-2.0 * x.abs()).exp();
        sech2 += weight * 4.0 * e / ((1.0 + e) * (1.0 + e));
        log_cosh += weight * log_two_cosh(x);
    }
    (sech2, log_cosh)
}

/// The replica-symmetric saddle point of the binary perceptron at load
/// $\alpha$ and stability $\kappa$ (equations in the [module docs](self)):
///
/// $$ s = -\frac{\hat q}2(1-q) + \int Dz\\,\ln 2\cosh(\sqrt{\hat q}\\,z) + \alpha\int Dt\\,\ln H\\!\left(\frac{\kappa - \sqrt q\\,t}{\sqrt{1-q}}\right). $$
///
/// `alpha` finite and $\ge 0$, `kappa` finite and $\ge -10$. `NoSolution`
/// at and above $\alpha = \frac2\pi\alpha_c(\kappa)$, where the
/// replica-symmetric overlap reaches 1. Between the Krauth–Mézard capacity
/// ([`binary_capacity`]) and that load the point exists but its entropy is
/// negative. $1-q$ located to $10^{-14}$ relative; about 3 ms per call.
pub fn binary_volume(alpha: f64, kappa: f64) -> Result<BinaryGardnerPoint, TheoryError> {
    let alpha = check_alpha(alpha)?;
    let alpha_rs = 2.0 / PI * spherical_capacity(kappa)?;
    if alpha == 0.0 {
        return Ok(BinaryGardnerPoint {
            alpha,
            kappa,
            q: 0.0,
            q_hat: 0.0,
            entropy: LN_2,
        });
    }
    let no_solution = |reason: String| TheoryError::NoSolution {
        what: "replica-symmetric binary perceptron saddle point",
        reason,
    };
    if alpha >= alpha_rs {
        return Err(no_solution(format!(
            "alpha = {alpha} is at or above 2 alpha_c({kappa})/pi = {alpha_rs}, where the replica-symmetric overlap reaches 1"
        )));
    }
    let conjugate = |q: f64, w: f64| {
        let averages = constraint_averages(kappa, q, w);
        (
            alpha * constraint_force(kappa, &averages, w) / (w * w),
            averages,
        )
    };
    // Overlap equation q = <tanh^2>, written 1 - q = <sech^2>, in v = ln(1 - q).
    let equation = |v: f64| {
        let (w, q) = (v.exp(), -v.exp_m1());
        let (q_hat, _) = conjugate(q, w);
        (prior_averages(q_hat).0 - w) / w
    };
    let v = brent(equation, SMALLEST_GAP.ln(), 0.0, 1e-14).ok_or_else(|| {
        no_solution(format!(
            "alpha = {alpha}: 1 - q would be below {SMALLEST_GAP:e} (too close to {alpha_rs})"
        ))
    })?;
    let (w, q) = (v.exp(), -v.exp_m1());
    let (q_hat, averages) = conjugate(q, w);
    let entropy = -0.5 * q_hat * w + prior_averages(q_hat).1 + alpha * averages[0];
    Ok(BinaryGardnerPoint {
        alpha,
        kappa,
        q,
        q_hat,
        entropy,
    })
}

/// [`binary_volume`] at each of `alphas`; the first error stops it.
pub fn binary_volume_curve(
    kappa: f64,
    alphas: &[f64],
) -> Result<Vec<BinaryGardnerPoint>, TheoryError> {
    alphas
        .iter()
        .map(|&alpha| binary_volume(alpha, kappa))
        .collect()
}

/// The capacity of the binary perceptron at stability $\kappa$: the load
/// where the replica-symmetric entropy of [`binary_volume`] vanishes
/// (Krauth & Mézard, J. Phys. France 50, 3057 (1989): $0.833$ at
/// $\kappa = 0$), and the replica-symmetric value $\frac2\pi\alpha_c(\kappa)$
/// where $q \to 1$ (Gardner & Derrida 1988: $4/\pi$ at $\kappa = 0$), which
/// is known to be wrong.
///
/// Brent's method on $s(\alpha)$, $\alpha$ to $10^{-10}$: $0.833\\,079$ at
/// $\kappa = 0$; about 25 ms. `NoSolution` if the entropy does not change
/// sign below the replica-symmetric value.
pub fn binary_capacity(kappa: f64) -> Result<BinaryCapacity, TheoryError> {
    let alpha_rs = 2.0 / PI * spherical_capacity(kappa)?;
    let entropy = |alpha: f64| binary_volume(alpha, kappa).map_or(f64::NAN, |p| p.entropy);
    let alpha_entropy_zero = brent(entropy, 1e-3 * alpha_rs, (1.0 - 1e-6) * alpha_rs, 1e-10)
        .ok_or_else(|| TheoryError::NoSolution {
            what: "Krauth–Mézard capacity",
            reason: format!(
                "the replica-symmetric entropy does not change sign below 2 alpha_c/pi = {alpha_rs} at kappa = {kappa}"
            ),
        })?;
    Ok(BinaryCapacity {
        kappa,
        alpha_entropy_zero,
        alpha_rs_overlap_one: alpha_rs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_is_ln_two_at_zero_load() {
        let point = binary_volume(0.0, 0.0).unwrap();
        assert_eq!(point.entropy, LN_2);
        // Small load: s = ln 2 + alpha ln H(kappa) + O(alpha^2).
        let (alpha, kappa) = (1e-4, 0.5);
        let point = binary_volume(alpha, kappa).unwrap();
        let first = LN_2 + alpha * super::super::gaussian::ln_h(kappa);
        assert!(
            (point.entropy - first).abs() < 10.0 * alpha * alpha,
            "{point:?}"
        );
    }

    #[test]
    fn krauth_mezard_capacity() {
        // Krauth & Mezard (1989): alpha_c = 0.833 at kappa = 0, quoted to
        // three digits; the rounding allows +- 0.0005.
        let capacity = binary_capacity(0.0).unwrap();
        assert!(
            (capacity.alpha_entropy_zero - 0.833).abs() <= 5e-4,
            "{capacity:?}"
        );
        let at = binary_volume(capacity.alpha_entropy_zero, 0.0).unwrap();
        assert!(at.entropy.abs() < 1e-9, "{at:?}");
    }

    #[test]
    fn replica_symmetric_overlap_reaches_one_at_four_over_pi() {
        // Gardner & Derrida (1988): 4/pi at kappa = 0. 1 - q vanishes about
        // linearly below it (0.8 (alpha_rs - alpha) measured), so 1e-5 below
        // it is within 1e-4 of one, and above it there is no solution.
        let capacity = binary_capacity(0.0).unwrap();
        assert!((capacity.alpha_rs_overlap_one - 4.0 / PI).abs() < 1e-15);
        let below = binary_volume(4.0 / PI - 1e-5, 0.0).unwrap();
        assert!(1.0 - below.q < 1e-4, "{below:?}");
        assert!(matches!(
            binary_volume(4.0 / PI, 0.0),
            Err(TheoryError::NoSolution { .. })
        ));
        // The same closed form 2 alpha_c(kappa) / pi holds at kappa > 0.
        let kappa = 0.7;
        let alpha_rs = 2.0 / PI * spherical_capacity(kappa).unwrap();
        let below = binary_volume(alpha_rs * (1.0 - 1e-5), kappa).unwrap();
        assert!(1.0 - below.q < 1e-4, "{below:?}");
    }

    #[test]
    fn entropy_derivative_is_the_constraint_term() {
        // At a saddle point ds/dalpha = E(q) (only the explicit dependence
        // counts). Central differences with h = 1e-4: truncation ~h^2,
        // round-off ~1e-12/h; 1e-6 covers both.
        let (alpha, kappa, step) = (0.6, 0.2, 1e-4);
        let point = binary_volume(alpha, kappa).unwrap();
        let slope = (binary_volume(alpha + step, kappa).unwrap().entropy
            - binary_volume(alpha - step, kappa).unwrap().entropy)
            / (2.0 * step);
        let e = constraint_averages(kappa, point.q, 1.0 - point.q)[0];
        assert!((slope - e).abs() < 1e-6, "{slope} {e}");
    }
}
