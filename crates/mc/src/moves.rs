//! The move seam: what a local move changes, apart from whether it is
//! accepted and from the schedule that runs it.
//!
//! Three pieces, after lumol's moves and NetKet's rules:
//!
//! * an **update rule** ([`LocalMoves`]): the system's sites, the change a
//!   move at a site would make ([`LocalMoves::change`], an
//!   [`EnergyChange`]), and how to apply it;
//! * an **acceptance** ([`Acceptance`]): [`Metropolis`], [`HeatBath`],
//!   [`Glauber`] or [`Greedy`] (zero temperature), deciding from the change
//!   and, where needed, one random number;
//! * a **schedule**: [`sweep`] (one pass in a [`Visit`] order),
//!   [`sweeps`], [`descend`] (greedy sweeps to a fixed point) and
//!   [`anneal`] (sweeps along a decreasing temperature schedule). Parallel
//!   tempering and checkpointed runs are built on sweeps of chains whose
//!   state owns its random stream ([`crate::SingleSpinSampler`] is this
//!   seam on a [`quench_core::Sample`]).
//!
//! A new kind of variable (binary weights of a perceptron, hidden units,
//! $p$-body spins) implements [`LocalMoves`] once and runs every
//! acceptance and schedule. Binary variables report a [`SpinFlip`]: the
//! variable's value $s_i$ and its local field $h_i$, the energy being
//! $-s_i h_i$ plus terms without $s_i$, so that
//!
//! $$ \Delta E_i = 2 s_i h_i, \qquad
//!    P_{\text{heat bath}}(s_i' = +1) = \frac{1}{1 + e^{-2\beta h_i}}. $$
//!
//! The field may be an `f64` or an exact integer (the Hopfield network's
//! $N h_i$), so that greedy decisions are exact.
//!
//! Every schedule draws its random numbers in a fixed order (the visiting
//! order's draws first, then one per decision that needs one), so a system
//! moved through the seam follows the same trajectory as a hand-written
//! loop that draws in that order.

use quench_core::Spin;
use rand::{Rng, RngExt};

/// A system whose configuration changes by local moves, one site at a time.
pub trait LocalMoves {
    /// The mutable configuration and its caches.
    type State;
    /// What a move would change (at least its energy change).
    type Change: Copy;

    /// Number of sites: one sweep visits this many.
    fn sites(&self) -> usize;

    /// The change the move at `site` would make in `state`.
    fn change(&self, state: &Self::State, site: usize) -> Self::Change;

    /// Applies the move at `site`, whose change is `change`.
    fn apply(&self, state: &mut Self::State, site: usize, change: Self::Change);

    /// A hint that `site` is visited soon (prefetch its data); the default does nothing.
    #[inline]
    fn prepare(&self, _site: usize) {}
}

/// The energy change of a proposed move.
pub trait EnergyChange: Copy {
    /// $\Delta E$ of the move.
    fn energy_change(self) -> f64;

    /// Whether the move lowers the energy strictly ($\Delta E < 0$),
    /// decided exactly where the change is exact.
    #[inline]
    fn lowers_energy(self) -> bool {
        self.energy_change() < 0.0
    }
}

/// The flip of a binary variable $s_i = \pm 1$ with local field $h_i$:
/// $\Delta E = 2 s_i h_i$.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpinFlip<Field> {
    /// The variable's value before the move.
    pub spin: Spin,
    /// Its local field.
    pub field: Field,
}

impl EnergyChange for SpinFlip<f64> {
    #[inline]
    fn energy_change(self) -> f64 {
        2.0 * f64::from(self.spin) * self.field
    }
}

/// An integer field (in the system's own units, e.g. $N h_i$): the sign of
/// $\Delta E$ is exact.
impl EnergyChange for SpinFlip<i32> {
    #[inline]
    fn energy_change(self) -> f64 {
        2.0 * f64::from(self.spin) * f64::from(self.field)
    }

    #[inline]
    fn lowers_energy(self) -> bool {
        i32::from(self.spin) * self.field < 0
    }
}

