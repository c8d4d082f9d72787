//! The cavity method on sparse graphs: belief propagation on one sample, the
//! paramagnetic stability condition, and population dynamics for the
//! replica-symmetric cavity equations on random regular graphs.
//!
//! Cavity fields obey $h_{i\to j} = h_i + \sum_{k\in\partial i\setminus j} u(J_{ki}, h_{k\to i})$
//! with $u(J, h) = T\operatorname{artanh}(\tanh\beta J\,\tanh\beta h)$. At zero
//! field the paramagnet $h \equiv 0$ is a fixed point; on a random $c$-regular
//! graph it becomes unstable towards a spin glass where
//! $(c-1)\,\mathbb E_J\tanh^2\beta J = 1$ (Thouless 1986; Mézard–Parisi 2001).
//!
//! Population dynamics represents the distribution of $h$ by $M$ samples and
//! replaces one at a time by a fresh cavity field built from $c-1$ random
//! members. Observables per spin (Bethe):
//! $-\beta f = \mathbb E\ln Z_{\rm site} - \frac c2\mathbb E\ln Z_{\rm edge}$,
//! $u = -\frac c2\mathbb E\langle J s_1 s_2\rangle_{\rm edge} - h\,\mathbb E\langle s\rangle$,
//! $s = \beta(u - f)$, each averaged over sweeps with binning errors.

