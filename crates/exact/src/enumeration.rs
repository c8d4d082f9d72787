//! Exact enumeration of all $2^N$ configurations of a sample.
//!
//! One Gray-code pass stores the energy of every configuration (configuration
//! `c` has $s_i = -1$ where bit $i$ of `c` is set); each step flips one spin and
//! updates the local fields of its neighbours, $O(2^N k)$ for degree $k$.
//! Thermal averages at any temperature then cost $O(2^N)$ each.
//!
//! Two-replica observables are exact too. For two independent replicas
//! $s, t$ in the same sample, every overlap-type observable depends only on
//! $u = s \oplus t$ (the sites where they differ), whose distribution is the
//! autocorrelation of the Boltzmann weights over the group $\mathbb Z_2^N$:
//!
//! $$ R(u) = \sum_s p(s)\\, p(s \oplus u) = \mathcal W^{-1} \left( \lvert \mathcal W p \rvert^2 \right)(u), $$
//!
//! with $\mathcal W$ the Walsh–Hadamard transform ($O(N 2^N)$). From $R$ come the
//! exact $P(q)$, $\langle q^2 \rangle$, $\langle q^4 \rangle$, the link overlap and the
//! Fourier overlaps at $\mathbf k_{\min}$.
//!
//! Memory is two arrays of $2^N$ doubles: 256 MiB at $N = 24$.

use quench_core::observables::{MinimumWavevectorPhases, binder_cumulant};
use quench_core::{Sample, Spin};
use serde::{Deserialize, Serialize};

use crate::ExactError;

/// Largest number of spins enumerated.
pub const MAX_SPINS: usize = 26;

/// All configuration energies of one sample.
#[derive(Debug, Clone)]
pub struct Enumeration {
    n: usize,
    energies: Vec<f64>,
    ground_energy: f64,
    tolerance: f64,
}

/// Exact one-replica thermal averages at one temperature (per spin where noted).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThermalAverages {
    /// Temperature $T$.
    pub temperature: f64,
    /// $\ln Z$.
    pub log_partition_function: f64,
    /// $F/N = -T \ln Z / N$.
    pub free_energy_per_spin: f64,
    /// $\langle E \rangle / N$.
    pub energy_per_spin: f64,
    /// $\langle E^2 \rangle - \langle E\rangle^2$ (total, not per spin).
    pub energy_variance: f64,
    /// $C/N = \beta^2 (\langle E^2\rangle - \langle E\rangle^2)/N$.
    pub specific_heat_per_spin: f64,
    /// $S/N = \beta(\langle E\rangle - F)/N$.
    pub entropy_per_spin: f64,
    /// $\langle m \rangle$.
    pub magnetisation: f64,
    /// $\langle |m| \rangle$.
    pub absolute_magnetisation: f64,
    /// $\langle m^2 \rangle$.
    pub magnetisation_squared: f64,
    /// $\langle m^4 \rangle$.
    pub magnetisation_fourth: f64,
    /// $\chi = \beta N (\langle m^2\rangle - \langle m\rangle^2)$.
    pub susceptibility: f64,
}

/// Exact two-replica averages at one temperature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicaAverages {
    /// Temperature $T$.
    pub temperature: f64,
    /// $P(q)$ on the $N+1$ values $q = 1 - 2k/N$, as `(q, probability)`, $q$ ascending.
    pub overlap_distribution: Vec<(f64, f64)>,
    /// $\langle |q| \rangle$.
    pub absolute_overlap: f64,
    /// $\langle q^2 \rangle$.
    pub overlap_squared: f64,
    /// $\langle q^4 \rangle$.
    pub overlap_fourth: f64,
    /// $\chi_{SG} = N \langle q^2\rangle$.
    pub spin_glass_susceptibility: f64,
    /// Binder cumulant $\frac12(3 - \langle q^4\rangle/\langle q^2\rangle^2)$ of this sample.
    pub binder_cumulant: f64,
    /// $\langle q_\ell \rangle$ (see `quench_core::observables::link_overlap`).
    pub link_overlap: f64,
    /// $\langle |q(\mathbf k_{\min})|^2 \rangle$ averaged over the lattice axes (NaN off lattices).
    pub fourier_overlap_squared: f64,
}

