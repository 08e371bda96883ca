//! What the loom models check at the end of every execution.

use core::fmt::Debug;
use core::ops::Range;

/// Checks that `popped` and `evicted` together hold `0..n` exactly once,
/// each in order.
pub fn exactly_once<T>(popped: &[T], evicted: &[T], n: T)
where
    T: Ord + Copy + Debug + Default,
    Range<T>: Iterator<Item = T>,
{
    assert!(
        popped.windows(2).all(|w| w[0] < w[1]),
        "consumer order {popped:?}"
    );
    assert!(
        evicted.windows(2).all(|w| w[0] < w[1]),
        "evict order {evicted:?}"
    );
    let mut all: Vec<T> = popped.iter().chain(evicted).copied().collect();
    all.sort_unstable();
    assert_eq!(
        all,
        (T::default()..n).collect::<Vec<_>>(),
        "popped {popped:?} evicted {evicted:?}"
    );
}
