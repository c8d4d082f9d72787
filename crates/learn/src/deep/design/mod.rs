//! The design space of a deep perceptron network: weights and hidden
//! representations as the variables of a spin glass with short-ranged
//! interactions along the depth, and its Monte Carlo moves.
//!
//! # Energy
//!
//! With the fields $h^\mu_{l,k}$ of [`super::architecture`], the gap of
//! perceptron $(l, k)$ on pattern $\mu$ is
//! $r^\mu_{l,k} = S^\mu_{l,k} h^\mu_{l,k} - \kappa$. Two losses:
//!
//! * [`Loss::Gaps`], the seed's Gardner volume: the hidden spins
//!   $S_{l}$, $1 \le l \le L-1$, are variables beside the weights,
//!   $S(0)$ and $S(L)$ are the data, and $E$ is the number of gaps with
//!   $r \le 0$ (a constraint is met when $r > 0$, as in the perceptron
//!   family, so that $L = 1$ *is* $N$ perceptrons on the same inputs).
//!   $E = 0$ is the hard-core design space; at temperature $T$ the
//!   weight $e^{-E/T}$ is the soft loss.
//! * [`Loss::OutputError`], the plain feed-forward network: hidden
//!   spins are $S_l = \mathrm{sign}(h_l)$ (with $\mathrm{sign}(0) = +1$),
//!   only weights move, and $E = \frac14\sum_{i,\mu}(S^\mu_{L,i} - S^{*\mu}_{L,i})^2$
//!   is the number of wrong output bits (the seed's loss over 4).
//!
//! # Moves and their cost
//!
//! * A hidden spin flip $S^\mu_{l,i} \to -S^\mu_{l,i}$ changes its own
//!   gap and the fields $h^\mu_{l+1,k}$ of the perceptrons that read it by
//!   $-2S^\mu_{l,i}J_{l+1,k,j}/\sqrt c$: $O(c)$ per attempt, through the
//!   move seam ([`HiddenSpins`] is a [`quench_mc::moves::LocalMoves`]).
//! * A rotation of perceptron $(l, k)$'s weights on its sphere,
//!   $J \to \sqrt c\\,(J + \varepsilon\eta)/|J + \varepsilon\eta|$ with
//!   $\eta$ standard Gaussian: the proposal depends only on the angle
//!   between old and new weights, so it is symmetric and Metropolis
//!   samples the uniform measure on the sphere times $e^{-E/T}$; $\varepsilon$
//!   is about the angle turned. $O(Mc)$ per attempt.
//! * A binary weight flip $J_{l,k,j} \to -J_{l,k,j}$: $O(M)$.
//!
//! Every field is updated incrementally (binary weights keep them exact:
//! sums of $\pm1$ in `f64`); spherical states recompute theirs from the
//! weights every [`REFRESH_SWEEPS`] sweeps so rounding never accumulates.
//! Under [`Loss::OutputError`] a weight move that changes the sign of a
//! field propagates through the later layers pattern by pattern, and a
//! rejected move is undone from a log.

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::architecture::{Architecture, Wiring, dot, feed_forward};
use super::data::{DeepData, draw_network_weights};
use crate::error::{LearnError, parameter};
use crate::perceptron::WeightKind;
use quench_core::rng::StreamRng;
use quench_mc::moves::{Acceptance, EnergyChange, LocalMoves, Visit, sweep};
use quench_mc::tempering::Exchangeable;

mod moves;
pub use moves::{DesignChain, HiddenSpins};

/// Sweeps between recomputations of the fields of spherical weights.
pub const REFRESH_SWEEPS: u64 = 16;

/// What the energy counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Violated gaps $r \le 0$ of every perceptron; hidden spins are variables.
    Gaps,
    /// Wrong output bits of the feed-forward network; hidden spins follow the weights.
    OutputError,
}

/// The exact change of an integer energy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountChange {
    /// $\Delta E$.
    pub delta: i64,
}

impl EnergyChange for CountChange {
    #[inline]
    fn energy_change(self) -> f64 {
        self.delta as f64
    }

    #[inline]
    fn lowers_energy(self) -> bool {
        self.delta < 0
    }
}

/// A deep network's design space on one training set.
#[derive(Debug, Clone)]
pub struct DesignSpace {
    data: DeepData,
    margin: f64,
    loss: Loss,
    /// $1/\sqrt c$.
    scale: f64,
}

/// Weights, spins and fields of one network (one replica) in a design space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignState {
    /// $J$ ([`Architecture::weight_index`] layout).
    pub weights: Vec<f64>,
    /// $J$ in the transposed order of [`Wiring::reader_range`].
    outgoing: Vec<f64>,
    /// $S^\mu_{l,i}$ at `(l M + mu) N + i`, layers $0..L$.
    pub spins: Vec<f64>,
    /// $h^\mu_{l,k}$ at `((l-1) M + mu) N + k`, layers $1..L$.
    pub fields: Vec<f64>,
    /// $E$.
    pub energy: u64,
    /// Sweeps done (the refresh schedule).
    pub sweeps: u64,
}

