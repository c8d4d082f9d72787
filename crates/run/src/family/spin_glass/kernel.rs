//! Which Monte Carlo kernel runs a spec's local updates.
//!
//! ```toml
//! [algorithm]
//! kernel = "auto"          # or "scalar", "dense-f64", "dense-f32", "packed-signs", "multispin", "float-lanes"
//! word_bits = 512          # multispin only: 64, 256 or 512 (default: the widest this CPU has)
//! lane_noise = "shared"    # multispin only: "shared" or "independent"
//! ```
//!
//! `auto` (the default) picks, at every grid point, the fastest kernel that
//! samples the spec's protocol exactly ([`quench_mc::select`]): multispin
//! coding for $\pm J$ lattices swept in checkerboard order (and other graphs
//! whose samples share one graph), the float lanes for real couplings or
//! fields there, the packed-sign dense kernel for $\pm J$ SK, the `f32`
//! dense kernel for other dense samples, and the scalar reference kernel
//! for everything else (heat bath, random order, Wolff updates, samples on
//! graphs of their own). A kernel named explicitly must be valid at every
//! grid point; the error says why not and which kernels are.
//!
//! What the choice changes: every kernel is an exact Markov chain of the
//! same Boltzmann distribution (the float lanes' of the couplings rounded to
//! `f32`), but only `dense-f64` reproduces the scalar kernel's trajectory;
//! the others consume their random numbers differently, so their results
//! agree with the scalar ones within errors, not bit for bit. For a given
//! kernel the results depend neither on the thread count nor on the word
//! width or instruction set (`word_bits` changes only the speed).
//!
//! `lane_noise`: the multispin kernel runs up to 512 disorder samples at
//! once, one per bit lane. With `"shared"` the lanes of a 64-lane block
//! share one uniform per site update (each sample is still an exact chain,
//! but the thermal noises of different samples are correlated; the
//! disorder averages stay unbiased, and their sample-to-sample errors treat
//! the samples as independent); `"independent"` gives every lane its own
//! uniforms, at about a third of the speed. The float lanes (up to 512
//! samples per unit, 16 per vector) always give every lane its own
//! generator.

use quench_mc::multispin::WordWidth;
use quench_mc::{Kernel, KernelRequest, check_kernels_for};
use serde::{Deserialize, Serialize};

use super::spec::{Algorithm, GridPoint, Reporter};
use crate::error::SpecError;

/// The `kernel` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KernelChoice {
    /// The fastest valid kernel at each grid point.
    #[default]
    Auto,
    /// The scalar reference kernel.
    Scalar,
    /// Dense cached `f64` fields.
    DenseF64,
    /// Dense cached `f32` fields.
    DenseF32,
    /// Dense packed sign bits.
    PackedSigns,
    /// Multispin coding.
    Multispin,
    /// One sample per `f32` vector lane.
    FloatLanes,
}

impl KernelChoice {
    /// The value as written in spec files.
    pub fn name(self) -> &'static str {
        match self {
            KernelChoice::Auto => "auto",
            KernelChoice::Scalar => "scalar",
            KernelChoice::DenseF64 => "dense-f64",
            KernelChoice::DenseF32 => "dense-f32",
            KernelChoice::PackedSigns => "packed-signs",
            KernelChoice::Multispin => "multispin",
            KernelChoice::FloatLanes => "float-lanes",
        }
    }
}

/// The `lane_noise` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LaneNoise {
    /// One uniform per site and 64-lane block ([`quench_mc::multispin::RandomPolicy::SharedPerSite`]).
    #[default]
    Shared,
    /// Independent uniforms per lane ([`quench_mc::multispin::RandomPolicy::IndependentPerLane`]).
    Independent,
}

/// The kernel keys of `[algorithm]` as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KernelOptions {
    /// `kernel`.
    pub choice: KernelChoice,
    /// `word_bits`, if given.
    pub word_bits: Option<i64>,
    /// `lane_noise`.
    pub lane_noise: LaneNoise,
}

/// Samples run together by the multispin kernel: one unit of work, eight
/// 64-lane blocks (one AVX-512 vector). Units start at multiples of this, so
/// every 64-lane block, and with it every random stream, is the same
/// whatever the word width.
pub const MULTISPIN_UNIT: u64 = 512;

