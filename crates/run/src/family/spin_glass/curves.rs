//! Theory beside simulation: the curves and reference values a report draws over the data.
//!
//! | model | curve | source |
//! |---|---|---|
//! | SK | replica-symmetric energy $u(T,h)$ and order parameter $q$ | `quench-theory` (for $h = 0$, $T > 1$: $u = -\beta/2$) |
//! | SK, below the AT line | full-RSB (Parisi) energy | `quench-theory`, `ParisiOptions::fast` (about $10^{-6}$) |
//! | SK, at the P(q) temperatures | Parisi $P(q)$ for $q \ge 0$: the steps $q_l$ of $q(x)$ as atoms of weight $x_l - x_{l-1}$ | same |
//! | SK, $h = 0$ | $T_c = 1$ | exact (Sherrington and Kirkpatrick 1975) |
//! | 2D ferromagnet, $h = 0$ | energy of the finite periodic $L \times L$ lattice; $T_c = 2/\ln(1+\sqrt2)$ | Kaufman's exact solution (`quench-exact`) |
//! | 3D Edwards–Anderson, $h = 0$ | published $T_c$ | see [`published_critical_temperature`] |
//! | random regular, $h = 0$ | $T_c$ from $(c-1)\\,\mathbb E\tanh^2(J/T_c) = 1$ | Bethe-lattice cavity instability (`quench-theory`) |
//!
//! Rows go to `theory.parquet`: `curve, point, size, spins, field, temperature, observable, overlap, value`.
//! A reference temperature is a row with `observable = "critical_temperature"` and `value` equal to it.
//! `overlap` is NaN except in the overlap-distribution rows, `overlap_atom`:
//! a weight `value` at `overlap`.

use quench_core::{CouplingDistribution, ModelSpec};
use quench_exact::kaufman::KaufmanIsing;
use quench_theory::sk::{FullReplicaBreaking, ParisiOptions};
use std::collections::HashMap;

use super::spec::Spec;
use crate::error::RunError;
use crate::table::{Column, Table};

/// Points of a theory curve across the ladder's range.
const CURVE_POINTS: usize = 81;

/// A published critical temperature with its source.
pub struct PublishedCriticalTemperature {
    /// $T_c$.
    pub temperature: f64,
    /// Its uncertainty.
    pub error: f64,
    /// Where it was published.
    pub source: &'static str,
}

/// Published $T_c$ of the $d$-dimensional Edwards–Anderson model, where known.
pub fn published_critical_temperature(
    dimension: i64,
    couplings: CouplingDistribution,
) -> Option<PublishedCriticalTemperature> {
    match (dimension, couplings) {
        // M. Hasenbusch, A. Pelissetto, E. Vicari, Phys. Rev. B 78, 214205 (2008): T_c = 1.1019(29).
        (3, CouplingDistribution::PlusMinusOne) => Some(PublishedCriticalTemperature {
            temperature: 1.1019,
            error: 0.0029,
            source: "Hasenbusch, Pelissetto, Vicari, PRB 78, 214205 (2008)",
        }),
        // H. G. Katzgraber, M. Koerner, A. P. Young, Phys. Rev. B 73, 224432 (2006): T_c = 0.951(9).
        (3, CouplingDistribution::Gaussian) => Some(PublishedCriticalTemperature {
            temperature: 0.951,
            error: 0.009,
            source: "Katzgraber, Koerner, Young, PRB 73, 224432 (2006)",
        }),
        _ => None,
    }
}

/// The curve name of the Parisi (full-RSB) solution.
pub const FULL_RSB: &str = "full RSB (Parisi)";

#[derive(Default)]
struct Rows {
    curve: Vec<String>,
    point: Vec<u64>,
    size: Vec<u64>,
    spins: Vec<u64>,
    field: Vec<f64>,
    temperature: Vec<f64>,
    observable: Vec<String>,
    overlap: Vec<f64>,
    value: Vec<f64>,
}

impl Rows {
    fn push(
        &mut self,
        spec: &Spec,
        point: usize,
        curve: &str,
        temperature: f64,
        observable: &str,
        value: f64,
    ) {
        let p = &spec.points[point];
        self.curve.push(curve.to_string());
        self.point.push(point as u64);
        self.size.push(p.size as u64);
        self.spins.push(p.ensemble.n() as u64);
        self.field.push(p.field);
        self.temperature.push(temperature);
        self.observable.push(observable.to_string());
        self.overlap.push(f64::NAN);
        self.value.push(value);
    }

