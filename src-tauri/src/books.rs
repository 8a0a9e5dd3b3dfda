//! The "Books" screen's commands: reports (X, Z, sales, purchases, stock, VAT) shown and saved as
//! PDF, Xero/QuickBooks exports, item import with preview, backups and restore. Thin adapters
//! over `app`: input in, one `app` call, plain data out.

use serde::{Deserialize, Serialize};
use tauri::State;

use app::{
    backup::{BackupView, RestorePlan},
    exchange::{Accounting, ExportOptions, ImportDefaults, ImportOutcome, ImportPreview},
    reports::{Report, ReportFormat},
};
use domain::{Date, Qty};

use crate::commands::Shop;
use crate::error::{Result, UiError};

/// Which report the screen asks for.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportQuery {
    /// `x`, `z` (a copy of `number`), `sales`, `purchases`, `stock` or `vat`.
    kind: String,
    number: Option<i64>,
    /// `YYYY-MM-DD`.
    from: Option<String>,
    to: Option<String>,
    /// `YYYY-MM`.
    month: Option<String>,
    /// Quantity at or below which stock is low.
    low: Option<String>,
    /// `58`, `80` or `a4` when saving a PDF.
    paper: Option<String>,
}

/// A report as the screen shows it: the printed text and, when saved, where the PDF went.
#[derive(Debug, Serialize)]
pub struct ReportView {
    title: String,
    text: String,
    pdf: Option<String>,
}

fn date(field: &str, input: Option<&str>) -> Result<Date> {
    let digits: String = input.unwrap_or("").chars().filter(char::is_ascii_digit).collect();
    Date::parse_kra(&digits).map_err(|_| UiError::invalid(field, "choose a date"))
}

fn report_of(q: &ReportQuery) -> Result<Report> {
    Ok(match q.kind.as_str() {
        "x" => Report::X,
        "z" => Report::ZCopy(q.number.ok_or_else(|| UiError::invalid("Z report", "give its number"))?),
        "sales" => Report::Sales { from: date("from", q.from.as_deref())?, to: date("to", q.to.as_deref())? },
        "purchases" => Report::Purchases { from: date("from", q.from.as_deref())?, to: date("to", q.to.as_deref())? },
        "stock" => Report::Stock {
            low_at: Qty::parse(q.low.as_deref().unwrap_or("5")).map_err(|e| UiError::invalid("low stock", e))?,
        },
        "vat" => {
            let digits: String = q.month.as_deref().unwrap_or("").chars().filter(char::is_ascii_digit).collect();
            let bad = || UiError::invalid("month", "choose a month");
            if digits.len() != 6 {
                return Err(bad());
            }
            Report::Vat {
                year: digits[..4].parse().map_err(|_| bad())?,
                month: digits[4..].parse().map_err(|_| bad())?,
            }
        }
        other => return Err(UiError::invalid("report", format!("\"{other}\" is not a report"))),
    })
}

fn paper(input: Option<&str>) -> Result<app::Paper> {
    match input.unwrap_or("a4") {
        "58" => Ok(app::Paper::Roll58),
        "80" => Ok(app::Paper::Roll80),
        "a4" => Ok(app::Paper::A4),
        other => Err(UiError::invalid("paper", format!("\"{other}\": choose 58, 80 or a4"))),
    }
}

/// Shows the report as text and, when a paper is given, saves its PDF in the `reports` folder.
fn view(duka: &app::Duka, printed: &receipt::report::PrintedReport, save: Option<&str>) -> Result<ReportView> {
    let text = String::from_utf8_lossy(&duka.render_report(printed, app::Paper::Roll80, ReportFormat::Text)?)
        .lines()
        .map(|l| l.split_once('|').map_or(l, |(_, t)| t).to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    let pdf = match save {
        None => None,
        Some(p) => {
            let bytes = duka.render_report(printed, paper(Some(p))?, ReportFormat::Pdf)?;
            let dir = duka.db_path().parent().unwrap_or_else(|| std::path::Path::new(".")).join("reports");
            std::fs::create_dir_all(&dir).map_err(|e| UiError::local_file("create the reports folder", e))?;
            let name: String = printed.title.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
            let file = dir.join(format!("{name}-{}.pdf", duka.now().kra()));
            std::fs::write(&file, bytes).map_err(|e| UiError::local_file("save the report", e))?;
            Some(file.display().to_string())
        }
    };
    Ok(ReportView { title: printed.title.clone(), text, pdf })
}

#[tauri::command]
pub async fn books_report(shop: State<'_, Shop>, input: ReportQuery) -> Result<ReportView> {
    let duka = shop.duka()?;
    view(duka, &duka.printed_report(&report_of(&input)?)?, input.paper.as_deref())
}

#[tauri::command]
pub async fn books_issue_z(shop: State<'_, Shop>, input: ReportQuery) -> Result<ReportView> {
    let duka = shop.duka()?;
    let z = duka.issue_z_report()?;
    view(duka, &duka.printed_z_report(&z, false)?, input.paper.as_deref())
}

/// Which file to export.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    /// `sales` or `purchases`.
    what: String,
    /// `xero` or `quickbooks`.
    tool: String,
    from: String,
    to: String,
}

