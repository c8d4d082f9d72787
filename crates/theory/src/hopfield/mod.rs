//! The Hopfield network: the Amit–Gutfreund–Sompolinsky (AGS) replica-symmetric
//! theory, its phase diagram, and the capacity of dense associative memories.
//!
//! # Conventions
//!
//! $N$ spins $s_i = \pm1$, $P = \alpha N$ unbiased random patterns
//! $\xi^\mu_i = \pm1$, Hebbian couplings $J_{ij} = \frac1N\sum_\mu\xi^\mu_i\xi^\mu_j$
//! for $i \ne j$, $H = -\frac12\sum_{i\ne j}J_{ij}s_is_j$, temperature $T = 1/\beta$,
//! everything per spin. With the overlaps $m_\mu = \frac1N\sum_i\xi^\mu_is_i$,
//! $H = -\frac N2\sum_\mu m_\mu^2 + \frac P2$: the last term removes the
//! self-couplings and is the $\alpha/2$ in the free energy below.
//!
//! # The replica-symmetric free energy (AGS 1987)
//!
//! With one condensed pattern, $m$ its overlap, $q$ the Edwards–Anderson
//! parameter and $r = \frac1\alpha\sum_{\mu>1}N\langle m_\mu\rangle^2$ the noise of
//! the other patterns,
//!
//! $$ f = \frac\alpha2 + \frac{m^2}2 + \frac\alpha{2\beta}\left[\ln(1-\beta(1-q)) - \frac{\beta q}{1-\beta(1-q)}\right]
//! + \frac{\alpha\beta r}2(1-q) - T\,\mathbb E_z\ln 2\cosh\beta(m + \sqrt{\alpha r}\,z). $$
//!
//! Its stationarity gives the three saddle-point equations (with
//! $x = \beta(m + \sqrt{\alpha r}z)$, and Gaussian integration by parts
//! $\mathbb E\\,z\tanh x = \beta\sqrt{\alpha r}\\,\mathbb E\operatorname{sech}^2x$ for the $r$ derivative):
//!
//! $$ \partial_m f = m - \mathbb E\tanh x, \qquad
//! \partial_r f = \frac{\alpha\beta}2\left(\mathbb E\tanh^2x - q\right), \qquad
//! \partial_q f = \frac{\alpha\beta}2\left(\frac q{(1-\beta(1-q))^2} - r\right). $$
//!
//! The tests check these derivatives against finite differences of
//! [`free_energy_functional`], on and off the saddle point.
//!
//! **The constant $\alpha/2$.** It comes from excluding $i = j$, and it is
//! what AGS (Ann. Phys. 173, 30 (1987)) carry for the same Hamiltonian; the
//! paper could not be consulted while this was written, so the constant is
//! pinned by two checks that do not rely on quoting it: the energy vanishes
//! at infinite temperature ($u = -\frac\alpha2\beta/(1-\beta)$ in the
//! paramagnet), and for $\alpha \to \infty$ at fixed $T/\sqrt\alpha$ the
//! free energy tends to $\sqrt\alpha$ times the SK replica-symmetric one (the
//! couplings become Gaussian with variance $\alpha/N$), which needs exactly
//! this constant (tested against [`crate::sk::replica_symmetric()`]).
//!
//! # Stability: the replicon (AT line of the retrieval states)
//!
//! In the replicated free energy the uncondensed overlaps leave
//! $-\frac\alpha2\operatorname{Tr}\ln(1 - \beta Q)$ ($Q_{aa} = 1$, $Q_{ab} = q_{ab}$),
//! the coupling $-\alpha\beta^2\sum_{a<b}r_{ab}q_{ab}$ and the site term
//! $\ln\operatorname{Tr}_s\exp\big(\beta m\sum_as_a + \alpha\beta^2\sum_{a<b}r_{ab}s_as_b\big)$.
//! For replicon fluctuations ($\sum_b\delta q_{ab} = \sum_b\delta r_{ab} = 0$)
//! $(1-\beta Q)^{-1}$ acts as $1/(1-C)$, $C = \beta(1-q)$, and the
//! connected four-spin correlation of the site term has eigenvalue
//! $1 - 2\\,\mathbb E\tanh^2 x + \mathbb E\tanh^4 x = \mathbb E\operatorname{sech}^4x$.
//! Per replicon mode the second variation is therefore
//!
//! $$ \frac{\alpha\beta^2}{2(1-C)^2}\delta q^2 - \alpha\beta^2\,\delta q\,\delta r
//! + \frac{\alpha^2\beta^4}2\,\mathbb E\operatorname{sech}^4x\;\delta r^2, $$
//!
//! whose determinant is $\alpha^2\beta^4\left[\alpha\beta^2\\,\mathbb E\operatorname{sech}^4x/(1-C)^2 - 1\right]$.
//! The replica-symmetric state is stable while the **replicon**
//! $\lambda = 1 - \alpha\beta^2\\,\mathbb E\operatorname{sech}^4x/(1-C)^2$ is positive
//! (the condition of AGS 1987). Checks: at $q = 0$ it is
//! $1 - \alpha\beta^2/(1-\beta)^2$, which vanishes exactly at $T_g = 1 + \sqrt\alpha$
//! where the spin glass appears; for $\alpha \to \infty$ at fixed $T/\sqrt\alpha$
//! it becomes the SK replicon $1 - \beta'^2\\,\mathbb E\operatorname{sech}^4$ (both tested).
//! At $T \to 0$, $\beta^2\mathbb E\operatorname{sech}^4x \approx \frac43\beta\\,\varphi(m/\sigma)/\sigma$
//! diverges: every retrieval state is unstable at $T = 0$, but only below
//! an exponentially small $T_R(\alpha)$ (see [the phase diagram](mod@phase_diagram)).
//!
//! # What to call
//!
//! * [`capacity_at_temperature`]: $\alpha_c(T)$ and the state there
//!   ($\alpha_c(0) = 0.137\\,906$, $m = 0.967\\,42$); about a millisecond.
//! * [`retrieval_temperature`]: its inverse $T_M(\alpha)$.
//! * [`retrieval_state`], [`spin_glass_state`], [`paramagnetic_state`],
//!   [`saddle_points`], [`equilibrium_state`]: [`HopfieldState`]s at one $(\alpha, T)$.
//! * [`phase_diagram()`]: the four lines $T_g$, $T_M$, $T_c$, $T_R$ as [`PhaseDiagram`]
//!   (32 points per line in about a quarter of a second).
//! * [`dense`]: capacities of dense associative memories (polynomial and
//!   exponential interactions, log-sum-exp energies).

pub mod ags;
mod branches;
pub mod capacity;
pub mod dense;
pub mod phase_diagram;

pub use ags::{
    Branch, HopfieldState, equilibrium_state, free_energy_functional, paramagnetic_state,
    retrieval_state, saddle_points, spin_glass_state,
};
pub use capacity::{
    CapacityPoint, capacity_at_temperature, capacity_curve, largest_capacity, retrieval_temperature,
};
pub use phase_diagram::{
    PhaseDiagram, PhasePoint, almeida_thouless_alpha, almeida_thouless_end, almeida_thouless_line,
    glass_line, glass_temperature, global_minimum_alpha, global_minimum_line, phase_diagram,
    retrieval_line,
};
