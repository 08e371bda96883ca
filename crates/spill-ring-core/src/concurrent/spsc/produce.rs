//! The producer's half of the protocol (see `shared`): room, eviction,
//! handles and publication. The element layers (`typed`, `bytes`) move the
//! items; this module moves indices and handles.

use core::sync::atomic::Ordering;

use crate::concurrent::primitive::Arc;
use crate::concurrent::spsc::shared::Shared;
use crate::concurrent::spsc::slots::try_vec;
use crate::concurrent::BuildError;

/// The producer's state: its copy of the indices and its free handles.
pub(crate) struct ProducerCore<T> {
    pub(crate) shared: Arc<Shared<T>>,
    /// The next index to publish (only we write `shared.tail`).
    tail: u64,
    /// The last `head` we saw plus N: we may publish below this index
    /// without evicting (`head` only grows). Kept as the sum so the hot
    /// path's room test is one compare of our own fields; the head seen is
    /// `limit - N`.
    limit: u64,
    /// How many returned handles we took back.
    returned_head: u64,
    /// The last `returned_tail` we saw: entries below it are ours to take.
    cached_returned_tail: u64,
    /// Free handles we freed ourselves (evicted, or reserved and not
    /// written); never more than N + K, its capacity.
    stash: Vec<u32>,
    /// Handles of the current reservation, in index order; capacity N.
    pub(crate) reserved: Vec<u32>,
}

impl<T> ProducerCore<T> {
    /// The producer's state over fresh `shared` state; fails only when an
    /// allocation does.
    pub(crate) fn try_new(shared: Arc<Shared<T>>) -> Result<Self, BuildError> {
        let physical = shared.physical();
        // Every handle starts in the return queue (see `Shared::try_new`).
        let stash = try_vec(physical)?;
        let reserved = try_vec(shared.capacity())?;
        let limit = shared.capacity() as u64;
        Ok(ProducerCore {
            shared,
            tail: 0,
            limit,
            returned_head: 0,
            cached_returned_tail: physical as u64,
            stash,
            reserved,
        })
    }

    /// How many items the ring holds, as seen by the producer.
    pub(crate) fn len(&self) -> usize {
        let head = self.shared.head.load(Ordering::Acquire);
        (self.tail.saturating_sub(head) as usize).min(self.shared.capacity())
    }

    /// Whether `n` more items fit without evicting. Loads `head` only when
    /// the cached copy says no.
    #[inline(always)]
    pub(crate) fn has_room(&mut self, n: usize) -> bool {
        if self.has_seen_room(n) {
            return true;
        }
        self.has_room_now(n)
    }

    /// [`has_room`](Self::has_room) after loading `head` again.
    #[cold]
    fn has_room_now(&mut self, n: usize) -> bool {
        self.see_head(self.shared.head.load(Ordering::Acquire));
        self.has_seen_room(n)
    }

    /// Whether `n` more items fit by the last head seen.
    #[inline(always)]
    fn has_seen_room(&self, n: usize) -> bool {
        self.tail + n as u64 <= self.limit
    }

    /// Records `head` as the last head seen.
    #[inline(always)]
    fn see_head(&mut self, head: u64) {
        self.limit = head + self.shared.capacity() as u64;
    }

    /// Makes room for `n <= N` more items by evicting the oldest ones, by
    /// the head last seen; evicts nothing if that leaves room already. For
    /// each evicted item, oldest first, `evict` gets its slot and must move
    /// the item out (ownership passes to it).
    ///
    /// The element layers call this from a cold function of theirs once
    /// [`has_room`](Self::has_room), in line, said no: it has just loaded
    /// the head, so it is not loaded again here, and a push with room
    /// builds no `evict` closure.
    pub(crate) fn evict_oldest(&mut self, n: usize, mut evict: impl FnMut(*mut T)) {
        debug_assert!(n <= self.shared.capacity());
        self.evict_for(n, &mut evict);
    }

