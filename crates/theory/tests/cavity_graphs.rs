//! The cavity method on Erdős–Rényi graphs beside random regular graphs:
//! the paramagnetic instability against its closed form, and population
//! dynamics against the Bethe paramagnet and its ordering below $T_c$.

use quench_core::CouplingDistribution;
use quench_theory::TheoryError;
use quench_theory::cavity::{
    GraphEnsemble, PopulationOptions, instability_temperature,
    paramagnetic_instability_temperature, population_dynamics,
};

const PM1: CouplingDistribution = CouplingDistribution::PlusMinusOne;
const GAUSSIAN: CouplingDistribution = CouplingDistribution::Gaussian;

fn erdos_renyi(mean_degree: f64) -> GraphEnsemble {
    GraphEnsemble::ErdosRenyi { mean_degree }
}

/// $\mathbb E f(J)$ for a standard Gaussian $J$ by the trapezoidal rule on
/// $[-12, 12]$ (spectrally accurate for these smooth integrands), written
/// independently of the library's quadrature.
fn gaussian_mean(f: impl Fn(f64) -> f64) -> f64 {
    let points = 24_001;
    let step = 24.0 / (points - 1) as f64;
    (0..points)
        .map(|i| {
            let z = -12.0 + i as f64 * step;
            f(z) * (-0.5 * z * z).exp()
        })
        .sum::<f64>()
        * step
        / (2.0 * std::f64::consts::PI).sqrt()
}

/// $c\tanh^2(1/T_c) = 1$ for $\pm J$ and $c\\,\mathbb E\tanh^2(J/T_c) = 1$ for
/// Gaussian couplings (the excess degree of a Poisson graph is Poisson($c$),
/// of mean $c$), at integer and non-integer mean degrees.
#[test]
fn erdos_renyi_instability_follows_the_closed_form() {
    for c in [1.5, 2.5, 3.0, 4.0, 10.0, 100.0] {
        let t = instability_temperature(erdos_renyi(c), PM1).unwrap();
        assert!(
            (c * (1.0 / t).tanh().powi(2) - 1.0).abs() < 1e-12,
            "c = {c}: T_c = {t}"
        );
        let t = instability_temperature(erdos_renyi(c), GAUSSIAN).unwrap();
        let condition = c * gaussian_mean(|j| (j / t).tanh().powi(2));
        assert!((condition - 1.0).abs() < 1e-9, "c = {c}: {condition}");
    }
    // Large mean degree: T_c -> sqrt(c) (the SK limit with couplings of variance 1/c).
    let c = 10_000.0;
    let t = instability_temperature(erdos_renyi(c), GAUSSIAN).unwrap();
    assert!((t / c.sqrt() - 1.0).abs() < 1e-3, "{t}");
}

/// The instability depends on the mean excess degree alone: an Erdős–Rényi
/// graph of mean degree $c$ has that of a random regular graph of degree $c + 1$.
#[test]
fn erdos_renyi_instability_equals_that_of_regular_graphs_one_degree_higher() {
    for couplings in [PM1, GAUSSIAN] {
        for c in [2usize, 3, 5, 9] {
            let er = instability_temperature(erdos_renyi(c as f64), couplings).unwrap();
            let regular = paramagnetic_instability_temperature(c + 1, couplings).unwrap();
            assert_eq!(er, regular, "c = {c}, {couplings:?}");
        }
    }
}

#[test]
fn erdos_renyi_without_giant_component_or_bad_degree_is_refused() {
    for c in [0.5, 1.0] {
        assert!(matches!(
            instability_temperature(erdos_renyi(c), PM1),
            Err(TheoryError::NoSolution { .. })
        ));
    }
    for c in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e5] {
        match instability_temperature(erdos_renyi(c), PM1) {
            Err(TheoryError::Parameter(p)) => assert_eq!(p.parameter, "mean_degree"),
            other => panic!("mean degree {c}: {other:?}"),
        }
    }
    let options = PopulationOptions::default();
    match population_dynamics(erdos_renyi(0.0), PM1, 1.0, 0.0, &options) {
        Err(TheoryError::Parameter(p)) => assert_eq!(p.parameter, "mean_degree"),
        other => panic!("{other:?}"),
    }
}

fn options(seed: u64) -> PopulationOptions {
    PopulationOptions {
        population: 2000,
        equilibration_sweeps: 200,
        measurement_sweeps: 40,
        seed,
    }
}

/// Bethe paramagnet of mean degree c: (f, u) = (-T ln 2 - (c/2) T E ln cosh(J/T), -(c/2) E J tanh(J/T)).
fn paramagnet(c: f64, couplings: CouplingDistribution, t: f64) -> (f64, f64) {
    let beta = 1.0 / t;
    let (log_cosh, j_tanh) = match couplings {
        CouplingDistribution::PlusMinusOne => (beta.cosh().ln(), beta.tanh()),
        CouplingDistribution::Gaussian => (
            gaussian_mean(|j| (beta * j).cosh().ln()),
            gaussian_mean(|j| j * (beta * j).tanh()),
        ),
    };
    (-t * 2f64.ln() - 0.5 * c * t * log_cosh, -0.5 * c * j_tanh)
}

