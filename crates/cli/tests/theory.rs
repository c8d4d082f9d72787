//! `quench theory` as a real process: the command-line contract of each model.

use std::path::PathBuf;
use std::process::Command;

fn quench() -> Command {
    Command::new(env!("CARGO_BIN_EXE_quench"))
}

fn scratch(name: &str) -> PathBuf {
    let directory =
        std::env::temp_dir().join(format!("quench-theory-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    directory
}

fn json(arguments: &[&str]) -> serde_json::Value {
    let output = quench().args(arguments).output().unwrap();
    assert!(
        output.status.success(),
        "quench {arguments:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn number(document: &serde_json::Value, pointer: &str) -> f64 {
    document
        .pointer(pointer)
        .and_then(serde_json::Value::as_f64)
        .unwrap_or_else(|| panic!("{pointer} missing in {document}"))
}

/// The replica-symmetric ground state: e = -sqrt(2/pi), s = -1/(2 pi).
#[test]
fn sk_replica_symmetric_at_zero_temperature() {
    let document = json(&[
        "theory",
        "sk",
        "--temperature",
        "0",
        "--rsb",
        "rs",
        "--json",
    ]);
    let energy = number(&document, "/energy");
    assert!((energy + (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-9);
    let entropy = number(&document, "/entropy");
    assert!((entropy + 1.0 / (2.0 * std::f64::consts::PI)).abs() < 1e-9);
}

#[test]
fn sk_at_line_and_pspin_and_sparse_follow_their_contracts() {
    let at = json(&["theory", "sk-at-line", "--temperature", "0.9", "--json"]);
    // Near T_c, h_AT^2 = (4/3)(1 - T)^3 (de Almeida and Thouless 1978).
    let h = number(&at, "/field");
    let leading = (4.0 / 3.0 * 0.1_f64.powi(3)).sqrt();
    assert!((h / leading - 1.0).abs() < 0.2, "h_AT(0.9) = {h}");

    let pspin = json(&["theory", "pspin", "--p", "3", "--spherical", "--json"]);
    assert!((number(&pspin, "/dynamic_temperature") - (3.0_f64 / 8.0).sqrt()).abs() < 1e-9);
    assert!(number(&pspin, "/static_temperature") < number(&pspin, "/dynamic_temperature"));

    let sparse = json(&[
        "theory",
        "sparse",
        "--degree",
        "3",
        "--couplings",
        "pm1",
        "--json",
    ]);
    let t = number(&sparse, "/critical_temperature");
    // (c - 1) tanh^2(1/T_c) = 1 with c = 3.
    assert!((2.0 * (1.0 / t).tanh().powi(2) - 1.0).abs() < 1e-9);
}

/// `quench theory sparse --graph erdos-renyi`: c tanh^2(1/T_c) = 1 for a
/// (non-integer) mean degree, the transition of the regular graph one degree
/// higher, and the regular graph stays the default.
#[test]
fn sparse_erdos_renyi_prints_its_critical_temperature() {
    let er = json(&[
        "theory",
        "sparse",
        "--graph",
        "erdos-renyi",
        "--degree",
        "2.5",
        "--couplings",
        "pm1",
        "--json",
    ]);
    assert_eq!(er["graph"], "erdos-renyi");
    assert_eq!(number(&er, "/degree"), 2.5);
    assert_eq!(number(&er, "/mean_excess_degree"), 2.5);
    let t = number(&er, "/critical_temperature");
    assert!((2.5 * (1.0 / t).tanh().powi(2) - 1.0).abs() < 1e-9, "{t}");

    let er2 = json(&[
        "theory",
        "sparse",
        "--graph",
        "erdos-renyi",
        "--degree",
        "2",
        "--couplings",
        "gaussian",
        "--json",
    ]);
    let regular3 = json(&[
        "theory",
        "sparse",
        "--degree",
        "3",
        "--couplings",
        "gaussian",
        "--json",
    ]);
    assert_eq!(regular3["graph"], "regular");
    assert_eq!(regular3["degree"], 3);
    assert_eq!(
        number(&er2, "/critical_temperature"),
        number(&regular3, "/critical_temperature")
    );

    let human = quench()
        .args([
            "theory",
            "sparse",
            "--graph",
            "erdos-renyi",
            "--degree",
            "3",
        ])
        .output()
        .unwrap();
    assert!(human.status.success());
    assert!(String::from_utf8_lossy(&human.stdout).contains("T_c = 1.51"));
}

/// Bad graph or degree values name the flag and what is allowed, with status 2.
#[test]
fn sparse_rejects_bad_graphs_and_degrees_naming_the_flag() {
    for (arguments, flag, allowed) in [
        (
            &["theory", "sparse", "--graph", "lattice", "--degree", "3"][..],
            "--graph",
            "erdos-renyi",
        ),
        (
            &["theory", "sparse", "--degree", "2.5"],
            "--degree",
            "integer",
        ),
        (
            &["theory", "sparse", "--degree", "2"],
            "--degree",
            "degree >= 3",
        ),
        (
            &[
                "theory",
                "sparse",
                "--graph",
                "erdos-renyi",
                "--degree",
                "-1",
            ],
            "--degree",
            "(0, 10000]",
        ),
        (
            &[
                "theory",
                "sparse",
                "--graph",
                "erdos-renyi",
                "--degree",
                "0.8",
            ],
            "--degree",
            "mean degree > 1",
        ),
    ] {
        let output = quench().args(arguments).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "quench {arguments:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(flag) && stderr.contains(allowed),
            "quench {arguments:?}: {stderr}"
        );
    }
}

/// `--out DIR` stores the same numbers as the JSON document, as Parquet tables.
#[test]
fn theory_out_writes_the_result_as_tables() {
    let out = scratch("out");
    let out_text = out.to_str().unwrap();
    let arguments = [
        "theory",
        "sk",
        "--temperature",
        "0.5",
        "--rsb",
        "1rsb",
        "--json",
        "--out",
        out_text,
    ];
    let document = json(&arguments);
    let summary = quench_run::table::Table::read(&out.join("summary.parquet")).unwrap();
    assert_eq!(summary.rows(), 1);
    assert_eq!(
        summary.numbers("free_energy"),
        [number(&document, "/free_energy")]
    );
    let steps = quench_run::table::Table::read(&out.join("order_parameter.parquet")).unwrap();
    let listed = document["order_parameter"].as_array().unwrap();
    assert_eq!(steps.rows(), listed.len());
    for (i, step) in listed.iter().enumerate() {
        assert_eq!(
            steps.numbers("overlap")[i],
            step["overlap"].as_f64().unwrap()
        );
    }
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("result.json")).unwrap()).unwrap();
    assert_eq!(stored, document);
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn theory_rejects_bad_parameters_with_status_2() {
    for arguments in [
        &["theory", "sk", "--temperature", "-1"][..],
        &["theory", "sk-at-line", "--temperature", "1.5"],
        &["theory", "pspin", "--p", "1", "--spherical"],
        &["theory", "sparse", "--degree", "1"],
    ] {
        let output = quench().args(arguments).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "quench {arguments:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--"), "quench {arguments:?}: {stderr}");
    }
}

/// The Hopfield contract: alpha_c(0) = 0.138 with m = 0.967 (Amit, Gutfreund
/// and Sompolinsky, Phys. Rev. Lett. 55, 1530 (1985)).
#[test]
fn hopfield_prints_the_capacity_and_the_overlap_there() {
    let document = json(&["theory", "hopfield", "--temperature", "0", "--json"]);
    assert!((number(&document, "/alpha_c") - 0.138).abs() < 5e-4);
    assert!((number(&document, "/m") - 0.967).abs() < 1e-3);
    let warm = json(&["theory", "hopfield", "--temperature", "0.5", "--json"]);
    assert!(number(&warm, "/alpha_c") < number(&document, "/alpha_c"));
}

/// Every number in `document` is finite (JSON has no NaN or infinity: serde
/// writes them as null, which is what issue 16 item 10 saw at T = 0.01).
fn assert_all_numbers(document: &serde_json::Value, path: &str) {
    match document {
        serde_json::Value::Null => panic!("{path} is null"),
        serde_json::Value::Number(n) => assert!(n.as_f64().is_some_and(f64::is_finite), "{path}"),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                assert_all_numbers(item, &format!("{path}/{i}"));
            }
        }
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                if key != "error_estimate" || !value.is_null() {
                    assert_all_numbers(value, &format!("{path}/{key}"));
                }
            }
        }
        _ => {}
    }
}

