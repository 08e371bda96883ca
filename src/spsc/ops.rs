//! The logic of every concurrent SPSC export, written once over the
//! element kind ([`Item`] for what producers write; out-pointers of `T`,
//! `c_void` for bytes, for what consumers read): each resolves its handle
//! through the boundary, then calls the core's raw half.

use std::time::Duration;

use spill_ring_core::concurrent::spsc::raw::{RawConsumer, RawProducer};
use spill_ring_core::concurrent::{spsc, BuildError, WaitError};
use spill_ring_core::CapacityError;

use crate::abi::entry;
use crate::abi::handle::{self, Opaque};
use crate::abi::last_error::Error;
use crate::abi::lifecycle;
use crate::abi::limits::{check_count, SPILL_RING_MAX_ELEM_SIZE, SPILL_WAIT_FOREVER, SPILL_WAKING};
use crate::abi::outcome::{EMPTY, FULL};
use crate::abi::ptr_args::{self, require, write_opt, Out};
use crate::abi::status::spill_status;
use crate::c_spout::{spill_spout, CSpout};
use crate::spsc::elem::{out_elem, out_elems, Item};
use crate::spsc::halves::{ConsumerHalf, Evictions, ProducerHalf};

/// The error of a waiting push whose timeout passed.
const TIMEOUT: Error = Error::fixed(
    spill_status::SPILL_TIMEOUT,
    "timed out waiting for room in the ring",
);
/// The error of a waiting push (or a registration) on a closed ring.
pub(crate) const CLOSED: Error = Error::fixed(
    spill_status::SPILL_CLOSED,
    "the consumer closed the ring (or was freed)",
);
/// The error of a producer call made while a reservation is open.
const RESERVED: Error = Error::fixed(
    spill_status::SPILL_BUSY,
    "the producer has an open reservation: commit it first",
);

/// A core build error as a C error.
pub(crate) fn build_error(error: BuildError) -> Error {
    match error {
        BuildError::OutOfMemory | BuildError::Capacity(CapacityError::OutOfMemory(_)) => {
            Error::new(spill_status::SPILL_OUT_OF_MEMORY, error.to_string())
        }
        other => Error::invalid(other.to_string()),
    }
}

/// Checks an element size against 1..=SPILL_RING_MAX_ELEM_SIZE.
pub(crate) fn check_elem_size(elem_size: usize) -> Result<(), Error> {
    check_count(
        "elem_size",
        elem_size,
        SPILL_RING_MAX_ELEM_SIZE,
        "SPILL_RING_MAX_ELEM_SIZE",
    )
}

/// The constructors' `flags`: whether the consumer wakes waiting producers.
pub(crate) fn waking(flags: u32) -> Result<bool, Error> {
    if flags & !SPILL_WAKING != 0 {
        return Err(Error::invalid(format!(
            "flags {flags:#x} has unknown bits (only SPILL_WAKING is defined)"
        )));
    }
    Ok(flags & SPILL_WAKING != 0)
}

/// A waiting call's timeout in nanoseconds; `None` waits forever.
fn timeout(timeout_ns: u64) -> Option<Duration> {
    (timeout_ns != SPILL_WAIT_FOREVER).then(|| Duration::from_nanos(timeout_ns))
}

/// Allocates the two handles of a ring; on failure nothing is left.
pub(crate) fn allocate_pair<P, C>(
    producer: ProducerHalf,
    consumer: ConsumerHalf,
) -> Result<(*mut P, *mut C), Error>
where
    P: Opaque<Payload = ProducerHalf>,
    C: Opaque<Payload = ConsumerHalf>,
{
    let c = lifecycle::allocate::<C>(consumer)?;
    match lifecycle::allocate::<P>(producer) {
        Ok(p) => Ok((p, c)),
        Err(error) => {
            // SAFETY: `c` was just created and is not used again; freeing a
            // consumer calls no spout and cannot fail.
            let _ = unsafe { handle::free(c) };
            Err(error)
        }
    }
}

