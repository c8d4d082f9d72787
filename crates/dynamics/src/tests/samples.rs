use rand::RngExt;

use super::assert_within;
use crate::langevin::random_point_on_sphere;
use crate::schedule::mean_and_error;
use crate::{DynamicsError, IsingPSpin, IsingSystem, Mixture, SphericalPSpin};
use quench_core::random_spins;
use quench_core::rng::{Purpose, stream};
use quench_mc::moves::LocalMoves;

fn mixed() -> Mixture {
    Mixture::new(&[(3, 1.0), (2, 0.5), (4, 0.7)]).unwrap()
}

/// The brute-force energy: every tuple $i_1<\dots<i_p$ enumerated by nested
/// loops, its coupling read in lexicographic position.
fn brute_force_energy(sample: &SphericalPSpin, s: &[f64]) -> f64 {
    let n = s.len();
    let mut energy = 0.0;
    for order in sample.orders() {
        let mut position = 0;
        let mut visit = |product: f64| {
            energy -= order.couplings[position] * product;
            position += 1;
        };
        match order.order {
            2 => (0..n).for_each(|i| (i + 1..n).for_each(|j| visit(s[i] * s[j]))),
            3 => (0..n).for_each(|i| {
                (i + 1..n).for_each(|j| (j + 1..n).for_each(|k| visit(s[i] * s[j] * s[k])))
            }),
            _ => (0..n).for_each(|i| {
                (i + 1..n).for_each(|j| {
                    (j + 1..n)
                        .for_each(|k| (k + 1..n).for_each(|l| visit(s[i] * s[j] * s[k] * s[l])))
                })
            }),
        }
        assert_eq!(position, order.couplings.len());
    }
    energy
}

#[test]
fn energy_is_the_sum_over_tuples_and_gradient_its_finite_differences() {
    let n = 9;
    let sample = SphericalPSpin::draw(n, &mixed(), 3, 0).unwrap();
    let s = random_point_on_sphere(n, &mut stream(3, Purpose::InitialState, 0, 0));
    let brute = brute_force_energy(&sample, &s);
    assert!((sample.energy(&s) - brute).abs() < 1e-12 * (1.0 + brute.abs()));
    let mut gradient = vec![0.0; n];
    let energy = sample.energy_and_gradient(&s, &mut gradient);
    assert!((energy - brute).abs() < 1e-12 * (1.0 + brute.abs()));
    // Central differences: error O(step^2 * third derivative) + rounding O(eps/step).
    let step = 1e-5;
    for i in 0..n {
        let mut plus = s.clone();
        plus[i] += step;
        let mut minus = s.clone();
        minus[i] -= step;
        let difference = (sample.energy(&plus) - sample.energy(&minus)) / (2.0 * step);
        assert!(
            (difference - gradient[i]).abs() < 1e-7 * (1.0 + gradient[i].abs()),
            "site {i}: {difference} against {}",
            gradient[i]
        );
    }
}

/// $\mathbb E\\,H(s)H(s')/N$ over draws of the couplings, for two fixed
/// points of the sphere, equals the exact finite-$N$ covariance (which is
/// $\xi(q) + O(1/N)$) within 4.5 standard errors over 40000 draws, for a
/// pure and a mixed model.
#[test]
fn covariance_of_energies_is_xi_of_the_overlap() {
    let n = 12;
    let draws = 40_000;
    let s = random_point_on_sphere(n, &mut stream(5, Purpose::InitialState, 0, 0));
    let mut t = s.clone();
    let other = random_point_on_sphere(n, &mut stream(5, Purpose::InitialState, 0, 1));
    for (a, b) in t.iter_mut().zip(&other) {
        *a = 0.8 * *a + 0.6 * b;
    }
    crate::langevin::project_on_sphere(&mut t);
    let q = s.iter().zip(&t).map(|(a, b)| a * b).sum::<f64>() / n as f64;
    for mixture in [Mixture::pure(3).unwrap(), mixed()] {
        let products: Vec<f64> = (0..draws)
            .map(|d| {
                let sample = SphericalPSpin::draw(n, &mixture, 11, d).unwrap();
                sample.energy(&s) * sample.energy(&t) / n as f64
            })
            .collect();
        let estimate = mean_and_error(&products);
        let exact = mixture.finite_size_covariance(&s, &t);
        assert_within(&format!("covariance at q = {q:.3}"), estimate, exact, 4.5);
        // The packed sum misses only O(1/N) of xi(q): at N = 4000 the
        // exact covariance of two points at overlap ~0.8 is xi(q) to 1e-2.
        let big = 4000;
        let u = random_point_on_sphere(big, &mut stream(6, Purpose::InitialState, 0, 0));
        let mut v = random_point_on_sphere(big, &mut stream(6, Purpose::InitialState, 0, 1));
        for (a, b) in v.iter_mut().zip(&u) {
            *a = 0.6 * *a + 0.8 * b;
        }
        crate::langevin::project_on_sphere(&mut v);
        let overlap = u.iter().zip(&v).map(|(a, b)| a * b).sum::<f64>() / big as f64;
        let gap = mixture.finite_size_covariance(&u, &v) - mixture.xi(overlap);
        assert!(gap.abs() < 10.0 / big as f64, "finite-size gap {gap}");
    }
}

