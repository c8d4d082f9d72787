//! Issue 5: TAP magnetisations agree with long Monte Carlo runs on the same
//! SK sample above the de Almeida–Thouless line.
//!
//! Above the AT line the Gibbs measure of a large SK sample is a single pure
//! state whose local magnetisations $m_i = \langle s_i\rangle$ solve the TAP
//! equations up to finite-size corrections. Single-spin Metropolis equilibrates
//! quickly there (no replica symmetry breaking, $\tau_\text{int}$ of a few
//! sweeps), so a long run estimates every $m_i$ with binning errors $\sigma_i$,
//! and the two sets of magnetisations can be compared site by site.
//!
//! **Tolerance.** Write $m_i^\text{MC} = m_i + \sigma_i\xi_i$ and
//! $m_i^\text{TAP} = m_i + a_i/\sqrt N$. TAP is exact only as $N\to\infty$: at
//! finite $N$ the cavity field of site $i$ is not exactly Gaussian and its
//! variance differs from the Onsager coefficient $\sum_j J_{ij}^2(1-m_j^2)$ by
//! $\sum_{j\ne k}J_{ij}J_{ik}\langle s_js_k\rangle_c$, a sum of $N^2$ terms of
//! random sign, each $O(N^{-1}\cdot N^{-1/2})$, hence $O(N^{-1/2})$; so
//! $a_i = O(1)$ (sample- and site-dependent, not random from run to run). Then
//! $$ D = \frac1N\sum_i(m_i^\text{TAP}-m_i^\text{MC})^2
//!   \approx \frac1N\sum_i\sigma_i^2 + \frac{\overline{a^2}}{N}. $$
//! Measured with long runs on samples of $N = 100$–$400$ at
//! $(T, h) = (0.5, 1), (0.7, 0.8), (0.8, 0.6)$, $N(D - S)$ lies between 0.12
//! and 0.54, and on two $N = 800$ samples at $(0.7, 0.8)$ it is 0.56 and 0.95.
//! We allow [`FINITE_SIZE_ALLOWANCE`] $= 1.5$ (ten times the value of the
//! default test's sample) plus four times the statistical term (whose relative
//! fluctuation is small: it is an average over $N$ sites). A TAP without the
//! Onsager reaction term (naive mean field) misses by about
//! $\beta^2 m_i(1-q)$ per site, i.e. $N D \approx 10$–$100$, far outside.
//!
//! Caveat: between $N = 200$ and $N = 800$ the measured $D - S$ does not yet
//! fall like $1/N$ (about $1 \times 10^{-3}$ at both sizes, at
//! $T = 0.7$, $h = 0.8$; longer thermalisation does not change it), so the
//! prefactor $\overline{a^2}$ is still growing over this range (plausibly the
//! spin-glass susceptibility amplifying the $O(N^{-1/2})$ errors). The bound is
//! therefore stated, and checked by the `slow` test, only up to $N = 800$.

use std::time::Instant;

use quench_core::{CouplingDistribution, ModelSpec, Sample};
use quench_mc::{ChainState, LocalRule, SingleSpinSampler, SweepOrder};
use quench_stats::{BinningAccumulator, Estimate};
use quench_theory::mean_field::{IterationOptions, tap};
use quench_theory::sk::almeida_thouless_field;

/// Bound on $\overline{a^2} = N(D - S)$, the squared finite-size correction of
/// TAP per site in units of $1/N$ (see the module documentation).
const FINITE_SIZE_ALLOWANCE: f64 = 1.5;

/// Master seed of the Monte Carlo streams.
const MC_SEED: u64 = 5;

fn sk_sample(n: i64, field: f64, index: u64) -> Sample {
    ModelSpec::SherringtonKirkpatrick {
        n,
        couplings: CouplingDistribution::Gaussian,
        field,
    }
    .ensemble()
    .unwrap()
    .draw(2024, index)
    .unwrap()
}

