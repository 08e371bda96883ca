//! [`RecordWriter`]: writes raw fixed-size records to a record file.

use std::io::{self, Read, Seek, Write};

use crate::record_format::{
    check_record_size, open_record_append, write_record_header, RecordFormatError,
};
use crate::write::writer_access;
use crate::Spout;

/// Writes raw fixed-size records, as they are, to a record file (see
/// [`write_record_header`] for the format): the disk tier for items that are
/// plain bytes, such as the elements of a byte ring.
///
/// [`write_records`](RecordWriter::write_records) takes any number of whole
/// records in one byte slice and writes them with one `write_all`. As a
/// spout, a `RecordWriter` takes `[u8; N]` items where `N` is the record
/// size; [`send_slice`](Spout::send_slice) writes a whole slice of them in
/// one `write_all`, without copying.
///
/// Nothing is buffered here: wrap a file in a [`std::io::BufWriter`] when
/// records come one at a time. [`flush`](Spout::flush) flushes the writer.
/// Read the file back with [`RecordReader`](crate::RecordReader) or
/// [`read_records`](crate::read_records).
///
/// ```
/// use spout::{read_records, RecordWriter, Spout};
///
/// let mut file = Vec::new();
/// let mut writer = RecordWriter::create(&mut file, 4)?;
/// writer.write_records(b"abcdefgh")?; // two records
/// writer.send(*b"ijkl")?;
/// writer.send_slice(&[*b"mnop", *b"qrst"])?;
/// writer.flush()?;
///
/// let records: Vec<Vec<u8>> = read_records(file.as_slice(), 4, <[u8]>::to_vec)?
///     .collect::<std::io::Result<_>>()?;
/// assert_eq!(records, [b"abcd", b"efgh", b"ijkl", b"mnop", b"qrst"]);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct RecordWriter<W> {
    writer: W,
    record_size: usize,
}

impl<W: Write> RecordWriter<W> {
    /// Starts a record file of `record_size`-byte records in `writer`: writes
    /// the header.
    ///
    /// Fails if `record_size` is 0 or above `u32::MAX` (nothing is written),
    /// or if writing the header fails.
    pub fn create(mut writer: W, record_size: usize) -> io::Result<Self> {
        write_record_header(&mut writer, record_size)?;
        Ok(RecordWriter {
            writer,
            record_size,
        })
    }

    /// Continues the record file `file` (an empty file is given a header),
    /// as [`open_record_append`] describes: fails, leaving the file as it
    /// is, if it is not a record file of `record_size`-byte records made of
    /// whole records.
    ///
    /// ```no_run
    /// use std::fs::OpenOptions;
    /// use spout::RecordWriter;
    ///
    /// let file = OpenOptions::new().read(true).append(true).create(true).open("spill.rec")?;
    /// let mut tier = RecordWriter::append(file, 64)?;
    /// tier.write_records(&[0u8; 64])?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn append(mut file: W, record_size: usize) -> io::Result<Self>
    where
        W: Read + Seek,
    {
        open_record_append(&mut file, record_size)?;
        Ok(RecordWriter {
            writer: file,
            record_size,
        })
    }

    /// The size of a record in bytes.
    pub fn record_size(&self) -> usize {
        self.record_size
    }

    /// Writes `records`, which must be a whole number of records (possibly
    /// none), with one `write_all`.
    ///
    /// If `records.len()` is not a multiple of the record size, nothing is
    /// written and the error (kind `InvalidInput`) is a
    /// [`RecordFormatError::PartialRecord`]. If the writer fails, a prefix of
    /// `records` may have been written, as with any `write_all`.
    pub fn write_records(&mut self, records: &[u8]) -> io::Result<()> {
        let trailing = records.len() % self.record_size;
        if trailing != 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                RecordFormatError::PartialRecord {
                    record_size: self.record_size,
                    trailing,
                },
            ));
        }
        self.writer.write_all(records)
    }

    writer_access!(W);

    /// Checks that `[u8; N]` items are records of this file.
    fn expect_item_size<const N: usize>(&self) -> io::Result<()> {
        if N == self.record_size {
            Ok(())
        } else {
            check_record_size(N)?;
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                RecordFormatError::RecordSizeMismatch {
                    expected: self.record_size,
                    found: N,
                },
            ))
        }
    }
}

