//! The critical number of patterns of one training set: the largest $P_c$
//! such that its first $P_c$ patterns can all be stored with margin
//! $\kappa$.
//!
//! A training set of $P$ patterns drawn from an ensemble holds, as its
//! prefixes, the sets of every smaller $P'$ that the same streams draw
//! ([`TrainingSet::prefix`]), and a set stored by some weights has every
//! prefix stored by the same weights. So one number per sample, $P_c$,
//! decides storability at every load: the fraction of samples with
//! $P_c \ge \alpha N$ is the probability that a set of $\alpha N$ patterns
//! can be stored, the quantity whose $N\to\infty$ step sits at the capacity
//! $\alpha_c(\kappa)$ (Gardner 1988; Krauth & Opper, J. Phys. A 22, L519
//! (1989), who found it for binary weights by this enumeration).
//!
//! * [`enumerated_critical_patterns`]: binary weights, exactly, over all
//!   $2^N$ weight vectors: the largest index of a first violated
//!   constraint.
//! * [`spherical_critical_patterns`]: spherical weights, exactly, by
//!   bisection on $P$ with the maximal-stability convex programme of
//!   [`super::spherical::maximal_stability`].
//! * [`annealed_critical_patterns`]: binary weights, heuristically, by
//!   bisection on $P$ with simulated annealing; a lower bound on $P_c$
//!   (what the annealer could store), whose shortfall against the exact
//!   value is its failure rate.
//! * [`sbpi_critical_patterns`], [`gradient_critical_patterns`]: the same
//!   bisection with the learners of [`super::learners`] (SBPI for binary
//!   weights, gradient descent on the sphere for spherical ones).

use rand::{Rng, RngExt};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::binary::BinaryPerceptron;
use super::data::TrainingSet;
use super::exact::{BLOCK_BITS, block_start, check_dimension};
use super::learners::{GradientSchedule, SbpiSchedule, gradient_descent, sbpi};
use super::spherical::maximal_stability;
use crate::error::{LearnError, parameter};
use quench_mc::moves::{Metropolis, Visit, sweep};

/// The largest $P_c \le P$ such that some binary weight vector stores the
/// first $P_c$ patterns of `data` with margin `margin`, by enumerating all
/// $2^N$ vectors in Gray-code order (blocks in parallel; the maximum does
/// not depend on the thread count). Refuses $N >$ [`super::exact::MAX_DIMENSION`].
pub fn enumerated_critical_patterns(data: &TrainingSet, margin: f64) -> Result<usize, LearnError> {
    let n = check_dimension(data.dimension())?;
    let perceptron = BinaryPerceptron::new(data, margin)?;
    let p = data.patterns();
    let block_bits = BLOCK_BITS.min(n);
    let low_bits = n - block_bits;
    let best = (0..1u64 << block_bits)
        .into_par_iter()
        .map(|block| {
            let mut state = perceptron
                .state(block_start(n, low_bits, block))
                .expect("weights are ±1");
            let mut best = perceptron.first_violation(&state);
            for k in 1u64..1 << low_bits {
                if best == p {
                    break;
                }
                perceptron.flip(&mut state, k.trailing_zeros() as usize);
                best = best.max(perceptron.first_violation(&state));
            }
            best
        })
        .max()
        .unwrap_or(0);
    Ok(best)
}

/// The outcome of a bisection on the number of patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriticalSearch {
    /// The largest number of leading patterns found stored.
    pub critical_patterns: usize,
    /// Decisions made (convex programmes or annealing runs).
    pub decisions: usize,
    /// Whether every decision was certain (the solver proved feasibility
    /// or infeasibility); always true for annealing successes.
    pub certain: bool,
}

/// Bisection for the largest $P' \in [0, P]$ with `stored(P')`, given that
/// `stored` is monotone (true up to some $P_c$, false above).
fn bisect(
    patterns: usize,
    mut stored: impl FnMut(usize) -> Result<(bool, bool), LearnError>,
) -> Result<CriticalSearch, LearnError> {
    let (mut low, mut high) = (0usize, patterns + 1);
    let mut search = CriticalSearch {
        critical_patterns: 0,
        decisions: 0,
        certain: true,
    };
    // Invariant: `low` is stored (0 trivially), `high` is not (P + 1 by convention).
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        let (yes, certain) = stored(middle)?;
        search.decisions += 1;
        search.certain &= certain;
        if yes {
            low = middle;
        } else {
            high = middle;
        }
    }
    search.critical_patterns = low;
    Ok(search)
}

