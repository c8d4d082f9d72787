//! The Sherrington–Kirkpatrick model: replica-symmetric theory, the
//! de Almeida–Thouless line, and replica symmetry breaking (k steps and full).

pub mod replica_symmetric;

pub use replica_symmetric::{
    AlmeidaThoulessPoint, ReplicaSymmetric, almeida_thouless_field, replica_symmetric,
    replica_symmetric_curve,
};

pub mod replica_breaking;

pub use replica_breaking::{
    DensityPoint, FullReplicaBreaking, MINIMUM_TEMPERATURE, OverlapAtom, OverlapDistribution,
    ParisiOptions, ParisiStep, ReplicaBreaking, StepConvergence, full_replica_symmetry_breaking,
    replica_symmetry_breaking,
};
