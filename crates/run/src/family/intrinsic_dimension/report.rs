//! The report of an intrinsic-dimension run: for every `[[data]]` entry the
//! estimates against what the entry varies (the true $d$ with the line
//! $\hat d = d$, the latent $D$ of the hidden manifold model, the
//! temperature of Ising snapshots with Onsager's $T_c$, the class of the
//! digits beside all digits together), the dimension against the scale,
//! and one table of every estimate.
//!
//! An estimate over several samples (independent draws of generated data)
//! is their mean with the standard error of their spread; a data set drawn
//! once keeps the estimator's own error.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use quench_geometry::Estimator;
use quench_stats::mean_and_standard_error;

use super::spec::{DimensionSpec, Source};
use crate::error::RunError;
use crate::family::ReportBuilder;
use crate::figure::{Figure, Series, SeriesKind};
use crate::table::Table;

/// Onsager's critical temperature of the square-lattice Ising model, $2/\ln(1+\sqrt2)$.
const ONSAGER_TC: f64 = 2.269_185_314_213_022;

/// The estimator's name in legends.
fn legend(estimator: &Estimator) -> String {
    match estimator {
        Estimator::TwoNn { .. } => "TwoNN".into(),
        Estimator::LevinaBickel { k } => format!("Levina–Bickel, k = {k}"),
        Estimator::Correlation { .. } => "correlation dimension".into(),
    }
}

fn key_of(estimator: &Estimator) -> (String, u64) {
    let k = match estimator {
        Estimator::LevinaBickel { k } => *k as u64,
        _ => 0,
    };
    (estimator.name().to_string(), k)
}

/// Mean and error of one point's samples (module docs); samples the
/// estimator could not measure (NaN) are left out.
fn combine(values: &[(f64, f64)]) -> (f64, f64) {
    let values: Vec<(f64, f64)> = values.iter().copied().filter(|v| v.0.is_finite()).collect();
    match values.as_slice() {
        [] => (f64::NAN, f64::NAN),
        [(value, error)] => (*value, *error),
        _ => {
            let dimensions: Vec<f64> = values.iter().map(|v| v.0).collect();
            mean_and_standard_error(&dimensions)
        }
    }
}

/// What a point of an entry is, in a legend: `d = 3`, `D = 8`, `T = 2.2`,
/// `class 7`, or the entry's name for a single data set.
fn value_label(point: &super::DataPoint) -> String {
    if point.x.is_nan() {
        return point.label.clone();
    }
    match point.source {
        Source::Manifold { .. } => format!("d = {}", point.x),
        Source::HiddenManifold(_) => format!("D = {}", point.x),
        Source::Ising { .. } => format!("T = {}", point.x),
        Source::Digits { .. } | Source::File { .. } => format!("class {}", point.x),
    }
}

