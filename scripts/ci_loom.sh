#!/usr/bin/env bash
# The concurrent rings' proofs and stress (crates/spill-ring-core, module
# `concurrent`):
#   1. loom models of the shipped SPSC/MPSC code (tests/loom_spsc.rs), built
#      with RUSTFLAGS="--cfg loom", LOOM_MAX_PREEMPTIONS=2 (override with
#      LOOM_MAX_PREEMPTIONS);
#   2. Miri on the single-threaded and small threaded tests
#      (tests/spsc_rings.rs, tests/mpsc_live.rs);
#   3. the stress test (tests/spsc_stress.rs) at a bounded size:
#      SPILL_STRESS_ITEMS=1000000 u64 items per producer (2 producers) and
#      SPILL_STRESS_PAGES=50000 4 KiB items per producer. The full 10^7 is
#      the test's default in an optimized build.
# Cost on the 2-core machine: about 7 minutes for loom (mostly building loom
# in release), 6 for Miri, 1 for the stress test.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_rust
cd "$REPO_ROOT"

log "loom models (preemption bound ${LOOM_MAX_PREEMPTIONS:-2})"
RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-2}" \
    timeout 1800 cargo test -p spill-ring-core --release --test loom_spsc --target-dir target/loom

log "Miri on the concurrent rings' tests"
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
rustup +nightly component list --installed | grep -q '^miri' || rustup +nightly component add miri rust-src
MIRIFLAGS="${MIRIFLAGS:--Zmiri-many-seeds=0..2}" \
    timeout 1800 cargo +nightly miri test -p spill-ring-core --test spsc_rings --test mpsc_live

log "stress: 2 producers x ${SPILL_STRESS_ITEMS:-1000000} items into a slow consumer, and 4 KiB items"
SPILL_STRESS_ITEMS="${SPILL_STRESS_ITEMS:-1000000}" SPILL_STRESS_PAGES="${SPILL_STRESS_PAGES:-50000}" \
    timeout 900 cargo test -p spill-ring-core --release --test spsc_stress -- --nocapture
