//! Helpers shared by the integration tests.
#![allow(dead_code)]

use quench_stats::Estimate;

/// Largest |z| accepted when comparing a Monte Carlo estimate with an exact
/// value. The errors include the integrated autocorrelation time (binning),
/// so z is close to standard normal; with about a hundred comparisons in the
/// suite, |z| < 4.5 fails by chance with probability below 1e-3.
pub const SIGMAS: f64 = 4.5;

/// Asserts that `estimate` agrees with `exact` within [`SIGMAS`] standard errors,
/// and that the error is meaningful (finite, positive, from enough bins).
pub fn assert_agrees(what: &str, estimate: Estimate, exact: f64) {
    assert!(
        estimate.error.is_finite() && estimate.error > 0.0,
        "{what}: no usable error ({estimate})"
    );
    let z = estimate.z_score(exact);
    assert!(
        z.abs() < SIGMAS,
        "{what}: {estimate} vs exact {exact:.6} (z = {z:.2})"
    );
}

/// Asserts that an energy-per-spin series of the `length` x `length` periodic
/// ferromagnet at `temperature` has Kaufman's exact energy (binning error) and
/// specific heat $C/N = \beta^2 N (\langle e^2\rangle - \langle e\rangle^2)$ (jackknife over
/// `blocks` blocks, each required to be much longer than the autocorrelation time).
pub fn assert_matches_kaufman(
    label: &str,
    series: &[f64],
    length: usize,
    temperature: f64,
    blocks: usize,
) {
    use quench_exact::kaufman::KaufmanIsing;
    use quench_stats::{BinningAccumulator, jackknife};
    let exact = KaufmanIsing::new(length, length).unwrap();
    let beta = 1.0 / temperature;
    let n = (length * length) as f64;
    let estimate = series
        .iter()
        .copied()
        .collect::<BinningAccumulator>()
        .estimate();
    assert_agrees(
        &format!("{label} T={temperature} energy"),
        estimate,
        exact.energy_per_spin(beta).unwrap(),
    );
    let block = series.len() / blocks;
    assert!(
        block as f64 > 20.0 * estimate.tau_int,
        "blocks of {block} too short for tau {}",
        estimate.tau_int
    );
    let means: Vec<f64> = series
        .chunks_exact(block)
        .map(|c| c.iter().sum::<f64>() / block as f64)
        .collect();
    let squares: Vec<f64> = series
        .chunks_exact(block)
        .map(|c| c.iter().map(|e| e * e).sum::<f64>() / block as f64)
        .collect();
    let heat = jackknife(&[&means, &squares], |m| {
        beta * beta * n * (m[1] - m[0] * m[0])
    })
    .unwrap();
    let exact_heat = exact.specific_heat_per_spin(beta).unwrap();
    let z = (heat.value - exact_heat) / heat.error;
    assert!(
        z.abs() < SIGMAS,
        "{label} T={temperature} specific heat {} ± {} vs exact {exact_heat} (z = {z:.2})",
        heat.value,
        heat.error
    );
}

/// `start` after `sweeps` sweeps of every chain by the dense group sweep
/// ([`quench_mc::dense::sweep_chains`]), the chains cut into groups of
/// `size` (all of them in one group if `size` is larger).
pub fn swept_in_groups(
    dense: &quench_mc::DenseTempering,
    start: &quench_mc::dense::DenseState,
    size: usize,
    sweeps: u64,
) -> quench_mc::dense::DenseState {
    let temperatures = dense.betas().len();
    let mut grouped = start.clone();
    let mut chains: Vec<_> = grouped
        .tempering
        .ladders
        .iter_mut()
        .flat_map(|l| l.chains.iter_mut())
        .zip(grouped.fields.iter_mut())
        .enumerate()
        .map(|(index, (chain, fields))| (index % temperatures, chain, fields))
        .collect();
    let size = size.min(chains.len());
    // One scratch for every group, as a thread sweeping them in turn keeps.
    let mut scratch = quench_mc::dense::DenseScratch::new();
    for group in chains.chunks_mut(size) {
        quench_mc::dense::sweep_chains(
            dense.couplings(),
            dense.betas(),
            dense.tables(),
            group,
            sweeps,
            &mut scratch,
        );
    }
    drop(chains);
    grouped
}
