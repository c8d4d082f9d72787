//! A worked family, the guide of `quench_run::family` made concrete:
//! independent spins in a field, sampled by heat bath, whose magnetisation
//! is checked against the exact $\tanh(\beta h)$.
//!
//! It lives outside the registry, so it runs through the generic workflows
//! ([`runner::run_family`], [`runner::merge_family`]) directly; registering
//! it would be one line in `family/registry.rs`. Nothing in the runner, the
//! store or the report knows about it.
//!
//! The spec:
//!
//! ```toml
//! name = "paramagnet"
//! seed = 7
//! [model]
//! model = "paramagnet"
//! n = 64                 # spins
//! field = 0.5            # h
//! [grid]
//! temperature = [0.5, 1.0, 2.0]
//! [ensemble]
//! samples = 4            # independent runs per temperature
//! [algorithm]
//! sweeps = 400
//! ```
//!
//! Heat bath on independent spins draws every spin afresh from its exact
//! marginal, $P(s_i = 1) = e^{\beta h}/(2\cosh\beta h)$, so successive sweeps
//! are independent: the magnetisation per spin averaged over `sweeps` sweeps
//! has variance $(1 - \tanh^2\beta h)/(N\\,\text{sweeps})$ exactly, with no
//! autocorrelation to estimate.

use std::path::{Path, PathBuf};

use quench_core::rng::{FamilyStreams, Purpose, UnitStreams};
use quench_run::family::spin_glass::spec::Reporter;
use quench_run::family::{
    Family, FamilyInfo, Header, MethodInfo, ModelInfo, ParameterInfo, ReportBuilder, Tables, Unit,
    UnitContext,
};
use quench_run::figure::{Figure, Series, SeriesKind};
use quench_run::runner::{self, RunOptions, Shard};
use quench_run::table::{Column, Table};
use quench_run::{RunError, SpecError};
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// The family.
struct Paramagnets;

