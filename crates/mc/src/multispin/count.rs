//! Bit-sliced population counts: for every lane at once, how many of a list
//! of words have the lane's bit set.
//!
//! A run's measurements are such counts. With $b^a_i$ the spin bit of site
//! $i$ in replica $a$ (1 for $s = -1$) and $x_i = b^a_i \oplus b^b_i$ (1 where
//! the replicas disagree), for each lane
//!
//! * $m = (N - 2c)/N$ with $c = \\#\\{i : b_i = 1\\}$ ([`LaneCount::DownSpins`]);
//! * $q_{ab} = (N - 2c)/N$ with $c = \\#\\{i : x_i = 1\\}$ ([`LaneCount::Differences`]);
//! * $q_\ell = (N_b - 2c)/N_b$ with $c = \\#\\{(ij) : x_i \oplus x_j = 1\\}$, since
//!   $s^a_is^a_js^b_is^b_j = -1$ exactly when $x_i \ne x_j$ ([`LaneCount::LinkDifferences`]);
//! * the plane sums $W_p = |P| - 2c$ of the Fourier overlap with $c$ counted over
//!   the sites of the plane $P$ ([`LaneCount::DifferencesAt`]);
//! * the energy, from the unsatisfied bonds $u_{ij} = b_i \oplus b_j \oplus a_{ij}$
//!   ([`LaneCount::UnsatisfiedBonds`]).
//!
//! Each is an exact integer, so the values equal bit for bit those computed
//! lane by lane from unpacked spins. The words are added in carry-save form
//! (Harley–Seal): sixteen words cost fifteen full adders, two three-input
//! operations each on AVX-512, into the planes ones, twos, fours, eights;
//! the sixteens ripple into higher planes, rarely more than one step. The
//! planes are transposed into per-lane counts once at the end. One word of
//! `S::BLOCKS` blocks counts 64, 256 or 512 lanes per operation.

use super::kernel::{Scalar, Word};
use super::{MultispinLayout, WordWidth};

#[cfg(target_arch = "x86_64")]
use super::kernel::x86;

