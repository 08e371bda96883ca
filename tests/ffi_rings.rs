//! The by-value ring families through their C functions, for every family:
//! eviction order and batching, bulk calls across the wrap-around point,
//! refusing spouts, caller memory, chaining and free.

mod ffi_support;

use std::ffi::c_void;
use std::fmt::Debug;
use std::ptr::{null, null_mut};

use ffi_support::{expect, last_error, AlignedBuf, Recorder};
use spill_ring::ffi::spill_status::*;
use spill_ring::ffi::*;

/// Element values for tests: `of(i)` differs for every small `i`.
trait Item: Copy + PartialEq + Debug + Default {
    fn of(i: u64) -> Self;
}

macro_rules! item {
    ($($t:ty),*) => {$(
        impl Item for $t {
            fn of(i: u64) -> Self {
                i as $t
            }
        }
    )*};
}
item!(u8, u16, u32, u64, f32, f64);

fn items<T: Item>(range: std::ops::Range<u64>) -> Vec<T> {
    range.map(T::of).collect()
}

/// Pops everything, oldest first.
unsafe fn pop_all<F: RingFamily>(ring: *mut F) -> Vec<F::Elem>
where
    F::Elem: Item,
{
    let mut out = Vec::new();
    let mut item = F::Elem::default();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    while unsafe { F::POP(ring, &mut item) } == SPILL_OK {
        out.push(item);
    }
    out
}

fn eviction_order_and_batches<F: RingFamily>()
where
    F::Elem: Item,
{
    let rec = Recorder::<F::Elem>::new();
    let spout = rec.spout();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let ring = F::NEW(4, &spout);
        assert!(!ring.is_null(), "{}", last_error());
        assert_eq!(F::CAPACITY(ring), 4);
        assert!(F::IS_EMPTY(ring));
        for i in 1..=10 {
            expect(F::PUSH(ring, F::Elem::of(i)), SPILL_OK);
        }
        assert!(F::IS_FULL(ring));
        assert_eq!(F::LEN(ring), 4);
        // One eviction per push: six single-item batches, oldest first.
        assert_eq!(rec.items(), items::<F::Elem>(1..7));
        assert!(rec.batches().iter().all(|b| b.len() == 1));
        let mut front = F::Elem::default();
        expect(F::PEEK(ring, &mut front), SPILL_OK);
        assert_eq!(front, F::Elem::of(7));
        assert_eq!(F::LEN(ring), 4);
        expect(F::TRY_PUSH(ring, F::Elem::of(99)), SPILL_FULL);
        assert!(spill_status_is_retryable(SPILL_FULL as i32));
        assert_eq!(pop_all(ring), items::<F::Elem>(7..11));
        let mut x = F::Elem::default();
        expect(F::POP(ring, &mut x), SPILL_EMPTY);
        expect(F::PEEK(ring, &mut x), SPILL_EMPTY);
        expect(F::TRY_PUSH(ring, F::Elem::of(5)), SPILL_OK);
        expect(F::FREE(ring), SPILL_OK);
    }
    // Free flushed the remaining item and the spout, once.
    assert_eq!(rec.items().last(), Some(&F::Elem::of(5)));
    assert_eq!(rec.flushes.get(), 1);
}

