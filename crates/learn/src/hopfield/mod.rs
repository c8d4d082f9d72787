//! The Hopfield network with Hebbian couplings.
//!
//! $$ J_{ij} = \frac1N \sum_{\mu=1}^P \xi_i^\mu \xi_j^\mu \;(i \ne j), \qquad J_{ii} = 0,
//! \qquad H(s) = -\frac12 \sum_{i \ne j} J_{ij} s_i s_j
//! = -\frac{1}{2N}\Bigl(\sum_\mu M_\mu^2 - PN\Bigr), $$
//! with the integer overlaps $M_\mu = \sum_j \xi_j^\mu s_j = N m_\mu$ and the
//! local field $h_i = \sum_{j \ne i} J_{ij} s_j$, so that flipping $s_i$
//! changes the energy by $2 s_i h_i$.
//!
//! Every kernel works with the integer $N h_i$, which both representations
//! compute exactly:
//! $$ N h_i = \sum_\mu \xi_i^\mu M_\mu - P s_i = \sum_{j \ne i} (N J_{ij})\\, s_j . $$
//! Hence, for the same random stream, [`Representation::Patterns`] and
//! [`Representation::Couplings`] follow bit-identical trajectories.
//!
//! * [`HopfieldNetwork`]: the quenched sample (patterns and the
//!   representation's storage), immutable.
//! * [`HopfieldState`]: one chain, the spins and the representation's cache
//!   (overlaps $M_\mu$ or fields $N h_i$); serialisable for checkpoints.
//! * Dynamics ([`HopfieldNetwork::relax`], [`HopfieldNetwork::synchronous`],
//!   [`HopfieldNetwork::glauber_sweep`]) and the retrieval workflows in
//!   [`experiment`].

pub mod dynamics;
pub mod experiment;
pub mod kernel;

pub use dynamics::HeatBath;
pub use experiment::{
    BasinPoint, Load, RetrievalResult, RetrievalSpec, SampleRetrieval, attraction_basin,
    retrieval_curve, retrieval_experiment,
};

use crate::error::{LearnError, check_spins, parameter};
use crate::patterns::BinaryPatterns;
use kernel::{CouplingMatrix, Simd};
use quench_core::Spin;
use serde::{Deserialize, Serialize};

/// Largest coupling matrix (bytes) that [`Representation::Automatic`] builds.
pub const AUTOMATIC_COUPLING_BYTES: usize = 1 << 30;

/// Largest coupling matrix (bytes) that [`HopfieldNetwork::new`] builds at
/// all (8 GiB); beyond it [`Representation::Couplings`] is an error.
pub const COUPLING_BYTES_LIMIT: usize = 8 << 30;

/// How the network stores what determines the local fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Representation {
    /// The patterns (spin-major copy, $NP$ bytes) and, per chain, the
    /// overlaps $M_\mu$: a field costs $O(P)$, a flip $O(P)$, a sweep $O(NP)$.
    Patterns,
    /// The integer couplings $N J_{ij}$ ($N^2$ entries, built in $O(N^2 P)$)
    /// and, per chain, the cached fields $N h_i$: a field costs $O(1)$, a
    /// flip $O(N)$.
    Couplings,
    /// [`Patterns`](Self::Patterns) when $P < N$ or when the $N \times N$
    /// matrix would exceed [`AUTOMATIC_COUPLING_BYTES`] (1 GiB),
    /// [`Couplings`](Self::Couplings) otherwise. Reason: a pattern-based
    /// field costs $P$ operations and a coupling-based flip $N$, and the
    /// couplings cost $N^2 P$ to build (as much as $N$ pattern-based sweeps),
    /// so they pay only when $P \ge N$.
    Automatic,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Storage {
    Patterns { spin_major: Vec<Spin> },
    Couplings { matrix: CouplingMatrix },
}

