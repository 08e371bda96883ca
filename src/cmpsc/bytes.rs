//! The bytes family of the concurrent MPSC, `spill_cmpsc_bytes`: elements
//! of `elem_size` bytes, chosen at creation. The same logic as the
//! by-value families ([`super::ops`]).

use core::ffi::c_void;

use crate::abi::handle::{impl_opaque, Handle};
use crate::abi::status::spill_status;
use crate::c_spout::spill_spout;
use crate::cmpsc::halves::{LanesConsumer, Registry};
use crate::cmpsc::ops;
use crate::spsc::spill_spsc_bytes_producer;

/// A concurrent MPSC of `elem_size`-byte elements (opaque): where producers
/// (spill_spsc_bytes_producer handles) register.
///
/// Thread role: ANY THREAD, as for spill_cmpsc_u64.
pub struct spill_cmpsc_bytes(Handle<Registry>);

impl_opaque!(spill_cmpsc_bytes(Registry));

/// The consumer of a concurrent MPSC of `elem_size`-byte elements
/// (opaque).
///
/// Thread role: CONSUMER. Every spill_cmpsc_bytes_consumer_* call belongs
/// to the one consumer thread.
pub struct spill_cmpsc_bytes_consumer(Handle<LanesConsumer>);

impl_opaque!(spill_cmpsc_bytes_consumer(LanesConsumer));

/// Creates a concurrent MPSC of `elem_size`-byte elements
/// (1..=SPILL_RING_MAX_ELEM_SIZE); otherwise as spill_cmpsc_u64_create().
/// Any thread.
///
/// Returns SPILL_OK; SPILL_NULL_ARGUMENT when `out_mpsc` or `out_consumer`
/// is NULL; SPILL_INVALID_ARGUMENT for a bad `elem_size`, `max_producers`,
/// capacity, hold or flags; SPILL_OUT_OF_MEMORY when memory runs out.
///
/// # Safety
///
/// The out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn spill_cmpsc_bytes_create(
    elem_size: usize,
    max_producers: usize,
    capacity: usize,
    hold: usize,
    flags: u32,
    out_mpsc: *mut *mut spill_cmpsc_bytes,
    out_consumer: *mut *mut spill_cmpsc_bytes_consumer,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe {
        ops::create(
            elem_size,
            max_producers,
            capacity,
            hold,
            flags,
            out_mpsc,
            out_consumer,
        )
    }
}

/// Registers a producer (a spill_spsc_bytes_producer); as
/// spill_cmpsc_u64_register(). Thread role: ANY THREAD.
///
/// Returns SPILL_OK; SPILL_FULL when every lane is taken; SPILL_CLOSED when
/// the consumer closed the MPSC or was freed; SPILL_NULL_ARGUMENT for a
/// NULL handle or `out_producer`; SPILL_INVALID_ARGUMENT for a spout
/// without a send function or one that feeds a ring of another element
/// size; SPILL_OUT_OF_MEMORY.
///
/// # Safety
///
/// As for spill_cmpsc_u64_register().
#[no_mangle]
pub unsafe extern "C" fn spill_cmpsc_bytes_register(
    mpsc: *const spill_cmpsc_bytes,
    spout: *const spill_spout,
    out_producer: *mut *mut spill_spsc_bytes_producer,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::register(mpsc, spout, out_producer) }
}

/// How many producers are registered now; 0 for NULL. Thread role: ANY
/// THREAD.
///
/// # Safety
///
/// `mpsc` is NULL or a live MPSC handle.
#[no_mangle]
pub unsafe extern "C" fn spill_cmpsc_bytes_producers(mpsc: *const spill_cmpsc_bytes) -> usize {
    // SAFETY: the caller's contract.
    unsafe { ops::registry_query(mpsc, |r| r.raw.producers()) }
}

/// The most producers that can be registered at once; 0 for NULL. Thread
/// role: ANY THREAD.
///
/// # Safety
///
/// `mpsc` is NULL or a live MPSC handle.
#[no_mangle]
pub unsafe extern "C" fn spill_cmpsc_bytes_max_producers(mpsc: *const spill_cmpsc_bytes) -> usize {
    // SAFETY: the caller's contract.
    unsafe { ops::registry_query(mpsc, |r| r.raw.max_producers()) }
}