/// Work space of the weight moves (reuse it across moves).
#[derive(Debug, Clone, Default)]
pub struct MoveScratch {
    fields: Vec<f64>,
    weights: Vec<f64>,
    eta: Vec<f64>,
    changed: Vec<u32>,
    next: Vec<u32>,
    touched: Vec<u32>,
    marked: Vec<bool>,
    field_log: Vec<(u32, f64)>,
    spin_log: Vec<u32>,
    sparse: Vec<(u32, f64)>,
    order: Vec<usize>,
}

/// Moves made in one sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SweepMoves {
    /// Weight moves made (rotations or flips).
    pub weights: u64,
    /// Weight moves attempted.
    pub weight_attempts: u64,
    /// Hidden spin flips made.
    pub spins: u64,
    /// Hidden spin flips attempted.
    pub spin_attempts: u64,
}

#[inline]
fn violated(stability: f64, margin: f64) -> i64 {
    i64::from(stability <= margin)
}

/// $\sum_k [S_k(h_k + f w_k) \le \kappa] - [S_k h_k \le \kappa]$ (vectorises).
#[inline]
fn gap_changes(spins: &[f64], fields: &[f64], weights: &[f64], factor: f64, margin: f64) -> i64 {
    let mut count = 0i64;
    for ((&s, &h), &w) in spins.iter().zip(fields).zip(weights) {
        let before = (s * h <= margin) as i64;
        let after = (s * (h + factor * w) <= margin) as i64;
        count += after - before;
    }
    count
}

impl DesignSpace {
    /// The design space of `data` with margin `margin` (finite) and `loss`.
    pub fn new(data: DeepData, margin: f64, loss: Loss) -> Result<Self, LearnError> {
        if !margin.is_finite() {
            return Err(parameter("margin", margin, "a finite real number"));
        }
        let scale = 1.0 / (data.architecture().connectivity as f64).sqrt();
        Ok(Self {
            data,
            margin,
            loss,
            scale,
        })
    }

    /// The training set.
    pub fn data(&self) -> &DeepData {
        &self.data
    }

    /// The architecture.
    pub fn architecture(&self) -> &Architecture {
        self.data.architecture()
    }

    /// The margin $\kappa$.
    pub fn margin(&self) -> f64 {
        self.margin
    }

    /// The loss.
    pub fn loss(&self) -> Loss {
        self.loss
    }

    /// The number of terms of the energy: $L N M$ gaps or $N M$ output bits.
    pub fn constraints(&self) -> usize {
        let a = self.architecture();
        match self.loss {
            Loss::Gaps => a.depth * a.width * self.data.patterns,
            Loss::OutputError => a.width * self.data.patterns,
        }
    }

    #[inline]
    fn layer_size(&self) -> usize {
        self.architecture().width * self.data.patterns
    }

    /// The state of `weights` (rescaled onto the spheres for spherical
    /// weights) with hidden layers `hidden` ($L-1$ layers of $M \times N$
    /// entries $\pm1$; ignored under [`Loss::OutputError`], where the
    /// feed-forward ones are used).
    pub fn state(
        &self,
        mut weights: Vec<f64>,
        hidden: &[Vec<f64>],
    ) -> Result<DesignState, LearnError> {
        let a = *self.architecture();
        if weights.len() != a.bonds() || weights.iter().any(|w| !w.is_finite()) {
            return Err(parameter(
                "weights",
                weights.len(),
                format!("{} finite entries", a.bonds()),
            ));
        }
        let c = a.connectivity;
        match a.weights {
            WeightKind::Binary => {
                if let Some(k) = weights.iter().position(|&w| w != 1.0 && w != -1.0) {
                    return Err(parameter("weights", weights[k], format!("±1 (entry {k})")));
                }
            }
            WeightKind::Spherical => {
                for (p, chunk) in weights.chunks_exact_mut(c).enumerate() {
                    let norm2: f64 = chunk.iter().map(|w| w * w).sum();
                    if norm2 <= 0.0 {
                        return Err(parameter(
                            "weights",
                            format!("perceptron {p}"),
                            "a nonzero weight vector per perceptron",
                        ));
                    }
                    let s = (c as f64 / norm2).sqrt();
                    chunk.iter_mut().for_each(|w| *w *= s);
                }
            }
        }
        let size = self.layer_size();
        let mut spins = Vec::with_capacity((a.depth + 1) * size);
        spins.extend_from_slice(&self.data.inputs);
        if self.loss == Loss::Gaps {
            if hidden.len() != a.depth - 1 {
                return Err(parameter(
                    "hidden",
                    hidden.len(),
                    format!("{} hidden layers", a.depth - 1),
                ));
            }
            for layer in hidden {
                if layer.len() != size || layer.iter().any(|&s| s != 1.0 && s != -1.0) {
                    return Err(parameter(
                        "hidden",
                        layer.len(),
                        format!("{size} entries ±1 per layer (patterns x width)"),
                    ));
                }
                spins.extend_from_slice(layer);
            }
            spins.extend_from_slice(&self.data.outputs);
        } else {
            spins.resize((a.depth + 1) * size, 1.0);
        }
        let mut state = DesignState {
            outgoing: vec![0.0; weights.len()],
            weights,
            spins,
            fields: vec![0.0; a.depth * size],
            energy: 0,
            sweeps: 0,
        };
        self.refresh(&mut state);
        Ok(state)
    }