/// A file stem from a label.
fn stem(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Figures and `report.md` of the run in `out`.
pub fn write_report(
    spec: &DimensionSpec,
    out: &Path,
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let table = Table::read(&out.join("estimates.parquet"))?;
    let (point, estimator, k, dimension, error) = (
        table.integers("point"),
        table.texts("estimator"),
        table.integers("k"),
        table.numbers("dimension"),
        table.numbers("error"),
    );
    let (sizes_column, used, coordinates) = (
        table.integers("points"),
        table.integers("used"),
        table.integers("coordinates"),
    );
    // (point, estimator, k) -> [(dimension, error)] over samples.
    let mut by_point: BTreeMap<(usize, String, u64), Vec<(f64, f64)>> = BTreeMap::new();
    // point -> (points, coordinates, points TwoNN kept: duplicates of their
    // first neighbour are left out), the last over samples.
    let mut sizes: BTreeMap<usize, (u64, u64, Option<u64>)> = BTreeMap::new();
    for i in 0..table.rows() {
        by_point
            .entry((point[i] as usize, estimator[i].clone(), k[i]))
            .or_default()
            .push((dimension[i], error[i]));
        let entry =
            sizes
                .entry(point[i] as usize)
                .or_insert((sizes_column[i], coordinates[i], None));
        if estimator[i] == "two-nn" && dimension[i].is_finite() {
            entry.2 = Some(used[i]);
        }
    }
    let result = |p: usize, e: &Estimator| {
        let (name, k) = key_of(e);
        combine(by_point.get(&(p, name, k)).map_or(&[][..], |v| &v[..]))
    };
    report.markdown = format!("# {}\n\n{}\n\n", spec.name, spec.description.trim());
    let entries: Vec<usize> = {
        let mut e: Vec<usize> = spec.points.iter().map(|p| p.entry).collect();
        e.dedup();
        e
    };
    for &entry in &entries {
        let points: Vec<&super::DataPoint> =
            spec.points.iter().filter(|p| p.entry == entry).collect();
        let first = points[0];
        let label = &first.label;
        let _ = writeln!(report.markdown, "## {label}\n");
        if points.len() > 1 {
            let (x_label, title) = match &first.source {
                Source::Manifold {
                    manifold,
                    embedding,
                } => (
                    "true dimension d".to_string(),
                    format!(
                        "{label}: {}s in {} coordinates{}",
                        manifold.name(),
                        embedding.ambient,
                        if embedding.noise > 0.0 {
                            format!(", noise {}", embedding.noise)
                        } else {
                            String::new()
                        }
                    ),
                ),
                Source::HiddenManifold(m) => (
                    "latent dimension D".to_string(),
                    format!(
                        "{label}: hidden manifold model, N = {} inputs, f = {}",
                        m.inputs,
                        format!("{:?}", m.activation).to_lowercase()
                    ),
                ),
                Source::Ising { length, .. } => (
                    "temperature T".to_string(),
                    format!("{label}: Ising snapshots, L = {length}"),
                ),
                Source::Digits { .. } | Source::File { .. } => {
                    ("class".to_string(), format!("{label}: one class at a time"))
                }
            };
            let per_class = matches!(first.source, Source::Digits { .. } | Source::File { .. });
            let mut series = Vec::new();
            for (g, e) in spec.estimators.iter().enumerate() {
                let values: Vec<(f64, f64, f64)> = points
                    .iter()
                    .map(|p| {
                        let (d, err) = result(p.index, e);
                        (p.x, d, err)
                    })
                    .filter(|v| v.1.is_finite())
                    .collect();
                // An estimator that measured none of the points gets no
                // legend entry (the report's list says why).
                if values.is_empty() {
                    continue;
                }
                series.push(Series {
                    label: legend(e),
                    points: values,
                    kind: if per_class {
                        SeriesKind::Points
                    } else {
                        SeriesKind::Data
                    },
                    group: Some(g),
                });
            }
            let low = points.iter().map(|p| p.x).fold(f64::INFINITY, f64::min);
            let high = points.iter().map(|p| p.x).fold(f64::NEG_INFINITY, f64::max);
            if points.iter().all(|p| p.truth.is_some()) {
                series.push(Series {
                    label: "estimate = true dimension".into(),
                    points: vec![(low, low, f64::NAN), (high, high, f64::NAN)],
                    kind: SeriesKind::Theory,
                    group: Some(spec.estimators.len()),
                });
            }
            if per_class {
                // The same source without classes: all of it together, as a flat line.
                let whole = spec.points.iter().find(|q| {
                    q.entry != entry
                        && matches!(
                            (&q.source, &first.source),
                            (Source::Digits { class: None }, Source::Digits { .. })
                        )
                });
                if let Some(whole) = whole {
                    for (g, e) in spec.estimators.iter().enumerate() {
                        let (d, _) = result(whole.index, e);
                        if !d.is_finite() {
                            continue;
                        }
                        series.push(Series {
                            label: format!("{}, all classes ({})", legend(e), whole.label),
                            points: vec![(low, d, f64::NAN), (high, d, f64::NAN)],
                            kind: SeriesKind::Theory,
                            group: Some(g),
                        });
                    }
                }
            }
            let vertical_lines = if matches!(first.source, Source::Ising { .. }) {
                vec![(ONSAGER_TC, "T_c (Onsager)".to_string())]
            } else {
                Vec::new()
            };
            let name = format!("dimension-{}", stem(label));
            report.figure(
                name.clone(),
                Figure {
                    title,
                    x_label,
                    y_label: "intrinsic dimension".into(),
                    series,
                    vertical_lines,
                },
            );
            let _ = writeln!(report.markdown, "![{label}]({name}.png)\n");
        }
        let _ = write!(
            report.markdown,
            "| value | points | distinct | coordinates | true d |"
        );
        for e in &spec.estimators {
            let _ = write!(report.markdown, " {} |", legend(e));
        }
        let _ = write!(report.markdown, "\n|---|---|---|---|---|");
        for _ in &spec.estimators {
            report.markdown.push_str("---|");
        }
        report.markdown.push('\n');
        for p in &points {
            let (n, coordinates, distinct) = sizes.get(&p.index).copied().unwrap_or((0, 0, None));
            let distinct = distinct.map_or("?".to_string(), |d| d.to_string());
            let _ = write!(
                report.markdown,
                "| {} | {n} | {distinct} | {coordinates} | {} |",
                if p.x.is_nan() {
                    "all".to_string()
                } else {
                    format!("{}", p.x)
                },
                p.truth.map_or("?".to_string(), |t| format!("{t}"))
            );
            for e in &spec.estimators {
                let (d, err) = result(p.index, e);
                if d.is_finite() {
                    let _ = write!(report.markdown, " {d:.2} ± {err:.2} |");
                } else {
                    report.markdown.push_str(" — |");
                }
            }
            report.markdown.push('\n');
        }
        report.markdown.push('\n');
        if spec.scaling {
            scaling_figure(spec, out, &points, report)?;
        }
    }
    let _ = writeln!(
        report.markdown,
        "Distinct: the points TwoNN kept, the others being at distance zero from their first neighbour (of the last sample). Errors: over {} independent draws of generated data (standard error of their spread); data sets drawn once (digits, files) carry the estimator's own error (TwoNN: its likelihood; Levina–Bickel and the correlation dimension: {} disjoint subsets).",
        spec.samples, spec.subsets
    );
    let failures: Vec<String> = (0..table.rows())
        .filter(|&i| table.texts("error_source")[i].starts_with("failed"))
        .map(|i| {
            format!(
                "- {} ({}), sample {}: {}",
                spec.points[point[i] as usize].label,
                spec.points[point[i] as usize].x,
                table.integers("sample")[i],
                table.texts("error_source")[i]
            )
        })
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(
            report.markdown,
            "\nEstimates that could not be made (— above):\n\n{}",
            failures.join("\n")
        );
    }
    Ok(())
}

