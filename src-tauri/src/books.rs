//! The "Books" screen's commands: reports (X, Z, sales, purchases, stock, VAT) shown and saved as
//! PDF, Xero/QuickBooks exports, item import with preview, backups and restore. Thin adapters
//! over `app`: input in, one `app` call, plain data out (app writes the files).

use serde::Deserialize;
use tauri::State;

use app::{
    backup::{BackupView, RestorePlan},
    exchange::{Accounting, ImportDefaults, ImportOutcome, ImportPreview},
    files::{ExportFile, ExportKind, ReportView},
    reports::Report,
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

fn date(field: &'static str, input: Option<&str>) -> Result<Date> {
    let digits: String = input.unwrap_or("").chars().filter(char::is_ascii_digit).collect();
    Date::parse_kra(&digits).map_err(|_| UiError::invalid(field, field, "choose a date"))
}

fn report_of(q: &ReportQuery) -> Result<Report> {
    Ok(match q.kind.as_str() {
        "x" => Report::X,
        "z" => Report::ZCopy(q.number.ok_or_else(|| UiError::invalid("Z report", "number", "give its number"))?),
        "sales" => Report::Sales { from: date("from", q.from.as_deref())?, to: date("to", q.to.as_deref())? },
        "purchases" => Report::Purchases { from: date("from", q.from.as_deref())?, to: date("to", q.to.as_deref())? },
        "stock" => Report::Stock {
            low_at: Qty::parse(q.low.as_deref().unwrap_or("5")).map_err(|e| UiError::invalid("low stock", "low", e))?,
        },
        "vat" => {
            let digits: String = q.month.as_deref().unwrap_or("").chars().filter(char::is_ascii_digit).collect();
            let bad = || UiError::invalid("month", "month", "choose a month");
            if digits.len() != 6 {
                return Err(bad());
            }
            Report::Vat {
                year: digits[..4].parse().map_err(|_| bad())?,
                month: digits[4..].parse().map_err(|_| bad())?,
            }
        }
        other => return Err(UiError::invalid("report", "kind", format!("\"{other}\" is not a report"))),
    })
}

/// The paper to save the report's PDF on; none when the report is only shown.
fn paper(input: Option<&str>) -> Result<Option<app::Paper>> {
    input
        .map(|p| p.parse().map_err(|_| UiError::invalid("paper", "paper", format!("\"{p}\": choose 58, 80 or a4"))))
        .transpose()
}

#[tauri::command]
pub async fn books_report(shop: State<'_, Shop>, input: ReportQuery) -> Result<ReportView> {
    let report = report_of(&input)?;
    Ok(shop.duka()?.report_view(&report, paper(input.paper.as_deref())?)?)
}

#[tauri::command]
pub async fn books_issue_z(shop: State<'_, Shop>, input: ReportQuery) -> Result<ReportView> {
    let paper = paper(input.paper.as_deref())?;
    Ok(shop.duka()?.till().run(move |duka| duka.issue_z_view(paper)).await?)
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

#[tauri::command]
pub async fn books_export(shop: State<'_, Shop>, input: ExportQuery) -> Result<ExportFile> {
    let tool = match input.tool.as_str() {
        "xero" => Accounting::Xero,
        "quickbooks" => Accounting::QuickBooks,
        other => {
            return Err(UiError::invalid("accounting tool", "tool", format!("\"{other}\": choose Xero or QuickBooks")));
        }
    };
    let (from, to) = (date("from", Some(&input.from))?, date("to", Some(&input.to))?);
    let what = match input.what.as_str() {
        "sales" => ExportKind::Sales,
        "purchases" => ExportKind::Purchases,
        other => return Err(UiError::invalid("export", "what", format!("\"{other}\": choose sales or purchases"))),
    };
    Ok(shop.duka()?.export_file(what, tool, from, to)?)
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
    let defaults = defaults(&input);
    Ok(shop.duka()?.till().import_items(input.csv, defaults).await?)
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
    Ok(shop.duka()?.stage_listed_restore(std::path::Path::new(&input.path), passphrase)?)
}
