//! Replica-symmetric theory of a deep network of perceptrons (Yoshino,
//! SciPost Phys. Core 2, 005 (2020)): the overlap profile through the
//! layers, its free entropy and its replicon stability.
//!
//! # The model
//!
//! $L$ layers of $N$ sign neurons; neuron $i$ of layer $l$ is a perceptron
//! reading $c$ neurons of layer $l - 1$ through spherical weights
//! $|J_{l,i}|^2 = c$, in the dense limit $N \gg c \gg 1$. The $M = \alpha c$
//! training patterns fix the input layer $S(0)$ and the output layer
//! $S(L)$ (random scenario); every neuron of every pattern obeys the
//! hard-core constraint $r = S_l\\,(J_l\cdot S_{l-1})/\sqrt c - \kappa \ge 0$.
//! The order parameters are the overlaps between two solutions: $Q_l$ of
//! the weights of layer $l = 1..L$ and $q_l$ of the hidden neurons of layer
//! $l = 1..L-1$ over the patterns, with $q_0 = q_L = 1$ at the fixed ends.
//!
//! # The replica-symmetric free entropy
//!
//! Per $NM$ (Yoshino's replicated free energy, replica symmetric), with
//! $p_l = q_{l-1}Q_lq_l$,
//!
//! $$ f = \frac1\alpha\sum_{l=1}^L s_{\rm bond}(Q_l) + \sum_{l=1}^{L-1}s_{\rm spin}(q_l) + \sum_{l=1}^L E(p_l), $$
//!
//! $s_{\rm bond}(Q) = \frac12\ln(1-Q) + \frac Q{2(1-Q)}$ (spherical weights, as in Gardner's
//! volume), $s_{\rm spin}(q) = \operatorname{extr}_{\hat q}\big[\int Dz\\,\ln 2\cosh(\sqrt{\hat q}\\,z) - \hat q(1-q)/2\big]$
//! and Gardner's constraint term $E(p) = \int Dt\\,\ln H\big(x(t)\big)$,
//! $x(t) = (\kappa - \sqrt p\\,t)/\sqrt{1-p}$. With
//! $F(p) = -2E'(p) = \frac1{1-p}\int Dt\\,m(x)^2$ ($m = \varphi/H$ the inverse
//! Mills ratio, $F(0) = m(\kappa)^2$) the saddle point is
//!
//! $$ \frac{Q_l}{(1-Q_l)^2} = \alpha\\,q_{l-1}q_lF(p_l), \qquad \hat q_l = q_{l-1}Q_lF(p_l) + Q_{l+1}q_{l+1}F(p_{l+1}), \qquad q_l = \int Dz\\,\tanh^2\big(\sqrt{\hat q_l}\\,z\big). $$
//!
//! For $L = 1$ this is Gardner's equation, and $\alpha f$ is Gardner's
//! log-volume ([`perceptron::spherical_volume`](crate::perceptron::spherical_volume); tested).
//!
//! # Which solution
//!
//! For $L \ge 2$ the liquid profile $q_l = Q_l = 0$ solves the equations
//! at every load: a liquid hidden layer decouples the layers on either side
//! of it. Every right-hand side increases with every overlap ($F' > 0$), so
//! the equations are a monotone map of the profile, and iterated from the
//! frozen profile (every overlap at $1 - 10^{-6}$) it decreases to the
//! *largest* solution, which [`deep_network_profile`] returns (finished by
//! Newton's method on the band Jacobian). It is symmetric under reading the
//! network backwards, $q_l = q_{L-l}$, $Q_l = Q_{L+1-l}$.
//!
//! Non-liquid layers appear from the two ends as the load grows,
//! continuously: hidden layer $l$ leaves the liquid where the $2\times2$
//! block of $(Q_l, q_l)$ at $Q_l = q_l = 0$ becomes unstable,
//! $\alpha\\,q_{l-1}^2m(\kappa)^4 = 1$ (tested), so layer 1 at
//! $\alpha = 1/m(\kappa)^4$ and deeper layers at loads that grow with $l$
//! ([`deep_network_liquid_boundary`]; at $\kappa = 0$: 2.467, 21.01, 86.1,
//! 282.9, 796.3, 1927 for $l = 1..6$). The free entropy of the liquid
//! profile, $(L-1)\ln 2 + L\ln H(\kappa)$, is given beside that of the
//! returned one, which is below it wherever the two differ. (In the replica
//! limit $n \to 0$ the physical saddle is not the one of larger $f$; for
//! $L = 1$ it is the minimum over $Q$.)
//!
//! The largest solution may also collapse, every overlap tending to 1, as
//! a single perceptron's does at its capacity: then the answer is
//! `NoSolution`. At $\kappa = 0$ this happens for $L = 2$ above
//! $\alpha = 2/(1 - \sqrt{2/\pi})^2 = 48.96$ (where the map, homogeneous in
//! the gaps near the frozen profile, turns attracting there), and not
//! below $\alpha = 10^5$ for $L \ge 3$; at $\kappa > 0$ sooner (for
//! $\kappa = 0.3$: 33.0 for $L = 3$, 108.6 for $L = 5$).
//!
//! # Replicon stability
//!
//! Per replica pair, in the replicon direction common to all overlaps, the
//! Hessian of the replicated free entropy over $Q_1, q_1, Q_2, \dots, q_{L-1}, Q_L$ is
//!
//! $$ H_{xy} = -\frac{\delta_{xy}}{\alpha(1-Q_l)^2}\Big|_{x = Q_l} - \frac{\delta_{xy}}{\chi_l}\Big|_{x = q_l} + \sum_l\left[\lambda_l\\,\frac{\partial p_l}{\partial x}\frac{\partial p_l}{\partial y} + F(p_l)\\,\frac{\partial^2p_l}{\partial x\\,\partial y}\right], $$
//!
//! $\lambda_l = \int Dt\\,[\partial_h^2\ln H((\kappa-h)/\sqrt{1-p_l})]^2 = \frac1{(1-p_l)^2}\int Dt\\,[(\ln H)''(x)]^2$
//! at $h = \sqrt{p_l}\\,t$, $\chi_l = \int Dz\\,(1 - \tanh^2\sqrt{\hat q_l}z)^2$. Replica symmetry is
//! stable when $H$ is negative definite; the *replicon* is its largest
//! eigenvalue, and its eigenvector says which layers go glassy. For
//! $L = 1$ this is Gardner's condition $\alpha(1-Q)^2\lambda < 1$, which
//! holds up to the capacity at $\kappa \ge 0$ (tested).
//!
//! At the liquid profile only the two end blocks couple, through $F(0) = m^2$:
//! $\det\begin{pmatrix}-1/\alpha & m^2\\\\ m^2 & -1\end{pmatrix} = 0$ gives the
//! first instability
//!
//! $$ \alpha_g = \frac1{m(\kappa)^4} \quad (L \ge 3), \qquad \alpha_g = \frac1{2m(\kappa)^4} \quad (L = 2), $$
//!
//! $\alpha_g = (\pi/2)^2 = 2.4674$ at $\kappa = 0$ ($\pi^2/8$ for $L = 2$, whose single
//! hidden layer feels both ends), in layers 1 and $L - 1$, $L$ (the mode
//! $(\delta Q_1, \delta q_1) \propto (1, m^2)$ and its mirror image). There the liquid
//! profile hands over to the one whose end layers order, so the instability
//! is at once replicon and longitudinal, as at the critical temperature of
//! the Sherrington–Kirkpatrick model in zero field: on the ordered profile
//! the replicon is positive, growing as $(\alpha - \alpha_g)^2$, and it
//! stays positive at every load sampled above ($\alpha$ up to $10^4$; tested
//! at a few). Replica symmetry is
//! thus stable only in the liquid, below $\alpha_g$
//! ([`deep_network_glass_transition`]; it agrees with the closed form to
//! $10^{-9}$, tested for $L = 2..10$ and several $\kappa$).
//!
//! # Beside the seed's numbers
//!
//! Yoshino's full-RSB solution puts the first glass transition (layers 1
//! and $L-1$) at $\alpha_g = 2.03$ ([`SEED_FIRST_GLASS_TRANSITION`]), the
//! second at 15.38 ([`SEED_SECOND_GLASS_TRANSITION`]), and deeper ones at
//! $\alpha_g(l) \approx 2.7\\,e^{1.03\\,l}$. The replica-symmetric replicon here
//! gives $1/m(\kappa)^4 = 2.467$ at $\kappa = 0$, and nothing has been tuned
//! towards 2.03. Where the difference may come from: the seed's values come
//! from full-RSB solutions, which do not branch off the liquid by the
//! replicon of the RS profile; a different normalisation of the load or of
//! the overlaps in the seed would also move them. The second transition
//! happens inside the replica-symmetry-broken phase of layer 1, where the RS
//! profile used here is not the equilibrium one, so this module cannot
//! reproduce it; [`deep_network_liquid_boundary`] gives only where the RS
//! profile stops being liquid in a deeper layer (21.01 for layer 2 at
//! $\kappa = 0$, then 86.1, 282.9, 796.3, 1927: ratios 4.1, 3.3, 2.8, 2.4
//! that fall with depth, where the seed's fit has a constant $e^{1.03} = 2.8$).
//!
//! # What to call
//!
//! * [`deep_network_profile`]: $q_l$, $Q_l$, $f$ and the replicon at one
//!   load (tens of milliseconds for ten layers, about a second for a thousand).
//! * [`deep_network_glass_transition`]: the smallest load at which the RS
//!   profile is unstable, with the unstable layers.
//! * [`deep_network_liquid_instability`]: its closed form at the liquid.
//! * [`deep_network_liquid_boundary`]: the load above which hidden layer $l$
//!   is no longer liquid.
//! * [`deep_network_teacher_profile`], [`deep_network_teacher_transitions`],
//!   [`deep_network_teacher_threshold`]: the teacher–student scenario on the
//!   Nishimori line ([`teacher`]: the seed's $V^{1+n}$).

