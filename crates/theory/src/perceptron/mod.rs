//! The perceptron: replica theory of storage (Gardner) and of learning a
//! rule from examples (teacher–student), and Bayes-optimal approximate
//! message passing with its state evolution ([`amp`]), which predicts the
//! overlap with the teacher and the generalisation error on finite samples.
//!
//! # Conventions
//!
//! $N$ weights, normalised $|w|^2 = N$ ([`Weights::Spherical`]) or
//! $w_i = \pm1$ ([`Weights::Binary`]); $P = \alpha N$ inputs $x^\mu$ with
//! i.i.d. zero-mean unit-variance entries (Gaussian or $\pm1$: the same
//! large-$N$ theory); stabilities $\Delta^\mu = y^\mu w\cdot x^\mu/\sqrt N$,
//! and a pattern is stored when $\Delta^\mu \ge \kappa$. $H(x) = \int_x^\infty Dt$
//! is the Gaussian tail, $Dt$ the standard Gaussian measure. Everything is
//! per weight and replica-symmetric.
//!
//! # What to call
//!
//! * [`spherical_capacity`]: $\alpha_c(\kappa)$ in closed form ($\alpha_c(0) = 2$).
//! * [`spherical_volume`], [`spherical_volume_curve`]: the overlap $q$ and
//!   log-volume of the solution space below $\alpha_c$ (milliseconds).
//! * [`binary_volume`], [`binary_capacity`]: the Gardner–Derrida entropy of
//!   binary solutions and the Krauth–Mézard capacity 0.833 (25 ms).
//! * [`teacher_student()`], [`teacher_student_curve`]: generalisation error,
//!   overlaps and free entropy of a Gibbs or Bayes-optimal student
//!   (milliseconds on the Nishimori line, tens of milliseconds off it).
//! * [`binary_transition`]: where a binary student learning a binary
//!   teacher jumps to perfect generalisation (1.2447) and the spinodal (1.4926).
//! * [`amp::perceptron_amp`] on a drawn sample ([`amp::draw_perceptron`]),
//!   beside [`amp::perceptron_state_evolution`]: the algorithm and its
//!   prediction, iteration by iteration.

pub mod amp;
pub mod binary;
mod channel;
pub mod gardner;
pub(crate) mod gaussian;
mod sign_channel;
pub mod teacher_student;

#[cfg(test)]
mod tests;

pub use binary::{
    BinaryCapacity, BinaryGardnerPoint, binary_capacity, binary_volume, binary_volume_curve,
};
pub use gardner::{GardnerPoint, spherical_capacity, spherical_volume, spherical_volume_curve};
pub use teacher_student::{
    BinaryTransition, Branch, Learning, TeacherStudentPoint, TeacherStudentState, Weights,
    binary_transition, nishimori_temperature, teacher_student, teacher_student_curve,
};
