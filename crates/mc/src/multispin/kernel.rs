//! The multispin-coded kernels: one generic body, instantiated for 1, 4 and 8
//! blocks of 64 lanes (64-bit words, AVX2 and AVX-512 vectors).
//!
//! The body is written once over a small `Word` trait (bitwise operations,
//! a few comparisons and the generator's shifts); inside a `#[target_feature]`
//! entry point LLVM fuses the bitwise chains into three-input logic
//! (`vpternlogq`) on AVX-512. Each block of 64 lanes does exactly the same
//! arithmetic and draws from its own [`BlockRng`] in the same order whatever
//! the width, which is why the lanes' trajectories do not depend on it.
//!
//! ## Cost of one site update (3D, $d = 6$, shared policy)
//!
//! * $u_k = b_i \oplus b_{j_k} \oplus a_{ik}$: six three-input XORs on 13 loaded
//!   words (own spin, six neighbours, six couplings);
//! * $U$ in three bit planes $(U_0, U_1, U_2)$: two full adders and one more
//!   (eight operations);
//! * the flip mask. With one uniform $r$ per block, $a_m = \[r < t_m\]$ are
//!   per-block all-ones or all-zero words and, since $t_0 \le t_1 \le t_2$,
//!   $$ \text{flip} = U_2 \lor \bigl(U_1 \land (U_0 \lor a_2)\bigr) \lor (U_0 \land a_1) \lor a_0 ,$$
//!   the Metropolis rule for every $U$: lanes with $U \ge 3$ always flip,
//!   lanes with $U = m < 3$ flip when $r < t_m$.
//!
//! The uniform is drawn 16 bits at a time (see [`RandomPolicy::SharedPerSite`]):
//! one generator step serves four sites, so the generator costs a quarter
//! step per site.
//!
//! ## The portable 64-bit path on cubic lattices
//!
//! Without three-input logic each $\oplus$ of three words costs two
//! instructions, and registers are few, so one chain of one block per site
//! on a cubic lattice has its own row loop (`cubic_scalar_row`): the row's
//! uniforms are drawn before it (the generator stays in registers while it
//! draws them, and out of the loop), the own spin is XORed into the full
//! adders' outputs instead of into the six inputs (`cubic_halves`), and
//! $U \ge 3$ is one majority, with a branch to the uphill levels taken
//! only when the block's uniform is below the largest threshold
//! (`cubic_shared_flip`, probability $e^{-4\beta}$). Vector widths keep the
//! branch-free form above, where a block's branch would be taken whenever
//! any of its 4 or 8 blocks needs it.
//!
//! ## Walking the sites
//!
//! Hypercubic lattices of dimension 2 and 3 with even $L$ are walked by
//! arithmetic: row by row ($x_0$ fastest), every second site of a row, the
//! neighbours at $\pm 1$ (wrapping at the row's ends) and $\pm L^a$ (offsets
//! fixed for the row). Couplings are stored once per bond, the $d/2$ forward
//! bonds of site $i$ contiguous (`(i d/2 + a) * blocks`); the backward bond
//! of $i$ along $a$ is the forward bond of its backward neighbour. Other
//! graphs use per-slot tables of neighbour and bond offsets. A sweep runs
//! segment by segment ([`Segment`]); vector widths update two chains per
//! site visit, reading the site's couplings once for both.

use std::ops::{BitAnd, BitOr, BitXor, Not};

use serde::{Deserialize, Serialize};

use super::{MultispinLayout, RandomPolicy, Segment, Walk, WordWidth};

/// Most threshold levels a kernel handles: degrees up to 8 have at most 4
/// levels with $\Delta E > 0$.
pub const MAX_LEVELS: usize = 4;

/// Uniform digits of 16 bits in one 64-bit generator output (shared policy).
pub const DIGITS_PER_WORD: usize = 4;

/// The top 16 bits of a `u64`.
const HIGH16: u64 = 0xFFFF << 48;

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

/// The uniform of one site update under [`RandomPolicy::SharedPerSite`], as
/// the kernels and the reference draw it for one block.
///
/// `digits` is the block's current generator output with the digits of the
/// earlier sites of its group shifted out (`digits >> 48` is this site's
/// digit $\delta$), `thresholds` the uphill levels' thresholds. The uniform
/// is $r = \delta\,2^{48} + \rho$: when $\delta$ equals the top digit of some
/// threshold, $\rho$ is the top 48 bits of one more output of `rng` (the
/// comparison $r < t_m$ is then decided by them); otherwise no more bits are
/// needed and $\rho = 0$. Either way $\[r < t_m\]$ is the comparison of a
/// uniform 64-bit integer with $t_m$.
pub fn shared_uniform(digits: u64, thresholds: &[u64], rng: &mut BlockRng) -> u64 {
    let high = digits & HIGH16;
    if thresholds.iter().any(|&t| t & HIGH16 == high) {
        high | (rng.next_u64() >> 16)
    } else {
        high
    }
}

/// A word of `BLOCKS` blocks of 64 lanes with the operations the kernels
/// need: `u64`, an AVX2 `__m256i` or an AVX-512 `__m512i`. The vector
/// implementations call `core::arch` intrinsics; they are only instantiated
/// inside `#[target_feature]` functions entered after run-time detection.
pub(super) trait Word:
    Copy + BitAnd<Output = Self> + BitOr<Output = Self> + BitXor<Output = Self> + Not<Output = Self>
{
    const BLOCKS: usize;
    /// Whether any function of three words is one instruction (AVX-512's
    /// `vpternlogq`); otherwise a three-input XOR costs two.
    const THREE_INPUT_LOGIC: bool = false;
    fn splat(x: u64) -> Self;
    fn from_fn(f: impl Fn(usize) -> u64) -> Self;
    fn lane(self, l: usize) -> u64;
    /// # Safety
    /// `p..p + BLOCKS` must be readable.
    unsafe fn read(p: *const u64) -> Self;
    /// # Safety
    /// `p..p + BLOCKS` must be writable.
    unsafe fn write(self, p: *mut u64);
    fn and_not(self, other: Self) -> Self;
    /// All ones in the blocks where `self < threshold` (unsigned), else zero.
    fn less_than(self, threshold: u64) -> Self;
    /// All ones in the blocks equal to `x`, else zero.
    fn equal(self, x: u64) -> Self;
    /// All ones in the blocks that are non-zero.
    fn non_zero(self) -> Self;
    fn any(self) -> bool;
    /// Whether some 16-bit digit of some block equals `digit`.
    fn any_digit(self, digit: u16) -> bool;
    fn add(self, other: Self) -> Self;
    fn shl16(self) -> Self;
    fn shr16(self) -> Self;
    fn shl17(self) -> Self;
    fn rotl23(self) -> Self;
    fn rotl45(self) -> Self;
    /// `a` where `mask` is set, `b` elsewhere.
    #[inline(always)]
    fn select(mask: Self, a: Self, b: Self) -> Self {
        (mask & a) | b.and_not(mask)
    }
    /// $a \oplus b \oplus c$.
    #[inline(always)]
    fn xor3(a: Self, b: Self, c: Self) -> Self {
        a ^ b ^ c
    }
    /// The majority of $a, b, c$ (the carry of a full adder).
    #[inline(always)]
    fn majority(a: Self, b: Self, c: Self) -> Self {
        (a & b) | ((a ^ b) & c)
    }
    /// `self | x` in the blocks where `r < threshold`, `self` elsewhere.
    #[inline(always)]
    fn or_where_less(self, r: Self, threshold: u64, x: Self) -> Self {
        self | (x & r.less_than(threshold))
    }
}