mod band;
mod solve;
mod stability;
pub mod teacher;
mod terms;

#[cfg(test)]
mod tests;

use quench_core::ParameterError;
use serde::Serialize;

use crate::error::TheoryError;
use crate::perceptron::gaussian::{check_kappa, ln_h, mills};
use solve::{Profile, Solution, solve};
pub use teacher::{
    DeepNetworkTeacherBranch, DeepNetworkTeacherPoint, DeepNetworkTeacherTransitions,
    TeacherBranchKind, deep_network_teacher_profile, deep_network_teacher_threshold,
    deep_network_teacher_transitions, test_overlaps,
};

/// The first glass transition of the seed, $\alpha_g = 2.03$, in layers 1
/// and $L - 1$: Yoshino, SciPost Phys. Core 2, 005 (2020), from full-RSB
/// solutions. Quoted for comparison; quench's RS replicon gives
/// $1/m(\kappa)^4$ ([`deep_network_liquid_instability`]).
pub const SEED_FIRST_GLASS_TRANSITION: f64 = 2.03;

/// The second glass transition of the seed, $\alpha_g = 15.38$ (Yoshino,
/// SciPost Phys. Core 2, 005 (2020), full RSB), inside the RSB phase of
/// layer 1, beyond the reach of the RS theory here.
pub const SEED_SECOND_GLASS_TRANSITION: f64 = 15.38;

