#!/usr/bin/env bash
# Runs the C test suite under the sanitizers:
#
#   asan      AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer on):
#             every C and C++ test and example
#   tsan      ThreadSanitizer: the threaded C and C++ tests and examples
#             (ctest label "threads"), with cmake/suppressions/tsan.supp (the
#             Rust library is not instrumented)
#   memcheck  valgrind memcheck (leaks: definite and possible are errors) on
#             every C test and example, with cmake/suppressions/valgrind.supp;
#             first a program that leaks on purpose must still be reported
#   helgrind  valgrind's helgrind on the C tests whose threads are pthreads
#             of the test itself (ctest label "valgrind")
#   drd       valgrind's drd on the same tests
#
# Usage: cmake/run_sanitizers.sh [asan|tsan|memcheck|helgrind|drd ...]   (default: all)
#
# Cost on the 2-core machine, measured 216 s in all: asan 95 s and tsan
# 94 s (each builds its tree), memcheck 22 s, helgrind and drd 2 s each.
# Bounded: ctest gives each test SPILL_SANITIZE_TEST_TIMEOUT seconds
# (default 300) and every valgrind run gets as long, so a program that
# stalls under a tool (a consumer spinning while valgrind runs one thread
# at a time, say) fails the stage instead of eating the CI run.
#
# The sanitizers instrument the C code; the Rust library is built once (into
# a cargo target directory shared by the build trees) and is not
# instrumented. Build trees go to $SPILL_SANITIZE_DIR (default:
# <repo>/build-sanitize).
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# log, apt_install, need_c_toolchain (and set -euo pipefail).
. "$repo/scripts/lib.sh"
work="${SPILL_SANITIZE_DIR:-$repo/build-sanitize}"
jobs="$(nproc 2>/dev/null || echo 2)"
per_test="${SPILL_SANITIZE_TEST_TIMEOUT:-300}"
cargo_dir="$work/cargo"

need_c_toolchain

# configure <name> <cmake args...>: configures and builds one tree.
configure() {
    local name="$1"
    shift
    cmake -S "$repo" -B "$work/$name" -DSPILL_BUILD_BENCHMARKS=OFF \
        "-DSPILL_CARGO_TARGET_DIR=$cargo_dir" "$@" >/dev/null
    cmake --build "$work/$name" -j"$jobs"
}

run_asan() {
    log "AddressSanitizer + UndefinedBehaviorSanitizer: C and C++ tests and examples"
    configure asan -DCMAKE_BUILD_TYPE=Debug -DSPILL_SANITIZE=address,undefined
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir "$work/asan" --output-on-failure --timeout "$per_test" -j"$jobs" -L 'c|cpp|example' -LE install
}

run_tsan() {
    log "ThreadSanitizer: threaded C and C++ tests"
    configure tsan -DCMAKE_BUILD_TYPE=Debug -DSPILL_SANITIZE=thread
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$repo/cmake/suppressions/tsan.supp" \
        ctest --test-dir "$work/tsan" --output-on-failure --timeout "$per_test" -L threads
}

# valgrind_tool <tool>: runs the "valgrind" tests of a plain build under it
# (valgrind's default suppressions only).
valgrind_tool() {
    local tool="$1"
    apt_install valgrind
    log "valgrind --tool=$tool: threaded C tests"
    configure plain -DCMAKE_BUILD_TYPE=Debug
    local tests
    tests="$(ctest --test-dir "$work/plain" -N -L valgrind | sed -n 's/^ *Test *#[0-9]*: c_//p')"
    [ -n "$tests" ] || { echo "no tests labelled valgrind" >&2; exit 1; }
    for t in $tests; do
        log "$tool: $t"
        SPILL_TEST_TMPDIR="$work/plain/c_tests/tmp" timeout "$per_test" valgrind --tool="$tool" --error-exitcode=1 \
            "$work/plain/c_tests/$t"
    done
}

# The suppressions the library installs (share/spill_ring/valgrind.supp).
valgrind_supp="$repo/cmake/suppressions/valgrind.supp"

run_memcheck() {
    apt_install valgrind
    configure plain -DCMAKE_BUILD_TYPE=Debug
    local memcheck=(timeout "$per_test" valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,possible
        --error-exitcode=1 --suppressions="$valgrind_supp" -q)
    # The suppressions hide std's own allocation, not a leak of the caller:
    # a program that leaks one block after using the library must fail.
    log "memcheck: a deliberate leak is still reported with the suppressions"
    local leak="$work/plain/leak_check"
    printf '%s
' '#include <spill_ring.h>' '#include <stdlib.h>' \
        'int main(void) { volatile char *p = malloc(48); spill_ring_u64 *r = spill_ring_u64_new(4, NULL);' \
        '  spill_ring_u64_free(r); p[0] = 1; p = NULL; return (int)spill_version() & 0; }' >"$leak.c"
    cc -g -I"$repo/include" "$leak.c" -o "$leak" -L"$work/plain/lib" -lspill_ring -Wl,-rpath,"$work/plain/lib"
    if "${memcheck[@]}" "$leak" 2>/dev/null; then
        echo "memcheck did not report the deliberate leak: the suppressions hide too much" >&2
        exit 1
    fi
    local t
    for t in "$work"/plain/c_tests/test_* "$work"/plain/examples_c/*; do
        [ -f "$t" ] && [ -x "$t" ] || continue
        log "memcheck: ${t##*/}"
        (cd "$work/plain/examples_c" && SPILL_TEST_TMPDIR="$work/plain/c_tests/tmp" "${memcheck[@]}" "$t" >/dev/null)
    done
}

steps=("$@")
[ "${#steps[@]}" -gt 0 ] || steps=(asan tsan memcheck helgrind drd)
for step in "${steps[@]}"; do
    case "$step" in
        asan) run_asan ;;
        tsan) run_tsan ;;
        memcheck) run_memcheck ;;
        helgrind | drd) valgrind_tool "$step" ;;
        *) echo "unknown step '$step' (asan, tsan, memcheck, helgrind, drd)" >&2; exit 2 ;;
    esac
done
log "sanitizer runs passed: ${steps[*]}"
