//! The bytes family through its C functions, for exact (power-of-two) and
//! padded element sizes.

mod ffi_support;

use std::ptr::{null, null_mut};

use ffi_support::{expect, last_error, AlignedBuf, BytesRecorder};
use spill_ring::ffi::spill_status::*;
use spill_ring::ffi::*;

/// Element sizes: padded (odd and in-between) and exact (fewer under Miri,
/// which is slow).
const SIZES: &[usize] = if cfg!(miri) {
    &[1, 3, 24, 64]
} else {
    &[1, 3, 5, 8, 24, 64, 100, 256, 1000, 4096]
};

/// Element `i` of `size` bytes; distinct for distinct small `i`.
fn elem(i: usize, size: usize) -> Vec<u8> {
    (0..size)
        .map(|j| (i * 31 + j * 7 + i / 256) as u8)
        .collect()
}

fn elems(range: std::ops::Range<usize>, size: usize) -> Vec<Vec<u8>> {
    range.map(|i| elem(i, size)).collect()
}

fn packed(range: std::ops::Range<usize>, size: usize) -> Vec<u8> {
    elems(range, size).concat()
}

unsafe fn pop_all(ring: *mut spill_ring_bytes, size: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; size];
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    while unsafe { spill_ring_bytes_pop(ring, buf.as_mut_ptr().cast()) } == SPILL_OK {
        out.push(buf.clone());
    }
    out
}

#[test]
fn eviction_peek_and_pop() {
    for &size in SIZES {
        let rec = BytesRecorder::new(size);
        let spout = rec.spout();
        // SAFETY: the pointers passed are valid or NULL and the handles live or
        // NULL, as the C API requires (NULL is what some calls check).
        unsafe {
            let ring = spill_ring_bytes_new(size, 4, &spout);
            assert!(!ring.is_null(), "{}", last_error());
            assert_eq!(spill_ring_bytes_elem_size(ring), size);
            assert_eq!(spill_ring_bytes_capacity(ring), 4);
            for i in 0..10 {
                expect(
                    spill_ring_bytes_push(ring, elem(i, size).as_ptr().cast()),
                    SPILL_OK,
                );
            }
            assert!(spill_ring_bytes_is_full(ring));
            assert_eq!(rec.items(), elems(0..6, size), "size {size}");
            let mut front = vec![0u8; size];
            expect(
                spill_ring_bytes_peek(ring, front.as_mut_ptr().cast()),
                SPILL_OK,
            );
            assert_eq!(front, elem(6, size));
            expect(
                spill_ring_bytes_try_push(ring, elem(0, size).as_ptr().cast()),
                SPILL_FULL,
            );
            assert_eq!(pop_all(ring, size), elems(6..10, size));
            assert!(spill_ring_bytes_is_empty(ring));
            expect(
                spill_ring_bytes_peek(ring, front.as_mut_ptr().cast()),
                SPILL_EMPTY,
            );
            expect(
                spill_ring_bytes_try_push(ring, elem(50, size).as_ptr().cast()),
                SPILL_OK,
            );
            expect(spill_ring_bytes_free(ring), SPILL_OK);
        }
        assert_eq!(rec.items().last(), Some(&elem(50, size)));
        assert_eq!(rec.flushes.get(), 1);
    }
}

