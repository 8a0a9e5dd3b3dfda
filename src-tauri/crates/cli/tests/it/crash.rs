//! Crash safety: the real `duka` binary is killed with SIGKILL at random points while it commits
//! sales and while it syncs with KRA (an `oscu-sim` that outlives it). After every crash the till
//! restarts, and at the end: nothing the CLI reported is lost, trader numbers are gap-free, no
//! `invcNo` was used twice, KRA's books hold each document exactly once (with our signature),
//! KRA's stock equals ours, and `PRAGMA integrity_check` is ok.
//!
//! 200 trials by default (each a sale and a sync, three in four killed at a random moment of
//! their run, measured as the machine goes; a seeded
//! generator makes failures reproducible: `DUKA_CRASH_SEED`). Soak with more:
//! `DUKA_CRASH_TRIALS=2000 cargo test -p cli --test it crash`.

// Test helpers set the lab up; a failed step should stop the test where it happened.
#![allow(clippy::unwrap_used)]

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::Arc,
    time::Duration,
};

use app::{AppOptions, Duka, ManualClock};
use oscu_sim::{DeviceSpec, RunningSim, SimConfig, Simulator};

const PIN: &str = "P051234567X";
const SERIAL: &str = "DUKA-CRASH-1";

/// A small deterministic generator, so a failure reproduces from its seed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

fn duka(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_duka"));
    c.arg("--db").arg(db).args(["--kra-timeout", "10", "--user", crate::OWNER.0]).args(args);
    c.env("DUKA_PIN", crate::OWNER.1);
    c
}

