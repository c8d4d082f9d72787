//! The replica-symmetric saddle points of the Hopfield model (AGS 1987) at
//! any load $\alpha$ and temperature $T$.
//!
//! # How the equations are solved
//!
//! The three equations
//! $m = \mathbb E_z\tanh x$, $q = \mathbb E_z\tanh^2 x$, $r = q/(1-C)^2$ with
//! $x = \beta(m + \sigma z)$, $\sigma = \sqrt{\alpha r}$ and $C = \beta(1-q)$
//! are not iterated. Fixed-point iteration slows down without bound at the
//! saddle-node where the retrieval branch ends (that is the capacity), and a
//! Newton step needs a starting point on the right branch. Instead each
//! branch is parametrised so that the load comes out explicitly:
//!
//! * **Retrieval** ($m > 0$) at fixed $T$ is parametrised by $m$ itself. For
//!   $0 < m < m_{CW}(T)$ (the Curie–Weiss overlap) the equation
//!   $m = \mathbb E_z\tanh\beta(m + \sigma z)$ has exactly one root $\sigma(m)$,
//!   because its right side decreases in $\sigma$ from $\tanh\beta m > m$ to 0
//!   (found by Newton's method inside a bracket). Then $C = \beta\\,\mathbb E\operatorname{sech}^2 x$,
//!   $q = \mathbb E\tanh^2 x = 1 - TC$, and the third equation gives the load
//!   $\alpha(m) = \sigma^2(1-C)^2/q$. The curve $\alpha(m)$ vanishes at both
//!   ends ($C \to 1$ as $m \to 0$, $\sigma \to 0$ as $m \to m_{CW}$); its
//!   maximum is the capacity $\alpha_c(T)$, and the retrieval state at a
//!   load $\alpha < \alpha_c$ is the root of $\alpha(m) = \alpha$ on the large-$m$
//!   side of the maximum (the other root is the unstable partner of the
//!   saddle-node).
//! * **Spin glass** ($m = 0$) is parametrised by $\sigma$: $\alpha(\sigma)$ rises
//!   from 0 (where $C(\sigma) = 1$, for $T < 1$) or from $(T-1)^2$ (the
//!   $\sigma \to 0$ limit for $T \ge 1$) to infinity; the state at $\alpha$ is its root.
//!
//! Gaussian averages use Gauss–Legendre panels graded around the zero of
//! $x$ on the scale $T/\sigma$ (about 500 nodes), accurate to about
//! $10^{-14}$; when $T/\sigma$ is tiny the rounding of $m + \sigma z$ limits
//! them to a relative $10^{-16}\sigma/T$ ($10^{-10}$ at $T/\sigma = 10^{-6}$).
//! All low-temperature quantities are computed from $C$, never from $1 - q$,
//! so nothing cancels as $T \to 0$, where the closed forms below take over.
//! The tests cross-check the branch solvers against a plain damped
//! iteration of the three equations, away from the spinodal where it converges.
//!
//! # Thermodynamics
//!
//! With $C = \beta(1-q)$ the free energy (see the [parent module](super)) reads
//! $f = \frac\alpha2 + \frac{m^2}2 + \frac\alpha2\left[T\ln(1-C) - \frac q{1-C}\right] + \frac{\alpha rC}2 - T\\,\mathbb E\ln 2\cosh x$,
//! and, using the saddle-point equations,
//!
//! $$ u = -\frac{m^2}2 - \frac{\alpha C}2\left(\frac1{1-C} + r\right), \qquad
//! s = \mathbb E\left[\ln 2\cosh x - x\tanh x\right] - \frac\alpha2\left[\ln(1-C) + \frac C{1-C}\right]. $$
//!
//! At $T = 0$: $q = 1$, $m = \operatorname{erf} y$ with $y = m/(\sqrt2\sigma)$,
//! $C = \sqrt{2/\pi}\\,e^{-y^2}/\sigma$, $r = (1-C)^{-2}$, so that
//! $y\left(\sqrt{2\alpha} + \tfrac2{\sqrt\pi}e^{-y^2}\right) = \operatorname{erf} y$;
//! $f = u$, and the entropy $s = -\frac\alpha2[\ln(1-C) + C/(1-C)] < 0$ is the
//! (small) replica-symmetric error. The zero-temperature spin-glass state is
//! in closed form: $\sigma = \sqrt{2/\pi} + \sqrt\alpha$, $u = -1/\pi - \sqrt{2\alpha/\pi}$.

