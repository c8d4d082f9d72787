//! IDX files on disk: round trips, gzip, and files that lie about their size.

mod common;

use std::io::Write;

use common::TempFile;
use flate2::Compression;
use flate2::write::GzEncoder;
use quench_data::{DataError, IdxOptions, load_idx, load_idx_with};

/// An IDX file: magic, dimensions, then `data` (already big-endian).
fn idx_bytes(type_code: u8, dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0, 0, type_code, dims.len() as u8];
    for d in dims {
        bytes.extend_from_slice(&d.to_be_bytes());
    }
    bytes.extend_from_slice(data);
    bytes
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Three 2×3 images with pixels 0..=255 and labels 4, 0, 9.
fn images_and_labels() -> (Vec<u8>, Vec<u8>) {
    let pixels: Vec<u8> = (0..18).map(|i| (i * 15) as u8).collect();
    (
        idx_bytes(0x08, &[3, 2, 3], &pixels),
        idx_bytes(0x08, &[3], &[4, 0, 9]),
    )
}

fn check_images(data: &quench_data::Dataset) {
    assert_eq!((data.len(), data.features()), (3, 6));
    assert_eq!(data.image_shape(), Some((2, 3)));
    assert_eq!(data.labels(), Some(&[4, 0, 9][..]));
    assert_eq!(data.value_range(), (0.0, 255.0));
    assert_eq!(data.row(2), &[180.0, 195.0, 210.0, 225.0, 240.0, 255.0]);
}

#[test]
fn unsigned_byte_images_round_trip() {
    let (images, labels) = images_and_labels();
    let images = TempFile::with_bytes("images-idx3-ubyte", &images);
    let labels = TempFile::with_bytes("labels-idx1-ubyte", &labels);
    let data = load_idx(images.path(), Some(labels.path())).unwrap();
    check_images(&data);
    assert_eq!(data.name(), images.shown());
    let unlabelled = load_idx(images.path(), None).unwrap();
    assert_eq!(unlabelled.labels(), None);
    assert_eq!(unlabelled.values(), data.values());
}

#[test]
fn gzipped_images_round_trip() {
    let (images, labels) = images_and_labels();
    let images = TempFile::with_bytes("images-idx3-ubyte.gz", &gzip(&images));
    // Recognised by its content, not its name.
    let labels = TempFile::with_bytes("labels-idx1-ubyte", &gzip(&labels));
    check_images(&load_idx(images.path(), Some(labels.path())).unwrap());
}

#[test]
fn every_element_type_round_trips_as_a_table() {
    let expected = [-3.0, 0.0, 1.0, 2.0, 100.0, -128.0];
    let cases: [(u8, Vec<u8>); 5] = [
        (0x09, expected.iter().map(|&v| (v as i8) as u8).collect()),
        (
            0x0B,
            expected
                .iter()
                .flat_map(|&v| (v as i16).to_be_bytes())
                .collect(),
        ),
        (
            0x0C,
            expected
                .iter()
                .flat_map(|&v| (v as i32).to_be_bytes())
                .collect(),
        ),
        (
            0x0D,
            expected
                .iter()
                .flat_map(|&v| (v as f32).to_be_bytes())
                .collect(),
        ),
        (
            0x0E,
            expected
                .iter()
                .flat_map(|&v: &f64| v.to_be_bytes())
                .collect(),
        ),
    ];
    for (code, data) in cases {
        let file = TempFile::with_bytes("table", &idx_bytes(code, &[2, 3], &data));
        let table = load_idx(file.path(), None).unwrap();
        assert_eq!(table.values(), &expected, "type 0x{code:02X}");
        assert_eq!(
            (table.len(), table.features(), table.image_shape()),
            (2, 3, None)
        );
        assert_eq!(table.value_range(), (-128.0, 100.0), "observed range");
    }
    let fraction = 0.25_f32.to_be_bytes();
    let file = TempFile::with_bytes("float", &idx_bytes(0x0D, &[1, 1], &fraction));
    assert_eq!(load_idx(file.path(), None).unwrap().values(), &[0.25]);
}

#[test]
fn truncated_file_is_named_with_expected_and_actual_bytes() {
    let (images, _) = images_and_labels();
    let file = TempFile::with_bytes("truncated", &images[..images.len() - 5]);
    let error = load_idx(file.path(), None).unwrap_err();
    assert!(
        matches!(&error, DataError::Truncated { file: f, expected: 18, actual: 13 } if *f == file.shown()),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains(&file.shown()) && message.contains("18") && message.contains("13"));
}

#[test]
fn truncated_gzip_stream_is_an_error_naming_the_file() {
    let (images, _) = images_and_labels();
    // A complete gzip stream of a truncated file...
    let short = TempFile::with_bytes("short.gz", &gzip(&images[..images.len() - 5]));
    let error = load_idx(short.path(), None).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::Truncated {
                expected: 18,
                actual: 13,
                ..
            }
        ),
        "{error}"
    );
    // ... and a gzip stream cut in the middle.
    let compressed = gzip(&images);
    let cut = TempFile::with_bytes("cut.gz", &compressed[..compressed.len() / 2]);
    let error = load_idx(cut.path(), None).unwrap_err();
    assert!(error.to_string().contains(&cut.shown()), "{error}");
}

