//! Tests of the restricted Boltzmann machine against exact enumeration.

use quench_core::rng::{Purpose, stream};

use super::exact::{ExactSampler, data_moments};
use super::rbm::{Rbm, uniform};
use super::*;

/// A machine with weights $\mathcal N(0, s^2)$ and biases $\mathcal N(0, (s/2)^2)$.
fn machine(visible: usize, hidden: usize, scale: f64, seed: u64) -> Rbm {
    let mut rng = stream(seed, Purpose::Disorder, 0, 0);
    let mut machine = Rbm::random(visible, hidden, scale, &mut rng).unwrap();
    let normal = Rbm::random(visible + hidden, 1, scale / 2.0, &mut rng).unwrap();
    let (b, c) = normal.weights().split_at(visible);
    machine.visible_bias_mut().copy_from_slice(b);
    machine.hidden_bias_mut().copy_from_slice(c);
    machine
}

/// Every $(v, h)$, summed directly: $\ln\sum_{v,h} e^{-E(v,h)}$.
fn brute_force_log_partition(machine: &Rbm) -> f64 {
    let (nv, nh) = (machine.visible(), machine.hidden());
    let mut terms = Vec::new();
    for a in 0..1u32 << nv {
        let v: Vec<f64> = (0..nv).map(|i| (a >> i & 1) as f64).collect();
        for b in 0..1u32 << nh {
            let h: Vec<f64> = (0..nh).map(|j| (b >> j & 1) as f64).collect();
            terms.push(-machine.energy(&v, &h));
        }
    }
    let max = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    max + terms.iter().map(|t| (t - max).exp()).sum::<f64>().ln()
}

fn random_data(rows: usize, columns: usize, seed: u64) -> Vec<f64> {
    let mut rng = stream(seed, Purpose::InitialState, 0, 0);
    (0..rows * columns)
        .map(|_| if uniform(&mut rng) < 0.4 { 1.0 } else { 0.0 })
        .collect()
}

#[test]
fn the_gray_code_sum_over_either_layer_equals_the_sum_over_every_joint_state() {
    // Hidden layer enumerated (4 < 7), then visible (3 < 6), then a layer
    // of 13 units (two Gray-code blocks).
    for (nv, nh, seed) in [(7, 4, 1), (3, 6, 2), (13, 2, 3), (2, 13, 4)] {
        let m = machine(nv, nh, 1.0, seed);
        let exact = log_partition(&m).unwrap();
        let brute = brute_force_log_partition(&m);
        assert!(
            (exact - brute).abs() < 1e-9 * brute.abs().max(1.0),
            "{nv}x{nh}: {exact} vs {brute}"
        );
    }
}

#[test]
fn the_exact_gradient_is_the_derivative_of_the_exact_log_likelihood() {
    for (nv, nh, seed) in [(5, 3, 11), (3, 5, 12)] {
        let m = machine(nv, nh, 1.0, seed);
        let data = random_data(17, nv, seed);
        let gradient = exact_gradient(&m, &data).unwrap();
        let parameters = m.parameters();
        let likelihood = |p: &[f64]| {
            let (w, rest) = p.split_at(nv * nh);
            let (b, c) = rest.split_at(nv);
            let m = Rbm::from_parameters(nv, nh, w.to_vec(), b.to_vec(), c.to_vec()).unwrap();
            mean_log_likelihood(&m, &data, log_partition(&m).unwrap())
        };
        let step = 1e-5;
        for k in 0..parameters.len() {
            let mut plus = parameters.clone();
            plus[k] += step;
            let mut minus = parameters.clone();
            minus[k] -= step;
            let difference = (likelihood(&plus) - likelihood(&minus)) / (2.0 * step);
            // Central differences err by O(step^2) ~ 1e-10 and by rounding
            // ~ 1e-16 / step ~ 1e-11 per unit of the likelihood.
            assert!(
                (difference - gradient[k]).abs() < 1e-7,
                "{nv}x{nh} parameter {k}: finite difference {difference}, exact {}",
                gradient[k]
            );
        }
    }
}

