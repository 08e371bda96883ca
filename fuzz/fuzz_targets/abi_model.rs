//! The differential fuzz target of the C ABI ring families; see the
//! `spill_ring_fuzz` crate.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: spill_ring_fuzz::Input| {
    spill_ring_fuzz::run(&input);
});
