//! The tidy tables of a perceptron run.
//!
//! | file | one row per | columns |
//! |---|---|---|
//! | `samples.parquet` | capacity: point × sample | `point weights n sample patterns exact_critical annealed_critical sbpi_critical gradient_critical certain` (critical numbers of patterns; −1 where not decided or not run) |
//! | `capacity.parquet` | capacity: point × $P = 1 \dots P_{\max}$ | `weights n patterns alpha samples stored stored_low stored_high decided_by`, and `annealed sbpi gradient` each with `_low _high` (fractions of samples whose first $P$ patterns are stored, with Wilson intervals at one standard deviation; `stored` from the exact decision where there is one, else from the best of the heuristics that ran, the largest lower bound; NaN for a heuristic that did not run) |
//! | `heuristics.parquet` | capacity: heuristic × point with an exact decision | `algorithm weights n samples failures failure_rate failure_low failure_high mean_shortfall` (the heuristic's $P_c$ below the exact one) |
//! | `solution_overlaps.parquet` | capacity with `solution_alpha`: enumerated binary $N$ × sample × load with a solution | `n sample patterns alpha solutions triplets overlap overlap_error lower_gap lower_gap_error upper_gap upper_gap_error` (means over drawn triplets of independent uniform solutions: their pair overlap and the sorted-overlap gaps $q_{(2)}-q_{(1)}$, $q_{(3)}-q_{(2)}$) |
//! | `solution_summary.parquet` | the same per $N$ × load | `n patterns alpha samples` and `overlap lower_gap upper_gap gap_ratio` each with `_error` (means over the samples that have a solution; `gap_ratio` = mean lower / mean upper gap, jackknife) |
//! | `learning.parquet` | teacher–student: point × sample × learner × temperature | `point weights n alpha patterns sample learner temperature training_error teacher_overlap student_overlap generalization_error state_evolution diagnostic` (`diagnostic`: for `gibbs` the lowest exchange acceptance of the sample's ladders, for `amp` 1 if GAMP converged and 0 if not) |
//! | `learning_summary.parquet` | point × learner × temperature | `point weights n alpha patterns learner temperature samples` and each observable with `_error` (means and standard errors over samples) |
//! | `theory.parquet` | curve point | `curve weights n alpha temperature observable value` |
//!
//! Theory (from `quench_theory::perceptron`, and Cover's count from
//! `quench_learn`): capacity runs get `capacity` rows ($\alpha_c(\kappa)$:
//! Gardner's for spherical weights, Krauth–Mézard's for binary) and, at
//! $\kappa = 0$, Cover's exact finite-$N$ probability $C(P, N)/2^P$ for
//! spherical weights (observable `stored`, for inputs in general position);
//! with `solution_alpha`, the replica-symmetric overlap $q(\alpha)$ of two
//! typical solutions of binary weights up to the last such load (observable
//! `solution_overlap`).
//! Teacher–student runs get, for matching teacher and student weights, the
//! Gibbs curves at every shown temperature and the Bayes-optimal curve
//! (observables `generalization_error`, `teacher_overlap`,
//! `student_overlap`; for the Bayes curve and AMP, `teacher_overlap` is
//! the cosine of the posterior mean with the teacher, $\sqrt q$), the state evolution's fixed point from an
//! uninformed start (`state_evolution`), and for binary weights the
//! Györgyi transition and its spinodal (`transition`, `spinodal`).

use std::collections::BTreeMap;

use quench_learn::perceptron::{WeightKind, cover_separable_fraction};
use quench_stats::{DisorderAverage, jackknife, wilson_interval};
use rayon::prelude::*;

use super::spec::{PerceptronExperiment, PerceptronSpec};
use super::{CapacitySample, LearningSample, Measure, UnitOutcome};
use crate::error::RunError;
use crate::family::Tables;
use crate::table::{Column, Table};

/// Points of a theory curve.
const CURVE_POINTS: usize = 60;

