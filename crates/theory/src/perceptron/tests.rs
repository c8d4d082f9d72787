//! Cross-checks of the perceptron solvers against published numbers,
//! limits, and each other.

use std::f64::consts::{LN_2, PI};

use super::channel::Channel;
use super::teacher_student::*;
use super::{binary_volume, spherical_capacity, spherical_volume};
use crate::error::TheoryError;

fn spherical(learning: Learning, alpha: f64) -> TeacherStudentPoint {
    teacher_student(Weights::Spherical, learning, alpha, 0.0, 0.0).unwrap()
}

#[test]
fn version_space_asymptotics() {
    // Engel & Van den Broeck (ch. 2), Opper & Haussler (1991): eps ~ 0.625/alpha
    // (Gibbs) and 0.442/alpha (Bayes), quoted to three digits (+- 0.0005).
    // The O(1/alpha) correction to alpha eps is removed by Richardson
    // extrapolation from alpha = 100 and 200 (what is left is O(1/alpha^2),
    // about 1e-5; the solver's own error is below 1e-10).
    for (learning, published) in [(Learning::Gibbs, 0.625), (Learning::Bayes, 0.442)] {
        let at = |alpha: f64| alpha * spherical(learning, alpha).generalization_error;
        let extrapolated = 2.0 * at(200.0) - at(100.0);
        assert!(
            (extrapolated - published).abs() <= 5e-4,
            "{learning:?}: {extrapolated}"
        );
        // Gibbs / Bayes = sqrt 2 asymptotically (arccos(q) vs arccos(sqrt q)).
        if learning == Learning::Gibbs {
            let bayes = 2.0 * 200.0 * spherical(Learning::Bayes, 200.0).generalization_error
                - 100.0 * spherical(Learning::Bayes, 100.0).generalization_error;
            assert!((extrapolated / bayes - 2f64.sqrt()).abs() < 1e-3);
        }
    }
}

#[test]
fn small_load_limits() {
    // q = R = 2 alpha / pi + O(alpha^2) on the version space, so
    // eps_Gibbs = 1/2 - 2 alpha / pi^2 and eps_Bayes = 1/2 - sqrt(2 alpha / pi) / pi,
    // with relative corrections O(alpha) = 1e-4: tolerance 1e-3 of the deviation.
    let alpha = 1e-4;
    let gibbs = spherical(Learning::Gibbs, alpha);
    let deviation = 0.5 - gibbs.generalization_error;
    assert!(
        (deviation / (2.0 * alpha / (PI * PI)) - 1.0).abs() < 1e-3,
        "{gibbs:?}"
    );
    let bayes = spherical(Learning::Bayes, alpha);
    let deviation = 0.5 - bayes.generalization_error;
    assert!(
        (deviation / ((2.0 * alpha / PI).sqrt() / PI) - 1.0).abs() < 1e-3,
        "{bayes:?}"
    );
    // Exactly 1/2 at alpha = 0, where nothing has been learnt.
    for weights in [Weights::Spherical, Weights::Binary] {
        let point = teacher_student(weights, Learning::Gibbs, 0.0, 0.3, 0.1).unwrap();
        assert_eq!(point.generalization_error, 0.5);
    }
    // The free entropy starts at 0 (spherical) or ln 2 (binary) and each
    // example halves the version space: f = f(0) - alpha ln 2 + O(alpha^2).
    let binary = teacher_student(Weights::Binary, Learning::Gibbs, alpha, 0.0, 0.0).unwrap();
    assert!((binary.free_entropy - (LN_2 - alpha * LN_2)).abs() < alpha * alpha);
    assert!((gibbs.free_entropy + alpha * LN_2).abs() < alpha * alpha);
}

#[test]
fn finite_temperature_solver_reduces_to_the_version_space() {
    // The general (R, q) iteration at T = 0 must land on the Nishimori line
    // R = q and on the one-dimensional solution; both converge to 1e-13 in
    // their own variables, so 1e-10 is safe.
    for weights in [Weights::Spherical, Weights::Binary] {
        let alpha = 0.9;
        let channel = Channel {
            alpha,
            noise: 0.0,
            ln_floor: f64::NEG_INFINITY,
        };
        let general = iterate(weights, Learning::Gibbs, &channel)
            .unwrap()
            .unwrap();
        let line = teacher_student(weights, Learning::Gibbs, alpha, 0.0, 0.0).unwrap();
        assert!((general.teacher_overlap - general.student_overlap).abs() < 1e-10);
        assert!(
            (general.teacher_overlap - line.teacher_overlap).abs() < 1e-10,
            "{weights:?}"
        );
        assert!((general.free_entropy - line.free_entropy).abs() < 1e-10);
    }
    // A small temperature only matters where Phi(b t) < e^{-1/T}: the
    // difference to T = 0 falls like e^{-1/T} times a power of T (measured:
    // |dR| e^{1/T} = 0.75, 1.3, 2.7, 3.8 at T = 0.4 ... 0.05), so it must stay
    // within a decade of e^{-1/T}; at T = 0.025 (e^{-40} = 4e-18) only the
    // iteration's tolerance, 1e-13 per step, is left.
    let zero = spherical(Learning::Gibbs, 3.0);
    let difference = |temperature: f64| {
        let point =
            teacher_student(Weights::Spherical, Learning::Gibbs, 3.0, temperature, 0.0).unwrap();
        (point.teacher_overlap - zero.teacher_overlap).abs()
    };
    for temperature in [0.4, 0.2, 0.1, 0.05] {
        let scaled = difference(temperature) * (1.0 / temperature).exp();
        assert!((0.1..10.0).contains(&scaled), "T = {temperature}: {scaled}");
    }
    assert!(difference(0.025) < 1e-12);
}

