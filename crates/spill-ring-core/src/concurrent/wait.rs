//! Waiting for room: a producer that must not lose its item spins, yields,
//! then parks; the consumer wakes it after it frees room, and closing wakes
//! it too.
//!
//! No wake-up is lost: the producer announces itself (`waiting`), issues a
//! SeqCst fence and only then re-checks for room and for `closed`; the
//! consumer moves `head` (or sets `closed`), issues a SeqCst fence and only
//! then looks at `waiting`. Of two SeqCst fences one comes first, so either
//! the producer sees the room or the consumer sees the waiter and unparks
//! it. `unpark` before `park` makes `park` return at once.

use core::sync::atomic::Ordering;
use std::time::Instant;

use crate::concurrent::primitive::{
    current, fence, park, park_timeout, AtomicBool, Mutex, Spin, Thread,
};

/// How long a producer sleeps between checks when the ring was built
/// without wake-ups (see `Builder::waking`).
const POLL: std::time::Duration = std::time::Duration::from_micros(50);

/// The waiting state of one ring (one producer).
pub(crate) struct WaitState {
    /// Whether the consumer wakes a parked producer (costs the consumer a
    /// SeqCst fence per claim). Without it a waiting producer polls.
    waking: bool,
    /// Set by the consumer's `close` (or drop).
    closed: AtomicBool,
    /// The producer is parked or about to park.
    waiting: AtomicBool,
    /// Whom to unpark.
    thread: Mutex<Option<Thread>>,
}

/// Why a waiting push gave up; the item comes back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum WaitError<T> {
    /// The deadline passed before there was room.
    Timeout(T),
    /// The consumer closed the ring or was dropped.
    Closed(T),
}

impl<T> WaitError<T> {
    /// Returns the item that was not pushed.
    pub fn into_inner(self) -> T {
        match self {
            WaitError::Timeout(item) | WaitError::Closed(item) => item,
        }
    }
}

impl<T> core::fmt::Debug for WaitError<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            WaitError::Timeout(_) => "Timeout(..)",
            WaitError::Closed(_) => "Closed(..)",
        })
    }
}

impl<T> core::fmt::Display for WaitError<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            WaitError::Timeout(_) => "timed out waiting for room in the ring",
            WaitError::Closed(_) => "the ring's consumer closed it",
        })
    }
}

impl<T> std::error::Error for WaitError<T> {}

/// What a wait for room ended with.
pub(crate) enum Waited {
    /// There is room now.
    Room,
    /// The deadline passed.
    Timeout,
    /// The ring was closed.
    Closed,
}

impl WaitState {
    pub(crate) fn new(waking: bool) -> Self {
        WaitState {
            waking,
            closed: AtomicBool::new(false),
            waiting: AtomicBool::new(false),
            thread: Mutex::new(None),
        }
    }

    /// Whether the ring was closed.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Producer side: waits until `has_room()` holds, the ring is closed, or
    /// `deadline` passes. `has_room` must load the consumer's index afresh.
    pub(crate) fn wait_for(
        &self,
        deadline: Option<Instant>,
        mut has_room: impl FnMut() -> bool,
    ) -> Waited {
        let spin = Spin::default();
        loop {
            if self.is_closed() {
                return Waited::Closed;
            }
            if has_room() {
                return Waited::Room;
            }
            if spin.step() {
                continue;
            }
            let timeout = match deadline {
                Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return Waited::Timeout,
                },
                None => None,
            };
            if self.waking {
                *self.thread.lock().unwrap_or_else(|e| e.into_inner()) = Some(current());
                self.waiting.store(true, Ordering::Relaxed);
                fence(Ordering::SeqCst);
                if self.closed.load(Ordering::Relaxed) || has_room() {
                    self.waiting.store(false, Ordering::Relaxed);
                    continue;
                }
                match timeout {
                    None => park(),
                    Some(left) => park_timeout(left),
                }
                self.waiting.store(false, Ordering::Relaxed);
            } else {
                park_timeout(timeout.map_or(POLL, |left| left.min(POLL)));
            }
        }
    }

    /// Consumer side, after it moved `head`: wakes a parked producer.
    #[inline]
    pub(crate) fn notify(&self) {
        if self.waking {
            fence(Ordering::SeqCst);
            if self.waiting.load(Ordering::Relaxed) {
                self.unpark();
            }
        }
    }

    /// Closes the ring and wakes a parked producer.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        fence(Ordering::SeqCst);
        if self.waiting.load(Ordering::Relaxed) {
            self.unpark();
        }
    }

    #[cold]
    fn unpark(&self) {
        if let Some(thread) = &*self.thread.lock().unwrap_or_else(|e| e.into_inner()) {
            thread.unpark();
        }
    }
}
