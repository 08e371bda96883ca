//! The typed halves: [`Producer`] and [`Consumer`] of `T`, and their
//! zero-copy chunks.

use core::mem::MaybeUninit;
use std::time::{Duration, Instant};

use spout::{DropSpout, Spout};

use crate::concurrent::spsc::consume::ConsumerCore;
use crate::concurrent::spsc::owned::Owned;
use crate::concurrent::wait::{WaitError, Waited};
use crate::PushError;

/// The producing half of an SPSC spill ring; it owns the spout.
///
/// Every call belongs to the producer thread (the type is `Send`, not
/// `Clone` and its methods take `&mut self`). [`push`](Self::push) never
/// blocks and never waits for the consumer: when the ring is full it evicts
/// the oldest item to the spout, racing the consumer for it through one
/// compare-exchange; exactly one of them gets it.
pub struct Producer<T, S = DropSpout> {
    pub(crate) core: Owned<T>,
    spout: S,
}

/// The consuming half of an SPSC spill ring.
///
/// Every call belongs to the consumer thread. Each claim of items (a
/// [`pop`](Self::pop), a [`pop_slice`](Self::pop_slice), a whole
/// [`consume_all`](Self::consume_all) or [`read`](Self::read) batch) costs
/// one compare-exchange on the shared head index, whatever its size.
/// Dropping the consumer closes the ring.
pub struct Consumer<T> {
    pub(crate) core: ConsumerCore<T>,
}

impl<T, S> Producer<T, S> {
    pub(crate) fn from_parts(core: Owned<T>, spout: S) -> Self {
        Producer { core, spout }
    }

    /// How many items the ring can hold.
    pub fn capacity(&self) -> usize {
        self.core.shared.capacity()
    }

    /// How many items are in the ring now (the consumer may be taking some).
    pub fn len(&self) -> usize {
        self.core.len()
    }

    /// Whether the ring holds no item now.
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

    /// The spout evicted items go to.
    pub fn spout(&self) -> &S {
        &self.spout
    }

    /// The spout, mutably (to flush it, for example).
    pub fn spout_mut(&mut self) -> &mut S {
        &mut self.spout
    }
}

impl<T, S: Spout<T>> Producer<T, S> {
    /// Appends `item`; when the ring is full, first evicts the oldest item
    /// to the spout. Never blocks. Returns the spout's error if the evicted
    /// item was refused (the item is the spout's either way).
    #[inline]
    pub fn push(&mut self, item: T) -> Result<(), S::Error> {
        if self.core.has_seen_room(1) {
            // SAFETY: the producer's own view shows room and a free slot;
            // writing the item initializes the slot.
            unsafe { self.core.push_seen(|slot| slot.write(item)) };
            return Ok(());
        }
        self.push_slow(item)
    }

    /// [`push`](Self::push) when the producer's own view does not show
    /// room: looks at the consumer's indices, evicts if full.
    #[cold]
    fn push_slow(&mut self, item: T) -> Result<(), S::Error> {
        let result = self.make_room(1);
        // SAFETY: there is room for one item (`make_room`), and `push_one`
        // hands us a slot of our own: writing the item initializes it.
        unsafe { self.core.push_one(|slot| slot.write(item)) };
        result
    }

    /// Appends `item` only if there is room; otherwise hands it back and
    /// evicts nothing.
    #[inline]
    pub fn try_push(&mut self, item: T) -> Result<(), PushError<T>> {
        if !self.core.has_room(1) {
            return Err(PushError::Full(item));
        }
        // SAFETY: as in `push`.
        unsafe { self.core.push_one(|slot| slot.write(item)) };
        Ok(())
    }

    /// Appends `item` without losing anything: when the ring is full, waits
    /// for the consumer to make room (spinning, then yielding, then
    /// parking). Fails only when the consumer closes the ring.
    pub fn push_wait(&mut self, item: T) -> Result<(), WaitError<T>> {
        self.push_waiting(item, None)
    }

    /// As [`push_wait`](Self::push_wait), giving up after `timeout`.
    pub fn push_wait_timeout(&mut self, item: T, timeout: Duration) -> Result<(), WaitError<T>> {
        self.push_waiting(item, Some(Instant::now() + timeout))
    }

    fn push_waiting(&mut self, item: T, deadline: Option<Instant>) -> Result<(), WaitError<T>> {
        let core = &mut self.core;
        let shared = core.shared.clone();
        match shared.wait.wait_for(deadline, || core.has_room(1)) {
            Waited::Room => match self.try_push(item) {
                Ok(()) => Ok(()),
                Err(PushError::Full(_)) => unreachable!("only the producer fills the ring"),
            },
            Waited::Timeout => Err(WaitError::Timeout(item)),
            Waited::Closed => Err(WaitError::Closed(item)),
        }
    }

