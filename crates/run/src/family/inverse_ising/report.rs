//! The report of an inverse-Ising run: reconstruction error against data
//! size (log-log) per temperature with the Cramér–Rao error of maximum
//! likelihood, the error at the largest size against temperature, and
//! tables of errors, timings and data diagnostics.

use std::fmt::Write as _;
use std::path::Path;

use super::spec::InverseIsingSpec;
use crate::error::RunError;
use crate::family::ReportBuilder;
use crate::figure::{Figure, Series, SeriesKind};
use crate::table::Table;

/// Mean and standard error of the finite values (NaN error for one value).
fn mean_and_error(values: &[f64]) -> (f64, f64, usize) {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let k = finite.len();
    if k == 0 {
        return (f64::NAN, f64::NAN, 0);
    }
    let mean = finite.iter().sum::<f64>() / k as f64;
    if k == 1 {
        return (mean, f64::NAN, 1);
    }
    let variance = finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (k - 1) as f64;
    (mean, (variance / k as f64).sqrt(), k)
}

/// `(log10 mean, its error)` of a positive mean with standard error.
fn log_point(mean: f64, error: f64) -> (f64, f64) {
    (
        mean.log10(),
        if error.is_finite() {
            error / (mean * std::f64::consts::LN_10)
        } else {
            f64::NAN
        },
    )
}

fn temperature_stem(temperature: f64) -> String {
    format!("{temperature}").replace('.', "p")
}

