//! The report of a results directory: figures and `report.md`, drawn from the stored tables.
//!
//! `quench run` calls [`write_report`] after writing the tables, and
//! `quench report DIR` calls it again on stored data: both read only the
//! directory's `spec.toml` and Parquet tables, so a report can be re-drawn
//! (after a quench upgrade, say) without re-running anything.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::RunError;
use crate::figure::{Figure, Series, SeriesKind, write_figure};
use crate::spec::Spec;
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
}

impl Results {
    /// Reads `spec.toml` and the tables of `out`.
    pub fn read(out: &Path) -> Result<Self, RunError> {
        let spec_path = out.join("spec.toml");
        if !spec_path.exists() {
            return Err(RunError::Input(format!(
                "{} is not a finished quench results directory (no spec.toml)",
                out.display()
            )));
        }
        Ok(Self {
            spec: Spec::read(&spec_path)?,
            disorder: Table::read(&out.join("disorder.parquet"))?,
            theory: Table::read(&out.join("theory.parquet"))?,
            overlaps: Table::read(&out.join("overlap_distribution.parquet"))?,
            exchange: Table::read(&out.join("exchange.parquet"))?,
        })
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
            crate::spec::SizeKey::N => format!("N = {}", p.size),
            crate::spec::SizeKey::Length => format!("L = {}", p.size),
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

/// Figures of one field group; returns the file names and the figure stems.
fn figures_of_group(
    results: &Results,
    out: &Path,
    field: f64,
    points: &[usize],
    suffix: &str,
) -> Result<(Vec<String>, FigureStems), RunError> {
    let mut files = Vec::new();
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
        files.extend(write_figure(out, &stem, &figure)?);
        stems.push((stem, figure.title));
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
    let exchange: Vec<Series> = points
        .iter()
        .map(|&p| Series {
            label: results.point_label(p, false),
            points: results.exchange_curve(p),
            kind: SeriesKind::Data,
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
    let overlap_series: Vec<Series> = results
        .spec
        .overlap_distribution_slots
        .iter()
        .map(|&slot| Series {
            label: format!("T = {:.3}", temperatures[slot]),
            points: results
                .overlap_distribution(largest, temperatures[slot])
                .into_iter()
                .map(|(q, d)| (q, d, f64::NAN))
                .collect(),
            kind: SeriesKind::Line,
        })
        .filter(|s| !s.points.is_empty())
        .collect();
    if !overlap_series.is_empty() {
        let figure = Figure {
            title: format!(
                "{name}: overlap distribution, {}{in_field}",
                results.point_label(largest, false)
            ),
            x_label: "overlap q".into(),
            y_label: "P(q)".into(),
            series: overlap_series,
            vertical_lines: Vec::new(),
        };
        let stem = format!("overlap_distribution{suffix}");
        files.extend(write_figure(out, &stem, &figure)?);
        stems.push((stem, figure.title));
    }
    Ok((files, stems))
}

/// Draws the figures and writes `report.md` for the results in `out`; returns the file names.
pub fn write_report(out: &Path) -> Result<Vec<String>, RunError> {
    let results = Results::read(out)?;
    let groups = results.field_groups();
    let mut files = Vec::new();
    let mut sections = Vec::new();
    for (i, (field, points)) in groups.iter().enumerate() {
        let suffix = if groups.len() > 1 {
            format!("-field-{i}")
        } else {
            String::new()
        };
        let (written, stems) = figures_of_group(&results, out, *field, points, &suffix)?;
        files.extend(written);
        sections.push(Section {
            field: *field,
            points: points.clone(),
            figures: stems,
        });
    }
    let markdown = crate::markdown::report_markdown(&results, &sections);
    crate::atomic::write_atomically(&out.join("report.md"), markdown.as_bytes())?;
    files.push("report.md".into());
    Ok(files)
}