/// Decides whether a proposed move is made.
pub trait Acceptance<Change> {
    /// Whether the move with `change` is made, drawing from `rng` if needed.
    fn accept<R: Rng + ?Sized>(&self, change: Change, rng: &mut R) -> bool;
}

/// Zero temperature: a move is made if and only if it lowers the energy.
/// Draws nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Greedy;

impl<C: EnergyChange> Acceptance<C> for Greedy {
    #[inline]
    fn accept<R: Rng + ?Sized>(&self, change: C, _rng: &mut R) -> bool {
        change.lowers_energy()
    }
}

/// Metropolis at inverse temperature $\beta$: accept with probability
/// $\min(1, e^{-\beta\Delta E})$, drawing a uniform only when $\Delta E > 0$.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metropolis {
    /// $\beta = 1/T$.
    pub beta: f64,
}

impl<C: EnergyChange> Acceptance<C> for Metropolis {
    #[inline]
    fn accept<R: Rng + ?Sized>(&self, change: C, rng: &mut R) -> bool {
        let delta = change.energy_change();
        delta <= 0.0 || rng.random::<f64>() < (-self.beta * delta).exp()
    }
}

/// Heat bath (Glauber) at inverse temperature $\beta$: the variable takes
/// the value $+1$ with probability $1/(1 + e^{-2\beta h_i})$, one uniform
/// per decision; the move is made when that value differs from the current one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatBath {
    /// $\beta = 1/T$.
    pub beta: f64,
}

impl Acceptance<SpinFlip<f64>> for HeatBath {
    #[inline]
    fn accept<R: Rng + ?Sized>(&self, change: SpinFlip<f64>, rng: &mut R) -> bool {
        let up = rng.random::<f64>() * (1.0 + (-2.0 * self.beta * change.field).exp()) < 1.0;
        up != (change.spin > 0)
    }
}

/// Glauber dynamics in flip form at temperature $T$: the move is made with
/// probability $1/(1 + e^{\Delta E/T})$, one uniform per decision. (For a
/// binary variable this is the heat bath, decided from $\Delta E$ rather
/// than from the new value: same probabilities, other draws.)
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glauber {
    /// $T > 0$.
    pub temperature: f64,
}

impl<C: EnergyChange> Acceptance<C> for Glauber {
    #[inline]
    fn accept<R: Rng + ?Sized>(&self, change: C, rng: &mut R) -> bool {
        let probability = 1.0 / (1.0 + (change.energy_change() / self.temperature).exp());
        rng.random::<f64>() < probability
    }
}

/// The order in which one sweep visits the sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visit<'a> {
    /// $0, 1, \dots, N-1$; draws nothing.
    Sequential,
    /// The listed sites in turn (a checkerboard: colour 0, then colour 1); draws nothing.
    Listed(&'a [u32]),
    /// $N$ sites drawn uniformly with replacement, each just before its update.
    RandomSites,
    /// A fresh uniformly random permutation every sweep (Fisher–Yates,
    /// drawn before the sweep), so every site is visited exactly once and a
    /// sweep without a move proves a fixed point.
    RandomPermutation,
}

/// Fills `order` with a visiting order of `order.len()` sites: the
/// identity, or (for [`Visit::RandomPermutation`]) a uniformly random
/// permutation by Fisher–Yates, drawing `random_range(t..n)` for
/// $t = 0, \dots, n-2$.
pub fn fill_permutation<R: Rng + ?Sized>(random: bool, order: &mut [usize], rng: &mut R) {
    for (k, slot) in order.iter_mut().enumerate() {
        *slot = k;
    }
    if random {
        let n = order.len();
        for t in 0..n.saturating_sub(1) {
            let j = rng.random_range(t..n);
            order.swap(t, j);
        }
    }
}

