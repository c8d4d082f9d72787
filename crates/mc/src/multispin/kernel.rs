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

/// `V` words of 64 lanes, operated on element-wise.
#[derive(Clone, Copy)]
struct W<const V: usize>([u64; V]);

/// Element-wise map without closures left to the optimiser (`array::from_fn`
/// is not always inlined in the hot loop).
#[inline(always)]
fn map<const V: usize>(f: impl Fn(usize) -> u64) -> W<V> {
    let mut out = [0u64; V];
    let mut l = 0;
    while l < V {
        out[l] = f(l);
        l += 1;
    }
    W(out)
}

impl<const V: usize> W<V> {
    #[inline(always)]
    fn splat(x: u64) -> Self {
        W([x; V])
    }
    #[inline(always)]
    fn load(words: &[u64], at: usize) -> Self {
        let slice = &words[at..at + V];
        map(|l| slice[l])
    }
    #[inline(always)]
    fn store(self, words: &mut [u64], at: usize) {
        words[at..at + V].copy_from_slice(&self.0);
    }
    #[inline(always)]
    fn and_not(self, other: Self) -> Self {
        map(|l| self.0[l] & !other.0[l])
    }
    /// All ones in the words where `self >= threshold` (unsigned), else zero.
    #[inline(always)]
    fn at_least(self, threshold: u64) -> Self {
        map(|l| if self.0[l] >= threshold { !0 } else { 0 })
    }
    /// All ones in the words that are non-zero.
    #[inline(always)]
    fn non_zero(self) -> Self {
        map(|l| if self.0[l] != 0 { !0 } else { 0 })
    }
    #[inline(always)]
    fn any(self) -> bool {
        self.0.iter().fold(0, |a, &b| a | b) != 0
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        map(|l| self.0[l].wrapping_add(other.0[l]))
    }
    #[inline(always)]
    fn shl(self, k: u32) -> Self {
        map(|l| self.0[l] << k)
    }
    #[inline(always)]
    fn rotl(self, k: u32) -> Self {
        map(|l| self.0[l].rotate_left(k))
    }
    /// `self` where `mask` is set, `other` elsewhere.
    #[inline(always)]
    fn select(mask: Self, a: Self, b: Self) -> Self {
        (mask & a) | b.and_not(mask)
    }
}

impl<const V: usize> BitAnd for W<V> {
    type Output = Self;
    #[inline(always)]
    fn bitand(self, o: Self) -> Self {
        map(|l| self.0[l] & o.0[l])
    }
}
impl<const V: usize> BitOr for W<V> {
    type Output = Self;
    #[inline(always)]
    fn bitor(self, o: Self) -> Self {
        map(|l| self.0[l] | o.0[l])
    }
}
impl<const V: usize> BitXor for W<V> {
    type Output = Self;
    #[inline(always)]
    fn bitxor(self, o: Self) -> Self {
        map(|l| self.0[l] ^ o.0[l])
    }
}
impl<const V: usize> Not for W<V> {
    type Output = Self;
    #[inline(always)]
    fn not(self) -> Self {
        map(|l| !self.0[l])
    }
}

/// `V` block generators in structure-of-arrays form.
struct Rngs<const V: usize>([W<V>; 4]);

impl<const V: usize> Rngs<V> {
    #[inline(always)]
    fn load(rngs: &[BlockRng]) -> Self {
        let mut state = [W::splat(0); 4];
        for (k, word) in state.iter_mut().enumerate() {
            *word = map(|l| rngs[l].state[k]);
        }
        Rngs(state)
    }
    #[inline(always)]
    fn store(&self, rngs: &mut [BlockRng]) {
        for (l, rng) in rngs.iter_mut().enumerate().take(V) {
            rng.state = std::array::from_fn(|k| self.0[k].0[l]);
        }
    }
    #[inline(always)]
    fn step(s: [W<V>; 4]) -> (W<V>, [W<V>; 4]) {
        let [mut s0, mut s1, mut s2, mut s3] = s;
        let result = s0.add(s3).rotl(23).add(s0);
        let t = s1.shl(17);
        s2 = s2 ^ s0;
        s3 = s3 ^ s1;
        s1 = s1 ^ s2;
        s0 = s0 ^ s3;
        s2 = s2 ^ t;
        s3 = s3.rotl(45);
        (result, [s0, s1, s2, s3])
    }
    #[inline(always)]
    fn next(&mut self) -> W<V> {
        let (result, state) = Self::step(self.0);
        self.0 = state;
        result
    }
    /// Advances only the blocks where `active` is all ones.
    #[inline(always)]
    fn next_masked(&mut self, active: W<V>) -> W<V> {
        let (result, state) = Self::step(self.0);
        for (old, new) in self.0.iter_mut().zip(state) {
            *old = W::select(active, new, *old);
        }
        result
    }
}

/// Full adder: (sum, carry) of three bit-slices.
#[inline(always)]
fn full_add<const V: usize>(a: W<V>, b: W<V>, c: W<V>) -> (W<V>, W<V>) {
    let t = a ^ b;
    (t ^ c, (a & b) | (t & c))
}

