//! The storages: [`DensePrecision`], the couplings of one sample in it
//! ([`DenseCouplings`]), the per-chain data beside the spins
//! ([`DenseFields`]) and the spins as bits ([`pack_spins`]).

use quench_core::{Sample, Spin};
use serde::{Deserialize, Serialize};

use super::aligned::Aligned;
use super::packed::{Popcount, Portable, packed_field};
use crate::error::SamplerError;

/// Storage of the couplings and cached fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DensePrecision {
    /// `f64` rows and fields.
    F64,
    /// `f32` rows and fields.
    F32,
    /// One sign bit per coupling and per spin, fields by population count
    /// (couplings $\pm|J|$, no field).
    PackedSigns,
}

/// The couplings of one dense sample in the chosen storage.
#[derive(Debug, Clone, PartialEq)]
pub enum DenseCouplings {
    /// Row-major `f64` matrix.
    F64(Aligned<f64>),
    /// Row-major `f32` matrix.
    F32(Aligned<f32>),
    /// Sign bits (1 = negative, diagonal 0), `words` `u64` per row, and $|J|$.
    PackedSigns {
        /// Bits, row-major, `words` per row.
        bits: Vec<u64>,
        /// Words per row, $\lceil N/64 \rceil$.
        words: usize,
        /// $|J|$.
        magnitude: f64,
    },
}

/// The per-chain data a dense kernel keeps beside the `i8` spins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DenseFields {
    /// $h^{\mathrm{loc}}$ in `f64`.
    F64(Aligned<f64>),
    /// $h^{\mathrm{loc}}$ in `f32`.
    F32(Aligned<f32>),
    /// The spins as bits and the exact integer energy.
    Packed {
        /// Bit $j$ of word $j/64$ is 1 where $s_j = -1$ (padding bits 0).
        spins: Vec<u64>,
        /// $U = -\sum_{i<j}\mathrm{sign}(J_{ij}) s_i s_j$; the energy is $|J|\\,U$.
        energy: i64,
    },
}

impl DenseCouplings {
    /// The couplings of a dense `sample` in `precision`.
    pub fn new(sample: &Sample, precision: DensePrecision) -> Result<Self, SamplerError> {
        let n = sample.n();
        if !sample.is_dense() {
            return Err(SamplerError::NotApplicable {
                sampler: "the dense kernel",
                reason: "the couplings are sparse; use the multispin kernel or the scalar sampler"
                    .into(),
            });
        }
        let row = |i: usize| sample.dense_row(i).expect("dense");
        Ok(match precision {
            DensePrecision::F64 => {
                DenseCouplings::F64((0..n).flat_map(|i| row(i).to_vec()).collect())
            }
            DensePrecision::F32 => DenseCouplings::F32(
                (0..n)
                    .flat_map(|i| row(i).iter().map(|&j| j as f32))
                    .collect(),
            ),
            DensePrecision::PackedSigns => {
                let magnitude = if n > 1 {
                    sample.coupling(0, 1).abs()
                } else {
                    1.0
                };
                let words = n.div_ceil(64);
                let mut bits = vec![0u64; n * words];
                for i in 0..n {
                    for (j, &v) in row(i).iter().enumerate() {
                        if i != j && (v.abs() != magnitude || v == 0.0) {
                            return Err(SamplerError::NotApplicable {
                                sampler: "the packed-sign dense kernel",
                                reason: format!(
                                    "J[{i}][{j}] = {v} while |J[0][1]| = {magnitude}; it needs ±J couplings of one magnitude (use F64 or F32)"
                                ),
                            });
                        }
                        if i != j && v < 0.0 {
                            bits[i * words + j / 64] |= 1 << (j % 64);
                        }
                    }
                }
                if sample.has_field() || n > u32::MAX as usize {
                    return Err(SamplerError::NotApplicable {
                        sampler: "the packed-sign dense kernel",
                        reason: "it needs zero field (use F64 or F32)".into(),
                    });
                }
                DenseCouplings::PackedSigns {
                    bits,
                    words,
                    magnitude,
                }
            }
        })
    }

    /// Exact fields of `spins` (the field of the sample included for
    /// floats), or for packed signs the spin bits and integer energy.
    pub fn fields(&self, sample: &Sample, spins: &[Spin]) -> DenseFields {
        match self {
            DenseCouplings::F64(_) => {
                DenseFields::F64(Aligned::from_slice(&sample.local_fields(spins)))
            }
            DenseCouplings::F32(_) => DenseFields::F32(
                sample
                    .local_fields(spins)
                    .iter()
                    .map(|&h| h as f32)
                    .collect(),
            ),
            DenseCouplings::PackedSigns { bits, words, .. } => {
                let spin_bits = pack_spins(spins);
                // U = -1/2 sum_i s_i h_i.
                let twice: i64 = (0..spins.len())
                    .map(|i| {
                        let row = &bits[i * words..(i + 1) * words];
                        i64::from(spins[i])
                            * packed_field(row, &spin_bits, spins.len(), i, Portable::count)
                    })
                    .sum();
                DenseFields::Packed {
                    spins: spin_bits,
                    energy: -twice / 2,
                }
            }
        }
    }
}

/// The spins as bits, bit $j$ of word $j/64$ set where $s_j = -1$.
pub fn pack_spins(spins: &[Spin]) -> Vec<u64> {
    let mut bits = vec![0u64; spins.len().div_ceil(64)];
    for (j, &s) in spins.iter().enumerate() {
        bits[j / 64] |= u64::from(s < 0) << (j % 64);
    }
    bits
}
