//! The exact master equation of the single-flip dynamics of a small Ising
//! system: the distribution over all $2^N$ configurations, propagated one
//! update at a time.

use serde::Serialize;

use crate::DynamicsError;
use crate::glauber::{IsingRule, IsingSystem};
use crate::schedule::Schedule;
use quench_core::{ParameterError, Spin};
use quench_mc::moves::EnergyChange;

/// The largest $N$ the master equation accepts ($2^N$ probabilities, and
/// $N$ more vectors per waiting time).
pub const MAX_EXACT_SIZE: usize = 16;

/// The transition matrix of one update of [`crate::ising_history`]: a site
/// $i$ drawn uniformly, flipped with probability $P(\Delta E_i)$, so
/// $W(s \to s^{(i)}) = P(\Delta E_i(s))/N$ and the rest stays. Configuration
/// $x$ (an integer below $2^N$) has $s_i = 1 - 2\\,\mathrm{bit}_i(x)$.
#[derive(Debug, Clone, PartialEq)]
pub struct MasterEquation {
    n: usize,
    energies: Vec<f64>,
    /// `flips[x * n + i]` $= P(\Delta E_i(x))/N$.
    flips: Vec<f64>,
    /// $1 - \sum_i$ `flips[x * n + i]`.
    stay: Vec<f64>,
}

/// Exact $e(t)$ and $C(t_w+\tau, t_w)$ from the uniform initial distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExactCurves {
    /// Times of `energy` (whole sweeps).
    pub times: Vec<f64>,
    /// $\langle H\rangle/N$ at `times`.
    pub energy: Vec<f64>,
    /// Waiting times (whole sweeps).
    pub waiting_times: Vec<f64>,
    /// Lags (whole sweeps).
    pub lags: Vec<f64>,
    /// `correlation[w][l]` $= \langle s(t_w+\tau_l)\cdot s(t_w)\rangle/N$.
    pub correlation: Vec<Vec<f64>>,
}

fn spins_of(x: usize, n: usize) -> Vec<Spin> {
    (0..n)
        .map(|i| if x >> i & 1 == 1 { -1 } else { 1 })
        .collect()
}

impl MasterEquation {
    /// Enumerates the $2^N$ configurations of `system` ($N \le$ [`MAX_EXACT_SIZE`]).
    pub fn new<M: IsingSystem>(system: &M, rule: IsingRule) -> Result<Self, DynamicsError> {
        let n = system.sites();
        if n == 0 || n > MAX_EXACT_SIZE {
            return Err(ParameterError::new(
                "n",
                n,
                format!("1..={MAX_EXACT_SIZE} spins for the exact master equation"),
            )
            .into());
        }
        let count = 1usize << n;
        let mut energies = Vec::with_capacity(count);
        let mut flips = Vec::with_capacity(count * n);
        let mut stay = Vec::with_capacity(count);
        for x in 0..count {
            let state = system.configure(spins_of(x, n));
            energies.push(system.energy_of(&state));
            let mut total = 0.0;
            for i in 0..n {
                let w = rule.flip_probability(system.change(&state, i).energy_change()) / n as f64;
                flips.push(w);
                total += w;
            }
            stay.push(1.0 - total);
        }
        Ok(Self {
            n,
            energies,
            flips,
            stay,
        })
    }

    /// The energies $H(x)$ of all configurations.
    pub fn energies(&self) -> &[f64] {
        &self.energies
    }

    /// One update applied to the (signed) measure `from`, written to `to`.
    pub fn update(&self, from: &[f64], to: &mut [f64]) {
        let n = self.n;
        for (x, slot) in to.iter_mut().enumerate() {
            let mut value = from[x] * self.stay[x];
            for i in 0..n {
                let y = x ^ (1 << i);
                value += from[y] * self.flips[y * n + i];
            }
            *slot = value;
        }
    }

    /// One sweep ($N$ updates) of `measure`, in place (`scratch` of the same length).
    pub fn sweep(&self, measure: &mut [f64], scratch: &mut [f64]) {
        for _ in 0..self.n {
            self.update(measure, scratch);
            measure.copy_from_slice(scratch);
        }
    }

