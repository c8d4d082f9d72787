//! Dense associative memories: binary spins, many-body energies.
//!
//! With the integer overlaps $M_\mu = \xi^\mu \cdot s = N m_\mu$ (not divided
//! by $N$ or $\sqrt N$: every $F$ below takes the raw dot product, as in the
//! papers that introduced them),
//! $$ E(s) = -\sum_{\mu=1}^P F(M_\mu) \quad\text{or}\quad
//!    E(s) = -\frac1\lambda \log \sum_{\mu=1}^P e^{\lambda M_\mu}, $$
//! see [`Interaction`] for the choices of $F$: polynomial $x^n$ and rectified
//! $\max(x,0)^n$ (Krotov and Hopfield 2016), exponential $e^x$ (Demircigil
//! et al. 2017), and log-sum-exp (Lucibello and Mézard 2024, whose
//! "scaled dot-product" regime is $\lambda \propto 1/\sqrt N$ here).
//! $F(x) = x^2$ is the Hopfield network: $E = 2 N H - PN$ exactly.
//!
//! **Single flips in $O(P)$.** Flipping $s_i$ moves every $M_\mu$ by
//! $-2 t_\mu$ with $t_\mu = s_i \xi_i^\mu$. With per-pattern caches
//! $d_\mu = F(M_\mu - 2) - F(M_\mu)$ and $u_\mu = F(M_\mu + 2) - F(M_\mu)$,
//! $$ \Delta E_i = -\sum_\mu \bigl(t_\mu = +1\ ?\ d_\mu : u_\mu\bigr), $$
//! one select-and-add pass over the spin's contiguous column. A flip updates
//! the $P$ overlaps and caches, $O(P)$.
//!
//! **No overflow.** The exponential forms keep their caches relative to the
//! largest overlap $r = \max_\mu M_\mu$: $w_\mu = e^{\lambda(M_\mu - r)} \le 1$
//! (read from a table by $r - M_\mu$), $W = \sum_\mu w_\mu \ge 1$; then
//! $$ \Delta E_i^{\exp} = -e^{r} \sum_\mu w_\mu (e^{-2 t_\mu} - 1),\qquad
//!    \Delta E_i^{\mathrm{lse}} = -\frac1\lambda \log \frac{\sum_\mu w_\mu e^{-2\lambda t_\mu}}{W}, $$
//! where the zero-temperature decision needs only the sign of the sum (or
//! the comparison with $W$), never $e^{r}$. Polynomial caches are exact
//! integers in `f64` while $P\\,(N+2)^n < 2^{53}$ (e.g. $n = 3$ up to
//! $N = 10^4$ and $P = 9000$), which makes $n = 2$ reproduce the Hopfield
//! energy changes exactly.
//!
//! Continuous "modern Hopfield" memories are in [`continuous`]; the capacity
//! workflow in [`capacity`].

pub mod capacity;
pub mod continuous;

use crate::dynamics::{Relaxation, UpdateOrder};
use crate::error::{LearnError, check_spins, parameter, positive};
use crate::patterns::BinaryPatterns;
use crate::simd::{Simd, dispatched};
use quench_core::Spin;
use quench_mc::moves::{self, EnergyChange, Glauber, LocalMoves};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// The interaction $F$ of a dense associative memory (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Interaction {
    /// $F(x) = x^n$, $n \ge 1$; $n = 2$ is the Hopfield network, and the
    /// capacity grows as $N^{n-1}$.
    Polynomial {
        /// The degree $n$.
        degree: u32,
    },
    /// $F(x) = \max(x, 0)^n$, $n \ge 1$.
    RectifiedPolynomial {
        /// The degree $n$.
        degree: u32,
    },
    /// $F(x) = e^x$: capacity exponential in $N$.
    Exponential,
    /// $E = -\frac1\lambda \log \sum_\mu e^{\lambda M_\mu}$, $\lambda > 0$.
    LogSumExp {
        /// The sharpness $\lambda$ (per unit of integer overlap).
        sharpness: f64,
    },
}