/// The ground states of a sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroundStates {
    /// Ground-state energy $E_0$.
    pub energy: f64,
    /// Number of configurations with energy $E_0$ (within round-off).
    pub degeneracy: u64,
    /// Up to `limit` ground-state configurations, in enumeration order.
    pub configurations: Vec<Vec<Spin>>,
}

fn spin_of(configuration: usize, site: usize) -> Spin {
    1 - 2 * ((configuration >> site) & 1) as Spin
}

/// The configuration with index `configuration`.
pub fn configuration_spins(n: usize, configuration: usize) -> Vec<Spin> {
    (0..n).map(|i| spin_of(configuration, i)).collect()
}

fn check_temperature(temperature: f64) -> Result<f64, ExactError> {
    if temperature.is_finite() && temperature > 0.0 {
        Ok(1.0 / temperature)
    } else {
        Err(ExactError::Temperature(temperature))
    }
}

impl Enumeration {
    /// Enumerates all configurations of `sample` (at most [`MAX_SPINS`] spins).
    pub fn new(sample: &Sample) -> Result<Self, ExactError> {
        let n = sample.n();
        if n > MAX_SPINS {
            return Err(ExactError::TooManySpins { n, max: MAX_SPINS });
        }
        let count = 1usize << n;
        let mut spins = vec![1 as Spin; n];
        let mut fields = sample.local_fields(&spins);
        let mut energy = sample.energy(&spins);
        let mut energies = vec![0.0; count];
        energies[0] = energy;
        let mut scale = energy.abs();
        for step in 1..count {
            let site = step.trailing_zeros() as usize;
            energy += 2.0 * f64::from(spins[site]) * fields[site];
            spins[site] = -spins[site];
            let twice_new = 2.0 * f64::from(spins[site]);
            for (j, coupling) in sample.neighbours(site) {
                fields[j] += coupling * twice_new;
            }
            energies[step ^ (step >> 1)] = energy;
            scale = scale.max(energy.abs());
        }
        let ground_energy = energies.iter().copied().fold(f64::INFINITY, f64::min);
        Ok(Self {
            n,
            energies,
            ground_energy,
            tolerance: 1e-9 * scale.max(1.0),
        })
    }

    /// Number of spins.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Energy of every configuration, indexed by configuration.
    pub fn energies(&self) -> &[f64] {
        &self.energies
    }

    /// The ground-state energy, degeneracy and up to `limit` ground states.
    pub fn ground_states(&self, limit: usize) -> GroundStates {
        let mut degeneracy = 0;
        let mut configurations = Vec::new();
        for (c, &e) in self.energies.iter().enumerate() {
            if e - self.ground_energy <= self.tolerance {
                degeneracy += 1;
                if configurations.len() < limit {
                    configurations.push(configuration_spins(self.n, c));
                }
            }
        }
        GroundStates {
            energy: self.ground_energy,
            degeneracy,
            configurations,
        }
    }

    /// Boltzmann probabilities $p(s) = e^{-\beta E(s)}/Z$ and $\ln Z$.
    pub fn boltzmann(&self, temperature: f64) -> Result<(Vec<f64>, f64), ExactError> {
        let beta = check_temperature(temperature)?;
        let mut weights: Vec<f64> = self
            .energies
            .iter()
            .map(|&e| (-beta * (e - self.ground_energy)).exp())
            .collect();
        let total: f64 = weights.iter().sum();
        for w in &mut weights {
            *w /= total;
        }
        Ok((weights, total.ln() - beta * self.ground_energy))
    }

