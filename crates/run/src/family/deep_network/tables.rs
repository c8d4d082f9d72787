//! The tables of a deep-network run: `layers` (one row per sample, time
//! and layer), `training` (one row per sample and time) and `moves` (one
//! row per sample).

use super::spec::DeepNetworkSpec;
use super::{DeepSample, LayerMeasure, Measurement};
use crate::error::RunError;
use crate::family::Tables;
use crate::table::{Column, Table};

/// The point's key columns for `rows` rows of point indices.
fn point_columns(spec: &DeepNetworkSpec, points: &[usize]) -> Vec<(&'static str, Column)> {
    let p = |f: &dyn Fn(usize) -> u64| Column::Integer(points.iter().map(|&k| f(k)).collect());
    vec![
        ("point", p(&|k| k as u64)),
        ("width", p(&|k| spec.points[k].architecture.width as u64)),
        ("depth", p(&|k| spec.points[k].architecture.depth as u64)),
        (
            "connectivity",
            p(&|k| spec.points[k].architecture.connectivity as u64),
        ),
        (
            "alpha",
            Column::Number(points.iter().map(|&k| spec.points[k].alpha).collect()),
        ),
        ("patterns", p(&|k| spec.points[k].patterns as u64)),
        (
            "start",
            Column::Text(
                points
                    .iter()
                    .map(|&k| spec.points[k].start.name().to_string())
                    .collect(),
            ),
        ),
    ]
}

pub(super) fn tables(spec: &DeepNetworkSpec, samples: Vec<DeepSample>) -> Result<Tables, RunError> {
    let mut out = Tables::default();
    let layer_rows: Vec<(&DeepSample, &Measurement, usize, &LayerMeasure)> = samples
        .iter()
        .flat_map(|s| {
            s.measurements
                .iter()
                .flat_map(move |m| m.layers.iter().enumerate().map(move |(l, x)| (s, m, l, x)))
        })
        .collect();
    let mut columns = point_columns(
        spec,
        &layer_rows.iter().map(|r| r.0.point).collect::<Vec<_>>(),
    );
    let number = |f: &dyn Fn(&LayerMeasure) -> f64| {
        Column::Number(layer_rows.iter().map(|r| f(r.3)).collect())
    };
    columns.extend([
        (
            "sample",
            Column::Integer(layer_rows.iter().map(|r| r.0.sample).collect()),
        ),
        (
            "sweep",
            Column::Integer(layer_rows.iter().map(|r| r.1.sweep).collect()),
        ),
        (
            "layer",
            Column::Integer(layer_rows.iter().map(|r| r.2 as u64).collect()),
        ),
        ("spin_overlap", number(&|x| x.spin)),
        ("bond_overlap", number(&|x| x.bond)),
        ("bond_overlap_squared", number(&|x| x.bond_squared)),
        ("permutation_overlap", number(&|x| x.permutation)),
        ("spin_overlap_squared", number(&|x| x.spin_squared)),
        ("teacher_spin_overlap", number(&|x| x.teacher_spin)),
        ("teacher_bond_overlap", number(&|x| x.teacher_bond)),
        ("test_spin_overlap", number(&|x| x.test_spin)),
        ("test_teacher_overlap", number(&|x| x.test_teacher)),
    ]);
    out.table("layers.parquet", Table::new(columns));

    let time_rows: Vec<(&DeepSample, &Measurement)> = samples
        .iter()
        .flat_map(|s| s.measurements.iter().map(move |m| (s, m)))
        .collect();
    let mut columns = point_columns(
        spec,
        &time_rows.iter().map(|r| r.0.point).collect::<Vec<_>>(),
    );
    columns.extend([
        (
            "sample",
            Column::Integer(time_rows.iter().map(|r| r.0.sample).collect()),
        ),
        (
            "sweep",
            Column::Integer(time_rows.iter().map(|r| r.1.sweep).collect()),
        ),
        (
            "training_error",
            Column::Number(time_rows.iter().map(|r| r.1.training_error).collect()),
        ),
        (
            "test_agreement",
            Column::Number(
                time_rows
                    .iter()
                    .map(|r| r.1.layers.last().map_or(f64::NAN, |x| x.test_teacher))
                    .collect(),
            ),
        ),
    ]);
    out.table("training.parquet", Table::new(columns));

    let mut columns = point_columns(spec, &samples.iter().map(|s| s.point).collect::<Vec<_>>());
    let mean = |v: &[f64]| {
        if v.is_empty() {
            f64::NAN
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    columns.extend([
        (
            "sample",
            Column::Integer(samples.iter().map(|s| s.sample).collect()),
        ),
        (
            "weight_acceptance",
            Column::Number(samples.iter().map(|s| s.acceptance[0]).collect()),
        ),
        (
            "spin_acceptance",
            Column::Number(samples.iter().map(|s| s.acceptance[1]).collect()),
        ),
        (
            "exchange_acceptance",
            Column::Number(
                samples
                    .iter()
                    .map(|s| mean(&s.exchange_acceptance))
                    .collect(),
            ),
        ),
    ]);
    out.table("moves.parquet", Table::new(columns));
    Ok(out)
}
