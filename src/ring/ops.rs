//! What the by-value ring families' exported functions do
//! (`spill_ring_u8` ... `spill_ring_f64`), written once over the element
//! type: each resolves its handle once, then calls the core ring. The
//! exports in `family.rs.in` are one-line calls into here.

use core::cell::Cell;
use core::ffi::{c_int, c_void};

use spill_ring_core::{Ring, RingInfo, Storage};
use spout::Spout;

use super::payload::{on_exclusive_ring, on_ring, ValueFamily, ValueRing};
use crate::abi::entry;
use crate::abi::handle;
use crate::abi::last_error::Error;
use crate::abi::outcome::{Counted, EMPTY, FULL};
use crate::abi::ptr_args::{self, Out};
use crate::abi::status::spill_status;
use crate::c_spout::transfer::{self, Batches};
use crate::c_spout::{self, spill_spout, CSpout, SpoutRefused};

/// `spill_ring_FAM_push`. The handle is resolved once: a ring with room,
/// or full with a spout that drops, takes the item in place; a full ring
/// with a C spout jumps to [`push_evicting`] with its oldest item; the
/// rest (NULL, dead or busy handles, pool rings) goes the checked way.
///
/// # Safety
///
/// `ring` is NULL or a live handle of `F`.
#[inline(always)]
pub(crate) unsafe fn push<F: ValueFamily>(ring: *mut F, item: F::Elem) -> spill_status {
    // Set when the fast path found the handle live and idle, and its ring
    // (its own, or lent exclusively) full with a C spout to evict to: the
    // ring's oldest item, in its storage.
    let oldest = Cell::new(core::ptr::null::<F::Elem>());
    let fast = |p: &mut ValueRing<F::Elem>| {
        let spout = p.spout;
        on_exclusive_ring!(p, r => {
            if push_without_spout(r, || item, || spout.drops()) {
                return true;
            }
            oldest.set(r.peek().map_or(core::ptr::null(), |o| o as *const F::Elem));
            false
        }, else false)
    };
    let slow = || {
        if oldest.get().is_null() {
            // SAFETY: the caller's contract.
            unsafe { push_checked(ring, item, true) }
        } else {
            // SAFETY: what the fast path just found (see `oldest`); its
            // borrow of the payload ended.
            unsafe { push_evicting(ring, item, oldest.get()) }
        }
    };
    // SAFETY: the caller's contract; the fast push calls no spout.
    unsafe { entry::idle_or_checked(ring, fast, slow) }
}

/// Hands the oldest item of a full ring to its C spout straight from the
/// ring's storage (no copy), with the handle marked active and no borrow
/// of the payload held: the spout may call back into the ring, where
/// mutating calls (free included) are refused with `SPILL_BUSY` and reads
/// see the ring as it is, the oldest item still in it. If the spout takes
/// the item, it is evicted in place and `item` pushed; if it refuses, the
/// ring is unchanged. The handle is not checked again: [`push`] just did,
/// and while it is active it cannot change or go away. Out of line
/// (`extern "C"`: see [`entry::idle_or_checked`]), so that the push that
/// calls no spout keeps no stack frame.
///
/// # Safety
///
/// `ring` is a live, idle handle whose ring is its own or lent
/// exclusively, full, with a spout that does not drop; `oldest` points to
/// the ring's oldest item; no borrow of the payload is used any more.
#[inline(never)]
unsafe extern "C" fn push_evicting<F: ValueFamily>(
    ring: *mut F,
    item: F::Elem,
    oldest: *const F::Elem,
) -> spill_status {
    entry::guarded(|| {
        // SAFETY: the caller's contract; the borrow ends here.
        let spout = unsafe { handle::idle_unchecked(ring) }.spout;
        let send = || {
            // SAFETY: `oldest` points to one item of the ring's type in the
            // ring's storage, outside the payload; nothing can change the
            // ring while the handle is active.
            unsafe { spout.send_raw(oldest.cast(), 1) }
        };
        // SAFETY: live and idle (the caller's contract); no borrow is used.
        if let Err(refused) = unsafe { handle::with_active(ring, send) } {
            return spout_refused_one(refused.code);
        }
        // The spout took the oldest item: evict it in place.
        // SAFETY: still live and idle (see `with_active`); no spout is
        // called while `p` lives.
        let p = unsafe { handle::idle_unchecked(ring) };
        on_exclusive_ring!(p, r => {
            let _ = r.push_overwrite(item);
        }, else unreachable!("the ring changed kind during a spout call"));
        spill_status::SPILL_OK
    })
}

/// Reports that the spout refused the single item a push evicted (its
/// send returned `code`), off the success path.
#[cold]
#[inline(never)]
fn spout_refused_one(code: c_int) -> spill_status {
    entry::status(|| {
        Err(SpoutRefused {
            code,
            batch: Some(1),
        }
        .into())
    })
}

