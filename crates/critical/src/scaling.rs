//! Finite-size scaling of a classifier's output: $P(T; L)$, $V(T; L)$, the
//! peak of $V$, and the fits that give $1/\nu$ and $T_c$.
//!
//! A network's output on snapshot $i$ at temperature $T$ is
//! $f_i(T; L) \in (0, 1)$. Over the $N$ snapshots of one temperature,
//! $$P(T; L) = \frac1N\sum_i f_i, \qquad V(T; L) = \frac1N\sum_i f_i^2 - P^2,$$
//! averaged over the independently trained networks. $V$ peaks where the
//! network is least sure, at $\mu(L)$, with widths $\sigma_-(L)$ below and
//! $\sigma_+(L)$ above the peak: [`fit_peak`] fits
//! $$V(T) = A \exp\left(-\frac{(T - \mu)^2}{2\sigma_\pm^2}\right),\quad
//!   \sigma_\pm = \sigma_- \text{ for } T < \mu,\ \sigma_+ \text{ for } T > \mu,$$
//! by weighted least squares (Levenberg–Marquardt), and $\sigma = (\sigma_- + \sigma_+)/2$.
//! A temperature whose outputs are all saturated has a vanishing bootstrap
//! error; it is given the resolution $1/(2N)$ of its $N$ snapshots instead,
//! or it would pin the Gaussian's tails to zero.
//! Finite-size scaling (M. E. Fisher and A. E. Ferdinand, PRL **19**, 169
//! (1967)) gives
//! $$\sigma(L) \propto L^{-1/\nu}, \qquad \mu(L) - T_c \propto L^{-1/\nu},$$
//! so a straight line through $\ln\sigma$ against $\ln L$ has slope $-1/\nu$
//! ([`fit_power_law`], also for $\sigma_\pm$), and a straight line through
//! $\mu$ against $L^{-1/\nu}$ has intercept $T^*$, the extrapolated critical
//! temperature ([`fit_scaling`]).
//!
//! Errors come from bootstrap replicas ([`bootstrap_curves`]: networks drawn
//! with replacement, and within each, snapshots drawn with replacement at
//! each temperature): every replica goes through the whole chain of fits,
//! and the spread of the results is their error.

use nalgebra::{Matrix4, Vector4};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use quench_core::{ParameterError, StreamRng};

/// A value with its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// The value.
    pub value: f64,
    /// Its standard error.
    pub error: f64,
}

/// $P(T)$ and $V(T)$ on a grid of temperatures, with bootstrap errors and the
/// bootstrap replicas of $V$.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierCurves {
    /// The temperatures.
    pub temperatures: Vec<f64>,
    /// $P(T)$.
    pub probability: Vec<Measured>,
    /// $V(T)$.
    pub variance: Vec<Measured>,
    /// $V(T)$ of each bootstrap replica.
    pub variance_replicas: Vec<Vec<f64>>,
    /// The fewest snapshots behind any one temperature's $V$ (its resolution).
    pub snapshots: usize,
}

fn moments(outputs: &[f32], picks: Option<&[usize]>) -> (f64, f64) {
    let (mut sum, mut squares, mut count) = (0.0, 0.0, 0.0);
    let mut add = |f: f64| {
        sum += f;
        squares += f * f;
        count += 1.0;
    };
    match picks {
        Some(picks) => picks.iter().for_each(|&i| add(f64::from(outputs[i]))),
        None => outputs.iter().for_each(|&f| add(f64::from(f))),
    }
    let mean = sum / count;
    (mean, (squares / count - mean * mean).max(0.0))
}

fn standard_deviation(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt()
}

