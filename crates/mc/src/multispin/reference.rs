//! Scalar reference kernels of the multispin sweep: one lane at a time, one
//! `i8` spin at a time, the energy change taken from [`Sample::delta_energy`]
//! (no bit slicing), consuming a block's [`BlockRng`] exactly as the
//! multispin kernel must. The tests hold the two equal bit for bit.

use quench_core::{Sample, Spin};

use super::{BlockRng, RandomPolicy, probability_threshold};

/// One Metropolis sweep of the 64 lanes of one block: `samples[l]` and
/// `spins[l]` are lane `l`'s sample and configuration (64 of each), `order`
/// the visiting order, `rng` the block's generator.
///
/// [`RandomPolicy::SharedPerSite`]: one `u64` per site, shared by the lanes;
/// lane $\ell$ flips when $\Delta E \le 0$ or $r < \lfloor 2^{64} e^{-\beta\Delta E}\rfloor$.
/// [`RandomPolicy::IndependentPerLane`]: words are drawn while some lane with
/// $\Delta E > 0$ is undecided; bit $\ell$ of the $k$-th word is bit $63 - k$ of
/// lane $\ell$'s uniform, compared with the same bit of its threshold.
pub fn sweep_block(
    samples: &[Sample],
    spins: &mut [Vec<Spin>],
    order: &[u32],
    rng: &mut BlockRng,
    beta: f64,
    policy: RandomPolicy,
) {
    assert_eq!(samples.len(), 64);
    assert_eq!(spins.len(), 64);
    let mut thresholds = [0u64; 64];
    let mut uphill = [false; 64];
    for &site in order {
        let site = site as usize;
        for lane in 0..64 {
            let delta = samples[lane].delta_energy(site, &spins[lane]);
            uphill[lane] = delta > 0.0;
            thresholds[lane] = if delta > 0.0 {
                probability_threshold((-beta * delta).exp())
            } else {
                0
            };
        }
        let mut flip = [false; 64];
        match policy {
            RandomPolicy::SharedPerSite => {
                let r = rng.next_u64();
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
