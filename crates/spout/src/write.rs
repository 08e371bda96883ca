//! [`WriteSpout`]: encodes items and writes them to any [`std::io::Write`],
//! the disk tier.

use std::borrow::Borrow;
use std::fmt;
use std::io::{self, Read, Seek, Write};

use crate::record_format::{open_record_append, write_record_header, RecordFormatError};
use crate::{Spout, ToBytes};

/// Defines the methods that a type holding its writer `$W` in a `writer`
/// field offers: `flush`, `get_ref`, `get_mut`, `into_inner`.
macro_rules! writer_access {
    ($W:ident) => {
        /// Flushes the writer.
        pub fn flush(&mut self) -> io::Result<()> {
            self.writer.flush()
        }

        /// The writer.
        pub fn get_ref(&self) -> &$W {
            &self.writer
        }

        /// The writer, mutably. Writing to it directly may break the
        /// structure of a record file.
        pub fn get_mut(&mut self) -> &mut $W {
            &mut self.writer
        }

        /// Returns the writer.
        pub fn into_inner(self) -> $W {
            self.writer
        }
    };
}
pub(crate) use writer_access;

/// How many encoded bytes a batch gathers before they are written.
const WRITE_CHUNK: usize = 64 * 1024;

/// Encodes every item with `encode(&item, &mut bytes)` and writes the bytes
/// to a writer: a file, a socket, a `Vec<u8>`. As the last spout of a chain
/// of rings, it is the disk tier: nothing evicted is lost.
///
/// - [`send`](Spout::send) encodes the item into a scratch buffer that the
///   spout keeps (so encoding allocates nothing once it has grown) and
///   writes it with one `write_all`.
/// - [`send_all`](Spout::send_all) and [`send_slice`](Spout::send_slice)
///   encode many items into the buffer and write them together, one
///   `write_all` per 64 KiB.
/// - [`flush`](Spout::flush) flushes the writer. The spout buffers nothing
///   between calls; wrap a file in a [`std::io::BufWriter`] when items come
///   one at a time.
///
/// Errors are the writer's [`io::Error`]s. If one occurs in the middle of a
/// batch, the items encoded before it may have been written in part or in
/// whole, as with any `write_all`.
///
/// # Fixed-size records
///
/// [`with_record_header`](WriteSpout::with_record_header) and
/// [`append_records`](WriteSpout::append_records) make a record file (see
/// [`write_record_header`]) that [`read_records`](crate::read_records)
/// replays: the spout writes the header first, and checks that every item
/// is encoded into exactly the record size. An item that is not is not
/// written: the call fails with a [`RecordFormatError::EncodedSizeMismatch`]
/// (kind `InvalidInput`) after writing the items before it.
///
/// ```
/// use spout::{Spout, WriteSpout};
///
/// let mut log = WriteSpout::new(Vec::new(), |line: &&str, out: &mut Vec<u8>| {
///     out.extend_from_slice(line.as_bytes());
///     out.push(b'\n');
/// });
/// log.send("first")?;
/// log.send_slice(&["second", "third"])?;
/// log.flush()?;
/// assert_eq!(log.get_ref().as_slice(), b"first\nsecond\nthird\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct WriteSpout<W, F> {
    writer: W,
    encode: F,
    /// Encoded bytes not written yet (kept for its capacity between calls).
    buf: Vec<u8>,
    /// Set for record files: every item must encode into this many bytes.
    record_size: Option<usize>,
}

impl<W: Write, F> WriteSpout<W, F> {
    /// Creates a spout that writes each item as `encode` encodes it.
    pub fn new(writer: W, encode: F) -> Self {
        WriteSpout {
            writer,
            encode,
            buf: Vec::new(),
            record_size: None,
        }
    }

    /// Starts a record file of `record_size`-byte records in `writer`: writes
    /// its header, then each item as `encode` encodes it, which must be into
    /// exactly `record_size` bytes.
    ///
    /// Fails if `record_size` is 0 or above `u32::MAX`, or if writing the
    /// header fails.
    pub fn with_record_header(mut writer: W, record_size: usize, encode: F) -> io::Result<Self> {
        write_record_header(&mut writer, record_size)?;
        Ok(WriteSpout {
            record_size: Some(record_size),
            ..WriteSpout::new(writer, encode)
        })
    }

