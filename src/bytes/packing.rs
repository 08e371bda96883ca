//! [`PackingSpout`]: the spout of a bytes ring. C receives batches of
//! `elem_size`-byte elements packed back to back; slots of a padded size
//! class are repacked into scratch space first.

use core::ptr::NonNull;

use spout::Spout;

use crate::c_spout::{CSpout, SpoutRefused};

/// Hands batches of `[u8; K]` slots to a C spout as packed `elem_size`-byte
/// elements.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PackingSpout<const K: usize> {
    c: CSpout,
    elem_size: usize,
    /// Room for `scratch_items` packed elements; used only when
    /// `elem_size < K`.
    scratch: Option<NonNull<u8>>,
    scratch_items: usize,
}

impl<const K: usize> PackingSpout<K> {
    /// A spout for an exact class (`elem_size == K`): slots go to C as they
    /// are.
    pub(crate) fn exact(c: CSpout) -> Self {
        PackingSpout {
            c,
            elem_size: K,
            scratch: None,
            scratch_items: 0,
        }
    }

    /// A spout for a padded class that repacks through `scratch`.
    ///
    /// # Safety
    ///
    /// `scratch` is valid for writes of `scratch_items * elem_size` bytes
    /// for as long as the spout (and every copy) is used, and nothing else
    /// reads it while a send runs.
    pub(crate) unsafe fn padded(
        c: CSpout,
        elem_size: usize,
        scratch: NonNull<u8>,
        scratch_items: usize,
    ) -> Self {
        debug_assert!(elem_size < K);
        PackingSpout {
            c,
            elem_size,
            scratch: Some(scratch),
            scratch_items,
        }
    }

    /// The same packing towards another C spout.
    pub(crate) fn to(self, c: CSpout) -> Self {
        PackingSpout { c, ..self }
    }

    /// The C spout.
    pub(crate) fn c(&self) -> &CSpout {
        &self.c
    }
}

/// All-or-nothing per batch, like the C spout it wraps: one `send` call
/// per slice.
impl<const K: usize> Spout<[u8; K]> for PackingSpout<K> {
    type Error = SpoutRefused;

    fn send(&mut self, item: [u8; K]) -> Result<(), SpoutRefused> {
        self.send_slice(core::slice::from_ref(&item))
    }

    fn send_slice(&mut self, items: &[[u8; K]]) -> Result<(), SpoutRefused> {
        if self.c.drops() {
            // No C spout: nothing would read a repacked batch.
            return Ok(());
        }
        let Some(scratch) = self.scratch else {
            // SAFETY: exact class: the slots are `items.len()` packed
            // elements of `K == elem_size` bytes.
            return unsafe { self.c.send_raw(items.as_ptr().cast(), items.len()) };
        };
        assert!(
            items.len() <= self.scratch_items,
            "a batch of {} items exceeds the scratch space of {}",
            items.len(),
            self.scratch_items
        );
        for (i, slot) in items.iter().enumerate() {
            // SAFETY: `i < scratch_items`, so the destination lies inside
            // the scratch space (the constructor's contract); a slot is
            // never inside the scratch space, so they do not overlap.
            unsafe {
                core::ptr::copy_nonoverlapping(
                    slot.as_ptr(),
                    scratch.as_ptr().add(i * self.elem_size),
                    self.elem_size,
                )
            };
        }
        // SAFETY: the scratch space now holds `items.len()` packed elements.
        unsafe { self.c.send_raw(scratch.as_ptr().cast(), items.len()) }
    }

    fn flush(&mut self) -> Result<(), SpoutRefused> {
        self.c.flush_raw()
    }
}
