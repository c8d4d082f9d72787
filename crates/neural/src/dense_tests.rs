use super::*;
use quench_core::rng::{Purpose, stream};
use rand::RngExt;

/// Random inputs from $\mathcal N(0, 1)$ and random labels $\pm1$.
fn random_data(count: usize, inputs: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = stream(seed, Purpose::Disorder, 0, 0);
    let x = (0..count * inputs)
        .map(|_| StandardNormal.sample(&mut rng))
        .collect();
    let y = (0..count)
        .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
        .collect();
    (x, y)
}

/// The back-propagated gradient equals central finite differences of the
/// mean loss, for every loss, activation and depth 0 to 2.
#[test]
fn gradient_equals_finite_differences() {
    let (d, h, p) = (5, 4, 7);
    let (x, y) = random_data(p, d, 3);
    for activation in [
        Activation::Tanh,
        Activation::Erf,
        Activation::Relu,
        Activation::Linear,
    ] {
        for loss in [Loss::QuadraticHinge, Loss::Hinge, Loss::Quadratic] {
            for depth in 0..=2 {
                let mut rng = stream(11, Purpose::InitialState, depth as u64, 0);
                let network = DenseNetwork::new(d, h, depth, activation, &mut rng);
                assert_eq!(network.flat_weights().len(), network.parameters());
                let mut work = Workspace::default();
                network.evaluate_with_gradient(&x, &y, loss, &mut work);
                let gradient = network.gradient(&work).to_vec();
                for (l, layer) in gradient.iter().enumerate() {
                    for (i, &analytic) in layer.iter().enumerate() {
                        let at = |delta: f64| {
                            let mut shifted = network.clone();
                            shifted.weights[l][i] += delta;
                            shifted
                                .evaluate(&x, &y, loss, &mut Workspace::default())
                                .loss
                        };
                        let step = 1e-6;
                        let numerical = (at(step) - at(-step)) / (2.0 * step);
                        assert!(
                            (numerical - analytic).abs() < 1e-6 * (1.0 + analytic.abs()),
                            "{activation:?}, {loss:?}, depth {depth}, layer {l}, weight {i}: \
                             back-propagated {analytic}, finite differences {numerical}"
                        );
                    }
                }
            }
        }
    }
}

/// $N = dh + (L-1)h^2 + h$, and $d$ for the perceptron.
#[test]
fn parameters_are_counted() {
    let mut rng = stream(1, Purpose::InitialState, 0, 0);
    for (d, h, depth, count) in [(10, 3, 0, 10), (10, 3, 1, 33), (10, 3, 3, 51)] {
        let network = DenseNetwork::new(d, h, depth, Activation::Relu, &mut rng);
        assert_eq!(network.parameters(), count);
        assert_eq!(network.flat_weights().len(), count);
        assert_eq!(DenseNetwork::parameter_count(d, h, depth), count);
    }
}

/// The perceptron ($L = 0$) with a hinge loss stores random labels below
/// Gardner's capacity $P = 2N$ and not above: every run at $P/N = 0.5$
/// reaches zero loss, none at $P/N = 4$ does.
#[test]
fn the_perceptron_interpolates_below_its_capacity_only() {
    let d = 40;
    for (loss, rate) in [(Loss::Hinge, 0.5), (Loss::QuadraticHinge, 1.0)] {
        for seed in 0..4 {
            for (p, expected) in [(20, true), (160, false)] {
                let (x, y) = random_data(p, d, 100 + seed);
                let mut rng = stream(seed, Purpose::InitialState, 0, 0);
                let mut network = DenseNetwork::new(d, 1, 0, Activation::Linear, &mut rng);
                let mut work = Workspace::default();
                let mut last = network.evaluate(&x, &y, loss, &mut work);
                for _ in 0..5000 {
                    if last.interpolates() {
                        break;
                    }
                    network.descend(&x, &y, loss, rate, &mut work);
                    last = network.evaluate(&x, &y, loss, &mut work);
                }
                assert_eq!(
                    last.interpolates(),
                    expected,
                    "{loss:?}, P = {p}, seed {seed}: {last:?}"
                );
                if expected {
                    assert!(last.loss < 1e-12, "{last:?}");
                } else {
                    assert!(last.unsatisfied > 0 && last.loss > 0.0, "{last:?}");
                }
            }
        }
    }
}

/// Gradient descent lowers the loss of a network with hidden layers, and
/// the outputs agree with the forward pass of `evaluate`.
#[test]
fn descent_lowers_the_loss() {
    let (x, y) = random_data(50, 6, 9);
    let mut rng = stream(2, Purpose::InitialState, 0, 0);
    let mut network = DenseNetwork::new(6, 20, 2, Activation::Relu, &mut rng);
    let mut work = Workspace::default();
    let first = network.evaluate(&x, &y, Loss::QuadraticHinge, &mut work);
    for _ in 0..200 {
        network.descend(&x, &y, Loss::QuadraticHinge, 0.5, &mut work);
    }
    let after = network.evaluate(&x, &y, Loss::QuadraticHinge, &mut work);
    assert!(after.loss < 0.5 * first.loss, "{first:?} -> {after:?}");
    let outputs = network.outputs(&x, &mut work);
    let errors = outputs
        .iter()
        .zip(&y)
        .filter(|(f, y)| **f * **y <= 0.0)
        .count();
    assert_eq!(errors, after.errors);
}

/// The last hidden layer's representation, read by the output weights,
/// is the output: $f(x) = v\cdot a_L(x)/\sqrt h$ for every example.
#[test]
fn the_output_reads_the_last_hidden_representation() {
    let (d, h, p) = (6, 5, 9);
    let (x, _) = random_data(p, d, 8);
    let mut rng = stream(12, Purpose::InitialState, 0, 0);
    let network = DenseNetwork::new(d, h, 2, Activation::Tanh, &mut rng);
    let mut work = Workspace::default();
    let layers = network.hidden_representations(&x, &mut work);
    assert_eq!(layers.len(), 2);
    assert!(layers.iter().all(|l| l.len() == p * h));
    let outputs = network.outputs(&x, &mut work);
    let v = &network.weights()[2];
    for (mu, f) in outputs.iter().enumerate() {
        let read: f64 =
            (0..h).map(|i| v[i] * layers[1][mu * h + i]).sum::<f64>() / (h as f64).sqrt();
        assert!((read - f).abs() < 1e-12, "{read} {f}");
    }
}