use quench_core::{CouplingDistribution, ParameterError, Sample};
use quench_stats::{BinningAccumulator, Estimate};
use rand::{Rng, RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

use crate::error::{self, TheoryError};
use crate::mean_field::IterationOptions;
use crate::numerics::{GaussianRule, brent, log_two_cosh};

fn check_degree(degree: usize) -> Result<usize, ParameterError> {
    if (2..=10_000).contains(&degree) {
        Ok(degree)
    } else {
        Err(ParameterError::new(
            "degree",
            degree,
            "an integer in 2..=10000",
        ))
    }
}

/// $\mathbb E_J\tanh^2\beta J$ for unit-variance couplings.
fn mean_tanh_squared(beta: f64, couplings: CouplingDistribution) -> f64 {
    match couplings {
        CouplingDistribution::PlusMinusOne => beta.tanh().powi(2),
        CouplingDistribution::Gaussian => {
            GaussianRule::smooth().expect(|z| (beta * z).tanh().powi(2))
        }
    }
}

/// Temperature at which the paramagnetic BP fixed point of a random
/// `degree`-regular spin glass (symmetric couplings of unit variance)
/// becomes unstable: $(c-1)\,\mathbb E\tanh^2(J/T_c) = 1$. For $\pm J$,
/// $T_c = 1/\operatorname{artanh}(1/\sqrt{c-1})$. Degree 2 (a chain) has none.
pub fn paramagnetic_instability_temperature(
    degree: usize,
    couplings: CouplingDistribution,
) -> Result<f64, TheoryError> {
    let c = check_degree(degree)? as f64;
    if degree == 2 {
        return Err(TheoryError::NoSolution {
            what: "spin-glass transition",
            reason:
                "a graph of degree 2 is a union of chains and has no transition; use degree >= 3"
                    .into(),
        });
    }
    if couplings == CouplingDistribution::PlusMinusOne {
        return Ok(1.0 / (1.0 / (c - 1.0).sqrt()).atanh());
    }
    let beta = brent(
        |b| (c - 1.0) * mean_tanh_squared(b, couplings) - 1.0,
        1e-6,
        100.0,
        1e-14,
    )
    .ok_or_else(|| TheoryError::NoSolution {
        what: "spin-glass transition",
        reason: format!("no root for degree {degree}"),
    })?;
    Ok(1.0 / beta)
}

/// $u(J, h)$.
fn cavity_bias(beta: f64, coupling: f64, field: f64) -> f64 {
    ((beta * coupling).tanh() * (beta * field).tanh()).atanh() / beta
}

/// Result of belief propagation on one sample.
#[derive(Debug, Clone, Serialize)]
pub struct BeliefPropagation {
    /// Temperature.
    pub temperature: f64,
    /// Full local fields $H_i = h_i + \sum_k u(J_{ki}, h_{k\to i})$.
    pub local_fields: Vec<f64>,
    /// Magnetisations $\tanh\beta H_i$.
    pub magnetisations: Vec<f64>,
    /// Whether messages converged.
    pub converged: bool,
    /// Iterations done.
    pub iterations: usize,
    /// Last largest change of a cavity field.
    pub residual: f64,
    /// Largest $|h_{i\to j}|$ at the end (0 at the paramagnetic fixed point).
    pub largest_cavity_field: f64,
}

/// Belief propagation on a sparse `sample` at temperature $T > 0$, damped
/// parallel updates, cavity fields started uniformly in
/// $[-$`initial_scale`$, $`initial_scale`$]$ from `seed`.
pub fn belief_propagation(
    sample: &Sample,
    temperature: f64,
    initial_scale: f64,
    seed: u64,
    options: &IterationOptions,
) -> Result<BeliefPropagation, TheoryError> {
    let temperature = error::positive_temperature(temperature)?;
    let initial_scale = error::finite("initial_scale", initial_scale)?;
    let beta = 1.0 / temperature;
    let n = sample.n();
    // Directed edges: for each site, its (neighbour, coupling, index of the reverse edge).
    let neighbours: Vec<Vec<(usize, f64)>> =
        (0..n).map(|i| sample.neighbours(i).collect()).collect();
    let mut offsets = vec![0usize; n + 1];
    for i in 0..n {
        offsets[i + 1] = offsets[i] + neighbours[i].len();
    }
    let reverse: Vec<usize> = (0..n)
        .flat_map(|i| {
            let neighbours = &neighbours;
            let offsets = &offsets;
            neighbours[i].iter().map(move |&(j, _)| {
                let position = neighbours[j]
                    .iter()
                    .position(|&(k, _)| k == i)
                    .expect("symmetric graph");
                offsets[j] + position
            })
        })
        .collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let edges = offsets[n];
    // messages[e] for e = offsets[i] + a: h_{i -> neighbours[i][a]}
    let mut messages: Vec<f64> = (0..edges)
        .map(|_| initial_scale * (2.0 * rng.random::<f64>() - 1.0))
        .collect();
    let mut next = vec![0.0; edges];
    let mut residual = f64::INFINITY;
    let mut iterations = 0;
    let full = |messages: &[f64], i: usize| -> f64 {
        sample.field(i)
            + neighbours[i]
                .iter()
                .enumerate()
                .map(|(a, &(_, coupling))| {
                    cavity_bias(beta, coupling, messages[reverse[offsets[i] + a]])
                })
                .sum::<f64>()
    };
    while iterations < options.max_iterations && residual > options.tolerance {
        iterations += 1;
        residual = 0.0;
        for i in 0..n {
            let total = full(&messages, i);
            for (a, &(_, coupling)) in neighbours[i].iter().enumerate() {
                let e = offsets[i] + a;
                let incoming = cavity_bias(beta, coupling, messages[reverse[e]]);
                next[e] = total - incoming;
                residual = residual.max((next[e] - messages[e]).abs());
            }
        }
        for e in 0..edges {
            messages[e] += options.damping * (next[e] - messages[e]);
        }
    }
    let local_fields: Vec<f64> = (0..n).map(|i| full(&messages, i)).collect();
    Ok(BeliefPropagation {
        temperature,
        magnetisations: local_fields.iter().map(|h| (beta * h).tanh()).collect(),
        local_fields,
        converged: residual <= options.tolerance,
        iterations,
        residual,
        largest_cavity_field: messages.iter().fold(0.0f64, |m, h| m.max(h.abs())),
    })
}

/// Controls of population dynamics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PopulationOptions {
    /// Population size $M$.
    pub population: usize,
    /// Sweeps ($M$ updates each) discarded before measuring.
    pub equilibration_sweeps: usize,
    /// Sweeps measured (one measurement of each observable per sweep).
    pub measurement_sweeps: usize,
    /// Master seed of the random stream.
    pub seed: u64,
}

impl Default for PopulationOptions {
    fn default() -> Self {
        Self {
            population: 10_000,
            equilibration_sweeps: 200,
            measurement_sweeps: 200,
            seed: 1,
        }
    }
}

/// Replica-symmetric cavity thermodynamics of a random regular graph at one temperature.
#[derive(Debug, Clone, Serialize)]
pub struct CavityPoint {
    /// Temperature.
    pub temperature: f64,
    /// Free energy per spin.
    pub free_energy: Estimate,
    /// Energy per spin.
    pub energy: Estimate,
    /// Entropy per spin.
    pub entropy: Estimate,
    /// Edwards–Anderson overlap $\mathbb E\tanh^2\beta H$.
    pub overlap: Estimate,
    /// Magnetisation $\mathbb E\tanh\beta H$.
    pub magnetisation: Estimate,
}

