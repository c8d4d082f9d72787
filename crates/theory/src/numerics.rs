//! Small numerical tools shared by the solvers: Gaussian expectations by
//! graded Gauss–Legendre panels, the normal distribution, Brent's root finder
//! and a BFGS minimiser. Nothing here is physics.

use std::f64::consts::{PI, SQRT_2};
use std::sync::OnceLock;

/// $\varphi(x) = e^{-x^2/2}/\sqrt{2\pi}$.
pub(crate) fn normal_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

/// $\Phi(x) = \int_{-\infty}^x \varphi$.
pub(crate) fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / SQRT_2)
}

/// $\ln\Phi(x)$, accurate also far in the left tail (asymptotic series below $x = -30$).
pub(crate) fn log_normal_cdf(x: f64) -> f64 {
    if x > -30.0 {
        normal_cdf(x).ln()
    } else {
        log_normal_cdf_tail(x)
    }
}

/// Mills-ratio series for $\ln\Phi(x)$, $x \ll -1$ (relative error about $105/x^8$).
fn log_normal_cdf_tail(x: f64) -> f64 {
    let r = 1.0 / (x * x);
    -0.5 * x * x - (2.0 * PI).sqrt().ln() - (-x).ln()
        + (1.0 - r + 3.0 * r * r - 15.0 * r * r * r).ln()
}

/// $\ln(2\cosh x)$ without overflow.
pub(crate) fn log_two_cosh(x: f64) -> f64 {
    let a = x.abs();
    a + (-2.0 * a).exp().ln_1p()
}

/// $\ln(e^a + e^b)$ without overflow.
pub(crate) fn log_add_exp(a: f64, b: f64) -> f64 {
    let (high, low) = if a > b { (a, b) } else { (b, a) };
    if low == f64::NEG_INFINITY {
        return high;
    }
    high + (low - high).exp().ln_1p()
}

/// Nodes and weights of the 16-point Gauss–Legendre rule on $[-1, 1]$.
fn gauss_legendre() -> &'static ([f64; 16], [f64; 16]) {
    static RULE: OnceLock<([f64; 16], [f64; 16])> = OnceLock::new();
    RULE.get_or_init(|| {
        const N: usize = 16;
        let mut nodes = [0.0; N];
        let mut weights = [0.0; N];
        for i in 0..N {
            // Newton iteration on P_N from the Chebyshev-like first guess.
            let mut x = (PI * (i as f64 + 0.75) / (N as f64 + 0.5)).cos();
            let mut derivative = 0.0;
            for _ in 0..100 {
                let (mut p0, mut p1) = (1.0, x);
                for k in 2..=N {
                    let p2 = ((2 * k - 1) as f64 * x * p1 - (k - 1) as f64 * p0) / k as f64;
                    p0 = p1;
                    p1 = p2;
                }
                derivative = N as f64 * (x * p1 - p0) / (x * x - 1.0);
                let step = p1 / derivative;
                x -= step;
                if step.abs() < 1e-16 {
                    break;
                }
            }
            nodes[i] = x;
            weights[i] = 2.0 / ((1.0 - x * x) * derivative * derivative);
        }
        (nodes, weights)
    })
}

/// A quadrature rule for $\mathbb E_z f(z)$ with $z \sim \mathcal N(0, 1)$.
///
/// Panels of 16-point Gauss–Legendre cover $|z| \le 10$ (the tail beyond
/// weighs $< 10^{-22}$); around a *feature point* $z_0$ where the integrand
/// varies on a scale `width` (a thermal width $T/\sqrt q$, say), panels
/// start at that width and double outward, so that sharp integrands at low
/// temperature are integrated to near machine precision.
#[derive(Debug, Clone)]
pub(crate) struct GaussianRule {
    pub nodes: Vec<f64>,
    pub weights: Vec<f64>,
}

impl GaussianRule {
    /// Rule graded around `feature` with smallest panel `width` (clamped to `[1e-12, 0.5]`).
    pub fn graded(feature: f64, width: f64) -> Self {
        const LIMIT: f64 = 10.0;
        let width = width.clamp(1e-12, 0.5);
        let feature = feature.clamp(-LIMIT, LIMIT);
        let mut breaks = vec![feature];
        for direction in [-1.0, 1.0] {
            let mut offset = width;
            let mut previous = feature;
            loop {
                let step = offset.min(0.5);
                let next = previous + direction * step;
                if next.abs() >= LIMIT {
                    breaks.push(direction * LIMIT);
                    break;
                }
                breaks.push(next);
                previous = next;
                offset *= 2.0;
            }
        }
        Self::from_breaks(breaks)
    }

