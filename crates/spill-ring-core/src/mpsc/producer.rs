//! [`Producer`]: one producer's own ring.

use core::convert::Infallible;
use core::fmt;

use spout::{DropSpout, Spout};

use crate::{
    BatchError, CapacityError, Drain, HeapRing, HeapStorage, Iter, IterMut, PushError, Refused,
};

/// One producer of an [`MpscRing`](crate::MpscRing): a ring of its own plus
/// the producer's id.
///
/// A producer shares nothing with the others, so pushing takes no lock and
/// no atomic operation. It is [`Send`] (when `T` and `S` are), so it can be
/// moved to a thread, and `!Sync`, like every ring. It offers the ring's
/// calls itself (`push`, `push_mut`, `try_push`, `pop`, `len`, ...); the
/// ring is [`ring`](Producer::ring) / [`ring_mut`](Producer::ring_mut) for
/// code that takes a [`HeapRing`].
///
/// Its slots live on the heap even when the capacity comes from a const
/// parameter, so large rings never pass through the stack.
///
/// A producer is not a smart pointer, so it does not dereference to its
/// ring:
///
/// ```compile_fail,E0277
/// fn smart_pointer<P: core::ops::Deref>(_: P) {}
/// let producer = spill_ring_core::Producer::<u8>::with_capacity(0, 4, spill_ring_core::DropSpout);
/// smart_pointer(producer.unwrap());
/// ```
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

/// Defines methods of `Producer` that call the ring's method of the same
/// name, with the same signature, and say so in their documentation.
macro_rules! ring_calls {
    ($(
        $(#[$attr:meta])*
        fn $name:ident $(<$($g:ident: $bound:path),*>)?
            (self: $recv:ty $(, $arg:ident: $ty:ty)*) -> $ret:ty;
    )*) => {$(
        #[doc = concat!("[`Ring::", stringify!($name), "`](crate::Ring::", stringify!($name), ") on the producer's ring.")]
        $(#[$attr])*
        #[inline(always)]
        #[allow(clippy::needless_arbitrary_self_type)]
        pub fn $name $(<$($g: $bound),*>)? (self: $recv $(, $arg: $ty)*) -> $ret {
            self.ring.$name($($arg),*)
        }
    )*};
}

/// The ring's calls, on the producer itself.
impl<T, S: Spout<T>> Producer<T, S> {
    ring_calls! {
        #[must_use]
        fn len(self: &Self) -> usize;
        #[must_use]
        fn capacity(self: &Self) -> usize;
        #[must_use]
        fn is_empty(self: &Self) -> bool;
        #[must_use]
        fn is_full(self: &Self) -> bool;
        fn push(self: &Self, item: T) -> Result<(), S::Error>;
        fn push_mut(self: &mut Self, item: T) -> Result<(), S::Error>;
        fn push_overwrite(self: &mut Self, item: T) -> Option<T>;
        fn try_push(self: &Self, item: T) -> Result<(), PushError<T>>;
        fn pop(self: &Self) -> Option<T>;
        fn pop_mut(self: &mut Self) -> Option<T>;
        fn pop_newest(self: &mut Self) -> Option<T>;
        #[must_use]
        fn peek(self: &mut Self) -> Option<&T>;
        #[must_use]
        fn peek_newest(self: &mut Self) -> Option<&T>;
        fn iter(self: &mut Self) -> Iter<'_, T>;
        fn iter_mut(self: &mut Self) -> IterMut<'_, T>;
        fn drain(self: &mut Self) -> Drain<'_, T, HeapStorage<T>, S>;
        fn clear(self: &Self) -> ();
        fn drain_into<D: Spout<T>>(self: &Self, dst: &mut D) -> Result<usize, D::Error>;
        fn try_flush(self: &Self) -> Result<usize, S::Error>;
        #[must_use]
        fn spout(self: &mut Self) -> &S;
        fn spout_mut(self: &mut Self) -> &mut S;
    }
}

/// The ring's slice and checked calls, for `Copy` items.
impl<T: Copy, S: Spout<T>> Producer<T, S> {
    ring_calls! {
        fn push_slice(self: &Self, items: &[T]) -> Result<(), S::Error>;
        fn checked_push_slice(self: &Self, items: &[T]) -> Result<(), BatchError<S::Error>>;
        fn pop_slice(self: &Self, out: &mut [T]) -> usize;
        fn checked_push(self: &Self, item: T) -> Result<(), Refused<T, S::Error>>;
        fn checked_drain_into<D: Spout<T>>(self: &Self, dst: &mut D) -> Result<usize, BatchError<D::Error>>;
        fn checked_flush(self: &Self) -> Result<usize, BatchError<S::Error>>;
    }
}

/// The flush of spouts that cannot fail.
impl<T, S: Spout<T, Error = Infallible>> Producer<T, S> {
    ring_calls! {
        fn flush(self: &Self) -> usize;
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
