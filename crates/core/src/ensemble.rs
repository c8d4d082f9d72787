//! Disorder ensembles: the probability distribution $\mathcal P(J)$ of samples.
//!
//! A [`ModelSpec`] describes a model in the words of a spec file (signed
//! integers, so that `degree = -3` reaches validation and gets a clear message
//! instead of a parse error). [`ModelSpec::ensemble`] validates it into an
//! [`Ensemble`], whose [`Ensemble::draw`] returns the sample of a given index:
//! sample $k$ of master seed $s$ is the same on every machine and thread count.
//!
//! | model | couplings | normalisation |
//! |---|---|---|
//! | Sherrington–Kirkpatrick | every pair | Gaussian with variance $1/N$, or $\pm 1/\sqrt N$ |
//! | Edwards–Anderson | nearest neighbours, periodic $L^d$ | Gaussian with variance 1, or $\pm 1$ |
//! | ferromagnet | nearest neighbours, periodic $L^d$ | $J = 1$ |
//! | random regular | random $c$-regular graph | Gaussian with variance 1, or $\pm 1$ |
//! | Erdős–Rényi (Viana–Bray) | $G(N, c/(N-1))$ | Gaussian with variance 1, or $\pm 1$ |
//! | Hopfield | every pair | $J_{ij} = \frac1N \sum_{\mu=1}^P \xi_i^\mu \xi_j^\mu$, $\xi^\mu_i = \pm 1$ uniform |
//! | instance | read from a file ([`crate::instance`]) | as given |
//!
//! All models take an optional uniform field $h$ (the term $-h\sum_i s_i$).
//! An instance is no distribution: it is one sample, and every draw returns it.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use crate::error::{ModelError, ParameterError, finite, positive_size, spin_count};
use crate::graph;
use crate::instance::Instance;
use crate::lattice::HypercubicLattice;
use crate::rng::{Purpose, stream};
use crate::sample::{Bond, Geometry, Sample, Spin};
use crate::structure::Structure;

/// Distribution of the random couplings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CouplingDistribution {
    /// Gaussian couplings (mean 0).
    #[default]
    Gaussian,
    /// $\pm J$ couplings with equal probability.
    #[serde(rename = "pm1", alias = "plus-minus-one")]
    PlusMinusOne,
}

/// A model as written in a spec file (validated by [`ModelSpec::ensemble`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ModelSpec {
    /// Sherrington–Kirkpatrick: all pairs, couplings of variance $1/N$.
    #[serde(rename = "sk", alias = "sherrington-kirkpatrick")]
    SherringtonKirkpatrick {
        /// Number of spins.
        n: i64,
        /// Coupling distribution.
        #[serde(default)]
        couplings: CouplingDistribution,
        /// Uniform field.
        #[serde(default)]
        field: f64,
    },
    /// Edwards–Anderson on a periodic hypercubic lattice.
    #[serde(rename = "ea", alias = "edwards-anderson")]
    EdwardsAnderson {
        /// Dimension (2 or 3 in the usual studies).
        dimension: i64,
        /// Side length.
        length: i64,
        /// Coupling distribution.
        #[serde(default)]
        couplings: CouplingDistribution,
        /// Uniform field.
        #[serde(default)]
        field: f64,
    },
    /// Ising ferromagnet ($J = 1$) on a periodic hypercubic lattice.
    Ferromagnet {
        /// Dimension.
        dimension: i64,
        /// Side length.
        length: i64,
        /// Uniform field.
        #[serde(default)]
        field: f64,
    },
    /// Spin glass on a random regular graph.
    RandomRegular {
        /// Number of spins.
        n: i64,
        /// Degree of every vertex.
        degree: i64,
        /// Coupling distribution.
        #[serde(default)]
        couplings: CouplingDistribution,
        /// Uniform field.
        #[serde(default)]
        field: f64,
    },
    /// Viana–Bray spin glass on an Erdős–Rényi graph.
    ErdosRenyi {
        /// Number of spins.
        n: i64,
        /// Mean degree $c$.
        mean_degree: f64,
        /// Coupling distribution.
        #[serde(default)]
        couplings: CouplingDistribution,
        /// Uniform field.
        #[serde(default)]
        field: f64,
    },
    /// Hopfield network with Hebbian couplings from random patterns.
    Hopfield {
        /// Number of spins.
        n: i64,
        /// Number of stored patterns $P$.
        patterns: i64,
        /// Uniform field.
        #[serde(default)]
        field: f64,
    },
    /// One instance read from files ([`crate::instance`]): every draw is the same sample.
    Instance {
        /// The couplings file: an edge list `i j J`, or a dense `.npy` matrix.
        couplings: std::path::PathBuf,
        /// An optional fields file: lines `i h`, or a `.npy` vector.
        #[serde(default)]
        fields: Option<std::path::PathBuf>,
        /// The number of spins, if given: it must be the file's.
        #[serde(default)]
        n: Option<i64>,
        /// Uniform field, added to the file's fields.
        #[serde(default)]
        field: f64,
        /// The variance of the Gaussian ensemble the couplings were drawn
        /// from, if they were (enables the energy/link-overlap identity).
        #[serde(default)]
        coupling_variance: Option<f64>,
    },
}

