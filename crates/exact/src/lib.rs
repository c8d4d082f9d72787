//! Exact results.
pub mod kaufman;
