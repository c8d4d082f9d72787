//! Exact thermal averages of small lattices by enumerating all $2^N$
//! configurations: the oracle of the Monte Carlo tests.

use serde::{Deserialize, Serialize};

use quench_core::ParameterError;

use crate::lattice::TriangularLattice;
use crate::model::CriticalModel;

/// Largest lattice enumerated ($2^{22}$ configurations, a fraction of a second
/// per temperature).
pub const MAX_ENUMERATED_SITES: usize = 22;

/// Exact averages at one temperature, per site where extensive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExactAverages {
    /// $T$.
    pub temperature: f64,
    /// $\ln Z$.
    pub log_partition_function: f64,
    /// $\langle H\rangle / N$.
    pub energy: f64,
    /// $(\langle H^2\rangle - \langle H\rangle^2)/(N T^2)$.
    pub specific_heat: f64,
    /// $\langle O \rangle$, $O$ the model's order parameter.
    pub order_parameter: f64,
    /// $\langle O^2\rangle$.
    pub order_parameter_squared: f64,
}

/// Exact averages of `model` on `lattice` at each temperature in `temperatures`.
pub fn exact_averages(
    model: &CriticalModel,
    lattice: &TriangularLattice,
    temperatures: &[f64],
) -> Result<Vec<ExactAverages>, ParameterError> {
    let n = lattice.sites();
    if n > MAX_ENUMERATED_SITES {
        return Err(ParameterError::new(
            "sites",
            n,
            format!("at most {MAX_ENUMERATED_SITES} sites for exact enumeration"),
        ));
    }
    for &t in temperatures {
        if !(t.is_finite() && t > 0.0) {
            return Err(ParameterError::new("temperature", t, "a finite T > 0"));
        }
    }
    let floor = model.energy_lower_bound(lattice);
    // Per temperature: sums of w, wE, wE^2, wO, wO^2 with w = exp(-beta (E - floor)) <= 1.
    let mut sums = vec![[0.0f64; 5]; temperatures.len()];
    let mut spins = vec![1i8; n];
    for code in 0u64..(1u64 << n) {
        for (site, spin) in spins.iter_mut().enumerate() {
            *spin = if code >> site & 1 == 1 { -1 } else { 1 };
        }
        let energy = model.energy(lattice, &spins);
        let order = model.order_parameter(lattice, &spins);
        for (sum, &t) in sums.iter_mut().zip(temperatures) {
            let w = (-(energy - floor) / t).exp();
            sum[0] += w;
            sum[1] += w * energy;
            sum[2] += w * energy * energy;
            sum[3] += w * order;
            sum[4] += w * order * order;
        }
    }
    Ok(sums
        .iter()
        .zip(temperatures)
        .map(|(sum, &t)| {
            let energy = sum[1] / sum[0];
            let variance = sum[2] / sum[0] - energy * energy;
            ExactAverages {
                temperature: t,
                log_partition_function: sum[0].ln() - floor / t,
                energy: energy / n as f64,
                specific_heat: variance / (n as f64 * t * t),
                order_parameter: sum[3] / sum[0],
                order_parameter_squared: sum[4] / sum[0],
            }
        })
        .collect())
}