    /// A cheaper rule for integrands with one feature (a kink or a step of
    /// width `width` at `feature`) on a smooth background: six doubling
    /// panels each side of the feature (out to 32 widths, beyond which
    /// $\tanh$, $\operatorname{sech}^2$ and $\ln 2\cosh$ are smooth to
    /// $e^{-64}$), then unit panels on $|z| \le 9$ (the tail beyond weighs
    /// $2\cdot10^{-19}$). About 500 nodes at any width, against about 1000
    /// for [`GaussianRule::graded`] at small widths; same accuracy (tested).
    pub fn compact(feature: f64, width: f64) -> Self {
        const LIMIT: f64 = 9.0;
        let width = width.clamp(1e-13, 0.5);
        let mut breaks: Vec<f64> = (-9..=9).map(f64::from).collect();
        if feature.abs() < LIMIT {
            breaks.push(feature);
        }
        let mut offset = width;
        for _ in 0..6 {
            for point in [feature - offset, feature + offset] {
                if point.abs() < LIMIT {
                    breaks.push(point);
                }
            }
            offset *= 2.0;
        }
        Self::from_breaks(breaks)
    }

    /// 16-point Gauss–Legendre panels between consecutive `breaks`.
    fn from_breaks(mut breaks: Vec<f64>) -> Self {
        breaks.sort_by(f64::total_cmp);
        breaks.dedup();
        let (x, w) = gauss_legendre();
        let mut nodes = Vec::with_capacity(16 * breaks.len());
        let mut weights = Vec::with_capacity(16 * breaks.len());
        for pair in breaks.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let half = 0.5 * (b - a);
            let middle = 0.5 * (a + b);
            for k in 0..16 {
                let z = middle + half * x[k];
                nodes.push(z);
                weights.push(half * w[k] * normal_pdf(z));
            }
        }
        Self { nodes, weights }
    }

    /// A rule for smooth integrands (no feature point).
    pub fn smooth() -> &'static Self {
        static RULE: OnceLock<GaussianRule> = OnceLock::new();
        RULE.get_or_init(|| Self::graded(0.0, 0.5))
    }

    /// $\mathbb E_z f(z)$.
    pub fn expect(&self, mut f: impl FnMut(f64) -> f64) -> f64 {
        self.nodes
            .iter()
            .zip(&self.weights)
            .map(|(&z, &w)| w * f(z))
            .sum()
    }
}

