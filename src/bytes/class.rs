//! Size classes of the bytes family: an element of `elem_size` bytes lives
//! in a `[u8; K]` slot, `K` the smallest power of two that holds it (1 to
//! 4096). Sizes that are powers of two (8, 16, ..., 256 among them) use
//! their own class exactly; others are padded and pay for staging and
//! scratch space (see [`BytesRing`]).

use core::ptr::NonNull;

use spill_ring_core::{check_capacity, RawStorage, Ring};

use super::bytes_ring::{BytesOps, BytesRing};
use super::packing::PackingSpout;
use crate::block::BlockLayout;
use crate::c_spout::CSpout;
use crate::last_error::Error;
use crate::limits::SPILL_RING_MAX_ELEM_SIZE;

/// One size class: `[u8; slot_size]` slots.
pub(crate) struct SizeClass {
    slot_size: usize,
    /// The size of the class's `BytesRing`.
    ring_size: usize,
    /// Builds the class's ring inside a block laid out by `plan`.
    build: unsafe fn(NonNull<u8>, &BytesPlan, CSpout) -> NonNull<dyn BytesOps>,
}

impl SizeClass {
    const fn of<const K: usize>() -> SizeClass {
        assert!(core::mem::align_of::<BytesRing<K>>() <= crate::limits::SPILL_RING_ALIGN);
        SizeClass {
            slot_size: K,
            ring_size: core::mem::size_of::<BytesRing<K>>(),
            build: build::<K>,
        }
    }
}

/// Every class, by log2 of its slot size.
static CLASSES: [SizeClass; 13] = [
    SizeClass::of::<1>(),
    SizeClass::of::<2>(),
    SizeClass::of::<4>(),
    SizeClass::of::<8>(),
    SizeClass::of::<16>(),
    SizeClass::of::<32>(),
    SizeClass::of::<64>(),
    SizeClass::of::<128>(),
    SizeClass::of::<256>(),
    SizeClass::of::<512>(),
    SizeClass::of::<1024>(),
    SizeClass::of::<2048>(),
    SizeClass::of::<4096>(),
];

const _: () = assert!(1 << (CLASSES.len() - 1) == SPILL_RING_MAX_ELEM_SIZE);

/// Where a bytes ring's parts go in its block.
pub(crate) struct BytesPlan {
    layout: BlockLayout,
    class: &'static SizeClass,
    elem_size: usize,
    capacity: usize,
    ring: usize,
    slots: usize,
    /// Offsets of the scratch and staging spaces (padded classes only).
    padding: Option<(usize, usize)>,
}

impl BytesPlan {
    /// Checks the parameters and lays out a block that starts with a `H`.
    pub(crate) fn new<H>(elem_size: usize, capacity: usize) -> Result<Self, Error> {
        if elem_size == 0 || elem_size > SPILL_RING_MAX_ELEM_SIZE {
            return Err(Error::invalid(format!(
                "elem_size {elem_size} is outside 1..={SPILL_RING_MAX_ELEM_SIZE}"
            )));
        }
        check_capacity(capacity).map_err(|e| Error::invalid(e.to_string()))?;
        let class = &CLASSES[elem_size.next_power_of_two().trailing_zeros() as usize];
        let mut layout = BlockLayout::starting_with::<H>();
        let ring = layout.region(class.ring_size)?;
        let slots = layout.region(capacity * class.slot_size)?;
        let padding = if elem_size == class.slot_size {
            None
        } else {
            let scratch = layout.region(capacity * elem_size)?;
            let staging = layout.region(capacity * class.slot_size)?;
            Some((scratch, staging))
        };
        Ok(BytesPlan {
            layout,
            class,
            elem_size,
            capacity,
            ring,
            slots,
            padding,
        })
    }

    /// The block layout.
    pub(crate) fn layout(&self) -> BlockLayout {
        self.layout
    }

    /// The element size.
    pub(crate) fn elem_size(&self) -> usize {
        self.elem_size
    }

    /// Builds the ring in `mem` and returns it.
    ///
    /// # Safety
    ///
    /// `mem` is aligned to `SPILL_RING_ALIGN`, valid for this plan's block
    /// size, and used by nothing else until the ring is dropped.
    pub(crate) unsafe fn build(&self, mem: NonNull<u8>, spout: CSpout) -> NonNull<dyn BytesOps> {
        // SAFETY: the caller's contract.
        unsafe { (self.class.build)(mem, self, spout) }
    }
}

/// [`SizeClass::build`] for the class of `K`-byte slots.
///
/// # Safety
///
/// As for [`BytesPlan::build`], with a plan of this class.
unsafe fn build<const K: usize>(
    mem: NonNull<u8>,
    plan: &BytesPlan,
    spout: CSpout,
) -> NonNull<dyn BytesOps> {
    debug_assert_eq!(plan.class.slot_size, K);
    // SAFETY: the plan put the slots region inside the block.
    let slots = unsafe { mem.add(plan.slots) }.cast::<[u8; K]>();
    // SAFETY: `capacity` slots of `K` bytes (alignment 1) in a region of
    // the block that only this ring uses.
    let storage = unsafe { RawStorage::from_raw_parts(slots, plan.capacity) }
        .expect("the plan checked the capacity");
    let (spout, staging) = match plan.padding {
        None => (PackingSpout::<K>::exact(spout), None),
        Some((scratch, staging)) => {
            // SAFETY: the scratch region holds `capacity` packed elements
            // and only this ring's spouts use it, one send at a time.
            let packing = unsafe {
                PackingSpout::<K>::padded(spout, plan.elem_size, mem.add(scratch), plan.capacity)
            };
            // SAFETY: the plan put the staging region inside the block.
            let staging = unsafe { mem.add(staging) }.cast::<[u8; K]>();
            (packing, Some(staging))
        }
    };
    let ring = Ring::from_parts(storage, spout, true);
    // SAFETY: `staging` is `capacity` slots only this ring uses, present
    // exactly for padded classes.
    let bytes_ring = unsafe { BytesRing::new(ring, spout, plan.elem_size, staging) };
    // SAFETY: the plan put the ring region inside the block.
    let at = unsafe { mem.add(plan.ring) }.cast::<BytesRing<K>>();
    // SAFETY: the ring region is aligned (cache line) and sized for a
    // `BytesRing<K>` (`ring_size`), and unused.
    unsafe { at.write(bytes_ring) };
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_hold_their_sizes() {
        for (i, class) in CLASSES.iter().enumerate() {
            assert_eq!(class.slot_size, 1 << i);
        }
        for (elem_size, slot) in [(1, 1), (3, 4), (8, 8), (24, 32), (100, 128), (4096, 4096)] {
            let plan = BytesPlan::new::<u64>(elem_size, 4).unwrap();
            assert_eq!(plan.class.slot_size, slot);
            assert_eq!(plan.padding.is_some(), elem_size != slot);
        }
        assert!(BytesPlan::new::<u64>(0, 4).is_err());
        assert!(BytesPlan::new::<u64>(4097, 4).is_err());
        assert!(BytesPlan::new::<u64>(8, 3).is_err());
    }
}
