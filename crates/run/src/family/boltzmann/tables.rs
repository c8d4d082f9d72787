//! The tables and arrays of an RBM run.
//!
//! * `curves.parquet`: one row per training and evaluation (epoch);
//! * `learning.parquet`: per point and epoch, the mean train and test
//!   log-likelihood over the trainings with its standard error;
//! * `final.parquet`: per point, the last epoch's and the best epoch's test
//!   log-likelihood;
//! * `ais_check.parquet`: exact, forward and reverse AIS $\ln Z$ of each
//!   trained machine (where the check ran);
//! * Ising data: `ising_data.parquet` (per temperature: energy per spin and
//!   $|m|$ of the configurations with errors from their autocorrelation,
//!   the integrated autocorrelation time of $|m|$, Kaufman's exact energy of
//!   the finite lattice) and `ising.parquet` (per training: energy and $|m|$
//!   of the trained machine's samples);
//! * `machines/point-PPP-{weights,visible-bias,hidden-bias}.npy` (one
//!   leading axis over trainings) and `samples/point-PPP.npy` (trainings ×
//!   shown samples × visible units, `uint8`; `float32` in the data's units for
//!   Gaussian visible units).

use ndarray::{Array2, Array3, ArrayD, IxDyn};
use ndarray_npy::WriteNpyExt;

use super::data::{IsingData, ising_energy, ising_magnetisation, rows};
use super::spec::{DataSource, RbmPoint, RbmSpec};
use super::{Estimator, TrainingSample};
use crate::error::RunError;
use crate::family::Tables;
use crate::table::{Column, Table};

/// A method's short name at a point.
pub fn method_name(point: &RbmPoint) -> String {
    point.negative.name()
}

/// Mean and standard error over trainings; one training: the estimate's
/// own error (AIS) or zero (exact).
pub fn mean_and_error(values: &[f64], own_errors: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, own_errors.first().copied().unwrap_or(f64::NAN));
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (variance / n).sqrt())
}

fn npy<A: WriteNpyExt>(array: &A, name: &str) -> Result<Vec<u8>, RunError> {
    let mut bytes = Vec::new();
    array
        .write_npy(&mut bytes)
        .map_err(|e| RunError::Encoding(format!("{name}: {e}")))?;
    Ok(bytes)
}

