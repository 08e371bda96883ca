#!/usr/bin/env bash
# CI stage: aarch64 Linux. Cross-builds for aarch64-unknown-linux-gnu and
# runs under qemu-user:
#   - the Rust tests of spill-ring-core and spout (rings, MPSC, worker pool:
#     the conservation, model and stress tests, where ARM's weaker memory
#     order shows ordering bugs that x86 hides; qemu only approximates it).
#     Reduced suite: the root crate's Rust tests (the C ABI seen from Rust)
#     are left out here, since the C suite below covers that ABI on aarch64.
#   - through CMake (cmake/toolchains/aarch64-linux-gnu.cmake): the whole C
#     suite, the C/C++ examples and the install + find_package test.
#
# Cost on the 2-core CI machine: about 6 minutes from scratch (Rust tests
# ~3, CMake build ~2.5, qemu runs ~0.5), plus the apt installs on a fresh
# machine. Bounded by `timeout` (20 minutes).
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

need_rust
need_c_toolchain
apt_install gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
log "Rust tests of the core and the spouts on aarch64 (qemu-user)"
timeout 900 cargo test --target aarch64-unknown-linux-gnu -p spill-ring-core -p spout

BUILD="$REPO_ROOT/build-aarch64"
log "aarch64 cross build with CMake"
timeout 600 bash -c '
    cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=Release -DSPILL_BUILD_BENCHMARKS=OFF \
        -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake >/dev/null
    cmake --build "$1" -j"$(nproc)"
    ctest --test-dir "$1" --output-on-failure -j"$(nproc)"
' _ "$BUILD"
log "aarch64 stage passed"