    #[cold]
    fn evict_for(&mut self, n: usize, evict: &mut dyn FnMut(*mut T)) {
        // Saturating: with room by the head seen, there is nothing to evict.
        let target = (self.tail + n as u64).saturating_sub(self.shared.capacity() as u64);
        let mut head = self.limit - self.shared.capacity() as u64;
        while head < target {
            // AcqRel: acquire the consumer's returns that preceded its last
            // claim; release our tail so a consumer seeing this head sees
            // `tail >= head`.
            match self.shared.head.compare_exchange(
                head,
                target,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    // Stash the handles first: if `evict` unwinds, the
                    // remaining items leak but every handle stays counted.
                    let first = self.stash.len();
                    for index in head..target {
                        // We wrote this entry ourselves when publishing `index`.
                        self.stash
                            .push(self.shared.map(index).load(Ordering::Relaxed));
                    }
                    for at in first..self.stash.len() {
                        let handle = self.stash[at];
                        // The CAS gave us the item: no one else reads the slot.
                        self.shared.write_slot(handle, &mut *evict);
                    }
                    head = target;
                }
                Err(now) => head = now,
            }
        }
        self.see_head(head);
    }

    /// Takes a free handle. There is always one after `evict_oldest` or a
    /// successful `has_room` (see the counting argument in `shared`).
    ///
    /// The common case reads the next entry of the return queue that we
    /// already saw: no shared line is written. We publish how far we read
    /// (`returned_head`) only when we run out of entries seen, so the
    /// consumer's count of the queue may include up to N + K entries we
    /// took since; the queue's 2 (N + K) entries cover that.
    #[inline]
    pub(crate) fn take_handle(&mut self) -> u32 {
        match self.take_seen_handle() {
            Some(handle) => handle,
            None => self.take_stashed(),
        }
    }

    /// A free handle from the entries of the return queue we already saw,
    /// if any is left: no shared index is read or written, nothing is
    /// called.
    #[inline(always)]
    fn take_seen_handle(&mut self) -> Option<u32> {
        if self.returned_head >= self.cached_returned_tail {
            return None;
        }
        let handle = self
            .shared
            .returned(self.returned_head)
            .load(Ordering::Relaxed);
        self.returned_head += 1;
        Some(handle)
    }

    /// Gives back a handle just taken by [`take_handle`](Self::take_handle)
    /// and not published (its slot holds nothing live): when writing the
    /// item unwound.
    #[cold]
    fn untake_handle(&mut self, handle: u32) {
        self.stash.push(handle);
    }

    #[cold]
    fn take_stashed(&mut self) -> u32 {
        if let Some(handle) = self.stash.pop() {
            return handle;
        }
        // Release: our reads of the entries below `returned_head` come
        // before the consumer overwrites them.
        self.shared
            .returned_head
            .store(self.returned_head, Ordering::Release);
        // Acquire: the consumer finished reading these slots before its
        // release store of `returned_tail`.
        self.cached_returned_tail = self.shared.returned_tail.load(Ordering::Acquire);
        assert!(
            self.returned_head < self.cached_returned_tail,
            "spsc ring: a free slot exists whenever there is room (N + K slots)"
        );
        let handle = self
            .shared
            .returned(self.returned_head)
            .load(Ordering::Relaxed);
        self.returned_head += 1;
        handle
    }

    /// Takes `n` free handles into `reserved`; there must be room for `n`
    /// items (after `evict_oldest`).
    pub(crate) fn reserve_handles(&mut self, n: usize) {
        for _ in 0..n {
            let handle = self.take_handle();
            self.reserved.push(handle);
        }
    }

    /// Publishes the first `written` reserved handles, in order, as the next
    /// items (their slots must hold fully written items) and gives the
    /// others back.
    pub(crate) fn publish_reserved(&mut self, written: usize) {
        let mut tail = self.tail;
        for &handle in &self.reserved[..written] {
            self.shared.map(tail).store(handle, Ordering::Relaxed);
            tail += 1;
        }
        self.stash.extend(self.reserved.drain(..).skip(written));
        if written > 0 {
            self.tail = tail;
            // Release: the items and map entries are visible to whoever sees
            // the new tail.
            self.shared.tail.store(tail, Ordering::Release);
        }
    }

    /// Takes a free slot, has `write` fill it and publishes it as the next
    /// item; if `write` unwinds, gives the slot back and publishes nothing.
    /// There must be room for one item (after `evict_oldest`, or `has_room(1)`).
    ///
    /// # Safety
    ///
    /// `write` must leave a fully initialized item in the slot it gets
    /// (`T`, or `stride` bytes for a raw ring), or unwind.
    #[inline(always)]
    pub(crate) unsafe fn push_one(&mut self, write: impl FnOnce(*mut T)) {
        let handle = self.take_handle();
        // SAFETY: there is room (our caller's promise) and the handle was
        // just taken; our caller's promise on `write`.
        unsafe { self.publish_one(handle, write) }
    }

    /// As [`push_one`](Self::push_one), but only from what the producer
    /// already knows: when its last view of the head shows room and a free
    /// handle is in the part of the return queue it already saw. Reads no
    /// shared index and calls nothing out of line, so a caller that falls
    /// back to the full way on `false` keeps a straight line without a
    /// stack frame. `false` changes nothing and does not call `write`.
    ///
    /// # Safety
    ///
    /// As for [`push_one`](Self::push_one), without the room condition.
    #[inline(always)]
    pub(crate) unsafe fn try_push_seen(&mut self, write: impl FnOnce(*mut T)) -> bool {
        if !self.has_seen_room(1) {
            return false;
        }
        let Some(handle) = self.take_seen_handle() else {
            return false;
        };
        // SAFETY: there is room (the last head seen leaves some, and the
        // head only grows) and the handle was just taken; our caller's
        // promise on `write`.
        unsafe { self.publish_one(handle, write) };
        true
    }

    /// Has `write` fill the slot of `handle` and publishes it as the next
    /// item; if `write` unwinds, gives the handle back and publishes
    /// nothing.
    ///
    /// The tail is read once, before `write`: the compiler cannot tell that
    /// a write into a slot leaves our fields alone, and reloading them after
    /// it would put a store-to-load round trip on every push.
    ///
    /// # Safety
    ///
    /// There must be room for one item; `handle` was just taken (by
    /// `take_handle` or `take_seen_handle`); `write` as for
    /// [`push_one`](Self::push_one).
    #[inline(always)]
    unsafe fn publish_one(&mut self, handle: u32, write: impl FnOnce(*mut T)) {
        let tail = self.tail;
        // SAFETY: `self.shared` keeps the shared state alive for this whole
        // call (nothing here replaces or drops it); a reference not tied
        // to `self` lets the guard below hold `&mut self` beside it.
        let shared = unsafe { &*Arc::as_ptr(&self.shared) };
        // Before the write: the compiler cannot tell that writing the slot
        // leaves the map's address alone.
        let entry = shared.map(tail);
        let untake = Untake { core: self, handle };
        // The handle is ours (from the stash or the return queue), so no one
        // else touches its slot while `write` fills it.
        shared.write_slot(handle, write);
        core::mem::forget(untake);
        entry.store(handle, Ordering::Relaxed);
        self.tail = tail + 1;
        // Release: the item and its map entry are visible to whoever sees
        // the new tail.
        shared.tail.store(tail + 1, Ordering::Release);
    }

    /// Whether the consumer half was dropped.
    pub(crate) fn is_abandoned(&self) -> bool {
        self.shared.consumer_gone.load(Ordering::Acquire)
    }
}

