//! What the C ABI costs against the Rust-native ring, in one run: the same
//! operation on `u64` items at capacity 1024, once on the core's rings
//! from Rust and once through the exported `extern "C"` functions, in the
//! same criterion group so that the ratio comes from one run.
//!
//! - `rust_heap_ring`: [`HeapRing`] (run-time capacity, as the C ABI's rings),
//! - `rust_spill_ring`: [`SpillRing`] (capacity fixed at compile time),
//! - `c_abi`: a `spill_ring_u64` handle driven through its exported
//!   functions. Each function is called through a pointer hidden behind
//!   `black_box`, so it is a real call into the compiled function, as a C
//!   caller makes it, never inlined into the benchmark's loop.
//!
//! Groups: `abi_push/1024` (every push evicts, no spout), `abi_try_push/1024`
//! (the ring has room), `abi_pop/1024` and `abi_push_bulk/1024` (slices of
//! 64). Time is the benchmark thread's CPU time.
//!
//! `cargo bench --bench abi`

#[path = "../crates/spill-ring-core/benches/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::ptr;

use common::ThreadCpuTime;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use spill_ring::ffi::{spill_ring_u64, spill_status, RingFamily};
use spill_ring::{HeapRing, SpillRing};

/// Ring capacity of every case.
const CAP: usize = 1024;

/// Items pushed per timed iteration.
const PUSHES: usize = 4096;

/// Items per `push_bulk` call (and per `push_slice` call on the Rust side).
const BULK: usize = 64;

/// Rings prepared ahead of one timed batch of iterations (try_push, pop).
const RINGS_PER_BATCH: u64 = 64;

/// A C ring handle of capacity [`CAP`] without a spout (evicted items are
/// dropped, as with the Rust rings' `DropSpout`), freed on drop.
struct CRing(*mut spill_ring_u64);

impl CRing {
    fn new() -> Self {
        // SAFETY: a NULL spout is allowed: the ring drops what it evicts.
        let ring = unsafe { <spill_ring_u64 as RingFamily>::NEW(CAP, ptr::null()) };
        assert!(!ring.is_null(), "spill_ring_u64_new failed");
        CRing(ring)
    }
}

impl Drop for CRing {
    fn drop(&mut self) {
        // SAFETY: a live handle, not used again.
        let status = unsafe { <spill_ring_u64 as RingFamily>::FREE(self.0) };
        assert_eq!(status, spill_status::SPILL_OK);
    }
}

/// Pushes `item` into the C ring, checking the status (for filling rings
/// before the timing).
fn c_push(ring: &mut CRing, item: u64) {
    // SAFETY: a live handle, used by this thread only.
    let status = unsafe { <spill_ring_u64 as RingFamily>::PUSH(ring.0, item) };
    assert_eq!(status, spill_status::SPILL_OK);
}

/// An empty Rust-native ring of capacity [`CAP`].
fn heap() -> HeapRing<u64> {
    HeapRing::with_capacity(CAP).expect("a valid capacity")
}

/// `PUSHES` pushes into a full ring: every push evicts the oldest item.
fn push(c: &mut Criterion<ThreadCpuTime>) {
    let mut g = common::group(c, format!("abi_push/{CAP}"), PUSHES);
    let heap = heap();
    common::bench_push(&mut g, "rust_heap_ring", PUSHES, CAP, heap, |r, x| {
        let _ = r.push(x);
    });
    common::bench_push(
        &mut g,
        "rust_spill_ring",
        PUSHES,
        CAP,
        SpillRing::<u64, CAP>::new(),
        |r, x| {
            let _ = r.push(x);
        },
    );
    let ring = common::filled(CRing::new(), CAP, c_push);
    let push = black_box(<spill_ring_u64 as RingFamily>::PUSH);
    // Filled above already, so `fill` is 0; the status is ignored as the
    // Rust cases ignore their `Result` (it is always OK here: no spout).
    common::bench_push(&mut g, "c_abi", PUSHES, 0, ring, |r, x| {
        // SAFETY: a live handle, used by this thread only.
        let _ = unsafe { push(r.0, x) };
    });
    g.finish();
}

