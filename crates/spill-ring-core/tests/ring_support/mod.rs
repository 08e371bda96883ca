//! Helpers shared by the ring and chain integration tests: a spout that
//! follows a script (accept, refuse or panic on command) and an item type
//! that counts its drops.
#![allow(dead_code)] // each test file uses its own part of these helpers

pub mod conservation;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use spill_ring_core::Spout;

/// What a [`ScriptedSpout`] reports when it refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal;

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("refused")
    }
}

/// How a [`ScriptedSpout`] fails once its budget is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// `send`, `send_slice` and `flush` return [`Refusal`].
    Refuse,
    /// They panic.
    Panic,
}

/// What a [`ScriptedSpout`] received, shared with the test.
#[derive(Debug)]
pub struct SpoutLog<T> {
    /// Items it accepted, in arrival order.
    pub accepted: Vec<T>,
    /// Items handed to `send` while it refused: a spout owns the items sent
    /// to it even when it fails, and this one keeps them.
    pub rejected: Vec<T>,
    /// Successful flushes.
    pub flushes: usize,
    /// Every call, successful or not.
    pub calls: usize,
    /// How many more calls succeed; `None`: all of them.
    pub budget: Option<usize>,
    /// What happens to calls once the budget is spent.
    pub failure: Failure,
}

impl<T> Default for SpoutLog<T> {
    fn default() -> Self {
        SpoutLog {
            accepted: Vec::new(),
            rejected: Vec::new(),
            flushes: 0,
            calls: 0,
            budget: None,
            failure: Failure::Refuse,
        }
    }
}

/// A shared handle on a [`ScriptedSpout`]'s log.
pub type Log<T> = Rc<RefCell<SpoutLog<T>>>;

/// A spout whose `send_slice` is all-or-nothing and that fails on command:
/// set `budget` and `failure` through its [`Log`].
pub struct ScriptedSpout<T> {
    log: Log<T>,
}

impl<T> ScriptedSpout<T> {
    /// A spout that accepts everything, and the handle on its log.
    pub fn new() -> (Self, Log<T>) {
        let log: Log<T> = Rc::default();
        (
            ScriptedSpout {
                log: Rc::clone(&log),
            },
            log,
        )
    }

    /// The handle on this spout's log.
    pub fn log(&self) -> &Log<T> {
        &self.log
    }

    /// Counts a call and says whether it may succeed; panics when the script
    /// says so.
    fn admit(&self) -> Result<(), Refusal> {
        let failure = {
            let mut log = self.log.borrow_mut();
            log.calls += 1;
            match log.budget {
                None => return Ok(()),
                Some(0) => log.failure,
                Some(left) => {
                    log.budget = Some(left - 1);
                    return Ok(());
                }
            }
        };
        match failure {
            Failure::Refuse => Err(Refusal),
            Failure::Panic => panic!("the scripted spout panics"),
        }
    }
}

impl<T> Spout<T> for ScriptedSpout<T> {
    type Error = Refusal;

    fn send(&mut self, item: T) -> Result<(), Refusal> {
        let admitted = self.admit();
        let mut log = self.log.borrow_mut();
        match admitted {
            Ok(()) => log.accepted.push(item),
            Err(_) => log.rejected.push(item),
        }
        admitted
    }

    fn send_slice(&mut self, items: &[T]) -> Result<(), Refusal>
    where
        T: Clone,
    {
        self.admit()?;
        self.log.borrow_mut().accepted.extend_from_slice(items);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Refusal> {
        self.admit()?;
        self.log.borrow_mut().flushes += 1;
        Ok(())
    }
}

/// Counts the [`Tracked`] items it made and the drops they saw.
#[derive(Clone, Default)]
pub struct DropLog(Rc<RefCell<DropCounts>>);

#[derive(Default)]
struct DropCounts {
    made: u64,
    /// Drops per instance serial.
    drops: BTreeMap<u64, usize>,
}

impl DropLog {
    /// A new log with nothing made.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes an item with identity `id`.
    pub fn item(&self, id: u64) -> Tracked {
        let mut counts = self.0.borrow_mut();
        let serial = counts.made;
        counts.made += 1;
        Tracked {
            id,
            serial,
            log: self.clone(),
            panics_on_drop: false,
            panics_on_clone: false,
        }
    }

    /// Makes an item with identity `id` whose `clone` panics.
    pub fn clone_panicking_item(&self, id: u64) -> Tracked {
        let mut item = self.item(id);
        item.panics_on_clone = true;
        item
    }

    /// Makes an item with identity `id` whose drop is recorded, then
    /// panics.
    pub fn panicking_item(&self, id: u64) -> Tracked {
        let mut item = self.item(id);
        item.panics_on_drop = true;
        item
    }

    /// Instances made and not yet dropped.
    pub fn live(&self) -> u64 {
        let counts = self.0.borrow();
        counts.made - counts.drops.len() as u64
    }

    /// How many instances were dropped.
    pub fn dropped(&self) -> u64 {
        self.0.borrow().drops.len() as u64
    }

    /// Panics unless no instance was dropped twice.
    pub fn assert_no_double_drop(&self) {
        let counts = self.0.borrow();
        let twice: Vec<_> = counts.drops.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "dropped more than once: {twice:?}");
    }

    /// Panics unless every instance made was dropped exactly once.
    pub fn assert_all_dropped_once(&self) {
        self.assert_no_double_drop();
        assert_eq!(self.live(), 0, "instances leaked");
    }
}

/// An item that records its drop in a [`DropLog`]. Clones share the `id`
/// but are separate instances.
pub struct Tracked {
    /// The identity the test gave it.
    pub id: u64,
    serial: u64,
    log: DropLog,
    panics_on_drop: bool,
    panics_on_clone: bool,
}

impl Clone for Tracked {
    fn clone(&self) -> Self {
        assert!(
            !self.panics_on_clone,
            "item #{} panics when cloned",
            self.id
        );
        self.log.item(self.id)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        *self
            .log
            .0
            .borrow_mut()
            .drops
            .entry(self.serial)
            .or_insert(0) += 1;
        if self.panics_on_drop {
            panic!("item #{} panics when dropped", self.id);
        }
    }
}

impl PartialEq for Tracked {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl fmt::Debug for Tracked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.id)
    }
}

/// The identities of `items`, in order.
pub fn ids<'a>(items: impl IntoIterator<Item = &'a Tracked>) -> Vec<u64> {
    items.into_iter().map(|item| item.id).collect()
}

/// Property-test settings: the default number of cases natively, two under
/// Miri, and never a failure file (Miri has no file system). Under Miri a
/// case of these models costs 5 to 10 s; the cases are drawn anew on every
/// run, so successive CI runs check different ones.
pub fn proptest_config() -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases: if cfg!(miri) { 2 } else { 256 },
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}
