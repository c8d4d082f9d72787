//! The group driver [`sweep_chains`]: the chains of a group swept together,
//! site-major, at the widest instruction set this CPU offers.

use super::float::attempt_float;
use super::packed::{Popcount, Portable, attempt_packed};
use super::storage::{DenseCouplings, DenseFields};
use crate::chain::ChainState;

#[cfg(target_arch = "x86_64")]
use super::avx512::sweep_packed_group_avx512;
#[cfg(target_arch = "x86_64")]
use super::packed::Avx512Popcount;

/// One chain of a group sweep: its temperature slot, its state and its
/// per-chain data.
pub type GroupChain<'a> = (usize, &'a mut ChainState, &'a mut DenseFields);

/// `sweeps` sequential sweeps of every chain of `group`, site-major (see
/// the [module docs](super)); counters, `accepted` and the packed energies
/// updated.
#[inline(always)]
fn sweep_group<P: Popcount>(
    couplings: &DenseCouplings,
    betas: &[f64],
    tables: &[Vec<u64>],
    group: &mut [GroupChain<'_>],
    sweeps: u64,
) {
    let Some(n) = group.first().map(|c| c.1.spins.len()) else {
        return;
    };
    for _ in 0..sweeps {
        match couplings {
            DenseCouplings::F64(rows) => {
                for i in 0..n {
                    let row = &rows[i * n..(i + 1) * n];
                    for (slot, chain, fields) in group.iter_mut() {
                        let DenseFields::F64(h) = fields else {
                            unreachable!("fields are built with the couplings' storage")
                        };
                        let (beta, rng) = (betas[*slot], &mut chain.rng);
                        if attempt_float(row, &mut chain.spins, h, i, beta, rng).is_some() {
                            chain.accepted += 1;
                        }
                    }
                }
            }
            DenseCouplings::F32(rows) => {
                for i in 0..n {
                    let row = &rows[i * n..(i + 1) * n];
                    for (slot, chain, fields) in group.iter_mut() {
                        let DenseFields::F32(h) = fields else {
                            unreachable!("fields are built with the couplings' storage")
                        };
                        let (beta, rng) = (betas[*slot], &mut chain.rng);
                        if attempt_float(row, &mut chain.spins, h, i, beta, rng).is_some() {
                            chain.accepted += 1;
                        }
                    }
                }
            }
            DenseCouplings::PackedSigns { bits, words, .. } => {
                for i in 0..n {
                    let row = &bits[i * words..(i + 1) * words];
                    for (slot, chain, fields) in group.iter_mut() {
                        let DenseFields::Packed { spins, energy } = fields else {
                            unreachable!("fields are built with the couplings' storage")
                        };
                        let table = &tables[*slot];
                        if let Some(change) = attempt_packed::<P>(
                            row,
                            &mut chain.spins,
                            spins,
                            i,
                            table,
                            &mut chain.rng,
                        ) {
                            *energy += change;
                            chain.accepted += 1;
                        }
                    }
                }
            }
        }
        for (_, chain, _) in group.iter_mut() {
            chain.sweeps += 1;
            chain.attempted += n as u64;
        }
    }
}

/// [`sweep_group`] compiled for AVX-512 (vector row updates and `vpopcntq`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vpopcntdq,avx2,fma,popcnt")]
fn sweep_group_avx512(
    couplings: &DenseCouplings,
    betas: &[f64],
    tables: &[Vec<u64>],
    group: &mut [GroupChain<'_>],
    sweeps: u64,
) {
    sweep_group::<Avx512Popcount>(couplings, betas, tables, group, sweeps)
}

/// [`sweep_group`] compiled for AVX2 and `popcnt`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,popcnt")]
fn sweep_group_avx2(
    couplings: &DenseCouplings,
    betas: &[f64],
    tables: &[Vec<u64>],
    group: &mut [GroupChain<'_>],
    sweeps: u64,
) {
    sweep_group::<Portable>(couplings, betas, tables, group, sweeps)
}

/// `sweeps` sequential Metropolis sweeps of every chain of `group` together,
/// site-major: for each site, every chain (at inverse temperature
/// `betas[slot]`; `tables[slot]` from [`packed_thresholds`] for packed signs)
/// attempts its flip. Each chain's trajectory is the one [`sweep_f64`],
/// [`sweep_f32`] or [`sweep_packed`] would give it alone; the chains' sweep,
/// attempt and acceptance counters and the packed energies are updated (the
/// floating-point energies are left to the caller). Runs at the widest
/// instruction set this CPU offers; the results are the same for every one
/// (no operation is fused or reordered).
///
/// [`packed_thresholds`]: super::packed_thresholds
/// [`sweep_f64`]: super::sweep_f64
/// [`sweep_f32`]: super::sweep_f32
/// [`sweep_packed`]: super::sweep_packed
pub fn sweep_chains(
    couplings: &DenseCouplings,
    betas: &[f64],
    tables: &[Vec<u64>],
    group: &mut [GroupChain<'_>],
    sweeps: u64,
) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vpopcntdq")
            && std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
            && std::arch::is_x86_feature_detected!("popcnt")
        {
            if let DenseCouplings::PackedSigns { bits, words, .. } = couplings
                && std::arch::is_x86_feature_detected!("avx512bw")
            {
                if !group.is_empty() {
                    // SAFETY: the features were detected just above; the
                    // group is non-empty and its fields are packed ones.
                    unsafe {
                        let kernel = match words.div_ceil(8) {
                            1 => sweep_packed_group_avx512::<1>,
                            2 => sweep_packed_group_avx512::<2>,
                            3 => sweep_packed_group_avx512::<3>,
                            4 => sweep_packed_group_avx512::<4>,
                            5 => sweep_packed_group_avx512::<5>,
                            6 => sweep_packed_group_avx512::<6>,
                            7 => sweep_packed_group_avx512::<7>,
                            8 => sweep_packed_group_avx512::<8>,
                            _ => sweep_packed_group_avx512::<0>,
                        };
                        kernel(bits, *words, tables, group, sweeps)
                    };
                }
                return;
            }
            // SAFETY: the features were detected just above.
            unsafe { sweep_group_avx512(couplings, betas, tables, group, sweeps) };
            return;
        }
        if std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
            && std::arch::is_x86_feature_detected!("popcnt")
        {
            // SAFETY: the features were detected just above.
            unsafe { sweep_group_avx2(couplings, betas, tables, group, sweeps) };
            return;
        }
    }
    sweep_group::<Portable>(couplings, betas, tables, group, sweeps)
}
