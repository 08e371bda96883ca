//! The state both halves of an SPSC ring share: indices, the slot map, the
//! physical slots and the queue that returns freed slots to the producer.
//!
//! # The protocol (slot handles)
//!
//! The ring holds `capacity` (N) logical positions; an item's index `i`
//! (a monotonic `u64`, so no ABA) lives at position `i % N`. A position
//! does not hold the item: `map[i % N]` holds a *handle*, the number of one
//! of `N + hold` physical slots. Every handle is, at any moment, in exactly
//! one place: the producer's stash, a published map entry (a live item), the
//! consumer's hands (claimed, being read), or the return queue (from which
//! the producer takes free handles directly, oldest first; every handle
//! starts there, in order, so slots are used in index order until evictions
//! or reads in place mix them).
//!
//! * `head` is the next index to leave the ring. Items leave only through a
//!   successful compare-exchange on `head`: the consumer's *claim* (one CAS
//!   for a whole batch) or the producer's *eviction*. So exactly one side
//!   gets each item.
//! * The consumer reads the handles of the indices it is about to claim
//!   *before* its CAS. If the CAS wins, no eviction moved `head` past those
//!   indices first, and the producer rewrites a map entry only after it has
//!   seen `head` past the index (through the consumer's release CAS), so the
//!   handles read were the right ones. When the producer evicted a prefix
//!   meanwhile, the consumer keeps the rest (salvage) and retries.
//! * The producer writes only into slots of handles in its stash: the ones
//!   it started with, the ones it freed by evicting, and the ones the
//!   consumer returned (after reading them, with a release store). So no
//!   slot is ever written while it is read, and a zero-copy reader may hold
//!   its slots as long as it likes; the producer never waits for it.
//! * There are enough handles: the consumer holds at most `hold` (K) items
//!   at a time, counting the handles it has not returned yet, and returns
//!   them before a claim that would exceed K. The producer, before taking
//!   handles for `n` items, has room for them (`t + n - head <= N`); the
//!   handles it cannot see as free are then at most `N - n` live ones and
//!   K in the consumer's hands, so `N + K` physical slots always leave `n`.

use core::marker::PhantomData;
use core::sync::atomic::Ordering;

use crossbeam_utils::CachePadded;

use crate::concurrent::primitive::{AtomicBool, AtomicU32, AtomicU64, UnsafeCell};
use crate::concurrent::spsc::slots::{try_boxed, SlotLayout, Slots};
use crate::concurrent::wait::WaitState;
use crate::concurrent::BuildError;

/// What both halves of one SPSC ring share.
pub(crate) struct Shared<T> {
    /// The next index to leave the ring; changed only by compare-exchange.
    pub(crate) head: CachePadded<AtomicU64>,
    /// The next index the producer will publish (written by the producer).
    pub(crate) tail: CachePadded<AtomicU64>,
    /// How many handles the consumer has put into the return queue.
    pub(crate) returned_tail: CachePadded<AtomicU64>,
    /// How many returned handles the producer has taken back.
    pub(crate) returned_head: CachePadded<AtomicU64>,
    /// Producer waits and the consumer's wake-ups.
    pub(crate) wait: WaitState,
    /// Set when the producer half is dropped for good.
    pub(crate) producer_gone: AtomicBool,
    /// Set when the consumer half is dropped.
    pub(crate) consumer_gone: AtomicBool,
    /// Logical position -> handle.
    map: Box<[AtomicU32]>,
    /// The return queue's entries (handles).
    returned: Box<[AtomicU32]>,
    /// One per physical slot: lets loom see every slot access.
    guards: Box<[UnsafeCell<()>]>,
    /// The physical slots (`T`s, or raw bytes at a run-time stride).
    data: Slots,
    /// N - 1, N (the capacity) a power of two: index `i`'s position is
    /// `i & mask`.
    mask: u64,
    /// K: how many items the consumer may hold at once.
    hold: usize,
    /// The live items between `head` and `tail` are ours.
    items: PhantomData<T>,
}

// SAFETY: the slots are accessed under the protocol above: a slot is
// written only by the half that holds its handle, and handles move between
// threads through release/acquire pairs. Items cross threads, so `T: Send`.
unsafe impl<T: Send> Sync for Shared<T> {}
// SAFETY: as for `Sync`; the shared state owns its live items.
unsafe impl<T: Send> Send for Shared<T> {}

