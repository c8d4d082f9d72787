//! Multispin-coded Metropolis for $\pm J$ spin glasses on lattices and sparse graphs.
//!
//! **Asynchronous multispin coding**: bit $\ell$ of a 64-bit word belongs to
//! *lane* $\ell$, and each lane is an independent disorder sample (its own
//! couplings) on the same graph, at the same temperature. A site's 64 spins
//! (or 256, 512 in one AVX2 / AVX-512 vector) are updated together with
//! bitwise arithmetic. Spin bit 1 means $s = -1$; coupling bit 1 means
//! $J_{ij} = -|J|$ (antiferromagnetic). A bond is *unsatisfied* ($J_{ij}s_is_j < 0$) in
//! the lanes where
//!
//! $$ u_{ij} = b_i \oplus b_j \oplus a_{ij} = 1 . $$
//!
//! With $U$ unsatisfied bonds out of the $d$ bonds of a site, flipping it
//! changes the energy by $\Delta E = |J|(2d - 4U)$. The $u$ words are added
//! bit-sliced (three full adders for $d = 6$: six three-input operations on
//! AVX-512) into the planes of $U$; lanes with $U \ge d/2$ always flip; the others form the *levels*
//! $m = U < d/2$, each with its Metropolis probability $p_m = e^{-\beta |J| (2d-4m)}$,
//! compared as 64-bit integers: a uniform $r \in \\{0,\dots,2^{64}-1\\}$ accepts
//! when $r < t_m = \lfloor 2^{64} p_m \rfloor$.
//!
//! ## Words, blocks and widths
//!
//! Lanes are grouped in *blocks* of 64 (one `u64` per site and block, stored
//! site-major: word `site * blocks + block`, in cache-line aligned [`Words`]).
//! Couplings are stored once per bond (word `bond * blocks + block`). A
//! [`WordWidth`] says how many blocks one instruction handles: 1 (`u64`,
//! portable), 4 (AVX2) or 8 (AVX-512F/VL/BW), detected at run time with
//! `is_x86_feature_detected!`. The tempering driver pads a last partial
//! group of two or more blocks to a whole vector with copies of the last
//! sample ([`WordWidth::padded_blocks`]): one vector pass over 8 blocks
//! costs less than 2 to 7 passes of 64-bit words, and padding lanes, which
//! draw from their own generators, change no real lane.
//!
//! A checkerboard sweep is cut into [`Segment`]s: each colour into up to
//! [`MAX_SLABS`] slabs of whole rows, a partition fixed by the layout. Every
//! block owns one [`BlockRng`] per slab (Xoshiro256++ seeded from a quench
//! [`quench_core::StreamKey`]) and consumes it in the same order whatever the
//! width and however the slabs are shared among threads, so **each lane's
//! trajectory is independent of the SIMD width and of the thread count**;
//! the tests check it bit for bit. The chains of a tempering run share the
//! couplings, and the vector kernels sweep two of them together
//! ([`kernel::sweep_chains`]), reading each site's couplings once.
//!
//! ## Random-number policies ([`RandomPolicy`])
//!
//! * [`RandomPolicy::SharedPerSite`]: one uniform $r$ per site update and
//!   block, shared by the block's 64 lanes. Since $t_0 \le t_1 \le \dots$,
//!   the flip mask is $\[U \ge d/2\] \lor \bigvee_m \bigl(\[U \ge m\] \wedge \[r < t_m\]\bigr)$:
//!   three comparisons per site and block for $d = 6$, each a per-block
//!   all-ones or all-zero mask. The uniform costs a quarter of a generator
//!   step: a 64-bit output gives four sites a 16-bit digit $\delta$ each, and
//!   only when $\delta$ equals the top 16 bits of some $t_m$ (probability
//!   below $2^{-14}$ per site) are 48 more bits drawn
//!   ([`kernel::shared_uniform`]), so $\[r < t_m\]$ is exactly the comparison
//!   of a uniform 64-bit integer. Each lane is still an exact Metropolis chain of its own sample
//!   (its uniforms are i.i.d. in time), but the 64 lanes of a block see the
//!   same noise, so their fluctuations are correlated: average over lanes as
//!   over samples, but do not treat two lanes' thermal noises as independent
//!   beyond what the disorder decorrelates. Fastest.
//! * [`RandomPolicy::IndependentPerLane`]: every lane compares its own uniform
//!   $r_\ell = 0.R_1 R_2 R_3\dots$ (bit $\ell$ of the block's successive random
//!   words) with the binary expansion of its $t_{U_\ell}$, most significant bit
//!   first, bit-sliced: a lane is decided at the first bit where $R_k$ and
//!   $t$ differ (accept when $R_k = 0 < 1 = t_k$). Words are drawn only while
//!   some lane of the block is undecided: about $\log_2 64 + 2 \approx 8$ words
//!   per site instead of 64, and exactly the same Bernoulli($t/2^{64}$) per lane.
//!   Lanes are statistically independent Markov chains.
//!
//! ## Types
//!
//! * [`MultispinLayout`]: the shared graph, the sweep order (checkerboard for
//!   bipartite graphs, else sequential) and the coupling bits of every lane.
//! * [`kernel::sweep`], [`kernel::sweep_chains`], [`kernel::unsatisfied_bonds`]:
//!   the kernels on the caller's buffers; [`reference`](mod@reference): the
//!   scalar reference kernels.
//! * [`MultispinTempering`] / [`MultispinState`]: parallel tempering with one
//!   lane vector per temperature slot and exchanges decided per lane.
//! * [`count::count_lanes`]: bit-sliced per-lane population counts, behind
//!   the energies and [`MultispinTempering::lane_values`], the measurements
//!   of every lane at once (bit-identical to measuring each lane's unpacked
//!   snapshot).