/// The spec as the file writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    name: String,
    seed: u64,
    model: RawModel,
    grid: RawGrid,
    ensemble: RawEnsemble,
    algorithm: RawAlgorithm,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    model: String,
    n: usize,
    field: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrid {
    temperature: Vec<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnsemble {
    samples: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlgorithm {
    sweeps: u64,
}

/// The validated spec.
struct Spec {
    file: String,
    source: String,
    raw: RawSpec,
}

/// One unit's result: the mean magnetisation per spin over its sweeps.
#[derive(Serialize, Deserialize)]
struct Magnetisation {
    mean: f64,
}

/// The running state: sweeps done, the running sum and the spins' stream.
#[derive(Serialize, Deserialize)]
struct Running {
    sweeps: u64,
    sum: f64,
    rng: quench_core::StreamRng,
}

impl Family for Paramagnets {
    type Spec = Spec;
    type UnitResult = Magnetisation;

    fn name(&self) -> &'static str {
        "paramagnet"
    }

    fn describe(&self) -> FamilyInfo {
        FamilyInfo {
            family: "paramagnet",
            description: "independent spins in a field, against tanh(beta h)",
            methods: vec![MethodInfo {
                name: "heat-bath",
                description: "every spin drawn from its marginal each sweep",
            }],
            models: vec![ModelInfo {
                name: "paramagnet",
                aliases: &[],
                description: "N independent spins in a uniform field",
                hamiltonian: "H = -h sum_i s_i",
                size_key: "n",
                parameters: vec![ParameterInfo {
                    key: "field",
                    meaning: "the field h",
                    allowed: "a finite number",
                    default: None,
                }],
            }],
        }
    }

    fn claims(&self, document: &toml::Table) -> bool {
        document
            .get("model")
            .and_then(|m| m.get("model"))
            .and_then(|m| m.as_str())
            == Some("paramagnet")
    }

    fn parse(&self, file: &str, source: &str) -> Result<Spec, RunError> {
        let reporter = Reporter::with_top_keys(
            file,
            source,
            "name, seed, [model], [grid], [ensemble], [algorithm]",
        );
        let raw: RawSpec = toml::from_str(source).map_err(|e| reporter.deserialisation(&e))?;
        let bad = |key: &str, message: &str, allowed: &str| -> RunError {
            RunError::Spec(reporter.at(key, message, allowed))
        };
        if raw.model.model != "paramagnet" {
            return Err(bad("model.model", "not a paramagnet", "\"paramagnet\""));
        }
        if raw
            .grid
            .temperature
            .iter()
            .any(|t| !(*t > 0.0 && t.is_finite()))
        {
            return Err(bad("grid.temperature", "must be positive", "numbers > 0"));
        }
        if raw.model.n == 0 || raw.ensemble.samples == 0 || raw.algorithm.sweeps == 0 {
            return Err(bad(
                "model.n",
                "n, samples and sweeps must be positive",
                ">= 1",
            ));
        }
        Ok(Spec {
            file: file.to_string(),
            source: source.to_string(),
            raw,
        })
    }

    fn header<'a>(&self, spec: &'a Spec) -> Header<'a> {
        Header {
            file: &spec.file,
            source: &spec.source,
            name: &spec.raw.name,
            description: "",
            seed: spec.raw.seed,
            checkpoint_seconds: 1.0,
        }
    }

    fn memory(&self, spec: &Spec) -> quench_run::memory::MemoryEstimate {
        // A unit holds its spins and a few sums; a result a few numbers.
        quench_run::memory::MemoryEstimate {
            per_unit: 8.0 * spec.raw.model.n as f64 + 1024.0,
            per_result: 64.0,
            units: (spec.raw.grid.temperature.len() as u64 * spec.raw.ensemble.samples) as f64,
        }
    }

    fn plan(&self, spec: &Spec) -> Vec<Unit> {
        (0..spec.raw.grid.temperature.len())
            .flat_map(|point| (0..spec.raw.ensemble.samples).map(move |s| Unit::sample(point, s)))
            .collect()
    }

    fn work(&self, spec: &Spec, _unit: &Unit) -> u64 {
        spec.raw.algorithm.sweeps
    }

    fn run_unit(
        &self,
        spec: &Spec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<Magnetisation, RunError> {
        let beta = 1.0 / spec.raw.grid.temperature[unit.point];
        let up = 1.0 / (1.0 + (-2.0 * beta * spec.raw.model.field).exp());
        let streams = UnitStreams::new(
            spec.raw.seed,
            FamilyStreams::Named("paramagnet"),
            unit.point as u64,
            unit.first,
        );
        let mut running = context.load::<Running>()?.unwrap_or(Running {
            sweeps: 0,
            sum: 0.0,
            rng: streams.stream(Purpose::Dynamics, 0),
        });
        let n = spec.raw.model.n;
        while running.sweeps < spec.raw.algorithm.sweeps {
            let total: i64 = (0..n)
                .map(|_| {
                    if running.rng.random::<f64>() < up {
                        1
                    } else {
                        -1
                    }
                })
                .sum();
            running.sum += total as f64 / n as f64;
            running.sweeps += 1;
            context.advance(1);
            if context.due() {
                context.save(&running)?;
            }
        }
        Ok(Magnetisation {
            mean: running.sum / running.sweeps as f64,
        })
    }

    fn tables(&self, spec: &Spec, results: Vec<(Unit, Magnetisation)>) -> Result<Tables, RunError> {
        let (mut point, mut temperature, mut sample) = (Vec::new(), Vec::new(), Vec::new());
        let (mut magnetisation, mut exact) = (Vec::new(), Vec::new());
        for (unit, result) in results {
            let t = spec.raw.grid.temperature[unit.point];
            point.push(unit.point as u64);
            temperature.push(t);
            sample.push(unit.first);
            magnetisation.push(result.mean);
            exact.push((spec.raw.model.field / t).tanh());
        }
        let mut tables = Tables::default();
        tables.table(
            "magnetisation.parquet",
            Table::new(vec![
                ("point", Column::Integer(point)),
                ("temperature", Column::Number(temperature)),
                ("sample", Column::Integer(sample)),
                ("magnetisation", Column::Number(magnetisation)),
                ("exact", Column::Number(exact)),
            ]),
        );
        Ok(tables)
    }

    fn report(&self, spec: &Spec, out: &Path, report: &mut ReportBuilder) -> Result<(), RunError> {
        let table = Table::read(&out.join("magnetisation.parquet"))?;
        let (t, m, exact, sample) = (
            table.numbers("temperature"),
            table.numbers("magnetisation"),
            table.numbers("exact"),
            table.integers("sample"),
        );
        report.figure(
            "magnetisation",
            Figure {
                title: format!("{}: magnetisation against T", spec.raw.name),
                x_label: "temperature T".into(),
                y_label: "m".into(),
                series: vec![
                    Series {
                        label: "heat bath".into(),
                        points: (0..table.rows()).map(|i| (t[i], m[i], f64::NAN)).collect(),
                        kind: SeriesKind::Points,
                        group: None,
                    },
                    Series {
                        label: "tanh(h/T)".into(),
                        points: (0..table.rows())
                            .filter(|&i| sample[i] == 0)
                            .map(|i| (t[i], exact[i], f64::NAN))
                            .collect(),
                        kind: SeriesKind::Theory,
                        group: None,
                    },
                ],
                vertical_lines: Vec::new(),
            },
        );
        report.markdown = format!(
            "# {}\n\n![magnetisation](magnetisation.svg)\n",
            spec.raw.name
        );
        Ok(())
    }
}

