//! The teacher–student perceptron (a generalised linear model with a sign
//! output channel): Bayes-optimal approximate message passing on finite
//! samples and its state evolution, which predicts the overlap with the
//! teacher and the generalisation error as functions of $\alpha = M/N$.

pub mod amp;
mod channel;
