//! A ring is a spout: rings chain into tiers (l1 -> l2 -> l3 -> disk).

use spout::Spout;

use super::Ring;
use crate::storage::Storage;

/// Pushing into a ring: a full ring evicts its oldest item to its own spout,
/// so overflow cascades down a chain of rings. Flushing (or dropping) the
/// first ring of a chain sends every tier's items down into the next tier,
/// and on to the last spout.
///
/// `flush` has one meaning on a ring, whichever `flush` a call resolves to
/// (the inherent [`Ring::flush`] for spouts that cannot fail, or
/// `Spout::flush` with the trait in scope): every item goes to the spout,
/// then the spout is flushed.
///
/// ```
/// use spill_ring_core::{CollectSpout, SpillRing};
///
/// let l2: SpillRing<u32, 4, _> = SpillRing::with_spout(CollectSpout::new());
/// let l1: SpillRing<u32, 2, _> = SpillRing::with_spout(l2);
/// for i in 0..8 {
///     l1.push(i);
/// }
/// let mut l1 = l1;
/// assert_eq!(l1.spout_mut().len(), 4); // l2 holds 2..6
/// assert_eq!(l1.spout_mut().spout().items(), &[0, 1]);
/// ```
impl<T, B: Storage<T>, S: Spout<T>> Spout<T> for Ring<T, B, S> {
    type Error = S::Error;

    #[inline]
    fn send(&mut self, item: T) -> Result<(), S::Error> {
        self.push_mut(item)
    }

    /// Pushes clones of `items`, all-or-nothing as far as this ring's own
    /// spout's `send_slice` is: the items that cannot fit are first sent on
    /// oldest-first (this ring's oldest items, then the front of `items`),
    /// and if the spout refuses them no item of `items` is stored, so a
    /// checked operation upstream keeps its items and nothing is duplicated.
    fn send_slice(&mut self, items: &[T]) -> Result<(), S::Error>
    where
        T: Clone,
    {
        self.send_slice_clones(items)
    }

    /// The same as [`Ring::try_flush`]: sends every item of this ring to
    /// the next tier, oldest first, then flushes the next tier, which does
    /// the same. Flushing the first ring of a chain therefore empties every
    /// tier into the last spout, in push order.
    fn flush(&mut self) -> Result<(), S::Error> {
        self.try_flush().map(drop)
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    extern crate std;

    use std::cell::RefCell;
    use std::rc::Rc;
    use std::vec::Vec;

    use spout::{CollectSpout, FnFlushSpout, Spout};

    use crate::{HeapRing, SpillRing};

    #[test]
    fn overflow_cascades_down_the_tiers() {
        let l3 = HeapRing::with_capacity_and_spout(4, CollectSpout::new()).unwrap();
        let l2: SpillRing<u32, 2, _> = SpillRing::with_spout(l3);
        let mut l1: SpillRing<u32, 2, _> = SpillRing::with_spout(l2);
        for i in 0..10 {
            l1.push(i).unwrap();
        }
        assert!(l1.iter().eq(&[8, 9]));
        let l2 = l1.spout_mut();
        assert!(l2.iter().eq(&[6, 7]));
        let l3 = l2.spout_mut();
        assert!(l3.iter().eq(&[2, 3, 4, 5]));
        assert_eq!(l3.spout().items(), &[0, 1]);
    }

    #[test]
    fn dropping_the_first_tier_flushes_every_tier_in_order() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let flushes = Rc::new(RefCell::new(0));
        let (sent, flushed) = (Rc::clone(&log), Rc::clone(&flushes));
        let bottom = FnFlushSpout::new(
            move |x: u32| sent.borrow_mut().push(x),
            move || *flushed.borrow_mut() += 1,
        );
        let l2: SpillRing<u32, 4, _> = SpillRing::with_spout(bottom);
        let l1: SpillRing<u32, 2, _> = SpillRing::with_spout(l2);
        for i in 0..9 {
            l1.push(i);
        }
        assert_eq!(*log.borrow(), [0, 1, 2]);
        drop(l1);
        assert_eq!(*log.borrow(), (0..9).collect::<Vec<_>>());
        // l1's drop flushes l2's spout, then l2's drop flushes it again.
        assert_eq!(*flushes.borrow(), 2);
    }

    #[test]
    fn flushing_a_ring_as_a_spout_sends_its_items_on_then_flushes() {
        let flushes = Rc::new(RefCell::new(0));
        let flushed = Rc::clone(&flushes);
        let bottom = FnFlushSpout::new(|_: u32| {}, move || *flushed.borrow_mut() += 1);
        let mut l2: SpillRing<u32, 4, _> = SpillRing::with_spout(bottom);
        l2.send(1).unwrap();
        Spout::<u32>::flush(&mut l2).unwrap();
        assert!(l2.is_empty(), "the items went to the next tier");
        assert_eq!(*flushes.borrow(), 1);
    }

    #[test]
    fn a_ring_takes_slices_as_a_spout() {
        let mut ring: SpillRing<u32, 4, _> = SpillRing::with_spout(CollectSpout::new());
        ring.start_indices_at(usize::MAX - 1);
        ring.send_slice(&[1, 2, 3]).unwrap();
        ring.send_slice(&[4, 5, 6, 7, 8, 9, 10]).unwrap();
        assert!(ring.iter().eq(&[7, 8, 9, 10]));
        assert_eq!(ring.spout().items(), &[1, 2, 3, 4, 5, 6]);
        ring.send_all([11, 12]).unwrap();
        assert!(ring.iter().eq(&[9, 10, 11, 12]));
    }
}
