//! # quench-learn: associative memories

pub mod dynamics;
pub mod error;
pub mod hopfield;
pub mod patterns;

pub use error::LearnError;