/// Brent's method for a root of `f` in `[a, b]`, where `f(a)` and `f(b)`
/// have opposite signs. Returns `None` if they do not.
pub(crate) fn brent(
    mut f: impl FnMut(f64) -> f64,
    mut a: f64,
    mut b: f64,
    tolerance: f64,
) -> Option<f64> {
    let mut fa = f(a);
    let mut fb = f(b);
    if fa == 0.0 {
        return Some(a);
    }
    if fb == 0.0 {
        return Some(b);
    }
    if fa.signum() == fb.signum() || !fa.is_finite() || !fb.is_finite() {
        return None;
    }
    let (mut c, mut fc) = (a, fa);
    let mut d = b - a;
    let mut e = d;
    for _ in 0..200 {
        if fb.signum() == fc.signum() {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5 * tolerance;
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb == 0.0 {
            return Some(b);
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else {
                let qa = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * m * qa * (qa - r) - (b - a) * (r - 1.0));
                q = (qa - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol * m.signum() };
        fb = f(b);
    }
    Some(b)
}

/// Brent's method for a minimum of `f` on `[a, b]`: golden-section steps
/// with parabolic interpolation (Brent 1973, as in Numerical Recipes'
/// `brent`). Returns the abscissa and the value there. The abscissa is
/// located to `tolerance` plus $\sqrt\epsilon\\,|x|$ (a smooth minimum cannot
/// be located better than that); the value is then accurate to round-off.
pub(crate) fn minimise_bounded(
    mut f: impl FnMut(f64) -> f64,
    mut a: f64,
    mut b: f64,
    tolerance: f64,
) -> (f64, f64) {
    const GOLDEN: f64 = 0.381_966_011_250_105_1; // (3 - sqrt 5) / 2
    let mut x = a + GOLDEN * (b - a);
    let (mut w, mut v) = (x, x);
    let mut fx = f(x);
    let (mut fw, mut fv) = (fx, fx);
    let (mut d, mut e) = (0.0f64, 0.0f64);
    for _ in 0..200 {
        let middle = 0.5 * (a + b);
        let tol1 = f64::EPSILON.sqrt() * x.abs() + tolerance / 3.0;
        let tol2 = 2.0 * tol1;
        if (x - middle).abs() <= tol2 - 0.5 * (b - a) {
            break;
        }
        let mut parabolic = false;
        if e.abs() > tol1 {
            let r = (x - w) * (fx - fv);
            let mut q = (x - v) * (fx - fw);
            let mut p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            }
            q = q.abs();
            let previous = e;
            e = d;
            if p.abs() < (0.5 * q * previous).abs() && p > q * (a - x) && p < q * (b - x) {
                d = p / q;
                let u = x + d;
                if u - a < tol2 || b - u < tol2 {
                    d = tol1.copysign(middle - x);
                }
                parabolic = true;
            }
        }
        if !parabolic {
            e = if x >= middle { a - x } else { b - x };
            d = GOLDEN * e;
        }
        let u = if d.abs() >= tol1 {
            x + d
        } else {
            x + tol1.copysign(d)
        };
        let fu = f(u);
        if fu <= fx {
            if u >= x {
                a = x;
            } else {
                b = x;
            }
            (v, fv, w, fw, x, fx) = (w, fw, x, fx, u, fu);
        } else {
            if u < x {
                a = u;
            } else {
                b = u;
            }
            if fu <= fw || w == x {
                (v, fv, w, fw) = (w, fw, u, fu);
            } else if fu <= fv || v == x || v == w {
                (v, fv) = (u, fu);
            }
        }
    }
    (x, fx)
}

/// $\Phi^{-1}(p)$ for $0 < p < 1$, by Brent's method on $\Phi$ (and on the
/// upper tail $1 - \Phi(x) = \Phi(-x)$ above $p = 1/2$, so that quantiles
/// near 1 keep their relative precision).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    if p > 0.5 {
        return -normal_quantile(1.0 - p);
    }
    let target = p.ln();
    brent(|x| log_normal_cdf(x) - target, -40.0, 0.0, 1e-15).unwrap_or(f64::NAN)
}

/// Newton's method for the root of a monotone function, safeguarded by a
/// bracket: `f` returns the value and the derivative; `low < start < high`
/// (`high` may be infinite); the value is negative below the root when
/// `increasing`, positive otherwise. A step that leaves the bracket is
/// replaced by bisection (or by doubling while `high` is infinite). Stops
/// when a Newton step is below `relative` times the abscissa: with quadratic
/// convergence the error is then of order the square of that.
pub(crate) fn newton_monotone(
    mut f: impl FnMut(f64) -> (f64, f64),
    start: f64,
    mut low: f64,
    mut high: f64,
    increasing: bool,
    relative: f64,
) -> f64 {
    let mut x = start;
    if !(x > low && x < high) {
        x = if high.is_finite() {
            0.5 * (low + high)
        } else {
            2.0 * low.max(0.5)
        };
    }
    for _ in 0..300 {
        let (value, slope) = f(x);
        if value == 0.0 {
            return x;
        }
        if (value < 0.0) == increasing {
            low = x;
        } else {
            high = x;
        }
        let mut next = x - value / slope;
        let newton = next > low && next < high && next.is_finite();
        if !newton {
            next = if high.is_finite() {
                0.5 * (low + high)
            } else {
                2.0 * x
            };
        }
        let step = (next - x).abs();
        x = next;
        let collapsed = high.is_finite() && high - low <= 4.0 * f64::EPSILON * high.abs();
        if (newton && step <= relative * x.abs()) || collapsed {
            break;
        }
    }
    x
}

/// Result of [`minimise`].
#[derive(Debug, Clone)]
pub(crate) struct Minimum {
    pub point: Vec<f64>,
    pub gradient_norm: f64,
    pub iterations: usize,
}

