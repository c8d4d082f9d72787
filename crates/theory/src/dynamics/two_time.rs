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

/// What one integration recorded.
struct Record {
    one_time: Vec<OneTimePoint>,
    two_time: Vec<TwoTimePoint>,
    doublings: usize,
    most_sweeps: usize,
}

/// The state of one integration: the grid and the row being solved.
struct Integration<'a> {
    xi: &'a Covariance,
    temperature: f64,
    n: usize,
    near: usize,
    step: f64,
    tolerance: f64,
    max_sweeps: usize,
    /// Nodes $C_{ij}$, $\chi_{ij}$, row-major with stride $n + 1$.
    c: Vec<f64>,
    x: Vec<f64>,
    /// Row means $\bar C^v_{il}$, $\bar\chi^v_{il}$ ($1 \le l \le i$).
    cv: Vec<f64>,
    xv: Vec<f64>,
    /// Column means $\bar C^h_{lj}$, $\bar\chi^h_{lj}$ ($j < l$), stored at `[l][j]`.
    ch: Vec<f64>,
    xh: Vec<f64>,
    /// $\xi'$, $\xi''$ of the row being solved, and the interval weights
    /// $w_l = \int_{t_{l-1}}^{t_l}\xi''(C(t_i,s))R(t_i,s)\\,ds$.
    first_row: Vec<f64>,
    second_row: Vec<f64>,
    weights: Vec<f64>,
}

/// The mean over $[l-1, l]$ of the parabola through the values at $l-1$, $l$, $l+1$.
#[inline]
fn forward_mean(before: f64, at: f64, after: f64) -> f64 {
    (5.0 * before + 8.0 * at - after) / 12.0
}

/// The mean over $[l-1, l]$ of the parabola through the values at $l-2$, $l-1$, $l$.
#[inline]
fn backward_mean(before: f64, previous: f64, at: f64) -> f64 {
    (5.0 * at + 8.0 * previous - before) / 12.0
}

impl<'a> Integration<'a> {
    fn new(xi: &'a Covariance, temperature: f64, options: &GridOptions) -> Self {
        let n = options.points;
        let size = (n + 1) * (n + 1);
        Self {
            xi,
            temperature,
            n,
            near: options.near,
            step: options.initial_step,
            tolerance: options.tolerance,
            max_sweeps: options.max_sweeps,
            c: vec![0.0; size],
            x: vec![0.0; size],
            cv: vec![0.0; size],
            xv: vec![0.0; size],
            ch: vec![0.0; size],
            xh: vec![0.0; size],
            first_row: vec![0.0; n + 1],
            second_row: vec![0.0; n + 1],
            weights: vec![0.0; n + 1],
        }
    }

    #[inline]
    fn at(&self, i: usize, j: usize) -> usize {
        i * (self.n + 1) + j
    }

    /// Rows $0..=$ `near + 1`: $C = 1 - T|t - t'|$, $\chi = |t - t'|$ and their means.
    fn start(&mut self) {
        let h = self.step;
        let t = self.temperature;
        for i in 0..=self.near + 1 {
            for j in 0..=i {
                let tau = (i - j) as f64 * h;
                let k = self.at(i, j);
                self.c[k] = 1.0 - t * tau;
                self.x[k] = tau;
                // Linear in both times: the interval means are the midpoints.
                if j >= 1 {
                    self.cv[k] = 1.0 - t * (tau + 0.5 * h);
                    self.xv[k] = tau + 0.5 * h;
                }
                if j < i {
                    self.ch[k] = 1.0 - t * (tau - 0.5 * h);
                    self.xh[k] = tau - 0.5 * h;
                }
            }
        }
    }

    fn run(mut self, final_time: f64, waiting_times: &[f64]) -> Result<Record, TheoryError> {
        self.start();
        let mut record = Record {
            one_time: vec![OneTimePoint {
                time: 0.0,
                energy: 0.0,
                lagrange_multiplier: self.temperature,
            }],
            two_time: Vec::new(),
            doublings: 0,
            most_sweeps: 0,
        };
        let mut first = self.near + 2;
        loop {
            for i in first..=self.n {
                let sweeps = self.solve_row(i)?;
                record.most_sweeps = record.most_sweeps.max(sweeps);
                self.record_row(i, waiting_times, &mut record);
                if i as f64 * self.step >= final_time * (1.0 - 1e-12) {
                    return Ok(record);
                }
            }
            self.contract();
            record.doublings += 1;
            first = self.n / 2 + 1;
        }
    }

    /// $Q_{il} = 1 - C_{il} - T\chi_{il}$, the violation of the fluctuation–dissipation theorem.
    #[inline]
    fn violation(&self, k: usize) -> f64 {
        1.0 - self.c[k] - self.temperature * self.x[k]
    }

