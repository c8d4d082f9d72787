//! Reproducible random-number streams.
//!
//! Every random number in quench comes from a stream derived from
//! `(master seed, purpose, sample index, chain index)` by a hash. A stream does
//! not depend on how many threads run, in which order samples are visited, or
//! how a run is split across processes: sample 17 of seed 42 draws the same
//! couplings on a laptop and on a cluster.
//!
//! The generator is Xoshiro256++ (Blackman and Vigna), fast, with a 256-bit
//! state that serialises for checkpoints.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used for every stream in quench.
pub type StreamRng = Xoshiro256PlusPlus;

/// What a stream is used for. Distinct purposes give independent streams for
/// the same sample and chain indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// Quenched disorder: couplings, graphs, patterns.
    Disorder,
    /// Initial spin configurations.
    InitialState,
    /// Moves of a Markov chain.
    Dynamics,
    /// Replica-exchange decisions of parallel tempering.
    Exchange,
    /// Any other use, named by the caller (hashed).
    Named(&'static str),
}

impl Purpose {
    fn code(self) -> u64 {
        match self {
            Purpose::Disorder => 0x6469_736f_7264_6572,
            Purpose::InitialState => 0x696e_6974_6961_6c73,
            Purpose::Dynamics => 0x6479_6e61_6d69_6373,
            Purpose::Exchange => 0x6578_6368_616e_6765,
            Purpose::Named(name) => fnv1a(name.as_bytes()),
        }
    }
}

/// Identifies one stream: the same key always yields the same numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamKey {
    /// The run's master seed.
    pub master_seed: u64,
    /// What the stream is for.
    pub purpose: Purpose,
    /// Disorder-sample index.
    pub sample: u64,
    /// Chain (replica, temperature slot, restart) index within the sample.
    pub chain: u64,
}

impl StreamKey {
    /// A key for `purpose`, `sample` and `chain` under `master_seed`.
    pub fn new(master_seed: u64, purpose: Purpose, sample: u64, chain: u64) -> Self {
        Self {
            master_seed,
            purpose,
            sample,
            chain,
        }
    }

    /// The generator for this key.
    pub fn rng(self) -> StreamRng {
        let mut h = splitmix64(self.master_seed ^ 0x9e37_79b9_7f4a_7c15);
        h = splitmix64(h ^ self.purpose.code());
        h = splitmix64(h ^ self.sample.wrapping_mul(0xd6e8_feb8_6659_fd93));
        h = splitmix64(h ^ self.chain.wrapping_mul(0xa076_1d64_78bd_642f));
        let mut seed = [0u8; 32];
        let mut state = h;
        for chunk in seed.chunks_exact_mut(8) {
            state = splitmix64(state);
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        Xoshiro256PlusPlus::from_seed(seed)
    }
}

/// Shorthand for `StreamKey::new(..).rng()`.
pub fn stream(master_seed: u64, purpose: Purpose, sample: u64, chain: u64) -> StreamRng {
    StreamKey::new(master_seed, purpose, sample, chain).rng()
}

/// SplitMix64 finaliser (Steele, Lea and Flood 2014): a bijective 64-bit mix.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn same_key_same_stream_different_keys_differ() {
        let a: Vec<u64> = {
            let mut r = stream(7, Purpose::Dynamics, 3, 1);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = stream(7, Purpose::Dynamics, 3, 1);
            (0..4).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        for other in [
            stream(8, Purpose::Dynamics, 3, 1),
            stream(7, Purpose::Disorder, 3, 1),
            stream(7, Purpose::Dynamics, 4, 1),
            stream(7, Purpose::Dynamics, 3, 2),
            stream(7, Purpose::Named("x"), 3, 1),
        ] {
            let mut other = other;
            assert_ne!(a[0], other.next_u64());
        }
    }

    #[test]
    fn stream_values_are_stable_across_releases() {
        // Pinned: changing the derivation silently changes every published result.
        assert_eq!(
            stream(42, Purpose::Disorder, 0, 0).next_u64(),
            0x3db4_7dac_dec7_5462
        );
        assert_eq!(splitmix64(0), 0xe220_a839_7b1d_cdaf);
    }
}
