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
