//! [`SequencedCollector`]: batches out in dispatch order, across rounds.

use core::cmp::Reverse;
use std::collections::VecDeque;

use spout::Spout;

use super::collector::{BatchInfo, Collector};

/// A batch waiting for its round to settle.
struct Waiting<T> {
    round: u64,
    worker: usize,
    /// Arrival order, to keep two batches with the same label in order.
    arrival: u64,
    items: VecDeque<T>,
}

/// Forwards batches to a spout in dispatch order: every batch of round 1,
/// worker by worker, then every batch of round 2, and so on, however the
/// workers' finishing times and the collection passes interleave.
///
/// A batch waits in the collector until its round is *settled* (every
/// worker's batch of that round has been delivered; the pass says so
/// through [`Collector::finish`]); then the settled batches go out, ordered
/// by round, then worker id. A batch carries the round that published it:
/// when the consumer fell a round behind and a worker folded its old batch
/// into a new one, those items come out with the new round.
///
/// Waiting batches are kept in buffers that are reused, so a steady stream
/// of rounds stops allocating once the buffers have grown. Dropping the
/// collector (or [`into_inner`](Self::into_inner)) sends whatever still
/// waits, in order, to the spout: nothing is dropped.
///
/// ```
/// use spill_ring_core::{CollectSpout, MpscRing, SequencedCollector};
///
/// let mut pool = MpscRing::<u64, 64>::pool(3).spawn(|ring, worker_id, round: &u64| {
///     ring.push(round * 10 + worker_id as u64);
/// });
/// let mut out = CollectSpout::new();
/// pool.with_fan_in(SequencedCollector::new(&mut out), |fan_in| {
///     for round in 1..=3 {
///         fan_in.dispatch(&round);
///         fan_in.join().unwrap();
///         fan_in.collect().unwrap();
///     }
/// });
/// assert_eq!(out.items(), &[10, 11, 12, 20, 21, 22, 30, 31, 32]);
/// ```
pub struct SequencedCollector<T, S: Spout<T>> {
    /// Always `Some` but inside `into_inner`.
    out: Option<S>,
    waiting: Vec<Waiting<T>>,
    spare: Vec<VecDeque<T>>,
    settled: u64,
    arrivals: u64,
}

impl<T, S: Spout<T>> SequencedCollector<T, S> {
    /// Forwards batches to `out` in dispatch order.
    pub fn new(out: S) -> Self {
        SequencedCollector {
            out: Some(out),
            waiting: Vec::new(),
            spare: Vec::new(),
            settled: 0,
            arrivals: 0,
        }
    }

    fn out(&mut self) -> &mut S {
        self.out
            .as_mut()
            .expect("the spout is taken only by into_inner")
    }

    /// The spout.
    pub fn inner(&self) -> &S {
        self.out
            .as_ref()
            .expect("the spout is taken only by into_inner")
    }

    /// The spout, mutably.
    pub fn inner_mut(&mut self) -> &mut S {
        self.out()
    }

    /// How many items wait for their round to settle.
    pub fn pending(&self) -> usize {
        self.waiting.iter().map(|w| w.items.len()).sum()
    }

    /// The last settled round: every batch up to it has gone out.
    pub fn settled(&self) -> u64 {
        self.settled
    }

    /// Sends every waiting batch to the spout now, in order, settled or not
    /// (a batch of the same round that is still to come will then follow
    /// later ones); returns how many items were sent.
    pub fn release(&mut self) -> Result<usize, S::Error> {
        self.send_through(u64::MAX)
    }

    /// Sends what still waits to the spout (as [`release`](Self::release),
    /// ignoring its error: call `release` first to see it) and returns the
    /// spout.
    pub fn into_inner(mut self) -> S {
        let _ = self.release();
        self.out.take().expect("the spout is taken only here")
    }

    /// Sends the waiting batches of rounds up to `limit`, in order. A batch
    /// leaves the queue only once the spout took all of it.
    fn send_through(&mut self, limit: u64) -> Result<usize, S::Error> {
        let Some(out) = self.out.as_mut() else {
            return Ok(0);
        };
        self.waiting
            .sort_unstable_by_key(|w| Reverse((w.round, w.worker, w.arrival)));
        let mut sent = 0;
        while let Some(next) = self.waiting.last_mut() {
            if next.round > limit {
                break;
            }
            let before = next.items.len();
            let result = out.send_all(core::iter::from_fn(|| next.items.pop_front()));
            sent += before - next.items.len();
            result?;
            let done = self.waiting.pop().expect("it was just looked at");
            self.spare.push(done.items);
        }
        Ok(sent)
    }
}

