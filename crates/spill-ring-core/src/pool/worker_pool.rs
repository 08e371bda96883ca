//! [`WorkerPool`]: persistent worker threads, rounds, and collection.

use std::fmt;
use std::sync::Arc;
use std::thread::JoinHandle;

use spout::{DropSpout, Spout};

use super::cell::{collect_cells, WorkerCell};
use super::collector::UnorderedCollector;
use super::error::WorkerPanic;
use super::worker::Shared;
use crate::{Consumer, HeapRing, Producer};

/// A pool of persistent threads, each owning a warmed ring, that run a work
/// function in *rounds*.
///
/// The type names the items `T`, the round arguments `A` and the overflow
/// spout `S`. The ring capacity is a run-time value ([`capacity`](Self::capacity),
/// checked at build time when it comes from [`MpscRing::pool`](crate::MpscRing::pool)'s
/// const `N`) and the work function is a parameter of
/// [`spawn`](crate::PoolBuilder::spawn), monomorphized into the worker
/// threads, so neither is a type parameter: this is the
/// `WorkerPool<T, N, S, F, A>` of earlier versions. Its `collect()` into a
/// `Consumer` is [`collect`](Self::collect) into any spout, or
/// [`into_consumer`](Self::into_consumer).
///
/// Start one with [`MpscRing::pool`](crate::MpscRing::pool) (capacity from
/// a const parameter) or [`PoolBuilder::new`](crate::PoolBuilder::new)
/// (capacity chosen at run time), then [`spawn`](crate::PoolBuilder::spawn)
/// it with a work function `Fn(&HeapRing<T, S>, usize, &A)`, which receives
/// the worker's ring, the worker's id and the round's arguments. The
/// function is monomorphized, and cloned once per thread.
///
/// # Rounds
///
/// [`dispatch`](Self::dispatch) starts a round on every worker and returns
/// at once; [`join`](Self::join) waits for it to end; [`run`](Self::run)
/// does both. Each worker has its own go/done signals (there is no barrier
/// shared by the pool). Starting a round while one is in flight first waits
/// for that one to end.
///
/// # Arguments
///
/// `dispatch` returns while the workers still read the arguments, so it
/// cannot lend them the caller's reference: it stores a **clone** of the
/// arguments in the pool (`A: Clone`; use a cheap `A`, such as a small
/// `Copy` struct, a pointer wrapper or an `Arc`, when rounds must not
/// allocate). `run` waits for the round to end before it returns, so it
/// lends the caller's reference and copies nothing. The workers only ever
/// get `&A`, from several threads at once, hence `A: Sync`.
///
/// # Handoff
///
/// At the end of a round each worker publishes its ring's items as a
/// *batch* in its single-entry handoff slot, swapping its ring with a
/// pre-allocated spare: a round allocates nothing. [`collect`](Self::collect)
/// (or a [`FanInSpout`](crate::FanInSpout), or
/// [`MergerHandle`](crate::MergerHandle)s) takes whatever is published,
/// without waiting for a round, and gives the emptied rings back as spares.
///
/// # Backpressure
///
/// When the consumer is slow, a worker finds its last batch still in the
/// slot: it appends the new items to that batch instead, which evicts its
/// oldest items to the overflow spout once it is full. Memory stays bounded
/// (two rings per worker) and nothing is lost as long as the overflow spout
/// keeps what it gets.
///
/// # Panics in the work function
///
/// A panicking work function is caught on its worker's thread: the round
/// ends normally for every worker (no deadlock), [`join`](Self::join) (or
/// `run`) reports a [`WorkerPanic`] with the worker's id and message, the
/// items pushed before the panic are published as usual, and the pool stays
/// usable for the next round.
///
/// # Dropping
///
/// Dropping the pool waits for the round in flight, stops the threads and
/// drops every ring, which flushes its items to the overflow spout.
/// [`into_consumer`](Self::into_consumer) keeps them instead.
pub struct WorkerPool<T, A, S: Spout<T> = DropSpout> {
    shared: Arc<Shared<T, A, S>>,
    threads: Vec<JoinHandle<Option<HeapRing<T, S>>>>,
    cores: Vec<Option<usize>>,
    capacity: usize,
    /// The last round started.
    dispatched: u64,
    /// The last round waited for.
    finished: u64,
    /// Panics seen since the last `join`.
    pending: Option<WorkerPanic>,
}