/// Learner names as the tables write them.
pub const GIBBS: &str = "gibbs";
/// Exact enumeration.
pub const EXACT: &str = "exact";
/// GAMP.
pub const AMP: &str = "amp";

fn theory_failure(error: quench_theory::TheoryError) -> RunError {
    RunError::theory("perceptron theory curve")(error)
}

#[derive(Default)]
struct TheoryRows {
    curve: Vec<String>,
    weights: Vec<String>,
    n: Vec<u64>,
    alpha: Vec<f64>,
    temperature: Vec<f64>,
    observable: Vec<String>,
    value: Vec<f64>,
}

impl TheoryRows {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        curve: &str,
        weights: WeightKind,
        n: u64,
        alpha: f64,
        temperature: f64,
        observable: &str,
        value: f64,
    ) {
        self.curve.push(curve.into());
        self.weights.push(weights.name().into());
        self.n.push(n);
        self.alpha.push(alpha);
        self.temperature.push(temperature);
        self.observable.push(observable.into());
        self.value.push(value);
    }

    fn table(self) -> Table {
        Table::new(vec![
            ("curve", Column::Text(self.curve)),
            ("weights", Column::Text(self.weights)),
            ("n", Column::Integer(self.n)),
            ("alpha", Column::Number(self.alpha)),
            ("temperature", Column::Number(self.temperature)),
            ("observable", Column::Text(self.observable)),
            ("value", Column::Number(self.value)),
        ])
    }
}

/// Curve names.
pub const GARDNER: &str = "Gardner alpha_c (replica symmetric)";
/// Binary weights' capacity.
pub const KRAUTH_MEZARD: &str = "Krauth-Mezard alpha_c (RS entropy = 0)";
/// Cover's count.
pub const COVER: &str = "Cover C(P, N) / 2^P";
/// The overlap of two typical solutions of binary weights.
pub const SOLUTION_OVERLAP: &str = "replica-symmetric q of two solutions";
/// Gibbs learning at a temperature (the temperature is in its rows).
pub const GIBBS_THEORY: &str = "Gibbs learning (replica symmetric)";
/// Bayes-optimal learning.
pub const BAYES_THEORY: &str = "Bayes-optimal";
/// AMP's state evolution from an uninformed start.
pub const STATE_EVOLUTION: &str = "state evolution (AMP from m = 0)";
/// Györgyi's first-order transition.
pub const TRANSITION: &str = "Gyorgyi transition";
/// The poor branch's end.
pub const SPINODAL: &str = "spinodal (AMP's algorithmic threshold)";

/// The tables of all units' results, in plan order.
pub fn tables(spec: &PerceptronSpec, outcomes: Vec<UnitOutcome>) -> Result<Tables, RunError> {
    let mut tables = Tables::default();
    match &spec.experiment {
        PerceptronExperiment::Capacity(_) => {
            let samples: Vec<CapacitySample> = outcomes
                .into_iter()
                .map(|o| match o {
                    UnitOutcome::Capacity(c) => c,
                    UnitOutcome::Learning(_) => unreachable!("a capacity run's units"),
                })
                .collect();
            capacity_tables(spec, &samples, &mut tables)?;
        }
        PerceptronExperiment::TeacherStudent(_) => {
            let samples: Vec<LearningSample> = outcomes
                .into_iter()
                .map(|o| match o {
                    UnitOutcome::Learning(l) => l,
                    UnitOutcome::Capacity(_) => unreachable!("a teacher-student run's units"),
                })
                .collect();
            learning_tables(spec, &samples, &mut tables)?;
        }
    }
    Ok(tables)
}

fn critical(value: Option<usize>) -> f64 {
    value.map_or(-1.0, |v| v as f64)
}

