//! Checkpoints: the running state of one unit of work, or its finished result.
//!
//! A checkpoint file is
//!
//! ```text
//! b"QUENCHCP"  magic (8 bytes)
//! version      u32, little endian
//! length       u64, little endian: payload bytes
//! checksum     u32, little endian: CRC-32 of the payload
//! payload      MessagePack of the binding: the run's fingerprint (spec
//!              text, quench version, format version) and the slot (family,
//!              running or finished, grid point, first sample, sample count),
//!              then MessagePack of the family's running state of the unit
//!              (checkpoints/*.ckpt) or of its finished result (units/*.unit)
//! ```
//!
//! A running state holds everything the unit needs to go on (for a spin
//! glass: every chain's spins, energy and random stream, the exchange
//! streams and counters, and the measurement accumulators), so a resumed
//! unit continues exactly where the checkpoint left it: the final results
//! are bit for bit those of an uninterrupted run. MessagePack keeps every
//! `f64` exactly, so results merged from shards are those of one run. Files are written
//! atomically. A file whose checksum or length does not match, that belongs
//! to another run, or that sits in another unit's slot (copied or moved by
//! hand) is refused with a message instead of being loaded.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::atomic::write_atomically;
use crate::error::RunError;
use crate::family::Unit;

const MAGIC: &[u8; 8] = b"QUENCHCP";
/// Version 4: the binding (fingerprint and slot) inside the checksummed
/// payload. Version 3: one file per unit of work (a sample, or a multispin
/// block), running states and finished results in separate files.
const VERSION: u32 = 4;
const HEADER: usize = 8 + 4 + 8 + 4;

/// A run's fingerprint: FNV-1a of the spec text, the quench version and the
/// checkpoint format version.
pub fn fingerprint(spec_source: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let version = VERSION.to_le_bytes();
    for &byte in spec_source
        .as_bytes()
        .iter()
        .chain(env!("CARGO_PKG_VERSION").as_bytes())
        .chain(&version)
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Which file of a unit a checkpoint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    /// The running state (`checkpoints/*.ckpt`).
    Running,
    /// The finished result (`units/*.unit`).
    Finished,
}

/// What a checkpoint belongs to: one run and one slot in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// The run's [`fingerprint`].
    pub fingerprint: u64,
    /// The family's name.
    pub family: String,
    /// Running state or finished result.
    pub stage: Stage,
    /// The unit.
    pub unit: Unit,
}

impl Binding {
    /// The binding of `unit`'s file at `stage` in the run of `spec_source` by `family`.
    pub fn new(spec_source: &str, family: &str, stage: Stage, unit: Unit) -> Self {
        Self {
            fingerprint: fingerprint(spec_source),
            family: family.to_string(),
            stage,
            unit,
        }
    }

    fn describe(&self) -> String {
        format!(
            "the {} of the {} unit at grid point {}, samples {}..{}",
            match self.stage {
                Stage::Running => "running state",
                Stage::Finished => "finished result",
            },
            self.family,
            self.unit.point,
            self.unit.first,
            self.unit.first + self.unit.count
        )
    }
}

/// Encodes `state` with its binding, header and checksum.
pub fn encode<T: Serialize>(state: &T, binding: &Binding) -> Result<Vec<u8>, String> {
    let mut payload = rmp_serde::to_vec(binding).map_err(|e| e.to_string())?;
    rmp_serde::encode::write(&mut payload, state).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(HEADER + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    Ok(bytes)
}

/// Decodes a checkpoint, checking magic, version, length, checksum, and
/// that it belongs to `binding`'s run and slot.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], binding: &Binding) -> Result<T, String> {
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err(
            "not a quench checkpoint (bad header); delete it to recompute this unit".into(),
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
            "checkpoint format version {version}, this quench reads version {VERSION}; finish the run with the quench that started it, or delete the file to recompute this unit"
        ));
    }
    let length = word(12..20) as usize;
    let checksum = word(20..24) as u32;
    let payload = &bytes[HEADER..];
    if payload.len() != length {
        return Err(format!(
            "truncated or corrupted: {} payload bytes, header says {length}; delete it to recompute this unit",
            payload.len()
        ));
    }
    if crc32fast::hash(payload) != checksum {
        return Err(
            "checksum mismatch (corrupted); delete it to recompute this unit from the start".into(),
        );
    }
    let mut reader = payload;
    let found: Binding = rmp_serde::decode::from_read(&mut reader)
        .map_err(|e| format!("undecodable binding: {e}"))?;
    if found.fingerprint != binding.fingerprint {
        return Err(
            "belongs to a different spec or quench version than this run; delete it to recompute this unit"
                .into(),
        );
    }
    if found != *binding {
        return Err(format!(
            "holds {}, but sits where {} belongs (copied or moved by hand?); delete it to recompute this unit",
            found.describe(),
            binding.describe()
        ));
    }
    rmp_serde::decode::from_read(&mut reader).map_err(|e| format!("undecodable payload: {e}"))
}

/// Writes a checkpoint atomically.
pub fn save<T: Serialize>(path: &Path, state: &T, binding: &Binding) -> Result<(), RunError> {
    let bytes = encode(state, binding).map_err(|reason| RunError::Checkpoint {
        path: path.to_path_buf(),
        reason,
    })?;
    write_atomically(path, &bytes)
}

