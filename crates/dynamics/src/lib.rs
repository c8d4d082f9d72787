//! # quench-dynamics: out-of-equilibrium dynamics of $p$-spin glasses
//!
//! Quench a $p$-spin glass from infinite temperature into a bath at
//! temperature $T$ and watch it age: the energy per spin $e(t)$, the
//! two-time correlation $C(t, t_w)$ and the integrated response
//! $\chi(t, t_w)$, measured by simulation for the spherical model
//! (Langevin) and the Ising models (Glauber, Metropolis), and exactly for
//! small Ising systems (the master equation). These are the quantities of
//! the Cugliandolo–Kurchan equations (`quench-theory`).
//!
//! ## Conventions
//!
//! The same as `quench_theory::pspin`: the pure $p$-spin Hamiltonian is
//!
//! $$ H_p(s) = -\sum_{i_1<\dots<i_p} J_{i_1\dots i_p}\\, s_{i_1}\cdots s_{i_p},
//!    \qquad \mathbb E\\,J^2 = \frac{p!}{2N^{p-1}}, $$
//!
//! so that $\mathbb E\\,H(s)H(s') = N\xi(q)$ with $\xi(q) = q^p/2$ and
//! $q = s\cdot s'/N$ ($p = 2$ is the spherical SK term). A mixture
//! ([`Mixture`]) is $H = \sum_p a_p H_p$ with independent $H_p$, orders
//! $2 \le p \le 4$, and $\xi(q) = \frac12\sum_p a_p^2 q^p$. (At finite $N$
//! the packed sum leaves out tuples with repeated indices, so the
//! covariance is $\xi(q) + O(1/N)$;
//! [`Mixture::finite_size_covariance`] gives it exactly.) Spherical spins
//! obey $\sum_i s_i^2 = N$; Ising spins are $\pm1$.
//!
//! ## Main types and how data flows
//!
//! ```text
//! Mixture (orders, a_p; xi)
//!   --SphericalPSpin::draw(n, mixture, seed, sample)--> SphericalPSpin   (packed J; stream (seed, Disorder, sample, 0))
//!       --energy / energy_and_gradient--> H, dH/ds
//!       --langevin_history(settings, schedule, seed, sample, history)--> DynamicsRecord
//!   --IsingPSpin::fully_connected(&spherical)--> IsingPSpin   (same J on +-1 spins)
//! IsingPSpin::diluted(n, p, c, seed, sample)--> IsingPSpin     (c-regular p-uniform hypergraph, J = +-1)
//!   any IsingSystem (LocalMoves with SpinFlip<f64> changes)
//!       --ising_history(IsingSettings { rule: Glauber | Metropolis, field }, schedule, ...)--> DynamicsRecord
//!       --MasterEquation::new(rule).solve(schedule)--> ExactCurves   (N <= 16)
//! DynamicsRecord (e(t), C(t_w + tau, t_w), chi(t_w + tau, t_w) of one history)
//!   --summarize--> DynamicsSummary (means and standard errors)
//! langevin_ensemble / ising_ensemble: samples x histories in parallel (rayon), thread-count independent
//! ```
//!
//! * [`SphericalPSpin`]: dense couplings of each order, packed
//!   lexicographically over $i_1<\dots<i_p$ (coefficient $a_p$ folded in);
//!   energy and gradient in one pass over the tuples, no allocation. Sizes
//!   whose couplings exceed [`spherical::COUPLING_MEMORY_LIMIT`] are refused
//!   before allocating ([`DynamicsError::CouplingMemory`]).
//! * [`IsingPSpin`]: a hypergraph with couplings and, per site, the
//!   hyperedges containing it; the state ([`IsingState`]) keeps every local
//!   field $h_i$ (a flip of $i$ updates the fields of its hyperedges'
//!   members, $O(\text{degree}\times p)$; a proposal is $O(1)$). It
//!   implements `quench_mc::moves::LocalMoves` with
//!   `SpinFlip<f64>` changes, $\Delta E_i = 2s_ih_i$.
//! * [`langevin`]: $\dot s_i = -\partial_i H - z(t)s_i + \eta_i$,
//!   $\langle\eta_i(t)\eta_j(t')\rangle = 2T\delta_{ij}\delta(t-t')$, from
//!   a uniformly random point of the sphere. **Integrator**: an
//!   Euler–Maruyama step
//!   $s \leftarrow s + \Delta t\\,(-\nabla H) + \sqrt{2T\Delta t}\\,\eta$
//!   ($\eta$ standard Gaussians) followed by the projection
//!   $s \leftarrow \sqrt N\\,s/|s|$, which plays the part of the Lagrange
//!   multiplier $z(t)$. It is of weak order one: averages carry an error
//!   $O(\Delta t)$. Measured on Brownian motion on the sphere ($N = 16$,
//!   $T = 1$, 160000 histories): $C(t_w+\tau, t_w)$ lies above the exact
//!   $e^{-(N-1)T\tau/N}$ by $0.21\\,\Delta t$ at $\tau = 0.5$ and
//!   $0.27\\,\Delta t$ at $\tau = 1$ (the bias halves with $\Delta t$); in the
//!   3-spin model at $T = 2$ the fluctuation–dissipation theorem is broken
//!   by about $0.4\\,\Delta t$. $\Delta t = 0.01$ keeps both near $0.003$.
//! * [`glauber`]: single-flip dynamics of any [`IsingSystem`]: one unit of
//!   time is a sweep of $N$ updates at uniformly random sites (with
//!   replacement), each with one uniform; flip probability
//!   $1/(1+e^{\Delta E/T})$ (Glauber) or $\min(1, e^{-\Delta E/T})$ (Metropolis).
//! * **Response**: at each waiting time $t_w$ a twin copy of the system
//!   starts feeling the field term $-h\sum_i\epsilon_is_i$ ($\epsilon_i = \pm1$
//!   random, one set per waiting time) and is driven by the same noise
//!   (Langevin) or the same sites and uniforms (Ising);
//!   $\chi(t, t_w) = \frac1{hN}\sum_i\epsilon_i\\,(s^h_i(t) - s_i(t))$.
//!   In equilibrium the fluctuation–dissipation theorem gives
//!   $\chi = (1 - C)/T$.
//! * [`lattice`]: [`multispin_histories`], Metropolis quenches of $\pm J$
//!   lattice spin glasses (the 3D Edwards–Anderson model) with the multispin
//!   kernel of `quench-mc`: lanes are samples, replicas are histories, one
//!   checkerboard sweep per unit of time; $e(t)$ and $C(t_w+\tau, t_w)$.
//! * [`master`]: [`MasterEquation`], the exact transition matrix of one
//!   update of the Ising dynamics, propagated from the uniform distribution
//!   for exact $e(t)$ and $C(t_w+\tau, t_w)$.
//! * Streams ([`quench_core::rng`]): couplings `(seed, Disorder, sample, 0)`,
//!   initial state `(seed, InitialState, sample, history)`, noise or moves
//!   `(seed, Dynamics, sample, history)`, field directions
//!   `(seed, Named("response field"), sample, history)`.
//! * Errors are [`DynamicsError`]; a bad parameter names itself.
//!
//! ## What it costs
//!
//! A gradient of the dense $p = 3$ model reads each of the $\binom N3$
//! couplings once (two multiply-adds each); `examples/costs.rs` prints the
//! measured times. On one core of the development machine (release build):
//! a gradient takes about 75 µs at $N = 100$ and 450 µs at $N = 200$; one
//! Langevin time unit at $\Delta t = 0.01$ about 5 ms and 45 ms (twice that
//! while a response twin runs). A history of the $N = 200$ model to
//! $t = 300$ with one twin over its last half is thus about 20 s at
//! $\Delta t = 0.01$.

