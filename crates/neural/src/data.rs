//! Labelled images in one flat buffer.

use candle_core::{Device, Tensor};
use rand::seq::SliceRandom;

use quench_core::StreamRng;

use crate::error::NeuralError;

/// Images of shape $C \times H \times W$ (row-major, `f32`) with labels in $\\{0, 1\\}$.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageSet {
    channels: usize,
    height: usize,
    width: usize,
    inputs: Vec<f32>,
    labels: Vec<f32>,
}

impl ImageSet {
    /// An empty set of $C \times H \times W$ images.
    pub fn new(channels: usize, height: usize, width: usize) -> Self {
        Self {
            channels,
            height,
            width,
            inputs: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// `(C, H, W)`.
    pub fn shape(&self) -> (usize, usize, usize) {
        (self.channels, self.height, self.width)
    }

    /// Values per image, $CHW$.
    pub fn image_size(&self) -> usize {
        self.channels * self.height * self.width
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The labels.
    pub fn labels(&self) -> &[f32] {
        &self.labels
    }

    /// Image `index`.
    pub fn image(&self, index: usize) -> &[f32] {
        let size = self.image_size();
        &self.inputs[index * size..(index + 1) * size]
    }

    /// Appends an image with its label (0 or 1; any value for unlabelled test data).
    pub fn push(&mut self, image: &[f32], label: f32) -> Result<(), NeuralError> {
        if image.len() != self.image_size() {
            return Err(NeuralError::Data(format!(
                "an image has {} values, the set holds {} x {} x {} = {}",
                image.len(),
                self.channels,
                self.height,
                self.width,
                self.image_size()
            )));
        }
        self.inputs.extend_from_slice(image);
        self.labels.push(label);
        Ok(())
    }

    /// The images at `indices` as a `(B, C, H, W)` tensor and their labels as `(B,)`.
    pub fn batch(
        &self,
        indices: &[usize],
        device: &Device,
    ) -> Result<(Tensor, Tensor), NeuralError> {
        let size = self.image_size();
        let mut inputs = Vec::with_capacity(indices.len() * size);
        let mut labels = Vec::with_capacity(indices.len());
        for &index in indices {
            inputs.extend_from_slice(self.image(index));
            labels.push(self.labels[index]);
        }
        let inputs = Tensor::from_vec(
            inputs,
            (indices.len(), self.channels, self.height, self.width),
            device,
        )?;
        let labels = Tensor::from_vec(labels, indices.len(), device)?;
        Ok((inputs, labels))
    }

    /// A copy with the labels permuted by `rng`: the control that a pipeline
    /// cannot learn what is not in the images.
    pub fn with_shuffled_labels(&self, rng: &mut StreamRng) -> Self {
        let mut copy = self.clone();
        copy.labels.shuffle(rng);
        copy
    }

    /// Splits into (training, validation): a fraction `validation` of the
    /// images, chosen by a permutation drawn from `rng`, go to the second.
    pub fn split(&self, validation: f64, rng: &mut StreamRng) -> (Self, Self) {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.shuffle(rng);
        let held = ((self.len() as f64 * validation).round() as usize).min(self.len());
        let mut first = Self::new(self.channels, self.height, self.width);
        let mut second = first.clone();
        for (rank, &index) in order.iter().enumerate() {
            let target = if rank < held { &mut second } else { &mut first };
            target.inputs.extend_from_slice(self.image(index));
            target.labels.push(self.labels[index]);
        }
        (first, second)
    }
}
