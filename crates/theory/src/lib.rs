//! # quench-theory: the theory that predicts the simulations
//!
//! (Being written: replica-symmetric SK first.)