    /// $\int_{t_{l-1}}^{t_l} g(C(t_i,s))R(t_i,s)ds$ with $R\\,ds = \beta(dC + dQ)$:
    /// the equilibrium part exactly, $\beta[G(C_{il}) - G(C_{i,l-1})]$ with $G' = g$,
    /// the violation by the trapezoid rule.
    #[inline]
    fn interval(&self, k: usize, antiderivative: (f64, f64), g: (f64, f64)) -> f64 {
        (antiderivative.1 - antiderivative.0
            + 0.5 * (g.0 + g.1) * (self.violation(k) - self.violation(k - 1)))
            / self.temperature
    }

    /// Fills $\xi'$, $\xi''$ and the weights $w_l$ of row `i`.
    fn cache_row(&mut self, i: usize) {
        let row = self.at(i, 0);
        for l in 0..=i {
            let c = self.c[row + l];
            self.first_row[l] = self.xi.first(c);
            self.second_row[l] = self.xi.second(c);
        }
        for l in 1..=i {
            self.weights[l] = self.weight(i, l);
        }
    }

    #[inline]
    fn weight(&self, i: usize, l: usize) -> f64 {
        let k = self.at(i, l);
        self.interval(
            k,
            (self.first_row[l - 1], self.first_row[l]),
            (self.second_row[l - 1], self.second_row[l]),
        )
    }

    /// $z_i = T + \int_0^{t_i}(\xi' + \xi''C)R\\,ds$ and $e_i = -\int_0^{t_i}\xi' R\\,ds$.
    fn lagrange_and_energy(&self, i: usize) -> (f64, f64) {
        let row = self.at(i, 0);
        let (mut z, mut e) = (self.temperature, 0.0);
        for l in 1..=i {
            let (c0, c1) = (self.c[row + l - 1], self.c[row + l]);
            let (one0, one1) = (self.first_row[l - 1], self.first_row[l]);
            z += self.interval(
                row + l,
                (c0 * one0, c1 * one1),
                (
                    one0 + self.second_row[l - 1] * c0,
                    one1 + self.second_row[l] * c1,
                ),
            );
            e -= self.interval(
                row + l,
                (self.xi.value(c0), self.xi.value(c1)),
                (one0, one1),
            );
        }
        (z, e)
    }

    /// Solves row `i` (rows below it known); returns the sweeps it took.
    fn solve_row(&mut self, i: usize) -> Result<usize, TheoryError> {
        let (n1, near) = (self.n + 1, self.near);
        let row = self.at(i, 0);
        // Within `near` steps of the diagonal the interval means are those of
        // the previous row shifted by one step: the fast part is stationary,
        // and these means keep what the finer grids resolved.
        for l in i + 1 - near..=i {
            let (k, previous) = (row + l, row - n1 + l - 1);
            self.cv[k] = self.cv[previous];
            self.xv[k] = self.xv[previous];
        }
        for j in i - near..i {
            let (k, previous) = (row + j, row - n1 + j - 1);
            self.ch[k] = self.ch[previous];
            self.xh[k] = self.xh[previous];
        }
        self.c[row + i] = 1.0;
        self.x[row + i] = 0.0;
        // First guess: stationary next to the diagonal, extrapolated further out.
        for j in 0..i {
            let k = row + j;
            if j + near >= i {
                self.c[k] = self.c[k - n1 - 1];
                self.x[k] = self.x[k - n1 - 1];
            } else {
                self.c[k] = 2.0 * self.c[k - n1] - self.c[k - 2 * n1];
                self.x[k] = 2.0 * self.x[k - n1] - self.x[k - 2 * n1];
            }
        }
        self.cache_row(i);
        // The sweep map G converges slowly where the ageing state is
        // marginally stable; Anderson mixing of its last iterates converges
        // in a few sweeps.
        let size = 2 * i;
        let mut mixing = AndersonMixing::new(6);
        let mut current = vec![0.0; size];
        let mut swept = vec![0.0; size];
        // The image of the iterate with the smallest change so far: where a
        // mixed iterate makes things worse, the mixing restarts from it.
        let mut best: (f64, Vec<f64>) = (f64::INFINITY, Vec::new());
        let mut sweeps = 0;
        loop {
            sweeps += 1;
            current[..i].copy_from_slice(&self.c[row..row + i]);
            current[i..].copy_from_slice(&self.x[row..row + i]);
            self.sweep(i);
            swept[..i].copy_from_slice(&self.c[row..row + i]);
            swept[i..].copy_from_slice(&self.x[row..row + i]);
            let change = current.iter().zip(&swept).fold(0.0f64, |most, (a, b)| {
                let d = (a - b).abs();
                if d.is_nan() { f64::NAN } else { most.max(d) }
            });
            if !change.is_finite() {
                return Err(TheoryError::NotConverged {
                    method: "Cugliandolo-Kurchan row",
                    iterations: sweeps,
                    residual: change,
                    tolerance: self.tolerance,
                    advice: "the integration diverged: use more grid points",
                });
            }
            if change <= self.tolerance {
                break;
            }
            if sweeps >= self.max_sweeps {
                return Err(TheoryError::NotConverged {
                    method: "Cugliandolo-Kurchan row",
                    iterations: sweeps,
                    residual: change,
                    tolerance: self.tolerance,
                    advice: "use more grid points or allow more sweeps",
                });
            }
            let next = if change > 100.0 * best.0 {
                mixing = AndersonMixing::new(6);
                best.1.clone()
            } else {
                if change < best.0 {
                    best = (change, swept.clone());
                }
                mixing.next(&current, &swept)
            };
            self.c[row..row + i].copy_from_slice(&next[..i]);
            self.x[row..row + i].copy_from_slice(&next[i..]);
            self.cache_row(i);
        }
        // Means of the new row and of the new column intervals away from the diagonal.
        for l in 1..=i - near {
            let k = row + l;
            self.cv[k] = forward_mean(self.c[k - 1], self.c[k], self.c[k + 1]);
            self.xv[k] = forward_mean(self.x[k - 1], self.x[k], self.x[k + 1]);
        }
        for j in 0..i - near {
            let k = row + j;
            self.ch[k] = backward_mean(self.c[k - 2 * n1], self.c[k - n1], self.c[k]);
            self.xh[k] = backward_mean(self.x[k - 2 * n1], self.x[k - n1], self.x[k]);
        }
        Ok(sweeps)
    }

