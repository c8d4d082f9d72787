//! What a dynamics experiment can afford: the cost of one gradient of the
//! dense spherical 3-spin model, of one Langevin time unit (with and
//! without a response twin), and of one Glauber sweep of Ising samples.
//!
//! `cargo run --release -p quench-dynamics --example costs`

use std::time::Instant;

use quench_core::random_spins;
use quench_core::rng::{Purpose, stream};
use quench_dynamics::{
    IsingPSpin, IsingRule, IsingSystem, LangevinSettings, Mixture, Schedule, SphericalPSpin,
    ising_sweep, langevin_history, random_point_on_sphere,
};

fn seconds<F: FnMut()>(repeats: u32, mut f: F) -> f64 {
    f();
    let start = Instant::now();
    for _ in 0..repeats {
        f();
    }
    start.elapsed().as_secs_f64() / f64::from(repeats)
}

fn main() {
    let mixture = Mixture::pure(3).expect("p = 3");
    let time_step = 0.01;
    println!(
        "spherical p = 3, one thread; Langevin with dt = {time_step} (100 steps per time unit)"
    );
    for n in [100, 200] {
        let sample = SphericalPSpin::draw(n, &mixture, 1, 0).expect("fits");
        let s = random_point_on_sphere(n, &mut stream(1, Purpose::InitialState, 0, 0));
        let mut gradient = vec![0.0; n];
        let per_gradient = seconds(200, || {
            std::hint::black_box(sample.energy_and_gradient(&s, &mut gradient));
        });
        let run = |waiting_times: Vec<f64>, field: f64| {
            let settings = LangevinSettings {
                temperature: 0.5,
                time_step,
                field,
            };
            let schedule = Schedule {
                times: vec![0.0, 10.0],
                waiting_times,
                lags: vec![10.0],
            };
            seconds(1, || {
                std::hint::black_box(
                    langevin_history(&sample, &settings, &schedule, 1, 0, 0).expect("runs"),
                );
            }) / 10.0
        };
        // Without twins: 10 time units; with one twin active all the way.
        let plain = run(vec![0.0], 0.0);
        let twinned = run(vec![0.0], 0.05);
        println!(
            "N = {n}: {} couplings, gradient {:.1} us, one time unit {:.1} ms ({:.1} ms with one response twin)",
            sample.orders()[0].couplings.len(),
            per_gradient * 1e6,
            plain * 1e3,
            twinned * 1e3
        );
    }
    println!("Ising Glauber sweeps (N random-site updates), one thread");
    let dense =
        IsingPSpin::fully_connected(&SphericalPSpin::draw(200, &mixture, 1, 0).expect("fits"));
    let diluted = IsingPSpin::diluted(3000, 3, 4, 1, 0).expect("regular hypergraph");
    for (name, system) in [
        ("dense N = 200", &dense),
        ("diluted N = 3000, c = 4", &diluted),
    ] {
        let n = system.size();
        let mut state =
            system.configure(random_spins(n, &mut stream(1, Purpose::InitialState, 0, 0)));
        let mut rng = stream(1, Purpose::Dynamics, 0, 0);
        let per_sweep = seconds(50, || {
            ising_sweep(
                system,
                IsingRule::Glauber { temperature: 0.5 },
                &mut state,
                &mut rng,
            )
        });
        println!("{name}: one sweep {:.2} ms", per_sweep * 1e3);
    }
}
