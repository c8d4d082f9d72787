//! The Nishimori-line theory beside a teacher–student run
//! ([`quench_theory::deep_network::deep_network_teacher_profile`]): the
//! test agreement of the informed branch (where unlearning students start)
//! and of the uninformed one (learning students) against the load, and a
//! table of the branches and transitions at the run's depths and loads.

use std::fmt::Write as _;

use quench_learn::deep::Scenario;
use quench_learn::perceptron::WeightKind;
use quench_theory::deep_network::{
    DeepNetworkTeacherBranch, TeacherBranchKind, deep_network_teacher_profile,
    deep_network_teacher_transitions,
};

use super::spec::DeepNetworkSpec;
use crate::figure::{Series, SeriesKind};

/// Loads drawn per theory curve.
const CURVE_POINTS: usize = 48;

/// Whether the theory describes the run: a noiseless teacher, spherical
/// weights, zero margin, zero temperature (a student that keeps zero
/// training error moves through the version space, the posterior of the
/// noiseless teacher).
pub fn applies(spec: &DeepNetworkSpec) -> bool {
    matches!(spec.scenario, Scenario::Teacher { noise } if noise == 0.0)
        && spec.margin == 0.0
        && spec.temperatures.iter().all(|&t| t == 0.0)
        && spec
            .points
            .iter()
            .all(|p| p.architecture.weights == WeightKind::Spherical)
}

/// The name of a branch kind.
fn kind_name(kind: TeacherBranchKind) -> &'static str {
    match kind {
        TeacherBranchKind::Informed => "informed",
        TeacherBranchKind::Uninformed => "uninformed",
        TeacherBranchKind::Intermediate => "intermediate",
    }
}

/// Dashed curves of $r^{\rm test}_L$ against $\log_2\alpha$ for `depth`: the
/// informed branch in `unlearning_group`'s colour, the uninformed one in
/// `learning_group`'s, over the run's range of loads.
pub fn test_agreement_curves(
    spec: &DeepNetworkSpec,
    depth: usize,
    learning_group: Option<usize>,
    unlearning_group: Option<usize>,
) -> Vec<Series> {
    let (low, high) = spec
        .points
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(a, b), p| {
            (a.min(p.alpha), b.max(p.alpha))
        });
    let loads: Vec<f64> = (0..CURVE_POINTS)
        .map(|k| low * (high / low).powf(k as f64 / (CURVE_POINTS - 1) as f64))
        .collect();
    let points: Vec<_> = loads
        .iter()
        .filter_map(|&alpha| Some((alpha, deep_network_teacher_profile(alpha, depth).ok()?)))
        .collect();
    let curve = |pick: &dyn Fn(
        &quench_theory::deep_network::DeepNetworkTeacherPoint,
    ) -> &DeepNetworkTeacherBranch| {
        points
            .iter()
            .map(|(alpha, point)| (alpha.log2(), pick(point).test_overlap[depth], f64::NAN))
            .collect::<Vec<_>>()
    };
    vec![
        Series {
            label: format!("L = {depth}, theory: informed branch (dashed)"),
            points: curve(&|p| &p.informed),
            kind: SeriesKind::Theory,
            group: unlearning_group,
        },
        Series {
            label: format!("L = {depth}, theory: uninformed branch (dashed)"),
            points: curve(&|p| &p.uninformed),
            kind: SeriesKind::Theory,
            group: learning_group,
        },
    ]
}

/// The theory's table: per depth its transitions, per load the branches'
/// generalisation errors and the equilibrium.
pub fn markdown(spec: &DeepNetworkSpec) -> String {
    let mut depths: Vec<usize> = spec.points.iter().map(|p| p.architecture.depth).collect();
    depths.sort_unstable();
    depths.dedup();
    let mut alphas: Vec<f64> = spec.points.iter().map(|p| p.alpha).collect();
    alphas.sort_by(f64::total_cmp);
    alphas.dedup();
    let mut md = String::from(
        "\n## Theory: the Nishimori line\n\nA student that keeps zero training error at zero temperature moves through the version space, the posterior of a noiseless teacher, of which the teacher itself is a sample: the replica-symmetric theory with the teacher as one more replica (`quench theory deep-network --scenario teacher`, dense limit N ≫ c ≫ 1, α = M/c) has r = q and R = Q. Its largest solution (*informed*, iterated from the teacher) is where unlearning students start; its smallest (*uninformed*, iterated from zero overlaps) where learning ones do; the equilibrium is the solution of largest free entropy. On fresh inputs the overlap falls through the layers as $r^{\\rm test}_l = \\frac2\\pi\\arcsin(R_l r^{\\rm test}_{l-1})$: sign networks amplify small differences, so even a student within $1 - R = 10^{-3}$ of its teacher disagrees on many fresh outputs of a deep network. The simulated networks (N = c of order 10) are far from the dense limit.\n\n| L | α learning (uninformed leaves 0) | α spinodal (informed appears) | α transition (informed is the equilibrium) | α merge |\n|---|---|---|---|---|\n",
    );
    let show = |x: Option<f64>| x.map_or("–".to_string(), |a| format!("{a:.3}"));
    for &depth in &depths {
        match deep_network_teacher_transitions(depth) {
            Ok(t) => {
                let _ = writeln!(
                    md,
                    "| {depth} | {} | {} | {} | {} |",
                    show(t.alpha_learning),
                    show(t.alpha_spinodal),
                    show(t.alpha_transition),
                    show(t.alpha_merge)
                );
            }
            Err(e) => {
                let _ = writeln!(md, "| {depth} | failed: {e} | | | |");
            }
        }
    }
    md.push_str(
        "\nε: the probability that an output bit differs from the teacher's on a fresh input, $(1 - r^{\\rm test}_L)/2$.\n\n| L | α | solutions | equilibrium | ε equilibrium | ε informed | r_test informed | R(1) informed | ε uninformed | r_test uninformed | R(1) uninformed |\n|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for &depth in &depths {
        for &alpha in &alphas {
            match deep_network_teacher_profile(alpha, depth) {
                Ok(point) => {
                    let (a, b) = (&point.informed, &point.uninformed);
                    let one = a
                        .bond_overlap
                        .iter()
                        .zip(&b.bond_overlap)
                        .all(|(x, y)| (x - y).abs() < 1e-6);
                    let _ = writeln!(
                        md,
                        "| {depth} | {alpha} | {} | {} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} |",
                        if one { 1 } else { 2 + point.intermediate.len() },
                        if one {
                            "the one solution"
                        } else {
                            kind_name(point.equilibrium)
                        },
                        point.equilibrium_branch().generalization_error,
                        a.generalization_error,
                        a.test_overlap[depth],
                        a.bond_overlap[0],
                        b.generalization_error,
                        b.test_overlap[depth],
                        b.bond_overlap[0]
                    );
                }
                Err(e) => {
                    let _ = writeln!(md, "| {depth} | {alpha} | failed: {e} | | | | | | | | |");
                }
            }
        }
    }
    md
}