impl<T> Shared<T> {
    /// Shared state of `capacity` positions (a power of two, checked by the
    /// builder) and `hold` consumer slots, each slot shaped by `slot` (a
    /// `T`: [`SlotLayout::of`]). `waking` makes the consumer wake a parked
    /// producer. Every allocation is fallible.
    pub(crate) fn try_new(
        capacity: usize,
        hold: usize,
        waking: bool,
        slot: SlotLayout,
    ) -> Result<Self, BuildError> {
        let physical = capacity + hold;
        // Twice the handles: the producer publishes how far it read the
        // queue only when it runs out of entries it saw, so the consumer's
        // view of the queue can count up to N + K entries the producer has
        // already taken on top of the N + K it has not (see `take_handle`).
        let queue = (2 * physical).next_power_of_two();
        // The slots first: the largest allocation, and left untouched.
        let data = Slots::new(physical, slot, capacity)?;
        // What `Slots::get::<T>` relies on: only a one-byte `T` (a raw
        // ring's `u8`) has a stride of its own.
        assert!(
            core::mem::size_of::<T>() == 1 || data.stride() == core::mem::size_of::<T>(),
            "spsc ring: slots of {} bytes for a {}-byte type",
            data.stride(),
            core::mem::size_of::<T>()
        );
        Ok(Shared {
            head: CachePadded::new(AtomicU64::new(0)),
            tail: CachePadded::new(AtomicU64::new(0)),
            // Every handle starts in the return queue, in order.
            returned_tail: CachePadded::new(AtomicU64::new(physical as u64)),
            returned_head: CachePadded::new(AtomicU64::new(0)),
            wait: WaitState::new(waking),
            producer_gone: AtomicBool::new(false),
            consumer_gone: AtomicBool::new(false),
            map: try_boxed(capacity, |_| AtomicU32::new(0))?,
            // Every handle starts here, in order.
            returned: try_boxed(queue, |n| AtomicU32::new(n as u32))?,
            guards: try_boxed(physical, |_| UnsafeCell::new(()))?,
            data,
            mask: capacity as u64 - 1,
            hold,
            items: PhantomData,
        })
    }

    /// The size of one slot in bytes: `size_of::<T>()` for a typed ring,
    /// the element size for a raw one.
    #[inline(always)]
    pub(crate) fn stride(&self) -> usize {
        self.data.stride()
    }

    /// N, the number of items the ring holds when full.
    #[inline(always)]
    pub(crate) fn capacity(&self) -> usize {
        self.mask as usize + 1
    }

    /// K, the most items the consumer holds at once.
    #[inline(always)]
    pub(crate) fn hold(&self) -> usize {
        self.hold
    }

    /// The number of physical slots, N + K.
    pub(crate) fn physical(&self) -> usize {
        self.guards.len()
    }

    /// The map entry of index `index`.
    #[inline(always)]
    pub(crate) fn map(&self, index: u64) -> &AtomicU32 {
        // The capacity is a power of two, so the mask is the remainder.
        let position = (index & self.mask) as usize;
        // SAFETY: masked by `capacity - 1`, the position is below the
        // capacity, the length of `map`.
        unsafe { self.map.get_unchecked(position) }
    }

    /// The return queue's entry number `n`.
    #[inline(always)]
    pub(crate) fn returned(&self, n: u64) -> &AtomicU32 {
        let position = (n & (self.returned.len() as u64 - 1)) as usize;
        // SAFETY: masked by its length (a power of two) minus one.
        unsafe { self.returned.get_unchecked(position) }
    }

    /// The return queue's length, a power of two at least 2 (N + K).
    pub(crate) fn returned_len(&self) -> usize {
        self.returned.len()
    }

    /// Runs `f` on slot `handle`, for reading.
    ///
    /// The caller must hold the handle (see the module documentation).
    #[inline(always)]
    pub(crate) fn read_slot<R>(&self, handle: u32, f: impl FnOnce(*const T) -> R) -> R {
        let (guard, slot) = self.slot(handle);
        guard.with(|_| f(slot.cast::<T>()))
    }

    /// Runs `f` on slot `handle`, for writing.
    ///
    /// The caller must hold the handle.
    #[inline(always)]
    pub(crate) fn write_slot<R>(&self, handle: u32, f: impl FnOnce(*mut T) -> R) -> R {
        let (guard, slot) = self.slot(handle);
        guard.with_mut(|_| f(slot.cast::<T>()))
    }

    /// Slot `handle`'s guard and address.
    #[inline(always)]
    fn slot(&self, handle: u32) -> (&UnsafeCell<()>, *mut u8) {
        let handle = handle as usize;
        debug_assert!(handle < self.guards.len(), "handle out of range");
        // SAFETY: handles are numbers below `physical()`, the length of
        // `guards` and the number of slots in `data`: the producer starts
        // with `0..physical()` and only ever moves those around (map,
        // stash, return queue). `data` was made for `T`: by the typed
        // rings with `SlotLayout::of::<T>()`, by the raw ones for `u8`.
        unsafe {
            (
                self.guards.get_unchecked(handle),
                self.data.get::<T>(handle),
            )
        }
    }

    /// How many items are in the ring, as seen now.
    pub(crate) fn len(&self) -> usize {
        // Acquire on `head` orders the `tail` load after the producer's
        // tail store that preceded the eviction we may have seen, so that
        // `tail >= head` below.
        let head = self.head.load(Ordering::Acquire);
        let tail = self.tail.load(Ordering::Acquire);
        (tail.saturating_sub(head) as usize).min(self.capacity())
    }
}

impl<T> Drop for Shared<T> {
    fn drop(&mut self) {
        if !core::mem::needs_drop::<T>() {
            return;
        }
        // Both halves are gone (we held the last `Arc`); what is between
        // `head` and `tail` is live and ours. Every other handle was moved
        // out of or dropped by the half that held it.
        let head = self.head.load(Ordering::Acquire);
        let tail = self.tail.load(Ordering::Acquire);
        for index in head..tail {
            let handle = self.map(index).load(Ordering::Relaxed);
            // SAFETY: the live item of `index` sits in slot `handle`, fully
            // written (it was published); nobody else can reach it now.
            self.write_slot(handle, |slot| unsafe { core::ptr::drop_in_place(slot) });
        }
    }
}
