//! Tests of the machine with Gaussian visible units against quadrature,
//! finite differences and its own exact sums.

use quench_core::rng::{Purpose, stream};
use rand_distr::{Distribution, StandardNormal};

use super::exact::ExactSampler;
use super::rbm::Rbm;
use super::*;

/// A Gaussian machine with weights $\mathcal N(0, s^2)$ and biases $\mathcal N(0, 1/4)$.
fn gaussian(visible: usize, hidden: usize, scale: f64, seed: u64) -> Rbm {
    let mut rng = stream(seed, Purpose::Disorder, 0, 1);
    let mut machine = Rbm::random(visible, hidden, scale, &mut rng)
        .unwrap()
        .with_visible_units(VisibleUnits::Gaussian);
    let mut normal = || -> f64 {
        let z: f64 = StandardNormal.sample(&mut rng);
        0.5 * z
    };
    machine
        .visible_bias_mut()
        .iter_mut()
        .for_each(|b| *b = normal());
    machine
        .hidden_bias_mut()
        .iter_mut()
        .for_each(|c| *c = normal());
    machine
}

/// $\ln\int e^{-F(v)}dv$ by the midpoint rule on $[-12, 12]^2$, for two visible units.
fn quadrature_log_partition(machine: &Rbm) -> f64 {
    assert_eq!(machine.visible(), 2);
    let (low, high, points) = (-12.0, 12.0, 1200);
    let step = (high - low) / points as f64;
    let mut terms = Vec::with_capacity(points * points);
    for a in 0..points {
        for b in 0..points {
            let v = [low + (a as f64 + 0.5) * step, low + (b as f64 + 0.5) * step];
            terms.push(-machine.free_energy(&v));
        }
    }
    let max = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    max + (terms.iter().map(|t| (t - max).exp()).sum::<f64>() * step * step).ln()
}

#[test]
fn the_gaussian_partition_function_equals_the_integral_of_the_free_energy() {
    for (hidden, seed) in [(3, 1), (13, 2)] {
        let m = gaussian(2, hidden, 0.8, seed);
        let exact = log_partition(&m).unwrap();
        let quadrature = quadrature_log_partition(&m);
        assert!(
            (exact - quadrature).abs() < 1e-6,
            "{hidden} hidden: {exact} vs {quadrature}"
        );
    }
}

#[test]
fn the_gaussian_exact_gradient_is_the_derivative_of_the_exact_log_likelihood() {
    let (nv, nh) = (4, 3);
    let m = gaussian(nv, nh, 0.7, 11);
    let mut rng = stream(11, Purpose::InitialState, 0, 0);
    let data: Vec<f64> = (0..17 * nv)
        .map(|_| {
            let z: f64 = StandardNormal.sample(&mut rng);
            0.3 + z
        })
        .collect();
    let gradient = exact_gradient(&m, &data).unwrap();
    let parameters = m.parameters();
    let likelihood = |p: &[f64]| {
        let (w, rest) = p.split_at(nv * nh);
        let (b, c) = rest.split_at(nv);
        let m = Rbm::from_parameters(nv, nh, w.to_vec(), b.to_vec(), c.to_vec())
            .unwrap()
            .with_visible_units(VisibleUnits::Gaussian);
        mean_log_likelihood(&m, &data, log_partition(&m).unwrap())
    };
    let step = 1e-5;
    for k in 0..parameters.len() {
        let (mut plus, mut minus) = (parameters.clone(), parameters.clone());
        plus[k] += step;
        minus[k] -= step;
        let difference = (likelihood(&plus) - likelihood(&minus)) / (2.0 * step);
        assert!(
            (difference - gradient[k]).abs() < 1e-7,
            "parameter {k}: {difference} vs {}",
            gradient[k]
        );
    }
}