/// The validated form of a [`ModelSpec`].
#[derive(Debug, Clone, PartialEq)]
enum Validated {
    Complete {
        n: usize,
        couplings: CouplingDistribution,
    },
    Lattice {
        lattice: HypercubicLattice,
        couplings: Option<CouplingDistribution>,
    },
    RandomRegular {
        n: usize,
        degree: usize,
        couplings: CouplingDistribution,
    },
    ErdosRenyi {
        n: usize,
        mean_degree: f64,
        couplings: CouplingDistribution,
    },
    Hopfield {
        n: usize,
        patterns: usize,
    },
    Instance {
        sample: std::sync::Arc<Sample>,
    },
}

/// A validated ensemble of disorder samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Ensemble {
    spec: ModelSpec,
    validated: Validated,
    field: f64,
}

impl ModelSpec {
    /// The distribution of the random couplings (`None` for the ferromagnet and Hopfield networks).
    pub fn coupling_distribution(&self) -> Option<CouplingDistribution> {
        match *self {
            ModelSpec::SherringtonKirkpatrick { couplings, .. }
            | ModelSpec::EdwardsAnderson { couplings, .. }
            | ModelSpec::RandomRegular { couplings, .. }
            | ModelSpec::ErdosRenyi { couplings, .. } => Some(couplings),
            ModelSpec::Ferromagnet { .. }
            | ModelSpec::Hopfield { .. }
            | ModelSpec::Instance { .. } => None,
        }
    }

    /// The uniform field $h$.
    pub fn field(&self) -> f64 {
        match *self {
            ModelSpec::SherringtonKirkpatrick { field, .. }
            | ModelSpec::EdwardsAnderson { field, .. }
            | ModelSpec::Ferromagnet { field, .. }
            | ModelSpec::RandomRegular { field, .. }
            | ModelSpec::ErdosRenyi { field, .. }
            | ModelSpec::Hopfield { field, .. }
            | ModelSpec::Instance { field, .. } => field,
        }
    }

