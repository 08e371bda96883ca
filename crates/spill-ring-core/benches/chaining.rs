//! Chained rings: each tier's spout is the next tier, the last one evicts to
//! `DropSpout`. Every tier starts full, so every push into the first tier
//! cascades one eviction through each tier.
//!
//! Tiers hold 256, 4096 and 65536 `u64` items; `spill_ring` chains
//! [`SpillRing`]s (capacities fixed at compile time), `heap_ring` chains
//! [`HeapRing`]s (capacities chosen at run time).
//!
//! `cargo bench -p spill-ring-core --bench chaining`

mod common;

use common::ThreadCpuTime;
use criterion::{criterion_group, criterion_main, Criterion};
use spill_ring_core::{DropSpout, HeapRing, RingProducer, SpillRing, Spout};

/// Items pushed per timed iteration.
const PUSHES: usize = 4096;

/// Capacity of the first tier.
const L1: usize = 256;
/// Capacity of the second tier.
const L2: usize = 4096;
/// Capacity of the third tier.
const L3: usize = 65536;

/// A heap ring of `capacity` slots evicting into `spout`.
fn heap<S: Spout<u64>>(capacity: usize, spout: S) -> HeapRing<u64, S> {
    HeapRing::with_capacity_and_spout(capacity, spout).expect("a valid capacity")
}

/// Times `push(&self)` into the first tier of `spill` and of `heap`, two
/// chains holding `fill` items in all once full.
fn group(
    c: &mut Criterion<ThreadCpuTime>,
    name: &str,
    fill: usize,
    spill: impl RingProducer<u64>,
    heap: impl RingProducer<u64>,
) {
    let mut g = common::group(c, name.to_owned(), PUSHES);
    common::bench_push(&mut g, "spill_ring", PUSHES, fill, spill, |r, x| {
        let _ = r.push(x);
    });
    common::bench_push(&mut g, "heap_ring", PUSHES, fill, heap, |r, x| {
        let _ = r.push(x);
    });
    g.finish();
}

fn chaining(c: &mut Criterion<ThreadCpuTime>) {
    group(
        c,
        "chain/1_tier",
        L1,
        SpillRing::<u64, L1>::new(),
        heap(L1, DropSpout),
    );
    let spill: SpillRing<u64, L1, SpillRing<u64, L2>> = SpillRing::with_spout(SpillRing::new());
    group(
        c,
        "chain/2_tiers",
        L1 + L2,
        spill,
        heap(L1, heap(L2, DropSpout)),
    );
    let spill: SpillRing<u64, L1, SpillRing<u64, L2, SpillRing<u64, L3>>> =
        SpillRing::with_spout(SpillRing::with_spout(SpillRing::new()));
    group(
        c,
        "chain/3_tiers",
        L1 + L2 + L3,
        spill,
        heap(L1, heap(L2, heap(L3, DropSpout))),
    );
}

criterion_group! {
    name = chain;
    config = common::cpu_config();
    targets = chaining
}
criterion_main!(chain);
