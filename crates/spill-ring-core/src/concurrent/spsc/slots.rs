//! The physical slots of an SPSC ring: one raw allocation of slots at a
//! run-time stride and alignment, made fallibly.
//!
//! A typed ring's slots are `T`s ([`SlotLayout::of`]: stride `size_of::<T>()`,
//! nothing allocated for a zero-sized `T`); a raw ring's are `elem_size`
//! bytes at stride `elem_size` from a base aligned to 64 bytes
//! ([`SlotLayout::bytes`]), laid out as a C array of `elem_size`-byte
//! structs would be.

use core::alloc::Layout;
use core::ptr::NonNull;

use crate::concurrent::BuildError;
use crate::CapacityError;

/// The shape of one slot.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SlotLayout {
    /// The distance between two slots, in bytes (the element's size).
    stride: usize,
    /// The alignment of the first slot (so of every slot, since the stride
    /// is a multiple of it for a typed slot, and the raw layer documents
    /// the rest).
    align: usize,
    /// The address used when nothing is allocated (zero-sized slots):
    /// non-null and aligned.
    dangling: NonNull<u8>,
}

impl SlotLayout {
    /// Slots holding one `T` each.
    pub(crate) const fn of<T>() -> Self {
        SlotLayout {
            stride: core::mem::size_of::<T>(),
            align: core::mem::align_of::<T>(),
            dangling: NonNull::<T>::dangling().cast(),
        }
    }

    /// Slots of `elem_size` bytes from a base aligned to `align` (a power
    /// of two); `elem_size` is checked by the caller (at least 1).
    pub(crate) const fn bytes(elem_size: usize, align: usize) -> Self {
        SlotLayout {
            stride: elem_size,
            align,
            dangling: NonNull::<u8>::dangling(),
        }
    }
}

/// `count` slots of one [`SlotLayout`], freed on drop.
pub(crate) struct Slots {
    /// The first slot.
    base: NonNull<u8>,
    /// The distance between slots, in bytes.
    stride: usize,
    /// What was allocated; `None` when nothing was (a zero size).
    layout: Option<Layout>,
}

impl Slots {
    /// Allocates `count` slots (uninitialized). `capacity` is the ring's,
    /// for the error: an allocation larger than the address space allows is
    /// [`CapacityError::OutOfMemory`]; an allocator failure is
    /// [`BuildError::OutOfMemory`].
    pub(crate) fn new(count: usize, slot: SlotLayout, capacity: usize) -> Result<Self, BuildError> {
        let too_large = BuildError::Capacity(CapacityError::OutOfMemory(capacity));
        let size = count.checked_mul(slot.stride).ok_or(too_large)?;
        let layout = Layout::from_size_align(size, slot.align).map_err(|_| too_large)?;
        if size == 0 {
            return Ok(Slots {
                base: slot.dangling,
                stride: slot.stride,
                layout: None,
            });
        }
        // SAFETY: the layout has a non-zero size.
        let raw = unsafe { std::alloc::alloc(layout) };
        let base = NonNull::new(raw).ok_or(BuildError::OutOfMemory)?;
        Ok(Slots {
            base,
            stride: slot.stride,
            layout: Some(layout),
        })
    }

    /// The stride (the element size), in bytes.
    #[inline(always)]
    pub(crate) fn stride(&self) -> usize {
        self.stride
    }

    /// The address of slot `at`, for slots of `T`s ([`SlotLayout::of`]) or
    /// of raw bytes (`T = u8`, [`SlotLayout::bytes`]). A `T` of any size but
    /// one byte can only be a typed slot, whose stride is `size_of::<T>()`:
    /// a constant, so a typed push multiplies by nothing it must load.
    ///
    /// # Safety
    ///
    /// `at` must be below the `count` the slots were allocated with, and
    /// the slots made for `T` (as above).
    #[inline(always)]
    pub(crate) unsafe fn get<T>(&self, at: usize) -> *mut u8 {
        let stride = if core::mem::size_of::<T>() == 1 {
            self.stride
        } else {
            debug_assert_eq!(self.stride, core::mem::size_of::<T>());
            core::mem::size_of::<T>()
        };
        // SAFETY: `at < count` (the caller's promise), so the offset stays
        // inside the allocation (or is zero, for zero-sized slots), and
        // `count * stride` did not overflow when allocating.
        unsafe { self.base.as_ptr().add(at * stride) }
    }
}

impl Drop for Slots {
    fn drop(&mut self) {
        if let Some(layout) = self.layout {
            // SAFETY: `base` came from `alloc` with this very layout and is
            // freed once, here.
            unsafe { std::alloc::dealloc(self.base.as_ptr(), layout) }
        }
    }
}

/// A boxed slice of `n` values made by `f`, allocated fallibly.
pub(crate) fn try_boxed<X>(n: usize, f: impl FnMut(usize) -> X) -> Result<Box<[X]>, BuildError> {
    let mut vec = try_vec(n)?;
    vec.extend((0..n).map(f));
    Ok(vec.into_boxed_slice())
}

/// An empty vector with room for exactly `n`, allocated fallibly.
pub(crate) fn try_vec<X>(n: usize) -> Result<Vec<X>, BuildError> {
    let mut vec = Vec::new();
    vec.try_reserve_exact(n)
        .map_err(|_| BuildError::OutOfMemory)?;
    Ok(vec)
}
