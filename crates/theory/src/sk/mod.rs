//! The Sherrington–Kirkpatrick model: replica-symmetric theory, the
//! de Almeida–Thouless line, and replica symmetry breaking (k steps and full).

pub mod replica_symmetric;

pub use replica_symmetric::{
    AlmeidaThoulessPoint, ReplicaSymmetric, almeida_thouless_field, replica_symmetric,
    replica_symmetric_curve,
};
