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
        "Option_",
        "Handle",
        "__FAM__",
        "__T__",
        "__C__",
        "__ITEM__",
        "__WRAP__",
        "__ELEM_SIZE__",
        "@value",
        "@bytes",
        "usize",
        "c_void",
    ] {
        assert!(!header.contains(leftover), "the header mentions {leftover}");
    }
}

/// Every function of the concurrent rings (spill_spsc_*, spill_cmpsc_*)
/// says in its comment which thread may call it, and every one that returns
/// a status lists them itself (not by reference to another family).
#[test]
fn concurrent_functions_document_thread_role_and_statuses() {
    let header = generated_header();
    let mut checked = 0;
    for chunk in header.split("/**").skip(1) {
        let Some((doc, rest)) = chunk.split_once("*/") else {
            continue;
        };
        let Some(declaration) = rest.split(';').next() else {
            continue;
        };
        let Some(name) = declaration
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .find(|word| word.starts_with("spill_spsc_") || word.starts_with("spill_cmpsc_"))
        else {
            continue;
        };
        if !declaration.contains('(') || !declaration.contains("SPILL_API") {
            continue;
        }
        checked += 1;
        assert!(doc.contains("Thread role: "), "{name}: no thread role");
        if declaration.trim_start().contains("enum spill_status") {
            assert!(doc.contains("Returns SPILL_OK"), "{name}: no status list");
        }
        for family in ["u8", "u16", "u32", "u64", "f32", "f64", "bytes"] {
            let own =
                name.contains(&format!("_{family}_")) || name.ends_with(&format!("_{family}"));
            if !own {
                assert!(
                    !doc.contains(&format!("spill_spsc_{family}_"))
                        && !doc.contains(&format!("spill_cmpsc_{family}_")),
                    "{name} refers to the {family} family"
                );
            }
        }
    }
    assert!(checked >= 190, "only {checked} concurrent functions found");
}
