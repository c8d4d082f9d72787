//! Benchmark manifolds of known intrinsic dimension, embedded in a larger
//! space, with noise: the known answers the estimators are tested against.
//!
//! A [`Manifold`] is drawn in its own coordinates ($m$ of them), padded
//! with zeros to the ambient dimension $D \ge m$, turned by a random
//! rotation (Haar-distributed, from the QR factorisation of a Gaussian
//! matrix, so that no coordinate axis is special) and blurred by isotropic
//! Gaussian noise of standard deviation $\sigma$ in all $D$ coordinates:
//! $$x = Q \begin{pmatrix} y \\\\ 0 \end{pmatrix} + \sigma \xi .$$
//!
//! | manifold | $d$ | own coordinates $m$ | points |
//! |---|---|---|---|
//! | [`Manifold::Cube`] | $d$ | $d$ | uniform in $[0, 1]^d$ |
//! | [`Manifold::Sphere`] | $d$ | $d + 1$ | uniform on the unit sphere $S^d$ |
//! | [`Manifold::Torus`] | $d$ | $2d$ | the flat torus $(S^1)^d$, angles uniform, each circle of unit radius |
//! | [`Manifold::Gaussian`] | $d$ | $d$ | standard normal (a non-uniform density) |
//! | [`Manifold::SwissRoll`] | 2 | 3 | $t = \tfrac{3\pi}{2}(1 + 2u)$, $(t \cos t,\\, h,\\, t \sin t)$, $u$ uniform, $h$ uniform in $[0, 21]$ |
//!
//! Every number comes from streams of the seed (`manifold points`,
//! `manifold rotation`, `manifold noise`).

use nalgebra::DMatrix;
use quench_core::rng::{Purpose, StreamRng, stream};
use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

use crate::error::{GeometryError, parameter};
use crate::neighbours::MEMORY_LIMIT;

/// A manifold of known intrinsic dimension.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Manifold {
    /// The unit cube $[0, 1]^d$, uniform.
    Cube {
        /// Its dimension $d \ge 1$.
        dimension: usize,
    },
    /// The unit sphere $S^d \subset \mathbb{R}^{d+1}$, uniform.
    Sphere {
        /// Its dimension $d \ge 1$.
        dimension: usize,
    },
    /// The flat torus $(S^1)^d \subset \mathbb{R}^{2d}$, uniform.
    Torus {
        /// Its dimension $d \ge 1$.
        dimension: usize,
    },
    /// The standard normal distribution in $\mathbb{R}^d$.
    Gaussian {
        /// Its dimension $d \ge 1$.
        dimension: usize,
    },
    /// The Swiss roll, a rolled-up rectangle in $\mathbb{R}^3$.
    SwissRoll,
}

impl Manifold {
    /// The intrinsic dimension $d$.
    pub fn dimension(&self) -> usize {
        match *self {
            Manifold::Cube { dimension }
            | Manifold::Sphere { dimension }
            | Manifold::Torus { dimension }
            | Manifold::Gaussian { dimension } => dimension,
            Manifold::SwissRoll => 2,
        }
    }

    /// The coordinates it is drawn in, $m$.
    pub fn coordinates(&self) -> usize {
        match *self {
            Manifold::Cube { dimension } | Manifold::Gaussian { dimension } => dimension,
            Manifold::Sphere { dimension } => dimension + 1,
            Manifold::Torus { dimension } => 2 * dimension,
            Manifold::SwissRoll => 3,
        }
    }

