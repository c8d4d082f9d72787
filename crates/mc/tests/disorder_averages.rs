//! Disorder averages: the Gaussian energy/link-overlap identity checked
//! exactly by enumeration, and a parallel-tempering ensemble run checked
//! against the exact disorder averages of the same samples.

mod common;

use common::SIGMAS;
use quench_core::observables::{binder_cumulant, gaussian_energy_from_link_overlap};
use quench_core::{CouplingDistribution, ModelSpec};
use quench_exact::Enumeration;
use quench_mc::{
    LocalRule, Schedule, SweepOrder, TemperatureLadder, TemperingConfig, run_ensemble,
};
use quench_stats::DisorderAverage;

/// $[\langle E_J\rangle]/N = -\beta\sigma^2 (N_b/N)(1 - [\langle q_\ell\rangle])$ holds on average
/// over Gaussian samples: check the mean per-sample gap is zero within its error.
fn check_identity(spec: ModelSpec, temperature: f64, samples: u64) {
    let ensemble = spec.ensemble().unwrap();
    let gaps: Vec<f64> = (0..samples)
        .map(|index| {
            let sample = ensemble.draw(2, index).unwrap();
            let enumeration = Enumeration::new(&sample).unwrap();
            let thermal = enumeration.thermal(temperature).unwrap();
            let replicas = enumeration.replicas(&sample, temperature).unwrap();
            let bonds_per_spin = sample.bond_count() as f64 / sample.n() as f64;
            thermal.energy_per_spin
                - gaussian_energy_from_link_overlap(
                    1.0 / temperature,
                    sample.coupling_variance().unwrap(),
                    bonds_per_spin,
                    replicas.link_overlap,
                )
        })
        .collect();
    let gap = DisorderAverage::new(gaps);
    assert!(
        gap.mean().abs() < SIGMAS * gap.error(),
        "{spec:?}: gap {} ± {}",
        gap.mean(),
        gap.error()
    );
}

#[test]
fn gaussian_identity_between_energy_and_link_overlap_holds_exactly_on_average() {
    check_identity(
        ModelSpec::SherringtonKirkpatrick {
            n: 8,
            couplings: CouplingDistribution::Gaussian,
            field: 0.0,
        },
        0.6,
        3000,
    );
    check_identity(
        ModelSpec::EdwardsAnderson {
            dimension: 2,
            length: 3,
            couplings: CouplingDistribution::Gaussian,
            field: 0.0,
        },
        1.0,
        2000,
    );
    check_identity(
        ModelSpec::RandomRegular {
            n: 10,
            degree: 3,
            couplings: CouplingDistribution::Gaussian,
            field: 0.0,
        },
        0.8,
        2000,
    );
}

/// The per-sample gaps of SK samples at `temperature`, with the identity evaluated at `assumed`.
fn sk_gaps(temperature: f64, assumed: f64, samples: u64) -> DisorderAverage {
    let ensemble = ModelSpec::SherringtonKirkpatrick {
        n: 8,
        couplings: CouplingDistribution::Gaussian,
        field: 0.0,
    }
    .ensemble()
    .unwrap();
    DisorderAverage::new(
        (0..samples)
            .map(|index| {
                let sample = ensemble.draw(5, index).unwrap();
                let enumeration = Enumeration::new(&sample).unwrap();
                let e = enumeration.thermal(temperature).unwrap().energy_per_spin;
                let ql = enumeration
                    .replicas(&sample, temperature)
                    .unwrap()
                    .link_overlap;
                e - gaussian_energy_from_link_overlap(1.0 / assumed, 1.0 / 8.0, 3.5, ql)
            })
            .collect(),
    )
}

#[test]
fn the_identity_check_detects_a_ten_percent_temperature_error() {
    // Same samples, same tolerance: the true temperature passes, a wrong one fails clearly.
    let right = sk_gaps(0.6, 0.6, 1000);
    assert!(
        right.mean().abs() < SIGMAS * right.error(),
        "{} ± {}",
        right.mean(),
        right.error()
    );
    let wrong = sk_gaps(0.6, 0.66, 1000);
    assert!(
        wrong.mean().abs() > SIGMAS * wrong.error(),
        "{} ± {}",
        wrong.mean(),
        wrong.error()
    );
}

