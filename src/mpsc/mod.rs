//! The exported MPSC functions of every by-value family
//! (`spill_mpsc_u8` ... `spill_mpsc_f64`), instantiated by build.rs from
//! `src/mpsc/family.rs.in`. The logic is in [`set`].
#![allow(non_camel_case_types)]

use crate::abi::entry;
use crate::abi::handle::{impl_opaque, Handle};
use crate::c_spout::spill_spout;
mod set;

use crate::abi::status::spill_status;
use crate::ring::*;
use set::MpscSet;

include!(concat!(env!("OUT_DIR"), "/mpsc_families.rs"));