#[track_caller]
fn run_ok(db: &Path, args: &[&str]) -> String {
    let out = duka(db, args).output().expect("duka runs");
    assert!(
        out.status.success(),
        "duka {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `duka args` and SIGKILLs it after `delay` (never, when `None`) unless it finished first.
/// Returns its stdout when it finished on its own with success, and how long it ran.
fn run_and_kill(db: &Path, args: &[&str], delay: Option<Duration>) -> (Option<String>, Duration) {
    let started = std::time::Instant::now();
    let mut child = duka(db, args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("duka starts");
    if let Some(delay) = delay {
        std::thread::sleep(delay);
        // SIGKILL on Unix; an error only means it had already exited.
        let _ = child.kill();
    }
    let out = child.wait_with_output().expect("duka is reaped");
    (out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned()), started.elapsed())
}

/// How long a command takes when left alone, following the machine's load.
struct Span(Duration);

impl Span {
    /// Kill at a random moment of a run (a quarter of runs are left alone, to keep the till
    /// moving and to re-measure).
    fn pick(&self, rng: &mut Lcg) -> Option<Duration> {
        (rng.below(4) != 0).then(|| moment(rng, self.0))
    }

    fn observe(&mut self, killed: bool, took: Duration) {
        if !killed {
            self.0 = (self.0 * 3 + took) / 4;
        }
    }
}

struct Lab {
    runtime: tokio::runtime::Runtime,
    sim: Option<RunningSim>,
    _dir: tempfile::TempDir,
    db: PathBuf,
}

fn set_up() -> (Lab, Vec<String>) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let device = DeviceSpec { tin: PIN.into(), bhf_id: "00".into(), serial: SERIAL.into() };
    let sim = runtime.block_on(Simulator::start(SimConfig::loopback(vec![device]))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let url = sim.base_url_direct();
    run_ok(&db, &["user", "owner"]);
    run_ok(&db, &["init", "--pin", PIN, "--branch", "00", "--serial", SERIAL, "--url", &url]);
    run_ok(&db, &["refresh"]);
    let mut codes = Vec::new();
    for (name, price) in [("Sugar 1kg", "185"), ("Maize flour 2kg", "215"), ("Soda 500ml", "80")] {
        let out = run_ok(&db, &["--json", "item", "add", "--name", name, "--class", "5016150000", "--price", price]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        codes.push(v["code"].as_str().unwrap().to_owned());
    }
    let stock: Vec<String> = codes.iter().map(|c| format!("{c}:100000")).collect();
    let mut args = vec!["stock", "adjust"];
    for s in &stock {
        args.extend(["--item", s.as_str()]);
    }
    run_ok(&db, &args);
    run_ok(&db, &["sync", "--once"]);
    (Lab { runtime, sim: Some(sim), _dir: dir, db }, codes)
}

/// How long `duka args` takes when left alone (to spread kills over its whole run).
fn timed(db: &Path, args: &[&str]) -> Duration {
    let started = std::time::Instant::now();
    run_ok(db, args);
    started.elapsed()
}

/// A random moment within `span` × 1.25 (some kills land after the process finished).
fn moment(rng: &mut Lcg, span: Duration) -> Duration {
    let micros = u64::try_from(span.as_micros()).unwrap_or(u64::MAX / 2).max(1_000);
    Duration::from_micros(rng.below(micros + micros / 4))
}

#[test]
fn kill_9_while_committing_and_syncing_loses_nothing_and_signs_once() {
    let trials = env_number("DUKA_CRASH_TRIALS", 200);
    let seed = env_number("DUKA_CRASH_SEED", 0x5EED_D0CA);
    let (lab, codes) = set_up();
    let db = lab.db.clone();
    let mut rng = Lcg(seed);
    // One sale and one sync left alone: how long each takes here (debug build, this machine).
    let mut sale_span = Span(timed(&db, &["--json", "sale", "--item", &format!("{}:1", codes[0])]));
    let mut sync_span = Span(timed(&db, &["sync", "--once"]));
    let mut reported: Vec<String> = vec!["INV-000001".to_owned()];
    for trial in 0..trials {
        // A sale of 1-3 lines, killed somewhere between start-up and well after its commit.
        let mut lines = Vec::new();
        for _ in 0..=rng.below(3) {
            let code = &codes[usize::try_from(rng.below(3)).unwrap_or(0)];
            lines.push(format!("{code}:{}", 1 + rng.below(3)));
        }
        let mut args = vec!["--json", "sale"];
        for l in &lines {
            args.extend(["--item", l.as_str()]);
        }
        let delay = sale_span.pick(&mut rng);
        let (finished, took) = run_and_kill(&db, &args, delay);
        sale_span.observe(delay.is_some(), took);
        if let Some(out) = finished {
            let v: serde_json::Value =
                serde_json::from_str(&out).unwrap_or_else(|e| panic!("trial {trial}: bad JSON {e}: {out}"));
            reported.push(v["trader_no"].as_str().unwrap().to_owned());
        }
        // A sync, killed somewhere in its sends (or not at all, when it is quick).
        let delay = sync_span.pick(&mut rng);
        let (_, took) = run_and_kill(&db, &["sync", "--once"], delay);
        sync_span.observe(delay.is_some(), took);
    }

    // Restart once more and let everything settle, with a clock past every backoff.
    let later = oscu::time::now_eat().map(|now| sync::add_duration(now, Duration::from_secs(86_400))).unwrap();
    let options = AppOptions { clock: Arc::new(ManualClock::new(later)), ..AppOptions::default() };
    let (ours, on_hand) = lab.runtime.block_on(async {
        let duka = Duka::open(&db, options).await.unwrap();
        for _ in 0..5 {
            let r = duka.sync_now().await.unwrap();
            if r.outbox.pending == 0 && r.outbox.parked == 0 {
                break;
            }
        }
        let status = duka.status().unwrap();
        assert_eq!((status.outbox.pending, status.outbox.in_flight, status.outbox.parked), (0, 0, 0), "{status:?}");
        let ours = signed_documents(&duka);
        let on_hand = duka.stock_levels().unwrap();
        duka.shutdown().await;
        (ours, on_hand)
    });
    let sim = lab.sim.as_ref().unwrap();

    // Nothing the CLI reported is lost, and trader numbers are gap-free.
    assert!(reported.len() as u64 > trials / 10, "too few sales completed ({}) to mean anything", reported.len());
    eprintln!(
        "{trials} trials (seed {seed:#x}): {} sales reported, {} committed, {} signed by KRA; sale ~{:?}, sync ~{:?}",
        reported.len(),
        trader_nos_count(&ours),
        kra_count(sim),
        sale_span.0,
        sync_span.0,
    );
    let trader_nos: BTreeSet<String> = ours.values().map(|(t, _)| t.clone()).collect();
    for t in &reported {
        assert!(trader_nos.contains(t), "sale {t} was reported committed but is gone");
    }
    let expected: BTreeSet<String> = (1..=trader_nos.len()).map(|n| format!("INV-{n:06}")).collect();
    assert_eq!(trader_nos, expected, "trader numbers have a gap");

    // KRA holds each document once, under the invcNo and signature we stored; invcNo gap-free.
    let mut kra: BTreeMap<i64, String> = BTreeMap::new();
    for s in sim.state("sales", PIN, "00").unwrap().as_array().unwrap() {
        let no = s["request"]["invcNo"].as_i64().unwrap();
        let sign = s["receipt"]["rcptSign"].as_str().unwrap_or_default().to_owned();
        assert!(kra.insert(no, sign).is_none(), "KRA recorded invcNo {no} twice");
    }
    let ours_signs: BTreeMap<i64, String> = ours.iter().map(|(no, (_, sign))| (*no, sign.clone())).collect();
    assert_eq!(kra, ours_signs, "KRA's books differ from ours");
    assert_eq!(ours.keys().copied().collect::<Vec<_>>(), (1..=i64::try_from(ours.len()).unwrap()).collect::<Vec<_>>());

    // KRA's running stock equals ours.
    for level in on_hand {
        assert_eq!(sim.stock_total(PIN, "00", &level.code).plain(), level.on_hand, "stock of {}", level.code);
    }

    // The database survived every kill intact.
    // (SQLite's full integrity_check, and every number series gap-free, as a restore checks.)
    drop(store::Store::open(&db).expect("the database opens after every kill"));
    store::backup::check_backup(&db).expect("the database passes SQLite's integrity check");
    let Lab { runtime, mut sim, .. } = lab;
    if let Some(sim) = sim.take() {
        runtime.block_on(sim.shutdown());
    }
}

fn trader_nos_count(ours: &BTreeMap<i64, (String, String)>) -> usize {
    ours.len()
}

fn kra_count(sim: &RunningSim) -> usize {
    sim.state("sales", PIN, "00").ok().and_then(|v| v.as_array().map(Vec::len)).unwrap_or(0)
}

/// Every sale, by its KRA `invcNo`: (trader number, KRA's receipt signature). Panics on an
/// unsigned sale.
fn signed_documents(duka: &Duka) -> BTreeMap<i64, (String, String)> {
    duka.store()
        .read(|c| {
            let mut out = BTreeMap::new();
            for s in store::sales::list_sales(c, None, 1_000_000)? {
                let sig = store::sales::sale_signature(c, s.id)?
                    .unwrap_or_else(|| panic!("{} was never signed", s.trader_no));
                let previous =
                    out.insert(sig.invoice_no, (s.trader_no.clone(), sig.receipt_signature.unwrap_or_default()));
                assert!(previous.is_none(), "invcNo {} used twice", sig.invoice_no);
            }
            Ok(out)
        })
        .unwrap()
}
