//! `quench exact --model perceptron`: disorder averages over training sets
//! of exactly enumerated binary perceptrons.
//!
//! Every training set is enumerated completely (all $2^N$ binary weight
//! vectors, [`quench_learn::perceptron::enumerate`]), so the posterior
//! averages of one set carry no statistical error; the quoted errors are
//! the standard errors over training sets. Temperature 0 is the version
//! space (students with no training error), averaged over the sets that
//! have one.

use quench_core::{FamilyStreams, UnitStreams};
use quench_learn::perceptron::{DataEnsemble, TrainingSet, enumerate};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::RunError;
use crate::exact::Averaged;

/// The largest $N$ `quench exact` enumerates.
pub const MAX_DIMENSION: usize = 30;

/// Exact averages at one temperature.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerceptronExactPoint {
    /// Temperature (0: the version space).
    pub temperature: f64,
    /// Training sets averaged (at $T = 0$ those with a solution).
    pub samples: u64,
    /// $\frac1N\ln Z$ with $Z = \sum_w e^{-E(w)/T}$ (at $T = 0$ the entropy of the version space).
    pub free_entropy: Averaged,
    /// $\langle E\rangle/P$.
    pub training_error: Averaged,
    /// $\langle R\rangle$ (teacher labels only).
    pub teacher_overlap: Option<Averaged>,
    /// $\langle\arccos R\rangle/\pi$ (teacher labels only).
    pub generalization_error: Option<Averaged>,
    /// $q = \frac1N\sum_i\langle w_i\rangle^2$.
    pub student_overlap: Averaged,
}

/// What `quench exact --model perceptron` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerceptronExact {
    /// The ensemble of training sets.
    pub ensemble: DataEnsemble,
    /// Margin $\kappa$.
    pub margin: f64,
    /// Training sets.
    pub samples: u64,
    /// Master seed.
    pub seed: u64,
    /// Fraction of training sets with a solution (binomial standard error).
    pub solvable: Averaged,
    /// Mean number of solutions over the sets.
    pub solutions: Averaged,
    /// Per temperature.
    pub temperatures: Vec<PerceptronExactPoint>,
}

fn averaged(values: Vec<f64>) -> Averaged {
    let average = quench_stats::DisorderAverage::new(values);
    Averaged {
        mean: average.mean(),
        error: average.error(),
    }
}