#[test]
fn bulk_calls_across_the_wrap_and_beyond_capacity() {
    for &size in SIZES {
        let rec = BytesRecorder::new(size);
        let spout = rec.spout();
        // SAFETY: the pointers passed are valid or NULL and the handles live or
        // NULL, as the C API requires (NULL is what some calls check).
        unsafe {
            let ring = spill_ring_bytes_new(size, 8, &spout);
            let mut n = 0;
            expect(
                spill_ring_bytes_push_bulk(ring, packed(0..5, size).as_ptr().cast(), 5, &mut n),
                SPILL_OK,
            );
            assert_eq!(n, 5);
            let mut out = vec![0u8; 8 * size];
            expect(
                spill_ring_bytes_pop_bulk(ring, out.as_mut_ptr().cast(), 8, &mut n),
                SPILL_OK,
            );
            assert_eq!((n, &out[..5 * size]), (5, &packed(0..5, size)[..]));
            // Wrap around, then overflow by four.
            expect(
                spill_ring_bytes_push_bulk(ring, packed(10..16, size).as_ptr().cast(), 6, &mut n),
                SPILL_OK,
            );
            expect(
                spill_ring_bytes_push_bulk(ring, packed(16..20, size).as_ptr().cast(), 4, &mut n),
                SPILL_OK,
            );
            assert_eq!(rec.items(), elems(10..12, size), "size {size}");
            expect(
                spill_ring_bytes_pop_bulk(ring, out.as_mut_ptr().cast(), 3, &mut n),
                SPILL_OK,
            );
            assert_eq!(&out[..3 * size], &packed(12..15, size)[..]);
            // More than the capacity at once.
            rec.clear();
            expect(
                spill_ring_bytes_push_bulk(
                    ring,
                    packed(100..120, size).as_ptr().cast(),
                    20,
                    &mut n,
                ),
                SPILL_OK,
            );
            assert_eq!(n, 20);
            let mut expected = elems(15..20, size);
            expected.extend(elems(100..112, size));
            assert_eq!(rec.items(), expected, "size {size}");
            assert!(rec.batches().len() <= 3);
            assert_eq!(pop_all(ring, size), elems(112..120, size));
            expect(
                spill_ring_bytes_pop_bulk(ring, out.as_mut_ptr().cast(), 8, &mut n),
                SPILL_EMPTY,
            );
            assert_eq!(n, 0);
            expect(spill_ring_bytes_free(ring), SPILL_OK);
        }
    }
}

#[test]
fn flush_drain_and_clear() {
    for &size in SIZES {
        let rec = BytesRecorder::new(size);
        let dst = BytesRecorder::new(size);
        let (spout, dst_spout) = (rec.spout(), dst.spout());
        // SAFETY: the pointers passed are valid or NULL and the handles live or
        // NULL, as the C API requires (NULL is what some calls check).
        unsafe {
            let ring = spill_ring_bytes_new(size, 4, &spout);
            for i in 0..6 {
                expect(
                    spill_ring_bytes_push(ring, elem(i, size).as_ptr().cast()),
                    SPILL_OK,
                );
            }
            let mut n = 0;
            expect(spill_ring_bytes_drain(ring, &dst_spout, &mut n), SPILL_OK);
            assert_eq!(n, 4);
            assert_eq!(dst.batches(), vec![elems(2..4, size), elems(4..6, size)]);
            for i in 6..9 {
                expect(
                    spill_ring_bytes_push(ring, elem(i, size).as_ptr().cast()),
                    SPILL_OK,
                );
            }
            rec.clear();
            expect(spill_ring_bytes_flush(ring, &mut n), SPILL_OK);
            assert_eq!(
                (n, rec.items(), rec.flushes.get()),
                (3, elems(6..9, size), 1)
            );
            expect(
                spill_ring_bytes_push(ring, elem(1, size).as_ptr().cast()),
                SPILL_OK,
            );
            expect(spill_ring_bytes_clear(ring), SPILL_OK);
            assert_eq!(spill_ring_bytes_len(ring), 0);
            expect(spill_ring_bytes_free(ring), SPILL_OK);
        }
    }
}

/// Whatever batch the spout refuses, every element is found exactly once:
/// in the spout, in the ring, or (refused bulk push) still with the caller.
#[test]
fn refusals_lose_nothing() {
    for &size in SIZES {
        for accept in 0..4 {
            for count in [3, 8, 13] {
                let rec = BytesRecorder::new(size);
                let spout = rec.spout();
                // SAFETY: the pointers passed are valid or NULL and the handles live or
                // NULL, as the C API requires (NULL is what some calls check).
                unsafe {
                    let ring = spill_ring_bytes_new(size, 8, &spout);
                    // Six items, wrapped (head at slot 4).
                    let mut n = 0;
                    expect(
                        spill_ring_bytes_push_bulk(
                            ring,
                            packed(0..4, size).as_ptr().cast(),
                            4,
                            &mut n,
                        ),
                        SPILL_OK,
                    );
                    let mut sink = vec![0u8; 4 * size];
                    expect(
                        spill_ring_bytes_pop_bulk(ring, sink.as_mut_ptr().cast(), 4, &mut n),
                        SPILL_OK,
                    );
                    expect(
                        spill_ring_bytes_push_bulk(
                            ring,
                            packed(10..16, size).as_ptr().cast(),
                            6,
                            &mut n,
                        ),
                        SPILL_OK,
                    );
                    rec.accept_only.set(Some(accept));
                    let status = spill_ring_bytes_push_bulk(
                        ring,
                        packed(20..20 + count, size).as_ptr().cast(),
                        count,
                        &mut n,
                    );
                    let mut found = rec.items();
                    found.extend(pop_all(ring, size));
                    let mut expected = elems(10..16, size);
                    match status {
                        SPILL_OK => {
                            assert_eq!(n, count);
                            expected.extend(elems(20..20 + count, size));
                        }
                        SPILL_SPOUT_FAILED => assert_eq!(n, 0),
                        other => panic!("unexpected {other:?}"),
                    }
                    assert_eq!(
                        found, expected,
                        "size {size}, accept {accept}, count {count}"
                    );
                    rec.accept_only.set(None);
                    expect(spill_ring_bytes_free(ring), SPILL_OK);
                }
            }
        }
    }
}

