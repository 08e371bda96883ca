//! The state both halves of an SPSC ring share: indices, the slot map and
//! the physical slots.
//!
//! # The protocol (a slot per position, moved only when the consumer laps)
//!
//! The ring holds `capacity` (N) logical positions; an item's index `i`
//! (a monotonic `u64`, so no ABA) lives at position `i % N`, in the
//! physical slot `map[i % N]` names. There are `N + hold` (N + K) physical
//! slots: N named by the map, K spare (held by the producer, see
//! `produce`). The producer is the only writer of the map, and rewrites an
//! entry only in one rare case (below), so a push normally writes its slot
//! and the tail, as an SPSC ring without eviction does.
//!
//! * `head` is the next index to leave the ring. Items leave only through a
//!   successful compare-exchange on `head`: the consumer's *claim* (one CAS
//!   for a whole batch) or the producer's *eviction*. So exactly one side
//!   gets each item.
//! * `released`: the consumer has finished with (moved out, dropped,
//!   stopped reading in place) every item it claimed below it. It publishes
//!   the end of a claim there, with a release store, once the claim's items
//!   are finished; claims do not overlap, so a claim starts at or above the
//!   `released` published before it.
//! * The producer writes index `t` into the slot of position `t % N`, whose
//!   last item was `j = t - N`, when that slot is free: `j` is below the
//!   `released` (the common case, one compare with a cached copy), or the
//!   producer evicted `j` itself (its own bookkeeping). Otherwise `j` was
//!   claimed by the consumer, which may still be reading it in place: the
//!   producer leaves that slot to it, puts one of its spares in the map for
//!   position `t % N` (before publishing `t`), and takes the old slot back
//!   as a spare once `released` passes `j`. So no slot is ever written while
//!   it is read, and the producer never waits for the consumer.
//! * The consumer reads the map entries of the indices it is about to claim
//!   *before* its CAS. If the CAS wins, no eviction moved `head` past those
//!   indices first, and the producer rewrites the entry of index `i`'s
//!   position only after it has seen `head` past `i` (through the
//!   consumer's release CAS), so the entries read were the right ones. When
//!   the producer evicted a prefix meanwhile, the consumer keeps the rest
//!   (salvage) and retries.
//! * There is always a spare: the consumer claims at most K items at a time.
//!   The producer moves a slot out of the map only for an index `j` the
//!   consumer claimed at or above the `released` it loaded after the head
//!   (so at or above the one published before the claim that moved that
//!   head past `j`): all of them from one claim, so at most K, one of them
//!   `j` itself, still in the map. The K slots outside the map are spares or
//!   moved-out slots of the others, so at least one is a spare once the
//!   moved-out slots below `released` are taken back.

use core::marker::PhantomData;
use core::sync::atomic::Ordering;

use crossbeam_utils::CachePadded;

use crate::concurrent::primitive::{AtomicBool, AtomicU32, AtomicU64, UnsafeCell};
use crate::concurrent::spsc::slots::{try_boxed, SlotLayout, Slots};
use crate::concurrent::wait::WaitState;
use crate::concurrent::BuildError;

/// What both halves of one SPSC ring share.
pub(crate) struct Shared<T> {
    /// What the consumer writes: the head and `released`, on one line.
    pub(crate) front: CachePadded<Front>,
    /// The next index the producer will publish (written by the producer).
    pub(crate) tail: CachePadded<AtomicU64>,
    /// Producer waits and the consumer's wake-ups.
    pub(crate) wait: WaitState,
    /// Set when the producer half is dropped for good.
    pub(crate) producer_gone: AtomicBool,
    /// Set when the consumer half is dropped.
    pub(crate) consumer_gone: AtomicBool,
    /// Logical position -> physical slot (written by the producer only).
    map: Box<[AtomicU32]>,
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
// written only while no other thread reads it, and slots change hands
// through release/acquire pairs (the tail, the head, `released`). Items
// cross threads, so `T: Send`.
unsafe impl<T: Send> Sync for Shared<T> {}
// SAFETY: as for `Sync`; the shared state owns its live items.
unsafe impl<T: Send> Send for Shared<T> {}

/// The consumer's line of the shared state.
pub(crate) struct Front {
    /// The next index to leave the ring; changed only by compare-exchange.
    pub(crate) head: AtomicU64,
    /// The consumer has finished every item it claimed below this index.
    pub(crate) released: AtomicU64,
}

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
            front: CachePadded::new(Front {
                head: AtomicU64::new(0),
                released: AtomicU64::new(0),
            }),
            tail: CachePadded::new(AtomicU64::new(0)),
            wait: WaitState::new(waking),
            producer_gone: AtomicBool::new(false),
            consumer_gone: AtomicBool::new(false),
            // Position p starts with slot p; slots N.. are the spares.
            map: try_boxed(capacity, |p| AtomicU32::new(p as u32))?,
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

    /// The map entry of index `index`.
    #[inline(always)]
    pub(crate) fn map(&self, index: u64) -> &AtomicU32 {
        // The capacity is a power of two, so the mask is the remainder.
        let position = (index & self.mask) as usize;
        // SAFETY: masked by `capacity - 1`, the position is below the
        // capacity, the length of `map`.
        unsafe { self.map.get_unchecked(position) }
    }

    /// Runs `f` on slot `handle`, for reading.
    ///
    /// The caller must own the slot for reading (see the module
    /// documentation).
    #[inline(always)]
    pub(crate) fn read_slot<R>(&self, handle: u32, f: impl FnOnce(*const T) -> R) -> R {
        let (guard, slot) = self.slot(handle);
        guard.with(|_| f(slot.cast::<T>()))
    }

    /// Runs `f` on slot `handle`, for writing.
    ///
    /// The caller must own the slot (see the module documentation).
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
        // `guards` and the number of slots in `data`: the map starts with
        // `0..N`, the producer's spares with `N..N + K`, and only those are
        // ever moved around (map, spares, moved-out slots, claims). `data` was made for `T`: by the typed
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
        let head = self.front.head.load(Ordering::Acquire);
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
        // `head` and `tail` is live and ours. Every other item was moved
        // out or dropped by the half that took it.
        let head = self.front.head.load(Ordering::Acquire);
        let tail = self.tail.load(Ordering::Acquire);
        for index in head..tail {
            let handle = self.map(index).load(Ordering::Relaxed);
            // SAFETY: the live item of `index` sits in slot `handle`, fully
            // written (it was published); nobody else can reach it now.
            self.write_slot(handle, |slot| unsafe { core::ptr::drop_in_place(slot) });
        }
    }
}
