//! What a call did, for the calls that report more than a status: the
//! count of items a batch call completed, and the fixed errors callers
//! poll for (EMPTY, FULL).

use spill_ring_core::BatchError;

use crate::abi::last_error::Error;
use crate::abi::ptr_args::{write_opt, Out};
use crate::abi::status::spill_status;

/// The error of a pop or peek on an empty ring.
pub(crate) const EMPTY: Error = Error::fixed(spill_status::SPILL_EMPTY, "the ring is empty");
/// The error of a try_push on a full ring.
pub(crate) const FULL: Error = Error::fixed(spill_status::SPILL_FULL, "the ring is full");

/// What a batch call did: how many items it completed, and whether it
/// failed after that.
pub(crate) struct Counted {
    /// Items completed (taken, popped, sent), also on failure.
    pub(crate) count: usize,
    /// The failure, if any.
    pub(crate) result: Result<(), Error>,
}

impl Counted {
    /// Writes the count through `out` (if any) and returns the failure.
    pub(crate) fn report(self, out: &Option<Out<usize>>) -> Result<(), Error> {
        write_opt(out, self.count);
        self.result
    }

    pub(crate) fn of<E: Into<Error>>(total: usize, result: Result<(), BatchError<E>>) -> Self {
        match result {
            Ok(()) => Counted {
                count: total,
                result: Ok(()),
            },
            Err(e) => Counted {
                count: e.completed,
                result: Err(e.error.into()),
            },
        }
    }
}
