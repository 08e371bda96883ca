// The crate documentation is the README, whose examples run as doc-tests;
// they need `std`.
#![cfg_attr(feature = "std", doc = include_str!("../README.md"))]
#![cfg_attr(
    not(feature = "std"),
    doc = "The core of spill-ring: fixed-capacity rings that evict their oldest item to a spout instead of dropping it. See the README for a guide."
)]
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;

mod capacity;
#[cfg(feature = "std")]
pub mod concurrent;
mod error;
#[cfg(feature = "alloc")]
mod mpsc;
#[cfg(feature = "std")]
mod pool;
mod ring;
mod storage;
mod traits;

pub use capacity::{check_capacity, CapacityError, MAX_CAPACITY};
pub use error::{Actionability, Actionable, BatchError, PushError, Refused};
#[cfg(feature = "alloc")]
pub use mpsc::{collect, Consumer, MpscRing, Producer};
#[cfg(feature = "std")]
pub use pool::{
    BatchInfo, Collector, FanInSpout, MergerHandle, PoolBuilder, PoolError, SequencedCollector,
    UnorderedCollector, WorkerPanic, WorkerPool,
};
#[cfg(feature = "alloc")]
pub use ring::HeapCapacity;
pub use ring::{Drain, Iter, IterMut, Ring, RingBuilder};
#[cfg(feature = "alloc")]
pub use spout::CollectSpout;
pub use spout::{DropSpout, FnFlushSpout, FnSpout, Spout};
#[cfg(feature = "alloc")]
pub use storage::HeapStorage;
pub use storage::{Inline, RawStorage, Storage};
pub use traits::{RingConsumer, RingInfo, RingProducer};

/// A single-threaded spill ring whose capacity `N` is fixed at compile time.
///
/// `N` must be a power of two, greater than zero and at most
/// [`MAX_CAPACITY`]; anything else fails to compile. When the ring is full,
/// a push evicts the oldest item to the spout `S` (by default [`DropSpout`],
/// which discards it).
///
/// ```
/// use spill_ring_core::SpillRing;
///
/// let ring: SpillRing<i32, 4> = SpillRing::new();
/// for i in 1..=5 {
///     ring.push(i);
/// }
/// assert_eq!(ring.pop(), Some(2)); // 1 was evicted
/// ```
pub type SpillRing<T, const N: usize, S = DropSpout> = Ring<T, Inline<T, N>, S>;

/// A single-threaded spill ring whose capacity is chosen at run time and
/// allocated once, when the ring is built. It behaves exactly as
/// [`SpillRing`].
///
/// ```
/// use spill_ring_core::{CollectSpout, HeapRing};
///
/// let ring = HeapRing::with_capacity_and_spout(2, CollectSpout::new()).unwrap();
/// for i in 0..4 {
///     ring.push(i);
/// }
/// assert_eq!(ring.pop(), Some(2));
/// ```
#[cfg(feature = "alloc")]
pub type HeapRing<T, S = DropSpout> = Ring<T, HeapStorage<T>, S>;

/// A single-threaded spill ring living in memory its caller provides (see
/// [`RawStorage`]). It behaves exactly as [`SpillRing`].
pub type RawRing<T, S = DropSpout> = Ring<T, RawStorage<T>, S>;
