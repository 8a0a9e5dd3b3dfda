//! Start-up and memory benchmark of the desktop app: cold start to an interactive till (process
//! start until the UI reports itself usable: the lock screen listing who may sign in; the sales
//! then run signed in as the owner), and memory after 1,000 sales in one session against a bare
//! Tauri window measured in the same run (the platform's own libraries decide most of the memory;
//! the target is Duka within bare + 40 MB PSS). Prints markdown tables; never asserts a speed. It
//! only runs when asked: `cargo xtask bench desktop` (which builds the bare window example first
//! and runs this under Xvfb with DUKA_BENCH=1).

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use support::{APP, Driver, click, shown};

const COLD_STARTS: usize = 5;
const SALES: usize = 1000;
const SALES_PER_CALL: usize = 100;
/// The target: Duka after the sales takes at most this much more PSS than the bare window, in MB.
const OVER_BARE_MB: u64 = 40;

#[tokio::main]
async fn main() {
    if std::env::var("DUKA_BENCH").is_err() {
        println!("startup_bench: set DUKA_BENCH=1 (under xvfb-run) to measure start-up and memory");
        return;
    }
    if !support::environment_ready("bench_startup") {
        println!("| measurement | result |\n|---|---|\n| (skipped: needs a display and tauri-driver) | |");
        return;
    }
    let data = tempfile::tempdir().expect("data folder");
    let cpu_at_start = CpuTimes::read();

    // The baseline first, alone: the bare window with its empty page.
    let bare = bare_window().await;

    // A training shop with the demo catalogue, set up once through the window. With
    // DUKA_BENCH_KRA=<url of an oscu-sim started apart with --device P051234567X:00:BENCH1>, a shop
    // connected to that KRA instead, as a shop with a device runs (no simulator in the process).
    let kra = std::env::var("DUKA_BENCH_KRA").ok();
    {
        // The driver stops (and the window with it) at the end of this block.
        let (_driver, c) = Driver::open_shipped_app(data.path()).await;
        support::create_owner(&c).await;
        match &kra {
            None => click(&c, "#start-training").await,
            Some(url) => connect_to_kra(&c, url).await,
        }
        if kra.is_none() {
            shown(&c, "body[data-ready='true'] #scan-input").await;
        }
        c.close().await.expect("window closes");
    }

    // Cold starts: spawn the app, wait for its "till ready" line.
    let mut starts = Vec::new();
    for _ in 0..COLD_STARTS {
        starts.push(cold_start(data.path()));
    }
    starts.sort();
    let median = starts[starts.len() / 2];

    // 1,000 sales in one session, through the same IPC the till uses, then the memory.
    let (driver, c) = Driver::open_shipped_app(data.path()).await;
    support::sign_in(&c, support::OWNER.0, support::OWNER.1).await;
    shown(&c, "body[data-ready='true'] #scan-input").await;
    tokio::time::sleep(SETTLE).await;
    let at_start = Processes::measure(Path::new(APP), "duka-desktop");
    if let Some(dir) = std::env::var_os("DUKA_BENCH_SMAPS") {
        at_start.save_smaps(&std::path::Path::new(&dir).join("at-start"));
    }
    let prepare = "const done = arguments[arguments.length - 1];\
        const inv = window.__TAURI__.core.invoke;\
        (async () => {\
          const codes = [];\
          for (const b of ['2009900000019', '2009900000071']) {\
            const item = await inv('scan_item', {input: {text: b}});\
            await inv('adjust_stock', {input: {item: item.code, qty: '+5000', reason: '06'}});\
            codes.push(item.code);\
          }\
          return codes;\
        })().then(done, e => done({error: e.message || String(e)}));";
    let codes = c.execute_async(prepare, vec![]).await.expect("stock for the sales");
    assert!(codes.is_array(), "could not prepare the sales: {codes}");
    let sell = "const [codes, n] = [arguments[0], arguments[1]]; const done = arguments[arguments.length - 1];\
        const inv = window.__TAURI__.core.invoke;\
        (async () => { for (let i = 0; i < n; i++) {\
          await inv('make_sale', {input: {lines: [{item: codes[0], qty: '1'}, {item: codes[1], qty: '2'}], payment: '01'}});\
        } })().then(() => done('ok'), e => done(e.message || String(e)));";
    let started = Instant::now();
    for _ in 0..SALES / SALES_PER_CALL {
        let r = c.execute_async(sell, vec![codes.clone(), json!(SALES_PER_CALL)]).await.expect("sales");
        assert_eq!(r, json!("ok"), "a sale failed");
    }
    let selling = started.elapsed();
    // Show the screens a shopkeeper would after a day: the sales list and the till.
    c.execute("location.hash = '#sales'; document.querySelector('a[data-screen=sales]').click()", vec![])
        .await
        .expect("sales");
    shown(&c, "#sales-list tr").await;
    c.execute("document.querySelector('a[data-screen=till]').click()", vec![]).await.expect("till");
    tokio::time::sleep(SETTLE).await;
    let after_sales = Processes::measure(Path::new(APP), "duka-desktop");
    if let Some(dir) = std::env::var_os("DUKA_BENCH_SMAPS") {
        after_sales.save_smaps(std::path::Path::new(&dir));
    }
    let app_kb = after_sales.list[0].1.rss;
    let children: Vec<(String, u64)> = after_sales.list[1..].iter().map(|(n, m)| (n.clone(), m.rss)).collect();
    let webkit_kb: u64 = children.iter().map(|(_, kb)| kb).sum();
    c.close().await.expect("window closes");
    drop(driver);
    let steal = cpu_at_start.zip(CpuTimes::read()).map(|(from, to)| from.steal_percent(&to));

    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    // The app sets its own WebKit and malloc environment (webkit_env); anything set here wins.
    let shop = if kra.is_some() { "device shop, KRA simulator in its own process" } else { "training shop" };
    let chosen: String = ["WEBKIT_DISABLE_COMPOSITING_MODE", "JSC_useJIT", "MALLOC_ARENA_MAX"]
        .iter()
        .filter_map(|name| std::env::var(name).ok().map(|v| format!(", {name}={v}")))
        .collect();
    let compositing = if chosen.is_empty() { ", the app's own WebKit settings".to_owned() } else { chosen };
    println!("\n| measurement ({shop}, {build} build{compositing}, Xvfb, 2 shared cores) | result | target |");
    println!("|---|---|---|");
    println!(
        "| cold start to interactive till, median of {COLD_STARTS} (min {} / max {} ms) | {} ms | < 1500 ms |",
        starts[0].as_millis(),
        starts[starts.len() - 1].as_millis(),
        median.as_millis()
    );
    println!(
        "| {SALES} sales through the till's IPC (signed by the KRA in the background) | {:.1} s | — |",
        selling.as_secs_f64()
    );
    println!("| resident memory after {SALES} sales: duka-desktop process | {} MB | — |", app_kb / 1024);
    for (name, kb) in &children {
        println!("| resident memory after {SALES} sales: child process {name} | {} MB | — |", kb / 1024);
    }
    println!(
        "| resident memory after {SALES} sales: with its WebKit processes (RSS, shared pages counted in each) | {} MB | — |",
        (app_kb + webkit_kb) / 1024
    );
    println!(
        "| CPU steal during the run (time the hypervisor gave other machines; high steal slows every figure) | {} | — |",
        steal.map_or("unknown".to_owned(), |s| format!("{s:.1} %"))
    );
    print_memory_table(&at_start, &after_sales);
    print_against_bare(&bare, &after_sales);
    print_files(data.path());
    if let Some(dir) = std::env::var_os("DUKA_BENCH_SMAPS") {
        // The training KRA's books too (with its WAL), to see what the in-process simulator holds.
        for f in std::fs::read_dir(data.path()).expect("data folder").flatten() {
            if f.file_name().to_string_lossy().starts_with("duka.db.training-kra") {
                std::fs::copy(f.path(), std::path::Path::new(&dir).join(f.file_name())).expect("books copied");
            }
        }
    }
}

