//! The [`Spout`] trait.

/// A push-based sink for items of type `T`.
///
/// Items handed to [`send`](Spout::send) belong to the spout from then on,
/// whether it succeeds or not: a spout that fails decides what happens to the
/// item (it may return it inside its error).
///
/// # Batches
///
/// [`send_all`](Spout::send_all) and [`send_slice`](Spout::send_slice) deliver
/// many items at once, oldest first. Their defaults call `send` once per
/// item; a spout that can take a batch more cheaply should override them.
/// Callers that need to know exactly which items were taken when a batch
/// fails (the C ABI's "ring unchanged on failure" guarantee relies on this)
/// use `send_slice`: a spout whose `send_slice` is *all-or-nothing* (it takes
/// every item or none) should say so in its documentation.
pub trait Spout<T> {
    /// What a failed send or flush reports. Spouts that cannot fail use
    /// [`core::convert::Infallible`].
    type Error;

    /// Takes one item.
    fn send(&mut self, item: T) -> Result<(), Self::Error>;

    /// Takes every item of `items`, in order.
    ///
    /// The default sends them one by one and stops at the first error.
    fn send_all<I>(&mut self, items: I) -> Result<(), Self::Error>
    where
        I: IntoIterator<Item = T>,
        Self: Sized,
    {
        for item in items {
            self.send(item)?;
        }
        Ok(())
    }

    /// Takes a copy of every item of `items`, in order.
    ///
    /// The default clones and sends them one by one and stops at the first
    /// error, so on failure a prefix of `items` may already have been taken.
    /// Spouts that forward whole slices (a C callback, a `memcpy` into a
    /// buffer) override it and are typically all-or-nothing.
    fn send_slice(&mut self, items: &[T]) -> Result<(), Self::Error>
    where
        T: Clone,
    {
        for item in items {
            self.send(item.clone())?;
        }
        Ok(())
    }

    /// Makes everything sent so far durable or visible downstream.
    ///
    /// The default does nothing.
    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Implements [`Spout`] for a pointer type that owns or borrows a spout
/// mutably, by forwarding every method to the spout it points to.
macro_rules! forward_spout {
    ($(#[$attr:meta])* $pointer:ty) => {
        $(#[$attr])*
        impl<T, S: Spout<T> + ?Sized> Spout<T> for $pointer {
            type Error = S::Error;

            #[inline]
            fn send(&mut self, item: T) -> Result<(), Self::Error> {
                (**self).send(item)
            }

            #[inline]
            fn send_slice(&mut self, items: &[T]) -> Result<(), Self::Error>
            where
                T: Clone,
            {
                (**self).send_slice(items)
            }

            #[inline]
            fn flush(&mut self) -> Result<(), Self::Error> {
                (**self).flush()
            }
        }
    };
}

forward_spout!(&mut S);
forward_spout!(#[cfg(feature = "alloc")] alloc::boxed::Box<S>);

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use alloc::boxed::Box;
    use alloc::vec;

    use super::*;
    use crate::test_support::{Limited, Refused};

    /// Only `send` implemented: every other method is the trait's default.
    struct SendOnly(Limited<u32>);

    impl Spout<u32> for SendOnly {
        type Error = Refused;

        fn send(&mut self, item: u32) -> Result<(), Refused> {
            self.0.send(item)
        }
    }

    #[test]
    fn default_send_all_stops_at_the_first_error() {
        let mut spout = SendOnly(Limited::new(2));
        let mut pulled = 0;
        let result = spout.send_all([1, 2, 3, 4].into_iter().inspect(|_| pulled += 1));
        assert_eq!(result, Err(Refused));
        assert_eq!(spout.0.items, vec![1, 2]);
        assert_eq!(pulled, 3, "nothing is pulled after the refused item");
    }

    #[test]
    fn default_send_slice_sends_clones_in_order_and_stops_at_the_first_error() {
        let mut spout = SendOnly(Limited::new(3));
        spout.send_slice(&[1, 2]).unwrap();
        assert_eq!(spout.send_slice(&[3, 4]), Err(Refused));
        assert_eq!(spout.0.items, vec![1, 2, 3]);
    }

    #[test]
    fn default_flush_succeeds_without_calling_anything() {
        let mut spout = SendOnly(Limited::new(0));
        assert_eq!(spout.flush(), Ok(()));
        assert_eq!(spout.0.flushes, 0);
    }

    #[test]
    fn mutable_references_and_boxes_forward_every_method() {
        fn exercise<S: Spout<u32, Error = Refused>>(mut spout: S) {
            spout.send(1).unwrap();
            spout.send_all([2, 3]).unwrap();
            spout.send_slice(&[4]).unwrap();
            spout.flush().unwrap();
        }
        let mut inner = Limited::new(usize::MAX);
        exercise(&mut inner);
        assert_eq!(
            (inner.items.as_slice(), inner.flushes),
            (&[1, 2, 3, 4][..], 1)
        );

        let mut inner = Limited::new(usize::MAX);
        exercise(Box::new(&mut inner));
        assert_eq!(
            (inner.items.as_slice(), inner.flushes),
            (&[1, 2, 3, 4][..], 1)
        );

        let mut dynamic: Box<dyn Spout<u32, Error = Refused>> = Box::new(Limited::new(1));
        dynamic.send(1).unwrap();
        assert_eq!(dynamic.send_slice(&[2]), Err(Refused));
        assert_eq!(dynamic.flush(), Ok(()));
    }
}
