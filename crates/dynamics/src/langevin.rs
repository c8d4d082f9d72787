//! Langevin dynamics of the spherical model after a quench from infinite
//! temperature.

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::Serialize;

use crate::DynamicsError;
use crate::mixture::Mixture;
use crate::schedule::{DynamicsRecord, DynamicsSummary, Schedule, summarize};
use crate::spherical::SphericalPSpin;
use quench_core::ParameterError;
use quench_core::rng::{Purpose, stream};

/// The purpose of the streams of the random field directions $\epsilon_i$.
pub const FIELD_PURPOSE: Purpose = Purpose::Named("response field");

/// Parameters of the Langevin dynamics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LangevinSettings {
    /// Temperature $T \ge 0$ of the bath.
    pub temperature: f64,
    /// Time step $\Delta t > 0$.
    pub time_step: f64,
    /// Amplitude $h$ of the random field of the twins; $0$ measures no response.
    pub field: f64,
}

impl LangevinSettings {
    fn check(&self) -> Result<(), DynamicsError> {
        if !(self.temperature.is_finite() && self.temperature >= 0.0) {
            return Err(
                ParameterError::new("temperature", self.temperature, "a finite T >= 0").into(),
            );
        }
        if !(self.time_step.is_finite() && self.time_step > 0.0) {
            return Err(ParameterError::new("time_step", self.time_step, "a finite dt > 0").into());
        }
        if !(self.field.is_finite() && self.field >= 0.0) {
            return Err(ParameterError::new(
                "field",
                self.field,
                "a finite h >= 0 (0: no response)",
            )
            .into());
        }
        Ok(())
    }
}

/// A uniformly random point of the sphere $|s|^2 = N$ (a normalised Gaussian vector).
pub fn random_point_on_sphere<R: rand::Rng + ?Sized>(n: usize, rng: &mut R) -> Vec<f64> {
    let mut s: Vec<f64> = (0..n)
        .map(|_| <StandardNormal as Distribution<f64>>::sample(&StandardNormal, rng))
        .collect();
    project_on_sphere(&mut s);
    s
}

/// The field directions $\epsilon_i = \pm1$ of the response twins, one set
/// of `n` per waiting time, in order, from
/// `(seed, Named("response field"), sample_index, history)`.
pub(crate) fn field_signs(
    seed: u64,
    sample_index: u64,
    history: u64,
    waiting_times: usize,
    n: usize,
) -> Vec<Vec<f64>> {
    let mut rng = stream(seed, FIELD_PURPOSE, sample_index, history);
    (0..waiting_times)
        .map(|_| {
            (0..n)
                .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
                .collect()
        })
        .collect()
}

/// Rescales `s` onto the sphere $|s|^2 = N$.
#[inline]
pub fn project_on_sphere(s: &mut [f64]) {
    let norm2: f64 = s.iter().map(|x| x * x).sum();
    let scale = (s.len() as f64 / norm2).sqrt();
    for x in s.iter_mut() {
        *x *= scale;
    }
}

/// One step: $s_i \leftarrow s_i + \Delta t(-\partial_i H + h\epsilon_i) + \sqrt{2T\Delta t}\\,\eta_i$,
/// then back onto the sphere.
#[inline]
fn advance(
    s: &mut [f64],
    gradient: &[f64],
    noise: &[f64],
    dt: f64,
    amplitude: f64,
    push: Option<(&[f64], f64)>,
) {
    match push {
        None => {
            for ((x, g), eta) in s.iter_mut().zip(gradient).zip(noise) {
                *x += -dt * g + amplitude * eta;
            }
        }
        Some((signs, h)) => {
            for (((x, g), eta), e) in s.iter_mut().zip(gradient).zip(noise).zip(signs) {
                *x += dt * (h * e - g) + amplitude * eta;
            }
        }
    }
    project_on_sphere(s);
}

