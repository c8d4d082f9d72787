//! The report of a results directory: figures and `report.md`, drawn from the stored tables.
//!
//! `quench run` calls [`write_report`] after writing the tables, and
//! `quench report DIR` calls it again on stored data: both read only the
//! directory's `spec.toml` and Parquet tables, so a report can be re-drawn
//! (after a quench upgrade, say) without re-running anything.

use std::collections::BTreeMap;
use std::path::Path;

use super::spec::Spec;
use crate::error::RunError;
use crate::family::ReportBuilder;
use crate::figure::{Figure, Series, SeriesKind};
use crate::table::Table;

/// `(temperature, mean, error)` points of one observable at one grid point.
pub type Curve = Vec<(f64, f64, f64)>;

/// The figures of one field: `(file stem, title)`.
pub type FigureStems = Vec<(String, String)>;

/// One section of the report: the grid points at one field and their figures.
pub struct Section {
    /// The field.
    pub field: f64,
    /// Grid points, in grid order.
    pub points: Vec<usize>,
    /// Figures drawn.
    pub figures: FigureStems,
}

/// The stored results of a directory, indexed for drawing.
pub struct Results {
    /// The spec as run.
    pub spec: Spec,
    /// `disorder.parquet`.
    pub disorder: Table,
    /// `theory.parquet`.
    pub theory: Table,
    /// `overlap_distribution.parquet`.
    pub overlaps: Table,
    /// `exchange.parquet`.
    pub exchange: Table,
    /// `sites.parquet`, when the run measured local magnetisations.
    pub sites: Option<Table>,
    /// `equilibration.parquet` (absent in directories written before it).
    pub equilibration: Option<Table>,
}

/// One row of the equilibration check: the drift of an observable between
/// the last half of the measurements and the quarter before it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DriftRow {
    /// Last half minus the quarter before, averaged over samples.
    pub difference: f64,
    /// Its error.
    pub error: f64,
    /// `difference / error`.
    pub z: f64,
    /// Whether the two windows agree within `quench_stats::DRIFT_SIGMAS` errors.
    pub equilibrated: bool,
}

impl Results {
    /// Reads the tables of `out`, the results of `spec`.
    pub fn read(spec: &Spec, out: &Path) -> Result<Self, RunError> {
        Ok(Self {
            spec: spec.clone(),
            disorder: Table::read(&out.join("disorder.parquet"))?,
            theory: Table::read(&out.join("theory.parquet"))?,
            overlaps: Table::read(&out.join("overlap_distribution.parquet"))?,
            exchange: Table::read(&out.join("exchange.parquet"))?,
            sites: {
                let path = out.join("sites.parquet");
                path.exists().then(|| Table::read(&path)).transpose()?
            },
            equilibration: {
                let path = out.join("equilibration.parquet");
                path.exists().then(|| Table::read(&path)).transpose()?
            },
        })
    }

    /// The drift check of `observable` at `point` and `temperature`, if stored.
    pub fn drift(&self, point: usize, temperature: f64, observable: &str) -> Option<DriftRow> {
        let t = self.equilibration.as_ref()?;
        let (points, names, temperatures) = (
            t.integers("point"),
            t.texts("observable"),
            t.numbers("temperature"),
        );
        let i = (0..t.rows()).find(|&i| {
            points[i] == point as u64
                && names[i] == observable
                && (temperatures[i] - temperature).abs() < 1e-9
        })?;
        Some(DriftRow {
            difference: t.numbers("difference")[i],
            error: t.numbers("difference_error")[i],
            z: t.numbers("z")[i],
            equilibrated: t.integers("equilibrated")[i] == 1,
        })
    }

    /// Whether the run exchanged configurations between temperatures.
    pub fn tempering(&self) -> bool {
        self.spec.algorithm.method == super::spec::Method::ParallelTempering
    }