/// Prefactor $2.7$ of the seed's fit $\alpha_g(l) \approx 2.7\\,e^{1.03\\,l}$
/// of the glass transition of layer $l$ (Yoshino, SciPost Phys. Core 2, 005
/// (2020), full RSB), as quoted.
pub const SEED_GLASS_TRANSITION_PREFACTOR: f64 = 2.7;

/// Rate $1.03$ of the seed's fit $\alpha_g(l) \approx 2.7\\,e^{1.03\\,l}$
/// (Yoshino, SciPost Phys. Core 2, 005 (2020), full RSB), as quoted.
pub const SEED_GLASS_TRANSITION_RATE: f64 = 1.03;

/// The deepest network the solvers accept.
pub const MAX_DEPTH: usize = 1000;

/// A hidden layer counts as non-liquid when its overlap exceeds this.
pub const LIQUID_THRESHOLD: f64 = 1e-6;

/// A layer counts as glassy at the instability when it carries at least
/// this fraction of the unstable eigenvector.
const GLASSY_WEIGHT: f64 = 0.01;

/// One replica-symmetric profile of the deep network.
#[derive(Debug, Clone, Serialize)]
pub struct DeepNetworkPoint {
    /// Load $\alpha = M/c$: training patterns per weight of a perceptron.
    pub alpha: f64,
    /// Stability threshold $\kappa$ of the gaps.
    pub kappa: f64,
    /// Number of layers $L$.
    pub depth: usize,
    /// Neuron overlaps $q_l$, $l = 0..L$ ($q_0 = q_L = 1$: inputs and outputs are fixed).
    pub q: Vec<f64>,
    /// Weight overlaps $Q_l$, $l = 1..L$ (serialised as `Q`).
    #[serde(rename = "Q")]
    pub bond_overlap: Vec<f64>,
    /// Conjugate fields $\hat q_l$ of the hidden layers, $l = 1..L-1$.
    pub spin_field: Vec<f64>,
    /// Free entropy $f$ per $NM$ (module docs).
    pub free_entropy: f64,
    /// $s_{\rm bond}(Q_l)$, $l = 1..L$ (they enter $f$ divided by $\alpha$).
    pub bond_entropy: Vec<f64>,
    /// $s_{\rm spin}(q_l)$, $l = 1..L-1$.
    pub spin_entropy: Vec<f64>,
    /// $E(p_l)$, $l = 1..L$.
    pub constraint_entropy: Vec<f64>,
    /// $f$ of the liquid profile, $(L-1)\ln 2 + L\ln H(\kappa)$ (none for $L = 1$).
    pub liquid_free_entropy: Option<f64>,
    /// Largest eigenvalue of the replicon Hessian (negative: RS stable).
    pub replicon: f64,
    /// Whether the replicon Hessian is negative definite.
    pub stable: bool,
    /// Weight of the replicon eigenvector on layer $l = 1..L$ (on $Q_l$ and
    /// $q_l$, averaged with the mirror image of the network; sums to 1).
    pub replicon_profile: Vec<f64>,
    /// Consecutive hidden layers with $q_l > 10^{-6}$ counted from the input ($l = 1, 2, \dots$).
    pub non_liquid_from_input: usize,
    /// Consecutive hidden layers with $q_l > 10^{-6}$ counted from the output ($l = L-1, L-2, \dots$).
    pub non_liquid_from_output: usize,
    /// Iterations of the solver.
    pub iterations: usize,
}