fn bulk_across_the_wrap<F: RingFamily>()
where
    F::Elem: Item,
{
    let rec = Recorder::<F::Elem>::new();
    let spout = rec.spout();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let ring = F::NEW(8, &spout);
        // Move head and tail to slot 5.
        let mut pushed = 0;
        expect(
            F::PUSH_BULK(ring, items::<F::Elem>(0..5).as_ptr(), 5, &mut pushed),
            SPILL_OK,
        );
        assert_eq!(pushed, 5);
        let mut out = vec![F::Elem::default(); 8];
        let mut popped = 0;
        expect(
            F::POP_BULK(ring, out.as_mut_ptr(), 8, &mut popped),
            SPILL_OK,
        );
        assert_eq!(popped, 5);
        // Six items wrap around the end of the storage.
        expect(
            F::PUSH_BULK(ring, items::<F::Elem>(10..16).as_ptr(), 6, &mut pushed),
            SPILL_OK,
        );
        // Four more overflow: the four oldest go to the spout, in at most
        // two batches.
        expect(
            F::PUSH_BULK(ring, items::<F::Elem>(16..20).as_ptr(), 4, null_mut()),
            SPILL_OK,
        );
        assert_eq!(rec.items(), items::<F::Elem>(10..12));
        expect(
            F::POP_BULK(ring, out.as_mut_ptr(), 3, &mut popped),
            SPILL_OK,
        );
        assert_eq!((popped, &out[..3]), (3, &items::<F::Elem>(12..15)[..]));
        // A batch larger than the ring: ring first, then the front of the
        // batch go to the spout; the newest 8 stay.
        rec.clear();
        expect(
            F::PUSH_BULK(ring, items::<F::Elem>(100..120).as_ptr(), 20, &mut pushed),
            SPILL_OK,
        );
        assert_eq!(pushed, 20);
        let mut expected = items::<F::Elem>(15..20);
        expected.extend(items::<F::Elem>(100..112));
        assert_eq!(rec.items(), expected);
        assert!(rec.batches().len() <= 3, "{:?}", rec.batches());
        expect(
            F::POP_BULK(ring, out.as_mut_ptr(), 8, &mut popped),
            SPILL_OK,
        );
        assert_eq!(&out[..popped], &items::<F::Elem>(112..120)[..]);
        expect(
            F::POP_BULK(ring, out.as_mut_ptr(), 8, &mut popped),
            SPILL_EMPTY,
        );
        assert_eq!(popped, 0);
        expect(F::POP_BULK(ring, null_mut(), 0, &mut popped), SPILL_OK);
        expect(F::PUSH_BULK(ring, null(), 0, &mut pushed), SPILL_OK);
        expect(F::FREE(ring), SPILL_OK);
    }
}

fn flush_drain_and_clear<F: RingFamily>()
where
    F::Elem: Item,
{
    let rec = Recorder::<F::Elem>::new();
    let dst = Recorder::<F::Elem>::new();
    let (spout, dst_spout) = (rec.spout(), dst.spout());
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let ring = F::NEW(4, &spout);
        for i in 0..6 {
            expect(F::PUSH(ring, F::Elem::of(i)), SPILL_OK);
        }
        let mut n = 0;
        expect(F::DRAIN(ring, &dst_spout, &mut n), SPILL_OK);
        assert_eq!(n, 4);
        // Wrapped contents leave in two batches.
        assert_eq!(
            dst.batches(),
            vec![items::<F::Elem>(2..4), items::<F::Elem>(4..6)]
        );
        assert_eq!(dst.flushes.get(), 0);
        for i in 6..9 {
            expect(F::PUSH(ring, F::Elem::of(i)), SPILL_OK);
        }
        rec.clear();
        expect(F::FLUSH(ring, &mut n), SPILL_OK);
        assert_eq!(
            (n, rec.items(), rec.flushes.get()),
            (3, items::<F::Elem>(6..9), 1)
        );
        expect(F::PUSH(ring, F::Elem::of(1)), SPILL_OK);
        expect(F::CLEAR(ring), SPILL_OK);
        assert!(F::IS_EMPTY(ring));
        expect(F::DRAIN(ring, null(), &mut n), SPILL_NULL_ARGUMENT);
        let no_send = spill_spout {
            send: None,
            flush: None,
            ctx: null_mut(),
        };
        expect(F::DRAIN(ring, &no_send, &mut n), SPILL_INVALID_ARGUMENT);
        rec.clear();
        expect(F::FREE(ring), SPILL_OK);
        assert!(rec.batches().is_empty());
        assert_eq!(rec.flushes.get(), 2);
    }
}

