//! [`SequencedSpout`]: puts numbered batches back in order, with a bounded
//! reorder buffer.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

use crate::Spout;

/// Receives `(sequence number, batch)` pairs in any order and forwards the
/// batches to an inner spout strictly in sequence order, with no gap.
///
/// The spout expects the numbers `first, first + 1, first + 2, ...`, each
/// once ([`next_sequence`](SequencedSpout::next_sequence) is the one it waits
/// for). The batch it waits for is forwarded at once, followed by every
/// buffered batch that becomes next in turn; a batch that comes early waits
/// in a reorder buffer.
///
/// # Bounded buffering
///
/// The buffer has room for `capacity` batches, fixed at creation and
/// allocated once: a batch numbered `seq` is accepted only while
/// `seq - next_sequence() <= capacity`. Nothing is ever dropped silently;
/// [`send`](Spout::send) fails instead and hands the batch back:
///
/// - [`SequenceError::OutOfWindow`]: `seq` is more than `capacity` ahead of
///   the batch the spout waits for. Retry it once earlier batches have
///   arrived, or use a larger capacity.
/// - [`SequenceError::Stale`]: `seq` was already forwarded (or skipped).
/// - [`SequenceError::Duplicate`]: a batch with this `seq` is already
///   buffered.
/// - [`SequenceError::Inner`]: the inner spout refused a batch. The spout
///   has moved past that batch (it belongs to the inner spout from the call
///   on, see [`Spout`]); the batches behind it stay buffered and go out on
///   the next `send` or `flush`.
///
/// [`flush`](Spout::flush) forwards whatever is ready and flushes the inner
/// spout; it never jumps a gap. When a batch will never come (its producer
/// failed), [`skip_next`](SequencedSpout::skip_next) declares it lost so
/// that the batches behind it can go; [`into_parts`](SequencedSpout::into_parts)
/// gives back whatever is still buffered.
///
/// ```
/// use spout::{CollectSpout, SequenceError, SequencedSpout, Spout};
///
/// let mut ordered = SequencedSpout::new(2, CollectSpout::new());
/// ordered.send((1, "b")).unwrap(); // early: buffered
/// ordered.send((2, "c")).unwrap(); // early: buffered
/// assert!(ordered.inner().is_empty());
///
/// // 3 is more than 2 ahead of 0, the batch the spout waits for.
/// match ordered.send((3, "d")) {
///     Err(SequenceError::OutOfWindow { sequence: 3, next: 0, batch }) => assert_eq!(batch, "d"),
///     other => panic!("{other:?}"),
/// }
///
/// ordered.send((0, "a")).unwrap(); // releases 0, 1, 2
/// ordered.send((3, "d")).unwrap();
/// assert_eq!(ordered.inner().items(), &["a", "b", "c", "d"]);
/// ```
pub struct SequencedSpout<T, S> {
    /// `slots[seq % slots.len()]` holds the buffered batch numbered `seq`,
    /// for `seq` in `next..=next + capacity`: `capacity + 1` distinct slots.
    slots: Box<[Option<T>]>,
    next: u64,
    buffered: usize,
    inner: S,
}

impl<T, S: Spout<T>> SequencedSpout<T, S> {
    /// Creates a spout that expects batch 0 first and buffers up to
    /// `capacity` early batches.
    pub fn new(capacity: usize, inner: S) -> Self {
        Self::starting_at(0, capacity, inner)
    }

    /// Creates a spout that expects batch `first` first and buffers up to
    /// `capacity` early batches.
    ///
    /// # Panics
    ///
    /// If `capacity` is `usize::MAX` (the buffer could not be allocated).
    pub fn starting_at(first: u64, capacity: usize, inner: S) -> Self {
        let slot_count = capacity
            .checked_add(1)
            .expect("SequencedSpout: capacity too large");
        SequencedSpout {
            slots: (0..slot_count).map(|_| None).collect(),
            next: first,
            buffered: 0,
            inner,
        }
    }

    /// How many early batches the buffer can hold.
    pub fn capacity(&self) -> usize {
        self.slots.len() - 1
    }

    /// The sequence number of the batch the spout waits for.
    pub fn next_sequence(&self) -> u64 {
        self.next
    }

    /// How many batches wait in the buffer.
    pub fn buffered(&self) -> usize {
        self.buffered
    }