/// The first replica-symmetric instability of the deep network.
#[derive(Debug, Clone, Serialize)]
pub struct DeepNetworkGlassTransition {
    /// Number of layers $L$.
    pub depth: usize,
    /// Stability threshold $\kappa$.
    pub kappa: f64,
    /// The smallest load at which the RS profile is unstable (to $10^{-10}$ relative).
    pub alpha_glass: f64,
    /// The closed form of the instability of the liquid profile,
    /// $1/m(\kappa)^4$ ($L \ge 3$) or $1/(2m(\kappa)^4)$ ($L = 2$); none for $L = 1$.
    pub liquid_instability: Option<f64>,
    /// Layers carrying at least 1% of the unstable eigenvector.
    pub glassy_layers: Vec<usize>,
    /// Weight of the unstable eigenvector on layer $l = 1..L$, just below the transition.
    pub replicon_profile: Vec<f64>,
}

fn check_depth(depth: usize) -> Result<usize, ParameterError> {
    if (1..=MAX_DEPTH).contains(&depth) {
        Ok(depth)
    } else {
        Err(ParameterError::new(
            "depth",
            depth,
            format!("a number of layers in 1..={MAX_DEPTH}"),
        ))
    }
}

fn check_load(alpha: f64) -> Result<f64, ParameterError> {
    if alpha.is_finite() && alpha > 0.0 {
        Ok(alpha)
    } else {
        Err(ParameterError::new(
            "alpha",
            alpha,
            "a finite load M/c > 0 (patterns per weight of a perceptron)",
        ))
    }
}

/// $s_{\rm bond}(Q) = \frac12\ln(1-Q) + \frac Q{2(1-Q)}$ from $Q$ and $1 - Q$.
fn bond_entropy(value: f64, gap: f64) -> f64 {
    0.5 * gap.ln() + 0.5 * value / gap
}

