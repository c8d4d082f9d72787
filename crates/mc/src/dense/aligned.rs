//! A buffer whose first element sits on a 64-byte boundary.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Values whose first element is 64-byte aligned (a cache line, one
/// AVX-512 vector): the dense rows and fields, so that a vector load never
/// straddles two lines (an allocator's 16-byte alignment made every load
/// and store of the `f32` row update a split one). Dereferences to a slice;
/// serialises as a plain list.
#[derive(Debug)]
pub struct Aligned<T> {
    storage: Vec<T>,
    offset: usize,
    len: usize,
}

impl<T: Copy + Default> Aligned<T> {
    /// The values of `values`, aligned.
    pub fn from_slice(values: &[T]) -> Self {
        let size = std::mem::size_of::<T>().max(1);
        let spare = 64 / size;
        let mut storage = vec![T::default(); values.len() + spare];
        let offset = storage.as_ptr().align_offset(64).min(spare);
        storage[offset..offset + values.len()].copy_from_slice(values);
        Self {
            storage,
            offset,
            len: values.len(),
        }
    }
}

impl<T> std::ops::Deref for Aligned<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.storage[self.offset..self.offset + self.len]
    }
}

impl<T> std::ops::DerefMut for Aligned<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.storage[self.offset..self.offset + self.len]
    }
}

impl<T: Copy + Default> Clone for Aligned<T> {
    fn clone(&self) -> Self {
        Self::from_slice(self)
    }
}

impl<T: PartialEq> PartialEq for Aligned<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Copy + Default> FromIterator<T> for Aligned<T> {
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        Self::from_slice(&values.into_iter().collect::<Vec<T>>())
    }
}

impl<T: Serialize> Serialize for Aligned<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de> + Copy + Default> Deserialize<'de> for Aligned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self::from_slice(&Vec::<T>::deserialize(deserializer)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_start_on_a_cache_line_and_survive_clones_and_serialisation() {
        for len in [0, 1, 7, 2000] {
            let values: Vec<f32> = (0..len).map(|i| i as f32 * 0.5).collect();
            let aligned: Aligned<f32> = values.iter().copied().collect();
            assert_eq!(&*aligned, &values[..]);
            assert_eq!(aligned.as_ptr() as usize % 64, 0);
            let copy = aligned.clone();
            assert_eq!(copy.as_ptr() as usize % 64, 0);
            assert_eq!(copy, aligned);
            let text = serde_json::to_string(&aligned).unwrap();
            assert_eq!(text, serde_json::to_string(&values).unwrap());
            let back: Aligned<f32> = serde_json::from_str(&text).unwrap();
            assert_eq!(back, aligned);
        }
    }
}
