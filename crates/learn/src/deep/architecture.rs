//! The architecture of a deep perceptron network and its wiring: which
//! neurons of layer $l-1$ each perceptron of layer $l$ reads.
//!
//! Layers $l = 0, \dots, L$ hold $N$ sign neurons each; layer 0 is the
//! input. Neuron $k$ of layer $l \ge 1$ is a perceptron with $c$ weights
//! $J_{l,k,j}$, $j = 1, \dots, c$, reading the neurons $\pi_{l,k}(j)$ of
//! layer $l-1$: all of them ($c = N$, globally coupled) or $c$ distinct
//! ones drawn uniformly ($c < N$, dense but not global). Its field on
//! pattern $\mu$ is
//!
//! $$ h^\mu_{l,k} = \frac{1}{\sqrt c}\sum_{j=1}^{c} J_{l,k,j}\\,S^\mu_{l-1,\pi_{l,k}(j)}. $$

use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

use crate::error::{LearnError, at_least, parameter};
use crate::perceptron::WeightKind;

/// Sizes and kind of weights of a deep perceptron network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Architecture {
    /// Neurons per layer $N$.
    pub width: usize,
    /// Number of layers of perceptrons $L$ (layers $1, \dots, L$; layer 0 is the input).
    pub depth: usize,
    /// Inputs per perceptron $c \le N$.
    pub connectivity: usize,
    /// Spherical ($|J_{l,k}|^2 = c$) or binary ($J = \pm1$) weights.
    pub weights: WeightKind,
}

/// The largest number of neurons times patterns a layer may hold (indices are `u32`-safe).
const LARGEST_LAYER: usize = 1 << 31;

impl Architecture {
    /// Checks $N \ge 1$, $L \ge 1$, $1 \le c \le N$.
    pub fn validate(&self) -> Result<(), LearnError> {
        at_least("width", self.width, 1)?;
        at_least("depth", self.depth, 1)?;
        at_least("connectivity", self.connectivity, 1)?;
        if self.connectivity > self.width {
            return Err(parameter(
                "connectivity",
                self.connectivity,
                format!("an integer in [1, width = {}]", self.width),
            ));
        }
        if self.width > LARGEST_LAYER / self.connectivity {
            return Err(parameter(
                "width",
                self.width,
                "width x connectivity below 2^31",
            ));
        }
        Ok(())
    }

    /// Number of perceptrons $L N$.
    pub fn perceptrons(&self) -> usize {
        self.depth * self.width
    }

    /// Number of weights $L N c$.
    pub fn bonds(&self) -> usize {
        self.depth * self.width * self.connectivity
    }

    /// Number of hidden spins $(L-1) N M$ for `patterns` patterns.
    pub fn hidden_spins(&self, patterns: usize) -> usize {
        (self.depth - 1) * self.width * patterns
    }

    /// Bytes of one design state on `patterns` patterns (weights twice,
    /// spins of layers $0..L$ and fields of layers $1..L$, as `f64`),
    /// saturating, so a size that cannot fit is refused before anything is
    /// allocated.
    pub fn state_bytes(&self, patterns: usize) -> u64 {
        let (n, l, c, m) = (
            self.width as u64,
            self.depth as u64,
            self.connectivity as u64,
            patterns as u64,
        );
        let weights = l.saturating_mul(n).saturating_mul(c).saturating_mul(16);
        let spins = (l + 1)
            .saturating_mul(n)
            .saturating_mul(m)
            .saturating_mul(8);
        let fields = l.saturating_mul(n).saturating_mul(m).saturating_mul(8);
        weights.saturating_add(spins).saturating_add(fields)
    }

    /// Index of weight $J_{l,k,j}$ ($l \ge 1$) in a weight vector.
    #[inline]
    pub fn weight_index(&self, layer: usize, neuron: usize, input: usize) -> usize {
        ((layer - 1) * self.width + neuron) * self.connectivity + input
    }
}

