//! The report of a glassy-dynamics run, drawn from the stored tables: for
//! each temperature, the energy $e(t)$ of every size beside the
//! Cugliandolo–Kurchan (CK) curve and its asymptote; for each size the
//! correlation $C(t_w+\tau, t_w)$ against $\log_{10}\tau$, one curve per
//! waiting time, beside CK; the integrated response against the
//! correlation (largest size) with the fluctuation–dissipation line (slope
//! $-1/T$) and the ageing line (slope $-x/T$ below the plateau $q$); and
//! tables of the final values.
//!
//! Simulation points carry the standard error over samples; theory is
//! dashed.

use std::fmt::Write as _;
use std::path::Path;

use super::spec::GlassyDynamicsSpec;
use crate::error::RunError;
use crate::family::ReportBuilder;
use crate::figure::{Figure, Series, SeriesKind};
use crate::table::Table;

/// Rows of `table` where `column` equals `value` (to a relative 1e-9).
fn rows_where(table: &Table, column: &str, value: f64) -> Vec<usize> {
    let values = table.numbers(column);
    (0..table.rows())
        .filter(|&i| (values[i] - value).abs() <= 1e-9 * value.abs().max(1.0))
        .collect()
}

/// Linear interpolation of `(x, y)` (x increasing) at `x0`; the last
/// value just past the end (within 1 %), NaN further outside.
fn interpolate(points: &[(f64, f64)], x0: f64) -> f64 {
    if let Some(&(x, y)) = points.last()
        && x0 > x
    {
        return if x0 <= 1.01 * x { y } else { f64::NAN };
    }
    for pair in points.windows(2) {
        let ((a, fa), (b, fb)) = (pair[0], pair[1]);
        if a <= x0 && x0 <= b {
            return if b > a {
                fa + (fb - fa) * (x0 - a) / (b - a)
            } else {
                fa
            };
        }
    }
    f64::NAN
}

/// At most about `count` of `points`, evenly spaced in their first
/// coordinate (the last always kept).
fn thin(points: Vec<(f64, f64, f64)>, count: usize) -> Vec<(f64, f64, f64)> {
    let (Some(first), Some(last)) = (points.first().copied(), points.last().copied()) else {
        return points;
    };
    let spacing = (last.0 - first.0) / count as f64;
    let mut kept: Vec<(f64, f64, f64)> = Vec::new();
    for p in points {
        if kept.last().is_none_or(|k| p.0 - k.0 >= spacing) {
            kept.push(p);
        }
    }
    if kept.last() != Some(&last) {
        kept.push(last);
    }
    kept
}

/// `(t_w, [(lag, C, chi)])`: the theory's curves of one waiting time.
type TwoTimeCurve = (f64, Vec<(f64, f64, f64)>);

/// The stored theory of one temperature.
struct Theory {
    /// `(t, e)`, increasing in t.
    energy: Vec<(f64, f64)>,
    /// Per waiting time of the theory, `(t_w, [(lag, C, chi)])`.
    two_time: Vec<TwoTimeCurve>,
    plateau: f64,
    ratio: f64,
    asymptotic_energy: f64,
    threshold_energy: f64,
    dynamic_temperature: f64,
    paramagnetic_energy: f64,
    status: String,
    discretisation: (f64, f64, f64),
}

fn read_theory(out: &Path, temperature: f64) -> Result<Option<Theory>, RunError> {
    let path = out.join("theory.parquet");
    if !path.exists() {
        return Ok(None);
    }
    let summary = Table::read(&path)?;
    let Some(&row) = rows_where(&summary, "temperature", temperature).first() else {
        return Ok(None);
    };
    let value = |column: &str| summary.numbers(column)[row];
    let one = Table::read(&out.join("theory_one_time.parquet"))?;
    let energy: Vec<(f64, f64)> = rows_where(&one, "temperature", temperature)
        .into_iter()
        .map(|i| (one.numbers("time")[i], one.numbers("energy")[i]))
        .collect();
    let two = Table::read(&out.join("theory_two_time.parquet"))?;
    let mut two_time: Vec<TwoTimeCurve> = Vec::new();
    for i in rows_where(&two, "temperature", temperature) {
        let tw = two.numbers("waiting_time")[i];
        let point = (
            two.numbers("lag")[i],
            two.numbers("correlation")[i],
            two.numbers("integrated_response")[i],
        );
        match two_time.iter_mut().find(|(w, _)| *w == tw) {
            Some((_, points)) => points.push(point),
            None => two_time.push((tw, vec![point])),
        }
    }
    Ok(Some(Theory {
        energy,
        two_time,
        plateau: value("plateau"),
        ratio: value("fluctuation_dissipation_ratio"),
        asymptotic_energy: value("asymptotic_energy"),
        threshold_energy: value("threshold_energy"),
        dynamic_temperature: value("dynamic_temperature"),
        paramagnetic_energy: value("paramagnetic_energy"),
        status: summary.texts("status")[row].clone(),
        discretisation: (
            value("energy_discretisation"),
            value("correlation_discretisation"),
            value("response_discretisation"),
        ),
    }))
}

