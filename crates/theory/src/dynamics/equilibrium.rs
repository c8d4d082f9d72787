//! Equilibrium dynamics of the spherical model: the time-translation
//! invariant limit of the Cugliandolo–Kurchan equations, with the
//! fluctuation–dissipation theorem,
//!
//! $$ \dot C(\tau) = -T\\,C(\tau) - \beta\int_0^\tau ds\\,M(\tau - s)\\,\dot C(s), \qquad M = \xi'(C), \quad C(0) = 1. $$
//!
//! Solved on a grid whose step doubles when it fills (Fuchs, Götze,
//! Hofacker and Latz, J. Phys.: Condens. Matter 3, 5047 (1991)): nodes $C_k$ and interval
//! means $\bar C_k$, $\bar M_k$ over $[\tau_{k-1},\tau_k]$; the memory integral
//! is split at $\tau_i/2$ and each half summed with its fast factor
//! (near $s = 0$) as differences and its slow factor as interval means,
//!
//! $$ \int_0^{\tau_i}M(\tau_i - s)\dot C(s)ds \approx \sum_{k=1}^{i'}(C_k - C_{k-1})\bar M_{i-k+1}
//!    + M_0C_i - M_{i-i'}C_{i'} + \sum_{k=1}^{i-i'}(M_k - M_{k-1})\bar C_{i-k+1}, $$
//!
//! with $i' = \lfloor i/2\rfloor$; the derivative is BDF2 and each new value is
//! solved by iteration.

use serde::Serialize;

use super::Covariance;
use crate::error::TheoryError;
use quench_core::ParameterError;

/// One time of the equilibrium correlation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EquilibriumPoint {
    /// $\tau$.
    pub time: f64,
    /// $C(\tau)$; the integrated response is $\chi(\tau) = \beta(1 - C(\tau))$.
    pub correlation: f64,
}

/// The equilibrium correlation $C(\tau)$ at temperature $T$.
#[derive(Debug, Clone, Serialize)]
pub struct EquilibriumDynamics {
    /// $T$.
    pub temperature: f64,
    /// $C(\tau)$ on the grid, $\tau$ increasing from 0.
    pub points: Vec<EquilibriumPoint>,
}

impl EquilibriumDynamics {
    /// The first time at which $C$ falls to `level`, interpolated linearly in
    /// $\ln\tau$; `None` if it never does.
    pub fn crossing_time(&self, level: f64) -> Option<f64> {
        self.points.windows(2).find_map(|pair| {
            let (a, b) = (pair[0], pair[1]);
            (a.correlation > level && b.correlation <= level && a.time > 0.0).then(|| {
                let fraction = (a.correlation - level) / (a.correlation - b.correlation);
                (a.time.ln() + fraction * (b.time / a.time).ln()).exp()
            })
        })
    }

    /// The plateau: $C$ where it decays slowest in $\ln\tau$ (least
    /// $|dC/d\ln\tau|$) among the times with `low` $< C <$ `high`, when that
    /// slowest point lies strictly inside the range.
    pub fn plateau(&self, low: f64, high: f64) -> Option<f64> {
        let inside: Vec<&EquilibriumPoint> = self
            .points
            .iter()
            .filter(|p| p.time > 0.0 && p.correlation > low && p.correlation < high)
            .collect();
        let slopes: Vec<(f64, f64)> = inside
            .windows(2)
            .map(|pair| {
                let slope = (pair[1].correlation - pair[0].correlation)
                    / (pair[1].time / pair[0].time).ln();
                (
                    slope.abs(),
                    0.5 * (pair[0].correlation + pair[1].correlation),
                )
            })
            .collect();
        let best = slopes
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.0.total_cmp(&b.1.0))?;
        (best.0 > 0 && best.0 + 1 < slopes.len()).then_some(best.1.1)
    }
}