    /// The disorder average of `observable` at grid point `point`, by temperature.
    pub fn disorder_curve(&self, point: usize, observable: &str) -> Curve {
        let t = &self.disorder;
        let (points, names) = (t.integers("point"), t.texts("observable"));
        let (temperature, mean, error) = (
            t.numbers("temperature"),
            t.numbers("mean"),
            t.numbers("error"),
        );
        (0..t.rows())
            .filter(|&i| points[i] == point as u64 && names[i] == observable)
            .map(|i| (temperature[i], mean[i], error[i]))
            .collect()
    }

    /// Theory curves of `observable` at `point`: `curve name -> (temperature, value)`.
    pub fn theory_curves(
        &self,
        point: usize,
        observable: &str,
    ) -> BTreeMap<String, Vec<(f64, f64)>> {
        let t = &self.theory;
        let (points, names, curves) =
            (t.integers("point"), t.texts("observable"), t.texts("curve"));
        let (temperature, value) = (t.numbers("temperature"), t.numbers("value"));
        let mut out: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for i in (0..t.rows()).filter(|&i| points[i] == point as u64 && names[i] == observable) {
            out.entry(curves[i].clone())
                .or_default()
                .push((temperature[i], value[i]));
        }
        out
    }

    /// $P(q)$ at `point` and the ladder temperature closest to `temperature`: `(q, density)`.
    pub fn overlap_distribution(&self, point: usize, temperature: f64) -> Vec<(f64, f64)> {
        let t = &self.overlaps;
        let (points, temperatures) = (t.integers("point"), t.numbers("temperature"));
        let (q, density) = (t.numbers("q"), t.numbers("density"));
        (0..t.rows())
            .filter(|&i| points[i] == point as u64 && (temperatures[i] - temperature).abs() < 1e-9)
            .map(|i| (q[i], density[i]))
            .collect()
    }

    /// The theoretical $P(q)$ at `point` and `temperature` as atoms
    /// `(q, weight)` for $q \ge 0$ (the steps of the Parisi $q(x)$). Empty
    /// when the model has no such theory (or the table predates it).
    pub fn theory_overlap_atoms(&self, point: usize, temperature: f64) -> Vec<(f64, f64)> {
        let t = &self.theory;
        let (points, names) = (t.integers("point"), t.texts("observable"));
        let (temperatures, overlap, value) = (
            t.numbers("temperature"),
            t.numbers("overlap"),
            t.numbers("value"),
        );
        if overlap.len() != t.rows() {
            return Vec::new();
        }
        (0..t.rows())
            .filter(|&i| {
                points[i] == point as u64
                    && names[i] == "overlap_atom"
                    && (temperatures[i] - temperature).abs() < 1e-9
            })
            .map(|i| (overlap[i], value[i]))
            .collect()
    }

    /// Swap acceptance at `point` by pair: `(mid temperature, mean over samples, standard error)`.
    pub fn exchange_curve(&self, point: usize) -> Curve {
        let t = &self.exchange;
        let (points, pairs) = (t.integers("point"), t.integers("pair"));
        let (cold, hot, acceptance) = (
            t.numbers("temperature_cold"),
            t.numbers("temperature_hot"),
            t.numbers("acceptance"),
        );
        let mut by_pair: BTreeMap<u64, (f64, Vec<f64>)> = BTreeMap::new();
        for i in (0..t.rows()).filter(|&i| points[i] == point as u64) {
            by_pair
                .entry(pairs[i])
                .or_insert_with(|| (0.5 * (cold[i] + hot[i]), Vec::new()))
                .1
                .push(acceptance[i]);
        }
        by_pair
            .into_values()
            .map(|(t, values)| {
                let (mean, error) = quench_stats::mean_and_standard_error(&values);
                (t, mean, error)
            })
            .collect()
    }

    /// Round trips per sample at `point`: (mean, standard error).
    pub fn round_trips(&self, point: usize) -> (f64, f64) {
        let t = &self.exchange;
        let (points, pairs, trips) = (
            t.integers("point"),
            t.integers("pair"),
            t.integers("round_trips"),
        );
        let values: Vec<f64> = (0..t.rows())
            .filter(|&i| points[i] == point as u64 && pairs[i] == 0)
            .map(|i| trips[i] as f64)
            .collect();
        quench_stats::mean_and_standard_error(&values)
    }

