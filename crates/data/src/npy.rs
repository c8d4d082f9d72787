//! NumPy's `.npy` format (versions 1, 2 and 3), for arrays a user saved
//! with `numpy.save`.
//!
//! ```text
//! \x93NUMPY <major> <minor> <header length: u16 (v1) or u32 (v2, v3), little-endian>
//! {'descr': '<f8', 'fortran_order': False, 'shape': (n, m), }   (padded with spaces)
//! <the values, C or Fortran order>
//! ```
//!
//! The header is read and checked (type, shape, the declared size against
//! [`IdxOptions::max_values`] and against the file's length) before the
//! data are allocated, which is why quench reads the format itself rather
//! than through an array crate.

use std::io::Read;
use std::path::Path;

use crate::{DataError, Dataset, IdxOptions};

/// The element types read: little-endian (or byte-sized) integers and floats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    F64,
    F32,
    I64,
    I32,
    I16,
    I8,
    U64,
    U32,
    U16,
    U8,
    Bool,
}

impl Element {
    fn parse(descr: &str) -> Option<Self> {
        let (order, code) = descr.split_at(1);
        let little = matches!(order, "<" | "|" | "=");
        Some(match (code, little) {
            ("f8", true) => Element::F64,
            ("f4", true) => Element::F32,
            ("i8", true) => Element::I64,
            ("i4", true) => Element::I32,
            ("i2", true) => Element::I16,
            ("i1", _) => Element::I8,
            ("u8", true) => Element::U64,
            ("u4", true) => Element::U32,
            ("u2", true) => Element::U16,
            ("u1", _) => Element::U8,
            ("b1", _) => Element::Bool,
            _ => return None,
        })
    }

    fn size(self) -> usize {
        match self {
            Element::F64 | Element::I64 | Element::U64 => 8,
            Element::F32 | Element::I32 | Element::U32 => 4,
            Element::I16 | Element::U16 => 2,
            Element::I8 | Element::U8 | Element::Bool => 1,
        }
    }

    fn decode(self, b: &[u8]) -> f64 {
        match self {
            Element::F64 => f64::from_le_bytes(b.try_into().unwrap()),
            Element::F32 => f64::from(f32::from_le_bytes(b.try_into().unwrap())),
            Element::I64 => i64::from_le_bytes(b.try_into().unwrap()) as f64,
            Element::I32 => f64::from(i32::from_le_bytes(b.try_into().unwrap())),
            Element::I16 => f64::from(i16::from_le_bytes(b.try_into().unwrap())),
            Element::I8 => f64::from(b[0] as i8),
            Element::U64 => u64::from_le_bytes(b.try_into().unwrap()) as f64,
            Element::U32 => f64::from(u32::from_le_bytes(b.try_into().unwrap())),
            Element::U16 => f64::from(u16::from_le_bytes(b.try_into().unwrap())),
            Element::U8 | Element::Bool => f64::from(b[0]),
        }
    }
}

/// Reads a 2-D array $(n, m)$ (rows are points) or a 3-D array $(n, h, w)$
/// (images, shape kept) from a `.npy` file, with the default limits; see
/// [`load_npy_with`].
///
/// # Errors
///
/// As [`load_npy_with`].
pub fn load_npy(path: impl AsRef<Path>) -> Result<Dataset, DataError> {
    load_npy_with(path, IdxOptions::default())
}

