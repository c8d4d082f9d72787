//! The IDX format of MNIST and its relatives, plain or gzip-compressed.
//!
//! An IDX file is a header followed by the data, all big-endian:
//!
//! ```text
//! 0x00 0x00 <type code> <number of dimensions d>
//! <dimension 1: u32> ... <dimension d: u32>
//! <dimension 1 × ... × dimension d values of the type, last index fastest>
//! ```
//!
//! with type codes 0x08 (unsigned byte), 0x09 (signed byte), 0x0B (16-bit
//! integer), 0x0C (32-bit integer), 0x0D (32-bit float) and 0x0E (64-bit
//! float).

use std::fs::File;
use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::path::Path;

use flate2::read::GzDecoder;

use crate::{DataError, Dataset};

/// The default [`IdxOptions::max_values`]: $2^{28} \approx 2.7 \times 10^8$
/// values, 2 GiB as `f64` (MNIST's training images are $4.7 \times 10^7$).
pub const DEFAULT_MAX_VALUES: u64 = 1 << 28;

/// Limits on what an IDX file may declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdxOptions {
    /// The largest number of values a header may declare. Headers are
    /// checked against it, and against the file's length, before anything
    /// is allocated.
    pub max_values: u64,
}

impl Default for IdxOptions {
    fn default() -> Self {
        Self {
            max_values: DEFAULT_MAX_VALUES,
        }
    }
}

/// Reads an IDX data file, and optionally its labels file, with the default
/// [`IdxOptions`]; see [`load_idx_with`].
///
/// # Errors
///
/// As [`load_idx_with`].
pub fn load_idx(
    images_path: impl AsRef<Path>,
    labels_path: Option<&Path>,
) -> Result<Dataset, DataError> {
    load_idx_with(images_path, labels_path, IdxOptions::default())
}

/// Reads an IDX data file (such as MNIST's `train-images-idx3-ubyte`) and
/// optionally its labels file (`train-labels-idx1-ubyte`).
///
/// Either file may be gzip-compressed (recognised by its first bytes
/// `1f 8b`, whatever its name). A data file of 3 dimensions $(n, h, w)$
/// gives $n$ rows of $h w$ features with image shape $(h, w)$; one of 2
/// dimensions $(n, m)$ gives $n$ rows of $m$ features. A labels file has 1
/// dimension, $n$ entries of an integer type, none negative. Values of
/// unsigned bytes get the value range $[0, 255]$, other types the observed
/// range. The data set is named after `images_path`.
///
/// Sizes declared by a header are multiplied with overflow checks and
/// compared with `options.max_values` and, for uncompressed files, with the
/// file's length before any buffer is allocated; a compressed stream is read
/// incrementally and never beyond the declared size.
///
/// # Errors
///
/// [`DataError::Io`] if a file cannot be read; [`DataError::BadHeader`] for
/// a malformed header, a wrong number of dimensions or a type not allowed;
/// [`DataError::TooLarge`] above the limit; [`DataError::Truncated`] or
/// [`DataError::TrailingData`] when the data does not match the header;
/// [`DataError::NonFinite`] for a NaN or infinite float;
/// [`DataError::BadEntry`] for a negative label;
/// [`DataError::LabelCountMismatch`] unless there is one label per row.
pub fn load_idx_with(
    images_path: impl AsRef<Path>,
    labels_path: Option<&Path>,
    options: IdxOptions,
) -> Result<Dataset, DataError> {
    let images_path = images_path.as_ref();
    let file = images_path.display().to_string();
    let images = read_idx(images_path, &[2, 3], options.max_values)?;
    let rows = images.dims[0] as usize;
    let columns = images.dims[1..]
        .iter()
        .map(|&d| d as usize)
        .product::<usize>();
    let values = images.values_f64();
    if let Some(index) = values.iter().position(|v| !v.is_finite()) {
        return Err(DataError::NonFinite {
            name: file,
            row: index / columns,
            column: index % columns,
            value: values[index],
        });
    }
    let mut dataset = Dataset::new(file.clone(), rows, columns, values)?;
    if images.element == Element::U8 {
        dataset = dataset.with_value_range(0.0, 255.0)?;
    }
    if let [_, height, width] = images.dims[..] {
        dataset = dataset.with_image_shape(height as usize, width as usize)?;
    }
    let Some(labels_path) = labels_path else {
        return Ok(dataset);
    };
    let labels_file = labels_path.display().to_string();
    let labels = read_idx(labels_path, &[1], options.max_values)?;
    if labels.element.is_float() {
        return Err(DataError::BadHeader {
            file: labels_file,
            problem: format!(
                "its type is {}, but labels must be of an integer type (0x08, 0x09, 0x0B or 0x0C)",
                labels.element.describe()
            ),
        });
    }
    let count = u64::from(labels.dims[0]);
    if count != rows as u64 {
        return Err(DataError::LabelCountMismatch {
            data_file: file,
            labels_file,
            rows: rows as u64,
            labels: count,
        });
    }
    let values = labels.values_f64();
    let mut converted = Vec::with_capacity(values.len());
    for (index, &value) in values.iter().enumerate() {
        if value < 0.0 {
            return Err(DataError::BadEntry {
                file: labels_file,
                index: index as u64,
                problem: format!("the label {value} is negative; labels must be 0, 1, 2, ..."),
            });
        }
        // Integer types of at most 32 bits, non-negative: the cast is exact.
        converted.push(value as u32);
    }
    dataset.with_labels(converted)
}

