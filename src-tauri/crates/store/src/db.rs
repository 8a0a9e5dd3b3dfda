//! Opening the shop's database: sanity checks that never modify a suspect file, durable PRAGMAs,
//! migrations, the single writer connection behind a mutex, and a background checkpointer.
//!
//! **Checkpoints.** The writer never checkpoints (`wal_autocheckpoint = 0`), so no sale commit
//! pays for copying the WAL into the database file. A background thread runs a PASSIVE checkpoint
//! on its own connection when the till has been quiet for [`CHECKPOINT_IDLE`], or after
//! [`CHECKPOINT_FORCE_AFTER`] commits without a quiet moment. It writes no data of its own; it
//! only moves committed pages from the WAL into the main file. Under a steady stream of commits
//! (a busy till, a backlog being signed) a PASSIVE checkpoint never catches up with the writer and
//! the WAL would grow without end, so when the WAL is over [`WAL_SIZE_LIMIT`] and the PASSIVE pass
//! left frames behind, a RESTART pass copies the few frames written since (holding commits back
//! for at most [`RESTART_WAIT`] plus that copy) and the next commit starts the WAL over. The
//! writer's `journal_size_limit` then cuts the file back to [`WAL_SIZE_LIMIT`].
//!
//! **Checks on open.** The file must be a SQLite database, Duka's (or empty), with a schema this
//! code knows. `PRAGMA quick_check` reads the whole file, so it runs on open only up to
//! [`QUICK_CHECK_ON_OPEN_MAX_BYTES`]; larger databases are checked by [`Store::verify_integrity`],
//! which the app runs when the till is idle and before every backup.

use std::{
    ops::Deref,
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
        mpsc::{self, RecvTimeoutError, SyncSender},
    },
    thread::JoinHandle,
    time::Duration,
};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::{
    Error, Result,
    error::During,
    migrations::{self, APPLICATION_ID},
};

/// How long a connection waits for a lock held by another connection before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How often the background thread looks at the commit counter.
const CHECKPOINT_POLL: Duration = Duration::from_millis(250);
/// Quiet time after which the background thread checkpoints.
pub const CHECKPOINT_IDLE: Duration = Duration::from_secs(1);
/// Commits after which the background thread checkpoints even without a quiet moment (a 5-line
/// sale writes ~90 KiB of WAL, so the WAL stays under ~45 MiB).
pub const CHECKPOINT_FORCE_AFTER: u64 = 500;
/// How soon a checkpoint round that could not start an oversized WAL over is tried again.
const CHECKPOINT_RETRY: Duration = Duration::from_secs(1);
/// Size of the WAL file above which the checkpointer makes sure the WAL starts over, and to which
/// the file is cut back when it does.
pub const WAL_SIZE_LIMIT: u64 = 32 * 1024 * 1024;
/// How long a RESTART checkpoint waits for readers (a backup's snapshot) before giving up for
/// this round; commits wait behind it at most this long plus the copy.
const RESTART_WAIT: Duration = Duration::from_millis(200);
/// Page cache of the writer connection, in KiB: SQLite's default, stated. The pages it misses come
/// from the OS's cache: on the store bench's million-sale database a durable commit cost the same
/// with 2 MiB as with 64 MiB (alternated runs), while a 64 MiB cache fills up as the shop's
/// database grows and stays in the till's memory all day.
const PAGE_CACHE_KIB: i64 = 2 * 1024;

/// Databases up to this size get a full `PRAGMA quick_check` on open.
pub const QUICK_CHECK_ON_OPEN_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 256;

/// The database file in Duka's data folder (`ProjectDirs("ke", "duka", "Duka")`), creating the
/// folder if needed.
pub fn default_db_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("ke", "duka", "Duka").ok_or(Error::NoDataDir)?;
    let dir = dirs.data_dir();
    crate::private::create_dir(dir).map_err(|source| Error::CreateDataDir { path: dir.to_owned(), source })?;
    Ok(dir.join("duka.db"))
}

/// The open write transaction that write functions take (from [`Store::write`]). It reads like a
/// [`Reader`], so a function that only reads takes either.
#[derive(Debug)]
pub struct Tx<'c>(Reader<'c>);

