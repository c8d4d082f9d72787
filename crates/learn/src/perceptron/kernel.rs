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
//!
//! Integer fields move in steps of exactly 2, so only the constraints with
//! $h^\mu \in [t-2, t+2)$ can change state: [`flip_change_bits`] counts
//! them from bit sets (what [`super::BinaryPerceptron`] uses for $\pm1$
//! inputs, 64 patterns per popcount), and [`flip_change_narrow`] /
//! [`flip_change_wide`] are the field scans it replaced, kept as the
//! reference the bit sets are tested against.

use crate::simd::{Simd, dispatched};

/// Patterns per block of the narrow kernel: an `i16` lane sums at most this
/// many $\pm1$ terms before it is widened, so it cannot overflow.
pub const BLOCK: usize = 8192;

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

/// Words of a bit set over $P$ patterns.
#[inline]
pub fn words(patterns: usize) -> usize {
    patterns.div_ceil(64)
}

dispatched! {
    /// $\Delta E$ of a flip from bit sets, for integer fields: `signs` has
    /// bit $\mu$ set when $\xi_i^\mu = +1$; `at_risk` holds the satisfied
    /// constraints with $t \le h^\mu < t + 2$ (broken when $h^\mu$ drops by
    /// 2) and `within_reach` the violated ones with $t - 2 \le h^\mu < t$
    /// (mended when it rises by 2). Field $\mu$ drops when
    /// $w_i\xi_i^\mu = +1$, so
    /// $\Delta E = |R \cap D| - |M \setminus D|$ with $D$ the signs, or
    /// their complement for $w_i = -1$: two popcounts per 64 patterns.
    pub fn flip_change_bits(signs: &[u64], at_risk: &[u64], within_reach: &[u64], positive: bool) -> i32 {
        let complement = if positive { 0 } else { u64::MAX };
        let (mut broken, mut mended) = (0u32, 0u32);
        for ((&sign, &risk), &reach) in signs.iter().zip(at_risk).zip(within_reach) {
            let down = sign ^ complement;
            broken += (risk & down).count_ones();
            mended += (reach & !down).count_ones();
        }
        broken as i32 - mended as i32
    }
}

dispatched! {
    /// The bit sets of [`flip_change_bits`] from `i16` fields and the
    /// threshold $t$.
    pub fn margin_sets_narrow(fields: &[i16], threshold: i32, at_risk: &mut [u64], within_reach: &mut [u64]) {
        for ((chunk, risk), reach) in fields.chunks(64).zip(at_risk.iter_mut()).zip(within_reach.iter_mut()) {
            let (mut above, mut below) = (0u64, 0u64);
            for (j, &h) in chunk.iter().enumerate() {
                let d = i32::from(h) - threshold;
                above |= u64::from((d as u32) < 2) << j;
                below |= u64::from(((d + 2) as u32) < 2) << j;
            }
            *risk = above;
            *reach = below;
        }
    }
}

dispatched! {
    /// The bit sets of [`flip_change_bits`] from `i32` fields.
    pub fn margin_sets_wide(fields: &[i32], threshold: i32, at_risk: &mut [u64], within_reach: &mut [u64]) {
        for ((chunk, risk), reach) in fields.chunks(64).zip(at_risk.iter_mut()).zip(within_reach.iter_mut()) {
            let (mut above, mut below) = (0u64, 0u64);
            for (j, &h) in chunk.iter().enumerate() {
                let d = i64::from(h) - i64::from(threshold);
                above |= u64::from((0..2).contains(&d)) << j;
                below |= u64::from((-2..0).contains(&d)) << j;
            }
            *risk = above;
            *reach = below;
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
                    // The bit sets count the same, from either width.
                    let w = words(p);
                    let signs: Vec<u64> = column
                        .chunks(64)
                        .map(|c| {
                            c.iter()
                                .enumerate()
                                .fold(0, |a, (j, &x)| a | (u64::from(x > 0) << j))
                        })
                        .collect();
                    let (mut risk, mut reach) = (vec![0; w], vec![0; w]);
                    margin_sets_narrow(simd, &fields, i32::from(threshold), &mut risk, &mut reach);
                    assert_eq!(
                        flip_change_bits(simd, &signs, &risk, &reach, weight > 0),
                        expected
                    );
                    let (mut risk_wide, mut reach_wide) = (vec![0; w], vec![0; w]);
                    margin_sets_wide(
                        simd,
                        &wide,
                        i32::from(threshold),
                        &mut risk_wide,
                        &mut reach_wide,
                    );
                    assert_eq!((&risk_wide, &reach_wide), (&risk, &reach));
                }
            }
        }
    }
}
