//! The spec file as TOML gives it, before any check: every section's keys
//! with serde's defaults, unknown keys refused.

use quench_mc::{LocalRule, SweepOrder};
use serde::Deserialize;

use super::Method;
use crate::family::spin_glass::kernel::{KernelChoice, LaneNoise};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSpec {
    pub(super) name: String,
    #[serde(default)]
    pub(super) description: String,
    pub(super) seed: i64,
    pub(super) model: toml::Table,
    #[serde(default)]
    pub(super) grid: RawGrid,
    pub(super) ensemble: RawEnsemble,
    pub(super) algorithm: RawAlgorithm,
    pub(super) temperatures: RawTemperatures,
    #[serde(default)]
    pub(super) observables: RawObservables,
    #[serde(default)]
    pub(super) output: RawOutput,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGrid {
    pub(super) n: Option<Vec<i64>>,
    pub(super) length: Option<Vec<i64>>,
    pub(super) field: Option<Vec<f64>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEnsemble {
    pub(super) samples: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAlgorithm {
    pub(super) method: Method,
    #[serde(default = "default_rule")]
    pub(super) rule: LocalRule,
    #[serde(default = "default_order")]
    pub(super) order: SweepOrder,
    pub(super) replicas: i64,
    #[serde(default = "one")]
    pub(super) sweeps_per_round: i64,
    #[serde(default)]
    pub(super) wolff_updates_per_round: i64,
    pub(super) equilibration_rounds: i64,
    pub(super) measurement_rounds: i64,
    #[serde(default = "one")]
    pub(super) measure_every: i64,
    #[serde(default)]
    pub(super) kernel: KernelChoice,
    pub(super) word_bits: Option<i64>,
    #[serde(default)]
    pub(super) lane_noise: LaneNoise,
}

fn default_rule() -> LocalRule {
    LocalRule::Metropolis
}
fn default_order() -> SweepOrder {
    SweepOrder::Sequential
}
fn one() -> i64 {
    1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTemperatures {
    pub(super) values: Option<Vec<f64>>,
    pub(super) minimum: Option<f64>,
    pub(super) maximum: Option<f64>,
    pub(super) count: Option<i64>,
    pub(super) spacing: Option<Spacing>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum Spacing {
    Geometric,
    Linear,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawObservables {
    pub(super) overlap_distribution_at: Option<Vec<f64>>,
    #[serde(default)]
    pub(super) save_final_spins: bool,
    #[serde(default)]
    pub(super) site_magnetisations: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOutput {
    #[serde(default = "default_checkpoint_seconds")]
    pub(super) checkpoint_seconds: f64,
}

impl Default for RawOutput {
    fn default() -> Self {
        Self {
            checkpoint_seconds: default_checkpoint_seconds(),
        }
    }
}

fn default_checkpoint_seconds() -> f64 {
    60.0
}
