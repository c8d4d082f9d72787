use super::*;
use crate::DenseNetwork;
use crate::dense::Workspace;
use quench_core::rng::{Purpose, stream};
use rand::RngExt;

/// `count` sequences of `length` Gaussian inputs and labels ±1 per step and
/// read-out, a fraction `masked` of them 0 (no constraint).
fn random_sequences(
    count: usize,
    length: usize,
    inputs: usize,
    outputs: usize,
    masked: f64,
    seed: u64,
) -> (Vec<f64>, Vec<f64>) {
    let mut rng = stream(seed, Purpose::Disorder, 0, 0);
    let x = (0..count * length * inputs)
        .map(|_| StandardNormal.sample(&mut rng))
        .collect();
    let y = (0..count * length * outputs)
        .map(|_| {
            if rng.random::<f64>() < masked {
                0.0
            } else if rng.random::<bool>() {
                1.0
            } else {
                -1.0
            }
        })
        .collect();
    (x, y)
}

/// Back-propagation through time equals central finite differences of the
/// mean loss, for every loss and activation, one and two layers, one and two
/// read-outs, with some positions masked.
#[test]
fn gradient_through_time_equals_finite_differences() {
    let (d, h, length, count) = (3, 4, 4, 3);
    for activation in [
        Activation::Tanh,
        Activation::Erf,
        Activation::Relu,
        Activation::Linear,
    ] {
        for loss in [Loss::QuadraticHinge, Loss::Hinge, Loss::Quadratic] {
            for (layers, outputs) in [(1, 1), (2, 2)] {
                let (x, y) = random_sequences(count, length, d, outputs, 0.2, 5);
                let mut rng = stream(13, Purpose::InitialState, layers as u64, 0);
                let network = RecurrentNetwork::new(d, h, layers, outputs, activation, &mut rng);
                assert_eq!(network.flat_weights().len(), network.parameters());
                let mut work = RecurrentWorkspace::default();
                network.evaluate_with_gradient(&x, &y, length, loss, &mut work);
                let gradient = network.gradient(&work).to_vec();
                for (m, matrix) in gradient.iter().enumerate() {
                    for (i, &analytic) in matrix.iter().enumerate() {
                        let at = |delta: f64| {
                            let mut shifted = network.clone();
                            shifted.weights[m][i] += delta;
                            shifted
                                .evaluate(&x, &y, length, loss, &mut RecurrentWorkspace::default())
                                .loss
                        };
                        let step = 1e-6;
                        let numerical = (at(step) - at(-step)) / (2.0 * step);
                        assert!(
                            (numerical - analytic).abs() < 1e-6 * (1.0 + analytic.abs()),
                            "{activation:?}, {loss:?}, L = {layers}, K = {outputs}, matrix {m}, \
                             weight {i}: through time {analytic}, finite differences {numerical}"
                        );
                    }
                }
            }
        }
    }
}

/// With the recurrent matrices set to zero the network is the dense network
/// of the same feed-forward weights applied at every time step.
#[test]
fn without_recurrence_it_is_the_dense_network_at_every_step() {
    let (d, h, length, count) = (5, 6, 7, 4);
    for layers in [1, 3] {
        let mut rng = stream(2, Purpose::InitialState, layers as u64, 0);
        let mut network = RecurrentNetwork::new(d, h, layers, 1, Activation::Tanh, &mut rng);
        for l in 0..layers {
            network.weights[2 * l + 1].fill(0.0);
        }
        let feed_forward: Vec<Vec<f64>> = network.weights.iter().step_by(2).cloned().collect();
        let mut sizes = vec![d];
        sizes.extend(std::iter::repeat_n(h, layers));
        sizes.push(1);
        let dense = DenseNetwork::from_parts(sizes, Activation::Tanh, feed_forward);
        let (x, y) = random_sequences(count, length, d, 1, 0.0, 8);
        let recurrent = network.outputs(&x, length, &mut RecurrentWorkspace::default());
        let mut work = Workspace::default();
        let per_step = dense.outputs(&x, &mut work);
        assert_eq!(recurrent.len(), per_step.len());
        for (a, b) in recurrent.iter().zip(&per_step) {
            assert!((a - b).abs() < 1e-12, "{a} {b}");
        }
        let r = network.evaluate(
            &x,
            &y,
            length,
            Loss::Hinge,
            &mut RecurrentWorkspace::default(),
        );
        let e = dense.evaluate(&x, &y, Loss::Hinge, &mut work);
        assert_eq!((r.unsatisfied, r.errors), (e.unsatisfied, e.errors));
        assert!((r.loss - e.loss).abs() < 1e-12);
    }
}

