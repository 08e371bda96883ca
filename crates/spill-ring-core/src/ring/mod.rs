//! [`Ring`]: the one implementation of the spill ring's logic.
//!
//! Indices `head` (oldest item) and `tail` (next free slot) count up forever,
//! wrapping at `usize::MAX`; `tail - head` is the length and `index & mask`
//! the slot. Both live in `Cell`s so that `push` and `pop` work through
//! `&self`, which makes the ring `!Sync`: it is used from one thread at a
//! time (it may move between threads when `T` and `S` are `Send`).
//!
//! # Re-entrancy
//!
//! A spout may hold a shared handle to the ring that feeds it (an `Rc`
//! captured by a closure, or a C callback holding the ring's handle). While
//! the ring is inside a spout call it is *busy*: any call that would change
//! it panics (the C ABI turns that panic into an error status) instead of
//! corrupting it. Calls that only read (`len`, `is_full`, ...) are allowed.

mod batch;
mod builder;
mod chain;
mod iter;

use core::cell::{Cell, UnsafeCell};
use core::convert::Infallible;
use core::marker::PhantomData;
use core::ptr;

use spout::{DropSpout, Spout};

#[cfg(feature = "alloc")]
pub use builder::HeapCapacity;
pub use builder::RingBuilder;
pub use iter::{Drain, Iter, IterMut};

use crate::storage::{Inline, Storage};
use crate::{PushError, RingConsumer, RingInfo, RingProducer};

/// A fixed-capacity ring over the storage `B` that evicts its oldest item to
/// the spout `S` when a push finds it full.
///
/// Use it through its aliases: [`SpillRing`](crate::SpillRing) (capacity
/// fixed at compile time), [`HeapRing`](crate::HeapRing) (run-time capacity)
/// and [`RawRing`](crate::RawRing) (caller-provided memory).
///
/// Dropping a ring sends its remaining items to the spout, oldest first,
/// then flushes the spout; errors the spout reports at that point are
/// ignored (call [`try_flush`](Ring::try_flush) first to see them).
pub struct Ring<T, B: Storage<T>, S: Spout<T> = DropSpout> {
    head: Cell<usize>,
    tail: Cell<usize>,
    busy: Cell<bool>,
    spout: UnsafeCell<S>,
    storage: B,
    _items: PhantomData<T>,
}

impl<T, const N: usize> Ring<T, Inline<T, N>, DropSpout> {
    /// Creates an empty ring whose evicted items are dropped.
    pub fn new() -> Self {
        Self::with_spout(DropSpout)
    }

    /// Starts a builder for a ring of capacity `N`.
    pub fn builder() -> RingBuilder<T, Inline<T, N>, DropSpout> {
        RingBuilder::new(Inline::new())
    }
}

impl<T, const N: usize, S: Spout<T>> Ring<T, Inline<T, N>, S> {
    /// Creates an empty, warmed ring that evicts into `spout`.
    pub fn with_spout(spout: S) -> Self {
        Ring::from_parts(Inline::new(), spout, true)
    }
}

impl<T, const N: usize, S: Spout<T> + Default> Default for Ring<T, Inline<T, N>, S> {
    fn default() -> Self {
        Self::with_spout(S::default())
    }
}

#[cfg(feature = "alloc")]
impl<T> Ring<T, crate::HeapStorage<T>, DropSpout> {
    /// Creates an empty ring of `capacity` slots whose evicted items are
    /// dropped. The capacity must be a power of two, greater than zero and
    /// at most [`MAX_CAPACITY`](crate::MAX_CAPACITY).
    pub fn with_capacity(capacity: usize) -> Result<Self, crate::CapacityError> {
        Self::with_capacity_and_spout(capacity, DropSpout)
    }

    /// Starts a builder for a ring of `capacity` slots; `build` checks the
    /// capacity.
    pub fn builder(capacity: usize) -> RingBuilder<T, builder::HeapCapacity, DropSpout> {
        RingBuilder::new(builder::HeapCapacity(capacity))
    }
}

