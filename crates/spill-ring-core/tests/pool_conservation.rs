//! WorkerPool conservation: every pushed item is found exactly once in
//! {collected, still in a ring, the overflow spout}, under backpressure,
//! with sequenced collection, with mergers, and when a worker panics; and
//! every item is dropped exactly once.
#![cfg(feature = "std")]

mod pool_support;

use std::sync::Mutex;
use std::thread;

use pool_support::{
    assert_each_once, assert_in_order_per_worker, id, round_of, shared, taken, worker_of, Counted,
    DropBoard, Shared,
};
use spill_ring_core::{
    CollectSpout, HeapRing, MpscRing, PoolBuilder, SequencedCollector, UnorderedCollector,
    WorkerPool,
};

type Ring = HeapRing<u64, Shared<u64>>;

/// Each worker pushes `count` ids for `round`.
fn push_ids(ring: &Ring, worker: usize, &(round, count): &(u64, u64)) {
    for i in 0..count {
        ring.push(id(worker, round, i)).unwrap();
    }
}

fn all_ids(
    workers: usize,
    rounds: u64,
    count: impl Fn(u64) -> u64 + Copy,
) -> impl Iterator<Item = u64> {
    (0..workers)
        .flat_map(move |w| (1..=rounds).flat_map(move |r| (0..count(r)).map(move |i| id(w, r, i))))
}

/// A pool whose rounds take `(round, count)` and whose rings overflow into a
/// shared spout.
type OverflowPool = WorkerPool<u64, (u64, u64), Shared<u64>>;

/// A pool of `workers` running `push_ids`, with rings of `capacity` slots
/// evicting into the returned shared spout.
fn pool_with_overflow(workers: usize, capacity: usize) -> (OverflowPool, Shared<u64>) {
    let overflow = shared();
    let pool = PoolBuilder::<u64>::new(workers, capacity)
        .spout(overflow.clone())
        .spawn(push_ids);
    (pool, overflow)
}

