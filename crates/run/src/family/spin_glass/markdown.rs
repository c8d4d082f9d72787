//! `report.md`: what was run, what was measured (with errors), and what theory says beside it.

use std::fmt::Write;

use super::report::{Curve, DriftRow, Results, Section};
use super::spec::Method;

/// `value ± error` with the error to two significant digits and the value to match.
pub fn with_error(value: f64, error: f64) -> String {
    if !value.is_finite() {
        return "—".into();
    }
    if !(error.is_finite() && error > 0.0) {
        return format!("{value:.5}");
    }
    let digits = (1 - error.log10().floor() as i32).clamp(0, 10) as usize;
    format!("{value:.digits$} ± {error:.digits$}")
}

/// Where two curves on the same temperatures cross: `(T*, rough error)` for each sign change.
///
/// Linear interpolation of the difference between neighbouring temperatures;
/// the error propagates the two curves' errors through the interpolation
/// (errors of different sizes are independent; those at neighbouring
/// temperatures are treated as independent too, which overstates it).
pub fn crossings(a: &Curve, b: &Curve) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for i in 0..a.len().min(b.len()).saturating_sub(1) {
        let (t0, t1) = (a[i].0, a[i + 1].0);
        if (b[i].0 - t0).abs() > 1e-9 || (b[i + 1].0 - t1).abs() > 1e-9 {
            continue;
        }
        let d0 = b[i].1 - a[i].1;
        let d1 = b[i + 1].1 - a[i + 1].1;
        if d0 == 0.0 || d0.signum() == d1.signum() {
            continue;
        }
        let fraction = d0 / (d0 - d1);
        let crossing = t0 + (t1 - t0) * fraction;
        let sigma0 = a[i].2.hypot(b[i].2);
        let sigma1 = a[i + 1].2.hypot(b[i + 1].2);
        let error =
            (t1 - t0) * ((1.0 - fraction) * sigma0).hypot(fraction * sigma1) / (d0 - d1).abs();
        out.push((crossing, error));
    }
    out
}

fn table_of(
    results: &Results,
    points: &[usize],
    observable: &str,
    theory: &[(String, &str)],
) -> String {
    let curves: Vec<Curve> = points
        .iter()
        .map(|&p| results.disorder_curve(p, observable))
        .collect();
    if curves.iter().all(Vec::is_empty) {
        return String::new();
    }
    let mut text = String::from("| T |");
    for &p in points {
        let _ = write!(text, " {} |", results.point_label(p, false));
    }
    for (curve, _) in theory {
        let _ = write!(text, " {curve} |");
    }
    text.push_str("\n|---|");
    text.push_str(&"---|".repeat(points.len() + theory.len()));
    text.push('\n');
    let theory_values: Vec<Vec<(f64, f64)>> = theory
        .iter()
        .map(|(curve, theory_observable)| {
            results
                .theory_curves(points[0], theory_observable)
                .remove(curve.as_str())
                .unwrap_or_default()
        })
        .collect();
    for &t in results.spec.ladder.temperatures() {
        let _ = write!(text, "| {t:.4} |");
        for curve in &curves {
            let cell = curve
                .iter()
                .find(|c| (c.0 - t).abs() < 1e-9)
                .map_or("—".to_string(), |c| with_error(c.1, c.2));
            let _ = write!(text, " {cell} |");
        }
        for values in &theory_values {
            // Theory is tabulated on a fine grid: interpolate linearly at the ladder temperature.
            let value = interpolate(values, t);
            let _ = write!(
                text,
                " {} |",
                if value.is_finite() {
                    format!("{value:.5}")
                } else {
                    "—".into()
                }
            );
        }
        text.push('\n');
    }
    text
}

fn interpolate(values: &[(f64, f64)], t: f64) -> f64 {
    for w in values.windows(2) {
        let ((t0, v0), (t1, v1)) = (w[0], w[1]);
        if t >= t0 - 1e-12 && t <= t1 + 1e-12 {
            let f = if t1 > t0 { (t - t0) / (t1 - t0) } else { 0.0 };
            return v0 + f * (v1 - v0);
        }
    }
    f64::NAN
}

/// A cell of the drift check: `difference (z = …)`, or `—`.
fn drift_cell(row: Option<DriftRow>) -> String {
    row.map_or("—".into(), |r| {
        format!("{} (z = {:+.1})", with_error(r.difference, r.error), r.z)
    })
}

