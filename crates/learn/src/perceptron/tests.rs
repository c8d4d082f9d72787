//! Tests of the perceptron against truth: brute-force counts, Cover's
//! theorem, exact enumeration against Monte Carlo.

use super::*;
use quench_core::rng::{Purpose, stream};
use quench_mc::moves::{Metropolis, Visit, sweep};
use quench_stats::estimate_from_series;
use rand::RngExt;

fn teacher_ensemble(
    n: usize,
    p: usize,
    inputs: InputDistribution,
    teacher: WeightKind,
) -> DataEnsemble {
    DataEnsemble {
        dimension: n,
        patterns: p,
        inputs,
        labels: LabelRule::Teacher {
            teacher,
            noise: 0.0,
        },
    }
}

fn storage_ensemble(n: usize, p: usize, inputs: InputDistribution) -> DataEnsemble {
    DataEnsemble {
        dimension: n,
        patterns: p,
        inputs,
        labels: LabelRule::Random,
    }
}

fn binary_weights(code: u64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| if (code >> i) & 1 == 1 { 1.0 } else { -1.0 })
        .collect()
}

#[test]
fn training_sets_grow_by_appending_patterns() {
    let small = TrainingSet::draw(
        &teacher_ensemble(11, 5, InputDistribution::Binary, WeightKind::Binary),
        3,
        2,
    )
    .unwrap();
    let large = TrainingSet::draw(
        &teacher_ensemble(11, 9, InputDistribution::Binary, WeightKind::Binary),
        3,
        2,
    )
    .unwrap();
    assert_eq!(small.teacher(), large.teacher());
    assert_eq!(small.labels(), &large.labels()[..5]);
    let (Inputs::Binary(a), Inputs::Binary(b)) = (small.inputs(), large.inputs()) else {
        panic!("binary inputs")
    };
    assert_eq!(a[..], b[..a.len()]);
    // Noiseless teacher labels: the teacher stores its own data.
    assert_eq!(large.violations(large.teacher().unwrap(), 0.0), 0);
}

#[test]
fn bad_ensembles_name_the_parameter() {
    let even = teacher_ensemble(10, 5, InputDistribution::Binary, WeightKind::Binary);
    let message = even.validate().unwrap_err().to_string();
    assert!(
        message.contains("dimension") && message.contains("odd"),
        "{message}"
    );
    // Gaussian inputs never tie: N even is fine.
    teacher_ensemble(10, 5, InputDistribution::Gaussian, WeightKind::Binary)
        .validate()
        .unwrap();
    let noisy = DataEnsemble {
        labels: LabelRule::Teacher {
            teacher: WeightKind::Spherical,
            noise: 0.7,
        },
        ..storage_ensemble(10, 5, InputDistribution::Gaussian)
    };
    assert!(
        noisy
            .validate()
            .unwrap_err()
            .to_string()
            .contains("label_noise")
    );
    assert!(
        storage_ensemble(0, 5, InputDistribution::Binary)
            .validate()
            .unwrap_err()
            .to_string()
            .contains("dimension")
    );
}

/// The incremental fields and counts after many flips equal those computed
/// from scratch, and the count equals the training set's own count of
/// $\Delta^\mu \le \kappa$ (one convention for ties everywhere).
#[test]
fn incremental_violations_match_a_recount() {
    for (inputs, n, margin) in [
        (InputDistribution::Binary, 15, 0.0),
        (InputDistribution::Binary, 16, 0.0),
        (InputDistribution::Binary, 25, 0.4),
        (InputDistribution::Gaussian, 20, 0.3),
    ] {
        let data = TrainingSet::draw(&storage_ensemble(n, 40, inputs), 9, 0).unwrap();
        let perceptron = BinaryPerceptron::new(&data, margin).unwrap();
        let reference = BinaryPerceptron::portable(&data, margin).unwrap();
        let mut rng = stream(1, Purpose::Dynamics, 0, 0);
        let start: Vec<i8> = (0..n)
            .map(|_| if rng.random::<bool>() { 1 } else { -1 })
            .collect();
        let mut state = perceptron.state(start.clone()).unwrap();
        let mut scalar = reference.state(start).unwrap();
        for _ in 0..500 {
            let site = rng.random_range(0..n);
            let delta = perceptron.flip(&mut state, site);
            assert_eq!(delta, reference.flip(&mut scalar, site));
        }
        assert_eq!(state, scalar);
        let fresh = perceptron.state(state.weights.clone()).unwrap();
        assert_eq!(state.violations, fresh.violations);
        assert_eq!(state.violations, perceptron.recount(&state));
        assert_eq!(
            state.violations as usize,
            data.violations(&state.real_weights(), margin)
        );
    }
}

