//! The concurrent SPSC ring, single-threaded and small threaded cases (they
//! run under Miri too): behaviour against a model, conservation, drops,
//! zero-copy chunks, waiting pushes and peer detection.
#![cfg(all(feature = "std", not(loom)))]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use proptest::prelude::*;
use spill_ring_core::concurrent::spsc::{self, Builder};
use spill_ring_core::concurrent::{BuildError, WaitError};
use spill_ring_core::{CollectSpout, FnSpout, PushError};

#[test]
fn evicts_the_oldest_to_the_spout_in_order() {
    let (mut producer, mut consumer) = Builder::new(4)
        .build_with_spout(CollectSpout::new())
        .unwrap();
    for i in 0..10 {
        producer.push(i).unwrap();
    }
    assert_eq!(producer.spout().items(), &[0, 1, 2, 3, 4, 5]);
    assert_eq!((producer.len(), consumer.len()), (4, 4));
    let mut rest = Vec::new();
    consumer.consume_all(|item| rest.push(item));
    assert_eq!(rest, [6, 7, 8, 9]);
    assert!(producer.is_empty() && consumer.is_empty());
}

#[test]
fn try_push_hands_the_item_back_when_full() {
    let (mut producer, mut consumer) = spsc::channel::<u32>(2).unwrap();
    producer.try_push(1).unwrap();
    producer.try_push(2).unwrap();
    assert_eq!(producer.try_push(3), Err(PushError::Full(3)));
    assert_eq!(consumer.pop(), Some(1));
    producer.try_push(3).unwrap();
    assert_eq!(
        (consumer.pop(), consumer.pop(), consumer.pop()),
        (Some(2), Some(3), None)
    );
}

#[test]
fn pop_slice_and_consume_up_to_take_the_oldest_first() {
    let (mut producer, mut consumer) = spsc::channel::<u32>(8).unwrap();
    for i in 0..7 {
        producer.push(i).unwrap();
    }
    let mut out = [0; 3];
    assert_eq!(consumer.pop_slice(&mut out), 3);
    assert_eq!(out, [0, 1, 2]);
    let mut seen = Vec::new();
    assert_eq!(consumer.consume_up_to(2, |item| seen.push(item)), 2);
    assert_eq!(seen, [3, 4]);
    assert_eq!(consumer.pop_slice(&mut out), 2);
    assert_eq!(out[..2], [5, 6]);
}

#[test]
fn reserve_writes_in_place_and_commit_publishes_in_order() {
    let (mut producer, mut consumer) = Builder::new(4)
        .build_with_spout(CollectSpout::new())
        .unwrap();
    producer.push(100).unwrap();
    let mut chunk = producer.reserve(4);
    assert_eq!(chunk.capacity(), 4);
    for i in 0..3 {
        chunk.push(i).unwrap();
    }
    chunk.next_slot().unwrap().write(3);
    // SAFETY: the slot was just written.
    unsafe { chunk.advance() };
    assert_eq!(chunk.push(9), Err(9));
    assert!(consumer.is_empty(), "nothing is visible before commit");
    chunk.commit().unwrap();
    assert_eq!(
        producer.spout().items(),
        &[100],
        "reserving 4 evicted the one item"
    );
    let read = consumer.read(8);
    assert_eq!(read.iter().copied().collect::<Vec<_>>(), [0, 1, 2, 3]);
}

#[test]
fn try_reserve_grants_only_what_fits_without_evicting() {
    let (mut producer, mut consumer) = Builder::new(4)
        .build_with_spout(CollectSpout::new())
        .unwrap();
    let mut chunk = producer.try_reserve(3).expect("room for 3");
    for i in 0..3 {
        chunk.push(i).unwrap();
    }
    chunk.commit().unwrap();
    assert!(producer.try_reserve(2).is_none(), "only one slot is free");
    assert!(producer.try_reserve(5).is_none(), "more than the capacity");
    assert_eq!(consumer.pop(), Some(0));
    let mut chunk = producer.try_reserve(2).expect("room for 2 after the pop");
    chunk.push(3).unwrap();
    chunk.push(4).unwrap();
    chunk.commit().unwrap();
    assert!(producer.spout().items().is_empty(), "nothing was evicted");
    let mut rest = Vec::new();
    consumer.consume_all(|item| rest.push(item));
    assert_eq!(rest, [1, 2, 3, 4]);
}