impl<const N: usize, W: Write> Spout<[u8; N]> for RecordWriter<W> {
    /// An io error of the writer, or (kind `InvalidInput`, nothing written)
    /// items whose size `N` is not the record size.
    type Error = io::Error;

    fn send(&mut self, item: [u8; N]) -> io::Result<()> {
        self.send_slice(&[item])
    }

    fn send_slice(&mut self, items: &[[u8; N]]) -> io::Result<()> {
        self.expect_item_size::<N>()?;
        self.writer.write_all(items.as_flattened())
    }

    fn flush(&mut self) -> io::Result<()> {
        RecordWriter::flush(self)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::format_error;
    use std::io::{Cursor, ErrorKind};

    use super::*;
    use crate::record_format::{read_record_header, RECORD_HEADER_LEN};
    use crate::test_support::{CountWrites, FailingWriter};

    #[test]
    fn create_writes_the_header_then_raw_records() {
        let mut writer = RecordWriter::create(Vec::new(), 3).unwrap();
        writer.write_records(b"abcdef").unwrap();
        writer.write_records(b"").unwrap();
        writer.send(*b"ghi").unwrap();
        let bytes = writer.into_inner();
        assert_eq!(read_record_header(&mut bytes.as_slice()).unwrap(), 3);
        assert_eq!(&bytes[RECORD_HEADER_LEN..], b"abcdefghi");
    }

    #[test]
    fn send_slice_is_a_single_write() {
        let mut writer = RecordWriter::create(CountWrites::default(), 2).unwrap();
        let items: Vec<[u8; 2]> = (0..100u8).map(|i| [i, i]).collect();
        writer.send_slice(&items).unwrap();
        let out = writer.into_inner();
        assert_eq!(out.writes, 2, "one write for the header, one for the slice");
        assert_eq!(out.bytes.len(), RECORD_HEADER_LEN + 200);
    }

    #[test]
    fn partial_records_are_refused_unwritten() {
        let mut writer = RecordWriter::create(Vec::new(), 4).unwrap();
        let err = writer.write_records(b"abcdef").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            format_error(&err),
            RecordFormatError::PartialRecord {
                record_size: 4,
                trailing: 2
            }
        );
        assert_eq!(writer.get_ref().len(), RECORD_HEADER_LEN);
    }

    #[test]
    fn items_of_another_size_are_refused_unwritten() {
        let mut writer = RecordWriter::create(Vec::new(), 4).unwrap();
        let err = writer.send(*b"abcdefgh").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            format_error(&err),
            RecordFormatError::RecordSizeMismatch {
                expected: 4,
                found: 8
            }
        );
        let err = writer.send_slice(&[[0u8; 0]; 3]).unwrap_err();
        assert_eq!(
            format_error(&err),
            RecordFormatError::InvalidRecordSize { size: 0 }
        );
        assert_eq!(writer.get_ref().len(), RECORD_HEADER_LEN);
    }

    #[test]
    fn append_continues_an_existing_file() {
        let mut first = RecordWriter::create(Cursor::new(Vec::new()), 2).unwrap();
        first.write_records(b"aabb").unwrap();
        let file = first.into_inner();
        let mut second = RecordWriter::append(file, 2).unwrap();
        second.send(*b"cc").unwrap();
        let bytes = second.into_inner().into_inner();
        assert_eq!(&bytes[RECORD_HEADER_LEN..], b"aabbcc");
        assert!(RecordWriter::append(Cursor::new(bytes), 3).is_err());
    }

    #[test]
    fn io_errors_are_reported() {
        assert_eq!(
            RecordWriter::create(FailingWriter::new(4), 4)
                .unwrap_err()
                .to_string(),
            "disk full"
        );
        let mut writer =
            RecordWriter::create(FailingWriter::new(RECORD_HEADER_LEN + 4), 4).unwrap();
        writer.send(*b"abcd").unwrap();
        assert_eq!(writer.send(*b"efgh").unwrap_err().to_string(), "disk full");
        writer.get_mut().fail_flush = true;
        assert_eq!(writer.flush().unwrap_err().to_string(), "flush failed");
        assert_eq!(
            Spout::<[u8; 4]>::flush(&mut writer)
                .unwrap_err()
                .to_string(),
            "flush failed"
        );
    }

    #[test]
    fn invalid_record_size_is_refused() {
        let err = RecordWriter::create(Vec::new(), 0).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }
}
