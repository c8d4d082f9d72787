//! The $O(P)$ kernels of a weight flip: how many constraints a flip of
//! $w_i$ would break or mend, and the update of the fields.
//!
//! The fields are unnormalised, $h^\mu = \sum_i w_i \xi_i^\mu$ with the
//! signed inputs $\xi_i^\mu = y^\mu x_i^\mu$, and constraint $\mu$ is violated
//! when $h^\mu$ is below a threshold (below $t$ for integer fields, at or
//! below $\kappa\sqrt N$ for real ones). Flipping $w_i$ changes every field
//! by $-2w_i\xi_i^\mu$, so the change in the number of violations is
//! $$ \Delta E_i = \sum_\mu \big[\,\mathbb 1(h^\mu - 2w_i\xi_i^\mu < t) -
//!    \mathbb 1(h^\mu < t)\,\big], $$
//! a pass over the $P$ signed inputs of weight $i$ (contiguous, weight-major).
//! With $\pm1$ inputs the fields are exact integers: `i16` when
//! $N \le 32000$ (32 patterns per AVX-512 instruction), else `i32`.

use crate::simd::{Simd, dispatched};

/// Patterns per block of the narrow kernel: an `i16` lane sums at most this
/// many $\pm1$ terms before it is widened, so it cannot overflow.
const BLOCK: usize = 8192;

dispatched! {
    /// $\Delta E$ of flipping a weight whose signed inputs are `column`,
    /// `weight` its value, with `i16` fields (one block of at most [`BLOCK`]).
    pub fn flip_change_narrow_block(column: &[i8], fields: &[i16], weight: i16, threshold: i16) -> i32 {
        let step = 2 * weight;
        let mut sum = 0i16;
        for (&x, &h) in column.iter().zip(fields) {
            let after = h - step * i16::from(x);
            sum += i16::from(after < threshold) - i16::from(h < threshold);
        }
        i32::from(sum)
    }
}

/// $\Delta E$ with `i16` fields, block by block.
#[inline]
pub fn flip_change_narrow(
    simd: Simd,
    column: &[i8],
    fields: &[i16],
    weight: i16,
    threshold: i16,
) -> i32 {
    column
        .chunks(BLOCK)
        .zip(fields.chunks(BLOCK))
        .map(|(c, f)| flip_change_narrow_block(simd, c, f, weight, threshold))
        .sum()
}

dispatched! {
    /// $\Delta E$ with `i32` fields.
    pub fn flip_change_wide(column: &[i8], fields: &[i32], weight: i32, threshold: i32) -> i32 {
        let step = 2 * weight;
        let mut sum = 0i32;
        for (&x, &h) in column.iter().zip(fields) {
            let after = h - step * i32::from(x);
            sum += i32::from(after < threshold) - i32::from(h < threshold);
        }
        sum
    }
}

dispatched! {
    /// $\Delta E$ with real fields: violated when $h \le$ `threshold`.
    pub fn flip_change_real(column: &[f64], fields: &[f64], weight: f64, threshold: f64) -> i32 {
        let step = 2.0 * weight;
        let mut sum = 0i32;
        for (&x, &h) in column.iter().zip(fields) {
            let after = h - step * x;
            sum += i32::from(after <= threshold) - i32::from(h <= threshold);
        }
        sum
    }
}

dispatched! {
    /// $h^\mu \mathrel{+}= \mathrm{step}\cdot\xi^\mu$ (`i16` fields).
    pub fn add_column_narrow(fields: &mut [i16], column: &[i8], step: i16) {
        for (h, &x) in fields.iter_mut().zip(column) {
            *h += step * i16::from(x);
        }
    }
}

dispatched! {
    /// $h^\mu \mathrel{+}= \mathrm{step}\cdot\xi^\mu$ (`i32` fields).
    pub fn add_column_wide(fields: &mut [i32], column: &[i8], step: i32) {
        for (h, &x) in fields.iter_mut().zip(column) {
            *h += step * i32::from(x);
        }
    }
}

dispatched! {
    /// $h^\mu \mathrel{+}= \mathrm{step}\cdot\xi^\mu$ (real fields).
    pub fn add_column_real(fields: &mut [f64], column: &[f64], step: f64) {
        for (h, &x) in fields.iter_mut().zip(column) {
            *h += step * x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every instance counts exactly what a plain loop counts, on fields
    /// that sit at and around the threshold and across a block boundary.
    #[test]
    fn vector_instances_count_like_the_scalar_loop() {
        let p = BLOCK + 37;
        let column: Vec<i8> = (0..p)
            .map(|k| if (k * 7) % 3 == 0 { 1 } else { -1 })
            .collect();
        let fields: Vec<i16> = (0..p).map(|k| (k % 9) as i16 - 4).collect();
        for weight in [-1i16, 1] {
            for threshold in [-2i16, 0, 1, 3] {
                let expected: i32 = column
                    .iter()
                    .zip(&fields)
                    .map(|(&x, &h)| {
                        let after = h - 2 * weight * i16::from(x);
                        i32::from(after < threshold) - i32::from(h < threshold)
                    })
                    .sum();
                for simd in [Simd::portable(), Simd::detect()] {
                    assert_eq!(
                        flip_change_narrow(simd, &column, &fields, weight, threshold),
                        expected
                    );
                    let wide: Vec<i32> = fields.iter().map(|&h| i32::from(h)).collect();
                    assert_eq!(
                        flip_change_wide(
                            simd,
                            &column,
                            &wide,
                            i32::from(weight),
                            i32::from(threshold)
                        ),
                        expected
                    );
                    let real_column: Vec<f64> = column.iter().map(|&x| f64::from(x)).collect();
                    let real: Vec<f64> = fields.iter().map(|&h| f64::from(h)).collect();
                    // Integer fields below t are the real fields at or below t - 1.
                    assert_eq!(
                        flip_change_real(
                            simd,
                            &real_column,
                            &real,
                            f64::from(weight),
                            f64::from(threshold) - 1.0
                        ),
                        expected
                    );
                }
            }
        }
    }
}