/// `spill_spsc_FAM_create` and `spill_spsc_bytes_create`.
///
/// # Safety
///
/// `spout` is NULL or valid; `out_p` and `out_c` are NULL or writable.
pub(crate) unsafe fn create<P, C>(
    elem_size: usize,
    capacity: usize,
    hold: usize,
    flags: u32,
    spout: *const spill_spout,
    out_p: *mut *mut P,
    out_c: *mut *mut C,
) -> spill_status
where
    P: Opaque<Payload = ProducerHalf>,
    C: Opaque<Payload = ConsumerHalf>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out_p = unsafe { Out::required(out_p, "out_producer")? };
        // SAFETY: the caller's contract.
        let out_c = unsafe { Out::required(out_c, "out_consumer")? };
        out_p.write(core::ptr::null_mut());
        out_c.write(core::ptr::null_mut());
        // SAFETY: the caller's contract.
        let spout = unsafe { CSpout::optional(spout)? };
        check_elem_size(elem_size)?;
        let mut builder = spsc::Builder::new(capacity).waking(waking(flags)?);
        if hold != 0 {
            builder = builder.hold(hold);
        }
        crate::ring::check_chain(elem_size, &spout)?;
        let (producer, consumer) = builder.build_raw(elem_size).map_err(build_error)?;
        let (p, c) = allocate_pair::<P, C>(
            ProducerHalf::new(producer, spout),
            ConsumerHalf::new(consumer),
        )?;
        out_p.write(p);
        out_c.write(c);
        Ok(())
    })
}

/// Runs `f` on a producer's core half, the handle entered (a spout calling
/// back into it gets `SPILL_BUSY`).
///
/// # Safety
///
/// `p` is NULL or a live producer handle.
#[inline(always)]
unsafe fn on_producer<P, R>(
    p: *const P,
    f: impl FnOnce(&mut RawProducer, &ProducerHalf) -> Result<R, Error>,
) -> Result<R, Error>
where
    P: Opaque<Payload = ProducerHalf>,
{
    // SAFETY: the caller's contract.
    unsafe {
        handle::enter(p, |half| {
            // SAFETY: the handle is entered for the whole closure, and this
            // is its only borrow of the half.
            let raw = half.raw.get();
            f(raw, half)
        })
    }
}

/// Refuses element calls while a reservation is open.
#[inline(always)]
fn no_reservation(raw: &RawProducer) -> Result<(), Error> {
    if raw.reserved() != 0 {
        return Err(RESERVED);
    }
    Ok(())
}

/// An element checked for its push (its pointer, if any) and the element
/// size of its ring: what the core's `*_with` calls write into a slot.
#[derive(Clone, Copy)]
struct Checked<I> {
    item: I,
    elem_size: usize,
}

impl<I: Item> Checked<I> {
    /// Writes the element into `slot`.
    ///
    /// # Safety
    ///
    /// `slot` is a slot the producer holds (valid for `elem_size` bytes),
    /// as the core's `*_with` calls hand out.
    #[inline(always)]
    unsafe fn write(self, slot: *mut u8) {
        // SAFETY: the item passed its check; the caller's contract for the
        // slot.
        unsafe { self.item.write(slot, self.elem_size) }
    }
}

/// The checked way into every element push: resolves the producer (a
/// spout calling back gets `SPILL_BUSY`), refuses it while a reservation
/// is open, checks the item, then runs `push`.
///
/// # Safety
///
/// As for [`push`].
#[inline(always)]
unsafe fn push_entered<P, I>(
    p: *mut P,
    item: I,
    push: impl FnOnce(&mut RawProducer, &ProducerHalf, Checked<I>) -> Result<(), Error>,
) -> spill_status
where
    P: Opaque<Payload = ProducerHalf>,
    I: Item,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        unsafe {
            on_producer(p, |raw, half| {
                no_reservation(raw)?;
                item.check()?;
                let elem_size = half.elem_size;
                push(raw, half, Checked { item, elem_size })
            })
        }
    })
}

