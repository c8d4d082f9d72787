//! Minimisation of the Parisi functional over step functions with a fixed
//! number of steps, by BFGS in unconstrained coordinates that keep the
//! breakpoints ordered in $(0, 1)$ and the values increasing (and $\le\beta$
//! at $T > 0$).

use super::engine::{Evaluation, Measure, Problem};
use crate::numerics::minimise;

/// A minimised measure.
#[derive(Debug, Clone)]
pub(crate) struct Solved {
    pub measure: Measure,
    pub evaluation: Evaluation,
    pub iterations: usize,
    pub gradient_norm: f64,
}

/// How the free coordinates map to a [`Measure`].
struct Layout {
    levels: usize,
    /// $s_0 = 0$ is imposed (zero field: $q_0 = 0$ by symmetry).
    first_start_fixed: bool,
    /// $T > 0$: the last value is $\beta$ and the others lie in $(0, \beta)$.
    beta: Option<f64>,
}

impl Layout {
    fn start_slots(&self) -> usize {
        if self.first_start_fixed {
            self.levels
        } else {
            self.levels + 1
        }
    }

    fn gamma_slots(&self) -> usize {
        match self.beta {
            Some(_) if self.levels == 1 => 0,
            Some(_) => self.levels,
            None => self.levels,
        }
    }

    fn measure(&self, theta: &[f64]) -> Measure {
        let (a, b) = theta.split_at(self.start_slots());
        let p = softmax(a);
        let mut starts = Vec::with_capacity(self.levels);
        let mut sum = 0.0;
        if self.first_start_fixed {
            starts.push(0.0);
        }
        for &pi in p.iter().take(self.start_slots() - 1) {
            sum += pi;
            starts.push(sum);
        }
        let gammas = match self.beta {
            Some(beta) => {
                let mut g = Vec::with_capacity(self.levels);
                if self.levels > 1 {
                    let p = softmax(b);
                    let mut sum = 0.0;
                    for &pi in p.iter().take(self.levels - 1) {
                        sum += pi;
                        g.push(beta * sum);
                    }
                }
                g.push(beta);
                g
            }
            None => {
                let mut sum = 0.0;
                b.iter()
                    .map(|&bi| {
                        sum += bi.exp();
                        sum
                    })
                    .collect()
            }
        };
        // A value underflowing towards 0 (seen at T = 0.81, where BFGS drove
        // the one-step x to 1e-185) makes the Cole–Hopf step
        // ln(E e^{gamma Psi}) / gamma divide round-off by it: values below
        // 1e-6 (times beta) are held there, where that error is 1e-10.
        let floor = 1e-6 * self.beta.unwrap_or(1.0);
        let gammas = gammas.into_iter().map(|g| g.max(floor)).collect();
        Measure { starts, gammas }
    }

    fn coordinates(&self, measure: &Measure) -> Vec<f64> {
        let floor = 1e-12;
        let mut theta = Vec::new();
        let mut previous = 0.0;
        let skip = usize::from(self.first_start_fixed);
        for &s in &measure.starts[skip..] {
            theta.push((s - previous).max(floor).ln());
            previous = s;
        }
        theta.push((1.0 - previous).max(floor).ln());
        match self.beta {
            Some(beta) => {
                if self.levels > 1 {
                    let mut previous = 0.0;
                    for &g in &measure.gammas[..self.levels - 1] {
                        theta.push(((g - previous) / beta).max(floor).ln());
                        previous = g;
                    }
                    theta.push(((beta - previous) / beta).max(floor).ln());
                }
            }
            None => {
                let mut previous = 0.0;
                for &g in &measure.gammas {
                    theta.push((g - previous).max(floor).ln());
                    previous = g;
                }
            }
        }
        theta
    }

    /// Chain rule from $\partial P/\partial(s, \gamma)$ to $\partial P/\partial\theta$.
    fn pull_back(&self, theta: &[f64], evaluation: &Evaluation, out: &mut [f64]) {
        let (a, b) = theta.split_at(self.start_slots());
        let skip = usize::from(self.first_start_fixed);
        let (out_a, out_b) = out.split_at_mut(self.start_slots());
        cumulative_softmax_gradient(a, &evaluation.grad_starts[skip..], 1.0, out_a);
        match self.beta {
            Some(beta) => {
                if self.levels > 1 {
                    cumulative_softmax_gradient(
                        b,
                        &evaluation.grad_gammas[..self.levels - 1],
                        beta,
                        out_b,
                    );
                }
            }
            None => {
                let mut suffix = 0.0;
                for j in (0..self.levels).rev() {
                    suffix += evaluation.grad_gammas[j];
                    out_b[j] = b[j].exp() * suffix;
                }
            }
        }
    }
}

