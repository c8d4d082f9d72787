//! Deep networks against truth: incremental updates against recomputation,
//! Monte Carlo against exact enumeration, $L = 1$ against the perceptron family.

use super::*;
use crate::perceptron::{
    Inputs, SphericalPerceptron, TrainingSet, WeightKind, enumerate as enumerate_perceptron,
};
use quench_core::rng::{Purpose, stream};
use quench_mc::moves::{Greedy, Metropolis};

#[allow(clippy::too_many_arguments)]
fn space(
    width: usize,
    depth: usize,
    connectivity: usize,
    weights: WeightKind,
    patterns: usize,
    scenario: Scenario,
    margin: f64,
    loss: Loss,
    seed: u64,
) -> DesignSpace {
    let architecture = Architecture {
        width,
        depth,
        connectivity,
        weights,
    };
    let data = DeepData::draw(architecture, patterns, scenario, seed, 0).unwrap();
    DesignSpace::new(data, margin, loss).unwrap()
}

/// Mean and standard error of bin means.
fn mean_error(bins: &[f64]) -> (f64, f64) {
    let n = bins.len() as f64;
    let mean = bins.iter().sum::<f64>() / n;
    let variance = bins.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    (mean, (variance / n).sqrt())
}

fn assert_consistent(space: &DesignSpace, state: &DesignState, context: &str) {
    let fresh = space.recomputed(state);
    assert_eq!(state.spins, fresh.spins, "{context}: spins");
    assert_eq!(state.energy, fresh.energy, "{context}: energy");
    for (t, (a, b)) in state.fields.iter().zip(&fresh.fields).enumerate() {
        assert!(
            (a - b).abs() < 1e-9,
            "{context}: field {t}: {a} against {b}"
        );
    }
    if space.architecture().weights == WeightKind::Spherical {
        let c = space.architecture().connectivity;
        for chunk in state.weights.chunks_exact(c) {
            let norm2: f64 = chunk.iter().map(|w| w * w).sum();
            assert!(
                (norm2 - c as f64).abs() < 1e-9,
                "{context}: |J|^2 = {norm2}"
            );
        }
    }
}

/// After long sequences of random moves at a finite temperature (so
/// that many are made and many refused), the incrementally kept fields,
/// feed-forward spins and energies equal their recomputation from the
/// weights and spins, for every kind of weights, wiring and loss.
#[test]
fn incremental_gap_updates_equal_recomputation_after_long_move_sequences() {
    let cases = [
        (6, 3, 6, WeightKind::Spherical, Scenario::Random, Loss::Gaps),
        (7, 4, 3, WeightKind::Binary, Scenario::Random, Loss::Gaps),
        (
            5,
            3,
            5,
            WeightKind::Binary,
            Scenario::Teacher { noise: 0.1 },
            Loss::Gaps,
        ),
        (
            6,
            3,
            6,
            WeightKind::Spherical,
            Scenario::Teacher { noise: 0.0 },
            Loss::OutputError,
        ),
        (
            7,
            4,
            4,
            WeightKind::Spherical,
            Scenario::Random,
            Loss::OutputError,
        ),
        (
            5,
            3,
            3,
            WeightKind::Binary,
            Scenario::Teacher { noise: 0.2 },
            Loss::OutputError,
        ),
    ];
    for (case, &(n, l, c, kind, scenario, loss)) in cases.iter().enumerate() {
        let space = space(n, l, c, kind, 9, scenario, 0.2, loss, 11 + case as u64);
        let mut rng = stream(3, Purpose::Dynamics, case as u64, 0);
        let mut state = space.random_state(&mut rng);
        let mut scratch = MoveScratch::default();
        let mut made = SweepMoves::default();
        for t in 0..40 {
            let moves = space.sweep(
                &mut state,
                &Metropolis { beta: 0.8 },
                0.7,
                &mut scratch,
                &mut rng,
            );
            made.weights += moves.weights;
            made.spins += moves.spins;
            made.weight_attempts += moves.weight_attempts;
            assert_consistent(&space, &state, &format!("case {case}, sweep {t}"));
        }
        assert!(made.weights > 20, "case {case}: {made:?}");
        assert!(
            made.weights < made.weight_attempts,
            "case {case}: some moves refused ({made:?})"
        );
        if loss == Loss::Gaps {
            assert!(made.spins > 20, "case {case}: {made:?}");
        }
    }
}

