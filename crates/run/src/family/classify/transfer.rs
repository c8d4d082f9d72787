//! Figures across the tested models of a phase-classification run: the
//! extrapolated $T^*$ of every tested model against its exact $T_c$
//! (transfer), and, when the tests sweep the diagonal coupling $J_d$ of the
//! Ising model at $J_v = J_h = J$, $T^*$ and $1/\nu$ against $J_d / J$ beside
//! Houtappel's $T_c$ and Stephenson's disorder temperature $T_d$, where
//! $\cosh(2J/T_d) = e^{-2J_d/T_d}$; between $T_c$ and $T_d$ correlations
//! decay with oscillations, the region where the seed sees networks trained
//! on the isotropic model deviate.

use std::fmt::Write as _;

use quench_critical::model::CriticalModel;
use quench_theory::triangular::{
    ISING_EXPONENTS, TriangularCouplings, disorder_temperature, houtappel_critical_temperature,
};

use super::report::with_error;
use super::spec::{ClassifySpec, TestSet};
use crate::family::ReportBuilder;
use crate::figure::{Figure, Series, SeriesKind};
use crate::table::Table;

/// The row of `scaling` for `architecture` on `test`.
fn scaling_row(scaling: &Table, architecture: &str, test: &str) -> Option<usize> {
    (0..scaling.rows()).find(|&r| {
        scaling.texts("architecture")[r] == architecture && scaling.texts("test")[r] == test
    })
}

/// The transfer figure: every tested model's $T^*$ against its exact $T_c$.
pub(super) fn write_transfer(
    spec: &ClassifySpec,
    scaling: &Table,
    names: &[String],
    report: &mut ReportBuilder,
    md: &mut String,
) {
    if spec.tests.len() < 2 {
        return;
    }
    let exact: Vec<f64> = spec
        .tests
        .iter()
        .map(|t| t.model.critical_temperature())
        .collect();
    let mut series: Vec<Series> = names
        .iter()
        .enumerate()
        .map(|(group, name)| Series {
            label: name.clone(),
            points: spec
                .tests
                .iter()
                .zip(&exact)
                .filter_map(|(test, &t)| {
                    scaling_row(scaling, name, &test.label).map(|r| {
                        (
                            t,
                            scaling.numbers("critical_temperature")[r],
                            scaling.numbers("critical_temperature_error")[r],
                        )
                    })
                })
                .collect(),
            kind: SeriesKind::Points,
            group: Some(group),
        })
        .collect();
    let (low, high) = exact
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &t| {
            (a.min(t), b.max(t))
        });
    series.push(Series {
        label: "T* = exact T_c".into(),
        points: vec![(low, low, f64::NAN), (high, high, f64::NAN)],
        kind: SeriesKind::Theory,
        group: Some(names.len()),
    });
    report.figure(
        "transfer",
        Figure {
            title: format!(
                "Trained on {}: extrapolated T* of each tested model",
                spec.training_label
            ),
            x_label: "exact T_c of the tested model".into(),
            y_label: "T* from the networks".into(),
            series,
            vertical_lines: Vec::new(),
        },
    );
    let _ = writeln!(md, "## Transfer\n\n![transfer](transfer.png)\n");
}

/// The Ising tests of a sweep of the diagonal coupling: `(J, tests)` when at
/// least three tested Ising models share $J_v = J_h = J$ and differ in $J_d$,
/// sorted by $J_d$.
pub(super) fn diagonal_sweep(
    tests: &[TestSet],
) -> Option<(f64, Vec<(TriangularCouplings, &TestSet)>)> {
    let ising: Vec<(TriangularCouplings, &TestSet)> = tests
        .iter()
        .filter_map(|test| match test.model {
            CriticalModel::Ising(c) if c.vertical == c.horizontal => Some((c, test)),
            _ => None,
        })
        .collect();
    let coupling = ising.first()?.0.vertical;
    let mut sweep: Vec<_> = ising
        .into_iter()
        .filter(|(c, _)| c.vertical == coupling)
        .collect();
    sweep.sort_by(|a, b| a.0.diagonal.total_cmp(&b.0.diagonal));
    sweep.dedup_by(|a, b| a.0.diagonal == b.0.diagonal);
    (sweep.len() >= 3).then_some((coupling, sweep))
}

