//! The single-entry handoff slot between a worker and the consumer.
//!
//! Every worker owns exactly two rings: its *active* ring, which it always
//! holds, and a second one, which is in the slot as a **spare**, in the slot
//! as a published **batch**, or **out** with whoever is emptying it (the
//! consumer draining it, or the worker folding newer items into it). At the
//! end of a round the worker with a non-empty ring:
//!
//! - finds the spare: publishes its ring as the batch and carries on with
//!   the spare (no allocation: the two rings swap places);
//! - finds an uncollected batch (the consumer is slow): appends its items to
//!   that batch, which evicts its oldest items to the overflow spout when it
//!   fills, and publishes it again, labelled with the new round: this is the
//!   structural backpressure;
//! - finds the ring out with the consumer: keeps its items for the next
//!   round.
//!
//! The consumer takes a published batch, drains it, and puts the ring back
//! as the spare (or, if it stopped half-way, as the batch again). The lock
//! is held only to move a ring in or out, never while items move.

use core::mem;
use std::sync::{Mutex, MutexGuard, PoisonError};

use spout::Spout;

use super::collector::{BatchInfo, Collector};
use crate::HeapRing;

/// Where a worker's second ring is.
enum Held<R> {
    Spare(R),
    Batch { round: u64, ring: R },
    Out,
}

/// One worker's handoff slot.
pub(crate) struct Slot<T, S: Spout<T>> {
    held: Mutex<Held<HeapRing<T, S>>>,
}

/// Puts a ring taken out of a slot back when dropped, even during a panic:
/// as the spare when it is empty, as the batch of `round` otherwise.
struct PutBack<'a, T, S: Spout<T>> {
    slot: &'a Slot<T, S>,
    round: u64,
    ring: Option<HeapRing<T, S>>,
}

impl<T, S: Spout<T>> PutBack<'_, T, S> {
    fn ring(&mut self) -> &mut HeapRing<T, S> {
        self.ring
            .as_mut()
            .expect("the ring is put back only on drop")
    }
}

impl<T, S: Spout<T>> Drop for PutBack<'_, T, S> {
    fn drop(&mut self) {
        let Some(ring) = self.ring.take() else { return };
        let mut held = self.slot.lock();
        debug_assert!(matches!(*held, Held::Out), "the second ring was out");
        *held = if ring.is_empty() {
            Held::Spare(ring)
        } else {
            Held::Batch {
                round: self.round,
                ring,
            }
        };
    }
}

impl<T, S: Spout<T>> Slot<T, S> {
    /// An empty slot; the worker puts its spare in when it starts.
    pub(crate) fn new() -> Self {
        Slot {
            held: Mutex::new(Held::Out),
        }
    }

    /// The slot's state. A panic while the lock was held (only possible
    /// between moves, never half-way through one) leaves it consistent, so
    /// poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, Held<HeapRing<T, S>>> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Worker: hands over the spare ring when the worker starts.
    pub(crate) fn put_spare(&self, spare: HeapRing<T, S>) {
        *self.lock() = Held::Spare(spare);
    }

    /// Worker, at the end of `round`: publishes what `active` holds (see the
    /// module documentation). Returns how many times the overflow spout
    /// failed while a pending batch was extended.
    pub(crate) fn hand_off(&self, active: &mut HeapRing<T, S>, round: u64) -> u64 {
        if active.is_empty() {
            return 0;
        }
        let mut held = self.lock();
        match mem::replace(&mut *held, Held::Out) {
            Held::Spare(spare) => {
                *held = Held::Batch {
                    round,
                    ring: mem::replace(active, spare),
                };
                0
            }
            // The consumer is emptying our other ring: keep the items.
            Held::Out => 0,
            Held::Batch { ring: pending, .. } => {
                // The consumer has not taken the last batch: append this
                // round's items to it, outside the lock.
                drop(held);
                let mut pending = PutBack {
                    slot: self,
                    round,
                    ring: Some(pending),
                };
                let mut failures = 0;
                while let Some(item) = active.pop_mut() {
                    if pending.ring().push_mut(item).is_err() {
                        failures += 1;
                    }
                }
                failures
            }
        }
    }

