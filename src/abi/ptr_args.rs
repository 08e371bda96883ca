//! Checks on pointer arguments from C: NULL, alignment, and sizes that fit
//! the address space, turned into slices and out-pointers.

use core::ptr::NonNull;

use crate::abi::last_error::Error;

/// An out-pointer that was checked (not NULL, aligned).
#[derive(Debug)]
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Checks an out-pointer the caller must pass.
    ///
    /// # Safety
    ///
    /// `ptr` is NULL or valid for a write of `T` for as long as the result
    /// is used.
    pub(crate) unsafe fn required(ptr: *mut T, what: &str) -> Result<Out<T>, Error> {
        // SAFETY: the caller's contract.
        unsafe { Out::new(ptr) }.ok_or_else(|| {
            if ptr.is_null() {
                Error::null(what)
            } else {
                misaligned(what)
            }
        })
    }

    /// The rule behind [`required`](Out::required), without the error: the
    /// out-pointer if it is usable (not NULL, aligned).
    ///
    /// # Safety
    ///
    /// As for [`required`](Out::required).
    #[inline(always)]
    pub(crate) unsafe fn new(ptr: *mut T) -> Option<Out<T>> {
        NonNull::new(ptr)
            .filter(|p| p.as_ptr().is_aligned())
            .map(Out)
    }

    /// Checks an out-pointer the caller may leave NULL.
    ///
    /// # Safety
    ///
    /// As for [`required`](Out::required).
    pub(crate) unsafe fn optional(ptr: *mut T, what: &str) -> Result<Option<Out<T>>, Error> {
        if ptr.is_null() {
            Ok(None)
        } else {
            // SAFETY: the caller's contract.
            unsafe { Out::required(ptr, what) }.map(Some)
        }
    }

    /// Writes `value`.
    pub(crate) fn write(&self, value: T) {
        // SAFETY: checked non-NULL and aligned; the constructor's caller
        // promised it writable.
        unsafe { self.0.as_ptr().write(value) }
    }
}

impl Out<usize> {
    /// Checks an optional count out-pointer and sets it to 0 up front, so the
    /// count the caller reads is meaningful on every return, failures
    /// included.
    ///
    /// # Safety
    ///
    /// As for [`required`](Out::required).
    pub(crate) unsafe fn count(ptr: *mut usize, what: &str) -> Result<Option<Out<usize>>, Error> {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::optional(ptr, what)? };
        write_opt(&out, 0);
        Ok(out)
    }
}

/// Refuses an out-pointer a call requires but checks late (after its
/// handle), having zeroed it early with [`Out::count`].
pub(crate) fn require<T>(out: &Option<Out<T>>, what: &str) -> Result<(), Error> {
    match out {
        Some(_) => Ok(()),
        None => Err(Error::null(what)),
    }
}

/// Writes `value` through an optional out-pointer.
pub(crate) fn write_opt<T>(out: &Option<Out<T>>, value: T) {
    if let Some(out) = out {
        out.write(value);
    }
}

fn misaligned(what: &str) -> Error {
    Error::invalid(format!("{what} is not aligned for its element type"))
}

/// Checks that `count` items of `T` at `ptr` form a valid slice region.
fn check_region<T>(ptr: *const T, count: usize, what: &str) -> Result<(), Error> {
    if ptr.is_null() {
        return Err(Error::null(what));
    }
    if !ptr.is_aligned() {
        return Err(misaligned(what));
    }
    match count.checked_mul(core::mem::size_of::<T>()) {
        Some(bytes) if bytes <= isize::MAX as usize => Ok(()),
        _ => Err(Error::invalid(format!(
            "{what}: {count} items do not fit in the address space"
        ))),
    }
}

/// `count` items at `ptr` as a slice; NULL is allowed when `count` is 0.
///
/// # Safety
///
/// When `count > 0`, `ptr` is NULL or points to `count` initialised items
/// that stay valid and unchanged while the slice lives.
pub(crate) unsafe fn slice<'a, T>(
    ptr: *const T,
    count: usize,
    what: &str,
) -> Result<&'a [T], Error> {
    if count == 0 {
        return Ok(&[]);
    }
    check_region(ptr, count, what)?;
    // SAFETY: checked non-NULL, aligned and in range; the caller promised
    // the items valid.
    Ok(unsafe { core::slice::from_raw_parts(ptr, count) })
}

/// `count` writable items at `ptr` as a slice; NULL is allowed when
/// `count` is 0.
///
/// # Safety
///
/// When `count > 0`, `ptr` is NULL or points to `count` items of plain
/// data (any bit pattern valid) that nothing else accesses while the slice
/// lives.
pub(crate) unsafe fn slice_mut<'a, T>(
    ptr: *mut T,
    count: usize,
    what: &str,
) -> Result<&'a mut [T], Error> {
    if count == 0 {
        return Ok(&mut []);
    }
    check_region(ptr, count, what)?;
    // SAFETY: checked non-NULL, aligned and in range; the caller promised
    // exclusive access to valid items.
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, count) })
}

#[cfg(test)]
mod tests {
    use super::Out;

    /// Whether `Out::<T>::new` accepts the address `addr` (never written).
    fn accepts<T>(addr: usize) -> bool {
        // SAFETY: `new` only inspects the address; nothing is written.
        unsafe { Out::<T>::new(core::ptr::without_provenance_mut(addr)) }.is_some()
    }

    #[test]
    fn out_pointers_must_be_non_null_and_aligned() {
        for addr in [0, 1, 4, 7, 9, usize::MAX, usize::MAX - 7 + 1] {
            assert!(!accepts::<u64>(addr), "u64 at {addr:#x}");
        }
        for addr in [8, 16, 4096, usize::MAX - 7, 1 << 63] {
            assert!(accepts::<u64>(addr), "u64 at {addr:#x}");
        }
        assert!(!accepts::<u8>(0));
        for addr in [1, 2, 3, usize::MAX] {
            assert!(accepts::<u8>(addr), "u8 at {addr:#x}");
        }
        assert!(!accepts::<u16>(0) && !accepts::<u16>(3) && !accepts::<u16>(usize::MAX));
        assert!(accepts::<u16>(2) && accepts::<u16>(usize::MAX - 1));
        // A zero-sized or byte-aligned type: only NULL is refused.
        assert!(!accepts::<()>(0) && accepts::<()>(1));
    }
}
