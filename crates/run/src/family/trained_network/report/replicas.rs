//! Replicas over data sets (seed `001`: the training data are the quenched
//! disorder, replicas are networks trained from independent starts on the
//! same data): how the overlaps of two replicas are distributed over the
//! pairs and over the data sets, and how far up the network they reach.
//!
//! * The distribution of the test agreement $q_f$ (the fraction of fresh
//!   inputs on which two replicas give the same sign), pooled over the
//!   pairs of every data set, at a few sizes across the transition.
//! * Its fluctuations, split in two: between data sets, the standard
//!   deviation of the per-data-set mean $\bar q_J$ (the disorder's
//!   fluctuations; a self-averaging overlap has them fall as the system
//!   grows), and within a data set, the root of the mean variance over its
//!   pairs (the replicas' own).
//! * The permutation-invariant overlap of the replicas' representations of
//!   the test inputs at every hidden layer
//!   ([`quench_neural::overlap::representation_overlap`]), trained and at
//!   the independent starts (what shared inputs alone make two random
//!   networks share).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use quench_stats::mean_and_standard_error;

use super::PerSample;
use crate::error::RunError;
use crate::family::ReportBuilder;
use crate::figure::{Figure, Series, SeriesKind};
use crate::table::Table;

/// Sizes drawn in the distribution figure.
const SIZES_SHOWN: usize = 5;

/// Histogram bins of the distribution figure.
const BINS: usize = 20;

/// One curve of the report: its legend, its points in increasing size.
pub(super) struct Curve {
    pub label: String,
    pub points: Vec<u64>,
    /// Its hidden layers.
    pub depth: u64,
    /// Its data size $P$.
    pub examples: u64,
}

/// What the section needs from the rest of the report.
pub(super) struct Axes<'a> {
    /// The horizontal position of a point, $\log_2(N/C)$.
    pub position: &'a dyn Fn(u64) -> f64,
    pub x_label: &'a str,
    /// What $N$ is divided by: `"P"` or `"C"`.
    pub per: &'a str,
    /// The transition lines of the other figures.
    pub lines: &'a [(f64, String)],
    /// The fraction of networks that interpolate, per point and sample.
    pub fraction: &'a PerSample,
}

/// Values per point, per sample: every pair's.
type Pooled = BTreeMap<u64, BTreeMap<u64, Vec<f64>>>;

fn pooled(table: &Table, column: &str, keep: &dyn Fn(usize) -> bool) -> Pooled {
    let (point, sample, values) = (
        table.integers("point"),
        table.integers("sample"),
        table.numbers(column),
    );
    let mut out = Pooled::new();
    for row in 0..table.rows() {
        if keep(row) && values[row].is_finite() {
            out.entry(point[row])
                .or_default()
                .entry(sample[row])
                .or_default()
                .push(values[row]);
        }
    }
    out
}

/// The sample standard deviation (NaN below two values).
fn deviation(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 2 {
        return f64::NAN;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
}

/// The fluctuations of one point's overlaps: between data sets (the
/// standard deviation of the per-data-set means, with its standard error
/// $s/\sqrt{2(n-1)}$ for $n$ data sets) and within them (the root of the
/// mean per-data-set variance, with the error of that mean carried
/// through the root).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fluctuations {
    /// Between data sets: the value and its standard error.
    pub between: (f64, f64),
    /// Within a data set: the value and its standard error.
    pub within: (f64, f64),
}

/// [`Fluctuations`] of the overlaps of one point, listed per data set.
pub fn fluctuations(by_sample: &BTreeMap<u64, Vec<f64>>) -> Fluctuations {
    let means: Vec<f64> = by_sample
        .values()
        .filter(|v| !v.is_empty())
        .map(|v| v.iter().sum::<f64>() / v.len() as f64)
        .collect();
    let between = deviation(&means);
    let between_error = if means.len() > 1 {
        between / (2.0 * (means.len() - 1) as f64).sqrt()
    } else {
        f64::NAN
    };
    let variances: Vec<f64> = by_sample
        .values()
        .filter(|v| v.len() > 1)
        .map(|v| deviation(v).powi(2))
        .collect();
    let within = if variances.is_empty() {
        (f64::NAN, f64::NAN)
    } else {
        let (mean, error) = mean_and_standard_error(&variances);
        let root = mean.sqrt();
        (
            root,
            if variances.len() > 1 && root > 0.0 {
                error / (2.0 * root)
            } else {
                f64::NAN
            },
        )
    };
    Fluctuations {
        between: (between, between_error),
        within,
    }
}