/// The tables of all trainings, given in plan order.
pub fn tables(spec: &RbmSpec, results: Vec<TrainingSample>) -> Result<Tables, RunError> {
    let mut out = Tables::default();
    // curves
    let mut c = CurveColumns::default();
    for r in &results {
        let point = &spec.points[r.point];
        for e in &r.curve {
            c.point.push(r.point as u64);
            c.temperature.push(point.temperature);
            c.hidden.push(point.hidden as u64);
            c.method.push(method_name(point));
            c.sample.push(r.sample);
            c.epoch.push(e.epoch);
            c.estimator.push(e.estimator.name().to_string());
            c.log_partition.push(e.log_partition);
            c.log_partition_error.push(e.log_partition_error);
            c.effective_chains.push(e.effective_chains);
            c.train.push(e.train_log_likelihood);
            c.test.push(e.test_log_likelihood);
            c.reconstruction.push(e.reconstruction_error);
            c.exchange.push(e.exchange_acceptance);
        }
    }
    out.table(
        "curves.parquet",
        Table::new(vec![
            ("point", Column::Integer(c.point)),
            ("temperature", Column::Number(c.temperature)),
            ("hidden", Column::Integer(c.hidden)),
            ("method", Column::Text(c.method)),
            ("sample", Column::Integer(c.sample)),
            ("epoch", Column::Integer(c.epoch)),
            ("estimator", Column::Text(c.estimator)),
            ("log_partition", Column::Number(c.log_partition)),
            ("log_partition_error", Column::Number(c.log_partition_error)),
            ("effective_chains", Column::Number(c.effective_chains)),
            ("train_log_likelihood", Column::Number(c.train)),
            ("test_log_likelihood", Column::Number(c.test)),
            ("reconstruction_error", Column::Number(c.reconstruction)),
            ("exchange_acceptance", Column::Number(c.exchange)),
        ]),
    );
    // learning curves and final values, per point
    let mut l = LearningColumns::default();
    let mut f = FinalColumns::default();
    for point in &spec.points {
        let trainings: Vec<&TrainingSample> =
            results.iter().filter(|r| r.point == point.index).collect();
        let Some(first) = trainings.first() else {
            continue;
        };
        let mut best = (f64::NEG_INFINITY, 0u64, f64::NAN);
        let mut last = (f64::NAN, f64::NAN, f64::NAN, f64::NAN);
        for (k, evaluation) in first.curve.iter().enumerate() {
            let at = |get: fn(&super::Evaluation) -> f64| -> Vec<f64> {
                trainings.iter().map(|t| get(&t.curve[k])).collect()
            };
            let own = at(|e| e.log_partition_error);
            let (train, train_error) = mean_and_error(&at(|e| e.train_log_likelihood), &own);
            let (test, test_error) = mean_and_error(&at(|e| e.test_log_likelihood), &own);
            l.point.push(point.index as u64);
            l.temperature.push(point.temperature);
            l.hidden.push(point.hidden as u64);
            l.method.push(method_name(point));
            l.epoch.push(evaluation.epoch);
            l.estimator.push(evaluation.estimator.name().to_string());
            l.trainings.push(trainings.len() as u64);
            l.train.push(train);
            l.train_error.push(train_error);
            l.test.push(test);
            l.test_error.push(test_error);
            if test > best.0 {
                best = (test, evaluation.epoch, test_error);
            }
            last = (train, train_error, test, test_error);
        }
        f.point.push(point.index as u64);
        f.temperature.push(point.temperature);
        f.hidden.push(point.hidden as u64);
        f.method.push(method_name(point));
        f.estimator.push(
            first
                .curve
                .last()
                .map_or(Estimator::Exact, |e| e.estimator)
                .name()
                .to_string(),
        );
        f.train.push(last.0);
        f.train_error.push(last.1);
        f.test.push(last.2);
        f.test_error.push(last.3);
        f.best_test.push(best.0);
        f.best_epoch.push(best.1);
        f.best_test_error.push(best.2);
        f.teacher
            .push(spec.teacher_test_log_likelihood.unwrap_or(f64::NAN));
    }
    out.table(
        "learning.parquet",
        Table::new(vec![
            ("point", Column::Integer(l.point)),
            ("temperature", Column::Number(l.temperature)),
            ("hidden", Column::Integer(l.hidden)),
            ("method", Column::Text(l.method)),
            ("epoch", Column::Integer(l.epoch)),
            ("estimator", Column::Text(l.estimator)),
            ("trainings", Column::Integer(l.trainings)),
            ("train_log_likelihood", Column::Number(l.train)),
            ("train_log_likelihood_error", Column::Number(l.train_error)),
            ("test_log_likelihood", Column::Number(l.test)),
            ("test_log_likelihood_error", Column::Number(l.test_error)),
        ]),
    );
    out.table(
        "final.parquet",
        Table::new(vec![
            ("point", Column::Integer(f.point)),
            ("temperature", Column::Number(f.temperature)),
            ("hidden", Column::Integer(f.hidden)),
            ("method", Column::Text(f.method)),
            ("estimator", Column::Text(f.estimator)),
            ("train_log_likelihood", Column::Number(f.train)),
            ("train_log_likelihood_error", Column::Number(f.train_error)),
            ("test_log_likelihood", Column::Number(f.test)),
            ("test_log_likelihood_error", Column::Number(f.test_error)),
            ("best_test_log_likelihood", Column::Number(f.best_test)),
            (
                "best_test_log_likelihood_error",
                Column::Number(f.best_test_error),
            ),
            ("best_epoch", Column::Integer(f.best_epoch)),
            ("teacher_test_log_likelihood", Column::Number(f.teacher)),
        ]),
    );
    // the AIS check
    let mut a = CheckColumns::default();
    for r in &results {
        let Some(check) = &r.check else { continue };
        let point = &spec.points[r.point];
        a.point.push(r.point as u64);
        a.temperature.push(point.temperature);
        a.hidden.push(point.hidden as u64);
        a.method.push(method_name(point));
        a.sample.push(r.sample);
        a.exact.push(check.exact);
        a.forward.push(check.forward.log_partition);
        a.forward_error.push(check.forward.standard_error);
        a.forward_effective.push(check.forward.effective_chains);
        a.reverse.push(check.reverse.log_partition);
        a.reverse_error.push(check.reverse.standard_error);
        a.reverse_effective.push(check.reverse.effective_chains);
    }
    out.table(
        "ais_check.parquet",
        Table::new(vec![
            ("point", Column::Integer(a.point)),
            ("temperature", Column::Number(a.temperature)),
            ("hidden", Column::Integer(a.hidden)),
            ("method", Column::Text(a.method)),
            ("sample", Column::Integer(a.sample)),
            ("exact", Column::Number(a.exact)),
            ("forward", Column::Number(a.forward)),
            ("forward_error", Column::Number(a.forward_error)),
            (
                "forward_effective_chains",
                Column::Number(a.forward_effective),
            ),
            ("reverse", Column::Number(a.reverse)),
            ("reverse_error", Column::Number(a.reverse_error)),
            (
                "reverse_effective_chains",
                Column::Number(a.reverse_effective),
            ),
        ]),
    );
    if let DataSource::Ising(ising) = &spec.data_source {
        ising_tables(spec, ising, &results, &mut out)?;
    }
    // arrays
    let nv = spec.visible();
    for point in &spec.points {
        let trainings: Vec<&TrainingSample> =
            results.iter().filter(|r| r.point == point.index).collect();
        if trainings.is_empty() {
            continue;
        }
        let n = trainings.len();
        let nh = point.hidden;
        let stem = format!("point-{:03}", point.index);
        let collect = |get: fn(&TrainingSample) -> &[f64]| -> Vec<f64> {
            trainings
                .iter()
                .flat_map(|t| get(t).iter().copied())
                .collect()
        };
        let shape_error = |e: ndarray::ShapeError| RunError::Encoding(e.to_string());
        let weights = Array3::from_shape_vec((n, nv, nh), collect(|t| t.machine.weights()))
            .map_err(shape_error)?;
        let visible = Array2::from_shape_vec((n, nv), collect(|t| t.machine.visible_bias()))
            .map_err(shape_error)?;
        let hidden = Array2::from_shape_vec((n, nh), collect(|t| t.machine.hidden_bias()))
            .map_err(shape_error)?;
        for (name, bytes) in [
            (
                format!("machines/{stem}-weights.npy"),
                npy(&weights, "weights")?,
            ),
            (
                format!("machines/{stem}-visible-bias.npy"),
                npy(&visible, "visible bias")?,
            ),
            (
                format!("machines/{stem}-hidden-bias.npy"),
                npy(&hidden, "hidden bias")?,
            ),
        ] {
            out.files.push((name, bytes));
        }
        let shown = spec.shown_samples;
        let bytes = if let Some(real) = &spec.data(point).real {
            // Gaussian units: the samples in the data's own units, float32.
            let values: Vec<f32> = trainings
                .iter()
                .flat_map(|t| {
                    t.shown
                        .chunks_exact(nv)
                        .flat_map(|row| real.restore(row))
                        .map(|x| x as f32)
                })
                .collect();
            let samples =
                ArrayD::from_shape_vec(IxDyn(&[n, shown, nv]), values).map_err(shape_error)?;
            npy(&samples, "samples")?
        } else {
            let bits: Vec<u8> = trainings
                .iter()
                .flat_map(|t| t.shown.iter().map(|&x| x as u8))
                .collect();
            let samples =
                ArrayD::from_shape_vec(IxDyn(&[n, shown, nv]), bits).map_err(shape_error)?;
            npy(&samples, "samples")?
        };
        out.files.push((format!("samples/{stem}.npy"), bytes));
    }
    Ok(out)
}

