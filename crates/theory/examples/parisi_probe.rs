use quench_theory::sk::*;
use std::time::Instant;
fn main() {
    let args: Vec<f64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap_or(1.0))
        .collect();
    let (t, h, steps, dx) = (args[0], args[1], args[2] as usize, args[3]);
    let mut o = if args.len() > 4 {
        ParisiOptions::fast()
    } else {
        ParisiOptions::accurate()
    };
    o.grid_spacing = dx;
    o.max_steps = steps;
    let start = Instant::now();
    let full = full_replica_symmetry_breaking(t, h, &o).unwrap();
    println!("{:?}", full.convergence);
    println!(
        "f = {:.9} +- {:.2e} (grid {:.2e}) in {:?}, iters {} grad {:.1e}",
        full.free_energy,
        full.error_estimate,
        full.discretisation_error,
        start.elapsed(),
        full.solution.iterations,
        full.solution.gradient_norm
    );
    println!(
        "u {:.7} s {:?} chi {:.6} m {:.6}",
        full.solution.energy,
        full.solution.entropy,
        full.solution.susceptibility,
        full.solution.magnetisation
    );
    for s in &full.solution.order_parameter {
        println!("  q {:.5} gamma {:.4}", s.overlap, s.beta_x);
    }
}
