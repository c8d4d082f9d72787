//! What every sample of an ensemble shares, known without drawing one: the
//! facts that decide which Monte Carlo kernels apply (dense or sparse,
//! regular degree, couplings of one magnitude, a field, a two-colouring)
//! and how much memory a sample takes.
//!
//! [`crate::Ensemble::structure`] reads them from the model's parameters;
//! [`crate::Sample::structure`] from a drawn sample. The ensemble's answer is
//! a promise about every sample: where a fact could hold for one draw by
//! chance (a random graph that happens to be bipartite), the ensemble says
//! it does not hold, so a kernel chosen from it applies to every sample.

use serde::{Deserialize, Serialize};

/// The facts every sample of an ensemble shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Structure {
    /// Number of spins.
    pub n: usize,
    /// Couplings held as a dense $N \times N$ matrix (complete graphs).
    pub dense: bool,
    /// Bonds of a sparse sample ($0$ for a dense one).
    pub bonds: usize,
    /// The degree of every spin of a sparse sample, when all are equal.
    pub regular_degree: Option<usize>,
    /// Every coupling is $\pm|J|$ with one non-zero magnitude $|J|$.
    pub uniform_magnitude: bool,
    /// A non-zero field.
    pub field: bool,
    /// The sites have a proper two-colouring (checkerboard order).
    pub two_colourable: bool,
    /// Every sample has the same graph (lattices, complete graphs).
    pub shared_graph: bool,
}

impl Structure {
    /// Bytes of one sample's couplings and fields as a [`crate::Sample`]
    /// holds them (an estimate within a small factor of the allocation).
    pub fn sample_bytes(&self) -> f64 {
        let n = self.n as f64;
        let couplings = if self.dense {
            8.0 * n * n
        } else {
            // Bonds (two indices and a coupling) and the neighbour lists.
            24.0 * self.bonds as f64 + 2.0 * 16.0 * self.bonds as f64 + 24.0 * n
        };
        couplings + 8.0 * n
    }
}

#[cfg(test)]
mod tests {
    use crate::{CouplingDistribution, ModelSpec};

    /// The ensemble's structure, known without drawing, is that of every
    /// drawn sample (for random graphs: a bond count that bounds the
    /// sample's, and no two-colouring promised).
    #[test]
    fn ensemble_structure_is_that_of_its_samples() {
        use CouplingDistribution::{Gaussian, PlusMinusOne};
        let models = [
            ModelSpec::SherringtonKirkpatrick {
                n: 9,
                couplings: Gaussian,
                field: 0.0,
            },
            ModelSpec::SherringtonKirkpatrick {
                n: 9,
                couplings: PlusMinusOne,
                field: 0.3,
            },
            ModelSpec::SherringtonKirkpatrick {
                n: 2,
                couplings: PlusMinusOne,
                field: 0.0,
            },
            ModelSpec::EdwardsAnderson {
                dimension: 2,
                length: 4,
                couplings: PlusMinusOne,
                field: 0.0,
            },
            ModelSpec::EdwardsAnderson {
                dimension: 3,
                length: 3,
                couplings: Gaussian,
                field: 0.0,
            },
            ModelSpec::EdwardsAnderson {
                dimension: 2,
                length: 2,
                couplings: PlusMinusOne,
                field: 0.1,
            },
            ModelSpec::Ferromagnet {
                dimension: 1,
                length: 6,
                field: 0.0,
            },
            ModelSpec::RandomRegular {
                n: 12,
                degree: 3,
                couplings: PlusMinusOne,
                field: 0.0,
            },
            ModelSpec::RandomRegular {
                n: 12,
                degree: 4,
                couplings: Gaussian,
                field: 0.2,
            },
            ModelSpec::ErdosRenyi {
                n: 40,
                mean_degree: 3.0,
                couplings: PlusMinusOne,
                field: 0.0,
            },
            ModelSpec::Hopfield {
                n: 10,
                patterns: 1,
                field: 0.0,
            },
            ModelSpec::Hopfield {
                n: 10,
                patterns: 3,
                field: 0.1,
            },
        ];
        for model in models {
            let ensemble = model.ensemble().unwrap();
            let promised = ensemble.structure();
            for index in 0..4 {
                let found = ensemble.draw(5, index).unwrap().structure();
                let context = format!("{model:?}, sample {index}: {promised:?} vs {found:?}");
                assert_eq!(promised.n, found.n, "{context}");
                assert_eq!(promised.dense, found.dense, "{context}");
                assert_eq!(promised.regular_degree, found.regular_degree, "{context}");
                assert_eq!(
                    promised.uniform_magnitude, found.uniform_magnitude,
                    "{context}"
                );
                assert_eq!(promised.field, found.field, "{context}");
                assert_eq!(promised.shared_graph, found.shared_graph, "{context}");
                assert!(
                    !promised.two_colourable || found.two_colourable,
                    "{context}"
                );
                if matches!(model, ModelSpec::ErdosRenyi { .. }) {
                    assert!(found.bonds <= promised.bonds, "{context}");
                } else {
                    assert_eq!(promised.bonds, found.bonds, "{context}");
                }
                if promised.shared_graph {
                    assert_eq!(promised.two_colourable, found.two_colourable, "{context}");
                }
            }
        }
    }
}
