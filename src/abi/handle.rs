//! [`Handle`]: what every opaque C handle holds, and the checked ways in.
//!
//! A handle carries one state word, who owns its memory, and its payload.
//! The word says live and idle, live and *active* (a call that may reach
//! a spout is running), or dead. Active makes re-entrant calls (a spout
//! that calls back into the ring feeding it) fail with `SPILL_BUSY`
//! instead of reaching the ring mid-operation. One word, so that the fast
//! way in tests "live and idle" with one compare.
//!
//! Access goes field by field through the raw handle pointer, never
//! through a reference to the whole handle, so that a re-entrant read-only
//! call (`len` from inside a spout) never aliases an exclusive borrow.

use core::cell::Cell;
use core::ptr::NonNull;
use std::alloc::Layout;

use crate::abi::block;
use crate::abi::last_error::Error;
use crate::abi::status::spill_status;

/// A live handle that no call is using ("spillrng").
const IDLE: u64 = u64::from_le_bytes(*b"spillrng");
/// A live handle while a call that may reach a spout runs ("spillbsy").
const ACTIVE: u64 = u64::from_le_bytes(*b"spillbsy");
/// A handle that was freed, or is being freed.
const DEAD: u64 = u64::from_le_bytes(*b"freedrng");

/// Who owns a handle's memory, and so what freeing it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    /// The library allocated the block (`*_new`): free releases it.
    Library(Layout),
    /// The caller provided the block (`*_init`): free leaves it.
    Caller,
    /// The handle is part of a bigger handle (an MPSC producer, a pool
    /// worker's ring), named here: it cannot be freed on its own.
    Parent(&'static str),
}

/// The state around a handle's payload.
pub(crate) struct Handle<P> {
    /// [`IDLE`], [`ACTIVE`] or [`DEAD`].
    state: Cell<u64>,
    owner: Owner,
    payload: P,
}

impl<P> Handle<P> {
    /// A live, idle handle around `payload`.
    pub(crate) fn new(payload: P, owner: Owner) -> Self {
        Handle {
            state: Cell::new(IDLE),
            owner,
            payload,
        }
    }
}

/// What a handle's payload does before it is dropped by a free call.
pub(crate) trait Release {
    /// Hands remaining items on (batched), before `Drop` runs; errors are
    /// reported to the caller of free, which frees anyway.
    fn release(&self) -> Result<(), Error>;

    /// Called once `release` ran and the handle is dead, before `Drop`:
    /// makes sure dropping hands nothing on and flushes nothing again.
    fn disarm(&mut self) {}
}

/// An opaque C type that is a [`Handle`].
///
/// # Safety
///
/// `project` must return a pointer to the `Handle` inside `*this`, derived
/// from `this` without creating a reference.
pub(crate) unsafe trait Opaque: Sized {
    /// What the handle holds.
    type Payload;
    /// The name used in messages ("ring", "pool", ...).
    const WHAT: &'static str;

    /// Wraps a handle into the C type.
    fn wrap(handle: Handle<Self::Payload>) -> Self;

    /// The handle inside `*this`.
    ///
    /// # Safety
    ///
    /// `this` points to a live allocation of `Self`.
    unsafe fn project(this: *mut Self) -> *mut Handle<Self::Payload>;
}

/// Implements [`Opaque`] for the opaque C type `$name`, a tuple struct
/// around a `Handle<$payload>`. (The struct itself is written out where it
/// is documented: cbindgen does not see types that macros declare.)
macro_rules! impl_opaque {
    ($name:ident($payload:ty)) => {
        // SAFETY: `project` returns the address of the tuple field without
        // creating a reference.
        unsafe impl $crate::abi::handle::Opaque for $name {
            type Payload = $payload;
            const WHAT: &'static str = stringify!($name);

            fn wrap(handle: $crate::abi::handle::Handle<$payload>) -> Self {
                $name(handle)
            }

            unsafe fn project(this: *mut Self) -> *mut $crate::abi::handle::Handle<$payload> {
                // SAFETY: the caller promised `this` points to a `Self`.
                unsafe { core::ptr::addr_of_mut!((*this).0) }
            }
        }
    };
}
pub(crate) use impl_opaque;