/// One sweep of `moves.sites()` decisions in the order `visit`; returns
/// the number of moves made. `scratch` holds the permutation of
/// [`Visit::RandomPermutation`] (resized as needed; reuse it across sweeps).
#[inline]
pub fn sweep<M, A, R>(
    moves: &M,
    state: &mut M::State,
    acceptance: &A,
    visit: Visit<'_>,
    scratch: &mut Vec<usize>,
    rng: &mut R,
) -> u64
where
    M: LocalMoves,
    A: Acceptance<M::Change>,
    R: Rng + ?Sized,
{
    let n = moves.sites();
    let mut made = 0;
    let mut decide = |site: usize, state: &mut M::State, rng: &mut R| {
        let change = moves.change(state, site);
        if acceptance.accept(change, rng) {
            moves.apply(state, site, change);
            made += 1;
        }
    };
    match visit {
        Visit::Sequential => {
            for site in 0..n {
                if site + 2 < n {
                    moves.prepare(site + 2);
                }
                decide(site, state, rng);
            }
        }
        Visit::Listed(sites) => {
            for (k, &site) in sites.iter().enumerate() {
                if let Some(&next) = sites.get(k + 2) {
                    moves.prepare(next as usize);
                }
                decide(site as usize, state, rng);
            }
        }
        Visit::RandomSites => {
            for _ in 0..n {
                let site = rng.random_range(0..n);
                decide(site, state, rng);
            }
        }
        Visit::RandomPermutation => {
            scratch.resize(n, 0);
            fill_permutation(true, scratch, rng);
            for (k, &site) in scratch.iter().enumerate() {
                if let Some(&next) = scratch.get(k + 2) {
                    moves.prepare(next);
                }
                decide(site, state, rng);
            }
        }
    }
    made
}

/// `count` sweeps; returns the moves made.
pub fn sweeps<M, A, R>(
    moves: &M,
    state: &mut M::State,
    acceptance: &A,
    visit: Visit<'_>,
    count: u64,
    rng: &mut R,
) -> u64
where
    M: LocalMoves,
    A: Acceptance<M::Change>,
    R: Rng + ?Sized,
{
    let mut scratch = Vec::new();
    (0..count)
        .map(|_| sweep(moves, state, acceptance, visit, &mut scratch, rng))
        .sum()
}

/// What a greedy descent did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Descent {
    /// Sweeps that made at least one move (the last, confirming sweep not counted).
    pub sweeps: u64,
    /// Moves made.
    pub moves: u64,
    /// Whether a sweep made no move (a fixed point) within the budget.
    pub converged: bool,
}

/// Greedy sweeps until one makes no move (a configuration stable against
/// every single move), at most `max_sweeps` of them (the confirming sweep
/// counts against the budget).
pub fn descend<M, R>(
    moves: &M,
    state: &mut M::State,
    visit: Visit<'_>,
    max_sweeps: u64,
    rng: &mut R,
) -> Descent
where
    M: LocalMoves,
    M::Change: EnergyChange,
    R: Rng + ?Sized,
{
    let mut scratch = Vec::new();
    let mut descent = Descent {
        sweeps: 0,
        moves: 0,
        converged: false,
    };
    for _ in 0..max_sweeps {
        let made = sweep(moves, state, &Greedy, visit, &mut scratch, rng);
        if made == 0 {
            descent.converged = true;
            break;
        }
        descent.sweeps += 1;
        descent.moves += made;
    }
    descent
}

/// Simulated annealing: `sweeps_per_temperature` Metropolis sweeps at each
/// inverse temperature of `betas` in turn; returns the moves made.
pub fn anneal<M, R>(
    moves: &M,
    state: &mut M::State,
    betas: &[f64],
    sweeps_per_temperature: u64,
    visit: Visit<'_>,
    rng: &mut R,
) -> u64
where
    M: LocalMoves,
    M::Change: EnergyChange,
    R: Rng + ?Sized,
{
    let mut scratch = Vec::new();
    let mut made = 0;
    for &beta in betas {
        for _ in 0..sweeps_per_temperature {
            made += sweep(moves, state, &Metropolis { beta }, visit, &mut scratch, rng);
        }
    }
    made
}

#[cfg(test)]
mod tests {
    use super::*;
    use quench_core::rng::{Purpose, stream};

    /// $N$ free spins in fields $h_i$: $E = -\sum_i h_i s_i$.
    struct FreeSpins {
        fields: Vec<f64>,
    }

