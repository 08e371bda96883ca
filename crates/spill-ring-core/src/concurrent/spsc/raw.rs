//! The run-time-sized ("raw") halves of an SPSC spill ring: elements are
//! `elem_size` bytes, chosen when the ring is built
//! ([`Builder::build_raw`](super::Builder::build_raw)), moved by copying
//! bytes. They run the same protocol as the typed
//! [`Producer`](super::Producer)/[`Consumer`](super::Consumer).
//!
//! Slot `h` of the ring is at `base + h * elem_size`, `base` aligned to
//! [`RAW_ALIGN`] bytes: a slot is aligned as element `h` of a C array of
//! `elem_size`-byte structs starting at a `RAW_ALIGN`-aligned address would
//! be (so every slot is aligned to the largest power of two dividing
//! `elem_size`, capped at `RAW_ALIGN`).
//!
//! Evicted elements are handed, as bytes, to an `evict` function given to
//! each evicting call (the producer owns no spout here).
//!
//! ```
//! use spill_ring_core::concurrent::spsc::Builder;
//!
//! let (mut producer, mut consumer) = Builder::new(2).build_raw(3).unwrap();
//! let mut evicted = Vec::new();
//! for item in [[1, 1, 1], [2, 2, 2], [3, 3, 3]] {
//!     producer
//!         .push(&item, |old| Ok::<(), ()>(evicted.extend_from_slice(old)))
//!         .unwrap();
//! }
//! assert_eq!(evicted, [1, 1, 1]);
//! let mut out = [0; 3];
//! assert!(consumer.pop_into(&mut out));
//! assert_eq!(out, [2, 2, 2]);
//! ```

use core::cell::Cell;
use core::marker::PhantomData;
use std::time::{Duration, Instant};

use crate::concurrent::spsc::consume::ConsumerCore;
use crate::concurrent::spsc::owned::Owned;
use crate::concurrent::spsc::slots::SlotLayout;
use crate::concurrent::wait::{WaitError, Waited};
use crate::concurrent::BuildError;
use crate::PushError;

/// The largest element size of a raw ring, in bytes.
pub const MAX_ELEM_SIZE: usize = 4096;

/// The alignment of a raw ring's first slot, in bytes (the C header's
/// `SPILL_RING_ALIGN`).
pub const RAW_ALIGN: usize = 64;

/// The slot layout of a raw ring of `elem_size`-byte elements, once the
/// size is checked.
pub(crate) fn slot_layout(elem_size: usize) -> Result<SlotLayout, BuildError> {
    if elem_size == 0 || elem_size > MAX_ELEM_SIZE {
        return Err(BuildError::ElemSize(elem_size));
    }
    Ok(SlotLayout::bytes(elem_size, RAW_ALIGN))
}

/// Why a safe raw push refused or reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawPushError<E> {
    /// The item's length was not the ring's element size; nothing changed.
    Size {
        /// The ring's element size.
        expected: usize,
        /// The item's length.
        got: usize,
    },
    /// The push's own outcome, as its unsafe `_with` form returns it: the
    /// `evict` function's error ([`RawProducer::push`]: the item was pushed
    /// anyway), [`PushError::Full`] ([`RawProducer::try_push`]: nothing
    /// changed) or a [`WaitError`] ([`RawProducer::push_wait`]: nothing
    /// pushed).
    Push(E),
}

impl<E: core::fmt::Display> core::fmt::Display for RawPushError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RawPushError::Size { expected, got } => write!(
                f,
                "an item of {got} bytes does not fit a ring of {expected}-byte elements"
            ),
            RawPushError::Push(error) => error.fmt(f),
        }
    }
}

impl<E: core::fmt::Debug + core::fmt::Display> std::error::Error for RawPushError<E> {}

/// The producing half of a raw SPSC ring.
///
/// Every call belongs to the producer thread: it is `Send`, not `Clone`, not
/// `Sync`. No call blocks except [`push_wait`](Self::push_wait) and
/// [`push_wait_with`](Self::push_wait_with). At most one reservation is open
/// at a time: every call that pushes ([`push`](Self::push),
/// [`reserve`](Self::reserve), ...) first cancels an open one, and so does
/// dropping the producer.
pub struct RawProducer {
    core: Owned<u8>,
    elem_size: usize,
    /// Not `Sync`: one producer thread.
    not_sync: PhantomData<Cell<()>>,
}

impl RawProducer {
    pub(crate) fn from_owned(core: Owned<u8>) -> Self {
        let elem_size = core.shared.stride();
        RawProducer {
            core,
            elem_size,
            not_sync: PhantomData,
        }
    }

