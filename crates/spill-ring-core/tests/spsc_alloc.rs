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
    // The raw rings (run-time-sized elements), the same calls.
    let (mut raw_producer, mut raw_consumer) = spsc::Builder::new(8)
        .hold(4)
        .waking(true)
        .build_raw(24)
        .unwrap();
    let (raw_registry, mut raw_lanes) = mpsc::Builder::new(2, 8).build_raw(24).unwrap();
    let mut raw_round = || {
        let mut total = 0_usize;
        let evicted = core::cell::Cell::new(0_usize);
        let mut evict = |old: &[u8]| {
            evicted.set(evicted.get() + old[0] as usize);
            Ok::<(), ()>(())
        };
        for i in 0..20 {
            raw_producer.push(&[i; 24], &mut evict).unwrap();
        }
        let _ = raw_producer.try_push(&[1; 24]);
        let (n, _) = raw_producer.reserve(3, &mut evict);
        for at in 0..n {
            let slot = raw_producer.reserved_slot(at).unwrap();
            // SAFETY: a reserved slot has 24 writable bytes.
            unsafe { slot.write_bytes(7, 24) };
        }
        // SAFETY: all are written.
        unsafe { raw_producer.commit(n) };
        let mut out = [0; 48];
        raw_consumer.pop_into(&mut out);
        raw_consumer.pop_slice(&mut out);
        raw_consumer.consume_all(|bytes| total += bytes[0] as usize);
        raw_producer.push_wait(&[5; 24], None).unwrap();
        for _ in 0..8 {
            raw_producer.push(&[1; 24], &mut evict).unwrap();
        }
        let _ = raw_producer.push_wait(&[6; 24], Some(Duration::from_millis(1)));
        for at in 0..raw_consumer.read(4) {
            total += raw_consumer
                .read_slot(at)
                .map_or(0, |slot| slot as usize & 1);
        }
        raw_consumer.release();
        raw_consumer.consume_all(|bytes| total += bytes[0] as usize);
        let mut lane = raw_registry.register().unwrap();
        for i in 0..12 {
            lane.push(&[i; 24], &mut evict).unwrap();
        }
        drop(lane);
        raw_lanes.drain(4, |bytes| total += bytes[0] as usize);
        while raw_lanes.pop_into(&mut out) {}
        total + evicted.get()
    };
    // Warm up: the thread handle of the waiting push.
    round(&mut producer, &mut consumer);
    raw_round();
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    for _ in 0..50 {
        round(&mut producer, &mut consumer);
        raw_round();
    }
    let during = ALLOCATIONS.load(Ordering::SeqCst) - before;
    assert_eq!(during, 0, "allocations during 50 rounds");
    drop(producer);
    assert!(sum > 0);
}
