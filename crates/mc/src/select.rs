//! Which kernel can run a sample's local updates, and which is fastest.
//!
//! A run knows its sample (drawn from the spec's ensemble) and its update
//! protocol (rule, order, cluster updates). [`check_kernels`] says, for every
//! [`Kernel`], whether it is valid for them and if not why;
//! [`valid_kernels`] lists the valid ones, fastest first, and
//! [`fastest_valid`] picks the first.
//!
//! "Valid" means: the kernel samples the same Boltzmann distribution with the
//! requested rule and sweeps the sites in the requested order. It does not
//! mean the same trajectory: only [`Kernel::DenseF64`] reproduces the scalar
//! sampler's chain bit for bit (with the same streams); the others draw their
//! random numbers differently.
//!
//! | kernel | samples | rule, order | notes |
//! |---|---|---|---|
//! | [`Kernel::Scalar`] | any | any, Wolff updates too | [`crate::ParallelTempering`] |
//! | [`Kernel::PackedSigns`] | dense, couplings $\pm|J|$, no field | Metropolis, sequential | [`crate::DenseTempering`], exact integer fields |
//! | [`Kernel::DenseF32`] | dense | Metropolis, sequential | `f32` fields, refreshed |
//! | [`Kernel::DenseF64`] | dense | Metropolis, sequential | the scalar trajectory |
//! | [`Kernel::Multispin`] | sparse, regular of degree 2 to 8, couplings $\pm|J|$, no field | Metropolis; checkerboard on two-colourable graphs, else sequential | [`crate::MultispinTempering`], one sample per lane |
//! | [`Kernel::FloatLanes`] | sparse, any real couplings and fields, degree up to 32 | Metropolis; checkerboard on two-colourable graphs, else sequential | [`crate::FloatLaneTempering`], one sample per `f32` lane, independent thermal noise |
//!
//! The multispin kernel runs up to `width` samples at once, one per bit
//! lane, and all lanes must share the graph: samples of one lattice size
//! do; random-graph samples each have their own graph (run them one layout
//! per sample, or draw couplings on one graph with
//! [`crate::multispin::shared_graph_samples`]). Its throughput is per lane,
//! so it is fastest with full words (64, 256 or 512 samples per layout).
//! Under [`RandomPolicy::SharedPerSite`] the lanes of a 64-lane block share
//! their uniforms (each lane is an exact chain, but the lanes' thermal noises
//! are correlated); a run whose statistics treat samples as independent in
//! their thermal noise should ask for [`KernelRequest::independent_lanes`].

use quench_core::{Sample, Structure};
use serde::{Deserialize, Serialize};

use crate::error::SamplerError;
use crate::local::{LocalRule, SweepOrder};
use crate::multispin::{RandomPolicy, WordWidth};

/// A Monte Carlo kernel for local (single-spin) updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kernel {
    /// The scalar reference sampler ([`crate::SingleSpinSampler`] in
    /// [`crate::ParallelTempering`]).
    Scalar,
    /// Dense cached `f64` fields ([`crate::DensePrecision::F64`]).
    DenseF64,
    /// Dense cached `f32` fields ([`crate::DensePrecision::F32`]).
    DenseF32,
    /// Dense packed sign bits, fields by population count
    /// ([`crate::DensePrecision::PackedSigns`]).
    PackedSigns,
    /// Multispin coding ([`crate::MultispinTempering`]).
    Multispin {
        /// Word width.
        width: WordWidth,
        /// Random-number policy.
        policy: RandomPolicy,
    },
    /// One sample per `f32` vector lane, real couplings
    /// ([`crate::FloatLaneTempering`]).
    FloatLanes,
}

impl Kernel {
    /// The kernel's name as a spec's `kernel = "..."` writes it (every
    /// multispin width and policy is `"multispin"`).
    pub fn name(&self) -> &'static str {
        match self {
            Kernel::Scalar => "scalar",
            Kernel::DenseF64 => "dense-f64",
            Kernel::DenseF32 => "dense-f32",
            Kernel::PackedSigns => "packed-signs",
            Kernel::Multispin { .. } => "multispin",
            Kernel::FloatLanes => "float-lanes",
        }
    }
}

/// The name with the multispin width and policy, as reports print it:
/// `multispin (512 bits, shared)`.
impl std::fmt::Display for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Kernel::Multispin { width, policy } => write!(
                f,
                "multispin ({} bits, {})",
                width.bits(),
                match policy {
                    RandomPolicy::SharedPerSite => "shared",
                    RandomPolicy::IndependentPerLane => "independent",
                }
            ),
            other => f.write_str(other.name()),
        }
    }
}

