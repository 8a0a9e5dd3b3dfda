//! `duka`: the shop's use cases on the command line, for headless use, scripting and tests.
//! Exit codes: 0 done, 1 refused (by validation or KRA) or failed (message on stderr), 2 usage.
//!
//! This file holds the command table and the dispatch; each group of commands (and its
//! arguments) lives in its own module.

mod books;
mod device;
mod input;
mod items;
mod outbox;
mod output;
mod purchases;
mod sales;
mod users;

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context as _;
use app::{Action, AppOptions, Duka};
use clap::{Parser, Subcommand};

use crate::{input::Usage, output::is_broken_pipe};

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
    /// Who is at the till: an active user, signed in with the PIN from DUKA_PIN or asked on the
    /// terminal (never an argument). The role table applies to what they may do.
    #[arg(long, global = true)]
    user: Option<String>,
    /// A supervisor or the owner approving, on the spot, what --user may do only with approval
    /// (a credit note, a Z report, a price below the item's, a discount above the limit); the
    /// approver's PIN from DUKA_APPROVER_PIN or asked.
    #[arg(long, global = true)]
    approver: Option<String>,
    /// Seconds to wait for KRA on one call.
    #[arg(long, global = true, default_value_t = 120)]
    kra_timeout: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Initialise this till's device with KRA (the communication key is issued once).
    Init(device::InitArgs),
    /// Set the device up with a communication key KRA issued earlier (read from
    /// DUKA_COMMUNICATION_KEY or standard input, never an argument).
    ImportKey(device::ImportKeyArgs),
    /// Practice mode: a built-in KRA simulator, nothing reaches KRA.
    Training(device::TrainingArgs),
    /// Where the till stands.
    Status,
    /// Download KRA's reference data (code lists, tax rates, classifications), notices, purchases, imports.
    Refresh,
    /// Items: add, list, update.
    #[command(subcommand)]
    Item(items::ItemCommand),
    /// Stock: adjust, list.
    #[command(subcommand)]
    Stock(items::StockCommand),
    /// Shop settings: the stock policy.
    #[command(subcommand)]
    Settings(items::SettingsCommand),
    /// Ring up a sale.
    Sale(sales::SaleArgs),
    /// List sales, newest first.
    Sales(sales::SalesArgs),
    /// Credit (part of) a sale.
    CreditNote(sales::CreditNoteArgs),
    /// Purchases from KRA's feed, and purchases keyed by hand.
    #[command(subcommand)]
    Purchases(purchases::PurchaseCommand),
    /// Customs imports from KRA.
    #[command(subcommand)]
    Imports(purchases::ImportCommand),
    /// KRA's notices.
    Notices,
    /// What is waiting for KRA.
    Outbox(outbox::OutboxArgs),
    /// Send what is waiting to KRA: until Ctrl-C, or once with --once.
    Sync(outbox::SyncArgs),
    /// Write a receipt (a reprint is a COPY).
    Receipt(sales::ReceiptArgs),
    /// Look a buyer's PIN up with KRA.
    LookupPin(device::LookupPinArgs),
    /// Load the demo catalogue (training).
    DemoCatalogue,
    /// Reports: X, Z (closes the day), sales, purchases, stock, VAT summary.
    #[command(subcommand)]
    Report(books::ReportCommand),
    /// Write sales/credit notes or purchases as a Xero or QuickBooks import file.
    Export {
        #[command(subcommand)]
        what: books::ExportCommand,
    },
    /// Import items (and opening stock) from Duka's item CSV or a Xero/QuickBooks item list.
    #[command(subcommand)]
    Import(books::ImportFileCommand),
    /// Back the database up now (or list the backups). The communication key is left out unless
    /// --with-key is given; its passphrase is read from DUKA_BACKUP_PASSPHRASE.
    Backup(books::BackupArgs),
    /// The people at the till: the first owner, then (owner only) add, list, role, reset-pin, deactivate.
    #[command(subcommand)]
    User(users::UserCommand),
    /// Restore a backup: checked first, then it replaces the database (kept in the backups folder).
    /// Close every Duka window first: the restore refuses while the database is open elsewhere.
    Restore(books::RestoreArgs),
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let db = match cli.db.clone() {
        Some(db) => db,
        None => store::default_db_path().context("finding Duka's data folder")?,
    };
    let follow = matches!(&cli.command, Command::Sync(s) if !s.once);
    let options = AppOptions {
        spawn_sync_worker: follow,
        kra_timeout: std::time::Duration::from_secs(cli.kra_timeout.max(1)),
        ..AppOptions::default()
    };
    let duka = Duka::open(&db, options).await?;
    let signed_in = sign_in(&duka, &cli);
    if let Command::Restore(a) = &cli.command {
        // The owner's: checked on the open shop, which is closed before the swap.
        let allowed = signed_in.and_then(|()| Ok(duka.authorize(&[Action::Restore])?));
        duka.shutdown().await;
        drop(duka);
        allowed?;
        return books::restore(&db, a, cli.json);
    }
    let code = match signed_in {
        Ok(()) => command(&duka, cli.json, cli.command).await,
        Err(e) => Err(e),
    };
    duka.shutdown().await;
    code
}

