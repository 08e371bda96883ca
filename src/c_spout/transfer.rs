//! How items leave a ring for its spout on flush and free: the one rule
//! every family follows.

use crate::abi::last_error::Error;
use crate::abi::outcome::Counted;
use crate::c_spout::CSpout;

/// What [`flush`] and [`release`] need of a ring, whatever it stores.
pub(crate) trait Batches {
    /// How many items it holds.
    fn held(&self) -> usize;
    /// Sends every item to `dst` in batches split only at the storage's
    /// wrap point, oldest first, stopping at the first refused batch; each
    /// accepted batch leaves the ring.
    fn send_all(&self, dst: &mut CSpout) -> Counted;
    /// Drops every item.
    fn discard_all(&self);
}

/// Sends every item to `spout` (a copy of the ring's own) with
/// [`Batches::send_all`] (the refused batch and the items after it stay in
/// the ring), then calls the spout's flush once, whether or not a batch was
/// refused. The count is how many items left the ring.
pub(crate) fn flush(ring: &impl Batches, mut spout: CSpout) -> Counted {
    let mut done = ring.send_all(&mut spout);
    let flushed = spout.flush_raw().map_err(Error::from);
    if done.result.is_ok() {
        done.result = flushed;
    }
    done
}

/// What freeing a ring does with its items: [`flush`], then the items the
/// spout refused (the refused batch and any after it) are dropped, never
/// offered again, and the error says how many were lost.
pub(crate) fn release(ring: &impl Batches, spout: CSpout) -> Result<(), Error> {
    let total = ring.held();
    let done = flush(ring, spout);
    let lost = ring.held();
    ring.discard_all();
    done.result.map_err(|error| error.with_loss(lost, total))
}