    /// Reserves `n` slots (at most the capacity) to write in place, evicting
    /// the oldest items as needed; nothing is visible to the consumer until
    /// [`WriteChunk::commit`].
    pub fn reserve(&mut self, n: usize) -> WriteChunk<'_, T, S> {
        let n = n.min(self.capacity());
        let result = self.make_room(n);
        self.core.reserve_handles(n);
        WriteChunk {
            producer: self,
            written: 0,
            result,
        }
    }

    /// Reserves `n` slots to write in place only if `n` more items fit
    /// without evicting; `None` (nothing changes) when fewer fit, or `n` is
    /// more than the capacity. Never evicts, never blocks: the lossless
    /// form of [`reserve`](Self::reserve), as [`try_push`](Self::try_push)
    /// is of [`push`](Self::push).
    pub fn try_reserve(&mut self, n: usize) -> Option<WriteChunk<'_, T, S>> {
        if n > self.capacity() || !self.core.has_room(n) {
            return None;
        }
        self.core.reserve_handles(n);
        Some(WriteChunk {
            producer: self,
            written: 0,
            result: Ok(()),
        })
    }

    /// Evicts as needed for `n` more items; the first spout error.
    #[inline(always)]
    fn make_room(&mut self, n: usize) -> Result<(), S::Error> {
        if self.core.has_room(n) {
            return Ok(());
        }
        self.evict_for_room(n)
    }

    #[cold]
    fn evict_for_room(&mut self, n: usize) -> Result<(), S::Error> {
        let mut result = Ok(());
        let spout = &mut self.spout;
        self.core.evict_oldest(n, |slot| {
            // SAFETY: `evict_oldest` hands us each evicted slot once, holding a
            // published item that is ours now.
            let oldest = unsafe { slot.read() };
            if let (Err(error), true) = (spout.send(oldest), result.is_ok()) {
                result = Err(error);
            }
        });
        result
    }
}

impl<T, S> core::fmt::Debug for Producer<T, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Producer")
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}

/// Slots reserved by [`Producer::reserve`], written in place and published
/// together by [`commit`](Self::commit). Dropping it uncommitted drops what
/// was written and publishes nothing.
pub struct WriteChunk<'a, T, S: Spout<T>> {
    producer: &'a mut Producer<T, S>,
    written: usize,
    result: Result<(), S::Error>,
}

impl<T, S: Spout<T>> core::fmt::Debug for WriteChunk<'_, T, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WriteChunk")
            .field("capacity", &self.capacity())
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl<T, S: Spout<T>> WriteChunk<'_, T, S> {
    /// How many slots were reserved.
    pub fn capacity(&self) -> usize {
        self.producer.core.reserved.len()
    }

    /// How many slots are written.
    pub fn len(&self) -> usize {
        self.written
    }

    /// Whether no slot is written yet.
    pub fn is_empty(&self) -> bool {
        self.written == 0
    }

    /// Writes `item` into the next reserved slot; hands it back when every
    /// slot is written.
    pub fn push(&mut self, item: T) -> Result<(), T> {
        match self.next_slot() {
            Some(slot) => {
                slot.write(item);
                // SAFETY: the slot was just written.
                unsafe { self.advance() };
                Ok(())
            }
            None => Err(item),
        }
    }

    /// The next reserved slot, to be written in place, then counted with
    /// [`advance`](Self::advance); `None` when all are written.
    pub fn next_slot(&mut self) -> Option<&mut MaybeUninit<T>> {
        let handle = *self.producer.core.reserved.get(self.written)?;
        // SAFETY: the handle is reserved by us, so no one else touches its
        // slot while we borrow the chunk mutably.
        Some(self.producer.core.shared.write_slot(handle, |slot| unsafe {
            &mut *slot.cast::<MaybeUninit<T>>()
        }))
    }

    /// Counts the slot last returned by [`next_slot`](Self::next_slot) as
    /// written.
    ///
    /// # Safety
    ///
    /// That slot must hold a fully initialized item.
    pub unsafe fn advance(&mut self) {
        debug_assert!(self.written < self.capacity());
        self.written += 1;
    }

    /// Publishes the written slots, in order, with one release store.
    /// Returns the first error of the spout while evicting for the
    /// reservation.
    pub fn commit(mut self) -> Result<(), S::Error> {
        let written = core::mem::take(&mut self.written);
        self.producer.core.publish_reserved(written);
        core::mem::replace(&mut self.result, Ok(()))
    }
}

impl<T, S: Spout<T>> Drop for WriteChunk<'_, T, S> {
    fn drop(&mut self) {
        let core = &mut self.producer.core;
        for &handle in &core.reserved[..self.written] {
            // SAFETY: written and never published: ours to drop.
            core.shared
                .write_slot(handle, |slot| unsafe { slot.drop_in_place() });
        }
        core.publish_reserved(0);
    }
}

impl<T> Consumer<T> {
    pub(crate) fn from_core(core: ConsumerCore<T>) -> Self {
        Consumer { core }
    }

    /// How many items the ring can hold.
    pub fn capacity(&self) -> usize {
        self.core.shared.capacity()
    }