/// What a run asks of its local updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelRequest {
    /// Acceptance rule.
    pub rule: LocalRule,
    /// Sweep order.
    pub order: SweepOrder,
    /// Whether cluster (Wolff) updates run between sweeps; only the scalar
    /// kernel's chains support them.
    pub cluster_updates: bool,
    /// Whether samples run together must have independent thermal noise
    /// (excludes [`RandomPolicy::SharedPerSite`]).
    pub independent_lanes: bool,
}

impl KernelRequest {
    /// Metropolis in `order`, no cluster updates, lanes allowed to share
    /// random numbers.
    pub fn metropolis(order: SweepOrder) -> Self {
        Self {
            rule: LocalRule::Metropolis,
            order,
            cluster_updates: false,
            independent_lanes: false,
        }
    }
}

/// Every kernel (fastest first) with `Ok(())` if it is valid for `sample`
/// and `request` on this CPU, else the reason it is not.
pub fn check_kernels(
    sample: &Sample,
    request: &KernelRequest,
) -> Vec<(Kernel, Result<(), SamplerError>)> {
    check_kernels_for(&sample.structure(), request)
}

/// [`check_kernels`] for every sample of a [`Structure`] (an ensemble's,
/// known without drawing: [`quench_core::Ensemble::structure`]). Whether the
/// multispin lanes can share a graph is the caller's to check
/// ([`Structure::shared_graph`]).
pub fn check_kernels_for(
    structure: &Structure,
    request: &KernelRequest,
) -> Vec<(Kernel, Result<(), SamplerError>)> {
    let mut kernels = Vec::new();
    let not =
        |sampler: &'static str, reason: String| SamplerError::NotApplicable { sampler, reason };
    // The protocol's demands shared by every fast kernel.
    let fast = |name: &'static str, order: SweepOrder| -> Result<(), SamplerError> {
        if request.rule != LocalRule::Metropolis {
            return Err(not(
                name,
                format!(
                    "it runs Metropolis, the spec asks for {:?}; use the scalar kernel",
                    request.rule
                ),
            ));
        }
        if request.cluster_updates {
            return Err(not(
                name,
                "cluster updates run on the scalar kernel's chains; use the scalar kernel".into(),
            ));
        }
        if request.order != order {
            return Err(not(
                name,
                format!(
                    "it sweeps in {order:?} order on this sample, the spec asks for {:?}",
                    request.order
                ),
            ));
        }
        Ok(())
    };
    // Multispin, widest words first, shared policy first.
    let multispin_order = if structure.two_colourable {
        SweepOrder::Checkerboard
    } else {
        SweepOrder::Sequential
    };
    let layout = multispin_layout(structure);
    for policy in [
        RandomPolicy::SharedPerSite,
        RandomPolicy::IndependentPerLane,
    ] {
        for width in [WordWidth::Bits512, WordWidth::Bits256, WordWidth::Bits64] {
            let valid = layout
                .clone()
                .and_then(|()| width.checked().map(|_| ()))
                .and_then(|()| fast("the multispin kernel", multispin_order))
                .and_then(|()| {
                    if request.independent_lanes && policy == RandomPolicy::SharedPerSite {
                        Err(not("the shared-random multispin kernel", "the spec asks for independent thermal noise per sample; use the independent policy".into()))
                    } else {
                        Ok(())
                    }
                });
            kernels.push((Kernel::Multispin { width, policy }, valid));
        }
    }
    kernels.push((
        Kernel::FloatLanes,
        float_lanes(structure).and_then(|()| fast("the float-lane kernel", multispin_order)),
    ));
    // Dense, fastest first.
    let dense = || -> Result<(), SamplerError> {
        if !structure.dense {
            return Err(not(
                "the dense kernel",
                "the couplings are sparse; use the multispin or the scalar kernel".into(),
            ));
        }
        fast("the dense kernel", SweepOrder::Sequential)
    };
    kernels.push((
        Kernel::PackedSigns,
        dense().and_then(|()| packed_signs(structure)),
    ));
    kernels.push((Kernel::DenseF32, dense()));
    kernels.push((Kernel::DenseF64, dense()));
    kernels.push((Kernel::Scalar, Ok(())));
    kernels
}

/// Whether a dense sample has couplings $\pm|J|$ of one magnitude and no field.
fn packed_signs(structure: &Structure) -> Result<(), SamplerError> {
    let not = |reason: String| SamplerError::NotApplicable {
        sampler: "the packed-sign dense kernel",
        reason,
    };
    if structure.field {
        return Err(not(
            "the sample has a field; use DenseF32 or DenseF64".into()
        ));
    }
    if !structure.uniform_magnitude {
        return Err(not(
            "it needs ±J couplings of one magnitude (use DenseF32 or DenseF64)".into(),
        ));
    }
    Ok(())
}

