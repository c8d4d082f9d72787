//! Binary weights $w_i = \pm1$ as a system of Ising variables whose energy
//! is the number of training errors,
//! $$ E(w) = \sum_{\mu=1}^P \mathbb 1\big(\Delta^\mu(w) \le \kappa\big),
//!    \qquad \Delta^\mu = \frac{y^\mu\, w\cdot x^\mu}{\sqrt N}, $$
//! so that the Boltzmann distribution at inverse temperature $\beta$ is the
//! Bayesian posterior $P(w\mid\text{data}) \propto e^{-\beta E(w)}$ and its
//! $\beta\to\infty$ limit the uniform measure on the version space (the
//! Gardner volume of binary weights).
//!
//! [`BinaryPerceptron`] implements [`LocalMoves`], so every acceptance and
//! schedule of `quench-mc` runs on it: Metropolis sweeps at $\beta$
//! ([`quench_mc::moves::sweep`]), greedy descent, simulated annealing, and
//! parallel tempering through [`quench_mc::Exchangeable`] on [`WeightChain`].
//! With $\pm1$ inputs an attempted flip costs two popcounts per 64
//! constraints: the state keeps, as bit sets, the constraints whose field
//! sits within one step of the threshold (the only ones a flip can break or
//! mend), and the signed inputs are kept as bits. An accepted flip updates
//! the $P$ fields and rebuilds those sets (one $O(P)$ vector pass). Real
//! inputs scan the fields on every attempt. The kernels are in
//! [`super::kernel`].

use super::data::{Inputs, TrainingSet};
use super::kernel;
use crate::error::{LearnError, check_spins, parameter};
use crate::simd::Simd;
use quench_core::Spin;
use quench_core::rng::StreamRng;
use quench_mc::moves::{EnergyChange, LocalMoves};
use quench_mc::tempering::Exchangeable;
use serde::{Deserialize, Serialize};

/// Largest $N$ with `i16` fields: $|h^\mu| \le N$ and a flip moves a field by 2.
const NARROW_LIMIT: usize = 32_000;

/// The signed inputs $\xi_i^\mu = y^\mu x_i^\mu$, weight-major.
#[derive(Debug, Clone, PartialEq)]
enum Columns {
    /// $\pm1$ inputs.
    Integer(Vec<i8>),
    /// Real inputs.
    Real(Vec<f64>),
}

/// The unnormalised fields $h^\mu = \sum_i w_i\xi_i^\mu$.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Fields {
    /// Integer fields, $N \le 32000$.
    Narrow(Vec<i16>),
    /// Integer fields.
    Wide(Vec<i32>),
    /// Real fields.
    Real(Vec<f64>),
}

/// A binary perceptron on one training set, with margin $\kappa$.
#[derive(Debug, Clone)]
pub struct BinaryPerceptron {
    dimension: usize,
    patterns: usize,
    margin: f64,
    columns: Columns,
    /// Integer inputs: a constraint is violated when $h^\mu <$ this
    /// ($\lfloor\kappa\sqrt N\rfloor + 1$, clamped to $[-N-3, N+3]$).
    integer_threshold: i32,
    /// Real inputs: violated when $h^\mu \le \kappa\sqrt N$.
    real_threshold: f64,
    /// Integer inputs: bit $\mu$ of weight $i$'s words is set when
    /// $\xi_i^\mu = +1$ ([`kernel::words`] words per weight).
    signs: Vec<u64>,
    simd: Simd,
}

/// The change a flip would make: $\Delta E$, an exact integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViolationChange {
    /// Change in the number of violated constraints.
    pub delta: i32,
}

impl EnergyChange for ViolationChange {
    #[inline]
    fn energy_change(self) -> f64 {
        f64::from(self.delta)
    }

    #[inline]
    fn lowers_energy(self) -> bool {
        self.delta < 0
    }
}

/// Weights, their fields and their energy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightState {
    /// $w_i = \pm1$.
    pub weights: Vec<Spin>,
    /// $h^\mu$.
    pub fields: Fields,
    /// $E$: the number of violated constraints.
    pub violations: u64,
    /// Integer inputs: the constraints a flip can break (fields in
    /// $[t, t+2)$), then those it can mend (in $[t-2, t)$), as bit sets of
    /// [`kernel::words`] words each; empty for real inputs.
    pub margins: Vec<u64>,
}

impl WeightState {
    /// The weights as reals.
    pub fn real_weights(&self) -> Vec<f64> {
        self.weights.iter().map(|&w| f64::from(w)).collect()
    }
}

