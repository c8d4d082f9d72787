//! The AGS theory of the Hopfield network against published values, limits
//! derived by hand, identities, independent solvers and a zero-temperature
//! simulation.

use std::f64::consts::PI;

use quench_theory::hopfield::{
    Branch, almeida_thouless_alpha, almeida_thouless_end, capacity_at_temperature,
    free_energy_functional, global_minimum_alpha, largest_capacity, paramagnetic_state,
    phase_diagram, retrieval_line, retrieval_state, retrieval_temperature, saddle_points,
    spin_glass_state,
};
use quench_theory::sk;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Gaussian average by the trapezoid rule on [-10, 10]: accurate to ~1e-12
/// for the smooth integrands of the tests (temperatures of order 1), and
/// independent of the library's quadrature.
fn gauss(f: impl Fn(f64) -> f64) -> f64 {
    let n = 2000;
    let h = 20.0 / n as f64;
    (0..=n)
        .map(|k| {
            let z = -10.0 + h * k as f64;
            let w = if k == 0 || k == n { 0.5 } else { 1.0 };
            w * h * (-0.5 * z * z).exp() / (2.0 * PI).sqrt() * f(z)
        })
        .sum()
}

#[test]
fn zero_temperature_capacity_is_the_ags_value() {
    // AGS 1985/1987: alpha_c = 0.138 (0.1379), m = 0.967.
    let c = capacity_at_temperature(0.0).unwrap();
    assert!((c.alpha_c - 0.1379).abs() < 5e-4, "{c:?}");
    assert!((c.m - 0.967).abs() < 0.002, "{c:?}");
    // The classic equation y (sqrt(2 alpha) + 2/sqrt(pi) e^{-y^2}) = erf y holds there,
    // and its left-hand side only touches the right (a double root: the saddle-node).
    let y = inverse_erf(c.m);
    let lhs = |alpha: f64, y: f64| y * ((2.0 * alpha).sqrt() + 2.0 / PI.sqrt() * (-y * y).exp());
    assert!((lhs(c.alpha_c, y) - libm::erf(y)).abs() < 1e-12);
    for dy in [-1e-3, 1e-3] {
        assert!(lhs(c.alpha_c, y + dy) > libm::erf(y + dy));
    }
    // Just below the capacity a retrieval state exists, just above none.
    assert!(retrieval_state(c.alpha_c * (1.0 - 1e-9), 0.0).is_ok());
    assert!(retrieval_state(c.alpha_c * (1.0 + 1e-9), 0.0).is_err());
}

/// Inverse of erf by bisection.
fn inverse_erf(m: f64) -> f64 {
    let (mut a, mut b) = (0.0, 6.0);
    for _ in 0..200 {
        let c = 0.5 * (a + b);
        if libm::erf(c) < m { a = c } else { b = c }
    }
    0.5 * (a + b)
}

#[test]
fn capacity_is_continuous_at_zero_temperature_and_vanishes_at_one() {
    // alpha_c(T) leaves its T = 0 value linearly (slope about 0.025: the start
    // of the re-entrance), so the T > 0 solver must approach the closed form like T.
    let zero = capacity_at_temperature(0.0).unwrap();
    let shift = |t: f64| capacity_at_temperature(t).unwrap().alpha_c - zero.alpha_c;
    let (a, b) = (shift(1e-4), shift(1e-5));
    assert!(a > 0.0 && a < 5e-6, "{a}");
    assert!((a / b - 10.0).abs() < 0.1, "{a} {b}");
    let cold = capacity_at_temperature(1e-5).unwrap();
    assert!((cold.m - zero.m).abs() < 1e-5, "{cold:?}");
    assert!(capacity_at_temperature(1.0).is_err());
}

