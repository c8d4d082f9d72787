//! The two-time grid and the integration of one run: nodes, interval
//! means, the implicit rows and the doubling of the step. The scheme is
//! described in the `two_time` module.

use super::Covariance;
use super::anderson::AndersonMixing;
use super::two_time::{GridOptions, OneTimePoint, TwoTimePoint};
use crate::error::TheoryError;

/// What one integration recorded.
pub(super) struct Record {
    pub(super) one_time: Vec<OneTimePoint>,
    pub(super) two_time: Vec<TwoTimePoint>,
    pub(super) doublings: usize,
    pub(super) most_sweeps: usize,
}

/// The state of one integration: the grid and the row being solved.
pub(super) struct Integration<'a> {
    xi: &'a Covariance,
    temperature: f64,
    n: usize,
    near: usize,
    step: f64,
    tolerance: f64,
    max_sweeps: usize,
    /// Nodes $C_{ij}$, $\chi_{ij}$, row-major with stride $n + 1$.
    c: Vec<f64>,
    x: Vec<f64>,
    /// Row means $\bar C^v_{il}$, $\bar\chi^v_{il}$ ($1 \le l \le i$).
    cv: Vec<f64>,
    xv: Vec<f64>,
    /// Column means $\bar C^h_{lj}$, $\bar\chi^h_{lj}$ ($j < l$), stored at `[l][j]`.
    ch: Vec<f64>,
    xh: Vec<f64>,
    /// $\xi'$, $\xi''$ of the row being solved, and the interval weights
    /// $w_l = \int_{t_{l-1}}^{t_l}\xi''(C(t_i,s))R(t_i,s)\\,ds$.
    first_row: Vec<f64>,
    second_row: Vec<f64>,
    weights: Vec<f64>,
}

/// The mean over $[l-1, l]$ of the parabola through the values at $l-1$, $l$, $l+1$.
#[inline]
fn forward_mean(before: f64, at: f64, after: f64) -> f64 {
    (5.0 * before + 8.0 * at - after) / 12.0
}

/// The mean over $[l-1, l]$ of the parabola through the values at $l-2$, $l-1$, $l$.
#[inline]
fn backward_mean(before: f64, previous: f64, at: f64) -> f64 {
    (5.0 * at + 8.0 * previous - before) / 12.0
}

impl<'a> Integration<'a> {
    pub(super) fn new(xi: &'a Covariance, temperature: f64, options: &GridOptions) -> Self {
        let n = options.points;
        let size = (n + 1) * (n + 1);
        Self {
            xi,
            temperature,
            n,
            near: options.near,
            step: options.initial_step,
            tolerance: options.tolerance,
            max_sweeps: options.max_sweeps,
            c: vec![0.0; size],
            x: vec![0.0; size],
            cv: vec![0.0; size],
            xv: vec![0.0; size],
            ch: vec![0.0; size],
            xh: vec![0.0; size],
            first_row: vec![0.0; n + 1],
            second_row: vec![0.0; n + 1],
            weights: vec![0.0; n + 1],
        }
    }

    #[inline]
    fn at(&self, i: usize, j: usize) -> usize {
        i * (self.n + 1) + j
    }

    /// Rows $0..=$ `near + 1`: $C = 1 - T|t - t'|$, $\chi = |t - t'|$ and their means.
    fn start(&mut self) {
        let h = self.step;
        let t = self.temperature;
        for i in 0..=self.near + 1 {
            for j in 0..=i {
                let tau = (i - j) as f64 * h;
                let k = self.at(i, j);
                self.c[k] = 1.0 - t * tau;
                self.x[k] = tau;
                // Linear in both times: the interval means are the midpoints.
                if j >= 1 {
                    self.cv[k] = 1.0 - t * (tau + 0.5 * h);
                    self.xv[k] = tau + 0.5 * h;
                }
                if j < i {
                    self.ch[k] = 1.0 - t * (tau - 0.5 * h);
                    self.xh[k] = tau - 0.5 * h;
                }
            }
        }
    }

