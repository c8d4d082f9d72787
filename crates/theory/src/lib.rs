//! # quench-theory: the theory that predicts the simulations

pub mod error;
pub(crate) mod numerics;
pub(crate) mod parisi;
pub mod pspin;
pub mod sk;

pub use error::TheoryError;
