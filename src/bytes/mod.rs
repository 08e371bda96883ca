//! The bytes family, `spill_ring_bytes`: elements of `elem_size` bytes (1
//! to 4096), fixed when the ring is created, stored as they are at exactly
//! that stride ([`ring::BytesRing`]), so that a C struct goes in as it is.
//!
//! Each exported function resolves its handle once and then calls the
//! ring's safe operation.
#![allow(non_camel_case_types)]

mod ring;

use core::ffi::{c_int, c_void};
use core::ptr::NonNull;

use ring::BytesRing;
use spill_ring_core::check_capacity;

use crate::abi::block::BlockLayout;
use crate::abi::entry;
use crate::abi::handle::{self, impl_opaque, Handle, Owner, Release};
use crate::abi::last_error::Error;
use crate::abi::lifecycle::{self, Family};
use crate::abi::limits::SPILL_RING_MAX_ELEM_SIZE;
use crate::abi::ptr_args::{self, Out};
use crate::abi::status::spill_status;
use crate::c_spout::transfer::Batches;
use crate::c_spout::{self, spill_spout, CSpout};

impl Release for BytesRing {
    fn release(&self) -> Result<(), Error> {
        crate::c_spout::transfer::release(self, self.spout)
    }
}

/// A ring of fixed-size byte elements (opaque): each element is
/// `elem_size` bytes (1 to SPILL_RING_MAX_ELEM_SIZE), chosen at creation,
/// stored as is at exactly that stride: the ring takes
/// `capacity * elem_size` bytes plus a fixed header (see
/// spill_ring_bytes_memsize()). Spout batches hold `count * elem_size`
/// packed bytes, aligned as an array of C structs of `elem_size` bytes
/// would be.
///
/// Thread-safety: as for the by-value rings, one thread at a time per ring.
pub struct spill_ring_bytes(Handle<BytesRing>);

impl_opaque!(spill_ring_bytes(BytesRing));

/// Where a bytes ring's parts go in its block: the handle, then the slots.
pub(crate) struct BytesPlan {
    layout: BlockLayout,
    elem_size: usize,
    capacity: usize,
    slots: usize,
}

impl Family for spill_ring_bytes {
    /// `(elem_size, capacity)`.
    type Params = (usize, usize);
    type Plan = BytesPlan;

    fn plan((elem_size, capacity): (usize, usize), spout: &CSpout) -> Result<BytesPlan, Error> {
        if elem_size == 0 || elem_size > SPILL_RING_MAX_ELEM_SIZE {
            return Err(Error::invalid(format!(
                "elem_size {elem_size} is outside 1..={SPILL_RING_MAX_ELEM_SIZE}"
            )));
        }
        check_capacity(capacity).map_err(|e| Error::invalid(e.to_string()))?;
        crate::ring::check_chain(elem_size, spout)?;
        let mut layout = BlockLayout::starting_with::<Self>();
        let slots = layout.array::<u8>(capacity * elem_size)?;
        Ok(BytesPlan {
            layout,
            elem_size,
            capacity,
            slots,
        })
    }

    fn layout(plan: &BytesPlan) -> BlockLayout {
        plan.layout
    }

    unsafe fn build(mem: NonNull<u8>, plan: &BytesPlan, spout: CSpout, owner: Owner) -> *mut Self {
        // SAFETY: the plan put `capacity * elem_size` bytes of slots at this
        // offset inside the block, which the caller's contract covers.
        let slots = unsafe { mem.add(plan.slots) };
        // SAFETY: the slots are aligned (regions are), inside the block and
        // used by nothing else until the handle is freed; the plan checked
        // the capacity.
        let ring = unsafe { BytesRing::new(slots, plan.elem_size, plan.capacity, spout) };
        // SAFETY: the block starts with room for `Self`; the slots follow.
        unsafe { handle::emplace::<Self>(mem, ring, owner) }
    }
}

/// `count` packed elements of `elem_size` bytes at `ptr`.
///
/// # Safety
///
/// As for [`ptr_args::slice`], for `count * elem_size` bytes.
unsafe fn elements<'a>(
    ptr: *const c_void,
    count: usize,
    elem_size: usize,
    what: &str,
) -> Result<&'a [u8], Error> {
    let bytes = count
        .checked_mul(elem_size)
        .ok_or_else(|| Error::invalid(format!("{what}: {count} items do not fit in memory")))?;
    // SAFETY: the caller's contract.
    unsafe { ptr_args::slice(ptr.cast::<u8>(), bytes, what) }
}

