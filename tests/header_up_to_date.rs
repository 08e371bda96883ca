//! The checked-in header, include/spill_ring.h, is exactly what cbindgen
//! generates from the sources. The build never writes it: when this test
//! fails, run `scripts/regenerate_header.sh` (which sets
//! `SPILL_RING_BLESS_HEADER=1` for this test) and commit the result.

use std::path::{Path, PathBuf};

/// The files build.rs generated, in its order, which cbindgen must read
/// beside `src/`.
fn generated_sources() -> Vec<PathBuf> {
    let list = env!("SPILL_RING_GENERATED_SOURCES");
    let files: Vec<PathBuf> = list.split('|').map(PathBuf::from).collect();
    assert!(!files.is_empty(), "build.rs generated no sources");
    files
}

/// The header cbindgen generates from `src/` and the generated sources.
fn generated_header() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut builder = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/lib.rs"));
    for source in generated_sources() {
        builder = builder.with_src(source);
    }
    let mut out = Vec::new();
    builder
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut out);
    String::from_utf8(out).expect("the header is UTF-8")
}

#[test]
fn checked_in_header_equals_the_generated_one() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/spill_ring.h");
    let generated = generated_header();
    if std::env::var_os("SPILL_RING_BLESS_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("writing include/spill_ring.h");
    }
    let checked_in = std::fs::read_to_string(&path).expect("include/spill_ring.h exists");
    if checked_in != generated {
        let copy = Path::new(env!("CARGO_TARGET_TMPDIR")).join("spill_ring.h");
        std::fs::write(&copy, &generated).expect("writing the generated header");
        panic!(
            "include/spill_ring.h differs from the header cbindgen generates from src/ \
             (written to {}): run scripts/regenerate_header.sh and commit it",
            copy.display()
        );
    }
}

#[test]
fn header_has_guard_cpp_linkage_and_no_rust_leftovers() {
    let header = generated_header();
    assert!(header.contains("#ifndef SPILL_RING_H\n#define SPILL_RING_H\n"));
    assert!(header.trim_end().ends_with("#endif  /* SPILL_RING_H */"));
    assert!(header.contains("#ifdef __cplusplus\nextern \"C\" {\n#endif"));
    for leftover in [
        "Option_", "Handle", "__FAM__", "__T__", "__C__", "usize", "c_void",
    ] {
        assert!(!header.contains(leftover), "the header mentions {leftover}");
    }
}
