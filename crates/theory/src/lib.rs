//! # quench-theory: the theory that predicts the simulations

pub mod cavity;
pub mod error;
pub mod mean_field;
pub(crate) mod numerics;
pub(crate) mod parisi;
pub mod pspin;
pub mod sk;

pub use error::TheoryError;