    pub(super) fn run(
        mut self,
        final_time: f64,
        waiting_times: &[f64],
    ) -> Result<Record, TheoryError> {
        self.start();
        let mut record = Record {
            one_time: vec![OneTimePoint {
                time: 0.0,
                energy: 0.0,
                lagrange_multiplier: self.temperature,
            }],
            two_time: Vec::new(),
            doublings: 0,
            most_sweeps: 0,
        };
        let mut first = self.near + 2;
        loop {
            for i in first..=self.n {
                let sweeps = self.solve_row(i)?;
                record.most_sweeps = record.most_sweeps.max(sweeps);
                self.record_row(i, waiting_times, &mut record);
                if i as f64 * self.step >= final_time * (1.0 - 1e-12) {
                    return Ok(record);
                }
            }
            self.contract();
            record.doublings += 1;
            first = self.n / 2 + 1;
        }
    }

    /// $Q_{il} = 1 - C_{il} - T\chi_{il}$, the violation of the fluctuation–dissipation theorem.
    #[inline]
    fn violation(&self, k: usize) -> f64 {
        1.0 - self.c[k] - self.temperature * self.x[k]
    }

    /// $\int_{t_{l-1}}^{t_l} g(C(t_i,s))R(t_i,s)ds$ with $R\\,ds = \beta(dC + dQ)$:
    /// the equilibrium part exactly, $\beta[G(C_{il}) - G(C_{i,l-1})]$ with $G' = g$,
    /// the violation by the trapezoid rule.
    #[inline]
    fn interval(&self, k: usize, antiderivative: (f64, f64), g: (f64, f64)) -> f64 {
        (antiderivative.1 - antiderivative.0
            + 0.5 * (g.0 + g.1) * (self.violation(k) - self.violation(k - 1)))
            / self.temperature
    }

    /// Fills $\xi'$, $\xi''$ and the weights $w_l$ of row `i`.
    fn cache_row(&mut self, i: usize) {
        let row = self.at(i, 0);
        for l in 0..=i {
            let c = self.c[row + l];
            self.first_row[l] = self.xi.first(c);
            self.second_row[l] = self.xi.second(c);
        }
        for l in 1..=i {
            self.weights[l] = self.weight(i, l);
        }
    }

    #[inline]
    fn weight(&self, i: usize, l: usize) -> f64 {
        let k = self.at(i, l);
        self.interval(
            k,
            (self.first_row[l - 1], self.first_row[l]),
            (self.second_row[l - 1], self.second_row[l]),
        )
    }

    /// $z_i = T + \int_0^{t_i}(\xi' + \xi''C)R\\,ds$ and $e_i = -\int_0^{t_i}\xi' R\\,ds$.
    fn lagrange_and_energy(&self, i: usize) -> (f64, f64) {
        let row = self.at(i, 0);
        let (mut z, mut e) = (self.temperature, 0.0);
        for l in 1..=i {
            let (c0, c1) = (self.c[row + l - 1], self.c[row + l]);
            let (one0, one1) = (self.first_row[l - 1], self.first_row[l]);
            z += self.interval(
                row + l,
                (c0 * one0, c1 * one1),
                (
                    one0 + self.second_row[l - 1] * c0,
                    one1 + self.second_row[l] * c1,
                ),
            );
            e -= self.interval(
                row + l,
                (self.xi.value(c0), self.xi.value(c1)),
                (one0, one1),
            );
        }
        (z, e)
    }

