//! Multiple producers, one consumer, and nothing shared between them: every
//! [`Producer`] owns a ring of its own, so pushes take no lock and no atomic
//! operation. When the producers are done they are handed back to a
//! [`Consumer`] ([`collect`]), which drains them into any spout.

mod consumer;
mod producer;

use alloc::vec::Vec;
use core::marker::PhantomData;

use spout::{DropSpout, Spout};

use crate::capacity::const_capacity;

pub use consumer::{collect, Consumer};
pub use producer::Producer;

/// Zero-contention multi-producer rings: `n` [`Producer`]s, each with its
/// own ring of capacity `N`, and a [`Consumer`] that merges them back.
///
/// `MpscRing` itself holds nothing: it names the element type, the capacity
/// and the spout type, and creates the producers. `N` must be a power of
/// two, greater than zero and at most [`MAX_CAPACITY`](crate::MAX_CAPACITY);
/// anything else fails to compile. The rings' slots are allocated on the
/// heap, so a large `N` costs no stack.
///
/// Each producer keeps its own items in order; the consumer drains producer
/// by producer, in id order. A full producer evicts its oldest item to its
/// spout (by default dropped; see [`with_spout`](MpscRing::with_spout)).
///
/// With the `std` feature, `MpscRing::pool` starts a `WorkerPool`:
/// persistent threads that each own a ring
/// of capacity `N`.
///
/// # Example
///
/// ```
/// use std::thread;
/// use spill_ring_core::{MpscRing, CollectSpout, collect};
///
/// // Create 4 producers and a consumer
/// let (producers, mut consumer) = MpscRing::<u64, 1024>::with_consumer(4);
///
/// // Each producer runs on its own thread at full speed
/// let finished: Vec<_> = thread::scope(|s| {
///     producers
///         .into_iter()
///         .map(|producer| {
///             s.spawn(move || {
///                 for i in 0..100_000 {
///                     producer.push(i);
///                 }
///                 producer // Return producer for collection
///             })
///         })
///         .collect::<Vec<_>>()
///         .into_iter()
///         .map(|h| h.join().unwrap())
///         .collect()
/// });
///
/// // Merge producers back and drain all items
/// collect(finished, &mut consumer);
/// let mut sink = CollectSpout::new();
/// consumer.drain(&mut sink);
/// // Process items (order across producers not guaranteed)
/// # assert_eq!(sink.len(), 4 * 1024);
/// # for chunk in sink.items().chunks(1024) {
/// #     assert!(chunk.iter().copied().eq(100_000 - 1024..100_000));
/// # }
/// ```
///
/// A capacity that is not a power of two does not compile:
///
/// ```compile_fail
/// let producers = spill_ring_core::MpscRing::<u8, 1000>::producers(2);
/// ```
pub struct MpscRing<T, const N: usize, S = DropSpout> {
    _types: PhantomData<fn() -> (T, S)>,
}

impl<T, const N: usize, S> core::fmt::Debug for MpscRing<T, N, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MpscRing").field("capacity", &N).finish()
    }
}

impl<T, const N: usize, S> MpscRing<T, N, S> {
    /// `N`, once it is known to be a valid capacity (a build error
    /// otherwise).
    pub(crate) const CAPACITY: usize = const_capacity!(N, "MpscRing<T, N, S>");
}

impl<T, const N: usize> MpscRing<T, N, DropSpout> {
    /// Creates `producers` producers whose evicted items are dropped.
    pub fn producers(producers: usize) -> Vec<Producer<T>> {
        let _: usize = Self::CAPACITY;
        MpscRing::<T, N, DropSpout>::with_spout(producers, DropSpout)
    }

    /// Creates `producers` producers whose evicted items are dropped, and
    /// an empty consumer to hand them back to.
    pub fn with_consumer(producers: usize) -> (Vec<Producer<T>>, Consumer<T>) {
        let _: usize = Self::CAPACITY;
        (Self::producers(producers), Consumer::new())
    }
}

impl<T, const N: usize, S: Spout<T> + Clone> MpscRing<T, N, S> {
    /// Creates `producers` producers whose rings evict into clones of
    /// `spout` (a clone per producer; the last producer gets `spout`
    /// itself). A `ProducerSpout` gives every clone its own id and inner
    /// spout.
    pub fn with_spout(producers: usize, spout: S) -> Vec<Producer<T, S>> {
        let mut out = Vec::with_capacity(producers);
        let mut spout = Some(spout);
        for id in 0..producers {
            let own = if id + 1 == producers {
                spout
                    .take()
                    .expect("the spout is moved once, into the last producer")
            } else {
                spout.clone().expect("the spout is still here")
            };
            out.push(
                Producer::with_capacity(id, Self::CAPACITY, own)
                    .expect("N is a valid capacity, checked at compile time"),
            );
        }
        out
    }

    /// Creates `producers` producers evicting into clones of `spout`, and an
    /// empty consumer to hand them back to.
    pub fn with_consumer_and_spout(
        producers: usize,
        spout: S,
    ) -> (Vec<Producer<T, S>>, Consumer<T, S>) {
        let _: usize = Self::CAPACITY;
        (Self::with_spout(producers, spout), Consumer::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CollectSpout;

    #[test]
    fn producers_get_ids_and_their_own_rings() {
        let (producers, mut consumer) = MpscRing::<u32, 4>::with_consumer(3);
        assert_eq!(producers.len(), 3);
        for (i, p) in producers.iter().enumerate() {
            assert_eq!(p.id(), i);
            assert_eq!(p.capacity(), 4);
            p.push(i as u32);
        }
        producers[1].push(7);
        collect(producers, &mut consumer);
        let mut out = CollectSpout::new();
        consumer.drain(&mut out);
        assert_eq!(out.items(), &[0, 1, 7, 2]);
    }

    #[test]
    fn each_producer_evicts_into_its_own_spout_clone() {
        let producers = MpscRing::<u32, 2, _>::with_spout(2, CollectSpout::new());
        for i in 0..3 {
            producers[0].push(i);
            producers[1].push(10 + i);
        }
        let mut producers = producers;
        assert_eq!(producers[0].spout().items(), &[0]);
        assert_eq!(producers[1].spout().items(), &[10]);
    }

    #[test]
    fn no_producers_is_fine() {
        let (producers, consumer) = MpscRing::<u8, 1, _>::with_consumer_and_spout(0, DropSpout);
        assert!(producers.is_empty());
        assert!(consumer.is_empty());
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn large_capacities_do_not_touch_the_stack() {
        // 2^20 slots of 64 bytes would be 64 MiB on the stack.
        let producers = MpscRing::<[u64; 8], { 1 << 20 }>::producers(1);
        producers[0].push([1; 8]);
        assert_eq!(producers[0].capacity(), 1 << 20);
    }
}
