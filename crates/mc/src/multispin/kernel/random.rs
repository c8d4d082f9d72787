//! The kernels' random numbers: the block generator ([`BlockRng`]), its
//! structure-of-arrays form ([`Rngs`]), the shared policy's digit stream
//! ([`Digits`]) and per-row uniforms ([`Uniforms`]), and the thresholds they
//! are compared with ([`Levels`]).

use serde::{Deserialize, Serialize};

use super::word::Word;
use super::{DIGITS_PER_WORD, MAX_LEVELS};

/// The top 16 bits of a `u64`.
const HIGH16: u64 = 0xFFFF << 48;

/// Xoshiro256++ (Blackman and Vigna) of one 64-lane block, written out so that
/// the kernels can step 4 or 8 of them in vector registers. It is seeded from
/// a quench [`quench_core::StreamKey`] (see [`BlockRng::from_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRng {
    /// The 256-bit state.
    pub state: [u64; 4],
}

impl BlockRng {
    /// The generator whose state is the first four outputs of the stream `key`.
    pub fn from_key(key: quench_core::StreamKey) -> Self {
        use rand::Rng;
        let mut stream = key.rng();
        let mut state = [0u64; 4];
        for word in &mut state {
            *word = stream.next_u64();
        }
        if state == [0; 4] {
            state[0] = 1;
        }
        Self { state }
    }

    /// The next 64 uniform bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }
}

/// The uniform of one site update under the shared policy
/// ([`RandomPolicy::SharedPerSite`](crate::RandomPolicy::SharedPerSite)), as the
/// kernels and the reference draw it for one block.
///
/// `digits` is the block's current generator output with the digits of the
/// earlier sites of its group shifted out (`digits >> 48` is this site's
/// digit $\delta$), `thresholds` the uphill levels' thresholds. The uniform
/// is $r = \delta\\,2^{48} + \rho$: when $\delta$ equals the top digit of some
/// threshold, $\rho$ is the top 48 bits of one more output of `rng` (the
/// comparison $r < t_m$ is then decided by them); otherwise no more bits are
/// needed and $\rho = 0$. Either way $\[r < t_m\]$ is the comparison of a
/// uniform 64-bit integer with $t_m$.
pub fn shared_uniform(digits: u64, thresholds: &[u64], rng: &mut BlockRng) -> u64 {
    let high = digits & HIGH16;
    if thresholds.iter().any(|&t| t & HIGH16 == high) {
        high | (rng.next_u64() >> 16)
    } else {
        high
    }
}

/// `S::BLOCKS` block generators in structure-of-arrays form.
pub(super) struct Rngs<S: Word>([S; 4]);

impl<S: Word> Rngs<S> {
    #[inline(always)]
    pub(super) fn load(rngs: &[BlockRng]) -> Self {
        let mut state = [S::splat(0); 4];
        for (k, word) in state.iter_mut().enumerate() {
            *word = S::from_fn(|l| rngs[l].state[k]);
        }
        Rngs(state)
    }
    #[inline(always)]
    pub(super) fn store(&self, rngs: &mut [BlockRng]) {
        for (l, rng) in rngs.iter_mut().enumerate().take(S::BLOCKS) {
            rng.state = std::array::from_fn(|k| self.0[k].lane(l));
        }
    }
    #[inline(always)]
    pub(super) fn step(s: [S; 4]) -> (S, [S; 4]) {
        let [mut s0, mut s1, mut s2, mut s3] = s;
        let result = s0.add(s3).rotl23().add(s0);
        let t = s1.shl17();
        s2 = s2 ^ s0;
        s3 = s3 ^ s1;
        s1 = s1 ^ s2;
        s0 = s0 ^ s3;
        s2 = s2 ^ t;
        s3 = s3.rotl45();
        (result, [s0, s1, s2, s3])
    }
    #[inline(always)]
    pub(super) fn next(&mut self) -> S {
        let (result, state) = Self::step(self.0);
        self.0 = state;
        result
    }
    /// Advances only the blocks where `active` is all ones.
    #[inline(always)]
    pub(super) fn next_masked(&mut self, active: S) -> S {
        let (result, state) = Self::step(self.0);
        for (old, new) in self.0.iter_mut().zip(state) {
            *old = S::select(active, new, *old);
        }
        result
    }
}

/// The thresholds of the uphill levels of one sweep.
#[derive(Clone, Copy)]
pub(super) struct Levels {
    /// $t_m$ for the uphill levels (then zero).
    pub(super) thresholds: [u64; MAX_LEVELS],
    /// The top 16 bits of each $t_m$.
    pub(super) digits: [u16; MAX_LEVELS],
    /// `bits[k][m]`: all ones if bit $k$ of $t_m$ is set, else zero (the
    /// independent policy's comparisons, one broadcast each).
    pub(super) bits: [[u64; MAX_LEVELS]; 64],
}

impl Levels {
    pub(super) fn new(thresholds: &[u64; MAX_LEVELS], count: usize) -> Self {
        let mut levels = Levels {
            thresholds: [0; MAX_LEVELS],
            digits: [0; MAX_LEVELS],
            bits: [[0; MAX_LEVELS]; 64],
        };
        for m in 0..count {
            levels.thresholds[m] = thresholds[m];
            levels.digits[m] = (thresholds[m] >> 48) as u16;
            for (k, bits) in levels.bits.iter_mut().enumerate() {
                bits[m] = 0u64.wrapping_sub((thresholds[m] >> k) & 1);
            }
        }
        levels
    }
}

/// The shared policy's digit stream of `S::BLOCKS` blocks: one generator
/// output per four sites, top digit first (see [`shared_uniform`]).
#[derive(Clone, Copy)]
pub(super) struct Digits<S: Word> {
    word: S,
    left: u32,
    /// Some digit of the current word ties with a threshold's top digit.
    tie: bool,
}

