//! The `duka` binary: every command at least once, `--json` output, and the exit codes (0 done,
//! 1 refused by validation or KRA with the reason on stderr, 2 usage).

use std::{path::Path, process::Command};

use oscu_sim::{DeviceSpec, SimConfig, Simulator};
use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

/// Runs `duka` as the test shop's owner (the PIN in DUKA_PIN).
fn duka(db: &Path, args: &[&str]) -> Run {
    let mut full = vec!["--user", crate::OWNER.0];
    full.extend(args);
    duka_as(db, &full, &[("DUKA_PIN", crate::OWNER.1)], None)
}

/// Runs `duka args` with `env` added and `stdin` piped in (none: standard input closed).
fn duka_as(db: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_duka"))
        .arg("--db")
        .arg(db)
        .args(["--kra-timeout", "10"])
        .args(args)
        .env_remove("DUKA_PIN")
        .env_remove("DUKA_NEW_PIN")
        .env_remove("DUKA_APPROVER_PIN")
        .env_remove("DUKA_COMMUNICATION_KEY")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the duka binary runs");
    let mut input = child.stdin.take().expect("stdin is piped");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("duka reads its standard input");
    }
    drop(input);
    let out = child.wait_with_output().expect("duka ends");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[track_caller]
fn ok(db: &Path, args: &[&str]) -> Run {
    let r = duka(db, args);
    assert_eq!(r.code, 0, "duka {args:?}\nstdout: {}\nstderr: {}", r.stdout, r.stderr);
    r
}

#[track_caller]
fn refused(db: &Path, args: &[&str], reason: &str) -> Run {
    let r = duka(db, args);
    assert_eq!(r.code, 1, "duka {args:?} should be refused\nstdout: {}\nstderr: {}", r.stdout, r.stderr);
    assert!(r.stderr.contains(reason), "duka {args:?}: stderr lacks {reason:?}: {}", r.stderr);
    r
}

#[track_caller]
fn usage(db: &Path, args: &[&str]) -> Run {
    let r = duka(db, args);
    assert_eq!(r.code, 2, "duka {args:?} is a usage error\nstdout: {}\nstderr: {}", r.stdout, r.stderr);
    assert!(!r.stderr.trim().is_empty(), "a usage error explains itself on stderr");
    r
}

