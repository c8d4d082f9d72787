//! The report of a trained-network run: against the number of weights per
//! example $N/P$, for every depth and data size, the fraction of networks
//! that interpolate their training set, the unsatisfied constraints left,
//! the steps to interpolate, the test error, the agreement of two
//! replicas on fresh inputs and the permutation-invariant overlap of their
//! first layers; and the transition $N^*$ where half of the networks
//! interpolate, with a bootstrap error over the data sets. With two
//! replicas or more, a section on the replicas over data sets
//! ([`replicas`]): the distribution of their test agreement, its
//! fluctuations between and within data sets, and the overlap of their
//! hidden representations layer by layer.
//!
//! Every number is a mean over samples (data sets) of the mean over the
//! replicas trained on that sample, with the standard error of the spread
//! over samples: replicas of one sample share its data and are not
//! independent.

pub mod replicas;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use quench_core::rng::splitmix64;
use quench_learn::perceptron::data::{Inputs, TrainingSet};
use quench_learn::perceptron::spherical::{cover_separable_fraction, maximal_stability};
use quench_stats::mean_and_standard_error;

use super::spec::{Architecture, DataKind, Method, TrainedNetworkSpec, TrainedPoint};
use crate::error::RunError;
use crate::family::ReportBuilder;
use crate::figure::{Figure, Series, SeriesKind};
use crate::table::Table;

/// Bootstrap resamples of the data sets for the error of $N^*$.
const BOOTSTRAP: usize = 400;

/// Per point, per sample: a mean over that sample's rows.
type PerSample = BTreeMap<u64, BTreeMap<u64, f64>>;

/// A curve: one depth, input dimension and data size, across widths (a
/// perceptron's across input dimensions, recorded as 0).
type Key = (u64, u64, u64);

/// Per point, per sample: the mean over that sample's rows of `value`
/// (rows where it is not finite are left out).
fn per_sample(table: &Table, value: &dyn Fn(usize) -> f64) -> BTreeMap<u64, BTreeMap<u64, f64>> {
    let (point, sample) = (table.integers("point"), table.integers("sample"));
    let mut sums: BTreeMap<u64, BTreeMap<u64, (f64, usize)>> = BTreeMap::new();
    for row in 0..table.rows() {
        let v = value(row);
        if v.is_finite() {
            let entry = sums
                .entry(point[row])
                .or_default()
                .entry(sample[row])
                .or_insert((0.0, 0));
            entry.0 += v;
            entry.1 += 1;
        }
    }
    sums.into_iter()
        .map(|(p, samples)| {
            (
                p,
                samples
                    .into_iter()
                    .map(|(s, (sum, n))| (s, sum / n as f64))
                    .collect(),
            )
        })
        .collect()
}

/// The point where `fractions` (increasing $N$) first crosses 1/2 from
/// below, interpolated linearly in $\ln N$.
fn crossing(curve: &[(f64, f64)]) -> Option<f64> {
    curve.windows(2).find_map(|pair| {
        let ((n0, f0), (n1, f1)) = (pair[0], pair[1]);
        (f0 < 0.5 && f1 >= 0.5).then(|| {
            let t = (0.5 - f0) / (f1 - f0);
            (n0.ln() + t * (n1.ln() - n0.ln())).exp()
        })
    })
}

