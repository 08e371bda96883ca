//! The exported C functions under test, declared here as `include/spill_ring.h`
//! declares them (statuses as `c_int`, so that an out-of-range value is seen
//! rather than being undefined behaviour), and one dispatch type that calls
//! the `spill_ring_u64` or the `spill_ring_bytes` function of an operation.

use std::ffi::{c_char, c_int, c_void, CStr};

// The symbols live in the `spill_ring` rlib; naming the crate links it.
use spill_ring as _;

/// An opaque ring handle of either family.
pub type RingPtr = *mut c_void;

/// `spill_send_fn`.
pub type SendFn = unsafe extern "C" fn(*mut c_void, *const c_void, usize) -> c_int;
/// `spill_flush_fn`.
pub type FlushFn = unsafe extern "C" fn(*mut c_void) -> c_int;

/// `spill_spout`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Spout {
    /// Receives batches.
    pub send: Option<SendFn>,
    /// Flushes; may be absent.
    pub flush: Option<FlushFn>,
    /// First argument of both.
    pub ctx: *mut c_void,
}

/// `SPILL_OK` and the other statuses of `spill_status`.
pub mod status {
    use std::ffi::c_int;
    pub const OK: c_int = 0;
    pub const EMPTY: c_int = 1;
    pub const FULL: c_int = 2;
    pub const NULL_ARGUMENT: c_int = 3;
    pub const INVALID_ARGUMENT: c_int = 4;
    pub const SPOUT_FAILED: c_int = 5;
    pub const BUSY: c_int = 9;
}

/// `SPILL_RING_MAX_CAPACITY`.
pub const MAX_CAPACITY: usize = 1 << 20;
/// `SPILL_RING_MAX_ELEM_SIZE`.
pub const MAX_ELEM_SIZE: usize = 4096;
/// `SPILL_RING_ALIGN`.
pub const RING_ALIGN: usize = 64;

extern "C" {
    fn spill_last_error() -> *const c_char;
    fn spill_file_spout_open(path: *const c_char, elem_size: usize) -> *mut c_void;

    fn spill_ring_u64_new(capacity: usize, spout: *const Spout) -> RingPtr;
    fn spill_ring_u64_memsize(capacity: usize, out_size: *mut usize) -> c_int;
    fn spill_ring_u64_init(
        mem: *mut c_void,
        mem_size: usize,
        capacity: usize,
        spout: *const Spout,
        out: *mut RingPtr,
    ) -> c_int;
    fn spill_ring_u64_free(ring: RingPtr) -> c_int;
    fn spill_ring_u64_push(ring: RingPtr, item: u64) -> c_int;
    fn spill_ring_u64_try_push(ring: RingPtr, item: u64) -> c_int;
    fn spill_ring_u64_push_bulk(
        ring: RingPtr,
        items: *const u64,
        count: usize,
        out: *mut usize,
    ) -> c_int;
    fn spill_ring_u64_pop(ring: RingPtr, out: *mut u64) -> c_int;
    fn spill_ring_u64_pop_bulk(ring: RingPtr, out: *mut u64, max: usize, n: *mut usize) -> c_int;
    fn spill_ring_u64_peek(ring: RingPtr, out: *mut u64) -> c_int;
    fn spill_ring_u64_len(ring: RingPtr) -> usize;
    fn spill_ring_u64_capacity(ring: RingPtr) -> usize;
    fn spill_ring_u64_is_empty(ring: RingPtr) -> bool;
    fn spill_ring_u64_is_full(ring: RingPtr) -> bool;
    fn spill_ring_u64_flush(ring: RingPtr, out: *mut usize) -> c_int;
    fn spill_ring_u64_drain(ring: RingPtr, dst: *const Spout, out: *mut usize) -> c_int;
    fn spill_ring_u64_clear(ring: RingPtr) -> c_int;
    fn spill_ring_u64_as_spout(ring: RingPtr) -> Spout;

    fn spill_ring_bytes_new(elem_size: usize, capacity: usize, spout: *const Spout) -> RingPtr;
    fn spill_ring_bytes_memsize(elem_size: usize, capacity: usize, out_size: *mut usize) -> c_int;
    fn spill_ring_bytes_init(
        mem: *mut c_void,
        mem_size: usize,
        elem_size: usize,
        capacity: usize,
        spout: *const Spout,
        out: *mut RingPtr,
    ) -> c_int;
    fn spill_ring_bytes_free(ring: RingPtr) -> c_int;
    fn spill_ring_bytes_push(ring: RingPtr, item: *const c_void) -> c_int;
    fn spill_ring_bytes_try_push(ring: RingPtr, item: *const c_void) -> c_int;
    fn spill_ring_bytes_push_bulk(
        ring: RingPtr,
        items: *const c_void,
        count: usize,
        out: *mut usize,
    ) -> c_int;
    fn spill_ring_bytes_pop(ring: RingPtr, out: *mut c_void) -> c_int;
    fn spill_ring_bytes_pop_bulk(
        ring: RingPtr,
        out: *mut c_void,
        max: usize,
        n: *mut usize,
    ) -> c_int;
    fn spill_ring_bytes_peek(ring: RingPtr, out: *mut c_void) -> c_int;
    fn spill_ring_bytes_len(ring: RingPtr) -> usize;
    fn spill_ring_bytes_capacity(ring: RingPtr) -> usize;
    fn spill_ring_bytes_elem_size(ring: RingPtr) -> usize;
    fn spill_ring_bytes_is_empty(ring: RingPtr) -> bool;
    fn spill_ring_bytes_is_full(ring: RingPtr) -> bool;
    fn spill_ring_bytes_flush(ring: RingPtr, out: *mut usize) -> c_int;
    fn spill_ring_bytes_drain(ring: RingPtr, dst: *const Spout, out: *mut usize) -> c_int;
    fn spill_ring_bytes_clear(ring: RingPtr) -> c_int;
    fn spill_ring_bytes_as_spout(ring: RingPtr) -> Spout;
}

