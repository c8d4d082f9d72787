//! Layer-resolved observables of deep networks: overlaps between two
//! students (replicas trained on the same data) or between a student and
//! its teacher.
//!
//! * Spin overlap of layer $l$: $q(l) = \frac{1}{NM}\sum_{i,\mu} S^{a,\mu}_{l,i} S^{b,\mu}_{l,i}$
//!   ($q(0) = 1$ always, and $q(L) = 1$ when both store the outputs).
//! * Bond overlap of layer $l$: $Q(l) = \frac{1}{Nc}\sum_{k,j} J^a_{l,k,j}J^b_{l,k,j}$.
//! * The seed's permutation-invariant overlap: with
//!   $q_{ij} = \frac1M\sum_\mu S^{a,\mu}_{i}S^{b,\mu}_{j}$,
//!   $$ q^2 = \frac1N\sum_{i,j=1}^{N} q_{ij}^2 - \frac{N}{M}, $$
//!   blind to the relabelling and sign flips of hidden neurons that leave
//!   a network's function unchanged; $N/M$ is the value of the first term
//!   for independent random representations, so $q^2 \approx 0$ for
//!   unrelated layers and $\approx 1$ for equivalent ones.
//! * The test agreement $r_{\text{test}}$: the spin overlap of the output
//!   layers of two networks' feed-forward representations of fresh inputs.

/// $\frac1{\text{len}}\sum_t a_t b_t$.
pub fn mean_product(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "overlap of vectors of different lengths");
    super::architecture::dot(a, b) / a.len() as f64
}

/// The permutation-invariant overlap $q^2$ of two layers ($M \times N$,
/// pattern-major, entries $\pm1$).
pub fn permutation_invariant_overlap(a: &[f64], b: &[f64], width: usize) -> f64 {
    assert_eq!(a.len(), b.len(), "layers of different sizes");
    let n = width;
    let m = a.len() / n;
    let mut q = vec![0.0; n * n];
    for mu in 0..m {
        let (ra, rb) = (&a[mu * n..(mu + 1) * n], &b[mu * n..(mu + 1) * n]);
        for (i, &x) in ra.iter().enumerate() {
            for (slot, &y) in q[i * n..(i + 1) * n].iter_mut().zip(rb) {
                *slot += x * y;
            }
        }
    }
    let m = m as f64;
    q.iter().map(|&s| (s / m) * (s / m)).sum::<f64>() / n as f64 - n as f64 / m
}

/// Overlaps of every layer of two representations (lists of layers).
pub fn layer_overlaps(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| mean_product(x, y)).collect()
}

/// Bond overlaps $Q(l)$, $l = 1..L$, of two weight vectors of `depth` layers.
pub fn bond_overlaps(a: &[f64], b: &[f64], depth: usize) -> Vec<f64> {
    let per_layer = a.len() / depth;
    a.chunks_exact(per_layer)
        .zip(b.chunks_exact(per_layer))
        .map(|(x, y)| mean_product(x, y))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quench_core::rng::{Purpose, stream};
    use rand::RngExt;

    /// Relabelling and flipping the neurons of a layer leaves $q^2$ at
    /// (about) 1; independent layers give about 0 (within a few $1/\sqrt{M}$).
    #[test]
    fn permutation_invariant_overlap_sees_through_relabelling() {
        let (n, m) = (20, 2000);
        let mut rng = stream(5, Purpose::Disorder, 0, 0);
        let a: Vec<f64> = (0..n * m)
            .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
            .collect();
        let c: Vec<f64> = (0..n * m)
            .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
            .collect();
        let mut b = vec![0.0; n * m];
        for mu in 0..m {
            for i in 0..n {
                let sign = if i % 3 == 0 { -1.0 } else { 1.0 };
                b[mu * n + (i * 7) % n] = sign * a[mu * n + i];
            }
        }
        let same = permutation_invariant_overlap(&a, &b, n);
        let unrelated = permutation_invariant_overlap(&a, &c, n);
        assert!((same - 1.0).abs() < 0.05, "relabelled: {same}");
        assert!(unrelated.abs() < 0.05, "independent: {unrelated}");
        assert!(
            mean_product(&a, &b).abs() < 0.2,
            "the plain overlap does not see it"
        );
    }
}
