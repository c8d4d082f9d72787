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

/// Overlaps of two networks (weights and representations of the same
/// inputs) after fixing the gauge of every hidden neuron.
///
/// Flipping a hidden neuron $(l, i)$, $0 < l < L$ — its spins, its own
/// weights $J_{l,i}$ and the weights $J_{l+1,k,j}$ that read it — changes
/// no gap, so two networks related by such flips are the same machine,
/// and the plain overlaps of hidden layers average to zero between
/// independent students whatever their similarity. Here the second
/// network is flipped by $\sigma_{l,i} = \mathrm{sign}\sum_\mu S^{a,\mu}_{l,i}S^{b,\mu}_{l,i}$
/// (computed on `a_layers`, `b_layers`; $\sigma = +1$ on the input and
/// output layers) before comparing:
/// $q(l) = \frac1N\sum_i |q_{ii}(l)|$ and
/// $Q(l) = \frac1{Nc}\sum_{k,j}\sigma_{l,k}\sigma_{l-1,\pi(j)}J^a_{l,k,j}J^b_{l,k,j}$.
/// Unrelated neurons give $\langle|q_{ii}|\rangle \approx \sqrt{2/(\pi M)}$, the
/// floor of the aligned spin overlap. (A permutation of the neurons of a
/// globally coupled layer is a further symmetry; [`permutation_invariant_overlap`]
/// sees through both.)
#[derive(Debug, Clone, PartialEq)]
pub struct AlignedOverlaps {
    /// $\sigma_{l,i}$, layers $0..L$ ($N$ each).
    pub gauge: Vec<Vec<f64>>,
    /// Aligned $q(l)$, $l = 0..L$.
    pub spin: Vec<f64>,
    /// The unbiased estimate of the mean squared neuron overlap,
    /// $\big(\frac1N\sum_i q_{ii}^2 - \frac1M\big)/(1 - \frac1M)$ (gauge
    /// invariant; its expectation is $\frac1N\sum_i q_i^2$ when neuron $i$'s
    /// $M$ spin products are independent with mean $q_i$), $l = 0..L$.
    pub spin_squared: Vec<f64>,
    /// Aligned $Q(l)$, $l = 1..L$.
    pub bond: Vec<f64>,
    /// The unbiased estimate of the mean squared perceptron overlap
    /// $\big(\frac1N\sum_k o_k^2 - \frac1c\big)/(1 - \frac1c)$, with
    /// $o_k = \frac1c\sum_j\sigma_{l-1,\pi(j)}J^a_{l,k,j}J^b_{l,k,j}$ (blind to the
    /// output gauge; 0 in expectation for independent uniform weight
    /// vectors, since then $\langle o_k^2\rangle = 1/c$), $l = 1..L$.
    pub bond_squared: Vec<f64>,
}

/// [`AlignedOverlaps`] of networks `a` and `b` with wiring `wiring`, from
/// their weights and their representations of the same inputs (layers
/// $0..L$, pattern-major).
pub fn aligned_overlaps(
    wiring: &super::Wiring,
    a_weights: &[f64],
    a_layers: &[&[f64]],
    b_weights: &[f64],
    b_layers: &[&[f64]],
) -> AlignedOverlaps {
    let architecture = wiring.architecture();
    let (n, depth, c) = (
        architecture.width,
        architecture.depth,
        architecture.connectivity,
    );
    let mut gauge = vec![vec![1.0; n]; depth + 1];
    let mut spin = Vec::with_capacity(depth + 1);
    let mut spin_squared = Vec::with_capacity(depth + 1);
    for l in 0..=depth {
        let (x, y) = (a_layers[l], b_layers[l]);
        let m = x.len() / n;
        let mut diagonal = vec![0.0; n];
        for mu in 0..m {
            for (i, slot) in diagonal.iter_mut().enumerate() {
                *slot += x[mu * n + i] * y[mu * n + i];
            }
        }
        if l > 0 && l < depth {
            for (sign, &d) in gauge[l].iter_mut().zip(&diagonal) {
                *sign = if d < 0.0 { -1.0 } else { 1.0 };
            }
        }
        let m_real = m as f64;
        let mean_square = diagonal
            .iter()
            .map(|d| (d / m_real) * (d / m_real))
            .sum::<f64>()
            / n as f64;
        spin_squared.push(if m > 1 {
            (mean_square - 1.0 / m_real) / (1.0 - 1.0 / m_real)
        } else {
            f64::NAN
        });
        spin.push(
            diagonal
                .iter()
                .zip(&gauge[l])
                .map(|(d, s)| d * s)
                .sum::<f64>()
                / (n * m) as f64,
        );
    }
    let mut bond = Vec::with_capacity(depth);
    let mut bond_squared = Vec::with_capacity(depth);
    for l in 1..=depth {
        let (mut sum, mut squares) = (0.0, 0.0);
        for k in 0..n {
            let start = architecture.weight_index(l, k, 0);
            let mut overlap = 0.0;
            for (j, &input) in wiring.inputs(l, k).iter().enumerate() {
                overlap +=
                    gauge[l - 1][input as usize] * a_weights[start + j] * b_weights[start + j];
            }
            let overlap = overlap / c as f64;
            sum += gauge[l][k] * overlap;
            squares += overlap * overlap;
        }
        bond.push(sum / n as f64);
        let inverse = 1.0 / c as f64;
        bond_squared.push(if c > 1 {
            (squares / n as f64 - inverse) / (1.0 - inverse)
        } else {
            f64::NAN
        });
    }
    AlignedOverlaps {
        gauge,
        spin,
        spin_squared,
        bond,
        bond_squared,
    }
}
