//! [`CollectSpout`]: gathers items into a `Vec`.

use alloc::vec::Vec;
use core::convert::Infallible;

use crate::Spout;

/// Gathers every item it receives into a `Vec`, in arrival order.
///
/// ```
/// use spout::{CollectSpout, Spout};
///
/// let mut spout = CollectSpout::new();
/// spout.send(1).unwrap();
/// spout.send_slice(&[2, 3]).unwrap();
/// assert_eq!(spout.items(), &[1, 2, 3]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectSpout<T> {
    items: Vec<T>,
}

impl<T> Default for CollectSpout<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> CollectSpout<T> {
    /// Creates an empty collecting spout.
    pub const fn new() -> Self {
        CollectSpout { items: Vec::new() }
    }

    /// Creates an empty collecting spout with room for `capacity` items.
    pub fn with_capacity(capacity: usize) -> Self {
        CollectSpout {
            items: Vec::with_capacity(capacity),
        }
    }

    /// The items received so far, oldest first.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// Takes the items received so far, leaving the spout empty.
    pub fn take(&mut self) -> Vec<T> {
        core::mem::take(&mut self.items)
    }

    /// Returns the items received, oldest first.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// How many items were received.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing was received.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl<T> Spout<T> for CollectSpout<T> {
    type Error = Infallible;

    #[inline]
    fn send(&mut self, item: T) -> Result<(), Infallible> {
        self.items.push(item);
        Ok(())
    }

    fn send_all<I>(&mut self, items: I) -> Result<(), Infallible>
    where
        I: IntoIterator<Item = T>,
    {
        self.items.extend(items);
        Ok(())
    }

    fn send_slice(&mut self, items: &[T]) -> Result<(), Infallible>
    where
        T: Clone,
    {
        self.items.extend_from_slice(items);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use super::*;

    #[test]
    fn keeps_arrival_order_across_every_method() {
        let mut spout = CollectSpout::with_capacity(8);
        spout.send(1).unwrap();
        spout.send_all([2, 3]).unwrap();
        spout.send_slice(&[4, 5]).unwrap();
        spout.flush().unwrap();
        assert_eq!(spout.len(), 5);
        assert_eq!(spout.items(), &[1, 2, 3, 4, 5]);
    }

    #[test]
    fn take_empties_the_spout() {
        let mut spout = CollectSpout::default();
        assert!(spout.is_empty());
        spout.send_all(0..3).unwrap();
        assert_eq!(spout.take(), vec![0, 1, 2]);
        assert!(spout.is_empty());
        spout.send(9).unwrap();
        assert_eq!(spout.into_items(), vec![9]);
    }
}
