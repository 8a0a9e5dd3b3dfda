//! Backups of the shop's database: online copies through SQLite's backup API (the till keeps
//! selling while one is taken), kept in rotation in a `backups` folder next to the database,
//! checked before a restore replaces anything, and never carrying the secrets table (the
//! communication key travels only encrypted, beside the backup, when the user asks for it).
//!
//! A restore is staged: the checked backup is copied next to the database as `<db>.restore` and
//! swapped in by the next [`crate::Store::open`], before any connection exists. The database it
//! replaces is kept in the backups folder.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use rusqlite::{Connection, OpenFlags, OptionalExtension, backup::Backup};

use crate::{Error, Result, migrations};

/// Why a backup was taken; each kind has its own rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BackupKind {
    /// The daily automatic backup (and one taken by hand).
    Daily,
    /// Taken before the schema was upgraded.
    PreMigration,
    /// The database a restore replaced.
    BeforeRestore,
}

impl BackupKind {
    pub const ALL: [BackupKind; 3] = [BackupKind::Daily, BackupKind::PreMigration, BackupKind::BeforeRestore];

    pub fn as_str(self) -> &'static str {
        match self {
            BackupKind::Daily => "daily",
            BackupKind::PreMigration => "pre-migration",
            BackupKind::BeforeRestore => "before-restore",
        }
    }

    /// How many backups of this kind the folder keeps; `None`: every one. The database a restore
    /// replaced is never rotated away: it may hold the only copy of documents the restore dropped.
    pub fn keep(self) -> Option<usize> {
        match self {
            BackupKind::Daily => Some(7),
            BackupKind::PreMigration => Some(4),
            BackupKind::BeforeRestore => None,
        }
    }
}

/// One backup in the backups folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFile {
    pub path: PathBuf,
    pub kind: BackupKind,
    /// `YYYYMMDDhhmmss` (local time) when it was taken.
    pub taken_at: String,
    pub bytes: u64,
    /// Whether an encrypted copy of the secrets lies beside it.
    pub has_key: bool,
}

/// The backups folder of the database at `db_path`.
pub fn backup_dir(db_path: &Path) -> PathBuf {
    db_path.parent().unwrap_or_else(|| Path::new(".")).join("backups")
}

/// Where the encrypted secrets of backup `backup` lie.
pub fn key_file(backup: &Path) -> PathBuf {
    let mut name = backup.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// Where a staged restore waits for the next open.
pub fn staged_restore_path(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".restore");
    PathBuf::from(name)
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::BackupIo { path: path.to_owned(), source }
}

fn sql(path: &Path, source: rusqlite::Error) -> Error {
    Error::Backup { path: path.to_owned(), source }
}

/// Copies the database open on `conn` to `dest` (replaced if present) with the online backup API,
/// then removes the secrets from the copy and compacts it so no trace of them remains in its
/// pages. Writes to a temporary file first, so `dest` is either the old file or a whole backup.
/// A database whose fiscal chain fails its check ([`crate::chain::verify_chain`]) is refused
/// ([`Error::ChainBroken`]) and nothing is written.
pub fn copy_database(conn: &Connection, dest: &Path) -> Result<()> {
    // A database whose fiscal records fail their tamper check is not copied over good backups.
    if migrations::applied_version(conn)? >= crate::chain::SINCE_SCHEMA {
        crate::chain::verify(conn, 0)?.refuse("take the backup")?;
    }
    copy_file(conn, dest)
}

/// [`copy_database`] without the tamper check: the copy taken before a schema upgrade, which must
/// not keep a shop from opening (its finding is reported once the store is open).
fn copy_file(conn: &Connection, dest: &Path) -> Result<()> {
    if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::private::create_dir(parent).map_err(|e| io(parent, e))?;
    }
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    // A copy that fails half-way (a full disk) leaves no file behind: it may hold the key.
    let copied =
        copy_without_secrets(conn, &partial).and_then(|()| std::fs::rename(&partial, dest).map_err(|e| io(dest, e)));
    if copied.is_err() {
        let _ = std::fs::remove_file(&partial);
        let mut journal = partial.as_os_str().to_owned();
        journal.push("-journal");
        let _ = std::fs::remove_file(journal);
    }
    copied
}

