//! The inverse-Ising family: a fully visible Boltzmann machine learns the
//! couplings of a known model back from its Boltzmann samples.
//!
//! ```text
//! SPEC.toml (model = "fully-visible", [teacher] any quench model)
//!   unit = (temperature, sample) ──Ensemble::draw(seed, sample): the teacher J*, h*
//!     (the same sample at every temperature) ──> truth J*/T, h*/T
//!     ──parallel tempering (quench-mc, Metropolis, geometric ladder T..T_max)──> one series
//!       of configurations, its energy's autocorrelation time measured
//!     for every data size M (a prefix of the series), checkpointed after each:
//!       learning rule (exact or Monte Carlo moments), naive mean field, TAP,
//!       pseudo-likelihood ──> reconstruction error of J, error of h
//!     the exact Fisher information of the truth (N <= 18) ──> the Cramér–Rao error of
//!       maximum likelihood at each M
//! units ──tables──> reconstruction / data / timings .parquet
//!       ──report──> reconstruction error against M (log-log) per temperature, report.md
//! ```
//!
//! The data's chains draw from
//! `UnitStreams::new(seed, Named("inverse-ising"), point, sample)`, Monte
//! Carlo learning from `Named("visible-learning")` keyed by point and
//! sample; every method is deterministic given its data, so results do not
//! depend on the thread count (the `timings` table, wall-clock seconds per
//! method, is the one exception).

mod report;
pub mod spec;

use std::path::Path;
use std::time::Instant;

use quench_core::{FamilyStreams, Sample, UnitStreams};
use quench_learn::boltzmann::visible::{
    FullyVisible, LearningOutcome, SpinMoments, boltzmann_learning, fisher_information,
    log_partition_and_moments, pseudo_likelihood, reconstruction_error,
};
use quench_mc::{LocalRule, ParallelTempering, SweepOrder, TemperatureLadder, TemperingConfig};
use quench_theory::inverse::{
    InferredIsing, SpinStatistics, naive_mean_field_inversion, tap_inversion,
};
use serde::{Deserialize, Serialize};

use super::{Family, FamilyInfo, Header, MethodInfo, ReportBuilder, Tables, Unit, UnitContext};
use crate::error::RunError;
use crate::table::{Column, Table};
pub use spec::{InverseIsingSpec, Method};

/// The inverse-Ising family.
pub struct InverseIsing;

const STREAMS: FamilyStreams = FamilyStreams::Named("inverse-ising");

/// The largest machine whose exact Fisher information (hence the
/// Cramér–Rao error) is computed: $2^N$ states times $(N(N+1)/2)^2$.
const CRAMER_RAO_LIMIT: usize = 18;

/// The largest machine whose exact energy is computed beside the data's.
const EXACT_ENERGY_LIMIT: usize = 22;

/// One method at one data size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodResult {
    /// Configurations $M$.
    pub configurations: usize,
    /// The method.
    pub method: String,
    /// $\sqrt{\sum_{i<j}(J_{ij} - J^*_{ij}/T)^2/\sum_{i<j}(J^*_{ij}/T)^2}$ (NaN when it failed).
    pub coupling_error: f64,
    /// $\sqrt{\frac1N\sum_i(h_i - h^*_i/T)^2}$.
    pub field_error: f64,
    /// Iterations (learning, pseudo-likelihood; 0 for the inversions).
    pub iterations: u64,
    /// Whether the iteration reached its tolerance (true for the inversions).
    pub converged: bool,
    /// TAP: pairs without a real root.
    pub complex_pairs: u64,
    /// Learning with exact moments: the data's mean log-likelihood.
    pub log_likelihood: f64,
    /// "ok", or why the method could not give an estimate.
    pub status: String,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// The result of one unit: a teacher sample at one temperature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InferenceSample {
    /// Grid point.
    pub point: usize,
    /// Temperature.
    pub temperature: f64,
    /// Teacher sample.
    pub sample: u64,
    /// Mean energy per spin of the configurations.
    pub energy: f64,
    /// Its standard error (autocorrelations included).
    pub energy_error: f64,
    /// The exact energy per spin (NaN beyond 22 spins).
    pub exact_energy: f64,
    /// Integrated autocorrelation time of the energy along the stored series.
    pub autocorrelation: f64,
    /// The lowest exchange acceptance between neighbouring rungs.
    pub exchange_acceptance: f64,
    /// $\sqrt{\sum_{i<j}(J^*_{ij}/T)^2}$.
    pub coupling_norm: f64,
    /// $\operatorname{tr}F^{-1}$ over the couplings (NaN beyond 18 spins).
    pub cramer_rao: f64,
    /// Every method at every size.
    pub results: Vec<MethodResult>,
}

