//! Equilibrium snapshots with their decorrelation measured, not assumed.
//!
//! [`generate_snapshots`] equilibrates a chain (fixing the cluster moves per
//! step half way, [`Kernel::calibrate_clusters`]), runs a pilot of at least
//! [`SnapshotOptions::pilot`] steps recording the energy and the order
//! parameter, measures both integrated autocorrelation times
//! $\tau_\text{int}$ (Sokal's window, `quench-stats`), extends the pilot
//! until it is at least [`PILOT_LENGTH_IN_TAU`] times the larger of them
//! (shorter series underestimate $\tau$), and then keeps one
//! configuration every
//! $$\Delta = \max\left(1, \left\lceil f \max(\tau_E, \tau_O) \right\rceil\right)$$
//! steps ($f$ = [`SnapshotOptions::spacing_factor`], 2 by default, so that
//! neighbouring snapshots are correlated by about $e^{-f}$ for an exponential
//! decay). The autocorrelation times of the kept series are measured again
//! and stored: for decorrelated snapshots they are $\approx 1/2$. When they are
//! not (beyond three errors plus [`KEPT_TAU_SLACK`]: the pilot missed a slow
//! mode, as it does for Baxter–Wu at $L = 48$ and $T_c$), the spacing is
//! multiplied by $\lceil 2\tau_\text{kept}\rceil$ and the snapshots are taken
//! again, at most [`MAX_ROUNDS`] times.
//!
//! Snapshots are stored one bit per spin (bit set for $s = +1$, site $i$ in
//! bit $i \bmod 8$ of byte $\lfloor i/8\rfloor$), each with its energy and order
//! parameter, with the temperature and the lattice shape beside them.

use serde::{Deserialize, Serialize};

use quench_core::ParameterError;
use quench_stats::{SokalEstimate, sokal_autocorrelation};

use crate::chain::{Kernel, LatticeChain};
use crate::lattice::Shape;
use crate::model::CriticalModel;

/// The shortest pilot, in measured autocorrelation times.
pub const PILOT_LENGTH_IN_TAU: f64 = 100.0;

/// A kept series counts as decorrelated when its $\tau_\text{int}$ is within
/// three of its errors plus this slack of $1/2$.
pub const KEPT_TAU_SLACK: f64 = 0.1;

/// Rounds of stretching the spacing before the snapshots are kept as they are
/// (their measured $\tau_\text{int}$ is stored either way).
pub const MAX_ROUNDS: usize = 3;

/// How snapshots are taken.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SnapshotOptions {
    /// Snapshots to keep.
    pub snapshots: usize,
    /// Steps discarded before the pilot.
    pub equilibration: usize,
    /// Steps of the pilot run that measures $\tau_\text{int}$ (also discarded).
    pub pilot: usize,
    /// $f$ in the spacing $\Delta = \lceil f\tau\rceil$.
    pub spacing_factor: f64,
    /// The largest spacing allowed; a larger measured need is an error
    /// rather than silently correlated snapshots.
    pub maximum_spacing: usize,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        Self {
            snapshots: 1000,
            equilibration: 200,
            pilot: 1000,
            spacing_factor: 2.0,
            maximum_spacing: 1000,
        }
    }
}

impl SnapshotOptions {
    /// Checks every field, naming the one out of range.
    pub fn validate(&self) -> Result<(), ParameterError> {
        if self.snapshots == 0 {
            return Err(ParameterError::new("snapshots", 0, "at least 1 snapshot"));
        }
        if self.pilot < 100 {
            return Err(ParameterError::new(
                "pilot",
                self.pilot,
                "at least 100 steps (the autocorrelation time needs a series much longer than itself)",
            ));
        }
        if !(self.spacing_factor.is_finite() && self.spacing_factor > 0.0) {
            return Err(ParameterError::new(
                "spacing_factor",
                self.spacing_factor,
                "a finite factor > 0",
            ));
        }
        if self.maximum_spacing == 0 {
            return Err(ParameterError::new("maximum_spacing", 0, "at least 1 step"));
        }
        Ok(())
    }
}

