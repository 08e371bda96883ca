//! Per-worker go/done signals.
//!
//! Every worker has its own pair of counters instead of a barrier shared by
//! the pool: `go` is the last round the worker was asked to run, `done` the
//! last round it finished. Waiting spins briefly, then parks the thread; the
//! other side unparks it. A worker that is gone can never hold its waiter
//! forever: the pool's wait wakes up now and then to check whether the
//! worker's thread still runs.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread::{self, Thread};
use std::time::Duration;

/// Busy-wait iterations before yielding.
const SPINS: u32 = 64;
/// `yield_now` calls before parking.
const YIELDS: u32 = 8;
/// How often a parked pool checks that the worker's thread is still alive.
const ALIVE_CHECK: Duration = Duration::from_millis(10);

/// Spins, then yields, then gives up (the caller parks).
struct Backoff(u32);

impl Backoff {
    fn new() -> Self {
        Backoff(0)
    }

    /// Waits a little; returns `false` once it is time to park.
    fn snooze(&mut self) -> bool {
        if self.0 < SPINS {
            core::hint::spin_loop();
        } else if self.0 < SPINS + YIELDS {
            thread::yield_now();
        } else {
            return false;
        }
        self.0 += 1;
        true
    }
}

/// One worker's go/done signals.
pub(crate) struct Signal {
    go: AtomicU64,
    done: AtomicU64,
    stop: AtomicBool,
    /// The thread waiting for `done`, if it parked.
    waiter: Mutex<Option<Thread>>,
}

impl Signal {
    pub(crate) fn new() -> Self {
        Signal {
            go: AtomicU64::new(0),
            done: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            waiter: Mutex::new(None),
        }
    }

    // ----- pool side --------------------------------------------------------

    /// Asks the worker running on `worker` to run `round`. Everything the
    /// caller wrote before is visible to the worker once it sees the round.
    pub(crate) fn start(&self, round: u64, worker: &Thread) {
        self.go.store(round, Ordering::Release);
        worker.unpark();
    }

    /// Asks the worker to leave its loop once it is idle.
    pub(crate) fn stop(&self, worker: &Thread) {
        self.stop.store(true, Ordering::Release);
        worker.unpark();
    }

    /// Whether the worker finished `round`; everything it did in that round
    /// is visible to the caller when this returns `true`.
    pub(crate) fn is_done(&self, round: u64) -> bool {
        self.done.load(Ordering::Acquire) >= round
    }

    /// Waits until the worker finished `round`, or until `ended()` says its
    /// thread is gone. Returns whether the round was finished.
    pub(crate) fn wait_done(&self, round: u64, ended: impl Fn() -> bool) -> bool {
        let mut backoff = Backoff::new();
        loop {
            if self.is_done(round) {
                return true;
            }
            if ended() {
                return self.is_done(round);
            }
            if !backoff.snooze() {
                // Register before the last check: either the worker sees us
                // and unparks us, or we see its `done` (it stored `done`
                // before taking the lock we just released).
                *self.waiter.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(thread::current());
                if !self.is_done(round) {
                    thread::park_timeout(ALIVE_CHECK);
                }
            }
        }
    }

    // ----- worker side ------------------------------------------------------

    /// Waits for a round after `seen` and returns it, or `None` once the
    /// worker is asked to stop.
    pub(crate) fn wait_for_go(&self, seen: u64) -> Option<u64> {
        let mut backoff = Backoff::new();
        loop {
            let go = self.go.load(Ordering::Acquire);
            if go > seen {
                return Some(go);
            }
            if self.stop.load(Ordering::Acquire) {
                return None;
            }
            if !backoff.snooze() {
                // `start` and `stop` store before they unpark, and an unpark
                // that comes before the park makes it return at once.
                thread::park();
            }
        }
    }

    /// Reports `round` finished and wakes the pool if it is parked.
    pub(crate) fn finish(&self, round: u64) {
        self.done.store(round, Ordering::Release);
        let waiter = self
            .waiter
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(waiter) = waiter {
            waiter.unpark();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_round_goes_there_and_back() {
        let signal = Arc::new(Signal::new());
        let worker = {
            let signal = Arc::clone(&signal);
            thread::spawn(move || {
                let mut seen = 0;
                while let Some(round) = signal.wait_for_go(seen) {
                    seen = round;
                    signal.finish(round);
                }
                seen
            })
        };
        for round in 1..=20 {
            assert!(!signal.is_done(round));
            signal.start(round, worker.thread());
            assert!(signal.wait_done(round, || worker.is_finished()));
        }
        signal.stop(worker.thread());
        assert_eq!(worker.join().unwrap(), 20);
    }

    #[test]
    fn waiting_ends_when_the_thread_is_gone() {
        let signal = Signal::new();
        let gone = thread::spawn(|| {});
        while !gone.is_finished() {
            thread::yield_now();
        }
        assert!(!signal.wait_done(1, || gone.is_finished()));
    }
}
