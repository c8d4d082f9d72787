//! Exact partition function of the finite periodic 2D Ising ferromagnet.
//!
//! For $H = -J \sum_{\langle ij \rangle} s_i s_j$ on an $m \times n$ square lattice
//! ($m$ = `rows`, $n$ = `columns`, $N = mn$ spins) with periodic boundary conditions in
//! both directions, $J = k_B = 1$ and no field, the Hamiltonian sums over the $2N$ bonds
//! $(x, y)$–$(x+1, y)$ and $(x, y)$–$(x, y+1)$ (coordinates modulo the side lengths; for
//! a side of length 2 every neighbour pair is therefore joined by two bonds). With
//! $K = \beta J$ Kaufman's result is
//!
//! $$Z = \tfrac12 (2 \sinh 2K)^{N/2} \sum_{i=1}^{4} Z_i,$$
//! $$Z_1 = \prod_{r=0}^{n-1} 2\cosh\tfrac{m \gamma_{2r+1}}{2},\quad
//!   Z_2 = \prod_{r=0}^{n-1} 2\sinh\tfrac{m \gamma_{2r+1}}{2},\quad
//!   Z_3 = \prod_{r=0}^{n-1} 2\cosh\tfrac{m \gamma_{2r}}{2},\quad
//!   Z_4 = \prod_{r=0}^{n-1} 2\sinh\tfrac{m \gamma_{2r}}{2},$$
//!
//! where $\cosh \gamma_l = \cosh 2K \coth 2K - \cos(\pi l / n)$ with $\gamma_l > 0$ for
//! $l \neq 0$, and $\gamma_0 = 2K + \ln \tanh K$, which is negative above $T_c$, zero at
//! $K_c = \tfrac12 \ln(1 + \sqrt 2)$ and positive below. Hence $Z_4$ is negative for
//! $T > T_c$ and vanishes at $T_c$ (while $\partial_K Z_4$ does not); the code keeps
//! track of that sign. The products run along the rows ($n$ factors) and $m$ enters
//! only the arguments, so rectangular lattices are supported; since the coupling is
//! isotropic, $Z(m, n) = Z(n, m)$.
//!
//! # Numerics
//!
//! Everything is evaluated in logarithms with a signed sum of the four terms (no
//! overflow for any size). $u$ and $c$ come from analytic $K$-derivatives of the
//! $\gamma_l$ ($\sinh\gamma_l\\,\gamma_l' = \partial_K(\cosh 2K \coth 2K)$, ...), not from
//! finite differences. Each factor is split as $e^{m v_l/2}(1 \pm e^{-m\gamma_l})$ and
//! the large parts are cancelled analytically: for $\sinh 2K < 1/2$,
//! $v_l = \gamma_l + \ln\tanh K$ (the prefactor becomes $(2\cosh K)^N$); for
//! $\sinh 2K > 2$, the part $-4\cos(\pi l/n)/\sinh 2K$ of $\gamma_l''$ (which sums to
//! zero over the modes) is dropped. Accuracy (checked against enumeration and series):
//! $\ln Z$ $\sim 10^{-15}$ relative; $u$ $\sim 10^{-15}$ relative, or absolute for
//! $\beta \ll 1$; $c$ $\lesssim 10^{-12}$ relative for $\beta \le 2.5$, but at low $T$,
//! where $c \sim e^{-8\beta}$ is the remainder of $O(e^{-4\beta})$ terms, its absolute
//! error is $\sim 10^{-16}\beta^2 e^{-4\beta}$ (relative $10^{-10}$ at $\beta = 4$,
//! $10^{-6}$ at $\beta = 6$; for $\beta \gtrsim 10$ it may come out as $\pm 10^{-30}$).
//! $\beta$ must lie in [[`MIN_BETA`], [`MAX_BETA`]] ($\sinh 2K$ must stay finite).
//!
//! References: B. Kaufman, Phys. Rev. **76**, 1232 (1949);
//! A. E. Ferdinand and M. E. Fisher, Phys. Rev. **185**, 832 (1969);
//! P. D. Beale, Phys. Rev. Lett. **76**, 78 (1996).

use serde::{Deserialize, Serialize};
use std::f64::consts::{LN_2, PI};

/// Inverse critical temperature of the infinite lattice, $\beta_c = \tfrac12\ln(1+\sqrt2)$.
pub const CRITICAL_BETA: f64 = 0.440_686_793_509_771_5;

/// Smallest accepted inverse temperature.
pub const MIN_BETA: f64 = 1e-100;

/// Largest accepted inverse temperature ($\sinh 2K$ must stay finite).
pub const MAX_BETA: f64 = 300.0;

/// Below this $\sinh 2K$ the high-temperature representation is used.
const HIGH_T_SINH: f64 = 0.5;

/// Errors from constructing or evaluating a [`KaufmanIsing`] lattice.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KaufmanError {
    /// A side length is outside the allowed range.
    #[error("lattice size `{name}` = {value} is out of range: it must be at least 2")]
    InvalidSize {
        /// Which side (`"rows"` or `"columns"`).
        name: &'static str,
        /// The rejected value.
        value: usize,
    },
    /// The inverse temperature is not a finite number in the allowed range.
    #[error(
        "inverse temperature `beta` = {0} is out of range: it must lie in [{MIN_BETA:e}, {MAX_BETA}]"
    )]
    InvalidBeta(f64),
}

