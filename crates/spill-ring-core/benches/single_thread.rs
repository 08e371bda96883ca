//! Single-threaded throughput of `u64` items at capacities 16, 1024 and
//! 65536, each ring against its peers in the same group:
//!
//! - `spill_ring`: [`SpillRing`] (capacity fixed at compile time),
//! - `heap_ring`: [`HeapRing`] (the same ring, capacity chosen at run time),
//! - `vecdeque_evict`: `VecDeque` that pops its front by hand when full,
//! - `arrayqueue_force_push`: `crossbeam_queue::ArrayQueue::force_push`,
//! - `hand_ring`: the power-of-two ring anyone would write by hand.
//!
//! Push groups measure the steady state: every container starts full, so
//! every push evicts (to `DropSpout` for the spill rings). Pop groups empty
//! a full container; filling it is not timed.
//!
//! `cargo bench -p spill-ring-core --bench single_thread`

mod common;

use std::collections::VecDeque;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use crossbeam_queue::ArrayQueue;
use spill_ring_core::{HeapRing, SpillRing};

/// Items pushed per timed iteration.
const PUSHES: usize = 4096;

/// Longest slice handed to `push_slice`; smaller rings get half their
/// capacity, so a slice never skips the ring.
const MAX_SLICE: usize = 256;

/// Bytes of full containers prepared ahead of one timed batch of pops.
const POP_BATCH_BYTES: usize = 2 << 20;

/// The baseline: a minimal power-of-two ring that overwrites its oldest item
/// when full. No spout, no busy flag, no `unsafe`; the mask keeps every index
/// provably in bounds.
struct HandRing<const N: usize> {
    slots: Box<[u64; N]>,
    head: usize,
    tail: usize,
}

impl<const N: usize> HandRing<N> {
    fn new() -> Self {
        HandRing {
            slots: vec![0; N].into_boxed_slice().try_into().unwrap(),
            head: 0,
            tail: 0,
        }
    }

    #[inline]
    fn push(&mut self, item: u64) {
        if self.tail.wrapping_sub(self.head) == N {
            self.head = self.head.wrapping_add(1);
        }
        self.slots[self.tail & (N - 1)] = item;
        self.tail = self.tail.wrapping_add(1);
    }

    #[inline]
    fn pop(&mut self) -> Option<u64> {
        if self.tail == self.head {
            return None;
        }
        let item = self.slots[self.head & (N - 1)];
        self.head = self.head.wrapping_add(1);
        Some(item)
    }
}

/// A `VecDeque` bounded by hand: when it holds `cap` items, the front one is
/// popped before a push.
struct EvictingDeque {
    items: VecDeque<u64>,
    cap: usize,
}

impl EvictingDeque {
    fn new(cap: usize) -> Self {
        EvictingDeque {
            items: VecDeque::with_capacity(cap),
            cap,
        }
    }

    #[inline]
    fn push(&mut self, item: u64) {
        if self.items.len() == self.cap {
            self.items.pop_front();
        }
        self.items.push_back(item);
    }

    /// Drops as many front items as `items` needs room for, then appends
    /// `items` (never longer than the capacity).
    #[inline]
    fn push_slice(&mut self, items: &[u64]) {
        let overflow = (self.items.len() + items.len()).saturating_sub(self.cap);
        self.items.drain(..overflow);
        self.items.extend(items);
    }
}

/// A group for `op` at capacity `cap`, counting `elements` items per
/// iteration.
fn group<'a>(
    c: &'a mut Criterion<common::ThreadCpuTime>,
    op: &str,
    cap: usize,
    elements: u64,
) -> common::Group<'a> {
    let mut g = c.benchmark_group(format!("{op}/{cap}"));
    g.throughput(Throughput::Elements(elements));
    g
}

/// Pushes `items` into `ring` `times` times through `push_slice`.
#[inline(never)]
fn push_slices<R>(
    ring: &mut R,
    items: &[u64],
    times: usize,
    push_slice: &mut impl FnMut(&mut R, &[u64]),
) {
    for _ in 0..times {
        push_slice(ring, items);
    }
}

/// Pops `count` items from `ring` and returns their checksum, so that every
/// popped value is used.
#[inline(never)]
fn pop_all<R>(ring: &mut R, count: usize, pop: &mut impl FnMut(&mut R) -> Option<u64>) -> u64 {
    let mut sum = 0u64;
    for _ in 0..count {
        if let Some(item) = pop(ring) {
            sum = sum.wrapping_add(item);
        }
    }
    sum
}

/// Times pushing `PUSHES` items in slices of `slice` items into `ring`,
/// filled to `cap` first.
fn bench_push_slice<R>(
    g: &mut common::Group<'_>,
    id: &str,
    cap: usize,
    slice: usize,
    ring: R,
    push: impl FnMut(&mut R, u64),
    mut push_slice: impl FnMut(&mut R, &[u64]),
) {
    let mut ring = common::filled(ring, cap, push);
    let items = common::items(slice);
    g.bench_function(id, |b| {
        b.iter(|| {
            push_slices(
                &mut ring,
                black_box(&items[..]),
                PUSHES / slice,
                &mut push_slice,
            );
            black_box(&mut ring);
        })
    });
}

