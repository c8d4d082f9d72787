//! The spec of a glassy-dynamics experiment (`model = "glassy-dynamics"`):
//! a quench from infinite temperature, every error located in the file.
//!
//! ```toml
//! name = "pspin-ageing"
//! seed = 1993
//! [model]
//! model = "glassy-dynamics"
//! system = "spherical-pspin"   # or "ising-pspin", "sherrington-kirkpatrick", "edwards-anderson" (±J lattice, multispin kernel)
//! p = 3                        # one order; or a mixture (spherical):
//! # orders = [2, 4]
//! # coefficients = [1.0, 0.5]  # a_p, H = sum_p a_p H_p
//! # connectivity = 3           # ising-pspin: diluted c-regular hypergraph (leave out: fully connected)
//! # dimension = 3              # edwards-anderson: the lattice dimension (2..=4); sizes are then side lengths L
//! [grid]
//! sizes = [64, 128, 256]       # N (edwards-anderson: L, N = L^d)
//! temperature = 0.5            # T after the quench (a number or a list)
//! [dynamics]
//! time_step = 0.01             # Langevin step (spherical); Ising time is in sweeps
//! rule = "glauber"             # Ising: "glauber" or "metropolis"; edwards-anderson: "metropolis" only
//! final_time = 128
//! waiting_times = [2, 8, 32]   # default: powers of two from 1 to final_time / 4
//! measurements = 40            # energy times, geometric from one step to final_time
//! lags = 30                    # lags, geometric from one step to final_time - the last waiting time
//! field = 0.05                 # h of the twins that measure the response (0: none)
//! histories = 4                # thermal histories per sample
//! [ensemble]
//! samples = 4
//! [theory]
//! solve = true                 # the Cugliandolo–Kurchan solution (spherical only; default true there)
//! points = 256                 # points per block of its two-time grid
//! [output]
//! checkpoint_seconds = 60
//! ```

use quench_dynamics::Mixture;
use quench_dynamics::spherical::COUPLING_MEMORY_LIMIT;
use serde::Deserialize;

pub use super::system::System;
use crate::error::SpecError;
use crate::family::sections::{RawEnsemble, RawOutput};
use crate::family::spin_glass::spec::Reporter;
use crate::family::{ModelInfo, ParameterInfo};

/// Largest size of any system.
pub const MAX_SIZE: usize = 1 << 20;
/// Most waiting times.
pub const MAX_WAITING_TIMES: usize = 16;
/// Most steps of one history.
pub const MAX_STEPS: f64 = 1e9;

/// Whether a spec is a glassy-dynamics experiment.
pub fn claims(document: &toml::Table) -> bool {
    crate::family::sections::names_model(document, "glassy-dynamics")
}

/// The model of the family, for `quench models`.
pub fn catalogue() -> Vec<ModelInfo> {
    let parameter = |key, meaning, allowed, default| ParameterInfo {
        key,
        meaning,
        allowed,
        default,
    };
    vec![ModelInfo {
        name: "glassy-dynamics",
        aliases: &[],
        description: "p-spin glasses quenched from infinite temperature: spherical (pure or mixed p, Langevin) and Ising (fully connected or diluted, Glauber or Metropolis); e(t), C(t_w + tau, t_w) and the integrated response, beside the Cugliandolo-Kurchan solution",
        hamiltonian: "H = -sum_{i1<..<ip} J s_i1..s_ip, E J^2 = p!/(2 N^(p-1)) (diluted: J = +-1 on a c-regular hypergraph); spherical |s|^2 = N",
        size_key: "sizes",
        parameters: vec![
            parameter(
                "model.system",
                "the system quenched",
                "\"spherical-pspin\", \"ising-pspin\", \"sherrington-kirkpatrick\" or \"edwards-anderson\"",
                None,
            ),
            parameter(
                "model.p",
                "interaction order",
                "2..=4 (dense), 2..=16 (diluted)",
                None,
            ),
            parameter(
                "model.orders",
                "orders of a spherical mixture, with model.coefficients",
                "distinct integers in 2..=4",
                None,
            ),
            parameter(
                "model.connectivity",
                "hyperedges per site of a diluted Ising model",
                "1..=64",
                Some("fully connected"),
            ),
            parameter(
                "model.dimension",
                "lattice dimension of system = \"edwards-anderson\" (±J, periodic; sizes are side lengths L)",
                "2..=4",
                Some("3"),
            ),
            parameter(
                "grid.sizes",
                "N (edwards-anderson: L)",
                "a list of sizes",
                None,
            ),
            parameter(
                "grid.temperature",
                "T > 0 of the bath",
                "a number or a list",
                None,
            ),
        ],
    }]
}

