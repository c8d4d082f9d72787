//! The models: the anisotropic Ising model and the Baxter–Wu model on the
//! triangular lattice, their energies, order parameters and local energies.
//!
//! * [`CriticalModel::Ising`]:
//!   $H = -\sum_i s_i(J_h s_{i+\hat x} + J_v s_{i+\hat y} + J_d s_{i+\hat x+\hat y})$;
//!   order parameter $|m|$, $m = \frac1N\sum_i s_i$.
//! * [`CriticalModel::BaxterWu`]: $H = -J\sum_\triangle s_is_js_k$ over the $2N$
//!   triangles. Its four ground states (all up, or two of the three sublattices
//!   down) have sublattice magnetisations $m_c = \pm 1$; the order parameter is
//!   $\sqrt{(m_0^2 + m_1^2 + m_2^2)/3}$, which is $1$ in each of them.
//!
//! The local energies of the seed's "energy configurations" are, per site,
//! the energy of the bonds or triangles it owns (those that start at it in
//! the module docs of [`crate::lattice`]), so that they sum to $H$.

use serde::{Deserialize, Serialize};

use quench_core::ParameterError;
use quench_theory::triangular::{
    BAXTER_WU_EXPONENTS, CriticalExponents, ISING_EXPONENTS, ONSAGER_CRITICAL_TEMPERATURE,
    TriangularCouplings, houtappel_critical_temperature,
};

use crate::lattice::TriangularLattice;

/// A model of this crate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum CriticalModel {
    /// The anisotropic Ising model with couplings $(J_v, J_h, J_d)$.
    Ising(TriangularCouplings),
    /// The Baxter–Wu model with coupling $J > 0$.
    BaxterWu {
        /// $J$.
        coupling: f64,
    },
}

impl CriticalModel {
    /// The square-lattice Ising model with $J = 1$.
    pub fn square_ising() -> Self {
        CriticalModel::Ising(TriangularCouplings {
            vertical: 1.0,
            horizontal: 1.0,
            diagonal: 0.0,
        })
    }

    /// The Baxter–Wu model with coupling `coupling > 0`.
    pub fn baxter_wu(coupling: f64) -> Result<Self, ParameterError> {
        if !(coupling.is_finite() && coupling > 0.0) {
            return Err(ParameterError::new(
                "coupling",
                coupling,
                "a finite coupling J > 0 (ferromagnetic Baxter-Wu model)",
            ));
        }
        Ok(CriticalModel::BaxterWu { coupling })
    }

    /// Checks that the model fits the lattice: Baxter–Wu needs both sides
    /// divisible by 3 (its ground states are three-sublattice states).
    pub fn check_lattice(&self, lattice: &TriangularLattice) -> Result<(), ParameterError> {
        if matches!(self, CriticalModel::BaxterWu { .. }) && !lattice.is_three_colourable() {
            return Err(ParameterError::new(
                "length",
                format!("{} x {}", lattice.width(), lattice.height()),
                "sides divisible by 3 for the Baxter-Wu model (its ground states have three sublattices)",
            ));
        }
        Ok(())
    }

    /// The exact critical temperature of the infinite lattice.
    pub fn critical_temperature(&self) -> f64 {
        match self {
            CriticalModel::Ising(couplings) => houtappel_critical_temperature(couplings)
                .expect("checked couplings have a ferromagnetic ground state and one T_c"),
            CriticalModel::BaxterWu { coupling } => coupling * ONSAGER_CRITICAL_TEMPERATURE,
        }
    }

    /// The exponents of the model's universality class.
    pub fn exponents(&self) -> CriticalExponents {
        match self {
            CriticalModel::Ising(_) => ISING_EXPONENTS,
            CriticalModel::BaxterWu { .. } => BAXTER_WU_EXPONENTS,
        }
    }

    /// A lower bound of the energy, $-\sum |J|$ over all terms.
    pub fn energy_lower_bound(&self, lattice: &TriangularLattice) -> f64 {
        let n = lattice.sites() as f64;
        match self {
            CriticalModel::Ising(c) => {
                -n * (c.vertical.abs() + c.horizontal.abs() + c.diagonal.abs())
            }
            CriticalModel::BaxterWu { coupling } => -2.0 * n * coupling.abs(),
        }
    }

    /// The energy $H$ of a configuration.
    pub fn energy(&self, lattice: &TriangularLattice, spins: &[i8]) -> f64 {
        (0..spins.len())
            .map(|site| self.site_energy(lattice, spins, site))
            .sum()
    }

    /// The energy of the bonds (Ising) or triangles (Baxter–Wu) owned by each
    /// site (module docs); they sum to $H$.
    pub fn local_energies(&self, lattice: &TriangularLattice, spins: &[i8], out: &mut [f64]) {
        for (site, value) in out.iter_mut().enumerate() {
            *value = self.site_energy(lattice, spins, site);
        }
    }

    /// The energy owned by one site.
    fn site_energy(&self, lattice: &TriangularLattice, spins: &[i8], site: usize) -> f64 {
        let row = lattice.neighbours(site);
        let s = f64::from(spins[site]);
        let right = f64::from(spins[row[0] as usize]);
        let up = f64::from(spins[row[2] as usize]);
        let corner = f64::from(spins[row[4] as usize]);
        match self {
            CriticalModel::Ising(c) => {
                -s * (c.horizontal * right + c.vertical * up + c.diagonal * corner)
            }
            CriticalModel::BaxterWu { coupling } => -coupling * s * corner * (right + up),
        }
    }

    /// The order parameter: $|m|$ for Ising, the root mean square of the three
    /// sublattice magnetisations for Baxter–Wu (module docs).
    pub fn order_parameter(&self, lattice: &TriangularLattice, spins: &[i8]) -> f64 {
        match self {
            CriticalModel::Ising(_) => {
                let sum: i64 = spins.iter().map(|&s| i64::from(s)).sum();
                (sum as f64 / spins.len() as f64).abs()
            }
            CriticalModel::BaxterWu { .. } => {
                let mut sums = [0i64; 3];
                let mut counts = [0usize; 3];
                for (site, &s) in spins.iter().enumerate() {
                    let colour = lattice.colour(site);
                    sums[colour] += i64::from(s);
                    counts[colour] += 1;
                }
                let squares: f64 = (0..3)
                    .map(|c| {
                        let m = sums[c] as f64 / counts[c].max(1) as f64;
                        m * m
                    })
                    .sum();
                (squares / 3.0).sqrt()
            }
        }
    }
}
