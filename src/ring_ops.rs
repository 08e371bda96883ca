//! The ring operations behind every family's calls, written once over the
//! core's checked operations: a spout that refuses leaves the ring
//! unchanged (single push) or loses nothing (batches), and the error says
//! how far a batch got.

use spill_ring_core::{BatchError, Ring, Storage};
use spout::Spout;

use crate::c_spout::{CSpout, SpoutRefused};
use crate::last_error::Error;
use crate::ptr_args::{write_opt, Out};
use crate::status::spill_status;

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

    fn of<E: Into<Error>>(total: usize, result: Result<(), BatchError<E>>) -> Self {
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

/// Pushes `item`, evicting the oldest item to the spout when full; if the
/// spout refuses it, the ring is unchanged.
#[inline(always)]
pub(crate) fn push<T, B, S>(ring: &Ring<T, B, S>, item: T) -> Result<(), Error>
where
    T: Copy,
    B: Storage<T>,
    S: Spout<T, Error = SpoutRefused>,
{
    ring.checked_push(item)
        .map_err(|refused| refused.error.into())
}

/// Pushes the item `item` makes if that calls no spout: when the ring has
/// room, or when it is full and its spout drops what it gets
/// (`spout_drops`), in which case the oldest item is evicted in place and
/// dropped here. Returns `false`, the ring unchanged and `item` not called,
/// when the push needs the spout. (`try_push` without eviction is
/// `spout_drops == false`.)
#[inline(always)]
pub(crate) fn push_without_spout<T: Copy, B: Storage<T>, S: Spout<T>>(
    ring: &mut Ring<T, B, S>,
    item: impl FnOnce() -> T,
    spout_drops: bool,
) -> bool {
    if ring.is_full() && !spout_drops {
        return false;
    }
    // The spout would drop the evicted item (a `Copy` item, nothing to run):
    // letting it go here is the same.
    let _ = ring.push_overwrite(item());
    true
}

/// Pops the oldest item into `out` if the ring holds one and `out` is a
/// usable pointer (see [`Out::new`]); `false`, the ring unchanged,
/// otherwise.
///
/// # Safety
///
/// `out` is NULL or valid for a write of `T`.
#[inline(always)]
pub(crate) unsafe fn pop_into<T: Copy, B: Storage<T>, S: Spout<T>>(
    ring: &mut Ring<T, B, S>,
    out: *mut T,
) -> bool {
    // SAFETY: the caller's contract.
    let Some(out) = (unsafe { Out::new(out) }) else {
        return false;
    };
    match ring.pop_mut() {
        Some(item) => {
            out.write(item);
            true
        }
        None => false,
    }
}

/// Pushes `item` only if there is room.
#[inline(always)]
pub(crate) fn try_push<T, B: Storage<T>, S: Spout<T>>(
    ring: &Ring<T, B, S>,
    item: T,
) -> Result<(), Error> {
    ring.try_push(item).map_err(|_| FULL)
}

/// Pushes every item of `items` (at most two copies); what cannot fit
/// goes to the spout oldest first. All-or-nothing for `items`: on failure
/// none of them was taken.
pub(crate) fn push_slice<T, B, S>(ring: &Ring<T, B, S>, items: &[T]) -> Counted
where
    T: Copy,
    B: Storage<T>,
    S: Spout<T, Error = SpoutRefused>,
{
    Counted::of(items.len(), ring.checked_push_slice(items))
}

/// Removes the oldest item.
#[inline(always)]
pub(crate) fn pop<T, B: Storage<T>, S: Spout<T>>(ring: &Ring<T, B, S>) -> Result<T, Error> {
    ring.pop().ok_or(EMPTY)
}

/// Moves up to `out.len()` oldest items into `out` (at most two copies).
/// Fails with EMPTY when the ring is empty and `out` is not.
pub(crate) fn pop_slice<T, B, S>(ring: &Ring<T, B, S>, out: &mut [T]) -> Counted
where
    T: Copy,
    B: Storage<T>,
    S: Spout<T>,
{
    if !out.is_empty() && ring.is_empty() {
        return Counted {
            count: 0,
            result: Err(EMPTY),
        };
    }
    Counted {
        count: ring.pop_slice(out),
        result: Ok(()),
    }
}

/// The oldest item, left in place.
pub(crate) fn peek<T: Copy, B: Storage<T>, S: Spout<T>>(
    ring: &mut Ring<T, B, S>,
) -> Result<T, Error> {
    ring.peek().copied().ok_or(EMPTY)
}

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

impl<T: Copy, B: Storage<T>, S: Spout<T>> Batches for Ring<T, B, S> {
    fn held(&self) -> usize {
        self.len()
    }

    fn send_all(&self, dst: &mut CSpout) -> Counted {
        drain(self, dst)
    }

    fn discard_all(&self) {
        self.clear();
    }
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

/// Sends every item to `dst` (at most two batches, oldest first); `dst` is
/// not flushed.
pub(crate) fn drain<T, B, S, D>(ring: &Ring<T, B, S>, dst: &mut D) -> Counted
where
    T: Copy,
    B: Storage<T>,
    S: Spout<T>,
    D: Spout<T, Error = SpoutRefused>,
{
    let total = ring.len();
    Counted::of(total, ring.checked_drain_into(dst).map(|_| ()))
}