fn point_from(alpha: f64, kappa: f64, solution: &Solution) -> DeepNetworkPoint {
    let Solution {
        profile,
        terms,
        iterations,
    } = solution;
    let depth = profile.depth;
    let q: Vec<f64> = (0..=depth).map(|l| profile.spin(l).0).collect();
    let bond_overlap: Vec<f64> = (1..=depth).map(|l| profile.bond(l).0).collect();
    let bond: Vec<f64> = (1..=depth)
        .map(|l| {
            let (value, gap) = profile.bond(l);
            bond_entropy(value, gap)
        })
        .collect();
    // The spin entropy at the field that solves q_l's equation.
    let spin: Vec<f64> = terms
        .spins
        .iter()
        .zip(&terms.fields)
        .map(|(s, &field)| s.entropy(field))
        .collect();
    let constraint: Vec<f64> = terms.constraints.iter().map(|c| c.energy).collect();
    let free_entropy = bond.iter().sum::<f64>() / alpha
        + spin.iter().sum::<f64>()
        + constraint.iter().sum::<f64>();
    let liquid = (depth >= 2)
        .then(|| (depth - 1) as f64 * std::f64::consts::LN_2 + depth as f64 * ln_h(kappa));
    let (replicon, stable, replicon_profile) = stability::replicon(alpha, profile, terms);
    let non_liquid = |layers: &mut dyn Iterator<Item = usize>| {
        layers
            .take_while(|&l| profile.spin(l).0 > LIQUID_THRESHOLD)
            .count()
    };
    DeepNetworkPoint {
        alpha,
        kappa,
        depth,
        q,
        bond_overlap,
        spin_field: terms.fields.clone(),
        free_entropy,
        bond_entropy: bond,
        spin_entropy: spin,
        constraint_entropy: constraint,
        liquid_free_entropy: liquid,
        replicon,
        stable,
        replicon_profile,
        non_liquid_from_input: non_liquid(&mut (1..depth)),
        non_liquid_from_output: non_liquid(&mut (1..depth).rev()),
        iterations: *iterations,
    }
}

/// The replica-symmetric layer profile of a deep network of `depth`
/// perceptron layers at load `alpha` $= M/c$ and stability `kappa`: the
/// largest solution of the saddle-point equations (module docs), its free
/// entropy and its replicon.
///
/// `alpha` must be finite and $> 0$, `depth` in `1..=1000`, `kappa` finite
/// and $\ge -10$. `NoSolution` where the largest solution collapses, an
/// overlap reaching 1 ($1 - Q_l < 10^{-20}$ or $1 - q_l < 10^{-12}$: the
/// RS volume of solutions vanishes, for $L = 1$ at Gardner's capacity);
/// `NotConverged` only next to a transition, where the iteration slows
/// down. Overlaps to $10^{-13}$ relative (their gaps $1 - q$ above $1/2$);
/// tens of milliseconds for ten layers, about a second for a thousand.
pub fn deep_network_profile(
    alpha: f64,
    depth: usize,
    kappa: f64,
) -> Result<DeepNetworkPoint, TheoryError> {
    let alpha = check_load(alpha)?;
    let depth = check_depth(depth)?;
    let kappa = check_kappa(kappa)?;
    let solution = solve(alpha, kappa, depth)?;
    Ok(point_from(alpha, kappa, &solution))
}

/// The closed form of the first instability of the liquid profile:
/// $1/m(\kappa)^4$ for $L \ge 3$ (the two end blocks, each
/// $\begin{pmatrix}-1/\alpha & m^2\\\\ m^2 & -1\end{pmatrix}$, turn singular) and
/// $1/(2m(\kappa)^4)$ for $L = 2$, whose one hidden layer couples to both
/// ends; `NoSolution` for $L = 1$ (a single perceptron has no liquid).
/// $(\pi/2)^2$ at $\kappa = 0$ and $L \ge 3$.
pub fn deep_network_liquid_instability(depth: usize, kappa: f64) -> Result<f64, TheoryError> {
    let depth = check_depth(depth)?;
    let kappa = check_kappa(kappa)?;
    let m4 = mills(kappa).powi(4);
    match depth {
        1 => Err(TheoryError::NoSolution {
            what: "liquid profile of a one-layer network",
            reason: "a single perceptron has no hidden layer that can be liquid; use deep_network_glass_transition".into(),
        }),
        2 => Ok(0.5 / m4),
        _ => Ok(1.0 / m4),
    }
}

