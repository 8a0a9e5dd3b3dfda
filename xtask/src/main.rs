//! `cargo xtask`: Duka's project commands in one place (rust-analyzer's xtask pattern). `run` opens
//! the app, `ci` runs every check and test as CI does, `bench` prints every benchmark's table,
//! `golden` rewrites the golden files, `fuzz` runs oscu's fuzz targets, `tidy` checks the tree.
//! std only, so it builds in seconds on a fresh machine before anything else is installed.

mod system;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, ExitStatus};

const USAGE: &str = "\
cargo xtask <command>

  run [--release]     install what the desktop app needs, build it and open it (scripts/run.sh)
  ci                  install what the tests need, then fmt, clippy, every test and the desktop
                      end-to-end tests under Xvfb (scripts/test.sh, what CI runs)
  bench [NAME...] [--debug]
                      run every benchmark and print its table: store, receipt, sync, signed, desktop
                      (--debug: the desktop bench on the debug build, quicker to build)
  golden [receipt|screenshots]
                      rewrite the golden files: the receipt layouts and PNGs (UPDATE_GOLDEN=1) and
                      the README's screenshots (UPDATE_SCREENSHOTS=1, under Xvfb)
  fuzz [SECONDS]      run each of oscu's fuzz targets for SECONDS (default 60); needs cargo-fuzz
  tidy                check the source tree's rules (also run by `cargo test`)
";

/// Why a command failed.
#[derive(Debug)]
pub enum Error {
    /// The command line was not understood.
    Usage(String),
    /// A program could not be started.
    Start { command: String, source: std::io::Error },
    /// A program ran and failed.
    Failed { command: String, status: ExitStatus },
    /// Something the command needs is not there.
    Missing { what: String, how: String },
    /// The source tree breaks tidy rules.
    Untidy(usize),
    /// A file could not be read.
    Read { path: PathBuf, source: std::io::Error },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(problem) => write!(f, "{problem}\n\n{USAGE}"),
            Error::Start { command, source } => write!(f, "could not start `{command}`: {source}"),
            Error::Failed { command, status } => write!(f, "`{command}` failed ({status})"),
            Error::Missing { what, how } => write!(f, "{what} is missing: {how}"),
            Error::Untidy(count) => write!(f, "{count} tidy failures (listed above)"),
            Error::Read { path, source } => write!(f, "could not read {}: {source}", path.display()),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).to_owned();
    let outcome = std::env::set_current_dir(&root)
        .map_err(|source| Error::Read { path: root.clone(), source })
        .and_then(|()| dispatch(&root, &args));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(root: &Path, args: &[String]) -> Result<()> {
    let (command, rest) = args.split_first().map_or(("", &[][..]), |(c, r)| (c.as_str(), r));
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    match (command, rest.as_slice()) {
        ("run", []) => run_app(false),
        ("run", ["--release"]) => run_app(true),
        ("ci", []) => ci(),
        ("bench", names) => bench(names),
        ("golden", []) => golden(true, true),
        ("golden", ["receipt"]) => golden(true, false),
        ("golden", ["screenshots"]) => golden(false, true),
        ("fuzz", []) => fuzz(60),
        ("fuzz", [seconds]) => {
            let seconds =
                seconds.parse().map_err(|_| Error::Usage(format!("`{seconds}` is not a number of seconds")))?;
            fuzz(seconds)
        }
        ("tidy", []) => tidy(root),
        ("" | "help" | "--help" | "-h", _) => {
            print!("{USAGE}");
            Ok(())
        }
        (command, rest) => Err(Error::Usage(format!("unknown command `{command} {}`", rest.join(" ")))),
    }
}

/// A `cargo` command, with cargo-installed programs (tauri-driver, cargo-fuzz) on the PATH.
fn cargo() -> Command {
    let mut command = Command::new("cargo");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let paths = std::iter::once(system::cargo_bin()).chain(std::env::split_paths(&path));
    if let Ok(joined) = std::env::join_paths(paths) {
        command.env("PATH", joined);
    }
    command
}

