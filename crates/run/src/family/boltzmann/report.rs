//! Figures and `report.md` of an RBM run, from its stored tables and arrays.
//!
//! Per hidden size, the train and test log-likelihood against the epoch for
//! every method (mean over trainings with its standard error; the teacher's
//! exact test log-likelihood as a dashed line when the data are a
//! teacher's samples); per point, the filters (the weights into each
//! hidden unit, as images) and samples drawn from the first trained machine;
//! the data beside them; tables of the final likelihoods and of the AIS
//! check.

use std::fmt::Write as _;
use std::fs::File;
use std::path::Path;

use ndarray::{Array2, Array3, ArrayD};
use ndarray_npy::ReadNpyExt;

use super::spec::{DataSource, RbmSpec};
use super::tables::method_name;
use crate::error::RunError;
use crate::family::ReportBuilder;
use crate::figure::{Figure, Series, SeriesKind};
use crate::image::{ImageGrid, Scaling};
use crate::table::Table;

/// Most filters drawn per point.
const SHOWN_FILTERS: usize = 64;

/// The image shape of a visible configuration: the data's, else a square,
/// else one row.
fn image_shape(spec: &RbmSpec) -> (usize, usize) {
    if let Some(shape) = spec.datasets[0].train.image_shape() {
        return shape;
    }
    let n = spec.visible();
    let side = (n as f64).sqrt().round() as usize;
    if side * side == n {
        (side, side)
    } else {
        (1, n)
    }
}

