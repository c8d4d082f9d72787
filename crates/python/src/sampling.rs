//! The samplers and exact enumeration on the caller's couplings: parallel
//! tempering, annealing, plain sweeps of one chain, and the exact
//! thermodynamics of a small sample; `quench exact` over an ensemble.
//!
//! Every chain draws from `(seed, purpose, sample 0, chain)` streams, as
//! the runner's do, so a call is a pure function of its arguments and its
//! seed (not of the thread count).

use std::time::Instant;

use numpy::{PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use quench_core::Sample;
use quench_core::{ModelSpec, Purpose, StreamKey};
use quench_exact::Enumeration;
use quench_mc::measure::SlotValues;
use quench_mc::{
    AnnealingSchedule, ChainState, DenseConfig, DensePrecision, DenseState, DenseTempering, Kernel,
    KernelRequest, LocalRule, Measurements, ParallelTempering, SingleSpinSampler, SweepOrder,
    TemperatureLadder, TemperingConfig, TemperingState, check_kernels, inverse_temperature,
    search_ground_state,
};
use quench_run::family::spin_glass::protocol::DENSE_REFRESH_ROUNDS;
use quench_stats::Estimate;

use crate::arrays::{CouplingArrays, array};
use crate::errors;

/// A rayon pool of `threads` workers (all logical CPUs with `None`).
pub(crate) fn pool(py: Python<'_>, threads: Option<usize>) -> PyResult<rayon::ThreadPool> {
    if threads == Some(0) {
        return Err(errors::input(
            py,
            "threads: 0; allowed: an integer >= 1, or None for all CPUs",
        ));
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        builder = builder.num_threads(threads);
    }
    builder
        .build()
        .map_err(|e| errors::failure(py, format!("cannot start worker threads: {e}")))
}

fn rule(py: Python<'_>, name: &str) -> PyResult<LocalRule> {
    match name {
        "metropolis" => Ok(LocalRule::Metropolis),
        "heat-bath" => Ok(LocalRule::HeatBath),
        other => Err(errors::input(
            py,
            format!("rule: {other:?}; allowed: \"metropolis\", \"heat-bath\""),
        )),
    }
}

fn order(py: Python<'_>, name: &str) -> PyResult<SweepOrder> {
    match name {
        "sequential" => Ok(SweepOrder::Sequential),
        "checkerboard" => Ok(SweepOrder::Checkerboard),
        "random" => Ok(SweepOrder::Random),
        other => Err(errors::input(
            py,
            format!("order: {other:?}; allowed: \"sequential\", \"checkerboard\", \"random\""),
        )),
    }
}

/// Refuses a result of `bytes` that would not fit in memory, before allocating it.
fn fits(py: Python<'_>, bytes: f64) -> PyResult<()> {
    quench_run::memory::check(
        &quench_run::memory::MemoryEstimate {
            per_unit: bytes,
            per_result: 0.0,
            units: 1.0,
        },
        1,
    )
    .map_err(|e| errors::run_error(py, e))
}

/// Columns `temperature, observable, mean, error, tau_int, count` of the thermal summaries.
fn summary_columns<'py>(
    py: Python<'py>,
    measurements: &Measurements,
) -> PyResult<Bound<'py, PyDict>> {
    let (mut temperature, mut observable, mut mean, mut error, mut tau, mut count) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for summary in measurements.summary() {
        let rows: [(&str, Option<Estimate>); 10] = [
            ("energy", Some(summary.energy)),
            ("coupling_energy", Some(summary.coupling_energy)),
            (
                "absolute_magnetisation",
                Some(summary.absolute_magnetisation),
            ),
            ("magnetisation_squared", Some(summary.magnetisation_squared)),
            ("absolute_overlap", summary.absolute_overlap),
            ("overlap_squared", summary.overlap_squared),
            ("overlap_fourth", summary.overlap_fourth),
            ("link_overlap", summary.link_overlap),
            ("ultrametric_lower_gap", summary.ultrametric_lower_gap),
            ("ultrametric_upper_gap", summary.ultrametric_upper_gap),
        ];
        for (name, estimate) in rows {
            if let Some(estimate) = estimate {
                temperature.push(summary.temperature);
                observable.push(name);
                mean.push(estimate.mean);
                error.push(estimate.error);
                tau.push(estimate.tau_int);
                count.push(estimate.count);
            }
        }
    }
    let columns = PyDict::new(py);
    let rows = temperature.len();
    columns.set_item("temperature", array(py, &[rows], temperature)?)?;
    columns.set_item("observable", observable)?;
    columns.set_item("mean", array(py, &[rows], mean)?)?;
    columns.set_item("error", array(py, &[rows], error)?)?;
    columns.set_item("tau_int", array(py, &[rows], tau)?)?;
    columns.set_item("count", array(py, &[rows], count)?)?;
    Ok(columns)
}

