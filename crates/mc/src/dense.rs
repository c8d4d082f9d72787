//! Dense (complete-graph) Metropolis with cached local fields, for
//! Sherrington–Kirkpatrick and Hopfield samples.
//!
//! The scalar sampler recomputes $h^{\mathrm{loc}}_i = \sum_j J_{ij}s_j + h_i$ at
//! every update, $O(N)$ per attempt. Here the fields are cached: an attempt
//! reads $h_i$ ($O(1)$), and only an accepted flip of $s_i$ pays the $O(N)$
//! update $h_j \mathrel{+}= 2 s_i' J_{ij}$ over the contiguous row $i$ (one fused
//! vector loop; $J_{ii} = 0$ so $h_i$ is unchanged). Three storages
//! ([`DensePrecision`]):
//!
//! * `F64`: rows and fields in `f64`. The uniform is drawn, as in
//!   [`crate::SingleSpinSampler`], only when $\Delta E > 0$, so with the same stream the
//!   trajectory is the scalar reference's one (the tests check it).
//! * `F32`: rows and fields in `f32`, half the memory traffic per accepted
//!   flip; $\Delta E$ and the energy are accumulated in `f64`.
//! * `PackedSigns`: couplings $\pm|J|$ (SK with $\pm 1/\sqrt N$ couplings) as
//!   one bit per pair ($N^2/8$ bytes: 0.5 MB for $N = 2000$, inside L2) and
//!   integer fields $\sum_j \mathrm{sign}(J_{ij}) s_j$ in `i16`; the
//!   acceptance thresholds $\lfloor 2^{64}e^{-2\beta|J|x}\rfloor$ are tabulated
//!   per temperature for every $x = s_ih_i$, so no exponential is evaluated.
//!   The row update uses AVX-512BW masked adds when available.
//!
//! Rounding: cached floating-point fields drift from the exact sums by about
//! $\epsilon\sqrt{\text{flips}}$; the driver recomputes them exactly every
//! `refresh_rounds` rounds (an $O(N^2)$ pass), and the energy after every sweep
//! batch from the fields in $O(N)$. The packed storage is exact.

use quench_core::{ParameterError, Sample, Spin, StreamRng};
use rand::{Rng, RngExt};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::SamplerError;
use crate::multispin::probability_threshold;
use crate::temperature::TemperatureLadder;
use crate::tempering::TemperingState;

/// Storage of the couplings and cached fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DensePrecision {
    /// `f64` rows and fields.
    F64,
    /// `f32` rows and fields.
    F32,
    /// One sign bit per coupling, integer fields (couplings $\pm|J|$, no field).
    PackedSigns,
}

/// The couplings of one dense sample in the chosen storage.
#[derive(Debug, Clone, PartialEq)]
pub enum DenseCouplings {
    /// Row-major `f64` matrix.
    F64(Vec<f64>),
    /// Row-major `f32` matrix.
    F32(Vec<f32>),
    /// Sign bits (1 = negative), `words` `u64` per row, and $|J|$.
    PackedSigns {
        /// Bits, row-major, `words` per row.
        bits: Vec<u64>,
        /// Words per row, $\lceil N/64 \rceil$.
        words: usize,
        /// $|J|$.
        magnitude: f64,
    },
}

