//! MPSC from C (`spill_mpsc_FAM`): n producers, each a ring of its own
//! (the core's [`Producer`]s, merged in a [`Consumer`]), handed to C as
//! ring handles, and a drain of the merged items once producers are done.

use spill_ring_core::{check_capacity, Consumer, Producer};

use crate::abi::entry;
use crate::abi::handle::{self, Handle, HandleArray, Opaque, Owner, Release};
use crate::abi::last_error::Error;
use crate::abi::lifecycle;
use crate::abi::limits::{check_count, SPILL_MPSC_MAX_PRODUCERS};
use crate::abi::ptr_args::{self, write_opt, Out};
use crate::abi::status::spill_status;
use crate::c_spout::{spill_spout, CSpout, SharedSpout};
use crate::ring::payload::{on_ring, ValueFamily, ValueRing};

/// What an MPSC handle holds: a lent ring handle per producer, and the core
/// consumer that owns the producers' rings (dropped last).
pub(crate) struct MpscSet<F: ValueFamily> {
    handles: HandleArray<F>,
    _consumer: Consumer<F::Elem, SharedSpout>,
}

impl<F: ValueFamily> Release for MpscSet<F> {
    /// Sends every producer's items to its spout, in batches.
    fn release(&self) -> Result<(), Error> {
        let mut first_error = Ok(());
        for producer in self.handles.iter() {
            // SAFETY: `producer` is one of our live handles.
            let released = unsafe { handle::enter(producer.cast_const(), |ring| ring.release()) };
            if first_error.is_ok() {
                first_error = released;
            }
        }
        first_error
    }

    fn disarm(&mut self) {
        for producer in self._consumer.producers_mut() {
            *producer.ring_mut().spout_mut() = SharedSpout(CSpout::DROP);
        }
    }
}

/// The spout of each producer: none (drop), one shared, or one each.
///
/// # Safety
///
/// `spouts` is NULL or points to `count` valid spouts.
unsafe fn producer_spouts(
    producers: usize,
    spouts: *const spill_spout,
    count: usize,
) -> Result<Vec<CSpout>, Error> {
    // SAFETY: the caller's contract.
    let given = unsafe { ptr_args::slice(spouts, count, "spouts")? };
    let given = given
        .iter()
        .map(|s| CSpout::from_raw(*s, "a producer spout"))
        .collect::<Result<Vec<_>, _>>()?;
    match given.len() {
        0 => Ok(vec![CSpout::DROP; producers]),
        1 => Ok(vec![given[0]; producers]),
        n if n == producers => Ok(given),
        n => Err(Error::invalid(format!(
            "spout_count must be 0, 1 or the number of producers ({producers}), not {n}"
        ))),
    }
}

/// `spill_mpsc_FAM_create`.
///
/// # Safety
///
/// `spouts` is NULL or points to `spout_count` valid spouts; `out` is NULL
/// or writable.
pub(crate) unsafe fn create<M, F>(
    producers: usize,
    capacity: usize,
    spouts: *const spill_spout,
    spout_count: usize,
    out: *mut *mut M,
) -> spill_status
where
    F: ValueFamily,
    M: Opaque<Payload = MpscSet<F>>,
{
    // SAFETY: the caller's contract on `out`.
    let out = unsafe { Out::required(out, "out_mpsc") };
    entry::create(out, || {
        check_count(
            "producers",
            producers,
            SPILL_MPSC_MAX_PRODUCERS,
            "SPILL_MPSC_MAX_PRODUCERS",
        )?;
        check_capacity(capacity).map_err(|e| Error::invalid(e.to_string()))?;
        // SAFETY: the caller's contract.
        let spouts = unsafe { producer_spouts(producers, spouts, spout_count)? };
        let mut consumer = Consumer::new();
        for (id, spout) in spouts.iter().enumerate() {
            let producer = Producer::with_capacity(id, capacity, SharedSpout(*spout))
                .map_err(|e| Error::new(spill_status::SPILL_OUT_OF_MEMORY, e.to_string()))?;
            consumer.collect([producer]);
        }
        let handles: Box<[F]> = consumer
            .producers_mut()
            .iter_mut()
            .zip(spouts)
            .map(|(producer, spout)| {
                // A `*mut` keeps the unique borrow's permission (peek needs it).
                let ring: *mut _ = producer.ring_mut();
                // SAFETY: the ring lives in the consumer, which this set
                // keeps (and never changes) until it is freed, after the
                // handles; the C caller uses each producer handle from one
                // thread at a time.
                let payload = unsafe { ValueRing::lent(ring.cast_const(), true, spout) };
                F::wrap(Handle::new(payload, Owner::Parent("spill_mpsc")))
            })
            .collect();
        lifecycle::allocate::<M>(MpscSet {
            handles: HandleArray::new(handles),
            _consumer: consumer,
        })
    })
}

