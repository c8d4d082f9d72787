//! The estimators against known answers: identities between them, uniform
//! manifolds of known dimension, the calibration of their errors.

use quench_geometry::{
    Embedding, ErrorSource, Estimator, Manifold, Options, Points, TwoNnFit, decimation, estimate,
    nearest_neighbours, sample,
};

fn draw(manifold: Manifold, count: usize, ambient: usize, rotate: bool, seed: u64) -> Vec<f64> {
    sample(
        manifold,
        count,
        Embedding {
            ambient,
            rotate,
            noise: 0.0,
        },
        seed,
    )
    .unwrap()
}

const LIKELIHOOD: Estimator = Estimator::TwoNn {
    fit: TwoNnFit::Likelihood,
};

/// Levina–Bickel's pooled sum with k = 2 is $\sum_i \ln(T_2/T_1)$, TwoNN's.
#[test]
fn levina_bickel_with_two_neighbours_is_two_nn_likelihood() {
    let values = draw(Manifold::Gaussian { dimension: 4 }, 1500, 6, true, 2);
    let points = Points::new(&values, 6).unwrap();
    let two_nn = estimate(points, LIKELIHOOD, Options::default()).unwrap();
    let pooled = estimate(points, Estimator::LevinaBickel { k: 2 }, Options::default()).unwrap();
    assert!(
        (two_nn.dimension - pooled.dimension).abs() < 1e-12 * two_nn.dimension,
        "{} against {}",
        two_nn.dimension,
        pooled.dimension
    );
    assert_eq!(two_nn.error_source, ErrorSource::Likelihood);
    assert_eq!(pooled.error_source, ErrorSource::Subsets { subsets: 8 });
}

/// A rotation into more dimensions keeps every distance, so every
/// neighbour and every estimate.
#[test]
fn a_rotated_embedding_keeps_the_neighbours() {
    let manifold = Manifold::Torus { dimension: 2 };
    let flat = draw(manifold, 800, 9, false, 5);
    let turned = draw(manifold, 800, 9, true, 5);
    assert_ne!(flat, turned);
    let a = nearest_neighbours(Points::new(&flat, 9).unwrap(), 3).unwrap();
    let b = nearest_neighbours(Points::new(&turned, 9).unwrap(), 3).unwrap();
    for point in 0..800 {
        assert_eq!(a.indices(point), b.indices(point));
        for (x, y) in a.distances(point).iter().zip(b.distances(point)) {
            assert!((x - y).abs() < 1e-12, "{x} against {y}");
        }
    }
}

/// The sphere's points lie on it before noise; noise of σ moves them off by
/// about σ√D.
#[test]
fn sphere_points_are_on_the_sphere_and_noise_blurs_them() {
    let manifold = Manifold::Sphere { dimension: 3 };
    let clean = draw(manifold, 500, 10, true, 8);
    for row in clean.chunks_exact(10) {
        let norm: f64 = row.iter().map(|x| x * x).sum::<f64>().sqrt();
        assert!((norm - 1.0).abs() < 1e-12);
    }
    let noisy = sample(
        manifold,
        500,
        Embedding {
            ambient: 10,
            rotate: true,
            noise: 0.01,
        },
        8,
    )
    .unwrap();
    let mean_square: f64 = clean
        .iter()
        .zip(&noisy)
        .map(|(a, b)| (a - b).powi(2))
        .sum::<f64>()
        / 500.0;
    // E|σξ|² = σ² D = 1e-3, with a relative spread of √(2/5000).
    assert!((mean_square / 1e-3 - 1.0).abs() < 0.1, "{mean_square}");
}

/// The likelihood error of TwoNN is the spread of the estimate: over 30
/// independent circles' worth of data the squared z-scores sum to a χ² of
/// 30 degrees of freedom (between its 0.1 % and 99.9 % points).
#[test]
fn two_nn_likelihood_errors_are_calibrated() {
    let mut chi_square = 0.0;
    for seed in 0..30 {
        let values = draw(
            Manifold::Sphere { dimension: 2 },
            2000,
            3,
            false,
            100 + seed,
        );
        let points = Points::new(&values, 3).unwrap();
        let d = estimate(points, LIKELIHOOD, Options::default()).unwrap();
        chi_square += ((d.dimension - 2.0) / d.error).powi(2);
    }
    assert!((11.59..59.70).contains(&chi_square), "χ² = {chi_square}");
}

/// Decimation walks up in scale: fewer points, farther neighbours. (On a
/// cube the faces bias the small subsets: 2.78 ± 0.04 with 1024 points.)
#[test]
fn decimation_walks_up_in_scale() {
    let values = draw(Manifold::Sphere { dimension: 3 }, 4096, 5, true, 9);
    let points = Points::new(&values, 5).unwrap();
    let levels = decimation(points, LIKELIHOOD, Options::default(), 64).unwrap();
    assert_eq!(
        levels.iter().map(|l| l.subsets).collect::<Vec<_>>(),
        [1, 2, 4, 8, 16, 32, 64]
    );
    for pair in levels.windows(2) {
        assert!(pair[1].scale > pair[0].scale, "{pair:?}");
        assert_eq!(pair[1].points, pair[0].points / 2);
    }
    // Every level sees the sphere's three dimensions (within 4 errors: the
    // smallest subsets feel its curvature).
    for level in &levels {
        assert!(
            (level.dimension - 3.0).abs() < 4.0 * level.error,
            "{level:?}"
        );
    }
}

