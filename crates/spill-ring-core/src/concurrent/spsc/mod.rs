//! A lock-free SPSC spill ring with split halves: a [`Producer`] that never
//! blocks (a full ring evicts its oldest item to the producer's spout) and a
//! [`Consumer`], usable from two threads at once.
//!
//! The 001 design's `atomics` example, in split-halves form:
//!
//! ```
//! use std::thread;
//! use spill_ring_core::concurrent::spsc;
//!
//! let (mut producer, mut consumer) = spsc::channel::<u64>(256).unwrap();
//!
//! let pushing = thread::spawn(move || {
//!     for i in 0..1000 {
//!         producer.push(i).unwrap(); // never blocks: evicts when full
//!     }
//! });
//!
//! let popping = thread::spawn(move || {
//!     let mut last = None;
//!     loop {
//!         match consumer.pop() {
//!             Some(item) => {
//!                 assert!(last < Some(item), "in order");
//!                 last = Some(item);
//!             }
//!             // The producer is gone and everything it left was taken.
//!             None if consumer.is_abandoned() && consumer.is_empty() => break,
//!             None => thread::yield_now(),
//!         }
//!     }
//! });
//! pushing.join().unwrap();
//! popping.join().unwrap();
//! ```
//!
//! # Design
//!
//! Items leave the ring only through a compare-exchange on the shared head
//! index, by the consumer's claim or the producer's eviction, so exactly one
//! of them gets each item. Each position has a physical slot (named by a
//! map, out of `capacity + hold` slots); the consumer publishes how far it
//! has finished with what it claimed (`released`), and the producer writes a
//! position's slot again only past that, or after evicting its item itself.
//! When the producer laps an item the consumer may still be reading in
//! place, it moves a spare slot into that position instead, so it never
//! waits for the consumer. Indices are 64-bit and monotonic. The details
//! and the proof are in the source of `shared.rs`; loom models check them
//! (`tests/loom_spsc.rs`).
//!
//! * Producer: the common push compares its tail with its copy of
//!   `released`, writes the slot and stores the tail, touching no line the
//!   consumer writes; no read-modify-write unless it evicts.
//! * Consumer: one compare-exchange per claim, whatever the batch size
//!   ([`Consumer::consume_all`], [`Consumer::read`]), and one store of
//!   `released` when the claim's items are finished; a copy of the tail.
//! * Zero-copy: [`Producer::reserve`] hands out slots to write in place;
//!   [`Consumer::read`] claims items to read in place.
//! * Lossless: [`Producer::push_wait`] waits for room instead of evicting.
//! * Run-time-sized: [`raw`] ([`Builder::build_raw`]) runs the same
//!   protocol over elements of a size chosen at run time, moved as bytes;
//!   the C ABI's concurrent rings are built on it.

mod consume;
mod owned;
pub(crate) mod produce;
pub mod raw;
mod shared;
mod slots;
mod typed;

pub(crate) use consume::ConsumerCore;
pub(crate) use owned::{Home, Owned};
pub(crate) use produce::ProducerCore;
pub use raw::{RawConsumer, RawProducer};
pub(crate) use shared::Shared;
pub(crate) use slots::SlotLayout;
pub use typed::{Consumer, Producer, ReadChunk, WriteChunk};

use spout::{DropSpout, Spout};

use crate::capacity::check_capacity;
use crate::concurrent::primitive::Arc;
use crate::concurrent::BuildError;

/// Builds an SPSC spill ring.
///
/// ```
/// use spill_ring_core::concurrent::spsc::Builder;
/// use spill_ring_core::CollectSpout;
///
/// let (mut producer, mut consumer) = Builder::new(2).build_with_spout(CollectSpout::new()).unwrap();
/// for i in 0..4 {
///     producer.push(i).unwrap();
/// }
/// assert_eq!(producer.spout().items(), &[0, 1]);
/// assert_eq!(consumer.pop(), Some(2));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Builder {
    capacity: usize,
    hold: Option<usize>,
    waking: bool,
}

impl Builder {
    /// A ring of `capacity` items (a power of two, at most
    /// [`MAX_CAPACITY`](crate::MAX_CAPACITY)).
    pub fn new(capacity: usize) -> Self {
        Builder {
            capacity,
            hold: None,
            waking: false,
        }
    }

    /// How many items the consumer may hold at once (claimed and not yet
    /// released): the largest batch of one claim. Defaults to the
    /// capacity. The ring allocates `capacity + hold` slots.
    pub fn hold(mut self, hold: usize) -> Self {
        self.hold = Some(hold);
        self
    }

    /// Whether the consumer wakes a producer parked in
    /// [`Producer::push_wait`] (default: no). It costs the consumer a
    /// SeqCst fence per claim; without it a waiting producer polls every
    /// 50 µs.
    pub fn waking(mut self, waking: bool) -> Self {
        self.waking = waking;
        self
    }

    /// Builds the ring with a spout that drops evicted items.
    pub fn build<T>(self) -> Result<(Producer<T>, Consumer<T>), BuildError> {
        self.build_with_spout(DropSpout)
    }

    /// Builds the ring; evicted items go to `spout`.
    pub fn build_with_spout<T, S: Spout<T>>(
        self,
        spout: S,
    ) -> Result<(Producer<T, S>, Consumer<T>), BuildError> {
        let (producer, consumer) = self.build_cores::<T>(SlotLayout::of::<T>())?;
        Ok((
            Producer::from_parts(Owned::new(producer, Home::Alone), spout),
            Consumer::from_core(consumer),
        ))
    }

    /// Builds a raw ring of `elem_size`-byte elements (see [`raw`]):
    /// `elem_size` in `1..=`[`raw::MAX_ELEM_SIZE`], else
    /// [`BuildError::ElemSize`]; [`BuildError::OutOfMemory`] when the
    /// allocator fails.
    pub fn build_raw(self, elem_size: usize) -> Result<(RawProducer, RawConsumer), BuildError> {
        let (producer, consumer) = self.build_cores::<u8>(raw::slot_layout(elem_size)?)?;
        Ok((
            RawProducer::from_owned(Owned::new(producer, Home::Alone)),
            RawConsumer::from_core(consumer),
        ))
    }

    /// The two protocol halves over fresh shared state whose slots are
    /// shaped by `slot` (`SlotLayout::of::<T>()` for a typed ring).
    pub(crate) fn build_cores<T>(
        self,
        slot: SlotLayout,
    ) -> Result<(ProducerCore<T>, ConsumerCore<T>), BuildError> {
        check_capacity(self.capacity).map_err(BuildError::Capacity)?;
        let hold = self.hold.unwrap_or(self.capacity);
        if hold == 0 || hold > crate::MAX_CAPACITY {
            return Err(BuildError::Hold(hold));
        }
        let shared = Arc::new(Shared::try_new(self.capacity, hold, self.waking, slot)?);
        Ok((
            ProducerCore::try_new(shared.clone())?,
            ConsumerCore::try_new(shared)?,
        ))
    }
}

/// A ring of `capacity` items whose evicted items are dropped; see
/// [`Builder`] for the other settings.
pub fn channel<T>(capacity: usize) -> Result<(Producer<T>, Consumer<T>), BuildError> {
    Builder::new(capacity).build()
}
