//! [`ToBytes`] and [`FromBytes`]: items that encode into a fixed number of
//! bytes, for byte buffers and record files. `no_std`.
//!
//! Encodings are little-endian whatever the machine, so a record file
//! written on one machine reads back on another. `usize` and `isize` are
//! encoded as 64-bit integers, for the same reason.

use core::fmt;

/// An item that encodes into exactly [`SIZE`](ToBytes::SIZE) bytes.
///
/// ```
/// use spout::ToBytes;
///
/// let mut out = [0u8; 4];
/// 0x0102_0304u32.to_bytes(&mut out);
/// assert_eq!(out, [4, 3, 2, 1]); // little-endian
/// assert_eq!(<[u16; 3] as ToBytes>::SIZE, 6);
/// ```
pub trait ToBytes {
    /// How many bytes every value encodes into.
    const SIZE: usize;

    /// Writes the value into `out`, which is exactly [`SIZE`](ToBytes::SIZE)
    /// bytes long.
    ///
    /// # Panics
    ///
    /// When `out` has another length.
    fn to_bytes(&self, out: &mut [u8]);
}

/// An item that decodes from exactly [`SIZE`](FromBytes::SIZE) bytes, as
/// [`ToBytes`] encoded it.
///
/// ```
/// use spout::{BytesError, FromBytes};
///
/// assert_eq!(u32::from_bytes(&[4, 3, 2, 1]), Ok(0x0102_0304));
/// assert_eq!(<[i8; 2]>::from_bytes(&[0xff, 1]), Ok([-1, 1]));
/// assert_eq!(bool::from_bytes(&[2]), Err(BytesError::InvalidValue));
/// assert_eq!(
///     u16::from_bytes(&[1, 2, 3]),
///     Err(BytesError::WrongLength { expected: 2, found: 3 })
/// );
/// ```
pub trait FromBytes: Sized {
    /// How many bytes every value decodes from.
    const SIZE: usize;

    /// Reads a value from `bytes`, which must be exactly
    /// [`SIZE`](FromBytes::SIZE) bytes long and hold a valid value.
    fn from_bytes(bytes: &[u8]) -> Result<Self, BytesError>;
}

/// Why bytes could not be encoded into or decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BytesError {
    /// The bytes do not have the length the type needs.
    WrongLength {
        /// The length the type needs.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// The bytes are not a value of the type: a `bool` other than 0 or 1, a
    /// `char` that is not a Unicode scalar value, a `usize` or `isize` that
    /// does not fit this machine's.
    InvalidValue,
    /// A byte buffer of fixed size has no room for the next item.
    BufferFull {
        /// The bytes the item needs.
        needed: usize,
        /// The bytes left in the buffer.
        left: usize,
    },
}

impl fmt::Display for BytesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BytesError::WrongLength { expected, found } => {
                write!(f, "expected {expected} bytes, found {found}")
            }
            BytesError::InvalidValue => f.write_str("the bytes are not a valid value of the type"),
            BytesError::BufferFull { needed, left } => write!(
                f,
                "the byte buffer is full: an item needs {needed} bytes, {left} are left"
            ),
        }
    }
}

impl core::error::Error for BytesError {}

/// `bytes` as an array of `N`, or why not.
fn exactly<const N: usize>(bytes: &[u8]) -> Result<[u8; N], BytesError> {
    bytes.try_into().map_err(|_| BytesError::WrongLength {
        expected: N,
        found: bytes.len(),
    })
}

/// Implements both traits for numbers, through their little-endian bytes.
macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl ToBytes for $t {
            const SIZE: usize = core::mem::size_of::<$t>();

            #[inline]
            fn to_bytes(&self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_le_bytes());
            }
        }

        impl FromBytes for $t {
            const SIZE: usize = core::mem::size_of::<$t>();

            #[inline]
            fn from_bytes(bytes: &[u8]) -> Result<Self, BytesError> {
                Ok(<$t>::from_le_bytes(exactly(bytes)?))
            }
        }
    )*};
}

numbers!(u8, u16, u32, u64, u128, i8, i16, i32, i64, i128, f32, f64);

/// Implements both traits for a type that converts to and from `$wire`,
/// refusing wire values the type cannot hold.
macro_rules! through {
    ($t:ty, $wire:ty, $to:expr, $from:expr) => {
        impl ToBytes for $t {
            const SIZE: usize = <$wire as ToBytes>::SIZE;

            #[inline]
            fn to_bytes(&self, out: &mut [u8]) {
                let to: fn($t) -> $wire = $to;
                to(*self).to_bytes(out)
            }
        }

        impl FromBytes for $t {
            const SIZE: usize = <$wire as FromBytes>::SIZE;

            #[inline]
            fn from_bytes(bytes: &[u8]) -> Result<Self, BytesError> {
                let from: fn($wire) -> Option<$t> = $from;
                from(<$wire>::from_bytes(bytes)?).ok_or(BytesError::InvalidValue)
            }
        }
    };
}

