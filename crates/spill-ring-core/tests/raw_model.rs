//! The raw SPSC ring against a model (a bounded deque that spills its
//! front), one thread, any sequence of calls and element sizes from 1 to
//! 4096 bytes; and conservation: every element pushed ends exactly once
//! popped, in the ring or evicted. Runs under Miri with few cases.
#![cfg(all(feature = "std", not(loom)))]

use std::collections::VecDeque;

use proptest::prelude::*;
use spill_ring_core::concurrent::spsc::raw::RawPushError;
use spill_ring_core::concurrent::spsc::{Builder, RawConsumer};
use spill_ring_core::PushError;

/// The element sizes the model runs with.
const SIZES: [usize; 7] = [1, 3, 8, 24, 100, 2100, 4096];

/// Element number `id` of `size` bytes: distinct for distinct ids (mod
/// 256 for one byte), and every byte depends on the id.
fn elem(id: u32, size: usize) -> Vec<u8> {
    let seed = id.to_le_bytes();
    (0..size)
        .map(|i| seed[i % 4] ^ (i as u8).wrapping_mul(7) ^ (id as u8))
        .collect()
}

#[derive(Debug, Clone)]
enum Op {
    /// Evicting push, copied.
    Push,
    /// Evicting push, written in place.
    PushWith,
    TryPush,
    /// Reserve `n`, write and commit the first `written`.
    Reserve {
        n: usize,
        written: usize,
    },
    PopInto,
    /// Pop into a buffer of room for `n` elements.
    PopSlice(usize),
    ConsumeUpTo(usize),
    Read(usize),
    Release,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Push),
        2 => Just(Op::PushWith),
        2 => Just(Op::TryPush),
        2 => (0..10usize, 0..10usize).prop_map(|(n, written)| Op::Reserve { n, written }),
        2 => Just(Op::PopInto),
        1 => (0..6usize).prop_map(Op::PopSlice),
        1 => (0..6usize).prop_map(Op::ConsumeUpTo),
        1 => (0..6usize).prop_map(Op::Read),
        1 => Just(Op::Release),
    ]
}

/// What the consumer holds by `read`, as bytes.
fn held(consumer: &RawConsumer) -> Vec<Vec<u8>> {
    (0..consumer.held())
        .map(|at| {
            let slot = consumer.read_slot(at).unwrap();
            // SAFETY: a held slot has elem_size readable bytes.
            unsafe { core::slice::from_raw_parts(slot, consumer.elem_size()) }.to_vec()
        })
        .collect()
}

/// The model and the books of one run.
struct Model {
    capacity: usize,
    hold: usize,
    size: usize,
    ring: VecDeque<Vec<u8>>,
    held: Vec<Vec<u8>>,
    evicted: Vec<Vec<u8>>,
    popped: Vec<Vec<u8>>,
    pushed: Vec<Vec<u8>>,
    next: u32,
}

impl Model {
    fn fresh(&mut self) -> Vec<u8> {
        let item = elem(self.next, self.size);
        self.next += 1;
        item
    }

    /// Evicts from the front until `n` more fit.
    fn room_for(&mut self, n: usize) {
        while self.ring.len() + n > self.capacity {
            self.evicted.push(self.ring.pop_front().unwrap());
        }
    }

    /// The model's claim of up to `n` (hold limit applies).
    fn claim(&mut self, n: usize) -> Vec<Vec<u8>> {
        let n = n.min(self.hold).min(self.ring.len());
        self.ring.drain(..n).collect()
    }
}

