//! Learning a rule from examples: a student perceptron trained on labels
//! $y = \operatorname{sign}(w^*\cdot x/\sqrt N)$ of a teacher $w^*$ of the same
//! kind (spherical or $\pm1$), each flipped with probability $\eta$.
//!
//! # Replica symmetry
//!
//! Order parameters: $R = w\cdot w^*/N$, $q = w^a\cdot w^b/N$ (two students
//! drawn from the same posterior) and their conjugates $\hat R$, $\hat q$. The
//! free entropy per weight is $\operatorname{extr}\\,[G_S + \alpha G_E]$ with the
//! energetic term of the Gibbs student at temperature $T = 1/\beta$ (energy =
//! number of training errors; Seung, Sompolinsky & Tishby, Phys. Rev. A 45,
//! 6056 (1992); Engel & Van den Broeck, *Statistical Mechanics of Learning*,
//! ch. 4)
//!
//! $$ G_E = 2\int Dt\\,\Big[\eta + (1-2\eta)H\Big(-\frac{Rt}{\sqrt{q-R^2}}\Big)\Big]
//! \ln\Big[e^{-\beta} + (1-e^{-\beta})H\Big(-\frac{\sqrt q\\,t}{\sqrt{1-q}}\Big)\Big], $$
//!
//! and the entropic term $G_S = \frac12\ln(1-q) + \frac{q-R^2}{2(1-q)}$ (spherical)
//! or $-\hat RR - \frac{\hat q}2(1-q) + \int Dz\ln2\cosh(\sqrt{\hat q}z + \hat R)$
//! (binary, extremised over $\hat R$, $\hat q$). The derivatives and the prior
//! maps $(\hat R, \hat q) \mapsto (R, q)$ are in the private `channel` module.
//!
//! **Nishimori line.** The Bayes-optimal student uses the true model: its
//! posterior is the Gibbs one at $e^{-\beta} = \eta/(1-\eta)$ (the Nishimori
//! temperature; $T = 0$, the version space, at $\eta = 0$). There $R = q$ and
//! $\hat R = \hat q$, and one equation remains, solved by Brent's method in
//! $\ln(1-q)$. Its free entropy is computed with the normalised likelihood
//! $\eta + (1-2\eta)\Theta(y\lambda) = (1-\eta)e^{-\beta\Theta(-y\lambda)}$, so the
//! Gibbs free entropy at the same temperature (unnormalised Boltzmann
//! factor) is larger by $-\alpha\ln(1-\eta)$.
//!
//! **Generalisation error** (disagreement with the teacher's noiseless label
//! on a new input): $\varepsilon = \arccos(R)/\pi$ for a Gibbs student;
//! $\arccos(R/\sqrt q)/\pi$ for the Bayes predictor (the sign of the posterior
//! mean), $\arccos(\sqrt q)/\pi$ on the Nishimori line.
//!
//! **Binary weights** always have a perfect-generalisation saddle point,
//! $R = q = 1$ with $\hat R, \hat q \to \infty$: the teacher itself, isolated
//! because a student $d$ flips away makes $\propto\sqrt{dN}$ errors, which
//! no entropy $d\ln(N/d)$ pays for. Its free entropy is $-\alpha\eta/T$ for
//! the Gibbs student (0 in the noiseless version space, where it does not
//! exist at $\eta > 0$) and $-\alpha h_2(\eta)$ for the Bayes one. Beside it a
//! poor-generalisation branch ($q < 1$) exists up to a spinodal; the
//! equilibrium is the one with the larger free entropy, which gives the
//! first-order transition of [`binary_transition`].
//!
//! **Off the Nishimori line** (a Gibbs student at $T > 0$, or at $T = 0$ on
//! noisy labels) the two equations are iterated, damped, from $R = q = 0.01$:
//! for spherical weights that finds the one solution; for binary ones the
//! poor branch, which the iteration leaves toward $q = 1$ when it no longer
//! exists.

use std::f64::consts::{LN_2, PI};

use serde::Serialize;

use super::channel::{Channel, binary_nishimori_gap, entropic, prior};
use super::gaussian::{check_alpha, check_label_noise};
use crate::error::{self, TheoryError};
use crate::numerics::{brent, minimise_bounded};