#[derive(Clone, Copy)]
pub(super) struct Scalar(pub(super) u64);

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
    unsafe fn read(p: *const u64) -> Self {
        // SAFETY: the caller guarantees `p` is readable.
        Scalar(unsafe { p.read() })
    }
    #[inline(always)]
    unsafe fn write(self, p: *mut u64) {
        // SAFETY: the caller guarantees `p` is writable.
        unsafe { p.write(self.0) }
    }
    #[inline(always)]
    fn and_not(self, other: Self) -> Self {
        Scalar(self.0 & !other.0)
    }
    #[inline(always)]
    fn less_than(self, threshold: u64) -> Self {
        Scalar(0u64.wrapping_sub(u64::from(self.0 < threshold)))
    }
    #[inline(always)]
    fn equal(self, x: u64) -> Self {
        Scalar(0u64.wrapping_sub(u64::from(self.0 == x)))
    }
    #[inline(always)]
    fn non_zero(self) -> Self {
        Scalar(0u64.wrapping_sub(u64::from(self.0 != 0)))
    }
    #[inline(always)]
    fn any(self) -> bool {
        self.0 != 0
    }
    #[inline(always)]
    fn any_digit(self, digit: u16) -> bool {
        // SWAR: some 16-bit field of x is zero.
        const ONES: u64 = 0x0001_0001_0001_0001;
        let x = self.0 ^ (u64::from(digit) * ONES);
        x.wrapping_sub(ONES) & !x & (ONES << 15) != 0
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        Scalar(self.0.wrapping_add(other.0))
    }
    #[inline(always)]
    fn shl16(self) -> Self {
        Scalar(self.0 << 16)
    }
    #[inline(always)]
    fn shr16(self) -> Self {
        Scalar(self.0 >> 16)
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
pub(super) mod x86 {
    //! AVX2 and AVX-512 words. Every intrinsic here is reached only from the
    //! `#[target_feature]` entry points, after `is_x86_feature_detected!`.
    #![allow(unsafe_op_in_unsafe_fn)]
    use super::Word;
    use std::arch::x86_64::*;
    use std::ops::{BitAnd, BitOr, BitXor, Not};

    #[derive(Clone, Copy)]
    pub(in crate::multispin) struct Avx2(__m256i);
    #[derive(Clone, Copy)]
    pub(in crate::multispin) struct Avx512(__m512i);

    // SAFETY (all blocks below): AVX2 / AVX-512F+VL+BW availability is
    // checked by `WordWidth::is_available` before the entry points run.
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
        unsafe fn read(p: *const u64) -> Self {
            Avx2(_mm256_loadu_si256(p.cast()))
        }
        #[inline(always)]
        unsafe fn write(self, p: *mut u64) {
            _mm256_storeu_si256(p.cast(), self.0)
        }
        #[inline(always)]
        fn and_not(self, other: Self) -> Self {
            Avx2(unsafe { _mm256_andnot_si256(other.0, self.0) })
        }
        #[inline(always)]
        fn less_than(self, threshold: u64) -> Self {
            // Unsigned a < t  <=>  signed (t ^ sign) > (a ^ sign).
            unsafe {
                let sign = _mm256_set1_epi64x(i64::MIN);
                let a = _mm256_xor_si256(self.0, sign);
                let t = _mm256_set1_epi64x((threshold ^ (1 << 63)) as i64);
                Avx2(_mm256_cmpgt_epi64(t, a))
            }
        }
        #[inline(always)]
        fn equal(self, x: u64) -> Self {
            Avx2(unsafe { _mm256_cmpeq_epi64(self.0, _mm256_set1_epi64x(x as i64)) })
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
        fn any_digit(self, digit: u16) -> bool {
            unsafe {
                let eq = _mm256_cmpeq_epi16(self.0, _mm256_set1_epi16(digit as i16));
                _mm256_testz_si256(eq, eq) == 0
            }
        }
        #[inline(always)]
        fn add(self, other: Self) -> Self {
            Avx2(unsafe { _mm256_add_epi64(self.0, other.0) })
        }
        #[inline(always)]
        fn shl16(self) -> Self {
            Avx2(unsafe { _mm256_slli_epi64::<16>(self.0) })
        }
        #[inline(always)]
        fn shr16(self) -> Self {
            Avx2(unsafe { _mm256_srli_epi64::<16>(self.0) })
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
        const THREE_INPUT_LOGIC: bool = true;
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
        unsafe fn read(p: *const u64) -> Self {
            Avx512(_mm512_loadu_si512(p.cast()))
        }
        #[inline(always)]
        unsafe fn write(self, p: *mut u64) {
            _mm512_storeu_si512(p.cast(), self.0)
        }
        #[inline(always)]
        fn and_not(self, other: Self) -> Self {
            Avx512(unsafe { _mm512_andnot_si512(other.0, self.0) })
        }
        #[inline(always)]
        fn less_than(self, threshold: u64) -> Self {
            unsafe {
                let k = _mm512_cmplt_epu64_mask(self.0, _mm512_set1_epi64(threshold as i64));
                Avx512(_mm512_maskz_mov_epi64(k, _mm512_set1_epi64(-1)))
            }
        }
        #[inline(always)]
        fn equal(self, x: u64) -> Self {
            unsafe {
                let k = _mm512_cmpeq_epu64_mask(self.0, _mm512_set1_epi64(x as i64));
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
        fn any_digit(self, digit: u16) -> bool {
            unsafe { _mm512_cmpeq_epi16_mask(self.0, _mm512_set1_epi16(digit as i16)) != 0 }
        }
        #[inline(always)]
        fn add(self, other: Self) -> Self {
            Avx512(unsafe { _mm512_add_epi64(self.0, other.0) })
        }
        #[inline(always)]
        fn shl16(self) -> Self {
            Avx512(unsafe { _mm512_slli_epi64::<16>(self.0) })
        }
        #[inline(always)]
        fn shr16(self) -> Self {
            Avx512(unsafe { _mm512_srli_epi64::<16>(self.0) })
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
        #[inline(always)]
        fn select(mask: Self, a: Self, b: Self) -> Self {
            // One vpternlogq: mask ? a : b.
            Avx512(unsafe { _mm512_ternarylogic_epi64::<0xCA>(mask.0, a.0, b.0) })
        }
        #[inline(always)]
        fn xor3(a: Self, b: Self, c: Self) -> Self {
            Avx512(unsafe { _mm512_ternarylogic_epi64::<0x96>(a.0, b.0, c.0) })
        }
        #[inline(always)]
        fn majority(a: Self, b: Self, c: Self) -> Self {
            Avx512(unsafe { _mm512_ternarylogic_epi64::<0xE8>(a.0, b.0, c.0) })
        }
        #[inline(always)]
        fn or_where_less(self, r: Self, threshold: u64, x: Self) -> Self {
            // A compare into a mask register and a merge-masked OR.
            unsafe {
                let k = _mm512_cmplt_epu64_mask(r.0, _mm512_set1_epi64(threshold as i64));
                Avx512(_mm512_mask_or_epi64(self.0, k, self.0, x.0))
            }
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

/// The thresholds of the uphill levels of one sweep.
#[derive(Clone, Copy)]
struct Levels {
    /// $t_m$ for the uphill levels (then zero).
    thresholds: [u64; MAX_LEVELS],
    /// The top 16 bits of each $t_m$.
    digits: [u16; MAX_LEVELS],
    /// `bits[k][m]`: all ones if bit $k$ of $t_m$ is set, else zero (the
    /// independent policy's comparisons, one broadcast each).
    bits: [[u64; MAX_LEVELS]; 64],
}

impl Levels {
    fn new(thresholds: &[u64; MAX_LEVELS], count: usize) -> Self {
        let mut levels = Levels {
            thresholds: [0; MAX_LEVELS],
            digits: [0; MAX_LEVELS],
            bits: [[0; MAX_LEVELS]; 64],
        };
        for m in 0..count {
            levels.thresholds[m] = thresholds[m];
            levels.digits[m] = (thresholds[m] >> 48) as u16;
            for (k, bits) in levels.bits.iter_mut().enumerate() {
                bits[m] = 0u64.wrapping_sub((thresholds[m] >> k) & 1);
            }
        }
        levels
    }
}

/// The shared policy's digit stream of `S::BLOCKS` blocks: one generator
/// output per four sites, top digit first (see [`shared_uniform`]).
#[derive(Clone, Copy)]
struct Digits<S: Word> {
    word: S,
    left: u32,
    /// Some digit of the current word ties with a threshold's top digit.
    tie: bool,
}

impl<S: Word> Digits<S> {
    #[inline(always)]
    fn new() -> Self {
        Self {
            word: S::splat(0),
            left: 0,
            tie: false,
        }
    }

    /// The uniforms of the next `sites` sites, handed to `put(k, r)` in
    /// order, as many calls of [`Digits::next`] would give them. The digit
    /// stream and the generators are copied into locals for the loop, so
    /// that they stay in registers, and written back after it.
    #[inline(always)]
    fn fill(
        &mut self,
        rng: &mut Rngs<S>,
        levels: &Levels,
        count: usize,
        sites: usize,
        mut put: impl FnMut(usize, S),
    ) {
        let mut digits = *self;
        let mut generators = Rngs(rng.0);
        for k in 0..sites {
            put(k, digits.next(&mut generators, levels, count));
        }
        *self = digits;
        *rng = generators;
    }

    /// This site's uniforms $r$ (one per block), for the first `count`
    /// levels (a constant once inlined).
    #[inline(always)]
    fn next(&mut self, rng: &mut Rngs<S>, levels: &Levels, count: usize) -> S {
        if self.left == 0 {
            self.word = rng.next();
            self.left = DIGITS_PER_WORD as u32;
            let mut tie = false;
            for m in 0..count {
                tie |= self.word.any_digit(levels.digits[m]);
            }
            self.tie = tie;
        }
        self.left -= 1;
        // The whole remaining word: unless the digit ties with a threshold's
        // top digit, `word < t` is decided by the digit alone.
        let mut r = self.word;
        self.word = self.word.shl16();
        if self.tie {
            // Rare (probability below 2^-14 per word): refine the blocks
            // whose digit equals a threshold's top digit.
            let high = r & S::splat(HIGH16);
            let mut refine = S::splat(0);
            for m in 0..count {
                refine = refine | high.equal(levels.thresholds[m] & HIGH16);
            }
            if refine.any() {
                let more = rng.next_masked(refine);
                r = S::select(refine, high | more.shr16(), r);
            }
        }
        r
    }
}

/// Sites whose uniforms the shared policy generates at a time.
const BATCH: usize = 32;

/// The shared policy's uniforms of the next sites, generated [`BATCH`] at a
/// time by [`Digits::next`] (so that the generator's state stays out of the
/// site loop), never beyond the end of the sweep: the generators end the
/// sweep in the state a site-by-site draw leaves them.
struct Uniforms<S: Word> {
    digits: Digits<S>,
    buffer: [S; BATCH],
    next: usize,
    /// Sites of the sweep not yet given a uniform in `buffer`.
    remaining: usize,
}

impl<S: Word> Uniforms<S> {
    #[inline(always)]
    fn new(sites: usize) -> Self {
        Self {
            digits: Digits::new(),
            buffer: [S::splat(0); BATCH],
            next: BATCH,
            remaining: sites,
        }
    }

    /// The next site's uniforms.
    #[inline(always)]
    fn take(&mut self, rng: &mut Rngs<S>, levels: &Levels, count: usize) -> S {
        if self.next == BATCH {
            let sites = self.remaining.min(BATCH);
            self.remaining -= sites;
            // Filled from the end, so that the last read slot is BATCH - 1.
            let buffer = &mut self.buffer[BATCH - sites..];
            self.digits
                .fill(rng, levels, count, sites, |k, r| buffer[k] = r);
            self.next = BATCH - sites;
        }
        let r = self.buffer[self.next];
        self.next += 1;
        r
    }

    /// The next `sites` sites' uniforms, handed to `put(k, r)` in order, as
    /// many calls of [`Uniforms::take`] would give them.
    #[inline(always)]
    fn take_many(
        &mut self,
        rng: &mut Rngs<S>,
        levels: &Levels,
        count: usize,
        sites: usize,
        mut put: impl FnMut(usize, S),
    ) {
        let buffered = (BATCH - self.next).min(sites);
        for k in 0..buffered {
            put(k, self.buffer[self.next + k]);
        }
        self.next += buffered;
        let rest = sites - buffered;
        assert!(rest <= self.remaining, "uniforms beyond the sweep");
        self.remaining -= rest;
        self.digits
            .fill(rng, levels, count, rest, |k, r| put(buffered + k, r));
    }
}

/// Full adder: (sum, carry) of three bit-slices.
#[inline(always)]
fn full_add<S: Word>(a: S, b: S, c: S) -> (S, S) {
    (S::xor3(a, b, c), S::majority(a, b, c))
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

/// The unsatisfied-bond count of a site of degree 6 as two half counts,
/// $U = (s_1 + 2 c_1) + (s_2 + 2 c_2)$, from $v_k = b_{j_k} \oplus a_{ik}$
/// (the neighbour's spin times the bond's sign) and the site's own spin $b_i$.
///
/// Where three-input logic costs two instructions, XORing $b_i$ into the
/// $v_k$ costs six; the full adders commute with it instead:
/// $\operatorname{xor}_3(v \oplus b) = \operatorname{xor}_3(v) \oplus b$ and
/// $\operatorname{maj}(v \oplus b) = \operatorname{maj}(v) \oplus b$, four XORs
/// in all.
#[inline(always)]
fn cubic_halves<S: Word>(spin: S, v: &[S]) -> [S; 4] {
    let (s1, c1) = full_add(v[0], v[1], v[2]);
    let (s2, c2) = full_add(v[3], v[4], v[5]);
    [s1 ^ spin, c1 ^ spin, s2 ^ spin, c2 ^ spin]
}

/// The shared policy's flip mask of a site of degree 6 from its half counts
/// (see [`cubic_halves`]). $U \ge 3$ is $\operatorname{maj}(c_1, c_2, s_1 \lor
/// s_2)$; with one block, a uniform at or above the largest threshold $t_2$
/// (the usual case: $t_2 = e^{-4\beta}$) accepts no uphill move and the
/// rest is skipped by a well-predicted branch.
#[inline(always)]
fn cubic_shared_flip<S: Word>(halves: [S; 4], r: S, levels: &Levels) -> S {
    let [s1, c1, s2, c2] = halves;
    if S::BLOCKS == 1 && !r.less_than(levels.thresholds[2]).any() {
        return S::majority(c1, c2, s1 | s2);
    }
    let (b1, b2) = full_add(c1, c2, s1 & s2);
    shared_flip::<S, 6>(&[s1 ^ s2, b1, b2, S::splat(0)], r, levels)
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

/// The flip mask under the shared policy: `r` holds the blocks' uniforms.
#[inline(always)]
fn shared_flip<S: Word, const D: usize>(planes: &[S; 4], r: S, levels: &Levels) -> S {
    let [b0, b1, b2, _] = *planes;
    let accept = |m: usize| r.less_than(levels.thresholds[m]);
    let t = &levels.thresholds;
    let ones = S::splat(!0);
    match D {
        // U >= 3, then U = 2, 1, 0 where r accepts them.
        6 => (b2 | (b1 & b0))
            .or_where_less(r, t[2], b1)
            .or_where_less(r, t[1], b0)
            .or_where_less(r, t[0], ones),
        3 => b1.or_where_less(r, t[1], b0).or_where_less(r, t[0], ones),
        4 => (b1 | b2)
            .or_where_less(r, t[1], b0)
            .or_where_less(r, t[0], ones),
        _ => {
            let eq = level_masks(planes, D.div_ceil(2));
            let mut reject = S::splat(0);
            for (m, &e) in eq.iter().enumerate().take(D.div_ceil(2)) {
                reject = reject | e.and_not(accept(m));
            }
            !reject
        }
    }
}

/// The flip mask under the independent policy.
#[inline(always)]
fn independent_flip<S: Word, const D: usize>(
    planes: &[S; 4],
    rng: &mut Rngs<S>,
    levels: &Levels,
) -> S {
    let [b0, b1, b2, _] = *planes;
    let eq = level_masks(planes, D.div_ceil(2));
    // Lanes with Delta E > 0.
    let uphill = match D {
        6 => !(b2 | (b1 & b0)),
        3 => !b1,
        4 => !(b1 | b2),
        _ => {
            let mut any = S::splat(0);
            for &e in eq.iter().take(D.div_ceil(2)) {
                any = any | e;
            }
            any
        }
    };
    let mut undecided = uphill;
    let mut accepted = S::splat(0);
    let mut bit = 64;
    while bit > 0 && undecided.any() {
        bit -= 1;
        let word = rng.next_masked(undecided.non_zero());
        let bits = &levels.bits[bit];
        let digit = |m: usize| S::splat(bits[m]);
        // The threshold's bit of each lane's level (only read on uphill lanes).
        let threshold_bit = match D {
            6 => S::select(b1, digit(2), S::select(b0, digit(1), digit(0))),
            3 | 4 => S::select(b0, digit(1), digit(0)),
            _ => {
                let mut t = S::splat(0);
                for (m, &e) in eq.iter().enumerate().take(D.div_ceil(2)) {
                    t = t | (e & digit(m));
                }
                t
            }
        };
        accepted = accepted | (undecided & threshold_bit).and_not(word);
        undecided = undecided.and_not(word ^ threshold_bit);
    }
    !uphill | accepted
}

/// The state of one sweep of `S::BLOCKS` blocks of `K` chains that share
/// the layout (and so the couplings): chain c's spin words (from block
/// `first`), its blocks' generators, uniforms and thresholds. `K` is a
/// constant so that the chains' state stays in registers.
struct Sweeper<'a, S: Word, const INDEPENDENT: bool, const K: usize> {
    couplings: *const u64,
    spins: [*mut u64; K],
    rng: [Rngs<S>; K],
    uniforms: [Uniforms<S>; K],
    levels: [&'a Levels; K],
}

impl<S: Word, const INDEPENDENT: bool, const K: usize> Sweeper<'_, S, INDEPENDENT, K> {
    /// Updates, in chain c, the site whose words start at `own[c]`; its `D`
    /// neighbours' words start at `neighbours[c][k]`, its bonds' coupling
    /// words at `bonds[k]` (read once for all chains).
    ///
    /// # Safety
    /// Each pointer must address `S::BLOCKS` words of the chain's spin
    /// buffer (`own` writable) or of the coupling buffer.
    #[inline(always)]
    unsafe fn site<const D: usize>(
        &mut self,
        own: [*mut u64; K],
        neighbours: [[*const u64; D]; K],
        bonds: [*const u64; D],
    ) {
        // SAFETY: guaranteed by the caller.
        let j: [S; D] = std::array::from_fn(|k| unsafe { S::read(bonds[k]) });
        for c in 0..K {
            if D == 6 && !INDEPENDENT && !S::THREE_INPUT_LOGIC {
                // SAFETY: guaranteed by the caller.
                let (spin, v) = unsafe {
                    let v: [S; D] = std::array::from_fn(|k| S::read(neighbours[c][k]) ^ j[k]);
                    (S::read(own[c]), v)
                };
                let halves = cubic_halves(spin, &v);
                let r = self.uniforms[c].take(&mut self.rng[c], self.levels[c], 3);
                let flip = cubic_shared_flip(halves, r, self.levels[c]);
                // SAFETY: as above.
                unsafe { (spin ^ flip).write(own[c]) };
                continue;
            }
            // SAFETY: guaranteed by the caller.
            let (spin, u) = unsafe {
                let spin = S::read(own[c]);
                let u: [S; D] =
                    std::array::from_fn(|k| S::xor3(spin, S::read(neighbours[c][k]), j[k]));
                (spin, u)
            };
            let planes = count::<S, D>(&u);
            let flip = if INDEPENDENT {
                independent_flip::<S, D>(&planes, &mut self.rng[c], self.levels[c])
            } else {
                let r = self.uniforms[c].take(&mut self.rng[c], self.levels[c], D.div_ceil(2));
                shared_flip::<S, D>(&planes, r, self.levels[c])
            };
            // SAFETY: as above.
            unsafe { (spin ^ flip).write(own[c]) };
        }
    }
}

/// The checkerboard walk of the sites of colour `colour` in rows `rows` of
/// a periodic lattice of dimension `D / 2` and even side `l` (see
/// [`Walk::Lattice`]), `w` words per site: rows ($x_1, x_2, \dots$ fixed) in
/// increasing order, every second site of a row. Row-constant offsets reach
/// the neighbours along the other axes; the row's end sites wrap along $x_0$.
///
/// # Safety
/// The chains' spin buffers must hold `l^(D/2) * w` words from their base
/// and the coupling buffer `(D/2) l^(D/2) w`, with `first + S::BLOCKS <= w`;
/// `rows` must lie in `0..l^(D/2 - 1)`.
#[inline(always)]
unsafe fn lattice_walk<S: Word, const D: usize, const INDEPENDENT: bool, const K: usize>(
    sweeper: &mut Sweeper<'_, S, INDEPENDENT, K>,
    l: usize,
    w: usize,
    colour: usize,
    rows: std::ops::Range<usize>,
) {
    let dim = D / 2;
    // The row's coordinates (x_1, x_2, ...), advanced like an odometer.
    let mut coordinates = [0usize; D];
    let mut rest = rows.start;
    for x in &mut coordinates[1..dim] {
        *x = rest % l;
        rest /= l;
    }
    for row in rows.clone() {
        if row > rows.start {
            for x in &mut coordinates[1..dim] {
                *x += 1;
                if *x < l {
                    break;
                }
                *x = 0;
            }
        }
        let first_site = row * l;
        // Entries 2a, 2a + 1 (a >= 1): the first sites of the rows of
        // the forward and backward neighbours along axis a.
        let mut far = [first_site; D];
        let mut parity = 0;
        let mut stride = l;
        for a in 1..dim {
            let x = coordinates[a];
            parity += x;
            far[2 * a] = if x == l - 1 {
                first_site - (l - 1) * stride
            } else {
                first_site + stride
            };
            far[2 * a + 1] = if x == 0 {
                first_site + (l - 1) * stride
            } else {
                first_site - stride
            };
            stride *= l;
        }
        let even = (colour + parity).is_multiple_of(2);
        // SAFETY: every address a row forms is that of a site or bond of the
        // lattice (the caller's guarantee).
        unsafe {
            if K == 1 {
                // One chain: its row pointers (fewest additions per site).
                let row = LatticeRow::<D, K>::new(sweeper, first_site, &far, w);
                if D == 6 && !INDEPENDENT && S::BLOCKS == 1 && w == 1 && l <= 2 * ROW_UNIFORMS {
                    cubic_scalar_row(&row, sweeper, l, even);
                } else {
                    walk_row(&row, sweeper, l, even);
                }
            } else {
                // Several chains: offsets shared by all chains (fewer registers).
                let row = LatticeOffsets::<D>::new(first_site, &far, w);
                walk_row(&row, sweeper, l, even);
            }
        }
    }
}

/// A lattice row that can update its sites (see [`lattice_walk`]).
trait Row<S: Word, const INDEPENDENT: bool, const K: usize> {
    /// Updates the site at $x_0$ = `x` of the row, whose $x_0$ neighbours
    /// are at `forward` and `backward`.
    ///
    /// # Safety
    /// See [`lattice_walk`].
    unsafe fn visit(
        &self,
        sweeper: &mut Sweeper<'_, S, INDEPENDENT, K>,
        x: usize,
        forward: usize,
        backward: usize,
    );
}

/// Every second site of a row of `l` sites, from $x_0 = 0$ if `even` (the
/// first wrapping backward), else from $x_0 = 1$ (the last wrapping forward).
///
/// # Safety
/// See [`lattice_walk`].
#[inline(always)]
unsafe fn walk_row<S: Word, const INDEPENDENT: bool, const K: usize>(
    row: &impl Row<S, INDEPENDENT, K>,
    sweeper: &mut Sweeper<'_, S, INDEPENDENT, K>,
    l: usize,
    even: bool,
) {
    // SAFETY: forwarded from the caller.
    unsafe {
        if even {
            row.visit(sweeper, 0, 1, l - 1);
            for x in (2..l).step_by(2) {
                row.visit(sweeper, x, x + 1, x - 1);
            }
        } else {
            for x in (1..l - 1).step_by(2) {
                row.visit(sweeper, x, x + 1, x - 1);
            }
            row.visit(sweeper, l - 1, 0, l - 2);
        }
    }
}

/// Most uniforms [`cubic_scalar_row`] draws ahead of a row (half its sites).
const ROW_UNIFORMS: usize = 128;

/// [`walk_row`] for one chain of 64-bit words on a cubic lattice under the
/// shared policy, the portable path's hot loop. The row's uniforms are drawn
/// first (in visiting order, so the generator's stream is unchanged), which
/// keeps the generator and its batch out of the loop and leaves the
/// registers to the row's pointers: one load per neighbour and bond, the
/// XORs and adders of [`cubic_halves`] and the branch of
/// [`cubic_shared_flip`], about 70 instructions per site update on x86-64
/// (8 of them reloads of row pointers: nine pointers and the temporaries do
/// not fit in the 15 registers).
///
/// # Safety
/// See [`lattice_walk`]; `row` must have one word per site
/// (`S::BLOCKS == 1`, `w == 1`), `D == 6` and `l <= 2 ROW_UNIFORMS`.
#[inline(always)]
unsafe fn cubic_scalar_row<S: Word, const INDEPENDENT: bool, const K: usize, const D: usize>(
    row: &LatticeRow<D, K>,
    sweeper: &mut Sweeper<'_, S, INDEPENDENT, K>,
    l: usize,
    even: bool,
) {
    debug_assert!(D == 6 && row.w == 1 && S::BLOCKS == 1 && l <= 2 * ROW_UNIFORMS);
    // Indexed by x0 (every second entry used), so that a site's uniform
    // shares the index register of its spin words.
    // Not initialised: zeroing it would cost more than a short row's sites.
    let mut uniforms = [const { std::mem::MaybeUninit::<S>::uninit() }; 2 * ROW_UNIFORMS];
    let (rng, levels) = (&mut sweeper.rng[0], sweeper.levels[0]);
    let odd = usize::from(!even);
    sweeper.uniforms[0].take_many(rng, levels, 3, l / 2, |k, r| {
        uniforms[2 * k + odd].write(r);
    });
    let (own, neighbours) = (row.own[0], row.neighbours[0]);
    // The forward bonds along a = 0, 1, 2 of site x are at 3 x + a from the
    // row's first one; the backward ones along a = 1, 2 are forward bonds
    // of the neighbour rows.
    let (forward, backward) = (row.bonds[0], [row.bonds[3], row.bonds[5]]);
    debug_assert!(
        row.bonds[2] == forward.wrapping_add(1) && row.bonds[4] == forward.wrapping_add(2)
    );
    /// Updates site x of the row (see the caller).
    ///
    /// # Safety
    /// As for `cubic_scalar_row`; `r` is the site's uniform.
    #[inline(always)]
    unsafe fn site<S: Word>(
        row: (*mut u64, [*const u64; 6], *const u64, [*const u64; 2]),
        levels: &Levels,
        r: S,
        x: usize,
        next: usize,
        previous: usize,
    ) {
        let (own, neighbours, forward, backward) = row;
        // SAFETY: the addresses `LatticeRow::visit` forms with one word per
        // site, the caller's guarantee.
        unsafe {
            let spin = S::read(own.add(x));
            let v = [
                S::read(own.add(next)) ^ S::read(forward.add(3 * x)),
                S::read(own.add(previous)) ^ S::read(forward.add(3 * previous)),
                S::read(neighbours[2].add(x)) ^ S::read(forward.add(3 * x + 1)),
                S::read(neighbours[3].add(x)) ^ S::read(backward[0].add(3 * x)),
                S::read(neighbours[4].add(x)) ^ S::read(forward.add(3 * x + 2)),
                S::read(neighbours[5].add(x)) ^ S::read(backward[1].add(3 * x)),
            ];
            let flip = cubic_shared_flip(cubic_halves(spin, &v), r, levels);
            (spin ^ flip).write(own.add(x));
        }
    }
    let neighbours: [*const u64; 6] = std::array::from_fn(|k| neighbours[k.min(D - 1)]);
    let row = (own, neighbours, forward, backward);
    // SAFETY: forwarded from the caller; `uniforms[x]` was written above
    // for every x of the row's colour.
    unsafe {
        if even {
            site::<S>(row, levels, uniforms[0].assume_init(), 0, 1, l - 1);
            for x in (2..l).step_by(2) {
                site::<S>(row, levels, uniforms[x].assume_init(), x, x + 1, x - 1);
            }
        } else {
            for x in (1..l - 1).step_by(2) {
                site::<S>(row, levels, uniforms[x].assume_init(), x, x + 1, x - 1);
            }
            site::<S>(row, levels, uniforms[l - 1].assume_init(), l - 1, 0, l - 2);
        }
    }
}

/// The row-constant offsets of one lattice row, in words from the chains'
/// spin base and the coupling base, shared by all chains.
struct LatticeOffsets<const D: usize> {
    /// Site index of the row's first site.
    first: usize,
    /// Entries 2a, 2a + 1 (a >= 1): word offset of the site at $x_0 = 0$ of
    /// the forward and backward neighbour rows along axis a.
    neighbours: [usize; D],
    /// Entry 0: the forward bond along $x_0$ of the row's first site; 2a
    /// (a >= 1): its forward bond along a; 2a + 1: the forward bond along a
    /// of the backward neighbour row's first site.
    bonds: [usize; D],
    /// Words per site.
    w: usize,
}

impl<const D: usize> LatticeOffsets<D> {
    #[inline(always)]
    fn new(first: usize, far: &[usize; D], w: usize) -> Self {
        let dim = D / 2;
        Self {
            first,
            neighbours: std::array::from_fn(|k| far[k] * w),
            bonds: std::array::from_fn(|k| {
                let (a, site) = (k / 2, if k % 2 == 0 { first } else { far[k] });
                (site * dim + a) * w
            }),
            w,
        }
    }
}

impl<S: Word, const INDEPENDENT: bool, const K: usize, const D: usize> Row<S, INDEPENDENT, K>
    for LatticeOffsets<D>
{
    #[inline(always)]
    unsafe fn visit(
        &self,
        sweeper: &mut Sweeper<'_, S, INDEPENDENT, K>,
        x: usize,
        forward: usize,
        backward: usize,
    ) {
        let (w, dim) = (self.w, D / 2);
        let (i, c) = (x * w, x * dim * w);
        let own = (self.first + x) * w;
        let neighbour: [usize; D] = std::array::from_fn(|k| match k {
            0 => (self.first + forward) * w,
            1 => (self.first + backward) * w,
            _ => self.neighbours[k] + i,
        });
        let bond: [usize; D] = std::array::from_fn(|k| match k {
            1 => self.bonds[0] + backward * dim * w,
            _ => self.bonds[k] + c,
        });
        let (spins, couplings) = (sweeper.spins, sweeper.couplings);
        // SAFETY: guaranteed by the caller.
        unsafe {
            sweeper.site::<D>(
                std::array::from_fn(|ch| spins[ch].add(own)),
                std::array::from_fn(|ch| {
                    std::array::from_fn(|k| spins[ch].add(neighbour[k]).cast_const())
                }),
                std::array::from_fn(|k| couplings.add(bond[k])),
            )
        };
    }
}

/// The row-constant pointers of one lattice row (see [`lattice_walk`]), so
/// that a site costs one pointer addition per neighbour and bond.
struct LatticeRow<const D: usize, const K: usize> {
    /// Chain c's words of the row's site at $x_0 = 0$.
    own: [*mut u64; K],
    /// Chain c's entries 2a, 2a + 1 (a >= 1): the words of the site at
    /// $x_0 = 0$ of the forward and backward neighbour rows along axis a.
    neighbours: [[*const u64; D]; K],
    /// Entry 0: the forward bond along $x_0$ of the row's first site;
    /// 2a (a >= 1): its forward bond along a; 2a + 1: the forward bond
    /// along a of the backward neighbour row's first site.
    bonds: [*const u64; D],
    /// Words per site.
    w: usize,
}

impl<const D: usize, const K: usize> LatticeRow<D, K> {
    /// The pointers of the row starting at site `first`, whose neighbour
    /// rows along axis a >= 1 start at `far[2a]` (forward) and `far[2a + 1]`.
    #[inline(always)]
    fn new<S: Word, const INDEPENDENT: bool>(
        sweeper: &Sweeper<'_, S, INDEPENDENT, K>,
        first: usize,
        far: &[usize; D],
        w: usize,
    ) -> Self {
        let dim = D / 2;
        let own = std::array::from_fn(|c| sweeper.spins[c].wrapping_add(first * w));
        let neighbours = std::array::from_fn(|c| {
            std::array::from_fn(|k| sweeper.spins[c].wrapping_add(far[k] * w).cast_const())
        });
        let bonds = std::array::from_fn(|k| {
            let (a, site) = (k / 2, if k % 2 == 0 { first } else { far[k] });
            sweeper.couplings.wrapping_add((site * dim + a) * w)
        });
        Self {
            own,
            neighbours,
            bonds,
            w,
        }
    }
}

impl<S: Word, const INDEPENDENT: bool, const K: usize, const D: usize> Row<S, INDEPENDENT, K>
    for LatticeRow<D, K>
{
    #[inline(always)]
    unsafe fn visit(
        &self,
        sweeper: &mut Sweeper<'_, S, INDEPENDENT, K>,
        x: usize,
        forward: usize,
        backward: usize,
    ) {
        let (w, dim) = (self.w, D / 2);
        let (i, c) = (x * w, x * dim * w);
        let own = std::array::from_fn(|ch| self.own[ch].wrapping_add(i));
        let neighbours = std::array::from_fn(|ch| {
            let row = self.own[ch].cast_const();
            std::array::from_fn(|k| match k {
                0 => row.wrapping_add(forward * w),
                1 => row.wrapping_add(backward * w),
                _ => self.neighbours[ch][k].wrapping_add(i),
            })
        });
        let bonds = std::array::from_fn(|k| match k {
            1 => self.bonds[0].wrapping_add(backward * dim * w),
            _ => self.bonds[k].wrapping_add(c),
        });
        // SAFETY: guaranteed by the caller.
        unsafe { sweeper.site::<D>(own, neighbours, bonds) };
    }
}

/// A chain's spin words, shared by the tasks sweeping the slabs of one
/// colour at once.
#[derive(Clone, Copy)]
struct SpinWords(*mut u64);

// SAFETY: the tasks of one colour write only the words of their own
// segment's sites, which are of that colour, and read only neighbours of
// the other colour (a proper two-colouring), which no task of the colour
// writes: no word is written by one task and read or written by another.
unsafe impl Send for SpinWords {}
// SAFETY: as above.
unsafe impl Sync for SpinWords {}

/// One sweep of segment `segment`, blocks `first..first + S::BLOCKS`, of
/// every chain: `spins[c]` chain c's spin words, `rngs[c]` its generators
/// of the segment's slab.
///
/// # Safety
/// `spins[c]` must address `layout.sites() * layout.blocks()` words, and no
/// other thread may touch the words of the segment's sites or read them
/// while this runs (see [`SpinWords`]).
#[inline(always)]
unsafe fn sweep_body<S: Word, const D: usize, const INDEPENDENT: bool, const K: usize>(
    layout: &MultispinLayout,
    spins: &[SpinWords],
    rngs: &mut [&mut [BlockRng]],
    levels: &[Levels],
    segment: &Segment,
    first: usize,
) {
    let w = layout.blocks;
    assert!(first + S::BLOCKS <= w);
    assert_eq!(layout.antiferro.len(), layout.bond_ends.len() * w);
    assert!(spins.len() == K && rngs.len() == K && levels.len() == K);
    let mut sweeper = Sweeper::<S, INDEPENDENT, K> {
        // In bounds: first < w <= the buffer's length (bonds >= 1).
        couplings: layout.antiferro[first..].as_ptr(),
        spins: std::array::from_fn(|c| spins[c].0.wrapping_add(first)),
        rng: std::array::from_fn(|c| Rngs::load(&rngs[c][first..first + S::BLOCKS])),
        uniforms: std::array::from_fn(|_| Uniforms::new(segment.positions.len())),
        levels: std::array::from_fn(|c| &levels[c]),
    };
    match &layout.walk {
        Walk::Lattice { length } => {
            debug_assert!(D.is_multiple_of(2) && layout.bond_ends.len() == layout.n * D / 2);
            // Each row holds L/2 sites of each colour, colour 0 first in the
            // visiting order.
            let half = length / 2;
            let offset = segment.colour * layout.n / 2;
            let rows =
                (segment.positions.start - offset) / half..(segment.positions.end - offset) / half;
            // SAFETY: the layout checked N = L^(D/2), the bonds (i, i + e_a)
            // at index i D/2 + a, and L even; the buffers' lengths are
            // guaranteed by the caller.
            unsafe {
                if w == S::BLOCKS {
                    // One word per site: the strides are constants.
                    lattice_walk::<S, D, INDEPENDENT, K>(
                        &mut sweeper,
                        *length,
                        S::BLOCKS,
                        segment.colour,
                        rows,
                    )
                } else {
                    lattice_walk::<S, D, INDEPENDENT, K>(
                        &mut sweeper,
                        *length,
                        w,
                        segment.colour,
                        rows,
                    )
                }
            }
        }
        Walk::Table { neighbours, bonds } => {
            assert_eq!(neighbours.len(), layout.n * D);
            assert_eq!(bonds.len(), layout.n * D);
            for v in segment.positions.clone() {
                let site = layout.visit[v];
                let slots = v * D..(v + 1) * D;
                let (neighbours, bonds) = (&neighbours[slots.clone()], &bonds[slots]);
                // SAFETY: the tables hold (site * w) and (bond * w) of
                // existing sites and bonds (built by the layout).
                let spins = sweeper.spins;
                let couplings = sweeper.couplings;
                unsafe {
                    sweeper.site::<D>(
                        std::array::from_fn(|c| spins[c].add(site as usize * w)),
                        std::array::from_fn(|c| {
                            std::array::from_fn(|k| {
                                spins[c].add(neighbours[k] as usize).cast_const()
                            })
                        }),
                        std::array::from_fn(|k| couplings.add(bonds[k] as usize)),
                    );
                }
            }
        }
    }
    for (rng, rngs) in sweeper.rng.iter().zip(rngs.iter_mut()) {
        rng.store(&mut rngs[first..first + S::BLOCKS]);
    }
}

/// Chains a sweep of degree `degree` handles at once: [`VECTOR_CHAINS`] for
/// vector words on the lattice degrees 4 and 6, else one at a time.
fn chains_at_once(degree: usize, chains: usize, width: WordWidth) -> usize {
    let most = match width {
        // Scalar registers hold one chain's state; several spill.
        WordWidth::Bits64 => 1,
        _ => VECTOR_CHAINS,
    };
    match (degree, chains.min(most)) {
        (4 | 6, 2..) => 2,
        _ => 1,
    }
}

/// Chains a vector sweep handles at once (sharing each site's couplings).
const VECTOR_CHAINS: usize = 2;

macro_rules! dispatch_degree {
    ($v:ty, $layout:ident, $spins:ident, $rngs:ident, $levels:ident, $segment:ident, $first:ident, $ind:ident) => {{
        let mut c = 0;
        while c < $spins.len() {
            // The caller groups the chains by `chains_at_once`.
            let k = $spins.len() - c;
            let (spins, rngs, levels) =
                (&$spins[c..c + k], &mut $rngs[c..c + k], &$levels[c..c + k]);
            // SAFETY: forwarded from the caller.
            unsafe {
                match ($layout.degree, $ind, k) {
                    (6, false, 2) => sweep_body::<$v, 6, false, 2>(
                        $layout, spins, rngs, levels, $segment, $first,
                    ),
                    (6, false, _) => sweep_body::<$v, 6, false, 1>(
                        $layout, spins, rngs, levels, $segment, $first,
                    ),
                    (6, true, 2) => {
                        sweep_body::<$v, 6, true, 2>($layout, spins, rngs, levels, $segment, $first)
                    }
                    (6, true, _) => {
                        sweep_body::<$v, 6, true, 1>($layout, spins, rngs, levels, $segment, $first)
                    }
                    (4, false, 2) => sweep_body::<$v, 4, false, 2>(
                        $layout, spins, rngs, levels, $segment, $first,
                    ),
                    (4, false, _) => sweep_body::<$v, 4, false, 1>(
                        $layout, spins, rngs, levels, $segment, $first,
                    ),
                    (4, true, 2) => {
                        sweep_body::<$v, 4, true, 2>($layout, spins, rngs, levels, $segment, $first)
                    }
                    (4, true, _) => {
                        sweep_body::<$v, 4, true, 1>($layout, spins, rngs, levels, $segment, $first)
                    }
                    (3, false, _) => sweep_body::<$v, 3, false, 1>(
                        $layout, spins, rngs, levels, $segment, $first,
                    ),
                    (3, true, _) => {
                        sweep_body::<$v, 3, true, 1>($layout, spins, rngs, levels, $segment, $first)
                    }
                    (2, false, _) => sweep_body::<$v, 2, false, 1>(
                        $layout, spins, rngs, levels, $segment, $first,
                    ),
                    (2, true, _) => {
                        sweep_body::<$v, 2, true, 1>($layout, spins, rngs, levels, $segment, $first)
                    }
                    (5, false, _) => sweep_body::<$v, 5, false, 1>(
                        $layout, spins, rngs, levels, $segment, $first,
                    ),
                    (5, true, _) => {
                        sweep_body::<$v, 5, true, 1>($layout, spins, rngs, levels, $segment, $first)
                    }
                    (7, false, _) => sweep_body::<$v, 7, false, 1>(
                        $layout, spins, rngs, levels, $segment, $first,
                    ),
                    (7, true, _) => {
                        sweep_body::<$v, 7, true, 1>($layout, spins, rngs, levels, $segment, $first)
                    }
                    (8, false, _) => sweep_body::<$v, 8, false, 1>(
                        $layout, spins, rngs, levels, $segment, $first,
                    ),
                    (8, true, _) => {
                        sweep_body::<$v, 8, true, 1>($layout, spins, rngs, levels, $segment, $first)
                    }
                    (degree, _, _) => {
                        unreachable!("degree {degree} is refused when the layout is built")
                    }
                }
            }
            c += k;
        }
    }};
}

/// # Safety
/// See [`sweep_body`].
unsafe fn sweep_64(
    layout: &MultispinLayout,
    spins: &[SpinWords],
    rngs: &mut [&mut [BlockRng]],
    levels: &[Levels],
    segment: &Segment,
    first: usize,
    independent: bool,
) {
    dispatch_degree!(
        Scalar,
        layout,
        spins,
        rngs,
        levels,
        segment,
        first,
        independent
    )
}

/// # Safety
/// See [`sweep_body`]; AVX2 must be available.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sweep_256(
    layout: &MultispinLayout,
    spins: &[SpinWords],
    rngs: &mut [&mut [BlockRng]],
    levels: &[Levels],
    segment: &Segment,
    first: usize,
    independent: bool,
) {
    dispatch_degree!(
        x86::Avx2,
        layout,
        spins,
        rngs,
        levels,
        segment,
        first,
        independent
    )
}

/// # Safety
/// See [`sweep_body`]; AVX-512F/VL/BW must be available.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx512bw,avx2")]
unsafe fn sweep_512(
    layout: &MultispinLayout,
    spins: &[SpinWords],
    rngs: &mut [&mut [BlockRng]],
    levels: &[Levels],
    segment: &Segment,
    first: usize,
    independent: bool,
) {
    dispatch_degree!(
        x86::Avx512,
        layout,
        spins,
        rngs,
        levels,
        segment,
        first,
        independent
    )
}

/// All blocks of one segment of every chain, `width` blocks at a time.
///
/// # Safety
/// See [`sweep_body`]; `width` must be available.
unsafe fn sweep_segment(
    layout: &MultispinLayout,
    spins: &[SpinWords],
    rngs: &mut [&mut [BlockRng]],
    levels: &[Levels],
    segment: &Segment,
    independent: bool,
    width: WordWidth,
) {
    let mut first = 0;
    while first < layout.blocks {
        let remaining = layout.blocks - first;
        #[cfg(target_arch = "x86_64")]
        {
            if width == WordWidth::Bits512 && remaining >= 8 {
                // SAFETY: AVX-512F/VL/BW availability was checked by the caller.
                unsafe { sweep_512(layout, spins, rngs, levels, segment, first, independent) };
                first += 8;
                continue;
            }
            if width != WordWidth::Bits64 && remaining >= 4 {
                // SAFETY: AVX2 is implied by the width being available.
                unsafe { sweep_256(layout, spins, rngs, levels, segment, first, independent) };
                first += 4;
                continue;
            }
        }
        let _ = remaining;
        // SAFETY: forwarded from the caller.
        unsafe { sweep_64(layout, spins, rngs, levels, segment, first, independent) };
        first += 1;
    }
}

/// One chain's buffers for [`sweep_chains`].
pub struct ChainWords<'a> {
    /// `sites * blocks` spin words (site-major, bit 1 = spin $-1$).
    pub spins: &'a mut [u64],
    /// The generators, `slabs * blocks` ([`MultispinLayout::generators`]).
    pub rngs: &'a mut [BlockRng],
    /// The chain's thresholds, from [`metropolis_thresholds`].
    pub thresholds: &'a [u64; MAX_LEVELS],
}

/// `sweeps` Metropolis sweeps of every lane of several chains on the same
/// layout (the temperature slots of a tempering run). Vector widths sweep
/// two chains together, site by site, reading each site's couplings once
/// for both (lattices of dimension 2 and 3); 64-bit words sweep one chain
/// at a time. Each group of chains does all its sweeps before the next, and
/// with `parallel` the slabs of a colour ([`Segment`]) are swept at once on
/// rayon's current pool (two synchronisations per sweep; worth it when
/// there are fewer groups of chains than threads). Every chain's result is
/// the one `sweeps` calls of [`sweep`] give it alone, whatever the number
/// of threads.
///
/// # Panics
///
/// If `width` is not available on this CPU or a chain's buffers have the
/// wrong lengths.
pub fn sweep_chains(
    layout: &MultispinLayout,
    chains: &mut [ChainWords<'_>],
    sweeps: u64,
    policy: RandomPolicy,
    width: WordWidth,
    parallel: bool,
) {
    assert!(
        width.is_available(),
        "{width:?} is not available on this CPU"
    );
    let w = layout.blocks;
    for chain in chains.iter() {
        assert_eq!(chain.spins.len(), layout.n * w, "spin words of a chain");
        assert_eq!(
            chain.rngs.len(),
            layout.generators(),
            "generators of a chain"
        );
    }
    let independent = policy == RandomPolicy::IndependentPerLane;
    let mut rest = chains;
    while !rest.is_empty() {
        let k = chains_at_once(layout.degree, rest.len(), width);
        let (group, tail) = rest.split_at_mut(k);
        rest = tail;
        let levels: Vec<Levels> = group
            .iter()
            .map(|c| Levels::new(c.thresholds, layout.levels))
            .collect();
        let spins: Vec<SpinWords> = group
            .iter_mut()
            .map(|c| SpinWords(c.spins.as_mut_ptr()))
            .collect();
        let mut slabs: Vec<Vec<&mut [BlockRng]>> = (0..layout.slabs).map(|_| Vec::new()).collect();
        for chain in group.iter_mut() {
            for (slab, rngs) in slabs.iter_mut().zip(chain.rngs.chunks_mut(w)) {
                slab.push(rngs);
            }
        }
        for _ in 0..sweeps {
            // SAFETY: the spin buffers have n * w words (asserted above) and
            // are borrowed mutably for this call; the width was checked.
            unsafe {
                sweep_group(
                    layout,
                    &spins,
                    &mut slabs,
                    &levels,
                    independent,
                    width,
                    parallel,
                )
            };
        }
    }
}

/// One sweep of a group of chains (`spins[c]`, generators `slabs[s][c]` of
/// slab `s`), colour by colour, the slabs of a colour in parallel.
///
/// # Safety
/// Every `spins[c]` must address `n * blocks` words no one else touches
/// during the call; the width must be available.
unsafe fn sweep_group(
    layout: &MultispinLayout,
    spins: &[SpinWords],
    slabs: &mut [Vec<&mut [BlockRng]>],
    levels: &[Levels],
    independent: bool,
    width: WordWidth,
    parallel: bool,
) {
    use rayon::prelude::*;
    let colours = layout
        .segments
        .iter()
        .map(|s| s.colour + 1)
        .max()
        .unwrap_or(0);
    for colour in 0..colours {
        // The colour's segments have distinct slabs.
        let mut tasks: Vec<(&Segment, &mut Vec<&mut [BlockRng]>)> = slabs
            .iter_mut()
            .enumerate()
            .filter_map(|(slab, rngs)| {
                layout
                    .segments
                    .iter()
                    .find(|s| s.colour == colour && s.slab == slab)
                    .map(|segment| (segment, rngs))
            })
            .collect();
        let run = |(segment, rngs): &mut (&Segment, &mut Vec<&mut [BlockRng]>)| {
            // SAFETY: forwarded from the caller; segments of one colour touch
            // disjoint sites and read only the other colour (see `SpinWords`).
            unsafe { sweep_segment(layout, spins, rngs, levels, segment, independent, width) }
        };
        if parallel && tasks.len() > 1 && rayon::current_num_threads() > 1 {
            tasks.par_iter_mut().for_each(run);
        } else {
            tasks.iter_mut().for_each(run);
        }
    }
}

/// One Metropolis sweep of every lane of one chain.
///
/// `spins` holds `layout.sites() * layout.blocks()` words (site-major, bit 1
/// = spin $-1$), `rngs` one generator per block and slab
/// ([`MultispinLayout::generators`]), `thresholds` come from
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
    assert_eq!(spins.len(), layout.sites() * layout.blocks);
    assert_eq!(rngs.len(), layout.generators());
    let chain = ChainWords {
        spins,
        rngs,
        thresholds,
    };
    sweep_chains(layout, &mut [chain], 1, policy, width, true);
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
/// the bonds, `width` blocks at a time (see [`super::count`]).
///
/// # Panics
///
/// If `width` is not available on this CPU or the buffers have the wrong lengths.
pub fn unsatisfied_bonds(
    layout: &MultispinLayout,
    spins: &[u64],
    out: &mut [u32],
    width: WordWidth,
) {
    super::count::count_lanes(
        layout,
        super::count::LaneCount::UnsatisfiedBonds(spins),
        width,
        out,
    );
}