/// $P$ and $V$ from `outputs[network][temperature][snapshot]` with errors
/// from `replicas` bootstrap replicas drawn from `rng` (module docs).
pub fn bootstrap_curves(
    temperatures: &[f64],
    outputs: &[Vec<Vec<f32>>],
    replicas: usize,
    rng: &mut StreamRng,
) -> Result<ClassifierCurves, ParameterError> {
    if outputs.is_empty() {
        return Err(ParameterError::new(
            "networks",
            0,
            "at least one trained network",
        ));
    }
    if replicas < 2 {
        return Err(ParameterError::new(
            "bootstrap",
            replicas,
            "at least 2 replicas",
        ));
    }
    for network in outputs {
        if network.len() != temperatures.len() || network.iter().any(|o| o.is_empty()) {
            return Err(ParameterError::new(
                "outputs",
                network.len(),
                format!(
                    "one non-empty set of outputs per temperature ({})",
                    temperatures.len()
                ),
            ));
        }
    }
    let networks = outputs.len() as f64;
    let average = |picks: &dyn Fn(usize, usize) -> (f64, f64), chosen: &[usize]| {
        let mut p = vec![0.0; temperatures.len()];
        let mut v = vec![0.0; temperatures.len()];
        for &network in chosen {
            for t in 0..temperatures.len() {
                let (mean, variance) = picks(network, t);
                p[t] += mean / networks;
                v[t] += variance / networks;
            }
        }
        (p, v)
    };
    let all: Vec<usize> = (0..outputs.len()).collect();
    let (p, v) = average(&|n, t| moments(&outputs[n][t], None), &all);
    let mut p_replicas = Vec::with_capacity(replicas);
    let mut v_replicas = Vec::with_capacity(replicas);
    for _ in 0..replicas {
        let chosen: Vec<usize> = (0..outputs.len())
            .map(|_| rng.random_range(0..outputs.len()))
            .collect();
        // One resampling of the snapshots per (network draw, temperature).
        let mut resampled = Vec::with_capacity(chosen.len());
        for &network in &chosen {
            let per_temperature: Vec<(f64, f64)> = outputs[network]
                .iter()
                .map(|o| {
                    let picks: Vec<usize> =
                        (0..o.len()).map(|_| rng.random_range(0..o.len())).collect();
                    moments(o, Some(&picks))
                })
                .collect();
            resampled.push(per_temperature);
        }
        let index: Vec<usize> = (0..chosen.len()).collect();
        let (p_b, v_b) = average(&|n, t| resampled[n][t], &index);
        p_replicas.push(p_b);
        v_replicas.push(v_b);
    }
    let column =
        |replicas: &[Vec<f64>], t: usize| -> Vec<f64> { replicas.iter().map(|r| r[t]).collect() };
    Ok(ClassifierCurves {
        temperatures: temperatures.to_vec(),
        probability: (0..temperatures.len())
            .map(|t| Measured {
                value: p[t],
                error: standard_deviation(&column(&p_replicas, t)),
            })
            .collect(),
        variance: (0..temperatures.len())
            .map(|t| Measured {
                value: v[t],
                error: standard_deviation(&column(&v_replicas, t)),
            })
            .collect(),
        variance_replicas: v_replicas,
        snapshots: outputs
            .iter()
            .flat_map(|network| network.iter().map(Vec::len))
            .min()
            .unwrap_or(0),
    })
}

/// The asymmetric Gaussian fitted to the peak of $V(T)$ (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PeakFit {
    /// $A$.
    pub amplitude: f64,
    /// $\mu$, the peak position.
    pub position: f64,
    /// $\sigma_-$.
    pub width_below: f64,
    /// $\sigma_+$.
    pub width_above: f64,
    /// $\chi^2$ per degree of freedom.
    pub chi_squared_per_dof: f64,
}

impl PeakFit {
    /// $\sigma = (\sigma_- + \sigma_+)/2$.
    pub fn width(&self) -> f64 {
        0.5 * (self.width_below + self.width_above)
    }