/// One grid point: a size and a temperature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DynamicsPoint {
    /// Index in the grid (size-major).
    pub index: usize,
    /// Index of the size.
    pub size_index: usize,
    /// $N$.
    pub size: usize,
    /// $T$.
    pub temperature: f64,
}

/// A validated glassy-dynamics spec.
#[derive(Debug, Clone)]
pub struct GlassyDynamicsSpec {
    /// The file as given.
    pub file: String,
    /// Its text.
    pub source: String,
    /// Run name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Master seed.
    pub seed: u64,
    /// The system.
    pub system: System,
    /// The sizes.
    pub sizes: Vec<usize>,
    /// The temperatures.
    pub temperatures: Vec<f64>,
    /// Grid points, size-major.
    pub points: Vec<DynamicsPoint>,
    /// Time unit of the dynamics: the Langevin step, or one sweep.
    pub time_step: f64,
    /// Last time.
    pub final_time: f64,
    /// Waiting times, increasing, on whole steps.
    pub waiting_times: Vec<f64>,
    /// Energy times (from 0), on whole steps, increasing.
    pub times: Vec<f64>,
    /// Lags, on whole steps, increasing.
    pub lags: Vec<f64>,
    /// Field of the response twins.
    pub field: f64,
    /// Histories per sample.
    pub histories: u64,
    /// Samples per point.
    pub samples: u64,
    /// Whether the Cugliandolo–Kurchan solution is computed.
    pub theory: bool,
    /// Its grid points per block.
    pub theory_points: usize,
    /// Seconds between checkpoints.
    pub checkpoint_seconds: f64,
}

impl GlassyDynamicsSpec {
    /// Steps of one history (the last time, in steps).
    pub fn steps(&self) -> u64 {
        let last = self.waiting_times.last().copied().unwrap_or(0.0).max(0.0)
            + self.lags.last().copied().unwrap_or(0.0);
        (last.max(self.final_time) / self.time_step).round() as u64
    }

    /// The schedule of every history.
    pub fn schedule(&self) -> quench_dynamics::Schedule {
        quench_dynamics::Schedule {
            times: self.times.clone(),
            waiting_times: self.waiting_times.clone(),
            lags: self.lags.clone(),
        }
    }
}