/// The anisotropy figures and table, when the tests sweep $J_d$.
pub(super) fn write_anisotropy(
    spec: &ClassifySpec,
    scaling: &Table,
    names: &[String],
    report: &mut ReportBuilder,
    md: &mut String,
) {
    let Some((coupling, sweep)) = diagonal_sweep(&spec.tests) else {
        return;
    };
    let ratio = |c: &TriangularCouplings| c.diagonal / coupling;
    let (first, last) = (ratio(&sweep[0].0), ratio(&sweep[sweep.len() - 1].0));
    let margin = 0.05 * (last - first);
    let (x0, x1) = (first - margin, (last + margin).min(0.999));
    // Exact lines on a fine grid of J_d / J (in units of J).
    let grid: Vec<(f64, TriangularCouplings)> = (0..=200)
        .filter_map(|k| {
            let x = x0 + (x1 - x0) * k as f64 / 200.0;
            TriangularCouplings::new(coupling, coupling, x * coupling)
                .ok()
                .map(|c| (x, c))
        })
        .collect();
    let critical: Vec<(f64, f64, f64)> = grid
        .iter()
        .filter_map(|(x, c)| {
            houtappel_critical_temperature(c)
                .ok()
                .map(|t| (*x, t / coupling, f64::NAN))
        })
        .collect();
    let ceiling = 1.3
        * critical
            .iter()
            .map(|p| p.1)
            .fold(f64::NEG_INFINITY, f64::max);
    let disorder: Vec<(f64, f64, f64)> = grid
        .iter()
        .filter_map(|(x, c)| {
            disorder_temperature(c)
                .ok()
                .map(|t| (*x, t / coupling, f64::NAN))
                .filter(|p| p.1 <= ceiling)
        })
        .collect();
    let mut temperatures: Vec<Series> = Vec::new();
    let mut exponents: Vec<Series> = Vec::new();
    for (group, name) in names.iter().enumerate() {
        let rows: Vec<(f64, usize)> = sweep
            .iter()
            .filter_map(|(c, test)| scaling_row(scaling, name, &test.label).map(|r| (ratio(c), r)))
            .collect();
        let column = |key: &str, r: usize| scaling.numbers(key)[r];
        temperatures.push(Series {
            label: format!("{name}: T*"),
            points: rows
                .iter()
                .map(|&(x, r)| {
                    (
                        x,
                        column("critical_temperature", r) / coupling,
                        column("critical_temperature_error", r) / coupling,
                    )
                })
                .collect(),
            kind: SeriesKind::Points,
            group: Some(group),
        });
        exponents.push(Series {
            label: format!("{name}: 1/nu from sigma(L)"),
            points: rows
                .iter()
                .map(|&(x, r)| (x, column("inverse_nu", r), column("inverse_nu_error", r)))
                .collect(),
            kind: SeriesKind::Points,
            group: Some(group),
        });
    }
    temperatures.push(Series {
        label: "T_c, Houtappel (exact)".into(),
        points: critical,
        kind: SeriesKind::Theory,
        group: Some(names.len()),
    });
    if !disorder.is_empty() {
        temperatures.push(Series {
            label: "T_d, Stephenson disorder line".into(),
            points: disorder,
            kind: SeriesKind::Line,
            group: Some(names.len() + 1),
        });
    }
    exponents.push(Series {
        label: "1/nu = 1, Ising class (exact)".into(),
        points: vec![
            (x0, 1.0 / ISING_EXPONENTS.nu, f64::NAN),
            (x1, 1.0 / ISING_EXPONENTS.nu, f64::NAN),
        ],
        kind: SeriesKind::Theory,
        group: Some(names.len()),
    });
    report.figure(
        "anisotropy",
        Figure {
            title: format!(
                "Trained on {}, tested at J_v = J_h = J, diagonal J_d: T* against the exact lines",
                spec.training_label
            ),
            x_label: "J_d / J".into(),
            y_label: "temperature / J".into(),
            series: temperatures,
            vertical_lines: Vec::new(),
        },
    );
    report.figure(
        "anisotropy-exponent",
        Figure {
            title: "Correlation-length exponent across the diagonal coupling".into(),
            x_label: "J_d / J".into(),
            y_label: "1/nu from the width of V(T; L)".into(),
            series: exponents,
            vertical_lines: Vec::new(),
        },
    );
    let _ = writeln!(
        md,
        "## Anisotropy\n\nTests at J_v = J_h = J = {coupling} with diagonal J_d. Δ/σ_T is |T* − T_c| over the error of T*; T_d is Stephenson's disorder temperature (below it, T_c < T < T_d, correlations decay with oscillations).\n\n![anisotropy](anisotropy.png)\n![anisotropy-exponent](anisotropy-exponent.png)\n\n| J_d / J | exact T_c | T_d | T_d / T_c | NN | T* | Δ/σ_T | 1/ν_σ |\n|---|---|---|---|---|---|---|---|"
    );
    for (c, test) in &sweep {
        let exact = test.model.critical_temperature();
        let disorder = disorder_temperature(c).ok();
        for name in names {
            let Some(r) = scaling_row(scaling, name, &test.label) else {
                continue;
            };
            let get = |key: &str| scaling.numbers(key)[r];
            let _ = writeln!(
                md,
                "| {:.3} | {exact:.4} | {} | {} | {name} | {} | {:.1} | {} |",
                ratio(c),
                disorder.map_or("–".into(), |t| format!("{t:.4}")),
                disorder.map_or("–".into(), |t| format!("{:.3}", t / exact)),
                with_error(
                    get("critical_temperature"),
                    get("critical_temperature_error")
                ),
                (get("critical_temperature") - exact).abs() / get("critical_temperature_error"),
                with_error(get("inverse_nu"), get("inverse_nu_error")),
            );
        }
    }
    let _ = writeln!(md);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_set(model: CriticalModel, label: &str) -> TestSet {
        TestSet {
            model,
            label: label.into(),
            temperatures: vec![2.0, 2.5],
            narrowing: 0.0,
            smallest_length: 8,
            snapshots: 10,
        }
    }

    fn ising(diagonal: f64) -> TestSet {
        let couplings = TriangularCouplings::new(1.0, 1.0, diagonal).unwrap();
        test_set(
            CriticalModel::Ising(couplings),
            &format!("ising(1,1,{diagonal})"),
        )
    }

    #[test]
    fn a_diagonal_sweep_needs_three_couplings_at_equal_vertical_and_horizontal_bonds() {
        let mut tests = vec![ising(-0.4), ising(0.0)];
        assert!(diagonal_sweep(&tests).is_none());
        tests.push(test_set(
            CriticalModel::BaxterWu { coupling: 1.0 },
            "baxter-wu(1)",
        ));
        let weak = TriangularCouplings::new(1.0, 0.5, -0.2).unwrap();
        tests.push(test_set(CriticalModel::Ising(weak), "ising(1,0.5,-0.2)"));
        assert!(
            diagonal_sweep(&tests).is_none(),
            "J_h != J_v is not in the sweep"
        );
        tests.push(ising(-0.7));
        let (coupling, sweep) = diagonal_sweep(&tests).unwrap();
        assert_eq!(coupling, 1.0);
        let diagonals: Vec<f64> = sweep.iter().map(|(c, _)| c.diagonal).collect();
        assert_eq!(diagonals, vec![-0.7, -0.4, 0.0]);
    }

    #[test]
    fn a_narrowing_grid_keeps_its_centre_and_points_and_shrinks_its_half_width() {
        let mut test = test_set(CriticalModel::square_ising(), "ising(1,1,0)");
        test.temperatures = vec![2.0, 2.2, 2.4, 2.6];
        assert_eq!(test.temperatures_at(32), test.temperatures, "no narrowing");
        test.narrowing = 1.5;
        assert_eq!(
            test.temperatures_at(8),
            test.temperatures,
            "the smallest side"
        );
        let narrow = test.temperatures_at(32);
        let factor = 0.25f64.powf(1.5);
        for (t, u) in test.temperatures.iter().zip(&narrow) {
            assert!((u - (2.3 + factor * (t - 2.3))).abs() < 1e-12, "{t} -> {u}");
        }
    }
}
