//! The exported worker-pool and collector functions of every by-value
//! family (`spill_pool_u8`, `spill_collector_u8`, ... `_f64`), instantiated
//! by build.rs from `src/pool/family.rs.in`. The logic is in [`set`] (the
//! pool) and [`collector`]; [`work`] marks the threads running a work
//! function.
#![allow(non_camel_case_types)]

use core::ffi::{c_int, c_void};

use crate::c_spout::spill_spout;
mod collector;
mod set;
mod work;

use crate::abi::entry;
use crate::abi::handle::{impl_opaque, Handle};
use crate::abi::status::spill_status;
use crate::ring::*;
use collector::CollectorCell;
use set::PoolSet;

include!(concat!(env!("OUT_DIR"), "/pool_families.rs"));
