#!/usr/bin/env bash
# Opens Duka on a fresh Debian/Ubuntu machine: installs the system packages the desktop app needs
# (idempotently; apt-get as root or through sudo), builds the app, and starts it. With no KRA device
# configured it lands on the set-up screen (training mode or connect a device). The steps are
# `cargo xtask run` (xtask/src/main.rs).
#
#   scripts/run.sh              debug build (quicker to build; what the README uses)
#   scripts/run.sh --release    optimised build, frontend embedded (tauri/custom-protocol)
#   DUKA_DATA_DIR=/some/folder scripts/run.sh    another shop database than the default data folder
#
# WebKit's settings (no GPU compositing, no JavaScript JIT, ...) are set by the app itself at start
# (src-tauri/src/webkit_env.rs); set a variable here to override one, for example
# WEBKIT_DISABLE_COMPOSITING_MODE=0 scripts/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bootstrap.sh
exec cargo xtask run "$@"
