//! The multispin-coded kernels: one generic body, instantiated for 1, 4 and 8
//! blocks of 64 lanes (64-bit words, AVX2 and AVX-512 vectors).
//!
//! The body is written on `[u64; V]` arrays with element-wise loops; inside a
//! `#[target_feature]` function LLVM turns every such loop into one vector
//! instruction. Each block of 64 lanes does exactly the same arithmetic and
//! draws from its own [`BlockRng`] in the same order whatever `V` is, which is
//! why the lanes' trajectories do not depend on the width.

use std::ops::{BitAnd, BitOr, BitXor, Not};

use serde::{Deserialize, Serialize};

use super::{MultispinLayout, RandomPolicy, WordWidth};

/// Most threshold levels a kernel handles: degrees up to 8 have at most 4
/// levels with $\Delta E > 0$.
pub const MAX_LEVELS: usize = 4;

/// Xoshiro256++ (Blackman and Vigna) of one 64-lane block, written out so that
/// the kernels can step 4 or 8 of them in vector registers. It is seeded from
/// a quench [`quench_core::StreamKey`] (see [`BlockRng::from_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRng {
    /// The 256-bit state.
    pub state: [u64; 4],
}

impl BlockRng {
    /// The generator whose state is the first four outputs of the stream `key`.
    pub fn from_key(key: quench_core::StreamKey) -> Self {
        use rand::Rng;
        let mut stream = key.rng();
        let mut state = [0u64; 4];
        for word in &mut state {
            *word = stream.next_u64();
        }
        if state == [0; 4] {
            state[0] = 1;
        }
        Self { state }
    }

    /// The next 64 uniform bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }
}

/// A word of `BLOCKS` blocks of 64 lanes with the bitwise operations the
/// kernels need: `u64`, an AVX2 `__m256i` or an AVX-512 `__m512i`. The vector
/// implementations call `core::arch` intrinsics; they are only instantiated
/// inside `#[target_feature]` functions entered after run-time detection.
trait Word:
    Copy + BitAnd<Output = Self> + BitOr<Output = Self> + BitXor<Output = Self> + Not<Output = Self>
{
    const BLOCKS: usize;
    fn splat(x: u64) -> Self;
    fn from_fn(f: impl Fn(usize) -> u64) -> Self;
    fn lane(self, l: usize) -> u64;
    fn load(words: &[u64], at: usize) -> Self;
    fn store(self, words: &mut [u64], at: usize);
    fn and_not(self, other: Self) -> Self;
    /// All ones in the words where `self >= threshold` (unsigned), else zero.
    fn at_least(self, threshold: u64) -> Self;
    /// All ones in the words that are non-zero.
    fn non_zero(self) -> Self;
    fn any(self) -> bool;
    fn add(self, other: Self) -> Self;
    fn shl17(self) -> Self;
    fn rotl23(self) -> Self;
    fn rotl45(self) -> Self;
    /// `a` where `mask` is set, `b` elsewhere.
    #[inline(always)]
    fn select(mask: Self, a: Self, b: Self) -> Self {
        (mask & a) | b.and_not(mask)
    }
}

#[derive(Clone, Copy)]
struct Scalar(u64);

macro_rules! bit_ops {
    ($t:ty, $and:expr, $or:expr, $xor:expr) => {
        impl BitAnd for $t {
            type Output = Self;
            #[inline(always)]
            fn bitand(self, o: Self) -> Self {
                $and(self, o)
            }
        }
        impl BitOr for $t {
            type Output = Self;
            #[inline(always)]
            fn bitor(self, o: Self) -> Self {
                $or(self, o)
            }
        }
        impl BitXor for $t {
            type Output = Self;
            #[inline(always)]
            fn bitxor(self, o: Self) -> Self {
                $xor(self, o)
            }
        }
        impl Not for $t {
            type Output = Self;
            #[inline(always)]
            fn not(self) -> Self {
                self ^ <$t as Word>::splat(!0)
            }
        }
    };
}

bit_ops!(
    Scalar,
    |a: Scalar, b: Scalar| Scalar(a.0 & b.0),
    |a: Scalar, b: Scalar| Scalar(a.0 | b.0),
    |a: Scalar, b: Scalar| Scalar(a.0 ^ b.0)
);