/// A heuristic learner of a capacity run and its $P_c$ of a sample.
type Heuristic = (&'static str, fn(&CapacitySample) -> Option<usize>);

/// The heuristics, in table order.
const HEURISTICS: [Heuristic; 3] = [
    ("annealing", |s| s.annealed),
    ("SBPI", |s| s.sbpi),
    ("gradient descent", |s| s.gradient),
];

/// The rows of `heuristics.parquet`.
#[derive(Default)]
struct FailureRows {
    algorithm: Vec<String>,
    weights: Vec<String>,
    n: Vec<u64>,
    samples: Vec<u64>,
    failures: Vec<u64>,
    rate: Vec<f64>,
    low: Vec<f64>,
    high: Vec<f64>,
    shortfall: Vec<f64>,
}

/// An observable of a [`Measure`] by its column name.
type Observable = (&'static str, fn(&Measure) -> f64);

/// One summary group: (point, learner, temperature bits) and its measures.
type Group<'a> = ((usize, &'static str, u64), Vec<&'a Measure>);

fn capacity_tables(
    spec: &PerceptronSpec,
    samples: &[CapacitySample],
    tables: &mut Tables,
) -> Result<(), RunError> {
    let point = |s: &CapacitySample| &spec.points[s.point];
    tables.table(
        "samples.parquet",
        Table::new(vec![
            (
                "point",
                Column::Integer(samples.iter().map(|s| s.point as u64).collect()),
            ),
            (
                "weights",
                Column::Text(
                    samples
                        .iter()
                        .map(|s| point(s).weights.name().into())
                        .collect(),
                ),
            ),
            (
                "n",
                Column::Integer(samples.iter().map(|s| point(s).n as u64).collect()),
            ),
            (
                "sample",
                Column::Integer(samples.iter().map(|s| s.sample).collect()),
            ),
            (
                "patterns",
                Column::Integer(samples.iter().map(|s| point(s).patterns as u64).collect()),
            ),
            (
                "exact_critical",
                Column::Number(samples.iter().map(|s| critical(s.exact)).collect()),
            ),
            (
                "annealed_critical",
                Column::Number(samples.iter().map(|s| critical(s.annealed)).collect()),
            ),
            (
                "sbpi_critical",
                Column::Number(samples.iter().map(|s| critical(s.sbpi)).collect()),
            ),
            (
                "gradient_critical",
                Column::Number(samples.iter().map(|s| critical(s.gradient)).collect()),
            ),
            (
                "certain",
                Column::Integer(samples.iter().map(|s| u64::from(s.certain)).collect()),
            ),
        ]),
    );
    let mut by_point: BTreeMap<usize, Vec<&CapacitySample>> = BTreeMap::new();
    for s in samples {
        by_point.entry(s.point).or_default().push(s);
    }
    let (mut weights, mut n, mut patterns, mut alpha, mut count) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut stored, mut stored_low, mut stored_high, mut decided_by) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Per heuristic: the stored fraction and its Wilson interval.
    let mut by_heuristic: [[Vec<f64>; 3]; 3] = Default::default();
    let mut failures = FailureRows::default();
    for (&index, group) in &by_point {
        let p = &spec.points[index];
        let total = group.len() as u64;
        let exact = group.iter().all(|s| s.exact.is_some());
        let ran: Vec<bool> = HEURISTICS
            .iter()
            .map(|(_, value)| group.iter().all(|s| value(s).is_some()))
            .collect();
        let heuristics_ran = || {
            HEURISTICS
                .iter()
                .zip(&ran)
                .filter(|(_, ran)| **ran)
                .map(|(h, _)| h)
        };
        // Without an exact decision, the best lower bound of the heuristics.
        let best_bound =
            |s: &CapacitySample| heuristics_ran().filter_map(|(_, value)| value(s)).max();
        let stored_count = |value: &dyn Fn(&CapacitySample) -> Option<usize>, k: usize| {
            group
                .iter()
                .filter(|s| value(s).is_some_and(|c| c >= k))
                .count() as u64
        };
        let how = match (p.weights, exact) {
            (WeightKind::Spherical, _) => "convex programme".to_string(),
            (WeightKind::Binary, true) => "enumeration".to_string(),
            (WeightKind::Binary, false) => {
                let names: Vec<&str> = heuristics_ran().map(|(name, _)| *name).collect();
                if names.len() > 1 {
                    format!("best of {}", names.join(", "))
                } else {
                    names.join("")
                }
            }
        };
        for k in 1..=p.patterns {
            let best = if exact {
                stored_count(&|s| s.exact, k)
            } else {
                stored_count(&best_bound, k)
            };
            let (low, high) = wilson_interval(best, total, 1.0);
            weights.push(p.weights.name().to_string());
            n.push(p.n as u64);
            patterns.push(k as u64);
            alpha.push(k as f64 / p.n as f64);
            count.push(total);
            stored.push(best as f64 / total as f64);
            stored_low.push(low);
            stored_high.push(high);
            decided_by.push(how.clone());
            for (((_, value), &ran), columns) in HEURISTICS.iter().zip(&ran).zip(&mut by_heuristic)
            {
                let values = if ran {
                    let a = stored_count(value, k);
                    let (low, high) = wilson_interval(a, total, 1.0);
                    [a as f64 / total as f64, low, high]
                } else {
                    [f64::NAN; 3]
                };
                for (column, v) in columns.iter_mut().zip(values) {
                    column.push(v);
                }
            }
        }
        if exact {
            for (name, value) in heuristics_ran() {
                let failed = group.iter().filter(|s| value(s) < s.exact).count() as u64;
                let shortfall = group
                    .iter()
                    // (As reals: a heuristic above the exact decision,
                    // which would be a contradiction, shows as negative.)
                    .map(|s| s.exact.unwrap_or(0) as f64 - value(s).unwrap_or(0) as f64)
                    .sum::<f64>()
                    / total as f64;
                let (low, high) = wilson_interval(failed, total, 1.0);
                let f = &mut failures;
                f.algorithm.push(name.to_string());
                f.weights.push(p.weights.name().to_string());
                f.n.push(p.n as u64);
                f.samples.push(total);
                f.failures.push(failed);
                f.rate.push(failed as f64 / total as f64);
                f.low.push(low);
                f.high.push(high);
                f.shortfall.push(shortfall);
            }
        }
    }
    let [annealed, sbpi, gradient] = by_heuristic;
    let mut columns = vec![
        ("weights", Column::Text(weights)),
        ("n", Column::Integer(n)),
        ("patterns", Column::Integer(patterns)),
        ("alpha", Column::Number(alpha)),
        ("samples", Column::Integer(count)),
        ("stored", Column::Number(stored)),
        ("stored_low", Column::Number(stored_low)),
        ("stored_high", Column::Number(stored_high)),
        ("decided_by", Column::Text(decided_by)),
    ];
    for (names, [value, low, high]) in [
        (["annealed", "annealed_low", "annealed_high"], annealed),
        (["sbpi", "sbpi_low", "sbpi_high"], sbpi),
        (["gradient", "gradient_low", "gradient_high"], gradient),
    ] {
        columns.extend([
            (names[0], Column::Number(value)),
            (names[1], Column::Number(low)),
            (names[2], Column::Number(high)),
        ]);
    }
    tables.table("capacity.parquet", Table::new(columns));
    let f = failures;
    tables.table(
        "heuristics.parquet",
        Table::new(vec![
            ("algorithm", Column::Text(f.algorithm)),
            ("weights", Column::Text(f.weights)),
            ("n", Column::Integer(f.n)),
            ("samples", Column::Integer(f.samples)),
            ("failures", Column::Integer(f.failures)),
            ("failure_rate", Column::Number(f.rate)),
            ("failure_low", Column::Number(f.low)),
            ("failure_high", Column::Number(f.high)),
            ("mean_shortfall", Column::Number(f.shortfall)),
        ]),
    );
    if let PerceptronExperiment::Capacity(c) = &spec.experiment
        && !c.solution_alphas.is_empty()
    {
        solution_tables(spec, samples, tables);
    }
    tables.table("theory.parquet", capacity_theory(spec)?);
    Ok(())
}

