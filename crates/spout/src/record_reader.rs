//! [`RecordReader`], [`read_records`]: read a record file back, to replay a
//! disk tier.

use std::fmt;
use std::io::{self, ErrorKind, Read};

use crate::record_format::{expect_record_size, read_full, read_record_header, RecordFormatError};
use crate::{BytesError, FromBytes};

/// How many bytes [`Records`] reads at a time (at least one record).
const READ_CHUNK: usize = 64 * 1024;

/// Reads the records of a record file (see
/// [`write_record_header`](crate::write_record_header) for the format) in
/// batches of raw bytes.
///
/// Creating a reader reads and checks the header. A file cut short inside
/// a record is reported, after its whole records, as a
/// [`RecordFormatError::PartialRecord`].
///
/// ```
/// use spout::{RecordReader, RecordWriter};
///
/// let mut file = Vec::new();
/// RecordWriter::create(&mut file, 2)?.write_records(b"aabbcc")?;
///
/// let mut reader = RecordReader::new(file.as_slice(), 2)?;
/// let mut buf = [0u8; 4];
/// assert_eq!(reader.read_batch(&mut buf)?, 2); // two records fit
/// assert_eq!(&buf, b"aabb");
/// assert_eq!(reader.read_batch(&mut buf)?, 1);
/// assert_eq!(&buf[..2], b"cc");
/// assert_eq!(reader.read_batch(&mut buf)?, 0); // the end
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct RecordReader<R> {
    reader: R,
    record_size: usize,
    /// Bytes of a partial record met at the end of the data, reported by the
    /// next read.
    trailing: usize,
}

impl<R: Read> RecordReader<R> {
    /// Reads the header of a file that must hold `record_size`-byte records.
    ///
    /// Fails with a [`RecordFormatError`] (kind `InvalidData`) if the
    /// header is missing or damaged, or declares another record size.
    pub fn new(reader: R, record_size: usize) -> io::Result<Self> {
        let reader = Self::open(reader)?;
        expect_record_size(record_size, reader.record_size)?;
        Ok(reader)
    }

    /// Reads the header of a record file, whatever its record size (see
    /// [`record_size`](Self::record_size)).
    pub fn open(mut reader: R) -> io::Result<Self> {
        let record_size = read_record_header(&mut reader)?;
        Ok(RecordReader {
            reader,
            record_size,
            trailing: 0,
        })
    }

    /// The size of a record in bytes.
    pub fn record_size(&self) -> usize {
        self.record_size
    }

    /// Reads as many whole records as `buf` holds, or as the file has left,
    /// into the start of `buf`; returns how many it read, 0 at the end.
    ///
    /// Fails with kind `InvalidInput` if `buf` is shorter than a record, and
    /// with a [`RecordFormatError::PartialRecord`] (kind `InvalidData`) if
    /// the file ends inside a record (once the whole records before it have
    /// been returned).
    pub fn read_batch(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let record_size = self.record_size;
        if self.trailing != 0 {
            return Err(self.partial_record());
        }
        let capacity = buf.len() / record_size;
        if capacity == 0 {
            return Err(io::Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "a {}-byte buffer cannot hold a {record_size}-byte record",
                    buf.len()
                ),
            ));
        }
        let read = read_full(&mut self.reader, &mut buf[..capacity * record_size])?;
        let (records, trailing) = (read / record_size, read % record_size);
        if trailing != 0 {
            self.trailing = trailing;
            if records == 0 {
                return Err(self.partial_record());
            }
        }
        Ok(records)
    }

    /// The error for the partial record at the end of the data.
    fn partial_record(&self) -> io::Error {
        RecordFormatError::PartialRecord {
            record_size: self.record_size,
            trailing: self.trailing,
        }
        .into()
    }

    /// An iterator that decodes every remaining record with `decode`.
    pub fn records<T, F>(self, decode: F) -> Records<R, F>
    where
        F: FnMut(&[u8]) -> T,
    {
        let per_chunk = (READ_CHUNK / self.record_size).max(1);
        Records {
            buf: vec![0; per_chunk * self.record_size],
            pos: 0,
            end: 0,
            done: false,
            reader: self,
            decode,
        }
    }

    /// Returns the underlying reader.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<R> fmt::Debug for RecordReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordReader")
            .field("record_size", &self.record_size)
            .finish_non_exhaustive()
    }
}