/// Whatever the pool still holds, drained worker by worker.
fn remaining(pool: WorkerPool<u64, (u64, u64), Shared<u64>>) -> Vec<u64> {
    let mut out = CollectSpout::new();
    pool.into_consumer().drain(&mut out);
    out.into_items()
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_slow_consumer_pushes_back_without_losing_an_item() {
    const WORKERS: usize = 4;
    const ROUNDS: u64 = 60;
    const PER_ROUND: u64 = 5;
    let overflow = shared();
    let mut pool = MpscRing::<u64, 8>::pool_with_spout(WORKERS, overflow.clone()).spawn(push_ids);
    let mut collected = CollectSpout::new();
    for round in 1..=ROUNDS {
        pool.dispatch(&(round, PER_ROUND));
        // The consumer only keeps up now and then: the other rounds find
        // the last batch uncollected and fold into it.
        if round % 7 == 0 {
            pool.join().unwrap();
            pool.collect(&mut collected).unwrap();
        }
    }
    pool.join().unwrap();
    assert_eq!(pool.spout_failures(), 0);
    let collected = collected.into_items();
    assert_in_order_per_worker(&collected);
    let left = remaining(pool);
    assert_in_order_per_worker(&left);
    let evicted = taken(&overflow);
    // Batches of 5 folded together overflow rings of 8: the backpressure
    // path ran.
    assert!(!evicted.is_empty());
    let everything = [collected, left, evicted].concat();
    assert_each_once(&everything, all_ids(WORKERS, ROUNDS, |_| PER_ROUND));
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_consumer_draining_while_workers_publish_loses_nothing() {
    const WORKERS: usize = 3;
    const ROUNDS: u64 = 200;
    let (mut pool, overflow) = pool_with_overflow(WORKERS, 16);
    let mut collected = CollectSpout::new();
    for round in 1..=ROUNDS {
        pool.dispatch(&(round, 1 + round % 12));
        // Collect while the round runs: some batches are taken, some are
        // still being written, some rings are out while workers finish.
        pool.collect(&mut collected).unwrap();
    }
    pool.join().unwrap();
    let collected = collected.into_items();
    assert_in_order_per_worker(&collected);
    let everything = [collected, remaining(pool), taken(&overflow)].concat();
    assert_each_once(&everything, all_ids(WORKERS, ROUNDS, |r| 1 + r % 12));
}

#[test]
#[cfg_attr(miri, ignore)]
fn sequenced_collection_delivers_in_dispatch_order() {
    const WORKERS: usize = 4;
    const ROUNDS: u64 = 30;
    let per_round = |round: u64| 1 + (round * 7 + 3) % 5;
    let (mut pool, overflow) = pool_with_overflow(WORKERS, 64);
    let mut out = CollectSpout::new();
    pool.with_fan_in(SequencedCollector::new(&mut out), |fan_in| {
        for round in 1..=ROUNDS {
            fan_in.dispatch(&(round, per_round(round)));
            // A pass while the round runs takes whichever workers are done.
            fan_in.collect().unwrap();
            fan_in.join().unwrap();
            fan_in.collect().unwrap();
            assert_eq!(fan_in.collector().pending(), 0, "round {round} settled");
        }
    });
    let items = out.into_items();
    // Strictly by round, then worker, then push order.
    let key = |&item: &u64| (round_of(item), worker_of(item), item);
    assert!(items.windows(2).all(|w| key(&w[0]) < key(&w[1])));
    assert!(taken(&overflow).is_empty());
    assert_each_once(&items, all_ids(WORKERS, ROUNDS, per_round));
}

#[test]
#[cfg_attr(miri, ignore)]
fn sequenced_collection_behind_by_rounds_conserves_items() {
    const WORKERS: usize = 3;
    const ROUNDS: u64 = 40;
    let (mut pool, overflow) = pool_with_overflow(WORKERS, 8);
    let mut out = CollectSpout::new();
    pool.with_fan_in(SequencedCollector::new(&mut out), |fan_in| {
        for round in 1..=ROUNDS {
            fan_in.dispatch(&(round, 3));
            if round % 5 == 0 {
                fan_in.collect().unwrap();
            }
        }
        fan_in.join().unwrap();
        fan_in.collect().unwrap();
        assert_eq!(fan_in.collector().pending(), 0);
    });
    let items = out.into_items();
    assert_in_order_per_worker(&items);
    let everything = [items, remaining(pool), taken(&overflow)].concat();
    assert_each_once(&everything, all_ids(WORKERS, ROUNDS, |_| 3));
}

#[test]
#[cfg_attr(miri, ignore)]
fn mergers_drain_disjoint_workers_in_parallel_without_losing_items() {
    const WORKERS: usize = 5;
    const MERGERS: usize = 2;
    const ROUNDS: u64 = 25;
    let (mut pool, overflow) = pool_with_overflow(WORKERS, 32);
    let outputs: Vec<Mutex<Vec<u64>>> = (0..MERGERS).map(|_| Mutex::new(Vec::new())).collect();
    for round in 1..=ROUNDS {
        pool.dispatch(&(round, round % 9));
        // Mergers run while the round may still be in flight.
        pool.with_mergers(
            MERGERS,
            |_| UnorderedCollector::new(CollectSpout::new()),
            |mergers| {
                thread::scope(|s| {
                    for merger in mergers.iter_mut() {
                        let output = &outputs[merger.merger_id()];
                        s.spawn(move || {
                            for _ in 0..3 {
                                merger.collect().unwrap();
                            }
                            let mine = merger.collector_mut().inner_mut().take();
                            for &item in &mine {
                                assert!(merger.workers().contains(&worker_of(item)));
                            }
                            output.lock().unwrap().extend(mine);
                        });
                    }
                });
            },
        );
    }
    pool.join().unwrap();
    let merged: Vec<Vec<u64>> = outputs
        .into_iter()
        .map(|o| o.into_inner().unwrap())
        .collect();
    for (m, items) in merged.iter().enumerate() {
        assert_in_order_per_worker(items);
        assert!(items.iter().all(|&item| worker_of(item) % MERGERS == m));
    }
    let everything = [merged.concat(), remaining(pool), taken(&overflow)].concat();
    assert_each_once(&everything, all_ids(WORKERS, ROUNDS, |r| r % 9));
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_panicking_worker_is_reported_and_loses_nothing() {
    const WORKERS: usize = 4;
    const ROUNDS: u64 = 6;
    let overflow = shared();
    let mut pool = PoolBuilder::<u64>::new(WORKERS, 64)
        .spout(overflow.clone())
        .spawn(|ring: &Ring, worker, &(round, count): &(u64, u64)| {
            push_ids(ring, worker, &(round, count));
            if worker == 2 && round == 3 {
                panic!("worker 2 gives up");
            }
        });
    let mut collected = CollectSpout::new();
    for round in 1..=ROUNDS {
        let result = pool.run(&(round, 10));
        if round == 3 {
            let panic = result.unwrap_err();
            assert_eq!(panic.worker_id(), 2);
            assert_eq!(panic.round(), 3);
            assert_eq!(panic.message(), "worker 2 gives up");
            assert!(panic.other_workers().is_empty());
        } else {
            result.unwrap();
        }
        pool.collect(&mut collected).unwrap();
    }
    // The panic was reported once; the pool went on.
    pool.join().unwrap();
    let everything = [collected.into_items(), remaining(pool), taken(&overflow)].concat();
    assert_each_once(&everything, all_ids(WORKERS, ROUNDS, |_| 10));
}

#[test]
#[cfg_attr(miri, ignore)]
fn every_item_is_dropped_exactly_once() {
    const WORKERS: usize = 3;
    const ROUNDS: usize = 12;
    const PER_ROUND: usize = 6;
    let board = DropBoard::new(WORKERS * ROUNDS * PER_ROUND);
    {
        let make = board.clone();
        // Capacity 4 < 6 items a round: rings evict (to DropSpout) during
        // work and while folding uncollected batches.
        let mut pool =
            PoolBuilder::<Counted>::new(WORKERS, 4).spawn(move |ring, worker, &round: &usize| {
                for i in 0..PER_ROUND {
                    ring.push(Counted::new(
                        (worker * ROUNDS + round) * PER_ROUND + i,
                        &make,
                    ));
                }
                if worker == 1 && round == 5 {
                    panic!("dropping items on the way out must not double-drop");
                }
            });
        let mut collected = CollectSpout::new();
        let mut panics = Vec::new();
        for round in 0..ROUNDS {
            pool.dispatch(&round);
            if round % 3 == 0 {
                panics.extend(pool.join().err());
                pool.collect(&mut collected).unwrap();
            }
        }
        panics.extend(pool.join().err());
        assert_eq!(panics.len(), 1);
        assert_eq!(panics[0].worker_id(), 1);
        assert_eq!(panics[0].round(), 6, "the sixth round had the argument 5");
        assert!(!collected.is_empty());
        // The pool drops what it still holds; `collected` drops the rest.
    }
    board.assert_each_dropped_once();
}