/// Naive mean field, $m_i = \tanh\beta(h_i + \sum_j J_{ij}m_j)$: TAP without the
/// Onsager reaction term, solved by damped iteration from `initial`.
fn naive_mean_field(sample: &Sample, temperature: f64, initial: &[f64]) -> Vec<f64> {
    let beta = 1.0 / temperature;
    let mut m = initial.to_vec();
    for _ in 0..5000 {
        let next: Vec<f64> = (0..sample.n())
            .map(|i| {
                let field = sample.field(i)
                    + sample
                        .neighbours(i)
                        .map(|(j, coupling)| coupling * m[j])
                        .sum::<f64>();
                (beta * field).tanh()
            })
            .collect();
        let mut residual = 0.0f64;
        for (old, new) in m.iter_mut().zip(&next) {
            residual = residual.max((new - *old).abs());
            *old += 0.3 * (new - *old);
        }
        if residual < 1e-10 {
            return m;
        }
    }
    panic!("naive mean field did not converge");
}

/// Local magnetisations of independent Metropolis chains on `sample`: one
/// binning estimate per site and chain (`result[chain][site]`), measured after
/// every sweep following `thermalisation` sweeps.
fn monte_carlo(
    sample: &Sample,
    temperature: f64,
    chains: u64,
    thermalisation: u64,
    sweeps: u64,
) -> Vec<Vec<Estimate>> {
    let beta = 1.0 / temperature;
    let sampler =
        SingleSpinSampler::new(LocalRule::Metropolis, SweepOrder::Sequential, sample).unwrap();
    (0..chains)
        .map(|chain_index| {
            let mut chain = ChainState::random(sample, MC_SEED, 0, chain_index);
            sampler.sweeps(sample, &mut chain, beta, thermalisation);
            let mut sites: Vec<BinningAccumulator> =
                (0..sample.n()).map(|_| BinningAccumulator::new()).collect();
            for _ in 0..sweeps {
                sampler.sweep(sample, &mut chain, beta);
                for (site, &spin) in sites.iter_mut().zip(&chain.spins) {
                    site.push(f64::from(spin));
                }
            }
            sites.iter().map(BinningAccumulator::estimate).collect()
        })
        .collect()
}

/// Combines independent chains site by site (inverse-variance weights are
/// not needed: the chains have the same length and nearly the same errors).
fn combine(chains: &[Vec<Estimate>]) -> (Vec<f64>, Vec<f64>) {
    let k = chains.len() as f64;
    (0..chains[0].len())
        .map(|i| {
            let mean = chains.iter().map(|c| c[i].mean).sum::<f64>() / k;
            let variance = chains.iter().map(|c| c[i].error.powi(2)).sum::<f64>() / (k * k);
            (mean, variance.sqrt())
        })
        .unzip()
}

fn mean_squared_deviation(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>() / a.len() as f64
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        ab += (x - ma) * (y - mb);
        aa += (x - ma).powi(2);
        bb += (y - mb).powi(2);
    }
    ab / (aa * bb).sqrt()
}

/// What one comparison measured.
struct Comparison {
    /// $D$ for TAP.
    tap: f64,
    /// $D$ for naive mean field.
    naive: f64,
    /// $S = \frac1N\sum_i\sigma_i^2$.
    statistical: f64,
    /// Pearson correlation of TAP and MC magnetisations.
    correlation: f64,
}

