//! A push-based sink trait, [`Spout`], and the standard spouts.
//!
//! A spout is where items go when their producer is done with them: the
//! oldest item a full ring evicts, the batches a worker pool publishes, the
//! records a disk tier persists. The trait is deliberately small:
//! [`Spout::send`] takes one item, [`Spout::send_all`] and
//! [`Spout::send_slice`] take many (spouts that gain from batching override
//! them), and [`Spout::flush`] asks the spout to make what it received
//! durable or visible.
//!
//! # Features
//!
//! - no features: the trait, [`DropSpout`], [`FnSpout`], [`FnFlushSpout`].
//! - `alloc`: spouts that buffer ([`CollectSpout`], batching, reducing,
//!   sequencing, per-producer spouts).
//! - `std` (default): channel spouts, `Arc<Mutex<S>>` and the
//!   [`std::io::Write`] spout that serves as a disk tier.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;

mod basic;
mod spout_trait;

pub use basic::{DropSpout, FnFlushSpout, FnSpout};
pub use spout_trait::Spout;

#[cfg(feature = "alloc")]
mod collect;
#[cfg(feature = "alloc")]
pub use collect::CollectSpout;
