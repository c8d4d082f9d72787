//! The sweep and the energies of one group of 16 lanes, portable and AVX-512.
//!
//! Both paths perform, lane by lane, the same `f32` and `f64` operations in
//! the same order (see [`super::exp`]), so they give the same bits.

use super::exp::{self, BAND, EXP_FLOOR, LN2_HI, LN2_LO, LOG2_E, ROUND, TAYLOR, TWO_32};
use super::{BLOCK, FloatLaneLayout, LANES, LaneInstructions};

/// One chain of a group: its spin words ([`FloatLaneLayout`]'s `n + 1`
/// per group), its generators, and $c = \mathrm{f32}(-2\beta)$.
pub struct LaneChain<'a> {
    /// Spin bits by site, the fixed spin last (always 0).
    pub spins: &'a mut [u16],
    /// The 16 lanes' generators ([`super::LaneRng::state`]).
    pub rng: &'a mut [u32],
    /// $-2\beta$ rounded to `f32`.
    pub factor: f32,
}

/// `count` sweeps of every chain of group `group`: colour by colour, block
/// by block of [`BLOCK`] sites, every chain sweeping the block before the
/// next one (so the block's couplings are read from memory once).
pub fn sweep_group(
    layout: &FloatLaneLayout,
    group: usize,
    chains: &mut [LaneChain<'_>],
    count: u64,
    instructions: LaneInstructions,
) {
    let couplings = layout.group_couplings(group);
    for _ in 0..count {
        for colour in layout.colours.windows(2) {
            let mut start = colour[0];
            while start < colour[1] {
                let end = (start + BLOCK).min(colour[1]);
                for chain in chains.iter_mut() {
                    match instructions {
                        #[cfg(target_arch = "x86_64")]
                        LaneInstructions::Avx512 => {
                            assert!(LaneInstructions::Avx512.is_available());
                            // SAFETY: the CPU has the features (checked above).
                            unsafe { avx512::sweep_block(layout, couplings, chain, start..end) }
                        }
                        #[cfg(target_arch = "x86_64")]
                        LaneInstructions::Avx2 => {
                            assert!(LaneInstructions::Avx2.is_available());
                            // SAFETY: the CPU has the feature (checked above).
                            unsafe { sweep_block_avx2(layout, couplings, chain, start..end) }
                        }
                        _ => sweep_block_portable(layout, couplings, chain, start..end),
                    }
                }
                start = end;
            }
        }
    }
}

/// One pass over visiting positions `positions` of one chain, written lane
/// by lane over arrays of 16 so that the compiler vectorises it (SSE2 or
/// NEON in the portable build, AVX2 in [`sweep_block_avx2`]); every lane
/// performs the operations of [`exp::accepts`] in the same order (its
/// band decision, then the exact one for the lanes inside the band).
pub fn sweep_block_portable(
    layout: &FloatLaneLayout,
    couplings: &[f32],
    chain: &mut LaneChain<'_>,
    positions: std::ops::Range<usize>,
) {
    sweep_block_lanes(layout, couplings, chain, positions);
}

/// [`sweep_block_portable`] compiled for AVX2.
///
/// # Safety
///
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub unsafe fn sweep_block_avx2(
    layout: &FloatLaneLayout,
    couplings: &[f32],
    chain: &mut LaneChain<'_>,
    positions: std::ops::Range<usize>,
) {
    sweep_block_lanes(layout, couplings, chain, positions);
}

#[inline(always)]
fn sweep_block_lanes(
    layout: &FloatLaneLayout,
    couplings: &[f32],
    chain: &mut LaneChain<'_>,
    positions: std::ops::Range<usize>,
) {
    let slots = layout.slots;
    let mut state = [[0u32; LANES]; 4];
    for (w, words) in state.iter_mut().enumerate() {
        words.copy_from_slice(&chain.rng[w * LANES..(w + 1) * LANES]);
    }
    let factor = chain.factor;
    for v in positions {
        let site = layout.visit[v] as usize;
        let own = chain.spins[site];
        let mut x = [0.0f32; LANES];
        for k in 0..slots {
            let slot = v * slots + k;
            let differ = u32::from(own ^ chain.spins[layout.neighbours[slot] as usize]);
            let values: &[f32; LANES] = couplings[slot * LANES..(slot + 1) * LANES]
                .try_into()
                .expect("a slot holds 16 lanes");
            for lane in 0..LANES {
                let sign = ((differ >> lane) & 1) << 31;
                x[lane] += f32::from_bits(values[lane].to_bits() ^ sign);
            }
        }
        // xoshiro128++, lane by lane.
        let mut uniform = [0u32; LANES];
        for lane in 0..LANES {
            let [s0, s1, s2, s3] = [0, 1, 2, 3].map(|w| state[w][lane]);
            uniform[lane] = s0.wrapping_add(s3).rotate_left(7).wrapping_add(s0);
            let t = s1 << 9;
            let s2 = s2 ^ s0;
            let s3 = s3 ^ s1;
            state[1][lane] = s1 ^ s2;
            state[0][lane] = s0 ^ s3;
            state[2][lane] = s2 ^ t;
            state[3][lane] = s3.rotate_left(11);
        }
        let (mut flip, mut undecided) = (0u16, 0u16);
        let mut y = [0.0f32; LANES];
        for lane in 0..LANES {
            let product = x[lane] * factor;
            y[lane] = if product < 0.0 { product } else { 0.0 };
            let (accept, reject) = exp::decide_outside_band(y[lane], uniform[lane]);
            flip |= u16::from(accept) << lane;
            undecided |= u16::from(!accept && !reject) << lane;
        }
        if undecided != 0 {
            for lane in 0..LANES {
                if (undecided >> lane) & 1 == 1 && exp::accepts_exactly(y[lane], uniform[lane]) {
                    flip |= 1 << lane;
                }
            }
        }
        chain.spins[site] ^= flip;
    }
    for (w, words) in state.iter().enumerate() {
        chain.rng[w * LANES..(w + 1) * LANES].copy_from_slice(words);
    }
}

/// The energies $H = -\sum_i \sum_k w_k J_{ik} s_i s_k$ of the 16 lanes of
/// one chain of group `group` (per site in `f32`, over sites in `f64`).
pub fn energies(
    layout: &FloatLaneLayout,
    group: usize,
    spins: &[u16],
    instructions: LaneInstructions,
) -> [f64; LANES] {
    let couplings = layout.group_couplings(group);
    match instructions {
        #[cfg(target_arch = "x86_64")]
        LaneInstructions::Avx512 => {
            assert!(LaneInstructions::Avx512.is_available());
            // SAFETY: the CPU has the features (checked above).
            unsafe { avx512::energies(layout, couplings, spins) }
        }
        _ => energies_portable(layout, couplings, spins),
    }
}

fn energies_portable(layout: &FloatLaneLayout, couplings: &[f32], spins: &[u16]) -> [f64; LANES] {
    let slots = layout.slots;
    let mut total = [0.0f64; LANES];
    for (v, &site) in layout.visit.iter().enumerate() {
        let own = spins[site as usize];
        let mut e = [0.0f32; LANES];
        for k in 0..slots {
            let slot = v * slots + k;
            let differ = own ^ spins[layout.neighbours[slot] as usize];
            let weight = layout.weights[slot];
            let values = &couplings[slot * LANES..(slot + 1) * LANES];
            for (lane, (e, &value)) in e.iter_mut().zip(values).enumerate() {
                let term = value * weight;
                *e += if (differ >> lane) & 1 == 1 {
                    -term
                } else {
                    term
                };
            }
        }
        for (total, &e) in total.iter_mut().zip(&e) {
            *total -= f64::from(e);
        }
    }
    total
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::*;

    /// [`super::sweep_block_portable`] with 16 lanes per instruction. On a
    /// checkerboard the sites of a block are of one colour and do not
    /// interact, so they are taken two at a time: the two updates are
    /// independent chains of about 170 cycles of latency (the sum, the
    /// exponential, the comparison) that the core overlaps, where one site at
    /// a time left it waiting. The generators still advance site by site in
    /// visiting order, so the result is the same.
    ///
    /// # Safety
    ///
    /// The CPU must support AVX-512 F, BW, DQ and VL.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    pub(super) unsafe fn sweep_block(
        layout: &FloatLaneLayout,
        couplings: &[f32],
        chain: &mut LaneChain<'_>,
        positions: std::ops::Range<usize>,
    ) {
        let slots = layout.slots;
        assert!(chain.rng.len() >= 4 * LANES);
        assert!(couplings.len() >= positions.end * slots * LANES);
        assert!(chain.spins.len() > layout.n);
        assert!(layout.visit.len() >= positions.end);
        assert!(layout.neighbours.len() >= positions.end * slots);
        let rng = chain.rng.as_mut_ptr();
        let spins = chain.spins.as_mut_ptr();
        let values = couplings.as_ptr();
        // SAFETY: the generator holds 4 * 16 words (asserted); unaligned loads.
        let mut state = unsafe {
            [
                _mm512_loadu_si512(rng.cast()),
                _mm512_loadu_si512(rng.add(LANES).cast()),
                _mm512_loadu_si512(rng.add(2 * LANES).cast()),
                _mm512_loadu_si512(rng.add(3 * LANES).cast()),
            ]
        };
        let sign = _mm512_castsi512_ps(_mm512_set1_epi32(i32::MIN));
        let factor = _mm512_set1_ps(chain.factor);
        let zero = _mm512_setzero_ps();
        // The site at position `v`, its spin word and $y = \min(c x, 0)$
        // (macros rather than closures, which the compiler did not inline).
        // Its reads are unchecked: callers pass positions below
        // `positions.end`, so sites are < n, neighbours <= n and slots within
        // the couplings (all asserted above).
        macro_rules! energy_change {
            ($v:expr) => {{
                let v: usize = $v;
                let site = *layout.visit.get_unchecked(v) as usize;
                let own = *spins.add(site);
                let mut x = zero;
                for k in 0..slots {
                    let slot = v * slots + k;
                    let neighbour = *layout.neighbours.get_unchecked(slot) as usize;
                    let differ: __mmask16 = own ^ *spins.add(neighbour);
                    let j = _mm512_loadu_ps(values.add(slot * LANES));
                    x = _mm512_add_ps(x, _mm512_mask_xor_ps(j, differ, j, sign));
                }
                (site, own, _mm512_min_ps(_mm512_mul_ps(x, factor), zero))
            }};
        }
        // xoshiro128++ on 16 lanes.
        macro_rules! draw {
            () => {{
                let [s0, s1, s2, s3] = state;
                let k = _mm512_add_epi32(_mm512_rol_epi32::<7>(_mm512_add_epi32(s0, s3)), s0);
                let t = _mm512_slli_epi32::<9>(s1);
                let s2 = _mm512_xor_si512(s2, s0);
                let s3 = _mm512_xor_si512(s3, s1);
                let s1 = _mm512_xor_si512(s1, s2);
                let s0 = _mm512_xor_si512(s0, s3);
                state = [s0, s1, _mm512_xor_si512(s2, t), _mm512_rol_epi32::<11>(s3)];
                k
            }};
        }
        // The accepted lanes, as `exp::accepts` decides them.
        macro_rules! decide {
            ($y:expr, $k:expr) => {{
                let (y, k): (__m512, __m512i) = ($y, $k);
                // The exponential, as `exp::exp_portable`.
                let yc = _mm512_max_ps(y, _mm512_set1_ps(EXP_FLOOR));
                let round = _mm512_set1_ps(ROUND);
                let n = _mm512_sub_ps(
                    _mm512_add_ps(_mm512_mul_ps(yc, _mm512_set1_ps(LOG2_E)), round),
                    round,
                );
                let r = _mm512_sub_ps(
                    _mm512_sub_ps(yc, _mm512_mul_ps(n, _mm512_set1_ps(LN2_HI))),
                    _mm512_mul_ps(n, _mm512_set1_ps(LN2_LO)),
                );
                let mut p = _mm512_set1_ps(TAYLOR[0]);
                for &c in &TAYLOR[1..] {
                    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(c));
                }
                let scale = _mm512_castsi512_ps(_mm512_slli_epi32::<23>(_mm512_add_epi32(
                    _mm512_cvtps_epi32(n),
                    _mm512_set1_epi32(127),
                )));
                let threshold = _mm512_mul_ps(_mm512_mul_ps(p, scale), _mm512_set1_ps(TWO_32));
                let kf = _mm512_cvtepu32_ps(k);
                let accept = _mm512_cmp_ps_mask::<_CMP_EQ_OQ>(y, zero)
                    | _mm512_cmp_ps_mask::<_CMP_LT_OQ>(
                        kf,
                        _mm512_mul_ps(threshold, _mm512_set1_ps(1.0 - BAND)),
                    );
                let reject = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(
                    kf,
                    _mm512_mul_ps(threshold, _mm512_set1_ps(1.0 + BAND)),
                );
                let mut flip = accept;
                let undecided = !accept & !reject;
                if undecided != 0 {
                    let (mut ys, mut ks) = ([0.0f32; LANES], [0u32; LANES]);
                    // SAFETY: 16 lanes into arrays of 16.
                    unsafe {
                        _mm512_storeu_ps(ys.as_mut_ptr(), y);
                        _mm512_storeu_si512(ks.as_mut_ptr().cast(), k);
                    }
                    for lane in 0..LANES {
                        if (undecided >> lane) & 1 == 1 && exp::accepts_exactly(ys[lane], ks[lane])
                        {
                            flip |= 1 << lane;
                        }
                    }
                }
                flip
            }};
        }
        let paired = layout.colours.len() == 3;
        let mut v = positions.start;
        while v < positions.end {
            if paired && v + 1 < positions.end {
                // SAFETY: positions below `positions.end` (see the macro).
                let (site_a, own_a, y_a) = unsafe { energy_change!(v) };
                let (site_b, own_b, y_b) = unsafe { energy_change!(v + 1) };
                let k_a = draw!();
                let k_b = draw!();
                let flip_a = decide!(y_a, k_a);
                let flip_b = decide!(y_b, k_b);
                // SAFETY: sites are < n (asserted).
                unsafe {
                    *spins.add(site_a) = own_a ^ flip_a;
                    *spins.add(site_b) = own_b ^ flip_b;
                }
                v += 2;
            } else {
                // SAFETY: as above.
                let (site, own, y) = unsafe { energy_change!(v) };
                let k = draw!();
                let flip = decide!(y, k);
                // SAFETY: as above.
                unsafe { *spins.add(site) = own ^ flip };
                v += 1;
            }
        }
        // SAFETY: as for the loads.
        unsafe {
            _mm512_storeu_si512(rng.cast(), state[0]);
            _mm512_storeu_si512(rng.add(LANES).cast(), state[1]);
            _mm512_storeu_si512(rng.add(2 * LANES).cast(), state[2]);
            _mm512_storeu_si512(rng.add(3 * LANES).cast(), state[3]);
        }
    }

    /// [`super::energies_portable`] with 16 lanes per instruction.
    ///
    /// # Safety
    ///
    /// The CPU must support AVX-512 F, BW, DQ and VL.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    pub(super) unsafe fn energies(
        layout: &FloatLaneLayout,
        couplings: &[f32],
        spins: &[u16],
    ) -> [f64; LANES] {
        let slots = layout.slots;
        assert!(couplings.len() >= layout.n * slots * LANES);
        assert!(spins.len() > layout.n);
        let sign = _mm512_castsi512_ps(_mm512_set1_epi32(i32::MIN));
        let (mut low, mut high) = (_mm512_setzero_pd(), _mm512_setzero_pd());
        for (v, &site) in layout.visit.iter().enumerate() {
            // SAFETY: indices within the asserted lengths, as in the sweep.
            unsafe {
                let own = *spins.get_unchecked(site as usize);
                let mut e = _mm512_setzero_ps();
                for k in 0..slots {
                    let slot = v * slots + k;
                    let neighbour = *layout.neighbours.get_unchecked(slot) as usize;
                    let differ: __mmask16 = own ^ *spins.get_unchecked(neighbour);
                    let term = _mm512_mul_ps(
                        _mm512_loadu_ps(couplings.as_ptr().add(slot * LANES)),
                        _mm512_set1_ps(*layout.weights.get_unchecked(slot)),
                    );
                    e = _mm512_add_ps(e, _mm512_mask_xor_ps(term, differ, term, sign));
                }
                low = _mm512_sub_pd(low, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
                high = _mm512_sub_pd(
                    high,
                    _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd::<1>(
                        _mm512_castps_pd(e),
                    ))),
                );
            }
        }
        let mut total = [0.0f64; LANES];
        // SAFETY: 16 f64 in two stores of 8.
        unsafe {
            _mm512_storeu_pd(total.as_mut_ptr(), low);
            _mm512_storeu_pd(total.as_mut_ptr().add(8), high);
        }
        total
    }
}
