//! The export only the bytes family of the concurrent MPSC has: the
//! element size chosen at creation. Its other exports come from the family
//! template, like the by-value families' (src/cmpsc/family.rs.in).

use crate::cmpsc::ops;
use crate::cmpsc::spill_cmpsc_bytes;

/// The element size in bytes (the `elem_size` of creation); 0 for a NULL
/// handle.
///
/// Thread role: ANY THREAD.
///
/// # Safety
///
/// `mpsc` is NULL or a live MPSC handle.
#[no_mangle]
pub unsafe extern "C" fn spill_cmpsc_bytes_elem_size(mpsc: *const spill_cmpsc_bytes) -> usize {
    // SAFETY: the caller's contract.
    unsafe { ops::registry_query(mpsc, |r| r.elem_size) }
}