const SPEC: &str = "name = \"paramagnet\"\nseed = 7\n[model]\nmodel = \"paramagnet\"\nn = 64\nfield = 0.5\n[grid]\ntemperature = [0.5, 1.0, 2.0]\n[ensemble]\nsamples = 4\n[algorithm]\nsweeps = 400\n";

fn scratch(name: &str) -> PathBuf {
    let directory =
        std::env::temp_dir().join(format!("quench-worked-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

/// The worked family runs through the runner like a registered one: its
/// magnetisations agree with $\tanh(\beta h)$ within their exact errors,
/// the figures and report are drawn, and two shards merge to the whole run.
#[test]
fn a_family_outside_the_runner_runs_whole_and_sharded() {
    let work = scratch("run");
    let family = Paramagnets;
    let spec = family.parse("paramagnet.toml", SPEC).unwrap();
    let whole = work.join("whole");
    runner::run_family(&family, &spec, &RunOptions::new(&whole)).unwrap();
    let table = Table::read(&whole.join("magnetisation.parquet")).unwrap();
    assert_eq!(table.rows(), 3 * 4);
    let (t, m, exact) = (
        table.numbers("temperature"),
        table.numbers("magnetisation"),
        table.numbers("exact"),
    );
    for i in 0..table.rows() {
        let variance = (1.0 - exact[i] * exact[i]) / (64.0 * 400.0);
        let z = (m[i] - exact[i]) / variance.sqrt();
        assert!(
            z.abs() < 4.5,
            "T = {}: m = {} against {} (z = {z})",
            t[i],
            m[i],
            exact[i]
        );
    }
    for file in [
        "magnetisation.svg",
        "magnetisation.png",
        "report.md",
        "manifest.json",
    ] {
        assert!(whole.join(file).exists(), "{file} missing");
    }

    let shards: Vec<PathBuf> = (0..2)
        .map(|index| {
            let out = work.join(format!("shard-{index}"));
            let options = RunOptions {
                shard: Some(Shard { index, count: 2 }),
                ..RunOptions::new(&out)
            };
            runner::run_family(&family, &spec, &options).unwrap();
            out
        })
        .collect();
    let merged = work.join("merged");
    runner::merge_family(&family, &spec, &shards, &merged).unwrap();
    assert_eq!(
        std::fs::read(whole.join("magnetisation.parquet")).unwrap(),
        std::fs::read(merged.join("magnetisation.parquet")).unwrap()
    );
    std::fs::remove_dir_all(&work).unwrap();
}

/// Its spec errors are located like every family's.
#[test]
fn the_worked_family_locates_its_spec_errors() {
    let family = Paramagnets;
    let bad = SPEC.replace("temperature = [0.5, 1.0, 2.0]", "temperature = [0.5, -1.0]");
    let Err(RunError::Spec(SpecError { line, key, .. })) = family.parse("bad.toml", &bad) else {
        panic!("a negative temperature was accepted")
    };
    assert_eq!((line, key.as_deref()), (8, Some("grid.temperature")));
    let unknown = SPEC.replace("sweeps = 400", "sweeps = 400\nsweep = 3");
    let message = family
        .parse("bad.toml", &unknown)
        .err()
        .unwrap()
        .to_string();
    assert!(
        message.contains("bad.toml:13") && message.contains("sweep"),
        "{message}"
    );
}

/// A family that does not implement `Family::draw` refuses to draw, by name.
#[test]
fn the_worked_family_cannot_draw_samples() {
    let family = Paramagnets;
    let spec = family.parse("paramagnet.toml", SPEC).unwrap();
    let error = family
        .draw(&spec, 0, 0, quench_run::theory::Naming::Argument)
        .unwrap_err();
    assert_eq!(error.exit_status(), 2);
    assert_eq!(error.to_string(), "family paramagnet cannot draw samples");
}