/// Writes a new handle for `payload` into `mem` and returns it.
///
/// # Safety
///
/// `mem` is valid for writes of `F`, aligned for it, and not in use.
pub(crate) unsafe fn emplace<F: Opaque>(
    mem: NonNull<u8>,
    payload: F::Payload,
    owner: Owner,
) -> *mut F {
    let this = mem.as_ptr().cast::<F>();
    // SAFETY: the caller's contract.
    unsafe { this.write(F::wrap(Handle::new(payload, owner))) };
    this
}

/// Checks a handle argument: not NULL, and live.
///
/// # Safety
///
/// `this` is NULL or points to memory that holds, or held, an `F` (a
/// freed heap handle may not be passed: its memory is gone).
unsafe fn resolve<F: Opaque>(this: *const F) -> Result<*mut Handle<F::Payload>, Error> {
    if this.is_null() {
        return Err(Error::null(F::WHAT));
    }
    // SAFETY: not NULL; the caller promised it points to an `F`.
    let handle = unsafe { F::project(this.cast_mut()) };
    // SAFETY: `handle` points into that `F`.
    if !unsafe { is_live(handle) } {
        return Err(not_live(F::WHAT));
    }
    Ok(handle)
}

/// Whether the handle's state says live (idle or active).
///
/// # Safety
///
/// `handle` points into memory that holds, or held, a handle.
#[inline(always)]
unsafe fn is_live<P>(handle: *const Handle<P>) -> bool {
    // SAFETY: the caller's contract; only the state field is borrowed.
    let state = unsafe { &(*handle).state }.get();
    state == IDLE || state == ACTIVE
}

/// Whether the handle's state says live and idle.
///
/// # Safety
///
/// As for [`is_live`].
#[inline(always)]
unsafe fn is_idle<P>(handle: *const Handle<P>) -> bool {
    // SAFETY: the caller's contract; only the state field is borrowed.
    unsafe { &(*handle).state }.get() == IDLE
}

/// The payload, borrowed exclusively, of a live handle that no call is
/// using; `None` for a NULL, dead or active handle (the checked ways in say
/// why). For calls that reach no spout: such a call runs to its end before
/// any other call on the handle can start (one thread at a time per
/// handle), so it need not mark the handle active.
///
/// # Safety
///
/// As for [`resolve`]; the borrow must end before the call that made it
/// returns, and the caller must not call a spout with it.
#[inline(always)]
pub(crate) unsafe fn idle<'a, F: Opaque>(this: *mut F) -> Option<&'a mut F::Payload> {
    if this.is_null() {
        return None;
    }
    // SAFETY: not NULL; the caller promised it points to an `F`.
    let handle = unsafe { F::project(this) };
    // SAFETY: `handle` points into that `F`; field borrows only.
    if !unsafe { is_idle(handle) } {
        return None;
    }
    // SAFETY: live and idle, so no call up the stack borrows the payload
    // (calls on one handle come from one thread at a time, and a call
    // borrows only while it runs); the caller calls no spout, so no other
    // borrow can start before its borrow ends.
    Some(unsafe { &mut (*handle).payload })
}

/// The payload, borrowed exclusively, of a handle that is live and idle,
/// without checking it: for the steps of a call after [`idle`] found it so
/// and a spout call ([`with_active`]) left it so (while the handle is
/// active, calls from inside the spout that would change it, free
/// included, are refused before they touch it).
///
/// # Safety
///
/// `this` is a live, idle handle (see above); as for [`idle`], the borrow
/// must end before the call that made it returns, and the caller must not
/// call a spout with it.
#[inline(always)]
pub(crate) unsafe fn idle_unchecked<'a, F: Opaque>(this: *mut F) -> &'a mut F::Payload {
    // SAFETY: the caller's contract: `this` points to a live handle.
    let handle = unsafe { F::project(this) };
    debug_assert!(
        // SAFETY: as above; field borrows only.
        unsafe { is_idle(handle) },
        "idle_unchecked on a handle that is not live and idle"
    );
    // SAFETY: live and idle, so nothing up the stack borrows the payload
    // (as in `idle`); the caller calls no spout while the borrow lives.
    unsafe { &mut (*handle).payload }
}