/// The checkpoint of a unit: the sizes done.
#[derive(Serialize, Deserialize)]
struct RunningState {
    results: Vec<MethodResult>,
    sizes_done: usize,
}

/// The data of one unit: the series and its diagnostics.
struct Series {
    spins: Vec<quench_core::Spin>,
    energy: quench_stats::Estimate,
    exchange_acceptance: f64,
}

/// `count` configurations of `sample` at `temperature` from parallel tempering.
fn draw_series(
    spec: &InverseIsingSpec,
    sample: &Sample,
    temperature: f64,
    point: usize,
    index: u64,
    count: usize,
) -> Result<Series, RunError> {
    let input = |e: String| RunError::Input(format!("the data at T = {temperature}: {e}"));
    let d = &spec.data;
    let ladder = if d.ladder == 1 {
        TemperatureLadder::from_list(vec![temperature])
    } else {
        TemperatureLadder::geometric(temperature, d.ladder_maximum, d.ladder)
    }
    .map_err(|e| input(e.to_string()))?;
    let tempering = ParallelTempering::new(
        TemperingConfig {
            ladder,
            replicas: 1,
            rule: LocalRule::Metropolis,
            order: SweepOrder::Sequential,
            sweeps_per_exchange: 1,
        },
        sample,
    )
    .map_err(|e| input(e.to_string()))?;
    let (seed, stream) =
        UnitStreams::new(spec.seed, STREAMS, point as u64, index).seed_and_sample();
    let mut state = tempering.initial_state(sample, seed, stream);
    for _ in 0..d.equilibration {
        tempering.step(sample, &mut state);
    }
    let n = sample.n();
    let mut spins = Vec::with_capacity(count * n);
    let mut energies = Vec::with_capacity(count);
    for _ in 0..count {
        for _ in 0..d.spacing {
            tempering.step(sample, &mut state);
        }
        let chain = &state.ladders[0].chains[0];
        spins.extend_from_slice(&chain.spins);
        energies.push(chain.energy / n as f64);
    }
    let ladder = &state.ladders[0];
    let exchange_acceptance = ladder
        .exchange_attempts
        .iter()
        .zip(&ladder.exchange_accepts)
        .map(|(&a, &b)| b as f64 / a.max(1) as f64)
        .fold(f64::NAN, f64::min);
    Ok(Series {
        spins,
        energy: quench_stats::estimate_from_series(&energies),
        exchange_acceptance,
    })
}

fn field_error(inferred: &[f64], truth: &[f64]) -> f64 {
    let sum: f64 = inferred
        .iter()
        .zip(truth)
        .map(|(a, b)| (a - b) * (a - b))
        .sum();
    (sum / truth.len() as f64).sqrt()
}

