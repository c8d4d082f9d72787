//! The tidy tables of an associative-memory run.
//!
//! | file | one row per | columns |
//! |---|---|---|
//! | `retrieval.parquet` | grid point × sample | `point n patterns alpha temperature sample initial_overlap final_overlap thermal_overlap thermal_overlap_error energy sweeps converged largest_pattern` |
//! | `retrieval_summary.parquet` | grid point | `point n patterns alpha temperature samples final_overlap final_overlap_error retrieved retrieved_error retrieved_low retrieved_high thermal_overlap thermal_overlap_error sweeps sweeps_error` (means and standard errors over samples; the retrieved fraction has the Wilson score interval `[retrieved_low, retrieved_high]` at one standard deviation, and `retrieved_error` is its half-width) |
//! | `capacity.parquet` | size | `n capacity first_failure` (0 where none) |
//! | `capacity_points.parquet` | size × tested $P$ | `n patterns success success_error final_error final_error_error stored` |
//! | `theory.parquet` | curve point | Hopfield: `curve alpha temperature observable value`; dense: `curve n observable value` |
//!
//! Theory rows (Hopfield, from `quench_theory::hopfield`): `overlap` — the
//! AGS retrieval overlap $m(\alpha)$ at each grid temperature; `capacity` —
//! $\alpha_c(T)$ (value = overlap there); `phase_boundary` — the lines
//! $T_g$, $T_M$, $T_c$, $T_R$ (value = temperature). Dense memories: the
//! capacity laws of `quench_theory::hopfield::dense` on a grid of $N$,
//! observable `capacity` (value = patterns).

use std::collections::BTreeSet;

use quench_learn::dynamics::Outcome;
use quench_stats::{DisorderAverage, wilson_interval};

use super::UnitOutcome;
use super::spec::{MemoryExperiment, MemorySpec};
use crate::error::RunError;
use crate::family::Tables;
use crate::table::{Column, Table};

/// Points of a theory curve.
const CURVE_POINTS: usize = 121;

fn theory_failure(error: quench_theory::TheoryError) -> RunError {
    RunError::theory("theory curve")(error)
}

/// Mean and standard error over samples (NaN error for one sample).
fn average(values: Vec<f64>) -> (f64, f64) {
    let average = DisorderAverage::new(values);
    (average.mean(), average.error())
}

#[derive(Default)]
struct TheoryRows {
    curve: Vec<String>,
    alpha: Vec<f64>,
    temperature: Vec<f64>,
    observable: Vec<String>,
    value: Vec<f64>,
}

impl TheoryRows {
    fn push(&mut self, curve: &str, alpha: f64, temperature: f64, observable: &str, value: f64) {
        self.curve.push(curve.into());
        self.alpha.push(alpha);
        self.temperature.push(temperature);
        self.observable.push(observable.into());
        self.value.push(value);
    }

    fn table(self) -> Table {
        Table::new(vec![
            ("curve", Column::Text(self.curve)),
            ("alpha", Column::Number(self.alpha)),
            ("temperature", Column::Number(self.temperature)),
            ("observable", Column::Text(self.observable)),
            ("value", Column::Number(self.value)),
        ])
    }
}

/// Curve names of the phase diagram, as drawn.
pub const GLASS_LINE: &str = "T_g = 1 + sqrt(alpha) (spin glass)";
/// Retrieval states exist below this line.
pub const RETRIEVAL_LINE: &str = "T_M (retrieval states exist)";
/// Retrieval states are global minima below this line.
pub const GLOBAL_MINIMUM_LINE: &str = "T_c (retrieval is the global minimum)";
/// Replica symmetry of the retrieval states breaks below this line.
pub const ALMEIDA_THOULESS_LINE: &str = "T_R (replica symmetry breaks)";
/// The AGS overlap curve.
pub const AGS_OVERLAP: &str = "AGS replica symmetric";

