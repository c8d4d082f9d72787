//! Disorder averages over samples, with jackknife errors for ratios.
//!
//! Square brackets are disorder averages, angle brackets thermal ones. Per
//! temperature, from $M$ samples:
//!
//! * $[\langle E \rangle]/N$, $[\langle q^2\rangle]$, $[\langle q_\ell \rangle]$, $\chi_{SG} = N[\langle q^2 \rangle]$:
//!   mean and standard error over samples, values of every sample kept;
//! * Binder cumulant $g = \frac12 (3 - [\langle q^4\rangle]/[\langle q^2\rangle]^2)$ and
//!   $\xi_L / L$ from $[\chi(0)]/[\chi(\mathbf k_{\min})]$: ratios of disorder averages, with
//!   jackknife errors over samples;
//! * $P(q)$: the average of the samples' normalised histograms;
//! * with three replicas or more, the ultrametric gaps $[\langle d_{12}\rangle]$
//!   and $[\langle d_{23}\rangle]$ of $|q|$ over replica triplets, and their
//!   ratio $[\langle d_{12}\rangle]/[\langle d_{23}\rangle]$ (jackknife), which goes to
//!   zero with $N$ where the states are ultrametric;
//! * for Gaussian couplings, the equilibration check of Katzgraber, Palassini
//!   and Young: the per-sample difference between $\langle E_J\rangle/N$ and
//!   $-\beta\sigma^2 (N_b/N)(1 - \langle q_\ell\rangle)$, averaged over samples. Its
//!   average vanishes in equilibrium; starting from random configurations
//!   the energy approaches from above and $q_\ell$ from below, so a
//!   significantly positive difference means the run is not equilibrated;
//! * for every run, the equilibration check by logarithmic windows: the
//!   samples' drifts of $E/N$ and $q^2$ between the last half of the
//!   measurements and the quarter before it, averaged ([`Drift::combine`]).

use quench_core::Sample;
use quench_core::observables::{
    binder_cumulant, gaussian_energy_from_link_overlap, second_moment_correlation_length,
};
use quench_stats::{DisorderAverage, Drift, Estimate, Histogram, JackknifeEstimate, jackknife};
use serde::{Deserialize, Serialize};

use crate::measure::ThermalSummary;

/// What the disorder summary needs to know about the samples besides their
/// thermal averages (the same for every sample of an ensemble).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleShape {
    /// Number of spins.
    pub n: usize,
    /// Lattice side, for $\xi_L/L$.
    pub lattice_length: Option<usize>,
    /// $N_b/N$.
    pub bonds_per_spin: f64,
    /// Coupling variance of a Gaussian ensemble (enables the equilibration check).
    pub gaussian_coupling_variance: Option<f64>,
    /// Whether the samples share their random numbers (multispin lanes
    /// drawing one uniform per site), so their thermal noise is common
    /// ([`Drift::combine`]).
    #[serde(default)]
    pub shared_noise: bool,
}

impl SampleShape {
    /// The shape of `sample`; `gaussian` says whether its couplings are Gaussian.
    pub fn of(sample: &Sample, gaussian: bool) -> Self {
        Self {
            n: sample.n(),
            lattice_length: sample.lattice().map(|l| l.length()),
            bonds_per_spin: sample.bond_count() as f64 / sample.n() as f64,
            gaussian_coupling_variance: if gaussian {
                sample.coupling_variance()
            } else {
                None
            },
            shared_noise: false,
        }
    }
}