    /// A row of the theoretical overlap distribution: a weight `value` at `overlap`.
    #[allow(clippy::too_many_arguments)]
    fn push_overlap(
        &mut self,
        spec: &Spec,
        point: usize,
        curve: &str,
        temperature: f64,
        observable: &str,
        overlap: f64,
        value: f64,
    ) {
        self.push(spec, point, curve, temperature, observable, value);
        *self.overlap.last_mut().expect("a row was pushed") = overlap;
    }
}

/// The theory rows of a spec's grid.
pub fn theory_table(spec: &Spec) -> Result<Table, RunError> {
    let temperatures = spec.ladder.temperatures();
    let (low, high) = (temperatures[0], temperatures[temperatures.len() - 1]);
    let grid: Vec<f64> = (0..CURVE_POINTS)
        .map(|i| low + (high - low) * i as f64 / (CURVE_POINTS - 1) as f64)
        .collect();
    let mut rows = Rows::default();
    // Grid points of different sizes share their theory: solve each (T, h) once.
    let mut parisi_cache: HashMap<(u64, u64, bool), FullReplicaBreaking> = HashMap::new();
    let mut parisi = |t: f64, h: f64, accurate: bool| -> Result<FullReplicaBreaking, RunError> {
        let key = (t.to_bits(), h.to_bits(), accurate);
        if let Some(solution) = parisi_cache.get(&key) {
            return Ok(solution.clone());
        }
        let options = if accurate {
            ParisiOptions::accurate()
        } else {
            ParisiOptions::fast()
        };
        let solution = quench_theory::sk::full_replica_symmetry_breaking(t, h, &options)
            .map_err(RunError::theory("theory curve"))?;
        parisi_cache.insert(key, solution.clone());
        Ok(solution)
    };
    let theory_failure = |e| RunError::theory("theory curve")(e);
    for point in &spec.points {
        let p = point.index;
        match &point.model {
            ModelSpec::SherringtonKirkpatrick { field, .. } => {
                // A curve is drawn where its solver converges: a ladder that
                // reaches down to T = 1e-300 gets no curve point there
                // instead of failing a finished run.
                let curve = match quench_theory::sk::replica_symmetric_curve(&grid, *field) {
                    Ok(curve) => curve,
                    Err(_) => grid
                        .iter()
                        .filter_map(|&t| quench_theory::sk::replica_symmetric(t, *field).ok())
                        .collect(),
                };
                for solution in curve {
                    let t = solution.temperature;
                    rows.push(spec, p, "replica-symmetric", t, "energy", solution.energy);
                    rows.push(spec, p, "replica-symmetric", t, "overlap", solution.overlap);
                }
                // Full RSB where replica symmetry is broken (below T = 1 at h = 0; it returns
                // the RS solution above the AT line). `fast` is good to about 1e-6 at T > 0.
                for &t in grid.iter().step_by(2).filter(|&&t| t < 1.0) {
                    let Ok(solution) = parisi(t, *field, false) else {
                        continue;
                    };
                    rows.push(spec, p, FULL_RSB, t, "energy", solution.solution.energy);
                }
                // P(q) of the Parisi solution at the temperatures where the run
                // histograms the overlap, with `accurate` options (more steps).
                for &slot in &spec.overlap_distribution_slots {
                    let t = temperatures[slot];
                    let Ok(solution) = parisi(t, *field, true) else {
                        continue;
                    };
                    // Every step q_l of the solution is an atom of weight x_l - x_(l-1);
                    // the report bins them at the histogram's resolution (a density
                    // dx/dq read off neighbouring steps is ill-conditioned where the
                    // optimiser crowds steps next to the plateau).
                    for step in &solution.solution.order_parameter {
                        rows.push_overlap(
                            spec,
                            p,
                            FULL_RSB,
                            t,
                            "overlap_atom",
                            step.overlap,
                            step.x_high - step.x_low,
                        );
                    }
                }
                if *field == 0.0 {
                    rows.push(spec, p, "exact", 1.0, "critical_temperature", 1.0);
                }
            }
            ModelSpec::Ferromagnet {
                dimension: 2,
                length,
                field,
            } if *field == 0.0 => {
                let length = *length as usize;
                let exact = KaufmanIsing::new(length, length)
                    .map_err(RunError::exact("Kaufman solution"))?;
                for &t in &grid {
                    let energy = exact
                        .energy_per_spin(1.0 / t)
                        .map_err(RunError::exact("Kaufman solution"))?;
                    rows.push(
                        spec,
                        p,
                        "exact finite lattice (Kaufman)",
                        t,
                        "energy",
                        energy,
                    );
                }
                let critical = 1.0 / quench_exact::kaufman::CRITICAL_BETA;
                rows.push(
                    spec,
                    p,
                    "exact (Onsager)",
                    critical,
                    "critical_temperature",
                    critical,
                );
            }
            ModelSpec::EdwardsAnderson {
                dimension,
                couplings,
                field,
                ..
            } if *field == 0.0 => {
                if let Some(published) = published_critical_temperature(*dimension, *couplings) {
                    let t = published.temperature;
                    rows.push(spec, p, published.source, t, "critical_temperature", t);
                }
            }
            ModelSpec::RandomRegular {
                degree,
                couplings,
                field,
                ..
            } if *field == 0.0 && *degree > 2 => {
                let t = quench_theory::cavity::paramagnetic_instability_temperature(
                    *degree as usize,
                    *couplings,
                )
                .map_err(theory_failure)?;
                rows.push(
                    spec,
                    p,
                    "Bethe lattice cavity",
                    t,
                    "critical_temperature",
                    t,
                );
            }
            ModelSpec::ErdosRenyi {
                mean_degree,
                couplings,
                field,
                ..
            } if *field == 0.0 && *mean_degree > 1.0 => {
                let graph = quench_theory::cavity::GraphEnsemble::ErdosRenyi {
                    mean_degree: *mean_degree,
                };
                let t = quench_theory::cavity::instability_temperature(graph, *couplings)
                    .map_err(theory_failure)?;
                rows.push(spec, p, "Erdős–Rényi cavity", t, "critical_temperature", t);
            }
            _ => {}
        }
    }
    Ok(Table::new(vec![
        ("curve", Column::Text(rows.curve)),
        ("point", Column::Integer(rows.point)),
        ("size", Column::Integer(rows.size)),
        ("spins", Column::Integer(rows.spins)),
        ("field", Column::Number(rows.field)),
        ("temperature", Column::Number(rows.temperature)),
        ("observable", Column::Text(rows.observable)),
        ("overlap", Column::Number(rows.overlap)),
        ("value", Column::Number(rows.value)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quench_core::CouplingDistribution;
    use quench_theory::cavity::{GraphEnsemble, instability_temperature};

    fn critical_rows(model: &str) -> Vec<(String, f64)> {
        let source = format!(
            "name = \"t\"\nseed = 1\n[model]\n{model}\ncouplings = \"pm1\"\n[grid]\nn = [16]\n\
             [ensemble]\nsamples = 1\n[algorithm]\nmethod = \"parallel-tempering\"\nreplicas = 2\n\
             equilibration_rounds = 1\nmeasurement_rounds = 1\n[temperatures]\nvalues = [1.0, 2.0]\n"
        );
        let table = theory_table(&Spec::parse("t.toml", &source).unwrap()).unwrap();
        (0..table.rows())
            .filter(|&i| table.texts("observable")[i] == "critical_temperature")
            .map(|i| (table.texts("curve")[i].clone(), table.numbers("value")[i]))
            .collect()
    }

    /// Sparse-graph runs carry their cavity T_c: regular graphs from
    /// (c - 1) E tanh^2 = 1, Erdős–Rényi graphs from c E tanh^2 = 1.
    #[test]
    fn sparse_graph_runs_carry_their_cavity_critical_temperature() {
        let pm1 = CouplingDistribution::PlusMinusOne;
        let regular = critical_rows("model = \"random-regular\"\ndegree = 3");
        let expected = instability_temperature(GraphEnsemble::RandomRegular { degree: 3 }, pm1);
        assert_eq!(
            regular,
            vec![("Bethe lattice cavity".into(), expected.unwrap())]
        );
        let poisson = critical_rows("model = \"erdos-renyi\"\nmean_degree = 3.0");
        let expected =
            instability_temperature(GraphEnsemble::ErdosRenyi { mean_degree: 3.0 }, pm1).unwrap();
        assert_eq!(poisson, vec![("Erdős–Rényi cavity".into(), expected)]);
        // 1 / artanh(1 / sqrt(3)) for c = 3, ±J.
        assert!((expected - 1.0 / (1.0 / 3f64.sqrt()).atanh()).abs() < 1e-9);
    }
}
