//! Exact critical points of two-dimensional lattice models: the anisotropic
//! Ising model on the triangular lattice, its disorder line, the Baxter–Wu
//! model, and the exponents of their universality classes.
//!
//! The triangular lattice is drawn as a square lattice with one diagonal: site
//! $(x, y)$ is joined to $(x+1, y)$ with coupling $J_h$, to $(x, y+1)$ with
//! $J_v$ and to $(x+1, y+1)$ with $J_d$,
//! $$H = -\sum_{x,y} s_{x,y}\left(J_h s_{x+1,y} + J_v s_{x,y+1} + J_d s_{x+1,y+1}\right).$$
//! $J_d = 0$ is the anisotropic square lattice, $J_v = J_h = J_d$ the isotropic
//! triangular lattice. The ground state is ferromagnetic when
//! $J_v + J_h > 0$, $J_h + J_d > 0$ and $J_d + J_v > 0$, and the critical
//! temperature then solves Houtappel's equation (R. M. F. Houtappel, Physica
//! **16**, 425 (1950)), with $k_B = 1$:
//! $$\sinh\frac{2J_v}{T_c}\sinh\frac{2J_h}{T_c} + \sinh\frac{2J_h}{T_c}\sinh\frac{2J_d}{T_c} +
//!   \sinh\frac{2J_d}{T_c}\sinh\frac{2J_v}{T_c} = 1.$$
//! It gives Onsager's $T_c = 2J/\ln(1+\sqrt2)$ at $J_v = J_h = J$, $J_d = 0$ and
//! $T_c = 4J/\ln 3$ on the isotropic triangular lattice.
//!
//! With an antiferromagnetic diagonal, $-J < J_d < 0$ and $J_v = J_h = J$, the
//! paramagnet has a disorder line (J. Stephenson, Phys. Rev. B **1**, 4405
//! (1970)): above the disorder temperature $T_d$, the root of
//! $$\cosh\frac{2J}{T_d} = \exp\left(-\frac{2J_d}{T_d}\right),$$
//! the spin–spin correlation function decays with oscillations; $T_d > T_c$.
//!
//! The Baxter–Wu model, $H = -J\sum_\triangle s_is_js_k$ over all triangles of
//! the triangular lattice, is self-dual with the same critical point as the
//! square-lattice Ising model, $T_c = 2J/\ln(1+\sqrt2)$ (R. J. Baxter and
//! F. Y. Wu, Phys. Rev. Lett. **31**, 1294 (1973)), but lies in the
//! universality class of the four-state Potts model: $\nu = 2/3$,
//! $\alpha = 2/3$, $\beta = 1/12$, $\gamma = 7/6$.

use serde::{Deserialize, Serialize};

use crate::error::TheoryError;
use quench_core::ParameterError;

/// Onsager's critical temperature of the square-lattice Ising model at $J = 1$,
/// $2/\ln(1+\sqrt2)$; also that of the Baxter–Wu model.
pub const ONSAGER_CRITICAL_TEMPERATURE: f64 = 2.269_185_314_213_022;

/// The critical exponents of a two-dimensional universality class.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CriticalExponents {
    /// The class's name.
    pub class: &'static str,
    /// Correlation length, $\xi \sim |t|^{-\nu}$.
    pub nu: f64,
    /// Specific heat, $C \sim |t|^{-\alpha}$ ($0$: logarithmic for Ising).
    pub alpha: f64,
    /// Order parameter, $m \sim (-t)^\beta$.
    pub beta: f64,
    /// Susceptibility, $\chi \sim |t|^{-\gamma}$.
    pub gamma: f64,
    /// Anomalous dimension, $G(r) \sim r^{-\eta}$ at $T_c$.
    pub eta: f64,
}

/// The two-dimensional Ising class (Onsager, Yang): $\nu = 1$, $\alpha = 0$
/// (log), $\beta = 1/8$, $\gamma = 7/4$, $\eta = 1/4$.
pub const ISING_EXPONENTS: CriticalExponents = CriticalExponents {
    class: "2D Ising",
    nu: 1.0,
    alpha: 0.0,
    beta: 0.125,
    gamma: 1.75,
    eta: 0.25,
};

/// The Baxter–Wu (four-state Potts) class: $\nu = 2/3$, $\alpha = 2/3$,
/// $\beta = 1/12$, $\gamma = 7/6$, $\eta = 1/4$ (Baxter and Wu 1973;
/// den Nijs 1979).
pub const BAXTER_WU_EXPONENTS: CriticalExponents = CriticalExponents {
    class: "Baxter-Wu (4-state Potts)",
    nu: 2.0 / 3.0,
    alpha: 2.0 / 3.0,
    beta: 1.0 / 12.0,
    gamma: 7.0 / 6.0,
    eta: 0.25,
};

