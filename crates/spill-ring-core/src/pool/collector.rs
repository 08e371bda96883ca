//! [`Collector`]: what happens to the batches a pool's workers publish, and
//! [`UnorderedCollector`], which forwards them as they come.

use spout::Spout;

/// Where a published batch comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BatchInfo {
    /// The round (1 for the first dispatch, then 2, ...) at whose end the
    /// worker published the batch. When the consumer falls behind, a worker
    /// folds its uncollected batch into the next one, which then carries the
    /// later round.
    pub round: u64,
    /// The worker that published it.
    pub worker: usize,
}

/// Receives the batches collected from a [`WorkerPool`](crate::WorkerPool)'s
/// workers.
///
/// A collection pass ([`FanInSpout::collect`](crate::FanInSpout::collect),
/// [`MergerHandle::collect`](crate::MergerHandle::collect)) calls
/// [`deliver`](Collector::deliver) once per published batch, then
/// [`finish`](Collector::finish) once.
pub trait Collector<T> {
    /// What a failed delivery reports.
    type Error;

    /// Takes one batch. Items that `items` has not yielded when this returns
    /// (because it failed, say) stay published and come again in a later
    /// pass.
    fn deliver<I: Iterator<Item = T>>(
        &mut self,
        batch: BatchInfo,
        items: I,
    ) -> Result<(), Self::Error>;

    /// Ends a pass. `settled` is a round such that every batch of a round up
    /// to it has now been delivered (0 when no round is settled): no batch
    /// with `round <= settled` will come later.
    fn finish(&mut self, settled: u64) -> Result<(), Self::Error>;
}

/// Defines the methods that a consumer holding its collector `$C` in a
/// `collector` field, and collecting with a `collect` method returning
/// `Result<usize, $C::Error>`, offers: `flush`, `collector`,
/// `collector_mut`, `into_collector`.
macro_rules! collector_access {
    ($C:ident) => {
        /// [`collect`](Self::collect), without the count.
        pub fn flush(&mut self) -> Result<(), $C::Error> {
            self.collect().map(drop)
        }

        /// The collector.
        pub fn collector(&self) -> &$C {
            &self.collector
        }

        /// The collector, mutably.
        pub fn collector_mut(&mut self) -> &mut $C {
            &mut self.collector
        }

        /// Returns the collector.
        pub fn into_collector(self) -> $C {
            self.collector
        }
    };
}
pub(super) use collector_access;

/// A borrowed collector collects: a collector can outlive the
/// [`FanInSpout`](crate::FanInSpout) or [`MergerHandle`](crate::MergerHandle)
/// that feeds it (`pool.with_fan_in(&mut collector, ..)`), and keep its
/// state across scopes.
impl<T, C: Collector<T>> Collector<T> for &mut C {
    type Error = C::Error;

    #[inline]
    fn deliver<I: Iterator<Item = T>>(
        &mut self,
        batch: BatchInfo,
        items: I,
    ) -> Result<(), C::Error> {
        (**self).deliver(batch, items)
    }

    fn finish(&mut self, settled: u64) -> Result<(), C::Error> {
        (**self).finish(settled)
    }
}

/// Forwards every batch to a spout as it arrives, in no particular order
/// between workers (each worker's items stay in order).
///
/// [`finish`](Collector::finish) flushes the spout. The spout may be
/// borrowed: `UnorderedCollector::new(&mut spout)`.
#[derive(Debug, Clone, Default)]
pub struct UnorderedCollector<S> {
    inner: S,
}

impl<S> UnorderedCollector<S> {
    /// Forwards batches to `inner`.
    pub fn new(inner: S) -> Self {
        UnorderedCollector { inner }
    }

    /// The spout.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The spout, mutably.
    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Returns the spout.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<T, S: Spout<T>> Collector<T> for UnorderedCollector<S> {
    type Error = S::Error;

    #[inline]
    fn deliver<I: Iterator<Item = T>>(
        &mut self,
        _batch: BatchInfo,
        items: I,
    ) -> Result<(), S::Error> {
        self.inner.send_all(items)
    }

    fn finish(&mut self, _settled: u64) -> Result<(), S::Error> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CollectSpout;

    #[test]
    fn forwards_batches_as_they_come() {
        let mut spout = CollectSpout::new();
        let mut collector = UnorderedCollector::new(&mut spout);
        let batch = |round, worker| BatchInfo { round, worker };
        collector.deliver(batch(2, 1), [3, 4].into_iter()).unwrap();
        collector.deliver(batch(1, 0), [1, 2].into_iter()).unwrap();
        collector.finish(2).unwrap();
        assert_eq!(collector.inner().items(), &[3, 4, 1, 2]);
        assert_eq!(spout.into_items(), [3, 4, 1, 2]);
    }
}
