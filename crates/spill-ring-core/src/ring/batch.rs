//! Batch operations: slice push and pop of `Copy` items with at most two
//! `memcpy`s, the *checked* operations that leave the ring unchanged when
//! the spout refuses a batch, and the all-or-nothing slice push that a ring
//! performs as another ring's spout.
//!
//! Evicted items reach the spout as slices borrowed straight from the ring's
//! slots (at most two per call, split at the wrap-around point), through
//! [`Spout::send_slice`]. The ring is busy while the spout holds them, so
//! nothing can overwrite them; a slice leaves the ring only once the spout
//! accepted it. The guarantees of the checked operations ("the ring is
//! unchanged", "nothing is lost or duplicated") hold for spouts whose
//! `send_slice` is all-or-nothing, as the spout trait documents; a spout
//! that takes part of a slice before it fails keeps copies of that part
//! while the ring keeps the originals.

use core::ptr;
use core::slice;

use spout::Spout;

use super::Ring;
use crate::storage::Storage;
use crate::{BatchError, Refused};

impl<T, B: Storage<T>, S: Spout<T>> Ring<T, B, S> {
    /// The `count` oldest items as at most two slices, oldest first.
    ///
    /// # Safety
    ///
    /// `count <= self.len()`, and the ring must not change while the slices
    /// live.
    #[inline(always)]
    unsafe fn front_slices(&self, count: usize) -> (&[T], &[T]) {
        let start = self.head.get() & self.storage.mask();
        let first = count.min(self.capacity() - start);
        // SAFETY: the `count` slots from `head` hold items (caller: `count`
        // is at most the length); the first run ends at the storage's end,
        // the second starts at slot 0, and the caller keeps them unchanged.
        unsafe {
            (
                slice::from_raw_parts(self.slot(self.head.get()), first),
                slice::from_raw_parts(self.storage.slots(), count - first),
            )
        }
    }

    /// Hands the `count` oldest items to `send` as at most two slices, with
    /// the ring busy. Once `send` accepted a slice (it took copies), its
    /// items leave the ring and are dropped (a no-op for `Copy` items).
    ///
    /// On failure returns how many items left the ring before it.
    fn spill_front<E>(
        &self,
        count: usize,
        mut send: impl FnMut(&[T]) -> Result<(), E>,
    ) -> Result<(), BatchError<E>> {
        debug_assert!(count <= self.len());
        let mut done = 0;
        while done < count {
            let sent = self.busy_while(|| {
                // SAFETY: `count - done` items remain at the front, and the
                // ring is busy (nothing can change it) while `send` reads
                // them.
                let (run, _) = unsafe { self.front_slices(count - done) };
                send(run)?;
                let taken = run.len();
                let first = self.slot(self.head.get());
                self.head.set(self.head.get().wrapping_add(taken));
                // SAFETY: these `taken` slots held items that have just left
                // the ring (the spout took copies), so each is dropped once,
                // here; the ring stays busy, so their destructors cannot
                // reuse the slots meanwhile.
                unsafe { ptr::drop_in_place(ptr::slice_from_raw_parts_mut(first, taken)) };
                Ok(taken)
            });
            match sent {
                Ok(taken) => done += taken,
                Err(error) => {
                    return Err(BatchError {
                        completed: done,
                        error,
                    })
                }
            }
        }
        Ok(())
    }

    /// Appends every item of `items`, oldest first, storing the part that
    /// fits with `store`. Whatever cannot fit goes to the spout oldest-first
    /// through [`Spout::send_slice`]: first the ring's oldest items (each
    /// slice leaves the ring only once the spout accepted it), then, when
    /// `items` is longer than the ring, the front of `items`, which never
    /// touches the storage.
    ///
    /// If the spout refuses a slice, no item of `items` was taken
    /// (`completed` is 0) and every item is where it was or with the spout.
    fn spill_and_store(
        &self,
        items: &[T],
        store: impl FnOnce(&[T]),
    ) -> Result<(), BatchError<S::Error>>
    where
        T: Clone,
    {
        self.enter();
        let len = self.len();
        // Never `len + items.len()`: a slice of zero-sized items can be as
        // long as `usize::MAX`.
        let overflow = items.len().saturating_sub(self.capacity() - len);
        let mut rest = items;
        if overflow > 0 {
            let from_ring = overflow.min(len);
            let refused = |error| BatchError {
                completed: 0,
                error,
            };
            // SAFETY: `spill_front` calls this inside its busy sections.
            self.spill_front(from_ring, |run| {
                unsafe { self.busy_spout() }.send_slice(run)
            })
            .map_err(|e| refused(e.error))?;
            let (skipped, kept) = rest.split_at(overflow - from_ring);
            if !skipped.is_empty() {
                self.on_spout(|spout| spout.send_slice(skipped))
                    .map_err(refused)?;
            }
            rest = kept;
        }
        store(rest);
        Ok(())
    }

