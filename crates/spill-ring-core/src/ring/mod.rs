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
pub use iter::{Drain, IntoIter, Iter, IterMut};

use crate::capacity::const_capacity;
use crate::storage::{Inline, Storage};
use crate::{PushError, RingConsumer, RingInfo, RingProducer};

/// A fixed-capacity ring over the storage `B` that evicts its oldest item to
/// the spout `S` when a push finds it full.
///
/// Use it through its aliases: [`SpillRing`](crate::SpillRing) (capacity
/// fixed at compile time), `HeapRing` (run-time capacity, with the `alloc`
/// feature) and [`RawRing`](crate::RawRing) (caller-provided memory).
///
/// Dropping a ring sends its remaining items to the spout, oldest first,
/// then flushes the spout; errors the spout reports at that point are
/// ignored (call [`try_flush`](Ring::try_flush) first to see them). If the
/// thread is already unwinding (with the `std` feature), a spout that
/// panics again is caught and the items it did not take are dropped.
///
/// A ring can move to another thread (it is `Send` when `T` and `S` are),
/// but it is never `Sync`, since `push` and `pop` take `&self`:
///
/// ```compile_fail,E0277
/// fn share<R: Sync>(_: &R) {}
/// let ring: spill_ring_core::SpillRing<u64, 4> = spill_ring_core::SpillRing::new();
/// share(&ring);
/// ```
///
/// The calls that only read (`len`, `capacity`, `peek`, `iter`, ...) are
/// `#[must_use]`:
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// let ring: spill_ring_core::SpillRing<u64, 4> = spill_ring_core::SpillRing::new();
/// ring.len();
/// ```
///
/// A ring is invariant in `T`, like a `Cell`: a ring of `&'static str` cannot
/// be used as a ring of shorter-lived references, which would let a
/// short-lived reference be popped as a `&'static str`:
///
/// ```compile_fail,E0597
/// use spill_ring_core::HeapRing;
///
/// let ring: HeapRing<&'static str> = HeapRing::with_capacity(2).unwrap();
/// {
///     let text = String::from("short-lived");
///     let shortened: &HeapRing<&str> = &ring;
///     shortened.push(&text);
/// }
/// let dangling: &'static str = ring.pop().unwrap();
/// ```
pub struct Ring<T, B: Storage<T>, S: Spout<T> = DropSpout> {
    head: Cell<usize>,
    tail: Cell<usize>,
    /// [`BUSY`] while a spout call on this ring is in progress, else 0.
    busy: Cell<u8>,
    spout: UnsafeCell<S>,
    storage: B,
    /// The ring owns its items and writes them through `&self`, as a
    /// `Cell` does, so it must be invariant in `T`: a covariant ring would
    /// let `&Ring<&'static str>` be used as `&Ring<&'short str>` to push a
    /// short-lived reference that is later popped as `&'static str`.
    _items: PhantomData<Cell<T>>,
}

impl<T, const N: usize, S: Spout<T>> Ring<T, Inline<T, N>, S> {
    /// `N`; the build fails when it is not a valid capacity. Every public
    /// constructor of an inline ring names it, so that the error's note
    /// points at the caller's line.
    const CAPACITY: usize = const_capacity!(N, "SpillRing<T, N, S>");

    /// Empty slots, once `N` is vetted.
    fn inline_slots() -> Inline<T, N> {
        let _: usize = Self::CAPACITY;
        // SAFETY: `N` was just vetted.
        unsafe { Inline::vetted() }
    }

    /// Creates an empty, warmed ring that evicts into `spout`.
    #[must_use]
    pub fn with_spout(spout: S) -> Self {
        let _: usize = Self::CAPACITY;
        Ring::from_parts(Self::inline_slots(), spout, true)
    }
}

impl<T, const N: usize> Ring<T, Inline<T, N>, DropSpout> {
    /// Creates an empty ring whose evicted items are dropped.
    #[must_use]
    pub fn new() -> Self {
        let _: usize = Self::CAPACITY;
        Self::with_spout(DropSpout)
    }

    /// Starts a builder for a ring of capacity `N`.
    pub fn builder() -> RingBuilder<T, Inline<T, N>, DropSpout> {
        let _: usize = Self::CAPACITY;
        RingBuilder::new(Self::inline_slots())
    }
}

