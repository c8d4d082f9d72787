//! The Boltzmann-machine family: restricted Boltzmann machines trained on
//! binary data, with their likelihood measured honestly at every epoch.
//!
//! ```text
//! SPEC.toml (model = "rbm") ──RbmSpec::parse (loads, binarises, splits the data)──> RbmSpec
//!   unit = (hidden, method, sample) ──Rbm::random (stream keyed by hidden and sample: every
//!     method starts from the same weights) ──Trainer (CD-k | PCD-k | PT-k), epoch by epoch,
//!     checkpointed──> at epochs 0, every, 2 every, ..., last: ln Z (exact over the smaller
//!     layer, or forward AIS ± its error) ──> train / test log-likelihood, reconstruction error
//!   after training: model samples (exact, or long Gibbs chains), and forward + reverse AIS
//!     beside the exact ln Z (the check)
//! units ──tables──> curves / learning / final / ais_check .parquet, machines/*.npy, samples/*.npy
//!       ──report──> log-likelihood curves, filters and samples as image grids, report.md
//! ```
//!
//! Every random number comes from
//! `UnitStreams::new(seed, FamilyStreams::Named("rbm"), hidden index, sample)`
//! (initial weights: `Disorder`; the trainer: `Dynamics`) or, for each
//! evaluation's AIS, from `Named("rbm-ais")` keyed by point, epoch and sample.

mod data;
pub mod report;
pub mod sources;
pub mod spec;
mod tables;

use std::path::Path;

use quench_core::rng::Purpose;
use quench_core::{FamilyStreams, UnitStreams};
use quench_learn::boltzmann::exact::{MAX_SAMPLED_UNITS, smaller_layer_units};
use quench_learn::boltzmann::{
    AisEstimate, AisSchedule, ExactSampler, Rbm, Trainer, ais, gibbs_samples, log_partition,
    mean_log_likelihood, reconstruction_error, reverse_ais,
};
use serde::{Deserialize, Serialize};

use super::{Family, FamilyInfo, Header, MethodInfo, ReportBuilder, Tables, Unit, UnitContext};
use crate::error::RunError;
pub use spec::{RbmPoint, RbmSpec};

/// The Boltzmann-machine family.
pub struct BoltzmannMachines;

const STREAMS: FamilyStreams = FamilyStreams::Named("rbm");

/// How $\ln Z$ was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Estimator {
    /// Summed over the smaller layer.
    Exact,
    /// Forward annealed importance sampling.
    Ais,
}

impl Estimator {
    /// `"exact"` or `"ais"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Ais => "ais",
        }
    }
}

/// The likelihood of the machine after one epoch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Epochs done (0: the initial machine).
    pub epoch: u64,
    /// How $\ln Z$ was obtained.
    pub estimator: Estimator,
    /// $\ln Z$.
    pub log_partition: f64,
    /// Its standard error (0 when exact).
    pub log_partition_error: f64,
    /// AIS: the effective number of chains (NaN when exact).
    pub effective_chains: f64,
    /// Mean log-likelihood of the training rows, nats per row.
    pub train_log_likelihood: f64,
    /// Mean log-likelihood of the held-out rows (NaN without any).
    pub test_log_likelihood: f64,
    /// Mean squared mean-field reconstruction error of the training rows.
    pub reconstruction_error: f64,
    /// Tempering: exchange acceptance over the epoch (NaN otherwise).
    pub exchange_acceptance: f64,
}

/// Forward and reverse AIS beside the exact $\ln Z$ of a trained machine.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AisCheck {
    /// The exact $\ln Z$.
    pub exact: f64,
    /// Forward AIS (on average low).
    pub forward: AisEstimate,
    /// Reverse AIS from exact samples (on average high).
    pub reverse: AisEstimate,
}

/// What one training gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainingSample {
    /// Grid point.
    pub point: usize,
    /// Sample (independent training).
    pub sample: u64,
    /// The evaluations, in epoch order.
    pub curve: Vec<Evaluation>,
    /// The trained machine.
    pub machine: Rbm,
    /// Visible configurations sampled from the trained machine, row-major.
    pub shown: Vec<f64>,
    /// Whether `shown` are exact samples (else the ends of long Gibbs chains).
    pub shown_exact: bool,
    /// Forward and reverse AIS beside the exact value, when requested and possible.
    pub check: Option<AisCheck>,
    /// Ising data: energy and magnetisation of the machine's samples.
    #[serde(default)]
    pub ising: Option<IsingComparison>,
}

