//! Drop counting: every item a ring holds is dropped exactly once, never
//! leaked, on every path out of the ring, including when a spout or an
//! item's destructor panics part-way. After a caught panic the ring stays
//! consistent and usable.
#![cfg(feature = "std")]

mod ring_support;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use ring_support::{ids, DropLog, Failure, ScriptedSpout, Tracked};
use spill_ring_core::{DropSpout, HeapRing, Ring, SpillRing, Spout, Storage};

/// Pushes items `ids` into `ring`, made by `drops`.
fn fill<B: Storage<Tracked>, S: Spout<Tracked>>(
    ring: &Ring<Tracked, B, S>,
    drops: &DropLog,
    ids: std::ops::Range<u64>,
) {
    for id in ids {
        let _ = ring.push(drops.item(id));
    }
}

fn contents<B: Storage<Tracked>, S: Spout<Tracked>>(ring: &mut Ring<Tracked, B, S>) -> Vec<u64> {
    ids(ring.iter())
}

#[test]
fn dropping_a_ring_drops_every_item_once() {
    let drops = DropLog::new();
    {
        let ring: SpillRing<Tracked, 4> = SpillRing::new();
        fill(&ring, &drops, 0..10);
        assert_eq!(drops.dropped(), 6, "the default spout drops evicted items");
    }
    {
        let ring: HeapRing<Tracked> = HeapRing::with_capacity(8).unwrap();
        fill(&ring, &drops, 0..3);
    }
    drops.assert_all_dropped_once();
}

#[test]
fn a_ring_dropped_into_a_spout_hands_its_items_over_without_dropping_them() {
    let drops = DropLog::new();
    let (spout, log) = ScriptedSpout::new();
    let ring: SpillRing<Tracked, 4, _> = SpillRing::with_spout(spout);
    fill(&ring, &drops, 0..6);
    drop(ring);
    assert_eq!(drops.dropped(), 0);
    assert_eq!(ids(&log.borrow().accepted), (0..6).collect::<Vec<_>>());
    assert_eq!(log.borrow().flushes, 1);
    drop(log);
    drops.assert_all_dropped_once();
}

#[test]
fn push_overwrite_hands_the_evicted_item_back_without_dropping_it() {
    let drops = DropLog::new();
    let (spout, log) = ScriptedSpout::new();
    let mut ring: HeapRing<Tracked, _> = HeapRing::with_capacity_and_spout(2, spout).unwrap();
    let mut evicted = Vec::new();
    for id in 0..5 {
        evicted.extend(ring.push_overwrite(drops.item(id)));
    }
    assert_eq!(drops.dropped(), 0, "evicted items belong to the caller");
    assert_eq!(ids(&evicted), [0, 1, 2]);
    assert_eq!(contents(&mut ring), [3, 4]);
    assert!(
        log.borrow().accepted.is_empty(),
        "the spout is never called"
    );
    drop(evicted);
    assert_eq!(drops.dropped(), 3);
    drop(ring);
    drop(log);
    drops.assert_all_dropped_once();
}

#[test]
fn clear_drops_the_items_and_keeps_the_ring_usable() {
    let drops = DropLog::new();
    let (spout, log) = ScriptedSpout::new();
    let mut ring: SpillRing<Tracked, 4, _> = SpillRing::with_spout(spout);
    fill(&ring, &drops, 0..6);
    ring.clear();
    assert_eq!(drops.dropped(), 4);
    assert_eq!(ids(&log.borrow().accepted), [0, 1]);
    fill(&ring, &drops, 6..8);
    assert_eq!(contents(&mut ring), [6, 7]);
    drop(ring);
    drop(log);
    drops.assert_all_dropped_once();
}

#[test]
fn a_partly_consumed_drain_drops_the_rest() {
    let drops = DropLog::new();
    let (spout, log) = ScriptedSpout::new();
    let mut ring: HeapRing<Tracked, _> = HeapRing::with_capacity_and_spout(4, spout).unwrap();
    ring.start_indices_at(usize::MAX - 1);
    fill(&ring, &drops, 0..4);
    let taken: Vec<Tracked> = ring.drain().take(2).collect();
    assert_eq!(ids(&taken), [0, 1]);
    assert_eq!(drops.dropped(), 2, "the two not taken");
    assert!(ring.is_empty());
    assert!(
        log.borrow().accepted.is_empty(),
        "drained items never reach the spout"
    );
    fill(&ring, &drops, 4..9);
    assert_eq!(contents(&mut ring), [5, 6, 7, 8]);
    drop((taken, ring, log));
    drops.assert_all_dropped_once();
}

