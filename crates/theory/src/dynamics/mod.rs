//! Dynamical mean-field theory of the spherical $p$-spin glass: the
//! Cugliandolo–Kurchan equations after a quench, their equilibrium limit,
//! and the asymptotic ageing solution.
//!
//! ## The model and its dynamics
//!
//! $N$ real spins on the sphere $\sum_i s_i^2 = N$ with the Gaussian energy of
//! [`crate::pspin`], $\mathbb E\\,H(s)H(s') = N\xi(s\cdot s'/N)$, where for a
//! mixture of orders ([`Covariance`])
//!
//! $$ \xi(q) = \frac12\sum_p a_p^2\\, q^p \qquad (\text{pure } p:\ \xi(q) = q^p/2), $$
//!
//! move by Langevin dynamics $\dot s_i = -\partial_i H - z(t)s_i + \eta_i$,
//! $\langle\eta_i(t)\eta_j(t')\rangle = 2T\delta_{ij}\delta(t-t')$, the Lagrange
//! multiplier $z(t)$ holding the constraint, from a uniformly random start
//! (a quench from infinite temperature to $T$ at $t = 0$). As $N\to\infty$ the
//! correlation $C(t,t') = s(t)\cdot s(t')/N$ and the response
//! $R(t,t') = \sum_i \delta s_i(t)/\delta h_i(t')/N$ obey, for $t > t'$
//! (Cugliandolo and Kurchan, PRL 71, 173 (1993)),
//!
//! $$ \partial_t C(t,t') = -z(t)C(t,t') + \int_0^{t'}\\!ds\,\xi'(C(t,s))R(t',s) +
//!    \int_0^{t}\\!ds\,\xi''(C(t,s))R(t,s)C(s,t'), $$
//! $$ \partial_t R(t,t') = -z(t)R(t,t') + \int_{t'}^{t}\\!ds\\,\xi''(C(t,s))R(t,s)R(s,t'), $$
//! $$ z(t) = T + \int_0^t ds\\,\big[\xi'(C(t,s)) + \xi''(C(t,s))C(t,s)\big]R(t,s), $$
//!
//! with $C(t,t) = 1$ and $R(t,t^+) = 1$. The energy per spin is
//! $e(t) = -\int_0^t ds\\,\xi'(C(t,s))R(t,s)$. [`quench`] integrates them
//! for the correlation and the *integrated* response
//! $\chi(t,t_w) = \int_{t_w}^t R(t,s)\\,ds$ (the response to a constant field
//! switched on at $t_w$), which obeys
//! $\partial_t\chi(t,t') = 1 - z(t)\chi(t,t') + \int_{t'}^t du\\,\xi''(C(t,u))R(t,u)\chi(u,t')$.
//!
//! ## Equilibrium (above $T_d$) and ageing (below)
//!
//! At long times above the dynamic temperature $T_d$ the solution becomes
//! time-translation invariant and obeys the fluctuation–dissipation theorem
//! $R(\tau) = -\beta\\,\partial_\tau C(\tau)$, so that $\chi = \beta(1 - C)$,
//! $e = -\beta\xi(1)$ and
//!
//! $$ \partial_\tau C(\tau) = -T\\,C(\tau) - \beta\int_0^\tau ds\\,\xi'(C(\tau - s))\\,\partial_s C(s), $$
//!
//! solved by [`equilibrium`]. As $T\to T_d^+$ its plateau tends to $q_d$ of
//! [`crate::pspin::spherical_p_spin`] and its relaxation time diverges.
//! Below $T_d$ the system never equilibrates: it ages, with the
//! Cugliandolo–Kurchan (weak ergodicity breaking) solution ([`ageing`], pure $p$):
//! $C(t_w+\tau, t_w)$ falls fast to the plateau $q$ given by marginality,
//! $\xi''(q)(1-q)^2 = T^2$, then slowly on a scale that grows with $t_w$; in
//! that ageing regime $\chi$ against $C$ has slope $-\beta x$ with
//! $x = (p-2)(1-q)/q$, and the energy tends to
//! $e_\infty = -\beta[\xi(1) - (1-x)\xi(q)]$, above the equilibrium energy,
//! which at $T\to0$ is the threshold energy $-\sqrt{2(p-1)/p}$.
//!
//! ## Numerics
//!
//! [`quench`] integrates on a two-time grid of $n$ points per block whose
//! step doubles whenever it fills (after Kim and Latz, Europhys. Lett. 53,
//! 660 (2001)), so that $t = 10^4$ costs about a second at $n = 256$. The
//! memory integrals are split by the fluctuation–dissipation theorem,
//! $R\\,ds = \beta(dC + dQ)$ with $Q = 1 - C - T\chi$: the fast equilibrium-like
//! decay integrates exactly at any step, only the slow violation $Q$ is a
//! quadrature. Each new time is implicit (BDF2), solved by Gauss–Seidel
//! sweeps with Anderson mixing. The step at time $t$ is $t/n$ to $2t/n$, so the
//! microscopic decay of $C(t_w+\tau, t_w)$ for $\tau$ below it is not resolved
//! at late $t_w$; the slow dynamics, $e(t)$ and $z(t)$ are. The result carries
//! the difference from the same integration on $n/2$ points as its error
//! estimate ([`QuenchDynamics::discretisation`]; about first order in $h/t$),
//! checked in the tests against the exact solution of the $p = 2$ model
//! (Cugliandolo and Dean, J. Phys. A 28, 4213 (1995)). $T > 0$ only: the
//! splitting divides by $T$.
//!
//! [`equilibrium`] solves the one-time equation on a doubling grid (Fuchs,
//! Götze, Hofacker and Latz, J. Phys.: Condens. Matter 3, 5047 (1991)) to
//! $\tau = 10^{12}$ in milliseconds.

