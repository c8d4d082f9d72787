use super::*;
use crate::{CouplingDistribution, ModelSpec};

/// A scratch directory of this test process, removed by the caller's `Drop`.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("quench-instance-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `.npy` file by hand: `descr`, order, shape and raw little- or big-endian data.
fn npy(descr: &str, fortran: bool, shape: &str, data: &[u8]) -> Vec<u8> {
    let mut header = format!(
        "{{'descr': '{descr}', 'fortran_order': {}, 'shape': {shape}, }}",
        if fortran { "True" } else { "False" }
    );
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = NPY_MAGIC.to_vec();
    bytes.extend_from_slice(&[1, 0]);
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

fn f64_le(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The error of reading `couplings` (and `fields`), which must fail.
fn refused(couplings: &Path, fields: Option<&Path>) -> InstanceError {
    Instance::read(couplings, fields).expect_err("the file must be refused")
}

fn assert_refused(error: &InstanceError, file: &Path, line: Option<usize>, words: &str) {
    assert_eq!(error.file, file, "{error}");
    assert_eq!(error.line, line, "{error}");
    let text = error.to_string();
    assert!(text.contains(words), "{text:?} lacks {words:?}");
    assert!(
        text.contains(&file.display().to_string()),
        "{text:?} names no file"
    );
}

#[test]
fn an_edge_list_reads_with_comments_blank_lines_and_a_declared_size() {
    let dir = Scratch::new("edges");
    let path = dir.file(
        "g.txt",
        b"# a triangle and an isolated spin\n\nn 4\n0 1 -1   # inline\n1 2 0.25\n\n2 0 1e-3\n1 0 -1\n",
    );
    let instance = Instance::read(&path, None).unwrap();
    assert_eq!(instance.n, 4);
    let InstanceCouplings::Sparse(bonds) = &instance.couplings else {
        panic!("a triangle among four spins is sparse");
    };
    // `1 0 -1` repeats `0 1 -1` with the same J: read once.
    assert_eq!(bonds.len(), 3);
    assert_eq!(
        bonds[2],
        Bond {
            i: 2,
            j: 0,
            coupling: 1e-3
        }
    );
    let sample = instance.sample(0.5).unwrap();
    assert_eq!(sample.coupling(1, 0), -1.0);
    assert_eq!(sample.fields(), &[0.5; 4]);
    // Without `n` the size is the largest index + 1.
    let path = dir.file("h.txt", b"0 2 1.5\n");
    assert_eq!(Instance::read(&path, None).unwrap().n, 3);
}

#[test]
fn an_edge_list_over_every_pair_is_stored_densely() {
    let dir = Scratch::new("complete");
    let path = dir.file("k3.txt", b"0 1 1\n0 2 -2\n1 2 3\n");
    let instance = Instance::read(&path, None).unwrap();
    assert_eq!(
        instance.couplings,
        InstanceCouplings::Dense(vec![0.0, 1.0, -2.0, 1.0, 0.0, 3.0, -2.0, 3.0, 0.0])
    );
    assert!(instance.sample(0.0).unwrap().is_dense());
}

#[test]
fn every_bad_edge_list_names_the_file_and_line() {
    let dir = Scratch::new("bad-edges");
    let cases: [(&str, &[u8], Option<usize>, &str); 14] = [
        ("negative", b"0 1 1\n-1 2 1\n", Some(2), "-1 is negative"),
        ("self", b"# c\n3 3 1.0\n", Some(2), "self-coupling 3 3"),
        (
            "conflict",
            b"0 1 1\n1 2 1\n1 0 -1\n",
            Some(3),
            "pair (0, 1) is listed again with J = -1, line 1 gave J = 1",
        ),
        ("nan", b"0 1 nan\n", Some(1), "coupling NaN is not finite"),
        (
            "inf",
            b"0 1 1\n\n1 2 inf\n",
            Some(3),
            "coupling inf is not finite",
        ),
        (
            "word",
            b"0 1 x\n",
            Some(1),
            "coupling \"x\" is not a number",
        ),
        (
            "float index",
            b"0 1.5 1\n",
            Some(1),
            "site \"1.5\" is not an integer",
        ),
        ("two values", b"0 1\n", Some(1), "2 values on the line"),
        (
            "out of range",
            b"n 3\n0 1 1\n1 3 1\n",
            Some(3),
            "site 3 is out of range",
        ),
        ("n late", b"0 1 1\nn 3\n", Some(2), "after the first entry"),
        ("n zero", b"n 0\n", Some(1), "n = 0"),
        ("huge index", b"0 99999999999 1\n", Some(1), "is too large"),
        ("only comments", b"# nothing\n\n", None, "no couplings"),
        ("empty", b"", None, "the file is empty"),
    ];
    for (name, text, line, words) in cases {
        let path = dir.file(&format!("{name}.txt"), text);
        assert_refused(&refused(&path, None), &path, line, words);
    }
    let missing = dir.0.join("missing.txt");
    assert_refused(&refused(&missing, None), &missing, None, "no such file");
    assert_refused(&refused(&dir.0, None), &dir.0, None, "is a directory");
    let binary = dir.file("binary.txt", b"0 1 1\n\xff\xfe\n");
    assert_refused(&refused(&binary, None), &binary, Some(2), "not UTF-8");
}

#[test]
fn fields_files_are_read_and_checked() {
    let dir = Scratch::new("fields");
    let couplings = dir.file("g.txt", b"n 3\n0 1 1\n");
    let fields = dir.file("h.txt", b"# fields\n2 -0.5\n0 0.25\n");
    let instance = Instance::read(&couplings, Some(&fields)).unwrap();
    assert_eq!(instance.fields, vec![0.25, 0.0, -0.5]);
    assert_eq!(instance.sample(1.0).unwrap().fields(), &[1.25, 1.0, 0.5]);
    let vector = dir.file(
        "h.npy",
        &npy("<f8", false, "(3,)", &f64_le(&[1.0, 2.0, 3.0])),
    );
    assert_eq!(
        Instance::read(&couplings, Some(&vector)).unwrap().fields,
        vec![1.0, 2.0, 3.0]
    );
    let cases: [(&str, &[u8], Option<usize>, &str); 4] = [
        ("range.txt", b"3 1.0\n", Some(1), "site 3 is out of range"),
        (
            "twice.txt",
            b"1 1.0\n\n1 1.0\n",
            Some(3),
            "site 1 is listed again",
        ),
        ("nan.txt", b"0 NaN\n", Some(1), "field NaN is not finite"),
        ("three.txt", b"0 1 2\n", Some(1), "3 values on the line"),
    ];
    for (name, text, line, words) in cases {
        let path = dir.file(name, text);
        assert_refused(&refused(&couplings, Some(&path)), &path, line, words);
    }
    let short = dir.file(
        "short.npy",
        &npy("<f8", false, "(2,)", &f64_le(&[1.0, 2.0])),
    );
    assert_refused(
        &refused(&couplings, Some(&short)),
        &short,
        None,
        "a vector of shape (3,)",
    );
}

#[test]
fn dense_npy_matrices_read_in_every_supported_layout() {
    let dir = Scratch::new("npy");
    let j = [0.0, 0.5, -1.0, 0.5, 0.0, 2.0, -1.0, 2.0, 0.0];
    let c = dir.file("c.npy", &npy("<f8", false, "(3, 3)", &f64_le(&j)));
    let (n, matrix) = read_dense_npy(&c).unwrap();
    assert_eq!((n, matrix.as_slice()), (3, &j[..]));
    // Fortran order of a symmetric matrix is the same bytes; big-endian and float32 convert.
    let f = dir.file("f.npy", &npy("<f8", true, "(3, 3)", &f64_le(&j)));
    assert_eq!(read_dense_npy(&f).unwrap().1, j);
    let big: Vec<u8> = j.iter().flat_map(|v| v.to_be_bytes()).collect();
    let b = dir.file("b.npy", &npy(">f8", false, "(3,3)", &big));
    assert_eq!(read_dense_npy(&b).unwrap().1, j);
    let single: Vec<u8> = j.iter().flat_map(|&v| (v as f32).to_le_bytes()).collect();
    let s = dir.file("s.npy", &npy("<f4", false, "(3, 3)", &single));
    assert_eq!(read_dense_npy(&s).unwrap().1, j);
    let instance = Instance::read(&s, None).unwrap();
    assert!(instance.sample(0.0).unwrap().is_dense());
}

#[test]
fn a_fortran_matrix_is_transposed_when_read() {
    let dir = Scratch::new("fortran");
    // Asymmetric on purpose: the error must name the entries as numpy indexes them.
    // In Fortran order the file holds column 0 first: J[1][0] = 7, J[0][1] = 5.
    let path = dir.file(
        "f.npy",
        &npy("<f8", true, "(2, 2)", &f64_le(&[0.0, 7.0, 5.0, 0.0])),
    );
    let error = refused(&path, None);
    assert_refused(&error, &path, None, "J[1][0] = 7 but J[0][1] = 5");
}

#[test]
fn every_bad_npy_matrix_is_refused_with_its_reason() {
    let dir = Scratch::new("bad-npy");
    let ok = f64_le(&[0.0, 1.0, 1.0, 0.0]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "asymmetric",
            npy("<f8", false, "(2, 2)", &f64_le(&[0.0, 1.0, 1.5, 0.0])),
            "not symmetric",
        ),
        (
            "diagonal",
            npy("<f8", false, "(2, 2)", &f64_le(&[0.5, 1.0, 1.0, 0.0])),
            "J[0][0] = 0.5 on the diagonal",
        ),
        (
            "nan",
            npy(
                "<f8",
                false,
                "(2, 2)",
                &f64_le(&[0.0, f64::NAN, f64::NAN, 0.0]),
            ),
            "J[0][1] = NaN is not finite",
        ),
        (
            "int",
            npy("<i8", false, "(2, 2)", &[0u8; 32]),
            "element type \"<i8\"",
        ),
        (
            "rect",
            npy("<f8", false, "(2, 1)", &[0u8; 16]),
            "shape [2, 1]",
        ),
        ("vector", npy("<f8", false, "(4,)", &ok), "shape [4]"),
        ("zero", npy("<f8", false, "(0, 0)", &[]), "shape [0, 0]"),
        (
            "short",
            npy("<f8", false, "(2, 2)", &ok[..24]),
            "does not match the 24 bytes",
        ),
        (
            "lying header",
            npy("<f8", false, "(100000000, 100000000)", &ok),
            "does not match the 32 bytes",
        ),
        (
            "overflowing header",
            npy(
                "<f8",
                false,
                "(18446744073709551615, 18446744073709551615)",
                &ok,
            ),
            "too large",
        ),
        ("text", b"0 1 1\n".to_vec(), "not a .npy file"),
        ("empty", Vec::new(), "the file is empty"),
    ];
    for (name, bytes, words) in cases {
        let path = dir.file(&format!("{name}.npy"), &bytes);
        assert_refused(&refused(&path, None), &path, None, words);
    }
}

#[test]
fn drawn_samples_written_out_read_back_identical() {
    let dir = Scratch::new("round-trip");
    let models = [
        ModelSpec::SherringtonKirkpatrick {
            n: 7,
            couplings: CouplingDistribution::Gaussian,
            field: 0.0,
        },
        ModelSpec::ErdosRenyi {
            n: 40,
            mean_degree: 1.5,
            couplings: CouplingDistribution::Gaussian,
            field: 0.0,
        },
        ModelSpec::RandomRegular {
            n: 12,
            degree: 3,
            couplings: CouplingDistribution::PlusMinusOne,
            field: 0.0,
        },
    ];
    for (k, model) in models.iter().enumerate() {
        let drawn = model.ensemble().unwrap().draw(11, 3).unwrap();
        let mut text = Vec::new();
        write_edges(&drawn, "drawn by quench\nsecond comment line", &mut text).unwrap();
        let path = dir.file(&format!("{k}.txt"), &text);
        let read = Instance::read(&path, None).unwrap().sample(0.0).unwrap();
        // The ensemble's Gaussian variance is no property of the couplings.
        let read = match drawn.coupling_variance() {
            Some(variance) => read.with_coupling_variance(variance),
            None => read,
        };
        assert_eq!(read, drawn);
        assert_eq!(read.n(), drawn.n(), "isolated spins are kept by `n`");
        assert_eq!(read.bonds(), drawn.bonds(), "same bonds in the same order");
        for i in 0..drawn.n() {
            for j in 0..drawn.n() {
                assert_eq!(
                    read.coupling(i, j).to_bits(),
                    drawn.coupling(i, j).to_bits()
                );
            }
        }
        let mut matrix = Vec::new();
        write_npy(&drawn, &mut matrix).unwrap();
        let path = dir.file(&format!("{k}.npy"), &matrix);
        let dense = Instance::read(&path, None).unwrap().sample(0.0).unwrap();
        assert!(dense.is_dense());
        for i in 0..drawn.n() {
            for j in 0..drawn.n() {
                // (A sparse sample's absent coupling sums to -0.0, the matrix holds +0.0.)
                assert_eq!(dense.coupling(i, j), drawn.coupling(i, j));
            }
        }
    }
}

#[test]
fn the_instance_model_checks_its_size_and_returns_one_sample() {
    let dir = Scratch::new("model");
    let path = dir.file("g.txt", b"0 1 1\n1 2 -1\n");
    let model = |n: Option<i64>| ModelSpec::Instance {
        couplings: path.clone(),
        fields: None,
        n,
        field: 0.25,
        coupling_variance: None,
    };
    let ensemble = model(None).ensemble().unwrap();
    assert_eq!(ensemble.n(), 3);
    assert!(!ensemble.is_disordered());
    assert_eq!(ensemble.draw(1, 0).unwrap(), ensemble.draw(2, 9).unwrap());
    assert_eq!(ensemble.draw(1, 0).unwrap().fields(), &[0.25; 3]);
    assert!(model(Some(3)).ensemble().is_ok());
    let error = model(Some(4)).ensemble().unwrap_err();
    assert_eq!(error.parameter, "n");
    assert!(error.allowed.contains("3"), "{error}");
    let missing = ModelSpec::Instance {
        couplings: dir.0.join("nope.txt"),
        fields: None,
        n: None,
        field: 0.0,
        coupling_variance: None,
    };
    let error = missing.ensemble().unwrap_err();
    assert_eq!(error.parameter, "couplings");
    assert!(
        error.to_string().contains("nope.txt: no such file"),
        "{error}"
    );
}
