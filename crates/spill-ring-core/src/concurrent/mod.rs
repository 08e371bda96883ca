//! Concurrent spill rings: producers and a consumer on different threads at
//! the same time.
//!
//! * [`spsc`]: a lock-free SPSC ring with split [`Producer`](spsc::Producer)
//!   and [`Consumer`](spsc::Consumer) halves. The producer never blocks: a
//!   full ring evicts its oldest item to the producer's spout. Zero-copy
//!   reserve/commit and read-in-place, batch consumption with one atomic
//!   read-modify-write per batch, and a lossless waiting push.
//! * [`mpsc`]: a concurrent MPSC made of one SPSC ring per producer, with
//!   run-time registration up to a maximum and fair draining.

pub mod mpsc;
mod primitive;
pub mod spsc;
mod wait;

pub use wait::WaitError;

use crate::CapacityError;

/// Why a concurrent ring could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildError {
    /// The capacity was refused.
    Capacity(CapacityError),
    /// The consumer's hold limit was zero or over
    /// [`MAX_CAPACITY`](crate::MAX_CAPACITY).
    Hold(usize),
    /// An MPSC's maximum number of producers was zero or over
    /// [`MAX_PRODUCERS`](mpsc::MAX_PRODUCERS).
    Producers(usize),
    /// A raw ring's element size was zero or over
    /// [`MAX_ELEM_SIZE`](spsc::raw::MAX_ELEM_SIZE).
    ElemSize(usize),
    /// The allocator could not provide the ring's memory (slots, slot map,
    /// handle queues). Nothing was leaked. (Slots too large for the address
    /// space are [`CapacityError::OutOfMemory`] instead.)
    OutOfMemory,
}

impl core::fmt::Display for BuildError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            BuildError::Capacity(error) => error.fmt(f),
            BuildError::Hold(hold) => write!(
                f,
                "hold {hold} must be greater than zero and at most {}",
                crate::MAX_CAPACITY
            ),
            BuildError::Producers(count) => write!(
                f,
                "the maximum number of producers, {count}, must be greater than zero and at most {}",
                mpsc::MAX_PRODUCERS
            ),
            BuildError::ElemSize(size) => write!(
                f,
                "element size {size} must be greater than zero and at most {}",
                spsc::raw::MAX_ELEM_SIZE
            ),
            BuildError::OutOfMemory => f.write_str("could not allocate the ring's memory"),
        }
    }
}

impl std::error::Error for BuildError {}
