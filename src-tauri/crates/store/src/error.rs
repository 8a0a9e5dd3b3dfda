//! Errors of the store: each variant names the operation that failed and, where the shopkeeper can
//! act, says how to fix it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no data folder could be found for Duka on this computer (the home folder is not set)")]
    NoDataDir,
    #[error("could not create the data folder {path}: {source}")]
    CreateDataDir { path: PathBuf, source: std::io::Error },
    #[error("could not make {path} readable by this user only: {source}")]
    MakePrivate { path: PathBuf, source: std::io::Error },
    #[error("could not open the database {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error(
        "the database {path} is damaged ({detail}). It has NOT been changed. Close Duka, keep a copy of this file \
         and restore the latest backup, or contact support with the copy"
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "the database {path} is not a Duka database ({detail}). It has NOT been changed: choose the right file or \
         move this one aside"
    )]
    NotDuka { path: PathBuf, detail: String },
    #[error(
        "the database was written by a newer Duka (schema {found}, this version knows up to {known}). It has NOT \
         been changed: install the newer Duka again"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error(
        "schema step {version} ({name}) recorded in the database differs from the one this Duka ships. The \
         database has NOT been changed: install the Duka version that created it, or contact support"
    )]
    MigrationChanged { version: i64, name: &'static str },
    #[error("could not apply schema step {version} ({name}): {source}")]
    Migrate { version: i64, name: &'static str, source: rusqlite::Error },
    #[error("could not start the background checkpointer: {source}")]
    StartCheckpointer { source: std::io::Error },
    #[error("the database stayed in {mode} journal mode instead of WAL: move the data folder to a local disk")]
    NoWal { mode: String },
    #[error("the database is busy in another part of Duka after an earlier failure: restart Duka")]
    Poisoned,
    #[error("could not {operation}: {source}")]
    Db { operation: &'static str, source: rusqlite::Error },
    #[error("the database holds a value Duka cannot read for {what}: \"{value}\"")]
    StoredValue { what: &'static str, value: String },
    #[error("there is no item with code {code}: add it under Items first")]
    ItemNotFound { code: String },
    #[error("item {code} is already registered: change it under Items instead")]
    ItemExists { code: String },
    #[error(
        "item {code} cannot change its type, country or units: KRA needs a new item for that, so add one under Items"
    )]
    ItemIdentityChanged { code: String },
    #[error("a stock document holds one kind of movement; {first} and {other} were mixed: record them separately")]
    MixedStockMoves { first: String, other: String },
    #[error("line {sale_line} of sale {sale}: only {remaining} is left to credit, {wanted} asked")]
    CreditExceedsSale { sale: String, sale_line: u16, remaining: domain::Qty, wanted: domain::Qty },
    #[error("the credit note does not match its draft (lines differ): finalise the draft again")]
    CreditNoteDraftMismatch,
    #[error("barcode {barcode} already belongs to {other}: each barcode can name one item only")]
    BarcodeTaken { barcode: String, other: String },
    #[error("there is already a user called {name}: choose another name")]
    UserExists { name: String },
    #[error("{kind} {id} does not exist")]
    DocumentNotFound { kind: &'static str, id: i64 },
    #[error("{what} was already {decision}")]
    AlreadyDecided { what: &'static str, decision: String },
    #[error("outbox row {id} is {state}, so it cannot be {action}")]
    OutboxState { id: i64, state: String, action: &'static str },
    #[error("outbox row {id} already has a frozen request body: retries must resend the same bytes")]
    RequestAlreadyFrozen { id: i64 },
    #[error(
        "KRA number {number} of {counter} is still reserved for outbox row {outbox_id}: check with KRA whether that \
         call went through before sending another"
    )]
    CounterBusy { counter: &'static str, number: i64, outbox_id: i64 },
    #[error("no open reservation of {counter} number {number}")]
    NoReservation { counter: &'static str, number: i64 },
    #[error("{document} is already signed by KRA")]
    AlreadySigned { document: String },
    #[error("the KRA tax rates are not downloaded yet: sync the code lists first ({source})")]
    TaxRates { source: domain::Error },
    #[error("could not write the backup {path}: {source}")]
    BackupIo { path: PathBuf, source: std::io::Error },
    #[error("could not copy the database to {path}: {source}")]
    Backup { path: PathBuf, source: rusqlite::Error },
    #[error("the backup {path} was NOT restored: {reason}. Nothing was replaced; choose another backup")]
    BackupRefused { path: PathBuf, reason: String },
    #[error(
        "the backup {path} was NOT restored, because {losses}. Nothing was replaced: restore a newer backup of this \
         shop, or export what you need from that backup instead"
    )]
    RestoreWouldLose { path: PathBuf, losses: String },
    #[error(
        "the database {path} is open in another Duka window or program, so it cannot be replaced now: close every \
         Duka and run the restore again (the restore is still waiting and nothing was replaced)"
    )]
    DatabaseInUse { path: PathBuf },
    #[error(
        "This computer's clock says {now}, but the last {last_kind} was recorded at {last_at}: set the date and time \
         right, then {again} (nothing was recorded)"
    )]
    ClockBehind { now: String, last_kind: &'static str, last_at: String, again: &'static str },
    #[error(
        "Duka did NOT {action}: the shop's fiscal records fail their tamper check ({problems}). Nothing was changed or \
         repaired: keep this computer as it is and contact support"
    )]
    ChainBroken { action: &'static str, problems: String },
    #[error("a trial run was rolled back on purpose: nothing was written")]
    TrialRolledBack,
    #[error("{0}")]
    Domain(#[from] domain::Error),
    #[error(transparent)]
    StoreThread(#[from] crate::bridge::ThreadStopped),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Attaches the failed operation to a rusqlite error.
pub(crate) trait During<T> {
    fn during(self, operation: &'static str) -> Result<T>;
}

impl<T> During<T> for std::result::Result<T, rusqlite::Error> {
    fn during(self, operation: &'static str) -> Result<T> {
        self.map_err(|source| Error::Db { operation, source })
    }
}
