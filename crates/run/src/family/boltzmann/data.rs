//! The data of an RBM run as the units see them: rows of `f64` bits, and
//! the samples of a random teacher machine.

use quench_core::rng::Purpose;
use quench_core::{FamilyStreams, UnitStreams};
use quench_data::BinaryDataset;
use quench_learn::LearnError;
use quench_learn::boltzmann::{ExactSampler, Rbm, log_partition, mean_log_likelihood};
use rand_distr::{Distribution, Normal};

use super::spec::TeacherData;

/// The rows of a binary data set as `f64` zeros and ones, row-major.
pub fn rows(data: &BinaryDataset) -> Vec<f64> {
    data.values().iter().map(|&b| f64::from(b)).collect()
}

/// The teacher of a spec: weights $\mathcal N(0, s^2)$, biases
/// $\mathcal N(0, (s/2)^2)$, from the stream `(seed, Named("rbm-teacher"), 0, 0)`.
pub fn teacher_machine(teacher: &TeacherData, seed: u64) -> Result<Rbm, LearnError> {
    let mut rng = UnitStreams::new(seed, FamilyStreams::Named("rbm-teacher"), 0, 0)
        .stream(Purpose::Disorder, 0);
    let mut machine = Rbm::random(teacher.visible, teacher.hidden, teacher.scale, &mut rng)?;
    let normal = Normal::new(0.0, teacher.scale / 2.0).expect("finite scale");
    for b in machine.visible_bias_mut() {
        *b = normal.sample(&mut rng);
    }
    for c in machine.hidden_bias_mut() {
        *c = normal.sample(&mut rng);
    }
    Ok(machine)
}

/// `rows` exact samples of the teacher, the last `round(test_fraction rows)`
/// held out, and the teacher's exact mean log-likelihood of the held-out
/// rows (the best a student can do on them, up to their finite number).
pub fn teacher_samples(
    teacher: &TeacherData,
    test_fraction: f64,
    seed: u64,
) -> Result<(BinaryDataset, BinaryDataset, f64), LearnError> {
    let machine = teacher_machine(teacher, seed)?;
    let sampler = ExactSampler::new(&machine)?;
    let mut rng = UnitStreams::new(seed, FamilyStreams::Named("rbm-teacher"), 1, 0)
        .stream(Purpose::Disorder, 0);
    let nv = teacher.visible;
    let mut values = vec![0.0; teacher.rows * nv];
    for row in values.chunks_exact_mut(nv) {
        sampler.sample_visible(row, &mut rng);
    }
    let test_rows = (test_fraction * teacher.rows as f64).round() as usize;
    let train_rows = teacher.rows - test_rows;
    let bits = |values: &[f64], rows: usize, name: &str| {
        BinaryDataset::new(name, rows, nv, values.iter().map(|&x| x as u8).collect()).map_err(|e| {
            quench_learn::error::LearnError::Configuration {
                reason: e.to_string(),
            }
        })
    };
    let (train_values, test_values) = values.split_at(train_rows * nv);
    let train = bits(train_values, train_rows, "teacher samples (train)")?;
    let test = bits(test_values, test_rows, "teacher samples (test)")?;
    let log_likelihood = if test_rows > 0 {
        mean_log_likelihood(&machine, test_values, log_partition(&machine)?)
    } else {
        f64::NAN
    };
    Ok((train, test, log_likelihood))
}

/// How a set of 2D Ising configurations is made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IsingData {
    /// Side $L$ of the periodic $L\times L$ lattice ($J = 1$, no field).
    pub length: usize,
    /// Configurations per temperature (train and test together).
    pub rows: usize,
    /// Wolff sweeps between stored configurations: each a fixed number of
    /// cluster moves (about $N$ spins' worth, from the mean cluster size
    /// measured during equilibration) and one Metropolis sweep.
    pub spacing: usize,
    /// Wolff sweeps before the first.
    pub equilibration: usize,
}

/// Energy per spin $-\frac1N\sum_{\langle ij\rangle} s_i s_j$ of a
/// configuration of bits ($s = 2b - 1$) on the periodic $L\times L$ lattice.
pub fn ising_energy(bits: &[f64], length: usize) -> f64 {
    let spin = |i: usize| 2.0 * bits[i] - 1.0;
    let mut sum = 0.0;
    for y in 0..length {
        for x in 0..length {
            let i = y * length + x;
            let right = y * length + (x + 1) % length;
            let down = ((y + 1) % length) * length + x;
            sum += spin(i) * (spin(right) + spin(down));
        }
    }
    -sum / (length * length) as f64
}

/// $|m| = |\frac1N\sum_i s_i|$ of a configuration of bits.
pub fn ising_magnetisation(bits: &[f64]) -> f64 {
    (bits.iter().map(|&b| 2.0 * b - 1.0).sum::<f64>() / bits.len() as f64).abs()
}