    /// How many items are in the ring now (the producer may be adding or
    /// evicting).
    pub fn len(&self) -> usize {
        self.core.shared.len()
    }

    /// Whether the ring holds no item now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the producer was dropped: once this ring is empty, nothing
    /// more will come.
    pub fn is_abandoned(&self) -> bool {
        self.core.is_abandoned()
    }

    /// Closes the ring: waiting pushes fail with [`WaitError::Closed`]
    /// (every parked producer is woken). Evicting pushes and pops go on.
    pub fn close(&self) {
        self.core.shared.wait.close();
    }

    /// Removes and returns the oldest item.
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        if self.core.claim(1) == 0 {
            return None;
        }
        let item = self.take(0);
        self.core.finish(1);
        Some(item)
    }

    /// Moves up to `out.len()` of the oldest items into `out` (one claim);
    /// returns how many.
    pub fn pop_slice(&mut self, out: &mut [T]) -> usize {
        self.consume_into(out.len(), out.iter_mut(), |slot, item| *slot = item)
    }

    /// Hands every available item (up to the hold limit of the ring, see
    /// `Builder::hold`) to `f`, oldest first, with one claim; returns how
    /// many.
    pub fn consume_all(&mut self, f: impl FnMut(T)) -> usize {
        self.consume_up_to(usize::MAX, f)
    }

    /// As [`consume_all`](Self::consume_all), at most `n` items.
    pub fn consume_up_to(&mut self, n: usize, mut f: impl FnMut(T)) -> usize {
        self.consume_into(n, core::iter::repeat(()), |(), item| f(item))
    }

    /// Claims up to `n` of the oldest items to read in place; they leave the
    /// ring now and are dropped, and their slots freed, when the chunk is.
    pub fn read(&mut self, n: usize) -> ReadChunk<'_, T> {
        let len = self.core.claim(n);
        ReadChunk {
            consumer: self,
            len,
        }
    }

    /// Claims up to `n` items and moves them out one by one into `sink`
    /// with the matching element of `targets`.
    fn consume_into<U>(
        &mut self,
        n: usize,
        targets: impl Iterator<Item = U>,
        mut sink: impl FnMut(U, T),
    ) -> usize {
        let claimed = self.core.claim(n);
        let mut guard = Finish {
            core: &mut self.core,
            taken: 0,
            claimed,
        };
        for target in targets.take(claimed) {
            let item = take(guard.core, guard.taken);
            guard.taken += 1;
            sink(target, item);
        }
        claimed
    }

    /// Moves out the claimed item number `at`.
    fn take(&mut self, at: usize) -> T {
        take(&self.core, at)
    }
}

/// Moves out the claimed item number `at` (it must not have been moved).
#[inline(always)]
fn take<T>(core: &ConsumerCore<T>, at: usize) -> T {
    let handle = core.claimed[at];
    // SAFETY: claimed handles hold published items that are ours; each is
    // moved out once, then its handle is finished.
    core.shared.read_slot(handle, |slot| unsafe { slot.read() })
}

/// Finishes the claimed items when a batch ends, also when the callback
/// unwinds: the ones not moved out yet are dropped.
struct Finish<'a, T> {
    core: &'a mut ConsumerCore<T>,
    taken: usize,
    claimed: usize,
}

impl<T> Drop for Finish<'_, T> {
    fn drop(&mut self) {
        for at in self.taken..self.claimed {
            drop(take(self.core, at));
        }
        self.core.finish(self.claimed);
    }
}

impl<T> core::fmt::Debug for Consumer<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Consumer")
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}

/// Items claimed by [`Consumer::read`], read in place. They are no longer
/// in the ring (the producer cannot evict them); dropping the chunk drops
/// them and frees their slots.
pub struct ReadChunk<'a, T> {
    consumer: &'a mut Consumer<T>,
    len: usize,
}

impl<T> core::fmt::Debug for ReadChunk<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReadChunk")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl<T> ReadChunk<'_, T> {
    /// How many items the chunk holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the chunk holds no item.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Item number `at`, oldest first.
    pub fn get(&self, at: usize) -> Option<&T> {
        if at >= self.len {
            return None;
        }
        let core = &self.consumer.core;
        let handle = core.claimed[at];
        // SAFETY: a claimed slot holds a published item that only we can
        // reach until the chunk is dropped.
        Some(core.shared.read_slot(handle, |slot| unsafe { &*slot }))
    }

    /// The items, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        (0..self.len).filter_map(|at| self.get(at))
    }
}

impl<T> Drop for ReadChunk<'_, T> {
    fn drop(&mut self) {
        let core = &mut self.consumer.core;
        if core::mem::needs_drop::<T>() {
            for &handle in &core.claimed[..self.len] {
                // SAFETY: claimed, read in place only, dropped once here.
                core.shared
                    .write_slot(handle, |slot| unsafe { slot.drop_in_place() });
            }
        }
        core.finish(self.len);
    }
}
