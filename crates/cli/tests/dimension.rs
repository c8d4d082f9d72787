//! `quench dimension`: the estimators on the shipped digits and on a user's
//! `.npy` file, and clear refusals of bad input.

mod common;

use common::{quench, scratch, text};

fn dimension(arguments: &[&str]) -> std::process::Output {
    quench().arg("dimension").args(arguments).output().unwrap()
}

fn json(arguments: &[&str]) -> serde_json::Value {
    let output = dimension(arguments);
    assert!(output.status.success(), "{}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A `.npy` file of float64 rows, as `numpy.save` writes it.
fn write_npy(path: &std::path::Path, rows: usize, columns: usize, values: &[f64]) {
    let mut header =
        format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {columns}), }}");
    while !(10 + header.len() + 1).is_multiple_of(64) {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    for value in values {
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn digits_give_a_dimension_with_its_error_and_scale() {
    let whole = json(&["--data", "digits", "--json"]);
    assert_eq!(whole["points"], 1797);
    assert_eq!(whole["coordinates"], 64);
    assert_eq!(whole["estimator"], "two-nn");
    assert_eq!(whole["error_source"]["kind"], "likelihood");
    let d = whole["dimension"].as_f64().unwrap();
    // Far below the 64 pixels, as the seed's table says of MNIST.
    assert!(d > 4.0 && d < 20.0, "{d}");
    assert!(whole["quench_version"].is_string());

    let ones = json(&[
        "--data",
        "digits",
        "--class",
        "1",
        "--estimator",
        "mle",
        "--k",
        "8",
        "--scaling",
        "--json",
    ]);
    assert_eq!(ones["points"], 182);
    assert_eq!(ones["k"], 8);
    assert_eq!(ones["error_source"]["kind"], "subsets");
    let scaling = ones["scaling"].as_array().unwrap();
    assert!(scaling.len() >= 2);
    assert_eq!(scaling[0]["points"], 182);
}

/// A line in a plane in 12 coordinates read from `.npy`: dimension 1, and
/// the result does not depend on the thread count.
#[test]
fn a_line_from_npy_has_dimension_one() {
    let work = scratch("dimension-npy");
    let path = work.join("line.npy");
    let rows = 3000;
    let mut values = Vec::with_capacity(rows * 12);
    for i in 0..rows {
        // Uniform positions along the line from a hash of the index (a
        // low-discrepancy sequence would not do: its gaps take three values).
        let mut h = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        let t = ((h ^ (h >> 31)) >> 11) as f64 / (1u64 << 53) as f64;
        values.extend((0..12).map(|a| t * (a as f64 + 1.0).sqrt()));
    }
    write_npy(&path, rows, 12, &values);
    let file = path.to_str().unwrap();
    let one = json(&["--data", file, "--threads", "1", "--json"]);
    let two = json(&["--data", file, "--threads", "2", "--json"]);
    assert_eq!(one["dimension"], two["dimension"]);
    let (d, error) = (
        one["dimension"].as_f64().unwrap(),
        one["error"].as_f64().unwrap(),
    );
    assert!((d - 1.0).abs() < 4.0 * error, "{d} ± {error}");
}

#[test]
fn bad_input_is_refused_with_exit_status_2() {
    let work = scratch("dimension-bad");
    let broken = work.join("broken.npy");
    std::fs::write(&broken, b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f8'").unwrap();
    for (arguments, expected) in [
        (
            vec!["--data", broken.to_str().unwrap()],
            "not a readable NumPy .npy file",
        ),
        (
            vec!["--data", "digits", "--points", "5000"],
            "has only 1797 points",
        ),
        (
            vec!["--data", "digits", "--estimator", "mle", "--k", "1"],
            "k = 1",
        ),
        (
            vec!["--data", "digits", "--class", "12"],
            "no point of this class; its classes are 0, 1",
        ),
        (
            vec!["--data", work.join("absent.csv").to_str().unwrap()],
            "absent.csv",
        ),
    ] {
        let output = dimension(&arguments);
        assert_eq!(output.status.code(), Some(2), "{arguments:?}");
        let message = text(&output.stderr);
        assert!(message.contains(expected), "{arguments:?}: {message}");
    }
}

/// TwoNN on the shipped digits equals the reference libraries' on the same
/// data. Fixtures from `bench/dimension-peers.sh`'s environment, 2026-12-05:
/// dadapy 0.3.4, `Data(coordinates=x, maxk=3, n_jobs=1).compute_id_2NN(
/// algorithm=...)` with `x` the 64 pixel columns of
/// `crates/data/data/digits.csv`; scikit-dimension 0.5.0,
/// `skdim.id.TwoNN(discard_fraction=0.1).fit(x).dimension_`.
#[test]
fn two_nn_on_the_digits_equals_dadapy_and_scikit_dimension() {
    const DADAPY_BASE: f64 = 8.908172764854688;
    const DADAPY_ML: f64 = 9.044249492474107;
    const SKDIM_TWO_NN: f64 = 8.908172764810413;
    const DADAPY_BASE_ONES: f64 = 6.619943702792906;
    let close = |a: f64, b: f64| (a - b).abs() < 1e-8 * b;
    let regression = json(&["--data", "digits", "--fit", "regression", "--json"]);
    let regression = regression["dimension"].as_f64().unwrap();
    assert!(close(regression, DADAPY_BASE), "{regression}");
    assert!(close(regression, SKDIM_TWO_NN), "{regression}");
    let likelihood = json(&["--data", "digits", "--json"])["dimension"]
        .as_f64()
        .unwrap();
    assert!(close(likelihood, DADAPY_ML), "{likelihood}");
    let ones = json(&[
        "--data",
        "digits",
        "--class",
        "1",
        "--fit",
        "regression",
        "--json",
    ])["dimension"]
        .as_f64()
        .unwrap();
    assert!(close(ones, DADAPY_BASE_ONES), "{ones}");
}
