//! The library's version: `SPILL_RING_VERSION_*` macros and
//! `spill_version()`.
//!
//! build.rs writes the constants from the package version into
//! `$OUT_DIR/version_consts.rs`, so that the header carries them as
//! literal macros.

include!(concat!(env!("OUT_DIR"), "/version_consts.rs"));

/// The version of the library that is linked, as
/// `(MAJOR << 16) | (MINOR << 8) | PATCH`. Compare it with
/// `SPILL_RING_VERSION` (the header's version) to detect a header/library
/// mismatch. Safe from any thread.
#[no_mangle]
pub extern "C" fn spill_version() -> u32 {
    SPILL_RING_VERSION
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_matches_the_package() {
        let expected = format!(
            "{SPILL_RING_VERSION_MAJOR}.{SPILL_RING_VERSION_MINOR}.{SPILL_RING_VERSION_PATCH}"
        );
        assert_eq!(expected, env!("CARGO_PKG_VERSION"));
        assert_eq!(spill_version() >> 16, SPILL_RING_VERSION_MAJOR);
        assert_eq!((spill_version() >> 8) & 0xff, SPILL_RING_VERSION_MINOR);
        assert_eq!(spill_version() & 0xff, SPILL_RING_VERSION_PATCH);
    }
}