/// The autocorrelation times of one series, in steps or in snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Decorrelation {
    /// $\tau_\text{int}$ of the energy.
    pub energy: SokalEstimate,
    /// $\tau_\text{int}$ of the order parameter.
    pub order_parameter: SokalEstimate,
}

/// Snapshots of one model, lattice and temperature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotSet {
    /// The model.
    pub model: CriticalModel,
    /// The lattice shape.
    pub shape: Shape,
    /// $T$.
    pub temperature: f64,
    /// Packed spins, `bytes_per_snapshot` bytes each (module docs).
    pub spins: Vec<u8>,
    /// Energy per site of each snapshot.
    pub energy: Vec<f64>,
    /// Order parameter of each snapshot.
    pub order_parameter: Vec<f64>,
    /// Steps between kept snapshots.
    pub spacing: usize,
    /// How many times the snapshots were taken: more than one when the kept
    /// series was still correlated and the spacing was stretched.
    pub rounds: usize,
    /// Cluster moves per step, fixed after equilibration.
    pub clusters_per_step: usize,
    /// Mean cluster size measured in equilibration.
    pub mean_cluster: f64,
    /// Length of the pilot in steps (grown until it is 100 autocorrelation times).
    pub pilot_steps: usize,
    /// Autocorrelation times of the pilot, in steps.
    pub pilot: Decorrelation,
    /// Autocorrelation times of the kept series, in snapshots.
    pub kept: Decorrelation,
}

/// Bytes of one packed snapshot of `sites` spins.
pub fn packed_bytes(sites: usize) -> usize {
    sites.div_ceil(8)
}

/// Packs spins $\pm1$ into bits (module docs).
pub fn pack(spins: &[i8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + packed_bytes(spins.len()), 0);
    for (site, &s) in spins.iter().enumerate() {
        if s > 0 {
            out[start + site / 8] |= 1 << (site % 8);
        }
    }
}

/// Unpacks `sites` spins from `bytes`.
pub fn unpack(bytes: &[u8], sites: usize, out: &mut [i8]) {
    for (site, spin) in out.iter_mut().enumerate().take(sites) {
        *spin = if bytes[site / 8] >> (site % 8) & 1 == 1 {
            1
        } else {
            -1
        };
    }
}

impl SnapshotSet {
    /// Number of snapshots.
    pub fn len(&self) -> usize {
        self.energy.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.energy.is_empty()
    }

    /// Sites per snapshot.
    pub fn sites(&self) -> usize {
        self.shape.width * self.shape.height
    }

    /// Snapshot `index` as spins $\pm 1$.
    pub fn snapshot(&self, index: usize) -> Vec<i8> {
        let bytes = packed_bytes(self.sites());
        let mut spins = vec![0; self.sites()];
        unpack(
            &self.spins[index * bytes..(index + 1) * bytes],
            self.sites(),
            &mut spins,
        );
        spins
    }
}

fn decorrelation(energy: &[f64], order: &[f64]) -> Decorrelation {
    let estimate = |series: &[f64]| {
        sokal_autocorrelation(series, quench_stats::SOKAL_WINDOW_FACTOR).unwrap_or(SokalEstimate {
            // Fewer than two values: nothing to measure.
            tau_int: f64::NAN,
            tau_int_error: f64::NAN,
            window: 0,
            window_found: false,
        })
    };
    Decorrelation {
        energy: estimate(energy),
        order_parameter: estimate(order),
    }
}

/// Why snapshots could not be taken.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SnapshotError {
    /// A bad option.
    #[error(transparent)]
    Parameter(#[from] ParameterError),
    /// The measured spacing exceeds [`SnapshotOptions::maximum_spacing`].
    #[error(
        "at T = {temperature}, L = {length}: the pilot measured tau_int = {tau:.1} steps, so snapshots {factor} tau apart need a spacing of {spacing} steps, above maximum_spacing = {maximum}; raise maximum_spacing or use a smaller lattice"
    )]
    TooCorrelated {
        /// $T$.
        temperature: f64,
        /// The lattice width.
        length: usize,
        /// The larger of the two measured times.
        tau: f64,
        /// The spacing factor.
        factor: f64,
        /// The spacing needed.
        spacing: usize,
        /// The allowed maximum.
        maximum: usize,
    },
}

