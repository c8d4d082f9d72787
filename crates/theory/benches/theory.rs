//! Timings of the theory engine against the targets of the "theory beside
//! simulation" issue, on one thread:
//!
//! ```text
//! cargo bench -p quench-theory --bench theory
//! ```
//!
//! | benchmark | what | target |
//! |---|---|---|
//! | `sk-rs/T0.5-h0.3` | replica-symmetric SK point | milliseconds |
//! | `sk-1rsb/T0-h0` | one-step RSB ground state ([`ParisiOptions::fast`]) | milliseconds |
//! | `sk-full-rsb/T0-h0-accurate` | full RSB ground state, $k = 1, 2, \dots, 16$ ([`ParisiOptions::accurate`]) | $10^{-5}$ in under 10 s |
//! | `sk-mean-field-N4000/tap`, `/amp` | TAP and AMP on one SK sample, $N = 4000$, $T = 0.8$, $h = 0.6$ | seconds |
//! | `population-dynamics/*` | cavity point at $T = 0.8$, $\pm J$, default options ($M = 10^4$, 200 + 200 sweeps) | none |
//! | `cugliandolo-kurchan/p3-T0.5-t1e4-n*` | the quench of the spherical 3-spin model to $t = 10^4$ on $n$ points per block, without the half-grid estimate | under a minute |
//! | `cugliandolo-kurchan/equilibrium-p3-eps1e-3` | the equilibrium correlation at $T = 1.001\\,T_d$ to $\tau = 10^9$, 2048 points | none |
//!
//! Before timing, each benchmark prints what its result is (the full-RSB
//! error estimate and its distance to the Parisi value, TAP and AMP
//! convergence), so that a fast wrong answer shows. Results are in
//! `bench/RESULTS.md` ("Theory engine timings").

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use quench_core::{CouplingDistribution, ModelSpec};
use quench_theory::cavity::{GraphEnsemble, PopulationOptions, population_dynamics};
use quench_theory::mean_field::{IterationOptions, amp, tap};
use quench_theory::sk::{
    ParisiOptions, full_replica_symmetry_breaking, replica_symmetric, replica_symmetry_breaking,
};

/// Crisanti and Rizzo, PRE 65, 046137 (2002).
const PARISI_GROUND_STATE: f64 = -0.763_166_7;

fn replica(c: &mut Criterion) {
    let mut group = c.benchmark_group("sk-rs");
    group.measurement_time(Duration::from_secs(2));
    group.bench_function("T0.5-h0.3", |b| {
        b.iter(|| replica_symmetric(black_box(0.5), black_box(0.3)).unwrap())
    });
    group.finish();

    let fast = ParisiOptions::fast();
    let one = replica_symmetry_breaking(0.0, 0.0, 1, &fast).unwrap();
    eprintln!(
        "1RSB T = 0: e = {:.9} (Parisi 1979: -0.7653)",
        one.free_energy
    );
    let mut group = c.benchmark_group("sk-1rsb");
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("T0-h0", |b| {
        b.iter(|| replica_symmetry_breaking(black_box(0.0), 0.0, 1, &fast).unwrap())
    });
    group.finish();

    let accurate = ParisiOptions::accurate();
    let full = full_replica_symmetry_breaking(0.0, 0.0, &accurate).unwrap();
    eprintln!(
        "full RSB T = 0: e = {:.9} +- {:.1e} (grid {:.1e}); |e - (-0.7631667)| = {:.1e}; {} steps",
        full.free_energy,
        full.error_estimate,
        full.discretisation_error,
        (full.free_energy - PARISI_GROUND_STATE).abs(),
        full.solution.steps
    );
    let mut group = c.benchmark_group("sk-full-rsb");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("T0-h0-accurate", |b| {
        b.iter(|| full_replica_symmetry_breaking(black_box(0.0), 0.0, &accurate).unwrap())
    });
    group.finish();
}

