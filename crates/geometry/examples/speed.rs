//! Neighbour-search throughput, the tree beside the brute force:
//! `cargo run --release -p quench-geometry --example speed -- N D [d]`
//! (N points uniform on a sphere of dimension d, default min(8, D - 1),
//! turned into D coordinates; one thread; the tree is timed in up to
//! `tree::TREE_DIMENSIONS` coordinates).
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
    let dimension = args.get(2).copied().unwrap_or(8.min(ambient - 1));
    let values = sample(
        Manifold::Sphere { dimension },
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
    let time = |search| {
        let start = std::time::Instant::now();
        let neighbours = pool.install(|| nearest_neighbours_with(points, 2, search).unwrap());
        (start.elapsed().as_secs_f64(), neighbours)
    };
    let (brute, reference) = time(Search::BruteForce);
    println!(
        "n = {n}, D = {ambient}, d = {dimension}: brute force {brute:.3} s, {:.2} ns per pair",
        brute * 1e9 / (n as f64).powi(2),
    );
    if ambient <= tree::TREE_DIMENSIONS {
        let (tree, found) = time(Search::Automatic);
        assert_eq!(found, reference, "the tree and the brute force differ");
        println!(
            "  tree {tree:.3} s ({:.1}x the brute force's speed)",
            brute / tree
        );
    }
}
