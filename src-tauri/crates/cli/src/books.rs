//! The books: `report`, `export`, `import`, `backup` and `restore`.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::Context as _;
use app::{
    Duka,
    exchange::{Accounting, ExportOptions, ImportDefaults},
    reports::{Report, ReportFormat},
};
use clap::{Args, Subcommand};
use domain::{Date, ItemType, Qty};

use crate::{
    input::{date, month, paper, parse, qty, usage},
    output::emit,
};

#[derive(Debug, Args)]
pub(crate) struct ReportOutput {
    /// Write the printable report here (PDF, or ESC/POS with --escpos, or text with --text).
    #[arg(long)]
    out: Option<PathBuf>,
    /// 80, 58 or a4.
    #[arg(long, default_value = "80")]
    paper: String,
    /// ESC/POS bytes for a thermal printer instead of a PDF.
    #[arg(long, conflicts_with = "text")]
    escpos: bool,
    /// The text layout instead of a PDF.
    #[arg(long)]
    text: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ReportCommand {
    /// The X report: everything since the last Z report (closes nothing).
    X {
        #[command(flatten)]
        output: ReportOutput,
    },
    /// Issue the next Z report (closes the day), or print an issued one again (a copy).
    Z {
        /// Reprint Z report NUMBER (marked COPY) instead of issuing a new one.
        #[arg(long)]
        number: Option<i64>,
        #[command(flatten)]
        output: ReportOutput,
    },
    /// Sales and credit notes of a period (dates YYYY-MM-DD, both included).
    Sales {
        #[command(flatten)]
        period: Period,
        #[command(flatten)]
        output: ReportOutput,
    },
    /// Confirmed purchases of a period.
    Purchases {
        #[command(flatten)]
        period: Period,
        #[command(flatten)]
        output: ReportOutput,
    },
    /// Stock on hand, valued at cost and at price.
    Stock {
        /// Flag items at or below this quantity as low.
        #[arg(long, default_value = "5")]
        low: String,
        #[command(flatten)]
        output: ReportOutput,
    },
    /// The VAT summary of a month (YYYY-MM).
    Vat {
        #[arg(long)]
        month: String,
        #[command(flatten)]
        output: ReportOutput,
    },
}

/// A period of days, `--from` and `--until` both included.
#[derive(Debug, Args)]
pub(crate) struct Period {
    #[arg(long)]
    from: String,
    #[arg(long)]
    until: String,
}

impl Period {
    fn dates(&self) -> anyhow::Result<(Date, Date)> {
        Ok((date(&self.from)?, date(&self.until)?))
    }
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// xero or quickbooks.
    #[arg(long = "for")]
    tool: String,
    #[command(flatten)]
    period: Period,
    /// The CSV file to write.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ExportCommand {
    /// Sales and credit notes as a sales invoice import file.
    Sales(ExportArgs),
    /// Confirmed purchases as a bill import file.
    Purchases(ExportArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImportFileCommand {
    /// Items from a CSV file: previewed, then imported all together or not at all.
    Items {
        file: PathBuf,
        /// Only show what would be imported.
        #[arg(long)]
        preview: bool,
        /// KRA item classification for rows that have none (Xero/QuickBooks lists).
        #[arg(long = "class")]
        class_code: Option<String>,
        /// 1 raw material, 2 finished product, 3 service (Xero/QuickBooks lists).
        #[arg(long = "type", default_value = "2")]
        item_type: String,
        #[arg(long, default_value = "KE")]
        origin: String,
        #[arg(long, default_value = "NO")]
        unit: String,
        #[arg(long, default_value = "NT")]
        pkg: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// Write the backup here (e.g. a USB stick) instead of the backups folder.
    #[arg(long)]
    to: Option<PathBuf>,
    /// Put the communication key beside the backup, encrypted with DUKA_BACKUP_PASSPHRASE.
    #[arg(long)]
    with_key: bool,
    /// List the backups in the backups folder instead.
    #[arg(long, conflicts_with_all = ["to", "with_key"])]
    list: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    backup: PathBuf,
    /// Restore the communication key too, with the passphrase in DUKA_BACKUP_PASSPHRASE.
    #[arg(long)]
    with_key: bool,
}

/// The backup passphrase, from the environment (never from the command line, where other users
/// of the computer could see it).
fn passphrase() -> anyhow::Result<String> {
    std::env::var("DUKA_BACKUP_PASSPHRASE")
        .map_err(|_| usage("set DUKA_BACKUP_PASSPHRASE to the passphrase that protects the communication key"))
}

fn write_report(
    duka: &Duka,
    json: bool,
    printed: &receipt::report::PrintedReport,
    data: serde_json::Value,
    output: &ReportOutput,
) -> anyhow::Result<()> {
    let paper = paper(&output.paper)?;
    match &output.out {
        Some(out) => {
            let format = if output.escpos {
                ReportFormat::EscPos
            } else if output.text {
                ReportFormat::Text
            } else {
                ReportFormat::Pdf
            };
            let bytes = duka.render_report(printed, paper, format)?;
            std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            let value = serde_json::json!({"report": printed.title, "out": out, "bytes": bytes.len()});
            emit(json, &value, |_| format!("{} written to {}", printed.title, out.display()))
        }
        None if json => emit(true, &data, |_| String::new()),
        None => {
            let text = String::from_utf8(duka.render_report(printed, paper, ReportFormat::Text)?)?;
            // Drop the style prefixes of the layout dump: a plain reading on the terminal.
            let plain: Vec<&str> = text.lines().map(|l| l.split_once('|').map_or(l, |(_, t)| t)).collect();
            println!("{}", plain.join("\n"));
            Ok(())
        }
    }
}

pub(crate) fn report(duka: &Duka, json: bool, c: ReportCommand) -> anyhow::Result<()> {
    match c {
        ReportCommand::X { output } => {
            let data = to_json(&duka.x_report()?)?;
            write_report(duka, json, &duka.printed_report(&Report::X)?, data, &output)
        }
        ReportCommand::Z { number: Some(n), output } => {
            let data = to_json(&duka.z_report(n)?)?;
            write_report(duka, json, &duka.printed_report(&Report::ZCopy(n))?, data, &output)
        }
        ReportCommand::Z { number: None, output } => {
            let z = duka.issue_z_report()?;
            let printed = duka.printed_z_report(&z, false)?;
            write_report(duka, json, &printed, to_json(&z)?, &output)
        }
        ReportCommand::Sales { period, output } => {
            let (from, to) = period.dates()?;
            let data = to_json(&duka.sales_report(from, to)?)?;
            write_report(duka, json, &duka.printed_report(&Report::Sales { from, to })?, data, &output)
        }
        ReportCommand::Purchases { period, output } => {
            let (from, to) = period.dates()?;
            let data = to_json(&duka.purchases_report(from, to)?)?;
            write_report(duka, json, &duka.printed_report(&Report::Purchases { from, to })?, data, &output)
        }
        ReportCommand::Stock { low, output } => {
            let low_at: Qty = qty(&low)?;
            let data = to_json(&duka.stock_report(low_at)?)?;
            write_report(duka, json, &duka.printed_report(&Report::Stock { low_at })?, data, &output)
        }
        ReportCommand::Vat { month: m, output } => {
            let (year, month) = month(&m)?;
            let data = to_json(&duka.vat_summary(year, month)?)?;
            write_report(duka, json, &duka.printed_report(&Report::Vat { year, month })?, data, &output)
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::to_value(value)?)
}

fn tool(input: &str) -> anyhow::Result<Accounting> {
    match input.trim().to_ascii_lowercase().as_str() {
        "xero" => Ok(Accounting::Xero),
        "quickbooks" | "qbo" => Ok(Accounting::QuickBooks),
        other => Err(usage(format!("\"{other}\": choose xero or quickbooks"))),
    }
}

pub(crate) fn export(duka: &Duka, json: bool, c: ExportCommand) -> anyhow::Result<()> {
    let (what, a): (&str, ExportArgs) = match c {
        ExportCommand::Sales(a) => ("sales", a),
        ExportCommand::Purchases(a) => ("purchases", a),
    };
    let ((from, to), for_tool) = (a.period.dates()?, tool(&a.tool)?);
    let opts = ExportOptions::default();
    let csv = if what == "sales" {
        duka.export_sales(from, to, for_tool, &opts)?
    } else {
        duka.export_purchases(from, to, for_tool, &opts)?
    };
    std::fs::write(&a.out, &csv).with_context(|| format!("writing {}", a.out.display()))?;
    let rows = csv.lines().count().saturating_sub(1);
    let value = serde_json::json!({"what": what, "for": a.tool, "out": a.out, "rows": rows});
    emit(json, &value, |_| format!("{rows} {what} line(s) written to {} for {}", a.out.display(), a.tool))
}

pub(crate) fn import(duka: &Duka, json: bool, c: ImportFileCommand) -> anyhow::Result<()> {
    let ImportFileCommand::Items { file, preview, class_code, item_type, origin, unit, pkg } = c;
    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let defaults = ImportDefaults {
        class_code,
        item_type: parse::<ItemType>("item type", &item_type)?,
        origin,
        pkg_unit: pkg,
        qty_unit: unit,
    };
    if preview {
        let p = duka.preview_item_import(&text, &defaults)?;
        return emit(json, &p, |p| {
            let mut out: Vec<String> = p
                .rows
                .iter()
                .map(|r| {
                    let note = if r.already_registered { " (already registered: skipped)" } else { "" };
                    let stock = r.opening_stock.as_deref().map(|q| format!(", opening stock {q}")).unwrap_or_default();
                    format!("line {}: {} band {} price {}{stock}{note}", r.line, r.name, r.tax_band, r.price)
                })
                .collect();
            out.extend(p.errors.iter().map(|e| format!("line {}: WRONG: {}", e.line, e.message)));
            out.push(format!("{:?} file: {} good row(s), {} wrong", p.format, p.rows.len(), p.errors.len()));
            out.join("\n")
        });
    }
    let outcome = duka.import_items(&text, &defaults)?;
    emit(json, &outcome, |o| {
        format!("{} item(s) added ({} with opening stock), {} already registered", o.added, o.stocked, o.skipped)
    })
}

pub(crate) fn backup(duka: &Duka, json: bool, a: BackupArgs) -> anyhow::Result<()> {
    let BackupArgs { to, with_key, list } = a;
    if list {
        let backups = duka.backups()?;
        return emit(json, &backups, |b| {
            b.iter()
                .map(|b| {
                    let key = if b.has_key { " + encrypted key" } else { "" };
                    format!("{} {} {} bytes{key}  {}", b.taken_at, b.kind, b.bytes, b.path)
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }
    let passphrase = if with_key { Some(passphrase()?) } else { None };
    match to {
        Some(dest) => {
            duka.backup_to(&dest, passphrase.as_deref())?;
            let value = serde_json::json!({"out": dest, "with_key": with_key});
            emit(json, &value, |_| format!("Backup written to {}", dest.display()))
        }
        None => {
            let b = duka.backup_now(passphrase.as_deref())?;
            emit(json, &b, |b| format!("Backup written to {}", b.path))
        }
    }
}

/// `duka restore`: stages the checked backup and swaps it in by opening the database (the
/// shop's own connection is never open here).
pub(crate) fn restore(db: &Path, a: &RestoreArgs, json: bool) -> anyhow::Result<ExitCode> {
    use app::Clock as _;
    let passphrase = if a.with_key { Some(passphrase()?) } else { None };
    let plan = app::backup::stage_restore(db, &a.backup, passphrase.as_deref(), app::SystemClock.now())?;
    drop(store::Store::open(db)?);
    emit(json, &plan, |p| {
        format!(
            "Restored {} ({} sales, {} credit notes, {} purchases, {} Z reports){}. The replaced database is kept in \
             the backups folder",
            p.backup,
            p.sales,
            p.credit_notes,
            p.purchases,
            p.z_reports,
            if p.key_restored { ", with the communication key" } else { "; the communication key was not restored" }
        )
    })?;
    Ok(ExitCode::SUCCESS)
}
