//! Run-time choice of the vector instruction set.
//!
//! A kernel is written once as a plain loop over contiguous slices, which
//! LLVM vectorises; the `dispatched!` macro compiles it three times
//! (portable, AVX2, AVX-512) and the widest instance the CPU supports is
//! called, as detected once by [`Simd::detect`]. Integer kernels give the
//! same result in every instance; floating-point kernels fix their order of
//! summation in the source (several explicit accumulators), so they too give
//! bit-identical results everywhere.

/// Instruction set the kernels run with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Simd {
    /// Plain Rust, vectorised for the baseline target only (the reference).
    Portable,
    /// AVX2 (256-bit vectors).
    Avx2,
    /// AVX-512F/BW (512-bit vectors).
    Avx512,
}

impl Simd {
    /// The widest instruction set available on this CPU.
    pub fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512bw")
            {
                return Simd::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                return Simd::Avx2;
            }
        }
        Simd::Portable
    }
}

/// Defines a kernel once as an `#[inline(always)]` body and dispatches it to
/// portable, AVX2 and AVX-512 instances.
macro_rules! dispatched {
    (
        $(#[$meta:meta])*
        pub fn $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)? $body:block
    ) => {
        $(#[$meta])*
        #[inline]
        pub fn $name(simd: Simd, $($arg: $ty),*) $(-> $ret)? {
            #[inline(always)]
            fn body($($arg: $ty),*) $(-> $ret)? $body
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            fn avx2($($arg: $ty),*) $(-> $ret)? { body($($arg),*) }
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f,avx512bw,avx2")]
            fn avx512($($arg: $ty),*) $(-> $ret)? { body($($arg),*) }
            match simd {
                // SAFETY: `Simd::Avx2` and `Simd::Avx512` only come from
                // `Simd::detect`, which checked the features at run time.
                #[cfg(target_arch = "x86_64")]
                Simd::Avx2 => unsafe { avx2($($arg),*) },
                #[cfg(target_arch = "x86_64")]
                Simd::Avx512 => unsafe { avx512($($arg),*) },
                _ => body($($arg),*),
            }
        }
    };
}

pub(crate) use dispatched;