/// The connection that read functions take (from [`Store::read`], or a [`Tx`]).
#[derive(Debug, Clone, Copy)]
pub struct Reader<'c>(&'c Connection);

impl<'c> Deref for Tx<'c> {
    type Target = Reader<'c>;
    fn deref(&self) -> &Reader<'c> {
        &self.0
    }
}

/// Store functions run their SQL through it; outside the store, pass it on to store functions.
impl Deref for Reader<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.0
    }
}

/// The shop's database: one connection, used for writes and reads, behind a mutex.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
    commits: Arc<AtomicU64>,
    checkpointer: Option<Checkpointer>,
    /// What the fiscal chain's check found at open ([`crate::chain`]).
    chain_at_open: crate::chain::ChainReport,
}

#[derive(Debug)]
struct Checkpointer {
    stop: SyncSender<()>,
    thread: JoinHandle<()>,
}

impl Checkpointer {
    fn start(path: &Path, commits: Arc<AtomicU64>) -> Result<Checkpointer> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|source| Error::Open { path: path.to_owned(), source })?;
        conn.busy_timeout(RESTART_WAIT).during("start the checkpointer")?;
        let wal = wal_path(path);
        let (stop_sender, stop) = mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("duka-checkpoint".into())
            .spawn(move || {
                let checkpoint = || checkpoint_wal(&conn, &wal);
                // The thread polls a commit counter instead of being woken by every commit, so a
                // sale commit never wakes another thread.
                let mut checkpointed = 0;
                let mut seen = 0;
                let mut quiet = Duration::ZERO;
                let mut retry_at: Option<std::time::Instant> = None;
                // Runs until the store is dropped (the sender goes away).
                while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(CHECKPOINT_POLL) {
                    let now = commits.load(Ordering::Relaxed);
                    quiet = if now == seen { quiet + CHECKPOINT_POLL } else { Duration::ZERO };
                    seen = now;
                    let idle_with_work = quiet >= CHECKPOINT_IDLE && now > checkpointed;
                    // A round that could not start the WAL over (a commit or a reader in the way)
                    // is tried again after CHECKPOINT_RETRY rather than after another batch of
                    // commits, which let the WAL grow by a whole batch each time a RESTART lost the
                    // race (a pending RESTART holds commits back, so not at every poll either).
                    let retry = retry_at.is_some_and(|at| std::time::Instant::now() >= at);
                    if idle_with_work || retry || now - checkpointed >= CHECKPOINT_FORCE_AFTER {
                        retry_at = (checkpoint() == Checkpointed::Behind)
                            .then(|| std::time::Instant::now() + CHECKPOINT_RETRY);
                        checkpointed = now;
                    }
                }
            })
            .map_err(|source| Error::StartCheckpointer { source })?;
        Ok(Checkpointer { stop: stop_sender, thread })
    }
}

/// The WAL file of the database at `db`.
fn wal_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// What a checkpoint round left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checkpointed {
    /// Every frame is in the database file, or the WAL is still under [`WAL_SIZE_LIMIT`].
    Enough,
    /// The WAL is over its limit and could not be started over this round.
    Behind,
}

/// One checkpoint round: PASSIVE (never blocks the writer; a busy or partial checkpoint is finished
/// by a later one, or when the last connection closes), then RESTART if the WAL file has outgrown
/// [`WAL_SIZE_LIMIT`]. Failures are left to the next round, which comes [`CHECKPOINT_RETRY`] later
/// when this one reports [`Checkpointed::Behind`].
fn checkpoint_wal(conn: &Connection, wal: &Path) -> Checkpointed {
    let frames = |mode: &str| {
        conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        })
    };
    let _ = frames("PASSIVE");
    if std::fs::metadata(wal).is_ok_and(|m| m.len() <= WAL_SIZE_LIMIT) {
        return Checkpointed::Enough;
    }
    // Over the limit, RESTART even when PASSIVE copied every frame: a commit starts the WAL over
    // (and cuts the file back) only when no reader is still reading from it, and on a busy till
    // readers overlap, so the WAL kept growing (114 MB in the desktop bench). RESTART waits for
    // them; it answers busy = 1 when a commit or a reader kept it from finishing.
    match frames("RESTART") {
        Ok((0, log, copied)) if log == copied => Checkpointed::Enough,
        _ => Checkpointed::Behind,
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some(Checkpointer { stop, thread }) = self.checkpointer.take() {
            drop(stop);
            let _ = thread.join();
        }
    }
}