// The documented constructors.
extern "C" {
    fn spill_ring_u64_create(capacity: usize, spout: *const Spout, out: *mut RingPtr) -> c_int;
    fn spill_ring_bytes_create(
        elem_size: usize,
        capacity: usize,
        spout: *const Spout,
        out: *mut RingPtr,
    ) -> c_int;
}

/// The text of `spill_last_error()`.
pub fn last_error() -> String {
    // SAFETY: the library returns a NUL-terminated string that stays valid
    // until the next failing call on this thread; it is copied at once.
    unsafe { CStr::from_ptr(spill_last_error()) }
        .to_string_lossy()
        .into_owned()
}

/// Makes the last error a message that no operation of the harness causes
/// (a NULL path given to the file spout), so that what a later call does to
/// it can be seen. Returns that message.
pub fn prime_last_error() {
    // SAFETY: a NULL path is refused by the library without side effects.
    let file = unsafe { spill_file_spout_open(std::ptr::null(), 8) };
    assert!(
        file.is_null(),
        "spill_file_spout_open(NULL, 8) returned a handle"
    );
}

/// Which family a ring belongs to, with its element size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `spill_ring_u64` (8-byte items, passed by value).
    U64,
    /// `spill_ring_bytes` with this element size.
    Bytes(usize),
}

/// The pointer for an optional out-count.
fn sentinel_ptr(out: Option<&mut usize>) -> *mut usize {
    match out {
        Some(r) => r,
        None => std::ptr::null_mut(),
    }
}

fn opt_ptr<T>(p: Option<*const T>) -> *const T {
    p.unwrap_or(std::ptr::null())
}

impl Family {
    /// Bytes per element.
    pub fn elem(self) -> usize {
        match self {
            Family::U64 => 8,
            Family::Bytes(e) => e,
        }
    }

    /// The alignment a batch handed to a spout must have: that of a C array
    /// of elements of this size, capped at 16 (`uint64_t` for the u64 family).
    pub fn batch_align(self) -> usize {
        match self {
            Family::U64 => 8,
            Family::Bytes(e) => (1usize << e.trailing_zeros()).min(16),
        }
    }

    /// `_create`.
    ///
    /// # Safety
    /// `spout` is NULL or valid, `out` NULL or writable.
    pub unsafe fn create(self, cap: usize, spout: *const Spout, out: *mut RingPtr) -> c_int {
        match self {
            Family::U64 => spill_ring_u64_create(cap, spout, out),
            Family::Bytes(e) => spill_ring_bytes_create(e, cap, spout, out),
        }
    }

    /// `_new`.
    ///
    /// # Safety
    /// `spout` is NULL or valid.
    pub unsafe fn new_ring(self, cap: usize, spout: *const Spout) -> RingPtr {
        match self {
            Family::U64 => spill_ring_u64_new(cap, spout),
            Family::Bytes(e) => spill_ring_bytes_new(e, cap, spout),
        }
    }