/// A tempering engine: the scalar reference kernel, or a dense one.
enum Engine {
    Scalar(ParallelTempering),
    Dense(DenseTempering),
}

/// The running state of an [`Engine`].
enum EngineState {
    Scalar(TemperingState),
    Dense(DenseState),
}

impl Engine {
    fn start(&self, sample: &Sample, seed: u64) -> EngineState {
        match self {
            Engine::Scalar(engine) => EngineState::Scalar(engine.initial_state(sample, seed, 0)),
            Engine::Dense(engine) => EngineState::Dense(engine.initial_state(sample, seed, 0)),
        }
    }

    fn step(&self, sample: &Sample, state: &mut EngineState) {
        match (self, state) {
            (Engine::Scalar(engine), EngineState::Scalar(state)) => engine.step(sample, state),
            (Engine::Dense(engine), EngineState::Dense(state)) => engine.step(sample, state),
            _ => unreachable!("an engine moves only its own state"),
        }
    }
}

impl EngineState {
    fn tempering(&self) -> &TemperingState {
        match self {
            EngineState::Scalar(state) => state,
            EngineState::Dense(state) => &state.tempering,
        }
    }
}

/// The kernel `name` for tempering `sample` with `config` (`auto`: the
/// fastest valid one for a single sample), prepared.
fn engine(
    py: Python<'_>,
    name: &str,
    sample: &Sample,
    config: &TemperingConfig,
) -> PyResult<(Engine, &'static str)> {
    const NAMES: &str = "\"auto\", \"scalar\", \"dense-f64\", \"dense-f32\", \"packed-signs\"";
    let request = KernelRequest {
        rule: config.rule,
        order: config.order,
        cluster_updates: false,
        independent_lanes: true,
    };
    let checked = check_kernels(sample, &request);
    let kernel = match name {
        "auto" => checked
            .iter()
            // One sample: the kernels that run many samples in lanes are
            // not for it.
            .find(|(kernel, valid)| {
                valid.is_ok() && !matches!(kernel, Kernel::Multispin { .. } | Kernel::FloatLanes)
            })
            .map_or(Kernel::Scalar, |(kernel, _)| *kernel),
        "scalar" => Kernel::Scalar,
        "dense-f64" => Kernel::DenseF64,
        "dense-f32" => Kernel::DenseF32,
        "packed-signs" => Kernel::PackedSigns,
        other => {
            return Err(errors::input(
                py,
                format!("kernel: {other:?}; allowed: {NAMES}"),
            ));
        }
    };
    if let Some((_, Err(reason))) = checked.iter().find(|(k, _)| *k == kernel) {
        return Err(errors::input(
            py,
            format!("kernel: {name} cannot run this sample: {reason}"),
        ));
    }
    let precision = match kernel {
        Kernel::DenseF64 => DensePrecision::F64,
        Kernel::DenseF32 => DensePrecision::F32,
        Kernel::PackedSigns => DensePrecision::PackedSigns,
        _ => {
            let engine =
                ParallelTempering::new(config.clone(), sample).map_err(errors::input_from(py))?;
            return Ok((Engine::Scalar(engine), "scalar"));
        }
    };
    let dense = DenseConfig {
        ladder: config.ladder.clone(),
        replicas: config.replicas,
        sweeps_per_exchange: config.sweeps_per_exchange,
        precision,
        refresh_rounds: DENSE_REFRESH_ROUNDS,
    };
    let engine = DenseTempering::new(dense, sample).map_err(errors::input_from(py))?;
    Ok((Engine::Dense(engine), kernel.name()))
}