impl Store {
    /// Opens (or creates) the database at `path`, checks it, and brings its schema up to date.
    ///
    /// A file that is damaged, is not a Duka database, or was written by a newer Duka is refused
    /// with an error explaining the way out; it is never deleted or rewritten.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_owned();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            crate::private::create_dir(parent)
                .map_err(|source| Error::CreateDataDir { path: parent.to_owned(), source })?;
        }
        // A restore staged by the app is swapped in before any connection of ours exists.
        crate::backup::apply_staged_restore(&path)?;
        let open_err = |source| Error::Open { path: path.clone(), source };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags).map_err(open_err)?;
        // SQLite gives the WAL and shared-memory files the database file's mode.
        crate::private::restrict_file(&path).map_err(|source| Error::MakePrivate { path: path.clone(), source })?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        check_sanity(&conn, &path)?;
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if size <= QUICK_CHECK_ON_OPEN_MAX_BYTES {
            quick_check(&conn, &path)?;
        }
        // An existing database about to be upgraded is copied first.
        crate::backup::backup_before_migration(&conn, &path)?;
        Store::finish_open(conn, Some(path))
    }

    /// A private in-memory database with the full schema (tests, previews).
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(|source| Error::Open { path: ":memory:".into(), source })?;
        Store::finish_open(conn, None)
    }

    fn finish_open(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        // Refuse a too-new or edited schema before anything is written.
        migrations::check_applied(&conn)?;
        if path.is_some() {
            let mode: String =
                conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).during("switch the journal to WAL")?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Error::NoWal { mode });
            }
            conn.pragma_update(None, "wal_autocheckpoint", 0).during("hand checkpoints to the background")?;
            // When the WAL starts over, its file is cut back to this size instead of keeping the
            // largest size it ever reached.
            conn.pragma_update(None, "journal_size_limit", i64::try_from(WAL_SIZE_LIMIT).unwrap_or(i64::MAX))
                .during("limit the WAL file")?;
        }
        // FULL: every commit fsyncs the WAL, so a sale whose receipt was printed survives a power cut.
        conn.pragma_update(None, "synchronous", "FULL").during("make commits durable")?;
        conn.pragma_update(None, "foreign_keys", "ON").during("switch on foreign keys")?;
        // A sale commit alone uses ~20 distinct statements; the default cache of 16 would re-prepare
        // (and re-compile triggers for) most of them on every commit.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.pragma_update(None, "cache_size", -PAGE_CACHE_KIB).during("size the page cache")?;
        conn.pragma_update(None, "temp_store", "MEMORY").during("keep temporary data in memory")?;
        migrations::migrate(&mut conn)?;
        let chain_at_open = crate::chain::check_at_open(&mut conn)?;
        let commits = Arc::new(AtomicU64::new(0));
        let checkpointer = path.as_deref().map(|p| Checkpointer::start(p, commits.clone())).transpose()?;
        Ok(Store { conn: Mutex::new(conn), path, commits, checkpointer, chain_at_open })
    }

    /// The database file, `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs `f` in one IMMEDIATE transaction: committed if `f` returns `Ok`, rolled back otherwise
    /// (a store error, or the caller's own refusal: any `E` a store error converts into), so a
    /// failure midway leaves nothing behind.
    pub fn write<T, E: From<Error>>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T, E>) -> Result<T, E> {
        let mut conn = self.conn.lock().map_err(|_| Error::Poisoned)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).during("start a write")?;
        // Dropped without a commit on an error: rolled back.
        let value = f(&Tx(Reader(&tx)))?;
        tx.commit().during("commit a write")?;
        drop(conn);
        self.commits.fetch_add(1, Ordering::Relaxed);
        Ok(value)
    }

    /// Runs `f` with the connection for reading.
    pub fn read<T>(&self, f: impl FnOnce(&Reader<'_>) -> Result<T>) -> Result<T> {
        let conn = self.conn.lock().map_err(|_| Error::Poisoned)?;
        f(&Reader(&conn))
    }

    /// Reads the whole database looking for damage (`PRAGMA quick_check`). Large databases skip this
    /// on open; run it when the till is idle and before a backup.
    pub fn verify_integrity(&self) -> Result<()> {
        let path = self.path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
        self.read(|c| quick_check(c, &path))
    }

    /// Makes every later write fail (`PRAGMA query_only`) until called with `false`, the way a
    /// full or failing disk would: for tests of what such a failure leaves behind.
    #[cfg(feature = "tamper")]
    pub fn fail_writes(&self, fail: bool) -> Result<()> {
        let conn = self.conn.lock().map_err(|_| Error::Poisoned)?;
        conn.pragma_update(None, "query_only", fail).during("simulate a failing disk")
    }

    /// What the check of the fiscal chain found when the store opened: the links added since the
    /// last open, the counts of every kind and the immutability triggers (see [`crate::chain`]).
    pub fn chain_at_open(&self) -> &crate::chain::ChainReport {
        &self.chain_at_open
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        self.read(|c| migrations::applied_version(c))
    }
}

