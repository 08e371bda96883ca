//! The C API, for Rust callers (tests, or Rust code that shares rings with
//! C). Every item here is declared in `include/spill_ring.h`; see it, or
//! each item's documentation, for the contract.

pub use crate::abi::last_error::{last_error_message, spill_last_error};
pub use crate::abi::limits::{
    SPILL_CMPSC_MAX_PRODUCERS, SPILL_CMPSC_MAX_TOTAL_SLOTS, SPILL_MPSC_MAX_PRODUCERS,
    SPILL_POOL_MAX_WORKERS, SPILL_RING_ALIGN, SPILL_RING_MAX_CAPACITY, SPILL_RING_MAX_ELEM_SIZE,
    SPILL_WAIT_FOREVER, SPILL_WAKING,
};
pub use crate::abi::status::{spill_status, spill_status_is_retryable, spill_status_str};
pub use crate::abi::version::{
    spill_version, SPILL_RING_VERSION, SPILL_RING_VERSION_MAJOR, SPILL_RING_VERSION_MINOR,
    SPILL_RING_VERSION_PATCH,
};
pub use crate::bytes::*;
pub use crate::c_spout::{spill_flush_fn, spill_send_fn, spill_spout};
pub use crate::cmpsc::*;
pub use crate::file_spout::{
    spill_file_read, spill_file_spout, spill_file_spout_as_spout, spill_file_spout_close,
    spill_file_spout_open,
};
pub use crate::mpsc::*;
pub use crate::pool::*;
pub use crate::ring::*;
pub use crate::spsc::*;
