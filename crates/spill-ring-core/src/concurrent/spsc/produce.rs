//! The producer's half of the protocol (see `shared`): room, eviction,
//! slots and publication. The element layers (`typed`, `raw`) move the
//! items; this module moves indices and slots.

use std::collections::VecDeque;

use core::sync::atomic::Ordering;

use crate::concurrent::primitive::Arc;
use crate::concurrent::spsc::shared::Shared;
use crate::concurrent::spsc::slots::{try_boxed, try_vec};
use crate::concurrent::BuildError;

/// The producer's state: its copies of the indices and the slots outside
/// the map.
pub(crate) struct ProducerCore<T> {
    pub(crate) shared: Arc<Shared<T>>,
    /// The next index to publish (only we write `shared.tail`).
    tail: u64,
    /// The last `released` seen plus N. Below this index, a push has room
    /// and its position's slot is free (its last item is below `released`):
    /// the common push compares with this field alone.
    limit: u64,
    /// The last head seen.
    head: u64,
    /// Per position: `freed[p] == j` says the slot of position `p` is free
    /// for index `j + N`, because we evicted `j`, or left the slot taken for
    /// `j + N` unwritten. Indices are monotonic, so an old entry never
    /// matches again.
    freed: Box<[u64]>,
    /// Free slots outside the map; with `moved_out`, K of them.
    spares: Vec<u32>,
    /// Slots taken out of the map while the consumer may still read the item
    /// they held, with that item's index, oldest first: spares again once
    /// `released` passes the index.
    moved_out: VecDeque<(u64, u32)>,
    /// Slots of the current reservation, in index order; capacity N.
    pub(crate) reserved: Vec<u32>,
    /// N - 1: the position of index `i` is `i & mask`.
    mask: u64,
    /// No slot was ever moved: position `p` still has slot `p`, so a push
    /// need not read the map.
    unmoved: bool,
}

impl<T> ProducerCore<T> {
    /// The producer's state over fresh `shared` state; fails only when an
    /// allocation does.
    pub(crate) fn try_new(shared: Arc<Shared<T>>) -> Result<Self, BuildError> {
        let capacity = shared.capacity();
        let hold = shared.hold();
        // The map starts with slots `0..N`; the others are spares.
        let mut spares = try_vec(hold)?;
        spares.extend((capacity..capacity + hold).rev().map(|slot| slot as u32));
        let mut moved_out = VecDeque::new();
        moved_out
            .try_reserve_exact(hold)
            .map_err(|_| BuildError::OutOfMemory)?;
        let reserved = try_vec(capacity)?;
        let freed = try_boxed(capacity, |_| u64::MAX)?;
        Ok(ProducerCore {
            shared,
            tail: 0,
            limit: capacity as u64,
            head: 0,
            freed,
            spares,
            moved_out,
            reserved,
            mask: capacity as u64 - 1,
            unmoved: true,
        })
    }

    /// N, as a `u64`.
    #[inline(always)]
    fn capacity(&self) -> u64 {
        self.shared.capacity() as u64
    }

    /// How many items the ring holds, as seen by the producer.
    pub(crate) fn len(&self) -> usize {
        let head = self.shared.front.head.load(Ordering::Acquire);
        (self.tail.saturating_sub(head) as usize).min(self.shared.capacity())
    }

    /// Whether `n` more items fit without evicting. Loads the consumer's
    /// indices only when the cached copies say no.
    #[inline(always)]
    pub(crate) fn has_room(&mut self, n: usize) -> bool {
        if self.has_seen_room(n) {
            return true;
        }
        self.has_room_now(n)
    }

    /// [`has_room`](Self::has_room) by the last head seen (while the
    /// consumer holds items the producer laps, `released` lags the head and
    /// the slots are `take_slot`'s business), else after loading the head and
    /// `released` again.
    #[cold]
    fn has_room_now(&mut self, n: usize) -> bool {
        if self.tail + n as u64 <= self.head + self.capacity() {
            return true;
        }
        // Acquire: the consumer's claims up to this head, and so (claims
        // being stored in order) its `released` before each of them.
        self.head = self.shared.front.head.load(Ordering::Acquire);
        // After the head: see `take_slot`.
        self.see_released();
        self.tail + n as u64 <= self.head + self.capacity()
    }

