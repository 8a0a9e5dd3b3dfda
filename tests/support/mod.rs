//! Driving the real Duka window: tauri-driver (with WebKitWebDriver) started per test on free
//! ports with its own data folder, a fantoccini session on the built app, and small helpers to
//! wait for the UI, press keys, take screenshots and talk to the training KRA simulator.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

/// The app binary cargo built for this test run.
pub const APP: &str = env!("CARGO_BIN_EXE_duka-desktop");

/// How long the UI may take to show something before a step counts as failed (a bound so a broken
/// build fails instead of hanging; never a speed assertion).
pub const PATIENCE: Duration = Duration::from_secs(60);

/// WebDriver key codes.
pub mod key {
    pub const NULL: &str = "\u{E000}";
    pub const CONTROL: &str = "\u{E009}";
    pub const ENTER: &str = "\u{E007}";
    pub const BACKSPACE: &str = "\u{E003}";
    pub const END: &str = "\u{E010}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const F1: &str = "\u{E031}";
    pub const F2: &str = "\u{E032}";
    pub const F3: &str = "\u{E033}";
    pub const F4: &str = "\u{E034}";
    pub const F5: &str = "\u{E035}";
    pub const F6: &str = "\u{E036}";
    pub const F8: &str = "\u{E038}";
    pub const F10: &str = "\u{E03A}";
    pub const F11: &str = "\u{E03B}";
    pub const F12: &str = "\u{E03C}";
}

/// Whether the end-to-end tests can run here. Without a display (or tauri-driver) they are
/// skipped, unless `E2E_REQUIRED=1` (CI), where that is a failure.
pub fn environment_ready(test: &str) -> bool {
    let required = std::env::var("E2E_REQUIRED").is_ok_and(|v| v == "1");
    let problem = if std::env::var_os("DISPLAY").is_none() {
        Some("no DISPLAY (run under xvfb-run)".to_owned())
    } else if Command::new(tauri_driver()).arg("--help").stdout(Stdio::null()).stderr(Stdio::null()).status().is_err() {
        Some(format!("{} not found (cargo install tauri-driver --locked --version 2.1.0)", tauri_driver().display()))
    } else if !Path::new(WEBKIT_DRIVER).exists() {
        Some(format!("{WEBKIT_DRIVER} not found (apt-get install webkit2gtk-driver)"))
    } else {
        None
    };
    match problem {
        None => true,
        Some(p) if required => panic!("{test}: E2E_REQUIRED=1 but {p}"),
        Some(p) => {
            eprintln!("{test}: skipped: {p}; set E2E_REQUIRED=1 to make this a failure");
            false
        }
    }
}

const WEBKIT_DRIVER: &str = "/usr/bin/WebKitWebDriver";

fn tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default();
    let installed = home.join("bin").join("tauri-driver");
    if installed.exists() { installed } else { PathBuf::from("tauri-driver") }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free local port")
}

