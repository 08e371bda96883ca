#!/usr/bin/env bash
# CI stage: the Rust API's promises that the ordinary test run cannot see.
#
#   1. MSRV: the libraries `spill-ring-core` and `spout` build on Rust 1.81
#      and the C ABI crate `spill-ring` on Rust 1.83 (it uses constants that
#      refer to statics), each with `--locked` resolution, with and without
#      default features. The `rust-version`s in Cargo.toml state exactly
#      this. (Their tests and benchmarks need a newer toolchain: criterion
#      and proptest do.)
#   2. `RUSTDOCFLAGS=-Dwarnings cargo doc` for the three crates with default
#      features, with none, with `alloc` only and with all of them.
#   3. `cargo check -p spill-ring --no-default-features` (and with `alloc`):
#      the crate users depend on reaches the core's no_std tiers.
#   4. The `verdict` feature resolves on both crates and its tests pass.
#   5. A bad const capacity (`SpillRing<u8, 3>`) fails `cargo build` with an
#      error that names the type and the rule and points at the user's line.
#
# Cost on the 2-core machine (shared): about 6 minutes the first time (the
# two MSRV toolchains are downloaded and every check builds from scratch;
# measured 341 s), about 1 minute from a warm cache (measured 69 s).
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

need_rust

LIB_MSRV=1.81
ABI_MSRV=1.83
# Separate target directories: old toolchains cannot read newer artifacts.
MSRV_TARGET="$REPO_ROOT/target/msrv"

for toolchain in "$LIB_MSRV" "$ABI_MSRV"; do
    log "toolchain $toolchain"
    timeout 900 rustup toolchain install "$toolchain" --profile minimal >/dev/null
done

log "MSRV: spill-ring-core and spout on $LIB_MSRV (--locked)"
for features in "" "--no-default-features" "--no-default-features --features alloc" "--all-features"; do
    # shellcheck disable=SC2086 # $features is a list of flags
    CARGO_TARGET_DIR="$MSRV_TARGET/$LIB_MSRV" timeout 900 \
        cargo "+$LIB_MSRV" check --locked -p spill-ring-core -p spout $features
done

log "MSRV: spill-ring on $ABI_MSRV (--locked)"
for features in "" "--no-default-features" "--all-features"; do
    # shellcheck disable=SC2086
    CARGO_TARGET_DIR="$MSRV_TARGET/$ABI_MSRV" timeout 900 \
        cargo "+$ABI_MSRV" check --locked -p spill-ring $features
done

log "docs without warnings, with and without default features"
for features in "" "--no-default-features" "--no-default-features --features alloc" "--all-features"; do
    # shellcheck disable=SC2086
    RUSTDOCFLAGS=-Dwarnings timeout 900 \
        cargo doc --no-deps -p spill-ring-core -p spout -p spill-ring $features
done

log "spill-ring without default features"
timeout 600 cargo check -p spill-ring --no-default-features
timeout 600 cargo check -p spill-ring --no-default-features --features alloc

log "the verdict feature"
timeout 600 cargo check -p spill-ring --features verdict
timeout 600 cargo check -p spill-ring --no-default-features --features verdict
timeout 900 cargo test -p spill-ring-core --features verdict --lib -- retryable temporary
timeout 900 cargo test -p spill-ring-core --features verdict --doc -- Actionable

log "a bad const capacity names the type and the rule, at the user's line"
SCRATCH="$REPO_ROOT/target/ci_rust_api/bad_capacity"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH/src"
cat >"$SCRATCH/Cargo.toml" <<EOF
[package]
name = "bad_capacity"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
spill-ring-core = { path = "$REPO_ROOT/crates/spill-ring-core" }

[workspace]
EOF
cat >"$SCRATCH/src/main.rs" <<'EOF'
use spill_ring_core::SpillRing;

fn main() {
    let ring: SpillRing<u8, 3> = SpillRing::new();
    ring.push(1);
}
EOF
if CARGO_TARGET_DIR="$SCRATCH/target" timeout 600 cargo build --manifest-path "$SCRATCH/Cargo.toml" \
    >"$SCRATCH/build.log" 2>&1; then
    echo "SpillRing<u8, 3> built" >&2
    exit 1
fi
for expected in 'bad capacity in `SpillRing<T, N, S>`' 'N must be a power of two' 'src/main.rs:4'; do
    grep -qF -- "$expected" "$SCRATCH/build.log" || {
        cat "$SCRATCH/build.log" >&2
        echo "the build error does not say: $expected" >&2
        exit 1
    }
done

log "Rust API checks passed"
