//! The concurrent SPSC rings through their C functions (u64 family, the
//! bytes family and a smoke test of others): statuses, conservation with a
//! counting spout, reserve/commit, read/release, waiting pushes with
//! timeouts and closing, re-entrancy, and producer and consumer threads.
//! Small enough for Miri (scripts/ci_abi.sh).

mod ffi_support;

use std::collections::BTreeSet;
use std::ffi::{c_int, c_void};
use std::ptr::{null, null_mut};

use ffi_support::{expect, last_error, BytesRecorder, Ptr, Recorder, SharedRecorder};
use spill_ring::ffi::spill_status::*;
use spill_ring::ffi::*;

/// How many items the threaded tests push (small under Miri).
const N: u64 = if cfg!(miri) { 200 } else { 20_000 };

/// A u64 ring's two halves.
fn ring(
    capacity: usize,
    hold: usize,
    flags: u32,
    spout: Option<&spill_spout>,
) -> (*mut spill_spsc_u64_producer, *mut spill_spsc_u64_consumer) {
    let (mut p, mut c) = (null_mut(), null_mut());
    // SAFETY: valid out-pointers; the spout (if any) outlives the ring.
    let status = unsafe {
        spill_spsc_u64_create(
            capacity,
            hold,
            flags,
            spout.map_or(null(), |s| s as *const _),
            &mut p,
            &mut c,
        )
    };
    assert_eq!(status, SPILL_OK, "{}", last_error());
    (p, c)
}

/// Frees both halves.
///
/// # Safety
///
/// Live halves, not used again.
unsafe fn free(p: *mut spill_spsc_u64_producer, c: *mut spill_spsc_u64_consumer) {
    // SAFETY: the caller's contract.
    unsafe {
        expect(spill_spsc_u64_producer_free(p), SPILL_OK);
        expect(spill_spsc_u64_consumer_free(c), SPILL_OK);
    }
}

#[test]
fn creation_checks_its_arguments() {
    let (mut p, mut c) = (null_mut(), null_mut());
    // SAFETY: the pointers passed are valid or NULL, as each case needs.
    unsafe {
        let create = |cap, hold, flags, p: *mut _, c: *mut _| {
            spill_spsc_u64_create(cap, hold, flags, null(), p, c)
        };
        assert_eq!(create(8, 0, 0, null_mut(), &mut c), SPILL_NULL_ARGUMENT);
        assert_eq!(create(8, 0, 0, &mut p, null_mut()), SPILL_NULL_ARGUMENT);
        assert_eq!(create(3, 0, 0, &mut p, &mut c), SPILL_INVALID_ARGUMENT);
        assert!(p.is_null() && c.is_null());
        assert_eq!(create(0, 0, 0, &mut p, &mut c), SPILL_INVALID_ARGUMENT);
        assert_eq!(
            create(SPILL_RING_MAX_CAPACITY * 2, 0, 0, &mut p, &mut c),
            SPILL_INVALID_ARGUMENT
        );
        assert_eq!(
            create(8, SPILL_RING_MAX_CAPACITY + 1, 0, &mut p, &mut c),
            SPILL_INVALID_ARGUMENT
        );
        assert_eq!(create(8, 0, 2, &mut p, &mut c), SPILL_INVALID_ARGUMENT);
        assert!(last_error().contains("flags"), "{}", last_error());
        let no_send = spill_spout {
            send: None,
            flush: None,
            ctx: null_mut(),
        };
        assert_eq!(
            spill_spsc_u64_create(8, 0, 0, &no_send, &mut p, &mut c),
            SPILL_INVALID_ARGUMENT
        );
        for bad in [0, SPILL_RING_MAX_ELEM_SIZE + 1, usize::MAX] {
            let (mut bp, mut bc) = (null_mut(), null_mut());
            assert_eq!(
                spill_spsc_bytes_create(bad, 8, 0, 0, null(), &mut bp, &mut bc),
                SPILL_INVALID_ARGUMENT
            );
            assert!(last_error().contains("elem_size"), "{}", last_error());
        }
        expect(create(8, 2, SPILL_WAKING, &mut p, &mut c), SPILL_OK);
        free(p, c);
    }
}

