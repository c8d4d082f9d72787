//! Metropolis for real-valued couplings on lattices and sparse graphs, one
//! disorder sample per `f32` vector lane.
//!
//! **Vectorisation across samples**: [`LANES`] = 16 samples on one graph
//! (16 `f32` lanes of an AVX-512 register) are updated together, each with
//! its own couplings, fields and random numbers. This is the multispin idea
//! of [`crate::multispin`] for couplings that are not $\pm|J|$ (Gaussian,
//! uniform, diluted), where bits no longer hold a coupling: the couplings
//! are `f32`, the spins stay one bit per lane (bit $\ell$ of a site's `u16`
//! is lane $\ell$, 1 = spin $-1$), and a site's energy change is summed in
//! `f32` with the signs applied by lane masks. Fast GPU and CPU codes for
//! Gaussian Edwards–Anderson glasses do the same (one sample, or one replica,
//! per SIMD lane or thread, with couplings as floats).
//!
//! ## The update, lane by lane
//!
//! A site $i$ with slots $k$ (its neighbours in the sample's adjacency order,
//! then, if the samples have a field, a slot for $h_i$ whose "neighbour" is a
//! spin fixed at $+1$; irregular graphs are padded with zero couplings to the
//! largest degree) computes, in `f32` and in slot order from $x = 0$,
//!
//! $$ x = \sum_k J_{ik}\\, s_i s_k , \qquad y = \min\bigl(x \cdot c,\ 0\bigr), \quad c = \mathrm{f32}(-2\beta), $$
//!
//! so that $\Delta E = 2x$ and the Metropolis probability is $e^{y}$. A
//! 32-bit uniform integer $k$ per lane and attempt accepts when
//!
//! $$ k < e^{y}\\, 2^{32} , $$
//!
//! with $e^y$ the exact exponential of the `f32` number $y$. The vector
//! code evaluates $\tilde p \approx e^y$ with a polynomial ([`exp`]) whose
//! relative error is below [`exp::EXP_ERROR`] (measured, with margin, by a
//! test over the whole range), and decides a lane only where $k$ is
//! outside the band $\tilde p\\, 2^{32}(1 \pm \varepsilon)$ that contains
//! the true threshold; the rare lanes inside it (about one attempt in
//! $10^5$) are decided by the `f64` exponential. So **no move is decided
//! otherwise than by the exact comparison**: the acceptance probability is
//! $\lceil e^{y} 2^{32}\rceil / 2^{32}$, exact to $2^{-32}$.
//!
//! What is approximate, and how much: the couplings and fields are rounded
//! to `f32` (relative $2^{-24}$; the chain samples the Boltzmann
//! distribution of the rounded couplings up to the rounding of $x$, a few
//! units of $2^{-24}$ relative in each $\Delta E$; $\Delta E$ of a move and
//! of its reverse are exact opposites), and the acceptance is resolved to
//! $2^{-32}$. Energies for exchanges and measurements are summed per site in
//! `f32` and over sites in `f64` from the rounded couplings.
//!
//! ## Random numbers and reproducibility
//!
//! Every lane of every chain has its own generator ([`LaneRng`],
//! xoshiro128++ on 32-bit words, 16 lanes side by side) seeded from the
//! stream `(seed, Named("float lanes"), sample, chain)` of its sample. A
//! lane's trajectory therefore depends only on its sample, its chain and
//! the seed: not on the instruction set (the AVX-512 and the portable code
//! perform the same `f32` operations in the same order, no fused
//! multiply-add), not on which lanes it shares a vector with, and not on
//! the thread count. [`reference::sweep`] reproduces one lane from its
//! [`quench_core::Sample`] alone; the tests check every path against it bit
//! for bit.
//!
//! ## Memory layout and sweep
//!
//! Per group of 16 lanes: the couplings `f32` in visiting order (slot
//! $v d + k$ of the $v$-th visited site, 16 lanes contiguous: one cache line
//! per slot), so a sweep streams them linearly; each chain's spins are one
//! `u16` per site (site order, plus the fixed spin). A colour of a
//! checkerboard sweep is cut into blocks of [`BLOCK`] sites, and every chain
//! of a group sweeps a block before the next block is read: the block's
//! couplings are read from memory once and from the L1 cache by the other
//! chains.
//!
//! ## Types
//!
//! * [`FloatLaneLayout`]: the shared graph, the visiting order and every
//!   lane's couplings.
//! * [`FloatLaneTempering`] / [`FloatLaneState`]: parallel tempering, one
//!   group of lane chains per temperature slot and replica, exchanges decided
//!   per lane.
//! * [`kernel::sweep_group`], [`kernel::energies`], [`LaneRng`], [`exp`]: the kernel's parts.

