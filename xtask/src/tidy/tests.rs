//! Each rule's proof that it fails when broken (on small in-memory trees), and the check of the
//! real tree.

use super::*;

/// A tree that keeps every rule: each test below breaks one.
const TIDY: &[(&str, &str)] = &[
    (
        "Cargo.toml",
        "[workspace]\nmembers = [\n  \"src-tauri\",\n]\n\n[workspace.dependencies]\nrusqlite = \"0.41\"\nserde_json = \"1\"\ntokio = \"1\"\n",
    ),
    (
        "src-tauri/crates/domain/Cargo.toml",
        "[package]\nname = \"domain\"\n\n[dependencies]\nthiserror.workspace = true\nserde = { workspace = true, features = [\n  \"derive\",\n] }\n\n[dev-dependencies]\nproptest.workspace = true\n",
    ),
    (
        "src-tauri/crates/domain/src/lib.rs",
        "//! Money and tax.\n\n#![deny(clippy::float_arithmetic)]\n\npub fn cents(instant_noodles: u8) -> i64 { 1 }\n",
    ),
    ("src-tauri/crates/store/Cargo.toml", "[dependencies]\nrusqlite.workspace = true\n"),
    (
        "src-tauri/crates/store/src/lib.rs",
        "//! The store.\nuse rusqlite::Connection;\npub fn f(c: &Connection) { c.execute(\"INSERT INTO sale (id) VALUES (1)\", []); }\n",
    ),
    (
        "src-tauri/crates/oscu-sim/src/books.rs",
        "//! The simulator's books.\nconst Q: &str = \"SELECT n FROM books\";\n",
    ),
    ("src-tauri/crates/sync/Cargo.toml", "[dependencies]\nstore.workspace = true\noscu = { path = \"../oscu\" }\n"),
    (
        "src-tauri/crates/sync/src/lib.rs",
        "//! Sync.\n// serde_json is not used here: a comment may say so.\npub fn f() -> Result<String, Error> {\n    let _ = \"Select the item from the list\";\n    let _ = '\"';\n    Ok(String::new())\n}\n",
    ),
    (
        "src-tauri/src/commands.rs",
        "//! The commands.\n\n#[tauri::command]\npub async fn make_sale(input: Cart) -> Result<Done> {\n    app.sell(input)\n}\n",
    ),
    (
        "src-tauri/src/books.rs",
        "//! The Books commands.\n\n#[tauri::command]\n/// Closes the day.\npub async fn books_issue_z() -> Result<Z> {\n    app.z()\n}\n",
    ),
    (
        "tauri.conf.json",
        "{\"permissions\": [\n  \"core:event:allow-listen\",\n  \"allow-make-sale\",\n  \"allow-books-issue-z\"\n]}\n",
    ),
];

/// The tidy tree with `path` replaced (or added) with `text`.
fn with(changes: &[(&str, &str)]) -> Tree {
    let mut tree = Tree::from_files(TIDY);
    for (path, text) in changes {
        tree.files.insert((*path).to_owned(), (*text).to_owned());
    }
    tree
}

/// Checks that the tree breaks exactly `rule`, at exactly these places (file, line).
fn fails(tree: Tree, rule: Rule, places: &[(&str, usize)]) {
    let failures = check(&tree);
    let got: Vec<(&str, usize)> = failures.iter().map(|f| (f.file.as_str(), f.line)).collect();
    assert!(failures.iter().all(|f| f.rule == rule), "only {rule} fails: {failures:#?}");
    assert_eq!(got, places, "{failures:#?}");
}

#[test]
fn the_tidy_tree_passes() {
    assert_eq!(check(&Tree::from_files(TIDY)), []);
    let ipc = "//! not Rust\nconst call = (c, a) => invoke(c, a);\nexport const make_sale = (input) => call(\"make_sale\", { input });\nexport const books_issue_z = () => call('books_issue_z');\n";
    assert_eq!(check(&with(&[("ui/lib/ipc.js", ipc)])), []);
}

#[test]
fn a_file_without_its_doc_line_fails() {
    fails(
        with(&[("src-tauri/crates/app/src/a.rs", "use std::fmt;\n")]),
        Rule::ModuleDoc,
        &[("src-tauri/crates/app/src/a.rs", 1)],
    );
    fails(
        with(&[("tests/e2e.rs", "\n#![allow(dead_code)]\n// a plain comment\n//! late\n")]),
        Rule::ModuleDoc,
        &[("tests/e2e.rs", 3)],
    );
    fails(with(&[("xtask/src/x.rs", "//!\nfn f() {}\n")]), Rule::ModuleDoc, &[("xtask/src/x.rs", 1)]);
    fails(with(&[("src-tauri/src/empty.rs", "")]), Rule::ModuleDoc, &[("src-tauri/src/empty.rs", 1)]);
}