/// `### Equilibration check`: for every size and temperature, the drift of
/// the energy and of q² between the last half of the measurements and the
/// quarter before it, and for Gaussian couplings the link-overlap identity
/// beside it. Empty when the directory has neither.
pub fn equilibration_section(results: &Results, points: &[usize]) -> String {
    let gaussian = points
        .iter()
        .any(|&p| !results.disorder_curve(p, "equilibration_gap").is_empty());
    let has_drift = results.equilibration.is_some();
    if !gaussian && !has_drift {
        return String::new();
    }
    let mut text = String::from("### Equilibration check\n\n");
    if has_drift {
        let _ = write!(
            text,
            "Logarithmic windows: the mean of the last half of the measurements minus the mean of the quarter before it, \
             averaged over samples; errors from each sample's binning analysis and the spread over samples, whichever is larger. \
             In equilibrium the difference vanishes; a run still relaxing drifts (the energy falls, q² grows). \
             \"drifting\" marks |z| > {}: run longer (more equilibration rounds) there.",
            quench_stats::DRIFT_SIGMAS
        );
    }
    if gaussian {
        text.push_str(
            " For Gaussian couplings the identity column is [⟨E_J⟩/N + βσ²(N_b/N)(1 − ⟨q_ℓ⟩)], which vanishes in equilibrium \
             and is positive before (Katzgraber, Palassini, Young, PRB 63, 184422 (2001)).",
        );
    }
    text.push_str("\n\n| size | T | energy drift | q² drift |");
    if gaussian {
        text.push_str(" Gaussian identity |");
    }
    text.push_str(" verdict |\n|---|---|---|---|");
    if gaussian {
        text.push_str("---|");
    }
    text.push_str("---|\n");
    let (mut checked, mut drifting) = (0, 0);
    for &p in points {
        let gaps = results.disorder_curve(p, "equilibration_gap");
        for &t in results.spec.ladder.temperatures() {
            let energy = results.drift(p, t, "energy");
            let overlap = results.drift(p, t, "overlap_squared");
            let gap = gaps.iter().find(|g| (g.0 - t).abs() < 1e-9);
            if energy.is_none() && overlap.is_none() && gap.is_none() {
                continue;
            }
            let gap_drifts = gap.is_some_and(|&(_, mean, error)| error > 0.0 && mean / error > 3.0);
            let ok = [energy, overlap].iter().flatten().all(|r| r.equilibrated) && !gap_drifts;
            checked += 1;
            if !ok {
                drifting += 1;
            }
            let _ = write!(
                text,
                "| {} | {t:.4} | {} | {} |",
                results.point_label(p, false),
                drift_cell(energy),
                drift_cell(overlap)
            );
            if gaussian {
                let cell = gap.map_or("—".into(), |&(_, mean, error)| with_error(mean, error));
                let _ = write!(text, " {cell} |");
            }
            let _ = writeln!(
                text,
                " {} |",
                if ok { "equilibrated" } else { "**drifting**" }
            );
        }
    }
    let _ = writeln!(
        text,
        "\n{drifting} of {checked} size–temperature points drifting.\n"
    );
    text
}