#[test]
fn retrieval_temperature_inverts_the_capacity_including_the_reentrant_window() {
    for alpha in [0.01, 0.1, 0.137] {
        let point = retrieval_temperature(alpha).unwrap();
        assert!((point.alpha_c - alpha).abs() < 1e-9, "{point:?}");
    }
    // Between alpha_c(0) = 0.137906 and the peak 0.13819 retrieval needs T > 0.
    let peak = largest_capacity().unwrap();
    assert!(
        (peak.alpha_c - 0.13819).abs() < 1e-5 && (peak.temperature - 0.023).abs() < 3e-3,
        "{peak:?}"
    );
    let alpha = 0.1380;
    assert!(retrieval_state(alpha, 0.0).is_err());
    assert!(retrieval_state(alpha, peak.temperature).is_ok());
    let upper = retrieval_temperature(alpha).unwrap();
    assert!(upper.temperature > peak.temperature && (upper.alpha_c - alpha).abs() < 1e-9);
    assert!(retrieval_temperature(0.1383).is_err());
}

#[test]
fn capacity_near_the_curie_weiss_point_follows_the_landau_expansion() {
    // Derived in the tests' notes: near T = 1, with tau = 1 - T and sigma^2 = s tau,
    // alpha = tau^2 * 4 s (1 - s)^2 / (3 - 2 s), maximal at s = (9 - sqrt 33) / 8,
    // so alpha_c = 0.26189 tau^2 and (1 - T_M)^2 / alpha -> 3.8184 as alpha -> 0.
    let s = (9.0 - 33f64.sqrt()) / 8.0;
    let g = 4.0 * s * (1.0 - s).powi(2) / (3.0 - 2.0 * s);
    for tau in [1e-2, 1e-3] {
        let c = capacity_at_temperature(1.0 - tau).unwrap();
        let ratio = c.alpha_c / (g * tau * tau);
        // Corrections are O(tau).
        assert!((ratio - 1.0).abs() < 5.0 * tau, "tau {tau}: {ratio}");
    }
    let t = retrieval_temperature(1e-6).unwrap().temperature;
    assert!(((1.0 - t).powi(2) / 1e-6 - 1.0 / g).abs() < 0.02, "{t}");
}

#[test]
fn curie_weiss_limit_at_vanishing_load() {
    for t in [0.3f64, 0.6, 0.9] {
        // m = tanh(m / T) by bisection.
        let (mut a, mut b) = (1e-6f64, 1.0f64);
        for _ in 0..200 {
            let c = 0.5 * (a + b);
            if (c / t).tanh() > c { a = c } else { b = c }
        }
        let curie_weiss = 0.5 * (a + b);
        let state = retrieval_state(1e-6, t).unwrap();
        assert!(
            (state.m - curie_weiss).abs() < 1e-4,
            "T {t}: {} vs {curie_weiss}",
            state.m
        );
        let exact = retrieval_state(0.0, t).unwrap();
        assert!((exact.m - curie_weiss).abs() < 1e-12);
    }
    // Retrieval disappears at T -> 1 and m -> 1 as T, alpha -> 0.
    assert!(retrieval_temperature(1e-6).unwrap().temperature > 0.997);
    assert!(retrieval_state(1e-4, 1e-3).unwrap().m > 1.0 - 1e-12);
}

#[test]
fn glass_transition_is_the_numerical_onset_of_q() {
    for alpha in [0.01, 0.1, 0.5] {
        let tg = 1.0 + f64::sqrt(alpha);
        // Library solver: a spin-glass solution just below, none just above.
        assert!(spin_glass_state(alpha, tg * (1.0 + 1e-5)).is_err());
        let q1 = spin_glass_state(alpha, tg * (1.0 - 1e-3)).unwrap().q;
        let q2 = spin_glass_state(alpha, tg * (1.0 - 2e-3)).unwrap().q;
        // q grows linearly below the transition.
        assert!(
            q1 > 0.0 && ((q2 / q1) - 2.0).abs() < 0.05,
            "{alpha}: {q1} {q2}"
        );
        // Independent check: damped iteration of q = E tanh^2(beta sqrt(alpha r) z),
        // r = q / (1 - beta (1 - q))^2, from q = 0.05, settles at q > 0 below T_g
        // and decays above it.
        let iterate = |t: f64| {
            let beta = 1.0 / t;
            let mut q: f64 = 0.05;
            for _ in 0..1500 {
                let d = 1.0 - beta * (1.0 - q);
                let sigma = (alpha * q).sqrt() / d;
                let new = gauss(|z| (beta * sigma * z).tanh().powi(2));
                q = 0.5 * q + 0.5 * new;
            }
            q
        };
        let below = iterate(tg * 0.98);
        let above = iterate(tg * 1.02);
        assert!(below > 1e-3, "{alpha}: {below}");
        assert!(above < 1e-6, "{alpha}: {above}");
        let library = spin_glass_state(alpha, tg * 0.98).unwrap().q;
        assert!((below - library).abs() < 1e-8, "{below} {library}");
    }
}

