//! The error type of the crate.

/// Everything that can go wrong when loading, checking or transforming data.
///
/// Every message names the file (or the data set) and the place in it, says
/// what is wrong and what would have been accepted, so that it can be shown
/// to a user as is. Positions in text files are 1-based, as editors show
/// them: `file:line:column`, where the column counts delimiter-separated
/// fields.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The operating system could not open or read a file.
    #[error("cannot read `{file}`: {error}")]
    Io {
        /// The file, as given by the caller.
        file: String,
        /// What the operating system reported.
        #[source]
        error: std::io::Error,
    },
    /// A text file is not valid UTF-8.
    #[error(
        "{file}:{line}: the text is not valid UTF-8; save the file as UTF-8 (or plain ASCII) text"
    )]
    NotText {
        /// The file.
        file: String,
        /// The line holding the first invalid byte.
        line: usize,
    },
    /// A field of a text file is not a finite number.
    #[error(
        "{file}:{line}:{column}: cannot read `{text}` as a value: expected a finite decimal \
         number such as 3, -0.5 or 1e-3 (a header, if the file has one, must be its first line)"
    )]
    BadValue {
        /// The file.
        file: String,
        /// The line (1-based).
        line: usize,
        /// The field (1-based, counting every delimiter-separated field).
        column: usize,
        /// The offending text.
        text: String,
    },
    /// A label field is not a non-negative integer.
    #[error(
        "{file}:{line}:{column}: cannot read `{text}` as a label: labels must be non-negative \
         integers 0, 1, 2, ... below 2^32"
    )]
    BadLabel {
        /// The file.
        file: String,
        /// The line (1-based).
        line: usize,
        /// The field (1-based).
        column: usize,
        /// The offending text.
        text: String,
    },
    /// A row of a text file has a different number of fields than the first row.
    #[error(
        "{file}:{line}: this row has {found} columns but the first row (line {first_line}) has \
         {expected}; every row must have the same number of columns"
    )]
    RaggedRow {
        /// The file.
        file: String,
        /// The line of the offending row.
        line: usize,
        /// The number of fields found on it.
        found: usize,
        /// The line of the first data row.
        first_line: usize,
        /// The number of fields of the first data row.
        expected: usize,
    },
    /// A file holds no data at all, or no feature column.
    #[error("`{file}` {problem}")]
    NoData {
        /// The file.
        file: String,
        /// What is missing and what is expected instead.
        problem: String,
    },
    /// The header of a binary (IDX) file is malformed or of an unsupported kind.
    #[error("`{file}` is not a readable IDX file: {problem}")]
    BadHeader {
        /// The file.
        file: String,
        /// What is wrong and what is allowed.
        problem: String,
    },
    /// The header of a NumPy `.npy` file is malformed or of an unsupported kind.
    #[error("`{file}` is not a readable NumPy .npy file: {problem}")]
    BadNpy {
        /// The file.
        file: String,
        /// What is wrong and what is allowed.
        problem: String,
    },
    /// A file holds fewer data bytes than its header declares.
    #[error(
        "`{file}` is truncated: its header declares {expected} bytes of data but the file holds \
         only {actual}; download or copy it again"
    )]
    Truncated {
        /// The file.
        file: String,
        /// Bytes of data declared by the header (after the header itself).
        expected: u64,
        /// Bytes of data present (after decompression, for gzip files).
        actual: u64,
    },
    /// A file holds more data bytes than its header declares.
    #[error(
        "`{file}` holds {actual} bytes of data but its header declares {expected}: the header \
         (dimensions or type code) does not describe this file"
    )]
    TrailingData {
        /// The file.
        file: String,
        /// Bytes of data declared by the header.
        expected: u64,
        /// Bytes of data present (at least this many, for gzip files).
        actual: u64,
    },
    /// An entry of a binary file is not allowed where it stands.
    #[error("`{file}`, entry {index}: {problem}")]
    BadEntry {
        /// The file.
        file: String,
        /// The entry (0-based, in storage order).
        index: u64,
        /// What is wrong and what is allowed.
        problem: String,
    },
    /// A header declares more values than the caller allows; nothing was allocated.
    #[error(
        "`{file}` declares {} values, more than the limit of {limit}; raise \
         `IdxOptions::max_values` (IDX and .npy files) if the file is genuine",
        describe_count(*.values)
    )]
    TooLarge {
        /// The number of values declared by the header; `None` if it overflows 64 bits.
        values: Option<u64>,
        /// The largest number of values the caller allows.
        limit: u64,
        /// The file.
        file: String,
    },
    /// A labels file does not hold one label per row of its data file.
    #[error(
        "`{labels_file}` holds {labels} labels but `{data_file}` holds {rows} rows; \
         give the labels file that belongs to this data file"
    )]
    LabelCountMismatch {
        /// The data (images) file.
        data_file: String,
        /// The labels file.
        labels_file: String,
        /// Rows in the data file.
        rows: u64,
        /// Labels in the labels file.
        labels: u64,
    },
    /// A value is not finite (NaN or infinite).
    #[error(
        "`{name}`, row {row}, column {column}: the value {value} is not finite; every value must be a finite number"
    )]
    NonFinite {
        /// The data set or file.
        name: String,
        /// The row (0-based).
        row: usize,
        /// The column (0-based).
        column: usize,
        /// The offending value.
        value: f64,
    },
    /// A value lies outside the declared value range.
    #[error(
        "`{name}`, row {row}, column {column}: the value {value} lies outside the value range [{low}, {high}]"
    )]
    OutsideRange {
        /// The data set.
        name: String,
        /// The row (0-based).
        row: usize,
        /// The column (0-based).
        column: usize,
        /// The offending value.
        value: f64,
        /// Lower end of the range.
        low: f64,
        /// Upper end of the range.
        high: f64,
    },
    /// A value that must be binary (0/1 or ±1) is not.
    #[error("`{name}`, entry {index}: the value {value} is not allowed; {allowed}")]
    NotBinary {
        /// The data set.
        name: String,
        /// The entry (0-based, row-major).
        index: usize,
        /// The offending value.
        value: i64,
        /// What is allowed.
        allowed: &'static str,
    },
    /// A per-class operation was asked of a data set without labels.
    #[error(
        "`{name}` has no labels: this needs a label for every row (load CSV files with a label \
         column, IDX files with a labels file)"
    )]
    NoLabels {
        /// The data set.
        name: String,
    },
    /// A parameter lies outside its allowed range, or sizes do not match.
    #[error("invalid parameter `{parameter}` = {value}: {requirement}")]
    InvalidParameter {
        /// Name of the parameter, as spelled in the function signature.
        parameter: &'static str,
        /// The value that was passed, formatted for display.
        value: String,
        /// What an accepted value looks like.
        requirement: String,
    },
}

/// Formats a declared value count, which may have overflowed 64 bits.
fn describe_count(values: Option<u64>) -> String {
    match values {
        Some(count) => count.to_string(),
        None => "more than 2^64".to_string(),
    }
}

impl DataError {
    /// Shorthand for [`DataError::InvalidParameter`].
    pub(crate) fn parameter(
        parameter: &'static str,
        value: impl std::fmt::Display,
        requirement: impl Into<String>,
    ) -> Self {
        DataError::InvalidParameter {
            parameter,
            value: value.to_string(),
            requirement: requirement.into(),
        }
    }

    /// Shorthand for [`DataError::Io`].
    pub(crate) fn io(path: &std::path::Path, error: std::io::Error) -> Self {
        DataError::Io {
            file: path.display().to_string(),
            error,
        }
    }
}