/// The online-backup copy into `partial` (created `0600`), with the secrets deleted and their
/// pages rewritten: `secure_delete` zeroes what the delete frees and the journal stays in memory,
/// so no journal file on the disk ever holds a page with the key.
fn copy_without_secrets(conn: &Connection, partial: &Path) -> Result<()> {
    crate::private::create_file(partial).map_err(|e| io(partial, e))?;
    let mut out = Connection::open(partial).map_err(|e| sql(partial, e))?;
    Backup::new(conn, &mut out)
        .and_then(|b| b.run_to_completion(256, Duration::ZERO, None))
        .map_err(|e| sql(partial, e))?;
    // The copy carries the source's WAL flag; a backup is one self-contained file.
    out.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(())).map_err(|e| sql(partial, e))?;
    out.query_row("PRAGMA journal_mode = MEMORY", [], |_| Ok(())).map_err(|e| sql(partial, e))?;
    out.execute_batch("PRAGMA secure_delete = ON; DELETE FROM secrets; VACUUM;").map_err(|e| sql(partial, e))?;
    out.close().map_err(|(_, e)| sql(partial, e))?;
    std::fs::File::open(partial).and_then(|f| f.sync_all()).map_err(|e| io(partial, e))
}

/// A read-only connection of its own on the database file, so a backup reads a consistent
/// snapshot (WAL) without holding the till's writer connection for the length of the copy.
pub fn open_source(db_path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(db_path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| sql(db_path, e))?;
    conn.busy_timeout(crate::BUSY_TIMEOUT).map_err(|e| sql(db_path, e))?;
    Ok(conn)
}

/// Takes a backup of kind `kind` into the backups folder of `db_path` (stamped `taken_at`,
/// `YYYYMMDDhhmmss`) and drops the oldest of that kind beyond its rotation.
pub fn take_backup(conn: &Connection, db_path: &Path, kind: BackupKind, taken_at: &str) -> Result<PathBuf> {
    let dir = backup_dir(db_path);
    let dest = dir.join(format!("duka-{}-{taken_at}.db", kind.as_str()));
    if kind == BackupKind::PreMigration {
        copy_file(conn, &dest)?
    } else {
        copy_database(conn, &dest)?
    }
    rotate(&dir, kind)?;
    Ok(dest)
}

/// `duka-<kind>-<stamp>.db` in `dir`, or `...-<stamp>-N.db` when that name is taken, so a second
/// restore within a second never replaces the first one's kept database.
fn unused_name(dir: &Path, kind: BackupKind, stamp: &str) -> PathBuf {
    let first = dir.join(format!("duka-{}-{stamp}.db", kind.as_str()));
    if !first.exists() {
        return first;
    }
    (2..).map(|n| dir.join(format!("duka-{}-{stamp}-{n}.db", kind.as_str()))).find(|p| !p.exists()).unwrap_or(first)
}

/// Every backup in `dir`, newest first.
pub fn list_backups(dir: &Path) -> Result<Vec<BackupFile>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(io(dir, e)),
    };
    let mut out = vec![];
    for entry in entries {
        let path = entry.map_err(|e| io(dir, e))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        let Some(stem) = name.strip_prefix("duka-").and_then(|n| n.strip_suffix(".db")) else { continue };
        let Some(kind) = BackupKind::ALL.into_iter().find(|k| stem.starts_with(&format!("{}-", k.as_str()))) else {
            continue;
        };
        // `YYYYMMDDhhmmss`, then `-N` when another backup of that kind was taken in the same second.
        let stamp = &stem[kind.as_str().len() + 1..];
        let (taken_at, repeat) = stamp.split_at(stamp.len().min(14));
        let repeat_ok = repeat.is_empty()
            || repeat.strip_prefix('-').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if taken_at.len() != 14 || !taken_at.bytes().all(|b| b.is_ascii_digit()) || !repeat_ok {
            continue;
        }
        let taken_at = taken_at.to_owned();
        let bytes = std::fs::metadata(&path).map_err(|e| io(&path, e))?.len();
        let has_key = key_file(&path).exists();
        out.push(BackupFile { path, kind, taken_at, bytes, has_key });
    }
    out.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then_with(|| b.path.cmp(&a.path)));
    Ok(out)
}

/// Deletes the oldest backups of `kind` beyond [`BackupKind::keep`] (and their key files).
pub fn rotate(dir: &Path, kind: BackupKind) -> Result<()> {
    let Some(keep) = kind.keep() else { return Ok(()) };
    for old in list_backups(dir)?.into_iter().filter(|b| b.kind == kind).skip(keep) {
        std::fs::remove_file(&old.path).map_err(|e| io(&old.path, e))?;
        let key = key_file(&old.path);
        if key.exists() {
            std::fs::remove_file(&key).map_err(|e| io(&key, e))?;
        }
    }
    Ok(())
}