pub mod count;
pub mod kernel;
mod measure;
pub mod reference;
mod tempering;
mod words;

use std::borrow::Borrow;

use quench_core::{Sample, Spin};
use serde::{Deserialize, Serialize};

use crate::error::SamplerError;

pub use kernel::{BlockRng, MAX_LEVELS, metropolis_thresholds, probability_threshold};
pub use tempering::{
    LaneExchange, MultispinChain, MultispinConfig, MultispinState, MultispinTempering,
};
pub use words::Words;

/// How many 64-lane blocks one instruction handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WordWidth {
    /// One `u64` (portable).
    Bits64,
    /// Four `u64` in an AVX2 register.
    Bits256,
    /// Eight `u64` in an AVX-512 register (AVX-512F, VL and BW).
    Bits512,
}

impl WordWidth {
    /// Lanes per instruction: 64, 256 or 512.
    pub fn bits(self) -> usize {
        match self {
            WordWidth::Bits64 => 64,
            WordWidth::Bits256 => 256,
            WordWidth::Bits512 => 512,
        }
    }

    /// Whether this CPU supports the width.
    pub fn is_available(self) -> bool {
        match self {
            WordWidth::Bits64 => true,
            #[cfg(target_arch = "x86_64")]
            WordWidth::Bits256 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            WordWidth::Bits512 => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512vl")
                    && std::arch::is_x86_feature_detected!("avx512bw")
                    && std::arch::is_x86_feature_detected!("avx2")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// The blocks a layout of `lanes` lanes gets at this width: the blocks
    /// the lanes fill, with a last partial group of two or more blocks
    /// padded to a whole vector (4 blocks at 256 bits, 8 at 512). One vector
    /// pass over padding lanes costs less than sweeping 2 to 7 blocks one
    /// 64-bit word at a time; a single leftover block stays on the 64-bit
    /// path. Padding never changes a real lane's trajectory: every block
    /// draws from its own generators.
    pub fn padded_blocks(self, lanes: usize) -> usize {
        let blocks = lanes.div_ceil(64);
        let group = self.bits() / 64;
        let rest = blocks % group;
        if rest >= 2 {
            blocks + group - rest
        } else {
            blocks
        }
    }

    /// The widths this CPU supports, narrowest first.
    pub fn available() -> Vec<WordWidth> {
        [WordWidth::Bits64, WordWidth::Bits256, WordWidth::Bits512]
            .into_iter()
            .filter(|w| w.is_available())
            .collect()
    }

    /// The widest supported width.
    pub fn widest() -> WordWidth {
        *Self::available()
            .last()
            .expect("64-bit words are always available")
    }

    /// The width if this CPU supports it, else an error naming the alternatives.
    pub fn checked(self) -> Result<WordWidth, SamplerError> {
        if self.is_available() {
            Ok(self)
        } else {
            Err(SamplerError::NotApplicable {
                sampler: "this multispin word width",
                reason: format!(
                    "{self:?} needs CPU features this machine lacks; available: {:?}",
                    Self::available()
                ),
            })
        }
    }
}

/// Where the random numbers of the multispin Metropolis test come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RandomPolicy {
    /// One uniform per site update and 64-lane block, shared by its lanes
    /// (exact per lane, lanes' noises correlated).
    SharedPerSite,
    /// An independent uniform per lane, by bit-sliced comparison of random
    /// words with the acceptance probability's binary expansion.
    IndependentPerLane,
}

/// The graph shared by all lanes, the sweep order, and every lane's couplings.
#[derive(Debug, Clone, PartialEq)]
pub struct MultispinLayout {
    pub(crate) n: usize,
    pub(crate) degree: usize,
    pub(crate) levels: usize,
    pub(crate) blocks: usize,
    pub(crate) lanes: usize,
    pub(crate) coupling: f64,
    pub(crate) visit: Vec<u32>,
    pub(crate) segments: Vec<Segment>,
    pub(crate) slabs: usize,
    pub(crate) walk: Walk,
    pub(crate) bond_ends: Vec<[u32; 2]>,
    /// Coupling bits, bond-major: word `bond * blocks + block`.
    pub(crate) antiferro: Words,
}

/// Most slabs a colour is split into (see [`Segment`]).
pub const MAX_SLABS: usize = 8;

/// A contiguous run of the visiting order swept with one generator per
/// block: slab `slab` of colour `colour`.
///
/// A checkerboard sweep visits colour 0, then colour 1; each colour's sites
/// are cut into up to [`MAX_SLABS`] slabs (for lattices, runs of whole rows
/// $x_0 = 0 \dots L-1$), a partition fixed by the layout. Sites of one colour
/// do not interact, so the slabs of a colour can be swept in any order or
/// at once: each slab has its own generator per block, its uniforms start a
/// fresh group of four at the slab's first site, and the results do not
/// depend on how many threads share the slabs. Graphs without a
/// two-colouring are swept sequentially as one segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The colour (0 or 1; 0 for sequential sweeps).
    pub colour: usize,
    /// The slab, which selects the generators.
    pub slab: usize,
    /// Positions in [`MultispinLayout::visit_order`].
    pub positions: std::ops::Range<usize>,
}