/// The cached local fields of one chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DenseFields {
    /// $h^{\mathrm{loc}}$ in `f64`.
    F64(Vec<f64>),
    /// $h^{\mathrm{loc}}$ in `f32`.
    F32(Vec<f32>),
    /// $\sum_j \mathrm{sign}(J_{ij}) s_j$.
    Packed(Vec<i16>),
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
                        if v < 0.0 {
                            bits[i * words + j / 64] |= 1 << (j % 64);
                        }
                    }
                }
                if sample.has_field() || n >= i16::MAX as usize {
                    return Err(SamplerError::NotApplicable {
                        sampler: "the packed-sign dense kernel",
                        reason: "it needs zero field and N < 32767 (use F64 or F32)".into(),
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

    /// Exact fields of `spins` (the field of the sample included for floats).
    pub fn fields(&self, sample: &Sample, spins: &[Spin]) -> DenseFields {
        let n = spins.len();
        match self {
            DenseCouplings::F64(_) => DenseFields::F64(sample.local_fields(spins)),
            DenseCouplings::F32(_) => DenseFields::F32(
                sample
                    .local_fields(spins)
                    .iter()
                    .map(|&h| h as f32)
                    .collect(),
            ),
            DenseCouplings::PackedSigns { bits, words, .. } => DenseFields::Packed(
                (0..n)
                    .map(|i| {
                        (0..n)
                            .filter(|&j| j != i)
                            .map(|j| {
                                let negative = (bits[i * words + j / 64] >> (j % 64)) & 1 == 1;
                                i16::from(spins[j]) * if negative { -1 } else { 1 }
                            })
                            .sum()
                    })
                    .collect(),
            ),
        }
    }
}

/// One sequential Metropolis sweep with cached `f64` fields; returns the
/// energy change and the number of accepted flips.
pub fn sweep_f64(
    rows: &[f64],
    spins: &mut [Spin],
    fields: &mut [f64],
    beta: f64,
    rng: &mut StreamRng,
) -> (f64, u64) {
    let n = spins.len();
    let (mut change, mut accepted) = (0.0, 0);
    for i in 0..n {
        let s = f64::from(spins[i]);
        let delta = 2.0 * s * fields[i];
        if delta <= 0.0 || rng.random::<f64>() < (-beta * delta).exp() {
            spins[i] = -spins[i];
            change += delta;
            accepted += 1;
            let step = -2.0 * s;
            for (h, &j) in fields.iter_mut().zip(&rows[i * n..(i + 1) * n]) {
                *h += step * j;
            }
        }
    }
    (change, accepted)
}

/// [`sweep_f64`] with `f32` rows and fields.
pub fn sweep_f32(
    rows: &[f32],
    spins: &mut [Spin],
    fields: &mut [f32],
    beta: f64,
    rng: &mut StreamRng,
) -> (f64, u64) {
    let n = spins.len();
    let (mut change, mut accepted) = (0.0, 0);
    for i in 0..n {
        let s = spins[i];
        let delta = 2.0 * f64::from(s) * f64::from(fields[i]);
        if delta <= 0.0 || rng.random::<f64>() < (-beta * delta).exp() {
            spins[i] = -s;
            change += delta;
            accepted += 1;
            let step = -2.0 * f32::from(s);
            for (h, &j) in fields.iter_mut().zip(&rows[i * n..(i + 1) * n]) {
                *h += step * j;
            }
        }
    }
    (change, accepted)
}

/// The acceptance table of the packed kernel: entry $x$ ($0 \le x < N$) is
/// $\lfloor 2^{64} e^{-2\beta|J|x}\rfloor$ (entry 0 saturates: always accepted).
pub fn packed_thresholds(n: usize, magnitude: f64, beta: f64) -> Vec<u64> {
    (0..n.max(1))
        .map(|x| probability_threshold((-2.0 * beta * magnitude * x as f64).exp()))
        .collect()
}

/// One sequential Metropolis sweep with packed signs and integer fields; one
/// `u64` uniform per attempt with $s_ih_i > 0$. Returns the change of the
/// integer energy $-\sum_{i<j}\mathrm{sign}(J_{ij})s_is_j$ and the accepted flips.
pub fn sweep_packed(
    bits: &[u64],
    words: usize,
    spins: &mut [Spin],
    fields: &mut [i16],
    thresholds: &[u64],
    rng: &mut StreamRng,
) -> (i64, u64) {
    let n = spins.len();
    let (mut change, mut accepted) = (0i64, 0);
    for i in 0..n {
        let s = spins[i];
        let x = i32::from(s) * i32::from(fields[i]);
        if x <= 0 || rng.next_u64() < thresholds[x as usize] {
            spins[i] = -s;
            change += 2 * i64::from(x);
            accepted += 1;
            let step = -2 * i16::from(s);
            update_packed_row(&bits[i * words..(i + 1) * words], fields, step);
            // The diagonal bit is 0 (read as +1): take back the self-coupling.
            fields[i] -= step;
        }
    }
    (change, accepted)
}

/// $h_j \mathrel{+}= \mathrm{step}\cdot \mathrm{sign}(J_{ij})$ for every $j$ (the row's bit $j$ set means negative).
pub fn update_packed_row(row: &[u64], fields: &mut [i16], step: i16) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512bw") {
        // SAFETY: AVX-512BW was detected just above.
        unsafe { update_packed_row_avx512(row, fields, step) };
        return;
    }
    update_packed_row_portable(row, fields, step);
}