    /// Exact one-replica thermal averages.
    pub fn thermal(&self, temperature: f64) -> Result<ThermalAverages, ExactError> {
        let beta = check_temperature(temperature)?;
        let (probabilities, log_z) = self.boltzmann(temperature)?;
        let n = self.n as f64;
        let mean_energy: f64 = probabilities
            .iter()
            .zip(&self.energies)
            .map(|(p, e)| p * e)
            .sum();
        let energy_variance: f64 = probabilities
            .iter()
            .zip(&self.energies)
            .map(|(p, e)| p * (e - mean_energy).powi(2))
            .sum();
        let (mut m1, mut m_abs, mut m2, mut m4) = (0.0, 0.0, 0.0, 0.0);
        for (c, p) in probabilities.iter().enumerate() {
            let m = 1.0 - 2.0 * f64::from((c as u64).count_ones()) / n;
            let m_sq = m * m;
            m1 += p * m;
            m_abs += p * m.abs();
            m2 += p * m_sq;
            m4 += p * m_sq * m_sq;
        }
        let free_energy = -log_z / beta;
        Ok(ThermalAverages {
            temperature,
            log_partition_function: log_z,
            free_energy_per_spin: free_energy / n,
            energy_per_spin: mean_energy / n,
            energy_variance,
            specific_heat_per_spin: beta * beta * energy_variance / n,
            entropy_per_spin: beta * (mean_energy - free_energy) / n,
            magnetisation: m1,
            absolute_magnetisation: m_abs,
            magnetisation_squared: m2,
            magnetisation_fourth: m4,
            susceptibility: beta * n * (m2 - m1 * m1),
        })
    }

    /// Exact thermal magnetisations $\langle s_i \rangle$.
    pub fn local_magnetisations(&self, temperature: f64) -> Result<Vec<f64>, ExactError> {
        let (probabilities, _) = self.boltzmann(temperature)?;
        let mut m = vec![0.0; self.n];
        for (c, p) in probabilities.iter().enumerate() {
            for (i, value) in m.iter_mut().enumerate() {
                *value += p * f64::from(spin_of(c, i));
            }
        }
        Ok(m)
    }

    /// Exact two-replica averages (the sample is needed for bonds and geometry).
    pub fn replicas(
        &self,
        sample: &Sample,
        temperature: f64,
    ) -> Result<ReplicaAverages, ExactError> {
        if sample.n() != self.n {
            return Err(ExactError::SampleMismatch {
                enumerated: self.n,
                given: sample.n(),
            });
        }
        let (mut r, _) = self.boltzmann(temperature)?;
        walsh_hadamard(&mut r);
        for value in &mut r {
            *value *= *value;
        }
        walsh_hadamard(&mut r);
        let norm = 1.0 / r.len() as f64;
        let n = self.n as f64;
        let mut by_distance = vec![0.0; self.n + 1];
        let mut link = 0.0;
        let mut fourier = 0.0;
        let bonds = sample.bonds();
        let lattice = sample.lattice();
        let phases = lattice.map(MinimumWavevectorPhases::new);
        for (u, value) in r.iter().enumerate() {
            let probability = value * norm;
            by_distance[(u as u64).count_ones() as usize] += probability;
            if let Some(bonds) = bonds
                && !bonds.is_empty()
            {
                let sum: i64 = bonds
                    .iter()
                    .map(|b| i64::from(spin_of(u, b.i) * spin_of(u, b.j)))
                    .sum();
                link += probability * sum as f64 / bonds.len() as f64;
            }
            if let Some(phases) = &phases {
                fourier += probability * phases.mean_power(|i| f64::from(spin_of(u, i)));
            }
        }
        let mut overlap_distribution: Vec<(f64, f64)> = by_distance
            .iter()
            .enumerate()
            .map(|(k, &p)| (1.0 - 2.0 * k as f64 / n, p))
            .collect();
        overlap_distribution.reverse();
        let moment = |power: i32| {
            overlap_distribution
                .iter()
                .map(|(q, p)| p * q.powi(power))
                .sum::<f64>()
        };
        let (q2, q4) = (moment(2), moment(4));
        if bonds.is_none() && self.n >= 2 {
            link = (n * n * q2 - n) / (n * (n - 1.0));
        }
        Ok(ReplicaAverages {
            temperature,
            absolute_overlap: overlap_distribution.iter().map(|(q, p)| p * q.abs()).sum(),
            overlap_squared: q2,
            overlap_fourth: q4,
            spin_glass_susceptibility: n * q2,
            binder_cumulant: binder_cumulant(q2, q4),
            link_overlap: link,
            fourier_overlap_squared: if lattice.is_some() { fourier } else { f64::NAN },
            overlap_distribution,
        })
    }
}

