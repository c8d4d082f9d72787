//! $p$-spin glasses: transition temperatures of the spherical and Ising models.
//!
//! Convention: $H = -\sum_{i_1<\dots<i_p} J_{i_1\dots i_p} s_{i_1}\cdots s_{i_p}$
//! with $\mathbb E J^2 = p!/(2N^{p-1})$, so that
//! $\mathbb E H(s)H(s') = N\xi(q)$, $\xi(q) = q^p/2$ ($p = 2$ is SK).
//!
//! **Spherical** ($\sum_i s_i^2 = N$, Crisanti–Sommers 1992; Cugliandolo–Kurchan 1993):
//! the one-step solution with $q_0 = 0$ is stationary at
//! $\beta^2\xi'(q) = q/[(1-q)(1-(1-m)q)]$. The dynamic transition is where
//! the $m = 1$ equation $\beta^2\xi'(q)(1-q) = q$ first has a solution,
//! $T_d^2 = p(p-2)^{p-2}/(2(p-1)^{p-1})$ with plateau $q_d = (p-2)/(p-1)$;
//! the static (Kauzmann) one is where the $m = 1$ complexity vanishes,
//! $\beta^2\xi(q) + \ln(1-q) + q = 0$. The threshold energy is
//! $e_{th} = -\sqrt{2(p-1)/p}$.
//!
//! **Ising** (Gardner 1985): at $m = 1$ the glass overlap solves
//! $q = \mathbb E_z\tanh^2(az + a^2)$, $a^2 = \beta^2\xi'(q)$; it appears at
//! $T_d$. Its complexity
//! $\Sigma = \ln 2 - \mathbb E_z\ln 2\cosh(az + a^2) + \frac{\beta^2}2\left[(1+q)\xi'(q) - \xi(q)\right]$
//! vanishes at the static temperature $T_s$. The replica-symmetric spinodal
//! is where a non-zero solution of $q = \mathbb E_z\tanh^2(az)$ first appears.

use serde::Serialize;

use crate::error::TheoryError;
use crate::numerics::{GaussianRule, brent, log_two_cosh};
use quench_core::ParameterError;

fn check_order(p: u32) -> Result<i32, ParameterError> {
    if (3..=64).contains(&p) {
        Ok(p as i32)
    } else {
        Err(ParameterError::new(
            "p",
            p,
            "an integer in 3..=64 (p = 2 is SK: use the sk module)",
        ))
    }
}

/// Thresholds of the spherical $p$-spin glass.
#[derive(Debug, Clone, Serialize)]
pub struct SphericalThresholds {
    /// Order of the interaction $p$.
    pub p: u32,
    /// Dynamic (mode-coupling) temperature $T_d$.
    pub dynamic_temperature: f64,
    /// Plateau of the correlation at $T_d$: $q_d = (p-2)/(p-1)$.
    pub plateau: f64,
    /// Static (Kauzmann) temperature $T_s$, where the complexity of equilibrium states vanishes.
    pub static_temperature: f64,
    /// Edwards–Anderson overlap just below $T_s$.
    pub static_overlap: f64,
    /// Threshold energy per spin $e_{th} = -\sqrt{2(p-1)/p}$: where gradient dynamics gets stuck.
    pub threshold_energy: f64,
    /// Paramagnetic energy at $T_d$, $-\beta_d\\,\xi(1) = -1/(2T_d)$.
    pub dynamic_energy: f64,
}

/// Transition temperatures, plateau and threshold energy of the spherical $p$-spin model.
pub fn spherical_p_spin(p: u32) -> Result<SphericalThresholds, TheoryError> {
    let pi = check_order(p)?;
    let pf = f64::from(pi);
    let dynamic_temperature =
        (pf * (pf - 2.0).powi(pi - 2) / (2.0 * (pf - 1.0).powi(pi - 1))).sqrt();
    // Static: q^2/p = -(1-q)(ln(1-q) + q), then beta^2 = 2 q^(2-p) / (p (1-q)).
    let equation = |q: f64| q * q / pf + (1.0 - q) * ((-q).ln_1p() + q);
    let static_overlap =
        brent(equation, 1e-6, 1.0 - 1e-12, 1e-15).ok_or_else(|| TheoryError::NoSolution {
            what: "spherical p-spin static transition",
            reason: format!("no root of the m = 1 complexity for p = {p}"),
        })?;
    let beta_squared = 2.0 * static_overlap.powi(2 - pi) / (pf * (1.0 - static_overlap));
    Ok(SphericalThresholds {
        p,
        dynamic_temperature,
        plateau: (pf - 2.0) / (pf - 1.0),
        static_temperature: 1.0 / beta_squared.sqrt(),
        static_overlap,
        threshold_energy: -(2.0 * (pf - 1.0) / pf).sqrt(),
        dynamic_energy: -0.5 / dynamic_temperature,
    })
}

/// Thresholds of the Ising $p$-spin glass.
#[derive(Debug, Clone, Serialize)]
pub struct IsingThresholds {
    /// Order of the interaction $p$.
    pub p: u32,
    /// Temperature below which a non-zero replica-symmetric overlap exists.
    pub replica_symmetric_spinodal: f64,
    /// Dynamic temperature $T_d$ (the $m = 1$ one-step solution appears).
    pub dynamic_temperature: f64,
    /// Overlap of that solution at $T_d$.
    pub dynamic_overlap: f64,
    /// Static temperature $T_s$ (the $m = 1$ complexity vanishes).
    pub static_temperature: f64,
    /// Overlap at $T_s$.
    pub static_overlap: f64,
    /// Complexity at $T_d$.
    pub dynamic_complexity: f64,
}