/// `CAP` try_push calls into an empty ring (made before the timing), so
/// every item fits.
fn try_push(c: &mut Criterion<ThreadCpuTime>) {
    let mut g = common::group(c, format!("abi_try_push/{CAP}"), CAP);
    let items = common::items(CAP);
    g.bench_function("rust_heap_ring", |b| {
        b.iter_batched_ref(
            heap,
            |ring| {
                for &x in black_box(&items[..]) {
                    let _ = ring.try_push(x);
                }
            },
            BatchSize::NumIterations(RINGS_PER_BATCH),
        )
    });
    g.bench_function("c_abi", |b| {
        b.iter_batched_ref(
            CRing::new,
            |ring| {
                let try_push = black_box(<spill_ring_u64 as RingFamily>::TRY_PUSH);
                for &x in black_box(&items[..]) {
                    // SAFETY: a live handle, used by this thread only.
                    let _ = unsafe { try_push(ring.0, x) };
                }
            },
            BatchSize::NumIterations(RINGS_PER_BATCH),
        )
    });
    g.finish();
}

/// Pops every item of a full ring, filled before the timing; the popped
/// values are summed so that each is used.
fn pop(c: &mut Criterion<ThreadCpuTime>) {
    let mut g = common::group(c, format!("abi_pop/{CAP}"), CAP);
    g.bench_function("rust_heap_ring", |b| {
        b.iter_batched_ref(
            || {
                let ring = heap();
                common::filled(ring, CAP, |r, x| {
                    let _ = r.push(x);
                })
            },
            |ring| {
                let mut sum = 0u64;
                while let Some(x) = ring.pop() {
                    sum = sum.wrapping_add(x);
                }
                sum
            },
            BatchSize::NumIterations(RINGS_PER_BATCH),
        )
    });
    g.bench_function("c_abi", |b| {
        b.iter_batched_ref(
            || common::filled(CRing::new(), CAP, c_push),
            |ring| {
                let pop = black_box(<spill_ring_u64 as RingFamily>::POP);
                let mut sum = 0u64;
                let mut x = 0u64;
                // SAFETY: a live handle used by this thread only; `x` is
                // writable.
                while unsafe { pop(ring.0, &mut x) } == spill_status::SPILL_OK {
                    sum = sum.wrapping_add(x);
                }
                sum
            },
            BatchSize::NumIterations(RINGS_PER_BATCH),
        )
    });
    g.finish();
}

/// `PUSHES` items pushed in slices of `BULK` into a full ring.
fn push_bulk(c: &mut Criterion<ThreadCpuTime>) {
    let mut g = common::group(c, format!("abi_push_bulk/{CAP}"), PUSHES);
    let items = common::items(BULK);
    let heap = common::filled(heap(), CAP, |r, x| {
        let _ = r.push(x);
    });
    g.bench_function("rust_heap_ring", |b| {
        b.iter(|| {
            for _ in 0..PUSHES / BULK {
                let _ = heap.push_slice(black_box(&items[..]));
            }
        })
    });
    let ring = common::filled(CRing::new(), CAP, c_push);
    g.bench_function("c_abi", |b| {
        let push_bulk = black_box(<spill_ring_u64 as RingFamily>::PUSH_BULK);
        b.iter(|| {
            for _ in 0..PUSHES / BULK {
                let items = black_box(&items[..]);
                // SAFETY: a live handle used by this thread only; `items`
                // holds `items.len()` items; the count out-pointer may be
                // NULL.
                let status =
                    unsafe { push_bulk(ring.0, items.as_ptr(), items.len(), ptr::null_mut()) };
                debug_assert_eq!(status, spill_status::SPILL_OK);
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = abi;
    config = common::cpu_config();
    targets = push, try_push, pop, push_bulk
}
criterion_main!(abi);