    /// Solves row `i` (rows below it known); returns the sweeps it took.
    fn solve_row(&mut self, i: usize) -> Result<usize, TheoryError> {
        let (n1, near) = (self.n + 1, self.near);
        let row = self.at(i, 0);
        // Within `near` steps of the diagonal the interval means are those of
        // the previous row shifted by one step: the fast part is stationary,
        // and these means keep what the finer grids resolved.
        for l in i + 1 - near..=i {
            let (k, previous) = (row + l, row - n1 + l - 1);
            self.cv[k] = self.cv[previous];
            self.xv[k] = self.xv[previous];
        }
        for j in i - near..i {
            let (k, previous) = (row + j, row - n1 + j - 1);
            self.ch[k] = self.ch[previous];
            self.xh[k] = self.xh[previous];
        }
        self.c[row + i] = 1.0;
        self.x[row + i] = 0.0;
        // First guess: stationary next to the diagonal, extrapolated further out.
        for j in 0..i {
            let k = row + j;
            if j + near >= i {
                self.c[k] = self.c[k - n1 - 1];
                self.x[k] = self.x[k - n1 - 1];
            } else {
                self.c[k] = 2.0 * self.c[k - n1] - self.c[k - 2 * n1];
                self.x[k] = 2.0 * self.x[k - n1] - self.x[k - 2 * n1];
            }
        }
        self.cache_row(i);
        // The sweep map G converges slowly where the ageing state is
        // marginally stable; Anderson mixing of its last iterates converges
        // in a few sweeps.
        let size = 2 * i;
        let mut mixing = AndersonMixing::new(6);
        let mut current = vec![0.0; size];
        let mut swept = vec![0.0; size];
        // The image of the iterate with the smallest change so far: where a
        // mixed iterate makes things worse, the mixing restarts from it.
        let mut best: (f64, Vec<f64>) = (f64::INFINITY, Vec::new());
        let mut sweeps = 0;
        loop {
            sweeps += 1;
            current[..i].copy_from_slice(&self.c[row..row + i]);
            current[i..].copy_from_slice(&self.x[row..row + i]);
            self.sweep(i);
            swept[..i].copy_from_slice(&self.c[row..row + i]);
            swept[i..].copy_from_slice(&self.x[row..row + i]);
            let change = current.iter().zip(&swept).fold(0.0f64, |most, (a, b)| {
                let d = (a - b).abs();
                if d.is_nan() { f64::NAN } else { most.max(d) }
            });
            if !change.is_finite() {
                return Err(TheoryError::NotConverged {
                    method: "Cugliandolo-Kurchan row",
                    iterations: sweeps,
                    residual: change,
                    tolerance: self.tolerance,
                    advice: "the integration diverged: use more grid points",
                });
            }
            if change <= self.tolerance {
                break;
            }
            if sweeps >= self.max_sweeps {
                return Err(TheoryError::NotConverged {
                    method: "Cugliandolo-Kurchan row",
                    iterations: sweeps,
                    residual: change,
                    tolerance: self.tolerance,
                    advice: "use more grid points or allow more sweeps",
                });
            }
            let next = if change > 100.0 * best.0 {
                mixing = AndersonMixing::new(6);
                best.1.clone()
            } else {
                if change < best.0 {
                    best = (change, swept.clone());
                }
                mixing.next(&current, &swept)
            };
            self.c[row..row + i].copy_from_slice(&next[..i]);
            self.x[row..row + i].copy_from_slice(&next[i..]);
            self.cache_row(i);
        }
        // Means of the new row and of the new column intervals away from the diagonal.
        for l in 1..=i - near {
            let k = row + l;
            self.cv[k] = forward_mean(self.c[k - 1], self.c[k], self.c[k + 1]);
            self.xv[k] = forward_mean(self.x[k - 1], self.x[k], self.x[k + 1]);
        }
        for j in 0..i - near {
            let k = row + j;
            self.ch[k] = backward_mean(self.c[k - 2 * n1], self.c[k - n1], self.c[k]);
            self.xh[k] = backward_mean(self.x[k - 2 * n1], self.x[k - n1], self.x[k]);
        }
        Ok(sweeps)
    }

    /// One Gauss–Seidel sweep over the columns of row `i`, from the diagonal
    /// down, with $z_i$ from the row as it stands.
    fn sweep(&mut self, i: usize) {
        let row = self.at(i, 0);
        let (z, _) = self.lagrange_and_energy(i);
        for j in (0..i).rev() {
            let (c_new, x_new) = self.column_update(i, j, z);
            self.c[row + j] = c_new;
            self.x[row + j] = x_new;
            self.first_row[j] = self.xi.first(c_new);
            self.second_row[j] = self.xi.second(c_new);
            if j >= 1 {
                self.weights[j] = self.weight(i, j);
            }
            self.weights[j + 1] = self.weight(i, j + 1);
        }
    }

