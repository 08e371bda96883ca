# Shared helpers for the scripts in this folder: install what a fresh machine lacks.
# shellcheck shell=bash

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

# Seconds since the first script of this run started, in every log line.
SPILL_RUN_START="${SPILL_RUN_START:-$(date +%s)}"
export SPILL_RUN_START
log() { printf '\n==> [%ds] %s\n' "$(( $(date +%s) - SPILL_RUN_START ))" "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_install PKG... : installs Debian packages that are not installed yet.
apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing ${missing[*]}"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
    fi
}

# need_rust : makes sure cargo is on PATH.
need_rust() {
    if ! command -v cargo >/dev/null 2>&1; then
        [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
    fi
    command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install Rust with rustup" >&2; exit 1; }
}

# need_c_toolchain : cmake, a C/C++ compiler, pkg-config.
need_c_toolchain() {
    command -v cmake >/dev/null 2>&1 && command -v pkg-config >/dev/null 2>&1 \
        && command -v cc >/dev/null 2>&1 && command -v c++ >/dev/null 2>&1 \
        || apt_install cmake pkg-config gcc g++ make
}
