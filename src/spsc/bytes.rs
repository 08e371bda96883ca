//! The bytes family of the concurrent SPSC rings, `spill_spsc_bytes`:
//! elements of `elem_size` bytes (1..=SPILL_RING_MAX_ELEM_SIZE), chosen at
//! creation, at exactly that stride, so a C struct goes in as it is. The
//! same logic as the by-value families ([`super::ops`]).

use core::ffi::c_void;

use crate::abi::handle::{impl_opaque, Handle};
use crate::abi::status::spill_status;
use crate::c_spout::spill_spout;
use crate::spsc::elem::ByRef;
use crate::spsc::halves::{ConsumerHalf, ProducerHalf};
use crate::spsc::ops;

/// The producer half of a concurrent SPSC ring of `elem_size`-byte elements
/// (opaque).
///
/// Thread role: PRODUCER. Every spill_spsc_bytes_producer_* call belongs to
/// the one producer thread; it runs at the same time as the consumer's
/// calls, without locks. Its spout is called on the producer thread, with
/// batches of one element of `elem_size` bytes, aligned as a C struct of
/// that size would be in an array. Concurrent MPSC producers
/// (spill_cmpsc_bytes_register()) are handles of this type too.
pub struct spill_spsc_bytes_producer(Handle<ProducerHalf>);

impl_opaque!(spill_spsc_bytes_producer(ProducerHalf));

/// The consumer half of a concurrent SPSC ring of `elem_size`-byte elements
/// (opaque).
///
/// Thread role: CONSUMER. Every spill_spsc_bytes_consumer_* call belongs to
/// the one consumer thread.
pub struct spill_spsc_bytes_consumer(Handle<ConsumerHalf>);

impl_opaque!(spill_spsc_bytes_consumer(ConsumerHalf));

/// Creates a concurrent SPSC ring of `capacity` elements of `elem_size`
/// bytes (1..=SPILL_RING_MAX_ELEM_SIZE); the other parameters, the halves
/// and the statuses are those of spill_spsc_u64_create(), plus
/// SPILL_INVALID_ARGUMENT for an `elem_size` out of range. The ring
/// allocates `(capacity + hold) * elem_size` bytes of slots, aligned to
/// SPILL_RING_ALIGN (slot i at base + i * elem_size). Any thread.
///
/// # Safety
///
/// As for spill_spsc_u64_create().
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_create(
    elem_size: usize,
    capacity: usize,
    hold: usize,
    flags: u32,
    spout: *const spill_spout,
    out_producer: *mut *mut spill_spsc_bytes_producer,
    out_consumer: *mut *mut spill_spsc_bytes_consumer,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe {
        ops::create(
            elem_size,
            capacity,
            hold,
            flags,
            spout,
            out_producer,
            out_consumer,
        )
    }
}

/// Appends the `elem_size` bytes at `item`, evicting the oldest element to
/// the spout when full; as spill_spsc_u64_producer_push(), plus
/// SPILL_NULL_ARGUMENT for a NULL `item`. Thread role: PRODUCER.
///
/// # Safety
///
/// `producer` is NULL or a live producer handle; `item` is NULL or valid
/// for `elem_size` bytes.
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_producer_push(
    producer: *mut spill_spsc_bytes_producer,
    item: *const c_void,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::push(producer, ByRef(item)) }
}

/// Appends the element at `item` only if there is room; as
/// spill_spsc_u64_producer_try_push(), plus SPILL_NULL_ARGUMENT for a NULL
/// `item`. Thread role: PRODUCER.
///
/// # Safety
///
/// As for spill_spsc_bytes_producer_push().
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_producer_try_push(
    producer: *mut spill_spsc_bytes_producer,
    item: *const c_void,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::try_push(producer, ByRef(item)) }
}

/// Appends the element at `item` without losing anything, waiting up to
/// `timeout_ns` (SPILL_WAIT_FOREVER: no limit); as
/// spill_spsc_u64_producer_push_wait() (SPILL_TIMEOUT, SPILL_CLOSED), plus
/// SPILL_NULL_ARGUMENT for a NULL `item`. Thread role: PRODUCER.
///
/// # Safety
///
/// As for spill_spsc_bytes_producer_push().
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_producer_push_wait(
    producer: *mut spill_spsc_bytes_producer,
    item: *const c_void,
    timeout_ns: u64,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::push_wait(producer, ByRef(item), timeout_ns) }
}

/// Reserves `min(n, capacity)` slots of `elem_size` bytes to write in
/// place, a pointer to each into `slots` (each aligned as a C struct of
/// `elem_size` bytes in an array would be); as
/// spill_spsc_u64_producer_reserve(). Thread role: PRODUCER.
///
/// # Safety
///
/// As for spill_spsc_u64_producer_reserve().
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_producer_reserve(
    producer: *mut spill_spsc_bytes_producer,
    n: usize,
    slots: *mut *mut c_void,
    out_reserved: *mut usize,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::reserve(producer, n, slots, out_reserved) }
}

/// Publishes the first `written` reserved slots; as
/// spill_spsc_u64_producer_commit(). Thread role: PRODUCER.
///
/// # Safety
///
/// As for spill_spsc_u64_producer_commit().
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_producer_commit(
    producer: *mut spill_spsc_bytes_producer,
    written: usize,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::commit(producer, written) }
}

