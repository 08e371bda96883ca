//! What the handles of a concurrent MPSC hold: the registry (any thread)
//! and the consumer (one thread). Producers are SPSC producer handles
//! ([`ProducerHalf`](crate::spsc::halves::ProducerHalf)).

use spill_ring_core::concurrent::mpsc::{RawMpscConsumer, RawRegistry};

use crate::abi::handle::Release;
use crate::abi::last_error::Error;
use crate::spsc::halves::Exclusive;

/// The MPSC handle's payload: where producers register. Only read (the
/// core registry is `Sync`), so any thread may use it at any time.
pub(crate) struct Registry {
    pub(crate) raw: RawRegistry,
    pub(crate) elem_size: usize,
}

impl Release for Registry {
    /// Nothing to hand on: producers and the consumer live on.
    fn release(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// The consumer handle's payload: every call belongs to the consumer
/// thread.
pub(crate) struct LanesConsumer {
    pub(crate) raw: Exclusive<RawMpscConsumer>,
    pub(crate) elem_size: usize,
}

impl Release for LanesConsumer {
    /// Nothing to hand on: dropping the consumer closes the MPSC; what the
    /// lanes hold goes with them.
    fn release(&self) -> Result<(), Error> {
        Ok(())
    }
}
