//! Duka desktop: the Tauri v2 shell that opens the till window over the `app` crate's use cases.
//! It opens the shop database (in `DUKA_DATA_DIR` or Duka's data folder, as `app::DataFolder`
//! finds it), runs the sync worker in the background for the life of the window, and pushes
//! changes to the UI as events.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod books;
mod commands;
mod dto;
mod error;
mod events;
mod people;
#[cfg(target_os = "linux")]
mod webkit_env;

use std::time::Instant;

use anyhow::Context;
use tauri::{Manager, RunEvent};

use crate::commands::Shop;

/// When the process started: the till reports how long it took to become usable.
#[derive(Debug)]
struct Started(Instant);

/// Called once by the UI when it is usable: the lock screen listing who may sign in (or the till
/// with its catalogue, when someone was signed in already). Prints the cold-start time on
/// standard output (what the start-up benchmark reads).
#[tauri::command]
async fn till_ready(started: tauri::State<'_, Started>) -> error::Result<u64> {
    let ms = u64::try_from(started.0.elapsed().as_millis()).unwrap_or(u64::MAX);
    println!("duka-desktop: till ready after {ms} ms");
    Ok(ms)
}

fn main() {
    let started = Instant::now();
    // First of all: WebKit's and malloc's settings (this may start the binary again with them).
    #[cfg(target_os = "linux")]
    let environment = webkit_env::ensure();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn,duka_desktop=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    #[cfg(target_os = "linux")]
    if let Err(reason) = environment {
        tracing::warn!("{reason}; running without them (more memory)");
    }
    if let Err(e) = run(started) {
        eprintln!("Duka could not start: {e:#}");
        std::process::exit(1);
    }
}

fn run(started: Instant) -> anyhow::Result<()> {
    let data = app::DataFolder::locate().map_err(|e| anyhow::anyhow!("{}", e.sentence()))?;
    let options = app::AppOptions { user: "till".into(), spawn_sync_worker: true, ..app::AppOptions::default() };
    let db = data.db_path();
    let opened = tauri::async_runtime::block_on(app::Duka::open(&db, options)).map_err(|e| {
        let e = error::UiError::from(e);
        tracing::error!(code = %e.code, "the shop database {} could not be opened: {}", db.display(), e.message);
        error::UiError {
            code: e.code,
            message: format!(
                "{} (database {}). Nothing was changed or deleted: keep a copy of that file and ask for help \
                 restoring it, or start Duka with {} pointing to another folder.",
                e.message,
                db.display(),
                app::files::DATA_DIR_VARIABLE,
            ),
            field: None,
            action: None,
        }
    });
    let events_duka = opened.as_ref().ok().cloned();
    let app = tauri::Builder::default()
        .manage(Shop { opened })
        .manage(Started(started))
        .setup(move |app| {
            if let Some(duka) = events_duka {
                events::spawn(app.handle().clone(), duka);
            }
            Ok(())
        })
        // Every `#[tauri::command]` of this crate, as build.rs found them (the list tauri-build
        // permits and tauri.conf.json grants).
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/invoke_handler.rs")))
        .build(tauri::generate_context!("../tauri.conf.json"))
        .context("the window could not be created")?;
    app.run(move |handle, event| {
        if let RunEvent::Exit = event
            && let Ok(duka) = handle.state::<Shop>().duka()
        {
            tauri::async_runtime::block_on(duka.shutdown());
        }
    });
    Ok(())
}