fn refusing_spout_loses_nothing<F: RingFamily>()
where
    F::Elem: Item,
{
    let rec = Recorder::<F::Elem>::new();
    let spout = rec.spout();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let ring = F::NEW(4, &spout);
        for i in 0..4 {
            expect(F::PUSH(ring, F::Elem::of(i)), SPILL_OK);
        }
        rec.refuse.set(true);
        expect(F::PUSH(ring, F::Elem::of(4)), SPILL_SPOUT_FAILED);
        assert!(last_error().contains("refused"), "{}", last_error());
        assert!(!spill_status_is_retryable(SPILL_SPOUT_FAILED as i32));
        let mut pushed = 99;
        expect(
            F::PUSH_BULK(ring, items::<F::Elem>(4..7).as_ptr(), 3, &mut pushed),
            SPILL_SPOUT_FAILED,
        );
        assert_eq!(pushed, 0);
        let mut n = 99;
        expect(F::FLUSH(ring, &mut n), SPILL_SPOUT_FAILED);
        assert_eq!(n, 0);
        assert_eq!(F::LEN(ring), 4);
        // The ring is unchanged.
        let mut x = F::Elem::default();
        expect(F::PEEK(ring, &mut x), SPILL_OK);
        assert_eq!(x, F::Elem::of(0));
        rec.refuse.set(false);
        expect(
            F::PUSH_BULK(ring, items::<F::Elem>(4..7).as_ptr(), 3, &mut pushed),
            SPILL_OK,
        );
        assert_eq!(rec.items(), items::<F::Elem>(0..3));
        assert_eq!(pop_all(ring), items::<F::Elem>(3..7));
        // A refused flush callback is reported after the items left.
        expect(F::PUSH(ring, F::Elem::of(9)), SPILL_OK);
        rec.fail_flush.set(true);
        expect(F::FLUSH(ring, &mut n), SPILL_SPOUT_FAILED);
        assert_eq!(n, 1);
        assert!(last_error().contains("flush"), "{}", last_error());
        rec.fail_flush.set(false);
        // Free with a refusing spout reports the loss but frees.
        expect(F::PUSH(ring, F::Elem::of(10)), SPILL_OK);
        rec.refuse.set(true);
        expect(F::FREE(ring), SPILL_SPOUT_FAILED);
    }
}

fn caller_memory<F: RingFamily>()
where
    F::Elem: Item,
{
    let rec = Recorder::<F::Elem>::new();
    let spout = rec.spout();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let mut size = 0;
        expect(F::MEMSIZE(16, &mut size), SPILL_OK);
        assert!(size >= 16 * std::mem::size_of::<F::Elem>());
        expect(F::MEMSIZE(3, &mut size), SPILL_INVALID_ARGUMENT);
        expect(F::MEMSIZE(16, null_mut()), SPILL_NULL_ARGUMENT);
        expect(F::MEMSIZE(16, &mut size), SPILL_OK);
        let mut buf = AlignedBuf::new(size);
        let mut ring: *mut F = null_mut();
        expect(
            F::INIT(buf.ptr(), size - 1, 16, &spout, &mut ring),
            SPILL_INVALID_ARGUMENT,
        );
        assert!(last_error().contains("too small"), "{}", last_error());
        assert!(ring.is_null());
        let misaligned = buf.ptr().cast::<u8>().add(8).cast();
        expect(
            F::INIT(misaligned, size, 16, &spout, &mut ring),
            SPILL_INVALID_ARGUMENT,
        );
        expect(
            F::INIT(null_mut(), size, 16, &spout, &mut ring),
            SPILL_NULL_ARGUMENT,
        );
        expect(
            F::INIT(buf.ptr(), size, 16, &spout, null_mut()),
            SPILL_NULL_ARGUMENT,
        );
        expect(
            F::INIT(buf.ptr(), size, 0, &spout, &mut ring),
            SPILL_INVALID_ARGUMENT,
        );
        for round in 0..2 {
            expect(F::INIT(buf.ptr(), size, 16, &spout, &mut ring), SPILL_OK);
            for i in 0..20 {
                expect(F::PUSH(ring, F::Elem::of(i)), SPILL_OK);
            }
            assert_eq!(F::LEN(ring), 16);
            expect(F::FREE(ring), SPILL_OK);
            // The memory is the caller's: using the freed ring is refused.
            expect(F::PUSH(ring, F::Elem::of(1)), SPILL_INVALID_ARGUMENT);
            assert!(last_error().contains("not live"), "{}", last_error());
            assert_eq!(F::LEN(ring), 0);
            expect(F::FREE(ring), SPILL_INVALID_ARGUMENT);
            assert_eq!(rec.items().len(), 20 * (round + 1));
        }
    }
}