fn read_npy<A: ReadNpyExt>(path: &Path) -> Result<A, RunError> {
    let file = File::open(path).map_err(RunError::io(path))?;
    A::read_npy(file).map_err(|e| RunError::Table {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The figures and `report.md` of the RBM run in `out`.
pub fn write_report(
    spec: &RbmSpec,
    out: &Path,
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let learning = Table::read(&out.join("learning.parquet"))?;
    let finals = Table::read(&out.join("final.parquet"))?;
    let check = Table::read(&out.join("ais_check.parquet"))?;
    let source = match &spec.data_source {
        DataSource::Digits => "the shipped 8x8 handwritten digits (UCI, CC BY 4.0)".to_string(),
        DataSource::Csv { path, .. } => format!("the CSV file {}", path.display()),
        DataSource::Idx { path, .. } => format!("the IDX file {}", path.display()),
        DataSource::Teacher(t) => format!(
            "exact samples of a random teacher RBM ({} visible, {} hidden units, weights N(0, {}^2))",
            t.visible, t.hidden, t.scale
        ),
        DataSource::Ising(i) => format!(
            "configurations of the 2D Ising ferromagnet on the periodic {0}x{0} lattice from quench's Wolff and Metropolis samplers ({1} Wolff sweeps apart after {2}), one data set per temperature",
            i.length, i.spacing, i.equilibration
        ),
    };
    let mut md = format!("# {}\n\n{}\n\n", spec.name, spec.description.trim());
    let _ = writeln!(
        md,
        "Data: {source}; {} training and {} held-out rows of {} values ({}). {} independent trainings per point (seed {}); {} epochs, batches of {}, learning rate {}, momentum {}, weight decay {}.\n",
        spec.datasets[0].train.len(),
        spec.datasets[0].test.len(),
        spec.visible(),
        match (&spec.data_source, spec.binarisation) {
            _ if spec.datasets[0].real.is_some() => {
                "Gaussian visible units: real values standardised per column by the training rows' mean and standard deviation; log-likelihoods are log-densities of the standardised values".to_string()
            }
            (DataSource::Teacher(_), _) => "bits as sampled".to_string(),
            (DataSource::Ising(_), _) => "spin up as 1, down as 0".to_string(),
            (_, quench_data::Binarisation::Threshold { fraction }) => {
                format!("a value is on when at least {fraction} of the way up its range")
            }
            (_, quench_data::Binarisation::Bernoulli { .. }) => {
                "each value on with probability its position in its range".to_string()
            }
        },
        spec.samples,
        spec.seed,
        spec.epochs,
        spec.training.batch_size,
        spec.training.learning_rate,
        spec.training.momentum,
        spec.training.weight_decay,
    );
    let _ = writeln!(
        md,
        "Log-likelihoods are in nats per row: exact (ln Z summed over the smaller layer, up to {} units) or from forward AIS ({} chains, {} steps; its ln Z is on average low, so such a log-likelihood errs high). Error bars: standard errors over the trainings.\n",
        spec.likelihood.exact_limit, spec.likelihood.ais_chains, spec.likelihood.ais_steps
    );
    // Learning curves, one figure per hidden size.
    let (point, epoch) = (learning.integers("point"), learning.integers("epoch"));
    let train = learning.numbers("train_log_likelihood");
    let (test, test_error) = (
        learning.numbers("test_log_likelihood"),
        learning.numbers("test_log_likelihood_error"),
    );
    for (data, set) in spec.datasets.iter().enumerate() {
        for (hidden_index, &hidden) in spec.hidden.iter().enumerate() {
            let mut series = Vec::new();
            let mut last_epoch = 0.0f64;
            for (group, p) in spec
                .points
                .iter()
                .filter(|p| p.hidden_index == hidden_index && p.data == data)
                .enumerate()
            {
                let rows: Vec<usize> = (0..point.len())
                    .filter(|&k| point[k] == p.index as u64)
                    .collect();
                let name = method_name(p);
                if !set.test.is_empty() {
                    series.push(Series {
                        label: format!("{name} test"),
                        points: rows
                            .iter()
                            .map(|&k| (epoch[k] as f64, test[k], test_error[k]))
                            .collect(),
                        kind: SeriesKind::Data,
                        group: Some(group),
                    });
                }
                series.push(Series {
                    label: format!("{name} train"),
                    points: rows
                        .iter()
                        .map(|&k| (epoch[k] as f64, train[k], f64::NAN))
                        .collect(),
                    kind: SeriesKind::Line,
                    group: Some(group),
                });
                last_epoch = rows
                    .iter()
                    .map(|&k| epoch[k] as f64)
                    .fold(last_epoch, f64::max);
            }
            if let Some(teacher) = spec.teacher_test_log_likelihood {
                series.push(Series {
                    label: "teacher, exact (test rows)".into(),
                    points: vec![(0.0, teacher, f64::NAN), (last_epoch, teacher, f64::NAN)],
                    kind: SeriesKind::Theory,
                    group: None,
                });
            }
            let stem = format!(
                "log-likelihood-{}h{hidden}",
                temperature_tag(set.temperature)
            );
            report.figure(
            &stem,
            Figure {
                title: if set.real.is_some() {
                    format!("Gaussian RBM, {hidden} hidden units: log-density (test: markers, train: lines)")
                } else {
                    format!(
                        "RBM with {hidden} hidden units{}: log-likelihood per row (test: markers; train: lines)",
                        temperature_text(set.temperature)
                    )
                },
                x_label: "epoch".into(),
                y_label: if set.real.is_some() {
                    "mean log-density of the standardised rows (nats per row)".into()
                } else {
                    "mean log-likelihood (nats per row)".into()
                },
                series,
                vertical_lines: Vec::new(),
            },
        );
            let _ = writeln!(md, "![{stem}]({stem}.png)\n");
        }
    }
    if let DataSource::Ising(ising) = &spec.data_source {
        ising_report(spec, ising.length, out, report, &mut md)?;
    }
    // Final likelihoods.
    let _ = writeln!(
        md,
        "| T | hidden | method | ln Z | train log-likelihood | test log-likelihood | best test (epoch) |\n|---|---|---|---|---|---|---|"
    );
    let (hidden, method, estimator) = (
        finals.integers("hidden"),
        finals.texts("method"),
        finals.texts("estimator"),
    );
    for k in 0..finals.rows() {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {:.3} ± {:.3} | {:.3} ± {:.3} | {:.3} ± {:.3} ({}) |",
            match finals.numbers("temperature")[k] {
                t if t.is_nan() => "-".to_string(),
                t => t.to_string(),
            },
            hidden[k],
            method[k],
            estimator[k],
            finals.numbers("train_log_likelihood")[k],
            finals.numbers("train_log_likelihood_error")[k],
            finals.numbers("test_log_likelihood")[k],
            finals.numbers("test_log_likelihood_error")[k],
            finals.numbers("best_test_log_likelihood")[k],
            finals.numbers("best_test_log_likelihood_error")[k],
            finals.integers("best_epoch")[k],
        );
    }
    if let Some(teacher) = spec.teacher_test_log_likelihood {
        let _ = writeln!(
            md,
            "\nThe teacher's own exact log-likelihood of the held-out rows: {teacher:.3} nats per row."
        );
    }
    md.push('\n');
    // The AIS check.
    if check.rows() > 0 {
        let _ = writeln!(
            md,
            "AIS against the exact ln Z of each trained machine ({} chains, {} steps): forward AIS is on average low, reverse AIS (from exact samples) on average high; deviations in units of each estimate's own standard error.\n\n| hidden | method | training | exact | forward | (dev.) | reverse | (dev.) |\n|---|---|---|---|---|---|---|---|",
            spec.likelihood.ais_chains, spec.likelihood.ais_steps
        );
        for k in 0..check.rows() {
            let exact = check.numbers("exact")[k];
            let (f, fe) = (
                check.numbers("forward")[k],
                check.numbers("forward_error")[k],
            );
            let (r, re) = (
                check.numbers("reverse")[k],
                check.numbers("reverse_error")[k],
            );
            let _ = writeln!(
                md,
                "| {} | {} | {} | {exact:.4} | {f:.4} ± {fe:.4} | {:+.1} | {r:.4} ± {re:.4} | {:+.1} |",
                check.integers("hidden")[k],
                check.texts("method")[k],
                check.integers("sample")[k],
                (f - exact) / fe,
                (r - exact) / re,
            );
        }
        md.push('\n');
    }
    // Filters and samples of the first training of every point; the data.
    let (height, width) = image_shape(spec);
    let nv = spec.visible();
    for set in &spec.datasets {
        let (data, (low, high)): (Vec<Vec<f64>>, _) = match &set.real {
            Some(real) => (
                real.train
                    .chunks_exact(nv)
                    .take(spec.shown_samples)
                    .map(|row| real.restore(row).collect())
                    .collect(),
                real.range,
            ),
            None => (
                (0..spec.shown_samples.min(set.train.len()))
                    .map(|k| set.train.row(k).iter().map(|&b| f64::from(b)).collect())
                    .collect(),
                (0.0, 1.0),
            ),
        };
        let stem = if set.temperature.is_nan() {
            "data".to_string()
        } else {
            format!("data-t{}", set.temperature)
        };
        report.image(
            &stem,
            ImageGrid {
                title: format!(
                    "{} training rows{}",
                    data.len(),
                    temperature_text(set.temperature)
                ),
                height,
                width,
                columns: 10,
                tiles: data,
                scaling: Scaling::Shared { low, high },
            },
        );
        let _ = writeln!(md, "![{stem}]({stem}.png)\n");
    }
    for p in &spec.points {
        let stem = format!("point-{:03}", p.index);
        let weights: Array3<f64> = read_npy(&out.join(format!("machines/{stem}-weights.npy")))?;
        let shown = weights.shape()[2].min(SHOWN_FILTERS);
        let first = weights.index_axis(ndarray::Axis(0), 0);
        let filters: Vec<Vec<f64>> = (0..shown)
            .map(|j| (0..nv).map(|i| first[[i, j]]).collect())
            .collect();
        let name = format!(
            "{}h{}-{}",
            temperature_tag(p.temperature),
            p.hidden,
            method_name(p)
        );
        report.image(
            format!("filters-{name}"),
            ImageGrid {
                title: format!(
                    "{}{}: weights into {shown} of {} hidden units (grey 0, white +, black -)",
                    method_name(p),
                    temperature_text(p.temperature),
                    p.hidden
                ),
                height,
                width,
                columns: 16.min(shown),
                tiles: filters,
                scaling: Scaling::PerTile,
            },
        );
        let path = out.join(format!("samples/{stem}.npy"));
        let first_rows = |samples: ArrayD<f64>| -> Result<Vec<Vec<f64>>, RunError> {
            let first: Array2<f64> = samples
                .index_axis(ndarray::Axis(0), 0)
                .to_owned()
                .into_dimensionality()
                .map_err(|e| RunError::Encoding(e.to_string()))?;
            Ok(first.rows().into_iter().map(|row| row.to_vec()).collect())
        };
        let (tiles, (low, high)) = match &spec.data(p).real {
            Some(real) => {
                let samples: ArrayD<f32> = read_npy(&path)?;
                (first_rows(samples.mapv(f64::from))?, real.range)
            }
            None => {
                let samples: ArrayD<u8> = read_npy(&path)?;
                (first_rows(samples.mapv(f64::from))?, (0.0, 1.0))
            }
        };
        let exact = p.hidden.min(nv) <= quench_learn::boltzmann::exact::MAX_SAMPLED_UNITS;
        report.image(
            format!("samples-{name}"),
            ImageGrid {
                title: format!(
                    "{}, {} hidden units{}: {} samples ({})",
                    method_name(p),
                    p.hidden,
                    temperature_text(p.temperature),
                    tiles.len(),
                    if exact {
                        "exact"
                    } else {
                        "ends of 1000-step Gibbs chains"
                    }
                ),
                height,
                width,
                columns: 10,
                tiles,
                scaling: Scaling::Shared { low, high },
            },
        );
        let _ = writeln!(
            md,
            "![filters-{name}](filters-{name}.png)\n\n![samples-{name}](samples-{name}.png)\n"
        );
    }
    report.markdown = md;
    Ok(())
}

/// `t2.27-` for a point of Ising data at T = 2.27, empty otherwise.
fn temperature_tag(temperature: f64) -> String {
    if temperature.is_nan() {
        String::new()
    } else {
        format!("t{temperature}-")
    }
}

/// ` at T = 2.27` for Ising data, empty otherwise.
fn temperature_text(temperature: f64) -> String {
    if temperature.is_nan() {
        String::new()
    } else {
        format!(" at T = {temperature}")
    }
}

/// Onsager's spontaneous magnetisation of the infinite lattice,
/// $(1 - \sinh^{-4}(2\beta))^{1/8}$ below $T_c = 2/\ln(1+\sqrt2)$, zero above.
fn onsager_magnetisation(temperature: f64) -> f64 {
    let x = 1.0 - (2.0 / temperature).sinh().powi(-4);
    if x > 0.0 { x.powf(0.125) } else { 0.0 }
}

/// The Ising figures: energy per spin and $|m|$ of the data and of the
/// machines' samples against $T$, with Kaufman's exact energy of the
/// finite lattice and Onsager's infinite-lattice magnetisation.
fn ising_report(
    spec: &RbmSpec,
    length: usize,
    out: &Path,
    report: &mut ReportBuilder,
    md: &mut String,
) -> Result<(), RunError> {
    let data = Table::read(&out.join("ising_data.parquet"))?;
    let model = Table::read(&out.join("ising.parquet"))?;
    let temperatures = data.numbers("temperature");
    let (low, high) = temperatures
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &t| {
            (a.min(t), b.max(t))
        });
    let grid: Vec<f64> = (0..=200)
        .map(|k| low + (high - low) * k as f64 / 200.0)
        .collect();
    let lattice = quench_exact::kaufman::KaufmanIsing::new(length, length)
        .map_err(|e| RunError::Input(format!("Kaufman's solution: {e}")))?;
    for (quantity, label) in [("energy", "energy per spin"), ("magnetisation", "|m|")] {
        let error_column = format!("{quantity}_error");
        let mut series = vec![Series {
            label: format!("training data (Monte Carlo, L = {length})"),
            points: (0..data.rows())
                .map(|k| {
                    (
                        temperatures[k],
                        data.numbers(quantity)[k],
                        data.numbers(&error_column)[k],
                    )
                })
                .collect(),
            kind: SeriesKind::Data,
            group: Some(0),
        }];
        series.push(Series {
            label: if quantity == "energy" {
                format!("exact, {length}x{length} lattice (Kaufman)")
            } else {
                "Onsager, infinite lattice".into()
            },
            points: grid
                .iter()
                .map(|&t| {
                    let y = if quantity == "energy" {
                        lattice.energy_per_spin(1.0 / t).unwrap_or(f64::NAN)
                    } else {
                        onsager_magnetisation(t)
                    };
                    (t, y, f64::NAN)
                })
                .collect(),
            kind: SeriesKind::Theory,
            group: Some(0),
        });
        let mut group = 1;
        for first in spec.points.iter().filter(|p| p.data == 0) {
            let mut points = Vec::new();
            for (set, dataset) in spec.datasets.iter().enumerate() {
                let Some(point) = spec.points.iter().find(|q| {
                    q.data == set
                        && q.hidden_index == first.hidden_index
                        && q.negative == first.negative
                }) else {
                    continue;
                };
                let rows: Vec<usize> = (0..model.rows())
                    .filter(|&k| model.integers("point")[k] == point.index as u64)
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                let values: Vec<f64> = rows.iter().map(|&k| model.numbers(quantity)[k]).collect();
                let own: Vec<f64> = rows
                    .iter()
                    .map(|&k| model.numbers(&error_column)[k])
                    .collect();
                let (mean, error) = super::tables::mean_and_error(&values, &own);
                points.push((dataset.temperature, mean, error));
            }
            series.push(Series {
                label: format!(
                    "samples of RBMs with {} hidden units, {}",
                    first.hidden,
                    method_name(first)
                ),
                points,
                kind: SeriesKind::Points,
                group: Some(group),
            });
            group += 1;
        }
        let stem = format!("ising-{quantity}");
        report.figure(
            &stem,
            Figure {
                title: format!("{label} of the Ising training data and of the RBMs' samples"),
                x_label: "temperature T".into(),
                y_label: label.into(),
                series,
                vertical_lines: vec![(2.0 / (1.0 + 2f64.sqrt()).ln(), "T_c (Onsager)".into())],
            },
        );
        let _ = writeln!(md, "![{stem}]({stem}.png)\n");
    }
    let _ = writeln!(
        md,
        "| T | configurations | tau_int of abs(m), in configurations | data energy | exact energy (Kaufman) | data abs(m) |\n|---|---|---|---|---|---|"
    );
    for (k, temperature) in temperatures.iter().enumerate() {
        let _ = writeln!(
            md,
            "| {} | {} | {:.2} | {:.4} ± {:.4} | {:.4} | {:.4} ± {:.4} |",
            temperature,
            data.integers("configurations")[k],
            data.numbers("magnetisation_autocorrelation_time")[k],
            data.numbers("energy")[k],
            data.numbers("energy_error")[k],
            data.numbers("exact_energy")[k],
            data.numbers("magnetisation")[k],
            data.numbers("magnetisation_error")[k],
        );
    }
    md.push('\n');
    Ok(())
}