/// Read-only checks: the file is a SQLite database, it is Duka's (or empty), and it is not damaged.
fn check_sanity(conn: &Connection, path: &Path) -> Result<()> {
    let not_db = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            Error::NotDuka { path: path.to_owned(), detail: "it is not a SQLite database".into() }
        }
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => Error::Corrupt { path: path.to_owned(), detail: e.to_string() },
        _ => Error::Open { path: path.to_owned(), source: e },
    };
    let table_count: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(not_db)?;
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(not_db)?;
    if table_count > 0 && app_id != APPLICATION_ID {
        return Err(Error::NotDuka {
            path: path.to_owned(),
            detail: format!("its application id is {app_id:#x}, not Duka's"),
        });
    }
    Ok(())
}

/// Reads every page and index of the database: `Ok` only if SQLite finds nothing wrong.
fn quick_check(conn: &Connection, path: &Path) -> Result<()> {
    let not_db = |e: rusqlite::Error| Error::Corrupt { path: path.to_owned(), detail: e.to_string() };
    let mut stmt = conn.prepare("PRAGMA quick_check").map_err(not_db)?;
    let problems = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(not_db)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(not_db)?;
    if problems != ["ok"] {
        return Err(Error::Corrupt { path: path.to_owned(), detail: problems.join("; ") });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrations::{MIGRATIONS, latest_version};

    /// A caller's own refusal, returned from inside a write.
    #[derive(Debug, PartialEq, Eq)]
    enum Refusal {
        OutOfStock,
        Store(String),
    }

    impl From<Error> for Refusal {
        fn from(e: Error) -> Refusal {
            Refusal::Store(e.to_string())
        }
    }

    #[test]
    fn a_refusal_from_inside_a_write_rolls_everything_back() {
        let store = Store::open_in_memory().unwrap();
        let t = domain::DateTime::parse_kra("20261121100000").unwrap();
        let count = || store.read(crate::outbox::counts).unwrap().pending;
        let doc = crate::DocumentRef::new(crate::DocumentKind::Sale, 1);
        let refused = store.write(|tx| {
            crate::outbox::enqueue(tx, crate::OutboxKind::Sale, doc, None, &[], t)?;
            crate::audit::append(tx, t, "wanjiku", "sell", Some(doc), None)?;
            Err::<(), _>(Refusal::OutOfStock)
        });
        assert_eq!(refused, Err(Refusal::OutOfStock));
        assert_eq!(count(), 0);
        assert!(store.read(|c| crate::audit::recent(c, 10)).unwrap().is_empty());
        // A store error inside the closure comes out as the caller's error, also rolled back.
        let failed = store.write(|tx| -> Result<(), Refusal> {
            crate::outbox::enqueue(tx, crate::OutboxKind::Sale, doc, None, &[], t)?;
            crate::outbox::park(tx, 999, "no such row")?;
            Ok(())
        });
        assert!(matches!(failed, Err(Refusal::Store(ref m)) if m.contains("999")), "{failed:?}");
        assert_eq!(count(), 0);
        // The same write without the refusal commits.
        store.write(|tx| crate::outbox::enqueue(tx, crate::OutboxKind::Sale, doc, None, &[], t)).unwrap();
        assert_eq!(count(), 1);
    }

    #[test]
    fn new_database_is_wal_durable_with_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("shop").join("duka.db")).unwrap();
        store
            .read(|c| {
                let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
                let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
                let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
                assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
                Ok(())
            })
            .unwrap();
        assert_eq!(store.schema_version().unwrap(), latest_version());
        drop(store);
        // Reopening applies nothing and succeeds.
        assert_eq!(
            Store::open(dir.path().join("shop").join("duka.db")).unwrap().schema_version().unwrap(),
            latest_version()
        );
    }

    #[test]
    fn too_new_database_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("duka.db");
        drop(Store::open(&path).unwrap());
        let c = Connection::open(&path).unwrap();
        c.execute("INSERT INTO schema_migrations VALUES (99, 'future', 'x', '20300101000000')", []).unwrap();
        drop(c);
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, Error::SchemaTooNew { found: 99, .. }), "{err}");
        assert!(err.to_string().contains("install the newer Duka"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn edited_shipped_migration_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("duka.db");
        drop(Store::open(&path).unwrap());
        let c = Connection::open(&path).unwrap();
        c.execute("UPDATE schema_migrations SET sha256 = 'edited' WHERE version = 1", []).unwrap();
        drop(c);
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, Error::MigrationChanged { version: 1, .. }), "{err}");
        assert_eq!(MIGRATIONS[0].name, "core");
    }

    #[test]
    fn foreign_and_garbage_files_are_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let garbage = dir.path().join("garbage.db");
        std::fs::write(&garbage, b"this is a text file, not a database at all, long enough to have a header....")
            .unwrap();
        let err = Store::open(&garbage).unwrap_err();
        assert!(matches!(err, Error::NotDuka { .. }), "{err}");
        assert!(std::fs::read(&garbage).unwrap().starts_with(b"this is a text file"));

        let other = dir.path().join("other.db");
        let c = Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE recipes (id INTEGER PRIMARY KEY)").unwrap();
        drop(c);
        let err = Store::open(&other).unwrap_err();
        assert!(matches!(err, Error::NotDuka { .. }), "{err}");
        assert!(err.to_string().contains("has NOT been changed"));
    }

    #[test]
    fn damaged_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("duka.db");
        let store = Store::open(&path).unwrap();
        store
            .write(|tx| -> Result<_> {
                for i in 0..2000 {
                    tx.execute(
                        "INSERT INTO audit_log (at, user_name, action, detail) VALUES ('20261121100000', 'a', 'x', ?1)",
                        [format!("{i:0>200}")],
                    )
                    .unwrap();
                }
                Ok(())
            })
            .unwrap();
        store.read(|c| c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").during("checkpoint")).unwrap();
        store.verify_integrity().unwrap();
        drop(store);
        // Scribble over the middle of the file (past the header and schema pages).
        let mut bytes = std::fs::read(&path).unwrap();
        let mid = bytes.len() / 2;
        for b in &mut bytes[mid..mid + 8192] {
            *b = 0xA5;
        }
        std::fs::write(&path, &bytes).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, Error::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("restore the latest backup"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }

    /// `commits` commits of 100 audit rows of ~4 KB each (~400 KiB of WAL per commit).
    fn write_burst(store: &Store, commits: usize) {
        for c in 0..commits {
            store
                .write(|tx| -> Result<_> {
                    for i in 0..100 {
                        tx.execute(
                            "INSERT INTO audit_log (at, user_name, action, detail) \
                             VALUES ('20261121100000', 'a', 'x', ?1)",
                            [format!("{c}-{i}-{}", "x".repeat(4000))],
                        )
                        .during("write")?;
                    }
                    Ok(())
                })
                .unwrap();
        }
    }

    #[test]
    fn a_wal_over_its_limit_is_started_over_even_when_every_frame_was_copied() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("duka.db");
        let store = Store::open(&path).unwrap();
        let wal = wal_path(&path);
        write_burst(&store, 100);
        assert!(std::fs::metadata(&wal).unwrap().len() > WAL_SIZE_LIMIT);
        let checkpointer = Connection::open(&path).unwrap();
        checkpointer.busy_timeout(Duration::from_millis(10)).unwrap();
        // A reader on the newest snapshot: PASSIVE can copy every frame, but while the reader reads
        // from the WAL no commit can start it over, and readers that keep overlapping (a busy till)
        // would let it grow without end. The round is not done until the WAL can start over.
        let reader = Connection::open(&path).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let _: i64 = reader.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap();
        assert_eq!(checkpoint_wal(&checkpointer, &wal), Checkpointed::Behind);
        reader.execute_batch("COMMIT").unwrap();
        assert_eq!(checkpoint_wal(&checkpointer, &wal), Checkpointed::Enough);
        write_burst(&store, 1);
        let after = std::fs::metadata(&wal).unwrap().len();
        assert!(after <= WAL_SIZE_LIMIT, "the WAL is still {after} bytes after starting over");
    }

    #[test]
    fn a_wal_grown_past_its_limit_starts_over_and_is_cut_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("duka.db");
        let store = Store::open(&path).unwrap();
        let wal = wal_path(&path);
        let write_burst = |commits: usize| write_burst(&store, commits);
        // A burst with no quiet moment: about 40 MiB of WAL.
        write_burst(100);
        let grown = std::fs::metadata(&wal).unwrap().len();
        assert!(grown > WAL_SIZE_LIMIT, "the burst grew the WAL to {grown} bytes");

        // One checkpoint round on a connection of its own, as the background thread does, then the
        // next commit starts the WAL over and cuts the file back.
        let checkpointer = Connection::open(&path).unwrap();
        // A reader holding an old snapshot keeps the WAL from starting over: the round says so,
        // and the background thread tries again at its next poll.
        let reader = Connection::open(&path).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let _: i64 = reader.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap();
        checkpointer.busy_timeout(Duration::from_millis(10)).unwrap();
        write_burst(1);
        assert_eq!(checkpoint_wal(&checkpointer, &wal), Checkpointed::Behind);
        reader.execute_batch("COMMIT").unwrap();
        assert_eq!(checkpoint_wal(&checkpointer, &wal), Checkpointed::Enough);
        write_burst(1);
        let after = std::fs::metadata(&wal).unwrap().len();
        assert!(after <= WAL_SIZE_LIMIT, "the WAL is still {after} bytes after starting over");
        let rows: i64 = store
            .read(|c| {
                c.query_row("SELECT count(*) FROM audit_log WHERE action = 'x'", [], |r| r.get(0)).during("count")
            })
            .unwrap();
        assert_eq!(rows, 10_200, "nothing was lost");
        drop(checkpointer);
        drop(store);
        let reopened = Store::open(&path).unwrap();
        reopened.verify_integrity().unwrap();
    }

    #[test]
    fn the_store_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Store>();
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(Store::open(dir.path().join("duka.db")).unwrap());
        let writers: Vec<_> = (0..4)
            .map(|t| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for i in 0..25 {
                        store
                            .write(|tx| {
                                tx.execute(
                                    "INSERT INTO audit_log (at, user_name, action) VALUES ('20261121100000', ?1, ?2)",
                                    (format!("till {t}"), format!("entry {i}")),
                                )
                                .during("write")
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        drop(store);
        // Everything committed is there after closing and reopening (the checkpointer was joined).
        let store = Store::open(dir.path().join("duka.db")).unwrap();
        let n: i64 =
            store.read(|c| c.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).during("count")).unwrap();
        assert_eq!(n, 100);
    }

    #[test]
    fn failed_write_leaves_nothing() {
        let store = Store::open_in_memory().unwrap();
        let result: Result<()> = store.write(|tx| {
            tx.execute("INSERT INTO audit_log (at, user_name, action) VALUES ('20261121100000', 'a', 'x')", [])
                .during("write")?;
            Err(Error::DocumentNotFound { kind: "sale", id: 1 })
        });
        assert!(result.is_err());
        let n: i64 =
            store.read(|c| c.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).during("count")).unwrap();
        assert_eq!(n, 0);
    }
}
