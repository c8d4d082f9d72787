//! The output channel of the teacher–student perceptron: the sign of the
//! pre-activation, each label flipped with probability $\eta$.
//!
//! With $\omega$ the mean and $V$ the variance of the pre-activation
//! $z = w\cdot x/\sqrt N$ under the current beliefs,
//!
//! $$ Z_{out}(y, \omega, V) = \int \mathcal N(z; \omega, V)\\,P(y\mid z)\\,dz
//!    = \eta + (1 - 2\eta)\\,\Phi\big(y\omega/\sqrt V\big), $$
//!
//! ($\Phi(u) = H(-u)$, $H$ the Gaussian tail). Its score
//! $g_{out} = \partial_\omega \ln Z_{out}$ and
//! $\partial_\omega g_{out} = -g_{out}(\omega/V + g_{out})$ are what GAMP
//! needs; the state evolution needs the Fisher information
//! $\mathbb E_{\omega, y}\\,g_{out}^2$ of the channel at overlap $m$, which for
//! a unit-variance prior is, with $u = \sqrt{m/(1-m)}\\,z$,
//!
//! $$ \frac{\hat m}{\alpha} = \frac{(1-2\eta)^2}{1-m}\\,\mathbb E_z\Big[\varphi(u)^2
//!    \Big(\frac{1}{Z(u)} + \frac{1}{Z(-u)}\Big)\Big], \qquad
//!    Z(u) = \eta + (1 - 2\eta)\Phi(u). $$
//!
//! Every ratio is formed in logarithms ($\ln\Phi$ accurate in the far tail),
//! so that $\eta = 0$ and $V \to 0$ (near-perfect recovery) stay finite.

use std::f64::consts::PI;

use crate::numerics::{GaussianRule, log_add_exp, log_normal_cdf};

/// Largest overlap the channel is evaluated at: $V = 1 - m \ge 10^{-15}$.
const MAX_OVERLAP: f64 = 1.0 - 1e-15;

/// $\ln\varphi(u)$.
fn log_normal_pdf(u: f64) -> f64 {
    -0.5 * u * u - 0.5 * (2.0 * PI).ln()
}

/// The sign channel with label-flip probability $\eta \in [0, 1/2)$.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignChannel {
    /// $\ln\eta$ ($-\infty$ for noiseless labels).
    log_noise: f64,
    /// $\ln(1 - 2\eta)$.
    log_clean: f64,
}

impl SignChannel {
    /// The channel with flip probability `noise` (checked by the caller).
    pub fn new(noise: f64) -> Self {
        Self {
            log_noise: noise.ln(),
            log_clean: (1.0 - 2.0 * noise).ln(),
        }
    }

    /// $\ln Z(u) = \ln\big(\eta + (1 - 2\eta)\Phi(u)\big)$.
    fn log_partition(&self, u: f64) -> f64 {
        log_add_exp(self.log_noise, self.log_clean + log_normal_cdf(u))
    }

    /// $(1-2\eta)\varphi(u)/Z(u)$.
    fn ratio(&self, u: f64) -> f64 {
        (self.log_clean + log_normal_pdf(u) - self.log_partition(u)).exp()
    }

    /// $g_{out}(y, \omega, V)$ and $\partial_\omega g_{out}$ for a label $y = \pm 1$.
    pub fn output(&self, label: f64, omega: f64, variance: f64) -> (f64, f64) {
        let root = variance.sqrt();
        let u = label * omega / root;
        let ratio = self.ratio(u);
        // g = y r / sqrt V and dg = -g (omega / V + g) = -(r / V)(u + r).
        (label * ratio / root, -ratio * (u + ratio) / variance)
    }

    /// $\hat m/\alpha$ at overlap $m \in [0, 1]$ (unit-variance prior).
    pub fn information(&self, overlap: f64) -> f64 {
        let m = overlap.clamp(0.0, MAX_OVERLAP);
        let variance = 1.0 - m;
        let scale = (m / variance).sqrt();
        // The integrand varies on |z| ~ 1/scale around 0: grade the rule there.
        let rule = GaussianRule::compact(0.0, (1.0 / scale).min(0.5));
        let psi = |u: f64| {
            let common = 2.0 * (self.log_clean + log_normal_pdf(u));
            (common - self.log_partition(u)).exp() + (common - self.log_partition(-u)).exp()
        };
        rule.expect(|z| psi(scale * z)) / variance
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_matches_a_finite_difference_of_the_log_partition() {
        let channel = SignChannel::new(0.1);
        let log_z = |y: f64, omega: f64, v: f64| {
            (0.1 + 0.8 * crate::numerics::normal_cdf(y * omega / v.sqrt())).ln()
        };
        for &(y, omega, v) in &[(1.0, 0.3, 0.5), (-1.0, 1.2, 0.2), (1.0, -2.0, 0.9)] {
            let h = 1e-5;
            let (g, dg) = channel.output(y, omega, v);
            let fd = (log_z(y, omega + h, v) - log_z(y, omega - h, v)) / (2.0 * h);
            let fd2 = (log_z(y, omega + h, v) - 2.0 * log_z(y, omega, v) + log_z(y, omega - h, v))
                / (h * h);
            assert!((g - fd).abs() < 1e-8, "{g} {fd}");
            assert!((dg - fd2).abs() < 1e-4, "{dg} {fd2}");
        }
    }

    #[test]
    fn noiseless_channel_is_finite_far_in_the_tail_and_at_zero_overlap() {
        let channel = SignChannel::new(0.0);
        // A wrongly signed label 40 standard deviations out: g ~ -omega/V, dg ~ -1/V.
        let (g, dg) = channel.output(-1.0, 40.0, 1.0);
        assert!(
            (g + 40.0).abs() < 0.1 && (dg + 1.0).abs() < 0.01,
            "{g} {dg}"
        );
        // m = 0: E g^2 = 4 phi(0)^2 = 2/pi.
        assert!((channel.information(0.0) - 2.0 / PI).abs() < 1e-14);
        assert!(channel.information(1.0).is_finite());
    }
}