impl Theory {
    /// The curve of the theory's waiting time nearest `tw` (within 1e-6).
    fn at_waiting_time(&self, tw: f64) -> Option<&[(f64, f64, f64)]> {
        self.two_time
            .iter()
            .find(|(w, _)| (w - tw).abs() <= 1e-6 * tw.max(1.0))
            .map(|(_, points)| points.as_slice())
    }
}

/// $C(t_w + \tau, t_w)$ of size `n` at `temperature`, one data series per
/// waiting time and beside it the Cugliandolo–Kurchan curve over the
/// measured lags, at abscissa `x(lag, t_w)`.
fn correlation_series(
    two: &Table,
    spec: &GlassyDynamicsSpec,
    temperature: f64,
    n: usize,
    theory: Option<&Theory>,
    x: impl Fn(f64, f64) -> f64,
) -> Vec<Series> {
    let mut series = Vec::new();
    let (lowest, longest) = (spec.lags[0], spec.lags[spec.lags.len() - 1]);
    for (w, &tw) in spec.waiting_times.iter().enumerate() {
        let rows: Vec<usize> = rows_where(two, "temperature", temperature)
            .into_iter()
            .filter(|&i| {
                two.integers("size")[i] == n as u64
                    && (two.numbers("waiting_time")[i] - tw).abs() <= 1e-9 * tw.max(1.0)
            })
            .collect();
        series.push(Series {
            label: format!("t_w = {tw}"),
            points: rows
                .iter()
                .map(|&i| {
                    (
                        x(two.numbers("lag")[i], tw),
                        two.numbers("correlation")[i],
                        two.numbers("correlation_error")[i],
                    )
                })
                .collect(),
            kind: SeriesKind::Data,
            group: Some(w),
        });
        if let Some(curve) = theory.and_then(|t| t.at_waiting_time(tw)) {
            series.push(Series {
                label: String::new(),
                points: thin(
                    curve
                        .iter()
                        .filter(|p| p.0 >= lowest && p.0 <= longest)
                        .map(|p| (x(p.0, tw), p.1, f64::NAN))
                        .collect(),
                    200,
                ),
                kind: SeriesKind::Theory,
                group: Some(w),
            });
        }
    }
    series
}

/// A horizontal dashed line from `x0` to `x1`.
fn level(label: String, y: f64, x0: f64, x1: f64, group: usize) -> Series {
    Series {
        label,
        points: vec![(x0, y, f64::NAN), (x1, y, f64::NAN)],
        kind: SeriesKind::Theory,
        group: Some(group),
    }
}

fn format_temperature(t: f64) -> String {
    format!("{t}")
}