/// What checking a backup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupCheck {
    pub schema_version: i64,
    pub sales: i64,
    pub credit_notes: i64,
    pub purchases: i64,
    pub z_reports: i64,
}

/// Checks a backup file without changing it: SQLite's full `integrity_check`, a Duka database of
/// a schema this code knows, every trader number series gap-free up to its recorded last value,
/// and every KRA counter past the highest number KRA confirmed.
pub fn check_backup(path: &Path) -> Result<BackupCheck> {
    let refuse = |reason: String| Error::BackupRefused { path: path.to_owned(), reason };
    if !path.is_file() {
        return Err(refuse("the file does not exist".into()));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| refuse(format!("it cannot be opened ({e})")))?;
    let damaged = |e: rusqlite::Error| refuse(format!("it is damaged ({e})"));
    let problems = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>())
        .map_err(damaged)?;
    if problems != ["ok"] {
        return Err(refuse(format!("it is damaged ({})", problems.join("; "))));
    }
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(damaged)?;
    if app_id != migrations::APPLICATION_ID {
        return Err(refuse("it is not a Duka database".into()));
    }
    let schema_version = migrations::check_applied(&conn).map_err(|e| refuse(e.to_string()))?;
    check_sequences(&conn, refuse)?;
    let count = |table: &str| -> Result<i64> {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).map_err(damaged)
    };
    Ok(BackupCheck {
        schema_version,
        sales: count("sales")?,
        credit_notes: count("credit_notes")?,
        purchases: count("purchases")?,
        z_reports: if schema_version >= 5 { count("z_reports")? } else { 0 },
    })
}

/// What restoring a backup over the live database would take away. Empty: nothing the live
/// database holds is missing from the backup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoreLoss {
    /// Set when the backup is not of this shop's device: PIN, branch or environment differ
    /// (`"backup: … / this till: …"`).
    pub other_shop: Option<String>,
    /// Per series, the documents the live database has past the backup's last number.
    pub documents: Vec<LostDocuments>,
    /// KRA counters the backup is behind on (`counter`, backup's next, live's next): documents
    /// KRA numbered after the backup was taken.
    pub kra_counters: Vec<(String, i64, i64)>,
    /// Z reports the live database issued after the backup (first, last).
    pub z_reports: Option<(i64, i64)>,
}

/// A run of one series' documents a restore would drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostDocuments {
    pub series: String,
    /// The first and last trader numbers lost, e.g. `INV-000046` and `INV-000050`.
    pub first: String,
    pub last: String,
    pub count: i64,
}

impl RestoreLoss {
    pub fn is_empty(&self) -> bool {
        self == &RestoreLoss::default()
    }

    /// One line per loss, for the refusal the owner reads.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![];
        if let Some(other) = &self.other_shop {
            out.push(format!("it is another shop's or another environment's backup ({other})"));
        }
        for d in &self.documents {
            out.push(if d.count == 1 {
                format!("{} would be lost", d.first)
            } else {
                format!("{} documents {} to {} would be lost", d.count, d.first, d.last)
            });
        }
        for (counter, backup, live) in &self.kra_counters {
            out.push(format!(
                "KRA numbered {} more {} after the backup was taken (backup expects {backup}, this till {live})",
                live - backup,
                counter.replace('_', " ")
            ));
        }
        if let Some((first, last)) = self.z_reports {
            out.push(format!("Z reports {first} to {last} would be lost"));
        }
        out
    }
}