/// Where the CSV file was saved (the `exports` folder beside the shop's database) and its size.
#[derive(Debug, Serialize)]
pub struct ExportFile {
    name: String,
    path: String,
    lines: usize,
}

#[tauri::command]
pub async fn books_export(shop: State<'_, Shop>, input: ExportQuery) -> Result<ExportFile> {
    let duka = shop.duka()?;
    let tool = match input.tool.as_str() {
        "xero" => Accounting::Xero,
        "quickbooks" => Accounting::QuickBooks,
        other => return Err(UiError::invalid("accounting tool", format!("\"{other}\": choose Xero or QuickBooks"))),
    };
    let (from, to) = (date("from", Some(&input.from))?, date("to", Some(&input.to))?);
    let csv = match input.what.as_str() {
        "sales" => duka.export_sales(from, to, tool, &ExportOptions::default())?,
        "purchases" => duka.export_purchases(from, to, tool, &ExportOptions::default())?,
        other => return Err(UiError::invalid("export", format!("\"{other}\": choose sales or purchases"))),
    };
    // Saved by the app rather than by a browser download, which the desktop webview does not offer.
    let name = format!("duka-{}-{}-{}-{}.csv", input.what, input.tool, from.kra(), to.kra());
    let dir = duka.db_path().parent().unwrap_or_else(|| std::path::Path::new(".")).join("exports");
    std::fs::create_dir_all(&dir).map_err(|e| UiError::local_file("create the exports folder", e))?;
    let file = dir.join(&name);
    std::fs::write(&file, csv.as_bytes()).map_err(|e| UiError::local_file("save the export", e))?;
    let lines = csv.lines().count().saturating_sub(1);
    Ok(ExportFile { name, path: file.display().to_string(), lines })
}

/// An item file and the KRA classification for lists from Xero or QuickBooks.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemFile {
    csv: String,
    class_code: Option<String>,
}

fn defaults(file: &ItemFile) -> ImportDefaults {
    ImportDefaults { class_code: file.class_code.clone().filter(|c| !c.trim().is_empty()), ..ImportDefaults::default() }
}

#[tauri::command]
pub async fn books_preview_items(shop: State<'_, Shop>, input: ItemFile) -> Result<ImportPreview> {
    Ok(shop.duka()?.preview_item_import(&input.csv, &defaults(&input))?)
}

#[tauri::command]
pub async fn books_import_items(shop: State<'_, Shop>, input: ItemFile) -> Result<ImportOutcome> {
    Ok(shop.duka()?.import_items(&input.csv, &defaults(&input))?)
}

#[tauri::command]
pub async fn books_backups(shop: State<'_, Shop>) -> Result<Vec<BackupView>> {
    Ok(shop.duka()?.backups()?)
}

/// A passphrase for the communication key, when the user wants it in the backup.
#[derive(Debug, Deserialize)]
pub struct BackupRequest {
    passphrase: Option<String>,
}

#[tauri::command]
pub async fn books_backup_now(shop: State<'_, Shop>, input: BackupRequest) -> Result<BackupView> {
    Ok(shop.duka()?.backup_now(input.passphrase.as_deref().filter(|p| !p.is_empty()))?)
}

/// The backup to restore (a path listed by `books_backups`) and its key's passphrase.
#[derive(Debug, Deserialize)]
pub struct RestoreRequest {
    path: String,
    passphrase: Option<String>,
}

#[tauri::command]
pub async fn books_stage_restore(shop: State<'_, Shop>, input: RestoreRequest) -> Result<RestorePlan> {
    let passphrase = input.passphrase.as_deref().filter(|p| !p.is_empty());
    Ok(shop.duka()?.stage_restore(std::path::Path::new(&input.path), passphrase)?)
}
