//! The Gaussian tail $H(x) = \int_x^\infty Dt$ and its logarithmic
//! derivatives, accurate far into the tail, and the parameter checks shared
//! by the perceptron solvers.
//!
//! Below $x = 10$ everything comes from `erfc`. Its argument $x/\sqrt2$ is
//! rounded, which costs a relative $x^2\epsilon$ in $H$, and $x - m(x)$ then
//! cancels a further factor $x^2$: $(\ln H)''$ is good to about
//! $x^4\epsilon \approx 2\cdot10^{-12}$ at worst. From $x = 10$ on, the Mills
//! ratio $H/\varphi$ is the asymptotic series $\frac1x(1 + S)$,
//! $S = \sum_{k=1}^{30}(-1)^k(2k-1)!!\\,x^{-2k}$, whose first omitted term
//! is below $10^{-19}$, and the second derivative of $\ln H$ is built from
//! $S$ directly, so nothing cancels
//! however large $x$ is.

use std::f64::consts::{PI, SQRT_2};

use quench_core::ParameterError;

/// Where the asymptotic series takes over from `erfc`.
const SERIES_FROM: f64 = 10.0;

/// $S(x) = xH(x)/\varphi(x) - 1$ for $x \ge 10$ (asymptotic series, 30 terms).
fn tail_series(x: f64) -> f64 {
    let r = 1.0 / (x * x);
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 1..=30 {
        term *= -((2 * k - 1) as f64) * r;
        sum += term;
    }
    sum
}

/// $\ln\varphi(x)$.
fn ln_phi(x: f64) -> f64 {
    -0.5 * x * x - 0.5 * (2.0 * PI).ln()
}

/// $\ln H(x)$ for any real $x$ ($\ln\Phi(x) = \ln H(-x)$).
pub(crate) fn ln_h(x: f64) -> f64 {
    if x < SERIES_FROM {
        (0.5 * libm::erfc(x / SQRT_2)).ln()
    } else {
        ln_phi(x) + (tail_series(x).ln_1p() - x.ln())
    }
}

/// $H(x)$.
pub(crate) fn h(x: f64) -> f64 {
    0.5 * libm::erfc(x / SQRT_2)
}

/// The inverse Mills ratio $m(x) = \varphi(x)/H(x) = -(\ln H)'(x)$.
pub(crate) fn mills(x: f64) -> f64 {
    if x < SERIES_FROM {
        // No underflow: H(10) = 8e-24.
        (ln_phi(x).exp()) / h(x)
    } else {
        x / (1.0 + tail_series(x))
    }
}

/// $(\ln H)''(x) = m(x)\\,(x - m(x))$, between $-1$ and $0$.
pub(crate) fn ln_h_second(x: f64) -> f64 {
    if x < SERIES_FROM {
        let m = mills(x);
        m * (x - m)
    } else {
        let s = tail_series(x);
        x * x * s / ((1.0 + s) * (1.0 + s))
    }
}

/// $\ln(\varepsilon + (1-\varepsilon)H(x))$ given $\ln\varepsilon$ (which may be $-\infty$).
pub(super) fn ln_floor_h(ln_floor: f64, x: f64) -> f64 {
    if ln_floor == f64::NEG_INFINITY {
        return ln_h(x);
    }
    crate::numerics::log_add_exp(ln_floor, (-ln_floor.exp()).ln_1p() + ln_h(x))
}

/// A load $\alpha = P/N$: finite and $\ge 0$.
pub(crate) fn check_alpha(alpha: f64) -> Result<f64, ParameterError> {
    if alpha.is_finite() && alpha >= 0.0 {
        Ok(alpha)
    } else {
        Err(ParameterError::new(
            "alpha",
            alpha,
            "a finite load P/N >= 0",
        ))
    }
}

/// A stability threshold $\kappa$: finite (the replica-symmetric theory is
/// exact for spherical weights at $\kappa \ge 0$ only).
pub(crate) fn check_kappa(kappa: f64) -> Result<f64, ParameterError> {
    if kappa.is_finite() && kappa >= -10.0 {
        Ok(kappa)
    } else {
        Err(ParameterError::new(
            "kappa",
            kappa,
            "a finite stability threshold >= -10",
        ))
    }
}

/// A label-flip probability $\eta \in [0, 1/2)$.
pub(super) fn check_label_noise(noise: f64) -> Result<f64, ParameterError> {
    if noise.is_finite() && (0.0..0.5).contains(&noise) {
        Ok(noise)
    } else {
        Err(ParameterError::new(
            "label_noise",
            noise,
            "a flip probability in [0, 1/2)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_and_erfc_agree_where_they_meet() {
        // At x = 10 the series is good to 1e-19; erfc loses x^2 eps to the
        // rounding of its argument, and x - m a further x^2 (module docs).
        let x = SERIES_FROM;
        let below = x * (1.0 - f64::EPSILON);
        let bound = 4.0 * x.powi(4) * f64::EPSILON;
        let ln_series = ln_phi(x) + (tail_series(x).ln_1p() - x.ln());
        let ln_erfc = (0.5 * libm::erfc(x / SQRT_2)).ln();
        assert!((ln_series - ln_erfc).abs() < bound, "{ln_series} {ln_erfc}");
        let m = mills(below);
        assert!((m - x / (1.0 + tail_series(x))).abs() < bound * m);
        let second = ln_h_second(below);
        let series = x * x * tail_series(x) / (1.0 + tail_series(x)).powi(2);
        assert!((second - series).abs() < bound, "{second} {series}");
    }

    #[test]
    fn tail_limits() {
        // (ln H)'' -> -1 + 2/x^2 far in the tail; m(x) ~ x + 1/x.
        let x = 1e6;
        assert!((ln_h_second(x) + 1.0).abs() < 3e-12);
        assert!((mills(x) - x - 1.0 / x).abs() < 1e-9);
        // ln H(-x) -> 0 and m(-x) -> 0 on the other side.
        assert!(ln_h(-40.0).abs() < 1e-300 || ln_h(-40.0) == 0.0);
        assert!(mills(-40.0) < 1e-300);
    }
}
