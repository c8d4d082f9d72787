//! Capacities of dense associative memories: what quench can draw next to
//! simulations of networks with higher-order or exponential interactions.
//!
//! Every formula here is an $N \to \infty$, zero-temperature statement about
//! *random, unbiased, independent* patterns; each item says whether it is
//! **derived here** (the derivation is in its doc comment, and a test checks
//! it against exact finite-$N$ distributions or a Monte Carlo of random
//! patterns) or **quoted** (with the reference).
//!
//! # Polynomial interactions (Krotov & Hopfield 2016)
//!
//! $E(s) = -\sum_\mu F(\xi^\mu\cdot s)$ with $F(x) = x^n$ over $s \in \\{\pm1\\}^N$
//! ($n = 2$ is the Hopfield network up to constants). One update of spin $i$
//! from $s = \xi^1$ compares the energies with $s_i = \pm1$: the condensed
//! pattern contributes the signal $F(N) - F(N-2) \approx 2nN^{n-1}$, each other
//! pattern $\pm[F(x_\mu + 1) - F(x_\mu - 1)] \approx \pm 2n\\,x_\mu^{n-1}$ with
//! $x_\mu = \sum_{j\ne i}\xi^\mu_j\xi^1_j$, a sum of $N - 1$ random signs, so
//! $\mathbb E x_\mu^{2n-2} = (2n-3)!!\\,N^{n-1}$ to leading order. With $P$ patterns
//! the noise is Gaussian (central limit over $\mu$) and the signal-to-noise
//! ratio is $\mathrm{SNR} = N^{n-1}/\big(P\\,(2n-3)!!\big)$; a bit flips with
//! probability $\Phi(-\sqrt{\mathrm{SNR}})$ ([`polynomial_bit_error`], derived here,
//! tested by Monte Carlo).
//!
//! # Exponential interactions (Demircigil et al. 2017)
//!
//! $F(x) = e^x$, $P = e^{\alpha N}$. With $I(t)$ the Cramér function of a
//! mean of random signs ([`binary_rate`]), there are about
//! $e^{N(\alpha - I(t))}$ patterns at overlap $t$ with any fixed configuration,
//! so the largest overlap is $t_{max}$ with $I(t_{max}) = \alpha$, and the noise
//! in an update is dominated by $e^{Nt_{max}}$ (for $\alpha < 0.60$).
//!
//! # Log-sum-exp energies (Ramsauer et al. 2021; Lucibello & Mézard 2024)
//!
//! $E(x) = -\frac1\lambda\ln\sum_\mu e^{\lambda\\,\xi^\mu\cdot x}$ with
//! $\xi^\mu\cdot x$ of order $N$ ($|\xi|^2 \approx |x|^2 = N$) and $\lambda$ of order 1,
//! $P = e^{\alpha N}$. Lucibello & Mézard (PRL 132, 077301 (2024)) define the
//! typical-pattern threshold $\alpha_1(\lambda)$ through an auxiliary random
//! energy model; [`log_sum_exp_threshold`] implements that criterion as
//! derived here (their paper could not be consulted while this was written:
//! compare before quoting these numbers as theirs).

use std::f64::consts::LN_2;

use serde::Serialize;

use crate::error::TheoryError;
use crate::numerics::{brent, normal_cdf, normal_quantile};
use quench_core::ParameterError;

fn check_order(n: u32) -> Result<u32, ParameterError> {
    if (2..=64).contains(&n) {
        Ok(n)
    } else {
        Err(ParameterError::new(
            "n",
            n,
            "an interaction order in 2..=64 (F(x) = x^n; n = 2 is the Hopfield network)",
        ))
    }
}

/// $(2n-3)!!$, the $(2n-2)$-th moment of a standard Gaussian.
fn double_factorial_moment(n: u32) -> f64 {
    (1..n).map(|k| f64::from(2 * k - 1)).product()
}

/// Signal-to-noise ratio $N^{n-1}/(P\\,(2n-3)!!)$ of one update from a stored
/// pattern in a polynomial dense memory, $F(x) = x^n$ (derived in the module
/// docs; leading order in $N$ at fixed $P/N^{n-1}$).
pub fn polynomial_signal_to_noise(n: u32, neurons: f64, patterns: f64) -> Result<f64, TheoryError> {
    let n = check_order(n)?;
    if !(neurons.is_finite() && neurons > 1.0) {
        return Err(ParameterError::new("neurons", neurons, "a number of neurons N > 1").into());
    }
    if !(patterns.is_finite() && patterns > 0.0) {
        return Err(ParameterError::new("patterns", patterns, "a number of patterns P > 0").into());
    }
    Ok(neurons.powi(n as i32 - 1) / (patterns * double_factorial_moment(n)))
}