/// `count` geometric values from `first` to `last` rounded to whole steps of
/// `step` (at least one), without repeats.
fn geometric_steps(first: f64, last: f64, count: usize, step: f64) -> Vec<f64> {
    let mut values: Vec<u64> = quench_dynamics::geometric_times(first, last, count)
        .into_iter()
        .skip(1)
        .map(|t| ((t / step).round() as u64).max(1))
        .collect();
    values.dedup();
    values.into_iter().map(|k| k as f64 * step).collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    name: String,
    #[serde(default)]
    description: String,
    seed: u64,
    model: RawModel,
    grid: RawGrid,
    dynamics: RawDynamics,
    #[serde(default)]
    ensemble: RawEnsemble,
    #[serde(default)]
    theory: RawTheory,
    #[serde(default)]
    output: RawOutput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    #[allow(dead_code)]
    model: String,
    system: String,
    p: Option<u32>,
    orders: Option<Vec<u32>>,
    coefficients: Option<Vec<f64>>,
    connectivity: Option<usize>,
    dimension: Option<u32>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(f64),
    Many(Vec<f64>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrid {
    sizes: Vec<usize>,
    temperature: OneOrMany,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDynamics {
    time_step: Option<f64>,
    rule: Option<String>,
    final_time: f64,
    waiting_times: Option<Vec<f64>>,
    #[serde(default = "default_measurements")]
    measurements: usize,
    #[serde(default = "default_lags")]
    lags: usize,
    field: Option<f64>,
    #[serde(default = "default_histories")]
    histories: u64,
}

fn default_measurements() -> usize {
    40
}
fn default_lags() -> usize {
    30
}
fn default_histories() -> u64 {
    4
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTheory {
    solve: Option<bool>,
    points: Option<usize>,
}

impl GlassyDynamicsSpec {
    /// Validates the text `source` of the file `file`.
    pub fn parse(file: &str, source: &str) -> Result<Self, SpecError> {
        let reporter = Reporter::with_top_keys(
            file,
            source,
            "name, description, seed, [model], [grid], [dynamics], [ensemble], [theory], [output]",
        );
        let r = &reporter;
        let raw: RawSpec = toml::from_str(source).map_err(|e| r.deserialisation(&e))?;
        r.run_name(&raw.name)?;
        r.samples(raw.ensemble.samples)?;
        let m = &raw.model;
        let d = &raw.dynamics;
        let refuse = |key: &str, given: bool, why: &str| {
            if given {
                Err(r.at(key, format!("does not apply to {why}"), "leave it out"))
            } else {
                Ok(())
            }
        };
        let order = |p: u32, high: u32| {
            if (2..=high).contains(&p) {
                Ok(p)
            } else {
                Err(r.at(
                    "model.p",
                    format!("{p} is out of range"),
                    format!("an interaction order in 2..={high}"),
                ))
            }
        };
        if m.system != "edwards-anderson" {
            refuse(
                "model.dimension",
                m.dimension.is_some(),
                "p-spin systems (the dimension of a lattice, for system = \"edwards-anderson\")",
            )?;
        }
        let rule = |allowed: &str| match d.rule.as_deref().unwrap_or("glauber") {
            "glauber" => Ok(false),
            "metropolis" => Ok(true),
            other => Err(r.at(
                "dynamics.rule",
                format!("unknown rule {other:?}"),
                allowed.to_string(),
            )),
        };
        let system = match m.system.as_str() {
            "sherrington-kirkpatrick" => {
                for (key, given) in [
                    ("model.p", m.p.is_some()),
                    ("model.orders", m.orders.is_some()),
                    ("model.coefficients", m.coefficients.is_some()),
                    ("model.connectivity", m.connectivity.is_some()),
                ] {
                    refuse(
                        key,
                        given,
                        "system = \"sherrington-kirkpatrick\" (Gaussian couplings between all pairs)",
                    )?;
                }
                refuse(
                    "dynamics.time_step",
                    d.time_step.is_some(),
                    "system = \"sherrington-kirkpatrick\" (time is counted in sweeps of N updates)",
                )?;
                System::SherringtonKirkpatrick {
                    metropolis: rule("\"glauber\" or \"metropolis\"")?,
                }
            }
            "edwards-anderson" => {
                for (key, given) in [
                    ("model.p", m.p.is_some()),
                    ("model.orders", m.orders.is_some()),
                    ("model.coefficients", m.coefficients.is_some()),
                    ("model.connectivity", m.connectivity.is_some()),
                ] {
                    refuse(
                        key,
                        given,
                        "system = \"edwards-anderson\" (±J bonds between lattice neighbours)",
                    )?;
                }
                refuse(
                    "dynamics.time_step",
                    d.time_step.is_some(),
                    "system = \"edwards-anderson\" (time is counted in sweeps)",
                )?;
                refuse(
                    "dynamics.field",
                    d.field.is_some_and(|h| h != 0.0),
                    "system = \"edwards-anderson\" (the multispin kernel has no field, so no response is measured)",
                )?;
                if let Some(rule) = d.rule.as_deref()
                    && rule != "metropolis"
                {
                    return Err(r.at(
                        "dynamics.rule",
                        format!("{rule:?} is not the multispin kernel's rule"),
                        "\"metropolis\" (or leave it out)",
                    ));
                }
                let dimension = m.dimension.unwrap_or(3);
                if !(2..=4).contains(&dimension) {
                    return Err(r.at(
                        "model.dimension",
                        format!("{dimension} is out of range"),
                        "a lattice dimension in 2..=4 (the kernel takes up to 8 neighbours)",
                    ));
                }
                System::EdwardsAnderson { dimension }
            }
            "spherical-pspin" => {
                refuse(
                    "model.connectivity",
                    m.connectivity.is_some(),
                    "system = \"spherical-pspin\" (dense couplings)",
                )?;
                refuse(
                    "dynamics.rule",
                    d.rule.is_some(),
                    "system = \"spherical-pspin\" (Langevin dynamics)",
                )?;
                let terms: Vec<(u32, f64)> = match (m.p, &m.orders, &m.coefficients) {
                    (Some(p), None, None) => vec![(order(p, 4)?, 1.0)],
                    (Some(_), Some(_), _) => {
                        return Err(r.at(
                            "model.orders",
                            "is given beside model.p",
                            "either p (a pure model) or orders with coefficients (a mixture)",
                        ));
                    }
                    (Some(_), None, Some(_)) | (None, None, Some(_)) => {
                        return Err(r.at(
                            "model.coefficients",
                            "needs model.orders beside it",
                            "orders = [...] and coefficients = [...] of the same length",
                        ));
                    }
                    (None, Some(orders), coefficients) => {
                        let coefficients = coefficients.clone().unwrap_or(vec![1.0; orders.len()]);
                        if orders.is_empty() || orders.len() != coefficients.len() {
                            return Err(r.at(
                                "model.coefficients",
                                format!(
                                    "{} coefficients for {} orders",
                                    coefficients.len(),
                                    orders.len()
                                ),
                                "one coefficient a_p > 0 for each order, at least one order",
                            ));
                        }
                        for (i, &p) in orders.iter().enumerate() {
                            if !(2..=4).contains(&p) || orders[..i].contains(&p) {
                                return Err(r.at(
                                    &format!("model.orders[{i}]"),
                                    format!("{p} is out of range or listed twice"),
                                    "distinct orders in 2..=4",
                                ));
                            }
                        }
                        for (i, &a) in coefficients.iter().enumerate() {
                            if !(a.is_finite() && a > 0.0 && a <= 100.0) {
                                return Err(r.at(
                                    &format!("model.coefficients[{i}]"),
                                    format!("{a} is out of range"),
                                    "a coefficient a_p in (0, 100] (leave an order out instead of 0)",
                                ));
                            }
                        }
                        orders.iter().copied().zip(coefficients).collect()
                    }
                    (None, None, None) => {
                        return Err(r.at(
                            "model",
                            "[model] needs the key `p` (or `orders` with `coefficients`)",
                            "p = 3, or orders = [2, 4] with coefficients = [1.0, 0.5]",
                        ));
                    }
                };
                let mixture = Mixture::new(&terms)
                    .map_err(|e| r.at("model.orders", e.to_string(), "distinct orders in 2..=4"))?;
                System::Spherical { mixture }
            }
            "ising-pspin" => {
                refuse(
                    "model.orders",
                    m.orders.is_some(),
                    "system = \"ising-pspin\" (one order p)",
                )?;
                refuse(
                    "model.coefficients",
                    m.coefficients.is_some(),
                    "system = \"ising-pspin\" (one order p)",
                )?;
                refuse(
                    "dynamics.time_step",
                    d.time_step.is_some(),
                    "system = \"ising-pspin\" (time is counted in sweeps of N updates)",
                )?;
                let Some(p) = m.p else {
                    return Err(r.at(
                        "model",
                        "[model] needs the key `p`",
                        "the interaction order, p = 3",
                    ));
                };
                let p = order(p, if m.connectivity.is_some() { 16 } else { 4 })?;
                if let Some(c) = m.connectivity
                    && !(1..=64).contains(&c)
                {
                    return Err(r.at(
                        "model.connectivity",
                        format!("{c} is out of range"),
                        "hyperedges per site in 1..=64 (leave it out for the fully connected model)",
                    ));
                }
                let metropolis = rule("\"glauber\" or \"metropolis\"")?;
                System::Ising {
                    order: p,
                    connectivity: m.connectivity,
                    metropolis,
                }
            }
            other => {
                return Err(r.at(
                    "model.system",
                    format!("unknown system {other:?}"),
                    "\"spherical-pspin\", \"ising-pspin\", \"sherrington-kirkpatrick\" or \"edwards-anderson\"",
                ));
            }
        };
        let largest = system.terms().iter().map(|t| t.0).max().unwrap_or(2) as usize;
        let sizes = raw.grid.sizes.clone();
        if sizes.is_empty() {
            return Err(r.at("grid.sizes", "is empty", "a non-empty list of sizes N"));
        }
        for (i, &n) in sizes.iter().enumerate() {
            if let System::EdwardsAnderson { dimension } = system {
                // A periodic lattice of even side (checkerboard sweeps), at
                // least 4 so that no two neighbours coincide.
                let spins = (n as u64).checked_pow(dimension);
                if n < 4 || !n.is_multiple_of(2) || spins.is_none_or(|s| s > MAX_SIZE as u64) {
                    return Err(r.at(
                        &format!("grid.sizes[{i}]"),
                        format!("L = {n} is out of range"),
                        format!(
                            "an even side length L >= 4 with L^{dimension} <= {MAX_SIZE} spins"
                        ),
                    ));
                }
            } else if !(largest..=MAX_SIZE).contains(&n) {
                return Err(r.at(
                    &format!("grid.sizes[{i}]"),
                    format!("N = {n} is out of range"),
                    format!("a size in {largest}..={MAX_SIZE} (at least the order p)"),
                ));
            }
            if let Some(j) = sizes[..i].iter().position(|&m| m == n) {
                return Err(r.at(
                    &format!("grid.sizes[{i}]"),
                    format!("N = {n} is listed twice (first at grid.sizes[{j}])"),
                    "each size once (raise ensemble.samples for more samples)",
                ));
            }
            let bytes = system.memory(n);
            if bytes.is_none_or(|b| b > COUPLING_MEMORY_LIMIT) {
                return Err(r.at(
                    &format!("grid.sizes[{i}]"),
                    format!(
                        "N = {n} needs {} of couplings, over the limit of {}",
                        bytes.map_or("more than 2^64 bytes".to_string(), |b| {
                            crate::memory::human(b as f64)
                        }),
                        crate::memory::human(COUPLING_MEMORY_LIMIT as f64)
                    ),
                    "a smaller N (or a diluted Ising model, with model.connectivity)",
                ));
            }
        }
        let temperatures = match &raw.grid.temperature {
            OneOrMany::One(t) => vec![*t],
            OneOrMany::Many(list) => list.clone(),
        };
        if temperatures.is_empty() {
            return Err(r.at(
                "grid.temperature",
                "is empty",
                "a temperature T > 0 or a list of them",
            ));
        }
        for (i, &t) in temperatures.iter().enumerate() {
            if !(t.is_finite() && t > 0.0 && t <= 100.0) || temperatures[..i].contains(&t) {
                return Err(r.at(
                    "grid.temperature",
                    format!("T = {t} is out of range or listed twice"),
                    "temperatures in (0, 100], each once",
                ));
            }
        }
        let time_step = match system {
            System::Spherical { .. } => {
                let dt = d.time_step.unwrap_or(0.01);
                if !(dt.is_finite() && dt > 0.0 && dt <= 0.1) {
                    return Err(r.at(
                        "dynamics.time_step",
                        format!("{dt} is out of range"),
                        "a Langevin step in (0, 0.1] (its bias is about 0.4 dt)",
                    ));
                }
                dt
            }
            _ => 1.0,
        };
        let final_time = d.final_time;
        if !(final_time.is_finite()
            && final_time >= 4.0 * time_step
            && final_time / time_step <= MAX_STEPS)
        {
            return Err(r.at(
                "dynamics.final_time",
                format!("{final_time} is out of range"),
                format!(
                    "a time of at least 4 steps and at most {MAX_STEPS:e} steps of {time_step}"
                ),
            ));
        }
        if !matches!(system, System::Spherical { .. }) && final_time.fract() != 0.0 {
            return Err(r.at(
                "dynamics.final_time",
                format!("{final_time} is not a whole number of sweeps"),
                "Ising time counts sweeps: a whole number",
            ));
        }
        let waiting_times: Vec<f64> = match &d.waiting_times {
            Some(list) => {
                if list.is_empty() || list.len() > MAX_WAITING_TIMES {
                    return Err(r.at(
                        "dynamics.waiting_times",
                        format!("{} waiting times", list.len()),
                        format!("1..={MAX_WAITING_TIMES} waiting times"),
                    ));
                }
                for (i, &tw) in list.iter().enumerate() {
                    let steps = tw / time_step;
                    if !(tw.is_finite() && tw > 0.0 && tw < final_time)
                        || (steps - steps.round()).abs() > 1e-6
                        || (i > 0 && tw <= list[i - 1])
                    {
                        return Err(r.at(
                            "dynamics.waiting_times",
                            format!("t_w = {tw} is out of range, off the step grid or out of order"),
                            format!(
                                "increasing times in (0, final_time = {final_time}), each a whole number of steps of {time_step}"
                            ),
                        ));
                    }
                }
                list.clone()
            }
            None => {
                let mut list = Vec::new();
                let mut tw = 1.0;
                while tw <= final_time / 4.0 && list.len() < MAX_WAITING_TIMES {
                    list.push(tw);
                    tw *= 2.0;
                }
                if list.is_empty() {
                    return Err(r.at(
                        "dynamics.final_time",
                        format!("{final_time} leaves no default waiting time"),
                        "a final time of at least 4 (or give dynamics.waiting_times)",
                    ));
                }
                list
            }
        };
        if !(2..=1000).contains(&d.measurements) {
            return Err(r.at(
                "dynamics.measurements",
                format!("{}", d.measurements),
                "an integer in 2..=1000",
            ));
        }
        if !(1..=1000).contains(&d.lags) {
            return Err(r.at(
                "dynamics.lags",
                format!("{}", d.lags),
                "an integer in 1..=1000",
            ));
        }
        let field = match system {
            System::EdwardsAnderson { .. } => 0.0,
            _ => d.field.unwrap_or(0.05),
        };
        if !(field.is_finite() && (0.0..=1.0).contains(&field)) {
            return Err(r.at(
                "dynamics.field",
                format!("{field} is out of range"),
                "a field h in [0, 1] (small: the response is linear; 0 measures none)",
            ));
        }
        if !(1..=1 << 20).contains(&d.histories) || d.histories * raw.ensemble.samples < 2 {
            return Err(r.at(
                "dynamics.histories",
                format!(
                    "{} histories of {} samples",
                    d.histories, raw.ensemble.samples
                ),
                "1..=1048576 histories per sample, at least two runs in all (for error bars)",
            ));
        }
        let spherical = matches!(system, System::Spherical { .. });
        let theory = match raw.theory.solve {
            Some(true) if !spherical => {
                return Err(r.at(
                    "theory.solve",
                    "the Cugliandolo–Kurchan equations are for spherical models",
                    "leave it out (or false) for Ising spins",
                ));
            }
            Some(solve) => solve,
            None => spherical,
        };
        let theory_points = raw.theory.points.unwrap_or(256);
        if !(32..=4096).contains(&theory_points) || !theory_points.is_multiple_of(2) {
            return Err(r.at(
                "theory.points",
                format!("{theory_points}"),
                "an even number of points per block in 32..=4096 (the cost grows as its cube)",
            ));
        }
        let last_wait = *waiting_times.last().expect("at least one waiting time");
        let times: Vec<f64> = std::iter::once(0.0)
            .chain(geometric_steps(
                time_step,
                final_time,
                d.measurements - 1,
                time_step,
            ))
            .collect();
        let lags = geometric_steps(time_step, final_time - last_wait, d.lags, time_step);
        let steps = (last_wait + lags.last().copied().unwrap_or(0.0)).max(final_time) / time_step;
        // Each twin runs beside the trajectory for the longest lag.
        let work = steps
            * sizes.len() as f64
            * temperatures.len() as f64
            * (d.histories * raw.ensemble.samples) as f64;
        if work > 1e15 {
            return Err(r.at(
                "dynamics.histories",
                format!("{work:.1e} steps in all"),
                "fewer sizes, temperatures, samples, histories or steps",
            ));
        }
        let mut points = Vec::new();
        for (size_index, &size) in sizes.iter().enumerate() {
            for &temperature in &temperatures {
                points.push(DynamicsPoint {
                    index: points.len(),
                    size_index,
                    size,
                    temperature,
                });
            }
        }
        let checkpoint_seconds = raw.output.checkpoint_seconds(r)?;
        Ok(Self {
            file: file.to_string(),
            source: source.to_string(),
            name: raw.name,
            description: raw.description,
            seed: raw.seed,
            system,
            sizes,
            temperatures,
            points,
            time_step,
            final_time,
            waiting_times,
            times,
            lags,
            field,
            histories: d.histories,
            samples: raw.ensemble.samples,
            theory,
            theory_points,
            checkpoint_seconds,
        })
    }
}
