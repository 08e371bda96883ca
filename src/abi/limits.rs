//! The documented maximum of every count a caller passes: capacities,
//! element sizes, producers, workers; and `SPILL_RING_ALIGN`.

use crate::abi::last_error::Error;

/// The largest capacity a ring may have. Capacities must be powers of two
/// from 1 to this value.
pub const SPILL_RING_MAX_CAPACITY: usize = 1048576;

/// The largest element a bytes ring (`spill_ring_bytes`) may hold, in bytes.
pub const SPILL_RING_MAX_ELEM_SIZE: usize = 4096;

/// The most producers an MPSC set (`spill_mpsc_*`) may have.
pub const SPILL_MPSC_MAX_PRODUCERS: usize = 4096;

/// The most producers a concurrent MPSC (`spill_cmpsc_*`) may be created
/// for (registered at once).
pub const SPILL_CMPSC_MAX_PRODUCERS: usize = 1024;

/// The most slots a concurrent MPSC (`spill_cmpsc_*`) may have over all its
/// lanes: `max_producers * (capacity + hold)`. Each slot costs its element
/// plus about 12 bytes of bookkeeping written at creation, so this keeps
/// what a creation touches to about 200 MB, whatever the element size.
pub const SPILL_CMPSC_MAX_TOTAL_SLOTS: usize = 1 << 24;

/// Waiting calls (`*_push_wait`) given this timeout wait for as long as it
/// takes (until there is room or the ring is closed).
pub const SPILL_WAIT_FOREVER: u64 = u64::MAX;

/// Flag of the concurrent rings' constructors: the consumer wakes a
/// producer parked in a waiting push as soon as it makes room (costs the
/// consumer a full fence per claim). Without it a waiting producer polls
/// every 50 microseconds.
pub const SPILL_WAKING: u32 = 1;

/// The most worker threads a pool (`spill_pool_*`) may have; a merge may
/// use at most as many mergers as the pool has workers.
pub const SPILL_POOL_MAX_WORKERS: usize = 1024;

/// Checks a count the caller chose against its documented range.
pub(crate) fn check_count(
    what: &str,
    count: usize,
    max: usize,
    max_name: &str,
) -> Result<(), Error> {
    if count == 0 || count > max {
        return Err(Error::invalid(format!(
            "{what} is {count}: it must be in 1..={max} ({max_name})"
        )));
    }
    Ok(())
}

/// The alignment, in bytes, of the memory a caller passes to a `*_init`
/// function (a cache line).
pub const SPILL_RING_ALIGN: usize = 64;

const _: () = assert!(SPILL_RING_MAX_CAPACITY == spill_ring_core::MAX_CAPACITY);
const _: () = assert!(SPILL_RING_MAX_ELEM_SIZE.is_power_of_two());
const _: () = assert!(SPILL_RING_ALIGN.is_power_of_two());
const _: () =
    assert!(SPILL_CMPSC_MAX_PRODUCERS == spill_ring_core::concurrent::mpsc::MAX_PRODUCERS);
const _: () =
    assert!(SPILL_RING_MAX_ELEM_SIZE == spill_ring_core::concurrent::spsc::raw::MAX_ELEM_SIZE);
const _: () = assert!(SPILL_RING_ALIGN == spill_ring_core::concurrent::spsc::raw::RAW_ALIGN);
