//! The measurements of every lane of a multispin state at once.
//!
//! [`MultispinTempering::lane_values`] gives, for every lane and temperature slot, the
//! [`SlotValues`] that [`SlotValues::of_state`] computes from the lane's
//! unpacked snapshot ([`MultispinTempering::lane_tempering_state`]), but
//! from bit-sliced counts over the packed words ([`super::count`]): a few
//! vector operations per site and bond for all 64–512 lanes, instead of
//! unpacking each lane's $N$ spins and summing them one by one. Every value
//! is an exact integer count put through the same floating-point expression
//! as the scalar path, so the values, and the accumulators fed by
//! [`crate::Measurements::record_values`], are bit-identical to it (the tests
//! check it lane by lane at every width).

use quench_core::observables::MinimumWavevectorPhases;
use rayon::prelude::*;

use super::count::{LaneCount, count_lanes};
use super::{MultispinState, MultispinTempering};
use crate::measure::{ChainValues, PairValues, SlotValues};

/// The counts of one temperature slot, each `64 * blocks` long.
struct SlotCounts {
    /// Down spins, by replica.
    down: Vec<Vec<u32>>,
    /// By replica pair $(a, b)$, $a < b$.
    pairs: Vec<PairCounts>,
}

/// The counts of one replica pair in one slot, each `64 * blocks` long.
struct PairCounts {
    /// Sites where the replicas differ.
    sites: Vec<u32>,
    /// Bonds where their link products differ.
    links: Vec<u32>,
    /// Differing sites per plane, index `axis * L + p`.
    planes: Vec<Vec<u32>>,
}

impl MultispinTempering {
    /// `values[lane][slot]` for the real lanes of `state`; `phases` is the
    /// shared lattice's table (the Fourier overlap is left out without it).
    ///
    /// The samples of a multispin layout have no field, so $E_J = E$.
    pub fn lane_values(
        &self,
        state: &MultispinState,
        phases: Option<&MinimumWavevectorPhases>,
    ) -> Vec<Vec<SlotValues>> {
        let tempering = self;
        let layout = tempering.layout();
        let (slots, replicas) = (tempering.betas().len(), tempering.config().replicas);
        let width = tempering.config().width;
        let total = 64 * layout.blocks;
        let count = |what: LaneCount<'_>| {
            let mut out = vec![0; total];
            count_lanes(layout, what, width, &mut out);
            out
        };
        let chain = |replica: usize, slot: usize| &state.chains[replica * slots + slot];
        let counts: Vec<SlotCounts> = (0..slots)
            .into_par_iter()
            .map(|slot| {
                let down = (0..replicas)
                    .map(|r| count(LaneCount::DownSpins(&chain(r, slot).spins)))
                    .collect();
                let mut pairs = Vec::new();
                for a in 0..replicas {
                    for b in a + 1..replicas {
                        let (sa, sb) = (&chain(a, slot).spins[..], &chain(b, slot).spins[..]);
                        let planes = phases.map_or_else(Vec::new, |phases| {
                            (0..phases.dimension())
                                .flat_map(|axis| (0..phases.length()).map(move |p| (axis, p)))
                                .map(|(axis, p)| {
                                    count(LaneCount::DifferencesAt {
                                        a: sa,
                                        b: sb,
                                        sites: phases.plane(axis, p),
                                    })
                                })
                                .collect()
                        });
                        pairs.push(PairCounts {
                            sites: count(LaneCount::Differences(sa, sb)),
                            links: count(LaneCount::LinkDifferences(sa, sb)),
                            planes,
                        });
                    }
                }
                SlotCounts { down, pairs }
            })
            .collect();
        let (n, bonds) = (layout.n, layout.bond_count());
        // (total - 2 c) / total, as the scalar observables sum +-1 values.
        let mean = |c: u32, total: usize| (total as i64 - 2 * i64::from(c)) as f64 / total as f64;
        (0..tempering.lanes())
            .map(|lane| {
                counts
                    .iter()
                    .enumerate()
                    .map(|(slot, counts)| SlotValues {
                        chains: (0..replicas)
                            .map(|r| {
                                let energy = layout.energy(chain(r, slot).unsatisfied[lane]);
                                ChainValues {
                                    energy,
                                    coupling_energy: energy - 0.0,
                                    magnetisation: mean(counts.down[r][lane], n),
                                }
                            })
                            .collect(),
                        pairs: counts
                            .pairs
                            .iter()
                            .map(
                                |PairCounts {
                                     sites,
                                     links,
                                     planes,
                                 }| PairValues {
                                    overlap: mean(sites[lane], n),
                                    link_overlap: if bonds == 0 {
                                        0.0
                                    } else {
                                        mean(links[lane], bonds)
                                    },
                                    fourier_power: phases.map(|phases| {
                                        // `mean_power_of_plane_sums`, one axis at a time.
                                        let (length, dimension) =
                                            (phases.length(), phases.dimension());
                                        let mut sums = vec![0.0; length];
                                        (0..dimension)
                                            .map(|axis| {
                                                for (p, sum) in sums.iter_mut().enumerate() {
                                                    let size = phases.plane(axis, p).len() as i64;
                                                    let c = planes[axis * length + p][lane];
                                                    *sum = (size - 2 * i64::from(c)) as f64;
                                                }
                                                phases.power_of_plane_sums(&sums)
                                            })
                                            .sum::<f64>()
                                            / dimension as f64
                                    }),
                                },
                            )
                            .collect(),
                    })
                    .collect()
            })
            .collect()
    }
}