#[test]
fn free_energy_is_stationary_at_the_saddle_points() {
    let h = 1e-5;
    let cases = [
        retrieval_state(0.08, 0.3).unwrap(),
        retrieval_state(0.015, 0.7).unwrap(),
        spin_glass_state(0.2, 0.5).unwrap(),
        spin_glass_state(0.3, 1.2).unwrap(),
    ];
    for s in &cases {
        let f = |m: f64, q: f64, r: f64| {
            free_energy_functional(s.alpha, s.temperature, m, q, r).unwrap()
        };
        assert!((f(s.m, s.q, s.r) - s.free_energy).abs() < 1e-12, "{s:?}");
        let dm = (f(s.m + h, s.q, s.r) - f(s.m - h, s.q, s.r)) / (2.0 * h);
        let dq = (f(s.m, s.q + h, s.r) - f(s.m, s.q - h, s.r)) / (2.0 * h);
        let dr = (f(s.m, s.q, s.r + h) - f(s.m, s.q, s.r - h)) / (2.0 * h);
        assert!(
            dm.abs() < 1e-8 && dq.abs() < 1e-8 && dr.abs() < 1e-8,
            "{s:?}: {dm} {dq} {dr}"
        );
    }
    // Off the saddle point the derivatives are the three equations' residuals
    // (module docs), computed here with an independent quadrature.
    let (alpha, t, m, q, r): (f64, f64, f64, f64, f64) = (0.1, 0.6, 0.7, 0.5, 2.0);
    let beta = 1.0 / t;
    let sigma = (alpha * r).sqrt();
    let mean = gauss(|z| (beta * (m + sigma * z)).tanh());
    let square = gauss(|z| (beta * (m + sigma * z)).tanh().powi(2));
    let d = 1.0 - beta * (1.0 - q);
    let f = |m: f64, q: f64, r: f64| free_energy_functional(alpha, t, m, q, r).unwrap();
    let dm = (f(m + h, q, r) - f(m - h, q, r)) / (2.0 * h);
    let dq = (f(m, q + h, r) - f(m, q - h, r)) / (2.0 * h);
    let dr = (f(m, q, r + h) - f(m, q, r - h)) / (2.0 * h);
    // Central differences err by h^2 f'''/6: up to 1e-8 here (1/(1 - beta(1 - q))^2 is steep).
    assert!((dm - (m - mean)).abs() < 1e-7, "{dm} {}", m - mean);
    assert!((dr - 0.5 * alpha * beta * (square - q)).abs() < 1e-7);
    let dq_exact = 0.5 * alpha * beta * (q / (d * d) - r);
    assert!((dq - dq_exact).abs() < 1e-7, "{dq} {dq_exact}");
    assert!(dm.abs() > 1e-3 && dq.abs() > 1e-3 && dr.abs() > 1e-3);
}

