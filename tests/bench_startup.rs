//! Start-up and memory benchmark of the desktop app: cold start to an interactive till (process
//! start until the UI reports the till shown with its catalogue loaded), and resident memory after
//! 1,000 sales in one session. Prints a markdown table; never asserts a speed. It only runs when
//! asked: `DUKA_BENCH=1 xvfb-run -a cargo test -p duka-desktop --test startup_bench`.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use support::{APP, Driver, click, shown};

const COLD_STARTS: usize = 5;
const SALES: usize = 1000;
const SALES_PER_CALL: usize = 100;

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

    // A training shop with the demo catalogue, set up once through the window.
    {
        let driver = Driver::start(data.path());
        let c = driver.open_app().await;
        click(&c, "#start-training").await;
        shown(&c, "body[data-ready='true'] #scan-input").await;
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
    let driver = Driver::start(data.path());
    let c = driver.open_app().await;
    shown(&c, "body[data-ready='true'] #scan-input").await;
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
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (app_kb, children) = resident_memory();
    let webkit_kb: u64 = children.iter().map(|(_, kb)| kb).sum();
    c.close().await.expect("window closes");
    drop(driver);

    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    let compositing = match std::env::var("WEBKIT_DISABLE_COMPOSITING_MODE") {
        Ok(v) if v == "1" => ", WEBKIT_DISABLE_COMPOSITING_MODE=1",
        _ => "",
    };
    println!("\n| measurement ({build} build{compositing}, Xvfb, 2 shared cores) | result | target |");
    println!("|---|---|---|");
    println!(
        "| cold start to interactive till, median of {COLD_STARTS} (min {} / max {} ms) | {} ms | < 1500 ms |",
        starts[0].as_millis(),
        starts[starts.len() - 1].as_millis(),
        median.as_millis()
    );
    println!(
        "| {SALES} sales through the till's IPC (signed by the training KRA in the background) | {:.1} s | — |",
        selling.as_secs_f64()
    );
    println!("| resident memory after {SALES} sales: duka-desktop process | {} MB | — |", app_kb / 1024);
    for (name, kb) in &children {
        println!("| resident memory after {SALES} sales: child process {name} | {} MB | — |", kb / 1024);
    }
    println!(
        "| resident memory after {SALES} sales: with its WebKit processes | {} MB | < 200 MB |",
        (app_kb + webkit_kb) / 1024
    );
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

/// RSS (kB) of the running duka-desktop process, and the name and RSS of each process it started
/// (WebKit's web and network processes).
fn resident_memory() -> (u64, Vec<(String, u64)>) {
    let app = std::fs::canonicalize(APP).expect("app path");
    let mut app_pid = None;
    let mut procs = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else { continue };
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        };
        let (ppid, rss) = (field("PPid:").unwrap_or(0), field("VmRSS:").unwrap_or(0));
        if std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == app) {
            app_pid = Some((pid, rss));
        }
        let name = field_text(&status, "Name:");
        procs.push((pid, ppid as u32, rss, name));
    }
    let (pid, app_rss) = app_pid.expect("the duka-desktop process is running");
    let children =
        procs.into_iter().filter(|(_, ppid, _, _)| *ppid == pid).map(|(_, _, rss, name)| (name, rss)).collect();
    (app_rss, children)
}

fn field_text(status: &str, name: &str) -> String {
    status.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_owned()).unwrap_or_default()
}
