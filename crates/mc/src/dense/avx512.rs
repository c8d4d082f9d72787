//! The packed-sign group sweep with AVX-512 (F, BW, VPOPCNTDQ): eight
//! chains of a group decided at once, one per 64-bit lane, without a branch.

use super::group::GroupChain;
use super::storage::DenseFields;
use super::stream_words;

/// One 64-byte-aligned block of eight `u64` (the unit of the AVX-512
/// kernel's loads and stores).
#[derive(Clone, Copy, Default)]
#[repr(C, align(64))]
struct Block([u64; 8]);

/// Up to eight chains of a group that the AVX-512 packed kernel decides
/// together, one per 64-bit lane.
struct Batch {
    /// Index of the first chain in the group.
    first: usize,
    /// Chains in this batch (1 to 8).
    active: usize,
    /// The streams' states, word $k$ of lane $c$ in `state[k].0[c]`.
    state: [Block; 4],
    /// Lane $c$'s acceptance table ($N$ entries).
    table: [*const u64; 8],
    /// Change of the integer energy $U$ by lane.
    change: Block,
    /// Accepted flips by lane.
    accepted: Block,
    /// Site-major spin bits: bit $c$ of `own[i]` is 1 where chain $c$ has $s_i = -1$.
    own: Vec<u8>,
}

// SAFETY: `table` is the only field that is not `Send`: pointers into the
// acceptance tables of one call of `sweep_packed_group_avx512`, written for
// every lane that call uses before it reads them and never read after it
// returns, so a batch kept in a scratch may move to another thread.
unsafe impl Send for Batch {}

impl Batch {
    /// A batch without chains, its `own` bytes unallocated.
    fn empty() -> Self {
        Batch {
            first: 0,
            active: 0,
            state: [Block::default(); 4],
            table: [std::ptr::null(); 8],
            change: Block::default(),
            accepted: Block::default(),
            own: Vec::new(),
        }
    }
}

/// The buffers of [`sweep_packed_group_avx512`], kept between calls (in a
/// [`super::DenseScratch`]) and grown only when a group needs more: the
/// padded aligned spin blocks and the batches with their site-major bytes.
/// Every call overwrites (or zeroes) the part it uses before reading it, so
/// what a previous call left there never reaches the results.
#[derive(Default)]
pub(super) struct PackedScratch {
    /// Chain $c$'s spin bits in blocks `c * blocks..`, zero padded.
    spin_blocks: Vec<Block>,
    /// The batches of eight chains (their `own` bytes reused).
    batches: Vec<Batch>,
}

impl PackedScratch {
    /// Room for a group of `chains` chains of `words` spin words each, so
    /// that the call on such a group allocates nothing.
    pub(super) fn reserve(&mut self, chains: usize, words: usize) {
        let blocks = words.div_ceil(8);
        let count = chains.div_ceil(8);
        self.spin_blocks
            .reserve((chains * blocks).saturating_sub(self.spin_blocks.len()));
        if self.batches.len() < count {
            self.batches.resize_with(count, Batch::empty);
        }
        for batch in &mut self.batches[..count] {
            batch
                .own
                .reserve((64 * words).saturating_sub(batch.own.len()));
        }
    }

    /// Bytes held.
    pub(super) fn bytes(&self) -> usize {
        self.spin_blocks.capacity() * size_of::<Block>()
            + self.batches.capacity() * size_of::<Batch>()
            + self.batches.iter().map(|b| b.own.capacity()).sum::<usize>()
    }
}