/// The command as a person would type it, for messages.
fn shown(command: &Command) -> String {
    let mut words: Vec<String> = command
        .get_envs()
        .filter(|(name, _)| *name != "PATH")
        .filter_map(|(name, value)| Some(format!("{}={}", name.to_string_lossy(), value?.to_string_lossy())))
        .collect();
    words.push(command.get_program().to_string_lossy().into_owned());
    for arg in command.get_args().map(|a| a.to_string_lossy()) {
        words.push(if arg.contains(' ') { format!("\"{arg}\"") } else { arg.into_owned() });
    }
    words.join(" ")
}

/// Runs `command` to its end; fails when it fails.
pub fn run(command: &mut Command) -> Result<()> {
    let line = shown(command);
    eprintln!("xtask: $ {line}");
    let status = command.status().map_err(|source| Error::Start { command: line.clone(), source })?;
    if status.success() { Ok(()) } else { Err(Error::Failed { command: line, status }) }
}

/// `command` run through `program` and its `args` (xvfb-run, timeout), with its environment.
fn through(program: &str, args: &[&str], command: &Command) -> Command {
    let mut wrapper = Command::new(program);
    wrapper.args(args).arg(command.get_program()).args(command.get_args());
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => wrapper.env(name, value),
            None => wrapper.env_remove(name),
        };
    }
    wrapper
}

/// Runs `command` under Xvfb (a virtual display) with the window size of the e2e tests.
fn under_xvfb(command: &Command) -> Command {
    through("xvfb-run", &["-a", "-s", "-screen 0 1280x800x24"], command)
}

fn run_app(release: bool) -> Result<()> {
    system::ensure_packages(system::RUN_PACKAGES)?;
    if !system::has_display() {
        return Err(Error::Missing {
            what: "a graphical display".into(),
            how: "run this from a desktop session (or under xvfb-run for a headless check)".into(),
        });
    }
    // WebKit's settings (no GPU compositing, no JIT, ...) are set by the app itself at start
    // (src-tauri/src/webkit_env.rs); a variable set here overrides one.
    let mut command = cargo();
    command.args(["run", "--locked", "-p", "duka-desktop"]);
    if release {
        command.args(["--release", "--features", "tauri/custom-protocol"]);
    }
    exec(command)
}

/// Replaces this process with `command` (the app gets the terminal and its signals).
fn exec(mut command: Command) -> Result<()> {
    use std::os::unix::process::CommandExt;
    let line = shown(&command);
    eprintln!("xtask: $ {line}");
    let source = command.exec();
    Err(Error::Start { command: line, source })
}

/// CI's and the README's test command: every check and test.
fn ci() -> Result<()> {
    system::ensure_packages(system::TEST_PACKAGES)?;
    system::ensure_rust_components()?;
    system::ensure_tauri_driver()?;
    let quiet = |mut command: Command| {
        command.env("CARGO_TERM_COLOR", "never");
        // A one-off build gains nothing from incremental compilation, and skipping it saves minutes.
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            command.env("CARGO_INCREMENTAL", "0");
        }
        command
    };
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--", "--check"]);
    run(&mut quiet(fmt))?;
    // Lints every target (benches included); `cargo test` then builds and runs everything but the
    // benches, every test binary even after one fails (a red run lists all its failures).
    let mut clippy = cargo();
    clippy.args(["clippy", "--locked", "--workspace", "--all-targets", "--", "-D", "warnings"]);
    run(&mut quiet(clippy))?;
    let mut test = cargo();
    test.args(["test", "--locked", "--workspace", "--no-fail-fast"]);
    run(&mut quiet(test))?;
    // The desktop app's end-to-end tests drive the real window under Xvfb (above, without a
    // display, they skip). `timeout` bounds a hung window.
    let mut e2e = cargo();
    e2e.args(["test", "--locked", "-p", "duka-desktop", "--test", "e2e", "--", "--test-threads=1"])
        .env("E2E_REQUIRED", "1");
    run(&mut through("timeout", &["20m"], &under_xvfb(&quiet(e2e))))
}