/// The straight line of [`push`] and [`try_push`]: a live, idle producer
/// without an open reservation, whose own view of the ring shows room and
/// a free slot, takes `item`, calling nothing out of line (so the export
/// keeps no stack frame). `false` sends the call the checked way, which
/// looks at the consumer's indices, evicts if it must and says why a push
/// fails.
#[inline(always)]
fn push_if_room(half: &mut ProducerHalf, item: impl Item) -> bool {
    let elem_size = half.elem_size;
    let raw = half.raw.get_mut();
    if item.check().is_err() {
        return false;
    }
    // SAFETY: `write` initialises the slot's `elem_size` bytes (`check`
    // passed) and cannot unwind.
    unsafe { raw.try_push_seen_with(|slot| item.write(slot, elem_size)) }
}

/// `*_producer_push`: pushes `item`, evicting the oldest element to the
/// spout when the ring is full.
///
/// # Safety
///
/// `p` is NULL or a live producer handle; `item`'s pointer (bytes) is NULL
/// or valid for `elem_size` bytes.
#[inline(always)]
pub(crate) unsafe fn push<P, I>(p: *mut P, item: I) -> spill_status
where
    P: Opaque<Payload = ProducerHalf>,
    I: Item,
{
    let fast = |half: &mut ProducerHalf| push_if_room(half, item);
    // SAFETY: the caller's contract; the fast way calls no spout.
    unsafe { entry::idle_or_checked(p, fast, || push_evicting(p, item)) }
}

/// [`push`] the checked way: evicts to the spout (the handle entered, so a
/// spout calling back gets `SPILL_BUSY`) and reports why a push fails.
/// `extern "C"`: see [`entry::idle_or_checked`].
///
/// # Safety
///
/// As for [`push`].
#[inline(never)]
#[allow(improper_ctypes_definitions)] // not exported; `extern "C"` only so it cannot unwind
unsafe extern "C" fn push_evicting<P, I>(p: *mut P, item: I) -> spill_status
where
    P: Opaque<Payload = ProducerHalf>,
    I: Item,
{
    // SAFETY: the caller's contract.
    unsafe {
        push_entered(p, item, |raw, half, item| {
            let mut evictions = Evictions::new(&half.spout);
            // SAFETY: the core hands `write` a slot it holds; an item's
            // write initialises all its bytes and cannot unwind.
            let _ = raw.push_with(|slot| item.write(slot), |old| evictions.offer(old));
            evictions.finish("the new item was pushed")
        })
    }
}

/// `*_producer_try_push`: pushes `item` only if there is room.
///
/// # Safety
///
/// As for [`push`].
#[inline(always)]
pub(crate) unsafe fn try_push<P, I>(p: *mut P, item: I) -> spill_status
where
    P: Opaque<Payload = ProducerHalf>,
    I: Item,
{
    let fast = |half: &mut ProducerHalf| push_if_room(half, item);
    // SAFETY: the caller's contract; the fast way calls no spout.
    unsafe { entry::idle_or_checked(p, fast, || try_push_checked(p, item)) }
}

/// [`try_push`] the checked way: says why the push failed. `extern "C"`:
/// see [`entry::idle_or_checked`].
///
/// # Safety
///
/// As for [`push`].
#[inline(never)]
#[allow(improper_ctypes_definitions)] // not exported; `extern "C"` only so it cannot unwind
unsafe extern "C" fn try_push_checked<P, I>(p: *mut P, item: I) -> spill_status
where
    P: Opaque<Payload = ProducerHalf>,
    I: Item,
{
    // SAFETY: the caller's contract.
    unsafe {
        push_entered(p, item, |raw, _, item| {
            // SAFETY: as in `push_evicting`.
            if raw.try_push_with(|slot| item.write(slot)) {
                Ok(())
            } else {
                Err(FULL)
            }
        })
    }
}

/// `*_producer_push_wait`: pushes `item` without losing anything, waiting
/// for room.
///
/// # Safety
///
/// As for [`push`].
pub(crate) unsafe fn push_wait<P>(p: *mut P, item: impl Item, timeout_ns: u64) -> spill_status
where
    P: Opaque<Payload = ProducerHalf>,
{
    // SAFETY: the caller's contract.
    unsafe {
        push_entered(p, item, |raw, _, item| {
            // SAFETY: as in `push_evicting`.
            let waited = raw.push_wait_with(|slot| item.write(slot), timeout(timeout_ns));
            match waited {
                Ok(()) => Ok(()),
                Err(WaitError::Timeout(())) => Err(TIMEOUT),
                Err(WaitError::Closed(())) => Err(CLOSED),
            }
        })
    }
}

