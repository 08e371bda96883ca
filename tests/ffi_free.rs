//! What free and flush deliver, and what they report, for every family with
//! a spout: the rule is the same everywhere.
//!
//! - The items go to the spout in batches split only at the storage's wrap
//!   point, stopping at the first refused batch; then the spout's flush is
//!   called once, whatever happened.
//! - free drops what the spout refused (never offers it again) and returns
//!   SPILL_SPOUT_FAILED, with the count lost in the message; a failed flush
//!   is SPILL_SPOUT_FAILED too.
//! - A call that returns SPILL_OK leaves spill_last_error() as it was.

mod ffi_support;

use std::ptr::{null, null_mut};

use ffi_support::{expect, last_error, BytesRecorder, Recorder};
use spill_ring::ffi::spill_status::*;
use spill_ring::ffi::*;

/// A u64 ring of capacity 4 holding 0..n, wrapped so that its items span
/// the wrap point (two batches) when `n` > 2.
///
/// # Safety
///
/// `spout` is valid for as long as the ring lives.
unsafe fn wrapped_ring(spout: &spill_spout, n: u64) -> *mut spill_ring_u64 {
    let mut ring = null_mut();
    // SAFETY: the caller's contract; valid pointers.
    unsafe {
        expect(spill_ring_u64_create(4, spout, &mut ring), SPILL_OK);
        // Move the indices to 3: the next items sit at slots 3, 0, 1...
        for _ in 0..3 {
            expect(spill_ring_u64_try_push(ring, 99), SPILL_OK);
        }
        let mut out = [0u64; 3];
        let mut popped = 0;
        expect(
            spill_ring_u64_pop_bulk(ring, out.as_mut_ptr(), 3, &mut popped),
            SPILL_OK,
        );
        for i in 0..n {
            expect(spill_ring_u64_try_push(ring, i), SPILL_OK);
        }
    }
    ring
}

#[test]
fn free_reports_a_failed_flush() {
    let rec = Recorder::<u64>::new();
    rec.fail_flush.set(true);
    let spout = rec.spout();
    // SAFETY: valid spout; the ring is freed once.
    unsafe {
        let ring = wrapped_ring(&spout, 3);
        expect(spill_ring_u64_free(ring), SPILL_SPOUT_FAILED);
    }
    assert!(last_error().contains("flush"), "{}", last_error());
    // Everything was delivered before the flush failed: nothing lost.
    assert_eq!(rec.items(), vec![0, 1, 2]);
    assert!(
        last_error().contains("0 of 3 items were lost"),
        "{}",
        last_error()
    );
    assert_eq!(rec.flushes.get(), 1);
}

#[test]
fn free_never_offers_a_refused_item_again() {
    let rec = Recorder::<u64>::new();
    rec.refuse.set(true);
    let spout = rec.spout();
    // SAFETY: valid spout; the ring is freed once.
    unsafe {
        let ring = wrapped_ring(&spout, 3);
        expect(spill_ring_u64_free(ring), SPILL_SPOUT_FAILED);
    }
    // One refused batch (the run before the wrap point), then no more
    // offers: the three items are reported lost, and the spout is still
    // flushed once so that what it took earlier is made durable.
    assert_eq!(rec.sends.get(), 1);
    assert!(rec.items().is_empty());
    assert_eq!(rec.flushes.get(), 1);
    assert!(
        last_error().contains("3 of 3 items were lost"),
        "{}",
        last_error()
    );
}

#[test]
fn free_keeps_what_was_accepted_before_the_refusal() {
    let rec = BytesRecorder::new(24);
    rec.accept_only.set(Some(1));
    let spout = rec.spout();
    let item = |i: u8| [i; 24];
    // SAFETY: valid spout and items; the ring is freed once.
    unsafe {
        let mut ring = null_mut();
        expect(spill_ring_bytes_create(24, 4, &spout, &mut ring), SPILL_OK);
        for i in 0..3 {
            expect(
                spill_ring_bytes_try_push(ring, item(9).as_ptr().cast()),
                SPILL_OK,
            );
            let _ = i;
        }
        let mut out = [0u8; 72];
        let mut popped = 0;
        expect(
            spill_ring_bytes_pop_bulk(ring, out.as_mut_ptr().cast(), 3, &mut popped),
            SPILL_OK,
        );
        for i in 0..3 {
            expect(
                spill_ring_bytes_try_push(ring, item(i).as_ptr().cast()),
                SPILL_OK,
            );
        }
        // Items 0 | 1, 2 across the wrap point: the first batch is
        // accepted, the second refused and lost.
        expect(spill_ring_bytes_free(ring), SPILL_SPOUT_FAILED);
    }
    assert_eq!(rec.items(), vec![item(0).to_vec()]);
    assert_eq!(rec.sends.get(), 2);
    assert_eq!(rec.flushes.get(), 1);
    assert!(
        last_error().contains("2 of 3 items were lost"),
        "{}",
        last_error()
    );
}

#[test]
fn bytes_free_reports_a_failed_flush() {
    let rec = BytesRecorder::new(8);
    rec.fail_flush.set(true);
    let spout = rec.spout();
    // SAFETY: valid spout and item; the ring is freed once.
    unsafe {
        let mut ring = null_mut();
        expect(spill_ring_bytes_create(8, 4, &spout, &mut ring), SPILL_OK);
        expect(
            spill_ring_bytes_push(ring, [1u8; 8].as_ptr().cast()),
            SPILL_OK,
        );
        expect(spill_ring_bytes_free(ring), SPILL_SPOUT_FAILED);
    }
    assert_eq!(rec.items(), vec![vec![1u8; 8]]);
    assert!(last_error().contains("flush"), "{}", last_error());
}