/// Times popping all `cap` items of a full ring made by `make` (untimed).
fn bench_pop<R>(
    g: &mut common::Group<'_>,
    id: &str,
    cap: usize,
    make: impl Fn() -> R,
    mut pop: impl FnMut(&mut R) -> Option<u64>,
) {
    let per_batch = (POP_BATCH_BYTES / (cap * 8)).clamp(1, 256) as u64;
    g.bench_function(id, |b| {
        b.iter_batched_ref(
            &make,
            |ring| pop_all(ring, cap, &mut pop),
            BatchSize::NumIterations(per_batch),
        )
    });
}

/// The peers' pushes, shared by the `push` and `push_mut` groups.
fn peer_pushes<const N: usize>(g: &mut common::Group<'_>) {
    common::bench_push(
        g,
        "vecdeque_evict",
        PUSHES,
        N,
        EvictingDeque::new(N),
        |q, x| q.push(x),
    );
    common::bench_push(
        g,
        "arrayqueue_force_push",
        PUSHES,
        N,
        ArrayQueue::new(N),
        |q, x| {
            let _ = q.force_push(x);
        },
    );
    common::bench_push(g, "hand_ring", PUSHES, N, HandRing::<N>::new(), |r, x| {
        r.push(x)
    });
}

fn single_thread<const N: usize>(c: &mut Criterion<common::ThreadCpuTime>) {
    let heap = || HeapRing::<u64>::with_capacity(N).unwrap();

    let mut g = group(c, "push", N, PUSHES as u64);
    common::bench_push(
        &mut g,
        "spill_ring",
        PUSHES,
        N,
        SpillRing::<u64, N>::new(),
        |r, x| {
            let _ = r.push(x);
        },
    );
    common::bench_push(&mut g, "heap_ring", PUSHES, N, heap(), |r, x| {
        let _ = r.push(x);
    });
    peer_pushes::<N>(&mut g);
    g.finish();

    let mut g = group(c, "push_mut", N, PUSHES as u64);
    common::bench_push(
        &mut g,
        "spill_ring",
        PUSHES,
        N,
        SpillRing::<u64, N>::new(),
        |r, x| {
            let _ = r.push_mut(x);
        },
    );
    common::bench_push(&mut g, "heap_ring", PUSHES, N, heap(), |r, x| {
        let _ = r.push_mut(x);
    });
    peer_pushes::<N>(&mut g);
    g.finish();

    let slice = (N / 2).min(MAX_SLICE);
    let mut g = group(c, "push_slice", N, PUSHES as u64);
    bench_push_slice(
        &mut g,
        "spill_ring",
        N,
        slice,
        SpillRing::<u64, N>::new(),
        |r, x| {
            let _ = r.push(x);
        },
        |r, xs| {
            let _ = r.push_slice(xs);
        },
    );
    bench_push_slice(
        &mut g,
        "heap_ring",
        N,
        slice,
        heap(),
        |r, x| {
            let _ = r.push(x);
        },
        |r, xs| {
            let _ = r.push_slice(xs);
        },
    );
    bench_push_slice(
        &mut g,
        "vecdeque_evict",
        N,
        slice,
        EvictingDeque::new(N),
        EvictingDeque::push,
        EvictingDeque::push_slice,
    );
    bench_push_slice(
        &mut g,
        "arrayqueue_force_push",
        N,
        slice,
        ArrayQueue::new(N),
        |q, x| {
            let _ = q.force_push(x);
        },
        |q, xs| {
            for &x in xs {
                let _ = q.force_push(x);
            }
        },
    );
    bench_push_slice(
        &mut g,
        "hand_ring",
        N,
        slice,
        HandRing::<N>::new(),
        HandRing::push,
        |r, xs| {
            for &x in xs {
                r.push(x);
            }
        },
    );
    g.finish();

    let mut g = group(c, "pop", N, N as u64);
    let full_spill = || {
        common::filled(SpillRing::<u64, N>::new(), N, |r, x| {
            let _ = r.push(x);
        })
    };
    bench_pop(&mut g, "spill_ring", N, full_spill, |r| r.pop());
    bench_pop(&mut g, "spill_ring_pop_mut", N, full_spill, |r| r.pop_mut());
    bench_pop(
        &mut g,
        "heap_ring",
        N,
        || {
            common::filled(heap(), N, |r, x| {
                let _ = r.push(x);
            })
        },
        |r| r.pop(),
    );
    bench_pop(
        &mut g,
        "vecdeque_evict",
        N,
        || common::filled(EvictingDeque::new(N), N, EvictingDeque::push),
        |q| q.items.pop_front(),
    );
    bench_pop(
        &mut g,
        "arrayqueue_force_push",
        N,
        || {
            common::filled(ArrayQueue::new(N), N, |q, x| {
                let _ = q.force_push(x);
            })
        },
        |q| q.pop(),
    );
    bench_pop(
        &mut g,
        "hand_ring",
        N,
        || common::filled(HandRing::<N>::new(), N, HandRing::push),
        HandRing::pop,
    );
    g.finish();
}

fn benches(c: &mut Criterion<common::ThreadCpuTime>) {
    single_thread::<16>(c);
    single_thread::<1024>(c);
    single_thread::<65536>(c);
}

criterion_group! {
    name = single;
    config = common::cpu_config();
    targets = benches
}
criterion_main!(single);
