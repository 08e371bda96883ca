//! A ring is a spout: rings chain into tiers (l1 -> l2 -> l3 -> disk).

use spout::Spout;

use super::Ring;
use crate::storage::Storage;

/// Pushing into a ring: a full ring evicts its oldest item to its own spout,
/// so overflow cascades down a chain of rings. Dropping the first ring of a
/// chain flushes each tier into the next.
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

    /// Flushes the next tier's spout; the items in this ring stay here.
    fn flush(&mut self) -> Result<(), S::Error> {
        self.spout.get_mut().flush()
    }
}
