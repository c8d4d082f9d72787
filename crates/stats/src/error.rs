//! The error type of the crate.

/// Everything that can go wrong when asking this crate for a statistic.
///
/// Every message names the offending parameter or input and says what would
/// have been accepted, so that it can be shown to a user as is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    /// A parameter lies outside its allowed range.
    #[error("invalid parameter `{name}` = {value}: {requirement}")]
    InvalidParameter {
        /// Name of the parameter, as spelled in the function signature.
        name: &'static str,
        /// The value that was passed, formatted for display.
        value: String,
        /// What an accepted value looks like, e.g. "must be at least 1".
        requirement: String,
    },
    /// Too few samples (measurements or disorder samples) for the statistic.
    #[error("{statistic} needs at least {needed} samples, got {got}")]
    TooFewSamples {
        /// The statistic that was requested, e.g. "jackknife".
        statistic: &'static str,
        /// The smallest number of samples for which it is defined.
        needed: usize,
        /// The number of samples that was passed.
        got: usize,
    },
    /// The jackknife columns do not all have the same length.
    #[error(
        "jackknife column {column} has {found} entries but column 0 has {expected}: \
         every column must hold one value per disorder sample"
    )]
    ColumnLengthMismatch {
        /// Index of the first column whose length differs from column 0.
        column: usize,
        /// Length of column 0 (the number of disorder samples).
        expected: usize,
        /// Length of the offending column.
        found: usize,
    },
    /// The jackknife was given no column at all.
    #[error("jackknife needs at least one column (one per averaged quantity), got none")]
    NoColumns,
    /// Two histograms with different binning cannot be merged.
    #[error(
        "cannot merge histograms with different binning: \
         [{low}, {high}] with {bins} bins versus [{other_low}, {other_high}] with {other_bins} bins"
    )]
    HistogramMismatch {
        /// Lower edge of the receiving histogram.
        low: f64,
        /// Upper edge of the receiving histogram.
        high: f64,
        /// Number of bins of the receiving histogram.
        bins: usize,
        /// Lower edge of the other histogram.
        other_low: f64,
        /// Upper edge of the other histogram.
        other_high: f64,
        /// Number of bins of the other histogram.
        other_bins: usize,
    },
}

impl StatsError {
    /// Shorthand for [`StatsError::InvalidParameter`].
    pub(crate) fn invalid(
        name: &'static str,
        value: impl std::fmt::Display,
        requirement: impl Into<String>,
    ) -> Self {
        StatsError::InvalidParameter {
            name,
            value: value.to_string(),
            requirement: requirement.into(),
        }
    }
}