    /// The inner spout.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The inner spout, mutably.
    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Gives up on the batch numbered [`next_sequence`](Self::next_sequence)
    /// (its producer failed, say): moves past it and forwards the buffered
    /// batches that become ready. If that batch is in fact buffered (the
    /// inner spout refused an earlier one), it is forwarded, not skipped.
    pub fn skip_next(&mut self) -> Result<(), SequenceError<T, S::Error>> {
        if self.slots[self.slot(self.next)].is_none() {
            self.next += 1;
        }
        self.forward_ready()
    }

    /// Takes the spout apart: the inner spout and the buffered batches, in
    /// sequence order.
    pub fn into_parts(self) -> (S, Vec<(u64, T)>) {
        let SequencedSpout {
            slots, next, inner, ..
        } = self;
        let len = slots.len() as u64;
        let mut rest: Vec<(u64, T)> = Vec::with_capacity(slots.len());
        for (index, slot) in slots.into_vec().into_iter().enumerate() {
            if let Some(batch) = slot {
                // The window next..=next + capacity holds every buffered
                // number, and each slot index occurs in it exactly once.
                let offset = (index as u64 + len - next % len) % len;
                rest.push((next + offset, batch));
            }
        }
        rest.sort_unstable_by_key(|&(seq, _)| seq);
        (inner, rest)
    }

    #[inline]
    fn slot(&self, seq: u64) -> usize {
        // The remainder is below `slots.len()`, a `usize`.
        (seq % self.slots.len() as u64) as usize
    }

    /// Forwards buffered batches while the next one is present.
    fn forward_ready(&mut self) -> Result<(), SequenceError<T, S::Error>> {
        loop {
            let index = self.slot(self.next);
            let Some(batch) = self.slots[index].take() else {
                return Ok(());
            };
            self.buffered -= 1;
            self.next += 1;
            self.inner.send(batch).map_err(SequenceError::Inner)?;
        }
    }
}

impl<T, S: Spout<T>> Spout<(u64, T)> for SequencedSpout<T, S> {
    type Error = SequenceError<T, S::Error>;

    fn send(&mut self, (sequence, batch): (u64, T)) -> Result<(), Self::Error> {
        let next = self.next;
        if sequence < next {
            return Err(SequenceError::Stale {
                sequence,
                next,
                batch,
            });
        }
        if sequence - next > self.capacity() as u64 {
            return Err(SequenceError::OutOfWindow {
                sequence,
                next,
                batch,
            });
        }
        let index = self.slot(sequence);
        if self.slots[index].is_some() {
            return Err(SequenceError::Duplicate { sequence, batch });
        }
        if sequence == next {
            self.next += 1;
            self.inner.send(batch).map_err(SequenceError::Inner)?;
        } else {
            self.slots[index] = Some(batch);
            self.buffered += 1;
        }
        self.forward_ready()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.forward_ready()?;
        self.inner.flush().map_err(SequenceError::Inner)
    }
}

impl<T, S: fmt::Debug> fmt::Debug for SequencedSpout<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SequencedSpout")
            .field("next_sequence", &self.next)
            .field("buffered", &self.buffered)
            .field("capacity", &(self.slots.len() - 1))
            .field("inner", &self.inner)
            .finish()
    }
}

/// Why a [`SequencedSpout`] did not take a batch. Every variant but `Inner`
/// hands the batch back.
pub enum SequenceError<T, E> {
    /// The batch is more than the buffer's capacity ahead of the one the
    /// spout waits for.
    OutOfWindow {
        /// The batch's sequence number.
        sequence: u64,
        /// The sequence number the spout waits for.
        next: u64,
        /// The batch, handed back.
        batch: T,
    },
    /// A batch with this number was already forwarded or skipped.
    Stale {
        /// The batch's sequence number.
        sequence: u64,
        /// The sequence number the spout waits for.
        next: u64,
        /// The batch, handed back.
        batch: T,
    },
    /// A batch with this number is already buffered.
    Duplicate {
        /// The batch's sequence number.
        sequence: u64,
        /// The batch, handed back.
        batch: T,
    },
    /// The inner spout failed.
    Inner(E),
}

impl<T, E> SequenceError<T, E> {
    /// The batch handed back, if the error carries one.
    pub fn into_batch(self) -> Option<T> {
        match self {
            SequenceError::OutOfWindow { batch, .. }
            | SequenceError::Stale { batch, .. }
            | SequenceError::Duplicate { batch, .. } => Some(batch),
            SequenceError::Inner(_) => None,
        }
    }
}