#[test]
fn thermodynamic_identities_hold_on_both_branches() {
    let dt = 1e-4;
    type Solver =
        fn(f64, f64) -> Result<quench_theory::hopfield::HopfieldState, quench_theory::TheoryError>;
    let cases: [(Solver, f64, f64); 3] = [
        (retrieval_state, 0.05, 0.4),
        (spin_glass_state, 0.1, 0.5),
        (paramagnetic_state, 0.1, 1.5),
    ];
    for (solve, alpha, t) in cases {
        let mid = solve(alpha, t).unwrap();
        let up = solve(alpha, t + dt).unwrap().free_energy;
        let down = solve(alpha, t - dt).unwrap().free_energy;
        let entropy = -(up - down) / (2.0 * dt);
        assert!((entropy - mid.entropy).abs() < 1e-7, "{mid:?}: {entropy}");
        assert!((mid.energy - mid.free_energy - t * mid.entropy).abs() < 1e-12);
    }
    // Zero temperature: f = u, and the small negative RS entropy -(alpha/2)[ln(1-C) + C/(1-C)].
    let s = retrieval_state(0.12, 0.0).unwrap();
    let c = s.susceptibility;
    assert!((s.entropy + 0.5 * 0.12 * ((1.0 - c).ln() + c / (1.0 - c))).abs() < 1e-15);
    assert!(s.entropy < 0.0 && s.entropy > -2e-3);
    let cold = retrieval_state(0.12, 1e-3).unwrap();
    assert!((cold.energy - s.energy).abs() < 1e-6 && (cold.m - s.m).abs() < 1e-5);
}

#[test]
fn energy_vanishes_at_infinite_temperature_without_self_couplings() {
    // u = -(alpha/2) beta / (1 - beta): -alpha beta / 2 to leading order, the
    // high-temperature series of the Hamiltonian without i = j terms.
    for alpha in [0.1, 2.0] {
        let u = paramagnetic_state(alpha, 1e4).unwrap().energy;
        assert!((u + 0.5 * alpha * 1e-4).abs() < 1e-8 * alpha, "{u}");
    }
}

#[test]
fn large_load_limit_is_sherrington_kirkpatrick() {
    // J_ij = (1/N) sum_mu xi xi has variance alpha / N: for alpha -> infinity at
    // T = T' sqrt(alpha) the model is SK at T'. Corrections are O(1/sqrt alpha).
    let alpha: f64 = 1e8;
    for t_sk in [0.4, 0.7] {
        let hopfield = spin_glass_state(alpha, t_sk * alpha.sqrt()).unwrap();
        let sk = sk::replica_symmetric(t_sk, 0.0).unwrap();
        assert!(
            (hopfield.q - sk.overlap).abs() < 1e-3,
            "{} {}",
            hopfield.q,
            sk.overlap
        );
        let f = hopfield.free_energy / alpha.sqrt();
        assert!((f - sk.free_energy).abs() < 1e-3, "{f} {}", sk.free_energy);
        let (a, b) = (hopfield.replicon.unwrap(), sk.replicon.unwrap());
        assert!((a - b).abs() < 1e-3, "{a} {b}");
    }
}

#[test]
fn replicon_vanishes_on_the_glass_line_and_spin_glass_is_unstable_below() {
    for alpha in [0.05, 0.5] {
        let tg = 1.0 + f64::sqrt(alpha);
        let marginal = paramagnetic_state(alpha, tg).unwrap().replicon.unwrap();
        assert!(marginal.abs() < 1e-12, "{marginal}");
        assert!(paramagnetic_state(alpha, tg * 1.01).unwrap().stable);
        assert!(!spin_glass_state(alpha, tg * 0.99).unwrap().stable);
    }
}

#[test]
fn almeida_thouless_line_separates_stable_and_unstable_retrieval() {
    for t in [1e-4, 0.01] {
        let alpha = almeida_thouless_alpha(t).unwrap();
        assert!(
            retrieval_state(alpha * 0.99, t).unwrap().stable,
            "{t} {alpha}"
        );
        assert!(
            !retrieval_state(alpha * 1.01, t).unwrap().stable,
            "{t} {alpha}"
        );
    }
    // The line is exponentially low at small load: ln T_R ~ -1/(2 alpha).
    let low = almeida_thouless_alpha(1e-8).unwrap();
    assert!(low < 0.04, "{low}");
    // It ends on the T_M line at a low temperature, near the capacity.
    let end = almeida_thouless_end().unwrap();
    assert!(end.temperature > 0.01 && end.temperature < 0.05, "{end:?}");
    let capacity = capacity_at_temperature(end.temperature).unwrap();
    assert!(
        (capacity.alpha_c - end.alpha).abs() < 1e-12 && capacity.replicon.unwrap().abs() < 1e-6
    );
    assert!(almeida_thouless_alpha(0.1).is_err());
}

