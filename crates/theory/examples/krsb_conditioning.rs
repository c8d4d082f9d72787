//! How well k-step RSB pins down q(x) near T_c (the measurement quoted in
//! the `sk::replica_breaking` docs):
//! `cargo run --release -p quench-theory --example krsb_conditioning`.

use quench_theory::sk::{ParisiOptions, replica_symmetry_breaking};

fn main() {
    for t in [0.5, 0.9, 0.95, 0.98] {
        for (name, options) in [
            ("fast", ParisiOptions::fast()),
            ("accurate", ParisiOptions::accurate()),
        ] {
            let start = std::time::Instant::now();
            let s = replica_symmetry_breaking(t, 0.0, 4, &options).unwrap();
            let steps: Vec<String> = s
                .order_parameter
                .iter()
                .map(|p| format!("{:.6}@[{:.4},{:.4}]", p.overlap, p.x_low, p.x_high))
                .collect();
            println!(
                "T = {t} {name:8}: f = {:.12} |grad| = {:.1e} it = {:4} {:?} q(x): {}",
                s.free_energy,
                s.gradient_norm,
                s.iterations,
                start.elapsed(),
                steps.join(" ")
            );
        }
    }
}