#[cfg(feature = "alloc")]
impl<T, S: Spout<T>> Ring<T, crate::HeapStorage<T>, S> {
    /// Creates an empty, warmed ring of `capacity` slots that evicts into
    /// `spout`.
    pub fn with_capacity_and_spout(
        capacity: usize,
        spout: S,
    ) -> Result<Self, crate::CapacityError> {
        Ok(Ring::from_parts(
            crate::HeapStorage::new(capacity)?,
            spout,
            true,
        ))
    }
}

impl<T, B: Storage<T>, S: Spout<T>> Ring<T, B, S> {
    /// Creates an empty ring over `storage` that evicts into `spout`,
    /// touching every slot first when `warm` is set.
    pub fn from_parts(storage: B, spout: S, warm: bool) -> Self {
        if warm {
            storage.warm();
        }
        Ring {
            head: Cell::new(0),
            tail: Cell::new(0),
            busy: Cell::new(false),
            spout: UnsafeCell::new(spout),
            storage,
            _items: PhantomData,
        }
    }

    // ----- information ------------------------------------------------------

    /// How many items the ring holds.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.tail.get().wrapping_sub(self.head.get())
    }

    /// How many items the ring can hold.
    #[inline(always)]
    pub fn capacity(&self) -> usize {
        self.storage.capacity()
    }

    /// Whether the ring holds no item.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the ring holds `capacity()` items, so that the next push
    /// evicts.
    #[inline(always)]
    pub fn is_full(&self) -> bool {
        self.len() == self.capacity()
    }

    /// The spout evicted items go to.
    ///
    /// This takes `&mut self` because `push(&self)` may use the spout at any
    /// time a shared reference exists.
    pub fn spout(&mut self) -> &S {
        self.spout.get_mut()
    }

    /// The spout evicted items go to, mutably.
    pub fn spout_mut(&mut self) -> &mut S {
        self.spout.get_mut()
    }

    /// Sends every item to the spout (oldest first), flushes it, and returns
    /// it. The ring's storage is released.
    pub fn into_spout(self) -> S {
        let _ = self.try_flush();
        let mut this = core::mem::ManuallyDrop::new(self);
        this.clear();
        // SAFETY: `this` is never used again and never dropped; each field
        // that owns resources is moved out or dropped exactly once here.
        unsafe {
            let spout = ptr::read(this.spout.get());
            ptr::drop_in_place(&mut this.storage);
            spout
        }
    }

    // ----- internals --------------------------------------------------------

    /// A pointer to the slot of `index`.
    #[inline(always)]
    fn slot(&self, index: usize) -> *mut T {
        // SAFETY: `index & (capacity - 1)` is below `capacity`, and the
        // storage guarantees `capacity` slots at `slots()`.
        unsafe { self.storage.slots().add(index & (self.capacity() - 1)) }
    }

    /// Refuses to go on when a spout call on this ring is in progress.
    #[inline(always)]
    fn enter(&self) {
        if self.busy.get() {
            reentered();
        }
    }

    /// Runs `f` with the ring marked busy, so that nothing can change the
    /// ring while `f` runs, even if `f` panics half-way.
    #[inline(always)]
    fn busy_while<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Busy<'a>(&'a Cell<bool>);
        impl Drop for Busy<'_> {
            #[inline(always)]
            fn drop(&mut self) {
                self.0.set(false);
            }
        }
        self.enter();
        self.busy.set(true);
        let _busy = Busy(&self.busy);
        f()
    }

    /// The spout, from inside a busy section.
    ///
    /// # Safety
    ///
    /// Must be called inside [`busy_while`](Ring::busy_while), and the
    /// reference must not outlive that section. Every other path to the
    /// spout either goes through here or holds `&mut self`, and a busy
    /// section cannot start inside another, so the reference is unique.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    unsafe fn busy_spout(&self) -> &mut S {
        // SAFETY: see the function's contract.
        unsafe { &mut *self.spout.get() }
    }

    /// Runs `f` on the spout, with the ring busy.
    #[inline(always)]
    fn on_spout<R>(&self, f: impl FnOnce(&mut S) -> R) -> R {
        // SAFETY: we are inside the busy section and `f` cannot keep the
        // reference past it.
        self.busy_while(|| f(unsafe { self.busy_spout() }))
    }

    /// Removes the oldest item. The ring must not be empty.
    #[inline(always)]
    fn take_oldest(&self) -> T {
        let head = self.head.get();
        debug_assert!(self.tail.get() != head);
        // SAFETY: the ring is not empty, so the slot of `head` holds an item;
        // advancing `head` right after gives up our claim on it, so it is
        // read exactly once.
        let item = unsafe { self.slot(head).read() };
        self.head.set(head.wrapping_add(1));
        item
    }

    // ----- push and pop -----------------------------------------------------

    /// Appends `item`. When the ring is full, the oldest item is evicted to
    /// the spout first.
    ///
    /// A spout error is returned after the push completes: the evicted item
    /// was handed to the spout (which decides what became of it) and `item`
    /// is stored. For a ring that stays unchanged when its spout fails, use
    /// [`checked_push`](Ring::checked_push).
    ///
    /// # Panics
    ///
    /// When called from inside this ring's own spout.
    #[inline]
    pub fn push(&self, item: T) -> Result<(), S::Error> {
        self.enter();
        let mut result = Ok(());
        if self.is_full() {
            let oldest = self.take_oldest();
            // The ring is busy during the call, so the spout cannot refill
            // the slot just freed.
            result = self.on_spout(|spout| spout.send(oldest));
        }
        let tail = self.tail.get();
        // SAFETY: the ring is not full, so the slot of `tail` is free.
        unsafe { self.slot(tail).write(item) };
        self.tail.set(tail.wrapping_add(1));
        result
    }

    /// Appends `item` through an exclusive reference; otherwise the same as
    /// [`push`](Ring::push).
    #[inline]
    pub fn push_mut(&mut self, item: T) -> Result<(), S::Error> {
        let mut result = Ok(());
        if self.is_full() {
            let oldest = self.take_oldest();
            result = self.spout.get_mut().send(oldest);
        }
        let tail = self.tail.get();
        // SAFETY: `&mut self` excludes any other access, and the ring is not
        // full (it had a free slot or we just freed one).
        unsafe { self.slot(tail).write(item) };
        self.tail.set(tail.wrapping_add(1));
        result
    }

    /// Appends `item` only if the ring has room; when full, nothing is
    /// evicted and the item comes back as [`PushError::Full`].
    #[inline]
    pub fn try_push(&self, item: T) -> Result<(), PushError<T>> {
        self.enter();
        if self.is_full() {
            return Err(PushError::Full(item));
        }
        let tail = self.tail.get();
        // SAFETY: the ring is not full, so the slot of `tail` is free.
        unsafe { self.slot(tail).write(item) };
        self.tail.set(tail.wrapping_add(1));
        Ok(())
    }

    /// Removes and returns the oldest item.
    #[inline]
    pub fn pop(&self) -> Option<T> {
        self.enter();
        if self.is_empty() {
            None
        } else {
            Some(self.take_oldest())
        }
    }

    /// Removes and returns the oldest item through an exclusive reference.
    #[inline]
    pub fn pop_mut(&mut self) -> Option<T> {
        if self.is_empty() {
            None
        } else {
            Some(self.take_oldest())
        }
    }

    /// The oldest item, left in place.
    ///
    /// This takes `&mut self` because a `push(&self)` could otherwise evict
    /// the item while the reference lives.
    pub fn peek(&mut self) -> Option<&T> {
        if self.is_empty() {
            None
        } else {
            // SAFETY: the ring is not empty, so the slot of `head` holds an
            // item; `&mut self` keeps it there while the reference lives.
            Some(unsafe { &*self.slot(self.head.get()) })
        }
    }

    /// The newest item, left in place.
    pub fn peek_newest(&mut self) -> Option<&T> {
        if self.is_empty() {
            None
        } else {
            // SAFETY: the ring is not empty, so the slot before `tail` holds
            // an item; `&mut self` keeps it there while the reference lives.
            Some(unsafe { &*self.slot(self.tail.get().wrapping_sub(1)) })
        }
    }

    /// Drops every item in the ring (they do not go to the spout).
    pub fn clear(&self) {
        self.busy_while(|| {
            while !self.is_empty() {
                // Each item leaves the ring before it is dropped, so a
                // panicking destructor leaves the ring consistent.
                drop(self.take_oldest());
            }
        })
    }

    // ----- flushing ---------------------------------------------------------

    /// Sends every item to `dst`, oldest first, one at a time; returns how
    /// many were sent. Each item leaves the ring before it is sent, so a
    /// failing or panicking spout leaves the rest in place.
    pub fn drain_into<D: Spout<T>>(&self, dst: &mut D) -> Result<usize, D::Error> {
        let mut sent = 0;
        while !self.is_empty() {
            let item = self.busy_while(|| self.take_oldest());
            self.busy_while(|| dst.send(item))?;
            sent += 1;
        }
        Ok(sent)
    }

    /// Sends every item to the ring's spout, oldest first, then flushes the
    /// spout; returns how many items were sent.
    ///
    /// On error the items not yet sent stay in the ring.
    pub fn try_flush(&self) -> Result<usize, S::Error> {
        self.enter();
        let mut sent = 0;
        while !self.is_empty() {
            let item = self.take_oldest();
            self.on_spout(|spout| spout.send(item))?;
            sent += 1;
        }
        self.on_spout(|spout| spout.flush())?;
        Ok(sent)
    }
}