mod anderson;
mod equilibrium;
mod grid;
mod two_time;

#[cfg(test)]
mod tests;

pub use equilibrium::{EquilibriumDynamics, EquilibriumPoint, equilibrium};
pub use two_time::{
    DiscretisationError, GridOptions, OneTimePoint, QuenchDynamics, TwoTimePoint, quench,
};

use serde::Serialize;

use crate::error::TheoryError;
use crate::numerics::brent;
use quench_core::ParameterError;

/// The covariance $\xi(q) = \frac12\sum_p a_p^2 q^p$ of a (mixed) spherical $p$-spin energy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Covariance {
    /// The terms $(p, a_p)$, orders increasing.
    terms: Vec<(u32, f64)>,
}

impl Covariance {
    /// The pure $p$-spin model, $\xi(q) = q^p/2$ ($2 \le p \le 64$; $p = 2$ is spherical SK).
    pub fn pure(p: u32) -> Result<Self, ParameterError> {
        Self::mixture(&[(p, 1.0)])
    }

    /// A mixture $H = \sum_p a_p H_p$ of independent pure energies, given as `(p, a_p)`.
    pub fn mixture(terms: &[(u32, f64)]) -> Result<Self, ParameterError> {
        if terms.is_empty() {
            return Err(ParameterError::new(
                "mixture",
                "[]",
                "at least one order p with its coefficient a_p",
            ));
        }
        let mut sorted: Vec<(u32, f64)> = Vec::with_capacity(terms.len());
        for &(p, a) in terms {
            if !(2..=64).contains(&p) {
                return Err(ParameterError::new("p", p, "an integer in 2..=64"));
            }
            if !a.is_finite() || a <= 0.0 {
                return Err(ParameterError::new(
                    "a_p",
                    a,
                    "a finite coefficient > 0 (leave an order out instead of giving it 0)",
                ));
            }
            if sorted.iter().any(|&(q, _)| q == p) {
                return Err(ParameterError::new(
                    "p",
                    p,
                    "each order at most once in a mixture",
                ));
            }
            sorted.push((p, a));
        }
        sorted.sort_by_key(|&(p, _)| p);
        Ok(Self { terms: sorted })
    }

    /// The terms $(p, a_p)$.
    pub fn terms(&self) -> &[(u32, f64)] {
        &self.terms
    }

    /// The order when the model is pure.
    pub fn pure_order(&self) -> Option<u32> {
        match self.terms.as_slice() {
            [(p, a)] if *a == 1.0 => Some(*p),
            _ => None,
        }
    }

    /// $\xi(q)$.
    pub fn value(&self, q: f64) -> f64 {
        self.terms
            .iter()
            .map(|&(p, a)| 0.5 * a * a * q.powi(p as i32))
            .sum()
    }

    /// $\xi'(q)$.
    pub fn first(&self, q: f64) -> f64 {
        self.terms
            .iter()
            .map(|&(p, a)| 0.5 * a * a * f64::from(p) * q.powi(p as i32 - 1))
            .sum()
    }