pub mod exp;
pub mod kernel;
mod measure;
mod random;
pub mod reference;
mod tempering;

use std::borrow::Borrow;

use quench_core::{Sample, Spin};
use serde::{Deserialize, Serialize};

use crate::error::SamplerError;

pub use random::LaneRng;
pub use tempering::{FloatLaneChain, FloatLaneConfig, FloatLaneState, FloatLaneTempering};

/// Lanes (samples) per group: 16 `f32` in a 512-bit vector.
pub const LANES: usize = 16;

/// Sites per block of a sweep (see the module documentation).
pub const BLOCK: usize = 128;

/// Largest number of slots (neighbours, and the field) of a site.
pub const MAX_SLOTS: usize = 32;

/// Which instructions run the kernel; the results do not depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LaneInstructions {
    /// Plain Rust on arrays of 16 lanes (vectorised by the compiler for
    /// the build's baseline: SSE2 on x86-64, NEON on AArch64).
    Portable,
    /// The portable code compiled for AVX2.
    Avx2,
    /// AVX-512 (F, BW, DQ, VL) intrinsics.
    Avx512,
}

impl LaneInstructions {
    /// Whether this CPU runs them.
    pub fn is_available(self) -> bool {
        match self {
            LaneInstructions::Portable => true,
            #[cfg(target_arch = "x86_64")]
            LaneInstructions::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            LaneInstructions::Avx512 => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512bw")
                    && std::arch::is_x86_feature_detected!("avx512dq")
                    && std::arch::is_x86_feature_detected!("avx512vl")
            }
            #[cfg(not(target_arch = "x86_64"))]
            LaneInstructions::Avx2 | LaneInstructions::Avx512 => false,
        }
    }

    /// The fastest this CPU runs.
    pub fn fastest() -> Self {
        [LaneInstructions::Avx512, LaneInstructions::Avx2]
            .into_iter()
            .find(|i| i.is_available())
            .unwrap_or(LaneInstructions::Portable)
    }
}

/// The graph shared by all lanes, the visiting order, and every lane's
/// couplings and fields (`f32`).
#[derive(Debug, Clone, PartialEq)]
pub struct FloatLaneLayout {
    pub(crate) n: usize,
    /// Slots per site (largest degree, plus one with a field).
    pub(crate) slots: usize,
    pub(crate) groups: usize,
    pub(crate) lanes: usize,
    /// Sites in visiting order.
    pub(crate) visit: Vec<u32>,
    /// Positions in `visit` where a colour starts (and `n` at the end):
    /// `[0, n]` for sequential sweeps, `[0, n0, n]` for checkerboard ones.
    pub(crate) colours: Vec<usize>,
    /// Neighbour site of slot `v * slots + k` (the fixed spin `n` for the
    /// field slot and for padding).
    pub(crate) neighbours: Vec<u32>,
    /// Weight of a slot in the energy: $1/2$ for a bond (counted from both
    /// ends), 1 for the field, 0 for padding.
    pub(crate) weights: Vec<f32>,
    /// Couplings, group-major: `(g * n * slots + v * slots + k) * LANES + lane`.
    pub(crate) couplings: Vec<f32>,
    /// The bonds $(i, j)$ of the shared graph (for link overlaps).
    pub(crate) bond_ends: Vec<[u32; 2]>,
    /// Whether the samples have a field.
    pub(crate) field: bool,
}