use std::f64::consts::{PI, SQRT_2};

use serde::Serialize;

use super::branches::{RetrievalBranch, SpinGlassBranch};
use crate::error::{self, TheoryError};
use crate::numerics::GaussianRule;
use quench_core::ParameterError;

/// Which replica-symmetric saddle point a state belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Branch {
    /// $m > 0$: the network sits near the condensed pattern.
    Retrieval,
    /// $m = 0$, $q > 0$: frozen, but uncorrelated with every pattern.
    SpinGlass,
    /// $m = q = r = 0$ (exists for $T > 1$, stable for $T > 1 + \sqrt\alpha$).
    Paramagnet,
}

/// One replica-symmetric saddle point of the Hopfield model at $(\alpha, T)$.
#[derive(Debug, Clone, Serialize)]
pub struct HopfieldState {
    /// Which saddle point this is.
    pub branch: Branch,
    /// Load $\alpha = P/N$.
    pub alpha: f64,
    /// Temperature $T \ge 0$.
    pub temperature: f64,
    /// Overlap with the condensed pattern, $m = \frac1N\sum_i\xi_i^1\langle s_i\rangle$.
    pub m: f64,
    /// Edwards–Anderson order parameter $q = \frac1N\sum_i\langle s_i\rangle^2$.
    pub q: f64,
    /// Noise from the uncondensed patterns, $r = \frac1\alpha\sum_{\mu>1}N\langle m_\mu\rangle^2$
    /// (the local field has variance $\alpha r$).
    pub r: f64,
    /// $C = \beta(1-q)$, the local susceptibility; finite at $T = 0$.
    pub susceptibility: f64,
    /// Free energy per spin $f$ (self-couplings excluded, see the module docs).
    pub free_energy: f64,
    /// Energy per spin $u$.
    pub energy: f64,
    /// Entropy per spin $s$ (slightly negative at $T = 0$: a replica-symmetric artefact).
    pub entropy: f64,
    /// Replicon eigenvalue $1 - \alpha\beta^2\\,\mathbb E\operatorname{sech}^4x/(1-C)^2$;
    /// `None` at $T = 0$, where it is $-\infty$ for every $\alpha > 0$.
    pub replicon: Option<f64>,
    /// Whether the replica-symmetric solution is stable (replicon $\ge 0$).
    pub stable: bool,
}

/// Gaussian averages over the site field $x = \beta(m + \sigma z)$.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SiteAverages {
    /// $\mathbb E\tanh^2 x$ (equal to $1 - TC$; computed directly, so precise also when small).
    pub overlap: f64,
    /// $C = \beta\\,\mathbb E\operatorname{sech}^2x$.
    pub susceptibility: f64,
    /// $T\\,\mathbb E\ln 2\cosh x$.
    pub log_partition: f64,
    /// $\mathbb E[\ln 2\cosh x - x\tanh x]$.
    pub site_entropy: f64,
    /// $\beta^2\\,\mathbb E\operatorname{sech}^4 x$ (infinite at $T = 0$).
    pub sech4: f64,
}

/// The quadrature rule for averages over $\beta(m + \sigma z)$, graded where it vanishes.
pub(crate) fn rule_for(temperature: f64, m: f64, sigma: f64) -> GaussianRule {
    GaussianRule::compact(-m / sigma, temperature / sigma)
}

/// $\tanh x$, $\operatorname{sech}^2 x$ and $\ln 2\cosh x$ from one exponential, without overflow.
pub(crate) fn hyperbolic(x: f64) -> (f64, f64, f64) {
    // e^{-2|x|} - 1, precise also for small |x|.
    let d = (-2.0 * x.abs()).exp_m1();
    let inverse = 1.0 / (2.0 + d);
    let tanh = (-d * inverse).copysign(x);
    (
        tanh,
        4.0 * (1.0 + d) * inverse * inverse,
        x.abs() + (2.0 + d).ln(),
    )
}

