//! Run-time choice of the vector instruction set.
//!
//! A kernel is written once as a plain loop over contiguous slices, which
//! LLVM vectorises; the `dispatched!` macro compiles it three times
//! (portable, AVX2, AVX-512) and the widest instance the CPU supports is
//! called, as detected once by [`Simd::detect`]. Integer kernels give the
//! same result in every instance; floating-point kernels fix their order of
//! summation in the source (several explicit accumulators), so they too give
//! bit-identical results everywhere.

/// Instruction set the kernels run with. Only [`Simd::detect`] hands out a
/// vector level, so a kernel never runs instructions the CPU lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Simd(pub(crate) Level);

/// The levels behind [`Simd`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// Plain Rust, vectorised for the baseline target only (the reference).
    Portable,
    /// AVX2 (256-bit vectors) and POPCNT.
    Avx2,
    /// AVX-512F/BW (512-bit vectors), AVX2 and POPCNT.
    Avx512,
}

impl Simd {
    /// The widest instruction set available on this CPU.
    pub fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            let avx2 = std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("popcnt");
            if avx2
                && std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512bw")
            {
                return Simd(Level::Avx512);
            }
            if avx2 {
                return Simd(Level::Avx2);
            }
        }
        Simd(Level::Portable)
    }

    /// The portable instances: the scalar references of the kernels.
    pub fn portable() -> Self {
        Simd(Level::Portable)
    }

    /// The name of the level: `portable`, `avx2` or `avx512`.
    pub fn name(self) -> &'static str {
        match self.0 {
            Level::Portable => "portable",
            Level::Avx2 => "avx2",
            Level::Avx512 => "avx512",
        }
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
        pub fn $name(simd: $crate::simd::Simd, $($arg: $ty),*) $(-> $ret)? {
            #[inline(always)]
            fn body($($arg: $ty),*) $(-> $ret)? $body
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,popcnt")]
            fn avx2($($arg: $ty),*) $(-> $ret)? { body($($arg),*) }
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f,avx512bw,avx2,popcnt")]
            fn avx512($($arg: $ty),*) $(-> $ret)? { body($($arg),*) }
            match simd.0 {
                // SAFETY: the vector levels only come from `Simd::detect`,
                // which checked these features at run time.
                #[cfg(target_arch = "x86_64")]
                $crate::simd::Level::Avx2 => unsafe { avx2($($arg),*) },
                #[cfg(target_arch = "x86_64")]
                $crate::simd::Level::Avx512 => unsafe { avx512($($arg),*) },
                _ => body($($arg),*),
            }
        }
    };
}

pub(crate) use dispatched;