/// The mean over data sets of the per-data-set mean, with its standard error.
fn mean_over_samples(by_sample: &BTreeMap<u64, Vec<f64>>) -> (f64, f64) {
    let means: Vec<f64> = by_sample
        .values()
        .filter(|v| !v.is_empty())
        .map(|v| v.iter().sum::<f64>() / v.len() as f64)
        .collect();
    mean_and_standard_error(&means)
}

/// Up to `count` indices spread evenly over `0..length`, both ends included.
fn spread(length: usize, count: usize) -> Vec<usize> {
    if length <= count {
        return (0..length).collect();
    }
    let mut chosen: Vec<usize> = (0..count)
        .map(|k| (k * (length - 1) + (count - 1) / 2) / (count - 1))
        .collect();
    chosen.dedup();
    chosen
}

/// A histogram of `values` over `[low, high]` in [`BINS`] bins, as a
/// density, drawn as steps: `(x, density)` at both edges of every bin.
fn histogram(values: &[f64], low: f64, high: f64) -> Vec<(f64, f64, f64)> {
    let width = (high - low) / BINS as f64;
    let mut counts = [0usize; BINS];
    for &v in values {
        let bin = (((v - low) / width).floor().max(0.0) as usize).min(BINS - 1);
        counts[bin] += 1;
    }
    let norm = values.len().max(1) as f64 * width;
    counts
        .iter()
        .enumerate()
        .flat_map(|(bin, &count)| {
            let (left, density) = (low + bin as f64 * width, count as f64 / norm);
            [(left, density, f64::NAN), (left + width, density, f64::NAN)]
        })
        .collect()
}

