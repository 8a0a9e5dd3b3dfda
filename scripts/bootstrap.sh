# Sourced by run.sh, test.sh and bench.sh: what `cargo xtask` needs before it can be built on a fresh
# Debian/Ubuntu machine that has only rustup: cargo on the PATH, and a C linker (build-essential,
# installed idempotently, apt-get as root or through sudo). Every other system package is installed
# by xtask itself, from its one list (xtask/src/system.rs).
if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
  . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || {
  echo "Rust is not installed: install it from https://rustup.rs (rustup), then run this script again." >&2
  exit 1
}
if ! command -v cc >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing a C toolchain (build-essential), which cargo needs to link cargo xtask"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends build-essential >/dev/null
fi
