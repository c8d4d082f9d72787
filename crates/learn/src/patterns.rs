//! Stored patterns: binary $\xi^\mu \in \\{\pm1\\}^N$ and continuous
//! $x^\mu \in \mathbb{R}^N$, $\mu = 1, \dots, P$.
//!
//! **Layout.** Both kinds are stored pattern-major ($P \times N$, row $\mu$ is
//! pattern $\mu$), binary components as `i8`. This is the layout of the
//! overlap dot products $M_\mu = \xi^\mu \cdot s$ and of the softmax update of
//! continuous memories. The single-spin kernels of the binary memories need
//! the other order (all $\xi_i^\mu$ of one spin $i$ contiguous): they keep a
//! spin-major copy, [`BinaryPatterns::spin_major`], built once. `i8` keeps
//! that copy at $NP$ bytes ($10$ MB for $N = 10^4$, $P = 10^3$), streamed once
//! per sweep, and widens to `i32` inside vector registers.
//!
//! **Randomness.** [`BinaryPatterns::draw`] and [`ContinuousPatterns::draw`]
//! use the stream `(seed, Disorder, sample, 0)`. Unbiased binary patterns are
//! drawn component by component, pattern after pattern, exactly as the
//! Hopfield ensemble of `quench-core` draws them, so both give the same
//! patterns for the same seed and sample, and the first $P'$ patterns of a
//! draw of $P > P'$ are the draw of $P'$.

use crate::error::{LearnError, at_least, check_spins, in_closed_range, parameter};
use quench_core::Spin;
use quench_core::rng::{Purpose, stream};
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

/// How binary patterns are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BinaryDistribution {
    /// Independent components, $\xi_i^\mu = \pm 1$ with probability $1/2$ each.
    Unbiased,
    /// Independent components with mean $a$ (the bias):
    /// $\Pr(\xi_i^\mu = +1) = (1+a)/2$, $-1 < a < 1$.
    Biased {
        /// The mean $a$ of every component.
        bias: f64,
    },
    /// Hierarchically correlated patterns: `ancestors` unbiased ancestors
    /// $\zeta^a$; pattern $\mu$ descends from ancestor $a = \mu \bmod A$ and
    /// copies it with each component flipped independently with probability
    /// $p$, so that descendants of one ancestor have overlap
    /// $(1-2p)^2$ on average and descendants of different ones overlap $0$.
    Hierarchical {
        /// Number $A \ge 1$ of ancestors.
        ancestors: usize,
        /// Probability $p \in \[0, 1/2\]$ that a descendant's component
        /// differs from its ancestor's.
        flip_probability: f64,
    },
}

impl BinaryDistribution {
    /// Checks the parameters.
    pub fn validate(&self) -> Result<(), LearnError> {
        match *self {
            BinaryDistribution::Unbiased => Ok(()),
            BinaryDistribution::Biased { bias } => {
                if bias.is_finite() && bias > -1.0 && bias < 1.0 {
                    Ok(())
                } else {
                    Err(parameter("bias", bias, "a real number -1 < bias < 1"))
                }
            }
            BinaryDistribution::Hierarchical {
                ancestors,
                flip_probability,
            } => {
                at_least("ancestors", ancestors, 1)?;
                in_closed_range("flip_probability", flip_probability, 0.0, 0.5).map(|_| ())
            }
        }
    }
}

/// $P$ binary patterns of $N$ components $\pm 1$, pattern-major `i8`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinaryPatterns {
    neurons: usize,
    count: usize,
    values: Vec<Spin>,
}

fn spin(up: bool) -> Spin {
    if up { 1 } else { -1 }
}

impl BinaryPatterns {
    /// Draws `count` patterns of `neurons` components for disorder sample
    /// `sample` of the run with master seed `seed`, from the stream
    /// `(seed, Disorder, sample, 0)`.
    pub fn draw(
        distribution: BinaryDistribution,
        neurons: usize,
        count: usize,
        seed: u64,
        sample: u64,
    ) -> Result<Self, LearnError> {
        let mut rng = stream(seed, Purpose::Disorder, sample, 0);
        Self::draw_with(distribution, neurons, count, &mut rng)
    }

