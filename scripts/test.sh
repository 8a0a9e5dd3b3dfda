#!/usr/bin/env bash
# Runs every check and test of Duka on a fresh Debian/Ubuntu machine: installs the system packages the
# tests need (idempotently), then formatting, lints and the whole test suite. `.ci/run` calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never DEBIAN_FRONTEND=noninteractive

# System packages: C toolchain for bundled SQLite and aws-lc, PDF/QR tools for receipt golden tests,
# WebKitGTK for the Tauri desktop app, and Xvfb + WebKitWebDriver for its end-to-end tests.
PKGS=(build-essential pkg-config file poppler-utils zbar-tools fonts-dejavu-core
      libwebkit2gtk-4.1-dev xvfb xauth webkit2gtk-driver)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt clippy
# tauri-driver drives the desktop window for the e2e tests (pinned: crates.io's newest is a 3.0 alpha).
export PATH="${CARGO_INSTALL_ROOT:-$HOME/.cargo}/bin:$PATH"
tauri-driver --help >/dev/null 2>&1 || cargo install tauri-driver --locked --version 2.1.0 --quiet

# A one-off build gains nothing from incremental compilation, and skipping it saves minutes in CI.
[ "${CI:-}" = true ] && export CARGO_INCREMENTAL=0
cargo fmt --all -- --check
# Lints every target (benches included); `cargo test` then builds and runs everything but the benches,
# every test binary even after one fails (a red run lists all its failures, not just the first).
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo test --locked --workspace --no-fail-fast
# The desktop app's end-to-end tests drive the real window under Xvfb (they skip above, without a display).
E2E_REQUIRED=1 timeout 20m xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --locked -p duka-desktop --test e2e -- --test-threads=1
