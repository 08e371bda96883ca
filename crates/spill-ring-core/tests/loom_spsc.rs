//! loom models of the concurrent rings' shipped code (compiled against
//! loom's atomics, cells and threads through `concurrent::primitive`):
//! push/pop/evict races, reserve/commit, consume-all, read-in-place, the
//! waiting push's wake-ups, MPSC registration, and what seeing no
//! registered producer guarantees.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p
//! spill-ring-core --release --test loom_spsc` (scripts/ci_loom.sh).
#![cfg(loom)]

mod loom_support;

use loom::thread;
use loom_support::exactly_once;
use spill_ring_core::concurrent::{mpsc, spsc, WaitError};
use spill_ring_core::CollectSpout;

/// Drains what is left after the producer is done.
fn drain_rest(consumer: &mut spsc::Consumer<u32>, popped: &mut Vec<u32>) {
    while let Some(item) = consumer.pop() {
        popped.push(item);
    }
}

/// A producer thread pushes `0..pushes` (evicting) into a ring of
/// `capacity` and `hold` while `consume` takes items on this thread; then
/// every item must be popped or evicted exactly once, in order.
fn race(
    capacity: usize,
    hold: usize,
    pushes: u32,
    consume: impl FnOnce(&mut spsc::Consumer<u32>, &mut Vec<u32>),
) {
    let (mut producer, mut consumer) = spsc::Builder::new(capacity)
        .hold(hold)
        .build_with_spout(CollectSpout::new())
        .unwrap();
    let pushing = thread::spawn(move || {
        for i in 0..pushes {
            producer.push(i).unwrap();
        }
        producer.spout_mut().take()
    });
    let mut popped = Vec::new();
    consume(&mut consumer, &mut popped);
    let evicted = pushing.join().unwrap();
    drain_rest(&mut consumer, &mut popped);
    exactly_once(&popped, &evicted, pushes);
}

#[test]
fn push_evict_races_pop() {
    loom::model(|| {
        race(1, 1, 3, |consumer, popped| {
            for _ in 0..2 {
                popped.extend(consumer.pop());
            }
        })
    });
}

#[test]
fn consume_all_races_eviction_with_salvage() {
    loom::model(|| {
        let (mut producer, mut consumer) = spsc::Builder::new(2)
            .hold(2)
            .build_with_spout(CollectSpout::new())
            .unwrap();
        producer.push(0).unwrap();
        producer.push(1).unwrap();
        let pushing = thread::spawn(move || {
            producer.push(2).unwrap();
            producer.push(3).unwrap();
            producer.spout_mut().take()
        });
        let mut popped = Vec::new();
        consumer.consume_all(|item| popped.push(item));
        let evicted = pushing.join().unwrap();
        drain_rest(&mut consumer, &mut popped);
        exactly_once(&popped, &evicted, 4);
    });
}

#[test]
fn reserve_commit_races_read_in_place() {
    loom::model(|| {
        let (mut producer, mut consumer) = spsc::Builder::new(2)
            .hold(1)
            .build_with_spout(CollectSpout::new())
            .unwrap();
        let pushing = thread::spawn(move || {
            let mut chunk = producer.reserve(2);
            chunk.push(0).unwrap();
            chunk.push(1).unwrap();
            chunk.commit().unwrap();
            // Laps the slot the consumer may be reading in place: it must
            // use another one.
            producer.push(2).unwrap();
            producer.spout_mut().take()
        });
        let mut popped = Vec::new();
        {
            let chunk = consumer.read(1);
            popped.extend(chunk.iter().copied());
        }
        let evicted = pushing.join().unwrap();
        drain_rest(&mut consumer, &mut popped);
        exactly_once(&popped, &evicted, 3);
    });
}

