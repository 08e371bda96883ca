//! The logic of every concurrent MPSC export, written once over the
//! element kind (as in [`crate::spsc::ops`]).

use spill_ring_core::concurrent::mpsc::{self, RawMpscConsumer, RegisterError};

use crate::abi::entry;
use crate::abi::handle::{self, Opaque};
use crate::abi::last_error::Error;
use crate::abi::lifecycle;
use crate::abi::limits::{
    check_count, SPILL_CMPSC_MAX_PRODUCERS, SPILL_CMPSC_MAX_TOTAL_SLOTS, SPILL_RING_MAX_CAPACITY,
};
use crate::abi::outcome::EMPTY;
use crate::abi::ptr_args::{write_opt, Out};
use crate::abi::status::spill_status;
use crate::c_spout::{spill_spout, CSpout};
use crate::cmpsc::drain::Batcher;
use crate::cmpsc::halves::{LanesConsumer, Registry};
use crate::spsc::elem::out_elem;
use crate::spsc::halves::{Exclusive, ProducerHalf};
use crate::spsc::ops::{build_error, check_elem_size, waking, CLOSED};

/// The error of a registration when every lane is taken.
const LANES_TAKEN: Error = Error::fixed(
    spill_status::SPILL_FULL,
    "every producer lane is taken (free a producer to make one free)",
);

/// Refuses lanes whose slots add up to more than
/// SPILL_CMPSC_MAX_TOTAL_SLOTS (`hold` 0 means `capacity`). A capacity or
/// hold out of range on its own is left to the builder, which names it.
fn check_total_slots(max_producers: usize, capacity: usize, hold: usize) -> Result<(), Error> {
    let hold = if hold == 0 { capacity } else { hold };
    if capacity > SPILL_RING_MAX_CAPACITY || hold > SPILL_RING_MAX_CAPACITY {
        return Ok(());
    }
    let total = max_producers.saturating_mul(capacity + hold);
    if total > SPILL_CMPSC_MAX_TOTAL_SLOTS {
        return Err(Error::invalid(format!(
            "max_producers * (capacity + hold) is {total} slots: it must be at most \
             {SPILL_CMPSC_MAX_TOTAL_SLOTS} (SPILL_CMPSC_MAX_TOTAL_SLOTS)"
        )));
    }
    Ok(())
}

/// `spill_cmpsc_FAM_create` and `spill_cmpsc_bytes_create`.
///
/// # Safety
///
/// The out-pointers are NULL or writable.
pub(crate) unsafe fn create<M, C>(
    elem_size: usize,
    max_producers: usize,
    capacity: usize,
    hold: usize,
    flags: u32,
    out_mpsc: *mut *mut M,
    out_consumer: *mut *mut C,
) -> spill_status
where
    M: Opaque<Payload = Registry>,
    C: Opaque<Payload = LanesConsumer>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out_m = unsafe { Out::required(out_mpsc, "out_mpsc")? };
        // SAFETY: the caller's contract.
        let out_c = unsafe { Out::required(out_consumer, "out_consumer")? };
        out_m.write(core::ptr::null_mut());
        out_c.write(core::ptr::null_mut());
        check_elem_size(elem_size)?;
        check_count(
            "max_producers",
            max_producers,
            SPILL_CMPSC_MAX_PRODUCERS,
            "SPILL_CMPSC_MAX_PRODUCERS",
        )?;
        check_total_slots(max_producers, capacity, hold)?;
        let mut builder = mpsc::Builder::new(max_producers, capacity).waking(waking(flags)?);
        if hold != 0 {
            builder = builder.hold(hold);
        }
        let (registry, consumer) = builder.build_raw(elem_size).map_err(build_error)?;
        let c = lifecycle::allocate::<C>(LanesConsumer {
            raw: Exclusive::new(consumer),
            elem_size,
        })?;
        let m = match lifecycle::allocate::<M>(Registry {
            raw: registry,
            elem_size,
        }) {
            Ok(m) => m,
            Err(error) => {
                // SAFETY: `c` was just created and is not used again; its
                // release calls nothing and cannot fail.
                let _ = unsafe { handle::free(c) };
                return Err(error);
            }
        };
        out_m.write(m);
        out_c.write(c);
        Ok(())
    })
}

