//! A single ring: the oldest item is evicted to a spout instead of being
//! dropped; iterate, pop, flush.
//!
//! Run with: cargo run --example spill_ring

use spill_ring::{CollectSpout, SpillRing};

fn main() {
    // Capacity 4; evicted items are collected.
    let mut ring: SpillRing<u32, 4, _> = SpillRing::with_spout(CollectSpout::new());

    for i in 1..=10 {
        ring.push(i);
    }
    println!("pushed 1..=10 into a ring of capacity {}", ring.capacity());
    println!(
        "  ring holds (oldest first): {:?}",
        ring.iter().collect::<Vec<_>>()
    );
    println!("  spout received:            {:?}", ring.spout().items());

    // `try_push` refuses instead of evicting.
    let refused = ring.try_push(11).unwrap_err().into_inner();
    println!("try_push({refused}) on a full ring: refused, nothing evicted");

    println!("pop -> {:?}", ring.pop());

    // `flush` moves everything that is left to the spout, oldest first.
    let flushed = ring.flush();
    println!(
        "flush moved {flushed} items; ring is empty: {}",
        ring.is_empty()
    );
    println!("  spout now holds:           {:?}", ring.spout().items());
}