/// Configurations sampled from a machine trained on Ising data (exact
/// samples when its smaller layer allows, else the ends of independent
/// 1000-step Gibbs chains).
pub const ISING_SAMPLES: usize = 2000;

/// Energy per spin and $|m|$ of a set of independent configurations, with
/// their standard errors.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IsingComparison {
    /// Mean energy per spin.
    pub energy: f64,
    /// Its standard error.
    pub energy_error: f64,
    /// Mean $|m|$.
    pub magnetisation: f64,
    /// Its standard error.
    pub magnetisation_error: f64,
}

impl IsingComparison {
    /// Of row-major configurations of bits on the $L\times L$ lattice.
    pub fn of(configurations: &[f64], length: usize) -> Self {
        let n = length * length;
        let energies: Vec<f64> = configurations
            .chunks_exact(n)
            .map(|c| data::ising_energy(c, length))
            .collect();
        let magnetisations: Vec<f64> = configurations
            .chunks_exact(n)
            .map(data::ising_magnetisation)
            .collect();
        let (energy, energy_error) = tables::mean_and_error(&energies, &[]);
        let (magnetisation, magnetisation_error) = tables::mean_and_error(&magnetisations, &[]);
        Self {
            energy,
            energy_error,
            magnetisation,
            magnetisation_error,
        }
    }
}

/// The running state of a training (what a checkpoint holds).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RunningState {
    trainer: Trainer,
    curve: Vec<Evaluation>,
}

/// The streams of a point's sample: keyed by the hidden size, not the
/// method, so that every method starts from the same machine.
fn streams(spec: &RbmSpec, point: &RbmPoint, sample: u64) -> UnitStreams {
    UnitStreams::new(spec.seed, STREAMS, point.hidden_index as u64, sample)
}

/// The AIS base: visible biases from the training marginals.
fn base(spec: &RbmSpec, train: &[f64]) -> Vec<f64> {
    let mut machine = Rbm::zeros(spec.visible(), 1)
        .expect("sizes checked")
        .with_visible_units(spec.visible_units);
    machine.set_visible_bias_from_data(&quench_learn::boltzmann::rbm::marginals(
        train,
        spec.visible(),
    ));
    machine.visible_bias().to_vec()
}

/// The likelihood of `machine` after `epoch` epochs.
#[allow(clippy::too_many_arguments)]
fn evaluate(
    spec: &RbmSpec,
    point: &RbmPoint,
    sample: u64,
    machine: &Rbm,
    epoch: u64,
    train: &[f64],
    test: &[f64],
    exchange_acceptance: f64,
) -> Result<Evaluation, RunError> {
    let likelihood = &spec.likelihood;
    let (estimator, log_z, error, effective) =
        if smaller_layer_units(machine) <= likelihood.exact_limit {
            (Estimator::Exact, log_partition(machine)?, 0.0, f64::NAN)
        } else {
            let schedule = AisSchedule::standard(likelihood.ais_steps)?;
            let key = point.index as u64 * (spec.epochs + 1) + epoch;
            let (seed, stream_sample) =
                UnitStreams::new(spec.seed, FamilyStreams::Named("rbm-ais"), key, sample)
                    .seed_and_sample();
            let estimate = ais(
                machine,
                &base(spec, train),
                &schedule,
                likelihood.ais_chains,
                seed,
                stream_sample,
            )?;
            (
                Estimator::Ais,
                estimate.log_partition,
                estimate.standard_error,
                estimate.effective_chains,
            )
        };
    Ok(Evaluation {
        epoch,
        estimator,
        log_partition: log_z,
        log_partition_error: error,
        effective_chains: effective,
        train_log_likelihood: mean_log_likelihood(machine, train, log_z),
        test_log_likelihood: if test.is_empty() {
            f64::NAN
        } else {
            mean_log_likelihood(machine, test, log_z)
        },
        reconstruction_error: reconstruction_error(machine, train),
        exchange_acceptance,
    })
}

