//! The record file format of the disk tier: a 16-byte header, then
//! fixed-size records back to back.
//!
//! | bytes | content |
//! |---|---|
//! | 0..8 | [`RECORD_MAGIC`], `b"SPILLREC"` |
//! | 8..12 | [`RECORD_FORMAT_VERSION`], little-endian `u32` |
//! | 12..16 | record size in bytes, little-endian `u32`, at least 1 |
//! | 16.. | the records, each exactly record-size bytes, oldest first |
//!
//! Records are stored as they are: the format says nothing about their
//! contents or byte order, which are the writer's and reader's agreement.

use std::fmt;
use std::io::{self, ErrorKind, Read, Seek, SeekFrom, Write};

/// The first 8 bytes of every record file.
pub const RECORD_MAGIC: [u8; 8] = *b"SPILLREC";

/// The version of the record format this crate writes and reads.
pub const RECORD_FORMAT_VERSION: u32 = 1;

/// The length of a record file's header in bytes.
pub const RECORD_HEADER_LEN: usize = 16;

/// What is wrong with a record file, or with records handed to a writer.
///
/// The io functions of this crate report it inside an [`io::Error`] of kind
/// [`ErrorKind::InvalidData`] (for bad input: [`ErrorKind::InvalidInput`]);
/// get it back with `err.get_ref()` and `downcast_ref`, or read its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordFormatError {
    /// The file is shorter than a header.
    TruncatedHeader {
        /// How many bytes the file has.
        len: usize,
    },
    /// The file does not start with [`RECORD_MAGIC`].
    BadMagic {
        /// The first 8 bytes found.
        found: [u8; 8],
    },
    /// The file was written in another version of the format.
    UnsupportedVersion {
        /// The version found.
        found: u32,
    },
    /// The file holds records of another size than the caller expects.
    RecordSizeMismatch {
        /// The size the caller expects.
        expected: usize,
        /// The size the file declares.
        found: usize,
    },
    /// A record size of 0, or one that does not fit the header's `u32`.
    InvalidRecordSize {
        /// The size asked for or found.
        size: usize,
    },
    /// The data ends inside a record: the file was cut short, or a writer
    /// was handed bytes that are not a whole number of records.
    PartialRecord {
        /// The record size.
        record_size: usize,
        /// How many bytes of the last record there are.
        trailing: usize,
    },
    /// An item was encoded into another number of bytes than the record
    /// size.
    EncodedSizeMismatch {
        /// The record size.
        record_size: usize,
        /// How many bytes the encoder wrote.
        encoded: usize,
    },
}

impl RecordFormatError {
    /// The record format error inside `err`, if it carries one (the io
    /// functions of this crate report format problems this way).
    ///
    /// ```
    /// use spout::{read_record_header, RecordFormatError};
    ///
    /// let err = read_record_header(&mut &b"SPILL"[..]).unwrap_err();
    /// assert_eq!(
    ///     RecordFormatError::from_io_error(&err),
    ///     Some(RecordFormatError::TruncatedHeader { len: 5 })
    /// );
    /// ```
    pub fn from_io_error(err: &io::Error) -> Option<RecordFormatError> {
        err.get_ref()?.downcast_ref::<RecordFormatError>().copied()
    }
}

impl fmt::Display for RecordFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RecordFormatError::TruncatedHeader { len } => write!(
                f,
                "not a record file: {len} bytes, shorter than the {RECORD_HEADER_LEN}-byte header"
            ),
            RecordFormatError::BadMagic { found } => write!(
                f,
                "not a record file: it starts with {:?}, not {:?}",
                found.escape_ascii().to_string(),
                RECORD_MAGIC.escape_ascii().to_string()
            ),
            RecordFormatError::UnsupportedVersion { found } => write!(
                f,
                "record file format version {found} is not supported (this reader knows version {RECORD_FORMAT_VERSION})"
            ),
            RecordFormatError::RecordSizeMismatch { expected, found } => write!(
                f,
                "record size mismatch: the file holds {found}-byte records, {expected}-byte records were expected"
            ),
            RecordFormatError::InvalidRecordSize { size } => write!(
                f,
                "invalid record size {size}: it must be between 1 and {}",
                u32::MAX
            ),
            RecordFormatError::PartialRecord {
                record_size,
                trailing,
            } => write!(
                f,
                "partial record: {trailing} trailing bytes do not make a whole {record_size}-byte record"
            ),
            RecordFormatError::EncodedSizeMismatch {
                record_size,
                encoded,
            } => write!(
                f,
                "an item was encoded into {encoded} bytes, not the record size {record_size}"
            ),
        }
    }
}