#[test]
fn mpsc_free_reports_a_failed_flush_once_per_producer() {
    let rec = Recorder::<u64>::new();
    rec.fail_flush.set(true);
    let spout = rec.spout();
    // SAFETY: valid spout; the set is freed once and used on this thread.
    unsafe {
        let mut mpsc = null_mut();
        expect(spill_mpsc_u64_create(2, 4, &spout, 1, &mut mpsc), SPILL_OK);
        expect(
            spill_ring_u64_push(spill_mpsc_u64_producer(mpsc, 1), 5),
            SPILL_OK,
        );
        expect(spill_mpsc_u64_free(mpsc), SPILL_SPOUT_FAILED);
    }
    assert_eq!(rec.items(), vec![5]);
    assert_eq!(rec.flushes.get(), 2);
}

#[test]
fn flush_calls_the_spout_flush_after_a_refusal_too() {
    let rec = Recorder::<u64>::new();
    let spout = rec.spout();
    // SAFETY: valid spout and out-pointers; the ring is freed once.
    unsafe {
        let ring = wrapped_ring(&spout, 3);
        rec.refuse.set(true);
        let mut flushed = 7;
        expect(spill_ring_u64_flush(ring, &mut flushed), SPILL_SPOUT_FAILED);
        assert_eq!(flushed, 0);
        assert_eq!(rec.flushes.get(), 1);
        assert_eq!(spill_ring_u64_len(ring), 3);
        rec.refuse.set(false);
        expect(spill_ring_u64_flush(ring, &mut flushed), SPILL_OK);
        assert_eq!(flushed, 3);
        assert_eq!(rec.batches(), vec![vec![0], vec![1, 2]]);
        assert_eq!(rec.flushes.get(), 2);
        expect(spill_ring_u64_free(ring), SPILL_OK);
    }
    // The free had nothing left to send, and flushed once more.
    assert_eq!(rec.flushes.get(), 3);
}

#[test]
fn null_spout_flush_and_free_drop_everything() {
    // SAFETY: valid out-pointers; the ring is freed once.
    unsafe {
        let mut ring = null_mut();
        expect(spill_ring_u64_create(4, null(), &mut ring), SPILL_OK);
        for i in 0..6 {
            expect(spill_ring_u64_push(ring, i), SPILL_OK);
        }
        let mut flushed = 0;
        expect(spill_ring_u64_flush(ring, &mut flushed), SPILL_OK);
        assert_eq!(flushed, 4);
        assert_eq!(spill_ring_u64_len(ring), 0);
        expect(spill_ring_u64_push(ring, 1), SPILL_OK);
        expect(spill_ring_u64_free(ring), SPILL_OK);
    }
}

#[test]
fn successful_calls_leave_the_last_error_alone() {
    let rec = Recorder::<u64>::new();
    let spout = rec.spout();
    // SAFETY: valid spouts and pointers; each ring is freed once, the
    // chained one (warm) after the one feeding it.
    unsafe {
        let mut warm = null_mut();
        expect(spill_ring_u64_create(2, &spout, &mut warm), SPILL_OK);
        let feed = spill_ring_u64_as_spout(warm);
        let mut hot = null_mut();
        expect(spill_ring_u64_create(2, &feed, &mut hot), SPILL_OK);
        let mut out = 0;
        expect(spill_ring_u64_pop(hot, &mut out), SPILL_EMPTY);
        let message = last_error();

        // Pushes that cascade hot -> warm -> recorder, a chained flush and
        // both frees: all succeed and leave the message as it was.
        for i in 0..6 {
            expect(spill_ring_u64_push(hot, i), SPILL_OK);
        }
        expect(spill_ring_u64_flush(hot, null_mut()), SPILL_OK);
        expect(spill_ring_u64_free(hot), SPILL_OK);
        expect(spill_ring_u64_free(warm), SPILL_OK);
        assert_eq!(last_error(), message);
    }
    assert_eq!(rec.items(), vec![0, 1, 2, 3, 4, 5]);
}

#[test]
fn a_chained_flush_failure_fails_the_free() {
    let rec = Recorder::<u64>::new();
    let spout = rec.spout();
    // SAFETY: as above.
    unsafe {
        let mut warm = null_mut();
        expect(spill_ring_u64_create(2, &spout, &mut warm), SPILL_OK);
        let feed = spill_ring_u64_as_spout(warm);
        let mut hot = null_mut();
        expect(spill_ring_u64_create(2, &feed, &mut hot), SPILL_OK);
        expect(spill_ring_u64_push(hot, 1), SPILL_OK);
        rec.fail_flush.set(true);
        // hot's spout flushes warm's spout, which fails: hot's free says so.
        expect(spill_ring_u64_free(hot), SPILL_SPOUT_FAILED);
        assert!(last_error().contains("flush"), "{}", last_error());
        assert_eq!(spill_ring_u64_len(warm), 1);
        rec.fail_flush.set(false);
        expect(spill_ring_u64_free(warm), SPILL_OK);
    }
    assert_eq!(rec.items(), vec![1]);
}
