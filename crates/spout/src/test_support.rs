//! Spouts and writers that fail on demand, shared by the unit tests.

#![cfg(feature = "alloc")]

use alloc::vec::Vec;
use core::fmt;

use crate::Spout;

/// The error of a [`Limited`] spout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("refused")
    }
}

impl core::error::Error for Refused {}

/// Accepts `limit` items, then refuses every further one; counts flushes and
/// refuses them too once `fail_flush` is set.
#[derive(Debug)]
pub struct Limited<T> {
    pub items: Vec<T>,
    pub limit: usize,
    pub flushes: usize,
    pub fail_flush: bool,
}

impl<T> Limited<T> {
    pub fn new(limit: usize) -> Self {
        Limited {
            items: Vec::new(),
            limit,
            flushes: 0,
            fail_flush: false,
        }
    }
}

impl<T> Spout<T> for Limited<T> {
    type Error = Refused;

    fn send(&mut self, item: T) -> Result<(), Refused> {
        if self.items.len() == self.limit {
            return Err(Refused);
        }
        self.items.push(item);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Refused> {
        if self.fail_flush {
            return Err(Refused);
        }
        self.flushes += 1;
        Ok(())
    }
}

/// A writer that accepts `limit` bytes, then fails every write (and every
/// flush once `fail_flush` is set).
#[cfg(feature = "std")]
#[derive(Debug, Default)]
pub struct FailingWriter {
    pub written: Vec<u8>,
    pub limit: usize,
    pub fail_flush: bool,
    pub flushes: usize,
}

#[cfg(feature = "std")]
impl FailingWriter {
    pub fn new(limit: usize) -> Self {
        FailingWriter {
            limit,
            ..Self::default()
        }
    }
}

#[cfg(feature = "std")]
impl std::io::Write for FailingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.limit - self.written.len();
        if room == 0 {
            return Err(std::io::Error::other("disk full"));
        }
        let n = room.min(buf.len());
        self.written.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.fail_flush {
            return Err(std::io::Error::other("flush failed"));
        }
        self.flushes += 1;
        Ok(())
    }
}

/// A writer that keeps every byte it is given and counts its `write` calls.
#[cfg(feature = "std")]
#[derive(Debug, Default)]
pub struct CountWrites {
    pub bytes: Vec<u8>,
    pub writes: usize,
}

#[cfg(feature = "std")]
impl std::io::Write for CountWrites {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writes += 1;
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Decodes a 4-byte little-endian record.
#[cfg(feature = "std")]
pub fn decode_u32(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes.try_into().unwrap())
}

/// Every record of the record file `file` of `record_size`-byte records,
/// decoded with `decode`; panics on any error.
#[cfg(feature = "std")]
pub fn read_all<T>(file: &[u8], record_size: usize, decode: impl FnMut(&[u8]) -> T) -> Vec<T> {
    crate::read_records(file, record_size, decode)
        .unwrap()
        .collect::<std::io::Result<_>>()
        .unwrap()
}

/// The record format error an io error carries; panics if it carries none.
#[cfg(feature = "std")]
pub fn format_error(err: &std::io::Error) -> crate::RecordFormatError {
    crate::RecordFormatError::from_io_error(err).expect("a record format error")
}
