//! How an element crosses the boundary, whatever the family: by value
//! ([`ByValue`], written into its slot unaligned) or behind a pointer to
//! `elem_size` bytes ([`ByRef`], the bytes family); and the check on the
//! element arrays C passes.

use core::ffi::c_void;

use crate::abi::last_error::Error;
use crate::abi::ptr_args;

/// An element a producer call writes into a slot.
pub(crate) trait Item: Copy {
    /// Checks the element's pointer arguments (after the handle).
    fn check(self) -> Result<(), Error>;

    /// Writes the element into `slot`.
    ///
    /// # Safety
    ///
    /// `slot` is valid for writes of `elem_size` bytes, which is the
    /// element's size; [`check`](Item::check) passed.
    unsafe fn write(self, slot: *mut u8, elem_size: usize);
}

/// An element of a by-value family (`elem_size == size_of::<T>()`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ByValue<T>(pub(crate) T);

impl<T: Copy> Item for ByValue<T> {
    #[inline(always)]
    fn check(self) -> Result<(), Error> {
        Ok(())
    }

    #[inline(always)]
    unsafe fn write(self, slot: *mut u8, elem_size: usize) {
        debug_assert_eq!(elem_size, core::mem::size_of::<T>());
        // SAFETY: the caller's contract: `slot` has room for `elem_size`
        // bytes, the size of `T`; unaligned writes need no alignment.
        unsafe { slot.cast::<T>().write_unaligned(self.0) }
    }
}

/// An element of the bytes family: `elem_size` bytes at a caller pointer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ByRef(pub(crate) *const c_void);

impl Item for ByRef {
    fn check(self) -> Result<(), Error> {
        if self.0.is_null() {
            return Err(Error::null("item"));
        }
        Ok(())
    }

    unsafe fn write(self, slot: *mut u8, elem_size: usize) {
        // SAFETY: checked non-NULL; the C caller promised `elem_size`
        // readable bytes at `item` (the export's contract) and the slot is
        // ours (the caller's contract); they cannot overlap (the slot is
        // inside the ring, which C never writes but through reserve).
        unsafe { core::ptr::copy_nonoverlapping(self.0.cast::<u8>(), slot, elem_size) }
    }
}

/// One element of `elem_size` bytes to write back at `ptr`, as writable
/// bytes: NULL is refused; any alignment is accepted (it is written as
/// bytes), as for every pointer to one value.
///
/// # Safety
///
/// `ptr` is NULL or valid for a write of one element, used by nothing else
/// while the slice lives.
pub(crate) unsafe fn out_elem<'a, T>(
    ptr: *mut T,
    elem_size: usize,
    what: &str,
) -> Result<&'a mut [u8], Error> {
    // SAFETY: the caller's contract, for `elem_size` bytes.
    unsafe { ptr_args::slice_mut(ptr.cast::<u8>(), elem_size, what) }
}

/// `count` elements of `elem_size` bytes at `ptr`, as writable bytes,
/// checked: NULL (allowed only for 0 elements), alignment for `T` (the
/// by-value element type, or `c_void` for bytes), size in range.
///
/// # Safety
///
/// When `count > 0`, `ptr` is NULL or valid for writes of `count`
/// elements, used by nothing else while the slice lives.
pub(crate) unsafe fn out_elems<'a, T>(
    ptr: *mut T,
    count: usize,
    elem_size: usize,
    what: &str,
) -> Result<&'a mut [u8], Error> {
    if count > 0 && !ptr.is_null() && !ptr.is_aligned() {
        return Err(Error::invalid(format!(
            "{what} is not aligned for its element type"
        )));
    }
    let bytes = count
        .checked_mul(elem_size)
        .ok_or_else(|| Error::invalid(format!("{what}: {count} items do not fit in memory")))?;
    // SAFETY: the caller's contract, for `bytes` bytes.
    unsafe { ptr_args::slice_mut(ptr.cast::<u8>(), bytes, what) }
}