/// Every benchmark (or the ones named), each followed by the CPU steal during it.
fn bench(args: &[&str]) -> Result<()> {
    const ALL: [&str; 5] = ["store", "receipt", "sync", "signed", "desktop"];
    let debug = args.contains(&"--debug");
    let names: Vec<&str> = args.iter().copied().filter(|a| *a != "--debug").collect();
    if let Some(unknown) = names.iter().find(|n| !ALL.contains(n)) {
        return Err(Error::Usage(format!("no bench named `{unknown}` (there are {})", ALL.join(", "))));
    }
    let chosen: Vec<&str> = if names.is_empty() { ALL.to_vec() } else { names };
    if chosen.contains(&"desktop") {
        system::ensure_packages(system::TEST_PACKAGES)?;
        system::ensure_tauri_driver()?;
    }
    for name in chosen {
        let before = CpuTimes::read();
        match name {
            "store" => {
                println!("## Store: durable sale commit, item lookup and search");
                // The first run builds a 1,000,000-sale database once and caches it under the
                // target folder (~4 minutes).
                run(&mut cargo_bench("store", "store"))?;
            }
            "receipt" => {
                println!("## Receipt rendering");
                run(&mut cargo_bench("receipt", "render"))?;
            }
            "sync" => {
                println!("## Sync: outbox drain rate and commit-to-signature latency");
                run(&mut cargo_bench("sync", "drain"))?;
            }
            "signed" => {
                println!("## The customer's signed receipt: Charge → signed receipt printed, 0 and 200 ms");
                run(&mut cargo_bench("app", "signed_receipt"))?;
            }
            _ => {
                println!(
                    "## Desktop: cold start to an interactive till, memory after 1,000 sales against a bare window"
                );
                desktop_bench(debug)?;
            }
        }
        if let (Some(before), Some(after)) = (before, CpuTimes::read()) {
            println!(
                "\nCPU steal during the {name} bench: {:.1} % of the machine's CPU time\n",
                before.steal_percent(&after)
            );
        }
    }
    Ok(())
}

fn cargo_bench(package: &str, bench: &str) -> Command {
    let mut command = cargo();
    command.args(["bench", "--locked", "-q", "-p", package, "--bench", bench]).env("CARGO_TERM_COLOR", "never");
    command
}

/// The start-up and memory bench of the desktop app: the release build as a shop runs it (its first
/// build takes ~15 minutes), measured against the bare window example built the same way.
fn desktop_bench(debug: bool) -> Result<()> {
    let profile: &[&str] = if debug { &[] } else { &["--release"] };
    let mut bare = cargo();
    bare.args(["build", "--locked", "-q", "-p", "duka-desktop", "--example", "bare_window"]).args(profile);
    run(&mut bare)?;
    let mut test = cargo();
    test.args(["test", "--locked", "-q", "-p", "duka-desktop", "--test", "startup_bench"])
        .args(profile)
        .env("DUKA_BENCH", "1")
        .env("CARGO_TERM_COLOR", "never");
    run(&mut under_xvfb(&test))
}

/// The machine's CPU time so far, from the first line of /proc/stat (in clock ticks).
#[derive(Debug, Clone, Copy)]
struct CpuTimes {
    steal: u64,
    total: u64,
}

impl CpuTimes {
    fn read() -> Option<CpuTimes> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> = stat.lines().next()?.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
        // user nice system idle iowait irq softirq steal (guest time is inside user already).
        Some(CpuTimes { steal: *fields.get(7)?, total: fields.iter().take(8).sum() })
    }

    /// The share of CPU time stolen by the hypervisor between `self` and `later`, in percent.
    fn steal_percent(&self, later: &CpuTimes) -> f64 {
        let total = later.total.saturating_sub(self.total).max(1);
        later.steal.saturating_sub(self.steal) as f64 * 100.0 / total as f64
    }
}