#[test]
fn null_handles_are_refused() {
    let mut out = 0u64;
    let mut n = 0usize;
    // SAFETY: NULL handles are what is tested; other pointers are valid.
    unsafe {
        let p: *mut spill_spsc_u64_producer = null_mut();
        let c: *mut spill_spsc_u64_consumer = null_mut();
        assert_eq!(spill_spsc_u64_producer_push(p, 1), SPILL_NULL_ARGUMENT);
        assert_eq!(spill_spsc_u64_producer_try_push(p, 1), SPILL_NULL_ARGUMENT);
        assert_eq!(
            spill_spsc_u64_producer_push_wait(p, 1, 0),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(
            spill_spsc_u64_producer_reserve(p, 1, null_mut(), &mut n),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(spill_spsc_u64_producer_commit(p, 0), SPILL_NULL_ARGUMENT);
        assert_eq!(spill_spsc_u64_producer_len(p), 0);
        assert!(!spill_spsc_u64_producer_is_abandoned(p));
        assert!(!spill_spsc_u64_producer_is_closed(p));
        assert_eq!(
            spill_spsc_u64_consumer_pop(c, &mut out),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(
            spill_spsc_u64_consumer_pop_bulk(c, &mut out, 1, &mut n),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(
            spill_spsc_u64_consumer_read(c, 1, null_mut(), &mut n),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(spill_spsc_u64_consumer_release(c), SPILL_NULL_ARGUMENT);
        assert_eq!(spill_spsc_u64_consumer_close(c), SPILL_NULL_ARGUMENT);
        assert_eq!(spill_spsc_u64_consumer_len(c), 0);
        assert!(!spill_spsc_u64_consumer_is_abandoned(c));
        expect(spill_spsc_u64_producer_free(p), SPILL_OK);
        expect(spill_spsc_u64_consumer_free(c), SPILL_OK);
    }
}

#[test]
fn evicting_pushes_conserve_every_item() {
    let spout = Recorder::<u64>::new();
    let (p, c) = ring(8, 0, 0, Some(&spout.spout()));
    let mut popped = Vec::new();
    // SAFETY: live halves; valid out-pointers.
    unsafe {
        for i in 0..100u64 {
            expect(spill_spsc_u64_producer_push(p, i), SPILL_OK);
            if i % 7 == 0 {
                let mut out = 0;
                expect(spill_spsc_u64_consumer_pop(c, &mut out), SPILL_OK);
                popped.push(out);
            }
        }
        assert_eq!(spill_spsc_u64_consumer_len(c), 8);
        assert_eq!(spill_spsc_u64_producer_len(p), 8);
        let mut rest = [0u64; 16];
        let mut n = 0;
        expect(
            spill_spsc_u64_consumer_pop_bulk(c, rest.as_mut_ptr(), 16, &mut n),
            SPILL_OK,
        );
        assert_eq!(n, 8);
        popped.extend_from_slice(&rest[..n]);
        let mut out = 0;
        assert_eq!(spill_spsc_u64_consumer_pop(c, &mut out), SPILL_EMPTY);
        assert_eq!(
            spill_spsc_u64_consumer_pop_bulk(c, rest.as_mut_ptr(), 16, &mut n),
            SPILL_EMPTY
        );
        assert_eq!(n, 0);
        // Evicted items come one per batch, oldest first.
        assert!(spout.batches().iter().all(|b| b.len() == 1));
        let evicted = spout.items();
        assert!(evicted.windows(2).all(|w| w[0] < w[1]));
        let mut all: Vec<u64> = evicted.iter().chain(&popped).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>(), "each item exactly once");
        free(p, c);
        assert_eq!(spout.flushes.get(), 1, "freeing the producer flushes");
    }
}

#[test]
fn a_refused_eviction_is_reported_and_the_push_happens() {
    let spout = Recorder::<u64>::new();
    let (p, c) = ring(2, 0, 0, Some(&spout.spout()));
    // SAFETY: live halves; valid out-pointers.
    unsafe {
        expect(spill_spsc_u64_producer_push(p, 1), SPILL_OK);
        expect(spill_spsc_u64_producer_push(p, 2), SPILL_OK);
        spout.refuse.set(true);
        assert_eq!(spill_spsc_u64_producer_push(p, 3), SPILL_SPOUT_FAILED);
        assert!(last_error().contains("lost"), "{}", last_error());
        spout.refuse.set(false);
        let mut out = [0u64; 4];
        let mut n = 0;
        expect(
            spill_spsc_u64_consumer_pop_bulk(c, out.as_mut_ptr(), 4, &mut n),
            SPILL_OK,
        );
        assert_eq!(&out[..n], &[2, 3]);
        spout.fail_flush.set(true);
        assert_eq!(spill_spsc_u64_producer_free(p), SPILL_SPOUT_FAILED);
        expect(spill_spsc_u64_consumer_free(c), SPILL_OK);
    }
}

#[test]
fn try_push_and_waiting_pushes_report_full_timeout_and_closed() {
    let (p, c) = ring(2, 0, 0, None);
    // SAFETY: live halves; valid out-pointers.
    unsafe {
        expect(spill_spsc_u64_producer_try_push(p, 1), SPILL_OK);
        expect(spill_spsc_u64_producer_push_wait(p, 2, 0), SPILL_OK);
        assert_eq!(spill_spsc_u64_producer_try_push(p, 3), SPILL_FULL);
        assert_eq!(spill_spsc_u64_producer_push_wait(p, 3, 0), SPILL_TIMEOUT);
        assert_eq!(
            spill_spsc_u64_producer_push_wait(p, 3, 1_000_000),
            SPILL_TIMEOUT
        );
        assert!(spill_status_is_retryable(SPILL_TIMEOUT as c_int));
        assert!(!spill_spsc_u64_producer_is_closed(p));
        expect(spill_spsc_u64_consumer_close(c), SPILL_OK);
        assert!(spill_spsc_u64_producer_is_closed(p));
        assert_eq!(spill_spsc_u64_producer_push_wait(p, 3, 0), SPILL_CLOSED);
        assert!(!spill_status_is_retryable(SPILL_CLOSED as c_int));
        // Evicting pushes and pops go on.
        expect(spill_spsc_u64_producer_push(p, 4), SPILL_OK);
        let mut out = 0;
        expect(spill_spsc_u64_consumer_pop(c, &mut out), SPILL_OK);
        assert_eq!(out, 2);
        free(p, c);
    }
}

#[test]
fn closing_wakes_a_waiting_producer() {
    for flags in [0, SPILL_WAKING] {
        let (p, c) = ring(1, 0, flags, None);
        // SAFETY: live halves.
        unsafe { expect(spill_spsc_u64_producer_push(p, 1), SPILL_OK) };
        let producer = Ptr(p);
        let waiter = std::thread::spawn(move || {
            let producer = producer;
            // SAFETY: the producer half moved to this thread.
            unsafe { spill_spsc_u64_producer_push_wait(producer.0, 2, SPILL_WAIT_FOREVER) }
        });
        std::thread::sleep(std::time::Duration::from_millis(5));
        // SAFETY: the consumer stays on this thread.
        unsafe { expect(spill_spsc_u64_consumer_close(c), SPILL_OK) };
        assert_eq!(waiter.join().unwrap(), SPILL_CLOSED);
        // SAFETY: the waiter is done with the producer.
        unsafe { free(p, c) };
    }
}

#[test]
fn freeing_the_consumer_abandons_and_closes() {
    let (p, c) = ring(1, 0, SPILL_WAKING, None);
    // SAFETY: live halves, each freed once.
    unsafe {
        expect(spill_spsc_u64_producer_push(p, 1), SPILL_OK);
        assert!(!spill_spsc_u64_producer_is_abandoned(p));
        expect(spill_spsc_u64_consumer_free(c), SPILL_OK);
        assert!(spill_spsc_u64_producer_is_abandoned(p));
        assert_eq!(
            spill_spsc_u64_producer_push_wait(p, 2, SPILL_WAIT_FOREVER),
            SPILL_CLOSED
        );
        expect(spill_spsc_u64_producer_push(p, 2), SPILL_OK);
        expect(spill_spsc_u64_producer_free(p), SPILL_OK);
    }
    let (p, c) = ring(4, 0, 0, None);
    // SAFETY: as above; the producer goes first this time.
    unsafe {
        expect(spill_spsc_u64_producer_push(p, 9), SPILL_OK);
        expect(spill_spsc_u64_producer_free(p), SPILL_OK);
        assert!(spill_spsc_u64_consumer_is_abandoned(c));
        let mut out = 0;
        expect(spill_spsc_u64_consumer_pop(c, &mut out), SPILL_OK);
        assert_eq!(out, 9);
        expect(spill_spsc_u64_consumer_free(c), SPILL_OK);
    }
}

#[test]
fn reserve_and_commit_write_in_place() {
    let spout = Recorder::<u64>::new();
    let (p, c) = ring(4, 0, 0, Some(&spout.spout()));
    // SAFETY: live halves; valid pointers; written slots are committed.
    unsafe {
        expect(spill_spsc_u64_producer_push(p, 100), SPILL_OK);
        expect(spill_spsc_u64_producer_push(p, 101), SPILL_OK);
        let mut slots = [null_mut::<u64>(); 8];
        let mut n = 0;
        // More than the capacity: the capacity, evicting both items.
        expect(
            spill_spsc_u64_producer_reserve(p, 8, slots.as_mut_ptr(), &mut n),
            SPILL_OK,
        );
        assert_eq!(n, 4);
        assert_eq!(spout.items(), vec![100, 101]);
        assert_eq!(spill_spsc_u64_producer_push(p, 1), SPILL_BUSY);
        assert_eq!(spill_spsc_u64_producer_try_push(p, 1), SPILL_BUSY);
        assert_eq!(spill_spsc_u64_producer_push_wait(p, 1, 0), SPILL_BUSY);
        assert_eq!(
            spill_spsc_u64_producer_reserve(p, 1, slots.as_mut_ptr(), &mut n),
            SPILL_BUSY
        );
        assert_eq!(n, 0);
        for (i, slot) in slots[..4].iter().enumerate() {
            assert!(slot.is_aligned());
            slot.write(10 + i as u64);
        }
        assert_eq!(spill_spsc_u64_consumer_len(c), 0, "nothing visible yet");
        assert_eq!(spill_spsc_u64_producer_commit(p, 5), SPILL_INVALID_ARGUMENT);
        expect(spill_spsc_u64_producer_commit(p, 3), SPILL_OK);
        expect(spill_spsc_u64_producer_commit(p, 0), SPILL_OK);
        assert_eq!(spill_spsc_u64_producer_commit(p, 1), SPILL_INVALID_ARGUMENT);
        let mut out = [0u64; 4];
        expect(
            spill_spsc_u64_consumer_pop_bulk(c, out.as_mut_ptr(), 4, &mut n),
            SPILL_OK,
        );
        assert_eq!(&out[..n], &[10, 11, 12]);
        // Arguments.
        expect(
            spill_spsc_u64_producer_reserve(p, 0, null_mut(), &mut n),
            SPILL_OK,
        );
        assert_eq!(n, 0);
        assert_eq!(
            spill_spsc_u64_producer_reserve(p, 1, null_mut(), &mut n),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(
            spill_spsc_u64_producer_reserve(p, 1, slots.as_mut_ptr(), null_mut()),
            SPILL_NULL_ARGUMENT
        );
        // A huge count reserves the capacity, into room for that many.
        expect(
            spill_spsc_u64_producer_reserve(p, usize::MAX, slots.as_mut_ptr(), &mut n),
            SPILL_OK,
        );
        assert_eq!(n, 4);
        expect(spill_spsc_u64_producer_commit(p, 0), SPILL_OK);
        // Freeing with a reservation open cancels it.
        expect(
            spill_spsc_u64_producer_reserve(p, 2, slots.as_mut_ptr(), &mut n),
            SPILL_OK,
        );
        free(p, c);
    }
}

#[test]
fn read_and_release_claim_in_place() {
    let (p, c) = ring(8, 4, 0, None);
    // SAFETY: live halves; the read pointers are used before release.
    unsafe {
        for i in 0..6u64 {
            expect(spill_spsc_u64_producer_push(p, i), SPILL_OK);
        }
        let mut slots = [null::<u64>(); 8];
        let mut n = 0;
        expect(
            spill_spsc_u64_consumer_read(c, 8, slots.as_mut_ptr(), &mut n),
            SPILL_OK,
        );
        assert_eq!(n, 4, "at most the hold");
        let read: Vec<u64> = slots[..n].iter().map(|s| **s).collect();
        assert_eq!(read, vec![0, 1, 2, 3]);
        assert_eq!(spill_spsc_u64_consumer_len(c), 2);
        // The producer cannot evict claimed items: it fills and evicts 4, 5.
        for i in 6..14u64 {
            expect(spill_spsc_u64_producer_push(p, i), SPILL_OK);
        }
        assert_eq!(*slots[0], 0);
        expect(spill_spsc_u64_consumer_release(c), SPILL_OK);
        expect(spill_spsc_u64_consumer_release(c), SPILL_OK);
        let mut out = 0;
        expect(spill_spsc_u64_consumer_pop(c, &mut out), SPILL_OK);
        assert_eq!(out, 6);
        // A pop releases a read first.
        expect(
            spill_spsc_u64_consumer_read(c, 1, slots.as_mut_ptr(), &mut n),
            SPILL_OK,
        );
        assert_eq!(*slots[0], 7);
        expect(spill_spsc_u64_consumer_pop(c, &mut out), SPILL_OK);
        assert_eq!(out, 8);
        assert_eq!(
            spill_spsc_u64_consumer_read(c, 1, null_mut(), &mut n),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(
            spill_spsc_u64_consumer_read(c, 1, slots.as_mut_ptr(), null_mut()),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(
            spill_spsc_u64_consumer_pop(c, null_mut()),
            SPILL_NULL_ARGUMENT
        );
        // A pointer to one value may have any alignment.
        let mut words = [0u64; 2];
        let misaligned = words.as_mut_ptr().cast::<u8>().add(1).cast::<u64>();
        expect(spill_spsc_u64_consumer_pop(c, misaligned), SPILL_OK);
        assert_eq!(misaligned.read_unaligned(), 9);
        // 10..=13 are left: a read of at most the hold (4) takes them all.
        expect(
            spill_spsc_u64_consumer_read(c, 8, slots.as_mut_ptr(), &mut n),
            SPILL_OK,
        );
        assert_eq!(
            slots[..n].iter().map(|s| **s).collect::<Vec<_>>(),
            [10, 11, 12, 13]
        );
        expect(spill_spsc_u64_consumer_release(c), SPILL_OK);
        assert_eq!(
            spill_spsc_u64_consumer_read(c, 8, slots.as_mut_ptr(), &mut n),
            SPILL_EMPTY
        );
        assert_eq!(n, 0);
        free(p, c);
    }
}

/// A spout that calls back into the producer feeding it.
unsafe extern "C" fn reentrant_send(ctx: *mut c_void, _: *const c_void, _: usize) -> c_int {
    let producer = ctx.cast::<spill_spsc_u64_producer>();
    // SAFETY: `ctx` is the live producer whose push called us.
    unsafe {
        assert_eq!(spill_spsc_u64_producer_push(producer, 5), SPILL_BUSY);
        assert_eq!(spill_spsc_u64_producer_len(producer), 0);
        assert!(last_error().contains("busy"), "{}", last_error());
        assert_eq!(spill_spsc_u64_producer_free(producer), SPILL_BUSY);
    }
    0
}

#[test]
fn a_spout_calling_back_into_its_producer_gets_busy() {
    let (mut p, mut c) = (null_mut(), null_mut());
    // The spout's ctx must exist before the producer does: a cell that
    // receives the producer once it is created.
    let cell: *mut *mut spill_spsc_u64_producer = Box::into_raw(Box::new(null_mut()));
    let spout = spill_spout {
        send: Some(indirect_send),
        flush: None,
        ctx: cell.cast(),
    };
    // SAFETY: the cell outlives the ring; valid pointers throughout.
    unsafe {
        expect(
            spill_spsc_u64_create(1, 0, 0, &spout, &mut p, &mut c),
            SPILL_OK,
        );
        *cell = p;
        expect(spill_spsc_u64_producer_push(p, 1), SPILL_OK);
        expect(spill_spsc_u64_producer_push(p, 2), SPILL_OK);
        let mut out = 0;
        expect(spill_spsc_u64_consumer_pop(c, &mut out), SPILL_OK);
        assert_eq!(out, 2);
        free(p, c);
        drop(Box::from_raw(cell));
    }
}

unsafe extern "C" fn indirect_send(ctx: *mut c_void, items: *const c_void, count: usize) -> c_int {
    // SAFETY: `ctx` points to the cell holding the producer.
    let producer = unsafe { *ctx.cast::<*mut spill_spsc_u64_producer>() };
    // SAFETY: forwarding the same batch.
    unsafe { reentrant_send(producer.cast(), items, count) }
}

#[test]
fn producer_and_consumer_threads_conserve_every_item() {
    for flags in [0, SPILL_WAKING] {
        let evicted = SharedRecorder::default();
        let (p, c) = ring(16, 0, flags, Some(&evicted.spout()));
        let producer = Ptr(p);
        let pushing = std::thread::spawn(move || {
            let producer = producer;
            for i in 0..N {
                // SAFETY: the producer half belongs to this thread.
                unsafe {
                    if i % 3 == 0 {
                        expect(
                            spill_spsc_u64_producer_push_wait(producer.0, i, SPILL_WAIT_FOREVER),
                            SPILL_OK,
                        );
                    } else {
                        expect(spill_spsc_u64_producer_push(producer.0, i), SPILL_OK);
                    }
                }
            }
            // SAFETY: done with it; freed by its own thread.
            unsafe { expect(spill_spsc_u64_producer_free(producer.0), SPILL_OK) };
        });
        let mut popped = Vec::new();
        let mut buf = [0u64; 8];
        let mut slots = [null::<u64>(); 4];
        // SAFETY: the consumer half stays on this thread.
        unsafe {
            loop {
                let abandoned = spill_spsc_u64_consumer_is_abandoned(c);
                let mut n = 0;
                match popped.len() % 3 {
                    0 => {
                        let mut out = 0;
                        if spill_spsc_u64_consumer_pop(c, &mut out) == SPILL_OK {
                            popped.push(out);
                        }
                    }
                    1 => {
                        let _ = spill_spsc_u64_consumer_pop_bulk(c, buf.as_mut_ptr(), 8, &mut n);
                        popped.extend_from_slice(&buf[..n]);
                    }
                    _ => {
                        let _ = spill_spsc_u64_consumer_read(c, 4, slots.as_mut_ptr(), &mut n);
                        popped.extend(slots[..n].iter().map(|s| **s));
                        expect(spill_spsc_u64_consumer_release(c), SPILL_OK);
                    }
                }
                if abandoned && spill_spsc_u64_consumer_len(c) == 0 {
                    break;
                }
            }
            pushing.join().unwrap();
            expect(spill_spsc_u64_consumer_free(c), SPILL_OK);
        }
        assert!(popped.windows(2).all(|w| w[0] < w[1]), "in order");
        let evicted = evicted.items();
        let all: BTreeSet<u64> = popped.iter().chain(&evicted).copied().collect();
        assert_eq!(all.len(), popped.len() + evicted.len(), "no item twice");
        assert_eq!(all, (0..N).collect(), "every item, popped or evicted");
    }
}

/// A C struct of 24 bytes, as the bytes family stores it.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
struct Event {
    id: u64,
    value: f64,
    tag: u32,
    pad: u32,
}

fn event(id: u64) -> Event {
    Event {
        id,
        value: id as f64 / 2.0,
        tag: id as u32 * 3,
        pad: 0,
    }
}

#[test]
fn the_bytes_family_holds_c_structs() {
    let size = std::mem::size_of::<Event>();
    let spout = BytesRecorder::new(size);
    let (mut p, mut c) = (null_mut(), null_mut());
    // SAFETY: valid pointers of `size`-byte elements throughout.
    unsafe {
        expect(
            spill_spsc_bytes_create(size, 4, 0, 0, &spout.spout(), &mut p, &mut c),
            SPILL_OK,
        );
        assert_eq!(spill_spsc_bytes_producer_elem_size(p), size);
        for i in 0..6 {
            let e = event(i);
            expect(
                spill_spsc_bytes_producer_push(p, (&e as *const Event).cast()),
                SPILL_OK,
            );
        }
        assert_eq!(spill_spsc_bytes_producer_len(p), 4);
        assert_eq!(spout.items().len(), 2);
        assert_eq!(spout.misaligned.get(), 0);
        assert_eq!(
            spill_spsc_bytes_producer_push(p, null()),
            SPILL_NULL_ARGUMENT
        );
        let e = event(99);
        assert_eq!(
            spill_spsc_bytes_producer_try_push(p, (&e as *const Event).cast()),
            SPILL_FULL
        );
        assert_eq!(
            spill_spsc_bytes_producer_push_wait(p, (&e as *const Event).cast(), 0),
            SPILL_TIMEOUT
        );
        let mut out = event(0);
        expect(
            spill_spsc_bytes_consumer_pop(c, (&mut out as *mut Event).cast()),
            SPILL_OK,
        );
        assert_eq!(out, event(2));
        let mut slots = [null::<c_void>(); 4];
        let mut n = 0;
        expect(
            spill_spsc_bytes_consumer_read(c, 2, slots.as_mut_ptr(), &mut n),
            SPILL_OK,
        );
        assert_eq!(n, 2);
        assert_eq!(*slots[1].cast::<Event>(), event(4));
        expect(spill_spsc_bytes_consumer_release(c), SPILL_OK);
        let mut wslots = [null_mut::<c_void>(); 4];
        expect(
            spill_spsc_bytes_producer_reserve(p, 2, wslots.as_mut_ptr(), &mut n),
            SPILL_OK,
        );
        assert_eq!(n, 2);
        for (i, slot) in wslots[..2].iter().enumerate() {
            assert_eq!(*slot as usize % 8, 0, "aligned as an array of Event");
            slot.cast::<Event>().write(event(50 + i as u64));
        }
        expect(spill_spsc_bytes_producer_commit(p, 2), SPILL_OK);
        expect(
            spill_spsc_bytes_producer_try_push(p, (&e as *const Event).cast()),
            SPILL_OK,
        );
        let mut many = [event(0); 8];
        expect(
            spill_spsc_bytes_consumer_pop_bulk(c, many.as_mut_ptr().cast(), 8, &mut n),
            SPILL_OK,
        );
        assert_eq!(&many[..n], &[event(5), event(50), event(51), event(99)]);
        assert_eq!(spill_spsc_bytes_consumer_len(c), 0);
        expect(
            spill_spsc_bytes_producer_push_wait(p, (&e as *const Event).cast(), SPILL_WAIT_FOREVER),
            SPILL_OK,
        );
        assert!(!spill_spsc_bytes_producer_is_abandoned(p));
        assert!(!spill_spsc_bytes_producer_is_closed(p));
        expect(spill_spsc_bytes_consumer_close(c), SPILL_OK);
        assert!(spill_spsc_bytes_producer_is_closed(p));
        expect(spill_spsc_bytes_producer_free(p), SPILL_OK);
        assert!(spill_spsc_bytes_consumer_is_abandoned(c));
        expect(spill_spsc_bytes_consumer_free(c), SPILL_OK);
        assert_eq!(spout.flushes.get(), 1);
    }
}

#[test]
fn other_families_round_trip() {
    let (mut p, mut c) = (null_mut(), null_mut());
    // SAFETY: valid pointers throughout.
    unsafe {
        expect(
            spill_spsc_u8_create(2, 0, 0, null(), &mut p, &mut c),
            SPILL_OK,
        );
        for i in 0..3u8 {
            expect(spill_spsc_u8_producer_push(p, i), SPILL_OK);
        }
        let mut out = 0u8;
        expect(spill_spsc_u8_consumer_pop(c, &mut out), SPILL_OK);
        assert_eq!(out, 1);
        expect(spill_spsc_u8_producer_free(p), SPILL_OK);
        expect(spill_spsc_u8_consumer_free(c), SPILL_OK);

        let (mut p, mut c) = (null_mut(), null_mut());
        expect(
            spill_spsc_f64_create(4, 0, 0, null(), &mut p, &mut c),
            SPILL_OK,
        );
        expect(spill_spsc_f64_producer_push(p, 1.5), SPILL_OK);
        let mut out = 0.0f64;
        expect(spill_spsc_f64_consumer_pop(c, &mut out), SPILL_OK);
        assert_eq!(out, 1.5);
        expect(spill_spsc_f64_consumer_free(c), SPILL_OK);
        expect(spill_spsc_f64_producer_free(p), SPILL_OK);
    }
}

/// Creation with counts far past their maxima: refused with a message
/// naming the count, never an abort or an allocation attempt.
#[test]
fn huge_counts_are_refused_with_a_message() {
    let (mut p, mut c) = (null_mut(), null_mut());
    // SAFETY: valid out-pointers.
    unsafe {
        for (capacity, hold, what) in [
            (1usize << 40, 0usize, "capacity"),
            (usize::MAX, 0, "capacity"),
            (1 << 41, 1, "capacity"),
            (8, usize::MAX, "hold"),
            (8, 1 << 40, "hold"),
        ] {
            assert_eq!(
                spill_spsc_u64_create(capacity, hold, 0, null(), &mut p, &mut c),
                SPILL_INVALID_ARGUMENT,
                "{capacity} {hold}"
            );
            assert!(p.is_null() && c.is_null());
            let count = if what == "hold" { hold } else { capacity };
            let message = last_error();
            assert!(
                message.contains(what) && message.contains(&count.to_string()),
                "{what}: {message}"
            );
            let (mut bp, mut bc) = (null_mut(), null_mut());
            assert_eq!(
                spill_spsc_bytes_create(4096, capacity, hold, 0, null(), &mut bp, &mut bc),
                SPILL_INVALID_ARGUMENT
            );
            assert!(bp.is_null() && bc.is_null());
            assert!(last_error().contains(what), "{}", last_error());
        }
        assert_eq!(
            spill_spsc_bytes_create(4097, 8, 0, 0, null(), &mut null_mut(), &mut null_mut()),
            SPILL_INVALID_ARGUMENT
        );
        assert!(last_error().contains("4097"), "{}", last_error());
        assert_eq!(
            spill_spsc_u64_create(8, 0, u32::MAX, null(), &mut p, &mut c),
            SPILL_INVALID_ARGUMENT
        );
        assert!(last_error().contains("flags"), "{}", last_error());
    }
}

/// Counts past what the ring or memory can hold in the element calls:
/// reserve takes the capacity, pop_bulk and read refuse sizes that do not
/// fit in memory, misaligned arrays are refused; each with a message.
#[test]
fn huge_and_misaligned_element_arguments_are_refused() {
    let (p, c) = ring(4, 0, 0, None);
    let mut words = [0u64; 4];
    let mut n = 7usize;
    let mut slots = [null_mut::<u64>(); 4];
    let mut read = [null::<u64>(); 4];
    // SAFETY: the arrays are valid for what each call may write; the
    // huge counts are refused before anything is written.
    unsafe {
        expect(spill_spsc_u64_producer_push(p, 1), SPILL_OK);
        assert_eq!(
            spill_spsc_u64_consumer_pop_bulk(c, words.as_mut_ptr(), usize::MAX, &mut n),
            SPILL_INVALID_ARGUMENT
        );
        assert_eq!(n, 0);
        assert!(last_error().contains("fit"), "{}", last_error());
        assert_eq!(
            spill_spsc_u64_consumer_pop_bulk(c, words.as_mut_ptr(), usize::MAX / 8, &mut n),
            SPILL_INVALID_ARGUMENT
        );
        assert_eq!(
            spill_spsc_u64_consumer_read(c, usize::MAX, read.as_mut_ptr(), &mut n),
            SPILL_INVALID_ARGUMENT
        );
        assert!(last_error().contains("fit"), "{}", last_error());
        let odd = words.as_mut_ptr().cast::<u8>().add(1).cast::<u64>();
        // An array, even of one element, must be aligned (a pointer to one
        // value need not be: see `read_and_release_claim_in_place`).
        assert_eq!(
            spill_spsc_u64_consumer_pop_bulk(c, odd, 1, &mut n),
            SPILL_INVALID_ARGUMENT
        );
        assert!(last_error().contains("aligned"), "{}", last_error());
        let odd_slots = slots.as_mut_ptr().cast::<u8>().add(1).cast::<*mut u64>();
        assert_eq!(
            spill_spsc_u64_producer_reserve(p, 1, odd_slots, &mut n),
            SPILL_INVALID_ARGUMENT
        );
        assert!(last_error().contains("aligned"), "{}", last_error());
        let odd_read = read.as_mut_ptr().cast::<u8>().add(1).cast::<*const u64>();
        assert_eq!(
            spill_spsc_u64_consumer_read(c, 1, odd_read, &mut n),
            SPILL_INVALID_ARGUMENT
        );
        // Nothing was taken by the refused calls.
        assert_eq!(spill_spsc_u64_consumer_len(c), 1);
        // A huge reserve takes the capacity.
        expect(
            spill_spsc_u64_producer_reserve(p, usize::MAX, slots.as_mut_ptr(), &mut n),
            SPILL_OK,
        );
        assert_eq!(n, 4);
        expect(spill_spsc_u64_producer_commit(p, 0), SPILL_OK);
        assert_eq!(
            spill_spsc_u64_producer_commit(p, usize::MAX),
            SPILL_INVALID_ARGUMENT
        );
        // NULL out-pointers.
        assert_eq!(
            spill_spsc_u64_producer_reserve(p, 1, slots.as_mut_ptr(), null_mut()),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(
            spill_spsc_u64_consumer_pop_bulk(c, words.as_mut_ptr(), 1, null_mut()),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(
            spill_spsc_u64_consumer_read(c, 1, read.as_mut_ptr(), null_mut()),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(
            spill_spsc_u64_consumer_pop_bulk(c, null_mut(), 1, &mut n),
            SPILL_NULL_ARGUMENT
        );
        assert_eq!(
            spill_spsc_bytes_producer_push(null_mut(), null()),
            SPILL_NULL_ARGUMENT
        );
        free(p, c);
    }
}

/// A call that returns SPILL_OK leaves spill_last_error() as it was.
#[test]
fn successful_calls_leave_the_last_error_unchanged() {
    let spout = Recorder::<u64>::new();
    let (p, c) = ring(2, 0, SPILL_WAKING, Some(&spout.spout()));
    let mut out = 0u64;
    let mut n = 0usize;
    let mut slots = [null_mut::<u64>(); 2];
    let mut read = [null::<u64>(); 2];
    // SAFETY: live halves; valid out-pointers.
    unsafe {
        // A failure sets the message every later success must keep.
        assert_eq!(spill_spsc_u64_consumer_pop(c, &mut out), SPILL_EMPTY);
        let before = last_error();
        assert!(!before.is_empty());
        let (mut bp, mut bc) = (null_mut(), null_mut());
        expect(
            spill_spsc_bytes_create(3, 2, 0, 0, null(), &mut bp, &mut bc),
            SPILL_OK,
        );
        expect(spill_spsc_u64_producer_push(p, 1), SPILL_OK);
        expect(spill_spsc_u64_producer_push(p, 2), SPILL_OK);
        expect(spill_spsc_u64_producer_push(p, 3), SPILL_OK); // evicts 1
        expect(spill_spsc_u64_consumer_pop(c, &mut out), SPILL_OK);
        expect(spill_spsc_u64_producer_try_push(p, 4), SPILL_OK);
        expect(
            spill_spsc_u64_consumer_pop_bulk(c, &mut out, 1, &mut n),
            SPILL_OK,
        );
        expect(spill_spsc_u64_producer_push_wait(p, 5, 0), SPILL_OK);
        expect(
            spill_spsc_u64_producer_reserve(p, 1, slots.as_mut_ptr(), &mut n),
            SPILL_OK,
        );
        slots[0].write(6);
        expect(spill_spsc_u64_producer_commit(p, 1), SPILL_OK);
        expect(
            spill_spsc_u64_consumer_read(c, 2, read.as_mut_ptr(), &mut n),
            SPILL_OK,
        );
        expect(spill_spsc_u64_consumer_release(c), SPILL_OK);
        assert_eq!(spill_spsc_u64_producer_len(p), 0);
        assert!(!spill_spsc_u64_producer_is_closed(p));
        expect(spill_spsc_u64_consumer_close(c), SPILL_OK);
        let item = [9u8; 3];
        expect(
            spill_spsc_bytes_producer_push(bp, item.as_ptr().cast()),
            SPILL_OK,
        );
        assert_eq!(spill_spsc_bytes_producer_elem_size(bp), 3);
        expect(spill_spsc_bytes_producer_free(bp), SPILL_OK);
        expect(spill_spsc_bytes_consumer_free(bc), SPILL_OK);
        free(p, c);
        expect(spill_spsc_u64_producer_free(null_mut()), SPILL_OK);
        assert_eq!(last_error(), before);
    }
    assert_eq!(
        spout.items(),
        vec![1, 4],
        "the push and the reserve evicted"
    );
}
