//! Checkpoints: the complete state of one disorder sample's chains, or its finished result.
//!
//! A checkpoint file is
//!
//! ```text
//! b"QUENCHCP"  magic (8 bytes)
//! version      u32, little endian
//! fingerprint  u64, little endian: identifies the run (spec text and quench version)
//! length       u64, little endian: payload bytes
//! checksum     u32, little endian: CRC-32 of the payload
//! payload      MessagePack of a `UnitState`
//! ```
//!
//! The state holds every chain's spins, energy and random stream, the
//! exchange streams and counters, and the measurement accumulators, so a
//! resumed sample continues exactly where the checkpoint left it: the final
//! results are bit for bit those of an uninterrupted run. Files are written
//! atomically; a file whose checksum or length does not match is rejected
//! with a message instead of being loaded.

use std::path::{Path, PathBuf};

use quench_core::Spin;
use quench_mc::{Measurements, SampleRun, TemperingState};
use serde::{Deserialize, Serialize};

use crate::atomic::write_atomically;
use crate::error::RunError;
use crate::sites::SiteAccumulator;

const MAGIC: &[u8; 8] = b"QUENCHCP";
const VERSION: u32 = 1;
const HEADER: usize = 8 + 4 + 8 + 8 + 4;

/// The finished result of one sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitResult {
    /// Thermal summaries and exchange statistics.
    pub run: SampleRun,
    /// Final configurations `[replica][slot][site]`, when asked for.
    pub final_spins: Option<Vec<Vec<Vec<Spin>>>>,
    /// Local magnetisations, when asked for.
    pub sites: Option<SiteAccumulator>,
}

/// The saved state of one sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum UnitState {
    /// Still running.
    Running {
        /// All chains and exchange state.
        state: Box<TemperingState>,
        /// Accumulators of the measurement phase.
        measurements: Box<Measurements>,
        /// Local magnetisations, when asked for.
        sites: Option<Box<SiteAccumulator>>,
    },
    /// Finished.
    Done(Box<UnitResult>),
}

/// A borrowed [`UnitState`] for saving (same encoding).
#[derive(Debug, Clone, Copy, Serialize)]
pub enum UnitStateRef<'a> {
    /// Still running.
    Running {
        /// All chains and exchange state.
        state: &'a TemperingState,
        /// Accumulators of the measurement phase.
        measurements: &'a Measurements,
        /// Local magnetisations, when asked for.
        sites: Option<&'a SiteAccumulator>,
    },
    /// Finished.
    Done(&'a UnitResult),
}

/// The checkpoint file of sample `sample` at grid point `point`.
pub fn unit_path(directory: &Path, point: usize, sample: u64) -> PathBuf {
    directory.join(format!("point-{point:03}-sample-{sample:06}.ckpt"))
}

