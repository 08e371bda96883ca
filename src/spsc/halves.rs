//! What the two handles of a concurrent SPSC ring hold: the core's raw
//! halves, the producer's spout, and the rule by which evicted elements
//! reach that spout ([`Evictions`]).

use core::cell::UnsafeCell;

use spill_ring_core::concurrent::spsc::raw::{RawConsumer, RawProducer};

use crate::abi::handle::Release;
use crate::abi::last_error::Error;
use crate::abi::status::spill_status;
use crate::c_spout::{CSpout, SpoutRefused};

/// A core half inside a handle. It is reached mutably only through
/// [`get`](Exclusive::get) while the handle is entered (marked active), so
/// a spout that calls back into the same handle gets `SPILL_BUSY` before it
/// can touch the half.
pub(crate) struct Exclusive<T>(UnsafeCell<T>);

impl<T> Exclusive<T> {
    pub(crate) fn new(value: T) -> Self {
        Exclusive(UnsafeCell::new(value))
    }

    /// The half, through an exclusive borrow of the handle's payload (a
    /// call that found the handle idle and calls no spout).
    #[inline(always)]
    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.0.get_mut()
    }

    /// The half, exclusively.
    ///
    /// # Safety
    ///
    /// The handle holding `self` is entered (`handle::enter`) by the
    /// calling frame for as long as the result lives, and the result is the
    /// only borrow of the half that frame makes.
    #[allow(clippy::mut_from_ref)]
    #[inline(always)]
    pub(crate) unsafe fn get(&self) -> &mut T {
        // SAFETY: the caller's contract: an entered handle admits no other
        // call (re-entry gets SPILL_BUSY), and calls on one handle come
        // from one thread at a time, so no other borrow exists.
        unsafe { &mut *self.0.get() }
    }
}

/// The producer handle's payload: every call belongs to the producer
/// thread.
pub(crate) struct ProducerHalf {
    pub(crate) raw: Exclusive<RawProducer>,
    /// Where evicted elements go (called on the producer thread).
    pub(crate) spout: CSpout,
    pub(crate) elem_size: usize,
    pub(crate) capacity: usize,
}

impl ProducerHalf {
    pub(crate) fn new(raw: RawProducer, spout: CSpout) -> Self {
        ProducerHalf {
            elem_size: raw.elem_size(),
            capacity: raw.capacity(),
            raw: Exclusive::new(raw),
            spout,
        }
    }
}

impl Release for ProducerHalf {
    /// The elements stay in the ring for the consumer; the spout is
    /// flushed once.
    fn release(&self) -> Result<(), Error> {
        self.spout.flush_raw().map_err(Error::from)
    }
}

/// The consumer handle's payload: every call belongs to the consumer
/// thread.
pub(crate) struct ConsumerHalf {
    pub(crate) raw: Exclusive<RawConsumer>,
    pub(crate) elem_size: usize,
}

impl ConsumerHalf {
    pub(crate) fn new(raw: RawConsumer) -> Self {
        ConsumerHalf {
            elem_size: raw.elem_size(),
            raw: Exclusive::new(raw),
        }
    }
}

impl Release for ConsumerHalf {
    /// Nothing to hand on: dropping the half closes the ring, and what it
    /// still holds is freed with the ring once the producer is freed too.
    fn release(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// The eviction rule of the concurrent rings: each evicted element is
/// offered to the producer's spout once, as a batch of one, straight from
/// its slot (aligned as the element type). An element the spout refuses
/// is lost: it already left the ring (the consumer may not get it either),
/// so the call reports `SPILL_SPOUT_FAILED` and how many were refused, and
/// does the rest of its work all the same.
pub(crate) struct Evictions<'a> {
    spout: &'a CSpout,
    refused: usize,
    first: Option<SpoutRefused>,
}

impl<'a> Evictions<'a> {
    pub(crate) fn new(spout: &'a CSpout) -> Self {
        Evictions {
            spout,
            refused: 0,
            first: None,
        }
    }

    /// Offers one evicted element.
    #[inline]
    pub(crate) fn offer(&mut self, item: &[u8]) -> Result<(), SpoutRefused> {
        // SAFETY: `item` is one whole element, borrowed for the call.
        let sent = unsafe { self.spout.send_raw(item.as_ptr().cast(), 1) };
        if let Err(refused) = sent {
            self.refused += 1;
            self.first.get_or_insert(refused);
        }
        sent
    }

    /// The call's result: `done` says what the call did anyway.
    pub(crate) fn finish(self, done: &str) -> Result<(), Error> {
        match self.first {
            None => Ok(()),
            Some(first) => Err(refused_error(first, self.refused, done)),
        }
    }
}

#[cold]
#[inline(never)]
fn refused_error(first: SpoutRefused, refused: usize, done: &str) -> Error {
    Error::new(
        spill_status::SPILL_SPOUT_FAILED,
        format!(
            "{first}; {refused} evicted item(s) were refused and are lost \
             (they had left the ring); {done}"
        ),
    )
}
