use super::assert_within;
use crate::schedule::mean_and_error;
use crate::{
    IsingPSpin, IsingRule, IsingSettings, IsingSystem, LangevinSettings, MasterEquation, Mixture,
    Schedule, SphericalPSpin, ising_ensemble, ising_history, ising_sweep, langevin_ensemble,
};
use quench_core::random_spins;
use quench_core::rng::{Purpose, stream};
use quench_mc::moves::{Glauber, Visit, sweep};

/// Brownian motion on the sphere $|s|^2 = N$ (all couplings zero) at
/// temperature $T$: $\langle C(t_w+\tau, t_w)\rangle = e^{-(N-1)T\tau/N}$.
fn brownian(
    n: usize,
    temperature: f64,
    time_step: f64,
    lags: &[f64],
    histories: u64,
    seed: u64,
) -> Vec<crate::MeanError> {
    let free = Mixture::new(&[(2, 0.0)]).unwrap();
    let settings = LangevinSettings {
        temperature,
        time_step,
        field: 0.0,
    };
    let schedule = Schedule {
        times: vec![0.0],
        waiting_times: vec![0.5],
        lags: lags.to_vec(),
    };
    let (summary, _) =
        langevin_ensemble(n, &free, &settings, &schedule, seed, 1, histories).unwrap();
    summary.correlation[0].clone()
}

fn brownian_exact(n: usize, temperature: f64, lag: f64) -> f64 {
    (-(n as f64 - 1.0) * temperature * lag / n as f64).exp()
}

#[test]
fn free_langevin_is_brownian_motion_on_the_sphere() {
    let (n, temperature) = (16, 1.0);
    let lags = [0.25, 0.5, 1.0, 2.0];
    for (k, estimate) in brownian(n, temperature, 0.005, &lags, 4000, 1)
        .into_iter()
        .enumerate()
    {
        assert_within(
            &format!("C at lag {}", lags[k]),
            estimate,
            brownian_exact(n, temperature, lags[k]),
            4.5,
        );
    }
}

/// The projected Euler–Maruyama step is of weak order one: the bias of
/// $C(t_w + \tau, t_w)$ at $\Delta t$ is twice that at $\Delta t/2$, within
/// 4.5 standard errors of the ratio (order 1/2 would give $\sqrt2$, order
/// two 4).
#[test]
fn time_step_error_of_the_projected_euler_step_is_of_first_order() {
    let (n, temperature) = (16, 1.0);
    let lags = [0.5, 1.0];
    let bias = |time_step: f64| -> Vec<(f64, f64)> {
        brownian(n, temperature, time_step, &lags, 160_000, 2)
            .iter()
            .zip(&lags)
            .map(|(e, &lag)| (e.mean - brownian_exact(n, temperature, lag), e.error))
            .collect()
    };
    let (coarse, fine) = (bias(0.1), bias(0.05));
    println!("bias of C (value, error) at lags {lags:?}: dt = 0.1 {coarse:?}, dt = 0.05 {fine:?}");
    for ((b1, e1), (b2, e2)) in coarse.into_iter().zip(fine) {
        assert!(
            b2 > 4.5 * e2,
            "the bias at dt = 0.05 is measurable: {b2} ± {e2}"
        );
        let ratio = b1 / b2;
        let error = ratio * ((e1 / b1).powi(2) + (e2 / b2).powi(2)).sqrt();
        assert!(
            (ratio - 2.0).abs() < 4.5 * error,
            "bias ratio {ratio} ± {error}"
        );
    }
}

fn small_ising(seed: u64) -> IsingPSpin {
    IsingPSpin::fully_connected(
        &SphericalPSpin::draw(8, &Mixture::pure(3).unwrap(), seed, 0).unwrap(),
    )
}

