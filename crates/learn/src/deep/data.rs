//! Training data of a deep network: the boundary conditions $S(0)$ and
//! $S(L)$, in the seed's two scenarios.
//!
//! * **Random** inputs and outputs: $M$ pairs of independent uniform
//!   $\pm1$ vectors, a random constraint satisfaction problem.
//! * **Teacher**: a network of the same architecture and wiring with
//!   weights drawn uniformly (a normalised Gaussian vector per perceptron,
//!   or $\pm1$) labels random inputs by its feed-forward output; each
//!   output bit is flipped with probability `noise` (so the clean and noisy
//!   outputs have overlap $r = 1 - 2\\,\mathrm{noise}$).
//!
//! Streams: inputs, outputs and noise from `(seed, Disorder, sample, 0)`,
//! the teacher's weights from `(seed, "deep-network teacher", sample, 0)`,
//! the wiring from `(seed, "deep-network wiring", sample, 0)` and fresh
//! test inputs from `(seed, "deep-network test", sample, 0)`.

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::architecture::{Architecture, Wiring, feed_forward};
use crate::error::{LearnError, at_least, in_closed_range};
use crate::perceptron::WeightKind;
use quench_core::rng::{Purpose, stream};

/// Where the outputs come from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scenario {
    /// Independent random outputs (random constraint satisfaction).
    Random,
    /// A teacher network's outputs, each bit flipped with probability `noise` $\in [0, 1/2]$.
    Teacher {
        /// Output-flip probability.
        noise: f64,
    },
}

/// The teacher of a teacher–student data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Teacher {
    /// Its weights ([`Architecture::weight_index`] layout).
    pub weights: Vec<f64>,
    /// Its feed-forward representation of the training inputs, layers $0..L$
    /// ($M \times N$ each; the last is the clean output).
    pub layers: Vec<Vec<f64>>,
}

/// One training set of a deep network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeepData {
    /// Number of patterns $M$.
    pub patterns: usize,
    /// The wiring shared by teacher and students.
    pub wiring: Wiring,
    /// $S(0)$, $M \times N$, entries $\pm1$.
    pub inputs: Vec<f64>,
    /// $S(L)$, $M \times N$, entries $\pm1$.
    pub outputs: Vec<f64>,
    /// The teacher, in the teacher scenario.
    pub teacher: Option<Teacher>,
}

fn random_spins<R: Rng + ?Sized>(count: usize, rng: &mut R) -> Vec<f64> {
    (0..count)
        .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
        .collect()
}

/// Weights of every perceptron drawn uniformly: $\pm1$, or a point of the
/// sphere $|J_{l,k}|^2 = c$ per perceptron.
pub fn draw_network_weights<R: Rng + ?Sized>(architecture: &Architecture, rng: &mut R) -> Vec<f64> {
    let c = architecture.connectivity;
    let mut weights = Vec::with_capacity(architecture.bonds());
    for _ in 0..architecture.perceptrons() {
        match architecture.weights {
            WeightKind::Binary => weights.extend(random_spins(c, rng)),
            WeightKind::Spherical => {
                let mut w: Vec<f64> = (0..c).map(|_| rng.sample(StandardNormal)).collect();
                let scale = (c as f64 / w.iter().map(|x| x * x).sum::<f64>()).sqrt();
                w.iter_mut().for_each(|x| *x *= scale);
                weights.extend(w);
            }
        }
    }
    weights
}

impl DeepData {
    /// Draws sample `sample` of the training sets of `architecture` with
    /// `patterns` patterns in `scenario` (streams in the module docs).
    pub fn draw(
        architecture: Architecture,
        patterns: usize,
        scenario: Scenario,
        seed: u64,
        sample: u64,
    ) -> Result<Self, LearnError> {
        architecture.validate()?;
        at_least("patterns", patterns, 1)?;
        let n = architecture.width;
        let wiring = Wiring::draw(
            architecture,
            &mut stream(seed, Purpose::Named("deep-network wiring"), sample, 0),
        )?;
        let mut rng = stream(seed, Purpose::Disorder, sample, 0);
        let inputs = random_spins(patterns * n, &mut rng);
        let (outputs, teacher) = match scenario {
            Scenario::Random => (random_spins(patterns * n, &mut rng), None),
            Scenario::Teacher { noise } => {
                in_closed_range("noise", noise, 0.0, 0.5)?;
                let weights = draw_network_weights(
                    &architecture,
                    &mut stream(seed, Purpose::Named("deep-network teacher"), sample, 0),
                );
                let layers = feed_forward(&wiring, &weights, &inputs);
                let mut outputs = layers[architecture.depth].clone();
                for s in &mut outputs {
                    if noise > 0.0 && rng.random::<f64>() < noise {
                        *s = -*s;
                    }
                }
                (outputs, Some(Teacher { weights, layers }))
            }
        };
        Ok(Self {
            patterns,
            wiring,
            inputs,
            outputs,
            teacher,
        })
    }

    /// The architecture of the networks trained on this set.
    pub fn architecture(&self) -> &Architecture {
        self.wiring.architecture()
    }

    /// Load $\alpha = M/c$ (patterns per weight of one perceptron).
    pub fn load(&self) -> f64 {
        self.patterns as f64 / self.architecture().connectivity as f64
    }

    /// `count` fresh test inputs ($\text{count} \times N$) from this sample's test stream.
    pub fn test_inputs(&self, count: usize, seed: u64, sample: u64) -> Vec<f64> {
        let n = self.architecture().width;
        random_spins(
            count * n,
            &mut stream(seed, Purpose::Named("deep-network test"), sample, 0),
        )
    }
}
