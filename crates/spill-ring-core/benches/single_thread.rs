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
//! a full container; filling it is not timed. Every case runs the same loop
//! (in a function of its own, over items hidden behind `black_box`), and
//! time is the benchmark thread's CPU time (see `common::ThreadCpuTime`).
//!
//! `cargo bench -p spill-ring-core --bench single_thread`

mod common;

use std::collections::VecDeque;
use std::hint::black_box;

use common::{Group, ThreadCpuTime};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use crossbeam_queue::ArrayQueue;
use spill_ring_core::{HeapRing, Ring, SpillRing, Storage};

/// Items pushed per timed iteration.
const PUSHES: usize = 4096;

/// Longest slice handed to `push_slice`; smaller rings get half their
/// capacity, so a slice never skips the ring.
const MAX_SLICE: usize = 256;

/// Bytes of full containers prepared ahead of one timed batch of pops.
const POP_BATCH_BYTES: usize = 2 << 20;

/// What a benchmark does with a container, each container its own natural
/// way: the spill rings through their API, the peers as a user would.
trait Container {
    fn push(&mut self, item: u64);

    /// Pushes every item of `items`, oldest first.
    fn push_slice(&mut self, items: &[u64]) {
        for &item in items {
            self.push(item);
        }
    }

    fn pop(&mut self) -> Option<u64>;
}

/// A spill ring used through `&self`: `push`, `push_slice`, `pop`.
struct Shared<R>(R);

/// A spill ring used through `&mut self`: `push_mut`, `pop_mut`.
struct Exclusive<R>(R);

impl<B: Storage<u64>> Container for Shared<Ring<u64, B>> {
    #[inline]
    fn push(&mut self, item: u64) {
        let _ = self.0.push(item);
    }

    #[inline]
    fn push_slice(&mut self, items: &[u64]) {
        let _ = self.0.push_slice(items);
    }

    #[inline]
    fn pop(&mut self) -> Option<u64> {
        self.0.pop()
    }
}

impl<B: Storage<u64>> Container for Exclusive<Ring<u64, B>> {
    #[inline]
    fn push(&mut self, item: u64) {
        let _ = self.0.push_mut(item);
    }

    #[inline]
    fn pop(&mut self) -> Option<u64> {
        self.0.pop_mut()
    }
}

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
}

impl<const N: usize> Container for HandRing<N> {
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
}

impl Container for EvictingDeque {
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

    #[inline]
    fn pop(&mut self) -> Option<u64> {
        self.items.pop_front()
    }
}

/// `force_push` evicts the oldest item when the queue is full.
impl Container for ArrayQueue<u64> {
    #[inline]
    fn push(&mut self, item: u64) {
        let _ = self.force_push(item);
    }

    #[inline]
    fn pop(&mut self) -> Option<u64> {
        ArrayQueue::pop(self)
    }
}

/// Pushes `items` into `ring` `times` times through `push_slice`.
#[inline(never)]
fn push_slices<C: Container>(ring: &mut C, items: &[u64], times: usize) {
    for _ in 0..times {
        ring.push_slice(items);
    }
}

/// Pops `count` items from `ring` and returns their checksum, so that every
/// popped value is used.
#[inline(never)]
fn pop_all<C: Container>(ring: &mut C, count: usize) -> u64 {
    let mut sum = 0u64;
    for _ in 0..count {
        if let Some(item) = ring.pop() {
            sum = sum.wrapping_add(item);
        }
    }
    sum
}

/// One kind of case (push, push_slice or pop) at one capacity, added to a
/// group for any container.
trait Case {
    /// Adds the case `id` to `g`, on containers made by `make`.
    fn add<C: Container>(&self, g: &mut Group<'_>, id: &str, make: impl Fn() -> C);
}

/// `PUSHES` pushes into a full container: every push evicts.
struct Push {
    cap: usize,
}

impl Case for Push {
    fn add<C: Container>(&self, g: &mut Group<'_>, id: &str, make: impl Fn() -> C) {
        common::bench_push(g, id, PUSHES, self.cap, make(), C::push);
    }
}

/// `PUSHES` items pushed in slices of `slice` into a full container.
struct PushSlice {
    cap: usize,
    slice: usize,
}

impl Case for PushSlice {
    fn add<C: Container>(&self, g: &mut Group<'_>, id: &str, make: impl Fn() -> C) {
        let mut ring = common::filled(make(), self.cap, C::push);
        let items = common::items(self.slice);
        let times = PUSHES / self.slice;
        g.bench_function(id, |b| {
            b.iter(|| {
                push_slices(&mut ring, black_box(&items[..]), times);
                black_box(&mut ring);
            })
        });
    }
}

/// Popping every item of a full container, filled before the timing.
struct Pop {
    cap: usize,
}

impl Case for Pop {
    fn add<C: Container>(&self, g: &mut Group<'_>, id: &str, make: impl Fn() -> C) {
        let cap = self.cap;
        let per_batch = (POP_BATCH_BYTES / (cap * 8)).clamp(1, 256) as u64;
        g.bench_function(id, |b| {
            b.iter_batched_ref(
                || common::filled(make(), cap, C::push),
                |ring| pop_all(ring, cap),
                BatchSize::NumIterations(per_batch),
            )
        });
    }
}

/// Adds the peers to `g`: the evicting `VecDeque`, `ArrayQueue` and the
/// hand-written ring, all of capacity `N`.
fn add_peers<const N: usize>(g: &mut Group<'_>, case: &impl Case) {
    case.add(g, "vecdeque_evict", || EvictingDeque::new(N));
    case.add(g, "arrayqueue_force_push", || ArrayQueue::new(N));
    case.add(g, "hand_ring", HandRing::<N>::new);
}

fn single_thread<const N: usize>(c: &mut Criterion<ThreadCpuTime>) {
    let spill = SpillRing::<u64, N>::new;
    let heap = || HeapRing::<u64>::with_capacity(N).expect("a valid capacity");

    let push = Push { cap: N };
    let mut g = common::group(c, format!("push/{N}"), PUSHES);
    push.add(&mut g, "spill_ring", || Shared(spill()));
    push.add(&mut g, "heap_ring", || Shared(heap()));
    add_peers::<N>(&mut g, &push);
    g.finish();

    let mut g = common::group(c, format!("push_mut/{N}"), PUSHES);
    push.add(&mut g, "spill_ring", || Exclusive(spill()));
    push.add(&mut g, "heap_ring", || Exclusive(heap()));
    add_peers::<N>(&mut g, &push);
    g.finish();

    let push_slice = PushSlice {
        cap: N,
        slice: (N / 2).min(MAX_SLICE),
    };
    let mut g = common::group(c, format!("push_slice/{N}"), PUSHES);
    push_slice.add(&mut g, "spill_ring", || Shared(spill()));
    push_slice.add(&mut g, "heap_ring", || Shared(heap()));
    add_peers::<N>(&mut g, &push_slice);
    g.finish();

    let pop = Pop { cap: N };
    let mut g = common::group(c, format!("pop/{N}"), N);
    pop.add(&mut g, "spill_ring", || Shared(spill()));
    pop.add(&mut g, "spill_ring_pop_mut", || Exclusive(spill()));
    pop.add(&mut g, "heap_ring", || Shared(heap()));
    add_peers::<N>(&mut g, &pop);
    g.finish();
}

fn benches(c: &mut Criterion<ThreadCpuTime>) {
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
