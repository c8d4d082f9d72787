//! Spec fuzzing: every gallery spec, mutated thousands of ways as careless
//! hands and broken editors do (lines deleted, doubled or cut, numbers made
//! huge, tiny, negative or not numbers, strings and keys swapped, sections
//! renamed, bytes that are not UTF-8), is validated and planned. Each case
//! must end in a plan or a refusal that names the spec file and a line in
//! it (or, for a run too big to fit, the memory it needs), never a panic or
//! an abort. The refusal happens before the results directory is made
//! (the CLI's bad-spec suite checks that no directory is left). The default
//! run mutates each gallery spec 400 times in a few seconds; the
//! slow-validation command (`cargo test -- --ignored`) runs 20 000 per spec.

use std::path::{Path, PathBuf};

use quench_run::RunError;
use quench_run::family::registry;

/// splitmix64: a small deterministic generator for the mutations.
struct Mutator(u64);

impl Mutator {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "3",
    "-0.0",
    "0.5",
    "1e-300",
    "1e300",
    "1000000000",
    "1000000000000",
    "9223372036854775807",
    "-9223372036854775808",
    "nan",
    "inf",
    "-inf",
    "4294967297",
    "65537",
    "\"8\"",
    "[]",
    "[1, 1]",
    "true",
    "{}",
];
const WORDS: &[&str] = &[
    "\"\"",
    "\"sk\"",
    "\"ea\"",
    "\"hopfield\"",
    "\"dense-memory\"",
    "\"random-regular\"",
    "\"erdos-renyi\"",
    "\"ferromagnet\"",
    "\"pm1\"",
    "\"gaussian\"",
    "\"multispin\"",
    "\"checkerboard\"",
    "\"heat-bath\"",
    "\"independent\"",
    "\"retrieval\"",
    "\"capacity\"",
    "\"../../etc\"",
    "\"\\u00e9\"",
    "\"a b\"",
];
const KEYS: &[&str] = &[
    "n",
    "length",
    "dimension",
    "samples",
    "replicas",
    "count",
    "minimum",
    "maximum",
    "values",
    "field",
    "alpha",
    "degree",
    "mean_degree",
    "patterns",
    "method",
    "model",
    "couplings",
    "kernel",
    "word_bits",
    "order",
    "rule",
    "sweeps",
    "measure_every",
    "equilibration_rounds",
    "measurement_rounds",
    "checkpoint_seconds",
    "seed",
    "name",
    "temperature",
    "interaction",
    "upper",
    "lower",
    "tested_patterns",
    "bogus",
];
const SECTIONS: &[&str] = &[
    "[model]",
    "[grid]",
    "[ensemble]",
    "[algorithm]",
    "[temperatures]",
    "[observables]",
    "[output]",
    "[bogus]",
    "[[grid]]",
    "[model.model]",
];

/// One mutation of `source` (bytes: some mutations are not UTF-8).
fn mutate(source: &str, rng: &mut Mutator) -> Vec<u8> {
    let mut lines: Vec<String> = source.lines().map(str::to_string).collect();
    let rounds = 1 + rng.below(3);
    for _ in 0..rounds {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let at = rng.below(lines.len());
        let line = lines[at].clone();
        match rng.below(11) {
            0 => {
                lines.remove(at);
            }
            1 => lines.insert(at, line),
            2 | 3 => {
                // A new value: a number (or something that is not one).
                if let Some((key, _)) = line.split_once('=') {
                    lines[at] = format!("{key}= {}", rng.pick(NUMBERS));
                }
            }
            4 => {
                if let Some((key, _)) = line.split_once('=') {
                    lines[at] = format!("{key}= {}", rng.pick(WORDS));
                }
            }
            5 => {
                if let Some((_, value)) = line.split_once('=') {
                    lines[at] = format!("{} ={value}", rng.pick(KEYS));
                }
            }
            6 => lines[at] = rng.pick(SECTIONS).to_string(),
            7 => {
                let cut = rng.below(line.len() + 1);
                lines[at] = line.chars().take(cut).collect();
            }
            8 => lines.insert(at, format!("{} = {}", rng.pick(KEYS), rng.pick(NUMBERS))),
            9 => {
                // A list value: an element repeated or made wild.
                if let Some((key, value)) = line.split_once('=')
                    && value.trim_start().starts_with('[')
                {
                    let inner = value.trim().trim_start_matches('[').trim_end_matches(']');
                    lines[at] = format!("{key}= [{inner}, {}]", rng.pick(NUMBERS));
                }
            }
            _ => {}
        }
    }
    let mut bytes = lines.join("\n").into_bytes();
    if rng.below(20) == 0 {
        let at = rng.below(bytes.len() + 1);
        bytes.insert(at, 0xff);
    }
    if rng.below(20) == 0 {
        bytes.truncate(rng.below(bytes.len() + 1));
    }
    bytes
}

