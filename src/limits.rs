//! Limits every ring family shares: `SPILL_RING_MAX_CAPACITY`,
//! `SPILL_RING_MAX_ELEM_SIZE` and `SPILL_RING_ALIGN`.

/// The largest capacity a ring may have. Capacities must be powers of two
/// from 1 to this value.
pub const SPILL_RING_MAX_CAPACITY: usize = 1048576;

/// The largest element a bytes ring (`spill_ring_bytes`) may hold, in bytes.
pub const SPILL_RING_MAX_ELEM_SIZE: usize = 4096;

/// The alignment, in bytes, of the memory a caller passes to a `*_init`
/// function (a cache line).
pub const SPILL_RING_ALIGN: usize = 64;

const _: () = assert!(SPILL_RING_MAX_CAPACITY == spill_ring_core::MAX_CAPACITY);
const _: () = assert!(SPILL_RING_MAX_ELEM_SIZE.is_power_of_two());
const _: () = assert!(SPILL_RING_ALIGN.is_power_of_two());
