//! Statuses, the thread-local last error, the version, and re-entrant calls
//! from inside a spout.

mod ffi_support;

use std::cell::Cell;
use std::ffi::{c_int, c_void, CStr};
use std::ptr::null_mut;

use ffi_support::{expect, last_error};
use spill_ring::ffi::spill_status::*;
use spill_ring::ffi::*;

fn status_name(code: c_int) -> String {
    // SAFETY: spill_status_str returns a static C string.
    unsafe { CStr::from_ptr(spill_status_str(code)) }
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn every_status_has_its_header_name() {
    let header = include_str!("../include/spill_ring.h");
    for code in 0..=12 {
        let name = status_name(code);
        assert!(name.starts_with("SPILL_"), "{name}");
        assert!(
            header.contains(&format!("{name} = {code},")),
            "{name} = {code} is not in the header"
        );
    }
    assert_eq!(status_name(-1), "SPILL_UNKNOWN_STATUS");
    assert_eq!(status_name(13), "SPILL_UNKNOWN_STATUS");
    assert_eq!(
        status_name(SPILL_SPOUT_FAILED as c_int),
        "SPILL_SPOUT_FAILED"
    );
}

#[test]
fn retryable_statuses() {
    let retryable: Vec<c_int> = (-2..20).filter(|&c| spill_status_is_retryable(c)).collect();
    assert_eq!(
        retryable,
        vec![
            SPILL_EMPTY as c_int,
            SPILL_FULL as c_int,
            SPILL_BUSY as c_int,
            SPILL_TIMEOUT as c_int
        ]
    );
}

#[test]
fn last_error_is_per_thread_and_kept_by_successes() {
    std::thread::spawn(|| {
        assert_eq!(last_error(), "");
        // SAFETY: the pointers passed are valid or NULL and the handles live or
        // NULL, as the C API requires (NULL is what some calls check).
        unsafe {
            let ring = spill_ring_u32_new(2, std::ptr::null());
            let mut x = 0;
            expect(spill_ring_u32_pop(ring, &mut x), SPILL_EMPTY);
            assert_eq!(last_error(), "the ring is empty");
            let first = spill_last_error();
            // The same fixed message keeps its pointer (polling loops).
            expect(spill_ring_u32_pop(ring, &mut x), SPILL_EMPTY);
            assert_eq!(spill_last_error(), first);
            expect(spill_ring_u32_push(ring, 1), SPILL_OK);
            assert_eq!(last_error(), "the ring is empty");
            std::thread::spawn(|| assert_eq!(last_error(), ""))
                .join()
                .unwrap();
            expect(spill_ring_u32_free(ring), SPILL_OK);
        }
    })
    .join()
    .unwrap();
}

#[test]
fn version_matches_the_package_and_header() {
    let expected =
        format!("{SPILL_RING_VERSION_MAJOR}.{SPILL_RING_VERSION_MINOR}.{SPILL_RING_VERSION_PATCH}");
    assert_eq!(expected, env!("CARGO_PKG_VERSION"));
    assert_eq!(spill_version(), SPILL_RING_VERSION);
    let header = include_str!("../include/spill_ring.h");
    assert!(header.contains(&format!(
        "#define SPILL_RING_VERSION_MAJOR {SPILL_RING_VERSION_MAJOR}\n"
    )));
    assert!(header.contains(&format!(
        "#define SPILL_RING_VERSION {SPILL_RING_VERSION}\n"
    )));
}

/// A spout that calls back into the ring feeding it and records what
/// those calls returned.
struct Reentrant {
    ring: Cell<*mut spill_ring_u64>,
    push: Cell<Option<spill_status>>,
    len: Cell<usize>,
    free: Cell<Option<spill_status>>,
    /// What the other mutating calls returned: try_push, pop, peek, clear.
    others: Cell<[Option<spill_status>; 4]>,
    /// The item the spout was offered, read through `items`.
    offered: Cell<Option<u64>>,
}

unsafe extern "C" fn reentrant_send(ctx: *mut c_void, items: *const c_void, n: usize) -> c_int {
    // SAFETY: `ctx` is the test's `Reentrant`.
    let state = unsafe { &*ctx.cast::<Reentrant>() };
    let ring = state.ring.get();
    // SAFETY: the ring is live: it is calling us; `items` holds `n` items.
    unsafe {
        state.push.set(Some(spill_ring_u64_push(ring, 1000)));
        state.len.set(spill_ring_u64_len(ring));
        state.free.set(Some(spill_ring_u64_free(ring)));
        let mut x = 0;
        state.others.set([
            Some(spill_ring_u64_try_push(ring, 1000)),
            Some(spill_ring_u64_pop(ring, &mut x)),
            Some(spill_ring_u64_peek(ring, &mut x)),
            Some(spill_ring_u64_clear(ring)),
        ]);
        // The offered item is still in the ring, unchanged by the refused
        // calls above.
        if n == 1 && state.offered.get().is_none() {
            state.offered.set(Some(items.cast::<u64>().read()));
        }
    }
    0
}

#[test]
fn reentrant_calls_from_a_spout_are_busy() {
    let state = Reentrant {
        ring: Cell::new(null_mut()),
        push: Cell::new(None),
        len: Cell::new(0),
        free: Cell::new(None),
        others: Cell::new([None; 4]),
        offered: Cell::new(None),
    };
    let spout = spill_spout {
        send: Some(reentrant_send),
        flush: None,
        ctx: (&state as *const Reentrant).cast_mut().cast(),
    };
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let ring = spill_ring_u64_new(2, &spout);
        state.ring.set(ring);
        for i in 0..3 {
            expect(spill_ring_u64_push(ring, i), SPILL_OK);
        }
        assert_eq!(state.push.get(), Some(SPILL_BUSY));
        assert_eq!(state.free.get(), Some(SPILL_BUSY));
        assert_eq!(state.others.get(), [Some(SPILL_BUSY); 4]);
        assert_eq!(state.offered.get(), Some(0));
        // Read-only calls are allowed from inside the spout.
        assert_eq!(state.len.get(), 2);
        assert_eq!(spill_ring_u64_len(ring), 2);
        let mut x = 0;
        expect(spill_ring_u64_pop(ring, &mut x), SPILL_OK);
        assert_eq!(x, 1);
        expect(spill_ring_u64_push(ring, 3), SPILL_OK);
        expect(spill_ring_u64_free(ring), SPILL_OK);
    }
}

#[test]
fn a_spout_without_send_is_refused_at_creation() {
    let spout = spill_spout {
        send: None,
        flush: None,
        ctx: null_mut(),
    };
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        assert!(spill_ring_u16_new(4, &spout).is_null());
        assert!(last_error().contains("send is NULL"), "{}", last_error());
    }
}
