//! The two halves of the teacher–student replica-symmetric equations: the
//! output channel (labels from a noisy sign of the teacher, Boltzmann factor
//! of the training errors) and the weight prior (spherical or $\pm1$).
//!
//! With $b = \sqrt{q/(1-q)}$, $a = R/\sqrt{q - R^2}$, the label probability
//! $P(t) = \eta + (1-2\eta)\Phi(at)$ and the Boltzmann factor of one
//! pattern $\Psi(t) = e^{-\beta} + (1-e^{-\beta})\Phi(bt)$, the energetic term is
//! $G_E = 2\int Dt\\,P(t)\ln\Psi(t)$ (the $y = -1$ half equals the $y = +1$
//! half by $t \to -t$). Its derivatives, after the Gaussian products
//! $\varphi(t)\varphi(ct) = \varphi(0)\varphi(t\sqrt{1+c^2})$ and one integration by parts, are
//!
//! $$ \hat R = \alpha\partial_RG_E = \frac{2\alpha(1-2\eta)\varphi(0)(1-e^{-\beta})}{\sqrt{1-q}}
//! \int Ds\\,\frac{\varphi(bcs)}{\Psi(cs)}, \quad c = \sqrt{1 - R^2/q}, $$
//!
//! $$ \hat q = -2\alpha\partial_qG_E = \frac Rq\hat R - \frac{2\alpha(1-e^{-\beta})}{\sqrt q\\,(1-q)^{3/2}}\int Dt\\,P(t)\\,t\\,\frac{\varphi(bt)}{\Psi(t)}, $$
//!
//! none singular as $R^2 \to q$ or $q \to 1$. On the Nishimori line
//! ($e^{-\beta} = \eta/(1-\eta)$, $R = q$) both reduce to
//! $\hat q = \frac{\alpha(1-2\eta)^2}{\pi\sqrt{1-q}}\int Du\\,\frac{e^{-qu^2/2}}{\eta + (1-2\eta)\Phi(\sqrt q\\,u)}$
//! (Engel & Van den Broeck, eq. 2.42 at $\eta = 0$), whose integrand is smooth.

use std::f64::consts::PI;

use super::gaussian::{h, ln_floor_h, ln_h};
use super::teacher_student::Weights;
use crate::numerics::{GaussianRule, log_add_exp, log_two_cosh, normal_pdf};

/// A Gibbs student at inverse temperature $\beta$ (or the Bayes one) on data
/// with label noise $\eta$, at load $\alpha$.
#[derive(Debug, Clone, Copy)]
pub(super) struct Channel {
    pub alpha: f64,
    pub noise: f64,
    /// $\ln e^{-\beta}$: $-1/T$, or $-\infty$ at $T = 0$.
    pub ln_floor: f64,
}

/// $\ln\Phi(x)$.
fn ln_cdf(x: f64) -> f64 {
    ln_h(-x)
}

impl Channel {
    fn one_minus_floor(&self) -> f64 {
        -self.ln_floor.exp_m1()
    }

    /// $\ln\Psi(t)$ at slope $b$.
    fn ln_psi(&self, b: f64, t: f64) -> f64 {
        ln_floor_h(self.ln_floor, -b * t)
    }

    /// $\varphi(bt)/\Psi(t)$, without under- or overflow.
    fn pdf_over_psi(&self, b: f64, t: f64) -> f64 {
        let x = b * t;
        (-0.5 * x * x - 0.5 * (2.0 * PI).ln() - self.ln_psi(b, t)).exp()
    }

    /// $P(t) = \eta + (1-2\eta)\Phi(at)$ with $a = R/\sqrt{q-R^2}$ (a step when $R^2 = q$).
    fn label(&self, r: f64, spread: f64, t: f64) -> f64 {
        let phi = if spread > 0.0 {
            h(-r * t / spread)
        } else if t * r > 0.0 {
            1.0
        } else {
            0.0
        };
        self.noise + (1.0 - 2.0 * self.noise) * phi
    }

    /// $(\hat R, \hat q)$ at $(R, q)$, with $w = 1 - q$ given separately.
    pub fn conjugates(&self, r: f64, q: f64, w: f64) -> (f64, f64) {
        let b = (q / w).sqrt();
        let c = (1.0 - r * r / q).max(0.0).sqrt();
        let gain = self.one_minus_floor();
        let rule = GaussianRule::graded(0.0, 1.0 / (b * c).max(1e-300));
        let mean = rule.expect(|s| self.pdf_over_psi(b, c * s));
        let r_hat =
            2.0 * self.alpha * (1.0 - 2.0 * self.noise) * normal_pdf(0.0) * gain * mean / w.sqrt();
        let spread = (q - r * r).max(0.0).sqrt();
        let width = (1.0 / b).min(if r > 0.0 { spread / r } else { 1.0 });
        let rule = GaussianRule::graded(0.0, width.max(1e-300));
        let tilt = rule.expect(|t| self.label(r, spread, t) * t * self.pdf_over_psi(b, t));
        let q_hat = r / q * r_hat - 2.0 * self.alpha * gain * tilt / (q.sqrt() * w * w.sqrt());
        (r_hat, q_hat)
    }