#[test]
fn retrieval_becomes_the_global_minimum_below_alpha_0_051_at_zero_temperature() {
    // AGS 1987: the retrieval and spin-glass free energies cross at alpha = 0.051 at T = 0.
    let alpha = global_minimum_alpha(0.0).unwrap();
    assert!((alpha - 0.051).abs() < 0.003, "{alpha}");
    let r = retrieval_state(alpha, 0.0).unwrap();
    let g = spin_glass_state(alpha, 0.0).unwrap();
    assert!((r.free_energy - g.free_energy).abs() < 1e-12);
    // The T = 0 spin-glass energy is -1/pi - sqrt(2 alpha / pi) (derived in the module docs).
    assert!((g.energy + 1.0 / PI + (2.0 * alpha / PI).sqrt()).abs() < 1e-14);
    for (load, retrieval_wins) in [(0.04, true), (0.06, false)] {
        let r = retrieval_state(load, 0.0).unwrap().free_energy;
        let g = spin_glass_state(load, 0.0).unwrap().free_energy;
        assert_eq!(r < g, retrieval_wins, "{load}: {r} {g}");
    }
    // At T > 0 the crossing is a root of the same difference, and moves continuously.
    let warm = global_minimum_alpha(0.3).unwrap();
    let r = retrieval_state(warm, 0.3).unwrap().free_energy;
    let g = spin_glass_state(warm, 0.3).unwrap().free_energy;
    assert!((r - g).abs() < 1e-10, "{r} {g}");
    assert!((global_minimum_alpha(1e-3).unwrap() - alpha).abs() < 1e-3);
}

#[test]
fn phase_diagram_lines_start_and_end_where_ags_draw_them() {
    let diagram = phase_diagram(24).unwrap();
    let retrieval = &diagram.retrieval;
    let first = retrieval.first().unwrap();
    let last = retrieval.last().unwrap();
    assert!(
        first.temperature == 0.0 && (first.alpha - 0.138).abs() < 5e-4,
        "{first:?}"
    );
    assert!(last.temperature == 1.0 && last.alpha == 0.0, "{last:?}");
    // T_M decreases with alpha except for the small re-entrance below T = 0.03.
    for pair in retrieval.windows(2).filter(|p| p[0].temperature > 0.03) {
        assert!(pair[1].alpha < pair[0].alpha, "{pair:?}");
    }
    let global = &diagram.global_minimum;
    assert!((global[0].alpha - 0.051).abs() < 0.003);
    assert_eq!(
        (
            global.last().unwrap().alpha,
            global.last().unwrap().temperature
        ),
        (0.0, 1.0)
    );
    // T_c lies inside the retrieval region: alpha_c(T) >= alpha on the line.
    for (g, m) in global.iter().zip(retrieval) {
        assert_eq!(g.temperature, m.temperature);
        assert!(g.alpha <= m.alpha, "{g:?} {m:?}");
    }
    for p in &diagram.glass {
        assert!((p.temperature - 1.0 - p.alpha.sqrt()).abs() < 1e-15);
    }
    // The AT line stays below the T_M line.
    for p in &diagram.almeida_thouless {
        let capacity = capacity_at_temperature(p.temperature).unwrap().alpha_c;
        assert!(p.alpha <= capacity + 1e-12, "{p:?} {capacity}");
    }
    assert_eq!(retrieval_line(3).unwrap().len(), 3);
}

