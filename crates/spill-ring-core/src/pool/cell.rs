//! [`WorkerCell`]: everything the pool and one worker share, and the
//! collection pass over a set of cells.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use spout::Spout;

use super::collector::Collector;
use super::signal::Signal;
use super::slot::Slot;

/// What one worker shares with the pool. Aligned to keep two workers' hot
/// fields off the same cache lines.
#[repr(align(128))]
pub(crate) struct WorkerCell<T, S: Spout<T>> {
    pub(crate) signal: Signal,
    pub(crate) slot: Slot<T, S>,
    /// The first panic of the current round: (round, message).
    panic: Mutex<Option<(u64, String)>>,
    /// How many items the overflow spout refused while the worker extended
    /// a pending batch.
    spout_failures: AtomicU64,
    /// Set by the pool when the worker's thread ended unexpectedly.
    gone: AtomicBool,
}

impl<T, S: Spout<T>> WorkerCell<T, S> {
    pub(crate) fn new() -> Self {
        WorkerCell {
            signal: Signal::new(),
            slot: Slot::new(),
            panic: Mutex::new(None),
            spout_failures: AtomicU64::new(0),
            gone: AtomicBool::new(false),
        }
    }

    /// Worker: records a panic caught in `round`.
    pub(crate) fn record_panic(&self, round: u64, payload: Box<dyn Any + Send>) {
        let message = if let Some(text) = payload.downcast_ref::<&str>() {
            (*text).to_string()
        } else if let Some(text) = payload.downcast_ref::<String>() {
            text.clone()
        } else {
            "non-string panic payload".to_string()
        };
        // A payload whose destructor panics must not end the worker.
        let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(payload)));
        let mut panic = self.panic.lock().unwrap_or_else(PoisonError::into_inner);
        if panic.is_none() {
            *panic = Some((round, message));
        }
    }

    /// Pool: the panic recorded since the last call, if any.
    pub(crate) fn take_panic(&self) -> Option<(u64, String)> {
        self.panic
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    pub(crate) fn add_spout_failures(&self, failures: u64) {
        if failures > 0 {
            self.spout_failures.fetch_add(failures, Ordering::Relaxed);
        }
    }

    pub(crate) fn spout_failures(&self) -> u64 {
        self.spout_failures.load(Ordering::Relaxed)
    }

    pub(crate) fn mark_gone(&self) {
        self.gone.store(true, Ordering::Release);
    }

    pub(crate) fn is_gone(&self) -> bool {
        self.gone.load(Ordering::Acquire)
    }
}

/// The highest round `r <= dispatched` such that every batch of a round up
/// to `r` from `cells` has been published: `dispatched` when every live
/// worker finished it, the round before otherwise. Read it *before* taking
/// the batches, so that the pass that follows sees all of them.
fn settled<'a, T: 'a, S: Spout<T> + 'a>(
    dispatched: u64,
    mut cells: impl Iterator<Item = &'a WorkerCell<T, S>>,
) -> u64 {
    if cells.all(|cell| cell.is_gone() || cell.signal.is_done(dispatched)) {
        dispatched
    } else {
        dispatched.saturating_sub(1)
    }
}

/// One collection pass over `cells` (worker id, cell): reads which rounds
/// are settled, takes every published batch into `collector`, then ends the
/// pass with [`Collector::finish`]. Returns how many items were delivered.
pub(crate) fn collect_pass<'a, T: 'a, S: Spout<T> + 'a, C: Collector<T>>(
    dispatched: u64,
    cells: impl Iterator<Item = (usize, &'a WorkerCell<T, S>)> + Clone,
    collector: &mut C,
) -> Result<usize, C::Error> {
    let settled = settled(dispatched, cells.clone().map(|(_, cell)| cell));
    let delivered = collect_cells(cells, collector)?;
    collector.finish(settled)?;
    Ok(delivered)
}

/// Takes every batch published in `cells` (worker id, cell) and delivers it
/// to `collector`, without waiting; returns how many items were delivered.
/// Stops at the first failure, leaving the rest published.
pub(crate) fn collect_cells<'a, T: 'a, S: Spout<T> + 'a, C: Collector<T>>(
    cells: impl Iterator<Item = (usize, &'a WorkerCell<T, S>)>,
    collector: &mut C,
) -> Result<usize, C::Error> {
    let mut total = 0;
    for (worker, cell) in cells {
        total += cell.slot.collect_into(worker, collector)?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DropSpout;

    #[test]
    fn keeps_the_first_panic_message() {
        let cell = WorkerCell::<u8, DropSpout>::new();
        cell.record_panic(3, Box::new("first"));
        cell.record_panic(3, Box::new(String::from("second")));
        assert_eq!(cell.take_panic(), Some((3, "first".to_string())));
        cell.record_panic(4, Box::new(42_u8));
        assert_eq!(
            cell.take_panic(),
            Some((4, "non-string panic payload".to_string()))
        );
        assert_eq!(cell.take_panic(), None);
    }

    #[test]
    fn a_round_is_settled_once_every_live_worker_finished_it() {
        let cells: Vec<WorkerCell<u8, DropSpout>> = (0..2).map(|_| WorkerCell::new()).collect();
        assert_eq!(settled(0, cells.iter()), 0);
        assert_eq!(settled(1, cells.iter()), 0);
        cells[0].signal.finish(1);
        assert_eq!(settled(1, cells.iter()), 0);
        cells[1].mark_gone();
        assert_eq!(settled(1, cells.iter()), 1);
    }
}
