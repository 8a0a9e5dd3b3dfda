//! The environment WebKitGTK and the C library read once at start-up, set in one place for every
//! way Duka is launched (the installed app, `scripts/run.sh`, the tests and benchmarks): the till
//! needs no GPU compositing and no JavaScript JIT, and each costs memory (README, desktop bench).
//!
//! These variables are read by WebKit's processes and by malloc before `main` could change them in
//! this process, and changing the environment of a running process is `unsafe` (forbidden here).
//! So when one is missing the binary starts itself again with it (`exec`: same process id, same
//! arguments, the rest of the environment kept). A variable already set is left as it is, so a
//! user can choose otherwise (`WEBKIT_DISABLE_COMPOSITING_MODE=0`); `DUKA_WEBKIT_DEFAULTS=0`
//! leaves WebKit's own defaults alone (the e2e tests: WebDriver's screenshots hang with these).

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// Each variable with Duka's value and why.
pub const DEFAULTS: [(&str, &str); 6] = [
    // Software compositing: WebKit's page process uses about 115 MB less and the window is ready
    // sooner.
    ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
    // The till's script is small and waits on Rust, not on the CPU: no JIT saves ~14 MB.
    ("JSC_useJIT", "0"),
    // The next three keep OpenGL out of this (the window's) process, where Mesa's driver and the
    // libLLVM it links cost ~20 MB and nothing is drawn with GL: GTK 3 would open GLX to choose
    // its visuals, WebKit would open EGL to check DMA-BUF support and to ask which GPU render node
    // to hand the page process. With the node named, and DMA-BUF buffers off, the page is shared
    // with the window through shared memory. (The page process still opens EGL: WebKit requires it.)
    ("GDK_GL", "disable"),
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    ("WEBKIT_WEB_RENDER_DEVICE_FILE", "/dev/dri/renderD128"),
    // Two malloc arenas instead of one per thread (8 per core): fewer half-empty heaps.
    ("MALLOC_ARENA_MAX", "2"),
];

/// Set to `0`, Duka adds none of its defaults.
pub const OPT_OUT: &str = "DUKA_WEBKIT_DEFAULTS";

/// The defaults this process's environment lacks.
pub fn missing() -> Vec<(&'static str, &'static str)> {
    missing_from(|name| std::env::var_os(name))
}

fn missing_from(lookup: impl Fn(&str) -> Option<OsString>) -> Vec<(&'static str, &'static str)> {
    if lookup(OPT_OUT).is_some_and(|v| v == "0") {
        return Vec::new();
    }
    DEFAULTS.into_iter().filter(|(name, _)| lookup(name).is_none()).collect()
}

/// Starts this binary again with the missing defaults added, unless none is missing. Returns only
/// when nothing had to be added, or when the binary could not be started again (then Duka runs on
/// with the environment it has, which works, with more memory; the reason is returned).
pub fn ensure() -> Result<(), String> {
    let missing = missing();
    if missing.is_empty() {
        return Ok(());
    }
    let exe = std::env::current_exe().map_err(|e| format!("could not find the running program: {e}"))?;
    let error = Command::new(&exe).args(std::env::args_os().skip(1)).envs(missing).exec();
    Err(format!("could not start {} again with WebKit's settings: {error}", exe.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unset_variables_are_added_and_a_chosen_value_is_kept() {
        let none = missing_from(|_| None);
        assert_eq!(none, DEFAULTS.to_vec());
        let chosen = missing_from(|name| (name == "WEBKIT_DISABLE_COMPOSITING_MODE").then(|| "0".into()));
        assert_eq!(chosen, DEFAULTS[1..].to_vec());
        assert!(missing_from(|_| Some("x".into())).is_empty());
        assert!(missing_from(|name| (name == OPT_OUT).then(|| "0".into())).is_empty());
    }
}
