//! The export only the bytes family of the concurrent SPSC rings has: the
//! element size chosen at creation. Its other exports come from the family
//! template, like the by-value families' (src/spsc/family.rs.in).

use crate::spsc::ops;
use crate::spsc::spill_spsc_bytes_producer;

/// The element size in bytes (the `elem_size` of creation); 0 for a NULL
/// handle. Works from inside the producer's own spout.
///
/// Thread role: PRODUCER.
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