/// One training, from its checkpoint if there is one.
fn train(
    spec: &RbmSpec,
    point: &RbmPoint,
    sample: u64,
    context: &UnitContext<'_>,
) -> Result<TrainingSample, RunError> {
    let set = spec.data(point);
    let (train, test) = match &set.real {
        Some(real) => (real.train.clone(), real.test.clone()),
        None => (data::rows(&set.train), data::rows(&set.test)),
    };
    let streams = streams(spec, point, sample);
    let mut state = match context.load::<RunningState>()? {
        Some(state) => state,
        None => {
            let mut rng = streams.stream(Purpose::Disorder, 0);
            let mut machine =
                Rbm::random(spec.visible(), point.hidden, spec.initial_scale, &mut rng)?
                    .with_visible_units(spec.visible_units);
            machine.set_visible_bias_from_data(&quench_learn::boltzmann::rbm::marginals(
                &train,
                spec.visible(),
            ));
            let first = evaluate(spec, point, sample, &machine, 0, &train, &test, f64::NAN)?;
            let trainer = Trainer::new(
                machine,
                spec.options(point),
                streams.stream(Purpose::Dynamics, 0),
            )?;
            RunningState {
                trainer,
                curve: vec![first],
            }
        }
    };
    while state.trainer.epoch() < spec.epochs {
        let summary = state.trainer.train_epoch(&train)?;
        let epoch = summary.epoch;
        if epoch % spec.likelihood.every == 0 || epoch == spec.epochs {
            let evaluation = evaluate(
                spec,
                point,
                sample,
                state.trainer.machine(),
                epoch,
                &train,
                &test,
                summary.exchange_acceptance,
            )?;
            state.curve.push(evaluation);
        }
        context.advance(1);
        if context.due() && epoch < spec.epochs {
            context.save(&state)?;
        }
    }
    let machine = state.trainer.machine().clone();
    let mut rng = streams.stream(Purpose::Named("rbm-samples"), 0);
    let count = spec.shown_samples;
    let nv = spec.visible();
    let (shown, shown_exact) = if smaller_layer_units(&machine) <= MAX_SAMPLED_UNITS {
        let sampler = ExactSampler::new(&machine)?;
        let mut shown = vec![0.0; count * nv];
        for row in shown.chunks_exact_mut(nv) {
            sampler.sample_visible(row, &mut rng);
        }
        (shown, true)
    } else {
        (gibbs_samples(&machine, count, 1000, &mut rng), false)
    };
    let ising = match &spec.data_source {
        spec::DataSource::Ising(ising) => {
            let count = ISING_SAMPLES;
            let samples = if shown_exact {
                let sampler = ExactSampler::new(&machine)?;
                let mut samples = vec![0.0; count * nv];
                for row in samples.chunks_exact_mut(nv) {
                    sampler.sample_visible(row, &mut rng);
                }
                samples
            } else {
                gibbs_samples(&machine, count, 1000, &mut rng)
            };
            Some(IsingComparison::of(&samples, ising.length))
        }
        _ => None,
    };
    let check = if spec.likelihood.check && smaller_layer_units(&machine) <= MAX_SAMPLED_UNITS {
        let schedule = AisSchedule::standard(spec.likelihood.ais_steps)?;
        let (seed, stream_sample) = UnitStreams::new(
            spec.seed,
            FamilyStreams::Named("rbm-check"),
            point.index as u64,
            sample,
        )
        .seed_and_sample();
        let base = base(spec, &train);
        let chains = spec.likelihood.ais_chains;
        Some(AisCheck {
            exact: log_partition(&machine)?,
            forward: ais(&machine, &base, &schedule, chains, seed, stream_sample)?,
            reverse: reverse_ais(&machine, &base, &schedule, chains, seed, stream_sample)?,
        })
    } else {
        None
    };
    Ok(TrainingSample {
        point: point.index,
        sample,
        curve: state.curve,
        machine,
        shown,
        shown_exact,
        check,
        ising,
    })
}

impl Family for BoltzmannMachines {
    type Spec = RbmSpec;
    type UnitResult = TrainingSample;

