//! A concurrent MPSC spill ring: one lock-free SPSC ring (a *lane*) per
//! producer, so producers never contend and each producer's items keep
//! their order.
//!
//! Producers [`register`](Registry::register) at run time, up to the
//! maximum the MPSC was built with, and unregister by dropping their
//! [`Producer`]; a lane freed so is reused by the next registration (its
//! remaining items are still drained). A producer pushes exactly as on an
//! SPSC ring: [`push`](Producer::push) evicts to the producer's spout and
//! never blocks, [`push_wait`](Producer::push_wait) waits for room and never
//! loses an item. The single [`MpscConsumer`] drains the lanes fairly: each
//! call starts at the next lane, and [`drain`](MpscConsumer::drain) takes at
//! most a quota from each lane per pass.
//!
//! [`Builder::build_raw`] builds the same MPSC over raw lanes of
//! run-time-sized elements ([`RawRegistry`], [`RawMpscConsumer`], see
//! [`spsc::raw`]); registration and draining are the same code.
//!
//! ```
//! use std::thread;
//! use spill_ring_core::concurrent::mpsc;
//!
//! let (registry, mut consumer) = mpsc::Builder::new(4, 1024).waking(true).build::<u64>().unwrap();
//! let workers: Vec<_> = (0..3)
//!     .map(|id| {
//!         let mut producer = registry.register().unwrap();
//!         thread::spawn(move || {
//!             for i in 0..1000 {
//!                 producer.push_wait(id * 1_000_000 + i).unwrap(); // lossless
//!             }
//!         })
//!     })
//!     .collect();
//! let mut received = 0;
//! while received < 3000 {
//!     received += consumer.drain(64, |_item| {});
//! }
//! for worker in workers {
//!     worker.join().unwrap();
//! }
//! ```

mod fair;
mod lanes;
mod raw;

pub(crate) use lanes::Lanes;
pub use raw::{RawMpscConsumer, RawRegistry};

use spout::{DropSpout, Spout};

use crate::concurrent::mpsc::fair::{register, Fair};
use crate::concurrent::spsc::{self, Consumer, SlotLayout};
use crate::concurrent::BuildError;

pub use crate::concurrent::spsc::Producer;

/// The most producers an MPSC can be built for.
pub const MAX_PRODUCERS: usize = 1024;

/// Builds a concurrent MPSC.
#[derive(Debug, Clone, Copy)]
pub struct Builder {
    producers: usize,
    lane: spsc::Builder,
}

impl Builder {
    /// Room for up to `producers` registered producers at once, each with a
    /// lane of `capacity` items (a power of two).
    pub fn new(producers: usize, capacity: usize) -> Self {
        Builder {
            producers,
            lane: spsc::Builder::new(capacity),
        }
    }

    /// The consumer's hold limit per lane; see [`spsc::Builder::hold`].
    pub fn hold(mut self, hold: usize) -> Self {
        self.lane = self.lane.hold(hold);
        self
    }

    /// Whether the consumer wakes producers parked in
    /// [`Producer::push_wait`]; see [`spsc::Builder::waking`].
    pub fn waking(mut self, waking: bool) -> Self {
        self.lane = self.lane.waking(waking);
        self
    }

    /// Allocates every lane (nothing is allocated later) and returns the
    /// registry producers register with, and the consumer.
    pub fn build<T>(self) -> Result<(Registry<T>, MpscConsumer<T>), BuildError> {
        let fair = Fair::build(self.producers, self.lane, SlotLayout::of::<T>())?;
        let lanes = fair.lanes().clone();
        Ok((Registry { lanes }, MpscConsumer { fair }))
    }

    /// As [`build`](Self::build), for a raw MPSC of `elem_size`-byte
    /// elements (see [`spsc::raw`]): `elem_size` in
    /// `1..=`[`MAX_ELEM_SIZE`](spsc::raw::MAX_ELEM_SIZE), else
    /// [`BuildError::ElemSize`].
    pub fn build_raw(self, elem_size: usize) -> Result<(RawRegistry, RawMpscConsumer), BuildError> {
        let slot = spsc::raw::slot_layout(elem_size)?;
        let fair = Fair::build(self.producers, self.lane, slot)?;
        Ok(RawMpscConsumer::with_registry(fair, elem_size))
    }
}

