//! Iteration: [`Iter`], [`IterMut`], [`Drain`], [`IntoIter`], and the
//! collection traits `IntoIterator`, `FromIterator` and `Extend`.
//!
//! Only an exclusive borrow (or ownership) of a ring can iterate it, so
//! there is no `IntoIterator for &Ring`: an iterator over `&'a Ring` hands
//! out `&'a T`s, which outlive the iterator, and since `push(&self)` evicts,
//! a push through another shared borrow could then evict (and drop) an item
//! such a reference points to. No guard held by the iterator can prevent
//! it once the iterator is gone. In exchange, the iterators are `Send` and
//! `Sync` under the same terms as the references they hand out.

use core::convert::Infallible;
use core::fmt;
use core::iter::FusedIterator;
use core::marker::PhantomData;

use spout::Spout;

use super::Ring;
use crate::storage::{Inline, Storage};

impl<T, B: Storage<T>, S: Spout<T>> Ring<T, B, S> {
    /// Iterates over the items from oldest to newest.
    ///
    /// This takes `&mut self` because a `push(&self)` during the iteration,
    /// or while a returned reference lives, could evict the item. For the
    /// same reason there is no `IntoIterator for &Ring`: the `&'a T`s an
    /// iterator over `&'a Ring` returns outlive the iterator, so no guard it
    /// holds could keep a push from evicting their items.
    #[must_use = "iterators are lazy and do nothing unless consumed"]
    pub fn iter(&mut self) -> Iter<'_, T> {
        // SAFETY: `&mut self` keeps every item in place for the borrow.
        unsafe { self.iter_unchecked() }
    }

    /// Iterates mutably over the items from oldest to newest.
    #[must_use = "iterators are lazy and do nothing unless consumed"]
    pub fn iter_mut(&mut self) -> IterMut<'_, T> {
        IterMut {
            slots: self.storage.slots(),
            mask: self.storage.mask(),
            front: self.head.get(),
            back: self.tail.get(),
            _ring: PhantomData,
        }
    }

    /// Removes the items from oldest to newest as an iterator. Items the
    /// iterator has not returned when it is dropped are dropped too (they do
    /// not go to the spout).
    pub fn drain(&mut self) -> Drain<'_, T, B, S> {
        Drain { ring: self }
    }

    /// An iterator over the items, from a shared borrow.
    ///
    /// # Safety
    ///
    /// No item may leave the ring, and no item may be written, while the
    /// iterator or a reference it returned lives.
    pub(super) unsafe fn iter_unchecked(&self) -> Iter<'_, T> {
        Iter {
            slots: self.storage.slots(),
            mask: self.storage.mask(),
            front: self.head.get(),
            back: self.tail.get(),
            _ring: PhantomData,
        }
    }
}

macro_rules! index_iterator {
    ($name:ident, $item:ty, $deref:ident, $doc:literal) => {
        #[doc = $doc]
        pub struct $name<'a, T> {
            slots: *mut T,
            mask: usize,
            front: usize,
            back: usize,
            _ring: PhantomData<$item>,
        }

        impl<'a, T> Iterator for $name<'a, T> {
            type Item = $item;

            #[inline]
            fn next(&mut self) -> Option<$item> {
                if self.front == self.back {
                    return None;
                }
                let index = self.front & self.mask;
                self.front = self.front.wrapping_add(1);
                // SAFETY: indices in `front..back` are items of the ring,
                // each returned once; the ring is borrowed for `'a`, so
                // they stay in place.
                Some(unsafe { $deref(self.slots.add(index)) })
            }

            #[inline]
            fn size_hint(&self) -> (usize, Option<usize>) {
                let n = self.back.wrapping_sub(self.front);
                (n, Some(n))
            }
        }

        impl<'a, T> DoubleEndedIterator for $name<'a, T> {
            #[inline]
            fn next_back(&mut self) -> Option<$item> {
                if self.front == self.back {
                    return None;
                }
                self.back = self.back.wrapping_sub(1);
                let index = self.back & self.mask;
                // SAFETY: as in `next`.
                Some(unsafe { $deref(self.slots.add(index)) })
            }
        }

        impl<T> ExactSizeIterator for $name<'_, T> {}
        impl<T> FusedIterator for $name<'_, T> {}

        /// Shows the items not yet returned.
        impl<T: fmt::Debug> fmt::Debug for $name<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let rest = Iter::<'_, T> {
                    slots: self.slots,
                    mask: self.mask,
                    front: self.front,
                    back: self.back,
                    _ring: PhantomData,
                };
                f.debug_tuple(stringify!($name))
                    .field(&Items(rest))
                    .finish()
            }
        }
    };
}

/// # Safety
/// `p` points to an item that stays valid and unaliased by writes for `'a`.
#[inline(always)]
unsafe fn as_ref<'a, T>(p: *mut T) -> &'a T {
    // SAFETY: the caller's contract.
    unsafe { &*p }
}