/// Parallel tempering on one sample.
#[pyfunction]
#[pyo3(signature = (
    couplings, temperatures, *, rounds, equilibration, seed, replicas=2, sweeps_per_exchange=1,
    rule="metropolis", order="sequential", kernel="auto", series=true, threads=None
))]
#[allow(clippy::too_many_arguments)]
fn temper<'py>(
    py: Python<'py>,
    couplings: CouplingArrays<'py>,
    temperatures: Vec<f64>,
    rounds: u64,
    equilibration: u64,
    seed: u64,
    replicas: usize,
    sweeps_per_exchange: u64,
    rule: &str,
    order: &str,
    kernel: &str,
    series: bool,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let sample = couplings.sample(py)?;
    let ladder = TemperatureLadder::from_list(temperatures).map_err(errors::input_from(py))?;
    let config = TemperingConfig {
        ladder,
        replicas,
        rule: self::rule(py, rule)?,
        order: self::order(py, order)?,
        sweeps_per_exchange,
    };
    config.validate().map_err(errors::input_from(py))?;
    if rounds == 0 {
        return Err(errors::input(
            py,
            "rounds: 0; allowed: an integer >= 1 (measured rounds)",
        ));
    }
    let (tempering, kernel) = engine(py, kernel, &sample, &config)?;
    let slots = config.ladder.len();
    let pairs = replicas * (replicas - 1) / 2;
    let per_round = slots * (2 * replicas + pairs);
    if series {
        fits(py, rounds as f64 * per_round as f64 * 8.0)?;
    }
    let pool = pool(py, threads)?;
    let run = py.detach(|| {
        pool.install(|| {
            let start = Instant::now();
            let mut state = tempering.start(&sample, seed);
            for _ in 0..equilibration {
                tempering.step(&sample, &mut state);
            }
            let n = sample.n();
            let mut measurements = Measurements::new(config.ladder.temperatures(), n);
            let capacity = if series { rounds as usize } else { 0 };
            let mut energy = Vec::with_capacity(capacity * slots * replicas);
            let mut magnetisation = Vec::with_capacity(capacity * slots * replicas);
            let mut overlap = Vec::with_capacity(capacity * slots * pairs);
            for _ in 0..rounds {
                tempering.step(&sample, &mut state);
                let values: Vec<SlotValues> = (0..slots)
                    .map(|slot| SlotValues::of_state(&sample, state.tempering(), slot, None))
                    .collect();
                if series {
                    // (round, replica, slot) and (round, pair, slot), row-major.
                    for replica in 0..replicas {
                        for slot in &values {
                            energy.push(slot.chains[replica].energy / n as f64);
                            magnetisation.push(slot.chains[replica].magnetisation);
                        }
                    }
                    for pair in 0..pairs {
                        for slot in &values {
                            overlap.push(slot.pairs[pair].overlap);
                        }
                    }
                }
                measurements.record_values(n, &values);
            }
            let seconds = start.elapsed().as_secs_f64();
            (state, measurements, energy, magnetisation, overlap, seconds)
        })
    });
    let (state, measurements, energy, magnetisation, overlap, seconds) = run;
    let state = state.tempering();
    let n = sample.n();
    let mut spins = Vec::with_capacity(replicas * slots * n);
    for replica in 0..replicas {
        for slot in 0..slots {
            let chain = state
                .chains_at(slot)
                .nth(replica)
                .ok_or_else(|| errors::failure(py, "a replica is missing"))?;
            spins.extend_from_slice(&chain.spins);
        }
    }
    let result = PyDict::new(py);
    result.set_item(
        "temperatures",
        array(py, &[slots], config.ladder.temperatures().to_vec())?,
    )?;
    result.set_item("summary", summary_columns(py, &measurements)?)?;
    result.set_item("spins", array(py, &[replicas, slots, n], spins)?)?;
    if series {
        let rounds = rounds as usize;
        result.set_item("energy", array(py, &[rounds, replicas, slots], energy)?)?;
        result.set_item(
            "magnetisation",
            array(py, &[rounds, replicas, slots], magnetisation)?,
        )?;
        result.set_item("overlap", array(py, &[rounds, pairs, slots], overlap)?)?;
    }
    let acceptance = state.exchange_acceptance();
    result.set_item(
        "exchange_acceptance",
        array(py, &[acceptance.len()], acceptance)?,
    )?;
    result.set_item("round_trips", state.round_trips())?;
    result.set_item("kernel", kernel)?;
    result.set_item("seconds", seconds)?;
    Ok(result)
}