    /// One Gauss–Seidel sweep over the columns of row `i`, from the diagonal
    /// down, with $z_i$ from the row as it stands.
    fn sweep(&mut self, i: usize) {
        let row = self.at(i, 0);
        let (z, _) = self.lagrange_and_energy(i);
        for j in (0..i).rev() {
            let (c_new, x_new) = self.column_update(i, j, z);
            self.c[row + j] = c_new;
            self.x[row + j] = x_new;
            self.first_row[j] = self.xi.first(c_new);
            self.second_row[j] = self.xi.second(c_new);
            if j >= 1 {
                self.weights[j] = self.weight(i, j);
            }
            self.weights[j + 1] = self.weight(i, j + 1);
        }
    }

    /// The new $C_{ij}$, $\chi_{ij}$ from the discretised equations at the
    /// current values of the row: BDF2 in $t$ (backward Euler next to the
    /// diagonal, where $C(t, t_{i-1})$ has its cusp), the memory integrals as
    /// sums of the weights $w_l$ against interval means of the slow factor.
    fn column_update(&self, i: usize, j: usize, z: f64) -> (f64, f64) {
        let n1 = self.n + 1;
        let h = self.step;
        let row = i * n1;
        let j_row = j * n1;
        let one = &self.first_row;
        let w = &self.weights;
        // ∫_0^{t_j} ξ'(C(t_i,s)) R(t_j,s) ds, by parts against the means of χ(t_j, ·).
        let mut first_integral = one[0] * self.x[j_row];
        for l in 1..=j {
            first_integral += (one[l] - one[l - 1]) * self.xv[j_row + l];
        }
        // ∫_0^{t_i} ξ''(C(t_i,s)) R(t_i,s) C(s,t_j) ds and ∫_{t_j}^{t_i} ξ'' R χ(s,t_j) ds.
        let mut second_integral: f64 = w[1..=j]
            .iter()
            .zip(&self.cv[j_row + 1..=j_row + j])
            .map(|(weight, mean)| weight * mean)
            .sum();
        let mut response_integral = 0.0;
        for (l, weight) in w.iter().enumerate().take(i).skip(j + 1) {
            let k = l * n1 + j;
            second_integral += weight * self.ch[k];
            response_integral += weight * self.xh[k];
        }
        // The newest interval, [t_{i-1}, t_i], of the column.
        let k = row + j;
        let (c_mean, x_mean) = if j + self.near >= i {
            (self.ch[k], self.xh[k])
        } else {
            (
                backward_mean(self.c[k - 2 * n1], self.c[k - n1], self.c[k]),
                backward_mean(self.x[k - 2 * n1], self.x[k - n1], self.x[k]),
            )
        };
        second_integral += w[i] * c_mean;
        response_integral += w[i] * x_mean;
        let (derivative, history_c, history_x) = if j + 1 == i {
            (1.0 / h, 1.0 / h, 0.0)
        } else {
            (
                1.5 / h,
                (2.0 * self.c[k - n1] - 0.5 * self.c[k - 2 * n1]) / h,
                (2.0 * self.x[k - n1] - 0.5 * self.x[k - 2 * n1]) / h,
            )
        };
        let denominator = derivative + z;
        (
            (history_c + first_integral + second_integral) / denominator,
            (history_x + 1.0 + response_integral) / denominator,
        )
    }