/// The weights of teacher and student.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weights {
    /// $|w|^2 = N$.
    Spherical,
    /// $w_i = \pm1$.
    Binary,
}

/// How the student is chosen from the training set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Learning {
    /// Drawn from $P_0(w)\\,e^{-\beta\\,\\#\\{\text{training errors}\\}}$ at the given temperature.
    Gibbs,
    /// The Bayes-optimal predictor (matched noise, the Nishimori line).
    Bayes,
}

/// Which replica-symmetric saddle point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Branch {
    /// The only solution (spherical weights): $R$ grows continuously with $\alpha$.
    Continuous,
    /// Binary weights, $q < 1$.
    PoorGeneralization,
    /// Binary weights, $R = q = 1$: the student is the teacher.
    PerfectGeneralization,
}

/// One saddle point of the teacher–student problem.
#[derive(Debug, Clone, Serialize)]
pub struct TeacherStudentState {
    /// Which saddle point.
    pub branch: Branch,
    /// Generalisation error $\varepsilon$ (see the [module docs](self)).
    pub generalization_error: f64,
    /// Teacher overlap $R = w\cdot w^*/N$.
    pub teacher_overlap: f64,
    /// Student–student overlap $q = w^a\cdot w^b/N$.
    pub student_overlap: f64,
    /// Free entropy per weight (module docs for its normalisation).
    pub free_entropy: f64,
}

/// The teacher–student problem at one load: the equilibrium state and, for
/// binary weights, the metastable one where it exists.
#[derive(Debug, Clone, Serialize)]
pub struct TeacherStudentPoint {
    /// Teacher and student weights.
    pub weights: Weights,
    /// Gibbs or Bayes-optimal learning.
    pub learning: Learning,
    /// Load $\alpha = P/N$.
    pub alpha: f64,
    /// Temperature of the student's posterior (the Nishimori temperature
    /// $1/\ln\frac{1-\eta}\eta$ for Bayes learning, 0 at $\eta = 0$).
    pub temperature: f64,
    /// Label-flip probability $\eta$.
    pub label_noise: f64,
    /// The equilibrium branch (largest free entropy).
    pub branch: Branch,
    /// Its generalisation error.
    pub generalization_error: f64,
    /// Its teacher overlap $R$.
    pub teacher_overlap: f64,
    /// Its student–student overlap $q$.
    pub student_overlap: f64,
    /// Its free entropy per weight.
    pub free_entropy: f64,
    /// The other (metastable) saddle point, when two exist.
    pub metastable: Option<TeacherStudentState>,
}

/// Where the binary version-space student jumps to the teacher.
#[derive(Debug, Clone, Serialize)]
pub struct BinaryTransition {
    /// Where the poor branch's free entropy crosses 0, that of perfect generalisation.
    pub alpha_transition: f64,
    /// Where the poor branch ceases to exist.
    pub alpha_spinodal: f64,
}

/// Smallest $1 - q$ resolved on the Nishimori line (spherical weights:
/// $1 - q \approx 0.2/\alpha^2$, so loads up to about $10^9$).
const SMALLEST_GAP: f64 = 1e-20;

fn no_solution(reason: String) -> TheoryError {
    TheoryError::NoSolution {
        what: "teacher–student saddle point",
        reason,
    }
}

/// Generalisation error of a state.
fn error_of(learning: Learning, r: f64, q: f64) -> f64 {
    let cosine = match learning {
        Learning::Gibbs => r,
        Learning::Bayes => r / q.sqrt(),
    };
    cosine.clamp(-1.0, 1.0).acos() / PI
}

fn state(
    branch: Branch,
    learning: Learning,
    r: f64,
    q: f64,
    free_entropy: f64,
) -> TeacherStudentState {
    TeacherStudentState {
        branch,
        generalization_error: error_of(learning, r, q),
        teacher_overlap: r,
        student_overlap: q,
        free_entropy,
    }
}