#[test]
fn sql_or_rusqlite_outside_store_fails() {
    let app = "//! Use cases.\nuse rusqlite::params;\n\nconst A: &str = \"SELECT id, total\n    FROM sale\";\nconst B: &str = r#\"\nUPDATE outbox SET state = 'parked'\"#;\nconst C: &[u8] = b\"DELETE FROM outbox\";\nconst D: &str = \"INSERT OR IGNORE INTO notice (id) VALUES (?1)\";\nconst E: &str = \"CREATE TABLE IF NOT EXISTS t (id)\";\nconst F: &str = \"WHERE id = 1\\nPRAGMA user_version\";\nfn g(c: &store::rusqlite::Connection) {}\n";
    fails(
        with(&[("src-tauri/crates/app/src/lib.rs", app)]),
        Rule::SqlOutsideStore,
        &[
            ("src-tauri/crates/app/src/lib.rs", 2),
            ("src-tauri/crates/app/src/lib.rs", 4),
            ("src-tauri/crates/app/src/lib.rs", 6),
            ("src-tauri/crates/app/src/lib.rs", 8),
            ("src-tauri/crates/app/src/lib.rs", 9),
            ("src-tauri/crates/app/src/lib.rs", 10),
            ("src-tauri/crates/app/src/lib.rs", 11),
            ("src-tauri/crates/app/src/lib.rs", 12),
        ],
    );
    let manifest = "[package]\nname = \"sync\"\n\n[dev-dependencies.rusqlite]\nworkspace = true\n\n[dependencies]\ndb = { package = \"rusqlite\", version = \"0.41\" }\n";
    fails(
        with(&[("src-tauri/crates/sync/Cargo.toml", manifest)]),
        Rule::SqlOutsideStore,
        &[("src-tauri/crates/sync/Cargo.toml", 4), ("src-tauri/crates/sync/Cargo.toml", 8)],
    );
    let store = "//! The store.\n\npub use rusqlite;\npub use rusqlite::Connection;\n";
    fails(
        with(&[("src-tauri/crates/store/src/lib.rs", store)]),
        Rule::SqlOutsideStore,
        &[("src-tauri/crates/store/src/lib.rs", 3), ("src-tauri/crates/store/src/lib.rs", 4)],
    );
}

#[test]
fn serde_json_in_sync_fails() {
    let source = "//! Sync.\n\nfn f(v: serde_json::Value) {}\nuse serde_json;\n";
    fails(
        with(&[("src-tauri/crates/sync/src/engine.rs", source)]),
        Rule::SerdeJsonInSync,
        &[("src-tauri/crates/sync/src/engine.rs", 3), ("src-tauri/crates/sync/src/engine.rs", 4)],
    );
    let manifest = "[dependencies]\nstore.workspace = true\n\n[dev-dependencies]\nserde_json = { workspace = true }\n";
    fails(
        with(&[("src-tauri/crates/sync/Cargo.toml", manifest)]),
        Rule::SerdeJsonInSync,
        &[("src-tauri/crates/sync/Cargo.toml", 5)],
    );
}

#[test]
fn an_impure_domain_fails() {
    let manifest = "[dependencies]\nthiserror.workspace = true\ntokio.workspace = true\n\n[dependencies.serde_json]\nversion = \"1\"\n\n[dev-dependencies]\nproptest = \"1\"\n";
    fails(
        with(&[("src-tauri/crates/domain/Cargo.toml", manifest)]),
        Rule::DomainPure,
        &[("src-tauri/crates/domain/Cargo.toml", 3), ("src-tauri/crates/domain/Cargo.toml", 5)],
    );
    let source = "//! Sales.\n\nfn now() -> u64 { std::time::SystemTime::now(); std::fs::read(\"x\"); 0 }\n";
    fails(
        with(&[("src-tauri/crates/domain/src/sale.rs", source)]),
        Rule::DomainPure,
        &[("src-tauri/crates/domain/src/sale.rs", 3), ("src-tauri/crates/domain/src/sale.rs", 3)],
    );
    // Two uses of the same path on one line are one failure.
    fails(
        with(&[(
            "src-tauri/crates/domain/src/clock.rs",
            "//! Clock.\n\nfn f() { std::fs::read(\"a\"); std::fs::read(\"b\"); }\n",
        )]),
        Rule::DomainPure,
        &[("src-tauri/crates/domain/src/clock.rs", 3)],
    );
}

