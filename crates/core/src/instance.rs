//! One instance given by the user: couplings (and fields) read from files.
//!
//! A drawn [`crate::Sample`] comes from an ensemble; an *instance* is a
//! single sample the user cares about, read from disk with [`Instance::read`]
//! and written back with [`write_edges`], [`write_npy`] and [`write_fields`],
//! so that a sample quench drew and then wrote out reads back as the very
//! same [`crate::Sample`] (bit for bit: same couplings, same bond order).
//!
//! ## Couplings: an edge list (text) or a dense matrix (`.npy`)
//!
//! A file whose name ends in `.npy` is a dense $N \times N$ matrix: float64 or
//! float32 (`<f8`, `>f8`, `<f4`, `>f4`), C or Fortran order, shape `(n, n)`.
//! It must be exactly symmetric (tolerance 0: symmetrise with `(J + J.T)/2`
//! before saving), have a zero diagonal and finite entries. It is stored
//! densely (the geometry is [`crate::Geometry::Complete`]).
//!
//! Any other file is an edge list, one coupling per line:
//!
//! ```text
//! # comments start with '#', blank lines are allowed
//! n 6          # optional, the first entry: number of spins (default: largest index + 1)
//! 0 1 -1       # i j J: sites i != j, 0-based, below n; J a finite number
//! 1 2 0.25
//! 2 0 1e-3
//! ```
//!
//! A pair may be listed twice (as `i j J` and `j i J`, a symmetric listing)
//! only with the same $J$: it is read once. A pair listed twice with
//! different values is refused (quench will not guess whether they add).
//! An edge list that couples every pair is stored densely
//! ([`crate::Geometry::Complete`], the dense kernels apply); any other is a
//! sparse graph ([`crate::Geometry::Graph`]) with the bonds in file order.
//!
//! ## Fields
//!
//! Optional, in a second file: text lines `i h` (sites not listed have
//! $h_i = 0$; each site at most once), or a `.npy` vector of shape `(n,)`.
//! A uniform field $h$ given beside them is added to every site.
//!
//! Every error names the file, the line of a text file, what is wrong and
//! what is allowed ([`InstanceError`]).

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::ModelError;
use crate::sample::{Bond, Geometry, Sample};

/// The most spins an instance may have (a bound that keeps a mistyped `n`
/// or index from allocating more memory than any machine has).
pub const MAX_SPINS: usize = 1 << 28;

/// A file that cannot be read as an instance: which file, which line (of a
/// text file), what is wrong and what is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceError {
    /// The file.
    pub file: PathBuf,
    /// The 1-based line of a text file, when the error is on one.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// What would have been accepted.
    pub allowed: String,
}

impl fmt::Display for InstanceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.allowed.is_empty() {
            write!(f, "; allowed: {}", self.allowed)?;
        }
        Ok(())
    }
}

impl std::error::Error for InstanceError {}

/// The couplings of an instance as read.
#[derive(Debug, Clone, PartialEq)]
pub enum InstanceCouplings {
    /// Row-major symmetric $N \times N$ matrix with zero diagonal.
    Dense(Vec<f64>),
    /// Bonds in file order, each pair once.
    Sparse(Vec<Bond>),
}

/// One instance: the number of spins, the couplings and per-site fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Number of spins $N$.
    pub n: usize,
    /// The couplings.
    pub couplings: InstanceCouplings,
    /// Per-site fields $h_i$ from the fields file (zeros without one).
    pub fields: Vec<f64>,
}

impl Instance {
    /// Reads the couplings file and, if given, the fields file.
    pub fn read(couplings: &Path, fields: Option<&Path>) -> Result<Self, InstanceError> {
        let (n, couplings) = if is_npy(couplings) {
            let (n, matrix) = read_dense_npy(couplings)?;
            (n, InstanceCouplings::Dense(matrix))
        } else {
            let text = read_text(couplings)?;
            let (n, bonds) = parse_edges(couplings, &text)?;
            if n >= 2 && bonds.len() == n * (n - 1) / 2 {
                let mut matrix = vec![0.0; n * n];
                for b in &bonds {
                    matrix[b.i * n + b.j] = b.coupling;
                    matrix[b.j * n + b.i] = b.coupling;
                }
                (n, InstanceCouplings::Dense(matrix))
            } else {
                (n, InstanceCouplings::Sparse(bonds))
            }
        };
        let fields = match fields {
            None => vec![0.0; n],
            Some(path) if is_npy(path) => read_fields_npy(path, n)?,
            Some(path) => parse_fields(path, &read_text(path)?, n)?,
        };
        Ok(Self {
            n,
            couplings,
            fields,
        })
    }

