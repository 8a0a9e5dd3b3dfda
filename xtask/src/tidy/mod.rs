//! The tidy checks: rules about the source tree that keep each concern with its one owner (SQL in
//! store, KRA JSON out of sync, a pure domain) and the lists that must agree (the Tauri commands).
//! `cargo test` runs them on the real tree (`tests::the_source_tree_is_tidy`); `cargo xtask tidy`
//! prints the same failures.

mod lex;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use lex::{lex, line_of, words};

/// The files the rules read, by path relative to the repository root (with `/`), with their text.
#[derive(Debug, Default)]
pub struct Tree {
    files: BTreeMap<String, String>,
}

/// Whether the folder at `relative` (named `name`) is never read: build output, version control and
/// other hidden folders, fuzzing output, files Tauri generates.
fn skipped(relative: &str, name: &str) -> bool {
    matches!(name, "target" | "node_modules")
        || name.starts_with("target-")
        || name.starts_with('.')
        || relative == "src-tauri/gen"
        || (relative.contains("/fuzz/") && matches!(name, "corpus" | "artifacts" | "coverage"))
}

/// The files read besides every `.rs` file and every `Cargo.toml`.
const NAMED_FILES: [&str; 2] = ["tauri.conf.json", "ui/lib/ipc.js"];

impl Tree {
    /// Reads the tree under `root`.
    pub fn read(root: &Path) -> std::io::Result<Tree> {
        let mut tree = Tree::default();
        tree.read_dir(root, root)?;
        Ok(tree)
    }

    fn read_dir(&mut self, root: &Path, dir: &Path) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if entry.file_type()?.is_dir() {
                if !skipped(&relative, &name) {
                    self.read_dir(root, &path)?;
                }
            } else if name.ends_with(".rs")
                || name == "Cargo.toml"
                || NAMED_FILES.contains(&relative.as_str())
                || (relative.starts_with("src-tauri/capabilities/") && name.ends_with(".json"))
            {
                self.files.insert(relative, std::fs::read_to_string(&path)?);
            }
        }
        Ok(())
    }

    /// A tree made of the given files (the rules' own tests).
    pub fn from_files(files: &[(&str, &str)]) -> Tree {
        Tree { files: files.iter().map(|(path, text)| ((*path).to_owned(), (*text).to_owned())).collect() }
    }

    fn rust_files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().filter(|(path, _)| path.ends_with(".rs")).map(|(p, t)| (p.as_str(), t.as_str()))
    }

    fn manifests(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .filter(|(path, _)| path.as_str() == "Cargo.toml" || path.ends_with("/Cargo.toml"))
            .map(|(p, t)| (p.as_str(), t.as_str()))
    }

    fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }
}

/// The rules, each with the name a failure carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Every `.rs` file starts with a `//!` line saying what it is for.
    ModuleDoc,
    /// No SQL and no rusqlite outside `store` (and oscu-sim's own books, and xtask).
    SqlOutsideStore,
    /// No `serde_json` in `sync`: KRA's JSON is read and written only by `oscu`.
    SerdeJsonInSync,
    /// `domain` depends on nothing that does IO, reads the clock or runs tasks.
    DomainPure,
    /// The Tauri command lists (build.rs, `generate_handler!`, the capability, ui/lib/ipc.js) agree.
    CommandLists,
    /// No `Result<_, String>`: errors are typed.
    ResultString,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::ModuleDoc => "module-doc",
            Rule::SqlOutsideStore => "sql-only-in-store",
            Rule::SerdeJsonInSync => "no-serde-json-in-sync",
            Rule::DomainPure => "domain-stays-pure",
            Rule::CommandLists => "command-lists-agree",
            Rule::ResultString => "no-result-string",
        })
    }
}

/// One broken rule: where, which, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub file: String,
    pub line: usize,
    pub rule: Rule,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: [{}] {}", self.file, self.line, self.rule, self.message)
    }
}

fn failure(file: &str, line: usize, rule: Rule, message: impl Into<String>) -> Failure {
    Failure { file: file.to_owned(), line, rule, message: message.into() }
}

/// Every rule over the tree; empty when it is tidy.
pub fn check(tree: &Tree) -> Vec<Failure> {
    let mut failures = Vec::new();
    failures.extend(module_docs(tree));
    failures.extend(sql_only_in_store(tree));
    failures.extend(no_serde_json_in_sync(tree));
    failures.extend(domain_stays_pure(tree));
    failures.extend(command_lists_agree(tree));
    failures.extend(no_result_string(tree));
    failures.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    // Two uses on one line are one failure.
    failures.dedup();
    failures
}

