//! Spec sections that several families read alike: `[ensemble]` with its
//! number of disorder samples and `[output]` with the checkpoint interval,
//! and the `[model] model = "..."` test by which a family claims a spec.

use serde::Deserialize;

use crate::error::SpecError;
use crate::family::spin_glass::spec::Reporter;

/// Whether a spec (parsed as plain TOML) says `[model] model = "name"`.
pub(crate) fn names_model(document: &toml::Table, name: &str) -> bool {
    document
        .get("model")
        .and_then(|t| t.get("model"))
        .and_then(|v| v.as_str())
        == Some(name)
}

/// `[ensemble] samples = S` (default 4).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEnsemble {
    #[serde(default = "default_samples")]
    pub(crate) samples: u64,
}

fn default_samples() -> u64 {
    4
}

impl Default for RawEnsemble {
    fn default() -> Self {
        Self {
            samples: default_samples(),
        }
    }
}

/// `[output] checkpoint_seconds = T` (default 60).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOutput {
    #[serde(default = "default_checkpoint")]
    pub(crate) checkpoint_seconds: f64,
}

fn default_checkpoint() -> f64 {
    60.0
}

impl RawOutput {
    /// The checkpoint interval, refused unless a finite number of seconds > 0.
    pub(crate) fn checkpoint_seconds(&self, r: &Reporter) -> Result<f64, SpecError> {
        let seconds = self.checkpoint_seconds;
        if !(seconds.is_finite() && seconds > 0.0) {
            return Err(r.at(
                "output.checkpoint_seconds",
                format!("{seconds} is out of range"),
                "a number of seconds > 0",
            ));
        }
        Ok(seconds)
    }
}

impl Default for RawOutput {
    fn default() -> Self {
        Self {
            checkpoint_seconds: default_checkpoint(),
        }
    }
}
