use super::solve::{bond_index, spin_index};
use super::*;
use crate::perceptron::{spherical_capacity, spherical_volume};

/// The closed form of the liquid instability, $1/m^4$ ($1/(2m^4)$ for two layers).
fn closed_form(depth: usize, kappa: f64) -> f64 {
    let m4 = mills(kappa).powi(4);
    if depth == 2 { 0.5 / m4 } else { 1.0 / m4 }
}

/// One layer is Gardner's spherical perceptron: the same overlap and
/// $\alpha f$ = Gardner's log-volume.
#[test]
fn one_layer_is_gardners_perceptron() {
    for kappa in [0.0, 0.5, -0.5] {
        let alpha_c = spherical_capacity(kappa).unwrap();
        for fraction in [0.05, 0.3, 0.6, 0.9, 0.99] {
            let alpha = fraction * alpha_c;
            let point = deep_network_profile(alpha, 1, kappa).unwrap();
            let gardner = spherical_volume(alpha, kappa).unwrap();
            assert!(
                (point.bond_overlap[0] - gardner.q).abs() < 1e-9,
                "kappa {kappa}, alpha {alpha}: Q = {}, Gardner q = {}",
                point.bond_overlap[0],
                gardner.q
            );
            let entropy = alpha * point.free_entropy;
            assert!(
                (entropy - gardner.entropy).abs() < 1e-9 * gardner.entropy.abs(),
                "{entropy} {}",
                gardner.entropy
            );
            assert_eq!(point.q, vec![1.0, 1.0]);
            assert!(point.liquid_free_entropy.is_none());
        }
        // Beyond the capacity the solution space collapses.
        assert!(matches!(
            deep_network_profile(1.05 * alpha_c, 1, kappa),
            Err(TheoryError::NoSolution { .. })
        ));
    }
}

/// Gardner's replica symmetry at $\kappa = 0$ is stable up to the capacity:
/// $\alpha(1-Q)^2\lambda < 1$ for every $\alpha < 2$, tending to 1 as
/// $\alpha \to 2$ (the replicon of one layer is
/// $-1/(\alpha(1-Q)^2) + \lambda$).
#[test]
fn gardner_replica_symmetry_is_stable_up_to_the_capacity() {
    let mut previous = 0.0;
    for alpha in [0.1, 0.5, 1.0, 1.5, 1.9, 1.99, 1.9999, 1.999_999] {
        let point = deep_network_profile(alpha, 1, 0.0).unwrap();
        let gap = 1.0 - point.bond_overlap[0];
        let product = 1.0 + alpha * gap * gap * point.replicon;
        assert!(point.stable && point.replicon < 0.0, "{point:?}");
        assert!(
            product < 1.0 && product > previous,
            "alpha {alpha}: {product}"
        );
        previous = product;
    }
    assert!(previous > 0.999, "{previous}");
    assert!(matches!(
        deep_network_glass_transition(1, 0.0),
        Err(TheoryError::NoSolution { .. })
    ));
}

/// Below the instability of the liquid the largest solution is the liquid
/// (and stable); above, the end layers order and replica symmetry is broken.
#[test]
fn end_layers_leave_the_liquid_at_the_instability() {
    for (depth, kappa) in [(2, 0.0), (3, 0.0), (6, 0.5), (9, -0.5)] {
        let alpha_g = closed_form(depth, kappa);
        let below = deep_network_profile(0.95 * alpha_g, depth, kappa).unwrap();
        assert!(below.stable && below.replicon < 0.0, "{below:?}");
        assert!(
            below.q[1..depth].iter().all(|&q| q < 1e-12),
            "{:?}",
            below.q
        );
        assert!(below.bond_overlap.iter().all(|&q| q < 1e-12));
        let liquid = below.liquid_free_entropy.unwrap();
        assert!((below.free_entropy - liquid).abs() < 1e-14 * liquid.abs());
        let above = deep_network_profile(1.05 * alpha_g, depth, kappa).unwrap();
        assert!(!above.stable && above.replicon > 0.0, "{above:?}");
        assert!(
            above.q[1] > 1e-3 && above.bond_overlap[0] > 1e-3,
            "{above:?}"
        );
        // Both hidden layers of a three-layer network are end layers.
        let ends = if depth == 3 { 2 } else { 1 };
        assert_eq!(
            (above.non_liquid_from_input, above.non_liquid_from_output),
            (ends, ends),
            "depth {depth}, kappa {kappa}: {:?}",
            above.q
        );
    }
}