    fn name(&self) -> &'static str {
        "boltzmann"
    }

    fn describe(&self) -> FamilyInfo {
        FamilyInfo {
            family: "boltzmann",
            description: "restricted Boltzmann machines trained on binary data, with train and test log-likelihoods per epoch (exact over the smaller layer, or AIS with error bars)",
            methods: vec![
                MethodInfo {
                    name: "cd-K",
                    description: "contrastive divergence: K Gibbs steps from the batch's data",
                },
                MethodInfo {
                    name: "pcd-K",
                    description: "persistent contrastive divergence: K Gibbs steps of persistent chains per batch",
                },
                MethodInfo {
                    name: "pt-K",
                    description: "persistent chains as parallel-tempering ladders, exchanges after every Gibbs step",
                },
            ],
            models: spec::catalogue(),
        }
    }

    fn claims(&self, document: &toml::Table) -> bool {
        spec::claims(document)
    }

    fn parse(&self, file: &str, source: &str) -> Result<RbmSpec, RunError> {
        Ok(RbmSpec::parse(file, source)?)
    }

    fn header<'a>(&self, spec: &'a RbmSpec) -> Header<'a> {
        Header {
            file: &spec.file,
            source: &spec.source,
            name: &spec.name,
            description: &spec.description,
            seed: spec.seed,
            checkpoint_seconds: spec.checkpoint_seconds,
        }
    }

    fn memory(&self, spec: &RbmSpec) -> crate::memory::MemoryEstimate {
        let nv = spec.visible() as f64;
        let rows = spec
            .datasets
            .iter()
            .map(|d| d.train.len() + d.test.len())
            .max()
            .unwrap_or(0) as f64;
        let per_unit = spec
            .points
            .iter()
            .map(|p| {
                let nh = p.hidden as f64;
                let chains = spec.training.chains as f64
                    * match p.negative {
                        quench_learn::boltzmann::NegativePhase::Tempering {
                            temperatures, ..
                        } => temperatures as f64,
                        _ => 1.0,
                    };
                let smaller = p.hidden.min(spec.visible());
                // The exact sampler's table, when the smaller layer allows it.
                let table = if smaller <= MAX_SAMPLED_UNITS {
                    8.0 * 2f64.powi(smaller as i32)
                } else {
                    0.0
                };
                // Double and single copies of the machine, velocity and
                // gradient; the rows as f64 (twice while evaluating); the
                // chains and batch buffers; AIS groups on every thread.
                32.0 * nv * nh
                    + 16.0 * rows * (nv + nh)
                    + 8.0 * ISING_SAMPLES as f64 * nv
                    + 32.0 * (chains + spec.training.batch_size as f64) * (nv + nh)
                    + 64.0 * 32.0 * (nv + nh)
                    + table
            })
            .fold(0.0, f64::max);
        let largest = spec.hidden.iter().copied().max().unwrap_or(1) as f64;
        let evaluations = (spec.epochs / spec.likelihood.every + 2) as f64;
        crate::memory::MemoryEstimate {
            per_unit,
            per_result: 8.0 * nv * largest
                + 8.0 * spec.shown_samples as f64 * nv
                + 96.0 * evaluations
                + 1024.0,
            units: (spec.points.len() as u64 * spec.samples) as f64,
        }
    }

    fn plan(&self, spec: &RbmSpec) -> Vec<Unit> {
        spec.points
            .iter()
            .flat_map(|p| (0..spec.samples).map(move |s| Unit::sample(p.index, s)))
            .collect()
    }

    fn work(&self, spec: &RbmSpec, _unit: &Unit) -> u64 {
        spec.epochs
    }

    fn work_done(
        &self,
        _spec: &RbmSpec,
        _unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<u64, RunError> {
        Ok(context
            .load::<RunningState>()?
            .map_or(0, |state| state.trainer.epoch()))
    }

    fn run_unit(
        &self,
        spec: &RbmSpec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<TrainingSample, RunError> {
        train(spec, &spec.points[unit.point], unit.first, context)
    }

    fn tables(
        &self,
        spec: &RbmSpec,
        results: Vec<(Unit, TrainingSample)>,
    ) -> Result<Tables, RunError> {
        tables::tables(spec, results.into_iter().map(|(_, r)| r).collect())
    }

    fn report(
        &self,
        spec: &RbmSpec,
        out: &Path,
        report: &mut ReportBuilder,
    ) -> Result<(), RunError> {
        report::write_report(spec, out, report)
    }
}
