//! Stress: 2 producers push `SPILL_STRESS_ITEMS` items each (default
//! 10^7 when optimized) into SPSC lanes of a concurrent MPSC while a deliberately slow
//! consumer drains them; every item must be counted exactly once between
//! the consumer and the spouts, each producer's items in order. The same
//! with 4 KiB elements (`SPILL_STRESS_PAGES` each, default a twentieth)
//! checks that no torn item is ever delivered.
//!
//! `cargo test --release -p spill-ring-core --test spsc_stress`; CI sets a
//! smaller count (scripts/ci_loom.sh).
#![cfg(all(feature = "std", not(loom), not(miri)))]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;

use spill_ring_core::concurrent::mpsc;
use spill_ring_core::FnSpout;

const PRODUCERS: u64 = 2;

/// Items per producer: `SPILL_STRESS_ITEMS`, by default 10^7 in an
/// optimized build and 10^5 in a debug one.
fn items() -> u64 {
    count("SPILL_STRESS_ITEMS").unwrap_or(if cfg!(debug_assertions) {
        100_000
    } else {
        10_000_000
    })
}

/// 4 KiB items per producer: `SPILL_STRESS_PAGES`, by default a twentieth
/// of [`items`].
fn pages() -> u64 {
    count("SPILL_STRESS_PAGES").unwrap_or(items() / 20).max(1)
}

fn count(variable: &str) -> Option<u64> {
    std::env::var(variable).ok()?.parse().ok()
}

/// An element that says which producer and index it is, and can tell
/// whether it was torn.
trait Element: Send + 'static {
    fn new(producer: u64, index: u64) -> Self;
    /// `(producer, index)`, or a panic if torn.
    fn check(&self) -> (u64, u64);
}

impl Element for u64 {
    fn new(producer: u64, index: u64) -> Self {
        producer << 48 | index
    }

    fn check(&self) -> (u64, u64) {
        (self >> 48, self & ((1 << 48) - 1))
    }
}

/// 4 KiB: every word repeats the tag.
struct Page([u64; 512]);

impl Element for Page {
    fn new(producer: u64, index: u64) -> Self {
        Page([u64::new(producer, index); 512])
    }

    fn check(&self) -> (u64, u64) {
        let tag = self.0[0];
        assert!(self.0.iter().all(|&word| word == tag), "torn item {tag:#x}");
        tag.check()
    }
}

/// Per-producer tallies of one side (consumer or spout): how many items
/// and the next index expected at least; and, shared by both sides, which
/// items were seen at all.
#[derive(Default, Clone, Copy)]
struct Tally {
    count: u64,
    next: u64,
}

impl Tally {
    fn see(&mut self, index: u64, seen: &[AtomicBool]) {
        assert!(
            index >= self.next,
            "out of order: {index} after {}",
            self.next
        );
        assert!(
            !seen[index as usize].swap(true, Ordering::Relaxed),
            "item {index} delivered twice"
        );
        self.next = index + 1;
        self.count += 1;
    }
}

fn run<E: Element>(items: u64, capacity: usize, slow_every: u64) {
    let (registry, mut consumer) = mpsc::Builder::new(PRODUCERS as usize, capacity)
        .build::<E>()
        .unwrap();
    let spilled: Arc<Vec<AtomicU64>> =
        Arc::new((0..PRODUCERS).map(|_| AtomicU64::new(0)).collect());
    let seen: Arc<Vec<Vec<AtomicBool>>> = Arc::new(
        (0..PRODUCERS)
            .map(|_| (0..items).map(|_| AtomicBool::new(false)).collect())
            .collect(),
    );
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|id| {
            let spilled = spilled.clone();
            let seen = seen.clone();
            let mut mine = Tally::default();
            let spout = FnSpout::new(move |item: E| {
                let (producer, index) = item.check();
                assert_eq!(producer, id);
                mine.see(index, &seen[id as usize]);
                spilled[id as usize].fetch_add(1, Ordering::Relaxed);
            });
            let mut producer = registry.register_with_spout(spout).unwrap();
            thread::spawn(move || {
                for index in 0..items {
                    producer.push(E::new(id, index)).unwrap();
                }
            })
        })
        .collect();
    let mut popped = [Tally::default(); PRODUCERS as usize];
    let mut rounds = 0_u64;
    let mut see = |item: E| {
        let (producer, index) = item.check();
        popped[producer as usize].see(index, &seen[producer as usize]);
    };
    while !producers.iter().all(|handle| handle.is_finished()) {
        rounds += 1;
        if rounds % slow_every == 0 {
            // Deliberately slow: let the producers lap the lanes.
            thread::sleep(std::time::Duration::from_micros(50));
        }
        consumer.drain(16, &mut see);
    }
    // `join` orders the producers' last pushes before the last drains.
    for handle in producers {
        handle.join().unwrap();
    }
    while consumer.drain(16, &mut see) > 0 {}
    drop(registry);
    for id in 0..PRODUCERS as usize {
        // No item was seen twice (`see`), so `items` seen means all of them.
        assert_eq!(
            popped[id].count + spilled[id].load(Ordering::Relaxed),
            items,
            "producer {id}"
        );
    }
    let evicted: u64 = spilled
        .iter()
        .map(|count| count.load(Ordering::Relaxed))
        .sum();
    eprintln!(
        "{} producers x {items}: popped {}, evicted {evicted}",
        PRODUCERS,
        PRODUCERS * items - evicted
    );
}

#[test]
fn two_producers_into_a_slow_consumer_lose_nothing() {
    run::<u64>(items(), 1024, 64);
}

#[test]
fn four_kib_items_are_never_torn() {
    run::<Page>(pages(), 64, 64);
}
