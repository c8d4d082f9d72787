//! The $(\alpha, T)$ phase diagram of the Hopfield network in the
//! replica-symmetric theory (AGS 1987, their figure 1), line by line.
//!
//! * $T_g(\alpha) = 1 + \sqrt\alpha$: the paramagnet becomes unstable and the
//!   spin-glass solution appears. From the expansion of
//!   $q = \mathbb E\tanh^2(\beta\sigma z)$ at small $q$ with
//!   $\sigma^2 = \alpha q/(1-\beta)^2$: $q \approx \alpha\beta^2 q/(1-\beta)^2$.
//! * $T_M(\alpha)$: above it no retrieval state exists (the inverse of the
//!   capacity $\alpha_c(T)$). Starts at $(0, 1)$ and ends at $(0.1379, 0)$.
//!   It is slightly *re-entrant*: $\alpha_c(T)$ rises linearly from
//!   $0.137\\,906$ at $T = 0$ to a maximum $0.138\\,19$ near $T = 0.023$ before
//!   falling, so for $0.137\\,906 < \alpha < 0.138\\,19$ retrieval exists only in
//!   a window of temperatures (and [`super::retrieval_temperature`] returns the
//!   upper end). This comes out of the replica-symmetric equations, in the
//!   region where they are unstable (below $T_R$); the line is traced in $T$
//!   so that it shows.
//! * $T_c(\alpha)$: below it the retrieval states are the global minima of the
//!   free energy ($f_{\rm retrieval} < f_{\rm spin\ glass}$). Starts at
//!   $(0, 1)$ and ends at $\alpha = 0.0519$ at $T = 0$ (AGS: 0.051). It bulges
//!   slightly to $\alpha = 0.053$ near $T = 0.1$.
//! * $T_R(\alpha)$: the de Almeida–Thouless line of the retrieval states,
//!   below which their replicon is negative. Exponentially small at small
//!   $\alpha$ (at low $T$ the replicon term is $\approx \frac43\beta\alpha\\,\varphi(m/\sigma)/\sigma$
//!   with $m/\sigma \approx 1/\sqrt\alpha$), so $\ln T_R \approx -1/(2\alpha)$; it
//!   meets $T_M$ at a low temperature near $\alpha_c$ ([`almeida_thouless_end`]).
//!
//! Each line is a list of [`PhasePoint`]s from a function that takes the
//! number of points (the resolution). Lines traced in $T$ use the grid
//! $T_k = \sin^2(\frac\pi2 k/(n-1))$, dense at both ends; the AT line uses a
//! logarithmic grid in $T$ (see [`almeida_thouless_line`]).

use std::f64::consts::{FRAC_PI_2, PI};

use serde::Serialize;

use super::ags::Branch;
use super::branches::{
    RetrievalBranch, SpinGlassBranch, zero_temperature_point, zero_temperature_root_load,
};
use crate::error::{self, TheoryError};
use crate::numerics::brent;
use quench_core::ParameterError;

/// A point $(\alpha, T)$ of a phase boundary.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PhasePoint {
    /// Load $\alpha = P/N$.
    pub alpha: f64,
    /// Temperature.
    pub temperature: f64,
}

/// All four lines of the replica-symmetric phase diagram.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseDiagram {
    /// Points per line (the resolution asked for).
    pub points_per_line: usize,
    /// $T_g(\alpha) = 1 + \sqrt\alpha$ for $0 \le \alpha \le$ `glass_alpha_max`.
    pub glass: Vec<PhasePoint>,
    /// Largest load on the glass line.
    pub glass_alpha_max: f64,
    /// $T_M$: retrieval states exist to the left of / below this line.
    pub retrieval: Vec<PhasePoint>,
    /// $T_c$: retrieval states are global free-energy minima to the left of / below it.
    pub global_minimum: Vec<PhasePoint>,
    /// $T_R$: retrieval states are replica-symmetric-unstable below it.
    pub almeida_thouless: Vec<PhasePoint>,
    /// Where $T_R$ meets $T_M$ (the end of the AT line).
    pub almeida_thouless_end: PhasePoint,
}

fn check_points(points: usize) -> Result<usize, ParameterError> {
    if (2..=100_000).contains(&points) {
        Ok(points)
    } else {
        Err(ParameterError::new(
            "points",
            points,
            "an integer in 2..=100000",
        ))
    }
}

/// $T_k = \sin^2(\frac\pi2\\,k/(n-1))$, $k = 0, \dots, n-1$: dense near $T = 0$ and $T = 1$.
fn temperature_grid(points: usize) -> impl Iterator<Item = f64> {
    (0..points).map(move |k| {
        let s = (FRAC_PI_2 * k as f64 / (points - 1) as f64).sin();
        if k + 1 == points { 1.0 } else { s * s }
    })
}