pub mod glauber;
pub mod ising;
pub mod langevin;
pub mod lattice;
pub mod master;
pub mod mixture;
pub mod schedule;
pub mod spherical;

#[cfg(test)]
mod tests;

pub use glauber::{
    IsingRule, IsingSettings, IsingSystem, ising_ensemble, ising_history, ising_sweep,
};
pub use ising::{IsingPSpin, IsingState};
pub use langevin::{LangevinSettings, langevin_ensemble, langevin_history, random_point_on_sphere};
pub use lattice::{LatticeSettings, multispin_histories};
pub use master::{ExactCurves, MasterEquation};
pub use mixture::{Mixture, Term};
pub use schedule::{
    DynamicsRecord, DynamicsSummary, MeanError, Schedule, geometric_times, mean_and_error,
    summarize,
};
pub use spherical::{OrderCouplings, SphericalPSpin};

use quench_core::ParameterError;
use thiserror::Error;

/// Errors of this crate.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DynamicsError {
    /// A parameter outside its allowed range.
    #[error(transparent)]
    Parameter(#[from] ParameterError),
    /// The dense couplings would not fit in memory.
    #[error(
        "parameter `n` = {n} needs {bytes} bytes of couplings, over the limit of {limit} bytes; use a smaller n (or a diluted model)"
    )]
    CouplingMemory {
        /// Number of spins asked for.
        n: usize,
        /// Bytes the couplings would take.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// The configuration model found no hypergraph without repeated sites.
    #[error(
        "could not draw a {connectivity}-regular {order}-uniform hypergraph on n = {n} sites without repeated sites in {attempts} attempts; use a smaller connectivity or a larger n"
    )]
    Hypergraph {
        /// Number of sites.
        n: usize,
        /// Sites per hyperedge.
        order: u32,
        /// Hyperedges per site.
        connectivity: usize,
        /// Attempts made.
        attempts: usize,
    },
}
