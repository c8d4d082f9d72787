//! The three architectures and their forward pass.
//!
//! * [`Architecture::FullyConnected`]: the image flattened, `layers` hidden
//!   layers of `width` ReLU units, one output logit.
//! * [`Architecture::Convolutional`]: `layers` 3×3 convolutions with periodic
//!   padding (the lattices are tori) and ReLU, each but the last followed by
//!   2×2 average pooling while both sides are even and at least 4; then the
//!   average over positions of each channel and a linear read-out.
//! * [`Architecture::Residual`]: a 3×3 convolution to `channels` channels
//!   followed by the same pooling (a block-spin coarse-graining, in the place
//!   of ResNet's strided stem; it makes the blocks four times cheaper), then
//!   `blocks` residual blocks $x \mapsto \mathrm{ReLU}(x + W_2 * \mathrm{ReLU}(W_1 * x))$
//!   with the same pooling between blocks, global average and read-out.
//!   Without batch normalisation, the second convolution of each block starts
//!   scaled by $B^{-1/2}$ ($B$ blocks), as in Fixup (Zhang, Dauphin and Ma,
//!   ICLR 2019), so that the untrained network's output variance does not grow
//!   with depth.
//!
//! Weights start from He initialisation, $\mathcal N(0, 2/\text{fan-in})$
//! (the read-out $\mathcal N(0, 1/\text{fan-in})$), drawn from a quench stream;
//! biases start at zero.

use candle_core::{Device, Tensor, Var};
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use quench_core::{ParameterError, StreamRng};

use crate::error::NeuralError;

/// Most parameters a network may have (refused before allocation).
pub const MAX_PARAMETERS: usize = 1 << 26;

/// A network architecture (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Architecture {
    /// Dense layers.
    FullyConnected {
        /// Units per hidden layer.
        width: usize,
        /// Hidden layers.
        layers: usize,
    },
    /// Convolutions, pooling, global average.
    Convolutional {
        /// Channels of every convolution.
        channels: usize,
        /// Convolutions.
        layers: usize,
    },
    /// Residual blocks.
    Residual {
        /// Channels of every convolution.
        channels: usize,
        /// Residual blocks (two convolutions each).
        blocks: usize,
    },
}

impl Architecture {
    /// The short name used in tables: `fcnn`, `cnn`, `resnet-<2B+2>` (the
    /// number of weight layers, as in ResNet-10, ResNet-18).
    pub fn name(&self) -> String {
        match self {
            Architecture::FullyConnected { .. } => "fcnn".into(),
            Architecture::Convolutional { .. } => "cnn".into(),
            Architecture::Residual { blocks, .. } => format!("resnet-{}", 2 * blocks + 2),
        }
    }

    /// Checks the sizes, naming the one out of range.
    pub fn validate(&self) -> Result<(), ParameterError> {
        let check = |name: &'static str, value: usize, max: usize| {
            if (1..=max).contains(&value) {
                Ok(())
            } else {
                Err(ParameterError::new(
                    name,
                    value,
                    format!("an integer 1 <= {name} <= {max}"),
                ))
            }
        };
        match *self {
            Architecture::FullyConnected { width, layers } => {
                check("width", width, 4096)?;
                check("layers", layers, 8)
            }
            Architecture::Convolutional { channels, layers } => {
                check("channels", channels, 256)?;
                check("layers", layers, 8)
            }
            Architecture::Residual { channels, blocks } => {
                check("channels", channels, 256)?;
                check("blocks", blocks, 8)
            }
        }
    }

    /// The number of trainable parameters for inputs of shape `(C, H, W)`.
    pub fn parameters(&self, (channels, height, width): (usize, usize, usize)) -> usize {
        let conv = |i: usize, o: usize| o * i * 9 + o;
        let dense = |i: usize, o: usize| i * o + o;
        match *self {
            Architecture::FullyConnected { width: w, layers } => {
                let input = channels.saturating_mul(height).saturating_mul(width);
                dense(input, w).saturating_add((layers - 1) * dense(w, w)) + dense(w, 1)
            }
            Architecture::Convolutional {
                channels: c,
                layers,
            } => conv(channels, c) + (layers - 1) * conv(c, c) + dense(c, 1),
            Architecture::Residual {
                channels: c,
                blocks,
            } => conv(channels, c) + 2 * blocks * conv(c, c) + dense(c, 1),
        }
    }
}

#[derive(Debug, Clone)]
struct Dense {
    weight: Var,
    bias: Var,
}

#[derive(Debug, Clone)]
struct Convolution {
    weight: Var,
    bias: Var,
}

#[derive(Debug, Clone)]
enum Layers {
    FullyConnected {
        hidden: Vec<Dense>,
        output: Dense,
    },
    Convolutional {
        convolutions: Vec<Convolution>,
        output: Dense,
    },
    Residual {
        stem: Convolution,
        blocks: Vec<(Convolution, Convolution)>,
        output: Dense,
    },
}

