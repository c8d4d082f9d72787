//! Observables of one or two spin configurations of the same sample.
//!
//! For replicas $a, b$ of one sample with $N$ spins and bonds $\mathcal B$:
//!
//! * magnetisation $m = \frac1N \sum_i s_i$;
//! * overlap $q_{ab} = \frac1N \sum_i s^a_i s^b_i$;
//! * link overlap $q_\ell = \frac1{N_b} \sum_{(ij)\in\mathcal B} s^a_i s^a_j s^b_i s^b_j$
//!   (for the complete graph this is $(N^2 q^2 - N)/(N(N-1))$);
//! * Fourier overlap $q(\mathbf k) = \frac1N \sum_i s^a_i s^b_i e^{i \mathbf k \cdot \mathbf r_i}$
//!   at the smallest wave vectors $\mathbf k_{\min} = (2\pi/L) \mathbf e_\mu$ of a lattice;
//! * spin-glass susceptibility $\chi_{SG}(\mathbf k) = N \langle |q(\mathbf k)|^2 \rangle$, Binder
//!   cumulant $g = \frac12 (3 - \langle q^4\rangle / \langle q^2\rangle^2)$ and second-moment
//!   correlation length
//!   $\xi_L = \frac{1}{2 \sin(k_{\min}/2)} \sqrt{\chi_{SG}(0)/\chi_{SG}(\mathbf k_{\min}) - 1}$
//!   (these combine thermal and disorder averages, see `quench-mc`).
//!
//! For Gaussian couplings of variance $\sigma^2$, integration by parts gives
//! the exact disorder-averaged identity (Katzgraber, Palassini and Young,
//! Phys. Rev. B 63, 184422 (2001)) used as an equilibration check:
//!
//! $$ \frac{[\langle E_J \rangle]}{N} = -\beta \sigma^2 \frac{N_b}{N} \left(1 - [\langle q_\ell \rangle]\right), $$
//!
//! where $E_J$ is the coupling part of the energy. On a lattice of
//! coordination $z$ with $\sigma = 1$ this is $-(z\beta/2)(1 - q_\ell)$; for SK
//! it is $-(\beta/2)(1 - [\langle q^2 \rangle])$.

use crate::lattice::HypercubicLattice;
use crate::sample::{Sample, Spin};

/// Magnetisation per spin.
pub fn magnetisation(spins: &[Spin]) -> f64 {
    spins.iter().map(|&s| i64::from(s)).sum::<i64>() as f64 / spins.len() as f64
}

/// Overlap $q_{ab}$ between two configurations.
pub fn overlap(a: &[Spin], b: &[Spin]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| i64::from(x * y))
        .sum::<i64>() as f64
        / a.len() as f64
}

/// Link overlap $q_\ell$ between two configurations of `sample`.
pub fn link_overlap(sample: &Sample, a: &[Spin], b: &[Spin]) -> f64 {
    match sample.bonds() {
        Some(bonds) => {
            if bonds.is_empty() {
                return 0.0;
            }
            bonds
                .iter()
                .map(|bond| i64::from(a[bond.i] * a[bond.j] * b[bond.i] * b[bond.j]))
                .sum::<i64>() as f64
                / bonds.len() as f64
        }
        None => {
            let n = a.len() as f64;
            if a.len() < 2 {
                return 0.0;
            }
            let q = overlap(a, b);
            (n * n * q * q - n) / (n * (n - 1.0))
        }
    }
}

/// The plane waves $e^{i \mathbf k_\mu \cdot \mathbf r_j}$ at the smallest wave vectors
/// $\mathbf k_\mu = (2\pi/L)\mathbf e_\mu$ of a lattice. Such a wave is constant on
/// each plane $x_\mu = p$, so a Fourier sum is first summed plane by plane,
///
/// $$ \sum_j w_j e^{i \mathbf k_\mu \cdot \mathbf r_j} = \sum_{p=0}^{L-1} e^{2\pi i p/L}\, W_p,
/// \qquad W_p = \sum_{j:\, x_\mu(j) = p} w_j , $$
///
/// $O(dN)$ additions and $O(dL)$ multiply-adds, no trigonometry. For $\pm 1$ weights
/// the plane sums $W_p$ are exact integers, so any code that counts them
/// (the bit-sliced multispin measurements do) gets bit-identical powers
/// from [`Self::power_of_plane_sums`].
#[derive(Debug, Clone)]
pub struct MinimumWavevectorPhases {
    sites: usize,
    length: usize,
    /// `(cos, sin)` of $2\pi p/L$ for $p = 0, \dots, L - 1$.
    by_coordinate: Vec<(f64, f64)>,
    /// The coordinate $x_\mu$ of site $j$ at index $\mu N + j$.
    coordinates: Vec<u32>,
    /// The sites of plane $x_\mu = p$ at index $\mu L + p$, increasing.
    planes: Vec<Vec<u32>>,
}

