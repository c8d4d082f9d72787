//! The hidden manifold model (Goldt, Mézard, Krzakala and Zdeborová, Phys.
//! Rev. X 10, 041044 (2020)): data of high dimension $N$ that live on a
//! manifold of dimension $D \ll N$, with labels that depend on the position
//! on the manifold only.
//!
//! A fixed feature matrix $F \in \mathbb{R}^{D \times N}$ with independent
//! standard normal entries is drawn once (the stream `hidden-manifold
//! features`); each input comes from a latent vector $c \in \mathbb{R}^D$ of
//! independent standard normal entries,
//! $$x = f\\!\left(\frac{F^\top c}{\sqrt D}\right) \in \mathbb{R}^N$$
//! ($f$ acting on every coordinate), and its label from a teacher acting on
//! $c$ alone:
//!
//! - [`Teacher::Perceptron`]: $y = \operatorname{sign}(w \cdot c / \sqrt D)$;
//! - [`Teacher::Committee`]: a two-layer network of $M$ hidden units,
//!   $y = \frac{1}{\sqrt M} \sum_{m=1}^{M} \tanh(w_m \cdot c / \sqrt D)$,
//!
//! with teacher weights $w$ standard normal (the stream `hidden-manifold
//! teacher`). With $f$ smooth the inputs fill a $D$-dimensional manifold of
//! $\mathbb{R}^N$; with $f = \operatorname{sign}$ they are binary vectors, a
//! discrete set whose cells are cones of the latent space.

use quench_core::rng::{Purpose, stream};
use rand_distr::{Distribution, StandardNormal};

use crate::error::{GeometryError, parameter};
use crate::neighbours::MEMORY_LIMIT;

/// The coordinate-wise non-linearity $f$.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// $f(u) = \tanh u$.
    Tanh,
    /// $f(u) = \operatorname{sign} u$ (the paper's main example).
    Sign,
    /// $f(u) = \max(u, 0)$.
    Relu,
    /// $f(u) = u$: the inputs span a $D$-dimensional linear subspace.
    Linear,
}

impl Activation {
    fn apply(self, u: f64) -> f64 {
        match self {
            Activation::Tanh => u.tanh(),
            Activation::Sign => {
                if u >= 0.0 {
                    1.0
                } else {
                    -1.0
                }
            }
            Activation::Relu => u.max(0.0),
            Activation::Linear => u,
        }
    }
}

/// How labels depend on the latent vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Teacher {
    /// $y = \operatorname{sign}(w \cdot c/\sqrt D)$.
    Perceptron,
    /// $y = M^{-1/2} \sum_m \tanh(w_m \cdot c/\sqrt D)$.
    Committee {
        /// Hidden units $M \ge 1$.
        hidden: usize,
    },
}

/// The model: latent dimension $D$, input dimension $N$, non-linearity and
/// teacher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HiddenManifold {
    /// $D$, the dimension of the latent space.
    pub latent: usize,
    /// $N$, the dimension of the inputs.
    pub inputs: usize,
    /// $f$.
    pub activation: Activation,
    /// The labels' rule.
    pub teacher: Teacher,
}

/// A data set drawn from a [`HiddenManifold`].
#[derive(Debug, Clone, PartialEq)]
pub struct HiddenManifoldData {
    /// The inputs $x$, one row of $N$ per example.
    pub inputs: Vec<f64>,
    /// The latent vectors $c$, one row of $D$ per example.
    pub latents: Vec<f64>,
    /// The labels $y$.
    pub labels: Vec<f64>,
}

impl HiddenManifold {
    /// `count` examples drawn from the streams of `seed`: the features and
    /// the teacher from `seed` alone (the same for every `sample`), the
    /// latent vectors from `seed` and `sample` (so that a training set and a
    /// test set of one model differ by their `sample` only).
    pub fn draw(
        &self,
        count: usize,
        seed: u64,
        sample: u64,
    ) -> Result<HiddenManifoldData, GeometryError> {
        let (d, n) = (self.latent, self.inputs);
        if d == 0 {
            return Err(parameter("latent", d, "at least 1 latent dimension"));
        }
        if n == 0 {
            return Err(parameter("inputs", n, "at least 1 input dimension"));
        }
        let hidden = match self.teacher {
            Teacher::Perceptron => 1,
            Teacher::Committee { hidden } if hidden >= 1 => hidden,
            Teacher::Committee { hidden } => {
                return Err(parameter("hidden", hidden, "at least 1 hidden unit"));
            }
        };
        let bytes = 8 * (count as u128 * (n + d + 1) as u128 + (d * (n + hidden)) as u128);
        if bytes > MEMORY_LIMIT {
            return Err(GeometryError::TooLarge {
                what: format!("{count} examples of {n} inputs from {d} latent dimensions"),
                bytes,
                limit: MEMORY_LIMIT,
            });
        }
        let mut rng = stream(seed, Purpose::Named("hidden-manifold features"), 0, 0);
        // F stored by rows of the latent index: features[a * n + i] = F_{a i}.
        let features: Vec<f64> = (0..d * n)
            .map(|_| StandardNormal.sample(&mut rng))
            .collect();
        let mut rng = stream(seed, Purpose::Named("hidden-manifold teacher"), 0, 0);
        let teacher: Vec<f64> = (0..d * hidden)
            .map(|_| StandardNormal.sample(&mut rng))
            .collect();
        let mut rng = stream(seed, Purpose::Named("hidden-manifold latents"), sample, 0);
        let latents: Vec<f64> = (0..count * d)
            .map(|_| StandardNormal.sample(&mut rng))
            .collect();
        let scale = 1.0 / (d as f64).sqrt();
        let mut inputs = vec![0.0; count * n];
        let mut labels = Vec::with_capacity(count);
        for (c, x) in latents.chunks_exact(d).zip(inputs.chunks_exact_mut(n)) {
            for (a, &ca) in c.iter().enumerate() {
                for (xi, f) in x.iter_mut().zip(&features[a * n..(a + 1) * n]) {
                    *xi += ca * f;
                }
            }
            x.iter_mut()
                .for_each(|xi| *xi = self.activation.apply(*xi * scale));
            let fields = teacher
                .chunks_exact(d)
                .map(|w| w.iter().zip(c).map(|(w, c)| w * c).sum::<f64>() * scale);
            labels.push(match self.teacher {
                Teacher::Perceptron => {
                    if fields.sum::<f64>() >= 0.0 {
                        1.0
                    } else {
                        -1.0
                    }
                }
                Teacher::Committee { hidden } => {
                    fields.map(f64::tanh).sum::<f64>() / (hidden as f64).sqrt()
                }
            });
        }
        Ok(HiddenManifoldData {
            inputs,
            latents,
            labels,
        })
    }
}
