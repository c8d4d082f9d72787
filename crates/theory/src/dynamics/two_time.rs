//! The Cugliandolo–Kurchan equations after a quench, on a two-time grid
//! whose step doubles.
//!
//! ## Grid
//!
//! Times $t_i = ih$, $0 \le i \le n$; stored are the nodes $C_{ij}$,
//! $\chi_{ij}$ ($j \le i$) and the interval means along a row,
//! $\bar C^{v}_{il} = \frac1h\int_{t_{l-1}}^{t_l}C(t_i,s)\\,ds$ (likewise $\bar\chi^v$),
//! and down a column, $\bar C^{h}_{lj} = \frac1h\int_{t_{l-1}}^{t_l}C(u,t_j)\\,du$
//! (likewise $\bar\chi^h$). When row $n$ is done the grid keeps every second
//! time, $C_{ij}\leftarrow C_{2i,2j}$, the means of pairs of intervals
//! (exact), and $h \leftarrow 2h$: the relative resolution $h/t$ stays
//! between $1/n$ and $2/n$ from $t = nh_0$ on.
//!
//! ## Discretisation
//!
//! Time derivatives are backward differences of second order (BDF2; first
//! order for $C(t_i, t_{i-1})$, where $C(\cdot, t_{i-1})$ has its cusp), so each
//! new row $i$ is implicit: it is solved by Gauss–Seidel sweeps over its
//! columns, from the diagonal down, accelerated by Anderson mixing of the
//! last six sweeps, until no value moves by more than the tolerance.
//!
//! Every memory integral against the response of the newest time is split
//! by the fluctuation–dissipation theorem: with $Q = 1 - C - T\chi$ (zero
//! where FDT holds), $R(t_i,s)\\,ds = \beta\\,(d_sC + d_sQ)$, so that
//!
//! $$ \int_{t_{l-1}}^{t_l}g(C(t_i,s))R(t_i,s)\,ds \approx \beta\big[G(C_{il}) - G(C_{i,l-1})\big]
//!    + \beta\,\tfrac12\big[g(C_{i,l-1}) + g(C_{il})\big](Q_{il} - Q_{i,l-1}), \qquad G' = g: $$
//!
//! the fast, equilibrium-like decay near the diagonal is integrated exactly
//! whatever the step, and only the slow violation $Q$ needs a quadrature.
//! These weights multiply interval means of the other factor: the row means
//! $\bar C^v_{jl}$ for $s < t_j$, the column means $\bar C^h_{lj}$, $\bar\chi^h_{lj}$
//! for $s > t_j$. The first integral of the $C$ equation is summed by parts
//! against the row means of $\chi(t_j,\cdot)$,
//! $\int_0^{t_j}\xi'(C(t_i,s))R(t_j,s)ds = \xi'(C_{i0})\chi_{j0} + \sum_l(\xi'(C_{il}) - \xi'(C_{i,l-1}))\bar\chi^v_{jl}$.
//! The Lagrange multiplier and the energy telescope:
//! $z_i = T + \beta[\xi'(1) - C_{i0}\xi'(C_{i0})] + \beta\int(\xi' + \xi''C)\\,dQ$,
//! $e_i = -\beta[\xi(1) - \xi(C_{i0})] - \beta\int\xi'\\,dQ$.
//!
//! ## Near the diagonal
//!
//! Every node is solved, but the interval means within `near` steps of the
//! diagonal are those of the previous row shifted by one step: the fast part
//! of the dynamics is stationary (exactly so above $T_d$ at long times, and in
//! the ageing regime as $t\to\infty$), and these means carry what the finer
//! grids of earlier times resolved, averaged exactly at each doubling.
//! The first rows ($t \le (\text{near}+1)h_0$) are the short-time solution
//! $C = 1 - T|t-t'|$, $\chi = |t - t'|$, exact to first order.
//!
//! ## Accuracy and its estimate
//!
//! At a given time the step is $h \approx t/n$ to $2t/n$: dynamics faster than
//! that is not resolved at late times (the microscopic decay of $C(t+\tau, t)$
//! for $\tau \lesssim h$), while the slow (ageing, $\alpha$-relaxation) part and
//! the one-time quantities are. Measured against the exact $p = 2$ solution
//! (tests) and by halving $n$, the scheme converges at about first order in
//! $h/t$ at late times. [`quench`] integrates a second time on $n/2$ points
//! and reports the largest differences of $e(t)$ (for $t \ge 1$), $C$ and
//! $\chi$ over the times both grids hold ([`DiscretisationError`]): for a
//! first-order scheme this is the error of the $n$-point result (and half
//! that of the coarse one). Where the coarse integration itself fails (very
//! low $T$ at very long times) the estimate is left out and a warning says so.