/// Probability that one update flips a bit of a stored pattern,
/// $\Phi(-\sqrt{\mathrm{SNR}})$, in a polynomial dense memory (derived here;
/// Gaussian noise, large $N$; the first update only: the feedback of the
/// flipped bits, which the AGS theory accounts for at $n = 2$, is ignored).
pub fn polynomial_bit_error(n: u32, neurons: f64, patterns: f64) -> Result<f64, TheoryError> {
    Ok(normal_cdf(
        -polynomial_signal_to_noise(n, neurons, patterns)?.sqrt(),
    ))
}

/// Krotov & Hopfield (2016), "Dense associative memory for pattern
/// recognition", NeurIPS 29: the number of patterns a polynomial memory
/// $F(x) = x^n$ stores with no error in a given pattern,
/// $P_{max} = N^{n-1}/\big(2\\,(2n-3)!!\\,\ln N\big)$.
///
/// Quoted, and derived here: all $N$ bits of a given pattern survive one
/// update when $N\\,\Phi(-\sqrt{\mathrm{SNR}}) \to 0$, i.e. to leading order
/// $\mathrm{SNR} \ge 2\ln N$. At $n = 2$ this is $N/(2\ln N)$ (McEliece,
/// Posner, Rodemich & Venkatesh 1987). Requiring *all* patterns at once
/// replaces $\ln N$ by $\ln(NP) \approx n\ln N$. Large-$N$ asymptotics: the
/// corrections are relative $O(\ln\ln N/\ln N)$.
pub fn polynomial_error_free_capacity(n: u32, neurons: f64) -> Result<f64, TheoryError> {
    let n = check_order(n)?;
    if !(neurons.is_finite() && neurons > 1.0) {
        return Err(ParameterError::new("neurons", neurons, "a number of neurons N > 1").into());
    }
    Ok(neurons.powi(n as i32 - 1) / (2.0 * double_factorial_moment(n) * neurons.ln()))
}

/// The coefficient $\alpha_n$ of the capacity $P = \alpha_n N^{n-1}$ of a
/// polynomial memory when a fraction `bit_error` $= \epsilon$ of wrong bits
/// after one update is tolerated: $\alpha_n = 1/\big((2n-3)!!\\,z_\epsilon^2\big)$,
/// $z_\epsilon = \Phi^{-1}(1-\epsilon)$ (derived here; first update only, so it
/// overestimates the fixed-point capacity: at $n = 2$ and the AGS error
/// fraction $0.0163$ it gives $0.219$ against $\alpha_c = 0.138$).
pub fn polynomial_capacity_coefficient(n: u32, bit_error: f64) -> Result<f64, TheoryError> {
    let n = check_order(n)?;
    if !(bit_error > 0.0 && bit_error < 0.5) {
        return Err(ParameterError::new("bit_error", bit_error, "a fraction in (0, 0.5)").into());
    }
    let z = normal_quantile(1.0 - bit_error);
    Ok(1.0 / (double_factorial_moment(n) * z * z))
}

/// The Cramér function of a mean of $N$ random signs,
/// $I(t) = \frac12\left[(1+t)\ln(1+t) + (1-t)\ln(1-t)\right]$ for $|t| \le 1$:
/// $P\big(\frac1N\sum_i\epsilon_i \ge t\big) = e^{-NI(t) + o(N)}$; $I(\pm1) = \ln 2$.
pub fn binary_rate(t: f64) -> Result<f64, TheoryError> {
    if !(t.is_finite() && t.abs() <= 1.0) {
        return Err(ParameterError::new("t", t, "an overlap in [-1, 1]").into());
    }
    let term = |u: f64| if u > 0.0 { u * u.ln() } else { 0.0 };
    Ok(0.5 * (term(1.0 + t) + term(1.0 - t)))
}

/// Capacity exponents of the exponential memory $F(x) = e^x$ with $P = e^{\alpha N}$,
/// for retrieval in one update from a cue with a fraction $\rho$ of flipped bits.
#[derive(Debug, Clone, Serialize)]
pub struct ExponentialCapacity {
    /// Fraction $\rho$ of corrupted bits in the cue (flipped at random).
    pub corruption: f64,
    /// Every pattern is retrieved for $\alpha < I(1-2\rho)/2$ (quoted:
    /// Demircigil, Heusel, Löwe, Upgang & Vermet, J. Stat. Phys. 168, 288
    /// (2017); $\ln 2/2$ at $\rho = 0$). The union bound over pairs of patterns
    /// is what halves the exponent.
    pub all_patterns: f64,
    /// A typical pattern is retrieved for $\alpha < I(1-2\rho)$ (derived here:
    /// the signal is $e^{N(1-2\rho)}$, the noise $e^{Nt_{max}}$ with $I(t_{max}) = \alpha$).
    pub typical_pattern: f64,
}