/// `rows` configurations of the 2D Ising ferromagnet at `temperature`,
/// from quench's Wolff and Metropolis samplers (streams of
/// `(seed, Named("rbm-ising"), temperature index, 0)`), and the integrated
/// autocorrelation time of $|m|$ along the stored series, in rows
/// (measured, not assumed).
pub fn ising_configurations(
    data: &IsingData,
    temperature: f64,
    index: usize,
    seed: u64,
) -> Result<(Vec<i8>, f64), crate::error::RunError> {
    use quench_core::ModelSpec;
    use quench_mc::local::{LocalRule, SingleSpinSampler, SweepOrder};
    use quench_mc::wolff::{WolffCluster, WolffScratch};
    let input = |e: String| crate::error::RunError::Input(format!("the Ising data: {e}"));
    let model = ModelSpec::Ferromagnet {
        dimension: 2,
        length: data.length as i64,
        field: 0.0,
    };
    let ensemble = model.ensemble().map_err(|e| input(e.to_string()))?;
    let sample = ensemble.draw(seed, 0).map_err(|e| input(e.to_string()))?;
    let (stream_seed, stream_sample) =
        UnitStreams::new(seed, FamilyStreams::Named("rbm-ising"), index as u64, 0)
            .seed_and_sample();
    let mut chain = quench_mc::ChainState::random(&sample, stream_seed, stream_sample, 0);
    let wolff = WolffCluster::new(&sample).map_err(|e| input(e.to_string()))?;
    let local = SingleSpinSampler::new(LocalRule::Metropolis, SweepOrder::Sequential, &sample)
        .map_err(|e| input(e.to_string()))?;
    let mut scratch = WolffScratch::default();
    let beta = 1.0 / temperature;
    let n = sample.n();
    // A Wolff sweep is a fixed number k of cluster moves and one Metropolis
    // sweep. k must not depend on the clusters drawn: "cluster moves until N
    // spins have flipped" stops on a large cluster and biases the chain
    // towards order (measured on 8x8 at T = 2.6: energy -1.232 against
    // Kaufman's -1.119). So k = N / (mean cluster size) is measured during
    // equilibration, with 10 moves per sweep, and then held fixed.
    let mut moves = 10usize;
    let mut wolff_sweep = |chain: &mut quench_mc::ChainState, moves: usize| -> usize {
        let mut flipped = 0;
        for _ in 0..moves {
            flipped += wolff.step(&sample, chain, beta, &mut scratch);
        }
        local.sweep(&sample, chain, beta);
        flipped
    };
    let (mut flipped, mut clusters) = (0usize, 0usize);
    for _ in 0..data.equilibration {
        flipped += wolff_sweep(&mut chain, moves);
        clusters += moves;
    }
    if clusters > 0 {
        let mean_cluster = flipped as f64 / clusters as f64;
        moves = ((n as f64 / mean_cluster).round() as usize).clamp(1, n);
    }
    let mut spins = Vec::with_capacity(data.rows * n);
    let mut magnetisation = Vec::with_capacity(data.rows);
    for _ in 0..data.rows {
        for _ in 0..data.spacing {
            wolff_sweep(&mut chain, moves);
        }
        spins.extend_from_slice(&chain.spins);
        let m = chain.spins.iter().map(|&s| f64::from(s)).sum::<f64>() / n as f64;
        magnetisation.push(m.abs());
    }
    let tau = quench_stats::estimate_from_series(&magnetisation).tau_int;
    Ok((spins, tau))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The configurations are Boltzmann-distributed: their mean energy per
    /// spin equals Kaufman's exact value for the finite lattice within 4.5
    /// standard errors (from a binning analysis of the series). Guards the
    /// fixed number of cluster moves per sweep: stopping the moves once N
    /// spins have flipped biased the energy by 15 standard errors at T = 2.6.
    #[test]
    fn ising_configurations_have_kaufmans_exact_energy() {
        let data = IsingData {
            length: 8,
            rows: 4000,
            spacing: 1,
            equilibration: 100,
        };
        let lattice = quench_exact::kaufman::KaufmanIsing::new(8, 8).unwrap();
        for (index, temperature) in [1.8, 2.269, 2.6, 3.5].into_iter().enumerate() {
            let (spins, tau) = ising_configurations(&data, temperature, index, 99).unwrap();
            assert!(tau.is_finite() && tau < 5.0, "tau_int {tau}");
            let energies: Vec<f64> = spins
                .chunks_exact(64)
                .map(|c| {
                    let bits: Vec<f64> = c.iter().map(|&s| f64::from((s + 1) / 2)).collect();
                    ising_energy(&bits, 8)
                })
                .collect();
            let estimate = quench_stats::estimate_from_series(&energies);
            let exact = lattice.energy_per_spin(1.0 / temperature).unwrap();
            assert!(
                (estimate.mean - exact).abs() < 4.5 * estimate.error,
                "T = {temperature}: {} ± {} against Kaufman's {exact}",
                estimate.mean,
                estimate.error
            );
        }
    }
}