/// Reads a `.npy` file of little-endian integers or floats (`<f8`, `<f4`,
/// `<i8` … `|u1`, `|b1`) in C or Fortran order into a [`Dataset`] named
/// after the path. Unsigned bytes get the value range $[0, 255]$, other
/// types the observed range.
///
/// # Errors
///
/// [`DataError::Io`] if the file cannot be read; [`DataError::BadNpy`] for
/// a malformed header, an element type not read (big-endian, complex,
/// strings, objects) or a shape of other than 2 or 3 dimensions;
/// [`DataError::TooLarge`] above `options.max_values` (nothing allocated);
/// [`DataError::Truncated`] or [`DataError::TrailingData`] when the file's
/// length does not match its header; [`DataError::NonFinite`] for a NaN or
/// infinite value.
pub fn load_npy_with(path: impl AsRef<Path>, options: IdxOptions) -> Result<Dataset, DataError> {
    let path = path.as_ref();
    let file = path.display().to_string();
    let bad = |problem: String| DataError::BadNpy {
        file: file.clone(),
        problem,
    };
    let io = |error| DataError::io(path, error);
    let mut reader = std::fs::File::open(path).map_err(io)?;
    let file_length = reader.metadata().map_err(io)?.len();
    let mut prefix = [0u8; 12];
    let got = read_up_to(&mut reader, &mut prefix).map_err(io)?;
    if got < 10 || !prefix.starts_with(b"\x93NUMPY") {
        return Err(bad(
            "it does not begin with the magic string \\x93NUMPY (save arrays with numpy.save)"
                .into(),
        ));
    }
    let major = prefix[6];
    let (length, start) = match major {
        1 => (u64::from(u16::from_le_bytes([prefix[8], prefix[9]])), 10u64),
        2 | 3 if got == 12 => (
            u64::from(u32::from_le_bytes([
                prefix[8], prefix[9], prefix[10], prefix[11],
            ])),
            12,
        ),
        _ => {
            return Err(bad(format!(
                "format version {major} is not read (1, 2 or 3 are)"
            )));
        }
    };
    if start + length > file_length {
        return Err(bad("the file ends within its header".into()));
    }
    let mut header = prefix[start as usize..got].to_vec();
    header.resize(length as usize, 0);
    let already = got - start as usize;
    reader
        .read_exact(&mut header[already.min(length as usize)..])
        .map_err(io)?;
    header.truncate(length as usize);
    let header = &header[..];
    let header = std::str::from_utf8(header).map_err(|_| bad("its header is not text".into()))?;
    let descr = quoted_value(header, "descr")
        .ok_or_else(|| bad(format!("its header has no 'descr': {header}")))?;
    let element = Element::parse(&descr).ok_or_else(|| {
        bad(format!(
            "its element type '{descr}' is not read; save little-endian integers or floats \
             (float64, float32, int8 to int64, uint8 to uint64, bool)"
        ))
    })?;
    let fortran = match raw_value(header, "fortran_order").as_deref() {
        Some("True") => true,
        Some("False") => false,
        _ => return Err(bad(format!("its header has no 'fortran_order': {header}"))),
    };
    let shape_text = raw_value(header, "shape")
        .ok_or_else(|| bad(format!("its header has no 'shape': {header}")))?;
    let shape: Vec<u64> = shape_text
        .trim_matches(|c| c == '(' || c == ')')
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_end_matches('L').parse::<u64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad(format!("its shape {shape_text} is not a tuple of sizes")))?;
    if !(2..=3).contains(&shape.len()) {
        return Err(bad(format!(
            "its shape {shape_text} has {} dimensions; give (points, coordinates) or \
             (points, height, width)",
            shape.len()
        )));
    }
    let values = shape.iter().try_fold(1u64, |a, &b| a.checked_mul(b));
    match values {
        Some(count) if count <= options.max_values => {}
        _ => {
            return Err(DataError::TooLarge {
                values,
                limit: options.max_values,
                file,
            });
        }
    }
    let count = values.unwrap_or(0) as usize;
    let expected = count as u64 * element.size() as u64;
    let actual = file_length - start - length;
    if actual < expected {
        return Err(DataError::Truncated {
            file,
            expected,
            actual,
        });
    }
    if actual > expected {
        return Err(DataError::TrailingData {
            file,
            expected,
            actual,
        });
    }
    let mut data = vec![0u8; expected as usize];
    reader.read_exact(&mut data).map_err(io)?;
    let rows = shape[0] as usize;
    let columns = shape[1..].iter().product::<u64>() as usize;
    let decoded: Vec<f64> = data
        .chunks_exact(element.size())
        .map(|b| element.decode(b))
        .collect();
    let values = if fortran && rows > 0 && columns > 0 {
        // Fortran order: the first index fastest; a row's features keep
        // C order among themselves (last index fastest) after the transpose.
        let mut c_order = vec![0.0; count];
        let (height, width) = if shape.len() == 3 {
            (shape[1] as usize, shape[2] as usize)
        } else {
            (1, columns)
        };
        for (index, &value) in decoded.iter().enumerate() {
            let row = index % rows;
            let rest = index / rows;
            let (i, j) = (rest % height, rest / height);
            c_order[row * columns + i * width + j] = value;
        }
        c_order
    } else {
        decoded
    };
    if let Some(index) = values.iter().position(|v| !v.is_finite()) {
        return Err(DataError::NonFinite {
            name: file,
            row: index / columns.max(1),
            column: index % columns.max(1),
            value: values[index],
        });
    }
    let mut dataset = Dataset::new(file, rows, columns, values)?;
    if element == Element::U8 {
        dataset = dataset.with_value_range(0.0, 255.0)?;
    }
    if let [_, height, width] = shape[..] {
        dataset = dataset.with_image_shape(height as usize, width as usize)?;
    }
    Ok(dataset)
}