/// Capacity exponents of the exponential dense memory for a cue with a
/// fraction `corruption` $= \rho \in [0, 1/2)$ of flipped bits (large $N$, zero temperature).
pub fn exponential_capacity(corruption: f64) -> Result<ExponentialCapacity, TheoryError> {
    if !(corruption.is_finite() && (0.0..0.5).contains(&corruption)) {
        return Err(ParameterError::new("corruption", corruption, "a fraction in [0, 0.5)").into());
    }
    let rate = binary_rate(1.0 - 2.0 * corruption)?;
    Ok(ExponentialCapacity {
        corruption,
        all_patterns: 0.5 * rate,
        typical_pattern: rate,
    })
}

/// The pattern ensembles of Lucibello & Mézard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternEnsemble {
    /// $\xi_i = \pm1$: overlaps $t$ with a fixed point have rate $I(t)$ ([`binary_rate`]).
    Binary,
    /// Uniform on the sphere $|\xi|^2 = N$: rate $-\frac12\ln(1-t^2)$.
    Spherical,
    /// $\xi_i \sim \mathcal N(0, 1)$: rate $t^2/2$.
    Gaussian,
}

impl PatternEnsemble {
    /// Rate $J(t)$ of the overlap $t = \xi\cdot x/N$ of one random pattern with a fixed $x$ ($|x|^2 = N$).
    pub fn overlap_rate(self, t: f64) -> f64 {
        match self {
            Self::Binary => binary_rate(t.clamp(-1.0, 1.0)).unwrap_or(f64::INFINITY),
            Self::Spherical if t.abs() < 1.0 => -0.5 * (-t * t).ln_1p(),
            Self::Spherical => f64::INFINITY,
            Self::Gaussian => 0.5 * t * t,
        }
    }

    /// Typical largest overlap of $e^{\alpha N}$ random patterns with a fixed
    /// $x$: $J(t_{max}) = \alpha$ (1 for binary patterns when $\alpha \ge \ln 2$).
    pub fn largest_overlap(self, alpha: f64) -> f64 {
        match self {
            Self::Binary if alpha >= LN_2 => 1.0,
            Self::Binary => brent(|t| self.overlap_rate(t) - alpha, 0.0, 1.0, 1e-15).unwrap_or(1.0),
            Self::Spherical => (-(-2.0 * alpha).exp_m1()).sqrt(),
            Self::Gaussian => (2.0 * alpha).sqrt(),
        }
    }

    /// $\lim\frac1N\ln\sum_{\mu>1}e^{\lambda\\,\xi^\mu\cdot\xi^1}$ for $e^{\alpha N}$ patterns: the
    /// free entropy of the auxiliary random energy model (derived here).
    ///
    /// With $e^{N(\alpha - J(t))}$ patterns at overlap $t$, the sum is
    /// $\max_t[\lambda t + \alpha - J(t)]$ over $J(t) \le \alpha$. The unconstrained
    /// maximum $t^*$ ($J'(t^*) = \lambda$: $\tanh\lambda$, $\frac{\sqrt{1+4\lambda^2}-1}{2\lambda}$,
    /// $\lambda$) holds while $J(t^*) \le \alpha$; otherwise the sum condenses on the
    /// largest overlap and equals $\lambda t_{max}$.
    pub fn rem_exponent(self, lambda: f64, alpha: f64) -> f64 {
        let t_star = self.free_maximiser(lambda);
        if self.overlap_rate(t_star) <= alpha {
            lambda * t_star + alpha - self.overlap_rate(t_star)
        } else {
            lambda * self.largest_overlap(alpha)
        }
    }

    fn free_maximiser(self, lambda: f64) -> f64 {
        match self {
            Self::Binary => lambda.tanh(),
            Self::Spherical => 2.0 * lambda / (1.0 + (1.0 + 4.0 * lambda * lambda).sqrt()),
            Self::Gaussian => lambda,
        }
    }
}

