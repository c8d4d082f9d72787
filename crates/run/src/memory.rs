//! How much memory a run needs, checked before anything is allocated or
//! created.
//!
//! Every family estimates, from its validated spec alone (nothing drawn),
//! the working memory of its largest unit, the bytes a finished unit's
//! result holds until the tables are written, and the number of units
//! ([`MemoryEstimate`]). The runner multiplies out the peak for the threads
//! that will run,
//!
//! $$ M = \min(t, U)\\, m_{\text{unit}} + U\\,(m_{\text{result}} + m_{\text{plan}}), $$
//!
//! and refuses a run whose $M$ exceeds the limit: the memory this machine
//! has available (`MemAvailable` of `/proc/meminfo`), or the limit the user
//! sets with `QUENCH_MEMORY_LIMIT` (`64GiB`, `500M`, or `none` to skip the
//! check on a machine whose memory the check does not see, such as a
//! cluster job's allocation). The estimates are upper-leaning (within a
//! small factor of what is allocated): their job is to refuse what cannot
//! fit with a message instead of an abort, not to budget to the byte.

use crate::error::RunError;

/// Bytes the plan holds per unit (the unit, its file names, its slot).
const PLAN_BYTES_PER_UNIT: f64 = 256.0;

/// What a family's spec needs, in bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemoryEstimate {
    /// Working memory of the largest unit while it runs.
    pub per_unit: f64,
    /// Memory of one finished unit's result, held until the tables are written.
    pub per_result: f64,
    /// Number of units of work.
    pub units: f64,
}

impl MemoryEstimate {
    /// The peak with `threads` units running at once.
    pub fn peak(&self, threads: usize) -> f64 {
        self.per_unit * (threads as f64).min(self.units).max(1.0)
            + self.units * (self.per_result + PLAN_BYTES_PER_UNIT)
    }
}

/// Bytes as a person reads them: `1.5 GiB`.
pub fn human(bytes: f64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} bytes")
    } else if value >= 1e4 {
        format!("{bytes:.3e} bytes")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

/// Reads a size such as `64GiB`, `64G`, `500M`, `1e9` (bytes).
pub fn parse_size(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.trim().parse().ok()?;
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0f64.powi(2),
        "g" | "gb" | "gib" => 1024.0f64.powi(3),
        "t" | "tb" | "tib" => 1024.0f64.powi(4),
        _ => return None,
    };
    (number.is_finite() && number > 0.0).then_some(number * scale)
}

/// The memory this machine has available now (`MemAvailable`), if known.
pub fn available() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix("MemAvailable:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse::<f64>().ok())
        .map(|kib| kib * 1024.0)
}

/// The limit a run must fit in: `QUENCH_MEMORY_LIMIT` if set (`none`: no
/// limit), else the available memory; `(bytes, where it comes from)`.
pub fn limit() -> Result<Option<(f64, String)>, RunError> {
    match std::env::var("QUENCH_MEMORY_LIMIT") {
        Ok(text) if text.trim().eq_ignore_ascii_case("none") => Ok(None),
        Ok(text) => parse_size(&text)
            .map(|bytes| Some((bytes, format!("QUENCH_MEMORY_LIMIT = {text}"))))
            .ok_or_else(|| {
                RunError::Input(format!(
                    "QUENCH_MEMORY_LIMIT = {text:?} is not a size; allowed: a number of bytes with an optional unit (500M, 64GiB, 2T) or \"none\""
                ))
            }),
        Err(_) => Ok(available().map(|bytes| (bytes, "the memory this machine has available".to_string()))),
    }
}

/// Refuses `estimate` on `threads` threads if it exceeds the [`limit`].
pub fn check(estimate: &MemoryEstimate, threads: usize) -> Result<(), RunError> {
    let Some((limit, source)) = limit()? else {
        return Ok(());
    };
    let peak = estimate.peak(threads);
    if peak <= limit {
        return Ok(());
    }
    Err(RunError::Input(format!(
        "this run needs about {} ({} per unit of work on {} thread{}, {} for the results of {} units), more than {} ({}); reduce the sizes, samples, temperatures or replicas, run fewer threads, or set QUENCH_MEMORY_LIMIT (e.g. 64GiB, or none) on a machine with more memory",
        human(peak),
        human(estimate.per_unit),
        threads,
        if threads == 1 { "" } else { "s" },
        human(estimate.units * (estimate.per_result + PLAN_BYTES_PER_UNIT)),
        estimate.units,
        human(limit),
        source
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_their_units() {
        assert_eq!(parse_size("500"), Some(500.0));
        assert_eq!(parse_size("2k"), Some(2048.0));
        assert_eq!(parse_size("64GiB"), Some(64.0 * 1024.0f64.powi(3)));
        assert_eq!(parse_size("1.5 T"), Some(1.5 * 1024.0f64.powi(4)));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("-3G"), None);
        assert_eq!(human(1536.0 * 1024.0 * 1024.0), "1.5 GiB");
    }

    #[test]
    fn peak_counts_running_units_and_held_results() {
        let estimate = MemoryEstimate {
            per_unit: 1000.0,
            per_result: 10.0,
            units: 3.0,
        };
        // Three units on eight threads: three run at once.
        assert_eq!(
            estimate.peak(8),
            3000.0 + 3.0 * (10.0 + PLAN_BYTES_PER_UNIT)
        );
        assert_eq!(
            estimate.peak(1),
            1000.0 + 3.0 * (10.0 + PLAN_BYTES_PER_UNIT)
        );
    }
}
