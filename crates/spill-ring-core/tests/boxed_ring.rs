//! A large inline ring built on the heap never passes through the stack: it
//! can be made on a thread whose stack is much smaller than the ring.
#![cfg(feature = "std")]

use std::thread;

use spill_ring_core::{CollectSpout, SpillRing};

/// 256 KiB of stack: a quarter of the 1 MiB ring below.
const SMALL_STACK: usize = 256 * 1024;

#[test]
fn a_boxed_ring_larger_than_the_stack_is_built_in_place() {
    let ring = thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(|| {
            let ring = SpillRing::<u8, { 1 << 20 }>::new_boxed();
            for i in 0..10u8 {
                ring.push(i);
            }
            ring
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(ring.len(), 10);
    assert_eq!(ring.capacity(), 1 << 20);
    assert_eq!(ring.pop(), Some(0));
}

#[test]
fn a_boxed_ring_with_a_spout_evicts_into_it() {
    let mut ring = SpillRing::<String, 2, _>::boxed_with_spout(CollectSpout::new());
    for word in ["a", "b", "c"] {
        ring.push(word.to_string());
    }
    assert_eq!(ring.spout().items(), &["a".to_string()]);
    assert!(ring.iter().eq(["b", "c"]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .iter()));
    drop(ring);
}