#[test]
fn a_forgotten_drain_leaks_nothing_it_did_not_take() {
    let drops = DropLog::new();
    let mut ring: SpillRing<Tracked, 4> = SpillRing::new();
    fill(&ring, &drops, 0..4);
    let mut drain = ring.drain();
    let first = drain.next();
    std::mem::forget(drain);
    // The items not taken are still in the ring and leave it normally.
    assert_eq!(contents(&mut ring), [1, 2, 3]);
    drop((first, ring));
    drops.assert_all_dropped_once();
}

#[test]
fn into_spout_moves_the_items_to_the_spout_without_dropping_them() {
    let drops = DropLog::new();
    let (spout, log) = ScriptedSpout::new();
    let ring: SpillRing<Tracked, 4, _> = SpillRing::with_spout(spout);
    fill(&ring, &drops, 0..7);
    let spout = ring.into_spout();
    assert_eq!(drops.dropped(), 0);
    assert_eq!(ids(&log.borrow().accepted), (0..7).collect::<Vec<_>>());
    drop((spout, log));
    drops.assert_all_dropped_once();
}

#[test]
fn into_spout_drops_what_a_refusing_spout_did_not_take() {
    let drops = DropLog::new();
    let (spout, log) = ScriptedSpout::new();
    let ring: SpillRing<Tracked, 4, _> = SpillRing::with_spout(spout);
    fill(&ring, &drops, 0..4);
    log.borrow_mut().budget = Some(1);
    let spout = ring.into_spout();
    // One accepted, one refused (kept by the spout as rejected), two
    // dropped with the ring.
    assert_eq!(ids(&log.borrow().accepted), [0]);
    assert_eq!(ids(&log.borrow().rejected), [1]);
    assert_eq!(drops.dropped(), 2);
    drop((spout, log));
    drops.assert_all_dropped_once();
}

/// A ring of capacity 4 holding items 0..4, whose spout panics on its
/// `after + 1`-th call.
fn panicking_ring(
    drops: &DropLog,
    after: usize,
) -> (
    SpillRing<Tracked, 4, ScriptedSpout<Tracked>>,
    ring_support::Log<Tracked>,
) {
    let (spout, log) = ScriptedSpout::new();
    let ring: SpillRing<Tracked, 4, _> = SpillRing::with_spout(spout);
    fill(&ring, drops, 0..4);
    let mut script = log.borrow_mut();
    script.budget = Some(after);
    script.failure = Failure::Panic;
    drop(script);
    (ring, log)
}

#[test]
fn a_spout_panicking_mid_push_leaves_the_ring_consistent() {
    let drops = DropLog::new();
    let (mut ring, log) = panicking_ring(&drops, 0);
    let item = drops.item(4);
    assert!(catch_unwind(AssertUnwindSafe(|| ring.push(item))).is_err());
    // Item 0 went to the spout, which panicked with it; item 4 was dropped
    // by the unwinding.
    assert_eq!(drops.dropped(), 2);
    assert_eq!(contents(&mut ring), [1, 2, 3]);
    log.borrow_mut().budget = None;
    fill(&ring, &drops, 5..7);
    assert_eq!(contents(&mut ring), [2, 3, 5, 6]);
    assert_eq!(ids(&log.borrow().accepted), [1]);
    drop((ring, log));
    drops.assert_all_dropped_once();
}

#[test]
fn a_spout_panicking_mid_push_mut_leaves_the_ring_consistent() {
    let drops = DropLog::new();
    let (mut ring, log) = panicking_ring(&drops, 0);
    let item = drops.item(4);
    assert!(catch_unwind(AssertUnwindSafe(|| ring.push_mut(item))).is_err());
    assert_eq!(drops.dropped(), 2);
    assert_eq!(contents(&mut ring), [1, 2, 3]);
    log.borrow_mut().budget = None;
    ring.push_mut(drops.item(5)).unwrap();
    assert_eq!(contents(&mut ring), [1, 2, 3, 5]);
    drop((ring, log));
    drops.assert_all_dropped_once();
}

#[test]
fn a_spout_panicking_mid_flush_keeps_the_rest_in_the_ring() {
    let drops = DropLog::new();
    let (mut ring, log) = panicking_ring(&drops, 2);
    assert!(catch_unwind(AssertUnwindSafe(|| ring.try_flush())).is_err());
    assert_eq!(ids(&log.borrow().accepted), [0, 1]);
    assert_eq!(drops.dropped(), 1, "item 2 went down with the spout");
    assert_eq!(contents(&mut ring), [3]);
    log.borrow_mut().budget = None;
    assert_eq!(ring.try_flush(), Ok(1));
    assert_eq!(ids(&log.borrow().accepted), [0, 1, 3]);
    drop((ring, log));
    drops.assert_all_dropped_once();
}