/// Enumeration against a brute-force count of every weight vector, at
/// $N$ odd and even (ties at $\kappa = 0$), with a margin, and with a teacher.
#[test]
fn enumeration_counts_every_weight_vector() {
    for (ensemble, margin) in [
        (storage_ensemble(9, 12, InputDistribution::Binary), 0.0),
        (storage_ensemble(10, 8, InputDistribution::Binary), 0.0),
        (storage_ensemble(9, 6, InputDistribution::Gaussian), 0.5),
        (
            teacher_ensemble(9, 14, InputDistribution::Binary, WeightKind::Binary),
            0.0,
        ),
        (
            teacher_ensemble(8, 10, InputDistribution::Gaussian, WeightKind::Spherical),
            0.0,
        ),
    ] {
        let data = TrainingSet::draw(&ensemble, 4, 1).unwrap();
        let n = data.dimension();
        let result = enumerate(&data, margin).unwrap();
        let mut counts = vec![0u64; data.patterns() + 1];
        let mut overlap = vec![0.0; data.patterns() + 1];
        for code in 0..1u64 << n {
            let w = binary_weights(code, n);
            let e = data.violations(&w, margin);
            counts[e] += 1;
            if let Some(t) = data.teacher() {
                overlap[e] += cosine(&w, t);
            }
        }
        assert_eq!(result.counts, counts, "{ensemble:?}");
        assert_eq!(result.counts.iter().sum::<u64>(), 1 << n);
        if let Some(sums) = &result.teacher_overlap_sums {
            for (a, b) in sums.iter().zip(&overlap) {
                assert!((a - b).abs() < 1e-9, "{a} vs {b}");
            }
        }
    }
}

/// Without data every vector is a solution: entropy $\ln 2$, $q = 0$.
/// $d\ln Z/d\beta = -\langle E\rangle$ (checked by a central difference).
#[test]
fn posterior_identities() {
    let data = TrainingSet::draw(
        &teacher_ensemble(11, 9, InputDistribution::Binary, WeightKind::Binary),
        5,
        0,
    )
    .unwrap();
    let result = enumerate(&data, 0.0).unwrap();
    let n = 11.0;
    for beta in [0.3, 1.0, 3.0] {
        let h = 1e-4;
        let up = result.posterior(beta + h).unwrap().free_entropy * n;
        let down = result.posterior(beta - h).unwrap().free_entropy * n;
        let posterior = result.posterior(beta).unwrap();
        assert!(((up - down) / (2.0 * h) + posterior.energy).abs() < 1e-6);
    }
    let version_space = result.posterior(f64::INFINITY).unwrap();
    assert_eq!(version_space.energy, 0.0);
    assert!((version_space.free_entropy - result.entropy()).abs() < 1e-12);
    // The teacher is in the version space: R and q are positive.
    assert!(version_space.teacher_overlap.unwrap() > 0.0 && version_space.student_overlap > 0.0);
    // beta -> 0: uniform over all vectors, so R averages to 0 and q to 0.
    let hot = result.posterior(1e-9).unwrap();
    assert!(hot.teacher_overlap.unwrap().abs() < 1e-6 && hot.student_overlap < 1e-12);
    assert!((hot.free_entropy - std::f64::consts::LN_2).abs() < 1e-6);
    assert!(
        result
            .posterior(0.0)
            .unwrap_err()
            .to_string()
            .contains("beta")
    );
}

/// Results do not depend on the number of threads.
#[test]
fn enumeration_is_independent_of_the_thread_count() {
    let data = TrainingSet::draw(
        &teacher_ensemble(13, 11, InputDistribution::Gaussian, WeightKind::Spherical),
        8,
        0,
    )
    .unwrap();
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| enumerate(&data, 0.0).unwrap())
    };
    assert_eq!(run(1), run(3));
}

/// Metropolis sampling of binary weights at $\beta$ (Bayesian learning at
/// temperature $1/\beta$) reproduces the exact posterior averages of the
/// same training set within its own binning errors; Metropolis at the wrong
/// temperature (a deliberately wrong acceptance) is caught.
#[test]
fn metropolis_matches_the_exact_posterior() {
    let data = TrainingSet::draw(
        &teacher_ensemble(13, 13, InputDistribution::Binary, WeightKind::Binary),
        21,
        0,
    )
    .unwrap();
    let exact = enumerate(&data, 0.0).unwrap();
    let beta = 1.2;
    let truth = exact.posterior(beta).unwrap();
    let perceptron = BinaryPerceptron::new(&data, 0.0).unwrap();
    let teacher = data.teacher().unwrap().to_vec();
    let run = |acceptance_beta: f64| {
        let mut rng = stream(77, Purpose::Dynamics, 0, 0);
        let start: Vec<i8> = (0..13)
            .map(|_| if rng.random::<bool>() { 1 } else { -1 })
            .collect();
        let mut state = perceptron.state(start).unwrap();
        let mut scratch = Vec::new();
        let acceptance = Metropolis {
            beta: acceptance_beta,
        };
        let (mut energies, mut overlaps) = (Vec::new(), Vec::new());
        for t in 0..60_000 {
            sweep(
                &perceptron,
                &mut state,
                &acceptance,
                Visit::Sequential,
                &mut scratch,
                &mut rng,
            );
            if t >= 1_000 {
                energies.push(state.violations as f64);
                overlaps.push(cosine(&state.real_weights(), &teacher));
            }
        }
        (
            estimate_from_series(&energies),
            estimate_from_series(&overlaps),
        )
    };
    let (energy, overlap) = run(beta);
    let z_energy = energy.z_score(truth.energy);
    let z_overlap = overlap.z_score(truth.teacher_overlap.unwrap());
    assert!(z_energy.abs() < 4.5, "E: {energy:?} vs {}", truth.energy);
    assert!(
        z_overlap.abs() < 4.5,
        "R: {overlap:?} vs {:?}",
        truth.teacher_overlap
    );
    let (wrong, _) = run(2.0 * beta);
    assert!(
        wrong.z_score(truth.energy).abs() > 6.0,
        "{wrong:?} vs {}",
        truth.energy
    );
}

