//! `manifest.json`: what was run, by which quench, where, and for how long.

use serde::{Deserialize, Serialize};

/// The machine a run finished on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// Host name.
    pub hostname: String,
    /// CPU model as the operating system names it.
    pub cpu: String,
    /// Logical CPUs available to the process.
    pub logical_cpus: usize,
    /// Operating system and architecture.
    pub platform: String,
}

/// Time and CPU spent on a run, summed over the sessions that resumed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// When the first session started (RFC 3339).
    pub started_at: String,
    /// Wall seconds of all sessions.
    pub wall_seconds: f64,
    /// CPU seconds (user + system) of all sessions.
    pub cpu_seconds: f64,
    /// How many processes worked on the run (1 + resumptions).
    pub sessions: u32,
}

/// The manifest of a finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Experiment name.
    pub name: String,
    /// The spec file's path as given.
    pub spec_file: String,
    /// The spec file's text as run.
    pub spec: String,
    /// The spec parsed into JSON (same content as `spec`).
    pub spec_parsed: serde_json::Value,
    /// quench's version.
    pub quench_version: String,
    /// The git revision quench was built from, if known.
    pub git_revision: Option<String>,
    /// Master seed.
    pub seed: u64,
    /// Threads of the last session.
    pub threads: usize,
    /// When the run finished (RFC 3339).
    pub finished_at: String,
    /// Time spent.
    pub session: Session,
    /// Where it finished.
    pub machine: Machine,
    /// Files of the results directory, relative to it.
    pub files: Vec<String>,
}

/// The current time in RFC 3339.
pub fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// CPU seconds (user + system) used by this process so far.
pub fn process_cpu_seconds() -> f64 {
    // SAFETY: getrusage writes into the zeroed struct we pass and reads nothing else.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return f64::NAN;
        }
        let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
        seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// The git revision recorded at build time.
pub fn git_revision() -> Option<String> {
    option_env!("QUENCH_GIT_REVISION")
        .filter(|r| !r.is_empty())
        .map(str::to_string)
}

/// A description of this machine.
pub fn machine() -> Machine {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let hostname = read("/proc/sys/kernel/hostname")
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map_or_else(|| "unknown".into(), |h| h.trim().to_string());
    let cpu = read("/proc/cpuinfo")
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    Machine {
        hostname,
        cpu,
        logical_cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        platform: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
    }
}
