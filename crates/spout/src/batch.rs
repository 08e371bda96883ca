//! [`BatchSpout`]: groups items into fixed-size batches for an inner spout.

use alloc::vec::Vec;
use core::mem::{self, ManuallyDrop};
use core::ptr;

use crate::Spout;

/// Groups items into `Vec<T>` batches of `batch_size` items and sends each
/// full batch to an inner `Spout<Vec<T>>`.
///
/// - The batch being filled is allocated with room for exactly `batch_size`
///   items, so filling it never reallocates. A full batch is moved to the
///   inner spout as it is (no copy) and the next buffer is allocated in its
///   place: one allocation per batch, none per item.
/// - [`flush`](Spout::flush) sends the partial batch, if any, then flushes
///   the inner spout. A flush with nothing pending allocates nothing.
/// - [`send_all`](Spout::send_all) and [`send_slice`](Spout::send_slice)
///   fill the batch a run at a time (`extend` / a copy for `Copy` items)
///   instead of item by item.
/// - Dropping a `BatchSpout` flushes it like [`flush`](Spout::flush) and
///   ignores errors (as `std::io::BufWriter` does); call `flush` before to see
///   them, or [`into_parts`](BatchSpout::into_parts) to take the pending items
///   back unsent. If the inner spout panicked, the drop does not call it
///   again.
///
/// If the inner spout refuses a batch, its error is returned; the batch
/// belongs to the inner spout from the call on (see [`Spout`]), and the next
/// item starts a new batch.
///
/// ```
/// use spout::{BatchSpout, CollectSpout, Spout};
///
/// let mut spout = BatchSpout::new(3, CollectSpout::new());
/// for i in 0..7 {
///     spout.send(i).unwrap();
/// }
/// assert_eq!(spout.inner().items(), &[vec![0, 1, 2], vec![3, 4, 5]]);
/// assert_eq!(spout.pending(), &[6]);
///
/// spout.flush().unwrap(); // the partial batch goes too
/// assert_eq!(spout.inner().items().last(), Some(&vec![6]));
/// ```
pub struct BatchSpout<T, S: Spout<Vec<T>>> {
    batch: Vec<T>,
    batch_size: usize,
    inner: S,
    /// Set while the inner spout runs: a drop that sees it set is unwinding
    /// from a panic of the inner spout and must not call it again.
    in_inner: bool,
}

impl<T, S: Spout<Vec<T>>> BatchSpout<T, S> {
    /// Creates a spout that sends batches of `batch_size` items to `inner`.
    ///
    /// # Panics
    ///
    /// If `batch_size` is 0.
    pub fn new(batch_size: usize, inner: S) -> Self {
        assert!(batch_size > 0, "BatchSpout: batch_size must be at least 1");
        BatchSpout {
            batch: Vec::with_capacity(batch_size),
            batch_size,
            inner,
            in_inner: false,
        }
    }

    /// How many items make a full batch.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// The items of the batch being filled, oldest first.
    pub fn pending(&self) -> &[T] {
        &self.batch
    }

    /// The inner spout.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The inner spout, mutably.
    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Takes the spout apart without sending anything: the inner spout and
    /// the items of the partial batch.
    pub fn into_parts(self) -> (S, Vec<T>) {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped or used again, so each field read
        // here is moved out exactly once; the fields not read (`batch_size`,
        // `in_inner`) are `Copy` and need no drop.
        unsafe { (ptr::read(&this.inner), ptr::read(&this.batch)) }
    }

    /// Sends the batch being filled (full or not) to the inner spout.
    fn send_batch(&mut self) -> Result<(), S::Error> {
        let batch = mem::replace(&mut self.batch, Vec::with_capacity(self.batch_size));
        self.in_inner = true;
        let result = self.inner.send(batch);
        self.in_inner = false;
        result
    }

    /// Sends the partial batch, if any, then flushes the inner spout.
    fn flush_all(&mut self) -> Result<(), S::Error> {
        if !self.batch.is_empty() {
            self.send_batch()?;
        }
        self.in_inner = true;
        let result = self.inner.flush();
        self.in_inner = false;
        result
    }
}

impl<T, S: Spout<Vec<T>>> Spout<T> for BatchSpout<T, S> {
    type Error = S::Error;

    #[inline]
    fn send(&mut self, item: T) -> Result<(), S::Error> {
        self.batch.push(item);
        if self.batch.len() == self.batch_size {
            self.send_batch()?;
        }
        Ok(())
    }

    fn send_all<I>(&mut self, items: I) -> Result<(), S::Error>
    where
        I: IntoIterator<Item = T>,
    {
        let mut items = items.into_iter();
        loop {
            let room = self.batch_size - self.batch.len();
            self.batch.extend(items.by_ref().take(room));
            if self.batch.len() < self.batch_size {
                return Ok(());
            }
            self.send_batch()?;
        }
    }

    fn send_slice(&mut self, items: &[T]) -> Result<(), S::Error>
    where
        T: Clone,
    {
        self.send_all(items.iter().cloned())
    }

    fn flush(&mut self) -> Result<(), S::Error> {
        self.flush_all()
    }
}

