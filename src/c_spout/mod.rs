//! Spouts made of C function pointers: the `spill_spout` struct and
//! [`CSpout`], the Rust [`Spout`] that calls it; and [`transfer`], the rule
//! by which flush and free hand a ring's items to its spout.
#![allow(non_camel_case_types)]

use core::ffi::{c_int, c_void};
use core::fmt;

use spout::Spout;

pub(crate) mod transfer;

use crate::abi::last_error::Error;
use crate::abi::status::spill_status;

/// Receives a batch of `count` items, oldest first, laid out contiguously at
/// `items` (for a bytes ring: `count * elem_size` bytes) and aligned for
/// their type (for a bytes ring, as an array of C structs of `elem_size`
/// bytes would be, when the caller's own arrays are). The items are only
/// borrowed for the call: copy what you keep.
///
/// Return 0 to accept the whole batch, nonzero to refuse all of it; a
/// refused batch stays where it was (in the ring, or with the caller of a
/// bulk call) and the call that evicted it returns SPILL_SPOUT_FAILED.
/// Must not unwind (no C++ exception may escape it).
pub type spill_send_fn =
    Option<unsafe extern "C" fn(ctx: *mut c_void, items: *const c_void, count: usize) -> c_int>;

/// A spout's send function, when it has one.
pub(crate) type SendFn = unsafe extern "C" fn(*mut c_void, *const c_void, usize) -> c_int;

/// Makes what the spout received durable or visible downstream; return 0 on
/// success, nonzero on failure. Must not unwind.
pub type spill_flush_fn = Option<unsafe extern "C" fn(ctx: *mut c_void) -> c_int>;

/// A spout: where a ring's evicted items go.
///
/// Rings copy this struct when they are created, so it may live on the
/// stack; `ctx` must stay valid for as long as the ring can call the spout
/// (until the ring is freed). A ring calls its spout from the thread that
/// called the ring.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct spill_spout {
    /// Receives batches of evicted items; required.
    pub send: spill_send_fn,
    /// Called by flush calls and when the ring is freed; may be NULL.
    pub flush: spill_flush_fn,
    /// Passed as the first argument of `send` and `flush`.
    pub ctx: *mut c_void,
}

/// The spout an `*_as_spout` call returns: `send` and `flush` feed the
/// ring at `ring`. For a NULL ring the spout has no send function (every
/// call that takes a spout refuses it) and the last error says why.
pub(crate) fn feeding(
    ring: *mut c_void,
    send: unsafe extern "C" fn(*mut c_void, *const c_void, usize) -> c_int,
    flush: unsafe extern "C" fn(*mut c_void) -> c_int,
) -> spill_spout {
    if ring.is_null() {
        Error::null("ring").record();
        return spill_spout {
            send: None,
            flush: None,
            ctx: core::ptr::null_mut(),
        };
    }
    spill_spout {
        send: Some(send),
        flush: Some(flush),
        ctx: ring,
    }
}

/// A spout refused a batch or failed to flush.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SpoutRefused {
    /// What the callback returned.
    pub(crate) code: c_int,
    /// How many items the refused batch held; `None` for a failed flush.
    pub(crate) batch: Option<usize>,
}

impl fmt::Display for SpoutRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.batch {
            Some(count) => write!(
                f,
                "the spout refused a batch of {count} items (its send returned {})",
                self.code
            ),
            None => write!(f, "the spout's flush failed (it returned {})", self.code),
        }
    }
}

impl From<SpoutRefused> for Error {
    #[cold]
    #[inline(never)]
    fn from(refused: SpoutRefused) -> Self {
        Error::new(spill_status::SPILL_SPOUT_FAILED, refused.to_string())
    }
}

/// A validated C spout; without one it drops what it gets (the spout of a
/// ring created with a NULL spout).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CSpout {
    /// `None` drops; the send function's non-NULL niche holds the `None`,
    /// so whether the spout drops and which function it calls are one
    /// word.
    raw: Option<Valid>,
}

/// A `spill_spout` whose send function is there.
#[derive(Debug, Clone, Copy)]
struct Valid {
    send: SendFn,
    flush: spill_flush_fn,
    ctx: *mut c_void,
}

impl CSpout {
    /// Drops every batch.
    pub(crate) const DROP: CSpout = CSpout { raw: None };

    /// Whether this spout drops what it gets (a ring created with a NULL
    /// spout): evicting into it calls nothing.
    #[inline(always)]
    pub(crate) fn drops(&self) -> bool {
        self.raw.is_none()
    }

    /// Reads an optional spout argument: NULL means evicted items are
    /// dropped.
    ///
    /// # Safety
    ///
    /// `spout` is NULL or points to a readable `spill_spout` whose function
    /// pointers (if set) are valid.
    pub(crate) unsafe fn optional(spout: *const spill_spout) -> Result<CSpout, Error> {
        if spout.is_null() {
            return Ok(CSpout::DROP);
        }
        // SAFETY: not NULL, and the caller promised it is readable.
        unsafe { CSpout::required(spout, "spout") }
    }

