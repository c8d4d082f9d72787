//! Neighbour-search throughput: `cargo run --release -p quench-geometry --example speed -- N D`.
use quench_geometry::*;
fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap())
        .collect();
    let (n, ambient) = (
        args.first().copied().unwrap_or(30000),
        args.get(1).copied().unwrap_or(64),
    );
    let values = sample(
        Manifold::Sphere { dimension: 8 },
        n,
        Embedding {
            ambient,
            rotate: true,
            noise: 0.0,
        },
        4,
    )
    .unwrap();
    let points = Points::new(&values, ambient).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let start = std::time::Instant::now();
    let neighbours = pool.install(|| nearest_neighbours(points, 2).unwrap());
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "n = {n}, D = {ambient}: {seconds:.3} s, {:.2} ns per pair, r1(0) = {}",
        seconds * 1e9 / (n as f64).powi(2),
        neighbours.distances(0)[0]
    );
}