#[derive(Default)]
struct CurveColumns {
    point: Vec<u64>,
    temperature: Vec<f64>,
    hidden: Vec<u64>,
    method: Vec<String>,
    sample: Vec<u64>,
    epoch: Vec<u64>,
    estimator: Vec<String>,
    log_partition: Vec<f64>,
    log_partition_error: Vec<f64>,
    effective_chains: Vec<f64>,
    train: Vec<f64>,
    test: Vec<f64>,
    reconstruction: Vec<f64>,
    exchange: Vec<f64>,
}

#[derive(Default)]
struct LearningColumns {
    point: Vec<u64>,
    temperature: Vec<f64>,
    hidden: Vec<u64>,
    method: Vec<String>,
    epoch: Vec<u64>,
    estimator: Vec<String>,
    trainings: Vec<u64>,
    train: Vec<f64>,
    train_error: Vec<f64>,
    test: Vec<f64>,
    test_error: Vec<f64>,
}

#[derive(Default)]
struct FinalColumns {
    point: Vec<u64>,
    temperature: Vec<f64>,
    hidden: Vec<u64>,
    method: Vec<String>,
    estimator: Vec<String>,
    train: Vec<f64>,
    train_error: Vec<f64>,
    test: Vec<f64>,
    test_error: Vec<f64>,
    best_test: Vec<f64>,
    best_test_error: Vec<f64>,
    best_epoch: Vec<u64>,
    teacher: Vec<f64>,
}

