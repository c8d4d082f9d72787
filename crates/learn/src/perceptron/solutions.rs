//! The geometry of the solutions of a binary perceptron: overlaps of
//! independent uniformly drawn solutions and the ultrametric triplet test.
//!
//! For a training set and a load $P$ (its first $P$ patterns), the
//! solutions are the binary weight vectors that store every pattern with
//! margin $\kappa$; the flat measure on them is the $\beta\to\infty$
//! posterior. One Gray-code enumeration of the $2^N$ vectors finds, for
//! every vector, its first violated constraint, hence the solutions of
//! every prefix at once. Three *independent* replicas drawn uniformly from
//! the solutions of one load (with replacement, as three independent
//! samples of the posterior are) have overlaps
//! $q_{ab} = \frac1N \sum_i w^a_i w^b_i$; sorted
//! ([`quench_stats::Triplet`]), the gap between the two smallest vanishes for
//! ultrametrically organised solutions. The replica-symmetric theory of
//! the binary perceptron (`quench_theory::perceptron::binary_volume`)
//! predicts that the overlap of two typical solutions concentrates at
//! $q(\alpha)$, so that both gaps close as $N$ grows.
//!
//! [`solution_overlaps`] returns, per load, the number of solutions and the
//! means over `triplets` drawn triplets of the overlap and of the two gaps,
//! with standard errors (the triplets are independent).

use rand::{Rng, RngExt};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::binary::BinaryPerceptron;
use super::data::TrainingSet;
use super::exact::{BLOCK_BITS, block_start, check_dimension};
use crate::error::{LearnError, parameter};
use quench_stats::{OverlapMatrix, OverlapSign, mean_and_standard_error};

/// A mean over drawn triplets and its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TripletMean {
    /// Mean.
    pub mean: f64,
    /// Standard error of the mean.
    pub error: f64,
}

/// Overlaps of the solutions of one load.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SolutionOverlaps {
    /// $P$: the leading patterns to store.
    pub patterns: usize,
    /// The number of solutions.
    pub solutions: u64,
    /// Triplets drawn (zero without a solution).
    pub triplets: usize,
    /// $q_{ab}$ averaged over the three pairs of each triplet.
    pub overlap: Option<TripletMean>,
    /// $q_{(2)} - q_{(1)}$ of the sorted signed overlaps.
    pub lower_gap: Option<TripletMean>,
    /// $q_{(3)} - q_{(2)}$.
    pub upper_gap: Option<TripletMean>,
}

