//! Where the data of an RBM run come from: the shipped digits, CSV and IDX
//! files, a random teacher machine's exact samples, or 2D Ising
//! configurations at several temperatures; read (or drawn), binarised and
//! split while the spec is validated, every error naming its key.

use std::path::{Path, PathBuf};

use quench_data::{
    Binarisation, BinaryDataset, CsvOptions, LabelColumn, digits, load_csv, load_idx,
};
use quench_learn::boltzmann::exact::MAX_SAMPLED_UNITS;
use serde::Deserialize;

use super::data::IsingData;
use crate::error::SpecError;
use crate::family::spin_glass::spec::Reporter;

/// The data sources.
pub const SOURCES: [&str; 5] = ["digits", "csv", "idx", "teacher", "ising"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawData {
    pub(super) source: String,
    pub(super) binarisation: Option<String>,
    pub(super) threshold: Option<f64>,
    #[serde(default = "default_test_fraction")]
    pub(super) test_fraction: f64,
    pub(super) path: Option<String>,
    pub(super) labels: Option<String>,
    pub(super) labels_path: Option<String>,
    pub(super) visible: Option<usize>,
    pub(super) teacher_hidden: Option<usize>,
    pub(super) teacher_scale: Option<f64>,
    pub(super) rows: Option<usize>,
    pub(super) length: Option<usize>,
    pub(super) temperatures: Option<Vec<f64>>,
    pub(super) spacing: Option<usize>,
    pub(super) equilibration: Option<usize>,
}

fn default_test_fraction() -> f64 {
    0.2
}

/// A random teacher machine whose exact samples are the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TeacherData {
    /// Visible units.
    pub visible: usize,
    /// The teacher's hidden units.
    pub hidden: usize,
    /// Its weights' standard deviation (biases: half of it).
    pub scale: f64,
    /// Rows drawn (train and test together).
    pub rows: usize,
}

/// Where the data come from.
#[derive(Debug, Clone, PartialEq)]
pub enum DataSource {
    /// The shipped 8×8 digits.
    Digits,
    /// A CSV file.
    Csv {
        /// Its path, resolved against the spec's directory.
        path: PathBuf,
        /// The label column.
        labels: LabelColumn,
    },
    /// IDX files (MNIST's format).
    Idx {
        /// The images.
        path: PathBuf,
        /// The labels, if given.
        labels: Option<PathBuf>,
    },
    /// Exact samples of a random teacher RBM.
    Teacher(TeacherData),
    /// Configurations of the 2D Ising ferromagnet at each temperature.
    Ising(IsingData),
}

/// One data set, split: the whole data of a run, or one temperature's
/// configurations.
#[derive(Debug, Clone)]
pub struct DataSet {
    /// The temperature of Ising data (NaN otherwise).
    pub temperature: f64,
    /// Training rows.
    pub train: BinaryDataset,
    /// Held-out rows.
    pub test: BinaryDataset,
    /// Ising data: the integrated autocorrelation time of $|m|$ along the
    /// stored configurations, in configurations (NaN otherwise).
    pub autocorrelation: f64,
    /// For Gaussian visible units: the rows' values, standardised (the
    /// binary sets then only serve the figures).
    pub real: Option<RealRows>,
}

/// Real-valued rows standardised by the training rows' statistics:
/// $(x - \mu_i)/s_i$ per column ($s_i = 1$ for a constant column).
#[derive(Debug, Clone)]
pub struct RealRows {
    /// Training rows, row-major.
    pub train: Vec<f64>,
    /// Held-out rows.
    pub test: Vec<f64>,
    /// $\mu_i$.
    pub mean: Vec<f64>,
    /// $s_i$.
    pub scale: Vec<f64>,
    /// The smallest and largest value of the training rows, in the data's units.
    pub range: (f64, f64),
}

