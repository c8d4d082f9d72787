//! The Parisi functional for a piecewise-constant order parameter, evaluated
//! on a grid, with its gradient.
//!
//! # The functional
//!
//! For an Ising model whose Hamiltonian has covariance
//! $\mathbb E\\,H(s)H(s') = N\xi(R_{ss'})$ (SK: $\xi(q) = q^2/2$; $p$-spin:
//! $\xi(q) = q^p/2$), write $\gamma(s) = \beta x(s)$ for the Parisi function
//! scaled by $\beta$. Then (Parisi; Auffinger–Chen at $T = 0$)
//!
//! $$ -f = \inf_\gamma \Big[\Psi_\gamma(0, h) - \tfrac12\int_0^1 \gamma(s)\\, s\\,\xi''(s)\\,ds\Big], $$
//!
//! where $\partial_s\Psi = -\frac{\xi''(s)}2\left(\partial_y^2\Psi + \gamma(s)(\partial_y\Psi)^2\right)$
//! with $\Psi(1, y) = T\ln 2\cosh(y/T)$ (or $|y|$ at $T = 0$), and $\gamma \le \beta$.
//!
//! # Discretisation
//!
//! $\gamma$ is a step function: $0$ on $[0, s_0)$, $\gamma_l$ on $[s_l, s_{l+1})$,
//! $l = 0 \dots L-1$, $s_L = 1$ (at $T > 0$ the last value is $\beta$: this is
//! $k$-step RSB with $L = k+1$ levels; at $T = 0$, $L = k$). On each step
//! the PDE is solved exactly by the Cole–Hopf transform,
//! $\Psi_l(y) = \gamma_l^{-1}\ln \mathbb E_z\\, e^{\gamma_l\Psi_{l+1}(y + z\sqrt{v_l})}$,
//! $v_l = \xi'(s_{l+1}) - \xi'(s_l)$. The last step is done in closed form
//! ($T\ln 2\cosh\beta y + \beta v/2$; at $T = 0$ through $\Phi$). The other
//! Gaussian convolutions are sums on a uniform grid of spacing `dx` with the
//! normalised sampled Gaussian kernel, whose error falls like
//! $e^{-2\pi^2 v/dx^2}$ (below $10^{-9}$ for $\sqrt v > 1.5\\,dx$); steps with
//! $\sqrt v < 2\\,dx$ use the second-order expansion
//! $\Psi_l = \Psi_{l+1} + \frac v2(\Psi'' + \gamma\Psi'^2)$ instead. Outside the
//! grid $\Psi$ is continued linearly (it is asymptotically $|y| + $ const).
//!
//! # Gradient
//!
//! With the forward (tilted) densities $\rho_l$ of the cavity field at $s_l$,
//! $\partial_{s_l} P = \frac12(\gamma_l - \gamma_{l-1})\xi''(s_l)\\,(s_l - \mathbb E_{\rho_l}\Psi_l'^2)$
//! and $\partial_{\gamma_l}P = \gamma_l^{-1}(\mathbb E_{\rho_{l+1}}\Psi_{l+1} - \mathbb E_{\rho_l}\Psi_l) - \frac12[s\xi' - \xi]_{s_l}^{s_{l+1}}$.
//! These are the continuum derivatives evaluated on the grid: they differ
//! from the derivatives of the discrete functional by $O(dx^2)$, which moves
//! the minimum value only at second order.

use super::kink::{self, Rule, TopLevel};
use crate::numerics::{log_add_exp, log_normal_cdf, log_two_cosh};

/// Below this temperature the last two levels are merged in closed form
/// ([`kink`]): the kink of width $T$ of the last level is then never sampled
/// on the grid. Above it the grid resolves the kink (spacing $0.05 \ll T$).
pub(crate) const LOW_TEMPERATURE: f64 = 0.25;

/// $\xi(q) = q^p/2$: SK is $p = 2$.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Mixture {
    pub p: i32,
}

