//! # quench-learn: associative memories
