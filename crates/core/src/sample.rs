//! One quenched disorder sample: couplings, fields and geometry.
//!
//! Conventions (used everywhere in quench, $k_B = 1$):
//!
//! $$ H(s) = -\sum_{i<j} J_{ij} s_i s_j - \sum_i h_i s_i, \qquad s_i = \pm 1, $$
//!
//! where each interacting pair (a *bond*) is counted once. The local field is
//! $h^{\mathrm{loc}}_i = \sum_{j} J_{ij} s_j + h_i$ and flipping spin $i$ changes
//! the energy by $\Delta E_i = 2 s_i h^{\mathrm{loc}}_i$.

use serde::{Deserialize, Serialize};

use crate::error::{ModelError, ParameterError};
use crate::lattice::HypercubicLattice;

/// A spin value, $\pm 1$.
pub type Spin = i8;

/// One interacting pair and its coupling.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bond {
    /// First site.
    pub i: usize,
    /// Second site.
    pub j: usize,
    /// Coupling $J_{ij}$.
    pub coupling: f64,
}

/// How the spins are arranged, which decides the lattice observables
/// (link overlap, correlation length) and the available sweep orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Geometry {
    /// Every pair interacts (Sherrington–Kirkpatrick, Hopfield).
    Complete,
    /// A periodic hypercubic lattice.
    Lattice(HypercubicLattice),
    /// A sparse graph without spatial embedding (random regular, Erdős–Rényi).
    Graph,
}

/// Coupling storage: a dense symmetric matrix or compressed sparse rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Couplings {
    /// Row-major $N \times N$, symmetric, zero diagonal.
    Dense(Vec<f64>),
    /// Compressed sparse rows (each bond stored in both rows) and the bond list.
    Sparse {
        offsets: Vec<usize>,
        neighbours: Vec<u32>,
        values: Vec<f64>,
        bonds: Vec<Bond>,
    },
}

/// A quenched sample: immutable after it is drawn.
///
/// Build one from an [`crate::Ensemble`], or directly with [`Sample::dense`] or
/// [`Sample::from_bonds`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    n: usize,
    couplings: Couplings,
    fields: Vec<f64>,
    has_field: bool,
    geometry: Geometry,
    coupling_variance: Option<f64>,
    patterns: Option<Vec<Spin>>,
}

impl Sample {
    /// A sample with all pairs coupled by the symmetric `matrix` (row-major, zero diagonal).
    pub fn dense(n: usize, matrix: Vec<f64>, fields: Vec<f64>) -> Result<Self, ModelError> {
        check_size(n)?;
        if matrix.len() != n * n {
            return Err(ParameterError::new(
                "couplings",
                format!("{} entries", matrix.len()),
                format!("n * n = {} entries", n * n),
            )
            .into());
        }
        for i in 0..n {
            if matrix[i * n + i] != 0.0 {
                return Err(ParameterError::new(
                    "couplings",
                    format!("J[{i}][{i}] = {}", matrix[i * n + i]),
                    "a zero diagonal",
                )
                .into());
            }
            for j in 0..i {
                if matrix[i * n + j] != matrix[j * n + i] || !matrix[i * n + j].is_finite() {
                    return Err(ParameterError::new(
                        "couplings",
                        format!(
                            "J[{i}][{j}] = {}, J[{j}][{i}] = {}",
                            matrix[i * n + j],
                            matrix[j * n + i]
                        ),
                        "a finite symmetric matrix",
                    )
                    .into());
                }
            }
        }
        let fields = check_fields(n, fields)?;
        Ok(Self {
            n,
            couplings: Couplings::Dense(matrix),
            has_field: fields.iter().any(|&h| h != 0.0),
            fields,
            geometry: Geometry::Complete,
            coupling_variance: None,
            patterns: None,
        })
    }