/// A network: its architecture, input shape and trainable tensors.
#[derive(Debug, Clone)]
pub struct Network {
    architecture: Architecture,
    input: (usize, usize, usize),
    layers: Layers,
    device: Device,
}

fn gaussian(count: usize, deviation: f64, rng: &mut StreamRng) -> Vec<f32> {
    (0..count)
        .map(|_| {
            let z: f64 = StandardNormal.sample(rng);
            (z * deviation) as f32
        })
        .collect()
}

fn variable(values: Vec<f32>, shape: &[usize], device: &Device) -> Result<Var, NeuralError> {
    Ok(Var::from_tensor(&Tensor::from_vec(values, shape, device)?)?)
}

fn dense(
    inputs: usize,
    outputs: usize,
    gain: f64,
    rng: &mut StreamRng,
    device: &Device,
) -> Result<Dense, NeuralError> {
    let deviation = (gain / inputs as f64).sqrt();
    Ok(Dense {
        weight: variable(
            gaussian(inputs * outputs, deviation, rng),
            &[inputs, outputs],
            device,
        )?,
        bias: variable(vec![0.0; outputs], &[outputs], device)?,
    })
}

fn convolution(
    inputs: usize,
    outputs: usize,
    scale: f64,
    rng: &mut StreamRng,
    device: &Device,
) -> Result<Convolution, NeuralError> {
    let deviation = scale * (2.0 / (9 * inputs) as f64).sqrt();
    Ok(Convolution {
        weight: variable(
            gaussian(outputs * inputs * 9, deviation, rng),
            &[outputs, inputs, 3, 3],
            device,
        )?,
        bias: variable(vec![0.0; outputs], &[outputs], device)?,
    })
}

impl Dense {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        x.matmul(self.weight.as_tensor())?
            .broadcast_add(self.bias.as_tensor())
    }
}

/// Pads `(B, C, H, W)` by one site on every side, periodically.
fn periodic_pad(x: &Tensor) -> candle_core::Result<Tensor> {
    let width = x.dim(3)?;
    let x = Tensor::cat(&[&x.narrow(3, width - 1, 1)?, x, &x.narrow(3, 0, 1)?], 3)?;
    let height = x.dim(2)?;
    Tensor::cat(&[&x.narrow(2, height - 1, 1)?, &x, &x.narrow(2, 0, 1)?], 2)
}

impl Convolution {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let channels = self.bias.dim(0)?;
        periodic_pad(x)?
            .conv2d(self.weight.as_tensor(), 0, 1, 1, 1)?
            .broadcast_add(&self.bias.as_tensor().reshape((1, channels, 1, 1))?)
    }
}

/// 2×2 average pooling when both sides are even and at least 4.
fn pool(x: Tensor) -> candle_core::Result<Tensor> {
    let (height, width) = (x.dim(2)?, x.dim(3)?);
    if height >= 4 && width >= 4 && height % 2 == 0 && width % 2 == 0 {
        x.avg_pool2d(2)
    } else {
        Ok(x)
    }
}

impl Network {
    /// A freshly initialised network for inputs of shape `(C, H, W)`, its
    /// weights drawn from `rng` (module docs).
    pub fn new(
        architecture: Architecture,
        input: (usize, usize, usize),
        rng: &mut StreamRng,
        device: &Device,
    ) -> Result<Self, NeuralError> {
        architecture.validate()?;
        let (channels, height, width) = input;
        if channels == 0 || height < 2 || width < 2 {
            return Err(NeuralError::Data(format!(
                "input images must have C >= 1 channels and sides >= 2, got {channels} x {height} x {width}"
            )));
        }
        let parameters = architecture.parameters(input);
        if parameters > MAX_PARAMETERS {
            return Err(ParameterError::new(
                "width",
                parameters,
                format!(
                    "a network with at most {MAX_PARAMETERS} parameters ({} on {channels} x {height} x {width} inputs)",
                    architecture.name()
                ),
            )
            .into());
        }
        let layers = match architecture {
            Architecture::FullyConnected { width: w, layers } => {
                let mut hidden = Vec::with_capacity(layers);
                let mut inputs = channels * height * width;
                for _ in 0..layers {
                    hidden.push(dense(inputs, w, 2.0, rng, device)?);
                    inputs = w;
                }
                Layers::FullyConnected {
                    hidden,
                    output: dense(w, 1, 1.0, rng, device)?,
                }
            }
            Architecture::Convolutional {
                channels: c,
                layers,
            } => {
                let mut convolutions = Vec::with_capacity(layers);
                let mut inputs = channels;
                for _ in 0..layers {
                    convolutions.push(convolution(inputs, c, 1.0, rng, device)?);
                    inputs = c;
                }
                Layers::Convolutional {
                    convolutions,
                    output: dense(c, 1, 1.0, rng, device)?,
                }
            }
            Architecture::Residual {
                channels: c,
                blocks,
            } => {
                let stem = convolution(channels, c, 1.0, rng, device)?;
                let fixup = 1.0 / (blocks as f64).sqrt();
                let mut pairs = Vec::with_capacity(blocks);
                for _ in 0..blocks {
                    let first = convolution(c, c, 1.0, rng, device)?;
                    let second = convolution(c, c, fixup, rng, device)?;
                    pairs.push((first, second));
                }
                Layers::Residual {
                    stem,
                    blocks: pairs,
                    output: dense(c, 1, 1.0, rng, device)?,
                }
            }
        };
        Ok(Self {
            architecture,
            input,
            layers,
            device: device.clone(),
        })
    }