    /// The sample of this instance with `uniform_field` added to every site's field.
    pub fn sample(&self, uniform_field: f64) -> Result<Sample, ModelError> {
        let fields: Vec<f64> = self.fields.iter().map(|h| h + uniform_field).collect();
        match &self.couplings {
            InstanceCouplings::Dense(matrix) => Sample::dense(self.n, matrix.clone(), fields),
            InstanceCouplings::Sparse(bonds) => {
                Sample::from_bonds(self.n, bonds.clone(), fields, Geometry::Graph)
            }
        }
    }
}

fn is_npy(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npy"))
}

fn error(
    file: &Path,
    line: Option<usize>,
    message: impl Into<String>,
    allowed: impl Into<String>,
) -> InstanceError {
    InstanceError {
        file: file.to_path_buf(),
        line,
        message: message.into(),
        allowed: allowed.into(),
    }
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, InstanceError> {
    if path.is_dir() {
        return Err(error(path, None, "is a directory", "a file"));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        let what = if e.kind() == io::ErrorKind::NotFound {
            "no such file".to_string()
        } else {
            format!("cannot be read: {e}")
        };
        error(path, None, what, "")
    })?;
    if bytes.is_empty() {
        return Err(error(
            path,
            None,
            "the file is empty",
            "an edge list `i j J` or a .npy matrix",
        ));
    }
    Ok(bytes)
}

fn read_text(path: &Path) -> Result<String, InstanceError> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        error(
            path,
            Some(line),
            "not UTF-8 text",
            "a text edge list, or a file named *.npy",
        )
    })
}

/// The lines of `text` with their 1-based numbers, comments removed, blank lines skipped.
fn data_lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter_map(|(k, line)| {
        let data = line.split('#').next().unwrap_or("");
        let tokens: Vec<&str> = data.split_whitespace().collect();
        (!tokens.is_empty()).then_some((k + 1, tokens))
    })
}

fn parse_index(file: &Path, line: usize, what: &str, token: &str) -> Result<usize, InstanceError> {
    match token.parse::<i128>() {
        Ok(value) if value < 0 => Err(error(
            file,
            Some(line),
            format!("{what} {value} is negative"),
            "0-based site indices >= 0",
        )),
        Ok(value) if value >= MAX_SPINS as i128 => Err(error(
            file,
            Some(line),
            format!("{what} {value} is too large"),
            format!("site indices below {MAX_SPINS}"),
        )),
        Ok(value) => Ok(value as usize),
        Err(_) => Err(error(
            file,
            Some(line),
            format!("{what} {token:?} is not an integer"),
            "0-based site indices (integers >= 0)",
        )),
    }
}

fn parse_value(file: &Path, line: usize, what: &str, token: &str) -> Result<f64, InstanceError> {
    match token.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        Ok(value) => Err(error(
            file,
            Some(line),
            format!("{what} {value} is not finite"),
            "a finite number",
        )),
        Err(_) => Err(error(
            file,
            Some(line),
            format!("{what} {token:?} is not a number"),
            "a finite number",
        )),
    }
}