    /// A sample with the given bonds (each pair once; a pair may carry several
    /// bonds, whose couplings add) and per-site fields.
    pub fn from_bonds(
        n: usize,
        bonds: Vec<Bond>,
        fields: Vec<f64>,
        geometry: Geometry,
    ) -> Result<Self, ModelError> {
        check_size(n)?;
        if let Geometry::Lattice(lattice) = &geometry
            && lattice.sites() != n
        {
            return Err(ParameterError::new(
                "n",
                n,
                format!("the number of lattice sites {}", lattice.sites()),
            )
            .into());
        }
        let mut degree = vec![0usize; n];
        for bond in &bonds {
            if bond.i >= n || bond.j >= n || bond.i == bond.j || !bond.coupling.is_finite() {
                return Err(ParameterError::new(
                    "bonds",
                    format!("({}, {}, {})", bond.i, bond.j, bond.coupling),
                    format!("two distinct sites below n = {n} and a finite coupling"),
                )
                .into());
            }
            degree[bond.i] += 1;
            degree[bond.j] += 1;
        }
        let mut offsets = vec![0usize; n + 1];
        for i in 0..n {
            offsets[i + 1] = offsets[i] + degree[i];
        }
        let mut fill = offsets.clone();
        let mut neighbours = vec![0u32; offsets[n]];
        let mut values = vec![0.0; offsets[n]];
        for bond in &bonds {
            for (a, b) in [(bond.i, bond.j), (bond.j, bond.i)] {
                neighbours[fill[a]] = b as u32;
                values[fill[a]] = bond.coupling;
                fill[a] += 1;
            }
        }
        let fields = check_fields(n, fields)?;
        Ok(Self {
            n,
            couplings: Couplings::Sparse {
                offsets,
                neighbours,
                values,
                bonds,
            },
            has_field: fields.iter().any(|&h| h != 0.0),
            fields,
            geometry,
            coupling_variance: None,
            patterns: None,
        })
    }

    /// Records the variance $\overline{J^2} - \overline{J}^2$ of the ensemble the
    /// couplings were drawn from (used by the Gaussian energy/link-overlap identity).
    pub fn with_coupling_variance(mut self, variance: f64) -> Self {
        self.coupling_variance = Some(variance);
        self
    }

    /// Attaches the patterns a Hopfield sample was built from ($P \times N$, row-major).
    pub fn with_patterns(mut self, patterns: Vec<Spin>) -> Self {
        self.patterns = Some(patterns);
        self
    }

    /// Number of spins $N$.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The geometry.
    pub fn geometry(&self) -> &Geometry {
        &self.geometry
    }

    /// The lattice, if the sample lives on one.
    pub fn lattice(&self) -> Option<&HypercubicLattice> {
        match &self.geometry {
            Geometry::Lattice(lattice) => Some(lattice),
            _ => None,
        }
    }

    /// External field $h_i$.
    pub fn field(&self, i: usize) -> f64 {
        self.fields[i]
    }

    /// All external fields.
    pub fn fields(&self) -> &[f64] {
        &self.fields
    }

    /// Whether any external field is non-zero.
    pub fn has_field(&self) -> bool {
        self.has_field
    }

    /// Variance of the coupling distribution, when the sample came from a
    /// Gaussian ensemble (see [`crate::observables::gaussian_energy_from_link_overlap`]).
    pub fn coupling_variance(&self) -> Option<f64> {
        self.coupling_variance
    }

    /// Hopfield patterns ($P \times N$, row-major), if any.
    pub fn patterns(&self) -> Option<&[Spin]> {
        self.patterns.as_deref()
    }

    /// What this sample is made of (see [`crate::Structure`]): the facts
    /// that decide which kernels apply to it.
    pub fn structure(&self) -> crate::Structure {
        let n = self.n;
        let (dense, bonds, regular_degree, uniform_magnitude) = match &self.couplings {
            Couplings::Dense(matrix) => {
                let magnitude = if n >= 2 { matrix[1].abs() } else { 1.0 };
                let uniform = magnitude != 0.0
                    && (0..n)
                        .all(|i| (0..n).all(|j| i == j || matrix[i * n + j].abs() == magnitude));
                (true, 0, None, uniform)
            }
            Couplings::Sparse { offsets, bonds, .. } => {
                let degree = |i: usize| offsets[i + 1] - offsets[i];
                let regular = (n > 0 && degree(0) > 0 && (1..n).all(|i| degree(i) == degree(0)))
                    .then(|| degree(0));
                let magnitude = bonds.first().map_or(1.0, |b| b.coupling.abs());
                let uniform =
                    magnitude != 0.0 && bonds.iter().all(|b| b.coupling.abs() == magnitude);
                (false, bonds.len(), regular, uniform)
            }
        };
        crate::Structure {
            n,
            dense,
            bonds,
            regular_degree,
            uniform_magnitude,
            field: self.has_field(),
            two_colourable: self.two_colouring().is_some(),
            shared_graph: !matches!(self.geometry, Geometry::Graph),
        }
    }

