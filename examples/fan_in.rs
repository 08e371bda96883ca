//! One consumer drains every worker through a `FanInSpout`; a fan-in with an
//! unordered collector is itself a spout.
//!
//! Run with: cargo run --example fan_in

use spill_ring::spout::BatchSpout;
use spill_ring::{CollectSpout, MpscRing, Spout, UnorderedCollector};

fn main() {
    const WORKERS: usize = 4;

    let mut pool = MpscRing::<u64, 256>::pool(WORKERS).spawn(|ring, worker, count: &u64| {
        for i in 0..*count {
            ring.push(worker as u64 * 1000 + i);
        }
    });

    // Items go through a BatchSpout into a CollectSpout of batches.
    let mut batches = BatchSpout::new(64, CollectSpout::new());
    pool.with_fan_in(UnorderedCollector::new(&mut batches), |fan_in| {
        for round in 1..=3 {
            fan_in.run(&100).unwrap();
            let taken = fan_in.collect().unwrap();
            println!("round {round}: fan-in took {taken} items from {WORKERS} workers");
        }
        // Something else can feed the same spout.
        fan_in.send(u64::MAX).unwrap();
        Spout::flush(fan_in).unwrap();
    });
    let (batches, _pending) = batches.into_parts();
    let batches = batches.into_items();
    println!(
        "{} items arrived in {} batches of at most 64",
        batches.iter().map(Vec::len).sum::<usize>(),
        batches.len()
    );
}
