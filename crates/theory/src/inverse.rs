//! The inverse Ising problem in mean-field theory: couplings and fields
//! from measured magnetisations and correlations.
//!
//! The model is $p(s) = e^{\sum_{i<j}J_{ij}s_is_j + \sum_i h_is_i}/Z$ with the
//! inverse temperature absorbed in $J$ and $h$ (data drawn at temperature
//! $T$ from couplings $J^*$ are described by $J = J^*/T$). The data enter
//! through $m_i = \langle s_i\rangle$ and the connected correlations
//! $C_{ij} = \langle s_is_j\rangle - m_im_j$.
//!
//! **Naive mean field** (Kappen & Rodríguez, Neural Comput. 10, 1137
//! (1998)): linear response of $m_i = \tanh(h_i + \sum_j J_{ij}m_j)$ gives
//! $(C^{-1})_{ij} = -J_{ij}$ for $i \ne j$, and
//! $h_i = \operatorname{artanh} m_i - \sum_j J_{ij}m_j$.
//!
//! **TAP** (Kappen & Rodríguez 1998; Tanaka, Phys. Rev. E 58, 2302 (1998)):
//! with the Onsager term,
//! $(C^{-1})_{ij} = -J_{ij} - 2J_{ij}^2m_im_j$, whose root continuous with the
//! mean-field one is
//!
//! $$ J_{ij} = \frac{-2(C^{-1})_{ij}}{1 + \sqrt{1 - 8(C^{-1})_{ij}m_im_j}}, $$
//!
//! and $h_i = \operatorname{artanh} m_i - \sum_j J_{ij}m_j + m_i\sum_j J_{ij}^2(1 - m_j^2)$.
//! Where the discriminant is negative the equation has no real root; the
//! square root is then taken as zero (the root of the nearest solvable
//! equation) and the pair is counted in [`InferredIsing::complex_pairs`].
//!
//! Both are exact to first order in the couplings: their errors are
//! $O(J^2)$ (mean field) and $O(J^3)$ (TAP) at fixed fields, which the tests
//! check against exact enumeration. The inverse of $C$ is a Cholesky
//! factorisation (nalgebra): $C$ must be positive definite, which needs
//! more configurations than spins and no frozen spin.

use nalgebra::DMatrix;
use serde::Serialize;

use crate::error::TheoryError;
use quench_core::ParameterError;

/// Measured magnetisations and connected correlations of $N$ Ising spins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpinStatistics {
    n: usize,
    magnetisations: Vec<f64>,
    connected: Vec<f64>,
}

impl SpinStatistics {
    /// Statistics from $m_i$ and the row-major $N\times N$ connected
    /// correlations $C_{ij}$ (symmetric, finite, $|m_i| < 1$).
    pub fn new(magnetisations: Vec<f64>, connected: Vec<f64>) -> Result<Self, ParameterError> {
        let n = magnetisations.len();
        if n < 2 {
            return Err(ParameterError::new(
                "magnetisations",
                format!("{n} spins"),
                "at least 2 spins",
            ));
        }
        if connected.len() != n * n {
            return Err(ParameterError::new(
                "correlations",
                format!("{} entries", connected.len()),
                format!("N * N = {} entries", n * n),
            ));
        }
        if let Some((i, m)) = magnetisations
            .iter()
            .enumerate()
            .find(|(_, m)| m.is_nan() || m.abs() >= 1.0)
        {
            return Err(ParameterError::new(
                "magnetisations",
                format!("m[{i}] = {m}"),
                "|m| < 1 for every spin (a spin that never flips has no finite field)",
            ));
        }
        for i in 0..n {
            for j in 0..=i {
                let (a, b) = (connected[i * n + j], connected[j * n + i]);
                if !a.is_finite() || a != b {
                    return Err(ParameterError::new(
                        "correlations",
                        format!("C[{i}][{j}] = {a}, C[{j}][{i}] = {b}"),
                        "a finite symmetric matrix",
                    ));
                }
            }
        }
        Ok(Self {
            n,
            magnetisations,
            connected,
        })
    }