#[test]
fn every_command_in_training_mode() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let db = db.as_path();

    // Usage errors: 2. Help: 0.
    usage(db, &[]);
    usage(db, &["fly"]);
    usage(db, &["sale"]);
    assert!(ok(db, &["--help"]).stdout.contains("credit-note"));
    ok(db, &["user", "owner"]);

    // Before set-up: status says so; a sale is refused with the way out.
    assert!(ok(db, &["status"]).stdout.contains("Not set up"));
    refused(db, &["refresh"], "not connected to KRA yet");

    // Training mode with the demo catalogue.
    let started = ok(db, &["--json", "training", "--shop-name", "Mama Njeri", "--demo"]).json();
    assert!(started["device"]["shop_name"].as_str().unwrap().starts_with("TRAINING"));
    assert_eq!(started["demo"]["items_added"].as_u64(), Some(20));
    refused(db, &["training"], "already set up");
    let status = ok(db, &["--json", "status"]).json();
    assert_eq!(status["training"], Value::Bool(true));
    assert_eq!(status["configured"], Value::Bool(true));
    ok(db, &["refresh"]);

    // Items.
    let soap = ok(
        db,
        &[
            "--json",
            "item",
            "add",
            "--name",
            "Omo 1kg",
            "--class",
            "5313160000",
            "--price",
            "250",
            "--barcode",
            "2009988000017",
        ],
    )
    .json();
    let soap_code = soap["code"].as_str().unwrap().to_owned();
    assert_eq!(soap_code.len(), 14, "{soap_code}");
    refused(
        db,
        &["item", "add", "--name", "Loose rice", "--class", "5000000000", "--unit", "U", "--price", "120"],
        "2-character quantity unit",
    );
    usage(db, &["item", "add", "--name", "X", "--class", "5000000000", "--price", "abc"]);
    let listed = ok(db, &["--json", "item", "list", "--search", "omo"]).json();
    assert_eq!(listed[0]["code"].as_str(), Some(soap_code.as_str()));
    let updated = ok(db, &["--json", "item", "update", &soap_code, "--price", "260"]).json();
    assert_eq!(updated["price"].as_str(), Some("260.00"));
    assert!(ok(db, &["item", "list"]).stdout.contains("Omo 1kg"));
    // A composition is queued like any document (sent after both items' registrations).
    assert!(ok(db, &["item", "compose", &soap_code, "--part", "2009900000019:1"]).stdout.contains("queued for KRA"));
    refused(db, &["item", "compose", &soap_code, "--part", &format!("{soap_code}:1")], "cannot be made of itself");
    let outbox = ok(db, &["--json", "outbox"]).json();
    let queued = outbox["rows"].as_array().unwrap().iter().filter(|r| r["kind"] == "save_item_composition").count();
    assert_eq!(queued, 1, "{outbox}");

    // Stock.
    ok(db, &["stock", "adjust", "--item", &format!("{soap_code}:10")]);
    refused(db, &["stock", "adjust", "--type", "11", "--item", &format!("{soap_code}:1")], "with its document");
    let levels = ok(db, &["--json", "stock", "list"]).json();
    let soap_level = levels.as_array().unwrap().iter().find(|l| l["code"] == soap_code.as_str()).unwrap();
    assert_eq!(soap_level["on_hand"].as_str(), Some("10.00"));

    // Sales: by code and by barcode, with a price override; refusals explained.
    let sale = ok(
        db,
        &["--json", "sale", "--item", &format!("{soap_code}:2"), "--item", "2009900000019:1:180", "--payment", "06"],
    )
    .json();
    assert_eq!(sale["trader_no"].as_str(), Some("TRN-000001"), "training documents take the TRN series");
    assert_eq!(sale["training"], Value::Bool(true));
    assert_eq!(sale["totals"]["total"].as_str(), Some("700.00"));
    refused(db, &["sale", "--item", &format!("{soap_code}:100")], "record the delivery first");
    refused(db, &["sale", "--item", "NOSUCHITEM:1"], "was not found");
    refused(db, &["sale", "--item", &format!("{soap_code}:1"), "--buyer-pin", "12345"], "is not a KRA PIN");
    usage(db, &["sale", "--item", &format!("{soap_code}:1"), "--payment", "08"]);
    usage(db, &["sale", "--item", "no-quantity"]);
    let sales = ok(db, &["--json", "sales"]).json();
    assert_eq!(sales.as_array().unwrap().len(), 1);

    // Sync once: everything reaches the training KRA.
    let synced = ok(db, &["--json", "sync", "--once"]).json();
    assert_eq!(synced["outbox"]["pending"].as_i64(), Some(0));
    assert!(ok(db, &["sales"]).stdout.contains("signed by KRA"));
    let composed = ok(db, &["--json", "item", "compose", &soap_code, "--part", "2009900000019:0.5"]).json();
    assert_eq!(composed["components"].as_array().map(Vec::len), Some(1));

    // Credit notes: partial, then too much.
    let note = ok(
        db,
        &["--json", "credit-note", "--invoice", "TRN-000001", "--reason", "06", "--item", &format!("{soap_code}:1")],
    )
    .json();
    assert_eq!(note["trader_no"].as_str(), Some("TCN-000001"));
    refused(
        db,
        &["credit-note", "--invoice", "1", "--reason", "06", "--item", &format!("{soap_code}:5")],
        "left to credit",
    );
    refused(db, &["credit-note", "--invoice", "TRN-000099", "--reason", "06"], "was not found");
    usage(db, &["credit-note", "--invoice", "1", "--reason", "99"]);

    // Purchases and imports.
    assert!(ok(db, &["purchases", "list"]).stdout.contains("No purchases waiting"));
    let bought = ok(
        db,
        &[
            "--json",
            "purchases",
            "record",
            "--item",
            &format!("{soap_code}:6:200"),
            "--supplier-name",
            "Kamau Wholesale",
        ],
    )
    .json();
    assert!(bought["trader_no"].as_str().unwrap().starts_with("PUR-"));
    refused(db, &["purchases", "confirm", "99"], "does not exist");
    refused(db, &["purchases", "reject", "99"], "does not exist");
    assert!(ok(db, &["imports", "list"]).stdout.contains("No imports waiting"));
    refused(db, &["imports", "accept", "7", "--item", &soap_code], "does not exist");
    refused(db, &["imports", "reject", "7"], "does not exist");

    // Notices, outbox, sync, receipts, PIN lookup.
    ok(db, &["notices"]);
    let outbox = ok(db, &["--json", "outbox", "--done", "3"]).json();
    assert!(outbox["rows"].as_array().unwrap().iter().any(|r| r["state"] == "pending"));
    ok(db, &["sync", "--once"]);
    let pdf = dir.path().join("receipt.pdf");
    ok(db, &["receipt", "TRN-000001", "--out", pdf.to_str().unwrap()]);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let text = dir.path().join("note.txt");
    ok(db, &["receipt", "TCN-000001", "--out", text.to_str().unwrap(), "--text", "--copy", "--paper", "58"]);
    let note_text = std::fs::read_to_string(&text).unwrap();
    assert!(note_text.contains("TRAINING"), "{note_text}");
    refused(db, &["receipt", "TRN-000042", "--out", pdf.to_str().unwrap()], "was not found");
    usage(db, &["receipt", "TRN-000001", "--out", pdf.to_str().unwrap(), "--paper", "75"]);
    refused(db, &["lookup-pin", "P000000099Z"], "KRA does not know");
    let again = ok(db, &["--json", "demo-catalogue"]).json();
    assert_eq!((again["items_added"].as_u64(), again["items_skipped"].as_u64()), (Some(0), Some(20)));

    // A restart keeps the same training KRA books: numbering continues.
    let next = ok(db, &["--json", "sale", "--item", &format!("{soap_code}:1")]).json();
    assert_eq!(next["trader_no"].as_str(), Some("TRN-000002"));

    // `duka sync` keeps syncing until Ctrl-C (SIGINT), then exits 0.
    let mut follow = Command::new(env!("CARGO_BIN_EXE_duka"))
        .arg("--db")
        .arg(db)
        .arg("sync")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(follow.stderr.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("Syncing until Ctrl-C") {
        let read = std::io::BufRead::read_line(&mut stderr, &mut seen).unwrap();
        assert!(read > 0, "duka sync ended early; it printed:\n{seen}");
    }
    // One sender per database: a second `duka sync` while this one runs does not drain.
    refused(db, &["sync", "--once"], "another Duka on this computer is sending to KRA");
    let interrupted = Command::new("kill").args(["-INT", &follow.id().to_string()]).status().unwrap();
    assert!(interrupted.success());
    assert_eq!(follow.wait().unwrap().code(), Some(0));
    assert!(ok(db, &["sales"]).stdout.lines().all(|l| l.contains("signed by KRA")));
    // Once it has stopped, the next one sends.
    ok(db, &["sync", "--once"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_against_kra_then_offline_sync_reports_what_is_left() {
    let device = DeviceSpec { tin: "P051234567X".into(), bhf_id: "00".into(), serial: "DUKA-CLI-1".into() };
    let sim = Simulator::start(SimConfig::loopback(vec![device])).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let url = sim.base_url_direct();
    let run = |args: Vec<String>| {
        let db = db.clone();
        tokio::task::spawn_blocking(move || {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            duka(&db, &a)
        })
    };
    let s = |v: &[&str]| v.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    assert_eq!(run(s(&["user", "owner"])).await.unwrap().code, 0);

    let r =
        run(s(&["init", "--pin", "P051234567X", "--branch", "00", "--serial", "WRONG", "--url", &url])).await.unwrap();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("check the PIN, branch and serial"), "{}", r.stderr);
    let r =
        run(s(&["--json", "init", "--pin", "P051234567X", "--branch", "00", "--serial", "DUKA-CLI-1", "--url", &url]))
            .await
            .unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["environment"].as_str(), Some("sandbox"));
    let r = run(s(&["init", "--pin", "P051234567X", "--branch", "00", "--serial", "DUKA-CLI-1", "--url", &url]))
        .await
        .unwrap();
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("only once"), "{}", r.stderr);
    assert_eq!(run(s(&["refresh"])).await.unwrap().code, 0);
    let r = run(s(&["--json", "item", "add", "--name", "Sugar 1kg", "--class", "5016150000", "--price", "185"]))
        .await
        .unwrap();
    let code = r.json()["code"].as_str().unwrap().to_owned();
    assert_eq!(run(s(&["stock", "adjust", "--item", &format!("{code}:5")])).await.unwrap().code, 0);
    assert_eq!(run(s(&["sync", "--once"])).await.unwrap().code, 0);

    // The same device on a new computer: KRA will not initialise it again, so its key is imported.
    let key: String = store::Store::open(&db)
        .unwrap()
        .read(|c| store::settings::secret(c, store::SecretName::CommunicationKey))
        .unwrap()
        .expect("the communication key is stored")
        .expose()
        .to_owned();
    let scu = run(s(&["--json", "status"])).await.unwrap().json()["scu_id"].as_str().unwrap().to_owned();
    let db2 = dir.path().join("reinstalled.db");
    let run2 = |args: Vec<String>, key: Option<String>| {
        let db2 = db2.clone();
        tokio::task::spawn_blocking(move || {
            let mut a: Vec<&str> = vec!["--user", crate::OWNER.0];
            a.extend(args.iter().map(String::as_str));
            let mut env = vec![("DUKA_PIN", crate::OWNER.1)];
            if let Some(key) = &key {
                env.push(("DUKA_COMMUNICATION_KEY", key.as_str()));
            }
            duka_as(&db2, &a, &env, None)
        })
    };
    assert_eq!(run2(s(&["user", "owner"]), None).await.unwrap().code, 0);
    let device = ["--pin", "P051234567X", "--branch", "00", "--serial", "DUKA-CLI-1", "--url", url.as_str()];
    // The key is never an argument (it would show in `ps` and the shell's history).
    let mut as_argument = s(&["import-key", "--key", &key, "--scu-id", &scu]);
    as_argument.extend(s(&device));
    assert_eq!(run2(as_argument, None).await.unwrap().code, 2);
    let mut bad = s(&["import-key", "--scu-id", &scu]);
    bad.extend(s(&device));
    let r = run2(bad.clone(), Some("short".into())).await.unwrap();
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("copy it exactly"), "{}", r.stderr);
    let r = run2(bad, None).await.unwrap();
    assert_eq!(r.code, 2, "no key in the environment and nothing on standard input: {}", r.stderr);
    let mut good = s(&["import-key", "--scu-id", &scu]);
    good.extend(s(&device));
    let r = run2(good, Some(key.clone())).await.unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    // KRA accepts calls made with the imported key.
    let r = run2(s(&["refresh"]), None).await.unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);

    // KRA goes away: sales still work; sync --once says what is left and exits 1.
    sim.shutdown().await;
    let r = run(s(&["--json", "sale", "--item", &format!("{code}:1")])).await.unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["trader_no"].as_str(), Some("INV-000001"));
    let r = run(s(&["sync", "--once"])).await.unwrap();
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("still pending"), "{}", r.stderr);
    let r = run(s(&["--json", "outbox"])).await.unwrap();
    assert!(r.json()["summary"]["pending"].as_i64().unwrap() >= 1);
    let pdf = dir.path().join("provisional.txt");
    let r = run(s(&["receipt", "INV-000001", "--text", "--out", pdf.to_str().unwrap()])).await.unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&pdf).unwrap();
    assert!(text.to_ascii_uppercase().contains("PROVISIONAL"), "{text}");
}

