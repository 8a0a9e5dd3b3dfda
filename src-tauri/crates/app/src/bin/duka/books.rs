//! The `duka report`, `export`, `import`, `backup` and `restore` commands.

use std::path::PathBuf;

use anyhow::Context as _;
use app::{
    Duka,
    exchange::{Accounting, ExportOptions, ImportDefaults},
    reports::{Report, ReportFormat},
};
use domain::{Date, ItemType, Qty};

use super::{
    ExportArgs, ExportCommand, ImportFileCommand, ReportCommand, ReportOutput, emit, paper, parse, qty, usage,
};

/// The backup passphrase, from the environment (never from the command line, where other users
/// of the computer could see it).
pub(crate) fn passphrase() -> anyhow::Result<String> {
    std::env::var("DUKA_BACKUP_PASSPHRASE")
        .map_err(|_| usage("set DUKA_BACKUP_PASSPHRASE to the passphrase that protects the communication key"))
}

/// `2026-11-21` or `20261121`.
fn date(input: &str) -> anyhow::Result<Date> {
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    Date::parse_kra(&digits).map_err(|_| usage(format!("date \"{input}\": write it as YYYY-MM-DD")))
}

fn month(input: &str) -> anyhow::Result<(u16, u8)> {
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    let bad = || usage(format!("month \"{input}\": write it as YYYY-MM"));
    if digits.len() != 6 {
        return Err(bad());
    }
    Ok((digits[..4].parse().map_err(|_| bad())?, digits[4..].parse().map_err(|_| bad())?))
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
        ReportCommand::Sales { from, until, output } => {
            let (from, to) = (date(&from)?, date(&until)?);
            let data = to_json(&duka.sales_report(from, to)?)?;
            write_report(duka, json, &duka.printed_report(&Report::Sales { from, to })?, data, &output)
        }
        ReportCommand::Purchases { from, until, output } => {
            let (from, to) = (date(&from)?, date(&until)?);
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
    let (from, to, for_tool) = (date(&a.from)?, date(&a.until)?, tool(&a.tool)?);
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

pub(crate) fn backup(duka: &Duka, json: bool, to: Option<PathBuf>, with_key: bool, list: bool) -> anyhow::Result<()> {
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