    /// Validates the parameters and returns the ensemble (an instance is
    /// read from its files; [`ModelSpec::instance_ensemble`] says which line
    /// of which file is wrong).
    pub fn ensemble(&self) -> Result<Ensemble, ParameterError> {
        if let ModelSpec::Instance { couplings, .. } = self {
            let instance = self.read_instance().map_err(|e| {
                let parameter = if e.file == *couplings {
                    "couplings"
                } else {
                    "fields"
                };
                let line = e.line.map(|l| format!(", line {l}")).unwrap_or_default();
                let value = format!("{}{line}: {}", e.file.display(), e.message);
                ParameterError::new(parameter, value, e.allowed.clone())
            })?;
            return self.instance_ensemble(&instance);
        }
        let (validated, field) = match *self {
            ModelSpec::SherringtonKirkpatrick {
                n,
                couplings,
                field,
            } => (
                Validated::Complete {
                    n: spin_count("n", n)?,
                    couplings,
                },
                field,
            ),
            ModelSpec::EdwardsAnderson {
                dimension,
                length,
                couplings,
                field,
            } => (
                Validated::Lattice {
                    lattice: lattice(dimension, length)?,
                    couplings: Some(couplings),
                },
                field,
            ),
            ModelSpec::Ferromagnet {
                dimension,
                length,
                field,
            } => (
                Validated::Lattice {
                    lattice: lattice(dimension, length)?,
                    couplings: None,
                },
                field,
            ),
            ModelSpec::RandomRegular {
                n,
                degree,
                couplings,
                field,
            } => {
                let n = spin_count("n", n)?;
                let allowed = format!("an integer 0 <= degree < n = {n} with n * degree even");
                let degree = usize::try_from(degree)
                    .map_err(|_| ParameterError::new("degree", degree, allowed))?;
                graph::check_regular(n, degree)?;
                (
                    Validated::RandomRegular {
                        n,
                        degree,
                        couplings,
                    },
                    field,
                )
            }
            ModelSpec::ErdosRenyi {
                n,
                mean_degree,
                couplings,
                field,
            } => {
                let n = spin_count("n", n)?;
                graph::check_erdos_renyi(n, mean_degree)?;
                (
                    Validated::ErdosRenyi {
                        n,
                        mean_degree,
                        couplings,
                    },
                    field,
                )
            }
            ModelSpec::Hopfield { n, patterns, field } => (
                Validated::Hopfield {
                    n: spin_count("n", n)?,
                    patterns: positive_size("patterns", patterns)?,
                },
                field,
            ),
            ModelSpec::Instance { .. } => unreachable!("read above"),
        };
        Ok(Ensemble {
            spec: self.clone(),
            validated,
            field: finite("field", field)?,
        })
    }
}

impl ModelSpec {
    /// Reads the files of an instance model (any other model is an error
    /// that names no file).
    pub fn read_instance(&self) -> Result<Instance, crate::instance::InstanceError> {
        match self {
            ModelSpec::Instance {
                couplings, fields, ..
            } => Instance::read(couplings, fields.as_deref()),
            _ => Err(crate::instance::InstanceError {
                file: Default::default(),
                line: None,
                message: "the model is not an instance".into(),
                allowed: "model = \"instance\"".into(),
            }),
        }
    }

    /// The ensemble of an instance model whose files were read as `instance`:
    /// its `n` (if given) must be the file's, its field and coupling variance finite.
    pub fn instance_ensemble(&self, instance: &Instance) -> Result<Ensemble, ParameterError> {
        let ModelSpec::Instance {
            n,
            field,
            coupling_variance,
            ..
        } = *self
        else {
            return self.ensemble();
        };
        if let Some(n) = n
            && usize::try_from(n).ok() != Some(instance.n)
        {
            return Err(ParameterError::new(
                "n",
                n,
                format!("the number of spins of the file, {}, or no n", instance.n),
            ));
        }
        let field = finite("field", field)?;
        let mut sample = instance.sample(field).map_err(|e| match e {
            ModelError::Parameter(p) => p,
            other => ParameterError::new("couplings", other, "a valid instance"),
        })?;
        if let Some(variance) = coupling_variance {
            if !(variance.is_finite() && variance > 0.0) {
                return Err(ParameterError::new(
                    "coupling_variance",
                    variance,
                    "a finite number > 0",
                ));
            }
            sample = sample.with_coupling_variance(variance);
        }
        Ok(Ensemble {
            spec: self.clone(),
            validated: Validated::Instance {
                sample: std::sync::Arc::new(sample),
            },
            field,
        })
    }
}

fn lattice(dimension: i64, length: i64) -> Result<HypercubicLattice, ParameterError> {
    let dimension = positive_size("dimension", dimension)?;
    let length = usize::try_from(length)
        .map_err(|_| ParameterError::new("length", length, "an integer length >= 2"))?;
    HypercubicLattice::new(dimension, length)
}

fn coupling<R: Rng + ?Sized>(distribution: CouplingDistribution, scale: f64, rng: &mut R) -> f64 {
    match distribution {
        CouplingDistribution::Gaussian => {
            let z: f64 = StandardNormal.sample(rng);
            scale * z
        }
        CouplingDistribution::PlusMinusOne => {
            if rng.random::<bool>() {
                scale
            } else {
                -scale
            }
        }
    }
}

