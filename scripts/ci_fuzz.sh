#!/usr/bin/env bash
# Differential fuzzing of the C ABI ring families (spill_ring_u64 and
# spill_ring_bytes) against a model of their documented contract: the
# cargo-fuzz target fuzz/fuzz_targets/abi_model.rs (libFuzzer, AddressSanitizer),
# started from the checked-in seed corpus fuzz/corpus/abi_model/, runs for
# SPILL_FUZZ_SECONDS (default 60) and fails on any finding (a model
# disagreement, a crash, a leak, a sanitizer report). New corpus entries go
# to a temporary directory; the checked-in corpus is not modified.
#
# Cost on this 2-core machine (shared, busy): about 12 minutes the first time (nightly,
# cargo-fuzz and an instrumented build), then about 5 minutes (measured 4m40s: rebuild of
# the library and the target, the corpus replay test, and the 1-minute run).
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT/fuzz"

need_rust
need_c_toolchain
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    log "installing the nightly toolchain"
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    log "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

log "corpus replay as a plain test (stable)"
timeout 900 cargo test --quiet

log "cargo fuzz build abi_model"
timeout 1800 cargo +nightly fuzz build abi_model

SECONDS_TO_RUN="${SPILL_FUZZ_SECONDS:-60}"
NEW_CORPUS="$(mktemp -d)"
trap 'rm -rf "$NEW_CORPUS"' EXIT
log "cargo fuzz run abi_model for ${SECONDS_TO_RUN}s"
timeout $((SECONDS_TO_RUN + 300)) cargo +nightly fuzz run abi_model "$NEW_CORPUS" corpus/abi_model -- \
    -max_total_time="$SECONDS_TO_RUN" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1
log "fuzzing found nothing"
