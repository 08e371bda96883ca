//! Batch operations for `Copy` items: slice push and pop with at most two
//! `memcpy`s, and the *checked* operations that leave the ring unchanged when
//! the spout refuses a batch.
//!
//! Evicted items reach the spout as slices borrowed straight from the ring's
//! slots (at most two per call, split at the wrap-around point), through
//! [`Spout::send_slice`]. The ring is busy while the spout holds them, so
//! nothing can overwrite them.

use core::ptr;
use core::slice;

use spout::Spout;

use super::Ring;
use crate::storage::Storage;
use crate::{BatchError, Refused};

impl<T: Copy, B: Storage<T>, S: Spout<T>> Ring<T, B, S> {
    /// The `count` oldest items as at most two slices, oldest first.
    ///
    /// # Safety
    ///
    /// `count <= self.len()`, and the ring must not change while the slices
    /// live.
    #[inline(always)]
    unsafe fn front_slices(&self, count: usize) -> (&[T], &[T]) {
        let start = self.head.get() & (self.capacity() - 1);
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
    /// the ring busy, and removes each slice once `send` accepted it.
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
                send(run).map(|()| run.len())
            });
            match sent {
                Ok(n) => {
                    self.head.set(self.head.get().wrapping_add(n));
                    done += n;
                }
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

    /// Copies `items` in after the newest item with at most two `memcpy`s.
    /// The ring must have room for them.
    #[inline(always)]
    fn copy_in(&self, items: &[T]) {
        debug_assert!(items.len() <= self.capacity() - self.len());
        let start = self.tail.get() & (self.capacity() - 1);
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
        let tail = self.tail.get();
        // SAFETY: the ring is not full, so the slot of `tail` is free.
        unsafe { self.slot(tail).write(item) };
        self.tail.set(tail.wrapping_add(1));
        Ok(())
    }

    /// Appends every item of `items`, oldest first, with at most two
    /// `memcpy`s. Whatever cannot fit goes to the spout oldest-first: first
    /// the ring's oldest items, then (when `items` is longer than the ring)
    /// the front of `items`, which never touches the storage.
    ///
    /// If the spout refuses a batch, the error says how many of `items` were
    /// taken; everything not taken is still in the ring or was never read.
    pub fn checked_push_slice(&self, items: &[T]) -> Result<(), BatchError<S::Error>> {
        self.enter();
        let capacity = self.capacity();
        let overflow = (self.len() + items.len()).saturating_sub(capacity);
        let mut rest = items;
        if overflow > 0 {
            let from_ring = overflow.min(self.len());
            // SAFETY: `spill_front` calls this inside its busy sections.
            self.spill_front(from_ring, |run| {
                unsafe { self.busy_spout() }.send_slice(run)
            })
            .map_err(|e| BatchError {
                completed: 0,
                error: e.error,
            })?;
            let from_items = overflow - from_ring;
            if from_items > 0 {
                let (skipped, kept) = rest.split_at(from_items);
                self.on_spout(|spout| spout.send_slice(skipped))
                    .map_err(|error| BatchError {
                        completed: 0,
                        error,
                    })?;
                rest = kept;
            }
        }
        self.copy_in(rest);
        Ok(())
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
