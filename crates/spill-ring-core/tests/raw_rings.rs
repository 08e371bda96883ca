//! The raw (run-time-sized) concurrent rings, single-threaded and small
//! threaded cases (they run under Miri too): each call's behaviour, slot
//! alignment, build errors, and the raw MPSC.
#![cfg(all(feature = "std", not(loom)))]

use std::time::Duration;

use spill_ring_core::concurrent::spsc::raw::{RawPushError, MAX_ELEM_SIZE, RAW_ALIGN};
use spill_ring_core::concurrent::spsc::{Builder, RawProducer};
use spill_ring_core::concurrent::{mpsc, BuildError, WaitError};
use spill_ring_core::{CapacityError, PushError};

/// An element of `size` bytes made from `n`.
fn elem(n: u32, size: usize) -> Vec<u8> {
    (0..size).map(|i| (n as usize * 31 + i) as u8).collect()
}

/// An evict function collecting the evicted bytes.
fn collect(into: &mut Vec<Vec<u8>>) -> impl FnMut(&[u8]) -> Result<(), ()> + '_ {
    move |bytes| {
        into.push(bytes.to_vec());
        Ok(())
    }
}

#[test]
fn push_evicts_the_oldest_and_pop_into_copies_in_order() {
    let (mut producer, mut consumer) = Builder::new(4).build_raw(3).unwrap();
    assert_eq!((producer.elem_size(), consumer.elem_size()), (3, 3));
    let mut evicted = Vec::new();
    for n in 0..10 {
        producer.push(&elem(n, 3), collect(&mut evicted)).unwrap();
    }
    assert_eq!(evicted, (0..6).map(|n| elem(n, 3)).collect::<Vec<_>>());
    assert_eq!((producer.len(), consumer.len()), (4, 4));
    let mut out = [0; 3];
    for n in 6..10 {
        assert!(consumer.pop_into(&mut out));
        assert_eq!(out.to_vec(), elem(n, 3));
    }
    assert!(!consumer.pop_into(&mut out));
    assert!(producer.is_empty() && consumer.is_empty());
}

/// Pushes with a write that unwinds; the unwinding is caught.
fn push_a_write_that_unwinds(producer: &mut RawProducer) {
    let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: the write unwinds before touching the slot.
        let _ = unsafe { producer.push_with(|_slot| panic!("write"), collect(&mut Vec::new())) };
    }));
    assert!(unwound.is_err());
}

#[test]
fn a_write_that_unwinds_over_a_held_element_takes_no_second_spare() {
    // Capacity 2, hold 1: one spare slot.
    let (mut producer, mut consumer) = Builder::new(2).hold(1).build_raw(4).unwrap();
    let mut evicted = Vec::new();
    for n in 0..2 {
        producer.push(&elem(n, 4), collect(&mut evicted)).unwrap();
    }
    assert_eq!(consumer.read(1), 1);
    // Each push laps the held element 0: the spare moves in, the write
    // unwinds, and the spare must stay free for the next try.
    for _ in 0..3 {
        push_a_write_that_unwinds(&mut producer);
    }
    producer.push(&elem(2, 4), collect(&mut evicted)).unwrap();
    let held = consumer.read_slot(0).unwrap();
    // SAFETY: a held slot has 4 readable bytes until the release.
    assert_eq!(
        unsafe { core::slice::from_raw_parts(held, 4) },
        &elem(0, 4)[..]
    );
    consumer.release();
    let mut out = [0; 4];
    for n in 1..3 {
        assert!(consumer.pop_into(&mut out));
        assert_eq!(out.to_vec(), elem(n, 4));
    }
    assert!(evicted.is_empty());
}

#[test]
fn a_write_that_unwinds_publishes_nothing_and_gives_its_slot_back() {
    let (mut producer, mut consumer) = Builder::new(2).hold(1).build_raw(4).unwrap();
    let mut evicted = Vec::new();
    producer.push(&elem(0, 4), collect(&mut evicted)).unwrap();
    for _ in 0..5 {
        push_a_write_that_unwinds(&mut producer);
        assert_eq!(producer.len(), 1);
    }
    // Every slot is still usable: laps of the ring need all N + K of them.
    for n in 1..20 {
        producer.push(&elem(n, 4), collect(&mut evicted)).unwrap();
    }
    assert_eq!(evicted, (0..18).map(|n| elem(n, 4)).collect::<Vec<_>>());
    let mut out = [0; 4];
    for n in 18..20 {
        assert!(consumer.pop_into(&mut out));
        assert_eq!(out.to_vec(), elem(n, 4));
    }
    assert!(!consumer.pop_into(&mut out));
}

