//! The report of a deep-network run: layer profiles of the overlaps
//! between students (with the dense-limit replica-symmetric theory where
//! it applies), the teacher–student overlaps, and training error and test
//! agreement against time and load.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use quench_learn::deep::{Loss, Scenario};
use quench_learn::perceptron::WeightKind;

use super::spec::DeepNetworkSpec;
use crate::error::RunError;
use crate::family::ReportBuilder;
use crate::figure::{Figure, Series, SeriesKind};
use crate::table::Table;

/// Mean and standard error of the finite values (NaN error for one value).
fn mean_and_error(values: &[f64]) -> (f64, f64) {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let k = finite.len();
    if k == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = finite.iter().sum::<f64>() / k as f64;
    if k == 1 {
        return (mean, f64::NAN);
    }
    let variance = finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (k - 1) as f64;
    (mean, (variance / k as f64).sqrt())
}

/// The label of a point within a figure of fixed depth.
fn point_label(spec: &DeepNetworkSpec, point: usize) -> String {
    let p = &spec.points[point];
    let mut label = format!("α = {}", p.alpha);
    let widths = spec
        .points
        .iter()
        .any(|q| q.architecture.width != p.architecture.width);
    let connectivities = spec
        .points
        .iter()
        .any(|q| q.architecture.connectivity != p.architecture.connectivity);
    if widths {
        let _ = write!(label, ", N = {}", p.architecture.width);
    }
    if connectivities {
        let _ = write!(label, ", c = {}", p.architecture.connectivity);
    }
    if spec.points.iter().any(|q| q.start != p.start) {
        label.push_str(match p.start {
            super::Start::Random => ", learning",
            super::Start::Teacher => ", unlearning",
        });
    }
    label
}

/// Series style of a point: colour by its load (and width), learning joined,
/// unlearning as unjoined markers.
fn style(spec: &DeepNetworkSpec, point: usize) -> (SeriesKind, Option<usize>) {
    let mut keys: Vec<(u64, usize)> = spec
        .points
        .iter()
        .map(|p| {
            (
                p.alpha.to_bits(),
                p.architecture.width * 1000 + p.architecture.connectivity,
            )
        })
        .collect();
    keys.sort_by(|a, b| {
        f64::from_bits(a.0)
            .total_cmp(&f64::from_bits(b.0))
            .then(a.1.cmp(&b.1))
    });
    keys.dedup();
    let p = &spec.points[point];
    let key = (
        p.alpha.to_bits(),
        p.architecture.width * 1000 + p.architecture.connectivity,
    );
    let kind = if p.start == super::Start::Teacher {
        SeriesKind::Points
    } else {
        SeriesKind::Data
    };
    (kind, keys.iter().position(|&k| k == key))
}

/// Whether the dense-limit RS theory of quench-theory describes the run:
/// random data, the gap loss, spherical weights.
fn theory_applies(spec: &DeepNetworkSpec) -> bool {
    spec.scenario == Scenario::Random
        && spec.loss == Loss::Gaps
        && spec
            .points
            .iter()
            .all(|p| p.architecture.weights == WeightKind::Spherical)
}

