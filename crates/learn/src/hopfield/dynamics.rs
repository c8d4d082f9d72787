//! Dynamics of the Hopfield network: zero-temperature asynchronous and
//! synchronous updates, Glauber heat bath.
//!
//! Every decision reads the exact integer field $N h_i$, and the random
//! numbers are drawn in the same order whatever the representation, so the
//! two representations follow identical trajectories.

use super::{HopfieldNetwork, HopfieldState};
use crate::dynamics::{Outcome, Relaxation, UpdateOrder};
use crate::error::{LearnError, at_least, positive};
use quench_core::Spin;
use quench_mc::moves::{self, Acceptance, Greedy, LocalMoves, SpinFlip};
use rand::Rng;

/// Largest half-width of the tabulated heat-bath thresholds (entries for
/// $|N h| \le$ this value; beyond it they are computed on the fly, with the
/// same formula, so the table changes the speed and never the result).
const TABLE_HALF_WIDTH: usize = 1 << 20;

/// Heat-bath acceptance at temperature $T$, tabulated by the integer field.
///
/// Spin $i$ becomes $+1$ with probability
/// $$ p_+(h_i) = \frac{1}{1 + e^{-2 h_i / T}}, \qquad h_i = \frac{N h_i}{N}, $$
/// decided as `rng.next_u64() < threshold(N h_i)` with the threshold
/// $\lfloor p_+ 2^{64} \rfloor$ (saturated), so that one 64-bit draw decides
/// each update and the decision is exact integer arithmetic. The table
/// covers $|N h| \le \min\bigl((N-1)P,\ 23\\,N T,\ 2^{20}\bigr)$; at
/// $|N h| = 23 N T$ the probability already differs from 0 or 1 by less than
/// $2^{-64}$.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatBath {
    temperature: f64,
    neurons: usize,
    half_width: i64,
    thresholds: Vec<u64>,
}

impl HeatBath {
    /// The table for $N$ neurons, $P$ patterns and temperature $T > 0$.
    pub fn new(neurons: usize, patterns: usize, temperature: f64) -> Result<Self, LearnError> {
        at_least("neurons", neurons, 1)?;
        positive("temperature", temperature)?;
        let reach = (neurons.saturating_sub(1)).saturating_mul(patterns);
        let saturation = (23.0 * neurons as f64 * temperature).ceil();
        let half_width = reach
            .min(TABLE_HALF_WIDTH)
            .min(if saturation < TABLE_HALF_WIDTH as f64 {
                saturation as usize
            } else {
                usize::MAX
            });
        let mut table = Self {
            temperature,
            neurons,
            half_width: half_width as i64,
            thresholds: Vec::new(),
        };
        table.thresholds = (-(half_width as i64)..=half_width as i64)
            .map(|x| table.compute(x as i32))
            .collect();
        Ok(table)
    }

    /// The temperature $T$.
    pub fn temperature(&self) -> f64 {
        self.temperature
    }

    pub(crate) fn compute(&self, integer_field: i32) -> u64 {
        let h = f64::from(integer_field) / self.neurons as f64;
        let up = 1.0 / (1.0 + (-2.0 * h / self.temperature).exp());
        // Saturating conversion: p = 1 gives u64::MAX.
        (up * 18_446_744_073_709_551_616.0) as u64
    }

    /// The threshold for the integer field $N h$: the spin becomes $+1$ when a
    /// uniform 64-bit draw is below it.
    #[inline]
    pub fn threshold(&self, integer_field: i32) -> u64 {
        let offset = i64::from(integer_field) + self.half_width;
        if (0..self.thresholds.len() as i64).contains(&offset) {
            self.thresholds[offset as usize]
        } else {
            self.compute(integer_field)
        }
    }

    /// The probability $p_+$ that the spin becomes $+1$ (as decided).
    pub fn probability_up(&self, integer_field: i32) -> f64 {
        self.threshold(integer_field) as f64 / 18_446_744_073_709_551_616.0
    }
}

impl HopfieldNetwork {
    /// One zero-temperature asynchronous sweep: each spin in turn takes the
    /// sign of its field, $s_i \leftarrow \mathrm{sign}(h_i)$, and keeps its
    /// value when $h_i = 0$. Returns the number of flips. `order` is the
    /// visiting order's buffer (resized to $N$; reuse it across sweeps).
    pub fn zero_temperature_sweep<R: Rng + ?Sized>(
        &self,
        state: &mut HopfieldState,
        kind: UpdateOrder,
        order: &mut Vec<usize>,
        rng: &mut R,
    ) -> u64 {
        moves::sweep(self, state, &Greedy, kind.visit(), order, rng)
    }