    /// $\xi''(q)$.
    pub fn second(&self, q: f64) -> f64 {
        self.terms
            .iter()
            .map(|&(p, a)| 0.5 * a * a * f64::from(p * (p - 1)) * q.powi(p as i32 - 2))
            .sum()
    }

    /// A short label such as `3` or `2+4`.
    pub fn label(&self) -> String {
        let orders: Vec<String> = self.terms.iter().map(|(p, _)| p.to_string()).collect();
        orders.join("+")
    }
}

/// The Cugliandolo–Kurchan asymptotic ageing state of the pure spherical $p$-spin model below $T_d$.
#[derive(Debug, Clone, Serialize)]
pub struct AgeingAsymptotics {
    /// Order $p$.
    pub p: u32,
    /// Temperature $T < T_d$.
    pub temperature: f64,
    /// Plateau (Edwards–Anderson parameter of the threshold states), $\xi''(q)(1-q)^2 = T^2$, $q \ge (p-2)/p$.
    pub plateau: f64,
    /// Fluctuation–dissipation ratio in the ageing regime, $x = (p-2)(1-q)/q$.
    pub fluctuation_dissipation_ratio: f64,
    /// Asymptotic energy per spin, $e_\infty = -\beta[\xi(1) - (1-x)\xi(q)]$.
    pub energy: f64,
    /// Asymptotic Lagrange multiplier $z_\infty = T + \beta[\xi'(1) - (1-x)q\\,\xi'(q)]$.
    pub lagrange_multiplier: f64,
}

/// The asymptotic ageing solution of the pure spherical $p$-spin model after
/// a quench to $0 < T < T_d$ (Cugliandolo–Kurchan 1993).
pub fn ageing(p: u32, temperature: f64) -> Result<AgeingAsymptotics, TheoryError> {
    let thresholds = crate::pspin::spherical_p_spin(p)?;
    let t = crate::error::positive_temperature(temperature)?;
    if t >= thresholds.dynamic_temperature {
        return Err(TheoryError::NoSolution {
            what: "ageing state",
            reason: format!(
                "T = {t} is not below the dynamic temperature T_d = {:.6} of the {p}-spin model: the dynamics equilibrates",
                thresholds.dynamic_temperature
            ),
        });
    }
    let xi = Covariance::pure(p)?;
    let marginality = |q: f64| xi.second(q) * (1.0 - q).powi(2) - t * t;
    let low = (f64::from(p) - 2.0) / f64::from(p);
    let plateau = brent(marginality, low, 1.0, 1e-15).ok_or_else(|| TheoryError::NoSolution {
        what: "marginal plateau",
        reason: format!("no root of xi''(q)(1-q)^2 = T^2 in [{low}, 1) at T = {t}"),
    })?;
    let x = (f64::from(p) - 2.0) * (1.0 - plateau) / plateau;
    let beta = 1.0 / t;
    Ok(AgeingAsymptotics {
        p,
        temperature: t,
        plateau,
        fluctuation_dissipation_ratio: x,
        energy: -beta * (xi.value(1.0) - (1.0 - x) * xi.value(plateau)),
        lagrange_multiplier: t + beta * (xi.first(1.0) - (1.0 - x) * plateau * xi.first(plateau)),
    })
}

/// The largest solution of the equilibrium ($m = 1$) plateau equation
/// $\beta^2\xi'(q)(1-q) = q$: the long-time limit of the equilibrium
/// correlation inside a state below $T_d$ (0 above $T_d$).
pub fn equilibrium_plateau(covariance: &Covariance, temperature: f64) -> Result<f64, TheoryError> {
    let t = crate::error::positive_temperature(temperature)?;
    let beta2 = 1.0 / (t * t);
    let g = |q: f64| beta2 * covariance.first(q) * (1.0 - q) - q;
    // Scan down from q = 1 for the first sign change (g(1) = -1 < 0).
    let points = 4000;
    let mut upper = 1.0;
    for k in (1..points).rev() {
        let q = f64::from(k) / f64::from(points);
        if g(q) > 0.0 {
            return brent(g, q, upper, 1e-15).ok_or_else(|| TheoryError::NoSolution {
                what: "equilibrium plateau",
                reason: format!("the bracket [{q}, {upper}] lost its root"),
            });
        }
        upper = q;
    }
    Ok(0.0)
}