impl Mixture {
    pub fn xi(self, s: f64) -> f64 {
        0.5 * s.powi(self.p)
    }
    pub fn xi1(self, s: f64) -> f64 {
        0.5 * f64::from(self.p) * s.powi(self.p - 1)
    }
    pub fn xi2(self, s: f64) -> f64 {
        0.5 * f64::from(self.p * (self.p - 1)) * s.powi(self.p - 2)
    }
    /// $[s\xi'(s) - \xi(s)]_a^b = \int_a^b s\xi''(s)\\,ds$.
    pub fn penalty(self, a: f64, b: f64) -> f64 {
        let g = |s: f64| s * self.xi1(s) - self.xi(s);
        g(b) - g(a)
    }
}

/// The fixed data of a Parisi problem.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Problem {
    pub mixture: Mixture,
    /// $T \ge 0$.
    pub temperature: f64,
    pub field: f64,
    /// Grid spacing of the cavity-field variable.
    pub dx: f64,
}

/// A step function $\gamma$: level $l$ starts at `starts[l]` with value `gammas[l]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measure {
    pub starts: Vec<f64>,
    pub gammas: Vec<f64>,
}

/// Value and derivatives of the Parisi functional at one measure.
#[derive(Debug, Clone)]
pub(crate) struct Evaluation {
    /// $P(\gamma)$; $-f = \inf P$.
    pub value: f64,
    pub grad_starts: Vec<f64>,
    pub grad_gammas: Vec<f64>,
    /// $m = \partial_h P$.
    pub magnetisation: f64,
    /// $\partial P/\partial T$ (the entropy at a minimum), when asked for in the merged formulation.
    pub entropy: Option<f64>,
}

struct Grid {
    x: Vec<f64>,
    center: usize,
    dx: f64,
}

impl Problem {
    /// The grid for `measure`: spacing `dx`, refined (down to `dx / 8`) so that
    /// the thinnest step still spans two grid spacings.
    fn grid(&self, measure: &Measure) -> Grid {
        let spread = self.mixture.xi1(1.0).sqrt();
        let half = 9.0 * spread + 1.0;
        // The merged top step (if any) is done in closed form and needs no grid.
        let grid_steps = if self.merged(measure) {
            measure.starts.len().saturating_sub(2)
        } else {
            measure.starts.len().saturating_sub(1)
        };
        let thinnest = (0..grid_steps)
            .map(|l| self.mixture.xi1(measure.starts[l + 1]) - self.mixture.xi1(measure.starts[l]))
            .filter(|v| v.is_finite() && *v > 0.0)
            .fold(f64::INFINITY, f64::min)
            .sqrt();
        let dx = self.dx.min((thinnest / 2.5).max(self.dx / 8.0));
        let m = (half / dx).ceil() as usize;
        let x = (0..2 * m + 1)
            .map(|j| self.field + (j as f64 - m as f64) * dx)
            .collect();
        Grid { x, center: m, dx }
    }

    /// The last level in closed form: values, derivatives, and derivatives in $\gamma$ (at $T = 0$).
    fn last_level(&self, grid: &Grid, start: f64, gamma: f64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let v = self.mixture.xi1(1.0) - self.mixture.xi1(start);
        if self.temperature > 0.0 {
            let beta = 1.0 / self.temperature;
            let values = grid
                .x
                .iter()
                .map(|&y| self.temperature * log_two_cosh(beta * y) + 0.5 * beta * v)
                .collect();
            let slopes = grid.x.iter().map(|&y| (beta * y).tanh()).collect();
            (values, slopes, vec![0.0; grid.x.len()])
        } else {
            let sigma = v.max(1e-300).sqrt();
            let value = |y: f64, mu: f64| {
                let a = log_normal_cdf(y / sigma + mu * sigma);
                let b = log_normal_cdf(-y / sigma + mu * sigma);
                0.5 * mu * v + log_add_exp(mu * y + a, -mu * y + b) / mu
            };
            let h = 1e-5 * gamma;
            let values = grid.x.iter().map(|&y| value(y, gamma)).collect();
            let slopes = grid
                .x
                .iter()
                .map(|&y| {
                    let a = log_normal_cdf(y / sigma + gamma * sigma);
                    let b = log_normal_cdf(-y / sigma + gamma * sigma);
                    (gamma * y + 0.5 * (a - b)).tanh()
                })
                .collect();
            let derivative = grid
                .x
                .iter()
                .map(|&y| (value(y, gamma + h) - value(y, gamma - h)) / (2.0 * h))
                .collect();
            (values, slopes, derivative)
        }
    }