/// Monte Carlo averages at $\beta$ against exact enumeration of every
/// configuration of three small networks with binary weights (global and
/// sparse wiring, both losses): $\langle E\rangle$, and $\langle J\rangle$,
/// $\langle S\rangle$ of the first weights and hidden spins, each within 5
/// standard errors of 400 bins of 250 sweeps (bins far longer than the
/// correlation time of a dozen variables).
#[test]
fn monte_carlo_agrees_with_exact_enumeration_of_small_networks() {
    let cases = [
        (2, 2, 2, 2, Loss::Gaps, Scenario::Random),
        (2, 3, 1, 2, Loss::Gaps, Scenario::Teacher { noise: 0.25 }),
        (2, 2, 2, 3, Loss::OutputError, Scenario::Random),
    ];
    let beta = 0.9;
    for (case, &(n, l, c, m, loss, scenario)) in cases.iter().enumerate() {
        let space = space(
            n,
            l,
            c,
            WeightKind::Binary,
            m,
            scenario,
            0.0,
            loss,
            40 + case as u64,
        );
        let exact = exact::enumerate(&space, beta).unwrap();
        assert!(
            exact.energy > 0.2,
            "case {case}: the test needs errors at beta ({})",
            exact.energy
        );
        let mut rng = stream(8, Purpose::Dynamics, case as u64, 0);
        let mut state = space.random_state(&mut rng);
        let mut scratch = MoveScratch::default();
        let (bins, per_bin) = (400, 250);
        let hidden = exact.spins.len();
        let layer = n * m;
        let mut energy = Vec::new();
        let mut weight = vec![Vec::new(); 2];
        let mut spin = vec![Vec::new(); hidden.min(2)];
        for _ in 0..bins {
            let mut e = 0.0;
            let mut w = [0.0; 2];
            let mut s = [0.0; 2];
            for _ in 0..per_bin {
                space.sweep(
                    &mut state,
                    &Metropolis { beta },
                    0.0,
                    &mut scratch,
                    &mut rng,
                );
                e += state.energy as f64;
                for (slot, &x) in w.iter_mut().zip(&state.weights) {
                    *slot += x;
                }
                for (t, slot) in s.iter_mut().enumerate().take(hidden.min(2)) {
                    *slot += state.spins[layer + t];
                }
            }
            energy.push(e / per_bin as f64);
            for (series, &x) in weight.iter_mut().zip(&w) {
                series.push(x / per_bin as f64);
            }
            for (t, series) in spin.iter_mut().enumerate() {
                series.push(s[t] / per_bin as f64);
            }
        }
        let check = |name: &str, series: &[f64], truth: f64| {
            let (mean, error) = mean_error(series);
            assert!(
                (mean - truth).abs() < 5.0 * error.max(1e-3),
                "case {case}: <{name}> = {mean} ± {error}, exact {truth}"
            );
        };
        check("E", &energy, exact.energy);
        for (t, (series, &truth)) in weight.iter().zip(&exact.weights).enumerate() {
            check(&format!("J_{t}"), series, truth);
        }
        for (t, series) in spin.iter().enumerate() {
            check(&format!("S_{t}"), series, exact.spins[t]);
        }
    }
}

/// The perceptron family's training set of output neuron $k$ of a
/// one-layer network: inputs $S(0)$, labels $S^\mu_{1,k}$.
fn perceptron_of_neuron(space: &DesignSpace, k: usize) -> TrainingSet {
    let data = space.data();
    let n = space.architecture().width;
    let inputs = data.inputs.iter().map(|&x| x as i8).collect();
    let labels = (0..data.patterns)
        .map(|mu| data.outputs[mu * n + k] as i8)
        .collect();
    TrainingSet::from_parts(n, Inputs::Binary(inputs), labels, None).unwrap()
}

/// With $L = 1$ the network is $N$ perceptrons on the same inputs: its
/// energy is the sum of the perceptron family's violation counts for the
/// same weights, and its exact Boltzmann average is the sum of the
/// perceptron family's exact posterior energies (binary weights).
#[test]
fn one_layer_is_the_perceptron_family() {
    let (n, m, margin) = (4, 6, 0.3);
    let space = space(
        n,
        1,
        n,
        WeightKind::Binary,
        m,
        Scenario::Random,
        margin,
        Loss::Gaps,
        77,
    );
    let mut rng = stream(1, Purpose::InitialState, 0, 0);
    for _ in 0..20 {
        let state = space.random_state(&mut rng);
        let total: usize = (0..n)
            .map(|k| {
                perceptron_of_neuron(&space, k)
                    .violations(&state.weights[k * n..(k + 1) * n], margin)
            })
            .sum();
        assert_eq!(state.energy as usize, total);
    }
    let beta = 1.1;
    let exact = exact::enumerate(&space, beta).unwrap();
    let family: f64 = (0..n)
        .map(|k| {
            enumerate_perceptron(&perceptron_of_neuron(&space, k), margin)
                .unwrap()
                .posterior(beta)
                .unwrap()
                .energy
        })
        .sum();
    assert!(
        (exact.energy - family).abs() < 1e-10,
        "{} against {family}",
        exact.energy
    );
}

