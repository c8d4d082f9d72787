//! Standard throughput workloads (the numbers behind `quench bench`).
//!
//! | name | model | driver |
//! |---|---|---|
//! | `ea3d-16` | 3D $\pm J$, $L = 16$ | 4 temperatures $T = 1.0 \dots 2.0$, 10 sweeps per exchange |
//! | `ea3d-32` | 3D $\pm J$, $L = 32$ | same |
//! | `ea2d-64` | 2D $\pm J$, $L = 64$ | 4 temperatures $T = 0.5 \dots 1.5$, 10 sweeps per exchange |
//! | `rrg3-4096` | $\pm J$ on one random 3-regular graph, $N = 4096$ | 4 temperatures $T = 0.8 \dots 1.6$, 10 sweeps per exchange |
//! | `sk-2000` | SK, $N = 2000$, couplings $\pm 1/\sqrt N$ | 10 temperatures $T = 0.4 \dots 1.6$ (geometric), 1 sweep per exchange |
//! | `ea3d-16-gaussian`, `sk-2000-gaussian`, `rrg3-4096-gaussian` | the same with Gaussian couplings | the same |
//!
//! A workload fixes its couplings; `--kernel auto` ([`Workload::default_kernel`])
//! is the choice a run makes for the same sample and protocol
//! ([`crate::select::fastest_valid`]: Metropolis, checkerboard on
//! two-colourable graphs, else sequential), so that the benchmark measures
//! what `quench run` would use. A kernel that cannot run a workload's
//! couplings (multispin or packed signs on Gaussian couplings) is refused.
//!
//! One replica; the lattice and graph workloads run one lane per bit of the
//! word width (64, 256 or 512 samples), the scalar kernel one sample. The
//! throughput counts attempted single-spin updates of real lanes per
//! nanosecond of wall time over whole parallel-tempering rounds (sweeps,
//! energies and exchanges included), after a warm-up of a fifth of the
//! measured time. Per core = total / threads.

use std::time::{Duration, Instant};

use quench_core::{CouplingDistribution, ModelSpec, Sample};
use serde::{Deserialize, Serialize};

use crate::dense::{DenseConfig, DensePrecision, DenseTempering};
use crate::error::SamplerError;
use crate::float_lanes::{FloatLaneConfig, FloatLaneTempering, LANES, LaneInstructions};
use crate::local::{LocalRule, SweepOrder};
use crate::multispin::{
    MultispinConfig, MultispinTempering, RandomPolicy, WordWidth, shared_graph_samples,
};
use crate::temperature::TemperatureLadder;
use crate::tempering::{ParallelTempering, TemperingConfig};

/// The standard workloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Workload {
    /// 3D $\pm J$, $L = 16$.
    #[serde(rename = "ea3d-16")]
    EdwardsAnderson3d16,
    /// 3D $\pm J$, $L = 32$.
    #[serde(rename = "ea3d-32")]
    EdwardsAnderson3d32,
    /// 2D $\pm J$, $L = 64$.
    #[serde(rename = "ea2d-64")]
    EdwardsAnderson2d64,
    /// SK, $N = 2000$, parallel tempering over $T = 0.4 \dots 1.6$.
    #[serde(rename = "sk-2000")]
    SherringtonKirkpatrick2000,
    /// $\pm J$ on a random 3-regular graph, $N = 4096$.
    #[serde(rename = "rrg3-4096")]
    RandomRegular3x4096,
    /// 3D Gaussian couplings, $L = 16$.
    #[serde(rename = "ea3d-16-gaussian")]
    EdwardsAnderson3d16Gaussian,
    /// SK with Gaussian couplings, $N = 2000$.
    #[serde(rename = "sk-2000-gaussian")]
    SherringtonKirkpatrick2000Gaussian,
    /// Gaussian couplings on a random 3-regular graph, $N = 4096$.
    #[serde(rename = "rrg3-4096-gaussian")]
    RandomRegular3x4096Gaussian,
}