/// Cover: exactly one half of the dichotomies at $P = 2N$, for every $N$,
/// in integers and in the floating-point sum used beyond $P = 126$.
#[test]
fn cover_gives_one_half_at_twice_the_dimension() {
    for n in 1..=63 {
        assert_eq!(cover_separable_fraction(2 * n, n).unwrap(), 0.5, "N = {n}");
    }
    for n in [64, 100, 250, 1000] {
        let f = cover_separable_fraction(2 * n, n).unwrap();
        assert!((f - 0.5).abs() < 1e-12, "N = {n}: {f}");
    }
    assert_eq!(cover_count(3, 2), Some(6));
    assert_eq!(cover_count(4, 1), Some(2));
    assert_eq!(cover_count(5, 9), Some(32));
    // Integer and floating-point paths agree away from 1/2.
    for (p, n) in [(120, 50), (100, 60), (126, 70), (90, 20)] {
        let exact = cover_count(p as u32, n as u32).unwrap() as f64 / (p as f64).exp2();
        let logs = super::spherical::cover_fraction_in_logs(p, n);
        assert!(
            (exact - logs).abs() <= 1e-12 * exact,
            "P = {p}, N = {n}: {exact} vs {logs}"
        );
    }
}

/// The exact decision agrees with Cover's probability on random samples
/// (binomial errors), and its weights have the margin it reports.
#[test]
fn maximal_stability_decides_like_cover() {
    let (n, samples) = (20, 200u64);
    for p in [30usize, 40, 50] {
        let ensemble = storage_ensemble(n, p, InputDistribution::Gaussian);
        let mut separable = 0u64;
        for sample in 0..samples {
            let data = TrainingSet::draw(&ensemble, 12, sample).unwrap();
            let result = maximal_stability(&data).unwrap();
            assert!(result.certain, "{result:?}");
            if result.separable {
                separable += 1;
                let kappa = result.margin.unwrap();
                assert!(kappa > 0.0);
                let w = result.weights.as_ref().unwrap();
                let smallest = data
                    .stabilities(w)
                    .into_iter()
                    .fold(f64::INFINITY, f64::min);
                assert!((smallest - kappa).abs() < 1e-9);
                // The perceptron rule converges on separable data within
                // Novikoff's bound (R / kappa)^2 updates, R = max |x|; checked
                // where the bound is affordable.
                let columns = data.signed_columns_real();
                let radius2 = (0..p)
                    .map(|mu| (0..n).map(|i| columns[i * p + mu].powi(2)).sum::<f64>())
                    .fold(0.0, f64::max);
                let bound = radius2 / (kappa * kappa);
                if bound < 2e5 {
                    let rule = perceptron_rule(&data, 0.0, bound as u64 + 1, None).unwrap();
                    assert!(rule.converged, "P = {p}, kappa {kappa}: {rule:?}");
                    assert!(rule.updates as f64 <= bound, "{} > {bound}", rule.updates);
                }
            }
        }
        let expected = cover_separable_fraction(p, n).unwrap();
        let sigma = (expected * (1.0 - expected) / samples as f64).sqrt();
        let observed = separable as f64 / samples as f64;
        assert!(
            (observed - expected).abs() < 4.0 * sigma + 1.0 / samples as f64,
            "P = {p}: {observed} vs {expected}"
        );
    }
}

/// A binary solution is a spherical one: whenever enumeration finds a
/// binary weight vector with margin $\kappa$, the convex programme finds
/// $\kappa_{\max} > \kappa$.
#[test]
fn binary_solutions_are_spherical_solutions() {
    for sample in 0..20 {
        let data = TrainingSet::draw(
            &storage_ensemble(11, 12, InputDistribution::Gaussian),
            31,
            sample,
        )
        .unwrap();
        let kappa = 0.2;
        let binary = enumerate(&data, kappa).unwrap();
        let spherical = maximal_stability(&data).unwrap();
        if binary.solutions() > 0 {
            assert!(
                spherical.separable_with(kappa),
                "sample {sample}: {spherical:?}"
            );
        }
    }
}
