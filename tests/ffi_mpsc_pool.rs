//! MPSC sets and worker pools through their C functions (u64 family, plus
//! a smoke test of another family): threads, collection orders, mergers,
//! backpressure, failing work functions, and misuse.

mod ffi_support;

use std::ffi::{c_int, c_void};
use std::ptr::{null, null_mut};
use std::sync::Mutex;

use ffi_support::{expect, last_error, Ptr, Recorder, SharedRecorder};
use spill_ring::ffi::spill_status::*;
use spill_ring::ffi::*;

fn item(producer: u64, i: u64) -> u64 {
    producer << 32 | i
}

#[test]
fn mpsc_producers_on_threads_then_drain() {
    let evicted: Vec<SharedRecorder> = (0..4).map(|_| SharedRecorder::default()).collect();
    let spouts: Vec<spill_spout> = evicted.iter().map(SharedRecorder::spout).collect();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let mpsc = spill_mpsc_u64_new(4, 1024, spouts.as_ptr(), 4);
        assert!(!mpsc.is_null(), "{}", last_error());
        assert_eq!(spill_mpsc_u64_producers(mpsc), 4);
        let threads: Vec<_> = (0..4)
            .map(|id| {
                let producer = Ptr(spill_mpsc_u64_producer(mpsc, id));
                std::thread::spawn(move || {
                    let ring = producer;
                    for i in 0..1500 {
                        expect(spill_ring_u64_push(ring.0, item(id as u64, i)), SPILL_OK);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(spill_mpsc_u64_len(mpsc), 4 * 1024);
        let merged = Recorder::<u64>::new();
        let dst = merged.spout();
        let mut drained = 0;
        expect(spill_mpsc_u64_drain(mpsc, &dst, &mut drained), SPILL_OK);
        assert_eq!(drained, 4 * 1024);
        // Producer by producer in id order, each oldest first.
        let expected: Vec<u64> = (0..4)
            .flat_map(|p| (476..1500).map(move |i| item(p, i)))
            .collect();
        assert_eq!(merged.items(), expected);
        // Every producer evicted its own 476 oldest items into its spout.
        for (p, rec) in evicted.iter().enumerate() {
            assert_eq!(
                rec.items(),
                (0..476).map(|i| item(p as u64, i)).collect::<Vec<_>>()
            );
        }
        assert_eq!(spill_mpsc_u64_len(mpsc), 0);
        expect(spill_mpsc_u64_free(mpsc), SPILL_OK);
    }
}

#[test]
fn mpsc_free_flushes_producers_and_refuses_misuse() {
    let shared = SharedRecorder::default();
    let spout = shared.spout();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let mpsc = spill_mpsc_u64_new(3, 4, &spout, 1);
        for id in 0..3 {
            let ring = spill_mpsc_u64_producer(mpsc, id);
            expect(spill_ring_u64_push(ring, item(id as u64, 1)), SPILL_OK);
            let mut x = 0;
            expect(spill_ring_u64_peek(ring, &mut x), SPILL_OK);
            assert_eq!(x, item(id as u64, 1));
        }
        let ring = spill_mpsc_u64_producer(mpsc, 0);
        expect(spill_ring_u64_free(ring), SPILL_INVALID_ARGUMENT);
        assert!(last_error().contains("spill_mpsc"), "{}", last_error());
        assert!(spill_mpsc_u64_producer(mpsc, 3).is_null());
        assert!(last_error().contains("producer 3"), "{}", last_error());
        expect(
            spill_mpsc_u64_drain(mpsc, null(), null_mut()),
            SPILL_NULL_ARGUMENT,
        );
        expect(spill_mpsc_u64_free(mpsc), SPILL_OK);
        let mut got = shared.items();
        got.sort_unstable();
        assert_eq!(got, vec![item(0, 1), item(1, 1), item(2, 1)]);

        assert!(spill_mpsc_u64_new(0, 4, null(), 0).is_null());
        assert!(spill_mpsc_u64_new(2, 5, null(), 0).is_null());
        let two = [spout, spout];
        assert!(spill_mpsc_u64_new(3, 4, two.as_ptr(), 2).is_null());
        assert!(last_error().contains("spout_count"), "{}", last_error());
        assert!(spill_mpsc_u64_new(3, 4, null(), 1).is_null());
        assert!(spill_mpsc_u64_producer(null_mut(), 0).is_null());
        assert_eq!(spill_mpsc_u64_len(null()), 0);
        expect(spill_mpsc_u64_free(null_mut()), SPILL_OK);
    }
}

/// What the test work function does: push `count` items per worker per
/// round, fail on `fail_worker`, and try a few things it must not do.
#[repr(C)]
struct Round {
    round: u64,
    count: u64,
    fail_worker: u64,
}

#[derive(Default)]
struct WorkCtx {
    pool: Mutex<Option<usize>>,
    busy_status: Mutex<Option<spill_status>>,
    collector: Mutex<Option<usize>>,
    collector_status: Mutex<Option<spill_status>>,
    peek_status: Mutex<Option<spill_status>>,
    last_ring: Mutex<Option<usize>>,
}

fn encode(round: u64, worker: usize, i: u64) -> u64 {
    round << 40 | (worker as u64) << 32 | i
}

unsafe extern "C" fn work(
    ring: *mut spill_ring_u64,
    worker: usize,
    args: *const c_void,
    ctx: *mut c_void,
) -> c_int {
    // SAFETY: the tests pass a Round and a WorkCtx.
    let (round, ctx) = unsafe { (&*args.cast::<Round>(), &*ctx.cast::<WorkCtx>()) };
    for i in 0..round.count {
        // SAFETY: the ring is valid during the call.
        let status = unsafe { spill_ring_u64_push(ring, encode(round.round, worker, i)) };
        assert_eq!(status, SPILL_OK);
    }
    if worker == 0 {
        if let Some(pool) = *ctx.pool.lock().unwrap() {
            // SAFETY: a live pool; the call must be refused.
            let status = unsafe { spill_pool_u64_join(pool as *mut spill_pool_u64) };
            *ctx.busy_status.lock().unwrap() = Some(status);
        }
        if let Some(collector) = *ctx.collector.lock().unwrap() {
            let collector = collector as *mut spill_collector_u64;
            // SAFETY: a live collector; the call must be refused.
            let status = unsafe { spill_collector_u64_release(collector, null_mut()) };
            *ctx.collector_status.lock().unwrap() = Some(status);
        }
        let mut x = 0;
        // SAFETY: valid ring, valid out-pointer.
        *ctx.peek_status.lock().unwrap() = Some(unsafe { spill_ring_u64_peek(ring, &mut x) });
        *ctx.last_ring.lock().unwrap() = Some(ring as usize);
    }
    c_int::from(worker as u64 == round.fail_worker)
}

const NO_FAIL: u64 = u64::MAX;

#[test]
fn pool_rounds_collect_unordered_and_sequenced() {
    let ctx = WorkCtx::default();
    let out = SharedRecorder::default();
    let spout = out.spout();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let pool = spill_pool_u64_new(
            3,
            64,
            Some(work),
            (&ctx as *const WorkCtx).cast_mut().cast(),
            null(),
        );
        assert!(!pool.is_null(), "{}", last_error());
        *ctx.pool.lock().unwrap() = Some(pool as usize);
        assert_eq!(spill_pool_u64_workers(pool), 3);
        assert_eq!(spill_pool_u64_capacity(pool), 64);

        let sequenced = spill_collector_u64_sequenced(&spout);
        assert!(!sequenced.is_null(), "{}", last_error());
        *ctx.collector.lock().unwrap() = Some(sequenced as usize);
        let mut expected = Vec::new();
        let rounds: Vec<Round> = (1..=4)
            .map(|r| Round {
                round: r,
                count: 5,
                fail_worker: NO_FAIL,
            })
            .collect();
        for round in &rounds {
            expect(
                spill_pool_u64_dispatch(pool, (round as *const Round).cast()),
                SPILL_OK,
            );
            expect(spill_pool_u64_join(pool), SPILL_OK);
            let mut n = 0;
            expect(spill_pool_u64_collect(pool, sequenced, &mut n), SPILL_OK);
            assert_eq!(n, 15);
            for w in 0..3 {
                expected.extend((0..5).map(|i| encode(round.round, w, i)));
            }
        }
        // Dispatch order: round by round, worker by worker.
        assert_eq!(out.items(), expected);
        assert_eq!(spill_collector_u64_pending(sequenced), 0);
        assert_eq!(*ctx.collector_status.lock().unwrap(), Some(SPILL_BUSY));
        *ctx.collector.lock().unwrap() = None;
        expect(spill_collector_u64_free(sequenced), SPILL_OK);

        // Calls from inside a work function are refused; worker rings
        // cannot be peeked at, and are dead outside their work function.
        assert_eq!(*ctx.busy_status.lock().unwrap(), Some(SPILL_BUSY));
        assert_eq!(
            *ctx.peek_status.lock().unwrap(),
            Some(SPILL_INVALID_ARGUMENT)
        );
        let stale = ctx.last_ring.lock().unwrap().unwrap() as *mut spill_ring_u64;
        expect(spill_ring_u64_push(stale, 1), SPILL_INVALID_ARGUMENT);
        assert!(last_error().contains("work function"), "{}", last_error());
        expect(spill_ring_u64_free(stale), SPILL_INVALID_ARGUMENT);

        // Unordered: everything of a run, each worker's items in order.
        let unordered_out = SharedRecorder::default();
        let unordered_spout = unordered_out.spout();
        let unordered = spill_collector_u64_unordered(&unordered_spout);
        let round = Round {
            round: 9,
            count: 10,
            fail_worker: NO_FAIL,
        };
        expect(
            spill_pool_u64_run(pool, (&round as *const Round).cast()),
            SPILL_OK,
        );
        let mut n = 0;
        expect(spill_pool_u64_collect(pool, unordered, &mut n), SPILL_OK);
        assert_eq!(n, 30);
        let got = unordered_out.items();
        for w in 0..3 {
            let mine: Vec<u64> = got
                .iter()
                .copied()
                .filter(|x| (x >> 32) & 0xff == w)
                .collect();
            assert_eq!(
                mine,
                (0..10)
                    .map(|i| encode(9, w as usize, i))
                    .collect::<Vec<_>>()
            );
        }
        expect(spill_pool_u64_collect(pool, unordered, &mut n), SPILL_OK);
        assert_eq!(n, 0);
        expect(spill_collector_u64_free(unordered), SPILL_OK);
        expect(spill_pool_u64_free(pool), SPILL_OK);
    }
}

#[test]
fn pool_mergers_run_in_parallel_each_with_its_own_spout() {
    let ctx = WorkCtx::default();
    let outs: Vec<SharedRecorder> = (0..2).map(|_| SharedRecorder::default()).collect();
    let spouts: Vec<spill_spout> = outs.iter().map(SharedRecorder::spout).collect();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let pool = spill_pool_u64_new(
            5,
            128,
            Some(work),
            (&ctx as *const WorkCtx).cast_mut().cast(),
            null(),
        );
        let collectors: Vec<*mut spill_collector_u64> = spouts
            .iter()
            .map(|s| spill_collector_u64_unordered(s))
            .collect();
        let round = Round {
            round: 1,
            count: 100,
            fail_worker: NO_FAIL,
        };
        expect(
            spill_pool_u64_run(pool, (&round as *const Round).cast()),
            SPILL_OK,
        );
        let mut n = 0;
        expect(
            spill_pool_u64_merge(pool, collectors.as_ptr(), 2, &mut n),
            SPILL_OK,
        );
        assert_eq!(n, 500);
        // Merger j owns workers i with i % 2 == j.
        for (j, out) in outs.iter().enumerate() {
            let mut workers: Vec<u64> = out.items().iter().map(|x| (x >> 32) & 0xff).collect();
            workers.dedup();
            let expected: Vec<u64> = (0..5).filter(|w| w % 2 == j as u64).collect();
            assert_eq!(workers, expected);
        }
        let twice = [collectors[0], collectors[0]];
        expect(
            spill_pool_u64_merge(pool, twice.as_ptr(), 2, &mut n),
            SPILL_INVALID_ARGUMENT,
        );
        expect(
            spill_pool_u64_merge(pool, collectors.as_ptr(), 0, &mut n),
            SPILL_INVALID_ARGUMENT,
        );
        let with_null = [collectors[0], null_mut()];
        expect(
            spill_pool_u64_merge(pool, with_null.as_ptr(), 2, &mut n),
            SPILL_NULL_ARGUMENT,
        );
        for c in collectors {
            expect(spill_collector_u64_free(c), SPILL_OK);
        }
        expect(spill_pool_u64_free(pool), SPILL_OK);
    }
}

#[test]
fn a_failing_work_function_is_reported_and_the_pool_goes_on() {
    let ctx = WorkCtx::default();
    let out = SharedRecorder::default();
    let spout = out.spout();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let pool = spill_pool_u64_new(
            3,
            16,
            Some(work),
            (&ctx as *const WorkCtx).cast_mut().cast(),
            null(),
        );
        let collector = spill_collector_u64_unordered(&spout);
        let failing = Round {
            round: 1,
            count: 2,
            fail_worker: 2,
        };
        expect(
            spill_pool_u64_run(pool, (&failing as *const Round).cast()),
            SPILL_WORKER_PANICKED,
        );
        assert!(last_error().contains("worker 2"), "{}", last_error());
        assert!(last_error().contains("returned 1"), "{}", last_error());
        // What the failing worker pushed is still published.
        let mut n = 0;
        expect(spill_pool_u64_collect(pool, collector, &mut n), SPILL_OK);
        assert_eq!(n, 6);
        let fine = Round {
            round: 2,
            count: 2,
            fail_worker: NO_FAIL,
        };
        expect(
            spill_pool_u64_run(pool, (&fine as *const Round).cast()),
            SPILL_OK,
        );
        expect(
            spill_pool_u64_dispatch(pool, (&failing as *const Round).cast()),
            SPILL_OK,
        );
        expect(spill_pool_u64_free(pool), SPILL_WORKER_PANICKED);
        expect(spill_collector_u64_free(collector), SPILL_OK);
    }
}