    /// A legend label for a grid point, e.g. `N = 64` or `L = 8, h = 0.3`.
    pub fn point_label(&self, point: usize, with_field: bool) -> String {
        let p = &self.spec.points[point];
        let size = match self.spec.size_key {
            super::spec::SizeKey::N => format!("N = {}", p.size),
            super::spec::SizeKey::Length => format!("L = {}", p.size),
        };
        if with_field {
            format!("{size}, h = {}", p.field)
        } else {
            size
        }
    }

    /// Grid points grouped by field, in grid order.
    pub fn field_groups(&self) -> Vec<(f64, Vec<usize>)> {
        let mut groups: Vec<(f64, Vec<usize>)> = Vec::new();
        for p in &self.spec.points {
            match groups.iter_mut().find(|g| g.0 == p.field) {
                Some(group) => group.1.push(p.index),
                None => groups.push((p.field, vec![p.index])),
            }
        }
        groups
    }
}

/// Figures of one field group, added to `report`; returns their stems.
fn figures_of_group(
    results: &Results,
    report: &mut ReportBuilder,
    field: f64,
    points: &[usize],
    suffix: &str,
) -> Result<FigureStems, RunError> {
    let mut stems = Vec::new();
    let in_field = if results.field_groups().len() > 1 || field != 0.0 {
        format!(", h = {field}")
    } else {
        String::new()
    };
    let name = &results.spec.name;
    let data = |observable: &str| -> Vec<Series> {
        points
            .iter()
            .map(|&p| Series {
                label: results.point_label(p, false),
                points: results.disorder_curve(p, observable),
                kind: SeriesKind::Data,
                group: None,
            })
            .filter(|s| !s.points.is_empty())
            .collect()
    };
    let reference_lines = |points: &[usize]| -> Vec<(f64, String)> {
        let mut lines: Vec<(f64, String)> = Vec::new();
        for &p in points {
            for (curve, values) in results.theory_curves(p, "critical_temperature") {
                for (t, _) in values {
                    if !lines.iter().any(|l| l.0 == t) {
                        lines.push((t, format!("T_c = {t:.4} ({curve})")));
                    }
                }
            }
        }
        lines
    };
    let mut plot = |stem: &str,
                    title: String,
                    y_label: &str,
                    mut series: Vec<Series>,
                    theory_observable: Option<&str>,
                    lines: bool|
     -> Result<(), RunError> {
        if series.is_empty() {
            return Ok(());
        }
        if let Some(observable) = theory_observable {
            let mut seen: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
            for &p in points {
                for (curve, values) in results.theory_curves(p, observable) {
                    if seen.iter().any(|(c, v)| c == &curve && v == &values) {
                        continue;
                    }
                    let label = if points.len() > 1
                        && results.theory_curves(points[0], observable).get(&curve) != Some(&values)
                    {
                        format!("{curve}, {}", results.point_label(p, false))
                    } else {
                        curve.clone()
                    };
                    series.push(Series {
                        label,
                        points: values.iter().map(|&(t, v)| (t, v, f64::NAN)).collect(),
                        kind: SeriesKind::Theory,
                        group: None,
                    });
                    seen.push((curve, values));
                }
            }
        }
        let figure = Figure {
            title,
            x_label: "temperature T".into(),
            y_label: y_label.into(),
            series,
            vertical_lines: if lines {
                reference_lines(points)
            } else {
                Vec::new()
            },
        };
        let stem = format!("{stem}{suffix}");
        stems.push((stem.clone(), figure.title.clone()));
        report.figure(stem, figure);
        Ok(())
    };
    plot(
        "energy",
        format!("{name}: energy per spin{in_field}"),
        "[<E>]/N",
        data("energy"),
        Some("energy"),
        false,
    )?;
    plot(
        "binder",
        format!("{name}: Binder cumulant{in_field}"),
        "g = (3 - [<q^4>]/[<q^2>]^2)/2",
        data("binder_cumulant"),
        None,
        true,
    )?;
    plot(
        "correlation_length",
        format!("{name}: correlation length{in_field}"),
        "xi_L / L",
        data("correlation_length_over_length"),
        None,
        true,
    )?;
    plot(
        "ultrametricity",
        format!("{name}: ultrametric triplet test{in_field}"),
        "[<d12>]/[<d23>], gaps of the sorted |q| of replica triplets",
        data("ultrametric_gap_ratio"),
        None,
        true,
    )?;
    let ferromagnet = matches!(
        results.spec.points[points[0]].model,
        quench_core::ModelSpec::Ferromagnet { .. }
    );
    if ferromagnet {
        plot(
            "magnetisation",
            format!("{name}: magnetisation{in_field}"),
            "[<|m|>]",
            data("absolute_magnetisation"),
            None,
            true,
        )?;
    }
    // Independent chains never swap: no acceptance figure of zeros.
    let exchange: Vec<Series> = points
        .iter()
        .filter(|_| results.tempering())
        .map(|&p| Series {
            label: results.point_label(p, false),
            points: results.exchange_curve(p),
            kind: SeriesKind::Data,
            group: None,
        })
        .filter(|s| !s.points.is_empty())
        .collect();
    plot(
        "exchange",
        format!("{name}: parallel-tempering swap acceptance{in_field}"),
        "acceptance of the pair (T_k, T_k+1)",
        exchange,
        None,
        false,
    )?;

    // P(q) of the largest size at the chosen temperatures.
    let largest = *points.last().expect("a field group has points");
    let temperatures = results.spec.ladder.temperatures();
    let mut overlap_series = Vec::new();
    let mut overlap_lines = Vec::new();
    for (group, &slot) in results.spec.overlap_distribution_slots.iter().enumerate() {
        let t = temperatures[slot];
        let data = Series {
            label: format!("T = {t:.3}"),
            points: results
                .overlap_distribution(largest, t)
                .into_iter()
                .map(|(q, d)| (q, d, f64::NAN))
                .collect(),
            kind: SeriesKind::Line,
            group: Some(group),
        };
        if data.points.is_empty() {
            continue;
        }
        let atoms = results.theory_overlap_atoms(largest, t);
        if let Some(binned) = binned_distribution(&atoms, field == 0.0) {
            overlap_series.push(Series {
                label: format!("Parisi, bins of 0.1, T = {t:.3}"),
                points: binned.continuous,
                kind: SeriesKind::Theory,
                group: Some(group),
            });
            overlap_lines.extend(binned.peaks.into_iter().map(|(q, weight)| {
                let label = if q < 0.0 {
                    String::new()
                } else {
                    format!("Parisi q_max = {q:.3}, weight {weight:.2} in its bin (T = {t:.3})")
                };
                (q, label)
            }));
        }
        overlap_series.push(data);
    }
    if !overlap_series.is_empty() {
        let figure = Figure {
            title: format!(
                "{name}: overlap distribution, {}{in_field}",
                results.point_label(largest, false)
            ),
            x_label: "overlap q".into(),
            y_label: "P(q)".into(),
            series: overlap_series,
            vertical_lines: overlap_lines,
        };
        let stem = format!("overlap_distribution{suffix}");
        stems.push((stem.clone(), figure.title.clone()));
        report.figure(stem, figure);
    }
    if let Some(comparison) = tap_comparison(results, largest, field) {
        let stem = format!("tap{suffix}");
        stems.push((stem.clone(), comparison.title.clone()));
        report.figure(stem, comparison);
    }
    Ok(stems)
}