/// How a sweep finds a site's neighbours and bonds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Walk {
    /// A periodic hypercubic lattice of dimension `degree / 2` (2 or 3) and
    /// even side `length`, its bonds in [`quench_core::HypercubicLattice::bonds`]
    /// order: neighbours and bonds by arithmetic, checkerboard order.
    Lattice { length: usize },
    /// Any graph: per visiting slot `v * degree + k`, the word offset
    /// (`site * blocks`) of the $k$-th neighbour and (`bond * blocks`) of
    /// the $k$-th bond of the $v$-th visited site.
    Table {
        neighbours: Vec<u32>,
        bonds: Vec<u32>,
    },
}

impl MultispinLayout {
    /// The layout of `samples`, one per lane (lanes beyond `samples.len()` up
    /// to the next multiple of 64 are padding and repeat the last sample).
    ///
    /// The samples must share one sparse graph (the same bond list, as every
    /// draw of an Edwards–Anderson ensemble does), have no field, couplings
    /// $\pm|J|$ of one magnitude, and every site the same degree $2 \le d \le 8$.
    pub fn new(samples: &[Sample]) -> Result<Self, SamplerError> {
        Self::from_draws(samples.len(), |lane| Ok(&samples[lane]))
    }

    /// The layout of `lanes` samples given one at a time, lane by lane, by
    /// `draw(lane)`: each is packed into the coupling bits and dropped, so
    /// only the first and the current sample are ever held (a block of 512
    /// samples of a large lattice need not fit in memory). The samples must
    /// satisfy what [`MultispinLayout::new`] says.
    pub fn from_draws<B: Borrow<Sample>>(
        lanes: usize,
        draw: impl FnMut(usize) -> Result<B, SamplerError>,
    ) -> Result<Self, SamplerError> {
        Self::from_draws_in_blocks(lanes, lanes.div_ceil(64), draw)
    }

