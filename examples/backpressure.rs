//! Lossless delivery under backpressure, two ways.
//!
//! 1. A ring absorbs bursts and spills into a bounded channel: the producer
//!    blocks only when both the ring and the channel are full.
//! 2. A worker pool whose consumer is slow: handoff slots stay full, workers
//!    fold their uncollected batches together, rings fill, and the overflow
//!    goes to the configured spout. Every item is accounted for.
//!
//! Run with: cargo run --example backpressure

use std::sync::{Arc, Mutex};
use std::thread;

use spill_ring::spout::SyncChannelSpout;
use spill_ring::{CollectSpout, MpscRing, SpillRing};

fn ring_into_bounded_channel() {
    const ITEMS: u64 = 200_000;
    let (spout, received) = SyncChannelSpout::bounded(1024);
    let consumer = thread::spawn(move || received.iter().count() as u64);

    let producer = thread::spawn(move || {
        let ring: SpillRing<u64, 256, _> = SpillRing::with_spout(spout);
        for i in 0..ITEMS {
            ring.push(i).expect("the receiver is alive");
        }
        // Dropping the ring flushes what it holds into the channel, then
        // drops the sender, which ends the consumer's loop.
    });

    producer.join().unwrap();
    let got = consumer.join().unwrap();
    println!(
        "ring -> bounded channel: sent {ITEMS}, received {got}, lossless: {}",
        got == ITEMS
    );
}

fn slow_consumer_of_a_pool() {
    const WORKERS: usize = 4;
    const ROUNDS: u64 = 50;
    const PER_ROUND: u64 = 100;

    // Rings of 256 slots; what they evict goes to one shared spout.
    let overflow = Arc::new(Mutex::new(CollectSpout::new()));
    let mut pool = MpscRing::<u64, 256>::pool_with_spout(WORKERS, overflow.clone()).spawn(
        |ring, worker, round: &u64| {
            for i in 0..PER_ROUND {
                ring.push((worker as u64) << 32 | round << 16 | i).unwrap();
            }
        },
    );

    let mut collected = CollectSpout::new();
    for round in 0..ROUNDS {
        pool.dispatch(&round);
        // The consumer keeps up only every tenth round.
        if round % 10 == 9 {
            pool.join().unwrap();
            pool.collect(&mut collected).unwrap();
        }
    }
    pool.join().unwrap();

    let mut left = CollectSpout::new();
    pool.into_consumer().drain(&mut left);
    let overflowed = overflow.lock().unwrap().len();
    let total = collected.len() + left.len() + overflowed;
    println!(
        "pool with a slow consumer: {} pushed = {} collected + {} overflowed + {} still in rings; lossless: {}",
        WORKERS as u64 * ROUNDS * PER_ROUND,
        collected.len(),
        overflowed,
        left.len(),
        total as u64 == WORKERS as u64 * ROUNDS * PER_ROUND
    );
}

fn main() {
    ring_into_bounded_channel();
    slow_consumer_of_a_pool();
}