impl Interaction {
    /// Checks the parameters (degree $1 \le n \le 64$, finite $\lambda > 0$).
    pub fn validate(&self) -> Result<(), LearnError> {
        match *self {
            Interaction::Polynomial { degree } | Interaction::RectifiedPolynomial { degree } => {
                if (1..=64).contains(&degree) {
                    Ok(())
                } else {
                    Err(parameter("degree", degree, "an integer 1 <= degree <= 64"))
                }
            }
            Interaction::Exponential => Ok(()),
            Interaction::LogSumExp { sharpness } => positive("sharpness", sharpness).map(|_| ()),
        }
    }

    /// $F(x)$ for the separable interactions (`None` for log-sum-exp).
    pub fn separation(&self, x: f64) -> Option<f64> {
        match *self {
            Interaction::Polynomial { degree } => Some(x.powi(degree as i32)),
            Interaction::RectifiedPolynomial { degree } => Some(x.max(0.0).powi(degree as i32)),
            Interaction::Exponential => Some(x.exp()),
            Interaction::LogSumExp { .. } => None,
        }
    }

    /// The energy $E$ straight from the overlaps (the reference the caches
    /// are tested against; may overflow to $-\infty$ for the exponential).
    pub fn energy_of_overlaps(&self, overlaps: &[i32]) -> f64 {
        match *self {
            Interaction::LogSumExp { sharpness } => {
                let largest = overlaps.iter().copied().max().map_or(0.0, f64::from);
                let sum: f64 = overlaps
                    .iter()
                    .map(|&m| (sharpness * (f64::from(m) - largest)).exp())
                    .sum();
                -largest - sum.ln() / sharpness
            }
            _ => -overlaps
                .iter()
                .map(|&m| self.separation(f64::from(m)).expect("separable"))
                .sum::<f64>(),
        }
    }
}

dispatched! {
    /// $\sum_\mu (\xi_i^\mu = s_i\ ?\ d_\mu : u_\mu)$ with eight accumulators
    /// (a fixed order of summation, identical for every instruction set).
    pub fn select_sum(column: &[i8], spin: i8, down: &[f64], up: &[f64]) -> f64 {
        let mut lanes = [0.0f64; 8];
        let chunks = column.chunks_exact(8).zip(down.chunks_exact(8).zip(up.chunks_exact(8)));
        for (c, (d, u)) in chunks {
            for l in 0..8 {
                lanes[l] += if c[l] == spin { d[l] } else { u[l] };
            }
        }
        let done = column.len() / 8 * 8;
        let mut tail = 0.0;
        for k in done..column.len() {
            tail += if column[k] == spin { down[k] } else { up[k] };
        }
        ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))
            + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
            + tail
    }
}

/// A dense associative memory over binary patterns. Immutable; the chain is
/// a [`DenseState`].
#[derive(Debug, Clone, PartialEq)]
pub struct DenseMemory {
    patterns: BinaryPatterns,
    spin_major: Vec<Spin>,
    interaction: Interaction,
    /// Polynomial: $F(M-2) - F(M)$ at index $M + N$; exponential forms:
    /// $e^{-\lambda d}$ at index $d = r - M \in \[0, 2N\]$.
    table_down: Vec<f64>,
    /// Polynomial: $F(M+2) - F(M)$ at index $M + N$ (empty otherwise).
    table_up: Vec<f64>,
    /// Exponential forms: the factors of $w_\mu$ in $d_\mu$ and $u_\mu$.
    factors: (f64, f64),
    simd: Simd,
}

/// One chain of a [`DenseMemory`]: spins, integer overlaps and the
/// per-pattern caches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseState {
    spins: Vec<Spin>,
    overlaps: Vec<i32>,
    down: Vec<f64>,
    up: Vec<f64>,
    reference: i32,
    weight_sum: f64,
}

impl DenseState {
    /// The spins.
    pub fn spins(&self) -> &[Spin] {
        &self.spins
    }

    /// The integer overlaps $M_\mu$.
    pub fn integer_overlaps(&self) -> &[i32] {
        &self.overlaps
    }
}

