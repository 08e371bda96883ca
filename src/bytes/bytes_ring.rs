//! [`BytesRing<K>`]: a ring of `elem_size`-byte elements stored in `[u8; K]`
//! slots, and [`BytesOps`], the object-safe face the exported functions
//! call through.
//!
//! When `elem_size == K` (the exact classes) elements are the slots and
//! every operation works in place. Otherwise (padded classes) bulk calls
//! convert between packed elements and slots through *staging* space (one
//! slot per ring slot) and the spout repacks through *scratch* space, both
//! allocated with the ring: no operation allocates.

use core::ptr::NonNull;

use spill_ring_core::RawRing;

use super::packing::PackingSpout;
use crate::c_spout::CSpout;
use crate::last_error::Error;
use crate::ring_ops::{self, Counted};

/// What the bytes family's exported functions need from a ring, whatever
/// its size class. Byte slices hold whole elements of the ring's
/// `elem_size` bytes, packed.
pub(crate) trait BytesOps {
    /// The fast ways in (see [`crate::entry::idle_or_checked`]): each does
    /// its work if that calls no spout and the pointer is not NULL, and
    /// otherwise returns `false` with the ring unchanged.
    ///
    /// # Safety
    ///
    /// `item` is NULL or points to `elem_size` readable bytes.
    unsafe fn push_fast(&mut self, item: *const u8) -> bool;
    /// As [`push_fast`](BytesOps::push_fast), only into a ring with room.
    ///
    /// # Safety
    ///
    /// As for [`push_fast`](BytesOps::push_fast).
    unsafe fn try_push_fast(&mut self, item: *const u8) -> bool;
    /// As [`push_fast`](BytesOps::push_fast), for pop.
    ///
    /// # Safety
    ///
    /// `out` is NULL or points to `elem_size` writable bytes.
    unsafe fn pop_fast(&mut self, out: *mut u8) -> bool;
    fn push(&self, item: &[u8]) -> Result<(), Error>;
    fn try_push(&self, item: &[u8]) -> Result<(), Error>;
    fn push_bulk(&self, items: &[u8]) -> Counted;
    fn pop(&self, out: &mut [u8]) -> Result<(), Error>;
    fn pop_bulk(&self, out: &mut [u8]) -> Counted;
    fn peek(&mut self, out: &mut [u8]) -> Result<(), Error>;
    fn len(&self) -> usize;
    fn capacity(&self) -> usize;
    fn flush(&self) -> Counted;
    fn drain(&self, dst: CSpout) -> Counted;
    fn clear(&self);
    /// Flushes the ring's spout (the items stay).
    fn flush_spout(&self) -> Result<(), Error>;
    /// Hands the remaining items to the spout before the ring is dropped.
    fn release(&self) -> Result<(), Error>;
}

/// A ring of elements stored in `[u8; K]` slots.
pub(crate) struct BytesRing<const K: usize> {
    ring: RawRing<[u8; K], PackingSpout<K>>,
    /// A copy of the ring's spout (plain data).
    spout: PackingSpout<K>,
    elem_size: usize,
    /// `capacity` slots for converting bulk calls; `None` for exact classes.
    staging: Option<NonNull<[u8; K]>>,
}

impl<const K: usize> BytesRing<K> {
    /// Wraps a ring.
    ///
    /// # Safety
    ///
    /// For a padded class (`elem_size < K`) `staging` points to
    /// `ring.capacity()` slots used by nothing else while the ring lives;
    /// for an exact class it is `None`.
    pub(crate) unsafe fn new(
        ring: RawRing<[u8; K], PackingSpout<K>>,
        spout: PackingSpout<K>,
        elem_size: usize,
        staging: Option<NonNull<[u8; K]>>,
    ) -> Self {
        debug_assert_eq!(staging.is_none(), elem_size == K);
        BytesRing {
            ring,
            spout,
            elem_size,
            staging,
        }
    }

