//! Figures and `report.md` of an associative-memory run, from its stored tables.
//!
//! Hopfield: the final overlap and the retrieved fraction against the load
//! $\alpha$, one curve per $N$, with the AGS replica-symmetric overlap and
//! $\alpha_c(T)$ on the same axes; with several temperatures, the $(\alpha, T)$
//! phase diagram with the simulated points. Dense memories: the measured
//! capacity against $N$ with the signal-to-noise and large-deviation laws.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use super::spec::{MemoryExperiment, MemorySpec};
use super::tables::{
    AGS_OVERLAP, ALMEIDA_THOULESS_LINE, GLASS_LINE, GLOBAL_MINIMUM_LINE, RETRIEVAL_LINE,
};
use crate::error::RunError;
use crate::family::ReportBuilder;
use crate::figure::{Figure, Series, SeriesKind};
use crate::table::Table;
use quench_stats::wilson_interval;

/// Overlap above which a phase-diagram point counts as retrieval.
const PHASE_OVERLAP: f64 = 0.5;

/// The figures and `report.md` of the associative-memory run in `out`.
pub fn write_report(
    spec: &MemorySpec,
    out: &Path,
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let theory = Table::read(&out.join("theory.parquet"))?;
    report.markdown = format!("# {}\n\n{}\n\n", spec.name, spec.description.trim());
    match &spec.experiment {
        MemoryExperiment::Retrieval(_) => {
            let summary = Table::read(&out.join("retrieval_summary.parquet"))?;
            hopfield_report(spec, &summary, &theory, report)?;
        }
        MemoryExperiment::Capacity(experiment) => {
            let capacity = Table::read(&out.join("capacity.parquet"))?;
            let (n, found, failure) = (
                capacity.integers("n"),
                capacity.integers("capacity"),
                capacity.integers("first_failure"),
            );
            let exponential = !matches!(
                experiment.interaction,
                quench_learn::dense::Interaction::Polynomial { .. }
                    | quench_learn::dense::Interaction::RectifiedPolynomial { .. }
            );
            let x = |size: f64| if exponential { size } else { size.log10() };
            let x_label = if exponential { "N" } else { "log10 N" };
            // The capacity lies in [largest stored, first failure): a bar over that bracket.
            let data: Vec<(f64, f64, f64)> = (0..capacity.rows())
                .filter(|&i| found[i] > 0)
                .map(|i| {
                    let low = (found[i] as f64).log10();
                    let high = if failure[i] > 0 {
                        (failure[i] as f64).log10()
                    } else {
                        low
                    };
                    (x(n[i] as f64), (low + high) / 2.0, (high - low) / 2.0)
                })
                .collect();
            let mut series = vec![Series {
                label: "largest P retrieved (bar: up to the first failure)".into(),
                points: data,
                kind: SeriesKind::Data,
                group: None,
            }];
            let (curves, sizes, values) = (
                theory.texts("curve"),
                theory.numbers("n"),
                theory.numbers("value"),
            );
            let names: BTreeSet<&String> = curves.iter().collect();
            for name in names {
                series.push(Series {
                    label: name.clone(),
                    points: (0..theory.rows())
                        .filter(|&i| &curves[i] == name && values[i] > 0.0)
                        .map(|i| (x(sizes[i]), values[i].log10(), f64::NAN))
                        .collect(),
                    kind: SeriesKind::Theory,
                    group: None,
                });
            }
            let figure = Figure {
                title: format!("{}: capacity of the dense memory", spec.name),
                x_label: x_label.into(),
                y_label: "log10 P".into(),
                series,
                vertical_lines: Vec::new(),
            };
            report.figure("capacity", figure);
            let _ = writeln!(
                report.markdown,
                "Interaction {:?}; start with {:.0} % of the bits flipped; retrieved when at most {:.1} % are wrong after {} sweeps, in at least {:.0} % of the trials ({} patterns tested in each of {} samples).\n\n![capacity](capacity.png)\n\n| N | largest P retrieved | first P that failed |\n|---|---|---|",
                experiment.interaction,
                100.0 * experiment.initial_error,
                100.0 * experiment.allowed_error,
                experiment.sweeps,
                100.0 * experiment.required_success,
                experiment.tested_patterns,
                spec.samples
            );
            for i in 0..capacity.rows() {
                let _ = writeln!(
                    report.markdown,
                    "| {} | {} | {} |",
                    n[i], found[i], failure[i]
                );
            }
        }
    }
    Ok(())
}