/// Issue 16 item 10: `theory sk --temperature 0.02 --rsb full` printed an
/// energy below the ground state with f = -inf and NaN (exit 0), and 0.01
/// printed null for everything. Now every field is a number, the energy is
/// above the Parisi ground state -0.7631667 and the entropy is not negative.
#[test]
fn sk_full_rsb_at_low_temperature_prints_only_finite_numbers() {
    for t in ["0.01", "0.02"] {
        let document = json(&[
            "theory",
            "sk",
            "--temperature",
            t,
            "--rsb",
            "full",
            "--accuracy",
            "fast",
            "--json",
        ]);
        assert_all_numbers(&document, "");
        let energy = number(&document, "/energy");
        assert!(
            energy > -0.76317 - number(&document, "/energy_error"),
            "{t}: {energy}"
        );
        let entropy = number(&document, "/entropy");
        assert!(
            entropy >= -number(&document, "/entropy_error"),
            "{t}: {entropy}"
        );
    }
    for rsb in ["1rsb", "2rsb"] {
        let document = json(&[
            "theory",
            "sk",
            "--temperature",
            "0.025",
            "--rsb",
            rsb,
            "--json",
        ]);
        assert_all_numbers(&document, "");
        // The k-step entropy is small and negative at low T (one step: -0.0118).
        let entropy = number(&document, "/entropy");
        assert!(entropy.abs() < 0.02, "{rsb}: {entropy}");
    }
}

