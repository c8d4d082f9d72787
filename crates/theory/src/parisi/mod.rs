//! The Parisi variational problem, shared by SK and the Ising $p$-spin models.

pub(crate) mod engine;
pub(crate) mod kink;
pub(crate) mod solve;