    impl LocalMoves for FreeSpins {
        type State = Vec<Spin>;
        type Change = SpinFlip<f64>;

        fn sites(&self) -> usize {
            self.fields.len()
        }

        fn change(&self, state: &Vec<Spin>, site: usize) -> SpinFlip<f64> {
            SpinFlip {
                spin: state[site],
                field: self.fields[site],
            }
        }

        fn apply(&self, state: &mut Vec<Spin>, site: usize, _change: SpinFlip<f64>) {
            state[site] = -state[site];
        }
    }

    #[test]
    fn greedy_descent_aligns_every_spin_with_its_field() {
        let moves = FreeSpins {
            fields: vec![0.5, -1.0, 2.0, 0.0, -0.25],
        };
        let mut state = vec![-1, -1, -1, 1, 1];
        let mut rng = stream(1, Purpose::Dynamics, 0, 0);
        let descent = descend(&moves, &mut state, Visit::RandomPermutation, 10, &mut rng);
        // A zero field keeps its spin; the others align in one sweep.
        assert_eq!(state, [1, -1, 1, 1, -1]);
        assert_eq!(
            descent,
            Descent {
                sweeps: 1,
                moves: 3,
                converged: true
            }
        );
    }

    /// Heat bath on free spins samples each spin from its marginal: the
    /// mean of $s_i$ over sweeps is $\tanh(\beta h_i)$, within 4.5 standard
    /// errors of independent draws; Metropolis has the same stationary mean.
    #[test]
    fn heat_bath_and_metropolis_sample_the_marginals_of_free_spins() {
        let fields = vec![0.3, -0.8, 1.5];
        let moves = FreeSpins {
            fields: fields.clone(),
        };
        let beta = 0.7;
        let sweeps_count = 40_000;
        for rule in 0..2 {
            let mut state = vec![1; 3];
            let mut rng = stream(3, Purpose::Dynamics, rule, 0);
            let mut sums = [0.0; 3];
            let mut scratch = Vec::new();
            for _ in 0..sweeps_count {
                if rule == 0 {
                    sweep(
                        &moves,
                        &mut state,
                        &HeatBath { beta },
                        Visit::Sequential,
                        &mut scratch,
                        &mut rng,
                    );
                } else {
                    sweep(
                        &moves,
                        &mut state,
                        &Metropolis { beta },
                        Visit::Sequential,
                        &mut scratch,
                        &mut rng,
                    );
                }
                for (sum, &s) in sums.iter_mut().zip(&state) {
                    *sum += f64::from(s);
                }
            }
            for (i, &h) in fields.iter().enumerate() {
                let exact = (beta * h).tanh();
                let mean = sums[i] / sweeps_count as f64;
                // A free spin under Metropolis is a two-state chain that
                // always leaves the unfavoured value and leaves the favoured
                // one with probability e^{-2 beta |h|}: its correlation is
                // r = -e^{-2 beta |h|} per sweep, and the variance of the
                // mean is that of independent draws times (1 + r) / (1 - r).
                // Heat bath draws each value afresh (r = 0).
                let r = if rule == 0 {
                    0.0
                } else {
                    -(-2.0 * beta * h.abs()).exp()
                };
                let tau = (1.0 + r) / (1.0 - r);
                let error = ((1.0 - exact * exact) * tau / sweeps_count as f64).sqrt();
                assert!(
                    (mean - exact).abs() < 4.5 * error,
                    "rule {rule}, h = {h}: {mean} against {exact} (error {error})"
                );
            }
        }
    }

    /// Free spins whose chain tracks its energy, for tempering.
    struct TrackedSpins {
        fields: Vec<f64>,
    }

    #[derive(Clone)]
    struct TrackedState {
        spins: Vec<Spin>,
        energy: f64,
    }

    impl LocalMoves for TrackedSpins {
        type State = TrackedState;
        type Change = SpinFlip<f64>;

        fn sites(&self) -> usize {
            self.fields.len()
        }

        fn change(&self, state: &TrackedState, site: usize) -> SpinFlip<f64> {
            SpinFlip {
                spin: state.spins[site],
                field: self.fields[site],
            }
        }

