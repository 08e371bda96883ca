//! `WorkerPool` scaling: 1 to all available cores' worth of workers, each
//! pushing `PUSHES` `u64` items per round into its own ring of 1024 slots.
//!
//! An iteration is one round (`run`: dispatch and join) followed by a
//! `collect` of every published batch into `DropSpout`. The threads are
//! persistent and their rings pre-warmed, so the round itself allocates
//! nothing. Throughput counts every pushed item.
//!
//! `cargo bench -p spill-ring-core --bench pool`

mod common;

use std::thread;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use spill_ring_core::{DropSpout, MpscRing};

/// Slots per worker ring.
const CAPACITY: usize = 1024;

/// Items each worker pushes per round.
const PUSHES: u64 = 1 << 20;

/// A round's arguments: how many items to push, and the first one, which
/// the compiler cannot know.
#[derive(Clone, Copy)]
struct Round {
    pushes: u64,
    base: u64,
}

fn pool(c: &mut Criterion) {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let mut g = c.benchmark_group("pool");
    for workers in 1..=cores {
        g.throughput(Throughput::Elements(workers as u64 * PUSHES));
        let mut pool = MpscRing::<u64, CAPACITY>::pool(workers).spawn(|ring, id, round: &Round| {
            let base = round.base ^ id as u64;
            for i in 0..round.pushes {
                let _ = ring.push(base.wrapping_add(i));
            }
        });
        let round = Round {
            pushes: PUSHES,
            base: std::hint::black_box(0x5EED),
        };
        g.bench_with_input(BenchmarkId::new("workers", workers), &round, |b, round| {
            b.iter(|| {
                pool.run(round).expect("no worker panics");
                pool.collect(&mut DropSpout)
                    .expect("DropSpout takes everything")
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::wall_config();
    targets = pool
}
criterion_main!(benches);
