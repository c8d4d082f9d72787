//! Monte Carlo for the models of this crate: Metropolis sweeps and cluster moves.
//!
//! One [`Kernel::step`] is a Metropolis sweep (sites in typewriter order,
//! acceptance $\min(1, e^{-\beta\Delta E})$ from a table) followed by a fixed
//! number of single-cluster moves. The number is fixed before measurements
//! start ([`Kernel::calibrate_clusters`]: $\lceil N/\langle C\rangle\rceil$ for
//! a measured mean cluster size $\langle C\rangle$, so that a step flips about
//! $N$ spins by clusters): a count that depended on the sizes of the clusters
//! of the same step would make the time of measurement depend on the state and
//! bias the averages (a test caught exactly that).
//!
//! * Ising: the Wolff cluster (U. Wolff, PRL **62**, 361 (1989)) with signed
//!   couplings: the bond $(i, j)$ with coupling $J_{ij}$ joins the cluster with
//!   probability $1 - e^{-2\beta|J_{ij}|}$ when it is satisfied,
//!   $J_{ij}s_is_j > 0$. This is the Fortuin–Kasteleyn construction for any
//!   signs (for an antiferromagnetic diagonal the clusters are just less
//!   efficient).
//! * Baxter–Wu: the cluster move of M. A. Novotny and H. G. Evertz (in
//!   *Computer Simulation Studies in Condensed-Matter Physics VI*, Springer
//!   1993). With the spins of one of the three sublattices held fixed, every
//!   triangle holds exactly one fixed spin and one bond between the other two,
//!   so the energy is that of an Ising model on the honeycomb lattice of the
//!   free sublattices with couplings $K_{ij} = J(s_k + s_l)$, $k$ and $l$ the
//!   fixed third sites of the two triangles on the bond. A Wolff cluster of
//!   that Ising model is grown and flipped; the fixed sublattice is drawn
//!   uniformly at random at every move.
//!
//! The chain state (spins and generator) serialises, so a run resumes bit for
//! bit.

use rand::RngExt;
use serde::{Deserialize, Serialize};

use quench_core::StreamRng;

use crate::lattice::TriangularLattice;
use crate::model::CriticalModel;

/// A configuration with its generator: the whole state of a chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatticeChain {
    /// Spins $\pm 1$, site $i = x + Wy$.
    pub spins: Vec<i8>,
    /// The chain's random stream.
    pub rng: StreamRng,
}

/// The precomputed tables of one (model, lattice, temperature): acceptance
/// probabilities and cluster bond probabilities, and the cluster scratch.
#[derive(Debug, Clone)]
pub struct Kernel<'a> {
    model: CriticalModel,
    lattice: &'a TriangularLattice,
    /// Metropolis acceptance, indexed by the local-field pattern (module code).
    acceptance: Vec<f64>,
    /// Ising: $1 - e^{-2\beta|J|}$ per bond type; Baxter–Wu: index 0 holds
    /// $1 - e^{-4\beta J}$ (the only nonzero $|K|$).
    bond_probability: [f64; 3],
    /// Ising: the couplings per bond type.
    couplings: [f64; 3],
    clusters_per_step: usize,
    stack: Vec<u32>,
    in_cluster: Vec<u32>,
    generation: u32,
}

impl LatticeChain {
    /// A chain started from independent random spins drawn from `rng`.
    pub fn random(lattice: &TriangularLattice, mut rng: StreamRng) -> Self {
        let spins = (0..lattice.sites())
            .map(|_| if rng.random::<bool>() { 1 } else { -1 })
            .collect();
        Self { spins, rng }
    }

    /// A chain started from the all-up ground state.
    pub fn ordered(lattice: &TriangularLattice, rng: StreamRng) -> Self {
        Self {
            spins: vec![1; lattice.sites()],
            rng,
        }
    }
}

impl<'a> Kernel<'a> {
    /// Tables for `model` on `lattice` at inverse temperature `beta >= 0`.
    pub fn new(model: CriticalModel, lattice: &'a TriangularLattice, beta: f64) -> Self {
        let (acceptance, bond_probability, couplings) = match model {
            CriticalModel::Ising(c) => {
                let couplings = [c.horizontal, c.vertical, c.diagonal];
                // Index 2 * (9a + 3b + c) + (s_i < 0), with a, b, c = (sum of
                // the two neighbours along each bond type + 2) / 2.
                let mut acceptance = vec![0.0; 54];
                for a in 0..3 {
                    for b in 0..3 {
                        for d in 0..3 {
                            let field = couplings[0] * (2 * a as i32 - 2) as f64
                                + couplings[1] * (2 * b as i32 - 2) as f64
                                + couplings[2] * (2 * d as i32 - 2) as f64;
                            for (up, spin) in [(0, 1.0), (1, -1.0)] {
                                let delta = 2.0 * spin * field;
                                acceptance[2 * (9 * a + 3 * b + d) + up] =
                                    (-beta * delta).exp().min(1.0);
                            }
                        }
                    }
                }
                let probability = couplings.map(|j| -(-2.0 * beta * j.abs()).exp_m1());
                (acceptance, probability, couplings)
            }
            CriticalModel::BaxterWu { coupling } => {
                // Delta E = 2 J s_i sum over the six triangles of s_j s_k, a
                // sum in {-6, -4, ..., 6}: index (sum + 6) / 2 * 2 + (s_i < 0).
                let mut acceptance = vec![0.0; 14];
                for sum in 0..7 {
                    for (up, spin) in [(0, 1.0), (1, -1.0)] {
                        let delta = 2.0 * coupling * spin * (2 * sum as i32 - 6) as f64;
                        acceptance[2 * sum + up] = (-beta * delta).exp().min(1.0);
                    }
                }
                let p = -(-4.0 * beta * coupling).exp_m1();
                (acceptance, [p, 0.0, 0.0], [coupling, 0.0, 0.0])
            }
        };
        Self {
            model,
            lattice,
            acceptance,
            bond_probability,
            couplings,
            clusters_per_step: 1,
            stack: Vec::new(),
            in_cluster: vec![0; lattice.sites()],
            generation: 0,
        }
    }