#[test]
fn the_evict_error_is_returned_and_the_item_pushed_anyway() {
    let (mut producer, mut consumer) = Builder::new(1).build_raw(2).unwrap();
    producer.push(&[1, 1], |_| Err("full")).unwrap();
    assert_eq!(
        producer.push(&[2, 2], |_| Err("full")),
        Err(RawPushError::Push("full"))
    );
    let mut out = [0; 2];
    assert!(consumer.pop_into(&mut out));
    assert_eq!(out, [2, 2]);
}

#[test]
fn wrong_sizes_are_refused_and_change_nothing() {
    let (mut producer, mut consumer) = Builder::new(2).build_raw(4).unwrap();
    let wrong = RawPushError::Size {
        expected: 4,
        got: 3,
    };
    assert_eq!(producer.push(&[0; 3], collect(&mut Vec::new())), Err(wrong));
    assert_eq!(
        producer.try_push(&[0; 3]),
        Err(RawPushError::Size {
            expected: 4,
            got: 3
        })
    );
    assert_eq!(
        producer.push_wait(&[0; 5], None),
        Err(RawPushError::Size {
            expected: 4,
            got: 5
        })
    );
    assert!(producer.is_empty());
    producer.try_push(&[7; 4]).unwrap();
    // Too short an output buffer pops nothing.
    assert!(!consumer.pop_into(&mut [0; 3]));
    assert_eq!(consumer.len(), 1);
    let mut out = [0; 6];
    assert!(consumer.pop_into(&mut out));
    assert_eq!(out, [7, 7, 7, 7, 0, 0]);
}

#[test]
fn try_push_refuses_when_full_without_evicting() {
    let (mut producer, mut consumer) = Builder::new(2).build_raw(1).unwrap();
    producer.try_push(&[1]).unwrap();
    producer.try_push(&[2]).unwrap();
    assert_eq!(
        producer.try_push(&[3]),
        Err(RawPushError::Push(PushError::Full(())))
    );
    // SAFETY: the write function is never called when full.
    assert!(!unsafe { producer.try_push_with(|_| unreachable!()) });
    let mut out = [0; 1];
    assert!(consumer.pop_into(&mut out));
    assert_eq!(out, [1]);
    producer.try_push(&[3]).unwrap();
    let mut all = [0; 4];
    assert_eq!(consumer.pop_slice(&mut all), 2);
    assert_eq!(&all[..2], &[2, 3]);
}

/// Copies `byte` into a one-byte slot.
fn put(byte: u8) -> impl FnOnce(*mut u8) {
    // SAFETY: the slot has one writable byte (element size 1).
    move |slot| unsafe { slot.write(byte) }
}

#[test]
fn the_seen_view_push_declines_what_needs_the_consumers_indices() {
    let (mut producer, mut consumer) = Builder::new(2).hold(1).build_raw(1).unwrap();
    // SAFETY (every call below): `put` writes the one byte of the slot.
    assert!(unsafe { producer.try_push_seen_with(put(1)) });
    assert!(unsafe { producer.try_push_seen_with(put(2)) });
    // Full by the last head seen: declined, nothing evicted or written.
    assert!(!unsafe { producer.try_push_seen_with(|_| unreachable!()) });
    let mut out = [0; 1];
    assert!(consumer.pop_into(&mut out));
    assert_eq!(out, [1]);
    // The consumer made room, but the producer has not seen it: still
    // declined, and the full way sees the new head and pushes.
    assert!(!unsafe { producer.try_push_seen_with(|_| unreachable!()) });
    assert!(unsafe { producer.try_push_with(put(3)) });
    // An open reservation: declined, the reservation left as it is.
    assert!(consumer.pop_into(&mut out));
    assert!(consumer.pop_into(&mut out));
    assert_eq!(out, [3]);
    let (reserved, evicting) = producer.reserve(1, collect(&mut Vec::new()));
    assert_eq!((reserved, evicting), (1, Ok(())));
    assert!(!unsafe { producer.try_push_seen_with(|_| unreachable!()) });
    assert_eq!(producer.reserved(), 1);
    producer.cancel();
    // Laps of the ring: when the consumer's release the producer last saw
    // leaves no room, the seen view declines and the full way looks again;
    // nothing is lost or reordered.
    let (mut pushed, mut popped) = (Vec::new(), Vec::new());
    for n in 0..40u8 {
        // SAFETY: as above.
        if !unsafe { producer.try_push_seen_with(put(n)) } {
            assert!(
                unsafe { producer.try_push_with(put(n)) },
                "room after the pops"
            );
        }
        pushed.push(n);
        if consumer.pop_into(&mut out) {
            popped.push(out[0]);
        }
    }
    while consumer.pop_into(&mut out) {
        popped.push(out[0]);
    }
    assert_eq!(popped, pushed);
}

