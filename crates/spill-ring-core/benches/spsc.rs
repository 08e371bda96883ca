//! The concurrent SPSC ring against its peers, same run: `rtrb`,
//! `crossbeam_queue::ArrayQueue`, `ringbuf` and `std::sync::mpsc::
//! sync_channel`.
//!
//! * `spsc_transfer_u64/pop`: a producer thread pushes `ITEMS` `u64`s
//!   (retrying while full: nothing is lost), the bench thread pops them one
//!   by one. `.../batch`: the consumer takes everything available per call
//!   (`consume_all` / rtrb's `read_chunk`).
//! * `spsc_transfer_4k`: the same with 4 KiB elements, written and read in
//!   place (`try_reserve` / `read`, rtrb's chunks).
//! * `spsc_producer_path`: one thread, pushes into a ring that is not full
//!   (then drained untimed).
//! * `spsc_evicting`: the producer `push`es (evicting) while the consumer
//!   drains; the time is the producer's; nothing is lost (checked).
//! * push-to-pop latency percentiles (p50, p99, p99.9) against rtrb, printed
//!   by the `spsc_latency` case from an `hdrhistogram`.
//!
//! `cargo bench -p spill-ring-core --bench spsc`

mod common;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use spill_ring_core::concurrent::spsc;
use spill_ring_core::FnSpout;

/// Ring capacity of the `u64` cases.
const CAPACITY: usize = 1024;
/// Items per iteration of the transfer cases.
const ITEMS: u64 = 1 << 18;
/// A 4 KiB element.
type Page = [u64; 512];
/// Ring capacity and items per iteration of the 4 KiB cases.
const PAGE_CAPACITY: usize = 64;
const PAGES: u64 = 1 << 12;

