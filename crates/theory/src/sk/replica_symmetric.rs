//! The replica-symmetric solution of the Sherrington–Kirkpatrick model and
//! its stability (the de Almeida–Thouless line).
//!
//! With couplings of variance $1/N$, field $h$ and $\beta = 1/T$, the
//! replica-symmetric free energy per spin is
//!
//! $$ f = -\frac\beta4 (1-q)^2 - T\\,\mathbb E_z \ln 2\cosh\beta(\sqrt q\\,z + h), $$
//!
//! stationary at $q = \mathbb E_z \tanh^2\beta(\sqrt q\\,z+h)$. The energy is
//! $u = -\frac\beta2(1-q^2) - hm$, the entropy
//! $s = \mathbb E_z[\ln 2\cosh x - x\tanh x] - \frac14\beta^2(1-q)^2$ with
//! $x = \beta(\sqrt q z + h)$ (this form avoids cancellations at low $T$), and
//! the susceptibility $\chi = \beta(1-q)$. The replicon eigenvalue
//! $\lambda = 1 - \beta^2\\,\mathbb E_z \operatorname{sech}^4 x$ is negative
//! below the de Almeida–Thouless line, where the solution is unstable.
//!
//! At $T = 0$: $q = 1$, $\chi = \lim\beta(1-q) = \sqrt{2/\pi}\\,e^{-h^2/2}$,
//! $m = \operatorname{erf}(h/\sqrt2)$, $u = -\chi - hm$, $s = -\chi^2/4$;
//! at $h = 0$ this is $u = -\sqrt{2/\pi}$ and $s = -1/(2\pi)$.

use serde::Serialize;

use crate::error::{self, TheoryError};
use crate::numerics::{GaussianRule, brent, log_two_cosh};
use quench_core::ParameterError;

/// The replica-symmetric solution of SK at one $(T, h)$.
#[derive(Debug, Clone, Serialize)]
pub struct ReplicaSymmetric {
    /// Temperature $T \ge 0$.
    pub temperature: f64,
    /// Uniform field $h$.
    pub field: f64,
    /// Edwards–Anderson order parameter $q$.
    pub overlap: f64,
    /// Magnetisation per spin $m = \mathbb E_z \tanh x$.
    pub magnetisation: f64,
    /// Free energy per spin $f$.
    pub free_energy: f64,
    /// Energy per spin $u$.
    pub energy: f64,
    /// Entropy per spin $s$ (negative at low $T$: the RS solution is wrong there).
    pub entropy: f64,
    /// Local (Fischer) susceptibility $\chi = \beta(1-q)$, the response measured by
    /// $\beta(1 - \langle q \rangle)$ in simulations (its finite limit at $T = 0$).
    pub susceptibility: f64,
    /// Replicon eigenvalue $1 - \beta^2 \mathbb E\operatorname{sech}^4 x$; `None` at $T = 0$ (where it is $-\infty$).
    pub replicon: Option<f64>,
    /// Whether the solution is stable (replicon $\ge 0$): above the de Almeida–Thouless line.
    pub stable: bool,
}

/// The replica-symmetric SK solution at temperature $T \ge 0$ and field $h$.
///
/// Takes a few milliseconds at most: $q$ is found by Brent's method on
/// $1 - q = \mathbb E \operatorname{sech}^2 x$ (relative precision in $1-q$
/// at low $T$), Gaussian averages by graded Gauss–Legendre panels (error
/// near $10^{-14}$).
pub fn replica_symmetric(temperature: f64, field: f64) -> Result<ReplicaSymmetric, TheoryError> {
    let temperature = error::temperature(temperature)?;
    let field = error::finite("field", field)?;
    if temperature == 0.0 {
        return Ok(zero_temperature(field));
    }
    let beta = 1.0 / temperature;
    let overlap = solve_overlap(beta, field)?;
    Ok(evaluate(temperature, field, overlap))
}

