//! Synthetic data with known statistics for the integration tests.

#![allow(dead_code)]

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A seeded generator; every test names its seed.
pub fn rng(seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

/// One standard normal deviate.
pub fn normal(rng: &mut Xoshiro256PlusPlus) -> f64 {
    StandardNormal.sample(rng)
}

/// Stationary AR(1) process $x_t = \rho x_{t-1} + \sqrt{1-\rho^2}\\,\eta_t$
/// with $x_0 \sim N(0, 1)$: mean 0, variance 1, $\rho(t) = \rho^t$ and
/// $\tau_\text{int} = \frac12 (1+\rho)/(1-\rho)$.
pub fn ar1(rng: &mut Xoshiro256PlusPlus, rho: f64, n: usize) -> Vec<f64> {
    let innovation = (1.0 - rho * rho).sqrt();
    let mut x = normal(rng);
    (0..n)
        .map(|_| {
            let value = x;
            x = rho * x + innovation * normal(rng);
            value
        })
        .collect()
}

/// Exact integrated autocorrelation time of the AR(1) process.
pub fn ar1_tau_int(rho: f64) -> f64 {
    0.5 * (1.0 + rho) / (1.0 - rho)
}

/// Exact asymptotic standard error of the mean of `n` AR(1) values,
/// $\sqrt{2\tau_\text{int}/n}$.
pub fn ar1_error(rho: f64, n: usize) -> f64 {
    (2.0 * ar1_tau_int(rho) / n as f64).sqrt()
}

/// `n` independent standard normal deviates.
pub fn normals(rng: &mut Xoshiro256PlusPlus, n: usize) -> Vec<f64> {
    (0..n).map(|_| normal(rng)).collect()
}