impl<T, B: Storage<T>, S: Spout<T, Error = Infallible>> Ring<T, B, S> {
    /// Sends every item to the spout, oldest first, then flushes the spout;
    /// returns how many items were sent. For spouts that can fail, see
    /// [`try_flush`](Ring::try_flush).
    pub fn flush(&self) -> usize {
        match self.try_flush() {
            Ok(sent) => sent,
            Err(never) => match never {},
        }
    }
}

#[cold]
#[inline(never)]
fn reentered() -> ! {
    panic!("spill-ring: the ring was used from inside its own spout while it was evicting")
}

impl<T, B: Storage<T>, S: Spout<T>> Drop for Ring<T, B, S> {
    fn drop(&mut self) {
        /// Drops whatever the flush could not deliver, even if the spout
        /// panicked.
        struct Leftovers<'a, T, B: Storage<T>, S: Spout<T>>(&'a Ring<T, B, S>);
        impl<T, B: Storage<T>, S: Spout<T>> Drop for Leftovers<'_, T, B, S> {
            fn drop(&mut self) {
                self.0.busy.set(false);
                self.0.clear();
            }
        }
        let leftovers = Leftovers(self);
        let _ = leftovers.0.try_flush();
    }
}

impl<T, B: Storage<T>, S: Spout<T>> RingInfo for Ring<T, B, S> {
    fn len(&self) -> usize {
        Ring::len(self)
    }
    fn capacity(&self) -> usize {
        Ring::capacity(self)
    }
}

impl<T, B: Storage<T>, S: Spout<T>> RingProducer<T> for Ring<T, B, S> {
    type SpoutError = S::Error;

    fn push(&self, item: T) -> Result<(), S::Error> {
        Ring::push(self, item)
    }

    fn try_push(&self, item: T) -> Result<(), PushError<T>> {
        Ring::try_push(self, item)
    }
}

impl<T, B: Storage<T>, S: Spout<T>> RingConsumer<T> for Ring<T, B, S> {
    fn pop(&self) -> Option<T> {
        Ring::pop(self)
    }
}

impl<T, B: Storage<T>, S: Spout<T>> core::fmt::Debug for Ring<T, B, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Ring")
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}
