#!/usr/bin/env bash
# CI stage: what the C ABI layer promises beyond the ordinary test run.
#
#   1. The family templates (src/*/family.rs.in), which cargo fmt does not
#      see, are rustfmt-clean.
#   2. A read-only copy of the source tree builds: build.rs writes only into
#      OUT_DIR and the build needs no header generator.
#   3. Miri runs the Rust-side tests of the C ABI (tests/ffi_*.rs): the
#      exported functions, their handle checks and the spouts they call.
#
# Cost on the 2-core machine: about 1 minute for 1 and 2 (dependencies are
# reused), and 6 to 11 minutes for Miri (measured: see the log line below;
# the concurrent families' tests add about 1.5 minutes idle, 500 s in all
# were measured with a CPU-bound job beside it).
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
need_rust

log "rustfmt --check on the family templates"
rustup component add rustfmt >/dev/null 2>&1 || true
for template in src/*/family.rs.in; do
    rustfmt --edition 2021 --check "$template"
done

log "a read-only source tree builds"
RO="$(mktemp -d)"
trap 'chmod -R u+w "$RO"; rm -rf "$RO"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$RO"
chmod -R a-w "$RO"
STAMP="$(mktemp)"
# (Root ignores the missing write bits: the stamp catches any write.)
(cd "$RO" && CARGO_TARGET_DIR="$REPO_ROOT/target/read-only" timeout 900 \
    cargo build --quiet --locked -p spill-ring --lib)
written="$(find "$RO" -newer "$STAMP" | head -5)"
rm -f "$STAMP"
if [ -n "$written" ]; then
    echo "the build wrote into the source tree: $written" >&2
    exit 1
fi

if [ "${SPILL_SKIP_MIRI:-0}" != 1 ]; then
    log "Miri on the C ABI's Rust-side tests"
    rustup toolchain install nightly --profile minimal --component miri,rust-src >/dev/null 2>&1 \
        || rustup component add miri rust-src --toolchain nightly
    cargo +nightly miri setup >/dev/null
    start=$(date +%s)
    # Isolation off: the file spout's tests create and read files.
    MIRIFLAGS="${MIRIFLAGS:--Zmiri-disable-isolation}" timeout 1500 \
        cargo +nightly miri test -p spill-ring --test ffi_rings --test ffi_bytes \
        --test ffi_free --test ffi_errors --test ffi_file --test ffi_mpsc_pool \
        --test ffi_spsc --test ffi_cmpsc
    log "Miri on the C ABI took $(( $(date +%s) - start )) s"
fi