    /// Draws `count` patterns of `neurons` components from `rng`.
    pub fn draw_with<R: Rng + ?Sized>(
        distribution: BinaryDistribution,
        neurons: usize,
        count: usize,
        rng: &mut R,
    ) -> Result<Self, LearnError> {
        at_least("neurons", neurons, 1)?;
        at_least("patterns", count, 1)?;
        distribution.validate()?;
        let size = neurons.checked_mul(count).ok_or_else(|| {
            parameter(
                "patterns",
                count,
                "a count with neurons * patterns in memory",
            )
        })?;
        let values: Vec<Spin> = match distribution {
            BinaryDistribution::Unbiased => (0..size).map(|_| spin(rng.random::<bool>())).collect(),
            BinaryDistribution::Biased { bias } => {
                let up = 0.5 * (1.0 + bias);
                (0..size).map(|_| spin(rng.random_bool(up))).collect()
            }
            BinaryDistribution::Hierarchical {
                ancestors,
                flip_probability,
            } => {
                let roots: Vec<Spin> = (0..ancestors * neurons)
                    .map(|_| spin(rng.random::<bool>()))
                    .collect();
                let mut values = Vec::with_capacity(size);
                for mu in 0..count {
                    let root = &roots[(mu % ancestors) * neurons..][..neurons];
                    values.extend(root.iter().map(|&x| {
                        if rng.random_bool(flip_probability) {
                            -x
                        } else {
                            x
                        }
                    }));
                }
                values
            }
        };
        Ok(Self {
            neurons,
            count,
            values,
        })
    }

    /// Patterns from explicit pattern-major values ($P \times N$, entries ±1).
    pub fn from_values(neurons: usize, values: Vec<Spin>) -> Result<Self, LearnError> {
        at_least("neurons", neurons, 1)?;
        if values.is_empty() || !values.len().is_multiple_of(neurons) {
            return Err(LearnError::Configuration {
                reason: format!(
                    "{} pattern values are not a positive multiple of neurons = {neurons}",
                    values.len()
                ),
            });
        }
        check_spins(&values, values.len())?;
        Ok(Self {
            neurons,
            count: values.len() / neurons,
            values,
        })
    }

    /// Number of components $N$.
    pub fn neurons(&self) -> usize {
        self.neurons
    }

    /// Number of patterns $P$.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The load $\alpha = P/N$.
    pub fn load(&self) -> f64 {
        self.count as f64 / self.neurons as f64
    }

    /// Pattern $\mu$ (0-based).
    pub fn pattern(&self, mu: usize) -> &[Spin] {
        &self.values[mu * self.neurons..(mu + 1) * self.neurons]
    }

    /// All values, pattern-major.
    pub fn values(&self) -> &[Spin] {
        &self.values
    }

    /// The transposed ($N \times P$, spin-major) copy: entry `i * P + mu` is
    /// $\xi_i^\mu$, so the $P$ components seen by spin $i$ are contiguous.
    pub fn spin_major(&self) -> Vec<Spin> {
        let (n, p) = (self.neurons, self.count);
        let mut transposed = vec![0; n * p];
        // Blocks of 64 x 64 keep both sides in cache.
        const BLOCK: usize = 64;
        for mu0 in (0..p).step_by(BLOCK) {
            for i0 in (0..n).step_by(BLOCK) {
                for mu in mu0..(mu0 + BLOCK).min(p) {
                    let row = &self.values[mu * n..];
                    for i in i0..(i0 + BLOCK).min(n) {
                        transposed[i * p + mu] = row[i];
                    }
                }
            }
        }
        transposed
    }