fn hopfield_report(
    spec: &MemorySpec,
    summary: &Table,
    theory: &Table,
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let (n, alpha, temperature) = (
        summary.integers("n"),
        summary.numbers("alpha"),
        summary.numbers("temperature"),
    );
    let (m, m_error) = (
        summary.numbers("final_overlap"),
        summary.numbers("final_overlap_error"),
    );
    let (thermal, thermal_error) = (
        summary.numbers("thermal_overlap"),
        summary.numbers("thermal_overlap_error"),
    );
    // The Wilson interval of the retrieved fraction, from the fraction and the
    // sample count (so a directory written before the interval columns is
    // drawn the same way).
    let retrieved = summary.numbers("retrieved");
    let samples = summary.integers("samples");
    let (retrieved_low, retrieved_high): (Vec<f64>, Vec<f64>) = (0..summary.rows())
        .map(|i| {
            let successes = (retrieved[i] * samples[i] as f64).round() as u64;
            wilson_interval(successes, samples[i], 1.0)
        })
        .unzip();
    let sizes: BTreeSet<u64> = n.iter().copied().collect();
    let temperatures: BTreeSet<u64> = temperature.iter().map(|t| t.to_bits()).collect();
    let (curves, t_alpha, t_temperature, observables, values) = (
        theory.texts("curve"),
        theory.numbers("alpha"),
        theory.numbers("temperature"),
        theory.texts("observable"),
        theory.numbers("value"),
    );
    // The overlap a point is judged by: thermal average at T > 0, final state at T = 0.
    let overlap = |i: usize| {
        if temperature[i] > 0.0 && thermal[i].is_finite() {
            (thermal[i], thermal_error[i])
        } else {
            (m[i], m_error[i])
        }
    };
    for (k, &bits) in temperatures.iter().enumerate() {
        let t = f64::from_bits(bits);
        let suffix = if temperatures.len() > 1 {
            format!("-T{k}")
        } else {
            String::new()
        };
        let at_t = |i: usize| temperature[i].to_bits() == bits;
        let by_size = |value: &dyn Fn(usize) -> (f64, f64)| -> Vec<Series> {
            sizes
                .iter()
                .map(|&size| Series {
                    label: format!("N = {size}"),
                    points: (0..summary.rows())
                        .filter(|&i| at_t(i) && n[i] == size)
                        .map(|i| {
                            let (y, e) = value(i);
                            (alpha[i], y, e)
                        })
                        .collect(),
                    kind: SeriesKind::Data,
                    group: None,
                })
                .collect()
        };
        let capacity: Option<(f64, f64)> = (0..theory.rows())
            .find(|&i| observables[i] == "capacity" && t_temperature[i].to_bits() == bits)
            .map(|i| (t_alpha[i], values[i]));
        let lines: Vec<(f64, String)> = capacity
            .map(|(a, m)| vec![(a, format!("AGS alpha_c(T = {t}) = {a:.4}, m = {m:.3}"))])
            .unwrap_or_default();
        let mut overlap_series = by_size(&overlap);
        let ags: Vec<(f64, f64, f64)> = (0..theory.rows())
            .filter(|&i| {
                curves[i] == AGS_OVERLAP
                    && observables[i] == "overlap"
                    && t_temperature[i].to_bits() == bits
            })
            .map(|i| (t_alpha[i], values[i], f64::NAN))
            .collect();
        if !ags.is_empty() {
            overlap_series.push(Series {
                label: "AGS replica-symmetric retrieval m(alpha)".into(),
                points: ags,
                kind: SeriesKind::Theory,
                group: None,
            });
        }
        let which = if t > 0.0 {
            format!("thermal overlap, Glauber at T = {t}")
        } else {
            "final overlap, zero temperature".to_string()
        };
        let figure = Figure {
            title: format!("{}: retrieval, {which}", spec.name),
            x_label: "load alpha = P/N".into(),
            y_label: "overlap m with the stored pattern".into(),
            series: overlap_series,
            vertical_lines: lines.clone(),
        };
        let stem = format!("retrieval{suffix}");
        report.figure(stem.clone(), figure);
        let figure = Figure {
            title: format!("{}: fraction of samples retrieved (T = {t})", spec.name),
            x_label: "load alpha = P/N".into(),
            y_label: "fraction retrieved".into(),
            series: {
                // The fraction with its Wilson interval (asymmetric, and of
                // non-zero width when every sample or none retrieved).
                let mut series = by_size(&|i| (retrieved[i], f64::NAN));
                for (group, &size) in sizes.iter().enumerate() {
                    series[group].group = Some(group);
                    series.push(Series {
                        label: String::new(),
                        points: (0..summary.rows())
                            .filter(|&i| at_t(i) && n[i] == size)
                            .map(|i| (alpha[i], retrieved_low[i], retrieved_high[i]))
                            .collect(),
                        kind: SeriesKind::Interval,
                        group: Some(group),
                    });
                }
                series
            },
            vertical_lines: lines,
        };
        let fraction_stem = format!("retrieved_fraction{suffix}");
        report.figure(fraction_stem.clone(), figure);
        let _ = writeln!(report.markdown, "## T = {t}\n");
        if let Some((a, m)) = capacity {
            let _ = writeln!(
                report.markdown,
                "AGS replica-symmetric theory: retrieval states exist up to alpha_c = {a:.4}, where m = {m:.4}.\n"
            );
        }
        let _ = writeln!(
            report.markdown,
            "![retrieval]({stem}.png)\n\n![retrieved fraction]({fraction_stem}.png)\n\nThe retrieved fraction is given with its Wilson score interval at one standard deviation (about 68 %), which keeps a width when every sample, or none, retrieved.\n\n| N | alpha | P | overlap | retrieved fraction [interval] | sweeps |\n|---|---|---|---|---|---|"
        );
        let patterns = summary.integers("patterns");
        let (sweeps, sweeps_error) = (summary.numbers("sweeps"), summary.numbers("sweeps_error"));
        for i in (0..summary.rows()).filter(|&i| at_t(i)) {
            let (y, e) = overlap(i);
            let _ = writeln!(
                report.markdown,
                "| {} | {} | {} | {y:.4} ± {e:.4} | {:.3} [{:.3}, {:.3}] | {:.1} ± {:.1} |",
                n[i],
                alpha[i],
                patterns[i],
                retrieved[i],
                retrieved_low[i],
                retrieved_high[i],
                sweeps[i],
                sweeps_error[i]
            );
        }
        report.markdown.push('\n');
    }
    if temperatures.len() > 1 {
        let mut series: Vec<Series> = [
            GLASS_LINE,
            RETRIEVAL_LINE,
            GLOBAL_MINIMUM_LINE,
            ALMEIDA_THOULESS_LINE,
        ]
        .iter()
        .map(|&name| Series {
            label: name.into(),
            points: (0..theory.rows())
                .filter(|&i| curves[i] == name && observables[i] == "phase_boundary")
                .map(|i| (t_alpha[i], t_temperature[i], f64::NAN))
                .collect(),
            kind: SeriesKind::Theory,
            group: None,
        })
        .collect();
        let largest = *sizes.last().expect("a grid has sizes");
        for (label, wanted) in [
            (format!("N = {largest}: m > {PHASE_OVERLAP}"), true),
            (format!("N = {largest}: m <= {PHASE_OVERLAP}"), false),
        ] {
            series.push(Series {
                label,
                points: (0..summary.rows())
                    .filter(|&i| n[i] == largest && (overlap(i).0 > PHASE_OVERLAP) == wanted)
                    .map(|i| (alpha[i], temperature[i], f64::NAN))
                    .collect(),
                kind: SeriesKind::Points,
                group: None,
            });
        }
        let figure = Figure {
            title: format!("{}: phase diagram of the Hopfield network", spec.name),
            x_label: "load alpha = P/N".into(),
            y_label: "temperature T".into(),
            series,
            vertical_lines: Vec::new(),
        };
        report.figure("phase_diagram", figure);
        let _ = writeln!(
            report.markdown,
            "## Phase diagram\n\nLines: AGS replica-symmetric theory. Points: N = {largest}, started at the pattern, marked by whether the overlap stays above {PHASE_OVERLAP}.\n\n![phase diagram](phase_diagram.png)\n"
        );
    }
    Ok(())
}
