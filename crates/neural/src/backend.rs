//! Where networks train and evaluate: the CPU, always built, or a CUDA GPU
//! when quench is built with the `cuda` feature (which needs the CUDA
//! toolkit at build time).
//!
//! On the CPU a seed fixes every network bit for bit, for any thread count.
//! On a GPU the same streams initialise the same networks and shuffle the
//! same batches, but cuBLAS and cuDNN sum in orders of their own: results
//! agree with the CPU's within rounding, not bit for bit, and a run resumed
//! on a GPU reproduces its uninterrupted tables only statistically.

use candle_core::Device;
use quench_core::ParameterError;
use serde::{Deserialize, Serialize};

use crate::error::NeuralError;

/// A compute backend: `cpu`, or `cuda` / `cuda:N` (GPU number N).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Backend {
    /// The CPU (candle's `gemm` matrix products on the thread pool).
    #[default]
    Cpu,
    /// A CUDA GPU, by ordinal.
    Cuda {
        /// The GPU's number, 0 for the first.
        ordinal: usize,
    },
}

impl Backend {
    /// Whether this build has the GPU backend (the `cuda` feature).
    pub const GPU_BUILT: bool = cfg!(feature = "cuda");

    /// Parses `cpu`, `cuda` or `cuda:N`, refusing `cuda` in a build without
    /// the GPU backend (the parameter is named `device`).
    pub fn parse(text: &str) -> Result<Self, ParameterError> {
        let backend = match text {
            "cpu" => Backend::Cpu,
            "cuda" => Backend::Cuda { ordinal: 0 },
            _ => match text.strip_prefix("cuda:").map(str::parse::<usize>) {
                Some(Ok(ordinal)) => Backend::Cuda { ordinal },
                _ => {
                    return Err(ParameterError::new(
                        "device",
                        format!("{text:?}"),
                        "\"cpu\", \"cuda\" or \"cuda:N\" (N the GPU's number)",
                    ));
                }
            },
        };
        if matches!(backend, Backend::Cuda { .. }) && !Self::GPU_BUILT {
            return Err(ParameterError::new(
                "device",
                format!("{text:?}"),
                "\"cpu\": this quench was built without the GPU backend (build with `--features cuda`, which needs the CUDA toolkit)",
            ));
        }
        Ok(backend)
    }

    /// The spec's name of the backend.
    pub fn name(self) -> String {
        match self {
            Backend::Cpu => "cpu".into(),
            Backend::Cuda { ordinal } => format!("cuda:{ordinal}"),
        }
    }

    /// The candle device; a GPU that cannot be opened is an error naming it.
    pub fn device(self) -> Result<Device, NeuralError> {
        match self {
            Backend::Cpu => Ok(Device::Cpu),
            Backend::Cuda { ordinal } => Device::new_cuda(ordinal).map_err(|e| {
                NeuralError::Data(format!("device cuda:{ordinal} could not be opened: {e}"))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Backend;

    #[test]
    fn backends_parse_and_a_build_without_the_gpu_refuses_cuda() {
        assert_eq!(Backend::parse("cpu").unwrap(), Backend::Cpu);
        assert_eq!(Backend::Cpu.name(), "cpu");
        assert!(Backend::Cpu.device().unwrap().is_cpu());
        let error = Backend::parse("gpu").unwrap_err().to_string();
        assert!(
            error.contains("device") && error.contains("cuda:N"),
            "{error}"
        );
        assert!(Backend::parse("cuda:x").is_err());
        let cuda = Backend::parse("cuda:1");
        assert_eq!(cuda.is_ok(), Backend::GPU_BUILT);
        match cuda {
            Ok(backend) => {
                assert_eq!(backend, Backend::Cuda { ordinal: 1 });
                assert_eq!(backend.name(), "cuda:1");
            }
            Err(error) => assert!(error.to_string().contains("--features cuda"), "{error}"),
        }
    }
}