#[cfg(feature = "alloc")]
impl<T, const N: usize> Ring<T, Inline<T, N>, DropSpout> {
    /// Creates an empty, warmed ring whose evicted items are dropped,
    /// directly on the heap: the slots never pass through the stack, so
    /// large capacities are fine on any thread (see
    /// [`SpillRing`](crate::SpillRing) for when this matters).
    ///
    /// ```
    /// use spill_ring_core::SpillRing;
    ///
    /// // 8 MiB of slots, more than a thread's stack.
    /// let ring = SpillRing::<u64, { 1 << 20 }>::new_boxed();
    /// ring.push(7);
    /// assert_eq!(ring.pop(), Some(7));
    /// ```
    #[must_use]
    pub fn new_boxed() -> alloc::boxed::Box<Self> {
        let _: usize = Self::CAPACITY;
        Self::boxed_with_spout(DropSpout)
    }
}

#[cfg(feature = "alloc")]
impl<T, const N: usize, S: Spout<T>> Ring<T, Inline<T, N>, S> {
    /// Creates an empty, warmed ring that evicts into `spout`, directly on
    /// the heap (see [`new_boxed`](Ring::new_boxed)).
    #[must_use]
    pub fn boxed_with_spout(spout: S) -> alloc::boxed::Box<Self> {
        use alloc::alloc::{alloc, handle_alloc_error, Layout};
        use alloc::boxed::Box;
        use core::ptr::addr_of_mut;

        let _: usize = Self::CAPACITY;
        let layout = Layout::new::<Self>();
        // A ring always has its index cells, so the layout is never empty.
        debug_assert!(layout.size() != 0);
        // SAFETY: the layout has a non-zero size.
        let ring = unsafe { alloc(layout) }.cast::<Self>();
        if ring.is_null() {
            handle_alloc_error(layout);
        }
        // SAFETY: `ring` is a fresh allocation for one `Self`. Every field
        // but the storage is written here; the storage is an array of
        // `MaybeUninit` slots in an `UnsafeCell`, for which uninitialized
        // memory is a valid value, and `N` was vetted as `Inline::new`
        // would. Nothing here can panic, so the allocation is
        // never leaked half-built, and `Box::from_raw` takes ownership of a
        // fully initialized ring allocated with the global allocator and
        // the layout of `Self`.
        unsafe {
            addr_of_mut!((*ring).head).write(Cell::new(0));
            addr_of_mut!((*ring).tail).write(Cell::new(0));
            addr_of_mut!((*ring).busy).write(Cell::new(0));
            addr_of_mut!((*ring).spout).write(UnsafeCell::new(spout));
            addr_of_mut!((*ring)._items).write(PhantomData);
            (*ring).storage.warm();
            Box::from_raw(ring)
        }
    }
}