    fn model(parameters: &Vector4<f64>, t: f64) -> (f64, Vector4<f64>) {
        let (a, mu, below, above) = (parameters[0], parameters[1], parameters[2], parameters[3]);
        let is_below = t < mu;
        let s = if is_below { below } else { above };
        let u = (t - mu) / s;
        let g = (-0.5 * u * u).exp();
        let value = a * g;
        // d/dA, d/dmu, d/dsigma_-, d/dsigma_+.
        let d_mu = value * u / s;
        let d_s = value * u * u / s;
        let gradient = if is_below {
            Vector4::new(g, d_mu, d_s, 0.0)
        } else {
            Vector4::new(g, d_mu, 0.0, d_s)
        };
        (value, gradient)
    }
}

/// Fits the asymmetric Gaussian of the module docs to `values` at
/// `temperatures` with standard errors `errors`, none taken below
/// `error_floor` (Levenberg–Marquardt, started from the largest point with
/// the widths at which the curve falls to half of it).
pub fn fit_peak(
    temperatures: &[f64],
    values: &[f64],
    errors: &[f64],
    error_floor: f64,
) -> Result<PeakFit, ParameterError> {
    let n = temperatures.len();
    if n < 5 || values.len() != n || errors.len() != n {
        return Err(ParameterError::new(
            "temperatures",
            n,
            "at least 5 temperatures, each with a value and an error, to fit a peak of 4 parameters",
        ));
    }
    // Weights: a point with a zero bootstrap error (every output saturated)
    // is only known to the resolution of its sample, `error_floor`; without
    // the floor such points would pull the tails to zero and the fit to a
    // flat curve. A floor of 1e-3 of the largest error keeps the weights finite.
    let floor = (errors.iter().cloned().fold(0.0, f64::max) * 1e-3)
        .max(error_floor)
        .max(f64::MIN_POSITIVE);
    let weights: Vec<f64> = errors.iter().map(|e| 1.0 / e.max(floor).powi(2)).collect();
    let top = (0..n)
        .max_by(|&a, &b| values[a].total_cmp(&values[b]))
        .unwrap_or(0);
    let high = temperatures
        .iter()
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max);
    let low = temperatures.iter().cloned().fold(f64::INFINITY, f64::min);
    let span = high - low;
    // Start the widths where the curve first falls below half its maximum on
    // either side (the half width at half maximum is 1.1774 sigma).
    let half = 0.5 * values[top];
    let below = (0..top)
        .rev()
        .find(|&k| values[k] < half)
        .map_or(span / 6.0, |k| {
            (temperatures[top] - temperatures[k]) / 1.1774
        });
    let above = (top + 1..n)
        .find(|&k| values[k] < half)
        .map_or(span / 6.0, |k| {
            (temperatures[k] - temperatures[top]) / 1.1774
        });
    let mut parameters = Vector4::new(
        values[top],
        temperatures[top],
        below.clamp(1e-6 * span, 2.0 * span),
        above.clamp(1e-6 * span, 2.0 * span),
    );
    let chi_squared = |p: &Vector4<f64>| -> f64 {
        (0..n)
            .map(|k| weights[k] * (values[k] - PeakFit::model(p, temperatures[k]).0).powi(2))
            .sum()
    };
    let mut current = chi_squared(&parameters);
    let mut lambda = 1e-3;
    for _ in 0..2000 {
        let mut normal = Matrix4::<f64>::zeros();
        let mut gradient = Vector4::<f64>::zeros();
        for k in 0..n {
            let (value, derivative) = PeakFit::model(&parameters, temperatures[k]);
            normal += weights[k] * derivative * derivative.transpose();
            gradient += weights[k] * (values[k] - value) * derivative;
        }
        let mut improved = false;
        while lambda < 1e12 {
            let mut damped = normal;
            for i in 0..4 {
                damped[(i, i)] *= 1.0 + lambda;
                damped[(i, i)] += 1e-300;
            }
            let Some(step) = damped.lu().solve(&gradient) else {
                lambda *= 10.0;
                continue;
            };
            let trial = parameters + step;
            // The peak must lie on the grid and be no wider than twice the
            // grid: a curve that only rises or falls has no peak to measure,
            // and its fit stays at the bounds instead of running away.
            let inside = trial[1] >= low && trial[1] <= high;
            let widths =
                (0.0..=2.0 * span).contains(&trial[2]) && (0.0..=2.0 * span).contains(&trial[3]);
            if trial[0] > 0.0 && inside && widths && trial[2] > 0.0 && trial[3] > 0.0 {
                let value = chi_squared(&trial);
                if value <= current {
                    // Converged when the step no longer moves the parameters.
                    let moved = (0..4).any(|i| step[i].abs() > 1e-13 * parameters[i].abs());
                    parameters = trial;
                    current = value;
                    lambda = (lambda * 0.3).max(1e-12);
                    improved = moved;
                    break;
                }
            }
            lambda *= 10.0;
        }
        if !improved {
            break;
        }
    }
    Ok(PeakFit {
        amplitude: parameters[0],
        position: parameters[1],
        width_below: parameters[2],
        width_above: parameters[3],
        chi_squared_per_dof: current / (n as f64 - 4.0).max(1.0),
    })
}