/// Disorder averages at one temperature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisorderPoint {
    /// Temperature.
    pub temperature: f64,
    /// $[\langle E\rangle]/N$.
    pub energy: DisorderAverage,
    /// $[\langle |m| \rangle]$.
    pub absolute_magnetisation: DisorderAverage,
    /// $[\langle |q| \rangle]$.
    pub absolute_overlap: Option<DisorderAverage>,
    /// $[\langle q^2 \rangle]$.
    pub overlap_squared: Option<DisorderAverage>,
    /// $[\langle q^4 \rangle]$.
    pub overlap_fourth: Option<DisorderAverage>,
    /// $[\langle q_\ell \rangle]$.
    pub link_overlap: Option<DisorderAverage>,
    /// $\chi_{SG} = N [\langle q^2\rangle]$.
    pub spin_glass_susceptibility: Option<Estimate>,
    /// Binder cumulant of the disorder-averaged moments (jackknife error).
    pub binder_cumulant: Option<JackknifeEstimate>,
    /// $\xi_L / L$ (lattices; jackknife error).
    pub correlation_length_over_length: Option<JackknifeEstimate>,
    /// Average of the normalised per-sample $P(q)$ histograms (weights sum to 1).
    pub overlap_distribution: Option<Histogram>,
    /// Per-sample $\langle E_J\rangle/N + \beta\sigma^2 (N_b/N)(1-\langle q_\ell\rangle)$,
    /// averaged: zero in equilibrium (Gaussian couplings only).
    pub equilibration_gap: Option<DisorderAverage>,
    /// Equilibration check of $E/N$ for every run: the per-sample drifts
    /// between the last half and the quarter before, averaged over samples
    /// ([`Drift::combine`]).
    #[serde(default)]
    pub energy_drift: Option<Drift>,
    /// The same for $q^2$ (with two replicas or more).
    #[serde(default)]
    pub overlap_squared_drift: Option<Drift>,
    /// $[\langle d_{12} \rangle]$, the ultrametric lower gap (three replicas or more).
    #[serde(default)]
    pub ultrametric_lower_gap: Option<DisorderAverage>,
    /// $[\langle d_{23} \rangle]$, the upper gap.
    #[serde(default)]
    pub ultrametric_upper_gap: Option<DisorderAverage>,
    /// $[\langle d_{12} \rangle] / [\langle d_{23} \rangle]$ (jackknife over samples).
    #[serde(default)]
    pub ultrametric_gap_ratio: Option<JackknifeEstimate>,
}

/// The disorder average of the samples' drifts, if every sample has one.
fn combined_drift(
    at: &[&ThermalSummary],
    shared_noise: bool,
    drift: impl Fn(&ThermalSummary) -> Option<Drift>,
) -> Option<Drift> {
    let drifts: Option<Vec<Drift>> = at.iter().map(|s| drift(s)).collect();
    drifts.and_then(|d| Drift::combine(&d, shared_noise))
}

