//! The boundary every exported function goes through: panics are caught
//! (none crosses into C) and errors become a status plus a thread-local
//! message.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::abi::handle::{self, Opaque};
use crate::abi::last_error::Error;
use crate::abi::ptr_args::Out;
use crate::abi::status::spill_status;

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

/// Runs `body` for a callback the library hands to itself (a chaining
/// spout's send or flush): returns its status as a C int, 0 for success,
/// without touching the last error (the call that reached the callback
/// reports the failure with its own message, and a success it still makes
/// must leave the last error unchanged).
pub(crate) fn code(body: impl FnOnce() -> Result<(), Error>) -> core::ffi::c_int {
    // As in `status`, the state is consistent after a panic.
    let status = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => spill_status::SPILL_OK,
        Ok(Err(error)) => error.status,
        Err(_) => spill_status::SPILL_PANIC,
    };
    status as core::ffi::c_int
}

/// Runs `body`, which returns its own status (and records its own error);
/// a caught panic is recorded and returned as `SPILL_PANIC`. For a path
/// that keeps error values off its success path.
#[inline(always)]
pub(crate) fn guarded(body: impl FnOnce() -> spill_status) -> spill_status {
    // As in `status`, the state is consistent after a panic.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(status) => status,
        Err(payload) => panic_error(payload.as_ref()).record(),
    }
}

/// Runs `fast`, a path that cannot fail (panics aside): `SPILL_OK` when it
/// did the work; when it declines (`false`), runs `slow`, the checked path
/// that does the work or says why not. Keeps the success path free of
/// error values.
#[inline(always)]
fn fast_or(fast: impl FnOnce() -> bool, slow: impl FnOnce() -> spill_status) -> spill_status {
    // As in `status`, the state is consistent after a panic.
    match catch_unwind(AssertUnwindSafe(fast)) {
        Ok(true) => spill_status::SPILL_OK,
        Ok(false) => slow(),
        Err(payload) => panic_error(payload.as_ref()).record(),
    }
}

/// The straight-line way into a call that reaches no spout: runs `fast` on
/// the payload of `handle` when the handle is live and idle; when it is
/// NULL, dead or busy, or `fast` declines (`false`), runs `checked`, which
/// does the work or says why the call fails.
///
/// Make `checked` a function of its own, `extern "C"` although it is not
/// exported: such a function cannot unwind (its panic guard catches
/// everything) and the compiler knows it, so the fast path jumps to it as
/// its last step instead of calling it, and keeps no stack frame.
///
/// # Safety
///
/// `handle` is NULL or a live handle of `F`; `fast` calls no spout.
#[inline(always)]
pub(crate) unsafe fn idle_or_checked<F: Opaque>(
    handle: *mut F,
    fast: impl FnOnce(&mut F::Payload) -> bool,
    checked: impl FnOnce() -> spill_status,
) -> spill_status {
    fast_or(
        || {
            // SAFETY: the caller's contract; `fast` calls no spout.
            match unsafe { handle::idle(handle) } {
                Some(payload) => fast(payload),
                None => false,
            }
        },
        checked,
    )
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

/// The body of every `*_create` constructor: `out` is its checked
/// out-pointer ([`Out::required`]); sets it to NULL, runs `body` and, on
/// success, writes the new handle there.
pub(crate) fn create<T>(
    out: Result<Out<*mut T>, Error>,
    body: impl FnOnce() -> Result<*mut T, Error>,
) -> spill_status {
    status(|| {
        let out = out?;
        out.write(core::ptr::null_mut());
        out.write(body()?);
        Ok(())
    })
}

/// A `*_new` convenience constructor over its `*_create` form: the handle,
/// or NULL with the reason in `spill_last_error`.
pub(crate) fn created<T>(create: impl FnOnce(*mut *mut T) -> spill_status) -> *mut T {
    let mut handle = core::ptr::null_mut();
    // The status is also in the last error; NULL says it failed.
    let _ = create(&mut handle);
    handle
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
        assert!(crate::abi::last_error::last_error_message().contains("boom 7"));
        assert_eq!(value(5, || -> Result<i32, Error> { panic!("static") }), 5);
        assert!(crate::abi::last_error::last_error_message().contains("static"));
    }
}
