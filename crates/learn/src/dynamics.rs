//! Vocabulary shared by every binary memory: visiting orders, the dynamics
//! to run, and what a relaxation reports. The moves themselves run on
//! quench-mc's move seam ([`quench_mc::moves`]): each memory implements
//! [`LocalMoves`] once, and the seam's acceptances (greedy, heat bath,
//! Glauber) and schedules drive it.

use crate::error::{LearnError, positive};
use quench_mc::moves::{self, EnergyChange, LocalMoves, Visit};
use rand::Rng;
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

impl UpdateOrder {
    /// The move seam's visiting order: sequential, or a fresh random
    /// permutation every sweep.
    pub fn visit(self) -> Visit<'static> {
        match self {
            UpdateOrder::Sequential => Visit::Sequential,
            UpdateOrder::Random => Visit::RandomPermutation,
        }
    }
}

/// Zero-temperature asynchronous sweeps of any memory on the move seam
/// ([`quench_mc::moves::descend`]), at most `max_sweeps`, until one flips
/// nothing.
pub(crate) fn relax<M, R>(
    memory: &M,
    state: &mut M::State,
    kind: UpdateOrder,
    max_sweeps: usize,
    rng: &mut R,
) -> Relaxation
where
    M: LocalMoves,
    M::Change: EnergyChange,
    R: Rng + ?Sized,
{
    let descent = moves::descend(memory, state, kind.visit(), max_sweeps as u64, rng);
    Relaxation {
        sweeps: descent.sweeps as usize,
        flips: descent.moves,
        outcome: if descent.converged {
            Outcome::FixedPoint
        } else {
            Outcome::NotConverged
        },
    }
}