    /// A random start: uniform weights and (under [`Loss::Gaps`]) uniform hidden spins.
    pub fn random_state<R: Rng + ?Sized>(&self, rng: &mut R) -> DesignState {
        let a = self.architecture();
        let weights = draw_network_weights(a, rng);
        let hidden: Vec<Vec<f64>> = match self.loss {
            Loss::Gaps => (1..a.depth)
                .map(|_| {
                    (0..self.layer_size())
                        .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
                        .collect()
                })
                .collect(),
            Loss::OutputError => Vec::new(),
        };
        self.state(weights, &hidden)
            .expect("drawn weights and spins are valid")
    }

    /// The teacher's configuration (its weights and hidden representations):
    /// the start of "unlearning". `None` without a teacher.
    pub fn teacher_state(&self) -> Option<DesignState> {
        let teacher = self.data.teacher.as_ref()?;
        let depth = self.architecture().depth;
        let hidden = &teacher.layers[1..depth];
        Some(
            self.state(teacher.weights.clone(), hidden)
                .expect("the teacher's configuration is valid"),
        )
    }

    /// Recomputes the transposed weights, the fields, the feed-forward
    /// spins (under [`Loss::OutputError`]) and the energy from the weights and spins.
    pub fn refresh(&self, state: &mut DesignState) {
        let a = *self.architecture();
        let wiring = &self.data.wiring;
        for (index, &w) in state.weights.iter().enumerate() {
            state.outgoing[wiring.position(index)] = w;
        }
        let (n, m, size) = (a.width, self.data.patterns, self.layer_size());
        for l in 1..=a.depth {
            for mu in 0..m {
                let row = (l - 1) * size + mu * n;
                for k in 0..n {
                    let start = a.weight_index(l, k, 0);
                    let w = &state.weights[start..start + a.connectivity];
                    let input = &state.spins[row..row + n];
                    let h = if wiring.is_global() {
                        dot(w, input)
                    } else {
                        w.iter()
                            .zip(wiring.inputs(l, k))
                            .map(|(x, &i)| x * input[i as usize])
                            .sum()
                    };
                    let h = h * self.scale;
                    state.fields[row + k] = h;
                    if self.loss == Loss::OutputError {
                        state.spins[row + size + k] = if h >= 0.0 { 1.0 } else { -1.0 };
                    }
                }
            }
        }
        state.energy = self.recount(state);
    }

    /// The energy recounted from the stored spins and fields.
    pub fn recount(&self, state: &DesignState) -> u64 {
        let a = self.architecture();
        let size = self.layer_size();
        match self.loss {
            Loss::Gaps => state.spins[size..]
                .iter()
                .zip(&state.fields)
                .filter(|&(&s, &h)| s * h <= self.margin)
                .count() as u64,
            Loss::OutputError => state.spins[a.depth * size..]
                .iter()
                .zip(&self.data.outputs)
                .filter(|&(s, t)| s != t)
                .count() as u64,
        }
    }

    /// A fresh state recomputed from `state`'s weights and hidden spins
    /// (what the incremental updates must equal).
    pub fn recomputed(&self, state: &DesignState) -> DesignState {
        let mut fresh = state.clone();
        self.refresh(&mut fresh);
        fresh
    }

    /// The training error: $E$ over the number of its terms.
    pub fn training_error(&self, state: &DesignState) -> f64 {
        state.energy as f64 / self.constraints() as f64
    }

    /// The feed-forward representations of `inputs` ($\text{count}\times N$) by `state`'s weights.
    pub fn represent(&self, state: &DesignState, inputs: &[f64]) -> Vec<Vec<f64>> {
        feed_forward(&self.data.wiring, &state.weights, inputs)
    }
}

/// The wiring of a design space (for observables that need it).
impl DesignSpace {
    /// The wiring shared by every replica and the teacher.
    pub fn wiring(&self) -> &Wiring {
        &self.data.wiring
    }
}