/// Right side minus left side of the Nishimori equation, over $1-q$, in
/// $v = \ln(1 - q)$: positive where the iteration $q \to q(\hat q(q))$ increases $q$.
fn nishimori_drift(weights: Weights, channel: &Channel, v: f64) -> f64 {
    let (w, q) = (v.exp(), -v.exp_m1());
    let q_hat = channel.nishimori_conjugate(q, w);
    let gap = match weights {
        Weights::Spherical => 1.0 / (1.0 + q_hat),
        Weights::Binary => binary_nishimori_gap(q_hat),
    };
    1.0 - gap / w
}

/// The state on the Nishimori line at $v = \ln(1-q)$.
fn nishimori_state(
    weights: Weights,
    learning: Learning,
    channel: &Channel,
    v: f64,
) -> TeacherStudentState {
    let (w, q) = (v.exp(), -v.exp_m1());
    let q_hat = channel.nishimori_conjugate(q, w);
    let g_s = entropic(weights, q, q, w, q_hat, q_hat);
    let branch = match weights {
        Weights::Spherical => Branch::Continuous,
        Weights::Binary => Branch::PoorGeneralization,
    };
    state(
        branch,
        learning,
        q,
        q,
        g_s + channel.alpha * channel.nishimori_energetic(q, w),
    )
}

/// The binary Nishimori drift on a grid of 100 values $q = k/100$,
/// $k = 0, \dots, 99$, as $(v, \text{drift})$.
fn binary_scan(channel: &Channel) -> Vec<(f64, f64)> {
    (0..100)
        .map(|k| {
            let v = (-(k as f64) / 100.0).ln_1p();
            (v, nishimori_drift(Weights::Binary, channel, v))
        })
        .collect()
}

/// The minimum of the binary drift near the lowest grid value: Brent's
/// minimiser between its grid neighbours. Returns $(v_\min, \text{drift})$
/// and the index of the lowest grid point.
fn binary_dip(channel: &Channel, grid: &[(f64, f64)]) -> ((f64, f64), usize) {
    let best = (1..grid.len())
        .min_by(|&i, &j| grid[i].1.total_cmp(&grid[j].1))
        .unwrap_or(1);
    let low = grid[(best + 1).min(grid.len() - 1)].0;
    let high = grid[best - 1].0;
    let drift = |v: f64| nishimori_drift(Weights::Binary, channel, v);
    (minimise_bounded(drift, low, high, 1e-12), best)
}

/// The smallest root of the binary Nishimori drift (the poor branch), as
/// $v = \ln(1-q)$, or `None` beyond the spinodal. The drift is positive at
/// $q = 0$ and near $q = 1$ and dips below 0 in between: the first
/// negative value on the grid of [`binary_scan`] brackets the root with its
/// predecessor; if the dip falls between grid points, Brent's minimiser
/// finds it and the root is bracketed by the minimum and the grid point
/// before it.
fn binary_poor_root(channel: &Channel) -> Option<f64> {
    let grid = binary_scan(channel);
    let drift = |v: f64| nishimori_drift(Weights::Binary, channel, v);
    if let Some(k) = (1..grid.len()).find(|&k| grid[k].1 < 0.0) {
        return brent(drift, grid[k].0, grid[k - 1].0, 1e-14);
    }
    let ((v, value), best) = binary_dip(channel, &grid);
    if value >= 0.0 {
        return None;
    }
    brent(drift, v, grid[best - 1].0, 1e-14)
}

/// All saddle points on the Nishimori line (Bayes learning, or Gibbs at
/// $T = 0$ on noiseless data).
pub(super) fn nishimori(
    weights: Weights,
    learning: Learning,
    channel: &Channel,
) -> Result<Vec<TeacherStudentState>, TheoryError> {
    match weights {
        Weights::Spherical => {
            let v = brent(
                |v| nishimori_drift(weights, channel, v),
                SMALLEST_GAP.ln(),
                0.0,
                1e-14,
            )
            .ok_or_else(|| {
                no_solution(format!(
                    "alpha = {}: 1 - q below {SMALLEST_GAP:e}",
                    channel.alpha
                ))
            })?;
            Ok(vec![nishimori_state(weights, learning, channel, v)])
        }
        Weights::Binary => {
            let eta = channel.noise;
            let entropy = if eta == 0.0 {
                0.0
            } else {
                eta * eta.ln() + (1.0 - eta) * (-eta).ln_1p()
            };
            let mut states = vec![state(
                Branch::PerfectGeneralization,
                learning,
                1.0,
                1.0,
                channel.alpha * entropy,
            )];
            if let Some(v) = binary_poor_root(channel) {
                states.push(nishimori_state(weights, learning, channel, v));
            }
            Ok(states)
        }
    }
}

