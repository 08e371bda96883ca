//! Ordered delivery: workers finish in any order, but a SequencedCollector
//! hands batches downstream in dispatch order (round by round, worker by
//! worker), even when a collection pass runs in the middle of a round.
//!
//! Run with: cargo run --example sequenced

use spill_ring::{CollectSpout, MpscRing, SequencedCollector};

fn main() {
    const WORKERS: usize = 4;
    const ROUNDS: u64 = 5;

    let mut pool = MpscRing::<u64, 256>::pool(WORKERS).spawn(|ring, worker, round: &u64| {
        // Workers take different times: later workers do more.
        let mut spin = 0_u64;
        for i in 0..(worker as u64 + 1) * 20_000 {
            spin = spin.wrapping_add(i);
        }
        std::hint::black_box(spin);
        ring.push(round * 100 + worker as u64);
    });

    let mut out = CollectSpout::new();
    pool.with_fan_in(SequencedCollector::new(&mut out), |fan_in| {
        for round in 1..=ROUNDS {
            fan_in.dispatch(&round);
            // Whatever is published now waits in the collector until every
            // worker's batch of the round has arrived.
            fan_in.collect().unwrap();
            fan_in.join().unwrap();
            fan_in.collect().unwrap();
        }
    });

    println!(
        "{} items in dispatch order (round * 100 + worker):",
        out.len()
    );
    for round in out.items().chunks(WORKERS) {
        println!("  {round:?}");
    }
    assert!(out.items().windows(2).all(|w| w[0] < w[1]));
}