impl<T, const N: usize, S: Spout<T> + Default> Default for Ring<T, Inline<T, N>, S> {
    fn default() -> Self {
        let _: usize = Self::CAPACITY;
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
            busy: Cell::new(0),
            spout: UnsafeCell::new(spout),
            storage,
            _items: PhantomData,
        }
    }

    // ----- information ------------------------------------------------------

    /// How many items the ring holds.
    #[inline(always)]
    #[must_use]
    pub fn len(&self) -> usize {
        self.tail.get().wrapping_sub(self.head.get())
    }

    /// How many items the ring can hold.
    #[inline(always)]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.storage.capacity()
    }

    /// Whether the ring holds no item.
    #[inline(always)]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the ring holds `capacity()` items, so that the next push
    /// evicts.
    #[inline(always)]
    #[must_use]
    pub fn is_full(&self) -> bool {
        // The length never exceeds the capacity: above the mask is full.
        self.len() > self.storage.mask()
    }

    /// The spout evicted items go to.
    ///
    /// This takes `&mut self` because `push(&self)` may use the spout at any
    /// time a shared reference exists, and a spout call holds `&mut S`.
    #[must_use]
    pub fn spout(&mut self) -> &S {
        self.spout.get_mut()
    }

    /// The spout evicted items go to, mutably.
    pub fn spout_mut(&mut self) -> &mut S {
        self.spout.get_mut()
    }

    /// Sends every item to the spout (oldest first), flushes it, and returns
    /// it. The ring's storage is released. If the spout fails, the items it
    /// did not take are dropped, as when the ring is dropped; call
    /// [`try_flush`](Ring::try_flush) first to see the error.
    ///
    /// If an item's destructor panics, the panic goes on once the ring has
    /// been dropped as usual: the items left are offered to the spout again
    /// and then dropped, and the spout and the storage are freed.
    pub fn into_spout(self) -> S {
        let _ = self.try_flush();
        // While `self` is still owned, a panicking destructor here unwinds
        // through the ring's own `Drop`, which frees everything.
        self.clear();
        let mut this = core::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is empty, never used again and never dropped; the
        // spout is moved out and the storage dropped exactly once here, and
        // dropping a storage frees no item (it holds none).
        unsafe {
            let spout = ptr::read(this.spout.get());
            ptr::drop_in_place(&mut this.storage);
            spout
        }
    }

    /// Makes an empty ring count its indices from `index`, so that tests can
    /// cross the point where the indices wrap around `usize::MAX` without
    /// pushing `usize::MAX` items first. Not part of the stable API.
    ///
    /// # Panics
    ///
    /// When the ring is not empty.
    #[doc(hidden)]
    pub fn start_indices_at(&mut self, index: usize) {
        assert!(self.is_empty(), "start_indices_at needs an empty ring");
        self.head.set(index);
        self.tail.set(index);
    }

    // ----- internals --------------------------------------------------------

    /// A pointer to the slot of `index`.
    #[inline(always)]
    fn slot(&self, index: usize) -> *mut T {
        // SAFETY: `index & mask` (`capacity - 1`) is below `capacity`, and
        // the storage guarantees `capacity` slots at `slots()`.
        unsafe { self.storage.slots().add(index & self.storage.mask()) }
    }

    /// Refuses to go on when a spout call on this ring is in progress.
    #[inline(always)]
    fn enter(&self) {
        if self.busy.get() & BUSY != 0 {
            reentered();
        }
    }

    /// Runs `f` with the ring marked busy, so that nothing can change the
    /// ring while `f` runs, even if `f` panics half-way.
    #[inline(always)]
    fn busy_while<R>(&self, f: impl FnOnce() -> R) -> R {
        self.enter();
        // The saved state is always idle (`enter` just checked it). Putting
        // the saved value back, rather than a constant, lets the optimizer
        // see that a section around an empty inlined spout call (`DropSpout`
        // of a `Copy` item) leaves `busy` as it was, and drop both stores:
        // `push` then compiles to the loop of a hand-written ring. `enter`
        // tests the `BUSY` bit instead of comparing the state with 0 so that
        // the saved value is not replaced by a constant.
        let saved = self.busy.replace(BUSY);
        let _restore = Restore(&self.busy, saved);
        f()
    }

    /// Runs `f` with the ring busy, whether it was busy already or not, so
    /// that `f` can read the items while nothing can change them. Unlike
    /// [`busy_while`](Ring::busy_while), it may run inside a spout call:
    /// the items in the ring are then still valid (every spout call happens
    /// with the ring consistent).
    fn reading<R>(&self, f: impl FnOnce() -> R) -> R {
        let saved = self.busy.replace(BUSY);
        let _restore = Restore(&self.busy, saved);
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

    /// Takes the oldest item out if the ring is full, making room for one.
    #[inline(always)]
    fn evict_if_full(&mut self) -> Option<T> {
        if self.is_full() {
            Some(self.take_oldest())
        } else {
            None
        }
    }

    /// Stores `item` after the newest item.
    ///
    /// # Safety
    ///
    /// The ring must not be full.
    #[inline(always)]
    unsafe fn put_newest(&self, item: T) {
        let tail = self.tail.get();
        debug_assert!(!self.is_full());
        // SAFETY: the ring is not full (our caller's promise), so the slot
        // of `tail` is free; advancing `tail` right after makes the item
        // part of the ring exactly once.
        unsafe { self.slot(tail).write(item) };
        self.tail.set(tail.wrapping_add(1));
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
        // SAFETY: the ring is not full (it had a free slot or we just freed
        // one; being busy, the spout could not refill it).
        unsafe { self.put_newest(item) };
        result
    }

    /// Appends `item` through an exclusive reference; otherwise the same as
    /// [`push`](Ring::push).
    #[inline]
    pub fn push_mut(&mut self, item: T) -> Result<(), S::Error> {
        let mut result = Ok(());
        if let Some(oldest) = self.evict_if_full() {
            result = self.spout.get_mut().send(oldest);
        }
        // SAFETY: `&mut self` excludes any other access, and the ring is not
        // full (it had a free slot or we just freed one).
        unsafe { self.put_newest(item) };
        result
    }

    /// Appends `item`; when the ring is full, the oldest item is evicted and
    /// returned to the caller instead of going to the spout, which this
    /// never calls.
    ///
    /// For callers that handle evicted items themselves (or know that the
    /// spout would only drop them): the push is a few instructions, with no
    /// spout call and no error.
    ///
    /// ```
    /// use spill_ring_core::SpillRing;
    ///
    /// let mut ring: SpillRing<u32, 2> = SpillRing::new();
    /// assert_eq!(ring.push_overwrite(1), None);
    /// assert_eq!(ring.push_overwrite(2), None);
    /// assert_eq!(ring.push_overwrite(3), Some(1));
    /// assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [2, 3]);
    /// ```
    #[inline]
    pub fn push_overwrite(&mut self, item: T) -> Option<T> {
        let evicted = self.evict_if_full();
        // SAFETY: `&mut self` excludes any other access, and the ring is not
        // full (it had a free slot or we just freed one).
        unsafe { self.put_newest(item) };
        evicted
    }

    /// Appends `item` only if the ring has room; when full, nothing is
    /// evicted and the item comes back as [`PushError::Full`].
    #[inline]
    pub fn try_push(&self, item: T) -> Result<(), PushError<T>> {
        self.enter();
        if self.is_full() {
            return Err(PushError::Full(item));
        }
        // SAFETY: the ring is not full.
        unsafe { self.put_newest(item) };
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

    /// Removes and returns the newest item (the one pushed last).
    #[inline]
    pub fn pop_newest(&mut self) -> Option<T> {
        if self.is_empty() {
            return None;
        }
        let tail = self.tail.get().wrapping_sub(1);
        // SAFETY: the ring is not empty, so the slot before `tail` holds the
        // newest item; moving `tail` back right after gives up our claim on
        // it, so it is read exactly once.
        let item = unsafe { self.slot(tail).read() };
        self.tail.set(tail);
        Some(item)
    }

    /// The oldest item, left in place.
    ///
    /// This takes `&mut self` because a `push(&self)` could otherwise evict
    /// the item while the reference lives.
    #[must_use]
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
    ///
    /// This takes `&mut self` for the same reason as [`peek`](Ring::peek).
    #[must_use]
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
    /// [`try_flush`](Ring::try_flush); `Spout::flush` on a ring does the
    /// same, so `ring.flush()` means this whichever `flush` it resolves to.
    pub fn flush(&self) -> usize {
        match self.try_flush() {
            Ok(sent) => sent,
            Err(never) => match never {},
        }
    }
}

/// The `busy` state of a ring inside a spout call.
const BUSY: u8 = 1;

/// Puts back the `busy` state saved when a section began, even if the
/// section panics.
struct Restore<'a>(&'a Cell<u8>, u8);

