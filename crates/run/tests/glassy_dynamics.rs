//! The glassy-dynamics family against truth: a small spherical spec runs
//! end to end (tables, theory, figures), and a small diluted Ising 3-spin
//! glass quenched by Glauber dynamics gives, within its error bars, the
//! energy and correlation of the exact master equation of the same sample.

use quench_dynamics::{IsingRule, MasterEquation};
use quench_run::family::Family;
use quench_run::family::glassy_dynamics::{DrawnSystem, GlassyDynamics, draw_system};
use quench_run::runner::{self, RunOptions};
use quench_run::table::Table;

fn scratch(name: &str) -> std::path::PathBuf {
    let directory = std::env::temp_dir().join(format!(
        "quench-glassy-dynamics-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

const SPHERICAL: &str = r#"
name = "spherical-small"
seed = 3
[model]
model = "glassy-dynamics"
system = "spherical-pspin"
p = 3
[grid]
sizes = [12, 20]
temperature = [0.5, 2.0]
[dynamics]
time_step = 0.02
final_time = 16
waiting_times = [1, 8]
measurements = 12
lags = 8
histories = 4
[ensemble]
samples = 4
[theory]
points = 64
"#;

/// A small spherical spec runs whole: its tables have a row per size,
/// temperature and time, the energy starts at zero (a random point of the
/// sphere) and falls, C stays below 1, the theory was solved for both
/// temperatures (with the ageing state only below T_d), and at T = 2 (far
/// above T_d = 0.61), once equilibrated (t_w = 8), the simulated response
/// obeys the fluctuation–dissipation theorem, χ = (1 − C)/T, within errors.
#[test]
fn a_small_spherical_quench_runs_end_to_end() {
    let work = scratch("spherical");
    let family = GlassyDynamics;
    let spec = family.parse("spherical.toml", SPHERICAL).unwrap();
    let out = work.join("out");
    runner::run_family(&family, &spec, &RunOptions::new(&out)).unwrap();
    let one = Table::read(&out.join("one_time.parquet")).unwrap();
    assert_eq!(one.rows(), 2 * 2 * spec.times.len());
    let (time, energy, error, bath) = (
        one.numbers("time"),
        one.numbers("energy"),
        one.numbers("energy_error"),
        one.numbers("temperature"),
    );
    for i in 0..one.rows() {
        if time[i] == 0.0 {
            assert!(
                energy[i].abs() < 5.0 * error[i] + 0.05,
                "e(0) = {}",
                energy[i]
            );
        } else if time[i] == spec.final_time && bath[i] == 0.5 {
            assert!(energy[i] < -0.3, "e({}) = {}", time[i], energy[i]);
        }
    }
    let two = Table::read(&out.join("two_time.parquet")).unwrap();
    assert_eq!(two.rows(), 2 * 2 * 2 * spec.lags.len());
    let (temperature, waiting, correlation, chi, chi_error) = (
        two.numbers("temperature"),
        two.numbers("waiting_time"),
        two.numbers("correlation"),
        two.numbers("integrated_response"),
        two.numbers("integrated_response_error"),
    );
    let mut checked = 0;
    for i in 0..two.rows() {
        assert!(correlation[i] < 1.0 && correlation[i] > -1.0);
        if temperature[i] == 2.0 && waiting[i] == 8.0 && two.numbers("lag")[i] <= 4.0 {
            let fdt = (1.0 - correlation[i]) / 2.0;
            // The O(dt) bias of the integrator (about 0.4 dt) beside the errors.
            assert!(
                (chi[i] - fdt).abs() < 4.0 * chi_error[i] + 0.02,
                "chi = {} ± {} against FDT {fdt} (row {i})",
                chi[i],
                chi_error[i]
            );
            checked += 1;
        }
    }
    assert!(checked >= 10);
    let theory = Table::read(&out.join("theory.parquet")).unwrap();
    assert_eq!(theory.rows(), 2);
    assert!(
        theory.texts("status").iter().all(|s| s == "solved"),
        "{:?}",
        theory.texts("status")
    );
    let plateau = theory.numbers("plateau");
    assert!(plateau[0] > 0.5 && plateau[0] < 1.0 && plateau[1].is_nan());
    assert!(
        Table::read(&out.join("theory_two_time.parquet"))
            .unwrap()
            .rows()
            > 20
    );
    for figure in [
        "energy-T0.5.png",
        "correlation-N20-T2.png",
        "response-T0.5.png",
    ] {
        assert!(out.join(figure).exists(), "{figure}");
    }
    std::fs::remove_dir_all(&work).unwrap();
}

const ISING: &str = r#"
name = "ising-exact"
seed = 5
[model]
model = "glassy-dynamics"
system = "ising-pspin"
p = 3
connectivity = 4
[grid]
sizes = [12]
temperature = 1.5
[dynamics]
rule = "glauber"
final_time = 12
waiting_times = [1, 4]
measurements = 10
lags = 6
field = 0.0
histories = 3000
[ensemble]
samples = 1
"#;

/// The family's Glauber run of one diluted 3-spin sample (N = 12, four
/// hyperedges per site so that some flips cost nothing, T = 1.5,
/// 3000 histories) against the exact master equation of the same sample,
/// drawn as the run draws it: every e(t) and every C(t_w + τ, t_w) within
/// four standard errors.
#[test]
fn an_ising_quench_agrees_with_the_exact_master_equation() {
    let work = scratch("ising");
    let family = GlassyDynamics;
    let spec = family.parse("ising.toml", ISING).unwrap();
    let out = work.join("out");
    runner::run_family(&family, &spec, &RunOptions::new(&out)).unwrap();
    let DrawnSystem::Ising(system) = draw_system(&spec, &spec.points[0], 0).unwrap() else {
        panic!("an Ising spec draws an Ising system");
    };
    let exact = MasterEquation::new(&system, IsingRule::Glauber { temperature: 1.5 })
        .unwrap()
        .solve(&spec.schedule())
        .unwrap();
    let one = Table::read(&out.join("one_time.parquet")).unwrap();
    let mut worst: f64 = 0.0;
    for i in 0..one.rows() {
        let k = exact
            .times
            .iter()
            .position(|&t| t == one.numbers("time")[i])
            .unwrap();
        let z = (one.numbers("energy")[i] - exact.energy[k]) / one.numbers("energy_error")[i];
        worst = worst.max(z.abs());
    }
    let two = Table::read(&out.join("two_time.parquet")).unwrap();
    for i in 0..two.rows() {
        let w = exact
            .waiting_times
            .iter()
            .position(|&t| t == two.numbers("waiting_time")[i])
            .unwrap();
        let l = exact
            .lags
            .iter()
            .position(|&t| t == two.numbers("lag")[i])
            .unwrap();
        let z = (two.numbers("correlation")[i] - exact.correlation[w][l])
            / two.numbers("correlation_error")[i];
        worst = worst.max(z.abs());
    }
    assert!(worst < 4.0, "largest deviation {worst} standard errors");
    assert!(!out.join("theory.parquet").exists());
    std::fs::remove_dir_all(&work).unwrap();
}

const LATTICE: &str = r#"
name = "ea-small"
seed = 9
[model]
model = "glassy-dynamics"
system = "edwards-anderson"
dimension = 3
[grid]
sizes = [4]
temperature = 0.8
[dynamics]
final_time = 64
waiting_times = [4, 16]
measurements = 8
lags = 6
histories = 6
[ensemble]
samples = 70
"#;

/// The lattice system runs in blocks of 64 samples (70 samples: two units)
/// and its tables are the means of exactly what the multispin kernel gives
/// for the same drawn samples, streams and schedule; the energy falls from
/// its random start (e(0) = 0 within errors) and C(t_w + τ, t_w) decays
/// more slowly for the older system (ageing).
#[test]
fn an_edwards_anderson_quench_runs_in_blocks_of_the_multispin_kernel() {
    use quench_core::{FamilyStreams, UnitStreams};
    use quench_dynamics::{LatticeSettings, multispin_histories, summarize};
    let work = scratch("lattice");
    let family = GlassyDynamics;
    let spec = family.parse("lattice.toml", LATTICE).unwrap();
    let plan = family.plan(&spec);
    assert_eq!(
        plan.iter().map(|u| (u.first, u.count)).collect::<Vec<_>>(),
        vec![(0, 64), (64, 6)]
    );
    let out = work.join("out");
    runner::run_family(&family, &spec, &RunOptions::new(&out)).unwrap();
    let one = Table::read(&out.join("one_time.parquet")).unwrap();
    let two = Table::read(&out.join("two_time.parquet")).unwrap();
    // The same samples, streams and kernel, called directly.
    let point = &spec.points[0];
    let mut records = Vec::new();
    for unit in &plan {
        let samples: Vec<quench_core::Sample> = unit
            .samples()
            .map(|s| match draw_system(&spec, point, s).unwrap() {
                DrawnSystem::Lattice(sample) => sample,
                _ => unreachable!(),
            })
            .collect();
        let (seed, _) = UnitStreams::new(
            spec.seed,
            FamilyStreams::Named("glassy-dynamics"),
            point.index as u64,
            unit.first,
        )
        .seed_and_sample();
        let settings = LatticeSettings {
            temperature: point.temperature,
            histories: 6,
            width: quench_mc::WordWidth::widest(),
        };
        records.extend(
            multispin_histories(&samples, &settings, &spec.schedule(), seed, unit.first).unwrap(),
        );
    }
    let direct = summarize(&records);
    assert_eq!(direct.samples, 70);
    for (k, e) in direct.energy.iter().enumerate() {
        assert_eq!(one.numbers("energy")[k], e.mean, "e at {}", direct.times[k]);
        assert_eq!(one.numbers("energy_error")[k], e.error);
    }
    assert!(one.numbers("energy")[0].abs() < 4.5 * one.numbers("energy_error")[0]);
    assert!(one.numbers("energy").last().unwrap() < &-1.5);
    let lags = direct.lags.len();
    for w in 0..2 {
        for l in 0..lags {
            assert_eq!(
                two.numbers("correlation")[w * lags + l],
                direct.correlation[w][l].mean
            );
        }
    }
    let (young, old) = (
        direct.correlation[0][lags - 1],
        direct.correlation[1][lags - 1],
    );
    assert!(
        old.mean - young.mean > 4.5 * (old.error.powi(2) + young.error.powi(2)).sqrt(),
        "no ageing: C = {young:?} at t_w = 4, {old:?} at t_w = 16"
    );
    assert!(
        two.numbers("integrated_response")
            .iter()
            .all(|x| x.is_nan())
    );
    std::fs::remove_dir_all(&work).unwrap();
}

const SHERRINGTON_KIRKPATRICK: &str = r#"
name = "sk-exact"
seed = 6
[model]
model = "glassy-dynamics"
system = "sherrington-kirkpatrick"
[grid]
sizes = [10]
temperature = 0.5
[dynamics]
rule = "metropolis"
final_time = 12
waiting_times = [1, 4]
measurements = 10
lags = 6
field = 0.0
histories = 2000
[ensemble]
samples = 1
"#;

/// A Sherrington–Kirkpatrick sample (N = 10, T = 0.5, below T_c = 1)
/// quenched by Metropolis single flips through the move seam: e(t) and
/// C(t_w + τ, t_w) over 2000 histories agree with the exact master
/// equation of the same sample within 4.5 standard errors.
#[test]
fn a_sherrington_kirkpatrick_quench_agrees_with_the_exact_master_equation() {
    let work = scratch("sk");
    let family = GlassyDynamics;
    let spec = family.parse("sk.toml", SHERRINGTON_KIRKPATRICK).unwrap();
    let out = work.join("out");
    runner::run_family(&family, &spec, &RunOptions::new(&out)).unwrap();
    let DrawnSystem::Pairwise(sample) = draw_system(&spec, &spec.points[0], 0).unwrap() else {
        panic!("an SK spec draws a pairwise sample");
    };
    let exact = MasterEquation::new(
        &quench_mc::SampleMoves { sample: &sample },
        IsingRule::Metropolis { temperature: 0.5 },
    )
    .unwrap()
    .solve(&spec.schedule())
    .unwrap();
    let one = Table::read(&out.join("one_time.parquet")).unwrap();
    for i in 1..one.rows() {
        let z = (one.numbers("energy")[i] - exact.energy[i]) / one.numbers("energy_error")[i];
        assert!(z.abs() < 4.5, "e({}): z = {z}", one.numbers("time")[i]);
    }
    let two = Table::read(&out.join("two_time.parquet")).unwrap();
    let lags = exact.lags.len();
    for i in 0..two.rows() {
        let (w, l) = (i / lags, i % lags);
        assert_eq!(two.numbers("lag")[i], exact.lags[l]);
        let z = (two.numbers("correlation")[i] - exact.correlation[w][l])
            / two.numbers("correlation_error")[i];
        assert!(
            z.abs() < 4.5,
            "C at t_w = {}, lag {}: z = {z}",
            exact.waiting_times[w],
            exact.lags[l]
        );
    }
    std::fs::remove_dir_all(&work).unwrap();
}