    /// Whether the couplings are stored densely (every pair).
    pub fn is_dense(&self) -> bool {
        matches!(self.couplings, Couplings::Dense(_))
    }

    /// Number of bonds $N_b$: $N(N-1)/2$ for dense samples, the bond count otherwise.
    pub fn bond_count(&self) -> usize {
        match &self.couplings {
            Couplings::Dense(_) => self.n * (self.n - 1) / 2,
            Couplings::Sparse { bonds, .. } => bonds.len(),
        }
    }

    /// The bonds of a sparse sample (`None` for dense samples: use [`Sample::coupling`]).
    pub fn bonds(&self) -> Option<&[Bond]> {
        match &self.couplings {
            Couplings::Dense(_) => None,
            Couplings::Sparse { bonds, .. } => Some(bonds),
        }
    }

    /// The coupling $J_{ij}$ (summed over parallel bonds).
    pub fn coupling(&self, i: usize, j: usize) -> f64 {
        match &self.couplings {
            Couplings::Dense(matrix) => matrix[i * self.n + j],
            Couplings::Sparse {
                offsets,
                neighbours,
                values,
                ..
            } => (offsets[i]..offsets[i + 1])
                .filter(|&k| neighbours[k] as usize == j)
                .map(|k| values[k])
                .sum(),
        }
    }

    /// Row $i$ of the dense coupling matrix (`None` for sparse samples).
    pub fn dense_row(&self, i: usize) -> Option<&[f64]> {
        match &self.couplings {
            Couplings::Dense(matrix) => Some(&matrix[i * self.n..(i + 1) * self.n]),
            Couplings::Sparse { .. } => None,
        }
    }

