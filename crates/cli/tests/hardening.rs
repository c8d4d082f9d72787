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

/// A run that takes a few seconds, saving its state often.
fn slow_spec() -> String {
    SMALL
        .replace("samples = 3", "samples = 4")
        .replace("n = [8]", "n = [64]")
        .replace("measurement_rounds = 100", "measurement_rounds = 200000")
        + "\n[output]\ncheckpoint_seconds = 0.05\n"
}

#[test]
fn second_process_in_one_results_directory_is_refused() {
    let work = scratch("hardening-lock");
    let spec = work.join("slow.toml");
    std::fs::write(&spec, slow_spec()).unwrap();
    let out = work.join("out");
    let mut first = quench()
        .arg("run")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .arg("--threads")
        .arg("1")
        .arg("--quiet")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while !out.join("checkpoints/session.json").exists() {
        assert!(
            start.elapsed().as_secs() < 60,
            "the first run never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let second = run_quietly(Some(&spec), &out, &["--resume"]);
    let still_running = first.try_wait().unwrap().is_none();
    first.kill().unwrap();
    first.wait().unwrap();
    if still_running {
        refused(&second, &["another quench process", "checkpoints/lock"]);
    } else {
        eprintln!("the first run finished before the second started; nothing to check");
    }
    // Once the first is gone, the lock is free: the run resumes to the end.
    let resumed = run_quietly(Some(&spec), &out, &["--resume"]);
    assert!(resumed.status.success(), "{}", text(&resumed.stderr));
    std::fs::remove_dir_all(&work).unwrap();
}

#[test]
fn resume_into_a_directory_that_is_no_run_is_refused() {
    let work = scratch("hardening-foreign");
    let spec = work.join("small.toml");
    std::fs::write(&spec, SMALL).unwrap();
    let out = work.join("mine");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.tex"), "precious").unwrap();
    refused(
        &run_quietly(Some(&spec), &out, &["--resume"]),
        &["not a quench results directory", "mine"],
    );
    let entries: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert_eq!(entries.len(), 1, "the run wrote beside the user's files");
    // An empty directory is fine.
    let empty = work.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(
        run_quietly(Some(&spec), &empty, &["--resume"])
            .status
            .success()
    );
    std::fs::remove_dir_all(&work).unwrap();
}

#[test]
fn checkpoint_copied_over_another_slot_is_refused() {
    let work = scratch("hardening-slot");
    let spec = work.join("small.toml");
    std::fs::write(&spec, SMALL).unwrap();
    let out = work.join("out");
    let shard = run_quietly(Some(&spec), &out, &["--shard", "0/1"]);
    assert!(shard.status.success(), "{}", text(&shard.stderr));
    let units = out.join("units");
    std::fs::copy(
        units.join("point-000-first-000000.unit"),
        units.join("point-000-first-000001.unit"),
    )
    .unwrap();
    // Merging reads the copied result in the wrong slot.
    refused(
        &quench()
            .arg("merge")
            .arg(&out)
            .arg("--out")
            .arg(work.join("merged"))
            .output()
            .unwrap(),
        &[
            "point-000-first-000001.unit",
            "samples 0..1",
            "samples 1..2",
        ],
    );
    assert!(!work.join("merged").exists());
    // So does resuming a run that holds it.
    std::fs::remove_file(out.join("shard.json")).unwrap();
    std::fs::create_dir_all(out.join("checkpoints")).unwrap();
    std::fs::copy(&spec, out.join("checkpoints/spec.toml")).unwrap();
    refused(
        &run_quietly(Some(&spec), &out, &["--resume", "--shard", "0/1"]),
        &["point-000-first-000001.unit", "sits where"],
    );
    std::fs::remove_dir_all(&work).unwrap();
}

/// Sizes that cannot fit were aborting the process (exit 134) during
/// validation or after the results directory was made. They are refused
/// with the estimate and the limit, before anything is allocated or created.
/// The limit is set, so the test does not depend on this machine's memory.
#[test]
fn sizes_that_cannot_fit_are_refused_before_allocation() {
    let work = scratch("hardening-memory");
    let cases = [
        ("n = [8]", "n = [1000000000]"),
        ("n = [8]", "n = [100000]"),
        ("n = [8]", "n = [30000]"),
        ("count = 3", "count = 1000000000"),
        ("samples = 3", "samples = 1000000000000"),
        ("replicas = 2", "replicas = 1000000000"),
    ];
    for (i, (from, to)) in cases.iter().enumerate() {
        let spec = work.join(format!("case-{i}.toml"));
        std::fs::write(&spec, SMALL.replace(from, to)).unwrap();
        let out = work.join(format!("out-{i}"));
        let output = quench()
            .env("QUENCH_MEMORY_LIMIT", "4GiB")
            .arg("run")
            .arg(&spec)
            .arg("--out")
            .arg(&out)
            .arg("--quiet")
            .output()
            .unwrap();
        let expected: &[&str] = if to.starts_with("count") {
            &["temperatures.count", "1..=65536"]
        } else {
            &["needs about", "QUENCH_MEMORY_LIMIT = 4GiB"]
        };
        refused(&output, expected);
        assert!(!out.exists(), "{to} left {}", out.display());
        let plan = quench()
            .env("QUENCH_MEMORY_LIMIT", "4GiB")
            .arg("plan")
            .arg(&spec)
            .output()
            .unwrap();
        refused(&plan, &[]);
    }
    let hopfield = work.join("hopfield.toml");
    std::fs::write(
        &hopfield,
        "name = \"h\"\nseed = 1\n[model]\nmodel = \"hopfield\"\n[grid]\nn = [200000]\nalpha = [0.5]\n[algorithm]\nmethod = \"retrieval\"\n[ensemble]\nsamples = 2\n",
    )
    .unwrap();
    let out = work.join("out-hopfield");
    let output = quench()
        .env("QUENCH_MEMORY_LIMIT", "4GiB")
        .arg("run")
        .arg(&hopfield)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .output()
        .unwrap();
    refused(&output, &["needs about"]);
    assert!(!out.exists());
    let exact = quench()
        .env("QUENCH_MEMORY_LIMIT", "4GiB")
        .args(["exact", "--model", "hopfield", "--n", "10", "--patterns"])
        .args([
            "100000000000",
            "--samples",
            "1",
            "--temperatures",
            "1",
            "--seed",
            "1",
        ])
        .output()
        .unwrap();
    refused(&exact, &["needs about"]);
    // The small spec fits, and "none" lifts the limit.
    let spec = work.join("small.toml");
    std::fs::write(&spec, SMALL).unwrap();
    let plan = quench()
        .env("QUENCH_MEMORY_LIMIT", "none")
        .arg("plan")
        .arg(&spec)
        .output()
        .unwrap();
    assert!(plan.status.success(), "{}", text(&plan.stderr));
    std::fs::remove_dir_all(&work).unwrap();
}

/// `[temperatures] minimum = 1e-300` ran every sample, then failed drawing
/// the replica-symmetric curve (exit 1), and `--resume` failed the same way
/// forever. Theory curves are drawn where their solvers converge.
#[test]
fn ladder_down_to_1e_300_finishes_its_run() {
    let work = scratch("hardening-tiny-temperature");
    let spec = work.join("tiny.toml");
    std::fs::write(&spec, SMALL.replace("minimum = 0.5", "minimum = 1e-300")).unwrap();
    let out = work.join("out");
    let output = run_quietly(Some(&spec), &out, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(out.join("manifest.json").exists());
    std::fs::remove_dir_all(&work).unwrap();
}

/// `quench plan SPEC | head -1` panicked with "failed printing to stdout:
/// Broken pipe"; a reader that stops early now ends the output quietly.
#[test]
fn output_into_a_closed_pipe_does_not_panic() {
    use std::io::Read;
    let work = scratch("hardening-pipe");
    let spec = work.join("many.toml");
    std::fs::write(&spec, SMALL.replace("samples = 3", "samples = 20000")).unwrap();
    let mut child = quench()
        .arg("plan")
        .arg(&spec)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe while the plan is still printing.
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    stdout.read_exact(&mut byte).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    std::fs::remove_dir_all(&work).unwrap();
}
