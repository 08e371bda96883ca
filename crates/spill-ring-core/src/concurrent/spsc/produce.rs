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
    /// The last `head` we saw; `head` only grows.
    cached_head: u64,
    /// How many returned handles we took back.
    returned_head: u64,
    /// Free handles; never more than N + K, its capacity.
    stash: Vec<u32>,
    /// Handles of the current reservation, in index order; capacity N.
    pub(crate) reserved: Vec<u32>,
}

impl<T> ProducerCore<T> {
    /// The producer's state over fresh `shared` state; fails only when an
    /// allocation does.
    pub(crate) fn try_new(shared: Arc<Shared<T>>) -> Result<Self, BuildError> {
        let physical = shared.physical();
        // Popped from the end: handle 0 first.
        let mut stash = try_vec(physical)?;
        stash.extend((0..physical as u32).rev());
        let reserved = try_vec(shared.capacity())?;
        Ok(ProducerCore {
            shared,
            tail: 0,
            cached_head: 0,
            returned_head: 0,
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
    #[inline]
    pub(crate) fn has_room(&mut self, n: usize) -> bool {
        let capacity = self.shared.capacity() as u64;
        if self.tail + n as u64 <= self.cached_head + capacity {
            return true;
        }
        self.cached_head = self.shared.head.load(Ordering::Acquire);
        self.tail + n as u64 <= self.cached_head + capacity
    }

    /// Makes room for `n <= N` more items by evicting the oldest ones. For
    /// each evicted item, oldest first, `evict` gets its slot and must move
    /// the item out (ownership passes to it).
    #[inline]
    pub(crate) fn make_room(&mut self, n: usize, mut evict: impl FnMut(*mut T)) {
        debug_assert!(n <= self.shared.capacity());
        if self.has_room(n) {
            return;
        }
        self.evict_for(n, &mut evict);
    }

    #[cold]
    fn evict_for(&mut self, n: usize, evict: &mut dyn FnMut(*mut T)) {
        let capacity = self.shared.capacity() as u64;
        let target = self.tail + n as u64 - capacity;
        let mut head = self.cached_head;
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
        self.cached_head = head;
    }

    /// Takes a free handle. There is always one after `make_room` or a
    /// successful `has_room` (see the counting argument in `shared`).
    #[inline]
    pub(crate) fn take_handle(&mut self) -> u32 {
        match self.stash.pop() {
            Some(handle) => handle,
            None => self.take_returned(),
        }
    }

    /// Gives back a handle just taken by [`take_handle`](Self::take_handle)
    /// and not published (its slot holds nothing live): when writing the
    /// item unwound.
    #[cold]
    pub(crate) fn untake_handle(&mut self, handle: u32) {
        self.stash.push(handle);
    }

    #[cold]
    fn take_returned(&mut self) -> u32 {
        // Acquire: the consumer finished reading these slots before its
        // release store of `returned_tail`.
        let end = self.shared.returned_tail.load(Ordering::Acquire);
        for n in self.returned_head..end {
            self.stash
                .push(self.shared.returned(n).load(Ordering::Relaxed));
        }
        self.returned_head = end;
        // Release: our reads of the entries come before the consumer
        // overwrites them.
        self.shared.returned_head.store(end, Ordering::Release);
        self.stash
            .pop()
            .expect("spsc ring: a free slot exists whenever there is room (N + K slots)")
    }

    /// Takes `n` free handles into `reserved`; there must be room for `n`
    /// items (after `make_room`).
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

    /// Publishes one item, in slot `handle` (fully written); there must be
    /// room for it.
    #[inline(always)]
    pub(crate) fn publish_one(&mut self, handle: u32) {
        self.shared.map(self.tail).store(handle, Ordering::Relaxed);
        self.tail += 1;
        self.shared.tail.store(self.tail, Ordering::Release);
    }

    /// Whether the consumer half was dropped.
    pub(crate) fn is_abandoned(&self) -> bool {
        self.shared.consumer_gone.load(Ordering::Acquire)
    }
}
