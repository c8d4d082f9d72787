//! The teacher–student deep network on the Nishimori line: a student drawn
//! from the Gardner volume of the networks that reproduce a teacher's
//! labels (Yoshino, SciPost Phys. Core 2, 005 (2020), seed 003).
//!
//! # The replicated volume with the teacher as replica 0
//!
//! A teacher of the same architecture (spherical weights drawn uniformly,
//! sign neurons, $\kappa = 0$) labels random inputs by its forward pass.
//! With zero margin the hidden spins of any network that reproduces the
//! labels are its own forward pass, so the Gardner volume $V(S_0, S_L)$ of
//! the students is, up to a constant, the probability that a random
//! network maps the inputs to the labels: the teacher is a sample of the
//! very posterior the students sample, and the data average is
//! $\overline{\ln V} = \partial_n\\,\overline{V^{1+n}}\big|_{n=0}$, the
//! random scenario's replicated volume with $1 + n$ replicas instead of $n$
//! (the seed's $V^{1+n}$). Replica symmetry among all $1 + n$ replicas gives
//! the Nishimori condition of the seed: the teacher–student overlaps equal
//! the student–student ones, $r_l = q_l$ and $R_l = Q_l$, and replica
//! symmetry holds.
//!
//! # The free entropy per $NM$
//!
//! Each term of the random scenario's $f$ becomes its $n \to 1$ form:
//!
//! $$ f = \frac1\alpha\sum_{l=1}^L\Big[\frac12\ln(1-Q_l) + \frac{Q_l}2\Big] + \sum_{l=1}^{L-1}s(q_l) + \sum_{l=1}^LE(p_l), \qquad p_l = q_{l-1}Q_lq_l, $$
//!
//! with $s(q) = \operatorname{extr}_{\hat q}\big[\int Dz\\,\ln 2\cosh(\hat q + \sqrt{\hat q}\\,z) - \hat q(1+q)/2\big]$
//! and $E(p) = \frac1{H(0)}\int Dt\\,H(x)\ln H(x)$, $x = -\sqrt p\\,t/\sqrt{1-p}$.
//! With $F(p) = 2E'(p) = \frac2{1-p}\int Dt\\,\varphi(x)\\,m(x)$ ($m = \varphi/H$;
//! $F(0) = 2/\pi$, the random scenario's $m(0)^2$) the saddle point is
//!
//! $$ \frac{Q_l}{1-Q_l} = \alpha\\,q_{l-1}q_lF(p_l), \qquad \hat q_l = q_{l-1}Q_lF(p_l) + Q_{l+1}q_{l+1}F(p_{l+1}), \qquad q_l = \int Dz\\,\tanh(\hat q_l + \sqrt{\hat q_l}\\,z), $$
//!
//! $q_0 = q_L = 1$. For $L = 1$ this is the Bayes-optimal spherical
//! perceptron (Györgyi; Engel & Van den Broeck eq. 2.42), and $\alpha f$ its
//! free entropy ([`teacher_student`](crate::perceptron::teacher_student());
//! tested).
//!
//! # Two branches: learning and unlearning
//!
//! Every right-hand side grows with every overlap, so the equations are a
//! monotone map of the profile. Iterated from the teacher (every overlap
//! $1 - 10^{-6}$) it falls to the largest solution, the **informed**
//! branch, where the seed's *unlearning* students start; iterated from a
//! student that knows nothing (every overlap $10^{-6}$) it goes to the
//! smallest solution reachable from there, the **uninformed** branch of
//! *learning* students. For $L \ge 2$ the profile with every overlap zero
//! solves the equations (the sign of each hidden neuron is a gauge, and
//! with nothing learnt the student is blind to it); it is unstable above
//! the same load as the random scenario's liquid, $\alpha = 1/m(0)^4 = \pi^2/4$
//! ($\pi^2/8$ for $L = 2$): there the uninformed branch leaves zero
//! ([`deep_network_teacher_threshold`]). Where the two branches differ, the
//! equilibrium is the one of larger $f$ (on the Nishimori line the free
//! entropy is the largest over the solutions).
//!
//! # Test inputs
//!
//! On a fresh input nothing is fixed at the output. In the dense limit the
//! pre-activations of a student neuron and of the teacher's are Gaussian,
//! of unit variance and correlation $R_l\\,r^{\rm test}_{l-1}$ (the weights'
//! overlap times the overlap of the layer read), so the probability that
//! the two signs agree gives
//!
//! $$ r^{\rm test}_0 = 1, \qquad r^{\rm test}_l = \frac2\pi\arcsin\big(R_l\\,r^{\rm test}_{l-1}\big), $$
//!
//! for $L = 1$ the perceptron's $1 - 2\varepsilon$, $\varepsilon = \arccos(R)/\pi$.
//! This assumes that across the $c$ inputs of a neuron its weights' overlap
//! and the fresh input's overlap are uncorrelated, which the dense limit
//! makes exact for a neuron's own fresh field and which is not checked
//! here beyond $L = 1$.