/// Glauber and Metropolis on an $N = 8$ Ising 3-spin sample: $e(t)$ and
/// $C(t_w+\tau, t_w)$ over 20000 histories agree with the exact master
/// equation within 4.5 standard errors.
#[test]
fn single_flip_dynamics_agrees_with_the_master_equation() {
    let system = small_ising(4);
    let schedule = Schedule {
        times: crate::geometric_times(1.0, 30.0, 8),
        waiting_times: vec![0.0, 2.0, 8.0],
        lags: vec![1.0, 3.0, 10.0],
    };
    for rule in [
        IsingRule::Glauber { temperature: 0.4 },
        IsingRule::Metropolis { temperature: 0.4 },
    ] {
        let settings = IsingSettings { rule, field: 0.0 };
        let (summary, _) = ising_ensemble(
            std::slice::from_ref(&system),
            &settings,
            &schedule,
            8,
            20_000,
        )
        .unwrap();
        let exact = MasterEquation::new(&system, rule)
            .unwrap()
            .solve(&schedule)
            .unwrap();
        for (k, &t) in summary.times.iter().enumerate() {
            assert_within(
                &format!("{rule:?}: e({t})"),
                summary.energy[k],
                exact.energy[k],
                4.5,
            );
        }
        for (w, &tw) in summary.waiting_times.iter().enumerate() {
            for (l, &lag) in summary.lags.iter().enumerate() {
                let what = format!("{rule:?}: C({tw} + {lag}, {tw})");
                assert_within(
                    &what,
                    summary.correlation[w][l],
                    exact.correlation[w][l],
                    4.5,
                );
            }
        }
    }
}

/// The Glauber sweep of this crate is, draw for draw, `quench_mc`'s sweep
/// with random sites and `Glauber` acceptance.
#[test]
fn glauber_sweep_is_the_move_seam_sweep() {
    let system = small_ising(5);
    let spins = random_spins(8, &mut stream(5, Purpose::InitialState, 0, 0));
    let (mut ours, mut seam) = (system.configure(spins.clone()), system.configure(spins));
    let (mut a, mut b) = (
        stream(5, Purpose::Dynamics, 0, 0),
        stream(5, Purpose::Dynamics, 0, 0),
    );
    let mut scratch = Vec::new();
    for _ in 0..100 {
        ising_sweep(
            &system,
            IsingRule::Glauber { temperature: 0.7 },
            &mut ours,
            &mut a,
        );
        sweep(
            &system,
            &mut seam,
            &Glauber { temperature: 0.7 },
            Visit::RandomSites,
            &mut scratch,
            &mut b,
        );
        assert_eq!(ours.spins, seam.spins);
    }
}

/// In equilibrium at $T = 2$ (the 3-spin spherical model's $T_d \approx
/// 0.61$) the twin response obeys $\chi(t, t_w) = (1 - C(t, t_w))/T$: the
/// per-run difference averages to zero within 4.5 standard errors. The
/// integrator breaks the theorem by about $0.4\\,\Delta t$ (measured over
/// 3200 runs: $+0.004 \pm 0.001$ at $\Delta t = 0.01$, $+0.001 \pm 0.001$
/// at $0.005$), a tenth of this test's error at $\Delta t = 0.005$.
#[test]
fn response_obeys_the_fluctuation_dissipation_theorem_at_high_temperature() {
    let temperature = 2.0;
    let settings = LangevinSettings {
        temperature,
        time_step: 0.005,
        field: 0.05,
    };
    let schedule = Schedule {
        times: vec![0.0, 10.0],
        waiting_times: vec![10.0],
        lags: vec![0.25, 0.5, 1.0, 2.0],
    };
    let (summary, records) = langevin_ensemble(
        32,
        &Mixture::pure(3).unwrap(),
        &settings,
        &schedule,
        21,
        4,
        100,
    )
    .unwrap();
    for (l, &lag) in schedule.lags.iter().enumerate() {
        let differences: Vec<f64> = records
            .iter()
            .map(|r| r.response[0][l] - (1.0 - r.correlation[0][l]) / temperature)
            .collect();
        let difference = mean_and_error(&differences);
        println!(
            "lag {lag}: chi {:?}, (1 - C)/T {:.4}, difference {difference:?}",
            summary.response[0][l],
            (1.0 - summary.correlation[0][l].mean) / temperature
        );
        assert_within(
            &format!("chi - (1 - C)/T at lag {lag}"),
            difference,
            0.0,
            4.5,
        );
    }
}