/// Figures and `report.md` of the run in `out`.
pub fn write_report(
    spec: &InverseIsingSpec,
    out: &Path,
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let reconstruction = Table::read(&out.join("reconstruction.parquet"))?;
    let timings = Table::read(&out.join("timings.parquet"))?;
    let data = Table::read(&out.join("data.parquet"))?;
    let (temperature, size, method, error, converged, status, seconds) = (
        reconstruction.numbers("temperature"),
        reconstruction.integers("configurations"),
        reconstruction.texts("method"),
        reconstruction.numbers("coupling_error"),
        reconstruction.integers("converged"),
        reconstruction.texts("status"),
        timings.numbers("seconds"),
    );
    let select = |t: f64, m: usize, name: &str| -> Vec<usize> {
        (0..reconstruction.rows())
            .filter(|&k| temperature[k] == t && size[k] as usize == m && method[k] == name)
            .collect()
    };
    let mut md = format!("# {}\n\n{}\n\n", spec.name, spec.description.trim());
    let _ = writeln!(
        md,
        "Teacher: {:?}, {} spins, {} samples (seed {}), the same sample at every temperature; the machine learns J*/T and h*/T. Data: parallel tempering ({} rungs up to T = {}, Metropolis sweeps, {} rounds apart after {}), nested prefixes of one series per sample. Error: $\\varepsilon = \\sqrt{{\\sum_{{i<j}}(J_{{ij}} - J^*_{{ij}}/T)^2 / \\sum_{{i<j}}(J^*_{{ij}}/T)^2}}$, mean ± standard error over samples.\n",
        spec.teacher_spec,
        spec.n,
        spec.samples,
        spec.seed,
        spec.data.ladder,
        spec.data.ladder_maximum,
        spec.data.spacing,
        spec.data.equilibration,
    );
    let data_temperature = data.numbers("temperature");
    let (cramer_rao, norm) = (data.numbers("cramer_rao"), data.numbers("coupling_norm"));
    let log_sizes: Vec<f64> = spec
        .configurations
        .iter()
        .map(|&m| (m as f64).log10())
        .collect();
    for &t in &spec.temperatures {
        let mut series = Vec::new();
        for (group, name) in spec.methods.iter().map(|m| m.name()).enumerate() {
            let points = spec
                .configurations
                .iter()
                .zip(&log_sizes)
                .filter_map(|(&m, &x)| {
                    let values: Vec<f64> = select(t, m, name).iter().map(|&k| error[k]).collect();
                    let (mean, standard, _) = mean_and_error(&values);
                    (mean > 0.0).then(|| {
                        let (y, dy) = log_point(mean, standard);
                        (x, y, dy)
                    })
                })
                .collect();
            series.push(Series {
                label: name.to_string(),
                points,
                kind: SeriesKind::Data,
                group: Some(group),
            });
        }
        // The Cramér–Rao error: sqrt(mean over samples of tr F^-1 / |J|^2, over M).
        let ratios: Vec<f64> = (0..data.rows())
            .filter(|&k| data_temperature[k] == t)
            .map(|k| cramer_rao[k] / (norm[k] * norm[k]))
            .collect();
        let (ratio, _, known) = mean_and_error(&ratios);
        if known > 0 {
            let (low, high) = (
                *spec.configurations.first().expect("sizes") as f64,
                spec.largest() as f64,
            );
            let points = (0..=40)
                .map(|k| {
                    let m = low * (high / low).powf(k as f64 / 40.0);
                    (m.log10(), (ratio / m).sqrt().log10(), f64::NAN)
                })
                .collect();
            series.push(Series {
                label: "Cramér–Rao error of maximum likelihood".into(),
                points,
                kind: SeriesKind::Theory,
                group: Some(spec.methods.len()),
            });
        }
        let stem = format!("reconstruction-T{}", temperature_stem(t));
        report.figure(
            &stem,
            Figure {
                title: format!("Couplings learned back from M configurations at T = {t}"),
                x_label: "log10 M (configurations)".into(),
                y_label: "log10 reconstruction error of J".into(),
                series,
                vertical_lines: Vec::new(),
            },
        );
        let _ = writeln!(md, "![{stem}]({stem}.png)\n");
    }
    if spec.temperatures.len() > 1 {
        let series = spec
            .methods
            .iter()
            .map(|m| m.name())
            .enumerate()
            .map(|(group, name)| Series {
                label: format!("{name}, M = {}", spec.largest()),
                points: spec
                    .temperatures
                    .iter()
                    .filter_map(|&t| {
                        let values: Vec<f64> = select(t, spec.largest(), name)
                            .iter()
                            .map(|&k| error[k])
                            .collect();
                        let (mean, standard, _) = mean_and_error(&values);
                        (mean > 0.0).then(|| {
                            let (y, dy) = log_point(mean, standard);
                            (t, y, dy)
                        })
                    })
                    .collect(),
                kind: SeriesKind::Data,
                group: Some(group),
            })
            .collect();
        report.figure(
            "reconstruction-temperature",
            Figure {
                title: format!(
                    "Reconstruction error at M = {} against temperature",
                    spec.largest()
                ),
                x_label: "temperature T".into(),
                y_label: "log10 reconstruction error of J".into(),
                series,
                vertical_lines: Vec::new(),
            },
        );
        let _ = writeln!(
            md,
            "![reconstruction-temperature](reconstruction-temperature.png)\n"
        );
    }
    let _ = writeln!(
        md,
        "| T | M | method | reconstruction error | estimates | converged | mean seconds | Cramér–Rao error |\n|---|---|---|---|---|---|---|---|"
    );
    for &t in &spec.temperatures {
        let ratios: Vec<f64> = (0..data.rows())
            .filter(|&k| data_temperature[k] == t)
            .map(|k| cramer_rao[k] / (norm[k] * norm[k]))
            .collect();
        let (ratio, _, _) = mean_and_error(&ratios);
        for &m in &spec.configurations {
            for name in spec.methods.iter().map(|m| m.name()) {
                let rows = select(t, m, name);
                let values: Vec<f64> = rows.iter().map(|&k| error[k]).collect();
                let (mean, standard, count) = mean_and_error(&values);
                let (time, _, _) =
                    mean_and_error(&rows.iter().map(|&k| seconds[k]).collect::<Vec<_>>());
                let done = rows.iter().filter(|&&k| converged[k] == 1).count();
                let _ = writeln!(
                    md,
                    "| {t} | {m} | {name} | {mean:.4} ± {standard:.4} | {count} of {} | {done} | {time:.3} | {:.4} |",
                    rows.len(),
                    (ratio / m as f64).sqrt(),
                );
            }
        }
    }
    let failures: Vec<String> = (0..reconstruction.rows())
        .filter(|&k| status[k] != "ok")
        .map(|k| {
            format!(
                "- T = {}, M = {}, {}: {}",
                temperature[k], size[k], method[k], status[k]
            )
        })
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(
            md,
            "\nEstimates that could not be made:\n\n{}\n",
            failures.join("\n")
        );
    }
    let _ = writeln!(
        md,
        "\nThe data. The energy's integrated autocorrelation time is measured along the stored series (in configurations); the exact energy is an enumeration of the teacher's states.\n\n| T | sample | energy per spin | exact | tau_int | lowest exchange acceptance |\n|---|---|---|---|---|---|"
    );
    let (sample, energy, energy_error, exact, tau, acceptance) = (
        data.integers("sample"),
        data.numbers("energy"),
        data.numbers("energy_error"),
        data.numbers("exact_energy"),
        data.numbers("autocorrelation"),
        data.numbers("exchange_acceptance"),
    );
    for k in 0..data.rows() {
        let _ = writeln!(
            md,
            "| {} | {} | {:.4} ± {:.4} | {:.4} | {:.2} | {:.2} |",
            data_temperature[k],
            sample[k],
            energy[k],
            energy_error[k],
            exact[k],
            tau[k],
            acceptance[k]
        );
    }
    report.markdown = md;
    Ok(())
}
