//! Overlaps of two networks that see through their symmetries: relabelling
//! the hidden units of a layer, and flipping a unit's sign together with
//! the weights that read it (which leaves an odd activation's network
//! unchanged). Two replicas trained on the same data (seed `001`) are
//! compared by
//!
//! * [`weight_overlap`]: the rows of their first layers (each hidden unit's
//!   weights on the inputs);
//! * [`representation_overlap`]: what a hidden layer computes, each unit's
//!   activations on the same $M$ test inputs — the seed's overlap of
//!   representations, $q_{ij} = \frac1M\sum_\mu S^{a,\mu}_i S^{b,\mu}_j$,
//!   for real-valued units, so that it reaches every layer, not only the
//!   one that reads the inputs.
//!
//! Both are one quantity, the [`frame_overlap`] of two sets of vectors.

/// The overlap of two sets of vectors of length `length` (`a` and `b`
/// hold their vectors one after the other). With $\hat u_i$ the unit
/// vectors of `a` and $\hat v_j$ those of `b`, the frame operators
/// $A = \sum_i\hat u_i\hat u_i^\top$ and $B = \sum_j\hat v_j\hat v_j^\top$
/// meet in $\operatorname{tr}AB = \sum_{ij}(\hat u_i\cdot\hat v_j)^2$, the
/// seed's sum of squared overlaps, blind to the order and the signs of
/// the vectors. Normalised,
/// $r = \operatorname{tr}AB/\sqrt{\operatorname{tr}A^2\operatorname{tr}B^2} \in [0, 1]$
/// (Cauchy–Schwarz), and centred on its mean when one set is rotated at
/// random, $r_0 = (n_a n_b/\ell)/\sqrt{\operatorname{tr}A^2\operatorname{tr}B^2}$
/// ($E\operatorname{tr}AB = \operatorname{tr}A\operatorname{tr}B/\ell$ for
/// vectors of length $\ell$):
/// $$ q^2 = \frac{r - r_0}{1 - r_0}, $$
/// 1 for a set against itself in any order and with any signs, 0 on
/// average for unrelated sets, never above 1 (also when there are more
/// vectors than dimensions, where the uncentred sum grows with
/// $n/\ell$). NaN when the frames fill the space isotropically
/// ($r_0 \ge 1$: nothing to tell apart). For two single vectors,
/// $(\cos^2 - 1/\ell)/(1 - 1/\ell)$.
///
/// # Panics
/// If `length` is 0 or does not divide the lengths of `a` and `b`.
pub fn frame_overlap(a: &[f64], b: &[f64], length: usize) -> f64 {
    overlap_in(a, b, length, length)
}

/// [`frame_overlap`] of vectors of length `length` that lie in a subspace
/// of `dimension` dimensions (centred vectors: one fewer), which sets the
/// chance value $r_0$.
fn overlap_in(a: &[f64], b: &[f64], length: usize, dimension: usize) -> f64 {
    assert!(
        length > 0 && a.len().is_multiple_of(length) && b.len().is_multiple_of(length),
        "sets of {} and {} numbers are not vectors of length {length}",
        a.len(),
        b.len()
    );
    let unit = |w: &[f64]| -> Vec<Vec<f64>> {
        w.chunks_exact(length)
            .map(|row| {
                let norm = row.iter().map(|x| x * x).sum::<f64>().sqrt();
                row.iter()
                    .map(|x| x / norm.max(f64::MIN_POSITIVE))
                    .collect()
            })
            .collect()
    };
    // tr(X Y) for the frames of the rows x and y: the sum of squared cosines.
    let trace = |x: &[Vec<f64>], y: &[Vec<f64>]| -> f64 {
        let mut sum = 0.0;
        for p in x {
            for q in y {
                let cosine: f64 = p.iter().zip(q).map(|(s, t)| s * t).sum();
                sum += cosine * cosine;
            }
        }
        sum
    };
    let (a, b) = (unit(a), unit(b));
    let scale = (trace(&a, &a) * trace(&b, &b)).sqrt();
    let r = trace(&a, &b) / scale;
    let chance = (a.len() * b.len()) as f64 / dimension as f64 / scale;
    if chance >= 1.0 {
        return f64::NAN;
    }
    (r - chance) / (1.0 - chance)
}

/// The permutation-invariant overlap of two first layers: $h$ rows of
/// `inputs` weights each ([`frame_overlap`] of the rows). For a
/// perceptron ($h = 1$), $(\cos^2 - 1/d)/(1 - 1/d)$.
pub fn weight_overlap(a: &[f64], b: &[f64], inputs: usize) -> f64 {
    frame_overlap(a, b, inputs)
}

