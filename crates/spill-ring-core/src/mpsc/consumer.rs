//! [`Consumer`] and [`collect`]: merging producers back and draining them.

use alloc::vec::Vec;
use core::fmt;

use spout::{DropSpout, Spout};

use super::Producer;

/// The consuming side of an [`MpscRing`](crate::MpscRing): holds the
/// producers handed back to it and drains their items into any spout.
///
/// Producers are kept in id order (a stable order: two rings with the same
/// id keep the order in which they arrived), so [`drain`](Consumer::drain)
/// delivers producer 0's items oldest first, then producer 1's, and so on.
/// Order between producers is not otherwise meaningful.
///
/// Dropping a consumer drops its rings, which flush their items to their own
/// spouts.
pub struct Consumer<T, S: Spout<T> = DropSpout> {
    producers: Vec<Producer<T, S>>,
}

impl<T, S: Spout<T>> Consumer<T, S> {
    /// Creates a consumer holding no producer.
    pub const fn new() -> Self {
        Consumer {
            producers: Vec::new(),
        }
    }

    /// Takes `producers` back, keeping every producer's items in place.
    pub fn collect<I: IntoIterator<Item = Producer<T, S>>>(&mut self, producers: I) {
        self.producers.extend(producers);
        self.producers.sort_by_key(Producer::id);
    }

    /// How many producers (rings) the consumer holds.
    pub fn num_producers(&self) -> usize {
        self.producers.len()
    }

    /// How many items the consumer's rings hold in all.
    pub fn len(&self) -> usize {
        self.producers.iter().map(|p| p.len()).sum()
    }

    /// Whether every ring is empty.
    pub fn is_empty(&self) -> bool {
        self.producers.iter().all(|p| p.is_empty())
    }

    /// Sends every item to `out`: producer by producer in id order, each
    /// producer's items oldest first.
    ///
    /// Each item leaves its ring before it is sent, so when `out` fails (or
    /// panics) the items not yet sent stay in the consumer.
    pub fn drain<D: Spout<T>>(&mut self, out: &mut D) -> Result<(), D::Error> {
        for producer in &self.producers {
            producer.drain_into(out)?;
        }
        Ok(())
    }

    /// The producers, in id order.
    pub fn producers(&self) -> &[Producer<T, S>] {
        &self.producers
    }

    /// The producers, mutably (to reach their rings' spouts, say).
    pub fn producers_mut(&mut self) -> &mut [Producer<T, S>] {
        &mut self.producers
    }

    /// Returns the producers, in id order, with whatever they still hold.
    pub fn into_producers(self) -> Vec<Producer<T, S>> {
        self.producers
    }
}

impl<T, S: Spout<T>> Default for Consumer<T, S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, S: Spout<T>> fmt::Debug for Consumer<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("producers", &self.producers)
            .finish()
    }
}

/// Hands `producers` back to `consumer` (the same as
/// [`Consumer::collect`]).
pub fn collect<T, S, I>(producers: I, consumer: &mut Consumer<T, S>)
where
    S: Spout<T>,
    I: IntoIterator<Item = Producer<T, S>>,
{
    consumer.collect(producers);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CollectSpout;

    fn producer(id: usize, items: &[u32]) -> Producer<u32> {
        let p = Producer::with_capacity(id, 8, DropSpout).unwrap();
        for &item in items {
            p.push(item);
        }
        p
    }

    #[test]
    fn drains_in_producer_order_keeping_each_producers_order() {
        let mut consumer = Consumer::new();
        collect(
            [producer(1, &[10, 11]), producer(0, &[1, 2, 3])],
            &mut consumer,
        );
        consumer.collect([producer(2, &[20])]);
        assert_eq!(consumer.num_producers(), 3);
        assert_eq!(consumer.len(), 6);
        let mut out = CollectSpout::new();
        consumer.drain(&mut out);
        assert_eq!(out.items(), &[1, 2, 3, 10, 11, 20]);
        assert!(consumer.is_empty());
        assert_eq!(consumer.into_producers().len(), 3);
    }

    #[test]
    fn a_failing_spout_leaves_the_rest_in_place() {
        struct Refuse(usize);
        impl Spout<u32> for Refuse {
            type Error = u32;
            fn send(&mut self, item: u32) -> Result<(), u32> {
                if self.0 == 0 {
                    return Err(item);
                }
                self.0 -= 1;
                Ok(())
            }
        }
        let mut consumer = Consumer::new();
        consumer.collect([producer(0, &[1, 2]), producer(1, &[3, 4])]);
        assert_eq!(consumer.drain(&mut Refuse(3)), Err(4));
        assert!(consumer.is_empty());
        consumer.collect([producer(2, &[5, 6])]);
        assert_eq!(consumer.drain(&mut Refuse(0)), Err(5));
        assert_eq!(consumer.len(), 1);
    }
}
