//! Anderson mixing (Anderson, J. ACM 12, 547 (1965); Walker and Ni, SIAM
//! J. Numer. Anal. 49, 1715 (2011)): the acceleration of a slowly
//! converging fixed-point iteration by the least-squares combination of
//! its last iterates. The rows of the two-time integration use it where
//! the ageing state's marginal stability makes plain sweeps crawl.

/// Anderson mixing (type II) of a fixed-point map $G$: from the last `depth`
/// iterates $v_k$ and images $G(v_k)$, the next iterate
/// $G(v_k) - \sum_m\gamma_m\\,\Delta G_m$ with $\gamma$ minimising
/// $|f_k - \sum_m\gamma_m\Delta f_m|$, $f = G(v) - v$.
pub(super) struct AndersonMixing {
    depth: usize,
    previous: Option<(Vec<f64>, Vec<f64>)>,
    /// Differences of residuals and of images, newest last.
    residual_differences: Vec<Vec<f64>>,
    image_differences: Vec<Vec<f64>>,
}

impl AndersonMixing {
    pub(super) fn new(depth: usize) -> Self {
        Self {
            depth,
            previous: None,
            residual_differences: Vec::new(),
            image_differences: Vec::new(),
        }
    }

    /// The next iterate from the current one and its image under the map.
    pub(super) fn next(&mut self, iterate: &[f64], image: &[f64]) -> Vec<f64> {
        let residual: Vec<f64> = image.iter().zip(iterate).map(|(g, v)| g - v).collect();
        if let Some((previous_residual, previous_image)) = self.previous.take() {
            self.residual_differences.push(
                residual
                    .iter()
                    .zip(&previous_residual)
                    .map(|(a, b)| a - b)
                    .collect(),
            );
            self.image_differences.push(
                image
                    .iter()
                    .zip(&previous_image)
                    .map(|(a, b)| a - b)
                    .collect(),
            );
            if self.residual_differences.len() > self.depth {
                self.residual_differences.remove(0);
                self.image_differences.remove(0);
            }
        }
        self.previous = Some((residual.clone(), image.to_vec()));
        let m = self.residual_differences.len();
        let mut next = image.to_vec();
        if m == 0 {
            return next;
        }
        // Normal equations (Delta f^T Delta f + small ridge) gamma = Delta f^T f.
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let differences = &self.residual_differences;
        let mut matrix =
            nalgebra::DMatrix::from_fn(m, m, |r, c| dot(&differences[r], &differences[c]));
        let right = nalgebra::DVector::from_fn(m, |r, _| dot(&differences[r], &residual));
        let scale = matrix.diagonal().max();
        if !(scale > 1e-280 && scale.is_finite()) {
            self.residual_differences.clear();
            self.image_differences.clear();
            return next;
        }
        for r in 0..m {
            matrix[(r, r)] += 1e-10 * scale;
        }
        let Some(gamma) = matrix.lu().solve(&right) else {
            self.residual_differences.clear();
            self.image_differences.clear();
            return next;
        };
        for (g, difference) in gamma.iter().zip(&self.image_differences) {
            for (value, d) in next.iter_mut().zip(difference) {
                *value -= g * d;
            }
        }
        if next.iter().all(|v| v.is_finite()) {
            next
        } else {
            self.residual_differences.clear();
            self.image_differences.clear();
            image.to_vec()
        }
    }
}
