//! The results store: tidy tables of a finished run.
//!
//! | file | one row per | columns |
//! |---|---|---|
//! | `thermal.parquet` | point × sample × temperature × observable | `point size spins field sample temperature observable mean error tau count` |
//! | `disorder.parquet` | point × temperature × observable | `point size spins field temperature observable mean error samples method` |
//! | `overlap_distribution.parquet` | point × temperature × bin | `point size spins field temperature q density probability` (bins on the lattice of allowed overlaps: [`quench_mc::overlap_binning`]) |
//! | `equilibration.parquet` | point × temperature × observable | `point size spins field temperature observable last_half last_half_error previous_quarter previous_quarter_error difference difference_error z samples equilibrated` |
//! | `exchange.parquet` | point × sample × neighbouring pair | `point size spins field sample pair temperature_cold temperature_hot acceptance round_trips` |
//! | `sites.parquet` (with `site_magnetisations`) | point × sample × temperature × site | `point sample temperature site magnetisation error tap tap_converged` |
//! | `theory.parquet` | curve × point × temperature × observable | `curve point size spins field temperature observable overlap value` |
//!
//! `size` is the grid's size key (`n`, or `length` on lattices), `spins` is
//! $N$. Errors are standard errors: binning with the integrated
//! autocorrelation time `tau` for thermal averages, the sample-to-sample
//! standard error for disorder averages (`method = "mean"`), jackknife over
//! samples for ratios (`method = "jackknife"`); with a single sample the
//! disorder table gives that sample's thermal error (`method = "thermal"`).
//! The equilibration check compares, per point and temperature, the mean of
//! the last half of the measurements with the quarter before it, averaged
//! over samples (`equilibrated` is 1 when they agree within
//! [`quench_stats::DRIFT_SIGMAS`] errors). Numbers that do not apply
//! are NaN. `spec.toml` beside the tables is the spec as run.

use ndarray::Array4;
use ndarray_npy::WriteNpyExt;
use quench_stats::{DisorderAverage, Estimate, JackknifeEstimate};

use super::PointResult;
use super::spec::Spec;
use crate::error::RunError;
use crate::family::Tables;
use crate::table::{Column, Table};

/// Thermal observables of `ThermalSummary`, by table name.
const THERMAL: [&str; 11] = [
    "energy",
    "coupling_energy",
    "absolute_magnetisation",
    "magnetisation_squared",
    "absolute_overlap",
    "overlap_squared",
    "overlap_fourth",
    "link_overlap",
    "fourier_overlap_squared",
    "ultrametric_lower_gap",
    "ultrametric_upper_gap",
];

/// Columns shared by every table: where on the grid a row belongs.
#[derive(Default)]
struct PointColumns {
    point: Vec<u64>,
    size: Vec<u64>,
    spins: Vec<u64>,
    field: Vec<f64>,
}

impl PointColumns {
    fn push(&mut self, spec: &Spec, point: usize) {
        let p = &spec.points[point];
        self.point.push(point as u64);
        self.size.push(p.size as u64);
        self.spins.push(p.ensemble.n() as u64);
        self.field.push(p.field);
    }

    fn into_columns(self) -> Vec<(&'static str, Column)> {
        vec![
            ("point", Column::Integer(self.point)),
            ("size", Column::Integer(self.size)),
            ("spins", Column::Integer(self.spins)),
            ("field", Column::Number(self.field)),
        ]
    }
}

fn thermal_table(spec: &Spec, points: &[PointResult]) -> Table {
    let mut at = PointColumns::default();
    let (mut sample, mut temperature, mut observable) = (Vec::new(), Vec::new(), Vec::new());
    let (mut mean, mut error, mut tau, mut count) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (p, result) in points.iter().enumerate() {
        for unit in &result.samples {
            for summary in &unit.run.thermal {
                let values: [Option<Estimate>; 11] = [
                    Some(summary.energy),
                    Some(summary.coupling_energy),
                    Some(summary.absolute_magnetisation),
                    Some(summary.magnetisation_squared),
                    summary.absolute_overlap,
                    summary.overlap_squared,
                    summary.overlap_fourth,
                    summary.link_overlap,
                    summary.fourier_overlap_squared,
                    summary.ultrametric_lower_gap,
                    summary.ultrametric_upper_gap,
                ];
                for (name, value) in THERMAL.iter().zip(values) {
                    let Some(e) = value else { continue };
                    at.push(spec, p);
                    sample.push(unit.run.sample_index);
                    temperature.push(summary.temperature);
                    observable.push(name.to_string());
                    mean.push(e.mean);
                    error.push(e.error);
                    tau.push(e.tau_int);
                    count.push(e.count);
                }
            }
        }
    }
    let mut columns = at.into_columns();
    columns.extend([
        ("sample", Column::Integer(sample)),
        ("temperature", Column::Number(temperature)),
        ("observable", Column::Text(observable)),
        ("mean", Column::Number(mean)),
        ("error", Column::Number(error)),
        ("tau", Column::Number(tau)),
        ("count", Column::Integer(count)),
    ]);
    Table::new(columns)
}

