//! Plan, execute, merge: a run cut into shards, each run on its own, and
//! merged gives bit for bit the tables of the run done whole; and the
//! tables of the small specs in `tests/specs/` are the ones recorded before
//! the runner became a framework over families.

use std::path::{Path, PathBuf};

use quench_run::runner::{self, RunOptions, Shard};

fn spec(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/specs/{name}.toml"))
}

fn scratch(name: &str) -> PathBuf {
    let directory =
        std::env::temp_dir().join(format!("quench-shards-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

/// FNV-1a of a file's bytes.
fn hash(path: &Path) -> u64 {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn options(out: &Path, threads: usize, shard: Option<Shard>) -> RunOptions {
    RunOptions {
        threads: Some(threads),
        shard,
        ..RunOptions::new(out)
    }
}

/// Runs `name` whole, checks its tables against `recorded` (FNV-1a of each
/// file, from the runner as it was before families: quench 77e7b42), then
/// runs it as `shards` shards with different thread counts, merges them and
/// checks the merged tables equal the whole run's, byte for byte.
fn check(name: &str, shards: usize, recorded: &[(&str, u64)]) {
    let work = scratch(name);
    let whole = work.join("whole");
    runner::run(Some(&spec(name)), &options(&whole, 2, None)).unwrap();
    for (file, expected) in recorded {
        assert_eq!(
            hash(&whole.join(file)),
            *expected,
            "{name}/{file} changed (now {:#x}): the runner no longer reproduces the recorded results (if a change of the physics is meant, record the new hashes and say why in the commit)",
            hash(&whole.join(file))
        );
    }

    let plan = runner::plan_file(&spec(name)).unwrap();
    assert!(
        plan.units.len() >= shards,
        "{name}: {} units for {shards} shards",
        plan.units.len()
    );
    let directories: Vec<PathBuf> = (0..shards)
        .map(|index| {
            let out = work.join(format!("shard-{index}"));
            let shard = Shard {
                index,
                count: shards,
            };
            let outcome = runner::run(
                Some(&spec(name)),
                &options(&out, 1 + index % 2, Some(shard)),
            )
            .unwrap();
            assert_eq!(outcome.shard, Some(shard));
            assert!(out.join("shard.json").exists() && !out.join("checkpoints").exists());
            assert!(
                !out.join("manifest.json").exists(),
                "a shard writes no tables"
            );
            out
        })
        .collect();
    // Merging a subset is refused, naming the missing unit.
    let partial = runner::merge(&directories[..shards - 1], &work.join("partial")).unwrap_err();
    assert!(partial.is_bad_input(), "{partial}");
    assert!(
        partial.to_string().contains("no shard holds unit"),
        "{partial}"
    );
    assert!(!work.join("partial").exists());

    // Shards given in any order merge to the whole run.
    let mut reversed = directories.clone();
    reversed.reverse();
    let merged = work.join("merged");
    runner::merge(&reversed, &merged).unwrap();
    for (file, _) in recorded {
        assert_eq!(
            std::fs::read(whole.join(file)).unwrap(),
            std::fs::read(merged.join(file)).unwrap(),
            "{name}/{file}: merged shards differ from the whole run"
        );
    }
    assert!(merged.join("report.md").exists() && merged.join("manifest.json").exists());
    std::fs::remove_dir_all(&work).unwrap();
}

#[test]
fn sharded_spin_glass_runs_merge_to_the_whole_run() {
    check(
        "sk-sites",
        3,
        &[
            ("disorder.parquet", 0xa700_6904_1cc9_be29),
            ("exchange.parquet", 0x8c1c_4668_998a_9cb6),
            ("equilibration.parquet", 0xd4af_c278_72d2_e973),
            ("overlap_distribution.parquet", 0xab10_aeb8_eb91_cbe6),
            ("sites.parquet", 0xcb84_9228_9114_343e),
            ("theory.parquet", 0xc7ff_c8ed_af3f_0b19),
            ("thermal.parquet", 0x77ce_e171_5db0_64e9),
            ("spins/point-000.npy", 0x4f6b_2e31_faf0_87e8),
            ("spins/point-001.npy", 0x331b_5f19_37ae_0fd1),
        ],
    );
}

/// The scalar reference kernel: heat bath in random order on random
/// regular graphs, and Metropolis in sequential order on SK.
#[test]
fn sharded_scalar_kernel_runs_merge_to_the_whole_run() {
    check(
        "graph-scalar",
        3,
        &[
            ("disorder.parquet", 0x0138_7ffd_4789_7d2a),
            ("exchange.parquet", 0xaccb_9a63_0c8a_66f4),
            ("equilibration.parquet", 0x3a59_0617_3d8e_41d8),
            ("overlap_distribution.parquet", 0x35d2_f8b8_c6b2_a153),
            ("theory.parquet", 0x4e90_4eb5_f2df_128e),
            ("thermal.parquet", 0x111f_a10f_ae3c_6d7e),
        ],
    );
    check(
        "sk-metropolis-scalar",
        2,
        &[
            ("disorder.parquet", 0x4ca7_e232_aa33_6b36),
            ("exchange.parquet", 0x0a46_f9ad_41ee_279d),
            ("equilibration.parquet", 0xf7fe_12ed_be9a_c46d),
            ("overlap_distribution.parquet", 0x76cd_6c22_5a80_acf1),
            ("theory.parquet", 0xa4b2_991f_2e94_0f18),
            ("thermal.parquet", 0x2b57_6b1a_e0a0_9323),
        ],
    );
}

#[test]
fn sharded_multispin_runs_merge_to_the_whole_run() {
    check(
        "ea-multispin",
        2,
        &[
            ("disorder.parquet", 0x6ee0_9bda_6801_5e25),
            ("exchange.parquet", 0x7b73_a963_1987_6495),
            ("equilibration.parquet", 0xeadd_ffb5_ca12_45a6),
            ("overlap_distribution.parquet", 0xa41b_a6ba_6c96_8b00),
            ("theory.parquet", 0x4e90_4eb5_f2df_128e),
            ("thermal.parquet", 0xb5b6_9a40_625f_e6e5),
        ],
    );
}

#[test]
fn sharded_hopfield_runs_merge_to_the_whole_run() {
    check(
        "hopfield-retrieval",
        3,
        &[
            ("retrieval.parquet", 0x6dd9_6a1e_4e20_528f),
            ("retrieval_summary.parquet", 0x6925_3467_c836_3f18),
            ("theory.parquet", 0x0488_f505_4798_9ee2),
        ],
    );
}

#[test]
fn sharded_dense_memory_runs_merge_to_the_whole_run() {
    check(
        "dense-capacity",
        2,
        &[
            ("capacity.parquet", 0x16d1_8846_7208_e345),
            ("capacity_points.parquet", 0xff16_10af_f9a3_c91c),
            ("theory.parquet", 0x2d5f_0a36_d16b_3bda),
        ],
    );
}

/// The perceptron family: capacity (convex programmes, enumeration,
/// annealing) and teacher-student (tempering of both kinds of weights, GAMP).
#[test]
fn sharded_perceptron_runs_merge_to_the_whole_run() {
    check(
        "perceptron-capacity",
        3,
        &[
            // SBPI and gradient descent joined the heuristics (new columns,
            // annealing.parquet became heuristics.parquet); theory gained
            // the replica-symmetric q(alpha) of the solutions.
            ("samples.parquet", 0xe70d_fd36_63f5_d268),
            ("capacity.parquet", 0xf149_4723_d94d_530e),
            ("heuristics.parquet", 0x5e3b_e8e4_3a54_1a5e),
            ("theory.parquet", 0x0972_d861_1261_eef1),
            ("solution_overlaps.parquet", 0x5614_3fb4_4793_0c08),
            ("solution_summary.parquet", 0xcd75_e4c6_2b34_07a6),
        ],
    );
    check(
        "perceptron-teacher",
        3,
        &[
            ("learning.parquet", 0xceb3_4904_eecb_4d79),
            ("learning_summary.parquet", 0x426e_5b7a_ade1_44cf),
            ("theory.parquet", 0x8f3a_7802_1da8_36a3),
        ],
    );
}

/// The RBM family: exact and AIS likelihoods, CD, PCD and tempering, the
/// AIS check, machines and samples as arrays. (Recorded when the family was
/// added; the matrix products are `matrixmultiply`'s, whose FMA kernel this
/// machine and CI's choose alike.)
#[test]
fn sharded_rbm_runs_merge_to_the_whole_run() {
    check(
        "rbm-teacher",
        3,
        &[
            ("curves.parquet", 0x91be_f018_87f1_a6ca),
            ("learning.parquet", 0x3a35_0720_6dad_164c),
            ("final.parquet", 0x1ffa_a3a5_ee52_708c),
            ("ais_check.parquet", 0x10bb_799f_8d6b_c1ee),
            ("machines/point-003-weights.npy", 0x1ef5_f718_67db_e41a),
            ("samples/point-005.npy", 0xa9db_ce1d_cbca_aea7),
        ],
    );
}

#[test]
fn shards_are_parsed_and_checked() {
    assert_eq!(Shard::parse("1/4").unwrap(), Shard { index: 1, count: 4 });
    for bad in ["4/4", "1", "a/2", "0/0", "-1/3"] {
        let error = Shard::parse(bad).unwrap_err();
        assert!(
            error.is_bad_input() && error.to_string().contains("K/N"),
            "{bad}: {error}"
        );
    }
    let shard = Shard { index: 1, count: 3 };
    let held: Vec<usize> = (0..8).filter(|&i| shard.holds(i)).collect();
    assert_eq!(held, [1, 4, 7]);
}

#[test]
fn sharded_inverse_ising_runs_merge_to_the_whole_run() {
    check(
        "inverse-ising",
        3,
        &[
            ("reconstruction.parquet", 0x3460_d041_2a75_1e45),
            ("data.parquet", 0xfae1_fbd3_6f11_bb82),
        ],
    );
}

#[test]
fn sharded_gaussian_rbm_runs_merge_to_the_whole_run() {
    check(
        "grbm-digits",
        3,
        &[
            ("curves.parquet", 0xcc9d_283c_4b63_cfcc),
            ("final.parquet", 0x1f79_2078_c85c_51dc),
            ("ais_check.parquet", 0xa8c1_c73d_7253_2160),
            ("samples/point-001.npy", 0x8206_6853_8cc5_6301),
        ],
    );
}

#[test]
fn sharded_intrinsic_dimension_runs_merge_to_the_whole_run() {
    check(
        "intrinsic-dimension",
        3,
        &[
            ("estimates.parquet", 0x395c_1606_dbee_a3a5),
            ("scaling.parquet", 0xcee0_3f9d_a31a_0578),
        ],
    );
}

#[test]
fn sharded_hidden_manifold_runs_merge_to_the_whole_run() {
    check(
        "hidden-manifold",
        3,
        &[
            ("curves.parquet", 0xe628_a416_214b_85fa),
            ("data.parquet", 0x9372_3539_355c_810a),
        ],
    );
}