/// [`push`] (`evict`) or [`try_push`] the checked way: evicts to a C
/// spout, serves lent rings, and reports why a push fails (`extern "C"`:
/// see [`entry::idle_or_checked`]).
///
/// # Safety
///
/// As for [`push`].
#[inline(never)]
unsafe extern "C" fn push_checked<F: ValueFamily>(
    ring: *mut F,
    item: F::Elem,
    evict: bool,
) -> spill_status {
    // SAFETY: the caller's contract.
    entry::status(|| unsafe {
        handle::enter(ring, |p| {
            on_ring!(p, r => if evict {
                evicting_push(r, item)
            } else {
                push_if_room(r, item)
            })
        })
    })
}

/// `spill_ring_FAM_try_push`.
///
/// # Safety
///
/// As for [`push`].
#[inline(always)]
pub(crate) unsafe fn try_push<F: ValueFamily>(ring: *mut F, item: F::Elem) -> spill_status {
    let fast = |p: &mut ValueRing<F::Elem>| on_exclusive_ring!(p, r => push_without_spout(r, || item, || false), else false);
    // SAFETY: the caller's contract; the fast path calls no spout.
    unsafe { entry::idle_or_checked(ring, fast, || push_checked(ring, item, false)) }
}

/// `spill_ring_FAM_push_bulk`.
///
/// # Safety
///
/// `ring` as for [`push`]; `items` is NULL or holds `count` items;
/// `out_pushed` is NULL or writable.
pub(crate) unsafe fn push_bulk<F: ValueFamily>(
    ring: *mut F,
    items: *const F::Elem,
    count: usize,
    out_pushed: *mut usize,
) -> spill_status {
    // SAFETY: the caller's contract.
    entry::status(|| unsafe { push_bulk_result(ring, items, count, out_pushed) })
}

/// [`push_bulk`] as a `Result`, for the export and for the chaining spout
/// (which reports a status, not a message).
///
/// # Safety
///
/// As for [`push_bulk`].
unsafe fn push_bulk_result<F: ValueFamily>(
    ring: *mut F,
    items: *const F::Elem,
    count: usize,
    out_pushed: *mut usize,
) -> Result<(), Error> {
    // SAFETY: the caller's contract.
    let out = unsafe { Out::count(out_pushed, "out_pushed")? };
    // SAFETY: the caller's contract.
    let done = unsafe {
        handle::enter(ring, |p| {
            let items = ptr_args::slice(items, count, "items")?;
            Ok(on_ring!(p, r => push_items(r, items)))
        })?
    };
    done.report(&out)
}

/// `spill_ring_FAM_pop`.
///
/// # Safety
///
/// `ring` as for [`push`]; `out` is NULL or writable.
#[inline(always)]
pub(crate) unsafe fn pop<F: ValueFamily>(ring: *mut F, out: *mut F::Elem) -> spill_status {
    let fast = |p: &mut ValueRing<F::Elem>| {
        // SAFETY: the caller's contract on `out`.
        on_exclusive_ring!(p, r => unsafe { pop_into(r, out) }, else false)
    };
    // SAFETY: the caller's contract; the fast path calls no spout.
    unsafe { entry::idle_or_checked(ring, fast, || pop_checked(ring, out)) }
}

/// [`pop`] the checked way (see [`push_checked`]).
///
/// # Safety
///
/// As for [`pop`].
#[inline(never)]
unsafe extern "C" fn pop_checked<F: ValueFamily>(ring: *mut F, out: *mut F::Elem) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        unsafe {
            handle::enter(ring, |p| {
                let out = Out::required(out, "out")?;
                out.write(on_ring!(p, r => take_oldest(r))?);
                Ok(())
            })
        }
    })
}

/// `spill_ring_FAM_pop_bulk`.
///
/// # Safety
///
/// `ring` as for [`push`]; `out` is NULL or has room for `max` items;
/// `out_popped` is NULL or writable.
pub(crate) unsafe fn pop_bulk<F: ValueFamily>(
    ring: *mut F,
    out: *mut F::Elem,
    max: usize,
    out_popped: *mut usize,
) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        let popped = unsafe { Out::count(out_popped, "out_popped")? };
        // SAFETY: the caller's contract.
        let done = unsafe {
            handle::enter(ring, |p| {
                ptr_args::require(&popped, "out_popped")?;
                let out = ptr_args::slice_mut(out, max, "out")?;
                Ok(on_ring!(p, r => pop_items(r, out)))
            })?
        };
        done.report(&popped)
    })
}

