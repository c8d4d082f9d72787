//! The tables of a phase-classification run from its finished units:
//! snapshot diagnostics, training, outputs and timings as they were
//! measured; per (architecture, test, L) the bootstrap curves $P(T)$,
//! $V(T)$ and the fitted peak of $V$; per (architecture, test) the
//! finite-size scaling fit over $L$.

use quench_core::{Purpose, UnitStreams};
use quench_critical::scaling::{
    ClassifierCurves, Measured, PeakErrors, PeakFit, ScalingFit, bootstrap_curves,
    fit_peak_with_errors, fit_scaling,
};

use super::{ClassifySpec, LengthResult, NetworkResult, STREAMS, SnapshotRow};
use crate::error::RunError;
use crate::family::Tables;
use crate::table::{Column, Table};

/// The per-(architecture, test, length) analysis: curves and peak.
struct Analysis {
    curves: ClassifierCurves,
    peak: PeakFit,
    errors: PeakErrors,
    replicas: Vec<PeakFit>,
}

fn analyse(
    spec: &ClassifySpec,
    results: &[LengthResult],
) -> Result<Vec<Vec<Vec<Analysis>>>, RunError> {
    // [architecture][test][length]
    let mut out = Vec::new();
    for a in 0..spec.architectures.len() {
        let mut per_test = Vec::new();
        for (k, test) in spec.tests.iter().enumerate() {
            let mut per_length = Vec::new();
            for (point, result) in results.iter().enumerate() {
                let outputs: Vec<Vec<Vec<f32>>> = result
                    .networks
                    .iter()
                    .filter(|n| n.architecture == a)
                    .map(|n| n.outputs[k].clone())
                    .collect();
                let mut rng = UnitStreams::new(spec.seed, STREAMS, point as u64, 0)
                    .stream(Purpose::Named("bootstrap"), (a as u64) << 32 | k as u64);
                let input = |e: quench_core::ParameterError| RunError::Input(e.to_string());
                let curves = bootstrap_curves(
                    &test.temperatures_at(result.length),
                    &outputs,
                    spec.bootstrap,
                    &mut rng,
                )
                .map_err(input)?;
                let (peak, errors, replicas) = fit_peak_with_errors(&curves).map_err(input)?;
                per_length.push(Analysis {
                    curves,
                    peak,
                    errors,
                    replicas,
                });
            }
            per_test.push(per_length);
        }
        out.push(per_test);
    }
    Ok(out)
}