/// Parses an edge list (see the module docs): `(n, bonds)`.
pub fn parse_edges(file: &Path, text: &str) -> Result<(usize, Vec<Bond>), InstanceError> {
    const LINE: &str = "`i j J` (two site indices and a coupling), or `n N` as the first entry";
    let mut declared: Option<(usize, usize)> = None;
    let mut bonds: Vec<Bond> = Vec::new();
    // (min, max) -> (index in bonds, line)
    let mut seen: std::collections::HashMap<(usize, usize), (usize, usize)> =
        std::collections::HashMap::new();
    for (line, tokens) in data_lines(text) {
        if tokens[0] == "n" {
            if declared.is_some() || !bonds.is_empty() {
                return Err(error(
                    file,
                    Some(line),
                    "`n` is declared after the first entry",
                    "`n N` once, before the first edge",
                ));
            }
            if tokens.len() != 2 {
                return Err(error(
                    file,
                    Some(line),
                    format!("`n` line has {} values", tokens.len() - 1),
                    "`n N` with one positive integer",
                ));
            }
            let n = parse_index(file, line, "n", tokens[1])?;
            if n == 0 {
                return Err(error(
                    file,
                    Some(line),
                    "n = 0",
                    "a positive number of spins",
                ));
            }
            declared = Some((n, line));
            continue;
        }
        if tokens.len() != 3 {
            return Err(error(
                file,
                Some(line),
                format!("{} values on the line", tokens.len()),
                LINE,
            ));
        }
        let i = parse_index(file, line, "site", tokens[0])?;
        let j = parse_index(file, line, "site", tokens[1])?;
        let coupling = parse_value(file, line, "coupling", tokens[2])?;
        if let Some((n, _)) = declared
            && (i >= n || j >= n)
        {
            return Err(error(
                file,
                Some(line),
                format!("site {} is out of range", i.max(j)),
                format!("indices 0 to {} (n = {n})", n - 1),
            ));
        }
        if i == j {
            return Err(error(
                file,
                Some(line),
                format!("self-coupling {i} {j}"),
                "two distinct sites (the Hamiltonian has no J_ii)",
            ));
        }
        let key = (i.min(j), i.max(j));
        if let Some(&(k, first)) = seen.get(&key) {
            if bonds[k].coupling == coupling {
                continue;
            }
            return Err(error(
                file,
                Some(line),
                format!(
                    "pair ({}, {}) is listed again with J = {coupling}, line {first} gave J = {}",
                    key.0, key.1, bonds[k].coupling
                ),
                "each pair once (or twice with the same J, as i j J and j i J)",
            ));
        }
        seen.insert(key, (bonds.len(), line));
        bonds.push(Bond { i, j, coupling });
    }
    let n = match declared {
        Some((n, _)) => n,
        None => bonds
            .iter()
            .map(|b| b.i.max(b.j) + 1)
            .max()
            .ok_or_else(|| {
                error(
                    file,
                    None,
                    "no couplings (only comments or blank lines)",
                    "lines `i j J`, or `n N` for spins without couplings",
                )
            })?,
    };
    Ok((n, bonds))
}

/// Parses a text fields file of `n` sites: lines `i h`.
pub fn parse_fields(file: &Path, text: &str, n: usize) -> Result<Vec<f64>, InstanceError> {
    let mut fields = vec![0.0; n];
    let mut seen: Vec<usize> = vec![0; n];
    let mut any = false;
    for (line, tokens) in data_lines(text) {
        if tokens.len() != 2 {
            return Err(error(
                file,
                Some(line),
                format!("{} values on the line", tokens.len()),
                "`i h` (a site index and its field)",
            ));
        }
        let i = parse_index(file, line, "site", tokens[0])?;
        let h = parse_value(file, line, "field", tokens[1])?;
        if i >= n {
            return Err(error(
                file,
                Some(line),
                format!("site {i} is out of range"),
                format!("indices 0 to {} (n = {n} from the couplings)", n - 1),
            ));
        }
        if seen[i] != 0 {
            return Err(error(
                file,
                Some(line),
                format!("site {i} is listed again (first on line {})", seen[i]),
                "each site at most once",
            ));
        }
        seen[i] = line;
        fields[i] = h;
        any = true;
    }
    if !any {
        return Err(error(
            file,
            None,
            "no fields (only comments or blank lines)",
            "lines `i h`",
        ));
    }
    Ok(fields)
}

/// The header of a `.npy` file: element type, order and shape.
#[derive(Debug, Clone, PartialEq)]
struct NpyHeader {
    /// Bytes per element (4 or 8).
    width: usize,
    big_endian: bool,
    fortran: bool,
    shape: Vec<usize>,
    /// Offset of the data.
    data: usize,
}

const NPY_MAGIC: &[u8] = b"\x93NUMPY";