pub(crate) fn site_averages(temperature: f64, m: f64, sigma: f64) -> SiteAverages {
    if temperature == 0.0 {
        if sigma == 0.0 {
            return SiteAverages {
                overlap: 1.0,
                susceptibility: 0.0,
                log_partition: m.abs(),
                site_entropy: 0.0,
                sech4: f64::INFINITY,
            };
        }
        let y = m / (SQRT_2 * sigma);
        let gauss = (-y * y).exp();
        let erf = libm::erf(y);
        return SiteAverages {
            overlap: 1.0,
            susceptibility: (2.0 / PI).sqrt() * gauss / sigma,
            log_partition: m * erf + sigma * (2.0 / PI).sqrt() * gauss,
            site_entropy: 0.0,
            sech4: f64::INFINITY,
        };
    }
    let beta = 1.0 / temperature;
    if sigma == 0.0 {
        let x = beta * m;
        let (t, s2, lc) = hyperbolic(x);
        return SiteAverages {
            overlap: t * t,
            susceptibility: beta * s2,
            log_partition: temperature * lc,
            site_entropy: lc - x * t,
            sech4: beta * beta * s2 * s2,
        };
    }
    let rule = rule_for(temperature, m, sigma);
    let (mut tanh2, mut sech2, mut log_cosh, mut entropy, mut sech4) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&z, &w) in rule.nodes.iter().zip(&rule.weights) {
        let x = beta * (m + sigma * z);
        let (t, s2, lc) = hyperbolic(x);
        tanh2 += w * t * t;
        sech2 += w * s2;
        log_cosh += w * lc;
        entropy += w * (lc - x * t);
        sech4 += w * s2 * s2;
    }
    SiteAverages {
        overlap: tanh2,
        susceptibility: beta * sech2,
        log_partition: temperature * log_cosh,
        site_entropy: entropy,
        sech4: beta * beta * sech4,
    }
}

/// A point of a branch, parametrised by $(T, m, \sigma)$, with its load.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BranchPoint {
    pub temperature: f64,
    pub m: f64,
    pub sigma: f64,
    /// $q = \mathbb E\tanh^2 x$ ($= 1 - TC$).
    pub q: f64,
    /// The load for which this point solves the third equation, $\sigma^2(1-C)^2/q$.
    pub alpha: f64,
    pub averages: SiteAverages,
}

pub(crate) fn branch_point(temperature: f64, m: f64, sigma: f64) -> BranchPoint {
    let averages = site_averages(temperature, m, sigma);
    let c = averages.susceptibility;
    let q = averages.overlap;
    BranchPoint {
        temperature,
        m,
        sigma,
        q,
        alpha: sigma * sigma * (1.0 - c) * (1.0 - c) / q,
        averages,
    }
}

impl BranchPoint {
    /// The thermodynamic state at this point, for load `alpha` (equal to
    /// `self.alpha` up to the solver's round-off, except for the paramagnet
    /// where the load is free).
    pub(crate) fn state(&self, alpha: f64, branch: Branch) -> HopfieldState {
        let t = self.temperature;
        let c = self.averages.susceptibility;
        let (m, q) = (
            self.m,
            if branch == Branch::Paramagnet {
                0.0
            } else {
                self.q
            },
        );
        let r = q / ((1.0 - c) * (1.0 - c));
        let log_one_minus_c = (-c).ln_1p();
        let free_energy = 0.5 * alpha
            + 0.5 * m * m
            + 0.5 * alpha * (t * log_one_minus_c - q / (1.0 - c))
            + 0.5 * alpha * r * c
            - self.averages.log_partition;
        let energy = -0.5 * m * m - 0.5 * alpha * c * (1.0 / (1.0 - c) + r);
        let entropy = self.averages.site_entropy - 0.5 * alpha * (log_one_minus_c + c / (1.0 - c));
        let replicon =
            (t > 0.0).then(|| 1.0 - alpha * self.averages.sech4 / ((1.0 - c) * (1.0 - c)));
        HopfieldState {
            branch,
            alpha,
            temperature: t,
            m,
            q,
            r,
            susceptibility: c,
            free_energy,
            energy,
            entropy,
            replicon,
            stable: replicon.map_or(alpha == 0.0, |value| value >= 0.0),
        }
    }
}

pub(crate) fn check_alpha(alpha: f64) -> Result<f64, ParameterError> {
    if alpha.is_finite() && alpha >= 0.0 {
        Ok(alpha)
    } else {
        Err(ParameterError::new(
            "alpha",
            alpha,
            "a finite load P/N >= 0",
        ))
    }
}

fn no_retrieval(reason: String) -> TheoryError {
    TheoryError::NoSolution {
        what: "Hopfield retrieval state",
        reason,
    }
}

