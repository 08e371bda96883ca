//! Multiple producers, each with its own ring (no locks, no atomics on
//! push), merged back into one consumer that drains them into a spout.
//!
//! Run with: cargo run --example mpsc

use std::thread;

use spill_ring::{collect, CollectSpout, MpscRing};

fn main() {
    const PRODUCERS: usize = 4;
    const PER_PRODUCER: u64 = 100_000;

    // Four producers with rings of 1024 slots; evicted items are dropped.
    let (producers, mut consumer) = MpscRing::<u64, 1024>::with_consumer(PRODUCERS);

    let finished: Vec<_> = thread::scope(|s| {
        let running: Vec<_> = producers
            .into_iter()
            .map(|producer| {
                s.spawn(move || {
                    let base = producer.id() as u64 * 1_000_000;
                    for i in 0..PER_PRODUCER {
                        producer.push(base + i);
                    }
                    producer
                })
            })
            .collect();
        running.into_iter().map(|h| h.join().unwrap()).collect()
    });

    collect(finished, &mut consumer);
    println!(
        "{PRODUCERS} producers pushed {} items; their rings keep the newest {}",
        PRODUCERS as u64 * PER_PRODUCER,
        consumer.len()
    );

    let mut out = CollectSpout::new();
    consumer.drain(&mut out);
    // Drained producer by producer, each one's items oldest first.
    for chunk in out.items().chunks(1024) {
        println!(
            "  producer {}: {} .. {}",
            chunk[0] / 1_000_000,
            chunk[0] % 1_000_000,
            chunk[chunk.len() - 1] % 1_000_000
        );
    }
}