/// Thermodynamics of the finite periodic lattice at one inverse temperature
/// (all "per spin" quantities divide by $N$; $J = k_B = 1$).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KaufmanThermodynamics {
    /// Inverse temperature $\beta$.
    pub beta: f64,
    /// $\ln Z$.
    pub log_partition_function: f64,
    /// $f = -\ln Z / (N \beta)$.
    pub free_energy_per_spin: f64,
    /// $u = \langle H \rangle / N = -\frac{1}{N}\\,\partial_\beta \ln Z$.
    pub energy_per_spin: f64,
    /// $c = \frac{\beta^2}{N}\\,\partial_\beta^2 \ln Z = \beta^2 (\langle H^2\rangle - \langle H\rangle^2)/N$.
    pub specific_heat_per_spin: f64,
    /// $s = \beta (u - f) = \ln Z / N + \beta u$.
    pub entropy_per_spin: f64,
}

/// Finite $m \times n$ periodic 2D Ising ferromagnet solved exactly with Kaufman's formula.
/// Every evaluation is $O(n)$; $Z(m, n) = Z(n, m)$, so the orientation does not matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KaufmanIsing {
    /// Number of rows $m$ (enters the arguments $m\gamma_l/2$).
    pub rows: usize,
    /// Number of columns $n$ (the length of Kaufman's products).
    pub columns: usize,
}

/// $\ln Z$ and its first two derivatives with respect to $K = \beta$.
#[derive(Debug, Clone, Copy)]
struct LogZ {
    value: f64,
    first: f64,
    second: f64,
}

/// One mode $l \ne 0$: $\gamma_l$ with derivatives, and the part $v_l$ of $\gamma_l$
/// (with derivatives) that goes into the logarithm; the rest goes into the prefactor.
#[derive(Debug, Clone, Copy)]
struct Mode {
    gamma: [f64; 3],
    v: [f64; 3],
}

/// One of Kaufman's four products in scaled form: $Z_i = e^{E} g$,
/// $Z_i' = e^{E}(g_1 + g a)$, $Z_i'' = e^{E}(g_2 + 2 g_1 a + g (b + a^2))$.
/// The factor for $l = 0$ (which may be negative or zero) is carried by $g, g_1, g_2$;
/// $E$, $a = (\ln R)'$, $b = (\ln R)''$ belong to the strictly positive rest $R$.
#[derive(Debug, Clone, Copy)]
struct Term {
    log_scale: f64,
    a: f64,
    b: f64,
    g: [f64; 3],
}

impl Term {
    const UNIT: Self = Self {
        log_scale: 0.0,
        a: 0.0,
        b: 0.0,
        g: [1.0, 0.0, 0.0],
    };

    /// Multiplies by $2\cosh u$ or $2\sinh u$, $u = \tfrac m2 \gamma > 0$, as
    /// $e^{m v/2} (1 \pm e^{-2u})$; the correction terms are $O(e^{-2u})$.
    fn mul(&mut self, is_sinh: bool, half_m: f64, mode: &Mode) {
        let [gamma, dgamma, d2gamma] = mode.gamma;
        let (du, d2u) = (half_m * dgamma, half_m * d2gamma);
        let e = (-2.0 * half_m * gamma).exp();
        let one_pm_e = if is_sinh {
            -(-2.0 * half_m * gamma).exp_m1()
        } else {
            1.0 + e
        };
        // r = coth u - 1 or 1 - tanh u; w = csch^2 u or sech^2 u.
        let r = 2.0 * e / one_pm_e;
        let w = 2.0 * r / one_pm_e;
        let sign = if is_sinh { 1.0 } else { -1.0 };
        self.log_scale += half_m * mode.v[0] + one_pm_e.ln();
        if r > 0.0 {
            self.a += sign * r * du;
            self.b += sign * (r * d2u - w * du * du);
        }
        self.a += half_m * mode.v[1];
        self.b += half_m * mode.v[2];
    }
}

impl KaufmanIsing {
    /// An $m \times n$ lattice (`rows` $= m$, `columns` $= n$); both sides must be $\ge 2$.
    pub fn new(rows: usize, columns: usize) -> Result<Self, KaufmanError> {
        if rows < 2 {
            return Err(KaufmanError::InvalidSize {
                name: "rows",
                value: rows,
            });
        }
        if columns < 2 {
            return Err(KaufmanError::InvalidSize {
                name: "columns",
                value: columns,
            });
        }
        Ok(Self { rows, columns })
    }

    /// Number of spins $N = mn$.
    pub fn num_spins(&self) -> usize {
        self.rows * self.columns
    }

    /// $\ln Z(\beta)$ from Kaufman's formula, evaluated with signed log-sums.
    pub fn log_partition_function(&self, beta: f64) -> Result<f64, KaufmanError> {
        Ok(self.log_z(beta)?.value)
    }

