//! [`ProducerSpout`]: one spout per producer, built on first use.

use alloc::sync::Arc;
use core::fmt;
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::Spout;

/// What every clone of a [`ProducerSpout`] shares.
struct Shared<F> {
    /// The id the next clone gets.
    next_id: AtomicUsize,
    factory: F,
}

/// A spout for one producer among many: every clone gets a distinct id and
/// builds its own inner spout, with a shared factory, the first time it
/// receives an item.
///
/// The spout made by [`new`](ProducerSpout::new) has id 0; each
/// [`clone`](Clone::clone) takes the next id from a counter shared by all
/// clones (an atomic, so clones may be made on any thread), so ids are
/// distinct and, when clones are made one after the other, dense: 0, 1, 2...
/// A clone starts without an inner spout: it calls `factory(id)` on its
/// first [`send`](Spout::send), [`send_all`](Spout::send_all) or
/// [`send_slice`](Spout::send_slice). A producer that never sends builds
/// nothing, and [`flush`](Spout::flush) on it does nothing.
///
/// This fits per-thread outputs: a file, a channel or a ring per worker,
/// named after the worker's id, with no shared lock on the send path.
///
/// Needs the `alloc` feature and a target with pointer-sized atomics.
///
/// ```
/// use spout::{CollectSpout, ProducerSpout, Spout};
///
/// let first = ProducerSpout::new(|id: usize| {
///     let mut out = CollectSpout::new();
///     out.send(format!("producer {id}")).unwrap();
///     out
/// });
/// let mut second = first.clone();
/// assert_eq!((first.id(), second.id()), (0, 1));
/// assert!(second.inner().is_none()); // nothing built yet
///
/// second.send("hello".to_string()).unwrap();
/// assert_eq!(second.inner().unwrap().items(), &["producer 1", "hello"]);
/// ```
pub struct ProducerSpout<S, F> {
    id: usize,
    inner: Option<S>,
    shared: Arc<Shared<F>>,
}

impl<S, F: Fn(usize) -> S> ProducerSpout<S, F> {
    /// Creates the producer with id 0; clone it for the others.
    pub fn new(factory: F) -> Self {
        ProducerSpout {
            id: 0,
            inner: None,
            shared: Arc::new(Shared {
                next_id: AtomicUsize::new(1),
                factory,
            }),
        }
    }

    /// This producer's inner spout, built on first use.
    #[inline]
    fn built(&mut self) -> &mut S {
        let (id, shared) = (self.id, &self.shared);
        self.inner.get_or_insert_with(|| (shared.factory)(id))
    }
}

impl<S, F> ProducerSpout<S, F> {
    /// This producer's id: distinct among all clones of one spout.
    pub fn id(&self) -> usize {
        self.id
    }

    /// How many ids the clones of this spout have taken so far (the original
    /// included).
    pub fn ids_issued(&self) -> usize {
        self.shared.next_id.load(Ordering::Relaxed)
    }

    /// The inner spout, if this producer has built it.
    pub fn inner(&self) -> Option<&S> {
        self.inner.as_ref()
    }

    /// The inner spout, mutably, if this producer has built it.
    pub fn inner_mut(&mut self) -> Option<&mut S> {
        self.inner.as_mut()
    }

    /// Returns the inner spout, if this producer has built it.
    pub fn into_inner(self) -> Option<S> {
        self.inner
    }
}

impl<S, F> Clone for ProducerSpout<S, F> {
    /// A new producer with the next id and no inner spout yet.
    fn clone(&self) -> Self {
        ProducerSpout {
            // Relaxed: only the uniqueness of the id matters, which the
            // atomic read-modify-write gives on its own.
            id: self.shared.next_id.fetch_add(1, Ordering::Relaxed),
            inner: None,
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<T, S: Spout<T>, F: Fn(usize) -> S> Spout<T> for ProducerSpout<S, F> {
    type Error = S::Error;

    #[inline]
    fn send(&mut self, item: T) -> Result<(), S::Error> {
        self.built().send(item)
    }

    fn send_all<I>(&mut self, items: I) -> Result<(), S::Error>
    where
        I: IntoIterator<Item = T>,
    {
        self.built().send_all(items)
    }

    fn send_slice(&mut self, items: &[T]) -> Result<(), S::Error>
    where
        T: Clone,
    {
        self.built().send_slice(items)
    }

    fn flush(&mut self) -> Result<(), S::Error> {
        match &mut self.inner {
            Some(inner) => inner.flush(),
            None => Ok(()),
        }
    }
}

impl<S: fmt::Debug, F> fmt::Debug for ProducerSpout<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProducerSpout")
            .field("id", &self.id)
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;
    use alloc::vec::Vec;

    use super::*;
    use crate::test_support::{Limited, Refused};
    use crate::CollectSpout;

    #[test]
    fn clones_get_distinct_dense_ids() {
        let first = ProducerSpout::new(|_id: usize| CollectSpout::<u8>::new());
        let others: Vec<_> = (0..4).map(|_| first.clone()).collect();
        let second_generation = others[2].clone();
        let mut ids: Vec<usize> = others.iter().map(ProducerSpout::id).collect();
        ids.push(first.id());
        ids.push(second_generation.id());
        ids.sort_unstable();
        assert_eq!(ids, vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(first.ids_issued(), 6);
    }

    #[test]
    fn the_inner_spout_is_built_once_on_first_use() {
        let built = core::cell::Cell::new(0);
        let mut producer = ProducerSpout::new(|id: usize| {
            built.set(built.get() + 1);
            Limited::<usize>::new(id + 2)
        })
        .clone();
        producer.flush().unwrap();
        assert_eq!(built.get(), 0, "flush must not build the inner spout");
        producer.send(10).unwrap();
        producer.send_all([11, 12]).unwrap();
        assert_eq!(built.get(), 1);
        // id 1 -> the factory made a spout that takes 3 items.
        assert_eq!(producer.inner().unwrap().items, vec![10, 11, 12]);
        assert_eq!(producer.send_slice(&[13]), Err(Refused));
        producer.flush().unwrap();
        assert_eq!(producer.into_inner().unwrap().flushes, 1);
    }

    #[test]
    fn each_clone_builds_its_own_inner_spout() {
        let mut a = ProducerSpout::new(|id: usize| CollectSpout::with_capacity(id));
        let mut b = a.clone();
        a.send(1).unwrap();
        b.send(2).unwrap();
        b.send_slice(&[3]).unwrap();
        assert_eq!(a.inner().unwrap().items(), &[1]);
        assert_eq!(b.inner_mut().unwrap().take(), vec![2, 3]);
    }

    #[cfg(feature = "std")]
    #[test]
    fn ids_stay_distinct_when_cloned_on_many_threads() {
        let root = ProducerSpout::new(|_id: usize| CollectSpout::<u8>::new());
        let ids: Vec<usize> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    let root = &root;
                    s.spawn(move || (0..100).map(|_| root.clone().id()).collect::<Vec<_>>())
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 400);
        assert_eq!(sorted, (1..=400).collect::<Vec<_>>());
    }
}