impl<S: Word> Digits<S> {
    #[inline(always)]
    pub(super) fn new() -> Self {
        Self {
            word: S::splat(0),
            left: 0,
            tie: false,
        }
    }

    /// The four digits of the generator output `word`, noting whether one
    /// ties with the top digit of one of the first `count` thresholds.
    #[inline(always)]
    fn of_word(word: S, levels: &Levels, count: usize) -> Self {
        let mut tie = false;
        for m in 0..count {
            tie |= word.any_digit(levels.digits[m]);
        }
        Self {
            word,
            left: DIGITS_PER_WORD as u32,
            tie,
        }
    }

    /// The uniforms of the next `sites` sites, handed to `put(k, r)` in
    /// order, as many calls of [`Digits::next`] would give them. The digit
    /// stream and the generators are copied into locals for the loop, so
    /// that they stay in registers, and written back after it.
    #[inline(always)]
    pub(super) fn fill(
        &mut self,
        rng: &mut Rngs<S>,
        levels: &Levels,
        count: usize,
        sites: usize,
        mut put: impl FnMut(usize, S),
    ) {
        let mut digits = *self;
        let mut generators = Rngs(rng.0);
        let mut k = 0;
        // The rest of the current word.
        while k < sites && digits.left > 0 {
            put(k, digits.next(&mut generators, levels, count));
            k += 1;
        }
        // Whole words, four sites each, for one block (vector words spend
        // little on the bookkeeping, and unrolling it for every vector
        // instantiation costs minutes of compile time): without a tie (all
        // but a fraction 2^-14 of the words) the uniforms are the word
        // shifted by 0, 16, 32 and 48 bits, what `next` gives.
        while S::BLOCKS == 1 && sites - k >= DIGITS_PER_WORD {
            let word = Self::of_word(generators.next(), levels, count);
            if word.tie {
                digits = word;
                for j in 0..DIGITS_PER_WORD {
                    put(k + j, digits.next(&mut generators, levels, count));
                }
            } else {
                let mut r = word.word;
                for j in 0..DIGITS_PER_WORD {
                    put(k + j, r);
                    r = r.shl16();
                }
            }
            k += DIGITS_PER_WORD;
        }
        while k < sites {
            put(k, digits.next(&mut generators, levels, count));
            k += 1;
        }
        *self = digits;
        *rng = generators;
    }

    /// This site's uniforms $r$ (one per block), for the first `count`
    /// levels (a constant once inlined).
    #[inline(always)]
    pub(super) fn next(&mut self, rng: &mut Rngs<S>, levels: &Levels, count: usize) -> S {
        if self.left == 0 {
            *self = Self::of_word(rng.next(), levels, count);
        }
        self.left -= 1;
        // The whole remaining word: unless the digit ties with a threshold's
        // top digit, `word < t` is decided by the digit alone.
        let mut r = self.word;
        self.word = self.word.shl16();
        if self.tie {
            // Rare (probability below 2^-14 per word): refine the blocks
            // whose digit equals a threshold's top digit.
            let high = r & S::splat(HIGH16);
            let mut refine = S::splat(0);
            for m in 0..count {
                refine = refine | high.equal(levels.thresholds[m] & HIGH16);
            }
            if refine.any() {
                let more = rng.next_masked(refine);
                r = S::select(refine, high | more.shr16(), r);
            }
        }
        r
    }
}

/// Sites whose uniforms the shared policy generates at a time.
const BATCH: usize = 32;

/// The shared policy's uniforms of the next sites, generated [`BATCH`] at a
/// time by [`Digits::next`] (so that the generator's state stays out of the
/// site loop), never beyond the end of the sweep: the generators end the
/// sweep in the state a site-by-site draw leaves them.
pub(super) struct Uniforms<S: Word> {
    digits: Digits<S>,
    buffer: [S; BATCH],
    next: usize,
    /// Sites of the sweep not yet given a uniform in `buffer`.
    remaining: usize,
}

impl<S: Word> Uniforms<S> {
    #[inline(always)]
    pub(super) fn new(sites: usize) -> Self {
        Self {
            digits: Digits::new(),
            buffer: [S::splat(0); BATCH],
            next: BATCH,
            remaining: sites,
        }
    }

    /// The next site's uniforms.
    #[inline(always)]
    pub(super) fn take(&mut self, rng: &mut Rngs<S>, levels: &Levels, count: usize) -> S {
        if self.next == BATCH {
            let sites = self.remaining.min(BATCH);
            self.remaining -= sites;
            // Filled from the end, so that the last read slot is BATCH - 1.
            let buffer = &mut self.buffer[BATCH - sites..];
            self.digits
                .fill(rng, levels, count, sites, |k, r| buffer[k] = r);
            self.next = BATCH - sites;
        }
        let r = self.buffer[self.next];
        self.next += 1;
        r
    }

    /// The next `sites` sites' uniforms, handed to `put(k, r)` in order, as
    /// many calls of [`Uniforms::take`] would give them.
    #[inline(always)]
    pub(super) fn take_many(
        &mut self,
        rng: &mut Rngs<S>,
        levels: &Levels,
        count: usize,
        sites: usize,
        mut put: impl FnMut(usize, S),
    ) {
        let buffered = (BATCH - self.next).min(sites);
        for k in 0..buffered {
            put(k, self.buffer[self.next + k]);
        }
        self.next += buffered;
        let rest = sites - buffered;
        assert!(rest <= self.remaining, "uniforms beyond the sweep");
        self.remaining -= rest;
        self.digits
            .fill(rng, levels, count, rest, |k, r| put(buffered + k, r));
    }
}
