//! Delimited text files on disk, good and bad.

mod common;

use common::TempFile;
use quench_data::{CsvOptions, DIGITS_CSV, DataError, Header, LabelColumn, digits, load_csv};

#[test]
fn reads_a_file_with_header_and_first_label_column() {
    let file = TempFile::with_bytes("good.csv", b"label,x,y\n1, 0.5, 2\n0,-1e-3,4\n");
    let options = CsvOptions {
        label: LabelColumn::First,
        ..CsvOptions::default()
    };
    let data = load_csv(file.path(), options).unwrap();
    assert_eq!(data.name(), file.shown());
    assert_eq!((data.len(), data.features()), (2, 2));
    assert_eq!(data.values(), &[0.5, 2.0, -1e-3, 4.0]);
    assert_eq!(data.labels(), Some(&[1, 0][..]));
    assert_eq!(data.value_range(), (-1e-3, 4.0));
}

#[test]
fn digits_file_on_disk_reads_like_the_embedded_one() {
    let file = TempFile::with_bytes("digits.csv", DIGITS_CSV.as_bytes());
    let options = CsvOptions {
        label: LabelColumn::Last,
        header: Header::Detect,
        delimiter: b',',
    };
    let loaded = load_csv(file.path(), options).unwrap();
    let embedded = digits();
    assert_eq!(loaded.values(), embedded.values());
    assert_eq!(loaded.labels(), embedded.labels());
}

#[test]
fn bad_value_names_file_line_and_column() {
    let file = TempFile::with_bytes("bad.csv", b"1,2,3\n4,5,6\n7,eight,9\n");
    let error = load_csv(file.path(), CsvOptions::default()).unwrap_err();
    assert!(
        matches!(&error, DataError::BadValue { line: 3, column: 2, text, .. } if text == "eight"),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("{}:3:2: cannot read `eight`", file.shown())),
        "{message}"
    );
    assert!(message.contains("finite decimal number"));
}

#[test]
fn ragged_row_names_its_line() {
    let file = TempFile::with_bytes("ragged.csv", b"1,2,3\n4,5,6\n\n7,8\n");
    let error = load_csv(file.path(), CsvOptions::default()).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::RaggedRow {
                line: 4,
                found: 2,
                expected: 3,
                first_line: 1,
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}:4: this row has 2 columns", file.shown()))
    );
}

#[test]
fn bad_label_names_file_line_and_column() {
    let file = TempFile::with_bytes("labels.csv", b"0.1,0.2,3\n0.3,0.4,-2\n");
    let options = CsvOptions {
        label: LabelColumn::Last,
        ..CsvOptions::default()
    };
    let error = load_csv(file.path(), options).unwrap_err();
    assert!(
        error.to_string().starts_with(&format!(
            "{}:2:3: cannot read `-2` as a label",
            file.shown()
        )),
        "{error}"
    );
}

#[test]
fn unreadable_files_are_named() {
    let file = TempFile::with_bytes("latin1.csv", b"1,2\n3,\xe9\n");
    let error = load_csv(file.path(), CsvOptions::default()).unwrap_err();
    assert!(
        matches!(error, DataError::NotText { line: 2, .. }),
        "{error}"
    );
    let missing = std::env::temp_dir().join("quench-data-test-missing.csv");
    let error = load_csv(&missing, CsvOptions::default()).unwrap_err();
    assert!(matches!(error, DataError::Io { .. }));
    assert!(error.to_string().contains("quench-data-test-missing.csv"));
}