fn hopfield_theory(temperatures: &BTreeSet<u64>, alpha_max: f64) -> Result<Table, RunError> {
    use quench_theory::hopfield;
    let mut rows = TheoryRows::default();
    for t in temperatures.iter().map(|&bits| f64::from_bits(bits)) {
        if t >= 1.0 {
            continue;
        }
        let capacity = hopfield::capacity_at_temperature(t).map_err(theory_failure)?;
        rows.push(AGS_OVERLAP, capacity.alpha_c, t, "capacity", capacity.m);
        let top = alpha_max.max(capacity.alpha_c) * 1.05;
        for k in 1..=CURVE_POINTS {
            let alpha = top * k as f64 / CURVE_POINTS as f64;
            let m = if alpha <= capacity.alpha_c {
                hopfield::retrieval_state(alpha, t)
                    .map(|s| s.m)
                    .unwrap_or(f64::NAN)
            } else {
                0.0
            };
            rows.push(AGS_OVERLAP, alpha, t, "overlap", m);
        }
    }
    let diagram = hopfield::phase_diagram(CURVE_POINTS).map_err(theory_failure)?;
    for (name, line) in [
        (GLASS_LINE, &diagram.glass),
        (RETRIEVAL_LINE, &diagram.retrieval),
        (GLOBAL_MINIMUM_LINE, &diagram.global_minimum),
        (ALMEIDA_THOULESS_LINE, &diagram.almeida_thouless),
    ] {
        for p in line {
            rows.push(
                name,
                p.alpha,
                p.temperature,
                "phase_boundary",
                p.temperature,
            );
        }
    }
    Ok(rows.table())
}

/// Curve names of the dense-memory capacity theory.
pub const SNR_ERROR_FREE: &str = "signal-to-noise, every bit right: N^(n-1) / (2 (2n-3)!! ln N)";
/// First-update capacity with the allowed bit error.
pub const SNR_WITH_ERRORS: &str = "signal-to-noise, allowed bit error: alpha_n N^(n-1)";
/// Every pattern retrieved (Demircigil et al. 2017).
pub const EXPONENTIAL_ALL: &str = "all patterns: exp(N I(1-2 rho) / 2)";
/// A typical pattern retrieved.
pub const EXPONENTIAL_TYPICAL: &str = "typical pattern: exp(N I(1-2 rho))";

/// The capacity predictions for the sizes of `experiment`: `curve n observable value`
/// with `observable = "capacity"` (patterns) on a grid of $N$. Log-sum-exp
/// energies get no curve: quench-learn's `sharpness` and the theory's
/// $\lambda$ are not yet matched in normalisation.
fn dense_theory(experiment: &super::spec::CapacityExperiment) -> Result<Table, RunError> {
    use quench_learn::dense::Interaction;
    use quench_theory::hopfield::dense;
    let low = *experiment.sizes.iter().min().expect("sizes are not empty") as f64;
    let high = *experiment.sizes.iter().max().expect("sizes are not empty") as f64;
    let grid: Vec<f64> = (0..CURVE_POINTS)
        .map(|k| low.max(2.0) + (high - low.max(2.0)) * k as f64 / (CURVE_POINTS - 1) as f64)
        .collect();
    let (mut curve, mut n, mut value) = (Vec::new(), Vec::new(), Vec::new());
    let mut push = |name: &str, size: f64, patterns: f64| {
        curve.push(name.to_string());
        n.push(size);
        value.push(patterns);
    };
    match experiment.interaction {
        Interaction::Polynomial { degree } | Interaction::RectifiedPolynomial { degree }
            if degree >= 2 =>
        {
            let coefficient = (experiment.allowed_error > 0.0)
                .then(|| dense::polynomial_capacity_coefficient(degree, experiment.allowed_error))
                .transpose()
                .map_err(theory_failure)?;
            for &size in &grid {
                let free =
                    dense::polynomial_error_free_capacity(degree, size).map_err(theory_failure)?;
                push(SNR_ERROR_FREE, size, free);
                if let Some(alpha) = coefficient {
                    push(SNR_WITH_ERRORS, size, alpha * size.powi(degree as i32 - 1));
                }
            }
        }
        Interaction::Exponential => {
            let exponents =
                dense::exponential_capacity(experiment.initial_error).map_err(theory_failure)?;
            for &size in &grid {
                push(EXPONENTIAL_ALL, size, (exponents.all_patterns * size).exp());
                push(
                    EXPONENTIAL_TYPICAL,
                    size,
                    (exponents.typical_pattern * size).exp(),
                );
            }
        }
        _ => {}
    }
    let rows = curve.len();
    Ok(Table::new(vec![
        ("curve", Column::Text(curve)),
        ("n", Column::Number(n)),
        (
            "observable",
            Column::Text(vec!["capacity".to_string(); rows]),
        ),
        ("value", Column::Number(value)),
    ]))
}

