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
    // The closures only touch library state through handles whose
    // invariants hold at every point a panic can start (the core restores
    // them with drop guards), so observing them after a panic is sound.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => spill_status::SPILL_OK,
        Ok(Err(error)) => error.record(),
        Err(payload) => panic_error(payload.as_ref()).record(),
    }
}

/// Runs `fast`, a path that cannot fail (panics aside): `SPILL_OK` when it
/// did the work; when it declines (`false`), runs `slow`, the checked path
/// that does the work or says why not. Keeps the success path free of
/// error values.
#[inline(always)]
pub(crate) fn fast_or(
    fast: impl FnOnce() -> bool,
    slow: impl FnOnce() -> spill_status,
) -> spill_status {
    // As in `status`, the state is consistent after a panic.
    match catch_unwind(AssertUnwindSafe(fast)) {
        Ok(true) => spill_status::SPILL_OK,
        Ok(false) => slow(),
        Err(payload) => panic_error(payload.as_ref()).record(),
    }
}

/// Runs `body`; returns its value, or records the error (or the caught
/// panic) and returns `fallback`: for calls whose only failure report is a
/// sentinel (NULL, 0, false).
#[inline(always)]
pub(crate) fn value<R>(fallback: R, body: impl FnOnce() -> Result<R, Error>) -> R {
    // As in `status`, the state is consistent after a panic.
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

/// The error that reports a caught panic.
#[cold]
fn panic_error(payload: &(dyn Any + Send)) -> Error {
    let message = if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.as_str()
    } else {
        "a panic without a message"
    };
    Error::new(
        spill_status::SPILL_PANIC,
        format!("internal error caught at the C boundary: {message}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_spill_panic_with_their_message() {
        let status = status(|| panic!("boom {}", 7));
        assert_eq!(status, spill_status::SPILL_PANIC);
        assert!(crate::last_error::last_error_message().contains("boom 7"));
        assert_eq!(value(5, || -> Result<i32, Error> { panic!("static") }), 5);
        assert!(crate::last_error::last_error_message().contains("static"));
    }
}
