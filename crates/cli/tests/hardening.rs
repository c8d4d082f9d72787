//! Misuse, as a careless or unlucky user commits it: spec files that are no
//! text, resuming what is finished, two processes in one directory,
//! checkpoints moved between slots, sizes that cannot fit. Each test is named
//! after what it guards; each misuse must end in a clear refusal (exit
//! status 2, the file and what is wrong) or a correct run, never a panic or
//! an abort, and never a results directory left behind by a refused spec.

mod common;

use std::path::Path;

use common::{quench, scratch, text};

/// A spec small enough to finish in a fraction of a second.
const SMALL: &str = r#"
name = "small"
seed = 3

[model]
model = "sk"

[grid]
n = [8]

[ensemble]
samples = 3

[algorithm]
method = "parallel-tempering"
replicas = 2
equilibration_rounds = 50
measurement_rounds = 100

[temperatures]
minimum = 0.5
maximum = 1.5
count = 3
"#;

fn refused(output: &std::process::Output, expected: &[&str]) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    for piece in expected {
        assert!(stderr.contains(piece), "expected {piece:?} in {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn run_quietly(spec: Option<&Path>, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut command = quench();
    command.arg("run");
    if let Some(spec) = spec {
        command.arg(spec);
    }
    command
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn spec_that_is_a_directory_or_not_utf8_is_bad_input() {
    let work = scratch("hardening-not-text");
    let out = work.join("out");
    refused(&run_quietly(Some(&work), &out, &[]), &["is a directory"]);
    let spec = work.join("latin1.toml");
    std::fs::write(&spec, b"name = \"x\"\nseed = 1\n# caf\xe9\n").unwrap();
    refused(
        &run_quietly(Some(&spec), &out, &[]),
        &["latin1.toml:3:", "not UTF-8"],
    );
    refused(
        &run_quietly(Some(&work.join("missing.toml")), &out, &[]),
        &["missing.toml", "cannot read spec file"],
    );
    assert!(!out.exists());
    std::fs::remove_dir_all(&work).unwrap();
}

#[test]
fn resume_of_a_finished_run_needs_no_spec_file() {
    let work = scratch("hardening-finished");
    let spec = work.join("small.toml");
    std::fs::write(&spec, SMALL).unwrap();
    let out = work.join("out");
    assert!(run_quietly(Some(&spec), &out, &[]).status.success());
    let again = run_quietly(None, &out, &["--resume"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains("finished"));
    std::fs::remove_dir_all(&work).unwrap();
}