/// Whether one sample of `structure` can be laid out for multispin coding
/// (what [`crate::multispin::MultispinLayout::new`] checks of a single sample).
fn multispin_layout(structure: &Structure) -> Result<(), SamplerError> {
    let not = |reason: &str| SamplerError::NotApplicable {
        sampler: "the multispin kernel",
        reason: reason.to_string(),
    };
    if structure.dense {
        return Err(not(
            "the couplings are dense; use the dense kernel (quench_mc::dense) for complete graphs",
        ));
    }
    if !structure
        .regular_degree
        .is_some_and(|d| (2..=8).contains(&d))
    {
        return Err(not(
            "the graph is not regular with a degree from 2 to 8; use the scalar sampler",
        ));
    }
    if !structure.uniform_magnitude {
        return Err(not("multispin coding needs ±J couplings of one magnitude"));
    }
    if structure.field {
        return Err(not("the sample has a field; multispin coding needs h = 0"));
    }
    Ok(())
}

/// Whether every sample of `structure` can be laid out in float lanes
/// ([`crate::FloatLaneLayout::from_draws`] also takes irregular graphs,
/// which a structure cannot bound).
fn float_lanes(structure: &Structure) -> Result<(), SamplerError> {
    let not = |reason: &str| SamplerError::NotApplicable {
        sampler: "the float-lane kernel",
        reason: reason.to_string(),
    };
    if structure.dense {
        return Err(not(
            "the couplings are dense; use the dense kernel (quench_mc::dense) for complete graphs",
        ));
    }
    // Irregular graphs are laid out too (padded slots), but only a regular
    // degree bounds every sample's slots before drawing.
    let slots = structure
        .regular_degree
        .map(|d| d + usize::from(structure.field));
    if slots.is_none_or(|s| s > crate::float_lanes::MAX_SLOTS) {
        return Err(not(
            "the graph is not regular with at most 32 neighbours and field per site; use the scalar sampler",
        ));
    }
    Ok(())
}

/// The kernels valid for `sample` and `request` on this CPU, fastest first
/// (never empty: the scalar kernel is always valid).
pub fn valid_kernels(sample: &Sample, request: &KernelRequest) -> Vec<Kernel> {
    check_kernels(sample, request)
        .into_iter()
        .filter_map(|(kernel, valid)| valid.is_ok().then_some(kernel))
        .collect()
}