/// # Safety
/// `p` points to an item that stays valid and otherwise unaliased for `'a`.
#[inline(always)]
unsafe fn as_mut<'a, T>(p: *mut T) -> &'a mut T {
    // SAFETY: the caller's contract.
    unsafe { &mut *p }
}

index_iterator!(
    Iter,
    &'a T,
    as_ref,
    "Iterates over a ring's items, oldest first."
);
index_iterator!(
    IterMut,
    &'a mut T,
    as_mut,
    "Iterates mutably over a ring's items, oldest first."
);

// SAFETY: an `Iter` only hands out `&T` to items the ring keeps in place for
// `'a`, so it is a `&'a [T]` in all but layout: `Send` and `Sync` when `T`
// is `Sync`.
unsafe impl<T: Sync> Send for Iter<'_, T> {}
// SAFETY: as above.
unsafe impl<T: Sync> Sync for Iter<'_, T> {}
// SAFETY: an `IterMut` hands out `&mut T`, each item once, for `'a`: it is
// a `&'a mut [T]`, `Send` when `T` is `Send` and `Sync` when `T` is `Sync`.
unsafe impl<T: Send> Send for IterMut<'_, T> {}
// SAFETY: as above; `&IterMut` only reads (`size_hint`, `Debug`).
unsafe impl<T: Sync> Sync for IterMut<'_, T> {}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter { ..*self }
    }
}

/// Formats the items of an iterator as a list.
pub(super) struct Items<I>(pub(super) I);

impl<I: Clone + Iterator> fmt::Debug for Items<I>
where
    I::Item: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.clone()).finish()
    }
}

/// Removes a ring's items, oldest first. See [`Ring::drain`].
pub struct Drain<'a, T, B: Storage<T>, S: Spout<T>> {
    ring: &'a mut Ring<T, B, S>,
}

/// Takes a ring's items out by value, oldest first (or newest first, from
/// the back): the owning iterator of a ring. Items it has not returned when
/// it is dropped are dropped too (they do not go to the spout); then the
/// ring is dropped, which flushes its spout.
pub struct IntoIter<T, B: Storage<T>, S: Spout<T>> {
    ring: Ring<T, B, S>,
}

/// What [`Drain`] and [`IntoIter`] share: they remove the items of a ring
/// they hold exclusively.
macro_rules! removing_iterator {
    ($name:ident $(<$a:lifetime>)?) => {
        impl<$($a,)? T, B: Storage<T>, S: Spout<T>> Iterator for $name<$($a,)? T, B, S> {
            type Item = T;

            #[inline]
            fn next(&mut self) -> Option<T> {
                self.ring.pop_mut()
            }

            #[inline]
            fn size_hint(&self) -> (usize, Option<usize>) {
                (self.ring.len(), Some(self.ring.len()))
            }
        }

        impl<$($a,)? T, B: Storage<T>, S: Spout<T>> DoubleEndedIterator for $name<$($a,)? T, B, S> {
            #[inline]
            fn next_back(&mut self) -> Option<T> {
                self.ring.pop_newest()
            }
        }

        impl<$($a,)? T, B: Storage<T>, S: Spout<T>> ExactSizeIterator for $name<$($a,)? T, B, S> {}
        impl<$($a,)? T, B: Storage<T>, S: Spout<T>> FusedIterator for $name<$($a,)? T, B, S> {}

        impl<$($a,)? T, B: Storage<T>, S: Spout<T>> Drop for $name<$($a,)? T, B, S> {
            fn drop(&mut self) {
                self.ring.clear();
            }
        }

        /// Shows the items not yet returned.
        impl<$($a,)? T: fmt::Debug, B: Storage<T>, S: Spout<T>> fmt::Debug for $name<$($a,)? T, B, S> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // SAFETY: the ring is held exclusively and `&self` changes
                // nothing, so every item stays in place while it is shown.
                let rest = unsafe { self.ring.iter_unchecked() };
                f.debug_tuple(stringify!($name)).field(&Items(rest)).finish()
            }
        }

        // SAFETY: through `&Self`, the only calls are `size_hint` and
        // `Debug`, which read the indices and the items of a ring that no
        // one else can reach (it is held exclusively): sharing them between
        // threads is sharing `&T`s, so `T: Sync` suffices. `Storage`
        // requires `capacity` and `slots` to be safe to call from several
        // threads at once.
        unsafe impl<$($a,)? T: Sync, B: Storage<T>, S: Spout<T>> Sync for $name<$($a,)? T, B, S> {}
    };
}

