//! Property tests: random sequences of ring operations against a `VecDeque`
//! model of the ring and a model of its spout. After every operation the
//! ring's contents (through `iter`), its length, what every spout received
//! and each call's result must match the model exactly, for several
//! capacities of `SpillRing`, `HeapRing` and `RawRing`, with indices that
//! start anywhere (near `usize::MAX` included) and with spouts that refuse
//! on command.
#![cfg(feature = "std")]

mod ring_support;

use std::collections::VecDeque;
use std::ptr::NonNull;

use proptest::prelude::*;
use ring_support::{proptest_config, Log, Refusal, ScriptedSpout, SpoutLog};
use spill_ring_core::{
    BatchError, CollectSpout, HeapRing, PushError, RawRing, RawStorage, Refused, Ring, SpillRing,
    Storage,
};

/// One call on the ring (or on the test's spouts).
#[derive(Debug, Clone)]
enum Op {
    Push(u32),
    PushMut(u32),
    PushOverwrite(u32),
    TryPush(u32),
    CheckedPush(u32),
    Pop,
    PopMut,
    Peek,
    PushSlice(Vec<u32>),
    CheckedPushSlice(Vec<u32>),
    PopSlice(usize),
    TryFlush,
    CheckedFlush,
    DrainInto,
    CheckedDrainInto,
    Clear,
    /// `drain()`, taking this many items before dropping the iterator.
    Drain(usize),
    /// `iter_mut()`, adding this to every item.
    AddToEach(u32),
    /// How many more calls the ring's spout accepts (`None`: all).
    SpoutBudget(Option<usize>),
    /// The same for the spout that `drain_into` targets.
    DstBudget(Option<usize>),
}

fn op() -> impl Strategy<Value = Op> {
    let slice = || prop::collection::vec(any::<u32>(), 0..40);
    let budget = || prop_oneof![3 => Just(None), 2 => (0..4usize).prop_map(Some)];
    prop_oneof![
        6 => any::<u32>().prop_map(Op::Push),
        3 => any::<u32>().prop_map(Op::PushMut),
        2 => any::<u32>().prop_map(Op::PushOverwrite),
        2 => any::<u32>().prop_map(Op::TryPush),
        3 => any::<u32>().prop_map(Op::CheckedPush),
        3 => Just(Op::Pop),
        1 => Just(Op::PopMut),
        1 => Just(Op::Peek),
        3 => slice().prop_map(Op::PushSlice),
        3 => slice().prop_map(Op::CheckedPushSlice),
        2 => (0..40usize).prop_map(Op::PopSlice),
        1 => Just(Op::TryFlush),
        1 => Just(Op::CheckedFlush),
        1 => Just(Op::DrainInto),
        1 => Just(Op::CheckedDrainInto),
        1 => Just(Op::Clear),
        1 => (0..20usize).prop_map(Op::Drain),
        1 => any::<u32>().prop_map(Op::AddToEach),
        2 => budget().prop_map(Op::SpoutBudget),
        1 => budget().prop_map(Op::DstBudget),
    ]
}

/// Where the ring's indices start: at zero, just below the point where
/// they wrap around, or anywhere.
fn start_index() -> impl Strategy<Value = usize> {
    prop_oneof![Just(0usize), (usize::MAX - 64..=usize::MAX), any::<usize>(),]
}

/// The model of a spout: a [`SpoutLog`] that follows the same script.
#[derive(Debug, Default)]
struct SpoutModel {
    accepted: Vec<u32>,
    rejected: Vec<u32>,
    flushes: usize,
    budget: Option<usize>,
}

impl SpoutModel {
    fn admit(&mut self) -> Result<(), Refusal> {
        match self.budget {
            None => Ok(()),
            Some(0) => Err(Refusal),
            Some(left) => {
                self.budget = Some(left - 1);
                Ok(())
            }
        }
    }

    fn send(&mut self, item: u32) -> Result<(), Refusal> {
        let admitted = self.admit();
        match admitted {
            Ok(()) => self.accepted.push(item),
            Err(_) => self.rejected.push(item),
        }
        admitted
    }