/// The text of `report.md`.
pub fn report_markdown(results: &Results, sections: &[Section]) -> String {
    let spec = &results.spec;
    let algorithm = &spec.algorithm;
    let mut text = String::new();
    let _ = writeln!(text, "# {}\n", spec.name);
    if !spec.description.trim().is_empty() {
        let _ = writeln!(text, "{}\n", spec.description.trim());
    }
    let temperatures = spec.ladder.temperatures();
    let sizes: Vec<String> = spec.points.iter().map(|p| p.size.to_string()).collect();
    let _ = writeln!(text, "## What was run\n");
    let _ = writeln!(
        text,
        "- model: `{}`",
        toml::to_string(&spec.model_table)
            .unwrap_or_default()
            .trim()
            .replace('\n', "`, `")
    );
    let _ = writeln!(
        text,
        "- grid: {} = {} ({} points)",
        spec.size_key.name(),
        sizes.join(", "),
        spec.points.len()
    );
    let _ = writeln!(text, "- disorder samples per point: {}", spec.samples);
    let _ = writeln!(
        text,
        "- algorithm: {} with {} updates in {} order, {} real replica(s) per temperature, {} sweep(s){} per round; {} rounds of equilibration, {} measured{}",
        match algorithm.method {
            Method::ParallelTempering => "parallel tempering",
            Method::Independent => "independent chains",
        },
        match algorithm.rule {
            quench_mc::LocalRule::Metropolis => "Metropolis",
            quench_mc::LocalRule::HeatBath => "heat-bath",
        },
        match algorithm.order {
            quench_mc::SweepOrder::Sequential => "sequential",
            quench_mc::SweepOrder::Checkerboard => "checkerboard",
            quench_mc::SweepOrder::Random => "random",
        },
        algorithm.replicas,
        algorithm.sweeps_per_round,
        if algorithm.wolff_updates_per_round > 0 {
            format!(
                " and {} Wolff cluster update(s)",
                algorithm.wolff_updates_per_round
            )
        } else {
            String::new()
        },
        algorithm.equilibration_rounds,
        algorithm.measurement_rounds,
        if algorithm.measure_every > 1 {
            format!(
                " (one measurement every {} rounds)",
                algorithm.measure_every
            )
        } else {
            String::new()
        }
    );
    let mut kernels: Vec<String> = Vec::new();
    for point in &spec.points {
        let name = super::kernel::kernel_name(&point.kernel);
        if !kernels.contains(&name) {
            kernels.push(name);
        }
    }
    let _ = writeln!(
        text,
        "- kernel: {} (`kernel = \"{}\"`; see `quench_run::family::spin_glass::kernel`)",
        kernels.join(", "),
        algorithm.kernel.choice.name()
    );
    let _ = writeln!(
        text,
        "- temperatures ({}): {}",
        temperatures.len(),
        temperatures
            .iter()
            .map(|t| format!("{t:.4}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        text,
        "- master seed: {}; the spec as run is `spec.toml`, provenance in `manifest.json`\n",
        spec.seed
    );
    if spec.samples == 1 {
        let _ = writeln!(
            text,
            "Errors are one standard error. With one disorder sample per point there is no sample-to-sample error: \
             the errors shown are that sample's thermal errors (binning, with τ_int; `method = \"thermal\"` in `disorder.parquet`), \
             which say nothing about the spread between samples. The Binder cumulant and ξ_L/L, ratios over samples, need two or more.\n"
        );
    } else {
        let _ = writeln!(
            text,
            "Errors are one standard error: over disorder samples for averages, jackknife over samples for the Binder cumulant and ξ_L/L. \
             Thermal errors of each sample (binning, with τ_int) are in `thermal.parquet`.\n"
        );
    }
    for Section {
        field,
        points,
        figures: stems,
    } in sections
    {
        if sections.len() > 1 {
            let _ = writeln!(text, "## Field h = {field}\n");
        }
        for (stem, title) in stems {
            let _ = writeln!(text, "![{title}]({stem}.png)\n");
            match stem.split('-').next().unwrap_or("") {
                "energy" => {
                    let theory: Vec<(String, &str)> = results
                        .theory_curves(points[0], "energy")
                        .into_keys()
                        .map(|curve| (curve, "energy"))
                        .collect();
                    let table = table_of(results, points, "energy", &theory);
                    let _ = writeln!(text, "Energy per spin [⟨E⟩]/N:\n\n{table}");
                    if theory.iter().any(|(c, _)| c == "replica-symmetric") {
                        let _ = writeln!(
                            text,
                            "The replica-symmetric energy is exact above the de Almeida–Thouless line (h = 0: T > 1, u = -β/2); \
                             below it the full-RSB (Parisi) energy is the N → ∞ limit. Finite N shifts the data by O(N^(-2/3)).\n"
                        );
                    }
                }
                "binder" | "correlation_length" => {
                    let observable = if stem.starts_with("binder") {
                        "binder_cumulant"
                    } else {
                        "correlation_length_over_length"
                    };
                    let table = table_of(results, points, observable, &[]);
                    let _ = writeln!(text, "{table}");
                    let mut lines = Vec::new();
                    for pair in points.windows(2) {
                        let a = results.disorder_curve(pair[0], observable);
                        let b = results.disorder_curve(pair[1], observable);
                        for (t, e) in crossings(&a, &b) {
                            lines.push(format!(
                                "- {} and {} cross at T ≈ {}",
                                results.point_label(pair[0], false),
                                results.point_label(pair[1], false),
                                with_error(t, e)
                            ));
                        }
                    }
                    if !lines.is_empty() {
                        let _ = writeln!(
                            text,
                            "Crossings (the transition temperature is read off where curves of different sizes cross; \
                             errors are rough, from the errors of the bracketing points):\n\n{}\n",
                            lines.join("\n")
                        );
                    }
                }
                "ultrametricity" => {
                    let table = table_of(results, points, "ultrametric_gap_ratio", &[]);
                    let _ = writeln!(
                        text,
                        "For every triplet of replicas the overlaps |q| are sorted, |q|₍₁₎ ≤ |q|₍₂₎ ≤ |q|₍₃₎; ultrametric states \
                         (a tree, as in Parisi's solution below T_c) make the two smallest equal. The ratio of the \
                         disorder-averaged gaps [⟨|q|₍₂₎ − |q|₍₁₎⟩] / [⟨|q|₍₃₎ − |q|₍₂₎⟩] (jackknife errors) falls with N \
                         where the states are ultrametric and stays of order one where the three overlaps are independent \
                         (above T_c).\n\n{table}"
                    );
                }
                "exchange" if results.tempering() => {
                    let mut lines = Vec::new();
                    for &p in points {
                        let curve = results.exchange_curve(p);
                        let lowest = curve.iter().map(|c| c.1).fold(f64::INFINITY, f64::min);
                        let (trips, trips_error) = results.round_trips(p);
                        let warning = if lowest < 0.05 {
                            " — below 5 %: add temperatures near this pair"
                        } else {
                            ""
                        };
                        lines.push(format!(
                            "- {}: lowest pair acceptance {:.3}{warning}; round trips per sample {}",
                            results.point_label(p, false),
                            lowest,
                            with_error(trips, trips_error)
                        ));
                    }
                    let _ = writeln!(text, "{}\n", lines.join("\n"));
                }
                _ => {}
            }
        }
        text.push_str(&equilibration_section(results, points));
        if let Some(sites) = &results.sites {
            let largest = *points.last().expect("a section has points");
            let mut lines = Vec::new();
            for t in super::report::tap_temperatures(results, *field) {
                let points = super::report::site_comparison(sites, largest, 0, t);
                if points.is_empty() {
                    continue;
                }
                let n = points.len() as f64;
                let distance = points.iter().map(|p| (p.0 - p.1).powi(2)).sum::<f64>() / n;
                let noise = points.iter().map(|p| p.2 * p.2).sum::<f64>() / n;
                let spread = points.iter().map(|p| p.1 * p.1).sum::<f64>() / n;
                lines.push(format!(
                    "| {t:.4} | {distance:.2e} | {noise:.2e} | {spread:.3e} |"
                ));
            }
            if !lines.is_empty() {
                let _ = writeln!(
                    text,
                    "### TAP against Monte Carlo\n\nSample 0 of {}, at the coldest ladder temperatures with T > 1 or h ≥ 2 h_AT(T). \
                     D = mean over sites of (m_TAP − m_MC)², beside the mean squared batch-means error σ² of m_MC \
                     and the mean m_MC² for scale. TAP is exact as N → ∞: expect D ≈ σ² + O(1/N).\n\n\
                     | T | D | σ² | m² |\n|---|---|---|---|\n{}\n",
                    results.point_label(largest, false),
                    lines.join("\n")
                );
            }
        }
    }
    let _ = writeln!(
        text,
        "## Data\n\n\
         - `thermal.parquet`: per sample, temperature and observable: mean, error, τ_int, count\n\
         - `disorder.parquet`: disorder averages per grid point, temperature and observable\n\
         - `overlap_distribution.parquet`: P(q) per grid point and temperature\n\
         - `exchange.parquet`: swap acceptance per sample and pair, round trips\n\
         - `equilibration.parquet`: the equilibration check per grid point, temperature and observable\n\
         - `theory.parquet`: the theory curves and reference temperatures drawn above\n\n\
         Read them with `pandas.read_parquet(\"disorder.parquet\")`. Re-draw this report with `quench report <this directory>`."
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_of_two_lines() {
        let a: Curve = vec![(1.0, 0.8, 0.01), (2.0, 0.2, 0.01)];
        let b: Curve = vec![(1.0, 0.9, 0.01), (2.0, 0.1, 0.01)];
        let found = crossings(&a, &b);
        assert_eq!(found.len(), 1);
        assert!((found[0].0 - 1.5).abs() < 1e-12);
        assert!(found[0].1 > 0.0 && found[0].1 < 0.1);
    }

    #[test]
    fn errors_set_the_digits() {
        assert_eq!(with_error(-0.764_321, 0.0023), "-0.7643 ± 0.0023");
        assert_eq!(with_error(12.3, 1.5), "12.3 ± 1.5");
    }
}
