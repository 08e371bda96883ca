//! Spouts that need no allocation: dropping and closure-backed spouts.

use core::convert::Infallible;

use crate::Spout;

/// Drops every item it receives. The default spout of a ring: evicted items
/// are discarded, as in an ordinary overwriting ring buffer.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DropSpout;

impl DropSpout {
    /// Creates a dropping spout.
    pub const fn new() -> Self {
        DropSpout
    }
}

impl<T> Spout<T> for DropSpout {
    type Error = Infallible;

    #[inline(always)]
    fn send(&mut self, _item: T) -> Result<(), Infallible> {
        Ok(())
    }

    #[inline(always)]
    fn send_slice(&mut self, _items: &[T]) -> Result<(), Infallible>
    where
        T: Clone,
    {
        Ok(())
    }
}

/// Calls a closure on every item it receives.
///
/// ```
/// use spout::{FnSpout, Spout};
///
/// let mut total = 0;
/// let mut spout = FnSpout::new(|x: u32| total += x);
/// spout.send(2).unwrap();
/// spout.send(3).unwrap();
/// drop(spout);
/// assert_eq!(total, 5);
/// ```
#[derive(Debug, Clone)]
pub struct FnSpout<F>(pub F);

impl<F> FnSpout<F> {
    /// Wraps `f`, which is called once per item.
    pub const fn new(f: F) -> Self {
        FnSpout(f)
    }

    /// Returns the closure.
    pub fn into_inner(self) -> F {
        self.0
    }
}

impl<T, F: FnMut(T)> Spout<T> for FnSpout<F> {
    type Error = Infallible;

    #[inline]
    fn send(&mut self, item: T) -> Result<(), Infallible> {
        (self.0)(item);
        Ok(())
    }
}

/// A pair of closures: one called per item, one called on flush.
///
/// ```
/// use spout::{FnFlushSpout, Spout};
///
/// let mut sent = 0;
/// let mut flushed = 0;
/// let mut spout = FnFlushSpout::new(|_x: u8| sent += 1, || flushed += 1);
/// spout.send(1).unwrap();
/// spout.flush().unwrap();
/// drop(spout);
/// assert_eq!((sent, flushed), (1, 1));
/// ```
#[derive(Debug, Clone)]
pub struct FnFlushSpout<F, G> {
    send: F,
    flush: G,
}

impl<F, G> FnFlushSpout<F, G> {
    /// Wraps a per-item closure and a flush closure.
    pub const fn new(send: F, flush: G) -> Self {
        FnFlushSpout { send, flush }
    }
}

impl<T, F: FnMut(T), G: FnMut()> Spout<T> for FnFlushSpout<F, G> {
    type Error = Infallible;

    #[inline]
    fn send(&mut self, item: T) -> Result<(), Infallible> {
        (self.send)(item);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Infallible> {
        (self.flush)();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_spout_takes_everything_and_drops_it() {
        let dropped = core::cell::Cell::new(0);
        struct Counted<'a>(&'a core::cell::Cell<u32>);
        impl Drop for Counted<'_> {
            fn drop(&mut self) {
                self.0.set(self.0.get() + 1);
            }
        }
        let mut spout = DropSpout::new();
        spout.send(Counted(&dropped)).unwrap();
        spout
            .send_all([Counted(&dropped), Counted(&dropped)])
            .unwrap();
        assert_eq!(dropped.get(), 3);
        Spout::<u8>::send_slice(&mut spout, &[1, 2]).unwrap();
        Spout::<u8>::flush(&mut spout).unwrap();
    }

    #[test]
    fn fn_spout_calls_the_closure_per_item_in_order() {
        let mut seen = [0u8; 4];
        let mut next = 0;
        let mut spout = FnSpout::new(|x: u8| {
            seen[next] = x;
            next += 1;
        });
        spout.send(1).unwrap();
        spout.send_slice(&[2, 3]).unwrap();
        spout.send_all([4]).unwrap();
        spout.flush().unwrap();
        assert_eq!(seen, [1, 2, 3, 4]);
    }

    #[test]
    fn fn_flush_spout_calls_flush_only_on_flush() {
        let (mut sent, mut flushed) = (0, 0);
        let mut spout = FnFlushSpout::new(|x: u32| sent += x, || flushed += 1);
        spout.send_all([1, 2, 3]).unwrap();
        spout.flush().unwrap();
        spout.flush().unwrap();
        assert_eq!((sent, flushed), (6, 2));
    }
}
