//! `quench bench --workload rbm-digits`: seconds per epoch of RBM training
//! (PCD-1, scikit-learn's defaults) on the binarised digits or a CSV file,
//! and the exact log-likelihood of the trained machine.

use std::path::PathBuf;

use quench_data::{Binarisation, CsvOptions, digits, load_csv};
use quench_learn::boltzmann::benchmark::{self, RbmBenchmarkOptions};
use quench_run::RunError;

/// The workload's name.
pub const RBM_DIGITS: &str = "rbm-digits";

/// The workload's own options.
pub struct RbmBench {
    pub data: Option<PathBuf>,
    pub hidden: usize,
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub save: Option<PathBuf>,
    pub seed: u64,
    pub json: bool,
}

/// The data as rows of zeros and ones: a CSV file of 0/1 values (no labels),
/// or the shipped digits with pixels >= 8 of 16 on.
fn load(data: Option<&PathBuf>) -> Result<(Vec<f64>, usize), RunError> {
    let binary = match data {
        None => digits()
            .binarise(Binarisation::Threshold { fraction: 0.5 })
            .map_err(|e| RunError::Input(e.to_string()))?,
        Some(path) => {
            let table = load_csv(path, CsvOptions::default())
                .map_err(|e| RunError::Input(format!("--data: {e}")))?;
            if let Some(bad) = table.values().iter().find(|&&x| x != 0.0 && x != 1.0) {
                return Err(RunError::Input(format!(
                    "--data {}: value {bad} is not a bit; allowed: 0 and 1",
                    path.display()
                )));
            }
            table
                .binarise(Binarisation::Threshold { fraction: 0.5 })
                .map_err(|e| RunError::Input(format!("--data: {e}")))?
        }
    };
    let columns = binary.features();
    Ok((binary.values().iter().map(|&b| b as f64).collect(), columns))
}

pub fn execute(options: &RbmBench) -> Result<serde_json::Value, RunError> {
    let (data, visible) = load(options.data.as_ref())?;
    let bench = RbmBenchmarkOptions {
        hidden: options.hidden,
        epochs: options.epochs,
        batch_size: options.batch_size,
        learning_rate: options.learning_rate,
        seed: options.seed,
    };
    let result = benchmark::run(&data, visible, &bench)
        .map_err(|e| RunError::Input(format!("{RBM_DIGITS}: {e}")))?;
    if let Some(path) = &options.save {
        let machine = &result.machine;
        let parameters = serde_json::json!({
            "visible": machine.visible(),
            "hidden": machine.hidden(),
            "weights": machine.weights(),
            "visible_bias": machine.visible_bias(),
            "hidden_bias": machine.hidden_bias(),
        });
        let text = crate::print::json_text(&parameters)?;
        std::fs::write(path, text).map_err(|e| {
            RunError::Input(format!("--save {}: cannot write: {e}", path.display()))
        })?;
    }
    if !options.json {
        println!(
            "{RBM_DIGITS} {} rows x {} visible, {} hidden, batch {}, PCD-1: {:.5} s per epoch (median of {}){}",
            result.rows,
            result.visible,
            result.hidden,
            options.batch_size,
            result.seconds_per_epoch,
            result.epochs,
            result.log_likelihood.map_or(String::new(), |l| format!(
                ", exact log-likelihood {l:.4} nats per row"
            )),
        );
    }
    serde_json::to_value(&result).map_err(|e| RunError::Input(e.to_string()))
}
