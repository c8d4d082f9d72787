//! Replica overlap matrices and the ultrametric triplet test.
//!
//! With $R \ge 3$ replicas of one sample (independent copies of the system
//! in the same quenched disorder), the overlaps $q_{ab}$, $a < b$, form the
//! symmetric [`OverlapMatrix`]. In a phase with full replica-symmetry
//! breaking the pure states are organised as the leaves of a tree, and the
//! overlaps of any three of them are *ultrametric*: of the three overlaps
//! $q_{ab}, q_{bc}, q_{ca}$ the two smallest are equal,
//!
//! $$ q_{(1)} \le q_{(2)} \le q_{(3)}, \qquad q_{(1)} = q_{(2)}. $$
//!
//! A [`Triplet`] holds the sorted overlaps of one triplet; its
//! [`Triplet::lower_gap`] $d_{12} = q_{(2)} - q_{(1)}$ vanishes in an ultrametric
//! space, while its [`Triplet::upper_gap`] $d_{23} = q_{(3)} - q_{(2)}$ does not
//! have to. [`OverlapMatrix::gaps`] averages both over the
//! $\binom{R}{3}$ triplets of one measurement ([`TripletGaps`]). At finite $N$
//! neither gap is zero: the test is that $[\langle d_{12}\rangle]$ shrinks
//! with $N$ faster than $[\langle d_{23}\rangle]$ below the transition, so
//! that their ratio goes to zero. (For three overlaps drawn independently
//! from one smooth distribution the two gaps are of the same order.)
//!
//! Without a field the spin-glass measure is invariant under a global flip,
//! and states are identified up to it: the triplet test then uses $|q|$
//! ([`OverlapSign::Absolute`]). Where no such symmetry exists (perceptron
//! weights with labels) it uses the signed overlaps ([`OverlapSign::Signed`]).

use crate::error::StatsError;

/// Whether the triplet test compares $|q|$ or $q$.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverlapSign {
    /// $|q_{ab}|$: states identified up to a global flip.
    Absolute,
    /// $q_{ab}$ as measured.
    Signed,
}

/// The index of pair $(a, b)$, $a < b$, among the $R(R-1)/2$ pairs of $R$
/// replicas in lexicographic order $(0,1), (0,2), \dots, (1,2), \dots$.
pub fn pair_index(replicas: usize, a: usize, b: usize) -> usize {
    debug_assert!(a < b && b < replicas, "pair ({a}, {b}) of {replicas}");
    a * (2 * replicas - a - 1) / 2 + (b - a - 1)
}

/// The sorted overlaps of three replicas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Triplet {
    /// $q_{(1)}$, the smallest.
    pub smallest: f64,
    /// $q_{(2)}$.
    pub middle: f64,
    /// $q_{(3)}$, the largest.
    pub largest: f64,
}

impl Triplet {
    /// The triplet of overlaps `overlaps`, sorted.
    pub fn sorted(overlaps: [f64; 3]) -> Self {
        let mut q = overlaps;
        q.sort_by(f64::total_cmp);
        Self {
            smallest: q[0],
            middle: q[1],
            largest: q[2],
        }
    }

    /// $d_{12} = q_{(2)} - q_{(1)}$: zero when the triplet is ultrametric.
    pub fn lower_gap(&self) -> f64 {
        self.middle - self.smallest
    }

    /// $d_{23} = q_{(3)} - q_{(2)}$.
    pub fn upper_gap(&self) -> f64 {
        self.largest - self.middle
    }
}

/// The gaps of one overlap matrix, averaged over its triplets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TripletGaps {
    /// Mean of $d_{12}$ over triplets.
    pub lower: f64,
    /// Mean of $d_{23}$ over triplets.
    pub upper: f64,
    /// Number of triplets, $\binom{R}{3}$.
    pub triplets: usize,
}

/// The overlaps $q_{ab}$, $a < b$, of $R$ replicas of one sample.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlapMatrix {
    replicas: usize,
    pairs: Vec<f64>,
}