/// The tables of a finished run, in the order they are written.
pub fn tables(spec: &MemorySpec, outcomes: &[UnitOutcome]) -> Result<Tables, RunError> {
    let mut tables = Tables::default();
    let mut write = |name: &str, table: Table| -> Result<(), RunError> {
        tables.table(name, table);
        Ok(())
    };
    match &spec.experiment {
        MemoryExperiment::Retrieval(experiment) => {
            let mut columns: [Vec<f64>; 5] = Default::default();
            let (
                mut point,
                mut n,
                mut patterns,
                mut sample,
                mut sweeps,
                mut converged,
                mut largest,
            ) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
            let (mut alpha, mut temperature) = (vec![], vec![]);
            let mut by_point: Vec<Vec<(f64, f64, f64, f64)>> =
                vec![Vec::new(); experiment.points.len()];
            let mut patterns_of = vec![0u64; experiment.points.len()];
            for outcome in outcomes {
                let UnitOutcome::Retrieval {
                    point: p,
                    patterns: count,
                    result,
                } = outcome
                else {
                    continue;
                };
                let grid = experiment.points[*p];
                point.push(*p as u64);
                n.push(grid.n as u64);
                patterns.push(*count as u64);
                patterns_of[*p] = *count as u64;
                alpha.push(grid.alpha);
                temperature.push(grid.temperature);
                sample.push(result.sample);
                let thermal = result.thermal_overlap.map_or(f64::NAN, |e| e.mean);
                for (column, value) in columns.iter_mut().zip([
                    result.initial_overlap,
                    result.final_overlap,
                    thermal,
                    result.thermal_overlap.map_or(f64::NAN, |e| e.error),
                    result.energy_per_spin,
                ]) {
                    column.push(value);
                }
                sweeps.push(result.relaxation.sweeps as u64);
                converged.push(u64::from(matches!(
                    result.relaxation.outcome,
                    Outcome::FixedPoint | Outcome::TwoCycle
                )));
                largest.push(result.largest_overlap.index as u64);
                let retrieved = f64::from(u8::from(
                    result.final_overlap > experiment.retrieval_threshold,
                ));
                by_point[*p].push((
                    result.final_overlap,
                    retrieved,
                    thermal,
                    result.relaxation.sweeps as f64,
                ));
            }
            let [initial, final_overlap, thermal, thermal_error, energy] = columns;
            write(
                "retrieval.parquet",
                Table::new(vec![
                    ("point", Column::Integer(point)),
                    ("n", Column::Integer(n)),
                    ("patterns", Column::Integer(patterns)),
                    ("alpha", Column::Number(alpha)),
                    ("temperature", Column::Number(temperature)),
                    ("sample", Column::Integer(sample)),
                    ("initial_overlap", Column::Number(initial)),
                    ("final_overlap", Column::Number(final_overlap)),
                    ("thermal_overlap", Column::Number(thermal)),
                    ("thermal_overlap_error", Column::Number(thermal_error)),
                    ("energy", Column::Number(energy)),
                    ("sweeps", Column::Integer(sweeps)),
                    ("converged", Column::Integer(converged)),
                    ("largest_pattern", Column::Integer(largest)),
                ]),
            )?;
            let mut summary: [Vec<f64>; 8] = Default::default();
            let (mut retrieved_low, mut retrieved_high) = (vec![], vec![]);
            for rows in &by_point {
                let successes = rows.iter().filter(|r| r.1 > 0.0).count() as u64;
                let (low, high) = wilson_interval(successes, rows.len() as u64, 1.0);
                retrieved_low.push(low);
                retrieved_high.push(high);
                let pick = |f: fn(&(f64, f64, f64, f64)) -> f64| rows.iter().map(f).collect();
                let averages = [
                    average(pick(|r| r.0)),
                    average(pick(|r| r.1)),
                    average(pick(|r| r.2)),
                    average(pick(|r| r.3)),
                ];
                for (k, (mean, error)) in averages.into_iter().enumerate() {
                    summary[2 * k].push(mean);
                    // The retrieved fraction's error is half the Wilson
                    // interval, not the standard error, which is 0 when
                    // every sample (or none) retrieved.
                    summary[2 * k + 1].push(if k == 1 {
                        0.5 * (retrieved_high.last().unwrap() - retrieved_low.last().unwrap())
                    } else {
                        error
                    });
                }
            }
            let [
                m,
                m_error,
                retrieved,
                retrieved_error,
                thermal,
                thermal_error,
                sweeps,
                sweeps_error,
            ] = summary;
            let points = &experiment.points;
            write(
                "retrieval_summary.parquet",
                Table::new(vec![
                    (
                        "point",
                        Column::Integer(points.iter().map(|p| p.index as u64).collect()),
                    ),
                    (
                        "n",
                        Column::Integer(points.iter().map(|p| p.n as u64).collect()),
                    ),
                    ("patterns", Column::Integer(patterns_of)),
                    (
                        "alpha",
                        Column::Number(points.iter().map(|p| p.alpha).collect()),
                    ),
                    (
                        "temperature",
                        Column::Number(points.iter().map(|p| p.temperature).collect()),
                    ),
                    (
                        "samples",
                        Column::Integer(by_point.iter().map(|r| r.len() as u64).collect()),
                    ),
                    ("final_overlap", Column::Number(m)),
                    ("final_overlap_error", Column::Number(m_error)),
                    ("retrieved", Column::Number(retrieved)),
                    ("retrieved_error", Column::Number(retrieved_error)),
                    ("retrieved_low", Column::Number(retrieved_low)),
                    ("retrieved_high", Column::Number(retrieved_high)),
                    ("thermal_overlap", Column::Number(thermal)),
                    ("thermal_overlap_error", Column::Number(thermal_error)),
                    ("sweeps", Column::Number(sweeps)),
                    ("sweeps_error", Column::Number(sweeps_error)),
                ]),
            )?;
            let temperatures: BTreeSet<u64> =
                points.iter().map(|p| p.temperature.to_bits()).collect();
            let alpha_max = points.iter().map(|p| p.alpha).fold(0.0, f64::max);
            write("theory.parquet", hopfield_theory(&temperatures, alpha_max)?)?;
        }
        MemoryExperiment::Capacity(experiment) => {
            let results: Vec<_> = outcomes
                .iter()
                .filter_map(|o| match o {
                    UnitOutcome::Capacity(c) => Some(c),
                    UnitOutcome::Retrieval { .. } => None,
                })
                .collect();
            write(
                "capacity.parquet",
                Table::new(vec![
                    (
                        "n",
                        Column::Integer(results.iter().map(|r| r.neurons as u64).collect()),
                    ),
                    (
                        "capacity",
                        Column::Integer(
                            results
                                .iter()
                                .map(|r| r.capacity.unwrap_or(0) as u64)
                                .collect(),
                        ),
                    ),
                    (
                        "first_failure",
                        Column::Integer(
                            results
                                .iter()
                                .map(|r| r.first_failure.unwrap_or(0) as u64)
                                .collect(),
                        ),
                    ),
                ]),
            )?;
            let points: Vec<(u64, &quench_learn::dense::capacity::CapacityPoint)> = results
                .iter()
                .flat_map(|r| r.points.iter().map(move |p| (r.neurons as u64, p)))
                .collect();
            let number = |f: fn(&quench_learn::dense::capacity::CapacityPoint) -> f64| {
                Column::Number(points.iter().map(|(_, p)| f(p)).collect())
            };
            write(
                "capacity_points.parquet",
                Table::new(vec![
                    ("n", Column::Integer(points.iter().map(|p| p.0).collect())),
                    (
                        "patterns",
                        Column::Integer(points.iter().map(|p| p.1.patterns as u64).collect()),
                    ),
                    ("success", number(|p| p.success.mean)),
                    ("success_error", number(|p| p.success.error)),
                    ("final_error", number(|p| p.final_error.mean)),
                    ("final_error_error", number(|p| p.final_error.error)),
                    (
                        "stored",
                        Column::Integer(points.iter().map(|p| u64::from(p.1.stored)).collect()),
                    ),
                ]),
            )?;
            write("theory.parquet", dense_theory(experiment)?)?;
        }
    }
    Ok(tables)
}