fn mean_field(c: &mut Criterion) {
    let (t, h) = (0.8, 0.6);
    let sample = ModelSpec::SherringtonKirkpatrick {
        n: 4000,
        couplings: CouplingDistribution::Gaussian,
        field: h,
    }
    .ensemble()
    .unwrap()
    .draw(2024, 0)
    .unwrap();
    let tap_options = IterationOptions::default();
    let amp_options = IterationOptions {
        damping: 1.0,
        tolerance: 1e-7,
        max_iterations: 400,
    };
    let solution = tap(&sample, t, None, &tap_options).unwrap();
    eprintln!(
        "TAP N = 4000: converged {} in {} iterations (residual {:.1e})",
        solution.converged, solution.iterations, solution.residual
    );
    let run = amp(&sample, t, 0.1, &amp_options).unwrap();
    eprintln!(
        "AMP N = 4000: converged {} in {} iterations (residual {:.1e})",
        run.converged, run.iterations, run.residual
    );
    let mut group = c.benchmark_group("sk-mean-field-N4000");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("tap", |b| {
        b.iter(|| tap(&sample, black_box(t), None, &tap_options).unwrap())
    });
    group.bench_function("amp", |b| {
        b.iter(|| amp(&sample, black_box(t), 0.1, &amp_options).unwrap())
    });
    group.finish();
}

fn cavity(c: &mut Criterion) {
    let options = PopulationOptions::default();
    let mut group = c.benchmark_group("population-dynamics");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(10));
    for (name, graph) in [
        ("rrg-c3-T0.8", GraphEnsemble::RandomRegular { degree: 3 }),
        ("er-c3-T0.8", GraphEnsemble::ErdosRenyi { mean_degree: 3.0 }),
    ] {
        let point = population_dynamics(
            graph,
            CouplingDistribution::PlusMinusOne,
            0.8,
            0.0,
            &options,
        )
        .unwrap();
        eprintln!(
            "{name}: f = {:.5} +- {:.1e}, q = {:.4}",
            point.free_energy.mean, point.free_energy.error, point.overlap.mean
        );
        group.bench_function(name, |b| {
            b.iter(|| {
                population_dynamics(
                    graph,
                    CouplingDistribution::PlusMinusOne,
                    black_box(0.8),
                    0.0,
                    &options,
                )
                .unwrap()
            })
        });
    }
    group.finish();
}

fn cugliandolo_kurchan(c: &mut Criterion) {
    use quench_theory::dynamics::{Covariance, GridOptions, ageing, equilibrium, quench};
    let xi = Covariance::pure(3).unwrap();
    let mut group = c.benchmark_group("cugliandolo-kurchan");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(10));
    let asymptotic = ageing(3, 0.5).unwrap().energy;
    for points in [128, 256] {
        let options = GridOptions {
            points,
            estimate_error: false,
            ..GridOptions::default()
        };
        let result = quench(&xi, 0.5, 1e4, &[], &options).unwrap();
        eprintln!(
            "n = {points}: e(1e4) = {:.6} (e_inf = {asymptotic:.6}), {} doublings, most sweeps {}",
            result.one_time.last().unwrap().energy,
            result.doublings,
            result.most_sweeps
        );
        group.bench_function(format!("p3-T0.5-t1e4-n{points}"), |b| {
            b.iter(|| quench(&xi, black_box(0.5), 1e4, &[], &options).unwrap())
        });
    }
    let temperature = 1.001
        * quench_theory::pspin::spherical_p_spin(3)
            .unwrap()
            .dynamic_temperature;
    group.bench_function("equilibrium-p3-eps1e-3", |b| {
        b.iter(|| equilibrium(&xi, black_box(temperature), 1e9, 2048, 1.0 / 16384.0).unwrap())
    });
    group.finish();
}

criterion_group!(benches, replica, mean_field, cavity, cugliandolo_kurchan);
criterion_main!(benches);