    /// The size of one element, in bytes.
    pub fn elem_size(&self) -> usize {
        self.elem_size
    }

    /// How many elements the ring can hold.
    pub fn capacity(&self) -> usize {
        self.core.shared.capacity()
    }

    /// How many elements are in the ring now (the consumer may be taking
    /// some). An open reservation is not counted.
    pub fn len(&self) -> usize {
        self.core.len()
    }

    /// Whether the ring holds no element now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the consumer was dropped. Pushes still work (the ring fills
    /// and evicts), but nobody will pop.
    pub fn is_abandoned(&self) -> bool {
        self.core.is_abandoned()
    }

    /// Whether the consumer closed the ring (or was dropped): waiting
    /// pushes then fail with [`WaitError::Closed`].
    pub fn is_closed(&self) -> bool {
        self.core.shared.wait.is_closed()
    }

    /// Appends one element written in place by `write`; when the ring is
    /// full, first evicts the oldest element: `evict` gets its bytes (they
    /// are its to keep; the consumer never sees that element). Never
    /// blocks. Returns `evict`'s error, if any, after the push completed:
    /// the new element is pushed either way.
    ///
    /// `write` gets the address of the slot, `elem_size` writable bytes
    /// aligned as the [module](self) says, that only this call touches.
    ///
    /// # Safety
    ///
    /// `write` must initialize all `elem_size` bytes and write nothing
    /// outside them. If `write` unwinds, nothing is published and the slot
    /// is taken back (an element evicted before it is gone to `evict`).
    #[inline]
    pub unsafe fn push_with<E>(
        &mut self,
        write: impl FnOnce(*mut u8),
        evict: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        self.cancel();
        let result = self.make_room(1, evict);
        // SAFETY: there is room for one element (`make_room`); `write`
        // initializes the slot (our caller's promise).
        unsafe { self.write_one(write) };
        result
    }

    /// Appends a copy of `item`, evicting the oldest element through
    /// `evict` when full, as [`push_with`](Self::push_with).
    /// [`RawPushError::Size`] when `item.len()` is not the element size
    /// (nothing changes), [`RawPushError::Push`] with `evict`'s error (the
    /// item was pushed).
    #[inline]
    pub fn push<E>(
        &mut self,
        item: &[u8],
        evict: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), RawPushError<E>> {
        self.check_size(item)?;
        // SAFETY: copies exactly `elem_size` bytes into the slot.
        unsafe { self.push_with(copy_from(item), evict) }.map_err(RawPushError::Push)
    }

    /// Appends one element written in place by `write`, only if there is
    /// room: `false` (and `write` is not called, nothing changes) when the
    /// ring is full. Never evicts, never blocks.
    ///
    /// # Safety
    ///
    /// As for [`push_with`](Self::push_with).
    #[inline]
    pub unsafe fn try_push_with(&mut self, write: impl FnOnce(*mut u8)) -> bool {
        self.cancel();
        if !self.core.has_room(1) {
            return false;
        }
        // SAFETY: there is room; `write` initializes the slot.
        unsafe { self.write_one(write) };
        true
    }

    /// The cheapest push: appends one element written in place by `write`
    /// only if the producer's own view already shows room and a free slot,
    /// reading no index the consumer writes and calling nothing out of line.
    /// `false` (nothing changes, `write` is not called) when that view says
    /// no, or when a reservation is open; then
    /// [`try_push_with`](Self::try_push_with) or
    /// [`push_with`](Self::push_with) look at the consumer's indices and
    /// decide. For a caller with a fast path and a
    /// checked one, such as the C ABI's push.
    ///
    /// # Safety
    ///
    /// As for [`push_with`](Self::push_with).
    #[inline(always)]
    pub unsafe fn try_push_seen_with(&mut self, write: impl FnOnce(*mut u8)) -> bool {
        if !self.core.reserved.is_empty() {
            return false;
        }
        // SAFETY: `write` initializes the slot's `elem_size` bytes, the
        // stride of a raw ring (our caller's promise).
        unsafe { self.core.try_push_seen(write) }
    }

    /// Appends a copy of `item` only if there is room, as
    /// [`try_push_with`](Self::try_push_with): `Push(PushError::Full(()))`
    /// when full, [`RawPushError::Size`] on a wrong length.
    #[inline]
    pub fn try_push(&mut self, item: &[u8]) -> Result<(), RawPushError<PushError<()>>> {
        self.check_size(item)?;
        // SAFETY: copies exactly `elem_size` bytes into the slot.
        if unsafe { self.try_push_with(copy_from(item)) } {
            Ok(())
        } else {
            Err(RawPushError::Push(PushError::Full(())))
        }
    }

