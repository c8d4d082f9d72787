//! Confidence intervals for a fraction of successes ([`wilson_interval`]).

/// The Wilson score interval for a binomial proportion: `successes` out of
/// `trials`, at `z` standard deviations (`z = 1` for the one-standard-error
/// interval of about 68 %, as the other errors of quench). Returns
/// `(low, high)`, inside $[0, 1]$.
///
/// With $\hat p = k/n$, the interval is the set of $p$ with
/// $|\hat p - p| \le z\sqrt{p(1-p)/n}$:
/// $$\frac{\hat p + \frac{z^2}{2n}}{1 + \frac{z^2}{n}} \pm \frac{z}{1+\frac{z^2}{n}}\sqrt{\frac{\hat p(1-\hat p)}{n} + \frac{z^2}{4n^2}}.$$
/// Unlike the Wald error $\sqrt{\hat p(1-\hat p)/n}$ it does not collapse to
/// zero width when every trial succeeds (or none does): $n$ successes in
/// $n$ trials at $z = 1$ give $[n/(n+1), 1]$. Wilson rather than
/// Clopper–Pearson: its coverage is close to nominal on average, where
/// Clopper–Pearson is conservative, and it needs no special functions.
/// `(NaN, NaN)` without trials.
///
/// ```
/// use quench_stats::wilson_interval;
/// let (low, high) = wilson_interval(4, 4, 1.0);
/// assert!((low - 0.8).abs() < 1e-12 && high == 1.0);
/// ```
pub fn wilson_interval(successes: u64, trials: u64, z: f64) -> (f64, f64) {
    if trials == 0 {
        return (f64::NAN, f64::NAN);
    }
    let n = trials as f64;
    let p = successes.min(trials) as f64 / n;
    let z2 = z * z;
    let scale = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / scale;
    let half = z / scale * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At k = 0 and k = n one end is exactly 0 or 1: say so without rounding.
    let low = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if successes >= trials {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (low, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sample retrieved: the interval has width, it is not `1 ± 0`.
    #[test]
    fn all_successes_give_an_interval_of_nonzero_width() {
        for n in [1u64, 4, 10, 100] {
            let (low, high) = wilson_interval(n, n, 1.0);
            assert_eq!(high, 1.0);
            let expected = n as f64 / (n as f64 + 1.0);
            assert!((low - expected).abs() < 1e-12, "n = {n}: {low}");
            let (low, high) = wilson_interval(0, n, 1.0);
            assert_eq!(low, 0.0);
            assert!((high - 1.0 / (n as f64 + 1.0)).abs() < 1e-12);
        }
    }

    /// Inside the interval the score statistic is at most z, at the ends exactly z.
    #[test]
    fn ends_solve_the_score_equation() {
        let (k, n, z) = (7u64, 20u64, 1.5);
        let p = k as f64 / n as f64;
        let (low, high) = wilson_interval(k, n, z);
        for end in [low, high] {
            let score = (p - end).abs() / (end * (1.0 - end) / n as f64).sqrt();
            assert!((score - z).abs() < 1e-9, "{score}");
        }
        assert!(low < p && p < high);
        assert!(wilson_interval(1, 0, 1.0).0.is_nan());
    }
}
