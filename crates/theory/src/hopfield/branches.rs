//! Solvers for the retrieval and spin-glass branches at fixed temperature
//! (the parametrisations are described in [`super::ags`]).
//!
//! Each branch object keeps the last $\sigma$ it found and starts the next
//! Newton iteration there, so that a sweep along a branch (maximising the
//! load, or looking for a crossing) costs one or two quadratures per point.

use std::cell::Cell;
use std::f64::consts::{FRAC_2_SQRT_PI, PI, SQRT_2};

use super::ags::{BranchPoint, branch_point, hyperbolic, rule_for};
use crate::numerics::{brent, minimise_bounded, newton_monotone};

/// Relative size of the last Newton step at which the inner solvers stop
/// (the error left is of order its square).
const NEWTON_STEP: f64 = 1e-9;

/// The Curie–Weiss overlap $m_{CW}(T)$, the positive root of $m = \tanh(m/T)$ (0 for $T \ge 1$).
pub(crate) fn curie_weiss_overlap(temperature: f64) -> f64 {
    if temperature >= 1.0 {
        return 0.0;
    }
    if temperature == 0.0 {
        return 1.0;
    }
    let beta = 1.0 / temperature;
    let g = |m: f64| (beta * m).tanh() / m - 1.0;
    if g(1.0) >= 0.0 {
        return 1.0;
    }
    brent(g, 1e-150, 1.0, 1e-300).unwrap_or(1.0)
}

/// $\operatorname{erf}^{-1}(m)$ for $0 \le m < 1$ (Brent's method; $m$ rounds to 1 beyond $y \approx 5.9$).
fn inverse_erf(m: f64) -> f64 {
    brent(|y| libm::erf(y) - m, 0.0, 7.0, 1e-300).unwrap_or(7.0)
}

/// $\sqrt{2\alpha}$ as a function of $y = m/(\sqrt2\sigma)$ on the zero-temperature
/// retrieval branch: $\operatorname{erf}(y)/y - \frac2{\sqrt\pi}e^{-y^2}$.
pub(crate) fn zero_temperature_root_load(y: f64) -> f64 {
    libm::erf(y) / y - FRAC_2_SQRT_PI * (-y * y).exp()
}

/// The zero-temperature retrieval point at $y = m/(\sqrt2\sigma)$.
pub(crate) fn zero_temperature_point(y: f64) -> BranchPoint {
    let m = libm::erf(y);
    branch_point(0.0, m, m / (SQRT_2 * y))
}

/// $\mathbb E_z\tanh\beta(m + \sigma z) - m$ and its derivative in $\sigma$,
/// $\beta\\,\mathbb E_z z\operatorname{sech}^2\beta(m + \sigma z)$, in one pass.
fn tanh_residual(temperature: f64, m: f64, sigma: f64) -> (f64, f64) {
    let beta = 1.0 / temperature;
    let rule = rule_for(temperature, m, sigma);
    let (mut value, mut slope) = (0.0, 0.0);
    for (&z, &w) in rule.nodes.iter().zip(&rule.weights) {
        let (t, s2, _) = hyperbolic(beta * (m + sigma * z));
        value += w * t;
        slope += w * z * s2;
    }
    (value - m, beta * slope)
}

/// The retrieval branch $m \mapsto (\sigma(m), \alpha(m))$ at one temperature $0 \le T < 1$.
pub(crate) struct RetrievalBranch {
    temperature: f64,
    /// $m_{CW}(T)$, where the branch reaches $\alpha = 0$.
    pub top: f64,
    last_sigma: Cell<f64>,
}

impl RetrievalBranch {
    pub(crate) fn new(temperature: f64) -> Self {
        Self {
            temperature,
            top: curie_weiss_overlap(temperature),
            last_sigma: Cell::new(0.0),
        }
    }

    /// $\sigma(m)$: the root of $\mathbb E\tanh\beta(m + \sigma z) = m$ (0 when
    /// $m \ge m_{CW}$). The left side decreases in $\sigma$; Newton's method,
    /// safeguarded by the bracket, starts from the last root (or from the
    /// zero-temperature root $m/(\sqrt2\operatorname{erf}^{-1}m)$).
    pub(crate) fn sigma(&self, m: f64) -> f64 {
        let t = self.temperature;
        if t == 0.0 {
            return if m >= 1.0 {
                0.0
            } else {
                m / (SQRT_2 * inverse_erf(m))
            };
        }
        if (m / t).tanh() <= m {
            return 0.0;
        }
        let start = match self.last_sigma.get() {
            s if s > 0.0 => s,
            _ if m < 1.0 => m / (SQRT_2 * inverse_erf(m)),
            _ => 1.0,
        };
        let sigma = newton_monotone(
            |sigma| tanh_residual(t, m, sigma),
            start,
            0.0,
            f64::INFINITY,
            false,
            NEWTON_STEP,
        );
        self.last_sigma.set(sigma);
        sigma
    }

    /// The point with overlap $m$.
    pub(crate) fn point(&self, m: f64) -> BranchPoint {
        branch_point(self.temperature, m, self.sigma(m))
    }