fn null_arguments<F: RingFamily>()
where
    F::Elem: Item,
{
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let mut x = F::Elem::default();
        let mut n = 0;
        let null_ring: *mut F = null_mut();
        expect(F::PUSH(null_ring, x), SPILL_NULL_ARGUMENT);
        assert!(last_error().contains("NULL"));
        expect(F::TRY_PUSH(null_ring, x), SPILL_NULL_ARGUMENT);
        expect(F::PUSH_BULK(null_ring, &x, 1, &mut n), SPILL_NULL_ARGUMENT);
        expect(F::POP(null_ring, &mut x), SPILL_NULL_ARGUMENT);
        expect(
            F::POP_BULK(null_ring, &mut x, 1, &mut n),
            SPILL_NULL_ARGUMENT,
        );
        expect(F::PEEK(null_ring, &mut x), SPILL_NULL_ARGUMENT);
        expect(F::FLUSH(null_ring, &mut n), SPILL_NULL_ARGUMENT);
        expect(F::DRAIN(null_ring, null(), &mut n), SPILL_NULL_ARGUMENT);
        expect(F::CLEAR(null_ring), SPILL_NULL_ARGUMENT);
        expect(F::FREE(null_ring), SPILL_OK);
        assert_eq!(F::LEN(null_ring), 0);
        assert_eq!(F::CAPACITY(null_ring), 0);
        assert!(!F::IS_EMPTY(null_ring));
        assert!(!F::IS_FULL(null_ring));
        assert!(F::AS_SPOUT(null_ring).send.is_none());

        let ring = F::NEW(2, null());
        assert!(!ring.is_null());
        expect(F::POP(ring, null_mut()), SPILL_NULL_ARGUMENT);
        expect(F::PEEK(ring, null_mut()), SPILL_NULL_ARGUMENT);
        expect(
            F::POP_BULK(ring, &mut x, 1, null_mut()),
            SPILL_NULL_ARGUMENT,
        );
        expect(
            F::POP_BULK(ring, null_mut(), 1, &mut n),
            SPILL_NULL_ARGUMENT,
        );
        expect(F::PUSH_BULK(ring, null(), 1, &mut n), SPILL_NULL_ARGUMENT);
        // Without a spout, evicted items are dropped.
        for i in 0..5 {
            expect(F::PUSH(ring, F::Elem::of(i)), SPILL_OK);
        }
        assert_eq!(pop_all(ring), items::<F::Elem>(3..5));
        expect(F::FREE(ring), SPILL_OK);

        for bad in [0, 3, 6, SPILL_RING_MAX_CAPACITY * 2] {
            assert!(F::NEW(bad, null()).is_null());
            assert!(last_error().contains("capacity"), "{}", last_error());
        }
        // The largest ring (skipped under Miri, which is slow to warm it).
        let largest_capacity = if cfg!(miri) {
            2
        } else {
            SPILL_RING_MAX_CAPACITY
        };
        let largest = F::NEW(largest_capacity, null());
        assert!(!largest.is_null(), "{}", last_error());
        assert_eq!(F::CAPACITY(largest), largest_capacity);
        expect(F::FREE(largest), SPILL_OK);
        let no_send = spill_spout {
            send: None,
            flush: None,
            ctx: null_mut(),
        };
        assert!(F::NEW(4, &no_send).is_null());
        assert!(last_error().contains("send"), "{}", last_error());
    }
}

