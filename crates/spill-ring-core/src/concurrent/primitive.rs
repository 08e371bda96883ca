//! The synchronization primitives the concurrent rings are built on: std's,
//! or loom's when compiled with `--cfg loom`, so that the loom models in
//! `tests/loom_*.rs` check the shipped code itself.

#[cfg(loom)]
pub(crate) use loom::{
    cell::UnsafeCell,
    sync::atomic::{fence, AtomicBool, AtomicU32, AtomicU64, AtomicU8},
    sync::{Arc, Mutex},
    thread::{current, park, Thread},
};

#[cfg(not(loom))]
pub(crate) use std::{
    sync::atomic::{fence, AtomicBool, AtomicU32, AtomicU64, AtomicU8},
    sync::{Arc, Mutex},
    thread::{current, park, Thread},
};

/// Parks the current thread for at most `timeout`. Under loom, which has no
/// clock, it yields instead: `park` may wake spuriously, so callers re-check
/// their condition either way.
#[cfg(not(loom))]
pub(crate) fn park_timeout(timeout: std::time::Duration) {
    std::thread::park_timeout(timeout);
}

#[cfg(loom)]
pub(crate) fn park_timeout(_timeout: std::time::Duration) {
    loom::thread::yield_now();
}

/// Spins, then yields, before a waiter parks (crossbeam's `Backoff`).
/// Under loom it gives up at once, so that models explore the park and
/// wake-up paths rather than the spins.
#[derive(Default)]
pub(crate) struct Spin(crossbeam_utils::Backoff);

impl Spin {
    /// Waits a little; `false` once spinning and yielding are exhausted and
    /// the caller should park.
    #[inline]
    pub(crate) fn step(&self) -> bool {
        if cfg!(loom) || self.0.is_completed() {
            return false;
        }
        self.0.snooze();
        true
    }
}

/// `std::cell::UnsafeCell` with loom's `with`/`with_mut` interface.
#[cfg(not(loom))]
#[derive(Debug, Default)]
pub(crate) struct UnsafeCell<T: ?Sized>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    /// Wraps `value`.
    pub(crate) const fn new(value: T) -> Self {
        UnsafeCell(std::cell::UnsafeCell::new(value))
    }
}

#[cfg(not(loom))]
impl<T: ?Sized> UnsafeCell<T> {
    /// Runs `f` with a pointer for reading the value.
    #[inline(always)]
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Runs `f` with a pointer for writing the value.
    #[inline(always)]
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}