/// A short human name of a kernel, as reports and messages print it
/// (`multispin (512 bits, shared)`; [`Kernel`]'s `Display`).
pub fn kernel_name(kernel: &Kernel) -> String {
    kernel.to_string()
}

fn matches_choice(choice: KernelChoice, kernel: &Kernel) -> bool {
    choice == KernelChoice::Auto || choice.name() == kernel.name()
}

/// Resolves the kernel of every grid point from its ensemble's structure
/// (nothing is drawn), or says at which key and point the spec's choice
/// cannot run.
pub(crate) fn resolve(
    reporter: &Reporter<'_>,
    options: &KernelOptions,
    algorithm: &Algorithm,
    points: &mut [GridPoint],
    samples: u64,
) -> Result<(), SpecError> {
    let width = match options.word_bits {
        None => None,
        Some(bits) => {
            let width = match bits {
                64 => WordWidth::Bits64,
                256 => WordWidth::Bits256,
                512 => WordWidth::Bits512,
                _ => {
                    return Err(reporter.at(
                        "algorithm.word_bits",
                        format!("{bits} is not a word width"),
                        "64, 256 or 512",
                    ));
                }
            };
            if !width.is_available() {
                let available: Vec<String> = WordWidth::available()
                    .iter()
                    .map(|w| w.bits().to_string())
                    .collect();
                return Err(reporter.at(
                    "algorithm.word_bits",
                    format!("this CPU has no instructions for {bits}-bit words"),
                    format!("{} on this machine", available.join(", ")),
                ));
            }
            if !matches!(options.choice, KernelChoice::Auto | KernelChoice::Multispin) {
                return Err(reporter.at(
                    "algorithm.word_bits",
                    "word_bits applies to the multispin kernel only",
                    "no word_bits, or kernel = \"multispin\" or \"auto\"",
                ));
            }
            Some(width)
        }
    };
    let request = KernelRequest {
        rule: algorithm.rule,
        order: algorithm.order,
        cluster_updates: algorithm.wolff_updates_per_round > 0,
        independent_lanes: options.lane_noise == LaneNoise::Independent,
    };
    let key = if options.choice == KernelChoice::Auto {
        "algorithm"
    } else {
        "algorithm.kernel"
    };
    for point in points.iter_mut() {
        let structure = point.ensemble.structure();
        // Multispin lanes must share one graph: random graphs are drawn
        // afresh for every sample.
        let shared_graph = structure.shared_graph || samples == 1;
        let checks = check_kernels_for(&structure, &request);
        let mut reasons = Vec::new();
        if algorithm.sweeps_per_round == 0 && options.choice != KernelChoice::Scalar {
            // Cluster updates only: they run on the scalar kernel's chains.
            reasons.push("a round without local sweeps runs cluster updates only".to_string());
        }
        let mut valid = Vec::new();
        for (kernel, check) in checks {
            let check = match (kernel, check) {
                (kernel, _) if algorithm.sweeps_per_round == 0 && kernel != Kernel::Scalar => {
                    Err(String::new())
                }
                (Kernel::Multispin { .. } | Kernel::FloatLanes, Ok(())) if !shared_graph => {
                    Err(format!(
                        "the samples of this model are drawn on different graphs, and the lanes of the {} kernel must share one",
                        kernel.name()
                    ))
                }
                (Kernel::Multispin { width: w, .. }, Ok(())) if width.is_some_and(|x| x != w) => {
                    continue;
                }
                (_, check) => check.map_err(|e| e.to_string()),
            };
            match check {
                Ok(()) => valid.push(kernel),
                Err(reason) if !reason.is_empty() && matches_choice(options.choice, &kernel) => {
                    reasons.push(reason)
                }
                Err(_) => {}
            }
        }
        let chosen = valid
            .iter()
            .find(|k| matches_choice(options.choice, k))
            .copied();
        match chosen {
            Some(kernel) => point.kernel = kernel,
            None => {
                let mut names: Vec<&str> = valid.iter().map(Kernel::name).collect();
                names.dedup();
                let names: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
                reasons.dedup();
                return Err(reporter.at(
                    key,
                    format!(
                        "at grid point {} the {} kernel cannot run: {}",
                        point.index,
                        options.choice.name(),
                        reasons.join("; ")
                    ),
                    format!("kernel = \"auto\" or {}", names.join(", ")),
                ));
            }
        }
    }
    Ok(())
}