/// Loads a checkpoint if the file exists.
pub fn load<T: DeserializeOwned>(path: &Path, binding: &Binding) -> Result<Option<T>, RunError> {
    match std::fs::read(path) {
        Ok(bytes) => decode(&bytes, binding)
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
    use crate::family::spin_glass::multispin::BlockState;
    use crate::family::spin_glass::protocol::EngineState;
    use crate::family::spin_glass::sites::SiteAccumulator;
    use crate::family::spin_glass::{SampleState, SampleStateRef};
    use quench_core::ModelSpec;
    use quench_mc::Measurements;
    use quench_mc::{
        DenseConfig, DensePrecision, DenseTempering, LocalRule, MultispinConfig,
        MultispinTempering, ParallelTempering, RandomPolicy, SweepOrder, TemperatureLadder,
        TemperingConfig, TemperingState, WordWidth,
    };

    fn binding(fingerprint: u64) -> Binding {
        Binding {
            fingerprint,
            family: "spin-glass".into(),
            stage: Stage::Running,
            unit: Unit::sample(0, 0),
        }
    }

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
        let state = EngineState::Scalar(state);
        let borrowed = SampleStateRef {
            state: &state,
            measurements: &measurements,
            sites: Some(&sites),
        };
        let bytes = encode(&borrowed, &binding(42)).unwrap();
        let owned = SampleState {
            state,
            measurements,
            sites: Some(sites),
        };
        assert_eq!(decode::<SampleState>(&bytes, &binding(42)).unwrap(), owned);
    }

    #[test]
    fn dense_and_multispin_states_round_trip_exactly() {
        let ladder = TemperatureLadder::linear(0.5, 1.5, 3).unwrap();
        let sk = ModelSpec::SherringtonKirkpatrick {
            n: 24,
            couplings: Default::default(),
            field: 0.1,
        }
        .ensemble()
        .unwrap()
        .draw(1, 0)
        .unwrap();
        // f32 fields after many incremental updates: their exact bits must survive.
        let dense = DenseTempering::new(
            DenseConfig {
                ladder: ladder.clone(),
                replicas: 2,
                sweeps_per_exchange: 3,
                precision: DensePrecision::F32,
                refresh_rounds: 1000,
            },
            &sk,
        )
        .unwrap();
        let mut state = dense.initial_state(&sk, 1, 0);
        for _ in 0..5 {
            dense.step(&sk, &mut state);
        }
        let state = EngineState::Dense(state);
        let measurements = Measurements::new(ladder.temperatures(), sk.n());
        let borrowed = SampleStateRef {
            state: &state,
            measurements: &measurements,
            sites: None,
        };
        let decoded: SampleState =
            decode(&encode(&borrowed, &binding(7)).unwrap(), &binding(7)).unwrap();
        assert_eq!(
            decoded,
            SampleState {
                state,
                measurements: measurements.clone(),
                sites: None
            }
        );

        let ea = ModelSpec::EdwardsAnderson {
            dimension: 2,
            length: 4,
            couplings: quench_core::CouplingDistribution::PlusMinusOne,
            field: 0.0,
        }
        .ensemble()
        .unwrap();
        let samples: Vec<_> = (0..3).map(|i| ea.draw(1, i).unwrap()).collect();
        let multispin = MultispinTempering::new(
            MultispinConfig {
                ladder: ladder.clone(),
                replicas: 2,
                sweeps_per_exchange: 2,
                policy: RandomPolicy::SharedPerSite,
                width: WordWidth::Bits64,
            },
            &samples,
        )
        .unwrap();
        let mut state = multispin.initial_state(1, 0);
        for _ in 0..4 {
            multispin.step(&mut state);
        }
        let block = BlockState {
            state,
            measurements: vec![measurements; 3],
            sites: None,
        };
        let decoded: BlockState =
            decode(&encode(&block, &binding(7)).unwrap(), &binding(7)).unwrap();
        assert_eq!(decoded, block);
    }

    #[test]
    fn corruption_and_foreign_runs_are_rejected() {
        let (state, measurements) = running_state();
        let state = EngineState::Scalar(state);
        let borrowed = SampleStateRef {
            state: &state,
            measurements: &measurements,
            sites: None,
        };
        let bytes = encode(&borrowed, &binding(42)).unwrap();
        let mut flipped = bytes.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0x10;
        assert!(
            decode::<SampleState>(&flipped, &binding(42))
                .unwrap_err()
                .contains("checksum")
        );
        assert!(
            decode::<SampleState>(&bytes[..bytes.len() - 5], &binding(42))
                .unwrap_err()
                .contains("truncated")
        );
        assert!(
            decode::<SampleState>(&bytes, &binding(43))
                .unwrap_err()
                .contains("different spec")
        );
        assert!(
            decode::<SampleState>(b"garbage", &binding(42))
                .unwrap_err()
                .contains("header")
        );
    }

    #[test]
    fn checkpoint_in_another_slot_is_refused() {
        let (state, measurements) = running_state();
        let state = EngineState::Scalar(state);
        let borrowed = SampleStateRef {
            state: &state,
            measurements: &measurements,
            sites: None,
        };
        let bytes = encode(&borrowed, &binding(42)).unwrap();
        let elsewhere = [
            Binding {
                unit: Unit::sample(0, 1),
                ..binding(42)
            },
            Binding {
                unit: Unit::sample(1, 0),
                ..binding(42)
            },
            Binding {
                stage: Stage::Finished,
                ..binding(42)
            },
            Binding {
                family: "memory".into(),
                ..binding(42)
            },
        ];
        for other in elsewhere {
            let error = decode::<SampleState>(&bytes, &other).unwrap_err();
            assert!(error.contains("sits where"), "{error}");
            assert!(error.contains("grid point 0, samples 0..1"), "{error}");
        }
        // The binding is under the checksum: a slot edited in place is corruption.
        let mut edited = bytes.clone();
        let at = HEADER + 12;
        edited[at] ^= 1;
        assert!(
            decode::<SampleState>(&edited, &binding(42))
                .unwrap_err()
                .contains("checksum")
        );
    }
}