through!(bool, u8, u8::from, |b| match b {
    0 => Some(false),
    1 => Some(true),
    _ => None,
});
through!(char, u32, u32::from, char::from_u32);
through!(usize, u64, |n| n as u64, |n| usize::try_from(n).ok());
through!(isize, i64, |n| n as i64, |n| isize::try_from(n).ok());

impl ToBytes for () {
    const SIZE: usize = 0;

    fn to_bytes(&self, out: &mut [u8]) {
        assert!(out.is_empty(), "() encodes into no byte");
    }
}

impl FromBytes for () {
    const SIZE: usize = 0;

    fn from_bytes(bytes: &[u8]) -> Result<Self, BytesError> {
        exactly::<0>(bytes).map(drop)
    }
}

/// An array encodes as its items, one after the other.
impl<T: ToBytes, const N: usize> ToBytes for [T; N] {
    const SIZE: usize = T::SIZE * N;

    fn to_bytes(&self, out: &mut [u8]) {
        assert_eq!(out.len(), Self::SIZE, "wrong output length");
        if T::SIZE == 0 {
            return;
        }
        for (item, out) in self.iter().zip(out.chunks_exact_mut(T::SIZE)) {
            item.to_bytes(out);
        }
    }
}

/// An array decodes as its items, one after the other.
impl<T: FromBytes, const N: usize> FromBytes for [T; N] {
    const SIZE: usize = T::SIZE * N;

    fn from_bytes(bytes: &[u8]) -> Result<Self, BytesError> {
        if bytes.len() != Self::SIZE {
            return Err(BytesError::WrongLength {
                expected: Self::SIZE,
                found: bytes.len(),
            });
        }
        let mut error = None;
        let items = core::array::from_fn(|i| {
            let item = &bytes[i * T::SIZE..(i + 1) * T::SIZE];
            T::from_bytes(item).map_err(|e| error = Some(e)).ok()
        });
        match error {
            Some(error) => Err(error),
            // Every item decoded, so none is `None`.
            None => Ok(items.map(|item: Option<T>| item.expect("every item decoded"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes `value` and decodes it back.
    fn round_trip<T: ToBytes + FromBytes + PartialEq + fmt::Debug>(value: T) {
        let mut buf = [0u8; 64];
        let out = &mut buf[..<T as ToBytes>::SIZE];
        value.to_bytes(out);
        assert_eq!(T::from_bytes(out), Ok(value));
    }

    #[test]
    fn primitives_round_trip_at_their_extremes() {
        macro_rules! extremes {
            ($($t:ty),*) => {$( round_trip(<$t>::MIN); round_trip(<$t>::MAX); round_trip(<$t>::default()); )*};
        }
        extremes!(u8, u16, u32, u64, u128, i8, i16, i32, i64, i128, usize, isize, f32, f64);
        round_trip(true);
        round_trip(false);
        round_trip('é');
        round_trip(char::MAX);
        round_trip(());
        round_trip(f64::NEG_INFINITY);
        round_trip([[1u16, 2], [3, 4]]);
        round_trip([(); 3]);
        round_trip(['a', 'b']);
    }

    #[test]
    fn encodings_are_little_endian_and_words_are_64_bits() {
        let mut out = [0u8; 8];
        1usize.to_bytes(&mut out);
        assert_eq!(out, [1, 0, 0, 0, 0, 0, 0, 0]);
        (-2i16).to_bytes(&mut out[..2]);
        assert_eq!(out[..2], [0xfe, 0xff]);
        assert_eq!(<isize as ToBytes>::SIZE, 8);
    }

    #[test]
    fn invalid_bytes_are_refused() {
        assert_eq!(bool::from_bytes(&[2]), Err(BytesError::InvalidValue));
        let surrogate = 0xd800u32.to_le_bytes();
        assert_eq!(char::from_bytes(&surrogate), Err(BytesError::InvalidValue));
        assert_eq!(
            <[bool; 2]>::from_bytes(&[1, 7]),
            Err(BytesError::InvalidValue)
        );
        assert_eq!(
            <[u8; 2]>::from_bytes(&[1]),
            Err(BytesError::WrongLength {
                expected: 2,
                found: 1
            })
        );
        assert_eq!(
            <()>::from_bytes(&[1]),
            Err(BytesError::WrongLength {
                expected: 0,
                found: 1
            })
        );
    }

    #[test]
    #[should_panic]
    fn encoding_into_a_buffer_of_the_wrong_length_panics() {
        7u32.to_bytes(&mut [0u8; 3]);
    }
}