struct Ising {
    p: i32,
    rule: &'static GaussianRule,
}

impl Ising {
    fn xi(&self, q: f64) -> f64 {
        0.5 * q.powi(self.p)
    }
    fn xi1(&self, q: f64) -> f64 {
        0.5 * f64::from(self.p) * q.powi(self.p - 1)
    }

    /// Largest fixed point of $q \mapsto \mathbb E\tanh^2(az + \text{shift}\cdot a^2)$ from $q = 1$.
    fn fixed_point(&self, beta: f64, tilted: bool) -> f64 {
        let mut q = 1.0;
        // Near the saddle-node the approach is slow: 5000 iterations resolve
        // beta to about 1e-7 relative.
        for _ in 0..5_000 {
            let a2 = beta * beta * self.xi1(q);
            let a = a2.sqrt();
            let shift = if tilted { a2 } else { 0.0 };
            let next = self.rule.expect(|z| (a * z + shift).tanh().powi(2));
            if (next - q).abs() < 1e-14 {
                return next;
            }
            q = next;
            if q < 1e-4 {
                return 0.0;
            }
        }
        q
    }

    fn complexity(&self, beta: f64, q: f64) -> f64 {
        let a2 = beta * beta * self.xi1(q);
        let a = a2.sqrt();
        let log_cosh = self.rule.expect(|z| log_two_cosh(a * z + a2));
        2f64.ln() - log_cosh + 0.5 * beta * beta * ((1.0 + q) * self.xi1(q) - self.xi(q))
    }

    /// Largest temperature at which the fixed point is non-zero (bisection on $\beta$).
    fn appearance(&self, tilted: bool) -> f64 {
        let (mut low, mut high) = (0.1, 10.0);
        for _ in 0..45 {
            let middle = 0.5 * (low + high);
            if self.fixed_point(middle, tilted) > 0.0 {
                high = middle;
            } else {
                low = middle;
            }
        }
        high
    }
}

/// $T_d$, $T_s$ and the replica-symmetric spinodal of the Ising $p$-spin glass
/// (about 0.1 s: bisections over fixed-point iterations).
pub fn ising_p_spin(p: u32) -> Result<IsingThresholds, TheoryError> {
    let pi = check_order(p)?;
    let model = Ising {
        p: pi,
        rule: GaussianRule::smooth(),
    };
    let beta_d = model.appearance(true);
    // Just inside the glass phase: at the saddle-node itself the iteration is critically slow.
    let dynamic_overlap = model.fixed_point(beta_d * (1.0 + 1e-7), true);
    let beta_rs = model.appearance(false);
    let sigma = |beta: f64| model.complexity(beta, model.fixed_point(beta, true));
    let beta_s = brent(sigma, beta_d * (1.0 + 1e-3), 4.0 * beta_d, 1e-12).ok_or_else(|| {
        TheoryError::NoSolution {
            what: "Ising p-spin static transition",
            reason: format!(
                "the m = 1 complexity does not vanish between beta_d and 4 beta_d for p = {p}"
            ),
        }
    })?;
    Ok(IsingThresholds {
        p,
        replica_symmetric_spinodal: 1.0 / beta_rs,
        dynamic_temperature: 1.0 / beta_d,
        dynamic_overlap,
        static_temperature: 1.0 / beta_s,
        static_overlap: model.fixed_point(beta_s, true),
        dynamic_complexity: model.complexity(beta_d, dynamic_overlap),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spherical_three_spin() {
        let t = spherical_p_spin(3).unwrap();
        // T_d = sqrt(3/8) (Crisanti-Horner-Sommers 1993), T_s = 0.586 (Crisanti-Sommers 1992, three digits),
        // e_th = -2/sqrt(3).
        assert!((t.dynamic_temperature - (3.0f64 / 8.0).sqrt()).abs() < 1e-15);
        assert!(
            (t.static_temperature - 0.586).abs() < 5e-4,
            "{}",
            t.static_temperature
        );
        assert!((t.threshold_energy + 2.0 / 3f64.sqrt()).abs() < 1e-15);
        assert!((t.plateau - 0.5).abs() < 1e-15);
        assert!(t.static_temperature < t.dynamic_temperature);
    }

    #[test]
    fn ising_three_spin() {
        // Montanari & Ricci-Tersenghi, EPJB 33, 339 (2003): T_d = 0.682, T_s = 0.651.
        let t = ising_p_spin(3).unwrap();
        assert!((t.dynamic_temperature - 0.682).abs() < 1.5e-3, "{t:?}");
        assert!((t.static_temperature - 0.651).abs() < 1.5e-3, "{t:?}");
        assert!(t.dynamic_complexity > 0.0);
    }

    #[test]
    fn p_must_be_at_least_three() {
        let error = spherical_p_spin(2).unwrap_err().to_string();
        assert!(error.contains("`p`"), "{error}");
    }
}
