//! [`ChannelSpout`] and [`SyncChannelSpout`]: spouts that send on
//! `std::sync::mpsc` channels.

use std::sync::mpsc::{self, Receiver, SendError, Sender, SyncSender};

use crate::Spout;

/// Defines a spout around one kind of `std::sync::mpsc` sender: the two kinds
/// share every line but their sender type.
macro_rules! channel_spout {
    ($(#[$doc:meta])* $name:ident, $sender:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name<T> {
            sender: $sender<T>,
        }

        impl<T> $name<T> {
            /// Wraps a sender.
            pub fn new(sender: $sender<T>) -> Self {
                $name { sender }
            }

            /// The sender.
            pub fn sender(&self) -> &$sender<T> {
                &self.sender
            }

            /// Returns the sender.
            pub fn into_inner(self) -> $sender<T> {
                self.sender
            }
        }

        impl<T> Clone for $name<T> {
            /// Another spout on the same channel.
            fn clone(&self) -> Self {
                $name {
                    sender: self.sender.clone(),
                }
            }
        }

        impl<T> From<$sender<T>> for $name<T> {
            fn from(sender: $sender<T>) -> Self {
                $name::new(sender)
            }
        }

        impl<T> Spout<T> for $name<T> {
            /// The receiver is gone; the error holds the item that could not
            /// be sent, as its field `0`.
            type Error = SendError<T>;

            #[inline]
            fn send(&mut self, item: T) -> Result<(), SendError<T>> {
                self.sender.send(item)
            }
        }
    };
}

channel_spout! {
    /// Sends every item on an unbounded [`std::sync::mpsc`] channel: sending
    /// never blocks.
    ///
    /// Fails only when the receiver is gone: the error is
    /// [`SendError`]`(item)`, which hands the item back. With
    /// [`send_all`](Spout::send_all) or [`send_slice`](Spout::send_slice), the
    /// items before the failing one were sent and the ones after it were not.
    /// [`flush`](Spout::flush) does nothing: a sent item is already visible
    /// to the receiver.
    ///
    /// ```
    /// use spout::{ChannelSpout, Spout};
    ///
    /// let (mut spout, rx) = ChannelSpout::unbounded();
    /// spout.send_all([1, 2, 3]).unwrap();
    /// assert_eq!(rx.try_iter().collect::<Vec<_>>(), vec![1, 2, 3]);
    ///
    /// drop(rx);
    /// assert_eq!(spout.send(4).unwrap_err().0, 4); // the item comes back
    /// ```
    ChannelSpout, Sender
}

channel_spout! {
    /// Sends every item on a bounded [`std::sync::mpsc`] channel: when the
    /// channel is full, sending blocks until the receiver takes an item. This
    /// is backpressure: a slow consumer slows its producers down instead of
    /// letting memory grow or items be dropped.
    ///
    /// Fails only when the receiver is gone (also while blocked): the error
    /// is [`SendError`]`(item)`, which hands the item back. With
    /// [`send_all`](Spout::send_all) or [`send_slice`](Spout::send_slice), the
    /// items before the failing one were sent and the ones after it were not.
    /// [`flush`](Spout::flush) does nothing.
    ///
    /// ```
    /// use spout::{Spout, SyncChannelSpout};
    ///
    /// let (mut spout, rx) = SyncChannelSpout::bounded(2);
    /// let consumer = std::thread::spawn(move || rx.iter().sum::<u64>());
    /// // The producer runs at most 2 items ahead of the consumer.
    /// spout.send_all(1..=100).unwrap();
    /// drop(spout);
    /// assert_eq!(consumer.join().unwrap(), 5050);
    /// ```
    SyncChannelSpout, SyncSender
}

impl<T> ChannelSpout<T> {
    /// Creates an unbounded channel: the spout that sends on it and its
    /// receiver.
    pub fn unbounded() -> (Self, Receiver<T>) {
        let (sender, receiver) = mpsc::channel();
        (ChannelSpout::new(sender), receiver)
    }
}

impl<T> SyncChannelSpout<T> {
    /// Creates a channel that holds at most `bound` items (0: every send
    /// waits for the receiver): the spout that sends on it and its receiver.
    pub fn bounded(bound: usize) -> (Self, Receiver<T>) {
        let (sender, receiver) = mpsc::sync_channel(bound);
        (SyncChannelSpout::new(sender), receiver)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;
    use std::time::Duration;

    use super::*;

    #[test]
    fn channel_spout_delivers_in_order() {
        let (mut spout, rx) = ChannelSpout::unbounded();
        spout.send(0).unwrap();
        spout.send_slice(&[1, 2]).unwrap();
        let mut other = spout.clone();
        other.send_all(3..5).unwrap();
        spout.flush().unwrap();
        drop((spout, other));
        assert_eq!(rx.iter().collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn channel_spout_hands_the_item_back_when_disconnected() {
        let (tx, rx) = mpsc::channel::<String>();
        let mut spout = ChannelSpout::from(tx);
        drop(rx);
        let err = spout.send("lost?".to_owned()).unwrap_err();
        assert_eq!(err.0, "lost?");
        assert_eq!(err.to_string(), "sending on a closed channel");
        assert!(spout.send_all(["a".to_owned()]).is_err());
    }

    #[test]
    fn send_all_stops_at_the_disconnection() {
        let (mut spout, rx) = SyncChannelSpout::bounded(3);
        let reader = thread::spawn(move || {
            let first = rx.recv().unwrap();
            drop(rx);
            first
        });
        let mut produced = 0;
        let err = spout
            .send_all((0..1_000).inspect(|_| produced += 1))
            .unwrap_err();
        assert_eq!(reader.join().unwrap(), 0);
        // The failing item is handed back and nothing after it was taken.
        assert_eq!(err.0, produced - 1);
        assert!(produced < 1_000);
    }

    #[test]
    fn sync_channel_spout_blocks_when_full() {
        let (spout, rx) = SyncChannelSpout::bounded(2);
        let sent = AtomicUsize::new(0);
        thread::scope(|s| {
            let sent = &sent;
            let mut spout = spout.clone();
            s.spawn(move || {
                for i in 0..5 {
                    spout.send(i).unwrap();
                    sent.fetch_add(1, Ordering::SeqCst);
                }
            });
            // The producer can get 2 items into the channel, then blocks.
            while sent.load(Ordering::SeqCst) < 2 {
                thread::yield_now();
            }
            thread::sleep(Duration::from_millis(50));
            assert_eq!(sent.load(Ordering::SeqCst), 2);
            assert_eq!(rx.recv().unwrap(), 0);
            while sent.load(Ordering::SeqCst) < 3 {
                thread::yield_now();
            }
            thread::sleep(Duration::from_millis(50));
            assert_eq!(sent.load(Ordering::SeqCst), 3);
            let rest: Vec<i32> = (0..4).map(|_| rx.recv().unwrap()).collect();
            assert_eq!(rest, vec![1, 2, 3, 4]);
        });
        drop(spout);
    }

    #[test]
    fn sync_channel_spout_hands_the_item_back_when_disconnected() {
        let (mut spout, rx) = SyncChannelSpout::bounded(1);
        drop(rx);
        assert_eq!(spout.send_slice(&[7, 8]).unwrap_err().0, 7);
        assert!(spout.flush().is_ok());
        let _sender: SyncSender<i32> = spout.into_inner();
    }
}