/// With $L = 1$ and spherical weights, the rotation moves sample the same
/// posterior as the perceptron family's plane rotations: the mean number
/// of training errors of the network equals the sum over its output
/// neurons of the perceptron chains' means, within 5 combined standard
/// errors of 200-sweep bins.
#[test]
fn one_spherical_layer_samples_the_perceptron_posterior() {
    let (n, m, margin, beta) = (3, 8, 0.1, 1.2);
    let space = space(
        n,
        1,
        n,
        WeightKind::Spherical,
        m,
        Scenario::Random,
        margin,
        Loss::Gaps,
        5,
    );
    let (bins, per_bin) = (200, 200);
    let mut rng = stream(2, Purpose::Dynamics, 0, 0);
    let mut state = space.random_state(&mut rng);
    let mut scratch = MoveScratch::default();
    let mut deep = Vec::new();
    for _ in 0..bins {
        let mut e = 0.0;
        for _ in 0..per_bin {
            space.sweep(
                &mut state,
                &Metropolis { beta },
                1.0,
                &mut scratch,
                &mut rng,
            );
            e += state.energy as f64;
        }
        deep.push(e / per_bin as f64);
    }
    let (deep_mean, deep_error) = mean_error(&deep);
    let (mut family_mean, mut family_variance) = (0.0, 0.0);
    for k in 0..n {
        let perceptron =
            SphericalPerceptron::new(&perceptron_of_neuron(&space, k), margin).unwrap();
        let mut rng = stream(4, Purpose::Dynamics, k as u64, 0);
        let mut sphere = perceptron.random_state(&mut rng);
        let mut work = Vec::new();
        let mut series = Vec::new();
        for _ in 0..bins {
            let mut e = 0.0;
            for _ in 0..per_bin {
                perceptron.sweep(&mut sphere, beta, &mut work, &mut rng);
                e += sphere.violations as f64;
            }
            series.push(e / per_bin as f64);
        }
        let (mean, error) = mean_error(&series);
        family_mean += mean;
        family_variance += error * error;
    }
    let error = (deep_error * deep_error + family_variance).sqrt();
    assert!(
        (deep_mean - family_mean).abs() < 5.0 * error,
        "network {deep_mean} ± {deep_error}, perceptrons {family_mean} ± {}",
        family_variance.sqrt()
    );
    assert!(
        family_mean > 0.3,
        "the test needs training errors ({family_mean})"
    );
}

/// Without constraints (a margin far below every field) every rotation is
/// made and the weights sample the uniform sphere $|J|^2 = c$:
/// $\langle J_1^2\rangle = 1$, $\langle J_1^4\rangle = 3c/(c+2)$.
#[test]
fn rotations_sample_the_uniform_sphere() {
    let c = 5;
    let space = space(
        c,
        1,
        c,
        WeightKind::Spherical,
        2,
        Scenario::Random,
        -1e9,
        Loss::Gaps,
        9,
    );
    let mut rng = stream(6, Purpose::Dynamics, 0, 0);
    let mut state = space.random_state(&mut rng);
    let mut scratch = MoveScratch::default();
    let (mut second, mut fourth) = (Vec::new(), Vec::new());
    for _ in 0..400 {
        let (mut s2, mut s4) = (0.0, 0.0);
        for _ in 0..100 {
            space.sweep(
                &mut state,
                &Metropolis { beta: 1.0 },
                0.8,
                &mut scratch,
                &mut rng,
            );
            let w = state.weights[0];
            s2 += w * w;
            s4 += w.powi(4);
        }
        second.push(s2 / 100.0);
        fourth.push(s4 / 100.0);
    }
    let (m2, e2) = mean_error(&second);
    let (m4, e4) = mean_error(&fourth);
    let exact4 = 3.0 * c as f64 / (c as f64 + 2.0);
    assert!((m2 - 1.0).abs() < 5.0 * e2, "<J^2> = {m2} ± {e2}");
    assert!(
        (m4 - exact4).abs() < 5.0 * e4,
        "<J^4> = {m4} ± {e4}, exact {exact4}"
    );
}