/// With nobody collecting, workers fold rounds into their pending batch
/// and the overflow spout gets the oldest items: every item is found
/// exactly once, in the overflow spout or collected.
#[test]
fn backpressure_loses_nothing() {
    let ctx = WorkCtx::default();
    let overflow = SharedRecorder::default();
    let overflow_spout = overflow.spout();
    let out = SharedRecorder::default();
    let out_spout = out.spout();
    let mut pushed = Vec::new();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let pool = spill_pool_u64_new(
            2,
            8,
            Some(work),
            (&ctx as *const WorkCtx).cast_mut().cast(),
            &overflow_spout,
        );
        for r in 1..=6 {
            let round = Round {
                round: r,
                count: 5,
                fail_worker: NO_FAIL,
            };
            expect(
                spill_pool_u64_run(pool, (&round as *const Round).cast()),
                SPILL_OK,
            );
            for w in 0..2 {
                pushed.extend((0..5).map(|i| encode(r, w, i)));
            }
        }
        assert!(!overflow.items().is_empty());
        let collector = spill_collector_u64_unordered(&out_spout);
        expect(
            spill_pool_u64_collect(pool, collector, null_mut()),
            SPILL_OK,
        );
        assert_eq!(spill_pool_u64_spout_failures(pool), 0);
        // More rounds, never collected: free sends them to the overflow.
        let round = Round {
            round: 7,
            count: 3,
            fail_worker: NO_FAIL,
        };
        expect(
            spill_pool_u64_run(pool, (&round as *const Round).cast()),
            SPILL_OK,
        );
        for w in 0..2 {
            pushed.extend((0..3).map(|i| encode(7, w, i)));
        }
        expect(spill_pool_u64_free(pool), SPILL_OK);
        expect(spill_collector_u64_free(collector), SPILL_OK);
    }
    let mut found = overflow.items();
    found.extend(out.items());
    found.sort_unstable();
    pushed.sort_unstable();
    assert_eq!(found, pushed);
}