/// Loads scanned for the first change of a property: from $10^{-6}$ in
/// steps of a factor 1.5 (the liquid instability $1/m(\kappa)^4$ is
/// $10^{-4}$ at $\kappa = 10$).
fn scan_loads() -> impl Iterator<Item = f64> {
    (0..)
        .map(|k| 1e-6 * 1.5f64.powi(k))
        .take_while(|&a| a <= 1e8)
}

/// The first load on the scan at which `changed` holds, with the last one
/// before it and the point there (none when the first load has changed).
fn scan(
    mut changed: impl FnMut(f64) -> Result<(bool, DeepNetworkPoint), TheoryError>,
    what: &'static str,
) -> Result<(Option<(f64, DeepNetworkPoint)>, f64), TheoryError> {
    let mut below = None;
    for alpha in scan_loads() {
        let (change, point) = match changed(alpha) {
            Ok(result) => result,
            Err(TheoryError::NoSolution { reason, .. }) => {
                return Err(TheoryError::NoSolution {
                    what,
                    reason: format!(
                        "none at any load below the collapse of the RS solution space \
                         (for one layer: Gardner's capacity): {reason}"
                    ),
                });
            }
            Err(other) => return Err(other),
        };
        if change {
            return Ok((below, alpha));
        }
        below = Some((alpha, point));
    }
    Err(TheoryError::NoSolution {
        what,
        reason: "none up to alpha = 1e8".into(),
    })
}

/// Bisection of `changed` between `low` (false) and `high` (true) to
/// $10^{-10}$ relative; the midpoint of the last bracket.
fn bisect(
    mut changed: impl FnMut(f64) -> Result<bool, TheoryError>,
    mut low: f64,
    mut high: f64,
) -> Result<f64, TheoryError> {
    while high - low > 1e-10 * high {
        let middle = 0.5 * (low + high);
        if changed(middle)? {
            high = middle;
        } else {
            low = middle;
        }
    }
    Ok(0.5 * (low + high))
}

/// Whether the liquid profile $q_l = Q_l = 0$ is replica-symmetric stable.
fn liquid_is_stable(alpha: f64, kappa: f64, depth: usize) -> bool {
    let liquid = Profile::frozen(depth, 1.0);
    let (_, terms) = solve::image(alpha, kappa, &liquid);
    stability::replicon_hessian(alpha, &liquid, &terms)
        .shifted_negative(0.0)
        .is_positive_definite()
}

/// The smallest load at which the replica-symmetric profile of
/// [`deep_network_profile`] is unstable (its replicon turns positive), with
/// the layers that go glassy there: a scan from $\alpha = 10^{-6}$ in steps
/// of a factor 1.5, then bisection to $10^{-10}$ relative.
///
/// When the profile is liquid at the last stable load of the scan, the
/// bisection runs on the stability of the liquid profile, which loses it
/// linearly in $\alpha - \alpha_g$: the end layers that order there are
/// unstable too, but their replicon grows only as $(\alpha - \alpha_g)^2$,
/// below the round-off of the Hessian within about $10^{-5}$ of $\alpha_g$.
/// So for $L \ge 2$ the result is the closed form
/// [`deep_network_liquid_instability`] (tested for $L = 2..10$ to
/// $10^{-9}$); for $L = 1$ and $\kappa \ge 0$ Gardner's RS solution is
/// stable up to the capacity, and the answer is `NoSolution`.
///
/// Same domain as [`deep_network_profile`]. About 0.1 s for ten layers.
pub fn deep_network_glass_transition(
    depth: usize,
    kappa: f64,
) -> Result<DeepNetworkGlassTransition, TheoryError> {
    let depth = check_depth(depth)?;
    let kappa = check_kappa(kappa)?;
    let unstable = |alpha: f64| -> Result<(bool, DeepNetworkPoint), TheoryError> {
        let point = point_from(alpha, kappa, &solve(alpha, kappa, depth)?);
        Ok((!point.stable, point))
    };
    let (below, high) = scan(
        unstable,
        "replica-symmetric instability of the deep network",
    )?;
    let Some((low, low_point)) = below else {
        return Err(TheoryError::NoSolution {
            what: "replica-symmetric instability of the deep network",
            reason: format!(
                "the RS profile is already unstable at the smallest load scanned, alpha = {high}"
            ),
        });
    };
    let from_liquid =
        depth >= 2 && low_point.non_liquid_from_input == 0 && !liquid_is_stable(high, kappa, depth);
    let alpha_glass = if from_liquid {
        bisect(
            |alpha| Ok(!liquid_is_stable(alpha, kappa, depth)),
            low,
            high,
        )?
    } else {
        bisect(|alpha| Ok(unstable(alpha)?.0), low, high)?
    };
    // The soft mode just below the transition.
    let below = point_from(
        alpha_glass * (1.0 - 1e-9),
        kappa,
        &solve(alpha_glass * (1.0 - 1e-9), kappa, depth)?,
    );
    let replicon_profile = below.replicon_profile;
    let glassy_layers = replicon_profile
        .iter()
        .enumerate()
        .filter(|&(_, &w)| w >= GLASSY_WEIGHT)
        .map(|(i, _)| i + 1)
        .collect();
    Ok(DeepNetworkGlassTransition {
        depth,
        kappa,
        alpha_glass,
        liquid_instability: deep_network_liquid_instability(depth, kappa).ok(),
        glassy_layers,
        replicon_profile,
    })
}

