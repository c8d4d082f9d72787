//! The Metropolis decision in bit-sliced arithmetic: the number of
//! unsatisfied bonds of every lane as bit planes, and the flip masks of the
//! shared and independent policies.

use super::MAX_LEVELS;
use super::random::{Levels, Rngs};
use super::word::Word;

/// Full adder: (sum, carry) of three bit-slices.
#[inline(always)]
pub(super) fn full_add<S: Word>(a: S, b: S, c: S) -> (S, S) {
    (S::xor3(a, b, c), S::majority(a, b, c))
}

/// The bit-sliced number of unsatisfied bonds, planes least significant first
/// (planes beyond those needed for `D` are zero).
#[inline(always)]
pub(super) fn count<S: Word, const D: usize>(u: &[S; D]) -> [S; 4] {
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
pub(super) fn cubic_halves<S: Word>(spin: S, v: &[S]) -> [S; 4] {
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
pub(super) fn cubic_shared_flip<S: Word>(halves: [S; 4], r: S, levels: &Levels) -> S {
    let [s1, c1, s2, c2] = halves;
    if S::BLOCKS == 1 && !r.less_than(levels.thresholds[2]).any() {
        return S::majority(c1, c2, s1 | s2);
    }
    let (b1, b2) = full_add(c1, c2, s1 & s2);
    shared_flip::<S, 6>(&[s1 ^ s2, b1, b2, S::splat(0)], r, levels)
}

/// Per level $m$ (lanes with exactly $m$ unsatisfied bonds), the lane mask.
#[inline(always)]
pub(super) fn level_masks<S: Word>(planes: &[S; 4], levels: usize) -> [S; MAX_LEVELS] {
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
pub(super) fn shared_flip<S: Word, const D: usize>(planes: &[S; 4], r: S, levels: &Levels) -> S {
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
pub(super) fn independent_flip<S: Word, const D: usize>(
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
