//! A pool round allocates nothing: rings swap through the handoff slots and
//! the arguments' copy lives in the pool. This binary counts every
//! allocation of the process, so it holds this one test only.
#![cfg(feature = "std")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use spill_ring_core::{FnSpout, MpscRing, SequencedCollector, UnorderedCollector};

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
        // SAFETY: as for `alloc`; `ptr` came from this allocator, which is
        // the system allocator.
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
fn rounds_allocate_nothing() {
    let mut pool = MpscRing::<u64, 1024>::pool(4).spawn(|ring, worker, count: &u64| {
        for i in 0..*count {
            ring.push(worker as u64 * 1_000_000 + i);
        }
    });
    let mut total = 0_u64;
    let mut sum = FnSpout::new(|item: u64| total = total.wrapping_add(item));
    let mut ordered = SequencedCollector::new(FnSpout::new(|_: u64| {}));
    let mut round = |pool: &mut spill_ring_core::WorkerPool<u64, u64>| {
        // run + collect
        pool.run(&100).unwrap();
        pool.collect(&mut sum).unwrap();
        // dispatch, streaming collect, join, collect
        pool.dispatch(&200);
        pool.collect(&mut sum).unwrap();
        pool.join().unwrap();
        pool.collect(&mut sum).unwrap();
        // a slow consumer: batches fold together, rings overflow
        for _ in 0..3 {
            pool.dispatch(&700);
        }
        pool.join().unwrap();
        // fan-in, unordered and sequenced
        pool.with_fan_in(UnorderedCollector::new(&mut sum), |fan_in| {
            fan_in.run(&50).unwrap();
            fan_in.collect().unwrap();
        });
        pool.with_fan_in(&mut ordered, |fan_in| {
            fan_in.dispatch(&50);
            fan_in.collect().unwrap();
            fan_in.join().unwrap();
            fan_in.collect().unwrap();
        });
    };
    // Warm up: thread handles, the sequenced collector's buffers.
    for _ in 0..3 {
        round(&mut pool);
    }
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    for _ in 0..50 {
        round(&mut pool);
    }
    let during = ALLOCATIONS.load(Ordering::SeqCst) - before;
    assert_eq!(during, 0, "allocations during 50 steady-state rounds");
    assert!(total > 0);
}
