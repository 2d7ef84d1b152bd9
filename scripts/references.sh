#!/usr/bin/env bash
# Python reference implementations the fidelity tests compare against (Debian bookworm packages):
#   python3-torchvision (torch 1.13)  torchvision classifiers exported with torch.onnx (seeded weights)
#   python3-onnx                       the exporter's ONNX serialisation
#   python3-numpy, python3-pil         Pillow's decoding and resampling (the reference preprocessing)
#   chromium                           the real browser the `pipeline serve` page tests drive with Playwright
#                                      (Playwright's own browser download cannot work here)
#
# Usage: scripts/references.sh [install|build]
#   install  apt-get install the packages that are missing (idempotent; prints what it installs)
#   build    install, then run each scripts/references/*.py into .local/references/<script>-<hash of it>
#            (skipped when that folder is complete: CI reruns stay fast); <script>.current names the folder
# Prints nothing on stdout but, for `build`, the references root (.local/references).
# Uses /usr/bin/python3 (Debian's), not whatever python3 is first on PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3
PACKAGES=(python3-torchvision python3-onnx python3-numpy python3-pil chromium)
SCRIPTS_DIR="$ROOT/scripts/references"
LOG_DIR="$ROOT/.local/logs"

log() { printf '[references] %s\n' "$*" >&2; }
die() { printf '[references] ERROR: %s\n' "$*" >&2; exit 1; }

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
    if ((${#missing[@]} == 0)); then
        log "present: ${PACKAGES[*]}"
        return 0
    fi
    [[ $(id -u) -eq 0 ]] || die "installing ${missing[*]} needs root (apt-get)"
    mkdir -p "$LOG_DIR"
    log "apt-get install ${missing[*]} (with their dependencies; torch is large, this takes a few minutes once)"
    export DEBIAN_FRONTEND=noninteractive
    # Other apt users (services.sh) may hold the lock: wait for it rather than fail.
    apt-get -o Acquire::Retries=3 -o DPkg::Lock::Timeout=900 update >>"$LOG_DIR/references-apt.log" 2>&1 \
        || { tail -n 30 "$LOG_DIR/references-apt.log" >&2; die "apt-get update failed"; }
    apt-get -o Acquire::Retries=3 -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${missing[@]}" \
        >>"$LOG_DIR/references-apt.log" 2>&1 \
        || { tail -n 30 "$LOG_DIR/references-apt.log" >&2; die "apt-get install ${missing[*]} failed (log: $LOG_DIR/references-apt.log)"; }
    log "installed: $(grep -oE '^Setting up [^ ]+' "$LOG_DIR/references-apt.log" | sed 's/Setting up //' | sort -u | tr '\n' ' ')"
}

# Each script writes into its own folder, keyed by a hash of the script: changing one rebuilds only its files.
build() {
    install
    local root="$ROOT/.local/references" script stem hash dir
    mkdir -p "$root"
    for script in "$SCRIPTS_DIR"/*.py; do
        stem=$(basename "$script" .py)
        hash=$(sha256sum "$script" | cut -c1-16)
        dir="$root/$stem-$hash"
        if [[ -f $dir/COMPLETE ]]; then
            log "cached: $dir"
        else
            rm -rf "$dir.tmp"
            mkdir -p "$dir.tmp"
            log "running $stem.py"
            "$PY" "$script" "$dir.tmp" "$ROOT" >&2 || die "$stem.py failed"
            touch "$dir.tmp/COMPLETE"
            rm -rf "$dir"
            mv "$dir.tmp" "$dir"
            log "written: $dir"
        fi
        printf '%s\n' "$stem-$hash" >"$root/$stem.current"
    done
    printf '%s\n' "$root"
}

case "${1:-build}" in
    install) install ;;
    build) build ;;
    -h | --help | help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown command '$1' (use: install | build)" ;;
esac
