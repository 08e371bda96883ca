//! [`BytesRing`]: `capacity` elements of `elem_size` bytes stored at exactly
//! that stride (no slot is rounded up), in memory its handle's block holds.
//!
//! Every operation copies whole runs: a run of the storage never wraps, so a
//! batch handed to a spout, a bulk copy in or out, is one `memcpy` per run
//! and at most two runs per call. Elements sit at multiples of `elem_size`
//! from a `SPILL_RING_ALIGN`-aligned base, so a run is aligned as an array
//! of C structs of that size would be.

use core::cell::Cell;
use core::ptr::NonNull;

use crate::abi::last_error::Error;
use crate::abi::outcome::{Counted, EMPTY, FULL};
use crate::c_spout::transfer::Batches;
use crate::c_spout::CSpout;

/// A ring of `elem_size`-byte elements. Indices are monotonic (wrapping)
/// counters: `tail - head` elements are stored, the oldest at `head`.
///
/// Everything goes through `&self` (the indices are `Cell`s and the slots
/// are reached through a raw pointer), so that a read-only call made from
/// inside a spout call never aliases an exclusive borrow.
pub(crate) struct BytesRing {
    slots: NonNull<u8>,
    elem_size: usize,
    mask: usize,
    head: Cell<usize>,
    tail: Cell<usize>,
    /// Where evicted elements go (plain data).
    pub(crate) spout: CSpout,
}

impl BytesRing {
    /// A ring over `capacity * elem_size` bytes at `slots`.
    ///
    /// # Safety
    ///
    /// `capacity` is a power of two; `slots` is valid for reads and writes
    /// of `capacity * elem_size` bytes, aligned to `SPILL_RING_ALIGN`, and
    /// used by nothing else while the ring lives.
    pub(crate) unsafe fn new(
        slots: NonNull<u8>,
        elem_size: usize,
        capacity: usize,
        spout: CSpout,
    ) -> Self {
        debug_assert!(capacity.is_power_of_two());
        BytesRing {
            slots,
            elem_size,
            mask: capacity - 1,
            head: Cell::new(0),
            tail: Cell::new(0),
            spout,
        }
    }

    /// The element size in bytes.
    #[inline(always)]
    pub(crate) fn elem_size(&self) -> usize {
        self.elem_size
    }