    /// Consumer: takes the published batch, if any, and delivers its items
    /// to `collector` as batch `worker`; returns how many items left the
    /// ring. The ring goes back into the slot afterwards, even if the
    /// collector fails or panics, with the items it did not take.
    pub(crate) fn collect_into<C: Collector<T>>(
        &self,
        worker: usize,
        collector: &mut C,
    ) -> Result<usize, C::Error> {
        let (round, ring) = {
            let mut held = self.lock();
            match mem::replace(&mut *held, Held::Out) {
                Held::Batch { round, ring } => (round, ring),
                other => {
                    *held = other;
                    return Ok(0);
                }
            }
        };
        let mut batch = PutBack {
            slot: self,
            round,
            ring: Some(ring),
        };
        let ring = batch.ring();
        let before = ring.len();
        let delivered = collector.deliver(
            BatchInfo { round, worker },
            core::iter::from_fn(|| ring.pop_mut()),
        );
        let taken = before - ring.len();
        drop(batch);
        delivered.map(|()| taken)
    }

    /// After the worker's thread ended: the second ring, if the slot holds
    /// it.
    pub(crate) fn take(&self) -> Option<HeapRing<T, S>> {
        match mem::replace(&mut *self.lock(), Held::Out) {
            Held::Spare(ring) | Held::Batch { ring, .. } => Some(ring),
            Held::Out => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::collector::UnorderedCollector;
    use crate::CollectSpout;

    fn ring(items: &[u32]) -> HeapRing<u32, CollectSpout<u32>> {
        let ring = HeapRing::with_capacity_and_spout(4, CollectSpout::new()).unwrap();
        for &item in items {
            ring.push(item);
        }
        ring
    }

    fn collect(slot: &Slot<u32, CollectSpout<u32>>) -> Vec<u32> {
        let mut out = CollectSpout::new();
        slot.collect_into(0, &mut UnorderedCollector::new(&mut out))
            .unwrap();
        out.into_items()
    }

    #[test]
    fn publishing_swaps_the_active_ring_with_the_spare() {
        let slot = Slot::new();
        slot.put_spare(ring(&[]));
        let mut active = ring(&[1, 2]);
        assert_eq!(slot.hand_off(&mut active, 1), 0);
        assert!(active.is_empty());
        assert_eq!(collect(&slot), [1, 2]);
        // The drained ring is the spare again.
        active.push(3);
        slot.hand_off(&mut active, 2);
        assert_eq!(collect(&slot), [3]);
        assert!(collect(&slot).is_empty());
    }

    #[test]
    fn an_uncollected_batch_takes_the_next_rounds_items() {
        let slot = Slot::new();
        slot.put_spare(ring(&[]));
        let mut active = ring(&[1, 2, 3]);
        slot.hand_off(&mut active, 1);
        for i in 4..7 {
            active.push(i);
        }
        slot.hand_off(&mut active, 2);
        assert!(active.is_empty());
        // 1 and 2 overflowed from the pending batch into its spout.
        let mut pending = slot.take().unwrap();
        assert_eq!(pending.spout().items(), &[1, 2]);
        assert_eq!(pending.drain().collect::<Vec<_>>(), [3, 4, 5, 6]);
    }

    #[test]
    fn a_worker_keeps_its_items_while_the_consumer_holds_the_other_ring() {
        let slot = Slot::new();
        let mut active = ring(&[1]);
        slot.hand_off(&mut active, 1); // no spare: the ring is "out"
        assert_eq!(active.len(), 1);
        assert!(slot.take().is_none());
    }

    #[test]
    fn a_failing_collector_leaves_the_rest_published() {
        struct TakeOne;
        impl Collector<u32> for TakeOne {
            type Error = ();
            fn deliver<I: Iterator<Item = u32>>(
                &mut self,
                batch: BatchInfo,
                mut items: I,
            ) -> Result<(), ()> {
                assert_eq!(
                    batch,
                    BatchInfo {
                        round: 7,
                        worker: 3
                    }
                );
                items.next().map(drop).ok_or(())?;
                Err(())
            }
            fn finish(&mut self, _: u64) -> Result<(), ()> {
                Ok(())
            }
        }
        let slot = Slot::new();
        slot.put_spare(ring(&[]));
        let mut active = ring(&[1, 2]);
        slot.hand_off(&mut active, 7);
        assert_eq!(slot.collect_into(3, &mut TakeOne), Err(()));
        assert_eq!(collect(&slot), [2]);
    }
}
