//! Where a ring keeps its slots.
//!
//! A [`Storage`] is a block of `capacity()` slots that the ring may write
//! through a shared reference. The ring never reads a slot it has not
//! written; the storage never drops the items in it (the ring does).

use core::cell::UnsafeCell;
use core::fmt;
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ptr::NonNull;

use crate::capacity::{check_capacity, const_capacity, CapacityError};

/// A block of slots for a ring.
///
/// # Safety
///
/// Implementors guarantee that [`slots`](Storage::slots) returns a pointer,
/// aligned for `T`, to `capacity()` consecutive slots of `T` that stay valid
/// and exclusively owned by this storage for as long as it lives, that may be
/// read and written through `&self`, and that `capacity()` is a power of two
/// no greater than [`MAX_CAPACITY`](crate::MAX_CAPACITY) and never changes,
/// and that [`mask`](Storage::mask), if overridden, returns `capacity() - 1`.
/// `capacity`, `mask` and `slots` must also be safe to call from several
/// threads at once (they only read), so that a ring's owning iterators can
/// be shared.
pub unsafe trait Storage<T> {
    /// The number of slots; a power of two.
    fn capacity(&self) -> usize;

    /// `capacity() - 1`: an index ANDed with it is the index of its slot.
    /// A storage that keeps its size in a field may keep this instead,
    /// saving the subtraction on every access.
    #[inline(always)]
    fn mask(&self) -> usize {
        self.capacity() - 1
    }

    /// A pointer to the first slot.
    fn slots(&self) -> *mut T;

    /// Touches every slot so that its page is mapped and its cache line
    /// fetched before the first push.
    fn warm(&self) {
        // SAFETY: the trait guarantees `capacity()` writable slots at
        // `slots()`; writing bytes into a slot that holds no item yet is
        // allowed, and `warm` is only called before any item is stored.
        unsafe { core::ptr::write_bytes(self.slots(), 0, self.capacity()) }
    }
}

/// Makes a storage invariant in `T`, as its slots are written through `&self`
/// (like a `Cell`'s); `NonNull<T>` alone would make it covariant.
type Writable<T> = PhantomData<*mut T>;

/// Slots inside the ring itself; the capacity `N` is a compile-time
/// constant.
///
/// `N` must be a power of two, greater than zero and at most
/// [`MAX_CAPACITY`](crate::MAX_CAPACITY); anything else fails to build
/// (`cargo build`, not `cargo check`: see [`SpillRing`](crate::SpillRing)):
///
/// ```compile_fail,E0080
/// let ring: spill_ring_core::SpillRing<u8, 3> = spill_ring_core::SpillRing::new();
/// ```
///
/// ```compile_fail,E0080
/// let ring: spill_ring_core::SpillRing<u8, 0> = spill_ring_core::SpillRing::new();
/// ```
///
/// ```compile_fail,E0080
/// let storage = spill_ring_core::Inline::<u8, { spill_ring_core::MAX_CAPACITY * 2 }>::new();
/// ```
///
/// ```
/// let ring: spill_ring_core::SpillRing<u8, 4> = spill_ring_core::SpillRing::new();
/// let storage = spill_ring_core::Inline::<u8, { spill_ring_core::MAX_CAPACITY }>::new();
/// ```
pub struct Inline<T, const N: usize> {
    slots: UnsafeCell<[MaybeUninit<T>; N]>,
}

impl<T, const N: usize> Inline<T, N> {
    /// `N`; the build fails when it is not a valid capacity.
    const CAPACITY: usize = const_capacity!(N, "Inline<T, N>");

    /// Creates `N` empty slots.
    pub const fn new() -> Self {
        let _: usize = Self::CAPACITY;
        // SAFETY: `N` was just vetted.
        unsafe { Self::vetted() }
    }

    /// Creates `N` empty slots, for a caller that has vetted `N` under the
    /// name of its own type (so that a bad capacity is reported once, under
    /// that name).
    ///
    /// # Safety
    ///
    /// The caller must have evaluated a [`const_capacity!`] constant of `N`.
    pub(crate) const unsafe fn vetted() -> Self {
        Inline {
            slots: UnsafeCell::new([const { MaybeUninit::uninit() }; N]),
        }
    }
}

/// Shows the capacity; the slots' contents belong to the ring.
impl<T, const N: usize> fmt::Debug for Inline<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inline").field("capacity", &N).finish()
    }
}

impl<T, const N: usize> Default for Inline<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: `slots` is an array of `N` slots owned by `self`, writable through
// the `UnsafeCell`; `N` was checked at compile time by `new`, or by the
// callers of `vetted`, the only constructors.
unsafe impl<T, const N: usize> Storage<T> for Inline<T, N> {
    #[inline(always)]
    fn capacity(&self) -> usize {
        N
    }

