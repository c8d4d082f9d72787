//! The storage capacity $\alpha_c(T)$ and its inverse, the retrieval
//! temperature $T_M(\alpha)$.
//!
//! $\alpha_c(T)$ is the largest load at which the retrieval saddle point
//! exists: the maximum of the load $\alpha(m)$ along the retrieval branch
//! (see [`super::ags`]), a saddle-node where the stable retrieval state
//! merges with its unstable partner and $m$ jumps to 0. At $T = 0$ it is the
//! maximum of $\sqrt{2\alpha} = \operatorname{erf}(y)/y - \frac2{\sqrt\pi}e^{-y^2}$,
//! located by Brent's method on the derivative:
//! $\alpha_c(0) = 0.137\\,906$, $m = 0.967\\,42$ (AGS 1985 quote 0.138 and 0.967).
//! At $T > 0$ Brent's minimiser finds the maximum of $\alpha(m)$ in a few
//! milliseconds; the overlap at the maximum is located to about
//! $10^{-7}$ (the load itself to round-off, the maximum being quadratic).

use serde::Serialize;

use super::ags::{Branch, BranchPoint, HopfieldState, check_alpha};
use super::branches::RetrievalBranch;
use crate::error::{self, TheoryError};
use crate::numerics::{brent, minimise_bounded};

/// The end of the retrieval branch at one temperature: the capacity and the
/// state the network is in just before retrieval is lost.
///
/// This is what `quench theory hopfield --temperature T --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct CapacityPoint {
    /// Temperature $T$ ($0 \le T < 1$).
    pub temperature: f64,
    /// Capacity $\alpha_c(T)$: retrieval states exist for $\alpha \le \alpha_c$.
    pub alpha_c: f64,
    /// Overlap with the retrieved pattern at $\alpha_c$ (it drops to 0 beyond).
    pub m: f64,
    /// Edwards–Anderson order parameter at $\alpha_c$.
    pub q: f64,
    /// Noise parameter $r$ at $\alpha_c$ (local-field variance $\alpha_c r$).
    pub r: f64,
    /// $C = \beta(1-q)$ at $\alpha_c$.
    pub susceptibility: f64,
    /// Fraction of wrong bits in the retrieved pattern, $(1-m)/2$.
    pub error_fraction: f64,
    /// Free energy per spin of the retrieval state at $\alpha_c$.
    pub free_energy: f64,
    /// Energy per spin of the retrieval state at $\alpha_c$.
    pub energy: f64,
    /// Entropy per spin of the retrieval state at $\alpha_c$.
    pub entropy: f64,
    /// Replicon eigenvalue there (`None` at $T = 0$, where it is $-\infty$).
    pub replicon: Option<f64>,
    /// Whether the replica-symmetric retrieval state is stable there
    /// (false below $T = 0.0251$, where the AT line meets the $T_M$ line,
    /// and so always at $T = 0$).
    pub stable: bool,
}

impl CapacityPoint {
    fn from_point(point: &BranchPoint) -> Self {
        let state: HopfieldState = point.state(point.alpha, Branch::Retrieval);
        Self {
            temperature: state.temperature,
            alpha_c: state.alpha,
            m: state.m,
            q: state.q,
            r: state.r,
            susceptibility: state.susceptibility,
            error_fraction: 0.5 * (1.0 - state.m),
            free_energy: state.free_energy,
            energy: state.energy,
            entropy: state.entropy,
            replicon: state.replicon,
            stable: state.stable,
        }
    }
}

