//! Helpers shared by the end-to-end tests: the `quench` binary as a
//! process, scratch directories, runs killed with SIGKILL and resumed.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The `quench` binary under test.
pub fn quench() -> Command {
    Command::new(env!("CARGO_BIN_EXE_quench"))
}

/// A fresh scratch directory for test `name`.
pub fn scratch(name: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!("quench-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

/// Lossy UTF-8 of process output.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `quench run SPEC --out OUT --threads N --quiet [--resume]`, not started.
fn run_command(spec: &Path, out: &Path, threads: u32, resume: bool) -> Command {
    let mut command = quench();
    command
        .arg("run")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .arg("--threads")
        .arg(threads.to_string())
        .arg("--quiet");
    if resume {
        command.arg("--resume");
    }
    command
}

/// `quench run SPEC --out OUT --threads N --quiet [--resume]`, to the end.
pub fn run(spec: &Path, out: &Path, threads: u32, resume: bool) -> Output {
    run_command(spec, out, threads, resume).output().unwrap()
}

/// Writes `spec_text` to `work/spec.toml` and runs it to the end in
/// `work/reference` on two threads; returns the spec's path and the wall
/// time (the time scale of the kill-and-resume search).
pub fn reference_run(work: &Path, spec_text: &str) -> (PathBuf, Duration) {
    let spec = work.join("spec.toml");
    std::fs::write(&spec, spec_text).unwrap();
    let start = Instant::now();
    let output = run(&spec, &work.join("reference"), 2, false);
    let duration = start.elapsed();
    assert!(output.status.success(), "{}", text(&output.stderr));
    (spec, duration)
}

/// A pseudo-random fraction in [0, 1) that differs from run to run (printed for reproduction).
pub fn kill_fraction(salt: u64) -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    let mut x = nanos ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    (x % 10_000) as f64 / 10_000.0
}

/// Starts a run, kills it with SIGKILL after `delay`; returns whether it was still running.
pub fn run_and_kill(spec: &Path, out: &Path, threads: u32, delay: Duration) -> bool {
    let mut child = run_command(spec, out, threads, true)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < delay {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix: no chance to clean up
    child.wait().unwrap();
    true
}

/// Whether some checkpoint in `directory` holds a running (unfinished)
/// unit: running states are `.ckpt` files, removed when their unit
/// finishes (finished units are `.unit` files in `units/`).
pub fn any_running_checkpoint(directory: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return false;
    };
    entries
        .flatten()
        .any(|entry| entry.path().extension().is_some_and(|e| e == "ckpt"))
}

/// Where a SIGKILL landed in a run's life, read from what it left on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KillLanding {
    /// The run exited on its own before the kill.
    Finished,
    /// No sample had saved a running state or a result yet: start-up.
    BeforeAnySample,
    /// Some sample had a running state (`checkpoints/*.ckpt`) on disk.
    MidSample,
    /// No running state, but finished units: between units, or past them all.
    AfterSamples,
}

/// Whether `directory` holds any finished unit (`units/*.unit`).
fn any_finished_unit(directory: &Path) -> bool {
    std::fs::read_dir(directory.join("units"))
        .map(|entries| entries.flatten().next().is_some())
        .unwrap_or(false)
}

/// Starts (or resumes) a run in `out`, kills it after `delay` and says where the kill landed.
pub fn kill_and_classify(spec: &Path, out: &Path, delay: Duration) -> KillLanding {
    if !run_and_kill(spec, out, 2, delay) {
        return KillLanding::Finished;
    }
    landing_after_kill(out)
}

/// Where a kill landed, from what the killed run left in `out`. The
/// manifest is the last thing a run writes: a kill between that write and
/// the process's exit found the run finished (a short resumed run on a
/// loaded machine can be caught there).
pub fn landing_after_kill(out: &Path) -> KillLanding {
    if out.join("manifest.json").exists() {
        KillLanding::Finished
    } else if any_running_checkpoint(&out.join("checkpoints")) {
        KillLanding::MidSample
    } else if any_finished_unit(out) {
        KillLanding::AfterSamples
    } else {
        KillLanding::BeforeAnySample
    }
}

/// Kills runs of `spec` in `interrupted` at random moments until `kills`
/// kills have landed while samples were mid-run, then resumes it to the
/// end; returns the kills that landed mid-run.
///
/// `duration` is an uninterrupted run's wall time, but the machine's load
/// changes while tests run beside each other, so the delay scale adapts to
/// where each kill lands: a kill during start-up lengthens it, a kill after
/// the samples (or a run that finished first) shortens it and, when no kill
/// has landed mid-run yet, starts the directory again from nothing. Once a
/// kill has landed mid-run, a run that gets past its samples ends the
/// search: the resume from that kill is what the caller checks. At most 48
/// tries; a caller asserts on the count returned.
pub fn interrupt_and_resume(
    spec: &Path,
    interrupted: &Path,
    duration: Duration,
    kills: usize,
) -> usize {
    let mut mid_run_kills = 0;
    let mut scale = duration;
    for salt in 0..48 {
        if mid_run_kills == kills {
            break;
        }
        let fraction = 0.05 + 0.8 * kill_fraction(salt);
        let delay = scale.mul_f64(fraction);
        let landing = kill_and_classify(spec, interrupted, delay);
        eprintln!("kill after {delay:?} ({fraction:.3} of the scale): {landing:?}");
        match landing {
            KillLanding::MidSample => mid_run_kills += 1,
            KillLanding::BeforeAnySample => scale = scale.mul_f64(1.5),
            KillLanding::Finished | KillLanding::AfterSamples if mid_run_kills > 0 => {
                if landing == KillLanding::Finished {
                    return mid_run_kills;
                }
                break;
            }
            KillLanding::Finished | KillLanding::AfterSamples => {
                std::fs::remove_dir_all(interrupted).unwrap();
                scale = scale.mul_f64(0.6);
            }
        }
    }
    let output = run(spec, interrupted, 2, true);
    assert!(output.status.success(), "{}", text(&output.stderr));
    mid_run_kills
}

/// Asserts that every table in `tables` is byte for byte the same in `a` and `b`.
pub fn assert_same_tables(a: &Path, b: &Path, tables: &[&str]) {
    for table in tables {
        let (x, y) = (
            std::fs::read(a.join(table)).unwrap(),
            std::fs::read(b.join(table)).unwrap(),
        );
        assert!(
            x == y,
            "{table} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}
