//! Creating handles, the same way for every ring family: `*_new` (the
//! library allocates one block), `*_memsize` + `*_init` (the caller owns
//! the block, as with `rte_ring_get_memsize`/`rte_ring_init`), `*_free`.

use core::ffi::c_void;
use core::ptr::NonNull;

use crate::abi::block::{self, BlockLayout};
use crate::abi::entry;
use crate::abi::handle::{self, Opaque, Owner, Release};
use crate::abi::last_error::Error;
use crate::abi::ptr_args::Out;
use crate::abi::status::spill_status;
use crate::c_spout::{spill_spout, CSpout};

/// A handle type that lives in one block laid out from some parameters.
pub(crate) trait Family: Opaque {
    /// What the caller chooses (a capacity, an element size...).
    type Params: Copy;
    /// Where everything goes in the block, computed from the parameters.
    type Plan;

    /// Checks the parameters (and that `spout` fits them) and lays out the
    /// block.
    fn plan(params: Self::Params, spout: &CSpout) -> Result<Self::Plan, Error>;

    /// The block layout of a plan.
    fn layout(plan: &Self::Plan) -> BlockLayout;

    /// Builds the handle in `mem`.
    ///
    /// # Safety
    ///
    /// `mem` is aligned to `SPILL_RING_ALIGN`, valid for reads and writes of
    /// `layout(plan).size()` bytes, and unused until the handle is freed.
    unsafe fn build(mem: NonNull<u8>, plan: &Self::Plan, spout: CSpout, owner: Owner) -> *mut Self;
}

/// `*_create`: allocates and builds a handle, written to `*out`.
///
/// # Safety
///
/// `spout` is NULL or points to a valid `spill_spout`; `out` is NULL or
/// writable.
pub(crate) unsafe fn create<F: Family>(
    params: F::Params,
    spout: *const spill_spout,
    out: *mut *mut F,
) -> spill_status {
    // SAFETY: the caller's contract.
    let out = unsafe { Out::required(out, "out_ring") };
    entry::create(out, || {
        // SAFETY: the caller's contract.
        let spout = unsafe { CSpout::optional(spout)? };
        let plan = F::plan(params, &spout)?;
        let (mem, layout) = block::allocate(F::layout(&plan))?;
        // SAFETY: a fresh block of the plan's layout, aligned to
        // SPILL_RING_ALIGN; the handle owns it from now on.
        Ok(unsafe { F::build(mem, &plan, spout, Owner::Library(layout)) })
    })
}

/// Allocates a block holding only a handle around `payload` (handles
/// whose parts own their memory: file spouts, MPSC rings, pools).
pub(crate) fn allocate<F: Opaque>(payload: F::Payload) -> Result<*mut F, Error> {
    let (mem, layout) = block::allocate(BlockLayout::starting_with::<F>())?;
    // SAFETY: a fresh block with room for `F` at its start, aligned to
    // SPILL_RING_ALIGN; the handle owns it from now on.
    Ok(unsafe { handle::emplace::<F>(mem, payload, Owner::Library(layout)) })
}

/// `*_memsize`: how many bytes `*_init` needs.
///
/// # Safety
///
/// `out_size` is NULL or valid for a write.
pub(crate) unsafe fn memsize<F: Family>(params: F::Params, out_size: *mut usize) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::required(out_size, "out_size")? };
        out.write(0);
        let plan = F::plan(params, &CSpout::DROP)?;
        out.write(F::layout(&plan).size());
        Ok(())
    })
}

/// `*_init`: builds a handle in the caller's memory.
///
/// # Safety
///
/// `mem` is NULL or valid for `mem_size` bytes until the handle is freed;
/// `spout` is NULL or valid; `out` is NULL or valid for a write.
pub(crate) unsafe fn init<F: Family>(
    mem: *mut c_void,
    mem_size: usize,
    params: F::Params,
    spout: *const spill_spout,
    out: *mut *mut F,
) -> spill_status {
    entry::status(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { Out::required(out, "out_ring")? };
        out.write(core::ptr::null_mut());
        // Pointer arguments first (the header's order): a NULL `mem` wins.
        if mem.is_null() {
            return Err(Error::null("mem"));
        }
        // SAFETY: the caller's contract.
        let spout = unsafe { CSpout::optional(spout)? };
        let plan = F::plan(params, &spout)?;
        let mem = block::caller_memory(mem, mem_size, F::layout(&plan))?;
        // SAFETY: `caller_memory` checked alignment and size; the caller
        // gives the block to the handle until it is freed.
        out.write(unsafe { F::build(mem, &plan, spout, Owner::Caller) });
        Ok(())
    })
}

/// `*_free`: releases remaining items, drops the handle and frees its
/// block if the library allocated it. NULL does nothing.
///
/// # Safety
///
/// `this` is NULL or a handle that is not used again once freed.
pub(crate) unsafe fn free<F: Opaque>(this: *mut F) -> spill_status
where
    F::Payload: Release,
{
    // SAFETY: the caller's contract.
    entry::status(|| unsafe { handle::free(this) })
}