impl std::error::Error for RecordFormatError {}

impl From<RecordFormatError> for io::Error {
    fn from(err: RecordFormatError) -> io::Error {
        let kind = match err {
            RecordFormatError::InvalidRecordSize { .. }
            | RecordFormatError::EncodedSizeMismatch { .. } => ErrorKind::InvalidInput,
            _ => ErrorKind::InvalidData,
        };
        io::Error::new(kind, err)
    }
}

/// Checks that `record_size` fits the header: 1 to `u32::MAX`.
pub(crate) fn check_record_size(record_size: usize) -> Result<u32, RecordFormatError> {
    u32::try_from(record_size)
        .ok()
        .filter(|&size| size > 0)
        .ok_or(RecordFormatError::InvalidRecordSize { size: record_size })
}

/// Writes the header of a record file holding `record_size`-byte records.
///
/// Fails with [`RecordFormatError::InvalidRecordSize`] (kind
/// `InvalidInput`) for a size of 0 or above `u32::MAX`, writing nothing.
pub fn write_record_header<W: Write + ?Sized>(
    writer: &mut W,
    record_size: usize,
) -> io::Result<()> {
    let size = check_record_size(record_size)?;
    let mut header = [0u8; RECORD_HEADER_LEN];
    header[..8].copy_from_slice(&RECORD_MAGIC);
    header[8..12].copy_from_slice(&RECORD_FORMAT_VERSION.to_le_bytes());
    header[12..].copy_from_slice(&size.to_le_bytes());
    writer.write_all(&header)
}

/// Reads and checks a record file's header; returns the record size it
/// declares.
///
/// Fails with a [`RecordFormatError`] (kind `InvalidData`) if the data is
/// shorter than a header, has the wrong magic or version, or declares a
/// record size of 0.
pub fn read_record_header<R: Read + ?Sized>(reader: &mut R) -> io::Result<usize> {
    let mut header = [0u8; RECORD_HEADER_LEN];
    let len = read_full(reader, &mut header)?;
    if len < RECORD_HEADER_LEN {
        return Err(RecordFormatError::TruncatedHeader { len }.into());
    }
    let mut magic = [0u8; 8];
    magic.copy_from_slice(&header[..8]);
    if magic != RECORD_MAGIC {
        return Err(RecordFormatError::BadMagic { found: magic }.into());
    }
    let version = u32::from_le_bytes([header[8], header[9], header[10], header[11]]);
    if version != RECORD_FORMAT_VERSION {
        return Err(RecordFormatError::UnsupportedVersion { found: version }.into());
    }
    let size = u32::from_le_bytes([header[12], header[13], header[14], header[15]]) as usize;
    if size == 0 {
        return Err(io::Error::new(
            ErrorKind::InvalidData,
            RecordFormatError::InvalidRecordSize { size },
        ));
    }
    Ok(size)
}

/// Checks that a file declaring `found`-byte records is what the caller
/// expects.
pub(crate) fn expect_record_size(expected: usize, found: usize) -> io::Result<()> {
    if expected == found {
        Ok(())
    } else {
        Err(RecordFormatError::RecordSizeMismatch { expected, found }.into())
    }
}

/// Prepares `file` to take more `record_size`-byte records at its end and
/// returns how many records it already holds.
///
/// An empty file gets a header. A file that is not empty must be a record
/// file of `record_size`-byte records made of whole records; otherwise it is
/// left untouched and the error says why (a [`RecordFormatError`]). On
/// success the file's position is at its end.
pub fn open_record_append<F>(file: &mut F, record_size: usize) -> io::Result<u64>
where
    F: Read + Write + Seek + ?Sized,
{
    check_record_size(record_size)?;
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        write_record_header(file, record_size)?;
        return Ok(0);
    }
    file.seek(SeekFrom::Start(0))?;
    let found = read_record_header(file)?;
    expect_record_size(record_size, found)?;
    let body = len - RECORD_HEADER_LEN as u64;
    let trailing = body % record_size as u64;
    if trailing != 0 {
        return Err(RecordFormatError::PartialRecord {
            record_size,
            // Below `record_size`, a `usize`.
            trailing: trailing as usize,
        }
        .into());
    }
    file.seek(SeekFrom::End(0))?;
    Ok(body / record_size as u64)
}

