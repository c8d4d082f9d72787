//! Dense (complete-graph) Metropolis with cached local fields, for
//! Sherrington–Kirkpatrick and Hopfield samples.
//!
//! The scalar sampler recomputes $h^{\mathrm{loc}}_i = \sum_j J_{ij}s_j + h_i$ at
//! every update, $O(N)$ per attempt. Three storages ([`DensePrecision`]) do better:
//!
//! * `F64`: rows and cached fields in `f64`. An attempt reads $h_i$ ($O(1)$),
//!   and only an accepted flip of $s_i$ pays the $O(N)$ update
//!   $h_j \mathrel{+}= 2 s_i' J_{ij}$ over the contiguous row $i$ (one vector
//!   loop, AVX-512 or AVX2 when the CPU has them; $J_{ii} = 0$ so $h_i$ is
//!   unchanged). The uniform is drawn, as in [`crate::SingleSpinSampler`],
//!   only when $\Delta E > 0$, so with the same stream the trajectory is the
//!   scalar reference's one (the tests check it).
//! * `F32`: rows and fields in `f32`, half the memory traffic per accepted
//!   flip; $\Delta E$ and the energy are accumulated in `f64`.
//! * `PackedSigns`: couplings $\pm|J|$ (SK with $\pm 1/\sqrt N$ couplings) as
//!   one bit per pair ($N^2/8$ bytes: 0.5 MB for $N = 2000$, inside L2) and
//!   the spins as bits too; no field is cached. The integer field is a
//!   population count over the row,
//!   $$ \textstyle\sum_{j\ne i} \mathrm{sign}(J_{ij}) s_j = (N - 1) - 2\bigl(\mathrm{popcount}(r_i \oplus b) - b_i\bigr), $$
//!   ($r_i$ the sign bits of row $i$, diagonal bit 0; $b$ the spin bits, 1
//!   for $-1$): $N/64$ words per attempt, $N/512$ AVX-512 `vpopcntq`
//!   instructions, whatever the acceptance. The energy is an exact integer
//!   updated on every flip, and the acceptance thresholds
//!   $\lfloor 2^{64}e^{-2\beta|J|x}\rfloor$ are tabulated per temperature for
//!   every $x = s_ih_i$, so no exponential is evaluated.
//!
//! The driver sweeps the chains of a group (all chains, or a contiguous
//! share of them per thread) *together*, site by site: for each $i$ every
//! chain decides, so row $i$ is read from memory once and reused from L1 by
//! every chain that flips. Each chain consumes its own stream exactly as in
//! a chain-by-chain sweep, so the grouping changes nothing in the results.
//!
//! With AVX-512 (F, BW, VPOPCNTDQ) the packed storage decides eight chains
//! of a group at once, one per 64-bit lane, and without a branch. A
//! chain-by-chain sweep is bound by latency and mispredictions: an attempt
//! is a chain of dependent steps (popcounts, a horizontal sum, a table
//! look-up, a draw, a comparison) ending in a branch taken at random, and a
//! misprediction throws away the work in flight for the other chains. Per
//! site and batch of eight the kernel
//!
//! 1. sums `vpopcntq`$(r_i \oplus b^{(c)})$ over the row into one
//!    accumulator per chain $c$ (the row's $\lceil N/512 \rceil$ blocks
//!    loaded once per site and kept in registers: the kernel is compiled
//!    for each block count up to 8, $N \le 4096$) and adds the eight
//!    accumulators' lanes together by a transpose (unpack, then two 128-bit
//!    shuffles), so that lane $c$ holds $\mathrm{popcount}(r_i \oplus b^{(c)})$;
//! 2. forms $x_c = s^{(c)}_i h^{(c)}_i$ in the lanes, $s^{(c)}_i$ read from a
//!    site-major byte (bit $c$ of byte $i$ is $b^{(c)}_i$) rather than from
//!    the spin words;
//! 3. advances the eight chains' Xoshiro256++ states as one vector
//!    (`vprolq` rotations), keeping the new state only in the lanes with
//!    $x_c > 0$: each stream moves exactly as in the scalar sweep, one
//!    `u64` per attempt with $x > 0$;
//! 4. accepts where $x_c \le 0$ or $u_c < T_c\[x_c\]$ (table entries by
//!    scalar loads, faster here than a gather), as a lane mask that updates
//!    the energies, the acceptance counters and the site-major bytes;
//! 5. applies each chain's flip by XOR-ing the aligned 64-byte block of
//!    its spin bits that holds $b_i$ (a zero mask where rejected), so the
//!    next site's full-block loads are served from that store.
//!
//! The streams' states are read out of the generators (through their
//! serialisation) and written back, the spin bits copied into padded
//! aligned blocks and the `i8` spins rewritten from the bits, once per call
//! of [`sweep_chains`]. Without those instruction sets the chain-by-chain
//! decision above runs (with `vpopcntq` where there is AVX-512 without BW).
//!
//! Rounding: cached floating-point fields drift from the exact sums by about
//! $\epsilon\sqrt{\text{flips}}$; the driver recomputes them exactly every
//! `refresh_rounds` rounds (an $O(N^2)$ pass), and the energy after every sweep
//! batch from the fields in $O(N)$. The packed storage is exact.

