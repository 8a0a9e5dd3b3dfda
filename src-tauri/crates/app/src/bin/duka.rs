//! `duka`: the shop's use cases on the command line, for headless use, scripting and tests.
//! Exit codes: 0 done, 1 refused (by validation or KRA) or failed (message on stderr), 2 usage.

use std::{path::PathBuf, process::ExitCode, str::FromStr};

use anyhow::Context as _;
use app::{
    AppOptions, CreditNoteRequest, DocumentNo, Duka, GatewayAccess, InitRequest, ItemChange, KeyImport, LineMapping,
    ManualPurchase, ManualPurchaseLine, NewItem, Paper, SaleLineRequest, SaleRequest, StockLineRequest,
    TrainingRequest,
};
use clap::{Args, Parser, Subcommand};
use domain::{CreditNoteReason, Discount, ItemType, Money, PaymentType, Qty, StockMoveType, StockPolicy, TaxBand};
use serde::Serialize;

#[path = "duka/books.rs"]
mod books;

/// Duka: an offline-first till that fiscalises every sale with KRA eTIMS.
#[derive(Debug, Parser)]
#[command(name = "duka", version)]
struct Cli {
    /// The shop's database (Duka's data folder when not given).
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Who is at the till (audit log).
    #[arg(long, global = true, default_value = "duka")]
    user: String,
    /// Seconds to wait for KRA on one call.
    #[arg(long, global = true, default_value_t = 120)]
    kra_timeout: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Initialise this till's device with KRA (the communication key is issued once).
    Init(InitArgs),
    /// Set the device up with a communication key KRA issued earlier.
    ImportKey {
        #[command(flatten)]
        device: InitArgs,
        /// The communication key (cmcKey).
        #[arg(long)]
        key: String,
        /// The SCU ID printed on an earlier signed receipt.
        #[arg(long)]
        scu_id: String,
        #[arg(long)]
        mrc_no: Option<String>,
    },
    /// Practice mode: a built-in KRA simulator, nothing reaches KRA.
    Training {
        #[arg(long, default_value = "Demo Shop")]
        shop_name: String,
        /// Also load the demo catalogue with opening stock.
        #[arg(long)]
        demo: bool,
    },
    /// Where the till stands.
    Status,
    /// Download KRA's reference data (code lists, tax rates, classifications), notices, purchases, imports.
    Refresh,
    /// Items: add, list, update.
    #[command(subcommand)]
    Item(ItemCommand),
    /// Stock: adjust, list.
    #[command(subcommand)]
    Stock(StockCommand),
    /// Shop settings: the stock policy.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Ring up a sale.
    Sale {
        /// CODE:QTY or CODE:QTY:PRICE (CODE is the item code or barcode); repeat per line.
        #[arg(long = "item", required = true)]
        items: Vec<String>,
        #[arg(long)]
        buyer_pin: Option<String>,
        #[arg(long)]
        buyer_name: Option<String>,
        /// Payment type 01..07 (01 cash, 02 credit, 03 cash/credit, 04 cheque, 05 card, 06 mobile money, 07 other).
        #[arg(long, default_value = "01")]
        payment: String,
    },
    /// List sales, newest first.
    Sales {
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Credit (part of) a sale.
    CreditNote {
        /// The sale's invoice number (INV-000012, or 12).
        #[arg(long)]
        invoice: String,
        /// Reason code 01..13 (e.g. 06 refund, 03 damaged).
        #[arg(long)]
        reason: String,
        /// CODE:QTY to credit; everything that remains when not given.
        #[arg(long = "item")]
        items: Vec<String>,
    },
    /// Purchases from KRA's feed, and purchases keyed by hand.
    #[command(subcommand)]
    Purchases(PurchaseCommand),
    /// Customs imports from KRA.
    #[command(subcommand)]
    Imports(ImportCommand),
    /// KRA's notices.
    Notices,
    /// What is waiting for KRA.
    Outbox {
        /// Also show this many of the newest sent calls.
        #[arg(long, default_value_t = 0)]
        done: usize,
    },
    /// Send what is waiting to KRA: until Ctrl-C, or once with --once.
    Sync {
        /// Drain once and exit: 0 when nothing is left pending or parked, 1 otherwise.
        #[arg(long)]
        once: bool,
    },
    /// Write a receipt (a reprint is a COPY).
    Receipt {
        /// The document number (INV-000012, CN-000003, TRN-000001 ...).
        document: String,
        #[arg(long)]
        out: PathBuf,
        /// 80, 58 or a4.
        #[arg(long, default_value = "80")]
        paper: String,
        /// Mark it as a copy (reprint).
        #[arg(long)]
        copy: bool,
        /// Write the text layout instead of a PDF.
        #[arg(long)]
        text: bool,
    },
    /// Look a buyer's PIN up with KRA.
    LookupPin { pin: String },
    /// Load the demo catalogue (training).
    DemoCatalogue,
    /// Reports: X, Z (closes the day), sales, purchases, stock, VAT summary.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Write sales/credit notes or purchases as a Xero or QuickBooks import file.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Import items (and opening stock) from Duka's item CSV or a Xero/QuickBooks item list.
    #[command(subcommand)]
    Import(ImportFileCommand),
    /// Back the database up now (or list the backups). The communication key is left out unless
    /// --with-key is given; its passphrase is read from DUKA_BACKUP_PASSPHRASE.
    Backup {
        /// Write the backup here (e.g. a USB stick) instead of the backups folder.
        #[arg(long)]
        to: Option<PathBuf>,
        /// Put the communication key beside the backup, encrypted with DUKA_BACKUP_PASSPHRASE.
        #[arg(long)]
        with_key: bool,
        /// List the backups in the backups folder instead.
        #[arg(long, conflicts_with_all = ["to", "with_key"])]
        list: bool,
    },
    /// Restore a backup: checked first, then it replaces the database (kept in the backups folder).
    /// Close every Duka window first: the restore refuses while the database is open elsewhere.
    Restore {
        backup: PathBuf,
        /// Restore the communication key too, with the passphrase in DUKA_BACKUP_PASSPHRASE.
        #[arg(long)]
        with_key: bool,
    },
}

#[derive(Debug, Args)]
struct ReportOutput {
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
enum ReportCommand {
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
        #[arg(long)]
        from: String,
        #[arg(long)]
        until: String,
        #[command(flatten)]
        output: ReportOutput,
    },
    /// Confirmed purchases of a period.
    Purchases {
        #[arg(long)]
        from: String,
        #[arg(long)]
        until: String,
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

#[derive(Debug, Args)]
struct ExportArgs {
    /// xero or quickbooks.
    #[arg(long = "for")]
    tool: String,
    #[arg(long)]
    from: String,
    #[arg(long)]
    until: String,
    /// The CSV file to write.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// Sales and credit notes as a sales invoice import file.
    Sales(ExportArgs),
    /// Confirmed purchases as a bill import file.
    Purchases(ExportArgs),
}

#[derive(Debug, Subcommand)]
enum ImportFileCommand {
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
struct InitArgs {
    #[arg(long)]
    pin: String,
    #[arg(long)]
    branch: String,
    #[arg(long)]
    serial: String,
    /// The KRA base URL (direct host `.../etims-api` or gateway `.../etims-oscu/api/v1`).
    #[arg(long)]
    url: String,
    /// sandbox or production.
    #[arg(long, default_value = "sandbox")]
    environment: String,
    /// Gateway access as TOKEN_URL,CONSUMER_KEY,CONSUMER_SECRET,APP_ID (talks to the GavaConnect gateway).
    #[arg(long)]
    gateway: Option<String>,
    #[arg(long)]
    shop_name: Option<String>,
}

#[derive(Debug, Subcommand)]
enum ItemCommand {
    /// Register a new item (its KRA code is assigned).
    Add {
        #[arg(long)]
        name: String,
        /// KRA item classification code.
        #[arg(long = "class")]
        class_code: String,
        /// 1 raw material, 2 finished product, 3 service.
        #[arg(long = "type", default_value = "2")]
        item_type: String,
        /// Packaging unit (2 characters, e.g. NT).
        #[arg(long, default_value = "NT")]
        pkg: String,
        /// Quantity unit (2 characters, e.g. NO, KG).
        #[arg(long, default_value = "NO")]
        unit: String,
        /// Tax band A-E.
        #[arg(long, default_value = "B")]
        band: String,
        /// Tax-inclusive price, e.g. 185 or 1,160.00.
        #[arg(long)]
        price: String,
        #[arg(long)]
        barcode: Option<String>,
        #[arg(long, default_value = "KE")]
        origin: String,
    },
    /// List items (optionally matching a name, code or barcode).
    List {
        #[arg(long)]
        search: Option<String>,
    },
    /// Register with KRA what an item is made of (needs the line to KRA).
    Compose {
        /// The finished item (code or barcode).
        item: String,
        /// COMPONENT:QTY per finished item; repeat per component.
        #[arg(long = "part", required = true)]
        parts: Vec<String>,
    },
    /// Change an item.
    Update {
        /// Item code or barcode.
        item: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long = "class")]
        class_code: Option<String>,
        #[arg(long)]
        band: Option<String>,
        #[arg(long)]
        price: Option<String>,
        #[arg(long)]
        barcode: Option<String>,
        #[arg(long, conflicts_with = "barcode")]
        no_barcode: bool,
        /// true to sell it, false to switch it off.
        #[arg(long)]
        active: Option<bool>,
    },
}

#[derive(Debug, Subcommand)]
enum StockCommand {
    /// Record stock moved by hand (opening stock, a count, a discard).
    Adjust {
        /// CODE:QTY; repeat per item.
        #[arg(long = "item", required = true)]
        items: Vec<String>,
        /// 06 adjustment in (default, opening stock), 16 adjustment out, 15 discarding, 04/13 transfers.
        #[arg(long = "type", default_value = "06")]
        move_type: String,
        #[arg(long)]
        remark: Option<String>,
    },
    /// Stock on hand.
    List,
}

#[derive(Debug, Subcommand)]
enum SettingsCommand {
    /// Whether a sale may take stock below zero: `refuse` (default) or `allow`; shows it when not given.
    StockPolicy {
        #[arg(value_parser = ["refuse", "allow"])]
        policy: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum PurchaseCommand {
    /// Purchases from KRA's feed (waiting ones; --all for every one).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Confirm a purchase: map supplier lines to your items (remembered ones are proposed).
    Confirm {
        id: i64,
        /// SEQ:ITEM, e.g. 1:KE2NTNO0000003; repeat per line.
        #[arg(long = "map")]
        maps: Vec<String>,
    },
    /// Reject a purchase.
    Reject { id: i64 },
    /// Record a purchase keyed by hand.
    Record {
        /// CODE:QTY:PRICE (your item, quantity, tax-inclusive unit price); repeat per line.
        #[arg(long = "item", required = true)]
        items: Vec<String>,
        #[arg(long)]
        supplier_pin: Option<String>,
        #[arg(long)]
        supplier_name: Option<String>,
        #[arg(long)]
        supplier_invoice: Option<i64>,
        #[arg(long, default_value = "01")]
        payment: String,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Imports (waiting ones; --all for every one).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Accept an import as one of your items.
    Accept {
        id: i64,
        /// Your item (code or barcode).
        #[arg(long)]
        item: String,
        /// Quantity received (the declared quantity when not given).
        #[arg(long)]
        qty: Option<String>,
    },
    /// Reject an import.
    Reject { id: i64 },
}

/// A mistake in what was typed: exit code 2.
#[derive(Debug)]
struct Usage(String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Usage(message.into()))
}

fn parse<T: FromStr>(what: &str, input: &str) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    input.parse().map_err(|e: T::Err| usage(format!("{what}: {e}")))
}

fn qty(input: &str) -> anyhow::Result<Qty> {
    Qty::parse(input).map_err(|e| usage(e.to_string()))
}

fn money(input: &str) -> anyhow::Result<Money> {
    Money::parse(input).map_err(|e| usage(e.to_string()))
}

/// "CODE:QTY[:PRICE]".
fn item_spec(spec: &str, price_allowed: bool, price_needed: bool) -> anyhow::Result<(String, Qty, Option<Money>)> {
    let parts: Vec<&str> = spec.split(':').collect();
    let form = if price_needed {
        "CODE:QTY:PRICE"
    } else if price_allowed {
        "CODE:QTY[:PRICE]"
    } else {
        "CODE:QTY"
    };
    match parts.as_slice() {
        [code, q] if !price_needed => Ok(((*code).to_owned(), qty(q)?, None)),
        [code, q, p] if price_allowed => Ok(((*code).to_owned(), qty(q)?, Some(money(p)?))),
        _ => Err(usage(format!("\"{spec}\" is not {form}, e.g. KE2NTNO0000001:2"))),
    }
}

fn paper(input: &str) -> anyhow::Result<Paper> {
    match input.trim().to_ascii_lowercase().trim_end_matches("mm") {
        "80" => Ok(Paper::Roll80),
        "58" => Ok(Paper::Roll58),
        "a4" => Ok(Paper::A4),
        other => Err(usage(format!("paper \"{other}\": choose 80, 58 or a4"))),
    }
}

fn environment(input: &str) -> anyhow::Result<store::Environment> {
    match input.trim() {
        "sandbox" => Ok(store::Environment::Sandbox),
        "production" => Ok(store::Environment::Production),
        other => {
            Err(usage(format!("environment \"{other}\": choose sandbox or production (practice: `duka training`)")))
        }
    }
}

fn init_request(a: &InitArgs) -> anyhow::Result<InitRequest> {
    let gateway = match &a.gateway {
        None => None,
        Some(g) => match g.split(',').collect::<Vec<_>>().as_slice() {
            [token_url, key, secret, app] => Some(GatewayAccess {
                token_url: (*token_url).to_owned(),
                consumer_key: (*key).to_owned(),
                consumer_secret: (*secret).to_owned(),
                apigee_app_id: (*app).to_owned(),
            }),
            _ => return Err(usage("--gateway is TOKEN_URL,CONSUMER_KEY,CONSUMER_SECRET,APP_ID")),
        },
    };
    Ok(InitRequest {
        pin: a.pin.clone(),
        branch_id: a.branch.clone(),
        serial: a.serial.clone(),
        base_url: a.url.clone(),
        environment: environment(&a.environment)?,
        gateway,
        shop_name: a.shop_name.clone(),
    })
}

/// Prints `value` as JSON, or the human text.
fn emit<T: Serialize>(json: bool, value: &T, human: impl FnOnce(&T) -> String) -> anyhow::Result<()> {
    if json {
        say(&serde_json::to_string_pretty(value).context("writing JSON")?)?;
    } else {
        let text = human(value);
        if !text.is_empty() {
            say(&text)?;
        }
    }
    Ok(())
}

/// Writes one line to standard output. A reader that went away (`duka ... | head`) is not a failure
/// of the command: `main` ends quietly with success when it sees the broken pipe.
fn say(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).context("writing to standard output")
}

/// True when `e` is a write to a closed pipe (the reader of our output has gone).
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

fn kra_line(k: &app::views::KraState) -> String {
    match (k.state, k.kra_invoice_no, &k.message) {
        ("signed", Some(n), _) => format!("signed by KRA (invoice {n})"),
        ("parked", _, Some(m)) => format!("REFUSED by KRA: {m}"),
        ("pending", _, Some(m)) => format!("waiting for KRA (last try: {m})"),
        ("pending", _, None) => "waiting for KRA".to_owned(),
        (s, _, _) => s.to_owned(),
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let db = match cli.db.clone() {
        Some(db) => db,
        None => store::default_db_path().context("finding Duka's data folder")?,
    };
    let follow = matches!(cli.command, Command::Sync { once: false });
    let options = AppOptions {
        user: cli.user.clone(),
        spawn_sync_worker: follow,
        kra_timeout: std::time::Duration::from_secs(cli.kra_timeout.max(1)),
        ..AppOptions::default()
    };
    if let Command::Restore { backup, with_key } = &cli.command {
        return restore(&db, backup, *with_key, cli.json);
    }
    let duka = Duka::open(&db, options).await?;
    let code = command(&duka, cli.json, cli.command).await;
    duka.shutdown().await;
    code
}

async fn command(duka: &Duka, json: bool, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Init(a) => {
            let r = duka.initialise_device(&init_request(&a)?).await?;
            emit(json, &r, |r| {
                format!(
                    "Device initialised: {} branch {} ({}), SCU {}",
                    r.pin,
                    r.branch_id,
                    r.environment,
                    r.scu_id.as_deref().unwrap_or("?")
                )
            })?;
        }
        Command::ImportKey { device, key, scu_id, mrc_no } => {
            let import = KeyImport { device: init_request(&device)?, communication_key: key, scu_id, mrc_no };
            let r = duka.import_communication_key(&import).await?;
            emit(json, &r, |r| format!("Communication key imported for {} branch {}", r.pin, r.branch_id))?;
        }
        Command::Training { shop_name, demo } => {
            let (device, refreshed) = duka.start_training(&TrainingRequest { shop_name }).await?;
            let seeded = if demo { Some(duka.seed_demo_catalogue()?) } else { None };
            let value = serde_json::json!({"device": device, "refresh": refreshed, "demo": seeded});
            emit(json, &value, |_| {
                let mut s = format!(
                    "Training mode started: {} (PIN {}), nothing reaches KRA. Reference data: {}",
                    device.shop_name, device.pin, refreshed.detail
                );
                if let Some(d) = &seeded {
                    s.push_str(&format!("\nDemo catalogue: {} items added", d.items_added));
                }
                s
            })?;
        }
        Command::Status => {
            let s = duka.status()?;
            emit(json, &s, |s| {
                let mut out = String::new();
                match (&s.pin, s.configured) {
                    (Some(pin), true) => out.push_str(&format!(
                        "{} — PIN {pin} branch {} ({}{})\n",
                        s.shop_name.as_deref().unwrap_or("(no name)"),
                        s.branch_id.as_deref().unwrap_or("?"),
                        s.environment.as_deref().unwrap_or("?"),
                        if s.training { ", TRAINING" } else { "" }
                    )),
                    _ => out.push_str("Not set up: run `duka init ...` or `duka training`\n"),
                }
                out.push_str(&format!(
                    "Waiting for KRA: {} pending, {} sending, {} refused",
                    s.outbox.pending, s.outbox.in_flight, s.outbox.parked
                ));
                out
            })?;
        }
        Command::Refresh => {
            let r = duka.refresh().await?;
            emit(json, &r, |r| format!("KRA lists downloaded: {}", r.detail))?;
        }
        Command::Item(c) => item_command(duka, json, c).await?,
        Command::Stock(c) => stock_command(duka, json, c)?,
        Command::Settings(c) => settings_command(duka, json, c)?,
        Command::Sale { items, buyer_pin, buyer_name, payment } => {
            let lines = items
                .iter()
                .map(|s| {
                    let (item, qty, price) = item_spec(s, true, false)?;
                    Ok(SaleLineRequest { item, qty, price, discount: Discount::None })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let payment: PaymentType = parse("payment type", &payment)?;
            let r = duka.make_sale(&SaleRequest { lines, buyer_pin, buyer_name, payment })?;
            emit(json, &r, |r| {
                format!(
                    "{} committed: total KES {} (VAT {}){}",
                    r.trader_no,
                    Money::parse(&r.totals.total).unwrap_or_default(),
                    Money::parse(&r.totals.tax).unwrap_or_default(),
                    if r.training { " — TRAINING" } else { "" }
                )
            })?;
        }
        Command::Sales { limit } => {
            let list = duka.sales(limit)?;
            emit(json, &list, |l| {
                l.iter()
                    .map(|s| format!("{}  {}  KES {:>12}  {}", s.trader_no, s.committed_at, s.total, kra_line(&s.kra)))
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        Command::CreditNote { invoice, reason, items } => {
            let reason: CreditNoteReason = parse("reason", &reason)?;
            let lines = items
                .iter()
                .map(|s| item_spec(s, false, false).map(|(i, q, _)| (i, q)))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let r = duka.issue_credit_note(&CreditNoteRequest { invoice, reason, lines })?;
            emit(json, &r, |r| {
                format!("{} committed against {}: KES {}", r.trader_no, r.sale_trader_no, r.totals.total)
            })?;
        }
        Command::Purchases(c) => purchase_command(duka, json, c)?,
        Command::Imports(c) => import_command(duka, json, c)?,
        Command::Notices => {
            let list = duka.notices()?;
            emit(json, &list, |l| {
                if l.is_empty() {
                    return "No notices from KRA".into();
                }
                l.iter()
                    .map(|n| format!("#{} {}\n  {}", n.notice_no, n.title, n.content))
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        Command::Outbox { done } => {
            let view = duka.outbox(done)?;
            emit(json, &view, |v| {
                let mut lines = vec![format!(
                    "{} pending, {} sending, {} refused",
                    v.summary.pending, v.summary.in_flight, v.summary.parked
                )];
                lines.extend(v.rows.iter().map(|r| {
                    format!(
                        "#{:<6} {:<18} {:<20} {:<9} attempts {}{}",
                        r.id,
                        r.kind,
                        r.document,
                        r.state,
                        r.attempts,
                        r.last_error.as_deref().map(|e| format!(" — {e}")).unwrap_or_default()
                    )
                }));
                lines.join("\n")
            })?;
        }
        Command::Sync { once: true } => {
            let r = duka.sync_now().await?;
            let clean = r.outbox.pending == 0 && r.outbox.parked == 0 && r.outbox.in_flight == 0;
            if json {
                emit(true, &r, |_| String::new())?;
            } else {
                say(&format!(
                    "Sent {}; {} waiting to retry, {} refused by KRA; left: {} pending, {} refused",
                    r.sent, r.retrying, r.parked, r.outbox.pending, r.outbox.parked
                ))?;
            }
            if !clean {
                eprintln!(
                    "not everything reached KRA: {} still pending, {} refused{}",
                    r.outbox.pending,
                    r.outbox.parked,
                    if r.problems.is_empty() { String::new() } else { format!(": {}", r.problems.join("; ")) }
                );
                return Ok(ExitCode::from(1));
            }
        }
        Command::Sync { once: false } => {
            let first = duka.sync_now().await?;
            eprintln!("Syncing until Ctrl-C (sent {} now, {} pending)", first.sent, first.outbox.pending);
            tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
        }
        Command::Receipt { document, out, paper: p, copy, text } => {
            let doc = DocumentNo(document);
            let bytes = if text {
                duka.receipt_text(&doc, paper(&p)?, copy)?.into_bytes()
            } else {
                duka.receipt_pdf(&doc, paper(&p)?, copy)?
            };
            std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            let value = serde_json::json!({"document": doc.0, "out": out, "bytes": bytes.len()});
            emit(json, &value, |_| format!("Receipt {} written to {}", doc.0, out.display()))?;
        }
        Command::LookupPin { pin } => {
            let b = duka.lookup_buyer_pin(&pin).await?;
            emit(json, &b, |b| format!("{}: {}", b.pin, b.name.as_deref().unwrap_or("(no name)")))?;
        }
        Command::DemoCatalogue => {
            let r = duka.seed_demo_catalogue()?;
            emit(json, &r, |r| format!("{} demo items added ({} already there)", r.items_added, r.items_skipped))?;
        }
        Command::Report(c) => books::report(duka, json, c)?,
        Command::Export { what } => books::export(duka, json, what)?,
        Command::Import(c) => books::import(duka, json, c)?,
        Command::Backup { to, with_key, list } => books::backup(duka, json, to, with_key, list)?,
        Command::Restore { .. } => return Err(usage("restore runs before the shop is opened")),
    }
    Ok(ExitCode::SUCCESS)
}

/// `duka restore`: stages the checked backup and swaps it in by opening the database (the
/// shop's own connection is never open here).
fn restore(db: &std::path::Path, backup: &std::path::Path, with_key: bool, json: bool) -> anyhow::Result<ExitCode> {
    use app::Clock as _;
    let passphrase = if with_key { Some(books::passphrase()?) } else { None };
    let plan = app::backup::stage_restore(db, backup, passphrase.as_deref(), app::SystemClock.now())?;
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

async fn item_command(duka: &Duka, json: bool, c: ItemCommand) -> anyhow::Result<()> {
    match c {
        ItemCommand::Compose { item, parts } => {
            let parts = parts
                .iter()
                .map(|s| item_spec(s, false, false).map(|(i, q, _)| (i, q)))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let saved = duka.save_item_composition(&item, &parts).await?;
            let value = serde_json::json!({"item": item, "components": saved});
            emit(json, &value, |_| format!("Composition of {item} saved, queued for KRA: {}", saved.join(", ")))?;
        }
        ItemCommand::Add { name, class_code, item_type, pkg, unit, band, price, barcode, origin } => {
            let new = NewItem {
                name,
                class_code,
                item_type: parse::<ItemType>("item type", &item_type)?,
                origin,
                pkg_unit: pkg,
                qty_unit: unit,
                tax_band: parse::<TaxBand>("tax band", &band)?,
                price: money(&price)?,
                barcode,
            };
            let v = duka.register_item(&new)?;
            emit(json, &v, |v| format!("{} registered as {} (KES {})", v.name, v.code, v.price))?;
        }
        ItemCommand::List { search } => {
            let list = duka.items(search.as_deref())?;
            emit(json, &list, |l| {
                l.iter()
                    .map(|i| {
                        format!(
                            "{}  {:<30} {} KES {:>10}  stock {}{}",
                            i.code,
                            i.name,
                            i.tax_band,
                            i.price,
                            i.on_hand.as_deref().unwrap_or("-"),
                            if i.active { "" } else { "  (off)" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        ItemCommand::Update { item, name, class_code, band, price, barcode, no_barcode, active } => {
            let change = ItemChange {
                name,
                class_code,
                tax_band: band.as_deref().map(|b| parse::<TaxBand>("tax band", b)).transpose()?,
                price: price.as_deref().map(money).transpose()?,
                barcode: if no_barcode { Some(None) } else { barcode.map(Some) },
                active,
            };
            let v = duka.update_item(&item, &change)?;
            emit(json, &v, |v| format!("{} ({}) updated", v.name, v.code))?;
        }
    }
    Ok(())
}

fn stock_command(duka: &Duka, json: bool, c: StockCommand) -> anyhow::Result<()> {
    match c {
        StockCommand::Adjust { items, move_type, remark } => {
            let kind: StockMoveType = parse("movement type", &move_type)?;
            let lines = items
                .iter()
                .map(|s| item_spec(s, false, false).map(|(item, qty, _)| StockLineRequest { item, qty }))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let r = duka.adjust_stock(kind, &lines, remark.as_deref())?;
            emit(json, &r, |r| format!("{} recorded ({} lines)", r.trader_no, r.lines))?;
        }
        StockCommand::List => {
            let list = duka.stock_levels()?;
            emit(json, &list, |l| {
                l.iter().map(|s| format!("{}  {:<30} {}", s.code, s.name, s.on_hand)).collect::<Vec<_>>().join("\n")
            })?;
        }
    }
    Ok(())
}

fn settings_command(duka: &Duka, json: bool, c: SettingsCommand) -> anyhow::Result<()> {
    match c {
        SettingsCommand::StockPolicy { policy } => {
            match policy.as_deref() {
                Some("allow") => duka.set_stock_policy(StockPolicy::AllowNegative)?,
                Some(_) => duka.set_stock_policy(StockPolicy::Refuse)?,
                None => {}
            }
            let (name, meaning) = match duka.stock_policy()? {
                StockPolicy::Refuse => ("refuse", "a sale of more than is on hand is refused"),
                StockPolicy::AllowNegative => ("allow", "a sale may take stock below zero"),
            };
            let value = serde_json::json!({"stock_policy": name});
            emit(json, &value, |_| format!("Stock policy: {name} ({meaning})"))?;
        }
    }
    Ok(())
}

fn purchase_command(duka: &Duka, json: bool, c: PurchaseCommand) -> anyhow::Result<()> {
    match c {
        PurchaseCommand::List { all } => {
            let list = duka.purchases(!all)?;
            emit(json, &list, |l| {
                if l.is_empty() {
                    return "No purchases waiting".into();
                }
                l.iter()
                    .map(|p| {
                        let mut s = format!(
                            "#{} {} {} invoice {} KES {} {}",
                            p.id,
                            p.supplier_pin,
                            p.supplier_name.as_deref().unwrap_or(""),
                            p.supplier_invoice_no,
                            p.total,
                            p.decision.unwrap_or("waiting")
                        );
                        for line in &p.lines {
                            s.push_str(&format!(
                                "\n  {}: {} x {} -> {}",
                                line.seq,
                                line.qty,
                                line.name,
                                line.proposed_item.as_deref().unwrap_or("(choose an item)")
                            ));
                        }
                        s
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        PurchaseCommand::Confirm { id, maps } => {
            let mappings = maps
                .iter()
                .map(|m| match m.split_once(':') {
                    Some((seq, item)) => Ok(LineMapping { seq: parse("line number", seq)?, item: item.to_owned() }),
                    None => Err(usage(format!("\"{m}\" is not SEQ:ITEM, e.g. 1:KE2NTNO0000003"))),
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let r = duka.confirm_purchase(id, &mappings)?;
            emit(json, &r, |r| format!("{} confirmed: KES {}", r.trader_no, r.totals.total))?;
        }
        PurchaseCommand::Reject { id } => {
            let r = duka.reject_purchase(id)?;
            emit(json, &r, |r| format!("Purchase #{} rejected", r.id))?;
        }
        PurchaseCommand::Record { items, supplier_pin, supplier_name, supplier_invoice, payment } => {
            let lines = items
                .iter()
                .map(|s| {
                    let (item, qty, price) = item_spec(s, true, true)?;
                    Ok(ManualPurchaseLine {
                        item,
                        qty,
                        unit_price: price.unwrap_or_default(),
                        discount: Money::ZERO,
                        band: None,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let manual = ManualPurchase {
                supplier_pin,
                supplier_name,
                supplier_invoice_no: supplier_invoice,
                date: None,
                payment: parse("payment type", &payment)?,
                lines,
            };
            let r = duka.record_purchase(&manual)?;
            emit(json, &r, |r| format!("{} recorded: KES {}", r.trader_no, r.totals.total))?;
        }
    }
    Ok(())
}

fn import_command(duka: &Duka, json: bool, c: ImportCommand) -> anyhow::Result<()> {
    match c {
        ImportCommand::List { all } => {
            let list = duka.imports(!all)?;
            emit(json, &list, |l| {
                if l.is_empty() {
                    return "No imports waiting".into();
                }
                l.iter()
                    .map(|i| {
                        format!(
                            "#{} {} {} {} {}",
                            i.id,
                            i.name,
                            i.qty.as_deref().unwrap_or("?"),
                            i.qty_unit.as_deref().unwrap_or(""),
                            i.decision.unwrap_or("waiting")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        ImportCommand::Accept { id, item, qty: q } => {
            let r = duka.accept_import(id, &item, q.as_deref().map(qty).transpose()?)?;
            emit(json, &r, |r| format!("Import #{} accepted", r.id))?;
        }
        ImportCommand::Reject { id } => {
            let r = duka.reject_import(id)?;
            emit(json, &r, |r| format!("Import #{} rejected", r.id))?;
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DUKA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli).await {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(u) = e.downcast_ref::<Usage>() {
                eprintln!("duka: {u}");
                return ExitCode::from(2);
            }
            match e.downcast_ref::<app::Error>() {
                Some(app_error) => eprintln!("duka: {app_error}"),
                None => eprintln!("duka: {e:#}"),
            }
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_specs() {
        let q = |h| Qty::from_hundredths(h);
        for (spec, price_allowed, price_needed, expected) in [
            ("KE2NTNO0000001:2", true, false, Some(("KE2NTNO0000001", q(200), None))),
            ("6161100120015:1.5:180", true, false, Some(("6161100120015", q(150), Some(18_000)))),
            ("KE2NTNO0000001:2:180", false, false, None),
            ("KE2NTNO0000001:2", true, true, None),
            ("KE2NTNO0000001", true, false, None),
            ("KE2NTNO0000001:two", true, false, None),
            ("KE2NTNO0000001:1:abc", true, false, None),
        ] {
            let got = item_spec(spec, price_allowed, price_needed).ok();
            let got = got.as_ref().map(|(c, q, p)| (c.as_str(), *q, p.map(Money::cents)));
            assert_eq!(got, expected, "{spec}");
        }
    }

    #[test]
    fn papers_and_environments() {
        for (input, expected) in
            [("80", Some(Paper::Roll80)), ("58mm", Some(Paper::Roll58)), ("A4", Some(Paper::A4)), ("75", None)]
        {
            assert_eq!(paper(input).ok(), expected, "{input}");
        }
        assert!(environment("training").is_err(), "training has its own command");
        assert!(matches!(environment("production"), Ok(store::Environment::Production)));
    }
}
