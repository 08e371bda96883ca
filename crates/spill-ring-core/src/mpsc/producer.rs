//! [`Producer`]: one producer's own ring.

use core::fmt;
use core::ops::{Deref, DerefMut};

use spout::{DropSpout, Spout};

use crate::{CapacityError, HeapRing};

/// One producer of an [`MpscRing`](crate::MpscRing): a ring of its own plus
/// the producer's id.
///
/// A producer shares nothing with the others, so pushing takes no lock and
/// no atomic operation. It is [`Send`] (when `T` and `S` are), so it can be
/// moved to a thread, and `!Sync`, like every ring. It dereferences to its
/// [`HeapRing`], so every ring operation (`push`, `push_mut`, `try_push`,
/// `pop`, `len`, ...) is available on it.
///
/// Its slots live on the heap even when the capacity comes from a const
/// parameter, so large rings never pass through the stack.
pub struct Producer<T, S: Spout<T> = DropSpout> {
    id: usize,
    ring: HeapRing<T, S>,
}

impl<T, S: Spout<T>> Producer<T, S> {
    /// Creates producer `id` with a warmed ring of `capacity` slots that
    /// evicts into `spout`. The capacity must be a power of two, greater than
    /// zero and at most [`MAX_CAPACITY`](crate::MAX_CAPACITY).
    pub fn with_capacity(id: usize, capacity: usize, spout: S) -> Result<Self, CapacityError> {
        Ok(Producer::from_ring(
            id,
            HeapRing::with_capacity_and_spout(capacity, spout)?,
        ))
    }

    /// Wraps an existing ring as producer `id`.
    pub fn from_ring(id: usize, ring: HeapRing<T, S>) -> Self {
        Producer { id, ring }
    }

    /// This producer's id: its index among the producers it was created
    /// with.
    pub fn id(&self) -> usize {
        self.id
    }

    /// The producer's ring.
    pub fn ring(&self) -> &HeapRing<T, S> {
        &self.ring
    }

    /// The producer's ring, mutably.
    pub fn ring_mut(&mut self) -> &mut HeapRing<T, S> {
        &mut self.ring
    }

    /// Returns the producer's ring.
    pub fn into_ring(self) -> HeapRing<T, S> {
        self.ring
    }
}

impl<T, S: Spout<T>> Deref for Producer<T, S> {
    type Target = HeapRing<T, S>;

    #[inline(always)]
    fn deref(&self) -> &HeapRing<T, S> {
        &self.ring
    }
}

impl<T, S: Spout<T>> DerefMut for Producer<T, S> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut HeapRing<T, S> {
        &mut self.ring
    }
}

impl<T, S: Spout<T>> fmt::Debug for Producer<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Producer")
            .field("id", &self.id)
            .field("len", &self.ring.len())
            .field("capacity", &self.ring.capacity())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CollectSpout;

    #[test]
    fn a_producer_is_a_ring_with_an_id() {
        let mut producer = Producer::with_capacity(3, 2, CollectSpout::new()).unwrap();
        assert_eq!(producer.id(), 3);
        for i in 0..3 {
            producer.push(i);
        }
        assert_eq!(producer.len(), 2);
        assert_eq!(producer.spout().items(), &[0]);
        assert_eq!(producer.pop(), Some(1));
        assert_eq!(producer.ring_mut().pop_mut(), Some(2));
        assert!(producer.ring().is_empty());
    }

    #[test]
    fn refuses_bad_capacities() {
        assert_eq!(
            Producer::<u8, _>::with_capacity(0, 3, DropSpout).unwrap_err(),
            CapacityError::NotPowerOfTwo(3)
        );
    }

    #[test]
    fn is_send() {
        fn assert_send<X: Send>() {}
        assert_send::<Producer<u64, CollectSpout<u64>>>();
    }
}
