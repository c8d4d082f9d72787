//! Every `--json` document is one JSON object that names the version of
//! quench that wrote it (`quench_version`), whatever the command.

mod common;

use common::{quench, scratch, text};

/// `quench ARGUMENTS`, which must succeed with one JSON object on standard
/// output carrying this build's version.
fn versioned(arguments: &[&str]) -> serde_json::Value {
    let output = quench().args(arguments).output().unwrap();
    assert!(
        output.status.success(),
        "quench {arguments:?}: {}",
        text(&output.stderr)
    );
    let document: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("quench {arguments:?}: not JSON ({e})"));
    assert!(document.is_object(), "quench {arguments:?}: not an object");
    assert_eq!(
        document["quench_version"],
        env!("CARGO_PKG_VERSION"),
        "quench {arguments:?}"
    );
    document
}

#[test]
fn models_json_names_the_version_beside_the_families() {
    let document = versioned(&["models", "--json"]);
    assert!(!document["families"].as_array().unwrap().is_empty());
}

#[test]
fn plan_and_exact_json_name_the_version() {
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../experiments/sk-transition.toml"
    );
    let plan = versioned(&["plan", spec, "--json"]);
    assert!(!plan["units"].as_array().unwrap().is_empty());
    let exact = versioned(&[
        "exact",
        "--model",
        "sk",
        "--n",
        "6",
        "--samples",
        "4",
        "--temperatures",
        "1",
        "--seed",
        "1",
        "--json",
    ]);
    assert_eq!(exact["temperatures"].as_array().unwrap().len(), 1);
}

/// Every theory subcommand, and the `result.json` that `--out` stores.
#[test]
fn theory_json_names_the_version() {
    for arguments in [
        &[
            "theory",
            "sk",
            "--temperature",
            "0.5",
            "--rsb",
            "rs",
            "--json",
        ][..],
        &["theory", "sk-at-line", "--temperature", "0.9", "--json"],
        &["theory", "pspin", "--p", "3", "--spherical", "--json"],
        &[
            "theory",
            "sparse",
            "--degree",
            "3",
            "--couplings",
            "pm1",
            "--json",
        ],
        &["theory", "hopfield", "--temperature", "0", "--json"],
        &[
            "theory",
            "deep-network",
            "--depth",
            "3",
            "--alpha",
            "3",
            "--json",
        ],
    ] {
        versioned(arguments);
    }
    let out = scratch("json-theory");
    let out_text = out.join("sk");
    let printed = versioned(&[
        "theory",
        "sk",
        "--temperature",
        "0.5",
        "--json",
        "--out",
        out_text.to_str().unwrap(),
    ]);
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_text.join("result.json")).unwrap()).unwrap();
    assert_eq!(stored, printed);
    let summary = quench_run::table::Table::read(&out_text.join("summary.parquet")).unwrap();
    assert!(
        !summary.names().iter().any(|c| c == "quench_version"),
        "the version is the document's, not a column of the result's tables"
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn bench_json_names_the_version_beside_the_results() {
    let document = versioned(&[
        "bench",
        "--workload",
        "ea3d-16",
        "--seconds",
        "0.05",
        "--json",
    ]);
    let results = document["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert!(results[0]["flips_per_ns"].as_f64().unwrap() > 0.0);
}

/// `run`, `merge` and `report` on a small memory experiment in two shards.
#[test]
fn run_merge_and_report_json_name_the_version() {
    let work = scratch("json-run");
    let spec = work.join("hopfield.toml");
    std::fs::write(
        &spec,
        "name = \"hopfield-json\"\nseed = 3\n[model]\nmodel = \"hopfield\"\n[grid]\nn = [60]\nalpha = [0.05]\n[ensemble]\nsamples = 2\n[algorithm]\nmethod = \"retrieval\"\nsweeps = 10\n",
    )
    .unwrap();
    let spec = spec.to_str().unwrap();
    let mut shards = Vec::new();
    for k in 0..2 {
        let out = work.join(format!("shard-{k}"));
        let shard = format!("{k}/2");
        let outcome = versioned(&[
            "run",
            spec,
            "--out",
            out.to_str().unwrap(),
            "--shard",
            &shard,
            "--json",
        ]);
        assert_eq!(outcome["shard"]["index"], k);
        shards.push(out);
    }
    let whole = work.join("whole");
    let merged = versioned(&[
        "merge",
        shards[0].to_str().unwrap(),
        shards[1].to_str().unwrap(),
        "--out",
        whole.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(merged["name"], "hopfield-json");
    let report = versioned(&["report", whole.to_str().unwrap(), "--json"]);
    assert!(!report["files"].as_array().unwrap().is_empty());
    std::fs::remove_dir_all(&work).unwrap();
}