    /// Its name: `cube`, `sphere`, `torus`, `gaussian` or `swiss-roll`.
    pub fn name(&self) -> &'static str {
        match self {
            Manifold::Cube { .. } => "cube",
            Manifold::Sphere { .. } => "sphere",
            Manifold::Torus { .. } => "torus",
            Manifold::Gaussian { .. } => "gaussian",
            Manifold::SwissRoll => "swiss-roll",
        }
    }

    fn draw_point(&self, rng: &mut StreamRng, out: &mut [f64]) {
        match *self {
            Manifold::Cube { .. } => out.iter_mut().for_each(|x| *x = rng.random::<f64>()),
            Manifold::Gaussian { .. } => {
                out.iter_mut().for_each(|x| *x = StandardNormal.sample(rng))
            }
            Manifold::Sphere { .. } => loop {
                out.iter_mut().for_each(|x| *x = StandardNormal.sample(rng));
                let norm = out.iter().map(|x| x * x).sum::<f64>().sqrt();
                if norm > 0.0 {
                    out.iter_mut().for_each(|x| *x /= norm);
                    break;
                }
            },
            Manifold::Torus { .. } => {
                for pair in out.chunks_exact_mut(2) {
                    let angle = std::f64::consts::TAU * rng.random::<f64>();
                    pair[0] = angle.cos();
                    pair[1] = angle.sin();
                }
            }
            Manifold::SwissRoll => {
                let t = 1.5 * std::f64::consts::PI * (1.0 + 2.0 * rng.random::<f64>());
                let height = 21.0 * rng.random::<f64>();
                out[0] = t * t.cos();
                out[1] = height;
                out[2] = t * t.sin();
            }
        }
    }
}

/// How a manifold sits in the ambient space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Embedding {
    /// The ambient dimension $D$, at least the manifold's own coordinates.
    pub ambient: usize,
    /// Turn it by a random rotation (otherwise the extra coordinates are
    /// zero).
    pub rotate: bool,
    /// The standard deviation $\sigma$ of the Gaussian noise in every
    /// coordinate.
    pub noise: f64,
}

/// `count` points of `manifold` embedded by `embedding`, row after row
/// ($\text{count} \times D$ values), from the streams of `seed`.
pub fn sample(
    manifold: Manifold,
    count: usize,
    embedding: Embedding,
    seed: u64,
) -> Result<Vec<f64>, GeometryError> {
    let d = manifold.dimension();
    if d == 0 {
        return Err(parameter("dimension", d, "at least 1"));
    }
    let m = manifold.coordinates();
    let ambient = embedding.ambient;
    if ambient < m {
        return Err(parameter(
            "ambient",
            ambient,
            format!(
                "at least the {m} coordinates a {} of dimension {d} is drawn in",
                manifold.name()
            ),
        ));
    }
    if !(embedding.noise >= 0.0 && embedding.noise.is_finite()) {
        return Err(parameter(
            "noise",
            embedding.noise,
            "a finite standard deviation >= 0",
        ));
    }
    let bytes = (count as u128) * (ambient as u128) * 8
        + if embedding.rotate {
            (ambient as u128).pow(2) * 16
        } else {
            0
        };
    if bytes > MEMORY_LIMIT {
        return Err(GeometryError::TooLarge {
            what: format!("{count} points in {ambient} dimensions"),
            bytes,
            limit: MEMORY_LIMIT,
        });
    }
    let mut rng = stream(seed, Purpose::Named("manifold points"), 0, 0);
    let mut own = vec![0.0; count * m];
    for row in own.chunks_exact_mut(m) {
        manifold.draw_point(&mut rng, row);
    }
    let mut points = vec![0.0; count * ambient];
    if embedding.rotate {
        let rotation = haar_rotation(ambient, seed);
        for (row, out) in own.chunks_exact(m).zip(points.chunks_exact_mut(ambient)) {
            for (a, value) in out.iter_mut().enumerate() {
                *value = (0..m).map(|b| rotation[(a, b)] * row[b]).sum();
            }
        }
    } else {
        for (row, out) in own.chunks_exact(m).zip(points.chunks_exact_mut(ambient)) {
            out[..m].copy_from_slice(row);
        }
    }
    if embedding.noise > 0.0 {
        let mut rng = stream(seed, Purpose::Named("manifold noise"), 0, 0);
        for x in points.iter_mut() {
            let xi: f64 = StandardNormal.sample(&mut rng);
            *x += embedding.noise * xi;
        }
    }
    Ok(points)
}

/// A Haar-random orthogonal matrix: $Q$ of the QR factorisation of a
/// Gaussian matrix, with the signs of $R$'s diagonal moved into $Q$.
fn haar_rotation(size: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = stream(seed, Purpose::Named("manifold rotation"), 0, 0);
    let gaussian = DMatrix::from_fn(size, size, |_, _| StandardNormal.sample(&mut rng));
    let qr = gaussian.qr();
    let (mut q, r) = (qr.q(), qr.r());
    for column in 0..size {
        if r[(column, column)] < 0.0 {
            q.column_mut(column).neg_mut();
        }
    }
    q
}