/// Which neurons every perceptron reads, and (transposed) which
/// perceptrons read every neuron.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wiring {
    architecture: Architecture,
    /// $\pi_{l,k}(j)$ at [`Architecture::weight_index`], increasing in $j$.
    inputs: Vec<u32>,
    /// Per layer $l \ge 1$ and neuron $i$ of layer $l-1$: the range
    /// `reader_start[(l-1)(N+1) + i] .. [.. + i + 1]` of `readers`.
    reader_start: Vec<u32>,
    /// Per layer: the slots $k c + j$ (within the layer) of the weights that read neuron $i$.
    readers: Vec<u32>,
    /// For every weight (global index): its position in `readers`.
    positions: Vec<u32>,
}

impl Wiring {
    /// Global coupling ($c = N$) is the identity wiring; otherwise every
    /// perceptron reads $c$ distinct neurons drawn uniformly (a partial
    /// Fisher–Yates shuffle per perceptron, in order $l$, $k$), sorted.
    pub fn draw<R: Rng + ?Sized>(
        architecture: Architecture,
        rng: &mut R,
    ) -> Result<Self, LearnError> {
        architecture.validate()?;
        let (n, c) = (architecture.width, architecture.connectivity);
        let mut inputs = Vec::with_capacity(architecture.bonds());
        let mut pool: Vec<u32> = (0..n as u32).collect();
        for _ in 0..architecture.perceptrons() {
            if c == n {
                inputs.extend(0..n as u32);
                continue;
            }
            for t in 0..c {
                let pick = rng.random_range(t..n);
                pool.swap(t, pick);
            }
            let mut chosen = pool[..c].to_vec();
            chosen.sort_unstable();
            inputs.extend_from_slice(&chosen);
        }
        Ok(Self::from_inputs(architecture, inputs))
    }

    fn from_inputs(architecture: Architecture, inputs: Vec<u32>) -> Self {
        let (n, c, depth) = (
            architecture.width,
            architecture.connectivity,
            architecture.depth,
        );
        let mut reader_start = vec![0u32; depth * (n + 1)];
        let mut readers = vec![0u32; architecture.bonds()];
        let mut positions = vec![0u32; architecture.bonds()];
        for l in 0..depth {
            let layer = &inputs[l * n * c..(l + 1) * n * c];
            let start = &mut reader_start[l * (n + 1)..(l + 1) * (n + 1)];
            for &i in layer {
                start[i as usize + 1] += 1;
            }
            for i in 0..n {
                start[i + 1] += start[i];
            }
            let mut next = start[..n].to_vec();
            let out = &mut readers[l * n * c..(l + 1) * n * c];
            for (slot, &i) in layer.iter().enumerate() {
                out[next[i as usize] as usize] = slot as u32;
                positions[l * n * c + slot] = (l * n * c) as u32 + next[i as usize];
                next[i as usize] += 1;
            }
        }
        Self {
            architecture,
            inputs,
            reader_start,
            readers,
            positions,
        }
    }

    /// The architecture wired.
    pub fn architecture(&self) -> &Architecture {
        &self.architecture
    }

    /// Whether every perceptron reads every neuron of the previous layer ($c = N$).
    pub fn is_global(&self) -> bool {
        self.architecture.connectivity == self.architecture.width
    }

    /// The neurons of layer $l-1$ read by perceptron $k$ of layer $l$.
    #[inline]
    pub fn inputs(&self, layer: usize, neuron: usize) -> &[u32] {
        let start = self.architecture.weight_index(layer, neuron, 0);
        &self.inputs[start..start + self.architecture.connectivity]
    }

    /// The weight slots (within layer $l$, $k c + j$) that read neuron $i$ of layer $l-1$.
    #[inline]
    pub fn readers(&self, layer: usize, neuron: usize) -> &[u32] {
        &self.readers[self.reader_range(layer, neuron)]
    }

