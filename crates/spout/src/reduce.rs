//! [`ReduceSpout`]: folds items into one value that goes to an inner spout.

use core::fmt;
use core::mem::{self, ManuallyDrop};
use core::ptr;

use crate::Spout;

/// Folds the items it receives into an accumulator and sends the accumulated
/// value to an inner spout once per *window*.
///
/// A window starts with a fresh accumulator from `init()`; every item is
/// folded in with `fold(&mut acc, item)`. A window ends, and its value goes
/// to the inner spout, when:
///
/// - [`flush`](Spout::flush) is called (then the inner spout is flushed
///   too), or
/// - it holds `n` items, if [`emit_every(n)`](ReduceSpout::emit_every) was
///   set: sums, counts or maxima per `n` items.
///
/// A window without items emits nothing, so a flush after an emission sends
/// no empty value. Dropping a `ReduceSpout` flushes it like `flush`,
/// ignoring errors (call `flush` before to see them; a drop does not call an
/// inner spout that panicked). If the inner spout refuses a value, its error
/// is returned, the value belongs to the inner spout (see [`Spout`]) and a
/// new window starts.
///
/// ```
/// use spout::{CollectSpout, ReduceSpout, Spout};
///
/// // Sum of every 3 items; the flush emits the sum of the rest.
/// let mut sums = ReduceSpout::new(|| 0u64, |acc: &mut u64, x: u64| *acc += x, CollectSpout::new())
///     .emit_every(3);
/// sums.send_all(1..=7).unwrap();
/// assert_eq!(sums.inner().items(), &[6, 15]);
/// sums.flush().unwrap();
/// assert_eq!(sums.inner().items(), &[6, 15, 7]);
/// ```
pub struct ReduceSpout<A, I, F, S>
where
    I: FnMut() -> A,
    S: Spout<A>,
{
    acc: A,
    /// Items folded into `acc` since the window started.
    folded: usize,
    /// Window length; 0 means the window ends only on flush.
    every: usize,
    init: I,
    fold: F,
    inner: S,
    /// Set while `init` or the inner spout runs: a drop that sees it set is
    /// unwinding from a panic of one of them and must not call them again.
    in_inner: bool,
}

impl<A, I, F, S> ReduceSpout<A, I, F, S>
where
    I: FnMut() -> A,
    S: Spout<A>,
{
    /// Creates a spout that folds items with `fold` into an accumulator that
    /// `init` creates, and emits it to `inner` on flush.
    pub fn new(mut init: I, fold: F, inner: S) -> Self {
        ReduceSpout {
            acc: init(),
            folded: 0,
            every: 0,
            init,
            fold,
            inner,
            in_inner: false,
        }
    }

    /// Also emits the accumulated value after every `n` items.
    ///
    /// # Panics
    ///
    /// If `n` is 0.
    #[must_use]
    pub fn emit_every(mut self, n: usize) -> Self {
        assert!(n > 0, "ReduceSpout: emit_every needs at least 1 item");
        self.every = n;
        self
    }

    /// The value accumulated in the current window.
    pub fn accumulator(&self) -> &A {
        &self.acc
    }

    /// How many items the current window holds.
    pub fn window_len(&self) -> usize {
        self.folded
    }

    /// The inner spout.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The inner spout, mutably.
    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Takes the spout apart without emitting: the inner spout and the value
    /// accumulated in the current window.
    pub fn into_parts(self) -> (S, A) {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped or used again. `inner` and `acc`
        // are moved out exactly once; `init` and `fold` are dropped in place
        // exactly once and not touched after; the other fields are `Copy`.
        unsafe {
            ptr::drop_in_place(&mut this.init);
            ptr::drop_in_place(&mut this.fold);
            (ptr::read(&this.inner), ptr::read(&this.acc))
        }
    }

    /// Ends the window: sends its value, if it has items, and starts anew.
    fn emit(&mut self) -> Result<(), S::Error> {
        if self.folded == 0 {
            return Ok(());
        }
        self.in_inner = true;
        let value = mem::replace(&mut self.acc, (self.init)());
        self.folded = 0;
        let result = self.inner.send(value);
        self.in_inner = false;
        result
    }

    /// Emits the current window, then flushes the inner spout.
    fn flush_all(&mut self) -> Result<(), S::Error> {
        self.emit()?;
        self.in_inner = true;
        let result = self.inner.flush();
        self.in_inner = false;
        result
    }
}