impl BinaryPerceptron {
    /// The perceptron of `data` with margin `margin` ($\kappa$, any finite real).
    pub fn new(data: &TrainingSet, margin: f64) -> Result<Self, LearnError> {
        Self::with_simd(data, margin, Simd::detect())
    }

    /// As [`BinaryPerceptron::new`] with the portable (scalar) kernels: the
    /// reference the vector kernels must match.
    pub fn portable(data: &TrainingSet, margin: f64) -> Result<Self, LearnError> {
        Self::with_simd(data, margin, Simd::portable())
    }

    fn with_simd(data: &TrainingSet, margin: f64, simd: Simd) -> Result<Self, LearnError> {
        if !margin.is_finite() {
            return Err(parameter("margin", margin, "a finite real number"));
        }
        let n = data.dimension();
        let scaled = margin * (n as f64).sqrt();
        let columns = match data.inputs() {
            Inputs::Binary(_) => Columns::Integer(data.signed_columns_binary().unwrap_or_default()),
            Inputs::Real(_) => Columns::Real(data.signed_columns_real()),
        };
        let bound = n as f64 + 3.0;
        let words = kernel::words(data.patterns());
        let signs = match &columns {
            Columns::Integer(c) if data.patterns() > 0 => c
                .chunks(data.patterns())
                .flat_map(|column| {
                    column.chunks(64).map(|chunk| {
                        chunk
                            .iter()
                            .enumerate()
                            .fold(0, |a, (j, &x)| a | (u64::from(x > 0) << j))
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        debug_assert!(signs.is_empty() || signs.len() == n * words);
        Ok(Self {
            dimension: n,
            patterns: data.patterns(),
            margin,
            columns,
            integer_threshold: (scaled.floor() + 1.0).clamp(-bound, bound) as i32,
            real_threshold: scaled,
            signs,
            simd,
        })
    }

    /// Number of weights $N$.
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// Number of constraints $P$.
    pub fn patterns(&self) -> usize {
        self.patterns
    }

    /// The margin $\kappa$.
    pub fn margin(&self) -> f64 {
        self.margin
    }

    /// The state of `weights` (±1, $N$ of them), its fields computed from scratch.
    pub fn state(&self, weights: Vec<Spin>) -> Result<WeightState, LearnError> {
        check_spins(&weights, self.dimension)?;
        let p = self.patterns;
        let fields = match &self.columns {
            Columns::Integer(columns) => {
                let mut h = vec![0i32; p];
                for (i, &w) in weights.iter().enumerate() {
                    kernel::add_column_wide(
                        self.simd,
                        &mut h,
                        &columns[i * p..][..p],
                        i32::from(w),
                    );
                }
                if self.dimension <= NARROW_LIMIT {
                    Fields::Narrow(h.iter().map(|&x| x as i16).collect())
                } else {
                    Fields::Wide(h)
                }
            }
            Columns::Real(columns) => {
                let mut h = vec![0.0; p];
                for (i, &w) in weights.iter().enumerate() {
                    kernel::add_column_real(
                        self.simd,
                        &mut h,
                        &columns[i * p..][..p],
                        f64::from(w),
                    );
                }
                Fields::Real(h)
            }
        };
        let violations = self.count_violations(&fields);
        let mut state = WeightState {
            weights,
            fields,
            violations,
            margins: Vec::new(),
        };
        self.rebuild_margins(&mut state);
        Ok(state)
    }

    /// Recomputes the margin bit sets of an integer-input state from its fields.
    fn rebuild_margins(&self, state: &mut WeightState) {
        let words = kernel::words(self.patterns);
        let t = self.integer_threshold;
        state.margins.resize(2 * words, 0);
        let (risk, reach) = state.margins.split_at_mut(words);
        match &state.fields {
            Fields::Narrow(h) => kernel::margin_sets_narrow(self.simd, h, t, risk, reach),
            Fields::Wide(h) => kernel::margin_sets_wide(self.simd, h, t, risk, reach),
            Fields::Real(_) => state.margins.clear(),
        }
    }

    fn count_violations(&self, fields: &Fields) -> u64 {
        let t = self.integer_threshold;
        match fields {
            Fields::Narrow(h) => h.iter().filter(|&&x| i32::from(x) < t).count() as u64,
            Fields::Wide(h) => h.iter().filter(|&&x| x < t).count() as u64,
            Fields::Real(h) => h.iter().filter(|&&x| x <= self.real_threshold).count() as u64,
        }
    }

    /// The index of the first violated constraint of `state` ($P$ when
    /// every constraint holds): the number of leading patterns it stores.
    pub fn first_violation(&self, state: &WeightState) -> usize {
        let t = self.integer_threshold;
        let found = match &state.fields {
            Fields::Narrow(h) => h.iter().position(|&x| i32::from(x) < t),
            Fields::Wide(h) => h.iter().position(|&x| x < t),
            Fields::Real(h) => h.iter().position(|&x| x <= self.real_threshold),
        };
        found.unwrap_or(self.patterns)
    }

    /// The number of violated constraints of `state`, recounted from its fields.
    pub fn recount(&self, state: &WeightState) -> u64 {
        self.count_violations(&state.fields)
    }

    /// The stabilities $\Delta^\mu = h^\mu/\sqrt N$ of `state`.
    pub fn stabilities(&self, state: &WeightState) -> Vec<f64> {
        let scale = 1.0 / (self.dimension as f64).sqrt();
        match &state.fields {
            Fields::Narrow(h) => h.iter().map(|&x| f64::from(x) * scale).collect(),
            Fields::Wide(h) => h.iter().map(|&x| f64::from(x) * scale).collect(),
            Fields::Real(h) => h.iter().map(|&x| x * scale).collect(),
        }
    }

    /// The flip of weight `site` applied unconditionally; returns $\Delta E$
    /// (the step of an enumeration in Gray-code order).
    pub fn flip(&self, state: &mut WeightState, site: usize) -> i32 {
        let change = self.change(state, site);
        self.apply(state, site, change);
        change.delta
    }
}

impl LocalMoves for BinaryPerceptron {
    type State = WeightState;
    type Change = ViolationChange;

    fn sites(&self) -> usize {
        self.dimension
    }

    #[inline]
    fn change(&self, state: &WeightState, site: usize) -> ViolationChange {
        let p = self.patterns;
        let w = state.weights[site];
        let delta = match (&self.columns, &state.fields) {
            (Columns::Integer(_), Fields::Narrow(_) | Fields::Wide(_)) => {
                let words = kernel::words(p);
                let (risk, reach) = state.margins.split_at(words);
                kernel::flip_change_bits(
                    self.simd,
                    &self.signs[site * words..][..words],
                    risk,
                    reach,
                    w > 0,
                )
            }
            (Columns::Real(c), Fields::Real(h)) => kernel::flip_change_real(
                self.simd,
                &c[site * p..][..p],
                h,
                f64::from(w),
                self.real_threshold,
            ),
            _ => unreachable!("the state was made by this perceptron"),
        };
        ViolationChange { delta }
    }

    #[inline]
    fn apply(&self, state: &mut WeightState, site: usize, change: ViolationChange) {
        let p = self.patterns;
        let w = state.weights[site];
        match (&self.columns, &mut state.fields) {
            (Columns::Integer(c), Fields::Narrow(h)) => {
                kernel::add_column_narrow(self.simd, h, &c[site * p..][..p], -2 * i16::from(w))
            }
            (Columns::Integer(c), Fields::Wide(h)) => {
                kernel::add_column_wide(self.simd, h, &c[site * p..][..p], -2 * i32::from(w))
            }
            (Columns::Real(c), Fields::Real(h)) => {
                kernel::add_column_real(self.simd, h, &c[site * p..][..p], -2.0 * f64::from(w))
            }
            _ => unreachable!("the state was made by this perceptron"),
        }
        if matches!(self.columns, Columns::Integer(_)) {
            self.rebuild_margins(state);
        }
        state.weights[site] = -w;
        state.violations = state
            .violations
            .wrapping_add_signed(i64::from(change.delta));
    }

    #[inline]
    fn prepare(&self, site: usize) {
        let p = self.patterns;
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let address = match &self.columns {
                Columns::Integer(_) => {
                    let words = kernel::words(p);
                    self.signs[site * words..].as_ptr() as *const i8
                }
                Columns::Real(c) => c[site * p..].as_ptr() as *const i8,
            };
            // SAFETY: a prefetch of a valid address has no effect on memory.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(address) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (site, p);
    }
}

/// A chain of binary weights that owns its random stream (what parallel
/// tempering exchanges and a checkpoint saves).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightChain {
    /// The weights and their fields.
    pub state: WeightState,
    /// The chain's stream of moves.
    pub rng: StreamRng,
}

impl Exchangeable for WeightChain {
    #[inline]
    fn energy(&self) -> f64 {
        self.state.violations as f64
    }

    #[inline]
    fn swap_configuration(&mut self, other: &mut Self) {
        std::mem::swap(&mut self.state, &mut other.state);
    }
}