/// The couplings $(J_v, J_h, J_d)$ of the anisotropic triangular-lattice
/// Ising model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TriangularCouplings {
    /// $J_v$, bond $(x, y)$–$(x, y+1)$.
    pub vertical: f64,
    /// $J_h$, bond $(x, y)$–$(x+1, y)$.
    pub horizontal: f64,
    /// $J_d$, bond $(x, y)$–$(x+1, y+1)$.
    pub diagonal: f64,
}

impl TriangularCouplings {
    /// The couplings, checked finite and with a ferromagnetic ground state
    /// ($J_v + J_h > 0$, $J_h + J_d > 0$, $J_d + J_v > 0$).
    pub fn new(vertical: f64, horizontal: f64, diagonal: f64) -> Result<Self, ParameterError> {
        for (name, value) in [
            ("vertical", vertical),
            ("horizontal", horizontal),
            ("diagonal", diagonal),
        ] {
            if !value.is_finite() {
                return Err(ParameterError::new(name, value, "a finite coupling"));
            }
        }
        for (name, value, pair) in [
            ("horizontal", vertical + horizontal, "J_v + J_h > 0"),
            ("diagonal", horizontal + diagonal, "J_h + J_d > 0"),
            ("diagonal", diagonal + vertical, "J_d + J_v > 0"),
        ] {
            if value <= 0.0 {
                return Err(ParameterError::new(
                    name,
                    format!("{vertical}, {horizontal}, {diagonal} (J_v, J_h, J_d)"),
                    format!(
                        "couplings with a ferromagnetic ground state: {pair} (and the other two pair sums positive)"
                    ),
                ));
            }
        }
        Ok(Self {
            vertical,
            horizontal,
            diagonal,
        })
    }

    /// The left side of Houtappel's equation minus one at inverse temperature `beta`.
    pub fn houtappel_residual(&self, beta: f64) -> f64 {
        let v = (2.0 * beta * self.vertical).sinh();
        let h = (2.0 * beta * self.horizontal).sinh();
        let d = (2.0 * beta * self.diagonal).sinh();
        v * h + h * d + d * v - 1.0
    }
}

/// Houtappel's critical temperature $T_c(J_v, J_h, J_d)$ (module docs),
/// to machine precision.
///
/// The residual is $-1$ at $\beta = 0$ and grows without bound as $\beta \to
/// \infty$ for a ferromagnetic ground state; the root is bracketed on a
/// geometric grid of $\beta$ and refined by bisection. A second sign change
/// on the grid (which would make the critical point ambiguous) is an error.
pub fn houtappel_critical_temperature(couplings: &TriangularCouplings) -> Result<f64, TheoryError> {
    let scale = couplings
        .vertical
        .abs()
        .max(couplings.horizontal.abs())
        .max(couplings.diagonal.abs());
    // beta * scale from 1e-6 to 1e3, ratio 1.05 between grid points.
    let mut lower = 1e-6 / scale;
    let upper_limit = 1e3 / scale;
    let mut bracket = None;
    let mut crossings = 0;
    let mut previous = couplings.houtappel_residual(lower);
    while lower < upper_limit {
        let next = lower * 1.05;
        let value = couplings.houtappel_residual(next);
        if (previous < 0.0) != (value < 0.0) {
            crossings += 1;
            if bracket.is_none() {
                bracket = Some((lower, next));
            }
        }
        previous = value;
        lower = next;
    }
    let Some((mut low, mut high)) = bracket else {
        return Err(TheoryError::NoSolution {
            what: "critical temperature",
            reason: "Houtappel's equation has no root for 1e-3 < T/max|J| < 1e6".into(),
        });
    };
    if crossings > 1 {
        return Err(TheoryError::NoSolution {
            what: "unique critical temperature",
            reason: format!("Houtappel's equation changes sign {crossings} times"),
        });
    }
    for _ in 0..200 {
        let middle = 0.5 * (low + high);
        if middle <= low || middle >= high {
            break;
        }
        if couplings.houtappel_residual(middle) < 0.0 {
            low = middle;
        } else {
            high = middle;
        }
    }
    Ok(1.0 / (0.5 * (low + high)))
}