/// The stock policy is the shop's setting (default: refuse), read at each sale, audited.
#[test]
fn the_stock_policy_is_a_shop_setting_read_at_each_sale() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let db = db.as_path();
    ok(db, &["user", "owner"]);
    ok(db, &["training", "--demo"]);
    let levels = ok(db, &["--json", "stock", "list"]).json();
    let level = levels.as_array().unwrap().iter().find(|l| l["on_hand"].as_str() != Some("0.00")).unwrap();
    let code = level["code"].as_str().unwrap().to_owned();
    let on_hand: f64 = level["on_hand"].as_str().unwrap().parse().unwrap();
    let too_many = format!("{code}:{}", on_hand as i64 + 5);

    assert!(ok(db, &["settings", "stock-policy"]).stdout.contains("Stock policy: refuse"));
    refused(db, &["sale", "--item", &too_many], "record the delivery first");
    usage(db, &["settings", "stock-policy", "sometimes"]);

    let set = ok(db, &["--json", "settings", "stock-policy", "allow"]).json();
    assert_eq!(set["stock_policy"].as_str(), Some("allow"));
    // A new process reads the stored setting.
    ok(db, &["sale", "--item", &too_many]);
    let levels = ok(db, &["--json", "stock", "list"]).json();
    let after = levels.as_array().unwrap().iter().find(|l| l["code"] == code.as_str()).unwrap();
    assert_eq!(after["on_hand"].as_str(), Some("-5.00"));

    ok(db, &["settings", "stock-policy", "refuse"]);
    refused(db, &["sale", "--item", &format!("{code}:1")], "record the delivery first");
    let mut audited: Vec<String> = store::Store::open(db)
        .unwrap()
        .read(|c| store::audit::recent(c, usize::MAX))
        .unwrap()
        .into_iter()
        .filter(|entry| entry.action == "set stock policy")
        .filter_map(|entry| entry.detail)
        .collect();
    audited.reverse();
    assert_eq!(audited, ["allow selling more than is on hand", "refuse sales of more than is on hand"]);
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&db, &["user", "owner"]);
    ok(&db, &["training"]);

    assert!(!ok(&db, &["status"]).stdout.is_empty(), "status has something to say");
    // `duka status | head -0`: the reader is gone before duka writes a byte.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_duka"))
        .arg("--db")
        .arg(&db)
        .arg("status")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("the duka binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(stderr.is_empty(), "no panic, no complaint: {stderr}");
}

