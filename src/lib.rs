//! spill-ring: fixed-capacity ring buffers that spill their oldest items to a
//! spout instead of dropping them.
//!
//! This crate re-exports the Rust core ([`spill_ring_core`]) and the
//! [`spout`] crate, and carries the C ABI (`include/spill_ring.h`).
//!
//! The project README follows; its Rust example runs as a doc-test.
//!
#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub use spill_ring_core::*;
pub use spout;

// The C ABI layer: the boundary every export crosses...
mod abi;
// ...the spouts made of C function pointers...
mod c_spout;
// ...and one folder per exported family, each with its export template
// (`family.rs.in`, instantiated per element type by build.rs) and its logic.
mod bytes;
mod file_spout;
mod mpsc;
mod pool;
mod ring;

pub mod ffi;
