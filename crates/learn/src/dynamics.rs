//! Vocabulary shared by every binary memory: visiting orders, the dynamics
//! to run, and what a relaxation reports.

use crate::error::{LearnError, positive};
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// The order in which one sweep visits the $N$ spins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateOrder {
    /// $i = 0, 1, \dots, N-1$; uses no random numbers.
    Sequential,
    /// A fresh uniformly random permutation every sweep (Fisher–Yates), so
    /// that every spin is visited exactly once per sweep and a sweep without
    /// a flip proves a fixed point.
    Random,
}

/// Which dynamics a retrieval experiment runs.
///
/// Asynchronous updates change one spin at a time; a sweep is $N$ updates.
/// At zero temperature a spin aligns with its local field,
/// $s_i \leftarrow \mathrm{sign}(h_i)$, and keeps its value when $h_i = 0$
/// (so a sweep without a flip is a fixed point). Glauber (heat-bath)
/// dynamics sets $s_i = +1$ with probability $1/(1 + e^{-2 h_i / T})$.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Dynamics {
    /// Zero-temperature asynchronous updates until a sweep changes nothing.
    ZeroTemperature {
        /// Visiting order of the sweeps.
        order: UpdateOrder,
    },
    /// Zero-temperature parallel updates $s(t+1) = \mathrm{sign}(h(s(t)))$
    /// until a fixed point or a 2-cycle.
    Synchronous,
    /// Heat-bath updates at temperature $T > 0$ for a fixed number of sweeps.
    Glauber {
        /// Temperature $T$ ($k_B = 1$).
        temperature: f64,
        /// Visiting order of the sweeps.
        order: UpdateOrder,
    },
}

impl Dynamics {
    /// Checks the parameters (a positive finite temperature for Glauber).
    pub fn validate(&self) -> Result<(), LearnError> {
        if let Dynamics::Glauber { temperature, .. } = *self {
            positive("temperature", temperature)?;
        }
        Ok(())
    }
}

/// How a run of the dynamics ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A fixed point: a full sweep (or a parallel step) changed nothing.
    FixedPoint,
    /// Synchronous dynamics returned to the state of two steps before.
    TwoCycle,
    /// The sweep budget ran out first.
    NotConverged,
    /// Finite-temperature dynamics, which samples rather than converges.
    Sampled,
}

/// What a zero-temperature relaxation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relaxation {
    /// Sweeps (or parallel steps) that changed at least one spin: the
    /// number of sweeps to convergence when it converged. The final sweep
    /// that only confirms the fixed point is not counted.
    pub sweeps: usize,
    /// Total number of spin flips.
    pub flips: u64,
    /// How it ended.
    pub outcome: Outcome,
}

/// Fills `order` with the visiting order of one sweep over `order.len()`
/// spins (identity for [`UpdateOrder::Sequential`]).
pub(crate) fn fill_order<R: Rng + ?Sized>(kind: UpdateOrder, order: &mut [usize], rng: &mut R) {
    for (k, slot) in order.iter_mut().enumerate() {
        *slot = k;
    }
    if kind == UpdateOrder::Random {
        let n = order.len();
        for t in 0..n.saturating_sub(1) {
            let j = rng.random_range(t..n);
            order.swap(t, j);
        }
    }
}

/// A memory with single-spin zero-temperature dynamics: the shared driver of
/// [`relax`] for every binary memory of the crate.
pub(crate) trait SingleSpinRule {
    /// The chain type.
    type State;
    /// Number of spins $N$.
    fn neurons(&self) -> usize;
    /// Whether flipping spin $i$ lowers the energy (strictly).
    fn unstable(&self, state: &Self::State, i: usize) -> bool;
    /// Flips spin $i$ and updates the caches.
    fn flip(&self, state: &mut Self::State, i: usize);
    /// Hints that spin $i$ is visited next (a prefetch of its data).
    #[inline]
    fn prepare(&self, _i: usize) {}
}

/// One zero-temperature asynchronous sweep; returns the number of flips.
pub(crate) fn zero_temperature_sweep<M: SingleSpinRule, R: Rng + ?Sized>(
    memory: &M,
    state: &mut M::State,
    kind: UpdateOrder,
    order: &mut [usize],
    rng: &mut R,
) -> u64 {
    fill_order(kind, order, rng);
    let mut flips = 0;
    for (k, &i) in order.iter().enumerate() {
        if let Some(&next) = order.get(k + 2) {
            memory.prepare(next);
        }
        if memory.unstable(state, i) {
            memory.flip(state, i);
            flips += 1;
        }
    }
    flips
}

/// Zero-temperature asynchronous sweeps, at most `max_sweeps`, until one
/// flips nothing.
pub(crate) fn relax<M: SingleSpinRule, R: Rng + ?Sized>(
    memory: &M,
    state: &mut M::State,
    kind: UpdateOrder,
    max_sweeps: usize,
    rng: &mut R,
) -> Relaxation {
    let mut order = vec![0; memory.neurons()];
    let mut relaxation = Relaxation {
        sweeps: 0,
        flips: 0,
        outcome: Outcome::NotConverged,
    };
    for _ in 0..max_sweeps {
        let flips = zero_temperature_sweep(memory, state, kind, &mut order, rng);
        if flips == 0 {
            relaxation.outcome = Outcome::FixedPoint;
            break;
        }
        relaxation.sweeps += 1;
        relaxation.flips += flips;
    }
    relaxation
}
