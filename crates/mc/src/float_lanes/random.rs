//! xoshiro128++ generators for 16 lanes side by side.

use quench_core::StreamKey;
use serde::{Deserialize, Serialize};

use super::LANES;

/// Sixteen xoshiro128++ generators (Blackman and Vigna), word $w$ of lane
/// $\ell$ at `state[w * 16 + l]`: each lane is the 32-bit generator of its
/// own stream, and the vector code steps all of them with the same
/// operations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaneRng {
    /// The four state words of every lane.
    pub state: Vec<u32>,
}

impl LaneRng {
    /// The generators of `keys[l]` for lanes $\ell < 16$ (the first four
    /// 32-bit outputs of each stream; an all-zero state, probability
    /// $2^{-128}$, is replaced by a fixed non-zero one).
    pub fn from_keys(keys: impl Fn(usize) -> StreamKey) -> Self {
        use rand::Rng;
        let mut state = vec![0u32; 4 * LANES];
        for lane in 0..LANES {
            let mut stream = keys(lane).rng();
            let mut words = [0u32; 4];
            for word in &mut words {
                *word = stream.next_u32();
            }
            if words == [0; 4] {
                words[0] = 1;
            }
            for (w, word) in words.into_iter().enumerate() {
                state[w * LANES + lane] = word;
            }
        }
        Self { state }
    }
}