    /// Appends one element written in place by `write` without losing
    /// anything: when the ring is full, waits for the consumer to make room
    /// (spinning, then yielding, then parking; woken by the consumer when
    /// the ring was built [`waking`](super::Builder::waking), else polling
    /// every 50 µs). `timeout` bounds the wait (`None`: no bound).
    /// [`WaitError::Timeout`] when it passes, [`WaitError::Closed`] when the
    /// consumer closes the ring (or is dropped); then `write` is not called
    /// and nothing changes.
    ///
    /// # Safety
    ///
    /// As for [`push_with`](Self::push_with).
    pub unsafe fn push_wait_with(
        &mut self,
        write: impl FnOnce(*mut u8),
        timeout: Option<Duration>,
    ) -> Result<(), WaitError<()>> {
        self.cancel();
        // A deadline past what `Instant` can hold is no deadline.
        let deadline = timeout.and_then(|timeout| Instant::now().checked_add(timeout));
        let core = &mut self.core;
        let shared = core.shared.clone();
        match shared.wait.wait_for(deadline, || core.has_room(1)) {
            Waited::Room => {
                // SAFETY: there is room (only the producer fills the ring);
                // `write` initializes the slot.
                unsafe { self.write_one(write) };
                Ok(())
            }
            Waited::Timeout => Err(WaitError::Timeout(())),
            Waited::Closed => Err(WaitError::Closed(())),
        }
    }

    /// Appends a copy of `item` without losing anything, as
    /// [`push_wait_with`](Self::push_wait_with); [`RawPushError::Size`] on a
    /// wrong length.
    pub fn push_wait(
        &mut self,
        item: &[u8],
        timeout: Option<Duration>,
    ) -> Result<(), RawPushError<WaitError<()>>> {
        self.check_size(item)?;
        // SAFETY: copies exactly `elem_size` bytes into the slot.
        unsafe { self.push_wait_with(copy_from(item), timeout) }.map_err(RawPushError::Push)
    }

    /// Reserves `n.min(capacity)` slots to write in place (after cancelling
    /// an open reservation), evicting the oldest elements as needed through
    /// `evict` (oldest first; the first error is returned, the reservation
    /// is made either way). Returns how many slots were reserved. Nothing is
    /// visible to the consumer until [`commit`](Self::commit).
    ///
    /// The slots are not contiguous in memory: reach each with
    /// [`reserved_slot`](Self::reserved_slot).
    pub fn reserve<E>(
        &mut self,
        n: usize,
        evict: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> (usize, Result<(), E>) {
        self.cancel();
        let n = n.min(self.capacity());
        let result = self.make_room(n, evict);
        self.core.reserve_handles(n);
        (n, result)
    }

    /// The address of reserved slot number `at` (`elem_size` writable
    /// bytes, aligned as the [module](self) says), `None` past the open
    /// reservation. It stays valid until the reservation is committed or
    /// cancelled (by any pushing call or dropping the producer).
    pub fn reserved_slot(&self, at: usize) -> Option<*mut u8> {
        let handle = *self.core.reserved.get(at)?;
        // The address only: writing through it is the caller's, under
        // `commit`'s contract. Only we hold the handle.
        Some(self.core.shared.write_slot(handle, |slot| slot))
    }

    /// Fills `out` with the addresses of the first `out.len()` reserved
    /// slots, as [`reserved_slot`](Self::reserved_slot); returns how many
    /// were filled.
    pub fn reserved_slots(&self, out: &mut [*mut u8]) -> usize {
        let mut filled = 0;
        for (at, slot) in out.iter_mut().enumerate() {
            match self.reserved_slot(at) {
                Some(address) => *slot = address,
                None => break,
            }
            filled += 1;
        }
        filled
    }

    /// How many slots the open reservation has (0: none).
    pub fn reserved(&self) -> usize {
        self.core.reserved.len()
    }

    /// Publishes the first `written` reserved slots (at most the
    /// reservation's size), in order, with one release store, and gives the
    /// others back; closes the reservation.
    ///
    /// # Safety
    ///
    /// Those slots must be fully written (all `elem_size` bytes each).
    pub unsafe fn commit(&mut self, written: usize) {
        let written = written.min(self.reserved());
        self.core.publish_reserved(written);
    }

    /// Closes an open reservation publishing nothing (`commit(0)`).
    pub fn cancel(&mut self) {
        if !self.core.reserved.is_empty() {
            self.core.publish_reserved(0);
        }
    }

    /// Checks an item's length.
    #[inline(always)]
    fn check_size<E>(&self, item: &[u8]) -> Result<(), RawPushError<E>> {
        if item.len() == self.elem_size {
            Ok(())
        } else {
            Err(RawPushError::Size {
                expected: self.elem_size,
                got: item.len(),
            })
        }
    }

    /// Evicts as needed for `n` more elements through `evict`; its first
    /// error.
    #[inline(always)]
    fn make_room<E>(
        &mut self,
        n: usize,
        evict: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.core.has_room(n) {
            return Ok(());
        }
        self.evict_for_room(n, evict)
    }

    #[cold]
    fn evict_for_room<E>(
        &mut self,
        n: usize,
        mut evict: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut result = Ok(());
        let elem_size = self.elem_size;
        self.core.evict_oldest(n, |slot| {
            // SAFETY: `evict_oldest` hands us each evicted slot once, holding a
            // published element (all `elem_size` bytes written) that is ours
            // now; nobody writes it while we read.
            let oldest = unsafe { core::slice::from_raw_parts(slot, elem_size) };
            if let (Err(error), true) = (evict(oldest), result.is_ok()) {
                result = Err(error);
            }
        });
        result
    }

    /// Takes a free slot, has `write` fill it and publishes it; if `write`
    /// unwinds, gives the slot back.
    ///
    /// # Safety
    ///
    /// There must be room for one element, and `write` must initialize the
    /// slot's `elem_size` bytes.
    #[inline(always)]
    unsafe fn write_one(&mut self, write: impl FnOnce(*mut u8)) {
        // SAFETY: `write` initializes the slot's `elem_size` bytes, the
        // stride of a raw ring (our caller's promise).
        unsafe { self.core.push_one(write) }
    }
}

/// A write function copying `item` into a slot.
#[inline(always)]
fn copy_from(item: &[u8]) -> impl FnOnce(*mut u8) + '_ {
    move |slot| {
        // SAFETY: the slot has `elem_size == item.len()` writable bytes
        // (checked by the caller), in the ring's allocation, so it does not
        // overlap `item`.
        unsafe { core::ptr::copy_nonoverlapping(item.as_ptr(), slot, item.len()) }
    }
}