impl OverlapMatrix {
    /// The matrix of `replicas` replicas from its pair overlaps in
    /// lexicographic order ([`pair_index`]).
    pub fn from_pairs(replicas: usize, pairs: Vec<f64>) -> Result<Self, StatsError> {
        let expected = replicas * replicas.saturating_sub(1) / 2;
        if replicas < 2 || pairs.len() != expected {
            return Err(StatsError::invalid(
                "pairs",
                pairs.len(),
                format!("{expected} pair overlaps of R = {replicas} >= 2 replicas"),
            ));
        }
        Ok(Self { replicas, pairs })
    }

    /// The overlaps $q_{ab} = \frac1N \sum_i x^a_i x^b_i$ of configurations of
    /// equal length $N$ (spins, or weights normalised to $|x|^2 = N$).
    pub fn of_configurations<T: Copy + Into<f64>>(
        configurations: &[&[T]],
    ) -> Result<Self, StatsError> {
        let n = configurations.first().map_or(0, |c| c.len());
        if n == 0 || configurations.iter().any(|c| c.len() != n) {
            return Err(StatsError::invalid(
                "configurations",
                n,
                "non-empty configurations of one length",
            ));
        }
        let replicas = configurations.len();
        let mut pairs = Vec::with_capacity(replicas * replicas.saturating_sub(1) / 2);
        for a in 0..replicas {
            for b in a + 1..replicas {
                let dot: f64 = configurations[a]
                    .iter()
                    .zip(configurations[b])
                    .map(|(&x, &y)| x.into() * y.into())
                    .sum();
                pairs.push(dot / n as f64);
            }
        }
        Self::from_pairs(replicas, pairs)
    }

    /// $R$.
    pub fn replicas(&self) -> usize {
        self.replicas
    }

    /// $q_{ab}$ for $a \ne b$ (symmetric).
    pub fn overlap(&self, a: usize, b: usize) -> f64 {
        assert!(
            a != b && a < self.replicas && b < self.replicas,
            "overlap ({a}, {b}) of {} replicas",
            self.replicas
        );
        let (a, b) = (a.min(b), a.max(b));
        self.pairs[pair_index(self.replicas, a, b)]
    }

    /// The pair overlaps in lexicographic order.
    pub fn pairs(&self) -> &[f64] {
        &self.pairs
    }