/// Most spins for [`Enumeration::triplets`]: it sums over the $2^{3N}$
/// configurations of three replicas.
pub const MAX_TRIPLET_SPINS: usize = 10;

/// Exact three-replica averages at one temperature: the ultrametric triplet
/// test of three independent replicas, with overlaps taken in absolute value
/// (states identified up to a global flip).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TripletAverages {
    /// Temperature $T$.
    pub temperature: f64,
    /// $\langle q_{(2)} - q_{(1)} \rangle$ of the sorted $|q_{ab}|, |q_{bc}|, |q_{ca}|$.
    pub lower_gap: f64,
    /// $\langle q_{(3)} - q_{(2)} \rangle$.
    pub upper_gap: f64,
}

impl Enumeration {
    /// Exact averages over three independent replicas at `temperature`
    /// ($N \le$ [`MAX_TRIPLET_SPINS`]).
    pub fn triplets(&self, temperature: f64) -> Result<TripletAverages, ExactError> {
        if self.n > MAX_TRIPLET_SPINS {
            return Err(ExactError::TooManySpins {
                n: self.n,
                max: MAX_TRIPLET_SPINS,
            });
        }
        let (p, _) = self.boltzmann(temperature)?;
        let n = self.n;
        // |q| for k differing spins, and the two gaps of every (k1, k2, k3).
        let absolute = |k: u32| (1.0 - 2.0 * f64::from(k) / n as f64).abs();
        let side = n + 1;
        let mut gaps = vec![(0.0, 0.0); side * side * side];
        for k1 in 0..side {
            for k2 in 0..side {
                for k3 in 0..side {
                    let mut q = [k1, k2, k3].map(|k| absolute(k as u32));
                    q.sort_by(f64::total_cmp);
                    gaps[(k1 * side + k2) * side + k3] = (q[1] - q[0], q[2] - q[1]);
                }
            }
        }
        let (mut lower, mut upper) = (0.0, 0.0);
        for (a, &pa) in p.iter().enumerate() {
            for (b, &pb) in p.iter().enumerate() {
                let ab = (a ^ b).count_ones() as usize * side;
                let (mut inner_lower, mut inner_upper) = (0.0, 0.0);
                for (c, &pc) in p.iter().enumerate() {
                    let bc = (b ^ c).count_ones() as usize;
                    let ca = (c ^ a).count_ones() as usize;
                    let (d12, d23) = gaps[(ab + bc) * side + ca];
                    inner_lower += pc * d12;
                    inner_upper += pc * d23;
                }
                lower += pa * pb * inner_lower;
                upper += pa * pb * inner_upper;
            }
        }
        Ok(TripletAverages {
            temperature,
            lower_gap: lower,
            upper_gap: upper,
        })
    }
}

