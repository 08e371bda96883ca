#!/usr/bin/env bash
# Regenerates include/spill_ring.h from the sources with cbindgen (through
# the header test, which compares the two). A developer step: the build
# never writes the source tree. Run it after changing an exported item or
# cbindgen.toml, then commit the header.
set -euo pipefail
cd "$(dirname "$0")/.."
SPILL_RING_BLESS_HEADER=1 cargo test --quiet --test header_up_to_date
git --no-pager diff --stat -- include/spill_ring.h