impl Ensemble {
    /// The spec this ensemble was built from.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// Number of spins of every sample.
    pub fn n(&self) -> usize {
        match &self.validated {
            Validated::Complete { n, .. }
            | Validated::RandomRegular { n, .. }
            | Validated::ErdosRenyi { n, .. }
            | Validated::Hopfield { n, .. } => *n,
            Validated::Lattice { lattice, .. } => lattice.sites(),
            Validated::Instance { sample } => sample.n(),
        }
    }

    /// What every sample shares, from the parameters alone (nothing is
    /// drawn): see [`Structure`].
    pub fn structure(&self) -> Structure {
        let field = self.field != 0.0;
        let pm = |c: &CouplingDistribution| *c == CouplingDistribution::PlusMinusOne;
        let n = self.n();
        match &self.validated {
            Validated::Complete { couplings, .. } => Structure {
                n,
                dense: true,
                bonds: 0,
                regular_degree: None,
                uniform_magnitude: pm(couplings),
                field,
                two_colourable: n <= 2,
                shared_graph: true,
            },
            Validated::Hopfield { patterns, .. } => Structure {
                n,
                dense: true,
                bonds: 0,
                regular_degree: None,
                // One pattern: J_ij = xi_i xi_j / N, all of one magnitude.
                uniform_magnitude: *patterns == 1,
                field,
                two_colourable: n <= 2,
                shared_graph: true,
            },
            Validated::Lattice { lattice, couplings } => Structure {
                n,
                dense: false,
                bonds: lattice.dimension().saturating_mul(n),
                regular_degree: Some(2 * lattice.dimension()),
                uniform_magnitude: couplings.as_ref().is_none_or(pm),
                field,
                two_colourable: lattice.is_bipartite(),
                shared_graph: true,
            },
            Validated::RandomRegular {
                degree, couplings, ..
            } => Structure {
                n,
                dense: false,
                bonds: n.saturating_mul(*degree) / 2,
                regular_degree: (*degree > 0).then_some(*degree),
                uniform_magnitude: pm(couplings),
                field,
                // A random graph is not bipartite in general.
                two_colourable: false,
                shared_graph: false,
            },
            Validated::ErdosRenyi {
                mean_degree,
                couplings,
                ..
            } => Structure {
                n,
                dense: false,
                // The mean, and a margin of five standard deviations.
                bonds: {
                    let mean = n as f64 * mean_degree / 2.0;
                    (mean + 5.0 * mean.sqrt()) as usize
                },
                regular_degree: None,
                uniform_magnitude: pm(couplings),
                field,
                two_colourable: false,
                shared_graph: false,
            },
            // Every draw is the file's one sample.
            Validated::Instance { sample } => Structure {
                shared_graph: true,
                ..sample.structure()
            },
        }
    }

    /// Bytes a drawn sample takes, and the draw needs while it runs (the
    /// Hopfield patterns besides the couplings): an estimate, from the
    /// parameters alone, for refusing what cannot fit before drawing.
    pub fn draw_bytes(&self) -> f64 {
        let extra = match &self.validated {
            Validated::Hopfield { n, patterns } => 2.0 * *n as f64 * *patterns as f64,
            _ => 0.0,
        };
        self.structure().sample_bytes() + extra
    }

    /// Whether samples differ from one another (false for the ferromagnet and an instance).
    pub fn is_disordered(&self) -> bool {
        !matches!(
            self.validated,
            Validated::Lattice {
                couplings: None,
                ..
            } | Validated::Instance { .. }
        )
    }