/// Records do not depend on the number of threads.
#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let settings = LangevinSettings {
        temperature: 0.5,
        time_step: 0.05,
        field: 0.1,
    };
    let schedule = Schedule {
        times: crate::geometric_times(0.5, 4.0, 4),
        waiting_times: vec![1.0],
        lags: vec![0.5, 2.0],
    };
    let ising = IsingSettings {
        rule: IsingRule::Metropolis { temperature: 0.5 },
        field: 0.1,
    };
    let systems = [small_ising(1), small_ising(2)];
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let spherical = langevin_ensemble(
                20,
                &Mixture::pure(3).unwrap(),
                &settings,
                &schedule,
                3,
                3,
                3,
            )
            .unwrap();
            let ising = ising_ensemble(&systems, &ising, &schedule, 3, 5).unwrap();
            (spherical, ising)
        })
    };
    let single = run(1);
    assert_eq!(single, run(3));
    assert_eq!(
        single.1.1[7],
        ising_history(&systems[1], &ising, &schedule, 3, 1, 2).unwrap(),
        "record 7 is sample 1, history 2"
    );
}

/// The multispin quench of a 2D ±J sample (L = 4, 16 spins) against the
/// exact master equation of checkerboard Metropolis sweeps in the kernel's
/// visiting order: 64 lanes (copies of the sample) × 40 histories, e(t) and
/// C(t_w + τ, t_w) within 4.5 standard errors.
#[test]
fn multispin_quench_agrees_with_the_master_equation_of_its_sweeps() {
    use crate::{LatticeSettings, multispin_histories};
    use quench_core::{CouplingDistribution, ModelSpec};
    use quench_mc::SampleMoves;
    use quench_mc::multispin::MultispinLayout;
    let spec = ModelSpec::EdwardsAnderson {
        dimension: 2,
        length: 4,
        couplings: CouplingDistribution::PlusMinusOne,
        field: 0.0,
    };
    let sample = spec.ensemble().unwrap().draw(5, 0).unwrap();
    let temperature = 1.0;
    let schedule = Schedule {
        times: vec![0.0, 1.0, 2.0, 4.0, 8.0],
        waiting_times: vec![2.0],
        lags: vec![1.0, 3.0, 6.0],
    };
    let copies = vec![sample.clone(); 64];
    let settings = LatticeSettings {
        temperature,
        histories: 40,
        width: quench_mc::WordWidth::widest(),
    };
    let records = multispin_histories(&copies, &settings, &schedule, 3, 0).unwrap();
    let summary = crate::summarize(&records);
    let layout = MultispinLayout::new(&copies).unwrap();
    let order: Vec<usize> = layout.visit_order().iter().map(|&i| i as usize).collect();
    let exact = MasterEquation::new(
        &SampleMoves { sample: &sample },
        IsingRule::Metropolis { temperature },
    )
    .unwrap()
    .solve_in_order(&schedule, &order)
    .unwrap();
    for (k, &t) in schedule.times.iter().enumerate().skip(1) {
        assert_within(&format!("e({t})"), summary.energy[k], exact.energy[k], 4.5);
    }
    for (l, &lag) in schedule.lags.iter().enumerate() {
        assert_within(
            &format!("C(2 + {lag}, 2)"),
            summary.correlation[0][l],
            exact.correlation[0][l],
            4.5,
        );
    }
    // Random-site sweeps are another dynamics: their exact curve is far off.
    let random = MasterEquation::new(
        &SampleMoves { sample: &sample },
        IsingRule::Metropolis { temperature },
    )
    .unwrap()
    .solve(&schedule)
    .unwrap();
    assert!(
        (random.correlation[0][0] - exact.correlation[0][0]).abs()
            > 10.0 * summary.correlation[0][0].error
    );
}
