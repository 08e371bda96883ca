//! The by-value ring families (`spill_ring_u8` ... `spill_ring_f64`),
//! written once over the element type. The exported functions in
//! [`ring_family`](crate::ring_family) are one-line calls into here.

use core::ffi::{c_int, c_void};
use core::ptr::NonNull;
use std::alloc::Layout;

use spill_ring_core::{check_capacity, RawRing, RawStorage, Ring};

use crate::block::BlockLayout;
use crate::c_spout::{self, spill_spout, CSpout};
use crate::entry;
use crate::handle::{self, Opaque, Release};
use crate::last_error::Error;
use crate::ptr_args::{self, write_opt, Out};
use crate::ring_ops;
use crate::status::spill_status;

/// What a by-value ring handle holds.
pub(crate) struct ValueRing<T: Copy> {
    ring: RawRing<T, CSpout>,
    /// A copy of the ring's spout (it is plain data), for releasing items
    /// in batches and for flushing when the ring serves as a spout.
    spout: CSpout,
}

impl<T: Copy> Release for ValueRing<T> {
    fn release(&self) -> Result<(), Error> {
        ring_ops::drain(&self.ring, &mut self.spout.clone()).result
    }
}

/// A by-value ring family: an opaque C type around a [`ValueRing`].
pub(crate) trait ValueFamily: Opaque<Payload = ValueRing<Self::Elem>> {
    /// The element type.
    type Elem: Copy;
}

/// Where a by-value ring's parts go in its block.
pub(crate) struct ValuePlan {
    layout: BlockLayout,
    slots: usize,
    capacity: usize,
}

/// [`Family::plan`](crate::lifecycle::Family::plan) for by-value rings: the handle, then the slots.
pub(crate) fn plan<F: ValueFamily>(capacity: usize) -> Result<ValuePlan, Error> {
    check_capacity(capacity).map_err(|e| Error::invalid(e.to_string()))?;
    let mut layout = BlockLayout::starting_with::<F>();
    let slots = layout.array::<F::Elem>(capacity)?;
    Ok(ValuePlan {
        layout,
        slots,
        capacity,
    })
}

/// [`Family::layout`](crate::lifecycle::Family::layout) for by-value rings.
pub(crate) fn layout(plan: &ValuePlan) -> BlockLayout {
    plan.layout
}

/// [`Family::build`](crate::lifecycle::Family::build) for by-value rings.
///
/// # Safety
///
/// As for [`Family::build`](crate::lifecycle::Family::build).
pub(crate) unsafe fn build<F: ValueFamily>(
    mem: NonNull<u8>,
    plan: &ValuePlan,
    spout: CSpout,
    owner: Option<Layout>,
) -> *mut F {
    // SAFETY: the plan put `capacity` slots at this offset inside the block.
    let slots = unsafe { mem.add(plan.slots) }.cast::<F::Elem>();
    // SAFETY: the slots are aligned (regions are cache-line aligned), inside
    // the block, and used by nothing else until the handle is freed.
    let storage = unsafe { RawStorage::from_raw_parts(slots, plan.capacity) }
        .expect("plan() checked the capacity");
    let ring = Ring::from_parts(storage, spout, true);
    // SAFETY: the block starts with room for `F`, aligned (the caller's
    // contract), and the slots region does not overlap it.
    unsafe { handle::emplace::<F>(mem, ValueRing { ring, spout }, owner) }
}

/// `spill_ring_FAM_push`.
///
/// # Safety
///
/// `ring` is NULL or a live handle of `F`.
#[inline(always)]
pub(crate) unsafe fn push<F: ValueFamily>(ring: *mut F, item: F::Elem) -> spill_status {
    // SAFETY: the caller's contract.
    entry::status(|| unsafe { handle::enter(ring, |p| ring_ops::push(&p.ring, item)) })
}

