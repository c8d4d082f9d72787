//! # quench-theory: the theory that predicts the simulations

pub mod error;
pub(crate) mod numerics;
pub mod sk;

pub use error::TheoryError;