impl<T, S: Spout<Vec<T>>> Drop for BatchSpout<T, S> {
    fn drop(&mut self) {
        if !self.in_inner {
            // Errors cannot be reported from a drop; `flush` reports them.
            let _ = self.flush_all();
        }
    }
}

impl<T: core::fmt::Debug, S: Spout<Vec<T>> + core::fmt::Debug> core::fmt::Debug
    for BatchSpout<T, S>
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BatchSpout")
            .field("batch_size", &self.batch_size)
            .field("pending", &self.batch)
            .field("inner", &self.inner)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;
    use alloc::vec::Vec;

    use super::*;
    use crate::test_support::{Limited, Refused};
    use crate::CollectSpout;

    #[test]
    fn full_batches_go_out_as_they_fill() {
        let mut spout = BatchSpout::new(2, CollectSpout::new());
        spout.send(1).unwrap();
        assert!(spout.inner().is_empty());
        spout.send(2).unwrap();
        spout.send(3).unwrap();
        assert_eq!(spout.inner().items(), &[vec![1, 2]]);
        assert_eq!(spout.pending(), &[3]);
    }

    #[test]
    fn batches_are_preallocated_to_the_batch_size() {
        let mut spout = BatchSpout::new(4, CollectSpout::new());
        assert_eq!(spout.pending().len(), 0);
        spout.send_all(0..4).unwrap();
        assert_eq!(spout.inner().items()[0].capacity(), 4);
        assert_eq!(spout.batch.capacity(), 4);
    }

    #[test]
    fn send_all_and_send_slice_split_runs_across_batches() {
        let mut spout = BatchSpout::new(3, CollectSpout::new());
        spout.send(0).unwrap();
        spout.send_all(1..8).unwrap();
        spout.send_slice(&[8, 9, 10, 11]).unwrap();
        assert_eq!(
            spout.inner().items(),
            &[vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8], vec![9, 10, 11]]
        );
        assert!(spout.pending().is_empty());
        spout.send_slice(&[]).unwrap();
        assert_eq!(spout.inner().len(), 4);
    }

    #[test]
    fn flush_sends_the_partial_batch_then_flushes_inner() {
        let mut spout = BatchSpout::new(4, Limited::new(usize::MAX));
        spout.send_all([1, 2, 3, 4, 5]).unwrap();
        spout.flush().unwrap();
        assert_eq!(spout.inner().items, vec![vec![1, 2, 3, 4], vec![5]]);
        assert_eq!(spout.inner().flushes, 1);
        // Nothing pending: only the inner flush, no empty batch.
        spout.flush().unwrap();
        assert_eq!(spout.inner().items.len(), 2);
        assert_eq!(spout.inner().flushes, 2);
    }

    #[test]
    fn drop_flushes_pending_items() {
        let mut out = CollectSpout::new();
        {
            let mut spout = BatchSpout::new(10, &mut out);
            spout.send_all(0..3).unwrap();
        }
        assert_eq!(out.items(), &[vec![0, 1, 2]]);
    }

    #[test]
    fn into_parts_returns_pending_items_unsent() {
        let mut spout = BatchSpout::new(3, CollectSpout::new());
        spout.send_all(0..4).unwrap();
        let (inner, pending) = spout.into_parts();
        assert_eq!(inner.items(), &[vec![0, 1, 2]]);
        assert_eq!(pending, vec![3]);
    }

    #[test]
    fn inner_errors_are_reported_and_the_next_batch_starts_clean() {
        let mut spout = BatchSpout::new(2, Limited::new(1));
        spout.send_all(0..2).unwrap();
        assert_eq!(spout.send_all(2..5), Err(Refused));
        // The refused batch [2, 3] belonged to the inner spout; the send
        // stopped there, before taking 4.
        assert!(spout.pending().is_empty());
        spout.send(4).unwrap();
        assert_eq!(spout.pending(), &[4]);
        assert_eq!(spout.inner().items, vec![vec![0, 1]]);
        assert_eq!(spout.flush(), Err(Refused));
        assert!(spout.pending().is_empty());
    }

    #[test]
    fn flush_error_of_inner_is_reported() {
        let mut inner = Limited::<Vec<u8>>::new(usize::MAX);
        inner.fail_flush = true;
        let mut spout = BatchSpout::new(2, inner);
        spout.send(1).unwrap();
        assert_eq!(spout.flush(), Err(Refused));
        assert_eq!(spout.inner().items, vec![vec![1]]);
    }

    #[test]
    #[should_panic(expected = "batch_size must be at least 1")]
    fn zero_batch_size_panics() {
        let _ = BatchSpout::new(0, CollectSpout::<Vec<u8>>::new());
    }

    #[cfg(feature = "std")]
    #[test]
    fn a_panicking_inner_spout_is_not_called_again_on_drop() {
        use std::panic::{catch_unwind, AssertUnwindSafe};

        let calls = core::cell::Cell::new(0);
        let inner = crate::FnSpout::new(|_batch: Vec<u8>| {
            calls.set(calls.get() + 1);
            panic!("inner spout failed");
        });
        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut spout = BatchSpout::new(1, inner);
            spout.send(7).unwrap();
        }));
        assert!(result.is_err());
        assert_eq!(calls.get(), 1);
    }
}