    /// A slot holding `item` (zero-padded for padded classes).
    #[inline(always)]
    fn slot(&self, item: &[u8]) -> [u8; K] {
        debug_assert_eq!(item.len(), self.elem_size);
        padded_slot(item)
    }

    /// The staging slots, as a slice of `len` (at most the capacity).
    ///
    /// # Safety
    ///
    /// Padded class only; no other borrow of the staging space is alive.
    #[allow(clippy::mut_from_ref)]
    unsafe fn staging(&self, len: usize) -> &mut [[u8; K]] {
        let staging = self.staging.expect("padded classes have staging space");
        assert!(len <= self.ring.capacity());
        // SAFETY: `capacity` staging slots exist (constructor), `len` is
        // within them, and the caller guarantees exclusivity.
        unsafe { core::slice::from_raw_parts_mut(staging.as_ptr(), len) }
    }

    /// Bulk push for padded classes: all or nothing for `items`.
    fn push_bulk_padded(&self, items: &[u8]) -> Counted {
        let count = items.len() / self.elem_size;
        let capacity = self.ring.capacity();
        let mut rest = items;
        if count > capacity {
            // Only the newest `capacity` items will stay: everything in
            // the ring goes to the spout, then the front of `items`, which
            // is already packed the way the spout wants it.
            let drained = ring_ops::drain(&self.ring, &mut { self.spout });
            if drained.result.is_err() {
                return Counted {
                    count: 0,
                    result: drained.result,
                };
            }
            let (front, back) = items.split_at((count - capacity) * self.elem_size);
            // SAFETY: `front` holds `count - capacity` packed elements.
            let sent = unsafe {
                self.spout
                    .c()
                    .send_raw(front.as_ptr().cast(), count - capacity)
            };
            if let Err(refused) = sent {
                return Counted {
                    count: 0,
                    result: Err(refused.into()),
                };
            }
            rest = back;
        }
        let n = rest.len() / self.elem_size;
        // SAFETY: padded class; bulk calls are the only users of the
        // staging space and one runs at a time (the handle is active).
        let staging = unsafe { self.staging(n) };
        for (slot, item) in staging.iter_mut().zip(rest.chunks_exact(self.elem_size)) {
            // In place: the element, then zeros (every byte of a slot is
            // written before the ring copies it).
            let (bytes, padding) = slot.split_at_mut(self.elem_size);
            bytes.copy_from_slice(item);
            padding.fill(0);
        }
        let done = ring_ops::push_slice(&self.ring, staging);
        Counted {
            count: if done.result.is_ok() { count } else { 0 },
            result: done.result,
        }
    }

    /// Bulk pop for padded classes.
    fn pop_bulk_padded(&self, out: &mut [u8]) -> Counted {
        let max = out.len() / self.elem_size;
        if max > 0 && self.ring.is_empty() {
            return Counted {
                count: 0,
                result: Err(ring_ops::EMPTY),
            };
        }
        let n = max.min(self.ring.len());
        // SAFETY: as in `push_bulk_padded`.
        let staging = unsafe { self.staging(n) };
        let done = ring_ops::pop_slice(&self.ring, staging);
        for (slot, item) in staging[..done.count]
            .iter()
            .zip(out.chunks_exact_mut(self.elem_size))
        {
            item.copy_from_slice(&slot[..self.elem_size]);
        }
        done
    }
}

/// A slot holding `item`, zero-padded to `K` bytes.
#[inline(always)]
fn padded_slot<const K: usize>(item: &[u8]) -> [u8; K] {
    match <[u8; K]>::try_from(item) {
        Ok(slot) => slot,
        Err(_) => {
            let mut slot = [0u8; K];
            slot[..item.len()].copy_from_slice(item);
            slot
        }
    }
}

/// A slot holding the `elem_size` bytes at `item`.
///
/// # Safety
///
/// `item` points to `elem_size` readable bytes.
#[inline(always)]
unsafe fn slot_at<const K: usize>(item: *const u8, elem_size: usize) -> [u8; K] {
    // SAFETY: the caller's contract.
    padded_slot(unsafe { core::slice::from_raw_parts(item, elem_size) })
}