/// The retrieval state (the stable, large-$m$ root) at load $\alpha$ and
/// temperature $T$, or [`TheoryError::NoSolution`] above the capacity
/// $\alpha_c(T)$ or for $T \ge 1$.
///
/// At $\alpha = 0$ this is the Curie–Weiss state $m = \tanh\beta m$. Costs a
/// few milliseconds (the capacity is located first, to bracket the root).
pub fn retrieval_state(alpha: f64, temperature: f64) -> Result<HopfieldState, TheoryError> {
    let alpha = check_alpha(alpha)?;
    let temperature = error::temperature(temperature)?;
    if temperature >= 1.0 {
        return Err(no_retrieval(format!(
            "T = {temperature}: retrieval states exist only below T = 1 (and below T_M(alpha) < 1 for alpha > 0)"
        )));
    }
    let branch = RetrievalBranch::new(temperature);
    if alpha == 0.0 {
        return Ok(branch_point(temperature, branch.top, 0.0).state(0.0, Branch::Retrieval));
    }
    let end = branch.spinodal();
    if alpha > end.alpha {
        return Err(no_retrieval(format!(
            "alpha = {alpha} exceeds the capacity alpha_c(T = {temperature}) = {:.6}",
            end.alpha
        )));
    }
    Ok(branch.at_load(alpha, &end).state(alpha, Branch::Retrieval))
}

/// The spin-glass state ($m = 0$, $q > 0$) at load $\alpha > 0$ and
/// temperature $T$, or [`TheoryError::NoSolution`] above the spin-glass
/// transition (where the only saddle point is the paramagnet).
pub fn spin_glass_state(alpha: f64, temperature: f64) -> Result<HopfieldState, TheoryError> {
    let alpha = check_alpha(alpha)?;
    let temperature = error::temperature(temperature)?;
    if alpha == 0.0 {
        return Err(ParameterError::new(
            "alpha",
            alpha,
            "a load > 0 (without patterns there is no spin-glass state)",
        )
        .into());
    }
    if temperature == 0.0 {
        let sigma = (2.0 / PI).sqrt() + alpha.sqrt();
        return Ok(branch_point(0.0, 0.0, sigma).state(alpha, Branch::SpinGlass));
    }
    let branch = SpinGlassBranch::new(temperature);
    if alpha <= branch.onset {
        return Err(TheoryError::NoSolution {
            what: "Hopfield spin-glass state",
            reason: format!(
                "at T = {temperature} the spin-glass branch starts at alpha = {:.6}: the paramagnet is the only saddle point",
                branch.onset
            ),
        });
    }
    Ok(branch.at_load(alpha).state(alpha, Branch::SpinGlass))
}

/// The paramagnetic state $m = q = r = 0$: a saddle point only for $T > 1$
/// (where $1 - \beta > 0$), stable for $T > 1 + \sqrt\alpha$.
pub fn paramagnetic_state(alpha: f64, temperature: f64) -> Result<HopfieldState, TheoryError> {
    let alpha = check_alpha(alpha)?;
    let temperature = error::temperature(temperature)?;
    if temperature <= 1.0 {
        return Err(TheoryError::NoSolution {
            what: "Hopfield paramagnetic state",
            reason: format!(
                "T = {temperature}: the paramagnetic saddle needs T > 1 (1 - beta(1 - q) > 0 at q = 0)"
            ),
        });
    }
    Ok(branch_point(temperature, 0.0, 0.0).state(alpha, Branch::Paramagnet))
}

/// Every replica-symmetric saddle point at $(\alpha, T)$: retrieval (if
/// $\alpha \le \alpha_c(T)$), spin glass (if $T < 1 + \sqrt\alpha$),
/// paramagnet (if $T > 1$).
pub fn saddle_points(alpha: f64, temperature: f64) -> Result<Vec<HopfieldState>, TheoryError> {
    let keep = |result: Result<HopfieldState, TheoryError>| match result {
        Ok(state) => Ok(Some(state)),
        Err(TheoryError::NoSolution { .. }) => Ok(None),
        Err(error) => Err(error),
    };
    let mut states = Vec::new();
    states.extend(keep(retrieval_state(alpha, temperature))?);
    if alpha > 0.0 {
        states.extend(keep(spin_glass_state(alpha, temperature))?);
    }
    states.extend(keep(paramagnetic_state(alpha, temperature))?);
    Ok(states)
}

