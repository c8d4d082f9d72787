//! The geometry of data: how many dimensions a cloud of points really has.
//!
//! Handwritten digits are 784 pixels but live near a manifold of dimension
//! about 15 (seed `000`, after Hein and Audibert 2005): the number of points
//! within distance $R$ of a point grows as $p \simeq c R^d$, so nearest
//! neighbour distances shrink as $R_\text{nn} \simeq p^{-1/d}$. This crate
//! measures that $d$.
//!
//! # Main types and data flow
//!
//! ```text
//!  sample(Manifold, count, Embedding, seed) ─┐   benchmark manifolds of known d
//!  quench_data::Dataset::values() ───────────┼─► Points (n × D, checked view)
//!                                            │      │
//!                    nearest_neighbours(points, k)  │  correlation_integral(points)
//!                           │ (blocked sgemm +      │        │ (all pairs, blocked dgemm)
//!                           │  exact recheck)       │        │
//!                           ▼                       ▼        ▼
//!   estimate(points, Estimator, Options) ─► DimensionEstimate { dimension, error, scale, .. }
//!   decimation(points, Estimator, Options, smallest) ─► Vec<ScaleEstimate> (d against scale)
//! ```
//!
//! - [`Points`]: the view every function reads (finite coordinates, whole rows).
//! - [`nearest_neighbours`] → [`Neighbours`]: blocked brute force through
//!   single-precision matrix products with an exact recheck, or a k-d tree
//!   ([`tree`], `kiddo`) in up to [`tree::TREE_DIMENSIONS`] coordinates;
//!   exact distances, ties by index, independent of the thread count.
//! - [`Estimator`]: [TwoNN](two_nn) (likelihood or regression),
//!   [Levina–Bickel](levina_bickel) with $k$ neighbours, and the
//!   [correlation dimension](correlation) of Grassberger and Procaccia.
//! - [`estimate()`] gives a [`DimensionEstimate`] with an error whose source
//!   it names ([`ErrorSource`]); [`decimation`] gives the estimate against
//!   the scale, on nested disjoint subsets.
//! - [`Manifold`], [`Embedding`], [`sample`]: cubes, spheres, tori, Gaussians
//!   and the Swiss roll, rotated into $D$ dimensions, with noise.
//! - [`HiddenManifold`]: the hidden manifold model of Goldt, Mézard, Krzakala
//!   and Zdeborová, inputs $x = f(F^\top c/\sqrt D)$ of $N$ coordinates on a
//!   $D$-dimensional manifold, labels from a teacher acting on $c$.
//!
//! # Example
//!
//! ```
//! use quench_geometry::{Embedding, Estimator, Manifold, Options, Points, TwoNnFit, estimate, sample};
//!
//! // 2000 points on a 3-sphere turned into 20 dimensions.
//! let manifold = Manifold::Sphere { dimension: 3 };
//! let embedding = Embedding { ambient: 20, rotate: true, noise: 0.0 };
//! let values = sample(manifold, 2000, embedding, 7)?;
//! let points = Points::new(&values, 20)?;
//! let d = estimate(points, Estimator::TwoNn { fit: TwoNnFit::Likelihood }, Options::default())?;
//! assert!((d.dimension - 3.0).abs() < 4.0 * d.error);
//! # Ok::<(), quench_geometry::GeometryError>(())
//! ```

#![warn(missing_docs)]

pub mod correlation;
mod error;
pub mod estimate;
pub mod hidden_manifold;
pub mod levina_bickel;
pub mod manifolds;
pub mod neighbours;
mod points;
pub mod tree;
pub mod two_nn;

pub use correlation::{CorrelationIntegral, correlation_integral};
pub use error::GeometryError;
pub use estimate::{
    DimensionEstimate, ErrorSource, Estimator, Options, ScaleEstimate, decimation, estimate,
};
pub use hidden_manifold::{Activation, HiddenManifold, HiddenManifoldData, Teacher};
pub use manifolds::{Embedding, Manifold, sample};
pub use neighbours::{
    MEMORY_LIMIT, Neighbours, Search, nearest_neighbours, nearest_neighbours_with,
};
pub use points::Points;
pub use two_nn::TwoNnFit;
