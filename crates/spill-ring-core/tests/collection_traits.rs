//! What Rust users expect of a collection: `Debug` everywhere, iterators
//! that are `Send`/`Sync` on the terms of the references they hand out,
//! owning and borrowing `IntoIterator`, `FromIterator`, `Extend<&T>`, and
//! `Clone`.
#![cfg(feature = "std")]

mod ring_support;

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use ring_support::{ids, DropLog, ScriptedSpout, Tracked};
use spill_ring_core::{
    CollectSpout, Drain, HeapRing, HeapStorage, Inline, IntoIter, Iter, IterMut, MpscRing,
    Producer, RawStorage, RingBuilder, SpillRing,
};

fn send_and_sync<X: Send + Sync>() {}

#[test]
fn iterators_are_send_and_sync_when_their_items_are() {
    send_and_sync::<Iter<'static, u64>>();
    send_and_sync::<IterMut<'static, u64>>();
    send_and_sync::<Drain<'static, u64, Inline<u64, 4>, CollectSpout<u64>>>();
    send_and_sync::<IntoIter<u64, HeapStorage<u64>, CollectSpout<u64>>>();
    fn send<X: Send>() {}
    send::<IntoIter<u64, RawStorage<u64>, CollectSpout<u64>>>();
}

#[test]
fn an_iterator_can_be_used_on_another_thread() {
    let mut ring: SpillRing<u64, 4> = SpillRing::new();
    ring.extend([1, 2, 3]);
    let sum: u64 = std::thread::scope(|s| s.spawn(|| ring.iter().sum()).join().unwrap());
    assert_eq!(sum, 6);
}

#[test]
fn debug_shows_the_items_of_rings_and_iterators() {
    let mut ring: SpillRing<u32, 4, _> = SpillRing::with_spout(CollectSpout::new());
    ring.extend(0..6);
    assert_eq!(
        format!("{ring:?}"),
        "Ring { capacity: 4, items: [2, 3, 4, 5] }"
    );
    let mut iter = ring.iter();
    iter.next();
    assert_eq!(format!("{iter:?}"), "Iter([3, 4, 5])");
    assert_eq!(
        format!("{:?}", ring.iter_mut().rev().skip(3)),
        "Skip { iter: Rev { iter: IterMut([2, 3, 4, 5]) }, n: 3 }"
    );
    let mut drain = ring.drain();
    drain.next_back();
    assert_eq!(format!("{drain:?}"), "Drain([2, 3, 4])");
    drop(drain);
    ring.extend([7, 8]);
    let into_iter = ring.into_iter();
    assert_eq!(format!("{into_iter:?}"), "IntoIter([7, 8])");
    let builder: RingBuilder<u8, _, _> = SpillRing::<u8, 2>::builder().cold();
    assert!(format!("{builder:?}").contains("warm: false"));
    assert!(format!("{:?}", MpscRing::<u8, 8>::producers(1)).contains("capacity: 8"));
    assert!(format!("{:?}", HeapStorage::<u8>::new(4).unwrap()).contains("capacity: 4"));
}

/// An item whose `Debug` pushes into the ring that holds it.
struct Meddler(Rc<RefCell<Option<Rc<HeapRing<Meddler>>>>>);

impl std::fmt::Debug for Meddler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(ring) = self.0.borrow().as_ref() {
            // Evicting the item being shown would leave `self` dangling.
            ring.push(Meddler(Rc::new(RefCell::new(None))));
        }
        f.write_str("meddler")
    }
}

#[test]
fn an_item_cannot_change_the_ring_while_it_is_shown() {
    let hook = Rc::new(RefCell::new(None));
    let ring = Rc::new(HeapRing::with_capacity(1).unwrap());
    ring.push(Meddler(Rc::clone(&hook)));
    *hook.borrow_mut() = Some(Rc::clone(&ring));
    let shown = catch_unwind(AssertUnwindSafe(|| format!("{ring:?}")));
    assert!(shown.is_err(), "the push from inside Debug must be refused");
    // The ring is intact and usable; break the cycle.
    *hook.borrow_mut() = None;
    assert_eq!(ring.len(), 1);
    assert_eq!(
        format!("{ring:?}"),
        "Ring { capacity: 1, items: [meddler] }"
    );
}