/// How many elements are in the ring now; as spill_spsc_u64_producer_len().
/// Thread role: PRODUCER.
///
/// # Safety
///
/// `producer` is NULL or a live producer handle.
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_producer_len(
    producer: *const spill_spsc_bytes_producer,
) -> usize {
    // SAFETY: the caller's contract.
    unsafe { ops::producer_query(producer, 0, |raw, _| raw.len()) }
}

/// The element size in bytes; 0 for a NULL handle. Works from inside the
/// producer's own spout. Thread role: PRODUCER.
///
/// # Safety
///
/// `producer` is NULL or a live producer handle.
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_producer_elem_size(
    producer: *const spill_spsc_bytes_producer,
) -> usize {
    // SAFETY: the caller's contract.
    unsafe { ops::elem_size(producer) }
}

/// Whether the consumer was freed; as
/// spill_spsc_u64_producer_is_abandoned(). Thread role: PRODUCER.
///
/// # Safety
///
/// `producer` is NULL or a live producer handle.
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_producer_is_abandoned(
    producer: *const spill_spsc_bytes_producer,
) -> bool {
    // SAFETY: the caller's contract.
    unsafe { ops::producer_query(producer, false, |raw, _| raw.is_abandoned()) }
}

/// Whether the consumer closed the ring; as
/// spill_spsc_u64_producer_is_closed(). Thread role: PRODUCER.
///
/// # Safety
///
/// `producer` is NULL or a live producer handle.
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_producer_is_closed(
    producer: *const spill_spsc_bytes_producer,
) -> bool {
    // SAFETY: the caller's contract.
    unsafe { ops::producer_query(producer, false, |raw, _| raw.is_closed()) }
}

/// Frees the producer half; as spill_spsc_u64_producer_free() (SPILL_OK,
/// SPILL_SPOUT_FAILED, SPILL_BUSY). Thread role: PRODUCER.
///
/// # Safety
///
/// `producer` is NULL or a live producer handle, not used again once
/// freed.
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_producer_free(
    producer: *mut spill_spsc_bytes_producer,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { crate::abi::lifecycle::free(producer) }
}

/// Copies the oldest element's `elem_size` bytes to `out` and removes it;
/// as spill_spsc_u64_consumer_pop(). Thread role: CONSUMER.
///
/// # Safety
///
/// `consumer` is NULL or a live consumer handle; `out` is NULL or writable
/// for `elem_size` bytes.
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_consumer_pop(
    consumer: *mut spill_spsc_bytes_consumer,
    out: *mut c_void,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::pop(consumer, out) }
}

/// Copies up to `max` of the oldest elements, packed, to `out` (room for
/// `max * elem_size` bytes) and removes them; as
/// spill_spsc_u64_consumer_pop_bulk(). Thread role: CONSUMER.
///
/// # Safety
///
/// `consumer` is NULL or a live consumer handle; `out` is NULL or has room
/// for `max * elem_size` bytes; `out_popped` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_consumer_pop_bulk(
    consumer: *mut spill_spsc_bytes_consumer,
    out: *mut c_void,
    max: usize,
    out_popped: *mut usize,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::pop_bulk(consumer, out, max, out_popped) }
}

/// Claims up to `max` of the oldest elements to read in place, a pointer to
/// each into `slots`; as spill_spsc_u64_consumer_read(). Thread role:
/// CONSUMER.
///
/// # Safety
///
/// As for spill_spsc_u64_consumer_read().
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_consumer_read(
    consumer: *mut spill_spsc_bytes_consumer,
    max: usize,
    slots: *mut *const c_void,
    out_read: *mut usize,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::read(consumer, max, slots, out_read) }
}

/// Releases what spill_spsc_bytes_consumer_read() claimed; as
/// spill_spsc_u64_consumer_release(). Thread role: CONSUMER.
///
/// # Safety
///
/// `consumer` is NULL or a live consumer handle.
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_consumer_release(
    consumer: *mut spill_spsc_bytes_consumer,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::release(consumer) }
}

/// How many elements are in the ring now; 0 for a NULL handle. Thread
/// role: CONSUMER.
///
/// # Safety
///
/// `consumer` is NULL or a live consumer handle.
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_consumer_len(
    consumer: *const spill_spsc_bytes_consumer,
) -> usize {
    // SAFETY: the caller's contract.
    unsafe { ops::consumer_query(consumer, 0, |raw| raw.len()) }
}

/// Whether the producer was freed; false for a NULL handle. Thread role:
/// CONSUMER.
///
/// # Safety
///
/// `consumer` is NULL or a live consumer handle.
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_consumer_is_abandoned(
    consumer: *const spill_spsc_bytes_consumer,
) -> bool {
    // SAFETY: the caller's contract.
    unsafe { ops::consumer_query(consumer, false, |raw| raw.is_abandoned()) }
}

/// Closes the ring; as spill_spsc_u64_consumer_close(). Thread role:
/// CONSUMER.
///
/// # Safety
///
/// `consumer` is NULL or a live consumer handle.
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_consumer_close(
    consumer: *mut spill_spsc_bytes_consumer,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { ops::close(consumer) }
}

/// Frees the consumer half; as spill_spsc_u64_consumer_free(). Thread
/// role: CONSUMER.
///
/// # Safety
///
/// `consumer` is NULL or a live consumer handle, not used again once
/// freed.
#[no_mangle]
pub unsafe extern "C" fn spill_spsc_bytes_consumer_free(
    consumer: *mut spill_spsc_bytes_consumer,
) -> spill_status {
    // SAFETY: the caller's contract.
    unsafe { crate::abi::lifecycle::free(consumer) }
}
