//! SK replica symmetry breaking at low temperature: continuity with the
//! zero-temperature solution, non-negative entropy, thermodynamic identities.

use quench_theory::sk::{ParisiOptions, full_replica_symmetry_breaking, replica_symmetry_breaking};

#[test]
#[ignore = "exploration table"]
fn table() {
    for t in [
        0.0, 0.005, 0.01, 0.02, 0.025, 0.03, 0.05, 0.1, 0.2, 0.24, 0.26, 0.3,
    ] {
        let start = std::time::Instant::now();
        match replica_symmetry_breaking(t, 0.0, 1, &ParisiOptions::fast()) {
            Ok(r) => println!(
                "1rsb T {t}: f {:.9} e {:.9} s {:?} chi {:.6} grad {:.2e} it {} q {:?} g {:?} ({:.2?})",
                r.free_energy,
                r.energy,
                r.entropy,
                r.susceptibility,
                r.gradient_norm,
                r.iterations,
                r.order_parameter
                    .iter()
                    .map(|s| s.overlap)
                    .collect::<Vec<_>>(),
                r.order_parameter
                    .iter()
                    .map(|s| s.beta_x)
                    .collect::<Vec<_>>(),
                start.elapsed()
            ),
            Err(e) => println!("1rsb T {t}: {e}"),
        }
        let start = std::time::Instant::now();
        match full_replica_symmetry_breaking(t, 0.0, &ParisiOptions::fast()) {
            Ok(r) => println!(
                "full T {t}: f {:.9} +- {:.1e} e {:.9} s {:?} chi {:.6} grad {:.2e} it {} conv {:?} ({:.2?})",
                r.free_energy,
                r.error_estimate,
                r.solution.energy,
                r.solution.entropy,
                r.solution.susceptibility,
                r.solution.gradient_norm,
                r.solution.iterations,
                r.convergence
                    .iter()
                    .map(|c| c.free_energy)
                    .collect::<Vec<_>>(),
                start.elapsed()
            ),
            Err(e) => println!("full T {t}: {e}"),
        }
    }
}