use quench_core::{ParameterError, Sample, Spin, StreamRng};
use rand::{Rng, RngExt};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::chain::ChainState;
use crate::error::SamplerError;
use crate::multispin::probability_threshold;
use crate::temperature::TemperatureLadder;
use crate::tempering::TemperingState;

/// Storage of the couplings and cached fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DensePrecision {
    /// `f64` rows and fields.
    F64,
    /// `f32` rows and fields.
    F32,
    /// One sign bit per coupling and per spin, fields by population count
    /// (couplings $\pm|J|$, no field).
    PackedSigns,
}

/// The couplings of one dense sample in the chosen storage.
#[derive(Debug, Clone, PartialEq)]
pub enum DenseCouplings {
    /// Row-major `f64` matrix.
    F64(Vec<f64>),
    /// Row-major `f32` matrix.
    F32(Vec<f32>),
    /// Sign bits (1 = negative, diagonal 0), `words` `u64` per row, and $|J|$.
    PackedSigns {
        /// Bits, row-major, `words` per row.
        bits: Vec<u64>,
        /// Words per row, $\lceil N/64 \rceil$.
        words: usize,
        /// $|J|$.
        magnitude: f64,
    },
}

/// The per-chain data a dense kernel keeps beside the `i8` spins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DenseFields {
    /// $h^{\mathrm{loc}}$ in `f64`.
    F64(Vec<f64>),
    /// $h^{\mathrm{loc}}$ in `f32`.
    F32(Vec<f32>),
    /// The spins as bits and the exact integer energy.
    Packed {
        /// Bit $j$ of word $j/64$ is 1 where $s_j = -1$ (padding bits 0).
        spins: Vec<u64>,
        /// $U = -\sum_{i<j}\mathrm{sign}(J_{ij}) s_i s_j$; the energy is $|J|\,U$.
        energy: i64,
    },
}

impl DenseCouplings {
    /// The couplings of a dense `sample` in `precision`.
    pub fn new(sample: &Sample, precision: DensePrecision) -> Result<Self, SamplerError> {
        let n = sample.n();
        if !sample.is_dense() {
            return Err(SamplerError::NotApplicable {
                sampler: "the dense kernel",
                reason: "the couplings are sparse; use the multispin kernel or the scalar sampler"
                    .into(),
            });
        }
        let row = |i: usize| sample.dense_row(i).expect("dense");
        Ok(match precision {
            DensePrecision::F64 => {
                DenseCouplings::F64((0..n).flat_map(|i| row(i).to_vec()).collect())
            }
            DensePrecision::F32 => DenseCouplings::F32(
                (0..n)
                    .flat_map(|i| row(i).iter().map(|&j| j as f32))
                    .collect(),
            ),
            DensePrecision::PackedSigns => {
                let magnitude = if n > 1 {
                    sample.coupling(0, 1).abs()
                } else {
                    1.0
                };
                let words = n.div_ceil(64);
                let mut bits = vec![0u64; n * words];
                for i in 0..n {
                    for (j, &v) in row(i).iter().enumerate() {
                        if i != j && (v.abs() != magnitude || v == 0.0) {
                            return Err(SamplerError::NotApplicable {
                                sampler: "the packed-sign dense kernel",
                                reason: format!(
                                    "J[{i}][{j}] = {v} while |J[0][1]| = {magnitude}; it needs ±J couplings of one magnitude (use F64 or F32)"
                                ),
                            });
                        }
                        if i != j && v < 0.0 {
                            bits[i * words + j / 64] |= 1 << (j % 64);
                        }
                    }
                }
                if sample.has_field() || n > u32::MAX as usize {
                    return Err(SamplerError::NotApplicable {
                        sampler: "the packed-sign dense kernel",
                        reason: "it needs zero field (use F64 or F32)".into(),
                    });
                }
                DenseCouplings::PackedSigns {
                    bits,
                    words,
                    magnitude,
                }
            }
        })
    }

    /// Exact fields of `spins` (the field of the sample included for
    /// floats), or for packed signs the spin bits and integer energy.
    pub fn fields(&self, sample: &Sample, spins: &[Spin]) -> DenseFields {
        match self {
            DenseCouplings::F64(_) => DenseFields::F64(sample.local_fields(spins)),
            DenseCouplings::F32(_) => DenseFields::F32(
                sample
                    .local_fields(spins)
                    .iter()
                    .map(|&h| h as f32)
                    .collect(),
            ),
            DenseCouplings::PackedSigns { bits, words, .. } => {
                let spin_bits = pack_spins(spins);
                // U = -1/2 sum_i s_i h_i.
                let twice: i64 = (0..spins.len())
                    .map(|i| {
                        let row = &bits[i * words..(i + 1) * words];
                        i64::from(spins[i])
                            * packed_field(row, &spin_bits, spins.len(), i, Portable::count)
                    })
                    .sum();
                DenseFields::Packed {
                    spins: spin_bits,
                    energy: -twice / 2,
                }
            }
        }
    }
}