/// `*_producer_reserve`: reserves up to `n` slots (at most the capacity),
/// evicting as needed, and writes a pointer to each into `slots`.
///
/// # Safety
///
/// `p` as for [`push`]; `slots` is NULL or has room for `min(n, capacity)`
/// pointers; `out_reserved` is NULL or writable.
pub(crate) unsafe fn reserve<P, T>(
    p: *mut P,
    n: usize,
    slots: *mut *mut T,
    out_reserved: *mut usize,
) -> spill_status
where
    P: Opaque<Payload = ProducerHalf>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::count(out_reserved, "out_reserved")? };
        // SAFETY: the caller's contract.
        unsafe {
            on_producer(p, |raw, half| {
                require(&out, "out_reserved")?;
                no_reservation(raw)?;
                let wanted = n.min(half.capacity);
                // SAFETY: the caller's contract; pointers are plain data.
                let slots = ptr_args::slice_mut(slots, wanted, "slots")?;
                let mut evictions = Evictions::new(&half.spout);
                let (reserved, _) = raw.reserve(wanted, |old| evictions.offer(old));
                for (at, slot) in slots.iter_mut().enumerate().take(reserved) {
                    *slot = raw
                        .reserved_slot(at)
                        .expect("a slot of the open reservation")
                        .cast();
                }
                write_opt(&out, reserved);
                evictions.finish("the slots were reserved all the same")
            })
        }
    })
}

/// `*_producer_commit`: publishes the first `written` reserved slots.
///
/// # Safety
///
/// `p` as for [`push`]; the first `written` slots of its reservation are
/// fully written.
pub(crate) unsafe fn commit<P>(p: *mut P, written: usize) -> spill_status
where
    P: Opaque<Payload = ProducerHalf>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        unsafe {
            on_producer(p, |raw, _| {
                let open = raw.reserved();
                if written > open {
                    return Err(Error::invalid(format!(
                        "written is {written}, but only {open} slots are reserved"
                    )));
                }
                // SAFETY: the caller's contract: those slots are written.
                raw.commit(written);
                Ok(())
            })
        }
    })
}

/// A producer query: `fallback` for a NULL, freed or busy handle.
///
/// # Safety
///
/// `p` is NULL or a live producer handle.
pub(crate) unsafe fn producer_query<P, R>(
    p: *const P,
    fallback: R,
    f: impl FnOnce(&RawProducer, &ProducerHalf) -> R,
) -> R
where
    P: Opaque<Payload = ProducerHalf>,
{
    // SAFETY: the caller's contract.
    entry::value(fallback, || unsafe {
        on_producer(p, |raw, half| Ok(f(raw, half)))
    })
}

/// Runs `f` on a consumer's core half, the handle entered.
///
/// # Safety
///
/// `c` is NULL or a live consumer handle.
#[inline(always)]
unsafe fn on_consumer<C, R>(
    c: *const C,
    f: impl FnOnce(&mut RawConsumer, &ConsumerHalf) -> Result<R, Error>,
) -> Result<R, Error>
where
    C: Opaque<Payload = ConsumerHalf>,
{
    // SAFETY: the caller's contract.
    unsafe {
        handle::enter(c, |half| {
            // SAFETY: entered for the whole closure; the only borrow.
            let raw = half.raw.get();
            f(raw, half)
        })
    }
}

/// `*_consumer_pop`: the oldest element into `*out`.
///
/// # Safety
///
/// `c` is NULL or a live consumer handle; `out` is NULL or writable for
/// one element.
#[inline(always)]
pub(crate) unsafe fn pop<C, T>(c: *mut C, out: *mut T) -> spill_status
where
    C: Opaque<Payload = ConsumerHalf>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        unsafe {
            on_consumer(c, |raw, half| {
                // SAFETY: the caller's contract.
                let out = out_elem(out, half.elem_size, "out")?;
                if raw.pop_into(out) {
                    Ok(())
                } else {
                    Err(EMPTY)
                }
            })
        }
    })
}

