//! The top of a finite-temperature Parisi measure in closed form, so that
//! the functional stays well conditioned as $T \to 0$.
//!
//! At $T > 0$ the last level of $\gamma$ is $\beta$ on $[q_k, 1)$, where the
//! Cole–Hopf step is exact: $\Psi_k(u) = T\ln 2\cosh\beta u + \beta v/2$,
//! $v = \xi'(1) - \xi'(q_k)$. As $T \to 0$ this is $|u|$ with a kink of width
//! $T$, which no grid of spacing `dx` resolves (the cause of the garbage
//! below $T \approx 0.05$ before this module existed). Here the level below it,
//! $\gamma$ on $[q_{k-1}, q_k)$ with variance $w = \xi'(q_k) - \xi'(q_{k-1})$,
//! is merged with it analytically:
//!
//! $$ \Psi_{k-1}(y) = \frac{\beta v}2 + \frac1\gamma\ln(A + B),\quad
//!    A = \mathbb E\, e^{\gamma|u|},\quad B = \mathbb E\, e^{\gamma|u|}\big[(1 + e^{-2\beta|u|})^{\gamma T} - 1\big], $$
//!
//! $u = y + z\sqrt w$. $A$ is the zero-temperature closed form (through
//! $\ln\Phi$); $B$ lives within a few $T$ of $u = 0$ and is, with $t = \beta u$,
//! $B = T\varphi_w(y)\int dt\\, F(t)\\, e^{a t - b t^2}$, $F = e^{x|t|}[(1+e^{-2|t|})^x - 1]$,
//! $x = \gamma T$, $a = Ty/w$, $b = T^2/2w$: a smooth integrand on a fixed
//! Simpson grid in $t$, whose Gaussian factor is carried by recursion. It is
//! $O(T^2)$ relative to $A$, and every quantity is a ratio to $A$, so nothing
//! overflows at any $T$ and the limit $T \to 0$ is the zero-temperature
//! level with its upper end at $q_k$.

use crate::numerics::{log_add_exp, log_normal_cdf};
use std::f64::consts::PI;

/// The merged top level on a grid.
#[derive(Debug, Clone)]
pub(crate) struct TopLevel {
    /// $\Psi_{k-1}(y)$ including $\beta v/2$.
    pub values: Vec<f64>,
    /// $\Psi_{k-1}'(y)$.
    pub slopes: Vec<f64>,
    /// $\partial\Psi_{k-1}/\partial\gamma$ at fixed $w$, $T$.
    pub d_gamma: Vec<f64>,
    /// $\partial\Psi_{k-1}/\partial w$ at fixed $\gamma$, $T$ (the $\beta v/2$ term excluded).
    pub d_w: Vec<f64>,
}

/// The Simpson rule in $t$ for $B$ and its derivatives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rule {
    step: f64,
    intervals: usize,
}

impl Rule {
    /// A rule resolving both the kink ($t$ of order 1) and the Gaussian
    /// factor of width $\sqrt w/T$ in $t$.
    pub fn new(w: f64, gamma: f64, temperature: f64) -> Self {
        let x = (gamma * temperature).clamp(0.0, 1.5);
        let reach = 36.0 / (2.0 - x);
        let step = 0.025f64.min(0.1 * w.sqrt() / temperature).max(1e-4);
        let intervals = (((reach / step).ceil() as usize).div_ceil(2) * 2).min(400_000);
        Self { step, intervals }
    }
}

