#!/usr/bin/env bash
# Builds the C library with CMake and runs the main C example (a ring with a
# counting spout).
. "$(dirname "$0")/lib.sh"
need_rust
need_c_toolchain
BUILD="$REPO_ROOT/build"
log "configuring and building in $BUILD"
cmake -S "$REPO_ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target ring_counting
log "running examples_c/ring_counting.c"
"$BUILD/examples_c/ring_counting"