/// `spill_ring_FAM_peek`.
///
/// # Safety
///
/// As for [`pop`].
pub(crate) unsafe fn peek<F: ValueFamily>(ring: *const F, out: *mut F::Elem) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract; peeking calls no spout.
        unsafe {
            handle::enter_exclusive(ring.cast_mut(), |p| {
                let out = Out::required(out, "out")?;
                out.write(peek_payload(p)?);
                Ok(())
            })
        }
    })
}

/// Peeks at the oldest item of an exclusively borrowed payload. A pool
/// only lends its worker rings shared, so they cannot be peeked at.
fn peek_payload<T: Copy>(payload: &mut crate::ring::payload::ValueRing<T>) -> Result<T, Error> {
    on_exclusive_ring!(payload, r => oldest(r), else Err(Error::invalid(
        "peek is not available on a pool worker's ring".to_owned(),
    )))
}

/// `spill_ring_FAM_len`, `_capacity`, `_is_empty`, `_is_full`: a
/// read-only query; `fallback` (0 or false) for a NULL or dead handle.
///
/// # Safety
///
/// As for [`push`].
pub(crate) unsafe fn query<F: ValueFamily, R>(
    ring: *const F,
    fallback: R,
    f: impl FnOnce(&dyn RingInfo) -> R,
) -> R {
    // SAFETY: the caller's contract.
    entry::value(fallback, || unsafe {
        handle::read(ring, |p| Ok(on_ring!(p, r => f(r))))?
    })
}

/// `spill_ring_FAM_flush`.
///
/// # Safety
///
/// `ring` as for [`push`]; `out_flushed` is NULL or writable.
pub(crate) unsafe fn flush<F: ValueFamily>(ring: *mut F, out_flushed: *mut usize) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::count(out_flushed, "out_flushed")? };
        // SAFETY: the caller's contract.
        let done =
            unsafe { handle::enter(ring, |p| Ok(on_ring!(p, r => transfer::flush(r, p.spout))))? };
        done.report(&out)
    })
}

/// `spill_ring_FAM_drain`.
///
/// # Safety
///
/// `ring` as for [`push`]; `dst` is NULL or a valid spout;
/// `out_drained` is NULL or writable.
pub(crate) unsafe fn drain<F: ValueFamily>(
    ring: *mut F,
    dst: *const spill_spout,
    out_drained: *mut usize,
) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::count(out_drained, "out_drained")? };
        // SAFETY: the caller's contract.
        let done = unsafe {
            handle::enter(ring, |p| {
                let mut dst = CSpout::required(dst, "dst")?;
                Ok(on_ring!(p, r => drain_to(r, &mut dst)))
            })?
        };
        done.report(&out)
    })
}

/// `spill_ring_FAM_clear`.
///
/// # Safety
///
/// As for [`push`].
pub(crate) unsafe fn clear<F: ValueFamily>(ring: *mut F) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        unsafe {
            handle::enter(ring, |p| {
                on_ring!(p, r => r.clear());
                Ok(())
            })
        }
    })
}

/// `spill_ring_FAM_as_spout`: a spout that bulk-pushes into `ring`. For a
/// NULL ring the spout has no send function (every call that takes it
/// refuses it).
///
/// # Safety
///
/// `ring` is NULL or a live handle of `F`; the spout is used only while
/// the ring lives.
pub(crate) unsafe fn as_spout<F: ValueFamily>(ring: *mut F) -> spill_spout {
    c_spout::feeding(ring.cast(), F::FEED, spout_flush::<F>)
}

/// The `send` of [`as_spout`]: pushes the batch into the ring; returns the
/// status (0 when taken; a refused batch was not taken at all).
///
/// # Safety
///
/// `ctx` is a live ring of `F`; `items` holds `count` items of its type.
pub(crate) unsafe fn spout_send<F: ValueFamily>(
    ctx: *mut c_void,
    items: *const c_void,
    count: usize,
) -> c_int {
    // SAFETY: `ctx` is the ring `as_spout` was given, and the caller of a
    // spout passes `count` items of the ring's element type.
    entry::code(|| unsafe {
        push_bulk_result::<F>(ctx.cast(), items.cast(), count, core::ptr::null_mut())
    })
}

/// The `flush` of [`as_spout`]: flushes the ring's own spout; the ring's
/// items stay (as flushing a ring used as a spout does in Rust).
unsafe extern "C" fn spout_flush<F: ValueFamily>(ctx: *mut c_void) -> c_int {
    entry::code(|| {
        // SAFETY: `ctx` is the ring `as_spout` was given.
        unsafe { handle::enter(ctx.cast::<F>().cast_const(), |p| Ok(p.spout.flush_raw()?)) }
    })
}

// ----- The ring operations behind the calls above, over the core's checked
// operations: a spout that refuses leaves the ring unchanged (single push)
// or loses nothing (batches), and the error says how far a batch got.

