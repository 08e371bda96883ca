//! Errors of ring operations and their classification.
//!
//! Every error type of the crate implements [`core::error::Error`] on the
//! same terms: the items an error hands back need no bound at all (they are
//! never printed), and an error that wraps a spout's error `E` needs
//! `E: Error + 'static` and reports it as its
//! [`source`](core::error::Error::source).

use core::fmt;

/// Whether retrying a failed operation can succeed.
#[cfg(feature = "verdict")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actionability {
    /// The condition is temporary: retry later (for example after a pop).
    Temporary,
    /// Retrying the same call cannot succeed.
    Permanent,
}

/// Errors that say whether they are worth retrying (feature `verdict`).
///
/// ```
/// use spill_ring_core::{Actionability, Actionable, SpillRing};
///
/// let ring: SpillRing<u8, 1> = SpillRing::new();
/// ring.try_push(1).unwrap();
/// let full = ring.try_push(2).unwrap_err();
/// assert_eq!(full.actionability(), Actionability::Temporary);
/// assert!(full.is_retryable()); // a pop makes room
/// ```
#[cfg(feature = "verdict")]
pub trait Actionable {
    /// Classifies this error.
    fn actionability(&self) -> Actionability;

    /// Whether retrying later can succeed.
    fn is_retryable(&self) -> bool {
        self.actionability() == Actionability::Temporary
    }
}

/// Why [`Ring::try_push`](crate::Ring::try_push) refused an item. The item
/// comes back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PushError<T> {
    /// The ring was full; nothing was evicted.
    Full(T),
}

impl<T> PushError<T> {
    /// Returns the refused item.
    pub fn into_inner(self) -> T {
        match self {
            PushError::Full(item) => item,
        }
    }
}

impl<T> fmt::Debug for PushError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::Full(_) => f.write_str("Full(..)"),
        }
    }
}

impl<T> fmt::Display for PushError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::Full(_) => f.write_str("ring is full"),
        }
    }
}

impl<T> core::error::Error for PushError<T> {}

/// A full ring is a temporary condition: a retry after a pop can succeed.
#[cfg(feature = "verdict")]
impl<T> Actionable for PushError<T> {
    fn actionability(&self) -> Actionability {
        match self {
            PushError::Full(_) => Actionability::Temporary,
        }
    }
}

/// A spout refused the item a checked push had to evict: the ring is
/// unchanged and the item that was being pushed comes back.
#[derive(Clone, PartialEq, Eq)]
pub struct Refused<T, E> {
    /// The item that was not pushed.
    pub item: T,
    /// What the spout reported.
    pub error: E,
}

/// Shows the error, not the item (which needs no `Debug`).
impl<T, E: fmt::Debug> fmt::Debug for Refused<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refused")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<T, E: fmt::Display> fmt::Display for Refused<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the spout refused an evicted item: {}", self.error)
    }
}

impl<T, E: core::error::Error + 'static> core::error::Error for Refused<T, E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// A spout failed part-way through a batch operation.
///
/// `completed` says how far the operation got: for a slice push, how many
/// input items were taken (stored or sent to the spout); for a drain or a
/// flush, how many items left the ring. Nothing is lost: every item is
/// either counted in `completed` or still where it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchError<E> {
    /// How many items the operation completed before the spout failed.
    pub completed: usize,
    /// What the spout reported.
    pub error: E,
}

impl<E: fmt::Display> fmt::Display for BatchError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the spout failed after {} items: {}",
            self.completed, self.error
        )
    }
}

impl<E: core::error::Error + 'static> core::error::Error for BatchError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        Some(&self.error)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use std::boxed::Box;
    use std::format;
    use std::string::ToString;

    use super::*;

    #[test]
    #[cfg(feature = "verdict")]
    fn a_full_ring_is_a_temporary_condition() {
        let error = PushError::Full(7);
        assert_eq!(error.actionability(), Actionability::Temporary);
        assert!(error.is_retryable());
    }

    #[test]
    fn a_push_error_hands_the_item_back() {
        let error = PushError::Full(7);
        assert_eq!(error.to_string(), "ring is full");
        assert_eq!(format!("{error:?}"), "Full(..)");
        assert_eq!(error.into_inner(), 7);
    }

    /// A spout error.
    #[derive(Debug)]
    struct DiskFull;
    impl fmt::Display for DiskFull {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("disk full")
        }
    }
    impl core::error::Error for DiskFull {}

    /// An item type with no trait at all.
    struct Opaque;

    fn boxed(error: impl core::error::Error + 'static) -> Box<dyn core::error::Error> {
        Box::new(error)
    }

    #[test]
    fn errors_work_as_trait_objects_whatever_their_items() {
        let error = boxed(PushError::Full(Opaque));
        assert_eq!(error.to_string(), "ring is full");
        let refused = Refused {
            item: Opaque,
            error: DiskFull,
        };
        assert_eq!(format!("{refused:?}"), "Refused { error: DiskFull, .. }");
        let error = boxed(refused);
        assert_eq!(
            error.to_string(),
            "the spout refused an evicted item: disk full"
        );
        assert_eq!(error.source().unwrap().to_string(), "disk full");
        let batch = boxed(BatchError {
            completed: 2,
            error: DiskFull,
        });
        assert_eq!(
            batch.to_string(),
            "the spout failed after 2 items: disk full"
        );
        assert_eq!(batch.source().unwrap().to_string(), "disk full");
    }

    #[test]
    #[cfg(feature = "verdict")]
    fn permanent_errors_are_not_retryable() {
        struct Broken;
        impl Actionable for Broken {
            fn actionability(&self) -> Actionability {
                Actionability::Permanent
            }
        }
        assert!(!Broken.is_retryable());
    }
}
