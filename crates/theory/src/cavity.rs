//! The cavity method on sparse graphs: belief propagation on one sample, the
//! paramagnetic stability condition, and population dynamics for the
//! replica-symmetric cavity equations on random regular and Erdős–Rényi graphs.
//!
//! Cavity fields obey $h_{i\to j} = h_i + \sum_{k\in\partial i\setminus j} u(J_{ki}, h_{k\to i})$
//! with $u(J, h) = T\operatorname{artanh}(\tanh\beta J\\,\tanh\beta h)$. At zero
//! field the paramagnet $h \equiv 0$ is a fixed point; it becomes unstable
//! towards a spin glass where the mean *excess* degree $\kappa$ (the number of
//! further neighbours of a site reached along an edge) satisfies
//! $\kappa\\,\mathbb E_J\tanh^2\beta J = 1$ (Thouless 1986; Mézard–Parisi 2001;
//! Viana–Bray 1985 for Erdős–Rényi graphs).
//!
//! ## Graph ensembles
//!
//! [`GraphEnsemble`] names the locally tree-like ensemble; the cavity
//! equations only see its degree distribution $p_d$ (that of a site) and its
//! excess-degree distribution $r_k = (k+1)p_{k+1}/c$ (that of a site reached
//! along an edge), $c$ the mean degree:
//!
//! | ensemble | degree $d$ | excess degree $k$ | $\kappa = \mathbb E k$ | $T_c$ for $\pm J$ |
//! |---|---|---|---|---|
//! | [`GraphEnsemble::RandomRegular`] | $c$ | $c - 1$ | $c - 1$ | $1/\operatorname{artanh}(1/\sqrt{c-1})$ |
//! | [`GraphEnsemble::ErdosRenyi`] | Poisson($c$) | Poisson($c$) | $c$ | $1/\operatorname{artanh}(1/\sqrt{c})$ |
//!
//! so an Erdős–Rényi graph of mean degree $c$ has the transition of a
//! random regular graph of degree $c + 1$, while its paramagnet has the free
//! energy of degree $c$: both paramagnets obey
//! $f = -T\ln 2 - \frac c2 T\\,\mathbb E\ln\cosh\beta J$ and
//! $u = -\frac c2\mathbb E\\,J\tanh\beta J$, which depend on the mean degree only.
//!
//! ## Population dynamics
//!
//! Population dynamics represents the distribution of $h$ by $M$ samples and
//! replaces one at a time by a fresh cavity field built from $k$ random
//! members, $k$ drawn from the excess-degree distribution. Observables per
//! spin (Bethe), with site degrees $d \sim p_d$:
//! $-\beta f = \mathbb E\ln Z_{\rm site} - \frac c2\mathbb E\ln Z_{\rm edge}$,
//! $u = -\frac c2\mathbb E\langle J s_1 s_2\rangle_{\rm edge} - h\\,\mathbb E\langle s\rangle$,
//! $s = \beta(u - f)$, each averaged over sweeps with binning errors. The
//! site terms are averaged over $p_d$ exactly rather than by drawing $d$:
//! each measured site draws one sequence of incoming fields, and its prefix
//! of length $d$ counts with weight $p_d$. The degree fluctuations of an
//! Erdős–Rényi graph then add no noise, and the $\pm J$ paramagnet comes out
//! exact on both ensembles.

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

/// A random graph ensemble that is locally tree-like, as seen by the cavity
/// method: through its degree and excess-degree distributions (see the
/// module docs for the table).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "graph", rename_all = "snake_case")]
pub enum GraphEnsemble {
    /// Every site has `degree` neighbours, $2 \le c \le 10^4$.
    RandomRegular {
        /// The degree $c$.
        degree: usize,
    },
    /// Erdős–Rényi graph $G(N, c/N)$ for $N \to \infty$: Poisson($c$)
    /// degrees and Poisson($c$) excess degrees, $0 < c \le 10^4$ (need not
    /// be an integer).
    ErdosRenyi {
        /// The mean degree $c$.
        mean_degree: f64,
    },
}

impl GraphEnsemble {
    /// Checks the degree; the error names `degree` or `mean_degree`.
    pub fn check(self) -> Result<Self, ParameterError> {
        match self {
            Self::RandomRegular { degree } => check_degree(degree).map(|_| self),
            Self::ErdosRenyi { mean_degree } => {
                if mean_degree.is_finite() && mean_degree > 0.0 && mean_degree <= 10_000.0 {
                    Ok(self)
                } else {
                    Err(ParameterError::new(
                        "mean_degree",
                        mean_degree,
                        "a real number in (0, 10000]",
                    ))
                }
            }
        }
    }

