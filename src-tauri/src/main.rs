//! Duka desktop: the Tauri v2 shell that opens the till window over the `app` crate's use cases.
//! It opens the shop database (in `DUKA_DATA_DIR` or Duka's data folder), runs the sync worker in
//! the background for the life of the window, and pushes changes to the UI as events.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod books;
mod commands;
mod csv_items;
mod dto;
mod error;
mod events;
mod local;
#[cfg(target_os = "linux")]
mod webkit_env;

use std::time::Instant;

use anyhow::Context;
use tauri::{Manager, RunEvent};

use crate::commands::Shop;
use crate::local::DataDir;

/// When the process started: the till reports how long it took to become usable.
#[derive(Debug)]
struct Started(Instant);

/// Called once by the UI when the till is shown with its catalogue loaded. Prints the cold-start
/// time on standard output (what the start-up benchmark reads).
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
    let data = DataDir::locate()?;
    let options = app::AppOptions { user: "till".into(), spawn_sync_worker: true, ..app::AppOptions::default() };
    let db = data.db_path();
    let opened = tauri::async_runtime::block_on(app::Duka::open(&db, options)).map_err(|e| {
        let e = error::UiError::from(e);
        tracing::error!(code = e.code, "the shop database {} could not be opened: {}", db.display(), e.message);
        error::UiError {
            code: e.code,
            message: format!(
                "{} (database {}). Nothing was changed or deleted: keep a copy of that file and ask for help \
                 restoring it, or start Duka with DUKA_DATA_DIR pointing to another folder.",
                e.message,
                db.display()
            ),
        }
    });
    let events_duka = opened.as_ref().ok().cloned();
    let app = tauri::Builder::default()
        .manage(Shop { opened, data })
        .manage(Started(started))
        .setup(move |app| {
            if let Some(duka) = events_duka {
                events::spawn(app.handle().clone(), duka);
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            till_ready,
            commands::shop_status,
            commands::start_training,
            commands::connect_device,
            commands::item_choices,
            commands::find_items,
            commands::scan_item,
            commands::quote_sale,
            commands::make_sale,
            commands::lookup_buyer,
            commands::receipt_preview,
            commands::print_receipt,
            commands::list_sales,
            commands::sale_detail,
            commands::issue_credit_note,
            commands::list_items,
            commands::save_item,
            commands::search_classes,
            commands::import_items_csv,
            commands::stock_levels,
            commands::adjust_stock,
            commands::stock_movements,
            commands::set_reorder_level,
            commands::list_purchases,
            commands::confirm_purchase,
            commands::reject_purchase,
            commands::record_purchase,
            commands::list_imports,
            commands::accept_import,
            commands::reject_import,
            commands::sync_status,
            commands::sync_now,
            commands::refresh_lists,
            commands::parked_documents,
            commands::retry_parked,
            commands::list_notices,
            commands::mark_notice_read,
            commands::get_settings,
            commands::save_settings,
            commands::save_cart,
            commands::load_cart,
            books::books_report,
            books::books_issue_z,
            books::books_export,
            books::books_preview_items,
            books::books_import_items,
            books::books_backups,
            books::books_backup_now,
            books::books_stage_restore,
        ])
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
