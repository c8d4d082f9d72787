//! The [`Word`] trait: a word of 1, 4 or 8 blocks of 64 lanes (`u64`,
//! AVX2, AVX-512), with the bitwise operations, comparisons and generator
//! shifts the kernels are written in.

use std::ops::{BitAnd, BitOr, BitXor, Not};

/// A word of `BLOCKS` blocks of 64 lanes with the operations the kernels
/// need: `u64`, an AVX2 `__m256i` or an AVX-512 `__m512i`. The vector
/// implementations call `core::arch` intrinsics; they are only instantiated
/// inside `#[target_feature]` functions entered after run-time detection.
pub(in crate::multispin) trait Word:
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
pub(in crate::multispin) struct Scalar(pub(in crate::multispin) u64);

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
pub(in crate::multispin) mod x86 {
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
