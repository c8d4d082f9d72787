//! Periodic hypercubic lattices.
//!
//! Site $i$ has coordinates $(x_0, \dots, x_{d-1})$ with $0 \le x_a < L$ and index
//! $i = \sum_a x_a L^a$. Each site has $2d$ bonds, one to each of its
//! neighbours $x \pm e_a$ (periodic); the lattice has $N = L^d$ sites and
//! $N_b = d N$ bonds, listed as the forward bonds $(i, i + e_a)$. For $L = 2$ the
//! forward and backward neighbours coincide and two distinct bonds join the
//! same pair, as on a torus of length 2.

use serde::{Deserialize, Serialize};

use crate::error::ParameterError;

/// Largest dimension accepted (the tests and physics cover 1 to 4).
pub const MAX_DIMENSION: usize = 8;

/// A periodic hypercubic lattice of side `length` in `dimension` dimensions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HypercubicLattice {
    dimension: usize,
    length: usize,
}

impl HypercubicLattice {
    /// A lattice of side `length >= 2` in `1 <= dimension <= MAX_DIMENSION`.
    pub fn new(dimension: usize, length: usize) -> Result<Self, ParameterError> {
        if dimension == 0 || dimension > MAX_DIMENSION {
            return Err(ParameterError::new(
                "dimension",
                dimension,
                format!("an integer 1 <= dimension <= {MAX_DIMENSION}"),
            ));
        }
        if length < 2 {
            return Err(ParameterError::new(
                "length",
                length,
                "an integer length >= 2",
            ));
        }
        let sites = (length as u128).checked_pow(dimension as u32);
        if sites.is_none_or(|n| n > u32::MAX as u128) {
            return Err(ParameterError::new(
                "length",
                length,
                format!("length^dimension < 2^32 (dimension = {dimension})"),
            ));
        }
        Ok(Self { dimension, length })
    }

    /// Spatial dimension $d$.
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// Side length $L$.
    pub fn length(&self) -> usize {
        self.length
    }

    /// Number of sites $N = L^d$.
    pub fn sites(&self) -> usize {
        self.length.pow(self.dimension as u32)
    }

    /// Coordination number $z = 2d$.
    pub fn coordination(&self) -> usize {
        2 * self.dimension
    }

    /// Coordinate $x_a$ of site `site` along `axis`.
    pub fn coordinate(&self, site: usize, axis: usize) -> usize {
        (site / self.length.pow(axis as u32)) % self.length
    }

    /// The neighbour of `site` one step along `axis`, forward (`+1`) or backward.
    pub fn neighbour(&self, site: usize, axis: usize, forward: bool) -> usize {
        let stride = self.length.pow(axis as u32);
        let x = self.coordinate(site, axis);
        let moved = if forward {
            (x + 1) % self.length
        } else {
            (x + self.length - 1) % self.length
        };
        site + moved * stride - x * stride
    }

    /// The forward bonds $(i, i + e_a)$, ordered by site then axis: $N_b = dN$ bonds.
    pub fn bonds(&self) -> Vec<(usize, usize)> {
        let mut bonds = Vec::with_capacity(self.sites() * self.dimension);
        for site in 0..self.sites() {
            for axis in 0..self.dimension {
                bonds.push((site, self.neighbour(site, axis, true)));
            }
        }
        bonds
    }

    /// Parity $\sum_a x_a \bmod 2$ of a site: the checkerboard colour. It is a
    /// proper two-colouring only when $L$ is even.
    pub fn parity(&self, site: usize) -> u8 {
        ((0..self.dimension)
            .map(|a| self.coordinate(site, a))
            .sum::<usize>()
            % 2) as u8
    }

    /// Whether the checkerboard colouring is proper (no bond joins equal colours).
    pub fn is_bipartite(&self) -> bool {
        self.length.is_multiple_of(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_and_bonds_of_a_small_torus() {
        let lattice = HypercubicLattice::new(2, 3).unwrap();
        assert_eq!(lattice.sites(), 9);
        // site 5 = (2, 1)
        assert_eq!(lattice.neighbour(5, 0, true), 3);
        assert_eq!(lattice.neighbour(5, 0, false), 4);
        assert_eq!(lattice.neighbour(5, 1, true), 8);
        assert_eq!(lattice.neighbour(5, 1, false), 2);
        assert_eq!(lattice.bonds().len(), 18);
        // every site appears in exactly 2d bond ends
        let mut degree = [0; 9];
        for (i, j) in lattice.bonds() {
            degree[i] += 1;
            degree[j] += 1;
        }
        assert!(degree.iter().all(|&k| k == 4));
    }

    #[test]
    fn checkerboard_is_proper_only_for_even_length() {
        for length in [2, 3, 4, 5] {
            let lattice = HypercubicLattice::new(3, length).unwrap();
            let proper = lattice
                .bonds()
                .iter()
                .all(|&(i, j)| lattice.parity(i) != lattice.parity(j));
            assert_eq!(proper, lattice.is_bipartite(), "L = {length}");
        }
    }

    #[test]
    fn bad_sizes_are_rejected_with_the_parameter_named() {
        let error = HypercubicLattice::new(0, 4).unwrap_err();
        assert_eq!(error.parameter, "dimension");
        let error = HypercubicLattice::new(2, 1).unwrap_err();
        assert_eq!(error.parameter, "length");
        assert!(error.to_string().contains("length >= 2"));
        assert!(HypercubicLattice::new(8, 1 << 10).is_err());
    }
}