/// `*_register`: a new producer handle on a free lane.
///
/// # Safety
///
/// `m` is NULL or a live MPSC handle; `spout` is NULL or valid; `out` is
/// NULL or writable.
pub(crate) unsafe fn register<M, P>(
    m: *const M,
    spout: *const spill_spout,
    out: *mut *mut P,
) -> spill_status
where
    M: Opaque<Payload = Registry>,
    P: Opaque<Payload = ProducerHalf>,
{
    entry::status(|| {
        // SAFETY: the caller's contract. Only read: the registry is shared
        // by every registering thread.
        unsafe {
            handle::read(m, |registry| {
                let out = Out::required(out, "out_producer")?;
                out.write(core::ptr::null_mut());
                let spout = CSpout::optional(spout)?;
                crate::ring::check_chain(registry.elem_size, &spout)?;
                let producer = registry.raw.register().map_err(|error| match error {
                    RegisterError::Full => LANES_TAKEN,
                    RegisterError::Closed => CLOSED,
                })?;
                out.write(lifecycle::allocate::<P>(ProducerHalf::new(
                    producer, spout,
                ))?);
                Ok(())
            })?
        }
    })
}

/// A registry query (any thread); `fallback` for a NULL or freed handle.
///
/// # Safety
///
/// `m` is NULL or a live MPSC handle.
pub(crate) unsafe fn registry_query<M>(m: *const M, f: impl FnOnce(&Registry) -> usize) -> usize
where
    M: Opaque<Payload = Registry>,
{
    // SAFETY: the caller's contract.
    entry::value(0, || unsafe { handle::read(m, f) })
}

/// Runs `f` on the consumer's core, the handle entered (a spout of a drain
/// calling back into it gets `SPILL_BUSY`).
///
/// # Safety
///
/// `c` is NULL or a live consumer handle.
#[inline(always)]
unsafe fn on_consumer<C, R>(
    c: *const C,
    f: impl FnOnce(&mut RawMpscConsumer, usize) -> Result<R, Error>,
) -> Result<R, Error>
where
    C: Opaque<Payload = LanesConsumer>,
{
    // SAFETY: the caller's contract.
    unsafe {
        handle::enter(c, |half| {
            // SAFETY: entered for the whole closure; the only borrow.
            let raw = half.raw.get();
            f(raw, half.elem_size)
        })
    }
}

/// `*_consumer_pop`: the oldest element of the next non-empty lane.
///
/// # Safety
///
/// `c` is NULL or a live consumer handle; `out` is NULL or writable for
/// one element.
pub(crate) unsafe fn pop<C, T>(c: *mut C, out: *mut T) -> spill_status
where
    C: Opaque<Payload = LanesConsumer>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        unsafe {
            on_consumer(c, |raw, elem_size| {
                // SAFETY: the caller's contract.
                let out = out_elem(out, elem_size, "out")?;
                if raw.pop_into(out) {
                    Ok(())
                } else {
                    Err(EMPTY)
                }
            })
        }
    })
}

/// `*_consumer_drain`: one fair pass, at most `quota` per lane, to `dst`.
///
/// # Safety
///
/// `c` as for [`pop`]; `dst` is NULL or valid; `out_drained` is NULL or
/// writable.
pub(crate) unsafe fn drain<C>(
    c: *mut C,
    quota: usize,
    dst: *const spill_spout,
    out_drained: *mut usize,
) -> spill_status
where
    C: Opaque<Payload = LanesConsumer>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::count(out_drained, "out_drained")? };
        // SAFETY: the caller's contract.
        unsafe {
            on_consumer(c, |raw, elem_size| {
                // SAFETY: the caller's contract.
                let mut dst = CSpout::required(dst, "dst")?;
                if quota == 0 {
                    return Err(Error::invalid(
                        "quota is 0: it must be at least 1 (SIZE_MAX: no limit but the hold)"
                            .to_owned(),
                    ));
                }
                let mut batcher = Batcher::new(&mut dst, elem_size);
                raw.drain(quota, |item| batcher.stage(item));
                let result = batcher.finish();
                write_opt(&out, batcher.sent);
                result
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
    C: Opaque<Payload = LanesConsumer>,
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

/// A consumer query; `fallback` for a NULL, freed or busy handle.
///
/// # Safety
///
/// `c` is NULL or a live consumer handle.
pub(crate) unsafe fn consumer_query<C>(
    c: *const C,
    f: impl FnOnce(&RawMpscConsumer) -> usize,
) -> usize
where
    C: Opaque<Payload = LanesConsumer>,
{
    // SAFETY: the caller's contract.
    entry::value(0, || unsafe { on_consumer(c, |raw, _| Ok(f(raw))) })
}