fn gallery() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut specs = Vec::new();
    for directory in ["experiments", "crates/run/tests/specs"] {
        for entry in std::fs::read_dir(root.join(directory)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                specs.push(path);
            }
        }
    }
    specs.sort();
    assert!(specs.len() >= 10, "found {} gallery specs", specs.len());
    specs
}

/// Validates and plans `bytes` as the file `name`; returns whether it was
/// refused and what went wrong with the answer, if anything.
fn judge(name: &str, bytes: &[u8]) -> (bool, Option<String>) {
    let Ok(source) = std::str::from_utf8(bytes) else {
        // Bytes that are not UTF-8 are refused when the file is read
        // (the CLI's hardening suite checks the line it names).
        return (true, None);
    };
    let outcome = std::panic::catch_unwind(|| registry::claiming(source).plan(name, source));
    let lines = source.lines().count().max(1);
    let refused = !matches!(outcome, Ok(Ok(_)));
    let problem = match outcome {
        Err(_) => Some("panicked".into()),
        Ok(Ok(_)) => None,
        Ok(Err(RunError::Spec(error))) => {
            if error.file != name {
                Some(format!("names file {:?}: {error}", error.file))
            } else if error.line == 0 || error.line > lines + 1 {
                Some(format!("names line {} of {lines}: {error}", error.line))
            } else if error.message.trim().is_empty() {
                Some(format!("says nothing: {error}"))
            } else {
                None
            }
        }
        Ok(Err(RunError::Input(message))) if message.contains("needs about") => None,
        Ok(Err(other)) => Some(format!("not a located spec error: {other}")),
    };
    (refused, problem)
}

fn fuzz(cases_per_spec: u64) {
    // The memory check compares against a fixed limit, not this machine's.
    // SAFETY: this test binary runs one test at a time that reads the
    // environment (each test sets the same value).
    unsafe { std::env::set_var("QUENCH_MEMORY_LIMIT", "8GiB") };
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let mut refused = 0usize;
    let mut total = 0usize;
    for spec in gallery() {
        let source = std::fs::read_to_string(&spec).unwrap();
        let name = spec.file_name().unwrap().to_string_lossy().to_string();
        let mut rng = Mutator(0x5eed ^ name.len() as u64);
        for case in 0..cases_per_spec {
            let bytes = mutate(&source, &mut rng);
            total += 1;
            let (was_refused, problem) = judge(&name, &bytes);
            refused += usize::from(was_refused);
            if let Some(problem) = problem {
                failures.push(format!(
                    "{name} case {case}: {problem}\n--- spec ---\n{}\n",
                    String::from_utf8_lossy(&bytes)
                ));
            }
        }
    }
    std::panic::set_hook(hook);
    eprintln!("{total} mutated specs, {refused} refused");
    assert!(
        failures.is_empty(),
        "{} of {total} mutated specs failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The mutations are not all harmless, nor all fatal.
    assert!(
        refused > total / 4 && refused < total,
        "{refused} of {total} refused"
    );
}

#[test]
fn mutated_gallery_specs_are_planned_or_refused_with_their_line() {
    fuzz(400);
}

#[test]
#[ignore = "slow validation: 20 000 mutations per gallery spec"]
fn mutated_gallery_specs_at_length() {
    fuzz(20_000);
}