impl<T, A, I, F, S> Spout<T> for ReduceSpout<A, I, F, S>
where
    I: FnMut() -> A,
    F: FnMut(&mut A, T),
    S: Spout<A>,
{
    type Error = S::Error;

    #[inline]
    fn send(&mut self, item: T) -> Result<(), S::Error> {
        (self.fold)(&mut self.acc, item);
        self.folded += 1;
        if self.folded == self.every {
            self.emit()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), S::Error> {
        self.flush_all()
    }
}

impl<A, I, F, S> Drop for ReduceSpout<A, I, F, S>
where
    I: FnMut() -> A,
    S: Spout<A>,
{
    fn drop(&mut self) {
        if !self.in_inner {
            // Errors cannot be reported from a drop; `flush` reports them.
            let _ = self.flush_all();
        }
    }
}

impl<A: fmt::Debug, I, F, S: fmt::Debug> fmt::Debug for ReduceSpout<A, I, F, S>
where
    I: FnMut() -> A,
    S: Spout<A>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReduceSpout")
            .field("accumulator", &self.acc)
            .field("window_len", &self.folded)
            .field("every", &self.every)
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;
    use alloc::vec::Vec;

    use super::*;
    use crate::test_support::{Limited, Refused};
    use crate::CollectSpout;

    type MaxSpout<S> = ReduceSpout<Option<i32>, fn() -> Option<i32>, fn(&mut Option<i32>, i32), S>;

    fn keep_max(acc: &mut Option<i32>, x: i32) {
        *acc = Some(acc.map_or(x, |m| m.max(x)));
    }

    /// Emits the largest item of each window.
    fn max_spout<S: Spout<Option<i32>>>(inner: S) -> MaxSpout<S> {
        ReduceSpout::new(|| None, keep_max as fn(&mut Option<i32>, i32), inner)
    }

    #[test]
    fn emits_only_on_flush_by_default() {
        let mut spout = max_spout(CollectSpout::new());
        spout.send_all([3, 9, -2]).unwrap();
        assert!(spout.inner().is_empty());
        assert_eq!(spout.accumulator(), &Some(9));
        assert_eq!(spout.window_len(), 3);
        spout.flush().unwrap();
        assert_eq!(spout.inner().items(), &[Some(9)]);
        assert_eq!(spout.accumulator(), &None);
    }

    #[test]
    fn empty_windows_emit_nothing() {
        let mut spout = max_spout(Limited::new(usize::MAX));
        spout.flush().unwrap();
        spout.send(1).unwrap();
        spout.flush().unwrap();
        spout.flush().unwrap();
        assert_eq!(spout.inner().items, vec![Some(1)]);
        assert_eq!(spout.inner().flushes, 3);
    }

    #[test]
    fn emit_every_ends_windows_by_count() {
        let mut counts = ReduceSpout::new(
            Vec::new,
            |acc: &mut Vec<char>, c: char| acc.push(c),
            CollectSpout::new(),
        )
        .emit_every(2);
        counts.send_all("abcde".chars()).unwrap();
        assert_eq!(counts.inner().items(), &[vec!['a', 'b'], vec!['c', 'd']]);
        counts.flush().unwrap();
        assert_eq!(counts.inner().items()[2], vec!['e']);
    }

    #[test]
    fn drop_emits_the_open_window() {
        let mut out = CollectSpout::new();
        {
            let mut spout = max_spout(&mut out);
            spout.send(4).unwrap();
        }
        assert_eq!(out.items(), &[Some(4)]);
    }

    #[test]
    fn into_parts_returns_the_open_window_unsent() {
        let mut spout = max_spout(CollectSpout::new());
        spout.send(5).unwrap();
        let (inner, acc) = spout.into_parts();
        assert!(inner.is_empty());
        assert_eq!(acc, Some(5));
    }

    #[test]
    fn inner_errors_are_reported_and_a_new_window_starts() {
        let mut spout = max_spout(Limited::new(0)).emit_every(2);
        spout.send(1).unwrap();
        assert_eq!(spout.send(2), Err(Refused));
        assert_eq!(spout.window_len(), 0);
        assert_eq!(spout.accumulator(), &None);
        spout.send(3).unwrap();
        assert_eq!(spout.flush(), Err(Refused));
        assert_eq!(spout.window_len(), 0);
    }

    #[test]
    #[should_panic(expected = "emit_every needs at least 1 item")]
    fn emit_every_zero_panics() {
        let _ = max_spout(CollectSpout::new()).emit_every(0);
    }
}
