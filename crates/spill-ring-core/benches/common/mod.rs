//! Settings shared by every benchmark of this crate.
//!
//! The figures are meant to be compared within one run (a ring against its
//! peers in the same group), so each case is measured briefly: the whole
//! suite finishes in a few minutes on a small machine.
//!
//! Every benchmark includes this module and uses a part of it.
#![allow(dead_code)]

mod cpu_time;

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::{BenchmarkGroup, Criterion, Throughput};

pub use cpu_time::ThreadCpuTime;

/// A group of single-threaded cases, timed in thread CPU time.
pub type Group<'a> = BenchmarkGroup<'a, ThreadCpuTime>;

/// A single-threaded group named `name` whose iterations each move
/// `elements` items.
pub fn group<'a>(c: &'a mut Criterion<ThreadCpuTime>, name: String, elements: usize) -> Group<'a> {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(elements as u64));
    g
}

/// Short warm-up and measurement, few samples.
fn short<M: Measurement>(c: Criterion<M>) -> Criterion<M> {
    c.warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
}

/// Settings for single-threaded benchmarks: the benchmark thread's CPU time
/// (see [`ThreadCpuTime`]).
pub fn cpu_config() -> Criterion<ThreadCpuTime> {
    short(Criterion::default().with_measurement(ThreadCpuTime))
}

/// Settings for benchmarks that run several threads: wall-clock time.
pub fn wall_config() -> Criterion {
    short(Criterion::default())
}

/// Pushes `count` items (0, 1, 2, ...) through `push`, so that a ring of
/// `count` slots ends up full, and returns the ring.
pub fn filled<R>(mut ring: R, count: usize, mut push: impl FnMut(&mut R, u64)) -> R {
    for i in 0..count as u64 {
        push(&mut ring, i);
    }
    ring
}

/// The items a timed iteration pushes: `count` distinct values. Benchmarks
/// read them through `black_box`, so the compiler knows nothing about them.
pub fn items(count: usize) -> Vec<u64> {
    (0..count as u64)
        .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .collect()
}

/// Pushes every item of `items` into `ring`: the loop a caller writes, kept
/// in a function of its own so that it is compiled as a caller's loop is,
/// whatever criterion's closures around it look like.
#[inline(never)]
pub fn push_all<R>(ring: &mut R, items: &[u64], push: &mut impl FnMut(&mut R, u64)) {
    for &item in items {
        push(ring, item);
    }
}

/// Times pushing `pushes` items into `ring`, which is filled with `fill`
/// items first so that every timed push evicts.
///
/// Each iteration reads the items from a buffer hidden behind `black_box`
/// and hands the ring to `black_box` at the end, so no push can be folded
/// away.
pub fn bench_push<R>(
    g: &mut Group<'_>,
    id: &str,
    pushes: usize,
    fill: usize,
    ring: R,
    mut push: impl FnMut(&mut R, u64),
) {
    let mut ring = filled(ring, fill, &mut push);
    let items = items(pushes);
    g.bench_function(id, |b| {
        b.iter(|| {
            push_all(&mut ring, black_box(&items[..]), &mut push);
            black_box(&mut ring);
        })
    });
}

/// Adds a received item to a checksum and says how many items it was (0
/// or 1): the consumer side of the cross-thread transfer benchmarks.
pub fn one(sum: &mut u64, item: Option<u64>) -> u64 {
    item.map_or(0, |v| {
        *sum += v;
        1
    })
}