/// Simulated annealing from random starts, each finished by a greedy descent.
#[pyfunction]
#[pyo3(signature = (
    couplings, *, seed, temperatures=None, hot=3.0, cold=0.05, steps=100, sweeps_per_temperature=10,
    restarts=8, rule="metropolis", order="sequential", threads=None
))]
#[allow(clippy::too_many_arguments)]
fn anneal<'py>(
    py: Python<'py>,
    couplings: CouplingArrays<'py>,
    seed: u64,
    temperatures: Option<Vec<f64>>,
    hot: f64,
    cold: f64,
    steps: usize,
    sweeps_per_temperature: u64,
    restarts: usize,
    rule: &str,
    order: &str,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let sample = couplings.sample(py)?;
    let mut schedule = match temperatures {
        Some(temperatures) => AnnealingSchedule {
            temperatures,
            sweeps_per_temperature,
            rule: LocalRule::Metropolis,
            order: SweepOrder::Sequential,
        },
        None => AnnealingSchedule::linear_in_beta(hot, cold, steps, sweeps_per_temperature)
            .map_err(errors::input_from(py))?,
    };
    schedule.rule = self::rule(py, rule)?;
    schedule.order = self::order(py, order)?;
    let pool = pool(py, threads)?;
    let search = py
        .detach(|| pool.install(|| search_ground_state(&sample, &schedule, restarts, seed, 0)))
        .map_err(errors::input_from(py))?;
    let result = PyDict::new(py);
    result.set_item("energy", search.energy)?;
    result.set_item("energy_per_spin", search.energy / sample.n() as f64)?;
    result.set_item("spins", array(py, &[sample.n()], search.spins)?)?;
    let energies = search.restart_energies;
    result.set_item("restart_energies", array(py, &[energies.len()], energies)?)?;
    result.set_item("hits", search.hits)?;
    result.set_item(
        "temperatures",
        array(py, &[schedule.temperatures.len()], schedule.temperatures)?,
    )?;
    Ok(result)
}

