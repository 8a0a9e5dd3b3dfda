//! Build script: points tauri-build at the root tauri.conf.json and declares every command the UI may call,
//! so the capability in tauri.conf.json grants exactly those.

/// Every `#[tauri::command]` of this crate; each gets an `allow-<name>` permission.
const COMMANDS: &[&str] = &[
    "till_ready",
    "shop_status",
    "start_training",
    "connect_device",
    "item_choices",
    "find_items",
    "scan_item",
    "quote_sale",
    "make_sale",
    "lookup_buyer",
    "receipt_preview",
    "print_receipt",
    "list_sales",
    "sale_detail",
    "issue_credit_note",
    "list_items",
    "save_item",
    "search_classes",
    "import_items_csv",
    "stock_levels",
    "adjust_stock",
    "stock_movements",
    "set_reorder_level",
    "list_purchases",
    "confirm_purchase",
    "reject_purchase",
    "record_purchase",
    "list_imports",
    "accept_import",
    "reject_import",
    "sync_status",
    "sync_now",
    "refresh_lists",
    "parked_documents",
    "retry_parked",
    "list_notices",
    "mark_notice_read",
    "get_settings",
    "save_settings",
    "save_cart",
    "load_cart",
    "books_report",
    "books_issue_z",
    "books_export",
    "books_preview_items",
    "books_import_items",
    "books_backups",
    "books_backup_now",
    "books_stage_restore",
];

fn main() {
    // Relative relocations packed (DT_RELR, glibc 2.36 and later, Debian 12): the table the loader
    // reads at every start shrinks from ~1 MB to a few KB, and so does the memory it stays in. The
    // bench's bare window (examples/bare_window.rs) is linked the same way.
    if std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux") {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        println!("cargo:rustc-link-arg-examples=-Wl,-z,pack-relative-relocs");
    }
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
