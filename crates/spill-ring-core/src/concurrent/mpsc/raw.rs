//! The raw concurrent MPSC: lanes of raw SPSC rings
//! ([`spsc::raw`](crate::concurrent::spsc::raw)) of `elem_size`-byte
//! elements, with the typed MPSC's registration and fair draining.

use crate::concurrent::mpsc::fair::{register, Fair};
use crate::concurrent::mpsc::{Lanes, RegisterError};
use crate::concurrent::primitive::Arc;
use crate::concurrent::spsc::{RawConsumer, RawProducer};

/// Where producers of a raw MPSC register ([`Builder::build_raw`](super::Builder::build_raw)).
/// Clone it for every thread that registers; any thread may call it.
#[derive(Clone)]
pub struct RawRegistry {
    lanes: Arc<Lanes<u8>>,
}

impl RawRegistry {
    /// Registers a producer (any thread; the producer then belongs to the
    /// thread that uses it). [`RegisterError::Full`] when every lane is
    /// taken, [`RegisterError::Closed`] once the consumer closed the MPSC
    /// or was dropped. Dropping the producer unregisters it (its lane's
    /// elements are still drained, and the lane goes to the next
    /// registration).
    pub fn register(&self) -> Result<RawProducer, RegisterError> {
        Ok(RawProducer::from_owned(register(&self.lanes)?))
    }

    /// How many producers are registered now (any thread).
    ///
    /// Once it counts a producer as gone (freed), everything that producer
    /// pushed is visible to the consumer's next pop or drain: "drain while
    /// `producers() > 0`, then drain until empty" loses nothing.
    pub fn producers(&self) -> usize {
        self.lanes.taken()
    }

    /// The most producers that can be registered at once (any thread).
    pub fn max_producers(&self) -> usize {
        self.lanes.len()
    }
}

impl core::fmt::Debug for RawRegistry {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RawRegistry").finish_non_exhaustive()
    }
}

/// The consumer of a raw concurrent MPSC; every call belongs to the
/// consumer thread (`Send`, not `Sync`). Dropping it closes the MPSC.
pub struct RawMpscConsumer {
    fair: Fair<RawConsumer>,
    elem_size: usize,
}

impl RawMpscConsumer {
    /// The registry and the consumer over freshly built lanes.
    pub(crate) fn with_registry(fair: Fair<RawConsumer>, elem_size: usize) -> (RawRegistry, Self) {
        let registry = RawRegistry {
            lanes: fair.lanes().clone(),
        };
        (registry, RawMpscConsumer { fair, elem_size })
    }

    /// The size of one element, in bytes.
    pub fn elem_size(&self) -> usize {
        self.elem_size
    }

    /// Copies the oldest element of the first non-empty lane (starting
    /// after the lane the last element came from) into `out[..elem_size]`
    /// and removes it; `false` when every lane is empty or `out` is shorter
    /// than the element size (nothing removed).
    pub fn pop_into(&mut self, out: &mut [u8]) -> bool {
        if out.len() < self.elem_size {
            return false;
        }
        self.fair
            .pop_with(|lane| lane.pop_into(out).then_some(()))
            .is_some()
    }

    /// One fair pass over every lane, starting one lane further than the
    /// last pass: hands at most `quota` elements of each lane (one claim
    /// per lane) to `f`, each lane's oldest first. Returns how many.
    pub fn drain(&mut self, quota: usize, mut f: impl FnMut(&[u8])) -> usize {
        self.fair
            .drain_with(|lane| lane.consume_up_to(quota, &mut f))
    }

    /// How many elements the lanes hold now.
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
    /// and every parked producer is woken. Elements already in the lanes
    /// can still be drained; evicting pushes go on.
    pub fn close(&self) {
        self.fair.close();
    }
}

impl core::fmt::Debug for RawMpscConsumer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RawMpscConsumer")
            .field("elem_size", &self.elem_size)
            .field("lanes", &self.fair.lane_count())
            .field("producers", &self.producers())
            .finish_non_exhaustive()
    }
}