pub(super) fn tables(spec: &ClassifySpec, results: Vec<LengthResult>) -> Result<Tables, RunError> {
    let mut out = Tables::default();
    // Snapshot diagnostics.
    let rows: Vec<(usize, &SnapshotRow)> = results
        .iter()
        .flat_map(|r| r.snapshots.iter().map(move |s| (r.length, s)))
        .collect();
    let number =
        |f: &dyn Fn(&SnapshotRow) -> f64| Column::Number(rows.iter().map(|(_, s)| f(s)).collect());
    let integer =
        |f: &dyn Fn(&SnapshotRow) -> u64| Column::Integer(rows.iter().map(|(_, s)| f(s)).collect());
    out.table(
        "snapshots.parquet",
        Table::new(vec![
            (
                "length",
                Column::Integer(rows.iter().map(|(l, _)| *l as u64).collect()),
            ),
            (
                "set",
                Column::Text(rows.iter().map(|(_, s)| s.set.clone()).collect()),
            ),
            ("temperature", number(&|s| s.temperature)),
            ("label", number(&|s| s.label)),
            ("spacing", integer(&|s| s.spacing)),
            ("rounds", integer(&|s| s.rounds)),
            ("pilot_steps", integer(&|s| s.pilot_steps)),
            ("pilot_tau_energy", number(&|s| s.pilot_tau_energy)),
            ("pilot_tau_order", number(&|s| s.pilot_tau_order)),
            ("kept_tau_energy", number(&|s| s.kept_tau_energy)),
            ("kept_tau_order", number(&|s| s.kept_tau_order)),
            ("energy", number(&|s| s.energy)),
            ("order_parameter", number(&|s| s.order_parameter)),
            ("mean_cluster", number(&|s| s.mean_cluster)),
        ]),
    );
    // Training.
    let networks: Vec<(usize, &NetworkResult)> = results
        .iter()
        .flat_map(|r| r.networks.iter().map(move |n| (r.length, n)))
        .collect();
    let name = |a: usize| spec.architectures[a].name();
    let per_network = |f: &dyn Fn(&NetworkResult) -> f64| {
        Column::Number(networks.iter().map(|(_, n)| f(n)).collect())
    };
    out.table(
        "training.parquet",
        Table::new(vec![
            (
                "length",
                Column::Integer(networks.iter().map(|(l, _)| *l as u64).collect()),
            ),
            (
                "architecture",
                Column::Text(networks.iter().map(|(_, n)| name(n.architecture)).collect()),
            ),
            (
                "network",
                Column::Integer(networks.iter().map(|(_, n)| n.network as u64).collect()),
            ),
            (
                "epochs",
                Column::Integer(networks.iter().map(|(_, n)| n.epochs).collect()),
            ),
            (
                "best_validation_loss",
                per_network(&|n| n.best_validation_loss),
            ),
            (
                "validation_accuracy",
                per_network(&|n| n.validation_accuracy),
            ),
        ]),
    );
    // Wall-clock times, apart: every other table is bit-identical between
    // runs, thread counts and resumed runs.
    let mut timing_length: Vec<u64> = rows.iter().map(|(l, _)| *l as u64).collect();
    let mut stage: Vec<String> = rows
        .iter()
        .map(|(_, s)| format!("snapshots: {}", s.set))
        .collect();
    let mut timing_architecture = vec![String::new(); rows.len()];
    let mut timing_temperature: Vec<f64> = rows.iter().map(|(_, s)| s.temperature).collect();
    let mut seconds: Vec<f64> = rows.iter().map(|(_, s)| s.seconds).collect();
    let mut rate = vec![f64::NAN; rows.len()];
    for (length, n) in &networks {
        timing_length.push(*length as u64);
        stage.push("training".into());
        timing_architecture.push(name(n.architecture));
        timing_temperature.push(f64::NAN);
        seconds.push(n.seconds);
        rate.push(n.snapshots_per_second);
    }
    out.table(
        "timings.parquet",
        Table::new(vec![
            ("length", Column::Integer(timing_length)),
            ("stage", Column::Text(stage)),
            ("architecture", Column::Text(timing_architecture)),
            ("temperature", Column::Number(timing_temperature)),
            ("seconds", Column::Number(seconds)),
            ("snapshots_per_second", Column::Number(rate)),
        ]),
    );
    // Raw outputs.
    let (
        mut length,
        mut architecture,
        mut network,
        mut test,
        mut temperature,
        mut snapshot,
        mut output,
    ) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for result in &results {
        let grids: Vec<Vec<f64>> = spec
            .tests
            .iter()
            .map(|t| t.temperatures_at(result.length))
            .collect();
        for n in &result.networks {
            for (k, per_temperature) in n.outputs.iter().enumerate() {
                for (p, values) in per_temperature.iter().enumerate() {
                    for (s, &f) in values.iter().enumerate() {
                        length.push(result.length as u64);
                        architecture.push(name(n.architecture));
                        network.push(n.network as u64);
                        test.push(spec.tests[k].label.clone());
                        temperature.push(grids[k][p]);
                        snapshot.push(s as u64);
                        output.push(f64::from(f));
                    }
                }
            }
        }
    }
    out.table(
        "outputs.parquet",
        Table::new(vec![
            ("length", Column::Integer(length)),
            ("architecture", Column::Text(architecture)),
            ("network", Column::Integer(network)),
            ("test", Column::Text(test)),
            ("temperature", Column::Number(temperature)),
            ("snapshot", Column::Integer(snapshot)),
            ("output", Column::Number(output)),
        ]),
    );
    // Curves, peaks, scaling.
    let analysis = analyse(spec, &results)?;
    let mut curve_rows: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut peak_rows: Vec<(usize, usize, usize)> = Vec::new();
    for a in 0..spec.architectures.len() {
        for (k, test) in spec.tests.iter().enumerate() {
            for point in 0..results.len() {
                peak_rows.push((a, k, point));
                for p in 0..test.temperatures.len() {
                    curve_rows.push((a, k, point, p));
                }
            }
        }
    }
    let curve = |f: &dyn Fn(&Analysis, usize) -> f64| {
        Column::Number(
            curve_rows
                .iter()
                .map(|&(a, k, l, p)| f(&analysis[a][k][l], p))
                .collect(),
        )
    };
    out.table(
        "curves.parquet",
        Table::new(vec![
            (
                "length",
                Column::Integer(
                    curve_rows
                        .iter()
                        .map(|&(_, _, l, _)| results[l].length as u64)
                        .collect(),
                ),
            ),
            (
                "architecture",
                Column::Text(curve_rows.iter().map(|&(a, _, _, _)| name(a)).collect()),
            ),
            (
                "test",
                Column::Text(
                    curve_rows
                        .iter()
                        .map(|&(_, k, _, _)| spec.tests[k].label.clone())
                        .collect(),
                ),
            ),
            ("temperature", curve(&|x, p| x.curves.temperatures[p])),
            ("probability", curve(&|x, p| x.curves.probability[p].value)),
            (
                "probability_error",
                curve(&|x, p| x.curves.probability[p].error),
            ),
            ("variance", curve(&|x, p| x.curves.variance[p].value)),
            ("variance_error", curve(&|x, p| x.curves.variance[p].error)),
        ]),
    );
    let peak = |f: &dyn Fn(&Analysis) -> f64| {
        Column::Number(
            peak_rows
                .iter()
                .map(|&(a, k, l)| f(&analysis[a][k][l]))
                .collect(),
        )
    };
    out.table(
        "peaks.parquet",
        Table::new(vec![
            (
                "length",
                Column::Integer(
                    peak_rows
                        .iter()
                        .map(|&(_, _, l)| results[l].length as u64)
                        .collect(),
                ),
            ),
            (
                "architecture",
                Column::Text(peak_rows.iter().map(|&(a, _, _)| name(a)).collect()),
            ),
            (
                "test",
                Column::Text(
                    peak_rows
                        .iter()
                        .map(|&(_, k, _)| spec.tests[k].label.clone())
                        .collect(),
                ),
            ),
            ("position", peak(&|x| x.peak.position)),
            ("position_error", peak(&|x| x.errors.position)),
            ("width", peak(&|x| x.peak.width())),
            ("width_error", peak(&|x| x.errors.width)),
            ("width_below", peak(&|x| x.peak.width_below)),
            ("width_below_error", peak(&|x| x.errors.width_below)),
            ("width_above", peak(&|x| x.peak.width_above)),
            ("width_above_error", peak(&|x| x.errors.width_above)),
            ("amplitude", peak(&|x| x.peak.amplitude)),
            ("chi_squared_per_dof", peak(&|x| x.peak.chi_squared_per_dof)),
        ]),
    );
    if results.len() >= 2 {
        let lengths: Vec<f64> = results.iter().map(|r| r.length as f64).collect();
        let mut fits = Vec::new();
        for (a, per_test) in analysis.iter().enumerate() {
            for (k, per_length) in per_test.iter().enumerate() {
                let peaks: Vec<PeakFit> = per_length.iter().map(|x| x.peak).collect();
                let errors: Vec<PeakErrors> = per_length.iter().map(|x| x.errors).collect();
                let replicas: Vec<Vec<PeakFit>> =
                    per_length.iter().map(|x| x.replicas.clone()).collect();
                // A failed fit (peaks without finite widths, say) is a row of NaN.
                let fit = fit_scaling(&lengths, &peaks, &errors, &replicas).unwrap_or_else(|_| {
                    let nan = Measured {
                        value: f64::NAN,
                        error: f64::NAN,
                    };
                    ScalingFit {
                        inverse_nu: nan,
                        inverse_nu_below: nan,
                        inverse_nu_above: nan,
                        critical_temperature: nan,
                        replicas_used: 0,
                    }
                });
                fits.push((a, k, fit));
            }
        }
        let column = |f: &dyn Fn(&ScalingFit) -> f64| {
            Column::Number(fits.iter().map(|(_, _, fit)| f(fit)).collect())
        };
        let exact_t = |k: usize| spec.tests[k].model.critical_temperature();
        out.table(
            "scaling.parquet",
            Table::new(vec![
                (
                    "architecture",
                    Column::Text(fits.iter().map(|(a, _, _)| name(*a)).collect()),
                ),
                (
                    "test",
                    Column::Text(
                        fits.iter()
                            .map(|(_, k, _)| spec.tests[*k].label.clone())
                            .collect(),
                    ),
                ),
                ("inverse_nu", column(&|f| f.inverse_nu.value)),
                ("inverse_nu_error", column(&|f| f.inverse_nu.error)),
                ("inverse_nu_below", column(&|f| f.inverse_nu_below.value)),
                (
                    "inverse_nu_below_error",
                    column(&|f| f.inverse_nu_below.error),
                ),
                ("inverse_nu_above", column(&|f| f.inverse_nu_above.value)),
                (
                    "inverse_nu_above_error",
                    column(&|f| f.inverse_nu_above.error),
                ),
                (
                    "critical_temperature",
                    column(&|f| f.critical_temperature.value),
                ),
                (
                    "critical_temperature_error",
                    column(&|f| f.critical_temperature.error),
                ),
                (
                    "replicas_used",
                    Column::Integer(
                        fits.iter()
                            .map(|(_, _, f)| f.replicas_used as u64)
                            .collect(),
                    ),
                ),
                (
                    "exact_critical_temperature",
                    Column::Number(fits.iter().map(|(_, k, _)| exact_t(*k)).collect()),
                ),
                (
                    "exact_inverse_nu",
                    Column::Number(
                        fits.iter()
                            .map(|(_, k, _)| 1.0 / spec.tests[*k].model.exponents().nu)
                            .collect(),
                    ),
                ),
            ]),
        );
    }
    Ok(out)
}
