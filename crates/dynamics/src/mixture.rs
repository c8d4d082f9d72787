//! The mixture of interaction orders and its covariance function $\xi$.

use serde::Serialize;

use crate::DynamicsError;
use quench_core::ParameterError;

/// Lowest interaction order (the spherical SK term).
pub const MIN_ORDER: u32 = 2;
/// Highest interaction order with a dedicated kernel.
pub const MAX_ORDER: u32 = 4;

/// One term $a_p H_p$ of a mixed $p$-spin Hamiltonian.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Term {
    /// Interaction order $p$.
    pub order: u32,
    /// Its coefficient $a_p$ (any finite real; zero gives a free term).
    pub coefficient: f64,
}

/// A mixture $H = \sum_p a_p H_p$ of independent pure $p$-spin Hamiltonians,
/// with covariance $\mathbb E\\,H(s)H(s') = N\xi(q)$,
/// $\xi(q) = \frac12\sum_p a_p^2 q^p$ as $N \to \infty$.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mixture {
    terms: Vec<Term>,
}

impl Mixture {
    /// The pure model of order `order` ($a_p = 1$).
    pub fn pure(order: u32) -> Result<Self, DynamicsError> {
        Self::new(&[(order, 1.0)])
    }

    /// A mixture from `(order, coefficient)` pairs: orders in
    /// [`MIN_ORDER`]`..=`[`MAX_ORDER`], each at most once, coefficients finite.
    pub fn new(terms: &[(u32, f64)]) -> Result<Self, DynamicsError> {
        if terms.is_empty() {
            return Err(ParameterError::new(
                "mixture",
                "[]",
                "at least one (order, coefficient) term",
            )
            .into());
        }
        let mut sorted: Vec<Term> = Vec::with_capacity(terms.len());
        for &(order, coefficient) in terms {
            if !(MIN_ORDER..=MAX_ORDER).contains(&order) {
                return Err(ParameterError::new(
                    "order",
                    order,
                    format!("an integer in {MIN_ORDER}..={MAX_ORDER}"),
                )
                .into());
            }
            if !coefficient.is_finite() {
                return Err(
                    ParameterError::new("coefficient", coefficient, "a finite real").into(),
                );
            }
            if sorted.iter().any(|t| t.order == order) {
                return Err(ParameterError::new(
                    "order",
                    order,
                    "each order at most once in a mixture",
                )
                .into());
            }
            sorted.push(Term { order, coefficient });
        }
        sorted.sort_by_key(|t| t.order);
        Ok(Self { terms: sorted })
    }

    /// The terms, by increasing order.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// $\xi(q) = \frac12\sum_p a_p^2 q^p$.
    pub fn xi(&self, q: f64) -> f64 {
        self.terms
            .iter()
            .map(|t| 0.5 * t.coefficient * t.coefficient * q.powi(t.order as i32))
            .sum()
    }

    /// $\xi'(q) = \frac12\sum_p p\\,a_p^2 q^{p-1}$.
    pub fn xi_derivative(&self, q: f64) -> f64 {
        self.terms
            .iter()
            .map(|t| {
                0.5 * f64::from(t.order)
                    * t.coefficient
                    * t.coefficient
                    * q.powi(t.order as i32 - 1)
            })
            .sum()
    }

    /// The exact covariance at finite $N$, $\mathbb E\\,H(s)H(s')/N$: for each
    /// order $\frac{a_p^2\\,p!}{2N^p}\\,e_p(x)$, where $e_p$ is the elementary
    /// symmetric polynomial of $x_i = s_i s'_i$ (the sum over $i_1<\dots<i_p$).
    /// It differs from $\xi(q)$ by $O(1/N)$ (the tuples with repeated indices
    /// that $(\sum_i x_i)^p$ counts and the packed sum does not).
    pub fn finite_size_covariance(&self, s: &[f64], t: &[f64]) -> f64 {
        let n = s.len() as f64;
        // e_k by the recursion over sites, k up to MAX_ORDER.
        let mut elementary = [0.0f64; MAX_ORDER as usize + 1];
        elementary[0] = 1.0;
        for (a, b) in s.iter().zip(t) {
            let x = a * b;
            for k in (1..=MAX_ORDER as usize).rev() {
                elementary[k] += x * elementary[k - 1];
            }
        }
        self.terms
            .iter()
            .map(|term| {
                let p = term.order as i32;
                let factorial: f64 = (1..=p).map(f64::from).product();
                term.coefficient * term.coefficient * factorial / (2.0 * n.powi(p))
                    * elementary[term.order as usize]
            })
            .sum()
    }
}

/// $\binom{n}{k}$ in `u128` (no overflow for the sizes that can be stored).
pub(crate) fn binomial(n: u64, k: u64) -> u128 {
    if k > n {
        return 0;
    }
    let mut result: u128 = 1;
    for i in 0..k {
        result = result * u128::from(n - i) / u128::from(i + 1);
    }
    result
}