#[test]
fn returned_slots_are_reused_without_overlap() {
    loom::model(|| {
        // capacity 1 + hold 1: two physical slots, so the producer moves
        // the spare in when it laps a pop and must take the popped slot
        // back once the consumer releases it.
        let (mut producer, mut consumer) = spsc::Builder::new(1).hold(1).build::<u32>().unwrap();
        let pushing = thread::spawn(move || {
            for i in 0..3 {
                let _ = producer.try_push(i);
            }
        });
        let mut popped = Vec::new();
        for _ in 0..3 {
            popped.extend(consumer.pop());
        }
        pushing.join().unwrap();
        drain_rest(&mut consumer, &mut popped);
        assert!(popped.windows(2).all(|w| w[0] < w[1]), "{popped:?}");
    });
}

#[test]
fn a_waiting_push_is_woken_by_a_pop() {
    loom::model(|| {
        let (mut producer, mut consumer) =
            spsc::Builder::new(1).waking(true).build::<u32>().unwrap();
        producer.push(0).unwrap();
        let pushing = thread::spawn(move || producer.push_wait(1));
        let first = loop {
            if let Some(item) = consumer.pop() {
                break item;
            }
            thread::yield_now();
        };
        // If the wake-up were lost, the producer would park forever and
        // loom would report a deadlock at this join.
        pushing.join().unwrap().unwrap();
        assert_eq!((first, consumer.pop()), (0, Some(1)));
    });
}

#[test]
fn close_wakes_a_waiting_push() {
    loom::model(|| {
        let (mut producer, consumer) = spsc::Builder::new(1).waking(true).build::<u32>().unwrap();
        producer.push(0).unwrap();
        let pushing = thread::spawn(move || producer.push_wait(1));
        consumer.close();
        assert_eq!(pushing.join().unwrap(), Err(WaitError::Closed(1)));
        drop(consumer);
    });
}

#[test]
fn mpsc_registration_is_bounded_and_lanes_are_reused() {
    loom::model(|| {
        let (registry, mut consumer) = mpsc::Builder::new(1, 2).build::<u32>().unwrap();
        let other = registry.clone();
        let racing = thread::spawn(move || {
            // Register, push, unregister (drop).
            match other.register() {
                Ok(mut producer) => {
                    producer.push(10).unwrap();
                    true
                }
                Err(mpsc::RegisterError::Full) => false,
                Err(error) => panic!("{error}"),
            }
        });
        let mine = registry.register();
        let registered_here = match mine {
            Ok(mut producer) => {
                producer.push(20).unwrap();
                true
            }
            Err(mpsc::RegisterError::Full) => false,
            Err(error) => panic!("{error}"),
        };
        assert!(registry.producers() <= 1);
        let registered_there = racing.join().unwrap();
        assert!(registered_here || registered_there);
        let mut got = Vec::new();
        consumer.drain(4, |item| got.push(item));
        got.sort_unstable();
        let expected: Vec<u32> = [
            registered_there.then_some(10),
            registered_here.then_some(20),
        ]
        .into_iter()
        .flatten()
        .collect();
        assert_eq!(got, expected);
        assert_eq!(registry.producers(), 0);
    });
}

#[test]
fn no_registered_producer_means_their_items_are_visible() {
    loom::model(|| {
        // The consumer's usual shutdown: drain while producers are
        // registered, then drain what is left. Seeing none registered must
        // make every item of the producers that left visible to the drain.
        let (registry, mut consumer) = mpsc::Builder::new(1, 2).build::<u32>().unwrap();
        let mut producer = registry.register().unwrap();
        let pushing = thread::spawn(move || {
            producer.push(1).unwrap();
            producer.push(2).unwrap();
        });
        let mut got = Vec::new();
        while registry.producers() > 0 {
            consumer.drain(4, |item| got.push(item));
            thread::yield_now();
        }
        while consumer.drain(4, |item| got.push(item)) > 0 {}
        assert_eq!(got, [1, 2]);
        pushing.join().unwrap();
    });
}

#[test]
fn laps_of_the_ring_with_pops_batches_and_returns() {
    loom::model(|| {
        // Two laps of a ring of 2 with the fewest spare slots (hold 1):
        // slots are moved out, released, taken back and reused while both
        // race.
        race(2, 1, 5, |consumer, popped| {
            popped.extend(consumer.pop());
            consumer.consume_all(|item| popped.push(item));
            popped.extend(consumer.pop());
        })
    });
}