/// Solves the equilibrium equation at `temperature` up to `final_time` on
/// grids of `points` points per block starting with step `initial_step`.
pub fn equilibrium(
    covariance: &Covariance,
    temperature: f64,
    final_time: f64,
    points: usize,
    initial_step: f64,
) -> Result<EquilibriumDynamics, TheoryError> {
    let t = crate::error::positive_temperature(temperature)?;
    if !(32..=1 << 16).contains(&points) || !points.is_multiple_of(2) {
        return Err(ParameterError::new("points", points, "an even number in 32..=65536").into());
    }
    if !(initial_step.is_finite() && initial_step > 0.0 && initial_step <= 0.01) {
        return Err(
            ParameterError::new("initial_step", initial_step, "a step in (0, 0.01]").into(),
        );
    }
    if !(final_time.is_finite() && final_time > 0.0 && final_time <= 1e15) {
        return Err(ParameterError::new("time", final_time, "a final time in (0, 1e15]").into());
    }
    let beta = 1.0 / t;
    let n = points;
    let mut h = initial_step;
    let mut c = vec![0.0; n + 1];
    let mut mean_c = vec![0.0; n + 1];
    let mut mean_m = vec![0.0; n + 1];
    let m = |c: f64| covariance.first(c);
    // Short times: C = 1 - T tau.
    for k in 0..=2 {
        c[k] = 1.0 - t * k as f64 * h;
        if k >= 1 {
            mean_c[k] = 0.5 * (c[k - 1] + c[k]);
            mean_m[k] = 0.5 * (m(c[k - 1]) + m(c[k]));
        }
    }
    let mut result: Vec<EquilibriumPoint> = (0..=2)
        .map(|k| EquilibriumPoint {
            time: k as f64 * h,
            correlation: c[k],
        })
        .collect();
    let m0 = m(1.0);
    let mut first = 3;
    loop {
        for i in first..=n {
            let half = i / 2;
            let rest = i - half;
            // Everything but the terms in C_i, dC_i and dM_i.
            let mut known = -m(c[rest]) * c[half];
            for k in 2..=half {
                known += (c[k] - c[k - 1]) * mean_m[i - k + 1];
            }
            for k in 2..=rest {
                known += (m(c[k]) - m(c[k - 1])) * mean_c[i - k + 1];
            }
            let history = (2.0 * c[i - 1] - 0.5 * c[i - 2]) / h;
            let mut value = 2.0 * c[i - 1] - c[i - 2];
            let mut converged = false;
            for _ in 0..200 {
                let mean_c_new = (5.0 * value + 8.0 * c[i - 1] - c[i - 2]) / 12.0;
                let mean_m_new = (5.0 * m(value) + 8.0 * m(c[i - 1]) - m(c[i - 2])) / 12.0;
                let memory = known + (c[1] - c[0]) * mean_m_new + (m(c[1]) - m(c[0])) * mean_c_new;
                let next = (history - beta * memory) / (1.5 / h + t + beta * m0);
                let change = (next - value).abs();
                value = next;
                if change < 1e-14 {
                    converged = true;
                    break;
                }
            }
            if !converged || !value.is_finite() {
                return Err(TheoryError::NotConverged {
                    method: "equilibrium dynamics",
                    iterations: 200,
                    residual: value,
                    tolerance: 1e-14,
                    advice: "use more points or a smaller initial step",
                });
            }
            c[i] = value;
            mean_c[i] = (5.0 * value + 8.0 * c[i - 1] - c[i - 2]) / 12.0;
            mean_m[i] = (5.0 * m(value) + 8.0 * m(c[i - 1]) - m(c[i - 2])) / 12.0;
            result.push(EquilibriumPoint {
                time: i as f64 * h,
                correlation: value,
            });
            if i as f64 * h >= final_time {
                return Ok(EquilibriumDynamics {
                    temperature: t,
                    points: result,
                });
            }
        }
        for k in 1..=n / 2 {
            c[k] = c[2 * k];
            mean_c[k] = 0.5 * (mean_c[2 * k - 1] + mean_c[2 * k]);
            mean_m[k] = 0.5 * (mean_m[2 * k - 1] + mean_m[2 * k]);
        }
        h *= 2.0;
        first = n / 2 + 1;
    }
}
