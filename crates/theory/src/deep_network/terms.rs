//! The two single-layer ingredients of the deep network's saddle point: the
//! constraint term $E(p)$ of one layer of perceptrons with its derivatives,
//! and the Ising entropy of one hidden layer at conjugate field $\hat q$.

use crate::numerics::{GaussianRule, log_two_cosh};
use crate::perceptron::gaussian::{ln_h, ln_h_second, mills};

/// Below this overlap $p$ the constraint term is its first-order Taylor
/// polynomial about $p = 0$, $\lambda$ its value at 0 (error $O(p)$, below
/// the round-off of the replicon), which spares the quadrature in liquid
/// layers.
const TAYLOR_BELOW: f64 = 1e-16;

/// Below this field $\hat q$ the spin averages are their Taylor
/// polynomials (error $O(\hat q^3) < 10^{-21}$).
const SERIES_BELOW: f64 = 1e-7;

/// One layer's constraint term at $p = q_{l-1}Q_lq_l$, with
/// $x(t) = (\kappa - \sqrt p\\,t)/\sqrt{1-p}$ and $g = \ln H$:
///
/// * `energy` $E(p) = \int Dt\\,g(x)$;
/// * `force` $F(p) = -2E'(p) = \frac1{1-p}\int Dt\\,m(x)^2$;
/// * `slope` $F'(p) = \frac1{(1-p)^2}\int Dt\\,[g''^2 - 2m^2g'']$;
/// * `curvature` $\lambda(p) = \frac1{(1-p)^2}\int Dt\\,g''(x)^2$, the
///   replicon second derivative of the interaction per replica pair.
#[derive(Debug, Clone, Copy)]
pub(super) struct ConstraintTerm {
    pub energy: f64,
    pub force: f64,
    pub slope: f64,
    pub curvature: f64,
}

/// The constraint term at overlap `p` with `gap` $= 1 - p$ given
/// separately (it keeps its relative precision near $p = 1$). Gauss–Legendre
/// panels graded around the step of $x(t)$ at $t = \kappa/\sqrt p$, as in
/// Gardner's solver; closed forms at $p = 0$.
pub(super) fn constraint_term(kappa: f64, p: f64, gap: f64) -> ConstraintTerm {
    if p < TAYLOR_BELOW {
        let m = mills(kappa);
        let g2 = ln_h_second(kappa);
        let force = m * m;
        let slope = g2 * g2 - 2.0 * force * g2;
        let p = p.max(0.0);
        return ConstraintTerm {
            energy: ln_h(kappa) - 0.5 * p * force,
            force: force + p * slope,
            slope,
            curvature: g2 * g2,
        };
    }
    let (root_p, root_gap) = (p.sqrt(), gap.sqrt());
    let rule = GaussianRule::graded(kappa / root_p, root_gap / root_p);
    let mut sums = [0.0; 4];
    for (&t, &weight) in rule.nodes.iter().zip(&rule.weights) {
        let x = (kappa - root_p * t) / root_gap;
        let m = mills(x);
        let g2 = ln_h_second(x);
        sums[0] += weight * ln_h(x);
        sums[1] += weight * m * m;
        sums[2] += weight * g2 * g2;
        sums[3] += weight * m * m * g2;
    }
    ConstraintTerm {
        energy: sums[0],
        force: sums[1] / gap,
        slope: (sums[2] - 2.0 * sums[3]) / (gap * gap),
        curvature: sums[2] / (gap * gap),
    }
}

/// One hidden layer of Ising spins at conjugate field $\hat q$, with
/// $t = \tanh(\sqrt{\hat q}\\,z)$:
///
/// * `overlap` $q = \int Dz\\,t^2$ and `gap` $1 - q = \int Dz\\,(1 - t^2)$;
/// * `slope` $dq/d\hat q = \int Dz\\,(1-t^2)(1-3t^2)$;
/// * `susceptibility` $\chi = \int Dz\\,(1-t^2)^2$, the replicon
///   susceptibility;
/// * `log_cosh` $\int Dz\\,\ln 2\cosh(\sqrt{\hat q}\\,z)$.
#[derive(Debug, Clone, Copy)]
pub(super) struct SpinTerm {
    pub overlap: f64,
    pub gap: f64,
    pub slope: f64,
    pub susceptibility: f64,
    pub log_cosh: f64,
}

impl SpinTerm {
    /// The entropy $s(q) = \int Dz\\,\ln 2\cosh(\sqrt{\hat q}z) - \hat q(1-q)/2$
    /// at the field `field` $= \hat q$ that gave this term.
    pub fn entropy(&self, field: f64) -> f64 {
        self.log_cosh - 0.5 * field * self.gap
    }
}