#[test]
fn single_push_refused_leaves_the_ring_unchanged() {
    for &size in SIZES {
        let rec = BytesRecorder::new(size);
        let spout = rec.spout();
        // SAFETY: the pointers passed are valid or NULL and the handles live or
        // NULL, as the C API requires (NULL is what some calls check).
        unsafe {
            let ring = spill_ring_bytes_new(size, 2, &spout);
            for i in 0..2 {
                expect(
                    spill_ring_bytes_push(ring, elem(i, size).as_ptr().cast()),
                    SPILL_OK,
                );
            }
            rec.refuse.set(true);
            expect(
                spill_ring_bytes_push(ring, elem(2, size).as_ptr().cast()),
                SPILL_SPOUT_FAILED,
            );
            assert_eq!(pop_all(ring, size), elems(0..2, size));
            expect(spill_ring_bytes_free(ring), SPILL_OK);
        }
    }
}

#[test]
fn caller_memory_for_every_class() {
    for &size in SIZES {
        let rec = BytesRecorder::new(size);
        let spout = rec.spout();
        // SAFETY: the pointers passed are valid or NULL and the handles live or
        // NULL, as the C API requires (NULL is what some calls check).
        unsafe {
            let mut need = 0;
            expect(spill_ring_bytes_memsize(size, 16, &mut need), SPILL_OK);
            assert!(need >= 16 * size);
            let mut buf = AlignedBuf::new(need);
            let mut ring = null_mut();
            expect(
                spill_ring_bytes_init(buf.ptr(), need - 1, size, 16, &spout, &mut ring),
                SPILL_INVALID_ARGUMENT,
            );
            expect(
                spill_ring_bytes_init(buf.ptr(), need, size, 16, &spout, &mut ring),
                SPILL_OK,
            );
            expect(
                spill_ring_bytes_push_bulk(
                    ring,
                    packed(0..20, size).as_ptr().cast(),
                    20,
                    null_mut(),
                ),
                SPILL_OK,
            );
            assert_eq!(pop_all(ring, size), elems(4..20, size));
            expect(
                spill_ring_bytes_push(ring, elem(99, size).as_ptr().cast()),
                SPILL_OK,
            );
            expect(spill_ring_bytes_free(ring), SPILL_OK);
            let mut expected = elems(0..4, size);
            expected.push(elem(99, size));
            assert_eq!(rec.items(), expected);
            // The buffer is the caller's: the freed ring is refused.
            expect(
                spill_ring_bytes_push(ring, elem(1, size).as_ptr().cast()),
                SPILL_INVALID_ARGUMENT,
            );
        }
    }
}

#[test]
fn elements_are_stored_at_their_exact_size() {
    let size_of = |elem_size, capacity| {
        let mut n = 0;
        // SAFETY: a valid out-pointer.
        let status = unsafe { spill_ring_bytes_memsize(elem_size, capacity, &mut n) };
        expect(status, SPILL_OK);
        n
    };
    // The same fixed header whatever the size, then exactly
    // `capacity * elem_size` bytes: a 2100-byte element does not cost 4096.
    let header = size_of(1, 1) - 1;
    for (elem_size, capacity) in [(24, 1024), (100, 64), (2100, 16), (4096, 4), (3, 1)] {
        assert_eq!(size_of(elem_size, capacity), header + elem_size * capacity);
    }
    assert!(header <= 256, "header {header}");
}

