//! [`Words`]: a `u64` buffer aligned to 64-byte cache lines.
//!
//! An AVX-512 word is 64 bytes; from a plain `Vec<u64>` (16-byte aligned by
//! the allocator) every such load straddles two cache lines, which halves the
//! load throughput the multispin kernels live on. `Words` dereferences to
//! `[u64]` and serialises exactly like a `Vec<u64>`, so checkpoints do not
//! see the difference.

use std::fmt;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One cache line of eight words.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[repr(C, align(64))]
struct Line([u64; 8]);

/// A `u64` buffer whose first word starts a 64-byte cache line.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Words {
    lines: Vec<Line>,
    len: usize,
}

impl Words {
    /// `len` zero words.
    pub fn zeros(len: usize) -> Self {
        Self {
            lines: vec![Line::default(); len.div_ceil(8)],
            len,
        }
    }

    /// A copy of `words`.
    pub fn from_slice(words: &[u64]) -> Self {
        let mut out = Self::zeros(words.len());
        out.copy_from_slice(words);
        out
    }
}

impl Deref for Words {
    type Target = [u64];
    fn deref(&self) -> &[u64] {
        // SAFETY: `Line` is `repr(C)` over `[u64; 8]` (size 64, no padding),
        // so the lines are `8 * lines.len() >= len` contiguous initialised words.
        unsafe { std::slice::from_raw_parts(self.lines.as_ptr().cast(), self.len) }
    }
}

impl DerefMut for Words {
    fn deref_mut(&mut self) -> &mut [u64] {
        // SAFETY: as in `deref`, with exclusive access through `&mut self`.
        unsafe { std::slice::from_raw_parts_mut(self.lines.as_mut_ptr().cast(), self.len) }
    }
}

impl From<Vec<u64>> for Words {
    fn from(words: Vec<u64>) -> Self {
        Self::from_slice(&words)
    }
}

impl fmt::Debug for Words {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Words {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        <[u64]>::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for Words {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<u64>::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_and_serialised_like_a_vector() {
        for len in [0, 1, 7, 8, 9, 100] {
            let values: Vec<u64> = (0..len as u64).map(|k| k * 0x9e37_79b9).collect();
            let words = Words::from_slice(&values);
            assert_eq!(&*words, &values[..]);
            assert_eq!(words.as_ptr() as usize % 64, 0);
            let json = serde_json::to_string(&words).unwrap();
            assert_eq!(json, serde_json::to_string(&values).unwrap());
            assert_eq!(serde_json::from_str::<Words>(&json).unwrap(), words);
        }
    }
}
