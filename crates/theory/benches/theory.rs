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

criterion_group!(benches, replica, mean_field, cavity);
criterion_main!(benches);