/// The spin-glass temperature $T_g(\alpha) = 1 + \sqrt\alpha$.
pub fn glass_temperature(alpha: f64) -> Result<f64, TheoryError> {
    Ok(1.0 + super::ags::check_alpha(alpha)?.sqrt())
}

/// $T_g(\alpha)$ at `points` loads evenly spaced on $[0, \alpha_{max}]$.
pub fn glass_line(alpha_max: f64, points: usize) -> Result<Vec<PhasePoint>, TheoryError> {
    let alpha_max = super::ags::check_alpha(alpha_max)?;
    let points = check_points(points)?;
    (0..points)
        .map(|k| {
            let alpha = alpha_max * k as f64 / (points - 1) as f64;
            Ok(PhasePoint {
                alpha,
                temperature: glass_temperature(alpha)?,
            })
        })
        .collect()
}

/// $T_M$: the capacity $\alpha_c(T)$ on the grid $T_k = \sin^2(\frac\pi2 k/(n-1))$,
/// from $(\alpha_c(0), 0)$ to $(0, 1)$ (a few milliseconds per point).
pub fn retrieval_line(points: usize) -> Result<Vec<PhasePoint>, TheoryError> {
    let points = check_points(points)?;
    Ok(temperature_grid(points)
        .map(|temperature| PhasePoint {
            alpha: if temperature >= 1.0 {
                0.0
            } else {
                RetrievalBranch::new(temperature).spinodal().alpha
            },
            temperature,
        })
        .collect())
}

/// The load at which retrieval states stop being the global free-energy
/// minima at temperature $0 \le T < 1$: where the free energy of the
/// retrieval branch equals that of the spin-glass state at the same load.
///
/// $0.0519$ at $T = 0$ (AGS 1987: $\alpha \approx 0.051$), tending to 0 as $T \to 1$.
pub fn global_minimum_alpha(temperature: f64) -> Result<f64, TheoryError> {
    let temperature = error::temperature(temperature)?;
    if temperature >= 1.0 {
        return Err(ParameterError::new(
            "temperature",
            temperature,
            "a temperature in [0, 1) (the line ends at alpha = 0, T = 1)",
        )
        .into());
    }
    let branch = RetrievalBranch::new(temperature);
    let end = branch.spinodal();
    if temperature == 0.0 {
        // Along y = m / (sqrt 2 sigma): f_SG(alpha) = -1/pi - sqrt(2 alpha / pi) in closed form.
        let gap = |y: f64| {
            let point = zero_temperature_point(y);
            let f = point.state(point.alpha, Branch::Retrieval).free_energy;
            f + 1.0 / PI + (2.0 * point.alpha / PI).sqrt()
        };
        let y_end = end.m / (std::f64::consts::SQRT_2 * end.sigma);
        let mut y_high = 2.0 * y_end;
        while gap(y_high) > 0.0 {
            y_high *= 2.0;
        }
        let y = brent(gap, y_end, y_high, 1e-15).ok_or_else(|| no_crossing(temperature))?;
        let root_load = zero_temperature_root_load(y);
        return Ok(0.5 * root_load * root_load);
    }
    // The spin-glass branch exists at every load for T < 1.
    let glass = SpinGlassBranch::new(temperature);
    let gap = |m: f64| {
        let point = branch.point(m);
        let retrieval = point.state(point.alpha, Branch::Retrieval).free_energy;
        retrieval
            - glass
                .at_load(point.alpha)
                .state(point.alpha, Branch::SpinGlass)
                .free_energy
    };
    if gap(end.m) < 0.0 {
        return Err(no_crossing(temperature));
    }
    // Walk from the spinodal towards the Curie–Weiss end (load -> 0) for a sign change.
    let mut low = end.m;
    let mut high = None;
    for j in 1..16 {
        let m = end.m + (branch.top - end.m) * (1.0 - 0.5f64.powi(j));
        if gap(m) < 0.0 {
            high = Some(m);
            break;
        }
        low = m;
    }
    let high = high.ok_or_else(|| no_crossing(temperature))?;
    let m = brent(gap, low, high, 1e-13).ok_or_else(|| no_crossing(temperature))?;
    Ok(branch.point(m).alpha)
}

fn no_crossing(temperature: f64) -> TheoryError {
    TheoryError::NoSolution {
        what: "crossing of retrieval and spin-glass free energies",
        reason: format!("no sign change along the retrieval branch at T = {temperature}"),
    }
}

/// $T_c$: [`global_minimum_alpha`] on the grid $T_k = \sin^2(\frac\pi2 k/(n-1))$,
/// ending at the limit point $(0, 1)$.
pub fn global_minimum_line(points: usize) -> Result<Vec<PhasePoint>, TheoryError> {
    let points = check_points(points)?;
    temperature_grid(points)
        .map(|temperature| {
            Ok(PhasePoint {
                alpha: if temperature >= 1.0 {
                    0.0
                } else {
                    global_minimum_alpha(temperature)?
                },
                temperature,
            })
        })
        .collect()
}

