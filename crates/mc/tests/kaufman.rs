//! The 16x16 periodic Ising ferromagnet against Kaufman's exact solution.
//!
//! Energy and specific heat per spin at temperatures below, near and above
//! $T_c = 2/\ln(1+\sqrt2) \approx 2.269$. The specific heat
//! $C/N = \beta^2 N (\langle e^2\rangle - \langle e\rangle^2)$ is a non-linear function of
//! two means; its error comes from a jackknife over 64 blocks of the series,
//! each block much longer than the autocorrelation time.

mod common;

use common::assert_matches_kaufman;
use quench_core::{ModelSpec, Sample};
use quench_mc::{ChainState, LocalRule, SingleSpinSampler, SweepOrder, WolffCluster, WolffScratch};

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
        assert_matches_kaufman("Wolff 16x16", &series, LENGTH, temperature, 64);
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
        assert_matches_kaufman("Metropolis 16x16", &series, LENGTH, temperature, 64);
    }
}