    /// Mean degree $c$ of a site (the number of edges per site is $c/2$).
    pub fn mean_degree(self) -> f64 {
        match self {
            Self::RandomRegular { degree } => degree as f64,
            Self::ErdosRenyi { mean_degree } => mean_degree,
        }
    }

    /// Mean excess degree $\kappa$: $c - 1$ on a regular graph, $c$ on an
    /// Erdős–Rényi graph.
    pub fn mean_excess_degree(self) -> f64 {
        match self {
            Self::RandomRegular { degree } => degree as f64 - 1.0,
            Self::ErdosRenyi { mean_degree } => mean_degree,
        }
    }
}

/// Draws excess degrees of one ensemble: a constant, or a Poisson variable
/// by inversion of its tabulated distribution function.
enum DegreeSampler {
    Constant(usize),
    /// Cumulative Poisson probabilities $P(K \le k)$, the last one set to 1.
    Poisson(Vec<f64>),
}

impl DegreeSampler {
    fn poisson(mean: f64) -> Self {
        // Tail beyond mean + 12 sqrt(mean) + 30 is far below 1e-16.
        let last = (mean + 12.0 * mean.sqrt() + 30.0).ceil() as usize;
        let mut cumulative = Vec::with_capacity(last + 1);
        let mut total = 0.0;
        for k in 0..=last {
            let kf = k as f64;
            total += (-mean + kf * mean.ln() - libm::lgamma(kf + 1.0)).exp();
            cumulative.push(total);
        }
        *cumulative.last_mut().expect("at least one entry") = 1.0;
        Self::Poisson(cumulative)
    }

    /// Degree of a site reached along an edge, less that edge.
    fn excess(graph: GraphEnsemble) -> Self {
        match graph {
            GraphEnsemble::RandomRegular { degree } => Self::Constant(degree - 1),
            GraphEnsemble::ErdosRenyi { mean_degree } => Self::poisson(mean_degree),
        }
    }

    /// One draw; a constant consumes no randomness (so regular graphs keep
    /// the random stream they had before ensembles existed).
    fn draw<R: Rng>(&self, rng: &mut R) -> usize {
        match self {
            Self::Constant(k) => *k,
            Self::Poisson(cumulative) => {
                let u: f64 = rng.random::<f64>();
                cumulative.partition_point(|&p| p <= u)
            }
        }
    }
}