        fn apply(&self, state: &mut TrackedState, site: usize, change: SpinFlip<f64>) {
            state.spins[site] = -state.spins[site];
            state.energy += change.energy_change();
        }
    }

    struct Chain {
        state: TrackedState,
        rng: quench_core::StreamRng,
    }

    impl crate::tempering::Exchangeable for Chain {
        fn energy(&self) -> f64 {
            self.state.energy
        }

        fn swap_configuration(&mut self, other: &mut Self) {
            std::mem::swap(&mut self.state, &mut other.state);
        }
    }

    /// Parallel tempering of a system that is not a `Sample`: heat-bath
    /// sweeps through the seam, then the tempering module's exchange pass
    /// over a `Ladder` of the system's own chains. Heat bath on free spins
    /// draws every slot afresh, so before the exchange the slots hold
    /// independent Boltzmann samples; the exchange must keep their product
    /// measure, so the magnetisations measured *after* it are $\tanh(\beta_k h_i)$
    /// with the exact variance of independent draws. (With the exchange's
    /// acceptance exponent of the wrong sign this fails by tens of errors.)
    #[test]
    fn tempering_of_any_local_moves_keeps_the_boltzmann_product() {
        use crate::tempering::{Ladder, exchange_pass};
        let fields = vec![0.6, -0.35];
        let moves = TrackedSpins {
            fields: fields.clone(),
        };
        let betas = [1.5, 0.9, 0.4];
        let energy = |spins: &[Spin]| -> f64 {
            -spins
                .iter()
                .zip(&fields)
                .map(|(&s, &h)| f64::from(s) * h)
                .sum::<f64>()
        };
        let chains = (0..betas.len())
            .map(|slot| Chain {
                state: TrackedState {
                    spins: vec![1, 1],
                    energy: energy(&[1, 1]),
                },
                rng: stream(5, Purpose::Dynamics, 0, slot as u64),
            })
            .collect();
        let mut ladder = Ladder::new(chains, stream(5, Purpose::Exchange, 0, 0));
        let rounds = 40_000;
        let mut sums = [[0.0; 2]; 3];
        let mut scratch = Vec::new();
        for _ in 0..rounds {
            for (chain, &beta) in ladder.chains.iter_mut().zip(&betas) {
                sweep(
                    &moves,
                    &mut chain.state,
                    &HeatBath { beta },
                    Visit::Sequential,
                    &mut scratch,
                    &mut chain.rng,
                );
            }
            exchange_pass(&betas, &mut ladder, |_| {});
            for (slot, chain) in ladder.chains.iter().enumerate() {
                for (sum, &s) in sums[slot].iter_mut().zip(&chain.state.spins) {
                    *sum += f64::from(s);
                }
            }
        }
        for (slot, &beta) in betas.iter().enumerate() {
            for (i, &h) in fields.iter().enumerate() {
                let exact = (beta * h).tanh();
                let mean = sums[slot][i] / rounds as f64;
                let error = ((1.0 - exact * exact) / rounds as f64).sqrt();
                assert!(
                    (mean - exact).abs() < 4.5 * error,
                    "slot {slot}, spin {i}: {mean} against {exact} (error {error})"
                );
            }
        }
        for chain in &ladder.chains {
            assert!((chain.state.energy - energy(&chain.state.spins)).abs() < 1e-12);
        }
        let accepted: u64 = ladder.exchange_accepts.iter().sum();
        assert!(accepted > 0 && accepted < ladder.exchange_attempts.iter().sum::<u64>());
    }

    #[test]
    fn integer_fields_decide_greedy_moves_exactly() {
        assert!(SpinFlip { spin: 1, field: -1 }.lowers_energy());
        assert!(!SpinFlip { spin: 1, field: 0 }.lowers_energy());
        assert!(
            !SpinFlip {
                spin: -1,
                field: -3
            }
            .lowers_energy()
        );
        assert_eq!(SpinFlip { spin: -1, field: 3 }.energy_change(), -6.0);
    }
}