    /// Where [`Wiring::readers`] of $(l, i)$ lie in the transposed order (a
    /// vector aligned with it, such as a design state's outgoing weights).
    #[inline]
    pub fn reader_range(&self, layer: usize, neuron: usize) -> std::ops::Range<usize> {
        let n = self.architecture.width;
        let base = (layer - 1) * (n + 1);
        let offset = (layer - 1) * n * self.architecture.connectivity;
        offset + self.reader_start[base + neuron] as usize
            ..offset + self.reader_start[base + neuron + 1] as usize
    }

    /// The position of weight `index` ([`Architecture::weight_index`]) in the transposed order.
    #[inline]
    pub fn position(&self, index: usize) -> usize {
        self.positions[index] as usize
    }
}

/// The feed-forward representations $S_l = \mathrm{sign}(h_l)$ of `inputs`
/// (pattern-major, $M \times N$, entries $\pm1$) through `weights`, layer
/// by layer: entry $l$ of the result is layer $l$ ($M \times N$), layer 0
/// the inputs themselves. $\mathrm{sign}(0) = +1$.
pub fn feed_forward(wiring: &Wiring, weights: &[f64], inputs: &[f64]) -> Vec<Vec<f64>> {
    let a = wiring.architecture();
    let n = a.width;
    let m = inputs.len() / n;
    let scale = 1.0 / (a.connectivity as f64).sqrt();
    let mut layers = vec![inputs.to_vec()];
    for l in 1..=a.depth {
        let previous = &layers[l - 1];
        let mut next = vec![0.0; m * n];
        for mu in 0..m {
            let row = &previous[mu * n..(mu + 1) * n];
            for k in 0..n {
                let start = a.weight_index(l, k, 0);
                let w = &weights[start..start + a.connectivity];
                let h = if wiring.is_global() {
                    dot(w, row)
                } else {
                    w.iter()
                        .zip(wiring.inputs(l, k))
                        .map(|(x, &i)| x * row[i as usize])
                        .sum()
                };
                next[mu * n + k] = if h * scale >= 0.0 { 1.0 } else { -1.0 };
            }
        }
        layers.push(next);
    }
    layers
}

/// $\sum_i a_i b_i$ in four independent lanes (vectorises).
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut lanes = [0.0; 4];
    let (ac, bc) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for t in 0..4 {
            lanes[t] += x[t] * y[t];
        }
    }
    let tail: f64 = ar.iter().zip(br).map(|(x, y)| x * y).sum();
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use quench_core::rng::{Purpose, stream};

    /// The transposed lists hold every weight slot exactly once, under the neuron it reads.
    #[test]
    fn readers_transpose_the_inputs() {
        let architecture = Architecture {
            width: 9,
            depth: 3,
            connectivity: 4,
            weights: WeightKind::Spherical,
        };
        let wiring = Wiring::draw(architecture, &mut stream(1, Purpose::Disorder, 0, 0)).unwrap();
        for l in 1..=3 {
            let mut seen = [0; 9 * 4];
            for i in 0..9 {
                for &slot in wiring.readers(l, i) {
                    let (k, j) = (slot as usize / 4, slot as usize % 4);
                    assert_eq!(wiring.inputs(l, k)[j] as usize, i);
                    seen[slot as usize] += 1;
                }
            }
            assert!(seen.iter().all(|&s| s == 1));
            for k in 0..9 {
                let inputs = wiring.inputs(l, k);
                assert!(inputs.windows(2).all(|w| w[0] < w[1]), "distinct, sorted");
            }
        }
    }

    #[test]
    fn connectivity_above_width_is_refused_with_its_name() {
        let architecture = Architecture {
            width: 5,
            depth: 2,
            connectivity: 6,
            weights: WeightKind::Binary,
        };
        let error = architecture.validate().unwrap_err().to_string();
        assert!(error.contains("connectivity"), "{error}");
    }
}