/// `spill_ring_FAM_try_push`.
///
/// # Safety
///
/// As for [`push`].
#[inline(always)]
pub(crate) unsafe fn try_push<F: ValueFamily>(ring: *mut F, item: F::Elem) -> spill_status {
    // SAFETY: the caller's contract.
    entry::status(|| unsafe { handle::enter(ring, |p| ring_ops::try_push(&p.ring, item)) })
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
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::optional(out_pushed, "out_pushed")? };
        write_opt(&out, 0);
        // SAFETY: the caller's contract.
        let items = unsafe { ptr_args::slice(items, count, "items")? };
        // SAFETY: the caller's contract.
        let done = unsafe { handle::enter(ring, |p| Ok(ring_ops::push_slice(&p.ring, items)))? };
        done.report(&out)
    })
}

/// `spill_ring_FAM_pop`.
///
/// # Safety
///
/// `ring` as for [`push`]; `out` is NULL or writable.
#[inline(always)]
pub(crate) unsafe fn pop<F: ValueFamily>(ring: *mut F, out: *mut F::Elem) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::required(out, "out")? };
        // SAFETY: the caller's contract.
        out.write(unsafe { handle::enter(ring, |p| ring_ops::pop(&p.ring))? });
        Ok(())
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
        let popped = unsafe { Out::required(out_popped, "out_popped")? };
        popped.write(0);
        // SAFETY: the caller's contract.
        let out = unsafe { ptr_args::slice_mut(out, max, "out")? };
        // SAFETY: the caller's contract.
        let done = unsafe { handle::enter(ring, |p| Ok(ring_ops::pop_slice(&p.ring, out)))? };
        done.report(&Some(popped))
    })
}

/// `spill_ring_FAM_peek`.
///
/// # Safety
///
/// As for [`pop`].
pub(crate) unsafe fn peek<F: ValueFamily>(ring: *const F, out: *mut F::Elem) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::required(out, "out")? };
        // SAFETY: the caller's contract; peeking calls no spout.
        let item =
            unsafe { handle::enter_exclusive(ring.cast_mut(), |p| ring_ops::peek(&mut p.ring))? };
        out.write(item);
        Ok(())
    })
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
    f: impl FnOnce(&RawRing<F::Elem, CSpout>) -> R,
) -> R {
    // SAFETY: the caller's contract.
    entry::value(fallback, || unsafe { handle::read(ring, |p| f(&p.ring)) })
}

/// `spill_ring_FAM_flush`.
///
/// # Safety
///
/// `ring` as for [`push`]; `out_flushed` is NULL or writable.
pub(crate) unsafe fn flush<F: ValueFamily>(ring: *mut F, out_flushed: *mut usize) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::optional(out_flushed, "out_flushed")? };
        write_opt(&out, 0);
        // SAFETY: the caller's contract.
        let done = unsafe { handle::enter(ring, |p| Ok(ring_ops::flush(&p.ring)))? };
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
        let out = unsafe { Out::optional(out_drained, "out_drained")? };
        write_opt(&out, 0);
        // SAFETY: the caller's contract.
        let mut dst = unsafe { CSpout::required(dst, "dst")? };
        // SAFETY: the caller's contract.
        let done = unsafe { handle::enter(ring, |p| Ok(ring_ops::drain(&p.ring, &mut dst)))? };
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
                p.ring.clear();
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
    c_spout::feeding(ring.cast(), spout_send::<F>, spout_flush::<F>)
}

/// The `send` of [`as_spout`]: pushes the batch into the ring; returns the
/// status (0 when taken; a refused batch was not taken at all).
unsafe extern "C" fn spout_send<F: ValueFamily>(
    ctx: *mut c_void,
    items: *const c_void,
    count: usize,
) -> c_int {
    // SAFETY: `ctx` is the ring `as_spout` was given, and the caller of a
    // spout passes `count` items of the ring's element type.
    unsafe { push_bulk::<F>(ctx.cast(), items.cast(), count, core::ptr::null_mut()) as c_int }
}

/// The `flush` of [`as_spout`]: flushes the ring's own spout; the ring's
/// items stay (as flushing a ring used as a spout does in Rust).
unsafe extern "C" fn spout_flush<F: ValueFamily>(ctx: *mut c_void) -> c_int {
    entry::status(|| {
        // SAFETY: `ctx` is the ring `as_spout` was given.
        unsafe { handle::enter(ctx.cast::<F>().cast_const(), |p| Ok(p.spout.flush_raw()?)) }
    }) as c_int
}