impl Workload {
    /// All workloads.
    pub const ALL: [Workload; 8] = [
        Workload::EdwardsAnderson3d16,
        Workload::EdwardsAnderson3d32,
        Workload::EdwardsAnderson2d64,
        Workload::SherringtonKirkpatrick2000,
        Workload::RandomRegular3x4096,
        Workload::EdwardsAnderson3d16Gaussian,
        Workload::SherringtonKirkpatrick2000Gaussian,
        Workload::RandomRegular3x4096Gaussian,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Workload::EdwardsAnderson3d16 => "ea3d-16",
            Workload::EdwardsAnderson3d32 => "ea3d-32",
            Workload::EdwardsAnderson2d64 => "ea2d-64",
            Workload::SherringtonKirkpatrick2000 => "sk-2000",
            Workload::RandomRegular3x4096 => "rrg3-4096",
            Workload::EdwardsAnderson3d16Gaussian => "ea3d-16-gaussian",
            Workload::SherringtonKirkpatrick2000Gaussian => "sk-2000-gaussian",
            Workload::RandomRegular3x4096Gaussian => "rrg3-4096-gaussian",
        }
    }

    /// The workload called `name`, or an error listing the names.
    pub fn from_name(name: &str) -> Result<Self, SamplerError> {
        Self::ALL
            .into_iter()
            .find(|w| w.name() == name)
            .ok_or_else(|| {
                quench_core::ParameterError::new(
                    "workload",
                    name,
                    format!("one of {}", Self::ALL.map(|w| w.name()).join(", ")),
                )
                .into()
            })
    }

    /// The kernel a run would choose for this workload's samples and
    /// protocol: [`crate::select::fastest_valid`] on its structure.
    pub fn default_kernel(self) -> Kernel {
        use crate::select::{self, KernelRequest};
        let structure = self
            .spec()
            .ensemble()
            .expect("the workloads are valid ensembles")
            .structure();
        let request = KernelRequest {
            rule: LocalRule::Metropolis,
            order: if structure.two_colourable {
                SweepOrder::Checkerboard
            } else {
                SweepOrder::Sequential
            },
            cluster_updates: false,
            independent_lanes: false,
        };
        let fastest = select::check_kernels_for(&structure, &request)
            .into_iter()
            .find_map(|(kernel, valid)| valid.is_ok().then_some(kernel))
            .unwrap_or(select::Kernel::Scalar);
        match fastest {
            select::Kernel::Scalar => Kernel::Scalar,
            select::Kernel::DenseF64 => Kernel::Dense(DensePrecision::F64),
            select::Kernel::DenseF32 => Kernel::Dense(DensePrecision::F32),
            select::Kernel::PackedSigns => Kernel::Dense(DensePrecision::PackedSigns),
            select::Kernel::Multispin { .. } => Kernel::Multispin,
            select::Kernel::FloatLanes => Kernel::FloatLanes,
        }
    }

    /// The workload's couplings.
    pub fn couplings(self) -> CouplingDistribution {
        match self {
            Workload::EdwardsAnderson3d16Gaussian
            | Workload::SherringtonKirkpatrick2000Gaussian
            | Workload::RandomRegular3x4096Gaussian => CouplingDistribution::Gaussian,
            _ => CouplingDistribution::PlusMinusOne,
        }
    }

    fn ladder(self) -> TemperatureLadder {
        let (low, high, count) = match self {
            Workload::EdwardsAnderson3d16
            | Workload::EdwardsAnderson3d32
            | Workload::EdwardsAnderson3d16Gaussian => (1.0, 2.0, 4),
            Workload::EdwardsAnderson2d64 => (0.5, 1.5, 4),
            Workload::RandomRegular3x4096 | Workload::RandomRegular3x4096Gaussian => (0.8, 1.6, 4),
            Workload::SherringtonKirkpatrick2000 | Workload::SherringtonKirkpatrick2000Gaussian => {
                (0.4, 1.6, 10)
            }
        };
        TemperatureLadder::geometric(low, high, count).expect("valid ladder")
    }

    fn sweeps_per_exchange(self) -> u64 {
        match self {
            Workload::SherringtonKirkpatrick2000 | Workload::SherringtonKirkpatrick2000Gaussian => {
                1
            }
            _ => 10,
        }
    }

    fn spec(self) -> ModelSpec {
        let couplings = self.couplings();
        let ea = |dimension, length| ModelSpec::EdwardsAnderson {
            dimension,
            length,
            couplings,
            field: 0.0,
        };
        match self {
            Workload::EdwardsAnderson3d16 | Workload::EdwardsAnderson3d16Gaussian => ea(3, 16),
            Workload::EdwardsAnderson3d32 => ea(3, 32),
            Workload::EdwardsAnderson2d64 => ea(2, 64),
            Workload::SherringtonKirkpatrick2000 | Workload::SherringtonKirkpatrick2000Gaussian => {
                ModelSpec::SherringtonKirkpatrick {
                    n: 2000,
                    couplings,
                    field: 0.0,
                }
            }
            Workload::RandomRegular3x4096 | Workload::RandomRegular3x4096Gaussian => {
                ModelSpec::RandomRegular {
                    n: 4096,
                    degree: 3,
                    couplings,
                    field: 0.0,
                }
            }
        }
    }
}