/// Reads into `buf` until it is full or the data ends; returns how many bytes
/// were read (less than `buf.len()` only at the end of the data).
pub(crate) fn read_full<R: Read + ?Sized>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use crate::test_support::format_error;
    use std::io::Cursor;

    use super::*;

    fn header(record_size: usize) -> Vec<u8> {
        let mut out = Vec::new();
        write_record_header(&mut out, record_size).unwrap();
        out
    }

    #[test]
    fn header_layout_is_magic_version_size() {
        let bytes = header(24);
        assert_eq!(bytes.len(), RECORD_HEADER_LEN);
        assert_eq!(&bytes[..8], b"SPILLREC");
        assert_eq!(&bytes[8..12], &1u32.to_le_bytes());
        assert_eq!(&bytes[12..], &24u32.to_le_bytes());
        assert_eq!(read_record_header(&mut bytes.as_slice()).unwrap(), 24);
    }

    #[test]
    fn invalid_record_sizes_are_refused_before_writing() {
        let mut out = Vec::new();
        let err = write_record_header(&mut out, 0).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            format_error(&err),
            RecordFormatError::InvalidRecordSize { size: 0 }
        );
        #[cfg(target_pointer_width = "64")]
        assert!(write_record_header(&mut out, u32::MAX as usize + 1).is_err());
        assert!(out.is_empty());
    }

    #[test]
    fn bad_headers_are_reported_clearly() {
        let short = read_record_header(&mut &b"SPILL"[..]).unwrap_err();
        assert_eq!(short.kind(), ErrorKind::InvalidData);
        assert_eq!(
            format_error(&short),
            RecordFormatError::TruncatedHeader { len: 5 }
        );

        let mut bad_magic = header(8);
        bad_magic[0] = b'X';
        let err = read_record_header(&mut bad_magic.as_slice()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a record file: it starts with \"XPILLREC\", not \"SPILLREC\""
        );

        let mut bad_version = header(8);
        bad_version[8] = 9;
        let err = read_record_header(&mut bad_version.as_slice()).unwrap_err();
        assert_eq!(
            format_error(&err),
            RecordFormatError::UnsupportedVersion { found: 9 }
        );

        let mut zero_size = header(8);
        zero_size[12] = 0;
        let err = read_record_header(&mut zero_size.as_slice()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(
            format_error(&err),
            RecordFormatError::InvalidRecordSize { size: 0 }
        );
    }

    #[test]
    fn append_to_an_empty_file_writes_the_header() {
        let mut file = Cursor::new(Vec::new());
        assert_eq!(open_record_append(&mut file, 4).unwrap(), 0);
        assert_eq!(file.get_ref(), &header(4));
        assert_eq!(file.position(), RECORD_HEADER_LEN as u64);
    }

    #[test]
    fn append_to_a_record_file_counts_and_seeks_to_the_end() {
        let mut bytes = header(4);
        bytes.extend_from_slice(&[1; 12]);
        let mut file = Cursor::new(bytes);
        assert_eq!(open_record_append(&mut file, 4).unwrap(), 3);
        assert_eq!(file.position(), 28);
    }

    #[test]
    fn append_refuses_mismatched_or_damaged_files_untouched() {
        let mut bytes = header(4);
        bytes.extend_from_slice(&[1; 6]);
        let mut file = Cursor::new(bytes.clone());
        let err = open_record_append(&mut file, 4).unwrap_err();
        assert_eq!(
            err.to_string(),
            "partial record: 2 trailing bytes do not make a whole 4-byte record"
        );
        let err = open_record_append(&mut file, 8).unwrap_err();
        assert_eq!(
            format_error(&err),
            RecordFormatError::RecordSizeMismatch {
                expected: 8,
                found: 4
            }
        );
        let mut text = Cursor::new(b"hello, world, not records".to_vec());
        assert!(matches!(
            format_error(&open_record_append(&mut text, 4).unwrap_err()),
            RecordFormatError::BadMagic { .. }
        ));
        assert_eq!(file.get_ref(), &bytes);
    }

    #[test]
    fn read_full_retries_interrupted_and_short_reads() {
        struct Stutter(Vec<u8>, bool);
        impl Read for Stutter {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.1 = !self.1;
                if self.1 {
                    return Err(ErrorKind::Interrupted.into());
                }
                let n = buf.len().min(self.0.len()).min(1);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0.drain(..n);
                Ok(n)
            }
        }
        let mut reader = Stutter(vec![1, 2, 3], false);
        let mut buf = [0u8; 5];
        assert_eq!(read_full(&mut reader, &mut buf).unwrap(), 3);
        assert_eq!(buf, [1, 2, 3, 0, 0]);
    }
}