impl DenseMemory {
    /// Stores `patterns` with the interaction $F$.
    pub fn new(patterns: BinaryPatterns, interaction: Interaction) -> Result<Self, LearnError> {
        interaction.validate()?;
        let n = patterns.neurons();
        if n > (i32::MAX / 4) as usize {
            return Err(parameter("neurons", n, format!("at most {}", i32::MAX / 4)));
        }
        let (table_down, table_up, factors) = match interaction {
            Interaction::Polynomial { .. } | Interaction::RectifiedPolynomial { .. } => {
                let f = |m: i64| interaction.separation(m as f64).expect("separable");
                let range = -(n as i64)..=n as i64;
                (
                    range.clone().map(|m| f(m - 2) - f(m)).collect(),
                    range.map(|m| f(m + 2) - f(m)).collect(),
                    (0.0, 0.0),
                )
            }
            Interaction::Exponential => (
                (0..=2 * n).map(|d| (-(d as f64)).exp()).collect(),
                Vec::new(),
                ((-2.0f64).exp() - 1.0, 2.0f64.exp() - 1.0),
            ),
            Interaction::LogSumExp { sharpness } => (
                (0..=2 * n).map(|d| (-sharpness * d as f64).exp()).collect(),
                Vec::new(),
                ((-2.0 * sharpness).exp(), (2.0 * sharpness).exp()),
            ),
        };
        Ok(Self {
            spin_major: patterns.spin_major(),
            patterns,
            interaction,
            table_down,
            table_up,
            factors,
            simd: Simd::detect(),
        })
    }

    /// The stored patterns.
    pub fn patterns(&self) -> &BinaryPatterns {
        &self.patterns
    }

    /// The interaction.
    pub fn interaction(&self) -> Interaction {
        self.interaction
    }

    /// A chain at `spins` (length $N$, entries ±1).
    pub fn state(&self, spins: Vec<Spin>) -> Result<DenseState, LearnError> {
        check_spins(&spins, self.patterns.neurons())?;
        let p = self.patterns.count();
        let mut state = DenseState {
            overlaps: self.patterns.integer_overlaps(&spins),
            spins,
            down: vec![0.0; p],
            up: vec![0.0; p],
            reference: 0,
            weight_sum: 0.0,
        };
        self.refresh(&mut state);
        Ok(state)
    }

    /// Recomputes the per-pattern caches from the overlaps, $O(P)$.
    fn refresh(&self, state: &mut DenseState) {
        let n = self.patterns.neurons() as i32;
        match self.interaction {
            Interaction::Polynomial { .. } | Interaction::RectifiedPolynomial { .. } => {
                for ((d, u), &m) in state
                    .down
                    .iter_mut()
                    .zip(&mut state.up)
                    .zip(&state.overlaps)
                {
                    let index = (m + n) as usize;
                    *d = self.table_down[index];
                    *u = self.table_up[index];
                }
            }
            Interaction::Exponential | Interaction::LogSumExp { .. } => {
                let reference = *state.overlaps.iter().max().expect("P >= 1");
                let (down_factor, up_factor) = self.factors;
                let mut weight_sum = 0.0;
                for ((d, u), &m) in state
                    .down
                    .iter_mut()
                    .zip(&mut state.up)
                    .zip(&state.overlaps)
                {
                    let w = self.table_down[(reference - m) as usize];
                    *d = w * down_factor;
                    *u = w * up_factor;
                    weight_sum += w;
                }
                state.reference = reference;
                state.weight_sum = weight_sum;
            }
        }
    }

    fn column(&self, i: usize) -> &[Spin] {
        let p = self.patterns.count();
        &self.spin_major[i * p..(i + 1) * p]
    }

    /// The select-sum $S_i$ of the module docs.
    #[inline]
    fn flip_sum(&self, state: &DenseState, i: usize) -> f64 {
        select_sum(
            self.simd,
            self.column(i),
            state.spins[i],
            &state.down,
            &state.up,
        )
    }

    /// The energy change $\Delta E_i = E(s \text{ with } s_i \text{ flipped}) - E(s)$,
    /// $O(P)$. For the exponential it may be $\pm\infty$ when $e^{r}$
    /// overflows ($N \gtrsim 700$); its sign is always right.
    pub fn flip_energy(&self, state: &DenseState, i: usize) -> f64 {
        self.change(state, i).energy_change()
    }