/// Sets the shop up as a device shop against the KRA at `url`, with the two items the sales use.
async fn connect_to_kra(c: &fantoccini::Client, url: &str) {
    let setup = "const [url, done] = [arguments[0], arguments[arguments.length - 1]];\
        const inv = window.__TAURI__.core.invoke;\
        (async () => {\
          await inv('connect_device', {input: {pin: 'P051234567X', branch: '00', serial: 'BENCH1',\
            environment: 'sandbox', front_door: 'direct', base_url: url}});\
          for (const [name, cls, unit, band, price, barcode] of [\
              ['Sugar 1kg', '5016150000', 'KG', 'B', '185.00', '2009900000019'],\
              ['Fresh milk 500ml', '5013170000', 'NO', 'A', '65.00', '2009900000071']]) {\
            await inv('save_item', {input: {name, barcode, class_code: cls, item_type: '2', origin: 'KE',\
              qty_unit: unit, pkg_unit: 'NT', tax_band: band, price}});\
          }\
          return 'ok';\
        })().then(done, e => done(e.message || JSON.stringify(e)));";
    let r = c.execute_async(setup, vec![json!(url)]).await.expect("device set-up");
    assert_eq!(r, json!("ok"), "could not set the shop up against {url}");
}

/// The shop's files after the sales: what SQLite's page caches and the training KRA (whose books
/// the in-process simulator keeps in memory) can hold at most.
fn print_files(data: &std::path::Path) {
    println!("\n| file after {SALES} sales | size |\n|---|---|");
    let mut files: Vec<_> = std::fs::read_dir(data).expect("data folder").flatten().collect();
    files.sort_by_key(|f| f.file_name());
    for f in files {
        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
        if f.path().is_file() && size > 0 {
            println!("| {} | {:.1} MB |", f.file_name().to_string_lossy(), size as f64 / (1024.0 * 1024.0));
        }
    }
}