    fn send_slice(&mut self, items: &[u32]) -> Result<(), Refusal> {
        self.admit()?;
        self.accepted.extend_from_slice(items);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Refusal> {
        self.admit()?;
        self.flushes += 1;
        Ok(())
    }

    fn matches(&self, log: &SpoutLog<u32>) -> Result<(), TestCaseError> {
        prop_assert_eq!(&self.accepted, &log.accepted);
        prop_assert_eq!(&self.rejected, &log.rejected);
        prop_assert_eq!(self.flushes, log.flushes);
        Ok(())
    }
}

/// Which spout a model operation uses.
#[derive(Clone, Copy)]
enum Target {
    Own,
    Dst,
}

/// The model of a ring: its items, the index of the oldest (which tells
/// where the storage wraps) and its spouts.
#[derive(Debug)]
struct Model {
    capacity: usize,
    head: usize,
    items: VecDeque<u32>,
    spout: SpoutModel,
    dst: SpoutModel,
}

impl Model {
    fn new(capacity: usize, head: usize) -> Self {
        Model {
            capacity,
            head,
            items: VecDeque::new(),
            spout: SpoutModel::default(),
            dst: SpoutModel::default(),
        }
    }

    fn spout(&mut self, target: Target) -> &mut SpoutModel {
        match target {
            Target::Own => &mut self.spout,
            Target::Dst => &mut self.dst,
        }
    }

    fn is_full(&self) -> bool {
        self.items.len() == self.capacity
    }

    fn pop(&mut self) -> Option<u32> {
        let item = self.items.pop_front()?;
        self.head = self.head.wrapping_add(1);
        Some(item)
    }

    fn push(&mut self, item: u32) -> Result<(), Refusal> {
        let mut result = Ok(());
        if self.is_full() {
            let oldest = self.pop().unwrap();
            result = self.spout.send(oldest);
        }
        self.items.push_back(item);
        result
    }

    /// A push whose evicted item comes back instead of reaching the spout.
    fn push_overwrite(&mut self, item: u32) -> Option<u32> {
        let evicted = if self.is_full() { self.pop() } else { None };
        self.items.push_back(item);
        evicted
    }

    fn try_push(&mut self, item: u32) -> Result<(), PushError<u32>> {
        if self.is_full() {
            return Err(PushError::Full(item));
        }
        self.items.push_back(item);
        Ok(())
    }

    fn checked_push(&mut self, item: u32) -> Result<(), Refused<u32, Refusal>> {
        if self.is_full() {
            let oldest = self.items[0];
            if let Err(error) = self.spout.send_slice(&[oldest]) {
                return Err(Refused { item, error });
            }
            self.pop();
        }
        self.items.push_back(item);
        Ok(())
    }

    /// Sends the `count` oldest items to `target` as the storage lays them
    /// out: at most two slices, split where the storage wraps.
    fn spill_front(&mut self, count: usize, target: Target) -> Result<(), BatchError<Refusal>> {
        let mut done = 0;
        while done < count {
            let to_end = self.capacity - (self.head & (self.capacity - 1));
            let run: Vec<u32> = self
                .items
                .iter()
                .take((count - done).min(to_end))
                .copied()
                .collect();
            self.spout(target)
                .send_slice(&run)
                .map_err(|error| BatchError {
                    completed: done,
                    error,
                })?;
            for _ in 0..run.len() {
                self.pop();
            }
            done += run.len();
        }
        Ok(())
    }

    fn checked_push_slice(&mut self, items: &[u32]) -> Result<(), BatchError<Refusal>> {
        let refused = |error| BatchError {
            completed: 0,
            error,
        };
        let overflow = items.len().saturating_sub(self.capacity - self.items.len());
        let from_ring = overflow.min(self.items.len());
        self.spill_front(from_ring, Target::Own)
            .map_err(|e| refused(e.error))?;
        let (skipped, kept) = items.split_at(overflow - from_ring);
        if !skipped.is_empty() {
            self.spout.send_slice(skipped).map_err(refused)?;
        }
        self.items.extend(kept);
        Ok(())
    }

    fn pop_slice(&mut self, room: usize) -> Vec<u32> {
        let count = room.min(self.items.len());
        (0..count).map(|_| self.pop().unwrap()).collect()
    }

    fn try_flush(&mut self) -> Result<usize, Refusal> {
        let mut sent = 0;
        while let Some(item) = self.pop() {
            self.spout.send(item)?;
            sent += 1;
        }
        self.spout.flush()?;
        Ok(sent)
    }

    fn checked_flush(&mut self) -> Result<usize, BatchError<Refusal>> {
        let count = self.items.len();
        self.spill_front(count, Target::Own)?;
        self.spout.flush().map_err(|error| BatchError {
            completed: count,
            error,
        })?;
        Ok(count)
    }

    fn drain_into(&mut self) -> Result<usize, Refusal> {
        let mut sent = 0;
        while let Some(item) = self.pop() {
            self.dst.send(item)?;
            sent += 1;
        }
        Ok(sent)
    }

    fn checked_drain_into(&mut self) -> Result<usize, BatchError<Refusal>> {
        let count = self.items.len();
        self.spill_front(count, Target::Dst)?;
        Ok(count)
    }