    /// Free energy per spin $f = -\ln Z / (N\beta)$.
    pub fn free_energy_per_spin(&self, beta: f64) -> Result<f64, KaufmanError> {
        Ok(self.thermodynamics(beta)?.free_energy_per_spin)
    }

    /// Energy per spin $u = -\frac1N \partial_\beta \ln Z$ (analytic derivative).
    pub fn energy_per_spin(&self, beta: f64) -> Result<f64, KaufmanError> {
        Ok(self.thermodynamics(beta)?.energy_per_spin)
    }

    /// Specific heat per spin $c = \frac{\beta^2}{N} \partial_\beta^2 \ln Z$ (analytic).
    pub fn specific_heat_per_spin(&self, beta: f64) -> Result<f64, KaufmanError> {
        Ok(self.thermodynamics(beta)?.specific_heat_per_spin)
    }

    /// Entropy per spin $s = \ln Z / N + \beta u$.
    pub fn entropy_per_spin(&self, beta: f64) -> Result<f64, KaufmanError> {
        Ok(self.thermodynamics(beta)?.entropy_per_spin)
    }

    /// All thermodynamic quantities at `beta` from one evaluation of the formula.
    pub fn thermodynamics(&self, beta: f64) -> Result<KaufmanThermodynamics, KaufmanError> {
        let lz = self.log_z(beta)?;
        let n = self.num_spins() as f64;
        let energy = -lz.first / n;
        Ok(KaufmanThermodynamics {
            beta,
            log_partition_function: lz.value,
            free_energy_per_spin: -lz.value / (n * beta),
            energy_per_spin: energy,
            specific_heat_per_spin: beta * beta * lz.second / n,
            entropy_per_spin: lz.value / n + beta * energy,
        })
    }

    /// $\ln Z$, $\partial_K \ln Z$, $\partial_K^2 \ln Z$ at $K = \beta$.
    fn log_z(&self, beta: f64) -> Result<LogZ, KaufmanError> {
        if !(MIN_BETA..=MAX_BETA).contains(&beta) {
            return Err(KaufmanError::InvalidBeta(beta));
        }
        Self::new(self.rows, self.columns)?; // the fields are public: re-check
        let k = beta;
        let half_m = 0.5 * self.rows as f64;
        let n = self.columns;
        let num_spins = self.num_spins() as f64;
        let s = (2.0 * k).sinh();
        let ch = (2.0 * k).cosh();
        let high_t = s < HIGH_T_SINH;
        // cosh 2K coth 2K - 2 = (s - 1)^2 / s, without overflow for large s.
        let c_shift = if s > 2.0 {
            s - 2.0 + 1.0 / s
        } else {
            (s - 1.0) * (s - 1.0) / s
        };

        // Terms: [odd cosh, odd sinh, even cosh, even sinh].
        let mut terms = [Term::UNIT; 4];
        for l in 1..2 * n {
            let half = (PI * l as f64 / (2 * n) as f64).sin(); // sin(theta/2)
            let q = (PI * l as f64 / n as f64).cos();
            let mode = if high_t {
                high_t_mode(s, ch, k, 2.0 * half * half, q)
            } else {
                low_t_mode(s, ch, c_shift, half, q)
            };
            let (ic, is) = if l % 2 == 1 { (0, 1) } else { (2, 3) };
            terms[ic].mul(false, half_m, &mode);
            terms[is].mul(true, half_m, &mode);
        }

        // l = 0: gamma_0 = 2K + ln tanh K = sign(s - 1) arccosh(1 + (s-1)^2/s), negative
        // above T_c, zero at T_c, positive below; gamma_0' = 2 + 2/s,
        // gamma_0'' = -4 cosh 2K / s^2. With sigma = sign(gamma_0) held fixed,
        // 2 cosh u_0 = e^{sigma u_0} g and 2 sinh u_0 = e^{sigma u_0} g (u_0 = m gamma_0/2),
        // where g = 1 + e or sigma (1 - e), e = e^{-2|u_0|}, so g', g'' are O(e).
        let (sigma, abs_g0) = gamma_zero(s, c_shift);
        let du0 = 2.0 * half_m * (1.0 + 1.0 / s);
        let d2u0 = -4.0 * half_m * (ch / s) / s;
        let e0 = (-2.0 * half_m * abs_g0).exp();
        let one_minus_e0 = -(-2.0 * half_m * abs_g0).exp_m1();
        // Log part e^{sigma u_0}; at high T shifted by (m/2) ln tanh K to e^{-mK}.
        // For s > 2 the mode-independent part -4q/s of gamma_l'' is dropped (see
        // `low_t_mode`): gamma_0'' + 4/s = -4 e^{-2K} / s^2.
        let v0 = if high_t {
            [-2.0 * half_m * k, -2.0 * half_m, 0.0]
        } else if s > 2.0 {
            [
                half_m * abs_g0,
                du0,
                -4.0 * half_m * (-2.0 * k).exp() / s / s,
            ]
        } else {
            [half_m * abs_g0, sigma * du0, sigma * d2u0]
        };
        for (t, is_sinh) in terms[2..].iter_mut().zip([false, true]) {
            t.log_scale += v0[0];
            t.a += v0[1];
            t.b += v0[2];
            t.g = if is_sinh {
                [
                    sigma * one_minus_e0,
                    2.0 * du0 * e0,
                    e0 * (2.0 * d2u0 - 4.0 * sigma * du0 * du0),
                ]
            } else {
                [
                    1.0 + e0,
                    -2.0 * sigma * du0 * e0,
                    e0 * (4.0 * du0 * du0 - 2.0 * sigma * d2u0),
                ]
            };
        }

        // Signed log-sum, with derivatives centred on the first (always positive) term.
        let max_scale = terms
            .iter()
            .map(|t| t.log_scale)
            .fold(f64::NEG_INFINITY, f64::max);
        let centre = terms[0].a;
        let (mut s0, mut s1, mut s2) = (0.0, 0.0, 0.0);
        for t in &terms {
            let w = (t.log_scale - max_scale).exp();
            let d = t.a - centre;
            let [g, g1, g2] = t.g;
            s0 += w * g;
            s1 += w * (g1 + g * d);
            s2 += w * (g2 + 2.0 * g1 * d + g * (t.b + d * d));
        }
        debug_assert!(s0 > 0.0, "Kaufman sum must be positive, got {s0}");
        let mean = s1 / s0;

        // Prefactor (1/2)(2 sinh 2K)^{N/2}, times (tanh K)^{-N/2} at high T.
        let pref = if high_t {
            let ln_cosh = (2.0 * (0.5 * k).sinh().powi(2)).ln_1p();
            let tanh = k.tanh();
            [
                num_spins * (LN_2 + ln_cosh),
                num_spins * tanh,
                num_spins * (1.0 - tanh * tanh),
            ]
        } else {
            let ln_2sinh = 2.0 * k + (-(-4.0 * k).exp_m1()).ln();
            [
                0.5 * num_spins * ln_2sinh,
                num_spins * ch / s,
                -2.0 * num_spins / s / s,
            ]
        };
        Ok(LogZ {
            value: pref[0] - LN_2 + max_scale + s0.ln(),
            first: pref[1] + centre + mean,
            second: pref[2] + (s2 / s0 - mean * mean),
        })
    }
}

