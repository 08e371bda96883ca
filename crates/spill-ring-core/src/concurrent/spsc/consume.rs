//! The consumer's half of the protocol (see `shared`): claims, with one
//! compare-exchange per batch, and `released`, stored once a claim's items
//! are finished.

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
    /// The end of our last claim: `released` once its items are finished.
    claim_end: u64,
    /// The last `released` we stored.
    released: u64,
    /// Slots of the items claimed and not yet finished, oldest first; at
    /// most K.
    pub(crate) claimed: Vec<u32>,
}

impl<T> ConsumerCore<T> {
    /// The consumer's state over fresh `shared` state; fails only when an
    /// allocation does.
    pub(crate) fn try_new(shared: Arc<Shared<T>>) -> Result<Self, BuildError> {
        let hold = shared.hold();
        Ok(ConsumerCore {
            shared,
            cached_tail: 0,
            claim_end: 0,
            released: 0,
            claimed: try_vec(hold)?,
        })
    }

    /// Claims up to `max` (at most K) of the oldest items with one
    /// compare-exchange. Their slots are appended to `claimed`, which must
    /// be empty (claims do not overlap: the element layers finish one before
    /// the next); returns how many.
    #[inline]
    pub(crate) fn claim(&mut self, max: usize) -> usize {
        debug_assert!(self.claimed.is_empty(), "claims do not overlap");
        let want = max.min(self.shared.hold()) as u64;
        if want == 0 {
            return 0;
        }
        loop {
            // Acquire: an eviction that moved `head` released the producer's
            // tail, so the tail we load next is at least `head`.
            let head = self.shared.front.head.load(Ordering::Acquire);
            if self.cached_tail < head + want {
                // Acquire: the items and map entries below `tail` are
                // written.
                self.cached_tail = self.shared.tail.load(Ordering::Acquire);
            }
            let end = self.cached_tail.min(head + want);
            if end <= head {
                return 0;
            }
            for index in head..end {
                self.claimed
                    .push(self.shared.map(index).load(Ordering::Relaxed));
            }
            let mut from = head;
            loop {
                // Release: our map reads (and `released` stored before) come
                // before any rewrite by the producer, which rewrites an entry
                // only after seeing `head` past it.
                match self.shared.front.head.compare_exchange(
                    from,
                    end,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    Ok(_) => {
                        let lost = (from - head) as usize;
                        self.claimed.drain(..lost);
                        self.claim_end = end;
                        self.shared.wait.notify();
                        return (end - from) as usize;
                    }
                    // The producer evicted a prefix: the rest is still ours
                    // to take.
                    Err(now) if now < end => from = now,
                    // Everything we read was evicted: start over.
                    Err(_) => {
                        self.claimed.clear();
                        break;
                    }
                }
            }
        }
    }

    /// Marks the `n` oldest claimed items as finished (moved out or
    /// dropped); once all are, stores `released`, so the producer may write
    /// their slots again.
    #[inline]
    pub(crate) fn finish(&mut self, n: usize) {
        self.claimed.drain(..n);
        if self.claimed.is_empty() && self.released < self.claim_end {
            self.released = self.claim_end;
            // Release: we are done with the slots of the items below it.
            self.shared
                .front
                .released
                .store(self.released, Ordering::Release);
        }
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