    /// Whether `n` more items fit, and their slots are free, by the last
    /// `released` seen (which is at most the head).
    #[inline(always)]
    pub(crate) fn has_seen_room(&self, n: usize) -> bool {
        self.tail + n as u64 <= self.limit
    }

    /// Loads `released`.
    #[inline]
    fn see_released(&mut self) {
        // Acquire: the consumer finished with the slots of the items below
        // it before storing it.
        let released = self.shared.front.released.load(Ordering::Acquire);
        self.limit = released + self.capacity();
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
        let target = (self.tail + n as u64).saturating_sub(self.capacity());
        let mut head = self.head;
        while head < target {
            // AcqRel: acquire the consumer's claims (and its `released`
            // before them); release our tail so a consumer seeing this head
            // sees `tail >= head`.
            match self.shared.front.head.compare_exchange(
                head,
                target,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    // Ours from here on: if `evict` unwinds, the remaining
                    // items leak but their slots are counted as free.
                    for index in head..target {
                        self.leave_free(index);
                    }
                    for index in head..target {
                        // We wrote this entry ourselves when publishing `index`.
                        let slot = self.shared.map(index).load(Ordering::Relaxed);
                        // The CAS gave us the item: no one else reads the slot.
                        self.shared.write_slot(slot, &mut *evict);
                    }
                    head = target;
                }
                Err(now) => head = now,
            }
        }
        self.head = head;
    }

    /// The slot to write index `index` into; there must be room for it
    /// (after `evict_oldest`, or `has_room`), and every index from the tail
    /// to it must be taken in order within one push or reservation.
    #[inline(always)]
    fn take_slot(&mut self, index: u64) -> u32 {
        let slot = self.slot_at(index);
        if index < self.limit {
            // Its last item, `index - N`, is below `released`.
            return slot;
        }
        self.take_slot_slow(index, slot)
    }

    /// [`take_slot`](Self::take_slot) when `released` seen does not tell:
    /// the last item `j = index - N` of the position's `slot` is one we
    /// evicted or left unwritten (the slot is ours), or one the consumer
    /// claimed and may still read (we move a spare in).
    #[cold]
    fn take_slot_slow(&mut self, index: u64, slot: u32) -> u32 {
        // `index >= limit >= N`.
        let last = index - self.capacity();
        if self.freed[self.position(index)] == last {
            return slot;
        }
        // Loaded after every head seen, so after the one that showed `last`
        // claimed: it is at least the `released` the consumer published
        // before that claim (see `shared`).
        self.see_released();
        if index < self.limit {
            return slot;
        }
        let released = self.limit - self.capacity();
        while let Some(&(item, moved)) = self.moved_out.front() {
            if item >= released {
                break;
            }
            self.moved_out.pop_front();
            self.spares.push(moved);
        }
        let spare = self
            .spares
            .pop()
            .expect("spsc ring: a spare slot exists whenever one is needed (N + K slots)");
        self.moved_out.push_back((last, slot));
        self.unmoved = false;
        // Relaxed: published by the tail's release store; the consumer read
        // this entry for `last` before its claim, which we have seen.
        self.shared.map(index).store(spare, Ordering::Relaxed);
        spare
    }

    /// Takes the slots of `n` more items into `reserved`; there must be room
    /// for `n` items (after `evict_oldest`).
    pub(crate) fn reserve_handles(&mut self, n: usize) {
        for at in 0..n as u64 {
            let slot = self.take_slot(self.tail + at);
            self.reserved.push(slot);
        }
    }

    /// Publishes the first `written` reserved slots, in order, as the next
    /// items (they must hold fully written items); the others stay free.
    pub(crate) fn publish_reserved(&mut self, written: usize) {
        let reserved = self.reserved.len() as u64;
        for at in written as u64..reserved {
            self.leave_free((self.tail + at).wrapping_sub(self.capacity()));
        }
        self.reserved.clear();
        if written > 0 {
            self.tail += written as u64;
            // Release: the items and map entries are visible to whoever sees
            // the new tail.
            self.shared.tail.store(self.tail, Ordering::Release);
        }
    }

    /// Records that the slot now at the position of index `last` is free
    /// for the next index there, `last + N` (wrapping: below N, every slot
    /// is free anyway).
    #[inline]
    fn leave_free(&mut self, last: u64) {
        let position = self.position(last);
        self.freed[position] = last;
    }

    /// The position of `index`.
    #[inline(always)]
    fn position(&self, index: u64) -> usize {
        (index & self.mask) as usize
    }

    /// The slot of the position of `index` now (we are the map's only
    /// writer).
    #[inline(always)]
    fn slot_at(&self, index: u64) -> u32 {
        if self.unmoved {
            // The map's initial entry: position p has slot p.
            return self.position(index) as u32;
        }
        self.shared.map(index).load(Ordering::Relaxed)
    }

    /// Takes a free slot, has `write` fill it and publishes it as the next
    /// item; if `write` unwinds, publishes nothing. There must be room for
    /// one item (after `evict_oldest`, or `has_room(1)`).
    ///
    /// # Safety
    ///
    /// `write` must leave a fully initialized item in the slot it gets
    /// (`T`, or `stride` bytes for a raw ring), or unwind.
    #[inline(always)]
    pub(crate) unsafe fn push_one(&mut self, write: impl FnOnce(*mut T)) {
        let slot = self.take_slot(self.tail);
        // SAFETY: there is room (our caller's promise) and the slot was
        // just taken; our caller's promise on `write`.
        unsafe { self.publish_one(slot, write) }
    }

    /// As [`push_one`](Self::push_one), but only from what the producer
    /// already knows: when its last view of `released` shows room and a
    /// free slot. Reads no shared index and calls nothing out of line, so
    /// a caller that falls back to the full way on `false` keeps a straight
    /// line without a stack frame. `false` changes nothing and does not call
    /// `write`.
    ///
    /// # Safety
    ///
    /// As for [`push_one`](Self::push_one), without the room condition.
    #[inline(always)]
    pub(crate) unsafe fn try_push_seen(&mut self, write: impl FnOnce(*mut T)) -> bool {
        if !self.has_seen_room(1) {
            return false;
        }
        // SAFETY: as just checked; our caller's promise on `write`.
        unsafe { self.push_seen(write) };
        true
    }

    /// The body of [`try_push_seen`](Self::try_push_seen), for a caller
    /// that has checked [`has_seen_room(1)`](Self::has_seen_room) itself.
    ///
    /// # Safety
    ///
    /// `has_seen_room(1)` must hold; `write` as for
    /// [`push_one`](Self::push_one).
    #[inline(always)]
    pub(crate) unsafe fn push_seen(&mut self, write: impl FnOnce(*mut T)) {
        let slot = self.slot_at(self.tail);
        // SAFETY: there is room and the slot is free (the last `released`
        // seen is past its last item, and it only grows); our caller's
        // promise on `write`.
        unsafe { self.publish_one(slot, write) };
    }

    /// Has `write` fill `slot` and publishes it as the next item; if
    /// `write` unwinds, publishes nothing and leaves the slot free.
    ///
    /// The tail is read once, before `write`: the compiler cannot tell that
    /// a write into a slot leaves our fields alone, and reloading them after
    /// it would put a store-to-load round trip on every push.
    ///
    /// # Safety
    ///
    /// There must be room for one item; `slot` was just taken for the tail
    /// (by `take_slot`, or as `try_push_seen` does); `write` as for
    /// [`push_one`](Self::push_one).
    #[inline(always)]
    unsafe fn publish_one(&mut self, slot: u32, write: impl FnOnce(*mut T)) {
        let tail = self.tail;
        // SAFETY: `self.shared` keeps the shared state alive for this whole
        // call (nothing here replaces or drops it); a reference not tied
        // to `self` lets the guard below hold `&mut self` beside it.
        let shared = unsafe { &*Arc::as_ptr(&self.shared) };
        let unwritten = Unwritten { core: self, tail };
        // The slot is free and ours (see `take_slot`), so no one else
        // touches it while `write` fills it.
        shared.write_slot(slot, write);
        core::mem::forget(unwritten);
        self.tail = tail + 1;
        // Release: the item (and its map entry) are visible to whoever sees
        // the new tail.
        shared.tail.store(tail + 1, Ordering::Release);
    }

    /// Whether the consumer half was dropped.
    pub(crate) fn is_abandoned(&self) -> bool {
        self.shared.consumer_gone.load(Ordering::Acquire)
    }
}

