//! The replicon Hessian of a replica-symmetric layer profile and its
//! largest eigenvalue (see the module docs of [`super`] for the entries).

use super::band::BandMatrix;
use super::solve::{Profile, Terms, bond_index, spin_index};

/// The $(2L-1)\times(2L-1)$ replicon Hessian over $Q_1, q_1, \dots, q_{L-1}, Q_L$
/// (band width 2): $H_{xy} = \lambda_l\\,\partial_xp_l\\,\partial_yp_l + F(p_l)\\,\partial_x\partial_yp_l$
/// summed over the layers whose $p_l = q_{l-1}Q_lq_l$ holds $x$ and $y$,
/// plus the entropic diagonal $-1/(\alpha(1-Q_l)^2)$ and $-1/\chi_l$.
pub(super) fn replicon_hessian(alpha: f64, profile: &Profile, terms: &Terms) -> BandMatrix {
    let depth = profile.depth;
    let n = 2 * depth - 1;
    let mut hessian = BandMatrix::zeros(n, 2, 2);
    for l in 1..=depth {
        let gap = profile.bond(l).1;
        hessian.add(bond_index(l), bond_index(l), -1.0 / (alpha * gap * gap));
        if l < depth {
            let chi = terms.spins[l - 1].susceptibility;
            hessian.add(spin_index(l), spin_index(l), -1.0 / chi);
        }
    }
    for l in 1..=depth {
        let (a, b, c) = (profile.spin(l - 1).0, profile.bond(l).0, profile.spin(l).0);
        let term = &terms.constraints[l - 1];
        let (lambda, g) = (term.curvature, term.force);
        // The variables of p_l that are free, with dp/dx, and the mixed
        // second derivatives d^2 p / dx dy (the third factor).
        let mut free: Vec<(usize, f64, char)> = Vec::with_capacity(3);
        if l > 1 {
            free.push((spin_index(l - 1), b * c, 'a'));
        }
        free.push((bond_index(l), a * c, 'b'));
        if l < depth {
            free.push((spin_index(l), a * b, 'c'));
        }
        for &(i, di, x) in &free {
            for &(j, dj, y) in &free {
                let mixed = match (x, y) {
                    ('a', 'b') | ('b', 'a') => c,
                    ('a', 'c') | ('c', 'a') => b,
                    ('b', 'c') | ('c', 'b') => a,
                    _ => 0.0,
                };
                hessian.add(i, j, lambda * di * dj + g * mixed);
            }
        }
    }
    hessian
}

/// The replicon eigenvalue (largest eigenvalue of the Hessian), whether the
/// Hessian is negative definite, and the weight of the eigenvector on each
/// layer $l = 1..L$ (its $Q_l$ and $q_l$ components), averaged with the
/// mirror image $l \to L + 1 - l$ of the network: the profile is symmetric
/// under input $\leftrightarrow$ output, so the unstable modes of the two
/// ends come in (nearly) degenerate pairs whose separate eigenvectors are
/// not defined, while this average is.
pub(super) fn replicon(alpha: f64, profile: &Profile, terms: &Terms) -> (f64, bool, Vec<f64>) {
    let hessian = replicon_hessian(alpha, profile, terms);
    let stable = hessian.shifted_negative(0.0).is_positive_definite();
    let (value, vector) = hessian.largest_eigenpair();
    let n = vector.len();
    let symmetric: Vec<f64> = (0..n)
        .map(|i| 0.5 * (vector[i] * vector[i] + vector[n - 1 - i] * vector[n - 1 - i]))
        .collect();
    let depth = profile.depth;
    let mut weights: Vec<f64> = (1..=depth)
        .map(|l| {
            symmetric[bond_index(l)]
                + if l < depth {
                    symmetric[spin_index(l)]
                } else {
                    0.0
                }
        })
        .collect();
    let total: f64 = weights.iter().sum();
    weights.iter_mut().for_each(|w| *w /= total);
    (value, stable, weights)
}