#[test]
fn independent_damped_iteration_finds_the_same_retrieval_state() {
    // From m = 1, q = 1: a plain damped fixed-point iteration of the three
    // equations (away from the spinodal, where it converges) lands on the
    // large-m root that the branch solver selects.
    let (alpha, t) = (0.1, 0.3);
    let beta = 1.0 / t;
    let (mut m, mut q) = (1.0f64, 0.99f64);
    for _ in 0..3000 {
        let r = q / (1.0 - beta * (1.0 - q)).powi(2);
        let sigma = (alpha * r).sqrt();
        let new_m = gauss(|z| (beta * (m + sigma * z)).tanh());
        let new_q = gauss(|z| (beta * (m + sigma * z)).tanh().powi(2));
        m = 0.5 * m + 0.5 * new_m;
        q = 0.5 * q + 0.5 * new_q;
    }
    let state = retrieval_state(alpha, t).unwrap();
    assert!(
        (state.m - m).abs() < 1e-9 && (state.q - q).abs() < 1e-9,
        "{state:?} {m} {q}"
    );
    // All three saddle points are listed where they coexist.
    let branches: Vec<Branch> = saddle_points(0.1, 0.3)
        .unwrap()
        .iter()
        .map(|s| s.branch)
        .collect();
    assert_eq!(branches, [Branch::Retrieval, Branch::SpinGlass]);
    let branches: Vec<Branch> = saddle_points(0.1, 1.2)
        .unwrap()
        .iter()
        .map(|s| s.branch)
        .collect();
    assert_eq!(branches, [Branch::SpinGlass, Branch::Paramagnet]);
}

#[test]
fn zero_temperature_dynamics_from_a_pattern_stops_near_the_retrieval_state() {
    // N = 4000 spins, P = 400 patterns (alpha = 0.1), three samples:
    // asynchronous zero-temperature dynamics started at pattern 1 stops in a
    // nearby local minimum. Its overlap scatters by about 1e-3 between samples
    // (0.998 to 0.9995 seen; RS predicts 0.9980), and its energy by
    // sqrt(2P)/(2N) = 0.0035 (the noise sum_mu m_mu^2). The energy mostly checks
    // the self-coupling constant: with i = j terms it would be alpha/2 = 0.05 lower.
    let (n, p) = (4000usize, 400usize);
    let (mut m_sum, mut energy_sum) = (0.0, 0.0);
    for seed in 0..3u64 {
        let (m, energy) = descend_from_pattern(n, p, seed);
        m_sum += m;
        energy_sum += energy;
    }
    let (m, energy) = (m_sum / 3.0, energy_sum / 3.0);
    let theory = retrieval_state(0.1, 0.0).unwrap();
    assert!((m - theory.m).abs() < 3e-3, "{m} {}", theory.m);
    assert!(
        (energy - theory.energy).abs() < 0.01,
        "{energy} {}",
        theory.energy
    );
}

/// Overlap and energy per spin where zero-temperature asynchronous dynamics
/// started at pattern 1 stops, for one draw of P random patterns of N bits.
fn descend_from_pattern(n: usize, p: usize, seed: u64) -> (f64, f64) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let patterns: Vec<Vec<f64>> = (0..p)
        .map(|_| {
            (0..n)
                .map(|_| if rng.next_u64() & 1 == 0 { 1.0 } else { -1.0 })
                .collect()
        })
        .collect();
    let mut s = patterns[0].clone();
    // N m_mu; the field is h_i = sum_mu xi_i^mu m_mu - (P/N) s_i (self-coupling removed).
    let mut overlaps: Vec<f64> = patterns
        .iter()
        .map(|x| x.iter().zip(&s).map(|(a, b)| a * b).sum())
        .collect();
    for _sweep in 0..100 {
        let mut flips = 0;
        for i in 0..n {
            let h = patterns
                .iter()
                .zip(&overlaps)
                .map(|(x, m)| x[i] * m)
                .sum::<f64>()
                / n as f64
                - p as f64 / n as f64 * s[i];
            if h * s[i] < 0.0 {
                s[i] = -s[i];
                for (x, m) in patterns.iter().zip(overlaps.iter_mut()) {
                    *m += 2.0 * x[i] * s[i];
                }
                flips += 1;
            }
        }
        if flips == 0 {
            break;
        }
    }
    let energy = -0.5 * overlaps.iter().map(|o| o * o).sum::<f64>() / (n * n) as f64
        + 0.5 * p as f64 / n as f64;
    (overlaps[0] / n as f64, energy)
}
