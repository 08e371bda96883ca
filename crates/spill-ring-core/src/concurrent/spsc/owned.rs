//! Where a producer's state goes when its handle is dropped: for a
//! stand-alone ring it retires (the consumer learns the producer is gone);
//! for a lane of a concurrent MPSC it goes back to the lane, for the next
//! registration.

use core::mem::ManuallyDrop;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::Ordering;

use crate::concurrent::mpsc::Lanes;
use crate::concurrent::primitive::Arc;
use crate::concurrent::spsc::produce::ProducerCore;

/// Where the producer state returns on drop.
pub(crate) enum Home<T> {
    /// A stand-alone SPSC ring.
    Alone,
    /// A lane (by number) of a concurrent MPSC.
    Lane(Arc<Lanes<T>>, usize),
}

/// A producer's state and its home.
pub(crate) struct Owned<T> {
    core: ManuallyDrop<ProducerCore<T>>,
    home: Home<T>,
}

impl<T> Owned<T> {
    pub(crate) fn new(core: ProducerCore<T>, home: Home<T>) -> Self {
        Owned {
            core: ManuallyDrop::new(core),
            home,
        }
    }
}

impl<T> Deref for Owned<T> {
    type Target = ProducerCore<T>;

    #[inline(always)]
    fn deref(&self) -> &ProducerCore<T> {
        &self.core
    }
}

impl<T> DerefMut for Owned<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut ProducerCore<T> {
        &mut self.core
    }
}

impl<T> Drop for Owned<T> {
    fn drop(&mut self) {
        // SAFETY: `core` is taken once, here, and not used afterwards.
        let core = unsafe { ManuallyDrop::take(&mut self.core) };
        match &self.home {
            Home::Alone => {
                core.shared.producer_gone.store(true, Ordering::Release);
                drop(core);
            }
            Home::Lane(lanes, lane) => lanes.give_back(*lane, core),
        }
    }
}