#[test]
fn ensemble_run_matches_exact_disorder_averages_of_the_same_samples() {
    let spec = ModelSpec::SherringtonKirkpatrick {
        n: 10,
        couplings: CouplingDistribution::Gaussian,
        field: 0.0,
    };
    let ensemble = spec.ensemble().unwrap();
    let config = TemperingConfig {
        ladder: TemperatureLadder::geometric(0.4, 1.4, 6).unwrap(),
        replicas: 2,
        rule: LocalRule::Metropolis,
        order: SweepOrder::Sequential,
        sweeps_per_exchange: 1,
    };
    let samples = 6;
    let run = run_ensemble(
        &ensemble,
        &config,
        Schedule {
            equilibration_rounds: 1_000,
            measurement_rounds: 20_000,
        },
        4,
        samples,
    )
    .unwrap();
    for (slot, point) in run.disorder.iter().enumerate() {
        let t = point.temperature;
        let exact: Vec<_> = (0..samples)
            .map(|index| {
                let sample = ensemble.draw(4, index).unwrap();
                let enumeration = Enumeration::new(&sample).unwrap();
                (
                    enumeration.thermal(t).unwrap(),
                    enumeration.replicas(&sample, t).unwrap(),
                )
            })
            .collect();
        let m = samples as f64;
        let exact_energy = exact.iter().map(|(th, _)| th.energy_per_spin).sum::<f64>() / m;
        let exact_q2 = exact.iter().map(|(_, r)| r.overlap_squared).sum::<f64>() / m;
        let exact_q4 = exact.iter().map(|(_, r)| r.overlap_fourth).sum::<f64>() / m;
        // Same samples on both sides: the only noise is thermal, the sum of the per-sample errors in quadrature.
        let thermal_error = |f: &dyn Fn(usize) -> f64| {
            (0..samples as usize)
                .map(|s| f(s).powi(2))
                .sum::<f64>()
                .sqrt()
                / m
        };
        let energy_error = thermal_error(&|s| run.samples[s].thermal[slot].energy.error);
        let q2_error =
            thermal_error(&|s| run.samples[s].thermal[slot].overlap_squared.unwrap().error);
        let energy = point.energy.mean();
        let q2 = point.overlap_squared.as_ref().unwrap().mean();
        assert!(
            (energy - exact_energy).abs() < SIGMAS * energy_error,
            "T={t}: [E] {energy} vs {exact_energy} ± {energy_error}"
        );
        assert!(
            (q2 - exact_q2).abs() < SIGMAS * q2_error,
            "T={t}: [q2] {q2} vs {exact_q2} ± {q2_error}"
        );
        // The Binder cumulant of the disorder-averaged moments.
        let binder = point.binder_cumulant.unwrap();
        let q4 = point.overlap_fourth.as_ref().unwrap().mean();
        assert!((binder.value - binder_cumulant(q2, q4)).abs() < 1e-12);
        assert!(binder.error > 0.0 && binder.samples == samples as usize);
        let exact_binder = binder_cumulant(exact_q2, exact_q4);
        assert!(
            (binder.value - exact_binder).abs() < 0.05,
            "T={t}: g {} vs {exact_binder}",
            binder.value
        );
        // Equilibrated runs close the Gaussian identity within its error.
        let gap = point.equilibration_gap.as_ref().unwrap();
        assert!(
            gap.mean().abs() < SIGMAS * gap.error().max(1e-3),
            "T={t}: gap {} ± {}",
            gap.mean(),
            gap.error()
        );
        // P(q): normalised, symmetric without a field.
        let pq = point.overlap_distribution.as_ref().unwrap();
        assert!((pq.total_weight() - 1.0).abs() < 1e-9);
    }
}
