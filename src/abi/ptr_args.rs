//! Checks on pointer arguments from C: NULL, alignment, and sizes that fit
//! the address space, turned into slices and out-pointers. Arrays must be
//! aligned for their element type (they become slices); a pointer to one
//! value written back may have any alignment (it is written unaligned,
//! which costs nothing on the targets we build for).

use core::ptr::NonNull;

use crate::abi::last_error::Error;

/// An out-pointer to one value that was checked (not NULL); it may have
/// any alignment.
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
        unsafe { Out::new(ptr) }.ok_or_else(|| Error::null(what))
    }

    /// The rule behind [`required`](Out::required), without the error: the
    /// out-pointer if it is usable (not NULL).
    ///
    /// # Safety
    ///
    /// As for [`required`](Out::required).
    #[inline(always)]
    pub(crate) unsafe fn new(ptr: *mut T) -> Option<Out<T>> {
        NonNull::new(ptr).map(Out)
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
        // SAFETY: checked non-NULL; the constructor's caller promised it
        // writable for a `T`; the write makes no assumption on alignment.
        unsafe { self.0.as_ptr().write_unaligned(value) }
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
    fn out_pointers_must_be_non_null_and_may_have_any_alignment() {
        for addr in [1, 4, 7, 8, 9, 4096, usize::MAX - 7, usize::MAX, 1 << 63] {
            assert!(accepts::<u64>(addr), "u64 at {addr:#x}");
            assert!(accepts::<u16>(addr), "u16 at {addr:#x}");
        }
        assert!(!accepts::<u64>(0) && !accepts::<u8>(0) && !accepts::<()>(0));
    }

    #[test]
    fn a_misaligned_out_pointer_is_written_whole() {
        let mut buf = [0u8; 17];
        for offset in 0..8 {
            buf.fill(0);
            let ptr = buf[offset..].as_mut_ptr().cast::<u64>();
            // SAFETY: the buffer has room for a u64 at `offset`.
            let out = unsafe { Out::new(ptr) }.expect("not NULL");
            out.write(0x0102_0304_0506_0708);
            let written = u64::from_ne_bytes(buf[offset..offset + 8].try_into().unwrap());
            assert_eq!(written, 0x0102_0304_0506_0708, "offset {offset}");
            assert!(buf[..offset].iter().all(|&b| b == 0), "offset {offset}");
            assert!(buf[offset + 8..].iter().all(|&b| b == 0), "offset {offset}");
        }
    }
}
