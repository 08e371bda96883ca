//! Collectors from C (`spill_collector_FAM`): where the batches a pool's
//! workers publish go, unordered or in dispatch order (the core's
//! [`UnorderedCollector`] and [`SequencedCollector`]), through a C spout.

use std::cell::RefCell;

use spill_ring_core::{BatchInfo, Collector, SequencedCollector, UnorderedCollector};
use spout::Spout;

use super::work;
use crate::abi::entry;
use crate::abi::handle::{self, Opaque, Release};
use crate::abi::last_error::Error;
use crate::abi::lifecycle;
use crate::abi::ptr_args::{write_opt, Out};
use crate::abi::status::spill_status;
use crate::c_spout::{spill_spout, CSpout, SpoutRefused};

/// A C spout that receives whole batches: the collectors hand it items one
/// at a time ([`Spout::send_all`]), it gathers them and makes one C call
/// per batch. A refused batch is held (those items have already left the
/// pool) and offered again, first, by the next call: nothing is lost.
///
/// The gathering buffer grows to the largest batch and is then reused.
pub(crate) struct HoldingSpout<T> {
    c: CSpout,
    buf: Vec<T>,
    /// Whether `buf` holds a refused batch.
    held: bool,
}

// SAFETY: the C caller promised (spill_pool_FAM_merge's documentation) that
// a collector's spout may be called from the merger threads, one thread at
// a time per collector; the items are `Send`.
unsafe impl<T: Send> Send for HoldingSpout<T> {}

impl<T: Copy> HoldingSpout<T> {
    fn new(c: CSpout) -> Self {
        HoldingSpout {
            c,
            buf: Vec::new(),
            held: false,
        }
    }

    /// Offers the gathered batch to C; keeps it if refused.
    fn send_held(&mut self) -> Result<(), SpoutRefused> {
        let sent = self.c.send_slice(&self.buf);
        self.held = sent.is_err();
        if !self.held {
            self.buf.clear();
        }
        sent
    }

    /// How many refused items wait to be offered again.
    fn held(&self) -> usize {
        if self.held {
            self.buf.len()
        } else {
            0
        }
    }
}

impl<T: Copy> Spout<T> for HoldingSpout<T> {
    type Error = SpoutRefused;

    fn send(&mut self, item: T) -> Result<(), SpoutRefused> {
        self.send_all(Some(item))
    }

    fn send_all<I: IntoIterator<Item = T>>(&mut self, items: I) -> Result<(), SpoutRefused> {
        if self.held {
            // Items not pulled from `items` stay with the pool.
            self.send_held()?;
        }
        self.buf.extend(items);
        self.send_held()
    }

    fn send_slice(&mut self, items: &[T]) -> Result<(), SpoutRefused> {
        self.send_all(items.iter().copied())
    }

    fn flush(&mut self) -> Result<(), SpoutRefused> {
        if self.held {
            self.send_held()?;
        }
        self.c.flush_raw()
    }
}

/// A collector of either order, delivering through a [`HoldingSpout`].
pub(crate) enum CCollector<T: Copy> {
    Unordered(UnorderedCollector<HoldingSpout<T>>),
    Sequenced(SequencedCollector<T, HoldingSpout<T>>),
}

impl<T: Copy> CCollector<T> {
    fn spout(&self) -> &HoldingSpout<T> {
        match self {
            CCollector::Unordered(c) => c.inner(),
            CCollector::Sequenced(c) => c.inner(),
        }
    }

    /// Items the collector holds: batches waiting for their round
    /// (sequenced) and a refused batch.
    fn pending(&self) -> usize {
        let waiting = match self {
            CCollector::Unordered(_) => 0,
            CCollector::Sequenced(c) => c.pending(),
        };
        waiting + self.spout().held()
    }