    /// The sorted overlaps of every triplet $a < b < c$, in lexicographic
    /// order.
    pub fn triplets(&self, sign: OverlapSign) -> impl Iterator<Item = Triplet> + '_ {
        let r = self.replicas;
        let value = move |q: f64| match sign {
            OverlapSign::Absolute => q.abs(),
            OverlapSign::Signed => q,
        };
        (0..r).flat_map(move |a| {
            (a + 1..r).flat_map(move |b| {
                (b + 1..r).map(move |c| {
                    Triplet::sorted([
                        value(self.overlap(a, b)),
                        value(self.overlap(b, c)),
                        value(self.overlap(a, c)),
                    ])
                })
            })
        })
    }

    /// The gaps averaged over all triplets; `None` with fewer than three
    /// replicas.
    pub fn gaps(&self, sign: OverlapSign) -> Option<TripletGaps> {
        let (mut lower, mut upper, mut triplets) = (0.0, 0.0, 0usize);
        for t in self.triplets(sign) {
            lower += t.lower_gap();
            upper += t.upper_gap();
            triplets += 1;
        }
        (triplets > 0).then(|| TripletGaps {
            lower: lower / triplets as f64,
            upper: upper / triplets as f64,
            triplets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_indices_enumerate_pairs_in_lexicographic_order() {
        for r in 2..8 {
            let mut expected = 0;
            for a in 0..r {
                for b in a + 1..r {
                    assert_eq!(pair_index(r, a, b), expected, "R = {r}, ({a}, {b})");
                    expected += 1;
                }
            }
        }
    }

    /// Configurations on the leaves of a tree: replicas 0 and 1 share the
    /// first half of their spins with each other and not with 2, so
    /// $q_{01} > q_{02} = q_{12}$ exactly, and the lower gap is zero.
    #[test]
    fn tree_configurations_are_ultrametric_and_a_non_tree_is_not() {
        let a: Vec<i8> = vec![1, 1, 1, 1, 1, 1, 1, 1];
        let b: Vec<i8> = vec![1, 1, 1, 1, -1, -1, 1, 1];
        let c: Vec<i8> = vec![-1, -1, 1, 1, -1, 1, -1, 1];
        let tree = OverlapMatrix::of_configurations(&[&a[..], &b[..], &c[..]]).unwrap();
        assert_eq!(tree.overlap(0, 1), 0.5);
        assert_eq!(tree.overlap(2, 0), 0.0);
        assert_eq!(tree.overlap(1, 2), 0.0);
        let gaps = tree.gaps(OverlapSign::Signed).unwrap();
        assert_eq!((gaps.lower, gaps.upper, gaps.triplets), (0.0, 0.5, 1));
        // Overlaps 0.5, 0.25, -0.25: signed gaps 0.5 and 0.25; |q| makes the
        // two smallest equal.
        let d: Vec<i8> = vec![1, 1, 1, 1, 1, 1, 1, 1];
        let e: Vec<i8> = vec![-1, -1, 1, 1, 1, 1, 1, 1];
        let f: Vec<i8> = vec![1, 1, -1, -1, -1, 1, 1, 1];
        let m = OverlapMatrix::of_configurations(&[&d[..], &e[..], &f[..]]).unwrap();
        assert_eq!(
            (m.overlap(0, 1), m.overlap(1, 2), m.overlap(0, 2)),
            (0.5, -0.25, 0.25)
        );
        let t = m.triplets(OverlapSign::Signed).next().unwrap();
        assert_eq!((t.smallest, t.middle, t.largest), (-0.25, 0.25, 0.5));
        assert_eq!((t.lower_gap(), t.upper_gap()), (0.5, 0.25));
        let t = m.triplets(OverlapSign::Absolute).next().unwrap();
        assert_eq!((t.lower_gap(), t.upper_gap()), (0.0, 0.25));
    }

    #[test]
    fn gaps_average_over_every_triplet_of_four_replicas() {
        // q_01 = 0.9, q_02 = q_03 = q_12 = q_13 = 0.2, q_23 = 0.7: a tree of
        // two pairs. Triplets (0,1,2), (0,1,3): lower 0, upper 0.7;
        // (0,2,3), (1,2,3): lower 0, upper 0.5.
        let m = OverlapMatrix::from_pairs(4, vec![0.9, 0.2, 0.2, 0.2, 0.2, 0.7]).unwrap();
        assert_eq!(m.overlap(3, 2), 0.7);
        let gaps = m.gaps(OverlapSign::Signed).unwrap();
        assert_eq!(gaps.triplets, 4);
        assert_eq!(gaps.lower, 0.0);
        assert!((gaps.upper - 0.6).abs() < 1e-15);
        // Break the tree: q_23 = 0.1 makes (0,2,3) and (1,2,3) have lower gap 0.1.
        let m = OverlapMatrix::from_pairs(4, vec![0.9, 0.2, 0.2, 0.2, 0.2, 0.1]).unwrap();
        let gaps = m.gaps(OverlapSign::Signed).unwrap();
        assert!((gaps.lower - 0.05).abs() < 1e-15, "{gaps:?}");
    }

    #[test]
    fn two_replicas_have_no_triplet_and_wrong_shapes_are_refused() {
        let m = OverlapMatrix::from_pairs(2, vec![0.3]).unwrap();
        assert_eq!(m.gaps(OverlapSign::Absolute), None);
        assert!(OverlapMatrix::from_pairs(3, vec![0.1, 0.2]).is_err());
        assert!(OverlapMatrix::from_pairs(1, vec![]).is_err());
        let a = [1.0, -1.0];
        let b = [1.0];
        assert!(OverlapMatrix::of_configurations(&[&a[..], &b[..]]).is_err());
        assert!(OverlapMatrix::of_configurations::<f64>(&[]).is_err());
    }
}
