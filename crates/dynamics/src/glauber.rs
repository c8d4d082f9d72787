//! Glauber (heat bath) and Metropolis dynamics of Ising systems after a
//! quench from a random configuration, through `quench_mc`'s move seam.

use rand::RngExt;
use rayon::prelude::*;
use serde::Serialize;

use crate::DynamicsError;
use crate::langevin::field_signs;
use crate::schedule::{DynamicsRecord, DynamicsSummary, Schedule, summarize};
use quench_core::rng::{Purpose, stream};
use quench_core::{ParameterError, Spin, random_spins};
use quench_mc::moves::{EnergyChange, LocalMoves, SpinFlip};
use quench_mc::{Configuration, SampleMoves};

/// A system of $\pm1$ spins moved by single flips through the move seam,
/// with what the dynamics measures: its spins and its energy.
/// [`crate::IsingPSpin`] is one; any other `LocalMoves` model with
/// [`SpinFlip`] changes joins by implementing the three methods.
pub trait IsingSystem: LocalMoves<Change = SpinFlip<f64>> {
    /// The state (caches included) of the configuration `spins`.
    fn configure(&self, spins: Vec<Spin>) -> Self::State;
    /// The spins of `state`.
    fn spins<'a>(&self, state: &'a Self::State) -> &'a [Spin];
    /// The energy $H$ of `state`.
    fn energy_of(&self, state: &Self::State) -> f64;
}

/// Any quench-core sample (SK, Edwards–Anderson, random graphs, Hopfield
/// couplings, instances) through `quench_mc`'s [`SampleMoves`].
impl IsingSystem for SampleMoves<'_> {
    fn configure(&self, spins: Vec<Spin>) -> Configuration {
        let energy = self.sample.energy(&spins);
        Configuration { spins, energy }
    }

    fn spins<'a>(&self, state: &'a Configuration) -> &'a [Spin] {
        &state.spins
    }

    fn energy_of(&self, state: &Configuration) -> f64 {
        state.energy
    }
}

/// The single-flip rule: the probability that a proposed flip with energy
/// change $\Delta E$ is made.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum IsingRule {
    /// Glauber (heat bath in flip form): $1/(1 + e^{\Delta E/T})$, as
    /// `quench_mc::moves::Glauber`.
    Glauber {
        /// $T > 0$.
        temperature: f64,
    },
    /// Metropolis: $\min(1, e^{-\Delta E/T})$.
    Metropolis {
        /// $T > 0$.
        temperature: f64,
    },
}

impl IsingRule {
    /// The probability that a flip with energy change `delta` is made.
    #[inline]
    pub fn flip_probability(self, delta: f64) -> f64 {
        match self {
            IsingRule::Glauber { temperature } => 1.0 / (1.0 + (delta / temperature).exp()),
            IsingRule::Metropolis { temperature } => (-delta / temperature).exp().min(1.0),
        }
    }

    fn temperature(self) -> f64 {
        match self {
            IsingRule::Glauber { temperature } | IsingRule::Metropolis { temperature } => {
                temperature
            }
        }
    }
}

/// Parameters of the single-flip dynamics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IsingSettings {
    /// The flip rule and its temperature.
    pub rule: IsingRule,
    /// Amplitude $h$ of the random field of the twins; $0$ measures no response.
    pub field: f64,
}

/// One update: draws a site uniformly (`random_range(0..n)`) and one uniform
/// $u$, and flips the site where $u$ is below the flip probability. For
/// Glauber this is, draw for draw, one step of
/// `quench_mc::moves::sweep` with `Visit::RandomSites` and `Glauber`;
/// Metropolis draws its uniform even when $\Delta E \le 0$ (quench_mc's does
/// not), so that a twin always sees the same numbers.
#[inline]
fn update<M: IsingSystem, R: rand::Rng + ?Sized>(
    system: &M,
    rule: IsingRule,
    state: &mut M::State,
    twins: &mut [(Option<M::State>, Vec<f64>)],
    rng: &mut R,
) {
    let site = rng.random_range(0..system.sites());
    let u = rng.random::<f64>();
    let change = system.change(state, site);
    if u < rule.flip_probability(change.energy_change()) {
        system.apply(state, site, change);
    }
    for (twin, push) in twins.iter_mut() {
        if let Some(twin) = twin {
            let change = system.change(twin, site);
            let perturbed = SpinFlip {
                spin: change.spin,
                field: change.field + push[site],
            };
            if u < rule.flip_probability(perturbed.energy_change()) {
                system.apply(twin, site, change);
            }
        }
    }
}

/// One sweep ($N$ updates at uniformly random sites) of `state` alone, as
/// the histories make it.
pub fn ising_sweep<M: IsingSystem, R: rand::Rng + ?Sized>(
    system: &M,
    rule: IsingRule,
    state: &mut M::State,
    rng: &mut R,
) {
    for _ in 0..system.sites() {
        update(system, rule, state, &mut [], rng);
    }
}

