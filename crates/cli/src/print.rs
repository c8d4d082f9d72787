//! What the commands print: a human table, or one JSON document with `--json`.

use std::path::Path;

use quench_run::RunOutcome;
use quench_run::exact::{Averaged, ExactEnsemble};
use quench_run::markdown::with_error;

fn json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
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
        }));
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

pub fn files(directory: &Path, files: &[String], as_json: bool) {
    if as_json {
        json(&serde_json::json!({ "directory": directory, "files": files }));
        return;
    }
    for file in files {
        println!("{}", directory.join(file).display());
    }
}

pub fn models(as_json: bool) {
    let catalogue = quench_run::models::catalogue();
    if as_json {
        json(&catalogue);
        return;
    }
    for model in &catalogue {
        let aliases = if model.aliases.is_empty() {
            String::new()
        } else {
            format!(" (also {})", model.aliases.join(", "))
        };
        println!("{}{aliases}: {}", model.name, model.description);
        println!("    {}", model.hamiltonian);
        println!("    grid size key: {}", model.size_key.name());
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
