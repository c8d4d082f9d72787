//! Delimited text files: one sample per line, one value per field.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{DataError, Dataset};

/// Which field of each line, if any, holds the class label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LabelColumn {
    /// No labels: every field is a feature.
    #[default]
    None,
    /// The first field is the label.
    First,
    /// The last field is the label (as in the digits file).
    Last,
}

/// Whether the first non-blank line is a header of column names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Header {
    /// The first line is data.
    Absent,
    /// The first line is a header and is skipped.
    Present,
    /// The first line is a header if one of its fields is not a number.
    #[default]
    Detect,
}

/// How to read a delimited text file; the default reads comma-separated
/// values without labels and detects a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvOptions {
    /// The field holding the class label, if any.
    pub label: LabelColumn,
    /// Whether the first line is a header.
    pub header: Header,
    /// The byte separating fields, e.g. `b','`, `b';'` or `b'\t'`; must be ASCII.
    pub delimiter: u8,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self {
            label: LabelColumn::None,
            header: Header::Detect,
            delimiter: b',',
        }
    }
}

/// Reads a delimited text file into a [`Dataset`] named after the path.
///
/// Each non-blank line is one row; fields are separated by
/// `options.delimiter` and may be surrounded by spaces; quoting is not
/// supported. Every row must have the same number of fields. Values must be
/// finite decimal numbers; labels (see [`LabelColumn`]) non-negative
/// integers (`3` or `3.0`). The value range is the observed one.
///
/// # Errors
///
/// [`DataError::Io`] if the file cannot be read; otherwise as
/// [`parse_csv`], with the path in every message.
pub fn load_csv(path: impl AsRef<Path>, options: CsvOptions) -> Result<Dataset, DataError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|error| DataError::io(path, error))?;
    let file = path.display().to_string();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
            let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
            return Err(DataError::NotText { file, line });
        }
    };
    parse_csv(&text, &file, options)
}

/// Parses delimited `text` as [`load_csv`] reads a file; `file` names the
/// source in messages and becomes the data set's name.
///
/// # Errors
///
/// [`DataError::BadValue`] or [`DataError::BadLabel`] naming
/// `file:line:column` and the text; [`DataError::RaggedRow`] for a row with
/// a different number of fields; [`DataError::NoData`] when there are no
/// data rows or no feature column; [`DataError::InvalidParameter`] for a
/// non-ASCII delimiter.
pub fn parse_csv(text: &str, file: &str, options: CsvOptions) -> Result<Dataset, DataError> {
    if !options.delimiter.is_ascii() {
        return Err(DataError::parameter(
            "delimiter",
            options.delimiter,
            "must be an ASCII byte such as b',', b';' or b'\\t'",
        ));
    }
    let delimiter = char::from(options.delimiter);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line))
        .filter(|(_, line)| !line.trim().is_empty())
        .peekable();

    let skip_first = match options.header {
        Header::Absent => false,
        Header::Present => true,
        Header::Detect => lines.peek().is_some_and(|(_, line)| {
            line.split(delimiter)
                .any(|field| field.trim().parse::<f64>().is_err())
        }),
    };
    if skip_first {
        lines.next();
    }

    let mut values = Vec::new();
    let mut labels = Vec::new();
    let mut first: Option<(usize, usize)> = None; // (line, fields)
    let mut rows = 0;
    for (line, content) in lines {
        let fields = content.split(delimiter).count();
        let (first_line, expected) = *first.get_or_insert((line, fields));
        if fields != expected {
            return Err(DataError::RaggedRow {
                file: file.to_string(),
                line,
                found: fields,
                first_line,
                expected,
            });
        }
        let label_field = match options.label {
            LabelColumn::None => None,
            LabelColumn::First => Some(1),
            LabelColumn::Last => Some(fields),
        };
        for (index, field) in content.split(delimiter).enumerate() {
            let column = index + 1;
            let field = field.trim();
            if Some(column) == label_field {
                let label = parse_label(field).ok_or_else(|| DataError::BadLabel {
                    file: file.to_string(),
                    line,
                    column,
                    text: field.to_string(),
                })?;
                labels.push(label);
            } else {
                match field.parse::<f64>() {
                    Ok(value) if value.is_finite() => values.push(value),
                    _ => {
                        return Err(DataError::BadValue {
                            file: file.to_string(),
                            line,
                            column,
                            text: field.to_string(),
                        });
                    }
                }
            }
        }
        rows += 1;
    }

    let Some((_, fields)) = first else {
        return Err(DataError::NoData {
            file: file.to_string(),
            problem: format!(
                "holds no data rows: expected one row per line, values separated by `{delimiter}`"
            ),
        });
    };
    let columns = fields - usize::from(options.label != LabelColumn::None);
    if columns == 0 {
        return Err(DataError::NoData {
            file: file.to_string(),
            problem:
                "has only a label column: every row needs at least one feature besides the label"
                    .to_string(),
        });
    }
    let dataset = Dataset::new(file, rows, columns, values)?;
    if options.label == LabelColumn::None {
        Ok(dataset)
    } else {
        dataset.with_labels(labels)
    }
}