/// Stephenson's disorder temperature $T_d$ of the model with $J_v = J_h = J$
/// and an antiferromagnetic diagonal $-J < J_d < 0$ (module docs).
///
/// Only that case has the closed form of the seed; other couplings are refused
/// with the parameter named.
pub fn disorder_temperature(couplings: &TriangularCouplings) -> Result<f64, TheoryError> {
    let coupling = couplings.vertical;
    if couplings.horizontal != coupling {
        return Err(ParameterError::new(
            "horizontal",
            couplings.horizontal,
            format!(
                "J_h = J_v ({coupling}): the disorder line is implemented for equal vertical and horizontal couplings"
            ),
        )
        .into());
    }
    let diagonal = couplings.diagonal;
    if !(diagonal < 0.0 && diagonal > -coupling) {
        return Err(ParameterError::new(
            "diagonal",
            diagonal,
            format!(
                "-J < J_d < 0 (J = {coupling}): a disorder line needs an antiferromagnetic diagonal"
            ),
        )
        .into());
    }
    // g(beta) = ln cosh(2 beta J) + 2 beta J_d: negative for small beta (it
    // starts as 2 beta J_d < 0), positive for large beta (2 beta (J + J_d) - ln 2).
    let residual = |beta: f64| {
        let x = 2.0 * beta * coupling;
        // ln cosh x, stable for large x.
        x + (-2.0 * x).exp().ln_1p() - std::f64::consts::LN_2 + 2.0 * beta * diagonal
    };
    let mut low = 0.0;
    let mut high = 1.0 / coupling;
    while residual(high) < 0.0 {
        low = high;
        high *= 2.0;
        if high > 1e12 / coupling {
            return Err(TheoryError::NoSolution {
                what: "disorder temperature",
                reason: format!(
                    "no root of cosh(2J/T) = exp(-2 J_d/T) above T = 1e-12 J (J_d = {diagonal})"
                ),
            });
        }
    }
    for _ in 0..200 {
        let middle = 0.5 * (low + high);
        if middle <= low || middle >= high {
            break;
        }
        if residual(middle) < 0.0 {
            low = middle;
        } else {
            high = middle;
        }
    }
    Ok(1.0 / (0.5 * (low + high)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn critical(v: f64, h: f64, d: f64) -> f64 {
        houtappel_critical_temperature(&TriangularCouplings::new(v, h, d).unwrap()).unwrap()
    }

    #[test]
    fn houtappel_reduces_to_onsager_on_the_square_lattice() {
        let exact = 2.0 / (1.0 + 2f64.sqrt()).ln();
        assert!((exact - ONSAGER_CRITICAL_TEMPERATURE).abs() < 1e-15);
        assert!((critical(1.0, 1.0, 0.0) - exact).abs() < 1e-12);
        // The scale: T_c is linear in the couplings.
        assert!((critical(2.5, 2.5, 0.0) - 2.5 * exact).abs() < 1e-11);
    }

    #[test]
    fn houtappel_reduces_to_the_triangular_lattice_value() {
        // sinh(2K)^2 = 1/3 gives K_c = ln(3)/4 (Houtappel 1950; Wannier 1950).
        assert!((critical(1.0, 1.0, 1.0) - 4.0 / 3f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn houtappel_gives_onsagers_anisotropic_square_lattice() {
        // J_d = 0: sinh(2 J_v/T_c) sinh(2 J_h/T_c) = 1 (Onsager 1944).
        let t = critical(1.0, 0.5, 0.0);
        let product = (2.0 / t).sinh() * (1.0 / t).sinh();
        assert!((product - 1.0).abs() < 1e-12, "{product}");
        // Symmetric in the three couplings.
        assert!((critical(0.5, 1.0, 0.0) - t).abs() < 1e-12);
        assert!((critical(0.0, 1.0, 0.5) - t).abs() < 1e-12);
    }

    #[test]
    fn an_antiferromagnetic_diagonal_lowers_t_c_below_the_disorder_temperature() {
        let square = critical(1.0, 1.0, 0.0);
        let mut last = square;
        for diagonal in [-0.1, -0.3, -0.5, -0.8, -0.95] {
            let couplings = TriangularCouplings::new(1.0, 1.0, diagonal).unwrap();
            let t_c = houtappel_critical_temperature(&couplings).unwrap();
            let t_d = disorder_temperature(&couplings).unwrap();
            assert!(t_c < last, "T_c must fall as J_d grows more negative");
            assert!(t_d > t_c, "J_d = {diagonal}: T_d = {t_d} <= T_c = {t_c}");
            let lhs = (2.0 / t_d).cosh();
            let rhs = (-2.0 * diagonal / t_d).exp();
            assert!((lhs / rhs - 1.0).abs() < 1e-12, "{lhs} vs {rhs}");
            last = t_c;
        }
    }

    #[test]
    fn couplings_without_a_ferromagnetic_ground_state_are_refused() {
        let error = TriangularCouplings::new(1.0, 1.0, -1.0).unwrap_err();
        assert_eq!(error.parameter, "diagonal");
        assert!(error.to_string().contains("J_h + J_d > 0"), "{error}");
        assert!(TriangularCouplings::new(f64::NAN, 1.0, 0.0).is_err());
        let couplings = TriangularCouplings::new(1.0, 0.8, -0.2).unwrap();
        let error = disorder_temperature(&couplings).unwrap_err();
        assert!(error.to_string().contains("horizontal"), "{error}");
        let couplings = TriangularCouplings::new(1.0, 1.0, 0.2).unwrap();
        assert!(disorder_temperature(&couplings).is_err());
    }
}
