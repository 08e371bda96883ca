#!/usr/bin/env bash
# CI stage: the C++ header, include/spill_ring.hpp, with GCC and with Clang.
#
# For each compiler: configures a build tree, builds the C++ tests
# (c_tests/cpp: every test in C++17 and C++20, each with and without
# -fno-exceptions -fno-rtti, all with -Wall -Wextra -Werror -Wconversion
# -Wold-style-cast -pedantic), the C++ examples and the C++ benchmark, runs
# them under ctest (label cpp, and the two C++ examples) and runs the
# benchmark with --quick (a few milliseconds: it must run, its figures are
# not meaningful).
#
# The sanitizer runs of the same tests are in cmake/run_sanitizers.sh
# (AddressSanitizer + UBSan: label cpp; ThreadSanitizer: label threads).
#
# Cost on the 2-core machine (shared, load average ~10 when measured): 15
# minutes from scratch, of which the cargo release build of the library is
# about 5 (built once, in a cargo directory both trees share); 7 minutes
# after a change to a header (each tree recompiles its ~25 C++ programs);
# the tests themselves run in a few seconds.
# Build trees go to $SPILL_CI_CPP_DIR (default: <repo>/build-ci-cpp).
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

need_rust
need_c_toolchain
command -v clang++ >/dev/null 2>&1 || apt_install clang

work="${SPILL_CI_CPP_DIR:-$REPO_ROOT/build-ci-cpp}"
jobs="$(nproc 2>/dev/null || echo 2)"
# The Rust library is built once: in the CMake stage's cargo directory when
# that stage ran (scripts/test.sh), else in this script's own.
cargo_dir="$work/cargo"
[ -d "$REPO_ROOT/build-test/cargo" ] && cargo_dir="$REPO_ROOT/build-test/cargo"
# scripts/test.sh passes SPILL_CI_CPP_COMPILERS=clang: its CMake stage has
# already built and run the same C++ tests, examples and benchmark with GCC.
compilers="${SPILL_CI_CPP_COMPILERS:-gcc clang}"

for compiler in $compilers; do
    case "$compiler" in
        gcc) cc=gcc cxx=g++ ;;
        clang) cc=clang cxx=clang++ ;;
    esac
    tree="$work/$compiler"
    log "C++ header with $("$cxx" --version | head -n 1)"
    cmake -S . -B "$tree" -DCMAKE_BUILD_TYPE=Release \
        "-DCMAKE_C_COMPILER=$cc" "-DCMAKE_CXX_COMPILER=$cxx" \
        "-DSPILL_CARGO_TARGET_DIR=$cargo_dir" >/dev/null
    timeout 1800 cmake --build "$tree" -j"$jobs" \
        --target spill_cpp_tests game_frame_loop service_threads bench_cpp
    timeout 600 ctest --test-dir "$tree" --output-on-failure -j"$jobs" \
        -R '^(cpp_|example_game_frame_loop$|example_service_threads$)'
    timeout 60 "$tree/benches_c/bench_cpp" --quick >/dev/null
done
log "C++ header passed with: $compilers"