    /// Number of spins.
    pub fn n(&self) -> usize {
        self.n
    }

    /// $m_i$.
    pub fn magnetisations(&self) -> &[f64] {
        &self.magnetisations
    }

    /// $C_{ij}$, row-major.
    pub fn connected(&self) -> &[f64] {
        &self.connected
    }

    /// $C^{-1}$ by Cholesky factorisation.
    fn inverse_correlations(&self) -> Result<DMatrix<f64>, TheoryError> {
        let n = self.n;
        let matrix = DMatrix::from_row_slice(n, n, &self.connected);
        let cholesky = matrix.cholesky().ok_or_else(|| TheoryError::NoSolution {
            what: "mean-field inversion",
            reason: "the connected correlation matrix is not positive definite: it needs more \
                     configurations than spins, and no spin that is a copy of others"
                .to_string(),
        })?;
        Ok(cholesky.inverse())
    }
}

/// Couplings and fields inferred by a mean-field inversion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InferredIsing {
    /// $J_{ij}$, row-major $N\times N$, symmetric with zero diagonal.
    pub couplings: Vec<f64>,
    /// $h_i$.
    pub fields: Vec<f64>,
    /// Pairs $i<j$ whose TAP equation has no real root (0 for mean field).
    pub complex_pairs: usize,
}

/// Naive mean-field inversion: $J_{ij} = -(C^{-1})_{ij}$.
pub fn naive_mean_field_inversion(
    statistics: &SpinStatistics,
) -> Result<InferredIsing, TheoryError> {
    let n = statistics.n;
    let inverse = statistics.inverse_correlations()?;
    let mut couplings = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            if i != j {
                couplings[i * n + j] = -0.5 * (inverse[(i, j)] + inverse[(j, i)]);
            }
        }
    }
    let m = &statistics.magnetisations;
    let fields = (0..n)
        .map(|i| m[i].atanh() - (0..n).map(|j| couplings[i * n + j] * m[j]).sum::<f64>())
        .collect();
    Ok(InferredIsing {
        couplings,
        fields,
        complex_pairs: 0,
    })
}