impl Drop for Restore<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        self.0.set(self.1);
    }
}

#[cold]
#[inline(never)]
fn reentered() -> ! {
    panic!("spill-ring: the ring was used from inside its own spout while it was evicting")
}

impl<T, B: Storage<T>, S: Spout<T>> Ring<T, B, S> {
    /// Sends every item to the spout and flushes it, then drops whatever
    /// the spout did not take, even if it panicked.
    fn flush_then_clear(&self) {
        /// Drops the items left in the ring when it goes out of scope.
        struct Leftovers<'a, T, B: Storage<T>, S: Spout<T>>(&'a Ring<T, B, S>);
        impl<T, B: Storage<T>, S: Spout<T>> Drop for Leftovers<'_, T, B, S> {
            fn drop(&mut self) {
                self.0.busy.set(0);
                self.0.clear();
            }
        }
        let leftovers = Leftovers(self);
        let _ = leftovers.0.try_flush();
    }
}

impl<T, B: Storage<T>, S: Spout<T>> Drop for Ring<T, B, S> {
    fn drop(&mut self) {
        // A ring dropped while its thread unwinds (often because its own
        // spout panicked) still hands its items on, but a second panic out
        // of a destructor during unwinding would abort the process: catch
        // it, and drop what the spout did not take.
        #[cfg(feature = "std")]
        if std::thread::panicking() {
            let flush = core::panic::AssertUnwindSafe(|| self.flush_then_clear());
            let _ = std::panic::catch_unwind(flush);
            return;
        }
        self.flush_then_clear();
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

/// Shows the capacity and the items, oldest first, as a list.
///
/// The ring is busy while its items are formatted: an item's `Debug` that
/// reaches the ring (through an `Rc`, say) may read it but not change it.
impl<T: core::fmt::Debug, B: Storage<T>, S: Spout<T>> core::fmt::Debug for Ring<T, B, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.reading(|| {
            // SAFETY: the ring is busy, so no item leaves it or is written
            // while the iterator lives (it does not outlive this section).
            let items = unsafe { self.iter_unchecked() };
            f.debug_struct("Ring")
                .field("capacity", &self.capacity())
                .field("items", &iter::Items(items))
                .finish()
        })
    }
}

