//! The concurrent MPSC through its C functions (u64 and bytes families):
//! registration limits and closing, producers on threads pushing while the
//! consumer drains fairly into a counting spout, refused drains and
//! re-entrancy. Small enough for Miri (scripts/ci_abi.sh).

mod ffi_support;

use std::collections::BTreeSet;
use std::ffi::{c_int, c_void};
use std::ptr::{null, null_mut};

use ffi_support::{expect, last_error, Ptr, Recorder, SharedRecorder};
use spill_ring::ffi::spill_status::*;
use spill_ring::ffi::*;

/// Items per producer thread (small under Miri).
const N: u64 = if cfg!(miri) { 60 } else { 5_000 };

fn mpsc(
    max: usize,
    capacity: usize,
    flags: u32,
) -> (*mut spill_cmpsc_u64, *mut spill_cmpsc_u64_consumer) {
    let (mut m, mut c) = (null_mut(), null_mut());
    // SAFETY: valid out-pointers.
    let status = unsafe { spill_cmpsc_u64_create(max, capacity, 0, flags, &mut m, &mut c) };
    assert_eq!(status, SPILL_OK, "{}", last_error());
    (m, c)
}

#[test]
fn creation_and_registration_are_checked() {
    let (mut m, mut c) = (null_mut(), null_mut());
    // SAFETY: the pointers are valid or NULL, as each case needs.
    unsafe {
        for (max, cap, flags) in [
            (0, 8, 0),
            (SPILL_CMPSC_MAX_PRODUCERS + 1, 8, 0),
            (2, 3, 0),
            (2, 8, 4),
        ] {
            assert_eq!(
                spill_cmpsc_u64_create(max, cap, 0, flags, &mut m, &mut c),
                SPILL_INVALID_ARGUMENT
            );
            assert!(m.is_null() && c.is_null());
        }
        assert_eq!(
            spill_cmpsc_u64_create(2, 8, 0, 0, null_mut(), &mut c),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(
            spill_cmpsc_bytes_create(0, 2, 8, 0, 0, null_mut(), null_mut()),
            SPILL_NULL_ARGUMENT
        );
        let (m, c) = mpsc(2, 4, 0);
        assert_eq!(spill_cmpsc_u64_max_producers(m), 2);
        let mut p = [null_mut(); 3];
        expect(spill_cmpsc_u64_register(m, null(), &mut p[0]), SPILL_OK);
        expect(spill_cmpsc_u64_register(m, null(), &mut p[1]), SPILL_OK);
        assert_eq!(spill_cmpsc_u64_producers(m), 2);
        assert_eq!(spill_cmpsc_u64_register(m, null(), &mut p[2]), SPILL_FULL);
        assert!(p[2].is_null());
        assert_eq!(
            spill_cmpsc_u64_register(m, null(), null_mut()),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(
            spill_cmpsc_u64_register(null(), null(), &mut p[2]),
            SPILL_NULL_ARGUMENT
        );
        // A freed producer frees its lane; its items are still drained.
        expect(spill_spsc_u64_producer_push(p[0], 7), SPILL_OK);
        expect(spill_spsc_u64_producer_free(p[0]), SPILL_OK);
        expect(spill_cmpsc_u64_register(m, null(), &mut p[2]), SPILL_OK);
        let mut out = 0;
        expect(spill_cmpsc_u64_consumer_pop(c, &mut out), SPILL_OK);
        assert_eq!(out, 7);
        assert_eq!(spill_cmpsc_u64_consumer_pop(c, &mut out), SPILL_EMPTY);
        assert_eq!(
            spill_cmpsc_u64_consumer_pop(c, null_mut()),
            SPILL_NULL_ARGUMENT
        );
        // Closing: registrations and waiting pushes fail, pushes go on.
        expect(spill_cmpsc_u64_consumer_close(c), SPILL_OK);
        expect(spill_spsc_u64_producer_free(p[1]), SPILL_OK);
        assert_eq!(spill_cmpsc_u64_register(m, null(), &mut p[0]), SPILL_CLOSED);
        assert_eq!(
            spill_spsc_u64_producer_push_wait(p[2], 1, SPILL_WAIT_FOREVER),
            SPILL_CLOSED,
            "closed wins, even with room"
        );
        expect(spill_spsc_u64_producer_push(p[2], 1), SPILL_OK);
        expect(spill_spsc_u64_producer_push(p[2], 2), SPILL_OK);
        assert_eq!(spill_cmpsc_u64_consumer_len(c), 2);
        let counting = SharedRecorder::default();
        let mut n = 0;
        assert_eq!(
            spill_cmpsc_u64_consumer_drain(c, 0, &counting.spout(), &mut n),
            SPILL_INVALID_ARGUMENT
        );
        assert_eq!(
            spill_cmpsc_u64_consumer_drain(c, 8, null(), &mut n),
            SPILL_NULL_ARGUMENT
        );
        expect(
            spill_cmpsc_u64_consumer_drain(c, usize::MAX, &counting.spout(), &mut n),
            SPILL_OK,
        );
        assert_eq!(n, 2);
        assert_eq!(counting.items(), vec![1, 2]);
        // Any order of freeing.
        expect(spill_cmpsc_u64_consumer_free(c), SPILL_OK);
        assert!(spill_spsc_u64_producer_is_abandoned(p[2]));
        expect(spill_cmpsc_u64_free(m), SPILL_OK);
        expect(spill_spsc_u64_producer_free(p[2]), SPILL_OK);
    }
}

#[test]
fn producer_threads_and_a_draining_consumer_conserve_every_item() {
    for flags in [0, SPILL_WAKING] {
        let (m, c) = mpsc(4, 8, flags);
        let evicted: Vec<SharedRecorder> = (0..3).map(|_| SharedRecorder::default()).collect();
        let threads: Vec<_> = evicted
            .iter()
            .enumerate()
            .map(|(id, spout)| {
                let registry = Ptr(m);
                let spout = spout.spout();
                let spout = Ptr(Box::into_raw(Box::new(spout)));
                std::thread::spawn(move || {
                    let (registry, spout) = (registry, spout);
                    let mut p = null_mut();
                    // SAFETY: the registry is usable from any thread; the
                    // producer belongs to this one; the spout copy is ours.
                    unsafe {
                        expect(
                            spill_cmpsc_u64_register(registry.0, spout.0, &mut p),
                            SPILL_OK,
                        );
                        drop(Box::from_raw(spout.0));
                        for i in 0..N {
                            let item = (id as u64) << 32 | i;
                            if i % 2 == 0 {
                                expect(spill_spsc_u64_producer_push(p, item), SPILL_OK);
                            } else {
                                expect(
                                    spill_spsc_u64_producer_push_wait(p, item, SPILL_WAIT_FOREVER),
                                    SPILL_OK,
                                );
                            }
                        }
                        expect(spill_spsc_u64_producer_free(p), SPILL_OK);
                    }
                })
            })
            .collect();
        let drained = SharedRecorder::default();
        let mut popped = Vec::new();
        let mut rounds = 0u64;
        // SAFETY: the consumer stays on this thread.
        unsafe {
            while !threads.iter().all(|t| t.is_finished()) || spill_cmpsc_u64_consumer_len(c) > 0 {
                rounds += 1;
                if rounds % 4 == 0 {
                    let mut out = 0;
                    if spill_cmpsc_u64_consumer_pop(c, &mut out) == SPILL_OK {
                        popped.push(out);
                    }
                } else {
                    let mut n = 0;
                    expect(
                        spill_cmpsc_u64_consumer_drain(c, 4, &drained.spout(), &mut n),
                        SPILL_OK,
                    );
                }
                std::thread::yield_now();
            }
            for t in threads {
                t.join().unwrap();
            }
            let mut n = 0;
            expect(
                spill_cmpsc_u64_consumer_drain(c, usize::MAX, &drained.spout(), &mut n),
                SPILL_OK,
            );
            expect(spill_cmpsc_u64_consumer_free(c), SPILL_OK);
            expect(spill_cmpsc_u64_free(m), SPILL_OK);
        }
        let mut all: Vec<u64> = drained.items();
        all.extend_from_slice(&popped);
        for e in &evicted {
            all.extend_from_slice(&e.items());
        }
        let set: BTreeSet<u64> = all.iter().copied().collect();
        assert_eq!(set.len(), all.len(), "no item twice");
        let expected: BTreeSet<u64> = (0..3u64)
            .flat_map(|id| (0..N).map(move |i| id << 32 | i))
            .collect();
        assert_eq!(set, expected, "every item: drained, popped or evicted");
        // Each producer's items keep their order in the drain.
        let drained = drained.items();
        for id in 0..3u64 {
            let mine: Vec<u64> = drained.iter().copied().filter(|x| x >> 32 == id).collect();
            assert!(mine.windows(2).all(|w| w[0] < w[1]));
        }
    }
}

/// A drain spout that calls back into its consumer (ctx), then refuses.
unsafe extern "C" fn reentrant_refusing(ctx: *mut c_void, _: *const c_void, _: usize) -> c_int {
    let c = ctx.cast::<spill_cmpsc_u64_consumer>();
    let mut out = 0;
    // SAFETY: `ctx` is the live consumer whose drain called us.
    unsafe {
        assert_eq!(spill_cmpsc_u64_consumer_pop(c, &mut out), SPILL_BUSY);
        assert_eq!(spill_cmpsc_u64_consumer_free(c), SPILL_BUSY);
        assert_eq!(spill_cmpsc_u64_consumer_len(c), 0);
    }
    1
}

#[test]
fn a_refused_drain_is_reported_and_reentry_gets_busy() {
    let (m, c) = mpsc(1, 4, 0);
    let mut p = null_mut();
    // SAFETY: live handles; valid pointers.
    unsafe {
        expect(spill_cmpsc_u64_register(m, null(), &mut p), SPILL_OK);
        for i in 0..3 {
            expect(spill_spsc_u64_producer_push(p, i), SPILL_OK);
        }
        let dst = spill_spout {
            send: Some(reentrant_refusing),
            flush: None,
            ctx: c.cast(),
        };
        let mut n = 9;
        assert_eq!(
            spill_cmpsc_u64_consumer_drain(c, 8, &dst, &mut n),
            SPILL_SPOUT_FAILED
        );
        assert_eq!(n, 0);
        assert!(
            last_error().contains("3 drained item(s)"),
            "{}",
            last_error()
        );
        assert_eq!(spill_cmpsc_u64_consumer_len(c), 0, "refused items are lost");
        expect(spill_spsc_u64_producer_free(p), SPILL_OK);
        expect(spill_cmpsc_u64_free(m), SPILL_OK);
        expect(spill_cmpsc_u64_consumer_free(c), SPILL_OK);
    }
}

#[test]
fn the_bytes_family_drains_packed_batches() {
    let (mut m, mut c) = (null_mut(), null_mut());
    let spout = Recorder::<[u8; 3]>::new();
    // SAFETY: valid pointers of 3-byte elements.
    unsafe {
        expect(
            spill_cmpsc_bytes_create(3, 2, 4, 0, 0, &mut m, &mut c),
            SPILL_OK,
        );
        assert_eq!(spill_cmpsc_bytes_elem_size(m), 3);
        assert_eq!(spill_cmpsc_bytes_max_producers(m), 2);
        let (mut a, mut b) = (null_mut(), null_mut());
        expect(spill_cmpsc_bytes_register(m, null(), &mut a), SPILL_OK);
        expect(spill_cmpsc_bytes_register(m, null(), &mut b), SPILL_OK);
        assert_eq!(spill_cmpsc_bytes_producers(m), 2);
        for i in 0..3u8 {
            expect(
                spill_spsc_bytes_producer_push(a, [i, i, i].as_ptr().cast()),
                SPILL_OK,
            );
            expect(
                spill_spsc_bytes_producer_push(b, [9, i, 9].as_ptr().cast()),
                SPILL_OK,
            );
        }
        assert_eq!(spill_cmpsc_bytes_consumer_len(c), 6);
        let mut out = [0u8; 3];
        expect(
            spill_cmpsc_bytes_consumer_pop(c, out.as_mut_ptr().cast()),
            SPILL_OK,
        );
        let mut n = 0;
        expect(
            spill_cmpsc_bytes_consumer_drain(c, 8, &spout.spout(), &mut n),
            SPILL_OK,
        );
        assert_eq!(n, 5);
        assert_eq!(spout.batches().len(), 1, "one packed batch");
        let mut all = spout.items();
        all.push(out);
        all.sort_unstable();
        assert_eq!(
            all,
            vec![
                [0, 0, 0],
                [1, 1, 1],
                [2, 2, 2],
                [9, 0, 9],
                [9, 1, 9],
                [9, 2, 9]
            ]
        );
        expect(spill_cmpsc_bytes_consumer_close(c), SPILL_OK);
        let mut d = null_mut();
        assert_eq!(spill_cmpsc_bytes_register(m, null(), &mut d), SPILL_CLOSED);
        expect(spill_spsc_bytes_producer_free(a), SPILL_OK);
        expect(spill_spsc_bytes_producer_free(b), SPILL_OK);
        expect(spill_cmpsc_bytes_free(m), SPILL_OK);
        expect(spill_cmpsc_bytes_consumer_free(c), SPILL_OK);
    }
}

/// Creation with counts far past their maxima: refused with a message
/// naming the count, never an abort or an allocation attempt.
#[test]
fn huge_counts_are_refused_with_a_message() {
    let (mut m, mut c) = (null_mut(), null_mut());
    // SAFETY: valid out-pointers.
    unsafe {
        for (max, capacity, hold, what) in [
            (usize::MAX, 8usize, 0usize, "max_producers"),
            (1 << 40, 8, 0, "max_producers"),
            (2, 1 << 40, 0, "capacity"),
            (2, usize::MAX, 0, "capacity"),
            (2, 8, usize::MAX, "hold"),
            (
                SPILL_CMPSC_MAX_PRODUCERS,
                usize::MAX,
                usize::MAX,
                "capacity",
            ),
        ] {
            assert_eq!(
                spill_cmpsc_u64_create(max, capacity, hold, 0, &mut m, &mut c),
                SPILL_INVALID_ARGUMENT
            );
            assert!(m.is_null() && c.is_null());
            assert!(last_error().contains(what), "{what}: {}", last_error());
            let (mut bm, mut bc) = (null_mut(), null_mut());
            assert_eq!(
                spill_cmpsc_bytes_create(4096, max, capacity, hold, 0, &mut bm, &mut bc),
                SPILL_INVALID_ARGUMENT
            );
            assert!(bm.is_null() && bc.is_null());
            assert!(last_error().contains(what), "{}", last_error());
        }
        // Each count in range, the lanes too many slots in all: refused
        // before anything is allocated (it would touch gigabytes).
        for (max, capacity, hold) in [
            (SPILL_CMPSC_MAX_PRODUCERS, SPILL_RING_MAX_CAPACITY, 0),
            (9, SPILL_RING_MAX_CAPACITY, SPILL_RING_MAX_CAPACITY),
            (SPILL_CMPSC_MAX_PRODUCERS, 1 << 14, 1),
        ] {
            assert_eq!(
                spill_cmpsc_u64_create(max, capacity, hold, 0, &mut m, &mut c),
                SPILL_INVALID_ARGUMENT
            );
            assert!(m.is_null() && c.is_null());
            assert!(
                last_error().contains("SPILL_CMPSC_MAX_TOTAL_SLOTS"),
                "{}",
                last_error()
            );
        }
        // Exactly the limit is accepted. (It allocates 2^24 slots: far too
        // slow to interpret, so Miri checks only the refusals above.)
        if !cfg!(miri) {
            assert_eq!(
                spill_cmpsc_u64_create(
                    SPILL_CMPSC_MAX_TOTAL_SLOTS / (1 << 15),
                    1 << 14,
                    0,
                    0,
                    &mut m,
                    &mut c
                ),
                SPILL_OK
            );
            assert_eq!(spill_cmpsc_u64_consumer_free(c), SPILL_OK);
            assert_eq!(spill_cmpsc_u64_free(m), SPILL_OK);
        }
        for elem_size in [0, 4097, usize::MAX] {
            let (mut bm, mut bc) = (null_mut(), null_mut());
            assert_eq!(
                spill_cmpsc_bytes_create(elem_size, 2, 8, 0, 0, &mut bm, &mut bc),
                SPILL_INVALID_ARGUMENT
            );
            assert!(last_error().contains("elem_size"), "{}", last_error());
        }
        assert_eq!(
            spill_cmpsc_u64_create(2, 8, 0, 0, &mut m, null_mut()),
            SPILL_NULL_ARGUMENT
        );
    }
}

/// A call that returns SPILL_OK leaves spill_last_error() as it was.
#[test]
fn successful_calls_leave_the_last_error_unchanged() {
    let (m, c) = mpsc(2, 4, 0);
    let counting = SharedRecorder::default();
    let mut out = 0u64;
    let mut n = 0usize;
    let mut p = null_mut();
    // SAFETY: live handles; valid out-pointers.
    unsafe {
        assert_eq!(spill_cmpsc_u64_consumer_pop(c, &mut out), SPILL_EMPTY);
        let before = last_error();
        assert!(!before.is_empty());
        expect(spill_cmpsc_u64_register(m, null(), &mut p), SPILL_OK);
        assert_eq!(spill_cmpsc_u64_producers(m), 1);
        assert_eq!(spill_cmpsc_u64_max_producers(m), 2);
        expect(spill_spsc_u64_producer_push(p, 1), SPILL_OK);
        expect(spill_spsc_u64_producer_push(p, 2), SPILL_OK);
        expect(spill_cmpsc_u64_consumer_pop(c, &mut out), SPILL_OK);
        expect(
            spill_cmpsc_u64_consumer_drain(c, usize::MAX, &counting.spout(), &mut n),
            SPILL_OK,
        );
        assert_eq!(n, 1);
        expect(
            spill_cmpsc_u64_consumer_drain(c, 1, &counting.spout(), null_mut()),
            SPILL_OK,
        );
        assert_eq!(spill_cmpsc_u64_consumer_len(c), 0);
        expect(spill_cmpsc_u64_consumer_close(c), SPILL_OK);
        expect(spill_spsc_u64_producer_free(p), SPILL_OK);
        expect(spill_cmpsc_u64_consumer_free(c), SPILL_OK);
        expect(spill_cmpsc_u64_free(m), SPILL_OK);
        assert_eq!(last_error(), before);
    }
}