#[derive(Default)]
struct CheckColumns {
    point: Vec<u64>,
    temperature: Vec<f64>,
    hidden: Vec<u64>,
    method: Vec<String>,
    sample: Vec<u64>,
    exact: Vec<f64>,
    forward: Vec<f64>,
    forward_error: Vec<f64>,
    forward_effective: Vec<f64>,
    reverse: Vec<f64>,
    reverse_error: Vec<f64>,
    reverse_effective: Vec<f64>,
}

/// The Ising tables: the data's energy and $|m|$ per temperature beside
/// Kaufman's exact energy, and the machines' samples'.
fn ising_tables(
    spec: &RbmSpec,
    ising: &IsingData,
    results: &[TrainingSample],
    out: &mut Tables,
) -> Result<(), RunError> {
    let lattice = quench_exact::kaufman::KaufmanIsing::new(ising.length, ising.length)
        .map_err(|e| RunError::Input(format!("Kaufman's solution: {e}")))?;
    let n = ising.length * ising.length;
    let mut d: [Vec<f64>; 7] = Default::default();
    let mut counts = Vec::new();
    for set in &spec.datasets {
        let mut all = rows(&set.train);
        all.extend(rows(&set.test));
        let energies: Vec<f64> = all
            .chunks_exact(n)
            .map(|c| ising_energy(c, ising.length))
            .collect();
        let magnetisations: Vec<f64> = all.chunks_exact(n).map(ising_magnetisation).collect();
        let energy = quench_stats::estimate_from_series(&energies);
        let magnetisation = quench_stats::estimate_from_series(&magnetisations);
        let exact = lattice
            .energy_per_spin(1.0 / set.temperature)
            .map_err(|e| RunError::Input(format!("Kaufman's solution: {e}")))?;
        for (column, value) in d.iter_mut().zip([
            set.temperature,
            energy.mean,
            energy.error,
            magnetisation.mean,
            magnetisation.error,
            set.autocorrelation,
            exact,
        ]) {
            column.push(value);
        }
        counts.push(energies.len() as u64);
    }
    let [
        temperature,
        energy,
        energy_error,
        magnetisation,
        magnetisation_error,
        tau,
        exact,
    ] = d;
    out.table(
        "ising_data.parquet",
        Table::new(vec![
            ("temperature", Column::Number(temperature)),
            ("configurations", Column::Integer(counts)),
            ("energy", Column::Number(energy)),
            ("energy_error", Column::Number(energy_error)),
            ("magnetisation", Column::Number(magnetisation)),
            ("magnetisation_error", Column::Number(magnetisation_error)),
            ("magnetisation_autocorrelation_time", Column::Number(tau)),
            ("exact_energy", Column::Number(exact)),
        ]),
    );
    let mut m: [Vec<f64>; 5] = Default::default();
    let (mut point, mut hidden, mut method, mut sample) = (vec![], vec![], vec![], vec![]);
    for r in results {
        let Some(c) = &r.ising else { continue };
        let p = &spec.points[r.point];
        point.push(r.point as u64);
        hidden.push(p.hidden as u64);
        method.push(method_name(p));
        sample.push(r.sample);
        for (column, value) in m.iter_mut().zip([
            p.temperature,
            c.energy,
            c.energy_error,
            c.magnetisation,
            c.magnetisation_error,
        ]) {
            column.push(value);
        }
    }
    let [
        temperature,
        energy,
        energy_error,
        magnetisation,
        magnetisation_error,
    ] = m;
    out.table(
        "ising.parquet",
        Table::new(vec![
            ("point", Column::Integer(point)),
            ("temperature", Column::Number(temperature)),
            ("hidden", Column::Integer(hidden)),
            ("method", Column::Text(method)),
            ("sample", Column::Integer(sample)),
            ("energy", Column::Number(energy)),
            ("energy_error", Column::Number(energy_error)),
            ("magnetisation", Column::Number(magnetisation)),
            ("magnetisation_error", Column::Number(magnetisation_error)),
        ]),
    );
    Ok(())
}