/// Runs `f` with the handle marked active and no borrow of its payload
/// held: for a fast path that calls a spout with plain data or with items
/// in storage outside the payload (a spout calling back into the handle
/// gets `SPILL_BUSY` for mutating calls, free included, and read-only
/// calls borrow the payload shared). When `f` returns, the handle is as
/// live and idle as it was before ([`idle_unchecked`]).
///
/// # Safety
///
/// `this` is a live, idle handle (as [`idle`] just found it), and no
/// borrow of its payload is used while `f` runs.
#[inline(always)]
pub(crate) unsafe fn with_active<F: Opaque, R>(this: *mut F, f: impl FnOnce() -> R) -> R {
    // SAFETY: the caller's contract: `this` points to a live handle.
    let handle = unsafe { F::project(this) };
    // SAFETY: a field borrow of a live handle; idle, so not active yet.
    let _active = Active(unsafe { &(*handle).state });
    _active.0.set(ACTIVE);
    f()
}

#[cold]
#[inline(never)]
fn not_live(what: &str) -> Error {
    Error::invalid(format!(
        "the {what} handle is not live (freed, being freed, or never created)"
    ))
}

#[cold]
#[inline(never)]
fn busy(what: &str) -> Error {
    Error::new(
        spill_status::SPILL_BUSY,
        format!("the {what} is busy: called from inside one of its own spout callbacks"),
    )
}

/// Refuses re-entry, then marks the handle active until dropped (when it
/// is idle again).
struct Active<'a>(&'a Cell<u64>);

impl<'a> Active<'a> {
    /// Marks the live handle whose state is `state` active; `SPILL_BUSY`
    /// when it already is.
    fn enter(state: &'a Cell<u64>, what: &str) -> Result<Self, Error> {
        debug_assert_ne!(state.get(), DEAD, "entering a dead handle");
        if state.get() == ACTIVE {
            return Err(busy(what));
        }
        state.set(ACTIVE);
        Ok(Active(state))
    }
}

impl Drop for Active<'_> {
    fn drop(&mut self) {
        self.0.set(IDLE);
    }
}

/// Runs a read-only `f` on the payload (allowed from inside the handle's
/// own spout callbacks).
///
/// # Safety
///
/// As for [`resolve`].
#[inline(always)]
pub(crate) unsafe fn read<F: Opaque, R>(
    this: *const F,
    f: impl FnOnce(&F::Payload) -> R,
) -> Result<R, Error> {
    // SAFETY: the caller's contract.
    let handle = unsafe { resolve(this)? };
    // SAFETY: live handle; a shared borrow of the payload only, which any
    // concurrent borrow up the stack (from a call in progress) is too.
    Ok(f(unsafe { &(*handle).payload }))
}

/// A handle marked active, and its payload; the mark goes when dropped.
pub(crate) struct Entered<'a, P> {
    _active: Active<'a>,
    pub(crate) payload: &'a P,
}

/// Marks the handle active and borrows its payload (shared): a call from
/// inside a spout reached while the result lives gets `SPILL_BUSY`.
///
/// # Safety
///
/// As for [`resolve`]; the result must not outlive the handle.
#[inline(always)]
pub(crate) unsafe fn acquire<'a, F: Opaque>(
    this: *const F,
) -> Result<Entered<'a, F::Payload>, Error> {
    // SAFETY: the caller's contract.
    let handle = unsafe { resolve(this)? };
    // SAFETY: live handle; field borrows only, for as long as the caller
    // keeps the handle alive.
    let active = Active::enter(unsafe { &(*handle).state }, F::WHAT)?;
    Ok(Entered {
        _active: active,
        // SAFETY: as above; the payload is only borrowed shared.
        payload: unsafe { &(*handle).payload },
    })
}

/// Runs `f` on the payload with the handle active: a call from inside
/// `f`'s spout callbacks gets `SPILL_BUSY`.
///
/// # Safety
///
/// As for [`resolve`].
#[inline(always)]
pub(crate) unsafe fn enter<F: Opaque, R>(
    this: *const F,
    f: impl FnOnce(&F::Payload) -> Result<R, Error>,
) -> Result<R, Error> {
    // SAFETY: the caller's contract; the borrow ends before we return.
    let entered = unsafe { acquire(this)? };
    f(entered.payload)
}

