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
//! $T > T_c$ and vanishes at $T_c$; the code keeps track of that sign. The products run
//! over the row direction and $m$ appears only in the arguments, so rectangular lattices
//! are supported; since the coupling is isotropic, $Z(m, n) = Z(n, m)$.
//!
//! Everything is evaluated in logarithms (no overflow for $L$ in the thousands and
//! $\beta$ up to about 100), and the energy and specific heat come from analytic
//! $K$-derivatives of the $\gamma_l$, not from finite differences.
//!
//! References: B. Kaufman, Phys. Rev. **76**, 1232 (1949);
//! A. E. Ferdinand and M. E. Fisher, Phys. Rev. **185**, 832 (1969);
//! P. D. Beale, Phys. Rev. Lett. **76**, 78 (1996).

use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// Inverse critical temperature of the infinite lattice, $\beta_c = \tfrac12\ln(1+\sqrt2)$.
pub const CRITICAL_BETA: f64 = 0.440_686_793_509_771_5;

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
    /// The inverse temperature is not finite and strictly positive.
    #[error("inverse temperature `beta` = {0} is out of range: it must be finite and > 0")]
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
    /// $u = \langle H \rangle / N = -\frac{1}{N}\,\partial_\beta \ln Z$.
    pub energy_per_spin: f64,
    /// $c = \frac{\beta^2}{N}\,\partial_\beta^2 \ln Z = \beta^2 (\langle H^2\rangle - \langle H\rangle^2)/N$.
    pub specific_heat_per_spin: f64,
    /// $s = \beta (u - f) = \ln Z / N + \beta u$.
    pub entropy_per_spin: f64,
}

/// Finite $m \times n$ periodic 2D Ising ferromagnet solved exactly with Kaufman's formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KaufmanIsing {
    /// Number of rows $m$ (the power in Kaufman's formula).
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

/// One of Kaufman's four products in scaled form: $Z_i = e^{E} g$,
/// $Z_i' = e^{E}(g_1 + g a)$, $Z_i'' = e^{E}(g_2 + 2 g_1 a + g (b + a^2))$.
/// The factor for $l = 0$ (which may be negative or zero) is carried by $g, g_1, g_2$;
/// $E$, $a = (\ln R)'$, $b = (\ln R)''$ belong to the strictly positive rest $R$.
#[derive(Debug, Clone, Copy)]
struct Term {
    log_scale: f64,
    a: f64,
    b: f64,
    g: f64,
    g1: f64,
    g2: f64,
}

impl Term {
    fn unit() -> Self {
        Self { log_scale: 0.0, a: 0.0, b: 0.0, g: 1.0, g1: 0.0, g2: 0.0 }
    }

    /// Multiplies by $2\cosh u$ ($u > 0$) given $u, u', u''$.
    fn mul_cosh(&mut self, u: f64, du: f64, d2u: f64) {
        let e = (-2.0 * u).exp();
        let tanh = (-(-2.0 * u).exp_m1()) / (1.0 + e);
        let sech2 = 4.0 * e / ((1.0 + e) * (1.0 + e));
        self.log_scale += u + e.ln_1p();
        self.a += tanh * du;
        self.b += sech2 * du * du + tanh * d2u;
    }

    /// Multiplies by $2\sinh u$ ($u > 0$) given $u, u', u''$.
    fn mul_sinh(&mut self, u: f64, du: f64, d2u: f64) {
        let e = (-2.0 * u).exp();
        let one_minus_e = -(-2.0 * u).exp_m1();
        let coth = (1.0 + e) / one_minus_e;
        let csch2 = 4.0 * e / (one_minus_e * one_minus_e);
        self.log_scale += u + one_minus_e.ln();
        self.a += coth * du;
        self.b += -csch2 * du * du + coth * d2u;
    }
}