/// One thermal history of `sample` (whose disorder index is `sample_index`):
/// a quench from a uniformly random point of the sphere (stream
/// `(seed, InitialState, sample_index, history)`) into a bath at
/// temperature $T$, the noise from `(seed, Dynamics, sample_index, history)`
/// and the field directions $\epsilon$ of the twins (one per waiting time, in
/// order) from `(seed, Named("response field"), sample_index, history)`.
///
/// Each twin starts as a copy of the trajectory at its waiting time and
/// feels, from then on, the field $h\epsilon_i$ and the same noise $\eta$.
pub fn langevin_history(
    sample: &SphericalPSpin,
    settings: &LangevinSettings,
    schedule: &Schedule,
    seed: u64,
    sample_index: u64,
    history: u64,
) -> Result<DynamicsRecord, DynamicsError> {
    settings.check()?;
    let dt = settings.time_step;
    let steps = schedule.steps(dt)?;
    let n = sample.size();
    let nf = n as f64;
    let with_response = settings.field > 0.0;
    let mut record = DynamicsRecord::new(sample_index, history, &steps, dt, with_response);

    let mut s = random_point_on_sphere(
        n,
        &mut stream(seed, Purpose::InitialState, sample_index, history),
    );
    let mut noise_rng = stream(seed, Purpose::Dynamics, sample_index, history);
    let signs = field_signs(seed, sample_index, history, steps.waiting.len(), n);
    let amplitude = (2.0 * settings.temperature * dt).sqrt();
    let max_lag = steps.lags.iter().copied().max().unwrap_or(0);

    let mut gradient = vec![0.0; n];
    let mut twin_gradient = vec![0.0; n];
    let mut noise = vec![0.0; n];
    let mut snapshots: Vec<Option<Vec<f64>>> = vec![None; steps.waiting.len()];
    let mut twins: Vec<Option<Vec<f64>>> = vec![None; steps.waiting.len()];
    for k in 0..=steps.last {
        let energy = sample.energy_and_gradient(&s, &mut gradient);
        for (slot, &t) in record.energy.iter_mut().zip(&steps.times) {
            if t == k {
                *slot = energy / nf;
            }
        }
        for (w, &tw) in steps.waiting.iter().enumerate() {
            if tw == k {
                snapshots[w] = Some(s.clone());
                if with_response {
                    twins[w] = Some(s.clone());
                }
            }
            if k < tw || k > tw + max_lag {
                continue;
            }
            for (l, &lag) in steps.lags.iter().enumerate() {
                if tw + lag != k {
                    continue;
                }
                let snapshot = snapshots[w].as_ref().expect("snapshot taken at t_w");
                record.correlation[w][l] = dot(&s, snapshot) / nf;
                if let Some(twin) = &twins[w] {
                    let shift: f64 = signs[w]
                        .iter()
                        .zip(twin.iter().zip(&s))
                        .map(|(e, (a, b))| e * (a - b))
                        .sum();
                    record.response[w][l] = shift / (settings.field * nf);
                }
            }
            if k == tw + max_lag {
                twins[w] = None;
            }
        }
        if k == steps.last {
            break;
        }
        for eta in noise.iter_mut() {
            *eta = <StandardNormal as Distribution<f64>>::sample(&StandardNormal, &mut noise_rng);
        }
        for (twin, e) in twins.iter_mut().zip(&signs) {
            if let Some(twin) = twin {
                sample.gradient(twin, &mut twin_gradient);
                advance(
                    twin,
                    &twin_gradient,
                    &noise,
                    dt,
                    amplitude,
                    Some((e, settings.field)),
                );
            }
        }
        advance(&mut s, &gradient, &noise, dt, amplitude, None);
    }
    Ok(record)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The Langevin experiment: `samples` samples of size `n` (disorder indices
/// $0..S$), `histories` histories each (indices $0..R$), run in parallel
/// with rayon; the records come back in the order (sample, history), so
/// nothing depends on the number of threads.
pub fn langevin_ensemble(
    n: usize,
    mixture: &Mixture,
    settings: &LangevinSettings,
    schedule: &Schedule,
    seed: u64,
    samples: u64,
    histories: u64,
) -> Result<(DynamicsSummary, Vec<DynamicsRecord>), DynamicsError> {
    if samples == 0 || histories == 0 || samples * histories < 2 {
        return Err(ParameterError::new(
            "histories",
            histories,
            "samples >= 1 and histories >= 1, at least two runs in all",
        )
        .into());
    }
    let drawn: Vec<SphericalPSpin> = (0..samples)
        .into_par_iter()
        .map(|index| SphericalPSpin::draw(n, mixture, seed, index))
        .collect::<Result<_, _>>()?;
    let records: Vec<DynamicsRecord> = (0..samples * histories)
        .into_par_iter()
        .map(|run| {
            let (index, history) = (run / histories, run % histories);
            langevin_history(
                &drawn[index as usize],
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
