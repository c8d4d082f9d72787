//! The modern Hopfield update is one attention head.
//!
//! ```sh
//! cargo run -p quench-learn --release --example attention
//! ```
//!
//! With stored patterns x^1..x^P (dimension d) as keys and values,
//! K = V = X^T (P x d), and a query q, one attention head outputs
//! softmax(q K^T / sqrt(d)) V. The modern Hopfield update with beta = 1/sqrt(d)
//! is X softmax(beta X^T q): the same vector. This example computes both
//! independently, prints their largest difference, and retrieves a
//! corrupted pattern in one update.

use quench_core::rng::{Purpose, stream};
use quench_learn::dense::continuous::{ModernHopfield, cosine_similarity};
use quench_learn::patterns::{ContinuousDistribution, ContinuousPatterns};
use rand::RngExt;
use rand_distr::StandardNormal;

/// softmax(q K^T / sqrt(d)) V with explicit matrices (row-major).
fn attention(query: &[f64], keys: &[Vec<f64>], values: &[Vec<f64>]) -> Vec<f64> {
    let d = query.len() as f64;
    let scores: Vec<f64> = keys
        .iter()
        .map(|k| k.iter().zip(query).map(|(a, b)| a * b).sum::<f64>() / d.sqrt())
        .collect();
    let largest = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exponentials: Vec<f64> = scores.iter().map(|s| (s - largest).exp()).collect();
    let total: f64 = exponentials.iter().sum();
    let mut output = vec![0.0; query.len()];
    for (e, v) in exponentials.iter().zip(values) {
        for (o, x) in output.iter_mut().zip(v) {
            *o += e / total * x;
        }
    }
    output
}

fn main() {
    let (d, p) = (48, 32);
    let patterns = ContinuousPatterns::draw(ContinuousDistribution::Spherical, d, p, 7, 0)
        .expect("valid sizes");
    let rows: Vec<Vec<f64>> = (0..p).map(|mu| patterns.pattern(mu).to_vec()).collect();

    // A query: pattern 5 with Gaussian noise of the same size per component.
    let mut rng = stream(7, Purpose::InitialState, 0, 0);
    let query: Vec<f64> = patterns
        .pattern(5)
        .iter()
        .map(|x| x + 0.8 * rng.sample::<f64, _>(StandardNormal))
        .collect();

    let beta = 1.0 / (d as f64).sqrt();
    let memory = ModernHopfield::new(patterns.clone(), beta).expect("beta > 0");
    let hopfield = memory.update(&query).expect("query of dimension d");
    let head = attention(&query, &rows, &rows);
    let difference = hopfield
        .iter()
        .zip(&head)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    println!("d = {d}, P = {p} stored patterns, beta = 1/sqrt(d) = {beta:.4}");
    println!("max |Hopfield update - attention head| = {difference:.3e}");

    let target = &rows[5];
    println!("\ncosine similarity with the stored pattern 5:");
    println!(
        "  query (corrupted)                 {:.4}",
        cosine_similarity(&query, target)
    );
    println!(
        "  one update, beta = 1/sqrt(d)      {:.4}",
        cosine_similarity(&hopfield, target)
    );
    let sharp = ModernHopfield::new(patterns, 1.0).expect("beta > 0");
    let one_step = sharp.update(&query).expect("query of dimension d");
    println!(
        "  one update, beta = 1              {:.4}",
        cosine_similarity(&one_step, target)
    );
    let retrieval = sharp.retrieve(&query, 1e-12, 100).expect("valid tolerance");
    println!(
        "  fixed point, beta = 1             {:.4}  ({} updates, converged: {}, weight on pattern 5: {:.6})",
        cosine_similarity(&retrieval.state, target),
        retrieval.iterations,
        retrieval.converged,
        retrieval.weights[5]
    );
}