#[test]
fn a_destination_panicking_mid_drain_into_keeps_the_rest_in_the_ring() {
    let drops = DropLog::new();
    let ring: SpillRing<Tracked, 4> = SpillRing::new();
    fill(&ring, &drops, 0..4);
    let (mut dst, log) = ScriptedSpout::new();
    log.borrow_mut().budget = Some(1);
    log.borrow_mut().failure = Failure::Panic;
    assert!(catch_unwind(AssertUnwindSafe(|| ring.drain_into(&mut dst))).is_err());
    assert_eq!(ids(&log.borrow().accepted), [0]);
    assert_eq!(ring.len(), 2);
    log.borrow_mut().budget = None;
    assert_eq!(ring.drain_into(&mut dst), Ok(2));
    assert_eq!(ids(&log.borrow().accepted), [0, 2, 3]);
    drop((ring, dst, log));
    drops.assert_all_dropped_once();
}

#[test]
fn a_spout_panicking_while_the_ring_drops_loses_nothing_else() {
    let drops = DropLog::new();
    let (ring, log) = panicking_ring(&drops, 1);
    assert!(catch_unwind(AssertUnwindSafe(move || drop(ring))).is_err());
    // Item 0 reached the spout, item 1 went down with it, 2 and 3 were
    // dropped with the ring.
    assert_eq!(ids(&log.borrow().accepted), [0]);
    assert_eq!(drops.dropped(), 3);
    drop(log);
    drops.assert_all_dropped_once();
}

#[test]
fn a_ring_dropped_while_unwinding_survives_its_spout_panicking_again() {
    let drops = DropLog::new();
    let (ring, log) = panicking_ring(&drops, 0);
    let item = drops.item(4);
    // The push panics through the spout; unwinding drops the ring, whose
    // flush calls the same spout, which panics again. That second panic
    // must not abort the process.
    let outcome = catch_unwind(AssertUnwindSafe(move || {
        let ring = ring;
        let _ = ring.push(item);
    }));
    assert!(outcome.is_err());
    assert!(log.borrow().accepted.is_empty());
    drop(log);
    drops.assert_all_dropped_once();
}

#[test]
fn a_ring_dropped_while_unwinding_still_hands_its_items_to_a_working_spout() {
    let drops = DropLog::new();
    let (spout, log) = ScriptedSpout::new();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let ring: SpillRing<Tracked, 4, _> = SpillRing::with_spout(spout);
        fill(&ring, &drops, 0..6);
        panic!("unrelated failure");
    }));
    assert!(outcome.is_err());
    assert_eq!(ids(&log.borrow().accepted), (0..6).collect::<Vec<_>>());
    drop(log);
    drops.assert_all_dropped_once();
}

#[test]
fn into_spout_with_a_panicking_spout_drops_each_item_once() {
    let drops = DropLog::new();
    let (ring, log) = panicking_ring(&drops, 2);
    assert!(catch_unwind(AssertUnwindSafe(move || ring.into_spout())).is_err());
    assert_eq!(ids(&log.borrow().accepted), [0, 1]);
    drop(log);
    drops.assert_all_dropped_once();
}

#[test]
fn an_item_panicking_in_clear_leaves_the_others_in_a_consistent_ring() {
    let drops = DropLog::new();
    let mut ring: SpillRing<Tracked, 4> = SpillRing::new();
    ring.push(drops.item(0));
    ring.push(drops.panicking_item(1));
    fill(&ring, &drops, 2..4);
    assert!(catch_unwind(AssertUnwindSafe(|| ring.clear())).is_err());
    assert_eq!(drops.dropped(), 2);
    assert_eq!(contents(&mut ring), [2, 3]);
    fill(&ring, &drops, 4..6);
    assert_eq!(contents(&mut ring), [2, 3, 4, 5]);
    ring.clear();
    assert!(ring.is_empty());
    drops.assert_all_dropped_once();
}