/// Why a registration failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterError {
    /// As many producers as the MPSC was built for are registered.
    Full,
    /// The consumer closed the MPSC or was dropped.
    Closed,
}

impl core::fmt::Display for RegisterError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            RegisterError::Full => "every producer lane is taken",
            RegisterError::Closed => "the consumer closed the ring",
        })
    }
}

impl std::error::Error for RegisterError {}

/// Where producers register; clone it for every thread that registers.
pub struct Registry<T> {
    lanes: crate::concurrent::primitive::Arc<Lanes<T>>,
}

impl<T> core::fmt::Debug for Registry<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Registry").finish_non_exhaustive()
    }
}

impl<T> Clone for Registry<T> {
    fn clone(&self) -> Self {
        Registry {
            lanes: self.lanes.clone(),
        }
    }
}

impl<T> Registry<T> {
    /// Registers a producer whose evicted items are dropped.
    pub fn register(&self) -> Result<Producer<T>, RegisterError> {
        self.register_with_spout(DropSpout)
    }

    /// Registers a producer whose evicted items go to `spout`. Dropping the
    /// producer unregisters it.
    pub fn register_with_spout<S: Spout<T>>(
        &self,
        spout: S,
    ) -> Result<Producer<T, S>, RegisterError> {
        Ok(Producer::from_parts(register(&self.lanes)?, spout))
    }

    /// How many producers are registered now.
    ///
    /// Once it counts a producer as gone (freed), everything that producer
    /// pushed is visible to the consumer's next pop or drain: "drain while
    /// `producers() > 0`, then drain until empty" loses nothing.
    pub fn producers(&self) -> usize {
        self.lanes.taken()
    }

    /// The most producers that can be registered at once.
    pub fn max_producers(&self) -> usize {
        self.lanes.len()
    }
}

/// The consumer of a concurrent MPSC; every call belongs to the consumer
/// thread. Dropping it closes the MPSC.
pub struct MpscConsumer<T> {
    fair: Fair<Consumer<T>>,
}

impl<T> MpscConsumer<T> {
    /// Removes the oldest item of the first non-empty lane, starting after
    /// the lane the last item came from.
    pub fn pop(&mut self) -> Option<T> {
        self.fair.pop_with(Consumer::pop)
    }

    /// One fair pass over every lane, starting one lane further than the
    /// last pass: hands at most `quota` items of each lane (one claim per
    /// lane) to `f`, each lane's oldest first. Returns how many.
    pub fn drain(&mut self, quota: usize, mut f: impl FnMut(T)) -> usize {
        self.fair
            .drain_with(|lane| lane.consume_up_to(quota, &mut f))
    }

    /// How many items the lanes hold now.
    pub fn len(&self) -> usize {
        self.fair.len()
    }

    /// Whether every lane is empty now.
    pub fn is_empty(&self) -> bool {
        self.fair.is_empty()
    }

    /// How many producers are registered now.
    ///
    /// Once it counts a producer as gone (freed), everything that producer
    /// pushed is visible to the consumer's next pop or drain: "drain while
    /// `producers() > 0`, then drain until empty" loses nothing.
    pub fn producers(&self) -> usize {
        self.fair.producers()
    }

    /// Closes the MPSC: registrations and waiting pushes fail from now on,
    /// and every parked producer is woken. Items already in the lanes can
    /// still be drained; evicting pushes go on.
    pub fn close(&self) {
        self.fair.close();
    }
}

impl<T> core::fmt::Debug for MpscConsumer<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MpscConsumer")
            .field("lanes", &self.fair.lane_count())
            .field("producers", &self.producers())
            .finish_non_exhaustive()
    }
}
