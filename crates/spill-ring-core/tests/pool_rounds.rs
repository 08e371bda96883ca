//! WorkerPool rounds: dispatch returns at once, join waits, run lends its
//! arguments, collect takes what is published without waiting, and the
//! pool's rings come back through `into_consumer` or flush on drop.
#![cfg(feature = "std")]

mod pool_support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use pool_support::{assert_each_once, assert_in_order_per_worker, id, shared, taken};
use spill_ring_core::{
    CapacityError, CollectSpout, HeapRing, MpscRing, PoolBuilder, PoolError, Spout,
    UnorderedCollector, WorkerPool,
};

/// Spins until `done()` or a generous deadline.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        thread::yield_now();
    }
}

/// Pushes `count` ids of this worker and round.
fn push_ids(ring: &HeapRing<u64>, worker: usize, &(round, count): &(u64, u64)) {
    for i in 0..count {
        ring.push(id(worker, round, i));
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn run_then_collect_gets_every_item_in_worker_order() {
    let mut pool = MpscRing::<u64, 1024>::pool(4).spawn(push_ids);
    assert_eq!(pool.num_workers(), 4);
    assert_eq!(pool.capacity(), 1024);
    pool.run(&(1, 100)).unwrap();
    assert!(pool.is_finished());
    let mut out = CollectSpout::new();
    assert_eq!(pool.collect(&mut out), Ok(400));
    assert_eq!(pool.collect(&mut out), Ok(0), "nothing is published twice");
    let items = out.into_items();
    assert_in_order_per_worker(&items);
    assert_each_once(
        &items,
        (0..4).flat_map(|w| (0..100).map(move |i| id(w, 1, i))),
    );
    assert_eq!(pool.rounds_dispatched(), 1);
}

#[test]
#[cfg_attr(miri, ignore)]
fn dispatch_returns_before_the_round_ends_and_collect_does_not_wait() {
    let release = Arc::new(AtomicBool::new(false));
    let gate = Arc::clone(&release);
    let mut pool = PoolBuilder::<u64>::new(2, 64).spawn(move |ring, worker, round: &u64| {
        ring.push(id(worker, *round, 0));
        if worker == 1 {
            while !gate.load(Ordering::Acquire) {
                thread::yield_now();
            }
            ring.push(id(worker, *round, 1));
        }
    });
    pool.dispatch(&1);
    assert!(!pool.is_finished(), "worker 1 is held back");
    // Worker 0's batch is published while worker 1 still works.
    let mut out = CollectSpout::new();
    eventually("worker 0's batch", || pool.collect(&mut out).unwrap() > 0);
    assert_eq!(out.items(), &[id(0, 1, 0)]);
    assert!(!pool.is_finished());
    release.store(true, Ordering::Release);
    pool.join().unwrap();
    assert!(pool.is_finished());
    pool.collect(&mut out).unwrap();
    assert_eq!(out.items(), &[id(0, 1, 0), id(1, 1, 0), id(1, 1, 1)]);
    // Joining again with no round in flight returns at once.
    pool.join().unwrap();
}

/// Arguments that count their clones.
struct Counting(Arc<AtomicUsize>);

impl Clone for Counting {
    fn clone(&self) -> Self {
        self.0.fetch_add(1, Ordering::SeqCst);
        Counting(Arc::clone(&self.0))
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn run_lends_the_arguments_and_dispatch_copies_them() {
    let mut pool = PoolBuilder::<u64>::new(3, 8).spawn(|ring, _, args: &Counting| {
        ring.push(args.0.load(Ordering::SeqCst) as u64);
    });
    let clones = Arc::new(AtomicUsize::new(0));
    let args = Counting(Arc::clone(&clones));
    pool.run(&args).unwrap();
    assert_eq!(clones.load(Ordering::SeqCst), 0);
    pool.dispatch(&args);
    drop(args); // the pool holds its own copy while the round runs
    pool.join().unwrap();
    assert_eq!(clones.load(Ordering::SeqCst), 1);
}

#[test]
#[cfg_attr(miri, ignore)]
fn dispatching_during_a_round_waits_for_it_first() {
    let mut pool = PoolBuilder::<u64>::new(2, 1024).spawn(push_ids);
    for round in 1..=20 {
        pool.dispatch(&(round, 10));
    }
    pool.join().unwrap();
    assert_eq!(pool.rounds_dispatched(), 20);
    // Nothing was collected: each worker folded its batches together, and
    // the consumer gets them back in order.
    let mut out = CollectSpout::new();
    pool.into_consumer().drain(&mut out);
    let items = out.into_items();
    assert_in_order_per_worker(&items);
    assert_each_once(
        &items,
        (0..2).flat_map(|w| (1..=20).flat_map(move |r| (0..10).map(move |i| id(w, r, i)))),
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn into_consumer_returns_published_and_active_items_in_order() {
    let mut pool = PoolBuilder::<u64>::new(2, 64).spawn(push_ids);
    pool.run(&(1, 3)).unwrap(); // published, not collected
    let mut consumer = pool.into_consumer();
    assert_eq!(consumer.len(), 6);
    let mut out = CollectSpout::new();
    consumer.drain(&mut out);
    assert_eq!(
        out.into_items(),
        [
            id(0, 1, 0),
            id(0, 1, 1),
            id(0, 1, 2),
            id(1, 1, 0),
            id(1, 1, 1),
            id(1, 1, 2)
        ]
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn dropping_the_pool_flushes_every_ring_to_the_overflow_spout() {
    let spout = shared();
    let mut pool = MpscRing::<u64, 16>::pool_with_spout(3, spout.clone()).spawn(
        |ring: &HeapRing<u64, _>, worker, round: &u64| {
            for i in 0..20 {
                ring.push(id(worker, *round, i)).unwrap();
            }
        },
    );
    pool.run(&1).unwrap();
    pool.dispatch(&2);
    drop(pool);
    let items = taken(&spout);
    assert_each_once(
        &items,
        (0..3).flat_map(|w| (1..=2).flat_map(move |r| (0..20).map(move |i| id(w, r, i)))),
    );
}

#[test]
fn a_pool_that_cannot_start_says_why() {
    let work = |_: &HeapRing<u8>, _: usize, _: &()| {};
    assert!(matches!(
        PoolBuilder::<u8>::new(0, 8).try_spawn(work),
        Err(PoolError::NoWorkers)
    ));
    assert!(matches!(
        PoolBuilder::<u8>::new(2, 12).try_spawn(work),
        Err(PoolError::Capacity(CapacityError::NotPowerOfTwo(12)))
    ));
    assert!(matches!(
        PoolBuilder::<u8>::new(1, 1 << 21).try_spawn(work),
        Err(PoolError::Capacity(CapacityError::TooLarge(_)))
    ));
}

#[test]
#[should_panic(expected = "at least one worker")]
fn spawn_panics_when_the_pool_cannot_start() {
    let _pool: WorkerPool<u8, ()> = MpscRing::<u8, 8>::pool(0).spawn(|_, _, _: &()| {});
}

#[test]
#[cfg_attr(miri, ignore)]
fn workers_can_be_pinned_to_cores() {
    let pool = PoolBuilder::<u8>::new(2, 8)
        .pin_cores()
        .spawn(|_, _, _: &()| {});
    assert_eq!(pool.worker_cores().len(), 2);
    if cfg!(target_os = "linux") {
        assert!(pool.worker_cores().iter().all(Option::is_some));
        let cpus = thread::available_parallelism().map_or(1, |n| n.get());
        if cpus >= 2 {
            assert_ne!(pool.worker_cores()[0], pool.worker_cores()[1]);
        }
    } else {
        assert!(pool.worker_cores().iter().all(Option::is_none));
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_fan_in_is_a_spout() {
    let mut pool = PoolBuilder::<u64>::new(2, 64).spawn(push_ids);
    let mut out = CollectSpout::new();
    {
        let mut fan_in = pool.fan_in(UnorderedCollector::new(&mut out));
        fan_in.run(&(1, 2)).unwrap();
        fan_in.send(7).unwrap(); // from elsewhere, straight through
        Spout::flush(&mut fan_in).unwrap(); // collects the workers
        assert_eq!(fan_in.pool().rounds_dispatched(), 1);
    }
    assert_eq!(
        out.items(),
        &[7, id(0, 1, 0), id(0, 1, 1), id(1, 1, 0), id(1, 1, 1)]
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn one_pools_output_feeds_the_next() {
    let mut generate = PoolBuilder::<u64>::new(2, 256).spawn(|ring, worker, count: &u64| {
        for i in 0..*count {
            ring.push(worker as u64 * 1000 + i);
        }
    });
    let mut square = PoolBuilder::<u64>::new(2, 256).spawn(|ring, worker, items: &Vec<u64>| {
        for &item in items.iter().skip(worker).step_by(2) {
            ring.push(item * item);
        }
    });
    generate.run(&10).unwrap();
    let mut between = CollectSpout::new();
    generate.collect(&mut between).unwrap();
    square.run(&between.into_items()).unwrap();
    let mut out = CollectSpout::new();
    square.collect(&mut out).unwrap();
    let mut items = out.into_items();
    items.sort_unstable();
    let mut expected: Vec<u64> = (0..2)
        .flat_map(|w| (0..10).map(move |i| (w * 1000 + i) * (w * 1000 + i)))
        .collect();
    expected.sort_unstable();
    assert_eq!(items, expected);
}