/// Temperatures of the TAP figure: the coldest ladder temperatures well above
/// the AT line (see [`tap_temperatures`]), where TAP has a single solution
/// that the Monte Carlo average can be compared with.
const TAP_TEMPERATURES: usize = 3;

/// One sample's local magnetisations at `temperature` from `sites.parquet`:
/// `(TAP, Monte Carlo, error)` by site.
pub fn site_comparison(
    sites: &Table,
    point: usize,
    sample: u64,
    temperature: f64,
) -> Vec<(f64, f64, f64)> {
    let (points, samples, temperatures) = (
        sites.integers("point"),
        sites.integers("sample"),
        sites.numbers("temperature"),
    );
    let (tap, mc, error) = (
        sites.numbers("tap"),
        sites.numbers("magnetisation"),
        sites.numbers("error"),
    );
    (0..sites.rows())
        .filter(|&i| {
            points[i] == point as u64
                && samples[i] == sample
                && (temperatures[i] - temperature).abs() < 1e-12
                && tap[i].is_finite()
        })
        .map(|i| (tap[i], mc[i], error[i]))
        .collect()
}

/// The ladder temperatures at which the TAP comparison is drawn and judged:
/// $T > 1$, or a field at least twice the AT field $h_{AT}(T)$. Closer to the
/// AT line the damped TAP iteration converges slowly or to a spurious
/// solution (Bolthausen's analysis; measured here: on N = 256 at h = 0.5 the
/// deviation jumps from O(1/N) to O(1) below T ≈ 0.7), which would judge the
/// solver, not the theory.
pub fn tap_temperatures(results: &Results, field: f64) -> Vec<f64> {
    results
        .spec
        .ladder
        .temperatures()
        .iter()
        .copied()
        .filter(|&t| {
            t > 1.0
                || quench_theory::sk::almeida_thouless_field(t)
                    .is_ok_and(|at| field.abs() >= 2.0 * at.field)
        })
        .take(TAP_TEMPERATURES)
        .collect()
}

