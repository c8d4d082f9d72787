//! The floating-point kernels, chain by chain: one attempt with cached
//! `f64` or `f32` fields and the sweeps [`sweep_f64`] and [`sweep_f32`].

use quench_core::{Spin, StreamRng};
use rand::RngExt;

/// $h \mathrel{+}= a \cdot \mathrm{row}$ element by element (a multiply then an
/// add, never fused, so every width rounds alike).
#[inline(always)]
fn axpy<T: Copy + std::ops::Mul<Output = T> + std::ops::AddAssign>(h: &mut [T], row: &[T], a: T) {
    for (h, &j) in h.iter_mut().zip(row) {
        *h += a * j;
    }
}

/// One attempted flip of site `i` with cached fields; returns $\Delta E$ if accepted.
#[inline(always)]
pub(super) fn attempt_float<T>(
    row: &[T],
    spins: &mut [Spin],
    fields: &mut [T],
    i: usize,
    beta: f64,
    rng: &mut StreamRng,
) -> Option<f64>
where
    T: Copy + Into<f64> + From<i8> + std::ops::Mul<Output = T> + std::ops::AddAssign,
{
    let s = spins[i];
    let delta = 2.0 * f64::from(s) * fields[i].into();
    if delta <= 0.0 || rng.random::<f64>() < (-beta * delta).exp() {
        spins[i] = -s;
        axpy(fields, row, T::from(-2 * s));
        Some(delta)
    } else {
        None
    }
}

/// One sequential Metropolis sweep with cached `f64` fields; returns the
/// energy change and the number of accepted flips.
pub fn sweep_f64(
    rows: &[f64],
    spins: &mut [Spin],
    fields: &mut [f64],
    beta: f64,
    rng: &mut StreamRng,
) -> (f64, u64) {
    let n = spins.len();
    let (mut change, mut accepted) = (0.0, 0);
    for i in 0..n {
        if let Some(delta) = attempt_float(&rows[i * n..(i + 1) * n], spins, fields, i, beta, rng) {
            change += delta;
            accepted += 1;
        }
    }
    (change, accepted)
}

/// [`sweep_f64`] with `f32` rows and fields.
pub fn sweep_f32(
    rows: &[f32],
    spins: &mut [Spin],
    fields: &mut [f32],
    beta: f64,
    rng: &mut StreamRng,
) -> (f64, u64) {
    let n = spins.len();
    let (mut change, mut accepted) = (0.0, 0);
    for i in 0..n {
        if let Some(delta) = attempt_float(&rows[i * n..(i + 1) * n], spins, fields, i, beta, rng) {
            change += delta;
            accepted += 1;
        }
    }
    (change, accepted)
}
