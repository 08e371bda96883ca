//! The checked-in header, include/spill_ring.h, is exactly what cbindgen
//! generates from the sources (build.rs writes it to $OUT_DIR/spill_ring.h).

/// What cbindgen generated for this build.
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/spill_ring.h"));

#[test]
fn checked_in_header_equals_the_generated_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/include/spill_ring.h");
    let checked_in = std::fs::read_to_string(path).expect("include/spill_ring.h exists");
    assert!(
        checked_in == GENERATED,
        "include/spill_ring.h differs from the header cbindgen generates from src/; \
         rebuild (build.rs rewrites it) and commit it"
    );
}

#[test]
fn the_build_did_not_have_to_regenerate_the_header() {
    // build.rs rewrites a stale checked-in header and records that it did:
    // a commit whose header does not match its sources fails here once.
    assert_eq!(
        env!("SPILL_RING_HEADER_WAS_STALE"),
        "0",
        "include/spill_ring.h was out of date when this build started and has been \
         regenerated: review and commit it (the next build passes)"
    );
}

#[test]
fn header_has_guard_cpp_linkage_and_no_rust_leftovers() {
    assert!(GENERATED.contains("#ifndef SPILL_RING_H\n#define SPILL_RING_H\n"));
    assert!(GENERATED.trim_end().ends_with("#endif  /* SPILL_RING_H */"));
    assert!(GENERATED.contains("#ifdef __cplusplus\nextern \"C\" {\n#endif"));
    for leftover in [
        "Option_", "Handle", "__FAM__", "__T__", "__C__", "usize", "c_void",
    ] {
        assert!(
            !GENERATED.contains(leftover),
            "the header mentions {leftover}"
        );
    }
}
