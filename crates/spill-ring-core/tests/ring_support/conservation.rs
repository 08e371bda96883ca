//! Conservation: random operations on a ring or a chain of rings ending in
//! a [`ScriptedSpout`]; after every step, every item taken by a push is
//! found exactly once in {popped, still in a ring, with the final spout}.
//! Items are `u64` identities that are never reused.

use proptest::prelude::*;
use spill_ring_core::{CollectSpout, PushError, Refused, Ring, Spout, Storage};

use std::rc::Rc;

use super::{Log, Refusal, ScriptedSpout};

/// A ring, or a chain of rings, that can report what it holds.
pub trait Tiers {
    /// How many rings are in the chain from here down.
    const RINGS: usize;

    /// Appends the items held from the bottom of the chain up to here,
    /// oldest first: the final spout's (accepted, then rejected), then each
    /// ring's.
    fn held(&mut self, out: &mut Vec<u64>);

    /// The ring `depth` levels down (0: this one), if there is one.
    fn pop_at(&mut self, depth: usize) -> Option<u64>;

    /// Flushes the ring `depth` levels down, checked or not.
    fn flush_at(&mut self, depth: usize, checked: bool);

    /// Sets the budget of the final spout.
    fn set_budget(&mut self, budget: Option<usize>);

    /// The log of the final spout.
    fn final_log(&mut self) -> Log<u64>;
}

impl Tiers for ScriptedSpout<u64> {
    const RINGS: usize = 0;

    fn held(&mut self, out: &mut Vec<u64>) {
        let log = self.log().borrow();
        out.extend(&log.accepted);
        out.extend(&log.rejected);
    }

    fn pop_at(&mut self, _depth: usize) -> Option<u64> {
        None
    }

    fn flush_at(&mut self, _depth: usize, _checked: bool) {}

    fn set_budget(&mut self, budget: Option<usize>) {
        self.log().borrow_mut().budget = budget;
    }

    fn final_log(&mut self) -> Log<u64> {
        Rc::clone(self.log())
    }
}

impl<B: Storage<u64>, S: Spout<u64> + Tiers> Tiers for Ring<u64, B, S> {
    const RINGS: usize = S::RINGS + 1;

    fn held(&mut self, out: &mut Vec<u64>) {
        self.spout_mut().held(out);
        out.extend(self.iter());
    }

    fn pop_at(&mut self, depth: usize) -> Option<u64> {
        match depth {
            0 => self.pop_mut(),
            _ => self.spout_mut().pop_at(depth - 1),
        }
    }

    fn flush_at(&mut self, depth: usize, checked: bool) {
        match (depth, checked) {
            (0, false) => drop(self.try_flush()),
            (0, true) => drop(self.checked_flush()),
            _ => self.spout_mut().flush_at(depth - 1, checked),
        }
    }

    fn set_budget(&mut self, budget: Option<usize>) {
        self.spout_mut().set_budget(budget);
    }

    fn final_log(&mut self) -> Log<u64> {
        self.spout_mut().final_log()
    }
}

/// One call on the first ring of a chain (or on a deeper ring, by depth).
#[derive(Debug, Clone)]
pub enum ChainOp {
    Push,
    PushMut,
    TryPush,
    CheckedPush,
    PushSlice(usize),
    CheckedPushSlice(usize),
    PopSlice(usize),
    Pop(usize),
    TryFlush(usize),
    CheckedFlush(usize),
    DrainInto,
    CheckedDrainInto,
    Drain,
    Budget(Option<usize>),
}

/// Random operations; `refusals` says whether the final spout may refuse.
pub fn chain_ops(refusals: bool) -> impl Strategy<Value = Vec<ChainOp>> {
    let depth = || 0..3usize;
    let budget = if refusals {
        prop_oneof![3 => Just(None), 2 => (0..4usize).prop_map(Some)].boxed()
    } else {
        Just(None).boxed()
    };
    let op = prop_oneof![
        8 => Just(ChainOp::Push),
        3 => Just(ChainOp::PushMut),
        2 => Just(ChainOp::TryPush),
        4 => Just(ChainOp::CheckedPush),
        3 => (0..40usize).prop_map(ChainOp::PushSlice),
        3 => (0..40usize).prop_map(ChainOp::CheckedPushSlice),
        1 => (0..10usize).prop_map(ChainOp::PopSlice),
        3 => depth().prop_map(ChainOp::Pop),
        1 => depth().prop_map(ChainOp::TryFlush),
        1 => depth().prop_map(ChainOp::CheckedFlush),
        1 => Just(ChainOp::DrainInto),
        1 => Just(ChainOp::CheckedDrainInto),
        1 => Just(ChainOp::Drain),
        2 => budget.prop_map(ChainOp::Budget),
    ];
    prop::collection::vec(op, 0..if cfg!(miri) { 24 } else { 96 })
}

/// The record of what went in and what came out.
#[derive(Default)]
struct Ledger {
    next: u64,
    pushed: Vec<u64>,
    popped: Vec<u64>,
}