    /// Sends everything held now (refused batch first, then waiting
    /// batches in order, settled or not), then flushes the spout.
    fn release_all(&mut self) -> Result<usize, SpoutRefused> {
        let held = self.spout().held();
        let sent = match self {
            CCollector::Unordered(c) => {
                c.inner_mut().flush()?;
                0
            }
            CCollector::Sequenced(c) => {
                // The held batch goes first (send_all offers it before
                // anything new), then the waiting ones in order.
                let sent = c.release()?;
                c.inner_mut().flush()?;
                sent
            }
        };
        Ok(held + sent)
    }
}

impl<T: Copy> Collector<T> for CCollector<T> {
    type Error = SpoutRefused;

    fn deliver<I: Iterator<Item = T>>(
        &mut self,
        batch: BatchInfo,
        items: I,
    ) -> Result<(), SpoutRefused> {
        match self {
            CCollector::Unordered(c) => c.deliver(batch, items),
            CCollector::Sequenced(c) => c.deliver(batch, items),
        }
    }

    fn finish(&mut self, settled: u64) -> Result<(), SpoutRefused> {
        match self {
            CCollector::Unordered(c) => c.finish(settled),
            CCollector::Sequenced(c) => c.finish(settled),
        }
    }
}

/// What a collector handle holds. The collector is in a `RefCell`: a
/// collection pass borrows it mutably while the handle is active, so no
/// other borrow can exist (re-entrant calls get `SPILL_BUSY`).
pub(crate) struct CollectorCell<T: Copy>(pub(crate) RefCell<CCollector<T>>);

impl<T: Copy> Release for CollectorCell<T> {
    fn release(&self) -> Result<(), Error> {
        self.0
            .borrow_mut()
            .release_all()
            .map(drop)
            .map_err(Error::from)
    }
}

/// `spill_collector_FAM_unordered` / `_sequenced`.
///
/// # Safety
///
/// `out` is NULL or a valid spout; `out_collector` is NULL or writable.
pub(crate) unsafe fn create<C, T>(
    out: *const spill_spout,
    sequenced: bool,
    out_collector: *mut *mut C,
) -> spill_status
where
    T: Copy,
    C: Opaque<Payload = CollectorCell<T>>,
{
    // SAFETY: the caller's contract on `out_collector`.
    let out_collector = unsafe { Out::required(out_collector, "out_collector") };
    entry::create(out_collector, || {
        work::not_in_work()?;
        // SAFETY: the caller's contract.
        let spout = HoldingSpout::new(unsafe { CSpout::required(out, "out")? });
        let collector = if sequenced {
            CCollector::Sequenced(SequencedCollector::new(spout))
        } else {
            CCollector::Unordered(UnorderedCollector::new(spout))
        };
        lifecycle::allocate::<C>(CollectorCell(RefCell::new(collector)))
    })
}

/// `spill_collector_FAM_pending`.
///
/// # Safety
///
/// `collector` is NULL or a live handle.
pub(crate) unsafe fn pending<C, T>(collector: *const C) -> usize
where
    T: Copy,
    C: Opaque<Payload = CollectorCell<T>>,
{
    entry::value(0, || {
        work::not_in_work()?;
        // SAFETY: the caller's contract.
        unsafe { handle::enter(collector, |c| Ok(c.0.borrow().pending())) }
    })
}

/// `spill_collector_FAM_release`.
///
/// # Safety
///
/// `collector` is NULL or a live handle; `out_sent` is NULL or writable.
pub(crate) unsafe fn release<C, T>(collector: *mut C, out_sent: *mut usize) -> spill_status
where
    T: Copy,
    C: Opaque<Payload = CollectorCell<T>>,
{
    entry::status(|| {
        work::not_in_work()?;
        // SAFETY: the caller's contract.
        let out = unsafe { Out::count(out_sent, "out_sent")? };
        // SAFETY: the caller's contract.
        let sent = unsafe { handle::enter(collector, |c| Ok(c.0.borrow_mut().release_all()?))? };
        write_opt(&out, sent);
        Ok(())
    })
}