/// The dimension against the scale of each point of an entry, for the
/// first estimator, mean over samples at each level.
fn scaling_figure(
    spec: &DimensionSpec,
    out: &Path,
    points: &[&super::DataPoint],
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let table = Table::read(&out.join("scaling.parquet"))?;
    let (point, estimator, k, subsets, scale, dimension, error) = (
        table.integers("point"),
        table.texts("estimator"),
        table.integers("k"),
        table.integers("subsets"),
        table.numbers("scale"),
        table.numbers("dimension"),
        table.numbers("error"),
    );
    let first = &spec.estimators[0];
    let (name, first_k) = key_of(first);
    let mut series = Vec::new();
    for (g, p) in points.iter().enumerate() {
        // subsets -> [(scale, dimension, error)] over samples
        let mut levels: BTreeMap<u64, Vec<(f64, f64, f64)>> = BTreeMap::new();
        for i in 0..table.rows() {
            if point[i] as usize == p.index && estimator[i] == name && k[i] == first_k {
                levels
                    .entry(subsets[i])
                    .or_default()
                    .push((scale[i], dimension[i], error[i]));
            }
        }
        let curve: Vec<(f64, f64, f64)> = levels
            .values()
            .map(|v| {
                let s = v.iter().map(|x| x.0).sum::<f64>() / v.len() as f64;
                let pairs: Vec<(f64, f64)> = v.iter().map(|x| (x.1, x.2)).collect();
                let (d, e) = combine(&pairs);
                (s, d, e)
            })
            .collect();
        series.push(Series {
            label: value_label(p),
            points: curve,
            kind: SeriesKind::Data,
            group: Some(g),
        });
    }
    let label = &points[0].label;
    let stem_name = format!("scaling-{}", stem(label));
    report.figure(
        stem_name.clone(),
        Figure {
            title: format!(
                "{label}: {} on 1, 2, 4, ... disjoint subsets",
                legend(first)
            ),
            x_label: "scale (mean neighbour distance)".into(),
            y_label: "intrinsic dimension".into(),
            series,
            vertical_lines: Vec::new(),
        },
    );
    let _ = writeln!(
        report.markdown,
        "![{label}: dimension against scale]({stem_name}.png)\n"
    );
    Ok(())
}