removing_iterator!(Drain<'a>);
removing_iterator!(IntoIter);

impl<T, B: Storage<T>, S: Spout<T>> IntoIterator for Ring<T, B, S> {
    type Item = T;
    type IntoIter = IntoIter<T, B, S>;

    /// Takes the items out by value, oldest first.
    fn into_iter(self) -> IntoIter<T, B, S> {
        IntoIter { ring: self }
    }
}

impl<'a, T, B: Storage<T>, S: Spout<T>> IntoIterator for &'a mut Ring<T, B, S> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    /// The same as [`Ring::iter`]. There is no `IntoIterator for &Ring`:
    /// see [`Ring::iter`] for why iterating needs `&mut`.
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// Pushes every item in turn; full rings evict to their spout. Only for
/// spouts that cannot fail, since `Extend` cannot report an error.
impl<T, B: Storage<T>, S: Spout<T, Error = Infallible>> Extend<T> for Ring<T, B, S> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            match self.push_mut(item) {
                Ok(()) => {}
                Err(never) => match never {},
            }
        }
    }
}

/// Pushes a copy of every item in turn, as `Extend<T>` does.
impl<'a, T: Copy + 'a, B: Storage<T>, S: Spout<T, Error = Infallible>> Extend<&'a T>
    for Ring<T, B, S>
{
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, items: I) {
        self.extend(items.into_iter().copied());
    }
}

/// Builds a ring of capacity `N` with the spout's default and pushes every
/// item: when there are more than `N`, the oldest go to the spout.
impl<T, const N: usize, S> FromIterator<T> for Ring<T, Inline<T, N>, S>
where
    S: Spout<T, Error = Infallible> + Default,
{
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut ring = Self::default();
        ring.extend(items);
        ring
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    extern crate std;

    use std::string::{String, ToString};
    use std::vec::Vec;

    use spout::CollectSpout;

    use crate::{HeapRing, SpillRing};

    /// A ring of capacity 4 holding 10..14 with its indices across the
    /// wrap-around point of `usize`.
    fn wrapped() -> SpillRing<u32, 4> {
        let mut ring = SpillRing::new();
        ring.start_indices_at(usize::MAX - 1);
        for i in 8..14 {
            ring.push(i);
        }
        ring
    }

    #[test]
    fn iter_goes_from_oldest_to_newest_and_back() {
        let mut ring = wrapped();
        assert!(ring.iter().eq(&[10, 11, 12, 13]));
        assert!(ring.iter().rev().eq(&[13, 12, 11, 10]));
        let mut iter = ring.iter();
        assert_eq!(iter.len(), 4);
        assert_eq!((iter.next(), iter.next_back()), (Some(&10), Some(&13)));
        assert_eq!(iter.size_hint(), (2, Some(2)));
        assert_eq!((iter.next(), iter.next()), (Some(&11), Some(&12)));
        assert_eq!((iter.next(), iter.next_back()), (None, None));
        assert_eq!(iter.next(), None, "fused");
        let by_ref: Vec<u32> = (&mut ring).into_iter().copied().collect();
        assert_eq!(by_ref, [10, 11, 12, 13]);
    }

    #[test]
    fn iter_mut_changes_items_in_place() {
        let mut ring = wrapped();
        for item in ring.iter_mut() {
            *item *= 2;
        }
        if let Some(last) = ring.iter_mut().next_back() {
            *last = 0;
        }
        assert!(ring.iter().eq(&[20, 22, 24, 0]));
        assert_eq!(ring.pop(), Some(20));
    }

    #[test]
    fn iterating_an_empty_ring_yields_nothing() {
        let mut ring: SpillRing<String, 2> = SpillRing::new();
        assert_eq!(ring.iter().next(), None);
        assert_eq!(ring.iter_mut().next_back(), None);
        assert_eq!(ring.drain().next(), None);
    }

    #[test]
    fn drain_removes_items_oldest_first_without_the_spout() {
        let mut ring: HeapRing<String, _> =
            HeapRing::with_capacity_and_spout(2, CollectSpout::new()).unwrap();
        for word in ["a", "b", "c"] {
            ring.push(word.to_string()).unwrap();
        }
        let mut drain = ring.drain();
        assert_eq!(drain.len(), 2);
        assert_eq!(drain.next().as_deref(), Some("b"));
        drop(drain);
        assert!(ring.is_empty());
        assert_eq!(ring.spout().items(), &["a".to_string()]);
        ring.push("d".to_string()).unwrap();
        let all: Vec<String> = ring.drain().collect();
        assert_eq!(all, ["d"]);
    }

    #[test]
    fn extend_pushes_each_item_and_evicts_when_full() {
        let mut ring: SpillRing<u32, 4, _> = SpillRing::with_spout(CollectSpout::new());
        ring.extend(0..10);
        assert!(ring.iter().eq(&[6, 7, 8, 9]));
        assert_eq!(ring.spout().items(), &[0, 1, 2, 3, 4, 5]);
    }
}