#[test]
fn exact_samples_have_the_model_marginals() {
    let m = machine(6, 9, 1.0, 21);
    let moments = model_moments(&m).unwrap();
    let sampler = ExactSampler::new(&m).unwrap();
    let mut rng = stream(21, Purpose::Dynamics, 0, 0);
    let count = 20_000;
    let mut sums = [0.0; 6];
    let mut v = vec![0.0; 6];
    for _ in 0..count {
        sampler.sample_visible(&mut v, &mut rng);
        for (s, x) in sums.iter_mut().zip(&v) {
            *s += x;
        }
    }
    for (i, s) in sums.iter().enumerate() {
        let mean = s / count as f64;
        let p = moments.visible[i];
        let error = (p * (1.0 - p) / count as f64).sqrt();
        assert!(
            (mean - p).abs() < 5.0 * error,
            "unit {i}: sampled {mean}, exact {p} ± {error}"
        );
    }
    // The data moments of exact samples estimate the model moments.
    let mut data = vec![0.0; 6 * count];
    for row in data.chunks_exact_mut(6) {
        sampler.sample_visible(row, &mut rng);
    }
    let sampled = data_moments(&m, &data);
    for (a, b) in sampled.visible_hidden.iter().zip(&moments.visible_hidden) {
        assert!(
            (a - b).abs() < 5.0 * (0.25 / count as f64).sqrt(),
            "{a} vs {b}"
        );
    }
}

/// Forward and reverse AIS on `machines` random machines: the largest
/// $|\ln\widehat Z - \ln Z|$ in units of the estimate's own error bar.
fn largest_ais_deviation(schedule: &AisSchedule, chains: usize, reverse: bool) -> f64 {
    let mut largest: f64 = 0.0;
    for seed in 0..12 {
        // 24 visible and 10 hidden units with strong couplings: 2^24
        // visible states, far more than the chains can visit unaided.
        let m = machine(24, 10, 2.0, 100 + seed);
        let exact = log_partition(&m).unwrap();
        let base = vec![0.0; m.visible()];
        let estimate = if reverse {
            reverse_ais(&m, &base, schedule, chains, 7, seed).unwrap()
        } else {
            ais(&m, &base, schedule, chains, 7, seed).unwrap()
        };
        let deviation = (estimate.log_partition - exact).abs() / estimate.standard_error;
        largest = largest.max(deviation);
    }
    largest
}

#[test]
fn ais_agrees_with_the_exact_partition_function_within_its_error_bars() {
    let schedule = AisSchedule::standard(1000).unwrap();
    // Twelve machines, forward and reverse: with honest error bars a
    // deviation beyond 4.5 standard errors has probability ~1e-4 in all.
    let forward = largest_ais_deviation(&schedule, 128, false);
    assert!(forward < 4.5, "forward AIS: {forward} standard errors");
    let reverse = largest_ais_deviation(&schedule, 128, true);
    assert!(reverse < 4.5, "reverse AIS: {reverse} standard errors");
}

#[test]
fn a_broken_ais_schedule_is_caught_by_the_same_check() {
    // One step from the base to the machine is plain importance sampling from
    // the uniform distribution: its error bars are far too small (the
    // deviations reach tens of standard errors).
    let broken = AisSchedule::new(vec![0.0, 1.0]).unwrap();
    let forward = largest_ais_deviation(&broken, 128, false);
    assert!(forward > 4.5, "the broken schedule passed: {forward}");
}