/// What restoring `backup` over the database at `db_path` would lose (nothing when no database is
/// there yet, e.g. a new computer). Reads both files without changing them.
pub fn restore_loss(backup: &Path, db_path: &Path) -> Result<RestoreLoss> {
    if !db_path.exists() {
        return Ok(RestoreLoss::default());
    }
    let live = open_source(db_path)?;
    let old = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| sql(backup, e))?;
    let mut loss = RestoreLoss::default();
    let identity = |conn: &Connection, path: &Path| -> Result<Option<(String, String, String)>> {
        conn.query_row("SELECT pin, branch_id, environment FROM device_settings WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()
        .map_err(|e| sql(path, e))
    };
    let shown = |id: &Option<(String, String, String)>| match id {
        Some((pin, branch, env)) => format!("PIN {pin}, branch {branch}, {env}"),
        None => "no device set up".to_owned(),
    };
    let (theirs, ours) = (identity(&old, backup)?, identity(&live, db_path)?);
    if ours.is_some() && theirs != ours {
        loss.other_shop = Some(format!("backup: {} / this till: {}", shown(&theirs), shown(&ours)));
    }
    let last = |conn: &Connection, path: &Path, series: &str| last_in_series(conn, series).map_err(|e| sql(path, e));
    for (prefix, _, _) in SERIES_TABLES {
        let (kept, live_last) = (last(&old, backup, prefix)?, last(&live, db_path, prefix)?);
        if live_last > kept {
            loss.documents.push(LostDocuments {
                series: (*prefix).to_owned(),
                first: format!("{prefix}-{:06}", kept + 1),
                last: format!("{prefix}-{live_last:06}"),
                count: live_last - kept,
            });
        }
    }
    let counters = |conn: &Connection, path: &Path| -> Result<Vec<(String, i64)>> {
        conn.prepare("SELECT counter, next_value FROM kra_counters ORDER BY counter")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(|e| sql(path, e))
    };
    let kept = counters(&old, backup)?;
    for (counter, live_next) in counters(&live, db_path)? {
        let backup_next = kept.iter().find(|(c, _)| *c == counter).map_or(1, |(_, n)| *n);
        if live_next > backup_next {
            loss.kra_counters.push((counter, backup_next, live_next));
        }
    }
    let last_z = |conn: &Connection, path: &Path| -> Result<i64> {
        let has: bool = conn
            .query_row("SELECT count(*) > 0 FROM sqlite_master WHERE name = 'z_reports'", [], |r| r.get(0))
            .map_err(|e| sql(path, e))?;
        if !has {
            return Ok(0);
        }
        conn.query_row("SELECT coalesce(max(number), 0) FROM z_reports", [], |r| r.get(0)).map_err(|e| sql(path, e))
    };
    let (kept_z, live_z) = (last_z(&old, backup)?, last_z(&live, db_path)?);
    if live_z > kept_z {
        loss.z_reports = Some((kept_z + 1, live_z));
    }
    Ok(loss)
}

/// The last number of trader series `series` in the database `conn` (0 when none).
fn last_in_series(conn: &Connection, series: &str) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(last_value), 0) FROM sequences WHERE series = ?1", [series], |r| r.get(0))
}

/// The document tables of each trader number series.
const SERIES_TABLES: &[(&str, &str, &str)] = &[
    ("INV", "sales", "training = 0"),
    ("TRN", "sales", "training = 1"),
    ("CN", "credit_notes", "training = 0"),
    ("TCN", "credit_notes", "training = 1"),
    ("STK", "stock_documents", "1"),
    ("PUR", "purchases", "1"),
];