/// The element types of IDX files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    U8,
    I8,
    I16,
    I32,
    F32,
    F64,
}

impl Element {
    fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0x08 => Element::U8,
            0x09 => Element::I8,
            0x0B => Element::I16,
            0x0C => Element::I32,
            0x0D => Element::F32,
            0x0E => Element::F64,
            _ => return None,
        })
    }

    fn size(self) -> u64 {
        match self {
            Element::U8 | Element::I8 => 1,
            Element::I16 => 2,
            Element::I32 | Element::F32 => 4,
            Element::F64 => 8,
        }
    }

    fn is_float(self) -> bool {
        matches!(self, Element::F32 | Element::F64)
    }

    fn describe(self) -> &'static str {
        match self {
            Element::U8 => "0x08 (unsigned byte)",
            Element::I8 => "0x09 (signed byte)",
            Element::I16 => "0x0B (16-bit integer)",
            Element::I32 => "0x0C (32-bit integer)",
            Element::F32 => "0x0D (32-bit float)",
            Element::F64 => "0x0E (64-bit float)",
        }
    }
}

/// A decoded header with the raw big-endian data.
struct IdxArray {
    element: Element,
    dims: Vec<u32>,
    data: Vec<u8>,
}

impl IdxArray {
    fn values_f64(&self) -> Vec<f64> {
        let size = self.element.size() as usize;
        self.data
            .chunks_exact(size)
            .map(|bytes| match self.element {
                Element::U8 => f64::from(bytes[0]),
                Element::I8 => f64::from(bytes[0] as i8),
                Element::I16 => f64::from(i16::from_be_bytes([bytes[0], bytes[1]])),
                Element::I32 => f64::from(i32::from_be_bytes(bytes.try_into().unwrap())),
                Element::F32 => f64::from(f32::from_be_bytes(bytes.try_into().unwrap())),
                Element::F64 => f64::from_be_bytes(bytes.try_into().unwrap()),
            })
            .collect()
    }
}

/// Opens `path`, recognises gzip, and reads one IDX array whose number of
/// dimensions is in `allowed_dims`.
fn read_idx(path: &Path, allowed_dims: &[u8], max_values: u64) -> Result<IdxArray, DataError> {
    let io = |error| DataError::io(path, error);
    let file = File::open(path).map_err(io)?;
    let file_length = file.metadata().map_err(io)?.len();
    let mut reader = BufReader::new(file);
    let compressed = reader.fill_buf().map_err(io)?.starts_with(&[0x1f, 0x8b]);
    let name = path.display().to_string();
    if compressed {
        read_stream(
            GzDecoder::new(reader),
            None,
            &name,
            allowed_dims,
            max_values,
        )
    } else {
        read_stream(reader, Some(file_length), &name, allowed_dims, max_values)
    }
}