impl<T: Clone, B: Storage<T>, S: Spout<T> + Clone> Ring<T, B, S> {
    /// A new ring over `storage` holding clones of this ring's items and
    /// of its spout.
    ///
    /// # Panics
    ///
    /// When called from inside this ring's own spout.
    fn clone_into(&self, storage: B) -> Self {
        assert_eq!(storage.capacity(), self.capacity());
        self.busy_while(|| {
            // SAFETY: inside the busy section, as `busy_spout` requires; the
            // reference is only read, and ends with the section.
            let spout = unsafe { self.busy_spout() }.clone();
            let copy = Ring::from_parts(storage, spout, false);
            // SAFETY: the ring is busy, so no item leaves it or is written
            // while the iterator lives.
            for item in unsafe { self.iter_unchecked() } {
                // The copy is as large as this ring, so nothing is evicted.
                let _ = copy.try_push(item.clone());
            }
            copy
        })
    }
}

/// A ring with clones of the items and of the spout.
///
/// # Panics
///
/// When called from inside the ring's own spout.
impl<T: Clone, const N: usize, S: Spout<T> + Clone> Clone for Ring<T, Inline<T, N>, S> {
    fn clone(&self) -> Self {
        self.clone_into(Self::inline_slots())
    }
}

/// A ring of the same capacity with clones of the items and of the spout.
///
/// # Panics
///
/// When called from inside the ring's own spout, or when the slots cannot
/// be allocated.
#[cfg(feature = "alloc")]
impl<T: Clone, S: Spout<T> + Clone> Clone for Ring<T, crate::HeapStorage<T>, S> {
    fn clone(&self) -> Self {
        let storage = crate::HeapStorage::new(self.capacity())
            .expect("a ring's capacity is valid, so only memory can run out");
        self.clone_into(storage)
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    extern crate std;

    use std::boxed::Box;
    use std::cell::RefCell;
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::rc::Rc;
    use std::string::{String, ToString};
    use std::vec::Vec;

    use core::convert::Infallible;

    use spout::{CollectSpout, DropSpout, FnFlushSpout, FnSpout, Spout};

    use crate::{HeapRing, PushError, RingConsumer, RingInfo, RingProducer, SpillRing};

    /// Compiles only for types that are *not* `Sync`: for a `Sync` type both
    /// impls apply and the marker cannot be inferred.
    trait NotSync<Marker> {
        fn assert_not_sync() {}
    }
    impl<T: ?Sized> NotSync<()> for T {}
    struct WhenSync;
    impl<T: ?Sized + Sync> NotSync<WhenSync> for T {}

    fn assert_send<T: Send>() {}

    #[test]
    fn rings_are_send_but_never_sync() {
        <SpillRing<u64, 4> as NotSync<_>>::assert_not_sync();
        <HeapRing<u64> as NotSync<_>>::assert_not_sync();
        <crate::RawRing<u64> as NotSync<_>>::assert_not_sync();
        assert_send::<SpillRing<u64, 4>>();
        assert_send::<HeapRing<u64, CollectSpout<u64>>>();
        assert_send::<crate::RawRing<u64>>();
    }

    fn contents<B: crate::Storage<u32>, S: Spout<u32>>(
        ring: &mut super::Ring<u32, B, S>,
    ) -> Vec<u32> {
        ring.iter().copied().collect()
    }

    #[test]
    fn a_new_ring_is_empty() {
        let ring: SpillRing<u32, 8> = SpillRing::new();
        assert_eq!((ring.len(), ring.capacity()), (0, 8));
        assert!(ring.is_empty() && !ring.is_full());
        assert_eq!(ring.pop(), None);
        let ring: SpillRing<u32, 8> = SpillRing::default();
        assert!(ring.is_empty());
    }

    #[test]
    fn push_evicts_the_oldest_item_to_the_spout() {
        let mut ring: SpillRing<u32, 4, _> = SpillRing::with_spout(CollectSpout::new());
        for i in 1..=10 {
            ring.push(i).unwrap();
            assert_eq!(ring.len(), i.min(4) as usize);
        }
        assert!(ring.is_full());
        assert_eq!(contents(&mut ring), [7, 8, 9, 10]);
        assert_eq!(ring.spout().items(), &[1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn push_mut_behaves_as_push() {
        let mut ring: SpillRing<u32, 2, _> = SpillRing::with_spout(CollectSpout::new());
        for i in 0..5 {
            ring.push_mut(i).unwrap();
        }
        assert_eq!(contents(&mut ring), [3, 4]);
        assert_eq!(ring.spout().items(), &[0, 1, 2]);
        assert_eq!(ring.pop_mut(), Some(3));
        assert_eq!(ring.pop_mut(), Some(4));
        assert_eq!(ring.pop_mut(), None);
    }

    #[test]
    fn try_push_hands_the_item_back_when_full() {
        let mut ring: SpillRing<String, 2, _> = SpillRing::with_spout(CollectSpout::new());
        ring.try_push("a".to_string()).unwrap();
        ring.try_push("b".to_string()).unwrap();
        let refused = ring.try_push("c".to_string()).unwrap_err();
        assert_eq!(refused, PushError::Full("c".to_string()));
        assert_eq!(refused.into_inner(), "c");
        assert!(ring.spout().is_empty(), "try_push never evicts");
        assert_eq!(ring.pop().as_deref(), Some("a"));
        ring.try_push("d".to_string()).unwrap();
        let items: Vec<&str> = ring.iter().map(String::as_str).collect();
        assert_eq!(items, ["b", "d"]);
    }

    #[test]
    fn peek_shows_both_ends_without_removing() {
        let mut ring: SpillRing<u32, 4> = SpillRing::new();
        assert_eq!(ring.peek(), None);
        assert_eq!(ring.peek_newest(), None);
        for i in 0..6 {
            ring.push(i);
        }
        assert_eq!(ring.peek(), Some(&2));
        assert_eq!(ring.peek_newest(), Some(&5));
        assert_eq!(ring.len(), 4);
    }

    #[test]
    fn clear_drops_items_without_sending_them() {
        let mut ring: SpillRing<u32, 4, _> = SpillRing::with_spout(CollectSpout::new());
        for i in 0..6 {
            ring.push(i).unwrap();
        }
        ring.clear();
        assert!(ring.is_empty());
        assert_eq!(ring.spout().items(), &[0, 1]);
        ring.push(9).unwrap();
        assert_eq!(contents(&mut ring), [9]);
    }

    #[test]
    fn flush_sends_everything_oldest_first_then_flushes_the_spout() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let flushes = Rc::new(RefCell::new(0));
        let (sent, flushed) = (Rc::clone(&log), Rc::clone(&flushes));
        let ring: SpillRing<u32, 4, _> = SpillRing::with_spout(FnFlushSpout::new(
            move |x| sent.borrow_mut().push(x),
            move || *flushed.borrow_mut() += 1,
        ));
        for i in 0..6 {
            ring.push(i);
        }
        assert_eq!(ring.flush(), 4);
        assert!(ring.is_empty());
        assert_eq!(*log.borrow(), [0, 1, 2, 3, 4, 5]);
        assert_eq!(*flushes.borrow(), 1);
        assert_eq!(ring.try_flush(), Ok(0));
        assert_eq!(*flushes.borrow(), 2);
    }

    #[test]
    fn drain_into_moves_every_item_to_another_spout() {
        let ring: SpillRing<u32, 4> = SpillRing::new();
        for i in 0..3 {
            ring.push(i);
        }
        let mut dst = CollectSpout::new();
        assert_eq!(ring.drain_into(&mut dst), Ok(3));
        assert_eq!(dst.items(), &[0, 1, 2]);
        assert!(ring.is_empty());
    }

    #[test]
    fn dropping_a_ring_flushes_its_items_then_the_spout() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let flushes = Rc::new(RefCell::new(Vec::new()));
        let (sent, flushed) = (Rc::clone(&log), Rc::clone(&flushes));
        let ring: SpillRing<u32, 2, _> = SpillRing::with_spout(FnFlushSpout::new(
            move |x| sent.borrow_mut().push(x),
            // The flush sees every item already sent.
            move || flushed.borrow_mut().push(0),
        ));
        for i in 0..5 {
            ring.push(i);
        }
        drop(ring);
        assert_eq!(*log.borrow(), [0, 1, 2, 3, 4]);
        assert_eq!(flushes.borrow().len(), 1);
    }

    #[test]
    fn into_spout_flushes_and_returns_the_spout() {
        let ring: HeapRing<u32, _> =
            HeapRing::with_capacity_and_spout(4, CollectSpout::new()).unwrap();
        for i in 0..7 {
            ring.push(i);
        }
        assert_eq!(ring.into_spout().into_items(), [0, 1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn spout_mut_can_replace_the_spout() {
        let mut ring: SpillRing<u32, 1, _> = SpillRing::with_spout(CollectSpout::new());
        ring.push(1).unwrap();
        ring.push(2).unwrap();
        let old = core::mem::take(ring.spout_mut());
        assert_eq!(old.items(), &[1]);
        ring.push(3).unwrap();
        assert_eq!(ring.spout().items(), &[2]);
    }

    /// Runs `hook` from inside the ring's spout, once the ring exists.
    type Hook = Rc<RefCell<Option<Box<dyn Fn()>>>>;

    type Hooked = SpillRing<u32, 2, FnSpout<Box<dyn FnMut(u32)>>>;

    /// A full ring whose spout runs the hook; the hook starts empty.
    fn hooked_ring() -> (Rc<Hooked>, Hook) {
        let hook: Hook = Rc::new(RefCell::new(None));
        let inner = Rc::clone(&hook);
        let spout: Box<dyn FnMut(u32)> = Box::new(move |_evicted| {
            if let Some(hook) = inner.borrow().as_ref() {
                hook();
            }
        });
        let ring = Rc::new(SpillRing::with_spout(FnSpout::new(spout)));
        ring.push(1);
        ring.push(2);
        (ring, hook)
    }

    /// A named call that changes a ring.
    type Mutation = (&'static str, fn(&Hooked));

    /// Every call that changes a ring through `&self`.
    fn mutations() -> [Mutation; 11] {
        [
            ("push", |r| {
                let _ = r.push(0);
            }),
            ("try_push", |r| {
                let _ = r.try_push(0);
            }),
            ("pop", |r| {
                r.pop();
            }),
            ("clear", |r| r.clear()),
            ("try_flush", |r| {
                let _ = r.try_flush();
            }),
            ("drain_into", |r| {
                let _ = r.drain_into(&mut DropSpout);
            }),
            ("push_slice", |r| {
                let _ = r.push_slice(&[0]);
            }),
            ("checked_push", |r| {
                let _ = r.checked_push(0);
            }),
            ("pop_slice", |r| {
                r.pop_slice(&mut [0]);
            }),
            ("checked_flush", |r| {
                let _ = r.checked_flush();
            }),
            ("checked_drain_into", |r| {
                let _ = r.checked_drain_into(&mut DropSpout);
            }),
        ]
    }

    fn panic_message(payload: &(dyn core::any::Any + Send)) -> String {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default()
    }

    #[test]
    fn mutating_a_ring_from_inside_its_spout_panics_and_leaves_it_usable() {
        for (name, mutate) in mutations() {
            let (ring, hook) = hooked_ring();
            let weak = Rc::downgrade(&ring);
            *hook.borrow_mut() = Some(Box::new(move || mutate(&weak.upgrade().unwrap())));
            let caught = catch_unwind(AssertUnwindSafe(|| ring.push(3)));
            let message = panic_message(&*caught.expect_err(name));
            assert!(
                message.contains("inside its own spout"),
                "{name}: {message}"
            );
            // The evicted item went to the spout, the pushed item was
            // dropped by the unwinding, and the ring is consistent.
            assert_eq!(ring.len(), 1, "{name}");
            *hook.borrow_mut() = None;
            ring.push(4);
            assert_eq!(ring.pop(), Some(2), "{name}");
            assert_eq!(ring.pop(), Some(4), "{name}");
            assert_eq!(ring.pop(), None, "{name}");
        }
    }

    #[test]
    fn reading_a_ring_from_inside_its_spout_is_allowed() {
        let (ring, hook) = hooked_ring();
        let seen = Rc::new(RefCell::new(Vec::new()));
        let (weak, log) = (Rc::downgrade(&ring), Rc::clone(&seen));
        *hook.borrow_mut() = Some(Box::new(move || {
            // The ring is gone when its drop flushes the rest.
            if let Some(ring) = weak.upgrade() {
                log.borrow_mut()
                    .push((ring.len(), ring.is_full(), ring.is_empty()));
            }
        }));
        ring.push(3);
        ring.push(4);
        // The oldest item has left the ring when the spout sees it.
        assert_eq!(*seen.borrow(), [(1, false, false), (1, false, false)]);
    }

    #[test]
    fn indices_wrap_around_usize_max() {
        let mut ring: SpillRing<u32, 4, _> = SpillRing::with_spout(CollectSpout::new());
        ring.start_indices_at(usize::MAX - 5);
        let mut expected = std::collections::VecDeque::new();
        for i in 0..20 {
            ring.push(i).unwrap();
            expected.push_back(i);
            if expected.len() > 4 {
                expected.pop_front();
            }
            assert_eq!(ring.len(), expected.len());
            assert_eq!(contents(&mut ring), Vec::from(expected.clone()));
            if i % 3 == 0 {
                assert_eq!(ring.pop(), expected.pop_front());
            }
        }
        assert_eq!(ring.peek_newest(), Some(&19));
    }

    #[test]
    #[should_panic(expected = "empty ring")]
    fn start_indices_at_needs_an_empty_ring() {
        let mut ring: SpillRing<u32, 4> = SpillRing::new();
        ring.push(1);
        ring.start_indices_at(7);
    }

    std::thread_local! {
        static UNIT_DROPS: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
    }

    /// A zero-sized item that counts its drops (per thread).
    #[derive(Debug, PartialEq)]
    struct Unit;
    impl Drop for Unit {
        fn drop(&mut self) {
            UNIT_DROPS.with(|d| d.set(d.get() + 1));
        }
    }

    #[test]
    fn zero_sized_items_are_counted_and_dropped_once() {
        let evicted = Rc::new(RefCell::new(0));
        let count = Rc::clone(&evicted);
        {
            let ring: SpillRing<Unit, 4, _> =
                SpillRing::with_spout(FnSpout::new(move |_: Unit| *count.borrow_mut() += 1));
            for _ in 0..10 {
                ring.push(Unit);
            }
            assert_eq!(ring.len(), 4);
            assert_eq!(*evicted.borrow(), 6);
            assert_eq!(ring.pop(), Some(Unit));
            assert_eq!(UNIT_DROPS.with(|d| d.get()), 6 + 2, "6 evicted, 2 compared");
        }
        assert_eq!(*evicted.borrow(), 9, "drop flushed the 3 left");
        assert_eq!(UNIT_DROPS.with(|d| d.get()), 11);
        let ring: HeapRing<()> = HeapRing::with_capacity(2).unwrap();
        for _ in 0..5 {
            ring.push(());
        }
        assert_eq!(ring.len(), 2);
    }

    #[test]
    fn ring_traits_work_generically() {
        fn fill<R: RingProducer<u32, SpoutError = Infallible> + RingConsumer<u32>>(
            ring: &R,
        ) -> Option<u32> {
            for i in 0..ring.capacity() as u32 + 1 {
                ring.push(i).unwrap();
            }
            assert!(ring.is_full() && !ring.is_empty());
            assert_eq!(ring.try_push(99), Err(PushError::Full(99)));
            ring.pop()
        }
        assert_eq!(fill(&SpillRing::<u32, 4>::new()), Some(1));
        assert_eq!(fill(&HeapRing::<u32>::with_capacity(8).unwrap()), Some(1));
        let ring = SpillRing::<u32, 2>::new();
        assert_eq!(RingInfo::len(&ring), 0);
    }

    #[test]
    fn debug_shows_the_capacity_and_the_items() {
        let ring: SpillRing<u32, 4> = SpillRing::new();
        for i in 0..6 {
            ring.push(i);
        }
        assert_eq!(
            std::format!("{ring:?}"),
            "Ring { capacity: 4, items: [2, 3, 4, 5] }"
        );
    }
}