/// The merged level on the points `x`: `w` the variance of the level below
/// the last, `last_variance` the $v$ of the last, at temperature $T > 0$.
pub(crate) fn top_level(
    x: &[f64],
    w: f64,
    gamma: f64,
    temperature: f64,
    last_variance: f64,
    rule: Rule,
) -> TopLevel {
    let beta = 1.0 / temperature;
    let tilt = gamma * temperature;
    let h = rule.step;
    let n = rule.intervals;
    let b = temperature * temperature / (2.0 * w);
    // Weights (Simpson times F and dF/dgamma) and the Gaussian recursion factors.
    let mut p = Vec::with_capacity(n + 1);
    let mut pg = Vec::with_capacity(n + 1);
    let mut q = Vec::with_capacity(n + 1);
    for i in 0..=n {
        let t = i as f64 * h;
        let simpson = if i == 0 || i == n {
            h / 3.0
        } else if i % 2 == 1 {
            4.0 * h / 3.0
        } else {
            2.0 * h / 3.0
        };
        let log1p = (-2.0 * t).exp().ln_1p();
        let g = (tilt * log1p).exp_m1();
        let grow = (tilt * t).exp();
        let f = grow * g;
        p.push(simpson * f);
        pg.push(simpson * temperature * (t * f + grow * (1.0 + g) * log1p));
        q.push((-b * h * h * (2 * i + 1) as f64).exp());
    }
    let sigma = w.sqrt();
    let log_norm = 0.5 * (2.0 * PI * w).ln();
    let half_log_two_pi = 0.5 * (2.0 * PI).ln();
    let shift = 0.5 * beta * last_variance;
    let mut out = TopLevel {
        values: Vec::with_capacity(x.len()),
        slopes: Vec::with_capacity(x.len()),
        d_gamma: Vec::with_capacity(x.len()),
        d_w: Vec::with_capacity(x.len()),
    };
    for &y in x {
        // A: the zero-temperature closed form.
        let a1 = y / sigma + gamma * sigma;
        let a2 = -y / sigma + gamma * sigma;
        let (la, lb) = (log_normal_cdf(a1), log_normal_cdf(a2));
        let log_a = 0.5 * gamma * gamma * w + log_add_exp(gamma * y + la, -gamma * y + lb);
        let tanh = (gamma * y + 0.5 * (la - lb)).tanh();
        let da = gamma * tanh;
        let log_phi = -y * y / (2.0 * w) - log_norm;
        let phi_over_a = (log_phi - log_a).exp();
        let dda = gamma * gamma + 2.0 * gamma * phi_over_a;
        let mills = |z: f64, lz: f64| (-0.5 * z * z - half_log_two_pi - lz).exp();
        let weight = 0.5 * (1.0 + tanh);
        let dga = gamma * w
            + weight * (y + sigma * mills(a1, la))
            + (1.0 - weight) * (-y + sigma * mills(a2, lb));
        // B, relative to A.
        let (mut s0, mut s1, mut s2, mut sg) = (0.0, 0.0, 0.0, 0.0);
        if y * y / (2.0 * w) < 60.0 {
            let c = (temperature * y / w * h).exp();
            let ci = 1.0 / c;
            let (mut up, mut down) = (1.0f64, 1.0f64);
            for i in 0..=n {
                let t = i as f64 * h;
                let sum = up + down;
                s0 += p[i] * sum;
                s1 += p[i] * t * (up - down);
                s2 += p[i] * t * t * sum;
                sg += pg[i] * sum;
                up *= c * q[i];
                down *= ci * q[i];
                if up < 1e-300 && down < 1e-300 {
                    break;
                }
            }
        }
        let k = temperature * phi_over_a;
        let r = k * s0;
        let db = (temperature * k * s1 - y * r) / w;
        let dwb = k / (2.0 * w)
            * ((temperature * temperature * s2 - 2.0 * temperature * y * s1 + y * y * s0) / w - s0);
        let dgb = k * sg;
        let log_ab = log_a + r.ln_1p();
        let scale = 1.0 / (gamma * (1.0 + r));
        out.values.push(log_ab / gamma + shift);
        out.slopes.push((da + db) * scale);
        out.d_w.push((0.5 * dda + dwb) * scale);
        out.d_gamma
            .push(-log_ab / (gamma * gamma) + (dga + dgb) * scale);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numerics::log_two_cosh;

    /// $\frac1\gamma\ln\mathbb E\\,(2\cosh\beta u)^{\gamma T} + \beta v/2$ by brute force:
    /// a fine trapezoid in $z$ over $\pm 12$ standard deviations.
    fn brute(y: f64, w: f64, gamma: f64, t: f64, v: f64) -> f64 {
        let n = 2_000_000;
        let sigma = w.sqrt();
        let dz = 24.0 / n as f64;
        let mut terms = Vec::with_capacity(n + 1);
        for i in 0..=n {
            let z = -12.0 + i as f64 * dz;
            let u = y + sigma * z;
            terms.push(gamma * t * log_two_cosh(u / t) - 0.5 * z * z);
        }
        let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = terms.iter().map(|l| (l - top).exp()).sum::<f64>() * dz / (2.0 * PI).sqrt();
        (top + sum.ln()) / gamma + 0.5 * v / t
    }

    #[test]
    fn merged_level_is_the_gaussian_expectation_of_the_kink() {
        for &(w, gamma, t) in &[
            (0.4, 1.3, 0.05),
            (0.7, 2.0, 0.01),
            (0.3, 1.0, 0.3),
            (0.05, 3.0, 0.02),
        ] {
            let v = 0.02;
            let ys = [0.0, 0.003, 0.1, 0.7, 2.5];
            let top = top_level(&ys, w, gamma, t, v, Rule::new(w, gamma, t));
            for (j, &y) in ys.iter().enumerate() {
                let exact = brute(y, w, gamma, t, v);
                assert!(
                    (top.values[j] - exact).abs() < 1e-9,
                    "w {w} gamma {gamma} T {t} y {y}: {} {exact}",
                    top.values[j]
                );
            }
            // Derivatives against differences of the closed form itself.
            let eps = 1e-5;
            let rule = Rule::new(w, gamma, t);
            let up = |w2: f64, g2: f64, ys: &[f64]| top_level(ys, w2, g2, t, v, rule).values;
            let (yp, ym): (Vec<f64>, Vec<f64>) = ys.iter().map(|y| (y + eps, y - eps)).unzip();
            let (vp, vm) = (up(w, gamma, &yp), up(w, gamma, &ym));
            let (wp, wm) = (up(w + eps, gamma, &ys), up(w - eps, gamma, &ys));
            let (gp, gm) = (up(w, gamma + eps, &ys), up(w, gamma - eps, &ys));
            for j in 0..ys.len() {
                let slope = (vp[j] - vm[j]) / (2.0 * eps);
                let dw = (wp[j] - wm[j]) / (2.0 * eps);
                let dg = (gp[j] - gm[j]) / (2.0 * eps);
                assert!(
                    (slope - top.slopes[j]).abs() < 1e-7,
                    "slope {j}: {slope} {}",
                    top.slopes[j]
                );
                assert!(
                    (dw - top.d_w[j]).abs() < 1e-6,
                    "d_w {j}: {dw} {}",
                    top.d_w[j]
                );
                assert!(
                    (dg - top.d_gamma[j]).abs() < 1e-6,
                    "d_gamma {j}: {dg} {}",
                    top.d_gamma[j]
                );
            }
        }
    }
}
