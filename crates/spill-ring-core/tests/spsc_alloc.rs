//! Pushing, popping, evicting, reserving, reading and waiting on the
//! concurrent rings allocate nothing once built. This binary counts every
//! allocation of the process, so it holds this one test only.
#![cfg(all(feature = "std", not(loom)))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use spill_ring_core::concurrent::{mpsc, spsc};
use spill_ring_core::FnSpout;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter has no effect on the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the caller upholds `alloc`'s contract, passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: as for `alloc`; `ptr` came from this allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from the system allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
#[cfg_attr(miri, ignore)]
fn ring_operations_allocate_nothing() {
    let mut sum = 0_u64;
    let (mut producer, mut consumer) = spsc::Builder::new(8)
        .hold(4)
        .waking(true)
        .build_with_spout(FnSpout::new(|item: u64| sum = sum.wrapping_add(item)))
        .unwrap();
    let (registry, mut lanes) = mpsc::Builder::new(2, 8)
        .waking(true)
        .build::<u64>()
        .unwrap();
    let mut round = |producer: &mut spsc::Producer<u64, _>, consumer: &mut spsc::Consumer<u64>| {
        for i in 0..20 {
            producer.push(i).unwrap(); // evicts past 8
        }
        let _ = producer.try_push(1);
        let mut chunk = producer.reserve(3);
        while chunk.push(7).is_ok() {}
        chunk.commit().unwrap();
        let mut total = 0;
        total += consumer.pop().unwrap_or(0);
        let mut out = [0; 2];
        consumer.pop_slice(&mut out);
        consumer.consume_all(|item| total += item);
        producer.push_wait(5).unwrap();
        for _ in 0..8 {
            producer.push(1).unwrap();
        }
        // Full: the wait parks (timing out) and unparks.
        let _ = producer.push_wait_timeout(6, Duration::from_millis(1));
        let chunk = consumer.read(4);
        total += chunk.iter().sum::<u64>();
        drop(chunk);
        consumer.consume_all(|item| total += item);
        let mut lane = registry.register().unwrap();
        for i in 0..12 {
            lane.push(i).unwrap();
        }
        drop(lane); // unregisters
        lanes.drain(4, |item| total += item);
        while lanes.pop().is_some() {}
        total
    };
    // Warm up: the thread handle of the waiting push.
    round(&mut producer, &mut consumer);
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    for _ in 0..50 {
        round(&mut producer, &mut consumer);
    }
    let during = ALLOCATIONS.load(Ordering::SeqCst) - before;
    assert_eq!(during, 0, "allocations during 50 rounds");
    drop(producer);
    assert!(sum > 0);
}