/// Equilibrates `chain` with `kernel`, measures its decorrelation and keeps
/// snapshots (module docs).
pub fn generate_snapshots(
    kernel: &mut Kernel<'_>,
    chain: &mut LatticeChain,
    temperature: f64,
    options: &SnapshotOptions,
) -> Result<SnapshotSet, SnapshotError> {
    options.validate()?;
    let model = kernel.model();
    let lattice = kernel.lattice().clone();
    let n = lattice.sites() as f64;
    for _ in 0..options.equilibration / 2 {
        kernel.step(chain);
    }
    let mean_cluster = kernel.calibrate_clusters(chain, 100);
    for _ in 0..options.equilibration - options.equilibration / 2 {
        kernel.step(chain);
    }
    // The pilot grows until it is at least PILOT_LENGTH_IN_TAU autocorrelation
    // times long (Sokal's estimate is biased low on shorter series), or hits
    // PILOT_LENGTH_IN_TAU * maximum_spacing / spacing_factor steps, beyond
    // which the spacing would be refused anyway.
    let longest = (PILOT_LENGTH_IN_TAU * options.maximum_spacing as f64 / options.spacing_factor)
        .ceil()
        .max(options.pilot as f64) as usize;
    let mut energy = Vec::with_capacity(options.pilot);
    let mut order = Vec::with_capacity(options.pilot);
    let mut target = options.pilot;
    let pilot = loop {
        while energy.len() < target {
            kernel.step(chain);
            energy.push(model.energy(&lattice, &chain.spins) / n);
            order.push(model.order_parameter(&lattice, &chain.spins));
        }
        let measured = decorrelation(&energy, &order);
        let tau = measured
            .energy
            .tau_int
            .max(measured.order_parameter.tau_int);
        let needed = (PILOT_LENGTH_IN_TAU * tau).ceil() as usize;
        if needed <= energy.len() || energy.len() >= longest {
            break measured;
        }
        target = needed.min(longest);
    };
    let pilot_steps = energy.len();
    let tau = pilot.energy.tau_int.max(pilot.order_parameter.tau_int);
    let too_correlated = |tau: f64, spacing: usize| SnapshotError::TooCorrelated {
        temperature,
        length: lattice.width(),
        tau,
        factor: options.spacing_factor,
        spacing,
        maximum: options.maximum_spacing,
    };
    let mut spacing = ((options.spacing_factor * tau).ceil() as usize).max(1);
    let mut spins = Vec::with_capacity(options.snapshots * packed_bytes(lattice.sites()));
    let mut rounds = 0;
    let kept = loop {
        if spacing > options.maximum_spacing {
            return Err(too_correlated(tau, spacing));
        }
        spins.clear();
        energy.clear();
        order.clear();
        for _ in 0..options.snapshots {
            for _ in 0..spacing {
                kernel.step(chain);
            }
            pack(&chain.spins, &mut spins);
            energy.push(model.energy(&lattice, &chain.spins) / n);
            order.push(model.order_parameter(&lattice, &chain.spins));
        }
        let kept = decorrelation(&energy, &order);
        rounds += 1;
        let excess = [kept.energy, kept.order_parameter]
            .iter()
            .filter(|t| t.tau_int.is_finite())
            .map(|t| t.tau_int - 0.5 - 3.0 * t.tau_int_error - KEPT_TAU_SLACK)
            .fold(f64::NEG_INFINITY, f64::max);
        if excess <= 0.0 || rounds == MAX_ROUNDS {
            break kept;
        }
        // Still correlated: the pilot missed a slow mode. Stretch the spacing
        // by the kept series' own 2 tau_int and take the snapshots again.
        let kept_tau = kept.energy.tau_int.max(kept.order_parameter.tau_int);
        spacing *= (2.0 * kept_tau).ceil() as usize;
    };
    Ok(SnapshotSet {
        model,
        clusters_per_step: kernel.clusters_per_step(),
        mean_cluster,
        shape: lattice.shape(),
        temperature,
        spins,
        energy,
        order_parameter: order,
        spacing,
        rounds,
        pilot_steps,
        pilot,
        kept,
    })
}
