//! How a drain hands a concurrent MPSC's elements to a C spout: copied, in
//! the order the fair pass takes them, into a staging buffer of one page
//! (aligned to SPILL_RING_ALIGN, so a batch is aligned as an array of the
//! element type), sent as one batch whenever it is full and once at the
//! end. The elements have left the lanes when they are staged: a batch the
//! spout refuses is lost, and the drain says how many.

use crate::abi::last_error::Error;
use crate::abi::limits::SPILL_RING_MAX_ELEM_SIZE;
use crate::abi::status::spill_status;
use crate::c_spout::{CSpout, SpoutRefused};

/// A page of staged elements.
#[repr(C, align(64))]
struct Page([u8; SPILL_RING_MAX_ELEM_SIZE]);

const _: () = assert!(core::mem::align_of::<Page>() == crate::abi::limits::SPILL_RING_ALIGN);

/// Stages elements and sends them in batches.
pub(crate) struct Batcher<'a> {
    dst: &'a mut CSpout,
    page: Page,
    elem_size: usize,
    /// Bytes staged.
    staged: usize,
    /// Elements the spout took.
    pub(crate) sent: usize,
    /// Elements in refused batches.
    refused: usize,
    first: Option<SpoutRefused>,
}

impl<'a> Batcher<'a> {
    /// A batcher for elements of `elem_size` bytes (at most a page).
    pub(crate) fn new(dst: &'a mut CSpout, elem_size: usize) -> Self {
        assert!(elem_size > 0 && elem_size <= SPILL_RING_MAX_ELEM_SIZE);
        Batcher {
            dst,
            page: Page([0; SPILL_RING_MAX_ELEM_SIZE]),
            elem_size,
            staged: 0,
            sent: 0,
            refused: 0,
            first: None,
        }
    }

    /// Stages one element, sending the page first when it is full.
    #[inline]
    pub(crate) fn stage(&mut self, item: &[u8]) {
        if self.staged + self.elem_size > self.page.0.len() {
            self.send();
        }
        self.page.0[self.staged..self.staged + self.elem_size].copy_from_slice(item);
        self.staged += self.elem_size;
    }

    /// Sends what is staged as one batch.
    fn send(&mut self) {
        let count = self.staged / self.elem_size;
        self.staged = 0;
        if count == 0 {
            return;
        }
        // SAFETY: the page holds `count` whole elements, packed.
        match unsafe { self.dst.send_raw(self.page.0.as_ptr().cast(), count) } {
            Ok(()) => self.sent += count,
            Err(refused) => {
                self.refused += count;
                self.first.get_or_insert(refused);
            }
        }
    }

    /// Sends the rest; the first refusal, if any.
    pub(crate) fn finish(&mut self) -> Result<(), Error> {
        self.send();
        match self.first {
            None => Ok(()),
            Some(first) => Err(Error::new(
                spill_status::SPILL_SPOUT_FAILED,
                format!(
                    "{first}; {} drained item(s) were refused and are lost \
                     (they had left the lanes); {} were sent",
                    self.refused, self.sent
                ),
            )),
        }
    }
}
