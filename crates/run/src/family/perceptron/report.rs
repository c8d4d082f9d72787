//! Figures and `report.md` of a perceptron run, from its stored tables.
//!
//! Capacity: for each kind of weights, the fraction of training sets whose
//! first $P$ patterns are stored against $\alpha = P/N$, one curve per $N$
//! with its Wilson interval, the replica capacity as a vertical line and,
//! for spherical weights at $\kappa = 0$, Cover's exact finite-$N$ curves.
//! Teacher–student: for each kind of weights, the generalisation error and
//! the teacher overlap against $\alpha$ for every learner, $N$ and
//! temperature, with the Gibbs, Bayes-optimal and state-evolution curves
//! and, for binary weights, Györgyi's transition and its spinodal.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use super::spec::{PerceptronExperiment, PerceptronSpec};
use super::tables::{
    AMP, BAYES_THEORY, COVER, EXACT, GIBBS, GIBBS_THEORY, SPINODAL, STATE_EVOLUTION, TRANSITION,
};
use crate::error::RunError;
use crate::family::ReportBuilder;
use crate::figure::{Figure, Series, SeriesKind};
use crate::table::Table;

/// The figures and `report.md` of the perceptron run in `out`.
pub fn write_report(
    spec: &PerceptronSpec,
    out: &Path,
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let theory = Table::read(&out.join("theory.parquet"))?;
    report.markdown = format!("# {}\n\n{}\n\n", spec.name, spec.description.trim());
    let _ = writeln!(
        report.markdown,
        "Inputs {}; labels {}; margin kappa = {}; {} training sets per point (seed {}).\n",
        spec.inputs.name(),
        match spec.teacher {
            None => "random".to_string(),
            Some(None) => format!(
                "from a teacher of the student's kind, label noise {}",
                spec.label_noise
            ),
            Some(Some(kind)) => format!(
                "from a {} teacher, label noise {}",
                kind.name(),
                spec.label_noise
            ),
        },
        spec.margin,
        spec.samples,
        spec.seed
    );
    match &spec.experiment {
        PerceptronExperiment::Capacity(_) => capacity_report(spec, out, &theory, report),
        PerceptronExperiment::TeacherStudent(_) => learning_report(spec, out, &theory, report),
    }
}

fn kinds(column: &[String]) -> Vec<String> {
    let mut kinds: Vec<String> = Vec::new();
    for k in column {
        if !kinds.contains(k) {
            kinds.push(k.clone());
        }
    }
    kinds
}

