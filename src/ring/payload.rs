//! What a by-value ring handle (`spill_ring_u64`, ...) holds: its own ring
//! in its block, or a ring lent by an MPSC set or a worker pool (the core
//! keeps those rings; the handle points at one).

use core::cell::Cell;
use core::ptr::NonNull;

use spill_ring_core::{check_capacity, HeapRing, RawRing, RawStorage, Ring};

use crate::abi::block::BlockLayout;
use crate::abi::handle::{self, Opaque, Owner, Release};
use crate::abi::last_error::Error;
use crate::c_spout::{CSpout, SendFn, SharedSpout};

/// A ring the core owns (an MPSC producer's, a pool worker's) whose items
/// evict into a spout several threads share.
pub(crate) type LentRing<T> = HeapRing<T, SharedSpout>;

/// A handle's own ring, in its block.
pub(crate) type OwnRing<T> = RawRing<T, CSpout>;

/// The ring behind a handle.
pub(crate) enum RingKind<T: Copy> {
    /// The handle's own ring, in its block.
    Own(OwnRing<T>),
    /// A ring the core lends: always (MPSC producers), or only while a work
    /// function runs (pool workers; NULL otherwise).
    Lent {
        ring: Cell<*const LentRing<T>>,
        /// Whether the handle may borrow the ring exclusively (it may when
        /// the C layer owns it, not when the pool lends it shared).
        exclusive: bool,
    },
}

/// What a by-value ring handle holds.
pub(crate) struct ValueRing<T: Copy> {
    pub(crate) ring: RingKind<T>,
    /// A copy of the ring's spout (plain data), for releasing items in
    /// batches and for flushing when the ring serves as a spout.
    pub(crate) spout: CSpout,
}

impl<T: Copy> ValueRing<T> {
    /// A handle payload for a lent ring (`ring` may be NULL until lent).
    ///
    /// # Safety
    ///
    /// As for [`lend`](Self::lend).
    pub(crate) unsafe fn lent(ring: *const LentRing<T>, exclusive: bool, spout: CSpout) -> Self {
        ValueRing {
            ring: RingKind::Lent {
                ring: Cell::new(ring),
                exclusive,
            },
            spout,
        }
    }

    /// Points a lent handle at `ring` (NULL: not usable until lent again).
    ///
    /// # Safety
    ///
    /// Until the handle is lent another ring (or NULL), `ring` stays alive
    /// and only the thread that uses the handle uses it.
    pub(crate) unsafe fn lend(&self, ring: *const LentRing<T>) {
        if let RingKind::Lent { ring: cell, .. } = &self.ring {
            cell.set(ring);
        }
    }
}

/// The lent ring, if it is lent now.
pub(crate) fn lent_ring<T: Copy>(cell: &Cell<*const LentRing<T>>) -> Result<&LentRing<T>, Error> {
    let ring = cell.get();
    if ring.is_null() {
        return Err(Error::invalid(
            "a pool worker's ring can only be used inside its work function".to_owned(),
        ));
    }
    // SAFETY: only `lent` and `lend` set the pointer, whose callers keep
    // the ring alive and this thread's while it is lent; the borrow ends
    // with the call that made it, before the pool or set takes the ring
    // back.
    Ok(unsafe { &*ring })
}

/// Runs `$body` with `$r` bound to the handle payload's ring, whatever its
/// kind (the body is compiled once per ring type).
macro_rules! on_ring {
    ($payload:expr, $r:ident => $body:expr) => {
        match &$payload.ring {
            $crate::ring::payload::RingKind::Own($r) => $body,
            $crate::ring::payload::RingKind::Lent { ring, .. } => {
                let $r = $crate::ring::payload::lent_ring(ring)?;
                $body
            }
        }
    };
}
pub(crate) use on_ring;

/// Runs `$body` with `$r` bound to the payload's ring borrowed exclusively
/// (`&mut`): the handle's own ring, or a ring an MPSC set lends
/// exclusively; `$other` for a pool worker's ring (lent shared) or one not
/// lent now.
macro_rules! on_exclusive_ring {
    ($payload:expr, $r:ident => $body:expr, else $other:expr) => {
        match &mut $payload.ring {
            $crate::ring::payload::RingKind::Own($r) => $body,
            $crate::ring::payload::RingKind::Lent {
                ring,
                exclusive: true,
            } if !ring.get().is_null() => {
                // SAFETY: exclusive lent rings (MPSC producers) are owned by
                // the C layer and used by one thread at a time, this one
                // (see `ValueRing::lend`); the borrow ends with the call.
                let $r = unsafe { &mut *ring.get().cast_mut() };
                $body
            }
            $crate::ring::payload::RingKind::Lent { .. } => $other,
        }
    };
}
pub(crate) use on_exclusive_ring;

impl<T: Copy> Release for ValueRing<T> {
    fn release(&self) -> Result<(), Error> {
        on_ring!(self, r => crate::c_spout::transfer::release(r, self.spout))
    }

    fn disarm(&mut self) {
        if let RingKind::Own(ring) = &mut self.ring {
            *ring.spout_mut() = CSpout::DROP;
        }
    }
}

/// A by-value ring family: an opaque C type around a [`ValueRing`].
pub(crate) trait ValueFamily: Opaque<Payload = ValueRing<Self::Elem>> + 'static {
    /// The element type.
    type Elem: Copy + Send + 'static;
    /// The send function of the family's `as_spout`.
    const FEED: SendFn;
}

/// Where a by-value ring's parts go in its block.
pub(crate) struct ValuePlan {
    layout: BlockLayout,
    slots: usize,
    capacity: usize,
}

/// [`Family::plan`](crate::abi::lifecycle::Family::plan) for by-value rings:
/// the handle, then the slots.
pub(crate) fn plan<F: ValueFamily>(capacity: usize, spout: &CSpout) -> Result<ValuePlan, Error> {
    check_capacity(capacity).map_err(|e| Error::invalid(e.to_string()))?;
    crate::ring::check_chain(core::mem::size_of::<F::Elem>(), spout)?;
    let mut layout = BlockLayout::starting_with::<F>();
    let slots = layout.array::<F::Elem>(capacity)?;
    Ok(ValuePlan {
        layout,
        slots,
        capacity,
    })
}

/// [`Family::layout`](crate::abi::lifecycle::Family::layout) for by-value rings.
pub(crate) fn layout(plan: &ValuePlan) -> BlockLayout {
    plan.layout
}

/// [`Family::build`](crate::abi::lifecycle::Family::build) for by-value rings.
///
/// # Safety
///
/// As for [`Family::build`](crate::abi::lifecycle::Family::build).
pub(crate) unsafe fn build<F: ValueFamily>(
    mem: NonNull<u8>,
    plan: &ValuePlan,
    spout: CSpout,
    owner: Owner,
) -> *mut F {
    // SAFETY: the plan put `capacity` slots at this offset inside the block.
    let slots = unsafe { mem.add(plan.slots) }.cast::<F::Elem>();
    // SAFETY: the slots are aligned (regions are cache-line aligned), inside
    // the block, and used by nothing else until the handle is freed.
    let storage = unsafe { RawStorage::from_raw_parts(slots, plan.capacity) }
        .expect("plan() checked the capacity");
    let ring = RingKind::Own(Ring::from_parts(storage, spout, true));
    // SAFETY: the block starts with room for `F`, aligned (the caller's
    // contract), and the slots region does not overlap it.
    unsafe { handle::emplace::<F>(mem, ValueRing { ring, spout }, owner) }
}