#[test]
fn an_uncommitted_reservation_drops_what_was_written_and_publishes_nothing() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (mut producer, mut consumer) = spsc::channel::<Counted>(4).unwrap();
    let mut chunk = producer.reserve(3);
    chunk.push(Counted::new(1, &drops)).unwrap();
    drop(chunk);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert!(consumer.pop().is_none());
    producer.push(Counted::new(2, &drops)).unwrap();
    assert_eq!(consumer.pop().map(|item| item.value), Some(2));
}

#[test]
fn a_read_chunk_keeps_its_items_while_the_producer_laps_the_ring() {
    let (mut producer, mut consumer) = Builder::new(2)
        .hold(2)
        .build_with_spout(CollectSpout::new())
        .unwrap();
    producer.push(1).unwrap();
    producer.push(2).unwrap();
    let chunk = consumer.read(2);
    // The producer goes on without waiting: the chunk's slots are not in
    // the ring any more.
    for i in 3..9 {
        producer.push(i).unwrap();
    }
    assert_eq!(chunk.get(0), Some(&1));
    assert_eq!(chunk.get(1), Some(&2));
    assert_eq!(chunk.get(2), None);
    drop(chunk);
    assert_eq!(producer.spout().items(), &[3, 4, 5, 6]);
    assert_eq!((consumer.pop(), consumer.pop()), (Some(7), Some(8)));
}

#[test]
fn every_item_is_dropped_exactly_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (mut producer, mut consumer) = spsc::channel::<Counted>(4).unwrap();
    for i in 0..10 {
        producer.push(Counted::new(i, &drops)).unwrap(); // 6 evicted, dropped
    }
    drop(consumer.pop()); // 1
    {
        let _chunk = consumer.read(1); // 1, dropped with the chunk
    }
    assert_eq!(drops.load(Ordering::SeqCst), 8);
    drop(producer);
    assert!(consumer.is_abandoned());
    drop(consumer); // 2 left in the ring
    assert_eq!(drops.load(Ordering::SeqCst), 10);
}

#[test]
fn a_spout_that_panics_leaves_the_evicted_slot_free() {
    // Capacity 2, hold 1: one spare slot.
    let mut panics = true;
    let (mut producer, mut consumer) = Builder::new(2)
        .hold(1)
        .build_with_spout(FnSpout::new(move |item: u32| {
            if std::mem::take(&mut panics) {
                panic!("spout refused {item}");
            }
        }))
        .unwrap();
    producer.push(0).unwrap();
    producer.push(1).unwrap();
    // Evicting 0 unwinds out of the spout: 0 is gone, 2 was not pushed.
    let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = producer.push(2);
    }));
    assert!(unwound.is_err());
    assert_eq!(producer.len(), 1);
    // The slot item 0 left is free: pushing 2 reuses it, so the spare is
    // still there when 3 laps item 1, which the consumer holds.
    producer.push(2).unwrap();
    let chunk = consumer.read(1);
    assert_eq!(chunk.get(0), Some(&1));
    producer.push(3).unwrap();
    assert_eq!(chunk.get(0), Some(&1));
    drop(chunk);
    // One item per claim (hold 1).
    let mut rest = Vec::new();
    while consumer.consume_all(|item| rest.push(item)) > 0 {}
    assert_eq!(rest, [2, 3]);
}

#[test]
fn a_panicking_consumer_callback_drops_the_rest_of_its_batch() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (mut producer, mut consumer) = spsc::channel::<Counted>(4).unwrap();
    for i in 0..4 {
        producer.push(Counted::new(i, &drops)).unwrap();
    }
    let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        consumer.consume_all(|item| {
            if item.value == 1 {
                panic!("callback");
            }
        })
    }));
    assert!(unwound.is_err());
    assert_eq!(drops.load(Ordering::SeqCst), 4);
    producer.push(Counted::new(9, &drops)).unwrap();
    assert_eq!(consumer.pop().map(|item| item.value), Some(9));
}