/// A collector whose spout refuses keeps the refused batch and offers it
/// again first.
#[test]
fn a_refusing_collector_keeps_the_batch() {
    let ctx = WorkCtx::default();
    let rec = Recorder::<u64>::new();
    let spout = rec.spout();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let pool = spill_pool_u64_new(
            2,
            16,
            Some(work),
            (&ctx as *const WorkCtx).cast_mut().cast(),
            null(),
        );
        let collector = spill_collector_u64_sequenced(&spout);
        let round = Round {
            round: 1,
            count: 4,
            fail_worker: NO_FAIL,
        };
        expect(
            spill_pool_u64_run(pool, (&round as *const Round).cast()),
            SPILL_OK,
        );
        rec.refuse.set(true);
        let mut n = 0;
        expect(
            spill_pool_u64_collect(pool, collector, &mut n),
            SPILL_SPOUT_FAILED,
        );
        assert_eq!(spill_collector_u64_pending(collector), 8);
        rec.refuse.set(false);
        let round2 = Round {
            round: 2,
            count: 1,
            fail_worker: NO_FAIL,
        };
        expect(
            spill_pool_u64_run(pool, (&round2 as *const Round).cast()),
            SPILL_OK,
        );
        expect(spill_pool_u64_collect(pool, collector, &mut n), SPILL_OK);
        let mut expected = Vec::new();
        for (r, count) in [(1, 4), (2, 1)] {
            for w in 0..2 {
                expected.extend((0..count).map(|i| encode(r, w, i)));
            }
        }
        assert_eq!(rec.items(), expected);
        assert_eq!(spill_collector_u64_pending(collector), 0);
        expect(spill_collector_u64_free(collector), SPILL_OK);
        expect(spill_pool_u64_free(pool), SPILL_OK);
    }
}

