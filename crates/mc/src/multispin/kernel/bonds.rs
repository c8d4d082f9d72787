//! Sweeping in bond form: the portable 64-bit path on cubic lattices.
//!
//! A chain of one block of lanes on a cubic lattice is swept, for the
//! length of one [`super::sweep_chains`] call of at least two sweeps, in a
//! form of its own: per site $i$, four words, the states of its three
//! forward bonds $u_{ij} = b_i \oplus b_j \oplus a_{ij}$ (set where the bond
//! is unsatisfied, $j = i + e_a$) and its spin $b_i$. A site update reads
//! its six bond words, which are the inputs of the two full adders as they
//! stand (no neighbour spins, no couplings, no XORs with them), and a flip
//! toggles them and the spin word: $u_{ij} \mapsto u_{ij} \oplus f_i$ for
//! every bond of $i$. Without three-input logic this cuts a site update
//! from about 70 instructions to about 45 on x86-64, and with four words
//! per site one index register and three row pointers reach every word it
//! touches (the spin form needs nine pointers, which spill).
//!
//! The form is built from the spins and couplings when the call starts
//! ([`bond_form`], one pass over the bonds), and the spins are copied back
//! from it when the call ends ([`spins_from_bond_form`]); the unsatisfied
//! bonds the call returns are counted from it, with no spins or couplings
//! to combine. The decisions, and so the trajectories, are those of the
//! spin form bit for bit: the same count $U$ of unsatisfied bonds, the same
//! uniforms in the same order.
//!
//! Each bond has one end of each colour, so the sites of one colour toggle
//! disjoint sets of bond words: slabs of a colour may run on several
//! threads, as in the spin form.
//!
//! Vector words keep the spin form: with three-input logic
//! $b_i \oplus b_j \oplus a_{ij}$ is one instruction, so the bond form would
//! save nothing per site and add six stores, with twice the memory per
//! chain (and no coupling words shared by two chains).

use super::super::count::count_words;
use super::MultispinLayout;
use super::flip::{cubic_shared_flip, full_add};
use super::random::Levels;
use super::walk::{ROW_UNIFORMS, Sweeper};
use super::word::{Scalar, Word};

/// Whether [`super::sweep_chains`] sweeps the chains of `layout` in bond
/// form: one block of lanes (so 64-bit words, one chain at a time), a
/// cubic lattice of side at most `2 ROW_UNIFORMS`, the shared policy, and
/// at least two sweeps to spread the building of the form over.
pub(super) fn sweeps_in_bond_form(
    layout: &MultispinLayout,
    independent: bool,
    sweeps: u64,
) -> bool {
    let cubic = match layout.walk {
        super::Walk::Lattice { length } => layout.degree == 6 && length <= 2 * ROW_UNIFORMS,
        super::Walk::Table { .. } => false,
    };
    cubic && layout.blocks == 1 && !independent && sweeps >= 2
}

/// Words per site in bond form: the site's three forward bonds, then its spin.
pub(super) const SITE_WORDS: usize = 4;

/// The bond form of one block of spins: for site $i$, words
/// $4i + a = b_i \oplus b_j \oplus a_{ij}$ for its forward bond along
/// $a = 0, 1, 2$ (to $j = i + e_a$) and word $4i + 3 = b_i$.
///
/// # Panics
///
/// If the layout has more than one block, is not a cubic lattice, or
/// `spins` is not one word per site.
pub(super) fn bond_form(layout: &MultispinLayout, spins: &[u64]) -> Vec<u64> {
    assert!(layout.blocks == 1 && layout.degree == 6, "one block, cubic");
    assert_eq!(spins.len(), layout.n, "one spin word per site");
    assert_eq!(
        layout.bond_ends.len(),
        3 * layout.n,
        "bonds (i, i + e_a) at 3 i + a"
    );
    let mut words = Vec::with_capacity(SITE_WORDS * layout.n);
    let sites = layout
        .bond_ends
        .chunks_exact(3)
        .zip(layout.antiferro.chunks_exact(3));
    for (i, (ends, a)) in sites.enumerate() {
        let spin = spins[i];
        debug_assert!(ends.iter().all(|&[k, _]| k as usize == i));
        words.extend([
            spin ^ spins[ends[0][1] as usize] ^ a[0],
            spin ^ spins[ends[1][1] as usize] ^ a[1],
            spin ^ spins[ends[2][1] as usize] ^ a[2],
            spin,
        ]);
    }
    words
}

/// The spins of the bond form `words` back into `spins`.
pub(super) fn spins_from_bond_form(words: &[u64], spins: &mut [u64]) {
    assert_eq!(words.len(), SITE_WORDS * spins.len());
    for (spin, site) in spins.iter_mut().zip(words.chunks_exact(SITE_WORDS)) {
        *spin = site[3];
    }
}