/// How long the window is left alone before its memory is read (WebKit frees and trims lazily).
const SETTLE: Duration = Duration::from_secs(2);

/// Memory of one process in kB, from `/proc/PID/smaps_rollup`. RSS counts every resident page,
/// also pages shared with other processes (libwebkit2gtk, GTK, ICU data, fonts), so adding RSS
/// over processes counts those several times. PSS divides each shared page among the processes
/// that map it: summed over the app's processes it is what the app really costs the machine (the
/// standard way to add up a multi-process program). USS (private clean + private dirty) is what
/// would be freed if that process alone ended.
#[derive(Debug, Clone, Copy, Default)]
struct Memory {
    rss: u64,
    pss: u64,
    uss: u64,
    pss_anon: u64,
    pss_file: u64,
    pss_shmem: u64,
}

impl Memory {
    fn read(pid: u32) -> Memory {
        let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
        let field = |name: &str| {
            rollup
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        Memory {
            rss: field("Rss:"),
            pss: field("Pss:"),
            uss: field("Private_Clean:") + field("Private_Dirty:"),
            pss_anon: field("Pss_Anon:"),
            pss_file: field("Pss_File:"),
            pss_shmem: field("Pss_Shmem:"),
        }
    }

    fn add(self, o: Memory) -> Memory {
        Memory {
            rss: self.rss + o.rss,
            pss: self.pss + o.pss,
            uss: self.uss + o.uss,
            pss_anon: self.pss_anon + o.pss_anon,
            pss_file: self.pss_file + o.pss_file,
            pss_shmem: self.pss_shmem + o.pss_shmem,
        }
    }
}

/// A running Tauri program (first: duka-desktop or the bare window) and the processes it started
/// (WebKit's web and network processes), each with its memory.
#[derive(Debug)]
struct Processes {
    pids: Vec<u32>,
    list: Vec<(String, Memory)>,
}

impl Processes {
    /// The running program `exe` (named `name` in the tables) and its child processes.
    fn measure(exe: &Path, name: &str) -> Processes {
        let app = std::fs::canonicalize(exe).expect("program path");
        let mut app_pid = None;
        let mut procs = Vec::new();
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
            let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else { continue };
            if std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == app) {
                app_pid = Some(pid);
            }
            let ppid = field_text(&status, "PPid:").parse::<u32>().unwrap_or(0);
            procs.push((pid, ppid, process_name(pid, &status)));
        }
        let app_pid = app_pid.unwrap_or_else(|| panic!("the {name} process is running"));
        let mut pids = vec![app_pid];
        let mut list = vec![(name.to_owned(), Memory::read(app_pid))];
        for (pid, _, name) in procs.into_iter().filter(|(_, ppid, _)| *ppid == app_pid) {
            pids.push(pid);
            list.push((name, Memory::read(pid)));
        }
        Processes { pids, list }
    }

    fn total(&self) -> Memory {
        self.list.iter().fold(Memory::default(), |sum, (_, m)| sum.add(*m))
    }

    fn get(&self, name: &str) -> Option<Memory> {
        self.list.iter().find(|(n, _)| n == name).map(|(_, m)| *m)
    }

    /// Copies each process's `/proc/PID/smaps` (memory by mapping) into `dir`, to see what it is.
    fn save_smaps(&self, dir: &std::path::Path) {
        std::fs::create_dir_all(dir).expect("smaps folder");
        for (pid, (name, _)) in self.pids.iter().zip(&self.list) {
            let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
            std::fs::write(dir.join(format!("{name}.smaps")), smaps).expect("smaps written");
        }
    }
}

/// The memory table: each process right after start and after the sales, in RSS, PSS and USS.
fn print_memory_table(at_start: &Processes, after: &Processes) {
    let mb = |kb: u64| format!("{:.0}", kb as f64 / 1024.0);
    let growth = |before: u64, after: u64| format!("{:+.0}", (after as f64 - before as f64) / 1024.0);
    println!(
        "\n| memory in MB (PSS = shared pages divided among the processes; USS = private) | RSS at start | PSS at start \
         | RSS after {SALES} sales | PSS after | USS after | PSS anon / file / shmem after | PSS growth | target |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, m) in &after.list {
        let s = at_start.get(name).unwrap_or_default();
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} / {} / {} | {} | — |",
            mb(s.rss),
            mb(s.pss),
            mb(m.rss),
            mb(m.pss),
            mb(m.uss),
            mb(m.pss_anon),
            mb(m.pss_file),
            mb(m.pss_shmem),
            growth(s.pss, m.pss)
        );
    }
    let (s, m) = (at_start.total(), after.total());
    println!(
        "| in all | {} | {} | {} | **{}** | {} | {} / {} / {} | {} | bare + {OVER_BARE_MB} (PSS, below) |",
        mb(s.rss),
        mb(s.pss),
        mb(m.rss),
        mb(m.pss),
        mb(m.uss),
        mb(m.pss_anon),
        mb(m.pss_file),
        mb(m.pss_shmem),
        growth(s.pss, m.pss)
    );
}

