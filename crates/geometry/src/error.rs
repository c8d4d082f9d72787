//! The error type of the crate.

/// What can be wrong with the input of a neighbour search, an estimator or a
/// generator. Every message names the parameter, the value given and what is
/// allowed, so that it can be shown to a user as is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeometryError {
    /// A parameter is outside its allowed range.
    #[error("{parameter} = {value}: {allowed}")]
    Parameter {
        /// The parameter's name, as a user gives it.
        parameter: &'static str,
        /// The value given.
        value: String,
        /// What would have been accepted.
        allowed: String,
    },
    /// The points are too few for what was asked.
    #[error("{what} needs at least {needed} points, the data have {given}")]
    TooFewPoints {
        /// The estimator or step that needs them.
        what: String,
        /// How many it needs.
        needed: usize,
        /// How many there are.
        given: usize,
    },
    /// A coordinate is not a finite number.
    #[error("point {point}, coordinate {coordinate} is {value}: every coordinate must be finite")]
    NotFinite {
        /// The point (0-based row).
        point: usize,
        /// The coordinate (0-based column).
        coordinate: usize,
        /// The value found.
        value: f64,
    },
    /// The values do not form whole rows.
    #[error("{values} values do not form rows of {dimension} coordinates")]
    Shape {
        /// How many values there are.
        values: usize,
        /// The row length given.
        dimension: usize,
    },
    /// A size that would not fit in memory.
    #[error("{what} would need {bytes} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// What would be allocated.
        what: String,
        /// Its size.
        bytes: u128,
        /// The limit.
        limit: u128,
    },
}

pub(crate) fn parameter(
    parameter: &'static str,
    value: impl ToString,
    allowed: impl Into<String>,
) -> GeometryError {
    GeometryError::Parameter {
        parameter,
        value: value.to_string(),
        allowed: allowed.into(),
    }
}
