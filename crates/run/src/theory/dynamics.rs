//! `quench theory pspin-dynamics`: the Cugliandolo–Kurchan solution of a
//! quench of the spherical $p$-spin model, beside its asymptotic ageing state.

use quench_theory::dynamics::{self, Covariance, GridOptions};

use super::{Naming, TheoryResult};
use crate::error::RunError;

/// `quench theory pspin-dynamics`: a quench from infinite temperature.
#[derive(Debug, Clone, PartialEq)]
pub struct PspinDynamicsParameters {
    /// Interaction order $p \\ge 2$ of the spherical model.
    pub p: u32,
    /// Temperature after the quench, $T > 0$.
    pub temperature: f64,
    /// Last time of the integration.
    pub time: f64,
    /// Waiting times $t_w$ of $C(t, t_w)$, $\chi(t, t_w)$; `None`: the powers of
    /// two from 1 to a quarter of `time`.
    pub waiting_times: Option<Vec<f64>>,
    /// Grid points per block (the error estimate uses half as many).
    pub points: usize,
    /// Also the equilibrium correlation $C(\tau)$ at the same temperature
    /// (the long-time limit above $T_d$; inside a state below it), to `time`.
    pub equilibrium: bool,
}

/// The equilibrium dynamics beside the quench: $C(\tau)$ (with
/// $\chi = \beta(1 - C)$), its plateau and relaxation time.
#[derive(Debug, Clone, serde::Serialize)]
struct Equilibrium {
    /// $C(\tau)$ on the doubling grid.
    points: Vec<dynamics::EquilibriumPoint>,
    /// $C$ where it decays slowest in $\ln\tau$, between 0.1 and 0.9, if inside.
    plateau: Option<f64>,
    /// The first $\tau$ with $C(\tau) \le 1/4$.
    relaxation_time: Option<f64>,
    /// The long-time limit inside a state, $\beta^2\xi'(q)(1-q) = q$ (0 above $T_d$).
    ergodicity_breaking_plateau: f64,
}

/// The quench and, when asked for, the equilibrium dynamics.
#[derive(Debug, Clone, serde::Serialize)]
struct Document {
    #[serde(flatten)]
    quench: dynamics::QuenchDynamics,
    #[serde(skip_serializing_if = "Option::is_none")]
    equilibrium: Option<Equilibrium>,
}

/// The solution on its grid: $e(t)$, $z(t)$, $C(t, t_w)$, $\chi(t, t_w)$, the
/// half-grid error estimate, and below $T_d$ the asymptotic ageing state and
/// the static thresholds.
pub fn pspin_dynamics(
    parameters: &PspinDynamicsParameters,
    naming: Naming,
) -> Result<TheoryResult, RunError> {
    let failure = |e| naming.failure(e);
    let covariance = Covariance::pure(parameters.p)
        .map_err(|e| failure(quench_theory::TheoryError::Parameter(e)))?;
    let waiting_times = match &parameters.waiting_times {
        Some(times) => times.clone(),
        None => {
            let mut times = Vec::new();
            let mut tw = 1.0;
            while tw <= parameters.time / 4.0 {
                times.push(tw);
                tw *= 2.0;
            }
            times
        }
    };
    let options = GridOptions {
        points: parameters.points,
        ..GridOptions::default()
    };
    let solution = dynamics::quench(
        &covariance,
        parameters.temperature,
        parameters.time,
        &waiting_times,
        &options,
    )
    .map_err(failure)?;
    let last = solution
        .one_time
        .last()
        .copied()
        .ok_or_else(|| RunError::Input("the integration recorded no time".into()))?;
    let mut lines = vec![format!(
        "spherical {}-spin quenched to T = {}: t = {}, e = {:.6}, z = {:.6} ({} doublings of the step, {} points per block)",
        parameters.p,
        solution.temperature,
        last.time,
        last.energy,
        last.lagrange_multiplier,
        solution.doublings,
        options.points
    )];
    if let Some(error) = &solution.discretisation {
        lines.push(format!(
            "  difference from {} points: e {:.1e}, C {:.1e}, chi {:.1e}",
            error.coarse_points, error.energy, error.correlation, error.integrated_response
        ));
    }
    if let Some(state) = &solution.asymptotics {
        lines.push(format!(
            "  ageing (Cugliandolo-Kurchan): e_inf = {:.6}, plateau q = {:.6}, X = {:.6}",
            state.energy, state.plateau, state.fluctuation_dissipation_ratio
        ));
    }
    if parameters.p >= 3 {
        let thresholds = quench_theory::pspin::spherical_p_spin(parameters.p).map_err(failure)?;
        lines.push(format!(
            "  T_d = {:.6}, threshold energy (T = 0) {:.6}",
            thresholds.dynamic_temperature, thresholds.threshold_energy
        ));
    }
    for warning in &solution.warnings {
        lines.push(format!("  warning: {warning}"));
    }
    let equilibrium = if parameters.equilibrium {
        let solved = dynamics::equilibrium(
            &covariance,
            parameters.temperature,
            parameters.time,
            2 * parameters.points,
            1.0 / 16384.0,
        )
        .map_err(failure)?;
        let plateau = solved.plateau(0.1, 0.9);
        let relaxation_time = solved.crossing_time(0.25);
        let ergodicity_breaking_plateau =
            dynamics::equilibrium_plateau(&covariance, parameters.temperature).map_err(failure)?;
        lines.push(format!(
            "  equilibrium: plateau {}, C = 1/4 at tau = {}, C(infinity) inside a state {:.6}",
            plateau.map_or("none".into(), |q| format!("{q:.6}")),
            relaxation_time.map_or(format!("> {}", parameters.time), |t| format!("{t:.4e}")),
            ergodicity_breaking_plateau
        ));
        Some(Equilibrium {
            points: solved.points,
            plateau,
            relaxation_time,
            ergodicity_breaking_plateau,
        })
    } else {
        None
    };
    TheoryResult::new(
        &Document {
            quench: solution,
            equilibrium,
        },
        lines,
    )
}
