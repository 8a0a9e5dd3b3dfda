//! Build script: finds every `#[tauri::command]` of the shell (the one list of commands), declares
//! them to tauri-build so each gets an `allow-<name>` permission, writes main.rs's
//! `generate_handler!` list from them, and checks that tauri.conf.json's capability grants exactly
//! those commands; then points tauri-build at the root tauri.conf.json.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A command: the module it is in (empty for main.rs) and its name.
struct Command {
    module: String,
    name: String,
}

/// The commands of one source file: each `#[tauri::command]` and the `fn` after it.
fn commands_in(file: &Path) -> Vec<Command> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let module = match file.file_stem().and_then(|s| s.to_str()) {
        Some("main") | None => String::new(),
        Some(stem) => stem.to_owned(),
    };
    let mut found = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line != "#[tauri::command]" {
            continue;
        }
        let signature = lines.find(|l| !l.starts_with("#[") && !l.starts_with("///")).unwrap_or_default();
        let name = signature
            .split("fn ")
            .nth(1)
            .and_then(|rest| rest.split(['(', '<']).next())
            .unwrap_or_else(|| panic!("{}: no fn after #[tauri::command]: {signature:?}", file.display()));
        found.push(Command { module: module.clone(), name: name.trim().to_owned() });
    }
    found
}

/// The `allow-*` permissions tauri.conf.json's capabilities grant.
fn granted(config: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(config).unwrap_or_else(|e| panic!("cannot read {}: {e}", config.display()));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", config.display()));
    json["app"]["security"]["capabilities"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["permissions"].as_array().into_iter().flatten())
        .filter_map(|p| p.as_str())
        .filter(|p| p.starts_with("allow-"))
        .map(str::to_owned)
        .collect()
}

fn main() {
    // Relative relocations packed (DT_RELR, glibc 2.36 and later, Debian 12): the table the loader
    // reads at every start shrinks from ~1 MB to a few KB, and so does the memory it stays in. The
    // bench's bare window (examples/bare_window.rs) is linked the same way.
    if std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux") {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        println!("cargo:rustc-link-arg-examples=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=../tauri.conf.json");

    let mut sources: Vec<PathBuf> = std::fs::read_dir("src")
        .unwrap_or_else(|e| panic!("cannot list src: {e}"))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    sources.sort();
    let commands: Vec<Command> = sources.iter().flat_map(|f| commands_in(f)).collect();

    let permissions: BTreeSet<String> =
        commands.iter().map(|c| format!("allow-{}", c.name.replace('_', "-"))).collect();
    let granted = granted(Path::new("../tauri.conf.json"));
    if permissions != granted {
        panic!(
            "tauri.conf.json's capability must grant exactly the shell's commands: missing {:?}, not a command {:?}",
            permissions.difference(&granted).collect::<Vec<_>>(),
            granted.difference(&permissions).collect::<Vec<_>>(),
        );
    }

    let paths: Vec<String> = commands
        .iter()
        .map(|c| if c.module.is_empty() { c.name.clone() } else { format!("{}::{}", c.module, c.name) })
        .collect();
    let handler = format!("tauri::generate_handler![\n    {},\n]\n", paths.join(",\n    "));
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|e| panic!("OUT_DIR: {e}")));
    std::fs::write(out.join("invoke_handler.rs"), handler).unwrap_or_else(|e| panic!("cannot write the handler: {e}"));

    // tauri-build keeps the names for the whole build: a build script may leak them.
    let names: &'static [&'static str] =
        commands.into_iter().map(|c| &*c.name.leak()).collect::<Vec<&'static str>>().leak();
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(names));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