/// Leaves the slot taken for the tail free if the write into it unwinds.
struct Unwritten<'a, T> {
    core: &'a mut ProducerCore<T>,
    tail: u64,
}

impl<T> Drop for Unwritten<'_, T> {
    fn drop(&mut self) {
        let last = self.tail.wrapping_sub(self.core.capacity());
        self.core.leave_free(last);
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use core::sync::atomic::Ordering;

    use super::ProducerCore;
    use crate::concurrent::primitive::Arc;
    use crate::concurrent::spsc::consume::ConsumerCore;
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

    /// The slot of position `index % N` now.
    fn slot_of(core: &ProducerCore<u64>, index: u64) -> u32 {
        core.shared.map(index).load(Ordering::Relaxed)
    }

    /// A ring of N = 2, K = 1 (slots 0 and 1 in the map, slot 2 spare)
    /// with items 0 and 1 published and item 0 claimed.
    fn item_0_claimed() -> (ProducerCore<u64>, ConsumerCore<u64>) {
        let mut producer = core(2);
        let mut consumer = ConsumerCore::try_new(producer.shared.clone()).unwrap();
        publish(&mut producer, 0);
        publish(&mut producer, 1);
        assert_eq!(consumer.claim(1), 1);
        (producer, consumer)
    }

    #[test]
    fn a_lapped_claimed_item_keeps_its_slot_until_released() {
        let (mut producer, mut consumer) = item_0_claimed();
        let held = consumer.claimed[0];
        assert_eq!(held, slot_of(&producer, 0));
        assert!(producer.unmoved, "position p still has slot p");
        // Index 2 laps item 0, which the consumer may be reading: the spare
        // moves into position 0 and the held slot stays out of the ring.
        publish(&mut producer, 2);
        assert!(!producer.unmoved, "pushes read the map from now on");
        assert_eq!(slot_of(&producer, 2), 2);
        assert_eq!(
            producer.moved_out.iter().copied().collect::<Vec<_>>(),
            [(0, held)]
        );
        assert!(producer.spares.is_empty());
        // SAFETY: the claimed slot holds item 0, which only we reach.
        assert_eq!(
            consumer
                .shared
                .read_slot(held, |slot| unsafe { slot.read() }),
            0
        );
        consumer.finish(1);
        // Take items 1 and 2 (released is then 3), publish 3 and 4 into the
        // slots they left (below released: no spare needed), and hold 3.
        for _ in 0..2 {
            assert_eq!(consumer.claim(1), 1);
            consumer.finish(1);
        }
        publish(&mut producer, 3);
        publish(&mut producer, 4);
        assert_eq!(producer.moved_out.len(), 1, "no lap of a held item yet");
        assert_eq!(consumer.claim(1), 1);
        // Index 5 laps item 3, held: the slot item 0 had comes back (the
        // consumer released it) and moves in.
        publish(&mut producer, 5);
        assert_eq!(slot_of(&producer, 5), held);
        assert_eq!(producer.moved_out.len(), 1);
        assert_eq!(producer.moved_out[0].0, 3);
        consumer.finish(1);
    }

    #[test]
    fn slots_left_unwritten_are_free_for_the_next_push() {
        let (mut producer, mut consumer) = item_0_claimed();
        // A reservation laps item 0 (held: a spare moves in) and is given
        // back unwritten; the next push takes the same spare, not another.
        assert!(producer.has_room(1));
        producer.reserve_handles(1);
        producer.publish_reserved(0);
        assert_eq!(producer.moved_out.len(), 1);
        publish(&mut producer, 2);
        assert_eq!(producer.moved_out.len(), 1);
        assert_eq!(slot_of(&producer, 2), 2);
        consumer.finish(1);
    }

    #[test]
    #[should_panic(expected = "slots of 3 bytes for a 8-byte type")]
    fn slots_must_have_the_stride_of_their_type() {
        let _ = Shared::<u64>::try_new(4, 1, false, SlotLayout::bytes(3, 64));
    }
}