/// Issue 16 item 11: 1RSB at T = 0 printed chi = 0.712, without the
/// beta (1 - q_1) -> C part; with it chi = 0.9515.
#[test]
fn sk_one_step_zero_temperature_susceptibility_includes_the_plateau() {
    let document = json(&[
        "theory",
        "sk",
        "--temperature",
        "0",
        "--rsb",
        "1rsb",
        "--json",
    ]);
    let chi = number(&document, "/susceptibility");
    assert!((chi - 0.9515).abs() < 1e-3, "{chi}");
}

/// Below the lowest supported temperature (but above 0) the command refuses
/// with status 2, names --temperature and prints no number.
#[test]
fn sk_rsb_between_zero_and_the_minimum_temperature_is_refused() {
    let output = quench()
        .args([
            "theory",
            "sk",
            "--temperature",
            "0.001",
            "--rsb",
            "full",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--temperature") && stderr.contains("T = 0"),
        "{stderr}"
    );
}

/// The perceptron's capacities at zero margin: 2 for spherical weights
/// (Gardner 1988) and 0.833 for binary weights (Krauth & Mézard 1989,
/// J. Phys. France 50, 3057: 0.83).
#[test]
fn perceptron_capacities_on_the_command_line() {
    let spherical = json(&["theory", "perceptron", "--weights", "spherical", "--json"]);
    assert!((number(&spherical, "/alpha_c") - 2.0).abs() < 1e-6);
    let binary = json(&[
        "theory",
        "perceptron",
        "--weights",
        "binary",
        "--alpha",
        "0.5",
        "--json",
    ]);
    assert!((number(&binary, "/alpha_c") - 0.833).abs() < 1e-3);
    assert!(number(&binary, "/volume/entropy") > 0.0);
}

/// `quench theory deep-network`: one layer is Gardner's perceptron (the
/// weight overlap Q_1 is the overlap of `theory perceptron`); deeper
/// networks lose replica symmetry at alpha_glass = 1/m(0)^4 = (pi/2)^2 in
/// the end layers (Yoshino's full-RSB value 2.03 quoted beside it); a bad
/// depth is bad input.
#[test]
fn deep_network_on_the_command_line() {
    let one = json(&[
        "theory",
        "deep-network",
        "--depth",
        "1",
        "--alpha",
        "1.2",
        "--json",
    ]);
    let gardner = json(&[
        "theory",
        "perceptron",
        "--weights",
        "spherical",
        "--alpha",
        "1.2",
        "--json",
    ]);
    assert!((number(&one, "/Q/0") - number(&gardner, "/volume/q")).abs() < 1e-9);
    assert_eq!(one["q"], serde_json::json!([1.0, 1.0]));
    assert_eq!(one["stable"], true);

    let profile = json(&[
        "theory",
        "deep-network",
        "--depth",
        "10",
        "--alpha",
        "3",
        "--json",
    ]);
    assert_eq!(profile["q"].as_array().unwrap().len(), 11);
    assert_eq!(profile["Q"].as_array().unwrap().len(), 10);
    assert_eq!(profile["stable"], false);
    assert!(number(&profile, "/replicon") > 0.0);
    assert!(number(&profile, "/free_entropy") < 0.0);
    assert_eq!(
        (number(&profile, "/alpha"), number(&profile, "/kappa")),
        (3.0, 0.0)
    );
    assert_eq!(profile["depth"], 10);
    // The end layers order, the bulk stays liquid, mirror-symmetrically.
    assert!(number(&profile, "/q/1") > 0.01 && number(&profile, "/q/5") < 1e-12);
    assert!((number(&profile, "/q/1") - number(&profile, "/q/9")).abs() < 1e-12);

    let glass = json(&["theory", "deep-network", "--depth", "5", "--json"]);
    let pi = std::f64::consts::PI;
    assert!((number(&glass, "/alpha_glass") - pi * pi / 4.0).abs() < 1e-6);
    assert_eq!(number(&glass, "/seed_alpha_glass"), 2.03);
    assert_eq!(glass["glassy_layers"], serde_json::json!([1, 4, 5]));

    for (arguments, name) in [
        (&["theory", "deep-network", "--depth", "0"][..], "--depth"),
        (&["theory", "deep-network", "--depth", "1001"], "--depth"),
        (&["theory", "deep-network", "--depth", "-3"], "--depth"),
        (
            &["theory", "deep-network", "--depth", "3", "--alpha", "-1"],
            "--alpha",
        ),
        (
            &["theory", "deep-network", "--depth", "3", "--kappa", "nan"],
            "--kappa",
        ),
        (
            &[
                "theory",
                "deep-network",
                "--depth",
                "3",
                "--scenario",
                "teacher",
                "--kappa",
                "0.5",
            ],
            "--kappa",
        ),
        (
            &[
                "theory",
                "deep-network",
                "--depth",
                "3",
                "--scenario",
                "noise",
            ],
            "--scenario",
        ),
    ] {
        let output = quench().args(arguments).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "quench {arguments:?}");
        assert!(output.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(name), "quench {arguments:?}: {stderr}");
    }
}

