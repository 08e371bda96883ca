//! The bytes family, `spill_ring_bytes`: elements of `elem_size` bytes (1
//! to 4096), fixed when the ring is created, stored as they are, so that a
//! C struct goes in without padding by the user.
//!
//! Each size class is a monomorphized ring ([`class`]); the handle reaches
//! it through a `dyn BytesOps` that lives in the same block.
#![allow(non_camel_case_types)]

mod bytes_ring;
mod class;
mod packing;

use core::ffi::{c_int, c_void};
use core::ptr::NonNull;

use bytes_ring::BytesOps;
use class::BytesPlan;

use crate::block::BlockLayout;
use crate::c_spout::{self, spill_spout, CSpout};
use crate::entry;
use crate::handle::{self, impl_opaque, Handle, Owner, Release};
use crate::last_error::Error;
use crate::lifecycle::{self, Family};
use crate::ptr_args::{self, Out};
use crate::status::spill_status;

/// What a bytes ring handle holds: the ring of its size class, which lives
/// in the same block.
pub(crate) struct BytesPayload {
    elem_size: usize,
    ring: NonNull<dyn BytesOps>,
}

impl BytesPayload {
    fn ring(&self) -> &dyn BytesOps {
        // SAFETY: `ring` was written by `BytesPlan::build` and lives until
        // this payload drops it.
        unsafe { self.ring.as_ref() }
    }

    fn ring_mut(&mut self) -> &mut dyn BytesOps {
        // SAFETY: as in `ring`; `&mut self` makes the borrow exclusive.
        unsafe { self.ring.as_mut() }
    }
}

impl Drop for BytesPayload {
    fn drop(&mut self) {
        // SAFETY: the ring was written in place and is dropped once, here.
        unsafe { core::ptr::drop_in_place(self.ring.as_ptr()) }
    }
}

impl Release for BytesPayload {
    fn release(&self) -> Result<(), Error> {
        self.ring().release()
    }
}

/// A ring of fixed-size byte elements (opaque): each element is
/// `elem_size` bytes (1 to SPILL_RING_MAX_ELEM_SIZE), chosen at creation,
/// stored as is. Spout batches hold `count * elem_size` packed bytes.
///
/// Element sizes that are powers of two are stored exactly; other sizes use
/// the next power of two as their slot, and the ring also reserves staging
/// and scratch space so that no call allocates (see
/// spill_ring_bytes_memsize()).
///
/// Thread-safety: as for the by-value rings, one thread at a time per ring.
pub struct spill_ring_bytes(Handle<BytesPayload>);

impl_opaque!(spill_ring_bytes(BytesPayload));

impl Family for spill_ring_bytes {
    /// `(elem_size, capacity)`.
    type Params = (usize, usize);
    type Plan = BytesPlan;

    fn plan((elem_size, capacity): (usize, usize), spout: &CSpout) -> Result<BytesPlan, Error> {
        crate::ring_family::check_chain(elem_size, spout)?;
        BytesPlan::new::<Self>(elem_size, capacity)
    }

    fn layout(plan: &BytesPlan) -> BlockLayout {
        plan.layout()
    }

    unsafe fn build(mem: NonNull<u8>, plan: &BytesPlan, spout: CSpout, owner: Owner) -> *mut Self {
        // SAFETY: `Family::build`'s contract covers the plan's block.
        let ring = unsafe { plan.build(mem, spout) };
        let payload = BytesPayload {
            elem_size: plan.elem_size(),
            ring,
        };
        // SAFETY: the block starts with room for `Self`; the ring's regions
        // follow it.
        unsafe { handle::emplace::<Self>(mem, payload, owner) }
    }
}

