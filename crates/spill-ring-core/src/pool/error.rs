//! The pool's errors: [`WorkerPanic`] and [`PoolError`].

use std::fmt;
use std::io;

use crate::CapacityError;

/// A worker panicked during a round (or its thread ended unexpectedly).
///
/// The pool catches a panicking work function, so the worker's thread lives
/// on: what the worker pushed before the panic stays in its ring and is
/// published as usual, and the pool stays usable for the next round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerPanic {
    worker_id: usize,
    round: u64,
    message: String,
    others: Vec<usize>,
}

impl WorkerPanic {
    pub(crate) fn new(worker_id: usize, round: u64, message: String) -> Self {
        WorkerPanic {
            worker_id,
            round,
            message,
            others: Vec::new(),
        }
    }

    /// Adds another worker that panicked in the same wait.
    pub(crate) fn also(&mut self, worker_id: usize) {
        self.others.push(worker_id);
    }

    /// The id of the (first) worker that panicked.
    pub fn worker_id(&self) -> usize {
        self.worker_id
    }

    /// The round in which it panicked (1 for the first dispatch).
    pub fn round(&self) -> u64 {
        self.round
    }

    /// The panic's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The ids of the other workers that panicked since the last report.
    pub fn other_workers(&self) -> &[usize] {
        &self.others
    }
}

impl fmt::Display for WorkerPanic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "worker {} panicked in round {}: {}",
            self.worker_id, self.round, self.message
        )?;
        if !self.others.is_empty() {
            write!(f, " (workers {:?} panicked too)", self.others)?;
        }
        Ok(())
    }
}

impl std::error::Error for WorkerPanic {}

/// Why a pool could not start.
#[derive(Debug)]
pub enum PoolError {
    /// A pool needs at least one worker.
    NoWorkers,
    /// The ring capacity is invalid, or a ring could not be allocated.
    Capacity(CapacityError),
    /// The system refused to start a thread.
    Spawn(io::Error),
    /// A worker's thread ended (panicked) while it was starting.
    WorkerDied(usize),
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::NoWorkers => f.write_str("a worker pool needs at least one worker"),
            PoolError::Capacity(error) => write!(f, "invalid ring: {error}"),
            PoolError::Spawn(error) => write!(f, "could not start a worker thread: {error}"),
            PoolError::WorkerDied(id) => write!(f, "worker {id} died while starting"),
        }
    }
}

impl std::error::Error for PoolError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PoolError::Capacity(error) => Some(error),
            PoolError::Spawn(error) => Some(error),
            PoolError::NoWorkers | PoolError::WorkerDied(_) => None,
        }
    }
}

impl From<CapacityError> for PoolError {
    fn from(error: CapacityError) -> Self {
        PoolError::Capacity(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_who_panicked() {
        let mut panic = WorkerPanic::new(2, 5, "boom".into());
        assert_eq!(panic.to_string(), "worker 2 panicked in round 5: boom");
        panic.also(4);
        assert_eq!(panic.other_workers(), &[4]);
        assert!(panic.to_string().ends_with("(workers [4] panicked too)"));
        assert!(PoolError::NoWorkers.to_string().contains("at least one"));
        let capacity = PoolError::from(CapacityError::Zero);
        assert!(std::error::Error::source(&capacity).is_some());
    }
}
