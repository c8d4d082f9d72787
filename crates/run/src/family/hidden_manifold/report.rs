//! The report of a hidden-manifold run: the test and training errors of
//! every data source against the training time on one figure, the
//! disagreement between independently started students beside what
//! independent errors would give, and a table with each source's
//! intrinsic dimension.
//!
//! Every curve is the mean over samples (each a new data set and new
//! students) with the standard error of their spread.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use quench_stats::mean_and_standard_error;

use super::spec::HiddenManifoldSpec;
use crate::error::RunError;
use crate::family::ReportBuilder;
use crate::figure::{Figure, Series, SeriesKind};
use crate::table::Table;

/// `(log10 time, mean, error)` of `column` for `point`, over samples.
fn curve(table: &Table, point: usize, column: &str) -> Vec<(f64, f64, f64)> {
    let (points, time, values) = (
        table.integers("point"),
        table.numbers("time"),
        table.numbers(column),
    );
    let mut by_time: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
    for i in 0..table.rows() {
        if points[i] as usize == point && values[i].is_finite() {
            by_time
                .entry(time[i].to_bits())
                .or_default()
                .push(values[i]);
        }
    }
    by_time
        .into_iter()
        .map(|(t, v)| {
            let (mean, error) = mean_and_standard_error(&v);
            (f64::from_bits(t).log10(), mean, error)
        })
        .collect()
}

/// Figures and `report.md` of the run in `out`.
pub fn write_report(
    spec: &HiddenManifoldSpec,
    out: &Path,
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let curves = Table::read(&out.join("curves.parquet"))?;
    let data = Table::read(&out.join("data.parquet"))?;
    let net = &spec.network;
    report.markdown = format!("# {}\n\n{}\n\n", spec.name, spec.description.trim());
    let _ = writeln!(
        report.markdown,
        "Two-layer networks of K = {} {} units (second layer {}), SGD on the quadratic loss with η = {}, one of P = {} training examples per step for {} × N steps; {} students per sample from independent starts on the same examples; {} samples. Inputs standardised per coordinate by the training set.\n",
        net.hidden,
        net.activation.name(),
        if net.train_second { "trained" } else { "fixed" },
        net.learning_rate,
        spec.points[0].examples,
        spec.time,
        spec.students,
        spec.samples
    );
    let mut errors = Vec::new();
    let mut agreement = Vec::new();
    for (g, p) in spec.points.iter().enumerate() {
        errors.push(Series {
            label: format!("{}: test error", p.label),
            points: curve(&curves, p.index, "test_error"),
            kind: SeriesKind::Data,
            group: Some(g),
        });
        errors.push(Series {
            label: format!("{}: training error", p.label),
            points: curve(&curves, p.index, "training_error")
                .into_iter()
                .map(|(x, y, _)| (x, y, f64::NAN))
                .collect(),
            kind: SeriesKind::Theory,
            group: Some(g),
        });
        if spec.students > 1 {
            agreement.push(Series {
                label: format!("{}: disagreement ε₁₂", p.label),
                points: curve(&curves, p.index, "disagreement"),
                kind: SeriesKind::Data,
                group: Some(g),
            });
            // Two students whose errors were independent would disagree
            // with probability 2 e (1 - e).
            agreement.push(Series {
                label: format!("{}: 2ε(1 − ε), independent errors", p.label),
                points: curve(&curves, p.index, "test_error")
                    .into_iter()
                    .map(|(x, e, _)| (x, 2.0 * e * (1.0 - e), f64::NAN))
                    .collect(),
                kind: SeriesKind::Theory,
                group: Some(g),
            });
        }
    }
    report.figure(
        "learning-curves",
        Figure {
            title: format!("{}: classification error against training time", spec.name),
            x_label: "log10 (steps / N)".into(),
            y_label: "fraction misclassified".into(),
            series: errors,
            vertical_lines: Vec::new(),
        },
    );
    let _ = writeln!(
        report.markdown,
        "![learning curves](learning-curves.png)\n\nMarkers: test error; dashed: training error.\n"
    );
    if spec.students > 1 {
        report.figure(
            "disagreement",
            Figure {
                title: format!("{}: how often two students disagree", spec.name),
                x_label: "log10 (steps / N)".into(),
                y_label: "fraction of test inputs".into(),
                series: agreement,
                vertical_lines: Vec::new(),
            },
        );
        let _ = writeln!(
            report.markdown,
            "![disagreement](disagreement.png)\n\nε₁₂ below 2ε(1 − ε): the students make the same mistakes (they learn the same function); at 2ε(1 − ε) their mistakes are independent.\n"
        );
    }
    let _ = writeln!(
        report.markdown,
        "| data | N | P | TwoNN dimension of the inputs | final training error | final test error | final disagreement |\n|---|---|---|---|---|---|---|"
    );
    let (point, dimension) = (data.integers("point"), data.numbers("dimension"));
    for p in &spec.points {
        let d: Vec<f64> = (0..data.rows())
            .filter(|&i| point[i] as usize == p.index && dimension[i].is_finite())
            .map(|i| dimension[i])
            .collect();
        let (d, d_error) = mean_and_standard_error(&d);
        let last = |column| {
            curve(&curves, p.index, column)
                .last()
                .map_or((f64::NAN, f64::NAN), |c| (c.1, c.2))
        };
        let (train, train_error) = last("training_error");
        let (test, test_error) = last("test_error");
        let (disagree, disagree_error) = last("disagreement");
        let _ = writeln!(
            report.markdown,
            "| {} | {} | {} | {d:.1} ± {d_error:.1} | {train:.3} ± {train_error:.3} | {test:.3} ± {test_error:.3} | {disagree:.3} ± {disagree_error:.3} |",
            p.label,
            p.source.inputs(),
            p.examples
        );
    }
    Ok(())
}