use std::f64::consts::PI;

use serde::Serialize;

use super::solve::{Profile, bond_index, product, spin_index};
use super::{check_depth, check_load};
use crate::error::TheoryError;
use crate::numerics::{GaussianRule, log_two_cosh, normal_pdf};
use crate::perceptron::gaussian::{ln_h, mills};

/// $\ln 2\pi$.
const LN_TWO_PI: f64 = 1.837_877_066_409_345_5;

/// Where the informed branch starts: every overlap $1 - 10^{-6}$.
const INFORMED_GAP: f64 = 1e-6;

/// Where the uninformed branch starts: every overlap $10^{-6}$.
const UNINFORMED_START: f64 = 1e-6;

/// Below this the uninformed branch is taken to have returned to zero.
const ZERO: f64 = 1e-13;

/// Relative tolerance on each overlap (on its gap above 1/2).
const TOLERANCE: f64 = 1e-12;

const MAX_ITERATIONS: usize = 20_000;

/// Below this overlap the constraint term is its first-order polynomial.
const TAYLOR_BELOW: f64 = 1e-16;

/// Below this field the spin term is its series.
const SERIES_BELOW: f64 = 1e-7;

/// $E(p)$ and $F(p) = 2E'(p)$ of one layer (module docs), from $p$ and $1 - p$.
fn constraint(p: f64, gap: f64) -> (f64, f64) {
    // F(0) = 2 phi(0) m(0) = 2/pi; E(0) = ln H(0) = -ln 2.
    let force_zero = 2.0 * normal_pdf(0.0) * mills(0.0);
    if p < TAYLOR_BELOW {
        let p = p.max(0.0);
        return (-std::f64::consts::LN_2 + 0.5 * p * force_zero, force_zero);
    }
    let (root_p, root_gap) = (p.sqrt(), gap.sqrt());
    let rule = GaussianRule::graded(0.0, root_gap / root_p);
    let (mut energy, mut force) = (0.0, 0.0);
    for (&t, &weight) in rule.nodes.iter().zip(&rule.weights) {
        // One ln H per node: H = e^{ln H}, phi m = phi^2 / H = e^{-x^2 - ln 2 pi - ln H}.
        let x = -root_p * t / root_gap;
        let ln = ln_h(x);
        energy += weight * ln.exp() * ln;
        force += weight * (-x * x - LN_TWO_PI - ln).exp();
    }
    // 1 / H(0) = 2.
    (2.0 * energy, 2.0 * force / gap)
}

/// One hidden layer on the Nishimori line at field $\hat q$: $q$, $1 - q$
/// and $s = \int Dz\\,\ln 2\cosh(\hat q + \sqrt{\hat q}z) - \hat q(1+q)/2$.
/// $q$ and $1 - q$ are taken as $\int Dz\\,\tanh^2$ and $\int Dz\\,\operatorname{sech}^2$
/// (equal to $\int Dz\\,\tanh$ and $1 - \int Dz\\,\tanh$ by the Nishimori
/// identity; tested), which have no cancellations.
fn spin(field: f64) -> (f64, f64, f64) {
    let a = field.max(0.0);
    if a < SERIES_BELOW {
        let overlap = a - a * a;
        let entropy = std::f64::consts::LN_2 - 0.25 * a * a;
        return (overlap, 1.0 - overlap, entropy);
    }
    let root = a.sqrt();
    let rule = GaussianRule::compact(-root, 1.0 / root);
    let (mut overlap, mut gap, mut log_cosh) = (0.0, 0.0, 0.0);
    for (&z, &weight) in rule.nodes.iter().zip(&rule.weights) {
        let x = a + root * z;
        let e = (-2.0 * x.abs()).exp();
        gap += weight * 4.0 * e / ((1.0 + e) * (1.0 + e));
        overlap += weight * ((1.0 - e) / (1.0 + e)).powi(2);
        log_cosh += weight * log_two_cosh(x);
    }
    (overlap, gap, log_cosh - 0.5 * a * (1.0 + overlap))
}