impl<const K: usize> BytesOps for BytesRing<K> {
    unsafe fn push_fast(&mut self, item: *const u8) -> bool {
        if item.is_null() {
            return false;
        }
        let elem_size = self.elem_size;
        // SAFETY: not NULL, so `elem_size` readable bytes (the caller's
        // contract); read only if the push goes ahead.
        let slot = || unsafe { slot_at::<K>(item, elem_size) };
        ring_ops::push_without_spout(&mut self.ring, slot, self.spout.c().drops())
    }

    unsafe fn try_push_fast(&mut self, item: *const u8) -> bool {
        if item.is_null() {
            return false;
        }
        let elem_size = self.elem_size;
        // SAFETY: as in `push_fast`.
        let slot = || unsafe { slot_at::<K>(item, elem_size) };
        ring_ops::push_without_spout(&mut self.ring, slot, false)
    }

    unsafe fn pop_fast(&mut self, out: *mut u8) -> bool {
        if out.is_null() {
            return false;
        }
        match self.ring.pop_mut() {
            Some(slot) => {
                // SAFETY: `out` has room for `elem_size` bytes (the caller's
                // contract), which the slot holds; a C buffer cannot
                // overlap a value on our stack.
                unsafe { core::ptr::copy_nonoverlapping(slot.as_ptr(), out, self.elem_size) };
                true
            }
            None => false,
        }
    }

    fn push(&self, item: &[u8]) -> Result<(), Error> {
        ring_ops::push(&self.ring, self.slot(item))
    }

    fn try_push(&self, item: &[u8]) -> Result<(), Error> {
        ring_ops::try_push(&self.ring, self.slot(item))
    }

    fn push_bulk(&self, items: &[u8]) -> Counted {
        if self.staging.is_some() {
            return self.push_bulk_padded(items);
        }
        // SAFETY: exact class: `items` is `len / K` packed `[u8; K]`s
        // (alignment 1).
        let slots = unsafe { core::slice::from_raw_parts(items.as_ptr().cast(), items.len() / K) };
        ring_ops::push_slice(&self.ring, slots)
    }

    fn pop(&self, out: &mut [u8]) -> Result<(), Error> {
        let slot = ring_ops::pop(&self.ring)?;
        out.copy_from_slice(&slot[..self.elem_size]);
        Ok(())
    }

    fn pop_bulk(&self, out: &mut [u8]) -> Counted {
        if self.staging.is_some() {
            return self.pop_bulk_padded(out);
        }
        // SAFETY: exact class: `out` is `len / K` packed `[u8; K]`s
        // (alignment 1), borrowed exclusively.
        let slots =
            unsafe { core::slice::from_raw_parts_mut(out.as_mut_ptr().cast(), out.len() / K) };
        ring_ops::pop_slice(&self.ring, slots)
    }

    fn peek(&mut self, out: &mut [u8]) -> Result<(), Error> {
        let slot = ring_ops::peek(&mut self.ring)?;
        out.copy_from_slice(&slot[..self.elem_size]);
        Ok(())
    }

    fn len(&self) -> usize {
        self.ring.len()
    }

    fn capacity(&self) -> usize {
        self.ring.capacity()
    }

    fn flush(&self) -> Counted {
        ring_ops::flush(&self.ring)
    }

    fn drain(&self, dst: CSpout) -> Counted {
        ring_ops::drain(&self.ring, &mut self.spout.to(dst))
    }

    fn clear(&self) {
        self.ring.clear()
    }

    fn flush_spout(&self) -> Result<(), Error> {
        Ok(self.spout.c().flush_raw()?)
    }

    fn release(&self) -> Result<(), Error> {
        ring_ops::drain(&self.ring, &mut { self.spout }).result
    }
}