    /// Continues the record file `file` of `record_size`-byte records (an
    /// empty file is given a header), as [`open_record_append`] describes;
    /// then as [`with_record_header`](Self::with_record_header).
    pub fn append_records(mut file: W, record_size: usize, encode: F) -> io::Result<Self>
    where
        W: Read + Seek,
    {
        open_record_append(&mut file, record_size)?;
        Ok(WriteSpout {
            record_size: Some(record_size),
            ..WriteSpout::new(file, encode)
        })
    }

    /// The record size every item must be encoded into, for record files.
    pub fn record_size(&self) -> Option<usize> {
        self.record_size
    }

    writer_access!(W);

    /// Writes the encoded bytes gathered so far.
    fn write_buf(&mut self) -> io::Result<()> {
        let result = self.writer.write_all(&self.buf);
        self.buf.clear();
        result
    }

    /// Encodes `items` and writes them, a chunk at a time.
    fn write_each<T, B, I>(&mut self, items: I) -> io::Result<()>
    where
        F: FnMut(&T, &mut Vec<u8>),
        B: Borrow<T>,
        I: IntoIterator<Item = B>,
    {
        // Empty unless an encoder panicked during an earlier call.
        self.buf.clear();
        for item in items {
            let start = self.buf.len();
            (self.encode)(item.borrow(), &mut self.buf);
            if let Some(record_size) = self.record_size {
                let encoded = self.buf.len() - start;
                if encoded != record_size {
                    self.buf.truncate(start);
                    self.write_buf()?;
                    return Err(RecordFormatError::EncodedSizeMismatch {
                        record_size,
                        encoded,
                    }
                    .into());
                }
            }
            if self.buf.len() >= WRITE_CHUNK {
                self.write_buf()?;
            }
        }
        if self.buf.is_empty() {
            Ok(())
        } else {
            self.write_buf()
        }
    }
}

/// The encoder of a typed record file: the item's [`ToBytes`] encoding.
pub type ToBytesEncoder<T> = fn(&T, &mut Vec<u8>);

/// Appends the [`ToBytes`] encoding of `item` to `out`.
fn encode_to_bytes<T: ToBytes>(item: &T, out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + T::SIZE, 0);
    item.to_bytes(&mut out[start..]);
}

/// Typed record files: records of `T::SIZE` bytes, each an item as
/// [`ToBytes`] encodes it, read back by
/// [`read_typed_records`](crate::read_typed_records). No encoder to write.
///
/// ```
/// use spout::{read_typed_records, Spout, WriteSpout};
///
/// let mut file = Vec::new();
/// let mut tier = WriteSpout::typed_records(&mut file)?;
/// tier.send_all([(1u32, 2.5f32), (3, 4.5)].map(|(id, value)| [id as f32, value]))?;
/// drop(tier);
///
/// let items: Vec<[f32; 2]> = read_typed_records(file.as_slice())?.collect::<std::io::Result<_>>()?;
/// assert_eq!(items, [[1.0, 2.5], [3.0, 4.5]]);
/// # Ok::<(), std::io::Error>(())
/// ```
impl<T: ToBytes, W: Write> WriteSpout<W, ToBytesEncoder<T>> {
    /// Starts a record file of `T` items in `writer` (see
    /// [`with_record_header`](WriteSpout::with_record_header)).
    pub fn typed_records(writer: W) -> io::Result<Self> {
        Self::with_record_header(writer, T::SIZE, encode_to_bytes::<T>)
    }

    /// Continues the record file of `T` items `file` (see
    /// [`append_records`](WriteSpout::append_records)).
    pub fn append_typed_records(file: W) -> io::Result<Self>
    where
        W: Read + Seek,
    {
        Self::append_records(file, T::SIZE, encode_to_bytes::<T>)
    }
}

impl<T, W: Write, F: FnMut(&T, &mut Vec<u8>)> Spout<T> for WriteSpout<W, F> {
    type Error = io::Error;

    #[inline]
    fn send(&mut self, item: T) -> io::Result<()> {
        self.write_each(Some(item))
    }

    fn send_all<I>(&mut self, items: I) -> io::Result<()>
    where
        I: IntoIterator<Item = T>,
    {
        self.write_each(items)
    }

    fn send_slice(&mut self, items: &[T]) -> io::Result<()>
    where
        T: Clone,
    {
        self.write_each(items)
    }

    fn flush(&mut self) -> io::Result<()> {
        WriteSpout::flush(self)
    }
}