/// Figures and `report.md` of the run in `out`.
pub fn write_report(
    spec: &DeepNetworkSpec,
    out: &Path,
    report: &mut ReportBuilder,
) -> Result<(), RunError> {
    let layers = Table::read(&out.join("layers.parquet"))?;
    let training = Table::read(&out.join("training.parquet"))?;
    let moves = Table::read(&out.join("moves.parquet"))?;
    let last = *spec.times.last().expect("at least one time");
    let (point, sweep, layer) = (
        layers.integers("point"),
        layers.integers("sweep"),
        layers.integers("layer"),
    );
    // (point, layer) -> rows at the last time.
    let mut final_rows: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for k in 0..layers.rows() {
        if sweep[k] == last {
            final_rows
                .entry((point[k] as usize, layer[k] as usize))
                .or_default()
                .push(k);
        }
    }
    let profile = |column: &str, p: usize, from: usize| -> Vec<(f64, f64, f64)> {
        let values = layers.numbers(column);
        let depth = spec.points[p].architecture.depth;
        (from..=depth)
            .filter_map(|l| {
                let rows = final_rows.get(&(p, l))?;
                let (m, e) = mean_and_error(&rows.iter().map(|&k| values[k]).collect::<Vec<_>>());
                m.is_finite().then_some((l as f64, m, e))
            })
            .collect()
    };
    let mut md = format!("# {}\n\n{}\n\n", spec.name, spec.description.trim());
    let _ = writeln!(
        md,
        "Deep perceptron networks, {} weights, {} data{}, loss {:?}, margin κ = {}; {} students per sample on the same data, {} samples (seed {}); temperatures {:?} (0: every move with ΔE ≤ 0 is made), {} sweeps, rotation step {}. Every number is the mean ± standard error over samples at the last time unless stated.\n",
        spec.points[0].architecture.weights.name(),
        match spec.scenario {
            Scenario::Random => "random",
            Scenario::Teacher { .. } => "teacher",
        },
        if spec.has_teacher() {
            format!(" (output noise {})", spec.noise())
        } else {
            String::new()
        },
        spec.loss,
        spec.margin,
        spec.replicas,
        spec.samples,
        spec.seed,
        spec.temperatures,
        spec.sweeps,
        if spec.step_per_pattern {
            format!("{} / M", spec.step)
        } else {
            format!("{}", spec.step)
        },
    );
    let depths: Vec<usize> = {
        let mut d: Vec<usize> = spec.points.iter().map(|p| p.architecture.depth).collect();
        d.sort_unstable();
        d.dedup();
        d
    };
    let with_theory = theory_applies(spec);
    // (column, stem, axis label, first layer, theory: 0 none, 1 q(l)^2, 2 Q(l)).
    let observables: [(&str, &str, &str, usize, u8); 3] = [
        (
            "spin_overlap_squared",
            "spin",
            "mean squared neuron overlap q(l)² between students",
            0,
            1,
        ),
        (
            "bond_overlap_squared",
            "bond",
            "mean squared perceptron overlap Q(l)² between students",
            1,
            2,
        ),
        (
            "permutation_overlap",
            "permutation",
            "q²(l), permutation-invariant (seed), between students",
            0,
            0,
        ),
    ];
    for &depth in &depths {
        let points: Vec<usize> = (0..spec.points.len())
            .filter(|&p| spec.points[p].architecture.depth == depth)
            .collect();
        for (column, stem, y_label, from, theory_kind) in observables {
            let mut series = Vec::new();
            // Theory curves after every data series, so that the legend
            // lists the loads in order and the theory once, last.
            let mut theories = Vec::new();
            for &p in &points {
                let (kind, group) = style(spec, p);
                series.push(Series {
                    label: point_label(spec, p),
                    points: profile(column, p, from),
                    kind,
                    group,
                });
                if !with_theory || theory_kind == 0 {
                    continue;
                }
                if let Ok(theory) = quench_theory::deep_network::deep_network_profile(
                    spec.points[p].alpha,
                    depth,
                    spec.margin,
                ) {
                    let values: Vec<(f64, f64, f64)> = if theory_kind == 1 {
                        theory
                            .q
                            .iter()
                            .enumerate()
                            .map(|(l, &q)| (l as f64, q * q, f64::NAN))
                            .collect()
                    } else {
                        theory
                            .bond_overlap
                            .iter()
                            .enumerate()
                            .map(|(l, &q)| ((l + 1) as f64, q * q, f64::NAN))
                            .collect()
                    };
                    theories.push(Series {
                        label: if theories.is_empty() {
                            "replica-symmetric theory, dense limit (dashed)".into()
                        } else {
                            String::new()
                        },
                        points: values,
                        kind: SeriesKind::Theory,
                        group,
                    });
                }
            }
            series.extend(theories);
            report.figure(
                format!("profile-{stem}-L{depth}"),
                Figure {
                    title: format!("{}: {y_label}, L = {depth}", spec.name),
                    x_label: "layer l".into(),
                    y_label: y_label.into(),
                    series,
                    vertical_lines: Vec::new(),
                },
            );
            let _ = writeln!(
                md,
                "![{y_label}, L = {depth}](profile-{stem}-L{depth}.svg)\n"
            );
        }
        if spec.has_teacher() {
            let series = points
                .iter()
                .map(|&p| Series {
                    label: point_label(spec, p),
                    points: profile("test_teacher_overlap", p, 0),
                    kind: style(spec, p).0,
                    group: style(spec, p).1,
                })
                .collect();
            report.figure(
                format!("teacher-profile-L{depth}"),
                Figure {
                    title: format!(
                        "{}: student–teacher overlap on fresh inputs, L = {depth}",
                        spec.name
                    ),
                    x_label: "layer l".into(),
                    y_label: "r(l) on test inputs".into(),
                    series,
                    vertical_lines: Vec::new(),
                },
            );
            let _ = writeln!(
                md,
                "![student-teacher overlap per layer, L = {depth}](teacher-profile-L{depth}.svg)\n"
            );
        }
    }
    // Against time: training error and (with a teacher) the test agreement.
    let (t_point, t_sweep) = (training.integers("point"), training.integers("sweep"));
    let time_series = |column: &str, p: usize| -> Vec<(f64, f64, f64)> {
        let values = training.numbers(column);
        spec.times
            .iter()
            .filter_map(|&t| {
                let at: Vec<f64> = (0..training.rows())
                    .filter(|&k| t_point[k] as usize == p && t_sweep[k] == t)
                    .map(|k| values[k])
                    .collect();
                let (m, e) = mean_and_error(&at);
                m.is_finite().then_some(((t as f64).log10(), m, e))
            })
            .collect()
    };
    let mut time_figures = vec![("training_error", "training-error", "training error")];
    if spec.has_teacher() {
        time_figures.push(("test_agreement", "test-agreement", "test agreement r_test"));
    }
    let mut alphas: Vec<f64> = spec.points.iter().map(|p| p.alpha).collect();
    alphas.sort_by(f64::total_cmp);
    alphas.dedup();
    let final_value = |column: &str, p: usize| -> (f64, f64) {
        let values = training.numbers(column);
        mean_and_error(
            &(0..training.rows())
                .filter(|&k| t_point[k] as usize == p && t_sweep[k] == last)
                .map(|k| values[k])
                .collect::<Vec<_>>(),
        )
    };
    for &depth in &depths {
        for &(column, stem, y_label) in &time_figures {
            // Colour by load; learning joined, unlearning as unjoined markers.
            let series = (0..spec.points.len())
                .filter(|&p| spec.points[p].architecture.depth == depth)
                .map(|p| Series {
                    label: point_label(spec, p),
                    points: time_series(column, p),
                    kind: style(spec, p).0,
                    group: style(spec, p).1,
                })
                .collect();
            report.figure(
                format!("{stem}-L{depth}"),
                Figure {
                    title: format!("{}: {y_label} against time, L = {depth}", spec.name),
                    x_label: "log10(sweeps)".into(),
                    y_label: y_label.into(),
                    series,
                    vertical_lines: Vec::new(),
                },
            );
            let _ = writeln!(
                md,
                "![{y_label} against time, L = {depth}]({stem}-L{depth}.svg)\n"
            );
        }
    }
    // Layer by layer against time, at the largest load of every depth and
    // start: the student-teacher overlap on fresh inputs (the seed's test
    // curves), or without a teacher the students' q(l)^2.
    let mut by_time: BTreeMap<(usize, usize, u64), Vec<usize>> = BTreeMap::new();
    for k in 0..layers.rows() {
        by_time
            .entry((point[k] as usize, layer[k] as usize, sweep[k]))
            .or_default()
            .push(k);
    }
    let (column, y_label, short) = if spec.has_teacher() {
        (
            "test_teacher_overlap",
            "student–teacher overlap r(l) on fresh inputs",
            "r(l), fresh inputs,",
        )
    } else {
        ("spin_overlap_squared", "q(l)² between students", "q(l)²")
    };
    let largest = alphas.last().copied().unwrap_or(f64::NAN);
    for p in (0..spec.points.len()).filter(|&p| spec.points[p].alpha == largest) {
        let q = &spec.points[p];
        let values = layers.numbers(column);
        // At most eight layers (the palette's colours): both ends and the centre.
        let depth = q.architecture.depth;
        let mut shown: Vec<usize> = if depth <= 8 {
            (1..=depth).collect()
        } else {
            vec![
                1,
                2,
                3,
                depth / 2,
                depth / 2 + 1,
                depth - 2,
                depth - 1,
                depth,
            ]
        };
        shown.dedup();
        let series = shown
            .into_iter()
            .map(|l| Series {
                label: format!("l = {l}"),
                points: spec
                    .times
                    .iter()
                    .filter_map(|&t| {
                        let rows = by_time.get(&(p, l, t))?;
                        let (m, e) =
                            mean_and_error(&rows.iter().map(|&k| values[k]).collect::<Vec<_>>());
                        m.is_finite().then_some(((t as f64).log10(), m, e))
                    })
                    .collect(),
                kind: SeriesKind::Data,
                group: None,
            })
            .collect();
        let stem = format!(
            "layers-time-L{}-N{}-{}",
            q.architecture.depth,
            q.architecture.width,
            q.start.name()
        );
        report.figure(
            stem.clone(),
            Figure {
                title: format!(
                    "{short} per layer: {}, L = {}, N = {}, α = {}",
                    match q.start {
                        super::Start::Random => "learning",
                        super::Start::Teacher => "unlearning",
                    },
                    q.architecture.depth,
                    q.architecture.width,
                    q.alpha
                ),
                x_label: "log10(sweeps)".into(),
                y_label: y_label.into(),
                series,
                vertical_lines: Vec::new(),
            },
        );
        let _ = writeln!(md, "![{y_label} per layer against time]({stem}.svg)\n");
    }
    if spec.has_teacher() && alphas.len() > 1 {
        // r_test at the last time against the load, per depth and start.
        let mut keys: Vec<(usize, super::Start, usize)> = spec
            .points
            .iter()
            .map(|p| (p.architecture.depth, p.start, p.architecture.width))
            .collect();
        keys.sort_by_key(|&(d, s, w)| (d, s == super::Start::Teacher, w));
        keys.dedup();
        let mut series: Vec<Series> = keys
            .iter()
            .enumerate()
            .map(|(group, &(depth, start, width))| Series {
                label: format!(
                    "L = {depth}{}, {}",
                    if spec.points.iter().any(|q| q.architecture.width != width) {
                        format!(", N = {width}")
                    } else {
                        String::new()
                    },
                    if start == super::Start::Teacher {
                        "unlearning"
                    } else {
                        "learning"
                    }
                ),
                points: (0..spec.points.len())
                    .filter(|&p| {
                        let q = &spec.points[p];
                        q.architecture.depth == depth
                            && q.start == start
                            && q.architecture.width == width
                    })
                    .map(|p| {
                        let (m, e) = final_value("test_agreement", p);
                        (spec.points[p].alpha.log2(), m, e)
                    })
                    .collect(),
                kind: SeriesKind::Data,
                group: Some(group),
            })
            .collect();
        if super::teacher_theory::applies(spec) {
            for &depth in &depths {
                let group_of = |start| keys.iter().position(|&(d, s, _)| d == depth && s == start);
                series.extend(super::teacher_theory::test_agreement_curves(
                    spec,
                    depth,
                    group_of(super::Start::Random),
                    group_of(super::Start::Teacher),
                ));
            }
        }
        report.figure(
            "test-agreement-alpha",
            Figure {
                title: format!(
                    "{}: test agreement at {} sweeps against the load",
                    spec.name, last
                ),
                x_label: "log2(α)".into(),
                y_label: "r_test".into(),
                series,
                vertical_lines: Vec::new(),
            },
        );
        let _ = writeln!(md, "![r_test against the load](test-agreement-alpha.svg)\n");
    }
    // The table of the last time.
    let _ = writeln!(
        md,
        "Overlaps: $q(l)$ and $Q(l)$ after fixing the sign gauge of every hidden neuron (flipping a neuron with its weights in and out changes no gap); unrelated neurons give an aligned $q(l)$ of about $\\sqrt{{2/(\\pi M)}}$. $q(l)^2$ is the unbiased, gauge-invariant mean square of the neuron overlaps $q_{{ii}}$, $(\\frac1N\\sum_i q_{{ii}}^2 - \\frac1M)/(1 - \\frac1M)$, about 0 for unrelated layers; $q^2(l)$ is the seed's permutation-invariant overlap $\\frac1N\\sum_{{ij}} q_{{ij}}^2 - N/M$, which also counts the correlations between different neurons reading common inputs. $Q(l)^2$ likewise: $(\\frac1N\\sum_k o_k^2 - \\frac1c)/(1 - \\frac1c)$ with $o_k$ the overlap of perceptron $k$'s weights, input gauge aligned (0 for independent weights).\n\n| N | L | c | α | M | start | training error | r_test | q(1) | q(L/2) | q(1)² | q(L/2)² | Q(1)² | Q(L/2)² | weight acceptance | spin acceptance |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    let (m_point, weight_acceptance, spin_acceptance) = (
        moves.integers("point"),
        moves.numbers("weight_acceptance"),
        moves.numbers("spin_acceptance"),
    );
    let format = |(m, e): (f64, f64)| {
        if !m.is_finite() {
            "–".to_string()
        } else if e.is_finite() {
            format!("{m:.4} ± {e:.4}")
        } else {
            format!("{m:.4}")
        }
    };
    let at = |column: &str, p: usize, l: usize| -> (f64, f64) {
        let values = layers.numbers(column);
        final_rows
            .get(&(p, l))
            .map_or((f64::NAN, f64::NAN), |rows| {
                mean_and_error(&rows.iter().map(|&k| values[k]).collect::<Vec<_>>())
            })
    };
    for (p, point_spec) in spec.points.iter().enumerate() {
        let a = &point_spec.architecture;
        let final_time = |column: &str| final_value(column, p);
        let acceptance = |values: &[f64]| {
            mean_and_error(
                &(0..moves.rows())
                    .filter(|&k| m_point[k] as usize == p)
                    .map(|k| values[k])
                    .collect::<Vec<_>>(),
            )
        };
        let middle = (a.depth / 2).max(1);
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            a.width,
            a.depth,
            a.connectivity,
            point_spec.alpha,
            point_spec.patterns,
            point_spec.start.name(),
            format(final_time("training_error")),
            format(final_time("test_agreement")),
            format(at("spin_overlap", p, 1.min(a.depth))),
            format(at("spin_overlap", p, middle)),
            format(at("spin_overlap_squared", p, 1.min(a.depth))),
            format(at("spin_overlap_squared", p, middle)),
            format(at("bond_overlap_squared", p, 1)),
            format(at("bond_overlap_squared", p, middle)),
            format(acceptance(weight_acceptance)),
            format(acceptance(spin_acceptance)),
        );
    }
    if with_theory {
        let _ = writeln!(
            md,
            "\nDashed: the replica-symmetric profile of the dense limit $N \\gg c \\gg 1$ (hard-core gaps, zero temperature) at the same α = M/c and κ (`quench theory deep-network`), $q(l)^2$ and $Q(l)^2$ beside the measured mean squared overlaps; the simulated networks are finite and sampled at the temperature above, so the comparison is qualitative. Replica symmetry holds only in the liquid: above α_glass = 1/m(κ)⁴ ((π/2)² ≈ 2.467 at κ = 0, L ≥ 3) the ordered RS profile drawn has a positive replicon (the boundary layers break replica symmetry), and the seed's full-RSB calculation puts this first glass transition at α_g ≈ 2.03.\n"
        );
    }
    if super::teacher_theory::applies(spec) {
        md.push_str(&super::teacher_theory::markdown(spec));
    }
    report.markdown.push_str(&md);
    Ok(())
}
