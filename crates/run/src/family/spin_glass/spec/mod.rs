//! The spec file: one TOML file describes one experiment.
//!
//! ```toml
//! name = "sk-transition"          # names the default results directory runs/<name>
//! description = "..."             # optional, goes into the report
//! seed = 2026                     # master seed of every random stream
//!
//! [model]                         # any model of `quench models`, without its size
//! model = "sk"
//! couplings = "gaussian"
//!
//! [grid]                          # the sizes (n, or length for lattices) and fields to run
//! n = [16, 32, 64]
//! field = [0.0]                   # optional
//!
//! [ensemble]
//! samples = 64                    # disorder samples per grid point
//!
//! [algorithm]
//! method = "parallel-tempering"   # or "independent" (no exchanges)
//! rule = "metropolis"             # or "heat-bath"
//! order = "sequential"            # or "checkerboard", "random"
//! replicas = 2                    # real replicas per temperature (2 or more for overlaps)
//! sweeps_per_round = 1            # local sweeps of every chain per round
//! wolff_updates_per_round = 0     # Wolff clusters per chain per round (ferromagnets)
//! equilibration_rounds = 2000
//! measurement_rounds = 4000       # rounds of the measurement phase
//! measure_every = 1               # rounds between measurements (1: every round)
//! kernel = "auto"                 # or "scalar", "dense-f64", "dense-f32", "packed-signs", "multispin" (see `kernel`)
//!
//! [temperatures]                  # `values = [...]`, or minimum, maximum, count and spacing
//! minimum = 0.4
//! maximum = 1.6
//! count = 13
//! spacing = "geometric"           # or "linear"
//!
//! [observables]
//! overlap_distribution_at = [0.4, 1.0]   # temperatures of the P(q) figure (nearest on the ladder)
//! save_final_spins = false        # final configurations to spins/point-*.npy
//! site_magnetisations = false     # <s_i> with batch-means errors to sites.parquet; SK reports compare them with TAP
//!
//! [output]
//! checkpoint_seconds = 60         # how often every running sample saves its state
//! ```
//!
//! `model = "instance"` reads one sample from files instead of drawing
//! samples ([`instance`]: `couplings = "FILE"`, optional `fields`,
//! `coupling_variance`; no size in `[grid]`, `samples = 1`).
//!
//! [`Spec::parse`] checks everything a run could fail on before it starts:
//! unknown keys, wrong types, out-of-range values, models that cannot be
//! drawn, samplers that do not apply to the model. Every error names the file,
//! the line and the key, and says what is allowed.

use quench_core::{Ensemble, ModelSpec, ParameterError};
use quench_mc::{Kernel, LocalRule, SweepOrder, TemperatureLadder};
use serde::{Deserialize, Serialize};

use crate::error::SpecError;
use crate::family::spin_glass::kernel::KernelOptions;
use crate::locate::Located;

mod grid;
pub mod instance;
mod raw;

use grid::grid_points;
use raw::{RawAlgorithm, RawSpec, RawTemperatures, Spacing};

/// How the chains at different temperatures interact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Replica-exchange Monte Carlo: one exchange pass over the ladder per round.
    ParallelTempering,
    /// Independent chains at every temperature (no exchanges).
    Independent,
}

/// The update protocol of every chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Algorithm {
    /// Exchanges or not.
    pub method: Method,
    /// Local acceptance rule.
    pub rule: LocalRule,
    /// Local sweep order.
    pub order: SweepOrder,
    /// Real replicas per temperature.
    pub replicas: usize,
    /// Local sweeps per round.
    pub sweeps_per_round: u64,
    /// Wolff cluster updates per chain per round.
    pub wolff_updates_per_round: u64,
    /// Rounds before measuring.
    pub equilibration_rounds: u64,
    /// Rounds of the measurement phase.
    pub measurement_rounds: u64,
    /// Rounds between measurements: the rounds `equilibration_rounds + m *
    /// measure_every` (m = 1, 2, ...) are measured.
    pub measure_every: u64,
    /// The kernel keys as written (each grid point's resolved kernel is [`GridPoint::kernel`]).
    pub kernel: KernelOptions,
}

/// Which size parameter the grid varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SizeKey {
    /// Number of spins `n`.
    N,
    /// Lattice side `length`.
    Length,
}

impl SizeKey {
    /// The key's name in spec files and tables.
    pub fn name(self) -> &'static str {
        match self {
            SizeKey::N => "n",
            SizeKey::Length => "length",
        }
    }
}