/// TAP against Monte Carlo magnetisations of sample 0 at `point`, if measured.
fn tap_comparison(results: &Results, point: usize, field: f64) -> Option<Figure> {
    let sites = results.sites.as_ref()?;
    let mut series = Vec::new();
    for (group, t) in tap_temperatures(results, field).into_iter().enumerate() {
        let points = site_comparison(sites, point, 0, t);
        if points.is_empty() {
            continue;
        }
        series.push(Series {
            label: format!("T = {t:.3}"),
            points,
            kind: SeriesKind::Points,
            group: Some(group),
        });
    }
    if series.is_empty() {
        return None;
    }
    let extent = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0.abs().max(p.1.abs())))
        .fold(0.0, f64::max);
    series.push(Series {
        label: "m_MC = m_TAP".into(),
        points: vec![(-extent, -extent, f64::NAN), (extent, extent, f64::NAN)],
        kind: SeriesKind::Theory,
        group: None,
    });
    Some(Figure {
        title: format!(
            "{}: TAP against Monte Carlo, {}, sample 0, above the AT line",
            results.spec.name,
            results.point_label(point, field != 0.0)
        ),
        x_label: "TAP magnetisation m_i".into(),
        y_label: "Monte Carlo <s_i> (batch-means error)".into(),
        series,
        vertical_lines: Vec::new(),
    })
}

/// The Parisi $P(q)$ binned for drawing beside a measured histogram.
struct BinnedDistribution {
    /// Weight per unit $q$ in each bin between the peaks.
    continuous: Vec<(f64, f64, f64)>,
    /// The peak at $\pm q_{\max}$: `(q, weight in its bin)`.
    peaks: Vec<(f64, f64)>,
}

/// Bins of the theoretical $P(q)$ over $\[-1, 1\]$. The Parisi solution with
/// $k$ steps is a comb of $k$ atoms; bins a few steps wide turn it into a
/// density that can be read beside a histogram.
const THEORY_BINS: usize = 20;

