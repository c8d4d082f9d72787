//! Spec sections that several families read alike: `[ensemble]` with its
//! number of disorder samples and `[output]` with the checkpoint interval.

use serde::Deserialize;

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

impl Default for RawOutput {
    fn default() -> Self {
        Self {
            checkpoint_seconds: default_checkpoint(),
        }
    }
}