    /// One Metropolis sweep in typewriter order; returns the accepted flips.
    pub fn metropolis_sweep(&self, chain: &mut LatticeChain) -> usize {
        let spins = &mut chain.spins;
        let rng = &mut chain.rng;
        let mut accepted = 0;
        for site in 0..spins.len() {
            let row = self.lattice.neighbours(site);
            let up = usize::from(spins[site] < 0);
            let index = match self.model {
                CriticalModel::Ising(_) => {
                    let pair = |k: usize| {
                        ((spins[row[k] as usize] + spins[row[k + 1] as usize] + 2) / 2) as usize
                    };
                    2 * (9 * pair(0) + 3 * pair(2) + pair(4)) + up
                }
                CriticalModel::BaxterWu { .. } => {
                    let s = |k: usize| i32::from(spins[row[k] as usize]);
                    // The six triangles: (R, UR), (U, UR), (L, U), (D, R), (DL, D), (DL, L).
                    let sum = s(0) * s(4)
                        + s(2) * s(4)
                        + s(1) * s(2)
                        + s(3) * s(0)
                        + s(5) * s(3)
                        + s(5) * s(1);
                    2 * ((sum + 6) / 2) as usize + up
                }
            };
            let probability = self.acceptance[index];
            if probability >= 1.0 || rng.random::<f64>() < probability {
                spins[site] = -spins[site];
                accepted += 1;
            }
        }
        accepted
    }

    /// One cluster move (module docs); returns the cluster size.
    pub fn cluster_move(&mut self, chain: &mut LatticeChain) -> usize {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.in_cluster.fill(0);
            self.generation = 1;
        }
        let generation = self.generation;
        let n = chain.spins.len();
        let rng = &mut chain.rng;
        let spins = &mut chain.spins;
        let fixed = match self.model {
            CriticalModel::Ising(_) => usize::MAX,
            CriticalModel::BaxterWu { .. } => rng.random_range(0..3),
        };
        let seed = loop {
            let site = rng.random_range(0..n);
            if fixed == usize::MAX || self.lattice.colour(site) != fixed {
                break site;
            }
        };
        self.stack.clear();
        self.stack.push(seed as u32);
        self.in_cluster[seed] = generation;
        spins[seed] = -spins[seed];
        let mut size = 1;
        while let Some(site) = self.stack.pop() {
            let site = site as usize;
            // The spin before the cluster flipped it.
            let original = -i32::from(spins[site]);
            let row = self.lattice.neighbours(site);
            for (k, &neighbour) in row.iter().enumerate() {
                let neighbour = neighbour as usize;
                if self.in_cluster[neighbour] == generation {
                    continue;
                }
                let (coupling, probability) = match self.model {
                    CriticalModel::Ising(_) => {
                        let t = k / 2;
                        (self.couplings[t], self.bond_probability[t])
                    }
                    CriticalModel::BaxterWu { .. } => {
                        if self.lattice.colour(neighbour) == fixed {
                            continue;
                        }
                        let [a, b] = self.lattice.bond_thirds(site)[k];
                        let sum = i32::from(spins[a as usize]) + i32::from(spins[b as usize]);
                        if sum == 0 {
                            continue;
                        }
                        (f64::from(sum), self.bond_probability[0])
                    }
                };
                let satisfied = coupling * f64::from(original * i32::from(spins[neighbour])) > 0.0;
                if satisfied && rng.random::<f64>() < probability {
                    self.in_cluster[neighbour] = generation;
                    spins[neighbour] = -spins[neighbour];
                    self.stack.push(neighbour as u32);
                    size += 1;
                }
            }
        }
        size
    }

    /// One step: a Metropolis sweep, then [`Kernel::clusters_per_step`]
    /// cluster moves.
    pub fn step(&mut self, chain: &mut LatticeChain) {
        self.metropolis_sweep(chain);
        for _ in 0..self.clusters_per_step {
            self.cluster_move(chain);
        }
    }

    /// Cluster moves per step (1 until calibrated or set).
    pub fn clusters_per_step(&self) -> usize {
        self.clusters_per_step
    }

    /// Sets the cluster moves per step (0 for Metropolis alone).
    pub fn set_clusters_per_step(&mut self, clusters: usize) {
        self.clusters_per_step = clusters;
    }

    /// Makes `moves` cluster moves (part of equilibration) and sets the
    /// clusters per step to $\lceil N/\langle C\rangle\rceil$ from their mean
    /// size; returns that mean size.
    pub fn calibrate_clusters(&mut self, chain: &mut LatticeChain, moves: usize) -> f64 {
        let mut total = 0usize;
        for _ in 0..moves.max(1) {
            total += self.cluster_move(chain);
        }
        let mean = total as f64 / moves.max(1) as f64;
        let n = chain.spins.len() as f64;
        self.clusters_per_step = ((n / mean).ceil() as usize).clamp(1, chain.spins.len());
        mean
    }

    /// The model.
    pub fn model(&self) -> CriticalModel {
        self.model
    }

    /// The lattice.
    pub fn lattice(&self) -> &TriangularLattice {
        self.lattice
    }
}