/// The ageing of training below the transition: for the largest curve
/// (the most examples, the shallowest depth), at its largest size at which
/// no network interpolated, the correlation of the weights' directions
/// $C(t_w, t_w + \tau)$ against $\tau/t_w$, one series per waiting time.
fn ageing_figure(
    spec: &TrainedNetworkSpec,
    out: &Path,
    curves: &BTreeMap<Key, Vec<u64>>,
    fraction: &PerSample,
    report: &mut ReportBuilder,
    md: &mut String,
) -> Result<(), RunError> {
    let Some((key, points)) = curves
        .iter()
        .filter(|(key, _)| key.0 > 0)
        .max_by_key(|(key, _)| (key.2, std::cmp::Reverse(key.0)))
    else {
        return Ok(());
    };
    let Some(&chosen) = points
        .iter()
        .filter(|p| {
            fraction
                .get(p)
                .is_some_and(|f| f.values().all(|&v| v == 0.0))
        })
        .max_by(|&&a, &&b| {
            spec.points[a as usize]
                .parameters
                .cmp(&spec.points[b as usize].parameters)
        })
    else {
        return Ok(());
    };
    let ageing = Table::read(&out.join("ageing.parquet"))?;
    let (point, waiting, time) = (
        ageing.integers("point"),
        ageing.integers("waiting"),
        ageing.integers("time"),
    );
    let p = &spec.points[chosen as usize];
    let quantities: [(&str, &str, &str, bool); 3] = [
        (
            "ageing",
            "correlation",
            "C(t_w, t_w + τ), correlation of the weight directions",
            false,
        ),
        (
            "ageing-outputs",
            "output_correlation",
            "C_f(t_w, t_w + τ), correlation of the training margins",
            false,
        ),
        (
            "ageing-loss",
            "loss_displacement",
            "log10 Δ_ℓ(t_w, t_w + τ), loss displacement",
            true,
        ),
    ];
    for (stem, column, y_label, logarithm) in quantities {
        let Some(values) = ageing
            .names()
            .iter()
            .any(|n| n == column)
            .then(|| ageing.numbers(column))
        else {
            continue;
        };
        // waiting -> time -> values over samples and replicas.
        let mut by: BTreeMap<u64, BTreeMap<u64, Vec<f64>>> = BTreeMap::new();
        for row in 0..ageing.rows() {
            let value = if logarithm {
                values[row].log10()
            } else {
                values[row]
            };
            if point[row] == chosen && waiting[row] >= 8 && value.is_finite() {
                by.entry(waiting[row])
                    .or_default()
                    .entry(time[row])
                    .or_default()
                    .push(value);
            }
        }
        // At most five waiting times, spread over those measured.
        let waits: Vec<u64> = by.keys().copied().collect();
        let step = waits.len().div_ceil(5).max(1);
        let series: Vec<Series> = waits
            .iter()
            .step_by(step)
            .enumerate()
            .map(|(group, &tw)| Series {
                label: format!("t_w = {tw}"),
                points: by[&tw]
                    .iter()
                    .map(|(&t, values)| {
                        let (mean, error) = mean_and_standard_error(values);
                        (((t - tw) as f64 / tw as f64).log10(), mean, error)
                    })
                    .collect(),
                kind: SeriesKind::Data,
                group: Some(group),
            })
            .collect();
        if series.iter().all(|s| s.points.is_empty()) {
            continue;
        }
        report.figure(
            stem,
            Figure {
                title: format!(
                    "{}: ageing below the transition, L = {}, h = {}, P = {} (N/{} = {:.2})",
                    spec.name,
                    p.depth,
                    p.width,
                    key.2,
                    if spec.architecture.is_recurrent() {
                        "C"
                    } else {
                        "P"
                    },
                    p.parameters as f64 / p.constraints
                ),
                x_label: "log10(τ / t_w)".into(),
                y_label: y_label.into(),
                series,
                vertical_lines: Vec::new(),
            },
        );
        let _ = writeln!(md, "![{y_label}]({stem}.svg)\n");
    }
    let _ = writeln!(
        md,
        "Ageing below the transition: at the largest size of the largest curve where no network interpolates, two-time quantities against $\\tau/t_w$, one curve per waiting time $t_w$ (means over data sets and replicas ± their standard error): the correlation of the directions of the weights $C(t_w, t_w + \\tau) = w(t_w)\\cdot w(t_w + \\tau)/(|w(t_w)|\\,|w(t_w + \\tau)|)$ (`ageing.parquet` also holds the mean squared displacement, which the growth of the norm dominates); the same for the margins $m_\\mu = y_\\mu f(x_\\mu)$ of the training constraints, $C_f$, blind to the weights' symmetries; and the loss's two-time fluctuation $\\Delta_\\ell = \\frac1C\\sum_\\mu(\\ell_\\mu(t_w + \\tau) - \\ell_\\mu(t_w))^2$. A decay that slows with $t_w$ is ageing, and curves that fall on one another depend on $\\tau/t_w$ alone, as in a spin glass after a quench.\n"
    );
    Ok(())
}