impl<T, S: Spout<T>> Collector<T> for SequencedCollector<T, S> {
    type Error = S::Error;

    fn deliver<I: Iterator<Item = T>>(
        &mut self,
        batch: BatchInfo,
        items: I,
    ) -> Result<(), S::Error> {
        if batch.round <= self.settled {
            // Its round already went out: nothing to wait for.
            return self.out().send_all(items);
        }
        let mut buffer = self.spare.pop().unwrap_or_default();
        buffer.extend(items);
        self.waiting.push(Waiting {
            round: batch.round,
            worker: batch.worker,
            arrival: self.arrivals,
            items: buffer,
        });
        self.arrivals += 1;
        Ok(())
    }

    fn finish(&mut self, settled: u64) -> Result<(), S::Error> {
        self.settled = self.settled.max(settled);
        self.send_through(self.settled)?;
        self.out().flush()
    }
}

impl<T, S: Spout<T>> Drop for SequencedCollector<T, S> {
    fn drop(&mut self) {
        let _ = self.release();
    }
}

impl<T, S: Spout<T>> core::fmt::Debug for SequencedCollector<T, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SequencedCollector")
            .field("settled", &self.settled)
            .field("waiting_batches", &self.waiting.len())
            .field("pending", &self.pending())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CollectSpout;

    fn batch(round: u64, worker: usize) -> BatchInfo {
        BatchInfo { round, worker }
    }

    #[test]
    fn batches_wait_until_their_round_settles() {
        let mut c = SequencedCollector::new(CollectSpout::new());
        c.deliver(batch(2, 0), [20, 21].into_iter()).unwrap();
        c.deliver(batch(1, 1), [11].into_iter()).unwrap();
        c.finish(0).unwrap();
        assert!(c.inner().is_empty());
        assert_eq!(c.pending(), 3);
        c.deliver(batch(1, 0), [10].into_iter()).unwrap();
        c.finish(1).unwrap();
        assert_eq!(c.inner().items(), &[10, 11]);
        c.finish(2).unwrap();
        assert_eq!(c.inner().items(), &[10, 11, 20, 21]);
        assert_eq!(c.settled(), 2);
        // A batch of a settled round goes straight out.
        c.deliver(batch(2, 1), [22].into_iter()).unwrap();
        assert_eq!(c.into_inner().into_items(), [10, 11, 20, 21, 22]);
    }

    #[test]
    fn what_still_waits_is_released_not_dropped() {
        let mut out = CollectSpout::new();
        let mut c = SequencedCollector::new(&mut out);
        c.deliver(batch(4, 1), [41].into_iter()).unwrap();
        c.deliver(batch(3, 2), [32].into_iter()).unwrap();
        drop(c);
        assert_eq!(out.items(), &[32, 41]);
    }

    #[test]
    fn a_failing_spout_keeps_the_rest_waiting_in_order() {
        struct Take(usize, Vec<u32>);
        impl Spout<u32> for Take {
            type Error = ();
            fn send(&mut self, item: u32) -> Result<(), ()> {
                if self.0 == 0 {
                    return Err(());
                }
                self.0 -= 1;
                self.1.push(item);
                Ok(())
            }
        }
        let mut c = SequencedCollector::new(Take(2, Vec::new()));
        c.deliver(batch(1, 1), [3, 4].into_iter()).unwrap();
        c.deliver(batch(1, 0), [1, 2].into_iter()).unwrap();
        assert_eq!(c.finish(1), Err(()));
        assert_eq!(c.inner().1, [1, 2]);
        // The refused item 3 belongs to the spout now (see `Spout`); 4 waits.
        c.inner_mut().0 = 10;
        assert_eq!(c.release(), Ok(1));
        assert_eq!(c.inner().1, [1, 2, 4]);
        assert_eq!(c.pending(), 0);
    }
}