/// The terms of every layer at one profile.
struct Terms {
    /// $E(p_l)$, $F(p_l)$, $l = 1..L$.
    constraints: Vec<(f64, f64)>,
    /// $\hat q_l$, $l = 1..L-1$.
    fields: Vec<f64>,
    /// $s(q_l)$ at $\hat q_l$, $l = 1..L-1$.
    spin_entropy: Vec<f64>,
}

/// The right-hand sides of the saddle-point equations (module docs) at
/// `profile`, and the terms they came from.
fn image(alpha: f64, profile: &Profile) -> (Profile, Terms) {
    let depth = profile.depth;
    let constraints: Vec<(f64, f64)> = (1..=depth)
        .map(|l| {
            let (p, gap) = product(profile.spin(l - 1), profile.bond(l), profile.spin(l));
            constraint(p, gap)
        })
        .collect();
    let mut next = profile.clone();
    for l in 1..=depth {
        let y = alpha * profile.spin(l - 1).0 * profile.spin(l).0 * constraints[l - 1].1;
        next.values[bond_index(l)] = y / (1.0 + y);
        next.gaps[bond_index(l)] = 1.0 / (1.0 + y);
    }
    let mut fields = Vec::with_capacity(depth.saturating_sub(1));
    let mut spin_entropy = Vec::with_capacity(depth.saturating_sub(1));
    for l in 1..depth {
        let field = profile.spin(l - 1).0 * profile.bond(l).0 * constraints[l - 1].1
            + profile.bond(l + 1).0 * profile.spin(l + 1).0 * constraints[l].1;
        let (overlap, gap, entropy) = spin(field);
        next.values[spin_index(l)] = overlap;
        next.gaps[spin_index(l)] = gap;
        fields.push(field);
        spin_entropy.push(entropy);
    }
    let terms = Terms {
        constraints,
        fields,
        spin_entropy,
    };
    (next, terms)
}

/// Whether `next` is within the tolerance of `profile` (gaps above 1/2).
fn converged(profile: &Profile, next: &Profile) -> bool {
    (0..profile.values.len()).all(|i| {
        let (v, g) = (profile.values[i], profile.gaps[i]);
        if v > 0.5 {
            (next.gaps[i] - g).abs() <= TOLERANCE * g
        } else {
            (next.values[i] - v).abs() <= TOLERANCE * v || next.values[i].max(v) < ZERO
        }
    })
}

/// Which start a branch was iterated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TeacherBranchKind {
    /// From the teacher (every overlap near 1): the largest solution, where
    /// unlearning students start.
    Informed,
    /// From a student that knows nothing (every overlap near 0), where
    /// learning students start.
    Uninformed,
    /// From every overlap at an intermediate value: a solution between the
    /// two (four layers have one, where the middle layer orders).
    Intermediate,
}

/// One solution of the Nishimori-line equations.
#[derive(Debug, Clone, Serialize)]
pub struct DeepNetworkTeacherBranch {
    /// Which start it was iterated from.
    pub kind: TeacherBranchKind,
    /// Neuron overlaps $r_l = q_l$ on the training inputs, $l = 0..L$ (1 at both ends).
    pub q: Vec<f64>,
    /// Weight overlaps $R_l = Q_l$, $l = 1..L$ (serialised as `Q`).
    #[serde(rename = "Q")]
    pub bond_overlap: Vec<f64>,
    /// Conjugate fields $\hat q_l$, $l = 1..L-1$.
    pub spin_field: Vec<f64>,
    /// Student–teacher overlap of layer $l = 0..L$ on fresh inputs (module docs).
    pub test_overlap: Vec<f64>,
    /// Probability that an output bit of the student differs from the teacher's on a fresh input, $(1 - r^{\rm test}_L)/2$.
    pub generalization_error: f64,
    /// Free entropy $f$ per $NM$ (module docs).
    pub free_entropy: f64,
    /// Iterations of the map.
    pub iterations: usize,
}

