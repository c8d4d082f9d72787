//! Deep perceptron networks as disordered systems: the design space of a
//! network of sign neurons trained on data (Yoshino, SciPost Phys. Core 2,
//! 005 (2020)).
//!
//! $L$ layers of $N$ sign neurons, each a perceptron reading $c$ neurons
//! of the layer before with spherical or binary weights; $M = \alpha c$
//! training patterns fix the input layer $S(0)$ and the output layer
//! $S(L)$. The weights of every layer and (in the Gardner-volume form) the
//! internal representations $S(l)$, $0 < l < L$, are the variables; every
//! perceptron's gap $r = S\\,(J\cdot S_{\text{prev}})/\sqrt c - \kappa$ is
//! an interaction between neighbouring layers only.
//!
//! ## Main types and how data flows
//!
//! ```text
//! Architecture (N, L, c, WeightKind) --Wiring::draw--> Wiring (inputs of every perceptron, transposed readers)
//! DeepData::draw(architecture, M, Scenario: Random | Teacher{noise}, seed, sample)
//!   --> DeepData (S(0), S(L), wiring, Teacher{weights, layers})
//! DesignSpace::new(data, kappa, Loss: Gaps | OutputError)
//!   --random_state / teacher_state / state(weights, hidden)--> DesignState (J, S, fields h, E)
//!   moves: spin_change/flip_spin (HiddenSpins: quench_mc::LocalMoves), rotate, flip_weight
//!   sweep(state, Acceptance: Metropolis | Greedy, step, scratch, rng) --> SweepMoves
//!   DesignChain (state + stream): quench_mc::tempering::Exchangeable
//! observables: aligned_overlaps (gauge-fixed q(l), Q(l)), layer_overlaps, bond_overlaps,
//!   permutation_invariant_overlap (q^2), test agreement via DesignSpace::represent
//! ```
//!
//! * [`architecture`]: sizes, wiring, the feed-forward pass.
//! * [`data`]: the seed's two scenarios and their keyed streams.
//! * [`design`]: the state, the incremental moves and the sweep; its module
//!   doc has the energies and the cost of every move.
//! * [`observables`]: layer-resolved overlaps.
//! * [`exact`]: every configuration of a very small network with binary
//!   weights, for exact Boltzmann averages.

pub mod architecture;
pub mod benchmark;
pub mod data;
pub mod design;
pub mod exact;
pub mod observables;

#[cfg(test)]
mod tests;

pub use architecture::{Architecture, Wiring, feed_forward};
pub use data::{DeepData, Scenario, Teacher, draw_network_weights};
pub use design::{
    CountChange, DesignChain, DesignSpace, DesignState, HiddenSpins, Loss, MoveScratch,
    REFRESH_SWEEPS, SweepMoves,
};
pub use observables::{
    AlignedOverlaps, aligned_overlaps, bond_overlaps, layer_overlaps, mean_product,
    permutation_invariant_overlap,
};
