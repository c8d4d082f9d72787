//! Scalar reference kernels of the multispin sweep: one lane at a time, one
//! `i8` spin at a time, the energy change taken from [`Sample::delta_energy`]
//! (no bit slicing), consuming a block's [`BlockRng`] exactly as the
//! multispin kernel must. The tests hold the two equal bit for bit.

use quench_core::{Sample, Spin};

use super::kernel::{DIGITS_PER_WORD, MAX_LEVELS, metropolis_thresholds, shared_uniform};
use super::{BlockRng, RandomPolicy, Segment, probability_threshold};

/// One Metropolis sweep of the 64 lanes of one block: `samples[l]` and
/// `spins[l]` are lane `l`'s sample and configuration (64 of each), `order`
/// the visiting order, cut into `segments` (see [`Segment`]), and
/// `rngs[s]` the block's generator in slab `s`. The segments are swept in
/// their order, each with its slab's generator.
///
/// [`RandomPolicy::SharedPerSite`]: one uniform $r$ per site, shared by the
/// lanes: a generator output at every fourth site of a segment (the first
/// of each group of [`DIGITS_PER_WORD`], counted from the segment's first
/// site), its 16-bit digits used top first, each made
/// into a 64-bit uniform by [`shared_uniform`] (which draws one more output
/// when the digit ties with the top digit of one of the degree's thresholds);
/// lane $\ell$ flips when $\Delta E \le 0$ or $r < \lfloor 2^{64} e^{-\beta\Delta E}\rfloor$.
/// [`RandomPolicy::IndependentPerLane`]: words are drawn while some lane with
/// $\Delta E > 0$ is undecided; bit $\ell$ of the $k$-th word is bit $63 - k$ of
/// lane $\ell$'s uniform, compared with the same bit of its threshold.
pub fn sweep_block(
    samples: &[Sample],
    spins: &mut [Vec<Spin>],
    order: &[u32],
    segments: &[Segment],
    rngs: &mut [BlockRng],
    beta: f64,
    policy: RandomPolicy,
) {
    // The thresholds of the degree's uphill levels (they decide when a
    // shared uniform needs more than its 16-bit digit).
    let (degree, magnitude) = degree_and_magnitude(samples);
    let levels = metropolis_thresholds(degree, magnitude, beta);
    for segment in segments {
        let visit = &order[segment.positions.clone()];
        sweep_block_with(
            samples,
            spins,
            visit,
            &mut rngs[segment.slab],
            &levels,
            policy,
            |delta| probability_threshold((-beta * delta).exp()),
        );
    }
}

/// [`sweep_block`] with given level thresholds instead of a temperature: a
/// lane whose flip costs $\Delta E = |J|(2d - 4m) > 0$ compares its uniform
/// with `thresholds[m]` (they must not decrease with $m$, as Metropolis
/// thresholds do not). The tests use it to force rare branches of the
/// kernels (such as uniforms that tie with a threshold's top digit).
pub fn sweep_block_with_thresholds(
    samples: &[Sample],
    spins: &mut [Vec<Spin>],
    order: &[u32],
    segments: &[Segment],
    rngs: &mut [BlockRng],
    thresholds: &[u64; MAX_LEVELS],
    policy: RandomPolicy,
) {
    let (degree, magnitude) = degree_and_magnitude(samples);
    for segment in segments {
        let visit = &order[segment.positions.clone()];
        sweep_block_with(
            samples,
            spins,
            visit,
            &mut rngs[segment.slab],
            thresholds,
            policy,
            |delta| {
                let m = (2.0 * degree as f64 - delta / magnitude) / 4.0;
                thresholds[m.round() as usize]
            },
        );
    }
}

fn degree_and_magnitude(samples: &[Sample]) -> (usize, f64) {
    let degree = samples[0].neighbours(0).count();
    let magnitude = samples[0].bonds().map_or(1.0, |b| b[0].coupling.abs());
    (degree, magnitude)
}

/// One segment (`order` its sites) with one generator.
fn sweep_block_with(
    samples: &[Sample],
    spins: &mut [Vec<Spin>],
    order: &[u32],
    rng: &mut BlockRng,
    levels: &[u64; MAX_LEVELS],
    policy: RandomPolicy,
    threshold_of: impl Fn(f64) -> u64,
) {
    assert_eq!(samples.len(), 64);
    assert_eq!(spins.len(), 64);
    let mut thresholds = [0u64; 64];
    let mut uphill = [false; 64];
    let levels = &levels[..degree_and_magnitude(samples).0.div_ceil(2)];
    let mut digits = 0u64;
    for (v, &site) in order.iter().enumerate() {
        let site = site as usize;
        for lane in 0..64 {
            let delta = samples[lane].delta_energy(site, &spins[lane]);
            uphill[lane] = delta > 0.0;
            thresholds[lane] = if delta > 0.0 { threshold_of(delta) } else { 0 };
        }
        let mut flip = [false; 64];
        match policy {
            RandomPolicy::SharedPerSite => {
                if v % DIGITS_PER_WORD == 0 {
                    digits = rng.next_u64();
                }
                let r = shared_uniform(digits, levels, rng);
                digits <<= 16;
                for lane in 0..64 {
                    flip[lane] = !uphill[lane] || r < thresholds[lane];
                }
            }
            RandomPolicy::IndependentPerLane => {
                let mut undecided = uphill;
                for lane in 0..64 {
                    flip[lane] = !uphill[lane];
                }
                for bit in (0..64).rev() {
                    if !undecided.iter().any(|&u| u) {
                        break;
                    }
                    let word = rng.next_u64();
                    for lane in 0..64 {
                        if !undecided[lane] {
                            continue;
                        }
                        let random_bit = (word >> lane) & 1;
                        let threshold_bit = (thresholds[lane] >> bit) & 1;
                        if random_bit != threshold_bit {
                            undecided[lane] = false;
                            flip[lane] = threshold_bit == 1;
                        }
                    }
                }
            }
        }
        for lane in 0..64 {
            if flip[lane] {
                spins[lane][site] = -spins[lane][site];
            }
        }
    }
}
