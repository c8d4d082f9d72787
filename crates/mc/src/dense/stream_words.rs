//! Reading the state of a [`StreamRng`]: the generator offers no accessor,
//! but serialises (for checkpoints) as a struct of one `[u64; 4]`; this
//! serializer collects those words and refuses anything else.

use serde::Serialize;
use serde::ser::{self, Impossible, Serializer};

use quench_core::StreamRng;
use rand::SeedableRng;

/// Anything but a sequence of `u64`.
#[derive(Debug)]
pub(super) struct Unexpected;

impl std::fmt::Display for Unexpected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the generator does not serialise as u64 words")
    }
}

impl std::error::Error for Unexpected {}

impl ser::Error for Unexpected {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Unexpected
    }
}

/// The `u64` values serialised so far (at most four, without allocating).
struct Words {
    /// The values, in order.
    words: [u64; 4],
    /// How many of `words` are set.
    len: usize,
}

type Done = Result<(), Unexpected>;

macro_rules! refuse {
    ($($name:ident($($t:ty),*);)*) => {
        $(fn $name(self, $(_: $t),*) -> Done { Err(Unexpected) })*
    };
}

impl Serializer for &mut Words {
    type Ok = ();
    type Error = Unexpected;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Impossible<(), Unexpected>;
    type SerializeMap = Impossible<(), Unexpected>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Unexpected>;

    fn serialize_u64(self, v: u64) -> Done {
        *self.words.get_mut(self.len).ok_or(Unexpected)? = v;
        self.len += 1;
        Ok(())
    }
    refuse! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_f32(f32); serialize_f64(f64); serialize_char(char); serialize_str(&str);
        serialize_bytes(&[u8]); serialize_none(); serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }
    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Done {
        Err(Unexpected)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Done {
        Err(Unexpected)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Unexpected> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Unexpected> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Unexpected> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unexpected> {
        Err(Unexpected)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unexpected> {
        Err(Unexpected)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Unexpected> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unexpected> {
        Err(Unexpected)
    }
}

/// Sequences, tuples and tuple structs: every element is a field of the
/// state, in order.
macro_rules! forward_elements {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for &mut Words {
            type Ok = ();
            type Error = Unexpected;
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
                value.serialize(&mut **self)
            }
            fn end(self) -> Done {
                Ok(())
            }
        }
    )*};
}
forward_elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl ser::SerializeStruct for &mut Words {
    type Ok = ();
    type Error = Unexpected;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, _: &'static str, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

/// The state $(s_0, s_1, s_2, s_3)$ of a Xoshiro256++ stream.
pub(super) fn state(rng: &StreamRng) -> [u64; 4] {
    let mut words = Words {
        words: [0; 4],
        len: 0,
    };
    rng.serialize(&mut words)
        .expect("Xoshiro256++ serialises as four u64 words");
    assert_eq!(words.len, 4, "Xoshiro256++ serialises as four u64 words");
    words.words
}

/// The stream in state `s` (`from_seed` reads the words little-endian).
pub(super) fn stream(s: [u64; 4]) -> StreamRng {
    let mut seed = [0u8; 32];
    for (chunk, word) in seed.chunks_exact_mut(8).zip(s) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    StreamRng::from_seed(seed)
}

#[cfg(test)]
mod tests {
    use rand::Rng;

    #[test]
    fn the_state_round_trips_and_steps_like_the_generator() {
        let mut rng = quench_core::stream(5, quench_core::Purpose::Dynamics, 2, 3);
        for _ in 0..100 {
            let s = super::state(&rng);
            assert_eq!(super::stream(s), rng);
            let u = rng.next_u64();
            assert_eq!(
                u,
                s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0])
            );
            let t = s[1] << 17;
            let (s2, s3) = (s[2] ^ s[0], s[3] ^ s[1]);
            let (s1, s0) = (s[1] ^ s2, s[0] ^ s3);
            assert_eq!(super::state(&rng), [s0, s1, s2 ^ t, s3.rotate_left(45)]);
        }
    }
}
