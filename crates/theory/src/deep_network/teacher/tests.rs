use super::*;
use crate::perceptron::{Learning, Weights, teacher_student};

/// One layer is the spherical perceptron learning a teacher in its version
/// space (Gibbs at $T = 0$, noiseless: on the Nishimori line): the same
/// overlap, $\alpha f$ = its free entropy, and the Gibbs student's
/// generalisation error $\arccos(R)/\pi$.
#[test]
fn one_layer_is_the_bayes_optimal_perceptron() {
    for alpha in [0.1, 0.7, 2.0, 5.0, 20.0, 80.0] {
        let point = deep_network_teacher_profile(alpha, 1).unwrap();
        let perceptron =
            teacher_student(Weights::Spherical, Learning::Gibbs, alpha, 0.0, 0.0).unwrap();
        for branch in [&point.informed, &point.uninformed] {
            let r = branch.bond_overlap[0];
            assert!(
                (r - perceptron.teacher_overlap).abs() < 1e-9,
                "alpha {alpha}: R = {r}, perceptron {}",
                perceptron.teacher_overlap
            );
            let entropy = alpha * branch.free_entropy;
            assert!(
                (entropy - perceptron.free_entropy).abs() < 1e-8 * perceptron.free_entropy.abs(),
                "alpha {alpha}: {entropy} against {}",
                perceptron.free_entropy
            );
            assert!(
                (branch.generalization_error - perceptron.generalization_error).abs() < 1e-9,
                "{} {}",
                branch.generalization_error,
                perceptron.generalization_error
            );
            assert_eq!(branch.q, vec![1.0, 1.0]);
        }
    }
}

/// The Nishimori identity behind the spin term: $\int Dz\\,\tanh(\hat q + \sqrt{\hat q}z) = \int Dz\\,\tanh^2(\cdot)$,
/// and the series below [`SERIES_BELOW`] meets the quadrature.
#[test]
fn spin_term_obeys_the_nishimori_identity() {
    for field in [1e-5, 0.01, 0.3, 2.0, 15.0, 200.0] {
        let (overlap, gap, _) = spin(field);
        let root: f64 = field.sqrt();
        let mean = GaussianRule::compact(-root, 1.0 / root).expect(|z| (field + root * z).tanh());
        assert!((mean - overlap).abs() < 1e-13, "{field}: {mean} {overlap}");
        assert!((overlap + gap - 1.0).abs() < 1e-14);
        // s'(q_hat) = 0 at fixed q: the field extremises the bracket.
        let bracket = |a: f64| {
            let r = a.sqrt();
            GaussianRule::compact(-r, 1.0 / r).expect(|z| log_two_cosh(a + r * z))
                - 0.5 * a * (1.0 + overlap)
        };
        let h = 1e-4 * field;
        let slope = (bracket(field + h) - bracket(field - h)) / (2.0 * h);
        assert!(slope.abs() < 1e-7, "{field}: {slope}");
    }
    // The series a - a^2, ln 2 - a^2/4 just above where it takes over.
    let a = 1.001 * SERIES_BELOW;
    let (overlap, _, entropy) = spin(a);
    assert!((overlap - (a - a * a)).abs() < 1e-9 * a, "{overlap}");
    let series = std::f64::consts::LN_2 - 0.25 * a * a;
    assert!((entropy - series).abs() < 1e-14, "{entropy} {series}");
}

/// $F = 2E'$ of the constraint term, and $F(0) = 2/\pi$.
#[test]
fn force_is_twice_the_derivative_of_the_energy() {
    assert!((constraint(0.0, 1.0).1 - 2.0 / PI).abs() < 1e-15);
    for p in [1e-3, 0.05, 0.4, 0.8, 0.99, 0.9999] {
        let (_, force) = constraint(p, 1.0 - p);
        let h = 1e-4 * p.min(1.0 - p);
        let derivative =
            (constraint(p + h, 1.0 - p - h).0 - constraint(p - h, 1.0 - p + h).0) / (2.0 * h);
        assert!(
            (force - 2.0 * derivative).abs() < 1e-6 * force,
            "p {p}: F = {force}, 2E' = {}",
            2.0 * derivative
        );
    }
}

/// The solutions are stationary points of the free entropy: its
/// derivative along every overlap vanishes (central differences).
#[test]
fn solutions_are_stationary_points_of_the_free_entropy() {
    for (alpha, depth) in [(4.0, 3), (10.0, 4), (30.0, 5)] {
        let point = deep_network_teacher_profile(alpha, depth).unwrap();
        let branch = &point.informed;
        let mut profile = Profile::frozen(depth, 0.5);
        for l in 1..=depth {
            profile.values[bond_index(l)] = branch.bond_overlap[l - 1];
            profile.gaps[bond_index(l)] = 1.0 - branch.bond_overlap[l - 1];
        }
        for l in 1..depth {
            profile.values[spin_index(l)] = branch.q[l];
            profile.gaps[spin_index(l)] = 1.0 - branch.q[l];
        }
        let f0 = free_entropy_at(alpha, &profile);
        assert!(
            (f0 - branch.free_entropy).abs() < 1e-9,
            "{f0} {}",
            branch.free_entropy
        );
        for i in 0..profile.values.len() {
            let h = 1e-5 * profile.gaps[i].min(profile.values[i]);
            let shifted = |delta: f64| {
                let mut p = profile.clone();
                p.values[i] += delta;
                p.gaps[i] -= delta;
                free_entropy_at(alpha, &p)
            };
            let slope = (shifted(h) - shifted(-h)) / (2.0 * h);
            // Against the size of one term's slope, 1/(alpha (1 - Q)).
            let scale = 1.0 / (alpha * profile.gaps[i]);
            assert!(
                slope.abs() < 1e-5 * scale,
                "alpha {alpha}, L {depth}, overlap {i}: df = {slope} (scale {scale})"
            );
        }
    }
}