enum Averaged<'a> {
    Mean(&'a DisorderAverage),
    Scaled(&'a Estimate, usize),
    Jackknife(&'a JackknifeEstimate),
}

fn disorder_table(spec: &Spec, points: &[PointResult]) -> Table {
    let mut at = PointColumns::default();
    let (mut temperature, mut observable, mut mean, mut error, mut samples, mut method) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for (p, result) in points.iter().enumerate() {
        let count = result.samples.len();
        for d in &result.disorder {
            let rows: [(&str, Option<Averaged<'_>>); 13] = [
                ("energy", Some(Averaged::Mean(&d.energy))),
                (
                    "absolute_magnetisation",
                    Some(Averaged::Mean(&d.absolute_magnetisation)),
                ),
                (
                    "absolute_overlap",
                    d.absolute_overlap.as_ref().map(Averaged::Mean),
                ),
                (
                    "overlap_squared",
                    d.overlap_squared.as_ref().map(Averaged::Mean),
                ),
                (
                    "overlap_fourth",
                    d.overlap_fourth.as_ref().map(Averaged::Mean),
                ),
                ("link_overlap", d.link_overlap.as_ref().map(Averaged::Mean)),
                (
                    "spin_glass_susceptibility",
                    d.spin_glass_susceptibility
                        .as_ref()
                        .map(|e| Averaged::Scaled(e, count)),
                ),
                (
                    "binder_cumulant",
                    d.binder_cumulant.as_ref().map(Averaged::Jackknife),
                ),
                (
                    "correlation_length_over_length",
                    d.correlation_length_over_length
                        .as_ref()
                        .map(Averaged::Jackknife),
                ),
                (
                    "equilibration_gap",
                    d.equilibration_gap.as_ref().map(Averaged::Mean),
                ),
                (
                    "ultrametric_lower_gap",
                    d.ultrametric_lower_gap.as_ref().map(Averaged::Mean),
                ),
                (
                    "ultrametric_upper_gap",
                    d.ultrametric_upper_gap.as_ref().map(Averaged::Mean),
                ),
                (
                    "ultrametric_gap_ratio",
                    d.ultrametric_gap_ratio.as_ref().map(Averaged::Jackknife),
                ),
            ];
            for (name, value) in rows {
                let Some(value) = value else { continue };
                let (m, e, n, how) = match value {
                    // One sample has no sample-to-sample error: its thermal
                    // error (binning) stands in, and the method says so.
                    Averaged::Mean(a) if a.count() == 1 => (
                        a.mean(),
                        a.mean_thermal_error().unwrap_or(f64::NAN),
                        1,
                        "thermal",
                    ),
                    Averaged::Mean(a) => (a.mean(), a.error(), a.count(), "mean"),
                    Averaged::Scaled(e, 1) => (e.mean, e.error, 1, "thermal"),
                    Averaged::Scaled(e, n) => (e.mean, e.error, n, "mean"),
                    Averaged::Jackknife(j) => (j.value, j.error, j.samples, "jackknife"),
                };
                at.push(spec, p);
                temperature.push(d.temperature);
                observable.push(name.to_string());
                mean.push(m);
                error.push(e);
                samples.push(n as u64);
                method.push(how.to_string());
            }
        }
    }
    let mut columns = at.into_columns();
    columns.extend([
        ("temperature", Column::Number(temperature)),
        ("observable", Column::Text(observable)),
        ("mean", Column::Number(mean)),
        ("error", Column::Number(error)),
        ("samples", Column::Integer(samples)),
        ("method", Column::Text(method)),
    ]);
    Table::new(columns)
}

/// `equilibration.parquet`: the drift check of every point, temperature and
/// observable ([`quench_stats::Drift`]).
fn equilibration_table(spec: &Spec, points: &[PointResult]) -> Table {
    let mut at = PointColumns::default();
    let mut temperature = Vec::new();
    let mut observable = Vec::new();
    let mut numbers: [Vec<f64>; 7] = Default::default();
    let (mut samples, mut equilibrated) = (Vec::new(), Vec::new());
    for (p, result) in points.iter().enumerate() {
        for d in &result.disorder {
            for (name, drift) in [
                ("energy", &d.energy_drift),
                ("overlap_squared", &d.overlap_squared_drift),
            ] {
                let Some(drift) = drift else { continue };
                at.push(spec, p);
                temperature.push(d.temperature);
                observable.push(name.to_string());
                for (column, value) in numbers.iter_mut().zip([
                    drift.last.mean,
                    drift.last.error,
                    drift.previous.mean,
                    drift.previous.error,
                    drift.difference,
                    drift.error,
                    drift.z_score(),
                ]) {
                    column.push(value);
                }
                samples.push(drift.samples);
                equilibrated.push(u64::from(drift.equilibrated()));
            }
        }
    }
    let [
        last,
        last_error,
        previous,
        previous_error,
        difference,
        error,
        z,
    ] = numbers;
    let mut columns = at.into_columns();
    columns.extend([
        ("temperature", Column::Number(temperature)),
        ("observable", Column::Text(observable)),
        ("last_half", Column::Number(last)),
        ("last_half_error", Column::Number(last_error)),
        ("previous_quarter", Column::Number(previous)),
        ("previous_quarter_error", Column::Number(previous_error)),
        ("difference", Column::Number(difference)),
        ("difference_error", Column::Number(error)),
        ("z", Column::Number(z)),
        ("samples", Column::Integer(samples)),
        ("equilibrated", Column::Integer(equilibrated)),
    ]);
    Table::new(columns)
}

fn overlap_table(spec: &Spec, points: &[PointResult]) -> Table {
    let mut at = PointColumns::default();
    let (mut temperature, mut q, mut density, mut probability) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (p, result) in points.iter().enumerate() {
        for d in &result.disorder {
            let Some(histogram) = &d.overlap_distribution else {
                continue;
            };
            // The density per unit q of the allowed values each bin holds
            // (the bin width, unless an outer bin holds fewer values).
            let binning = quench_mc::overlap_binning(spec.points[p].ensemble.n());
            let spacing = 2.0 / binning.spins as f64;
            let width = histogram.bin_width();
            let centres = histogram.bin_centers();
            for (bin, (centre, weight)) in centres.into_iter().zip(histogram.counts()).enumerate() {
                let values = binning.values_in_bin(bin);
                let holds = if binning.bins == histogram.bins()
                    && values != binning.values_per_bin
                    && values > 0
                {
                    values as f64 * spacing
                } else {
                    width
                };
                at.push(spec, p);
                temperature.push(d.temperature);
                q.push(centre);
                density.push(weight / holds);
                probability.push(*weight);
            }
        }
    }
    let mut columns = at.into_columns();
    columns.extend([
        ("temperature", Column::Number(temperature)),
        ("q", Column::Number(q)),
        ("density", Column::Number(density)),
        ("probability", Column::Number(probability)),
    ]);
    Table::new(columns)
}

fn exchange_table(spec: &Spec, points: &[PointResult]) -> Table {
    let mut at = PointColumns::default();
    let temperatures = spec.ladder.temperatures();
    let (mut sample, mut pair, mut cold, mut hot, mut acceptance, mut trips) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for (p, result) in points.iter().enumerate() {
        for unit in &result.samples {
            for (k, &a) in unit.run.exchange_acceptance.iter().enumerate() {
                at.push(spec, p);
                sample.push(unit.run.sample_index);
                pair.push(k as u64);
                cold.push(temperatures[k]);
                hot.push(temperatures[k + 1]);
                acceptance.push(a);
                trips.push(unit.run.round_trips);
            }
        }
    }
    let mut columns = at.into_columns();
    columns.extend([
        ("sample", Column::Integer(sample)),
        ("pair", Column::Integer(pair)),
        ("temperature_cold", Column::Number(cold)),
        ("temperature_hot", Column::Number(hot)),
        ("acceptance", Column::Number(acceptance)),
        ("round_trips", Column::Integer(trips)),
    ]);
    Table::new(columns)
}

/// The tables of a finished run, in the order they are written.
pub fn tables(spec: &Spec, points: &[PointResult]) -> Result<Tables, RunError> {
    let mut tables = Tables::default();
    tables.table("thermal.parquet", thermal_table(spec, points));
    tables.table("disorder.parquet", disorder_table(spec, points));
    tables.table("overlap_distribution.parquet", overlap_table(spec, points));
    tables.table("exchange.parquet", exchange_table(spec, points));
    tables.table("equilibration.parquet", equilibration_table(spec, points));
    tables.table("theory.parquet", super::curves::theory_table(spec)?);
    if spec.site_magnetisations {
        tables.table("sites.parquet", sites_table(spec, points));
    }
    Ok(tables)
}

/// `sites.parquet`: $m_i$ with batch-means errors for every point, sample,
/// temperature and site, and beside it the TAP magnetisation of the same
/// sample for SK models (`tap` NaN otherwise; `tap_converged` 0 or 1),
/// as each unit solved it ([`super::SampleResult::tap`]).
fn sites_table(spec: &Spec, points: &[PointResult]) -> Table {
    let temperatures = spec.ladder.temperatures();
    let mut rows: (Vec<u64>, Vec<u64>, Vec<f64>, Vec<u64>) = Default::default();
    let (mut mean, mut error, mut tap, mut converged) = (vec![], vec![], vec![], vec![]);
    for (point, result) in spec.points.iter().zip(points) {
        for (sample_index, unit) in result.samples.iter().enumerate() {
            let Some(sites) = &unit.sites else { continue };
            for (slot, &t) in temperatures.iter().enumerate() {
                let m = sites.magnetisations(slot);
                for site in 0..m.mean.len() {
                    rows.0.push(point.index as u64);
                    rows.1.push(sample_index as u64);
                    rows.2.push(t);
                    rows.3.push(site as u64);
                    mean.push(m.mean[site]);
                    error.push(m.error[site]);
                    let (value, ok) = unit
                        .tap
                        .as_ref()
                        .map_or((f64::NAN, false), |tap| (tap[slot].0[site], tap[slot].1));
                    tap.push(value);
                    converged.push(u64::from(ok));
                }
            }
        }
    }
    Table::new(vec![
        ("point", Column::Integer(rows.0)),
        ("sample", Column::Integer(rows.1)),
        ("temperature", Column::Number(rows.2)),
        ("site", Column::Integer(rows.3)),
        ("magnetisation", Column::Number(mean)),
        ("error", Column::Number(error)),
        ("tap", Column::Number(tap)),
        ("tap_converged", Column::Integer(converged)),
    ])
}

/// The final spin configurations, one `.npy` array `[sample, replica, temperature, site]`
/// of `int8` per grid point, under `spins/`: `(file name, bytes)`.
pub fn spins(spec: &Spec, points: &[PointResult]) -> Result<Vec<(String, Vec<u8>)>, RunError> {
    let mut files = Vec::new();
    for (p, result) in points.iter().enumerate() {
        let n = spec.points[p].ensemble.n();
        let shape = (
            result.samples.len(),
            spec.algorithm.replicas,
            spec.ladder.len(),
            n,
        );
        let mut values = Vec::with_capacity(shape.0 * shape.1 * shape.2 * n);
        for unit in &result.samples {
            for replica in unit.final_spins.iter().flatten() {
                for chain in replica {
                    values.extend_from_slice(chain);
                }
            }
        }
        let name = format!("spins/point-{p:03}.npy");
        let failure = |reason: String| RunError::Table {
            path: name.clone().into(),
            reason,
        };
        let array = Array4::from_shape_vec(shape, values).map_err(|e| failure(e.to_string()))?;
        let mut bytes = Vec::new();
        array
            .write_npy(&mut bytes)
            .map_err(|e| failure(e.to_string()))?;
        files.push((name, bytes));
    }
    Ok(files)
}
