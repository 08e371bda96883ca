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

/// Keeps the items it is given only with the `std` feature.
macro_rules! with_std {
    ($($item:item)*) => {
        $(#[cfg(feature = "std")] $item)*
    };
}

with_std! {
// The C ABI layer: one module per exported family...
mod bytes;
mod c_spout;
mod file_spout;
mod last_error;
mod limits;
mod mpsc_family;
mod pool_family;
mod ring_family;
mod status;
mod version;
// ...and the helpers they share.
mod block;
mod collector;
mod entry;
mod handle;
mod lifecycle;
mod mpsc;
mod pool;
mod ptr_args;
mod ring_ops;
mod ring_value;
mod value_payload;

pub mod ffi;
}