/// The bit-sliced number of unsatisfied bonds, planes least significant first
/// (planes beyond those needed for `D` are zero).
#[inline(always)]
fn count<const V: usize, const D: usize>(u: &[W<V>; D]) -> [W<V>; 4] {
    let zero = W::splat(0);
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
fn level_masks<const V: usize>(planes: &[W<V>; 4], levels: usize) -> [W<V>; MAX_LEVELS] {
    let mut masks = [W::splat(0); MAX_LEVELS];
    for (m, mask) in masks.iter_mut().enumerate().take(levels) {
        let mut eq = W::splat(!0);
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
fn sweep_body<const V: usize, const D: usize, const INDEPENDENT: bool>(
    layout: &MultispinLayout,
    spins: &mut [u64],
    rngs: &mut [BlockRng],
    first: usize,
    thresholds: &[u64; MAX_LEVELS],
) {
    let blocks = layout.blocks;
    let levels = layout.levels;
    let mut rng = Rngs::<V>::load(&rngs[first..first + V]);
    for (v, &site) in layout.visit.iter().enumerate() {
        let neighbours = &layout.visit_neighbours[v * D..(v + 1) * D];
        let bonds = &layout.visit_bonds[v * D..(v + 1) * D];
        let at = site as usize * blocks + first;
        let own = W::<V>::load(spins, at);
        let mut unsatisfied = [W::<V>::splat(0); D];
        for (k, u) in unsatisfied.iter_mut().enumerate() {
            *u = own
                ^ W::load(spins, neighbours[k] as usize * blocks + first)
                ^ W::load(&layout.antiferro, bonds[k] as usize * blocks + first);
        }
        let planes = count::<V, D>(&unsatisfied);
        let eq = level_masks(&planes, levels);
        let reject = if INDEPENDENT {
            let mut undecided = W::splat(0);
            for &e in eq.iter().take(levels) {
                undecided = undecided | e;
            }
            let uphill = undecided;
            let mut accepted = W::splat(0);
            let mut bit = 63;
            while undecided.any() {
                let word = rng.next_masked(undecided.non_zero());
                let mut threshold_bit = W::splat(0);
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
            let mut reject = W::splat(0);
            for m in 0..levels {
                reject = reject | (eq[m] & uniform.at_least(thresholds[m]));
            }
            reject
        };
        (own ^ !reject).store(spins, at);
    }
    rng.store(&mut rngs[first..first + V]);
}

macro_rules! dispatch_degree {
    ($v:literal, $layout:ident, $spins:ident, $rngs:ident, $first:ident, $thr:ident, $ind:ident) => {
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
    dispatch_degree!(1, layout, spins, rngs, first, thresholds, independent)
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
    dispatch_degree!(4, layout, spins, rngs, first, thresholds, independent)
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
    dispatch_degree!(8, layout, spins, rngs, first, thresholds, independent)
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
/// the bonds.
pub fn unsatisfied_bonds(layout: &MultispinLayout, spins: &[u64], out: &mut [u32]) {
    assert_eq!(out.len(), 64 * layout.blocks);
    assert_eq!(spins.len(), layout.sites() * layout.blocks);
    for block in 0..layout.blocks {
        unsatisfied_block(layout, spins, block, &mut out[64 * block..64 * (block + 1)]);
    }
}

fn carry_save(a: u64, b: u64, c: u64) -> (u64, u64) {
    let t = a ^ b;
    ((a & b) | (t & c), t ^ c)
}

fn unsatisfied_block(layout: &MultispinLayout, spins: &[u64], block: usize, out: &mut [u32]) {
    let blocks = layout.blocks;
    let word = |e: usize| -> u64 {
        let [i, j] = layout.bond_ends[e];
        spins[i as usize * blocks + block]
            ^ spins[j as usize * blocks + block]
            ^ layout.antiferro[e * blocks + block]
    };
    let bonds = layout.bond_ends.len();
    let (mut ones, mut twos, mut fours, mut eights) = (0u64, 0u64, 0u64, 0u64);
    let mut high = [0u64; 28];
    let mut e = 0;
    while e < bonds {
        let x: [u64; 16] = std::array::from_fn(|k| if e + k < bonds { word(e + k) } else { 0 });
        e += 16;
        let pair = |ones: &mut u64, a: u64, b: u64| {
            let (carry, sum) = carry_save(*ones, a, b);
            *ones = sum;
            carry
        };
        let mut eights_in = [0u64; 2];
        for (half, eight) in eights_in.iter_mut().enumerate() {
            let y = &x[8 * half..8 * half + 8];
            let two_a = pair(&mut ones, y[0], y[1]);
            let two_b = pair(&mut ones, y[2], y[3]);
            let (four_a, t) = carry_save(twos, two_a, two_b);
            twos = t;
            let two_a = pair(&mut ones, y[4], y[5]);
            let two_b = pair(&mut ones, y[6], y[7]);
            let (four_b, t) = carry_save(twos, two_a, two_b);
            twos = t;
            let (eight_out, f) = carry_save(fours, four_a, four_b);
            fours = f;
            *eight = eight_out;
        }
        let (sixteens, t) = carry_save(eights, eights_in[0], eights_in[1]);
        eights = t;
        let mut carry = sixteens;
        for plane in &mut high {
            if carry == 0 {
                break;
            }
            let next = *plane & carry;
            *plane ^= carry;
            carry = next;
        }
    }
    for (lane, count) in out.iter_mut().enumerate() {
        let bit = |w: u64| ((w >> lane) & 1) as u32;
        let mut total = bit(ones) + 2 * bit(twos) + 4 * bit(fours) + 8 * bit(eights);
        for (p, &plane) in high.iter().enumerate() {
            total += bit(plane) << (4 + p);
        }
        *count = total;
    }
}