    /// The architecture.
    pub fn architecture(&self) -> Architecture {
        self.architecture
    }

    /// The input shape `(C, H, W)`.
    pub fn input_shape(&self) -> (usize, usize, usize) {
        self.input
    }

    /// The device the tensors live on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The trainable tensors, in a fixed order.
    pub fn variables(&self) -> Vec<&Var> {
        let mut out = Vec::new();
        match &self.layers {
            Layers::FullyConnected { hidden, output } => {
                for layer in hidden.iter().chain(std::iter::once(output)) {
                    out.push(&layer.weight);
                    out.push(&layer.bias);
                }
            }
            Layers::Convolutional {
                convolutions,
                output,
            } => {
                for layer in convolutions {
                    out.push(&layer.weight);
                    out.push(&layer.bias);
                }
                out.push(&output.weight);
                out.push(&output.bias);
            }
            Layers::Residual {
                stem,
                blocks,
                output,
            } => {
                out.push(&stem.weight);
                out.push(&stem.bias);
                for (first, second) in blocks {
                    for layer in [first, second] {
                        out.push(&layer.weight);
                        out.push(&layer.bias);
                    }
                }
                out.push(&output.weight);
                out.push(&output.bias);
            }
        }
        out
    }

    /// The logits $z(x)$ of a `(B, C, H, W)` batch, shape `(B,)`.
    pub fn logits(&self, x: &Tensor) -> Result<Tensor, NeuralError> {
        let out = match &self.layers {
            Layers::FullyConnected { hidden, output } => {
                let mut h = x.flatten_from(1)?;
                for layer in hidden {
                    h = layer.forward(&h)?.relu()?;
                }
                output.forward(&h)?
            }
            Layers::Convolutional {
                convolutions,
                output,
            } => {
                let mut h = x.clone();
                for (k, layer) in convolutions.iter().enumerate() {
                    h = layer.forward(&h)?.relu()?;
                    if k + 1 < convolutions.len() {
                        h = pool(h)?;
                    }
                }
                output.forward(&h.mean((2, 3))?)?
            }
            Layers::Residual {
                stem,
                blocks,
                output,
            } => {
                let mut h = pool(stem.forward(x)?.relu()?)?;
                for (k, (first, second)) in blocks.iter().enumerate() {
                    let inner = first.forward(&h)?.relu()?;
                    h = (h + second.forward(&inner)?)?.relu()?;
                    if k + 1 < blocks.len() {
                        h = pool(h)?;
                    }
                }
                output.forward(&h.mean((2, 3))?)?
            }
        };
        Ok(out.squeeze(1)?)
    }

    /// The outputs $f(x) = \sigma(z(x))$ of every image of `set`, evaluated in
    /// batches of `batch_size`.
    pub fn outputs(
        &self,
        set: &crate::ImageSet,
        batch_size: usize,
    ) -> Result<Vec<f32>, NeuralError> {
        if set.shape() != self.input {
            return Err(NeuralError::Data(format!(
                "the network reads {:?} images, the set holds {:?}",
                self.input,
                set.shape()
            )));
        }
        let mut out = Vec::with_capacity(set.len());
        let indices: Vec<usize> = (0..set.len()).collect();
        for chunk in indices.chunks(batch_size.max(1)) {
            let (x, _) = set.batch(chunk, &self.device)?;
            let z = self.logits(&x)?.to_vec1::<f32>()?;
            out.extend(z.into_iter().map(|z| 1.0 / (1.0 + (-z).exp())));
        }
        Ok(out)
    }

    /// The weights as flat vectors, in [`Network::variables`] order.
    pub fn weights(&self) -> Result<Vec<Vec<f32>>, NeuralError> {
        self.variables()
            .into_iter()
            .map(|v| Ok(v.as_tensor().flatten_all()?.to_vec1::<f32>()?))
            .collect()
    }

    /// Sets the weights from flat vectors (as [`Network::weights`] gives them).
    pub fn set_weights(&self, weights: &[Vec<f32>]) -> Result<(), NeuralError> {
        let variables = self.variables();
        if variables.len() != weights.len() {
            return Err(NeuralError::State(format!(
                "{} weight tensors for a network with {}",
                weights.len(),
                variables.len()
            )));
        }
        for (variable, values) in variables.into_iter().zip(weights) {
            if variable.elem_count() != values.len() {
                return Err(NeuralError::State(format!(
                    "a tensor of {} values for one of {}",
                    values.len(),
                    variable.elem_count()
                )));
            }
            let tensor = Tensor::from_vec(values.clone(), variable.shape(), &self.device)?;
            variable.set(&tensor)?;
        }
        Ok(())
    }
}
