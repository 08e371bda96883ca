//! [`FanInSpout`]: one consumer drains every worker through a
//! [`Collector`].

use spout::Spout;

use super::cell::collect_pass;
use super::collector::{collector_access, Collector, UnorderedCollector};
use super::error::WorkerPanic;
use super::WorkerPool;

/// A single consumer over all of a pool's workers: each
/// [`collect`](FanInSpout::collect) takes every published batch into the
/// collector `C` and then tells it which rounds are settled.
///
/// It holds the pool (mutably) while it lives, and can start and join
/// rounds itself, so collection can stream: dispatch, collect while the
/// workers run, join, collect the rest. Get one from
/// [`WorkerPool::with_fan_in`] (scoped) or [`WorkerPool::fan_in`].
///
/// With an [`UnorderedCollector`] it is also a [`Spout`]: items sent to it
/// go straight to the collector's spout, and flushing it collects from the
/// workers (then flushes that spout), so it composes with spout wrappers.
///
/// ```
/// use spill_ring_core::{CollectSpout, MpscRing, UnorderedCollector};
///
/// let mut pool = MpscRing::<u64, 256>::pool(4).spawn(|ring, worker_id, count: &u64| {
///     for i in 0..*count {
///         ring.push(worker_id as u64 * 1000 + i);
///     }
/// });
/// pool.run(&100).unwrap();
/// let count = pool.with_fan_in(UnorderedCollector::new(CollectSpout::new()), |fan_in| {
///     fan_in.flush().unwrap();
///     fan_in.collector().inner().len()
/// });
/// assert_eq!(count, 400);
/// ```
pub struct FanInSpout<'p, T, A, S: Spout<T>, C> {
    pool: &'p mut WorkerPool<T, A, S>,
    collector: C,
}

impl<T, A, S: Spout<T>> WorkerPool<T, A, S> {
    /// A [`FanInSpout`] over every worker, delivering to `collector`.
    pub fn fan_in<C: Collector<T>>(&mut self, collector: C) -> FanInSpout<'_, T, A, S, C> {
        FanInSpout {
            pool: self,
            collector,
        }
    }

    /// Runs `f` with a [`FanInSpout`] over every worker, delivering to
    /// `collector`, and returns what `f` returns. The collector is dropped
    /// at the end (pass one that borrows its spout, `UnorderedCollector::new(&mut out)`,
    /// to keep the items).
    pub fn with_fan_in<C: Collector<T>, R>(
        &mut self,
        collector: C,
        f: impl FnOnce(&mut FanInSpout<'_, T, A, S, C>) -> R,
    ) -> R {
        f(&mut self.fan_in(collector))
    }
}

impl<T, A, S: Spout<T>, C: Collector<T>> FanInSpout<'_, T, A, S, C> {
    /// Takes every published batch, worker by worker, into the collector,
    /// then ends the pass with [`Collector::finish`]; returns how many items
    /// were delivered. Does not wait for a round to end.
    pub fn collect(&mut self) -> Result<usize, C::Error> {
        collect_pass(
            self.pool.rounds_dispatched(),
            self.pool.cells().iter().enumerate(),
            &mut self.collector,
        )
    }

    /// Starts a round on the pool ([`WorkerPool::dispatch`]).
    pub fn dispatch(&mut self, args: &A)
    where
        A: Clone,
    {
        self.pool.dispatch(args);
    }

    /// Waits for the round in flight ([`WorkerPool::join`]).
    pub fn join(&mut self) -> Result<(), WorkerPanic> {
        self.pool.join()
    }

    /// Runs a round on the pool ([`WorkerPool::run`]).
    pub fn run(&mut self, args: &A) -> Result<(), WorkerPanic> {
        self.pool.run(args)
    }

    /// The pool.
    pub fn pool(&self) -> &WorkerPool<T, A, S> {
        self.pool
    }

    collector_access!(C);
}

impl<T, A, S: Spout<T>, Out: Spout<T>> Spout<T>
    for FanInSpout<'_, T, A, S, UnorderedCollector<Out>>
{
    type Error = Out::Error;

    /// Forwards an item from elsewhere straight to the collector's spout.
    fn send(&mut self, item: T) -> Result<(), Out::Error> {
        self.collector.inner_mut().send(item)
    }

    /// Collects from the workers, then flushes the collector's spout.
    fn flush(&mut self) -> Result<(), Out::Error> {
        FanInSpout::flush(self)
    }
}

impl<T, A, S: Spout<T>, C> core::fmt::Debug for FanInSpout<'_, T, A, S, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FanInSpout")
            .field("pool", &self.pool)
            .finish_non_exhaustive()
    }
}