#[test]
fn the_owning_iterator_takes_items_from_both_ends_and_drops_the_rest() {
    let drops = DropLog::new();
    let (spout, log) = ScriptedSpout::new();
    let ring: HeapRing<Tracked, _> = HeapRing::with_capacity_and_spout(4, spout).unwrap();
    for id in 0..6 {
        ring.push(drops.item(id)).unwrap();
    }
    let mut items = ring.into_iter();
    assert_eq!(items.len(), 4);
    assert_eq!(items.next().map(|t| t.id), Some(2));
    assert_eq!(items.next_back().map(|t| t.id), Some(5));
    drop(items);
    // Items 3 and 4 were dropped, not sent; the spout was flushed once.
    assert_eq!(ids(&log.borrow().accepted), [0, 1]);
    assert_eq!(log.borrow().flushes, 1);
    drop(log);
    drops.assert_all_dropped_once();

    let ring: SpillRing<String, 2> = ["a", "b", "c"].map(String::from).into_iter().collect();
    let all: Vec<String> = ring.into_iter().collect();
    assert_eq!(all, ["b", "c"]);
}

#[test]
fn borrowing_iteration_goes_through_mut_references() {
    let mut ring: SpillRing<u32, 4> = (1..=4).collect();
    let mut seen = Vec::new();
    for item in &mut ring {
        seen.push(*item);
    }
    assert_eq!(seen, [1, 2, 3, 4]);
}

#[test]
fn from_iterator_and_extend_of_references_push_in_turn() {
    let mut ring: SpillRing<u32, 4, CollectSpout<u32>> = (0..6).collect();
    assert!(ring.iter().eq(&[2, 3, 4, 5]));
    assert_eq!(ring.spout().items(), &[0, 1]);
    ring.extend(&[6, 7]);
    ring.extend([8].iter());
    assert!(ring.iter().eq(&[5, 6, 7, 8]));
}

#[test]
fn clones_hold_copies_of_the_items_and_the_spout() {
    let mut ring: SpillRing<String, 2, CollectSpout<String>> = SpillRing::default();
    for word in ["a", "b", "c"] {
        ring.push(word.to_string());
    }
    let mut copy = ring.clone();
    copy.push("d".to_string());
    assert!(ring.iter().eq(["b", "c"].map(String::from).iter()));
    assert!(copy.iter().eq(["c", "d"].map(String::from).iter()));
    assert_eq!(ring.spout().items(), ["a"].map(String::from));
    assert_eq!(copy.spout().items(), ["a", "b"].map(String::from));

    let mut heap: HeapRing<u8, _> =
        HeapRing::with_capacity_and_spout(4, CollectSpout::new()).unwrap();
    heap.extend(0..3);
    let mut copy = heap.clone();
    assert_eq!(copy.capacity(), 4);
    assert!(copy.iter().eq(heap.iter()));
}

#[test]
fn a_producer_offers_the_ring_calls_and_shows_itself() {
    let mut producer = Producer::with_capacity(5, 2, CollectSpout::new()).unwrap();
    producer.push(1);
    producer.push_slice(&[2, 3]);
    assert_eq!(producer.peek(), Some(&2));
    assert_eq!(producer.spout().items(), &[1]);
    assert!(producer.iter().eq(&[2, 3]));
    assert_eq!(producer.pop_newest(), Some(3));
    assert!(format!("{producer:?}").contains("id: 5"));
    let drained: Vec<u32> = producer.drain().collect();
    assert_eq!(drained, [2]);
}