    /// Appends $e$, $z$ and the waiting-time columns of row `i`.
    fn record_row(&mut self, i: usize, waiting_times: &[f64], record: &mut Record) {
        self.cache_row(i);
        let (z, energy) = self.lagrange_and_energy(i);
        let time = i as f64 * self.step;
        record.one_time.push(OneTimePoint {
            time,
            energy,
            lagrange_multiplier: z,
        });
        for &tw in waiting_times {
            let j = tw / self.step;
            if tw <= time && j.fract() == 0.0 {
                let k = self.at(i, j as usize);
                record.two_time.push(TwoTimePoint {
                    waiting_time: tw,
                    time,
                    correlation: self.c[k],
                    integrated_response: self.x[k],
                });
            }
        }
    }

    /// Keeps every second time and doubles the step; the means of pairs of
    /// intervals are exact.
    fn contract(&mut self) {
        let half = self.n / 2;
        let n1 = self.n + 1;
        for i in 0..=half {
            for j in 0..=i {
                let (new, old) = (i * n1 + j, 2 * i * n1 + 2 * j);
                self.c[new] = self.c[old];
                self.x[new] = self.x[old];
                if j >= 1 {
                    self.cv[new] = 0.5 * (self.cv[old - 1] + self.cv[old]);
                    self.xv[new] = 0.5 * (self.xv[old - 1] + self.xv[old]);
                }
                if j < i {
                    self.ch[new] = 0.5 * (self.ch[old - n1] + self.ch[old]);
                    self.xh[new] = 0.5 * (self.xh[old - n1] + self.xh[old]);
                }
            }
        }
        self.step *= 2.0;
    }
}

/// Anderson mixing (type II) of a fixed-point map $G$: from the last `depth`
/// iterates $v_k$ and images $G(v_k)$, the next iterate
/// $G(v_k) - \sum_m\gamma_m\\,\Delta G_m$ with $\gamma$ minimising
/// $|f_k - \sum_m\gamma_m\Delta f_m|$, $f = G(v) - v$.
struct AndersonMixing {
    depth: usize,
    previous: Option<(Vec<f64>, Vec<f64>)>,
    /// Differences of residuals and of images, newest last.
    residual_differences: Vec<Vec<f64>>,
    image_differences: Vec<Vec<f64>>,
}

impl AndersonMixing {
    fn new(depth: usize) -> Self {
        Self {
            depth,
            previous: None,
            residual_differences: Vec::new(),
            image_differences: Vec::new(),
        }
    }

    fn next(&mut self, iterate: &[f64], image: &[f64]) -> Vec<f64> {
        let residual: Vec<f64> = image.iter().zip(iterate).map(|(g, v)| g - v).collect();
        if let Some((previous_residual, previous_image)) = self.previous.take() {
            self.residual_differences.push(
                residual
                    .iter()
                    .zip(&previous_residual)
                    .map(|(a, b)| a - b)
                    .collect(),
            );
            self.image_differences.push(
                image
                    .iter()
                    .zip(&previous_image)
                    .map(|(a, b)| a - b)
                    .collect(),
            );
            if self.residual_differences.len() > self.depth {
                self.residual_differences.remove(0);
                self.image_differences.remove(0);
            }
        }
        self.previous = Some((residual.clone(), image.to_vec()));
        let m = self.residual_differences.len();
        let mut next = image.to_vec();
        if m == 0 {
            return next;
        }
        // Normal equations (Delta f^T Delta f + small ridge) gamma = Delta f^T f.
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let differences = &self.residual_differences;
        let mut matrix =
            nalgebra::DMatrix::from_fn(m, m, |r, c| dot(&differences[r], &differences[c]));
        let right = nalgebra::DVector::from_fn(m, |r, _| dot(&differences[r], &residual));
        let scale = matrix.diagonal().max();
        if !(scale > 1e-280 && scale.is_finite()) {
            self.residual_differences.clear();
            self.image_differences.clear();
            return next;
        }
        for r in 0..m {
            matrix[(r, r)] += 1e-10 * scale;
        }
        let Some(gamma) = matrix.lu().solve(&right) else {
            self.residual_differences.clear();
            self.image_differences.clear();
            return next;
        };
        for (g, difference) in gamma.iter().zip(&self.image_differences) {
            for (value, d) in next.iter_mut().zip(difference) {
                *value -= g * d;
            }
        }
        if next.iter().all(|v| v.is_finite()) {
            next
        } else {
            self.residual_differences.clear();
            self.image_differences.clear();
            image.to_vec()
        }
    }
}
