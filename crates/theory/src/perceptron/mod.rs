//! The perceptron: replica theory of storage and of learning a rule.
pub mod binary;
mod channel;
pub mod gardner;
mod gaussian;
pub mod teacher_student;

#[cfg(test)]
mod tests;

pub use binary::{BinaryCapacity, BinaryGardnerPoint, binary_capacity, binary_volume, binary_volume_curve};
pub use gardner::{GardnerPoint, spherical_capacity, spherical_volume, spherical_volume_curve};
pub use teacher_student::{
    BinaryTransition, Branch, Learning, TeacherStudentPoint, TeacherStudentState, Weights,
    binary_transition, nishimori_temperature, teacher_student, teacher_student_curve,
};