/// The section: three figures and a table.
pub(super) fn section(
    out: &Path,
    name: &str,
    curves: &[Curve],
    axes: &Axes<'_>,
    report: &mut ReportBuilder,
    md: &mut String,
) -> Result<(), RunError> {
    let pairs = Table::read(&out.join("pairs.parquet"))?;
    let layers = Table::read(&out.join("representations.parquet"))?;
    let agreement = pooled(&pairs, "test_agreement", &|_| true);
    let weights = pooled(&pairs, "weight_overlap", &|_| true);
    let layer_of = layers.integers("layer");
    let max_depth = curves.iter().map(|c| c.depth).max().unwrap_or(0);
    let trained: Vec<Pooled> = (1..=max_depth)
        .map(|l| pooled(&layers, "representation_overlap", &|r| layer_of[r] == l))
        .collect();
    let initial: Vec<Pooled> = (1..=max_depth)
        .map(|l| {
            pooled(&layers, "initial_representation_overlap", &|r| {
                layer_of[r] == l
            })
        })
        .collect();
    let _ = writeln!(
        md,
        "## Replicas over data sets\n\nThe data are the quenched disorder and the replicas are networks trained from independent starts on the same data set (seed 001). Their test agreement $q_f$ (the fraction of fresh inputs on which two replicas give the same sign) fluctuates over the pairs of one data set and from one data set to another: between data sets, the standard deviation of the per-data-set mean $\\bar q_J$ (± $s/\\sqrt{{2(n-1)}}$ over $n$ data sets; it holds the within-set noise of $\\bar q_J$ too); within one, the root of the mean variance over its pairs (± the error of that mean). A self-averaging overlap has fluctuations between data sets that fall as the system grows; a spin glass's do not.\n"
    );
    // Fluctuations against N/C.
    let mut series = Vec::new();
    for (group, curve) in curves.iter().enumerate() {
        let stats: Vec<(f64, Fluctuations)> = curve
            .points
            .iter()
            .filter_map(|&p| Some(((axes.position)(p), fluctuations(agreement.get(&p)?))))
            .collect();
        let take = |f: &dyn Fn(&Fluctuations) -> (f64, f64)| -> Vec<(f64, f64, f64)> {
            stats
                .iter()
                .filter(|(_, s)| f(s).0.is_finite())
                .map(|(x, s)| (*x, f(s).0, f(s).1))
                .collect()
        };
        series.push(Series {
            label: format!("{}, between data sets", curve.label),
            points: take(&|s| s.between),
            kind: SeriesKind::Data,
            group: Some(group),
        });
        let within = take(&|s| s.within);
        if !within.is_empty() {
            series.push(Series {
                label: format!("{}, within a data set (dashed)", curve.label),
                points: within.iter().map(|&(x, y, _)| (x, y, f64::NAN)).collect(),
                kind: SeriesKind::Theory,
                group: Some(group),
            });
        }
    }
    report.figure(
        "replica-fluctuations",
        Figure {
            title: format!("{name}: fluctuations of the replicas' test agreement"),
            x_label: axes.x_label.into(),
            y_label: "standard deviation of the test agreement q_f".into(),
            series,
            vertical_lines: axes.lines.to_vec(),
        },
    );
    let _ = writeln!(
        md,
        "![Fluctuations of the test agreement between and within data sets](replica-fluctuations.svg)\n"
    );
    // The distribution at a few sizes of the curve with the most layers
    // (of those, the last: the most examples): every pair of every data
    // set pooled.
    if let Some(curve) = curves.iter().max_by_key(|c| c.depth) {
        let shown: Vec<u64> = spread(curve.points.len(), SIZES_SHOWN)
            .into_iter()
            .map(|i| curve.points[i])
            .filter(|p| {
                agreement
                    .get(p)
                    .is_some_and(|s| s.values().flatten().count() >= 20)
            })
            .collect();
        let values: Vec<Vec<f64>> = shown
            .iter()
            .map(|p| agreement[p].values().flatten().copied().collect())
            .collect();
        let (low, high) = values
            .iter()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        if high > low {
            let series = shown
                .iter()
                .zip(&values)
                .enumerate()
                .map(|(group, (&p, v))| {
                    let interpolating = axes.fraction.get(&p).map_or(f64::NAN, |f| {
                        f.values().sum::<f64>() / f.len().max(1) as f64
                    });
                    Series {
                        label: format!(
                            "log2(N/{}) = {:.2}, {:.0} % interpolate ({} pairs)",
                            axes.per,
                            (axes.position)(p),
                            100.0 * interpolating,
                            v.len()
                        ),
                        points: histogram(v, low, high),
                        kind: SeriesKind::Line,
                        group: Some(group),
                    }
                })
                .collect();
            report.figure(
                "replica-distribution",
                Figure {
                    title: format!(
                        "{name}: distribution of the test agreement, {}",
                        curve.label
                    ),
                    x_label: "test agreement q_f of two replicas".into(),
                    y_label: "probability density over pairs and data sets".into(),
                    series,
                    vertical_lines: Vec::new(),
                },
            );
            let _ = writeln!(
                md,
                "The distribution of $q_f$ over every pair of every data set, at {} sizes of {} ({BINS} bins):\n\n![Distribution of the test agreement](replica-distribution.svg)\n",
                shown.len(),
                curve.label
            );
        }
    }
    // Representations, layer by layer, for the largest data size (the
    // table holds every curve): trained, and dashed at the start.
    let largest = curves.iter().map(|c| c.examples).max().unwrap_or(0);
    if max_depth > 0 {
        let mut series = Vec::new();
        for curve in curves
            .iter()
            .filter(|c| c.depth > 0 && c.examples == largest)
        {
            let along = |pooled: &Pooled| -> Vec<(f64, f64, f64)> {
                curve
                    .points
                    .iter()
                    .filter_map(|&p| {
                        let (mean, error) = mean_over_samples(pooled.get(&p)?);
                        Some(((axes.position)(p), mean, error))
                    })
                    .collect()
            };
            for layer in 1..=curve.depth as usize {
                let group = series.len() / 2;
                series.push(Series {
                    label: format!("{}, layer {layer}", curve.label),
                    points: along(&trained[layer - 1]),
                    kind: SeriesKind::Data,
                    group: Some(group),
                });
                series.push(Series {
                    label: format!("{}, layer {layer}, at the start (dashed)", curve.label),
                    points: along(&initial[layer - 1])
                        .into_iter()
                        .map(|(x, y, _)| (x, y, f64::NAN))
                        .collect(),
                    kind: SeriesKind::Theory,
                    group: Some(group),
                });
            }
        }
        report.figure(
            "representation-overlap",
            Figure {
                title: format!(
                    "{name}: overlap of the replicas' hidden representations, P = {largest}"
                ),
                x_label: axes.x_label.into(),
                y_label: "representation overlap of two replicas, permutation-invariant".into(),
                series,
                vertical_lines: axes.lines.to_vec(),
            },
        );
        let _ = writeln!(
            md,
            "The overlap of two replicas' representations of the test inputs at every hidden layer: $\\sum_{{ij}}\\cos^2(s^a_i, s^b_j)$ over the units' centred activations on the test inputs (the seed's $\\sum_{{ij}}q_{{ij}}^2$ for real-valued units), normalised to 1 for the same representation in any order and with any signs, and centred to 0 for unrelated ones; dashed, the same at the independent starts (drawn for P = {largest}; the table below has every curve).\n\n![Overlap of the replicas' hidden representations](representation-overlap.svg)\n"
        );
    }
    // The table.
    let _ = write!(
        md,
        "| curve | log2(N/C) | interpolate | q_f | between data sets | within a data set | first-layer weight overlap |"
    );
    for layer in 1..=max_depth {
        let _ = write!(md, " layer {layer}: trained / start |");
    }
    let _ = write!(md, "\n|---|---|---|---|---|---|---|");
    for _ in 1..=max_depth {
        let _ = write!(md, "---|");
    }
    md.push('\n');
    let cell = |pooled: &Pooled, p: u64| -> String {
        match pooled.get(&p) {
            Some(s) if !s.is_empty() => {
                let (mean, error) = mean_over_samples(s);
                format!("{mean:.3} ± {error:.3}")
            }
            _ => String::new(),
        }
    };
    for curve in curves {
        for &p in &curve.points {
            let Some(by_sample) = agreement.get(&p) else {
                continue;
            };
            let f = fluctuations(by_sample);
            let interpolating = axes.fraction.get(&p).map_or(f64::NAN, |f| {
                f.values().sum::<f64>() / f.len().max(1) as f64
            });
            let _ = write!(
                md,
                "| {} | {:.2} | {interpolating:.2} | {} | {:.4} ± {:.4} | {:.4} ± {:.4} | {} |",
                curve.label,
                (axes.position)(p),
                cell(&agreement, p),
                f.between.0,
                f.between.1,
                f.within.0,
                f.within.1,
                cell(&weights, p),
            );
            for layer in 0..max_depth as usize {
                if (layer as u64) < curve.depth {
                    let _ = write!(
                        md,
                        " {} / {} |",
                        cell(&trained[layer], p),
                        cell(&initial[layer], p)
                    );
                } else {
                    md.push_str(" |");
                }
            }
            md.push('\n');
        }
    }
    md.push('\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Data sets that differ only by a constant shift have no fluctuations
    /// within them beyond their own and all the spread between; identical
    /// data sets have none between.
    #[test]
    fn fluctuations_split_between_and_within_data_sets() {
        let shifted: BTreeMap<u64, Vec<f64>> =
            (0..4).map(|s| (s, vec![s as f64, s as f64])).collect();
        let f = fluctuations(&shifted);
        assert_eq!(f.within.0, 0.0);
        // The standard deviation of 0, 1, 2, 3.
        assert!((f.between.0 - (5.0f64 / 3.0).sqrt()).abs() < 1e-12, "{f:?}");
        let same: BTreeMap<u64, Vec<f64>> = (0..4).map(|s| (s, vec![0.0, 1.0, 2.0])).collect();
        let f = fluctuations(&same);
        assert_eq!(f.between.0, 0.0);
        assert!((f.within.0 - 1.0).abs() < 1e-12, "{f:?}");
        assert!(f.within.1.abs() < 1e-12, "{f:?}");
    }

    /// The histogram is a density (integrates to one) and keeps every value,
    /// the largest in the last bin.
    #[test]
    fn the_histogram_is_a_density() {
        let values = [0.5, 0.6, 0.6, 0.9, 1.0];
        let steps = histogram(&values, 0.5, 1.0);
        let area: f64 = steps
            .chunks_exact(2)
            .map(|edge| (edge[1].0 - edge[0].0) * edge[0].1)
            .sum();
        assert!((area - 1.0).abs() < 1e-12, "{area}");
        assert!(steps.last().expect("bins").1 > 0.0);
        assert_eq!(spread(10, 5), vec![0, 2, 5, 7, 9]);
        assert_eq!(spread(3, 5), vec![0, 1, 2]);
    }
}