/// The Nishimori-line teacher–student deep network at one load.
#[derive(Debug, Clone, Serialize)]
pub struct DeepNetworkTeacherPoint {
    /// Load $\alpha = M/c$.
    pub alpha: f64,
    /// Number of layers $L$.
    pub depth: usize,
    /// Which solution has the largest free entropy.
    pub equilibrium: TeacherBranchKind,
    /// The informed branch (from the teacher).
    pub informed: DeepNetworkTeacherBranch,
    /// The uninformed branch (from zero overlaps).
    pub uninformed: DeepNetworkTeacherBranch,
    /// Solutions between the two, found from intermediate starts
    /// ([`INTERMEDIATE_STARTS`]), each once.
    pub intermediate: Vec<DeepNetworkTeacherBranch>,
}

impl DeepNetworkTeacherPoint {
    /// The solution of largest free entropy.
    pub fn equilibrium_branch(&self) -> &DeepNetworkTeacherBranch {
        std::iter::once(&self.informed)
            .chain(&self.intermediate)
            .chain(std::iter::once(&self.uninformed))
            .fold(&self.informed, |best, b| {
                if b.free_entropy > best.free_entropy + 1e-12 * best.free_entropy.abs().max(1.0) {
                    b
                } else {
                    best
                }
            })
    }
}

/// The uniform overlaps from which intermediate solutions are sought.
pub const INTERMEDIATE_STARTS: [f64; 5] = [0.9, 0.7, 0.5, 0.3, 0.1];

/// Whether two solutions are the same (every weight overlap within $10^{-6}$).
fn same(a: &DeepNetworkTeacherBranch, b: &DeepNetworkTeacherBranch) -> bool {
    a.bond_overlap
        .iter()
        .zip(&b.bond_overlap)
        .all(|(x, y)| (x - y).abs() < 1e-6)
}

/// Iterates the map from `start` to its fixed point.
fn iterate(
    alpha: f64,
    kind: TeacherBranchKind,
    mut profile: Profile,
    limit: usize,
) -> Result<DeepNetworkTeacherBranch, TheoryError> {
    for iteration in 1..=limit {
        let (next, _) = image(alpha, &profile);
        let done = converged(&profile, &next);
        profile = next;
        if done {
            let (_, terms) = image(alpha, &profile);
            return Ok(branch(alpha, kind, &profile, &terms, iteration));
        }
    }
    Err(TheoryError::NotConverged {
        method: "Nishimori-line iteration of the deep network",
        iterations: limit,
        residual: f64::NAN,
        tolerance: TOLERANCE,
        advice: "the load is next to the threshold where the uninformed branch leaves zero, or to a spinodal; try a nearby alpha",
    })
}

fn branch(
    alpha: f64,
    kind: TeacherBranchKind,
    profile: &Profile,
    terms: &Terms,
    iterations: usize,
) -> DeepNetworkTeacherBranch {
    let depth = profile.depth;
    let q: Vec<f64> = (0..=depth).map(|l| profile.spin(l).0).collect();
    let bond_overlap: Vec<f64> = (1..=depth).map(|l| profile.bond(l).0).collect();
    let bond_entropy: f64 = (1..=depth)
        .map(|l| {
            let (value, gap) = profile.bond(l);
            0.5 * gap.ln() + 0.5 * value
        })
        .sum();
    let free_entropy = bond_entropy / alpha
        + terms.spin_entropy.iter().sum::<f64>()
        + terms.constraints.iter().map(|c| c.0).sum::<f64>();
    let test_overlap = test_overlaps(&bond_overlap);
    let generalization_error = 0.5 * (1.0 - test_overlap[depth]);
    DeepNetworkTeacherBranch {
        kind,
        q,
        bond_overlap,
        spin_field: terms.fields.clone(),
        test_overlap,
        generalization_error,
        free_entropy,
        iterations,
    }
}

/// $r^{\rm test}_l$, $l = 0..L$, from the weight overlaps (module docs).
pub fn test_overlaps(bond_overlap: &[f64]) -> Vec<f64> {
    let mut overlaps = vec![1.0];
    for &bond in bond_overlap {
        let previous = *overlaps.last().expect("starts with one");
        overlaps.push(2.0 / PI * (bond * previous).clamp(-1.0, 1.0).asin());
    }
    overlaps
}