/// BFGS with a backtracking (Armijo) line search. `objective` returns the
/// value and writes the gradient. Stops when the largest gradient component
/// is below `tolerance`, or when a line search can no longer decrease the
/// value, or three accepted steps in a row change it by less than round-off
/// (the floor set by the precision of the objective).
pub(crate) fn minimise(
    mut objective: impl FnMut(&[f64], &mut [f64]) -> f64,
    start: Vec<f64>,
    tolerance: f64,
    max_iterations: usize,
) -> Minimum {
    let n = start.len();
    let mut x = start;
    let mut g = vec![0.0; n];
    let mut value = objective(&x, &mut g);
    let mut inverse = identity(n);
    let mut trial = vec![0.0; n];
    let mut trial_gradient = vec![0.0; n];
    let mut iterations = 0;
    let mut stalls = 0;
    let norm = |g: &[f64]| g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    while iterations < max_iterations && norm(&g) > tolerance {
        iterations += 1;
        let mut direction: Vec<f64> = (0..n)
            .map(|i| -(0..n).map(|j| inverse[i * n + j] * g[j]).sum::<f64>())
            .collect();
        let mut slope: f64 = direction.iter().zip(&g).map(|(d, g)| d * g).sum();
        if slope >= 0.0 {
            inverse = identity(n);
            direction = g.iter().map(|v| -v).collect();
            slope = -g.iter().map(|v| v * v).sum::<f64>();
        }
        let mut step = 1.0;
        let mut accepted = false;
        for _ in 0..40 {
            for i in 0..n {
                trial[i] = x[i] + step * direction[i];
            }
            let trial_value = objective(&trial, &mut trial_gradient);
            if trial_value.is_finite() && trial_value <= value + 1e-4 * step * slope {
                accepted = true;
                let s: Vec<f64> = (0..n).map(|i| trial[i] - x[i]).collect();
                let y: Vec<f64> = (0..n).map(|i| trial_gradient[i] - g[i]).collect();
                let sy: f64 = s.iter().zip(&y).map(|(a, b)| a * b).sum();
                if sy > 1e-300 {
                    update_inverse(&mut inverse, &s, &y, sy);
                }
                x.copy_from_slice(&trial);
                g.copy_from_slice(&trial_gradient);
                // Round-off floor: the value no longer moves.
                if value - trial_value <= 1e-15 * value.abs().max(1e-300) {
                    stalls += 1;
                } else {
                    stalls = 0;
                }
                value = trial_value;
                break;
            }
            step *= 0.5;
        }
        if !accepted || stalls >= 3 {
            break;
        }
    }
    Minimum {
        gradient_norm: norm(&g),
        point: x,
        iterations,
    }
}

fn identity(n: usize) -> Vec<f64> {
    let mut m = vec![0.0; n * n];
    for i in 0..n {
        m[i * n + i] = 1.0;
    }
    m
}