/// Enumerates `samples` training sets of `ensemble` (binary weights, margin
/// `margin`) at each temperature ($\ge 0$). Set `s` is drawn from
/// `UnitStreams::new(seed, FamilyStreams::Named("perceptron"), 0, s)`; sets
/// are enumerated in parallel and collected in order, so the result does
/// not depend on the thread count.
pub fn exact_perceptron(
    ensemble: &DataEnsemble,
    margin: f64,
    samples: u64,
    temperatures: &[f64],
    seed: u64,
) -> Result<PerceptronExact, RunError> {
    let bad = |flag: &str, value: String, allowed: &str| {
        RunError::Input(format!("--{flag} {value}: allowed: {allowed}"))
    };
    ensemble
        .validate()
        .map_err(|e| RunError::Input(format!("{e}")))?;
    if ensemble.dimension > MAX_DIMENSION {
        return Err(bad(
            "n",
            ensemble.dimension.to_string(),
            &format!("at most {MAX_DIMENSION} weights (2^N vectors per training set)"),
        ));
    }
    if samples == 0 {
        return Err(bad("samples", "0".into(), "at least 1"));
    }
    if !margin.is_finite() {
        return Err(bad("margin", margin.to_string(), "a finite number"));
    }
    if temperatures.is_empty() || temperatures.iter().any(|t| !(t.is_finite() && *t >= 0.0)) {
        return Err(bad(
            "temperatures",
            format!("{temperatures:?}"),
            "temperatures >= 0 (0: the version space)",
        ));
    }
    let enumerations = (0..samples)
        .into_par_iter()
        .map(|sample| {
            let streams = UnitStreams::new(seed, FamilyStreams::Named("perceptron"), 0, sample);
            let (seed, sample) = streams.seed_and_sample();
            let data = TrainingSet::draw(ensemble, seed, sample)?;
            Ok(enumerate(&data, margin)?)
        })
        .collect::<Result<Vec<_>, RunError>>()?;
    let solvable: Vec<f64> = enumerations
        .iter()
        .map(|e| f64::from(u8::from(e.solutions() > 0)))
        .collect();
    let solutions = averaged(enumerations.iter().map(|e| e.solutions() as f64).collect());
    let fraction = solvable.iter().sum::<f64>() / samples as f64;
    let mut points = Vec::new();
    for &temperature in temperatures {
        let beta = if temperature == 0.0 {
            f64::INFINITY
        } else {
            1.0 / temperature
        };
        let posteriors: Vec<_> = enumerations
            .iter()
            .filter(|e| beta.is_finite() || e.solutions() > 0)
            .map(|e| e.posterior(beta))
            .collect::<Result<_, _>>()?;
        let column = |f: &dyn Fn(&quench_learn::perceptron::Posterior) -> f64| {
            averaged(posteriors.iter().map(f).collect())
        };
        let teacher = posteriors
            .first()
            .is_some_and(|p| p.teacher_overlap.is_some());
        points.push(PerceptronExactPoint {
            temperature,
            samples: posteriors.len() as u64,
            free_entropy: column(&|p| p.free_entropy),
            training_error: column(&|p| p.energy / ensemble.patterns as f64),
            teacher_overlap: teacher.then(|| column(&|p| p.teacher_overlap.unwrap_or(f64::NAN))),
            generalization_error: teacher
                .then(|| column(&|p| p.generalization_error.unwrap_or(f64::NAN))),
            student_overlap: column(&|p| p.student_overlap),
        });
    }
    Ok(PerceptronExact {
        ensemble: *ensemble,
        margin,
        samples,
        seed,
        solvable: Averaged {
            mean: fraction,
            error: (fraction * (1.0 - fraction) / samples as f64).sqrt(),
        },
        solutions,
        temperatures: points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quench_learn::perceptron::{InputDistribution, LabelRule, WeightKind};

    /// The version-space averages are those of the sets with a solution,
    /// and the answer does not depend on the number of threads.
    #[test]
    fn exact_perceptron_averages_the_version_space_of_solvable_sets() {
        let ensemble = DataEnsemble {
            dimension: 9,
            patterns: 9,
            inputs: InputDistribution::Binary,
            labels: LabelRule::Random,
        };
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| exact_perceptron(&ensemble, 0.0, 40, &[0.0, 0.5], 3).unwrap());
        let many = exact_perceptron(&ensemble, 0.0, 40, &[0.0, 0.5], 3).unwrap();
        assert_eq!(one, many);
        let solvable = (one.solvable.mean * 40.0).round() as u64;
        assert!(solvable > 0 && solvable < 40, "{solvable} of 40 solvable");
        assert_eq!(one.temperatures[0].samples, solvable);
        assert_eq!(one.temperatures[0].training_error.mean, 0.0);
        assert_eq!(one.temperatures[1].samples, 40);
        assert!(one.temperatures[1].training_error.mean > 0.0);
        assert!(one.temperatures[0].teacher_overlap.is_none());
        let teacher = DataEnsemble {
            labels: LabelRule::Teacher {
                teacher: WeightKind::Binary,
                noise: 0.0,
            },
            ..ensemble
        };
        let learned = exact_perceptron(&teacher, 0.0, 10, &[0.0], 4).unwrap();
        // The teacher is always a solution.
        assert_eq!(learned.solvable.mean, 1.0);
        assert!(learned.temperatures[0].teacher_overlap.unwrap().mean > 0.0);
    }
}