/// The thermodynamic state in the AGS sense: the paramagnet where no
/// spin-glass solution exists; otherwise the retrieval state where it exists
/// and has the lower free energy, else the spin glass.
///
/// (Free energies are not compared with the paramagnet below $T_g$: there,
/// as in SK, replica-symmetric free energies are maximised over $q$ and the
/// unstable paramagnet has the lower value.)
pub fn equilibrium_state(alpha: f64, temperature: f64) -> Result<HopfieldState, TheoryError> {
    let states = saddle_points(alpha, temperature)?;
    let find = |branch| states.iter().find(|s| s.branch == branch).cloned();
    Ok(match (find(Branch::Retrieval), find(Branch::SpinGlass)) {
        (Some(r), Some(g)) => {
            if r.free_energy < g.free_energy {
                r
            } else {
                g
            }
        }
        (Some(r), None) => r,
        (None, Some(g)) => g,
        (None, None) => {
            find(Branch::Paramagnet).expect("one saddle point exists at every (alpha, T)")
        }
    })
}

/// The replica-symmetric free-energy functional $f(m, q, r)$ at $T > 0$,
/// *off* the saddle point (the saddle-point equations are its stationarity
/// conditions). Needs $1 - \beta(1-q) > 0$ and $r \ge 0$.
pub fn free_energy_functional(
    alpha: f64,
    temperature: f64,
    m: f64,
    q: f64,
    r: f64,
) -> Result<f64, TheoryError> {
    let alpha = check_alpha(alpha)?;
    let temperature = error::positive_temperature(temperature)?;
    let m = error::finite("m", m)?;
    let beta = 1.0 / temperature;
    let d = 1.0 - beta * (1.0 - q);
    if !(q.is_finite() && (0.0..=1.0).contains(&q) && d > 0.0) {
        return Err(
            ParameterError::new("q", q, "a value in [0, 1] with 1 - beta (1 - q) > 0").into(),
        );
    }
    if !(r.is_finite() && r >= 0.0) {
        return Err(ParameterError::new("r", r, "a finite value >= 0").into());
    }
    let sigma = (alpha * r).sqrt();
    let log_partition = site_averages(temperature, m, sigma).log_partition;
    Ok(0.5 * alpha
        + 0.5 * m * m
        + 0.5 * alpha * temperature * (d.ln() - beta * q / d)
        + 0.5 * alpha * beta * r * (1.0 - q)
        - log_partition)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_temperature_spin_glass_closed_form() {
        // u = -1/pi - sqrt(2 alpha / pi) (derived in the module docs).
        for alpha in [0.01, 0.1, 1.0] {
            let state = spin_glass_state(alpha, 0.0).unwrap();
            let closed = -1.0 / PI - (2.0 * alpha / PI).sqrt();
            assert!((state.energy - closed).abs() < 1e-14, "{state:?}");
            assert!((state.free_energy - state.energy).abs() < 1e-14);
        }
    }

    #[test]
    fn paramagnet_closed_forms() {
        let (alpha, t) = (0.3, 2.0);
        let beta = 1.0 / t;
        let state = paramagnetic_state(alpha, t).unwrap();
        let f = 0.5 * alpha + 0.5 * alpha * t * (1.0 - beta).ln() - t * 2f64.ln();
        assert!((state.free_energy - f).abs() < 1e-14);
        assert!((state.energy + 0.5 * alpha * beta / (1.0 - beta)).abs() < 1e-14);
        assert!(
            (state.replicon.unwrap() - (1.0 - alpha * beta * beta / (1.0 - beta).powi(2))).abs()
                < 1e-14
        );
    }

    #[test]
    fn retrieval_branch_solves_the_equations() {
        for (alpha, t) in [(0.05, 0.2), (0.1, 0.05), (0.02, 0.7)] {
            let s = retrieval_state(alpha, t).unwrap();
            let sigma = (alpha * s.r).sqrt();
            let averages = site_averages(t, s.m, sigma);
            let beta = 1.0 / t;
            let mean = rule_for(t, s.m, sigma).expect(|z| (beta * (s.m + sigma * z)).tanh());
            assert!((mean - s.m).abs() < 1e-12, "{s:?}");
            assert!((1.0 - t * averages.susceptibility - s.q).abs() < 1e-12);
            assert!((s.r - s.q / (1.0 - s.susceptibility).powi(2)).abs() < 1e-12 * s.r);
        }
    }
}