/// The teacher stores its own noiseless data with every gap open
/// ($\kappa = 0$) and without output errors; zero-temperature dynamics
/// from a random start never raise the energy.
#[test]
fn the_teacher_is_a_solution_and_greedy_learning_descends() {
    for loss in [Loss::Gaps, Loss::OutputError] {
        let space = space(
            8,
            3,
            8,
            WeightKind::Spherical,
            16,
            Scenario::Teacher { noise: 0.0 },
            0.0,
            loss,
            21,
        );
        assert_eq!(space.teacher_state().unwrap().energy, 0, "{loss:?}");
        let mut rng = stream(7, Purpose::Dynamics, 0, 0);
        let mut state = space.random_state(&mut rng);
        let mut scratch = MoveScratch::default();
        let start = state.energy;
        let mut last = start;
        for _ in 0..30 {
            space.sweep(
                &mut state,
                &Metropolis {
                    beta: f64::INFINITY,
                },
                0.3,
                &mut scratch,
                &mut rng,
            );
            assert!(state.energy <= last, "{loss:?}");
            last = state.energy;
            space.sweep(&mut state, &Greedy, 0.3, &mut scratch, &mut rng);
            assert!(state.energy <= last, "{loss:?}");
            last = state.energy;
        }
        assert!(last < start / 2, "{loss:?}: {start} -> {last}");
    }
}

/// Layer overlaps of a state with itself are 1, and the teacher's
/// feed-forward representation of the training inputs is its design state's.
#[test]
fn the_teacher_state_holds_its_own_representation() {
    let space = space(
        6,
        4,
        3,
        WeightKind::Binary,
        10,
        Scenario::Teacher { noise: 0.0 },
        0.0,
        Loss::Gaps,
        3,
    );
    let teacher = space.teacher_state().unwrap();
    let layers = space.represent(&teacher, &space.data().inputs);
    let size = 6 * 10;
    for (l, layer) in layers.iter().enumerate() {
        assert_eq!(
            layer[..],
            teacher.spins[l * size..(l + 1) * size],
            "layer {l}"
        );
    }
    assert!(layer_overlaps(&layers, &layers).iter().all(|&q| q == 1.0));
    let q = bond_overlaps(&teacher.weights, &teacher.weights, 4);
    assert!(q.iter().all(|&x| (x - 1.0).abs() < 1e-12));
}

/// Flipping hidden neurons (their spins, their weights and the weights
/// that read them) is a gauge symmetry: the energy and every field's gap
/// are unchanged, the plain overlap of the hidden layers with the
/// original drops, and the aligned overlaps are 1 in every layer.
#[test]
fn hidden_neuron_flips_are_a_gauge_symmetry_the_aligned_overlaps_see_through() {
    for connectivity in [7, 4] {
        let space = space(
            7,
            4,
            connectivity,
            WeightKind::Spherical,
            12,
            Scenario::Random,
            0.1,
            Loss::Gaps,
            31,
        );
        let mut rng = stream(2, Purpose::InitialState, 0, 0);
        let state = space.random_state(&mut rng);
        let a = *space.architecture();
        let (n, size) = (a.width, a.width * 12);
        let mut weights = state.weights.clone();
        let mut hidden: Vec<Vec<f64>> = (1..a.depth)
            .map(|l| state.spins[l * size..(l + 1) * size].to_vec())
            .collect();
        for (l, layer) in hidden.iter_mut().enumerate().map(|(t, x)| (t + 1, x)) {
            for i in (0..n).filter(|i| (i + l) % 2 == 0) {
                for mu in 0..12 {
                    layer[mu * n + i] = -layer[mu * n + i];
                }
                let start = a.weight_index(l, i, 0);
                weights[start..start + connectivity]
                    .iter_mut()
                    .for_each(|w| *w = -*w);
                for k in 0..n {
                    for (j, &input) in space.wiring().inputs(l + 1, k).iter().enumerate() {
                        if input as usize == i {
                            weights[a.weight_index(l + 1, k, j)] *= -1.0;
                        }
                    }
                }
            }
        }
        let flipped = space.state(weights, &hidden).unwrap();
        assert_eq!(flipped.energy, state.energy, "c = {connectivity}");
        let layers = |s: &DesignState| -> Vec<Vec<f64>> {
            (0..=a.depth)
                .map(|l| s.spins[l * size..(l + 1) * size].to_vec())
                .collect()
        };
        let (x, y) = (layers(&state), layers(&flipped));
        let xs: Vec<&[f64]> = x.iter().map(|v| v.as_slice()).collect();
        let ys: Vec<&[f64]> = y.iter().map(|v| v.as_slice()).collect();
        let aligned = aligned_overlaps(space.wiring(), &state.weights, &xs, &flipped.weights, &ys);
        assert!(
            aligned.spin.iter().all(|&q| (q - 1.0).abs() < 1e-12),
            "{:?}",
            aligned.spin
        );
        assert!(
            aligned.bond.iter().all(|&q| (q - 1.0).abs() < 1e-12),
            "{:?}",
            aligned.bond
        );
        let plain = layer_overlaps(&x, &y);
        assert!(
            plain[1] < 0.5,
            "the plain overlap of a flipped layer: {}",
            plain[1]
        );
    }
}