impl Drop for RawProducer {
    fn drop(&mut self) {
        // A lane's producer state is reused by the next registration: it
        // must not keep reserved handles.
        self.cancel();
    }
}

impl core::fmt::Debug for RawProducer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RawProducer")
            .field("elem_size", &self.elem_size)
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .field("reserved", &self.reserved())
            .finish_non_exhaustive()
    }
}

/// The consuming half of a raw SPSC ring.
///
/// Every call belongs to the consumer thread: it is `Send`, not `Clone`, not
/// `Sync`. Each claim ([`pop_into`](Self::pop_into),
/// [`pop_slice`](Self::pop_slice), [`consume_up_to`](Self::consume_up_to),
/// [`read`](Self::read)) costs one compare-exchange on the shared head
/// index, whatever its size, takes at most the ring's hold limit
/// ([`Builder::hold`](super::Builder::hold)) and first releases what a
/// [`read`](Self::read) still holds. Dropping the consumer closes the ring.
pub struct RawConsumer {
    core: ConsumerCore<u8>,
    elem_size: usize,
    /// How many claimed elements a `read` holds (the first ones of
    /// `core.claimed`).
    held: usize,
    /// Not `Sync`: one consumer thread.
    not_sync: PhantomData<Cell<()>>,
}

impl RawConsumer {
    pub(crate) fn from_core(core: ConsumerCore<u8>) -> Self {
        let elem_size = core.shared.stride();
        RawConsumer {
            core,
            elem_size,
            held: 0,
            not_sync: PhantomData,
        }
    }

    /// The size of one element, in bytes.
    pub fn elem_size(&self) -> usize {
        self.elem_size
    }

    /// How many elements the ring can hold.
    pub fn capacity(&self) -> usize {
        self.core.shared.capacity()
    }

    /// How many elements are in the ring now (the producer may be adding or
    /// evicting); held elements are no longer in it.
    pub fn len(&self) -> usize {
        self.core.shared.len()
    }

    /// Whether the ring holds no element now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the producer was dropped: once this ring is empty, nothing
    /// more will come. (For a lane of an MPSC: whether its last producer
    /// unregistered for good; lanes are reused, so this stays `false`.)
    pub fn is_abandoned(&self) -> bool {
        self.core.is_abandoned()
    }

