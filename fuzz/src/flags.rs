//! Contract checks that can be switched off one by one while the library
//! does not implement them yet. Every flag is `true` when the check follows
//! the documented contract; a `false` flag is a known, reported gap.

/// Spout flush callbacks also probe the ring (reads as after the sends,
/// mutating calls SPILL_BUSY): a flush callback is a spout call.
pub const PROBE_IN_FLUSH_CALLBACK: bool = true;

/// The sink of `_drain` probes the drained ring with reads (pure reads are
/// allowed; the items being offered are still counted).
pub const PROBE_IN_DRAIN: bool = true;

/// `_clear` moves the storage's head past the cleared items (it discards
/// them as pops would), so later batches split where the model says.
pub const CLEAR_KEEPS_POSITION: bool = true;

/// `_memsize` of a bytes ring is `capacity * elem_size` plus one fixed
/// header (exact stride).
pub const EXACT_MEMSIZE: bool = true;

/// A failing `_free` names in its message how many items were lost.
pub const FREE_MESSAGE_COUNTS_LOST: bool = true;

/// Creating a ring whose spout is another ring's `_as_spout` with a
/// different element size is refused (SPILL_INVALID_ARGUMENT): the contract
/// says so for bytes rings; the library also refuses a u64 ring feeding a
/// bytes ring of another size and the reverse. While false, such chains are
/// not generated (they overflowed the heap).
pub const REFUSE_MISMATCHED_CHAIN: bool = true;

/// The handle is checked before the pointer arguments: a dead handle with a
/// NULL `out_popped` (pop_bulk) or `dst` (drain) is
/// SPILL_INVALID_ARGUMENT. While false, those pairs are not generated.
pub const HANDLE_CHECKED_BEFORE_POINTERS: bool = true;

/// `_peek` is allowed from inside the ring's own spout (it returns the
/// oldest item still in the ring). While false, spouts do not peek.
pub const PEEK_INSIDE_SPOUT: bool = false;

/// `_free` returns SPILL_SPOUT_FAILED when the spout's flush failed (even
/// if every item was delivered). While false, a free whose only failure is
/// the flush may also return SPILL_OK.
pub const FREE_REPORTS_FLUSH_FAILURE: bool = true;

/// `_free` never offers refused items again (they are lost). While false,
/// the fuzzer frees only empty rings before the teardown (where every
/// spout accepts).
pub const FREE_DOES_NOT_REOFFER: bool = true;

/// Spouts called by `_free` may still probe the ring being freed: it is
/// released only after its sends and its flush callback, so reads answer
/// and mutating calls return SPILL_BUSY. While false, spouts do not probe
/// during a free.
pub const PROBE_INSIDE_FREE: bool = true;

/// `_init` checks its pointer arguments before the others: a NULL `mem` is
/// SPILL_NULL_ARGUMENT even when the capacity, element size or spout is also
/// bad (as a NULL `out_ring` already is, and `_create`'s). While false, a
/// NULL `mem` with another bad argument may also give
/// SPILL_INVALID_ARGUMENT.
pub const INIT_MEM_CHECKED_FIRST: bool = true;
