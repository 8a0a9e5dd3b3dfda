//! What the machine needs besides Rust: the Debian/Ubuntu packages (listed here and nowhere else),
//! rustfmt and clippy, and tauri-driver; each installed only when missing.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::{Result, run};

/// What the desktop app needs to build and open: a C toolchain (bundled SQLite, ring), pkg-config
/// and WebKitGTK for Tauri, and the receipt font.
pub const RUN_PACKAGES: &[&str] =
    &["build-essential", "pkg-config", "file", "curl", "libwebkit2gtk-4.1-dev", "fonts-dejavu-core"];

/// What the tests and benchmarks need on top: PDF and QR tools for the receipt golden tests, and
/// Xvfb with WebKitWebDriver for the desktop end-to-end tests and the start-up bench.
pub const TEST_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "file",
    "poppler-utils",
    "zbar-tools",
    "fonts-dejavu-core",
    "libwebkit2gtk-4.1-dev",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
];

/// The tauri-driver that drives the desktop window in the e2e tests (pinned: crates.io's newest is
/// a 3.0 alpha).
const TAURI_DRIVER_VERSION: &str = "2.1.0";

/// Installs the packages that are not installed yet (apt-get as root, or through sudo). On a
/// machine without apt it only says what it would need.
pub fn ensure_packages(packages: &[&str]) -> Result<()> {
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !found("apt-get") {
        eprintln!("xtask: no apt-get here; make sure these (Debian names) are installed: {}", missing.join(" "));
        return Ok(());
    }
    eprintln!("xtask: installing system packages: {}", missing.join(" "));
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let apt = |args: &[&str]| {
        let mut command = if root { Command::new("apt-get") } else { Command::new("sudo") };
        if !root {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive").stdout(Stdio::null());
        command
    };
    run(&mut apt(&["update", "-qq"]))?;
    run(&mut apt(&[&["install", "-y", "-qq", "--no-install-recommends"], missing.as_slice()].concat()))
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("ok installed"))
}

/// Whether `program` starts (is on the PATH).
fn found(program: &str) -> bool {
    Command::new(program).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// rustfmt and clippy, added through rustup when missing.
pub fn ensure_rust_components() -> Result<()> {
    let listed = Command::new("rustup").args(["component", "list", "--installed"]).output();
    let Ok(listed) = listed else {
        eprintln!("xtask: no rustup here; make sure rustfmt and clippy are installed");
        return Ok(());
    };
    let listed = String::from_utf8_lossy(&listed.stdout);
    let has = |name: &str| listed.lines().any(|l| l.starts_with(name));
    if has("rustfmt") && has("clippy") {
        return Ok(());
    }
    run(Command::new("rustup").args(["component", "add", "rustfmt", "clippy"]))
}

/// The folder `cargo install` puts programs in.
pub fn cargo_bin() -> PathBuf {
    if let Some(root) = std::env::var_os("CARGO_INSTALL_ROOT") {
        return PathBuf::from(root).join("bin");
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default();
    home.join("bin")
}

/// tauri-driver, installed with cargo when it does not start.
pub fn ensure_tauri_driver() -> Result<()> {
    let starts = Command::new(cargo_bin().join("tauri-driver"))
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if starts || found("tauri-driver") {
        return Ok(());
    }
    eprintln!("xtask: installing tauri-driver {TAURI_DRIVER_VERSION}");
    run(crate::cargo().args(["install", "tauri-driver", "--locked", "--quiet", "--version", TAURI_DRIVER_VERSION]))
}

/// Whether a graphical display is there (a desktop session, or Xvfb).
pub fn has_display() -> bool {
    std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
}