/// Rewrites the golden files: receipt layouts and PNGs, and the README's screenshots.
fn golden(receipts: bool, screenshots: bool) -> Result<()> {
    if receipts {
        system::ensure_packages(&["poppler-utils", "zbar-tools", "fonts-dejavu-core"])?;
        let mut test = cargo();
        test.args(["test", "--locked", "-p", "receipt"]).env("UPDATE_GOLDEN", "1");
        run(&mut test)?;
    }
    if screenshots {
        system::ensure_packages(system::TEST_PACKAGES)?;
        system::ensure_tauri_driver()?;
        let mut e2e = cargo();
        e2e.args(["test", "--locked", "-p", "duka-desktop", "--test", "e2e", "--", "--test-threads=1"])
            .env("UPDATE_SCREENSHOTS", "1")
            .env("E2E_REQUIRED", "1");
        run(&mut under_xvfb(&e2e))?;
    }
    eprintln!("xtask: golden files rewritten; review them with `git diff --stat` before committing");
    Ok(())
}

/// Where oscu's fuzz crate is (its own workspace: cargo-fuzz runs from the crate above it).
const FUZZ_CRATE: &str = "src-tauri/crates/oscu";

/// Runs each fuzz target of oscu for `seconds`.
fn fuzz(seconds: u32) -> Result<()> {
    let installed = cargo().args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success());
    if !installed {
        return Err(Error::Missing {
            what: "cargo-fuzz".into(),
            how: "install it with `cargo install cargo-fuzz --locked`, then run `cargo xtask fuzz` again".into(),
        });
    }
    let manifest = Path::new(FUZZ_CRATE).join("fuzz/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|source| Error::Read { path: manifest.clone(), source })?;
    let targets = fuzz_targets(&text);
    if targets.is_empty() {
        return Err(Error::Missing {
            what: format!("a [[bin]] fuzz target in {}", manifest.display()),
            how: "add one".into(),
        });
    }
    for target in targets {
        let mut command = cargo();
        // cargo-fuzz builds with nightly-only sanitizer flags; the stable toolchain allows them so.
        command.current_dir(FUZZ_CRATE).env("RUSTC_BOOTSTRAP", "1").args([
            "fuzz",
            "run",
            &target,
            "--",
            &format!("-max_total_time={seconds}"),
        ]);
        run(&mut command)?;
    }
    Ok(())
}

/// The `name` of every `[[bin]]` of the fuzz crate's manifest.
fn fuzz_targets(manifest: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin
            && let Some(value) = line.strip_prefix("name").map(str::trim_start).and_then(|v| v.strip_prefix('='))
        {
            targets.push(value.trim().trim_matches('"').to_owned());
        }
    }
    targets
}

/// Checks the tree and lists every failure.
fn tidy(root: &Path) -> Result<()> {
    let tree = xtask::tidy::Tree::read(root).map_err(|source| Error::Read { path: root.to_owned(), source })?;
    let failures = xtask::tidy::excuse(xtask::tidy::check(&tree), xtask::tidy::OUTSTANDING);
    for failure in &failures {
        println!("{failure}");
    }
    if failures.is_empty() {
        println!("tidy: every rule holds");
        Ok(())
    } else {
        Err(Error::Untidy(failures.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzz_targets_are_the_manifests_bins() {
        let manifest = "[package]\nname = \"oscu-fuzz\"\n\n[[bin]]\nname = \"parse_response\"\npath = \"x.rs\"\n\n[[bin]]\nname = \"frozen\"\n";
        assert_eq!(fuzz_targets(manifest), ["parse_response", "frozen"]);
    }

    #[test]
    fn steal_is_the_share_of_all_cpu_time() {
        let before = CpuTimes { steal: 10, total: 1000 };
        assert_eq!(before.steal_percent(&CpuTimes { steal: 60, total: 2000 }), 5.0);
        assert_eq!(before.steal_percent(&before), 0.0);
    }
}