fn softmax(a: &[f64]) -> Vec<f64> {
    let top = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = a.iter().map(|&x| (x - top).exp()).collect();
    let total: f64 = e.iter().sum();
    e.into_iter().map(|x| x / total).collect()
}

/// For $y_l = c\sum_{i \le l} p_i$, $p = \operatorname{softmax}(a)$, and $g_l = \partial P/\partial y_l$:
/// $\partial P/\partial a_j = c\\,p_j(\sum_{l \ge j} g_l - \sum_l g_l y_l / c)$.
fn cumulative_softmax_gradient(a: &[f64], g: &[f64], scale: f64, out: &mut [f64]) {
    let p = softmax(a);
    let mut y = 0.0;
    let mut weighted = 0.0;
    for (l, &gl) in g.iter().enumerate() {
        y += p[l];
        weighted += gl * y;
    }
    let mut suffix = 0.0;
    for j in (0..a.len()).rev() {
        if j < g.len() {
            suffix += g[j];
        }
        out[j] = scale * p[j] * (suffix - weighted);
    }
}

/// Minimises $P$ from `initial` (whose shape fixes the number of levels).
pub(crate) fn optimise(
    problem: &Problem,
    initial: &Measure,
    tolerance: f64,
    max_iterations: usize,
) -> Solved {
    let layout = Layout {
        levels: initial.starts.len(),
        first_start_fixed: false,
        beta: (problem.temperature > 0.0).then(|| 1.0 / problem.temperature),
    };
    let theta = layout.coordinates(initial);
    let minimum = minimise(
        |theta, gradient| {
            let measure = layout.measure(theta);
            let evaluation = problem.evaluate(&measure, true);
            layout.pull_back(theta, &evaluation, gradient);
            evaluation.value
        },
        theta,
        tolerance,
        max_iterations,
    );
    let measure = layout.measure(&minimum.point);
    let evaluation = problem.evaluate(&measure, true);
    debug_assert_eq!(
        layout.gamma_slots() + layout.start_slots(),
        minimum.point.len()
    );
    Solved {
        measure,
        evaluation,
        iterations: minimum.iterations,
        gradient_norm: minimum.gradient_norm,
    }
}

/// Splits every level below the last in two (values: the old one, then the
/// mean with the next), giving a warm start with twice the steps.
pub(crate) fn refine(measure: &Measure, zero_temperature: bool) -> Measure {
    let levels = measure.starts.len();
    let split = if zero_temperature { levels } else { levels - 1 };
    let mut starts = Vec::new();
    let mut gammas = Vec::new();
    for l in 0..levels {
        let s = measure.starts[l];
        let g = measure.gammas[l];
        if l < split {
            let end = if l + 1 < levels {
                measure.starts[l + 1]
            } else {
                1.0 - 0.5 * (1.0 - s)
            };
            let next = if l + 1 < levels {
                measure.gammas[l + 1]
            } else {
                1.5 * g
            };
            starts.push(s);
            gammas.push(g);
            starts.push(0.5 * (s + end));
            gammas.push(0.5 * (g + next));
        } else {
            starts.push(s);
            gammas.push(g);
        }
    }
    Measure { starts, gammas }
}

/// Splits the widest splittable level in two (one more step, no optimisation).
pub(crate) fn split_widest(measure: &Measure, zero_temperature: bool) -> Measure {
    let levels = measure.starts.len();
    let split = if zero_temperature { levels } else { levels - 1 };
    let end = |l: usize| {
        if l + 1 < levels {
            measure.starts[l + 1]
        } else {
            1.0
        }
    };
    let widest = (0..split)
        .max_by(|&a, &b| (end(a) - measure.starts[a]).total_cmp(&(end(b) - measure.starts[b])))
        .unwrap_or(0);
    let next = if widest + 1 < levels {
        measure.gammas[widest + 1]
    } else {
        1.5 * measure.gammas[widest]
    };
    let mut result = measure.clone();
    let (s, g) = (measure.starts[widest], measure.gammas[widest]);
    result.starts.insert(widest + 1, 0.5 * (s + end(widest)));
    result.gammas.insert(widest + 1, 0.5 * (g + next));
    result
}