/// Waits for the round in flight when dropped, even during a panic.
struct EndOfRound<'a, T, A, S: Spout<T>>(&'a mut WorkerPool<T, A, S>);

impl<T, A, S: Spout<T>> Drop for EndOfRound<'_, T, A, S> {
    fn drop(&mut self) {
        self.0.wait_round();
    }
}

impl<T, A, S: Spout<T>> WorkerPool<T, A, S> {
    pub(crate) fn new(shared: Arc<Shared<T, A, S>>, capacity: usize) -> Self {
        let workers = shared.cells.len();
        WorkerPool {
            shared,
            threads: Vec::with_capacity(workers),
            cores: vec![None; workers],
            capacity,
            dispatched: 0,
            finished: 0,
            pending: None,
        }
    }

    pub(crate) fn add_worker(&mut self, thread: JoinHandle<Option<HeapRing<T, S>>>) {
        self.threads.push(thread);
    }

    pub(crate) fn set_core(&mut self, worker: usize, core: Option<usize>) {
        self.cores[worker] = core;
    }

    pub(crate) fn cells(&self) -> &[WorkerCell<T, S>] {
        &self.shared.cells
    }

    /// The last round started (0 before the first dispatch).
    pub fn rounds_dispatched(&self) -> u64 {
        self.dispatched
    }

    /// The number of workers.
    pub fn num_workers(&self) -> usize {
        self.shared.cells.len()
    }

    /// The capacity of each worker's rings.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The CPU each worker is pinned to (`None`: not pinned).
    pub fn worker_cores(&self) -> &[Option<usize>] {
        &self.cores
    }

    /// Whether every worker finished the last round started (without
    /// waiting).
    pub fn is_finished(&self) -> bool {
        self.finished == self.dispatched
            || self
                .cells()
                .iter()
                .all(|cell| cell.is_gone() || cell.signal.is_done(self.dispatched))
    }

    /// How many evicted items the overflow spout refused while workers
    /// appended to batches the consumer had not taken (the pool cannot hand
    /// those errors to anyone, so it counts them). Errors from the work
    /// function's own pushes are the work function's to handle.
    pub fn spout_failures(&self) -> u64 {
        self.cells().iter().map(WorkerCell::spout_failures).sum()
    }

    /// Starts a round with a clone of `args` and returns at once. If a round
    /// is in flight, waits for it to end first (a panic in it is reported
    /// by the next [`join`](Self::join)).
    pub fn dispatch(&mut self, args: &A)
    where
        A: Clone,
    {
        let copy = args.clone();
        self.wait_round();
        // SAFETY: `wait_round` saw every live worker finish the last round
        // (a gone worker's thread has ended), and the next round starts only
        // in `start_round`, after this store.
        unsafe { self.shared.args.store_copy(copy) };
        self.start_round();
    }

    /// Runs a round with `args` (borrowed, not copied) and waits for every
    /// worker to finish it: [`dispatch`](Self::dispatch) followed by
    /// [`join`](Self::join).
    pub fn run(&mut self, args: &A) -> Result<(), WorkerPanic> {
        self.wait_round();
        // SAFETY: no round is in flight (`wait_round`), and `args` outlives
        // the round this starts: `EndOfRound` waits for its end before this
        // function returns or unwinds.
        unsafe { self.shared.args.store_borrowed(args) };
        let round = EndOfRound(self);
        round.0.start_round();
        drop(round);
        self.join()
    }

    /// Waits for the round in flight (if any) to end on every worker.
    /// Reports the first worker that panicked since the last `join` (the
    /// others are listed in [`WorkerPanic::other_workers`]); a worker whose
    /// thread is gone is reported by every `join`.
    pub fn join(&mut self) -> Result<(), WorkerPanic> {
        self.wait_round();
        if let Some(panic) = self.pending.take() {
            return Err(panic);
        }
        match self.cells().iter().position(WorkerCell::is_gone) {
            Some(id) => Err(WorkerPanic::new(
                id,
                self.finished,
                "the worker's thread is gone".into(),
            )),
            None => Ok(()),
        }
    }