impl<T, E: fmt::Debug> fmt::Debug for SequenceError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SequenceError::OutOfWindow { sequence, next, .. } => f
                .debug_struct("OutOfWindow")
                .field("sequence", sequence)
                .field("next", next)
                .finish_non_exhaustive(),
            SequenceError::Stale { sequence, next, .. } => f
                .debug_struct("Stale")
                .field("sequence", sequence)
                .field("next", next)
                .finish_non_exhaustive(),
            SequenceError::Duplicate { sequence, .. } => f
                .debug_struct("Duplicate")
                .field("sequence", sequence)
                .finish_non_exhaustive(),
            SequenceError::Inner(e) => f.debug_tuple("Inner").field(e).finish(),
        }
    }
}

impl<T, E: fmt::Display> fmt::Display for SequenceError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SequenceError::OutOfWindow { sequence, next, .. } => write!(
                f,
                "batch {sequence} is too far ahead of batch {next}: the reorder buffer is full"
            ),
            SequenceError::Stale { sequence, next, .. } => write!(
                f,
                "batch {sequence} was already forwarded (waiting for batch {next})"
            ),
            SequenceError::Duplicate { sequence, .. } => {
                write!(f, "batch {sequence} is already buffered")
            }
            SequenceError::Inner(e) => write!(f, "inner spout failed: {e}"),
        }
    }
}