/// Which kernel runs a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kernel {
    /// [`ParallelTempering`] with the scalar Metropolis sampler (sequential order).
    Scalar,
    /// [`MultispinTempering`] (lattices and sparse graphs).
    Multispin,
    /// [`DenseTempering`] (complete graphs) in the given storage.
    Dense(DensePrecision),
    /// [`FloatLaneTempering`] (lattices and sparse graphs, real couplings).
    FloatLanes,
}

/// What to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkOptions {
    /// The workload.
    pub workload: Workload,
    /// The kernel.
    pub kernel: Kernel,
    /// Word width of the multispin kernel.
    pub width: WordWidth,
    /// Random-number policy of the multispin kernel.
    pub policy: RandomPolicy,
    /// Lanes of the multispin kernel (`None`: the width's bit count) or
    /// of the float-lane kernel (`None`: 16 per thread).
    pub lanes: Option<usize>,
    /// Instructions of the float-lane kernel (the results do not depend on them).
    #[serde(default = "LaneInstructions::fastest")]
    pub instructions: LaneInstructions,
    /// Worker threads (a rayon pool of this size).
    pub threads: usize,
    /// Measured wall time (rounds run until it is exceeded).
    pub seconds: f64,
}

impl BenchmarkOptions {
    /// The workload's default kernel, the widest word, the shared random
    /// policy, one thread, one second.
    pub fn new(workload: Workload) -> Self {
        Self {
            workload,
            kernel: workload.default_kernel(),
            width: WordWidth::widest(),
            policy: RandomPolicy::SharedPerSite,
            lanes: None,
            instructions: LaneInstructions::fastest(),
            threads: 1,
            seconds: 1.0,
        }
    }
}

/// One measured throughput.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkResult {
    /// Workload name.
    pub workload: String,
    /// Kernel: `scalar`, `multispin`, `dense-f64`, `dense-f32`, `dense-packed-signs`.
    pub kernel: String,
    /// Word width in bits (multispin), else 64 for the scalar kernels' words.
    pub word_bits: usize,
    /// Random-number policy (multispin only).
    pub random_policy: Option<RandomPolicy>,
    /// Threads.
    pub threads: usize,
    /// Samples simulated at once (lanes).
    pub samples: usize,
    /// Spins per sample.
    pub spins: usize,
    /// Temperatures.
    pub temperatures: usize,
    /// Attempted single-spin updates measured.
    pub updates: u64,
    /// Measured wall time in seconds.
    pub seconds: f64,
    /// Attempted updates per nanosecond, all threads.
    pub flips_per_ns: f64,
    /// `flips_per_ns / threads`.
    pub flips_per_ns_per_core: f64,
    /// Nanoseconds per attempted update and core.
    pub ns_per_flip_per_core: f64,
    /// CPU time of the process during the measurement (Linux `/proc/self/stat`,
    /// 10 ms resolution), when available: on a shared machine
    /// `updates / cpu_seconds` is the throughput per busy core.
    pub cpu_seconds: Option<f64>,
    /// Attempted updates per nanosecond of CPU time (per busy core).
    pub flips_per_cpu_ns: Option<f64>,
    /// Fraction of the measured attempts that were accepted (scalar and
    /// dense kernels; the multispin kernels do not count flips). The
    /// dense kernels' cost grows with it (an $O(N)$ row update per accepted
    /// flip of cached fields), so it tells how far from equilibrium the
    /// measurement was.
    pub acceptance: Option<f64>,
}

/// User plus system CPU time of this process, from `/proc/self/stat`.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // After the command name: state is field 3, utime 14 and stime 15 (1-based).
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// Accepted and attempted single-spin moves of all chains of a tempering state.
fn moves(state: &crate::tempering::TemperingState) -> (u64, u64) {
    state
        .ladders
        .iter()
        .flat_map(|l| &l.chains)
        .fold((0, 0), |(a, t), c| (a + c.accepted, t + c.attempted))
}

