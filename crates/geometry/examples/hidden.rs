//! The intrinsic dimension of the hidden manifold model's inputs against
//! the latent dimension D (N = 500 inputs, 8000 examples):
//! `cargo run --release -p quench-geometry --example hidden`.
use quench_geometry::*;
fn main() {
    for activation in [Activation::Tanh, Activation::Relu, Activation::Sign] {
        for latent in [1, 2, 4, 8, 16, 32] {
            let model = HiddenManifold {
                latent,
                inputs: 500,
                activation,
                teacher: Teacher::Perceptron,
            };
            let data = model.draw(8000, 1, 0).unwrap();
            let points = Points::new(&data.inputs, 500).unwrap();
            let two_nn = estimate(
                points,
                Estimator::TwoNn {
                    fit: TwoNnFit::Likelihood,
                },
                Options::default(),
            );
            let mle = estimate(
                points,
                Estimator::LevinaBickel { k: 10 },
                Options::default(),
            );
            let show = |e: Result<DimensionEstimate, GeometryError>| match e {
                Ok(e) => format!(
                    "{:6.2} ± {:4.2} ({} discarded)",
                    e.dimension, e.error, e.discarded
                ),
                Err(e) => e.to_string(),
            };
            println!(
                "{activation:?} D = {latent:2}: TwoNN {}  MLE(k=10) {}",
                show(two_nn),
                show(mle)
            );
        }
    }
}