/// Refuses (through `refuse`, given the reason) a file whose trader series has a gap or a number
/// past its counter, or whose KRA counter is behind a number KRA confirmed.
fn check_sequences(conn: &Connection, refuse: impl Fn(String) -> Error) -> Result<()> {
    let fail = |e: rusqlite::Error| refuse(format!("its numbering cannot be read ({e})"));
    for (prefix, table, filter) in SERIES_TABLES {
        let last = last_in_series(conn, prefix).map_err(fail)?;
        let (count, highest): (i64, i64) = conn
            .query_row(
                &format!(
                    "SELECT count(*), coalesce(max(CAST(substr(trader_no, length(?1) + 2) AS INTEGER)), 0) FROM {table}
                     WHERE {filter} AND trader_no LIKE ?1 || '-%'"
                ),
                [prefix],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(fail)?;
        if count != last || highest != last {
            return Err(refuse(format!(
                "its {prefix} numbers are not consistent ({count} documents, highest {prefix}-{highest:06}, counter at \
                 {last})"
            )));
        }
    }
    let mut stmt = conn
        .prepare(
            "SELECT r.counter, max(r.number), coalesce(c.next_value, 1) FROM kra_reservations r
             LEFT JOIN kra_counters c ON c.counter = r.counter
             WHERE r.state = 'confirmed' GROUP BY r.counter",
        )
        .map_err(fail)?;
    let counters = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(fail)?;
    for (counter, confirmed, next) in counters {
        if next <= confirmed {
            return Err(refuse(format!(
                "its KRA counter {counter} is at {next} although KRA already confirmed number {confirmed}"
            )));
        }
    }
    Ok(())
}

/// Refuses a restore of `backup` that would lose anything the database at `db_path` holds.
fn refuse_loss(backup: &Path, db_path: &Path) -> Result<()> {
    let loss = restore_loss(backup, db_path)?;
    if loss.is_empty() {
        return Ok(());
    }
    Err(Error::RestoreWouldLose { path: backup.to_owned(), losses: loss.lines().join("; ") })
}

/// Checks `backup` and stages it to replace the database at `db_path` at the next open, refusing
/// one that would lose any document, number or Z report the live database holds, or that is of
/// another shop or environment.
pub fn stage_restore(backup: &Path, db_path: &Path) -> Result<BackupCheck> {
    let check = check_backup(backup)?;
    refuse_loss(backup, db_path)?;
    let staged = staged_restore_path(db_path);
    std::fs::copy(backup, &staged).map_err(|e| io(&staged, e))?;
    crate::private::restrict_file(&staged).map_err(|e| io(&staged, e))?;
    Ok(check)
}

/// Swaps a staged restore into place, if one waits: checks it again, refuses while another
/// program has the database open, moves the current database into the backups folder (kind
/// `BeforeRestore`), then renames the staged file over it. Returns where the replaced database
/// was kept. Runs before the store opens its own connection.
pub(crate) fn apply_staged_restore(db_path: &Path) -> Result<Option<PathBuf>> {
    let staged = staged_restore_path(db_path);
    if !staged.exists() {
        return Ok(None);
    }
    check_backup(&staged)?;
    // Documents made after the restore was staged would be lost: the restore is set aside (kept,
    // never applied) and the shop opens as it was.
    if let Err(refused) = refuse_loss(&staged, db_path) {
        let dir = backup_dir(db_path);
        crate::private::create_dir(&dir).map_err(|e| io(&dir, e))?;
        let aside = dir.join(format!("refused-restore-{}.db", std::process::id()));
        std::fs::rename(&staged, &aside).map_err(|e| io(&aside, e))?;
        tracing::warn!(kept = %aside.display(), "{refused}");
        return Ok(None);
    }
    let mut kept = None;
    if db_path.exists() {
        // Folding the WAL into the file needs every other connection closed: a Duka still
        // running elsewhere makes this fail, and nothing is replaced.
        let conn = Connection::open(db_path).map_err(|e| sql(db_path, e))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
            .map_err(|_| Error::DatabaseInUse { path: db_path.to_owned() })?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(Error::DatabaseInUse { path: db_path.to_owned() });
        }
        let stamp: String = conn
            .query_row("SELECT strftime('%Y%m%d%H%M%S', 'now', 'localtime')", [], |r| r.get(0))
            .map_err(|e| sql(db_path, e))?;
        drop(conn);
        let dir = backup_dir(db_path);
        crate::private::create_dir(&dir).map_err(|e| io(&dir, e))?;
        let dest = unused_name(&dir, BackupKind::BeforeRestore, &stamp);
        std::fs::rename(db_path, &dest).map_err(|e| io(&dest, e))?;
        kept = Some(dest);
    }
    std::fs::rename(&staged, db_path).map_err(|e| io(db_path, e))?;
    Ok(kept)
}

/// Takes a pre-migration backup when the database at `conn` exists with an older schema than
/// this code ships.
pub(crate) fn backup_before_migration(conn: &Connection, db_path: &Path) -> Result<Option<PathBuf>> {
    let current = migrations::check_applied(conn)?;
    if current == 0 || current >= migrations::latest_version() {
        return Ok(None);
    }
    let stamp: String = conn
        .query_row("SELECT strftime('%Y%m%d%H%M%S', 'now', 'localtime')", [], |r| r.get(0))
        .map_err(|e| sql(db_path, e))?;
    take_backup(conn, db_path, BackupKind::PreMigration, &stamp).map(Some)
}

/// Writes `secrets` into the database file at `path` that no store has open (a staged restore),
/// so the restored shop has its communication key again.
pub fn put_secrets(path: &Path, secrets: &[(crate::SecretName, crate::Secret)], at: domain::DateTime) -> Result<()> {
    let conn = Connection::open(path).map_err(|e| sql(path, e))?;
    for (name, value) in secrets {
        conn.execute(
            "INSERT INTO secrets (name, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            rusqlite::params![name.as_str(), value.expose(), at.kra()],
        )
        .map_err(|e| sql(path, e))?;
    }
    Ok(())
}