fn capacity_report(
    spec: &PerceptronSpec,
    out: &Path,
    theory: &Table,
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let capacity = Table::read(&out.join("capacity.parquet"))?;
    let heuristics = Table::read(&out.join("heuristics.parquet"))?;
    let (weights, n, alpha) = (
        capacity.texts("weights"),
        capacity.integers("n"),
        capacity.numbers("alpha"),
    );
    let (stored, low, high, decided_by) = (
        capacity.numbers("stored"),
        capacity.numbers("stored_low"),
        capacity.numbers("stored_high"),
        capacity.texts("decided_by"),
    );
    let (curves, t_weights, t_n, t_alpha, observables, values) = (
        theory.texts("curve"),
        theory.texts("weights"),
        theory.integers("n"),
        theory.numbers("alpha"),
        theory.texts("observable"),
        theory.numbers("value"),
    );
    for kind in kinds(weights) {
        let sizes: BTreeSet<u64> = (0..capacity.rows())
            .filter(|&i| weights[i] == kind)
            .map(|i| n[i])
            .collect();
        let mut series = Vec::new();
        for (group, &size) in sizes.iter().enumerate() {
            let rows: Vec<usize> = (0..capacity.rows())
                .filter(|&i| weights[i] == kind && n[i] == size)
                .collect();
            let how = rows.first().map_or("", |&i| decided_by[i].as_str());
            series.push(Series {
                label: format!("N = {size} ({how})"),
                points: rows
                    .iter()
                    .map(|&i| (alpha[i], stored[i], f64::NAN))
                    .collect(),
                kind: SeriesKind::Line,
                group: Some(group),
            });
            series.push(Series {
                label: String::new(),
                points: rows.iter().map(|&i| (alpha[i], low[i], high[i])).collect(),
                kind: SeriesKind::Interval,
                group: Some(group),
            });
            let cover: Vec<(f64, f64, f64)> = (0..theory.rows())
                .filter(|&i| curves[i] == COVER && t_weights[i] == kind && t_n[i] == size)
                .map(|i| (t_alpha[i], values[i], f64::NAN))
                .collect();
            if !cover.is_empty() {
                series.push(Series {
                    label: format!("{COVER}, N = {size}"),
                    points: cover,
                    kind: SeriesKind::Theory,
                    group: Some(group),
                });
            }
        }
        let lines: Vec<(f64, String)> = (0..theory.rows())
            .filter(|&i| observables[i] == "capacity" && t_weights[i] == kind)
            .map(|i| (values[i], format!("{} = {:.4}", curves[i], values[i])))
            .collect();
        let stem = format!("capacity-{kind}");
        report.figure(
            stem.clone(),
            Figure {
                title: format!("{}: {kind} weights, P(first P patterns stored)", spec.name),
                x_label: "alpha = P / N".into(),
                y_label: "fraction of training sets stored".into(),
                series,
                vertical_lines: lines,
            },
        );
        let _ = writeln!(
            report.markdown,
            "## {kind} weights\n\nEach training set's critical number of patterns P_c (its largest stored prefix); the curve at alpha is the fraction of sets with P_c >= alpha N, bars the Wilson interval at one standard deviation.\n\n![{stem}]({stem}.png)\n"
        );
        // The load where half of the sets are stored, per N.
        let _ = writeln!(
            report.markdown,
            "| N | decided by | alpha where half are stored |\n|---|---|---|"
        );
        for &size in &sizes {
            let rows: Vec<usize> = (0..capacity.rows())
                .filter(|&i| weights[i] == kind && n[i] == size)
                .collect();
            let half = rows
                .iter()
                .find(|&&i| stored[i] < 0.5)
                .map_or("beyond alpha_max".to_string(), |&i| {
                    format!("{:.3}", alpha[i])
                });
            let how = rows.first().map_or("", |&i| decided_by[i].as_str());
            let _ = writeln!(report.markdown, "| {size} | {how} | {half} |");
        }
        report.markdown.push('\n');
    }
    let solutions = out.join("solution_summary.parquet");
    if solutions.exists() {
        solution_report(spec, &Table::read(&solutions)?, theory, report);
    }
    if heuristics.rows() > 0 {
        let _ = writeln!(
            report.markdown,
            "## Heuristic learners against the exact decision\n\nA failure is a set whose P_c found by the heuristic (simulated annealing or SBPI for binary weights, gradient descent on the sphere for spherical ones) falls short of the exact one (enumeration, convex programme).\n\n| algorithm | weights | N | samples | failures | failure rate (Wilson, 1 s.d.) | mean shortfall in P |\n|---|---|---|---|---|---|---|"
        );
        let (algorithm, kind, hn, samples, failures, rate, flow, fhigh, shortfall) = (
            heuristics.texts("algorithm"),
            heuristics.texts("weights"),
            heuristics.integers("n"),
            heuristics.integers("samples"),
            heuristics.integers("failures"),
            heuristics.numbers("failure_rate"),
            heuristics.numbers("failure_low"),
            heuristics.numbers("failure_high"),
            heuristics.numbers("mean_shortfall"),
        );
        for i in 0..heuristics.rows() {
            let _ = writeln!(
                report.markdown,
                "| {} | {} | {} | {} | {} | {:.3} [{:.3}, {:.3}] | {:.2} |",
                algorithm[i],
                kind[i],
                hn[i],
                samples[i],
                failures[i],
                rate[i],
                flow[i],
                fhigh[i],
                shortfall[i]
            );
        }
    }
    Ok(())
}

