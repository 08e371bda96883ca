//! The concurrent SPSC families: `spill_spsc_u8` ... `spill_spsc_f64` (by
//! value) and `spill_spsc_bytes` (run-time-sized elements). Each ring is two
//! handles, a producer (`*_producer`, one thread) and a consumer
//! (`*_consumer`, another thread), used at the same time without locks.
//!
//! Every family goes through the core's run-time-sized halves
//! ([`RawProducer`](spill_ring_core::concurrent::spsc::raw::RawProducer),
//! [`RawConsumer`](spill_ring_core::concurrent::spsc::raw::RawConsumer)):
//! a by-value family is the raw ring with `elem_size = sizeof(T)` whose
//! exports take and return `T` by value. The logic is written once in
//! [`ops`] over the element kind ([`elem`]); the exports of every family,
//! bytes included, come from the template `src/spsc/family.rs.in`
//! (instantiated by build.rs), and the one export only bytes has is in
//! [`bytes`]. The producers of the concurrent MPSC
//! (`spill_cmpsc_*`) are these producer handles too.
#![allow(non_camel_case_types)]

pub(crate) mod bytes;
pub(crate) mod elem;
pub(crate) mod halves;
pub(crate) mod ops;

pub use bytes::*;

use core::ffi::c_void;

use crate::abi::handle::{impl_opaque, Handle};
use crate::abi::status::spill_status;
use crate::c_spout::spill_spout;
use elem::{ByRef, ByValue};
use halves::{ConsumerHalf, ProducerHalf};

include!(concat!(env!("OUT_DIR"), "/spsc_families.rs"));
