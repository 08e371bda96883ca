//! The file spout (disk tier) and spill_file_read through the C functions.

mod ffi_support;

use std::ffi::CString;
use std::ptr::{null, null_mut};

use ffi_support::{expect, last_error, BytesRecorder, Recorder};
use spill_ring::ffi::spill_status::*;
use spill_ring::ffi::*;

fn temp_path(name: &str) -> (std::path::PathBuf, CString) {
    let dir = std::env::temp_dir().join(format!("spill-ring-ffi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    let c = CString::new(path.to_str().unwrap()).unwrap();
    (path, c)
}

#[test]
fn hot_warm_file_round_trip() {
    let (_path, cpath) = temp_path("tiers.rec");
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let file = spill_file_spout_open(cpath.as_ptr(), 8);
        assert!(!file.is_null(), "{}", last_error());
        let file_spout = spill_file_spout_as_spout(file);
        let warm = spill_ring_u64_new(8, &file_spout);
        let warm_spout = spill_ring_u64_as_spout(warm);
        let hot = spill_ring_u64_new(4, &warm_spout);
        for i in 0..100u64 {
            expect(spill_ring_u64_push(hot, i), SPILL_OK);
        }
        // Freeing the chain front to back moves everything to the file.
        expect(spill_ring_u64_free(hot), SPILL_OK);
        expect(spill_ring_u64_free(warm), SPILL_OK);
        expect(spill_file_spout_close(file), SPILL_OK);

        let back = Recorder::<u64>::new();
        let spout = back.spout();
        let mut count = 0;
        expect(
            spill_file_read(cpath.as_ptr(), 8, &spout, &mut count),
            SPILL_OK,
        );
        assert_eq!(count, 100);
        assert_eq!(back.items(), (0..100).collect::<Vec<_>>());

        // Reopening appends after the existing records.
        let file = spill_file_spout_open(cpath.as_ptr(), 8);
        let file_spout = spill_file_spout_as_spout(file);
        let ring = spill_ring_u64_new(2, &file_spout);
        expect(spill_ring_u64_push(ring, 100), SPILL_OK);
        expect(spill_ring_u64_free(ring), SPILL_OK);
        expect(spill_file_spout_close(file), SPILL_OK);
        let back = Recorder::<u64>::new();
        let spout = back.spout();
        expect(
            spill_file_read(cpath.as_ptr(), 8, &spout, &mut count),
            SPILL_OK,
        );
        assert_eq!(back.items(), (0..101).collect::<Vec<_>>());
    }
}

#[test]
fn odd_sized_elements_round_trip_into_a_bytes_ring() {
    let (_path, cpath) = temp_path("bytes.rec");
    let size = 24;
    let elem = |i: usize| -> Vec<u8> { (0..size).map(|j| (i * 3 + j) as u8).collect() };
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let file = spill_file_spout_open(cpath.as_ptr(), size);
        let spout = spill_file_spout_as_spout(file);
        let ring = spill_ring_bytes_new(size, 4, &spout);
        for i in 0..10 {
            expect(
                spill_ring_bytes_push(ring, elem(i).as_ptr().cast()),
                SPILL_OK,
            );
        }
        expect(spill_ring_bytes_free(ring), SPILL_OK);
        expect(spill_file_spout_close(file), SPILL_OK);

        // Replay into a ring through its spout, then into a recorder.
        let rec = BytesRecorder::new(size);
        let rec_spout = rec.spout();
        let replay = spill_ring_bytes_new(size, 16, &rec_spout);
        let into_replay = spill_ring_bytes_as_spout(replay);
        let mut count = 0;
        expect(
            spill_file_read(cpath.as_ptr(), size, &into_replay, &mut count),
            SPILL_OK,
        );
        assert_eq!(count, 10);
        assert_eq!(spill_ring_bytes_len(replay), 10);
        expect(spill_ring_bytes_free(replay), SPILL_OK);
        assert_eq!(rec.items(), (0..10).map(elem).collect::<Vec<_>>());
    }
}

#[test]
fn bad_files_and_arguments() {
    let (path, cpath) = temp_path("bad.rec");
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        assert!(spill_file_spout_open(null(), 8).is_null());
        assert!(spill_file_spout_open(cpath.as_ptr(), 0).is_null());
        assert!(last_error().contains("elem_size"));
        let rec = Recorder::<u64>::new();
        let spout = rec.spout();
        let mut count = 7;
        expect(
            spill_file_read(cpath.as_ptr(), 8, &spout, &mut count),
            SPILL_IO_ERROR,
        );
        assert_eq!(count, 0);
        assert!(last_error().contains("bad.rec"), "{}", last_error());

        std::fs::write(&path, b"plain text, not records").unwrap();
        assert!(spill_file_spout_open(cpath.as_ptr(), 8).is_null());
        assert!(
            last_error().contains("not a record file"),
            "{}",
            last_error()
        );
        expect(
            spill_file_read(cpath.as_ptr(), 8, &spout, &mut count),
            SPILL_IO_ERROR,
        );

        std::fs::remove_file(&path).unwrap();
        let file = spill_file_spout_open(cpath.as_ptr(), 8);
        expect(spill_file_spout_close(file), SPILL_OK);
        assert!(spill_file_spout_open(cpath.as_ptr(), 4).is_null());
        assert!(
            last_error().contains("record size mismatch"),
            "{}",
            last_error()
        );
        expect(
            spill_file_read(cpath.as_ptr(), 4, &spout, &mut count),
            SPILL_IO_ERROR,
        );
        expect(
            spill_file_read(cpath.as_ptr(), 8, null(), &mut count),
            SPILL_NULL_ARGUMENT,
        );
        expect(
            spill_file_read(null(), 8, &spout, &mut count),
            SPILL_NULL_ARGUMENT,
        );
        // An empty record file reads as nothing.
        expect(
            spill_file_read(cpath.as_ptr(), 8, &spout, &mut count),
            SPILL_OK,
        );
        assert_eq!(count, 0);

        expect(spill_file_spout_close(null_mut()), SPILL_OK);
        assert!(spill_file_spout_as_spout(null_mut()).send.is_none());
    }
}

#[test]
fn a_refusing_reader_stops_the_replay() {
    let (_path, cpath) = temp_path("refuse.rec");
    // SAFETY: the pointers passed are valid or NULL and the handles live or
    // NULL, as the C API requires (NULL is what some calls check).
    unsafe {
        let file = spill_file_spout_open(cpath.as_ptr(), 8);
        let spout = spill_file_spout_as_spout(file);
        let ring = spill_ring_u64_new(1024, &spout);
        let items: Vec<u64> = (0..1000).collect();
        expect(
            spill_ring_u64_push_bulk(ring, items.as_ptr(), 1000, null_mut()),
            SPILL_OK,
        );
        expect(spill_ring_u64_free(ring), SPILL_OK);
        expect(spill_file_spout_close(file), SPILL_OK);

        let rec = Recorder::<u64>::new();
        rec.refuse.set(true);
        let dst = rec.spout();
        let mut count = 1;
        expect(
            spill_file_read(cpath.as_ptr(), 8, &dst, &mut count),
            SPILL_SPOUT_FAILED,
        );
        assert_eq!(count, 0);
    }
}