impl Ledger {
    fn fresh(&mut self, count: usize) -> Vec<u64> {
        let ids = (self.next..self.next + count as u64).collect();
        self.next += count as u64;
        ids
    }

    fn fresh_one(&mut self) -> u64 {
        self.fresh(1)[0]
    }
}

fn contents<T: Tiers>(top: &mut T) -> Vec<u64> {
    let mut held = Vec::new();
    top.held(&mut held);
    held
}

/// Checks that every pushed item is found exactly once.
fn check_conservation<T: Tiers>(top: &mut T, ledger: &Ledger) -> Result<(), TestCaseError> {
    let mut found = contents(top);
    found.extend(&ledger.popped);
    found.sort_unstable();
    let mut pushed = ledger.pushed.clone();
    pushed.sort_unstable();
    prop_assert_eq!(found, pushed);
    Ok(())
}

/// Runs `ops` on the chain starting at `top`, checking conservation after
/// every step, and, when `ordered`, that the chain read bottom-up holds
/// the items in the order they were pushed. Finally drops the chain with a
/// spout that accepts everything and checks that it received every item
/// not popped.
pub fn run_chain<B, S>(
    mut top: Ring<u64, B, S>,
    ops: &[ChainOp],
    ordered: bool,
) -> Result<(), TestCaseError>
where
    B: Storage<u64>,
    S: Spout<u64, Error = Refusal> + Tiers,
{
    let mut ledger = Ledger::default();
    for op in ops {
        let taken = match op {
            ChainOp::Push => {
                let id = ledger.fresh_one();
                let _ = top.push(id);
                vec![id]
            }
            ChainOp::PushMut => {
                let id = ledger.fresh_one();
                let _ = top.push_mut(id);
                vec![id]
            }
            ChainOp::TryPush => {
                let id = ledger.fresh_one();
                let full = top.is_full();
                match top.try_push(id) {
                    Ok(()) => vec![id],
                    Err(PushError::Full(back)) => {
                        prop_assert!(full && back == id);
                        vec![]
                    }
                }
            }
            ChainOp::CheckedPush => {
                let id = ledger.fresh_one();
                let before: Vec<u64> = top.iter().copied().collect();
                match top.checked_push(id) {
                    Ok(()) => vec![id],
                    Err(Refused { item, error }) => {
                        prop_assert_eq!((item, error), (id, Refusal));
                        prop_assert!(top.iter().eq(before.iter()), "the ring changed");
                        vec![]
                    }
                }
            }
            ChainOp::PushSlice(count) | ChainOp::CheckedPushSlice(count) => {
                let ids = ledger.fresh(*count);
                let result = match op {
                    ChainOp::PushSlice(_) => top.push_slice(&ids).map_err(|_| 0),
                    _ => top.checked_push_slice(&ids).map_err(|e| e.completed),
                };
                match result {
                    Ok(()) => ids,
                    Err(completed) => {
                        prop_assert_eq!(completed, 0);
                        vec![]
                    }
                }
            }
            ChainOp::PopSlice(room) => {
                let mut out = vec![0; *room];
                let count = top.pop_slice(&mut out);
                ledger.popped.extend(&out[..count]);
                vec![]
            }
            ChainOp::Pop(depth) => {
                ledger.popped.extend(top.pop_at(depth % (S::RINGS + 1)));
                vec![]
            }
            ChainOp::TryFlush(depth) | ChainOp::CheckedFlush(depth) => {
                let checked = matches!(op, ChainOp::CheckedFlush(_));
                top.flush_at(depth % (S::RINGS + 1), checked);
                vec![]
            }
            ChainOp::DrainInto | ChainOp::CheckedDrainInto => {
                let mut dst = CollectSpout::new();
                let sent = match op {
                    ChainOp::DrainInto => top.drain_into(&mut dst).unwrap(),
                    _ => top.checked_drain_into(&mut dst).unwrap(),
                };
                prop_assert_eq!(sent, dst.len());
                prop_assert!(top.is_empty());
                ledger.popped.extend(dst.into_items());
                vec![]
            }
            ChainOp::Drain => {
                ledger.popped.extend(top.drain());
                vec![]
            }
            ChainOp::Budget(budget) => {
                top.set_budget(*budget);
                vec![]
            }
        };
        ledger.pushed.extend(taken);
        check_conservation(&mut top, &ledger)?;
        if ordered {
            let held = contents(&mut top);
            prop_assert!(
                held.windows(2).all(|w| w[0] < w[1]),
                "out of order: {:?}",
                held
            );
        }
    }
    top.set_budget(None);
    let log = top.final_log();
    drop(top);
    let mut final_spout: Vec<u64> = Vec::new();
    final_spout.extend(&log.borrow().accepted);
    final_spout.extend(&log.borrow().rejected);
    final_spout.extend(&ledger.popped);
    final_spout.sort_unstable();
    ledger.pushed.sort_unstable();
    prop_assert_eq!(final_spout, ledger.pushed);
    Ok(())
}