/// A running tauri-driver. Dropping it stops it with SIGTERM, so it also stops WebKitWebDriver
/// (SIGKILL would orphan WebKitWebDriver, which then holds the port and the output pipes).
#[derive(Debug)]
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Driver {
    /// Starts tauri-driver; the app it launches uses `data_dir` as its data folder and WebKit's
    /// own defaults (`DUKA_WEBKIT_DEFAULTS=0`): with Duka's settings (no compositing, no DMA-BUF
    /// renderer, no GDK GL) WebDriver's screenshots hang.
    pub fn start(data_dir: &Path) -> Driver {
        let mut command = Command::new(tauri_driver());
        command.env("DUKA_WEBKIT_DEFAULTS", "0");
        Driver::spawn(command, data_dir)
    }

    /// Starts tauri-driver for an app that runs with the WebKit settings it gives itself
    /// (`webkit_env`), as a shop runs it (the benchmarks).
    fn start_as_shipped(data_dir: &Path) -> Driver {
        Driver::spawn(Command::new(tauri_driver()), data_dir)
    }

    fn spawn(mut command: Command, data_dir: &Path) -> Driver {
        let port = free_port();
        let native_port = free_port();
        let child = command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .args(["--native-driver", WEBKIT_DRIVER])
            .env("DUKA_DATA_DIR", data_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver starts");
        let driver = Driver { child, port };
        // tauri-driver forwards each request to WebKitWebDriver, which it starts beside itself: a
        // session asked for before WebKitWebDriver listens is cut off ("IncompleteMessage").
        let until = Instant::now() + PATIENCE;
        for (what, port) in [("tauri-driver", port), ("WebKitWebDriver", native_port)] {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(Instant::now() < until, "{what} did not open port {port}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        driver
    }

    /// Opens the app window (a new WebDriver session). A session request that tauri-driver cuts
    /// off is asked again, up to three times in all.
    pub async fn open_app(&self) -> Client {
        self.open(Path::new(APP)).await
    }

    /// Opens the window of the Tauri program `app` (the app, or the bench's bare window).
    async fn open(&self, app: &Path) -> Client {
        let mut failures = Vec::new();
        for _ in 0..3 {
            match self.try_open(app).await {
                Ok(client) => return client,
                Err(e) => failures.push(e.to_string()),
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        panic!("no WebDriver session on the {} window in three tries: {failures:?}", app.display());
    }

    /// Starts tauri-driver for the app as a shop runs it and opens its window (the benchmarks;
    /// the e2e tests run WebKit's defaults).
    pub async fn open_shipped_app(data_dir: &Path) -> (Driver, Client) {
        Driver::open_shipped(Path::new(APP), data_dir).await
    }

    /// Starts tauri-driver for the Tauri program `app` with the WebKit settings it gives itself,
    /// and opens its window.
    pub async fn open_shipped(app: &Path, data_dir: &Path) -> (Driver, Client) {
        let driver = Driver::start_as_shipped(data_dir);
        let client = driver.open(app).await;
        (driver, client)
    }

    async fn try_open(&self, app: &Path) -> Result<Client, fantoccini::error::NewSessionError> {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), serde_json::json!("wry"));
        caps.insert("tauri:options".into(), serde_json::json!({ "application": app }));
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

/// Waits until `css` matches a displayed element whose text satisfies `ok`; returns it.
pub async fn wait_text(c: &Client, css: &str, ok: impl Fn(&str) -> bool) -> Element {
    let until = Instant::now() + PATIENCE;
    let mut last = String::new();
    loop {
        if let Ok(found) = c.find_all(Locator::Css(css)).await {
            for e in found {
                if e.is_displayed().await.unwrap_or(false) {
                    let text = e.text().await.unwrap_or_default();
                    if ok(&text) {
                        return e;
                    }
                    last = text;
                }
            }
        }
        if Instant::now() >= until {
            let shot = std::env::temp_dir().join("duka-e2e-failure.png");
            if let Ok(png) = c.screenshot().await {
                let _ = std::fs::write(&shot, png);
            }
            panic!(
                "waited for {css}; last text seen: {last:?}; page errors: {}; window: {}",
                page_errors(c).await,
                shot.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits for a displayed element.
pub async fn shown(c: &Client, css: &str) -> Element {
    wait_text(c, css, |_| true).await
}

/// Waits for a displayed element whose text contains `needle`.
pub async fn shown_with(c: &Client, css: &str, needle: &str) -> Element {
    wait_text(c, css, |t| t.contains(needle)).await
}

/// Every error text on the page, for failure messages.
pub async fn page_errors(c: &Client) -> String {
    c.execute(
        "return [...document.querySelectorAll('.error')].map(e => e.textContent).filter(t => t).join(' | ')",
        vec![],
    )
    .await
    .ok()
    .and_then(|v| v.as_str().map(str::to_owned))
    .unwrap_or_default()
}

/// Clears a field and types into it.
pub async fn type_into(c: &Client, css: &str, text: &str) -> Element {
    let e = shown(c, css).await;
    e.clear().await.expect("field clears");
    e.send_keys(text).await.expect("typing");
    e
}

/// Chooses an option of a select by value.
pub async fn choose(c: &Client, css: &str, value: &str) {
    let e = shown(c, css).await;
    e.select_by_value(value).await.unwrap_or_else(|err| panic!("{css} has no option {value}: {err}"));
}

/// Clicks the first cell of the row (matched by `css`) whose text contains `needle`. Lists are
/// re-rendered when Rust pushes an event, so a row found a moment ago may be gone: find it again.
pub async fn click_row(c: &Client, css: &str, needle: &str) {
    let until = Instant::now() + PATIENCE;
    loop {
        let row = shown_with(c, css, needle).await;
        let clicked = match row.find(Locator::Css("td")).await {
            Ok(cell) => cell.click().await,
            Err(e) => Err(e),
        };
        match clicked {
            Ok(_) => return,
            Err(e) if Instant::now() < until => eprintln!("clicking the {needle} row again: {e}"),
            Err(e) => panic!("click the {needle} row of {css}: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn click(c: &Client, css: &str) {
    shown(c, css).await.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Presses a key on the focused element (the till is keyboard-first). When the focused element
/// has just been hidden (a form that closed after its submit button was clicked), WebKit still
/// reports it as focused but refuses keys for it: the keys then go to the page itself, as a
/// person's keyboard would.
pub async fn press(c: &Client, key: &str) {
    use fantoccini::actions::{InputSource as _, KeyAction, KeyActions};
    let focused = c.active_element().await.expect("a focused element");
    match focused.send_keys(key).await {
        Ok(()) => {}
        Err(e) if e.is_element_not_interactable() => {
            c.execute("if (document.activeElement) document.activeElement.blur();", vec![])
                .await
                .expect("move the focus to the page");
            let keys = key.chars().fold(KeyActions::new("keyboard".into()), |keys, value| {
                keys.then(KeyAction::Down { value }).then(KeyAction::Up { value })
            });
            c.perform_actions(keys).await.unwrap_or_else(|e| panic!("key press on the page: {e}"));
        }
        Err(e) => panic!("key press: {e}"),
    }
}

/// Saves a screenshot of the window to assets/screenshots/NAME when UPDATE_SCREENSHOTS=1.
pub async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "WebDriver returned a PNG");
    if std::env::var("UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshots folder");
        std::fs::write(dir.join(name), png).expect("screenshot written");
    }
}

/// The owner every test's shop starts with (created on the first start's lock screen).
pub const OWNER: (&str, &str) = ("Wanjiku", "4711");

/// The first start: the lock screen asks for the owner's name and PIN (twice) before anything
/// else; creates the test's owner there and waits for the set-up screen.
pub async fn create_owner(c: &Client) {
    shown_with(c, "#owner-box h1", "Welcome to Duka").await;
    type_into(c, "#owner-form input[name=name]", OWNER.0).await;
    type_into(c, "#owner-form input[name=pin]", OWNER.1).await;
    type_into(c, "#owner-form input[name=pin_again]", OWNER.1).await;
    click(c, "#owner-form button[type=submit]").await;
    shown_with(c, "#setup h1", "Welcome to Duka").await;
}

/// Signs `name` in on the lock screen: taps their name, types the PIN, presses Enter.
pub async fn sign_in(c: &Client, name: &str, pin: &str) {
    click(c, &format!("#lock-users button[data-name='{name}']")).await;
    type_into(c, "#pin-input", &format!("{pin}{}", key::ENTER)).await;
    wait_text(c, "#who-name", |t| t == name).await;
}

/// A minimal HTTP/1.1 call to the training simulator's admin API (loopback only).
pub fn http(method: &str, url: &str, body: Option<&serde_json::Value>) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap_or_else(|| panic!("{url} is not http://"));
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".into()));
    let body = body.map(serde_json::Value::to_string).unwrap_or_default();
    let mut stream = TcpStream::connect(host).unwrap_or_else(|e| panic!("connect {host}: {e}"));
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("request sent");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("reply read");
    let status = reply.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = reply.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}