/// A non-negative integer below $2^{32}$, written `3` or `3.0`.
fn parse_label(text: &str) -> Option<u32> {
    if let Ok(label) = text.parse::<u32>() {
        return Some(label);
    }
    let value = text.parse::<f64>().ok()?;
    let integral = value.is_finite() && value.fract() == 0.0;
    (integral && (0.0..=f64::from(u32::MAX)).contains(&value)).then_some(value as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labelled_last() -> CsvOptions {
        CsvOptions {
            label: LabelColumn::Last,
            ..CsvOptions::default()
        }
    }

    #[test]
    fn reads_values_labels_and_headers() {
        let text = "a, b, class\n1, 2, 0\n\n3, 4.5, 1.0\r\n";
        let data = parse_csv(text, "t.csv", labelled_last()).unwrap();
        assert_eq!((data.len(), data.features()), (2, 2));
        assert_eq!(data.values(), &[1.0, 2.0, 3.0, 4.5]);
        assert_eq!(data.labels(), Some(&[0, 1][..]));
        let first = CsvOptions {
            label: LabelColumn::First,
            header: Header::Absent,
            delimiter: b';',
        };
        let data = parse_csv("5;1;2\n6;3;4", "t.csv", first).unwrap();
        assert_eq!(data.labels(), Some(&[5, 6][..]));
        assert_eq!(data.values(), &[1.0, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn errors_name_the_place() {
        let error = parse_csv("1,2\n3,x\n", "bad.csv", CsvOptions::default()).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("bad.csv:2:2: cannot read `x`"),
            "{error}"
        );
        let error = parse_csv("1,2\n3,inf\n", "bad.csv", CsvOptions::default()).unwrap_err();
        assert!(
            matches!(
                error,
                DataError::BadValue {
                    line: 2,
                    column: 2,
                    ..
                }
            ),
            "{error}"
        );
        let error = parse_csv("1,2,3.5\n", "l.csv", labelled_last()).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("l.csv:1:3: cannot read `3.5` as a label"),
            "{error}"
        );
        let error = parse_csv("1,2,-1\n", "l.csv", labelled_last()).unwrap_err();
        assert!(
            matches!(
                error,
                DataError::BadLabel {
                    line: 1,
                    column: 3,
                    ..
                }
            ),
            "{error}"
        );
        let error = parse_csv("x,y\n", "h.csv", CsvOptions::default()).unwrap_err();
        assert!(matches!(error, DataError::NoData { .. }), "{error}");
        let error = parse_csv("1\n2\n", "h.csv", labelled_last()).unwrap_err();
        assert!(matches!(error, DataError::NoData { .. }), "{error}");
    }

    #[test]
    fn labels_must_be_integers() {
        assert_eq!(parse_label("7"), Some(7));
        assert_eq!(parse_label("7.0"), Some(7));
        assert_eq!(parse_label("7.5"), None);
        assert_eq!(parse_label("-1"), None);
        assert_eq!(parse_label("1e12"), None);
        assert_eq!(parse_label("NaN"), None);
    }
}
