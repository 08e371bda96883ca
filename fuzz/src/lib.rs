//! Differential fuzzing of the C ABI's ring families (`spill_ring_u64`,
//! `spill_ring_bytes`): an operation stream runs against the exported
//! functions and against a model of the documented contract
//! (`include/spill_ring.h`), and every status, out-count, element and spout
//! call must agree; at the end every item pushed is accounted for once.
//!
//! The fuzz target (`fuzz_targets/abi_model.rs`) and the corpus replay test
//! (`tests/replay_corpus.rs`) both call [`run`].

pub mod abi;
pub mod events;
pub mod flags;
pub mod input;
pub mod model;
mod run;
pub mod spout;

pub use input::Input;
pub use run::run;

/// Runs the raw fuzz input `data` (decoded with `arbitrary`, as libFuzzer
/// does).
pub fn run_bytes(data: &[u8]) {
    let u = arbitrary::Unstructured::new(data);
    if let Ok(input) = <Input as arbitrary::Arbitrary>::arbitrary_take_rest(u) {
        run(&input);
    }
}
