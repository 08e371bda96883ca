//! The disk tier: `spill_file_spout`, a spout that appends evicted elements
//! to a record file (the `spout` crate's record format), and
//! `spill_file_read`, which replays such a file into any spout.
#![allow(non_camel_case_types)]

use core::ffi::{c_char, c_int, c_void, CStr};
use std::cell::RefCell;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use spout::{open_record_append, RecordReader};

use crate::abi::entry;
use crate::abi::handle::{self, impl_opaque, Handle, Release};
use crate::abi::last_error::Error;
use crate::abi::lifecycle;
use crate::abi::limits::SPILL_RING_MAX_ELEM_SIZE;
use crate::abi::ptr_args::{write_opt, Out};
use crate::abi::status::spill_status;
use crate::c_spout::{self, spill_spout, CSpout};

/// How many bytes `spill_file_read` reads per batch (whole records).
const READ_BATCH_BYTES: usize = 64 * 1024;

/// A piece of `spill_file_read`'s buffer: the buffer is made of these so
/// that batches start on a cache line, aligned for any C element type (a
/// C struct's size is a multiple of its alignment, so every element of a
/// packed batch is aligned too).
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([u8; 64]);

/// A zeroed buffer of at least `bytes` bytes, aligned to 64.
fn aligned_buffer(bytes: usize) -> Vec<Line> {
    vec![Line([0; 64]); bytes.div_ceil(64)]
}

/// The bytes of an aligned buffer.
fn as_bytes(buf: &mut [Line]) -> &mut [u8] {
    // SAFETY: `Line` is 64 plain bytes with no padding, so the lines are
    // `64 * len` initialised bytes, borrowed exclusively.
    unsafe { core::slice::from_raw_parts_mut(buf.as_mut_ptr().cast(), buf.len() * 64) }
}

/// What a file spout handle holds.
pub(crate) struct FileTier {
    out: RefCell<BufWriter<File>>,
    elem_size: usize,
}

impl Release for FileTier {
    fn release(&self) -> Result<(), Error> {
        self.out
            .borrow_mut()
            .flush()
            .map_err(|e| io_error("flushing", &e))
    }
}

/// A spout that appends every element it receives to a record file, so
/// that evicted items persist (opaque). Open it with
/// spill_file_spout_open(), pass spill_file_spout_as_spout() to a ring,
/// close it with spill_file_spout_close() after the rings that use it were
/// freed. Read the file back with spill_file_read().
///
/// Thread-safety: one thread at a time (the thread of the ring it serves).
pub struct spill_file_spout(Handle<FileTier>);

impl_opaque!(spill_file_spout(FileTier));

fn io_error(doing: &str, e: &io::Error) -> Error {
    Error::new(spill_status::SPILL_IO_ERROR, format!("{doing}: {e}"))
}

/// The path a C string names.
///
/// # Safety
///
/// `path` is NULL or a NUL-terminated string.
unsafe fn path_arg(path: *const c_char) -> Result<PathBuf, Error> {
    if path.is_null() {
        return Err(Error::null("path"));
    }
    // SAFETY: the caller's contract.
    let path = unsafe { CStr::from_ptr(path) };
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(path.to_bytes())))
    }
    #[cfg(not(unix))]
    {
        path.to_str()
            .map(PathBuf::from)
            .map_err(|_| Error::invalid("path is not valid UTF-8".to_owned()))
    }
}

fn check_elem_size(elem_size: usize) -> Result<(), Error> {
    if elem_size == 0 || elem_size > SPILL_RING_MAX_ELEM_SIZE {
        return Err(Error::invalid(format!(
            "elem_size {elem_size} is outside 1..={SPILL_RING_MAX_ELEM_SIZE}"
        )));
    }
    Ok(())
}

/// Opens (creating it if needed) the record file at `path` for appending
/// elements of `elem_size` bytes (1..=SPILL_RING_MAX_ELEM_SIZE). A new or
/// empty file gets a header; an existing file must be a record file of
/// `elem_size`-byte records, and keeps its records.
///
/// Writes the file spout to `*out_file` (NULL on failure). The documented
/// constructor; any thread.
///
/// Returns SPILL_OK; SPILL_NULL_ARGUMENT when `path` or `out_file` is NULL;
/// SPILL_INVALID_ARGUMENT for an `elem_size` outside
/// 1..=SPILL_RING_MAX_ELEM_SIZE, a path that is not valid UTF-8 (on
/// Windows), or a file of another format or element size; SPILL_IO_ERROR
/// when the file cannot be opened, read or written; SPILL_OUT_OF_MEMORY.
///
/// # Safety
///
/// `path` is NULL or a NUL-terminated string; `out_file` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn spill_file_spout_create(
    path: *const c_char,
    elem_size: usize,
    out_file: *mut *mut spill_file_spout,
) -> spill_status {
    // SAFETY: the caller's contract on `out_file`.
    let out = unsafe { Out::required(out_file, "out_file") };
    entry::create(out, || {
        // SAFETY: the caller's contract.
        let path = unsafe { path_arg(path)? };
        check_elem_size(elem_size)?;
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| io_error(&format!("opening {}", path.display()), &e))?;
        open_record_append(&mut file, elem_size)
            .map_err(|e| io_error(&format!("appending to {}", path.display()), &e))?;
        lifecycle::allocate(FileTier {
            out: RefCell::new(BufWriter::new(file)),
            elem_size,
        })
    })
}