/// The overlaps of uniform solutions of binary weights and the ultrametric
/// triplet test on them (`solution_summary.parquet`).
fn solution_report(
    spec: &PerceptronSpec,
    summary: &Table,
    theory: &Table,
    report: &mut ReportBuilder,
) {
    if summary.rows() == 0 {
        return;
    }
    let (n, alpha, samples) = (
        summary.integers("n"),
        summary.numbers("alpha"),
        summary.integers("samples"),
    );
    let column = |name: &str| -> (&[f64], &[f64]) {
        (
            summary.numbers(name),
            summary.numbers(&format!("{name}_error")),
        )
    };
    let (q, q_error) = column("overlap");
    let (lower, lower_error) = column("lower_gap");
    let (upper, upper_error) = column("upper_gap");
    let (ratio, ratio_error) = column("gap_ratio");
    let sizes: BTreeSet<u64> = n.iter().copied().collect();
    let rows_of = |size: u64| (0..summary.rows()).filter(move |&i| n[i] == size);
    let mut overlap_series = Vec::new();
    let mut gap_series = Vec::new();
    for (group, &size) in sizes.iter().enumerate() {
        overlap_series.push(Series {
            label: format!("N = {size}"),
            points: rows_of(size)
                .map(|i| (alpha[i], q[i], q_error[i]))
                .collect(),
            kind: SeriesKind::Data,
            group: Some(group),
        });
        gap_series.push(Series {
            label: format!("N = {size}: q(2) - q(1)"),
            points: rows_of(size)
                .map(|i| (alpha[i], lower[i], lower_error[i]))
                .collect(),
            kind: SeriesKind::Data,
            group: Some(group),
        });
        gap_series.push(Series {
            label: format!("N = {size}: q(3) - q(2)"),
            points: rows_of(size)
                .map(|i| (alpha[i], upper[i], upper_error[i]))
                .collect(),
            kind: SeriesKind::Points,
            group: Some(group),
        });
    }
    let (curves, observables, t_alpha, values) = (
        theory.texts("curve"),
        theory.texts("observable"),
        theory.numbers("alpha"),
        theory.numbers("value"),
    );
    let rs: Vec<(f64, f64, f64)> = (0..theory.rows())
        .filter(|&i| observables[i] == "solution_overlap")
        .map(|i| (t_alpha[i], values[i], f64::NAN))
        .collect();
    if let Some(i) = (0..theory.rows()).find(|&i| observables[i] == "solution_overlap") {
        overlap_series.push(Series {
            label: curves[i].clone(),
            points: rs,
            kind: SeriesKind::Theory,
            group: None,
        });
    }
    report.figure(
        "solution-overlap".to_string(),
        Figure {
            title: format!("{}: overlap of two uniform binary solutions", spec.name),
            x_label: "alpha = P / N".into(),
            y_label: "[q_ab] of independent solutions".into(),
            series: overlap_series,
            vertical_lines: Vec::new(),
        },
    );
    report.figure(
        "solution-triplets".to_string(),
        Figure {
            title: format!("{}: sorted overlaps of solution triplets", spec.name),
            x_label: "alpha = P / N".into(),
            y_label: "gaps of q(1) <= q(2) <= q(3)".into(),
            series: gap_series,
            vertical_lines: Vec::new(),
        },
    );
    let _ = writeln!(
        report.markdown,
        "## Solutions of binary weights: overlaps and ultrametricity\n\n\
         Per enumerated training set and load, triplets of independent solutions drawn uniformly \
         (the zero-temperature posterior); their overlaps q_ab, and sorted, q(1) <= q(2) <= q(3), the gaps \
         q(2) - q(1) (zero for ultrametric states) and q(3) - q(2). Averages over the sets that have a solution. \
         The replica-symmetric theory has one overlap q(alpha) for typical solutions: both gaps shrink with N \
         and their ratio need not.\n\n\
         ![solution-overlap](solution-overlap.png)\n\n![solution-triplets](solution-triplets.png)\n\n\
         | N | alpha | sets with a solution | [q_ab] | [q(2) - q(1)] | [q(3) - q(2)] | ratio |\n|---|---|---|---|---|---|---|"
    );
    for i in 0..summary.rows() {
        let _ = writeln!(
            report.markdown,
            "| {} | {:.3} | {} | {:.4} ± {:.4} | {:.4} ± {:.4} | {:.4} ± {:.4} | {:.3} ± {:.3} |",
            n[i],
            alpha[i],
            samples[i],
            q[i],
            q_error[i],
            lower[i],
            lower_error[i],
            upper[i],
            upper_error[i],
            ratio[i],
            ratio_error[i]
        );
    }
    report.markdown.push('\n');
}