/// Runs one method on the first `rows` configurations.
fn infer(
    spec: &InverseIsingSpec,
    method: Method,
    spins: &[quench_core::Spin],
    moments: &SpinMoments,
    truth: &FullyVisible,
    unit: (usize, u64),
) -> MethodResult {
    let n = truth.n();
    let start = Instant::now();
    let outcome: Result<LearningOutcome, String> = match method {
        Method::Learning => boltzmann_learning(
            moments,
            FullyVisible::zeros(n).expect("n >= 2"),
            &spec.learning,
            spec.seed,
            (unit.0 as u64) << 32 | unit.1,
        )
        .map_err(|e| e.to_string()),
        Method::PseudoLikelihood => {
            pseudo_likelihood(spins, n, &spec.pseudo_likelihood).map_err(|e| e.to_string())
        }
        Method::MeanField | Method::Tap => {
            let inversion =
                SpinStatistics::new(moments.magnetisations.clone(), moments.connected())
                    .map_err(|e| e.to_string())
                    .and_then(|statistics| {
                        if method == Method::Tap {
                            tap_inversion(&statistics)
                        } else {
                            naive_mean_field_inversion(&statistics)
                        }
                        .map_err(|e| e.to_string())
                    });
            inversion.and_then(
                |InferredIsing {
                     couplings,
                     fields,
                     complex_pairs,
                 }| {
                    let machine = FullyVisible::from_parameters(couplings, fields)
                        .map_err(|e| e.to_string())?;
                    Ok(LearningOutcome {
                        machine,
                        iterations: complex_pairs,
                        gradient: 0.0,
                        converged: true,
                        log_likelihood: None,
                    })
                },
            )
        }
    };
    let seconds = start.elapsed().as_secs_f64();
    let configurations = spins.len() / n;
    match outcome {
        Ok(outcome) => {
            let (iterations, complex_pairs) = match method {
                Method::Tap | Method::MeanField => (0, outcome.iterations as u64),
                _ => (outcome.iterations as u64, 0),
            };
            MethodResult {
                configurations,
                method: method.name().to_string(),
                coupling_error: reconstruction_error(
                    outcome.machine.couplings(),
                    truth.couplings(),
                ),
                field_error: field_error(outcome.machine.fields(), truth.fields()),
                iterations,
                converged: outcome.converged,
                complex_pairs,
                log_likelihood: outcome.log_likelihood.unwrap_or(f64::NAN),
                status: "ok".into(),
                seconds,
            }
        }
        Err(reason) => MethodResult {
            configurations,
            method: method.name().to_string(),
            coupling_error: f64::NAN,
            field_error: f64::NAN,
            iterations: 0,
            converged: false,
            complex_pairs: 0,
            log_likelihood: f64::NAN,
            status: reason,
            seconds,
        },
    }
}

fn run_sample(
    spec: &InverseIsingSpec,
    point: usize,
    index: u64,
    context: &UnitContext<'_>,
) -> Result<InferenceSample, RunError> {
    let temperature = spec.temperatures[point];
    let sample = spec
        .teacher
        .draw(spec.seed, index)
        .map_err(|e| RunError::Input(format!("the teacher: {e}")))?;
    let learn = |e: quench_learn::LearnError| RunError::Input(format!("the teacher: {e}"));
    let truth = FullyVisible::from_sample(&sample, 1.0 / temperature).map_err(learn)?;
    let n = truth.n();
    let series = draw_series(spec, &sample, temperature, point, index, spec.largest())?;
    let coupling_norm = 0.5f64.sqrt() * truth.couplings().iter().map(|j| j * j).sum::<f64>().sqrt();
    let cramer_rao = if n <= CRAMER_RAO_LIMIT {
        fisher_information(&truth)
            .map_err(learn)?
            .coupling_variance()
            .unwrap_or(f64::NAN)
    } else {
        f64::NAN
    };
    let exact_energy = if n <= EXACT_ENERGY_LIMIT {
        let (_, moments) = log_partition_and_moments(&truth).map_err(learn)?;
        let mut exponent: f64 = truth
            .fields()
            .iter()
            .zip(&moments.magnetisations)
            .map(|(h, m)| h * m)
            .sum();
        for i in 0..n {
            for j in i + 1..n {
                exponent += truth.couplings()[i * n + j] * moments.correlations[i * n + j];
            }
        }
        -temperature * exponent / n as f64
    } else {
        f64::NAN
    };
    let mut state = context.load::<RunningState>()?.unwrap_or(RunningState {
        results: Vec::new(),
        sizes_done: 0,
    });
    for &rows in &spec.configurations[state.sizes_done..] {
        let spins = &series.spins[..rows * n];
        let moments = SpinMoments::from_configurations(spins, n)
            .map_err(|e| RunError::Input(e.to_string()))?;
        for &method in &spec.methods {
            state
                .results
                .push(infer(spec, method, spins, &moments, &truth, (point, index)));
        }
        state.sizes_done += 1;
        context.advance(1);
        if context.due() {
            context.save(&state)?;
        }
    }
    Ok(InferenceSample {
        point,
        temperature,
        sample: index,
        energy: series.energy.mean,
        energy_error: series.energy.error,
        exact_energy,
        autocorrelation: series.energy.tau_int,
        exchange_acceptance: series.exchange_acceptance,
        coupling_norm,
        cramer_rao,
        results: state.results,
    })
}

