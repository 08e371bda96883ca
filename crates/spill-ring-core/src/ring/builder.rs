//! [`RingBuilder`]: chooses a ring's spout and whether to warm it.

use core::marker::PhantomData;

use spout::{DropSpout, Spout};

use super::Ring;
use crate::storage::{Inline, Storage};

/// Builds a [`Ring`]. Start from `SpillRing::builder()` (capacity fixed at
/// compile time) or `HeapRing::builder(capacity)` (capacity checked by
/// `build`).
///
/// Rings are *warm* by default: every slot is touched when the ring is built
/// so that the first pushes do not fault pages in. [`cold`](Self::cold)
/// skips that.
///
/// ```
/// use spill_ring_core::{CollectSpout, SpillRing};
///
/// let ring: SpillRing<u8, 2, _> = SpillRing::builder()
///     .spout(CollectSpout::new())
///     .cold()
///     .build();
/// ring.push(1);
/// assert_eq!(ring.len(), 1);
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct RingBuilder<T, B, S = DropSpout> {
    storage: B,
    spout: S,
    warm: bool,
    _items: PhantomData<fn(T) -> T>,
}

impl<T, B: core::fmt::Debug, S: core::fmt::Debug> core::fmt::Debug for RingBuilder<T, B, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RingBuilder")
            .field("storage", &self.storage)
            .field("spout", &self.spout)
            .field("warm", &self.warm)
            .finish()
    }
}

impl<T, B> RingBuilder<T, B, DropSpout> {
    pub(crate) fn new(storage: B) -> Self {
        RingBuilder {
            storage,
            spout: DropSpout,
            warm: true,
            _items: PhantomData,
        }
    }
}

impl<T, B, S> RingBuilder<T, B, S> {
    /// Evicted items go to `spout`.
    pub fn spout<S2: Spout<T>>(self, spout: S2) -> RingBuilder<T, B, S2> {
        RingBuilder {
            storage: self.storage,
            spout,
            warm: self.warm,
            _items: PhantomData,
        }
    }

    /// Skips touching every slot when the ring is built.
    pub fn cold(mut self) -> Self {
        self.warm = false;
        self
    }

    /// Touches every slot when the ring is built (the default).
    pub fn warm(mut self) -> Self {
        self.warm = true;
        self
    }
}

impl<T, const N: usize, S: Spout<T>> RingBuilder<T, Inline<T, N>, S> {
    /// Builds the ring.
    pub fn build(self) -> Ring<T, Inline<T, N>, S> {
        Ring::from_parts(self.storage, self.spout, self.warm)
    }
}

/// The capacity a [`RingBuilder`] for a heap ring allocates when it builds.
#[cfg(feature = "alloc")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeapCapacity(pub usize);

#[cfg(feature = "alloc")]
impl<T, S: Spout<T>> RingBuilder<T, HeapCapacity, S> {
    /// Checks the capacity, allocates the slots and builds the ring.
    pub fn build(self) -> Result<Ring<T, crate::HeapStorage<T>, S>, crate::CapacityError> {
        let storage = crate::HeapStorage::new(self.storage.0)?;
        Ok(Ring::from_parts(storage, self.spout, self.warm))
    }
}

impl<T, B: Storage<T>, S: Spout<T>> RingBuilder<T, B, S> {
    /// The storage this builder will use.
    pub fn storage(&self) -> &B {
        &self.storage
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    extern crate std;

    use core::ptr::NonNull;
    use std::vec;

    use spout::CollectSpout;

    use crate::{CapacityError, HeapRing, RawStorage, Ring, SpillRing, Storage};

    #[test]
    fn the_builder_sets_the_spout() {
        let mut ring: SpillRing<u32, 2, _> =
            SpillRing::builder().spout(CollectSpout::new()).build();
        for i in 0..3 {
            ring.push(i).unwrap();
        }
        assert_eq!(ring.spout().items(), &[0]);
        let ring: SpillRing<u32, 2> = SpillRing::builder().cold().warm().build();
        assert_eq!(ring.capacity(), 2);
    }

    #[test]
    fn heap_builders_check_the_capacity() {
        assert_eq!(
            HeapRing::<u32>::builder(3).build().unwrap_err(),
            CapacityError::NotPowerOfTwo(3)
        );
        assert_eq!(
            HeapRing::<u32>::builder(0).build().unwrap_err(),
            CapacityError::Zero
        );
        let ring = HeapRing::<u32>::builder(16).cold().build().unwrap();
        assert_eq!(ring.capacity(), 16);
    }

    #[test]
    fn a_warm_ring_touches_every_slot_and_a_cold_one_none() {
        for warm in [true, false] {
            let mut memory = vec![u32::MAX; 8];
            let slots = NonNull::new(memory.as_mut_ptr()).unwrap();
            // SAFETY: `memory` holds 8 aligned slots and is only read again
            // once the ring is gone.
            let storage = unsafe { RawStorage::from_raw_parts(slots, 8) }.unwrap();
            assert_eq!(storage.capacity(), 8);
            let ring = Ring::from_parts(storage, spout::DropSpout, warm);
            ring.push(7);
            drop(ring);
            let untouched = memory.iter().filter(|&&slot| slot == u32::MAX).count();
            assert_eq!(memory[0], 7);
            assert_eq!(untouched, if warm { 0 } else { 7 }, "warm: {warm}");
        }
    }
}