/// Replicon of the retrieval state with overlap `m` at temperature $T > 0$.
fn retrieval_replicon(branch: &RetrievalBranch, m: f64) -> f64 {
    let point = branch.point(m);
    point
        .state(point.alpha, Branch::Retrieval)
        .replicon
        .unwrap_or(f64::NEG_INFINITY)
}

/// The load above which the retrieval states at temperature $T > 0$ are
/// unstable to replica-symmetry breaking (the AT line read as $\alpha_R(T)$).
///
/// Fails above [`almeida_thouless_end`], where retrieval states are stable
/// up to the capacity. Derivation of the replicon in the module docs.
pub fn almeida_thouless_alpha(temperature: f64) -> Result<f64, TheoryError> {
    let temperature = error::positive_temperature(temperature)?;
    if temperature >= 1.0 {
        return Err(stable_up_to_capacity(temperature));
    }
    let branch = RetrievalBranch::new(temperature);
    let end = branch.spinodal();
    if retrieval_replicon(&branch, end.m) >= 0.0 {
        return Err(stable_up_to_capacity(temperature));
    }
    let m = brent(|m| retrieval_replicon(&branch, m), end.m, branch.top, 1e-14)
        .ok_or_else(|| stable_up_to_capacity(temperature))?;
    Ok(branch.point(m).alpha)
}

fn stable_up_to_capacity(temperature: f64) -> TheoryError {
    TheoryError::NoSolution {
        what: "de Almeida–Thouless instability of the retrieval states",
        reason: format!(
            "at T = {temperature} the retrieval states are replica-symmetric-stable up to the capacity"
        ),
    }
}

/// Where the AT line of the retrieval states meets the $T_M$ line: the
/// temperature at which the retrieval state at the capacity is marginal.
pub fn almeida_thouless_end() -> Result<PhasePoint, TheoryError> {
    let marginal = |t: f64| {
        let branch = RetrievalBranch::new(t);
        retrieval_replicon(&branch, branch.spinodal().m)
    };
    // Unstable at low T (the replicon diverges like -1/T), stable at T = 0.5.
    let (mut low, high) = (0.5, 0.5);
    while marginal(low) >= 0.0 {
        low *= 0.5;
        if low < 1e-8 {
            return Err(TheoryError::NoSolution {
                what: "end of the de Almeida–Thouless line",
                reason: "retrieval states at the capacity are stable down to T = 1e-8".into(),
            });
        }
    }
    let temperature = brent(marginal, low, high, 1e-12).ok_or_else(|| TheoryError::NoSolution {
        what: "end of the de Almeida–Thouless line",
        reason: "the replicon at the capacity does not change sign on (0, 0.5]".into(),
    })?;
    Ok(PhasePoint {
        alpha: RetrievalBranch::new(temperature).spinodal().alpha,
        temperature,
    })
}

/// $T_R$: [`almeida_thouless_alpha`] at `points` temperatures spaced
/// logarithmically over six decades below [`almeida_thouless_end`] (the line
/// falls like $e^{-1/(2\alpha)}$, so six decades of $T$ cover loads from about
/// $0.03$ to the end point), ending at the end point.
pub fn almeida_thouless_line(points: usize) -> Result<Vec<PhasePoint>, TheoryError> {
    let points = check_points(points)?;
    let end = almeida_thouless_end()?;
    let mut line = (0..points - 1)
        .map(|k| {
            let temperature =
                end.temperature * 10f64.powf(-6.0 * (1.0 - k as f64 / (points - 1) as f64));
            Ok(PhasePoint {
                alpha: almeida_thouless_alpha(temperature)?,
                temperature,
            })
        })
        .collect::<Result<Vec<_>, TheoryError>>()?;
    line.push(end);
    Ok(line)
}

/// The whole replica-symmetric phase diagram with `points_per_line` points
/// on each line; the glass line runs to $\alpha = 0.16$.
pub fn phase_diagram(points_per_line: usize) -> Result<PhaseDiagram, TheoryError> {
    let points = check_points(points_per_line)?;
    let glass_alpha_max = 0.16;
    let almeida_thouless = almeida_thouless_line(points)?;
    let almeida_thouless_end = *almeida_thouless.last().expect("at least two points");
    Ok(PhaseDiagram {
        points_per_line: points,
        glass: glass_line(glass_alpha_max, points)?,
        glass_alpha_max,
        retrieval: retrieval_line(points)?,
        global_minimum: global_minimum_line(points)?,
        almeida_thouless,
        almeida_thouless_end,
    })
}