/// The storage capacity $\alpha_c(T)$ of the Hopfield network at temperature
/// $0 \le T < 1$ and the retrieval state there (replica-symmetric theory).
///
/// $\alpha_c(0) = 0.1379$ with $m = 0.9673$; $\alpha_c \to 0$ as $T \to 1$.
/// Takes milliseconds (microseconds at $T = 0$).
pub fn capacity_at_temperature(temperature: f64) -> Result<CapacityPoint, TheoryError> {
    let temperature = error::temperature(temperature)?;
    if temperature >= 1.0 {
        return Err(TheoryError::NoSolution {
            what: "Hopfield capacity",
            reason: format!(
                "T = {temperature}: retrieval states exist only for T < 1 (alpha_c vanishes at T = 1)"
            ),
        });
    }
    Ok(CapacityPoint::from_point(
        &RetrievalBranch::new(temperature).spinodal(),
    ))
}

/// The capacity at each of `temperatures` (for overlays).
pub fn capacity_curve(temperatures: &[f64]) -> Result<Vec<CapacityPoint>, TheoryError> {
    temperatures
        .iter()
        .map(|&t| capacity_at_temperature(t))
        .collect()
}

/// The retrieval temperature $T_M(\alpha)$: the temperature above which
/// retrieval states no longer exist at load $\alpha$ (the inverse of
/// $\alpha_c(T)$), with the state at that point.
///
/// $T_M(0) = 1$ (Curie–Weiss), $T_M(\alpha_c(0)) = 0$. For
/// $0.137\\,906 < \alpha \le 0.138\\,19$ the replica-symmetric $T_M$ line is
/// re-entrant (see [the phase diagram](mod@super::phase_diagram)): retrieval then exists between a
/// lower and an upper temperature, and this returns the upper one. Brent's
/// method on $\alpha_c(T) - \alpha$: tens of milliseconds.
pub fn retrieval_temperature(alpha: f64) -> Result<CapacityPoint, TheoryError> {
    let alpha = check_alpha(alpha)?;
    let capacity = |t: f64| {
        if t >= 1.0 {
            0.0
        } else {
            RetrievalBranch::new(t).spinodal().alpha
        }
    };
    // Inside the re-entrant window the root is bracketed from the peak of alpha_c(T).
    let low = if alpha > capacity(0.0) {
        let peak = largest_capacity()?;
        if alpha > peak.alpha_c {
            return Err(TheoryError::NoSolution {
                what: "Hopfield retrieval temperature",
                reason: format!(
                    "alpha = {alpha} is above the largest capacity {:.6} (reached at T = {:.4}): no retrieval at any temperature",
                    peak.alpha_c, peak.temperature
                ),
            });
        }
        peak.temperature
    } else {
        0.0
    };
    if alpha == 0.0 {
        // Curie–Weiss at its critical point: m = q = r = 0, C = 1, f = -ln 2.
        let ln2 = std::f64::consts::LN_2;
        return Ok(CapacityPoint {
            temperature: 1.0,
            alpha_c: 0.0,
            m: 0.0,
            q: 0.0,
            r: 0.0,
            susceptibility: 1.0,
            error_fraction: 0.5,
            free_energy: -ln2,
            energy: 0.0,
            entropy: ln2,
            replicon: Some(1.0),
            stable: true,
        });
    }
    let temperature =
        brent(|t| capacity(t) - alpha, low, 1.0, 1e-12).ok_or_else(|| TheoryError::NoSolution {
            what: "Hopfield retrieval temperature",
            reason: format!("alpha_c(T) - alpha has no sign change on [0, 1] at alpha = {alpha}"),
        })?;
    capacity_at_temperature(temperature)
}

/// The largest capacity over all temperatures: the tip of the re-entrant
/// $T_M$ line, $\alpha_c = 0.138\\,19$ at $T = 0.023$ (Brent's minimiser on
/// $-\alpha_c(T)$ over $[0, 0.1]$, $T$ to $10^{-6}$; about 20 ms).
pub fn largest_capacity() -> Result<CapacityPoint, TheoryError> {
    let (temperature, _) = minimise_bounded(
        |t| -RetrievalBranch::new(t).spinodal().alpha,
        0.0,
        0.1,
        1e-6,
    );
    capacity_at_temperature(temperature)
}
