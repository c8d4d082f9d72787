//! The 8×8 handwritten digits shipped in the repository.

use crate::Dataset;
use crate::csv::{CsvOptions, Header, LabelColumn, parse_csv};

/// The digits file as shipped in `crates/data/data/digits.csv`: 1797 lines
/// of 64 pixel counts (0 to 16, row after row of the image) and the digit
/// (0 to 9); no header.
pub const DIGITS_CSV: &str = include_str!("../data/digits.csv");

/// Where the digits come from, for papers and reports.
pub const DIGITS_CITATION: &str = "E. Alpaydin, C. Kaynak, Optical Recognition of Handwritten \
    Digits, UCI Machine Learning Repository (1998), doi:10.24432/C50P49, CC BY 4.0; test set \
    (1797 images, 13 writers) as redistributed by scikit-learn 1.9.1";

/// The 1797 handwritten digits of the UCI "Optical Recognition of
/// Handwritten Digits" test set: 1797 rows of 64 features, images of
/// $8 \times 8$ pixels, labels 0 to 9, value range $[0, 16]$.
///
/// Each pixel counts the ink among the $4 \times 4$ pixels of a block of a
/// $32 \times 32$ bitmap, hence $0, \dots, 16$. The file is embedded in the
/// library and parsed at each call (about a millisecond); keep the result
/// rather than calling again in a loop. Source and licence (CC BY 4.0):
/// [`DIGITS_CITATION`] and `crates/data/data/README.md`.
pub fn digits() -> Dataset {
    let options = CsvOptions {
        label: LabelColumn::Last,
        header: Header::Absent,
        delimiter: b',',
    };
    // The embedded file is fixed and checked by the tests: failure is a bug.
    parse_csv(DIGITS_CSV, "digits.csv (embedded)", options)
        .and_then(|data| data.with_value_range(0.0, 16.0))
        .and_then(|data| data.with_image_shape(8, 8))
        .expect("the embedded digits file is well formed")
        .with_name("digits")
}
