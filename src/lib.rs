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

// The C ABI layer: one module per exported family... (each gated on its
// own: cbindgen does not follow modules declared inside a macro)
#[cfg(feature = "std")]
mod bytes;
#[cfg(feature = "std")]
mod c_spout;
#[cfg(feature = "std")]
mod file_spout;
#[cfg(feature = "std")]
mod last_error;
#[cfg(feature = "std")]
mod limits;
#[cfg(feature = "std")]
mod mpsc_family;
#[cfg(feature = "std")]
mod pool_family;
#[cfg(feature = "std")]
mod ring_family;
#[cfg(feature = "std")]
mod status;
#[cfg(feature = "std")]
mod version;
// ...and the helpers they share.
#[cfg(feature = "std")]
mod block;
#[cfg(feature = "std")]
mod collector;
#[cfg(feature = "std")]
mod entry;
#[cfg(feature = "std")]
mod handle;
#[cfg(feature = "std")]
mod lifecycle;
#[cfg(feature = "std")]
mod mpsc;
#[cfg(feature = "std")]
mod pool;
#[cfg(feature = "std")]
mod ptr_args;
#[cfg(feature = "std")]
mod ring_ops;
#[cfg(feature = "std")]
mod ring_value;
#[cfg(feature = "std")]
mod value_payload;

#[cfg(feature = "std")]
pub mod ffi;