/// Below the threshold $\pi^2/4$ ($\pi^2/8$ for two layers) the uninformed
/// branch returns to zero overlaps; above it, it learns in the end layers
/// (the bulk of a deep network stays at zero just above: the test
/// agreement of the output is then still zero).
#[test]
fn the_uninformed_branch_learns_above_the_threshold() {
    assert!((deep_network_teacher_threshold(3).unwrap() - PI * PI / 4.0).abs() < 1e-12);
    assert!((deep_network_teacher_threshold(2).unwrap() - PI * PI / 8.0).abs() < 1e-12);
    assert!(deep_network_teacher_threshold(1).is_err());
    for depth in [2, 3, 6] {
        let threshold = deep_network_teacher_threshold(depth).unwrap();
        let below = deep_network_teacher_profile(0.9 * threshold, depth).unwrap();
        assert!(
            below.uninformed.bond_overlap.iter().all(|&x| x < 1e-10),
            "L {depth}: {:?}",
            below.uninformed
        );
        let above = deep_network_teacher_profile(1.1 * threshold, depth).unwrap();
        assert!(
            above.uninformed.bond_overlap[0] > 1e-3
                && above.uninformed.bond_overlap[depth - 1] > 1e-3,
            "L {depth}: {:?}",
            above.uninformed
        );
    }
}

/// The profile reads the same backwards ($q_l = q_{L-l}$, $Q_l = Q_{L+1-l}$),
/// overlaps lie in $[0, 1]$, the informed branch lies above the uninformed
/// one, and more data never lowers an overlap.
#[test]
fn profiles_are_mirror_symmetric_and_grow_with_the_load() {
    let depth = 6;
    let mut previous: Option<DeepNetworkTeacherPoint> = None;
    for alpha in [1.0, 2.0, 4.0, 8.0, 16.0, 32.0] {
        let point = deep_network_teacher_profile(alpha, depth).unwrap();
        for branch in [&point.informed, &point.uninformed] {
            for l in 0..=depth {
                assert!((branch.q[l] - branch.q[depth - l]).abs() < 1e-9);
                assert!((0.0..=1.0).contains(&branch.q[l]));
            }
            for l in 1..=depth {
                assert!((branch.bond_overlap[l - 1] - branch.bond_overlap[depth - l]).abs() < 1e-9);
            }
        }
        for l in 0..depth {
            assert!(point.informed.bond_overlap[l] >= point.uninformed.bond_overlap[l] - 1e-12);
        }
        if let Some(before) = &previous {
            let (now, then) = (point.equilibrium_branch(), before.equilibrium_branch());
            for l in 0..depth {
                assert!(now.bond_overlap[l] >= then.bond_overlap[l] - 1e-12);
            }
            assert!(now.generalization_error <= then.generalization_error + 1e-12);
        }
        previous = Some(point);
    }
}

/// The test overlaps propagate by $\frac2\pi\arcsin$: identical weights
/// agree on every layer, orthogonal ones on none.
#[test]
fn test_overlaps_propagate_through_the_layers() {
    assert_eq!(test_overlaps(&[1.0, 1.0, 1.0]), vec![1.0; 4]);
    assert_eq!(test_overlaps(&[0.0, 1.0]), vec![1.0, 0.0, 0.0]);
    let r = test_overlaps(&[0.5, 0.5]);
    assert!((r[1] - 1.0 / 3.0).abs() < 1e-15);
    assert!((r[2] - 2.0 / PI * (0.5f64 / 3.0).asin()).abs() < 1e-15);
}

/// Three layers: the informed branch parts from the uninformed one at a
/// spinodal, takes over the equilibrium at a first-order transition above
/// it, and the uninformed branch joins it further up; the equilibrium
/// changes side at the transition.
#[test]
fn three_layers_learn_the_teacher_at_a_first_order_transition() {
    let t = deep_network_teacher_transitions(3).unwrap();
    let (spinodal, transition, merge) = (
        t.alpha_spinodal.unwrap(),
        t.alpha_transition.unwrap(),
        t.alpha_merge.unwrap(),
    );
    assert!(
        t.alpha_learning.unwrap() < spinodal && spinodal < transition && transition < merge,
        "{t:?}"
    );
    let below = deep_network_teacher_profile(transition * 0.999, 3).unwrap();
    let above = deep_network_teacher_profile(transition * 1.001, 3).unwrap();
    assert_ne!(below.equilibrium, TeacherBranchKind::Informed, "{below:?}");
    assert_eq!(above.equilibrium, TeacherBranchKind::Informed, "{above:?}");
    assert!(!same_branches(&below) && !same_branches(&above));
    assert!(same_branches(
        &deep_network_teacher_profile(merge * 1.01, 3).unwrap()
    ));
    assert!(same_branches(
        &deep_network_teacher_profile(spinodal * 0.99, 3).unwrap()
    ));
    // Two layers never part.
    let two = deep_network_teacher_transitions(2).unwrap();
    assert!(two.alpha_spinodal.is_none() && two.alpha_transition.is_none());
}