/// In-place unnormalised Walsh–Hadamard transform (length a power of two).
pub fn walsh_hadamard(values: &mut [f64]) {
    let len = values.len();
    let mut half = 1;
    while half < len {
        for block in values.chunks_exact_mut(2 * half) {
            let (low, high) = block.split_at_mut(half);
            for (a, b) in low.iter_mut().zip(high.iter_mut()) {
                let (x, y) = (*a, *b);
                *a = x + y;
                *b = x - y;
            }
        }
        half *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quench_core::observables::{link_overlap, overlap};
    use quench_core::{CouplingDistribution, ModelSpec};

    fn brute_force_energies(sample: &Sample) -> Vec<f64> {
        (0..1usize << sample.n())
            .map(|c| sample.energy(&configuration_spins(sample.n(), c)))
            .collect()
    }

    fn sk(n: i64, field: f64, seed: u64) -> Sample {
        ModelSpec::SherringtonKirkpatrick {
            n,
            couplings: CouplingDistribution::Gaussian,
            field,
        }
        .ensemble()
        .unwrap()
        .draw(seed, 0)
        .unwrap()
    }

    #[test]
    fn gray_code_energies_equal_direct_energies() {
        for sample in [
            sk(9, 0.3, 1),
            ModelSpec::EdwardsAnderson {
                dimension: 2,
                length: 3,
                couplings: CouplingDistribution::PlusMinusOne,
                field: 0.0,
            }
            .ensemble()
            .unwrap()
            .draw(2, 0)
            .unwrap(),
            ModelSpec::RandomRegular {
                n: 10,
                degree: 3,
                couplings: CouplingDistribution::Gaussian,
                field: -0.2,
            }
            .ensemble()
            .unwrap()
            .draw(3, 0)
            .unwrap(),
        ] {
            let enumeration = Enumeration::new(&sample).unwrap();
            for (a, b) in enumeration
                .energies()
                .iter()
                .zip(brute_force_energies(&sample))
            {
                assert!((a - b).abs() < 1e-12, "{a} vs {b}");
            }
        }
    }

    /// The triplet gaps from the popcount table equal a direct triple sum
    /// over configurations with overlaps computed from spins; at low
    /// temperature a sample with a unique ground-state pair has $|q| = 1$
    /// for every pair, so both gaps vanish.
    #[test]
    fn triplet_gaps_equal_the_triple_sum_over_configurations() {
        let sample = sk(5, 0.0, 11);
        let enumeration = Enumeration::new(&sample).unwrap();
        for temperature in [0.4, 1.3] {
            let exact = enumeration.triplets(temperature).unwrap();
            let (p, _) = enumeration.boltzmann(temperature).unwrap();
            let spins: Vec<_> = (0..32).map(|c| configuration_spins(5, c)).collect();
            let (mut lower, mut upper) = (0.0, 0.0);
            for a in 0..32 {
                for b in 0..32 {
                    for c in 0..32 {
                        let mut q = [
                            overlap(&spins[a], &spins[b]).abs(),
                            overlap(&spins[b], &spins[c]).abs(),
                            overlap(&spins[a], &spins[c]).abs(),
                        ];
                        q.sort_by(f64::total_cmp);
                        let w = p[a] * p[b] * p[c];
                        lower += w * (q[1] - q[0]);
                        upper += w * (q[2] - q[1]);
                    }
                }
            }
            assert!((exact.lower_gap - lower).abs() < 1e-12, "{exact:?} {lower}");
            assert!((exact.upper_gap - upper).abs() < 1e-12, "{exact:?} {upper}");
            assert!(
                exact.lower_gap > 0.01 && exact.upper_gap > 0.01,
                "{exact:?}"
            );
        }
        let cold = enumeration.triplets(0.002).unwrap();
        assert!(cold.lower_gap < 1e-6 && cold.upper_gap < 1e-6, "{cold:?}");
        let big = Enumeration::new(&sk(11, 0.0, 1)).unwrap();
        assert!(matches!(
            big.triplets(1.0),
            Err(ExactError::TooManySpins { n: 11, max: 10 })
        ));
    }

    #[test]
    fn two_replica_averages_equal_the_double_sum_over_configurations() {
        // Direct O(4^N) double sum on a small sample against the Walsh–Hadamard route.
        let sample = ModelSpec::EdwardsAnderson {
            dimension: 2,
            length: 2,
            couplings: CouplingDistribution::Gaussian,
            field: 0.1,
        }
        .ensemble()
        .unwrap()
        .draw(4, 0)
        .unwrap();
        let enumeration = Enumeration::new(&sample).unwrap();
        let temperature = 0.7;
        let exact = enumeration.replicas(&sample, temperature).unwrap();
        let (p, _) = enumeration.boltzmann(temperature).unwrap();
        let (mut q2, mut q4, mut ql, mut fourier) = (0.0, 0.0, 0.0, 0.0);
        for (a, pa) in p.iter().enumerate() {
            for (b, pb) in p.iter().enumerate() {
                let (sa, sb) = (configuration_spins(4, a), configuration_spins(4, b));
                let q = overlap(&sa, &sb);
                let w = pa * pb;
                q2 += w * q * q;
                q4 += w * q.powi(4);
                ql += w * link_overlap(&sample, &sa, &sb);
                let f = quench_core::observables::fourier_overlap_squared(&sample, &sa, &sb);
                fourier += w * f.iter().sum::<f64>() / f.len() as f64;
            }
        }
        assert!((exact.overlap_squared - q2).abs() < 1e-12);
        assert!((exact.overlap_fourth - q4).abs() < 1e-12);
        assert!((exact.link_overlap - ql).abs() < 1e-12);
        assert!((exact.fourier_overlap_squared - fourier).abs() < 1e-12);
        let total: f64 = exact.overlap_distribution.iter().map(|(_, p)| p).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn thermodynamic_identities_hold() {
        let sample = sk(10, 0.0, 5);
        let enumeration = Enumeration::new(&sample).unwrap();
        let t = 0.8;
        let here = enumeration.thermal(t).unwrap();
        // E = d(beta F)/d beta by central difference in beta.
        let h = 1e-5;
        let beta = 1.0 / t;
        let log_z = |b: f64| enumeration.thermal(1.0 / b).unwrap().log_partition_function;
        let energy = -(log_z(beta + h) - log_z(beta - h)) / (2.0 * h) / 10.0;
        assert!((energy - here.energy_per_spin).abs() < 1e-7);
        let curvature = (log_z(beta + h) - 2.0 * log_z(beta) + log_z(beta - h)) / (h * h);
        assert!((beta * beta * curvature / 10.0 - here.specific_heat_per_spin).abs() < 1e-3);
        // Without a field the distribution is symmetric under global flip.
        assert!(here.magnetisation.abs() < 1e-12);
        // Infinite temperature: ln Z = N ln 2, entropy ln 2.
        let hot = enumeration.thermal(1e9).unwrap();
        assert!((hot.entropy_per_spin - std::f64::consts::LN_2).abs() < 1e-6);
    }

    #[test]
    fn ground_states_of_the_antiferromagnetic_triangle() {
        let sample = Sample::dense(
            3,
            vec![0.0, -1.0, -1.0, -1.0, 0.0, -1.0, -1.0, -1.0, 0.0],
            vec![],
        )
        .unwrap();
        let ground = Enumeration::new(&sample).unwrap().ground_states(10);
        assert_eq!(ground.energy, -1.0);
        assert_eq!(ground.degeneracy, 6);
        assert_eq!(ground.configurations.len(), 6);
    }

    #[test]
    fn refuses_large_systems_and_bad_temperatures() {
        let big = sk(27, 0.0, 1);
        assert!(matches!(
            Enumeration::new(&big),
            Err(ExactError::TooManySpins { .. })
        ));
        let enumeration = Enumeration::new(&sk(4, 0.0, 1)).unwrap();
        for t in [0.0, -1.0, f64::NAN] {
            let error = enumeration.thermal(t).unwrap_err();
            assert!(error.to_string().contains("temperature"));
        }
    }
}