/// A Hopfield network: $P$ binary patterns stored with the Hebbian rule.
///
/// Immutable once built; the mutable chain is a [`HopfieldState`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopfieldNetwork {
    patterns: BinaryPatterns,
    storage: Storage,
    simd: Simd,
}

/// One chain of a [`HopfieldNetwork`]: the spins and the integer cache of its
/// representation ($M_\mu$ for patterns, $N h_i$ for couplings).
///
/// Only meaningful with the network that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HopfieldState {
    spins: Vec<Spin>,
    cache: Cache,
}

/// The integer cache of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Cache {
    /// Overlaps $M_\mu$ as `i16` (when $N \le 32767$).
    NarrowOverlaps(Vec<i16>),
    /// Overlaps $M_\mu$ as `i32`.
    Overlaps(Vec<i32>),
    /// Fields $N h_i$.
    Fields(Vec<i32>),
}

impl HopfieldState {
    /// The spins $s_i = \pm 1$.
    pub fn spins(&self) -> &[Spin] {
        &self.spins
    }
}

/// The pattern with the largest overlap.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LargestOverlap {
    /// Its index $\mu$ (0-based; the first one on ties).
    pub index: usize,
    /// Its overlap $m_\mu$ (signed).
    pub value: f64,
}

impl HopfieldNetwork {
    /// Stores `patterns` with the given representation.
    ///
    /// Fails when $N P$ exceeds `i32::MAX` (the integer fields
    /// $|N h_i| \le (N-1) P$ must fit in `i32`) and when explicitly requested
    /// couplings would exceed [`COUPLING_BYTES_LIMIT`].
    pub fn new(
        patterns: BinaryPatterns,
        representation: Representation,
    ) -> Result<Self, LearnError> {
        let (n, p) = (patterns.neurons(), patterns.count());
        if n.checked_mul(p).is_none_or(|size| size > i32::MAX as usize) {
            return Err(parameter(
                "patterns",
                p,
                format!(
                    "a count with neurons * patterns <= {} (here neurons = {n})",
                    i32::MAX
                ),
            ));
        }
        let resolved = Self::resolve(representation, n, p);
        let matrix_bytes = n
            .saturating_mul(n)
            .saturating_mul(if p <= i16::MAX as usize { 2 } else { 4 });
        if resolved == Representation::Couplings && matrix_bytes > COUPLING_BYTES_LIMIT {
            return Err(parameter(
                "representation",
                "couplings",
                format!(
                    "patterns for neurons = {n}: the coupling matrix would need {matrix_bytes} bytes, more than the limit of {COUPLING_BYTES_LIMIT}"
                ),
            ));
        }
        let simd = Simd::detect();
        let spin_major = patterns.spin_major();
        let storage = match resolved {
            Representation::Couplings => Storage::Couplings {
                matrix: CouplingMatrix::hebbian(simd, &spin_major, n, p),
            },
            _ => Storage::Patterns { spin_major },
        };
        Ok(Self {
            patterns,
            storage,
            simd,
        })
    }

    /// The representation [`Representation::Automatic`] resolves to (the
    /// others resolve to themselves).
    pub fn resolve(
        representation: Representation,
        neurons: usize,
        patterns: usize,
    ) -> Representation {
        match representation {
            Representation::Automatic => {
                let bytes = neurons
                    .saturating_mul(neurons)
                    .saturating_mul(if patterns <= i16::MAX as usize { 2 } else { 4 });
                if patterns < neurons || bytes > AUTOMATIC_COUPLING_BYTES {
                    Representation::Patterns
                } else {
                    Representation::Couplings
                }
            }
            other => other,
        }
    }

    /// The representation in use ([`Representation::Patterns`] or
    /// [`Representation::Couplings`]).
    pub fn representation(&self) -> Representation {
        match self.storage {
            Storage::Patterns { .. } => Representation::Patterns,
            Storage::Couplings { .. } => Representation::Couplings,
        }
    }

    /// The stored patterns.
    pub fn patterns(&self) -> &BinaryPatterns {
        &self.patterns
    }