#[test]
fn pool_bad_arguments() {
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        assert!(spill_pool_u64_new(0, 8, Some(work), null_mut(), null()).is_null());
        assert!(spill_pool_u64_new(2, 6, Some(work), null_mut(), null()).is_null());
        assert!(last_error().contains("capacity"), "{}", last_error());
        assert!(spill_pool_u64_new(2, 8, None, null_mut(), null()).is_null());
        assert!(last_error().contains("work"), "{}", last_error());
        expect(spill_pool_u64_run(null_mut(), null()), SPILL_NULL_ARGUMENT);
        expect(spill_pool_u64_join(null_mut()), SPILL_NULL_ARGUMENT);
        expect(
            spill_pool_u64_collect(null_mut(), null_mut(), null_mut()),
            SPILL_NULL_ARGUMENT,
        );
        assert_eq!(spill_pool_u64_workers(null()), 0);
        expect(spill_pool_u64_free(null_mut()), SPILL_OK);
        assert!(spill_collector_u64_unordered(null()).is_null());
        assert_eq!(spill_collector_u64_pending(null()), 0);
        expect(spill_collector_u64_free(null_mut()), SPILL_OK);
    }
}

unsafe extern "C" fn work_f32(
    ring: *mut spill_ring_f32,
    worker: usize,
    _args: *const c_void,
    _ctx: *mut c_void,
) -> c_int {
    // SAFETY: the ring is valid during the call.
    unsafe { spill_ring_f32_push(ring, worker as f32 + 0.5) as c_int }
}