/// `pop` and `peek`, the out-counts and a constructor's handle write one
/// value through a pointer of any alignment; bulk arrays must be aligned
/// for the element type.
fn misaligned_out_pointers<F: RingFamily>()
where
    F::Elem: Item,
{
    let size = std::mem::size_of::<F::Elem>();
    // SAFETY: the pointers passed are valid for one element, and the handle
    // live, as the C API requires.
    unsafe {
        let ring = F::NEW(16, null());
        for i in 0..16 {
            expect(F::PUSH(ring, F::Elem::of(i)), SPILL_OK);
        }
        // Offsets from an address aligned for the element type.
        let mut words = [0u64; 3];
        let base = words.as_mut_ptr().cast::<u8>();
        for (i, offset) in (0..size.max(2)).enumerate() {
            let out = base.add(offset).cast::<F::Elem>();
            expect(F::PEEK(ring, out), SPILL_OK);
            assert_eq!(
                out.read_unaligned(),
                F::Elem::of(i as u64),
                "peek at {offset}"
            );
            out.write_unaligned(F::Elem::default());
            expect(F::POP(ring, out), SPILL_OK);
            assert_eq!(
                out.read_unaligned(),
                F::Elem::of(i as u64),
                "pop at {offset}"
            );
        }
        // Out-counts of any alignment.
        let mut counts = [0usize; 3];
        let count = counts.as_mut_ptr().cast::<u8>().add(1).cast::<usize>();
        let item = [F::Elem::of(100)];
        expect(F::PUSH_BULK(ring, item.as_ptr(), 1, count), SPILL_OK);
        assert_eq!(count.read_unaligned(), 1);
        let mut popped = [F::Elem::default(); 2];
        expect(F::POP_BULK(ring, popped.as_mut_ptr(), 2, count), SPILL_OK);
        assert_eq!(count.read_unaligned(), 2);
        let len = F::LEN(ring);
        // Arrays must be aligned for the element type (a byte type has no
        // misaligned address).
        if std::mem::align_of::<F::Elem>() > 1 {
            // One byte past an array of the element type: misaligned.
            let mut elems = [F::Elem::default(); 2];
            let odd_items = elems.as_ptr().cast::<u8>().add(1).cast::<F::Elem>();
            let mut n = 7;
            expect(
                F::PUSH_BULK(ring, odd_items, 1, &mut n),
                SPILL_INVALID_ARGUMENT,
            );
            assert!(last_error().contains("aligned"), "{}", last_error());
            assert_eq!(n, 0);
            let odd_out = elems.as_mut_ptr().cast::<u8>().add(1).cast::<F::Elem>();
            expect(
                F::POP_BULK(ring, odd_out, 1, &mut n),
                SPILL_INVALID_ARGUMENT,
            );
            assert!(last_error().contains("aligned"), "{}", last_error());
            assert_eq!(F::LEN(ring), len, "a refused bulk call takes nothing");
        }
        expect(F::FREE(ring), SPILL_OK);

        // A constructor's out-pointers of any alignment.
        let mut size = 0;
        expect(F::MEMSIZE(16, &mut size), SPILL_OK);
        expect(F::MEMSIZE(16, count), SPILL_OK);
        assert_eq!(count.read_unaligned(), size);
        let mut buf = AlignedBuf::new(size);
        let mut handles = [null_mut::<F>(); 3];
        let handle = handles.as_mut_ptr().cast::<u8>().add(1).cast::<*mut F>();
        let mem = buf.ptr();
        expect(F::INIT(mem, size, 16, null(), handle), SPILL_OK);
        let ring = handle.read_unaligned();
        assert_eq!(ring.cast::<c_void>(), mem, "the handle is `mem`");
        expect(F::PUSH(ring, F::Elem::of(1)), SPILL_OK);
        assert_eq!(F::LEN(ring), 1);
        expect(F::FREE(ring), SPILL_OK);
    }
}

fn chaining<F: RingFamily>()
where
    F::Elem: Item,
{
    let rec = Recorder::<F::Elem>::new();
    let spout = rec.spout();
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let l2 = F::NEW(4, &spout);
        let l2_spout = F::AS_SPOUT(l2);
        let l1 = F::NEW(2, &l2_spout);
        for i in 0..10 {
            expect(F::PUSH(l1, F::Elem::of(i)), SPILL_OK);
        }
        // l1 holds 8, 9; l2 holds 4..8; 0..4 reached the recorder.
        assert_eq!(F::LEN(l1), 2);
        assert_eq!(F::LEN(l2), 4);
        assert_eq!(rec.items(), items::<F::Elem>(0..4));
        // A refusal at the end of the chain reaches the first ring.
        rec.refuse.set(true);
        expect(F::PUSH(l1, F::Elem::of(10)), SPILL_SPOUT_FAILED);
        assert_eq!((F::LEN(l1), F::LEN(l2)), (2, 4));
        rec.refuse.set(false);
        // Freeing l1 cascades its items into l2 and flushes l2's spout.
        expect(F::FREE(l1), SPILL_OK);
        assert_eq!(rec.flushes.get(), 1);
        assert_eq!(rec.items(), items::<F::Elem>(0..6));
        expect(F::FREE(l2), SPILL_OK);
        assert_eq!(rec.items(), items::<F::Elem>(0..10));
        assert_eq!(rec.flushes.get(), 2);
    }
}

macro_rules! for_each_family {
    ($($test:ident),* $(,)?) => {
        mod u8_family { use super::*; $(#[test] fn $test() { super::$test::<spill_ring_u8>() })* }
        mod u16_family { use super::*; $(#[test] fn $test() { super::$test::<spill_ring_u16>() })* }
        mod u32_family { use super::*; $(#[test] fn $test() { super::$test::<spill_ring_u32>() })* }
        mod u64_family { use super::*; $(#[test] fn $test() { super::$test::<spill_ring_u64>() })* }
        mod f32_family { use super::*; $(#[test] fn $test() { super::$test::<spill_ring_f32>() })* }
        mod f64_family { use super::*; $(#[test] fn $test() { super::$test::<spill_ring_f64>() })* }
    };
}

for_each_family!(
    eviction_order_and_batches,
    bulk_across_the_wrap,
    flush_drain_and_clear,
    refusing_spout_loses_nothing,
    caller_memory,
    null_arguments,
    misaligned_out_pointers,
    chaining,
);