    /// [`MultispinLayout::from_draws`] with `blocks` blocks of 64 lanes, at
    /// least the `lanes.div_ceil(64)` the samples fill: the lanes after the
    /// last sample are padding and repeat it (see
    /// [`WordWidth::padded_blocks`]).
    pub fn from_draws_in_blocks<B: Borrow<Sample>>(
        lanes: usize,
        blocks: usize,
        mut draw: impl FnMut(usize) -> Result<B, SamplerError>,
    ) -> Result<Self, SamplerError> {
        let not = |reason: String| SamplerError::NotApplicable {
            sampler: "the multispin kernel",
            reason,
        };
        if lanes == 0 {
            return Err(not("no samples were given; give one sample per lane".into()));
        }
        if blocks < lanes.div_ceil(64) {
            return Err(quench_core::ParameterError::new(
                "blocks",
                blocks,
                format!("at least {} for {lanes} lanes", lanes.div_ceil(64)),
            )
            .into());
        }
        let first = draw(0)?;
        let first: &Sample = first.borrow();
        let reference = first.bonds().ok_or_else(|| {
            not("the couplings are dense; use the dense kernel (quench_mc::dense) for complete graphs".into())
        })?;
        let n = first.n();
        let coupling = reference.first().map_or(1.0, |b| b.coupling.abs());
        if coupling == 0.0 {
            return Err(not(
                "a coupling is zero; couplings must be +|J| or -|J|".into()
            ));
        }
        let mut adjacency: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
        for (e, bond) in reference.iter().enumerate() {
            adjacency[bond.i].push((bond.j as u32, e as u32));
            adjacency[bond.j].push((bond.i as u32, e as u32));
        }
        let degree = adjacency[0].len();
        if !(2..=8).contains(&degree) || adjacency.iter().any(|a| a.len() != degree) {
            return Err(not(
                "the graph is not regular with a degree from 2 to 8; use the scalar sampler".into(),
            ));
        }
        let visit: Vec<u32> = match first.two_colouring() {
            Some(colours) => {
                let mut sites: Vec<u32> = (0..n as u32).collect();
                sites.sort_by_key(|&i| colours[i as usize]);
                sites
            }
            None => (0..n as u32).collect(),
        };
        let colours = first.two_colouring();
        let segments = match &colours {
            Some(colours) => {
                let zeros = colours.iter().filter(|&&c| c == 0).count();
                let mut segments = Vec::new();
                for (colour, range) in [(0, 0..zeros), (1, zeros..n)] {
                    // Lattices: slabs of whole rows (each row holds L/2 sites
                    // of each colour).
                    let unit = first.lattice().map_or(1, |l| (l.length() / 2).max(1));
                    let units = range.len() / unit;
                    let slabs = MAX_SLABS.min(units).max(1);
                    for slab in 0..slabs {
                        let (a, b) = (units * slab / slabs, units * (slab + 1) / slabs);
                        let end = if slab + 1 == slabs {
                            range.end
                        } else {
                            range.start + b * unit
                        };
                        segments.push(Segment {
                            colour,
                            slab,
                            positions: range.start + a * unit..end,
                        });
                    }
                }
                segments.retain(|s| !s.positions.is_empty());
                segments
            }
            None => vec![Segment {
                colour: 0,
                slab: 0,
                positions: 0..n,
            }],
        };
        let slabs = segments.iter().map(|s| s.slab + 1).max().unwrap_or(1);
        let check = |lane: usize, sample: &Sample| -> Result<(), SamplerError> {
            if sample.has_field() {
                return Err(not(format!(
                    "sample of lane {lane} has a field; multispin coding needs h = 0"
                )));
            }
            let bonds = sample
                .bonds()
                .ok_or_else(|| not(format!("sample of lane {lane} is dense")))?;
            if sample.n() != n || bonds.len() != reference.len() {
                return Err(not(format!(
                    "sample of lane {lane} has another graph than lane 0; all lanes must share the bond list"
                )));
            }
            for (b, r) in bonds.iter().zip(reference) {
                if b.i != r.i || b.j != r.j {
                    return Err(not(format!(
                        "sample of lane {lane} has bond ({}, {}) where lane 0 has ({}, {}); all lanes must share the bond list",
                        b.i, b.j, r.i, r.j
                    )));
                }
                if b.coupling.abs() != coupling {
                    return Err(not(format!(
                        "sample of lane {lane} has coupling {} and lane 0 has magnitude {coupling}; multispin coding needs ±J couplings of one magnitude",
                        b.coupling
                    )));
                }
            }
            Ok(())
        };
        let mut antiferro = Words::zeros(reference.len() * blocks);
        // Lane `lane`'s bits, and those of the padding lanes after the last.
        let mut pack = |lane: usize, sample: &Sample| {
            let bonds = sample.bonds().expect("checked before packing");
            let copies = if lane + 1 == lanes {
                lane..blocks * 64
            } else {
                lane..lane + 1
            };
            for (e, bond) in bonds.iter().enumerate() {
                if bond.coupling < 0.0 {
                    for l in copies.clone() {
                        antiferro[e * blocks + l / 64] |= 1 << (l % 64);
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
        let lattice_walk = first.lattice().and_then(|lattice| {
            let canonical = (lattice.dimension() == 2 || lattice.dimension() == 3)
                && lattice.is_bipartite()
                && lattice.bonds().len() == reference.len()
                && lattice
                    .bonds()
                    .iter()
                    .zip(reference)
                    .all(|(&(i, j), b)| b.i == i && b.j == j);
            canonical.then_some(Walk::Lattice {
                length: lattice.length(),
            })
        });
        let walk = match lattice_walk {
            Some(walk) => walk,
            None => {
                let offset = |index: usize| {
                    u32::try_from(index * blocks).map_err(|_| {
                        not(format!(
                            "{n} sites or {} bonds times {blocks} blocks of lanes exceed 2^32 words; use fewer lanes per layout",
                            reference.len()
                        ))
                    })
                };
                let mut neighbours = Vec::with_capacity(n * degree);
                let mut bonds = Vec::with_capacity(n * degree);
                for &site in &visit {
                    for &(j, e) in &adjacency[site as usize] {
                        neighbours.push(offset(j as usize)?);
                        bonds.push(offset(e as usize)?);
                    }
                }
                Walk::Table { neighbours, bonds }
            }
        };
        Ok(Self {
            n,
            degree,
            levels: degree.div_ceil(2),
            blocks,
            lanes,
            coupling,
            visit,
            segments,
            slabs,
            walk,
            bond_ends: reference.iter().map(|b| [b.i as u32, b.j as u32]).collect(),
            antiferro,
        })
    }

    /// Sites $N$.
    pub fn sites(&self) -> usize {
        self.n
    }

    /// Degree $d$ of every site.
    pub fn degree(&self) -> usize {
        self.degree
    }

    /// Real lanes (samples).
    pub fn lanes(&self) -> usize {
        self.lanes
    }

    /// 64-lane blocks (words per site).
    pub fn blocks(&self) -> usize {
        self.blocks
    }

    /// $|J|$.
    pub fn coupling(&self) -> f64 {
        self.coupling
    }

    /// Bonds $N_b$.
    pub fn bond_count(&self) -> usize {
        self.bond_ends.len()
    }

    /// The order in which a sweep visits the sites.
    pub fn visit_order(&self) -> &[u32] {
        &self.visit
    }

    /// The segments of a sweep, in visiting order (see [`Segment`]).
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Slabs per colour: a chain has `slabs * blocks` generators, that of
    /// block $b$ in slab $s$ at index `s * blocks + b`.
    pub fn slabs(&self) -> usize {
        self.slabs
    }

    /// Generators per chain, `slabs * blocks`.
    pub fn generators(&self) -> usize {
        self.slabs * self.blocks
    }

    /// Energy of a lane with `unsatisfied` unsatisfied bonds: $|J|(2U - N_b)$.
    pub fn energy(&self, unsatisfied: u32) -> f64 {
        self.coupling * (2.0 * f64::from(unsatisfied) - self.bond_count() as f64)
    }

    /// Metropolis thresholds of this layout at inverse temperature `beta`.
    pub fn thresholds(&self, beta: f64) -> [u64; MAX_LEVELS] {
        metropolis_thresholds(self.degree, self.coupling, beta)
    }
}

/// Writes lane `lane`'s configuration into packed words (`sites * blocks`).
pub fn pack_lane(words: &mut [u64], blocks: usize, lane: usize, spins: &[Spin]) {
    let (block, bit) = (lane / 64, lane % 64);
    for (site, &s) in spins.iter().enumerate() {
        let word = &mut words[site * blocks + block];
        *word = (*word & !(1 << bit)) | (u64::from(s < 0) << bit);
    }
}

/// Reads lane `lane`'s configuration from packed words into `out` ($N$ spins).
pub fn unpack_lane(words: &[u64], blocks: usize, lane: usize, out: &mut [Spin]) {
    let (block, bit) = (lane / 64, lane % 64);
    for (site, s) in out.iter_mut().enumerate() {
        *s = if (words[site * blocks + block] >> bit) & 1 == 1 {
            -1
        } else {
            1
        };
    }
}

/// `lanes` samples on the graph of `base` (a sparse sample), with couplings
/// $\pm|J|$ ($|J|$ that of `base`'s first bond) redrawn independently per lane
/// from the stream `(master_seed, Disorder, lane, 1)`; no field.
///
/// Random graphs differ from sample to sample, but multispin lanes must share
/// one graph: this is the ensemble of $\pm J$ couplings on one fixed graph.
pub fn shared_graph_samples(
    base: &Sample,
    lanes: usize,
    master_seed: u64,
) -> Result<Vec<Sample>, SamplerError> {
    use rand::RngExt;
    let bonds = base.bonds().ok_or_else(|| SamplerError::NotApplicable {
        sampler: "shared_graph_samples",
        reason: "the base sample is dense; give a sparse sample".into(),
    })?;
    let magnitude = bonds.first().map_or(1.0, |b| b.coupling.abs());
    (0..lanes)
        .map(|lane| {
            let mut rng =
                quench_core::stream(master_seed, quench_core::Purpose::Disorder, lane as u64, 1);
            let redrawn = bonds
                .iter()
                .map(|b| quench_core::Bond {
                    coupling: if rng.random::<bool>() {
                        magnitude
                    } else {
                        -magnitude
                    },
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