use serde::Serialize;

use super::grid::{Integration, Record};
use super::{AgeingAsymptotics, Covariance};
use crate::error::TheoryError;
use quench_core::ParameterError;

/// The grid and the stopping rules of the two-time integration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GridOptions {
    /// Points per block $n$ (even, 32..=4096): the cost grows as $n^3$ per doubling.
    pub points: usize,
    /// Intervals next to the diagonal whose means are carried over from the
    /// previous row (the stationary fast part; 1..=points/8).
    pub near: usize,
    /// First step $h_0$ (a power of two keeps dyadic waiting times on the grid).
    pub initial_step: f64,
    /// Largest change of a value in the last Gauss–Seidel sweep of a row.
    pub tolerance: f64,
    /// Sweeps allowed per row before the integration stops with an error.
    pub max_sweeps: usize,
    /// Also integrate on $n/2$ points and report the difference.
    pub estimate_error: bool,
}

impl Default for GridOptions {
    fn default() -> Self {
        Self {
            points: 256,
            near: 4,
            initial_step: 1.0 / 16384.0,
            tolerance: 1e-10,
            max_sweeps: 1000,
            estimate_error: true,
        }
    }
}

impl GridOptions {
    fn check(&self) -> Result<(), ParameterError> {
        if !(32..=4096).contains(&self.points) || !self.points.is_multiple_of(2) {
            return Err(ParameterError::new(
                "points",
                self.points,
                "an even number of grid points in 32..=4096",
            ));
        }
        if self.near == 0 || self.near > self.points / 8 {
            return Err(ParameterError::new(
                "near",
                self.near,
                format!("1..={} (an eighth of the grid)", self.points / 8),
            ));
        }
        if !(self.initial_step.is_finite() && self.initial_step > 0.0 && self.initial_step <= 0.01)
        {
            return Err(ParameterError::new(
                "initial_step",
                self.initial_step,
                "a step in (0, 0.01]",
            ));
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0 && self.tolerance < 1e-3) {
            return Err(ParameterError::new(
                "tolerance",
                self.tolerance,
                "a tolerance in (0, 1e-3)",
            ));
        }
        if self.max_sweeps == 0 {
            return Err(ParameterError::new("max_sweeps", 0, "at least 1"));
        }
        Ok(())
    }
}

/// One time of the integration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OneTimePoint {
    /// $t$ after the quench.
    pub time: f64,
    /// Energy per spin $e(t)$.
    pub energy: f64,
    /// Lagrange multiplier $z(t)$.
    pub lagrange_multiplier: f64,
}

/// The two-time functions at one pair of times.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TwoTimePoint {
    /// $t_w$.
    pub waiting_time: f64,
    /// $t \ge t_w$.
    pub time: f64,
    /// $C(t, t_w)$.
    pub correlation: f64,
    /// $\chi(t, t_w) = \int_{t_w}^t R(t,s)\\,ds$.
    pub integrated_response: f64,
}

/// Differences between the integrations on $n$ and $n/2$ points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DiscretisationError {
    /// Points of the coarser grid.
    pub coarse_points: usize,
    /// Largest $|e_n(t) - e_{n/2}(t)|$ over common times $t \ge 1$.
    pub energy: f64,
    /// Largest $|C_n - C_{n/2}|$ over common pairs of times.
    pub correlation: f64,
    /// Largest $|\chi_n - \chi_{n/2}|$ over common pairs of times.
    pub integrated_response: f64,
}

/// The solution of the Cugliandolo–Kurchan equations after a quench.
#[derive(Debug, Clone, Serialize)]
pub struct QuenchDynamics {
    /// $\xi(q)$.
    pub covariance: Covariance,
    /// $T$ after the quench.
    pub temperature: f64,
    /// Last time reached.
    pub final_time: f64,
    /// The grid.
    pub grid: GridOptions,
    /// Waiting times on the grid (the requested ones rounded to multiples of $h_0$).
    pub waiting_times: Vec<f64>,
    /// $e(t)$ and $z(t)$ at every time of the grid, increasing.
    pub one_time: Vec<OneTimePoint>,
    /// $C(t, t_w)$ and $\chi(t, t_w)$ for each waiting time, while $t_w$ stays on the grid
    /// (until the step exceeds the largest power of two dividing $t_w/h_0$, times $h_0$).
    pub two_time: Vec<TwoTimePoint>,
    /// Times the step doubled.
    pub doublings: usize,
    /// Most Gauss–Seidel sweeps any row needed.
    pub most_sweeps: usize,
    /// The difference from the integration on half the points, when asked for.
    pub discretisation: Option<DiscretisationError>,
    /// The asymptotic ageing state (pure $p$ below $T_d$).
    pub asymptotics: Option<AgeingAsymptotics>,
    /// What the reader should know (an error estimate that could not be made).
    pub warnings: Vec<String>,
}