    /// The integer overlaps $M_\mu = \sum_j \xi_j^\mu s_j$ written into
    /// `overlaps` (length $P$). Panics if the lengths do not match.
    pub fn integer_overlaps_into(&self, spins: &[Spin], overlaps: &mut [i32]) {
        assert_eq!(spins.len(), self.neurons, "spins must have N entries");
        assert_eq!(overlaps.len(), self.count, "overlaps must have P entries");
        for (overlap, pattern) in overlaps
            .iter_mut()
            .zip(self.values.chunks_exact(self.neurons))
        {
            *overlap = dot_i8(pattern, spins);
        }
    }

    /// The integer overlaps $M_\mu = \sum_j \xi_j^\mu s_j$.
    pub fn integer_overlaps(&self, spins: &[Spin]) -> Vec<i32> {
        let mut overlaps = vec![0; self.count];
        self.integer_overlaps_into(spins, &mut overlaps);
        overlaps
    }

    /// The overlaps $m_\mu = \frac1N \sum_j \xi_j^\mu s_j$ with every pattern.
    pub fn overlaps(&self, spins: &[Spin]) -> Vec<f64> {
        let n = self.neurons as f64;
        self.integer_overlaps(spins)
            .into_iter()
            .map(|m| f64::from(m) / n)
            .collect()
    }

    /// The symmetric mixture $\mathrm{sign}(\sum_{\mu \in C} \xi^\mu)$ of an
    /// odd number of distinct patterns $C$ (the classic one mixes three:
    /// its overlap with each component is $1/2$ on average for unbiased
    /// patterns).
    pub fn symmetric_mixture(&self, components: &[usize]) -> Result<Vec<Spin>, LearnError> {
        if components.len().is_multiple_of(2) {
            return Err(parameter(
                "components",
                format!("{components:?}"),
                "an odd number of pattern indices (e.g. [0, 1, 2])",
            ));
        }
        for (k, &mu) in components.iter().enumerate() {
            if mu >= self.count || components[..k].contains(&mu) {
                return Err(parameter(
                    "components",
                    format!("{components:?}"),
                    format!("distinct pattern indices below P = {}", self.count),
                ));
            }
        }
        Ok((0..self.neurons)
            .map(|i| {
                let sum: i32 = components
                    .iter()
                    .map(|&mu| i32::from(self.values[mu * self.neurons + i]))
                    .sum();
                spin(sum > 0)
            })
            .collect())
    }
}

/// $\sum_j a_j b_j$ of two `i8` vectors, accumulated in `i32` (vectorised).
pub(crate) fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| i32::from(x) * i32::from(y))
        .sum()
}

/// A copy of `pattern` with exactly $k = \mathrm{round}(N(1-m_0)/2)$ spins
/// flipped, so that its overlap with `pattern` is $1 - 2k/N \approx m_0$.
///
/// The flipped spins are the first $k$ entries of a random permutation drawn
/// from `rng` (partial Fisher–Yates), so that for one stream the flipped set
/// grows with $1 - m_0$: starts at several initial overlaps are nested.
pub fn corrupted_pattern<R: Rng + ?Sized>(
    pattern: &[Spin],
    initial_overlap: f64,
    rng: &mut R,
) -> Result<Vec<Spin>, LearnError> {
    in_closed_range("initial_overlap", initial_overlap, -1.0, 1.0)?;
    let n = pattern.len();
    let flips = ((n as f64) * (1.0 - initial_overlap) / 2.0).round() as usize;
    let mut state = pattern.to_vec();
    let mut order: Vec<usize> = (0..n).collect();
    for t in 0..flips.min(n) {
        let j = rng.random_range(t..n);
        order.swap(t, j);
        state[order[t]] = -state[order[t]];
    }
    Ok(state)
}

/// How continuous patterns are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContinuousDistribution {
    /// Independent standard Gaussian components $x_i^\mu \sim \mathcal N(0, 1)$.
    Gaussian,
    /// Uniform on the sphere of radius $\sqrt N$ (a Gaussian vector rescaled).
    Spherical,
}

