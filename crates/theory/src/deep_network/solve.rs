//! The saddle-point equations as a monotone map of the layer profile, and
//! their solution: fixed-point iteration from the frozen profile down to
//! the largest solution, finished by Newton's method on the band Jacobian.

use super::band::BandMatrix;
use super::terms::{ConstraintTerm, SpinTerm, constraint_term, spin_term};
use crate::error::TheoryError;

/// Where the iteration starts: every overlap $1 - 10^{-6}$, above (or
/// next to) every solution.
const START_GAP: f64 = 1e-6;

/// Smallest gap $1 - Q$ the solver resolves (as Gardner's solver): below
/// it the solution space has collapsed.
pub(super) const SMALLEST_BOND_GAP: f64 = 1e-20;

/// Smallest gap $1 - q$ the spin averages resolve (their panels narrow to
/// $10^{-13}$ around the step of $\tanh$, whose width is about the gap).
pub(super) const SMALLEST_SPIN_GAP: f64 = 1e-12;

/// Newton's method takes over once the fixed-point residual, relative to
/// each overlap ([`scaled_norm`]), is below this.
const NEWTON_FROM: f64 = 1e-2;

/// Relative tolerance on each overlap (on $1 - q$ where $q > 1/2$).
const TOLERANCE: f64 = 1e-13;

/// Absolute floor of the tolerance on overlaps below 1/2 (they vanish in liquid layers).
const FLOOR: f64 = 1e-16;

const MAX_ITERATIONS: usize = 20_000;

/// The $2L - 1$ unknowns $Q_1, q_1, Q_2, q_2, \dots, q_{L-1}, Q_L$, each with
/// its gap (one minus it), kept separately so that overlaps near 1 keep
/// their relative precision.
#[derive(Debug, Clone)]
pub(super) struct Profile {
    pub depth: usize,
    pub values: Vec<f64>,
    pub gaps: Vec<f64>,
}

/// Index of $Q_l$, $1 \le l \le L$.
pub(super) fn bond_index(layer: usize) -> usize {
    2 * layer - 2
}

/// Index of $q_l$, $1 \le l \le L - 1$.
pub(super) fn spin_index(layer: usize) -> usize {
    2 * layer - 1
}

impl Profile {
    /// Every overlap at $1 - $ `gap`.
    pub fn frozen(depth: usize, gap: f64) -> Self {
        let n = 2 * depth - 1;
        Self {
            depth,
            values: vec![1.0 - gap; n],
            gaps: vec![gap; n],
        }
    }

    /// $(Q_l, 1 - Q_l)$.
    pub fn bond(&self, layer: usize) -> (f64, f64) {
        let i = bond_index(layer);
        (self.values[i], self.gaps[i])
    }

    /// $(q_l, 1 - q_l)$ for $0 \le l \le L$; the input and output layers are fixed, $q = 1$.
    pub fn spin(&self, layer: usize) -> (f64, f64) {
        if layer == 0 || layer == self.depth {
            (1.0, 0.0)
        } else {
            let i = spin_index(layer);
            (self.values[i], self.gaps[i])
        }
    }

    fn set(&mut self, index: usize, value: f64, gap: f64) {
        self.values[index] = value;
        self.gaps[index] = gap;
    }
}

