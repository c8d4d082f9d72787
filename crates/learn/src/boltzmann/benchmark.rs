//! The RBM training benchmark: seconds per epoch of persistent contrastive
//! divergence on a data set, and the exact log-likelihood of the trained
//! machine where its hidden layer can be summed over. `quench bench
//! --workload rbm-digits` runs it, and `bench/sklearn_rbm.sh` runs it beside
//! scikit-learn's `BernoulliRBM` with the same data and hyper-parameters.
//!
//! The defaults are scikit-learn's: weights $\mathcal N(0, 0.01^2)$, biases
//! zero, learning rate 0.1, batches of 10, PCD-1 with as many persistent
//! chains as rows in a batch, no momentum and no weight decay.

use std::time::Instant;

use quench_core::rng::{Purpose, stream};
use serde::Serialize;

use super::exact::{MAX_EXACT_UNITS, log_partition, mean_log_likelihood};
use super::rbm::Rbm;
use super::training::{NegativePhase, Trainer, TrainingOptions};
use crate::error::{LearnError, at_least, parameter};

/// What the benchmark trains.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RbmBenchmarkOptions {
    /// Hidden units.
    pub hidden: usize,
    /// Epochs timed.
    pub epochs: usize,
    /// Rows per batch (and persistent chains).
    pub batch_size: usize,
    /// Learning rate.
    pub learning_rate: f64,
    /// Seed of the initial weights and of the chains.
    pub seed: u64,
}

impl Default for RbmBenchmarkOptions {
    fn default() -> Self {
        Self {
            hidden: 64,
            epochs: 10,
            batch_size: 10,
            learning_rate: 0.1,
            seed: 1,
        }
    }
}

/// What the benchmark measured.
#[derive(Debug, Clone, Serialize)]
pub struct RbmBenchmarkResult {
    /// Visible units.
    pub visible: usize,
    /// Hidden units.
    pub hidden: usize,
    /// Rows of the data.
    pub rows: usize,
    /// Epochs timed.
    pub epochs: usize,
    /// The median of the epochs' wall times, in seconds.
    pub seconds_per_epoch: f64,
    /// Every epoch's wall time, in seconds.
    pub epoch_seconds: Vec<f64>,
    /// Exact mean log-likelihood of the data under the trained machine
    /// (hidden layer of at most [`MAX_EXACT_UNITS`] units), in nats.
    pub log_likelihood: Option<f64>,
    /// The trained machine.
    #[serde(skip)]
    pub machine: Rbm,
}

/// Trains a machine on `data` (row-major, `visible` columns of zeros and
/// ones) and times every epoch.
pub fn run(
    data: &[f64],
    visible: usize,
    options: &RbmBenchmarkOptions,
) -> Result<RbmBenchmarkResult, LearnError> {
    at_least("epochs", options.epochs, 1)?;
    at_least("visible", visible, 1)?;
    if data.is_empty() || !data.len().is_multiple_of(visible) {
        return Err(parameter(
            "data",
            data.len(),
            format!("a non-empty multiple of {visible} numbers"),
        ));
    }
    let rows = data.len() / visible;
    let mut rng = stream(options.seed, Purpose::Disorder, 0, 0);
    let machine = Rbm::random(visible, options.hidden, 0.01, &mut rng)?;
    let training = TrainingOptions {
        negative: NegativePhase::Persistent { steps: 1 },
        batch_size: options.batch_size,
        learning_rate: options.learning_rate,
        momentum: 0.0,
        weight_decay: 0.0,
        chains: options.batch_size,
    };
    let mut trainer = Trainer::new(
        machine,
        training,
        stream(options.seed, Purpose::Dynamics, 0, 0),
    )?;
    let mut epoch_seconds = Vec::with_capacity(options.epochs);
    for _ in 0..options.epochs {
        let start = Instant::now();
        trainer.train_epoch(data)?;
        epoch_seconds.push(start.elapsed().as_secs_f64());
    }
    let mut sorted = epoch_seconds.clone();
    sorted.sort_by(f64::total_cmp);
    let machine = trainer.machine().clone();
    let log_likelihood = if options.hidden <= MAX_EXACT_UNITS.min(24) {
        Some(mean_log_likelihood(
            &machine,
            data,
            log_partition(&machine)?,
        ))
    } else {
        None
    };
    Ok(RbmBenchmarkResult {
        visible,
        hidden: options.hidden,
        rows,
        epochs: options.epochs,
        seconds_per_epoch: sorted[sorted.len() / 2],
        epoch_seconds,
        log_likelihood,
        machine,
    })
}