    /// Appends clones of `items` after the newest item. The ring must have
    /// room for them. It is busy meanwhile, since `clone` may be user code;
    /// each clone is counted as soon as it is stored, so a panicking `clone`
    /// leaves the ring consistent.
    fn clone_in(&self, items: &[T])
    where
        T: Clone,
    {
        debug_assert!(items.len() <= self.capacity() - self.len());
        self.busy_while(|| {
            for item in items {
                // SAFETY: the ring has room for `items`, so it is not full.
                unsafe { self.put_newest(item.clone()) };
            }
        })
    }

    /// The slice push behind [`Spout::send_slice`] for a ring: clones of
    /// `items`, all-or-nothing as long as this ring's own spout's
    /// `send_slice` is.
    pub(super) fn send_slice_clones(&self, items: &[T]) -> Result<(), S::Error>
    where
        T: Clone,
    {
        self.spill_and_store(items, |rest| self.clone_in(rest))
            .map_err(|e| e.error)
    }
}

impl<T: Copy, B: Storage<T>, S: Spout<T>> Ring<T, B, S> {
    /// Copies `items` in after the newest item with at most two `memcpy`s.
    /// The ring must have room for them.
    #[inline(always)]
    fn copy_in(&self, items: &[T]) {
        debug_assert!(items.len() <= self.capacity() - self.len());
        let start = self.tail.get() & self.storage.mask();
        let first = items.len().min(self.capacity() - start);
        // SAFETY: the ring has room for `items.len()` items, so the slots
        // from `tail` on are free; the first run ends at the storage's end
        // and the second starts at slot 0. `items` cannot overlap the free
        // slots: it is a shared borrow, and the free slots hold no item that
        // could have been borrowed.
        unsafe {
            ptr::copy_nonoverlapping(items.as_ptr(), self.slot(self.tail.get()), first);
            ptr::copy_nonoverlapping(
                items.as_ptr().add(first),
                self.storage.slots(),
                items.len() - first,
            );
        }
        self.tail.set(self.tail.get().wrapping_add(items.len()));
    }

    /// Appends `item`; when the ring is full, a copy of the oldest item goes
    /// to the spout (through [`Spout::send_slice`]) first. If the spout
    /// refuses it, the ring is unchanged and `item` comes back.
    #[inline]
    pub fn checked_push(&self, item: T) -> Result<(), Refused<T, S::Error>> {
        self.enter();
        if self.is_full() {
            // SAFETY (of the slice): the ring is full, so its oldest slot
            // holds an item, and the ring is busy while the spout reads it.
            let sent = self.on_spout(|spout| {
                let (oldest, _) = unsafe { self.front_slices(1) };
                spout.send_slice(oldest)
            });
            if let Err(error) = sent {
                return Err(Refused { item, error });
            }
            self.head.set(self.head.get().wrapping_add(1));
        }
        // SAFETY: the ring is not full (it had a free slot or the spout
        // took the oldest item's copy and we freed its slot).
        unsafe { self.put_newest(item) };
        Ok(())
    }

    /// Appends every item of `items`, oldest first, with at most two
    /// `memcpy`s. Whatever cannot fit goes to the spout oldest-first: first
    /// the ring's oldest items, then (when `items` is longer than the ring)
    /// the front of `items`, which never touches the storage.
    ///
    /// If the spout refuses a batch, no item of `items` is stored (the
    /// error's `completed` is 0); the ring's own items are each either
    /// still in the ring or with the spout, which took them in whole slices.
    /// With a spout whose `send_slice` is all-or-nothing, nothing is lost
    /// or duplicated.
    pub fn checked_push_slice(&self, items: &[T]) -> Result<(), BatchError<S::Error>> {
        self.spill_and_store(items, |rest| self.copy_in(rest))
    }

    /// Appends every item of `items`; the same as
    /// [`checked_push_slice`](Ring::checked_push_slice) but reports only the
    /// spout's error.
    #[inline]
    pub fn push_slice(&self, items: &[T]) -> Result<(), S::Error> {
        self.checked_push_slice(items).map_err(|e| e.error)
    }

