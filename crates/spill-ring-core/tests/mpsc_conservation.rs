//! MpscRing: every pushed item ends up exactly once in {popped, still in a
//! ring, the spout}, each producer's order is kept, and nothing is dropped
//! twice or leaked.
#![cfg(feature = "std")]

mod pool_support;

use std::thread;

use pool_support::{
    assert_each_once, assert_in_order_per_worker, id, shared, taken, Counted, DropBoard,
};
use spill_ring_core::{collect, CollectSpout, Consumer, MpscRing, Producer};

#[test]
#[cfg_attr(miri, ignore)]
fn threads_push_pop_and_evict_without_losing_an_item() {
    const PRODUCERS: usize = 4;
    const PER_PRODUCER: u64 = 5_000;
    let spout = shared();
    let (producers, mut consumer) =
        MpscRing::<u64, 64, _>::with_consumer_and_spout(PRODUCERS, spout.clone());
    let results: Vec<(Producer<u64, _>, Vec<u64>)> = thread::scope(|s| {
        let running: Vec<_> = producers
            .into_iter()
            .map(|producer| {
                s.spawn(move || {
                    let mut popped = Vec::new();
                    for i in 0..PER_PRODUCER {
                        producer.push(id(producer.id(), 0, i)).unwrap();
                        if i % 7 == 0 {
                            popped.extend(producer.pop());
                        }
                    }
                    (producer, popped)
                })
            })
            .collect();
        running.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut popped = Vec::new();
    let mut finished = Vec::new();
    for (producer, mine) in results {
        assert_in_order_per_worker(&mine);
        popped.extend(mine);
        finished.push(producer);
    }
    collect(finished, &mut consumer);
    assert_eq!(consumer.num_producers(), PRODUCERS);
    let mut drained = CollectSpout::new();
    consumer.drain(&mut drained);
    let drained = drained.into_items();
    // The consumer drains producer by producer, each oldest first.
    assert_in_order_per_worker(&drained);
    assert!(drained.windows(2).all(|w| w[0] >> 40 <= w[1] >> 40));

    let evicted = taken(&spout);
    assert!(!evicted.is_empty(), "the rings overflowed into the spout");
    assert_in_order_per_worker(&evicted);
    let everything: Vec<u64> = [popped, drained, evicted].concat();
    assert_each_once(
        &everything,
        (0..PRODUCERS).flat_map(|p| (0..PER_PRODUCER).map(move |i| id(p, 0, i))),
    );
}

#[test]
fn items_left_in_rings_are_conserved_too() {
    let spout = shared();
    let producers = MpscRing::<u64, 4, _>::with_spout(2, spout.clone());
    for i in 0..6 {
        producers[0].push(id(0, 0, i)).unwrap();
    }
    producers[1].push(id(1, 0, 0)).unwrap();
    let mut consumer = Consumer::new();
    consumer.collect(producers);
    assert_eq!(consumer.len(), 5);
    // What stays in the consumer plus what the spout got is everything.
    let mut left: Vec<u64> = Vec::new();
    for producer in consumer.producers_mut() {
        left.extend(producer.drain());
    }
    let everything = [left, taken(&spout)].concat();
    assert_each_once(
        &everything,
        (0..6).map(|i| id(0, 0, i)).chain([id(1, 0, 0)]),
    );
}

#[test]
fn every_item_is_dropped_exactly_once() {
    let board = DropBoard::new(300);
    {
        let (producers, mut consumer) = MpscRing::<Counted, 8>::with_consumer(3);
        for (p, producer) in producers.iter().enumerate() {
            for i in 0..100 {
                // 92 of each producer's items are evicted to DropSpout.
                producer.push(Counted::new(p * 100 + i, &board));
            }
        }
        collect(producers, &mut consumer);
        let mut out = CollectSpout::new();
        // Drain one producer's worth, leave the rest in the consumer.
        consumer.producers_mut()[0].drain_into(&mut out).unwrap();
        assert_eq!(out.len(), 8);
        assert_eq!(consumer.len(), 16);
        drop(out);
    }
    board.assert_each_dropped_once();
}

#[test]
fn producers_dropped_on_their_threads_flush_to_their_spouts() {
    let spout = shared();
    let producers = MpscRing::<u64, 16, _>::with_spout(3, spout.clone());
    thread::scope(|s| {
        for producer in producers {
            s.spawn(move || {
                for i in 0..10 {
                    producer.push(id(producer.id(), 0, i)).unwrap();
                }
            });
        }
    });
    let everything = taken(&spout);
    assert_in_order_per_worker(&everything);
    assert_each_once(
        &everything,
        (0..3).flat_map(|p| (0..10).map(move |i| id(p, 0, i))),
    );
}
