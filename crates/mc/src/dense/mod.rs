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
//! of [`sweep_chains`]; the blocks and the site-major bytes live in a
//! [`DenseScratch`] the caller keeps, so a call allocates nothing once it has
//! grown. Without those instruction sets the chain-by-chain decision above
//! runs (with `vpopcntq` where there is AVX-512 without BW).
//!
//! Rounding: cached floating-point fields drift from the exact sums by about
//! $\epsilon\sqrt{\text{flips}}$; the driver recomputes them exactly every
//! `refresh_rounds` rounds (an $O(N^2)$ pass), and the energy after every sweep
//! batch from the fields in $O(N)$. The packed storage is exact.

mod aligned;
#[cfg(target_arch = "x86_64")]
mod avx512;
mod float;
mod group;
mod packed;
mod storage;
#[cfg(target_arch = "x86_64")]
mod stream_words;
mod tempering;

pub use aligned::Aligned;
pub use float::{sweep_f32, sweep_f64};
pub use group::{DenseScratch, GroupChain, sweep_chains};
pub use packed::{packed_thresholds, sweep_packed};
pub use storage::{DenseCouplings, DenseFields, DensePrecision, pack_spins};
pub use tempering::{DenseConfig, DenseState, DenseTempering};