/// Bins the atoms `(q, weight)`, $q \ge 0$, of a Parisi solution on
/// [`THEORY_BINS`] bins over $\[-1, 1\]$. Steps that crowd next to the
/// plateau (the optimiser splits the $\delta$ peak among them) fall in the
/// peak's bin, whose weight is reported separately rather than drawn as a
/// density; the density is drawn between the peaks, where the Parisi $P(q)$
/// is continuous. At $h = 0$ (`even`) $P(q)$ is even: each atom is mirrored
/// with half its weight. `None` without atoms.
fn binned_distribution(atoms: &[(f64, f64)], even: bool) -> Option<BinnedDistribution> {
    if atoms.is_empty() {
        return None;
    }
    let width = 2.0 / THEORY_BINS as f64;
    let bin = |q: f64| (((q + 1.0) / width).floor().max(0.0) as usize).min(THEORY_BINS - 1);
    let centre = |k: usize| -1.0 + (k as f64 + 0.5) * width;
    let mut mass = [0.0; THEORY_BINS];
    for &(q, w) in atoms {
        if even {
            mass[bin(q)] += w / 2.0;
            mass[bin(-q)] += w / 2.0;
        } else {
            mass[bin(q)] += w;
        }
    }
    let bottom = atoms.iter().map(|a| a.0).fold(f64::INFINITY, f64::min);
    let top = atoms.iter().map(|a| a.0).fold(f64::NEG_INFINITY, f64::max);
    let (first, last) = if even {
        (bin(-top), bin(top))
    } else {
        (bin(bottom).saturating_sub(1), bin(top))
    };
    let mut peaks = vec![(top, mass[last])];
    if even && first != last {
        peaks.push((-top, mass[first]));
    }
    let continuous = (first + 1..last)
        .map(|k| (centre(k), mass[k] / width, f64::NAN))
        .collect();
    Some(BinnedDistribution { continuous, peaks })
}

/// The figures and `report.md` of the results in `out`.
pub fn write_report(spec: &Spec, out: &Path, report: &mut ReportBuilder) -> Result<(), RunError> {
    let results = Results::read(spec, out)?;
    let groups = results.field_groups();
    let mut sections = Vec::new();
    for (i, (field, points)) in groups.iter().enumerate() {
        let suffix = if groups.len() > 1 {
            format!("-field-{i}")
        } else {
            String::new()
        };
        let stems = figures_of_group(&results, report, *field, points, &suffix)?;
        sections.push(Section {
            field: *field,
            points: points.clone(),
            figures: stems,
        });
    }
    report.markdown = super::markdown::report_markdown(&results, &sections);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The binned Parisi distribution keeps all the weight: density times bin
    /// width between the peaks plus the peaks' weights is 1.
    #[test]
    fn binned_parisi_distribution_conserves_weight() {
        let solution = quench_theory::sk::full_replica_symmetry_breaking(
            0.5,
            0.0,
            &quench_theory::sk::ParisiOptions::fast(),
        )
        .unwrap();
        let atoms: Vec<(f64, f64)> = solution
            .solution
            .order_parameter
            .iter()
            .map(|s| (s.overlap, s.x_high - s.x_low))
            .collect();
        for even in [true, false] {
            let binned = binned_distribution(&atoms, even).unwrap();
            let width = 2.0 / THEORY_BINS as f64;
            let continuous: f64 = binned.continuous.iter().map(|p| p.1 * width).sum();
            let peaks: f64 = binned.peaks.iter().map(|p| p.1).sum();
            assert!(
                (continuous + peaks - 1.0).abs() < 1e-12,
                "even {even}: {continuous} + {peaks}"
            );
            // The peak sits at q_max of the solution, the top step.
            let top = atoms.last().unwrap().0;
            assert_eq!(binned.peaks[0].0, top);
        }
        // Mirrored: the density is even.
        let binned = binned_distribution(&atoms, true).unwrap();
        let n = binned.continuous.len();
        for k in 0..n {
            let (a, b) = (binned.continuous[k], binned.continuous[n - 1 - k]);
            assert!((a.0 + b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12);
        }
    }
}
