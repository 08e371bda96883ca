//! The concurrent MPSC against `crossbeam-channel`, `std::sync::mpsc` and
//! `spillway`, same run: `PRODUCERS` threads each send `ITEMS` `u64`s
//! (retrying while the channel is full: nothing is lost), the bench thread
//! receives them all. spill-ring's consumer drains every lane per pass
//! (`drain`, a quota of `QUOTA` per lane); the peers receive one by one
//! (spillway: `try_next`, which takes a lane's whole buffer at once).
//!
//! `cargo bench -p spill-ring-core --bench concurrent_mpsc`

mod common;

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use spill_ring_core::concurrent::mpsc;

const PRODUCERS: u64 = 2;
const ITEMS: u64 = 1 << 18;
/// Slots per producer lane; the bounded peers get as many in total.
const CAPACITY: usize = 1024;
const QUOTA: usize = 256;

/// Times `iters` runs: every producer pushes with `push` (retried while it
/// refuses), `receive` runs on this thread until every item arrived.
fn run<P: Send, C>(
    iters: u64,
    make: impl Fn() -> (Vec<P>, C),
    push: impl Fn(&mut P, u64) -> bool + Sync,
    receive: impl Fn(&mut C, &mut u64) -> u64,
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let (producers, mut consumer) = make();
        let start = Instant::now();
        thread::scope(|s| {
            for mut producer in producers {
                let push = &push;
                s.spawn(move || {
                    for i in 0..ITEMS {
                        while !push(&mut producer, black_box(i)) {
                            // Yield rather than spin: on a loaded machine the
                            // other side may need this core.
                            thread::yield_now();
                        }
                    }
                });
            }
            let (mut received, mut sum) = (0, 0);
            while received < PRODUCERS * ITEMS {
                match receive(&mut consumer, &mut sum) {
                    0 => thread::yield_now(),
                    got => received += got,
                }
            }
            black_box(sum);
        });
        total += start.elapsed();
    }
    total
}

/// A bounded channel peer (`try_send`/`try_recv`) holding as many items
/// as all lanes together, one sender clone per producer.
macro_rules! bounded_peer {
    ($group:expr, $name:literal, $bounded:path) => {
        $group.bench_function($name, |b| {
            b.iter_custom(|iters| {
                run(
                    iters,
                    || {
                        let (tx, rx) = $bounded(CAPACITY * PRODUCERS as usize);
                        ((0..PRODUCERS).map(|_| tx.clone()).collect(), rx)
                    },
                    |p, v| p.try_send(v).is_ok(),
                    |c, sum| common::one(sum, c.try_recv().ok()),
                )
            })
        })
    };
}

fn mpsc_transfer(c: &mut Criterion) {
    let mut g = c.benchmark_group("mpsc_transfer_u64");
    g.throughput(Throughput::Elements(PRODUCERS * ITEMS));
    g.bench_function("spill-ring", |b| {
        b.iter_custom(|iters| {
            run(
                iters,
                || {
                    let (registry, consumer) = mpsc::Builder::new(PRODUCERS as usize, CAPACITY)
                        .build::<u64>()
                        .unwrap();
                    let producers = (0..PRODUCERS)
                        .map(|_| registry.register().unwrap())
                        .collect();
                    (producers, consumer)
                },
                |p, v| p.try_push(v).is_ok(),
                |c, sum| c.drain(QUOTA, |v| *sum += v) as u64,
            )
        })
    });
    bounded_peer!(g, "crossbeam-channel", crossbeam_channel::bounded::<u64>);
    bounded_peer!(g, "std-sync_channel", std::sync::mpsc::sync_channel::<u64>);
    g.bench_function("spillway", |b| {
        b.iter_custom(|iters| {
            run(
                iters,
                || {
                    let (tx, rx) = spillway::channel_with_concurrency::<u64>(PRODUCERS as usize);
                    ((0..PRODUCERS).map(|_| tx.clone()).collect(), rx)
                },
                |p, v| p.send(v).is_ok(),
                |c, sum| common::one(sum, c.try_next()),
            )
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::wall_config();
    targets = mpsc_transfer
}
criterion_main!(benches);
