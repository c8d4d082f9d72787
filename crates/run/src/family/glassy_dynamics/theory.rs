//! The Cugliandolo–Kurchan solution of a glassy-dynamics spec: one solve
//! per temperature of its (spherical) mixture, with the same final time
//! and waiting times as the simulation, and the asymptotic ageing state.
//!
//! The solutions are computed once, when the tables are made, and stored
//! (`theory_one_time.parquet`, `theory_two_time.parquet`,
//! `theory.parquet`): the report reads them back and never solves again.
//! No timing is stored, so that the tables of a run are the same bytes
//! however it ran. A solve that fails leaves its message in `theory.parquet` and no
//! curves; the simulation's tables are written all the same.

use quench_theory::dynamics::{Covariance, GridOptions, ageing, quench};
use quench_theory::pspin::spherical_p_spin;

use super::Rows;
use super::spec::GlassyDynamicsSpec;
use crate::table::Table;

/// The theory tables of `spec` (spherical systems), as `(file, table)`.
pub fn solve_all(spec: &GlassyDynamicsSpec) -> Vec<(String, Table)> {
    let terms = spec.system.terms();
    let mut one = Rows::default();
    one.declare(
        &[],
        &["temperature", "time", "energy", "lagrange_multiplier"],
    );
    let mut two = Rows::default();
    two.declare(
        &[],
        &[
            "temperature",
            "waiting_time",
            "time",
            "lag",
            "correlation",
            "integrated_response",
        ],
    );
    let mut summary = Rows::default();
    let pure = spec.system.pure_order();
    let thresholds = pure.and_then(|p| spherical_p_spin(p).ok());
    // xi(1) = sum a_p^2 / 2: the paramagnet's energy is -xi(1)/T.
    let xi_one: f64 = terms.iter().map(|t| 0.5 * t.1 * t.1).sum();
    for &temperature in &spec.temperatures {
        let options = GridOptions {
            points: spec.theory_points,
            near: GridOptions::default().near.min(spec.theory_points / 8),
            ..GridOptions::default()
        };
        let solved = Covariance::mixture(&terms)
            .map_err(|e| e.to_string())
            .and_then(|covariance| {
                quench(
                    &covariance,
                    temperature,
                    spec.final_time,
                    &spec.waiting_times,
                    &options,
                )
                .map_err(|e| e.to_string())
            });
        let asymptotic = pure
            .filter(|&p| p >= 3)
            .and_then(|p| ageing(p, temperature).ok());
        summary.number("temperature", temperature);
        summary.text("mixture", spec.system.label());
        summary.number(
            "dynamic_temperature",
            thresholds
                .as_ref()
                .map_or(f64::NAN, |t| t.dynamic_temperature),
        );
        summary.number(
            "threshold_energy",
            thresholds.as_ref().map_or(f64::NAN, |t| t.threshold_energy),
        );
        summary.number("paramagnetic_energy", -xi_one / temperature);
        summary.number(
            "plateau",
            asymptotic.as_ref().map_or(f64::NAN, |a| a.plateau),
        );
        summary.number(
            "fluctuation_dissipation_ratio",
            asymptotic
                .as_ref()
                .map_or(f64::NAN, |a| a.fluctuation_dissipation_ratio),
        );
        summary.number(
            "asymptotic_energy",
            asymptotic.as_ref().map_or(f64::NAN, |a| a.energy),
        );
        summary.number(
            "asymptotic_lagrange_multiplier",
            asymptotic
                .as_ref()
                .map_or(f64::NAN, |a| a.lagrange_multiplier),
        );
        summary.integer("grid_points", spec.theory_points as u64);
        match solved {
            Ok(q) => {
                let error = q.discretisation;
                summary.number("final_time", q.final_time);
                summary.number(
                    "energy_discretisation",
                    error.map_or(f64::NAN, |e| e.energy),
                );
                summary.number(
                    "correlation_discretisation",
                    error.map_or(f64::NAN, |e| e.correlation),
                );
                summary.number(
                    "response_discretisation",
                    error.map_or(f64::NAN, |e| e.integrated_response),
                );
                summary.text("status", "solved".to_string());
                for point in &q.one_time {
                    one.number("temperature", temperature);
                    one.number("time", point.time);
                    one.number("energy", point.energy);
                    one.number("lagrange_multiplier", point.lagrange_multiplier);
                }
                for point in &q.two_time {
                    two.number("temperature", temperature);
                    two.number("waiting_time", point.waiting_time);
                    two.number("time", point.time);
                    two.number("lag", point.time - point.waiting_time);
                    two.number("correlation", point.correlation);
                    two.number("integrated_response", point.integrated_response);
                }
            }
            Err(message) => {
                for column in [
                    "final_time",
                    "energy_discretisation",
                    "correlation_discretisation",
                    "response_discretisation",
                ] {
                    summary.number(column, f64::NAN);
                }
                summary.text("status", format!("failed: {message}"));
            }
        }
    }
    vec![
        ("theory_one_time.parquet".to_string(), one.table()),
        ("theory_two_time.parquet".to_string(), two.table()),
        ("theory.parquet".to_string(), summary.table()),
    ]
}