    /// Number of neurons $N$.
    pub fn neurons(&self) -> usize {
        self.patterns.neurons()
    }

    /// Number of patterns $P$.
    pub fn pattern_count(&self) -> usize {
        self.patterns.count()
    }

    /// The instruction set of the kernels.
    pub fn simd(&self) -> Simd {
        self.simd
    }

    /// A chain at the configuration `spins` (length $N$, entries ±1).
    pub fn state(&self, spins: Vec<Spin>) -> Result<HopfieldState, LearnError> {
        check_spins(&spins, self.neurons())?;
        let mut state = HopfieldState {
            spins,
            cache: Cache::Fields(Vec::new()),
        };
        self.refresh(&mut state);
        Ok(state)
    }

    /// Recomputes the cache of `state` from its spins.
    fn refresh(&self, state: &mut HopfieldState) {
        let n = self.neurons();
        state.cache = match &self.storage {
            Storage::Patterns { .. } => {
                let overlaps = self.patterns.integer_overlaps(&state.spins);
                if n <= i16::MAX as usize {
                    Cache::NarrowOverlaps(overlaps.into_iter().map(|m| m as i16).collect())
                } else {
                    Cache::Overlaps(overlaps)
                }
            }
            Storage::Couplings { matrix } => {
                let mut fields = vec![0i32; n];
                for (k, &s) in state.spins.iter().enumerate() {
                    matrix.add_row(self.simd, &mut fields, k, i32::from(s));
                }
                Cache::Fields(fields)
            }
        };
    }

