//! `quench exact`: disorder averages of exactly enumerated small samples.
//!
//! Every sample is enumerated completely (Gray code, $2^N$ states), so
//! thermal averages carry no statistical error; the quoted errors are the
//! sample-to-sample standard errors of the disorder averages (jackknife for
//! the Binder cumulant, a ratio of averages).

use quench_core::ModelSpec;
use quench_exact::Enumeration;
use quench_stats::{DisorderAverage, jackknife};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::RunError;

/// A disorder average with its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Averaged {
    /// Mean over samples.
    pub mean: f64,
    /// Standard error of the mean (NaN for one sample).
    pub error: f64,
}

/// Exact disorder averages at one temperature.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExactPoint {
    /// Temperature.
    pub temperature: f64,
    /// $[\langle E\rangle]/N$.
    pub energy_per_spin: Averaged,
    /// $\[F\]/N$.
    pub free_energy_per_spin: Averaged,
    /// $\[S\]/N$.
    pub entropy_per_spin: Averaged,
    /// $\[C\]/N$.
    pub specific_heat_per_spin: Averaged,
    /// $[\langle |m| \rangle]$.
    pub absolute_magnetisation: Averaged,
    /// $[\langle m^2 \rangle]$.
    pub magnetisation_squared: Averaged,
    /// $[\langle |q| \rangle]$.
    pub absolute_overlap: Averaged,
    /// $[\langle q^2 \rangle]$.
    pub overlap_squared: Averaged,
    /// $[\langle q^4 \rangle]$.
    pub overlap_fourth: Averaged,
    /// $[\langle q_\ell \rangle]$.
    pub link_overlap: Averaged,
    /// $\frac12(3 - [\langle q^4\rangle]/[\langle q^2\rangle]^2)$ (jackknife error).
    pub binder_cumulant: Averaged,
}

/// The result of `quench exact`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExactEnsemble {
    /// The model.
    pub model: ModelSpec,
    /// Number of spins.
    pub spins: usize,
    /// Disorder samples.
    pub samples: u64,
    /// Master seed (sample k is `Ensemble::draw(seed, k)`).
    pub seed: u64,
    /// Results by temperature.
    pub temperatures: Vec<ExactPoint>,
}

fn averaged(values: Vec<f64>) -> Averaged {
    let average = DisorderAverage::new(values);
    Averaged {
        mean: average.mean(),
        error: average.error(),
    }
}

/// Enumerates `samples` samples of `model` at each temperature.
pub fn exact_ensemble(
    model: &ModelSpec,
    samples: u64,
    temperatures: &[f64],
    seed: u64,
) -> Result<ExactEnsemble, RunError> {
    let ensemble = model.ensemble().map_err(|e| {
        // An instance's files are given as --instance and --instance-fields.
        let flag = match (model, e.parameter) {
            (ModelSpec::Instance { .. }, "couplings") => "instance",
            (ModelSpec::Instance { .. }, "fields") => "instance-fields",
            (_, parameter) => parameter,
        };
        RunError::Input(format!("--{}: {e}", flag.replace('_', "-")))
    })?;
    if samples == 0 {
        return Err(RunError::Input(
            "--samples: 0 is out of range; allowed: an integer >= 1".into(),
        ));
    }
    if temperatures.is_empty() {
        return Err(RunError::Input(
            "--temperatures: no temperature given; allowed: a comma-separated list such as 0.5,1,2"
                .into(),
        ));
    }
    if let Some(t) = temperatures.iter().find(|t| !(t.is_finite() && **t > 0.0)) {
        return Err(RunError::Input(format!(
            "--temperatures: {t} is out of range; allowed: numbers > 0"
        )));
    }
    if ensemble.n() > quench_exact::enumeration::MAX_SPINS {
        return Err(RunError::Input(format!(
            "--n: {} spins are too many to enumerate; allowed: at most {}",
            ensemble.n(),
            quench_exact::enumeration::MAX_SPINS
        )));
    }
    // Refuse what cannot be drawn (a Hopfield sample with 1e11 patterns,
    // say) before drawing it.
    crate::memory::check(
        &crate::memory::MemoryEstimate {
            per_unit: ensemble.draw_bytes(),
            per_result: 256.0 * temperatures.len() as f64,
            units: samples as f64,
        },
        rayon::current_num_threads(),
    )?;
    // per_sample[s][t] = (thermal, replica) averages.
    let per_sample: Vec<Vec<(quench_exact::ThermalAverages, quench_exact::ReplicaAverages)>> = (0
        ..samples)
        .into_par_iter()
        .map(|index| -> Result<_, RunError> {
            let sample = ensemble.draw(seed, index)?;
            let enumeration =
                Enumeration::new(&sample).map_err(|e| RunError::Input(e.to_string()))?;
            temperatures
                .iter()
                .map(|&t| {
                    let thermal = enumeration
                        .thermal(t)
                        .map_err(|e| RunError::Input(e.to_string()))?;
                    let replicas = enumeration
                        .replicas(&sample, t)
                        .map_err(|e| RunError::Input(e.to_string()))?;
                    Ok((thermal, replicas))
                })
                .collect()
        })
        .collect::<Result<_, _>>()?;
    let points = temperatures
        .iter()
        .enumerate()
        .map(|(k, &temperature)| {
            let column = |f: &dyn Fn(
                &quench_exact::ThermalAverages,
                &quench_exact::ReplicaAverages,
            ) -> f64|
             -> Vec<f64> {
                per_sample.iter().map(|s| f(&s[k].0, &s[k].1)).collect()
            };
            let q2 = column(&|_, r| r.overlap_squared);
            let q4 = column(&|_, r| r.overlap_fourth);
            let binder = if per_sample.len() >= 2 {
                jackknife(&[&q2[..], &q4[..]], |m| {
                    quench_core::observables::binder_cumulant(m[0], m[1])
                })
                .map(|j| Averaged {
                    mean: j.value,
                    error: j.error,
                })
                .unwrap_or(Averaged {
                    mean: f64::NAN,
                    error: f64::NAN,
                })
            } else {
                let mean = quench_core::observables::binder_cumulant(q2[0], q4[0]);
                Averaged {
                    mean,
                    error: f64::NAN,
                }
            };
            ExactPoint {
                temperature,
                energy_per_spin: averaged(column(&|t, _| t.energy_per_spin)),
                free_energy_per_spin: averaged(column(&|t, _| t.free_energy_per_spin)),
                entropy_per_spin: averaged(column(&|t, _| t.entropy_per_spin)),
                specific_heat_per_spin: averaged(column(&|t, _| t.specific_heat_per_spin)),
                absolute_magnetisation: averaged(column(&|t, _| t.absolute_magnetisation)),
                magnetisation_squared: averaged(column(&|t, _| t.magnetisation_squared)),
                absolute_overlap: averaged(column(&|_, r| r.absolute_overlap)),
                overlap_squared: averaged(q2),
                overlap_fourth: averaged(q4),
                link_overlap: averaged(column(&|_, r| r.link_overlap)),
                binder_cumulant: binder,
            }
        })
        .collect();
    Ok(ExactEnsemble {
        model: model.clone(),
        spins: ensemble.n(),
        samples,
        seed,
        temperatures: points,
    })
}