/// `value` within `sigmas` of its own error bar of `truth`, with error bars
/// small enough for the comparison to mean something.
fn agrees(what: &str, estimate: &quench_stats::Estimate, truth: f64, sigmas: f64, largest: f64) {
    assert!(
        estimate.error < largest,
        "{what}: error bar {} too large",
        estimate.error
    );
    assert!(
        (estimate.mean - truth).abs() <= sigmas * estimate.error + 1e-10,
        "{what}: {} ± {} against {truth}",
        estimate.mean,
        estimate.error
    );
}

/// Above $T_c$ the population collapses to $h = 0$ and reproduces the Bethe
/// paramagnet: exactly for $\pm J$, within the run's own error bars for
/// Gaussian couplings.
#[test]
fn erdos_renyi_population_dynamics_is_the_paramagnet_at_high_temperature() {
    // c = 3 pm1: T_c = 1.5186; c = 2.5 Gaussian: T_c below 1.4.
    for (c, couplings, t) in [(3.0, PM1, 2.5), (2.5, GAUSSIAN, 2.0)] {
        assert!(t > 1.3 * instability_temperature(erdos_renyi(c), couplings).unwrap());
        let point = population_dynamics(erdos_renyi(c), couplings, t, 0.0, &options(11)).unwrap();
        let (f, u) = paramagnet(c, couplings, t);
        let what = format!("ER c = {c} {couplings:?} T = {t}");
        assert!(
            point.overlap.mean < 1e-20,
            "{what}: q = {:?}",
            point.overlap
        );
        agrees(&format!("{what} f"), &point.free_energy, f, 5.0, 1e-2);
        agrees(&format!("{what} u"), &point.energy, u, 5.0, 1e-2);
        agrees(&format!("{what} s"), &point.entropy, (u - f) / t, 5.0, 1e-2);
        if couplings == PM1 {
            // Every edge term is J tanh(beta J) = tanh beta and every site of
            // degree d has ln Z = ln 2 + d ln(2 cosh beta): no noise at all,
            // since the site terms are averaged over the degrees exactly.
            assert!((point.energy.mean - u).abs() < 1e-12, "{what}");
            assert!((point.free_energy.mean - f).abs() < 1e-10, "{what}");
        }
    }
}

/// Where both are paramagnetic the random regular and Erdős–Rényi graphs of
/// the same mean degree must give the same thermodynamics (it depends on the
/// mean degree only): exactly for $\pm J$, within error bars for Gaussian couplings.
#[test]
fn regular_and_erdos_renyi_paramagnets_agree_at_equal_mean_degree() {
    let t = 3.0;
    let regular = population_dynamics(
        GraphEnsemble::RandomRegular { degree: 3 },
        PM1,
        t,
        0.0,
        &options(3),
    )
    .unwrap();
    let er = population_dynamics(erdos_renyi(3.0), PM1, t, 0.0, &options(4)).unwrap();
    let (f, u) = paramagnet(3.0, PM1, t);
    assert!((regular.free_energy.mean - f).abs() < 1e-12);
    assert!(regular.free_energy.error < 1e-12);
    assert!((regular.energy.mean - u).abs() < 1e-12);
    assert_eq!(er.energy.mean, regular.energy.mean);
    assert!((er.free_energy.mean - regular.free_energy.mean).abs() < 1e-10);
    assert!((er.entropy.mean - regular.entropy.mean).abs() < 1e-10);
    // Gaussian couplings: both noisy, both within their errors of the closed form.
    let regular = population_dynamics(
        GraphEnsemble::RandomRegular { degree: 3 },
        GAUSSIAN,
        t,
        0.0,
        &options(5),
    )
    .unwrap();
    let er = population_dynamics(erdos_renyi(3.0), GAUSSIAN, t, 0.0, &options(6)).unwrap();
    let (f, u) = paramagnet(3.0, GAUSSIAN, t);
    for (name, point) in [("regular", &regular), ("Erdős–Rényi", &er)] {
        agrees(&format!("{name} f"), &point.free_energy, f, 5.0, 1e-2);
        agrees(&format!("{name} u"), &point.energy, u, 5.0, 1e-2);
    }
}

/// Population dynamics orders where the closed form says it should: no field
/// survives at $1.2\\,T_c$, and the Edwards–Anderson overlap grows below $T_c$
/// for $\pm J$ at mean degree 3 (and at a non-integer mean degree).
#[test]
fn erdos_renyi_population_develops_fields_below_t_c() {
    for c in [3.0, 2.5] {
        let graph = erdos_renyi(c);
        let t_c = instability_temperature(graph, PM1).unwrap();
        let above = population_dynamics(graph, PM1, 1.2 * t_c, 0.0, &options(7)).unwrap();
        assert!(above.overlap.mean < 1e-12, "c = {c}: {:?}", above.overlap);
        let mut last = 0.0;
        for ratio in [0.85, 0.65] {
            let point = population_dynamics(graph, PM1, ratio * t_c, 0.0, &options(7)).unwrap();
            let q = point.overlap.mean;
            assert!(
                q > last + 0.05 && q > 10.0 * point.overlap.error,
                "c = {c}, T = {ratio} T_c: q = {:?}",
                point.overlap
            );
            // The ordered replica-symmetric solution has a higher energy
            // than the (unstable) paramagnet continued below T_c.
            let (_, u) = paramagnet(c, PM1, ratio * t_c);
            assert!(point.energy.mean > u, "c = {c}, T = {ratio} T_c");
            last = q;
        }
    }
}
