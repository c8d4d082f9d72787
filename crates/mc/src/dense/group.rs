//! The group driver [`sweep_chains`]: the chains of a group swept together,
//! site-major, at the widest instruction set this CPU offers, in buffers
//! the caller keeps ([`DenseScratch`]).

use super::float::attempt_float;
use super::packed::{Popcount, Portable, attempt_packed};
use super::storage::{DenseCouplings, DenseFields};
use crate::chain::ChainState;

#[cfg(target_arch = "x86_64")]
use super::avx512::{PackedScratch, sweep_packed_group_avx512};
#[cfg(target_arch = "x86_64")]
use super::packed::Avx512Popcount;

/// One chain of a group sweep: its temperature slot, its state and its
/// per-chain data.
pub type GroupChain<'a> = (usize, &'a mut ChainState, &'a mut DenseFields);

/// The working buffers of [`sweep_chains`], owned by the caller and reused
/// from call to call, so that sweeping a group allocates nothing once they
/// have grown to its shape.
///
/// The AVX-512 packed-sign kernel needs, per call, the chains' spin bits in
/// padded 64-byte-aligned blocks ($\lceil N/512 \rceil$ per chain), and per
/// batch of eight chains their generators' states and $64\lceil N/64
/// \rceil$ site-major bytes; these live here and grow only when a group has
/// more chains or longer rows than any before (they never shrink). Every
/// call rewrites or zeroes the part it uses before reading it, so the
/// results do not depend on which groups, of which shapes, a scratch served
/// before: a call with a reused scratch is bit for bit the call with a
/// fresh one. The other kernels need no buffers and leave it untouched.
///
/// Keep one per thread (or per group swept at a time):
/// [`DenseTempering`](super::DenseTempering) holds one per group of its
/// rounds. [`DenseScratch::new`] starts empty and grows on the first call;
/// [`DenseScratch::for_group`] is sized beforehand, so that even the first
/// call allocates nothing.
#[derive(Default)]
pub struct DenseScratch {
    /// The AVX-512 packed kernel's buffers.
    packed: PackedScratch,
}

/// Without x86-64 no kernel needs buffers.
#[cfg(not(target_arch = "x86_64"))]
#[derive(Default)]
struct PackedScratch;

#[cfg(not(target_arch = "x86_64"))]
impl PackedScratch {
    fn reserve(&mut self, _chains: usize, _words: usize) {}

    fn bytes(&self) -> usize {
        0
    }
}

impl DenseScratch {
    /// An empty scratch; the first call of [`sweep_chains`] sizes it.
    pub fn new() -> Self {
        Self::default()
    }

    /// A scratch already large enough for [`sweep_chains`] on a group of
    /// `chains` chains with `couplings` (nothing for the kernels that need
    /// no buffers, or on a CPU without the AVX-512 packed kernel).
    pub fn for_group(couplings: &DenseCouplings, chains: usize) -> Self {
        let mut scratch = Self::new();
        if let DenseCouplings::PackedSigns { words, .. } = couplings
            && packed_group_kernel()
        {
            scratch.packed.reserve(chains, *words);
        }
        scratch
    }

    /// The bytes it holds.
    pub fn bytes(&self) -> usize {
        self.packed.bytes()
    }
}

impl std::fmt::Debug for DenseScratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DenseScratch")
            .field("bytes", &self.bytes())
            .finish()
    }
}

/// Whether [`sweep_chains`] runs the AVX-512 packed kernel (the features
/// it tests for packed couplings).
#[cfg(target_arch = "x86_64")]
fn packed_group_kernel() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
        && std::arch::is_x86_feature_detected!("avx512vpopcntdq")
        && std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
        && std::arch::is_x86_feature_detected!("popcnt")
        && std::arch::is_x86_feature_detected!("avx512bw")
}

/// Whether [`sweep_chains`] runs the AVX-512 packed kernel: not without
/// x86-64.
#[cfg(not(target_arch = "x86_64"))]
fn packed_group_kernel() -> bool {
    false
}

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
/// The buffers come from `scratch` (see [`DenseScratch`]); whatever it
/// served before, the results are the same.
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
    scratch: &mut DenseScratch,
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
                        kernel(bits, *words, tables, group, &mut scratch.packed, sweeps)
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
    #[cfg(not(target_arch = "x86_64"))]
    let _ = scratch;
    sweep_group::<Portable>(couplings, betas, tables, group, sweeps)
}