impl RealRows {
    /// A standardised row in the data's units: $x s_i + \mu_i$.
    pub fn restore<'a>(&'a self, row: &'a [f64]) -> impl Iterator<Item = f64> + 'a {
        row.iter()
            .zip(&self.mean)
            .zip(&self.scale)
            .map(|((x, m), s)| x * s + m)
    }

    /// Standardises `train` and `test` by the columns of `train`.
    fn standardise(train: &quench_data::Dataset, test: &quench_data::Dataset) -> Self {
        let columns = train.features();
        let rows = train.len().max(1) as f64;
        let mut mean = vec![0.0; columns];
        for row in train.rows() {
            for (m, x) in mean.iter_mut().zip(row) {
                *m += x / rows;
            }
        }
        let mut scale = vec![0.0; columns];
        for row in train.rows() {
            for ((s, x), m) in scale.iter_mut().zip(row).zip(&mean) {
                *s += (x - m) * (x - m) / rows;
            }
        }
        for s in &mut scale {
            *s = if *s > 0.0 { s.sqrt() } else { 1.0 };
        }
        let apply = |set: &quench_data::Dataset| -> Vec<f64> {
            set.rows()
                .flat_map(|row| {
                    row.iter()
                        .zip(&mean)
                        .zip(&scale)
                        .map(|((x, m), s)| (x - m) / s)
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        let range = train
            .values()
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), &x| {
                (low.min(x), high.max(x))
            });
        Self {
            train: apply(train),
            test: apply(test),
            mean: mean.clone(),
            scale: scale.clone(),
            range,
        }
    }
}

/// The data of a spec, loaded.
pub(super) struct Loaded {
    pub(super) source: DataSource,
    pub(super) binarisation: Binarisation,
    pub(super) datasets: Vec<DataSet>,
    pub(super) teacher_test_log_likelihood: Option<f64>,
}

/// One data set without temperature.
fn single(train: BinaryDataset, test: BinaryDataset) -> Vec<DataSet> {
    vec![DataSet {
        temperature: f64::NAN,
        train,
        test,
        autocorrelation: f64::NAN,
        real: None,
    }]
}

/// Reads (or draws) the data and splits it; every error names the key.
pub(super) fn load_data(
    r: &Reporter<'_>,
    d: &RawData,
    directory: &Path,
    seed: u64,
    gaussian: bool,
) -> Result<Loaded, SpecError> {
    if gaussian && (d.source == "teacher" || d.source == "ising") {
        return Err(r.at(
            "model.visible_units",
            format!("\"gaussian\" with source = {:?}", d.source),
            "\"gaussian\" for real-valued data: source = \"digits\", \"csv\" or \"idx\"",
        ));
    }
    if gaussian {
        for (key, present) in [
            ("binarisation", d.binarisation.is_some()),
            ("threshold", d.threshold.is_some()),
        ] {
            if present {
                return Err(r.at(
                    &format!("data.{key}"),
                    "does not apply to Gaussian visible units (the values are standardised, not binarised)",
                    "",
                ));
            }
        }
    }
    if !SOURCES.contains(&d.source.as_str()) {
        return Err(r.at(
            "data.source",
            format!("unknown source {:?}", d.source),
            "\"digits\", \"csv\", \"idx\", \"teacher\" or \"ising\"",
        ));
    }
    if !(d.test_fraction.is_finite() && (0.0..1.0).contains(&d.test_fraction)) {
        return Err(r.at(
            "data.test_fraction",
            format!("{} is out of range", d.test_fraction),
            "a number in [0, 1)",
        ));
    }
    let only = |keys: &[(&str, bool)], source: &str| -> Result<(), SpecError> {
        for (key, present) in keys {
            if *present {
                return Err(r.at(
                    &format!("data.{key}"),
                    format!("does not apply to source = {:?}", d.source),
                    format!("only with source = \"{source}\""),
                ));
            }
        }
        Ok(())
    };
    let teacher_keys = [
        ("visible", d.visible.is_some()),
        ("teacher_hidden", d.teacher_hidden.is_some()),
        ("teacher_scale", d.teacher_scale.is_some()),
    ];
    let ising_keys = [
        ("length", d.length.is_some()),
        ("temperatures", d.temperatures.is_some()),
        ("spacing", d.spacing.is_some()),
        ("equilibration", d.equilibration.is_some()),
    ];
    let bits_only = |source: &str| -> Result<(), SpecError> {
        for (key, present) in [
            ("binarisation", d.binarisation.is_some()),
            ("threshold", d.threshold.is_some()),
        ] {
            if present {
                return Err(r.at(
                    &format!("data.{key}"),
                    format!("does not apply to source = \"{source}\" (its samples are bits)"),
                    "",
                ));
            }
        }
        Ok(())
    };
    let file_keys = [
        ("path", d.path.is_some()),
        ("labels", d.labels.is_some()),
        ("labels_path", d.labels_path.is_some()),
    ];
    let path = |key: &str| -> Result<PathBuf, SpecError> {
        let given = d.path.as_deref().ok_or_else(|| {
            r.at(
                key,
                format!("is missing for source = {:?}", d.source),
                "a path in quotes, relative to the spec file's directory",
            )
        })?;
        Ok(directory.join(given))
    };
    if d.source == "teacher" {
        only(&file_keys, "csv\" or \"idx")?;
        only(&ising_keys, "ising")?;
        bits_only("teacher")?;
        return teacher_data(r, d, seed);
    }
    if d.source == "ising" {
        only(&file_keys, "csv\" or \"idx")?;
        only(&teacher_keys, "teacher")?;
        bits_only("ising")?;
        return ising_data(r, d, seed);
    }
    only(&teacher_keys, "teacher")?;
    only(&ising_keys, "ising")?;
    if d.rows.is_some() {
        return Err(r.at(
            "data.rows",
            format!("does not apply to source = {:?}", d.source),
            "only with source = \"teacher\" or \"ising\"",
        ));
    }
    let (source, dataset) = match d.source.as_str() {
        "digits" => {
            only(&file_keys, "csv\" or \"idx")?;
            (DataSource::Digits, digits())
        }
        "csv" => {
            if d.labels_path.is_some() {
                return Err(r.at(
                    "data.labels_path",
                    "applies to source = \"idx\" only",
                    "labels = \"none\", \"first\" or \"last\" for a CSV file",
                ));
            }
            let labels = match d.labels.as_deref() {
                None | Some("none") => LabelColumn::None,
                Some("first") => LabelColumn::First,
                Some("last") => LabelColumn::Last,
                Some(other) => {
                    return Err(r.at(
                        "data.labels",
                        format!("unknown label column {other:?}"),
                        "\"none\", \"first\" or \"last\"",
                    ));
                }
            };
            let file = path("data.path")?;
            let options = CsvOptions {
                label: labels,
                ..CsvOptions::default()
            };
            let dataset =
                load_csv(&file, options).map_err(|e| r.at("data.path", e.to_string(), ""))?;
            (DataSource::Csv { path: file, labels }, dataset)
        }
        _ => {
            if d.labels.is_some() {
                return Err(r.at(
                    "data.labels",
                    "applies to source = \"csv\" only",
                    "labels_path = \"FILE\" for IDX labels",
                ));
            }
            let file = path("data.path")?;
            let labels = d.labels_path.as_ref().map(|p| directory.join(p));
            let dataset = load_idx(&file, labels.as_deref()).map_err(|e| {
                let key = if labels.is_some() && e.to_string().contains("label") {
                    "data.labels_path"
                } else {
                    "data.path"
                };
                r.at(key, e.to_string(), "")
            })?;
            (DataSource::Idx { path: file, labels }, dataset)
        }
    };
    let binarisation = match d.binarisation.as_deref() {
        None | Some("threshold") => {
            let fraction = d.threshold.unwrap_or(0.5);
            if !(fraction.is_finite() && (0.0..=1.0).contains(&fraction)) {
                return Err(r.at(
                    "data.threshold",
                    format!("{fraction} is out of range"),
                    "a fraction of the value range in [0, 1]",
                ));
            }
            Binarisation::Threshold { fraction }
        }
        Some("bernoulli") => {
            if d.threshold.is_some() {
                return Err(r.at(
                    "data.threshold",
                    "applies to binarisation = \"threshold\" only",
                    "",
                ));
            }
            Binarisation::Bernoulli { seed }
        }
        Some(other) => {
            return Err(r.at(
                "data.binarisation",
                format!("unknown binarisation {other:?}"),
                "\"threshold\" or \"bernoulli\"",
            ));
        }
    };
    if gaussian {
        // Split the values, then binarise each part for the figures only.
        let (train, test) = dataset
            .split(d.test_fraction, seed)
            .map_err(|e| r.at("data.test_fraction", e.to_string(), ""))?;
        if train.is_empty() {
            return Err(r.at(
                "data.test_fraction",
                "leaves no training rows",
                "a smaller fraction",
            ));
        }
        let real = RealRows::standardise(&train, &test);
        let bits = |set: &quench_data::Dataset| {
            set.binarise(binarisation)
                .map_err(|e| r.at("data.path", e.to_string(), ""))
        };
        let mut datasets = single(bits(&train)?, bits(&test)?);
        datasets[0].real = Some(real);
        return Ok(Loaded {
            source,
            binarisation,
            datasets,
            teacher_test_log_likelihood: None,
        });
    }
    let binary = dataset
        .binarise(binarisation)
        .map_err(|e| r.at("data.binarisation", e.to_string(), ""))?;
    let (train, test) = binary
        .split(d.test_fraction, seed)
        .map_err(|e| r.at("data.test_fraction", e.to_string(), ""))?;
    if train.is_empty() {
        return Err(r.at(
            "data.test_fraction",
            "leaves no training rows",
            "a smaller fraction",
        ));
    }
    Ok(Loaded {
        source,
        binarisation,
        datasets: single(train, test),
        teacher_test_log_likelihood: None,
    })
}

/// Exact samples of a random teacher RBM, split into train and test.
fn teacher_data(r: &Reporter<'_>, d: &RawData, seed: u64) -> Result<Loaded, SpecError> {
    let need = |key: &str, value: Option<usize>, low: usize, high: usize| {
        integer_key(r, "teacher", key, value, low, high)
    };
    let visible = need("visible", d.visible, 1, 4096)?;
    let hidden = need("teacher_hidden", d.teacher_hidden, 1, 4096)?;
    if visible.min(hidden) > MAX_SAMPLED_UNITS {
        return Err(r.at(
            "data.teacher_hidden",
            format!("{hidden} hidden and {visible} visible units"),
            format!("a teacher with a layer of at most {MAX_SAMPLED_UNITS} units (exact samples)"),
        ));
    }
    let rows = need("rows", d.rows, 2, 10_000_000)?;
    let scale = d.teacher_scale.unwrap_or(1.0);
    if !(scale.is_finite() && scale >= 0.0) {
        return Err(r.at(
            "data.teacher_scale",
            format!("{scale} is out of range"),
            "a number >= 0",
        ));
    }
    let teacher = TeacherData {
        visible,
        hidden,
        scale,
        rows,
    };
    let (train, test, log_likelihood) =
        super::data::teacher_samples(&teacher, d.test_fraction, seed)
            .map_err(|e| r.at("data.teacher_hidden", e.to_string(), ""))?;
    Ok(Loaded {
        source: DataSource::Teacher(teacher),
        binarisation: Binarisation::Threshold { fraction: 0.5 },
        datasets: single(train, test),
        teacher_test_log_likelihood: Some(log_likelihood),
    })
}

/// Configurations of the 2D Ising ferromagnet, one data set per temperature.
fn ising_data(r: &Reporter<'_>, d: &RawData, seed: u64) -> Result<Loaded, SpecError> {
    let need =
        |key: &str, value: Option<usize>, default: Option<usize>, low: usize, high: usize| {
            integer_key(r, "ising", key, value.or(default), low, high)
        };
    let length = need("length", d.length, None, 2, 256)?;
    let rows = need("rows", d.rows, None, 2, 1_000_000)?;
    if (length * length).saturating_mul(rows) > 1 << 28 {
        return Err(r.at(
            "data.rows",
            format!("{rows} configurations of {} spins", length * length),
            "at most 2^28 spins in all per temperature",
        ));
    }
    let data = IsingData {
        length,
        rows,
        spacing: need("spacing", d.spacing, Some(1), 1, 10_000)?,
        equilibration: need("equilibration", d.equilibration, Some(200), 0, 1_000_000)?,
    };
    let temperatures = d.temperatures.as_deref().ok_or_else(|| {
        r.at(
            "data.temperatures",
            "is missing for source = \"ising\"",
            "a list of temperatures > 0",
        )
    })?;
    if temperatures.is_empty() {
        return Err(r.at(
            "data.temperatures",
            "is empty",
            "a list of temperatures > 0",
        ));
    }
    let mut datasets = Vec::new();
    for (k, &temperature) in temperatures.iter().enumerate() {
        let key = format!("data.temperatures[{k}]");
        if !(temperature.is_finite() && temperature > 0.0) {
            return Err(r.at(
                &key,
                format!("{temperature} is out of range"),
                "a temperature > 0",
            ));
        }
        if temperatures[..k].contains(&temperature) {
            return Err(r.at(
                &key,
                format!("{temperature} is listed twice"),
                "each temperature once",
            ));
        }
        let (spins, autocorrelation) =
            super::data::ising_configurations(&data, temperature, k, seed)
                .map_err(|e| r.at(&key, e.to_string(), ""))?;
        let bits = BinaryDataset::from_spins(rows, length * length, &spins)
            .and_then(|b| b.with_image_shape(length, length))
            .map_err(|e| r.at(&key, e.to_string(), ""))?;
        let test_rows = (d.test_fraction * rows as f64).round() as usize;
        let train: Vec<usize> = (0..rows - test_rows).collect();
        let test: Vec<usize> = (rows - test_rows..rows).collect();
        if train.is_empty() {
            return Err(r.at(
                "data.test_fraction",
                "leaves no training rows",
                "a smaller fraction",
            ));
        }
        datasets.push(DataSet {
            temperature,
            train: bits
                .subset(&train)
                .with_name(format!("Ising configurations at T = {temperature} (train)")),
            test: bits
                .subset(&test)
                .with_name(format!("Ising configurations at T = {temperature} (test)")),
            autocorrelation,
            real: None,
        });
    }
    Ok(Loaded {
        source: DataSource::Ising(data),
        binarisation: Binarisation::Threshold { fraction: 0.5 },
        datasets,
        teacher_test_log_likelihood: None,
    })
}

/// The integer `data.{key}` of a data source: present and in `low..=high`.
fn integer_key(
    r: &Reporter<'_>,
    source: &str,
    key: &str,
    value: Option<usize>,
    low: usize,
    high: usize,
) -> Result<usize, SpecError> {
    let allowed = format!("an integer in {low}..={high}");
    let value = value.ok_or_else(|| {
        r.at(
            &format!("data.{key}"),
            format!("is missing for source = \"{source}\""),
            allowed.clone(),
        )
    })?;
    if !(low..=high).contains(&value) {
        return Err(r.at(
            &format!("data.{key}"),
            format!("{value} is out of range"),
            allowed,
        ));
    }
    Ok(value)
}