/// One point of the grid: a model at one size and field.
#[derive(Debug, Clone, PartialEq)]
pub struct GridPoint {
    /// Position in the grid (sizes outer, fields inner).
    pub index: usize,
    /// Value of the size key.
    pub size: usize,
    /// Uniform field.
    pub field: f64,
    /// The model at this point.
    pub model: ModelSpec,
    /// Its validated ensemble.
    pub ensemble: Ensemble,
    /// The kernel that runs its local updates ([`crate::family::spin_glass::kernel`]; resolved
    /// from the spec's choice when the spec is validated).
    pub kernel: Kernel,
}

/// A validated experiment: everything the runner needs.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file it came from (for messages and the manifest).
    pub file: String,
    /// The file's text as run.
    pub source: String,
    /// Experiment name.
    pub name: String,
    /// Free text for the report.
    pub description: String,
    /// Master seed.
    pub seed: u64,
    /// The model table as written (without grid keys).
    pub model_table: toml::Table,
    /// The size key the grid varies.
    pub size_key: SizeKey,
    /// Grid points.
    pub points: Vec<GridPoint>,
    /// Disorder samples per point.
    pub samples: u64,
    /// The update protocol.
    pub algorithm: Algorithm,
    /// The temperature ladder.
    pub ladder: TemperatureLadder,
    /// Ladder slots of the P(q) figure.
    pub overlap_distribution_slots: Vec<usize>,
    /// Whether final spin configurations are written.
    pub save_final_spins: bool,
    /// Whether local magnetisations are measured (`sites.parquet`, the TAP comparison).
    pub site_magnetisations: bool,
    /// Seconds between checkpoints of a running sample.
    pub checkpoint_seconds: f64,
}

const TOP_KEYS: &str = "name, description, seed, [model], [grid], [ensemble], [algorithm], [temperatures], [observables], [output]";

/// Builds errors located in one spec file: the line of a dotted key, and
/// serde's messages rewritten as file, line, key and what is allowed. Every
/// family's spec parser reports through one.
pub struct Reporter<'a> {
    file: &'a str,
    source: &'a str,
    located: Located<'a>,
    top_keys: &'a str,
    choices: Vec<(&'static str, String)>,
}