/// Damped iteration of the two equations off the Nishimori line. `None`
/// when it runs to $q \to 1$ (no solution with $q < 1$).
pub(super) fn iterate(
    weights: Weights,
    learning: Learning,
    channel: &Channel,
) -> Result<Option<TeacherStudentState>, TheoryError> {
    const DAMPING: f64 = 0.5;
    const ITERATIONS: usize = 20_000;
    let (mut r, mut q, mut w) = (0.01, 0.01, 0.99);
    let mut residual = f64::INFINITY;
    for _ in 0..ITERATIONS {
        let (r_hat, q_hat) = channel.conjugates(r, q, w);
        let (r_new, _, w_new) = prior(weights, r_hat, q_hat);
        residual = (r_new - r).abs().max((w_new / w).ln().abs());
        r = (1.0 - DAMPING) * r + DAMPING * r_new;
        w = w.powf(1.0 - DAMPING) * w_new.powf(DAMPING);
        q = 1.0 - w;
        if w < 1e-12 {
            return Ok(None);
        }
        if residual < 1e-13 {
            let (r_hat, q_hat) = channel.conjugates(r, q, w);
            let g_s = entropic(weights, r, q, w, r_hat, q_hat);
            let branch = match weights {
                Weights::Spherical => Branch::Continuous,
                Weights::Binary => Branch::PoorGeneralization,
            };
            return Ok(Some(state(
                branch,
                learning,
                r,
                q,
                g_s + channel.alpha * channel.energetic(r, q, w),
            )));
        }
    }
    Err(TheoryError::NotConverged {
        method: "teacher–student fixed-point iteration",
        iterations: ITERATIONS,
        residual,
        tolerance: 1e-13,
        advice: "the load is probably at a spinodal; try a nearby alpha",
    })
}

/// The Nishimori temperature $1/\ln\frac{1-\eta}\eta$ (0 at $\eta = 0$).
pub fn nishimori_temperature(label_noise: f64) -> Result<f64, TheoryError> {
    let eta = check_label_noise(label_noise)?;
    Ok(if eta == 0.0 {
        0.0
    } else {
        1.0 / ((1.0 - eta) / eta).ln()
    })
}