/// An input at time $t_0$ changes no read-out before $t_0$ and changes the
/// read-outs at and after it (through the recurrence, also at later times).
#[test]
fn read_outs_are_causal_and_remember() {
    let (d, h, length, count) = (3, 8, 6, 2);
    let mut rng = stream(4, Purpose::InitialState, 0, 0);
    let network = RecurrentNetwork::new(d, h, 2, 2, Activation::Tanh, &mut rng);
    let (x, _) = random_sequences(count, length, d, 1, 0.0, 1);
    let before = network.outputs(&x, length, &mut RecurrentWorkspace::default());
    let t0 = 3;
    let mut changed = x.clone();
    for b in 0..count {
        for i in 0..d {
            changed[(b * length + t0) * d + i] += 1.0;
        }
    }
    let after = network.outputs(&changed, length, &mut RecurrentWorkspace::default());
    for b in 0..count {
        for t in 0..length {
            for k in 0..2 {
                let at = (b * length + t) * 2 + k;
                if t < t0 {
                    assert_eq!(before[at], after[at], "sequence {b}, time {t}");
                } else {
                    assert_ne!(before[at], after[at], "sequence {b}, time {t}");
                }
            }
        }
    }
}

/// Labels 0 are no constraints: masking every position from $t_0$ on gives
/// the loss and counts of the sequences cut at $t_0$.
#[test]
fn masked_positions_count_for_nothing() {
    let (d, h, length, count, cut) = (4, 5, 8, 5, 3);
    let mut rng = stream(6, Purpose::InitialState, 0, 0);
    let network = RecurrentNetwork::new(d, h, 1, 1, Activation::Erf, &mut rng);
    let (x, mut y) = random_sequences(count, length, d, 1, 0.0, 2);
    let mut short_x = Vec::new();
    let mut short_y = Vec::new();
    for b in 0..count {
        short_x.extend_from_slice(&x[b * length * d..(b * length + cut) * d]);
        short_y.extend_from_slice(&y[b * length..b * length + cut]);
        y[b * length + cut..(b + 1) * length].fill(0.0);
    }
    for loss in [Loss::Hinge, Loss::QuadraticHinge, Loss::Quadratic] {
        let full = network.evaluate(&x, &y, length, loss, &mut RecurrentWorkspace::default());
        let short = network.evaluate(
            &short_x,
            &short_y,
            cut,
            loss,
            &mut RecurrentWorkspace::default(),
        );
        assert_eq!(
            (full.unsatisfied, full.errors),
            (short.unsatisfied, short.errors)
        );
        assert!((full.loss - short.loss).abs() < 1e-14, "{full:?} {short:?}");
    }
}

/// $N = dh + (L-1)h^2 + Lh^2 + Kh$.
#[test]
fn parameters_are_counted() {
    let mut rng = stream(1, Purpose::InitialState, 0, 0);
    for (d, h, layers, k, count) in [(7, 3, 1, 7, 21 + 9 + 21), (10, 4, 2, 1, 40 + 16 + 32 + 4)] {
        let network = RecurrentNetwork::new(d, h, layers, k, Activation::Tanh, &mut rng);
        assert_eq!(network.parameters(), count);
        assert_eq!(RecurrentNetwork::parameter_count(d, h, layers, k), count);
    }
}

/// A wide network stores the random labels of a few sequences (gradient
/// descent reaches zero unsatisfied constraints) and a narrow one cannot
/// store many: 2 units per layer have 14 weights for 240 constraints.
#[test]
fn stores_few_sequences_and_not_many() {
    let (d, length) = (4, 6);
    for (count, width, expected) in [(4, 24, true), (40, 2, false)] {
        let (x, y) = random_sequences(count, length, d, 1, 0.0, 30);
        let mut rng = stream(3, Purpose::InitialState, 0, 0);
        let mut network = RecurrentNetwork::new(d, width, 1, 1, Activation::Tanh, &mut rng);
        let mut work = RecurrentWorkspace::default();
        let mut last = network.evaluate(&x, &y, length, Loss::QuadraticHinge, &mut work);
        for _ in 0..3000 {
            if last.interpolates() {
                break;
            }
            last = network.descend(&x, &y, length, Loss::QuadraticHinge, 0.5, &mut work);
        }
        let last = network.evaluate(&x, &y, length, Loss::QuadraticHinge, &mut work);
        assert_eq!(
            last.interpolates(),
            expected,
            "P = {count}, h = {width}: {last:?}"
        );
    }
}

/// The top layer's representation (time-major rows), read by $V$, is the
/// output at every step of every sequence.
#[test]
fn the_read_outs_read_the_top_representation() {
    let (d, h, k, length, count) = (3, 4, 2, 5, 6);
    let (x, _) = random_sequences(count, length, d, k, 0.0, 21);
    let mut rng = stream(22, Purpose::InitialState, 0, 0);
    let network = RecurrentNetwork::new(d, h, 2, k, Activation::Tanh, &mut rng);
    let mut work = RecurrentWorkspace::default();
    let layers = network.hidden_representations(&x, length, &mut work);
    assert_eq!(layers.len(), 2);
    assert!(layers.iter().all(|l| l.len() == length * count * h));
    let outputs = network.outputs(&x, length, &mut work);
    let v = &network.weights()[4];
    for b in 0..count {
        for t in 0..length {
            let row = &layers[1][(t * count + b) * h..][..h];
            for j in 0..k {
                let read: f64 =
                    (0..h).map(|i| v[j * h + i] * row[i]).sum::<f64>() / (h as f64).sqrt();
                let f = outputs[(b * length + t) * k + j];
                assert!((read - f).abs() < 1e-12, "{read} {f}");
            }
        }
    }
}