/// `solution_overlaps.parquet` (per sample and load) and
/// `solution_summary.parquet` (per $N$ and load: means over the samples with
/// a solution, the gap ratio by jackknife).
fn solution_tables(spec: &PerceptronSpec, samples: &[CapacitySample], tables: &mut Tables) {
    #[derive(Default)]
    struct Rows {
        n: Vec<u64>,
        sample: Vec<u64>,
        patterns: Vec<u64>,
        alpha: Vec<f64>,
        solutions: Vec<u64>,
        triplets: Vec<u64>,
        values: [Vec<f64>; 6],
    }
    let mut rows = Rows::default();
    // (n, patterns) -> per-sample (overlap, lower, upper).
    let mut groups: BTreeMap<(usize, usize), Vec<[f64; 3]>> = BTreeMap::new();
    for s in samples {
        let n = spec.points[s.point].n;
        for o in &s.solutions {
            let (Some(q), Some(lower), Some(upper)) = (o.overlap, o.lower_gap, o.upper_gap) else {
                continue;
            };
            rows.n.push(n as u64);
            rows.sample.push(s.sample);
            rows.patterns.push(o.patterns as u64);
            rows.alpha.push(o.patterns as f64 / n as f64);
            rows.solutions.push(o.solutions);
            rows.triplets.push(o.triplets as u64);
            for (column, value) in rows.values.iter_mut().zip([
                q.mean,
                q.error,
                lower.mean,
                lower.error,
                upper.mean,
                upper.error,
            ]) {
                column.push(value);
            }
            groups
                .entry((n, o.patterns))
                .or_default()
                .push([q.mean, lower.mean, upper.mean]);
        }
    }
    let [q, q_error, lower, lower_error, upper, upper_error] = rows.values;
    tables.table(
        "solution_overlaps.parquet",
        Table::new(vec![
            ("n", Column::Integer(rows.n)),
            ("sample", Column::Integer(rows.sample)),
            ("patterns", Column::Integer(rows.patterns)),
            ("alpha", Column::Number(rows.alpha)),
            ("solutions", Column::Integer(rows.solutions)),
            ("triplets", Column::Integer(rows.triplets)),
            ("overlap", Column::Number(q)),
            ("overlap_error", Column::Number(q_error)),
            ("lower_gap", Column::Number(lower)),
            ("lower_gap_error", Column::Number(lower_error)),
            ("upper_gap", Column::Number(upper)),
            ("upper_gap_error", Column::Number(upper_error)),
        ]),
    );
    let (mut n, mut patterns, mut alpha, mut count) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut summary: [Vec<f64>; 8] = Default::default();
    for ((size, p), values) in groups {
        n.push(size as u64);
        patterns.push(p as u64);
        alpha.push(p as f64 / size as f64);
        count.push(values.len() as u64);
        let columns: Vec<Vec<f64>> = (0..3)
            .map(|k| values.iter().map(|v| v[k]).collect())
            .collect();
        let mut row = Vec::with_capacity(8);
        for column in &columns {
            let average = DisorderAverage::new(column.clone());
            row.push(average.mean());
            row.push(average.error());
        }
        match jackknife(&[&columns[1], &columns[2]], |m| m[0] / m[1]) {
            Ok(ratio) if values.len() >= 2 => row.extend([ratio.value, ratio.error]),
            _ => row.extend([f64::NAN, f64::NAN]),
        }
        for (column, value) in summary.iter_mut().zip(row) {
            column.push(value);
        }
    }
    let [
        q,
        q_error,
        lower,
        lower_error,
        upper,
        upper_error,
        ratio,
        ratio_error,
    ] = summary;
    tables.table(
        "solution_summary.parquet",
        Table::new(vec![
            ("n", Column::Integer(n)),
            ("patterns", Column::Integer(patterns)),
            ("alpha", Column::Number(alpha)),
            ("samples", Column::Integer(count)),
            ("overlap", Column::Number(q)),
            ("overlap_error", Column::Number(q_error)),
            ("lower_gap", Column::Number(lower)),
            ("lower_gap_error", Column::Number(lower_error)),
            ("upper_gap", Column::Number(upper)),
            ("upper_gap_error", Column::Number(upper_error)),
            ("gap_ratio", Column::Number(ratio)),
            ("gap_ratio_error", Column::Number(ratio_error)),
        ]),
    );
}