/// The replica-symmetric solution at each temperature of `temperatures` (for overlays).
pub fn replica_symmetric_curve(
    temperatures: &[f64],
    field: f64,
) -> Result<Vec<ReplicaSymmetric>, TheoryError> {
    temperatures
        .iter()
        .map(|&t| replica_symmetric(t, field))
        .collect()
}

fn zero_temperature(field: f64) -> ReplicaSymmetric {
    let susceptibility = (2.0 / std::f64::consts::PI).sqrt() * (-0.5 * field * field).exp();
    let magnetisation = libm::erf(field / std::f64::consts::SQRT_2);
    let energy = -susceptibility - field * magnetisation;
    ReplicaSymmetric {
        temperature: 0.0,
        field,
        overlap: 1.0,
        magnetisation,
        free_energy: energy,
        energy,
        entropy: -0.25 * susceptibility * susceptibility,
        susceptibility,
        replicon: None,
        stable: false,
    }
}

/// The rule for $\mathbb E_z g(\beta(\sqrt q z + h))$: graded where the argument vanishes.
pub(crate) fn rule_for(beta: f64, overlap: f64, field: f64) -> GaussianRule {
    let root = overlap.sqrt().max(1e-300);
    GaussianRule::graded(-field / root, 1.0 / (beta * root))
}

/// $1 - \mathbb E_z \tanh^2 \beta(\sqrt q z + h)$ minus $(1 - q)$, as a function of $p = 1 - q$.
fn residual(beta: f64, field: f64, p: f64) -> f64 {
    let q = 1.0 - p;
    let rule = rule_for(beta, q, field);
    let root = q.sqrt();
    p - rule.expect(|z| {
        let c = (beta * (root * z + field)).cosh();
        if c.is_finite() { 1.0 / (c * c) } else { 0.0 }
    })
}

pub(crate) fn solve_overlap(beta: f64, field: f64) -> Result<f64, TheoryError> {
    if field == 0.0 && beta <= 1.0 {
        return Ok(0.0);
    }
    // Bracket in p = 1 - q: residual < 0 at small p (q near 1), > 0 near p = 1.
    let mut high = if field == 0.0 {
        1.0 - (1.0 - 1.0 / beta).min(1.0) * 1e-3
    } else {
        1.0
    };
    while field == 0.0 && residual(beta, field, high) <= 0.0 && high < 1.0 - 1e-300 {
        high = 1.0 - (1.0 - high) * 1e-2;
    }
    let mut low = 1e-3 / beta;
    while residual(beta, field, low) >= 0.0 {
        low *= 1e-3;
        if low < 1e-300 {
            break;
        }
    }
    let p = brent(
        |p| residual(beta, field, p) / p,
        low,
        high,
        1e-15 * low.max(1e-300),
    )
    .ok_or_else(|| TheoryError::NoSolution {
        what: "replica-symmetric overlap",
        reason: format!("no bracket at beta = {beta}, h = {field}"),
    })?;
    Ok(1.0 - p)
}

fn evaluate(temperature: f64, field: f64, overlap: f64) -> ReplicaSymmetric {
    let beta = 1.0 / temperature;
    let rule = rule_for(beta, overlap, field);
    let root = overlap.sqrt();
    let (mut one_minus_q, mut magnetisation, mut log_cosh, mut site_entropy, mut sech4) =
        (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&z, &w) in rule.nodes.iter().zip(&rule.weights) {
        let x = beta * (root * z + field);
        let t = x.tanh();
        let c = x.cosh();
        let sech2 = if c.is_finite() { 1.0 / (c * c) } else { 0.0 };
        let lc = log_two_cosh(x);
        one_minus_q += w * sech2;
        magnetisation += w * t;
        log_cosh += w * lc;
        site_entropy += w * (lc - x * t);
        sech4 += w * sech2 * sech2;
    }
    let free_energy = -0.25 * beta * one_minus_q * one_minus_q - temperature * log_cosh;
    let energy = -0.5 * beta * one_minus_q * (1.0 + overlap) - field * magnetisation;
    let chi = beta * one_minus_q;
    let replicon = 1.0 - beta * beta * sech4;
    ReplicaSymmetric {
        temperature,
        field,
        overlap,
        magnetisation,
        free_energy,
        energy,
        entropy: site_entropy - 0.25 * chi * chi,
        susceptibility: chi,
        replicon: Some(replicon),
        stable: replicon >= 0.0,
    }
}