/// The teacher scenario (the Nishimori line): one layer is the perceptron
/// learning its teacher; a deep profile has r_test and both branches; and
/// without a load the transitions, in order.
#[test]
fn deep_network_teacher_on_the_command_line() {
    let teacher = |extra: &[&str]| {
        let mut arguments = vec!["theory", "deep-network", "--scenario", "teacher", "--json"];
        arguments.extend_from_slice(extra);
        json(&arguments)
    };
    let one = teacher(&["--depth", "1", "--alpha", "3"]);
    let perceptron = json(&[
        "theory",
        "teacher-student",
        "--weights",
        "spherical",
        "--learning",
        "gibbs",
        "--alpha",
        "3",
        "--json",
    ]);
    assert!((number(&one, "/Q/0") - number(&perceptron, "/teacher_overlap")).abs() < 1e-9);
    assert!(
        (number(&one, "/generalization_error") - number(&perceptron, "/generalization_error"))
            .abs()
            < 1e-9
    );
    let deep = teacher(&["--depth", "5", "--alpha", "32"]);
    assert_eq!(deep["q"].as_array().unwrap().len(), 6);
    assert_eq!(deep["test_overlap"].as_array().unwrap().len(), 6);
    assert_eq!(deep["stable"], true);
    // The informed branch is close to the teacher in every layer, the
    // uninformed one only at the ends.
    assert!(number(&deep, "/informed/Q/2") > 0.99);
    assert!(number(&deep, "/uninformed/Q/2") < 1e-9);
    let transitions = teacher(&["--depth", "3"]);
    let pi = std::f64::consts::PI;
    let learning = number(&transitions, "/alpha_learning");
    assert!((learning - pi * pi / 4.0).abs() < 1e-12);
    let (spinodal, transition) = (
        number(&transitions, "/alpha_spinodal"),
        number(&transitions, "/alpha_transition"),
    );
    assert!(
        learning < spinodal && spinodal < transition,
        "{transitions}"
    );
}