    /// Draws sample number `index` from the stream `(master_seed, Disorder, index)`
    /// (an instance returns its one sample whatever the seed and index).
    pub fn draw(&self, master_seed: u64, index: u64) -> Result<Sample, ModelError> {
        if let Validated::Instance { sample } = &self.validated {
            return Ok(Sample::clone(sample));
        }
        let mut rng = stream(master_seed, Purpose::Disorder, index, 0);
        let fields = vec![self.field; self.n()];
        match &self.validated {
            Validated::Complete { n, couplings } => {
                let n = *n;
                let scale = 1.0 / (n as f64).sqrt();
                let mut matrix = vec![0.0; n * n];
                for i in 0..n {
                    for j in i + 1..n {
                        let value = coupling(*couplings, scale, &mut rng);
                        matrix[i * n + j] = value;
                        matrix[j * n + i] = value;
                    }
                }
                Ok(Sample::dense(n, matrix, fields)?.with_coupling_variance(1.0 / n as f64))
            }
            Validated::Lattice { lattice, couplings } => {
                let bonds = lattice
                    .bonds()
                    .into_iter()
                    .map(|(i, j)| Bond {
                        i,
                        j,
                        coupling: couplings.map_or(1.0, |c| coupling(c, 1.0, &mut rng)),
                    })
                    .collect();
                let sample = Sample::from_bonds(
                    lattice.sites(),
                    bonds,
                    fields,
                    Geometry::Lattice(lattice.clone()),
                )?;
                Ok(match couplings {
                    Some(_) => sample.with_coupling_variance(1.0),
                    None => sample,
                })
            }
            Validated::RandomRegular {
                n,
                degree,
                couplings,
            } => {
                let edges = graph::random_regular(*n, *degree, &mut rng)?;
                sparse(*n, edges, *couplings, fields, &mut rng)
            }
            Validated::ErdosRenyi {
                n,
                mean_degree,
                couplings,
            } => {
                let edges = graph::erdos_renyi(*n, *mean_degree, &mut rng)?;
                sparse(*n, edges, *couplings, fields, &mut rng)
            }
            Validated::Hopfield { n, patterns } => {
                let (n, p) = (*n, *patterns);
                let xi: Vec<Spin> = (0..n * p)
                    .map(|_| if rng.random::<bool>() { 1 } else { -1 })
                    .collect();
                let mut matrix = vec![0.0; n * n];
                for mu in 0..p {
                    let pattern = &xi[mu * n..(mu + 1) * n];
                    for i in 0..n {
                        for j in i + 1..n {
                            matrix[i * n + j] += f64::from(pattern[i] * pattern[j]);
                        }
                    }
                }
                for i in 0..n {
                    for j in i + 1..n {
                        let value = matrix[i * n + j] / n as f64;
                        matrix[i * n + j] = value;
                        matrix[j * n + i] = value;
                    }
                }
                Ok(Sample::dense(n, matrix, fields)?.with_patterns(xi))
            }
            Validated::Instance { .. } => unreachable!("returned above"),
        }
    }
}