/// The values a string-valued enum `T` accepts, as a spec writes them
/// (`"a", "b" or "c"`), read from serde's own refusal of a value no enum has.
pub fn choices<T: serde::de::DeserializeOwned>() -> String {
    let refusal = match T::deserialize(toml::Value::String("\u{1}".into())) {
        Ok(_) => return String::new(),
        Err(error) => error.to_string(),
    };
    let names: Vec<String> = refusal
        .split_once("expected ")
        .map(|(_, expected)| {
            expected
                .split('`')
                .skip(1)
                .step_by(2)
                .map(|name| format!("\"{name}\""))
                .collect()
        })
        .unwrap_or_default();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl<'a> Reporter<'a> {
    /// A reporter for the spec `source` read from `file`, whose top-level
    /// keys are the spin-glass ones.
    pub fn new(file: &'a str, source: &'a str) -> Self {
        Self {
            file,
            source,
            located: Located::new(source),
            top_keys: TOP_KEYS,
            choices: Vec::new(),
        }
    }

    /// The same, knowing the values each enum-valued key accepts (listed
    /// when a value there has the wrong type or name).
    pub fn with_choices(mut self, choices: Vec<(&'static str, String)>) -> Self {
        self.choices = choices;
        self
    }

    /// The same, for a spec whose top-level keys are `top_keys` (listed in
    /// the message when one is missing).
    pub fn with_top_keys(file: &'a str, source: &'a str, top_keys: &'a str) -> Self {
        Self {
            top_keys,
            ..Self::new(file, source)
        }
    }

    /// An error at the dotted `key` (its line is found in the file), with
    /// what is allowed there (nothing when empty).
    pub fn at(
        &self,
        key: &str,
        message: impl Into<String>,
        allowed: impl Into<String>,
    ) -> SpecError {
        let allowed = allowed.into();
        SpecError {
            file: self.file.to_string(),
            line: self.located.line_of_key(key),
            key: Some(key.to_string()),
            message: message.into(),
            allowed: (!allowed.is_empty()).then_some(allowed),
        }
    }

    /// The values the enum-valued `key` takes, if the reporter knows them.
    pub fn choice(&self, key: &str) -> Option<String> {
        self.choices
            .iter()
            .find(|(k, v)| *k == key && !v.is_empty())
            .map(|(_, v)| v.clone())
    }

    fn parameter(&self, key: &str, error: &ParameterError) -> SpecError {
        self.at(
            key,
            format!("{} is out of range", error.value),
            error.allowed.clone(),
        )
    }

    /// Checks a run name: letters, digits, `-` and `_`, not empty (the
    /// families whose specs have no name rules of their own share it).
    pub fn run_name(&self, name: &str) -> Result<(), SpecError> {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(self.at(
                "name",
                format!("{name:?} is not a valid run name"),
                "letters, digits, '-' and '_'",
            ));
        }
        Ok(())
    }

    /// Checks `ensemble.samples`: 1 to $2^{32}$.
    pub fn samples(&self, samples: u64) -> Result<(), SpecError> {
        if samples == 0 || samples > 1 << 32 {
            return Err(self.at(
                "ensemble.samples",
                format!("{samples} is out of range"),
                "an integer in 1..=4294967296",
            ));
        }
        Ok(())
    }

    /// Checks a list of loads `grid.alpha`: not empty, each in `(0, high]`, none twice.
    pub fn loads(&self, alphas: &[f64], high: f64) -> Result<(), SpecError> {
        if alphas.is_empty()
            || alphas
                .iter()
                .any(|&x| !(x.is_finite() && x > 0.0 && x <= high))
        {
            return Err(self.at(
                "grid.alpha",
                "loads out of range",
                format!("a non-empty list of alpha = P/N in (0, {high}]"),
            ));
        }
        for (i, alpha) in alphas.iter().enumerate() {
            if let Some(j) = alphas[..i].iter().position(|a| a == alpha) {
                return Err(self.at(
                    &format!("grid.alpha[{i}]"),
                    format!("alpha = {alpha} is listed twice (first at grid.alpha[{j}])"),
                    "each load once (raise ensemble.samples for more samples)",
                ));
            }
        }
        Ok(())
    }

    /// Checks a list of sizes `grid.n`: not empty, each in `low..=high`, none twice.
    pub fn sizes(&self, sizes: &[usize], low: usize, high: usize) -> Result<(), SpecError> {
        if sizes.is_empty() || sizes.iter().any(|n| !(low..=high).contains(n)) {
            return Err(self.at(
                "grid.n",
                "sizes out of range",
                format!("a non-empty list of N in {low}..={high}"),
            ));
        }
        for (i, n) in sizes.iter().enumerate() {
            if let Some(j) = sizes[..i].iter().position(|m| m == n) {
                return Err(self.at(
                    &format!("grid.n[{i}]"),
                    format!("size {n} is listed twice (first at grid.n[{j}]); each would be a different disorder draw under one label"),
                    "each size once (raise ensemble.samples for more samples)",
                ));
            }
        }
        Ok(())
    }

    /// A serde error of the TOML reader, located and rewritten.
    pub fn deserialisation(&self, error: &toml::de::Error) -> SpecError {
        let span = error.span();
        let mut key = span.as_ref().and_then(|s| self.located.key_at(s.start));
        let line = span.as_ref().map_or(1, |s| self.located.line_of(s.start));
        let mut message = error.message().trim().to_string();
        let mut allowed = None;
        if message == "duplicate key"
            && let Some(span) = &span
        {
            let name = self.source[span.clone()]
                .trim()
                .trim_matches(['[', ']', '"'])
                .trim();
            message = format!("`{name}` is given twice");
            allowed = Some("each key once".to_string());
        }
        if let Some(field) = message.strip_prefix("missing field ") {
            let field = field.trim_matches('`').to_string();
            // The error points at the table that lacks the field: a
            // `[section]` header, or the top of the file.
            let header = span
                .as_ref()
                .map(|s| self.source[s.start..].lines().next().unwrap_or("").trim())
                .filter(|text| text.starts_with('[') && !text.starts_with("[["))
                .map(|text| text.trim_matches(['[', ']']).trim().to_string());
            match header {
                Some(section) => {
                    message = format!("[{section}] needs the key `{field}`");
                    key = Some(format!("{section}.{field}"));
                }
                None if key.is_none() => {
                    message = format!("the spec needs the top-level `{field}`");
                    allowed = Some(self.top_keys.to_string());
                }
                None => {
                    message = format!("needs the key `{field}`");
                }
            }
        }
        if let Some((what, expected)) = message.split_once(", expected ") {
            let expected = expected.trim_end_matches('.');
            allowed = Some(
                match expected {
                    "i64" | "u64" | "i32" | "u32" | "usize" => "an integer",
                    "f64" | "f32" => "a number",
                    "a boolean" | "bool" => "true or false",
                    other => other,
                }
                .to_string(),
            );
            message = what.to_string();
        }
        if let Some(key) = &key
            && let Some((_, values)) = self.choices.iter().find(|(k, _)| k == key)
            && !values.is_empty()
            && (message.starts_with("wanted ")
                || message.starts_with("invalid type")
                || message.starts_with("unknown variant"))
        {
            if message.starts_with("wanted ") {
                message = "this value is not one of the names this key takes".to_string();
            }
            allowed = Some(values.clone());
        }
        SpecError {
            file: self.file.to_string(),
            line,
            key,
            message,
            allowed,
        }
    }
}

/// The enum-valued keys of a spin-glass spec and the values they take.
fn spin_glass_choices() -> Vec<(&'static str, String)> {
    vec![
        ("algorithm.method", choices::<Method>()),
        ("algorithm.rule", choices::<LocalRule>()),
        ("algorithm.order", choices::<SweepOrder>()),
        (
            "algorithm.kernel",
            choices::<crate::family::spin_glass::kernel::KernelChoice>(),
        ),
        (
            "algorithm.lane_noise",
            choices::<crate::family::spin_glass::kernel::LaneNoise>(),
        ),
        ("temperatures.spacing", choices::<raw::Spacing>()),
        (
            "model.couplings",
            choices::<quench_core::CouplingDistribution>(),
        ),
    ]
}

fn non_negative(
    reporter: &Reporter<'_>,
    key: &str,
    value: i64,
    minimum: i64,
) -> Result<u64, SpecError> {
    if value < minimum {
        return Err(reporter.at(
            key,
            format!("{value} is out of range"),
            format!("an integer >= {minimum}"),
        ));
    }
    Ok(value as u64)
}

impl Algorithm {
    /// The measurements a sample gets: one every `measure_every` rounds of the measurement phase.
    pub fn measurements(&self) -> u64 {
        self.measurement_rounds / self.measure_every
    }

    /// Whether the state after round `rounds` (counted from the start) is measured.
    pub fn measures(&self, rounds: u64) -> bool {
        rounds > self.equilibration_rounds
            && (rounds - self.equilibration_rounds).is_multiple_of(self.measure_every)
    }
}

impl Spec {
    /// Reads and validates the spec file at `path`.
    pub fn read(path: &std::path::Path) -> Result<Self, crate::RunError> {
        let source = crate::runner::read_spec(path)?;
        Ok(Self::parse(&path.display().to_string(), &source)?)
    }

    /// Validates the text `source` of the file `file`.
    pub fn parse(file: &str, source: &str) -> Result<Self, SpecError> {
        let reporter = Reporter::new(file, source).with_choices(spin_glass_choices());
        let raw: RawSpec = toml::from_str(source).map_err(|e| reporter.deserialisation(&e))?;
        Self::validate(&reporter, file, source, raw)
    }

    fn validate(
        reporter: &Reporter<'_>,
        file: &str,
        source: &str,
        raw: RawSpec,
    ) -> Result<Self, SpecError> {
        if raw.name.is_empty()
            || !raw
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            || raw.name.starts_with('.')
        {
            return Err(reporter.at(
                "name",
                format!("{:?} cannot name a directory", raw.name),
                "letters, digits, '-', '_' and '.', not starting with '.'",
            ));
        }
        let seed = non_negative(reporter, "seed", raw.seed, 0)?;
        let (size_key, mut points) = grid_points(reporter, &raw)?;
        let samples = non_negative(reporter, "ensemble.samples", raw.ensemble.samples, 1)?;
        if samples > 1 << 40 {
            return Err(reporter.at(
                "ensemble.samples",
                format!("{samples} samples is beyond any run"),
                "an integer in 1..=1099511627776 (2^40)",
            ));
        }
        instance::check_samples(reporter, &points, samples)?;
        let algorithm = algorithm(reporter, &raw.algorithm)?;
        let ladder = ladder(reporter, &raw.temperatures)?;
        if algorithm.method == Method::ParallelTempering && ladder.len() < 2 {
            return Err(reporter.at(
                "algorithm.method",
                "parallel tempering needs at least two temperatures",
                "\"independent\" for a single temperature, or more temperatures",
            ));
        }
        check_samplers(reporter, &algorithm, &points)?;
        crate::family::spin_glass::kernel::resolve(
            reporter,
            &algorithm.kernel,
            &algorithm,
            &mut points,
            samples,
        )?;
        let overlap_distribution_slots = match &raw.observables.overlap_distribution_at {
            Some(values) => {
                let temperatures = ladder.temperatures();
                let (low, high) = (temperatures[0], temperatures[temperatures.len() - 1]);
                let mut slots = Vec::new();
                for (i, &t) in values.iter().enumerate() {
                    if !(t >= low - 1e-12 && t <= high + 1e-12) {
                        return Err(reporter.at(
                            &format!("observables.overlap_distribution_at[{i}]"),
                            format!("temperature {t} is outside the ladder"),
                            format!("temperatures between {low} and {high}"),
                        ));
                    }
                    slots.push(nearest_slot(temperatures, t));
                }
                slots.dedup();
                slots
            }
            None => default_overlap_slots(ladder.len()),
        };
        if !(raw.output.checkpoint_seconds.is_finite() && raw.output.checkpoint_seconds > 0.0) {
            return Err(reporter.at(
                "output.checkpoint_seconds",
                format!("{} is out of range", raw.output.checkpoint_seconds),
                "a number of seconds > 0",
            ));
        }
        Ok(Spec {
            file: file.to_string(),
            source: source.to_string(),
            name: raw.name,
            description: raw.description,
            seed,
            model_table: raw.model,
            size_key,
            points,
            samples,
            algorithm,
            ladder,
            overlap_distribution_slots,
            save_final_spins: raw.observables.save_final_spins,
            site_magnetisations: raw.observables.site_magnetisations,
            checkpoint_seconds: raw.output.checkpoint_seconds,
        })
    }
}

fn nearest_slot(temperatures: &[f64], t: f64) -> usize {
    let mut best = 0;
    for (i, &x) in temperatures.iter().enumerate() {
        if (x - t).abs() < (temperatures[best] - t).abs() {
            best = i;
        }
    }
    best
}

/// Four slots spread over the ladder (all of them if there are fewer).
fn default_overlap_slots(count: usize) -> Vec<usize> {
    let mut slots: Vec<usize> = (0..4.min(count)).map(|i| (i * (count - 1)) / 3).collect();
    slots.dedup();
    slots
}

fn algorithm(reporter: &Reporter<'_>, raw: &RawAlgorithm) -> Result<Algorithm, SpecError> {
    let algorithm = Algorithm {
        method: raw.method,
        rule: raw.rule,
        order: raw.order,
        replicas: non_negative(reporter, "algorithm.replicas", raw.replicas, 1)? as usize,
        sweeps_per_round: non_negative(
            reporter,
            "algorithm.sweeps_per_round",
            raw.sweeps_per_round,
            0,
        )?,
        wolff_updates_per_round: non_negative(
            reporter,
            "algorithm.wolff_updates_per_round",
            raw.wolff_updates_per_round,
            0,
        )?,
        equilibration_rounds: non_negative(
            reporter,
            "algorithm.equilibration_rounds",
            raw.equilibration_rounds,
            0,
        )?,
        measurement_rounds: non_negative(
            reporter,
            "algorithm.measurement_rounds",
            raw.measurement_rounds,
            1,
        )?,
        measure_every: non_negative(reporter, "algorithm.measure_every", raw.measure_every, 1)?,
        kernel: KernelOptions {
            choice: raw.kernel,
            word_bits: raw.word_bits,
            lane_noise: raw.lane_noise,
        },
    };
    // Counts beyond any run (2^40 rounds is decades of the fastest
    // kernel) would only overflow the progress arithmetic.
    for (key, value) in [
        ("algorithm.sweeps_per_round", algorithm.sweeps_per_round),
        (
            "algorithm.wolff_updates_per_round",
            algorithm.wolff_updates_per_round,
        ),
        (
            "algorithm.equilibration_rounds",
            algorithm.equilibration_rounds,
        ),
        ("algorithm.measurement_rounds", algorithm.measurement_rounds),
    ] {
        if value > MAX_ROUNDS {
            return Err(reporter.at(
                key,
                format!("{value} is beyond any run"),
                format!("an integer <= {MAX_ROUNDS} (2^40)"),
            ));
        }
    }
    if algorithm.measure_every > algorithm.measurement_rounds {
        return Err(reporter.at(
            "algorithm.measure_every",
            format!(
                "{} rounds between measurements leave none in {} measurement rounds",
                algorithm.measure_every, algorithm.measurement_rounds
            ),
            format!(
                "an integer in 1..={} (measurement_rounds)",
                algorithm.measurement_rounds
            ),
        ));
    }
    if algorithm.sweeps_per_round == 0 && algorithm.wolff_updates_per_round == 0 {
        return Err(reporter.at(
            "algorithm.sweeps_per_round",
            "a round with no sweeps and no cluster updates does nothing",
            "sweeps_per_round >= 1 or wolff_updates_per_round >= 1",
        ));
    }
    Ok(algorithm)
}

/// The most rounds (or sweeps per round) a spec asks for.
const MAX_ROUNDS: u64 = 1 << 40;

/// The most temperatures a ladder takes (checked before it is built).
const MAX_TEMPERATURES: usize = 1 << 16;

fn ladder(reporter: &Reporter<'_>, raw: &RawTemperatures) -> Result<TemperatureLadder, SpecError> {
    const ALLOWED: &str = "`values = [...]`, or `minimum`, `maximum`, `count` (and `spacing`)";
    match (&raw.values, raw.minimum, raw.maximum, raw.count) {
        (Some(values), None, None, None) => {
            TemperatureLadder::from_list(values.clone()).map_err(|e| {
                let index = values.iter().position(|t| !(t.is_finite() && *t > 0.0));
                let key = index.map_or("temperatures.values".to_string(), |i| {
                    format!("temperatures.values[{i}]")
                });
                reporter.parameter(&key, &e)
            })
        }
        (None, Some(minimum), Some(maximum), Some(count)) => {
            let count = non_negative(reporter, "temperatures.count", count, 1)? as usize;
            if count > MAX_TEMPERATURES {
                return Err(reporter.at(
                    "temperatures.count",
                    format!("{count} temperatures is beyond any tempering ladder"),
                    format!("an integer in 1..={MAX_TEMPERATURES}"),
                ));
            }
            let spacing = raw.spacing.unwrap_or(Spacing::Geometric);
            let ladder = match spacing {
                Spacing::Geometric => TemperatureLadder::geometric(minimum, maximum, count),
                Spacing::Linear => TemperatureLadder::linear(minimum, maximum, count),
            };
            ladder.map_err(|e| {
                let key = match e.parameter {
                    "maximum" => "temperatures.maximum",
                    "count" => "temperatures.count",
                    _ => "temperatures.minimum",
                };
                reporter.parameter(key, &e)
            })
        }
        (Some(_), ..) => Err(reporter.at(
            "temperatures.values",
            "`values` is given together with a range",
            ALLOWED,
        )),
        _ => Err(reporter.at("temperatures", "incomplete temperature range", ALLOWED)),
    }
}

/// Checks that the samplers apply to every grid point (from the ensembles'
/// structure: nothing is drawn).
fn check_samplers(
    reporter: &Reporter<'_>,
    algorithm: &Algorithm,
    points: &[GridPoint],
) -> Result<(), SpecError> {
    for point in points {
        if algorithm.wolff_updates_per_round > 0 {
            let ferromagnet = matches!(point.model, ModelSpec::Ferromagnet { .. })
                || instance::is_unfrustrated(point);
            if !ferromagnet || point.field != 0.0 {
                return Err(reporter.at(
                    "algorithm.wolff_updates_per_round",
                    format!(
                        "Wolff cluster updates need a ferromagnet without field (grid point {} is {})",
                        point.index,
                        if ferromagnet { "in a field" } else { "frustrated" }
                    ),
                    "0 for this model",
                ));
            }
        }
        if algorithm.sweeps_per_round > 0 && algorithm.order == SweepOrder::Checkerboard {
            if !matches!(
                point.model,
                ModelSpec::EdwardsAnderson { .. }
                    | ModelSpec::Ferromagnet { .. }
                    | ModelSpec::Instance { .. }
            ) {
                return Err(reporter.at(
                    "algorithm.order",
                    "checkerboard order needs a bipartite lattice; random graphs are not two-colourable in general",
                    "\"sequential\" or \"random\"",
                ));
            }
            if !point.ensemble.structure().two_colourable {
                return Err(reporter.at(
                    "algorithm.order",
                    format!(
                        "at grid point {}: the checkerboard order needs a proper two-colouring, and a periodic lattice of odd side length {} has none",
                        point.index, point.size
                    ),
                    "\"sequential\" or \"random\", or even lengths",
                ));
            }
        }
    }
    Ok(())
}