    /// Zero-temperature asynchronous dynamics for at most `max_sweeps` sweeps,
    /// until a sweep changes nothing ([`Outcome::FixedPoint`]; that sweep
    /// counts against the budget but not in [`Relaxation::sweeps`]) or the
    /// budget runs out ([`Outcome::NotConverged`]). Random numbers (for
    /// [`UpdateOrder::Random`]) come from `rng`, by convention the stream
    /// `(seed, Dynamics, sample, chain)`.
    pub fn relax<R: Rng + ?Sized>(
        &self,
        state: &mut HopfieldState,
        kind: UpdateOrder,
        max_sweeps: usize,
        rng: &mut R,
    ) -> Relaxation {
        crate::dynamics::relax(self, state, kind, max_sweeps, rng)
    }

    /// One synchronous (parallel) step $s_i(t+1) = \mathrm{sign}(h_i(s(t)))$,
    /// keeping $s_i$ where $h_i = 0$. Returns the number of spins changed.
    /// `fields` is a buffer of length $N$ (overwritten).
    pub fn synchronous_step(&self, state: &mut HopfieldState, fields: &mut [i32]) -> u64 {
        for (i, field) in fields.iter_mut().enumerate() {
            *field = self.integer_field(state, i);
        }
        let mut flips = 0;
        for (i, &field) in fields.iter().enumerate() {
            if i32::from(state.spins[i]) * field < 0 {
                self.flip(state, i);
                flips += 1;
            }
        }
        flips
    }

    /// Synchronous dynamics until a fixed point ([`Outcome::FixedPoint`]), a
    /// return to the state of two steps before ([`Outcome::TwoCycle`], the
    /// only other attractor of parallel dynamics with symmetric couplings),
    /// for at most `max_steps` steps ([`Outcome::NotConverged`]).
    pub fn synchronous(&self, state: &mut HopfieldState, max_steps: usize) -> Relaxation {
        let mut fields = vec![0; self.neurons()];
        let mut older: Vec<Spin> = Vec::new();
        let mut relaxation = Relaxation {
            sweeps: 0,
            flips: 0,
            outcome: Outcome::NotConverged,
        };
        for _ in 0..max_steps {
            let previous = state.spins.clone();
            let flips = self.synchronous_step(state, &mut fields);
            if flips == 0 {
                relaxation.outcome = Outcome::FixedPoint;
                break;
            }
            relaxation.sweeps += 1;
            relaxation.flips += flips;
            if state.spins == older {
                relaxation.outcome = Outcome::TwoCycle;
                break;
            }
            older = previous;
        }
        relaxation
    }

    /// One Glauber (heat-bath) sweep at the temperature of `heat_bath`: each
    /// spin in turn is set to $+1$ with probability $p_+(h_i)$. Returns the
    /// number of flips. One 64-bit draw per update (after the order's draws);
    /// `order` is the visiting order's buffer.
    pub fn glauber_sweep<R: Rng + ?Sized>(
        &self,
        state: &mut HopfieldState,
        kind: UpdateOrder,
        heat_bath: &HeatBath,
        order: &mut Vec<usize>,
        rng: &mut R,
    ) -> u64 {
        moves::sweep(self, state, heat_bath, kind.visit(), order, rng)
    }
}

/// The tabulated heat bath decides a spin from its exact integer field.
impl Acceptance<SpinFlip<i32>> for HeatBath {
    #[inline]
    fn accept<R: Rng + ?Sized>(&self, change: SpinFlip<i32>, rng: &mut R) -> bool {
        let up = rng.next_u64() < self.threshold(change.field);
        up != (change.spin > 0)
    }
}

/// Spin flips with the exact integer field $N h_i$, so that zero-temperature
/// decisions are exact and both representations decide alike.
impl LocalMoves for HopfieldNetwork {
    type State = HopfieldState;
    type Change = SpinFlip<i32>;

    fn sites(&self) -> usize {
        self.patterns.neurons()
    }

    #[inline]
    fn change(&self, state: &HopfieldState, i: usize) -> SpinFlip<i32> {
        SpinFlip {
            spin: state.spins[i],
            field: self.integer_field(state, i),
        }
    }

    #[inline]
    fn apply(&self, state: &mut HopfieldState, i: usize, _change: SpinFlip<i32>) {
        HopfieldNetwork::flip(self, state, i)
    }

    #[inline]
    fn prepare(&self, i: usize) {
        self.prefetch_column(i)
    }
}
