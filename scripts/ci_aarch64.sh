#!/usr/bin/env bash
# CI stage: aarch64 Linux. Cross-builds for aarch64-unknown-linux-gnu and
# runs under qemu-user:
#   - Rust tests of spill-ring-core and spout, reduced to what ARM's weaker
#     memory order can break (qemu only approximates it): the core's and
#     the spouts' unit tests, the MPSC and worker-pool conservation, round
#     and allocation tests, the ring drop-count tests, and the concurrent
#     rings' stress test at a bounded size (where weak ordering would show). Left out: the
#     single-threaded property tests (ring_model, ring_conservation,
#     chain_conservation: 256 cases each, 3 minutes under qemu, the same
#     code on every architecture), the doc tests, and the root crate's Rust
#     tests (the C ABI seen from Rust; the C suite below covers that ABI).
#   - through CMake (cmake/toolchains/aarch64-linux-gnu.cmake): the whole C
#     suite, the C/C++ examples and the install + find_package test.
#
# Cost on the 2-core CI machine: about 5 minutes (Rust tests: build ~2,
# runs ~0.5; CMake build ~2, qemu runs ~0.5) when it follows the CMake stage
# of scripts/test.sh, whose cargo target directory it shares (the host-side
# build dependencies are built once); plus the apt installs on a fresh
# machine. Bounded by `timeout` (10 + 10 minutes).
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

need_rust
need_c_toolchain
apt_install gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
log "Rust tests of the core and the spouts on aarch64 (qemu-user)"
timeout 600 cargo test --target aarch64-unknown-linux-gnu -p spill-ring-core --lib \
    --test mpsc_conservation --test pool_alloc --test pool_conservation --test pool_rounds \
    --test ring_drops
timeout 300 cargo test --target aarch64-unknown-linux-gnu -p spout --lib
log "the concurrent rings' stress test on aarch64 (qemu-user), bounded"
# Every item counted exactly once between consumer and spout, per-producer
# order, no torn 4 KiB item, with ARM's memory order (as far as qemu has
# it): 2 x 200000 u64 items and 2 x 4000 pages per producer.
SPILL_STRESS_ITEMS=200000 SPILL_STRESS_PAGES=4000 timeout 600 \
    cargo test --target aarch64-unknown-linux-gnu -p spill-ring-core --test spsc_stress

BUILD="$REPO_ROOT/build-aarch64"
log "aarch64 cross build with CMake"
timeout 600 bash -c '
    cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=Release -DSPILL_BUILD_BENCHMARKS=OFF \
        -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake \
        -DSPILL_CARGO_TARGET_DIR="$2" >/dev/null
    cmake --build "$1" -j"$(nproc)"
    ctest --test-dir "$1" --output-on-failure -j"$(nproc)"
' _ "$BUILD" "$REPO_ROOT/build-test/cargo"
log "aarch64 stage passed"