/// The spin averages at conjugate field `field` $= \hat q \ge 0$: Taylor
/// polynomials at small $\hat q$, otherwise panels around the step of
/// $\tanh$ of width $1/\sqrt{\hat q}$ at $z = 0$.
pub(super) fn spin_term(field: f64) -> SpinTerm {
    let a = field.max(0.0);
    if a < SERIES_BELOW {
        // tanh^2 x = x^2 - 2x^4/3 + 17x^6/45, E z^4 = 3, E z^6 = 15.
        let overlap = a - 2.0 * a * a + 17.0 / 3.0 * a * a * a;
        return SpinTerm {
            overlap,
            gap: 1.0 - overlap,
            slope: 1.0 - 4.0 * a + 17.0 * a * a,
            susceptibility: 1.0 - 2.0 * a + 7.0 * a * a,
            log_cosh: std::f64::consts::LN_2 + 0.5 * a - 0.25 * a * a,
        };
    }
    let root = a.sqrt();
    let rule = GaussianRule::compact(0.0, 1.0 / root);
    let mut sums = [0.0; 4];
    for (&z, &weight) in rule.nodes.iter().zip(&rule.weights) {
        let x = root * z;
        // sech^2 x = 4 e^{-2|x|} / (1 + e^{-2|x|})^2, without overflow.
        let e = (-2.0 * x.abs()).exp();
        let sech2 = 4.0 * e / ((1.0 + e) * (1.0 + e));
        let tanh2 = ((1.0 - e) / (1.0 + e)).powi(2);
        sums[0] += weight * tanh2;
        sums[1] += weight * sech2;
        sums[2] += weight * sech2 * sech2;
        sums[3] += weight * log_two_cosh(x);
    }
    SpinTerm {
        overlap: sums[0],
        gap: sums[1],
        slope: 3.0 * sums[2] - 2.0 * sums[1],
        susceptibility: sums[2],
        log_cosh: sums[3],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perceptron::gardner::{constraint_averages, constraint_force};

    #[test]
    fn force_is_minus_twice_the_derivative_of_the_energy() {
        for kappa in [0.0, 0.5, -0.7, 2.0] {
            // F(0) = m(kappa)^2.
            let zero = constraint_term(kappa, 0.0, 1.0);
            assert!((zero.force - mills(kappa).powi(2)).abs() < 1e-15);
            for p in [1e-3, 0.01, 0.3, 0.7, 0.95, 0.999] {
                let term = constraint_term(kappa, p, 1.0 - p);
                let h = 1e-4 * p.min(1.0 - p);
                let at = |p: f64| constraint_term(kappa, p, 1.0 - p);
                let derivative = (at(p + h).energy - at(p - h).energy) / (2.0 * h);
                assert!(
                    (term.force + 2.0 * derivative).abs() < 1e-6 * term.force,
                    "kappa {kappa}, p {p}: F = {}, -2E' = {}",
                    term.force,
                    -2.0 * derivative
                );
                let slope = (at(p + h).force - at(p - h).force) / (2.0 * h);
                assert!(
                    (term.slope - slope).abs() < 1e-6 * term.slope,
                    "kappa {kappa}, p {p}: F' = {}, numerical {slope}",
                    term.slope
                );
                // The same E and F from Gardner's averages (integration by parts there).
                let averages = constraint_averages(kappa, p, 1.0 - p);
                assert!((averages[0] - term.energy).abs() < 1e-12 * term.energy.abs());
                let gardner = constraint_force(kappa, &averages, 1.0 - p) / (1.0 - p).powi(2);
                assert!(
                    (gardner - term.force).abs() < 1e-9 * term.force,
                    "{gardner}"
                );
                assert!(term.curvature > 0.0 && term.slope > term.curvature);
            }
        }
    }

    #[test]
    fn taylor_branch_meets_the_quadrature() {
        for kappa in [0.0, 0.5] {
            let p = 2.0 * TAYLOR_BELOW;
            let (series, quadrature) = (
                constraint_term(kappa, 0.5 * TAYLOR_BELOW, 1.0),
                constraint_term(kappa, p, 1.0 - p),
            );
            assert!((series.force - quadrature.force).abs() < 1e-14);
            assert!((series.energy - quadrature.energy).abs() < 1e-14);
            assert!((series.curvature - quadrature.curvature).abs() < 1e-14);
        }
    }

    #[test]
    fn spin_averages_agree_with_their_derivatives_and_series() {
        for field in [1e-4, 0.1, 1.0, 7.0, 300.0] {
            let term = spin_term(field);
            assert!((term.overlap + term.gap - 1.0).abs() < 1e-14);
            let h = 1e-3 * field;
            let derivative =
                (spin_term(field + h).overlap - spin_term(field - h).overlap) / (2.0 * h);
            assert!(
                (term.slope - derivative).abs() < 1e-6 * term.slope.abs().max(1e-3),
                "{field}: {} against {derivative}",
                term.slope
            );
            // The saddle of the spin entropy over the field: d s / d q_hat = 0.
            let entropy = |a: f64| spin_term(a).log_cosh - 0.5 * a * (1.0 - term.overlap);
            let h = 1e-5 * field.max(1e-2);
            let stationary = (entropy(field + h) - entropy(field - h)) / (2.0 * h);
            assert!(stationary.abs() < 1e-8, "{field}: {stationary}");
        }
        // The series below SERIES_BELOW, against the quadrature just above.
        let a = 1.001 * SERIES_BELOW;
        let quadrature = spin_term(a);
        assert!((quadrature.overlap - (a - 2.0 * a * a)).abs() < 1e-19);
        assert!((quadrature.susceptibility - (1.0 - 2.0 * a + 7.0 * a * a)).abs() < 1e-15);
        assert!((quadrature.slope - (1.0 - 4.0 * a + 17.0 * a * a)).abs() < 1e-15);
        let log_cosh = std::f64::consts::LN_2 + 0.5 * a - 0.25 * a * a;
        assert!((quadrature.log_cosh - log_cosh).abs() < 1e-15);
        // Large field: 1 - q ~ sqrt(2 / (pi q_hat)).
        let field = 1e6;
        let gap = spin_term(field).gap;
        assert!((gap / (2.0 / (std::f64::consts::PI * field)).sqrt() - 1.0).abs() < 1e-3);
    }
}