    /// Reads a spout argument that must be present.
    ///
    /// # Safety
    ///
    /// As for [`optional`](CSpout::optional).
    pub(crate) unsafe fn required(spout: *const spill_spout, what: &str) -> Result<CSpout, Error> {
        if spout.is_null() {
            return Err(Error::null(what));
        }
        // SAFETY: not NULL, and the caller promised it is readable;
        // `read_unaligned` tolerates a struct at any address.
        let raw = unsafe { spout.read_unaligned() };
        CSpout::from_raw(raw, what)
    }

    /// Validates a spout struct passed by value.
    pub(crate) fn from_raw(raw: spill_spout, what: &str) -> Result<CSpout, Error> {
        let Some(send) = raw.send else {
            return Err(Error::invalid(format!(
                "{what} has no send function (send is NULL)"
            )));
        };
        Ok(CSpout {
            raw: Some(Valid {
                send,
                flush: raw.flush,
                ctx: raw.ctx,
            }),
        })
    }

    /// The `ctx` of this spout when its send function is `send` (a spout
    /// the library made to feed one of its own rings), else `None`.
    pub(crate) fn feeds(&self, send: SendFn) -> Option<*mut c_void> {
        let raw = self.raw?;
        (raw.send as usize == send as usize).then_some(raw.ctx)
    }

    /// Hands `count` items at `items` to the C callback.
    ///
    /// # Safety
    ///
    /// `items` points to `count` items laid out as the callback expects.
    #[inline]
    pub(crate) unsafe fn send_raw(
        &self,
        items: *const c_void,
        count: usize,
    ) -> Result<(), SpoutRefused> {
        let Some(raw) = self.raw else {
            return Ok(());
        };
        if count == 0 {
            return Ok(());
        }
        // SAFETY: whoever built the spout promised `send` and `ctx` valid
        // for as long as the ring lives; `items` holds `count` items (the
        // caller's contract).
        match unsafe { (raw.send)(raw.ctx, items, count) } {
            0 => Ok(()),
            code => Err(SpoutRefused {
                code,
                batch: Some(count),
            }),
        }
    }

    /// Calls the C flush callback, if there is one.
    pub(crate) fn flush_raw(&self) -> Result<(), SpoutRefused> {
        let Some(raw) = self.raw else {
            return Ok(());
        };
        let Some(flush) = raw.flush else {
            return Ok(());
        };
        // SAFETY: whoever built the spout promised `flush` and `ctx` valid
        // for as long as the ring lives.
        match unsafe { flush(raw.ctx) } {
            0 => Ok(()),
            code => Err(SpoutRefused { code, batch: None }),
        }
    }
}

/// Batches reach C as one `send` call each, so `send_slice` is
/// all-or-nothing: the callback accepts the whole slice or none of it.
impl<T: Copy> Spout<T> for CSpout {
    type Error = SpoutRefused;

    #[inline]
    fn send(&mut self, item: T) -> Result<(), SpoutRefused> {
        self.send_slice(core::slice::from_ref(&item))
    }

    #[inline]
    fn send_slice(&mut self, items: &[T]) -> Result<(), SpoutRefused> {
        // SAFETY: `items` is a live slice of `items.len()` contiguous `T`s.
        unsafe { self.send_raw(items.as_ptr().cast(), items.len()) }
    }

    fn flush(&mut self) -> Result<(), SpoutRefused> {
        self.flush_raw()
    }
}

/// A C spout that rings on several threads use (MPSC producers, pool
/// workers). Whoever creates one passes on the C caller's promise (in the
/// header's documentation of those calls) that its callbacks may be called
/// from those threads, concurrently unless each ring has its own.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SharedSpout(pub(crate) CSpout);

// SAFETY: the C caller promised the callbacks and `ctx` usable from the
// threads that use the rings (see the type's documentation); the struct
// itself is plain data.
unsafe impl Send for SharedSpout {}
// SAFETY: as for `Send`; `&SharedSpout` only reads plain data.
unsafe impl Sync for SharedSpout {}

/// Forwards to the C spout: all-or-nothing per batch.
impl<T: Copy> Spout<T> for SharedSpout {
    type Error = SpoutRefused;

    #[inline]
    fn send(&mut self, item: T) -> Result<(), SpoutRefused> {
        self.0.send(item)
    }

    #[inline]
    fn send_slice(&mut self, items: &[T]) -> Result<(), SpoutRefused> {
        self.0.send_slice(items)
    }

    fn flush(&mut self) -> Result<(), SpoutRefused> {
        self.0.flush_raw()
    }
}
