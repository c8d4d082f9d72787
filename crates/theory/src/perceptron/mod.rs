//! The perceptron: replica theory of storage and of learning a rule.
pub mod binary;
pub mod gardner;
mod gaussian;