#[test]
fn fully_connected_ising_shares_the_spherical_energy_and_keeps_its_fields() {
    let n = 10;
    let sample = SphericalPSpin::draw(n, &mixed(), 7, 2).unwrap();
    let ising = IsingPSpin::fully_connected(&sample);
    let mut rng = stream(7, Purpose::Dynamics, 0, 0);
    let spins = random_spins(n, &mut rng);
    let real: Vec<f64> = spins.iter().map(|&x| f64::from(x)).collect();
    let mut state = ising.configure(spins);
    assert!((state.energy - sample.energy(&real)).abs() < 1e-12);
    for _ in 0..200 {
        let site = rng.random_range(0..n);
        let change = ising.change(&state, site);
        ising.apply(&mut state, site, change);
    }
    let fresh = ising.state(state.spins.clone());
    assert!((state.energy - fresh.energy).abs() < 1e-10);
    assert!((fresh.energy - ising.energy(&fresh.spins)).abs() < 1e-10);
    for (a, b) in state.fields.iter().zip(&fresh.fields) {
        assert!((a - b).abs() < 1e-10);
    }
}

#[test]
fn diluted_hypergraph_is_regular_with_distinct_sites() {
    let (n, p, c) = (300, 3, 4);
    let model = IsingPSpin::diluted(n, p, c, 9, 0).unwrap();
    assert_eq!(model.edge_count(), c * n / p as usize);
    for site in 0..n {
        assert_eq!(model.edges_of(site).len(), c);
    }
    for e in 0..model.edge_count() {
        let (sites, coupling) = model.edge(e);
        assert!(sites[0] != sites[1] && sites[1] != sites[2] && sites[0] != sites[2]);
        assert!(coupling == 1.0 || coupling == -1.0);
    }
    let mut rng = stream(9, Purpose::Dynamics, 0, 0);
    let mut state = model.configure(random_spins(n, &mut rng));
    for _ in 0..2000 {
        let site = rng.random_range(0..n);
        let change = model.change(&state, site);
        model.apply(&mut state, site, change);
    }
    assert!((state.energy - model.energy(&state.spins)).abs() < 1e-9);
    assert_eq!(model.state(state.spins.clone()).fields, state.fields);
}

#[test]
fn oversized_or_malformed_models_are_refused_with_the_parameter_named() {
    let error = SphericalPSpin::draw(100_000, &Mixture::pure(3).unwrap(), 1, 0).unwrap_err();
    assert!(matches!(
        error,
        DynamicsError::CouplingMemory { n: 100_000, .. }
    ));
    assert!(
        error.to_string().contains("parameter `n` = 100000"),
        "{error}"
    );
    let error = IsingPSpin::diluted(10, 3, 4, 1, 0).unwrap_err();
    assert!(error.to_string().contains("`connectivity`"), "{error}");
    assert!(
        Mixture::new(&[(5, 1.0)])
            .unwrap_err()
            .to_string()
            .contains("`order`")
    );
}
