//! Random graphs: random regular graphs and Erdős–Rényi graphs.
//!
//! Both return simple graphs (no self-loops, no multiple edges) as edge lists
//! $(i, j)$ with $i < j$, in the order drawn.
//!
//! * Random regular graphs of degree $c$ on $n$ vertices exist when
//!   $0 \le c < n$ and $nc$ is even. For $c \le 4$ they are drawn exactly
//!   uniformly by the configuration model with rejection of non-simple
//!   pairings (acceptance $\approx e^{-(c^2-1)/4} \ge 2\\%$). For larger $c$ the
//!   Steger–Wormald pairing (pair random free half-edges, refusing loops and
//!   repeated edges, restarting if stuck) is used: it is asymptotically uniform
//!   (A. Steger and N. C. Wormald, Combin. Probab. Comput. 8, 377 (1999)) and
//!   fast for every degree.
//! * Erdős–Rényi graphs $G(n, p)$ with $p = c/(n-1)$ have mean degree $c$
//!   (Viana–Bray dilute spin glasses); edges are drawn by geometric skipping in
//!   $O(n + |E|)$ (V. Batagelj and U. Brandes, Phys. Rev. E 71, 036113 (2005)).

use rand::{Rng, RngExt};

use crate::error::{ModelError, ParameterError};

/// Largest degree for which the exact configuration-model rejection is used.
pub const EXACT_REGULAR_MAX_DEGREE: usize = 4;
const MAX_ATTEMPTS: usize = 1000;

/// Checks that a random regular graph with these parameters exists.
pub fn check_regular(n: usize, degree: usize) -> Result<(), ParameterError> {
    if n == 0 {
        return Err(ParameterError::new("n", n, "a positive integer"));
    }
    if degree >= n || !(n.is_multiple_of(2) || degree.is_multiple_of(2)) {
        return Err(ParameterError::new(
            "degree",
            degree,
            format!("an integer 0 <= degree < n = {n} with n * degree even"),
        ));
    }
    Ok(())
}

/// Draws a simple random `degree`-regular graph on `n` vertices.
pub fn random_regular<R: Rng + ?Sized>(
    n: usize,
    degree: usize,
    rng: &mut R,
) -> Result<Vec<(usize, usize)>, ModelError> {
    check_regular(n, degree)?;
    for _ in 0..MAX_ATTEMPTS {
        let edges = if degree <= EXACT_REGULAR_MAX_DEGREE {
            configuration_model(n, degree, rng)
        } else {
            steger_wormald(n, degree, rng)
        };
        if let Some(edges) = edges {
            return Ok(edges);
        }
    }
    Err(ModelError::GraphGeneration {
        n,
        degree,
        attempts: MAX_ATTEMPTS,
    })
}

fn half_edges(n: usize, degree: usize) -> Vec<usize> {
    (0..n)
        .flat_map(|v| std::iter::repeat_n(v, degree))
        .collect()
}

/// One uniformly random pairing; `None` if it is not simple.
fn configuration_model<R: Rng + ?Sized>(
    n: usize,
    degree: usize,
    rng: &mut R,
) -> Option<Vec<(usize, usize)>> {
    let mut stubs = half_edges(n, degree);
    // Fisher–Yates shuffle, then pair consecutive half-edges.
    for i in (1..stubs.len()).rev() {
        let j = rng.random_range(0..=i);
        stubs.swap(i, j);
    }
    let mut adjacency: Vec<Vec<usize>> = vec![Vec::with_capacity(degree); n];
    let mut edges = Vec::with_capacity(stubs.len() / 2);
    for pair in stubs.chunks_exact(2) {
        let (u, v) = (pair[0].min(pair[1]), pair[0].max(pair[1]));
        if u == v || adjacency[u].contains(&v) {
            return None;
        }
        adjacency[u].push(v);
        adjacency[v].push(u);
        edges.push((u, v));
    }
    Some(edges)
}

/// Steger–Wormald pairing; `None` if it got stuck (then the caller restarts).
fn steger_wormald<R: Rng + ?Sized>(
    n: usize,
    degree: usize,
    rng: &mut R,
) -> Option<Vec<(usize, usize)>> {
    let mut stubs = half_edges(n, degree);
    let mut adjacency: Vec<Vec<usize>> = vec![Vec::with_capacity(degree); n];
    let mut edges = Vec::with_capacity(stubs.len() / 2);
    let mut failures = 0usize;
    while !stubs.is_empty() {
        let a = rng.random_range(0..stubs.len());
        let b = rng.random_range(0..stubs.len());
        let (u, v) = (stubs[a], stubs[b]);
        if a != b && u != v && !adjacency[u].contains(&v) {
            adjacency[u].push(v);
            adjacency[v].push(u);
            edges.push((u.min(v), u.max(v)));
            let (high, low) = (a.max(b), a.min(b));
            stubs.swap_remove(high);
            stubs.swap_remove(low);
            failures = 0;
            continue;
        }
        failures += 1;
        if failures > 8 * stubs.len() + 64 {
            let any_suitable = stubs.iter().enumerate().any(|(x, &p)| {
                stubs[x + 1..]
                    .iter()
                    .any(|&q| p != q && !adjacency[p].contains(&q))
            });
            if !any_suitable {
                return None;
            }
            failures = 0;
        }
    }
    Some(edges)
}