    #[inline(always)]
    fn slots(&self) -> *mut T {
        self.slots.get().cast()
    }
}

/// Slots allocated once on the heap; the capacity is chosen at run time.
///
/// It is a [`RawStorage`] over slots it allocated itself and frees when
/// dropped.
#[cfg(feature = "alloc")]
pub struct HeapStorage<T> {
    raw: RawStorage<T>,
}

#[cfg(feature = "alloc")]
impl<T> HeapStorage<T> {
    /// Allocates `capacity` empty slots. Zero-sized `T` allocates nothing.
    pub fn new(capacity: usize) -> Result<Self, CapacityError> {
        check_capacity(capacity)?;
        let layout = core::alloc::Layout::array::<T>(capacity)
            .map_err(|_| CapacityError::OutOfMemory(capacity))?;
        let slots = if layout.size() == 0 {
            NonNull::dangling()
        } else {
            // SAFETY: the layout has a non-zero size.
            let raw = unsafe { alloc::alloc::alloc(layout) };
            NonNull::new(raw.cast()).ok_or(CapacityError::OutOfMemory(capacity))?
        };
        // SAFETY: `capacity` passed `check_capacity`; `slots` was just
        // allocated for `capacity` items of `T` (or is dangling and aligned,
        // for a zero size) and is used only through this storage, which
        // frees it when dropped.
        let raw = unsafe { RawStorage::from_checked_parts(slots, capacity) };
        Ok(HeapStorage { raw })
    }
}

/// Shows the capacity and the address of the slots.
#[cfg(feature = "alloc")]
impl<T> fmt::Debug for HeapStorage<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeapStorage")
            .field("capacity", &self.raw.capacity())
            .field("slots", &self.raw.slots)
            .finish()
    }
}

#[cfg(feature = "alloc")]
impl<T> Drop for HeapStorage<T> {
    fn drop(&mut self) {
        let layout = core::alloc::Layout::array::<T>(self.raw.capacity())
            .expect("layout was valid when allocated");
        if layout.size() != 0 {
            // SAFETY: `slots` came from `alloc` with this very layout and is
            // freed once, here.
            unsafe { alloc::alloc::dealloc(self.raw.slots().cast(), layout) }
        }
    }
}

// SAFETY: `raw` is a valid `RawStorage` over the slots `new` allocated (or,
// for a zero size, a dangling aligned pointer, valid for zero-sized
// accesses), which stay allocated and ours until `drop`.
#[cfg(feature = "alloc")]
unsafe impl<T> Storage<T> for HeapStorage<T> {
    #[inline(always)]
    fn capacity(&self) -> usize {
        self.raw.capacity()
    }

    #[inline(always)]
    fn mask(&self) -> usize {
        self.raw.mask()
    }

    #[inline(always)]
    fn slots(&self) -> *mut T {
        self.raw.slots()
    }
}

/// Slots in memory that the caller owns (an engine's arena, a shared
/// segment). The storage never frees them.
pub struct RawStorage<T> {
    slots: NonNull<T>,
    /// The capacity less one (the capacity is a power of two).
    mask: usize,
    _writable: Writable<T>,
}

impl<T> RawStorage<T> {
    /// Uses the `capacity` slots at `slots`.
    ///
    /// Refuses, saying why, a `capacity` that is not a valid ring capacity
    /// (a power of two, greater than zero, at most
    /// [`MAX_CAPACITY`](crate::MAX_CAPACITY)).
    ///
    /// # Safety
    ///
    /// `slots` must be aligned for `T` and point to `capacity` slots of `T`
    /// that stay valid, and are accessed only through this storage, until it
    /// is dropped.
    pub unsafe fn from_raw_parts(
        slots: NonNull<T>,
        capacity: usize,
    ) -> Result<Self, CapacityError> {
        check_capacity(capacity)?;
        // SAFETY: the capacity was just checked; our caller upholds the
        // rest of the contract.
        Ok(unsafe { Self::from_checked_parts(slots, capacity) })
    }

    /// Uses the `capacity` slots at `slots`, without checking `capacity`.
    ///
    /// # Safety
    ///
    /// As [`from_raw_parts`](Self::from_raw_parts), and `capacity` must have
    /// passed [`check_capacity`].
    const unsafe fn from_checked_parts(slots: NonNull<T>, capacity: usize) -> Self {
        RawStorage {
            slots,
            mask: capacity - 1,
            _writable: PhantomData,
        }
    }
}

/// Shows the capacity and the address of the slots.
impl<T> fmt::Debug for RawStorage<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawStorage")
            .field("capacity", &self.capacity())
            .field("slots", &self.slots)
            .finish()
    }
}