impl<W: fmt::Debug, F> fmt::Debug for WriteSpout<W, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteSpout")
            .field("writer", &self.writer)
            .field("record_size", &self.record_size)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, ErrorKind};

    use super::*;
    use crate::record_format::RECORD_HEADER_LEN;
    use crate::test_support::{decode_u32, read_all, CountWrites, FailingWriter};

    fn le_u32(x: &u32, out: &mut Vec<u8>) {
        out.extend_from_slice(&x.to_le_bytes());
    }

    #[test]
    fn items_are_encoded_in_order() {
        let mut spout = WriteSpout::new(Vec::new(), le_u32);
        spout.send(1).unwrap();
        spout.send_all([2, 3]).unwrap();
        spout.send_slice(&[4]).unwrap();
        let expected: Vec<u8> = [1u32, 2, 3, 4]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        assert_eq!(spout.into_inner(), expected);
    }

    #[test]
    // Safe code over more than 100 KB of data: 20 to 80 s under Miri, which
    // has no unsafe code to check here; `cargo test` runs it.
    #[cfg_attr(miri, ignore)]
    fn a_batch_is_written_a_chunk_at_a_time() {
        let mut spout = WriteSpout::new(CountWrites::default(), le_u32);
        let items: Vec<u32> = (0..1000).collect();
        spout.send_slice(&items).unwrap();
        assert_eq!(spout.get_ref().writes, 1);
        // 40,000 items of 4 bytes: 160,000 bytes in 64 KiB chunks.
        spout.send_all(0..40_000).unwrap();
        assert_eq!(spout.get_ref().writes, 1 + 3);
        assert_eq!(spout.get_ref().bytes.len(), 4 * 41_000);
    }

    #[test]
    fn record_files_round_trip() {
        let mut spout = WriteSpout::with_record_header(Vec::new(), 4, le_u32).unwrap();
        assert_eq!(spout.record_size(), Some(4));
        spout.send_all(0..10).unwrap();
        let file = spout.into_inner();
        assert_eq!(file.len(), RECORD_HEADER_LEN + 40);
        assert_eq!(read_all(&file, 4, decode_u32), (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn append_records_continues_a_file() {
        let mut first = WriteSpout::append_records(Cursor::new(Vec::new()), 4, le_u32).unwrap();
        first.send_all([1, 2]).unwrap();
        let mut second = WriteSpout::append_records(first.into_inner(), 4, le_u32).unwrap();
        second.send(3).unwrap();
        let file = second.into_inner().into_inner();
        assert_eq!(read_all(&file, 4, decode_u32), vec![1, 2, 3]);
        let err = WriteSpout::append_records(Cursor::new(file), 8, le_u32)
            .err()
            .unwrap();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
    }

    #[test]
    fn a_wrong_sized_encoding_is_refused_after_the_items_before_it() {
        let encode = |x: &u32, out: &mut Vec<u8>| {
            let bytes = x.to_le_bytes();
            // 7 is encoded short.
            out.extend_from_slice(if *x == 7 { &bytes[..2] } else { &bytes });
        };
        let mut spout = WriteSpout::with_record_header(Vec::new(), 4, encode).unwrap();
        let err = spout.send_all(5..10).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            err.to_string(),
            "an item was encoded into 2 bytes, not the record size 4"
        );
        spout.send(8).unwrap();
        assert_eq!(read_all(spout.get_ref(), 4, decode_u32), vec![5, 6, 8]);
    }

    #[test]
    fn io_errors_are_reported() {
        let mut spout = WriteSpout::new(FailingWriter::new(6), le_u32);
        spout.send(1).unwrap();
        let err = spout.send_slice(&[2, 3]).unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(spout.get_ref().written.len(), 6);
        assert_eq!(spout.send(4).unwrap_err().kind(), ErrorKind::Other);
        spout.get_mut().fail_flush = true;
        assert_eq!(spout.flush().unwrap_err().to_string(), "flush failed");
        assert!(WriteSpout::with_record_header(FailingWriter::new(3), 4, le_u32).is_err());
    }

    #[test]
    fn flush_flushes_the_writer() {
        let mut spout = WriteSpout::new(FailingWriter::new(100), le_u32);
        Spout::<u32>::flush(&mut spout).unwrap();
        spout.flush().unwrap();
        assert_eq!(spout.get_ref().flushes, 2);
    }
}