/// $\gamma_0 = 2K + \ln\tanh K$ as (sign, magnitude): $|\gamma_0| =
/// \operatorname{arccosh}(1 + (s-1)^2/s)$, accurate also near $T_c$, where it vanishes;
/// the sign is that of $s - 1 = \sinh 2K - 1$ (negative above $T_c$).
fn gamma_zero(s: f64, c_shift: f64) -> (f64, f64) {
    let sign = if s >= 1.0 { 1.0 } else { -1.0 };
    (
        sign,
        (c_shift + c_shift.sqrt() * (c_shift + 2.0).sqrt()).ln_1p(),
    )
}

/// Mode $l \ne 0$ for $\sinh 2K \ge 1/2$: $v_l = \gamma_l$, from
/// $\cosh\gamma_l = 1 + x$, $x = (s-1)^2/s + 2\sin^2(\theta/2)$, $s = \sinh 2K$.
fn low_t_mode(s: f64, ch: f64, c_shift: f64, half: f64, q: f64) -> Mode {
    let x = c_shift + 2.0 * half * half;
    let sinh_g = x.sqrt() * (x + 2.0).sqrt();
    let gamma = (x + sinh_g).ln_1p();
    // c(K) = cosh 2K coth 2K: c' = 2 cosh 2K (1 - 1/s^2); gamma' = c' / sinh(gamma).
    let dgamma = 2.0 * ch * (1.0 - 1.0 / s / s) / sinh_g;
    if s <= 2.0 {
        let d2c = 4.0 * (s - 1.0 / s) + 8.0 * (1.0 + s * s) / (s * s * s);
        let gamma = [gamma, dgamma, (d2c - (1.0 + x) * dgamma * dgamma) / sinh_g];
        return Mode { gamma, v: gamma };
    }
    // (c'' sinh^2 - cosh c'^2) / sinh^3 expanded in 1/s so that the O(s^3) parts cancel
    // analytically: gamma'' = 4 P / (s^2 rho^3), rho = s^{-2} s sinh(gamma) = R / s^2,
    // P = P_0 - q s. Its leading part -4q/s sums to zero over every set of modes
    // (sum of cos(pi l/n) over odd or over even l vanishes), so v'' drops it exactly.
    let (r, r2) = (1.0 / s, 1.0 / (s * s));
    let p0 = q * q * (1.0 + r2 * (1.0 + 2.0 * r2)) - q * r * (5.0 + r2 * (7.0 + 3.0 * r2))
        + (2.0 + r2 * (6.0 + r2 * (3.0 + r2)));
    let rho2_m1 = r2 - 2.0 * q * r + (r2 - q * r) * (r2 - q * r); // rho^2 - 1
    let rho = (1.0 + rho2_m1).sqrt();
    let rho3 = rho * (1.0 + rho2_m1);
    let rho3_m1 = rho2_m1 / (rho + 1.0) * (rho * rho + rho + 1.0);
    let d2v = 4.0 * q * r * rho3_m1 / rho3 + 4.0 * p0 * r2 / rho3;
    Mode {
        gamma: [gamma, dgamma, d2v - 4.0 * q * r],
        v: [gamma, dgamma, d2v],
    }
}