/// The fastest kernel valid for `sample` and `request` on this CPU.
pub fn fastest_valid(sample: &Sample, request: &KernelRequest) -> Kernel {
    valid_kernels(sample, request)
        .first()
        .copied()
        .unwrap_or(Kernel::Scalar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quench_core::{CouplingDistribution, ModelSpec};

    fn draw(spec: ModelSpec) -> Sample {
        spec.ensemble().unwrap().draw(1, 0).unwrap()
    }

    fn ea(couplings: CouplingDistribution, field: f64) -> Sample {
        draw(ModelSpec::EdwardsAnderson {
            dimension: 3,
            length: 4,
            couplings,
            field,
        })
    }

    fn sk(couplings: CouplingDistribution, field: f64) -> Sample {
        draw(ModelSpec::SherringtonKirkpatrick {
            n: 12,
            couplings,
            field,
        })
    }

    #[test]
    fn lattices_get_multispin_in_checkerboard_order_only() {
        let sample = ea(CouplingDistribution::PlusMinusOne, 0.0);
        let checkerboard = KernelRequest::metropolis(SweepOrder::Checkerboard);
        assert_eq!(
            fastest_valid(&sample, &checkerboard),
            Kernel::Multispin {
                width: WordWidth::widest(),
                policy: RandomPolicy::SharedPerSite
            }
        );
        let independent = KernelRequest {
            independent_lanes: true,
            ..checkerboard
        };
        assert_eq!(
            fastest_valid(&sample, &independent),
            Kernel::Multispin {
                width: WordWidth::widest(),
                policy: RandomPolicy::IndependentPerLane
            }
        );
        for request in [
            KernelRequest::metropolis(SweepOrder::Sequential),
            KernelRequest::metropolis(SweepOrder::Random),
            KernelRequest {
                rule: LocalRule::HeatBath,
                ..checkerboard
            },
            KernelRequest {
                cluster_updates: true,
                ..checkerboard
            },
        ] {
            assert_eq!(valid_kernels(&sample, &request), vec![Kernel::Scalar]);
        }
        // Float lanes need regular graphs (every sample's slots bounded).
        let er = draw(ModelSpec::ErdosRenyi {
            n: 30,
            mean_degree: 3.0,
            couplings: CouplingDistribution::Gaussian,
            field: 0.0,
        });
        assert_eq!(
            valid_kernels(&er, &KernelRequest::metropolis(SweepOrder::Sequential)),
            vec![Kernel::Scalar]
        );
        // Gaussian couplings or a field rule multispin out, with a reason;
        // the float lanes take them.
        for sample in [
            ea(CouplingDistribution::Gaussian, 0.0),
            ea(CouplingDistribution::PlusMinusOne, 0.5),
        ] {
            assert_eq!(
                valid_kernels(&sample, &checkerboard),
                vec![Kernel::FloatLanes, Kernel::Scalar]
            );
            let checks = check_kernels(&sample, &checkerboard);
            assert!(
                checks[0]
                    .1
                    .as_ref()
                    .unwrap_err()
                    .to_string()
                    .contains("multispin")
            );
        }
    }

    #[test]
    fn dense_samples_get_the_dense_kernels_in_sequential_order() {
        let sequential = KernelRequest::metropolis(SweepOrder::Sequential);
        let signs = sk(CouplingDistribution::PlusMinusOne, 0.0);
        assert_eq!(
            valid_kernels(&signs, &sequential),
            vec![
                Kernel::PackedSigns,
                Kernel::DenseF32,
                Kernel::DenseF64,
                Kernel::Scalar
            ]
        );
        let gaussian = sk(CouplingDistribution::Gaussian, 0.3);
        assert_eq!(
            valid_kernels(&gaussian, &sequential),
            vec![Kernel::DenseF32, Kernel::DenseF64, Kernel::Scalar]
        );
        assert_eq!(
            valid_kernels(&gaussian, &KernelRequest::metropolis(SweepOrder::Random)),
            vec![Kernel::Scalar]
        );
        // Every kernel the check calls valid can be built.
        for (kernel, valid) in check_kernels(&signs, &sequential) {
            if valid.is_ok() {
                let precision = match kernel {
                    Kernel::PackedSigns => crate::DensePrecision::PackedSigns,
                    Kernel::DenseF32 => crate::DensePrecision::F32,
                    Kernel::DenseF64 => crate::DensePrecision::F64,
                    _ => continue,
                };
                crate::dense::DenseCouplings::new(&signs, precision).unwrap();
            }
        }
    }

    /// The checks from a sample's structure agree with what the kernels
    /// themselves accept when built on the sample.
    #[test]
    fn structure_checks_agree_with_the_kernels() {
        use crate::multispin::MultispinLayout;
        use CouplingDistribution::{Gaussian, PlusMinusOne};
        let models = [
            ModelSpec::SherringtonKirkpatrick {
                n: 9,
                couplings: Gaussian,
                field: 0.0,
            },
            ModelSpec::SherringtonKirkpatrick {
                n: 9,
                couplings: PlusMinusOne,
                field: 0.0,
            },
            ModelSpec::SherringtonKirkpatrick {
                n: 9,
                couplings: PlusMinusOne,
                field: 0.3,
            },
            ModelSpec::Hopfield {
                n: 10,
                patterns: 1,
                field: 0.0,
            },
            ModelSpec::Hopfield {
                n: 10,
                patterns: 3,
                field: 0.0,
            },
            ModelSpec::EdwardsAnderson {
                dimension: 2,
                length: 4,
                couplings: PlusMinusOne,
                field: 0.0,
            },
            ModelSpec::EdwardsAnderson {
                dimension: 2,
                length: 4,
                couplings: Gaussian,
                field: 0.0,
            },
            ModelSpec::EdwardsAnderson {
                dimension: 3,
                length: 3,
                couplings: PlusMinusOne,
                field: 0.0,
            },
            ModelSpec::EdwardsAnderson {
                dimension: 2,
                length: 4,
                couplings: PlusMinusOne,
                field: 0.5,
            },
            ModelSpec::Ferromagnet {
                dimension: 4,
                length: 2,
                field: 0.0,
            },
            ModelSpec::Ferromagnet {
                dimension: 1,
                length: 5,
                field: 0.0,
            },
            ModelSpec::RandomRegular {
                n: 12,
                degree: 3,
                couplings: PlusMinusOne,
                field: 0.0,
            },
            ModelSpec::RandomRegular {
                n: 12,
                degree: 9,
                couplings: PlusMinusOne,
                field: 0.0,
            },
            ModelSpec::ErdosRenyi {
                n: 30,
                mean_degree: 3.0,
                couplings: PlusMinusOne,
                field: 0.0,
            },
        ];
        for model in models {
            let sample = draw(model.clone());
            let structure = sample.structure();
            assert_eq!(
                multispin_layout(&structure).is_ok(),
                MultispinLayout::new(std::slice::from_ref(&sample)).is_ok(),
                "{model:?}"
            );
            if float_lanes(&structure).is_ok() {
                let layout = crate::FloatLaneLayout::new(std::slice::from_ref(&sample));
                assert!(layout.is_ok(), "{model:?}: {layout:?}");
            }
            if sample.is_dense() {
                assert_eq!(
                    packed_signs(&structure).is_ok(),
                    crate::dense::DenseCouplings::new(&sample, crate::DensePrecision::PackedSigns)
                        .is_ok(),
                    "{model:?}"
                );
            }
        }
    }
}
