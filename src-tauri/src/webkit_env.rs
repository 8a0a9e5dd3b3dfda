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

/// Each variable with Duka's value and why (the render node's value is the machine's own, see
/// [`render_node`]).
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
    (RENDER_DEVICE, FIRST_RENDER_NODE),
    // Two malloc arenas instead of one per thread (8 per core): fewer half-empty heaps.
    ("MALLOC_ARENA_MAX", "2"),
];

/// Set to `0`, Duka adds none of its defaults.
pub const OPT_OUT: &str = "DUKA_WEBKIT_DEFAULTS";

/// The variable naming the GPU render node WebKit hands its page process.
const RENDER_DEVICE: &str = "WEBKIT_WEB_RENDER_DEVICE_FILE";
/// The kernel's first render node, named when the machine has none (a VM without a GPU): the
/// value then only keeps WebKit from probing EGL for one.
const FIRST_RENDER_NODE: &str = "/dev/dri/renderD128";

/// The machine's first GPU render node (`/dev/dri/renderD*`, lowest number), or the kernel's first
/// name when there is none.
fn render_node(dri: &std::path::Path) -> String {
    let mut nodes: Vec<(u32, String)> = std::fs::read_dir(dri)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let number = name.strip_prefix("renderD")?.parse().ok()?;
            Some((number, entry.path().to_string_lossy().into_owned()))
        })
        .collect();
    nodes.sort();
    nodes.into_iter().next().map_or_else(|| FIRST_RENDER_NODE.to_owned(), |(_, path)| path)
}

/// The defaults this process's environment lacks.
pub fn missing() -> Vec<(&'static str, String)> {
    missing_from(|name| std::env::var_os(name), || render_node(std::path::Path::new("/dev/dri")))
}

fn missing_from(lookup: impl Fn(&str) -> Option<OsString>, node: impl Fn() -> String) -> Vec<(&'static str, String)> {
    if lookup(OPT_OUT).is_some_and(|v| v == "0") {
        return Vec::new();
    }
    DEFAULTS
        .into_iter()
        .filter(|(name, _)| lookup(name).is_none())
        .map(|(name, value)| (name, if name == RENDER_DEVICE { node() } else { value.to_owned() }))
        .collect()
}

/// Starts this binary again with the missing defaults added, unless none is missing. Returns only
/// when nothing had to be added, or when the binary could not be started again (then Duka runs on
/// with the environment it has, which works, with more memory; the reason is returned).
pub fn ensure() -> Result<(), RestartFailed> {
    let missing = missing();
    if missing.is_empty() {
        return Ok(());
    }
    let exe = std::env::current_exe().map_err(RestartFailed::NoProgramPath)?;
    let source = Command::new(&exe).args(std::env::args_os().skip(1)).envs(missing).exec();
    Err(RestartFailed::Exec { exe, source })
}

/// Why Duka could not start itself again with WebKit's settings.
#[derive(Debug)]
pub enum RestartFailed {
    /// The running program's own path could not be found.
    NoProgramPath(std::io::Error),
    /// Starting the program again failed.
    Exec { exe: std::path::PathBuf, source: std::io::Error },
}

impl std::fmt::Display for RestartFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RestartFailed::NoProgramPath(e) => write!(f, "could not find the running program: {e}"),
            RestartFailed::Exec { exe, source } => {
                write!(f, "could not start {} again with WebKit's settings: {source}", exe.display())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(defaults: &[(&'static str, &'static str)]) -> Vec<(&'static str, String)> {
        defaults.iter().map(|(name, value)| (*name, (*value).to_owned())).collect()
    }

    #[test]
    fn only_unset_variables_are_added_and_a_chosen_value_is_kept() {
        let node = || FIRST_RENDER_NODE.to_owned();
        let none = missing_from(|_| None, node);
        assert_eq!(none, owned(&DEFAULTS));
        let chosen = missing_from(|name| (name == "WEBKIT_DISABLE_COMPOSITING_MODE").then(|| "0".into()), node);
        assert_eq!(chosen, owned(&DEFAULTS[1..]));
        assert!(missing_from(|_| Some("x".into()), node).is_empty());
        assert!(missing_from(|name| (name == OPT_OUT).then(|| "0".into()), node).is_empty());
    }

    #[test]
    fn the_render_node_is_the_machines_lowest_numbered_one() {
        let dri = tempfile::tempdir().unwrap();
        // No GPU (no folder, or no render node in it): the kernel's first name.
        assert_eq!(render_node(&dri.path().join("absent")), FIRST_RENDER_NODE);
        std::fs::write(dri.path().join("card1"), "").unwrap();
        assert_eq!(render_node(dri.path()), FIRST_RENDER_NODE);
        for name in ["renderD130", "renderD129", "renderDx"] {
            std::fs::write(dri.path().join(name), "").unwrap();
        }
        assert_eq!(render_node(dri.path()), dri.path().join("renderD129").to_string_lossy());
        let set = missing_from(|_| None, || render_node(dri.path()));
        let value = set.iter().find(|(name, _)| *name == RENDER_DEVICE).map(|(_, v)| v.clone());
        assert_eq!(value, Some(dri.path().join("renderD129").to_string_lossy().into_owned()));
    }
}
