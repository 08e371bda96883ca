//! spill-ring: fixed-capacity ring buffers that spill their oldest items to a
//! spout instead of dropping them.
//!
//! This crate re-exports the Rust core ([`spill_ring_core`]) and the
//! [`spout`] crate, and carries the C ABI (`include/spill_ring.h`).
#![warn(missing_docs)]

pub use spill_ring_core::*;
pub use spout;