/// Solves TAP and naive mean field on `sample`, runs Monte Carlo, checks the
/// chains against each other and returns the deviations.
fn compare(
    sample: &Sample,
    temperature: f64,
    field: f64,
    thermalisation: u64,
    sweeps: u64,
) -> Comparison {
    let at = almeida_thouless_field(temperature).unwrap();
    assert!(
        field > 2.0 * at.field,
        "h = {field} is not well above h_AT({temperature}) = {}",
        at.field
    );
    let n = sample.n();
    let solution = tap(sample, temperature, None, &IterationOptions::default()).unwrap();
    assert!(solution.converged, "TAP residual {}", solution.residual);
    let naive = naive_mean_field(sample, temperature, &solution.magnetisations);

    let started = Instant::now();
    let chains = monte_carlo(sample, temperature, 2, thermalisation, sweeps);
    let elapsed = started.elapsed();
    let tau = chains
        .iter()
        .flatten()
        .map(|e| e.tau_int)
        .fold(0.0, f64::max);
    // Errors are meaningful only with bins much longer than tau_int.
    assert!(
        tau < sweeps as f64 / 1000.0,
        "tau_int up to {tau} sweeps: the run is too short"
    );
    // The two chains, from independent random starts, sample the same single
    // state: chi^2 per site of their difference is about 1 (binning errors are
    // themselves uncertain by ~25 %, so allow up to 2). Catches a chain stuck
    // in a metastable state, which would make the comparison meaningless.
    let chi2 = (0..n)
        .map(|i| {
            let (a, b) = (chains[0][i], chains[1][i]);
            (a.mean - b.mean).powi(2) / (a.error.powi(2) + b.error.powi(2))
        })
        .sum::<f64>()
        / n as f64;
    assert!(chi2 < 2.0, "chains disagree: chi^2 per site {chi2}");

    let (mc, errors) = combine(&chains);
    let statistical = errors.iter().map(|e| e * e).sum::<f64>() / n as f64;
    let result = Comparison {
        tap: mean_squared_deviation(&solution.magnetisations, &mc),
        naive: mean_squared_deviation(&naive, &mc),
        statistical,
        correlation: correlation(&solution.magnetisations, &mc),
    };
    eprintln!(
        "N = {n}, T = {temperature}, h = {field} (h_AT = {:.3}): TAP q = {:.3} in {} iterations; \
         MC {} x {sweeps} sweeps in {elapsed:.2?}, tau_int <= {tau:.1}, chain chi^2/N = {chi2:.2}; \
         D_TAP = {:.2e}, S = {:.2e}, N (D_TAP - S) = {:.3}, D_naive = {:.2e}, \
         corr(TAP, MC) = {:.4}, corr(naive, MC) = {:.4}",
        at.field,
        solution.overlap,
        solution.iterations,
        chains.len(),
        result.tap,
        result.statistical,
        n as f64 * (result.tap - result.statistical),
        result.naive,
        result.correlation,
        correlation(&naive, &mc),
    );
    result
}

/// Asserts the agreement criteria of the module documentation.
fn assert_tap_agrees(n: usize, c: &Comparison) {
    let nf = n as f64;
    // The statistical errors must be small next to the allowance, or the
    // comparison would test little.
    assert!(
        c.statistical < 0.25 * FINITE_SIZE_ALLOWANCE / nf,
        "MC errors too large: S = {:.2e}",
        c.statistical
    );
    let bound = 4.0 * c.statistical + FINITE_SIZE_ALLOWANCE / nf;
    assert!(
        c.tap < bound,
        "TAP vs MC: mean squared deviation {:.2e} exceeds {bound:.2e} (S = {:.2e})",
        c.tap,
        c.statistical
    );
    assert!(
        c.correlation > 0.95,
        "TAP vs MC correlation {}",
        c.correlation
    );
    // Without the reaction term the agreement is much worse: the test can fail.
    assert!(
        c.naive > bound && c.naive > 10.0 * c.tap,
        "naive mean field ({:.2e}) is not clearly worse than TAP ({:.2e})",
        c.naive,
        c.tap
    );
}

#[test]
fn tap_magnetisations_agree_with_monte_carlo_above_the_at_line() {
    // T = 0.7, h = 0.8: h_AT(0.7) = 0.23. N = 300: TAP's per-site error
    // ~ 0.5/sqrt(N) = 0.03, MC errors ~ 0.006 per site.
    let (n, t, h) = (300, 0.7, 0.8);
    let sample = sk_sample(n as i64, h, 0);
    let c = compare(&sample, t, h, 1_000, 12_000);
    assert_tap_agrees(n, &c);
}

#[test]
#[ignore = "slow: about 70 s; Monte Carlo on two N = 800 SK samples"]
fn tap_magnetisations_agree_with_monte_carlo_on_larger_samples() {
    let (n, t, h) = (800, 0.7, 0.8);
    for index in 1..3 {
        let sample = sk_sample(n as i64, h, index);
        let c = compare(&sample, t, h, 1_000, 20_000);
        assert_tap_agrees(n, &c);
    }
}
