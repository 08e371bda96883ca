//! `MpscRing` scaling: 1 to all available cores' worth of producers, each
//! pushing into its own ring of 1024 `u64` slots on its own thread, then
//! handing the producers back to the consumer, which drains them.
//!
//! An iteration is one whole cycle: spawn the producer threads (scoped),
//! push `PUSHES` items per producer (rings full, every push evicts), join,
//! collect and drain. Throughput counts every pushed item.
//!
//! `cargo bench -p spill-ring-core --bench mpsc`

mod common;

use std::hint::black_box;
use std::thread;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use spill_ring_core::{collect, Consumer, DropSpout, MpscRing, Producer};

/// Slots per producer ring.
const CAPACITY: usize = 1024;

/// Items each producer pushes per iteration.
const PUSHES: usize = 1 << 20;

/// One cycle: every producer pushes `items` on a thread of its own, then
/// the consumer takes them back, drains them and returns them.
fn cycle(producers: Vec<Producer<u64>>, items: &[u64]) -> Vec<Producer<u64>> {
    let mut consumer = Consumer::new();
    let finished = thread::scope(|s| {
        let running: Vec<_> = producers
            .into_iter()
            .map(|mut producer| {
                s.spawn(move || {
                    common::push_all(&mut producer, black_box(items), &mut |p, x| {
                        let _ = p.push(x);
                    });
                    producer
                })
            })
            .collect();
        running
            .into_iter()
            .map(|t| t.join().expect("a producer panicked"))
            .collect::<Vec<_>>()
    });
    collect(finished, &mut consumer);
    let _ = consumer.drain(&mut DropSpout);
    consumer.into_producers()
}

fn mpsc(c: &mut Criterion) {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let items = common::items(PUSHES);
    let mut g = c.benchmark_group("mpsc");
    for n in 1..=cores {
        g.throughput(Throughput::Elements((n * PUSHES) as u64));
        let mut producers = Some(MpscRing::<u64, CAPACITY>::producers(n));
        g.bench_with_input(BenchmarkId::new("producers", n), &n, |b, _| {
            b.iter(|| {
                let taken = producers.take().expect("producers are put back");
                producers = Some(cycle(taken, &items));
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::wall_config();
    targets = mpsc
}
criterion_main!(benches);