#[test]
fn each_side_learns_the_other_is_gone() {
    let (producer, consumer) = spsc::channel::<u8>(2).unwrap();
    assert!(!producer.is_abandoned() && !consumer.is_abandoned());
    drop(consumer);
    assert!(producer.is_abandoned() && producer.is_closed());
    let (producer, consumer) = spsc::channel::<u8>(2).unwrap();
    drop(producer);
    assert!(consumer.is_abandoned());
}

#[test]
fn waiting_pushes_time_out_and_fail_once_closed() {
    let (mut producer, mut consumer) = Builder::new(1).waking(true).build::<u32>().unwrap();
    producer.push_wait(1).unwrap();
    let timed_out = producer.push_wait_timeout(2, Duration::from_millis(5));
    assert_eq!(timed_out, Err(WaitError::Timeout(2)));
    assert_eq!(consumer.pop(), Some(1));
    producer
        .push_wait_timeout(2, Duration::from_millis(5))
        .unwrap();
    consumer.close();
    assert_eq!(producer.push_wait(3), Err(WaitError::Closed(3)));
    assert_eq!(consumer.pop(), Some(2), "closing keeps what is in the ring");
}

#[test]
fn a_parked_producer_is_woken_by_the_consumer_and_by_close() {
    for waking in [true, false] {
        let (mut producer, mut consumer) = Builder::new(2).waking(waking).build::<u32>().unwrap();
        let pushing = thread::spawn(move || {
            for i in 0..20 {
                producer.push_wait(i).unwrap();
            }
            producer.push_wait(99)
        });
        let mut got = Vec::new();
        while got.len() < 20 {
            match consumer.pop() {
                Some(item) => got.push(item),
                None => thread::yield_now(),
            }
        }
        assert_eq!(got, (0..20).collect::<Vec<_>>(), "lossless and in order");
        // The last push may still be waiting; close wakes it, or it got in.
        while consumer.len() < 2 && !pushing.is_finished() {
            thread::yield_now();
        }
        consumer.close();
        match pushing.join().unwrap() {
            Ok(()) => assert_eq!(consumer.pop(), Some(99)),
            Err(error) => assert_eq!(error, WaitError::Closed(99)),
        }
    }
}

#[test]
fn threaded_push_and_pop_lose_and_duplicate_nothing() {
    let items: u64 = if cfg!(miri) { 200 } else { 100_000 };
    let (mut producer, mut consumer) = Builder::new(8)
        .hold(4)
        .build_with_spout(CollectSpout::new())
        .unwrap();
    let pushing = thread::spawn(move || {
        for i in 0..items {
            producer.push(i).unwrap();
        }
        producer.spout_mut().take()
    });
    let mut popped = Vec::new();
    loop {
        let before = popped.len();
        if popped.len() % 3 == 0 {
            consumer.consume_all(|item| popped.push(item));
        } else if let Some(item) = consumer.pop() {
            popped.push(item);
        }
        if popped.len() == before && consumer.is_abandoned() && consumer.is_empty() {
            break;
        }
    }
    let evicted = pushing.join().unwrap();
    assert!(
        popped.windows(2).all(|pair| pair[0] < pair[1]),
        "consumer order"
    );
    assert!(
        evicted.windows(2).all(|pair| pair[0] < pair[1]),
        "spout order"
    );
    let mut all: Vec<u64> = popped.into_iter().chain(evicted).collect();
    all.sort_unstable();
    assert_eq!(
        all,
        (0..items).collect::<Vec<_>>(),
        "each item exactly once"
    );
}

#[test]
fn bad_settings_are_refused() {
    assert!(matches!(
        spsc::channel::<u8>(3),
        Err(BuildError::Capacity(_))
    ));
    assert_eq!(
        Builder::new(4).hold(0).build::<u8>().err(),
        Some(BuildError::Hold(0))
    );
    let message = Builder::new(4)
        .hold(0)
        .build::<u8>()
        .unwrap_err()
        .to_string();
    assert!(message.contains("hold"), "{message}");
}