/// The unsatisfied-bond count of every lane (`out`, 64 entries) from the
/// bond form `words`: the count of its bond words alone, with no spins or
/// couplings to combine.
pub(super) fn unsatisfied_bonds(words: &[u64], out: &mut [u32]) {
    assert!(words.len().is_multiple_of(SITE_WORDS), "whole sites");
    assert_eq!(out.len(), 64, "one block");
    // Every word, the spin words (SITE_WORDS i + 3) read as zero: a pattern
    // the unrolled adders fold away.
    count_words::<Scalar>(
        words.len(),
        |e| Scalar(if e % SITE_WORDS == 3 { 0 } else { words[e] }),
        0,
        out,
    );
}

/// The portable row loop ([`super::walk`]'s `cubic_scalar_row`) in bond
/// form: the sweeper's `couplings` are the chain's bond-form words, the row
/// starts at site `first` and its backward neighbour rows along axes 1 and
/// 2 at sites `backward`. The row's uniforms are drawn first, in visiting
/// order, exactly as the spin form draws them.
///
/// With four words per site, one index register reaches every word a site
/// update touches from three row pointers: its own words and its backward
/// $x_0$ bond (the previous site's forward one) from the row's, its
/// backward bonds along axes 1 and 2 from the neighbour rows'.
///
/// # Safety
/// The sweeper's `couplings` must address the writable bond form of a
/// cubic lattice of side `l <= 2 ROW_UNIFORMS` with `first` and `backward`
/// rows of it; `S::BLOCKS == 1`.
#[inline(always)]
pub(super) unsafe fn cubic_bond_row<S: Word, const INDEPENDENT: bool, const K: usize>(
    sweeper: &mut Sweeper<'_, S, INDEPENDENT, K>,
    first: usize,
    backward: [usize; 2],
    l: usize,
    even: bool,
) {
    debug_assert!(K == 1 && S::BLOCKS == 1 && l <= 2 * ROW_UNIFORMS);
    // Indexed like the site words (4 x0, every second site used), so that a
    // site's uniform shares their index register.
    let mut uniforms =
        [const { std::mem::MaybeUninit::<S>::uninit() }; 2 * SITE_WORDS * ROW_UNIFORMS];
    let (rng, levels) = (&mut sweeper.rng[0], sweeper.levels[0]);
    let odd = usize::from(!even);
    sweeper.uniforms[0].take_many(rng, levels, 3, l / 2, |k, r| {
        uniforms[SITE_WORDS * (2 * k + odd)].write(r);
    });
    let uniforms = uniforms.as_ptr().cast::<S>();
    let base = sweeper.couplings.cast_mut();
    let row = base.wrapping_add(SITE_WORDS * first);
    // Backward bond along axis a of site x: forward bond a of the backward
    // row's site x.
    let back = [
        base.wrapping_add(SITE_WORDS * backward[0] + 1),
        base.wrapping_add(SITE_WORDS * backward[1] + 2),
    ];
    /// Updates the site whose words start at `row + i` (`i` = 4 x), its
    /// previous site's at `row + previous`.
    ///
    /// # Safety
    /// As for `cubic_bond_row`; `r` is the site's uniform.
    #[inline(always)]
    unsafe fn site<S: Word>(
        (row, back): (*mut u64, [*mut u64; 2]),
        levels: &Levels,
        r: S,
        i: usize,
        previous: usize,
    ) {
        // SAFETY: words of the row's site and of its six bonds, the
        // caller's guarantee.
        unsafe {
            let words = [
                row.add(i),
                row.add(previous),
                row.add(i + 1),
                back[0].add(i),
                row.add(i + 2),
                back[1].add(i),
            ];
            let u = words.map(|p| S::read(p));
            let (s1, c1) = full_add(u[0], u[1], u[2]);
            let (s2, c2) = full_add(u[3], u[4], u[5]);
            let flip = cubic_shared_flip([s1, c1, s2, c2], r, levels);
            // Read again rather than kept: fewer live registers, and the
            // toggles become read-modify-write instructions.
            let toggle = |p: *mut u64| (S::read(p) ^ flip).write(p);
            toggle(words[0]);
            toggle(words[1]);
            toggle(words[2]);
            toggle(words[3]);
            toggle(words[4]);
            toggle(words[5]);
            toggle(row.add(i + 3));
        }
    }
    let pointers = (row, back);
    let last = SITE_WORDS * (l - 1);
    // SAFETY: forwarded from the caller; the uniform of every site of the
    // row's colour was written above.
    unsafe {
        if even {
            site::<S>(pointers, levels, uniforms.read(), 0, last);
            for i in (2 * SITE_WORDS..SITE_WORDS * l).step_by(2 * SITE_WORDS) {
                site::<S>(pointers, levels, uniforms.add(i).read(), i, i - SITE_WORDS);
            }
        } else {
            for i in (SITE_WORDS..last).step_by(2 * SITE_WORDS) {
                site::<S>(pointers, levels, uniforms.add(i).read(), i, i - SITE_WORDS);
            }
            site::<S>(
                pointers,
                levels,
                uniforms.add(last).read(),
                last,
                last - SITE_WORDS,
            );
        }
    }
}
