//! Where a round's arguments live while the workers read them.
//!
//! [`WorkerPool::dispatch`](crate::WorkerPool::dispatch) returns before the
//! round ends, so it cannot lend the caller's reference to the workers: it
//! stores a *copy* (a clone) here, owned by the pool and replaced only when
//! no round is in flight. [`WorkerPool::run`](crate::WorkerPool::run) waits
//! for the round to end before it returns, so it lends the caller's
//! reference and copies nothing. Either way the workers read the arguments
//! through the pointer `current`, which is only written while every worker
//! is idle.

use core::cell::UnsafeCell;
use core::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

/// A round's arguments.
pub(crate) struct Args<A> {
    /// The copy made by `dispatch`.
    owned: UnsafeCell<Option<A>>,
    /// What the workers read in the current round.
    current: AtomicPtr<A>,
}

// SAFETY: workers only ever get `&A` (so `A: Sync` is needed for them to
// share it), and the copy may be dropped by whichever thread drops the pool
// (so `A: Send`). `owned` is written only while no worker reads it (see the
// contracts of `store_copy` and `get`).
unsafe impl<A: Send + Sync> Sync for Args<A> {}

impl<A> Args<A> {
    pub(crate) fn new() -> Self {
        Args {
            owned: UnsafeCell::new(None),
            current: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// Makes `args` (moved into the pool) the next round's arguments.
    ///
    /// # Safety
    ///
    /// No round may be in flight (every worker finished the last round it
    /// was given, as seen through an acquiring load of its `done` signal),
    /// and none may start before this returns.
    pub(crate) unsafe fn store_copy(&self, args: A) {
        // SAFETY: no worker is in a round, so nobody holds a reference into
        // `owned`; the caller owns the pool, so nobody else writes it.
        let owned = unsafe { &mut *self.owned.get() };
        let stored: *const A = owned.insert(args);
        self.current.store(stored.cast_mut(), Ordering::Relaxed);
    }

    /// Makes `args` (borrowed) the next round's arguments.
    ///
    /// # Safety
    ///
    /// As for [`store_copy`](Self::store_copy); moreover `args` must stay
    /// valid, and unchanged, until every worker finished the next round.
    pub(crate) unsafe fn store_borrowed(&self, args: &A) {
        self.current
            .store(ptr::from_ref(args).cast_mut(), Ordering::Relaxed);
    }

    /// The current round's arguments.
    ///
    /// # Safety
    ///
    /// Only a worker may call this, between seeing its `go` signal for a
    /// round (an acquiring load, which follows the store of `current`) and
    /// reporting that round done; the reference must not outlive that
    /// window. The stores' contracts keep the arguments valid over it.
    pub(crate) unsafe fn get(&self) -> &A {
        // SAFETY: the caller is inside a round, whose arguments were stored
        // before the round started and stay valid until it ends.
        unsafe { &*self.current.load(Ordering::Relaxed) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_replaces_the_previous_one() {
        let args = Args::new();
        // SAFETY: no worker exists, so none is in a round.
        unsafe {
            args.store_copy(String::from("one"));
            assert_eq!(args.get(), "one");
            args.store_copy(String::from("two"));
            assert_eq!(args.get(), "two");
            let borrowed = String::from("three");
            args.store_borrowed(&borrowed);
            assert_eq!(args.get(), "three");
        }
    }
}