    /// Neighbours of site `i` with their couplings; for dense samples every $j \ne i$.
    pub fn neighbours(&self, i: usize) -> Neighbours<'_> {
        match &self.couplings {
            Couplings::Dense(matrix) => Neighbours::Dense {
                row: &matrix[i * self.n..(i + 1) * self.n],
                site: i,
                next: 0,
            },
            Couplings::Sparse {
                offsets,
                neighbours,
                values,
                ..
            } => Neighbours::Sparse {
                neighbours: &neighbours[offsets[i]..offsets[i + 1]],
                values: &values[offsets[i]..offsets[i + 1]],
                next: 0,
            },
        }
    }

    /// Whether every coupling is $\ge 0$ (a ferromagnet: cluster moves apply).
    pub fn is_ferromagnetic(&self) -> bool {
        match &self.couplings {
            Couplings::Dense(matrix) => matrix.iter().all(|&j| j >= 0.0),
            Couplings::Sparse { values, .. } => values.iter().all(|&j| j >= 0.0),
        }
    }

    /// Local field $h^{\mathrm{loc}}_i = \sum_j J_{ij} s_j + h_i$.
    #[inline]
    pub fn local_field(&self, i: usize, spins: &[Spin]) -> f64 {
        let coupling_part = match &self.couplings {
            Couplings::Dense(matrix) => {
                let row = &matrix[i * self.n..(i + 1) * self.n];
                row.iter()
                    .zip(spins)
                    .map(|(&j, &s)| j * f64::from(s))
                    .sum::<f64>()
            }
            Couplings::Sparse {
                offsets,
                neighbours,
                values,
                ..
            } => {
                let (start, end) = (offsets[i], offsets[i + 1]);
                neighbours[start..end]
                    .iter()
                    .zip(&values[start..end])
                    .map(|(&j, &v)| v * f64::from(spins[j as usize]))
                    .sum::<f64>()
            }
        };
        coupling_part + self.fields[i]
    }

    /// All local fields.
    pub fn local_fields(&self, spins: &[Spin]) -> Vec<f64> {
        (0..self.n).map(|i| self.local_field(i, spins)).collect()
    }

    /// Energy change $\Delta E_i = 2 s_i h^{\mathrm{loc}}_i$ of flipping spin `i`.
    #[inline]
    pub fn delta_energy(&self, i: usize, spins: &[Spin]) -> f64 {
        2.0 * f64::from(spins[i]) * self.local_field(i, spins)
    }

    /// Coupling part of the energy, $-\sum_{i<j} J_{ij} s_i s_j$.
    pub fn coupling_energy(&self, spins: &[Spin]) -> f64 {
        match &self.couplings {
            Couplings::Dense(matrix) => {
                let mut total = 0.0;
                for i in 0..self.n {
                    let row = &matrix[i * self.n..i * self.n + i];
                    let partial: f64 = row.iter().zip(spins).map(|(&j, &s)| j * f64::from(s)).sum();
                    total += f64::from(spins[i]) * partial;
                }
                -total
            }
            Couplings::Sparse { bonds, .. } => -bonds
                .iter()
                .map(|b| b.coupling * f64::from(spins[b.i] * spins[b.j]))
                .sum::<f64>(),
        }
    }

    /// Field part of the energy, $-\sum_i h_i s_i$.
    pub fn field_energy(&self, spins: &[Spin]) -> f64 {
        if !self.has_field {
            return 0.0;
        }
        -self
            .fields
            .iter()
            .zip(spins)
            .map(|(&h, &s)| h * f64::from(s))
            .sum::<f64>()
    }

    /// Energy $H(s)$.
    pub fn energy(&self, spins: &[Spin]) -> f64 {
        self.coupling_energy(spins) + self.field_energy(spins)
    }

    /// Checks that `spins` has length $N$ and only $\pm 1$ entries.
    pub fn check_spins(&self, spins: &[Spin]) -> Result<(), ModelError> {
        if spins.len() != self.n {
            return Err(ModelError::Configuration {
                reason: format!(
                    "it has {} spins, the sample has n = {}",
                    spins.len(),
                    self.n
                ),
            });
        }
        if let Some(i) = spins.iter().position(|&s| s != 1 && s != -1) {
            return Err(ModelError::Configuration {
                reason: format!("spin {i} is {}, allowed are +1 and -1", spins[i]),
            });
        }
        Ok(())
    }

    /// A proper two-colouring of the interaction graph (colour 0 or 1 per
    /// site), if one exists: the checkerboard of an even lattice, or a
    /// breadth-first colouring of a bipartite sparse graph.
    pub fn two_colouring(&self) -> Option<Vec<u8>> {
        match &self.geometry {
            Geometry::Lattice(lattice) if lattice.is_bipartite() => {
                return Some((0..self.n).map(|i| lattice.parity(i)).collect());
            }
            Geometry::Lattice(_) => return None,
            _ => {}
        }
        if self.is_dense() {
            return (self.n <= 2).then(|| (0..self.n).map(|i| i as u8).collect());
        }
        let mut colour = vec![u8::MAX; self.n];
        let mut queue = std::collections::VecDeque::new();
        for start in 0..self.n {
            if colour[start] != u8::MAX {
                continue;
            }
            colour[start] = 0;
            queue.push_back(start);
            while let Some(i) = queue.pop_front() {
                for (j, _) in self.neighbours(i) {
                    if colour[j] == u8::MAX {
                        colour[j] = 1 - colour[i];
                        queue.push_back(j);
                    } else if colour[j] == colour[i] {
                        return None;
                    }
                }
            }
        }
        Some(colour)
    }
}

/// Iterator over `(neighbour, coupling)` pairs of one site.
pub enum Neighbours<'a> {
    /// Every other site of a dense sample.
    Dense {
        /// Row of the coupling matrix.
        row: &'a [f64],
        /// The site itself (skipped).
        site: usize,
        /// Next column.
        next: usize,
    },
    /// The stored neighbours of a sparse sample.
    Sparse {
        /// Neighbour indices.
        neighbours: &'a [u32],
        /// Couplings.
        values: &'a [f64],
        /// Next entry.
        next: usize,
    },
}