    /// The update of the given site $i$ (flipped with probability
    /// $P(\Delta E_i)$, no site drawn) applied to `from`, written to `to`.
    pub fn site_update(&self, i: usize, from: &[f64], to: &mut [f64]) {
        let (n, scale) = (self.n, self.n as f64);
        for (x, slot) in to.iter_mut().enumerate() {
            let y = x ^ (1 << i);
            *slot = from[x] * (1.0 - scale * self.flips[x * n + i])
                + from[y] * scale * self.flips[y * n + i];
        }
    }

    /// Exact curves as [`MasterEquation::solve`] gives them, for sweeps that
    /// visit the sites in `order` (each once: a checkerboard, as the
    /// multispin kernel sweeps) instead of $N$ random sites.
    pub fn solve_in_order(
        &self,
        schedule: &Schedule,
        order: &[usize],
    ) -> Result<ExactCurves, DynamicsError> {
        let mut seen = vec![false; self.n];
        for &i in order {
            if i >= self.n || std::mem::replace(&mut seen[i], true) {
                return Err(ParameterError::new(
                    "order",
                    i,
                    format!("each site of 0..{} once", self.n),
                )
                .into());
            }
        }
        if order.len() != self.n {
            return Err(ParameterError::new(
                "order",
                order.len(),
                format!("{} sites, each once", self.n),
            )
            .into());
        }
        self.solve_with(schedule, |measure, scratch| {
            for &i in order {
                self.site_update(i, measure, scratch);
                measure.copy_from_slice(scratch);
            }
        })
    }

    /// Exact curves for `schedule` (times rounded to whole sweeps), from the
    /// uniform distribution. For $C$, the measures $p_{t_w}(x)\\,s_i(x)$ are
    /// propagated alongside $p_t$: by linearity they become
    /// $\sum_y p_{t_w}(y)\\,s_i(y)\\,W^{t-t_w}(y \to x)$.
    pub fn solve(&self, schedule: &Schedule) -> Result<ExactCurves, DynamicsError> {
        self.solve_with(schedule, |measure, scratch| self.sweep(measure, scratch))
    }

    fn solve_with(
        &self,
        schedule: &Schedule,
        sweep: impl Fn(&mut [f64], &mut [f64]),
    ) -> Result<ExactCurves, DynamicsError> {
        let steps = schedule.steps(1.0)?;
        let n = self.n;
        let count = self.energies.len();
        let mut measure = vec![1.0 / count as f64; count];
        let mut scratch = vec![0.0; count];
        let mut weighted: Vec<Vec<Vec<f64>>> = vec![Vec::new(); steps.waiting.len()];
        let mut energy = vec![0.0; steps.times.len()];
        let mut correlation = vec![vec![0.0; steps.lags.len()]; steps.waiting.len()];
        let spin = |x: usize, i: usize| if x >> i & 1 == 1 { -1.0 } else { 1.0 };
        for k in 0..=steps.last {
            for (slot, &t) in energy.iter_mut().zip(&steps.times) {
                if t == k {
                    *slot = measure
                        .iter()
                        .zip(&self.energies)
                        .map(|(p, e)| p * e)
                        .sum::<f64>()
                        / n as f64;
                }
            }
            for (w, &tw) in steps.waiting.iter().enumerate() {
                if tw == k {
                    weighted[w] = (0..n)
                        .map(|i| {
                            measure
                                .iter()
                                .enumerate()
                                .map(|(x, p)| p * spin(x, i))
                                .collect()
                        })
                        .collect();
                }
                for (l, &lag) in steps.lags.iter().enumerate() {
                    if tw + lag == k {
                        let total: f64 = weighted[w]
                            .iter()
                            .enumerate()
                            .map(|(i, v)| {
                                v.iter()
                                    .enumerate()
                                    .map(|(x, p)| p * spin(x, i))
                                    .sum::<f64>()
                            })
                            .sum();
                        correlation[w][l] = total / n as f64;
                    }
                }
            }
            if k == steps.last {
                break;
            }
            sweep(&mut measure, &mut scratch);
            for vectors in weighted.iter_mut() {
                for v in vectors.iter_mut() {
                    sweep(v, &mut scratch);
                }
            }
        }
        Ok(ExactCurves {
            times: steps.times.iter().map(|&k| k as f64).collect(),
            energy,
            waiting_times: steps.waiting.iter().map(|&k| k as f64).collect(),
            lags: steps.lags.iter().map(|&k| k as f64).collect(),
            correlation,
        })
    }
}