/// Signs `--user` in (or creates the first owner for `duka user owner`) and takes `--approver`'s
/// approval for what the command may need.
fn sign_in(duka: &Duka, cli: &Cli) -> anyhow::Result<()> {
    let creating_owner = matches!(cli.command, Command::User(users::UserCommand::Owner));
    let Some(name) = &cli.user else {
        if creating_owner {
            return Err(input::usage("give the owner's name with --user NAME"));
        }
        return Ok(());
    };
    users::sign_in(duka, name, creating_owner)?;
    if let Some(approver) = &cli.approver {
        let actions: &[Action] = match &cli.command {
            Command::CreditNote(_) => &[Action::CreditNote],
            Command::Report(books::ReportCommand::Z { number: None, .. }) => &[Action::ZReport],
            Command::Sale(_) => &[Action::PriceBelowItemPrice, Action::DiscountAboveLimit],
            _ => &[],
        };
        users::approve(duka, approver, actions)?;
    }
    Ok(())
}

async fn command(duka: &Duka, json: bool, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Init(a) => device::init(duka, json, a).await?,
        Command::ImportKey(a) => device::import_key(duka, json, a).await?,
        Command::Training(a) => device::training(duka, json, a).await?,
        Command::Status => device::status(duka, json)?,
        Command::Refresh => device::refresh(duka, json).await?,
        Command::Item(c) => items::item(duka, json, c).await?,
        Command::Stock(c) => items::stock(duka, json, c)?,
        Command::Settings(c) => items::settings(duka, json, c)?,
        Command::Sale(a) => sales::sale(duka, json, a)?,
        Command::Sales(a) => sales::sales(duka, json, a)?,
        Command::CreditNote(a) => sales::credit_note(duka, json, a)?,
        Command::Purchases(c) => purchases::purchases(duka, json, c)?,
        Command::Imports(c) => purchases::imports(duka, json, c)?,
        Command::Notices => device::notices(duka, json)?,
        Command::Outbox(a) => outbox::outbox(duka, json, a)?,
        Command::Sync(a) => return outbox::sync(duka, json, a).await,
        Command::Receipt(a) => sales::receipt(duka, json, a)?,
        Command::LookupPin(a) => device::lookup_pin(duka, json, a).await?,
        Command::DemoCatalogue => items::demo_catalogue(duka, json)?,
        Command::Report(c) => books::report(duka, json, c)?,
        Command::Export { what } => books::export(duka, json, what)?,
        Command::Import(c) => books::import(duka, json, c)?,
        Command::Backup(a) => books::backup(duka, json, a)?,
        Command::User(c) => users::user(duka, json, c)?,
        Command::Restore(_) => return Err(input::usage("restore runs before the shop is opened")),
    }
    Ok(ExitCode::SUCCESS)
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
                Some(app::Error::SignInNeeded) => {
                    eprintln!("duka: nobody is signed in: give --user NAME (the PIN from DUKA_PIN, or asked)");
                }
                Some(app::Error::OwnerNeeded) => eprintln!(
                    "duka: this till has no owner yet: create the owner first with `duka --user NAME user owner` \
                     (the PIN from DUKA_PIN, or asked)"
                ),
                Some(app_error) => eprintln!("duka: {app_error}"),
                None => eprintln!("duka: {e:#}"),
            }
            ExitCode::from(1)
        }
    }
}
