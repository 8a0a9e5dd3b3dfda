#!/usr/bin/env bash
# Runs every benchmark of Duka and prints their markdown tables: `cargo xtask bench` (xtask/src/main.rs).
# Name benches to run only those (store, receipt, sync, desktop); --debug runs the desktop bench on
# the debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bootstrap.sh
exec cargo xtask bench "$@"