#[test]
fn trailing_bytes_are_refused() {
    let (mut images, _) = images_and_labels();
    images.extend_from_slice(&[1, 2]);
    for (name, bytes) in [("long", images.clone()), ("long.gz", gzip(&images))] {
        let file = TempFile::with_bytes(name, &bytes);
        let error = load_idx(file.path(), None).unwrap_err();
        assert!(
            matches!(error, DataError::TrailingData { expected: 18, .. }),
            "{error}"
        );
    }
}

#[test]
fn header_claiming_a_terabyte_is_refused_before_allocation() {
    // 10^6 images of 1000 × 1000 bytes: 10^12 bytes declared, 16 present.
    let header = idx_bytes(0x08, &[1_000_000, 1000, 1000], &[]);
    for (name, bytes) in [("huge", header.clone()), ("huge.gz", gzip(&header))] {
        let file = TempFile::with_bytes(name, &bytes);
        let error = load_idx(file.path(), None).unwrap_err();
        assert!(
            matches!(
                &error,
                DataError::TooLarge {
                    values: Some(1_000_000_000_000),
                    ..
                }
            ),
            "{error}"
        );
        assert!(error.to_string().contains(&file.shown()));
        // Without a limit, the file's length refuses it; nothing is allocated
        // (an attempt to allocate 10^12 bytes would abort the test).
        let unlimited = IdxOptions {
            max_values: u64::MAX,
        };
        let error = load_idx_with(file.path(), None, unlimited).unwrap_err();
        assert!(
            matches!(
                error,
                DataError::Truncated {
                    expected: 1_000_000_000_000,
                    actual: 0,
                    ..
                }
            ),
            "{error}"
        );
    }
    // Dimensions whose product overflows 64 bits, 64-bit floats.
    let file = TempFile::with_bytes("overflow", &idx_bytes(0x0E, &[u32::MAX; 3], &[]));
    let unlimited = IdxOptions {
        max_values: u64::MAX,
    };
    let error = load_idx_with(file.path(), None, unlimited).unwrap_err();
    assert!(
        matches!(error, DataError::TooLarge { values: None, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("more than 2^64"));
}

#[test]
fn malformed_headers_say_what_is_allowed() {
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("magic", vec![1, 2, 8, 3], "start with 00 00"),
        (
            "type",
            vec![0, 0, 0x0A, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0],
            "0x08 (unsigned byte)",
        ),
        (
            "dims",
            idx_bytes(0x08, &[4], &[1, 2, 3, 4]),
            "2 (rows × columns) or 3",
        ),
        (
            "short",
            vec![0, 0, 8],
            "ends within the 4-byte magic number",
        ),
        ("zero-width", idx_bytes(0x08, &[2, 0], &[]), "at least one"),
    ];
    for (name, bytes, hint) in cases {
        let file = TempFile::with_bytes(name, &bytes);
        let error = load_idx(file.path(), None).unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(error, DataError::BadHeader { .. }),
            "{name}: {message}"
        );
        assert!(
            message.contains(&file.shown()) && message.contains(hint),
            "{message}"
        );
    }
}

#[test]
fn labels_must_match_the_images() {
    let (images, _) = images_and_labels();
    let images = TempFile::with_bytes("images", &images);
    let two = TempFile::with_bytes("two-labels", &idx_bytes(0x08, &[2], &[1, 2]));
    let error = load_idx(images.path(), Some(two.path())).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::LabelCountMismatch {
                rows: 3,
                labels: 2,
                ..
            }
        ),
        "{error}"
    );
    let negative = TempFile::with_bytes("negative", &idx_bytes(0x09, &[3], &[1, 255, 2]));
    let error = load_idx(images.path(), Some(negative.path())).unwrap_err();
    assert!(
        matches!(error, DataError::BadEntry { index: 1, .. }),
        "{error}"
    );
    let floats = idx_bytes(0x0D, &[3], &[0; 12]);
    let floats = TempFile::with_bytes("float-labels", &floats);
    let error = load_idx(images.path(), Some(floats.path())).unwrap_err();
    assert!(error.to_string().contains("integer type"), "{error}");
}

#[test]
fn non_finite_floats_and_missing_files_are_errors() {
    let data: Vec<u8> = [1.0_f32, f32::NAN]
        .iter()
        .flat_map(|v| v.to_be_bytes())
        .collect();
    let file = TempFile::with_bytes("nan", &idx_bytes(0x0D, &[1, 2], &data));
    let error = load_idx(file.path(), None).unwrap_err();
    assert!(
        matches!(
            error,
            DataError::NonFinite {
                row: 0,
                column: 1,
                ..
            }
        ),
        "{error}"
    );
    let missing = std::env::temp_dir().join("quench-data-test-no-such-file");
    let error = load_idx(&missing, None).unwrap_err();
    assert!(matches!(error, DataError::Io { .. }));
    assert!(error.to_string().contains("quench-data-test-no-such-file"));
}