/// What to count, lane by lane; buffers hold `sites * blocks` words of a
/// [`MultispinLayout`] (site-major, bit 1 = spin $-1$).
#[derive(Debug, Clone, Copy)]
pub enum LaneCount<'a> {
    /// Bonds unsatisfied in one configuration.
    UnsatisfiedBonds(&'a [u64]),
    /// Sites with spin $-1$.
    DownSpins(&'a [u64]),
    /// Sites where two configurations differ.
    Differences(&'a [u64], &'a [u64]),
    /// Sites among `sites` where two configurations differ.
    DifferencesAt {
        /// One configuration.
        a: &'a [u64],
        /// The other.
        b: &'a [u64],
        /// The sites counted (each below $N$).
        sites: &'a [u32],
    },
    /// Bonds $(ij)$ with $s^a_is^a_js^b_is^b_j = -1$.
    LinkDifferences(&'a [u64], &'a [u64]),
}

/// The count of every lane (`out[lane]`, `64 * blocks` entries, padding
/// lanes included), `width` blocks at a time.
///
/// # Panics
///
/// If `width` is not available on this CPU ([`WordWidth::is_available`]),
/// a buffer has the wrong length or a site is out of range.
pub fn count_lanes(
    layout: &MultispinLayout,
    what: LaneCount<'_>,
    width: WordWidth,
    out: &mut [u32],
) {
    assert!(
        width.is_available(),
        "{width:?} is not available on this CPU"
    );
    assert_eq!(out.len(), 64 * layout.blocks, "one count per lane");
    let words = layout.n * layout.blocks;
    match what {
        LaneCount::UnsatisfiedBonds(s) | LaneCount::DownSpins(s) => {
            assert_eq!(s.len(), words, "a configuration of the layout")
        }
        LaneCount::Differences(a, b) | LaneCount::LinkDifferences(a, b) => {
            assert!(
                a.len() == words && b.len() == words,
                "configurations of the layout"
            )
        }
        LaneCount::DifferencesAt { a, b, sites } => {
            assert!(
                a.len() == words && b.len() == words,
                "configurations of the layout"
            );
            assert!(
                sites.iter().all(|&i| (i as usize) < layout.n),
                "sites of the layout"
            );
        }
    }
    let mut first = 0;
    while first < layout.blocks {
        let remaining = layout.blocks - first;
        #[cfg(target_arch = "x86_64")]
        {
            if width == WordWidth::Bits512 && remaining >= 8 {
                // SAFETY: AVX-512F/VL/BW availability was checked by `is_available`.
                unsafe { count_512(layout, what, first, out) };
                first += 8;
                continue;
            }
            if width != WordWidth::Bits64 && remaining >= 4 {
                // SAFETY: AVX2 is implied by the width being available.
                unsafe { count_256(layout, what, first, out) };
                first += 4;
                continue;
            }
        }
        let _ = remaining;
        count_block::<Scalar>(layout, what, first, out);
        first += 1;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn count_256(layout: &MultispinLayout, what: LaneCount<'_>, first: usize, out: &mut [u32]) {
    count_block::<x86::Avx2>(layout, what, first, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx512bw,avx2")]
fn count_512(layout: &MultispinLayout, what: LaneCount<'_>, first: usize, out: &mut [u32]) {
    count_block::<x86::Avx512>(layout, what, first, out)
}

/// Blocks `first..first + S::BLOCKS` of the count (lengths and sites checked
/// by [`count_lanes`]).
#[inline(always)]
fn count_block<S: Word>(
    layout: &MultispinLayout,
    what: LaneCount<'_>,
    first: usize,
    out: &mut [u32],
) {
    let w = layout.blocks;
    assert!(first + S::BLOCKS <= w);
    let bonds = &layout.bond_ends;
    // SAFETY: `count_lanes` checked that every buffer holds `n * w` words and
    // every site is below n; `first + S::BLOCKS <= w`.
    let at = |buffer: &[u64], site: u32| unsafe {
        S::read(buffer.as_ptr().add(site as usize * w + first))
    };
    match what {
        LaneCount::UnsatisfiedBonds(s) => {
            assert_eq!(layout.antiferro.len(), bonds.len() * w);
            count_words::<S>(
                bonds.len(),
                |e| {
                    let [i, j] = bonds[e];
                    // SAFETY: the coupling words cover every bond.
                    let a = unsafe { S::read(layout.antiferro.as_ptr().add(e * w + first)) };
                    S::xor3(at(s, i), at(s, j), a)
                },
                first,
                out,
            )
        }
        LaneCount::DownSpins(s) => count_words::<S>(layout.n, |i| at(s, i as u32), first, out),
        LaneCount::Differences(a, b) => {
            count_words::<S>(layout.n, |i| at(a, i as u32) ^ at(b, i as u32), first, out)
        }
        LaneCount::DifferencesAt { a, b, sites } => count_words::<S>(
            sites.len(),
            |k| at(a, sites[k]) ^ at(b, sites[k]),
            first,
            out,
        ),
        LaneCount::LinkDifferences(a, b) => count_words::<S>(
            bonds.len(),
            |e| {
                let [i, j] = bonds[e];
                S::xor3(at(a, i) ^ at(b, i), at(a, j), at(b, j))
            },
            first,
            out,
        ),
    }
}

#[inline(always)]
fn carry_save<S: Word>(a: S, b: S, c: S) -> (S, S) {
    (S::majority(a, b, c), S::xor3(a, b, c))
}

/// The counts of `word(0), …, word(items - 1)` into lanes
/// `64 * first..64 * (first + S::BLOCKS)` of `out`.
#[inline(always)]
pub(super) fn count_words<S: Word>(
    items: usize,
    word: impl Fn(usize) -> S,
    first: usize,
    out: &mut [u32],
) {
    let zero = S::splat(0);
    let word = |e: usize| if e < items { word(e) } else { zero };
    let (mut ones, mut twos, mut fours, mut eights) = (zero, zero, zero, zero);
    let mut high = [zero; 28];
    let mut used = 0;
    let mut e = 0;
    while e < items {
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
        for (p, plane) in high.iter_mut().enumerate() {
            if !carry.any() {
                break;
            }
            let next = *plane & carry;
            *plane = *plane ^ carry;
            carry = next;
            used = used.max(p + 1);
        }
    }
    // All planes as plain words: planes[p][b] is plane p of block b.
    let mut planes = [[0u64; 8]; 32];
    for (p, plane) in [ones, twos, fours, eights]
        .iter()
        .chain(&high[..used])
        .enumerate()
    {
        // SAFETY: a row of `planes` holds 8 >= S::BLOCKS words.
        unsafe { plane.write(planes[p].as_mut_ptr()) };
    }
    let planes = &planes[..4 + used];
    for b in 0..S::BLOCKS {
        let counts = &mut out[64 * (first + b)..64 * (first + b + 1)];
        counts.fill(0);
        for (p, words) in planes.iter().enumerate() {
            // Add 2^p to the lanes whose bit is set in plane p.
            let mut bits = words[b];
            while bits != 0 {
                counts[bits.trailing_zeros() as usize] += 1 << p;
                bits &= bits - 1;
            }
        }
    }
}