#[test]
fn command_lists_that_disagree_fail() {
    // A command the capability lacks, one it adds that the shell does not have.
    let conf = "{\"permissions\": [\n  \"allow-make-sale\"\n]}\n";
    fails(with(&[("tauri.conf.json", conf)]), Rule::CommandLists, &[("tauri.conf.json", 2)]);
    let conf =
        "{\"permissions\": [\n  \"allow-make-sale\",\n  \"allow-books-issue-z\",\n  \"allow-drop-everything\"\n]}\n";
    fails(with(&[("tauri.conf.json", conf)]), Rule::CommandLists, &[("tauri.conf.json", 4)]);
    // A command defined twice, in two modules: each place named by its own file.
    let again = "//! More commands.\n\n#[tauri::command]\npub async fn make_sale() {}\n";
    fails(with(&[("src-tauri/src/till.rs", again)]), Rule::CommandLists, &[("src-tauri/src/till.rs", 4)]);
    // A command defined twice.
    let twice = "//! The Books commands.\n#[tauri::command]\npub async fn books_issue_z() {}\n#[tauri::command]\npub async fn books_issue_z() {}\n";
    fails(with(&[("src-tauri/src/books.rs", twice)]), Rule::CommandLists, &[("src-tauri/src/books.rs", 5)]);
    // ui/lib/ipc.js, once it exists, agrees too; its comments are not commands.
    let ipc =
        "// call(\"<command>\") is the form\nexport const make_sale = (input) => call(\"make_sale\", { input });\n";
    fails(with(&[("ui/lib/ipc.js", ipc)]), Rule::CommandLists, &[("ui/lib/ipc.js", 2)]);
    // A list the test cannot find is a failure, not a pass.
    let none =
        with(&[("src-tauri/src/commands.rs", "//! No commands.\n"), ("src-tauri/src/books.rs", "//! No commands.\n")]);
    fails(none, Rule::CommandLists, &[("src-tauri/src/", 1)]);
}

#[test]
fn result_with_a_string_error_fails() {
    let source = "//! Errors.\n\n// Result<(), String> in a comment is fine, and \"Result<(), String>\" in a string.\nfn a() -> Result<Vec<(u8, String)>, String> { todo!() }\nfn b() -> Result<String, Error> { todo!() }\ntype C<T> = std::result::Result<T, std::string::String>;\nfn d(f: Result<fn() -> u8, String>) {}\nfn e() { Result::<(), String>::Ok(()); }\n";
    fails(
        with(&[("src-tauri/crates/app/src/error.rs", source)]),
        Rule::ResultString,
        &[
            ("src-tauri/crates/app/src/error.rs", 4),
            ("src-tauri/crates/app/src/error.rs", 6),
            ("src-tauri/crates/app/src/error.rs", 7),
            ("src-tauri/crates/app/src/error.rs", 8),
        ],
    );
}

#[test]
fn an_excuse_hides_only_its_own_break_and_a_stale_one_fails() {
    let json = "//! Sync.\nuse serde_json::Value;\n";
    let broken = check(&with(&[("src-tauri/crates/sync/src/pull.rs", json)]));
    assert_eq!(broken.len(), 1, "{broken:#?}");
    let outstanding = [(Rule::SerdeJsonInSync, "src-tauri/crates/sync/src/pull.rs")];
    assert_eq!(excuse(broken.clone(), &outstanding), vec![]);
    let elsewhere = [(Rule::SerdeJsonInSync, "src-tauri/crates/sync/src/feeds.rs")];
    let left = excuse(broken, &elsewhere);
    let places: Vec<(&str, usize)> = left.iter().map(|f| (f.file.as_str(), f.line)).collect();
    assert_eq!(places, [("src-tauri/crates/sync/src/pull.rs", 2), ("src-tauri/crates/sync/src/feeds.rs", 1)]);
}

/// The real tree: every rule above on this repository.
#[test]
fn the_source_tree_is_tidy() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the repository root");
    let tree = Tree::read(root).expect("the source tree is readable");
    assert!(tree.files.len() > 50, "read the repository at {}", root.display());
    let failures = excuse(check(&tree), OUTSTANDING);
    let listed: Vec<String> = failures.iter().map(Failure::to_string).collect();
    assert!(failures.is_empty(), "{} tidy failures:\n{}", failures.len(), listed.join("\n"));
}