/// The element size in bytes; 0 for NULL. Thread role: ANY THREAD.
///
/// # Safety
///
/// `mpsc` is NULL or a live MPSC handle.
#[no_mangle]
pub unsafe extern "C" fn spill_cmpsc_bytes_elem_size(mpsc: *const spill_cmpsc_bytes) -> usize {
    // SAFETY: the caller's contract.
    unsafe { ops::registry_query(mpsc, |r| r.elem_size) }
}

/// Frees the registry; as spill_cmpsc_u64_free(). Returns SPILL_OK. Thread
/// role: ANY THREAD, once no call on `mpsc` runs.
///
/// # Safety
///
/// `mpsc` is NULL or a live MPSC handle, not used again once freed.
#[no_mangle]
pub unsafe extern "C" fn spill_cmpsc_bytes_free(mpsc: *mut spill_cmpsc_bytes) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { crate::abi::lifecycle::free(mpsc) }
}

/// Copies the oldest element of the next non-empty lane to `out`
/// (`elem_size` bytes) and removes it. Thread role: CONSUMER.
///
/// Returns SPILL_OK; SPILL_EMPTY when every lane is empty;
/// SPILL_NULL_ARGUMENT for a NULL handle or `out`; SPILL_BUSY from inside
/// a spout of this consumer's own drain.
///
/// # Safety
///
/// `consumer` is NULL or a live consumer handle; `out` is NULL or writable
/// for `elem_size` bytes.
#[no_mangle]
pub unsafe extern "C" fn spill_cmpsc_bytes_consumer_pop(
    consumer: *mut spill_cmpsc_bytes_consumer,
    out: *mut c_void,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::pop(consumer, out) }
}

/// One fair pass over the lanes into `dst`; as
/// spill_cmpsc_u64_consumer_drain() (batches of whole elements, up to 4096
/// bytes). Thread role: CONSUMER.
///
/// Returns SPILL_OK; SPILL_SPOUT_FAILED when `dst` refused a batch (lost;
/// the pass goes on); SPILL_NULL_ARGUMENT for a NULL handle or `dst`;
/// SPILL_INVALID_ARGUMENT for a `quota` of 0 or a `dst` without send;
/// SPILL_BUSY from inside `dst` itself.
///
/// # Safety
///
/// As for spill_cmpsc_u64_consumer_drain().
#[no_mangle]
pub unsafe extern "C" fn spill_cmpsc_bytes_consumer_drain(
    consumer: *mut spill_cmpsc_bytes_consumer,
    quota: usize,
    dst: *const spill_spout,
    out_drained: *mut usize,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::drain(consumer, quota, dst, out_drained) }
}

/// How many elements the lanes hold now; 0 for NULL. Thread role:
/// CONSUMER.
///
/// # Safety
///
/// `consumer` is NULL or a live consumer handle.
#[no_mangle]
pub unsafe extern "C" fn spill_cmpsc_bytes_consumer_len(
    consumer: *const spill_cmpsc_bytes_consumer,
) -> usize {
    // SAFETY: the caller's contract.
    unsafe { ops::consumer_query(consumer, |raw| raw.len()) }
}

/// Closes the MPSC; as spill_cmpsc_u64_consumer_close() (SPILL_OK,
/// SPILL_NULL_ARGUMENT, SPILL_BUSY). Thread role: CONSUMER.
///
/// # Safety
///
/// `consumer` is NULL or a live consumer handle.
#[no_mangle]
pub unsafe extern "C" fn spill_cmpsc_bytes_consumer_close(
    consumer: *mut spill_cmpsc_bytes_consumer,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::close(consumer) }
}

/// Frees the consumer; as spill_cmpsc_u64_consumer_free() (SPILL_OK,
/// SPILL_BUSY). Thread role: CONSUMER.
///
/// # Safety
///
/// `consumer` is NULL or a live consumer handle, not used again once freed.
#[no_mangle]
pub unsafe extern "C" fn spill_cmpsc_bytes_consumer_free(
    consumer: *mut spill_cmpsc_bytes_consumer,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { crate::abi::lifecycle::free(consumer) }
}