fn learning_report(
    spec: &PerceptronSpec,
    out: &Path,
    theory: &Table,
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let summary = Table::read(&out.join("learning_summary.parquet"))?;
    let (weights, n, alpha, learner, temperature) = (
        summary.texts("weights"),
        summary.integers("n"),
        summary.numbers("alpha"),
        summary.texts("learner"),
        summary.numbers("temperature"),
    );
    let (curves, t_weights, t_alpha, t_temperature, observables, values) = (
        theory.texts("curve"),
        theory.texts("weights"),
        theory.numbers("alpha"),
        theory.numbers("temperature"),
        theory.texts("observable"),
        theory.numbers("value"),
    );
    let PerceptronExperiment::TeacherStudent(experiment) = &spec.experiment else {
        unreachable!("a teacher-student run")
    };
    let temperatures: Vec<u64> = experiment
        .shown_temperatures
        .iter()
        .map(|t| t.to_bits())
        .collect();
    for kind in kinds(weights) {
        let sizes: BTreeSet<u64> = (0..summary.rows())
            .filter(|&i| weights[i] == kind)
            .map(|i| n[i])
            .collect();
        // Colours: one per temperature (Gibbs and exact with their theory),
        // or, with one temperature and several sizes, one per size; then
        // Bayes with AMP, and the state evolution.
        let by_size = temperatures.len() == 1 && sizes.len() > 1;
        let colours = if by_size {
            sizes.len() + 1
        } else {
            temperatures.len()
        };
        let theory_group = |k: usize| if by_size { sizes.len() } else { k };
        let data_group = |size: u64, k: usize| {
            if by_size {
                sizes.iter().position(|&s| s == size).unwrap_or(0)
            } else {
                k
            }
        };
        let bayes_group = colours;
        let evolution_group = colours + 1;
        for (observable, y_label, stem) in [
            (
                "generalization_error",
                "generalisation error epsilon",
                "generalization",
            ),
            (
                "teacher_overlap",
                "teacher overlap R (AMP: cosine)",
                "overlap",
            ),
        ] {
            let y = summary.numbers(observable);
            let error = summary.numbers(&format!("{observable}_error"));
            let mut series = Vec::new();
            for &size in &sizes {
                for name in [GIBBS, EXACT, AMP] {
                    let temperatures_here: Vec<u64> = if name == AMP {
                        vec![f64::NAN.to_bits()]
                    } else {
                        temperatures.clone()
                    };
                    for bits in temperatures_here {
                        let rows: Vec<usize> = (0..summary.rows())
                            .filter(|&i| {
                                weights[i] == kind
                                    && n[i] == size
                                    && learner[i] == name
                                    && (name == AMP || temperature[i].to_bits() == bits)
                            })
                            .collect();
                        if rows.is_empty() {
                            continue;
                        }
                        let (label, group) = if name == AMP {
                            (format!("AMP, N = {size}"), bayes_group)
                        } else {
                            let t = f64::from_bits(bits);
                            let what = if name == GIBBS {
                                "Monte Carlo"
                            } else {
                                "exact enumeration"
                            };
                            (
                                format!("{what}, N = {size}, T = {t}"),
                                data_group(
                                    size,
                                    temperatures.iter().position(|&b| b == bits).unwrap_or(0),
                                ),
                            )
                        };
                        series.push(Series {
                            label,
                            points: rows.iter().map(|&i| (alpha[i], y[i], error[i])).collect(),
                            kind: if name == EXACT {
                                SeriesKind::Points
                            } else {
                                SeriesKind::Data
                            },
                            group: Some(group),
                        });
                    }
                }
            }
            let curve = |name: &str, bits: Option<u64>| -> Vec<(f64, f64, f64)> {
                (0..theory.rows())
                    .filter(|&i| {
                        curves[i] == name
                            && t_weights[i] == kind
                            && observables[i] == observable
                            && bits.is_none_or(|b| t_temperature[i].to_bits() == b)
                    })
                    .map(|i| (t_alpha[i], values[i], f64::NAN))
                    .collect()
            };
            for (k, &bits) in temperatures.iter().enumerate() {
                let points = curve(GIBBS_THEORY, Some(bits));
                if !points.is_empty() {
                    series.push(Series {
                        label: format!("{GIBBS_THEORY}, T = {}", f64::from_bits(bits)),
                        points,
                        kind: SeriesKind::Theory,
                        group: Some(theory_group(k)),
                    });
                }
            }
            for (name, group) in [
                (BAYES_THEORY, bayes_group),
                (STATE_EVOLUTION, evolution_group),
            ] {
                let points = curve(name, None);
                if !points.is_empty() {
                    series.push(Series {
                        label: name.to_string(),
                        points,
                        kind: SeriesKind::Theory,
                        group: Some(group),
                    });
                }
            }
            let lines: Vec<(f64, String)> = (0..theory.rows())
                .filter(|&i| {
                    t_weights[i] == kind && (curves[i] == TRANSITION || curves[i] == SPINODAL)
                })
                .map(|i| {
                    (
                        values[i],
                        format!("{} alpha = {:.3} (T = 0)", curves[i], values[i]),
                    )
                })
                .collect();
            let stem = format!("{stem}-{kind}");
            report.figure(
                stem.clone(),
                Figure {
                    title: format!("{}: {kind} weights", spec.name),
                    x_label: "alpha = P / N".into(),
                    y_label: y_label.into(),
                    series,
                    vertical_lines: lines,
                },
            );
            let _ = writeln!(report.markdown, "![{stem}]({stem}.png)\n");
        }
    }
    let learning = Table::read(&out.join("learning.parquet"))?;
    let (row_learner, diagnostic) = (learning.texts("learner"), learning.numbers("diagnostic"));
    let gibbs: Vec<f64> = (0..learning.rows())
        .filter(|&i| row_learner[i] == GIBBS)
        .map(|i| diagnostic[i])
        .collect();
    if !gibbs.is_empty() {
        let lowest = gibbs.iter().copied().fold(1.0, f64::min);
        let _ = writeln!(
            report.markdown,
            "Tempering: the lowest exchange acceptance between neighbouring temperatures, over every training set, is {lowest:.3}.\n"
        );
    }
    let amp_runs: Vec<f64> = (0..learning.rows())
        .filter(|&i| row_learner[i] == AMP)
        .map(|i| diagnostic[i])
        .collect();
    if !amp_runs.is_empty() {
        let failed = amp_runs.iter().filter(|&&c| c < 1.0).count();
        let _ = writeln!(
            report.markdown,
            "GAMP: {failed} of {} runs did not converge within the iteration budget (their last iterate is used).\n",
            amp_runs.len()
        );
    }
    let _ = writeln!(
        report.markdown,
        "Monte Carlo: two independent replicas of the posterior, each a parallel-tempering ladder over the temperatures; epsilon = arccos(R)/pi averaged over the posterior (the error on Gaussian test inputs). Error bars: one standard error over training sets (thermal noise included)."
    );
    Ok(())
}
