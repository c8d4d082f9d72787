//! The packed-sign group sweep (eight chains per batch with AVX-512, where
//! the CPU has it) against the portable chain-by-chain [`sweep_packed`]:
//! identical spins, spin bits, streams, counters and exact energies, for
//! row lengths with and without a partial 512-bit block and for groups that
//! fill zero, one or several batches of eight exactly or partly; and the
//! group sweep's scratch, reused across groups of other shapes, changing
//! nothing.

mod common;

use quench_core::{CouplingDistribution, ModelSpec, Sample};
use quench_mc::dense::{
    DenseCouplings, DenseFields, DenseScratch, DenseState, sweep_chains, sweep_packed,
};
use quench_mc::{DenseConfig, DensePrecision, DenseTempering, TemperatureLadder};

fn sk(n: i64, seed: u64) -> Sample {
    ModelSpec::SherringtonKirkpatrick {
        n,
        couplings: CouplingDistribution::PlusMinusOne,
        field: 0.0,
    }
    .ensemble()
    .unwrap()
    .draw(seed, 0)
    .unwrap()
}

#[test]
fn packed_group_sweeps_follow_the_portable_chain_by_chain_sweeps() {
    // (N, temperatures, replicas, group sizes): 17 chains make batches of
    // 8 + 8 + 1; rows of 1, 2, 4 and 9 blocks of 512 bits; N = 512, 1000
    // and 2000 fill their last block's words, 70 and 4200 do not.
    for (n, temperatures, replicas, sizes) in [
        (2, 3, 1, vec![usize::MAX, 2]),
        (70, 17, 1, vec![usize::MAX, 9, 8, 7]),
        (512, 10, 1, vec![usize::MAX, 5]),
        (1000, 4, 4, vec![usize::MAX, 3, 16]),
        (2000, 10, 1, vec![usize::MAX]),
        // More than eight blocks per row: the kernel without a constant block count.
        (4200, 3, 1, vec![usize::MAX]),
    ] {
        let sample = sk(n, 9);
        let config = DenseConfig {
            ladder: TemperatureLadder::geometric(0.4, 1.6, temperatures).unwrap(),
            replicas,
            sweeps_per_exchange: 1,
            precision: DensePrecision::PackedSigns,
            refresh_rounds: 100,
        };
        let dense = DenseTempering::new(config, &sample).unwrap();
        let DenseCouplings::PackedSigns { bits, words, .. } = dense.couplings() else {
            unreachable!("packed storage")
        };
        let mut start = dense.initial_state(&sample, 13, 0);
        // A few rounds first, so that the spins are not the random start.
        for _ in 0..3 {
            dense.step(&sample, &mut start);
        }
        let sweeps = 3;
        let mut alone = start.clone();
        let chains = alone
            .tempering
            .ladders
            .iter_mut()
            .flat_map(|l| l.chains.iter_mut());
        for (index, (chain, fields)) in chains.zip(alone.fields.iter_mut()).enumerate() {
            let DenseFields::Packed { spins, energy } = fields else {
                unreachable!("packed fields")
            };
            let table = &dense.tables()[index % temperatures];
            for _ in 0..sweeps {
                let (change, accepted) =
                    sweep_packed(bits, *words, &mut chain.spins, spins, table, &mut chain.rng);
                *energy += change;
                chain.accepted += accepted;
                chain.attempted += n as u64;
                chain.sweeps += 1;
            }
        }
        for size in sizes {
            let grouped = common::swept_in_groups(&dense, &start, size, sweeps);
            assert_eq!(grouped, alone, "N = {n}, groups of {size}");
        }
        for (chain, fields) in alone.tempering.ladders[0].chains.iter().zip(&alone.fields) {
            let DenseFields::Packed { energy, .. } = fields else {
                unreachable!("packed fields")
            };
            let magnitude = sample.coupling(0, 1).abs();
            assert!((magnitude * *energy as f64 - sample.energy(&chain.spins)).abs() < 1e-9);
        }
    }
}

/// `start` after `sweeps` group sweeps of every chain in groups of `size`,
/// group `g` in `scratches[g % scratches.len()]`.
fn swept_with(
    dense: &DenseTempering,
    start: &DenseState,
    size: usize,
    sweeps: u64,
    scratches: &mut [DenseScratch],
) -> DenseState {
    let temperatures = dense.betas().len();
    let mut swept = start.clone();
    let mut chains: Vec<_> = swept
        .tempering
        .ladders
        .iter_mut()
        .flat_map(|l| l.chains.iter_mut())
        .zip(swept.fields.iter_mut())
        .enumerate()
        .map(|(index, (chain, fields))| (index % temperatures, chain, fields))
        .collect();
    let count = scratches.len();
    for (g, group) in chains.chunks_mut(size).enumerate() {
        let (couplings, betas, tables) = (dense.couplings(), dense.betas(), dense.tables());
        sweep_chains(
            couplings,
            betas,
            tables,
            group,
            sweeps,
            &mut scratches[g % count],
        );
    }
    drop(chains);
    swept
}

#[test]
fn a_reused_scratch_sweeps_as_a_fresh_one() {
    // One scratch for every group of every sample in turn: longer rows and
    // larger groups before shorter and smaller ones (stale padding words,
    // site-major bytes or batches would show), then longer again (growth).
    let mut reused = DenseScratch::new();
    for (n, temperatures, replicas, size) in [
        (1000, 9, 2, 18),
        (70, 17, 1, 9),
        (1000, 3, 1, 3),
        (2, 3, 1, 2),
        (600, 5, 2, 7),
        (4200, 2, 1, 2),
        (130, 10, 1, 10),
    ] {
        let sample = sk(n, 21);
        let config = DenseConfig {
            ladder: TemperatureLadder::geometric(0.4, 1.6, temperatures).unwrap(),
            replicas,
            sweeps_per_exchange: 1,
            precision: DensePrecision::PackedSigns,
            refresh_rounds: 100,
        };
        let dense = DenseTempering::new(config, &sample).unwrap();
        let mut start = dense.initial_state(&sample, 5, 0);
        dense.step(&sample, &mut start);
        let groups = (temperatures * replicas).div_ceil(size);
        let mut fresh: Vec<_> = (0..groups).map(|_| DenseScratch::new()).collect();
        let expected = swept_with(&dense, &start, size, 2, &mut fresh);
        let grown = reused.bytes();
        let got = swept_with(&dense, &start, size, 2, std::slice::from_mut(&mut reused));
        assert_eq!(got, expected, "N = {n}, groups of {size}, reused scratch");
        assert!(reused.bytes() >= grown, "a scratch never shrinks");
        // Sized beforehand: the call does not grow it.
        let mut sized = [DenseScratch::for_group(dense.couplings(), size)];
        let bytes = sized[0].bytes();
        let got = swept_with(&dense, &start, size, 2, &mut sized);
        assert_eq!(
            got, expected,
            "N = {n}, groups of {size}, scratch for the group"
        );
        assert_eq!(sized[0].bytes(), bytes, "N = {n}: for_group left room");
        // The engine's scratches, kept from round to round, against a
        // clone's (which starts without any) every round.
        let (mut kept, mut cloned) = (start.clone(), start);
        for _ in 0..3 {
            dense.step(&sample, &mut kept);
            dense.clone().step(&sample, &mut cloned);
        }
        assert_eq!(kept, cloned, "N = {n}, the engine's scratches");
    }
}