/// The largest number of leading patterns of `data` that spherical weights
/// store with margin `margin` (every stability $> \kappa$), decided exactly
/// by the maximal-stability convex programme on prefixes, by bisection
/// ($\lceil\log_2(P+1)\rceil$ programmes).
pub fn spherical_critical_patterns(
    data: &TrainingSet,
    margin: f64,
) -> Result<CriticalSearch, LearnError> {
    if !margin.is_finite() {
        return Err(parameter("margin", margin, "a finite real number"));
    }
    bisect(data.patterns(), |p| {
        let result = maximal_stability(&data.prefix(p)?)?;
        Ok((result.separable_with(margin), result.certain))
    })
}

/// A simulated-annealing schedule for binary weights: Metropolis sweeps in
/// random permutation order at inverse temperatures rising linearly from
/// `beta_start` to `beta_end`, `sweeps` in all; a run stops as soon as no
/// constraint is violated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AnnealingSchedule {
    /// First inverse temperature.
    pub beta_start: f64,
    /// Last inverse temperature.
    pub beta_end: f64,
    /// Sweeps of the whole run.
    pub sweeps: u64,
}

impl AnnealingSchedule {
    /// Checks $0 \le \beta_{\rm start} \le \beta_{\rm end} < \infty$ and at least one sweep.
    pub fn validate(&self) -> Result<(), LearnError> {
        if !(self.beta_start.is_finite() && self.beta_start >= 0.0) {
            return Err(parameter("beta_start", self.beta_start, "a number >= 0"));
        }
        if !(self.beta_end.is_finite() && self.beta_end >= self.beta_start) {
            return Err(parameter(
                "beta_end",
                self.beta_end,
                format!("a finite number >= beta_start = {}", self.beta_start),
            ));
        }
        if self.sweeps == 0 {
            return Err(parameter("sweeps", self.sweeps, "an integer >= 1"));
        }
        Ok(())
    }

    /// The inverse temperature of sweep `t` of the run.
    fn beta(&self, t: u64) -> f64 {
        if self.sweeps == 1 {
            return self.beta_end;
        }
        let x = t as f64 / (self.sweeps - 1) as f64;
        self.beta_start + x * (self.beta_end - self.beta_start)
    }
}

/// One annealing run on `perceptron` from random weights: the violations
/// left (0: a solution was found).
pub fn anneal_once<R: Rng + ?Sized>(
    perceptron: &BinaryPerceptron,
    schedule: &AnnealingSchedule,
    rng: &mut R,
) -> Result<u64, LearnError> {
    schedule.validate()?;
    let weights = (0..perceptron.dimension())
        .map(|_| if rng.random::<bool>() { 1 } else { -1 })
        .collect();
    let mut state = perceptron.state(weights)?;
    let mut scratch = Vec::new();
    for t in 0..schedule.sweeps {
        if state.violations == 0 {
            break;
        }
        let beta = schedule.beta(t);
        sweep(
            perceptron,
            &mut state,
            &Metropolis { beta },
            Visit::RandomPermutation,
            &mut scratch,
            rng,
        );
    }
    debug_assert_eq!(state.violations, perceptron.recount(&state));
    Ok(state.violations)
}

/// The largest number of leading patterns of `data` that simulated
/// annealing stores in binary weights with margin `margin`, by bisection
/// (one annealing run per decision, each from fresh random weights drawn
/// from `rng`). A lower bound on the exact $P_c$: a success is a proof, a
/// failure only a failure of the annealer.
pub fn annealed_critical_patterns<R: Rng + ?Sized>(
    data: &TrainingSet,
    margin: f64,
    schedule: &AnnealingSchedule,
    rng: &mut R,
) -> Result<CriticalSearch, LearnError> {
    schedule.validate()?;
    heuristic_bisection(data, |prefix| {
        let perceptron = BinaryPerceptron::new(prefix, margin)?;
        Ok(anneal_once(&perceptron, schedule, rng)? == 0)
    })
}

/// The largest number of leading patterns of `data` that SBPI stores in
/// binary weights with margin `margin`, by bisection (one run per decision
/// from `rng`); a lower bound on the exact $P_c$, like annealing's.
pub fn sbpi_critical_patterns<R: Rng + ?Sized>(
    data: &TrainingSet,
    margin: f64,
    schedule: &SbpiSchedule,
    rng: &mut R,
) -> Result<CriticalSearch, LearnError> {
    schedule.validate()?;
    heuristic_bisection(data, |prefix| {
        Ok(sbpi(prefix, margin, schedule, rng)?.solved())
    })
}