/// The replica-symmetric teacher–student perceptron at load $\alpha$ (see the
/// [module docs](self)): equilibrium state and, where two saddle points
/// exist (binary weights), the metastable one.
///
/// * `temperature`: finite, $\ge 0$. For [`Learning::Gibbs`] the student's
///   temperature ($T = 0$: the version space, or the zero-error solutions
///   of noisy data, `NoSolution` once none remain). For
///   [`Learning::Bayes`] it is not used: the Bayes student sits at the
///   Nishimori temperature of `label_noise`, which the result reports.
/// * `label_noise`: $\eta \in [0, 1/2)$.
///
/// Measured per call: on the Nishimori line (Bayes, or Gibbs at
/// $T = \eta = 0$) 1–2 ms spherical, 6–13 ms binary (the branch scan); off
/// it 15–30 ms (damped iteration to $10^{-13}$). Spherical version-space
/// asymptotics: $\varepsilon \approx 0.625/\alpha$ (Gibbs), $0.442/\alpha$
/// (Bayes) (Engel & Van den Broeck ch. 2; Opper & Haussler 1991).
pub fn teacher_student(
    weights: Weights,
    learning: Learning,
    alpha: f64,
    temperature: f64,
    label_noise: f64,
) -> Result<TeacherStudentPoint, TheoryError> {
    let alpha = check_alpha(alpha)?;
    let temperature = error::temperature(temperature)?;
    let eta = check_label_noise(label_noise)?;
    let temperature = match learning {
        Learning::Bayes => nishimori_temperature(eta)?,
        Learning::Gibbs => temperature,
    };
    let ln_floor = if temperature == 0.0 {
        f64::NEG_INFINITY
    } else {
        -1.0 / temperature
    };
    let channel = Channel {
        alpha,
        noise: eta,
        ln_floor,
    };
    let mut states = if alpha == 0.0 {
        let free_entropy = if weights == Weights::Binary {
            LN_2
        } else {
            0.0
        };
        let branch = if weights == Weights::Binary {
            Branch::PoorGeneralization
        } else {
            Branch::Continuous
        };
        vec![state(branch, learning, 0.0, 0.0, free_entropy)]
    } else if learning == Learning::Bayes || (temperature == 0.0 && eta == 0.0) {
        nishimori(weights, learning, &channel)?
    } else {
        let mut states = Vec::new();
        if weights == Weights::Binary && !(temperature == 0.0 && eta > 0.0) {
            states.push(state(
                Branch::PerfectGeneralization,
                learning,
                1.0,
                1.0,
                -alpha * eta / temperature,
            ));
        }
        if let Some(poor) = iterate(weights, learning, &channel)? {
            states.push(poor);
        }
        if states.is_empty() {
            return Err(no_solution(format!(
                "alpha = {alpha}, label_noise = {eta}: no student makes zero training errors (q -> 1); use a temperature > 0"
            )));
        }
        states
    };
    states.sort_by(|a, b| b.free_entropy.total_cmp(&a.free_entropy));
    let equilibrium = states.remove(0);
    Ok(TeacherStudentPoint {
        weights,
        learning,
        alpha,
        temperature,
        label_noise: eta,
        branch: equilibrium.branch,
        generalization_error: equilibrium.generalization_error,
        teacher_overlap: equilibrium.teacher_overlap,
        student_overlap: equilibrium.student_overlap,
        free_entropy: equilibrium.free_entropy,
        metastable: states.pop(),
    })
}

/// [`teacher_student`] at each of `alphas`; the first error stops it.
pub fn teacher_student_curve(
    weights: Weights,
    learning: Learning,
    alphas: &[f64],
    temperature: f64,
    label_noise: f64,
) -> Result<Vec<TeacherStudentPoint>, TheoryError> {
    alphas
        .iter()
        .map(|&alpha| teacher_student(weights, learning, alpha, temperature, label_noise))
        .collect()
}

/// The first-order transition of the binary perceptron learning a binary
/// teacher from noiseless labels in the version space (Gibbs at $T = 0$,
/// which is also Bayes-optimal): where the poor branch's free entropy
/// crosses 0, the free entropy of perfect generalisation (Györgyi, Phys.
/// Rev. A 41, 7097 (1990): 1.245; Barbier, Krzakala, Macris, Miolane &
/// Zdeborová, PNAS 116, 5451 (2019): $\alpha_{IT} = 1.249$), and the
/// spinodal where the poor branch ends (Barbier et al.: $\alpha_{alg} = 1.493$).
///
/// Spinodal: Brent's method on the minimum of the drift over $q$; transition:
/// Brent's method on the poor branch's free entropy; both to $10^{-9}$.
/// About 0.1 s.
pub fn binary_transition() -> Result<BinaryTransition, TheoryError> {
    let channel_at = |alpha: f64| Channel {
        alpha,
        noise: 0.0,
        ln_floor: f64::NEG_INFINITY,
    };
    let dip = |alpha: f64| {
        let channel = channel_at(alpha);
        binary_dip(&channel, &binary_scan(&channel)).0.1
    };
    let alpha_spinodal = brent(dip, 1.3, 1.7, 1e-10).ok_or_else(|| {
        no_solution("the binary drift minimum does not change sign on [1.3, 1.7]".into())
    })?;
    let entropy = |alpha: f64| {
        let channel = channel_at(alpha);
        binary_poor_root(&channel).map_or(f64::NAN, |v| {
            nishimori_state(Weights::Binary, Learning::Gibbs, &channel, v).free_entropy
        })
    };
    let alpha_transition = brent(entropy, 1.0, alpha_spinodal - 1e-6, 1e-10).ok_or_else(|| {
        no_solution("the poor branch's free entropy does not cross 0 below the spinodal".into())
    })?;
    Ok(BinaryTransition {
        alpha_transition,
        alpha_spinodal,
    })
}
