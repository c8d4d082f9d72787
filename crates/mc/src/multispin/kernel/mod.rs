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
//! When a call sweeps more than once, this path runs in *bond form*
//! (`bonds`): the chain is held as the states of its bonds,
//! $b_i \oplus b_j \oplus a_{ij}$, and its spins, four words per site, so
//! that a site update reads the full adders' inputs directly and a flip
//! toggles them (about 45 instructions instead of 70). Trajectories are
//! the same bit for bit.
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

//!
//! ## Modules
//!
//! * `word`: the `Word` trait and its 64-bit, AVX2 and AVX-512 words;
//! * `random`: [`BlockRng`], the digit stream and per-row uniforms;
//! * `flip`: the bit-sliced count of unsatisfied bonds and the flip masks;
//! * `walk`: the site walks and one sweep of one segment (`sweep_body`);
//! * `bonds`: the portable path's sweeps in bond form on cubic lattices;
//! * this file: the public entry points and the dispatch on width, degree
//!   and chains.

mod bonds;
mod flip;
mod random;
mod walk;
mod word;

use super::{MultispinLayout, RandomPolicy, Segment, Walk, WordWidth};

use random::Levels;
pub use random::{BlockRng, shared_uniform};
use walk::{SpinWords, sweep_body};
#[cfg(target_arch = "x86_64")]
pub(super) use word::x86;
pub(super) use word::{Scalar, Word};

/// Most threshold levels a kernel handles: degrees up to 8 have at most 4
/// levels with $\Delta E > 0$.
pub const MAX_LEVELS: usize = 4;

/// Uniform digits of 16 bits in one 64-bit generator output (shared policy).
pub const DIGITS_PER_WORD: usize = 4;

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
    /// Where to put the chain's unsatisfied-bond counts after the sweeps,
    /// `64 * blocks` of them (those [`unsatisfied_bonds`] gives), if wanted.
    pub unsatisfied: Option<&'a mut [u32]>,
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
    let in_bond_form = bonds::sweeps_in_bond_form(layout, independent, sweeps);
    let mut rest = chains;
    while !rest.is_empty() {
        let k = if in_bond_form {
            1
        } else {
            chains_at_once(layout.degree, rest.len(), width)
        };
        let (group, tail) = rest.split_at_mut(k);
        rest = tail;
        let levels: Vec<Levels> = group
            .iter()
            .map(|c| Levels::new(c.thresholds, layout.levels))
            .collect();
        // The chains in bond form (`bonds`) while they are swept.
        let mut bond_form: Vec<Vec<u64>> = if in_bond_form {
            group
                .iter()
                .map(|c| bonds::bond_form(layout, c.spins))
                .collect()
        } else {
            Vec::new()
        };
        let spins: Vec<SpinWords> = group
            .iter_mut()
            .enumerate()
            .map(|(c, chain)| SpinWords {
                spins: chain.spins.as_mut_ptr(),
                bond_form: bond_form
                    .get_mut(c)
                    .map_or(std::ptr::null_mut(), |b| b.as_mut_ptr()),
            })
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
        drop(slabs);
        for (c, chain) in group.iter_mut().enumerate() {
            if let Some(words) = bond_form.get(c) {
                bonds::spins_from_bond_form(words, chain.spins);
                if let Some(out) = chain.unsatisfied.as_deref_mut() {
                    bonds::unsatisfied_bonds(words, out);
                }
            } else if let Some(out) = chain.unsatisfied.as_deref_mut() {
                unsatisfied_bonds(layout, chain.spins, out, width);
            }
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
        unsatisfied: None,
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
