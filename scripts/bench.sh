#!/usr/bin/env bash
# Runs every benchmark of Duka and prints their markdown tables. Speed and memory targets are
# checked here, never by timed assertions in the tests. Run scripts/test.sh once first (it installs
# the system packages these need). The store bench builds a 1,000,000-sale database once and caches
# it under the target folder (first run ~4 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
export PATH="${CARGO_INSTALL_ROOT:-$HOME/.cargo}/bin:$PATH"

echo "## Store: durable sale commit, item lookup and search"
cargo bench --locked -q -p store --bench store
echo
echo "## Receipt rendering"
cargo bench --locked -q -p receipt --bench render
echo
echo "## Sync: outbox drain rate and commit-to-signature latency"
cargo bench --locked -q -p sync --bench drain
echo
echo "## Desktop: cold start to an interactive till, memory after 1,000 sales"
# The release build, as a shop runs it (the first release build of the Tauri tree takes ~15 minutes),
# with the WebKit environment the app sets itself (src-tauri/src/webkit_env.rs).
DUKA_BENCH=1 xvfb-run -a -s "-screen 0 1280x800x24" cargo test --release --locked -q -p duka-desktop --test startup_bench
