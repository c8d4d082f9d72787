//! The measurements of every lane of a float-lane state at once, counted
//! from the spin bits ([`FloatLaneTempering::lane_values`]).

use quench_core::observables::MinimumWavevectorPhases;
use rayon::prelude::*;

use super::{FloatLaneState, FloatLaneTempering, LANES};
use crate::measure::{ChainValues, PairValues, SlotValues};

/// `SPREAD[b]` has byte $k$ equal to bit $k$ of `b`.
const SPREAD: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut k = 0;
        while k < 8 {
            table[b] |= (((b >> k) & 1) as u64) << (8 * k);
            k += 1;
        }
        b += 1;
    }
    table
};

/// Per lane, how many of `words` have the lane's bit set: byte-wide
/// counters, eight lanes in a `u64`, emptied every 255 words.
fn count(words: impl Iterator<Item = u16>) -> [u32; LANES] {
    let mut counts = [0u32; LANES];
    let (mut low, mut high, mut pending) = (0u64, 0u64, 0);
    let mut flush = |low: &mut u64, high: &mut u64| {
        for k in 0..8 {
            counts[k] += ((*low >> (8 * k)) & 0xff) as u32;
            counts[8 + k] += ((*high >> (8 * k)) & 0xff) as u32;
        }
        (*low, *high) = (0, 0);
    };
    for word in words {
        low += SPREAD[usize::from(word & 0xff)];
        high += SPREAD[usize::from(word >> 8)];
        pending += 1;
        if pending == 255 {
            flush(&mut low, &mut high);
            pending = 0;
        }
    }
    flush(&mut low, &mut high);
    counts
}

/// $(t - 2c)/t$: the mean of $t$ values $\pm 1$ of which $c$ are $-1$.
fn mean(c: u32, total: usize) -> f64 {
    if total == 0 {
        return 0.0;
    }
    (total as i64 - 2 * i64::from(c)) as f64 / total as f64
}

impl FloatLaneTempering {
    /// `values[lane][slot]` for the real lanes of `state`: energies from
    /// the kernel, the field part $-\sum_i h_i s_i$ (in `f64` from the
    /// `f32` fields), magnetisations, overlaps, link overlaps and (with
    /// `phases`, the shared lattice's table) the Fourier overlap, counted
    /// per lane from the spin bits: the values [`SlotValues::of_state`]
    /// gives for the lane's snapshot.
    pub fn lane_values(
        &self,
        state: &FloatLaneState,
        phases: Option<&MinimumWavevectorPhases>,
    ) -> Vec<Vec<SlotValues>> {
        let layout = self.layout();
        let (slots, replicas, n) = (self.betas().len(), self.config().replicas, layout.n);
        let bonds = layout.bond_count();
        let groups: Vec<Vec<Vec<SlotValues>>> = state
            .groups
            .par_iter()
            .enumerate()
            .map(|(g, chains)| {
                let couplings = layout.group_couplings(g);
                let spins = |r: usize, slot: usize| &chains[r * slots + slot].spins[..n];
                let field_energy = |words: &[u16]| -> [f64; LANES] {
                    let mut total = [0.0f64; LANES];
                    if !layout.field {
                        return total;
                    }
                    let last = layout.slots - 1;
                    for (v, &site) in layout.visit.iter().enumerate() {
                        let word = words[site as usize];
                        let values = &couplings[(v * layout.slots + last) * LANES..][..LANES];
                        for (lane, (t, &h)) in total.iter_mut().zip(values).enumerate() {
                            let s = if (word >> lane) & 1 == 1 { -1.0 } else { 1.0 };
                            *t -= f64::from(h) * s;
                        }
                    }
                    total
                };
                let per_slot: Vec<SlotPart> = (0..slots)
                    .map(|slot| {
                        let chains_values: Vec<([u32; LANES], [f64; LANES], [f64; LANES])> = (0
                            ..replicas)
                            .map(|r| {
                                let words = spins(r, slot);
                                let energies: [f64; LANES] =
                                    std::array::from_fn(|l| chains[r * slots + slot].energies[l]);
                                (count(words.iter().copied()), energies, field_energy(words))
                            })
                            .collect();
                        let mut pairs = Vec::new();
                        for a in 0..replicas {
                            for b in a + 1..replicas {
                                let (sa, sb) = (spins(a, slot), spins(b, slot));
                                let sites = count(sa.iter().zip(sb).map(|(x, y)| x ^ y));
                                let links = count(layout.bond_ends.iter().map(|&[i, j]| {
                                    let (i, j) = (i as usize, j as usize);
                                    (sa[i] ^ sa[j]) ^ (sb[i] ^ sb[j])
                                }));
                                let planes: Vec<[u32; LANES]> =
                                    phases.map_or_else(Vec::new, |phases| {
                                        (0..phases.dimension())
                                            .flat_map(|axis| {
                                                (0..phases.length()).map(move |p| (axis, p))
                                            })
                                            .map(|(axis, p)| {
                                                count(
                                                    phases
                                                        .plane(axis, p)
                                                        .iter()
                                                        .map(|&j| sa[j as usize] ^ sb[j as usize]),
                                                )
                                            })
                                            .collect()
                                    });
                                pairs.push((sites, links, planes));
                            }
                        }
                        SlotPart {
                            chains: chains_values,
                            pairs,
                        }
                    })
                    .collect();
                (0..LANES)
                    .map(|l| {
                        per_slot
                            .iter()
                            .map(|part| SlotValues {
                                chains: part
                                    .chains
                                    .iter()
                                    .map(|(down, energies, field)| ChainValues {
                                        energy: energies[l],
                                        coupling_energy: energies[l] - field[l],
                                        magnetisation: mean(down[l], n),
                                    })
                                    .collect(),
                                pairs: part
                                    .pairs
                                    .iter()
                                    .map(|(sites, links, planes)| PairValues {
                                        overlap: mean(sites[l], n),
                                        link_overlap: mean(links[l], bonds),
                                        fourier_power: phases.map(|phases| {
                                            let (length, dimension) =
                                                (phases.length(), phases.dimension());
                                            let mut sums = vec![0.0; length];
                                            (0..dimension)
                                                .map(|axis| {
                                                    for (p, sum) in sums.iter_mut().enumerate() {
                                                        let size = phases.plane(axis, p).len();
                                                        *sum = (size as i64
                                                            - 2 * i64::from(
                                                                planes[axis * length + p][l],
                                                            ))
                                                            as f64;
                                                    }
                                                    phases.power_of_plane_sums(&sums)
                                                })
                                                .sum::<f64>()
                                                / dimension as f64
                                        }),
                                    })
                                    .collect(),
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        groups.into_iter().flatten().take(self.lanes()).collect()
    }
}

/// Per lane counts.
type Counts = [u32; LANES];

/// The counts of one slot of one group.
struct SlotPart {
    /// By replica: down spins, energies, field energies.
    chains: Vec<(Counts, [f64; LANES], [f64; LANES])>,
    /// By replica pair: differing sites, links, and sites per plane.
    pairs: Vec<(Counts, Counts, Vec<Counts>)>,
}
