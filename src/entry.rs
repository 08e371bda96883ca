//! The boundary every exported function goes through: panics are caught
//! (none crosses into C) and errors become a status plus a thread-local
//! message.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::last_error::Error;
use crate::status::spill_status;

/// Runs `body`; returns `SPILL_OK`, or records the error (or the caught
/// panic) and returns its status.
#[inline(always)]
pub(crate) fn status(body: impl FnOnce() -> Result<(), Error>) -> spill_status {
    status_of(|| body().map(|()| spill_status::SPILL_OK))
}

/// Runs `body`; returns its value, or records the error (or the caught
/// panic) and returns `fallback`.
///
/// For calls whose only failure report is a sentinel (NULL, 0, false).
#[inline(always)]
pub(crate) fn value<R>(fallback: R, body: impl FnOnce() -> Result<R, Error>) -> R {
    // The closures only touch library state through handles whose
    // invariants hold at every point a panic can start (the core restores
    // them with drop guards), so observing them after a panic is sound.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(error)) => {
            error.record();
            fallback
        }
        Err(payload) => {
            panic_error(payload.as_ref()).record();
            fallback
        }
    }
}

/// Runs `body`, which decides the status itself (for calls that can end in
/// more than one status with a result, such as a bulk pop that reports
/// EMPTY); errors and caught panics are recorded.
#[inline(always)]
pub(crate) fn status_of(body: impl FnOnce() -> Result<spill_status, Error>) -> spill_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(status)) => status,
        Ok(Err(error)) => error.record(),
        Err(payload) => panic_error(payload.as_ref()).record(),
    }
}

/// The error that reports a caught panic.
pub(crate) fn panic_error(payload: &(dyn Any + Send)) -> Error {
    Error::new(
        spill_status::SPILL_PANIC,
        format!(
            "internal error caught at the C boundary: {}",
            panic_message(payload)
        ),
    )
}

/// The text a panic carried.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "a panic without a message"
    }
}