fn run(size: usize, capacity: usize, hold: usize, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let (mut producer, mut consumer) = Builder::new(capacity).hold(hold).build_raw(size).unwrap();
    let mut m = Model {
        capacity,
        hold,
        size,
        ring: VecDeque::new(),
        held: Vec::new(),
        evicted: Vec::new(),
        popped: Vec::new(),
        pushed: Vec::new(),
        next: 0,
    };
    let mut evicted = Vec::new();
    for op in ops {
        match op {
            Op::Push | Op::PushWith => {
                let item = m.fresh();
                let evict = |old: &[u8]| {
                    evicted.push(old.to_vec());
                    Ok::<(), ()>(())
                };
                if matches!(op, Op::Push) {
                    producer.push(&item, evict).unwrap();
                } else {
                    // SAFETY: copies all elem_size bytes.
                    unsafe {
                        producer.push_with(
                            |slot| core::ptr::copy_nonoverlapping(item.as_ptr(), slot, size),
                            evict,
                        )
                    }
                    .unwrap();
                }
                m.room_for(1);
                m.ring.push_back(item.clone());
                m.pushed.push(item);
            }
            Op::TryPush => {
                let item = m.fresh();
                let full = m.ring.len() == capacity;
                let result = producer.try_push(&item);
                if full {
                    prop_assert_eq!(result, Err(RawPushError::Push(PushError::Full(()))));
                } else {
                    prop_assert_eq!(result, Ok(()));
                    m.ring.push_back(item.clone());
                    m.pushed.push(item);
                }
            }
            Op::Reserve { n, written } => {
                let (granted, result) = producer.reserve(n, |old| {
                    evicted.push(old.to_vec());
                    Ok::<(), ()>(())
                });
                prop_assert_eq!((granted, result), (n.min(capacity), Ok(())));
                prop_assert_eq!(producer.reserved(), granted);
                m.room_for(granted);
                let written = written.min(granted);
                for at in 0..written {
                    let item = m.fresh();
                    let slot = producer.reserved_slot(at).unwrap();
                    // SAFETY: a reserved slot has elem_size writable bytes.
                    unsafe { core::ptr::copy_nonoverlapping(item.as_ptr(), slot, size) };
                    m.ring.push_back(item.clone());
                    m.pushed.push(item);
                }
                prop_assert!(producer.reserved_slot(granted).is_none());
                // SAFETY: the first `written` are written.
                unsafe { producer.commit(written) };
                prop_assert_eq!(producer.reserved(), 0);
            }
            Op::PopInto => {
                m.held.clear();
                let mut out = vec![0; size];
                let expected = m.claim(1);
                prop_assert_eq!(consumer.pop_into(&mut out), !expected.is_empty());
                if let Some(item) = expected.into_iter().next() {
                    prop_assert_eq!(&out, &item);
                    m.popped.push(item);
                }
            }
            Op::PopSlice(n) => {
                m.held.clear();
                // Spare bytes short of a whole element are left alone.
                let mut out = vec![0; n * size + size - 1];
                let expected = m.claim(n);
                prop_assert_eq!(consumer.pop_slice(&mut out), expected.len());
                prop_assert_eq!(&out[..expected.len() * size], &expected.concat()[..]);
                m.popped.extend(expected);
            }
            Op::ConsumeUpTo(n) => {
                m.held.clear();
                let mut got = Vec::new();
                let count = consumer.consume_up_to(n, |bytes| got.push(bytes.to_vec()));
                let expected = m.claim(n);
                prop_assert_eq!(count, expected.len());
                prop_assert_eq!(&got, &expected);
                m.popped.extend(expected);
            }
            Op::Read(n) => {
                let count = consumer.read(n);
                m.held = m.claim(n);
                prop_assert_eq!(count, m.held.len());
                m.popped.extend(m.held.iter().cloned());
            }
            Op::Release => {
                consumer.release();
                m.held.clear();
            }
        }
        // Held elements stay intact in place whatever the producer did.
        prop_assert_eq!(held(&consumer), m.held.clone());
        prop_assert_eq!(consumer.held(), m.held.len());
        prop_assert_eq!(
            (producer.len(), consumer.len()),
            (m.ring.len(), m.ring.len())
        );
        prop_assert_eq!(&evicted, &m.evicted);
    }
    // Conservation: every element pushed is exactly once popped, still in
    // the ring, or evicted.
    consumer.release();
    let mut rest = Vec::new();
    while consumer.consume_all(|bytes| rest.push(bytes.to_vec())) > 0 {}
    prop_assert_eq!(&rest, &Vec::from(m.ring.clone()));
    let mut all: Vec<Vec<u8>> = m
        .popped
        .iter()
        .chain(&rest)
        .chain(&evicted)
        .cloned()
        .collect();
    let mut pushed = m.pushed.clone();
    all.sort();
    pushed.sort();
    prop_assert_eq!(all, pushed);
    Ok(())
}

proptest! {
    // Under Miri: few cases, and no failure file (no file system).
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 2 } else { ProptestConfig::default().cases },
        failure_persistence: if cfg!(miri) { None } else { ProptestConfig::default().failure_persistence },
        ..ProptestConfig::default()
    })]

    /// One thread, any sequence of calls: the raw ring behaves as a
    /// bounded deque that spills its front, and conserves its elements.
    #[test]
    fn behaves_as_a_bounded_deque(
        size in proptest::sample::select(&SIZES[..]),
        capacity_shift in 0..4u32,
        hold in 1..6usize,
        ops in proptest::collection::vec(op(), 0..if cfg!(miri) { 16 } else { 60 }),
    ) {
        run(size, 1 << capacity_shift, hold, ops)?;
    }
}

/// Every element size of the model, capacity 1, one fixed sequence (so
/// each size surely runs, also under Miri).
#[test]
fn every_size_at_capacity_one() {
    let ops = vec![
        Op::Push,
        Op::PushWith,
        Op::TryPush,
        Op::Read(2),
        Op::Push,
        Op::Push,
        Op::Reserve { n: 3, written: 1 },
        Op::PopSlice(2),
        Op::Reserve { n: 1, written: 0 },
        Op::TryPush,
        Op::ConsumeUpTo(3),
        Op::Push,
        Op::PopInto,
        Op::Release,
    ];
    for size in SIZES {
        for hold in [1, 2] {
            run(size, 1, hold, ops.clone()).unwrap();
        }
    }
}