/// A weighted straight line $y = a + bx$.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LineFit {
    /// $a$.
    pub intercept: f64,
    /// $b$.
    pub slope: f64,
    /// $\chi^2$ per degree of freedom.
    pub chi_squared_per_dof: f64,
}

/// The weighted least-squares line through `(x, y)` with errors of `y`.
pub fn fit_line(x: &[f64], y: &[f64], errors: &[f64]) -> Result<LineFit, ParameterError> {
    if x.len() < 2 || y.len() != x.len() || errors.len() != x.len() {
        return Err(ParameterError::new(
            "sizes",
            x.len(),
            "at least 2 points with values and errors",
        ));
    }
    // Errors floored at 1e-3 of the largest finite one (all equal when every
    // one is zero, as for exact data), so that no point outweighs the others
    // by more than 1e6 (a larger ratio only buys rounding error); an infinite
    // or NaN error gives its point no weight.
    let largest = errors
        .iter()
        .copied()
        .filter(|e| e.is_finite())
        .fold(0.0, f64::max);
    let errors: Vec<f64> = if largest > 0.0 {
        errors
            .iter()
            .map(|&e| {
                if e.is_finite() {
                    e.max(1e-3 * largest)
                } else {
                    f64::INFINITY
                }
            })
            .collect()
    } else {
        vec![1.0; errors.len()]
    };
    let (mut s, mut sx, mut sy, mut sxx, mut sxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for k in 0..x.len() {
        let w = 1.0 / errors[k].powi(2);
        s += w;
        sx += w * x[k];
        sy += w * y[k];
        sxx += w * x[k] * x[k];
        sxy += w * x[k] * y[k];
    }
    let delta = s * sxx - sx * sx;
    if delta.abs() <= 1e-300 {
        return Err(ParameterError::new(
            "sizes",
            x.len(),
            "at least two distinct x values",
        ));
    }
    let intercept = (sxx * sy - sx * sxy) / delta;
    let slope = (s * sxy - sx * sy) / delta;
    let chi: f64 = (0..x.len())
        .filter(|&k| errors[k].is_finite())
        .map(|k| ((y[k] - intercept - slope * x[k]) / errors[k]).powi(2))
        .sum();
    Ok(LineFit {
        intercept,
        slope,
        chi_squared_per_dof: chi / (x.len() as f64 - 2.0).max(1.0),
    })
}

/// The exponent of $y = c L^{-x}$ through the points `(lengths, values)` with
/// errors: a line through $\ln y$ against $\ln L$; returns $x = $ minus its slope.
pub fn fit_power_law(
    lengths: &[f64],
    values: &[f64],
    errors: &[f64],
) -> Result<f64, ParameterError> {
    let x: Vec<f64> = lengths.iter().map(|l| l.ln()).collect();
    let y: Vec<f64> = values
        .iter()
        .map(|v| v.max(f64::MIN_POSITIVE).ln())
        .collect();
    let e: Vec<f64> = errors
        .iter()
        .zip(values)
        .map(|(e, v)| e / v.abs())
        .collect();
    Ok(-fit_line(&x, &y, &e)?.slope)
}

/// The finite-size-scaling results of one set of peaks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScalingPoint {
    /// $1/\nu$ from $\sigma(L)$.
    pub inverse_nu: f64,
    /// $1/\nu$ from $\sigma_-(L)$.
    pub inverse_nu_below: f64,
    /// $1/\nu$ from $\sigma_+(L)$.
    pub inverse_nu_above: f64,
    /// $T^*$, the intercept of $\mu$ against $L^{-1/\nu}$.
    pub critical_temperature: f64,
}