/// $P$ real patterns of dimension $N$, pattern-major `f64`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContinuousPatterns {
    dimension: usize,
    count: usize,
    values: Vec<f64>,
}

impl ContinuousPatterns {
    /// Draws `count` patterns of `dimension` components for disorder sample
    /// `sample`, from the stream `(seed, Disorder, sample, 0)`.
    pub fn draw(
        distribution: ContinuousDistribution,
        dimension: usize,
        count: usize,
        seed: u64,
        sample: u64,
    ) -> Result<Self, LearnError> {
        let mut rng = stream(seed, Purpose::Disorder, sample, 0);
        Self::draw_with(distribution, dimension, count, &mut rng)
    }

    /// Draws `count` patterns of `dimension` components from `rng`.
    pub fn draw_with<R: Rng + ?Sized>(
        distribution: ContinuousDistribution,
        dimension: usize,
        count: usize,
        rng: &mut R,
    ) -> Result<Self, LearnError> {
        at_least("dimension", dimension, 1)?;
        at_least("patterns", count, 1)?;
        let mut values: Vec<f64> = (0..dimension * count)
            .map(|_| rng.sample::<f64, _>(StandardNormal))
            .collect();
        if distribution == ContinuousDistribution::Spherical {
            let radius = (dimension as f64).sqrt();
            for pattern in values.chunks_exact_mut(dimension) {
                let norm = pattern.iter().map(|x| x * x).sum::<f64>().sqrt();
                pattern.iter_mut().for_each(|x| *x *= radius / norm);
            }
        }
        Ok(Self {
            dimension,
            count,
            values,
        })
    }

    /// Patterns from explicit pattern-major values ($P \times N$, finite).
    pub fn from_values(dimension: usize, values: Vec<f64>) -> Result<Self, LearnError> {
        at_least("dimension", dimension, 1)?;
        if values.is_empty() || !values.len().is_multiple_of(dimension) {
            return Err(LearnError::Configuration {
                reason: format!(
                    "{} pattern values are not a positive multiple of dimension = {dimension}",
                    values.len()
                ),
            });
        }
        if let Some(k) = values.iter().position(|x| !x.is_finite()) {
            return Err(LearnError::Configuration {
                reason: format!(
                    "pattern value {k} is {}, allowed are finite numbers",
                    values[k]
                ),
            });
        }
        Ok(Self {
            dimension,
            count: values.len() / dimension,
            values,
        })
    }

    /// Dimension $N$.
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// Number of patterns $P$.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Pattern $\mu$ (0-based).
    pub fn pattern(&self, mu: usize) -> &[f64] {
        &self.values[mu * self.dimension..(mu + 1) * self.dimension]
    }

    /// All values, pattern-major.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quench_core::ModelSpec;

    #[test]
    fn unbiased_patterns_are_those_of_the_core_hopfield_ensemble() {
        let sample = ModelSpec::Hopfield {
            n: 12,
            patterns: 3,
            field: 0.0,
        }
        .ensemble()
        .unwrap()
        .draw(5, 2)
        .unwrap();
        let patterns = BinaryPatterns::draw(BinaryDistribution::Unbiased, 12, 3, 5, 2).unwrap();
        assert_eq!(sample.patterns().unwrap(), patterns.values());
    }

    #[test]
    fn draws_are_prefixes_of_larger_draws() {
        let small = BinaryPatterns::draw(BinaryDistribution::Unbiased, 30, 4, 1, 0).unwrap();
        let large = BinaryPatterns::draw(BinaryDistribution::Unbiased, 30, 9, 1, 0).unwrap();
        assert_eq!(small.values(), &large.values()[..120]);
    }