    /// `_memsize`.
    ///
    /// # Safety
    /// `out` NULL or writable.
    pub unsafe fn memsize(self, cap: usize, out: *mut usize) -> c_int {
        match self {
            Family::U64 => spill_ring_u64_memsize(cap, out),
            Family::Bytes(e) => spill_ring_bytes_memsize(e, cap, out),
        }
    }

    /// `_init`.
    ///
    /// # Safety
    /// `mem` valid for `size` bytes or NULL, `spout` NULL or valid, `out`
    /// NULL or writable.
    pub unsafe fn init(
        self,
        mem: *mut c_void,
        size: usize,
        cap: usize,
        spout: *const Spout,
        out: *mut RingPtr,
    ) -> c_int {
        match self {
            Family::U64 => spill_ring_u64_init(mem, size, cap, spout, out),
            Family::Bytes(e) => spill_ring_bytes_init(mem, size, e, cap, spout, out),
        }
    }

    /// `_free`.
    ///
    /// # Safety
    /// `ring` NULL, live, or a freed ring in caller memory that still exists.
    pub unsafe fn free(self, ring: RingPtr) -> c_int {
        match self {
            Family::U64 => spill_ring_u64_free(ring),
            Family::Bytes(_) => spill_ring_bytes_free(ring),
        }
    }

    /// `_push` (`try_ == false`) or `_try_push`; `item` NULL only for bytes.
    ///
    /// # Safety
    /// As `free`; `item` NULL or `elem()` readable bytes.
    pub unsafe fn push(self, ring: RingPtr, item: Option<&[u8]>, try_: bool) -> c_int {
        match self {
            Family::U64 => {
                let v = u64::from_le_bytes(
                    item.expect("u64 items are values")[..8].try_into().unwrap(),
                );
                if try_ {
                    spill_ring_u64_try_push(ring, v)
                } else {
                    spill_ring_u64_push(ring, v)
                }
            }
            Family::Bytes(_) => {
                let p = opt_ptr(item.map(|s| s.as_ptr().cast::<c_void>()));
                if try_ {
                    spill_ring_bytes_try_push(ring, p)
                } else {
                    spill_ring_bytes_push(ring, p)
                }
            }
        }
    }

    /// `_push_bulk`.
    ///
    /// # Safety
    /// As `free`; `items` NULL or `count` elements, aligned for them.
    pub unsafe fn push_bulk(
        self,
        ring: RingPtr,
        items: *const u8,
        count: usize,
        out: Option<&mut usize>,
    ) -> c_int {
        let out = sentinel_ptr(out);
        match self {
            Family::U64 => spill_ring_u64_push_bulk(ring, items.cast(), count, out),
            Family::Bytes(_) => spill_ring_bytes_push_bulk(ring, items.cast(), count, out),
        }
    }

    /// `_pop` (`peek == false`) or `_peek` into `out` (`elem()` bytes).
    ///
    /// # Safety
    /// As `free`; `out` NULL or `elem()` writable bytes.
    pub unsafe fn pop(self, ring: RingPtr, out: Option<&mut [u8]>, peek: bool) -> c_int {
        match self {
            Family::U64 => {
                let mut v: u64 = 0;
                let p: *mut u64 = if out.is_some() {
                    &mut v
                } else {
                    std::ptr::null_mut()
                };
                let st = if peek {
                    spill_ring_u64_peek(ring, p)
                } else {
                    spill_ring_u64_pop(ring, p)
                };
                if let Some(o) = out {
                    o[..8].copy_from_slice(&v.to_le_bytes());
                }
                st
            }
            Family::Bytes(_) => {
                let p = match out {
                    Some(o) => o.as_mut_ptr().cast::<c_void>(),
                    None => std::ptr::null_mut(),
                };
                if peek {
                    spill_ring_bytes_peek(ring, p)
                } else {
                    spill_ring_bytes_pop(ring, p)
                }
            }
        }
    }

    /// `_pop_bulk`.
    ///
    /// # Safety
    /// As `free`; `out` NULL or room for `max` elements, aligned for them.
    pub unsafe fn pop_bulk(
        self,
        ring: RingPtr,
        out: *mut u8,
        max: usize,
        n: Option<&mut usize>,
    ) -> c_int {
        let n = sentinel_ptr(n);
        match self {
            Family::U64 => spill_ring_u64_pop_bulk(ring, out.cast(), max, n),
            Family::Bytes(_) => spill_ring_bytes_pop_bulk(ring, out.cast(), max, n),
        }
    }