fn sparse<R: Rng + ?Sized>(
    n: usize,
    edges: Vec<(usize, usize)>,
    distribution: CouplingDistribution,
    fields: Vec<f64>,
    rng: &mut R,
) -> Result<Sample, ModelError> {
    let bonds = edges
        .into_iter()
        .map(|(i, j)| Bond {
            i,
            j,
            coupling: coupling(distribution, 1.0, rng),
        })
        .collect();
    Ok(Sample::from_bonds(n, bonds, fields, Geometry::Graph)?.with_coupling_variance(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use CouplingDistribution::{Gaussian, PlusMinusOne};

    #[test]
    fn sk_couplings_have_variance_one_over_n() {
        let n = 200;
        let sample = ModelSpec::SherringtonKirkpatrick {
            n,
            couplings: Gaussian,
            field: 0.0,
        }
        .ensemble()
        .unwrap()
        .draw(5, 0)
        .unwrap();
        let values: Vec<f64> = (0..200)
            .flat_map(|i| (0..i).map(move |j| (i, j)))
            .map(|(i, j)| sample.coupling(i, j))
            .collect();
        let m = values.len() as f64;
        let variance = values.iter().map(|v| v * v).sum::<f64>() / m;
        // The sample variance of m Gaussians has relative standard deviation sqrt(2/m).
        let expected = 1.0 / n as f64;
        assert!(
            (variance - expected).abs() < 4.0 * expected * (2.0 / m).sqrt(),
            "{variance}"
        );
        let pm = ModelSpec::SherringtonKirkpatrick {
            n: 9,
            couplings: PlusMinusOne,
            field: 0.0,
        }
        .ensemble()
        .unwrap()
        .draw(5, 0)
        .unwrap();
        assert!((pm.coupling(0, 1).abs() - 1.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn draws_are_reproducible_and_distinct_per_index() {
        let ensemble = ModelSpec::EdwardsAnderson {
            dimension: 3,
            length: 4,
            couplings: PlusMinusOne,
            field: 0.0,
        }
        .ensemble()
        .unwrap();
        assert_eq!(ensemble.draw(1, 3).unwrap(), ensemble.draw(1, 3).unwrap());
        assert_ne!(ensemble.draw(1, 3).unwrap(), ensemble.draw(1, 4).unwrap());
        assert_ne!(ensemble.draw(1, 3).unwrap(), ensemble.draw(2, 3).unwrap());
        let sample = ensemble.draw(1, 3).unwrap();
        assert_eq!(sample.bond_count(), 3 * 64);
        assert!(
            sample
                .bonds()
                .unwrap()
                .iter()
                .all(|b| b.coupling.abs() == 1.0)
        );
    }

    #[test]
    fn hopfield_couplings_are_hebbian() {
        let sample = ModelSpec::Hopfield {
            n: 30,
            patterns: 4,
            field: 0.0,
        }
        .ensemble()
        .unwrap()
        .draw(9, 0)
        .unwrap();
        let xi = sample.patterns().unwrap();
        for (i, j) in [(0, 1), (5, 29), (17, 3)] {
            let hebb: f64 = (0..4)
                .map(|mu| f64::from(xi[mu * 30 + i] * xi[mu * 30 + j]))
                .sum::<f64>()
                / 30.0;
            assert!((sample.coupling(i, j) - hebb).abs() < 1e-15);
        }
        // A stored pattern has energy -(N - P)/2 - (1/2N) sum_{nu != mu} (xi^mu . xi^nu)^2.
        assert_eq!(sample.coupling(4, 4), 0.0);
    }

    #[test]
    fn bad_parameters_name_the_parameter_and_the_allowed_range() {
        let cases = [
            (
                ModelSpec::SherringtonKirkpatrick {
                    n: 0,
                    couplings: Gaussian,
                    field: 0.0,
                },
                "n",
                ">= 2",
            ),
            (
                ModelSpec::RandomRegular {
                    n: 10,
                    degree: -3,
                    couplings: Gaussian,
                    field: 0.0,
                },
                "degree",
                "0 <= degree < n = 10",
            ),
            (
                ModelSpec::RandomRegular {
                    n: 5,
                    degree: 3,
                    couplings: Gaussian,
                    field: 0.0,
                },
                "degree",
                "n * degree even",
            ),
            (
                ModelSpec::RandomRegular {
                    n: 5,
                    degree: 6,
                    couplings: Gaussian,
                    field: 0.0,
                },
                "degree",
                "degree < n = 5",
            ),
            (
                ModelSpec::ErdosRenyi {
                    n: 5,
                    mean_degree: -1.0,
                    couplings: Gaussian,
                    field: 0.0,
                },
                "mean_degree",
                "0 <= mean_degree",
            ),
            (
                ModelSpec::EdwardsAnderson {
                    dimension: 0,
                    length: 4,
                    couplings: Gaussian,
                    field: 0.0,
                },
                "dimension",
                "positive",
            ),
            (
                ModelSpec::Ferromagnet {
                    dimension: 2,
                    length: 1,
                    field: 0.0,
                },
                "length",
                ">= 2",
            ),
            (
                ModelSpec::Hopfield {
                    n: 10,
                    patterns: 0,
                    field: 0.0,
                },
                "patterns",
                "positive",
            ),
            (
                ModelSpec::SherringtonKirkpatrick {
                    n: 4,
                    couplings: Gaussian,
                    field: f64::NAN,
                },
                "field",
                "finite",
            ),
        ];
        for (spec, parameter, allowed) in cases {
            let error = spec.ensemble().unwrap_err();
            assert_eq!(error.parameter, parameter, "{spec:?}");
            assert!(error.to_string().contains(allowed), "{error}");
        }
    }
}