impl FloatLaneLayout {
    /// The layout of `lanes` samples given one at a time by `draw(lane)`
    /// (each packed and dropped), in `groups` groups of [`LANES`] (at least
    /// `lanes.div_ceil(LANES)`; lanes after the last sample repeat it).
    ///
    /// The samples must be sparse and share one graph (the same neighbour
    /// lists in the same order, as every draw of a lattice ensemble does),
    /// with at most [`MAX_SLOTS`] slots per site; couplings and fields may
    /// take any real values.
    pub fn from_draws<B: Borrow<Sample>>(
        lanes: usize,
        groups: usize,
        mut draw: impl FnMut(usize) -> Result<B, SamplerError>,
    ) -> Result<Self, SamplerError> {
        let not = |reason: String| SamplerError::NotApplicable {
            sampler: "the float-lane kernel",
            reason,
        };
        if lanes == 0 {
            return Err(not("no samples were given; give one sample per lane".into()));
        }
        if groups < lanes.div_ceil(LANES) {
            return Err(quench_core::ParameterError::new(
                "groups",
                groups,
                format!("at least {} for {lanes} lanes", lanes.div_ceil(LANES)),
            )
            .into());
        }
        let first = draw(0)?;
        let first: &Sample = first.borrow();
        let reference = first.bonds().ok_or_else(|| {
            not("the couplings are dense; use the dense kernel (quench_mc::dense) for complete graphs".into())
        })?;
        let n = first.n();
        let adjacency: Vec<Vec<usize>> = (0..n)
            .map(|i| first.neighbours(i).map(|(j, _)| j).collect())
            .collect();
        let degree = adjacency.iter().map(Vec::len).max().unwrap_or(0);
        let field = first.has_field();
        let slots = degree + usize::from(field);
        if slots == 0 || slots > MAX_SLOTS {
            return Err(not(format!(
                "a site has {slots} neighbours and fields; the kernel handles 1 to {MAX_SLOTS}"
            )));
        }
        let (visit, colours) = visiting_order(first);
        let mut neighbours = vec![n as u32; n * slots];
        let mut weights = vec![0.0f32; n * slots];
        for (v, &site) in visit.iter().enumerate() {
            for (k, &j) in adjacency[site as usize].iter().enumerate() {
                neighbours[v * slots + k] = j as u32;
                weights[v * slots + k] = 0.5;
            }
            if field {
                weights[v * slots + slots - 1] = 1.0;
            }
        }
        let bytes = (groups * n * slots * LANES) as f64 * 4.0;
        if bytes > isize::MAX as f64 / 2.0 {
            return Err(not(format!(
                "{groups} groups of {n} sites with {slots} slots do not fit in memory"
            )));
        }
        let mut couplings = vec![0.0f32; groups * n * slots * LANES];
        let check = |lane: usize, sample: &Sample| -> Result<(), SamplerError> {
            if sample.is_dense() {
                return Err(not(format!("sample of lane {lane} is dense")));
            }
            if sample.n() != n || sample.has_field() != field {
                return Err(not(format!(
                    "sample of lane {lane} has another graph or field than lane 0; all lanes must share them"
                )));
            }
            for (i, expected) in adjacency.iter().enumerate() {
                if !sample
                    .neighbours(i)
                    .map(|(j, _)| j)
                    .eq(expected.iter().copied())
                {
                    return Err(not(format!(
                        "sample of lane {lane} has other neighbours of site {i} than lane 0; all lanes must share the graph"
                    )));
                }
            }
            Ok(())
        };
        // Lane `lane`'s couplings, and those of the padding lanes after the last.
        let mut pack = |lane: usize, sample: &Sample| {
            let copies = if lane + 1 == lanes {
                lane..groups * LANES
            } else {
                lane..lane + 1
            };
            for (v, &site) in visit.iter().enumerate() {
                let site = site as usize;
                let mut values: Vec<f32> = sample.neighbours(site).map(|(_, j)| j as f32).collect();
                values.resize(degree, 0.0);
                if field {
                    values.push(sample.field(site) as f32);
                }
                for l in copies.clone() {
                    let base = ((l / LANES) * n * slots + v * slots) * LANES + l % LANES;
                    for (k, &value) in values.iter().enumerate() {
                        couplings[base + k * LANES] = value;
                    }
                }
            }
        };
        check(0, first)?;
        pack(0, first);
        for lane in 1..lanes {
            let sample = draw(lane)?;
            check(lane, sample.borrow())?;
            pack(lane, sample.borrow());
        }
        Ok(Self {
            n,
            slots,
            groups,
            lanes,
            visit,
            colours,
            neighbours,
            weights,
            couplings,
            bond_ends: reference.iter().map(|b| [b.i as u32, b.j as u32]).collect(),
            field,
        })
    }

