//! A pool round allocates nothing: rings swap through the handoff slots and
//! the arguments' copy lives in the pool. This binary counts every
//! allocation of the process, so it holds this one test only.
#![cfg(feature = "std")]

use std::sync::atomic::Ordering;

use spill_ring_core::{FnSpout, MpscRing, SequencedCollector, UnorderedCollector};

mod alloc_support;

use alloc_support::ALLOCATIONS;

#[test]
#[cfg_attr(miri, ignore)]
fn rounds_allocate_nothing() {
    let mut pool = MpscRing::<u64, 1024>::pool(4).spawn(|ring, worker, count: &u64| {
        for i in 0..*count {
            ring.push(worker as u64 * 1_000_000 + i);
        }
    });
    let mut total = 0_u64;
    let mut sum = FnSpout::new(|item: u64| total = total.wrapping_add(item));
    let mut ordered = SequencedCollector::new(FnSpout::new(|_: u64| {}));
    let mut round = |pool: &mut spill_ring_core::WorkerPool<u64, u64>| {
        // run + collect
        pool.run(&100).unwrap();
        pool.collect(&mut sum).unwrap();
        // dispatch, streaming collect, join, collect
        pool.dispatch(&200);
        pool.collect(&mut sum).unwrap();
        pool.join().unwrap();
        pool.collect(&mut sum).unwrap();
        // a slow consumer: batches fold together, rings overflow
        for _ in 0..3 {
            pool.dispatch(&700);
        }
        pool.join().unwrap();
        // fan-in, unordered and sequenced
        pool.with_fan_in(UnorderedCollector::new(&mut sum), |fan_in| {
            fan_in.run(&50).unwrap();
            fan_in.collect().unwrap();
        });
        pool.with_fan_in(&mut ordered, |fan_in| {
            fan_in.dispatch(&50);
            fan_in.collect().unwrap();
            fan_in.join().unwrap();
            fan_in.collect().unwrap();
        });
    };
    // Warm up: thread handles, the sequenced collector's buffers.
    for _ in 0..3 {
        round(&mut pool);
    }
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    for _ in 0..50 {
        round(&mut pool);
    }
    let during = ALLOCATIONS.load(Ordering::SeqCst) - before;
    assert_eq!(during, 0, "allocations during 50 steady-state rounds");
    assert!(total > 0);
}