/// `spill_mpsc_FAM_producer`: the ring handle of producer `id`.
///
/// # Safety
///
/// `mpsc` is NULL or a live handle.
pub(crate) unsafe fn producer<M, F>(mpsc: *mut M, id: usize) -> *mut F
where
    F: ValueFamily,
    M: Opaque<Payload = MpscSet<F>>,
{
    entry::value(core::ptr::null_mut(), || {
        // SAFETY: the caller's contract.
        unsafe {
            handle::read(mpsc, |set| {
                if id < set.handles.len() {
                    Ok(set.handles.get(id))
                } else {
                    Err(Error::invalid(format!(
                        "producer {id} does not exist: the set has {}",
                        set.handles.len()
                    )))
                }
            })?
        }
    })
}

/// `spill_mpsc_FAM_producers`.
///
/// # Safety
///
/// `mpsc` is NULL or a live handle.
pub(crate) unsafe fn producers<M, F>(mpsc: *const M) -> usize
where
    F: ValueFamily,
    M: Opaque<Payload = MpscSet<F>>,
{
    // SAFETY: the caller's contract.
    entry::value(0, || unsafe { handle::read(mpsc, |set| set.handles.len()) })
}

/// `spill_mpsc_FAM_len`: the items of every producer.
///
/// # Safety
///
/// `mpsc` is NULL or a live handle whose producers are idle.
pub(crate) unsafe fn len<M, F>(mpsc: *const M) -> usize
where
    F: ValueFamily,
    M: Opaque<Payload = MpscSet<F>>,
{
    entry::value(0, || {
        // SAFETY: the caller's contract.
        unsafe {
            handle::enter(mpsc, |set| {
                let mut total = 0;
                for producer in set.handles.iter() {
                    total +=
                        handle::read(producer.cast_const(), |ring| -> Result<usize, Error> {
                            Ok(on_ring!(ring, r => r.len()))
                        })??;
                }
                Ok(total)
            })
        }
    })
}

/// `spill_mpsc_FAM_drain`: every producer's items to `dst`, producer by
/// producer in id order, each oldest first (at most two batches each).
///
/// # Safety
///
/// `mpsc` is NULL or a live handle whose producers are idle; `dst` is NULL
/// or valid; `out_drained` is NULL or writable.
pub(crate) unsafe fn drain<M, F>(
    mpsc: *mut M,
    dst: *const spill_spout,
    out_drained: *mut usize,
) -> spill_status
where
    F: ValueFamily,
    M: Opaque<Payload = MpscSet<F>>,
{
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::count(out_drained, "out_drained")? };
        // SAFETY: the caller's contract.
        let mut dst = unsafe { CSpout::required(dst, "dst")? };
        // SAFETY: the caller's contract.
        unsafe {
            handle::enter(mpsc, |set| {
                let mut drained = 0;
                for producer in set.handles.iter() {
                    let done = handle::enter(producer.cast_const(), |ring| {
                        Ok(on_ring!(ring, r => crate::ring::ops::drain_to(r, &mut dst)))
                    })?;
                    drained += done.count;
                    write_opt(&out, drained);
                    done.result?;
                }
                Ok(())
            })
        }
    })
}

/// `spill_mpsc_FAM_free`.
///
/// # Safety
///
/// `mpsc` is NULL or a live handle whose producers are idle and not used
/// again.
pub(crate) unsafe fn free<M, F>(mpsc: *mut M) -> spill_status
where
    F: ValueFamily,
    M: Opaque<Payload = MpscSet<F>>,
{
    // SAFETY: the caller's contract.
    unsafe { lifecycle::free(mpsc) }
}