/// The largest number of leading patterns of `data` that gradient descent
/// on the sphere stores with margin `margin`, by bisection (one run per
/// decision from `rng`); a lower bound on the exact (convex programme)
/// $P_c$ of spherical weights.
pub fn gradient_critical_patterns<R: Rng + ?Sized>(
    data: &TrainingSet,
    margin: f64,
    schedule: &GradientSchedule,
    rng: &mut R,
) -> Result<CriticalSearch, LearnError> {
    schedule.validate()?;
    heuristic_bisection(data, |prefix| {
        Ok(gradient_descent(prefix, margin, schedule, rng)?.solved())
    })
}

/// Bisection on the prefixes of `data` with a heuristic that proves a
/// prefix stored when `stored` returns true; a false proves nothing, so
/// the search is never certain.
fn heuristic_bisection(
    data: &TrainingSet,
    mut stored: impl FnMut(&TrainingSet) -> Result<bool, LearnError>,
) -> Result<CriticalSearch, LearnError> {
    let mut search = bisect(data.patterns(), |p| Ok((stored(&data.prefix(p)?)?, true)))?;
    search.certain = false;
    Ok(search)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perceptron::data::{DataEnsemble, InputDistribution, LabelRule};
    use crate::perceptron::exact::enumerate;
    use quench_core::rng::{Purpose, stream};

    fn storage(n: usize, p: usize, inputs: InputDistribution, sample: u64) -> TrainingSet {
        let ensemble = DataEnsemble {
            dimension: n,
            patterns: p,
            inputs,
            labels: LabelRule::Random,
        };
        TrainingSet::draw(&ensemble, 41, sample).unwrap()
    }

    /// The prefix of a drawn set is the set the same streams draw with fewer patterns.
    #[test]
    fn a_prefix_is_the_smaller_draw_of_the_same_streams() {
        for inputs in [InputDistribution::Binary, InputDistribution::Gaussian] {
            let big = storage(9, 30, inputs, 3);
            let small = storage(9, 12, inputs, 3);
            assert_eq!(big.prefix(12).unwrap(), small);
            assert!(big.prefix(0).is_err() && big.prefix(31).is_err());
        }
    }

    /// The enumerated $P_c$ is the largest prefix with a solution, found
    /// by enumerating every prefix's solutions one by one.
    #[test]
    fn enumerated_critical_patterns_is_the_largest_prefix_with_a_solution() {
        for (sample, margin) in [(0, 0.0), (1, 0.0), (2, 0.3), (3, 0.0)] {
            let data = storage(11, 24, InputDistribution::Binary, sample);
            let critical = enumerated_critical_patterns(&data, margin).unwrap();
            let brute = (1..=24)
                .take_while(|&p| {
                    enumerate(&data.prefix(p).unwrap(), margin)
                        .unwrap()
                        .solutions()
                        > 0
                })
                .count();
            assert_eq!(critical, brute, "sample {sample}");
            assert!(critical > 0 && critical < 24);
        }
    }

    /// Spherical weights store the first $P$ patterns exactly when the
    /// convex programme says so: the bisection's $P_c$ is stored, $P_c + 1$
    /// is not; and the spherical $P_c$ is at least the binary one (binary
    /// weights lie on the sphere).
    #[test]
    fn spherical_critical_patterns_bracket_the_separability_decision() {
        for sample in 0..3 {
            let data = storage(9, 40, InputDistribution::Gaussian, sample);
            let search = spherical_critical_patterns(&data, 0.0).unwrap();
            let pc = search.critical_patterns;
            assert!(search.certain);
            assert!(
                maximal_stability(&data.prefix(pc).unwrap())
                    .unwrap()
                    .separable_with(0.0)
            );
            assert!(
                !maximal_stability(&data.prefix(pc + 1).unwrap())
                    .unwrap()
                    .separable_with(0.0)
            );
            let binary = enumerated_critical_patterns(&data, 0.0).unwrap();
            assert!(pc >= binary, "spherical {pc} < binary {binary}");
        }
    }

    /// Annealing never claims more than exists, and on small sets with a
    /// generous schedule it reaches the exact $P_c$.
    #[test]
    fn annealing_is_a_lower_bound_that_reaches_the_exact_value_on_small_sets() {
        let schedule = AnnealingSchedule {
            beta_start: 0.5,
            beta_end: 5.0,
            sweeps: 400,
        };
        let mut reached = 0;
        for sample in 0..6 {
            let data = storage(13, 26, InputDistribution::Binary, sample);
            let exact = enumerated_critical_patterns(&data, 0.0).unwrap();
            let mut rng = stream(5, Purpose::Dynamics, sample, 0);
            let annealed = annealed_critical_patterns(&data, 0.0, &schedule, &mut rng).unwrap();
            assert!(annealed.critical_patterns <= exact);
            reached += usize::from(annealed.critical_patterns == exact);
        }
        assert!(
            reached >= 5,
            "annealing reached the exact P_c on {reached} of 6 sets"
        );
    }
}