#[test]
fn another_family_pools_and_mpsc() {
    let rec = Recorder::<f32>::new();
    let spout = rec.spout();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let pool = spill_pool_f32_new(2, 4, Some(work_f32), null_mut(), null());
        expect(spill_pool_f32_run(pool, null()), SPILL_OK);
        let collector = spill_collector_f32_sequenced(&spout);
        expect(
            spill_pool_f32_collect(pool, collector, null_mut()),
            SPILL_OK,
        );
        expect(spill_collector_f32_free(collector), SPILL_OK);
        expect(spill_pool_f32_free(pool), SPILL_OK);
        assert_eq!(rec.items(), vec![0.5, 1.5]);

        let mpsc = spill_mpsc_f32_new(2, 2, null(), 0);
        expect(
            spill_ring_f32_push(spill_mpsc_f32_producer(mpsc, 1), 2.5),
            SPILL_OK,
        );
        rec.clear();
        expect(spill_mpsc_f32_drain(mpsc, &spout, null_mut()), SPILL_OK);
        assert_eq!(rec.items(), vec![2.5]);
        expect(spill_mpsc_f32_free(mpsc), SPILL_OK);
    }
}

unsafe extern "C" fn failing_flush(_ctx: *mut c_void) -> c_int {
    1
}

/// A pool's free hands what its worker rings still hold to the overflow
/// spout by the rule of every free, and reports a failed flush.
#[test]
fn pool_free_hands_the_rings_on_and_reports_a_failed_flush() {
    let ctx = WorkCtx::default();
    let overflow = SharedRecorder::default();
    let mut spout = overflow.spout();
    spout.flush = Some(failing_flush);
    // SAFETY: valid pointers; the pool is freed once.
    unsafe {
        let mut pool = null_mut();
        expect(
            spill_pool_u64_create(
                2,
                8,
                Some(work),
                (&ctx as *const WorkCtx).cast_mut().cast(),
                &spout,
                &mut pool,
            ),
            SPILL_OK,
        );
        let round = Round {
            round: 1,
            count: 3,
            fail_worker: NO_FAIL,
        };
        expect(
            spill_pool_u64_run(pool, (&round as *const Round).cast()),
            SPILL_OK,
        );
        // Nothing was collected: the six items are still in the rings.
        expect(spill_pool_u64_free(pool), SPILL_SPOUT_FAILED);
    }
    assert!(last_error().contains("flush"), "{}", last_error());
    let mut items = overflow.items();
    items.sort_unstable();
    let mut expected: Vec<u64> = (0..2)
        .flat_map(|w| (0..3).map(move |i| encode(1, w, i)))
        .collect();
    expected.sort_unstable();
    assert_eq!(items, expected);
}