/// Reads header and data from `reader`; `file_length` is the length of an
/// uncompressed file (`None` for a decompressed stream).
fn read_stream(
    mut reader: impl Read,
    file_length: Option<u64>,
    file: &str,
    allowed_dims: &[u8],
    max_values: u64,
) -> Result<IdxArray, DataError> {
    let bad_header = |problem: String| DataError::BadHeader {
        file: file.to_string(),
        problem,
    };
    let read_error = |error: std::io::Error, what: &str| {
        if error.kind() == ErrorKind::UnexpectedEof {
            bad_header(format!("the file ends within the {what}"))
        } else {
            DataError::Io {
                file: file.to_string(),
                error,
            }
        }
    };

    let mut magic = [0_u8; 4];
    reader
        .read_exact(&mut magic)
        .map_err(|e| read_error(e, "4-byte magic number"))?;
    if magic[..2] != [0, 0] {
        return Err(bad_header(format!(
            "it starts with the bytes {:02x} {:02x}, but IDX files start with 00 00 \
             (and gzip-compressed ones with 1f 8b)",
            magic[0], magic[1]
        )));
    }
    let element = Element::from_code(magic[2]).ok_or_else(|| {
        bad_header(format!(
            "the type code 0x{:02X} is unknown; allowed are 0x08 (unsigned byte), 0x09 (signed \
             byte), 0x0B (16-bit integer), 0x0C (32-bit integer), 0x0D (32-bit float) and 0x0E \
             (64-bit float)",
            magic[2]
        ))
    })?;
    let ndims = magic[3];
    if !allowed_dims.contains(&ndims) {
        let allowed = match allowed_dims {
            [1] => "a labels file has 1 (one label per row)",
            _ => "a data file has 2 (rows × columns) or 3 (images × height × width)",
        };
        return Err(bad_header(format!("it has {ndims} dimensions; {allowed}")));
    }

    let mut dim_bytes = vec![0_u8; 4 * usize::from(ndims)];
    reader
        .read_exact(&mut dim_bytes)
        .map_err(|e| read_error(e, "list of dimensions"))?;
    let dims: Vec<u32> = dim_bytes
        .chunks_exact(4)
        .map(|b| u32::from_be_bytes(b.try_into().unwrap()))
        .collect();
    if ndims > 1 && dims[1..].contains(&0) {
        return Err(bad_header(format!(
            "its dimensions {dims:?} give rows of no values; every row needs at least one"
        )));
    }

    // Checked sizes, all before allocating.
    let values = dims
        .iter()
        .try_fold(1_u64, |count, &d| count.checked_mul(u64::from(d)));
    let too_large = || DataError::TooLarge {
        values,
        limit: max_values,
        file: file.to_string(),
    };
    let count = values.filter(|&c| c <= max_values).ok_or_else(too_large)?;
    let expected = count.checked_mul(element.size()).ok_or_else(too_large)?;
    let capacity = usize::try_from(expected).map_err(|_| too_large())?;

    let data = match file_length {
        Some(length) => {
            let actual = length.saturating_sub(4 + 4 * u64::from(ndims));
            check_length(file, expected, actual)?;
            let mut data = Vec::with_capacity(capacity);
            reader
                .take(expected)
                .read_to_end(&mut data)
                .map_err(|error| DataError::io(Path::new(file), error))?;
            check_length(file, expected, data.len() as u64)?;
            data
        }
        None => {
            // No trustworthy length: grow with what actually arrives, and read
            // one byte past the declared size to detect trailing data.
            let mut data = Vec::new();
            reader
                .take(expected.saturating_add(1))
                .read_to_end(&mut data)
                .map_err(|error| DataError::Io {
                    file: file.to_string(),
                    error: std::io::Error::new(
                        error.kind(),
                        format!("the gzip stream is cut short or corrupt ({error})"),
                    ),
                })?;
            check_length(file, expected, data.len() as u64)?;
            data
        }
    };
    Ok(IdxArray {
        element,
        dims,
        data,
    })
}

fn check_length(file: &str, expected: u64, actual: u64) -> Result<(), DataError> {
    let file = file.to_string();
    if actual < expected {
        Err(DataError::Truncated {
            file,
            expected,
            actual,
        })
    } else if actual > expected {
        Err(DataError::TrailingData {
            file,
            expected,
            actual,
        })
    } else {
        Ok(())
    }
}