/// Checks the Erdős–Rényi parameters: `n >= 1` and `0 <= mean_degree <= n - 1`.
pub fn check_erdos_renyi(n: usize, mean_degree: f64) -> Result<(), ParameterError> {
    if n == 0 {
        return Err(ParameterError::new("n", n, "a positive integer"));
    }
    let max = (n - 1) as f64;
    if !(mean_degree.is_finite() && (0.0..=max).contains(&mean_degree)) {
        return Err(ParameterError::new(
            "mean_degree",
            mean_degree,
            format!("a real number 0 <= mean_degree <= n - 1 = {max}"),
        ));
    }
    Ok(())
}

/// Draws $G(n, p)$ with $p = c / (n - 1)$.
pub fn erdos_renyi<R: Rng + ?Sized>(
    n: usize,
    mean_degree: f64,
    rng: &mut R,
) -> Result<Vec<(usize, usize)>, ParameterError> {
    check_erdos_renyi(n, mean_degree)?;
    let mut edges = Vec::new();
    if n < 2 || mean_degree == 0.0 {
        return Ok(edges);
    }
    let p = mean_degree / (n - 1) as f64;
    if p >= 1.0 {
        for j in 1..n {
            for i in 0..j {
                edges.push((i, j));
            }
        }
        return Ok(edges);
    }
    // Batagelj–Brandes: walk the lower triangle (i < j) with geometric skips.
    let log_q = (1.0 - p).ln();
    let (mut j, mut i): (usize, i64) = (1, -1);
    loop {
        let r: f64 = 1.0 - rng.random::<f64>(); // in (0, 1]
        let skip = (r.ln() / log_q).floor();
        i += 1 + if skip.is_finite() {
            skip.min(1e15) as i64
        } else {
            i64::MAX / 4
        };
        while j < n && i >= j as i64 {
            i -= j as i64;
            j += 1;
        }
        if j >= n {
            break;
        }
        edges.push((i as usize, j));
    }
    Ok(edges)
}

#[cfg(test)]
mod tests {
    /// Found by the spec fuzzer: n * degree overflowed for huge n.
    #[test]
    fn regular_graph_check_of_huge_sizes_does_not_overflow() {
        assert!(check_regular(usize::MAX - 1, usize::MAX / 2).is_ok());
        assert!(check_regular(usize::MAX, usize::MAX - 2).is_err());
    }

    use super::*;
    use crate::rng::{Purpose, stream};

    fn assert_simple(n: usize, edges: &[(usize, usize)]) {
        let mut seen = std::collections::HashSet::new();
        for &(i, j) in edges {
            assert!(i < j && j < n, "edge ({i}, {j})");
            assert!(seen.insert((i, j)), "repeated edge ({i}, {j})");
        }
    }

    #[test]
    fn random_regular_graphs_are_simple_and_regular() {
        for (n, degree) in [(10, 3), (50, 4), (40, 7), (12, 11), (1000, 3), (6, 0)] {
            let mut rng = stream(1, Purpose::Disorder, n as u64, degree as u64);
            let edges = random_regular(n, degree, &mut rng).unwrap();
            assert_simple(n, &edges);
            let mut degrees = vec![0; n];
            for &(i, j) in &edges {
                degrees[i] += 1;
                degrees[j] += 1;
            }
            assert!(
                degrees.iter().all(|&k| k == degree),
                "n = {n}, c = {degree}"
            );
        }
    }

    #[test]
    fn impossible_regular_degrees_are_refused() {
        let mut rng = stream(1, Purpose::Disorder, 0, 0);
        for (n, degree) in [(5, 3), (4, 4), (3, 7), (0, 2)] {
            let error = random_regular(n, degree, &mut rng).unwrap_err();
            let text = error.to_string();
            assert!(text.contains("degree") || text.contains("`n`"), "{text}");
        }
    }

    #[test]
    fn uniform_over_the_regular_graphs_of_four_vertices_of_degree_two() {
        // The 3 labelled 2-regular graphs on 4 vertices are the three 4-cycles:
        // the exact sampler must draw each with probability 1/3.
        let mut counts = std::collections::HashMap::new();
        let mut rng = stream(2, Purpose::Disorder, 0, 0);
        let draws = 30_000;
        for _ in 0..draws {
            let mut edges = random_regular(4, 2, &mut rng).unwrap();
            edges.sort();
            *counts.entry(edges).or_insert(0usize) += 1;
        }
        assert_eq!(counts.len(), 3);
        let expected = draws as f64 / 3.0;
        let sigma = (draws as f64 * (1.0 / 3.0) * (2.0 / 3.0)).sqrt();
        for count in counts.values() {
            assert!((*count as f64 - expected).abs() < 4.0 * sigma, "{counts:?}");
        }
    }

    #[test]
    fn erdos_renyi_mean_degree_matches_within_its_error() {
        let n = 20_000;
        let c = 3.0;
        let mut rng = stream(3, Purpose::Disorder, 0, 0);
        let edges = erdos_renyi(n, c, &mut rng).unwrap();
        assert_simple(n, &edges);
        // |E| ~ Binomial(n(n-1)/2, p): mean n c / 2, variance ~ n c / 2.
        let expected = n as f64 * c / 2.0;
        assert!((edges.len() as f64 - expected).abs() < 4.0 * expected.sqrt());
        assert!(erdos_renyi(10, -1.0, &mut rng).is_err());
        assert!(erdos_renyi(10, 9.5, &mut rng).is_err());
        assert_eq!(erdos_renyi(5, 4.0, &mut rng).unwrap().len(), 10);
    }
}
