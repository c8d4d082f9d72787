//! Where the Nishimori-line solutions of a deep network part, exchange
//! stability and meet again, as the load grows: a scan and bisections.

use serde::Serialize;

use super::{
    DeepNetworkTeacherPoint, MAX_ITERATIONS, TeacherBranchKind, check_depth,
    deep_network_teacher_threshold, same, solve_branches,
};
use crate::error::TheoryError;

/// The iterations allowed at each step of a bisection for a transition:
/// next to a spinodal more mean that the load is within the bracket's
/// resolution of it anyway.
const BISECTION_ITERATIONS: usize = 3_000;

/// Where the two branches of [`deep_network_teacher_profile`](super::deep_network_teacher_profile) part and
/// exchange stability.
#[derive(Debug, Clone, Serialize)]
pub struct DeepNetworkTeacherTransitions {
    /// Number of layers $L$.
    pub depth: usize,
    /// Where the uninformed branch leaves zero, [`deep_network_teacher_threshold`] (none for $L = 1$).
    pub alpha_learning: Option<f64>,
    /// The smallest load at which the informed branch is a solution of its
    /// own, apart from the uninformed one (its spinodal); none where the
    /// two never part (up to $\alpha = 10^4$).
    pub alpha_spinodal: Option<f64>,
    /// The load at which the informed branch's free entropy overtakes
    /// every other solution found (uninformed or intermediate): a
    /// first-order transition of the equilibrium, from a student that knows
    /// little of the teacher's hidden layers to one that knows nearly all.
    /// None where the branches meet first.
    pub alpha_transition: Option<f64>,
    /// Where the uninformed branch joins the informed one again (the
    /// student that starts from nothing reaches the teacher's state); none
    /// if not below $\alpha = 10^4$ or the branches never part.
    pub alpha_merge: Option<f64>,
}

/// Steps of the scan for the transitions.
const SCAN_FACTOR: f64 = 1.15;

/// Whether the informed branch is the equilibrium.
fn wins(point: &DeepNetworkTeacherPoint) -> bool {
    point.equilibrium == TeacherBranchKind::Informed
}

/// Whether the informed and uninformed branches are the same solution.
pub(super) fn same_branches(point: &DeepNetworkTeacherPoint) -> bool {
    same(&point.informed, &point.uninformed)
}

/// Bisection of `changed` between `low` (false) and `high` (true) to
/// $10^{-6}$ relative, or until the iteration no longer converges at the
/// midpoint (next to a spinodal, where a branch ends, it slows down
/// without bound): the midpoint of the last bracket.
fn bisect_load(
    mut changed: impl FnMut(f64) -> Result<bool, TheoryError>,
    mut low: f64,
    mut high: f64,
) -> Result<f64, TheoryError> {
    while high - low > 1e-6 * high {
        let middle = 0.5 * (low + high);
        match changed(middle) {
            Ok(true) => high = middle,
            Ok(false) => low = middle,
            Err(TheoryError::NotConverged { .. }) => break,
            Err(other) => return Err(other),
        }
    }
    Ok(0.5 * (low + high))
}

/// The loads at which the Nishimori-line branches of a `depth`-layer
/// network part, exchange stability and meet again (see
/// [`DeepNetworkTeacherTransitions`]): a scan from just above the learning
/// threshold in steps of a factor 1.15 up to $\alpha = 10^4$, then
/// bisection to $10^{-6}$ relative or as close as the iteration converges
/// next to a spinodal (a few thousand iterations). Seconds for ten layers.
pub fn deep_network_teacher_transitions(
    depth: usize,
) -> Result<DeepNetworkTeacherTransitions, TheoryError> {
    let depth = check_depth(depth)?;
    let alpha_learning = deep_network_teacher_threshold(depth).ok();
    let at = |alpha: f64| solve_branches(alpha, depth, MAX_ITERATIONS, false);
    let at_all = |alpha: f64| solve_branches(alpha, depth, MAX_ITERATIONS, true);
    let near = |alpha: f64| solve_branches(alpha, depth, BISECTION_ITERATIONS, false);
    let apart = |alpha: f64| -> Result<bool, TheoryError> { Ok(!same_branches(&near(alpha)?)) };
    let together = |alpha: f64| -> Result<bool, TheoryError> { Ok(same_branches(&near(alpha)?)) };
    let informed_wins = |alpha: f64| -> Result<bool, TheoryError> {
        let point = solve_branches(alpha, depth, BISECTION_ITERATIONS, true)?;
        Ok(wins(&point))
    };
    let loads: Vec<f64> = (0..)
        .map(|k| 1.01 * alpha_learning.unwrap_or(1.0) * SCAN_FACTOR.powi(k))
        .take_while(|&a| a <= 1e4)
        .collect();
    let mut transitions = DeepNetworkTeacherTransitions {
        depth,
        alpha_learning,
        alpha_spinodal: None,
        alpha_transition: None,
        alpha_merge: None,
    };
    let mut points = loads.iter().map(|&alpha| at(alpha));
    // The first load of the scan where the branches are apart.
    let mut first = None;
    for (k, point) in points.by_ref().enumerate() {
        if !same_branches(&point?) {
            first = Some(k);
            break;
        }
    }
    let Some(first) = first else {
        return Ok(transitions);
    };
    transitions.alpha_spinodal = Some(if first > 0 {
        bisect_load(apart, loads[first - 1], loads[first])?
    } else {
        loads[0]
    });
    // Onwards: where the informed branch overtakes, and where they meet.
    for (k, point) in (first + 1..).zip(points) {
        let point = point?;
        let met = same_branches(&point);
        if transitions.alpha_transition.is_none() && (met || wins(&at_all(loads[k])?)) {
            let (low, high) = (loads[k - 1], loads[k]);
            let overtaken = if met {
                // Whether the informed branch overtook before the meeting.
                let merge = bisect_load(together, low, high)?;
                wins(&solve_branches(
                    merge * (1.0 - 1e-4),
                    depth,
                    MAX_ITERATIONS,
                    true,
                )?)
            } else {
                true
            };
            if overtaken {
                transitions.alpha_transition = Some(bisect_load(informed_wins, low, high)?);
            }
        }
        if met {
            transitions.alpha_merge = Some(bisect_load(together, loads[k - 1], loads[k])?);
            break;
        }
    }
    Ok(transitions)
}