/// An operation of the model test.
#[derive(Debug, Clone)]
enum Op {
    Push(u16),
    TryPush(u16),
    Pop,
    ConsumeUpTo(usize),
    Reserve(usize),
    TryReserve(usize),
    Read(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<u16>().prop_map(Op::Push),
        any::<u16>().prop_map(Op::TryPush),
        Just(Op::Pop),
        (0..6usize).prop_map(Op::ConsumeUpTo),
        (0..6usize).prop_map(Op::Reserve),
        (0..6usize).prop_map(Op::TryReserve),
        (0..6usize).prop_map(Op::Read),
    ]
}

proptest! {
    // Under Miri: few cases, and no failure file (no file system).
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 2 } else { ProptestConfig::default().cases },
        failure_persistence: if cfg!(miri) { None } else { ProptestConfig::default().failure_persistence },
        ..ProptestConfig::default()
    })]

    /// One thread, any sequence of calls: the ring behaves as a bounded
    /// deque that spills its front.
    #[test]
    fn behaves_as_a_bounded_deque(capacity_shift in 0..4u32, hold in 1..6usize, ops in proptest::collection::vec(op(), 0..if cfg!(miri) { 16 } else { 60 })) {
        let capacity = 1 << capacity_shift;
        let (mut producer, mut consumer) = Builder::new(capacity).hold(hold).build_with_spout(CollectSpout::new()).unwrap();
        let mut model = VecDeque::new();
        let mut spilled = Vec::new();
        let spill = |model: &mut VecDeque<u16>, spilled: &mut Vec<u16>| {
            while model.len() > capacity {
                spilled.push(model.pop_front().unwrap());
            }
        };
        for op in ops {
            match op {
                Op::Push(item) => {
                    producer.push(item).unwrap();
                    model.push_back(item);
                    spill(&mut model, &mut spilled);
                }
                Op::TryPush(item) => {
                    let full = model.len() == capacity;
                    prop_assert_eq!(producer.try_push(item).is_err(), full);
                    if !full {
                        model.push_back(item);
                    }
                }
                Op::Pop => prop_assert_eq!(consumer.pop(), model.pop_front()),
                Op::ConsumeUpTo(n) => {
                    let mut got = Vec::new();
                    consumer.consume_up_to(n, |item| got.push(item));
                    let expected: Vec<u16> = model.drain(..n.min(hold).min(model.len())).collect();
                    prop_assert_eq!(got, expected);
                }
                Op::Reserve(n) => {
                    let mut chunk = producer.reserve(n);
                    let granted = n.min(capacity);
                    prop_assert_eq!(chunk.capacity(), granted);
                    for i in 0..granted as u16 {
                        chunk.push(i).unwrap();
                    }
                    chunk.commit().unwrap();
                    model.extend(0..granted as u16);
                    spill(&mut model, &mut spilled);
                }
                Op::TryReserve(n) => {
                    let fits = model.len() + n <= capacity;
                    match producer.try_reserve(n) {
                        Some(mut chunk) => {
                            prop_assert!(fits);
                            prop_assert_eq!(chunk.capacity(), n);
                            // Write all but the last: the rest stays free.
                            let written = n.saturating_sub(1) as u16;
                            for i in 0..written {
                                chunk.push(i).unwrap();
                            }
                            chunk.commit().unwrap();
                            model.extend(0..written);
                        }
                        None => prop_assert!(!fits),
                    }
                }
                Op::Read(n) => {
                    let chunk = consumer.read(n);
                    let got: Vec<u16> = chunk.iter().copied().collect();
                    let expected: Vec<u16> = model.drain(..n.min(hold).min(model.len())).collect();
                    prop_assert_eq!(got, expected);
                }
            }
            prop_assert_eq!(consumer.len(), model.len());
            prop_assert_eq!(producer.spout().items(), &spilled[..]);
        }
    }
}

/// An item that counts its drops.
#[derive(Debug)]
struct Counted {
    value: u32,
    drops: Arc<AtomicUsize>,
}

impl Counted {
    fn new(value: u32, drops: &Arc<AtomicUsize>) -> Self {
        Counted {
            value,
            drops: drops.clone(),
        }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}