/// The packed-sign group sweep with AVX-512, eight chains at a time (see
/// the [module docs](super)): for each site, every chain's population count
/// over the row by `vpopcntq`, the eight counts summed at once by a transpose, then
/// one branchless decision per eight chains (eight Xoshiro256++ steps in
/// one vector, kept only in the lanes with $x > 0$; the table entries by
/// scalar loads), and each flip applied as an XOR of the aligned 64-byte
/// block that holds the spin. The `i8` spins are written from the bits at
/// the end.
///
/// `BLOCKS` is the number of 512-bit blocks per row when it is a constant
/// (1 to 8; the row then stays in registers), 0 for any number.
///
/// Its buffers come from `scratch`, grown only when this group needs more.
///
/// # Safety
/// The CPU must support AVX-512F, AVX-512BW and VPOPCNTDQ; `group` must be
/// non-empty with packed fields of `words` words.
#[target_feature(enable = "avx512f,avx512bw,avx512vpopcntdq,avx2,fma,popcnt")]
pub(super) unsafe fn sweep_packed_group_avx512<const BLOCKS: usize>(
    bits: &[u64],
    words: usize,
    tables: &[Vec<u64>],
    group: &mut [GroupChain<'_>],
    scratch: &mut PackedScratch,
    sweeps: u64,
) {
    use std::arch::x86_64::*;
    let n = group[0].1.spins.len();
    assert!(n >= 1 && words == n.div_ceil(64) && bits.len() >= n * words);
    let chains = group.len();
    let (blocks, full, rem) = (words.div_ceil(8), words / 8, words % 8);
    assert!(BLOCKS == 0 || (BLOCKS == blocks && BLOCKS <= 8));
    let tail = ((1u16 << rem) - 1) as __mmask8;
    let PackedScratch {
        spin_blocks,
        batches,
    } = scratch;
    // Chain c's spin bits in blocks c * blocks.., zero padded.
    spin_blocks.clear();
    spin_blocks.resize(chains * blocks, Block::default());
    for (c, (_, chain, fields)) in group.iter().enumerate() {
        let DenseFields::Packed { spins, .. } = &**fields else {
            unreachable!("fields are built with the couplings' storage")
        };
        assert!(spins.len() == words && chain.spins.len() == n);
        for (w, &word) in spins.iter().enumerate() {
            spin_blocks[c * blocks + w / 8].0[w % 8] = word;
        }
    }
    let count = chains.div_ceil(8);
    if batches.len() < count {
        batches.resize_with(count, Batch::empty);
    }
    let batches = &mut batches[..count];
    for (batch, first) in batches.iter_mut().zip((0..chains).step_by(8)) {
        let active = (chains - first).min(8);
        let mut state = [Block::default(); 4];
        let mut table = [std::ptr::null(); 8];
        // Padded to whole words of 64 sites.
        let mut own = std::mem::take(&mut batch.own);
        own.clear();
        own.resize(64 * words, 0);
        for c in 0..active {
            let (slot, chain, _) = &group[first + c];
            let s = stream_words::state(&chain.rng);
            for (block, word) in state.iter_mut().zip(s) {
                block.0[c] = word;
            }
            assert!(tables[*slot].len() >= n);
            table[c] = tables[*slot].as_ptr();
            let chain_blocks = &spin_blocks[(first + c) * blocks..(first + c + 1) * blocks];
            for (w, own) in own.chunks_exact_mut(64).enumerate() {
                let word = chain_blocks[w / 8].0[w % 8];
                // SAFETY: AVX-512F/BW are enabled (caller); `own` is 64 bytes.
                unsafe {
                    let bytes = _mm512_loadu_si512(own.as_ptr().cast());
                    let bit = _mm512_maskz_set1_epi8(word, 1 << c);
                    _mm512_storeu_si512(own.as_mut_ptr().cast(), _mm512_or_si512(bytes, bit));
                }
            }
        }
        *batch = Batch {
            first,
            active,
            state,
            table,
            change: Block::default(),
            accepted: Block::default(),
            own,
        };
    }
    let spin_ptr = spin_blocks.as_mut_ptr();
    // SAFETY (for the whole loop): AVX-512F and VPOPCNTDQ are enabled
    // (caller). Row loads read words 8v..8v + 8 <= words of row i < n (the
    // tail masked); block loads and stores stay inside chain c's `blocks`
    // blocks for c < chains; table loads read entry max(x, 0) < n of lane
    // c's table (|x| <= n - 1, at least n entries asserted) for c < active;
    // `own` has 64 * words >= n entries.
    unsafe {
        let zero = _mm512_setzero_si512();
        let one = _mm512_set1_epi64(1);
        let two = _mm512_set1_epi64(2);
        let n1 = _mm512_set1_epi64(n as i64 - 1);
        for _ in 0..sweeps {
            for i in 0..n {
                let row = bits.as_ptr().add(i * words);
                // Block v of row i (tail masked); in registers when the
                // block count is a constant.
                macro_rules! row_block {
                    ($v:expr) => {{
                        let v: usize = $v;
                        let mask = if v < full { 0xff } else { tail };
                        _mm512_maskz_loadu_epi64(mask, row.add(8 * v).cast())
                    }};
                }
                let mut rows = [zero; 8];
                for (v, r) in rows.iter_mut().enumerate().take(BLOCKS) {
                    *r = row_block!(v);
                }
                let (w, shift) = (i / 64, (i % 64) as u32);
                let (block, lane_bit) = (w / 8, 1u8 << (w % 8));
                for batch in batches.iter_mut() {
                    // Population counts of row ^ spins, lane by lane.
                    let mut acc = [zero; 8];
                    for (c, acc) in acc.iter_mut().enumerate().take(batch.active) {
                        let base = spin_ptr.add((batch.first + c) * blocks).cast::<__m512i>();
                        let mut a = zero;
                        if BLOCKS > 0 {
                            for (v, &r) in rows.iter().enumerate().take(BLOCKS) {
                                let b = _mm512_load_si512(base.add(v));
                                a = _mm512_add_epi64(
                                    a,
                                    _mm512_popcnt_epi64(_mm512_xor_si512(r, b)),
                                );
                            }
                        } else {
                            for v in 0..blocks {
                                let b = _mm512_load_si512(base.add(v));
                                let x = _mm512_xor_si512(row_block!(v), b);
                                a = _mm512_add_epi64(a, _mm512_popcnt_epi64(x));
                            }
                        }
                        *acc = a;
                    }
                    // Transpose-add: lane c of `count` is the sum of acc[c].
                    macro_rules! pair {
                        ($a:expr, $b:expr) => {
                            _mm512_add_epi64(
                                _mm512_unpacklo_epi64($a, $b),
                                _mm512_unpackhi_epi64($a, $b),
                            )
                        };
                    }
                    macro_rules! halves {
                        ($a:expr, $b:expr) => {{
                            let (a, b) = ($a, $b);
                            _mm512_add_epi64(
                                _mm512_shuffle_i64x2::<0b10_00_10_00>(a, b),
                                _mm512_shuffle_i64x2::<0b11_01_11_01>(a, b),
                            )
                        }};
                    }
                    let count = halves!(
                        halves!(pair!(acc[0], acc[1]), pair!(acc[2], acc[3])),
                        halves!(pair!(acc[4], acc[5]), pair!(acc[6], acc[7]))
                    );
                    // x = s_i h_i, h_i = (N - 1) - 2 (count - b_i), s_i = 1 - 2 b_i.
                    let live = ((1u16 << batch.active) - 1) as __mmask8;
                    let own = *batch.own.get_unchecked(i);
                    let field = _mm512_sub_epi64(n1, _mm512_add_epi64(count, count));
                    let field = _mm512_mask_add_epi64(field, own, field, two);
                    let x = _mm512_mask_sub_epi64(field, own, zero, field);
                    let need = _mm512_cmpgt_epi64_mask(x, zero) & live;
                    // Eight Xoshiro256++ steps, kept where x > 0.
                    let s = &mut batch.state;
                    let s0 = _mm512_load_si512(s[0].0.as_ptr().cast());
                    let s1 = _mm512_load_si512(s[1].0.as_ptr().cast());
                    let s2 = _mm512_load_si512(s[2].0.as_ptr().cast());
                    let s3 = _mm512_load_si512(s[3].0.as_ptr().cast());
                    let uniform =
                        _mm512_add_epi64(_mm512_rol_epi64::<23>(_mm512_add_epi64(s0, s3)), s0);
                    let t = _mm512_slli_epi64::<17>(s1);
                    let t2 = _mm512_xor_si512(s2, s0);
                    let t3 = _mm512_xor_si512(s3, s1);
                    let t1 = _mm512_xor_si512(s1, t2);
                    let t0 = _mm512_xor_si512(s0, t3);
                    let t2 = _mm512_xor_si512(t2, t);
                    let t3 = _mm512_rol_epi64::<45>(t3);
                    _mm512_store_si512(
                        s[0].0.as_mut_ptr().cast(),
                        _mm512_mask_blend_epi64(need, s0, t0),
                    );
                    _mm512_store_si512(
                        s[1].0.as_mut_ptr().cast(),
                        _mm512_mask_blend_epi64(need, s1, t1),
                    );
                    _mm512_store_si512(
                        s[2].0.as_mut_ptr().cast(),
                        _mm512_mask_blend_epi64(need, s2, t2),
                    );
                    _mm512_store_si512(
                        s[3].0.as_mut_ptr().cast(),
                        _mm512_mask_blend_epi64(need, s3, t3),
                    );
                    // The thresholds T[max(x, 0)] by scalar loads (a gather
                    // is slower here); T[0] = 2^64 - 1 where x <= 0.
                    let (mut xs, mut us) = (Block::default(), Block::default());
                    _mm512_store_si512(xs.0.as_mut_ptr().cast(), _mm512_max_epi64(x, zero));
                    _mm512_store_si512(us.0.as_mut_ptr().cast(), uniform);
                    let mut below = 0u8;
                    for c in 0..batch.active {
                        let threshold = *batch.table[c].add(xs.0[c] as usize);
                        below |= u8::from(us.0[c] < threshold) << c;
                    }
                    let accept = (below | !need) & live;
                    let change = batch.change.0.as_mut_ptr().cast::<__m512i>();
                    let c0 = _mm512_load_si512(change);
                    _mm512_store_si512(
                        change,
                        _mm512_mask_add_epi64(c0, accept, c0, _mm512_add_epi64(x, x)),
                    );
                    let accepted = batch.accepted.0.as_mut_ptr().cast::<__m512i>();
                    let a0 = _mm512_load_si512(accepted);
                    _mm512_store_si512(accepted, _mm512_mask_add_epi64(a0, accept, a0, one));
                    *batch.own.get_unchecked_mut(i) ^= accept;
                    // The flips, one aligned block per chain.
                    for c in 0..batch.active {
                        let flip = u64::from((accept >> c) & 1) << shift;
                        let target = spin_ptr
                            .add((batch.first + c) * blocks + block)
                            .cast::<__m512i>();
                        _mm512_store_si512(
                            target,
                            _mm512_xor_si512(
                                _mm512_load_si512(target),
                                _mm512_maskz_set1_epi64(lane_bit, flip as i64),
                            ),
                        );
                    }
                }
            }
        }
    }
    for batch in &*batches {
        for c in 0..batch.active {
            let (_, chain, fields) = &mut group[batch.first + c];
            let DenseFields::Packed { spins, energy } = &mut **fields else {
                unreachable!("fields are built with the couplings' storage")
            };
            let chain_blocks = &spin_blocks[(batch.first + c) * blocks..];
            for (w, word) in spins.iter_mut().enumerate() {
                *word = chain_blocks[w / 8].0[w % 8];
            }
            for (w, spins) in chain.spins.chunks_mut(64).enumerate() {
                let word = chain_blocks[w / 8].0[w % 8];
                let valid = u64::MAX >> (64 - spins.len());
                // SAFETY: AVX-512F/BW are enabled (caller); the store
                // writes the `spins.len()` bytes of `spins` only.
                unsafe {
                    let values =
                        _mm512_mask_blend_epi8(word, _mm512_set1_epi8(1), _mm512_set1_epi8(-1));
                    _mm512_mask_storeu_epi8(spins.as_mut_ptr(), valid, values);
                }
            }
            *energy += batch.change.0[c] as i64;
            chain.rng = stream_words::stream([0, 1, 2, 3].map(|k| batch.state[k].0[c]));
            chain.accepted += batch.accepted.0[c];
            chain.sweeps += sweeps;
            chain.attempted += sweeps * n as u64;
        }
    }
}