/// Batches from a bytes ring are aligned as arrays of C structs of the
/// element size would be, also when free hands the rest on.
#[test]
fn spout_batches_are_aligned_for_the_element_size() {
    for size in [24, 256, 4096, 100, 2100] {
        let rec = BytesRecorder::new(size);
        let spout = rec.spout();
        // SAFETY: valid spout and pointers; each ring is freed once.
        unsafe {
            let mut ring = null_mut();
            expect(
                spill_ring_bytes_create(size, 4, &spout, &mut ring),
                SPILL_OK,
            );
            for i in 0..7 {
                expect(
                    spill_ring_bytes_push(ring, elem(i, size).as_ptr().cast()),
                    SPILL_OK,
                );
            }
            expect(spill_ring_bytes_free(ring), SPILL_OK);
        }
        assert_eq!(rec.items(), elems(0..7, size));
        assert_eq!(rec.misaligned.get(), 0, "size {size}");
    }
}

#[test]
fn bad_element_sizes_and_arguments() {
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        for bad in [0, SPILL_RING_MAX_ELEM_SIZE + 1] {
            assert!(spill_ring_bytes_new(bad, 4, null()).is_null());
            assert!(last_error().contains("elem_size"), "{}", last_error());
            let mut n = 0;
            expect(
                spill_ring_bytes_memsize(bad, 4, &mut n),
                SPILL_INVALID_ARGUMENT,
            );
        }
        assert!(spill_ring_bytes_new(8, 5, null()).is_null());
        let ring = spill_ring_bytes_new(3, 4, null());
        expect(spill_ring_bytes_push(ring, null()), SPILL_NULL_ARGUMENT);
        expect(spill_ring_bytes_pop(ring, null_mut()), SPILL_NULL_ARGUMENT);
        expect(spill_ring_bytes_peek(ring, null_mut()), SPILL_NULL_ARGUMENT);
        let mut n = 0;
        expect(
            spill_ring_bytes_push_bulk(ring, null(), 2, &mut n),
            SPILL_NULL_ARGUMENT,
        );
        expect(
            spill_ring_bytes_push_bulk(ring, null(), usize::MAX, &mut n),
            SPILL_INVALID_ARGUMENT,
        );
        expect(
            spill_ring_bytes_pop_bulk(ring, null_mut(), 0, &mut n),
            SPILL_OK,
        );
        expect(spill_ring_bytes_free(ring), SPILL_OK);
        let null_ring = null_mut();
        expect(
            spill_ring_bytes_push(null_ring, [0u8; 3].as_ptr().cast()),
            SPILL_NULL_ARGUMENT,
        );
        expect(spill_ring_bytes_clear(null_ring), SPILL_NULL_ARGUMENT);
        expect(
            spill_ring_bytes_flush(null_ring, &mut n),
            SPILL_NULL_ARGUMENT,
        );
        assert_eq!(spill_ring_bytes_elem_size(null_ring), 0);
        assert!(spill_ring_bytes_as_spout(null_ring).send.is_none());
        expect(spill_ring_bytes_free(null_ring), SPILL_OK);
    }
}

#[test]
fn bytes_rings_chain() {
    for &size in &[24, 64] {
        let rec = BytesRecorder::new(size);
        let spout = rec.spout();
        // SAFETY: the pointers passed are valid or NULL and the handles live or
        // NULL, as the C API requires (NULL is what some calls check).
        unsafe {
            let l2 = spill_ring_bytes_new(size, 4, &spout);
            let l2_spout = spill_ring_bytes_as_spout(l2);
            let l1 = spill_ring_bytes_new(size, 2, &l2_spout);
            expect(
                spill_ring_bytes_push_bulk(l1, packed(0..10, size).as_ptr().cast(), 10, null_mut()),
                SPILL_OK,
            );
            assert_eq!(rec.items(), elems(0..4, size));
            expect(spill_ring_bytes_free(l1), SPILL_OK);
            expect(spill_ring_bytes_free(l2), SPILL_OK);
            assert_eq!(rec.items(), elems(0..10, size));
            assert_eq!(rec.flushes.get(), 2);
        }
    }
}
