//! [`PoolBuilder`]: how many workers, their ring capacity, their overflow
//! spout and pinning; [`MpscRing::pool`] starts one.

use core::fmt;
use core::marker::PhantomData;
use std::sync::{mpsc, Arc};

use spout::{DropSpout, Spout};

use super::args::Args;
use super::cell::WorkerCell;
use super::error::PoolError;
use super::worker::{self, Setup, Shared};
use super::WorkerPool;
use crate::capacity::check_capacity;
use crate::{HeapRing, MpscRing};

impl<T, const N: usize> MpscRing<T, N, DropSpout> {
    /// Starts building a [`WorkerPool`] of `workers` threads, each owning
    /// rings of capacity `N`; evicted items are dropped unless a spout is
    /// set with [`PoolBuilder::spout`].
    ///
    /// ```
    /// use spill_ring_core::{CollectSpout, MpscRing};
    ///
    /// let mut pool = MpscRing::<u64, 1024>::pool(4).spawn(|ring, worker_id, count: &u64| {
    ///     for i in 0..*count {
    ///         ring.push(worker_id as u64 * 1000 + i);
    ///     }
    /// });
    /// pool.run(&100).unwrap();
    /// let mut out = CollectSpout::new();
    /// assert_eq!(pool.collect(&mut out), Ok(400));
    /// ```
    pub fn pool(workers: usize) -> PoolBuilder<T> {
        PoolBuilder::new(workers, Self::CAPACITY)
    }

    /// Starts building a [`WorkerPool`] of `workers` threads, each owning
    /// rings of capacity `N` that evict into clones of `spout` (the same as
    /// `pool(workers).spout(spout)`).
    pub fn pool_with_spout<S: Spout<T>>(workers: usize, spout: S) -> PoolBuilder<T, S> {
        let _: usize = Self::CAPACITY;
        Self::pool(workers).spout(spout)
    }
}

/// Configures a [`WorkerPool`]; [`spawn`](PoolBuilder::spawn) starts it.
///
/// Every worker owns two rings of `capacity` slots (its active ring and a
/// spare for the handoff), built and warmed on the worker's own thread
/// before `spawn` returns. Both evict into clones of the overflow spout.
#[must_use = "a pool builder does nothing until `spawn` is called"]
pub struct PoolBuilder<T, S = DropSpout> {
    workers: usize,
    capacity: usize,
    spout: S,
    pin: bool,
    _items: PhantomData<fn(T) -> T>,
}

impl<T, S: fmt::Debug> fmt::Debug for PoolBuilder<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("workers", &self.workers)
            .field("capacity", &self.capacity)
            .field("spout", &self.spout)
            .field("pin", &self.pin)
            .finish()
    }
}

impl<T> PoolBuilder<T> {
    /// A pool of `workers` threads with rings of `capacity` slots, chosen at
    /// run time; both are checked by `spawn`.
    pub fn new(workers: usize, capacity: usize) -> Self {
        PoolBuilder {
            workers,
            capacity,
            spout: DropSpout,
            pin: false,
            _items: PhantomData,
        }
    }
}

impl<T, S> PoolBuilder<T, S> {
    /// Items the rings evict go to clones of `spout` (one per ring).
    pub fn spout<S2: Spout<T>>(self, spout: S2) -> PoolBuilder<T, S2> {
        PoolBuilder {
            workers: self.workers,
            capacity: self.capacity,
            spout,
            pin: self.pin,
            _items: PhantomData,
        }
    }

    /// Pins worker `i` to the `i`-th CPU the process may run on (wrapping
    /// round). Linux only; elsewhere, and when the system refuses, workers
    /// run unpinned ([`WorkerPool::worker_cores`] tells).
    pub fn pin_cores(mut self) -> Self {
        self.pin = true;
        self
    }

    /// The number of workers.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// The capacity of each ring.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

impl<T: Send + 'static, S: Spout<T> + Clone + Send + 'static> PoolBuilder<T, S> {
    /// Starts the workers, each running `work(ring, worker_id, &args)` for
    /// every round; `work` is cloned once per thread.
    ///
    /// # Panics
    ///
    /// When the pool cannot start (see [`try_spawn`](Self::try_spawn)).
    pub fn spawn<A, F>(self, work: F) -> WorkerPool<T, A, S>
    where
        A: Send + Sync + 'static,
        F: Fn(&HeapRing<T, S>, usize, &A) + Send + Clone + 'static,
    {
        match self.try_spawn(work) {
            Ok(pool) => pool,
            Err(error) => panic!("spill-ring: could not start the worker pool: {error}"),
        }
    }

    /// Starts the workers, or says why it could not: no worker, an invalid
    /// capacity, a ring that could not be allocated, a thread that could not
    /// be started. Threads already started are stopped again on failure.
    pub fn try_spawn<A, F>(self, work: F) -> Result<WorkerPool<T, A, S>, PoolError>
    where
        A: Send + Sync + 'static,
        F: Fn(&HeapRing<T, S>, usize, &A) + Send + Clone + 'static,
    {
        if self.workers == 0 {
            return Err(PoolError::NoWorkers);
        }
        check_capacity(self.capacity)?;
        let shared = Arc::new(Shared {
            cells: (0..self.workers).map(|_| WorkerCell::new()).collect(),
            args: Args::new(),
        });
        let mut pool = WorkerPool::new(Arc::clone(&shared), self.capacity);
        let (ready, started) = mpsc::channel();
        for id in 0..self.workers {
            let setup = Setup {
                id,
                capacity: self.capacity,
                spouts: (self.spout.clone(), self.spout.clone()),
                pin: self.pin,
            };
            let thread = worker::start(Arc::clone(&shared), setup, work.clone(), ready.clone())
                .map_err(PoolError::Spawn)?;
            pool.add_worker(thread);
        }
        drop(ready);
        let mut reported = vec![false; self.workers];
        for _ in 0..self.workers {
            match started.recv() {
                Ok((id, Ok(core))) => {
                    reported[id] = true;
                    pool.set_core(id, core);
                }
                Ok((_, Err(error))) => return Err(PoolError::Capacity(error)),
                // Every sender is gone, so a worker that has not reported
                // ended without reporting.
                Err(_) => {
                    let silent = reported.iter().position(|&r| !r).unwrap_or(0);
                    return Err(PoolError::WorkerDied(silent));
                }
            }
        }
        Ok(pool)
    }
}