fn tables(results: Vec<InferenceSample>) -> Tables {
    let mut out = Tables::default();
    let rows: Vec<(&InferenceSample, &MethodResult)> = results
        .iter()
        .flat_map(|s| s.results.iter().map(move |r| (s, r)))
        .collect();
    let numbers =
        |f: &dyn Fn(&MethodResult) -> f64| Column::Number(rows.iter().map(|(_, r)| f(r)).collect());
    let key_columns = || {
        vec![
            (
                "temperature",
                Column::Number(rows.iter().map(|(s, _)| s.temperature).collect()),
            ),
            (
                "sample",
                Column::Integer(rows.iter().map(|(s, _)| s.sample).collect()),
            ),
            (
                "configurations",
                Column::Integer(rows.iter().map(|(_, r)| r.configurations as u64).collect()),
            ),
            (
                "method",
                Column::Text(rows.iter().map(|(_, r)| r.method.clone()).collect()),
            ),
        ]
    };
    let mut reconstruction = key_columns();
    reconstruction.extend([
        ("coupling_error", numbers(&|r| r.coupling_error)),
        ("field_error", numbers(&|r| r.field_error)),
        (
            "iterations",
            Column::Integer(rows.iter().map(|(_, r)| r.iterations).collect()),
        ),
        (
            "converged",
            Column::Integer(rows.iter().map(|(_, r)| u64::from(r.converged)).collect()),
        ),
        (
            "complex_pairs",
            Column::Integer(rows.iter().map(|(_, r)| r.complex_pairs).collect()),
        ),
        ("log_likelihood", numbers(&|r| r.log_likelihood)),
        (
            "status",
            Column::Text(rows.iter().map(|(_, r)| r.status.clone()).collect()),
        ),
    ]);
    out.table("reconstruction.parquet", Table::new(reconstruction));
    let mut timings = key_columns();
    timings.push(("seconds", numbers(&|r| r.seconds)));
    out.table("timings.parquet", Table::new(timings));
    let per = |f: &dyn Fn(&InferenceSample) -> f64| Column::Number(results.iter().map(f).collect());
    out.table(
        "data.parquet",
        Table::new(vec![
            ("temperature", per(&|s| s.temperature)),
            (
                "sample",
                Column::Integer(results.iter().map(|s| s.sample).collect()),
            ),
            ("energy", per(&|s| s.energy)),
            ("energy_error", per(&|s| s.energy_error)),
            ("exact_energy", per(&|s| s.exact_energy)),
            ("autocorrelation", per(&|s| s.autocorrelation)),
            ("exchange_acceptance", per(&|s| s.exchange_acceptance)),
            ("coupling_norm", per(&|s| s.coupling_norm)),
            ("cramer_rao", per(&|s| s.cramer_rao)),
        ]),
    );
    out
}

impl Family for InverseIsing {
    type Spec = InverseIsingSpec;
    type UnitResult = InferenceSample;