/// The finite-size-scaling fit with bootstrap errors.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScalingFit {
    /// $1/\nu_\sigma$.
    pub inverse_nu: Measured,
    /// $1/\nu_{\sigma_-}$.
    pub inverse_nu_below: Measured,
    /// $1/\nu_{\sigma_+}$.
    pub inverse_nu_above: Measured,
    /// $T^*$.
    pub critical_temperature: Measured,
    /// Bootstrap replicas whose fits succeeded (the errors are their spread).
    pub replicas_used: usize,
}

/// The scaling fits of one set of peaks, one per length, with the
/// per-length errors of $\mu$ and $\sigma_\pm$ as weights.
pub fn scaling_point(
    lengths: &[f64],
    peaks: &[PeakFit],
    errors: &[PeakErrors],
) -> Result<ScalingPoint, ParameterError> {
    if lengths.len() < 2 || peaks.len() != lengths.len() || errors.len() != lengths.len() {
        return Err(ParameterError::new(
            "lengths",
            lengths.len(),
            "at least 2 lattice sizes, each with a fitted peak",
        ));
    }
    let take = |f: &dyn Fn(&PeakFit) -> f64| -> Vec<f64> { peaks.iter().map(f).collect() };
    let take_errors =
        |f: &dyn Fn(&PeakErrors) -> f64| -> Vec<f64> { errors.iter().map(f).collect() };
    let inverse_nu = fit_power_law(lengths, &take(&|p| p.width()), &take_errors(&|e| e.width))?;
    let inverse_nu_below = fit_power_law(
        lengths,
        &take(&|p| p.width_below),
        &take_errors(&|e| e.width_below),
    )?;
    let inverse_nu_above = fit_power_law(
        lengths,
        &take(&|p| p.width_above),
        &take_errors(&|e| e.width_above),
    )?;
    let x: Vec<f64> = lengths.iter().map(|l| l.powf(-inverse_nu)).collect();
    let line = fit_line(&x, &take(&|p| p.position), &take_errors(&|e| e.position))?;
    Ok(ScalingPoint {
        inverse_nu,
        inverse_nu_below,
        inverse_nu_above,
        critical_temperature: line.intercept,
    })
}

/// Standard errors of a peak's parameters (from its bootstrap replicas).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PeakErrors {
    /// Of $\mu$.
    pub position: f64,
    /// Of $\sigma$.
    pub width: f64,
    /// Of $\sigma_-$.
    pub width_below: f64,
    /// Of $\sigma_+$.
    pub width_above: f64,
}

/// The peak of `curves` with errors from refitting every replica.
pub fn fit_peak_with_errors(
    curves: &ClassifierCurves,
) -> Result<(PeakFit, PeakErrors, Vec<PeakFit>), ParameterError> {
    let errors: Vec<f64> = curves.variance.iter().map(|v| v.error).collect();
    let values: Vec<f64> = curves.variance.iter().map(|v| v.value).collect();
    // One snapshot in N answering differently moves V by about 1/N.
    let floor = 0.5 / curves.snapshots.max(1) as f64;
    let central = fit_peak(&curves.temperatures, &values, &errors, floor)?;
    let replicas = curves
        .variance_replicas
        .iter()
        .map(|replica| fit_peak(&curves.temperatures, replica, &errors, floor))
        .collect::<Result<Vec<_>, _>>()?;
    let spread = |f: &dyn Fn(&PeakFit) -> f64| {
        standard_deviation(&replicas.iter().map(f).collect::<Vec<_>>())
    };
    let errors = PeakErrors {
        position: spread(&|p| p.position),
        width: spread(&|p| p.width()),
        width_below: spread(&|p| p.width_below),
        width_above: spread(&|p| p.width_above),
    };
    Ok((central, errors, replicas))
}