/// Gives a taken, unpublished handle back if the write into its slot
/// unwinds.
struct Untake<'a, T> {
    core: &'a mut ProducerCore<T>,
    handle: u32,
}

impl<T> Drop for Untake<'_, T> {
    fn drop(&mut self) {
        self.core.untake_handle(self.handle);
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::ProducerCore;
    use crate::concurrent::primitive::Arc;
    use crate::concurrent::spsc::shared::Shared;
    use crate::concurrent::spsc::slots::SlotLayout;

    fn core(capacity: usize) -> ProducerCore<u64> {
        let shared = Shared::<u64>::try_new(capacity, 1, false, SlotLayout::of::<u64>()).unwrap();
        ProducerCore::try_new(Arc::new(shared)).unwrap()
    }

    /// Publishes `value` as the next item; there must be room.
    fn publish(core: &mut ProducerCore<u64>, value: u64) {
        assert!(core.has_room(1));
        // SAFETY: there is room; the write initializes the slot.
        unsafe { core.push_one(|slot| slot.write(value)) };
    }

    #[test]
    fn evict_oldest_with_room_evicts_nothing() {
        let mut core = core(4);
        core.evict_oldest(4, |_| panic!("nothing to evict"));
        publish(&mut core, 7);
        core.evict_oldest(3, |_| panic!("room for 3 by the head seen"));
        assert_eq!(core.len(), 1);
    }

    #[test]
    fn evict_oldest_takes_exactly_the_deficit_oldest_first() {
        let mut core = core(4);
        for value in 0..4 {
            publish(&mut core, value);
        }
        assert!(!core.has_room(2));
        let mut evicted = Vec::new();
        // SAFETY (in the closure): each slot holds a published item, now ours.
        core.evict_oldest(2, |slot| evicted.push(unsafe { slot.read() }));
        assert_eq!(evicted, [0, 1]);
        assert!(core.has_room(2) && !core.has_room(3));
        assert_eq!(core.len(), 2);
    }

    #[test]
    #[should_panic(expected = "slots of 3 bytes for a 8-byte type")]
    fn slots_must_have_the_stride_of_their_type() {
        let _ = Shared::<u64>::try_new(4, 1, false, SlotLayout::bytes(3, 64));
    }
}
