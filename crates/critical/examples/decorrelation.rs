//! Snapshot decorrelation and cost at T_c for the square-lattice Ising and
//! the Baxter–Wu models, for bench/RESULTS.md:
//!
//! ```text
//! cargo run --release -p quench-critical --example decorrelation
//! ```

use std::time::Instant;

use quench_core::{Purpose, stream};
use quench_critical::{
    CriticalModel, Kernel, LatticeChain, SnapshotOptions, TriangularLattice, generate_snapshots,
};

fn main() {
    let snapshots = 1000;
    for (name, model) in [
        ("ising", CriticalModel::square_ising()),
        ("baxter-wu", CriticalModel::baxter_wu(1.0).unwrap()),
    ] {
        for length in [12usize, 24, 48] {
            let lattice = TriangularLattice::square(length).unwrap();
            let temperature = model.critical_temperature();
            let mut kernel = Kernel::new(model, &lattice, 1.0 / temperature);
            let mut chain = LatticeChain::random(&lattice, stream(1, Purpose::Dynamics, 0, 0));
            let options = SnapshotOptions {
                snapshots,
                equilibration: 2000,
                ..Default::default()
            };
            let start = Instant::now();
            let set = generate_snapshots(&mut kernel, &mut chain, temperature, &options).unwrap();
            let seconds = start.elapsed().as_secs_f64();
            println!(
                "{name:<9} L = {length:>2}: clusters/step {:>2}, <C> = {:>6.1}, pilot tau_E = {:>5.2}, tau_O = {:>5.2} ({} steps), spacing {:>3} ({} round(s)), kept tau {:.2} {:.2}; {:.0} snapshots/s",
                set.clusters_per_step,
                set.mean_cluster,
                set.pilot.energy.tau_int,
                set.pilot.order_parameter.tau_int,
                set.pilot_steps,
                set.spacing,
                set.rounds,
                set.kept.energy.tau_int,
                set.kept.order_parameter.tau_int,
                snapshots as f64 / seconds
            );
        }
    }
}
