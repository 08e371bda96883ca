#!/usr/bin/env bash
# The concurrent rings' proofs and stress (crates/spill-ring-core, module
# `concurrent`):
#   1. loom models of the shipped SPSC/MPSC code (tests/loom_spsc.rs, and
#      of the raw layer over it, tests/loom_raw.rs), built
#      with RUSTFLAGS="--cfg loom", LOOM_MAX_PREEMPTIONS=3 (override with
#      LOOM_MAX_PREEMPTIONS; all but the two-lap model also pass unbounded,
#      in 2.4 s; that one does not finish unbounded within 10 minutes);
#   2. the stress test (tests/spsc_stress.rs) at a bounded size:
#      SPILL_STRESS_ITEMS=1000000 u64 items per producer (2 producers) and
#      SPILL_STRESS_PAGES=50000 4 KiB items per producer. The full 10^7 is
#      the test's default in an optimized build.
# (Miri on the single-threaded and small threaded tests, tests/spsc_rings.rs
# and tests/mpsc_live.rs, runs in scripts/test.sh's Miri stage.)
# Cost on the 2-core machine: about 1.5 minutes with warm build caches
# (loom models under 2 s, stress under a minute); about 6 minutes from
# scratch, mostly building loom's and the stress test's release builds.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_rust
cd "$REPO_ROOT"

log "loom models (preemption bound ${LOOM_MAX_PREEMPTIONS:-3})"
RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-3}" \
    timeout 1800 cargo test -p spill-ring-core --release --test loom_spsc --test loom_raw --target-dir target/loom

# Miri on the concurrent rings' tests (tests/spsc_rings.rs, mpsc_live.rs)
# runs in scripts/test.sh's Miri stage with the rest of the core's tests;
# run it here with several seeds by hand:
#   MIRIFLAGS=-Zmiri-many-seeds=0..4 cargo +nightly miri test -p spill-ring-core \
#       --test spsc_rings --test mpsc_live

log "stress: 2 producers x ${SPILL_STRESS_ITEMS:-1000000} items into a slow consumer, and 4 KiB items"
SPILL_STRESS_ITEMS="${SPILL_STRESS_ITEMS:-1000000}" SPILL_STRESS_PAGES="${SPILL_STRESS_PAGES:-50000}" \
    timeout 900 cargo test -p spill-ring-core --release --test spsc_stress -- --nocapture
