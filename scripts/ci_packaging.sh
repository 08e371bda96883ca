#!/usr/bin/env bash
# CI stage: packaging, on the native (x86_64 Linux) build:
#   - ctest label "install": install + find_package, pkg-config (shared and
#     spill_ring-static.pc: a static link that needs no libspill_ring.so),
#     the archive holds machine code only and links with gcc -flto and
#     clang -flto, add_subdirectory and FetchContent consumers install
#     nothing of spill_ring, unsupported system/target combinations stop
#     with a clear message.
#   - the size of a trivial C program linked statically (plain,
#     -Wl,--gc-sections, and stripped), the figures the README quotes, and
#     the newest glibc symbol version the shared library needs.
#
# Cost on the 2-core CI machine: about 1 minute when it follows the CMake
# stage of scripts/test.sh (it reuses that build's cargo target directory),
# about 3 minutes alone. Bounded by `timeout` (10 minutes).
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

need_rust
need_c_toolchain
apt_install clang binutils pkg-config

BUILD="$REPO_ROOT/build-packaging"
log "packaging tests (ctest -L install)"
timeout 600 bash -c '
    cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=Release -DSPILL_BUILD_BENCHMARKS=OFF \
        -DSPILL_CARGO_TARGET_DIR="$2" >/dev/null
    cmake --build "$1" -j"$(nproc)"
    ctest --test-dir "$1" --output-on-failure -j"$(nproc)" -L install
' _ "$BUILD" "$REPO_ROOT/build-test/cargo"

log "static link sizes of a trivial C program (bytes)"
prefix="$BUILD/install-test/prefix"
out="$BUILD/size"
mkdir -p "$out"
libs="$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs spill_ring-static)"
# shellcheck disable=SC2086
cc -O2 c_tests/install_consumer/consumer.c -o "$out/plain" $libs
# shellcheck disable=SC2086
cc -O2 c_tests/install_consumer/consumer.c -o "$out/gc" -Wl,--gc-sections $libs
strip -o "$out/gc_stripped" "$out/gc"
for f in plain gc gc_stripped; do
    "$out/$f" >/dev/null
    printf '  %-12s %9d\n' "$f" "$(stat -c %s "$out/$f")"
done
log "newest glibc symbol version libspill_ring.so needs (README, section glibc)"
objdump -T "$prefix"/lib/libspill_ring.so.*.*.* | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1
log "packaging stage passed"