    fn clear(&mut self) {
        while self.pop().is_some() {}
    }
}

/// A ring under test, with handles on its spout's log and on the log of
/// the spout that `drain_into` targets.
struct Subject<B: Storage<u32>> {
    ring: Ring<u32, B, ScriptedSpout<u32>>,
    log: Log<u32>,
    dst: ScriptedSpout<u32>,
    dst_log: Log<u32>,
}

/// Applies `op` to the ring and to the model and checks that both report
/// the same result.
fn step<B: Storage<u32>>(s: &mut Subject<B>, m: &mut Model, op: &Op) -> Result<(), TestCaseError> {
    let ring = &mut s.ring;
    match op {
        Op::Push(x) => prop_assert_eq!(ring.push(*x), m.push(*x)),
        Op::PushMut(x) => prop_assert_eq!(ring.push_mut(*x), m.push(*x)),
        Op::PushOverwrite(x) => prop_assert_eq!(ring.push_overwrite(*x), m.push_overwrite(*x)),
        Op::TryPush(x) => prop_assert_eq!(ring.try_push(*x), m.try_push(*x)),
        Op::CheckedPush(x) => prop_assert_eq!(ring.checked_push(*x), m.checked_push(*x)),
        Op::Pop => prop_assert_eq!(ring.pop(), m.pop()),
        Op::PopMut => prop_assert_eq!(ring.pop_mut(), m.pop()),
        Op::Peek => {
            prop_assert_eq!(ring.peek().copied(), m.items.front().copied());
            prop_assert_eq!(ring.peek_newest().copied(), m.items.back().copied());
        }
        Op::PushSlice(items) => {
            let expected = m.checked_push_slice(items).map_err(|e| e.error);
            prop_assert_eq!(ring.push_slice(items), expected);
        }
        Op::CheckedPushSlice(items) => {
            prop_assert_eq!(ring.checked_push_slice(items), m.checked_push_slice(items));
        }
        Op::PopSlice(room) => {
            let mut out = vec![0; *room];
            let count = ring.pop_slice(&mut out);
            prop_assert_eq!(&out[..count], &m.pop_slice(*room)[..]);
        }
        Op::TryFlush => prop_assert_eq!(ring.try_flush(), m.try_flush()),
        Op::CheckedFlush => prop_assert_eq!(ring.checked_flush(), m.checked_flush()),
        Op::DrainInto => prop_assert_eq!(ring.drain_into(&mut s.dst), m.drain_into()),
        Op::CheckedDrainInto => {
            prop_assert_eq!(ring.checked_drain_into(&mut s.dst), m.checked_drain_into());
        }
        Op::Clear => {
            ring.clear();
            m.clear();
        }
        Op::Drain(take) => {
            let taken: Vec<u32> = ring.drain().take(*take).collect();
            let expected = m.pop_slice(*take);
            m.clear();
            prop_assert_eq!(taken, expected);
        }
        Op::AddToEach(add) => {
            for item in ring.iter_mut() {
                *item = item.wrapping_add(*add);
            }
            for item in m.items.iter_mut() {
                *item = item.wrapping_add(*add);
            }
        }
        Op::SpoutBudget(budget) => {
            s.log.borrow_mut().budget = *budget;
            m.spout.budget = *budget;
        }
        Op::DstBudget(budget) => {
            s.dst_log.borrow_mut().budget = *budget;
            m.dst.budget = *budget;
        }
    }
    Ok(())
}

/// Checks everything the ring shows against the model.
fn compare<B: Storage<u32>>(s: &mut Subject<B>, m: &Model) -> Result<(), TestCaseError> {
    let ring = &mut s.ring;
    prop_assert_eq!(ring.len(), m.items.len());
    prop_assert_eq!(ring.is_empty(), m.items.is_empty());
    prop_assert_eq!(ring.is_full(), m.is_full());
    let contents: Vec<u32> = ring.iter().copied().collect();
    prop_assert!(
        contents.iter().eq(m.items.iter()),
        "{:?} != {:?}",
        contents,
        m.items
    );
    let backwards: Vec<u32> = ring.iter().rev().copied().collect();
    prop_assert!(backwards.iter().eq(m.items.iter().rev()));
    prop_assert_eq!(ring.iter().len(), m.items.len());
    m.spout.matches(&s.log.borrow())?;
    m.dst.matches(&s.dst_log.borrow())?;
    Ok(())
}

/// Runs `ops` on `ring` (whose indices start at `start`) and on a model,
/// comparing after every step; then ends the ring by `into_spout` or by
/// dropping it, which both hand the remaining items to the spout.
fn run<B: Storage<u32>>(
    mut ring: Ring<u32, B, ScriptedSpout<u32>>,
    log: Log<u32>,
    start: usize,
    ops: &[Op],
    into_spout: bool,
) -> Result<(), TestCaseError> {
    ring.start_indices_at(start);
    let (dst, dst_log) = ScriptedSpout::new();
    let mut model = Model::new(ring.capacity(), start);
    let mut subject = Subject {
        ring,
        log,
        dst,
        dst_log,
    };
    for op in ops {
        step(&mut subject, &mut model, op)?;
        compare(&mut subject, &model)?;
    }
    let _ = model.try_flush();
    model.clear();
    if into_spout {
        drop(subject.ring.into_spout());
    } else {
        drop(subject.ring);
    }
    let log = subject.log.borrow();
    model.spout.matches(&log)
}

fn spill_ring<const N: usize>(
    start: usize,
    ops: &[Op],
    into_spout: bool,
) -> Result<(), TestCaseError> {
    let (spout, log) = ScriptedSpout::new();
    let ring: SpillRing<u32, N, _> = SpillRing::with_spout(spout);
    run(ring, log, start, ops, into_spout)
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(op(), 0..if cfg!(miri) { 24 } else { 64 })
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn spill_ring_matches_the_model(
        capacity in 0..5u32,
        start in start_index(),
        ops in ops(),
        into_spout in any::<bool>(),
    ) {
        match capacity {
            0 => spill_ring::<1>(start, &ops, into_spout)?,
            1 => spill_ring::<2>(start, &ops, into_spout)?,
            2 => spill_ring::<4>(start, &ops, into_spout)?,
            3 => spill_ring::<8>(start, &ops, into_spout)?,
            _ => spill_ring::<16>(start, &ops, into_spout)?,
        }
    }

    #[test]
    fn heap_ring_matches_the_model(
        shift in 0..6u32,
        start in start_index(),
        ops in ops(),
        into_spout in any::<bool>(),
    ) {
        let (spout, log) = ScriptedSpout::new();
        let ring = HeapRing::with_capacity_and_spout(1 << shift, spout).unwrap();
        run(ring, log, start, &ops, into_spout)?;
    }

    #[test]
    fn raw_ring_matches_the_model(
        shift in 0..6u32,
        start in start_index(),
        ops in ops(),
        warm in any::<bool>(),
    ) {
        let capacity = 1usize << shift;
        let mut memory = vec![0xdead_beef_u32; capacity];
        let slots = NonNull::new(memory.as_mut_ptr()).unwrap();
        // SAFETY: `memory` holds `capacity` aligned slots, outlives the
        // ring and is not touched until the ring is gone.
        let storage = unsafe { RawStorage::from_raw_parts(slots, capacity) }.unwrap();
        let (spout, log) = ScriptedSpout::new();
        let ring: RawRing<u32, _> = Ring::from_parts(storage, spout, warm);
        run(ring, log, start, &ops, false)?;
    }
}

/// The calls that exist only for spouts that cannot fail.
#[derive(Debug, Clone)]
enum InfallibleOp {
    Push(u32),
    Extend(Vec<u32>),
    Flush,
    Pop,
}

fn infallible_op() -> impl Strategy<Value = InfallibleOp> {
    prop_oneof![
        4 => any::<u32>().prop_map(InfallibleOp::Push),
        2 => prop::collection::vec(any::<u32>(), 0..40).prop_map(InfallibleOp::Extend),
        1 => Just(InfallibleOp::Flush),
        2 => Just(InfallibleOp::Pop),
    ]
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn flush_and_extend_match_the_model(
        shift in 0..5u32,
        start in start_index(),
        ops in prop::collection::vec(infallible_op(), 0..48),
    ) {
        let capacity = 1usize << shift;
        let mut ring = HeapRing::with_capacity_and_spout(capacity, CollectSpout::new()).unwrap();
        ring.start_indices_at(start);
        let mut model = Model::new(capacity, start);
        for op in &ops {
            match op {
                InfallibleOp::Push(x) => {
                    let _ = model.push(*x);
                    let Ok(()) = ring.push(*x);
                }
                InfallibleOp::Extend(items) => {
                    for x in items {
                        let _ = model.push(*x);
                    }
                    ring.extend(items.iter().copied());
                }
                InfallibleOp::Flush => prop_assert_eq!(ring.flush(), model.try_flush().unwrap()),
                InfallibleOp::Pop => prop_assert_eq!(ring.pop(), model.pop()),
            }
            prop_assert!(ring.iter().eq(model.items.iter()));
            prop_assert_eq!(ring.spout().items(), &model.spout.accepted[..]);
        }
        let spout = ring.into_spout();
        let _ = model.try_flush();
        prop_assert_eq!(spout.items(), &model.spout.accepted[..]);
    }
}
