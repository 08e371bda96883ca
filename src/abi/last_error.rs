//! Why the last call failed: the crate's internal [`Error`] and the
//! thread-local message behind `spill_last_error`.

use core::ffi::{c_char, CStr};
use std::borrow::Cow;
use std::cell::RefCell;
use std::ffi::CString;

use crate::abi::status::spill_status;

/// A failed call: the status it returns and the message
/// `spill_last_error` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Error {
    pub(crate) status: spill_status,
    message: Cow<'static, str>,
}

impl Error {
    /// A failure with a fixed message (no allocation: used on paths that
    /// callers poll, such as EMPTY and FULL).
    pub(crate) const fn fixed(status: spill_status, message: &'static str) -> Self {
        Error {
            status,
            message: Cow::Borrowed(message),
        }
    }

    /// A failure with a formatted message.
    #[cold]
    pub(crate) fn new(status: spill_status, message: String) -> Self {
        Error {
            status,
            message: Cow::Owned(message),
        }
    }

    /// `what` was a NULL pointer.
    #[cold]
    #[inline(never)]
    pub(crate) fn null(what: &str) -> Self {
        Error::new(
            spill_status::SPILL_NULL_ARGUMENT,
            format!("{what} must not be NULL"),
        )
    }

    /// An argument out of range.
    #[cold]
    pub(crate) fn invalid(message: String) -> Self {
        Error::new(spill_status::SPILL_INVALID_ARGUMENT, message)
    }

    /// This error of a free call that dropped `lost` of the `total` items
    /// it had to hand on (the message says so; `lost` may be 0).
    #[cold]
    pub(crate) fn with_loss(self, lost: usize, total: usize) -> Self {
        Error::new(
            self.status,
            format!("{}; {lost} of {total} items were lost", self.message),
        )
    }

    /// The message.
    #[cfg(test)]
    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// Stores this error as the calling thread's last error and returns its
    /// status.
    #[cold]
    #[inline(never)]
    pub(crate) fn record(self) -> spill_status {
        LAST_ERROR.with(|last| {
            let mut last = last.borrow_mut();
            match self.message {
                Cow::Borrowed(fixed) => {
                    // Polling loops hit the same fixed message again and
                    // again: keep the C string when it did not change.
                    let same = matches!(&*last, Message::Fixed(previous, _)
                        if core::ptr::eq(*previous, fixed));
                    if !same {
                        *last = Message::Fixed(fixed, to_c_string(fixed));
                    }
                }
                Cow::Owned(owned) => *last = Message::Owned(to_c_string(&owned)),
            }
        });
        self.status
    }
}

/// The calling thread's last error message, as a C string.
enum Message {
    None,
    Fixed(&'static str, CString),
    Owned(CString),
}

thread_local! {
    static LAST_ERROR: RefCell<Message> = const { RefCell::new(Message::None) };
}

/// `message` as a C string; interior NUL bytes become spaces.
fn to_c_string(message: &str) -> CString {
    CString::new(message.replace('\0', " ")).expect("interior NULs were replaced")
}

/// The message of the last failing `spill_` call on the calling thread, or
/// "" when none failed yet. The string belongs to the library and stays
/// valid until the next failing `spill_` call on the same thread; never free
/// it. Successful calls leave it unchanged.
#[no_mangle]
pub extern "C" fn spill_last_error() -> *const c_char {
    LAST_ERROR.with(|last| match &*last.borrow() {
        Message::None => c"".as_ptr(),
        Message::Fixed(_, c) | Message::Owned(c) => c.as_ptr(),
    })
}

/// The calling thread's last error message, for Rust callers and tests.
pub fn last_error_message() -> String {
    // SAFETY: `spill_last_error` returns a NUL-terminated string that stays
    // valid until the next failing call on this thread; we copy it at once.
    unsafe { CStr::from_ptr(spill_last_error()) }
        .to_string_lossy()
        .into_owned()
}