impl Word for Scalar {
    const BLOCKS: usize = 1;
    #[inline(always)]
    fn splat(x: u64) -> Self {
        Scalar(x)
    }
    #[inline(always)]
    fn from_fn(f: impl Fn(usize) -> u64) -> Self {
        Scalar(f(0))
    }
    #[inline(always)]
    fn lane(self, _: usize) -> u64 {
        self.0
    }
    #[inline(always)]
    fn load(words: &[u64], at: usize) -> Self {
        Scalar(words[at])
    }
    #[inline(always)]
    fn store(self, words: &mut [u64], at: usize) {
        words[at] = self.0;
    }
    #[inline(always)]
    fn and_not(self, other: Self) -> Self {
        Scalar(self.0 & !other.0)
    }
    #[inline(always)]
    fn at_least(self, threshold: u64) -> Self {
        Scalar(if self.0 >= threshold { !0 } else { 0 })
    }
    #[inline(always)]
    fn non_zero(self) -> Self {
        Scalar(if self.0 != 0 { !0 } else { 0 })
    }
    #[inline(always)]
    fn any(self) -> bool {
        self.0 != 0
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        Scalar(self.0.wrapping_add(other.0))
    }
    #[inline(always)]
    fn shl17(self) -> Self {
        Scalar(self.0 << 17)
    }
    #[inline(always)]
    fn rotl23(self) -> Self {
        Scalar(self.0.rotate_left(23))
    }
    #[inline(always)]
    fn rotl45(self) -> Self {
        Scalar(self.0.rotate_left(45))
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    //! AVX2 and AVX-512 words. Every intrinsic here is reached only from the
    //! `#[target_feature]` entry points, after `is_x86_feature_detected!`.
    #![allow(unsafe_op_in_unsafe_fn)]
    use super::Word;
    use std::arch::x86_64::*;
    use std::ops::{BitAnd, BitOr, BitXor, Not};

    #[derive(Clone, Copy)]
    pub(super) struct Avx2(__m256i);
    #[derive(Clone, Copy)]
    pub(super) struct Avx512(__m512i);

    // SAFETY (all blocks below): AVX2 / AVX-512F+VL availability is checked
    // by `WordWidth::is_available` before the entry points run.
    bit_ops!(
        Avx2,
        |a: Avx2, b: Avx2| Avx2(unsafe { _mm256_and_si256(a.0, b.0) }),
        |a: Avx2, b: Avx2| Avx2(unsafe { _mm256_or_si256(a.0, b.0) }),
        |a: Avx2, b: Avx2| Avx2(unsafe { _mm256_xor_si256(a.0, b.0) })
    );
    bit_ops!(
        Avx512,
        |a: Avx512, b: Avx512| Avx512(unsafe { _mm512_and_si512(a.0, b.0) }),
        |a: Avx512, b: Avx512| Avx512(unsafe { _mm512_or_si512(a.0, b.0) }),
        |a: Avx512, b: Avx512| Avx512(unsafe { _mm512_xor_si512(a.0, b.0) })
    );

    impl Word for Avx2 {
        const BLOCKS: usize = 4;
        #[inline(always)]
        fn splat(x: u64) -> Self {
            Avx2(unsafe { _mm256_set1_epi64x(x as i64) })
        }
        #[inline(always)]
        fn from_fn(f: impl Fn(usize) -> u64) -> Self {
            let a = [f(0), f(1), f(2), f(3)];
            Avx2(unsafe { _mm256_loadu_si256(a.as_ptr().cast()) })
        }
        #[inline(always)]
        fn lane(self, l: usize) -> u64 {
            let mut a = [0u64; 4];
            unsafe { _mm256_storeu_si256(a.as_mut_ptr().cast(), self.0) };
            a[l]
        }
        #[inline(always)]
        fn load(words: &[u64], at: usize) -> Self {
            let slice = &words[at..at + 4];
            Avx2(unsafe { _mm256_loadu_si256(slice.as_ptr().cast()) })
        }
        #[inline(always)]
        fn store(self, words: &mut [u64], at: usize) {
            let slice = &mut words[at..at + 4];
            unsafe { _mm256_storeu_si256(slice.as_mut_ptr().cast(), self.0) }
        }
        #[inline(always)]
        fn and_not(self, other: Self) -> Self {
            Avx2(unsafe { _mm256_andnot_si256(other.0, self.0) })
        }
        #[inline(always)]
        fn at_least(self, threshold: u64) -> Self {
            // Unsigned a >= t  <=>  !(t > a); signed compare after flipping the sign bits.
            unsafe {
                let sign = _mm256_set1_epi64x(i64::MIN);
                let a = _mm256_xor_si256(self.0, sign);
                let t = _mm256_set1_epi64x((threshold ^ (1 << 63)) as i64);
                Avx2(_mm256_xor_si256(
                    _mm256_cmpgt_epi64(t, a),
                    _mm256_set1_epi64x(-1),
                ))
            }
        }
        #[inline(always)]
        fn non_zero(self) -> Self {
            unsafe {
                let zero = _mm256_cmpeq_epi64(self.0, _mm256_setzero_si256());
                Avx2(_mm256_xor_si256(zero, _mm256_set1_epi64x(-1)))
            }
        }
        #[inline(always)]
        fn any(self) -> bool {
            unsafe { _mm256_testz_si256(self.0, self.0) == 0 }
        }
        #[inline(always)]
        fn add(self, other: Self) -> Self {
            Avx2(unsafe { _mm256_add_epi64(self.0, other.0) })
        }
        #[inline(always)]
        fn shl17(self) -> Self {
            Avx2(unsafe { _mm256_slli_epi64::<17>(self.0) })
        }
        #[inline(always)]
        fn rotl23(self) -> Self {
            Avx2(unsafe {
                _mm256_or_si256(
                    _mm256_slli_epi64::<23>(self.0),
                    _mm256_srli_epi64::<41>(self.0),
                )
            })
        }
        #[inline(always)]
        fn rotl45(self) -> Self {
            Avx2(unsafe {
                _mm256_or_si256(
                    _mm256_slli_epi64::<45>(self.0),
                    _mm256_srli_epi64::<19>(self.0),
                )
            })
        }
    }

    impl Word for Avx512 {
        const BLOCKS: usize = 8;
        #[inline(always)]
        fn splat(x: u64) -> Self {
            Avx512(unsafe { _mm512_set1_epi64(x as i64) })
        }
        #[inline(always)]
        fn from_fn(f: impl Fn(usize) -> u64) -> Self {
            let a = [f(0), f(1), f(2), f(3), f(4), f(5), f(6), f(7)];
            Avx512(unsafe { _mm512_loadu_si512(a.as_ptr().cast()) })
        }
        #[inline(always)]
        fn lane(self, l: usize) -> u64 {
            let mut a = [0u64; 8];
            unsafe { _mm512_storeu_si512(a.as_mut_ptr().cast(), self.0) };
            a[l]
        }
        #[inline(always)]
        fn load(words: &[u64], at: usize) -> Self {
            let slice = &words[at..at + 8];
            Avx512(unsafe { _mm512_loadu_si512(slice.as_ptr().cast()) })
        }
        #[inline(always)]
        fn store(self, words: &mut [u64], at: usize) {
            let slice = &mut words[at..at + 8];
            unsafe { _mm512_storeu_si512(slice.as_mut_ptr().cast(), self.0) }
        }
        #[inline(always)]
        fn and_not(self, other: Self) -> Self {
            Avx512(unsafe { _mm512_andnot_si512(other.0, self.0) })
        }
        #[inline(always)]
        fn at_least(self, threshold: u64) -> Self {
            unsafe {
                let k = _mm512_cmpge_epu64_mask(self.0, _mm512_set1_epi64(threshold as i64));
                Avx512(_mm512_maskz_mov_epi64(k, _mm512_set1_epi64(-1)))
            }
        }
        #[inline(always)]
        fn non_zero(self) -> Self {
            unsafe {
                let k = _mm512_test_epi64_mask(self.0, self.0);
                Avx512(_mm512_maskz_mov_epi64(k, _mm512_set1_epi64(-1)))
            }
        }
        #[inline(always)]
        fn any(self) -> bool {
            unsafe { _mm512_test_epi64_mask(self.0, self.0) != 0 }
        }
        #[inline(always)]
        fn add(self, other: Self) -> Self {
            Avx512(unsafe { _mm512_add_epi64(self.0, other.0) })
        }
        #[inline(always)]
        fn shl17(self) -> Self {
            Avx512(unsafe { _mm512_slli_epi64::<17>(self.0) })
        }
        #[inline(always)]
        fn rotl23(self) -> Self {
            Avx512(unsafe { _mm512_rol_epi64::<23>(self.0) })
        }
        #[inline(always)]
        fn rotl45(self) -> Self {
            Avx512(unsafe { _mm512_rol_epi64::<45>(self.0) })
        }
    }

    // Keep the imported traits used in this module for the macro expansion.
    const _: fn() = || {
        fn assert_ops<T: BitAnd + BitOr + BitXor + Not>() {}
        assert_ops::<Avx2>();
        assert_ops::<Avx512>();
    };
}

/// `S::BLOCKS` block generators in structure-of-arrays form.
struct Rngs<S: Word>([S; 4]);

impl<S: Word> Rngs<S> {
    #[inline(always)]
    fn load(rngs: &[BlockRng]) -> Self {
        let mut state = [S::splat(0); 4];
        for (k, word) in state.iter_mut().enumerate() {
            *word = S::from_fn(|l| rngs[l].state[k]);
        }
        Rngs(state)
    }
    #[inline(always)]
    fn store(&self, rngs: &mut [BlockRng]) {
        for (l, rng) in rngs.iter_mut().enumerate().take(S::BLOCKS) {
            rng.state = std::array::from_fn(|k| self.0[k].lane(l));
        }
    }
    #[inline(always)]
    fn step(s: [S; 4]) -> (S, [S; 4]) {
        let [mut s0, mut s1, mut s2, mut s3] = s;
        let result = s0.add(s3).rotl23().add(s0);
        let t = s1.shl17();
        s2 = s2 ^ s0;
        s3 = s3 ^ s1;
        s1 = s1 ^ s2;
        s0 = s0 ^ s3;
        s2 = s2 ^ t;
        s3 = s3.rotl45();
        (result, [s0, s1, s2, s3])
    }
    #[inline(always)]
    fn next(&mut self) -> S {
        let (result, state) = Self::step(self.0);
        self.0 = state;
        result
    }
    /// Advances only the blocks where `active` is all ones.
    #[inline(always)]
    fn next_masked(&mut self, active: S) -> S {
        let (result, state) = Self::step(self.0);
        for (old, new) in self.0.iter_mut().zip(state) {
            *old = S::select(active, new, *old);
        }
        result
    }
}

/// Full adder: (sum, carry) of three bit-slices.
#[inline(always)]
fn full_add<S: Word>(a: S, b: S, c: S) -> (S, S) {
    let t = a ^ b;
    (t ^ c, (a & b) | (t & c))
}

/// The bit-sliced number of unsatisfied bonds, planes least significant first
/// (planes beyond those needed for `D` are zero).
#[inline(always)]
fn count<S: Word, const D: usize>(u: &[S; D]) -> [S; 4] {
    let zero = S::splat(0);
    match D {
        3 => {
            let (s, c) = full_add(u[0], u[1], u[2]);
            [s, c, zero, zero]
        }
        4 => {
            let (s, c) = full_add(u[0], u[1], u[2]);
            let k = s & u[3];
            [s ^ u[3], c ^ k, c & k, zero]
        }
        6 => {
            let (s1, c1) = full_add(u[0], u[1], u[2]);
            let (s2, c2) = full_add(u[3], u[4], u[5]);
            let (two, four) = full_add(c1, c2, s1 & s2);
            [s1 ^ s2, two, four, zero]
        }
        _ => {
            let mut planes = [zero; 4];
            for &bit in u {
                let mut carry = bit;
                for plane in &mut planes {
                    let next = *plane & carry;
                    *plane = *plane ^ carry;
                    carry = next;
                }
            }
            planes
        }
    }
}

/// Per level $m$ (lanes with exactly $m$ unsatisfied bonds), the lane mask.
#[inline(always)]
fn level_masks<S: Word>(planes: &[S; 4], levels: usize) -> [S; MAX_LEVELS] {
    let mut masks = [S::splat(0); MAX_LEVELS];
    for (m, mask) in masks.iter_mut().enumerate().take(levels) {
        let mut eq = S::splat(!0);
        for (p, &plane) in planes.iter().enumerate() {
            eq = if (m >> p) & 1 == 1 {
                eq & plane
            } else {
                eq.and_not(plane)
            };
        }
        *mask = eq;
    }
    masks
}

/// One sweep of the blocks `first..first + V` (a sweep visits the sites in
/// `layout`'s order). `thresholds[m]` is $\lfloor 2^{64} e^{-\beta \Delta E_m} \rfloor$.
#[inline(always)]
fn sweep_body<S: Word, const D: usize, const INDEPENDENT: bool>(
    layout: &MultispinLayout,
    spins: &mut [u64],
    rngs: &mut [BlockRng],
    first: usize,
    thresholds: &[u64; MAX_LEVELS],
) {
    let blocks = layout.blocks;
    let levels = layout.levels;
    let mut rng = Rngs::<S>::load(&rngs[first..first + S::BLOCKS]);
    for (v, &site) in layout.visit.iter().enumerate() {
        let neighbours = &layout.visit_neighbours[v * D..(v + 1) * D];
        let at = site as usize * blocks + first;
        let own = S::load(spins, at);
        let mut unsatisfied = [S::splat(0); D];
        for (k, u) in unsatisfied.iter_mut().enumerate() {
            *u = own
                ^ S::load(spins, neighbours[k] as usize * blocks + first)
                ^ S::load(&layout.visit_antiferro, (v * D + k) * blocks + first);
        }
        let planes = count::<S, D>(&unsatisfied);
        let eq = level_masks(&planes, levels);
        let reject = if INDEPENDENT {
            let mut undecided = S::splat(0);
            for &e in eq.iter().take(levels) {
                undecided = undecided | e;
            }
            let uphill = undecided;
            let mut accepted = S::splat(0);
            let mut bit = 63;
            while undecided.any() {
                let word = rng.next_masked(undecided.non_zero());
                let mut threshold_bit = S::splat(0);
                for m in 0..levels {
                    if (thresholds[m] >> bit) & 1 == 1 {
                        threshold_bit = threshold_bit | eq[m];
                    }
                }
                accepted = accepted | (undecided & threshold_bit).and_not(word);
                undecided = undecided.and_not(word ^ threshold_bit);
                if bit == 0 {
                    break;
                }
                bit -= 1;
            }
            uphill.and_not(accepted)
        } else {
            let uniform = rng.next();
            let mut reject = S::splat(0);
            for m in 0..levels {
                reject = reject | (eq[m] & uniform.at_least(thresholds[m]));
            }
            reject
        };
        (own ^ !reject).store(spins, at);
    }
    rng.store(&mut rngs[first..first + S::BLOCKS]);
}

macro_rules! dispatch_degree {
    ($v:ty, $layout:ident, $spins:ident, $rngs:ident, $first:ident, $thr:ident, $ind:ident) => {
        match ($layout.degree, $ind) {
            (3, false) => sweep_body::<$v, 3, false>($layout, $spins, $rngs, $first, $thr),
            (3, true) => sweep_body::<$v, 3, true>($layout, $spins, $rngs, $first, $thr),
            (4, false) => sweep_body::<$v, 4, false>($layout, $spins, $rngs, $first, $thr),
            (4, true) => sweep_body::<$v, 4, true>($layout, $spins, $rngs, $first, $thr),
            (6, false) => sweep_body::<$v, 6, false>($layout, $spins, $rngs, $first, $thr),
            (6, true) => sweep_body::<$v, 6, true>($layout, $spins, $rngs, $first, $thr),
            (2, false) => sweep_body::<$v, 2, false>($layout, $spins, $rngs, $first, $thr),
            (2, true) => sweep_body::<$v, 2, true>($layout, $spins, $rngs, $first, $thr),
            (5, false) => sweep_body::<$v, 5, false>($layout, $spins, $rngs, $first, $thr),
            (5, true) => sweep_body::<$v, 5, true>($layout, $spins, $rngs, $first, $thr),
            (7, false) => sweep_body::<$v, 7, false>($layout, $spins, $rngs, $first, $thr),
            (7, true) => sweep_body::<$v, 7, true>($layout, $spins, $rngs, $first, $thr),
            (8, false) => sweep_body::<$v, 8, false>($layout, $spins, $rngs, $first, $thr),
            (8, true) => sweep_body::<$v, 8, true>($layout, $spins, $rngs, $first, $thr),
            (degree, _) => unreachable!("degree {degree} is refused when the layout is built"),
        }
    };
}

fn sweep_64(
    layout: &MultispinLayout,
    spins: &mut [u64],
    rngs: &mut [BlockRng],
    first: usize,
    thresholds: &[u64; MAX_LEVELS],
    independent: bool,
) {
    dispatch_degree!(Scalar, layout, spins, rngs, first, thresholds, independent)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn sweep_256(
    layout: &MultispinLayout,
    spins: &mut [u64],
    rngs: &mut [BlockRng],
    first: usize,
    thresholds: &[u64; MAX_LEVELS],
    independent: bool,
) {
    dispatch_degree!(
        x86::Avx2,
        layout,
        spins,
        rngs,
        first,
        thresholds,
        independent
    )
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx2")]
fn sweep_512(
    layout: &MultispinLayout,
    spins: &mut [u64],
    rngs: &mut [BlockRng],
    first: usize,
    thresholds: &[u64; MAX_LEVELS],
    independent: bool,
) {
    dispatch_degree!(
        x86::Avx512,
        layout,
        spins,
        rngs,
        first,
        thresholds,
        independent
    )
}

/// One Metropolis sweep of every lane of one chain.
///
/// `spins` holds `layout.sites() * layout.blocks()` words (site-major, bit 1
/// = spin $-1$), `rngs` one generator per block, `thresholds` come from
/// [`metropolis_thresholds`]. Blocks are processed `width` at a time (the
/// remainder with narrower words); the result is the same for every width.
///
/// # Panics
///
/// If `width` is not available on this CPU ([`WordWidth::is_available`]) or
/// the buffers have the wrong lengths.
pub fn sweep(
    layout: &MultispinLayout,
    spins: &mut [u64],
    rngs: &mut [BlockRng],
    thresholds: &[u64; MAX_LEVELS],
    policy: RandomPolicy,
    width: WordWidth,
) {
    assert!(
        width.is_available(),
        "{width:?} is not available on this CPU"
    );
    assert_eq!(spins.len(), layout.sites() * layout.blocks);
    assert_eq!(rngs.len(), layout.blocks);
    let independent = policy == RandomPolicy::IndependentPerLane;
    let mut first = 0;
    while first < layout.blocks {
        let remaining = layout.blocks - first;
        #[cfg(target_arch = "x86_64")]
        {
            if width == WordWidth::Bits512 && remaining >= 8 {
                // SAFETY: AVX-512F/VL availability was checked by `is_available`.
                unsafe { sweep_512(layout, spins, rngs, first, thresholds, independent) };
                first += 8;
                continue;
            }
            if width != WordWidth::Bits64 && remaining >= 4 {
                // SAFETY: AVX2 is implied by the width being available.
                unsafe { sweep_256(layout, spins, rngs, first, thresholds, independent) };
                first += 4;
                continue;
            }
        }
        let _ = remaining;
        sweep_64(layout, spins, rngs, first, thresholds, independent);
        first += 1;
    }
}

/// $\lfloor 2^{64} e^{-\beta \Delta E_m} \rfloor$ for the levels $m = 0, 1, \dots$ (number of
/// unsatisfied bonds) with $\Delta E_m = |J| (2d - 4m) > 0$; unused entries are zero.
pub fn metropolis_thresholds(degree: usize, coupling: f64, beta: f64) -> [u64; MAX_LEVELS] {
    std::array::from_fn(|m| {
        let delta = coupling * (2.0 * degree as f64 - 4.0 * m as f64);
        if delta <= 0.0 {
            0
        } else {
            probability_threshold((-beta * delta).exp())
        }
    })
}

/// $\lfloor 2^{64} p \rfloor$, saturating: a uniform 64-bit integer is below it with
/// probability $p$ (up to $2^{-64}$).
pub fn probability_threshold(probability: f64) -> u64 {
    // 2^64 * p as an f64 then truncated; saturates at u64::MAX for p = 1.
    (probability * 18_446_744_073_709_551_616.0) as u64
}

/// Unsatisfied-bond count of every lane of one chain (`out[lane]`, `64 *
/// blocks` entries), by a carry-save (Harley–Seal) bit-sliced popcount over
/// the bonds, `width` blocks at a time.
pub fn unsatisfied_bonds(
    layout: &MultispinLayout,
    spins: &[u64],
    out: &mut [u32],
    width: WordWidth,
) {
    assert!(
        width.is_available(),
        "{width:?} is not available on this CPU"
    );
    assert_eq!(out.len(), 64 * layout.blocks);
    assert_eq!(spins.len(), layout.sites() * layout.blocks);
    let mut first = 0;
    while first < layout.blocks {
        let remaining = layout.blocks - first;
        #[cfg(target_arch = "x86_64")]
        {
            if width == WordWidth::Bits512 && remaining >= 8 {
                // SAFETY: AVX-512F/VL availability was checked by `is_available`.
                unsafe { count_512(layout, spins, first, out) };
                first += 8;
                continue;
            }
            if width != WordWidth::Bits64 && remaining >= 4 {
                // SAFETY: AVX2 is implied by the width being available.
                unsafe { count_256(layout, spins, first, out) };
                first += 4;
                continue;
            }
        }
        let _ = remaining;
        count_chunk::<Scalar>(layout, spins, first, out);
        first += 1;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn count_256(layout: &MultispinLayout, spins: &[u64], first: usize, out: &mut [u32]) {
    count_chunk::<x86::Avx2>(layout, spins, first, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx2")]
fn count_512(layout: &MultispinLayout, spins: &[u64], first: usize, out: &mut [u32]) {
    count_chunk::<x86::Avx512>(layout, spins, first, out)
}

#[inline(always)]
fn carry_save<S: Word>(a: S, b: S, c: S) -> (S, S) {
    let t = a ^ b;
    ((a & b) | (t & c), t ^ c)
}

#[inline(always)]
fn count_chunk<S: Word>(layout: &MultispinLayout, spins: &[u64], first: usize, out: &mut [u32]) {
    let blocks = layout.blocks;
    let bonds = layout.bond_ends.len();
    let word = |e: usize| -> S {
        if e >= bonds {
            return S::splat(0);
        }
        let [i, j] = layout.bond_ends[e];
        S::load(spins, i as usize * blocks + first)
            ^ S::load(spins, j as usize * blocks + first)
            ^ S::load(&layout.antiferro, e * blocks + first)
    };
    let zero = S::splat(0);
    let (mut ones, mut twos, mut fours, mut eights) = (zero, zero, zero, zero);
    let mut high = [zero; 28];
    let mut e = 0;
    while e < bonds {
        let mut eights_in = [zero; 2];
        for eight in &mut eights_in {
            let (two_a, o) = carry_save(ones, word(e), word(e + 1));
            let (two_b, o) = carry_save(o, word(e + 2), word(e + 3));
            let (four_a, t) = carry_save(twos, two_a, two_b);
            let (two_a, o) = carry_save(o, word(e + 4), word(e + 5));
            let (two_b, o) = carry_save(o, word(e + 6), word(e + 7));
            let (four_b, t) = carry_save(t, two_a, two_b);
            let (eight_out, f) = carry_save(fours, four_a, four_b);
            (ones, twos, fours, *eight) = (o, t, f, eight_out);
            e += 8;
        }
        let (sixteens, t) = carry_save(eights, eights_in[0], eights_in[1]);
        eights = t;
        let mut carry = sixteens;
        for plane in &mut high {
            if !carry.any() {
                break;
            }
            let next = *plane & carry;
            *plane = *plane ^ carry;
            carry = next;
        }
    }
    for b in 0..S::BLOCKS {
        let planes: [u64; 4] = [ones.lane(b), twos.lane(b), fours.lane(b), eights.lane(b)];
        let high: [u64; 28] = std::array::from_fn(|p| high[p].lane(b));
        for (lane, count) in out[64 * (first + b)..64 * (first + b + 1)]
            .iter_mut()
            .enumerate()
        {
            let bit = |w: u64| ((w >> lane) & 1) as u32;
            let mut total = 0;
            for (p, &plane) in planes.iter().chain(&high).enumerate() {
                total += bit(plane) << p;
            }
            *count = total;
        }
    }
}