    fn column<'a>(&self, spin_major: &'a [Spin], i: usize) -> &'a [Spin] {
        let p = self.pattern_count();
        &spin_major[i * p..(i + 1) * p]
    }

    /// Asks the CPU to bring the pattern column of spin $i$ into cache: in
    /// random visiting order the next column is known one update ahead, and
    /// its $P$ bytes would otherwise arrive one cache miss at a time.
    #[inline]
    pub(crate) fn prefetch_column(&self, i: usize) {
        #[cfg(target_arch = "x86_64")]
        if let Storage::Patterns { spin_major } = &self.storage {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            for line in self.column(spin_major, i).chunks(64) {
                // SAFETY: SSE is part of the x86_64 baseline, and a prefetch
                // of an in-bounds address neither reads nor faults.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(line.as_ptr()) };
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = i;
    }

    /// The integer local field $N h_i$ of spin $i$: $O(P)$ for patterns,
    /// $O(1)$ for couplings.
    #[inline]
    pub fn integer_field(&self, state: &HopfieldState, i: usize) -> i32 {
        match (&self.storage, &state.cache) {
            (Storage::Patterns { spin_major }, Cache::NarrowOverlaps(m)) => {
                kernel::column_dot_narrow(self.simd, self.column(spin_major, i), m)
                    - self.pattern_count() as i32 * i32::from(state.spins[i])
            }
            (Storage::Patterns { spin_major }, Cache::Overlaps(m)) => {
                kernel::column_dot_wide(self.simd, self.column(spin_major, i), m)
                    - self.pattern_count() as i32 * i32::from(state.spins[i])
            }
            (Storage::Couplings { .. }, Cache::Fields(fields)) => fields[i],
            _ => panic!("this state belongs to a network of another representation"),
        }
    }

    /// The local field $h_i = \sum_{j \ne i} J_{ij} s_j$.
    pub fn local_field(&self, state: &HopfieldState, i: usize) -> f64 {
        f64::from(self.integer_field(state, i)) / self.neurons() as f64
    }

    /// The integer overlaps $M_\mu = N m_\mu$ (read from the cache for
    /// patterns, computed in $O(NP)$ for couplings).
    pub fn integer_overlaps(&self, state: &HopfieldState) -> Vec<i32> {
        match &state.cache {
            Cache::NarrowOverlaps(m) => m.iter().map(|&x| i32::from(x)).collect(),
            Cache::Overlaps(m) => m.clone(),
            Cache::Fields(_) => self.patterns.integer_overlaps(&state.spins),
        }
    }

    /// The overlaps $m_\mu = \frac1N \sum_j \xi_j^\mu s_j$ with every pattern.
    pub fn overlaps(&self, state: &HopfieldState) -> Vec<f64> {
        let n = self.neurons() as f64;
        self.integer_overlaps(state)
            .into_iter()
            .map(|m| f64::from(m) / n)
            .collect()
    }

    /// The overlap $m_\mu$ with one pattern.
    pub fn overlap(&self, state: &HopfieldState, mu: usize) -> f64 {
        let integer = match &state.cache {
            Cache::NarrowOverlaps(m) => i32::from(m[mu]),
            Cache::Overlaps(m) => m[mu],
            Cache::Fields(_) => crate::patterns::dot_i8(self.patterns.pattern(mu), &state.spins),
        };
        f64::from(integer) / self.neurons() as f64
    }

    /// The pattern with the largest overlap $m_\mu$ (signed: a state near
    /// $-\xi^\mu$ has overlap near $-1$).
    pub fn largest_overlap(&self, state: &HopfieldState) -> LargestOverlap {
        let overlaps = self.integer_overlaps(state);
        let (index, &value) =
            overlaps
                .iter()
                .enumerate()
                .fold(
                    (0, &overlaps[0]),
                    |best, (k, m)| if *m > *best.1 { (k, m) } else { best },
                );
        LargestOverlap {
            index,
            value: f64::from(value) / self.neurons() as f64,
        }
    }

    /// Twice $N$ times the energy, an exact integer:
    /// $2 N H = P N - \sum_\mu M_\mu^2 = -\sum_i s_i\\, N h_i$.
    pub fn twice_n_energy(&self, state: &HopfieldState) -> i64 {
        match &state.cache {
            Cache::Fields(fields) => -state
                .spins
                .iter()
                .zip(fields)
                .map(|(&s, &h)| i64::from(s) * i64::from(h))
                .sum::<i64>(),
            _ => {
                let squares: i64 = self
                    .integer_overlaps(state)
                    .iter()
                    .map(|&m| i64::from(m) * i64::from(m))
                    .sum();
                (self.pattern_count() * self.neurons()) as i64 - squares
            }
        }
    }

    /// The energy per spin $H/N$.
    pub fn energy_per_spin(&self, state: &HopfieldState) -> f64 {
        let n = self.neurons() as f64;
        self.twice_n_energy(state) as f64 / (2.0 * n * n)
    }

    /// Flips spin $i$ and updates the cache: $O(P)$ for patterns, $O(N)$ for
    /// couplings.
    #[inline]
    pub fn flip(&self, state: &mut HopfieldState, i: usize) {
        let new = -state.spins[i];
        state.spins[i] = new;
        let step = 2 * i32::from(new);
        match (&self.storage, &mut state.cache) {
            (Storage::Patterns { spin_major }, Cache::NarrowOverlaps(m)) => {
                kernel::add_column_narrow(self.simd, m, self.column(spin_major, i), step as i16)
            }
            (Storage::Patterns { spin_major }, Cache::Overlaps(m)) => {
                kernel::add_column(self.simd, m, self.column(spin_major, i), step)
            }
            (Storage::Couplings { matrix }, Cache::Fields(fields)) => {
                matrix.add_row(self.simd, fields, i, step)
            }
            _ => panic!("this state belongs to a network of another representation"),
        }
    }

    /// Sets the spins of `state` to `spins` and rebuilds its cache.
    pub fn set_spins(&self, state: &mut HopfieldState, spins: &[Spin]) -> Result<(), LearnError> {
        check_spins(spins, self.neurons())?;
        state.spins.clear();
        state.spins.extend_from_slice(spins);
        self.refresh(state);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