fn capacity_theory(spec: &PerceptronSpec) -> Result<Table, RunError> {
    use quench_theory::perceptron::{binary_capacity, spherical_capacity};
    let mut rows = TheoryRows::default();
    let kappa = spec.margin;
    let mut seen = Vec::new();
    for p in &spec.points {
        if !seen.contains(&p.weights) {
            seen.push(p.weights);
            let (curve, alpha_c) = match p.weights {
                WeightKind::Spherical => {
                    (GARDNER, spherical_capacity(kappa).map_err(theory_failure)?)
                }
                WeightKind::Binary => (
                    KRAUTH_MEZARD,
                    binary_capacity(kappa)
                        .map_err(theory_failure)?
                        .alpha_entropy_zero,
                ),
            };
            rows.push(curve, p.weights, 0, alpha_c, 0.0, "capacity", alpha_c);
        }
        if let PerceptronExperiment::Capacity(c) = &spec.experiment
            && p.weights == WeightKind::Binary
            && !c.solution_alphas.is_empty()
            && !rows.observable.iter().any(|o| o == "solution_overlap")
        {
            use quench_theory::perceptron::binary_volume;
            let capacity = binary_capacity(kappa)
                .map_err(theory_failure)?
                .alpha_entropy_zero;
            let last = c.solution_alphas[c.solution_alphas.len() - 1].min(capacity);
            for k in 1..=CURVE_POINTS {
                let alpha = last * k as f64 / CURVE_POINTS as f64;
                let point = binary_volume(alpha, kappa).map_err(theory_failure)?;
                rows.push(
                    SOLUTION_OVERLAP,
                    p.weights,
                    0,
                    alpha,
                    0.0,
                    "solution_overlap",
                    point.q,
                );
            }
        }
        if p.weights == WeightKind::Spherical && kappa == 0.0 {
            for k in 1..=p.patterns {
                let fraction = cover_separable_fraction(k, p.n)?;
                rows.push(
                    COVER,
                    p.weights,
                    p.n as u64,
                    k as f64 / p.n as f64,
                    0.0,
                    "stored",
                    fraction,
                );
            }
        }
    }
    Ok(rows.table())
}