    /// The layout of `samples`, one per lane, in as few groups as they fill.
    pub fn new(samples: &[Sample]) -> Result<Self, SamplerError> {
        Self::from_draws(samples.len(), samples.len().div_ceil(LANES), |lane| {
            Ok(&samples[lane])
        })
    }

    /// Sites $N$.
    pub fn sites(&self) -> usize {
        self.n
    }

    /// Real lanes (samples).
    pub fn lanes(&self) -> usize {
        self.lanes
    }

    /// Groups of [`LANES`] lanes.
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// Slots per site (largest degree, plus one with a field).
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// Bonds of the shared graph.
    pub fn bond_count(&self) -> usize {
        self.bond_ends.len()
    }

    /// The order in which a sweep visits the sites.
    pub fn visit_order(&self) -> &[u32] {
        &self.visit
    }

    /// Group `group`'s couplings (`n * slots * LANES`).
    pub(crate) fn group_couplings(&self, group: usize) -> &[f32] {
        let size = self.n * self.slots * LANES;
        &self.couplings[group * size..(group + 1) * size]
    }

    /// Words of one chain's spins per group: the sites and the fixed spin.
    pub(crate) fn words(&self) -> usize {
        self.n + 1
    }
}

/// The visiting order of a sample and where its colours start: colour 0's
/// sites ascending, then colour 1's for a two-colourable graph
/// (checkerboard), else all sites ascending.
pub fn visiting_order(sample: &Sample) -> (Vec<u32>, Vec<usize>) {
    let n = sample.n();
    match sample.two_colouring() {
        Some(colours) => {
            let mut sites: Vec<u32> = (0..n as u32).collect();
            sites.sort_by_key(|&i| colours[i as usize]);
            let zeros = colours.iter().filter(|&&c| c == 0).count();
            (sites, vec![0, zeros, n])
        }
        None => ((0..n as u32).collect(), vec![0, n]),
    }
}

/// Writes lane `lane`'s configuration into the spin words of its group
/// (`words` = one chain's words of that group).
pub fn pack_lane(words: &mut [u16], lane: usize, spins: &[Spin]) {
    let bit = lane % LANES;
    for (word, &s) in words.iter_mut().zip(spins) {
        *word = (*word & !(1 << bit)) | (u16::from(s < 0) << bit);
    }
}

/// Reads lane `lane`'s configuration from its group's spin words.
pub fn unpack_lane(words: &[u16], lane: usize, out: &mut [Spin]) {
    let bit = lane % LANES;
    for (s, &word) in out.iter_mut().zip(words) {
        *s = if (word >> bit) & 1 == 1 { -1 } else { 1 };
    }
}

/// `lanes` samples on the graph of `base` (a sparse sample) with
/// independent standard Gaussian couplings per lane, from the stream
/// `(master_seed, Disorder, lane, 1)`; no field. Random graphs differ from
/// sample to sample, but the lanes of a layout share one graph: this is the
/// ensemble of Gaussian couplings on one fixed graph.
pub fn gaussian_on_graph(
    base: &Sample,
    lanes: usize,
    master_seed: u64,
) -> Result<Vec<Sample>, SamplerError> {
    use rand::RngExt;
    let bonds = base.bonds().ok_or_else(|| SamplerError::NotApplicable {
        sampler: "gaussian_on_graph",
        reason: "the base sample is dense; give a sparse sample".into(),
    })?;
    (0..lanes)
        .map(|lane| {
            let mut rng =
                quench_core::stream(master_seed, quench_core::Purpose::Disorder, lane as u64, 1);
            let redrawn = bonds
                .iter()
                .map(|b| quench_core::Bond {
                    coupling: rng.sample(rand_distr::StandardNormal),
                    ..*b
                })
                .collect();
            Ok(Sample::from_bonds(
                base.n(),
                redrawn,
                vec![],
                base.geometry().clone(),
            )?)
        })
        .collect()
}
