#!/usr/bin/env bash
# Measures what the C ABI costs, in one run: the C benchmark program
# (benches_c/bench_abi.c: every operation through the exported functions,
# next to a hand-written C ring called out of line and inlined; built twice,
# against the static library with the hand ring in the program, and against
# the shared library with the hand ring in a shared library too), then the
# criterion benchmark that times the same exported functions against the
# Rust-native rings in the same groups (benches/abi.rs).
#
# Usage: scripts/bench_abi.sh [--quick]   (--quick: only checks that both run)
. "$(dirname "$0")/lib.sh"
need_rust
need_c_toolchain
BUILD="$REPO_ROOT/build"
log "building benches_c/bench_abi in $BUILD"
cmake -S "$REPO_ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSPILL_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target bench_abi bench_abi_shared
log "the C ABI from C, static (uptime: $(uptime))"
"$BUILD/benches_c/bench_abi" "$@"
log "the C ABI from C, shared (uptime: $(uptime))"
"$BUILD/benches_c/bench_abi_shared" "$@"
log "the C ABI against Rust-native rings (criterion, same groups)"
cd "$REPO_ROOT"
if [ "${1:-}" = "--quick" ]; then
    cargo bench --bench abi -- --test
else
    cargo bench --bench abi
fi
