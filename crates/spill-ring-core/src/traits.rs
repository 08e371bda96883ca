//! Traits for code that is generic over rings.

use crate::PushError;

/// What every ring can tell about itself.
pub trait RingInfo {
    /// How many items the ring holds.
    fn len(&self) -> usize;
    /// How many items the ring can hold.
    fn capacity(&self) -> usize;
    /// Whether the ring holds no item.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Whether the ring holds `capacity()` items.
    fn is_full(&self) -> bool {
        self.len() == self.capacity()
    }
}

/// The producing side of a ring.
pub trait RingProducer<T>: RingInfo {
    /// What the ring's spout reports when it fails.
    type SpoutError;

    /// Pushes `item`, evicting the oldest item to the spout when full.
    fn push(&self, item: T) -> Result<(), Self::SpoutError>;

    /// Pushes `item` only if there is room; otherwise hands it back.
    fn try_push(&self, item: T) -> Result<(), PushError<T>>;
}

/// The consuming side of a ring.
pub trait RingConsumer<T>: RingInfo {
    /// Removes and returns the oldest item.
    fn pop(&self) -> Option<T>;
}