/// Room for `count` packed elements of `elem_size` bytes at `ptr`.
///
/// # Safety
///
/// As for [`ptr_args::slice_mut`], for `count * elem_size` bytes.
unsafe fn elements_mut<'a>(
    ptr: *mut c_void,
    count: usize,
    elem_size: usize,
    what: &str,
) -> Result<&'a mut [u8], Error> {
    let bytes = count
        .checked_mul(elem_size)
        .ok_or_else(|| Error::invalid(format!("{what}: {count} items do not fit in memory")))?;
    // SAFETY: the caller's contract.
    unsafe { ptr_args::slice_mut(ptr.cast::<u8>(), bytes, what) }
}

/// Creates an empty ring of `capacity` elements of `elem_size` bytes that
/// evicts into `spout` (copied; NULL drops evicted items), and writes it to
/// `*out_ring` (NULL on failure). The documented constructor.
///
/// Returns SPILL_OK; SPILL_NULL_ARGUMENT when `out_ring` is NULL;
/// SPILL_INVALID_ARGUMENT when `elem_size` is outside
/// 1..=SPILL_RING_MAX_ELEM_SIZE, `capacity` is not a power of two in
/// 1..=SPILL_RING_MAX_CAPACITY, `spout` has no send function, or `spout`
/// feeds another bytes ring (spill_ring_bytes_as_spout()) whose element
/// size differs; SPILL_OUT_OF_MEMORY when memory runs out. Any thread.
///
/// # Safety
///
/// `spout` is NULL or points to a valid spill_spout; `out_ring` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_create(
    elem_size: usize,
    capacity: usize,
    spout: *const spill_spout,
    out_ring: *mut *mut spill_ring_bytes,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { lifecycle::create::<spill_ring_bytes>((elem_size, capacity), spout, out_ring) }
}

/// spill_ring_bytes_create() returning the ring: NULL on failure, with the
/// reason in spill_last_error() (prefer spill_ring_bytes_create()).
///
/// # Safety
///
/// `spout` is NULL or points to a valid spill_spout.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_new(
    elem_size: usize,
    capacity: usize,
    spout: *const spill_spout,
) -> *mut spill_ring_bytes {
    // SAFETY: the caller's contract.
    entry::created(|out| unsafe { spill_ring_bytes_create(elem_size, capacity, spout, out) })
}

/// Writes to `*out_size` how many bytes spill_ring_bytes_init() needs for
/// a ring of `capacity` elements of `elem_size` bytes.
///
/// # Safety
///
/// `out_size` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_memsize(
    elem_size: usize,
    capacity: usize,
    out_size: *mut usize,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { lifecycle::memsize::<spill_ring_bytes>((elem_size, capacity), out_size) }
}

/// Builds a bytes ring inside `mem`, which the caller owns: `mem_size`
/// bytes (at least spill_ring_bytes_memsize()), aligned to
/// SPILL_RING_ALIGN. Writes the handle to `*out_ring` (NULL on failure).
/// spill_ring_bytes_free() releases the ring but never frees `mem`.
///
/// # Safety
///
/// `mem` is valid for `mem_size` bytes and used by nothing else until the
/// ring is freed; `spout` is NULL or valid; `out_ring` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_init(
    mem: *mut c_void,
    mem_size: usize,
    elem_size: usize,
    capacity: usize,
    spout: *const spill_spout,
    out_ring: *mut *mut spill_ring_bytes,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe {
        lifecycle::init::<spill_ring_bytes>(mem, mem_size, (elem_size, capacity), spout, out_ring)
    }
}

/// Frees a bytes ring, as spill_ring_u64_free() does (the same statuses):
/// the remaining elements go to the spout in at most two batches, stopping
/// at a refused one (the refused elements are lost, never offered again),
/// the spout's flush is called once, and the ring is released (and its
/// memory if spill_ring_bytes_create() allocated it). NULL does nothing.
///
/// # Safety
///
/// `ring` is NULL or a live ring, not used again once freed.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_free(ring: *mut spill_ring_bytes) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { lifecycle::free(ring) }
}

/// Appends the `elem_size` bytes at `item`, evicting the oldest element to
/// the spout (one batch of one element) when the ring is full.
///
/// Returns SPILL_OK; SPILL_SPOUT_FAILED when the spout refused the evicted
/// element (the ring is unchanged and `item` was not pushed);
/// SPILL_NULL_ARGUMENT for a NULL ring or `item`; SPILL_INVALID_ARGUMENT
/// for a freed caller-memory ring; SPILL_BUSY from inside the ring's own
/// spout. The ring's thread (one thread at a time).
///
/// # Safety
///
/// `ring` is NULL or a live ring; `item` is NULL or points to `elem_size`
/// readable bytes.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_push(
    ring: *mut spill_ring_bytes,
    item: *const c_void,
) -> spill_status {
    // SAFETY: the caller's contract; the fast push calls no spout.
    unsafe {
        entry::idle_or_checked(
            ring,
            |r| r.push_fast(item.cast(), true),
            || push_checked(ring, item, true),
        )
    }
}

