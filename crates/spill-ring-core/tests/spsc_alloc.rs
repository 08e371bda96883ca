//! Pushing, popping, evicting, reserving, reading and waiting on the
//! concurrent rings allocate nothing once built. This binary counts every
//! allocation of the process, so it holds this one test only.
#![cfg(all(feature = "std", not(loom)))]

use std::sync::atomic::Ordering;
use std::time::Duration;

use spill_ring_core::concurrent::{mpsc, spsc};
use spill_ring_core::FnSpout;

mod alloc_support;

use alloc_support::ALLOCATIONS;

#[test]
#[cfg_attr(miri, ignore)]
fn ring_operations_allocate_nothing() {
    let mut sum = 0_u64;
    let (mut producer, mut consumer) = spsc::Builder::new(8)
        .hold(4)
        .waking(true)
        .build_with_spout(FnSpout::new(|item: u64| sum = sum.wrapping_add(item)))
        .unwrap();
    let (registry, mut lanes) = mpsc::Builder::new(2, 8)
        .waking(true)
        .build::<u64>()
        .unwrap();
    let mut round = |producer: &mut spsc::Producer<u64, _>, consumer: &mut spsc::Consumer<u64>| {
        for i in 0..20 {
            producer.push(i).unwrap(); // evicts past 8
        }
        let _ = producer.try_push(1);
        let mut chunk = producer.reserve(3);
        while chunk.push(7).is_ok() {}
        chunk.commit().unwrap();
        let mut total = 0;
        total += consumer.pop().unwrap_or(0);
        let mut out = [0; 2];
        consumer.pop_slice(&mut out);
        consumer.consume_all(|item| total += item);
        producer.push_wait(5).unwrap();
        for _ in 0..8 {
            producer.push(1).unwrap();
        }
        // Full: the wait parks (timing out) and unparks.
        let _ = producer.push_wait_timeout(6, Duration::from_millis(1));
        let chunk = consumer.read(4);
        total += chunk.iter().sum::<u64>();
        drop(chunk);
        consumer.consume_all(|item| total += item);
        let mut lane = registry.register().unwrap();
        for i in 0..12 {
            lane.push(i).unwrap();
        }
        drop(lane); // unregisters
        lanes.drain(4, |item| total += item);
        while lanes.pop().is_some() {}
        total
    };
    // Warm up: the thread handle of the waiting push.
    round(&mut producer, &mut consumer);
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    for _ in 0..50 {
        round(&mut producer, &mut consumer);
    }
    let during = ALLOCATIONS.load(Ordering::SeqCst) - before;
    assert_eq!(during, 0, "allocations during 50 rounds");
    drop(producer);
    assert!(sum > 0);
}