/// Above the instability every ordered profile sampled breaks replica
/// symmetry, and its free entropy is below that of the liquid.
#[test]
fn ordered_profiles_break_replica_symmetry() {
    for (depth, kappa, alphas) in [
        (2, 0.0, &[1.5, 5.0, 20.0][..]),
        (4, 0.0, &[3.0, 30.0, 300.0, 3000.0]),
        (10, 0.0, &[10.0, 1e4]),
        (5, 0.5, &[1.0, 10.0]),
    ] {
        for &alpha in alphas {
            let point = deep_network_profile(alpha, depth, kappa).unwrap();
            assert!(
                point.q[1] > 1e-3 && !point.stable && point.replicon > 0.0,
                "{point:?}"
            );
            assert!(
                point.free_entropy < point.liquid_free_entropy.unwrap(),
                "{point:?}"
            );
        }
    }
}

/// The first RS instability found by bisection on the replicon agrees with
/// the closed form $1/m(\kappa)^4$ of the liquid, $(\pi/2)^2$ at $\kappa = 0$
/// ($1/(2m^4)$ for two layers), and sits in the end layers.
#[test]
fn glass_transition_is_the_instability_of_the_liquid() {
    let pi_squared_over_four = std::f64::consts::PI.powi(2) / 4.0;
    assert!((closed_form(5, 0.0) - pi_squared_over_four).abs() < 1e-14);
    let cases = (2..=10)
        .map(|depth| (depth, 0.0))
        .chain([(2, 0.5), (4, 0.5), (7, -0.5), (3, 1.0)]);
    for (depth, kappa) in cases {
        let transition = deep_network_glass_transition(depth, kappa).unwrap();
        let exact = closed_form(depth, kappa);
        assert!(
            (transition.alpha_glass / exact - 1.0).abs() < 1e-9,
            "depth {depth}, kappa {kappa}: {} against {exact}",
            transition.alpha_glass
        );
        assert_eq!(transition.liquid_instability, Some(exact));
        let expected: Vec<usize> = if depth == 2 {
            vec![1, 2]
        } else {
            vec![1, depth - 1, depth]
        };
        assert_eq!(transition.glassy_layers, expected, "{transition:?}");
        let total: f64 = transition.replicon_profile.iter().sum();
        assert!((total - 1.0).abs() < 1e-12);
    }
}

/// At the returned profile the free entropy is stationary in every $Q_l$
/// and $q_l$ (numerical derivatives, the spin entropy by its own saddle).
#[test]
fn free_entropy_is_stationary_at_the_profile() {
    for (alpha, depth, kappa) in [
        (40.0, 2, 0.0),
        (300.0, 3, 0.0),
        (200.0, 4, 0.0),
        (2.0, 2, 0.5),
        (30.0, 5, 0.3),
    ] {
        let solution = solve::solve(alpha, kappa, depth).unwrap();
        let profile = &solution.profile;
        let point = point_from(alpha, kappa, &solution);
        let f = free_entropy_at(alpha, kappa, profile);
        assert!(
            (f - point.free_entropy).abs() < 1e-12 * f.abs(),
            "{f} {}",
            point.free_entropy
        );
        assert!(
            profile.values.iter().all(|&v| v > 1e-3),
            "{:?}",
            profile.values
        );
        for i in 0..profile.values.len() {
            let h = 1e-5 * profile.values[i].min(profile.gaps[i]);
            let at = |shift: f64| {
                let mut moved = profile.clone();
                moved.values[i] += shift;
                moved.gaps[i] -= shift;
                free_entropy_at(alpha, kappa, &moved)
            };
            let derivative = (at(h) - at(-h)) / (2.0 * h);
            assert!(
                derivative.abs() < 1e-6,
                "alpha {alpha}, depth {depth}, unknown {i}: df = {derivative}"
            );
        }
    }
}

/// The network read backwards is the same network: $q_l = q_{L-l}$ and
/// $Q_l = Q_{L+1-l}$; deeper hidden layers order less.
#[test]
fn profile_is_mirror_symmetric_and_decays_into_the_bulk() {
    let point = deep_network_profile(1000.0, 10, 0.0).unwrap();
    for l in 0..=10 {
        assert!(
            (point.q[l] - point.q[10 - l]).abs() < 1e-12,
            "{:?}",
            point.q
        );
    }
    for l in 0..10 {
        assert!((point.bond_overlap[l] - point.bond_overlap[9 - l]).abs() < 1e-12);
    }
    for l in 1..5 {
        assert!(point.q[l + 1] < point.q[l] && point.bond_overlap[l] < point.bond_overlap[l - 1]);
    }
    assert_eq!(point.non_liquid_from_input, 9);
}

