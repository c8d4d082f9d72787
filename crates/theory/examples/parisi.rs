//! Full-RSB SK at one point, with timing:
//! `cargo run --release -p quench-theory --example parisi -- TEMPERATURE FIELD [fast]`.

use quench_theory::sk::{ParisiOptions, full_replica_symmetry_breaking};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| {
        args.get(i)
            .and_then(|a| a.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let options = if args.get(2).is_some_and(|a| a == "fast") {
        ParisiOptions::fast()
    } else {
        ParisiOptions::accurate()
    };
    let start = Instant::now();
    match full_replica_symmetry_breaking(number(0), number(1), &options) {
        Ok(full) => {
            for step in &full.convergence {
                println!("k = {:3}  f = {:.9}", step.steps, step.free_energy);
            }
            println!(
                "f = {:.9} +- {:.1e} (grid {:.1e}), u = {:.7}, chi = {:.5}, in {:.2?}",
                full.free_energy,
                full.error_estimate,
                full.discretisation_error,
                full.solution.energy,
                full.solution.susceptibility,
                start.elapsed()
            );
        }
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(2);
        }
    }
}