/// A point of the de Almeida–Thouless line.
#[derive(Debug, Clone, Serialize)]
pub struct AlmeidaThoulessPoint {
    /// Temperature $T$.
    pub temperature: f64,
    /// Field $h_{AT}(T)$: the replica-symmetric solution is stable for $|h| > h_{AT}$.
    pub field: f64,
    /// Replica-symmetric overlap $q$ on the line.
    pub overlap: f64,
}

/// The de Almeida–Thouless field $h_{AT}(T)$ for $0 < T \le 1$: the
/// root of $\beta^2\\,\mathbb E_z \operatorname{sech}^4\beta(\sqrt q z + h) = 1$.
///
/// Near $T_c = 1$, $h_{AT}^2 \approx \frac43 (1-T)^3$; as $T \to 0$ it grows
/// without bound, so $T = 0$ is refused.
pub fn almeida_thouless_field(temperature: f64) -> Result<AlmeidaThoulessPoint, TheoryError> {
    let temperature = error::in_range("temperature", temperature, 0.0, 1.0).map_err(|_| {
        ParameterError::new(
            "temperature",
            temperature,
            "a temperature in (0, 1]: above T = 1 the replica-symmetric solution is stable at every field, at T = 0 unstable at every field",
        )
    })?;
    if temperature == 1.0 {
        return Ok(AlmeidaThoulessPoint {
            temperature,
            field: 0.0,
            overlap: 0.0,
        });
    }
    let beta = 1.0 / temperature;
    let replicon = |h: f64| -> f64 {
        let q = solve_overlap(beta, h).unwrap_or(f64::NAN);
        evaluate(temperature, h, q).replicon.unwrap_or(f64::NAN)
    };
    // Scale of the answer: (4/3)^(1/2) (1-T)^(3/2) near T_c, growing at low T.
    let mut high = 2.0 * (1.0 - temperature).powf(1.5);
    while replicon(high) < 0.0 {
        high *= 2.0;
        if high > 1e3 {
            return Err(TheoryError::NoSolution {
                what: "de Almeida–Thouless field",
                reason: format!("replicon still negative at h = {high} for T = {temperature}"),
            });
        }
    }
    let low = high * 1e-6;
    let field =
        brent(replicon, low, high, 1e-13 * high).ok_or_else(|| TheoryError::NoSolution {
            what: "de Almeida–Thouless field",
            reason: format!("replicon has the same sign on [{low}, {high}] at T = {temperature}"),
        })?;
    Ok(AlmeidaThoulessPoint {
        temperature,
        field,
        overlap: solve_overlap(beta, field)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn zero_temperature_closed_forms() {
        // SK 1975: u = -sqrt(2/pi), s = -1/(2 pi) at T = 0, h = 0.
        let rs = replica_symmetric(0.0, 0.0).unwrap();
        assert!((rs.energy + (2.0 / PI).sqrt()).abs() < 1e-15);
        assert!((rs.entropy + 1.0 / (2.0 * PI)).abs() < 1e-15);
    }

    #[test]
    fn low_temperature_limit_matches_zero_temperature() {
        // Corrections are O(T^2) for u and O(T) for s (Sommers 1978): at
        // T = 1e-3 the differences are below 1e-3 by a wide margin.
        for h in [0.0, 0.7] {
            let cold = replica_symmetric(1e-3, h).unwrap();
            let zero = replica_symmetric(0.0, h).unwrap();
            assert!(
                (cold.energy - zero.energy).abs() < 1e-5,
                "{cold:?} {zero:?}"
            );
            assert!(
                (cold.entropy - zero.entropy).abs() < 5e-3,
                "{cold:?} {zero:?}"
            );
            assert!((cold.susceptibility - zero.susceptibility).abs() < 5e-3);
        }
    }

    #[test]
    fn paramagnet_closed_form() {
        let rs = replica_symmetric(2.0, 0.0).unwrap();
        assert_eq!(rs.overlap, 0.0);
        assert!((rs.free_energy - (-0.25 * 0.5 - 2.0 * 2f64.ln())).abs() < 1e-14);
        assert!((rs.energy + 0.25).abs() < 1e-15);
        assert!((rs.entropy - (2f64.ln() - 0.0625)).abs() < 1e-14);
    }

    #[test]
    fn overlap_is_one_minus_t_near_the_critical_temperature() {
        // Expansion q = (beta^2 - 1) / (2 beta^4) + O(tau^2) = tau - 2.5 tau^2 + O(tau^2):
        // |q / tau - 1| is O(tau), so below 5 tau at tau = 1e-2 and 1e-3.
        for tau in [1e-2, 1e-3] {
            let q = replica_symmetric(1.0 - tau, 0.0).unwrap().overlap;
            assert!((q / tau - 1.0).abs() < 5.0 * tau, "tau {tau}: q {q}");
        }
    }

    #[test]
    fn thermodynamic_identities_hold() {
        // u = d(beta f)/d beta and s = -df/dT by central differences (error O(dT^2) ~ 1e-8).
        let (t, h, dt) = (0.6, 0.4, 1e-4);
        let mid = replica_symmetric(t, h).unwrap();
        let up = replica_symmetric(t + dt, h).unwrap();
        let down = replica_symmetric(t - dt, h).unwrap();
        let entropy = -(up.free_energy - down.free_energy) / (2.0 * dt);
        assert!(
            (entropy - mid.entropy).abs() < 1e-7,
            "{entropy} {}",
            mid.entropy
        );
        // m = -df/dh
        let dh = 1e-4;
        let right = replica_symmetric(t, h + dh).unwrap().free_energy;
        let left = replica_symmetric(t, h - dh).unwrap().free_energy;
        assert!((-(right - left) / (2.0 * dh) - mid.magnetisation).abs() < 1e-7);
        // u = f + T s
        assert!((mid.energy - mid.free_energy - t * mid.entropy).abs() < 1e-12);
    }

    #[test]
    fn almeida_thouless_line_near_the_critical_temperature() {
        // h_AT^2 = (4/3) tau^3 (1 + O(tau)) (de Almeida & Thouless 1978):
        // the ratio approaches 1 linearly in tau.
        let ratio = |tau: f64| {
            let point = almeida_thouless_field(1.0 - tau).unwrap();
            point.field * point.field / (4.0 / 3.0 * tau.powi(3))
        };
        let (a, b) = (ratio(0.02), ratio(0.01));
        assert!(
            (a - 1.0).abs() < 10.0 * 0.02 && (b - 1.0).abs() < 10.0 * 0.01,
            "{a} {b}"
        );
        // Linear approach: halving tau halves the deviation (to O(tau^2)).
        assert!(((a - 1.0) / (b - 1.0) - 2.0).abs() < 0.2, "{a} {b}");
    }

    #[test]
    fn replicon_changes_sign_on_the_line() {
        let point = almeida_thouless_field(0.5).unwrap();
        assert!(!replica_symmetric(0.5, 0.99 * point.field).unwrap().stable);
        assert!(replica_symmetric(0.5, 1.01 * point.field).unwrap().stable);
    }

    #[test]
    fn bad_input_names_the_parameter() {
        let error = replica_symmetric(-1.0, 0.0).unwrap_err().to_string();
        assert!(error.contains("`temperature`"), "{error}");
        let error = almeida_thouless_field(1.5).unwrap_err().to_string();
        assert!(error.contains("(0, 1]"), "{error}");
    }
}
