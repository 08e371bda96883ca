//! A spout behind a mutex: `Arc<Mutex<S>>` and `&Mutex<S>` are spouts, so
//! many threads can share one.

use std::fmt;
use std::sync::{Arc, Mutex};

use crate::Spout;

/// Why a spout behind a [`Mutex`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MutexSpoutError<E> {
    /// A thread panicked while it held the lock, so the spout may be in an
    /// inconsistent state; it is not called, and the item is dropped. (To
    /// go on regardless, take the spout out of the mutex with
    /// `Mutex::clear_poison` or `PoisonError::into_inner`.)
    Poisoned,
    /// The spout behind the mutex failed.
    Inner(E),
}

impl<E: fmt::Display> fmt::Display for MutexSpoutError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MutexSpoutError::Poisoned => {
                f.write_str("the spout's mutex is poisoned: a thread panicked while holding it")
            }
            MutexSpoutError::Inner(e) => write!(f, "shared spout failed: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for MutexSpoutError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MutexSpoutError::Poisoned => None,
            MutexSpoutError::Inner(e) => Some(e),
        }
    }
}

/// Runs `f` on the spout behind `mutex`, holding the lock for the whole call.
fn locked<S, R, E>(
    mutex: &Mutex<S>,
    f: impl FnOnce(&mut S) -> Result<R, E>,
) -> Result<R, MutexSpoutError<E>> {
    let mut spout = mutex.lock().map_err(|_| MutexSpoutError::Poisoned)?;
    f(&mut spout).map_err(MutexSpoutError::Inner)
}

/// Implements `Spout<T>` for a handle that dereferences to a `Mutex<S>`.
/// Batches take the lock once.
macro_rules! mutex_spout {
    ($(#[$doc:meta])* impl<$($lt:lifetime,)? T, S> for $handle:ty) => {
        $(#[$doc])*
        impl<$($lt,)? T, S: Spout<T>> Spout<T> for $handle {
            type Error = MutexSpoutError<S::Error>;

            fn send(&mut self, item: T) -> Result<(), Self::Error> {
                locked(self, |spout| spout.send(item))
            }

            fn send_all<I>(&mut self, items: I) -> Result<(), Self::Error>
            where
                I: IntoIterator<Item = T>,
            {
                locked(self, |spout| spout.send_all(items))
            }

            fn send_slice(&mut self, items: &[T]) -> Result<(), Self::Error>
            where
                T: Clone,
            {
                locked(self, |spout| spout.send_slice(items))
            }

            fn flush(&mut self) -> Result<(), Self::Error> {
                locked(self, |spout| spout.flush())
            }
        }
    };
}

mutex_spout! {
    /// A spout shared by owners on many threads: each call locks the mutex
    /// (batches lock it once) and forwards to the spout inside.
    ///
    /// A poisoned mutex is reported as [`MutexSpoutError::Poisoned`], never
    /// a panic.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use spout::{CollectSpout, Spout};
    ///
    /// let shared = Arc::new(Mutex::new(CollectSpout::new()));
    /// let workers: Vec<_> = (0..4u32)
    ///     .map(|w| {
    ///         let mut spout = Arc::clone(&shared);
    ///         std::thread::spawn(move || spout.send_all((0..10).map(|i| w * 10 + i)).unwrap())
    ///     })
    ///     .collect();
    /// for worker in workers {
    ///     worker.join().unwrap();
    /// }
    /// assert_eq!(shared.lock().unwrap().len(), 40);
    /// ```
    impl<T, S> for Arc<Mutex<S>>
}

mutex_spout! {
    /// A spout shared by borrowers, such as scoped threads: as for
    /// `Arc<Mutex<S>>`.
    ///
    /// ```
    /// use std::sync::Mutex;
    /// use spout::{CollectSpout, Spout};
    ///
    /// let shared = Mutex::new(CollectSpout::new());
    /// std::thread::scope(|s| {
    ///     for w in 0..2 {
    ///         let mut spout = &shared;
    ///         s.spawn(move || spout.send(w).unwrap());
    ///     }
    /// });
    /// assert_eq!(shared.into_inner().unwrap().len(), 2);
    /// ```
    impl<'a, T, S> for &'a Mutex<S>
}

#[cfg(test)]
mod tests {
    use std::panic::{catch_unwind, AssertUnwindSafe};

    use super::*;
    use crate::test_support::{Limited, Refused};

    fn poison<S>(mutex: &Mutex<S>) {
        let result = catch_unwind(AssertUnwindSafe(|| {
            let _guard = mutex.lock().unwrap();
            panic!("poisoning the spout's mutex");
        }));
        assert!(result.is_err());
        assert!(mutex.is_poisoned());
    }

    #[test]
    fn forwards_every_call_to_the_spout_inside() {
        let mut shared = Arc::new(Mutex::new(Limited::new(usize::MAX)));
        shared.send(1).unwrap();
        shared.send_all([2, 3]).unwrap();
        shared.send_slice(&[4]).unwrap();
        shared.flush().unwrap();
        let inner = shared.lock().unwrap();
        assert_eq!(inner.items, vec![1, 2, 3, 4]);
        assert_eq!(inner.flushes, 1);
    }

    #[test]
    fn a_poisoned_mutex_is_an_error_not_a_panic() {
        let shared = Arc::new(Mutex::new(Limited::<u8>::new(usize::MAX)));
        poison(&shared);
        let mut spout = Arc::clone(&shared);
        assert_eq!(spout.send(1), Err(MutexSpoutError::Poisoned));
        assert_eq!(spout.send_all([1]), Err(MutexSpoutError::Poisoned));
        assert_eq!(spout.send_slice(&[1]), Err(MutexSpoutError::Poisoned));
        assert_eq!(spout.flush(), Err(MutexSpoutError::Poisoned));
        assert!(spout.send(1).unwrap_err().to_string().contains("poisoned"));
        // The spout inside was never called.
        assert!(shared.lock().unwrap_err().into_inner().items.is_empty());
    }

    #[test]
    fn a_poisoned_borrowed_mutex_is_an_error_too() {
        let shared = Mutex::new(Limited::<u8>::new(usize::MAX));
        poison(&shared);
        let mut spout = &shared;
        assert_eq!(spout.send(1), Err(MutexSpoutError::Poisoned));
    }

    #[test]
    fn inner_errors_are_wrapped() {
        use std::error::Error as _;
        let mut spout = &Mutex::new(Limited::new(1));
        spout.send(1).unwrap();
        let err = spout.send(2).unwrap_err();
        assert_eq!(err, MutexSpoutError::Inner(Refused));
        assert_eq!(err.to_string(), "shared spout failed: refused");
        assert_eq!(err.source().unwrap().to_string(), "refused");
    }
}
