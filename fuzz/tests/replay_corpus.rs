//! Replays the checked-in seed corpus (and any saved crash artifacts) as an
//! ordinary test, so that a regression shows without libFuzzer:
//! `cargo test --manifest-path fuzz/Cargo.toml`.

use std::path::Path;

fn replay_dir(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for path in files {
        let data = std::fs::read(&path).unwrap();
        eprintln!("replaying {}", path.display());
        spill_ring_fuzz::run_bytes(&data);
        n += 1;
    }
    n
}

#[test]
fn seed_corpus_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let n = replay_dir(&root.join("corpus/abi_model"));
    assert!(n >= 10, "the seed corpus has only {n} files");
}

#[test]
fn saved_artifacts_pass() {
    // Crashes libFuzzer saved locally (not checked in) replay here too.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    replay_dir(&root.join("artifacts/abi_model"));
}