/// The overlaps of uniformly drawn solutions of `data`'s first $P$ patterns
/// for every $P$ in `loads` (each at most the set's $P$), with `triplets`
/// triplets of independent solutions per load drawn from `rng`. One
/// enumeration of the $2^N$ vectors; solutions are kept as bit strings,
/// in enumeration order (blocks in a fixed order, so the draw does not
/// depend on the thread count).
pub fn solution_overlaps<R: Rng + ?Sized>(
    data: &TrainingSet,
    margin: f64,
    loads: &[usize],
    triplets: usize,
    rng: &mut R,
) -> Result<Vec<SolutionOverlaps>, LearnError> {
    let n = check_dimension(data.dimension())?;
    if let Some(&load) = loads.iter().find(|&&p| p > data.patterns()) {
        return Err(parameter(
            "loads",
            load,
            format!("at most the {} patterns of the set", data.patterns()),
        ));
    }
    if triplets == 0 {
        return Err(parameter("triplets", triplets, "at least 1"));
    }
    let Some(&smallest) = loads.iter().min() else {
        return Ok(Vec::new());
    };
    let perceptron = BinaryPerceptron::new(data, margin)?;
    let block_bits = BLOCK_BITS.min(n);
    let low_bits = n - block_bits;
    // (bits, first violated pattern) of every vector storing the smallest load.
    let stored: Vec<(u64, usize)> = (0..1u64 << block_bits)
        .into_par_iter()
        .map(|block| {
            let mut state = perceptron
                .state(block_start(n, low_bits, block))
                .expect("weights are ±1");
            let mut bits = block << low_bits;
            let mut found = Vec::new();
            let mut visit = |bits: u64, first: usize| {
                if first >= smallest {
                    found.push((bits, first));
                }
            };
            visit(bits, perceptron.first_violation(&state));
            for k in 1u64..1 << low_bits {
                let site = k.trailing_zeros() as usize;
                perceptron.flip(&mut state, site);
                bits ^= 1 << site;
                visit(bits, perceptron.first_violation(&state));
            }
            found
        })
        .collect::<Vec<_>>()
        .concat();
    let weights = |bits: u64| -> Vec<f64> {
        (0..n)
            .map(|i| if (bits >> i) & 1 == 1 { 1.0 } else { -1.0 })
            .collect()
    };
    loads
        .iter()
        .map(|&patterns| {
            let solutions: Vec<u64> = stored
                .iter()
                .filter(|&&(_, first)| first >= patterns)
                .map(|&(bits, _)| bits)
                .collect();
            let mut outcome = SolutionOverlaps {
                patterns,
                solutions: solutions.len() as u64,
                triplets: 0,
                overlap: None,
                lower_gap: None,
                upper_gap: None,
            };
            if solutions.is_empty() {
                return Ok(outcome);
            }
            let (mut overlap, mut lower, mut upper) = (
                Vec::with_capacity(triplets),
                Vec::with_capacity(triplets),
                Vec::with_capacity(triplets),
            );
            for _ in 0..triplets {
                let drawn: Vec<Vec<f64>> = (0..3)
                    .map(|_| weights(solutions[rng.random_range(0..solutions.len())]))
                    .collect();
                let matrix = OverlapMatrix::of_configurations(&[
                    &drawn[0][..],
                    &drawn[1][..],
                    &drawn[2][..],
                ])
                .expect("three configurations of N weights");
                let gaps = matrix
                    .gaps(OverlapSign::Signed)
                    .expect("three replicas make a triplet");
                overlap.push(matrix.pairs().iter().sum::<f64>() / 3.0);
                lower.push(gaps.lower);
                upper.push(gaps.upper);
            }
            let mean = |values: &[f64]| {
                let (mean, error) = mean_and_standard_error(values);
                Some(TripletMean { mean, error })
            };
            outcome.triplets = triplets;
            outcome.overlap = mean(&overlap);
            outcome.lower_gap = mean(&lower);
            outcome.upper_gap = mean(&upper);
            Ok(outcome)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perceptron::{DataEnsemble, InputDistribution, LabelRule, enumerate};
    use quench_core::rng::{Purpose, stream};

    fn storage_set(n: usize, p: usize, sample: u64) -> TrainingSet {
        let ensemble = DataEnsemble {
            dimension: n,
            patterns: p,
            inputs: InputDistribution::Gaussian,
            labels: LabelRule::Random,
        };
        TrainingSet::draw(&ensemble, 91, sample).unwrap()
    }

    /// Against the exact enumeration of every prefix: the number of
    /// solutions is $n(0)$, and the mean overlap of independent uniform
    /// solutions is $q = \frac1N\sum_i \langle w_i\rangle^2$ within the
    /// draw's own standard error.
    #[test]
    fn solution_counts_and_overlaps_agree_with_the_enumeration_of_each_prefix() {
        let set = storage_set(14, 12, 0);
        let loads = [3, 6, 9, 12];
        let mut rng = stream(5, Purpose::Dynamics, 0, 0);
        let found = solution_overlaps(&set, 0.0, &loads, 20_000, &mut rng).unwrap();
        let mut checked = 0;
        for (outcome, &p) in found.iter().zip(&loads) {
            let exact = enumerate(&set.prefix(p).unwrap(), 0.0).unwrap();
            assert_eq!(outcome.patterns, p);
            assert_eq!(outcome.solutions, exact.counts[0], "P = {p}");
            let Some(overlap) = outcome.overlap else {
                assert_eq!(exact.counts[0], 0);
                continue;
            };
            let q = exact.posterior(f64::INFINITY).unwrap().student_overlap;
            let z = (overlap.mean - q) / overlap.error;
            assert!(
                z.abs() < 4.5,
                "P = {p}: {overlap:?} against exact q = {q} (z = {z:.2})"
            );
            let (lower, upper) = (outcome.lower_gap.unwrap(), outcome.upper_gap.unwrap());
            assert!(lower.mean >= 0.0 && upper.mean >= 0.0 && lower.error > 0.0);
            checked += 1;
        }
        assert!(checked >= 3, "{found:?}");
    }

    /// A load without a solution has no overlaps; loads beyond the set and
    /// zero triplets are refused.
    #[test]
    fn unsolvable_loads_have_no_overlaps_and_bad_arguments_are_refused() {
        let set = storage_set(8, 16, 1);
        let mut rng = stream(5, Purpose::Dynamics, 0, 0);
        let found = solution_overlaps(&set, 0.0, &[16], 10, &mut rng).unwrap();
        let exact = enumerate(&set, 0.0).unwrap();
        assert_eq!(found[0].solutions, exact.counts[0]);
        if found[0].solutions == 0 {
            assert_eq!((found[0].triplets, found[0].overlap), (0, None));
        }
        assert!(solution_overlaps(&set, 0.0, &[17], 10, &mut rng).is_err());
        assert!(solution_overlaps(&set, 0.0, &[4], 0, &mut rng).is_err());
    }

    #[test]
    fn solution_overlaps_do_not_depend_on_the_thread_count() {
        let set = storage_set(13, 10, 2);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let mut rng = stream(7, Purpose::Dynamics, 0, 0);
                solution_overlaps(&set, 0.0, &[4, 8], 500, &mut rng).unwrap()
            })
        };
        assert_eq!(run(1), run(3));
    }
}