/// Sweeps of one chain at one temperature, recording its energy and magnetisation.
#[pyfunction]
#[pyo3(signature = (
    couplings, temperature, *, sweeps, seed, spins=None, rule="metropolis", order="sequential"
))]
#[allow(clippy::too_many_arguments)]
fn sweep<'py>(
    py: Python<'py>,
    couplings: CouplingArrays<'py>,
    temperature: f64,
    sweeps: u64,
    seed: u64,
    spins: Option<PyReadonlyArray1<'py, i8>>,
    rule: &str,
    order: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let sample = couplings.sample(py)?;
    let beta = inverse_temperature(temperature).map_err(errors::input_from(py))?;
    let sampler = SingleSpinSampler::new(self::rule(py, rule)?, self::order(py, order)?, &sample)
        .map_err(errors::input_from(py))?;
    fits(py, sweeps as f64 * 16.0)?;
    let mut chain = match spins {
        None => ChainState::random(&sample, seed, 0, 0),
        Some(spins) => {
            let spins = spins.as_slice().map_err(errors::input_from(py))?.to_vec();
            let rng = StreamKey::new(seed, Purpose::Dynamics, 0, 0).rng();
            ChainState::new(&sample, spins, rng).map_err(errors::input_from(py))?
        }
    };
    let n = sample.n();
    let (energy, magnetisation, seconds, chain) = py.detach(move || {
        let start = Instant::now();
        let mut energy = Vec::with_capacity(sweeps as usize);
        let mut magnetisation = Vec::with_capacity(sweeps as usize);
        for _ in 0..sweeps {
            sampler.sweep(&sample, &mut chain, beta);
            energy.push(chain.energy / n as f64);
            magnetisation.push(chain.spins.iter().map(|&s| f64::from(s)).sum::<f64>() / n as f64);
        }
        chain.refresh_energy(&sample);
        (energy, magnetisation, start.elapsed().as_secs_f64(), chain)
    });
    let result = PyDict::new(py);
    let count = energy.len();
    result.set_item("energy", array(py, &[count], energy)?)?;
    result.set_item("magnetisation", array(py, &[count], magnetisation)?)?;
    result.set_item("acceptance", chain.acceptance())?;
    result.set_item("final_energy", chain.energy)?;
    result.set_item("spins", array(py, &[n], chain.spins)?)?;
    result.set_item("seconds", seconds)?;
    Ok(result)
}

/// The energy of configurations (rows of `spins`) on the couplings.
#[pyfunction]
#[pyo3(signature = (couplings, spins))]
fn energy<'py>(
    py: Python<'py>,
    couplings: CouplingArrays<'py>,
    spins: PyReadonlyArray2<'py, i8>,
) -> PyResult<Bound<'py, PyAny>> {
    let sample = couplings.sample(py)?;
    let shape = spins.shape().to_vec();
    if shape[1] != sample.n() {
        return Err(errors::input(
            py,
            format!(
                "spins: shape ({}, {}); allowed: (configurations, {})",
                shape[0],
                shape[1],
                sample.n()
            ),
        ));
    }
    let values = spins.as_slice().map_err(errors::input_from(py))?;
    let mut energies = Vec::with_capacity(shape[0]);
    for row in values.chunks_exact(sample.n().max(1)) {
        sample.check_spins(row).map_err(errors::input_from(py))?;
        energies.push(sample.energy(row));
    }
    array(py, &[shape[0]], energies)
}