/// spill_ring_bytes_push() (`evict`) or spill_ring_bytes_try_push() the
/// checked way (`extern "C"`: see [`entry::idle_or_checked`]).
///
/// # Safety
///
/// As for [`spill_ring_bytes_push`].
#[inline(never)]
unsafe extern "C" fn push_checked(
    ring: *mut spill_ring_bytes,
    item: *const c_void,
    evict: bool,
) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract (`item` for the ring's element size).
        unsafe {
            handle::enter(ring, |r| {
                let item = elements(item, 1, r.elem_size(), "item")?;
                if evict {
                    r.push(item)
                } else {
                    r.try_push(item)
                }
            })
        }
    })
}

/// Appends the element at `item` only if there is room: SPILL_FULL
/// (nothing evicted, no spout call) when the ring is full; otherwise the
/// statuses of spill_ring_bytes_push(). The ring's thread.
///
/// # Safety
///
/// As for spill_ring_bytes_push().
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_try_push(
    ring: *mut spill_ring_bytes,
    item: *const c_void,
) -> spill_status {
    // SAFETY: the caller's contract; the fast path calls no spout.
    unsafe {
        entry::idle_or_checked(
            ring,
            |r| r.push_fast(item.cast(), false),
            || push_checked(ring, item, false),
        )
    }
}

/// Appends the `count` packed elements at `items` (`count * elem_size`
/// bytes), oldest first, as spill_ring_u64_push_bulk() does: up to three
/// spout batches (the ring's oldest elements, split at the storage's wrap
/// point, then the front of `items` beyond the capacity), all or nothing
/// for `items`.
///
/// Returns SPILL_OK with `count` in `*out_pushed` (may be NULL; 0 on every
/// failure); SPILL_NULL_ARGUMENT for a NULL ring, or NULL `items` with
/// `count` > 0; SPILL_INVALID_ARGUMENT for a freed caller-memory ring or
/// `count * elem_size` beyond the address space; SPILL_SPOUT_FAILED;
/// SPILL_BUSY from inside the ring's own spout. The ring's thread.
///
/// # Safety
///
/// `ring` is NULL or a live ring; `items` is NULL or holds `count`
/// elements; `out_pushed` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_push_bulk(
    ring: *mut spill_ring_bytes,
    items: *const c_void,
    count: usize,
    out_pushed: *mut usize,
) -> spill_status {
    // SAFETY: the caller's contract.
    entry::status(|| unsafe { push_bulk(ring, items, count, out_pushed) })
}

/// [`spill_ring_bytes_push_bulk`] as a `Result`, for the export and for
/// the chaining spout (which reports a status, not a message).
///
/// # Safety
///
/// As for [`spill_ring_bytes_push_bulk`].
unsafe fn push_bulk(
    ring: *mut spill_ring_bytes,
    items: *const c_void,
    count: usize,
    out_pushed: *mut usize,
) -> Result<(), Error> {
    // SAFETY: the caller's contract.
    let out = unsafe { Out::count(out_pushed, "out_pushed")? };
    // SAFETY: the caller's contract (`items` for the ring's element size).
    let done = unsafe {
        handle::enter(ring, |r| {
            Ok(r.push_bulk(elements(items, count, r.elem_size(), "items")?))
        })?
    };
    done.report(&out)
}

/// Removes the oldest element into the `elem_size` bytes at `out`.
///
/// Returns SPILL_OK; SPILL_NULL_ARGUMENT for a NULL ring or a NULL `out`
/// (also when the ring is empty); SPILL_EMPTY when there is no element;
/// SPILL_INVALID_ARGUMENT for a freed caller-memory ring; SPILL_BUSY from
/// inside the ring's own spout. The ring's thread.
///
/// # Safety
///
/// `ring` is NULL or a live ring; `out` is NULL or has room for
/// `elem_size` bytes.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_pop(
    ring: *mut spill_ring_bytes,
    out: *mut c_void,
) -> spill_status {
    // SAFETY: the caller's contract; the fast path calls no spout.
    unsafe {
        entry::idle_or_checked(
            ring,
            |r| r.pop_fast(out.cast()),
            || pop_checked(ring, out, true),
        )
    }
}