/// Rule breaks the repository still owes, each named by rule and file, so the rest of the tree is
/// held to every rule today. None are owed now; a debt taken on later is named here with its rule
/// and file. An entry that no longer breaks its rule is itself a failure, so the list only shrinks.
pub const OUTSTANDING: &[(Rule, &str)] = &[];

/// `failures` less those `outstanding` excuses, plus one failure per excuse that nothing needs.
pub fn excuse(failures: Vec<Failure>, outstanding: &[(Rule, &str)]) -> Vec<Failure> {
    let mut used = vec![false; outstanding.len()];
    let mut kept: Vec<Failure> = failures
        .into_iter()
        .filter(|f| {
            let excused = outstanding.iter().position(|(rule, file)| *rule == f.rule && *file == f.file);
            if let Some(i) = excused {
                used[i] = true;
            }
            excused.is_none()
        })
        .collect();
    for ((rule, file), used) in outstanding.iter().zip(used) {
        if !used {
            kept.push(failure(file, 1, *rule, "keeps this rule now: remove it from tidy's OUTSTANDING list"));
        }
    }
    kept
}

/// Every `.rs` file's first line, after any inner attributes (`#![...]`) and blank lines, is a
/// `//!` comment with text.
fn module_docs(tree: &Tree) -> Vec<Failure> {
    let mut failures = Vec::new();
    for (path, text) in tree.rust_files() {
        let mut attribute_depth = 0i32;
        let mut first = None;
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if attribute_depth > 0 || trimmed.starts_with("#![") {
                attribute_depth += trimmed.matches('[').count() as i32 - trimmed.matches(']').count() as i32;
                continue;
            }
            if !trimmed.is_empty() {
                first = Some((n + 1, trimmed));
                break;
            }
        }
        let documented = first.is_some_and(|(_, line)| line.strip_prefix("//!").is_some_and(|t| !t.trim().is_empty()));
        if !documented {
            let line = first.map_or(1, |(n, _)| n);
            failures.push(failure(
                path,
                line,
                Rule::ModuleDoc,
                "the file must start with a `//!` line saying what it is for",
            ));
        }
    }
    failures
}

/// Where SQL and rusqlite belong: the store, the simulator's own books, and this crate (its rules
/// and tests spell SQL out).
const SQL_OWNERS: [&str; 3] = ["src-tauri/crates/store/", "src-tauri/crates/oscu-sim/", "xtask/"];

fn sql_only_in_store(tree: &Tree) -> Vec<Failure> {
    let mut failures = Vec::new();
    let owned = |path: &str| SQL_OWNERS.iter().any(|owner| path.starts_with(owner));
    for (path, text) in tree.rust_files() {
        let lexed = lex(text);
        if path.starts_with("src-tauri/crates/store/") {
            for at in find_sequence(&lexed.code, &["pub", "use", "rusqlite"]) {
                failures.push(failure(
                    path,
                    line_of(text, at),
                    Rule::SqlOutsideStore,
                    "store re-exports rusqlite: give its users typed functions instead",
                ));
            }
        }
        if owned(path) {
            continue;
        }
        for (at, word) in words(&lexed.code) {
            if format!("::{word}::").contains("::rusqlite::") {
                failures.push(failure(
                    path,
                    line_of(text, at),
                    Rule::SqlOutsideStore,
                    "rusqlite is used outside store: move this into a store function",
                ));
            }
        }
        for (at, string) in &lexed.strings {
            if let Some(statement) = sql_statement(string) {
                failures.push(failure(
                    path,
                    line_of(text, *at),
                    Rule::SqlOutsideStore,
                    format!("SQL ({statement}) outside store: move it into a store function"),
                ));
            }
        }
    }
    for (path, text) in tree.manifests() {
        if owned(path) {
            continue;
        }
        for (line, dependency) in dependencies(text) {
            if dependency.name == "rusqlite" {
                failures.push(failure(path, line, Rule::SqlOutsideStore, "depends on rusqlite outside store"));
            }
        }
    }
    failures
}