    /// $G_E = 2\int Dt\\,P(t)\ln\Psi(t)$.
    pub fn energetic(&self, r: f64, q: f64, w: f64) -> f64 {
        let b = (q / w).sqrt();
        let spread = (q - r * r).max(0.0).sqrt();
        let width = (1.0 / b).min(if r > 0.0 { spread / r } else { 1.0 });
        let rule = GaussianRule::graded(0.0, width.max(1e-300));
        2.0 * rule.expect(|t| self.label(r, spread, t) * self.ln_psi(b, t))
    }

    /// $\ln Z(x)$, $Z = \eta + (1-2\eta)\Phi(x)$: the matched label likelihood.
    fn ln_matched(&self, x: f64) -> f64 {
        if self.noise == 0.0 {
            ln_cdf(x)
        } else {
            log_add_exp(self.noise.ln(), (1.0 - 2.0 * self.noise).ln() + ln_cdf(x))
        }
    }

    /// $\hat q(q)$ on the Nishimori line (module docs).
    pub fn nishimori_conjugate(&self, q: f64, w: f64) -> f64 {
        let sq = q.sqrt();
        let mean =
            GaussianRule::smooth().expect(|u| (-0.5 * q * u * u - self.ln_matched(sq * u)).exp());
        self.alpha * (1.0 - 2.0 * self.noise).powi(2) * mean / (PI * w.sqrt())
    }

    /// $G_E$ on the Nishimori line with the normalised likelihood:
    /// $2\int Dt\\,Z(bt)\ln Z(bt)$.
    pub fn nishimori_energetic(&self, q: f64, w: f64) -> f64 {
        let b = (q / w).sqrt();
        let rule = GaussianRule::graded(0.0, (1.0 / b).min(1.0));
        2.0 * rule.expect(|t| {
            let ln_z = self.ln_matched(b * t);
            if ln_z == f64::NEG_INFINITY {
                0.0
            } else {
                ln_z.exp() * ln_z
            }
        })
    }
}

/// The prior side: $(R, q, 1-q)$ from $(\hat R, \hat q)$, and the entropic
/// term $G_S$ at $(R, q, \hat R, \hat q)$.
///
/// Spherical: stationarity of $G_S = \frac12\ln(1-q) + \frac{q-R^2}{2(1-q)}$
/// gives $\hat R = R/w$, $\hat q = (q - R^2)/w^2$, hence
/// $w = 2/(1 + \sqrt{1 + 4(\hat q + \hat R^2)})$ and $R = \hat Rw$.
/// Binary: $R = \langle\tanh\rangle$, $q = \langle\tanh^2\rangle$, $w = \langle\operatorname{sech}^2\rangle$
/// at $x = \sqrt{\hat q}z + \hat R$, and
/// $G_S = -\hat RR - \frac{\hat q}2(1-q) + \langle\ln 2\cosh x\rangle$.
pub(super) fn prior(weights: Weights, r_hat: f64, q_hat: f64) -> (f64, f64, f64) {
    match weights {
        Weights::Spherical => {
            let w = 2.0 / (1.0 + (1.0 + 4.0 * (q_hat + r_hat * r_hat)).sqrt());
            (r_hat * w, 1.0 - w, w)
        }
        Weights::Binary => {
            let root = q_hat.sqrt().max(1e-300);
            let rule = GaussianRule::compact(-r_hat / root, 1.0 / root);
            let (mut r, mut q, mut w) = (0.0, 0.0, 0.0);
            for (&z, &weight) in rule.nodes.iter().zip(&rule.weights) {
                let x = root * z + r_hat;
                let e = (-2.0 * x.abs()).exp();
                let tanh = (1.0 - e) / (1.0 + e) * x.signum();
                r += weight * tanh;
                q += weight * tanh * tanh;
                w += weight * 4.0 * e / ((1.0 + e) * (1.0 + e));
            }
            (r, q, w)
        }
    }
}

/// The entropic term $G_S$ (see [`prior`]).
pub(super) fn entropic(weights: Weights, r: f64, q: f64, w: f64, r_hat: f64, q_hat: f64) -> f64 {
    match weights {
        Weights::Spherical => 0.5 * w.ln() + 0.5 * (q - r * r) / w,
        Weights::Binary => {
            let root = q_hat.sqrt().max(1e-300);
            let rule = GaussianRule::compact(-r_hat / root, 1.0 / root);
            -r_hat * r - 0.5 * q_hat * w + rule.expect(|z| log_two_cosh(root * z + r_hat))
        }
    }
}

/// $1 - R$ on the Nishimori line for the binary prior, $\langle 1 - \tanh x\rangle$
/// at $x = \sqrt{\hat q}z + \hat q$, computed without cancellation.
pub(super) fn binary_nishimori_gap(q_hat: f64) -> f64 {
    let root = q_hat.sqrt();
    let rule = GaussianRule::compact(-root, 1.0 / root);
    rule.expect(|z| {
        let x = root * z + q_hat;
        if x > 0.0 {
            let e = (-2.0 * x).exp();
            2.0 * e / (1.0 + e)
        } else {
            2.0 / (1.0 + (2.0 * x).exp())
        }
    })
}