    /// How many elements the ring holds.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.tail.get().wrapping_sub(self.head.get())
    }

    /// How many elements the ring can hold.
    #[inline(always)]
    pub(crate) fn capacity(&self) -> usize {
        self.mask + 1
    }

    #[inline(always)]
    fn is_full(&self) -> bool {
        self.len() > self.mask
    }

    /// The slot of index `index`.
    #[inline(always)]
    fn slot(&self, index: usize) -> *mut u8 {
        // SAFETY: `index & mask` < capacity, so the offset stays inside the
        // `capacity * elem_size` bytes of the slots.
        unsafe {
            self.slots
                .as_ptr()
                .add((index & self.mask) * self.elem_size)
        }
    }

    /// The longest run of at most `count` elements from index `index` that
    /// does not wrap: its first slot and its length.
    #[inline(always)]
    fn run(&self, index: usize, count: usize) -> (*mut u8, usize) {
        let room = self.capacity() - (index & self.mask);
        (self.slot(index), count.min(room))
    }

    /// Copies `count` elements from `src` into the ring from index `index`
    /// on (at most two copies).
    ///
    /// # Safety
    ///
    /// `src` holds `count * elem_size` readable bytes outside the slots;
    /// `count <= capacity`.
    unsafe fn copy_in(&self, index: usize, src: *const u8, count: usize) {
        let (dst, first) = self.run(index, count);
        // SAFETY: `first` elements fit before the wrap point; the rest go to
        // the start of the slots; `src` does not overlap them.
        unsafe {
            core::ptr::copy_nonoverlapping(src, dst, first * self.elem_size);
            core::ptr::copy_nonoverlapping(
                src.add(first * self.elem_size),
                self.slots.as_ptr(),
                (count - first) * self.elem_size,
            );
        }
    }

    /// Copies the `count` oldest elements to `dst` (at most two copies).
    ///
    /// # Safety
    ///
    /// `dst` has room for `count * elem_size` bytes outside the slots;
    /// `count <= len()`.
    unsafe fn copy_out(&self, dst: *mut u8, count: usize) {
        let (src, first) = self.run(self.head.get(), count);
        // SAFETY: as for `copy_in`, the other way.
        unsafe {
            core::ptr::copy_nonoverlapping(src, dst, first * self.elem_size);
            core::ptr::copy_nonoverlapping(
                self.slots.as_ptr(),
                dst.add(first * self.elem_size),
                (count - first) * self.elem_size,
            );
        }
    }

    /// Stores one element at the tail, dropping the oldest if the ring is
    /// full (the caller decided it may).
    ///
    /// # Safety
    ///
    /// `item` points to `elem_size` readable bytes outside the slots.
    #[inline(always)]
    unsafe fn store(&self, item: *const u8) {
        if self.is_full() {
            self.head.set(self.head.get().wrapping_add(1));
        }
        let tail = self.tail.get();
        // SAFETY: the slot of `tail` is free now; the caller's contract.
        unsafe { core::ptr::copy_nonoverlapping(item, self.slot(tail), self.elem_size) };
        self.tail.set(tail.wrapping_add(1));
    }

    /// The straight-line push: stores `item` if that calls no spout (the
    /// ring has room, or `evict` is set and the spout drops what it gets).
    /// `false`, nothing done, otherwise or when `item` is NULL.
    ///
    /// # Safety
    ///
    /// `item` is NULL or points to `elem_size` readable bytes.
    #[inline(always)]
    pub(crate) unsafe fn push_fast(&self, item: *const u8, evict: bool) -> bool {
        if item.is_null() || (self.is_full() && !(evict && self.spout.drops())) {
            return false;
        }
        // SAFETY: the caller's contract; NULL was excluded.
        unsafe { self.store(item) };
        true
    }

    /// The straight-line pop: `false`, nothing done, when the ring is empty
    /// or `out` is NULL.
    ///
    /// # Safety
    ///
    /// `out` is NULL or points to `elem_size` writable bytes.
    #[inline(always)]
    pub(crate) unsafe fn pop_fast(&self, out: *mut u8) -> bool {
        if out.is_null() || self.len() == 0 {
            return false;
        }
        let head = self.head.get();
        // SAFETY: the ring holds the element at `head`; the caller's contract.
        unsafe { core::ptr::copy_nonoverlapping(self.slot(head), out, self.elem_size) };
        self.head.set(head.wrapping_add(1));
        true
    }

    /// Appends `item` (one element); when the ring is full the oldest goes
    /// to the spout first, and if the spout refuses it nothing changes.
    pub(crate) fn push(&self, item: &[u8]) -> Result<(), Error> {
        if self.is_full() {
            let mut spout = self.spout;
            self.send_front(1, &mut spout).result?;
        }
        // SAFETY: `item` is one element outside the slots.
        unsafe { self.store(item.as_ptr()) };
        Ok(())
    }

    /// Appends `item` only if there is room.
    pub(crate) fn try_push(&self, item: &[u8]) -> Result<(), Error> {
        if self.is_full() {
            return Err(FULL);
        }
        // SAFETY: `item` is one element outside the slots; there is room.
        unsafe { self.store(item.as_ptr()) };
        Ok(())
    }

    /// Appends the packed elements of `items`, oldest first. What does not
    /// fit goes to the spout: first the ring's oldest elements (one batch
    /// per run), then, when `items` holds more than the capacity, its front
    /// (one batch). All or nothing for `items`.
    pub(crate) fn push_bulk(&self, items: &[u8]) -> Counted {
        let count = items.len() / self.elem_size;
        let capacity = self.capacity();
        let over = (self.len() + count).saturating_sub(capacity);
        let mut spout = self.spout;
        let evicted = self.send_front(over.min(self.len()), &mut spout);
        if evicted.result.is_err() {
            return Counted {
                count: 0,
                result: evicted.result,
            };
        }
        let skipped = count.saturating_sub(capacity);
        if skipped > 0 {
            // SAFETY: the first `skipped` elements of `items`.
            let sent = unsafe { spout.send_raw(items.as_ptr().cast(), skipped) };
            if let Err(refused) = sent {
                return Counted {
                    count: 0,
                    result: Err(refused.into()),
                };
            }
        }
        let kept = count - skipped;
        // SAFETY: the last `kept` (<= capacity) elements of `items`; the
        // ring has room for them after the evictions above.
        unsafe {
            self.copy_in(
                self.tail.get(),
                items.as_ptr().add(skipped * self.elem_size),
                kept,
            )
        };
        self.tail.set(self.tail.get().wrapping_add(kept));
        Counted {
            count,
            result: Ok(()),
        }
    }

    /// Removes the oldest element into `out` (one element).
    pub(crate) fn pop(&self, out: &mut [u8]) -> Result<(), Error> {
        // SAFETY: `out` is one writable element outside the slots.
        if unsafe { self.pop_fast(out.as_mut_ptr()) } {
            Ok(())
        } else {
            Err(EMPTY)
        }
    }

    /// Moves up to `out.len() / elem_size` oldest elements into `out`.
    /// EMPTY when the ring is empty and `out` is not.
    pub(crate) fn pop_bulk(&self, out: &mut [u8]) -> Counted {
        let room = out.len() / self.elem_size;
        if room > 0 && self.len() == 0 {
            return Counted {
                count: 0,
                result: Err(EMPTY),
            };
        }
        let count = room.min(self.len());
        // SAFETY: `count` elements are stored and fit in `out`.
        unsafe { self.copy_out(out.as_mut_ptr(), count) };
        self.head.set(self.head.get().wrapping_add(count));
        Counted {
            count,
            result: Ok(()),
        }
    }

    /// Copies the oldest element into `out`, leaving it in place.
    pub(crate) fn peek(&self, out: &mut [u8]) -> Result<(), Error> {
        if self.len() == 0 {
            return Err(EMPTY);
        }
        // SAFETY: one element is stored and `out` has room for it.
        unsafe { self.copy_out(out.as_mut_ptr(), 1) };
        Ok(())
    }

    /// Sends the `count` oldest elements to `dst`, one batch per run,
    /// stopping at the first refusal; each accepted batch leaves the ring.
    /// The count is how many left.
    fn send_front(&self, count: usize, dst: &mut CSpout) -> Counted {
        let mut sent = 0;
        while sent < count {
            let (run, n) = self.run(self.head.get(), count - sent);
            // SAFETY: the run holds `n` stored elements; the handle is
            // active while the spout reads them, so nothing changes them.
            if let Err(refused) = unsafe { dst.send_raw(run.cast(), n) } {
                return Counted {
                    count: sent,
                    result: Err(refused.into()),
                };
            }
            self.head.set(self.head.get().wrapping_add(n));
            sent += n;
        }
        Counted {
            count: sent,
            result: Ok(()),
        }
    }

    /// Discards every element.
    pub(crate) fn clear(&self) {
        self.head.set(self.tail.get());
    }
}

impl Batches for BytesRing {
    fn held(&self) -> usize {
        self.len()
    }

    fn send_all(&self, dst: &mut CSpout) -> Counted {
        self.send_front(self.len(), dst)
    }

    fn discard_all(&self) {
        self.clear();
    }
}
