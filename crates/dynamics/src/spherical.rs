//! Dense spherical $p$-spin samples: couplings packed over $i_1<\dots<i_p$,
//! energy and gradient in one pass.

use rand_distr::{Distribution, StandardNormal};

use crate::DynamicsError;
use crate::mixture::{Mixture, binomial};
use quench_core::rng::{Purpose, stream};

/// The largest coupling storage [`SphericalPSpin::draw`] allocates: 4 GiB.
pub const COUPLING_MEMORY_LIMIT: u64 = 4 << 30;

/// The couplings of one order $p$, packed in lexicographic order of
/// $i_1<\dots<i_p$ and multiplied by the mixture coefficient $a_p$.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderCouplings {
    /// Interaction order $p$.
    pub order: u32,
    /// $a_p J_{i_1\dots i_p}$, lexicographic in $(i_1, \dots, i_p)$.
    pub couplings: Vec<f64>,
}

/// One quenched sample of the mixed spherical $p$-spin model on $N$ real spins,
/// $H(s) = -\sum_p a_p \sum_{i_1<\dots<i_p} J_{i_1\dots i_p} s_{i_1}\cdots s_{i_p}$,
/// $J$ Gaussian with variance $p!/(2N^{p-1})$.
///
/// The same couplings serve the Ising model on $\pm1$ spins
/// ([`crate::IsingPSpin::fully_connected`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SphericalPSpin {
    n: usize,
    mixture: Mixture,
    orders: Vec<OrderCouplings>,
}

/// Bytes of the packed couplings of `mixture` at size `n`, or `None` on overflow.
pub fn coupling_memory(n: usize, mixture: &Mixture) -> Option<u64> {
    let mut total: u128 = 0;
    for term in mixture.terms() {
        total = total.checked_add(binomial(n as u64, u64::from(term.order)).checked_mul(8)?)?;
    }
    u64::try_from(total).ok()
}

impl SphericalPSpin {
    /// Draws sample `sample_index` of the ensemble: the couplings of each
    /// order in turn, by increasing order, from the stream
    /// `(seed, Disorder, sample_index, 0)`.
    ///
    /// Refuses $N < p_{\max}$ and sizes whose couplings need more than
    /// [`COUPLING_MEMORY_LIMIT`] bytes (checked before allocating).
    pub fn draw(
        n: usize,
        mixture: &Mixture,
        seed: u64,
        sample_index: u64,
    ) -> Result<Self, DynamicsError> {
        Self::draw_within(n, mixture, seed, sample_index, COUPLING_MEMORY_LIMIT)
    }

    /// [`SphericalPSpin::draw`] with an explicit memory limit in bytes.
    pub fn draw_within(
        n: usize,
        mixture: &Mixture,
        seed: u64,
        sample_index: u64,
        memory_limit: u64,
    ) -> Result<Self, DynamicsError> {
        let largest = mixture.terms().last().map_or(2, |t| t.order) as usize;
        if n < largest {
            return Err(quench_core::ParameterError::new(
                "n",
                n,
                format!("at least the largest order p = {largest}"),
            )
            .into());
        }
        if n > u32::MAX as usize {
            return Err(quench_core::ParameterError::new("n", n, "below 2^32").into());
        }
        let bytes = coupling_memory(n, mixture).unwrap_or(u64::MAX);
        if bytes > memory_limit {
            return Err(DynamicsError::CouplingMemory {
                n,
                bytes,
                limit: memory_limit,
            });
        }
        let mut rng = stream(seed, Purpose::Disorder, sample_index, 0);
        let orders = mixture
            .terms()
            .iter()
            .map(|term| {
                let p = term.order as i32;
                let factorial: f64 = (1..=p).map(f64::from).product();
                let scale = term.coefficient * (factorial / (2.0 * (n as f64).powi(p - 1))).sqrt();
                let count = binomial(n as u64, u64::from(term.order)) as usize;
                let couplings = (0..count)
                    .map(|_| {
                        scale
                            * <StandardNormal as Distribution<f64>>::sample(
                                &StandardNormal,
                                &mut rng,
                            )
                    })
                    .collect();
                OrderCouplings {
                    order: term.order,
                    couplings,
                }
            })
            .collect();
        Ok(Self {
            n,
            mixture: mixture.clone(),
            orders,
        })
    }

    /// Number of spins $N$.
    pub fn size(&self) -> usize {
        self.n
    }

    /// The mixture the sample was drawn from.
    pub fn mixture(&self) -> &Mixture {
        &self.mixture
    }

    /// The packed couplings of every order (coefficients $a_p$ included).
    pub fn orders(&self) -> &[OrderCouplings] {
        &self.orders
    }

    /// $H(s)$ (any real $s$; the sphere is the caller's business).
    pub fn energy(&self, s: &[f64]) -> f64 {
        assert_eq!(s.len(), self.n, "configuration length");
        let mut sum = 0.0;
        for order in &self.orders {
            sum += match order.order {
                2 => energy_two(&order.couplings, s),
                3 => energy_three(&order.couplings, s),
                _ => energy_four(&order.couplings, s),
            };
        }
        -sum
    }