    /// Closes the ring: waiting pushes fail with [`WaitError::Closed`]
    /// (a parked producer is woken). Evicting pushes and pops go on.
    pub fn close(&self) {
        self.core.shared.wait.close();
    }

    /// Copies the oldest element into `out[..elem_size]` and removes it;
    /// `false` when the ring is empty or `out` is shorter than the element
    /// size (then nothing is removed).
    #[inline]
    pub fn pop_into(&mut self, out: &mut [u8]) -> bool {
        let Some(out) = out.get_mut(..self.elem_size) else {
            self.release();
            return false;
        };
        self.consume_up_to(1, |item| out.copy_from_slice(item)) == 1
    }

    /// Copies up to `out.len() / elem_size` of the oldest elements, oldest
    /// first, contiguously into `out` and removes them (one claim); returns
    /// how many.
    pub fn pop_slice(&mut self, out: &mut [u8]) -> usize {
        let mut chunks = out.chunks_exact_mut(self.elem_size);
        let n = chunks.len();
        self.consume_up_to(n, |item| {
            if let Some(chunk) = chunks.next() {
                chunk.copy_from_slice(item);
            }
        })
    }

    /// Hands every available element (up to the hold limit) to `f`, oldest
    /// first, with one claim; returns how many.
    pub fn consume_all(&mut self, f: impl FnMut(&[u8])) -> usize {
        self.consume_up_to(usize::MAX, f)
    }

    /// As [`consume_all`](Self::consume_all), at most `n` elements. If `f`
    /// unwinds, the rest of the batch is removed unread.
    pub fn consume_up_to(&mut self, n: usize, mut f: impl FnMut(&[u8])) -> usize {
        self.release();
        let claimed = self.core.claim(n);
        let finish = Finish {
            core: &mut self.core,
            claimed,
        };
        let elem_size = self.elem_size;
        for &handle in &finish.core.claimed[..claimed] {
            // SAFETY: a claimed handle's slot holds a published element (all
            // `elem_size` bytes written) that only we reach until it is
            // finished.
            finish.core.shared.read_slot(handle, |slot| {
                f(unsafe { core::slice::from_raw_parts(slot, elem_size) })
            });
        }
        claimed
    }

    /// Claims up to `n` of the oldest elements (one compare-exchange, after
    /// releasing what was held) to read in place; returns how many. They
    /// leave the ring now (the producer cannot evict or overwrite them) and
    /// stay readable through [`read_slot`](Self::read_slot) until
    /// [`release`](Self::release) or the next claim.
    pub fn read(&mut self, n: usize) -> usize {
        self.release();
        self.held = self.core.claim(n);
        self.held
    }

    /// The address of held element number `at` (oldest first;
    /// `elem_size` readable bytes, aligned as the [module](super::raw)
    /// says), `None` past what [`read`](Self::read) holds. Valid until the
    /// element is released.
    pub fn read_slot(&self, at: usize) -> Option<*const u8> {
        if at >= self.held {
            return None;
        }
        let handle = self.core.claimed[at];
        // The address only: reading through it is the caller's. Claimed,
        // so nobody writes the slot until we release it.
        Some(self.core.shared.read_slot(handle, |slot| slot))
    }

    /// Fills `out` with the addresses of the first `out.len()` held
    /// elements, as [`read_slot`](Self::read_slot); returns how many were
    /// filled.
    pub fn read_slots(&self, out: &mut [*const u8]) -> usize {
        let mut filled = 0;
        for (at, slot) in out.iter_mut().enumerate() {
            match self.read_slot(at) {
                Some(address) => *slot = address,
                None => break,
            }
            filled += 1;
        }
        filled
    }

    /// Releases the held elements: their slots go back to the producer (the
    /// addresses from [`read_slot`](Self::read_slot) must not be used
    /// afterwards).
    pub fn release(&mut self) {
        if self.held > 0 {
            self.core.finish(core::mem::take(&mut self.held));
        }
    }

    /// How many elements [`read`](Self::read) holds now (0: none).
    pub fn held(&self) -> usize {
        self.held
    }
}

/// Finishes the claimed elements when a batch ends, also when the callback
/// unwinds.
struct Finish<'a> {
    core: &'a mut ConsumerCore<u8>,
    claimed: usize,
}

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        self.core.finish(self.claimed);
    }
}

impl core::fmt::Debug for RawConsumer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RawConsumer")
            .field("elem_size", &self.elem_size)
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .field("held", &self.held)
            .finish_non_exhaustive()
    }
}