/// The kind of SQL statement in a string literal, if it holds one: upper-case keywords in the
/// order a statement has them, so prose ("select an item from the list") is not taken for SQL.
fn sql_statement(text: &str) -> Option<&'static str> {
    // Escaped line breaks and tabs separate words as the characters they stand for would.
    let text = text.replace("\\n", " ").replace("\\t", " ").replace("\\r", " ");
    let words: Vec<&str> = words(&text).map(|(_, w)| w).collect();
    let within = |from: usize, span: usize, wanted: &[&str]| {
        words[from + 1..(from + 1 + span).min(words.len())].iter().any(|w| wanted.contains(w))
    };
    for (i, word) in words.iter().enumerate() {
        let found = match *word {
            "SELECT" if words[i + 1..].contains(&"FROM") => Some("SELECT ... FROM"),
            "INSERT" if within(i, 4, &["INTO"]) => Some("INSERT INTO"),
            "REPLACE" if within(i, 1, &["INTO"]) => Some("REPLACE INTO"),
            "UPDATE" if within(i, 4, &["SET"]) => Some("UPDATE ... SET"),
            "DELETE" if within(i, 1, &["FROM"]) => Some("DELETE FROM"),
            "CREATE" | "DROP" | "ALTER" if within(i, 3, &["TABLE", "INDEX", "VIEW", "TRIGGER"]) => {
                Some("CREATE/DROP/ALTER TABLE")
            }
            "PRAGMA" if i + 1 < words.len() => Some("PRAGMA"),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn no_serde_json_in_sync(tree: &Tree) -> Vec<Failure> {
    const SYNC: &str = "src-tauri/crates/sync/";
    let mut failures = Vec::new();
    for (path, text) in tree.rust_files().filter(|(path, _)| path.starts_with(SYNC)) {
        for (at, word) in words(&lex(text).code) {
            if format!("::{word}::").contains("::serde_json::") {
                failures.push(failure(
                    path,
                    line_of(text, at),
                    Rule::SerdeJsonInSync,
                    "serde_json in sync: KRA's JSON is read and written by oscu (call its typed client)",
                ));
            }
        }
    }
    if let Some(text) = tree.get("src-tauri/crates/sync/Cargo.toml") {
        for (line, dependency) in dependencies(text) {
            if dependency.name == "serde_json" {
                failures.push(failure(
                    "src-tauri/crates/sync/Cargo.toml",
                    line,
                    Rule::SerdeJsonInSync,
                    "sync depends on serde_json: KRA's JSON belongs to oscu",
                ));
            }
        }
    }
    failures
}

/// What `domain` may depend on: nothing that does IO, reads the clock or runs tasks.
const DOMAIN_DEPENDENCIES: [&str; 2] = ["thiserror", "serde"];

/// Paths in domain's code that reach the outside world or the clock.
const DOMAIN_FORBIDDEN: [&str; 8] =
    ["std::fs", "std::net", "std::process", "std::thread", "std::env", "SystemTime", "Instant", "tokio"];

fn domain_stays_pure(tree: &Tree) -> Vec<Failure> {
    const DOMAIN: &str = "src-tauri/crates/domain/";
    let mut failures = Vec::new();
    let manifest = format!("{DOMAIN}Cargo.toml");
    if let Some(text) = tree.get(&manifest) {
        for (line, dependency) in dependencies(text) {
            if !dependency.dev && !DOMAIN_DEPENDENCIES.contains(&dependency.name.as_str()) {
                failures.push(failure(
                    &manifest,
                    line,
                    Rule::DomainPure,
                    format!(
                        "domain depends on {}: it may depend only on {}",
                        dependency.name,
                        DOMAIN_DEPENDENCIES.join(", ")
                    ),
                ));
            }
        }
    }
    for (path, text) in tree.rust_files().filter(|(path, _)| path.starts_with(&format!("{DOMAIN}src/"))) {
        for (at, word) in words(&lex(text).code) {
            let segments = format!("::{word}::");
            let reaches_out = DOMAIN_FORBIDDEN.iter().any(|f| segments.contains(&format!("::{f}::")));
            if reaches_out {
                failures.push(failure(
                    path,
                    line_of(text, at),
                    Rule::DomainPure,
                    format!("domain uses {word}: it does no IO and never reads the clock (pass the value in)"),
                ));
            }
        }
    }
    failures
}

/// One dependency line of a manifest.
#[derive(Debug)]
struct Dependency {
    name: String,
    /// In `[dev-dependencies]`.
    dev: bool,
}

/// The dependencies a manifest declares (normal, dev, build, per target), with their lines; not the
/// `[workspace.dependencies]` table, which only names versions for the members.
fn dependencies(manifest: &str) -> Vec<(usize, Dependency)> {
    let mut found = Vec::new();
    let mut section: Option<bool> = None;
    // Brackets still open from an earlier line: a value written over several lines.
    let mut open = 0i32;
    for (n, line) in manifest.lines().enumerate() {
        let line = line.split(" #").next().unwrap_or(line).trim();
        let continued = open > 0;
        open += line.matches(['[', '{']).count() as i32 - line.matches([']', '}']).count() as i32;
        if continued || line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_start_matches('[').split(']').next().unwrap_or("").trim();
            let parts: Vec<&str> = header.split('.').collect();
            section = None;
            if header.starts_with("workspace") {
                continue;
            }
            // [dependencies], [dev-dependencies.name], [target.'cfg(..)'.build-dependencies] ...
            if let Some(i) = parts.iter().position(|p| p.ends_with("dependencies")) {
                let dev = parts[i] == "dev-dependencies";
                if let Some(name) = parts.get(i + 1) {
                    found.push((n + 1, Dependency { name: (*name).trim_matches('"').to_owned(), dev }));
                } else {
                    section = Some(dev);
                }
            }
            continue;
        }
        if let Some(dev) = section
            && let Some(key) = line.split(['=', '.']).next().map(str::trim)
            && !key.is_empty()
            && !key.starts_with('#')
        {
            // A renamed dependency counts as the package it is.
            let package = line
                .split_once("package")
                .and_then(|(_, rest)| rest.split('"').nth(1))
                .filter(|_| line.contains("package ="))
                .unwrap_or(key.trim_matches('"'));
            found.push((n + 1, Dependency { name: package.to_owned(), dev }));
        }
    }
    found
}

/// Where each copy of the command list is, for the messages.
const SHELL_SRC: &str = "src-tauri/src/";
const TAURI_CONF: &str = "tauri.conf.json";
const IPC_JS: &str = "ui/lib/ipc.js";

/// One copy of the command list: its file, the line it starts on, and each name with its line.
#[derive(Debug)]
struct CommandList {
    file: String,
    line: usize,
    /// Each name with the file and line it is on (the shell's list spans several files).
    names: Vec<(String, String, usize)>,
}

fn command_lists_agree(tree: &Tree) -> Vec<Failure> {
    let mut failures = Vec::new();
    let mut lists = Vec::new();
    let mut required = |list: Option<CommandList>, file: &str, what: &str| match list {
        Some(list) => lists.push(list),
        None => failures.push(failure(
            file,
            1,
            Rule::CommandLists,
            format!("no {what} found (the tidy test reads it to compare the command lists)"),
        )),
    };
    // The shell's `#[tauri::command]` functions are the one list: build.rs generates main.rs's
    // `generate_handler!` from them and checks tauri.conf.json at build time; this test also checks
    // the capability without a build, and the UI's ipc.js, which no build reads.
    required(shell_commands(tree), SHELL_SRC, "`#[tauri::command]` function under src-tauri/src");
    required(
        capability_commands(tree),
        TAURI_CONF,
        "`allow-<command>` permission in tauri.conf.json or src-tauri/capabilities/",
    );
    // ui/lib/ipc.js is compared once it exists (the UI as ES modules).
    if let Some(text) = tree.get(IPC_JS) {
        required(ipc_commands(text), IPC_JS, "`call(\"<command>\"` in ui/lib/ipc.js");
    }
    let Some((reference, others)) = lists.split_first() else { return failures };
    let reference_names: BTreeMap<&str, usize> = reference.names.iter().map(|(n, _, l)| (n.as_str(), *l)).collect();
    for list in &lists {
        let mut seen = BTreeSet::new();
        for (name, file, line) in &list.names {
            if !seen.insert(name) {
                failures.push(failure(file, *line, Rule::CommandLists, format!("command `{name}` is listed twice")));
            }
        }
    }
    for list in others {
        let names: BTreeSet<&str> = list.names.iter().map(|(n, _, _)| n.as_str()).collect();
        for (name, file, line) in &reference.names {
            if !names.contains(name.as_str()) {
                failures.push(failure(
                    &list.file,
                    list.line,
                    Rule::CommandLists,
                    format!("command `{name}` ({file}:{line}) is missing from this list"),
                ));
            }
        }
        for (name, file, line) in &list.names {
            if !reference_names.contains_key(name.as_str()) {
                failures.push(failure(
                    file,
                    *line,
                    Rule::CommandLists,
                    format!("command `{name}` is not a `#[tauri::command]` of the shell ({SHELL_SRC})"),
                ));
            }
        }
    }
    failures
}

/// The name of each `#[tauri::command]` function in the shell's sources, in file order.
fn shell_commands(tree: &Tree) -> Option<CommandList> {
    let mut list: Option<CommandList> = None;
    for (path, text) in tree.rust_files().filter(|(path, _)| path.starts_with(SHELL_SRC)) {
        let lexed = lex(text);
        for (at, _) in lexed.code.match_indices("#[tauri::command]") {
            let after = at + "#[tauri::command]".len();
            let Some(fn_at) = lexed.code[after..].find("fn ").map(|i| after + i + "fn ".len()) else { continue };
            let name: String =
                lexed.code[fn_at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            let entry = list.get_or_insert_with(|| CommandList {
                file: path.to_owned(),
                line: line_of(text, at),
                names: Vec::new(),
            });
            entry.names.push((name, path.to_owned(), line_of(text, fn_at)));
        }
    }
    list
}

/// The `allow-<command>` permissions granted to the window (kebab case turned back into the
/// command's snake case), from tauri.conf.json and any capability file.
fn capability_commands(tree: &Tree) -> Option<CommandList> {
    let mut list: Option<CommandList> = None;
    let files = tree.files.iter().filter(|(path, _)| {
        path.as_str() == TAURI_CONF || (path.starts_with("src-tauri/capabilities/") && path.ends_with(".json"))
    });
    for (path, text) in files {
        for (at, _) in text.match_indices("\"allow-") {
            let rest = &text[at + "\"allow-".len()..];
            let Some(end) = rest.find('"') else { continue };
            let name = rest[..end].replace('-', "_");
            let entry = list.get_or_insert_with(|| CommandList {
                file: path.clone(),
                line: line_of(text, at),
                names: Vec::new(),
            });
            entry.names.push((name, path.clone(), line_of(text, at)));
        }
    }
    list
}

/// The command each `call("<command>"` of ui/lib/ipc.js invokes.
fn ipc_commands(text: &str) -> Option<CommandList> {
    let mut names = Vec::new();
    for quote in ['"', '\''] {
        let needle = format!("call({quote}");
        for (at, _) in text.match_indices(&needle) {
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            if text[line_start..].trim_start().starts_with("//") {
                continue;
            }
            let rest = &text[at + needle.len()..];
            if let Some(end) = rest.find(quote) {
                names.push((rest[..end].to_owned(), IPC_JS.to_owned(), line_of(text, at)));
            }
        }
    }
    names.sort_by_key(|(_, _, line)| *line);
    let line = names.first().map(|(_, _, l)| *l)?;
    Some(CommandList { file: IPC_JS.to_owned(), line, names })
}

/// `Result<T, String>` in code (not in comments or strings), whatever `T` is.
fn no_result_string(tree: &Tree) -> Vec<Failure> {
    let mut failures = Vec::new();
    for (path, text) in tree.rust_files() {
        let code = lex(text).code;
        for (at, word) in words(&code) {
            if !(word == "Result" || word.ends_with("::Result")) {
                continue;
            }
            let after = &code[at + word.len()..];
            let after = after.trim_start();
            let Some(generics) = after.strip_prefix("::").unwrap_or(after).trim_start().strip_prefix('<') else {
                continue;
            };
            let arguments = top_level_arguments(generics);
            if arguments.len() == 2
                && matches!(arguments[1], "String" | "std::string::String" | "alloc::string::String")
            {
                failures.push(failure(
                    path,
                    line_of(text, at),
                    Rule::ResultString,
                    format!(
                        "`Result<{}, String>`: give the error a type (an enum with a variant per failure)",
                        arguments[0]
                    ),
                ));
            }
        }
    }
    failures
}

/// The comma-separated arguments of a generic list that starts just after its `<`, trimmed.
fn top_level_arguments(text: &str) -> Vec<&str> {
    let mut arguments = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'<' | b'(' | b'[' => depth += 1,
            // `->` inside a function type is not a closing bracket.
            b'>' if i > 0 && bytes[i - 1] == b'-' => {}
            b'>' | b')' | b']' if depth == 0 => {
                arguments.push(text[start..i].trim());
                return arguments;
            }
            b'>' | b')' | b']' => depth -= 1,
            b',' if depth == 0 => {
                arguments.push(text[start..i].trim());
                start = i + 1;
            }
            b';' | b'{' => return Vec::new(),
            _ => {}
        }
    }
    Vec::new()
}

/// The offsets where `sequence` appears as consecutive words of `code` (the last may go on as a
/// path: `rusqlite::Connection` matches `rusqlite`).
fn find_sequence(code: &str, sequence: &[&str]) -> Vec<usize> {
    let all: Vec<(usize, &str)> = words(code).collect();
    let matches =
        |word: &str, wanted: &str| word == wanted || word.strip_prefix(wanted).is_some_and(|r| r.starts_with("::"));
    all.windows(sequence.len())
        .filter(|window| window.iter().zip(sequence).all(|((_, word), wanted)| matches(word, wanted)))
        .map(|window| window[0].0)
        .collect()
}

#[cfg(test)]
mod tests;
