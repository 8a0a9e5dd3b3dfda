#!/usr/bin/env bash
# Runs every check and test of Duka on a fresh Debian/Ubuntu machine (what CI runs, through .ci/run):
# installs the system packages the tests need (idempotently), then formatting, lints, the whole test
# suite and the desktop end-to-end tests under Xvfb. The steps are `cargo xtask ci` (xtask/src/main.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bootstrap.sh
exec cargo xtask ci "$@"