    /// The energy $E(s)$ from the caches (exponential: may be $-\infty$ when
    /// $e^{r}$ overflows).
    pub fn energy(&self, state: &DenseState) -> f64 {
        match self.interaction {
            Interaction::Exponential => -(f64::from(state.reference) + state.weight_sum.ln()).exp(),
            Interaction::LogSumExp { sharpness } => {
                -f64::from(state.reference) - state.weight_sum.ln() / sharpness
            }
            _ => self.interaction.energy_of_overlaps(&state.overlaps),
        }
    }

    /// The overlaps $m_\mu = M_\mu / N$.
    pub fn overlaps(&self, state: &DenseState) -> Vec<f64> {
        let n = self.patterns.neurons() as f64;
        state.overlaps.iter().map(|&m| f64::from(m) / n).collect()
    }

    /// Flips spin $i$ and updates overlaps and caches, $O(P)$.
    pub fn flip(&self, state: &mut DenseState, i: usize) {
        let new = -state.spins[i];
        state.spins[i] = new;
        let column = &self.spin_major[i * self.patterns.count()..(i + 1) * self.patterns.count()];
        crate::hopfield::kernel::add_column(
            self.simd,
            &mut state.overlaps,
            column,
            2 * i32::from(new),
        );
        self.refresh(state);
    }

    /// Zero-temperature asynchronous dynamics (flip when $\Delta E_i < 0$)
    /// for at most `max_sweeps` sweeps, until one changes nothing.
    pub fn relax<R: Rng + ?Sized>(
        &self,
        state: &mut DenseState,
        kind: UpdateOrder,
        max_sweeps: usize,
        rng: &mut R,
    ) -> Relaxation {
        crate::dynamics::relax(self, state, kind, max_sweeps, rng)
    }

    /// One Glauber (heat-bath) sweep at temperature $T > 0$: spin $i$ flips
    /// with probability $1/(1 + e^{\Delta E_i / T})$. Returns the number of
    /// flips; `order` is the visiting order's buffer.
    pub fn glauber_sweep<R: Rng + ?Sized>(
        &self,
        state: &mut DenseState,
        kind: UpdateOrder,
        temperature: f64,
        order: &mut Vec<usize>,
        rng: &mut R,
    ) -> Result<u64, LearnError> {
        positive("temperature", temperature)?;
        Ok(moves::sweep(
            self,
            state,
            &Glauber { temperature },
            kind.visit(),
            order,
            rng,
        ))
    }
}

/// The flip of spin $i$ of a dense memory: the select-sum $S_i$ of the
/// module docs and what the interaction needs to turn it into $\Delta E_i$.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DenseFlip {
    sum: f64,
    interaction: Interaction,
    reference: i32,
    weight_sum: f64,
}

impl EnergyChange for DenseFlip {
    fn energy_change(self) -> f64 {
        let sum = self.sum;
        match self.interaction {
            Interaction::Polynomial { .. } | Interaction::RectifiedPolynomial { .. } => -sum,
            Interaction::Exponential => {
                if sum == 0.0 {
                    0.0
                } else {
                    -sum.signum() * (f64::from(self.reference) + sum.abs().ln()).exp()
                }
            }
            Interaction::LogSumExp { sharpness } => -(sum / self.weight_sum).ln() / sharpness,
        }
    }

    /// Exact from the select-sum, without the exponential or logarithm.
    #[inline]
    fn lowers_energy(self) -> bool {
        match self.interaction {
            Interaction::LogSumExp { .. } => self.sum > self.weight_sum,
            _ => self.sum > 0.0,
        }
    }
}

impl LocalMoves for DenseMemory {
    type State = DenseState;
    type Change = DenseFlip;

    fn sites(&self) -> usize {
        self.patterns.neurons()
    }

    #[inline]
    fn change(&self, state: &DenseState, i: usize) -> DenseFlip {
        DenseFlip {
            sum: self.flip_sum(state, i),
            interaction: self.interaction,
            reference: state.reference,
            weight_sum: state.weight_sum,
        }
    }

    #[inline]
    fn apply(&self, state: &mut DenseState, i: usize, _change: DenseFlip) {
        DenseMemory::flip(self, state, i)
    }
}

#[cfg(test)]
mod tests;