#[test]
fn gibbs_at_the_nishimori_temperature_is_bayes() {
    // With label noise eta, the Gibbs student at e^{-beta} = eta/(1-eta)
    // samples the posterior: the general iteration must give R = q and
    // the Bayes solution, whose free entropy is shifted by alpha ln(1-eta)
    // (normalised likelihood, module docs).
    let (alpha, eta) = (2.5, 0.1);
    let temperature = nishimori_temperature(eta).unwrap();
    for weights in [Weights::Spherical, Weights::Binary] {
        let channel = Channel {
            alpha,
            noise: eta,
            ln_floor: -1.0 / temperature,
        };
        let gibbs = iterate(weights, Learning::Bayes, &channel)
            .unwrap()
            .unwrap();
        let bayes = nishimori(weights, Learning::Bayes, &channel).unwrap();
        let bayes = bayes.last().unwrap();
        assert!(
            (gibbs.teacher_overlap - gibbs.student_overlap).abs() < 1e-10,
            "{gibbs:?}"
        );
        assert!((gibbs.student_overlap - bayes.student_overlap).abs() < 1e-10);
        let shift = -alpha * (-eta).ln_1p();
        assert!((gibbs.free_entropy - (bayes.free_entropy + shift)).abs() < 1e-10);
    }
}

#[test]
fn binary_version_space_transition() {
    // Gyorgyi, Phys. Rev. A 41, 7097 (1990): 1.245. Barbier, Krzakala,
    // Macris, Miolane & Zdeborova, PNAS 116, 5451 (2019): alpha_alg = 1.493
    // (and alpha_IT = 1.249, which this replica-symmetric computation does
    // not reproduce: it gives 1.24468, see the report). Three digits each,
    // +- 0.0005.
    let transition = binary_transition().unwrap();
    assert!(
        (transition.alpha_transition - 1.245).abs() <= 5e-4,
        "{transition:?}"
    );
    assert!(
        (transition.alpha_spinodal - 1.493).abs() <= 5e-4,
        "{transition:?}"
    );
    // Equilibrium and metastable branches on either side.
    let at =
        |alpha: f64| teacher_student(Weights::Binary, Learning::Gibbs, alpha, 0.0, 0.0).unwrap();
    let below = at(transition.alpha_transition - 1e-3);
    assert_eq!(below.branch, Branch::PoorGeneralization);
    assert!(below.free_entropy > 0.0);
    assert_eq!(
        below.metastable.unwrap().branch,
        Branch::PerfectGeneralization
    );
    let between = at(transition.alpha_transition + 1e-3);
    assert_eq!(between.branch, Branch::PerfectGeneralization);
    assert_eq!(between.generalization_error, 0.0);
    assert!(between.metastable.unwrap().free_entropy < 0.0);
    assert!(at(transition.alpha_spinodal + 1e-3).metastable.is_none());
    assert!(at(transition.alpha_spinodal - 1e-3).metastable.is_some());
}

/// $\int_0^\alpha G_E\\,d\alpha'$ by Simpson's rule on `intervals` panels.
fn integrated_energetic(weights: Weights, alpha: f64, intervals: usize) -> f64 {
    let step = alpha / intervals as f64;
    let energetic = |a: f64| {
        let point = teacher_student(weights, Learning::Gibbs, a, 0.0, 0.0).unwrap();
        let (q, w) = (point.student_overlap, 1.0 - point.student_overlap);
        Channel {
            alpha: a,
            noise: 0.0,
            ln_floor: f64::NEG_INFINITY,
        }
        .nishimori_energetic(q, w)
    };
    let mut sum = energetic(0.0) + energetic(alpha);
    for k in 1..intervals {
        sum += if k % 2 == 1 { 4.0 } else { 2.0 } * energetic(k as f64 * step);
    }
    sum * step / 3.0
}