impl MinimumWavevectorPhases {
    /// The table of `lattice`.
    pub fn new(lattice: &HypercubicLattice) -> Self {
        let (length, sites) = (lattice.length(), lattice.sites());
        let by_coordinate = (0..length)
            .map(|x| {
                let angle = 2.0 * std::f64::consts::PI * x as f64 / length as f64;
                (angle.cos(), angle.sin())
            })
            .collect();
        let dimension = lattice.dimension();
        let coordinates: Vec<u32> = (0..dimension)
            .flat_map(|axis| (0..sites).map(move |j| lattice.coordinate(j, axis) as u32))
            .collect();
        let mut planes = vec![Vec::new(); dimension * length];
        for axis in 0..dimension {
            for j in 0..sites {
                let p = coordinates[axis * sites + j] as usize;
                planes[axis * length + p].push(j as u32);
            }
        }
        Self {
            sites,
            length,
            by_coordinate,
            coordinates,
            planes,
        }
    }

    /// Number of axes $d$.
    pub fn dimension(&self) -> usize {
        self.coordinates.len() / self.sites
    }

    /// Side $L$.
    pub fn length(&self) -> usize {
        self.length
    }

    /// The sites of the plane $x_\mu = p$ ($\mu$ = `axis`, $p$ = `coordinate`), increasing.
    pub fn plane(&self, axis: usize, coordinate: usize) -> &[u32] {
        &self.planes[axis * self.length + coordinate]
    }

    /// $\left|\frac1N \sum_p e^{2\pi i p/L} W_p\right|^2$ from the plane sums
    /// $W_p$ = `sums[p]` along one axis.
    pub fn power_of_plane_sums(&self, sums: &[f64]) -> f64 {
        assert_eq!(sums.len(), self.length, "one sum per plane");
        let (mut re, mut im) = (0.0, 0.0);
        for (&w, &(c, s)) in sums.iter().zip(&self.by_coordinate) {
            re += w * c;
            im += w * s;
        }
        let n = self.sites as f64;
        (re * re + im * im) / (n * n)
    }

    /// $\left|\frac1N \sum_j w_j e^{i \mathbf k_\mu \cdot \mathbf r_j}\right|^2$ for site weights $w_j$
    /// (for the overlap, $w_j = s^a_j s^b_j$).
    pub fn power(&self, axis: usize, weight: impl Fn(usize) -> f64) -> f64 {
        let mut sums = vec![0.0; self.length];
        for (j, &p) in self.coordinates[axis * self.sites..(axis + 1) * self.sites]
            .iter()
            .enumerate()
        {
            sums[p as usize] += weight(j);
        }
        self.power_of_plane_sums(&sums)
    }

    /// [`Self::power`] averaged over the $d$ axes.
    pub fn mean_power(&self, weight: impl Fn(usize) -> f64) -> f64 {
        let d = self.dimension();
        (0..d).map(|axis| self.power(axis, &weight)).sum::<f64>() / d as f64
    }

    /// [`Self::mean_power`] from the plane sums, `sums[axis][p]`.
    pub fn mean_power_of_plane_sums(&self, sums: &[Vec<f64>]) -> f64 {
        let d = self.dimension();
        assert_eq!(sums.len(), d, "one list of plane sums per axis");
        sums.iter()
            .map(|s| self.power_of_plane_sums(s))
            .sum::<f64>()
            / d as f64
    }
}

/// $|q(\mathbf k)|^2$ at $\mathbf k = (2\pi/L)\mathbf e_{\text{axis}}$, for every axis of the
/// sample's lattice (empty if the sample is not on a lattice). Builds the phase
/// table each call: keep a [`MinimumWavevectorPhases`] for repeated measurements.
pub fn fourier_overlap_squared(sample: &Sample, a: &[Spin], b: &[Spin]) -> Vec<f64> {
    let Some(lattice) = sample.lattice() else {
        return Vec::new();
    };
    let phases = MinimumWavevectorPhases::new(lattice);
    (0..lattice.dimension())
        .map(|axis| phases.power(axis, |j| f64::from(a[j] * b[j])))
        .collect()
}

/// Binder cumulant $g = \frac12(3 - \langle q^4\rangle/\langle q^2\rangle^2)$.
pub fn binder_cumulant(q2: f64, q4: f64) -> f64 {
    0.5 * (3.0 - q4 / (q2 * q2))
}

/// Second-moment correlation length $\xi_L$ from $\chi(0)$ and $\chi(\mathbf k_{\min})$
/// (NaN when $\chi(0) < \chi(\mathbf k_{\min})$, which happens in small noisy samples).
pub fn second_moment_correlation_length(
    chi_zero: f64,
    chi_minimum_wavevector: f64,
    length: usize,
) -> f64 {
    let k = 2.0 * std::f64::consts::PI / length as f64;
    (chi_zero / chi_minimum_wavevector - 1.0).sqrt() / (2.0 * (k / 2.0).sin())
}