/// Reads a record file of `record_size`-byte records and decodes each record
/// with `decode`: replays a disk tier.
///
/// The header is read and checked at once (see [`RecordReader::new`]); the
/// records are read in chunks of about 64 KiB as the iterator advances. The
/// iterator yields `Err` once, for an io error or a record cut short at the
/// end of the file, and then ends.
///
/// ```
/// use spout::{read_records, Spout, WriteSpout};
///
/// // A disk tier of u64 items, 8 bytes each, little-endian.
/// let mut file = Vec::new();
/// let mut tier = WriteSpout::with_record_header(&mut file, 8, |x: &u64, out: &mut Vec<u8>| {
///     out.extend_from_slice(&x.to_le_bytes())
/// })?;
/// tier.send_all([1u64, 2, 3])?;
/// drop(tier);
///
/// let decode = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap());
/// let replayed = read_records(file.as_slice(), 8, decode)?.collect::<std::io::Result<Vec<u64>>>()?;
/// assert_eq!(replayed, [1, 2, 3]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn read_records<R, T, F>(reader: R, record_size: usize, decode: F) -> io::Result<Records<R, F>>
where
    R: Read,
    F: FnMut(&[u8]) -> T,
{
    Ok(RecordReader::new(reader, record_size)?.records(decode))
}

/// The decoder of a typed record file: the item's [`FromBytes`] decoding.
pub type FromBytesDecoder<T> = fn(&[u8]) -> Result<T, BytesError>;

/// The items of a typed record file, oldest first: see
/// [`read_typed_records`].
pub type TypedRecords<R, T> = core::iter::Map<
    Records<R, FromBytesDecoder<T>>,
    fn(io::Result<Result<T, BytesError>>) -> io::Result<T>,
>;

/// A decoded record, or the io error that stands for a record that is not
/// a value of its type (kind `InvalidData`).
fn decoded<T>(record: io::Result<Result<T, BytesError>>) -> io::Result<T> {
    record?.map_err(|e| io::Error::new(ErrorKind::InvalidData, e))
}

/// Reads back a record file of `T` items, as
/// [`WriteSpout::typed_records`](crate::WriteSpout::typed_records) wrote
/// it: the header must declare records of `T::SIZE` bytes, and each record
/// is decoded by [`FromBytes`]. A record that is not a valid `T` is an
/// error of kind `InvalidData`, after which the iterator goes on.
pub fn read_typed_records<R: Read, T: FromBytes>(reader: R) -> io::Result<TypedRecords<R, T>> {
    let decode: FromBytesDecoder<T> = T::from_bytes;
    let decoded: fn(io::Result<Result<T, BytesError>>) -> io::Result<T> = decoded;
    Ok(read_records(reader, T::SIZE, decode)?.map(decoded))
}

/// The decoded records of a record file, oldest first: see [`read_records`].
pub struct Records<R, F> {
    reader: RecordReader<R>,
    decode: F,
    buf: Vec<u8>,
    /// The next record to decode starts at `buf[pos]`; `buf[pos..end]` holds
    /// whole records.
    pos: usize,
    end: usize,
    done: bool,
}