    /// Whether the last two levels are merged in closed form ([`kink`]): at
    /// $0 < T <$ [`LOW_TEMPERATURE`], with at least one step below the last.
    pub fn merged(&self, measure: &Measure) -> bool {
        self.temperature > 0.0 && self.temperature < LOW_TEMPERATURE && measure.starts.len() >= 2
    }

    /// The merged top level of `measure` at temperature `temperature`.
    fn merged_top(
        &self,
        grid: &Grid,
        measure: &Measure,
        temperature: f64,
        rule: Option<Rule>,
    ) -> TopLevel {
        let levels = measure.starts.len();
        let (lower, upper) = (measure.starts[levels - 2], measure.starts[levels - 1]);
        let gamma = measure.gammas[levels - 2];
        let w = self.mixture.xi1(upper) - self.mixture.xi1(lower);
        let last = self.mixture.xi1(1.0) - self.mixture.xi1(upper);
        let rule = rule.unwrap_or_else(|| Rule::new(w, gamma, temperature));
        kink::top_level(&grid.x, w, gamma, temperature, last, rule)
    }

    /// Evaluates $P$ and, if asked, its gradient. `measure.gammas` has one
    /// value per level; at $T > 0$ the last must be $\beta$.
    pub fn evaluate(&self, measure: &Measure, gradient: bool) -> Evaluation {
        self.evaluate_with(measure, gradient, false)
    }

    /// The entropy $s = -\partial f/\partial T$ at a minimum, in the merged
    /// formulation: the explicit derivative of $P$ at fixed $q_0 \dots q_{k-1}$,
    /// $\gamma_0 \dots \gamma_{k-1}$ and $C = \beta(1 - q_k)$ (at a stationary point the
    /// other derivatives vanish). Well conditioned as $T \to 0$, unlike
    /// $\beta(u - f)$. `None` outside the merged formulation.
    pub fn entropy(&self, measure: &Measure) -> Option<f64> {
        self.evaluate_with(measure, false, true).entropy
    }