fn learning_tables(
    spec: &PerceptronSpec,
    samples: &[LearningSample],
    tables: &mut Tables,
) -> Result<(), RunError> {
    struct Row<'a> {
        point: usize,
        sample: u64,
        learner: &'static str,
        measure: &'a Measure,
        /// Gibbs: the lowest exchange acceptance of the ladder; AMP: 1 if
        /// it converged, else 0; exact: NaN.
        diagnostic: f64,
    }
    let mut rows = Vec::new();
    for s in samples {
        for m in &s.gibbs {
            rows.push(Row {
                point: s.point,
                sample: s.sample,
                learner: GIBBS,
                measure: m,
                diagnostic: s.exchange_acceptance.iter().copied().fold(1.0, f64::min),
            });
        }
        for m in &s.exact {
            rows.push(Row {
                point: s.point,
                sample: s.sample,
                learner: EXACT,
                measure: m,
                diagnostic: f64::NAN,
            });
        }
        if let Some(m) = &s.amp {
            rows.push(Row {
                point: s.point,
                sample: s.sample,
                learner: AMP,
                measure: m,
                diagnostic: f64::from(u8::from(s.amp_converged)),
            });
        }
    }
    let observables: [Observable; 5] = [
        ("training_error", |m| m.training_error),
        ("teacher_overlap", |m| m.teacher_overlap),
        ("student_overlap", |m| m.student_overlap),
        ("generalization_error", |m| m.generalization_error),
        ("state_evolution", |m| m.state_evolution),
    ];
    let point = |r: &Row| &spec.points[r.point];
    let mut columns = vec![
        (
            "point",
            Column::Integer(rows.iter().map(|r| r.point as u64).collect()),
        ),
        (
            "weights",
            Column::Text(
                rows.iter()
                    .map(|r| point(r).weights.name().into())
                    .collect(),
            ),
        ),
        (
            "n",
            Column::Integer(rows.iter().map(|r| point(r).n as u64).collect()),
        ),
        (
            "alpha",
            Column::Number(rows.iter().map(|r| point(r).alpha).collect()),
        ),
        (
            "patterns",
            Column::Integer(rows.iter().map(|r| point(r).patterns as u64).collect()),
        ),
        (
            "sample",
            Column::Integer(rows.iter().map(|r| r.sample).collect()),
        ),
        (
            "learner",
            Column::Text(rows.iter().map(|r| r.learner.into()).collect()),
        ),
        (
            "temperature",
            Column::Number(rows.iter().map(|r| r.measure.temperature).collect()),
        ),
    ];
    for (name, value) in observables {
        columns.push((
            name,
            Column::Number(rows.iter().map(|r| value(r.measure)).collect()),
        ));
    }
    columns.push((
        "diagnostic",
        Column::Number(rows.iter().map(|r| r.diagnostic).collect()),
    ));
    tables.table("learning.parquet", Table::new(columns));

    // Summary: group by (point, learner, temperature) in first-seen order.
    let mut groups: Vec<Group> = Vec::new();
    for r in &rows {
        let key = (r.point, r.learner, r.measure.temperature.to_bits());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(r.measure),
            None => groups.push((key, vec![r.measure])),
        }
    }
    groups.sort_by_key(|((point, learner, _), _)| {
        (
            *point,
            [GIBBS, EXACT, AMP].iter().position(|l| l == learner),
        )
    });
    let key_point = |g: &Group| &spec.points[g.0.0];
    let mut summary = vec![
        (
            "point".to_string(),
            Column::Integer(groups.iter().map(|g| g.0.0 as u64).collect()),
        ),
        (
            "weights".to_string(),
            Column::Text(
                groups
                    .iter()
                    .map(|g| key_point(g).weights.name().into())
                    .collect(),
            ),
        ),
        (
            "n".to_string(),
            Column::Integer(groups.iter().map(|g| key_point(g).n as u64).collect()),
        ),
        (
            "alpha".to_string(),
            Column::Number(groups.iter().map(|g| key_point(g).alpha).collect()),
        ),
        (
            "patterns".to_string(),
            Column::Integer(
                groups
                    .iter()
                    .map(|g| key_point(g).patterns as u64)
                    .collect(),
            ),
        ),
        (
            "learner".to_string(),
            Column::Text(groups.iter().map(|g| g.0.1.into()).collect()),
        ),
        (
            "temperature".to_string(),
            Column::Number(groups.iter().map(|g| f64::from_bits(g.0.2)).collect()),
        ),
        (
            "samples".to_string(),
            Column::Integer(groups.iter().map(|g| g.1.len() as u64).collect()),
        ),
    ];
    for (name, value) in observables {
        let (means, errors): (Vec<f64>, Vec<f64>) = groups
            .iter()
            .map(|(_, members)| {
                let average = DisorderAverage::new(members.iter().map(|m| value(m)).collect());
                (average.mean(), average.error())
            })
            .unzip();
        summary.push((name.to_string(), Column::Number(means)));
        summary.push((format!("{name}_error"), Column::Number(errors)));
    }
    let summary: Vec<(&str, Column)> = summary
        .iter()
        .map(|(name, column)| (name.as_str(), column.clone()))
        .collect();
    tables.table("learning_summary.parquet", Table::new(summary));
    tables.table("theory.parquet", learning_theory(spec)?);
    Ok(())
}