fn draw_coupling<R: Rng>(rng: &mut R, couplings: CouplingDistribution) -> f64 {
    match couplings {
        CouplingDistribution::PlusMinusOne => {
            if rng.random::<bool>() {
                1.0
            } else {
                -1.0
            }
        }
        CouplingDistribution::Gaussian => {
            // Box–Muller.
            let u: f64 = 1.0 - rng.random::<f64>();
            let v: f64 = rng.random::<f64>();
            (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        }
    }
}

/// Population dynamics of the replica-symmetric cavity equations of a random
/// `degree`-regular graph with unit-variance couplings and field $h$, at $T > 0$.
pub fn population_dynamics(
    degree: usize,
    couplings: CouplingDistribution,
    temperature: f64,
    field: f64,
    options: &PopulationOptions,
) -> Result<CavityPoint, TheoryError> {
    let degree = check_degree(degree)?;
    let temperature = error::positive_temperature(temperature)?;
    let field = error::finite("field", field)?;
    if options.population < 2 || options.measurement_sweeps < 2 {
        return Err(ParameterError::new(
            "population",
            format!(
                "{} members, {} sweeps",
                options.population, options.measurement_sweeps
            ),
            "at least 2 members and 2 measurement sweeps",
        )
        .into());
    }
    let beta = 1.0 / temperature;
    let c = degree as f64;
    let mut rng = quench_core::stream(
        options.seed,
        quench_core::Purpose::Named("population dynamics"),
        0,
        0,
    );
    let size = options.population;
    let mut population: Vec<f64> = (0..size).map(|_| 2.0 * rng.random::<f64>() - 1.0).collect();
    let update = |population: &mut Vec<f64>, rng: &mut quench_core::StreamRng| {
        let mut h = field;
        for _ in 0..degree - 1 {
            let k = rng.random_range(0..size);
            h += cavity_bias(beta, draw_coupling(rng, couplings), population[k]);
        }
        let target = rng.random_range(0..size);
        population[target] = h;
    };
    for _ in 0..options.equilibration_sweeps * size {
        update(&mut population, &mut rng);
    }
    let mut accumulators: [BinningAccumulator; 5] = Default::default();
    for _ in 0..options.measurement_sweeps {
        for _ in 0..size {
            update(&mut population, &mut rng);
        }
        // One measurement per sweep: M site and M edge terms.
        let (mut site_log, mut edge_log, mut edge_energy, mut m, mut q) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for _ in 0..size {
            // Site with `degree` incoming cavity fields.
            let mut up = beta * field;
            let mut down = -beta * field;
            let mut total_field = field;
            for _ in 0..degree {
                let hk = population[rng.random_range(0..size)];
                let j = draw_coupling(&mut rng, couplings);
                // sum_{s_k} e^{beta J s s_k + beta h_k s_k} = 2 cosh(beta (J s + h_k))
                up += log_two_cosh(beta * (j + hk));
                down += log_two_cosh(beta * (-j + hk));
                total_field += cavity_bias(beta, j, hk);
            }
            site_log += crate::numerics::log_add_exp(up, down);
            let t = (beta * total_field).tanh();
            m += t;
            q += t * t;
            // Edge between two cavity fields.
            let (h1, h2) = (
                population[rng.random_range(0..size)],
                population[rng.random_range(0..size)],
            );
            let j = draw_coupling(&mut rng, couplings);
            let (tj, t1, t2) = ((beta * j).tanh(), (beta * h1).tanh(), (beta * h2).tanh());
            // Z_edge = sum e^{beta J s1 s2 + beta h1 s1 + beta h2 s2}
            //        = 4 cosh(beta J) cosh(beta h1) cosh(beta h2) (1 + tJ t1 t2)
            edge_log += log_two_cosh(beta * j) + log_two_cosh(beta * h1) + log_two_cosh(beta * h2)
                - 2f64.ln()
                + (tj * t1 * t2).ln_1p();
            edge_energy += j * (tj + t1 * t2) / (1.0 + tj * t1 * t2);
        }
        let mf = size as f64;
        let free_energy = -(site_log / mf - 0.5 * c * edge_log / mf) / beta;
        let energy = -0.5 * c * edge_energy / mf - field * m / mf;
        let values = [
            free_energy,
            energy,
            beta * (energy - free_energy),
            q / mf,
            m / mf,
        ];
        for (accumulator, value) in accumulators.iter_mut().zip(values) {
            accumulator.push(value);
        }
    }
    let [free_energy, energy, entropy, overlap, magnetisation] = accumulators.map(|a| a.estimate());
    Ok(CavityPoint {
        temperature,
        free_energy,
        energy,
        entropy,
        overlap,
        magnetisation,
    })
}

/// [`population_dynamics`] at each temperature (energy and entropy curves for overlays).
pub fn population_dynamics_curve(
    degree: usize,
    couplings: CouplingDistribution,
    temperatures: &[f64],
    field: f64,
    options: &PopulationOptions,
) -> Result<Vec<CavityPoint>, TheoryError> {
    temperatures
        .iter()
        .map(|&t| population_dynamics(degree, couplings, t, field, options))
        .collect()
}
