use quench_geometry::*;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map(String::as_str).unwrap_or("sphere");
    for d in 1..=10 {
        for n in [1000usize, 4000, 16000] {
            let manifold = match which {
                "cube" => Manifold::Cube { dimension: d },
                "torus" => Manifold::Torus { dimension: d },
                "gaussian" => Manifold::Gaussian { dimension: d },
                _ => Manifold::Sphere { dimension: d },
            };
            let ambient = manifold.coordinates() + 2;
            let values = sample(
                manifold,
                n,
                Embedding {
                    ambient,
                    rotate: true,
                    noise: 0.0,
                },
                11,
            )
            .unwrap();
            let points = Points::new(&values, ambient).unwrap();
            let t = estimate(
                points,
                Estimator::TwoNn {
                    fit: TwoNnFit::Likelihood,
                },
                Options::default(),
            )
            .unwrap();
            let m = estimate(
                points,
                Estimator::LevinaBickel { k: 10 },
                Options::default(),
            )
            .unwrap();
            let c = estimate(
                points,
                Estimator::Correlation {
                    low: 1e-4,
                    high: 1e-2,
                },
                Options::default(),
            );
            let c = c
                .map(|c| format!("{:.3}±{:.3}", c.dimension, c.error))
                .unwrap_or_else(|e| e.to_string());
            println!(
                "{which} d={d} n={n}: twonn {:.3}±{:.3}  mle {:.3}±{:.3}  corr {c}",
                t.dimension, t.error, m.dimension, m.error
            );
        }
    }
}