/// `*_consumer_pop_bulk`: up to `max` of the oldest elements into `out`.
///
/// # Safety
///
/// `c` as for [`pop`]; `out` is NULL or has room for `max` elements;
/// `out_popped` is NULL or writable.
pub(crate) unsafe fn pop_bulk<C, T>(
    c: *mut C,
    out: *mut T,
    max: usize,
    out_popped: *mut usize,
) -> spill_status
where
    C: Opaque<Payload = ConsumerHalf>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        let popped = unsafe { Out::count(out_popped, "out_popped")? };
        // SAFETY: the caller's contract.
        unsafe {
            on_consumer(c, |raw, half| {
                require(&popped, "out_popped")?;
                // SAFETY: the caller's contract.
                let out = out_elems(out, max, half.elem_size, "out")?;
                let n = raw.pop_slice(out);
                write_opt(&popped, n);
                if n == 0 && max > 0 {
                    return Err(EMPTY);
                }
                Ok(())
            })
        }
    })
}

/// `*_consumer_read`: claims up to `max` of the oldest elements to read in
/// place, a pointer to each into `slots`.
///
/// # Safety
///
/// `c` as for [`pop`]; `slots` is NULL or has room for `max` pointers;
/// `out_read` is NULL or writable.
pub(crate) unsafe fn read<C, T>(
    c: *mut C,
    max: usize,
    slots: *mut *const T,
    out_read: *mut usize,
) -> spill_status
where
    C: Opaque<Payload = ConsumerHalf>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::count(out_read, "out_read")? };
        // SAFETY: the caller's contract.
        unsafe {
            on_consumer(c, |raw, _| {
                require(&out, "out_read")?;
                // SAFETY: the caller's contract; pointers are plain data.
                let slots = ptr_args::slice_mut(slots, max, "slots")?;
                let n = raw.read(max);
                for (at, slot) in slots.iter_mut().enumerate().take(n) {
                    *slot = raw.read_slot(at).expect("a claimed slot").cast();
                }
                write_opt(&out, n);
                if n == 0 && max > 0 {
                    return Err(EMPTY);
                }
                Ok(())
            })
        }
    })
}

/// `*_consumer_release`: gives back the elements `read` claimed.
///
/// # Safety
///
/// `c` as for [`pop`].
pub(crate) unsafe fn release<C>(c: *mut C) -> spill_status
where
    C: Opaque<Payload = ConsumerHalf>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        unsafe {
            on_consumer(c, |raw, _| {
                raw.release();
                Ok(())
            })
        }
    })
}

/// `*_consumer_close`.
///
/// # Safety
///
/// `c` as for [`pop`].
pub(crate) unsafe fn close<C>(c: *mut C) -> spill_status
where
    C: Opaque<Payload = ConsumerHalf>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        unsafe {
            on_consumer(c, |raw, _| {
                raw.close();
                Ok(())
            })
        }
    })
}

/// A consumer query: `fallback` for a NULL, freed or busy handle.
///
/// # Safety
///
/// `c` is NULL or a live consumer handle.
pub(crate) unsafe fn consumer_query<C, R>(
    c: *const C,
    fallback: R,
    f: impl FnOnce(&RawConsumer) -> R,
) -> R
where
    C: Opaque<Payload = ConsumerHalf>,
{
    // SAFETY: the caller's contract.
    entry::value(fallback, || unsafe { on_consumer(c, |raw, _| Ok(f(raw))) })
}

/// `*_producer_elem_size`: served from the handle without entering it, so
/// it works from inside the producer's own spout.
///
/// # Safety
///
/// `p` is NULL or a live producer handle.
pub(crate) unsafe fn elem_size<P>(p: *const P) -> usize
where
    P: Opaque<Payload = ProducerHalf>,
{
    // SAFETY: the caller's contract; only plain fields are read.
    entry::value(0, || unsafe { handle::read(p, |half| half.elem_size) })
}