impl<T, E: core::error::Error + 'static> core::error::Error for SequenceError<T, E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            SequenceError::Inner(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;
    use alloc::vec;
    use alloc::vec::Vec;

    use super::*;
    use crate::test_support::{Limited, Refused};
    use crate::CollectSpout;

    #[test]
    fn in_order_batches_pass_straight_through() {
        let mut spout = SequencedSpout::new(0, CollectSpout::new());
        for seq in 0..5u64 {
            spout.send((seq, seq * 10)).unwrap();
        }
        assert_eq!(spout.inner().items(), &[0, 10, 20, 30, 40]);
        assert_eq!(spout.next_sequence(), 5);
    }

    #[test]
    fn any_permutation_within_the_window_comes_out_in_order() {
        let order = [3u64, 1, 4, 0, 2, 7, 5, 6, 9, 8];
        let mut spout = SequencedSpout::new(4, CollectSpout::new());
        for seq in order {
            spout.send((seq, seq)).unwrap();
            assert!(spout.buffered() <= 4);
        }
        assert_eq!(
            spout.inner().items(),
            (0..10).collect::<Vec<_>>().as_slice()
        );
        assert_eq!(spout.buffered(), 0);
    }

    #[test]
    fn starting_at_sets_the_first_number() {
        let mut spout = SequencedSpout::starting_at(100, 1, CollectSpout::new());
        spout.send((101, 'b')).unwrap();
        spout.send((100, 'a')).unwrap();
        assert_eq!(spout.inner().items(), &['a', 'b']);
    }

    #[test]
    fn exceeding_the_bound_is_an_error_that_returns_the_batch() {
        let mut spout = SequencedSpout::new(2, CollectSpout::new());
        spout.send((2, "c")).unwrap();
        let err = spout.send((3, "d")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "batch 3 is too far ahead of batch 0: the reorder buffer is full"
        );
        assert!(matches!(
            err,
            SequenceError::OutOfWindow {
                sequence: 3,
                next: 0,
                ..
            }
        ));
        assert_eq!(err.into_batch(), Some("d"));
        assert_eq!(spout.buffered(), 1);
        // Once the window moves on, the same batch is accepted.
        spout.send((0, "a")).unwrap();
        spout.send((3, "d")).unwrap();
        spout.send((1, "b")).unwrap();
        assert_eq!(spout.inner().items(), &["a", "b", "c", "d"]);
    }

    #[test]
    fn stale_and_duplicate_numbers_are_refused() {
        let mut spout = SequencedSpout::new(3, CollectSpout::new());
        spout.send((0, 'a')).unwrap();
        spout.send((2, 'c')).unwrap();
        let stale = spout.send((0, 'x')).unwrap_err();
        assert!(matches!(
            stale,
            SequenceError::Stale {
                sequence: 0,
                next: 1,
                batch: 'x'
            }
        ));
        let dup = spout.send((2, 'y')).unwrap_err();
        assert!(matches!(
            dup,
            SequenceError::Duplicate {
                sequence: 2,
                batch: 'y'
            }
        ));
        assert_eq!(dup.to_string(), "batch 2 is already buffered");
        assert_eq!(spout.inner().items(), &['a']);
    }

    #[test]
    fn flush_never_jumps_a_gap() {
        let mut spout = SequencedSpout::new(4, Limited::new(usize::MAX));
        spout.send((1, 1)).unwrap();
        spout.send((3, 3)).unwrap();
        spout.flush().unwrap();
        assert!(spout.inner().items.is_empty());
        assert_eq!(spout.inner().flushes, 1);
        assert_eq!(spout.buffered(), 2);
    }

    #[test]
    fn skip_next_releases_what_waits_behind_a_lost_batch() {
        let mut spout = SequencedSpout::new(4, CollectSpout::new());
        spout.send((1, 1)).unwrap();
        spout.send((2, 2)).unwrap();
        spout.send((4, 4)).unwrap();
        spout.skip_next().unwrap(); // batch 0 is lost
        assert_eq!(spout.inner().items(), &[1, 2]);
        assert_eq!(spout.next_sequence(), 3);
        spout.skip_next().unwrap(); // and batch 3
        assert_eq!(spout.inner().items(), &[1, 2, 4]);
        assert!(matches!(
            spout.send((0, 0)),
            Err(SequenceError::Stale {
                sequence: 0,
                next: 5,
                ..
            })
        ));
    }

    #[test]
    fn inner_errors_keep_the_rest_buffered_until_the_next_call() {
        let mut spout = SequencedSpout::new(4, Limited::new(1));
        spout.send((1, 'b')).unwrap();
        spout.send((2, 'c')).unwrap();
        // 'a' is taken, 'b' is refused, 'c' stays buffered.
        assert!(matches!(
            spout.send((0, 'a')),
            Err(SequenceError::Inner(Refused))
        ));
        assert_eq!(spout.next_sequence(), 2);
        assert_eq!(spout.buffered(), 1);
        // A buffered batch is never skipped.
        spout.inner_mut().limit = 10;
        spout.skip_next().unwrap();
        assert_eq!(spout.inner().items, vec!['a', 'c']);
        assert_eq!(spout.next_sequence(), 3);
    }

    #[test]
    fn a_refused_batch_does_not_block_the_window() {
        // After a refusal the batch `next` may be buffered while `next +
        // capacity` arrives: the two must not share a slot.
        let mut spout = SequencedSpout::new(2, Limited::new(0));
        spout.send((1, 1)).unwrap();
        assert!(matches!(
            spout.send((0, 0)),
            Err(SequenceError::Inner(Refused))
        ));
        assert_eq!(spout.next_sequence(), 1);
        spout.inner_mut().limit = 10;
        // 3 = next + capacity is accepted beside the buffered 1, which goes.
        spout.send((3, 3)).unwrap();
        assert_eq!(spout.inner().items, vec![1]);
        spout.send((2, 2)).unwrap();
        assert_eq!(spout.inner().items, vec![1, 2, 3]);
    }

    #[test]
    fn flush_reports_inner_flush_errors() {
        let mut inner = Limited::<u8>::new(10);
        inner.fail_flush = true;
        let mut spout = SequencedSpout::new(1, inner);
        assert!(matches!(spout.flush(), Err(SequenceError::Inner(Refused))));
    }

    #[test]
    fn into_parts_returns_buffered_batches_in_order() {
        let mut spout = SequencedSpout::starting_at(6, 5, CollectSpout::new());
        for seq in [11u64, 8, 10, 7] {
            spout.send((seq, seq)).unwrap();
        }
        let (inner, rest) = spout.into_parts();
        assert!(inner.is_empty());
        assert_eq!(rest, vec![(7, 7), (8, 8), (10, 10), (11, 11)]);
    }

    #[cfg(feature = "std")]
    #[test]
    fn inner_error_is_the_source() {
        use std::error::Error as _;
        let err: SequenceError<u8, Refused> = SequenceError::Inner(Refused);
        assert_eq!(err.source().unwrap().to_string(), "refused");
        assert_eq!(err.to_string(), "inner spout failed: refused");
    }
}