    /// Moves the oldest items into `out` with at most two `memcpy`s and
    /// returns how many were moved (at most `out.len()`).
    pub fn pop_slice(&self, out: &mut [T]) -> usize {
        self.enter();
        let count = out.len().min(self.len());
        // SAFETY: `count` items are at the front and nothing changes the ring
        // before the copy ends; `out` is an exclusive borrow, so it cannot
        // overlap the ring's slots.
        let (first, second) = unsafe { self.front_slices(count) };
        out[..first.len()].copy_from_slice(first);
        out[first.len()..count].copy_from_slice(second);
        self.head.set(self.head.get().wrapping_add(count));
        count
    }

    /// Sends every item to `dst` in at most two slices, oldest first, and
    /// returns how many were sent. A slice leaves the ring only once `dst`
    /// accepted it.
    pub fn checked_drain_into<D: Spout<T>>(
        &self,
        dst: &mut D,
    ) -> Result<usize, BatchError<D::Error>> {
        let count = self.len();
        self.spill_front(count, |run| dst.send_slice(run))?;
        Ok(count)
    }

    /// Sends every item to the ring's own spout in at most two slices, then
    /// flushes the spout; returns how many items were sent. A slice leaves
    /// the ring only once the spout accepted it.
    pub fn checked_flush(&self) -> Result<usize, BatchError<S::Error>> {
        self.enter();
        let count = self.len();
        // SAFETY: `spill_front` calls this inside its busy sections.
        self.spill_front(count, |run| unsafe { self.busy_spout() }.send_slice(run))?;
        self.on_spout(|spout| spout.flush())
            .map_err(|error| BatchError {
                completed: count,
                error,
            })?;
        Ok(count)
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    extern crate std;

    use std::vec::Vec;

    use spout::{CollectSpout, Spout};

    use crate::{BatchError, HeapRing, SpillRing};

    type Collecting<const N: usize> = SpillRing<u32, N, CollectSpout<u32>>;

    fn contents<const N: usize>(ring: &mut Collecting<N>) -> Vec<u32> {
        ring.iter().copied().collect()
    }

    /// A ring of capacity 8 whose indices sit just before the point where
    /// the storage wraps, holding `items`.
    fn wrapping_ring(items: &[u32]) -> Collecting<8> {
        let mut ring = SpillRing::with_spout(CollectSpout::new());
        ring.start_indices_at(usize::MAX - 2);
        ring.push_slice(items).unwrap();
        ring
    }

    #[test]
    fn push_slice_fits_across_the_wrap_point() {
        let mut ring = wrapping_ring(&[1, 2]);
        ring.push_slice(&[3, 4, 5, 6]).unwrap();
        assert_eq!(contents(&mut ring), [1, 2, 3, 4, 5, 6]);
        assert!(ring.spout().is_empty());
    }

    #[test]
    fn push_slice_sends_what_cannot_fit_oldest_first() {
        let mut ring = wrapping_ring(&[1, 2, 3, 4, 5, 6]);
        ring.push_slice(&[7, 8, 9, 10]).unwrap();
        assert_eq!(contents(&mut ring), [3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(ring.spout().items(), &[1, 2]);
    }

    #[test]
    fn a_slice_longer_than_the_ring_skips_the_storage_for_its_front() {
        let mut ring = wrapping_ring(&[1, 2, 3]);
        let items: Vec<u32> = (10..30).collect();
        ring.push_slice(&items).unwrap();
        assert_eq!(contents(&mut ring), (22..30).collect::<Vec<_>>());
        let mut expected = std::vec![1, 2, 3];
        expected.extend(10..22);
        assert_eq!(ring.spout().items(), &expected[..]);
    }

    #[test]
    fn an_empty_slice_changes_nothing() {
        let mut ring = wrapping_ring(&[1]);
        ring.push_slice(&[]).unwrap();
        assert_eq!(contents(&mut ring), [1]);
    }

    #[test]
    fn pop_slice_takes_at_most_what_fits_and_what_is_there() {
        let ring = wrapping_ring(&[1, 2, 3, 4, 5]);
        let mut out = [0; 3];
        assert_eq!(ring.pop_slice(&mut out), 3);
        assert_eq!(out, [1, 2, 3]);
        let mut out = [0; 8];
        assert_eq!(ring.pop_slice(&mut out), 2);
        assert_eq!(out[..2], [4, 5]);
        assert_eq!(ring.pop_slice(&mut out), 0);
        assert_eq!(ring.pop_slice(&mut []), 0);
    }

    #[test]
    fn checked_push_evicts_through_send_slice() {
        let mut ring = wrapping_ring(&[1, 2, 3, 4, 5, 6, 7, 8]);
        ring.checked_push(9).unwrap();
        assert_eq!(contents(&mut ring), [2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(ring.spout().items(), &[1]);
        let ring: SpillRing<u32, 2> = SpillRing::new();
        ring.checked_push(1).unwrap();
        assert_eq!(ring.len(), 1);
    }

    #[test]
    fn checked_flush_and_checked_drain_into_move_everything() {
        let mut ring = wrapping_ring(&[1, 2, 3, 4, 5]);
        assert_eq!(ring.checked_flush(), Ok(5));
        assert!(ring.is_empty());
        assert_eq!(ring.spout().items(), &[1, 2, 3, 4, 5]);
        ring.push_slice(&[6, 7, 8]).unwrap();
        let mut dst = CollectSpout::new();
        assert_eq!(ring.checked_drain_into(&mut dst), Ok(3));
        assert_eq!(dst.items(), &[6, 7, 8]);
        assert_eq!(ring.checked_drain_into(&mut dst), Ok(0));
    }

    /// A spout that takes whole slices until it has taken `room` items, then
    /// refuses every slice (all-or-nothing).
    struct Limited {
        room: usize,
        taken: Vec<u32>,
    }

    impl Spout<u32> for Limited {
        type Error = &'static str;

        fn send(&mut self, item: u32) -> Result<(), &'static str> {
            self.send_slice(&[item])
        }

        fn send_slice(&mut self, items: &[u32]) -> Result<(), &'static str> {
            if items.len() > self.room {
                return Err("full");
            }
            self.room -= items.len();
            self.taken.extend_from_slice(items);
            Ok(())
        }
    }

    #[test]
    fn a_refused_second_run_reports_how_many_items_left_the_ring() {
        let ring: SpillRing<u32, 8> = SpillRing::new();
        let mut ring = ring;
        ring.start_indices_at(usize::MAX - 2);
        ring.push_slice(&[1, 2, 3, 4, 5]).unwrap();
        // The first run (3 items before the wrap point) fits, the second
        // does not.
        let mut dst = Limited {
            room: 4,
            taken: Vec::new(),
        };
        assert_eq!(
            ring.checked_drain_into(&mut dst),
            Err(BatchError {
                completed: 3,
                error: "full"
            })
        );
        assert_eq!(dst.taken, [1, 2, 3]);
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [4, 5]);
    }

    #[test]
    fn a_refused_slice_push_stores_none_of_the_slice() {
        let ring = HeapRing::with_capacity_and_spout(
            4,
            Limited {
                room: 1,
                taken: Vec::new(),
            },
        )
        .unwrap();
        let mut ring = ring;
        ring.push_slice(&[1, 2, 3]).unwrap();
        let refused = ring.checked_push_slice(&[4, 5, 6]);
        assert_eq!(
            refused,
            Err(BatchError {
                completed: 0,
                error: "full"
            })
        );
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(ring.push_slice(&[4, 5]), Ok(()));
        assert_eq!(ring.spout().taken, [1]);
        assert_eq!(ring.checked_push(6).unwrap_err().item, 6);
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [2, 3, 4, 5]);
    }

    #[test]
    fn slices_of_zero_sized_items_may_be_as_long_as_usize_max() {
        /// Counts the items it is sent without storing them.
        struct Count(usize);
        impl Spout<()> for Count {
            type Error = core::convert::Infallible;
            fn send(&mut self, _: ()) -> Result<(), Self::Error> {
                self.0 += 1;
                Ok(())
            }
            fn send_slice(&mut self, items: &[()]) -> Result<(), Self::Error> {
                self.0 += items.len();
                Ok(())
            }
        }
        let mut ring: SpillRing<(), 4, _> = SpillRing::with_spout(Count(0));
        let ptr = core::ptr::NonNull::<()>::dangling().as_ptr();
        // SAFETY: a slice of zero-sized items needs no memory, only an
        // aligned non-null pointer, and may have any length.
        let huge = unsafe { core::slice::from_raw_parts(ptr, usize::MAX) };
        ring.push(()).unwrap();
        ring.push_slice(huge).unwrap();
        assert_eq!(ring.len(), 4);
        assert_eq!(ring.spout().0, usize::MAX - 3);
        let mut out = [(); 8];
        assert_eq!(ring.pop_slice(&mut out), 4);
    }
}
