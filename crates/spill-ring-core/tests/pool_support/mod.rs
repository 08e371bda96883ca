//! Helpers shared by the MPSC and pool tests: a spout shared between rings,
//! item ids that say who pushed them, a conservation check and an item that
//! counts its drops.
#![allow(dead_code)] // each test binary uses its own subset

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use spill_ring_core::CollectSpout;

/// One spout shared by every ring of a test (an `Arc<Mutex<S>>` is a spout).
pub type Shared<T> = Arc<Mutex<CollectSpout<T>>>;

pub fn shared<T>() -> Shared<T> {
    Arc::new(Mutex::new(CollectSpout::new()))
}

/// Takes what the shared spout received so far.
pub fn taken<T>(spout: &Shared<T>) -> Vec<T> {
    spout.lock().unwrap().take()
}

/// An id saying which worker (or producer) pushed the item, in which round,
/// and as which of that round's items.
pub fn id(worker: usize, round: u64, index: u64) -> u64 {
    assert!(round < 1 << 20 && index < 1 << 20);
    ((worker as u64) << 40) | (round << 20) | index
}

pub fn worker_of(id: u64) -> usize {
    (id >> 40) as usize
}

pub fn round_of(id: u64) -> u64 {
    (id >> 20) & 0xF_FFFF
}

/// Asserts that `found` holds every id of `expected` exactly once and
/// nothing else.
pub fn assert_each_once(found: &[u64], expected: impl IntoIterator<Item = u64>) {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    for &item in found {
        *seen.entry(item).or_default() += 1;
    }
    let mut count = 0;
    for item in expected {
        count += 1;
        assert_eq!(
            seen.get(&item),
            Some(&1),
            "item {item:#x} seen {:?} times",
            seen.get(&item)
        );
    }
    assert_eq!(
        found.len(),
        count,
        "items that were never pushed were found"
    );
}

/// Asserts that, for every worker, its items appear in increasing order.
pub fn assert_in_order_per_worker(items: &[u64]) {
    let mut last: HashMap<usize, u64> = HashMap::new();
    for &item in items {
        if let Some(&before) = last.get(&worker_of(item)) {
            assert!(before < item, "{item:#x} came after {before:#x}");
        }
        last.insert(worker_of(item), item);
    }
}

/// How many times each item was dropped.
pub struct DropBoard(Vec<AtomicUsize>);

impl DropBoard {
    pub fn new(items: usize) -> Arc<Self> {
        Arc::new(DropBoard((0..items).map(|_| AtomicUsize::new(0)).collect()))
    }

    /// Asserts that every item was dropped exactly once.
    pub fn assert_each_dropped_once(&self) {
        for (item, drops) in self.0.iter().enumerate() {
            assert_eq!(
                drops.load(Ordering::SeqCst),
                1,
                "item {item} dropped the wrong number of times"
            );
        }
    }
}

/// An item that records its drop on a board.
pub struct Counted {
    pub id: usize,
    board: Arc<DropBoard>,
}

impl Counted {
    pub fn new(id: usize, board: &Arc<DropBoard>) -> Self {
        Counted {
            id,
            board: Arc::clone(board),
        }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.board.0[self.id].fetch_add(1, Ordering::SeqCst);
    }
}