/// Reads as many bytes as the file has, up to `buffer`'s length.
fn read_up_to(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..])? {
            0 => break,
            read => filled += read,
        }
    }
    Ok(filled)
}

/// The text after `'key':` up to the next top-level comma or the closing
/// brace (a tuple kept whole).
fn raw_value(header: &str, key: &str) -> Option<String> {
    let at = header.find(&format!("'{key}'"))? + key.len() + 2;
    let rest = header[at..].trim_start().strip_prefix(':')?.trim_start();
    let end = if rest.starts_with('(') {
        rest.find(')')? + 1
    } else {
        rest.find([',', '}'])?
    };
    Some(rest[..end].trim().to_string())
}

/// A quoted string value.
fn quoted_value(header: &str, key: &str) -> Option<String> {
    let raw = raw_value(header, key)?;
    Some(raw.trim_matches(|c| c == '\'' || c == '"').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(header: &str, data: &[u8]) -> Vec<u8> {
        let mut text = header.to_string();
        while !(10 + text.len() + 1).is_multiple_of(64) {
            text.push(' ');
        }
        text.push('\n');
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&(text.len() as u16).to_le_bytes());
        bytes.extend_from_slice(text.as_bytes());
        bytes.extend_from_slice(data);
        bytes
    }

    fn write(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("quench-npy-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn c_and_fortran_order_read_the_same_rows() {
        // The 2 × 3 array [[1, 2, 3], [4, 5, 6]] as float64 in C order and
        // as int32 in Fortran order (columns first), as numpy.save writes them.
        let c: Vec<u8> = [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let f: Vec<u8> = [1i32, 4, 2, 5, 3, 6]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let c = write(
            "c.npy",
            &npy(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
                &c,
            ),
        );
        let f = write(
            "f.npy",
            &npy(
                "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }",
                &f,
            ),
        );
        for path in [&c, &f] {
            let data = load_npy(path).unwrap();
            assert_eq!(data.values(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "{path:?}");
            assert_eq!((data.len(), data.features()), (2, 3));
        }
    }

    #[test]
    fn images_keep_their_shape_and_bytes_their_range() {
        let path = write(
            "images.npy",
            &npy(
                "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2, 2), }",
                &[0, 1, 2, 3, 4, 5, 6, 255],
            ),
        );
        let data = load_npy(&path).unwrap();
        assert_eq!(data.image_shape(), Some((2, 2)));
        assert_eq!(data.value_range(), (0.0, 255.0));
        assert_eq!(data.row(1), &[4.0, 5.0, 6.0, 255.0]);
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        let cases = [
            (
                npy(
                    "{'descr': '>f8', 'fortran_order': False, 'shape': (1, 1), }",
                    &[0; 8],
                ),
                "element type '>f8' is not read",
            ),
            (
                npy(
                    "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
                    &[0; 32],
                ),
                "has 1 dimensions",
            ),
            (
                npy(
                    "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
                    &[0; 8],
                ),
                "is truncated",
            ),
            (
                npy(
                    "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }",
                    &[0; 8],
                ),
                "more than the limit",
            ),
            (b"not an array".to_vec(), "magic string"),
        ];
        for (index, (bytes, expected)) in cases.iter().enumerate() {
            let path = write(&format!("bad-{index}.npy"), bytes);
            let message = load_npy(&path).unwrap_err().to_string();
            assert!(message.contains(expected), "{message}");
            assert!(message.contains(&path.display().to_string()), "{message}");
        }
    }
}