/// The teacher–student deep network of `depth` layers at load `alpha`
/// $= M/c$ on the Nishimori line (module docs): the informed and the
/// uninformed branch and which has the larger free entropy.
///
/// `alpha` finite and $> 0$, `depth` in `1..=1000`. `NotConverged` right
/// next to the threshold of [`deep_network_teacher_threshold`], where the
/// uninformed branch converges algebraically. Overlaps to $10^{-12}$
/// relative; milliseconds for ten layers away from the threshold.
pub fn deep_network_teacher_profile(
    alpha: f64,
    depth: usize,
) -> Result<DeepNetworkTeacherPoint, TheoryError> {
    let alpha = check_load(alpha)?;
    let depth = check_depth(depth)?;
    solve_branches(alpha, depth, MAX_ITERATIONS, true)
}

/// Both branches (and the intermediate solutions if `intermediates`),
/// each with at most `limit` iterations.
fn solve_branches(
    alpha: f64,
    depth: usize,
    limit: usize,
    intermediates: bool,
) -> Result<DeepNetworkTeacherPoint, TheoryError> {
    let informed = iterate(
        alpha,
        TeacherBranchKind::Informed,
        Profile::frozen(depth, INFORMED_GAP),
        limit,
    )?;
    let uninformed = iterate(
        alpha,
        TeacherBranchKind::Uninformed,
        Profile::frozen(depth, 1.0 - UNINFORMED_START),
        limit,
    )?;
    let mut intermediate: Vec<DeepNetworkTeacherBranch> = Vec::new();
    if intermediates && depth >= 2 {
        for start in INTERMEDIATE_STARTS {
            let branch = iterate(
                alpha,
                TeacherBranchKind::Intermediate,
                Profile::frozen(depth, 1.0 - start),
                limit,
            )?;
            if !same(&branch, &informed)
                && !same(&branch, &uninformed)
                && !intermediate.iter().any(|b| same(b, &branch))
            {
                intermediate.push(branch);
            }
        }
    }
    let mut point = DeepNetworkTeacherPoint {
        alpha,
        depth,
        equilibrium: TeacherBranchKind::Informed,
        informed,
        uninformed,
        intermediate,
    };
    point.equilibrium = point.equilibrium_branch().kind;
    Ok(point)
}

/// The load above which the zero-overlap profile is unstable on the
/// Nishimori line and the uninformed branch learns: $\pi^2/4$ for
/// $L \ge 3$, $\pi^2/8$ for $L = 2$ (module docs; the same blocks as the
/// random scenario's liquid instability at $\kappa = 0$). `NoSolution` for
/// $L = 1$, whose student learns at any load.
pub fn deep_network_teacher_threshold(depth: usize) -> Result<f64, TheoryError> {
    let depth = check_depth(depth)?;
    let m4 = mills(0.0).powi(4);
    match depth {
        1 => Err(TheoryError::NoSolution {
            what: "learning threshold of a one-layer network",
            reason: "a single perceptron student overlaps its teacher at any load".into(),
        }),
        2 => Ok(0.5 / m4),
        _ => Ok(1.0 / m4),
    }
}

/// $f$ at any profile (not only a solution): for the stationarity tests.
#[cfg(test)]
pub(super) fn free_entropy_at(alpha: f64, profile: &Profile) -> f64 {
    use crate::numerics::brent;
    let depth = profile.depth;
    let mut f = 0.0;
    for l in 1..=depth {
        let (p, gap) = product(profile.spin(l - 1), profile.bond(l), profile.spin(l));
        f += constraint(p, gap).0;
        let (value, gap) = profile.bond(l);
        f += (0.5 * gap.ln() + 0.5 * value) / alpha;
    }
    for l in 1..depth {
        let q = profile.spin(l).0;
        let v = brent(|v: f64| spin(v.exp()).0 - q, -40.0, 8.0, 1e-15).expect("q in (0, 1)");
        // s(q) at the field that gives q: extr over the field of the bracket.
        let field = v.exp();
        let root = field.sqrt();
        let log_cosh =
            GaussianRule::compact(-root, 1.0 / root).expect(|z| log_two_cosh(field + root * z));
        f += log_cosh - 0.5 * field * (1.0 + q);
    }
    f
}

mod transitions;

#[cfg(test)]
use transitions::same_branches;
pub use transitions::{DeepNetworkTeacherTransitions, deep_network_teacher_transitions};

#[cfg(test)]
mod tests;