/// The portable reference of [`update_packed_row`].
pub fn update_packed_row_portable(row: &[u64], fields: &mut [i16], step: i16) {
    for (chunk, &word) in fields.chunks_mut(64).zip(row) {
        for (k, h) in chunk.iter_mut().enumerate() {
            let negative = ((word >> k) & 1) as i16;
            *h += step - 2 * step * negative;
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
fn update_packed_row_avx512(row: &[u64], fields: &mut [i16], step: i16) {
    use std::arch::x86_64::*;
    let plus = _mm512_set1_epi16(step);
    let minus = _mm512_set1_epi16(step.wrapping_neg());
    let full = fields.len() / 32;
    for c in 0..full {
        let mask = (row[c / 2] >> (32 * (c % 2))) as u32;
        let at = fields[32 * c..32 * c + 32].as_mut_ptr();
        // SAFETY: `at` points at 32 in-bounds i16 (unaligned access).
        unsafe {
            let h = _mm512_loadu_si512(at as *const _);
            let add = _mm512_mask_blend_epi16(mask, plus, minus);
            _mm512_storeu_si512(at as *mut _, _mm512_add_epi16(h, add));
        }
    }
    let done = 32 * full;
    for (offset, h) in fields[done..].iter_mut().enumerate() {
        let j = done + offset;
        let negative = ((row[j / 64] >> (j % 64)) & 1) as i16;
        *h += step - 2 * step * negative;
    }
}

/// The configuration of dense parallel tempering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseConfig {
    /// The temperatures.
    pub ladder: TemperatureLadder,
    /// Independent real replicas.
    pub replicas: usize,
    /// Sequential sweeps between exchange rounds (at least 1).
    pub sweeps_per_exchange: u64,
    /// Storage of couplings and fields.
    pub precision: DensePrecision,
    /// Rounds between exact recomputations of the floating-point fields (at least 1).
    pub refresh_rounds: u64,
}

/// The state: a [`TemperingState`] (usable with [`crate::Measurements::record`])
/// and the cached fields of chain `(replica, slot)` at index `replica * K + slot`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseState {
    /// Chains, ladders and exchange bookkeeping, as for [`crate::ParallelTempering`].
    pub tempering: TemperingState,
    /// Cached fields by `replica * K + slot` (they move with the spins).
    pub fields: Vec<DenseFields>,
}

/// Parallel tempering with the dense kernels, prepared for one sample.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseTempering {
    config: DenseConfig,
    couplings: DenseCouplings,
    betas: Vec<f64>,
    tables: Vec<Vec<u64>>,
}