#[test]
fn free_entropy_is_the_integral_of_its_load_derivative() {
    // At a saddle point df/dalpha = G_E (only the explicit dependence), so
    // f(alpha) = f(0) + int_0^alpha G_E. This checks the free entropy that
    // places the binary transition. Simpson with 64 panels: error ~h^4 f^(5),
    // below 1e-7 here (halving the step changes the result by less).
    for (weights, start) in [(Weights::Spherical, 0.0), (Weights::Binary, LN_2)] {
        let alpha = 1.2;
        let point = teacher_student(weights, Learning::Gibbs, alpha, 0.0, 0.0).unwrap();
        let integral = start + integrated_energetic(weights, alpha, 64);
        let free_entropy = if weights == Weights::Binary {
            point.metastable.map_or(point.free_entropy, |m| {
                if m.branch == Branch::PoorGeneralization {
                    m.free_entropy
                } else {
                    point.free_entropy
                }
            })
        } else {
            point.free_entropy
        };
        assert!(
            (integral - free_entropy).abs() < 1e-6,
            "{weights:?}: {integral} {free_entropy}"
        );
    }
}

#[test]
fn spherical_noisy_version_space_empties() {
    // Zero training errors on noisy labels: possible at small load, not
    // once the flipped labels outnumber what the sphere can accommodate.
    assert!(teacher_student(Weights::Spherical, Learning::Gibbs, 0.5, 0.0, 0.2).is_ok());
    assert!(matches!(
        teacher_student(Weights::Spherical, Learning::Gibbs, 50.0, 0.0, 0.2),
        Err(TheoryError::NoSolution { .. })
    ));
}

fn parameter(result: Result<impl std::fmt::Debug, TheoryError>) -> &'static str {
    match result {
        Err(TheoryError::Parameter(error)) => error.parameter,
        other => panic!("expected a parameter error, got {other:?}"),
    }
}

#[test]
fn bad_parameters_are_named() {
    let ts = |alpha, temperature, noise| {
        teacher_student(
            Weights::Spherical,
            Learning::Gibbs,
            alpha,
            temperature,
            noise,
        )
    };
    for alpha in [-1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(parameter(spherical_volume(alpha, 0.0)), "alpha");
        assert_eq!(parameter(binary_volume(alpha, 0.0)), "alpha");
        assert_eq!(parameter(ts(alpha, 0.0, 0.0)), "alpha");
    }
    for kappa in [f64::NAN, f64::INFINITY, -11.0] {
        assert_eq!(parameter(spherical_capacity(kappa)), "kappa");
        assert_eq!(parameter(spherical_volume(1.0, kappa)), "kappa");
        assert_eq!(parameter(binary_volume(0.5, kappa)), "kappa");
        assert_eq!(parameter(super::binary_capacity(kappa)), "kappa");
    }
    for noise in [-0.1, 0.5, 0.7, f64::NAN] {
        assert_eq!(parameter(ts(1.0, 0.0, noise)), "label_noise");
        assert_eq!(parameter(nishimori_temperature(noise)), "label_noise");
    }
    for temperature in [-0.1, f64::NAN, f64::INFINITY] {
        assert_eq!(parameter(ts(1.0, temperature, 0.0)), "temperature");
    }
}

/// The replica theory on the Nishimori line and the state evolution of
/// Bayes-optimal AMP are the same fixed-point equations written twice, by
/// different integrals (the replica solver's $\hat q$ and the channel's
/// Fisher information): they must agree wherever AMP reaches the
/// equilibrium branch — everywhere for spherical weights, and below the
/// first-order transition for binary ones.
#[test]
fn bayes_replica_theory_is_the_amp_fixed_point() {
    use super::amp::{WeightPrior, perceptron_state_evolution_fixed_point};
    let cases = [
        (Weights::Spherical, WeightPrior::Gaussian, 0.5, 0.0),
        (Weights::Spherical, WeightPrior::Gaussian, 2.0, 0.0),
        (Weights::Spherical, WeightPrior::Gaussian, 5.0, 0.1),
        (Weights::Binary, WeightPrior::Binary, 0.5, 0.0),
        (Weights::Binary, WeightPrior::Binary, 1.0, 0.0),
        (Weights::Binary, WeightPrior::Binary, 1.0, 0.2),
    ];
    for (weights, prior, alpha, eta) in cases {
        let replica = teacher_student(weights, Learning::Bayes, alpha, 1.0, eta).unwrap();
        let amp = perceptron_state_evolution_fixed_point(prior, alpha, eta, 0.0).unwrap();
        assert!(
            (replica.teacher_overlap - amp.overlap).abs() < 1e-7,
            "{weights:?} alpha {alpha} eta {eta}: R = {} vs m = {}",
            replica.teacher_overlap,
            amp.overlap
        );
        assert!(
            (replica.generalization_error - amp.generalization_error).abs() < 1e-7,
            "{weights:?} alpha {alpha} eta {eta}: {} vs {}",
            replica.generalization_error,
            amp.generalization_error
        );
    }
}
