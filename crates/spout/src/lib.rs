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
//! | | no features | `alloc` | `std` (default) |
//! |---|---|---|---|
//! | [`Spout`], [`DropSpout`], [`FnSpout`], [`FnFlushSpout`] | yes | yes | yes |
//! | [`ToBytes`], [`FromBytes`], [`ByteSerializer`] (into a fixed buffer; into a `Vec` with `alloc`) | yes | yes | yes |
//! | `CollectSpout`, `BatchSpout`, `ReduceSpout`, `SequencedSpout` | — | yes | yes |
//! | `ProducerSpout` (needs pointer-sized atomics) | — | yes | yes |
//! | `ChannelSpout`, `SyncChannelSpout`, `Arc<Mutex<S>>` / `&Mutex<S>` as a spout | — | — | yes |
//! | `WriteSpout`, `RecordWriter`, `RecordReader`, `read_records`, `read_typed_records` (the disk tier) | — | — | yes |
//!
//! `std` implies `alloc`.
//!
//! # Composing spouts
//!
//! Spouts wrap spouts: a ring can evict into a `BatchSpout` that hands
//! whole batches to a `SyncChannelSpout`, whose receiver writes them to a
//! file through a `WriteSpout`. Every wrapper forwards
//! [`flush`](Spout::flush) to what it wraps.
//!
//! ```
//! # #[cfg(feature = "alloc")] {
//! use spout::{BatchSpout, CollectSpout, Spout};
//!
//! let mut spout = BatchSpout::new(2, CollectSpout::new());
//! spout.send_all(1..=5).unwrap();
//! spout.flush().unwrap();
//! assert_eq!(spout.inner().items(), &[vec![1, 2], vec![3, 4], vec![5]]);
//! # }
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs, missing_debug_implementations)]

#[cfg(feature = "alloc")]
extern crate alloc;

mod basic;
mod byte_codec;
mod byte_serializer;
mod spout_trait;

pub use basic::{DropSpout, FnFlushSpout, FnSpout};
pub use byte_codec::{BytesError, FromBytes, ToBytes};
pub use byte_serializer::{ByteBuffer, ByteSerializer};
pub use spout_trait::Spout;

#[cfg(feature = "alloc")]
mod batch;
#[cfg(feature = "alloc")]
mod collect;
#[cfg(all(feature = "alloc", target_has_atomic = "ptr"))]
mod producer;
#[cfg(feature = "alloc")]
mod reduce;
#[cfg(feature = "alloc")]
mod sequenced;

#[cfg(feature = "alloc")]
pub use batch::BatchSpout;
#[cfg(feature = "alloc")]
pub use collect::CollectSpout;
#[cfg(all(feature = "alloc", target_has_atomic = "ptr"))]
pub use producer::ProducerSpout;
#[cfg(feature = "alloc")]
pub use reduce::ReduceSpout;
#[cfg(feature = "alloc")]
pub use sequenced::{SequenceError, SequencedSpout};

#[cfg(feature = "std")]
mod channel;
#[cfg(feature = "std")]
mod mutex;
#[cfg(feature = "std")]
mod record_format;
#[cfg(feature = "std")]
mod record_reader;
#[cfg(feature = "std")]
mod record_writer;
#[cfg(feature = "std")]
mod write;

#[cfg(feature = "std")]
pub use channel::{ChannelSpout, SyncChannelSpout};
#[cfg(feature = "std")]
pub use mutex::MutexSpoutError;
#[cfg(feature = "std")]
pub use record_format::{
    open_record_append, read_record_header, write_record_header, RecordFormatError,
    RECORD_FORMAT_VERSION, RECORD_HEADER_LEN, RECORD_MAGIC,
};
#[cfg(feature = "std")]
pub use record_reader::{
    read_records, read_typed_records, FromBytesDecoder, RecordReader, Records, TypedRecords,
};
#[cfg(feature = "std")]
pub use record_writer::RecordWriter;
#[cfg(feature = "std")]
pub use write::{ToBytesEncoder, WriteSpout};

#[cfg(test)]
mod test_support;