impl KaufmanIsing {
    /// An $m \times n$ lattice (`rows` $= m$, `columns` $= n$); both sides must be $\ge 2$.
    pub fn new(rows: usize, columns: usize) -> Result<Self, KaufmanError> {
        if rows < 2 {
            return Err(KaufmanError::InvalidSize { name: "rows", value: rows });
        }
        if columns < 2 {
            return Err(KaufmanError::InvalidSize { name: "columns", value: columns });
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
        if !beta.is_finite() || beta <= 0.0 {
            return Err(KaufmanError::InvalidBeta(beta));
        }
        let k = beta;
        let m = self.rows as f64;
        let n = self.columns;
        let num_spins = m * n as f64;

        let s = (2.0 * k).sinh();
        let ch = (2.0 * k).cosh();
        // c(K) = cosh 2K coth 2K = 2 + (s - 1)^2 / s; its K-derivatives:
        let c_shift = (s - 1.0) * (s - 1.0) / s;
        let dc = 2.0 * ch * (1.0 - 1.0 / (s * s));
        let d2c = 4.0 * (s - 1.0 / s) + 8.0 * (1.0 + s * s) / (s * s * s);

        // Terms: [odd cosh, odd sinh, even cosh, even sinh].
        let mut terms = [Term::unit(); 4];
        for l in 1..2 * n {
            // cosh(gamma_l) = 1 + x with x = (s-1)^2/s + 2 sin^2(pi l / 2n) > 0, written
            // without cancellation so that small gamma_l stay accurate.
            let half = (PI * l as f64 / (2 * n) as f64).sin();
            let x = c_shift + 2.0 * half * half;
            let sinh_g = x.sqrt() * (x + 2.0).sqrt();
            let gamma = (x + sinh_g).ln_1p();
            let dg = dc / sinh_g;
            let d2g = (d2c - (1.0 + x) * dg * dg) / sinh_g;
            let (u, du, d2u) = (0.5 * m * gamma, 0.5 * m * dg, 0.5 * m * d2g);
            let (ic, is) = if l % 2 == 1 { (0, 1) } else { (2, 3) };
            terms[ic].mul_cosh(u, du, d2u);
            terms[is].mul_sinh(u, du, d2u);
        }

        // gamma_0 = 2K + ln tanh K = sign(s - 1) arccosh(1 + (s-1)^2/s): negative above
        // T_c, zero at T_c, positive below. gamma_0' = 2 + 2/s, gamma_0'' = -4 cosh 2K / s^2.
        let abs_g0 = (c_shift + c_shift.sqrt() * (c_shift + 2.0).sqrt()).ln_1p();
        let sign0 = if s >= 1.0 { 1.0 } else { -1.0 };
        let u0 = 0.5 * m * abs_g0; // |u_0|
        let du0 = m * (1.0 + 1.0 / s);
        let d2u0 = -2.0 * m * ch / (s * s);
        // 2 cosh u_0 and 2 sinh u_0 and their derivatives, all scaled by e^{-|u_0|}.
        let e0 = (-2.0 * u0).exp();
        let sinh_part = sign0 * (-(-2.0 * u0).exp_m1()); // e^{-|u0|} 2 sinh(u0)
        let cosh_part = 1.0 + e0; // e^{-|u0|} 2 cosh(u0)
        terms[2].log_scale += u0;
        terms[2].g = cosh_part;
        terms[2].g1 = sinh_part * du0;
        terms[2].g2 = cosh_part * du0 * du0 + sinh_part * d2u0;
        terms[3].log_scale += u0;
        terms[3].g = sinh_part;
        terms[3].g1 = cosh_part * du0;
        terms[3].g2 = sinh_part * du0 * du0 + cosh_part * d2u0;

        // Signed log-sum, with derivatives centred on the first (always positive) term.
        let max_scale = terms.iter().map(|t| t.log_scale).fold(f64::NEG_INFINITY, f64::max);
        let centre = terms[0].a;
        let (mut s0, mut s1, mut s2) = (0.0, 0.0, 0.0);
        for t in &terms {
            let w = (t.log_scale - max_scale).exp();
            let d = t.a - centre;
            s0 += w * t.g;
            s1 += w * (t.g1 + t.g * d);
            s2 += w * (t.g2 + 2.0 * t.g1 * d + t.g * (t.b + d * d));
        }
        debug_assert!(s0 > 0.0, "Kaufman sum must be positive, got {s0}");
        let mean = s1 / s0;

        // Prefactor (1/2)(2 sinh 2K)^{N/2}: ln(2 sinh 2K) = 2K + ln(1 - e^{-4K}).
        let log_pref = -std::f64::consts::LN_2 + 0.5 * num_spins * (2.0 * k + (-(-4.0 * k).exp_m1()).ln());
        let value = log_pref + max_scale + s0.ln();
        let first = num_spins * ch / s + centre + mean;
        let second = -2.0 * num_spins / (s * s) + (s2 / s0 - mean * mean);
        Ok(LogZ { value, first, second })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact thermodynamics by enumerating all $2^N$ configurations (energy histogram).
    /// Returns (ln Z, u, c) computed with shifted, two-pass moments (no cancellation).
    fn brute_force(rows: usize, columns: usize, beta: f64) -> (f64, f64, f64) {
        let n = rows * columns;
        let mut hist = vec![0u64; 4 * n + 1]; // E in [-2N, 2N]
        for config in 0u32..(1u32 << n) {
            let spin = |r: usize, c: usize| -> i64 {
                if config >> (r * columns + c) & 1 == 1 { 1 } else { -1 }
            };
            let mut e = 0i64;
            for r in 0..rows {
                for c in 0..columns {
                    let s = spin(r, c);
                    e -= s * (spin(r, (c + 1) % columns) + spin((r + 1) % rows, c));
                }
            }
            hist[(e + 2 * n as i64) as usize] += 1;
        }
        let levels: Vec<(f64, f64)> = hist
            .iter()
            .enumerate()
            .filter(|(_, g)| **g > 0)
            .map(|(i, g)| (i as f64 - 2.0 * n as f64, *g as f64))
            .collect();
        let e0 = levels[0].0;
        let weights: Vec<f64> = levels.iter().map(|(e, g)| g * (-beta * (e - e0)).exp()).collect();
        let z: f64 = weights.iter().sum();
        let mean = levels.iter().zip(&weights).map(|((e, _), w)| w * e).sum::<f64>() / z;
        let var = levels.iter().zip(&weights).map(|((e, _), w)| w * (e - mean).powi(2)).sum::<f64>() / z;
        (-beta * e0 + z.ln(), mean / n as f64, beta * beta * var / n as f64)
    }

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs().max(f64::MIN_POSITIVE)
    }

    /// Onsager: $-\beta f = \ln(2\cosh 2K) + \frac{1}{\pi}\int_0^{\pi/2}
    /// \ln\frac{1+\sqrt{1-\kappa^2\sin^2 w}}{2}\,dw$ (Simpson; smooth on $[0, \pi/2]$).
    fn onsager_minus_beta_f(k: f64) -> f64 {
        let kappa = 2.0 * (2.0 * k).sinh() / (2.0 * k).cosh().powi(2);
        let f = |w: f64| ((1.0 + (1.0 - (kappa * w.sin()).powi(2)).max(0.0).sqrt()) / 2.0).ln();
        let intervals = 20_000;
        let h = PI / 2.0 / intervals as f64;
        let mut sum = f(0.0) + f(PI / 2.0);
        for i in 1..intervals {
            sum += if i % 2 == 1 { 4.0 } else { 2.0 } * f(i as f64 * h);
        }
        (2.0 * (2.0 * k).cosh()).ln() + sum * h / 3.0 / PI
    }

    /// Onsager: $u = -\coth 2K\,[1 + \frac{2}{\pi}(2\tanh^2 2K - 1) K_1(\kappa)]$ with
    /// $K_1(\kappa) = \pi / (2\,\mathrm{AGM}(1, \kappa'))$, $\kappa' = |1 - s^2|/(1 + s^2)$.
    fn onsager_energy(k: f64) -> f64 {
        let s = (2.0 * k).sinh();
        let kprime = (1.0 - s * s).abs() / (1.0 + s * s);
        let (mut a, mut b) = (1.0f64, kprime);
        while (a - b).abs() > 1e-16 * a {
            (a, b) = (0.5 * (a + b), (a * b).sqrt());
        }
        let k1 = PI / (2.0 * a);
        let t = (2.0 * k).tanh();
        -(1.0 / t) * (1.0 + 2.0 / PI * (2.0 * t * t - 1.0) * k1)
    }

    const BETAS: [f64; 9] = [0.1, 0.25, 0.4, CRITICAL_BETA, 0.4407, 0.45, 0.6, 1.0, 2.0];

    #[test]
    fn rejects_bad_input() {
        assert_eq!(KaufmanIsing::new(1, 4), Err(KaufmanError::InvalidSize { name: "rows", value: 1 }));
        assert_eq!(KaufmanIsing::new(4, 0), Err(KaufmanError::InvalidSize { name: "columns", value: 0 }));
        let msg = KaufmanIsing::new(3, 1).unwrap_err().to_string();
        assert!(msg.contains("columns") && msg.contains("at least 2"), "{msg}");
        let lat = KaufmanIsing::new(2, 2).unwrap();
        for beta in [0.0, -0.3, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(matches!(lat.thermodynamics(beta), Err(KaufmanError::InvalidBeta(_))));
            assert!(lat.log_partition_function(beta).is_err());
        }
        assert!(lat.thermodynamics(1e-300).is_ok());
    }

    #[test]
    fn critical_beta_and_gamma0_sign() {
        assert!(rel(CRITICAL_BETA, 0.5 * (1.0 + 2f64.sqrt()).ln()) < 1e-15);
        // Z_4 vanishes at T_c, so 2 sinh(2 K_c) = 2 exactly gives ln Z = ln(...) finite.
        let lat = KaufmanIsing::new(5, 7).unwrap();
        assert!(lat.log_partition_function(CRITICAL_BETA).unwrap().is_finite());
    }

    /// All sizes up to N = 16 (rectangular in both orientations) against enumeration.
    /// ln Z, u, c agree to 1e-10 relative: enumeration is exact up to rounding and the
    /// formula's only error is rounding amplified by cancellations (largest for c at low T).
    #[test]
    fn matches_brute_force_enumeration() {
        let sizes = [(2, 2), (2, 3), (3, 2), (3, 3), (2, 5), (3, 4), (4, 3), (2, 7), (4, 4), (2, 8), (8, 2)];
        let mut worst = [0.0f64; 3];
        for (rows, columns) in sizes {
            let lat = KaufmanIsing::new(rows, columns).unwrap();
            for beta in BETAS {
                let (lnz, u, c) = brute_force(rows, columns, beta);
                let t = lat.thermodynamics(beta).unwrap();
                let errs = [
                    rel(t.log_partition_function, lnz),
                    rel(t.energy_per_spin, u),
                    rel(t.specific_heat_per_spin, c),
                ];
                for (w, e) in worst.iter_mut().zip(errs) {
                    *w = w.max(e);
                }
                if errs[2] > 1e-13 { eprintln!("{rows}x{columns} b={beta} c_err={:e} c={c:e}", errs[2]); }
                assert!(errs.iter().all(|e| *e < 1e-10), "{rows}x{columns} beta={beta}: {errs:?} {t:?} {c}");
                let f = -lnz / (beta * (rows * columns) as f64);
                assert!(rel(t.free_energy_per_spin, f) < 1e-10);
                assert!(rel(t.entropy_per_spin, beta * (u - f)) < 1e-9);
            }
        }
        eprintln!("worst relative errors (lnZ, u, c): {worst:?}");
    }
}