#[test]
fn forward_ais_is_low_and_reverse_ais_high_on_a_short_path() {
    // Jensen: E[ln Z_forward] <= ln Z <= E[ln Z_reverse]; with a path of
    // one step on strongly coupled machines the gaps are several units of
    // ln Z wide, far beyond the spread of either estimate.
    let schedule = AisSchedule::linear(1).unwrap();
    for seed in 0..6 {
        let m = machine(24, 10, 2.0, 200 + seed);
        let exact = log_partition(&m).unwrap();
        let base = vec![0.0; 24];
        let forward = ais(&m, &base, &schedule, 256, 3, seed).unwrap();
        let reverse = reverse_ais(&m, &base, &schedule, 256, 3, seed).unwrap();
        assert!(
            forward.log_partition < exact && exact < reverse.log_partition,
            "{} < {exact} < {}",
            forward.log_partition,
            reverse.log_partition
        );
    }
}

#[test]
fn ais_does_not_depend_on_the_thread_count() {
    let m = machine(10, 12, 0.8, 300);
    let schedule = AisSchedule::standard(200).unwrap();
    let base = vec![0.0; 10];
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| ais(&m, &base, &schedule, 100, 5, 0).unwrap())
    };
    assert_eq!(run(1), run(3));
    let exact = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| log_partition(&machine(4, 20, 0.5, 301)).unwrap())
    };
    assert_eq!(exact(1).to_bits(), exact(4).to_bits());
}

/// The exact KL divergence $D(p_\text{teacher}\\|p_\text{student})$ of two
/// machines with few visible units.
fn divergence(teacher: &Rbm, student: &Rbm) -> f64 {
    let nv = teacher.visible();
    let (zt, zs) = (
        log_partition(teacher).unwrap(),
        log_partition(student).unwrap(),
    );
    let mut kl = 0.0;
    for a in 0..1u32 << nv {
        let v: Vec<f64> = (0..nv).map(|i| (a >> i & 1) as f64).collect();
        let (lt, ls) = (-teacher.free_energy(&v) - zt, -student.free_energy(&v) - zs);
        kl += lt.exp() * (lt - ls);
    }
    kl
}

#[test]
fn training_on_a_teachers_samples_approaches_the_teacher_as_data_grow() {
    // A teacher with 9 visible and 3 hidden units; students of the same shape
    // trained by PCD on M exact samples. The divergence of a maximum-likelihood
    // fit falls like d/(2M) with d = 39 parameters (plus the optimiser's
    // floor); over M = 100 -> 10000 it must fall by far more than the
    // spread between seeds.
    let teacher = machine(9, 3, 2.0, 400);
    let sampler = ExactSampler::new(&teacher).unwrap();
    let options = TrainingOptions {
        negative: NegativePhase::Persistent { steps: 1 },
        batch_size: 20,
        learning_rate: 0.05,
        momentum: 0.5,
        weight_decay: 0.0,
        chains: 20,
    };
    let mut divergences = Vec::new();
    for rows in [100usize, 10_000] {
        let mut rng = stream(400, Purpose::Disorder, rows as u64, 1);
        let mut data = vec![0.0; rows * 9];
        for row in data.chunks_exact_mut(9) {
            sampler.sample_visible(row, &mut rng);
        }
        let mut student = Rbm::random(9, 3, 0.01, &mut rng).unwrap();
        student.set_visible_bias_from_data(&super::rbm::marginals(&data, 9));
        let mut trainer = Trainer::new(
            student,
            options,
            stream(400, Purpose::Dynamics, rows as u64, 0),
        )
        .unwrap();
        // The same number of updates at every M.
        let epochs = 200_000 / rows;
        for _ in 0..epochs {
            trainer.train_epoch(&data).unwrap();
        }
        divergences.push(divergence(&teacher, trainer.machine()));
    }
    let (small, large) = (divergences[0], divergences[1]);
    // Measured: 0.037 and 0.0017 (d/(2M) = 0.0020 at M = 10000).
    let asymptotic = 39.0 / (2.0 * 10_000.0);
    assert!(
        large < 0.3 * small && large < 4.0 * asymptotic,
        "KL at M = 100: {small}, at M = 10000: {large}"
    );
}