/// Duka after the sales against the bare window, process by process and in all (PSS), with the
/// verdict: Duka within bare + 40 MB.
fn print_against_bare(bare: &Processes, duka: &Processes) {
    let mb = |kb: u64| format!("{:.0}", kb as f64 / 1024.0);
    let diff = |bare: u64, duka: u64| format!("{:+.0}", (duka as f64 - bare as f64) / 1024.0);
    println!(
        "\n| PSS in MB (same WebKitGTK and settings, measured in this run) | bare Tauri window, empty page | Duka after {SALES} sales | Duka − bare | target |"
    );
    println!("|---|---|---|---|---|");
    let (bare_main, duka_main) = (bare.list[0].1.pss, duka.list[0].1.pss);
    println!(
        "| the Tauri process ({} / {}) | {} | {} | {} | — |",
        bare.list[0].0,
        duka.list[0].0,
        mb(bare_main),
        mb(duka_main),
        diff(bare_main, duka_main)
    );
    let mut children: Vec<&str> = bare.list[1..].iter().chain(&duka.list[1..]).map(|(name, _)| name.as_str()).collect();
    children.sort();
    children.dedup();
    for name in children {
        let (b, d) = (bare.get(name).unwrap_or_default().pss, duka.get(name).unwrap_or_default().pss);
        println!("| {name} | {} | {} | {} | — |", mb(b), mb(d), diff(b, d));
    }
    let (b, d) = (bare.total().pss, duka.total().pss);
    let verdict = if d <= b + OVER_BARE_MB * 1024 { "met" } else { "missed" };
    println!(
        "| in all (verdict: {verdict}) | {} | **{}** | **{}** | ≤ bare + {OVER_BARE_MB} |",
        mb(b),
        mb(d),
        diff(b, d)
    );
}

/// The bare Tauri window (examples/bare_window.rs), opened alone as the app is (tauri-driver, the
/// WebKit settings it gives itself): its processes' memory once its empty page is shown.
async fn bare_window() -> Processes {
    let exe = bare_window_path();
    let data = tempfile::tempdir().expect("data folder");
    let (driver, c) = Driver::open_shipped(&exe, data.path()).await;
    let state = c.execute("return document.readyState", vec![]).await.expect("the bare page answers");
    assert_eq!(state, json!("complete"), "the bare window's page loaded");
    tokio::time::sleep(SETTLE).await;
    let measured = Processes::measure(&exe, "bare_window");
    c.close().await.expect("window closes");
    drop(driver);
    measured
}

/// Where cargo put the bare window example: `examples/` beside the `deps/` folder this bench runs
/// from, in the same profile.
fn bare_window_path() -> PathBuf {
    let bench = std::env::current_exe().expect("the bench's own path");
    let profile = bench.parent().and_then(Path::parent).expect("the bench runs from target/<profile>/deps");
    let path = profile.join("examples").join("bare_window");
    assert!(
        path.exists(),
        "{} is missing: build it first (`cargo build -p duka-desktop --example bare_window`, with --release for the \
         release bench); `cargo xtask bench desktop` does",
        path.display()
    );
    path
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

/// Starts the app on the prepared shop and returns the time until it reported the till ready.
fn cold_start(data: &std::path::Path) -> Duration {
    let started = Instant::now();
    let mut child = Command::new(APP)
        .env("DUKA_DATA_DIR", data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the app starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut ready = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("app output");
        if line.contains("till ready after") {
            ready = Some(started.elapsed());
            break;
        }
    }
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = child.wait();
    ready.expect("the app reported the till ready")
}

/// The program's file name (`Name:` in /proc/PID/status is cut to 15 characters).
fn process_name(pid: u32, status: &str) -> String {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let program = cmdline.split(|b| *b == 0).next().unwrap_or_default();
    match std::path::Path::new(&*String::from_utf8_lossy(program)).file_name() {
        Some(name) => name.to_string_lossy().into_owned(),
        None => field_text(status, "Name:"),
    }
}

fn field_text(status: &str, name: &str) -> String {
    status.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_owned()).unwrap_or_default()
}
