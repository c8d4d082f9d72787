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

/// Kills runs of `spec` in `interrupted` at random moments until `kills`
/// kills have landed while samples were mid-run (at most 16 tries; a run
/// that finishes, or finishes its samples, before the kill is started again
/// from nothing, with shorter delays), then resumes it to
/// the end. `duration` is an uninterrupted run's wall time. Returns the
/// kills that landed mid-run.
pub fn interrupt_and_resume(
    spec: &Path,
    interrupted: &Path,
    duration: Duration,
    kills: usize,
) -> usize {
    let mut mid_run_kills = 0;
    // The machine may be less loaded now than when `duration` was measured:
    // every run that finishes before its kill halves the time scale.
    let mut scale = duration;
    for salt in 0..16 {
        if mid_run_kills == kills {
            break;
        }
        let fraction = 0.05 + 0.8 * kill_fraction(salt);
        let delay = scale.mul_f64(fraction);
        if !run_and_kill(spec, interrupted, 2, delay) {
            std::fs::remove_dir_all(interrupted).unwrap();
            mid_run_kills = 0;
            scale /= 2;
            continue;
        }
        assert!(interrupted.join("checkpoints/spec.toml").exists());
        assert!(!interrupted.join("manifest.json").exists());
        if any_running_checkpoint(&interrupted.join("checkpoints")) {
            eprintln!("killed mid-run after {delay:?} ({fraction:.3} of an uninterrupted run)");
            mid_run_kills += 1;
        } else if mid_run_kills == 0 {
            // Killed while writing the report: every sample is done, so no
            // later kill of this directory can land mid-run. Start again, sooner.
            std::fs::remove_dir_all(interrupted).unwrap();
            scale /= 2;
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
