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
// Without the `std` feature the crate re-exports the core's and the spouts'
// `no_std` (or `alloc`) tier and leaves out the C ABI layer. It still links
// `std` itself: its cdylib and staticlib targets need a panic handler.

pub use spill_ring_core::*;
pub use spout;

// The C ABI layer (each module gated on its own: cbindgen does not follow
// modules declared inside a macro): the boundary every export crosses...
#[cfg(feature = "std")]
mod abi;
// ...the spouts made of C function pointers...
#[cfg(feature = "std")]
mod c_spout;
// ...and one folder per exported family, each with its export template
// (`family.rs.in`, instantiated per element type by build.rs) and its logic.
#[cfg(feature = "std")]
mod bytes;
#[cfg(feature = "std")]
mod cmpsc;
#[cfg(feature = "std")]
mod file_spout;
#[cfg(feature = "std")]
mod mpsc;
#[cfg(feature = "std")]
mod pool;
#[cfg(feature = "std")]
mod ring;
#[cfg(feature = "std")]
mod spsc;

#[cfg(feature = "std")]
pub mod ffi;