/// A run's fingerprint: FNV-1a of the spec text and the quench version.
pub fn fingerprint(spec_source: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in spec_source.bytes().chain(env!("CARGO_PKG_VERSION").bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Encodes `state` with header and checksum.
pub fn encode(state: UnitStateRef<'_>, fingerprint: u64) -> Result<Vec<u8>, String> {
    let payload = rmp_serde::to_vec(&state).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(HEADER + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&fingerprint.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    Ok(bytes)
}

/// Decodes a checkpoint, checking magic, version, run fingerprint, length and checksum.
pub fn decode(bytes: &[u8], fingerprint: u64) -> Result<UnitState, String> {
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err(
            "not a quench checkpoint (bad header); delete it to recompute this sample".into(),
        );
    }
    let word = |range: std::ops::Range<usize>| -> u64 {
        let mut buffer = [0u8; 8];
        buffer[..range.len()].copy_from_slice(&bytes[range]);
        u64::from_le_bytes(buffer)
    };
    let version = word(8..12) as u32;
    if version != VERSION {
        return Err(format!(
            "checkpoint format version {version}, this quench reads version {VERSION}"
        ));
    }
    if word(12..20) != fingerprint {
        return Err("belongs to a different spec or quench version than this run".into());
    }
    let length = word(20..28) as usize;
    let checksum = word(28..32) as u32;
    let payload = &bytes[HEADER..];
    if payload.len() != length {
        return Err(format!(
            "truncated or corrupted: {} payload bytes, header says {length}; delete it to recompute this sample",
            payload.len()
        ));
    }
    if crc32fast::hash(payload) != checksum {
        return Err(
            "checksum mismatch (corrupted); delete it to recompute this sample from the start"
                .into(),
        );
    }
    rmp_serde::from_slice(payload).map_err(|e| format!("undecodable payload: {e}"))
}

/// Writes a checkpoint atomically.
pub fn save(path: &Path, state: UnitStateRef<'_>, fingerprint: u64) -> Result<(), RunError> {
    let bytes = encode(state, fingerprint).map_err(|reason| RunError::Checkpoint {
        path: path.to_path_buf(),
        reason,
    })?;
    write_atomically(path, &bytes)
}

/// Loads a checkpoint if the file exists.
pub fn load(path: &Path, fingerprint: u64) -> Result<Option<UnitState>, RunError> {
    match std::fs::read(path) {
        Ok(bytes) => decode(&bytes, fingerprint)
            .map(Some)
            .map_err(|reason| RunError::Checkpoint {
                path: path.to_path_buf(),
                reason,
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(RunError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quench_core::ModelSpec;
    use quench_mc::{LocalRule, ParallelTempering, SweepOrder, TemperatureLadder, TemperingConfig};

    fn running_state() -> (TemperingState, Measurements) {
        let sample = ModelSpec::SherringtonKirkpatrick {
            n: 8,
            couplings: Default::default(),
            field: 0.0,
        }
        .ensemble()
        .unwrap()
        .draw(1, 0)
        .unwrap();
        let ladder = TemperatureLadder::linear(0.5, 1.5, 3).unwrap();
        let config = TemperingConfig {
            ladder: ladder.clone(),
            replicas: 2,
            rule: LocalRule::Metropolis,
            order: SweepOrder::Sequential,
            sweeps_per_exchange: 1,
        };
        let tempering = ParallelTempering::new(config, &sample).unwrap();
        let mut state = tempering.initial_state(&sample, 1, 0);
        let mut measurements = Measurements::new(ladder.temperatures(), sample.n());
        for _ in 0..10 {
            tempering.step(&sample, &mut state);
            measurements.record(&sample, &state);
        }
        (state, measurements)
    }

    #[test]
    fn round_trip_is_exact() {
        let (state, measurements) = running_state();
        let mut sites = SiteAccumulator::new(state.ladders[0].chains[0].spins.len(), 3, 40);
        sites.record(&state);
        let borrowed = UnitStateRef::Running {
            state: &state,
            measurements: &measurements,
            sites: Some(&sites),
        };
        let bytes = encode(borrowed, 42).unwrap();
        let owned = UnitState::Running {
            state: Box::new(state),
            measurements: Box::new(measurements),
            sites: Some(Box::new(sites)),
        };
        assert_eq!(decode(&bytes, 42).unwrap(), owned);
    }

    #[test]
    fn corruption_and_foreign_runs_are_rejected() {
        let (state, measurements) = running_state();
        let borrowed = UnitStateRef::Running {
            state: &state,
            measurements: &measurements,
            sites: None,
        };
        let bytes = encode(borrowed, 42).unwrap();
        let mut flipped = bytes.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0x10;
        assert!(decode(&flipped, 42).unwrap_err().contains("checksum"));
        assert!(
            decode(&bytes[..bytes.len() - 5], 42)
                .unwrap_err()
                .contains("truncated")
        );
        assert!(decode(&bytes, 43).unwrap_err().contains("different spec"));
        assert!(decode(b"garbage", 42).unwrap_err().contains("header"));
    }
}