/// The typical-pattern retrieval threshold $\alpha_1(\lambda)$ of the
/// log-sum-exp memory at zero temperature (derived here, large $N$).
///
/// Criterion: at $x = \xi^1$ the condensed term $e^{\lambda N}$ must
/// dominate the others, $\lambda > $ [`PatternEnsemble::rem_exponent`]; then
/// the softmax weight of $\xi^1$ is $1 - e^{-\Theta(N)}$ and $\xi^1$ is (to
/// exponential accuracy) a fixed point. Solving at the threshold, which always
/// falls in the non-condensed regime except for Gaussian patterns at $\lambda > 1$:
///
/// * binary: $\alpha_1 = \lambda - \ln\cosh\lambda$ (tends to $\ln 2$);
/// * spherical: $\alpha_1 = \lambda(1 - t^*) - \frac12\ln(1-t^{*2})$,
///   $t^* = \frac{\sqrt{1+4\lambda^2}-1}{2\lambda}$ (grows like $\frac12(\ln\lambda + 1)$:
///   no bound on the sphere);
/// * Gaussian: $\alpha_1 = \lambda - \lambda^2/2$ for $\lambda \le 1$, and $\frac12$
///   for $\lambda \ge 1$ (condensed: the largest overlap $\sqrt{2\alpha}$ must stay below 1).
///
/// For spherical patterns the same criterion applied to the worst pattern
/// gives the same threshold (the non-condensed exponent is self-averaging and
/// the largest pair overlap $\sqrt{1 - e^{-4\alpha}}$ stays below 1), in line
/// with the coincidence of $\alpha_1$ and $\alpha_c$ that Lucibello & Mézard report.
pub fn log_sum_exp_threshold(ensemble: PatternEnsemble, lambda: f64) -> Result<f64, TheoryError> {
    if !(lambda.is_finite() && lambda > 0.0) {
        return Err(
            ParameterError::new("lambda", lambda, "an inverse softmax temperature > 0").into(),
        );
    }
    Ok(match ensemble {
        // lambda - ln cosh lambda, without cancellation at large lambda.
        PatternEnsemble::Binary => LN_2 - (-2.0 * lambda).exp().ln_1p(),
        PatternEnsemble::Spherical => {
            let t = ensemble.free_maximiser(lambda);
            lambda * (1.0 - t) - 0.5 * (-t * t).ln_1p()
        }
        PatternEnsemble::Gaussian if lambda <= 1.0 => lambda - 0.5 * lambda * lambda,
        PatternEnsemble::Gaussian => 0.5,
    })
}

/// The $\lambda \to \infty$ log-sum-exp memory, $E(x) = -\max_\mu\xi^\mu\cdot x$:
/// the largest load at which a typical pattern attracts a cue with overlap
/// $m$ (random otherwise), $\alpha = J(m)$ (derived here, large $N$).
///
/// Descent on $-\max_\mu\xi^\mu\cdot x$ converges to the pattern with the
/// largest overlap with the cue; the other $e^{\alpha N}$ patterns reach
/// $t_{max}(\alpha)$, so the cue is in the basin of $\xi^1$ iff $m > t_{max}$,
/// i.e. $\alpha < J(m)$: $-\frac12\ln(1 - m^2)$ for spherical patterns, $I(m)$
/// for binary ones (the exponential memory of [`exponential_capacity`] behaves
/// the same at $m = 1 - 2\rho$), $m^2/2$ for Gaussian ones.
pub fn argmax_basin_threshold(ensemble: PatternEnsemble, overlap: f64) -> Result<f64, TheoryError> {
    if !(overlap.is_finite() && overlap > 0.0 && overlap <= 1.0) {
        return Err(ParameterError::new("overlap", overlap, "a cue overlap in (0, 1]").into());
    }
    Ok(ensemble.overlap_rate(overlap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_factorials() {
        assert_eq!(double_factorial_moment(2), 1.0);
        assert_eq!(double_factorial_moment(3), 3.0);
        assert_eq!(double_factorial_moment(4), 15.0);
    }

    #[test]
    fn exponential_memory_stores_ln2_over_2_without_corruption() {
        let c = exponential_capacity(0.0).unwrap();
        assert!((c.all_patterns - 0.5 * LN_2).abs() < 1e-15);
        assert!((c.typical_pattern - LN_2).abs() < 1e-15);
        assert!(exponential_capacity(0.5).is_err());
    }

    #[test]
    fn threshold_limits() {
        // Binary: lambda - ln cosh lambda -> ln 2; Gaussian: continuous at lambda = 1.
        let binary = log_sum_exp_threshold(PatternEnsemble::Binary, 30.0).unwrap();
        assert!((binary - LN_2).abs() < 1e-12);
        let below = log_sum_exp_threshold(PatternEnsemble::Gaussian, 1.0 - 1e-9).unwrap();
        assert!((below - 0.5).abs() < 1e-9);
        // Small lambda: the REM never condenses and alpha_1 = lambda - lambda^2/2 + O(lambda^3) for all three.
        for ensemble in [
            PatternEnsemble::Binary,
            PatternEnsemble::Spherical,
            PatternEnsemble::Gaussian,
        ] {
            let lambda = 1e-3;
            let a = log_sum_exp_threshold(ensemble, lambda).unwrap();
            assert!(
                (a - (lambda - 0.5 * lambda * lambda)).abs() < 1e-8,
                "{ensemble:?} {a}"
            );
            // At the threshold the signal equals the REM exponent.
            for lambda in [0.3, 1.0, 2.5] {
                let a = log_sum_exp_threshold(ensemble, lambda).unwrap();
                assert!(
                    (ensemble.rem_exponent(lambda, a) - lambda).abs() < 1e-12,
                    "{ensemble:?} {lambda}"
                );
            }
        }
    }
}