#[test]
fn gaussian_exact_samples_have_the_model_means() {
    let m = gaussian(5, 6, 0.8, 21);
    let moments = model_moments(&m).unwrap();
    let sampler = ExactSampler::new(&m).unwrap();
    let mut rng = stream(21, Purpose::Dynamics, 0, 0);
    let count = 20_000;
    let mut samples = vec![0.0; 5 * count];
    for row in samples.chunks_exact_mut(5) {
        sampler.sample_visible(row, &mut rng);
    }
    for i in 0..5 {
        let values: Vec<f64> = samples.iter().skip(i).step_by(5).copied().collect();
        let mean = values.iter().sum::<f64>() / count as f64;
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / count as f64;
        let error = (variance / count as f64).sqrt();
        assert!(
            (mean - moments.visible[i]).abs() < 4.5 * error,
            "unit {i}: sampled {mean} ± {error}, exact {}",
            moments.visible[i]
        );
    }
}

#[test]
fn gaussian_ais_agrees_with_the_exact_partition_function_within_its_error_bars() {
    let schedule = AisSchedule::standard(1000).unwrap();
    let mut largest: f64 = 0.0;
    for seed in 0..8 {
        let m = gaussian(20, 10, 0.5, 100 + seed);
        let exact = log_partition(&m).unwrap();
        let base = m.visible_bias().to_vec();
        for reverse in [false, true] {
            let estimate = if reverse {
                reverse_ais(&m, &base, &schedule, 128, 7, seed).unwrap()
            } else {
                ais(&m, &base, &schedule, 128, 7, seed).unwrap()
            };
            largest = largest.max((estimate.log_partition - exact).abs() / estimate.standard_error);
        }
    }
    assert!(largest < 4.5, "AIS off by {largest} standard errors");
    // One step from the base is plain importance sampling: caught.
    let broken = AisSchedule::new(vec![0.0, 1.0]).unwrap();
    let m = gaussian(20, 10, 1.5, 300);
    let estimate = ais(&m, m.visible_bias(), &broken, 128, 7, 0).unwrap();
    let exact = log_partition(&m).unwrap();
    assert!(
        (estimate.log_partition - exact).abs() / estimate.standard_error > 4.5,
        "the broken schedule passed"
    );
}

/// Persistent CD on a Gaussian teacher's samples raises the exact held-out
/// log-likelihood of a student from its start most of the way to the
/// teacher's own.
#[test]
fn gaussian_training_approaches_the_teachers_likelihood() {
    let teacher = gaussian(6, 3, 1.0, 400);
    let sampler = ExactSampler::new(&teacher).unwrap();
    let mut rng = stream(400, Purpose::Disorder, 0, 2);
    let mut draw = |rows: usize| {
        let mut data = vec![0.0; rows * 6];
        for row in data.chunks_exact_mut(6) {
            sampler.sample_visible(row, &mut rng);
        }
        data
    };
    let (train, test) = (draw(4000), draw(4000));
    let mut student = Rbm::random(6, 3, 0.01, &mut rng)
        .unwrap()
        .with_visible_units(VisibleUnits::Gaussian);
    student.set_visible_bias_from_data(&super::rbm::marginals(&train, 6));
    let likelihood = |m: &Rbm| mean_log_likelihood(m, &test, log_partition(m).unwrap());
    let (start, best) = (likelihood(&student), likelihood(&teacher));
    let options = TrainingOptions {
        negative: NegativePhase::Persistent { steps: 1 },
        batch_size: 20,
        learning_rate: 0.01,
        momentum: 0.5,
        weight_decay: 0.0,
        chains: 20,
    };
    let mut trainer = Trainer::new(student, options, stream(400, Purpose::Dynamics, 0, 0)).unwrap();
    for _ in 0..30 {
        trainer.train_epoch(&train).unwrap();
    }
    let end = likelihood(trainer.machine());
    assert!(
        end - start > 0.8 * (best - start),
        "start {start}, trained {end}, teacher {best}"
    );
}