    fn evaluate_with(&self, measure: &Measure, gradient: bool, entropy: bool) -> Evaluation {
        let grid = self.grid(measure);
        let levels = measure.starts.len();
        let mixture = self.mixture;
        let s = &measure.starts;
        let g = &measure.gammas;
        let end = |l: usize| if l + 1 < levels { s[l + 1] } else { 1.0 };
        let merged = self.merged(measure);
        // The highest level computed on the grid (in closed form).
        let top = if merged { levels - 2 } else { levels - 1 };
        let mut psi: Vec<Vec<f64>> = vec![Vec::new(); levels];
        let mut slopes: Vec<Vec<f64>> = vec![Vec::new(); levels];
        let (top_dgamma, top_dw) = if merged {
            let level = self.merged_top(&grid, measure, self.temperature, None);
            psi[top] = level.values;
            slopes[top] = level.slopes;
            (level.d_gamma, level.d_w)
        } else {
            let (last, last_slopes, last_dgamma) = self.last_level(&grid, s[top], g[top]);
            psi[top] = last;
            slopes[top] = last_slopes;
            (last_dgamma, Vec::new())
        };
        let mut kernels: Vec<Option<Kernel>> = (0..levels).map(|_| None).collect();
        for l in (0..top).rev() {
            let v = mixture.xi1(s[l + 1]) - mixture.xi1(s[l]);
            // The scale on which psi[l + 1] varies: the variance still to
            // come below the last level (which does not smooth: its kink has width T).
            let remaining = if merged {
                mixture.xi1(s[levels - 1]) - mixture.xi1(s[l + 1])
            } else {
                mixture.xi1(1.0) - mixture.xi1(s[l + 1])
            };
            let smoothness = (remaining + self.temperature * self.temperature).sqrt();
            let kernel = Kernel::new(v, g[l], grid.dx, smoothness);
            (psi[l], slopes[l]) = match &kernel {
                Some(k) => k.backward(&psi[l + 1], &slopes[l + 1], g[l]),
                None => {
                    let values = taylor(&psi[l + 1], g[l], v, grid.dx);
                    let d = derivative(&values, grid.dx);
                    (values, d)
                }
            };
            kernels[l] = kernel;
        }
        let v0 = mixture.xi1(s[0]);
        let initial = initial_density(&grid, v0);
        let start_value = match &initial {
            Some(rho) => dot(rho, &psi[0]),
            None => {
                let c = grid.center;
                let second =
                    (psi[0][c + 1] - 2.0 * psi[0][c] + psi[0][c - 1]) / (grid.dx * grid.dx);
                psi[0][c] + 0.5 * v0 * second
            }
        };
        let penalty: f64 = (0..levels)
            .map(|l| g[l] * mixture.penalty(s[l], end(l)))
            .sum();
        let value = start_value - 0.5 * penalty;
        // Forward densities.
        let mut rho = initial.unwrap_or_else(|| {
            let mut r = vec![0.0; grid.x.len()];
            r[grid.center] = 1.0;
            r
        });
        let mut grad_starts = vec![0.0; levels];
        let mut grad_gammas = vec![0.0; levels];
        let mut magnetisation = 0.0;
        if !gradient {
            for l in 0..top {
                if let Some(k) = &kernels[l] {
                    rho = k.forward(&rho, &psi[l], &psi[l + 1], g[l]);
                }
            }
            magnetisation = dot(&rho, &slopes[top]);
            let entropy = (entropy && merged).then(|| self.merged_entropy(&grid, measure, &rho));
            return Evaluation {
                value,
                grad_starts,
                grad_gammas,
                magnetisation,
                entropy,
            };
        }
        for l in 0..=top {
            let square: f64 = rho.iter().zip(&slopes[l]).map(|(r, d)| r * d * d).sum();
            let below = if l == 0 { 0.0 } else { g[l - 1] };
            grad_starts[l] = 0.5 * (g[l] - below) * mixture.xi2(s[l]) * (s[l] - square);
            let own_penalty = 0.5 * mixture.penalty(s[l], end(l));
            if l == top {
                grad_gammas[l] = dot(&rho, &top_dgamma) - own_penalty;
                magnetisation = dot(&rho, &slopes[l]);
                if merged {
                    // d/dq_k of E Psi_top - (gamma pen(q_{k-1}, q_k) + beta pen(q_k, 1)) / 2,
                    // with beta v / 2 in Psi_top: the beta terms combine into C / 2.
                    let upper = s[levels - 1];
                    let beta = g[levels - 1];
                    grad_starts[levels - 1] = mixture.xi2(upper)
                        * (dot(&rho, &top_dw) - 0.5 * g[l] * upper - 0.5 * beta * (1.0 - upper));
                }
            } else {
                let here = dot(&rho, &psi[l]);
                match &kernels[l] {
                    Some(k) => {
                        let next = k.forward(&rho, &psi[l], &psi[l + 1], g[l]);
                        grad_gammas[l] = (dot(&next, &psi[l + 1]) - here) / g[l] - own_penalty;
                        rho = next;
                    }
                    None => {
                        let v = mixture.xi1(s[l + 1]) - mixture.xi1(s[l]);
                        let e: f64 = rho.iter().zip(&slopes[l + 1]).map(|(r, d)| r * d * d).sum();
                        grad_gammas[l] = 0.5 * v * e - own_penalty;
                    }
                }
            }
        }
        let entropy = (entropy && merged).then(|| self.merged_entropy(&grid, measure, &rho));
        Evaluation {
            value,
            grad_starts,
            grad_gammas,
            magnetisation,
            entropy,
        }
    }