#[test]
fn push_wait_times_out_when_full_and_fails_when_closed() {
    let (mut producer, mut consumer) = Builder::new(1).waking(true).build_raw(8).unwrap();
    producer.push_wait(&[1; 8], None).unwrap();
    assert_eq!(
        producer.push_wait(&[2; 8], Some(Duration::from_millis(1))),
        Err(RawPushError::Push(WaitError::Timeout(())))
    );
    // A timeout too large for `Instant` waits without a bound: there is room.
    let mut out = [0; 8];
    assert!(consumer.pop_into(&mut out));
    producer.push_wait(&[3; 8], Some(Duration::MAX)).unwrap();
    consumer.close();
    assert!(producer.is_closed());
    assert_eq!(
        producer.push_wait(&[4; 8], None),
        Err(RawPushError::Push(WaitError::Closed(())))
    );
    assert!(consumer.pop_into(&mut out));
    assert_eq!(out, [3; 8]);
}

#[test]
fn reserve_commit_publishes_the_written_prefix_in_order() {
    let (mut producer, mut consumer) = Builder::new(4).build_raw(5).unwrap();
    let mut evicted = Vec::new();
    producer.push(&elem(0, 5), collect(&mut evicted)).unwrap();
    let (n, result) = producer.reserve(9, collect(&mut evicted));
    // Clamped to the capacity; made room by evicting the one element.
    assert_eq!((n, result, producer.reserved()), (4, Ok(()), 4));
    assert_eq!(evicted, [elem(0, 5)]);
    let mut slots = [core::ptr::null_mut(); 6];
    assert_eq!(producer.reserved_slots(&mut slots), 4);
    assert_eq!(producer.reserved_slot(4), None);
    for (at, &slot) in slots[..3].iter().enumerate() {
        assert_eq!(Some(slot), producer.reserved_slot(at));
        let bytes = elem(10 + at as u32, 5);
        // SAFETY: a reserved slot has 5 writable bytes.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), slot, 5) };
    }
    assert_eq!(consumer.len(), 0, "nothing visible before the commit");
    // SAFETY: the first three are written.
    unsafe { producer.commit(3) };
    assert_eq!(producer.reserved(), 0);
    let mut got = Vec::new();
    assert_eq!(consumer.consume_all(|bytes| got.push(bytes.to_vec())), 3);
    assert_eq!(got, (10..13).map(|n| elem(n, 5)).collect::<Vec<_>>());
}

#[test]
fn pushing_or_reserving_again_cancels_an_open_reservation() {
    let (mut producer, mut consumer) = Builder::new(2).hold(1).build_raw(1).unwrap();
    for _ in 0..10 {
        assert_eq!(producer.reserve(2, collect(&mut Vec::new())).0, 2);
        assert_eq!(producer.reserve(1, collect(&mut Vec::new())).0, 1);
        producer.push(&[9], collect(&mut Vec::new())).unwrap();
        assert_eq!(producer.reserved(), 0);
        let _ = producer.reserve(1, collect(&mut Vec::new()));
        producer.cancel();
        assert_eq!(producer.reserved(), 0);
        let mut out = [0];
        assert!(consumer.pop_into(&mut out));
        assert_eq!(out, [9]);
    }
    // Dropping with an open reservation publishes nothing.
    let _ = producer.reserve(2, collect(&mut Vec::new()));
    drop(producer);
    assert!(consumer.is_abandoned() && consumer.is_empty());
}