/// Figures and `report.md` of the run in `out`.
pub fn write_report(
    spec: &GlassyDynamicsSpec,
    out: &Path,
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let one = Table::read(&out.join("one_time.parquet"))?;
    let two = Table::read(&out.join("two_time.parquet"))?;
    let time_unit = if spec.time_step < 1.0 {
        "Langevin time"
    } else {
        "sweeps"
    };
    report.markdown = format!("# {}\n\n{}\n\n", spec.name, spec.description.trim());
    let dynamics = match &spec.system {
        super::System::Spherical { .. } => format!(
            "Langevin dynamics (Euler–Maruyama with projection, Δt = {})",
            spec.time_step
        ),
        super::System::Ising { metropolis, .. } => format!(
            "{} single-flip dynamics (time in sweeps of N updates)",
            if *metropolis { "Metropolis" } else { "Glauber" }
        ),
        super::System::SherringtonKirkpatrick { metropolis } => format!(
            "{} single-flip dynamics (time in sweeps of N updates at random sites)",
            if *metropolis { "Metropolis" } else { "Glauber" }
        ),
        super::System::EdwardsAnderson { .. } => "Metropolis checkerboard sweeps with the multispin kernel (64 samples per word, one uniform per lane; sizes are side lengths L, N = L^d)".to_string(),
    };
    let _ = writeln!(
        report.markdown,
        "{} {} ({}), quenched from infinite temperature: {} = {:?}, T = {:?}; {}; {} samples × {} histories per point; {}. Errors: standard error over samples (over histories for one sample).\n",
        spec.system.name(),
        spec.system.label(),
        match &spec.system {
            super::System::Ising {
                connectivity: Some(c),
                ..
            } => format!("diluted, {c} hyperedges per site"),
            super::System::EdwardsAnderson { .. } => "periodic lattice".to_string(),
            _ => "fully connected".to_string(),
        },
        if matches!(spec.system, super::System::EdwardsAnderson { .. }) {
            "L"
        } else {
            "N"
        },
        spec.sizes,
        spec.temperatures,
        dynamics,
        spec.samples,
        spec.histories,
        if spec.field > 0.0 {
            format!("response from twins in a random field h = {}", spec.field)
        } else {
            "no response measured".to_string()
        }
    );
    let several = spec.temperatures.len() > 1;
    let largest = *spec.sizes.iter().max().expect("a size");
    for &temperature in &spec.temperatures {
        let suffix = if several {
            format!("-T{}", format_temperature(temperature))
        } else {
            String::new()
        };
        let theory = read_theory(out, temperature)?;
        let t_label = format_temperature(temperature);
        if several {
            let _ = writeln!(report.markdown, "## T = {t_label}\n");
        }
        // Energy.
        let mut series = Vec::new();
        let x_low = spec.times.iter().copied().find(|&t| t > 0.0).unwrap_or(1.0);
        let (x0, x1) = (x_low.log10(), spec.final_time.log10());
        for (g, &n) in spec.sizes.iter().enumerate() {
            let rows: Vec<usize> = rows_where(&one, "temperature", temperature)
                .into_iter()
                .filter(|&i| one.integers("size")[i] == n as u64 && one.numbers("time")[i] > 0.0)
                .collect();
            series.push(Series {
                label: spec.system.size_label(n),
                points: rows
                    .iter()
                    .map(|&i| {
                        (
                            one.numbers("time")[i].log10(),
                            one.numbers("energy")[i],
                            one.numbers("energy_error")[i],
                        )
                    })
                    .collect(),
                kind: SeriesKind::Data,
                group: Some(g),
            });
        }
        let k = spec.sizes.len();
        if let Some(theory) = &theory
            && !theory.energy.is_empty()
        {
            series.push(Series {
                label: "Cugliandolo–Kurchan, N → ∞".into(),
                points: thin(
                    theory
                        .energy
                        .iter()
                        .filter(|p| p.0 >= x_low)
                        .map(|&(t, e)| (t.log10(), e, f64::NAN))
                        .collect(),
                    300,
                ),
                kind: SeriesKind::Theory,
                group: Some(k),
            });
        }
        if let Some(theory) = &theory {
            if theory.asymptotic_energy.is_finite() {
                series.push(level(
                    format!("ageing asymptote e∞ = {:.4}", theory.asymptotic_energy),
                    theory.asymptotic_energy,
                    x0,
                    x1,
                    k + 1,
                ));
            }
            if theory.threshold_energy.is_finite() {
                series.push(level(
                    format!("threshold energy (T = 0) {:.4}", theory.threshold_energy),
                    theory.threshold_energy,
                    x0,
                    x1,
                    k + 2,
                ));
            }
            // Below T_d (or where T_d is unknown) the paramagnet is not reached.
            if theory.dynamic_temperature <= temperature {
                series.push(level(
                    format!("equilibrium −ξ(1)/T = {:.4}", theory.paramagnetic_energy),
                    theory.paramagnetic_energy,
                    x0,
                    x1,
                    k + 1,
                ));
            }
        }
        report.figure(
            format!("energy{suffix}"),
            Figure {
                title: format!("{}: energy after a quench to T = {t_label}", spec.name),
                x_label: format!("log10 t ({time_unit})"),
                y_label: "energy per spin e(t)".into(),
                series,
                vertical_lines: Vec::new(),
            },
        );
        let _ = writeln!(
            report.markdown,
            "![energy](energy{suffix}.png)\n\nMarkers: e(t) of each N; dashed: the Cugliandolo–Kurchan solution (N → ∞) and its asymptotes.\n"
        );
        // Correlation, one figure per size.
        for &n in &spec.sizes {
            let mut series =
                correlation_series(&two, spec, temperature, n, theory.as_ref(), |lag, _| {
                    lag.log10()
                });
            if let Some(theory) = &theory
                && theory.plateau.is_finite()
            {
                series.push(level(
                    format!("plateau q = {:.4}", theory.plateau),
                    theory.plateau,
                    spec.lags[0].log10(),
                    spec.lags[spec.lags.len() - 1].log10(),
                    spec.waiting_times.len(),
                ));
            }
            report.figure(
                format!("correlation-N{n}{suffix}"),
                Figure {
                    title: format!(
                        "{}: C(t_w + τ, t_w), {}, T = {t_label}{}",
                        spec.name,
                        spec.system.size_label(n),
                        if spec.theory { " (dashed: CK)" } else { "" }
                    ),
                    x_label: format!("log10 τ ({time_unit})"),
                    y_label: "correlation C(t_w + τ, t_w)".into(),
                    series,
                    vertical_lines: Vec::new(),
                },
            );
            let _ = writeln!(
                report.markdown,
                "![correlation, {}](correlation-N{n}{suffix}.png)\n",
                spec.system.size_label(n)
            );
        }
        // The same correlations against tau / t_w (largest size): simple
        // ageing collapses them; weak ergodicity breaking without a
        // collapse shows a drift with t_w.
        let series = correlation_series(
            &two,
            spec,
            temperature,
            largest,
            theory.as_ref(),
            |lag, tw| (lag / tw).log10(),
        );
        report.figure(
            format!("scaling{suffix}"),
            Figure {
                title: format!(
                    "{}: C(t_w + τ, t_w) against τ/t_w, {}, T = {t_label}",
                    spec.name,
                    spec.system.size_label(largest)
                ),
                x_label: "log10 τ/t_w".into(),
                y_label: "correlation C(t_w + τ, t_w)".into(),
                series,
                vertical_lines: Vec::new(),
            },
        );
        let _ = writeln!(
            report.markdown,
            "![correlation against τ/t_w](scaling{suffix}.png)\n\nThe correlations of the largest size against τ/t_w: curves of different ages on top of one another would be simple ageing (a function of τ/t_w alone).\n"
        );
        // Response against correlation, largest size.
        if spec.field > 0.0 {
            let mut series = Vec::new();
            for (w, &tw) in spec.waiting_times.iter().enumerate() {
                let rows: Vec<usize> = rows_where(&two, "temperature", temperature)
                    .into_iter()
                    .filter(|&i| {
                        two.integers("size")[i] == largest as u64
                            && (two.numbers("waiting_time")[i] - tw).abs() <= 1e-9 * tw.max(1.0)
                    })
                    .collect();
                series.push(Series {
                    label: format!("t_w = {tw}"),
                    points: rows
                        .iter()
                        .map(|&i| {
                            (
                                two.numbers("correlation")[i],
                                two.numbers("integrated_response")[i],
                                two.numbers("integrated_response_error")[i],
                            )
                        })
                        .collect(),
                    kind: SeriesKind::Points,
                    group: Some(w),
                });
                if let Some(curve) = theory.as_ref().and_then(|t| t.at_waiting_time(tw)) {
                    let longest = spec.lags[spec.lags.len() - 1];
                    series.push(Series {
                        label: String::new(),
                        points: curve
                            .iter()
                            .filter(|p| p.0 <= longest)
                            .map(|p| (p.1, p.2, f64::NAN))
                            .collect(),
                        kind: SeriesKind::Theory,
                        group: Some(w),
                    });
                }
            }
            let k = spec.waiting_times.len();
            series.push(Series {
                label: format!("FDT: χ = (1 − C)/T, slope −1/T = {:.3}", -1.0 / temperature),
                points: vec![(0.0, 1.0 / temperature, f64::NAN), (1.0, 0.0, f64::NAN)],
                kind: SeriesKind::Theory,
                group: Some(k),
            });
            if let Some(theory) = &theory
                && theory.plateau.is_finite()
                && theory.ratio.is_finite()
            {
                let q = theory.plateau;
                let at_plateau = (1.0 - q) / temperature;
                series.push(Series {
                    label: format!(
                        "ageing: slope −x/T = {:.3} below q = {q:.3} (x = {:.3})",
                        -theory.ratio / temperature,
                        theory.ratio
                    ),
                    points: vec![
                        (q, at_plateau, f64::NAN),
                        (0.0, at_plateau + theory.ratio * q / temperature, f64::NAN),
                    ],
                    kind: SeriesKind::Theory,
                    group: Some(k + 1),
                });
            }
            report.figure(
                format!("response{suffix}"),
                Figure {
                    title: format!(
                        "{}: integrated response against correlation, N = {largest}, T = {t_label}",
                        spec.name
                    ),
                    x_label: "correlation C(t_w + τ, t_w)".into(),
                    y_label: "integrated response χ(t_w + τ, t_w)".into(),
                    series,
                    vertical_lines: Vec::new(),
                },
            );
            let _ = writeln!(
                report.markdown,
                "![response against correlation](response{suffix}.png)\n\nMarkers: simulation, one colour per t_w (τ grows to the left); dashed in the same colour: CK; the fluctuation–dissipation line has slope −1/T, the ageing line −x/T.\n"
            );
        }
        // Tables.
        let _ = writeln!(
            report.markdown,
            "| N | T | runs | e(t = {}) | CK e(t = {}) | C(t_w + τ, t_w), t_w = {}, τ = {} | CK C | χ | CK χ |\n|---|---|---|---|---|---|---|---|---|",
            spec.final_time,
            spec.final_time,
            spec.waiting_times[spec.waiting_times.len() - 1],
            spec.lags[spec.lags.len() - 1],
        );
        let last_tw = spec.waiting_times[spec.waiting_times.len() - 1];
        let last_lag = spec.lags[spec.lags.len() - 1];
        let ck_energy = theory.as_ref().map_or(f64::NAN, |t| {
            interpolate(&t.energy, spec.times[spec.times.len() - 1])
        });
        let ck_two = |column: usize| {
            theory
                .as_ref()
                .and_then(|t| t.at_waiting_time(last_tw))
                .map_or(f64::NAN, |curve| {
                    let points: Vec<(f64, f64)> = curve
                        .iter()
                        .map(|p| (p.0, if column == 1 { p.1 } else { p.2 }))
                        .collect();
                    interpolate(&points, last_lag)
                })
        };
        for &n in &spec.sizes {
            let at = |table: &Table, filter: &dyn Fn(usize) -> bool, column: &str| {
                rows_where(table, "temperature", temperature)
                    .into_iter()
                    .find(|&i| table.integers("size")[i] == n as u64 && filter(i))
                    .map_or((f64::NAN, f64::NAN), |i| {
                        (
                            table.numbers(column)[i],
                            table.numbers(&format!("{column}_error"))[i],
                        )
                    })
            };
            let last_time = spec.times[spec.times.len() - 1];
            let e = at(&one, &|i| one.numbers("time")[i] == last_time, "energy");
            let two_filter = |i: usize| {
                two.numbers("waiting_time")[i] == last_tw && two.numbers("lag")[i] == last_lag
            };
            let c = at(&two, &two_filter, "correlation");
            let chi = at(&two, &two_filter, "integrated_response");
            let runs = rows_where(&one, "temperature", temperature)
                .into_iter()
                .find(|&i| one.integers("size")[i] == n as u64)
                .map_or(0, |i| {
                    one.integers("samples")[i] * one.integers("histories")[i]
                });
            let _ = writeln!(
                report.markdown,
                "| {n} | {t_label} | {runs} | {:.4} ± {:.4} | {ck_energy:.4} | {:.4} ± {:.4} | {:.4} | {:.4} ± {:.4} | {:.4} |",
                e.0,
                e.1,
                c.0,
                c.1,
                ck_two(1),
                chi.0,
                chi.1,
                ck_two(2)
            );
        }
        let _ = writeln!(report.markdown);
        if let Some(theory) = &theory {
            let _ = writeln!(
                report.markdown,
                "Cugliandolo–Kurchan ({}): T_d = {:.4}, plateau q = {:.4}, x = {:.4}, e∞ = {:.4}, threshold energy {:.4}; differences from the half grid: e {:.1e}, C {:.1e}, χ {:.1e}.\n",
                theory.status,
                theory.dynamic_temperature,
                theory.plateau,
                theory.ratio,
                theory.asymptotic_energy,
                theory.threshold_energy,
                theory.discretisation.0,
                theory.discretisation.1,
                theory.discretisation.2
            );
        }
    }
    Ok(())
}