/// BFGS update of the inverse Hessian $H \leftarrow (I - \rho s y^T) H (I - \rho y s^T) + \rho s s^T$.
fn update_inverse(h: &mut [f64], s: &[f64], y: &[f64], sy: f64) {
    let n = s.len();
    let rho = 1.0 / sy;
    let hy: Vec<f64> = (0..n)
        .map(|i| (0..n).map(|j| h[i * n + j] * y[j]).sum())
        .collect();
    let yhy: f64 = y.iter().zip(&hy).map(|(a, b)| a * b).sum();
    for i in 0..n {
        for j in 0..n {
            h[i * n + j] +=
                -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaussian_rule_integrates_moments_and_sharp_functions() {
        let rule = GaussianRule::graded(0.3, 1e-3);
        assert!((rule.expect(|_| 1.0) - 1.0).abs() < 1e-14);
        assert!((rule.expect(|z| z * z) - 1.0).abs() < 1e-13);
        assert!((rule.expect(|z| z.powi(4)) - 3.0).abs() < 1e-12);
        // E sign(z - 0.3) = 1 - 2 Phi(0.3): a step at the feature point.
        let exact = 1.0 - 2.0 * normal_cdf(0.3);
        assert!((rule.expect(|z| (z - 0.3).signum()) - exact).abs() < 1e-14);
    }

    #[test]
    fn compact_rule_agrees_with_the_graded_rule() {
        // Low-temperature integrands of the Hopfield solver: a step of width
        // 1e-6 at z = -2.4, and a smooth one.
        for (feature, width) in [(-2.4, 1e-6), (0.0, 1e-3), (-0.5, 0.3), (-30.0, 1e-4)] {
            let compact = GaussianRule::compact(feature, width);
            let graded = GaussianRule::graded(feature, width);
            let scale = 1.0 / width;
            let functions: [&dyn Fn(f64) -> f64; 3] = [
                &|z| (scale * (z - feature)).tanh(),
                &|z| log_two_cosh(scale * (z - feature)) * width,
                &|z| {
                    let c = (scale * (z - feature)).cosh();
                    if c.is_finite() { scale / (c * c) } else { 0.0 }
                },
            ];
            // Rounding the nodes near the feature (absolute 4e-16) moves them by
            // 4e-16 / width widths: that, not the rule, limits sharp integrands.
            let tolerance = 1e-13 + 1e-15 / width;
            for f in functions {
                let (a, b) = (compact.expect(f), graded.expect(f));
                assert!(
                    (a - b).abs() < tolerance * b.abs().max(1.0),
                    "{feature} {width}: {a} {b}"
                );
            }
            assert!(compact.nodes.len() < 700, "{}", compact.nodes.len());
        }
    }

    #[test]
    fn log_normal_cdf_is_continuous_across_the_asymptotic_switch() {
        // The series error is about 105 / x^8 (4e-9 at x = -20): compare with erfc there.
        for x in [-20.0, -30.0] {
            let direct = normal_cdf(x).ln();
            let series = log_normal_cdf_tail(x);
            assert!(
                (direct - series).abs() < 1e-8 * direct.abs(),
                "{direct} {series}"
            );
        }
    }

    #[test]
    fn bounded_minimum_and_normal_quantile() {
        let (x, value) =
            minimise_bounded(|x| (x - 0.3).powi(2) * (x + 2.0) - 1.0, -1.0, 2.0, 1e-12);
        // Minimum of (x - 0.3)^2 (x + 2): derivative (x - 0.3)(3x + 3.7) vanishes at 0.3.
        assert!(
            (x - 0.3).abs() < 1e-7 && (value + 1.0).abs() < 1e-14,
            "{x} {value}"
        );
        for p in [1e-12, 0.025, 0.5, 0.975] {
            let x = normal_quantile(p);
            assert!(
                (normal_cdf(x) - p).abs() < 1e-14 * p.max(1e-300) + 1e-16,
                "{p} {x}"
            );
        }
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
    }

    #[test]
    fn safeguarded_newton_converges_from_far_with_an_open_bracket() {
        // Regression: an infinite upper end once counted as a collapsed bracket
        // and stopped the iteration after one step.
        let root = newton_monotone(
            |x| (x.ln() - 2.0, 1.0 / x),
            1e-3,
            0.0,
            f64::INFINITY,
            true,
            1e-9,
        );
        assert!((root - 2f64.exp()).abs() < 1e-12, "{root}");
        let root = newton_monotone(
            |x| (1.0 - x * x * x, -3.0 * x * x),
            0.3,
            0.0,
            5.0,
            false,
            1e-9,
        );
        assert!((root - 1.0).abs() < 1e-13, "{root}");
    }

    #[test]
    fn brent_finds_a_cubic_root_and_bfgs_a_quadratic_minimum() {
        let root = brent(|x| x * x * x - 2.0, 0.0, 2.0, 1e-14).unwrap();
        assert!((root - 2f64.cbrt()).abs() < 1e-13);
        let minimum = minimise(
            |x, g| {
                g[0] = 2.0 * (x[0] - 1.0) + x[1];
                g[1] = 4.0 * (x[1] + 2.0) + x[0];
                (x[0] - 1.0).powi(2) + 2.0 * (x[1] + 2.0).powi(2) + x[0] * x[1]
            },
            vec![0.0, 0.0],
            1e-10,
            100,
        );
        // Stationary point of the quadratic: solve the 2x2 system.
        let (a, b) = (minimum.point[0], minimum.point[1]);
        assert!((2.0 * (a - 1.0) + b).abs() < 1e-9 && (4.0 * (b + 2.0) + a).abs() < 1e-9);
    }
}