/// Exact enumeration of one sample: thermal and two-replica averages at
/// each temperature, `P(q)`, and the ground states.
#[pyfunction]
#[pyo3(signature = (
    couplings, temperatures, *, ground_states=16, energies=false
))]
fn exact<'py>(
    py: Python<'py>,
    couplings: CouplingArrays<'py>,
    temperatures: Vec<f64>,
    ground_states: usize,
    energies: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let sample = couplings.sample(py)?;
    let n = sample.n();
    if n > quench_exact::enumeration::MAX_SPINS {
        return Err(errors::input(
            py,
            format!(
                "couplings: {n} spins are too many to enumerate; allowed: at most {}",
                quench_exact::enumeration::MAX_SPINS
            ),
        ));
    }
    fits(
        py,
        8.0 * (1u64 << n) as f64 * if energies { 2.0 } else { 1.0 },
    )?;
    let computed = py.detach(|| -> Result<_, String> {
        let enumeration = Enumeration::new(&sample).map_err(|e| e.to_string())?;
        let mut points = Vec::new();
        for &t in &temperatures {
            let thermal = enumeration.thermal(t).map_err(|e| e.to_string())?;
            let replicas = enumeration
                .replicas(&sample, t)
                .map_err(|e| e.to_string())?;
            points.push((thermal, replicas));
        }
        Ok((enumeration, points))
    });
    let (enumeration, points) = computed.map_err(|m| errors::input(py, m))?;
    let result = PyDict::new(py);
    let k = points.len();
    let column =
        |f: &dyn Fn(&quench_exact::ThermalAverages, &quench_exact::ReplicaAverages) -> f64| {
            points.iter().map(|(t, r)| f(t, r)).collect::<Vec<f64>>()
        };
    let columns: [(&str, Vec<f64>); 16] = [
        ("temperature", column(&|t, _| t.temperature)),
        (
            "log_partition_function",
            column(&|t, _| t.log_partition_function),
        ),
        (
            "free_energy_per_spin",
            column(&|t, _| t.free_energy_per_spin),
        ),
        ("energy_per_spin", column(&|t, _| t.energy_per_spin)),
        ("entropy_per_spin", column(&|t, _| t.entropy_per_spin)),
        (
            "specific_heat_per_spin",
            column(&|t, _| t.specific_heat_per_spin),
        ),
        ("magnetisation", column(&|t, _| t.magnetisation)),
        (
            "absolute_magnetisation",
            column(&|t, _| t.absolute_magnetisation),
        ),
        (
            "magnetisation_squared",
            column(&|t, _| t.magnetisation_squared),
        ),
        ("susceptibility", column(&|t, _| t.susceptibility)),
        ("absolute_overlap", column(&|_, r| r.absolute_overlap)),
        ("overlap_squared", column(&|_, r| r.overlap_squared)),
        ("overlap_fourth", column(&|_, r| r.overlap_fourth)),
        (
            "spin_glass_susceptibility",
            column(&|_, r| r.spin_glass_susceptibility),
        ),
        ("binder_cumulant", column(&|_, r| r.binder_cumulant)),
        ("link_overlap", column(&|_, r| r.link_overlap)),
    ];
    let table = PyDict::new(py);
    for (name, values) in columns {
        table.set_item(name, array(py, &[k], values)?)?;
    }
    result.set_item("thermal", table)?;
    let overlaps: Vec<f64> = points
        .first()
        .map(|(_, r)| r.overlap_distribution.iter().map(|&(q, _)| q).collect())
        .unwrap_or_default();
    let probabilities: Vec<f64> = points
        .iter()
        .flat_map(|(_, r)| r.overlap_distribution.iter().map(|&(_, p)| p))
        .collect();
    result.set_item("overlaps", array(py, &[overlaps.len()], overlaps.clone())?)?;
    result.set_item(
        "overlap_distribution",
        array(py, &[k, overlaps.len()], probabilities)?,
    )?;
    let ground = enumeration.ground_states(ground_states);
    result.set_item("ground_energy", ground.energy)?;
    result.set_item("degeneracy", ground.degeneracy)?;
    let listed = ground.configurations.len();
    let configurations: Vec<i8> = ground.configurations.into_iter().flatten().collect();
    result.set_item("ground_states", array(py, &[listed, n], configurations)?)?;
    if energies {
        let all = enumeration.energies().to_vec();
        result.set_item("energies", array(py, &[all.len()], all)?)?;
    }
    Ok(result)
}

/// `quench exact` over an ensemble (`model` as in a spec's `[model]`, as
/// JSON): the command's `--json` document without `quench_version`, as JSON.
#[pyfunction]
#[pyo3(signature = (model, *, samples, temperatures, seed, threads=None))]
fn exact_ensemble(
    py: Python<'_>,
    model: &str,
    samples: u64,
    temperatures: Vec<f64>,
    seed: u64,
    threads: Option<usize>,
) -> PyResult<String> {
    let model: ModelSpec =
        serde_json::from_str(model).map_err(|e| errors::input(py, format!("model: {e}")))?;
    let pool = pool(py, threads)?;
    let result = py
        .detach(|| {
            pool.install(|| quench_run::exact::exact_ensemble(&model, samples, &temperatures, seed))
        })
        .map_err(|e| errors::run_error(py, e))?;
    serde_json::to_string(&result).map_err(|e| errors::failure(py, e.to_string()))
}

pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(temper, module)?)?;
    module.add_function(wrap_pyfunction!(anneal, module)?)?;
    module.add_function(wrap_pyfunction!(sweep, module)?)?;
    module.add_function(wrap_pyfunction!(energy, module)?)?;
    module.add_function(wrap_pyfunction!(exact, module)?)?;
    module.add_function(wrap_pyfunction!(exact_ensemble, module)?)?;
    Ok(())
}