#[test]
fn read_holds_elements_in_place_until_release() {
    let (mut producer, mut consumer) = Builder::new(2).hold(2).build_raw(24).unwrap();
    let mut evicted = Vec::new();
    for n in 0..2 {
        producer.push(&elem(n, 24), collect(&mut evicted)).unwrap();
    }
    assert_eq!(consumer.read(5), 2);
    assert_eq!(consumer.held(), 2);
    let mut slots = [core::ptr::null(); 3];
    assert_eq!(consumer.read_slots(&mut slots), 2);
    // The producer laps the ring twice; the held slots stay untouched.
    for n in 2..6 {
        producer.push(&elem(n, 24), collect(&mut evicted)).unwrap();
    }
    for (at, &slot) in slots[..2].iter().enumerate() {
        assert_eq!(consumer.read_slot(at), Some(slot));
        // SAFETY: a held slot has 24 readable bytes until the release.
        let bytes = unsafe { core::slice::from_raw_parts(slot, 24) };
        assert_eq!(bytes, elem(at as u32, 24));
    }
    assert_eq!(consumer.read_slot(2), None);
    consumer.release();
    assert_eq!(consumer.held(), 0);
    assert_eq!(evicted, [elem(2, 24), elem(3, 24)]);
    // A claim releases what is held first.
    assert_eq!(consumer.read(1), 1);
    let mut out = vec![0; 24];
    assert!(consumer.pop_into(&mut out));
    assert_eq!(consumer.held(), 0);
    assert_eq!(out, elem(5, 24));
}

#[test]
fn slots_are_aligned_as_a_c_array_from_a_64_byte_base() {
    for elem_size in [1, 3, 8, 24, 64, 100, 2100, 4096] {
        let (mut producer, mut consumer) = Builder::new(8).hold(4).build_raw(elem_size).unwrap();
        let mut bases = Vec::new();
        // Every physical slot passes through a reservation over a few laps.
        for _ in 0..4 {
            let _ = producer.reserve(8, collect(&mut Vec::new()));
            for at in 0..8 {
                bases.push(producer.reserved_slot(at).unwrap() as usize);
            }
            let bytes = elem(0, elem_size);
            for at in 0..8 {
                let slot = producer.reserved_slot(at).unwrap();
                // SAFETY: a reserved slot has elem_size writable bytes.
                unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), slot, elem_size) };
            }
            // SAFETY: all eight are written.
            unsafe { producer.commit(8) };
            assert_eq!(consumer.read(4), 4);
            for at in 0..4 {
                bases.push(consumer.read_slot(at).unwrap() as usize);
            }
        }
        let base = *bases.iter().min().unwrap();
        assert_eq!(base % RAW_ALIGN, 0, "elem_size {elem_size}");
        for address in bases {
            assert_eq!((address - base) % elem_size, 0, "elem_size {elem_size}");
            assert!((address - base) / elem_size < 12, "within the N + K slots");
        }
    }
}

#[test]
fn bad_element_sizes_and_capacities_are_errors() {
    assert_eq!(
        Builder::new(4).build_raw(0).unwrap_err(),
        BuildError::ElemSize(0)
    );
    assert_eq!(
        Builder::new(4).build_raw(MAX_ELEM_SIZE + 1).unwrap_err(),
        BuildError::ElemSize(MAX_ELEM_SIZE + 1)
    );
    assert_eq!(
        Builder::new(4).build_raw(usize::MAX).unwrap_err(),
        BuildError::ElemSize(usize::MAX)
    );
    assert_eq!(
        Builder::new(3).build_raw(8).unwrap_err(),
        BuildError::Capacity(CapacityError::NotPowerOfTwo(3))
    );
    assert_eq!(
        Builder::new(usize::MAX).build_raw(8).unwrap_err(),
        BuildError::Capacity(CapacityError::TooLarge(usize::MAX))
    );
    assert_eq!(
        Builder::new(4).hold(0).build_raw(8).unwrap_err(),
        BuildError::Hold(0)
    );
    assert_eq!(
        mpsc::Builder::new(0, 4).build_raw(8).unwrap_err(),
        BuildError::Producers(0)
    );
    assert_eq!(
        mpsc::Builder::new(2, 4).build_raw(0).unwrap_err(),
        BuildError::ElemSize(0)
    );
    assert!(Builder::new(1).build_raw(MAX_ELEM_SIZE).is_ok());
}