/// Probabilities $p_d$ of the site degrees $d = 0, 1, \dots$: one 1 at
/// $d = c$ on a regular graph; Poisson($c$) on an Erdős–Rényi graph, cut
/// where less than $10^{-15}$ of the mass remains, and renormalised.
fn degree_weights(graph: GraphEnsemble) -> Vec<f64> {
    match graph {
        GraphEnsemble::RandomRegular { degree } => {
            let mut weights = vec![0.0; degree + 1];
            weights[degree] = 1.0;
            weights
        }
        GraphEnsemble::ErdosRenyi { mean_degree } => {
            let mut weights = Vec::new();
            let mut total = 0.0;
            for d in 0.. {
                let df = d as f64;
                let p = (-mean_degree + df * mean_degree.ln() - libm::lgamma(df + 1.0)).exp();
                weights.push(p);
                total += p;
                if df > mean_degree && 1.0 - total < 1e-15 {
                    break;
                }
            }
            weights.iter().map(|p| p / total).collect()
        }
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

/// Temperature at which the paramagnetic BP fixed point of a spin glass on
/// `graph` (symmetric couplings of unit variance, no field) becomes
/// unstable: $\kappa\\,\mathbb E\tanh^2(J/T_c) = 1$, $\kappa$ the mean excess
/// degree ($c - 1$ regular, $c$ Erdős–Rényi). For $\pm J$,
/// $T_c = 1/\operatorname{artanh}(1/\sqrt\kappa)$.
///
/// There is no transition where $\kappa \le 1$: a regular graph of degree 2
/// is a union of chains, and an Erdős–Rényi graph of mean degree $c \le 1$
/// has no giant component. Gaussian couplings with $T_c < 0.01$ (that is
/// $\kappa$ just above 1) are reported as having no root.
pub fn instability_temperature(
    graph: GraphEnsemble,
    couplings: CouplingDistribution,
) -> Result<f64, TheoryError> {
    let graph = graph.check()?;
    let kappa = graph.mean_excess_degree();
    if kappa <= 1.0 {
        let reason = match graph {
            GraphEnsemble::RandomRegular { .. } => {
                "a graph of degree 2 is a union of chains and has no transition; use degree >= 3"
                    .to_string()
            }
            GraphEnsemble::ErdosRenyi { mean_degree } => format!(
                "an Erdős–Rényi graph of mean degree {mean_degree} <= 1 has no giant component \
                 and no transition; use a mean degree > 1"
            ),
        };
        return Err(TheoryError::NoSolution {
            what: "spin-glass transition",
            reason,
        });
    }
    if couplings == CouplingDistribution::PlusMinusOne {
        return Ok(1.0 / (1.0 / kappa.sqrt()).atanh());
    }
    let beta = brent(
        |b| kappa * mean_tanh_squared(b, couplings) - 1.0,
        1e-6,
        100.0,
        1e-14,
    )
    .ok_or_else(|| TheoryError::NoSolution {
        what: "spin-glass transition",
        reason: format!(
            "no root with T_c in [0.01, 1e6] for {graph:?} (mean excess degree {kappa})"
        ),
    })?;
    Ok(1.0 / beta)
}

/// [`instability_temperature`] of a random `degree`-regular graph:
/// $(c-1)\\,\mathbb E\tanh^2(J/T_c) = 1$. For $\pm J$,
/// $T_c = 1/\operatorname{artanh}(1/\sqrt{c-1})$. Degree 2 (a chain) has none.
pub fn paramagnetic_instability_temperature(
    degree: usize,
    couplings: CouplingDistribution,
) -> Result<f64, TheoryError> {
    instability_temperature(GraphEnsemble::RandomRegular { degree }, couplings)
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

/// Replica-symmetric cavity thermodynamics of a graph ensemble at one temperature.
#[derive(Debug, Clone, Serialize)]
pub struct CavityPoint {
    /// The graph ensemble.
    pub graph: GraphEnsemble,
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

/// Population dynamics of the replica-symmetric cavity equations of `graph`
/// with unit-variance couplings and field $h$, at $T > 0$.
///
/// Cost: about $M\\,\kappa$ cavity biases per sweep ($\kappa$ the mean excess
/// degree) and $M(d_{\max} + 1)$ per measurement ($d_{\max} = c$ on a regular
/// graph, about $c + 8\sqrt c + 10$ on an Erdős–Rényi graph). With the
/// default options ($M = 10^4$, 200 + 200 sweeps) a $\pm J$ point at mean
/// degree 3 took 3.2 s (regular) and 16 s (Erdős–Rényi, whose exact
/// average over degrees costs about 20 terms per measured site) in release
/// on the shared 2-core Xeon; `benches/theory.rs` times it.
pub fn population_dynamics(
    graph: GraphEnsemble,
    couplings: CouplingDistribution,
    temperature: f64,
    field: f64,
    options: &PopulationOptions,
) -> Result<CavityPoint, TheoryError> {
    let graph = graph.check()?;
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
    let c = graph.mean_degree();
    let excess_degrees = DegreeSampler::excess(graph);
    let site_weights = degree_weights(graph);
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
        for _ in 0..excess_degrees.draw(rng) {
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
            // Site terms averaged over the degree distribution exactly: one
            // sequence of incoming fields, whose prefix of length d is the
            // site of degree d, weighted by p_d (a regular graph has one d).
            let mut up = beta * field;
            let mut down = -beta * field;
            let mut total_field = field;
            for (d, &weight) in site_weights.iter().enumerate() {
                if d > 0 {
                    let hk = population[rng.random_range(0..size)];
                    let j = draw_coupling(&mut rng, couplings);
                    // sum_{s_k} e^{beta J s s_k + beta h_k s_k} = 2 cosh(beta (J s + h_k))
                    up += log_two_cosh(beta * (j + hk));
                    down += log_two_cosh(beta * (-j + hk));
                    total_field += cavity_bias(beta, j, hk);
                }
                if weight > 0.0 {
                    site_log += weight * crate::numerics::log_add_exp(up, down);
                    let t = (beta * total_field).tanh();
                    m += weight * t;
                    q += weight * t * t;
                }
            }
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
        graph,
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
    graph: GraphEnsemble,
    couplings: CouplingDistribution,
    temperatures: &[f64],
    field: f64,
    options: &PopulationOptions,
) -> Result<Vec<CavityPoint>, TheoryError> {
    temperatures
        .iter()
        .map(|&t| population_dynamics(graph, couplings, t, field, options))
        .collect()
}
