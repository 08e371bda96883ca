//! The by-value ring families: `spill_ring_u8`, `spill_ring_u16`,
//! `spill_ring_u32`, `spill_ring_u64`, `spill_ring_f32`, `spill_ring_f64`.
//!
//! Each family's exported functions come from one template,
//! `src/ring/family.rs.in`, which build.rs instantiates per family into
//! `$OUT_DIR/ring_families.rs` (also read by the header test's cbindgen run,
//! since cbindgen does not see macro-generated functions). Each export is a
//! one-line call into [`ops`], which resolves the handle ([`payload`] is
//! what it holds) and calls the core ring.
#![allow(non_camel_case_types)]

use core::ffi::{c_int, c_void};
use core::ptr::NonNull;

use crate::abi::block::BlockLayout;
use crate::abi::entry;
use crate::abi::handle::{impl_opaque, Handle, Owner};
use crate::abi::last_error::Error;
use crate::abi::lifecycle::{self, Family};
use crate::c_spout::{spill_spout, CSpout};
pub(crate) mod ops;
pub(crate) mod payload;

use crate::abi::status::spill_status;
use crate::c_spout::SendFn;
use payload::{ValueFamily, ValuePlan, ValueRing};

/// The exported functions of one by-value family, for Rust code that is
/// generic over families (the crate's own tests, or Rust code driving C
/// rings). Each constant is the family's `extern "C"` function of that
/// name: `spill_ring_u64::PUSH` is `spill_ring_u64_push`.
pub trait RingFamily: Sized {
    /// The element type.
    type Elem: Copy;
    /// `spill_ring_FAM_new`.
    const NEW: unsafe extern "C" fn(usize, *const spill_spout) -> *mut Self;
    /// `spill_ring_FAM_memsize`.
    const MEMSIZE: unsafe extern "C" fn(usize, *mut usize) -> spill_status;
    /// `spill_ring_FAM_init`.
    const INIT: unsafe extern "C" fn(
        *mut c_void,
        usize,
        usize,
        *const spill_spout,
        *mut *mut Self,
    ) -> spill_status;
    /// `spill_ring_FAM_free`.
    const FREE: unsafe extern "C" fn(*mut Self) -> spill_status;
    /// `spill_ring_FAM_push`.
    const PUSH: unsafe extern "C" fn(*mut Self, Self::Elem) -> spill_status;
    /// `spill_ring_FAM_try_push`.
    const TRY_PUSH: unsafe extern "C" fn(*mut Self, Self::Elem) -> spill_status;
    /// `spill_ring_FAM_push_bulk`.
    const PUSH_BULK: unsafe extern "C" fn(
        *mut Self,
        *const Self::Elem,
        usize,
        *mut usize,
    ) -> spill_status;
    /// `spill_ring_FAM_pop`.
    const POP: unsafe extern "C" fn(*mut Self, *mut Self::Elem) -> spill_status;
    /// `spill_ring_FAM_pop_bulk`.
    const POP_BULK: unsafe extern "C" fn(
        *mut Self,
        *mut Self::Elem,
        usize,
        *mut usize,
    ) -> spill_status;
    /// `spill_ring_FAM_peek`.
    const PEEK: unsafe extern "C" fn(*const Self, *mut Self::Elem) -> spill_status;
    /// `spill_ring_FAM_len`.
    const LEN: unsafe extern "C" fn(*const Self) -> usize;
    /// `spill_ring_FAM_capacity`.
    const CAPACITY: unsafe extern "C" fn(*const Self) -> usize;
    /// `spill_ring_FAM_is_empty`.
    const IS_EMPTY: unsafe extern "C" fn(*const Self) -> bool;
    /// `spill_ring_FAM_is_full`.
    const IS_FULL: unsafe extern "C" fn(*const Self) -> bool;
    /// `spill_ring_FAM_flush`.
    const FLUSH: unsafe extern "C" fn(*mut Self, *mut usize) -> spill_status;
    /// `spill_ring_FAM_drain`.
    const DRAIN: unsafe extern "C" fn(*mut Self, *const spill_spout, *mut usize) -> spill_status;
    /// `spill_ring_FAM_clear`.
    const CLEAR: unsafe extern "C" fn(*mut Self) -> spill_status;
    /// `spill_ring_FAM_as_spout`.
    const AS_SPOUT: unsafe extern "C" fn(*mut Self) -> spill_spout;
}

include!(concat!(env!("OUT_DIR"), "/ring_families.rs"));

/// The element size of the ring that `spout` feeds, when it is one of the
/// library's own chaining spouts (an `*_as_spout` result).
fn fed_elem_size(spout: &CSpout) -> Option<usize> {
    macro_rules! by_value {
        ($($family:ty),*) => {$(
            if spout.feeds(<$family as ValueFamily>::FEED).is_some() {
                return Some(core::mem::size_of::<<$family as ValueFamily>::Elem>());
            }
        )*};
    }
    by_value!(
        spill_ring_u8,
        spill_ring_u16,
        spill_ring_u32,
        spill_ring_u64,
        spill_ring_f32,
        spill_ring_f64
    );
    let target = spout.feeds(crate::bytes::bytes_spout_send)?;
    // SAFETY: a spout with this send function was made by
    // spill_ring_bytes_as_spout() for a ring that outlives its users.
    Some(unsafe { crate::bytes::spill_ring_bytes_elem_size(target.cast()) })
}

/// Refuses a spout that feeds one of the library's rings whose elements are
/// not `elem_size` bytes: its batches would be read at the wrong stride.
pub(crate) fn check_chain(elem_size: usize, spout: &CSpout) -> Result<(), Error> {
    match fed_elem_size(spout) {
        Some(target) if target != elem_size => Err(Error::invalid(format!(
            "the spout feeds a ring of {target}-byte elements: a ring of \
             {elem_size}-byte elements cannot chain into it"
        ))),
        _ => Ok(()),
    }
}