/// $p = abc$ and $1 - p$ from three (value, gap) pairs, with $1 - p$
/// precise when all three are near 1.
pub(super) fn product(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> (f64, f64) {
    let p = a.0 * b.0 * c.0;
    let gap = if p < 0.5 {
        1.0 - p
    } else {
        -((-a.1).ln_1p() + (-b.1).ln_1p() + (-c.1).ln_1p()).exp_m1()
    };
    (p, gap)
}

/// The root $Q$ of $Q/(1-Q)^2 = y \ge 0$ with $1 - Q = 2/(1 + \sqrt{1 + 4y})$,
/// both precise, and $dQ/dy = (1-Q)^2/(1 + 2y(1-Q))$.
fn bond_from(y: f64) -> (f64, f64, f64) {
    if !y.is_finite() {
        return (1.0, 0.0, 0.0);
    }
    let gap = 2.0 / (1.0 + (1.0 + 4.0 * y).sqrt());
    let value = if gap > 0.5 { y * gap * gap } else { 1.0 - gap };
    (value, gap, gap * gap / (1.0 + 2.0 * y * gap))
}

/// Everything the equations need at one profile.
#[derive(Debug, Clone)]
pub(super) struct Terms {
    /// $(p_l, 1 - p_l)$, $l = 1..L$.
    pub overlaps: Vec<(f64, f64)>,
    /// The constraint terms at $p_l$, $l = 1..L$.
    pub constraints: Vec<ConstraintTerm>,
    /// $\hat q_l$, $l = 1..L-1$.
    pub fields: Vec<f64>,
    /// The spin terms at $\hat q_l$, $l = 1..L-1$.
    pub spins: Vec<SpinTerm>,
    /// $dQ_l/dy_l$ of the bond equation, $l = 1..L$.
    pub bond_slopes: Vec<f64>,
}

/// The constraint terms of every layer at `profile`.
pub(super) fn constraints(kappa: f64, profile: &Profile) -> (Vec<(f64, f64)>, Vec<ConstraintTerm>) {
    let overlaps: Vec<(f64, f64)> = (1..=profile.depth)
        .map(|l| product(profile.spin(l - 1), profile.bond(l), profile.spin(l)))
        .collect();
    let terms = overlaps
        .iter()
        .map(|&(p, gap)| constraint_term(kappa, p, gap))
        .collect();
    (overlaps, terms)
}

/// The conjugate field $\hat q_l = q_{l-1}Q_lF(p_l) + Q_{l+1}q_{l+1}F(p_{l+1})$.
pub(super) fn field(profile: &Profile, constraints: &[ConstraintTerm], layer: usize) -> f64 {
    profile.spin(layer - 1).0 * profile.bond(layer).0 * constraints[layer - 1].force
        + profile.bond(layer + 1).0 * profile.spin(layer + 1).0 * constraints[layer].force
}

/// The right-hand sides of the saddle-point equations at `profile`, which
/// is a fixed point of this map exactly when it solves them:
///
/// $$ \frac{Q_l}{(1-Q_l)^2} = \alpha\\,q_{l-1}q_lF(p_l), \qquad q_l = \int Dz\\,\tanh^2\big(\sqrt{\hat q_l}\\,z\big). $$
///
/// Every right-hand side increases with every overlap ($F' > 0$), so the
/// map preserves order: iterated from above every solution, it decreases
/// to the largest one.
pub(super) fn image(alpha: f64, kappa: f64, profile: &Profile) -> (Profile, Terms) {
    let depth = profile.depth;
    let (overlaps, constraints) = constraints(kappa, profile);
    let mut next = profile.clone();
    let mut bond_slopes = Vec::with_capacity(depth);
    for l in 1..=depth {
        let y = alpha * profile.spin(l - 1).0 * profile.spin(l).0 * constraints[l - 1].force;
        let (value, gap, slope) = bond_from(y);
        next.set(bond_index(l), value, gap);
        bond_slopes.push(slope);
    }
    let mut fields = Vec::with_capacity(depth.saturating_sub(1));
    let mut spins = Vec::with_capacity(depth.saturating_sub(1));
    for l in 1..depth {
        let hat = field(profile, &constraints, l);
        let spin = spin_term(hat);
        next.set(spin_index(l), spin.overlap, spin.gap);
        fields.push(hat);
        spins.push(spin);
    }
    let terms = Terms {
        overlaps,
        constraints,
        fields,
        spins,
        bond_slopes,
    };
    (next, terms)
}

/// The residual $x - M(x)$, computed from the gaps for overlaps above 1/2.
fn residual(profile: &Profile, image: &Profile) -> Vec<f64> {
    profile
        .values
        .iter()
        .zip(&profile.gaps)
        .zip(image.values.iter().zip(&image.gaps))
        .map(|((&value, &gap), (&next, &next_gap))| {
            if value > 0.5 {
                next_gap - gap
            } else {
                value - next
            }
        })
        .collect()
}

/// Whether every residual is within the tolerance of its overlap, or of
/// its gap above 1/2 (there without a floor: near the frozen profile every
/// residual is small without the profile solving anything).
fn converged(profile: &Profile, residual: &[f64]) -> bool {
    residual
        .iter()
        .zip(profile.values.iter().zip(&profile.gaps))
        .all(|(r, (&v, &g))| {
            if v > 0.5 {
                r.abs() <= TOLERANCE * g
            } else {
                r.abs() <= TOLERANCE * v + FLOOR
            }
        })
}

/// The largest residual relative to its overlap (to its gap above 1/2),
/// overlaps below $10^{-6}$ counted as $10^{-6}$ (they vanish in liquid
/// layers). Relative on the gaps: near the frozen profile every absolute
/// residual is small without the profile being near a solution.
fn scaled_norm(profile: &Profile, residual: &[f64]) -> f64 {
    residual
        .iter()
        .zip(profile.values.iter().zip(&profile.gaps))
        .fold(0.0f64, |m, (r, (&v, &g))| {
            m.max(if v > 0.5 {
                r.abs() / g
            } else {
                r.abs() / v.max(1e-6)
            })
        })
}

/// The Jacobian $I - \partial M/\partial x$ of the residual (band width 2).
fn residual_jacobian(alpha: f64, profile: &Profile, terms: &Terms) -> BandMatrix {
    let depth = profile.depth;
    let n = 2 * depth - 1;
    let mut jacobian = BandMatrix::zeros(n, 2, 2);
    for i in 0..n {
        jacobian.add(i, i, 1.0);
    }
    // Derivatives of a c F(abc) (bond) and of a b F(abc), b c F(abc)
    // (fields) by the three overlaps of layer l: (q_{l-1}, Q_l, q_l).
    for l in 1..=depth {
        let (a, b, c) = (profile.spin(l - 1).0, profile.bond(l).0, profile.spin(l).0);
        let term = &terms.constraints[l - 1];
        let p = terms.overlaps[l - 1].0;
        let (force, slope) = (term.force, term.slope);
        let total = force + p * slope;
        let row = bond_index(l);
        let scale = alpha * terms.bond_slopes[l - 1];
        if l > 1 {
            jacobian.add(row, spin_index(l - 1), -scale * c * total);
        }
        jacobian.add(row, row, -scale * (a * c) * (a * c) * slope);
        if l < depth {
            jacobian.add(row, spin_index(l), -scale * a * total);
        }
        // q_l's field holds a b F(p_l); q_{l-1}'s field holds b c F(p_l).
        if l < depth {
            let row = spin_index(l);
            let scale = terms.spins[l - 1].slope;
            if l > 1 {
                jacobian.add(row, spin_index(l - 1), -scale * b * total);
            }
            jacobian.add(row, bond_index(l), -scale * a * total);
            jacobian.add(row, spin_index(l), -scale * (a * b) * (a * b) * slope);
        }
        if l > 1 {
            let row = spin_index(l - 1);
            let scale = terms.spins[l - 2].slope;
            jacobian.add(row, spin_index(l - 1), -scale * (b * c) * (b * c) * slope);
            jacobian.add(row, bond_index(l), -scale * c * total);
            if l < depth {
                jacobian.add(row, spin_index(l), -scale * b * total);
            }
        }
    }
    jacobian
}

/// Near the frozen profile the map is homogeneous of degree one in the
/// gaps: once their shape has settled, one step multiplies every gap by
/// the same ratio $\rho$. While every overlap is above 1/2, every gap is
/// below $10^{-2}$ and the ratios $(1 - M(x))_i/(1-x)_i$ of the step just
/// taken agree to $10^{-3}$, this takes 100 such steps at once (growing
/// the gaps at most up to $10^{-2}$, where the homogeneity ends; shrinking
/// them towards the collapse of the solution space when $\rho < 1$): what
/// the iteration would do, without the thousands of steps it takes where
/// $\rho$ is close to 1.
fn jump_ahead(profile: &mut Profile, residual: &[f64]) {
    if profile.values.iter().any(|&v| v <= 0.5) {
        return;
    }
    // The step just taken: new gap g_i, old gap g_i - r_i.
    let (mut low, mut high, mut largest) = (f64::INFINITY, 0.0f64, 0.0f64);
    for (&gap, &r) in profile.gaps.iter().zip(residual) {
        let ratio = gap / (gap - r);
        low = low.min(ratio);
        high = high.max(ratio);
        largest = largest.max(gap);
    }
    if !(high < low * (1.0 + 1e-3) && (low - 1.0).abs() > 1e-9 && largest < 1e-2) {
        return;
    }
    let factor = low.powi(100).min(1e-2 / largest);
    for i in 0..profile.gaps.len() {
        let gap = profile.gaps[i] * factor;
        profile.set(i, 1.0 - gap, gap);
    }
}

/// The Newton direction for the residual, in the unknowns $\ln(1 - x_i)$
/// with the residual relative to $1 - x_i$ where $x_i > 1/2$ (there the
/// equations are nearly homogeneous in the gaps, and plain Newton would
/// head for the frozen profile, where every gap vanishes), in $x_i$ with
/// the plain residual below (an overlap may reach 0: a liquid layer).
fn newton_direction(alpha: f64, profile: &Profile, terms: &Terms, r: &[f64]) -> Option<Vec<f64>> {
    let n = r.len();
    let gap_side: Vec<bool> = profile.values.iter().map(|&v| v > 0.5).collect();
    let rows: Vec<f64> = (0..n)
        .map(|i| {
            if gap_side[i] {
                1.0 / profile.gaps[i]
            } else {
                1.0
            }
        })
        .collect();
    let columns: Vec<f64> = (0..n)
        .map(|j| if gap_side[j] { -profile.gaps[j] } else { 1.0 })
        .collect();
    let mut jacobian = residual_jacobian(alpha, profile, terms);
    jacobian.scale(&rows, &columns);
    let mut rhs = vec![0.0; n];
    for i in 0..n {
        let relative = r[i] * rows[i];
        if gap_side[i] {
            jacobian.add(i, i, -relative);
        }
        rhs[i] = -relative;
    }
    jacobian.solve(&rhs)
}

/// The profile a fraction `length` along the Newton direction `step`.
fn newton_trial(profile: &Profile, step: &[f64], length: f64) -> Profile {
    let mut trial = profile.clone();
    for (i, &s) in step.iter().enumerate() {
        let (value, gap) = (profile.values[i], profile.gaps[i]);
        let s = length * s;
        if value > 0.5 {
            let gap = gap * s.exp();
            trial.set(i, 1.0 - gap, gap);
        } else if value + s <= 0.0 {
            trial.set(i, 0.0, 1.0);
        } else {
            trial.set(i, value + s, gap - s);
        }
    }
    trial
}

/// A solution of the saddle-point equations.
#[derive(Debug, Clone)]
pub(super) struct Solution {
    pub profile: Profile,
    pub terms: Terms,
    pub iterations: usize,
}

/// The largest solution of the saddle-point equations at $(\alpha, \kappa)$
/// for `depth` layers: fixed-point iteration of the monotone map from
/// every overlap at $1 - 10^{-6}$, Newton's method (band Jacobian, a step
/// kept only when it lowers the residual) once the residual is below
/// $10^{-3}$, to a relative $10^{-13}$ on each overlap (on its gap above 1/2).
pub(super) fn solve(alpha: f64, kappa: f64, depth: usize) -> Result<Solution, TheoryError> {
    solve_from(alpha, kappa, Profile::frozen(depth, START_GAP))
}

/// As [`solve`], from `start`.
pub(super) fn solve_from(alpha: f64, kappa: f64, start: Profile) -> Result<Solution, TheoryError> {
    let mut profile = start;
    let mut newton_paused = 0usize;
    let mut last = f64::INFINITY;
    for iteration in 0..MAX_ITERATIONS {
        let (next, terms) = image(alpha, kappa, &profile);
        let r = residual(&profile, &next);
        if converged(&profile, &r) {
            return Ok(Solution {
                profile,
                terms,
                iterations: iteration,
            });
        }
        if let Some((index, _)) = next.gaps.iter().enumerate().find(|&(i, &gap)| {
            gap < if i.is_multiple_of(2) {
                SMALLEST_BOND_GAP
            } else {
                SMALLEST_SPIN_GAP
            }
        }) {
            return Err(collapsed(alpha, profile.depth, index));
        }
        let norm = scaled_norm(&profile, &r);
        last = norm;

        if norm < NEWTON_FROM && newton_paused == 0 {
            if let Some(step) = newton_direction(alpha, &profile, &terms, &r) {
                // Backtracking: the step in ln(1 - x) is at most 3 (a factor
                // 20 on a gap), and halved until the residual decreases.
                let longest = step
                    .iter()
                    .zip(&profile.values)
                    .filter(|&(_, &v)| v > 0.5)
                    .fold(0.0f64, |m, (s, _)| m.max(s.abs()));
                let mut length = if longest > 3.0 { 3.0 / longest } else { 1.0 };
                let mut accepted = false;
                for _ in 0..12 {
                    let trial = newton_trial(&profile, &step, length);
                    let (trial_next, _) = image(alpha, kappa, &trial);
                    if scaled_norm(&trial, &residual(&trial, &trial_next)) < norm {
                        profile = trial;
                        accepted = true;
                        break;
                    }
                    length *= 0.5;
                }
                if accepted {
                    continue;
                }
            }
            newton_paused = 20;
        }
        newton_paused = newton_paused.saturating_sub(1);
        profile = next;
        jump_ahead(&mut profile, &r);
    }
    Err(TheoryError::NotConverged {
        method: "the deep-network saddle-point iteration",
        iterations: MAX_ITERATIONS,
        residual: last,
        tolerance: TOLERANCE,
        advice: "the load is next to a transition where the iteration slows down; move alpha a little",
    })
}

fn collapsed(alpha: f64, depth: usize, index: usize) -> TheoryError {
    let (what, smallest) = if index.is_multiple_of(2) {
        (format!("Q_{}", index / 2 + 1), SMALLEST_BOND_GAP)
    } else {
        (format!("q_{}", index / 2 + 1), SMALLEST_SPIN_GAP)
    };
    TheoryError::NoSolution {
        what: "replica-symmetric deep-network solution space",
        reason: format!(
            "at alpha = {alpha} with {depth} layers the overlap {what} of the largest solution reaches 1 \
             (1 - {what} below {smallest:e}): the replica-symmetric volume of solutions vanishes, as beyond \
             Gardner's capacity (a lower load has one; the liquid profile remains a formal solution for depth >= 2)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residual_jacobian_agrees_with_finite_differences() {
        let (alpha, kappa, depth) = (4.0, 0.3, 4);
        let mut profile = Profile::frozen(depth, 0.0);
        for (i, v) in profile.values.iter_mut().enumerate() {
            *v = 0.3 + 0.07 * i as f64;
        }
        profile.gaps = profile.values.iter().map(|v| 1.0 - v).collect();
        let (_, terms) = image(alpha, kappa, &profile);
        let jacobian = residual_jacobian(alpha, &profile, &terms);
        let n = profile.values.len();
        for j in 0..n {
            let h = 1e-6;
            let shifted = |sign: f64| {
                let mut p = profile.clone();
                p.values[j] += sign * h;
                p.gaps[j] -= sign * h;
                let (next, _) = image(alpha, kappa, &p);
                (0..n)
                    .map(|i| p.values[i] - next.values[i])
                    .collect::<Vec<_>>()
            };
            let (up, down) = (shifted(1.0), shifted(-1.0));
            for i in 0..n {
                let numerical = (up[i] - down[i]) / (2.0 * h);
                assert!(
                    (jacobian.get(i, j) - numerical).abs() < 1e-7,
                    "({i}, {j}): {} against {numerical}",
                    jacobian.get(i, j)
                );
            }
        }
    }
}