/// Rounds of `round` on `state`: a warm-up of a fifth of `seconds`, then
/// at least `seconds` measured. Returns (rounds, wall seconds, CPU seconds)
/// of the measurement and the accepted/attempted moves at its start.
fn time_rounds<S: Movable>(
    seconds: f64,
    state: &mut S,
    mut round: impl FnMut(&mut S),
) -> ((u64, f64, Option<f64>), (u64, u64)) {
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_secs_f64(seconds / 5.0) {
        round(state);
    }
    let before = state.moves();
    let cpu = process_cpu_seconds();
    let start = Instant::now();
    let mut rounds = 0;
    while start.elapsed() < Duration::from_secs_f64(seconds) || rounds == 0 {
        round(state);
        rounds += 1;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu.zip(process_cpu_seconds()).map(|(a, b)| b - a);
    ((rounds, elapsed, cpu), before)
}

/// A driver state whose accepted and attempted moves can be counted.
trait Movable {
    fn moves(&self) -> (u64, u64);
}

impl Movable for crate::tempering::TemperingState {
    fn moves(&self) -> (u64, u64) {
        moves(self)
    }
}

impl Movable for crate::dense::DenseState {
    fn moves(&self) -> (u64, u64) {
        moves(&self.tempering)
    }
}

impl Movable for crate::float_lanes::FloatLaneState {
    fn moves(&self) -> (u64, u64) {
        (0, 0)
    }
}

impl Movable for crate::multispin::MultispinState {
    fn moves(&self) -> (u64, u64) {
        (0, 0)
    }
}

fn measured_acceptance(before: (u64, u64), after: (u64, u64)) -> Option<f64> {
    let attempted = after.1.checked_sub(before.1)?;
    (attempted > 0).then(|| (after.0 - before.0) as f64 / attempted as f64)
}

/// Runs one workload and reports its throughput.
pub fn run(options: &BenchmarkOptions) -> Result<BenchmarkResult, SamplerError> {
    if options.threads == 0 {
        return Err(quench_core::ParameterError::new("threads", 0, "an integer >= 1").into());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(|e| SamplerError::NotApplicable {
            sampler: "the benchmark",
            reason: format!("no thread pool of {} threads: {e}", options.threads),
        })?;
    pool.install(|| run_in_pool(options))
}

fn run_in_pool(options: &BenchmarkOptions) -> Result<BenchmarkResult, SamplerError> {
    let workload = options.workload;
    let ladder = workload.ladder();
    let sweeps_per_exchange = workload.sweeps_per_exchange();
    let seed = 2026;
    let ensemble = workload.spec().ensemble()?;
    let base = ensemble.draw(seed, 0)?;
    let mut acceptance = None;
    let (kernel, word_bits, policy, samples, updates_per_round, (rounds, seconds, cpu_seconds)) =
        match options.kernel {
            Kernel::Scalar => {
                let config = TemperingConfig {
                    ladder: ladder.clone(),
                    replicas: 1,
                    rule: LocalRule::Metropolis,
                    order: SweepOrder::Sequential,
                    sweeps_per_exchange,
                };
                let tempering = ParallelTempering::new(config, &base)?;
                let mut state = tempering.initial_state(&base, seed, 0);
                let per_round = (base.n() * ladder.len()) as u64 * sweeps_per_exchange;
                let (timing, before) =
                    time_rounds(options.seconds, &mut state, |s| tempering.step(&base, s));
                acceptance = measured_acceptance(before, moves(&state));
                ("scalar".to_string(), 64, None, 1, per_round, timing)
            }
            Kernel::Dense(precision) => {
                let config = DenseConfig {
                    ladder: ladder.clone(),
                    replicas: 1,
                    sweeps_per_exchange,
                    precision,
                    refresh_rounds: 1000,
                };
                let tempering = DenseTempering::new(config, &base)?;
                let mut state = tempering.initial_state(&base, seed, 0);
                let per_round = tempering.updates_per_step(&base);
                let (timing, before) =
                    time_rounds(options.seconds, &mut state, |s| tempering.step(&base, s));
                acceptance = measured_acceptance(before, moves(&state.tempering));
                let name = match precision {
                    DensePrecision::F64 => "dense-f64",
                    DensePrecision::F32 => "dense-f32",
                    DensePrecision::PackedSigns => "dense-packed-signs",
                };
                (name.to_string(), 64, None, 1, per_round, timing)
            }
            Kernel::Multispin => {
                let lanes = options.lanes.unwrap_or(options.width.bits());
                let samples: Vec<Sample> = match workload {
                    Workload::RandomRegular3x4096 => shared_graph_samples(&base, lanes, seed)?,
                    _ => (0..lanes as u64)
                        .map(|i| ensemble.draw(seed, i))
                        .collect::<Result<_, _>>()?,
                };
                let config = MultispinConfig {
                    ladder: ladder.clone(),
                    replicas: 1,
                    sweeps_per_exchange,
                    policy: options.policy,
                    width: options.width,
                };
                let tempering = MultispinTempering::new(config, &samples)?;
                let mut state = tempering.initial_state(seed, 0);
                let per_round = tempering.updates_per_step();
                let (timing, _) = time_rounds(options.seconds, &mut state, |s| tempering.step(s));
                (
                    "multispin".to_string(),
                    options.width.bits(),
                    Some(options.policy),
                    lanes,
                    per_round,
                    timing,
                )
            }
            Kernel::FloatLanes => {
                let lanes = options.lanes.unwrap_or(LANES * options.threads);
                let samples: Vec<Sample> = match workload {
                    Workload::RandomRegular3x4096 | Workload::RandomRegular3x4096Gaussian => {
                        crate::float_lanes::gaussian_on_graph(&base, lanes, seed)?
                    }
                    _ => (0..lanes as u64)
                        .map(|i| ensemble.draw(seed, i))
                        .collect::<Result<_, _>>()?,
                };
                let config = FloatLaneConfig {
                    ladder: ladder.clone(),
                    replicas: 1,
                    sweeps_per_exchange,
                    instructions: options.instructions,
                };
                let tempering = FloatLaneTempering::new(config, &samples)?;
                let mut state = tempering.initial_state(seed, 0);
                let per_round = tempering.updates_per_step();
                let (timing, _) = time_rounds(options.seconds, &mut state, |s| tempering.step(s));
                let bits = match options.instructions {
                    LaneInstructions::Avx512 => 512,
                    LaneInstructions::Avx2 => 256,
                    LaneInstructions::Portable => 32,
                };
                (
                    "float-lanes".to_string(),
                    bits,
                    None,
                    lanes,
                    per_round,
                    timing,
                )
            }
        };
    let updates = updates_per_round * rounds;
    let flips_per_ns = updates as f64 / (seconds * 1e9);
    Ok(BenchmarkResult {
        workload: workload.name().to_string(),
        kernel,
        word_bits,
        random_policy: policy,
        threads: options.threads,
        samples,
        spins: base.n(),
        temperatures: ladder.len(),
        updates,
        seconds,
        flips_per_ns,
        flips_per_ns_per_core: flips_per_ns / options.threads as f64,
        ns_per_flip_per_core: options.threads as f64 / flips_per_ns,
        cpu_seconds,
        flips_per_cpu_ns: cpu_seconds
            .filter(|&c| c > 0.0)
            .map(|c| updates as f64 / (c * 1e9)),
        acceptance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `quench bench --kernel auto` picks what a run picks for the same
    /// samples: packed signs for ±1 SK (not `dense-f32`, which the old
    /// table chose while the workload's couplings followed the kernel), the
    /// multispin kernel for ±J lattices and graphs, and for Gaussian
    /// couplings the dense `f32` kernel on SK and the float lanes on
    /// lattices and graphs.
    #[test]
    fn auto_is_the_kernel_a_run_would_choose() {
        let expected = [
            (Workload::EdwardsAnderson3d16, Kernel::Multispin),
            (Workload::EdwardsAnderson3d32, Kernel::Multispin),
            (Workload::EdwardsAnderson2d64, Kernel::Multispin),
            (
                Workload::SherringtonKirkpatrick2000,
                Kernel::Dense(DensePrecision::PackedSigns),
            ),
            (Workload::RandomRegular3x4096, Kernel::Multispin),
            (Workload::EdwardsAnderson3d16Gaussian, Kernel::FloatLanes),
            (
                Workload::SherringtonKirkpatrick2000Gaussian,
                Kernel::Dense(DensePrecision::F32),
            ),
            (Workload::RandomRegular3x4096Gaussian, Kernel::FloatLanes),
        ];
        for (workload, kernel) in expected {
            assert_eq!(workload.default_kernel(), kernel, "{}", workload.name());
        }
    }

    /// A workload keeps its couplings whatever the kernel: a kernel that
    /// cannot run them is refused instead of measured on other samples.
    #[test]
    fn a_kernel_that_cannot_run_the_couplings_is_refused() {
        let mut options = BenchmarkOptions::new(Workload::SherringtonKirkpatrick2000Gaussian);
        options.kernel = Kernel::Dense(DensePrecision::PackedSigns);
        options.seconds = 0.01;
        assert!(run(&options).is_err());
        let mut options = BenchmarkOptions::new(Workload::EdwardsAnderson3d16Gaussian);
        options.kernel = Kernel::Multispin;
        options.seconds = 0.01;
        assert!(run(&options).is_err());
    }
}
