#!/usr/bin/env bash
# Instructions per operation of the C ABI's per-element and bulk calls and
# of the hand-written ring, counted by callgrind: the count of N = 200000
# operations minus the count of 0, divided by N (setup cancels out). Takes
# about a minute. Counts, not time: read them beside bench_abi's figures.
#
# Usage: scripts/bench_instructions.sh [BUILD_DIR]   (default: build/, with
# the library built by scripts/bench_abi.sh or CMake)
. "$(dirname "$0")/lib.sh"
BUILD="${1:-$REPO_ROOT/build}"
command -v valgrind >/dev/null 2>&1 || apt_install valgrind
[ -f "$BUILD/lib/libspill_ring.so" ] || {
    echo "no library in $BUILD/lib: build it first (scripts/bench_abi.sh)" >&2
    exit 1
}
BIN="$(mktemp)"
trap 'rm -f "$BIN"' EXIT
cc -O2 -I"$REPO_ROOT/include" -I"$REPO_ROOT/benches_c" "$REPO_ROOT/benches_c/instr_count.c" \
    "$REPO_ROOT/benches_c/hand_ring.c" -o "$BIN" -L"$BUILD/lib" -lspill_ring \
    -Wl,-rpath,"$BUILD/lib"
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" "$1" "$2" 2>&1 \
        | awk '/Collected/ {print $4}'
}
N=200000
printf '| case | instructions per operation |\n|---|---:|\n'
for c in hand hand_sink u64_nospout u64_spout u64_pop \
    bytes8 bytes16 bytes24 bytes32 bytes64 bytes100 bytes128 \
    bulk8 bulk16 bulk24 bulk32 bulk64 bulk100 bulk128; do
    base="$(count "$c" 0)"
    total="$(count "$c" "$N")"
    printf '| %s | %s |\n' "$c" "$(( (total - base) / N ))"
done