/// TAP inversion: the second-order (Onsager) correction of
/// [`naive_mean_field_inversion`].
pub fn tap_inversion(statistics: &SpinStatistics) -> Result<InferredIsing, TheoryError> {
    let n = statistics.n;
    let inverse = statistics.inverse_correlations()?;
    let m = &statistics.magnetisations;
    let mut couplings = vec![0.0; n * n];
    let mut complex_pairs = 0;
    for i in 0..n {
        for j in 0..i {
            let c = 0.5 * (inverse[(i, j)] + inverse[(j, i)]);
            let discriminant = 1.0 - 8.0 * c * m[i] * m[j];
            if discriminant < 0.0 {
                complex_pairs += 1;
            }
            let coupling = -2.0 * c / (1.0 + discriminant.max(0.0).sqrt());
            couplings[i * n + j] = coupling;
            couplings[j * n + i] = coupling;
        }
    }
    let fields = (0..n)
        .map(|i| {
            let row = &couplings[i * n..(i + 1) * n];
            let mean_field: f64 = row.iter().zip(m).map(|(j, m)| j * m).sum();
            let onsager: f64 = row.iter().zip(m).map(|(j, m)| j * j * (1.0 - m * m)).sum();
            m[i].atanh() - mean_field + m[i] * onsager
        })
        .collect();
    Ok(InferredIsing {
        couplings,
        fields,
        complex_pairs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact $m$ and $C$ of $N$ spins by enumeration.
    fn exact_statistics(n: usize, couplings: &[f64], fields: &[f64]) -> SpinStatistics {
        let mut z = 0.0;
        let mut first = vec![0.0; n];
        let mut second = vec![0.0; n * n];
        for state in 0..1usize << n {
            let s: Vec<f64> = (0..n)
                .map(|i| if state >> i & 1 == 1 { 1.0 } else { -1.0 })
                .collect();
            let mut exponent = 0.0;
            for i in 0..n {
                exponent += fields[i] * s[i];
                for j in 0..i {
                    exponent += couplings[i * n + j] * s[i] * s[j];
                }
            }
            let w = f64::exp(exponent);
            z += w;
            for i in 0..n {
                first[i] += w * s[i];
                for j in 0..n {
                    second[i * n + j] += w * s[i] * s[j];
                }
            }
        }
        let m: Vec<f64> = first.iter().map(|x| x / z).collect();
        let c = (0..n * n)
            .map(|k| second[k] / z - m[k / n] * m[k % n])
            .collect();
        SpinStatistics::new(m, c).unwrap()
    }

    /// A fixed random-looking coupling pattern of unit scale and fields.
    fn pattern(n: usize) -> (Vec<f64>, Vec<f64>) {
        let mut couplings = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..i {
                let x = ((i * 7 + j * 13) % 11) as f64 / 5.0 - 1.0;
                couplings[i * n + j] = x;
                couplings[j * n + i] = x;
            }
        }
        let fields = (0..n).map(|i| 0.4 - 0.15 * i as f64).collect();
        (couplings, fields)
    }

    fn coupling_error(inferred: &[f64], truth: &[f64]) -> f64 {
        inferred
            .iter()
            .zip(truth)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            .sqrt()
    }

    /// The orders of the two expansions: with couplings $\epsilon K$, the
    /// error of mean field falls as $\epsilon^2$ and TAP's as $\epsilon^3$
    /// (log-log slopes between $\epsilon$ and $\epsilon/2$).
    #[test]
    fn mean_field_errors_are_second_order_and_tap_errors_third_order() {
        let n = 6;
        let (pattern, fields) = pattern(n);
        let errors = |epsilon: f64| {
            let couplings: Vec<f64> = pattern.iter().map(|k| epsilon * k).collect();
            let statistics = exact_statistics(n, &couplings, &fields);
            let mean_field = naive_mean_field_inversion(&statistics).unwrap();
            let tap = tap_inversion(&statistics).unwrap();
            assert_eq!(tap.complex_pairs, 0);
            (
                coupling_error(&mean_field.couplings, &couplings),
                coupling_error(&tap.couplings, &couplings),
            )
        };
        let (mf_coarse, tap_coarse) = errors(0.04);
        let (mf_fine, tap_fine) = errors(0.02);
        let mf_slope = (mf_coarse / mf_fine).log2();
        let tap_slope = (tap_coarse / tap_fine).log2();
        assert!((mf_slope - 2.0).abs() < 0.15, "mean-field slope {mf_slope}");
        assert!((tap_slope - 3.0).abs() < 0.15, "TAP slope {tap_slope}");
        assert!(tap_fine < mf_fine / 10.0);
    }

    /// Without couplings both inversions are exact: $h_i = \operatorname{artanh} m_i$.
    #[test]
    fn independent_spins_are_inverted_exactly() {
        let n = 4;
        let fields = vec![0.3, -0.7, 0.0, 1.2];
        let statistics = exact_statistics(n, &vec![0.0; n * n], &fields);
        for inferred in [
            naive_mean_field_inversion(&statistics).unwrap(),
            tap_inversion(&statistics).unwrap(),
        ] {
            assert!(inferred.couplings.iter().all(|j| j.abs() < 1e-12));
            for (h, truth) in inferred.fields.iter().zip(&fields) {
                assert!((h - truth).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn singular_correlations_and_frozen_spins_are_refused() {
        let singular = SpinStatistics::new(vec![0.0, 0.0], vec![1.0, 1.0, 1.0, 1.0]).unwrap();
        let error = naive_mean_field_inversion(&singular).unwrap_err();
        assert!(
            error.to_string().contains("not positive definite"),
            "{error}"
        );
        let frozen = SpinStatistics::new(vec![1.0, 0.0], vec![0.0, 0.0, 0.0, 1.0]).unwrap_err();
        assert!(frozen.to_string().contains("|m| < 1"), "{frozen}");
        let asymmetric = SpinStatistics::new(vec![0.0, 0.0], vec![1.0, 0.2, 0.1, 1.0]).unwrap_err();
        assert!(asymmetric.to_string().contains("symmetric"), "{asymmetric}");
    }
}