impl Iterator for Neighbours<'_> {
    type Item = (usize, f64);

    fn next(&mut self) -> Option<(usize, f64)> {
        match self {
            Neighbours::Dense { row, site, next } => {
                if *next == *site {
                    *next += 1;
                }
                let j = *next;
                *next += 1;
                row.get(j).map(|&v| (j, v))
            }
            Neighbours::Sparse {
                neighbours,
                values,
                next,
            } => {
                let k = *next;
                *next += 1;
                neighbours.get(k).map(|&j| (j as usize, values[k]))
            }
        }
    }
}

fn check_size(n: usize) -> Result<(), ParameterError> {
    if n == 0 {
        Err(ParameterError::new("n", n, "a positive integer"))
    } else {
        Ok(())
    }
}

fn check_fields(n: usize, fields: Vec<f64>) -> Result<Vec<f64>, ParameterError> {
    let fields = if fields.is_empty() {
        vec![0.0; n]
    } else {
        fields
    };
    if fields.len() != n {
        return Err(ParameterError::new(
            "field",
            format!("{} values", fields.len()),
            format!("n = {n} values, or none"),
        ));
    }
    if let Some(h) = fields.iter().find(|h| !h.is_finite()) {
        return Err(ParameterError::new("field", h, "finite real numbers"));
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_configurations(n: usize) -> impl Iterator<Item = Vec<Spin>> {
        (0..1u32 << n).map(move |bits| {
            (0..n)
                .map(|i| if bits >> i & 1 == 1 { -1 } else { 1 })
                .collect()
        })
    }

    #[test]
    fn dense_and_sparse_storage_agree_on_energies_and_fields() {
        let n = 5;
        let mut matrix = vec![0.0; n * n];
        let mut bonds = Vec::new();
        for i in 0..n {
            for j in 0..i {
                let value = ((i * 7 + j * 3) % 5) as f64 - 2.0 + 0.25;
                matrix[i * n + j] = value;
                matrix[j * n + i] = value;
                bonds.push(Bond {
                    i: j,
                    j: i,
                    coupling: value,
                });
            }
        }
        let fields: Vec<f64> = (0..n).map(|i| 0.1 * i as f64 - 0.2).collect();
        let dense = Sample::dense(n, matrix, fields.clone()).unwrap();
        let sparse = Sample::from_bonds(n, bonds, fields, Geometry::Graph).unwrap();
        for spins in all_configurations(n) {
            let e = dense.energy(&spins);
            assert!((e - sparse.energy(&spins)).abs() < 1e-12);
            for i in 0..n {
                let mut flipped = spins.clone();
                flipped[i] = -flipped[i];
                let change = dense.energy(&flipped) - e;
                assert!((dense.delta_energy(i, &spins) - change).abs() < 1e-12);
                assert!((sparse.delta_energy(i, &spins) - change).abs() < 1e-12);
            }
        }
        assert_eq!(
            dense.neighbours(2).map(|(j, _)| j).collect::<Vec<_>>(),
            vec![0, 1, 3, 4]
        );
        assert_eq!(dense.bond_count(), sparse.bond_count());
    }

    #[test]
    fn invalid_inputs_are_refused() {
        assert!(Sample::dense(0, vec![], vec![]).is_err());
        assert!(Sample::dense(2, vec![0.0, 1.0, 2.0, 0.0], vec![]).is_err());
        assert!(Sample::dense(2, vec![1.0, 1.0, 1.0, 0.0], vec![]).is_err());
        let bond = Bond {
            i: 0,
            j: 0,
            coupling: 1.0,
        };
        assert!(Sample::from_bonds(2, vec![bond], vec![], Geometry::Graph).is_err());
        let sample = Sample::dense(2, vec![0.0, 1.0, 1.0, 0.0], vec![]).unwrap();
        assert!(sample.check_spins(&[1, 0]).is_err());
        assert!(sample.check_spins(&[1]).is_err());
        assert!(sample.check_spins(&[1, -1]).is_ok());
    }
}