/// The second hidden layer leaves the liquid where the $2\times2$ block of
/// $(Q_2, q_2)$ at zero becomes unstable, $\alpha\\,q_1^2m(\kappa)^4 = 1$,
/// and the first one at the first instability.
#[test]
fn deeper_layers_leave_the_liquid_where_their_block_turns_unstable() {
    let (depth, kappa) = (8, 0.0);
    // q_1 > 1e-6 a relative 5e-6 above the instability (q_1 grows linearly).
    let first = deep_network_liquid_boundary(1, depth, kappa).unwrap();
    let ratio = first / closed_form(depth, kappa);
    assert!(ratio > 1.0 && ratio < 1.0 + 1e-4, "{first}");
    let second = deep_network_liquid_boundary(2, depth, kappa).unwrap();
    // The value quoted in the module docs.
    assert!((second - 21.0118).abs() < 1e-3, "{second}");
    let at = deep_network_profile(second, depth, kappa).unwrap();
    let criterion = second * at.q[1].powi(2) * mills(kappa).powi(4);
    assert!((criterion - 1.0).abs() < 1e-4, "{criterion}");
    let below = deep_network_profile(second * (1.0 - 1e-3), depth, kappa).unwrap();
    assert!(
        below.q[2] < 1e-12 && below.non_liquid_from_input == 1,
        "{:?}",
        below.q
    );
    assert!(
        deep_network_profile(second * 1.001, depth, kappa)
            .unwrap()
            .non_liquid_from_input
            == 2
    );
    // Layer L - 2 by the mirror symmetry.
    let mirror = deep_network_liquid_boundary(depth - 2, depth, kappa).unwrap();
    assert!((mirror / second - 1.0).abs() < 1e-8);
}

/// Two layers at large load: the largest solution collapses (its hidden
/// layer freezes), as a single perceptron beyond its capacity.
#[test]
fn two_layers_collapse_at_large_load() {
    assert!(deep_network_profile(40.0, 2, 0.0).is_ok());
    let error = deep_network_profile(60.0, 2, 0.0).unwrap_err();
    assert!(error.to_string().contains("q_1"), "{error}");
}

/// The replicon eigenvalue and its vector: an eigenpair of the Hessian;
/// at the liquid the eigenvector is that of the end block,
/// $(1, m^2)/\sqrt{1 + m^4}$ at the instability.
#[test]
fn replicon_is_an_eigenpair_of_the_hessian() {
    let (alpha, depth, kappa) = (3.0, 5, 0.2);
    let solution = solve::solve(alpha, kappa, depth).unwrap();
    let hessian = stability::replicon_hessian(alpha, &solution.profile, &solution.terms);
    let (value, vector) = hessian.largest_eigenpair();
    let n = vector.len();
    for i in 0..n {
        let product: f64 = (0..n).map(|j| hessian.get(i, j) * vector[j]).sum();
        assert!((product - value * vector[i]).abs() < 1e-9, "row {i}");
    }
    // Symmetric Hessian with the entries of the module docs: the (Q_1, q_1)
    // entry holds the cross term F(p_1) q_0.
    let (q1, big_q1) = (solution.profile.spin(1).0, solution.profile.bond(1).0);
    let term = &solution.terms.constraints[0];
    let expected = term.curvature * q1 * big_q1 + term.force;
    assert!((hessian.get(bond_index(1), spin_index(1)) - expected).abs() < 1e-12);
    assert_eq!(
        hessian.get(bond_index(1), spin_index(1)),
        hessian.get(spin_index(1), bond_index(1))
    );
    let alpha_g = closed_form(depth, kappa);
    let marginal = deep_network_profile(alpha_g * (1.0 - 1e-9), depth, kappa).unwrap();
    let m4 = mills(kappa).powi(4);
    let first_layer = marginal.replicon_profile[0];
    assert!(
        (first_layer - 0.5).abs() < 1e-6,
        "{:?}",
        marginal.replicon_profile
    );
    let last = marginal.replicon_profile[depth - 1];
    assert!((last - 0.5 / (1.0 + m4)).abs() < 1e-6, "{last}");
}

#[test]
fn bad_parameters_are_named() {
    let parameter = |result: Result<DeepNetworkPoint, TheoryError>| match result {
        Err(TheoryError::Parameter(p)) => p.parameter,
        other => panic!("{other:?}"),
    };
    assert_eq!(parameter(deep_network_profile(1.0, 0, 0.0)), "depth");
    assert_eq!(parameter(deep_network_profile(1.0, 1001, 0.0)), "depth");
    assert_eq!(parameter(deep_network_profile(-1.0, 3, 0.0)), "alpha");
    assert_eq!(parameter(deep_network_profile(0.0, 3, 0.0)), "alpha");
    assert_eq!(parameter(deep_network_profile(f64::NAN, 3, 0.0)), "alpha");
    assert_eq!(
        parameter(deep_network_profile(1.0, 3, f64::INFINITY)),
        "kappa"
    );
    assert!(matches!(
        deep_network_liquid_boundary(3, 3, 0.0),
        Err(TheoryError::Parameter(p)) if p.parameter == "layer"
    ));
    let error = deep_network_glass_transition(0, 0.0).unwrap_err();
    assert!(error.to_string().contains("depth"), "{error}");
    assert!(deep_network_liquid_instability(1, 0.0).is_err());
}