/// Times `iters` transfers of `items` items: `push` on a producer thread
/// (retried while it refuses), `drain` on this one until all arrived.
fn transfer<P: Send, C>(
    iters: u64,
    items: u64,
    make: impl Fn() -> (P, C),
    push: impl Fn(&mut P, u64) -> bool + Sync,
    drain: impl Fn(&mut C, &mut u64) -> u64,
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let (mut producer, mut consumer) = make();
        let start = Instant::now();
        thread::scope(|s| {
            s.spawn(|| {
                for i in 0..items {
                    while !push(&mut producer, black_box(i)) {
                        // Yield rather than spin: on a loaded machine the
                        // other side may need this core.
                        thread::yield_now();
                    }
                }
            });
            let (mut received, mut sum) = (0, 0);
            while received < items {
                match drain(&mut consumer, &mut sum) {
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

/// One transfer case of `ITEMS` `u64`s in group `g`; see [`transfer`].
fn case<P: Send, C>(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    make: impl Fn() -> (P, C),
    push: impl Fn(&mut P, u64) -> bool + Sync,
    drain: impl Fn(&mut C, &mut u64) -> u64,
) {
    g.bench_function(name, |b| {
        b.iter_custom(|iters| transfer(iters, ITEMS, &make, &push, &drain))
    });
}

fn transfer_u64(c: &mut Criterion) {
    use ringbuf::traits::{Consumer, Producer, Split};
    let mut g = c.benchmark_group("spsc_transfer_u64");
    g.throughput(Throughput::Elements(ITEMS));
    let spill = || spsc::channel::<u64>(CAPACITY).unwrap();
    let spill_push = |p: &mut spsc::Producer<u64>, v| p.try_push(v).is_ok();
    let rtrb_make = || rtrb::RingBuffer::<u64>::new(CAPACITY);
    let rtrb_push = |p: &mut rtrb::Producer<u64>, v| p.push(v).is_ok();
    case(&mut g, "pop/spill-ring", spill, spill_push, |c, sum| {
        common::one(sum, c.pop())
    });
    case(&mut g, "pop/rtrb", rtrb_make, rtrb_push, |c, sum| {
        common::one(sum, c.pop().ok())
    });
    case(
        &mut g,
        "pop/crossbeam-ArrayQueue",
        || {
            let q = Arc::new(crossbeam_queue::ArrayQueue::new(CAPACITY));
            (q.clone(), q)
        },
        |p, v| p.push(v).is_ok(),
        |c, sum| common::one(sum, c.pop()),
    );
    case(
        &mut g,
        "pop/ringbuf",
        || ringbuf::HeapRb::<u64>::new(CAPACITY).split(),
        |p, v| p.try_push(v).is_ok(),
        |c, sum| common::one(sum, c.try_pop()),
    );
    case(
        &mut g,
        "pop/std-sync_channel",
        || std::sync::mpsc::sync_channel::<u64>(CAPACITY),
        |p, v| p.try_send(v).is_ok(),
        |c, sum| common::one(sum, c.try_recv().ok()),
    );
    case(&mut g, "batch/spill-ring", spill, spill_push, |c, sum| {
        c.consume_all(|v| *sum += v) as u64
    });
    case(&mut g, "batch/rtrb", rtrb_make, rtrb_push, |c, sum| {
        let Ok(chunk) = c.read_chunk(c.slots()) else {
            return 0;
        };
        let n = chunk.len() as u64;
        chunk.into_iter().for_each(|v| *sum += v);
        n
    });
    g.finish();
}

fn transfer_pages(c: &mut Criterion) {
    let mut g = c.benchmark_group("spsc_transfer_4k");
    g.throughput(Throughput::Bytes(PAGES * 4096));
    g.bench_function("in-place/spill-ring", |b| {
        b.iter_custom(|iters| {
            transfer(
                iters,
                PAGES,
                || spsc::channel::<Page>(PAGE_CAPACITY).unwrap(),
                |p, v| {
                    let Some(mut chunk) = p.try_reserve(1) else {
                        return false;
                    };
                    chunk.next_slot().unwrap().write([v; 512]);
                    // SAFETY: the slot was just written.
                    unsafe { chunk.advance() };
                    chunk.commit().is_ok()
                },
                |c, sum| {
                    let chunk = c.read(PAGE_CAPACITY);
                    chunk.iter().for_each(|page| *sum += page[0] + page[511]);
                    chunk.len() as u64
                },
            )
        })
    });
    g.bench_function("in-place/rtrb", |b| {
        b.iter_custom(|iters| {
            transfer(
                iters,
                PAGES,
                || rtrb::RingBuffer::<Page>::new(PAGE_CAPACITY),
                |p, v| p.push([v; 512]).is_ok(),
                |c, sum| {
                    let Ok(chunk) = c.read_chunk(c.slots()) else {
                        return 0;
                    };
                    let (first, second) = chunk.as_slices();
                    first
                        .iter()
                        .chain(second)
                        .for_each(|page| *sum += page[0] + page[511]);
                    let n = chunk.len() as u64;
                    chunk.commit_all();
                    n
                },
            )
        })
    });
    g.finish();
}

/// Items per iteration of the producer-path case: half the ring.
const PATH: u64 = (CAPACITY / 2) as u64;

/// Times `PATH` pushes into a ring with room, `iters` times; `drain`
/// empties it (untimed) after each.
fn time_pushes<P, C>(
    iters: u64,
    (mut p, mut c): (P, C),
    push: impl Fn(&mut P, u64),
    drain: impl Fn(&mut C),
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let start = Instant::now();
        for i in 0..PATH {
            push(&mut p, black_box(i));
        }
        total += start.elapsed();
        drain(&mut c);
    }
    total
}

fn producer_path(c: &mut Criterion) {
    let mut g = c.benchmark_group("spsc_producer_path");
    g.throughput(Throughput::Elements(PATH));
    g.bench_function("push/spill-ring", |b| {
        b.iter_custom(|iters| {
            time_pushes(
                iters,
                spsc::channel::<u64>(CAPACITY).unwrap(),
                |p, v| p.push(v).unwrap(),
                |c| {
                    c.consume_all(|v| {
                        black_box(v);
                    });
                },
            )
        })
    });
    g.bench_function("push/rtrb", |b| {
        b.iter_custom(|iters| {
            time_pushes(
                iters,
                rtrb::RingBuffer::<u64>::new(CAPACITY),
                |p, v| p.push(v).unwrap(),
                |c| {
                    let chunk = c.read_chunk(c.slots()).unwrap();
                    chunk.into_iter().for_each(|v| {
                        black_box(v);
                    });
                },
            )
        })
    });
    g.finish();
}

fn evicting(c: &mut Criterion) {
    let mut g = c.benchmark_group("spsc_evicting");
    g.throughput(Throughput::Elements(ITEMS));
    g.bench_function("push-while-draining/spill-ring", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let evicted = AtomicU64::new(0);
                let spout = FnSpout::new(|v: u64| {
                    black_box(v);
                    evicted.fetch_add(1, Ordering::Relaxed);
                });
                let (mut p, mut c) = spsc::Builder::new(CAPACITY)
                    .build_with_spout(spout)
                    .unwrap();
                let done = std::sync::atomic::AtomicBool::new(false);
                let popped = thread::scope(|s| {
                    let draining = s.spawn(|| {
                        let mut popped = 0;
                        while !done.load(Ordering::Acquire) {
                            popped += c.consume_all(|v| {
                                black_box(v);
                            }) as u64;
                        }
                        popped + c.consume_all(|_| {}) as u64
                    });
                    let start = Instant::now();
                    for i in 0..ITEMS {
                        p.push(black_box(i)).unwrap();
                    }
                    total += start.elapsed();
                    done.store(true, Ordering::Release);
                    draining.join().unwrap()
                });
                drop(p);
                let evicted = evicted.load(Ordering::Relaxed);
                assert_eq!(popped + evicted + c.len() as u64, ITEMS, "nothing lost");
            }
            total
        })
    });
    g.finish();
}