    /// Writes $\partial H/\partial s_i$ into `gradient` and returns $H(s)$:
    /// one pass over the packed tuples of each order, no allocation.
    pub fn energy_and_gradient(&self, s: &[f64], gradient: &mut [f64]) -> f64 {
        assert_eq!(s.len(), self.n, "configuration length");
        assert_eq!(gradient.len(), self.n, "gradient length");
        gradient.fill(0.0);
        let mut sum = 0.0;
        for order in &self.orders {
            sum += match order.order {
                2 => field_two(&order.couplings, s, gradient),
                3 => field_three(&order.couplings, s, gradient),
                _ => field_four(&order.couplings, s, gradient),
            };
        }
        // The loops accumulate the field -dH/ds.
        for g in gradient.iter_mut() {
            *g = -*g;
        }
        -sum
    }

    /// Writes $\partial H/\partial s_i$ into `gradient`.
    pub fn gradient(&self, s: &[f64], gradient: &mut [f64]) {
        self.energy_and_gradient(s, gradient);
    }
}

// Each kernel returns sum_tuples J s..s and adds the field sum J s..s (without
// s_i) to `field`. Tuples are lexicographic, so for fixed leading indices the
// last index runs over a contiguous slice of couplings.

fn energy_two(couplings: &[f64], s: &[f64]) -> f64 {
    let n = s.len();
    let mut offset = 0;
    let mut sum = 0.0;
    for i in 0..n {
        let row = &couplings[offset..offset + n - i - 1];
        offset += n - i - 1;
        let t = dot(row, &s[i + 1..]);
        sum += s[i] * t;
    }
    sum
}

fn energy_three(couplings: &[f64], s: &[f64]) -> f64 {
    let n = s.len();
    let mut offset = 0;
    let mut sum = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let row = &couplings[offset..offset + n - j - 1];
            offset += n - j - 1;
            let t = dot(row, &s[j + 1..]);
            sum += s[i] * s[j] * t;
        }
    }
    sum
}

fn energy_four(couplings: &[f64], s: &[f64]) -> f64 {
    let n = s.len();
    let mut offset = 0;
    let mut sum = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let sij = s[i] * s[j];
            for k in j + 1..n {
                let row = &couplings[offset..offset + n - k - 1];
                offset += n - k - 1;
                let t = dot(row, &s[k + 1..]);
                sum += sij * s[k] * t;
            }
        }
    }
    sum
}

/// For a fixed prefix with spin product `prefix`, the tail `row` over
/// indices `first..n`: adds `J * prefix` to the tail's fields and returns
/// `sum J s_l`, in four independent partial sums (so that the reduction
/// vectorises).
#[inline(always)]
fn tail(row: &[f64], spins: &[f64], fields: &mut [f64], prefix: f64) -> f64 {
    let len = row.len();
    let (spins, fields) = (&spins[..len], &mut fields[..len]);
    let mut partial = [0.0; 4];
    let whole = len - len % 4;
    for ((c, x), f) in row[..whole]
        .chunks_exact(4)
        .zip(spins[..whole].chunks_exact(4))
        .zip(fields[..whole].chunks_exact_mut(4))
    {
        for lane in 0..4 {
            f[lane] += c[lane] * prefix;
            partial[lane] += c[lane] * x[lane];
        }
    }
    for l in whole..len {
        fields[l] += row[l] * prefix;
        partial[0] += row[l] * spins[l];
    }
    (partial[0] + partial[1]) + (partial[2] + partial[3])
}

/// `sum J s_l` over a tail, in four partial sums.
#[inline(always)]
fn dot(row: &[f64], spins: &[f64]) -> f64 {
    let len = row.len();
    let spins = &spins[..len];
    let mut partial = [0.0; 4];
    let whole = len - len % 4;
    for (c, x) in row[..whole]
        .chunks_exact(4)
        .zip(spins[..whole].chunks_exact(4))
    {
        for lane in 0..4 {
            partial[lane] += c[lane] * x[lane];
        }
    }
    for l in whole..len {
        partial[0] += row[l] * spins[l];
    }
    (partial[0] + partial[1]) + (partial[2] + partial[3])
}

fn field_two(couplings: &[f64], s: &[f64], field: &mut [f64]) -> f64 {
    let n = s.len();
    let mut offset = 0;
    let mut sum = 0.0;
    for i in 0..n {
        let len = n - i - 1;
        let row = &couplings[offset..offset + len];
        offset += len;
        let (head, rest) = field.split_at_mut(i + 1);
        let t = tail(row, &s[i + 1..], rest, s[i]);
        head[i] += t;
        sum += s[i] * t;
    }
    sum
}

fn field_three(couplings: &[f64], s: &[f64], field: &mut [f64]) -> f64 {
    let n = s.len();
    let mut offset = 0;
    let mut sum = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let len = n - j - 1;
            let row = &couplings[offset..offset + len];
            offset += len;
            let sij = s[i] * s[j];
            let (head, rest) = field.split_at_mut(j + 1);
            let t = tail(row, &s[j + 1..], rest, sij);
            head[i] += t * s[j];
            head[j] += t * s[i];
            sum += sij * t;
        }
    }
    sum
}

fn field_four(couplings: &[f64], s: &[f64], field: &mut [f64]) -> f64 {
    let n = s.len();
    let mut offset = 0;
    let mut sum = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let sij = s[i] * s[j];
            for k in j + 1..n {
                let len = n - k - 1;
                let row = &couplings[offset..offset + len];
                offset += len;
                let (head, rest) = field.split_at_mut(k + 1);
                let t = tail(row, &s[k + 1..], rest, sij * s[k]);
                head[i] += t * s[j] * s[k];
                head[j] += t * s[i] * s[k];
                head[k] += t * sij;
                sum += sij * s[k] * t;
            }
        }
    }
    sum
}
