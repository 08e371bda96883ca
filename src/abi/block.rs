//! The one block of memory a handle lives in: its layout (a head struct
//! followed by cache-line-aligned regions), heap allocation for `*_new`,
//! and the checks on caller memory for `*_init`.

use core::ffi::c_void;
use core::ptr::NonNull;
use std::alloc::Layout;

use crate::abi::last_error::Error;
use crate::abi::limits::SPILL_RING_ALIGN;
use crate::abi::status::spill_status;

/// Where the parts of a block go. Every region starts on a
/// `SPILL_RING_ALIGN` boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BlockLayout {
    size: usize,
}

impl BlockLayout {
    /// A block that starts with a `H`.
    pub(crate) fn starting_with<H>() -> Self {
        const { assert!(core::mem::align_of::<H>() <= SPILL_RING_ALIGN) };
        BlockLayout {
            size: core::mem::size_of::<H>(),
        }
    }

    /// Appends a region of `bytes` bytes and returns its offset.
    pub(crate) fn region(&mut self, bytes: usize) -> Result<usize, Error> {
        let offset = self
            .size
            .checked_next_multiple_of(SPILL_RING_ALIGN)
            .ok_or_else(too_large)?;
        self.size = offset.checked_add(bytes).ok_or_else(too_large)?;
        if self.size > isize::MAX as usize - SPILL_RING_ALIGN {
            return Err(too_large());
        }
        Ok(offset)
    }

    /// Appends a region of `count` items of `T` and returns its offset.
    pub(crate) fn array<T>(&mut self, count: usize) -> Result<usize, Error> {
        const { assert!(core::mem::align_of::<T>() <= SPILL_RING_ALIGN) };
        let bytes = count
            .checked_mul(core::mem::size_of::<T>())
            .ok_or_else(too_large)?;
        self.region(bytes)
    }

    /// The block's size in bytes.
    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// The allocation layout of the block.
    pub(crate) fn layout(&self) -> Layout {
        Layout::from_size_align(self.size, SPILL_RING_ALIGN)
            .expect("region() keeps the size below isize::MAX")
    }
}

fn too_large() -> Error {
    Error::invalid("the ring would not fit in the address space".to_owned())
}

/// Allocates a block for `layout` (never zero-sized: it holds at least a
/// handle).
pub(crate) fn allocate(layout: BlockLayout) -> Result<(NonNull<u8>, Layout), Error> {
    let layout = layout.layout();
    assert!(layout.size() > 0, "a block holds at least a handle");
    // SAFETY: the layout has a non-zero size.
    let mem = unsafe { std::alloc::alloc(layout) };
    match NonNull::new(mem) {
        Some(mem) => Ok((mem, layout)),
        None => Err(Error::new(
            spill_status::SPILL_OUT_OF_MEMORY,
            format!("could not allocate {} bytes", layout.size()),
        )),
    }
}

/// Frees a block from [`allocate`].
///
/// # Safety
///
/// `mem` came from `allocate` with this `layout` and is freed once.
pub(crate) unsafe fn deallocate(mem: NonNull<u8>, layout: Layout) {
    // SAFETY: the caller's contract.
    unsafe { std::alloc::dealloc(mem.as_ptr(), layout) }
}

/// Checks the memory a caller offers to an `*_init` call.
pub(crate) fn caller_memory(
    mem: *mut c_void,
    mem_size: usize,
    layout: BlockLayout,
) -> Result<NonNull<u8>, Error> {
    let Some(mem) = NonNull::new(mem.cast::<u8>()) else {
        return Err(Error::null("mem"));
    };
    if (mem.as_ptr() as usize) % SPILL_RING_ALIGN != 0 {
        return Err(Error::invalid(format!(
            "mem ({:p}) is not aligned to SPILL_RING_ALIGN ({SPILL_RING_ALIGN} bytes)",
            mem.as_ptr()
        )));
    }
    if mem_size < layout.size() {
        return Err(Error::invalid(format!(
            "mem_size {mem_size} is too small: this ring needs {} bytes (see the memsize call)",
            layout.size()
        )));
    }
    Ok(mem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_aligned_and_sized() {
        let mut layout = BlockLayout::starting_with::<[u8; 10]>();
        assert_eq!(layout.region(3).unwrap(), 64);
        assert_eq!(layout.array::<u64>(10).unwrap(), 128);
        assert_eq!(layout.size(), 208);
        assert!(layout.region(usize::MAX).is_err());
    }

    #[test]
    fn caller_memory_is_checked() {
        let layout = BlockLayout::starting_with::<[u8; 100]>();
        let err = caller_memory(core::ptr::null_mut(), 100, layout).unwrap_err();
        assert_eq!(err.status, spill_status::SPILL_NULL_ARGUMENT);
        let mut buf = vec![0u64; 64];
        let aligned = buf
            .as_mut_ptr()
            .cast::<u8>()
            .wrapping_add(buf.as_ptr().cast::<u8>().align_offset(SPILL_RING_ALIGN));
        assert!(caller_memory(aligned.cast(), 100, layout).is_ok());
        let err = caller_memory(aligned.cast(), 99, layout).unwrap_err();
        assert!(err.message().contains("too small"), "{}", err.message());
        let err = caller_memory(aligned.wrapping_add(8).cast(), 100, layout).unwrap_err();
        assert!(err.message().contains("aligned"), "{}", err.message());
    }
}
