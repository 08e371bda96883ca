//! The exported worker-pool and collector functions of every by-value
//! family (`spill_pool_u8`, `spill_collector_u8`, ... `_f64`), instantiated
//! by build.rs from `src/pool_family.rs.in`. The logic is in
//! [`pool`](crate::pool) and [`collector`](crate::collector).
#![allow(non_camel_case_types)]

use core::ffi::{c_int, c_void};

use crate::c_spout::spill_spout;
use crate::collector::{self, CollectorCell};
use crate::entry;
use crate::handle::{impl_opaque, Handle};
use crate::pool::{self, PoolSet};
use crate::ring_family::*;
use crate::status::spill_status;

include!(concat!(env!("OUT_DIR"), "/pool_families.rs"));
