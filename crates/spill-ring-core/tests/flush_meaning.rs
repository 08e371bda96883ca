//! `flush` means one thing on a ring, whichever `flush` a call resolves to:
//! every item goes down to the spout, oldest first, and then the spout is
//! flushed. A chained ring, flushed as a spout, does the same, so flushing
//! the first tier of a chain empties every tier into the last spout.
#![cfg(feature = "std")]

mod ring_support;

use ring_support::{ids, DropLog, ScriptedSpout};
use spill_ring_core::{CollectSpout, HeapRing, SpillRing, Spout};

#[test]
fn flush_with_a_fallible_spout_and_the_trait_in_scope_sends_every_item() {
    let drops = DropLog::new();
    let (spout, log) = ScriptedSpout::new();
    let mut ring: SpillRing<_, 4, _> = SpillRing::with_spout(spout);
    for id in 0..3 {
        ring.push(drops.item(id)).unwrap();
    }
    // With `Spout` in scope and a spout that can fail, this is
    // `<Ring as Spout>::flush`.
    ring.flush().unwrap();
    assert!(ring.is_empty(), "flush left items in the ring");
    assert_eq!(ids(&log.borrow().accepted), [0, 1, 2]);
    assert_eq!(log.borrow().flushes, 1);
}

#[test]
fn flush_with_an_infallible_spout_sends_every_item() {
    let ring: SpillRing<u32, 4, _> = SpillRing::with_spout(CollectSpout::new());
    ring.push(1);
    ring.push(2);
    assert_eq!(ring.flush(), 2);
    let mut ring = ring;
    assert!(ring.is_empty());
    assert_eq!(ring.spout().items(), &[1, 2]);
}

#[test]
fn flushing_the_first_tier_empties_every_tier_into_the_last_spout_in_order() {
    let (bottom, log) = ScriptedSpout::new();
    let l3 = HeapRing::with_capacity_and_spout(4, bottom).unwrap();
    let l2: SpillRing<u64, 2, _> = SpillRing::with_spout(l3);
    let mut l1: SpillRing<u64, 2, _> = SpillRing::with_spout(l2);
    for i in 0..7 {
        l1.push(i).unwrap();
    }
    assert!(log.borrow().accepted.is_empty(), "the tiers hold all 7");
    assert_eq!(l1.try_flush(), Ok(2));
    assert!(l1.is_empty() && l1.spout_mut().is_empty());
    assert!(l1.spout_mut().spout_mut().is_empty());
    assert_eq!(log.borrow().accepted, (0..7).collect::<Vec<_>>());
    assert_eq!(log.borrow().flushes, 1);
    // As a spout, a ring's flush is the same call.
    l1.send(7).unwrap();
    Spout::flush(&mut l1).unwrap();
    assert_eq!(log.borrow().accepted, (0..8).collect::<Vec<_>>());
    assert_eq!(log.borrow().flushes, 2);
}