/// Where half of the networks of one curve interpolate, with the spread
/// of its bootstrap resamples and how many of them cross.
struct Transition {
    estimate: Option<f64>,
    spread: f64,
    crossed: usize,
}

/// Weighted least squares of `y = a + b x` through `(x, y, error)`: $b$,
/// its standard error (scaled by $\sqrt{\chi^2/\nu}$ when that exceeds 1)
/// and $\chi^2/\nu$; none with fewer than three points.
fn fit_line(points: &[(f64, f64, f64)]) -> Option<(f64, f64, f64)> {
    if points.len() < 3 {
        return None;
    }
    // Errors of zero (every sample equal) weigh as the smallest positive one.
    let floor = points
        .iter()
        .map(|p| p.2)
        .filter(|e| e.is_finite() && *e > 0.0)
        .fold(f64::INFINITY, f64::min);
    let floor = if floor.is_finite() { floor } else { 1.0 };
    let weight = |e: f64| {
        1.0 / if e.is_finite() && e > 0.0 {
            e * e
        } else {
            floor * floor
        }
    };
    let (mut sw, mut sx, mut sy, mut sxx, mut sxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(x, y, e) in points {
        let w = weight(e);
        sw += w;
        sx += w * x;
        sy += w * y;
        sxx += w * x * x;
        sxy += w * x * y;
    }
    let determinant = sw * sxx - sx * sx;
    if determinant <= 0.0 {
        return None;
    }
    let slope = (sw * sxy - sx * sy) / determinant;
    let intercept = (sy - slope * sx) / sw;
    let chi2: f64 = points
        .iter()
        .map(|&(x, y, e)| (y - intercept - slope * x).powi(2) * weight(e))
        .sum();
    let reduced = chi2 / (points.len() - 2) as f64;
    let error = (sw / determinant).sqrt() * reduced.max(1.0).sqrt();
    Some((slope, error, reduced))
}

/// [`Transition`] of every curve: the crossing of the mean fraction, and
/// [`BOOTSTRAP`] resamples of the data sets (the same at every width).
fn transitions(
    spec: &TrainedNetworkSpec,
    curves: &BTreeMap<Key, Vec<u64>>,
    fraction: &BTreeMap<u64, BTreeMap<u64, f64>>,
) -> BTreeMap<Key, Transition> {
    let parameters_of = |p: u64| spec.points[p as usize].parameters as f64;
    let samples: Vec<u64> = (0..spec.samples).collect();
    curves
        .iter()
        .map(|(key, points)| {
            let curve_for = |chosen: &[u64]| -> Vec<(f64, f64)> {
                points
                    .iter()
                    .filter_map(|&p| {
                        let by_sample = fraction.get(&p)?;
                        let values: Vec<f64> = chosen
                            .iter()
                            .filter_map(|s| by_sample.get(s).copied())
                            .collect();
                        (!values.is_empty()).then(|| {
                            (
                                parameters_of(p),
                                values.iter().sum::<f64>() / values.len() as f64,
                            )
                        })
                    })
                    .collect()
            };
            let estimate = crossing(&curve_for(&samples));
            let mut state = splitmix64(spec.seed ^ key.0 ^ (key.1 << 20) ^ (key.2 << 40));
            let mut resampled = Vec::new();
            for _ in 0..BOOTSTRAP {
                let chosen: Vec<u64> = (0..samples.len())
                    .map(|_| {
                        state = splitmix64(state);
                        samples[(state % samples.len() as u64) as usize]
                    })
                    .collect();
                if let Some(n) = crossing(&curve_for(&chosen)) {
                    resampled.push(n);
                }
            }
            let spread = if resampled.len() > 1 {
                let mean = resampled.iter().sum::<f64>() / resampled.len() as f64;
                (resampled.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
                    / (resampled.len() - 1) as f64)
                    .sqrt()
            } else {
                f64::NAN
            };
            (
                *key,
                Transition {
                    estimate,
                    spread,
                    crossed: resampled.len(),
                },
            )
        })
        .collect()
}

/// Whether sample `sample` of the perceptron point `point` is linearly
/// separable through the origin: the maximal-stability programme of
/// quench-learn on the very examples the networks were trained on (none
/// if the solver fails).
fn separable(spec: &TrainedNetworkSpec, point: &TrainedPoint, sample: u64) -> Option<bool> {
    let examples = super::data::examples(spec, point, sample);
    let labels = examples
        .training_labels
        .iter()
        .map(|&y| if y > 0.0 { 1 } else { -1 })
        .collect();
    let set = TrainingSet::from_parts(
        examples.inputs,
        Inputs::Real(examples.training),
        labels,
        None,
    )
    .ok()?;
    Some(maximal_stability(&set).ok()?.separable)
}

/// Figures and `report.md` of the run in `out`.
pub fn write_report(
    spec: &TrainedNetworkSpec,
    out: &Path,
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let runs = Table::read(&out.join("runs.parquet"))?;
    let pairs = Table::read(&out.join("pairs.parquet"))?;
    let mut md = format!("# {}\n\n{}\n\n", spec.name, spec.description.trim());
    let recurrent = spec.architecture.is_recurrent();
    let (networks, x_label) = match spec.architecture {
        Architecture::Dense => (
            "Fully connected networks".to_string(),
            "log2(N / P), N weights, P examples",
        ),
        Architecture::Recurrent { length, outputs } => (
            format!(
                "Deep recurrent networks (L layers of h units, each fed by the layer below at the same step and by itself one step earlier, read out by {outputs} linear unit(s) at every step; sequences of {length} steps{}; trained by back-propagation through time; C = P T K constraints per data set{})",
                if matches!(spec.data, DataKind::Reber { .. }) {
                    " at most, padded past the end"
                } else {
                    ""
                },
                if matches!(spec.data, DataKind::Reber { .. }) {
                    ", T the grammar's mean length among strings of at most that many symbols"
                } else {
                    ""
                }
            ),
            "log2(N / C), N weights, C constraints (P sequences × T steps × K read-outs)",
        ),
    };
    let _ = writeln!(
        md,
        "{networks} ({} hidden units, no biases, weights N(0, 1), pre-activations divided by √fan-in) on {} data, {} loss, {} at rate {} for at most {} steps, stopped once no training constraint is unsatisfied (gap 1 − y f ≤ 10⁻⁶); {} replicas from independent starts per data set, {} data sets (seed {}). N counts the weights; every number is a mean over data sets ± the standard error of their spread.\n",
        spec.activation.name(),
        spec.data.name(),
        spec.loss.name(),
        match spec.method {
            Method::GradientDescent => "full-batch gradient descent".to_string(),
            Method::Adam => "full-batch Adam".to_string(),
            Method::Sgd { batch } => format!("SGD with batches of {batch}"),
        },
        spec.rate,
        spec.steps,
        spec.replicas,
        spec.samples,
        spec.seed
    );
    // C, the constraints of a data set: P for dense networks.
    let constraints_of = |p: u64| spec.points[p as usize].constraints;
    let parameters_of = |p: u64| spec.points[p as usize].parameters as f64;
    let (interpolated, unsatisfied, steps, test_error) = (
        runs.integers("interpolated"),
        runs.integers("unsatisfied"),
        runs.integers("steps"),
        runs.numbers("test_error"),
    );
    let run_point = runs.integers("point");
    let fraction = per_sample(&runs, &|r| interpolated[r] as f64);
    let left = per_sample(&runs, &|r| {
        unsatisfied[r] as f64 / constraints_of(run_point[r])
    });
    let time = per_sample(&runs, &|r| {
        if interpolated[r] == 1 {
            (steps[r].max(1) as f64).log10()
        } else {
            f64::NAN
        }
    });
    let tested = per_sample(&runs, &|r| test_error[r]);
    let agreement_values = pairs.numbers("test_agreement");
    let agreement = per_sample(&pairs, &|r| agreement_values[r]);
    let overlap_values = pairs.numbers("weight_overlap");
    let overlap = per_sample(&pairs, &|r| overlap_values[r]);
    // Curves: (depth, inputs, examples) -> points in increasing N.
    let mut curves: BTreeMap<Key, Vec<u64>> = BTreeMap::new();
    for p in &spec.points {
        // A perceptron's size is its input dimension: its curve runs across them.
        let inputs = if p.depth == 0 { 0 } else { p.inputs as u64 };
        curves
            .entry((p.depth as u64, inputs, p.examples as u64))
            .or_default()
            .push(p.index as u64);
    }
    for points in curves.values_mut() {
        points.sort_by(|&a, &b| parameters_of(a).total_cmp(&parameters_of(b)));
    }
    let several_inputs = spec
        .points
        .iter()
        .any(|p| p.inputs != spec.points[0].inputs);
    let label = |&(depth, inputs, examples): &Key| {
        let mut text = if depth == 0 {
            "perceptron".to_string()
        } else {
            format!("L = {depth}")
        };
        if several_inputs && depth > 0 {
            let _ = write!(text, ", d = {inputs}");
        }
        let _ = write!(text, ", P = {examples}");
        text
    };
    let series_of = |values: &BTreeMap<u64, BTreeMap<u64, f64>>| -> Vec<Series> {
        curves
            .iter()
            .enumerate()
            .map(|(group, (key, points))| Series {
                label: label(key),
                points: points
                    .iter()
                    .filter_map(|&p| {
                        let samples: Vec<f64> = values.get(&p)?.values().copied().collect();
                        let (mean, error) = mean_and_standard_error(&samples);
                        Some(((parameters_of(p) / constraints_of(p)).log2(), mean, error))
                    })
                    .collect(),
                kind: SeriesKind::Data,
                group: Some(group),
            })
            .collect()
    };
    let transitions = transitions(spec, &curves, &fraction);
    // Uncoloured lines: drawn only where they cannot be confused (three curves at most).
    let transition_lines: Vec<(f64, String)> = transitions
        .iter()
        .filter(|_| curves.len() <= 3)
        .filter_map(|(key, t)| {
            let n = t.estimate?;
            let c = constraints_of(*curves[key].first()?);
            Some(((n / c).log2(), format!("N*, {}", label(key))))
        })
        .collect();
    let gardner = if !recurrent && spec.points.iter().any(|p| p.depth == 0) {
        vec![(-1.0, "Gardner: P = 2N (perceptron)".to_string())]
    } else {
        Vec::new()
    };
    let figures: Vec<(&str, &str, &PerSample, bool)> = vec![
        (
            "interpolation-fraction",
            "fraction of networks that interpolate",
            &fraction,
            true,
        ),
        (
            "unsatisfied",
            if recurrent {
                "unsatisfied constraints at the end / C"
            } else {
                "unsatisfied constraints at the end / P"
            },
            &left,
            true,
        ),
        ("training-time", "log10(steps to interpolate)", &time, false),
        ("test-error", "test error at the end", &tested, false),
        (
            "replica-agreement",
            "agreement of two replicas on test inputs",
            &agreement,
            false,
        ),
        (
            "weight-overlap",
            "first-layer overlap of two replicas, permutation-invariant",
            &overlap,
            false,
        ),
    ];
    // Cover's exact fraction of separable dichotomies beside the
    // perceptron curves: the truth the trained perceptrons approach.
    let cover: Vec<Series> = curves
        .iter()
        .enumerate()
        .filter(|(_, (key, _))| key.0 == 0)
        .map(|(group, (key, points))| {
            let p = key.2 as usize;
            let (low, high) = (
                spec.points[points[0] as usize].inputs,
                spec.points[*points.last().expect("a point") as usize].inputs,
            );
            Series {
                label: format!("Cover's exact fraction, P = {p} (dashed)"),
                points: (low..=high)
                    .filter_map(|n| {
                        let f = cover_separable_fraction(p, n).ok()?;
                        Some(((n as f64 / p as f64).log2(), f, f64::NAN))
                    })
                    .collect(),
                kind: SeriesKind::Theory,
                group: Some(group),
            }
        })
        .collect();
    // The same data sets decided exactly: is there a separating plane at all?
    let exact: Vec<Series> = curves
        .iter()
        .enumerate()
        .filter(|(_, (key, _))| key.0 == 0)
        .map(|(group, (key, points))| Series {
            label: format!("separable (exact, the same data sets), P = {}", key.2),
            points: points
                .iter()
                .filter_map(|&p| {
                    let point = &spec.points[p as usize];
                    let decided: Vec<f64> = (0..spec.samples)
                        .filter_map(|sample| separable(spec, point, sample))
                        .map(f64::from)
                        .collect();
                    let (mean, error) = mean_and_standard_error(&decided);
                    (!decided.is_empty()).then_some((
                        (point.parameters as f64 / point.examples as f64).log2(),
                        mean,
                        error,
                    ))
                })
                .collect(),
            kind: SeriesKind::Points,
            group: Some(curves.len() + group),
        })
        .collect();
    for (stem, y_label, values, with_gardner) in figures {
        if (stem == "test-error" && !spec.data.has_test_labels())
            || ((stem == "replica-agreement" || stem == "weight-overlap") && spec.replicas < 2)
        {
            continue;
        }
        let mut series = series_of(values);
        if stem == "interpolation-fraction" {
            series.extend(exact.iter().cloned());
            series.extend(cover.iter().cloned());
        }
        report.figure(
            stem,
            Figure {
                title: format!("{}: {y_label}", spec.name),
                x_label: x_label.into(),
                y_label: y_label.into(),
                series,
                vertical_lines: if with_gardner {
                    gardner.clone()
                } else {
                    transition_lines.clone()
                },
            },
        );
        let _ = writeln!(md, "![{y_label} against N/C]({stem}.svg)\n");
    }
    ageing_figure(spec, out, &curves, &fraction, report, &mut md)?;
    let mut replica_md = String::new();
    if spec.replicas >= 2 {
        let position = |p: u64| (parameters_of(p) / constraints_of(p)).log2();
        let replica_curves: Vec<replicas::Curve> = curves
            .iter()
            .map(|(key, points)| replicas::Curve {
                label: label(key),
                points: points.clone(),
                depth: key.0,
                examples: key.2,
            })
            .collect();
        replicas::section(
            out,
            &spec.name,
            &replica_curves,
            &replicas::Axes {
                position: &position,
                x_label,
                per: if recurrent { "C" } else { "P" },
                lines: &transition_lines,
                fraction: &fraction,
            },
            report,
            &mut replica_md,
        )?;
    }
    let _ = writeln!(
        md,
        "The transition N* is where the fraction of networks that interpolate first crosses 1/2 (linear interpolation in ln N between neighbouring widths), drawn as a vertical line on the other figures when there are at most three curves; its error is the spread of {BOOTSTRAP} bootstrap resamples of the data sets (the same resample at every width). The steps to interpolate diverge towards N* from above; θ fits $t \\propto (N/N^* - 1)^{{-\\theta}}$ (weighted least squares of log10 t against log10(N/N* − 1), N* held fixed) over the widths between 1.02 N* and 3 N* at which every network interpolated; its error leaves out that of N* (the seed's Hertz reports a time growing like 1/(w − w_c), θ = 1).\n\n| curve | N* | error | N*/{} | resamples that cross | time exponent θ |\n|---|---|---|---|---|---|",
        if recurrent { "C" } else { "P" }
    );
    for (key, transition) in &transitions {
        let p = constraints_of(curves[key][0]);
        match transition.estimate {
            Some(n) => {
                // The training time above N*, where every network interpolates.
                let above: Vec<(f64, f64, f64)> = curves[key]
                    .iter()
                    .filter(|&&q| {
                        let size = parameters_of(q);
                        size > 1.02 * n
                            && size <= 3.0 * n
                            && fraction
                                .get(&q)
                                .is_some_and(|f| f.values().all(|&v| v == 1.0))
                    })
                    .filter_map(|&q| {
                        let samples: Vec<f64> = time.get(&q)?.values().copied().collect();
                        let (mean, error) = mean_and_standard_error(&samples);
                        Some(((parameters_of(q) / n - 1.0).log10(), mean, error))
                    })
                    .collect();
                let exponent = match fit_line(&above) {
                    Some((slope, error, reduced)) => format!(
                        "{:.2} ± {:.2} ({} widths, χ²/ν = {reduced:.1})",
                        -slope,
                        error,
                        above.len()
                    ),
                    None => "fewer than 3 widths".to_string(),
                };
                let _ = writeln!(
                    md,
                    "| {} | {n:.1} | {:.1} | {:.3} ± {:.3} | {}/{BOOTSTRAP} | {exponent} |",
                    label(key),
                    transition.spread,
                    n / p,
                    transition.spread / p,
                    transition.crossed
                );
            }
            None => {
                let _ = writeln!(
                    md,
                    "| {} | not bracketed by the widths run | | | | |",
                    label(key)
                );
            }
        }
    }
    if !gardner.is_empty() {
        let _ = writeln!(
            md,
            "\nThe perceptron (L = 0, N = d) stores random labels up to P = 2N at zero margin (Gardner 1988; the margin 1 of the hinge is free, the output scaling with the weights): for homogeneous separators of points in general position Cover (1965) gives the exact fraction of separable label sets, $2^{{1-P}}\\sum_{{k<N}}\\binom{{P-1}}{{k}}$, exactly 1/2 at P = 2N for every N: drawn dashed beside the trained perceptrons, with the vertical line at N/P = 1/2 (log2 = −1). The squares decide the very data sets trained on exactly (maximal-stability quadratic programme, `quench_learn::perceptron::spherical::maximal_stability`): where the trained fraction lies below them, data sets that are separable were not separated within the steps given."
        );
    }
    if spec.data == DataKind::RandomLabels {
        let _ = writeln!(
            md,
            "\nRandom labels carry no rule: the test error is not measured, and the replicas' agreement on fresh inputs says how much two fits of the same data share beyond chance (1/2)."
        );
    }
    md.push('\n');
    md.push_str(&replica_md);
    report.markdown.push_str(&md);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A noiseless line is recovered exactly; noise of known size gives a
    /// slope error of the size least squares predicts.
    #[test]
    fn fit_line_recovers_a_line() {
        let points: Vec<(f64, f64, f64)> = (0..6)
            .map(|k| (k as f64, 2.0 - 0.7 * k as f64, 0.1))
            .collect();
        let (slope, error, reduced) = fit_line(&points).unwrap();
        assert!(
            (slope + 0.7).abs() < 1e-12 && reduced < 1e-20,
            "{slope} {reduced}"
        );
        // sigma_b = sigma / sqrt(sum (x - mean)^2) = 0.1 / sqrt(17.5).
        assert!((error - 0.1 / 17.5f64.sqrt()).abs() < 1e-12, "{error}");
        assert!(fit_line(&points[..2]).is_none());
    }

    /// The crossing of 1/2 is interpolated in ln N, and none without one.
    #[test]
    fn crossing_interpolates_in_the_logarithm() {
        let n = crossing(&[(10.0, 0.0), (40.0, 1.0)]).unwrap();
        assert!((n - 20.0).abs() < 1e-12, "{n}");
        assert_eq!(crossing(&[(10.0, 0.6), (40.0, 1.0)]), None);
        assert_eq!(crossing(&[(10.0, 0.0), (40.0, 0.4)]), None);
    }
}