/// A practice shop whose practice KRA records were deleted: the practice KRA starts blank and no
/// longer knows the till, and the refusal says so and names the file, instead of sending the
/// shopkeeper to KRA to check a device that does not exist.
#[test]
fn a_practice_shop_whose_kra_records_are_gone_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&db, &["user", "owner"]);
    ok(&db, &["training", "--demo"]);
    ok(&db, &["sync", "--once"]);
    let records = app::training_state_file(&db);
    for suffix in ["", "-wal", "-shm"] {
        let mut name = records.clone().into_os_string();
        name.push(suffix);
        let _ = std::fs::remove_file(name);
    }
    assert!(!records.exists());
    ok(&db, &["sale", "--item", "2009900000019:1"]);
    let r = refused(&db, &["sync", "--once"], "The practice KRA does not know this till any more");
    assert!(r.stderr.contains(&records.display().to_string()) && !r.stderr.contains("Settings > KRA"), "{}", r.stderr);
}

/// `--user NAME` signs in with the PIN from DUKA_PIN (or standard input), never an argument; the
/// role table applies; the owner manages users; approvals name the approver.
#[test]
fn people_sign_in_and_the_role_table_applies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let db = db.as_path();
    let owner = |args: &[&str]| {
        let mut a = vec!["--user", "Wanjiku"];
        a.extend(args);
        duka_as(db, &a, &[("DUKA_PIN", "4711"), ("DUKA_NEW_PIN", "8642")], None)
    };
    let cashier = |args: &[&str], env: &[(&str, &str)]| {
        let mut a = vec!["--user", "Otieno"];
        a.extend(args);
        let mut e = vec![("DUKA_PIN", "8642")];
        e.extend(env);
        duka_as(db, &a, &e, None)
    };
    let expect = |r: Run, code: i32, text: &str| {
        assert_eq!(r.code, code, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
        assert!(r.stderr.contains(text) || r.stdout.contains(text), "{text:?} in {}{}", r.stdout, r.stderr);
        r
    };

    expect(duka_as(db, &["--user", "Wanjiku", "training"], &[("DUKA_PIN", "4711")], None), 1, "no owner yet");
    expect(duka_as(db, &["training"], &[], None), 1, "duka --user NAME user owner");
    expect(duka_as(db, &["--user", "Wanjiku", "--pin", "4711", "status"], &[], None), 2, "--pin");
    expect(duka_as(db, &["--user", "Wanjiku", "user", "owner"], &[("DUKA_PIN", "47")], None), 1, "4 to 8 digits");
    // The PIN on standard input (a script's pipe) instead of the environment.
    expect(duka_as(db, &["--user", "Wanjiku", "user", "owner"], &[], Some("4711\n")), 0, "owner of this till");
    expect(owner(&["training", "--demo"]), 0, "");
    expect(owner(&["user", "add", "Otieno"]), 0, "Otieno added as cashier");
    expect(owner(&["user", "add", "otieno"]), 1, "already a user called Otieno");

    // A cashier sells, and may not back up, manage users, adjust stock or change settings.
    expect(cashier(&["sale", "--item", "2009900000019:1"], &[]), 0, "TRN-000001");
    expect(cashier(&["backup"], &[]), 1, "a cashier may not do this");
    expect(cashier(&["user", "list"], &[]), 1, "only the owner may");
    expect(cashier(&["stock", "adjust", "--item", "2009900000019:1"], &[]), 1, "a cashier may not do this");
    expect(cashier(&["settings", "stock-policy", "allow"], &[]), 1, "a cashier may not do this");
    expect(cashier(&["restore", "nowhere.db"], &[]), 1, "a cashier may not do this");
    expect(duka_as(db, &["backup"], &[], None), 1, "give --user NAME");
    // A credit note needs a supervisor's or the owner's PIN on the spot.
    let credit = ["credit-note", "--invoice", "TRN-000001", "--reason", "06", "--item", "2009900000019:1"];
    expect(cashier(&credit, &[]), 1, "needs a supervisor's or the owner's PIN");
    let mut approved = vec!["--approver", "Wanjiku"];
    approved.extend(credit);
    expect(cashier(&approved, &[("DUKA_APPROVER_PIN", "0000")]), 1, "wrong PIN for Wanjiku");
    expect(cashier(&approved, &[("DUKA_APPROVER_PIN", "4711")]), 0, "TCN-000001");
    let audit = store::Store::open(db).unwrap().read(|c| store::audit::recent(c, usize::MAX)).unwrap();
    let credited = audit.iter().find(|e| e.action == "credit").unwrap();
    assert_eq!((credited.user.as_str(), credited.approved_by.as_deref()), ("Otieno", Some("Wanjiku")));
    assert!(audit.iter().any(|e| e.action == "failed sign-in" && e.user == "Wanjiku"));

    // Wrong PINs are counted; the owner resets the PIN, changes roles, deactivates.
    expect(cashier(&["sales"], &[("DUKA_PIN", "1111")]), 1, "wrong PIN for Otieno: 4 more");
    expect(owner(&["user", "role", "Wanjiku", "cashier"]), 1, "only active owner");
    expect(owner(&["user", "role", "Otieno", "supervisor"]), 0, "Otieno is now supervisor");
    expect(cashier(&["stock", "adjust", "--item", "2009900000019:1"], &[]), 0, "");
    let listed = expect(owner(&["--json", "user", "list"]), 0, "Otieno");
    assert!(!listed.stdout.contains("argon2") && !listed.stdout.contains("8642"), "{}", listed.stdout);
    expect(
        duka_as(
            db,
            &["--user", "Wanjiku", "user", "reset-pin", "Otieno"],
            &[("DUKA_PIN", "4711"), ("DUKA_NEW_PIN", "5555")],
            None,
        ),
        0,
        "new PIN",
    );
    expect(cashier(&["sales"], &[]), 1, "wrong PIN");
    expect(cashier(&["sales"], &[("DUKA_PIN", "5555")]), 0, "TRN-000001");
    expect(owner(&["user", "deactivate", "Otieno"]), 0, "deactivated");
    expect(cashier(&["sales"], &[("DUKA_PIN", "5555")]), 1, "no active user called Otieno");
}