/// Slots over the address space, or more than the allocator can give, are
/// errors, never an abort. (Miri does not model allocation failure.)
#[test]
#[cfg(target_pointer_width = "64")]
#[cfg_attr(miri, ignore)]
fn huge_slots_are_errors_not_aborts() {
    use spill_ring_core::concurrent::spsc;
    // 2^21 slots of 2^60 bytes overflow `usize`; 8 of them, `isize`.
    type Vast = [u8; 1 << 60];
    assert_eq!(
        spsc::Builder::new(1 << 20).build::<Vast>().unwrap_err(),
        BuildError::Capacity(CapacityError::OutOfMemory(1 << 20))
    );
    assert_eq!(
        spsc::Builder::new(4).build::<Vast>().unwrap_err(),
        BuildError::Capacity(CapacityError::OutOfMemory(4))
    );
    // 2 slots of 2^46 bytes (128 TiB) fit the address space (the layout is
    // valid) but no allocator gives them.
    type Huge = [u8; 1 << 46];
    assert_eq!(
        spsc::Builder::new(1).build::<Huge>().unwrap_err(),
        BuildError::OutOfMemory
    );
    assert_eq!(
        mpsc::Builder::new(2, 1).build::<Huge>().unwrap_err(),
        BuildError::OutOfMemory
    );
}

#[test]
fn the_raw_mpsc_registers_up_to_its_maximum_and_drains_fairly() {
    let (registry, mut consumer) = mpsc::Builder::new(2, 4).build_raw(2).unwrap();
    assert_eq!((registry.max_producers(), consumer.elem_size()), (2, 2));
    let mut a = registry.register().unwrap();
    let mut b = registry.clone().register().unwrap();
    assert_eq!(registry.register().unwrap_err(), mpsc::RegisterError::Full);
    assert_eq!((registry.producers(), consumer.producers()), (2, 2));
    for n in 0..3u8 {
        a.push(&[1, n], collect(&mut Vec::new())).unwrap();
        b.push(&[2, n], collect(&mut Vec::new())).unwrap();
    }
    assert_eq!(consumer.len(), 6);
    let mut got = Vec::new();
    assert_eq!(consumer.drain(2, |bytes| got.push(bytes.to_vec())), 4);
    assert_eq!(got, [[1, 0], [1, 1], [2, 0], [2, 1]]);
    // The next pass starts with the other lane.
    let mut out = [0; 2];
    assert!(consumer.pop_into(&mut out));
    assert_eq!(out, [2, 2]);
    assert!(!consumer.pop_into(&mut [0; 1]));
    drop(a);
    assert_eq!(registry.producers(), 1);
    // The freed lane is reused; its element is still there.
    let mut c = registry.register().unwrap();
    c.push(&[3, 0], collect(&mut Vec::new())).unwrap();
    got.clear();
    consumer.drain(8, |bytes| got.push(bytes.to_vec()));
    got.sort();
    assert_eq!(got, [[1, 2], [3, 0]]);
    assert!(consumer.is_empty());
    consumer.close();
    assert_eq!(
        registry.register().unwrap_err(),
        mpsc::RegisterError::Closed
    );
    assert!(c.is_closed());
    drop((b, c));
}

#[test]
fn a_raw_lane_does_not_keep_a_dropped_producers_reservation() {
    let (registry, mut consumer) = mpsc::Builder::new(1, 2).build_raw(1).unwrap();
    let mut producer = registry.register().unwrap();
    let _ = producer.reserve(2, collect(&mut Vec::new()));
    drop(producer);
    let mut producer = registry.register().unwrap();
    assert_eq!(producer.reserved(), 0);
    for n in 0..5 {
        producer.push(&[n], collect(&mut Vec::new())).unwrap();
    }
    let mut got = Vec::new();
    consumer.drain(4, |bytes| got.push(bytes[0]));
    assert_eq!(got, [3, 4]);
}