/// Right-hand side of the Gaussian identity: the disorder-averaged coupling
/// energy per spin predicted from the link overlap, $-\beta \sigma^2 (N_b/N)(1 - q_\ell)$.
pub fn gaussian_energy_from_link_overlap(
    beta: f64,
    coupling_variance: f64,
    bonds_per_spin: f64,
    link_overlap: f64,
) -> f64 {
    -beta * coupling_variance * bonds_per_spin * (1.0 - link_overlap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ensemble::{CouplingDistribution, ModelSpec};

    #[test]
    fn correlation_length_inverts_the_ornstein_zernike_form() {
        // chi(k) = chi(0) / (1 + xi^2 (2 sin(k/2))^2) for a lattice Ornstein–Zernike propagator.
        for (xi, length) in [(3.0, 8usize), (0.7, 4), (12.5, 32)] {
            let k: f64 = 2.0 * std::f64::consts::PI / length as f64;
            let chi_zero = 5.0;
            let chi_k = chi_zero / (1.0 + xi * xi * (2.0 * (k / 2.0).sin()).powi(2));
            assert!((second_moment_correlation_length(chi_zero, chi_k, length) - xi).abs() < 1e-12);
        }
        assert!(second_moment_correlation_length(1.0, 2.0, 8).is_nan());
        assert!((binder_cumulant(0.5, 0.25) - 1.0).abs() < 1e-15);
        assert!((binder_cumulant(1.0, 3.0)).abs() < 1e-15);
    }

    #[test]
    fn overlaps_of_simple_configurations() {
        let a = [1, 1, -1, -1];
        let b = [1, -1, -1, 1];
        assert_eq!(magnetisation(&a), 0.0);
        assert_eq!(overlap(&a, &a), 1.0);
        assert_eq!(overlap(&a, &b), 0.0);
    }

    #[test]
    fn link_overlap_of_the_complete_graph_matches_its_bond_sum() {
        let n = 6;
        let dense = ModelSpec::SherringtonKirkpatrick {
            n: n as i64,
            couplings: CouplingDistribution::Gaussian,
            field: 0.0,
        }
        .ensemble()
        .unwrap()
        .draw(1, 0)
        .unwrap();
        let a = [1, -1, 1, 1, -1, 1];
        let b = [1, 1, 1, -1, -1, 1];
        let mut sum = 0;
        for i in 0..n {
            for j in 0..i {
                sum += a[i] * a[j] * b[i] * b[j];
            }
        }
        let expected = f64::from(sum) / (n * (n - 1) / 2) as f64;
        assert!((link_overlap(&dense, &a, &b) - expected).abs() < 1e-14);
    }

    #[test]
    fn fourier_overlap_vanishes_for_uniform_configurations_and_picks_out_a_plane_wave() {
        let sample = ModelSpec::Ferromagnet {
            dimension: 2,
            length: 4,
            field: 0.0,
        }
        .ensemble()
        .unwrap()
        .draw(0, 0)
        .unwrap();
        let a = vec![1; 16];
        let values = fourier_overlap_squared(&sample, &a, &a);
        assert_eq!(values.len(), 2);
        assert!(values.iter().all(|v| v.abs() < 1e-28));
        // A plane wave along axis 0 with period L puts all weight at k_min.
        let wave: Vec<Spin> = (0..16).map(|i| if i % 4 < 2 { 1 } else { -1 }).collect();
        let ones = vec![1; 16];
        let values = fourier_overlap_squared(&sample, &wave, &ones);
        // |(1/N) sum_x s(x) e^{i pi x / 2}|^2 for s = (1, 1, -1, -1): |1 + i|^2 / 4 = 1/2.
        assert!((values[0] - 0.5).abs() < 1e-14, "{values:?}");
        assert!(values[1].abs() < 1e-28);
    }

    #[test]
    fn plane_sums_give_the_site_by_site_fourier_power() {
        // 3D L = 4 with arbitrary real weights: the plane-by-plane sum equals
        // the direct sum over sites of w_j e^{i k r_j} up to rounding.
        let lattice = HypercubicLattice::new(3, 4).unwrap();
        let phases = MinimumWavevectorPhases::new(&lattice);
        let weight = |j: usize| ((j * 37 % 11) as f64 - 5.0) / 3.0;
        for axis in 0..3 {
            let (mut re, mut im) = (0.0f64, 0.0f64);
            for j in 0..lattice.sites() {
                let angle = std::f64::consts::PI / 2.0 * lattice.coordinate(j, axis) as f64;
                re += weight(j) * angle.cos();
                im += weight(j) * angle.sin();
            }
            let direct = (re * re + im * im) / (64.0 * 64.0);
            let power = phases.power(axis, weight);
            assert!(
                (power - direct).abs() < 1e-14,
                "axis {axis}: {power} vs {direct}"
            );
            assert_eq!(phases.plane(axis, 1).len(), 16);
            assert!(
                phases
                    .plane(axis, 1)
                    .iter()
                    .all(|&j| lattice.coordinate(j as usize, axis) == 1)
            );
        }
    }
}