/// Runs `f` on the ring with the handle active.
///
/// # Safety
///
/// `ring` is NULL or a live handle.
unsafe fn enter<R>(
    ring: *const spill_ring_bytes,
    f: impl FnOnce(&dyn BytesOps, usize) -> Result<R, Error>,
) -> Result<R, Error> {
    // SAFETY: the caller's contract.
    unsafe { handle::enter(ring, |p| f(p.ring(), p.elem_size)) }
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

/// Frees a bytes ring, as spill_ring_u64_free() does: remaining elements go
/// to the spout, the spout is flushed, the ring is released (and its memory
/// if spill_ring_bytes_new() allocated it). NULL does nothing.
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
/// the spout when full.
///
/// Returns SPILL_OK; SPILL_SPOUT_FAILED when the spout refused the evicted
/// element (the ring is unchanged); SPILL_NULL_ARGUMENT for a NULL ring or
/// `item`; SPILL_INVALID_ARGUMENT for a dead ring; SPILL_BUSY from inside
/// the ring's own spout. The ring's thread (one thread at a time).
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
            |p| p.ring_mut().push_fast(item.cast()),
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
            enter(ring, |r, elem_size| {
                let item = elements(item, 1, elem_size, "item")?;
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
/// (nothing evicted) when the ring is full; otherwise the statuses of
/// spill_ring_bytes_push(). The ring's thread.
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
            |p| p.ring_mut().try_push_fast(item.cast()),
            || push_checked(ring, item, false),
        )
    }
}

/// Appends the `count` packed elements at `items` (`count * elem_size`
/// bytes), oldest first; what does not fit goes to the spout oldest first.
/// All or nothing for `items`, as spill_ring_u64_push_bulk().
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
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::count(out_pushed, "out_pushed")? };
        // SAFETY: the caller's contract (`items` for the ring's element size).
        let done = unsafe {
            enter(ring, |r, elem_size| {
                Ok(r.push_bulk(elements(items, count, elem_size, "items")?))
            })?
        };
        done.report(&out)
    })
}

/// Removes the oldest element into the `elem_size` bytes at `out`;
/// SPILL_EMPTY when there is none, SPILL_NULL_ARGUMENT for a NULL ring or
/// `out`, SPILL_INVALID_ARGUMENT for a dead ring, SPILL_BUSY from inside
/// the ring's own spout. The ring's thread.
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
            |p| p.ring_mut().pop_fast(out.cast()),
            || pop_checked(ring, out),
        )
    }
}

/// spill_ring_bytes_pop() the checked way (see [`push_checked`]).
///
/// # Safety
///
/// As for [`spill_ring_bytes_pop`].
#[inline(never)]
unsafe extern "C" fn pop_checked(ring: *mut spill_ring_bytes, out: *mut c_void) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract (`out` for the ring's element size).
        unsafe {
            enter(ring, |r, elem_size| {
                r.pop(elements_mut(out, 1, elem_size, "out")?)
            })
        }
    })
}

/// Moves up to `max` oldest elements into `out` (packed, oldest first) and
/// writes how many to `*out_popped`; SPILL_EMPTY (and 0) when the ring is
/// empty and `max` > 0.
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
        let popped = unsafe { Out::required(out_popped, "out_popped")? };
        popped.write(0);
        // SAFETY: the caller's contract (`out` for the ring's element size).
        let done = unsafe {
            enter(ring, |r, elem_size| {
                Ok(r.pop_bulk(elements_mut(out, max, elem_size, "out")?))
            })?
        };
        done.report(&Some(popped))
    })
}

/// Copies the oldest element into the `elem_size` bytes at `out`, leaving
/// it in the ring; SPILL_EMPTY when there is none.
///
/// # Safety
///
/// As for spill_ring_bytes_pop().
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_peek(
    ring: *const spill_ring_bytes,
    out: *mut c_void,
) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract (`out` for the ring's element size);
        // peeking calls no spout.
        unsafe {
            handle::enter_exclusive(ring.cast_mut(), |p| {
                let out = elements_mut(out, 1, p.elem_size, "out")?;
                p.ring_mut().peek(out)
            })
        }
    })
}