    /// $\partial P/\partial T$ at fixed $C = \beta(1 - q_k)$ and everything
    /// below: only the merged top level and the two top penalties depend on
    /// $T$ then, and $\partial P/\partial\Psi_{top}(y) = \rho_{top}(y)$.
    fn merged_entropy(&self, grid: &Grid, measure: &Measure, rho: &[f64]) -> f64 {
        let levels = measure.starts.len();
        let t = self.temperature;
        let upper = measure.starts[levels - 1];
        let lower = measure.starts[levels - 2];
        let gamma = measure.gammas[levels - 2];
        let c = (1.0 - upper) / t;
        let at = |temperature: f64| {
            let q = 1.0 - c * temperature;
            let mut shifted = measure.clone();
            shifted.starts[levels - 1] = q;
            shifted.gammas[levels - 1] = 1.0 / temperature;
            let w = self.mixture.xi1(upper) - self.mixture.xi1(lower);
            let rule = Rule::new(w, gamma, t);
            let level = self.merged_top(grid, &shifted, temperature, Some(rule));
            let penalty =
                gamma * self.mixture.penalty(lower, q) + self.mixture.penalty(q, 1.0) / temperature;
            dot(rho, &level.values) - 0.5 * penalty
        };
        let dt = 1e-4 * t;
        (at(t + dt) - at(t - dt)) / (2.0 * dt)
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Central differences (one-sided at the ends).
fn derivative(f: &[f64], dx: f64) -> Vec<f64> {
    let n = f.len();
    (0..n)
        .map(|j| {
            if j == 0 {
                (f[1] - f[0]) / dx
            } else if j == n - 1 {
                (f[n - 1] - f[n - 2]) / dx
            } else {
                (f[j + 1] - f[j - 1]) / (2.0 * dx)
            }
        })
        .collect()
}

/// $\Psi + \frac v2(\Psi'' + \gamma\Psi'^2)$ for a step too thin for the grid kernel.
fn taylor(f: &[f64], gamma: f64, v: f64, dx: f64) -> Vec<f64> {
    let n = f.len();
    let d = derivative(f, dx);
    (0..n)
        .map(|j| {
            let second = if j == 0 || j == n - 1 {
                0.0
            } else {
                (f[j + 1] - 2.0 * f[j] + f[j - 1]) / (dx * dx)
            };
            f[j] + 0.5 * v * (second + gamma * d[j] * d[j])
        })
        .collect()
}

/// The discretised $\mathcal N(h, v)$ on the grid, or `None` when $v$ is too small to resolve.
fn initial_density(grid: &Grid, v: f64) -> Option<Vec<f64>> {
    if v.sqrt() < 2.0 * grid.dx {
        return None;
    }
    let h = grid.x[grid.center];
    let mut rho: Vec<f64> = grid
        .x
        .iter()
        .map(|&y| (-(y - h) * (y - h) / (2.0 * v)).exp())
        .collect();
    let total: f64 = rho.iter().sum();
    rho.iter_mut().for_each(|r| *r /= total);
    Some(rho)
}

/// Normalised sampled Gaussian kernel of variance $v$ at offsets
/// $d \cdot r \cdot dx$, $|d| \le B$. The stride $r$ lets thick steps skip grid
/// points: the sum stays spectrally accurate while $r\\,dx$ is below both
/// $\sqrt v / 2.5$ and the smoothness scale of the function convolved.
struct Kernel {
    weights: Vec<f64>,
    half: usize,
    stride: usize,
}

impl Kernel {
    /// `smoothness`: the scale on which the function to convolve varies.
    fn new(v: f64, gamma: f64, dx: f64, smoothness: f64) -> Option<Self> {
        let sigma = v.sqrt();
        if sigma < 2.0 * dx {
            return None;
        }
        let stride = ((sigma.min(smoothness) / (2.5 * dx)).floor() as usize).max(1);
        let step = stride as f64 * dx;
        let reach = (8.5 * sigma + gamma * v) / step;
        if !reach.is_finite() {
            return None;
        }
        let half = (reach.ceil() as usize + 1).min(20_000);
        let mut weights: Vec<f64> = (0..=2 * half)
            .map(|k| {
                let d = (k as f64 - half as f64) * step;
                (-d * d / (2.0 * v)).exp()
            })
            .collect();
        let total: f64 = weights.iter().sum();
        weights.iter_mut().for_each(|w| *w /= total);
        Some(Self {
            weights,
            half,
            stride,
        })
    }

    /// Grid points on either side that the kernel touches.
    fn span(&self) -> usize {
        self.half * self.stride
    }

    /// Outputs per block sharing one reference value for the exponentials.
    fn chunk(&self) -> usize {
        (2 * self.span()).clamp(32, 512)
    }

    /// $\gamma^{-1}\ln\sum_d K_d\\, e^{\gamma f(y + d\\,r\\,dx)}$ with linear continuation
    /// beyond the grid, and its derivative $\tilde{\mathbb E}[f']$ (the derivative
    /// is a martingale under the tilted kernel, so it is carried exactly rather
    /// than differenced).
    fn backward(&self, f: &[f64], slopes: &[f64], gamma: f64) -> (Vec<f64>, Vec<f64>) {
        let n = f.len();
        let b = self.span();
        let r = self.stride;
        let chunk = self.chunk();
        let left = f[1] - f[0];
        let right = f[n - 1] - f[n - 2];
        let extend = |k: usize| -> (f64, f64) {
            let i = k as isize - b as isize;
            if i < 0 {
                (f[0] + i as f64 * left, slopes[0])
            } else if i >= n as isize {
                (
                    f[n - 1] + (i - n as isize + 1) as f64 * right,
                    slopes[n - 1],
                )
            } else {
                (f[i as usize], slopes[i as usize])
            }
        };
        let mut out = vec![0.0; n];
        let mut out_slopes = vec![0.0; n];
        let mut exps = vec![0.0; chunk + 2 * b];
        let mut weighted = vec![0.0; chunk + 2 * b];
        for start in (0..n).step_by(chunk) {
            let stop = (start + chunk).min(n);
            let reference = f[(start + stop) / 2];
            let window = stop - start + 2 * b;
            for k in 0..window {
                let (value, slope) = extend(start + k);
                exps[k] = (gamma * (value - reference)).exp();
                weighted[k] = exps[k] * slope;
            }
            for j in start..stop {
                let offset = j - start;
                let (mut sum, mut slope_sum) = (0.0, 0.0);
                for (d, w) in self.weights.iter().enumerate() {
                    let k = offset + d * r;
                    sum += w * exps[k];
                    slope_sum += w * weighted[k];
                }
                out[j] = reference + sum.ln() / gamma;
                out_slopes[j] = slope_sum / sum;
            }
        }
        (out, out_slopes)
    }

    /// The tilted density one level down (the transpose of [`Kernel::backward`]):
    /// $\rho'(y) = \sum_{y'} \rho(y') K(y - y')\\, e^{\gamma(\Psi_{next}(y) - \Psi(y'))}$.
    fn forward(&self, rho: &[f64], psi: &[f64], next: &[f64], gamma: f64) -> Vec<f64> {
        let n = rho.len();
        let b = self.span();
        let r = self.stride;
        let chunk = self.chunk();
        let mut out = vec![0.0; n];
        let mut scaled = vec![0.0; chunk + 2 * b];
        for start in (0..n).step_by(chunk) {
            let stop = (start + chunk).min(n);
            let reference = next[(start + stop) / 2];
            let low = start as isize - b as isize;
            let window = stop - start + 2 * b;
            for (k, slot) in scaled.iter_mut().enumerate().take(window) {
                let j = low + k as isize;
                *slot = if j < 0 || j >= n as isize || rho[j as usize] == 0.0 {
                    0.0
                } else {
                    rho[j as usize] * (-gamma * (psi[j as usize] - reference)).exp()
                };
            }
            for i in start..stop {
                let offset = i - start;
                let sum: f64 = self
                    .weights
                    .iter()
                    .enumerate()
                    .map(|(d, w)| w * scaled[offset + (2 * self.half - d) * r])
                    .sum();
                out[i] = sum * (gamma * (next[i] - reference)).exp();
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numerics::normal_cdf;

    fn sk(temperature: f64, field: f64, dx: f64) -> Problem {
        Problem {
            mixture: Mixture { p: 2 },
            temperature,
            field,
            dx,
        }
    }

    #[test]
    fn one_step_at_zero_temperature_is_the_closed_form() {
        // h = 0, gamma = mu on [0, 1): P = ln(2 Phi(mu)) / mu + mu / 4.
        for mu in [0.5, 1.7, 4.0] {
            let p = sk(0.0, 0.0, 0.02).evaluate(
                &Measure {
                    starts: vec![0.0],
                    gammas: vec![mu],
                },
                false,
            );
            let exact = (2.0 * normal_cdf(mu)).ln() / mu + mu / 4.0;
            assert!((p.value - exact).abs() < 1e-12, "{mu}: {} {exact}", p.value);
        }
    }

    #[test]
    fn replica_symmetric_measure_gives_the_replica_symmetric_free_energy() {
        // gamma = 0 below q, beta above: -f_RS (grid error ~ e^{-2 pi^2 q/dx^2}).
        let (t, h) = (0.5, 0.3);
        let rs = crate::sk::replica_symmetric(t, h).unwrap();
        let p = sk(t, h, 0.02).evaluate(
            &Measure {
                starts: vec![rs.overlap],
                gammas: vec![1.0 / t],
            },
            true,
        );
        assert!(
            (p.value + rs.free_energy).abs() < 1e-10,
            "{} {}",
            p.value,
            rs.free_energy
        );
        assert!((p.magnetisation - rs.magnetisation).abs() < 1e-10);
        // Stationary in q.
        assert!(p.grad_starts[0].abs() < 1e-6, "{:?}", p.grad_starts);
    }

    #[test]
    fn gradient_matches_finite_differences() {
        for (t, h) in [(0.0, 0.2), (0.4, 0.0), (0.03, 0.2), (0.1, 0.0)] {
            let problem = sk(t, h, 0.02);
            let mut measure = Measure {
                starts: vec![0.05, 0.3, 0.6, 0.85],
                gammas: vec![0.7, 1.3, 2.0, if t > 0.0 { 1.0 / t } else { 3.5 }],
            };
            let e = problem.evaluate(&measure, true);
            let eps = 1e-5;
            for l in 0..4 {
                measure.starts[l] += eps;
                let up = problem.evaluate(&measure, false).value;
                measure.starts[l] -= 2.0 * eps;
                let down = problem.evaluate(&measure, false).value;
                measure.starts[l] += eps;
                let numeric = (up - down) / (2.0 * eps);
                // Continuum gradient vs discrete functional: O(dx^2) apart.
                assert!(
                    (numeric - e.grad_starts[l]).abs() < 2e-4,
                    "T {t} s{l}: {numeric} {}",
                    e.grad_starts[l]
                );
                if t > 0.0 && l == 3 {
                    continue;
                }
                measure.gammas[l] += eps;
                let up = problem.evaluate(&measure, false).value;
                measure.gammas[l] -= 2.0 * eps;
                let down = problem.evaluate(&measure, false).value;
                measure.gammas[l] += eps;
                let numeric = (up - down) / (2.0 * eps);
                assert!(
                    (numeric - e.grad_gammas[l]).abs() < 2e-4,
                    "T {t} g{l}: {numeric} {}",
                    e.grad_gammas[l]
                );
            }
            // The magnetisation is dP/dh.
            let dh = 1e-5;
            let up = sk(t, h + dh, 0.02).evaluate(&measure, false).value;
            let down = sk(t, h - dh, 0.02).evaluate(&measure, false).value;
            assert!(((up - down) / (2.0 * dh) - e.magnetisation).abs() < 1e-6);
        }
    }
}
