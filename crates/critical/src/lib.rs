//! # quench-critical: lattice models whose critical points are known exactly
//!
//! The models of the phase-classification experiments (a network is trained
//! to tell ordered from disordered snapshots, and finite-size scaling of its
//! output gives $T_c$ and $\nu$): the Ising model on the triangular lattice
//! with vertical, horizontal and diagonal couplings $(J_v, J_h, J_d)$ (the
//! square lattice at $J_d = 0$; critical line from Houtappel's equation in
//! [`quench_theory::triangular`]) and the Baxter–Wu three-spin model (same
//! $T_c$ as the square-lattice Ising model, four-state Potts exponents).
//!
//! ## Main types and how data flows
//!
//! ```text
//! (W, H) ──TriangularLattice::new──> TriangularLattice (neighbours, triangles, 3 colours)
//! CriticalModel (Ising(J_v, J_h, J_d) | BaxterWu(J)) ──energy / order_parameter /
//!                                                      local_energies──> f64, [f64]
//! (model, lattice, T) ──enumeration::exact_averages──> ExactAverages (N <= 22)
//! (model, &lattice, beta) ──Kernel::new──> Kernel ──step(&mut LatticeChain)──>
//!        Metropolis sweep + Wolff (Ising) / Novotny–Evertz (Baxter–Wu) clusters
//! (Kernel, LatticeChain, T, SnapshotOptions) ──snapshots::generate_snapshots──>
//!        SnapshotSet (packed spins, E and order per snapshot, tau_int of the
//!        pilot and of the kept series, the spacing they gave)
//! classifier outputs f[network][T][snapshot] ──scaling::bootstrap_curves──>
//!        ClassifierCurves (P(T), V(T) with errors, bootstrap replicas of V)
//!        ──scaling::fit_peak_with_errors──> PeakFit (mu, sigma_-, sigma_+) per L
//!        ──scaling::fit_scaling──> ScalingFit (1/nu from sigma, sigma_-, sigma_+; T*)
//! ```
//!
//! Conventions: $k_B = 1$; site $(x, y)$ has index $x + Wy$; energies per
//! site in tables, total in [`CriticalModel::energy`].

pub mod chain;
pub mod enumeration;
pub mod lattice;
pub mod model;
pub mod scaling;
pub mod snapshots;

pub use chain::{Kernel, LatticeChain};
pub use enumeration::{ExactAverages, exact_averages};
pub use lattice::{Shape, TriangularLattice};
pub use model::CriticalModel;
pub use snapshots::{
    Decorrelation, SnapshotError, SnapshotOptions, SnapshotSet, generate_snapshots,
};

#[cfg(test)]
mod tests;