/// The scaling fit of the central peaks, with errors from the same fit of
/// each bootstrap replica (replica $b$ of every length together):
/// `replicas[length][b]`.
pub fn fit_scaling(
    lengths: &[f64],
    peaks: &[PeakFit],
    errors: &[PeakErrors],
    replicas: &[Vec<PeakFit>],
) -> Result<ScalingFit, ParameterError> {
    let central = scaling_point(lengths, peaks, errors)?;
    let count = replicas.iter().map(Vec::len).min().unwrap_or(0);
    let mut points = Vec::with_capacity(count);
    for b in 0..count {
        let set: Vec<PeakFit> = replicas.iter().map(|r| r[b]).collect();
        // A replica whose fits fail (a flat curve without a peak) is left out
        // of the spread; `replicas_used` says how many remained.
        if let Ok(point) = scaling_point(lengths, &set, errors)
            && [
                point.inverse_nu,
                point.inverse_nu_below,
                point.inverse_nu_above,
                point.critical_temperature,
            ]
            .iter()
            .all(|v| v.is_finite())
        {
            points.push(point);
        }
    }
    let measured = |value: f64, f: &dyn Fn(&ScalingPoint) -> f64| Measured {
        value,
        error: if points.len() >= 2 {
            standard_deviation(&points.iter().map(f).collect::<Vec<_>>())
        } else {
            f64::NAN
        },
    };
    Ok(ScalingFit {
        inverse_nu: measured(central.inverse_nu, &|p| p.inverse_nu),
        inverse_nu_below: measured(central.inverse_nu_below, &|p| p.inverse_nu_below),
        inverse_nu_above: measured(central.inverse_nu_above, &|p| p.inverse_nu_above),
        critical_temperature: measured(central.critical_temperature, &|p| p.critical_temperature),
        replicas_used: points.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quench_core::{Purpose, stream};
    use rand_distr::{Distribution, StandardNormal};

    /// Peaks $\mu = T_c + 0.5 L^{-1/\nu}$, $\sigma_- = 2 L^{-1/\nu}$,
    /// $\sigma_+ = 2.8 L^{-1/\nu}$, amplitude $0.1$, on one fine grid; with
    /// `noise` (relative to the amplitude) on the central curve and on each
    /// of 60 replicas.
    fn synthetic(
        nu: f64,
        critical: f64,
        noise: f64,
        seed: u64,
    ) -> (Vec<f64>, Vec<ClassifierCurves>) {
        let lengths = vec![12.0, 16.0, 24.0, 32.0, 48.0];
        let temperatures: Vec<f64> = (0..=200).map(|k| 1.9 + 0.004 * k as f64).collect();
        let mut rng = stream(seed, Purpose::Named("synthetic"), 0, 0);
        let mut gauss = move || -> f64 { StandardNormal.sample(&mut rng) };
        let curves = lengths
            .iter()
            .map(|&l: &f64| {
                let scale = l.powf(-1.0 / nu);
                let peak = PeakFit {
                    amplitude: 0.1,
                    position: critical + 0.5 * scale,
                    width_below: 2.0 * scale,
                    width_above: 2.8 * scale,
                    chi_squared_per_dof: 0.0,
                };
                let p = Vector4::new(
                    peak.amplitude,
                    peak.position,
                    peak.width_below,
                    peak.width_above,
                );
                let exact: Vec<f64> = temperatures
                    .iter()
                    .map(|&t| PeakFit::model(&p, t).0)
                    .collect();
                let error = noise * 0.1;
                let mut noisy =
                    |_: usize| -> Vec<f64> { exact.iter().map(|v| v + error * gauss()).collect() };
                let central = noisy(0);
                ClassifierCurves {
                    temperatures: temperatures.clone(),
                    probability: vec![
                        Measured {
                            value: 0.5,
                            error: 0.0
                        };
                        temperatures.len()
                    ],
                    variance: central
                        .iter()
                        .map(|&value| Measured {
                            value,
                            error: error.max(1e-9),
                        })
                        .collect(),
                    variance_replicas: (0..60).map(&mut noisy).collect(),
                    snapshots: 1_000_000_000,
                }
            })
            .collect();
        (lengths, curves)
    }

    fn scaling_of(lengths: &[f64], curves: &[ClassifierCurves]) -> ScalingFit {
        let mut peaks = Vec::new();
        let mut errors = Vec::new();
        let mut replicas = Vec::new();
        for curve in curves {
            let (peak, error, replica) = fit_peak_with_errors(curve).unwrap();
            peaks.push(peak);
            errors.push(error);
            replicas.push(replica);
        }
        fit_scaling(lengths, &peaks, &errors, &replicas).unwrap()
    }

    #[test]
    fn the_scaling_fit_recovers_nu_and_t_c_from_exact_synthetic_curves() {
        for nu in [1.0, 2.0 / 3.0] {
            let (lengths, curves) = synthetic(nu, 2.269, 0.0, 1);
            let fit = scaling_of(&lengths, &curves);
            for value in [fit.inverse_nu, fit.inverse_nu_below, fit.inverse_nu_above] {
                assert!((value.value - 1.0 / nu).abs() < 1e-6, "nu = {nu}: {fit:?}");
            }
            assert!(
                (fit.critical_temperature.value - 2.269).abs() < 1e-6,
                "{fit:?}"
            );
        }
    }

    #[test]
    fn the_scaling_fit_recovers_nu_and_t_c_within_its_errors_from_noisy_curves() {
        for (k, nu) in [1.0, 2.0 / 3.0].into_iter().enumerate() {
            let (lengths, curves) = synthetic(nu, 2.269, 0.03, 10 + k as u64);
            let fit = scaling_of(&lengths, &curves);
            for value in [fit.inverse_nu, fit.inverse_nu_below, fit.inverse_nu_above] {
                let z = (value.value - 1.0 / nu) / value.error;
                assert!(
                    z.abs() < 4.0 && value.error < 0.2,
                    "nu = {nu}: {value:?} (z = {z:.2})"
                );
            }
            let t = fit.critical_temperature;
            let z = (t.value - 2.269) / t.error;
            assert!(
                z.abs() < 4.0 && t.error < 0.05,
                "nu = {nu}: {t:?} (z = {z:.2})"
            );
        }
    }

    #[test]
    fn bootstrap_curves_average_the_networks_moments() {
        let temperatures = [1.0, 2.0];
        let outputs = vec![
            vec![vec![0.0f32, 1.0, 1.0, 0.0], vec![0.5, 0.5, 0.5, 0.5]],
            vec![vec![1.0f32, 1.0, 1.0, 1.0], vec![0.25, 0.75, 0.25, 0.75]],
        ];
        let mut rng = stream(2, Purpose::Named("bootstrap"), 0, 0);
        let curves = bootstrap_curves(&temperatures, &outputs, 100, &mut rng).unwrap();
        assert!((curves.probability[0].value - 0.75).abs() < 1e-12);
        assert!((curves.variance[0].value - 0.125).abs() < 1e-12);
        assert!((curves.probability[1].value - 0.5).abs() < 1e-12);
        assert!((curves.variance[1].value - 0.03125).abs() < 1e-12);
        assert!(curves.variance[0].error > 0.0);
        assert_eq!(curves.variance_replicas.len(), 100);
        assert!(bootstrap_curves(&temperatures, &outputs[..0], 10, &mut rng).is_err());
    }
}