/// Bayes-optimal learning sits on the Nishimori line, where the
/// teacher–student overlap equals the student–student one; binary weights
/// jump to perfect generalisation at alpha = 1.245 (Györgyi 1990, Phys.
/// Rev. A 41, 7097); the Gaussian spike has overlap 1 - 1/lambda.
#[test]
fn teacher_student_and_spiked_wigner_on_the_command_line() {
    let bayes = json(&[
        "theory",
        "teacher-student",
        "--weights",
        "spherical",
        "--alpha",
        "3",
        "--json",
    ]);
    let (r, q) = (
        number(&bayes, "/teacher_overlap"),
        number(&bayes, "/student_overlap"),
    );
    assert!((r - q).abs() < 1e-6, "R = {r}, q = {q}");
    let binary = json(&[
        "theory",
        "teacher-student",
        "--weights",
        "binary",
        "--learning",
        "gibbs",
        "--alpha",
        "1",
        "--json",
    ]);
    assert!((number(&binary, "/binary_transition/alpha_transition") - 1.245).abs() < 2e-3);
    let spike = json(&[
        "theory",
        "spiked-wigner",
        "--snr",
        "4",
        "--prior",
        "gaussian",
        "--json",
    ]);
    assert!((number(&spike, "/overlap") - 0.75).abs() < 1e-6);
    for arguments in [
        &[
            "theory",
            "perceptron",
            "--weights",
            "spherical",
            "--alpha",
            "-1",
        ][..],
        &[
            "theory",
            "teacher-student",
            "--weights",
            "binary",
            "--alpha",
            "1",
            "--label-noise",
            "0.7",
        ],
        &["theory", "spiked-wigner", "--snr", "-2"],
        &[
            "bench",
            "--workload",
            "perceptron-binary",
            "--kernel",
            "scalar",
        ],
    ] {
        let output = quench().args(arguments).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "quench {arguments:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--"), "quench {arguments:?}: {stderr}");
    }
}