    /// The end of the branch: the point of largest load, $\alpha_c(T)$.
    ///
    /// At $T = 0$ Brent's method on $d\sqrt{2\alpha}/dy = 0$; at $T > 0$
    /// Brent's minimiser on $-\alpha(m)$ over $[0.3\\,m_{CW}, m_{CW}]$ (the
    /// maximum lies between $0.75\\,m_{CW}$ and $0.97\\,m_{CW}$ at every $T$,
    /// and $\alpha(m)$ is unimodal there).
    pub(crate) fn spinodal(&self) -> BranchPoint {
        let t = self.temperature;
        if t == 0.0 {
            let slope = |y: f64| {
                let g = FRAC_2_SQRT_PI * (-y * y).exp();
                g / y - libm::erf(y) / (y * y) + 2.0 * y * g
            };
            let y = brent(slope, 0.5, 3.0, 1e-300).unwrap_or(1.5);
            return zero_temperature_point(y);
        }
        let (m, _) = minimise_bounded(
            |m| -self.point(m).alpha,
            0.3 * self.top,
            self.top,
            1e-10 * self.top,
        );
        self.point(m)
    }

    /// The stable retrieval point at load $0 < \alpha \le \alpha_c$, given the spinodal `end`.
    pub(crate) fn at_load(&self, alpha: f64, end: &BranchPoint) -> BranchPoint {
        if self.temperature == 0.0 {
            let target = (2.0 * alpha).sqrt();
            let y_end = end.m / (SQRT_2 * end.sigma);
            let y_high = 2.0 / target + 2.0;
            let y = brent(
                |y| zero_temperature_root_load(y) - target,
                y_end,
                y_high,
                1e-15 * y_end,
            )
            .unwrap_or(y_end);
            return zero_temperature_point(y);
        }
        let m = brent(
            |m| self.point(m).alpha - alpha,
            end.m,
            self.top,
            1e-15 * self.top,
        )
        .unwrap_or(end.m);
        self.point(m)
    }
}

/// The spin-glass branch $\sigma \mapsto \alpha(\sigma)$ ($m = 0$) at one temperature $T > 0$.
pub(crate) struct SpinGlassBranch {
    temperature: f64,
    /// Lower end of the branch in $\sigma$: $C(\sigma) = 1$ for $T < 1$, 0 otherwise.
    low: f64,
    /// The load where the branch starts: 0 for $T < 1$, the $\sigma \to 0$ limit otherwise.
    pub onset: f64,
    last_sigma: Cell<f64>,
}

/// $C = \beta\\,\mathbb E\operatorname{sech}^2x$, $q = \mathbb E\tanh^2x$ and
/// $K = \mathbb E z\tanh x\operatorname{sech}^2 x$ at $x = \beta\sigma z$:
/// $dC/d\sigma = -2\beta^2K$, $dq/d\sigma = 2\beta K$.
fn glass_averages(temperature: f64, sigma: f64) -> (f64, f64, f64) {
    let beta = 1.0 / temperature;
    let rule = rule_for(temperature, 0.0, sigma);
    let (mut sech2, mut tanh2, mut k) = (0.0, 0.0, 0.0);
    for (&z, &w) in rule.nodes.iter().zip(&rule.weights) {
        let (t, s2, _) = hyperbolic(beta * sigma * z);
        sech2 += w * s2;
        tanh2 += w * t * t;
        k += w * z * t * s2;
    }
    (beta * sech2, tanh2, k)
}

impl SpinGlassBranch {
    pub(crate) fn new(temperature: f64) -> Self {
        let beta = 1.0 / temperature;
        let (low, onset) = if temperature < 1.0 {
            // C decreases from beta > 1 at sigma = 0 to 0: its root is the lower end.
            let low = newton_monotone(
                |sigma| {
                    let (c, _, k) = glass_averages(temperature, sigma);
                    (c - 1.0, -2.0 * beta * beta * k)
                },
                1.0,
                0.0,
                f64::INFINITY,
                false,
                NEWTON_STEP,
            );
            (low, 0.0)
        } else {
            // The branch starts at sigma -> 0; at 1e-5 the load is at its limit to O(1e-10).
            let low = 1e-5;
            (low, branch_point(temperature, 0.0, low).alpha)
        };
        Self {
            temperature,
            low,
            onset,
            last_sigma: Cell::new(0.0),
        }
    }

    /// The spin-glass point at load $\alpha >$ `onset`: Newton's method on
    /// $\sigma^2(1-C)^2/q - \alpha$, increasing in $\sigma$.
    pub(crate) fn at_load(&self, alpha: f64) -> BranchPoint {
        let t = self.temperature;
        let beta = 1.0 / t;
        let start = match self.last_sigma.get() {
            s if s > self.low => s,
            _ => (2.0 / PI).sqrt() + alpha.sqrt(),
        };
        let sigma = newton_monotone(
            |sigma| {
                let (c, q, k) = glass_averages(t, sigma);
                let d = 1.0 - c;
                let load = sigma * sigma * d * d / q;
                let slope =
                    2.0 * load / sigma + load * (4.0 * beta * beta * k / d - 2.0 * beta * k / q);
                (load - alpha, slope)
            },
            start,
            self.low,
            f64::INFINITY,
            true,
            NEWTON_STEP,
        );
        self.last_sigma.set(sigma);
        branch_point(t, 0.0, sigma)
    }
}