/// One thermal history of `system` (disorder index `sample_index`): a quench
/// from a uniformly random configuration (stream `(seed, InitialState,
/// sample_index, history)`) into the bath, updates from `(seed, Dynamics,
/// sample_index, history)`, field directions from `(seed, Named("response
/// field"), sample_index, history)`. One unit of time is one sweep of $N$
/// updates at uniformly random sites (with replacement).
///
/// The twin of each waiting time starts as a copy and feels the field
/// $h\epsilon_i$ (energy $H - h\sum_i\epsilon_i s_i$) with the same site and
/// uniform at every update;
/// $\chi = \frac{1}{hN}\sum_i\epsilon_i(s^h_i - s_i)$.
pub fn ising_history<M>(
    system: &M,
    settings: &IsingSettings,
    schedule: &Schedule,
    seed: u64,
    sample_index: u64,
    history: u64,
) -> Result<DynamicsRecord, DynamicsError>
where
    M: IsingSystem,
    M::State: Clone,
{
    let temperature = settings.rule.temperature();
    if !(temperature.is_finite() && temperature > 0.0) {
        return Err(ParameterError::new("temperature", temperature, "a finite T > 0").into());
    }
    if !(settings.field.is_finite() && settings.field >= 0.0) {
        return Err(ParameterError::new(
            "field",
            settings.field,
            "a finite h >= 0 (0: no response)",
        )
        .into());
    }
    let steps = schedule.steps(1.0)?;
    let n = system.sites();
    let nf = n as f64;
    let with_response = settings.field > 0.0;
    let mut record = DynamicsRecord::new(sample_index, history, &steps, 1.0, with_response);

    let spins = random_spins(
        n,
        &mut stream(seed, Purpose::InitialState, sample_index, history),
    );
    let mut state = system.configure(spins);
    let mut rng = stream(seed, Purpose::Dynamics, sample_index, history);
    let signs = field_signs(seed, sample_index, history, steps.waiting.len(), n);
    let mut twins: Vec<(Option<M::State>, Vec<f64>)> = signs
        .iter()
        .map(|e| (None, e.iter().map(|x| settings.field * x).collect()))
        .collect();
    let mut snapshots: Vec<Option<Vec<Spin>>> = vec![None; steps.waiting.len()];
    let max_lag = steps.lags.iter().copied().max().unwrap_or(0);
    for k in 0..=steps.last {
        for (slot, &t) in record.energy.iter_mut().zip(&steps.times) {
            if t == k {
                *slot = system.energy_of(&state) / nf;
            }
        }
        for (w, &tw) in steps.waiting.iter().enumerate() {
            if tw == k {
                snapshots[w] = Some(system.spins(&state).to_vec());
                if with_response {
                    twins[w].0 = Some(state.clone());
                }
            }
            if k < tw || k > tw + max_lag {
                continue;
            }
            for (l, &lag) in steps.lags.iter().enumerate() {
                if tw + lag != k {
                    continue;
                }
                let now = system.spins(&state);
                let snapshot = snapshots[w].as_ref().expect("snapshot taken at t_w");
                let overlap: i64 = now
                    .iter()
                    .zip(snapshot)
                    .map(|(&a, &b)| i64::from(a * b))
                    .sum();
                record.correlation[w][l] = overlap as f64 / nf;
                if let Some(twin) = &twins[w].0 {
                    let shift: f64 = signs[w]
                        .iter()
                        .zip(system.spins(twin).iter().zip(now))
                        .map(|(e, (&a, &b))| e * f64::from(a - b))
                        .sum();
                    record.response[w][l] = shift / (settings.field * nf);
                }
            }
            if k == tw + max_lag {
                twins[w].0 = None;
            }
        }
        if k == steps.last {
            break;
        }
        for _ in 0..n {
            update(system, settings.rule, &mut state, &mut twins, &mut rng);
        }
    }
    Ok(record)
}

/// Histories $0..R$ on each of `systems` (disorder indices $0..S$ in the
/// order given), in parallel with rayon; records in the order (sample,
/// history), so nothing depends on the number of threads.
pub fn ising_ensemble<M>(
    systems: &[M],
    settings: &IsingSettings,
    schedule: &Schedule,
    seed: u64,
    histories: u64,
) -> Result<(DynamicsSummary, Vec<DynamicsRecord>), DynamicsError>
where
    M: IsingSystem + Sync,
    M::State: Clone,
{
    let samples = systems.len() as u64;
    if samples == 0 || histories == 0 || samples * histories < 2 {
        return Err(ParameterError::new(
            "histories",
            histories,
            "at least one system and one history, two runs in all",
        )
        .into());
    }
    let records: Vec<DynamicsRecord> = (0..samples * histories)
        .into_par_iter()
        .map(|run| {
            let (index, history) = (run / histories, run % histories);
            ising_history(
                &systems[index as usize],
                settings,
                schedule,
                seed,
                index,
                history,
            )
        })
        .collect::<Result<_, _>>()?;
    Ok((summarize(&records), records))
}