/// `quench exact --model perceptron`: one pattern is stored by exactly half
/// of the $2^N$ binary weight vectors ($N$ odd: no field is 0), so every
/// set has $2^{N-1}$ solutions and version-space entropy $\ln 2^{N-1}/N$;
/// a teacher's labels always have a solution; and in the version space of
/// a binary teacher (the Bayes-optimal posterior) the Nishimori identity
/// $[\langle R\rangle] = [q]$ holds within 4 standard errors. Bad flags exit with 2.
#[test]
fn exact_perceptron_counts_solutions_and_obeys_nishimori() {
    let one = json(&[
        "exact",
        "--model",
        "perceptron",
        "--n",
        "11",
        "--patterns",
        "1",
        "--samples",
        "20",
        "--temperatures",
        "0",
        "--seed",
        "3",
        "--json",
    ]);
    assert_eq!(number(&one, "/solvable/mean"), 1.0);
    assert_eq!(number(&one, "/solutions/mean"), 1024.0);
    assert_eq!(number(&one, "/solutions/error"), 0.0);
    let entropy = number(&one, "/temperatures/0/free_entropy/mean");
    assert!((entropy - 1024f64.ln() / 11.0).abs() < 1e-12, "{entropy}");

    let taught = json(&[
        "exact",
        "--model",
        "perceptron",
        "--n",
        "13",
        "--alpha",
        "1.0",
        "--labels",
        "teacher",
        "--inputs",
        "gaussian",
        "--samples",
        "300",
        "--temperatures",
        "0",
        "--seed",
        "5",
        "--json",
    ]);
    assert_eq!(number(&taught, "/solvable/mean"), 1.0);
    let (r, r_error) = (
        number(&taught, "/temperatures/0/teacher_overlap/mean"),
        number(&taught, "/temperatures/0/teacher_overlap/error"),
    );
    let (q, q_error) = (
        number(&taught, "/temperatures/0/student_overlap/mean"),
        number(&taught, "/temperatures/0/student_overlap/error"),
    );
    let tolerance = 4.0 * (r_error * r_error + q_error * q_error).sqrt();
    assert!(
        (r - q).abs() < tolerance,
        "R = {r} ± {r_error}, q = {q} ± {q_error}"
    );

    for (arguments, message) in [
        (
            &["--n", "12", "--alpha", "1", "--labels", "teacher"][..],
            "odd dimension",
        ),
        (&["--n", "40", "--alpha", "1"][..], "--n 40"),
        (&["--n", "11"][..], "--patterns P or --alpha A"),
        (
            &["--n", "11", "--patterns", "3", "--label-noise", "0.1"][..],
            "--labels teacher only",
        ),
    ] {
        let output = quench()
            .args([
                "exact",
                "--model",
                "perceptron",
                "--temperatures",
                "0",
                "--seed",
                "1",
            ])
            .args(arguments)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{arguments:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{arguments:?}: {stderr}");
    }
}

/// `quench theory pspin-dynamics`: e(t) and C(t, t_w) on the grid, the
/// paramagnet's energy -1/(2T) reached above T_d, Parquet with --out, and
/// bad input refused with the flag's name.
#[test]
fn pspin_dynamics_prints_the_cugliandolo_kurchan_solution() {
    let document = json(&[
        "theory",
        "pspin-dynamics",
        "--p",
        "3",
        "--temperature",
        "0.8",
        "--time",
        "64",
        "--points",
        "64",
        "--waiting-times",
        "4,8",
        "--json",
    ]);
    let one_time = document["one_time"].as_array().unwrap();
    let last = one_time.last().unwrap();
    assert!(number(last, "/time") >= 64.0);
    assert!((number(last, "/energy") + 0.5 / 0.8).abs() < 5e-3, "{last}");
    let two_time = document["two_time"].as_array().unwrap();
    assert!(
        two_time
            .iter()
            .any(|p| number(p, "/waiting_time") == 8.0 && number(p, "/time") == 16.0)
    );
    for point in two_time {
        let c = number(point, "/correlation");
        assert!(c <= 1.0 && c > -0.1, "{point}");
    }
    assert!(document["asymptotics"].is_null(), "no ageing above T_d");
    let below = json(&[
        "theory",
        "pspin-dynamics",
        "--p",
        "3",
        "--temperature",
        "0.4",
        "--time",
        "32",
        "--points",
        "64",
        "--json",
    ]);
    let x = number(&below, "/asymptotics/fluctuation_dissipation_ratio");
    assert!(x > 0.0 && x < 1.0, "{below}");
    // Inside a state at T = 0.5 the equilibrium correlation stays at the
    // root of 6q(1 - q) = 1 (beta^2 xi'(q)(1 - q) = q for p = 3).
    let inside = json(&[
        "theory",
        "pspin-dynamics",
        "--p",
        "3",
        "--temperature",
        "0.5",
        "--time",
        "32",
        "--points",
        "64",
        "--equilibrium",
        "--json",
    ]);
    let plateau = number(&inside, "/equilibrium/ergodicity_breaking_plateau");
    assert!(
        (plateau - (1.0 + (1.0f64 / 3.0).sqrt()) / 2.0).abs() < 1e-9,
        "{plateau}"
    );
    let last = inside["equilibrium"]["points"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(
        (number(&last, "/correlation") - plateau).abs() < 1e-3,
        "{last}"
    );
    let directory = scratch("pspin-dynamics");
    let status = quench()
        .args([
            "theory",
            "pspin-dynamics",
            "--p",
            "3",
            "--temperature",
            "0.5",
            "--time",
            "16",
        ])
        .args(["--points", "64", "--out"])
        .arg(&directory)
        .status()
        .unwrap();
    assert!(status.success());
    for table in [
        "one_time.parquet",
        "two_time.parquet",
        "summary.parquet",
        "result.json",
    ] {
        assert!(directory.join(table).is_file(), "{table}");
    }
    let _ = std::fs::remove_dir_all(&directory);
    for (arguments, flag) in [
        (vec!["--temperature", "0", "--time", "10"], "--temperature"),
        (vec!["--temperature", "0.5", "--time", "1e12"], "--time"),
        (
            vec![
                "--temperature",
                "0.5",
                "--time",
                "10",
                "--waiting-times",
                "20",
            ],
            "--waiting-times",
        ),
        (
            vec!["--temperature", "0.5", "--time", "10", "--points", "33"],
            "--points",
        ),
    ] {
        let output = quench()
            .args(["theory", "pspin-dynamics", "--p", "3"])
            .args(&arguments)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{arguments:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(flag), "{arguments:?}: {stderr}");
    }
}