/// Runs `f` on the payload exclusively. `f` must not call any spout (no
/// other borrow of the payload may start while it runs).
///
/// # Safety
///
/// As for [`resolve`].
pub(crate) unsafe fn enter_exclusive<F: Opaque, R>(
    this: *mut F,
    f: impl FnOnce(&mut F::Payload) -> Result<R, Error>,
) -> Result<R, Error> {
    // SAFETY: the caller's contract.
    let handle = unsafe { resolve(this)? };
    // SAFETY: live handle; field borrows only.
    let _active = Active::enter(unsafe { &(*handle).state }, F::WHAT)?;
    // SAFETY: the handle was idle, so no call up the stack borrows the
    // payload (calls on one handle come from one thread at a time, and a
    // call borrows only while it runs); `f` calls no spout, so no borrow
    // can start before it returns.
    f(unsafe { &mut (*handle).payload })
}

/// Frees a handle: releases the payload's items, drops it, and frees the
/// memory if the handle allocated it. Re-entrant calls during the free
/// get `SPILL_BUSY` (while items are released) or `SPILL_INVALID_ARGUMENT`
/// (while the payload drops).
///
/// NULL is accepted and does nothing. Returns the release error, if any:
/// the handle is freed either way.
///
/// # Safety
///
/// As for [`resolve`]; the handle must not be used after this returns
/// `Ok` or a release error.
pub(crate) unsafe fn free<F: Opaque>(this: *mut F) -> Result<(), Error>
where
    F::Payload: Release,
{
    if this.is_null() {
        return Ok(());
    }
    // SAFETY: the caller's contract.
    let handle = unsafe { resolve(this)? };
    // SAFETY: live handle; field reads only.
    let owner = unsafe { (*handle).owner };
    if let Owner::Parent(parent) = owner {
        return Err(Error::invalid(format!(
            "this {} belongs to a {parent}: free the {parent} instead",
            F::WHAT
        )));
    }
    let released = {
        // SAFETY: live handle; field borrows only.
        let _active = Active::enter(unsafe { &(*handle).state }, F::WHAT)?;
        // SAFETY: shared borrow of the payload while it is active.
        unsafe { &(*handle).payload }.release()
    };
    // SAFETY: live handle; field borrows only.
    unsafe { &(*handle).state }.set(DEAD);
    // SAFETY: the handle is dead: no other borrow of the payload can exist
    // or start (every way in refuses a dead handle).
    unsafe { (*handle).payload.disarm() };
    // SAFETY: the handle is marked dead, so no call can borrow
    // its payload any more; it is dropped once, here. The other fields
    // need no drop.
    unsafe { core::ptr::drop_in_place(core::ptr::addr_of_mut!((*handle).payload)) };
    if let Owner::Library(layout) = owner {
        // SAFETY: handles with an owner were written at the start of a
        // block from `block::allocate` with that layout (see
        // `lifecycle::new`), and a dead handle is never freed again.
        unsafe { block::deallocate(NonNull::new_unchecked(this.cast()), layout) };
    }
    released
}

/// Handles that belong to a bigger handle (MPSC producers, pool worker
/// rings), owned through a raw pointer: C code and worker threads hold
/// pointers into them, which moving or borrowing a `Box` would invalidate.
pub(crate) struct HandleArray<F>(NonNull<[F]>);

impl<F> HandleArray<F> {
    /// Takes `handles` over.
    pub(crate) fn new(handles: Box<[F]>) -> Self {
        HandleArray(NonNull::from(Box::leak(handles)))
    }

    /// How many handles there are.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// A pointer to handle `index` (one past the end for `len()`).
    pub(crate) fn get(&self, index: usize) -> *mut F {
        assert!(index <= self.len(), "handle {index} is out of range");
        // SAFETY: within the array, or one past its end.
        unsafe { self.0.as_ptr().cast::<F>().add(index) }
    }

    /// Pointers to every handle, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = *mut F> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl<F> Drop for HandleArray<F> {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `Box::leak` in `new` and becomes its
        // box again once, here, when no pointer into it is used any more
        // (the owner stops its threads first).
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}
