//! The perceptron: the simplest learning machine, where the training data
//! are the quenched disorder and the weights are the spins.
//!
//! A perceptron with weights $w \in \mathbb R^N$ labels an input $x$ by
//! $\mathrm{sign}(w\cdot x)$. On a training set of $P = \alpha N$ pairs
//! $(x^\mu, y^\mu)$ its stabilities are
//! $\Delta^\mu = y^\mu\\, w\cdot x^\mu/|w|$ (so $y^\mu w\cdot x^\mu/\sqrt N$ on the
//! sphere $|w|^2 = N$ and for $w_i = \pm1$), and it stores the set with
//! margin $\kappa$ when every $\Delta^\mu > \kappa$. The set of such weights
//! is Gardner's volume; its typical size is what the replica theory in
//! `quench-theory` predicts.
//!
//! ## Main types and how data flows
//!
//! ```text
//! DataEnsemble (N, P, InputDistribution, LabelRule: Random | Teacher{kind, noise})
//!   --TrainingSet::draw(seed, sample)--> TrainingSet (inputs P x N, labels, teacher)
//!     binary weights:
//!       BinaryPerceptron (signed inputs weight-major, margin) : quench_mc::LocalMoves
//!         --state(weights)--> WeightState (weights, fields h, violations E)
//!         sweeps with Metropolis / Greedy / annealing / tempering (quench-mc)
//!       exact::enumerate --> Enumeration (n(E), per-level sums) --posterior(beta)--> Posterior
//!     spherical weights:
//!       spherical::maximal_stability --> MaximalStability (separable, kappa_max, weights)
//!       spherical::perceptron_rule   --> PerceptronRule
//!       spherical::cover_separable_fraction(P, N)   (no data: Cover's theorem)
//! ```
//!
//! * [`data`]: ensembles of training sets and their keyed random streams.
//! * [`binary`]: binary weights as Ising variables with the number of
//!   training errors as energy (the posterior at $\beta$ is Bayesian
//!   learning at temperature $1/\beta$); an attempted flip in $O(P/64)$
//!   popcounts and an accepted one in $O(P)$, by the vector kernels of
//!   [`kernel`].
//! * [`benchmark`]: flip-attempt throughput, vector against portable
//!   kernels (`quench bench --workload perceptron-binary`).
//! * [`capacity`]: the critical number of patterns $P_c$ of one training
//!   set (the largest prefix stored), exactly (enumeration, convex
//!   programme) or by simulated annealing.
//! * [`learners`]: SBPI for binary weights and gradient descent on the
//!   sphere for spherical ones, each looking for weights that store a set.
//! * [`exact`]: all $2^N$ binary weight vectors, for exact volumes and
//!   posterior averages at every $\beta$.
//! * [`solutions`]: overlaps of independent uniform solutions of every
//!   prefix of a set, and the ultrametric triplet test on them.
//! * [`sphere`]: spherical weights sampled from the posterior at $\beta$
//!   by Metropolis plane rotations.
//! * [`spherical`]: Cover's count, the exact separability decision with
//!   margin (a convex programme), the perceptron rule.

pub mod benchmark;
pub mod binary;
pub mod capacity;
pub mod data;
pub mod exact;
pub mod kernel;
pub mod learners;
pub mod solutions;
pub mod sphere;
pub mod spherical;

#[cfg(test)]
mod tests;

pub use binary::{BinaryPerceptron, ViolationChange, WeightChain, WeightState};
pub use capacity::{
    AnnealingSchedule, CriticalSearch, annealed_critical_patterns, enumerated_critical_patterns,
    gradient_critical_patterns, sbpi_critical_patterns, spherical_critical_patterns,
};
pub use data::{
    DataEnsemble, InputDistribution, Inputs, LabelRule, TrainingSet, WeightKind, cosine,
    draw_weights, generalization_error,
};
pub use exact::{Enumeration, Posterior, enumerate};
pub use learners::{GradientSchedule, LearningOutcome, SbpiSchedule, gradient_descent, sbpi};
pub use solutions::{SolutionOverlaps, TripletMean, solution_overlaps};
pub use sphere::{SphereChain, SphereState, SphericalPerceptron};
pub use spherical::{
    MaximalStability, PerceptronRule, cover_count, cover_separable_fraction, maximal_stability,
    perceptron_rule,
};
