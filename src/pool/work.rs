//! Whether this thread is running a C work function: pool and collector
//! calls refuse to run there (pool calls would wait for the round that is
//! running them; collectors belong to the thread that drives the pool).

use std::cell::Cell;

use crate::abi::last_error::Error;
use crate::abi::status::spill_status;

thread_local! {
    /// Set on a worker thread while it runs a C work function.
    static IN_WORK: Cell<bool> = const { Cell::new(false) };
}

/// Marks this thread as running a work function.
pub(crate) fn enter() {
    IN_WORK.with(|w| w.set(true));
}

/// Clears the mark [`enter`] set.
pub(crate) fn leave() {
    IN_WORK.with(|w| w.set(false));
}

/// Refuses pool and collector calls from inside a work function.
pub(crate) fn not_in_work() -> Result<(), Error> {
    if IN_WORK.with(Cell::get) {
        return Err(Error::new(
            spill_status::SPILL_BUSY,
            "pool and collector calls cannot be made from inside a work function".to_owned(),
        ));
    }
    Ok(())
}
