//! The concurrent MPSC: bounded registration, lane reuse, fair draining,
//! lossless waiting pushes and closing (small enough for Miri).
#![cfg(all(feature = "std", not(loom)))]

use std::thread;

use spill_ring_core::concurrent::mpsc::{self, RegisterError};
use spill_ring_core::concurrent::{BuildError, WaitError};
use spill_ring_core::CollectSpout;

#[test]
fn registration_stops_at_the_maximum_and_unregistering_frees_a_lane() {
    let (registry, mut consumer) = mpsc::Builder::new(2, 4).build::<u32>().unwrap();
    let mut first = registry.register().unwrap();
    let second = registry.register().unwrap();
    assert_eq!(registry.register().err(), Some(RegisterError::Full));
    assert_eq!((registry.producers(), consumer.producers()), (2, 2));
    first.push(1).unwrap();
    drop(first);
    let mut third = registry.register().unwrap();
    third.push(2).unwrap();
    drop((second, third));
    assert_eq!(registry.producers(), 0);
    let mut got = Vec::new();
    consumer.drain(8, |item| got.push(item));
    assert_eq!(got, [1, 2], "a reused lane keeps its earlier items first");
}

#[test]
fn draining_is_fair_across_lanes() {
    let (registry, mut consumer) = mpsc::Builder::new(3, 64).build::<(u8, u32)>().unwrap();
    let mut busy = registry.register().unwrap();
    let mut quiet = [registry.register().unwrap(), registry.register().unwrap()];
    for i in 0..64 {
        busy.push((0, i)).unwrap();
    }
    for (lane, producer) in quiet.iter_mut().enumerate() {
        for i in 0..6 {
            producer.push((lane as u8 + 1, i)).unwrap();
        }
    }
    let mut got = Vec::new();
    assert_eq!(
        consumer.drain(2, |item| got.push(item)),
        6,
        "a quota of 2 from each lane"
    );
    let lanes: Vec<u8> = got.iter().map(|&(lane, _)| lane).collect();
    assert_eq!(lanes, [0, 0, 1, 1, 2, 2]);
    got.clear();
    consumer.drain(2, |item| got.push(item));
    let lanes: Vec<u8> = got.iter().map(|&(lane, _)| lane).collect();
    assert_eq!(
        lanes,
        [1, 1, 2, 2, 0, 0],
        "the next pass starts one lane further"
    );
    let firsts: Vec<_> = (0..3).map(|_| consumer.pop().unwrap().0).collect();
    assert_eq!(firsts, [2, 0, 1], "pop rotates too");
}

#[test]
fn each_producer_keeps_its_order_and_waiting_pushes_lose_nothing() {
    let items: u32 = if cfg!(miri) { 50 } else { 20_000 };
    let (registry, mut consumer) = mpsc::Builder::new(3, 4)
        .waking(true)
        .build::<(u32, u32)>()
        .unwrap();
    let workers: Vec<_> = (0..3)
        .map(|id| {
            let mut producer = registry.register().unwrap();
            thread::spawn(move || {
                for i in 0..items {
                    producer.push_wait((id, i)).unwrap();
                }
            })
        })
        .collect();
    let mut next = [0; 3];
    let mut received = 0;
    while received < 3 * items {
        received += consumer.drain(3, |(id, i)| {
            assert_eq!(i, next[id as usize], "producer {id} order");
            next[id as usize] += 1;
        }) as u32;
    }
    for worker in workers {
        worker.join().unwrap();
    }
    assert_eq!(next, [items; 3]);
}

#[test]
fn evicting_producers_lose_nothing_between_consumer_and_spouts() {
    let items: u32 = if cfg!(miri) { 100 } else { 50_000 };
    let (registry, mut consumer) = mpsc::Builder::new(2, 8).build::<u32>().unwrap();
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let mut producer = registry.register_with_spout(CollectSpout::new()).unwrap();
            thread::spawn(move || {
                for i in 0..items {
                    producer.push(i).unwrap();
                }
                producer.spout_mut().take()
            })
        })
        .collect();
    let mut popped = 0;
    while !workers.iter().all(|worker| worker.is_finished()) {
        popped += consumer.drain(4, |_| {});
    }
    // `join` orders the producers' last pushes before the last drain.
    let evicted: usize = workers
        .into_iter()
        .map(|worker| worker.join().unwrap().len())
        .sum();
    popped += consumer.drain(8, |_| {});
    assert_eq!(popped + evicted, 2 * items as usize);
}

#[test]
fn closing_wakes_every_waiting_producer_and_stops_registration() {
    let (registry, consumer) = mpsc::Builder::new(2, 1)
        .waking(true)
        .build::<u32>()
        .unwrap();
    let workers: Vec<_> = (0..2)
        .map(|id| {
            let mut producer = registry.register().unwrap();
            producer.push(id).unwrap(); // full now
            thread::spawn(move || producer.push_wait(id + 10))
        })
        .collect();
    consumer.close();
    for (id, worker) in workers.into_iter().enumerate() {
        assert_eq!(
            worker.join().unwrap(),
            Err(WaitError::Closed(id as u32 + 10))
        );
    }
    assert_eq!(registry.register().err(), Some(RegisterError::Closed));
}

#[test]
fn bad_producer_counts_are_refused() {
    assert_eq!(
        mpsc::Builder::new(0, 4).build::<u8>().err(),
        Some(BuildError::Producers(0))
    );
    let too_many = mpsc::MAX_PRODUCERS + 1;
    assert_eq!(
        mpsc::Builder::new(too_many, 4).build::<u8>().err(),
        Some(BuildError::Producers(too_many))
    );
    assert!(matches!(
        mpsc::Builder::new(2, 3).build::<u8>(),
        Err(BuildError::Capacity(_))
    ));
}