    fn name(&self) -> &'static str {
        "inverse-ising"
    }

    fn describe(&self) -> FamilyInfo {
        FamilyInfo {
            family: "inverse-ising",
            description: "the inverse Ising problem: a fully visible Boltzmann machine learns a teacher's couplings back from its Boltzmann samples; reconstruction error against data size and temperature for each method, beside the Cramér–Rao error of maximum likelihood",
            methods: Method::ALL
                .iter()
                .map(|&m| MethodInfo {
                    name: m.name(),
                    description: match m {
                        Method::Learning => "the Ackley–Hinton–Sejnowski rule: gradient ascent of the likelihood, model moments exact (enumeration) or from tempering chains",
                        Method::MeanField => "naive mean-field inversion J = -C^-1",
                        Method::Tap => "TAP inversion (the Onsager-corrected C^-1)",
                        Method::PseudoLikelihood => "pseudo-likelihood maximisation (Newton per spin, couplings averaged)",
                    },
                })
                .collect(),
            models: spec::catalogue(),
        }
    }

    fn claims(&self, document: &toml::Table) -> bool {
        spec::claims(document)
    }

    fn parse(&self, file: &str, source: &str) -> Result<InverseIsingSpec, RunError> {
        Ok(InverseIsingSpec::parse(file, source)?)
    }

    fn header<'a>(&self, spec: &'a InverseIsingSpec) -> Header<'a> {
        Header {
            file: &spec.file,
            source: &spec.source,
            name: &spec.name,
            description: &spec.description,
            seed: spec.seed,
            checkpoint_seconds: spec.checkpoint_seconds,
        }
    }

    fn memory(&self, spec: &InverseIsingSpec) -> crate::memory::MemoryEstimate {
        let n = spec.n as f64;
        let rows = spec.largest() as f64;
        let features = n * (n + 1.0) / 2.0;
        let fisher = if spec.n <= CRAMER_RAO_LIMIT {
            // Every thread's block of 4096 feature rows and the matrix twice.
            8.0 * (4096.0 * features * rayon::current_num_threads() as f64
                + 3.0 * features * features)
        } else {
            0.0
        };
        crate::memory::MemoryEstimate {
            // The series, the data as f64 (twice, for the per-spin fits on
            // every thread), the machines, the samples' enumeration blocks.
            per_unit: rows * n * (1.0 + 16.0 * (1.0 + rayon::current_num_threads() as f64))
                + 64.0 * n * n
                + 8.0 * 4096.0 * n * rayon::current_num_threads() as f64
                + fisher,
            per_result: (spec.configurations.len() * spec.methods.len()) as f64 * 160.0 + 512.0,
            units: (spec.temperatures.len() as u64 * spec.samples) as f64,
        }
    }

    fn plan(&self, spec: &InverseIsingSpec) -> Vec<Unit> {
        (0..spec.temperatures.len())
            .flat_map(|p| (0..spec.samples).map(move |s| Unit::sample(p, s)))
            .collect()
    }

    fn work(&self, spec: &InverseIsingSpec, _unit: &Unit) -> u64 {
        spec.configurations.len() as u64
    }

    fn work_done(
        &self,
        _spec: &InverseIsingSpec,
        _unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<u64, RunError> {
        Ok(context
            .load::<RunningState>()?
            .map_or(0, |state| state.sizes_done as u64))
    }

    fn run_unit(
        &self,
        spec: &InverseIsingSpec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<InferenceSample, RunError> {
        run_sample(spec, unit.point, unit.first, context)
    }

    fn tables(
        &self,
        _spec: &InverseIsingSpec,
        results: Vec<(Unit, InferenceSample)>,
    ) -> Result<Tables, RunError> {
        Ok(tables(results.into_iter().map(|(_, r)| r).collect()))
    }

    /// The teacher sample of `sample` (the same at every temperature) as
    /// [`crate::draw::sample_arrays`] writes a spin-glass sample, the
    /// grid point's `"temperature"`, and the data the methods learn from:
    /// `"configurations"`, the whole series ($M_\text{max}\times N$ int8).
    fn draw(
        &self,
        spec: &InverseIsingSpec,
        point: usize,
        sample: u64,
        naming: crate::theory::Naming,
    ) -> Result<crate::draw::Drawn, RunError> {
        use crate::draw::{Drawn, DrawnArray};
        crate::draw::check_point(naming, &spec.file, point, spec.temperatures.len())?;
        crate::draw::check_sample(naming, &spec.file, sample, spec.samples)?;
        let teacher = spec
            .teacher
            .draw(spec.seed, sample)
            .map_err(|e| RunError::Input(format!("the teacher: {e}")))?;
        let temperature = spec.temperatures[point];
        let series = draw_series(spec, &teacher, temperature, point, sample, spec.largest())?;
        let mut arrays = crate::draw::sample_arrays(&teacher, spec.teacher_spec.field());
        arrays.push((
            "temperature".to_string(),
            DrawnArray::Float64 {
                shape: Vec::new(),
                data: vec![temperature],
            },
        ));
        arrays.push((
            "configurations".to_string(),
            DrawnArray::Integer8 {
                shape: vec![spec.largest(), spec.n],
                data: series.spins,
            },
        ));
        Ok(Drawn {
            description: format!(
                "inverse-Ising teacher and data of {}, grid point {point} (T = {temperature}, {} configurations of {} spins), sample {sample}",
                spec.file,
                spec.largest(),
                spec.n
            ),
            arrays,
            sample: Some(teacher),
        })
    }

    fn report(
        &self,
        spec: &InverseIsingSpec,
        out: &Path,
        report: &mut ReportBuilder,
    ) -> Result<(), RunError> {
        report::write_report(spec, out, report)
    }
}
