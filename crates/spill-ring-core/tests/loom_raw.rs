//! loom models of the raw (run-time-sized) layer over the shipped protocol
//! (compiled against loom's atomics, cells and threads through
//! `concurrent::primitive`): evicting pushes race the consumer's batch and
//! in-place reads; no element is torn, lost or seen twice.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test -p
//! spill-ring-core --release --test loom_raw` (scripts/ci_loom.sh).
#![cfg(loom)]

mod loom_support;

use loom::thread;
use loom_support::exactly_once;
use spill_ring_core::concurrent::spsc::{self, RawConsumer};

/// The size of the models' elements: big enough to be torn.
const SIZE: usize = 3;

/// The element number `n` stands for: every byte is `n`.
fn whole(bytes: &[u8]) -> u8 {
    assert_eq!(bytes.len(), SIZE);
    assert!(
        bytes.iter().all(|&b| b == bytes[0]),
        "torn element {bytes:?}"
    );
    bytes[0]
}

/// What is left once the producer is done.
fn drain_rest(consumer: &mut RawConsumer, popped: &mut Vec<u8>) {
    let mut out = [0; SIZE];
    while consumer.pop_into(&mut out) {
        popped.push(whole(&out));
    }
}

/// A producer thread pushes `0..pushes` (evicting, half of them written
/// in place) into a raw ring of `capacity` and `hold` while `consume`
/// takes elements on this thread.
fn race(
    capacity: usize,
    hold: usize,
    pushes: u8,
    consume: impl FnOnce(&mut RawConsumer, &mut Vec<u8>),
) {
    let (mut producer, mut consumer) = spsc::Builder::new(capacity)
        .hold(hold)
        .build_raw(SIZE)
        .unwrap();
    let pushing = thread::spawn(move || {
        let mut evicted = Vec::new();
        for n in 0..pushes {
            let evict = |old: &[u8]| {
                evicted.push(whole(old));
                Ok::<(), ()>(())
            };
            if n % 2 == 0 {
                producer.push(&[n; SIZE], evict).unwrap();
            } else {
                // SAFETY: writes all SIZE bytes of the slot.
                unsafe { producer.push_with(|slot| slot.write_bytes(n, SIZE), evict) }.unwrap();
            }
        }
        evicted
    });
    let mut popped = Vec::new();
    consume(&mut consumer, &mut popped);
    let evicted = pushing.join().unwrap();
    drain_rest(&mut consumer, &mut popped);
    exactly_once(&popped, &evicted, pushes);
}

#[test]
fn raw_push_evict_races_read_in_place_and_batches() {
    loom::model(|| {
        // Two physical slots: the producer must reuse the one the consumer
        // releases, never the one it reads in place.
        race(1, 1, 3, |consumer, popped| {
            if consumer.read(1) == 1 {
                let slot = consumer.read_slot(0).unwrap();
                // SAFETY: a held slot has SIZE readable bytes until the
                // release below.
                popped.push(whole(unsafe { core::slice::from_raw_parts(slot, SIZE) }));
                consumer.release();
            }
            consumer.consume_up_to(1, |bytes| popped.push(whole(bytes)));
        })
    });
}

#[test]
fn raw_reserve_commit_races_pop_slice() {
    loom::model(|| {
        let (mut producer, mut consumer) = spsc::Builder::new(2).hold(1).build_raw(SIZE).unwrap();
        let pushing = thread::spawn(move || {
            let mut evicted = Vec::new();
            let evict = |old: &[u8]| {
                evicted.push(whole(old));
                Ok::<(), ()>(())
            };
            let (n, result) = producer.reserve(2, evict);
            assert_eq!((n, result), (2, Ok(())));
            for at in 0..2 {
                let slot = producer.reserved_slot(at).unwrap();
                // SAFETY: a reserved slot has SIZE writable bytes.
                unsafe { slot.write_bytes(at as u8, SIZE) };
            }
            // SAFETY: both are written.
            unsafe { producer.commit(2) };
            producer
                .push(&[2; SIZE], |old| {
                    evicted.push(whole(old));
                    Ok::<(), ()>(())
                })
                .unwrap();
            evicted
        });
        let mut popped = Vec::new();
        let mut out = [0; 2 * SIZE];
        let got = consumer.pop_slice(&mut out);
        popped.extend(out.chunks(SIZE).take(got).map(whole));
        let evicted = pushing.join().unwrap();
        drain_rest(&mut consumer, &mut popped);
        exactly_once(&popped, &evicted, 3);
    });
}
