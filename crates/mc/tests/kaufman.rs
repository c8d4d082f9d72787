//! The 16x16 periodic Ising ferromagnet against Kaufman's exact solution.
//!
//! Energy and specific heat per spin at temperatures below, near and above
//! $T_c = 2/\ln(1+\sqrt2) \approx 2.269$. The specific heat
//! $C/N = \beta^2 N (\langle e^2\rangle - \langle e\rangle^2)$ is a non-linear function of
//! two means; its error comes from a jackknife over 64 blocks of the series,
//! each block much longer than the autocorrelation time.

mod common;

use common::{SIGMAS, assert_agrees};
use quench_core::{ModelSpec, Sample};
use quench_exact::kaufman::KaufmanIsing;
use quench_mc::{ChainState, LocalRule, SingleSpinSampler, SweepOrder, WolffCluster, WolffScratch};
use quench_stats::{BinningAccumulator, jackknife};

const LENGTH: usize = 16;

fn lattice() -> Sample {
    ModelSpec::Ferromagnet {
        dimension: 2,
        length: LENGTH as i64,
        field: 0.0,
    }
    .ensemble()
    .unwrap()
    .draw(0, 0)
    .unwrap()
}

/// Compares the energy (binning error) and the specific heat (block jackknife) of `series`.
fn compare(label: &str, series: &[f64], temperature: f64) {
    let exact = KaufmanIsing::new(LENGTH, LENGTH).unwrap();
    let beta = 1.0 / temperature;
    let n = (LENGTH * LENGTH) as f64;
    let mut energy = BinningAccumulator::new();
    series.iter().for_each(|&e| energy.push(e));
    let estimate = energy.estimate();
    assert_agrees(
        &format!("{label} T={temperature} energy"),
        estimate,
        exact.energy_per_spin(beta).unwrap(),
    );
    let blocks = 64;
    let block = series.len() / blocks;
    assert!(
        block as f64 > 20.0 * estimate.tau_int,
        "blocks of {block} too short for tau {}",
        estimate.tau_int
    );
    let means: Vec<f64> = series
        .chunks_exact(block)
        .map(|c| c.iter().sum::<f64>() / block as f64)
        .collect();
    let squares: Vec<f64> = series
        .chunks_exact(block)
        .map(|c| c.iter().map(|e| e * e).sum::<f64>() / block as f64)
        .collect();
    let heat = jackknife(&[&means, &squares], |m| {
        beta * beta * n * (m[1] - m[0] * m[0])
    })
    .unwrap();
    let exact_heat = exact.specific_heat_per_spin(beta).unwrap();
    let z = (heat.value - exact_heat) / heat.error;
    assert!(
        z.abs() < SIGMAS,
        "{label} T={temperature} specific heat {} ± {} vs exact {exact_heat} (z = {z:.2})",
        heat.value,
        heat.error
    );
}

#[test]
fn wolff_matches_kaufman_on_a_16x16_lattice() {
    let sample = lattice();
    let wolff = WolffCluster::new(&sample).unwrap();
    let mut scratch = WolffScratch::default();
    for (k, temperature) in [2.0, 2.269, 2.6].into_iter().enumerate() {
        let beta = 1.0 / temperature;
        let mut chain = ChainState::random(&sample, 10, k as u64, 0);
        let mut series = Vec::new();
        for step in 0..120_000 {
            wolff.step(&sample, &mut chain, beta, &mut scratch);
            if step >= 5_000 {
                series.push(chain.energy_per_spin());
            }
        }
        compare("Wolff 16x16", &series, temperature);
    }
}

#[test]
fn checkerboard_metropolis_matches_kaufman_away_from_criticality() {
    let sample = lattice();
    let sampler =
        SingleSpinSampler::new(LocalRule::Metropolis, SweepOrder::Checkerboard, &sample).unwrap();
    for (k, temperature) in [1.8, 3.2].into_iter().enumerate() {
        let beta = 1.0 / temperature;
        let mut chain = ChainState::random(&sample, 11, k as u64, 0);
        sampler.sweeps(&sample, &mut chain, beta, 5_000);
        let series: Vec<f64> = (0..40_000)
            .map(|_| {
                sampler.sweep(&sample, &mut chain, beta);
                chain.energy_per_spin()
            })
            .collect();
        compare("Metropolis 16x16", &series, temperature);
    }
}
