//! # quench-learn: associative memories

pub mod dense;
pub mod dynamics;
pub mod error;
pub mod hopfield;
pub mod patterns;
mod simd;

pub use error::LearnError;