    /// The new $C_{ij}$, $\chi_{ij}$ from the discretised equations at the
    /// current values of the row: BDF2 in $t$ (backward Euler next to the
    /// diagonal, where $C(t, t_{i-1})$ has its cusp), the memory integrals as
    /// sums of the weights $w_l$ against interval means of the slow factor.
    fn column_update(&self, i: usize, j: usize, z: f64) -> (f64, f64) {
        let n1 = self.n + 1;
        let h = self.step;
        let row = i * n1;
        let j_row = j * n1;
        let one = &self.first_row;
        let w = &self.weights;
        // ∫_0^{t_j} ξ'(C(t_i,s)) R(t_j,s) ds, by parts against the means of χ(t_j, ·).
        let mut first_integral = one[0] * self.x[j_row];
        for l in 1..=j {
            first_integral += (one[l] - one[l - 1]) * self.xv[j_row + l];
        }
        // ∫_0^{t_i} ξ''(C(t_i,s)) R(t_i,s) C(s,t_j) ds and ∫_{t_j}^{t_i} ξ'' R χ(s,t_j) ds.
        let mut second_integral: f64 = w[1..=j]
            .iter()
            .zip(&self.cv[j_row + 1..=j_row + j])
            .map(|(weight, mean)| weight * mean)
            .sum();
        let mut response_integral = 0.0;
        for (l, weight) in w.iter().enumerate().take(i).skip(j + 1) {
            let k = l * n1 + j;
            second_integral += weight * self.ch[k];
            response_integral += weight * self.xh[k];
        }
        // The newest interval, [t_{i-1}, t_i], of the column.
        let k = row + j;
        let (c_mean, x_mean) = if j + self.near >= i {
            (self.ch[k], self.xh[k])
        } else {
            (
                backward_mean(self.c[k - 2 * n1], self.c[k - n1], self.c[k]),
                backward_mean(self.x[k - 2 * n1], self.x[k - n1], self.x[k]),
            )
        };
        second_integral += w[i] * c_mean;
        response_integral += w[i] * x_mean;
        let (derivative, history_c, history_x) = if j + 1 == i {
            (1.0 / h, 1.0 / h, 0.0)
        } else {
            (
                1.5 / h,
                (2.0 * self.c[k - n1] - 0.5 * self.c[k - 2 * n1]) / h,
                (2.0 * self.x[k - n1] - 0.5 * self.x[k - 2 * n1]) / h,
            )
        };
        let denominator = derivative + z;
        (
            (history_c + first_integral + second_integral) / denominator,
            (history_x + 1.0 + response_integral) / denominator,
        )
    }

    /// Appends $e$, $z$ and the waiting-time columns of row `i`.
    fn record_row(&mut self, i: usize, waiting_times: &[f64], record: &mut Record) {
        self.cache_row(i);
        let (z, energy) = self.lagrange_and_energy(i);
        let time = i as f64 * self.step;
        record.one_time.push(OneTimePoint {
            time,
            energy,
            lagrange_multiplier: z,
        });
        for &tw in waiting_times {
            let j = tw / self.step;
            if tw <= time && j.fract() == 0.0 {
                let k = self.at(i, j as usize);
                record.two_time.push(TwoTimePoint {
                    waiting_time: tw,
                    time,
                    correlation: self.c[k],
                    integrated_response: self.x[k],
                });
            }
        }
    }

    /// Keeps every second time and doubles the step; the means of pairs of
    /// intervals are exact.
    fn contract(&mut self) {
        let half = self.n / 2;
        let n1 = self.n + 1;
        for i in 0..=half {
            for j in 0..=i {
                let (new, old) = (i * n1 + j, 2 * i * n1 + 2 * j);
                self.c[new] = self.c[old];
                self.x[new] = self.x[old];
                if j >= 1 {
                    self.cv[new] = 0.5 * (self.cv[old - 1] + self.cv[old]);
                    self.xv[new] = 0.5 * (self.xv[old - 1] + self.xv[old]);
                }
                if j < i {
                    self.ch[new] = 0.5 * (self.ch[old - n1] + self.ch[old]);
                    self.xh[new] = 0.5 * (self.xh[old - n1] + self.xh[old]);
                }
            }
        }
        self.step *= 2.0;
    }
}