/// spill_ring_bytes_pop() (`take`) or spill_ring_bytes_peek() the checked
/// way (see [`push_checked`]).
///
/// # Safety
///
/// As for [`spill_ring_bytes_pop`].
#[inline(never)]
unsafe extern "C" fn pop_checked(
    ring: *mut spill_ring_bytes,
    out: *mut c_void,
    take: bool,
) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract (`out` for the ring's element size).
        unsafe {
            handle::enter(ring, |r| {
                let out = elements_mut(out, 1, r.elem_size(), "out")?;
                if take {
                    r.pop(out)
                } else {
                    r.peek(out)
                }
            })
        }
    })
}

/// Moves up to `max` oldest elements into `out` (packed, oldest first, at
/// most two copies) and writes how many to `*out_popped` (required; 0 on
/// every failure).
///
/// Returns SPILL_OK (also for `max` 0); SPILL_EMPTY when the ring is empty
/// and `max` > 0; SPILL_NULL_ARGUMENT for a NULL ring, a NULL
/// `out_popped`, or a NULL `out` with `max` > 0; SPILL_INVALID_ARGUMENT
/// for a freed caller-memory ring or `max * elem_size` beyond the address
/// space; SPILL_BUSY from inside the ring's own spout. The ring's thread.
///
/// # Safety
///
/// `ring` is NULL or a live ring; `out` is NULL or has room for `max`
/// elements; `out_popped` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_pop_bulk(
    ring: *mut spill_ring_bytes,
    out: *mut c_void,
    max: usize,
    out_popped: *mut usize,
) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        let popped = unsafe { Out::count(out_popped, "out_popped")? };
        // SAFETY: the caller's contract (`out` for the ring's element size).
        let done = unsafe {
            handle::enter(ring, |r| {
                ptr_args::require(&popped, "out_popped")?;
                Ok(r.pop_bulk(elements_mut(out, max, r.elem_size(), "out")?))
            })?
        };
        done.report(&popped)
    })
}

/// Copies the oldest element into the `elem_size` bytes at `out`, leaving
/// it in the ring. The statuses of spill_ring_bytes_pop().
///
/// # Safety
///
/// As for spill_ring_bytes_pop().
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_peek(
    ring: *const spill_ring_bytes,
    out: *mut c_void,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { pop_checked(ring.cast_mut(), out, false) }
}

/// Runs a read-only query; `fallback` for a NULL or freed handle.
///
/// # Safety
///
/// `ring` is NULL or a live ring.
unsafe fn query<R>(
    ring: *const spill_ring_bytes,
    fallback: R,
    f: impl FnOnce(&BytesRing) -> R,
) -> R {
    // SAFETY: the caller's contract.
    entry::value(fallback, || unsafe { handle::read(ring, f) })
}

/// How many elements the ring holds (0 for NULL, with spill_last_error()
/// set). Allowed from inside the ring's own spout, where it still counts
/// the elements being offered. The ring's thread.
///
/// # Safety
///
/// `ring` is NULL or a live ring.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_len(ring: *const spill_ring_bytes) -> usize {
    // SAFETY: the caller's contract.
    unsafe { query(ring, 0, |r| r.len()) }
}

/// How many elements the ring can hold (0 for NULL). Allowed from inside
/// the ring's own spout. The ring's thread.
///
/// # Safety
///
/// `ring` is NULL or a live ring.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_capacity(ring: *const spill_ring_bytes) -> usize {
    // SAFETY: the caller's contract.
    unsafe { query(ring, 0, |r| r.capacity()) }
}

/// The size in bytes of one element (0 for NULL). Allowed from inside the
/// ring's own spout. The ring's thread.
///
/// # Safety
///
/// `ring` is NULL or a live ring.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_elem_size(ring: *const spill_ring_bytes) -> usize {
    // SAFETY: the caller's contract.
    unsafe { query(ring, 0, |r| r.elem_size()) }
}

/// Whether the ring holds no element (false for NULL). Allowed from inside
/// the ring's own spout. The ring's thread.
///
/// # Safety
///
/// `ring` is NULL or a live ring.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_is_empty(ring: *const spill_ring_bytes) -> bool {
    // SAFETY: the caller's contract.
    unsafe { query(ring, false, |r| r.len() == 0) }
}

/// Whether the ring is full, so that the next push evicts (false for
/// NULL). Allowed from inside the ring's own spout. The ring's thread.
///
/// # Safety
///
/// `ring` is NULL or a live ring.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_is_full(ring: *const spill_ring_bytes) -> bool {
    // SAFETY: the caller's contract.
    unsafe { query(ring, false, |r| r.len() == r.capacity()) }
}