/// Push-to-pop latency: the producer sends its clock reading every ~2 µs,
/// the consumer spins on `pop` and records the difference.
fn latency(_c: &mut Criterion) {
    const SAMPLES: u64 = 200_000;
    fn measure<P: Send, C>(
        (mut producer, mut consumer): (P, C),
        push: impl Fn(&mut P, u64) -> bool + Sync,
        pop: impl Fn(&mut C) -> Option<u64>,
    ) -> hdrhistogram::Histogram<u64> {
        let epoch = Instant::now();
        let mut histogram = hdrhistogram::Histogram::<u64>::new(3).unwrap();
        thread::scope(|s| {
            s.spawn(|| {
                for _ in 0..SAMPLES {
                    let sent = epoch.elapsed().as_nanos() as u64;
                    while !push(&mut producer, sent) {}
                    let pause = Instant::now();
                    while pause.elapsed() < Duration::from_micros(2) {}
                }
            });
            for _ in 0..SAMPLES {
                let sent = loop {
                    if let Some(sent) = pop(&mut consumer) {
                        break sent;
                    }
                };
                histogram
                    .record(epoch.elapsed().as_nanos() as u64 - sent)
                    .unwrap();
            }
        });
        histogram
    }
    let spill = measure(
        spsc::channel::<u64>(CAPACITY).unwrap(),
        |p, v| p.try_push(v).is_ok(),
        |c| c.pop(),
    );
    let rtrb = measure(
        rtrb::RingBuffer::<u64>::new(CAPACITY),
        |p, v| p.push(v).is_ok(),
        |c| c.pop().ok(),
    );
    println!("spsc_latency (ns)      p50     p99   p99.9     max");
    for (name, h) in [("spill-ring", &spill), ("rtrb", &rtrb)] {
        println!(
            "  {name:<12} {:>8} {:>7} {:>7} {:>7}",
            h.value_at_quantile(0.5),
            h.value_at_quantile(0.99),
            h.value_at_quantile(0.999),
            h.max()
        );
    }
}

criterion_group! {
    name = benches;
    config = common::wall_config();
    targets = latency, producer_path, transfer_u64, transfer_pages, evicting
}
criterion_main!(benches);
