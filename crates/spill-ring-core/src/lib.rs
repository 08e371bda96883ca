// The crate documentation is the README, whose examples run as doc-tests;
// they need `std`.
#![cfg_attr(feature = "std", doc = include_str!("../README.md"))]
#![cfg_attr(
    not(feature = "std"),
    doc = "The core of spill-ring: fixed-capacity rings that evict their oldest item to a spout instead of dropping it. See the README for a guide."
)]
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs, missing_debug_implementations)]

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
#[cfg(feature = "verdict")]
pub use error::{Actionability, Actionable};
pub use error::{BatchError, PushError, Refused};
#[cfg(feature = "alloc")]
pub use mpsc::{collect, Consumer, MpscRing, Producer};
#[cfg(feature = "std")]
pub use pool::{
    BatchInfo, Collector, FanInSpout, MergerHandle, PoolBuilder, PoolError, SequencedCollector,
    UnorderedCollector, WorkerPanic, WorkerPool,
};
#[cfg(feature = "alloc")]
pub use ring::HeapCapacity;
pub use ring::{Drain, IntoIter, Iter, IterMut, Ring, RingBuilder};
#[cfg(feature = "alloc")]
pub use spout::CollectSpout;
pub use spout::{DropSpout, FnFlushSpout, FnSpout, Spout};
#[cfg(feature = "alloc")]
pub use storage::HeapStorage;
pub use storage::{Inline, RawStorage, Storage};
pub use traits::{RingConsumer, RingInfo, RingProducer};

/// A single-threaded spill ring whose capacity `N` is fixed at compile time.
///
/// When the ring is full, a push evicts the oldest item to the spout `S` (by
/// default [`DropSpout`], which discards it).
///
/// # Capacity
///
/// `N` must be a power of two, greater than zero and at most
/// [`MAX_CAPACITY`]. A power of two lets the ring turn its ever-growing
/// indices into slots with one `and` (`index & (N - 1)`) instead of a
/// division, and lets the indices wrap around `usize::MAX` without a jump.
///
/// Anything else fails the build with an error that names
/// `SpillRing<T, N, S>` and the rule, and a note pointing at the line that
/// built the ring. It is reported by `cargo build` (and `cargo test`), not
/// by `cargo check` or rust-analyzer: Rust has no stable way to bound a
/// const parameter in a type, so the check is a constant evaluated when
/// the constructor is instantiated.
///
/// # Size and the stack
///
/// The `N` slots live inside the ring: a `SpillRing<T, N>` is
/// `N * size_of::<T>()` bytes plus a few words, wherever it is kept.
/// [`new`](Ring::new) returns the ring by value, so it passes through the
/// stack (several times in a debug build): beyond a few tens of KiB, build
/// it on the heap in place with `new_boxed` or
/// `boxed_with_spout` (feature `alloc`), or use a `HeapRing`, whose
/// capacity is chosen at run time and whose slots are allocated once. A
/// `HeapRing` costs one pointer indirection per access; a boxed
/// `SpillRing` keeps a compile-time capacity.
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
/// The capacity follows the same rule as [`SpillRing`]'s, for the same
/// reason (one `and` per index, no division); a bad one is refused with a
/// [`CapacityError`] naming it. Round a count up with
/// [`usize::next_power_of_two`] to get a valid capacity.
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
