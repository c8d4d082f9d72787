//! Wolff single-cluster updates for ferromagnets.
//!
//! From a random seed site, the cluster grows across each bond $(i,j)$ with
//! $s_i = s_j$ with probability $p_{ij} = 1 - e^{-2\beta J_{ij}}$, and the whole
//! cluster is flipped (U. Wolff, Phys. Rev. Lett. 62, 361 (1989)). The move is
//! rejection-free and satisfies detailed balance for $J_{ij} \ge 0$ and no
//! external field; near $T_c$ it removes critical slowing down almost entirely.

use quench_core::Sample;
use rand::RngExt;

use crate::chain::ChainState;
use crate::error::SamplerError;

/// The Wolff cluster move for one ferromagnetic sample.
#[derive(Debug, Clone, PartialEq)]
pub struct WolffCluster {
    n: usize,
}

/// Scratch memory for cluster growth (reused between moves; no allocation in the loop).
#[derive(Debug, Clone, Default)]
pub struct WolffScratch {
    stack: Vec<usize>,
    visited: Vec<u32>,
    generation: u32,
}

impl WolffCluster {
    /// Checks that `sample` is a ferromagnet ($J_{ij} \ge 0$) without field.
    pub fn new(sample: &Sample) -> Result<Self, SamplerError> {
        if !sample.is_ferromagnetic() {
            return Err(SamplerError::NotApplicable {
                sampler: "the Wolff cluster move",
                reason: "some couplings are negative (frustrated clusters break detailed balance); use Metropolis or heat bath with parallel tempering".into(),
            });
        }
        if sample.has_field() {
            return Err(SamplerError::NotApplicable {
                sampler: "the Wolff cluster move",
                reason: "the sample has an external field; use Metropolis or heat bath".into(),
            });
        }
        Ok(Self { n: sample.n() })
    }

    /// One cluster move at inverse temperature `beta`; returns the cluster size.
    pub fn step(
        &self,
        sample: &Sample,
        chain: &mut ChainState,
        beta: f64,
        scratch: &mut WolffScratch,
    ) -> usize {
        if scratch.visited.len() != self.n {
            scratch.visited = vec![0; self.n];
            scratch.generation = 0;
        }
        scratch.generation = scratch.generation.wrapping_add(1);
        if scratch.generation == 0 {
            scratch.visited.fill(0);
            scratch.generation = 1;
        }
        let generation = scratch.generation;
        let seed = chain.rng.random_range(0..self.n);
        let orientation = chain.spins[seed];
        scratch.stack.clear();
        scratch.stack.push(seed);
        scratch.visited[seed] = generation;
        let mut size = 0;
        while let Some(i) = scratch.stack.pop() {
            chain.spins[i] = -orientation;
            size += 1;
            for (j, coupling) in sample.neighbours(i) {
                if scratch.visited[j] != generation
                    && chain.spins[j] == orientation
                    && coupling > 0.0
                    && chain.rng.random::<f64>() < -(-2.0 * beta * coupling).exp_m1()
                {
                    scratch.visited[j] = generation;
                    scratch.stack.push(j);
                }
            }
        }
        chain.energy = sample.energy(&chain.spins);
        chain.attempted += 1;
        chain.accepted += size as u64;
        size
    }
}