/// spill_file_spout_create() returning the file spout: NULL on failure,
/// with the reason in spill_last_error() (prefer spill_file_spout_create()).
///
/// # Safety
///
/// `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn spill_file_spout_open(
    path: *const c_char,
    elem_size: usize,
) -> *mut spill_file_spout {
    // SAFETY: the caller's contract.
    entry::created(|out| unsafe { spill_file_spout_create(path, elem_size, out) })
}

/// The spout that appends to `file`: pass it to a ring whose elements are
/// the file's `elem_size` bytes (a spill_ring_u64 for 8-byte files, a
/// spill_ring_bytes of the same elem_size...). Writes are buffered; its
/// flush (called by the ring's flush and free) writes them out.
///
/// A batch that fails to be written is refused (the ring keeps it and its
/// call returns SPILL_SPOUT_FAILED; spill_last_error() names the I/O
/// error); part of it may have reached the file. For a NULL file, the
/// spout's send is NULL.
///
/// # Safety
///
/// `file` is NULL or a live file spout that outlives every ring using the
/// spout.
#[no_mangle]
pub unsafe extern "C" fn spill_file_spout_as_spout(file: *mut spill_file_spout) -> spill_spout {
    c_spout::feeding(file.cast(), file_send, file_flush)
}

/// The `send` of [`spill_file_spout_as_spout`].
unsafe extern "C" fn file_send(ctx: *mut c_void, items: *const c_void, count: usize) -> c_int {
    entry::status(|| {
        // SAFETY: `ctx` is the file spout; the ring passes `count` packed
        // elements of the file's size.
        unsafe {
            handle::enter(ctx.cast::<spill_file_spout>().cast_const(), |tier| {
                let len = count.checked_mul(tier.elem_size).ok_or_else(|| {
                    Error::invalid(format!(
                        "a batch of {count} elements does not fit in memory"
                    ))
                })?;
                let bytes = crate::abi::ptr_args::slice(items.cast::<u8>(), len, "items")?;
                tier.out
                    .borrow_mut()
                    .write_all(bytes)
                    .map_err(|e| io_error("writing to the file spout", &e))
            })
        }
    }) as c_int
}

/// The `flush` of [`spill_file_spout_as_spout`].
unsafe extern "C" fn file_flush(ctx: *mut c_void) -> c_int {
    entry::status(|| {
        // SAFETY: `ctx` is the file spout.
        unsafe {
            handle::enter(ctx.cast::<spill_file_spout>().cast_const(), |tier| {
                tier.release()
            })
        }
    }) as c_int
}

/// Writes out buffered elements and closes the file. NULL does nothing.
///
/// Returns SPILL_IO_ERROR when the last writes fail (the spout is closed
/// anyway); SPILL_BUSY when called from inside the spout itself (not
/// closed).
///
/// # Safety
///
/// `file` is NULL or a live file spout that no live ring still uses; it is
/// not used again once closed.
#[no_mangle]
pub unsafe extern "C" fn spill_file_spout_close(file: *mut spill_file_spout) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { lifecycle::free(file) }
}

/// Reads the record file at `path` (elements of `elem_size` bytes) and
/// hands its elements, oldest first, to `dst` in batches of up to 64 KiB.
/// Writes how many elements `dst` accepted to `*out_count` (may be NULL),
/// also on failure.
///
/// Returns SPILL_IO_ERROR when the file cannot be read, is not a record
/// file, holds records of another size, or ends inside a record (after
/// delivering the whole ones); SPILL_SPOUT_FAILED when `dst` refuses a
/// batch (reading stops there).
///
/// # Safety
///
/// `path` is NULL or a NUL-terminated string; `dst` is NULL or a valid
/// spout; `out_count` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn spill_file_read(
    path: *const c_char,
    elem_size: usize,
    dst: *const spill_spout,
    out_count: *mut usize,
) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::count(out_count, "out_count")? };
        // SAFETY: the caller's contract.
        let path = unsafe { path_arg(path)? };
        // SAFETY: the caller's contract.
        let dst = unsafe { CSpout::required(dst, "dst")? };
        check_elem_size(elem_size)?;
        let reading = |e: io::Error| io_error(&format!("reading {}", path.display()), &e);
        let file = File::open(&path).map_err(reading)?;
        let mut reader = RecordReader::new(io::BufReader::new(file), elem_size).map_err(reading)?;
        let batch = (READ_BATCH_BYTES / elem_size).max(1) * elem_size;
        let mut lines = aligned_buffer(batch);
        let buf = &mut as_bytes(&mut lines)[..batch];
        let mut delivered = 0;
        loop {
            let records = reader.read_batch(buf).map_err(reading);
            let records = match records {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) => return Err(e),
            };
            // SAFETY: `buf` holds `records` packed elements.
            unsafe { dst.send_raw(buf.as_ptr().cast(), records)? };
            delivered += records;
            write_opt(&out, delivered);
        }
    })
}
