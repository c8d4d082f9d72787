//! The packed-sign kernel, chain by chain: the integer field by population
//! count over a row ([`Popcount`]: portable or AVX-512 `vpopcntq`), the
//! acceptance tables ([`packed_thresholds`]) and one sweep ([`sweep_packed`]).

use quench_core::{Spin, StreamRng};
use rand::Rng;

use crate::multispin::probability_threshold;

/// $\sum_{j\ne i}\mathrm{sign}(J_{ij}) s_j$ for $N$ = `n` spins, from row
/// $i$'s sign bits and the spin bits: $(N-1) - 2(c - b_i)$ with
/// $c = \sum_w \mathrm{popcount}(r_w \oplus b_w)$ computed by `count`.
#[inline(always)]
pub(super) fn packed_field(
    row: &[u64],
    spins: &[u64],
    n: usize,
    i: usize,
    count: impl Fn(&[u64], &[u64]) -> u64,
) -> i64 {
    let own = ((spins[i / 64] >> (i % 64)) & 1) as i64;
    (n as i64 - 1) - 2 * (count(row, spins) as i64 - own)
}

/// How the population count of $r \oplus b$ over a row is computed.
pub(super) trait Popcount {
    fn count(row: &[u64], spins: &[u64]) -> u64;
}

/// `u64::count_ones`, a `popcnt` instruction where the function calling it
/// enables that feature.
pub(super) struct Portable;

impl Popcount for Portable {
    #[inline(always)]
    fn count(row: &[u64], spins: &[u64]) -> u64 {
        row.iter()
            .zip(spins)
            .map(|(&r, &b)| u64::from((r ^ b).count_ones()))
            .sum()
    }
}

/// AVX-512 `vpopcntq` over eight words at a time.
#[cfg(target_arch = "x86_64")]
pub(super) struct Avx512Popcount;

#[cfg(target_arch = "x86_64")]
impl Popcount for Avx512Popcount {
    #[inline(always)]
    fn count(row: &[u64], spins: &[u64]) -> u64 {
        use std::arch::x86_64::*;
        let full = row.len().min(spins.len()) / 8;
        // SAFETY: only instantiated inside functions enabling AVX-512F and
        // VPOPCNTDQ (entered after run-time detection); the loads read
        // words 8c..8c + 8 < 8 * full of both slices.
        let mut total = unsafe {
            let mut acc = _mm512_setzero_si512();
            for c in 0..full {
                let r = _mm512_loadu_si512(row.as_ptr().add(8 * c).cast());
                let b = _mm512_loadu_si512(spins.as_ptr().add(8 * c).cast());
                acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(_mm512_xor_si512(r, b)));
            }
            _mm512_reduce_add_epi64(acc) as u64
        };
        for (&r, &b) in row[8 * full..].iter().zip(&spins[8 * full..]) {
            total += u64::from((r ^ b).count_ones());
        }
        total
    }
}

/// One attempted flip of site `i` with packed signs; returns $\Delta U = 2x$ if accepted.
#[inline(always)]
pub(super) fn attempt_packed<P: Popcount>(
    row: &[u64],
    spins: &mut [Spin],
    spin_bits: &mut [u64],
    i: usize,
    thresholds: &[u64],
    rng: &mut StreamRng,
) -> Option<i64> {
    let s = spins[i];
    let x = i64::from(s) * packed_field(row, spin_bits, spins.len(), i, P::count);
    if x <= 0 || rng.next_u64() < thresholds[x as usize] {
        spins[i] = -s;
        spin_bits[i / 64] ^= 1 << (i % 64);
        Some(2 * x)
    } else {
        None
    }
}

/// The acceptance table of the packed kernel: entry $x$ ($0 \le x < N$) is
/// $\lfloor 2^{64} e^{-2\beta|J|x}\rfloor$ (entry 0 saturates: always accepted).
pub fn packed_thresholds(n: usize, magnitude: f64, beta: f64) -> Vec<u64> {
    (0..n.max(1))
        .map(|x| probability_threshold((-2.0 * beta * magnitude * x as f64).exp()))
        .collect()
}

/// One sequential Metropolis sweep with packed signs: `bits` the rows'
/// sign bits (`words` per row), `spin_bits` the spins as bits (kept equal to
/// `spins`), one `u64` uniform per attempt with $s_ih_i > 0$. Returns the
/// change of the integer energy $U$ and the accepted flips.
pub fn sweep_packed(
    bits: &[u64],
    words: usize,
    spins: &mut [Spin],
    spin_bits: &mut [u64],
    thresholds: &[u64],
    rng: &mut StreamRng,
) -> (i64, u64) {
    let n = spins.len();
    assert_eq!(spin_bits.len(), words);
    let (mut change, mut accepted) = (0i64, 0);
    for i in 0..n {
        let row = &bits[i * words..(i + 1) * words];
        if let Some(delta) = attempt_packed::<Portable>(row, spins, spin_bits, i, thresholds, rng) {
            change += delta;
            accepted += 1;
        }
    }
    (change, accepted)
}
