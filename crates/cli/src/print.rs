//! What the commands print: a human table, or one JSON document with `--json`.

use std::path::Path;

use quench_run::exact::{Averaged, ExactEnsemble};
use quench_run::family::spin_glass::markdown::with_error;
use quench_run::runner::Plan;
use quench_run::{RunError, RunOutcome};

/// The version of quench, as every `--json` document gives it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `value` as a `--json` document: its fields and `quench_version`, the
/// version of quench that wrote it. Every document is a JSON object, so a
/// consumer always finds the version at the top; a list is printed under a
/// name (`quench models --json` gives `{"families": [...]}`).
pub fn document<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, RunError> {
    let mut document =
        serde_json::to_value(value).map_err(|e| RunError::Encoding(e.to_string()))?;
    let serde_json::Value::Object(fields) = &mut document else {
        return Err(RunError::Encoding(format!(
            "a --json document must be a JSON object, not {document}"
        )));
    };
    fields.insert("quench_version".into(), VERSION.into());
    Ok(document)
}

/// The text of `value`'s `--json` [`document`], pretty-printed.
pub fn json_text<T: serde::Serialize>(value: &T) -> Result<String, RunError> {
    serde_json::to_string_pretty(&document(value)?).map_err(|e| RunError::Encoding(e.to_string()))
}

/// Prints `value` as one `--json` [`document`].
fn json<T: serde::Serialize>(value: &T) {
    match json_text(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: cannot print JSON: {e}"),
    }
}

pub fn run_outcome(outcome: &RunOutcome, as_json: bool) {
    let manifest = &outcome.manifest;
    if as_json {
        json(&serde_json::json!({
            "out": outcome.out,
            "already_complete": outcome.already_complete,
            "name": manifest.name,
            "seed": manifest.seed,
            "files": manifest.files,
            "wall_seconds": manifest.session.wall_seconds,
            "cpu_seconds": manifest.session.cpu_seconds,
            "sessions": manifest.session.sessions,
            "shard": outcome.shard,
        }));
        return;
    }
    if let Some(shard) = outcome.shard {
        println!(
            "{}: shard {}/{} {} in {:.1} s of wall time; its units are in {}. Join the shards with `quench merge DIR... --out OUT`.",
            manifest.name,
            shard.index,
            shard.count,
            if outcome.already_complete {
                "was already finished"
            } else {
                "finished"
            },
            manifest.session.wall_seconds,
            outcome.out.join("units").display()
        );
        return;
    }
    if outcome.already_complete {
        println!(
            "{} already holds the finished run {:?}; nothing to do.",
            outcome.out.display(),
            manifest.name
        );
    } else {
        println!(
            "{}: finished in {:.1} s of wall time ({:.1} CPU s, {} session(s)).",
            manifest.name,
            manifest.session.wall_seconds,
            manifest.session.cpu_seconds,
            manifest.session.sessions
        );
    }
    println!("report: {}", outcome.out.join("report.md").display());
}

pub fn exact(result: &ExactEnsemble, as_json: bool) {
    if as_json {
        json(result);
        return;
    }
    println!(
        "exact enumeration: {} spins, {} samples, seed {} (errors: sample-to-sample standard errors)",
        result.spins, result.samples, result.seed
    );
    let cell = |a: &Averaged| with_error(a.mean, a.error);
    println!(
        "{:>8}  {:>24}  {:>24}  {:>24}  {:>24}  {:>24}",
        "T", "energy per spin", "entropy per spin", "specific heat", "[<q^2>]", "Binder g"
    );
    for p in &result.temperatures {
        println!(
            "{:>8.4}  {:>24}  {:>24}  {:>24}  {:>24}  {:>24}",
            p.temperature,
            cell(&p.energy_per_spin),
            cell(&p.entropy_per_spin),
            cell(&p.specific_heat_per_spin),
            cell(&p.overlap_squared),
            cell(&p.binder_cumulant)
        );
    }
}

pub fn exact_perceptron(
    result: &quench_run::family::perceptron::exact::PerceptronExact,
    as_json: bool,
) {
    if as_json {
        json(result);
        return;
    }
    let e = &result.ensemble;
    println!(
        "exact enumeration of binary perceptrons: N = {}, P = {} (alpha = {}), {} inputs, margin {}, {} training sets, seed {} (errors: standard errors over training sets)",
        e.dimension,
        e.patterns,
        e.load(),
        e.inputs.name(),
        result.margin,
        result.samples,
        result.seed
    );
    println!(
        "solvable fraction {}, solutions per set {}",
        with_error(result.solvable.mean, result.solvable.error),
        with_error(result.solutions.mean, result.solutions.error)
    );
    let cell = |a: &Averaged| with_error(a.mean, a.error);
    let optional = |a: &Option<Averaged>| a.as_ref().map_or("-".to_string(), cell);
    println!(
        "{:>8}  {:>7}  {:>24}  {:>24}  {:>24}  {:>24}  {:>24}",
        "T",
        "sets",
        "free entropy per weight",
        "training error",
        "teacher overlap R",
        "generalisation error",
        "student overlap q"
    );
    for p in &result.temperatures {
        println!(
            "{:>8.4}  {:>7}  {:>24}  {:>24}  {:>24}  {:>24}  {:>24}",
            p.temperature,
            p.samples,
            cell(&p.free_entropy),
            cell(&p.training_error),
            optional(&p.teacher_overlap),
            optional(&p.generalization_error),
            cell(&p.student_overlap)
        );
    }
}

pub fn files(directory: &Path, files: &[String], as_json: bool) {
    if as_json {
        json(&serde_json::json!({ "directory": directory, "files": files }));
        return;
    }
    for file in files {
        println!("{}", directory.join(file).display());
    }
}

pub fn plan(plan: &Plan, as_json: bool) {
    if as_json {
        json(plan);
        return;
    }
    let total: u64 = plan.work.iter().sum();
    println!(
        "{} ({} family): {} units, {total} steps of work",
        plan.name,
        plan.family,
        plan.units.len()
    );
    println!(
        "{:>6}  {:>6}  {:>14}  {:>12}",
        "unit", "point", "samples", "work"
    );
    for (position, (unit, work)) in plan.units.iter().zip(&plan.work).enumerate() {
        println!(
            "{position:>6}  {:>6}  {:>14}  {work:>12}",
            unit.point,
            format!("{}..{}", unit.first, unit.first + unit.count)
        );
    }
}

pub fn models(as_json: bool) {
    let families: Vec<_> = quench_run::family::registry::FAMILIES
        .iter()
        .map(|f| f.describe())
        .collect();
    if as_json {
        json(&serde_json::json!({ "families": families }));
        return;
    }
    for family in &families {
        println!("== family {}: {}", family.family, family.description);
        for method in &family.methods {
            println!("  method = {:?}: {}", method.name, method.description);
        }
        println!();
        for model in &family.models {
            let aliases = if model.aliases.is_empty() {
                String::new()
            } else {
                format!(" (also {})", model.aliases.join(", "))
            };
            println!("{}{aliases}: {}", model.name, model.description);
            println!("    {}", model.hamiltonian);
            println!("    grid size key: {}", model.size_key);
            for p in &model.parameters {
                let default = p
                    .default
                    .map(|d| format!(" [default {d}]"))
                    .unwrap_or_default();
                println!("    {:<12} {}; {}{default}", p.key, p.meaning, p.allowed);
            }
            println!();
        }
    }
}
