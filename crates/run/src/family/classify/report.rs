//! The report of a phase-classification run: $P(T; L)$ and $V(T; L)$ per
//! architecture and tested model with the exact $T_c$, the fitted peaks, the
//! finite-size scaling of the width and position with the exact exponent,
//! and the seed's tables of $T^*$ and $1/\nu$.

use std::fmt::Write as _;
use std::path::Path;

use quench_critical::scaling::{PeakFit, fit_line};

use super::spec::ClassifySpec;
use super::transfer;
use crate::error::RunError;
use crate::family::ReportBuilder;
use crate::figure::{Figure, Series, SeriesKind};
use crate::table::Table;

/// `value(error)` with the error's leading digit, as physicists write it.
pub(crate) fn with_error(value: f64, error: f64) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    if !(error.is_finite() && error > 0.0) {
        return format!("{value:.4}");
    }
    let decimals = (-error.log10().floor()).max(0.0) as usize;
    let scaled = (error * 10f64.powi(decimals as i32)).round() as u64;
    format!("{value:.decimals$}({scaled})")
}

/// The asymmetric Gaussian of a fitted peak, on a fine grid of `range`.
fn peak_curve(peak: &PeakFit, range: (f64, f64)) -> Vec<(f64, f64, f64)> {
    (0..=120)
        .map(|k| {
            let t = range.0 + (range.1 - range.0) * k as f64 / 120.0;
            let width = if t < peak.position {
                peak.width_below
            } else {
                peak.width_above
            };
            let u = (t - peak.position) / width;
            (t, peak.amplitude * (-0.5 * u * u).exp(), f64::NAN)
        })
        .collect()
}