/// Integrates the Cugliandolo–Kurchan equations of the spherical model with
/// covariance `covariance` after a quench to `temperature` ($T \ge 0$) from
/// a random start, up to `final_time`, recording $C(t,t_w)$, $\chi(t,t_w)$ for
/// the `waiting_times`.
pub fn quench(
    covariance: &Covariance,
    temperature: f64,
    final_time: f64,
    waiting_times: &[f64],
    options: &GridOptions,
) -> Result<QuenchDynamics, TheoryError> {
    if !(temperature.is_finite() && temperature > 0.0) {
        return Err(ParameterError::new(
            "temperature",
            temperature,
            "a finite temperature > 0 (the integration splits the response by the fluctuation-dissipation theorem, which divides by T)",
        )
        .into());
    }
    options.check()?;
    let start = options.initial_step * (options.points as f64);
    if !(final_time.is_finite() && final_time >= start && final_time <= 1e9) {
        return Err(ParameterError::new(
            "time",
            final_time,
            format!("a final time in [{start}, 1e9] (the first block of the grid reaches {start})"),
        )
        .into());
    }
    let mut rounded = Vec::with_capacity(waiting_times.len());
    for &tw in waiting_times {
        if !(tw.is_finite() && tw > 0.0 && tw < final_time) {
            return Err(ParameterError::new(
                "waiting_times",
                tw,
                format!("waiting times in (0, {final_time}) (the final time)"),
            )
            .into());
        }
        let k = (tw / options.initial_step).round().max(1.0);
        rounded.push(k * options.initial_step);
    }
    rounded.sort_by(f64::total_cmp);
    rounded.dedup();
    let fine = Integration::new(covariance, temperature, options).run(final_time, &rounded)?;
    let mut warnings = Vec::new();
    let discretisation = if options.estimate_error {
        let coarse_options = GridOptions {
            points: options.points / 2,
            near: options.near.div_ceil(2).max(1),
            ..*options
        };
        match Integration::new(covariance, temperature, &coarse_options).run(final_time, &rounded) {
            Ok(coarse) => Some(compare(&fine, &coarse, coarse_options.points)),
            Err(error) => {
                warnings.push(format!(
                    "no error estimate: the integration on {} points failed ({error})",
                    coarse_options.points
                ));
                None
            }
        }
    } else {
        None
    };
    let asymptotics = covariance.pure_order().and_then(|p| {
        (p >= 3)
            .then(|| super::ageing(p, temperature).ok())
            .flatten()
    });
    Ok(QuenchDynamics {
        covariance: covariance.clone(),
        temperature,
        final_time: fine.one_time.last().map_or(0.0, |point| point.time),
        grid: *options,
        waiting_times: rounded,
        one_time: fine.one_time,
        two_time: fine.two_time,
        doublings: fine.doublings,
        most_sweeps: fine.most_sweeps,
        discretisation,
        asymptotics,
        warnings,
    })
}

/// The largest differences over the times both integrations recorded.
fn compare(fine: &Record, coarse: &Record, coarse_points: usize) -> DiscretisationError {
    let key = |t: f64| (t * 1e9).round() as i128;
    let fine_energy: std::collections::HashMap<i128, f64> = fine
        .one_time
        .iter()
        .map(|p| (key(p.time), p.energy))
        .collect();
    let energy = coarse
        .one_time
        .iter()
        .filter(|p| p.time >= 1.0)
        .filter_map(|p| fine_energy.get(&key(p.time)).map(|e| (e - p.energy).abs()))
        .fold(0.0, f64::max);
    let fine_pairs: std::collections::HashMap<(i128, i128), (f64, f64)> = fine
        .two_time
        .iter()
        .map(|p| {
            (
                (key(p.waiting_time), key(p.time)),
                (p.correlation, p.integrated_response),
            )
        })
        .collect();
    let (mut correlation, mut integrated_response) = (0.0f64, 0.0f64);
    for p in &coarse.two_time {
        if let Some(&(c, x)) = fine_pairs.get(&(key(p.waiting_time), key(p.time))) {
            correlation = correlation.max((c - p.correlation).abs());
            integrated_response = integrated_response.max((x - p.integrated_response).abs());
        }
    }
    DiscretisationError {
        coarse_points,
        energy,
        correlation,
        integrated_response,
    }
}
