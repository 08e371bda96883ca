//! [`MergerHandle`]: M consumers, each draining its own subset of workers,
//! in parallel.

use spout::Spout;

use super::cell::{collect_pass, WorkerCell};
use super::collector::{collector_access, Collector};
use super::WorkerPool;

/// One of M mergers over a pool's workers: it owns the workers `i` with
/// `i % M == merger_id` and drains only their slots, into its own
/// collector. Mergers share nothing, so each can run on its own thread
/// (a handle is [`Send`] when its collector is).
///
/// Get them from [`WorkerPool::with_mergers`] (scoped) or
/// [`WorkerPool::mergers`]. They borrow the pool, so no round starts while
/// they live; they can still collect a round that is in flight.
///
/// ```
/// use std::thread;
/// use spill_ring_core::{CollectSpout, MpscRing, UnorderedCollector};
///
/// let mut pool = MpscRing::<u64, 256>::pool(4).spawn(|ring, worker_id, count: &u64| {
///     for i in 0..*count {
///         ring.push(worker_id as u64 * 1000 + i);
///     }
/// });
/// pool.run(&50).unwrap();
/// let totals = pool.with_mergers(2, |_| UnorderedCollector::new(CollectSpout::new()), |mergers| {
///     thread::scope(|s| {
///         let running: Vec<_> = mergers
///             .iter_mut()
///             .map(|m| s.spawn(move || m.collect().unwrap()))
///             .collect();
///         running.into_iter().map(|h| h.join().unwrap()).collect::<Vec<_>>()
///     })
/// });
/// assert_eq!(totals, [100, 100]);
/// ```
pub struct MergerHandle<'p, T, S: Spout<T>, C> {
    id: usize,
    cells: &'p [WorkerCell<T, S>],
    workers: Vec<usize>,
    dispatched: u64,
    collector: C,
}

impl<T, A, S: Spout<T>> WorkerPool<T, A, S> {
    /// One [`MergerHandle`] per collector: merger `j` owns the workers `i`
    /// with `i % M == j`, where `M` is the number of collectors (a merger
    /// beyond the number of workers owns none).
    pub fn mergers<C: Collector<T>>(
        &mut self,
        collectors: impl IntoIterator<Item = C>,
    ) -> Vec<MergerHandle<'_, T, S, C>> {
        let collectors: Vec<C> = collectors.into_iter().collect();
        let count = collectors.len();
        let dispatched = self.rounds_dispatched();
        let cells = self.cells();
        collectors
            .into_iter()
            .enumerate()
            .map(|(id, collector)| MergerHandle {
                id,
                cells,
                workers: (id..cells.len()).step_by(count).collect(),
                dispatched,
                collector,
            })
            .collect()
    }

    /// Runs `f` with `mergers` [`MergerHandle`]s (see
    /// [`mergers`](Self::mergers)), merger `j` delivering to
    /// `make_collector(j)`, and returns what `f` returns.
    pub fn with_mergers<C: Collector<T>, R>(
        &mut self,
        mergers: usize,
        make_collector: impl FnMut(usize) -> C,
        f: impl FnOnce(&mut [MergerHandle<'_, T, S, C>]) -> R,
    ) -> R {
        f(&mut self.mergers((0..mergers).map(make_collector)))
    }
}

impl<T, S: Spout<T>, C: Collector<T>> MergerHandle<'_, T, S, C> {
    /// This merger's index.
    pub fn merger_id(&self) -> usize {
        self.id
    }

    /// The workers this merger owns.
    pub fn workers(&self) -> &[usize] {
        &self.workers
    }

    /// Takes every batch its workers published into the collector, then
    /// ends the pass with [`Collector::finish`] (rounds are settled over
    /// this merger's workers); returns how many items were delivered.
    pub fn collect(&mut self) -> Result<usize, C::Error> {
        let cells = self.cells;
        let mine = self.workers.iter().map(|&w| (w, &cells[w]));
        collect_pass(self.dispatched, mine, &mut self.collector)
    }

    collector_access!(C);
}

impl<T, S: Spout<T>, C> core::fmt::Debug for MergerHandle<'_, T, S, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MergerHandle")
            .field("id", &self.id)
            .field("workers", &self.workers)
            .finish_non_exhaustive()
    }
}