/// The spins as bits, bit $j$ of word $j/64$ set where $s_j = -1$.
pub fn pack_spins(spins: &[Spin]) -> Vec<u64> {
    let mut bits = vec![0u64; spins.len().div_ceil(64)];
    for (j, &s) in spins.iter().enumerate() {
        bits[j / 64] |= u64::from(s < 0) << (j % 64);
    }
    bits
}

/// $\sum_{j\ne i}\mathrm{sign}(J_{ij}) s_j$ for $N$ = `n` spins, from row
/// $i$'s sign bits and the spin bits: $(N-1) - 2(c - b_i)$ with
/// $c = \sum_w \mathrm{popcount}(r_w \oplus b_w)$ computed by `count`.
#[inline(always)]
fn packed_field(
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
trait Popcount {
    fn count(row: &[u64], spins: &[u64]) -> u64;
}

/// `u64::count_ones`, a `popcnt` instruction where the function calling it
/// enables that feature.
struct Portable;

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
struct Avx512Popcount;

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

/// $h \mathrel{+}= a \cdot \mathrm{row}$ element by element (a multiply then an
/// add, never fused, so every width rounds alike).
#[inline(always)]
fn axpy<T: Copy + std::ops::Mul<Output = T> + std::ops::AddAssign>(h: &mut [T], row: &[T], a: T) {
    for (h, &j) in h.iter_mut().zip(row) {
        *h += a * j;
    }
}

/// One attempted flip of site `i` with cached fields; returns $\Delta E$ if accepted.
#[inline(always)]
fn attempt_float<T>(
    row: &[T],
    spins: &mut [Spin],
    fields: &mut [T],
    i: usize,
    beta: f64,
    rng: &mut StreamRng,
) -> Option<f64>
where
    T: Copy + Into<f64> + From<i8> + std::ops::Mul<Output = T> + std::ops::AddAssign,
{
    let s = spins[i];
    let delta = 2.0 * f64::from(s) * fields[i].into();
    if delta <= 0.0 || rng.random::<f64>() < (-beta * delta).exp() {
        spins[i] = -s;
        axpy(fields, row, T::from(-2 * s));
        Some(delta)
    } else {
        None
    }
}

/// One attempted flip of site `i` with packed signs; returns $\Delta U = 2x$ if accepted.
#[inline(always)]
fn attempt_packed<P: Popcount>(
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

/// One sequential Metropolis sweep with cached `f64` fields; returns the
/// energy change and the number of accepted flips.
pub fn sweep_f64(
    rows: &[f64],
    spins: &mut [Spin],
    fields: &mut [f64],
    beta: f64,
    rng: &mut StreamRng,
) -> (f64, u64) {
    let n = spins.len();
    let (mut change, mut accepted) = (0.0, 0);
    for i in 0..n {
        if let Some(delta) = attempt_float(&rows[i * n..(i + 1) * n], spins, fields, i, beta, rng) {
            change += delta;
            accepted += 1;
        }
    }
    (change, accepted)
}

/// [`sweep_f64`] with `f32` rows and fields.
pub fn sweep_f32(
    rows: &[f32],
    spins: &mut [Spin],
    fields: &mut [f32],
    beta: f64,
    rng: &mut StreamRng,
) -> (f64, u64) {
    let n = spins.len();
    let (mut change, mut accepted) = (0.0, 0);
    for i in 0..n {
        if let Some(delta) = attempt_float(&rows[i * n..(i + 1) * n], spins, fields, i, beta, rng) {
            change += delta;
            accepted += 1;
        }
    }
    (change, accepted)
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

/// One chain of a group sweep: its temperature slot, its state and its
/// per-chain data.
pub type GroupChain<'a> = (usize, &'a mut ChainState, &'a mut DenseFields);

/// `sweeps` sequential sweeps of every chain of `group`, site-major (see
/// the module docs); counters, `accepted` and the packed energies updated.
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

/// Reading the state of a [`StreamRng`]: the generator offers no accessor,
/// but serialises (for checkpoints) as a struct of one `[u64; 4]`; this
/// serializer collects those words and refuses anything else.
#[cfg(target_arch = "x86_64")]
mod stream_words {
    use serde::Serialize;
    use serde::ser::{self, Impossible, Serializer};

    use quench_core::StreamRng;
    use rand::SeedableRng;

    /// Anything but a sequence of `u64`.
    #[derive(Debug)]
    pub(super) struct Unexpected;

    impl std::fmt::Display for Unexpected {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("the generator does not serialise as u64 words")
        }
    }

    impl std::error::Error for Unexpected {}

    impl ser::Error for Unexpected {
        fn custom<T: std::fmt::Display>(_: T) -> Self {
            Unexpected
        }
    }

    /// The `u64` values serialised so far.
    struct Words(Vec<u64>);

    type Done = Result<(), Unexpected>;

    macro_rules! refuse {
        ($($name:ident($($t:ty),*);)*) => {
            $(fn $name(self, $(_: $t),*) -> Done { Err(Unexpected) })*
        };
    }

    impl Serializer for &mut Words {
        type Ok = ();
        type Error = Unexpected;
        type SerializeSeq = Self;
        type SerializeTuple = Self;
        type SerializeTupleStruct = Self;
        type SerializeTupleVariant = Impossible<(), Unexpected>;
        type SerializeMap = Impossible<(), Unexpected>;
        type SerializeStruct = Self;
        type SerializeStructVariant = Impossible<(), Unexpected>;

        fn serialize_u64(self, v: u64) -> Done {
            self.0.push(v);
            Ok(())
        }
        refuse! {
            serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
            serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
            serialize_f32(f32); serialize_f64(f64); serialize_char(char); serialize_str(&str);
            serialize_bytes(&[u8]); serialize_none(); serialize_unit();
            serialize_unit_struct(&'static str);
            serialize_unit_variant(&'static str, u32, &'static str);
        }
        fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Done {
            Err(Unexpected)
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            value: &T,
        ) -> Done {
            value.serialize(self)
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Done {
            Err(Unexpected)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self, Unexpected> {
            Ok(self)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self, Unexpected> {
            Ok(self)
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Unexpected> {
            Ok(self)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Unexpected> {
            Err(Unexpected)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unexpected> {
            Err(Unexpected)
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Unexpected> {
            Ok(self)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Unexpected> {
            Err(Unexpected)
        }
    }

    /// Sequences, tuples and tuple structs: every element is a field of the
    /// state, in order.
    macro_rules! forward_elements {
        ($($trait:ident :: $method:ident),*) => {$(
            impl ser::$trait for &mut Words {
                type Ok = ();
                type Error = Unexpected;
                fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
                    value.serialize(&mut **self)
                }
                fn end(self) -> Done {
                    Ok(())
                }
            }
        )*};
    }
    forward_elements!(
        SerializeSeq::serialize_element,
        SerializeTuple::serialize_element,
        SerializeTupleStruct::serialize_field
    );

    impl ser::SerializeStruct for &mut Words {
        type Ok = ();
        type Error = Unexpected;
        fn serialize_field<T: ?Sized + Serialize>(&mut self, _: &'static str, value: &T) -> Done {
            value.serialize(&mut **self)
        }
        fn end(self) -> Done {
            Ok(())
        }
    }

    /// The state $(s_0, s_1, s_2, s_3)$ of a Xoshiro256++ stream.
    pub(super) fn state(rng: &StreamRng) -> [u64; 4] {
        let mut words = Words(Vec::with_capacity(4));
        rng.serialize(&mut words)
            .expect("Xoshiro256++ serialises as four u64 words");
        words
            .0
            .try_into()
            .expect("Xoshiro256++ serialises as four u64 words")
    }

    /// The stream in state `s` (`from_seed` reads the words little-endian).
    pub(super) fn stream(s: [u64; 4]) -> StreamRng {
        let mut seed = [0u8; 32];
        for (chunk, word) in seed.chunks_exact_mut(8).zip(s) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        StreamRng::from_seed(seed)
    }

    #[cfg(test)]
    mod tests {
        use rand::Rng;

        #[test]
        fn the_state_round_trips_and_steps_like_the_generator() {
            let mut rng = quench_core::stream(5, quench_core::Purpose::Dynamics, 2, 3);
            for _ in 0..100 {
                let s = super::state(&rng);
                assert_eq!(super::stream(s), rng);
                let u = rng.next_u64();
                assert_eq!(
                    u,
                    s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0])
                );
                let t = s[1] << 17;
                let (s2, s3) = (s[2] ^ s[0], s[3] ^ s[1]);
                let (s1, s0) = (s[1] ^ s2, s[0] ^ s3);
                assert_eq!(super::state(&rng), [s0, s1, s2 ^ t, s3.rotate_left(45)]);
            }
        }
    }
}

/// One 64-byte-aligned block of eight `u64` (the unit of the AVX-512
/// kernel's loads and stores).
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Default)]
#[repr(C, align(64))]
struct Block([u64; 8]);

/// Up to eight chains of a group that the AVX-512 packed kernel decides
/// together, one per 64-bit lane.
#[cfg(target_arch = "x86_64")]
struct Batch {
    /// Index of the first chain in the group.
    first: usize,
    /// Chains in this batch (1 to 8).
    active: usize,
    /// The streams' states, word $k$ of lane $c$ in `state[k].0[c]`.
    state: [Block; 4],
    /// Lane $c$'s acceptance table ($N$ entries).
    table: [*const u64; 8],
    /// Change of the integer energy $U$ by lane.
    change: Block,
    /// Accepted flips by lane.
    accepted: Block,
    /// Site-major spin bits: bit $c$ of `own[i]` is 1 where chain $c$ has $s_i = -1$.
    own: Vec<u8>,
}

/// The packed-sign group sweep with AVX-512, eight chains at a time (see
/// the module docs): for each site, every chain's population count over the
/// row by `vpopcntq`, the eight counts summed at once by a transpose, then
/// one branchless decision per eight chains (eight Xoshiro256++ steps in
/// one vector, kept only in the lanes with $x > 0$; the table entries by
/// scalar loads), and each flip applied as an XOR of the aligned 64-byte
/// block that holds the spin. The `i8` spins are written from the bits at
/// the end.
///
/// `BLOCKS` is the number of 512-bit blocks per row when it is a constant
/// (1 to 8; the row then stays in registers), 0 for any number.
///
/// # Safety
/// The CPU must support AVX-512F, AVX-512BW and VPOPCNTDQ; `group` must be
/// non-empty with packed fields of `words` words.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vpopcntdq,avx2,fma,popcnt")]
unsafe fn sweep_packed_group_avx512<const BLOCKS: usize>(
    bits: &[u64],
    words: usize,
    tables: &[Vec<u64>],
    group: &mut [GroupChain<'_>],
    sweeps: u64,
) {
    use std::arch::x86_64::*;
    let n = group[0].1.spins.len();
    assert!(n >= 1 && words == n.div_ceil(64) && bits.len() >= n * words);
    let chains = group.len();
    let (blocks, full, rem) = (words.div_ceil(8), words / 8, words % 8);
    assert!(BLOCKS == 0 || (BLOCKS == blocks && BLOCKS <= 8));
    let tail = ((1u16 << rem) - 1) as __mmask8;
    // Chain c's spin bits in blocks c * blocks.., zero padded.
    let mut spin_blocks = vec![Block::default(); chains * blocks];
    for (c, (_, chain, fields)) in group.iter().enumerate() {
        let DenseFields::Packed { spins, .. } = &**fields else {
            unreachable!("fields are built with the couplings' storage")
        };
        assert!(spins.len() == words && chain.spins.len() == n);
        for (w, &word) in spins.iter().enumerate() {
            spin_blocks[c * blocks + w / 8].0[w % 8] = word;
        }
    }
    let mut batches: Vec<Batch> = (0..chains)
        .step_by(8)
        .map(|first| {
            let active = (chains - first).min(8);
            let mut state = [Block::default(); 4];
            let mut table = [std::ptr::null(); 8];
            // Padded to whole words of 64 sites.
            let mut own = vec![0u8; 64 * words];
            for c in 0..active {
                let (slot, chain, _) = &group[first + c];
                let s = stream_words::state(&chain.rng);
                for (block, word) in state.iter_mut().zip(s) {
                    block.0[c] = word;
                }
                assert!(tables[*slot].len() >= n);
                table[c] = tables[*slot].as_ptr();
                let chain_blocks = &spin_blocks[(first + c) * blocks..(first + c + 1) * blocks];
                for (w, own) in own.chunks_exact_mut(64).enumerate() {
                    let word = chain_blocks[w / 8].0[w % 8];
                    // SAFETY: AVX-512F/BW are enabled (caller); `own` is 64 bytes.
                    unsafe {
                        let bytes = _mm512_loadu_si512(own.as_ptr().cast());
                        let bit = _mm512_maskz_set1_epi8(word, 1 << c);
                        _mm512_storeu_si512(own.as_mut_ptr().cast(), _mm512_or_si512(bytes, bit));
                    }
                }
            }
            Batch {
                first,
                active,
                state,
                table,
                change: Block::default(),
                accepted: Block::default(),
                own,
            }
        })
        .collect();
    let spin_ptr = spin_blocks.as_mut_ptr();
    // SAFETY (for the whole loop): AVX-512F and VPOPCNTDQ are enabled
    // (caller). Row loads read words 8v..8v + 8 <= words of row i < n (the
    // tail masked); block loads and stores stay inside chain c's `blocks`
    // blocks for c < chains; table loads read entry max(x, 0) < n of lane
    // c's table (|x| <= n - 1, at least n entries asserted) for c < active;
    // `own` has 64 * words >= n entries.
    unsafe {
        let zero = _mm512_setzero_si512();
        let one = _mm512_set1_epi64(1);
        let two = _mm512_set1_epi64(2);
        let n1 = _mm512_set1_epi64(n as i64 - 1);
        for _ in 0..sweeps {
            for i in 0..n {
                let row = bits.as_ptr().add(i * words);
                // Block v of row i (tail masked); in registers when the
                // block count is a constant.
                macro_rules! row_block {
                    ($v:expr) => {{
                        let v: usize = $v;
                        let mask = if v < full { 0xff } else { tail };
                        _mm512_maskz_loadu_epi64(mask, row.add(8 * v).cast())
                    }};
                }
                let mut rows = [zero; 8];
                for (v, r) in rows.iter_mut().enumerate().take(BLOCKS) {
                    *r = row_block!(v);
                }
                let (w, shift) = (i / 64, (i % 64) as u32);
                let (block, lane_bit) = (w / 8, 1u8 << (w % 8));
                for batch in batches.iter_mut() {
                    // Population counts of row ^ spins, lane by lane.
                    let mut acc = [zero; 8];
                    for (c, acc) in acc.iter_mut().enumerate().take(batch.active) {
                        let base = spin_ptr.add((batch.first + c) * blocks).cast::<__m512i>();
                        let mut a = zero;
                        if BLOCKS > 0 {
                            for (v, &r) in rows.iter().enumerate().take(BLOCKS) {
                                let b = _mm512_load_si512(base.add(v));
                                a = _mm512_add_epi64(
                                    a,
                                    _mm512_popcnt_epi64(_mm512_xor_si512(r, b)),
                                );
                            }
                        } else {
                            for v in 0..blocks {
                                let b = _mm512_load_si512(base.add(v));
                                let x = _mm512_xor_si512(row_block!(v), b);
                                a = _mm512_add_epi64(a, _mm512_popcnt_epi64(x));
                            }
                        }
                        *acc = a;
                    }
                    // Transpose-add: lane c of `count` is the sum of acc[c].
                    macro_rules! pair {
                        ($a:expr, $b:expr) => {
                            _mm512_add_epi64(
                                _mm512_unpacklo_epi64($a, $b),
                                _mm512_unpackhi_epi64($a, $b),
                            )
                        };
                    }
                    macro_rules! halves {
                        ($a:expr, $b:expr) => {{
                            let (a, b) = ($a, $b);
                            _mm512_add_epi64(
                                _mm512_shuffle_i64x2::<0b10_00_10_00>(a, b),
                                _mm512_shuffle_i64x2::<0b11_01_11_01>(a, b),
                            )
                        }};
                    }
                    let count = halves!(
                        halves!(pair!(acc[0], acc[1]), pair!(acc[2], acc[3])),
                        halves!(pair!(acc[4], acc[5]), pair!(acc[6], acc[7]))
                    );
                    // x = s_i h_i, h_i = (N - 1) - 2 (count - b_i), s_i = 1 - 2 b_i.
                    let live = ((1u16 << batch.active) - 1) as __mmask8;
                    let own = *batch.own.get_unchecked(i);
                    let field = _mm512_sub_epi64(n1, _mm512_add_epi64(count, count));
                    let field = _mm512_mask_add_epi64(field, own, field, two);
                    let x = _mm512_mask_sub_epi64(field, own, zero, field);
                    let need = _mm512_cmpgt_epi64_mask(x, zero) & live;
                    // Eight Xoshiro256++ steps, kept where x > 0.
                    let s = &mut batch.state;
                    let s0 = _mm512_load_si512(s[0].0.as_ptr().cast());
                    let s1 = _mm512_load_si512(s[1].0.as_ptr().cast());
                    let s2 = _mm512_load_si512(s[2].0.as_ptr().cast());
                    let s3 = _mm512_load_si512(s[3].0.as_ptr().cast());
                    let uniform =
                        _mm512_add_epi64(_mm512_rol_epi64::<23>(_mm512_add_epi64(s0, s3)), s0);
                    let t = _mm512_slli_epi64::<17>(s1);
                    let t2 = _mm512_xor_si512(s2, s0);
                    let t3 = _mm512_xor_si512(s3, s1);
                    let t1 = _mm512_xor_si512(s1, t2);
                    let t0 = _mm512_xor_si512(s0, t3);
                    let t2 = _mm512_xor_si512(t2, t);
                    let t3 = _mm512_rol_epi64::<45>(t3);
                    _mm512_store_si512(
                        s[0].0.as_mut_ptr().cast(),
                        _mm512_mask_blend_epi64(need, s0, t0),
                    );
                    _mm512_store_si512(
                        s[1].0.as_mut_ptr().cast(),
                        _mm512_mask_blend_epi64(need, s1, t1),
                    );
                    _mm512_store_si512(
                        s[2].0.as_mut_ptr().cast(),
                        _mm512_mask_blend_epi64(need, s2, t2),
                    );
                    _mm512_store_si512(
                        s[3].0.as_mut_ptr().cast(),
                        _mm512_mask_blend_epi64(need, s3, t3),
                    );
                    // The thresholds T[max(x, 0)] by scalar loads (a gather
                    // is slower here); T[0] = 2^64 - 1 where x <= 0.
                    let (mut xs, mut us) = (Block::default(), Block::default());
                    _mm512_store_si512(xs.0.as_mut_ptr().cast(), _mm512_max_epi64(x, zero));
                    _mm512_store_si512(us.0.as_mut_ptr().cast(), uniform);
                    let mut below = 0u8;
                    for c in 0..batch.active {
                        let threshold = *batch.table[c].add(xs.0[c] as usize);
                        below |= u8::from(us.0[c] < threshold) << c;
                    }
                    let accept = (below | !need) & live;
                    let change = batch.change.0.as_mut_ptr().cast::<__m512i>();
                    let c0 = _mm512_load_si512(change);
                    _mm512_store_si512(
                        change,
                        _mm512_mask_add_epi64(c0, accept, c0, _mm512_add_epi64(x, x)),
                    );
                    let accepted = batch.accepted.0.as_mut_ptr().cast::<__m512i>();
                    let a0 = _mm512_load_si512(accepted);
                    _mm512_store_si512(accepted, _mm512_mask_add_epi64(a0, accept, a0, one));
                    *batch.own.get_unchecked_mut(i) ^= accept;
                    // The flips, one aligned block per chain.
                    for c in 0..batch.active {
                        let flip = u64::from((accept >> c) & 1) << shift;
                        let target = spin_ptr
                            .add((batch.first + c) * blocks + block)
                            .cast::<__m512i>();
                        _mm512_store_si512(
                            target,
                            _mm512_xor_si512(
                                _mm512_load_si512(target),
                                _mm512_maskz_set1_epi64(lane_bit, flip as i64),
                            ),
                        );
                    }
                }
            }
        }
    }
    for batch in &batches {
        for c in 0..batch.active {
            let (_, chain, fields) = &mut group[batch.first + c];
            let DenseFields::Packed { spins, energy } = &mut **fields else {
                unreachable!("fields are built with the couplings' storage")
            };
            let chain_blocks = &spin_blocks[(batch.first + c) * blocks..];
            for (w, word) in spins.iter_mut().enumerate() {
                *word = chain_blocks[w / 8].0[w % 8];
            }
            for (w, spins) in chain.spins.chunks_mut(64).enumerate() {
                let word = chain_blocks[w / 8].0[w % 8];
                let valid = u64::MAX >> (64 - spins.len());
                // SAFETY: AVX-512F/BW are enabled (caller); the store
                // writes the `spins.len()` bytes of `spins` only.
                unsafe {
                    let values =
                        _mm512_mask_blend_epi8(word, _mm512_set1_epi8(1), _mm512_set1_epi8(-1));
                    _mm512_mask_storeu_epi8(spins.as_mut_ptr(), valid, values);
                }
            }
            *energy += batch.change.0[c] as i64;
            chain.rng = stream_words::stream([0, 1, 2, 3].map(|k| batch.state[k].0[c]));
            chain.accepted += batch.accepted.0[c];
            chain.sweeps += sweeps;
            chain.attempted += sweeps * n as u64;
        }
    }
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

/// The configuration of dense parallel tempering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseConfig {
    /// The temperatures.
    pub ladder: TemperatureLadder,
    /// Independent real replicas.
    pub replicas: usize,
    /// Sequential sweeps between exchange rounds (at least 1).
    pub sweeps_per_exchange: u64,
    /// Storage of couplings and fields.
    pub precision: DensePrecision,
    /// Rounds between exact recomputations of the floating-point fields (at least 1).
    pub refresh_rounds: u64,
}

/// The state: a [`TemperingState`] (usable with [`crate::Measurements::record`])
/// and the cached fields of chain `(replica, slot)` at index `replica * K + slot`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseState {
    /// Chains, ladders and exchange bookkeeping, as for [`crate::ParallelTempering`].
    pub tempering: TemperingState,
    /// Cached fields by `replica * K + slot` (they move with the spins).
    pub fields: Vec<DenseFields>,
}

/// Parallel tempering with the dense kernels, prepared for one sample.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseTempering {
    config: DenseConfig,
    couplings: DenseCouplings,
    betas: Vec<f64>,
    tables: Vec<Vec<u64>>,
}

impl DenseTempering {
    /// Prepares the driver for a dense `sample`.
    pub fn new(config: DenseConfig, sample: &Sample) -> Result<Self, SamplerError> {
        for (name, value) in [
            ("replicas", config.replicas as u64),
            ("sweeps_per_exchange", config.sweeps_per_exchange),
            ("refresh_rounds", config.refresh_rounds),
        ] {
            if value == 0 {
                return Err(ParameterError::new(name, 0, "an integer >= 1").into());
            }
        }
        let couplings = DenseCouplings::new(sample, config.precision)?;
        let betas = config.ladder.betas();
        let tables = match &couplings {
            DenseCouplings::PackedSigns { magnitude, .. } => betas
                .iter()
                .map(|&b| packed_thresholds(sample.n(), *magnitude, b))
                .collect(),
            _ => Vec::new(),
        };
        Ok(Self {
            config,
            couplings,
            betas,
            tables,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &DenseConfig {
        &self.config
    }

    /// The couplings in the configured storage.
    pub fn couplings(&self) -> &DenseCouplings {
        &self.couplings
    }

    /// The packed kernel's acceptance tables by slot (empty for floats).
    pub fn tables(&self) -> &[Vec<u64>] {
        &self.tables
    }

    /// Inverse temperatures by slot.
    pub fn betas(&self) -> &[f64] {
        &self.betas
    }

    /// Attempted single-spin updates per [`DenseTempering::step`].
    pub fn updates_per_step(&self, sample: &Sample) -> u64 {
        (sample.n() * self.betas.len() * self.config.replicas) as u64
            * self.config.sweeps_per_exchange
    }

    /// Random initial state with the streams of [`crate::ParallelTempering::initial_state`].
    pub fn initial_state(
        &self,
        sample: &Sample,
        master_seed: u64,
        sample_index: u64,
    ) -> DenseState {
        let tempering_config = crate::TemperingConfig {
            ladder: self.config.ladder.clone(),
            replicas: self.config.replicas,
            rule: crate::LocalRule::Metropolis,
            order: crate::SweepOrder::Sequential,
            sweeps_per_exchange: self.config.sweeps_per_exchange,
        };
        let tempering = crate::ParallelTempering::new(tempering_config, sample)
            .expect("validated configuration")
            .initial_state(sample, master_seed, sample_index);
        let fields = tempering
            .ladders
            .iter()
            .flat_map(|l| &l.chains)
            .map(|c| self.couplings.fields(sample, &c.spins))
            .collect();
        DenseState { tempering, fields }
    }

    /// One round: `sweeps_per_exchange` sweeps of every chain, the energies,
    /// then one exchange pass per ladder. The chains are swept in as many
    /// contiguous groups as rayon has threads, each group site-major (see
    /// the module docs); the results do not depend on the grouping.
    pub fn step(&self, sample: &Sample, state: &mut DenseState) {
        self.sweeps(sample, state);
        let DenseState { tempering, fields } = state;
        let k = self.betas.len();
        for (r, ladder) in tempering.ladders.iter_mut().enumerate() {
            self.exchange(ladder, &mut fields[r * k..(r + 1) * k]);
        }
        tempering.rounds += 1;
    }

    /// The sweeps of one round without the exchange pass and without
    /// counting the round: `sweeps_per_exchange` sweeps of every chain, the
    /// periodic exact refresh of the fields (when `rounds + 1` is a multiple
    /// of `refresh_rounds`) and the energies. Runs without exchanges
    /// (independent chains) call this and count their rounds themselves.
    pub fn sweeps(&self, sample: &Sample, state: &mut DenseState) {
        let k = self.betas.len();
        let refresh = (state.tempering.rounds + 1).is_multiple_of(self.config.refresh_rounds);
        let DenseState { tempering, fields } = state;
        let mut chains: Vec<GroupChain<'_>> = tempering
            .ladders
            .iter_mut()
            .flat_map(|l| l.chains.iter_mut())
            .zip(fields.iter_mut())
            .enumerate()
            .map(|(index, (chain, fields))| (index % k, chain, fields))
            .collect();
        let groups = rayon::current_num_threads().clamp(1, chains.len().max(1));
        let size = chains.len().div_ceil(groups).max(1);
        chains.par_chunks_mut(size).for_each(|group| {
            sweep_chains(
                &self.couplings,
                &self.betas,
                &self.tables,
                group,
                self.config.sweeps_per_exchange,
            );
            for (_, chain, fields) in group.iter_mut() {
                if refresh && !matches!(fields, DenseFields::Packed { .. }) {
                    **fields = self.couplings.fields(sample, &chain.spins);
                }
                chain.energy = self.energy(sample, &chain.spins, fields);
            }
        });
        drop(chains);
    }

    /// $H$: from the cached fields in $O(N)$,
    /// $-\frac12\sum_i s_i(h^{\mathrm{loc}}_i - h_i) - \sum_i h_i s_i$, or $|J|\,U$.
    fn energy(&self, sample: &Sample, spins: &[Spin], fields: &DenseFields) -> f64 {
        let external = sample.fields();
        match (fields, &self.couplings) {
            (DenseFields::F64(h), _) => spins
                .iter()
                .zip(h)
                .zip(external)
                .map(|((&s, &h), &e)| -0.5 * f64::from(s) * (h + e))
                .sum(),
            (DenseFields::F32(h), _) => spins
                .iter()
                .zip(h)
                .zip(external)
                .map(|((&s, &h), &e)| -0.5 * f64::from(s) * (f64::from(h) + e))
                .sum(),
            (DenseFields::Packed { energy, .. }, DenseCouplings::PackedSigns { magnitude, .. }) => {
                magnitude * *energy as f64
            }
            _ => unreachable!("fields are built with the couplings' storage"),
        }
    }

    /// The exchange pass of one ladder (the rule and stream use of
    /// [`crate::ParallelTempering::exchange`]); fields move with the spins.
    fn exchange(&self, ladder: &mut crate::tempering::Ladder, fields: &mut [DenseFields]) {
        crate::tempering::exchange_pass(&self.betas, ladder, |slot| fields.swap(slot, slot + 1));
    }
}