fn npy_header(file: &Path, bytes: &[u8]) -> Result<NpyHeader, InstanceError> {
    let bad = |message: String| error(file, None, message, "a .npy file as numpy.save writes it");
    if bytes.len() < 10 || &bytes[..6] != NPY_MAGIC {
        return Err(bad("not a .npy file (no \\x93NUMPY magic)".into()));
    }
    let (length, start): (usize, usize) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        major => return Err(bad(format!(".npy format version {major} is unknown"))),
    };
    let end = start
        .checked_add(length)
        .filter(|&e| e <= bytes.len())
        .ok_or_else(|| bad("the header is cut short".into()))?;
    let header = std::str::from_utf8(&bytes[start..end])
        .map_err(|_| bad("the header is not text".into()))?;
    let value_of = |key: &str| -> Option<&str> {
        let at = header.find(&format!("'{key}'"))? + key.len() + 2;
        let rest = header[at..].trim_start().strip_prefix(':')?.trim_start();
        Some(rest)
    };
    let descr = value_of("descr")
        .and_then(|r| r.strip_prefix('\''))
        .and_then(|r| r.split('\'').next())
        .ok_or_else(|| bad("the header has no 'descr'".into()))?;
    let (big_endian, width) = match descr {
        "<f8" => (false, 8),
        ">f8" => (true, 8),
        "<f4" => (false, 4),
        ">f4" => (true, 4),
        "=f8" | "=f4" => (
            cfg!(target_endian = "big"),
            if descr == "=f8" { 8 } else { 4 },
        ),
        other => {
            return Err(error(
                file,
                None,
                format!("element type {other:?}"),
                "float64 ('<f8') or float32 ('<f4'): numpy.save(path, J.astype(numpy.float64))",
            ));
        }
    };
    let fortran = match value_of("fortran_order") {
        Some(r) if r.starts_with("True") => true,
        Some(r) if r.starts_with("False") => false,
        _ => return Err(bad("the header has no 'fortran_order'".into())),
    };
    let shape_text = value_of("shape")
        .and_then(|r| r.strip_prefix('('))
        .and_then(|r| r.split(')').next())
        .ok_or_else(|| bad("the header has no 'shape'".into()))?;
    let shape = shape_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>())
        .collect::<Result<Vec<usize>, _>>()
        .map_err(|_| bad(format!("shape ({shape_text}) is not a tuple of sizes")))?;
    Ok(NpyHeader {
        width,
        big_endian,
        fortran,
        shape,
        data: end,
    })
}

/// The elements of a `.npy` file as `f64`, in file order, after checking
/// that the file holds exactly the data its header describes.
fn npy_values(file: &Path, bytes: &[u8], header: &NpyHeader) -> Result<Vec<f64>, InstanceError> {
    let count = header
        .shape
        .iter()
        .try_fold(1usize, |a, &b| a.checked_mul(b))
        .and_then(|c| c.checked_mul(header.width).map(|bytes| (c, bytes)));
    let data = &bytes[header.data..];
    match count {
        Some((count, size)) if size == data.len() => Ok(data
            .chunks_exact(header.width)
            .take(count)
            .map(|chunk| match (header.width, header.big_endian) {
                (8, false) => f64::from_le_bytes(chunk.try_into().expect("8 bytes")),
                (8, true) => f64::from_be_bytes(chunk.try_into().expect("8 bytes")),
                (_, false) => f64::from(f32::from_le_bytes(chunk.try_into().expect("4 bytes"))),
                (_, true) => f64::from(f32::from_be_bytes(chunk.try_into().expect("4 bytes"))),
            })
            .collect()),
        _ => Err(error(
            file,
            None,
            format!(
                "the header's shape {:?} does not match the {} bytes of data",
                header.shape,
                data.len()
            ),
            "a complete .npy file as numpy.save writes it",
        )),
    }
}