/// Figures and `report.md` of the run in `out`.
pub fn write_report(
    spec: &ClassifySpec,
    out: &Path,
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let curves = Table::read(&out.join("curves.parquet"))?;
    let peaks = Table::read(&out.join("peaks.parquet"))?;
    let training = Table::read(&out.join("training.parquet"))?;
    let timings = Table::read(&out.join("timings.parquet"))?;
    let snapshots = Table::read(&out.join("snapshots.parquet"))?;
    let scaling_path = out.join("scaling.parquet");
    let scaling = if scaling_path.exists() {
        Some(Table::read(&scaling_path)?)
    } else {
        None
    };
    let names: Vec<String> = spec.architectures.iter().map(|a| a.name()).collect();
    let mut md = format!("# {}\n\n{}\n\n", spec.name, spec.description.trim());
    let _ = writeln!(
        md,
        "Networks trained on {} snapshots of {} ({} below T_c labelled ordered: {:?}; above, disordered: {:?}), input: {}; {} networks per architecture and L (Adam, batch {}, learning rate {}, early stopping after {} epochs without a lower validation loss, {}% held out; on the {}). Errors: {} bootstrap replicas over networks and snapshots. Lengths L = {:?}; seed {}.\n",
        spec.training_snapshots,
        spec.training_label,
        spec.ordered.len(),
        spec.ordered,
        spec.disordered,
        spec.input.name(),
        spec.networks,
        spec.training.batch_size,
        spec.training.learning_rate,
        spec.training.patience,
        (100.0 * spec.validation).round(),
        spec.backend.name(),
        spec.bootstrap,
        spec.lengths,
        spec.seed
    );
    let (c_length, c_arch, c_test, c_t) = (
        curves.integers("length"),
        curves.texts("architecture"),
        curves.texts("test"),
        curves.numbers("temperature"),
    );
    let (p_length, p_arch, p_test) = (
        peaks.integers("length"),
        peaks.texts("architecture"),
        peaks.texts("test"),
    );
    for (k, test) in spec.tests.iter().enumerate() {
        let exact = test.model.critical_temperature();
        let exponents = test.model.exponents();
        let _ = writeln!(
            md,
            "## Tested on {} (exact T_c = {exact:.6}, {} class, 1/ν = {:.4})\n",
            test.label,
            exponents.class,
            1.0 / exponents.nu
        );
        let range = (
            test.temperatures[0],
            *test.temperatures.last().expect("points"),
        );
        for name in &names {
            let stem_suffix = format!("{name}-test{k}");
            let mut probability = Vec::new();
            let mut variance = Vec::new();
            for (group, &length) in spec.lengths.iter().enumerate() {
                let rows: Vec<usize> = (0..curves.rows())
                    .filter(|&r| {
                        c_length[r] as usize == length
                            && &c_arch[r] == name
                            && c_test[r] == test.label
                    })
                    .collect();
                let column = |key: &str, r: usize| curves.numbers(key)[r];
                probability.push(Series {
                    label: format!("L = {length}"),
                    points: rows
                        .iter()
                        .map(|&r| {
                            (
                                c_t[r],
                                column("probability", r),
                                column("probability_error", r),
                            )
                        })
                        .collect(),
                    kind: SeriesKind::Data,
                    group: Some(group),
                });
                variance.push(Series {
                    label: format!("L = {length}"),
                    points: rows
                        .iter()
                        .map(|&r| (c_t[r], column("variance", r), column("variance_error", r)))
                        .collect(),
                    kind: SeriesKind::Data,
                    group: Some(group),
                });
                if let Some(r) = (0..peaks.rows()).find(|&r| {
                    p_length[r] as usize == length && &p_arch[r] == name && p_test[r] == test.label
                }) {
                    let peak = PeakFit {
                        amplitude: peaks.numbers("amplitude")[r],
                        position: peaks.numbers("position")[r],
                        width_below: peaks.numbers("width_below")[r],
                        width_above: peaks.numbers("width_above")[r],
                        chi_squared_per_dof: peaks.numbers("chi_squared_per_dof")[r],
                    };
                    variance.push(Series {
                        label: String::new(),
                        points: peak_curve(&peak, range),
                        kind: SeriesKind::Theory,
                        group: Some(group),
                    });
                }
            }
            let line = vec![(exact, format!("exact T_c = {exact:.4}"))];
            report.figure(
                format!("probability-{stem_suffix}"),
                Figure {
                    title: format!(
                        "{name} trained on {}, tested on {}: P(T; L)",
                        spec.training_label, test.label
                    ),
                    x_label: "temperature T".into(),
                    y_label: "P(T; L), mean output (ordered = 1)".into(),
                    series: probability,
                    vertical_lines: line.clone(),
                },
            );
            report.figure(
                format!("variance-{stem_suffix}"),
                Figure {
                    title: format!("{name}: V(T; L) with the fitted asymmetric Gaussians"),
                    x_label: "temperature T".into(),
                    y_label: "V(T; L), variance of the output".into(),
                    series: variance,
                    vertical_lines: line,
                },
            );
            let _ = writeln!(
                md,
                "![probability-{stem_suffix}](probability-{stem_suffix}.png)\n![variance-{stem_suffix}](variance-{stem_suffix}.png)\n"
            );
        }
        // Finite-size scaling.
        let Some(scaling) = &scaling else {
            let _ = writeln!(md, "(One lattice size: no finite-size scaling.)\n");
            continue;
        };
        let lengths: Vec<f64> = spec.lengths.iter().map(|&l| l as f64).collect();
        let mut widths = Vec::new();
        let mut positions = Vec::new();
        let mut anchor = None;
        for (group, name) in names.iter().enumerate() {
            let rows: Vec<usize> = spec
                .lengths
                .iter()
                .filter_map(|&length| {
                    (0..peaks.rows()).find(|&r| {
                        p_length[r] as usize == length
                            && &p_arch[r] == name
                            && p_test[r] == test.label
                    })
                })
                .collect();
            let (w, we, mu, mue) = (
                peaks.numbers("width"),
                peaks.numbers("width_error"),
                peaks.numbers("position"),
                peaks.numbers("position_error"),
            );
            let log_points: Vec<(f64, f64, f64)> = rows
                .iter()
                .zip(&lengths)
                .map(|(&r, &l)| {
                    (
                        l.log10(),
                        w[r].log10(),
                        we[r] / (w[r] * std::f64::consts::LN_10),
                    )
                })
                .collect();
            if anchor.is_none() {
                anchor = log_points.first().copied();
            }
            if let Ok(line) = fit_line(
                &log_points.iter().map(|p| p.0).collect::<Vec<_>>(),
                &log_points.iter().map(|p| p.1).collect::<Vec<_>>(),
                &log_points.iter().map(|p| p.2).collect::<Vec<_>>(),
            ) {
                let (x0, x1) = (lengths[0].log10(), lengths.last().expect("lengths").log10());
                widths.push(Series {
                    label: String::new(),
                    points: vec![
                        (x0, line.intercept + line.slope * x0, f64::NAN),
                        (x1, line.intercept + line.slope * x1, f64::NAN),
                    ],
                    kind: SeriesKind::Theory,
                    group: Some(group),
                });
            }
            widths.push(Series {
                label: format!("{name}: log10 sigma(L)"),
                points: log_points,
                kind: SeriesKind::Data,
                group: Some(group),
            });
            positions.push(Series {
                label: format!("{name}: peak position mu(L)"),
                points: rows
                    .iter()
                    .zip(&lengths)
                    .map(|(&r, &l)| (l, mu[r], mue[r]))
                    .collect(),
                kind: SeriesKind::Data,
                group: Some(group),
            });
            // The fitted mu(L) = T* + b L^(-1/nu).
            let s_rows: Vec<usize> = (0..scaling.rows())
                .filter(|&r| {
                    &scaling.texts("architecture")[r] == name
                        && scaling.texts("test")[r] == test.label
                })
                .collect();
            if let Some(&r) = s_rows.first() {
                let inverse_nu = scaling.numbers("inverse_nu")[r];
                let x: Vec<f64> = lengths.iter().map(|l| l.powf(-inverse_nu)).collect();
                let y: Vec<f64> = rows.iter().map(|&r| mu[r]).collect();
                let e: Vec<f64> = rows.iter().map(|&r| mue[r]).collect();
                if let Ok(line) = fit_line(&x, &y, &e) {
                    let (l0, l1) = (lengths[0] * 0.8, lengths.last().expect("lengths") * 1.5);
                    positions.push(Series {
                        label: String::new(),
                        points: (0..=60)
                            .map(|k| {
                                let l = l0 * (l1 / l0).powf(k as f64 / 60.0);
                                (
                                    l,
                                    line.intercept + line.slope * l.powf(-inverse_nu),
                                    f64::NAN,
                                )
                            })
                            .collect(),
                        kind: SeriesKind::Theory,
                        group: Some(group),
                    });
                }
            }
        }
        if let Some((x, y, _)) = anchor {
            let slope = -1.0 / exponents.nu;
            let x1 = lengths.last().expect("lengths").log10();
            widths.push(Series {
                label: format!("slope -1/nu = {slope:.3} ({} exact)", exponents.class),
                points: vec![(x, y, f64::NAN), (x1, y + slope * (x1 - x), f64::NAN)],
                kind: SeriesKind::Theory,
                group: Some(names.len()),
            });
        }
        let (l0, l1) = (lengths[0] * 0.8, lengths.last().expect("lengths") * 1.5);
        positions.push(Series {
            label: format!("exact T_c = {exact:.4}"),
            points: vec![(l0, exact, f64::NAN), (l1, exact, f64::NAN)],
            kind: SeriesKind::Theory,
            group: Some(names.len()),
        });
        report.figure(
            format!("scaling-width-test{k}"),
            Figure {
                title: format!("Width of V(T; L) on {}: sigma ~ L^(-1/nu)", test.label),
                x_label: "log10 L".into(),
                y_label: "log10 sigma(L)".into(),
                series: widths,
                vertical_lines: Vec::new(),
            },
        );
        report.figure(
            format!("scaling-position-test{k}"),
            Figure {
                title: format!(
                    "Peak of V(T; L) on {}: mu(L) = T* + b L^(-1/nu)",
                    test.label
                ),
                x_label: "lattice side L".into(),
                y_label: "peak position mu(L)".into(),
                series: positions,
                vertical_lines: Vec::new(),
            },
        );
        let _ = writeln!(
            md,
            "![scaling-width-test{k}](scaling-width-test{k}.png)\n![scaling-position-test{k}](scaling-position-test{k}.png)\n"
        );
        let _ = writeln!(
            md,
            "| NN | T* | Δ/σ_T | 1/ν_σ | 1/ν_σ− | 1/ν_σ+ |\n|---|---|---|---|---|---|"
        );
        for r in (0..scaling.rows()).filter(|&r| scaling.texts("test")[r] == test.label) {
            let get = |key: &str| scaling.numbers(key)[r];
            let deviation =
                (get("critical_temperature") - exact).abs() / get("critical_temperature_error");
            let _ = writeln!(
                md,
                "| {} | {} | {:.1} | {} | {} | {} |",
                scaling.texts("architecture")[r],
                with_error(
                    get("critical_temperature"),
                    get("critical_temperature_error")
                ),
                deviation,
                with_error(get("inverse_nu"), get("inverse_nu_error")),
                with_error(get("inverse_nu_below"), get("inverse_nu_below_error")),
                with_error(get("inverse_nu_above"), get("inverse_nu_above_error")),
            );
        }
        let _ = writeln!(
            md,
            "| exact | {exact:.4} | | {:.4} | {:.4} | {:.4} |\n",
            1.0 / exponents.nu,
            1.0 / exponents.nu,
            1.0 / exponents.nu
        );
    }
    // Across the tested models: the transfer figure and, for a sweep of the
    // diagonal coupling, the anisotropy figures.
    if let Some(scaling) = &scaling {
        transfer::write_transfer(spec, scaling, &names, report, &mut md);
        transfer::write_anisotropy(spec, scaling, &names, report, &mut md);
    }
    // Training and snapshot diagnostics.
    let _ = writeln!(
        md,
        "## Training\n\n| L | NN | networks | mean epochs | mean validation accuracy | snapshots/s |\n|---|---|---|---|---|---|"
    );
    let (t_length, t_arch) = (training.integers("length"), training.texts("architecture"));
    let (w_length, w_stage, w_arch, w_rate) = (
        timings.integers("length"),
        timings.texts("stage"),
        timings.texts("architecture"),
        timings.numbers("snapshots_per_second"),
    );
    for &length in &spec.lengths {
        for name in &names {
            let rows: Vec<usize> = (0..training.rows())
                .filter(|&r| t_length[r] as usize == length && &t_arch[r] == name)
                .collect();
            let rates: Vec<f64> = (0..timings.rows())
                .filter(|&r| {
                    w_length[r] as usize == length && w_stage[r] == "training" && &w_arch[r] == name
                })
                .map(|r| w_rate[r])
                .collect();
            let rate = rates.iter().sum::<f64>() / rates.len().max(1) as f64;
            let accuracy = rows
                .iter()
                .map(|&r| training.numbers("validation_accuracy")[r])
                .sum::<f64>()
                / rows.len().max(1) as f64;
            let epochs = rows
                .iter()
                .map(|&r| training.integers("epochs")[r] as f64)
                .sum::<f64>()
                / rows.len().max(1) as f64;
            let _ = writeln!(
                md,
                "| {length} | {name} | {} | {epochs:.1} | {accuracy:.4} | {rate:.0} |",
                rows.len(),
            );
        }
    }
    let _ = writeln!(
        md,
        "\n## Snapshots\n\nSpaced by their measured autocorrelation time (`snapshots.parquet` has every temperature). Largest spacing (steps: a Metropolis sweep and cluster moves), largest kept τ_int (in snapshots; 0.5 is uncorrelated) and most rounds of stretching, per L and set:\n\n| L | set | largest spacing | largest kept τ_int | most rounds |\n|---|---|---|---|---|"
    );
    let (s_length, s_set) = (snapshots.integers("length"), snapshots.texts("set"));
    let mut sets: Vec<String> = vec!["training".into()];
    sets.extend(spec.tests.iter().map(|t| t.label.clone()));
    sets.dedup();
    for &length in &spec.lengths {
        for set in &sets {
            let rows: Vec<usize> = (0..snapshots.rows())
                .filter(|&r| s_length[r] as usize == length && &s_set[r] == set)
                .collect();
            let spacing = rows
                .iter()
                .map(|&r| snapshots.integers("spacing")[r])
                .max()
                .unwrap_or(0);
            let rounds = rows
                .iter()
                .map(|&r| snapshots.integers("rounds")[r])
                .max()
                .unwrap_or(0);
            let tau = rows
                .iter()
                .map(|&r| {
                    snapshots.numbers("kept_tau_energy")[r]
                        .max(snapshots.numbers("kept_tau_order")[r])
                })
                .fold(f64::NAN, f64::max);
            let _ = writeln!(md, "| {length} | {set} | {spacing} | {tau:.2} | {rounds} |");
        }
    }
    report.markdown = md;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::with_error;

    #[test]
    fn values_are_written_with_the_errors_leading_digit() {
        assert_eq!(with_error(2.26994, 0.00052), "2.2699(5)");
        assert_eq!(with_error(1.0123, 0.013), "1.01(1)");
        assert_eq!(with_error(12.3, 2.4), "12(2)");
        assert_eq!(with_error(0.5, f64::NAN), "0.5000");
    }
}