#[test]
fn an_item_panicking_in_a_drains_drop_leaves_the_rest_in_the_ring() {
    let drops = DropLog::new();
    let mut ring: SpillRing<Tracked, 4> = SpillRing::new();
    fill(&ring, &drops, 0..2);
    ring.push(drops.panicking_item(2));
    ring.push(drops.item(3));
    let mut taken = None;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut drain = ring.drain();
        taken = drain.next();
    }));
    assert!(outcome.is_err());
    // Item 0 was taken, 1 and 2 were dropped by the drain, and 3 is still
    // in the ring.
    assert_eq!(taken.as_ref().map(|item| item.id), Some(0));
    assert_eq!(drops.dropped(), 2);
    assert_eq!(contents(&mut ring), [3]);
    drop((taken, ring));
    drops.assert_all_dropped_once();
}

#[test]
fn a_ring_as_a_spout_takes_clones_and_drops_the_items_it_evicts() {
    let drops = DropLog::new();
    let (spout, log) = ScriptedSpout::new();
    let mut ring: SpillRing<Tracked, 4, _> = SpillRing::with_spout(spout);
    fill(&ring, &drops, 0..3);
    let batch: Vec<Tracked> = (10..16).map(|id| drops.item(id)).collect();
    ring.send_slice(&batch).unwrap();
    // 3 + 6 items for 4 slots: 0, 1, 2 and clones of 10 and 11 went on.
    assert_eq!(ids(&log.borrow().accepted), [0, 1, 2, 10, 11]);
    assert_eq!(contents(&mut ring), [12, 13, 14, 15]);
    assert_eq!(
        drops.dropped(),
        3,
        "the originals of 0, 1 and 2, sent as clones"
    );
    log.borrow_mut().budget = Some(0);
    assert!(ring.send_slice(&batch[..2]).is_err());
    assert_eq!(
        contents(&mut ring),
        [12, 13, 14, 15],
        "unchanged when refused"
    );
    drop((batch, ring, log));
    drops.assert_all_dropped_once();
}

#[test]
fn a_ring_as_a_spout_whose_own_spout_panics_stores_nothing() {
    let drops = DropLog::new();
    let (spout, log) = ScriptedSpout::new();
    log.borrow_mut().budget = Some(0);
    log.borrow_mut().failure = Failure::Panic;
    let mut ring: SpillRing<Tracked, 2, _> = SpillRing::with_spout(spout);
    fill(&ring, &drops, 1..3);
    let batch: Vec<Tracked> = (10..13).map(|id| drops.item(id)).collect();
    assert!(catch_unwind(AssertUnwindSafe(|| ring.send_slice(&batch))).is_err());
    assert_eq!(contents(&mut ring), [1, 2], "nothing was stored");
    log.borrow_mut().budget = None;
    ring.send_slice(&batch).unwrap();
    assert_eq!(contents(&mut ring), [11, 12]);
    assert_eq!(ids(&log.borrow().accepted), [1, 2, 10]);
    drop((batch, ring, log));
    drops.assert_all_dropped_once();
}

#[test]
fn a_clone_panicking_inside_a_ring_as_a_spout_leaves_it_consistent() {
    let drops = DropLog::new();
    let mut ring: HeapRing<Tracked, DropSpout> = HeapRing::with_capacity(4).unwrap();
    fill(&ring, &drops, 0..1);
    let batch = vec![
        drops.item(10),
        drops.clone_panicking_item(11),
        drops.item(12),
    ];
    assert!(catch_unwind(AssertUnwindSafe(|| ring.send_slice(&batch))).is_err());
    assert_eq!(
        contents(&mut ring),
        [0, 10],
        "the clones made so far are stored"
    );
    fill(&ring, &drops, 1..3);
    assert_eq!(contents(&mut ring), [0, 10, 1, 2]);
    drop((batch, ring));
    drops.assert_all_dropped_once();
}

#[test]
fn into_spout_frees_everything_when_an_item_panics_after_the_spout_refused() {
    let drops = DropLog::new();
    let (spout, log) = ScriptedSpout::new();
    let ring: HeapRing<Tracked, _> = HeapRing::with_capacity_and_spout(4, spout).unwrap();
    ring.push(drops.item(0)).unwrap();
    ring.push(drops.panicking_item(1)).unwrap();
    fill(&ring, &drops, 2..4);
    log.borrow_mut().budget = Some(0);
    assert!(catch_unwind(AssertUnwindSafe(move || ring.into_spout())).is_err());
    // The spout refused item 0 (and kept it); the ring, its spout and its
    // heap slots are gone, and every item was dropped once.
    assert_eq!(Rc::strong_count(&log), 1, "the spout was leaked");
    drop(log);
    drops.assert_all_dropped_once();
}