/// Two threads: a producer pushes numbered elements (evicting, in place and
/// copied) while the consumer pops, reads in place and drains; every element
/// ends exactly once popped or evicted, untorn and in order. Small enough
/// for Miri.
#[test]
fn two_threads_conserve_every_element() {
    let items: u32 = if cfg!(miri) { 120 } else { 50_000 };
    const SIZE: usize = 12;
    let (mut producer, mut consumer) = Builder::new(4).hold(2).build_raw(SIZE).unwrap();
    /// The number an element stands for, checking it is not torn.
    fn number(bytes: &[u8]) -> u32 {
        let n = u32::from_le_bytes(bytes[..4].try_into().unwrap());
        assert_eq!(bytes, elem_of(n), "torn element");
        n
    }
    fn elem_of(n: u32) -> Vec<u8> {
        let mut bytes = n.to_le_bytes().to_vec();
        bytes.extend(elem(n, SIZE - 4));
        bytes
    }
    let pushing = std::thread::spawn(move || {
        let mut evicted = Vec::new();
        for n in 0..items {
            let bytes = elem_of(n);
            let evict = |old: &[u8]| {
                evicted.push(number(old));
                Ok::<(), ()>(())
            };
            if n % 3 == 0 {
                let (granted, _) = producer.reserve(1, evict);
                assert_eq!(granted, 1);
                let slot = producer.reserved_slot(0).unwrap();
                // SAFETY: a reserved slot has SIZE writable bytes; then it
                // is committed written.
                unsafe {
                    core::ptr::copy_nonoverlapping(bytes.as_ptr(), slot, SIZE);
                    producer.commit(1);
                }
            } else {
                producer.push(&bytes, evict).unwrap();
            }
        }
        evicted
    });
    let mut popped = Vec::new();
    let mut out = [0; 2 * SIZE];
    loop {
        let done = consumer.is_abandoned();
        match popped.len() % 3 {
            0 => {
                if consumer.pop_into(&mut out) {
                    popped.push(number(&out[..SIZE]));
                }
            }
            1 => {
                let got = consumer.pop_slice(&mut out);
                popped.extend(out.chunks(SIZE).take(got).map(number));
            }
            _ => {
                for at in 0..consumer.read(2) {
                    let slot = consumer.read_slot(at).unwrap();
                    // SAFETY: a held slot has SIZE readable bytes until
                    // the next claim.
                    popped.push(number(unsafe { core::slice::from_raw_parts(slot, SIZE) }));
                }
            }
        }
        if done && consumer.is_empty() {
            break;
        }
    }
    consumer.release();
    while consumer.consume_all(|bytes| popped.push(number(bytes))) > 0 {}
    let evicted = pushing.join().unwrap();
    assert!(popped.windows(2).all(|w| w[0] < w[1]), "consumer order");
    assert!(evicted.windows(2).all(|w| w[0] < w[1]), "evict order");
    let mut all: Vec<u32> = popped.iter().chain(&evicted).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..items).collect::<Vec<_>>());
}

/// The raw MPSC with two producer threads: every element ends exactly once
/// drained or evicted. Small enough for Miri.
#[test]
fn raw_mpsc_two_threads_conserve_every_element() {
    let items: u32 = if cfg!(miri) { 60 } else { 20_000 };
    let (registry, mut consumer) = mpsc::Builder::new(2, 4).build_raw(4).unwrap();
    let workers: Vec<_> = (0..2u32)
        .map(|id| {
            let mut producer = registry.register().unwrap();
            std::thread::spawn(move || {
                let mut evicted = Vec::new();
                for n in 0..items {
                    let value = id << 24 | n;
                    producer
                        .push(&value.to_le_bytes(), |old| {
                            evicted.push(u32::from_le_bytes(old.try_into().unwrap()));
                            Ok::<(), ()>(())
                        })
                        .unwrap();
                }
                evicted
            })
        })
        .collect();
    let mut drained = Vec::new();
    let mut take = |bytes: &[u8]| drained.push(u32::from_le_bytes(bytes.try_into().unwrap()));
    while registry.producers() > 0 {
        consumer.drain(3, &mut take);
    }
    while consumer.drain(3, &mut take) > 0 {}
    let mut all: Vec<u32> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    all.extend(drained);
    all.sort_unstable();
    let expected: Vec<u32> = (0..2u32)
        .flat_map(|id| (0..items).map(move |n| id << 24 | n))
        .collect();
    assert_eq!(all, expected);
}