    #[test]
    fn biased_and_hierarchical_statistics() {
        let (n, p) = (4000, 10);
        let biased = BinaryDistribution::Biased { bias: 0.4 };
        let patterns = BinaryPatterns::draw(biased, n, p, 3, 0).unwrap();
        let mean = patterns.values().iter().map(|&x| f64::from(x)).sum::<f64>() / (n * p) as f64;
        // Standard error sqrt((1 - a^2)/(N P)) = 0.0046.
        assert!((mean - 0.4).abs() < 5.0 * 0.0046, "mean {mean}");

        let hierarchical = BinaryDistribution::Hierarchical {
            ancestors: 2,
            flip_probability: 0.1,
        };
        let patterns = BinaryPatterns::draw(hierarchical, n, 4, 3, 0).unwrap();
        let q = |a: usize, b: usize| {
            f64::from(dot_i8(patterns.pattern(a), patterns.pattern(b))) / n as f64
        };
        // Same ancestor (0 and 2): (1 - 2p)^2 = 0.64; different (0 and 1): 0.
        assert!((q(0, 2) - 0.64).abs() < 0.05, "{}", q(0, 2));
        assert!(q(0, 1).abs() < 0.08, "{}", q(0, 1));
    }

    #[test]
    fn spin_major_is_the_transpose() {
        let patterns = BinaryPatterns::draw(BinaryDistribution::Unbiased, 130, 70, 9, 1).unwrap();
        let transposed = patterns.spin_major();
        for mu in 0..70 {
            for i in 0..130 {
                assert_eq!(transposed[i * 70 + mu], patterns.pattern(mu)[i]);
            }
        }
    }

    #[test]
    fn corrupted_patterns_have_the_requested_overlap_and_nest() {
        let patterns = BinaryPatterns::draw(BinaryDistribution::Unbiased, 1000, 1, 2, 0).unwrap();
        let xi = patterns.pattern(0);
        let mild = corrupted_pattern(xi, 0.8, &mut stream(2, Purpose::InitialState, 0, 0)).unwrap();
        let strong =
            corrupted_pattern(xi, 0.4, &mut stream(2, Purpose::InitialState, 0, 0)).unwrap();
        assert_eq!(patterns.overlaps(&mild)[0], 0.8);
        assert_eq!(patterns.overlaps(&strong)[0], 0.4);
        // Every spin flipped in the mild start is flipped in the strong one.
        assert!((0..1000).all(|i| mild[i] == xi[i] || strong[i] != xi[i]));
        assert!(corrupted_pattern(xi, 1.5, &mut stream(2, Purpose::InitialState, 0, 0)).is_err());
    }

    #[test]
    fn mixtures_and_bad_parameters() {
        let patterns = BinaryPatterns::draw(BinaryDistribution::Unbiased, 4000, 5, 8, 0).unwrap();
        let mixture = patterns.symmetric_mixture(&[0, 1, 2]).unwrap();
        let m = patterns.overlaps(&mixture);
        for overlap in &m[..3] {
            // Exact mean 1/2, standard deviation sqrt(1/4 / N) = 0.008.
            assert!((overlap - 0.5).abs() < 0.04, "{m:?}");
        }
        assert!(patterns.symmetric_mixture(&[0, 1]).is_err());
        assert!(patterns.symmetric_mixture(&[0, 1, 1]).is_err());
        assert!(patterns.symmetric_mixture(&[0, 1, 7]).is_err());
        let error = BinaryPatterns::draw(BinaryDistribution::Biased { bias: 1.0 }, 5, 5, 0, 0)
            .unwrap_err()
            .to_string();
        assert!(error.contains("bias"), "{error}");
        assert!(BinaryPatterns::draw(BinaryDistribution::Unbiased, 0, 5, 0, 0).is_err());
    }

    #[test]
    fn spherical_patterns_have_norm_sqrt_n() {
        let patterns =
            ContinuousPatterns::draw(ContinuousDistribution::Spherical, 50, 7, 4, 0).unwrap();
        for mu in 0..7 {
            let norm2: f64 = patterns.pattern(mu).iter().map(|x| x * x).sum();
            assert!((norm2 - 50.0).abs() < 1e-9);
        }
    }
}
