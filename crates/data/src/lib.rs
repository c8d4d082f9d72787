//! Data sets for quench: the one place where Boltzmann machines (and
//! intrinsic-dimension estimators) get their data.
//!
//! # How data flows
//!
//! ```text
//!  digits()          embedded 8×8 digits ─┐
//!  load_csv(path)    delimited text ──────┼─► Dataset ── subset / of_class / split / scaled_to_unit
//!  load_idx(images)  MNIST's IDX (.gz) ───┤
//!  load_npy(path)    numpy.save arrays ───┘      │       (f64, row-major, labels?, image shape?,
//!                                                │        value range)
//!                                   binarise(Threshold | Bernoulli)
//!                                                ▼
//!  BinaryDataset::from_spins(±1 spins) ───► BinaryDataset ── subset / of_class / split / to_spins
//!                                           (0/1 bytes, row-major, labels?, image shape?)
//! ```
//!
//! A [`Dataset`] holds $n$ rows (samples) of $d$ real features, row after
//! row, with optional class labels, an optional image shape
//! $(h, w)$, $h w = d$, and the **value range** $[\ell, u]$ of its source
//! (the digits: $[0, 16]$; 8-bit pixels: $[0, 255]$; otherwise the observed
//! range). Subsets, classes ([`Dataset::of_class`]) and train/test splits
//! ([`Dataset::split`], stratified by class, reproducible from an explicit
//! seed) keep labels, shape and range, so that the parts of one source are
//! scaled and binarised alike.
//!
//! A [`BinaryDataset`] holds bits, one byte each, for models of binary
//! units. [`Dataset::binarise`] makes one with a [`Binarisation`]: with
//! $p(x) = (x - \ell)/(u - \ell)$,
//!
//! - [`Binarisation::Threshold`]: $b = 1$ if $p(x) \ge$ `fraction` (for the
//!   digits, `fraction = 0.5` means pixel $\ge 8$);
//! - [`Binarisation::Bernoulli`]: $b = 1$ with probability $p(x)$, drawn
//!   from an explicit seed, so that the mean of $b$ is $p(x)$ (stochastic
//!   binarisation, Salakhutdinov & Murray 2008).
//!
//! Ising configurations become data through [`BinaryDataset::from_spins`]
//! ($b = (1 + s)/2$) and go back with [`BinaryDataset::to_spins`].
//!
//! # Sources
//!
//! - [`digits`]: the 1797 images of the UCI "Optical Recognition of
//!   Handwritten Digits" test set (CC BY 4.0, see [`DIGITS_CITATION`]),
//!   shipped in `crates/data/data/`.
//! - [`load_csv`] with [`CsvOptions`]: one row per line, a label column
//!   first, last or absent, a header present, absent or detected.
//! - [`load_idx`] / [`load_idx_with`]: MNIST's IDX format, plain or gzip,
//!   with an optional labels file. Sizes declared by a header are checked
//!   (overflow, [`IdxOptions::max_values`], file length) before anything is
//!   allocated.
//! - [`load_npy`] / [`load_npy_with`]: arrays saved by `numpy.save`, of
//!   shape (points, coordinates) or (points, height, width), checked the
//!   same way.
//! - [`load_file`]: any of the three by the file's extension.
//! - [`reber_string`]: strings of the (embedded) Reber grammar, generated
//!   from a caller's stream, with the set of symbols that may follow each
//!   prefix ([`ReberString`]): the symbolic sequences of recurrent networks.
//!
//! # Example
//!
//! ```
//! use quench_data::{Binarisation, digits};
//!
//! let data = digits(); // 1797 rows × 64 features, 8×8 images, labels 0..9
//! let (train, test) = data.split(0.2, 12345)?; // stratified, reproducible
//! let bits = train.binarise(Binarisation::Threshold { fraction: 0.5 })?; // pixel ≥ 8
//! assert_eq!(bits.features(), 64);
//! assert_eq!(train.len() + test.len(), 1797);
//! let sevens = bits.of_class(7)?;
//! assert!(sevens.labels().unwrap().iter().all(|&label| label == 7));
//! # Ok::<(), quench_data::DataError>(())
//! ```
//!
//! Every fallible function returns a [`DataError`] whose message names the
//! file and the place (`file:line:column` for text), what is wrong and what
//! is allowed.

#![warn(missing_docs)]

mod binary;
mod csv;
mod dataset;
mod digits;
mod error;
mod file;
mod idx;
mod npy;
mod reber;
mod table;

pub use binary::{Binarisation, BinaryDataset};
pub use csv::{CsvOptions, Header, LabelColumn, load_csv, parse_csv};
pub use dataset::Dataset;
pub use digits::{DIGITS_CITATION, DIGITS_CSV, digits};
pub use error::DataError;
pub use file::load_file;
pub use idx::{DEFAULT_MAX_VALUES, IdxOptions, load_idx, load_idx_with};
pub use npy::{load_npy, load_npy_with};
pub use reber::{REBER_SYMBOLS, ReberString, reber_length_distribution, reber_string};