    /// `_len`.
    ///
    /// # Safety
    /// As `free`.
    pub unsafe fn len(self, ring: RingPtr) -> usize {
        match self {
            Family::U64 => spill_ring_u64_len(ring),
            Family::Bytes(_) => spill_ring_bytes_len(ring),
        }
    }

    /// `_capacity`.
    ///
    /// # Safety
    /// As `free`.
    pub unsafe fn capacity(self, ring: RingPtr) -> usize {
        match self {
            Family::U64 => spill_ring_u64_capacity(ring),
            Family::Bytes(_) => spill_ring_bytes_capacity(ring),
        }
    }

    /// `spill_ring_bytes_elem_size` (None for the u64 family, which has none).
    ///
    /// # Safety
    /// As `free`.
    pub unsafe fn elem_size(self, ring: RingPtr) -> Option<usize> {
        match self {
            Family::U64 => None,
            Family::Bytes(_) => Some(spill_ring_bytes_elem_size(ring)),
        }
    }

    /// `_is_empty`.
    ///
    /// # Safety
    /// As `free`.
    pub unsafe fn is_empty(self, ring: RingPtr) -> bool {
        match self {
            Family::U64 => spill_ring_u64_is_empty(ring),
            Family::Bytes(_) => spill_ring_bytes_is_empty(ring),
        }
    }

    /// `_is_full`.
    ///
    /// # Safety
    /// As `free`.
    pub unsafe fn is_full(self, ring: RingPtr) -> bool {
        match self {
            Family::U64 => spill_ring_u64_is_full(ring),
            Family::Bytes(_) => spill_ring_bytes_is_full(ring),
        }
    }

    /// `_flush`.
    ///
    /// # Safety
    /// As `free`.
    pub unsafe fn flush(self, ring: RingPtr, out: Option<&mut usize>) -> c_int {
        let out = sentinel_ptr(out);
        match self {
            Family::U64 => spill_ring_u64_flush(ring, out),
            Family::Bytes(_) => spill_ring_bytes_flush(ring, out),
        }
    }

    /// `_drain`.
    ///
    /// # Safety
    /// As `free`; `dst` NULL or valid.
    pub unsafe fn drain(self, ring: RingPtr, dst: *const Spout, out: Option<&mut usize>) -> c_int {
        let out = sentinel_ptr(out);
        match self {
            Family::U64 => spill_ring_u64_drain(ring, dst, out),
            Family::Bytes(_) => spill_ring_bytes_drain(ring, dst, out),
        }
    }

    /// `_clear`.
    ///
    /// # Safety
    /// As `free`.
    pub unsafe fn clear(self, ring: RingPtr) -> c_int {
        match self {
            Family::U64 => spill_ring_u64_clear(ring),
            Family::Bytes(_) => spill_ring_bytes_clear(ring),
        }
    }

    /// `_as_spout`.
    ///
    /// # Safety
    /// `ring` NULL or live.
    pub unsafe fn as_spout(self, ring: RingPtr) -> Spout {
        match self {
            Family::U64 => spill_ring_u64_as_spout(ring),
            Family::Bytes(_) => spill_ring_bytes_as_spout(ring),
        }
    }
}

/// A zeroed heap block aligned to [`RING_ALIGN`], for caller-memory rings
/// and for item buffers (so that `u64` items and batches are aligned).
pub struct AlignedBuf {
    ptr: *mut u8,
    len: usize,
}

impl AlignedBuf {
    fn layout(len: usize) -> std::alloc::Layout {
        std::alloc::Layout::from_size_align(len.max(1), RING_ALIGN).expect("layout")
    }

    /// `len` zero bytes.
    pub fn zeroed(len: usize) -> AlignedBuf {
        // SAFETY: the layout has a nonzero size.
        let ptr = unsafe { std::alloc::alloc_zeroed(Self::layout(len)) };
        assert!(!ptr.is_null(), "allocation of {len} bytes failed");
        AlignedBuf { ptr, len }
    }

    /// A copy of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> AlignedBuf {
        let buf = AlignedBuf::zeroed(bytes.len());
        // SAFETY: `buf` has room for `bytes.len()` bytes and does not overlap.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.ptr, bytes.len()) };
        buf
    }

    /// The first byte.
    pub fn ptr(&self) -> *mut u8 {
        self.ptr
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `ptr` holds `len` initialised bytes.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

impl Drop for AlignedBuf {
    fn drop(&mut self) {
        // SAFETY: allocated in `zeroed` with this layout.
        unsafe { std::alloc::dealloc(self.ptr, Self::layout(self.len)) }
    }
}
