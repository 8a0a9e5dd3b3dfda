#!/usr/bin/env bash
# Opens Duka on a fresh Debian/Ubuntu machine: installs the system packages the desktop app needs
# (idempotently; apt-get as root or through sudo), builds the app, and starts it. With no KRA device
# configured it lands on the set-up screen (training mode or connect a device).
#
#   scripts/run.sh              debug build (quicker to build; what the README uses)
#   scripts/run.sh --release    optimised build, frontend embedded (tauri/custom-protocol)
#   DUKA_DATA_DIR=/some/folder scripts/run.sh    another shop database than the default data folder
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

PKGS=(build-essential pkg-config file curl libwebkit2gtk-4.1-dev fonts-dejavu-core)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || {
  echo "Rust is not installed: install it from https://rustup.rs (rustup), then run this script again." >&2
  exit 1
}

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No graphical display found: run this from a desktop session (or under xvfb-run for a headless check)." >&2
  exit 1
fi

# WebKit's settings (no GPU compositing, no JavaScript JIT, no OpenGL in the window process, two
# malloc arenas) are set by the app itself at start (src-tauri/src/webkit_env.rs), so a user
# launching the binary gets them too. Set a variable here to override one, for example
# WEBKIT_DISABLE_COMPOSITING_MODE=0 scripts/run.sh.

if [ "${1:-}" = "--release" ]; then
  exec cargo run --locked --release -p duka-desktop --features tauri/custom-protocol
else
  exec cargo run --locked -p duka-desktop
fi