/// The permutation-invariant overlap of two hidden layers' representations
/// of the same $M$ inputs: `a` holds $M$ rows of `width_a` activations
/// (input-major, as a forward pass leaves them), `b` $M$ rows of
/// `width_b`. Each unit's $M$ activations are centred on their mean over
/// the inputs (a ReLU unit's positive mean is shared by every unit and
/// says nothing about what it computes) and compared as in
/// [`frame_overlap`]: $\sum_{ij}\cos^2(s^a_i, s^b_j)$, the seed's
/// $\sum_{ij}q_{ij}^2$ with each unit normalised, centred on its value
/// for unrelated layers (whose chance value $n_a n_b/M$ is the seed's
/// $N/M$; $n_a n_b/(M-1)$ here, the centred units spanning $M - 1$
/// dimensions). A unit that is constant on the inputs counts as a zero vector.
///
/// # Panics
/// If the rows do not match: `a.len()/width_a != b.len()/width_b`.
pub fn representation_overlap(a: &[f64], width_a: usize, b: &[f64], width_b: usize) -> f64 {
    let transpose = |x: &[f64], width: usize| -> (Vec<f64>, usize) {
        let rows = x.len() / width.max(1);
        let mut units = vec![0.0; x.len()];
        for (mu, row) in x.chunks_exact(width).enumerate() {
            for (i, &s) in row.iter().enumerate() {
                units[i * rows + mu] = s;
            }
        }
        for unit in units.chunks_exact_mut(rows.max(1)) {
            let mean = unit.iter().sum::<f64>() / rows as f64;
            for s in unit {
                *s -= mean;
            }
        }
        (units, rows)
    };
    let (x, rows_a) = transpose(a, width_a);
    let (y, rows_b) = transpose(b, width_b);
    assert_eq!(
        rows_a, rows_b,
        "representations of different numbers of inputs"
    );
    // Centred, the units lie in the M − 1 dimensions orthogonal to (1, …, 1).
    overlap_in(&x, &y, rows_a, rows_a.saturating_sub(1).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quench_core::rng::{Purpose, stream};
    use rand_distr::{Distribution, StandardNormal};

    fn gaussian(count: usize, seed: u64) -> Vec<f64> {
        let mut rng = stream(seed, Purpose::Disorder, 0, 0);
        (0..count)
            .map(|_| StandardNormal.sample(&mut rng))
            .collect()
    }

    fn mean_and_deviation(values: &[f64]) -> (f64, f64) {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        (mean, sd)
    }

    /// Relabelling units and flipping their signs leaves the overlap
    /// unchanged; a layer against itself gives 1 exactly; independent
    /// random layers give 0 on average (within four standard errors).
    #[test]
    fn the_weight_overlap_is_blind_to_permutations_and_signs() {
        let (h, d) = (5, 12);
        let (a, b) = (gaussian(h * d, 1), gaussian(h * d, 2));
        let mut shuffled = vec![0.0; h * d];
        for i in 0..h {
            let target = (3 * i + 1) % h;
            let sign = if i % 2 == 0 { -1.0 } else { 2.5 };
            for k in 0..d {
                shuffled[target * d + k] = sign * b[i * d + k];
            }
        }
        let (x, y) = (weight_overlap(&a, &b, d), weight_overlap(&a, &shuffled, d));
        assert!((x - y).abs() < 1e-12, "{x} {y}");
        let own = weight_overlap(&b, &shuffled, d);
        assert!((own - 1.0).abs() < 1e-12, "{own}");
        let values: Vec<f64> = (0..400)
            .map(|k| {
                weight_overlap(
                    &gaussian(h * d, 10 + 2 * k),
                    &gaussian(h * d, 11 + 2 * k),
                    d,
                )
            })
            .collect();
        let (mean, sd) = mean_and_deviation(&values);
        assert!(mean.abs() < 4.0 * sd / 20.0, "mean {mean}, sd {sd}");
    }

    /// Wider layers than inputs ($h > d$, as in the recurrent-learning
    /// gallery): the uncentred sum of squared cosines grew like $h/d$ and
    /// read above 1 there; the overlap stays at most 1 (1 for a layer
    /// against itself), and unrelated layers still give 0 on average.
    #[test]
    fn the_weight_overlap_stays_within_one_for_layers_wider_than_the_inputs() {
        let (h, d) = (24, 8);
        let a = gaussian(h * d, 3);
        let own = weight_overlap(&a, &a, d);
        assert!((own - 1.0).abs() < 1e-12, "{own}");
        let values: Vec<f64> = (0..400)
            .map(|k| {
                weight_overlap(
                    &gaussian(h * d, 1000 + 2 * k),
                    &gaussian(h * d, 1001 + 2 * k),
                    d,
                )
            })
            .collect();
        assert!(values.iter().all(|&v| v <= 1.0), "{values:?}");
        let (mean, sd) = mean_and_deviation(&values);
        assert!(mean.abs() < 4.0 * sd / 20.0, "mean {mean}, sd {sd}");
    }

    /// A hidden layer's representation: relabelling and flipping units,
    /// and shifting each by a constant, change nothing (1 against
    /// itself); a unit that is a mixture of the other layer's units is
    /// seen; unrelated representations give 0 on average.
    #[test]
    fn the_representation_overlap_sees_through_relabelling_signs_and_offsets() {
        let (m, h) = (200, 4);
        let a = gaussian(m * h, 5);
        // b: units permuted, flipped, scaled and shifted.
        let mut b = vec![0.0; m * h];
        for mu in 0..m {
            for i in 0..h {
                let (target, scale) = ((i + 1) % h, if i == 2 { -3.0 } else { 0.5 });
                b[mu * h + target] = scale * a[mu * h + i] + 7.0;
            }
        }
        let own = representation_overlap(&a, h, &b, h);
        assert!((own - 1.0).abs() < 1e-12, "{own}");
        // A narrower layer spanning part of the same space: between chance and 1.
        let mut c = vec![0.0; m * 2];
        for mu in 0..m {
            c[mu * 2] = a[mu * h] + a[mu * h + 1];
            c[mu * 2 + 1] = a[mu * h + 3];
        }
        let part = representation_overlap(&a, h, &c, 2);
        assert!(part > 0.3 && part < 1.0, "{part}");
        let values: Vec<f64> = (0..300)
            .map(|k| {
                representation_overlap(
                    &gaussian(m * h, 5000 + 2 * k),
                    h,
                    &gaussian(m * 3, 5001 + 2 * k),
                    3,
                )
            })
            .collect();
        let (mean, sd) = mean_and_deviation(&values);
        assert!(
            mean.abs() < 4.0 * sd / 300f64.sqrt(),
            "mean {mean}, sd {sd}"
        );
    }
}
