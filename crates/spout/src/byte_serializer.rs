//! [`ByteSerializer`]: writes items, as [`ToBytes`] encodes them, one after
//! the other into a byte buffer. `no_std`: the buffer can be a fixed slice
//! or array; with `alloc`, a `Vec<u8>` that grows.

use core::fmt;

use crate::{BytesError, Spout, ToBytes};

/// A byte buffer a [`ByteSerializer`] writes into.
pub trait ByteBuffer {
    /// Bytes `start..start + n` of the buffer, growing it first if it can;
    /// `None` when it cannot hold them.
    fn room(&mut self, start: usize, n: usize) -> Option<&mut [u8]>;

    /// How many bytes the buffer can hold without growing.
    fn capacity(&self) -> usize;

    /// The buffer's bytes.
    fn bytes(&self) -> &[u8];

    /// Told that the first `len` bytes are the ones written, when the
    /// serializer gives the buffer back: a `Vec` drops the rest.
    fn finish(&mut self, len: usize) {
        let _ = len;
    }
}

/// Room in a buffer that cannot grow.
fn fixed_room(buf: &mut [u8], start: usize, n: usize) -> Option<&mut [u8]> {
    buf.get_mut(start..start.checked_add(n)?)
}

impl ByteBuffer for &mut [u8] {
    fn room(&mut self, start: usize, n: usize) -> Option<&mut [u8]> {
        fixed_room(self, start, n)
    }
    fn capacity(&self) -> usize {
        self.len()
    }
    fn bytes(&self) -> &[u8] {
        self
    }
}

impl<const N: usize> ByteBuffer for [u8; N] {
    fn room(&mut self, start: usize, n: usize) -> Option<&mut [u8]> {
        fixed_room(self, start, n)
    }
    fn capacity(&self) -> usize {
        N
    }
    fn bytes(&self) -> &[u8] {
        self
    }
}

#[cfg(feature = "alloc")]
impl ByteBuffer for alloc::vec::Vec<u8> {
    fn room(&mut self, start: usize, n: usize) -> Option<&mut [u8]> {
        let end = start.checked_add(n)?;
        if self.len() < end {
            self.resize(end, 0);
        }
        Some(&mut self[start..end])
    }
    fn capacity(&self) -> usize {
        self.len()
    }
    fn bytes(&self) -> &[u8] {
        self
    }
    fn finish(&mut self, len: usize) {
        self.truncate(len);
    }
}

/// Writes items one after the other into a byte buffer, each as
/// [`ToBytes`] encodes it (little-endian, [`ToBytes::SIZE`] bytes): the
/// bytes of a typed record file, a network packet, a shared segment.
///
/// It starts writing at the start of the buffer. It is a spout: a ring can
/// evict straight into it. A buffer of fixed size that has no room left
/// refuses the item with [`BytesError::BufferFull`], and keeps what it
/// wrote.
///
/// ```
/// use spout::{ByteSerializer, FromBytes, Spout};
///
/// // Into a fixed buffer: no allocation, `no_std`.
/// let mut serializer = ByteSerializer::new([0u8; 8]);
/// serializer.send_all([1u16, 2, 3])?;
/// assert_eq!(serializer.as_bytes(), [1, 0, 2, 0, 3, 0]);
/// assert!(serializer.send(4u32).is_err(), "4 bytes do not fit in the 2 left");
///
/// // Into a `Vec`, which grows.
/// let mut serializer = ByteSerializer::new(Vec::new());
/// serializer.serialize(&[1.5f32, -2.0])?;
/// let bytes = serializer.into_inner();
/// assert_eq!(<[f32; 2]>::from_bytes(&bytes)?, [1.5, -2.0]);
/// # Ok::<(), spout::BytesError>(())
/// ```
pub struct ByteSerializer<B> {
    buf: B,
    len: usize,
}

impl<B: ByteBuffer> ByteSerializer<B> {
    /// A serializer that writes into `buf`, from its start.
    pub fn new(buf: B) -> Self {
        ByteSerializer { buf, len: 0 }
    }

    /// Appends the bytes of `item`; when the buffer has no room for them,
    /// writes nothing and says so.
    pub fn serialize<T: ToBytes + ?Sized>(&mut self, item: &T) -> Result<(), BytesError> {
        let left = self.buf.capacity().saturating_sub(self.len);
        let room = self
            .buf
            .room(self.len, T::SIZE)
            .ok_or(BytesError::BufferFull {
                needed: T::SIZE,
                left,
            })?;
        item.to_bytes(room);
        self.len += T::SIZE;
        Ok(())
    }

    /// The bytes written so far.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf.bytes()[..self.len]
    }

    /// How many bytes were written.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Starts writing again from the start of the buffer.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Returns the buffer (a `Vec` holds exactly the bytes written).
    pub fn into_inner(mut self) -> B {
        self.buf.finish(self.len);
        self.buf
    }
}

impl<T: ToBytes, B: ByteBuffer> Spout<T> for ByteSerializer<B> {
    type Error = BytesError;

    #[inline]
    fn send(&mut self, item: T) -> Result<(), BytesError> {
        self.serialize(&item)
    }
}

impl<B: ByteBuffer> fmt::Debug for ByteSerializer<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteSerializer")
            .field("bytes", &self.as_bytes())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_buffer_refuses_what_does_not_fit_and_keeps_the_rest() {
        let mut memory = [0u8; 5];
        let mut serializer = ByteSerializer::new(&mut memory[..]);
        serializer.send(0x0102u16).unwrap();
        serializer.send(0x0304u16).unwrap();
        assert_eq!(
            serializer.send(5u16),
            Err(BytesError::BufferFull { needed: 2, left: 1 })
        );
        serializer.send(6u8).unwrap();
        assert_eq!(serializer.as_bytes(), [2, 1, 4, 3, 6]);
        assert_eq!(serializer.len(), 5);
        serializer.clear();
        assert!(serializer.is_empty());
        serializer.serialize(&[9u8, 8]).unwrap();
        assert_eq!(serializer.as_bytes(), [9, 8]);
        assert_eq!(memory, [9, 8, 4, 3, 6]);
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn a_vec_grows_and_comes_back_with_exactly_the_bytes_written() {
        use alloc::format;
        let mut serializer = ByteSerializer::new(alloc::vec![7u8; 10]);
        serializer.send_all([1u32, 2]).unwrap();
        assert_eq!(
            format!("{serializer:?}"),
            "ByteSerializer { bytes: [1, 0, 0, 0, 2, 0, 0, 0] }"
        );
        serializer.send_all([3u32, 4]).unwrap();
        assert_eq!(serializer.into_inner().len(), 16);
    }
}