/// Sends every element to the ring's spout as spill_ring_u64_flush() does
/// (0, 1 or 2 batches split at the storage's wrap point, stopping at a
/// refused batch, then the spout's flush once, whatever happened);
/// `*out_flushed` (may be NULL) counts the elements that left the ring,
/// also on failure.
///
/// Returns SPILL_OK; SPILL_SPOUT_FAILED when the spout refused a batch
/// (it and the later elements stay in the ring) or its flush failed;
/// SPILL_NULL_ARGUMENT, SPILL_INVALID_ARGUMENT, SPILL_BUSY as for
/// spill_ring_bytes_push(). With a NULL spout every element is dropped.
/// The ring's thread.
///
/// # Safety
///
/// `ring` is NULL or a live ring; `out_flushed` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_flush(
    ring: *mut spill_ring_bytes,
    out_flushed: *mut usize,
) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::count(out_flushed, "out_flushed")? };
        // SAFETY: the caller's contract.
        let done =
            unsafe { handle::enter(ring, |r| Ok(crate::c_spout::transfer::flush(r, r.spout)))? };
        done.report(&out)
    })
}

/// Sends every element to `dst` (not the ring's spout) in at most two
/// packed batches, oldest first, stopping at a refused batch; `dst`'s
/// flush is not called. `*out_drained` (may be NULL) counts the elements
/// that left the ring, also on failure.
///
/// Returns SPILL_OK; SPILL_SPOUT_FAILED when `dst` refused a batch;
/// SPILL_NULL_ARGUMENT for a NULL ring or `dst`; SPILL_INVALID_ARGUMENT
/// for a freed caller-memory ring or a `dst` without send; SPILL_BUSY from
/// inside the ring's own spout. The ring's thread.
///
/// # Safety
///
/// `ring` is NULL or a live ring; `dst` is NULL or a valid spout;
/// `out_drained` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_drain(
    ring: *mut spill_ring_bytes,
    dst: *const spill_spout,
    out_drained: *mut usize,
) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::count(out_drained, "out_drained")? };
        // SAFETY: the caller's contract.
        let done = unsafe {
            handle::enter(ring, |r| {
                let mut dst = CSpout::required(dst, "dst")?;
                Ok(r.send_all(&mut dst))
            })?
        };
        done.report(&out)
    })
}

/// Discards every element (they do not go to the spout).
///
/// Returns SPILL_OK; SPILL_NULL_ARGUMENT, SPILL_INVALID_ARGUMENT,
/// SPILL_BUSY as for spill_ring_bytes_push(). The ring's thread.
///
/// # Safety
///
/// `ring` is NULL or a live ring.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_clear(ring: *mut spill_ring_bytes) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        unsafe {
            handle::enter(ring, |r| {
                r.clear();
                Ok(())
            })
        }
    })
}

/// A spout that bulk-pushes the batches it receives into `ring`, for
/// chaining bytes rings from C: a ring whose spout this is must have the
/// same `elem_size` (creation refuses another). Its send returns the
/// spill_status of the push (0 when taken, all or nothing); its flush
/// flushes `ring`'s own spout (the elements stay in `ring`). For a NULL
/// ring, the spout's send is NULL. Any thread.
///
/// # Safety
///
/// `ring` is NULL or a live ring that outlives every user of the spout.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_as_spout(ring: *mut spill_ring_bytes) -> spill_spout {
    c_spout::feeding(ring.cast(), bytes_spout_send, bytes_spout_flush)
}

/// The `send` of [`spill_ring_bytes_as_spout`].
pub(crate) unsafe extern "C" fn bytes_spout_send(
    ctx: *mut c_void,
    items: *const c_void,
    count: usize,
) -> c_int {
    // SAFETY: `ctx` is the ring the spout was made for; the caller of a
    // spout passes `count` packed elements of that ring's size.
    entry::code(|| unsafe { push_bulk(ctx.cast(), items, count, core::ptr::null_mut()) })
}

/// The `flush` of [`spill_ring_bytes_as_spout`].
unsafe extern "C" fn bytes_spout_flush(ctx: *mut c_void) -> c_int {
    entry::code(|| {
        // SAFETY: `ctx` is the ring the spout was made for.
        unsafe {
            handle::enter(ctx.cast::<spill_ring_bytes>().cast_const(), |r| {
                Ok(r.spout.flush_raw()?)
            })
        }
    })
}