/// Combines per-sample summaries (`samples[s][slot]`) into disorder averages per temperature.
pub fn disorder_summary(
    shape: &SampleShape,
    samples: &[Vec<ThermalSummary>],
) -> Vec<DisorderPoint> {
    let Some(first) = samples.first() else {
        return Vec::new();
    };
    let n = shape.n as f64;
    (0..first.len())
        .map(|slot| {
            let at: Vec<&ThermalSummary> = samples.iter().map(|s| &s[slot]).collect();
            let temperature = at[0].temperature;
            let column = |f: &dyn Fn(&ThermalSummary) -> Option<Estimate>| -> Option<Vec<f64>> {
                at.iter().map(|s| f(s).map(|e| e.mean)).collect()
            };
            let average =
                |f: &dyn Fn(&ThermalSummary) -> Option<Estimate>| -> Option<DisorderAverage> {
                    let estimates: Option<Vec<Estimate>> = at.iter().map(|s| f(s)).collect();
                    estimates.map(|e| DisorderAverage::from_estimates(&e))
                };
            let q2 = column(&|s| s.overlap_squared);
            let q4 = column(&|s| s.overlap_fourth);
            let binder = match (&q2, &q4) {
                (Some(q2), Some(q4)) if samples.len() >= 2 => {
                    jackknife(&[q2, q4], |m| binder_cumulant(m[0], m[1])).ok()
                }
                _ => None,
            };
            let gap_ratio = match (
                column(&|s| s.ultrametric_lower_gap),
                column(&|s| s.ultrametric_upper_gap),
            ) {
                (Some(lower), Some(upper)) if samples.len() >= 2 => {
                    jackknife(&[&lower, &upper], |m| m[0] / m[1]).ok()
                }
                _ => None,
            };
            let fourier = column(&|s| s.fourier_overlap_squared);
            let correlation_length = match (&q2, &fourier, shape.lattice_length) {
                (Some(q2), Some(fourier), Some(length)) if samples.len() >= 2 => {
                    jackknife(&[q2, fourier], |m| {
                        second_moment_correlation_length(m[0], m[1], length) / length as f64
                    })
                    .ok()
                }
                _ => None,
            };
            let overlap_squared = average(&|s| s.overlap_squared);
            let spin_glass_susceptibility = overlap_squared.as_ref().map(|a| {
                let e = a.to_estimate();
                // One sample has no spread: its thermal error is the error.
                let error = if a.count() >= 2 {
                    e.error
                } else {
                    a.mean_thermal_error().unwrap_or(f64::NAN)
                };
                Estimate {
                    mean: n * e.mean,
                    error: n * error,
                    ..e
                }
            });
            let overlap_distribution = q2.as_ref().and_then(|_| {
                let mut merged: Option<Histogram> = None;
                for s in &at {
                    let mut normalised = s.overlap_distribution.clone();
                    normalised.scale(1.0 / (normalised.total_weight() * at.len() as f64));
                    match &mut merged {
                        None => merged = Some(normalised),
                        Some(m) => m.merge(&normalised).expect("same binning for every sample"),
                    }
                }
                merged
            });
            let equilibration_gap = match (
                shape.gaussian_coupling_variance,
                column(&|s| s.link_overlap),
            ) {
                (Some(variance), Some(links)) => {
                    let beta = 1.0 / temperature;
                    // Each sample's gap with its thermal error (E_J and q_l
                    // treated as independent), so one sample has an error too.
                    let slope = beta * variance * shape.bonds_per_spin;
                    let gaps: Vec<Estimate> = at
                        .iter()
                        .zip(links)
                        .map(|(s, ql)| Estimate {
                            mean: s.coupling_energy.mean
                                - gaussian_energy_from_link_overlap(
                                    beta,
                                    variance,
                                    shape.bonds_per_spin,
                                    ql,
                                ),
                            error: s
                                .coupling_energy
                                .error
                                .hypot(slope * s.link_overlap.map_or(f64::NAN, |e| e.error)),
                            tau_int: f64::NAN,
                            count: s.coupling_energy.count,
                        })
                        .collect();
                    Some(DisorderAverage::from_estimates(&gaps))
                }
                _ => None,
            };
            DisorderPoint {
                temperature,
                energy: average(&|s| Some(s.energy)).expect("energy is always measured"),
                absolute_magnetisation: average(&|s| Some(s.absolute_magnetisation))
                    .expect("always measured"),
                absolute_overlap: average(&|s| s.absolute_overlap),
                overlap_fourth: average(&|s| s.overlap_fourth),
                link_overlap: average(&|s| s.link_overlap),
                overlap_squared,
                spin_glass_susceptibility,
                binder_cumulant: binder,
                correlation_length_over_length: correlation_length,
                overlap_distribution,
                equilibration_gap,
                energy_drift: combined_drift(&at, shape.shared_noise, |s| s.energy_drift),
                overlap_squared_drift: combined_drift(&at, shape.shared_noise, |s| {
                    s.overlap_squared_drift
                }),
                ultrametric_lower_gap: average(&|s| s.ultrametric_lower_gap),
                ultrametric_upper_gap: average(&|s| s.ultrametric_upper_gap),
                ultrametric_gap_ratio: gap_ratio,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{ChainValues, Measurements, PairValues, SlotValues};

    /// One sample per point: the susceptibility and the Gaussian identity
    /// keep that sample's thermal error instead of NaN, and the drift check
    /// is there.
    #[test]
    fn one_sample_disorder_errors_are_thermal_not_nan() {
        let mut measurements = Measurements::new(&[1.0], 16);
        for t in 0..512u32 {
            let wobble = f64::from(t % 7) / 70.0;
            let chain = ChainValues {
                energy: -16.0 + wobble,
                coupling_energy: -16.0 + wobble,
                magnetisation: 0.0,
            };
            let pair = PairValues {
                overlap: 0.5 - wobble,
                link_overlap: 0.4 + wobble,
                fourier_power: None,
            };
            measurements.record_values(
                16,
                &[SlotValues {
                    chains: vec![chain; 2],
                    pairs: vec![pair],
                }],
            );
        }
        let shape = SampleShape {
            n: 16,
            lattice_length: None,
            bonds_per_spin: 7.5,
            gaussian_coupling_variance: Some(1.0 / 16.0),
            shared_noise: false,
        };
        let point = &disorder_summary(&shape, &[measurements.summary()])[0];
        let chi = point.spin_glass_susceptibility.unwrap();
        assert!(chi.error.is_finite() && chi.error > 0.0, "{chi:?}");
        let gap = point.equilibration_gap.as_ref().unwrap();
        assert!(
            gap.mean_thermal_error()
                .is_some_and(|e| e.is_finite() && e > 0.0)
        );
        assert!(point.energy_drift.is_some() && point.overlap_squared_drift.is_some());
    }
}
