//! The by-value ring families (`spill_ring_u8` ... `spill_ring_f64`),
//! written once over the element type. The exported functions in
//! [`ring_family`](crate::ring_family) are one-line calls into here.

use core::ffi::{c_int, c_void};

use spill_ring_core::RingInfo;

use crate::c_spout::{self, spill_spout, CSpout};
use crate::entry;
use crate::handle;
use crate::last_error::Error;
use crate::ptr_args::{self, Out};
use crate::ring_ops;
use crate::status::spill_status;
use crate::value_payload::{on_exclusive_ring, on_ring, ValueFamily, ValueRing};

/// `spill_ring_FAM_push`.
///
/// # Safety
///
/// `ring` is NULL or a live handle of `F`.
#[inline(always)]
pub(crate) unsafe fn push<F: ValueFamily>(ring: *mut F, item: F::Elem) -> spill_status {
    let fast = |p: &mut ValueRing<F::Elem>| {
        let drops = p.spout.drops();
        on_exclusive_ring!(p, r => ring_ops::push_without_spout(r, || item, drops), else false)
    };
    // SAFETY: the caller's contract; the fast push calls no spout.
    unsafe { entry::idle_or_checked(ring, fast, || push_checked(ring, item, true)) }
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
                ring_ops::push(r, item)
            } else {
                ring_ops::try_push(r, item)
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
    let fast = |p: &mut ValueRing<F::Elem>| on_exclusive_ring!(p, r => ring_ops::push_without_spout(r, || item, false), else false);
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
            Ok(on_ring!(p, r => ring_ops::push_slice(r, items)))
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
        on_exclusive_ring!(p, r => unsafe { ring_ops::pop_into(r, out) }, else false)
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
                out.write(on_ring!(p, r => ring_ops::pop(r))?);
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
                if popped.is_none() {
                    return Err(Error::null("out_popped"));
                }
                let out = ptr_args::slice_mut(out, max, "out")?;
                Ok(on_ring!(p, r => ring_ops::pop_slice(r, out)))
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
fn peek_payload<T: Copy>(payload: &mut crate::value_payload::ValueRing<T>) -> Result<T, Error> {
    on_exclusive_ring!(payload, r => ring_ops::peek(r), else Err(Error::invalid(
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
            unsafe { handle::enter(ring, |p| Ok(on_ring!(p, r => ring_ops::flush(r, p.spout))))? };
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
                Ok(on_ring!(p, r => ring_ops::drain(r, &mut dst)))
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
