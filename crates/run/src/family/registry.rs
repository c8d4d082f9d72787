//! The registry: every family quench runs, one line each, and the dispatch
//! from a spec file to its family.
//!
//! [`Registered`] is [`Family`] with its types erased, implemented for every
//! family by the runner's generic workflows, so that the command line, the
//! Python package (`crates/python`: run, plan, merge, report, draw) and the
//! cluster runner to come reach any family through the same few calls.

use std::path::{Path, PathBuf};

use super::{
    Family, FamilyInfo, boltzmann::BoltzmannMachines, classify::PhaseClassifiers,
    deep_network::DeepNetworks, glassy_dynamics::GlassyDynamics, hidden_manifold::HiddenManifolds,
    intrinsic_dimension::IntrinsicDimensions, inverse_ising::InverseIsing, memory::Memories,
    perceptron::Perceptrons, spin_glass::SpinGlasses, trained_network::TrainedNetworks,
};
use crate::draw::Drawn;
use crate::error::RunError;
use crate::runner::{self, Plan, RunOptions, RunOutcome};
use crate::theory::Naming;

/// Every family, one line each. Their claims are disjoint; a spec that no
/// family claims (a syntax error, an unknown model or method) is parsed by
/// the spin-glass family, whose errors name the line and key and list every
/// registered model.
pub static FAMILIES: &[&dyn Registered] = &[
    &SpinGlasses,
    &Memories,
    &Perceptrons,
    &BoltzmannMachines,
    &InverseIsing,
    &PhaseClassifiers,
    &DeepNetworks,
    &IntrinsicDimensions,
    &HiddenManifolds,
    &TrainedNetworks,
    &GlassyDynamics,
];

/// A [`Family`] with its types erased: what the workflows need.
pub trait Registered: Sync {
    /// The family's name.
    fn name(&self) -> &'static str;
    /// Models and methods, for `quench models`.
    fn describe(&self) -> FamilyInfo;
    /// Whether a spec is this family's.
    fn claims(&self, document: &toml::Table) -> bool;
    /// Validates the spec; returns the experiment's name.
    fn validate(&self, file: &str, source: &str) -> Result<String, RunError>;
    /// The units of the spec.
    fn plan(&self, file: &str, source: &str) -> Result<Plan, RunError>;
    /// Runs (all or a shard of) the spec into `options.out`.
    fn run(&self, file: &str, source: &str, options: &RunOptions) -> Result<RunOutcome, RunError>;
    /// Merges the finished shards into one results directory `out`.
    fn merge(
        &self,
        file: &str,
        source: &str,
        shards: &[PathBuf],
        out: &Path,
    ) -> Result<RunOutcome, RunError>;
    /// Re-draws the figures and `report.md` of the finished run in `out`.
    fn report(&self, file: &str, source: &str, out: &Path) -> Result<Vec<String>, RunError>;
    /// Sample `sample` of grid point `point`, as the run draws it ([`Family::draw`]).
    fn draw(
        &self,
        file: &str,
        source: &str,
        point: usize,
        sample: u64,
        naming: Naming,
    ) -> Result<Drawn, RunError>;
}

impl<F: Family> Registered for F {
    fn name(&self) -> &'static str {
        Family::name(self)
    }

    fn describe(&self) -> FamilyInfo {
        Family::describe(self)
    }

    fn claims(&self, document: &toml::Table) -> bool {
        Family::claims(self, document)
    }

    fn validate(&self, file: &str, source: &str) -> Result<String, RunError> {
        let spec = self.parse(file, source)?;
        Ok(self.header(&spec).name.to_string())
    }

    fn plan(&self, file: &str, source: &str) -> Result<Plan, RunError> {
        let spec = self.parse(file, source)?;
        runner::plan(self, &spec)
    }

    fn run(&self, file: &str, source: &str, options: &RunOptions) -> Result<RunOutcome, RunError> {
        let spec = self.parse(file, source)?;
        runner::run_family(self, &spec, options)
    }

    fn merge(
        &self,
        file: &str,
        source: &str,
        shards: &[PathBuf],
        out: &Path,
    ) -> Result<RunOutcome, RunError> {
        let spec = self.parse(file, source)?;
        runner::merge_family(self, &spec, shards, out)
    }

    fn report(&self, file: &str, source: &str, out: &Path) -> Result<Vec<String>, RunError> {
        let spec = self.parse(file, source)?;
        runner::report_family(self, &spec, out)
    }
    fn draw(
        &self,
        file: &str,
        source: &str,
        point: usize,
        sample: u64,
        naming: Naming,
    ) -> Result<Drawn, RunError> {
        let spec = self.parse(file, source)?;
        Family::draw(self, &spec, point, sample, naming)
    }
}

/// The family that runs the spec text `source`.
pub fn claiming(source: &str) -> &'static dyn Registered {
    let document = toml::from_str::<toml::Table>(source).ok();
    document
        .as_ref()
        .and_then(|document| FAMILIES.iter().find(|f| f.claims(document)))
        .copied()
        .unwrap_or(&SpinGlasses)
}

/// Every model of every family, as `"a", "b", ...` for messages.
pub fn model_names() -> String {
    let mut names: Vec<&str> = Vec::new();
    for family in FAMILIES {
        for model in family.describe().models {
            if !names.contains(&model.name) {
                names.push(model.name);
            }
        }
    }
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every gallery spec is claimed by exactly one family, so the order of
    /// the registry never decides which family runs a spec.
    #[test]
    fn every_gallery_spec_is_claimed_by_exactly_one_family() {
        let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../experiments");
        let mut count = 0;
        for entry in std::fs::read_dir(&directory).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let document: toml::Table =
                toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let claiming: Vec<&str> = FAMILIES
                .iter()
                .filter(|f| f.claims(&document))
                .map(|f| f.name())
                .collect();
            assert_eq!(claiming.len(), 1, "{}: {claiming:?}", path.display());
            count += 1;
        }
        assert!(count >= 7);
    }
}
