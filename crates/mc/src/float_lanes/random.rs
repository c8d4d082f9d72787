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

    /// The next output of lane `lane` (the portable step of one lane).
    #[inline]
    pub fn next_lane(state: &mut [u32], lane: usize) -> u32 {
        let s = |w: usize| w * LANES + lane;
        let result = state[s(0)]
            .wrapping_add(state[s(3)])
            .rotate_left(7)
            .wrapping_add(state[s(0)]);
        let t = state[s(1)] << 9;
        state[s(2)] ^= state[s(0)];
        state[s(3)] ^= state[s(1)];
        state[s(1)] ^= state[s(2)];
        state[s(0)] ^= state[s(3)];
        state[s(2)] ^= t;
        state[s(3)] = state[s(3)].rotate_left(11);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published reference: xoshiro128++ seeded with state (1, 2, 3, 4)
    /// gives 641, 1573767, 3222811527, ... (the reference C code of
    /// Blackman and Vigna, prng.di.unimi.it, as printed by its test vector
    /// in the `rand_xoshiro` crate).
    #[test]
    fn the_generator_is_xoshiro128_plus_plus() {
        let mut state = vec![0u32; 4 * LANES];
        for (w, value) in [1u32, 2, 3, 4].into_iter().enumerate() {
            state[w * LANES + 5] = value;
        }
        let outputs: Vec<u32> = (0..3).map(|_| LaneRng::next_lane(&mut state, 5)).collect();
        assert_eq!(outputs, [641, 1_573_767, 3_222_811_527]);
    }
}
