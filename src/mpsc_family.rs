//! The exported MPSC functions of every by-value family
//! (`spill_mpsc_u8` ... `spill_mpsc_f64`), instantiated by build.rs from
//! `src/mpsc_family.rs.in`. The logic is in [`mpsc`](crate::mpsc).
#![allow(non_camel_case_types)]

use crate::c_spout::spill_spout;
use crate::entry;
use crate::handle::{impl_opaque, Handle};
use crate::mpsc::{self, MpscSet};
use crate::ring_family::*;
use crate::status::spill_status;

include!(concat!(env!("OUT_DIR"), "/mpsc_families.rs"));