// SAFETY: the capacity was checked before `from_checked_parts`, and its
// caller promised that the slots are valid, aligned and exclusively ours
// while we live; neither field changes afterwards.
unsafe impl<T> Storage<T> for RawStorage<T> {
    #[inline(always)]
    fn capacity(&self) -> usize {
        self.mask + 1
    }

    #[inline(always)]
    fn mask(&self) -> usize {
        self.mask
    }

    #[inline(always)]
    fn slots(&self) -> *mut T {
        self.slots.as_ptr()
    }
}

// SAFETY: the caller handed these slots over exclusively (see
// `from_raw_parts`), so they move between threads with the storage. This
// also makes a `HeapStorage`, which owns its slots like a `Box<[T]>` does,
// `Send` when `T` is.
unsafe impl<T: Send> Send for RawStorage<T> {}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    extern crate std;

    use core::mem::MaybeUninit;
    use core::ptr::NonNull;

    use super::*;
    use crate::{CapacityError, MAX_CAPACITY};

    #[test]
    fn inline_storage_has_n_slots_inside_itself() {
        let storage: Inline<u64, 16> = Inline::default();
        assert_eq!(Storage::<u64>::capacity(&storage), 16);
        let start = &storage as *const Inline<u64, 16> as usize;
        assert_eq!(storage.slots() as usize, start);
        assert_eq!(core::mem::size_of::<Inline<u64, 16>>(), 16 * 8);
    }

    #[test]
    fn heap_storage_checks_its_capacity() {
        assert_eq!(HeapStorage::<u8>::new(0).err(), Some(CapacityError::Zero));
        assert_eq!(
            HeapStorage::<u8>::new(6).err(),
            Some(CapacityError::NotPowerOfTwo(6))
        );
        assert_eq!(
            HeapStorage::<u8>::new(MAX_CAPACITY + 1).err(),
            Some(CapacityError::TooLarge(MAX_CAPACITY + 1))
        );
        let storage = HeapStorage::<u64>::new(MAX_CAPACITY).unwrap();
        assert_eq!(storage.capacity(), MAX_CAPACITY);
        assert_eq!(storage.slots() as usize % core::mem::align_of::<u64>(), 0);
    }

    #[test]
    fn every_storage_masks_with_its_capacity_less_one() {
        for capacity in [1, 2, 64, MAX_CAPACITY] {
            let heap = HeapStorage::<u32>::new(capacity).unwrap();
            assert_eq!(heap.mask(), capacity - 1);
            assert_eq!(heap.capacity(), capacity);
        }
        let mut slots = [MaybeUninit::<u16>::uninit(); 8];
        let ptr = NonNull::new(slots.as_mut_ptr().cast::<u16>()).unwrap();
        // SAFETY: eight slots of u16, used only through this storage.
        let raw = unsafe { RawStorage::from_raw_parts(ptr, 8) }.unwrap();
        assert_eq!((raw.capacity(), raw.mask()), (8, 7));
        let inline: Inline<u8, 32> = Inline::new();
        assert_eq!(Storage::<u8>::mask(&inline), 31);
    }

    #[test]
    fn heap_storage_of_zero_sized_items_allocates_nothing() {
        let storage = HeapStorage::<()>::new(1024).unwrap();
        assert_eq!(storage.slots(), NonNull::dangling().as_ptr());
        storage.warm();
    }

    #[test]
    fn raw_storage_refuses_bad_capacities() {
        let mut memory = [MaybeUninit::<u32>::uninit(); 8];
        let slots = NonNull::new(memory.as_mut_ptr().cast::<u32>()).unwrap();
        for (bad, why) in [
            (0, CapacityError::Zero),
            (3, CapacityError::NotPowerOfTwo(3)),
            (6, CapacityError::NotPowerOfTwo(6)),
            (MAX_CAPACITY * 2, CapacityError::TooLarge(MAX_CAPACITY * 2)),
        ] {
            // SAFETY: the pointer is valid for 8 slots; the bad capacities
            // are refused before any use.
            let refused = unsafe { RawStorage::from_raw_parts(slots, bad) };
            assert_eq!(refused.err(), Some(why), "{bad}");
        }
        // SAFETY: `memory` holds 8 aligned slots and outlives the storage.
        let storage = unsafe { RawStorage::from_raw_parts(slots, 8) }.unwrap();
        assert_eq!((storage.capacity(), storage.slots()), (8, slots.as_ptr()));
        storage.warm();
        // SAFETY: `warm` wrote every slot.
        assert!(memory.iter().all(|slot| unsafe { slot.assume_init() } == 0));
    }
}
