//! The status every fallible C call returns: `spill_status`,
//! `spill_status_str` and `spill_status_is_retryable`.

use core::ffi::{c_char, c_int, CStr};

/// What a call did. Every fallible function returns one; `SPILL_OK` (zero)
/// means success.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum spill_status {
    /// The call succeeded.
    SPILL_OK = 0,
    /// The ring held no item (pop, peek, bulk pop). Retryable.
    SPILL_EMPTY = 1,
    /// The ring was full and the call does not evict (try_push). Retryable.
    SPILL_FULL = 2,
    /// A handle or pointer argument that must not be NULL was NULL.
    SPILL_NULL_ARGUMENT = 3,
    /// An argument was out of range: a capacity that is not a power of two
    /// in 1..=SPILL_RING_MAX_CAPACITY, an element size outside
    /// 1..=SPILL_RING_MAX_ELEM_SIZE, a buffer too small or misaligned, a
    /// spout without a send function, a handle that is not live.
    SPILL_INVALID_ARGUMENT = 4,
    /// A spout refused a batch (its send returned nonzero) or its flush
    /// failed. The refused items stay where they were (the ring is unchanged
    /// for a single push; for bulk calls the out-counts say how far the call
    /// got), except for a free, which releases the ring anyway: its message
    /// says how many items were lost.
    SPILL_SPOUT_FAILED = 5,
    /// A pool's work function or merger failed (a panic inside the library
    /// while running it); the message names the worker.
    SPILL_WORKER_PANICKED = 6,
    /// Memory could not be allocated.
    SPILL_OUT_OF_MEMORY = 7,
    /// A file could not be opened, read or written.
    SPILL_IO_ERROR = 8,
    /// The handle is in use: the call came from inside one of the handle's
    /// own spout callbacks, a pool round is still running, or a concurrent
    /// producer has an open reservation (commit it first). Retryable once
    /// the outer call returned (or the reservation was committed).
    SPILL_BUSY = 9,
    /// An internal error was caught at the boundary; the message says what.
    SPILL_PANIC = 10,
    /// A waiting call gave up: its timeout passed before there was room
    /// (a concurrent producer's push_wait). Nothing changed. Retryable.
    SPILL_TIMEOUT = 11,
    /// The consumer of a concurrent ring closed it (or was freed): waiting
    /// pushes and registrations fail with this status (evicting pushes go
    /// on). Nothing changed. Not retryable: a closed ring stays closed.
    SPILL_CLOSED = 12,
}

use spill_status::*;

/// Every status, in numeric order.
const ALL_STATUSES: [spill_status; 13] = [
    SPILL_OK,
    SPILL_EMPTY,
    SPILL_FULL,
    SPILL_NULL_ARGUMENT,
    SPILL_INVALID_ARGUMENT,
    SPILL_SPOUT_FAILED,
    SPILL_WORKER_PANICKED,
    SPILL_OUT_OF_MEMORY,
    SPILL_IO_ERROR,
    SPILL_BUSY,
    SPILL_PANIC,
    SPILL_TIMEOUT,
    SPILL_CLOSED,
];

impl spill_status {
    /// The status with numeric value `code`, if there is one.
    pub fn from_code(code: c_int) -> Option<spill_status> {
        ALL_STATUSES.into_iter().find(|s| *s as c_int == code)
    }

    /// The status's name as it appears in the header.
    pub const fn name(self) -> &'static CStr {
        match self {
            SPILL_OK => c"SPILL_OK",
            SPILL_EMPTY => c"SPILL_EMPTY",
            SPILL_FULL => c"SPILL_FULL",
            SPILL_NULL_ARGUMENT => c"SPILL_NULL_ARGUMENT",
            SPILL_INVALID_ARGUMENT => c"SPILL_INVALID_ARGUMENT",
            SPILL_SPOUT_FAILED => c"SPILL_SPOUT_FAILED",
            SPILL_WORKER_PANICKED => c"SPILL_WORKER_PANICKED",
            SPILL_OUT_OF_MEMORY => c"SPILL_OUT_OF_MEMORY",
            SPILL_IO_ERROR => c"SPILL_IO_ERROR",
            SPILL_BUSY => c"SPILL_BUSY",
            SPILL_PANIC => c"SPILL_PANIC",
            SPILL_TIMEOUT => c"SPILL_TIMEOUT",
            SPILL_CLOSED => c"SPILL_CLOSED",
        }
    }

    /// Whether retrying the same call later can succeed: true for
    /// `SPILL_FULL`, `SPILL_EMPTY`, `SPILL_BUSY` and `SPILL_TIMEOUT`.
    pub const fn is_retryable(self) -> bool {
        matches!(self, SPILL_FULL | SPILL_EMPTY | SPILL_BUSY | SPILL_TIMEOUT)
    }
}

/// The name of the status `status` ("SPILL_OK", "SPILL_FULL", ...), or
/// "SPILL_UNKNOWN_STATUS" for a value that is not a status. The string is
/// static; never free it. Safe from any thread.
#[no_mangle]
pub extern "C" fn spill_status_str(status: c_int) -> *const c_char {
    match spill_status::from_code(status) {
        Some(s) => s.name().as_ptr(),
        None => c"SPILL_UNKNOWN_STATUS".as_ptr(),
    }
}

/// Whether retrying the call that returned `status` can succeed later:
/// true for SPILL_FULL, SPILL_EMPTY, SPILL_BUSY and SPILL_TIMEOUT, false
/// for every other value (including unknown ones). Safe from any thread.
#[no_mangle]
pub extern "C" fn spill_status_is_retryable(status: c_int) -> bool {
    spill_status::from_code(status).is_some_and(spill_status::is_retryable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_their_position() {
        for (i, s) in ALL_STATUSES.iter().enumerate() {
            assert_eq!(*s as usize, i);
            assert_eq!(spill_status::from_code(i as c_int), Some(*s));
        }
        assert_eq!(spill_status::from_code(-1), None);
        assert_eq!(spill_status::from_code(13), None);
    }
}