impl DenseTempering {
    /// Prepares the driver for a dense `sample`.
    pub fn new(config: DenseConfig, sample: &Sample) -> Result<Self, SamplerError> {
        for (name, value) in [
            ("replicas", config.replicas as u64),
            ("sweeps_per_exchange", config.sweeps_per_exchange),
            ("refresh_rounds", config.refresh_rounds),
        ] {
            if value == 0 {
                return Err(ParameterError::new(name, 0, "an integer >= 1").into());
            }
        }
        let couplings = DenseCouplings::new(sample, config.precision)?;
        let betas = config.ladder.betas();
        let tables = match &couplings {
            DenseCouplings::PackedSigns { magnitude, .. } => betas
                .iter()
                .map(|&b| packed_thresholds(sample.n(), *magnitude, b))
                .collect(),
            _ => Vec::new(),
        };
        Ok(Self {
            config,
            couplings,
            betas,
            tables,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &DenseConfig {
        &self.config
    }

    /// Inverse temperatures by slot.
    pub fn betas(&self) -> &[f64] {
        &self.betas
    }

    /// Attempted single-spin updates per [`DenseTempering::step`].
    pub fn updates_per_step(&self, sample: &Sample) -> u64 {
        (sample.n() * self.betas.len() * self.config.replicas) as u64
            * self.config.sweeps_per_exchange
    }

    /// Random initial state with the streams of [`crate::ParallelTempering::initial_state`].
    pub fn initial_state(
        &self,
        sample: &Sample,
        master_seed: u64,
        sample_index: u64,
    ) -> DenseState {
        let tempering_config = crate::TemperingConfig {
            ladder: self.config.ladder.clone(),
            replicas: self.config.replicas,
            rule: crate::LocalRule::Metropolis,
            order: crate::SweepOrder::Sequential,
            sweeps_per_exchange: self.config.sweeps_per_exchange,
        };
        let tempering = crate::ParallelTempering::new(tempering_config, sample)
            .expect("validated configuration")
            .initial_state(sample, master_seed, sample_index);
        let fields = tempering
            .ladders
            .iter()
            .flat_map(|l| &l.chains)
            .map(|c| self.couplings.fields(sample, &c.spins))
            .collect();
        DenseState { tempering, fields }
    }

    /// One round: `sweeps_per_exchange` sweeps of every chain (in parallel),
    /// the energies from the fields, then one exchange pass per ladder.
    pub fn step(&self, sample: &Sample, state: &mut DenseState) {
        let k = self.betas.len();
        let refresh = (state.tempering.rounds + 1).is_multiple_of(self.config.refresh_rounds);
        let DenseState { tempering, fields } = state;
        let chains: Vec<_> = tempering
            .ladders
            .iter_mut()
            .flat_map(|l| l.chains.iter_mut())
            .collect();
        chains
            .into_par_iter()
            .zip(fields.par_iter_mut())
            .enumerate()
            .for_each(|(index, (chain, fields))| {
                let slot = index % k;
                let beta = self.betas[slot];
                for _ in 0..self.config.sweeps_per_exchange {
                    let accepted = match (&self.couplings, &mut *fields) {
                        (DenseCouplings::F64(rows), DenseFields::F64(h)) => {
                            sweep_f64(rows, &mut chain.spins, h, beta, &mut chain.rng).1
                        }
                        (DenseCouplings::F32(rows), DenseFields::F32(h)) => {
                            sweep_f32(rows, &mut chain.spins, h, beta, &mut chain.rng).1
                        }
                        (
                            DenseCouplings::PackedSigns { bits, words, .. },
                            DenseFields::Packed(h),
                        ) => {
                            sweep_packed(
                                bits,
                                *words,
                                &mut chain.spins,
                                h,
                                &self.tables[slot],
                                &mut chain.rng,
                            )
                            .1
                        }
                        _ => unreachable!("fields are built with the couplings' storage"),
                    };
                    chain.sweeps += 1;
                    chain.attempted += chain.spins.len() as u64;
                    chain.accepted += accepted;
                }
                if refresh && !matches!(fields, DenseFields::Packed(_)) {
                    *fields = self.couplings.fields(sample, &chain.spins);
                }
                chain.energy = self.energy(sample, &chain.spins, fields);
            });
        for (r, ladder) in tempering.ladders.iter_mut().enumerate() {
            self.exchange(ladder, &mut fields[r * k..(r + 1) * k]);
        }
        tempering.rounds += 1;
    }

    /// $H$ from the cached fields in $O(N)$: $-\frac12\sum_i s_i(h^{\mathrm{loc}}_i - h_i) - \sum_i h_i s_i$.
    fn energy(&self, sample: &Sample, spins: &[Spin], fields: &DenseFields) -> f64 {
        let external = sample.fields();
        match (fields, &self.couplings) {
            (DenseFields::F64(h), _) => spins
                .iter()
                .zip(h)
                .zip(external)
                .map(|((&s, &h), &e)| -0.5 * f64::from(s) * (h + e))
                .sum(),
            (DenseFields::F32(h), _) => spins
                .iter()
                .zip(h)
                .zip(external)
                .map(|((&s, &h), &e)| -0.5 * f64::from(s) * (f64::from(h) + e))
                .sum(),
            (DenseFields::Packed(h), DenseCouplings::PackedSigns { magnitude, .. }) => {
                let twice: i64 = spins
                    .iter()
                    .zip(h)
                    .map(|(&s, &h)| i64::from(s) * i64::from(h))
                    .sum();
                -0.5 * magnitude * twice as f64
            }
            _ => unreachable!("fields are built with the couplings' storage"),
        }
    }

    /// The exchange pass of one ladder (the rule and stream use of
    /// [`crate::ParallelTempering::exchange`]); fields move with the spins.
    fn exchange(&self, ladder: &mut crate::tempering::Ladder, fields: &mut [DenseFields]) {
        crate::tempering::exchange_pass(&self.betas, ladder, |slot| fields.swap(slot, slot + 1));
    }
}
