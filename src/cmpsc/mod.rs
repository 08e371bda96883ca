//! The concurrent MPSC families, `spill_cmpsc_u8` ... `spill_cmpsc_f64` and
//! `spill_cmpsc_bytes`: one lock-free SPSC lane per producer (the core's
//! raw MPSC). Producers register at run time from any thread, up to the
//! maximum the MPSC was created for, and are the SPSC producer handles
//! (`spill_spsc_FAM_producer`: same calls, same thread rule); the one
//! consumer pops and drains the lanes fairly while they push. (The
//! stop-then-merge MPSC of plain rings is `spill_mpsc_*`, in `src/mpsc/`.)
//!
//! The logic is written once in [`ops`]; the exports of every family,
//! bytes included, come from `src/cmpsc/family.rs.in`, and the one export
//! only bytes has is in [`bytes`].
#![allow(non_camel_case_types)]

pub(crate) mod bytes;
pub(crate) mod drain;
pub(crate) mod halves;
pub(crate) mod ops;

pub use bytes::*;

use core::ffi::c_void;

use crate::abi::handle::{impl_opaque, Handle};
use crate::abi::status::spill_status;
use crate::c_spout::spill_spout;
use crate::spsc::*;
use halves::{LanesConsumer, Registry};

include!(concat!(env!("OUT_DIR"), "/cmpsc_families.rs"));