impl<R: Read, T, F: FnMut(&[u8]) -> T> Iterator for Records<R, F> {
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        if self.pos == self.end {
            if self.done {
                return None;
            }
            match self.reader.read_batch(&mut self.buf) {
                Ok(0) => {
                    self.done = true;
                    return None;
                }
                Ok(records) => {
                    self.pos = 0;
                    self.end = records * self.reader.record_size;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
        let start = self.pos;
        self.pos += self.reader.record_size;
        Some(Ok((self.decode)(&self.buf[start..self.pos])))
    }
}

impl<R: Read, T, F: FnMut(&[u8]) -> T> std::iter::FusedIterator for Records<R, F> {}

impl<R, F> fmt::Debug for Records<R, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Records")
            .field("record_size", &self.reader.record_size)
            .field(
                "buffered",
                &((self.end - self.pos) / self.reader.record_size),
            )
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{decode_u32, format_error, read_all};
    use crate::RecordWriter;

    fn file_of(record_size: usize, body: &[u8]) -> Vec<u8> {
        let mut file = Vec::new();
        RecordWriter::create(&mut file, record_size).unwrap();
        file.extend_from_slice(body);
        file
    }

    #[test]
    // Safe code over more than 100 KB of data: 20 to 80 s under Miri, which
    // has no unsafe code to check here; `cargo test` runs it.
    #[cfg_attr(miri, ignore)]
    fn read_records_round_trips_many_chunks() {
        let body: Vec<u8> = (0..30_000u32).flat_map(u32::to_le_bytes).collect();
        let file = file_of(4, &body);
        assert_eq!(
            read_all(&file, 4, decode_u32),
            (0..30_000).collect::<Vec<_>>()
        );
    }

    #[test]
    // Safe code over more than 100 KB of data: 20 to 80 s under Miri, which
    // has no unsafe code to check here; `cargo test` runs it.
    #[cfg_attr(miri, ignore)]
    fn records_larger_than_a_chunk_are_read_whole() {
        let record_size = READ_CHUNK + 3;
        let body: Vec<u8> = (0..2 * record_size).map(|i| (i % 251) as u8).collect();
        let file = file_of(record_size, &body);
        let records = read_all(&file, record_size, <[u8]>::to_vec);
        assert_eq!(records.concat(), body);
        assert_eq!(records.len(), 2);
    }

    #[test]
    fn a_mismatched_record_size_is_a_clear_error() {
        let file = file_of(8, &[0; 16]);
        let err = read_records(file.as_slice(), 4, <[u8]>::to_vec).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(
            err.to_string(),
            "record size mismatch: the file holds 8-byte records, 4-byte records were expected"
        );
        let reader = RecordReader::open(file.as_slice()).unwrap();
        assert_eq!(reader.record_size(), 8);
    }

    #[test]
    fn a_file_without_header_is_refused() {
        let err = RecordReader::new(&b"just some text, no header"[..], 4).unwrap_err();
        assert!(matches!(
            format_error(&err),
            RecordFormatError::BadMagic { .. }
        ));
        let err = RecordReader::new(&b""[..], 4).unwrap_err();
        assert_eq!(
            format_error(&err),
            RecordFormatError::TruncatedHeader { len: 0 }
        );
    }

    #[test]
    fn a_cut_record_is_reported_after_the_whole_ones() {
        let file = file_of(4, b"aaaabbbbcc");
        let mut records = read_records(file.as_slice(), 4, <[u8]>::to_vec).unwrap();
        assert_eq!(records.next().unwrap().unwrap(), b"aaaa");
        assert_eq!(records.next().unwrap().unwrap(), b"bbbb");
        let err = records.next().unwrap().unwrap_err();
        assert_eq!(
            format_error(&err),
            RecordFormatError::PartialRecord {
                record_size: 4,
                trailing: 2
            }
        );
        assert!(records.next().is_none());
        assert!(records.next().is_none());
    }

    #[test]
    fn read_batch_reports_a_cut_record_on_the_call_after_the_whole_ones() {
        let file = file_of(4, b"aaaab");
        let mut reader = RecordReader::new(file.as_slice(), 4).unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(reader.read_batch(&mut buf).unwrap(), 1);
        assert!(reader.read_batch(&mut buf).is_err());
        let mut only_cut = RecordReader::new(io::Cursor::new(file_of(4, b"aa")), 4).unwrap();
        assert!(only_cut.read_batch(&mut buf).is_err());
    }

    #[test]
    fn a_buffer_shorter_than_a_record_is_refused() {
        let file = file_of(4, b"aaaa");
        let mut reader = RecordReader::new(file.as_slice(), 4).unwrap();
        let err = reader.read_batch(&mut [0u8; 3]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(reader.read_batch(&mut [0u8; 4]).unwrap(), 1);
    }

    #[test]
    fn io_errors_end_the_iteration() {
        struct FailAfterHeader(Vec<u8>);
        impl Read for FailAfterHeader {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() {
                    return Err(io::Error::other("device gone"));
                }
                let n = buf.len().min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0.drain(..n);
                Ok(n)
            }
        }
        let mut records =
            read_records(FailAfterHeader(file_of(2, &[])), 2, <[u8]>::to_vec).unwrap();
        assert_eq!(
            records.next().unwrap().unwrap_err().to_string(),
            "device gone"
        );
        assert!(records.next().is_none());
    }

    #[test]
    fn typed_records_round_trip_and_report_invalid_values() {
        use crate::{Spout, WriteSpout};
        let mut file = Vec::new();
        let mut tier = WriteSpout::typed_records(&mut file).unwrap();
        tier.send_all([[1u64, 2], [3, 4]]).unwrap();
        drop(tier);
        let items: Vec<[u64; 2]> = read_typed_records(file.as_slice())
            .unwrap()
            .collect::<io::Result<_>>()
            .unwrap();
        assert_eq!(items, [[1, 2], [3, 4]]);

        // Records of 16 bytes are not records of `u32`.
        let err = read_typed_records::<_, u32>(file.as_slice()).unwrap_err();
        assert!(matches!(
            format_error(&err),
            RecordFormatError::RecordSizeMismatch {
                expected: 4,
                found: 16
            }
        ));

        // A record that is not a `bool` is an error; the next one is read.
        let mut file = Vec::new();
        RecordWriter::create(&mut file, 1)
            .unwrap()
            .write_records(&[1, 7, 0])
            .unwrap();
        let mut flags = read_typed_records::<_, bool>(file.as_slice()).unwrap();
        assert!(flags.next().unwrap().unwrap());
        let bad = flags.next().unwrap().unwrap_err();
        assert_eq!(bad.kind(), ErrorKind::InvalidData);
        assert!(!flags.next().unwrap().unwrap());
        assert!(flags.next().is_none());
    }
}