/// Runs a read-only query; `fallback` for a NULL or dead handle.
///
/// # Safety
///
/// `ring` is NULL or a live ring.
unsafe fn query<R>(
    ring: *const spill_ring_bytes,
    fallback: R,
    f: impl FnOnce(&BytesPayload) -> R,
) -> R {
    // SAFETY: the caller's contract.
    entry::value(fallback, || unsafe { handle::read(ring, f) })
}

/// How many elements the ring holds (0 for NULL). Allowed from inside the
/// ring's own spout.
///
/// # Safety
///
/// `ring` is NULL or a live ring.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_len(ring: *const spill_ring_bytes) -> usize {
    // SAFETY: the caller's contract.
    unsafe { query(ring, 0, |p| p.ring().len()) }
}

/// How many elements the ring can hold (0 for NULL).
///
/// # Safety
///
/// `ring` is NULL or a live ring.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_capacity(ring: *const spill_ring_bytes) -> usize {
    // SAFETY: the caller's contract.
    unsafe { query(ring, 0, |p| p.ring().capacity()) }
}

/// The size in bytes of one element (0 for NULL).
///
/// # Safety
///
/// `ring` is NULL or a live ring.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_elem_size(ring: *const spill_ring_bytes) -> usize {
    // SAFETY: the caller's contract.
    unsafe { query(ring, 0, |p| p.elem_size) }
}

/// Whether the ring holds no element (false for NULL).
///
/// # Safety
///
/// `ring` is NULL or a live ring.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_is_empty(ring: *const spill_ring_bytes) -> bool {
    // SAFETY: the caller's contract.
    unsafe { query(ring, false, |p| p.ring().len() == 0) }
}

/// Whether the ring is full (false for NULL).
///
/// # Safety
///
/// `ring` is NULL or a live ring.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_is_full(ring: *const spill_ring_bytes) -> bool {
    // SAFETY: the caller's contract.
    unsafe { query(ring, false, |p| p.ring().len() == p.ring().capacity()) }
}

/// Sends every element to the ring's spout (at most two batches, oldest
/// first), then flushes it; `*out_flushed` (may be NULL) counts the
/// elements that left the ring, also on failure.
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
        let done = unsafe { enter(ring, |r, _| Ok(r.flush()))? };
        done.report(&out)
    })
}

/// Sends every element to `dst` (not the ring's spout) in at most two
/// packed batches, oldest first; `dst`'s flush is not called.
/// `*out_drained` (may be NULL) counts the elements that left the ring.
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
        let dst = unsafe { CSpout::required(dst, "dst")? };
        // SAFETY: the caller's contract.
        let done = unsafe { enter(ring, |r, _| Ok(r.drain(dst)))? };
        done.report(&out)
    })
}

/// Discards every element (they do not go to the spout).
///
/// # Safety
///
/// `ring` is NULL or a live ring.
#[no_mangle]
pub unsafe extern "C" fn spill_ring_bytes_clear(ring: *mut spill_ring_bytes) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        unsafe {
            enter(ring, |r, _| {
                r.clear();
                Ok(())
            })
        }
    })
}

/// A spout that bulk-pushes the batches it receives into `ring`, for
/// chaining bytes rings of the same `elem_size` from C. Its flush flushes
/// `ring`'s own spout. For a NULL ring, the spout's send is NULL.
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
    unsafe { spill_ring_bytes_push_bulk(ctx.cast(), items, count, core::ptr::null_mut()) as c_int }
}

/// The `flush` of [`spill_ring_bytes_as_spout`].
unsafe extern "C" fn bytes_spout_flush(ctx: *mut c_void) -> c_int {
    // SAFETY: `ctx` is the ring the spout was made for.
    entry::status(|| unsafe { enter(ctx.cast::<spill_ring_bytes>(), |r, _| r.flush_spout()) })
        as c_int
}