fn learning_theory(spec: &PerceptronSpec) -> Result<Table, RunError> {
    use quench_theory::perceptron::amp::{WeightPrior, perceptron_state_evolution_fixed_point};
    use quench_theory::perceptron::teacher_student::{
        Learning, Weights, binary_transition, teacher_student,
    };
    let PerceptronExperiment::TeacherStudent(t) = &spec.experiment else {
        unreachable!("a teacher-student run")
    };
    let mut rows = TheoryRows::default();
    let top = t.alphas.iter().copied().fold(0.0, f64::max) * 1.1;
    let alphas: Vec<f64> = (1..=CURVE_POINTS)
        .map(|k| top * k as f64 / CURVE_POINTS as f64)
        .collect();
    let eta = spec.label_noise;
    let mut seen = Vec::new();
    for p in &spec.points {
        if seen.contains(&p.weights) {
            continue;
        }
        seen.push(p.weights);
        // The replica theory has teacher and student of one kind.
        if spec.teacher_at(p) != Some(p.weights) {
            continue;
        }
        let weights = match p.weights {
            WeightKind::Binary => Weights::Binary,
            WeightKind::Spherical => Weights::Spherical,
        };
        let prior = match p.weights {
            WeightKind::Binary => WeightPrior::Binary,
            WeightKind::Spherical => WeightPrior::Gaussian,
        };
        // Gibbs learning at every (alpha, T), in parallel (0.01-0.2 s each),
        // collected in order; where it has no saddle point the curve has a gap.
        let gibbs: Vec<Option<(f64, f64, f64)>> = alphas
            .par_iter()
            .flat_map_iter(|&alpha| {
                t.shown_temperatures
                    .iter()
                    .map(move |&temperature| (alpha, temperature))
            })
            .map(|(alpha, temperature)| {
                teacher_student(weights, Learning::Gibbs, alpha, temperature, eta)
                    .ok()
                    .map(|point| {
                        (
                            point.generalization_error,
                            point.teacher_overlap,
                            point.student_overlap,
                        )
                    })
            })
            .collect();
        let mut gibbs = gibbs.into_iter();
        for &alpha in &alphas {
            let mut push = |curve: &str, temperature: f64, e: f64, r: f64, q: f64| {
                rows.push(
                    curve,
                    p.weights,
                    0,
                    alpha,
                    temperature,
                    "generalization_error",
                    e,
                );
                rows.push(
                    curve,
                    p.weights,
                    0,
                    alpha,
                    temperature,
                    "teacher_overlap",
                    r,
                );
                rows.push(
                    curve,
                    p.weights,
                    0,
                    alpha,
                    temperature,
                    "student_overlap",
                    q,
                );
            };
            for &temperature in &t.shown_temperatures {
                if let Some((e, r, q)) = gibbs.next().flatten() {
                    push(GIBBS_THEORY, temperature, e, r, q);
                }
            }
            let bayes = teacher_student(weights, Learning::Bayes, alpha, 0.0, eta)
                .map_err(theory_failure)?;
            // The Bayes estimator is the posterior mean: its cosine with the
            // teacher is sqrt(q) on the Nishimori line (R = q), as AMP's is.
            push(
                BAYES_THEORY,
                f64::NAN,
                bayes.generalization_error,
                bayes.student_overlap.max(0.0).sqrt(),
                bayes.student_overlap,
            );
            let evolution = perceptron_state_evolution_fixed_point(prior, alpha, eta, 0.0)
                .map_err(theory_failure)?;
            rows.push(
                STATE_EVOLUTION,
                p.weights,
                0,
                alpha,
                f64::NAN,
                "generalization_error",
                evolution.generalization_error,
            );
            rows.push(
                STATE_EVOLUTION,
                p.weights,
                0,
                alpha,
                f64::NAN,
                "teacher_overlap",
                evolution.overlap.sqrt(),
            );
        }
        if p.weights == WeightKind::Binary && eta == 0.0 {
            let transition = binary_transition().map_err(theory_failure)?;
            let (a, s) = (transition.alpha_transition, transition.alpha_spinodal);
            rows.push(TRANSITION, p.weights, 0, a, 0.0, "transition", a);
            rows.push(SPINODAL, p.weights, 0, s, 0.0, "spinodal", s);
        }
    }
    Ok(rows.table())
}
