//! A two-stage pipeline: one pool's `collect` feeds the next pool. Each
//! stage has its own workers and rings; everything is monomorphized.
//!
//! Run with: cargo run --example pipeline

use spill_ring::{CollectSpout, MpscRing};

fn main() {
    // Stage 1 generates values.
    let mut generate = MpscRing::<u64, 256>::pool(2).spawn(|ring, worker, count: &u64| {
        for i in 0..*count {
            ring.push(worker as u64 * 1000 + i);
        }
    });
    // Stage 2 squares its share of them (worker w takes every other item).
    let mut square = MpscRing::<u64, 256>::pool(2).spawn(|ring, worker, items: &Vec<u64>| {
        for &value in items.iter().skip(worker).step_by(2) {
            ring.push(value * value);
        }
    });

    let mut between = CollectSpout::new();
    let mut out = CollectSpout::new();
    for round in 1..=3 {
        generate.run(&10).unwrap();
        generate.collect(&mut between).unwrap();
        // `run` lends the batch to the workers without copying it.
        let batch = between.take();
        square.run(&batch).unwrap();
        let squared = square.collect(&mut out).unwrap();
        println!(
            "round {round}: stage 1 produced {}, stage 2 squared {squared}",
            batch.len()
        );
    }
    let mut items = out.into_items();
    items.sort_unstable();
    println!("smallest squares: {:?}", &items[..5]);
    println!("largest square:   {}", items[items.len() - 1]);
}