#[test]
fn bad_parameters_are_named() {
    let values = draw(Manifold::Cube { dimension: 2 }, 100, 2, false, 1);
    let points = Points::new(&values, 2).unwrap();
    let message = |estimator| {
        estimate(points, estimator, Options::default())
            .unwrap_err()
            .to_string()
    };
    assert!(message(Estimator::LevinaBickel { k: 1 }).starts_with("k = 1"));
    assert!(
        message(Estimator::TwoNn {
            fit: TwoNnFit::Regression { discard: 1.0 }
        })
        .starts_with("discard = 1")
    );
    assert!(
        message(Estimator::Correlation {
            low: 0.1,
            high: 0.01
        })
        .contains("0 < low < high <= 1")
    );
    let error = sample(
        Manifold::Sphere { dimension: 4 },
        10,
        Embedding {
            ambient: 4,
            rotate: false,
            noise: 0.0,
        },
        1,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("ambient = 4") && error.contains("at least the 5 coordinates"),
        "{error}"
    );
    let values = [1.0, f64::NAN];
    assert!(
        Points::new(&values, 1)
            .unwrap_err()
            .to_string()
            .contains("point 1, coordinate 0 is NaN")
    );
}

fn sphere(dimension: usize, count: usize, seed: u64) -> Vec<f64> {
    draw(
        Manifold::Sphere { dimension },
        count,
        dimension + 3,
        true,
        seed,
    )
}

/// On spheres of low dimension (no boundary, little curvature on the scale
/// of the neighbours) every estimator recovers d within three errors.
#[test]
fn estimators_recover_the_dimension_of_low_dimensional_spheres() {
    for d in 1..=4 {
        let values = sphere(d, 4000, 40 + d as u64);
        let points = Points::new(&values, d + 3).unwrap();
        for estimator in [
            LIKELIHOOD,
            Estimator::LevinaBickel { k: 10 },
            Estimator::Correlation {
                low: 1e-4,
                high: 1e-2,
            },
        ] {
            let found = estimate(points, estimator, Options::default()).unwrap();
            let z = (found.dimension - d as f64) / found.error;
            assert!(z.abs() < 3.0, "d = {d}, {}: {found:?}", estimator.name());
        }
    }
}

/// In higher dimension the sphere's curvature on the scale $r$ of the
/// neighbours biases the estimate low by $O(r^2)$, and $r \propto n^{-1/d}$:
/// sixteen times more points shrink the bias by about $16^{-2/d}$. Measured
/// with Levina–Bickel (k = 10) at d = 6, 8, 10 from 1000 to 16000 points: the
/// bias is negative and shrinks by more than two combined errors.
#[test]
fn the_curvature_bias_shrinks_with_the_number_of_points() {
    for d in [6, 8, 10] {
        let bias = |count| {
            let values = sphere(d, count, 70 + d as u64);
            let points = Points::new(&values, d + 3).unwrap();
            let found = estimate(
                points,
                Estimator::LevinaBickel { k: 10 },
                Options::default(),
            )
            .unwrap();
            (found.dimension - d as f64, found.error)
        };
        let (few, few_error) = bias(1000);
        let (many, many_error) = bias(16000);
        assert!(few < 0.0 && many < 0.0, "d = {d}: biases {few}, {many}");
        assert!(
            many - few > 2.0 * few_error.hypot(many_error),
            "d = {d}: bias {few} ± {few_error} at 1000 points, {many} ± {many_error} at 16000"
        );
    }
}

/// The hidden manifold model's inputs fill a manifold of the latent
/// dimension D, far below the N = 200 input coordinates (smooth f); with
/// f = identity they span a D-dimensional subspace exactly.
#[test]
fn hidden_manifold_inputs_have_the_latent_dimension() {
    use quench_geometry::{Activation, HiddenManifold, Teacher};
    for (activation, latent) in [
        (Activation::Linear, 3),
        (Activation::Linear, 6),
        (Activation::Tanh, 2),
        (Activation::Tanh, 4),
    ] {
        let model = HiddenManifold {
            latent,
            inputs: 200,
            activation,
            teacher: Teacher::Perceptron,
        };
        let data = model.draw(4000, 12, 0).unwrap();
        let points = Points::new(&data.inputs, 200).unwrap();
        let found = estimate(points, LIKELIHOOD, Options::default()).unwrap();
        let z = (found.dimension - latent as f64) / found.error;
        assert!(z.abs() < 3.0, "{activation:?}, D = {latent}: {found:?}");
        assert!(data.labels.iter().all(|&y| y == 1.0 || y == -1.0));
    }
}