/// The smallest load at which hidden layer `layer` ($1 \le l \le L-1$) of
/// the RS profile is no longer liquid, $q_l > 10^{-6}$ (scan and bisection
/// to $10^{-10}$ relative, as [`deep_network_glass_transition`]). As $q_l$
/// grows linearly from the load where its block turns unstable
/// ($\alpha\\,q_{l-1}^2m(\kappa)^4 = 1$), this lies about $10^{-5}$ (relative)
/// above it. By the mirror symmetry of the network, layer $L - l$ leaves
/// the liquid at the same load. Only what the RS equations give: above the
/// first instability the RS profile is not the equilibrium one. Seconds.
pub fn deep_network_liquid_boundary(
    layer: usize,
    depth: usize,
    kappa: f64,
) -> Result<f64, TheoryError> {
    let depth = check_depth(depth)?;
    let kappa = check_kappa(kappa)?;
    if !(1..depth).contains(&layer) {
        return Err(ParameterError::new(
            "layer",
            layer,
            format!("a hidden layer in 1..={}", depth.saturating_sub(1)),
        )
        .into());
    }
    let wet = |alpha: f64| -> Result<bool, TheoryError> {
        Ok(solve(alpha, kappa, depth)?.profile.spin(layer).0 > LIQUID_THRESHOLD)
    };
    let (below, high) = scan(
        |alpha| {
            let solution = solve(alpha, kappa, depth)?;
            let point = point_from(alpha, kappa, &solution);
            Ok((solution.profile.spin(layer).0 > LIQUID_THRESHOLD, point))
        },
        "non-liquid hidden layer",
    )?;
    let alpha = match below {
        Some((low, _)) => bisect(wet, low, high)?,
        None => high,
    };
    Ok(alpha)
}

/// The free entropy $f$ of any profile (not only a saddle point), the
/// spin entropy by solving $q_l = \int Dz\\,\tanh^2(\sqrt{\hat q}z)$ for
/// $\hat q$: for the tests of stationarity.
#[cfg(test)]
fn free_entropy_at(alpha: f64, kappa: f64, profile: &Profile) -> f64 {
    use crate::numerics::brent;
    let depth = profile.depth;
    let (_, constraints) = solve::constraints(kappa, profile);
    let mut f: f64 = constraints.iter().map(|c| c.energy).sum();
    for l in 1..=depth {
        let (value, gap) = profile.bond(l);
        f += bond_entropy(value, gap) / alpha;
    }
    for l in 1..depth {
        let q = profile.spin(l).0;
        let field = if q <= 0.0 {
            0.0
        } else {
            let v = brent(
                |v: f64| terms::spin_term(v.exp()).overlap - q,
                -40.0,
                12.0,
                1e-15,
            )
            .expect("q in (0, 1)");
            v.exp()
        };
        f += terms::spin_term(field).entropy(field);
    }
    f
}