    /// Takes every published batch, worker by worker, and sends its items to
    /// `out` (each worker's items oldest first), without waiting for a round
    /// to end; returns how many items were sent. The emptied rings go back
    /// to their workers as spares.
    ///
    /// When `out` fails, the items it did not take stay published.
    pub fn collect<Out: Spout<T>>(&mut self, out: &mut Out) -> Result<usize, Out::Error> {
        collect_cells(
            self.cells().iter().enumerate(),
            &mut UnorderedCollector::new(out),
        )
    }

    /// Waits for the round in flight, stops the workers and returns every
    /// ring, with its items and spout, as a [`Consumer`]: each worker's
    /// uncollected batch comes before its active ring, so
    /// [`Consumer::drain`] keeps every worker's items in order. A panic in
    /// the last round is not reported here: call [`join`](Self::join) first
    /// to see it.
    pub fn into_consumer(mut self) -> Consumer<T, S> {
        let mut consumer = Consumer::new();
        consumer.collect(self.shut_down());
        consumer
    }

    // ----- internals --------------------------------------------------------

    /// Starts the next round on every live worker.
    fn start_round(&mut self) {
        let round = self.dispatched + 1;
        for (cell, thread) in self.shared.cells.iter().zip(&self.threads) {
            if !cell.is_gone() {
                cell.signal.start(round, thread.thread());
            }
        }
        self.dispatched = round;
    }

    /// Waits until every live worker finished the last round started, and
    /// records the panics it reports.
    fn wait_round(&mut self) {
        let round = self.dispatched;
        if self.finished == round {
            return;
        }
        let pending = &mut self.pending;
        for (id, (cell, thread)) in self.shared.cells.iter().zip(&self.threads).enumerate() {
            if cell.is_gone() {
                continue;
            }
            if !cell.signal.wait_done(round, || thread.is_finished()) {
                cell.mark_gone();
                report(
                    pending,
                    id,
                    round,
                    "the worker's thread ended unexpectedly".into(),
                );
            }
            if let Some((at, message)) = cell.take_panic() {
                report(pending, id, at, message);
            }
        }
        self.finished = round;
    }

    /// Waits for the round in flight, stops and joins the threads, and
    /// returns the rings: per worker, its slot's ring, then its active ring.
    fn shut_down(&mut self) -> Vec<Producer<T, S>> {
        self.wait_round();
        for (cell, thread) in self.shared.cells.iter().zip(&self.threads) {
            cell.signal.stop(thread.thread());
        }
        let mut rings = Vec::with_capacity(2 * self.threads.len());
        for (id, thread) in self.threads.drain(..).enumerate() {
            // A thread that ended by panicking dropped its ring, which
            // flushed its items to the spout.
            let active = thread.join().ok().flatten();
            if let Some(other) = self.shared.cells[id].slot.take() {
                rings.push(Producer::from_ring(id, other));
            }
            if let Some(active) = active {
                rings.push(Producer::from_ring(id, active));
            }
        }
        rings
    }
}

/// Records a panic: the first one is reported, later ones are listed in it.
fn report(pending: &mut Option<WorkerPanic>, worker: usize, round: u64, message: String) {
    match pending {
        Some(first) => first.also(worker),
        None => *pending = Some(WorkerPanic::new(worker, round, message)),
    }
}

impl<T, A, S: Spout<T>> Drop for WorkerPool<T, A, S> {
    fn drop(&mut self) {
        // Dropped in order: each worker's older batch flushes to the spout
        // before its active ring.
        drop(self.shut_down());
    }
}

impl<T, A, S: Spout<T>> fmt::Debug for WorkerPool<T, A, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkerPool")
            .field("workers", &self.num_workers())
            .field("capacity", &self.capacity)
            .field("rounds_dispatched", &self.dispatched)
            .field("rounds_joined", &self.finished)
            .finish_non_exhaustive()
    }
}
