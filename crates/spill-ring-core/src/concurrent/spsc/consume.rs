//! The consumer's half of the protocol (see `shared`): claims, with one
//! compare-exchange per batch, and the return of freed handles.

use core::sync::atomic::Ordering;

use crate::concurrent::primitive::Arc;
use crate::concurrent::spsc::shared::Shared;
use crate::concurrent::spsc::slots::try_vec;
use crate::concurrent::BuildError;

/// The consumer's state.
pub(crate) struct ConsumerCore<T> {
    pub(crate) shared: Arc<Shared<T>>,
    /// The last `tail` we saw.
    cached_tail: u64,
    /// How many handles we returned (only we write `returned_tail`).
    returned_tail: u64,
    /// The last `returned_head` we saw.
    cached_returned_head: u64,
    /// Handles of the items claimed and not yet finished, oldest first.
    pub(crate) claimed: Vec<u32>,
    /// Handles whose items are gone, not yet returned. `claimed.len() +
    /// pending.len() <= K` at every claim.
    pending: Vec<u32>,
}

impl<T> ConsumerCore<T> {
    /// The consumer's state over fresh `shared` state; fails only when an
    /// allocation does.
    pub(crate) fn try_new(shared: Arc<Shared<T>>) -> Result<Self, BuildError> {
        let hold = shared.hold();
        Ok(ConsumerCore {
            shared,
            cached_tail: 0,
            returned_tail: 0,
            cached_returned_head: 0,
            claimed: try_vec(hold)?,
            pending: try_vec(hold)?,
        })
    }

    /// Claims up to `max` of the oldest items with one compare-exchange
    /// (at most K minus what is still held). Their handles are appended to
    /// `claimed`; returns how many.
    #[inline]
    pub(crate) fn claim(&mut self, max: usize) -> usize {
        let hold = self.shared.hold();
        let mut room = hold - self.claimed.len() - self.pending.len();
        if room < max && !self.pending.is_empty() {
            self.return_pending();
            room = hold - self.claimed.len();
        }
        let want = max.min(room) as u64;
        if want == 0 {
            return 0;
        }
        loop {
            // Acquire: an eviction that moved `head` released the producer's
            // tail, so the tail we load next is at least `head`.
            let head = self.shared.head.load(Ordering::Acquire);
            if self.cached_tail < head + want {
                // Acquire: the items and map entries below `tail` are
                // written.
                self.cached_tail = self.shared.tail.load(Ordering::Acquire);
            }
            let end = self.cached_tail.min(head + want);
            if end <= head {
                return 0;
            }
            let base = self.claimed.len();
            for index in head..end {
                self.claimed
                    .push(self.shared.map(index).load(Ordering::Relaxed));
            }
            let mut from = head;
            loop {
                // Release: our map reads (and returns) come before any
                // rewrite by the producer, which rewrites an entry only after
                // seeing `head` past it.
                match self.shared.head.compare_exchange(
                    from,
                    end,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    Ok(_) => {
                        let lost = (from - head) as usize;
                        self.claimed.drain(base..base + lost);
                        self.shared.wait.notify();
                        return (end - from) as usize;
                    }
                    // The producer evicted a prefix: the rest is still ours
                    // to take.
                    Err(now) if now < end => from = now,
                    // Everything we read was evicted: start over.
                    Err(_) => {
                        self.claimed.truncate(base);
                        break;
                    }
                }
            }
        }
    }

    /// Marks the `n` oldest claimed items as finished (moved out or
    /// dropped): their handles go back to the producer later.
    #[inline]
    pub(crate) fn finish(&mut self, n: usize) {
        self.pending.extend(self.claimed.drain(..n));
    }

    /// Returns the pending handles to the producer with one release store.
    pub(crate) fn return_pending(&mut self) {
        let n = self.pending.len() as u64;
        let size = self.shared.returned_len() as u64;
        if self.returned_tail + n > self.cached_returned_head + size {
            self.cached_returned_head = self.shared.returned_head.load(Ordering::Acquire);
            // The queue has room for every handle the producer does not
            // hold (N + K entries or more).
            debug_assert!(self.returned_tail + n <= self.cached_returned_head + size);
        }
        for (offset, handle) in self.pending.drain(..).enumerate() {
            self.shared
                .returned(self.returned_tail + offset as u64)
                .store(handle, Ordering::Relaxed);
        }
        self.returned_tail += n;
        // Release: we are done with these slots.
        self.shared
            .returned_tail
            .store(self.returned_tail, Ordering::Release);
    }

    /// Whether the producer half was dropped for good.
    pub(crate) fn is_abandoned(&self) -> bool {
        self.shared.producer_gone.load(Ordering::Acquire)
    }
}

impl<T> Drop for ConsumerCore<T> {
    fn drop(&mut self) {
        // The element layer dropped or moved every claimed item before.
        self.shared.consumer_gone.store(true, Ordering::Release);
        self.shared.wait.close();
    }
}