/// Pushes `item`, evicting the oldest item to the spout when full; if the
/// spout refuses it, the ring is unchanged.
#[inline(always)]
pub(crate) fn evicting_push<T, B, S>(ring: &Ring<T, B, S>, item: T) -> Result<(), Error>
where
    T: Copy,
    B: Storage<T>,
    S: Spout<T, Error = SpoutRefused>,
{
    ring.checked_push(item)
        .map_err(|refused| refused.error.into())
}

/// Pushes the item `item` makes if that calls no spout: when the ring has
/// room, or when it is full and its spout drops what it gets
/// (`spout_drops`), in which case the oldest item is evicted in place and
/// dropped here. Returns `false`, the ring unchanged and `item` not called,
/// when the push needs the spout. (`try_push` without eviction is
/// `spout_drops` always `false`.) The spout is asked only when the ring is
/// full, so a push with room tests one thing.
#[inline(always)]
pub(crate) fn push_without_spout<T: Copy, B: Storage<T>, S: Spout<T>>(
    ring: &mut Ring<T, B, S>,
    item: impl FnOnce() -> T,
    spout_drops: impl FnOnce() -> bool,
) -> bool {
    if ring.is_full() && !spout_drops() {
        return false;
    }
    // The spout would drop the evicted item (a `Copy` item, nothing to run):
    // letting it go here is the same.
    let _ = ring.push_overwrite(item());
    true
}

/// Pops the oldest item into `out` if the ring holds one and `out` is a
/// usable pointer (see [`Out::new`]); `false`, the ring unchanged,
/// otherwise.
///
/// # Safety
///
/// `out` is NULL or valid for a write of `T`.
#[inline(always)]
pub(crate) unsafe fn pop_into<T: Copy, B: Storage<T>, S: Spout<T>>(
    ring: &mut Ring<T, B, S>,
    out: *mut T,
) -> bool {
    // SAFETY: the caller's contract.
    let Some(out) = (unsafe { Out::new(out) }) else {
        return false;
    };
    match ring.pop_mut() {
        Some(item) => {
            out.write(item);
            true
        }
        None => false,
    }
}

/// Pushes `item` only if there is room.
#[inline(always)]
pub(crate) fn push_if_room<T, B: Storage<T>, S: Spout<T>>(
    ring: &Ring<T, B, S>,
    item: T,
) -> Result<(), Error> {
    ring.try_push(item).map_err(|_| FULL)
}

/// Pushes every item of `items` (at most two copies); what cannot fit
/// goes to the spout oldest first. All-or-nothing for `items`: on failure
/// none of them was taken.
pub(crate) fn push_items<T, B, S>(ring: &Ring<T, B, S>, items: &[T]) -> Counted
where
    T: Copy,
    B: Storage<T>,
    S: Spout<T, Error = SpoutRefused>,
{
    Counted::of(items.len(), ring.checked_push_slice(items))
}

/// Removes the oldest item.
#[inline(always)]
pub(crate) fn take_oldest<T, B: Storage<T>, S: Spout<T>>(ring: &Ring<T, B, S>) -> Result<T, Error> {
    ring.pop().ok_or(EMPTY)
}

/// Moves up to `out.len()` oldest items into `out` (at most two copies).
/// Fails with EMPTY when the ring is empty and `out` is not.
pub(crate) fn pop_items<T, B, S>(ring: &Ring<T, B, S>, out: &mut [T]) -> Counted
where
    T: Copy,
    B: Storage<T>,
    S: Spout<T>,
{
    if !out.is_empty() && ring.is_empty() {
        return Counted {
            count: 0,
            result: Err(EMPTY),
        };
    }
    Counted {
        count: ring.pop_slice(out),
        result: Ok(()),
    }
}

/// The oldest item, left in place.
pub(crate) fn oldest<T: Copy, B: Storage<T>, S: Spout<T>>(
    ring: &mut Ring<T, B, S>,
) -> Result<T, Error> {
    ring.peek().copied().ok_or(EMPTY)
}

impl<T: Copy, B: Storage<T>, S: Spout<T>> Batches for Ring<T, B, S> {
    fn held(&self) -> usize {
        self.len()
    }

    fn send_all(&self, dst: &mut CSpout) -> Counted {
        drain_to(self, dst)
    }

    fn discard_all(&self) {
        self.clear();
    }
}

/// Sends every item to `dst` (at most two batches, oldest first); `dst` is
/// not flushed.
pub(crate) fn drain_to<T, B, S, D>(ring: &Ring<T, B, S>, dst: &mut D) -> Counted
where
    T: Copy,
    B: Storage<T>,
    S: Spout<T>,
    D: Spout<T, Error = SpoutRefused>,
{
    let total = ring.len();
    Counted::of(total, ring.checked_drain_into(dst).map(|_| ()))
}
