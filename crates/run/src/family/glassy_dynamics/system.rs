//! What a glassy-dynamics experiment quenches: a spherical $p$-spin
//! mixture, an Ising $p$-spin glass (dense or diluted) or an
//! Edwards–Anderson ±J lattice; its labels and the memory of its couplings.

use quench_dynamics::Mixture;
use quench_dynamics::spherical::coupling_memory;

/// The system quenched.
#[derive(Debug, Clone, PartialEq)]
pub enum System {
    /// Spherical spins moved by Langevin dynamics.
    Spherical {
        /// The orders and coefficients.
        mixture: Mixture,
    },
    /// Ising spins, the same dense couplings as the spherical model of one
    /// order (`connectivity = None`) or a diluted hypergraph.
    Ising {
        /// The order $p$.
        order: u32,
        /// Hyperedges per site, `None` for the dense model.
        connectivity: Option<usize>,
        /// Glauber (`false`) or Metropolis (`true`).
        metropolis: bool,
    },
    /// The Sherrington–Kirkpatrick model (Gaussian couplings of variance
    /// $1/N$, the $p = 2$ Ising glass of this convention up to the diagonal),
    /// single-flip dynamics through the move seam.
    SherringtonKirkpatrick {
        /// Glauber (`false`) or Metropolis (`true`).
        metropolis: bool,
    },
    /// The Edwards–Anderson ±J spin glass on a periodic hypercubic lattice,
    /// Metropolis checkerboard sweeps with the multispin kernel (64 samples
    /// per word; no field, so no response).
    EdwardsAnderson {
        /// Lattice dimension $d$; the sizes are side lengths $L$, $N = L^d$.
        dimension: u32,
    },
}

impl System {
    /// The name in tables.
    pub fn name(&self) -> &'static str {
        match self {
            System::Spherical { .. } => "spherical-pspin",
            System::Ising { .. } => "ising-pspin",
            System::SherringtonKirkpatrick { .. } => "sherrington-kirkpatrick",
            System::EdwardsAnderson { .. } => "edwards-anderson",
        }
    }

    /// The orders with their coefficients.
    pub fn terms(&self) -> Vec<(u32, f64)> {
        match self {
            System::Spherical { mixture } => mixture
                .terms()
                .iter()
                .map(|t| (t.order, t.coefficient))
                .collect(),
            System::Ising { order, .. } => vec![(*order, 1.0)],
            System::SherringtonKirkpatrick { .. } | System::EdwardsAnderson { .. } => {
                vec![(2, 1.0)]
            }
        }
    }

    /// $N$ for the size `size` of the grid ($L^d$ on a lattice).
    pub fn spins(&self, size: usize) -> usize {
        match self {
            System::EdwardsAnderson { dimension } => size.saturating_pow(*dimension),
            _ => size,
        }
    }

    /// How a size is named in figures: `N = 64` or `L = 8`.
    pub fn size_label(&self, size: usize) -> String {
        match self {
            System::EdwardsAnderson { .. } => format!("L = {size}"),
            _ => format!("N = {size}"),
        }
    }

    /// A label such as `p = 3` or `p = 2+4` (`d = 3, ±J` on a lattice).
    pub fn label(&self) -> String {
        if let System::EdwardsAnderson { dimension } = self {
            return format!("d = {dimension}, ±J");
        }
        let orders: Vec<String> = self.terms().iter().map(|t| t.0.to_string()).collect();
        format!("p = {}", orders.join("+"))
    }

    /// The pure order, if one.
    pub fn pure_order(&self) -> Option<u32> {
        let terms = self.terms();
        (terms.len() == 1).then_some(terms[0].0)
    }

    /// Bytes of the couplings (and, for Ising, the hypergraph) at size `n`,
    /// `None` on overflow.
    pub fn memory(&self, n: usize) -> Option<u64> {
        match self {
            System::Spherical { mixture } => coupling_memory(n, mixture),
            System::Ising {
                order,
                connectivity: None,
                ..
            } => {
                // Dense couplings drawn first, then a hyperedge each (sites,
                // coupling, list entry per member).
                let mixture = Mixture::pure(*order).ok()?;
                let dense = coupling_memory(n, &mixture)?;
                dense.checked_mul(2 + 2 * u64::from(*order))
            }
            System::Ising {
                order,
                connectivity: Some(c),
                ..
            } => (n as u64)
                .checked_mul(*c as u64)?
                .checked_mul(16 + 8 * u64::from(*order)),
            // The dense symmetric matrix.
            System::SherringtonKirkpatrick { .. } => {
                (n as u64).checked_mul(n as u64)?.checked_mul(8)
            }
            // A block of 64 samples: the bond list, one coupling and three
            // spin words (state, snapshot, scratch) per site and history.
            System::EdwardsAnderson { dimension } => {
                let sites = (n as u64).checked_pow(*dimension)?;
                sites.checked_mul(16 * u64::from(*dimension) + 64)
            }
        }
    }
}
