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

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use spill_ring_core::{HeapRing, SpillRing};

/// Items pushed per timed iteration.
const PUSHES: usize = 4096;

const L1: usize = 256;
const L2: usize = 4096;
const L3: usize = 65536;

fn heap<S: spill_ring_core::Spout<u64>>(capacity: usize, spout: S) -> HeapRing<u64, S> {
    HeapRing::with_capacity_and_spout(capacity, spout).unwrap()
}

fn chaining(c: &mut Criterion<common::ThreadCpuTime>) {
    let mut g = c.benchmark_group("chain/1_tier");
    g.throughput(Throughput::Elements(PUSHES as u64));
    common::bench_push(
        &mut g,
        "spill_ring",
        PUSHES,
        L1,
        SpillRing::<u64, L1>::new(),
        |r, x| {
            let _ = r.push(x);
        },
    );
    common::bench_push(
        &mut g,
        "heap_ring",
        PUSHES,
        L1,
        HeapRing::<u64>::with_capacity(L1).unwrap(),
        |r, x| {
            let _ = r.push(x);
        },
    );
    g.finish();

    let mut g = c.benchmark_group("chain/2_tiers");
    g.throughput(Throughput::Elements(PUSHES as u64));
    let spill: SpillRing<u64, L1, SpillRing<u64, L2>> = SpillRing::with_spout(SpillRing::new());
    common::bench_push(&mut g, "spill_ring", PUSHES, L1 + L2, spill, |r, x| {
        let _ = r.push(x);
    });
    let chain = heap(L1, HeapRing::<u64>::with_capacity(L2).unwrap());
    common::bench_push(&mut g, "heap_ring", PUSHES, L1 + L2, chain, |r, x| {
        let _ = r.push(x);
    });
    g.finish();

    let mut g = c.benchmark_group("chain/3_tiers");
    g.throughput(Throughput::Elements(PUSHES as u64));
    let spill: SpillRing<u64, L1, SpillRing<u64, L2, SpillRing<u64, L3>>> =
        SpillRing::with_spout(SpillRing::with_spout(SpillRing::new()));
    common::bench_push(&mut g, "spill_ring", PUSHES, L1 + L2 + L3, spill, |r, x| {
        let _ = r.push(x);
    });
    let chain = heap(L1, heap(L2, HeapRing::<u64>::with_capacity(L3).unwrap()));
    common::bench_push(&mut g, "heap_ring", PUSHES, L1 + L2 + L3, chain, |r, x| {
        let _ = r.push(x);
    });
    g.finish();
}

criterion_group! {
    name = chain;
    config = common::cpu_config();
    targets = chaining
}
criterion_main!(chain);