/// Mode $l \ne 0$ for $\sinh 2K < 1/2$: $v_l = \delta_l = \gamma_l + \ln\tanh K$, which
/// stays $O(1)$ as $K \to 0$, with $Q = 1 + s^2 - qs$, $R = s \sinh\gamma_l$, $p = 1 - q$:
/// $e^{\delta} = \tanh K + (Q - s + R)/(1 + \cosh 2K)$,
/// $\delta' = 2B / [R (R + W)]$, $W = \cosh 2K (1 - s^2)$,
/// $B = (1+s^2)(3s - s^3) - 2q(1+s^2) + (q^2-1)s$.
fn high_t_mode(s: f64, ch: f64, k: f64, p: f64, q: f64) -> Mode {
    let q_minus = (1.0 - s) * (1.0 - s) + s * p; // Q - s
    let q_plus = 1.0 + s * s + s * p; // Q + s
    let r = (q_minus * q_plus).sqrt();
    let w = ch * (1.0 - s * s);
    let b = (1.0 + s * s) * (3.0 * s - s * s * s) - 2.0 * q * (1.0 + s * s) + (q * q - 1.0) * s;
    let d = r * (r + w);
    let delta = (k.tanh() + (q_minus + r) / (1.0 + ch)).ln();
    let ddelta = 2.0 * b / d;
    // Quotient rule with ds/dK = 2 cosh 2K, d cosh 2K/dK = 2s.
    let db = 2.0
        * ch
        * (2.0 * s * (3.0 * s - s * s * s) + (1.0 + s * s) * (3.0 - 3.0 * s * s) - 4.0 * q * s
            + (q * q - 1.0));
    let dr = ch * ((p - 2.0 * (1.0 - s)) * q_plus + q_minus * (2.0 * s + p)) / r;
    let dw = -2.0 * s * (1.0 + 3.0 * s * s);
    let dd = dr * (r + w) + r * (dr + dw);
    let d2delta = 2.0 * (db * d - b * dd) / (d * d);
    // gamma = delta - ln tanh K: gamma' = delta' - 2/s, gamma'' = delta'' + 4 cosh 2K / s^2.
    let gamma = (q_minus / s + r / s).ln_1p();
    Mode {
        gamma: [gamma, ddelta - 2.0 / s, d2delta + 4.0 * (ch / s) / s],
        v: [delta, ddelta, d2delta],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact (ln Z, u, c) by enumerating all $2^N$ configurations into an energy
    /// histogram; moments are taken about the ground state and the mean (two passes).
    fn brute_force(rows: usize, columns: usize, beta: f64) -> (f64, f64, f64) {
        let n = rows * columns;
        let mut hist = vec![0u64; 4 * n + 1]; // index E + 2N, E in [-2N, 2N]
        for config in 0u32..(1u32 << n) {
            let spin = |r: usize, c: usize| 2 * ((config >> (r * columns + c)) & 1) as i64 - 1;
            let mut e = 2 * n as i64;
            for (r, c) in (0..rows).flat_map(|r| (0..columns).map(move |c| (r, c))) {
                e -= spin(r, c) * (spin(r, (c + 1) % columns) + spin((r + 1) % rows, c));
            }
            hist[e as usize] += 1;
        }
        let nf = n as f64;
        let level = |i: usize| i as f64 - 2.0 * nf;
        let w: Vec<f64> = (0..hist.len())
            .map(|i| hist[i] as f64 * (-beta * (level(i) + 2.0 * nf)).exp())
            .collect();
        let z: f64 = w.iter().sum();
        let mean = (0..w.len()).map(|i| w[i] * level(i)).sum::<f64>() / z;
        let var = (0..w.len())
            .map(|i| w[i] * (level(i) - mean).powi(2))
            .sum::<f64>()
            / z;
        (2.0 * nf * beta + z.ln(), mean / nf, beta * beta * var / nf)
    }

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs().max(f64::MIN_POSITIVE)
    }

    #[track_caller]
    fn assert_rel(a: f64, b: f64, tol: f64) {
        assert!(
            rel(a, b) < tol,
            "{a} vs {b}: relative error {:e}",
            rel(a, b)
        );
    }

    #[track_caller]
    fn assert_abs(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() < tol, "{a} vs {b}: error {:e}", (a - b).abs());
    }

    /// Onsager: $-\beta f = \ln(2\cosh 2K) + \frac{1}{\pi}\int_0^{\pi/2}
    /// \ln\frac{1+\sqrt{1-\kappa^2\sin^2 w}}{2}\,dw$ (Simpson; smooth on $[0, \pi/2]$).
    fn onsager_minus_beta_f(k: f64) -> f64 {
        let kappa = 2.0 * (2.0 * k).sinh() / (2.0 * k).cosh().powi(2);
        let f = |w: f64| ((1.0 + (1.0 - (kappa * w.sin()).powi(2)).max(0.0).sqrt()) / 2.0).ln();
        let (intervals, h) = (20_000, PI / 2.0 / 20_000.0);
        let mut sum = f(0.0) + f(PI / 2.0);
        for i in 1..intervals {
            sum += if i % 2 == 1 { 4.0 } else { 2.0 } * f(i as f64 * h);
        }
        (2.0 * (2.0 * k).cosh()).ln() + sum * h / 3.0 / PI
    }

    /// Onsager: $u = -\coth 2K\\,[1 + \frac{2}{\pi}(2\tanh^2 2K - 1) K_1(\kappa)]$ with
    /// $K_1(\kappa) = \pi / (2\\,\mathrm{AGM}(1, \kappa'))$, $\kappa' = |1 - s^2|/(1 + s^2)$.
    fn onsager_energy(k: f64) -> f64 {
        let s = (2.0 * k).sinh();
        let (mut a, mut b) = (1.0f64, (1.0 - s * s).abs() / (1.0 + s * s));
        while (a - b).abs() > 1e-16 * a {
            (a, b) = (0.5 * (a + b), (a * b).sqrt());
        }
        let t = (2.0 * k).tanh();
        -(1.0 / t) * (1.0 + 2.0 / PI * (2.0 * t * t - 1.0) * PI / (2.0 * a))
    }

    #[test]
    fn rejects_bad_input_and_gamma0_changes_sign_at_tc() {
        let msg = |r, c| KaufmanIsing::new(r, c).unwrap_err().to_string();
        let tail = "is out of range: it must be at least 2";
        assert_eq!(msg(1, 4), format!("lattice size `rows` = 1 {tail}"));
        assert_eq!(msg(3, 0), format!("lattice size `columns` = 0 {tail}"));
        let lat = KaufmanIsing::new(2, 2).unwrap();
        let (inf, nan) = (f64::INFINITY, f64::NAN);
        for beta in [0.0, -0.3, nan, inf, -inf, 1e-300, 300.5] {
            let err = lat.thermodynamics(beta).unwrap_err();
            assert!(matches!(err, KaufmanError::InvalidBeta(b) if b.to_bits() == beta.to_bits()));
            assert!(lat.log_partition_function(beta).is_err());
        }
        assert!(lat.thermodynamics(MIN_BETA).is_ok() && lat.thermodynamics(MAX_BETA).is_ok());
        let forged = KaufmanIsing {
            rows: 1,
            columns: 5,
        };
        assert!(matches!(
            forged.thermodynamics(0.3),
            Err(KaufmanError::InvalidSize { .. })
        ));
        assert_rel(CRITICAL_BETA, 0.5 * (1.0 + 2f64.sqrt()).ln(), 1e-15);
        for k in [0.01, 0.2, 0.44, CRITICAL_BETA, 0.441, 0.7, 1.0, 3.0] {
            let s = (2.0 * k).sinh();
            let (sign, abs) = gamma_zero(s, (s - 1.0) * (s - 1.0) / s);
            assert_abs(sign * abs, 2.0 * k + k.tanh().ln(), 1e-14);
            assert!(k == CRITICAL_BETA || (sign > 0.0) == (k > CRITICAL_BETA));
        }
    }

    /// All sizes with N <= 16, rectangular in both orientations, against enumeration.
    /// Observed agreement: ln Z and u ~1e-15, c ~3e-13 (worst at beta = 2, where
    /// c ~ e^{-8K} is what remains of cancelling O(e^{-4K}) parts); asserted 1e-10.
    #[test]
    fn matches_brute_force_enumeration() {
        let sizes = [
            (2, 2),
            (2, 3),
            (3, 3),
            (2, 5),
            (3, 4),
            (2, 7),
            (4, 4),
            (2, 8),
        ];
        for (rows, columns) in sizes.into_iter().flat_map(|(r, c)| [(r, c), (c, r)]) {
            let lat = KaufmanIsing::new(rows, columns).unwrap();
            for beta in [0.1, 0.25, 0.4, CRITICAL_BETA, 0.4407, 0.45, 0.6, 1.0, 2.0] {
                let (lnz, u, c) = brute_force(rows, columns, beta);
                let t = lat.thermodynamics(beta).unwrap();
                let f = -lnz / (beta * (rows * columns) as f64);
                assert_rel(t.log_partition_function, lnz, 1e-10);
                assert_rel(t.energy_per_spin, u, 1e-10);
                assert_rel(t.specific_heat_per_spin, c, 1e-10);
                assert_rel(t.free_energy_per_spin, f, 1e-10);
                assert_rel(t.entropy_per_spin, beta * (u - f), 1e-10);
            }
        }
    }

    /// Z(m, n) = Z(n, m) although the formula treats the two directions differently
    /// (products of length n, m in the exponents): a strong test of the rectangular case.
    #[test]
    fn rows_and_columns_are_interchangeable() {
        for (m, n) in [(5, 12), (7, 30), (2, 64), (3, 17), (40, 41)] {
            let (a, b) = (KaufmanIsing::new(m, n), KaufmanIsing::new(n, m));
            for beta in [0.01, 0.2, 0.3, CRITICAL_BETA, 0.5, 0.9, 2.0] {
                let ta = a.as_ref().unwrap().thermodynamics(beta).unwrap();
                let tb = b.as_ref().unwrap().thermodynamics(beta).unwrap();
                assert_rel(ta.log_partition_function, tb.log_partition_function, 1e-13);
                assert_rel(ta.energy_per_spin, tb.energy_per_spin, 1e-12);
                assert_rel(ta.specific_heat_per_spin, tb.specific_heat_per_spin, 1e-10);
            }
        }
    }

    /// u = -(1/N) d ln Z/d beta and c = -beta^2 du/d beta against 5-point central
    /// differences (h = 1e-5: truncation ~h^4 f^(5), below 1e-10 relative even at
    /// L = 256 near T_c; rounding ~1e-16 |ln Z| / h ~ 1e-11 relative). The points
    /// include the switches between representations (sinh 2K = 1/2, 1, 2), so the
    /// stencils straddle them. Tolerance 1e-8.
    #[test]
    fn analytic_derivatives_match_finite_differences() {
        let switches = [0.5f64.asinh() / 2.0, CRITICAL_BETA, 2f64.asinh() / 2.0];
        let h = 1e-5;
        let stencil = |f: &dyn Fn(f64) -> f64, b: f64| {
            (f(b - 2.0 * h) - 8.0 * f(b - h) + 8.0 * f(b + h) - f(b + 2.0 * h)) / (12.0 * h)
        };
        for (m, n) in [(16, 16), (10, 24), (256, 256)] {
            let lat = KaufmanIsing::new(m, n).unwrap();
            let betas = [0.05, 0.3, 0.43, 0.45, 0.6, 1.2];
            for beta in betas.into_iter().chain(switches) {
                let t = lat.thermodynamics(beta).unwrap();
                let u_fd = -stencil(&|b| lat.log_partition_function(b).unwrap(), beta);
                let c_fd = -beta * beta * stencil(&|b| lat.energy_per_spin(b).unwrap(), beta);
                assert_rel(t.energy_per_spin, u_fd / (m * n) as f64, 1e-8);
                assert_rel(t.specific_heat_per_spin, c_fd, 1e-8);
            }
        }
    }

    /// L = 256 against Onsager. Away from T_c the correlation length is < 2, so the
    /// finite-size corrections are O(e^{-L/xi}) except for the exact ln 2 / N of the two
    /// ordered phases below T_c; the tolerance 1e-12 covers quadrature and rounding.
    /// At 0.4407 (xi >> L) the corrections are O(1/N) for f and O(1/L) for u.
    #[test]
    fn approaches_onsager_for_large_lattices() {
        let lat = KaufmanIsing::new(256, 256).unwrap();
        let nn = 65536.0;
        for (beta, degeneracy) in [(0.3, 0.0), (0.6, 2f64.ln())] {
            let t = lat.thermodynamics(beta).unwrap();
            let mbf = (t.log_partition_function - degeneracy) / nn;
            assert_abs(mbf, onsager_minus_beta_f(beta), 1e-12);
            assert_abs(t.energy_per_spin, onsager_energy(beta), 1e-12);
        }
        let t = lat.thermodynamics(0.4407).unwrap();
        let excess = t.log_partition_function / nn - onsager_minus_beta_f(0.4407);
        assert!(excess > 0.0 && excess < 1.0 / nn, "{excess}"); // ~0.64 / N
        assert_abs(t.energy_per_spin, onsager_energy(0.4407), 1e-2);
        assert_abs(
            lat.energy_per_spin(CRITICAL_BETA).unwrap(),
            -2f64.sqrt(),
            1e-2,
        );
    }

    /// Ferdinand-Fisher at T_c: ln Z = -N beta_c f_inf + ln Z_crit(rho) + O(1/L^2) with
    /// -beta_c f_inf = ln 2 / 2 + 2G/pi and the Ising CFT torus partition function
    /// Z_crit = (theta_2 + theta_3 + theta_4)/(2 eta) at tau = i rho, rho = m/n (modular
    /// invariance makes m <-> n irrelevant); for the square u(beta_c) = -sqrt 2 -
    /// (2/L) theta_2 theta_3 theta_4 / (theta_2 + theta_3 + theta_4) + O(1/L^2).
    /// Observed errors ~0.08 / L^2 (square) and 0.19 / m^2 (2:1); asserted 0.3 / L^2.
    #[test]
    fn ferdinand_fisher_corrections_at_tc() {
        let catalan = 0.915_965_594_177_219;
        let bulk = 0.5 * 2f64.ln() + 2.0 * catalan / PI;
        assert_abs(onsager_minus_beta_f(CRITICAL_BETA), bulk, 1e-13);
        let thetas = |rho: f64| {
            let q = (-PI * rho).exp();
            let (mut t2, mut t3, mut t4, mut eta) = (0.0, 1.0, 1.0, q.powf(1.0 / 12.0));
            for k in 0..20 {
                let kf = k as f64;
                t2 += 2.0 * q.powf((kf + 0.5).powi(2));
                if k > 0 {
                    t3 += 2.0 * q.powf(kf * kf);
                    t4 += 2.0 * (-1f64).powi(k) * q.powf(kf * kf);
                    eta *= 1.0 - q.powf(2.0 * kf);
                }
            }
            (t2, t3, t4, eta)
        };
        for (m, n) in [(64, 64), (128, 128), (256, 256), (64, 128), (128, 64)] {
            let (t2, t3, t4, eta) = thetas(m as f64 / n as f64);
            let t = KaufmanIsing::new(m, n)
                .unwrap()
                .thermodynamics(CRITICAL_BETA)
                .unwrap();
            let excess = t.log_partition_function - (m * n) as f64 * bulk;
            let l2 = m.min(n).pow(2) as f64;
            assert_abs(excess, ((t2 + t3 + t4) / (2.0 * eta)).ln(), 0.3 / l2);
            if m == n {
                let slope = (t.energy_per_spin + 2f64.sqrt()) * m as f64;
                assert_abs(slope, -2.0 * t2 * t3 * t4 / (t2 + t3 + t4), 0.3 / l2);
            }
        }
    }

    /// The 16 x 16 specific-heat maximum: shifted from beta_c to higher temperature by
    /// O(1/L) (Ferdinand-Fisher), height ~ (8/pi) K_c^2 ln L + O(1), and equal to the
    /// 5-point second difference of ln Z (h = 1e-3; truncation h^4 f^(6) ~ 1e-9).
    #[test]
    fn specific_heat_peak_of_16x16() {
        let lat = KaufmanIsing::new(16, 16).unwrap();
        let c = |b: f64| lat.specific_heat_per_spin(b).unwrap();
        let (mut lo, mut hi) = (0.38, 0.46);
        for _ in 0..100 {
            let (b1, b2) = (lo + (hi - lo) / 3.0, hi - (hi - lo) / 3.0);
            if c(b1) < c(b2) { lo = b1 } else { hi = b2 }
        }
        let peak = 0.5 * (lo + hi);
        assert!(
            peak < CRITICAL_BETA && CRITICAL_BETA - peak < 0.02,
            "{peak}"
        );
        let a0 = 8.0 / PI * CRITICAL_BETA * CRITICAL_BETA;
        let excess = c(peak) - a0 * 16f64.ln(); // observed 0.18 at beta = 0.43150
        assert!(excess > 0.0 && excess < 0.25, "{}", c(peak));
        let (h, f) = (1e-3, |b: f64| lat.log_partition_function(b).unwrap());
        let d2 = (16.0 * (f(peak - h) + f(peak + h))
            - f(peak - 2.0 * h)
            - f(peak + 2.0 * h)
            - 30.0 * f(peak))
            / (12.0 * h * h);
        assert_rel(c(peak), peak * peak * d2 / 256.0, 1e-7);
    }

    /// Series limits: high T, ln Z / N = ln 2 + 2 ln cosh K + t^4 + 2 t^6 + O(t^8),
    /// t = tanh K (L = 16: plaquettes and 1x2 rectangles; wrapping loops are O(t^16);
    /// at K <= 1e-3 the omitted t^8 terms are < 1e-19 in u);
    /// low T, ln Z = 2NK + ln 2 + O(N e^{-8K}).
    #[test]
    fn high_and_low_temperature_limits() {
        let lat = KaufmanIsing::new(16, 16).unwrap();
        for k in [1e-3f64, 1e-4, 1e-6] {
            let (t, th) = (k.tanh(), lat.thermodynamics(k).unwrap());
            let (t2, d) = (t * t, 1.0 - t * t);
            let lnz = 2f64.ln() + 2.0 * k.cosh().ln() + t2 * t2 + 2.0 * t2 * t2 * t2;
            let u = -2.0 * t - (4.0 * t * t2 + 12.0 * t * t2 * t2) * d;
            let du = 2.0 * d + (12.0 * t2 + 60.0 * t2 * t2) * d * d
                - (8.0 * t2 * t2 + 24.0 * t2 * t2 * t2) * d;
            assert_rel(th.log_partition_function / 256.0, lnz, 1e-14);
            assert_abs(th.energy_per_spin, u, 1e-15);
            assert_rel(th.specific_heat_per_spin, k * k * du, 1e-11);
        }
        let big = KaufmanIsing::new(256, 256).unwrap();
        for k in [10.0, 50.0, MAX_BETA] {
            let th = big.thermodynamics(k).unwrap();
            assert_rel(
                th.log_partition_function,
                2.0 * 65536.0 * k + 2f64.ln(),
                1e-15,
            );
            assert_eq!(th.energy_per_spin, -2.0);
            assert_abs(th.specific_heat_per_spin, 0.0, 1e-25);
            assert_rel(th.entropy_per_spin, 2f64.ln() / 65536.0, 1e-6);
        }
        assert_abs(lat.energy_per_spin(MIN_BETA).unwrap(), 0.0, 1e-15);
    }
}