/// Reads a dense coupling matrix: `(n, row-major matrix)`.
pub fn read_dense_npy(file: &Path) -> Result<(usize, Vec<f64>), InstanceError> {
    let bytes = read_bytes(file)?;
    let header = npy_header(file, &bytes)?;
    let n = match header.shape[..] {
        [a, b] if a == b && a >= 1 => a,
        _ => {
            return Err(error(
                file,
                None,
                format!("shape {:?}", header.shape),
                "a square matrix of shape (n, n) with n >= 1",
            ));
        }
    };
    if n > MAX_SPINS {
        return Err(error(
            file,
            None,
            format!("n = {n} is too large"),
            format!("n <= {MAX_SPINS}"),
        ));
    }
    let values = npy_values(file, &bytes, &header)?;
    let matrix = if header.fortran {
        let mut m = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                m[i * n + j] = values[j * n + i];
            }
        }
        m
    } else {
        values
    };
    for i in 0..n {
        for j in 0..n {
            let v = matrix[i * n + j];
            if !v.is_finite() {
                return Err(error(
                    file,
                    None,
                    format!("J[{i}][{j}] = {v} is not finite"),
                    "finite couplings",
                ));
            }
        }
    }
    for i in 0..n {
        if matrix[i * n + i] != 0.0 {
            return Err(error(
                file,
                None,
                format!("J[{i}][{i}] = {} on the diagonal", matrix[i * n + i]),
                "a zero diagonal (the Hamiltonian has no J_ii)",
            ));
        }
        for j in 0..i {
            if matrix[i * n + j] != matrix[j * n + i] {
                return Err(error(
                    file,
                    None,
                    format!(
                        "not symmetric: J[{i}][{j}] = {} but J[{j}][{i}] = {}",
                        matrix[i * n + j],
                        matrix[j * n + i]
                    ),
                    "an exactly symmetric matrix (tolerance 0; save (J + J.T) / 2)",
                ));
            }
        }
    }
    Ok((n, matrix))
}

fn read_fields_npy(file: &Path, n: usize) -> Result<Vec<f64>, InstanceError> {
    let bytes = read_bytes(file)?;
    let header = npy_header(file, &bytes)?;
    if header.shape != [n] {
        return Err(error(
            file,
            None,
            format!("shape {:?}", header.shape),
            format!("a vector of shape ({n},), n = {n} from the couplings"),
        ));
    }
    let fields = npy_values(file, &bytes, &header)?;
    if let Some(i) = fields.iter().position(|h| !h.is_finite()) {
        return Err(error(
            file,
            None,
            format!("h[{i}] = {} is not finite", fields[i]),
            "finite fields",
        ));
    }
    Ok(fields)
}

fn write_npy_header<W: Write>(out: &mut W, shape: &str) -> io::Result<()> {
    let mut header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}");
    // Magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    out.write_all(NPY_MAGIC)?;
    out.write_all(&[1, 0])?;
    out.write_all(&(header.len() as u16).to_le_bytes())?;
    out.write_all(header.as_bytes())
}

/// Writes the couplings of `sample` as an edge list: a comment, `n N` and
/// one line `i j J` per bond (every pair `i < j` of a dense sample), with
/// every value printed so that it reads back exactly.
pub fn write_edges<W: Write>(sample: &Sample, comment: &str, out: &mut W) -> io::Result<()> {
    for line in comment.lines() {
        writeln!(out, "# {line}")?;
    }
    writeln!(out, "n {}", sample.n())?;
    match sample.bonds() {
        Some(bonds) => {
            for b in bonds {
                writeln!(out, "{} {} {}", b.i, b.j, b.coupling)?;
            }
        }
        None => {
            for i in 0..sample.n() {
                for j in i + 1..sample.n() {
                    writeln!(out, "{i} {j} {}", sample.coupling(i, j))?;
                }
            }
        }
    }
    Ok(())
}

/// Writes the couplings of `sample` as a dense float64 `.npy` matrix (C order).
pub fn write_npy<W: Write>(sample: &Sample, out: &mut W) -> io::Result<()> {
    let n = sample.n();
    write_npy_header(out, &format!("({n}, {n})"))?;
    let mut row = Vec::with_capacity(8 * n);
    for i in 0..n {
        row.clear();
        match sample.dense_row(i) {
            Some(values) => values
                .iter()
                .for_each(|v| row.extend_from_slice(&v.to_le_bytes())),
            None => {
                let mut values = vec![0.0f64; n];
                for (j, v) in sample.neighbours(i) {
                    values[j] += v;
                }
                values
                    .iter()
                    .for_each(|v| row.extend_from_slice(&v.to_le_bytes()));
            }
        }
        out.write_all(&row)?;
    }
    Ok(())
}

/// Writes the fields of `sample` as text lines `i h` (every site).
pub fn write_fields<W: Write>(sample: &Sample, comment: &str, out: &mut W) -> io::Result<()> {
    for line in comment.lines() {
        writeln!(out, "# {line}")?;
    }
    for (i, h) in sample.fields().iter().enumerate() {
        writeln!(out, "{i} {h}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
