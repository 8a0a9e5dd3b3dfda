//! KRA's books as the simulator keeps them: devices and their keys, per-branch counters, and every
//! accepted record (items, sales, purchases, stock, customers, feeds). Records live in SQLite (the
//! state file, or an in-memory database without one, so there is one code path) and are read from
//! it when a rule needs them; devices, branches and the gateway credentials, a handful of rows, are
//! also kept in memory. Every accepted call's changes are written in one transaction, so a restart
//! loses nothing.

use std::{collections::BTreeMap, path::Path};

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Error, Result};

/// The keys KRA issues a device at initialisation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DeviceKeys {
    pub cmc_key: String,
    pub sdc_id: String,
    pub mrc_no: String,
    pub dvc_id: String,
    /// Per-device signing secret, hex.
    pub secret: String,
    pub initialised_at: String,
}

/// A device KRA has approved (configured with `--device`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Device {
    pub tin: String,
    pub bhf_id: String,
    pub serial: String,
    pub keys: Option<DeviceKeys>,
    /// Receipts signed by this SCU (`totRcptNo` of the last one).
    pub receipts: u64,
}

/// Per-branch document counters: the next number KRA expects.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Branch {
    pub tin: String,
    pub bhf_id: String,
    pub next_invc_no: u64,
    pub next_purchase_no: u64,
    pub next_sar_no: u64,
}

/// An accepted record: its JSON and when it last changed (for `lastReqDt`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    pub changed_at: String,
    pub body: Value,
}

/// Gateway client credentials (consumer key/secret and Apigee app id).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GatewayCredentials {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub app_id: String,
}

/// Kinds of record.
pub mod kind {
    pub const ITEM: &str = "item";
    pub const SALE: &str = "sale";
    pub const PURCHASE: &str = "purchase";
    pub const STOCK_IO: &str = "stock_io";
    pub const STOCK: &str = "stock";
    pub const STOCK_MASTER: &str = "stock_master";
    pub const CUSTOMER: &str = "customer";
    pub const USER: &str = "user";
    pub const INSURANCE: &str = "insurance";
    pub const COMPOSITION: &str = "composition";
    pub const SUPPLIER_SALE: &str = "supplier_sale";
    pub const IMPORT: &str = "import";
    pub const NOTICE: &str = "notice";
    pub const TAXPAYER: &str = "taxpayer";
    pub const STOCK_MOVE: &str = "stock_move";
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Touched {
    Device(String),
    Branch(String),
    Gateway,
}

/// The books. Callers check a request against them, then write; `commit` makes the writes
/// durable. Record writes go straight into an open SQLite transaction (so later reads of the same
/// call see them); a write that fails is reported by `commit`, which then rolls the call back.
#[derive(Debug)]
pub struct Books {
    devices: BTreeMap<String, Device>,
    branches: BTreeMap<String, Branch>,
    gateway: Option<GatewayCredentials>,
    conn: Connection,
    touched: Vec<Touched>,
    failed_write: Option<rusqlite::Error>,
}

pub fn device_key(tin: &str, bhf_id: &str, serial: &str) -> String {
    format!("{tin}/{bhf_id}/{serial}")
}

pub fn branch_key(tin: &str, bhf_id: &str) -> String {
    format!("{tin}/{bhf_id}")
}

/// A record key inside a branch, with a number padded so keys sort numerically.
pub fn numbered_key(tin: &str, bhf_id: &str, n: u64) -> String {
    format!("{tin}/{bhf_id}/{n:020}")
}

/// The state file's format version (`PRAGMA user_version`).
const STATE_VERSION: i64 = 1;

/// SQLite's page cache of the books, in KiB (SQLite's default is 2,000). The pages the rules
/// read again and again (items, stock totals, the latest documents) fit; the OS caches the rest.
const STATE_CACHE_KIB: i64 = 512;

const PUT: &str = "INSERT OR REPLACE INTO records (kind, key, json) VALUES (?1, ?2, ?3)";

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    key  TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
";

fn parse<T: for<'de> Deserialize<'de>>(kind: &str, key: &str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|source| Error::CorruptState { kind: kind.into(), key: key.into(), source })
}

impl Books {
    /// Empty books in an in-memory database (tests, a simulator without a state file).
    pub fn in_memory() -> Result<Books> {
        let conn = Connection::open_in_memory().map_err(Error::ReadState)?;
        Books::with_connection(conn, Path::new(":memory:"))
    }

    /// Opens (or creates) a state file.
    pub fn open(path: &Path) -> Result<Books> {
        let conn = Connection::open(path).map_err(|source| Error::OpenState { path: path.into(), source })?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(Error::ReadState)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(Error::ReadState)?;
        if version > STATE_VERSION {
            return Err(Error::NewerState { path: path.into(), found: version, supported: STATE_VERSION });
        }
        Books::with_connection(conn, path)
    }

    fn with_connection(conn: Connection, path: &Path) -> Result<Books> {
        conn.execute_batch(SCHEMA).map_err(|source| Error::OpenState { path: path.into(), source })?;
        conn.pragma_update(None, "user_version", STATE_VERSION).map_err(Error::WriteState)?;
        conn.pragma_update(None, "cache_size", -STATE_CACHE_KIB).map_err(Error::WriteState)?;
        conn.set_prepared_statement_cache_capacity(32);
        let mut books = Books {
            devices: BTreeMap::new(),
            branches: BTreeMap::new(),
            gateway: None,
            conn,
            touched: Vec::new(),
            failed_write: None,
        };
        books.reload()?;
        Ok(books)
    }

    /// Reads the devices, branches and gateway credentials back from the database.
    fn reload(&mut self) -> Result<()> {
        let mut devices = BTreeMap::new();
        let mut branches = BTreeMap::new();
        let mut gateway = None;
        let mut stmt = self
            .conn
            .prepare("SELECT kind, key, json FROM records WHERE kind IN ('_device', '_branch', '_gateway')")
            .map_err(Error::ReadState)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .map_err(Error::ReadState)?;
        for row in rows {
            let (k, key, json) = row.map_err(Error::ReadState)?;
            match k.as_str() {
                "_device" => {
                    devices.insert(key.clone(), parse(&k, &key, &json)?);
                }
                "_branch" => {
                    branches.insert(key.clone(), parse(&k, &key, &json)?);
                }
                _ => gateway = Some(parse(&k, &key, &json)?),
            }
        }
        self.devices = devices;
        self.branches = branches;
        self.gateway = gateway;
        Ok(())
    }

    /// Opens the call's transaction unless it is open already.
    fn begin(&self) -> rusqlite::Result<()> {
        if self.conn.is_autocommit() { self.conn.execute_batch("BEGIN IMMEDIATE") } else { Ok(()) }
    }

    /// Writes everything changed since the last commit in one transaction. On failure the
    /// transaction is rolled back and devices and branches are read back from the database, so
    /// memory never holds what the database does not.
    pub fn commit(&mut self) -> Result<()> {
        let touched = std::mem::take(&mut self.touched);
        let failed = self.failed_write.take();
        if touched.is_empty() && failed.is_none() && self.conn.is_autocommit() {
            return Ok(());
        }
        let result = match failed {
            Some(e) => Err(e),
            None => self.write_touched(&touched).and_then(|()| self.conn.execute_batch("COMMIT")),
        };
        if let Err(e) = result {
            if !self.conn.is_autocommit() {
                let _ = self.conn.execute_batch("ROLLBACK");
            }
            self.reload()?;
            return Err(Error::WriteState(e));
        }
        Ok(())
    }

    fn write_touched(&self, touched: &[Touched]) -> rusqlite::Result<()> {
        self.begin()?;
        let mut put = self.conn.prepare_cached(PUT)?;
        for t in touched {
            let (kind, key, json) = match t {
                Touched::Device(key) => ("_device", key.as_str(), serde_json::to_string(&self.devices.get(key))),
                Touched::Branch(key) => ("_branch", key.as_str(), serde_json::to_string(&self.branches.get(key))),
                Touched::Gateway => ("_gateway", "gateway", serde_json::to_string(&self.gateway)),
            };
            let json = json.map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
            put.execute(params![kind, key, json])?;
        }
        Ok(())
    }

    // ---- devices and branches

    /// Adds a configured device unless the books already know it (a restart keeps its keys).
    pub fn ensure_device(&mut self, tin: &str, bhf_id: &str, serial: &str) {
        let key = device_key(tin, bhf_id, serial);
        if !self.devices.contains_key(&key) {
            self.devices.insert(
                key.clone(),
                Device { tin: tin.into(), bhf_id: bhf_id.into(), serial: serial.into(), keys: None, receipts: 0 },
            );
            self.touched.push(Touched::Device(key));
        }
        let bkey = branch_key(tin, bhf_id);
        if !self.branches.contains_key(&bkey) {
            self.branches.insert(
                bkey.clone(),
                Branch { tin: tin.into(), bhf_id: bhf_id.into(), next_invc_no: 1, next_purchase_no: 1, next_sar_no: 1 },
            );
            self.touched.push(Touched::Branch(bkey));
        }
    }

    pub fn device(&self, key: &str) -> Option<&Device> {
        self.devices.get(key)
    }

    pub fn device_mut(&mut self, key: &str) -> Option<&mut Device> {
        self.touched.push(Touched::Device(key.to_owned()));
        self.devices.get_mut(key)
    }

    pub fn devices(&self) -> impl Iterator<Item = (&String, &Device)> {
        self.devices.iter()
    }

    /// The initialised device of a branch holding this communication key.
    pub fn device_by_key(&self, tin: &str, bhf_id: &str, cmc_key: &str) -> Option<String> {
        self.devices
            .iter()
            .find(|(_, d)| d.tin == tin && d.bhf_id == bhf_id && d.keys.as_ref().is_some_and(|k| k.cmc_key == cmc_key))
            .map(|(k, _)| k.clone())
    }

    pub fn branch(&self, tin: &str, bhf_id: &str) -> Option<&Branch> {
        self.branches.get(&branch_key(tin, bhf_id))
    }

    pub fn branch_mut(&mut self, tin: &str, bhf_id: &str) -> Option<&mut Branch> {
        let key = branch_key(tin, bhf_id);
        self.touched.push(Touched::Branch(key.clone()));
        self.branches.get_mut(&key)
    }

    pub fn branches_of(&self, tin: &str) -> impl Iterator<Item = &Branch> {
        let tin = tin.to_owned();
        self.branches.values().filter(move |b| b.tin == tin)
    }

    pub fn gateway(&self) -> Option<&GatewayCredentials> {
        self.gateway.as_ref()
    }

    pub fn set_gateway(&mut self, credentials: GatewayCredentials) {
        self.gateway = Some(credentials);
        self.touched.push(Touched::Gateway);
    }

    // ---- records

    /// The record of a kind under `key`, read from the database (this call's writes included).
    pub fn get(&self, kind: &str, key: &str) -> Result<Option<Record>> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT json FROM records WHERE kind = ?1 AND key = ?2")
            .and_then(|mut stmt| stmt.query_row(params![kind, key], |r| r.get(0)).optional())
            .map_err(Error::ReadState)?;
        json.map(|json| parse(kind, key, &json)).transpose()
    }

    /// Writes a record into the call's transaction. A failed write is reported by `commit`.
    pub fn put(&mut self, kind: &str, key: &str, changed_at: &str, body: Value) {
        if self.failed_write.is_some() {
            return;
        }
        let record = Record { changed_at: changed_at.to_owned(), body };
        let written = serde_json::to_string(&record)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
            .and_then(|json| {
                self.begin()?;
                self.conn.prepare_cached(PUT)?.execute(params![kind, key, json])
            });
        if let Err(e) = written {
            self.failed_write = Some(e);
        }
    }

    /// Records of a kind whose key starts with `prefix`, in key order.
    pub fn scan(&self, kind: &str, prefix: &str) -> Result<Vec<(String, Record)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, json FROM records WHERE kind = ?1 AND key >= ?2 ORDER BY key")
            .map_err(Error::ReadState)?;
        let mut rows = stmt.query(params![kind, prefix]).map_err(Error::ReadState)?;
        let mut found = Vec::new();
        while let Some(row) = rows.next().map_err(Error::ReadState)? {
            let key: String = row.get(0).map_err(Error::ReadState)?;
            if !key.starts_with(prefix) {
                break;
            }
            let json: String = row.get(1).map_err(Error::ReadState)?;
            let record = parse(kind, &key, &json)?;
            found.push((key, record));
        }
        Ok(found)
    }

    /// The number of records of a kind (used to number notices).
    pub fn count(&self, kind: &str) -> Result<usize> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM records WHERE kind = ?1")
            .and_then(|mut stmt| stmt.query_row(params![kind], |r| r.get(0)))
            .map_err(Error::ReadState)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn state_file_keeps_everything_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("books.sqlite");
        {
            let mut books = Books::open(&path).unwrap();
            books.ensure_device("P051234567X", "00", "SIM1");
            books.branch_mut("P051234567X", "00").unwrap().next_invc_no = 4;
            books.put(kind::SALE, &numbered_key("P051234567X", "00", 3), "20261121101010", json!({"invcNo": 3}));
            books.commit().unwrap();
            // Not committed: lost on reopen.
            books.put(kind::SALE, &numbered_key("P051234567X", "00", 4), "20261121101010", json!({"invcNo": 4}));
        }
        let books = Books::open(&path).unwrap();
        assert_eq!(books.branch("P051234567X", "00").unwrap().next_invc_no, 4);
        let sales: Vec<_> = books
            .scan(kind::SALE, "P051234567X/00/")
            .unwrap()
            .into_iter()
            .map(|(_, r)| r.body["invcNo"].clone())
            .collect();
        assert_eq!(sales, vec![json!(3)]);
        assert!(books.device(&device_key("P051234567X", "00", "SIM1")).is_some());
    }

    #[test]
    fn a_state_file_from_a_newer_simulator_is_refused_not_touched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("books.sqlite");
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 7).unwrap();
        let err = Books::open(&path).unwrap_err().to_string();
        assert!(err.contains("newer oscu-sim"), "{err}");
        let version: i64 = Connection::open(&path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, 7);
    }

    #[test]
    fn a_call_reads_its_own_writes_and_a_failed_commit_undoes_all_of_them() {
        let mut books = Books::in_memory().unwrap();
        books.ensure_device("P051234567X", "00", "SIM1");
        books.commit().unwrap();
        let key = numbered_key("P051234567X", "00", 1);
        books.put(kind::SALE, &key, "20261121101010", json!({"invcNo": 1}));
        books.branch_mut("P051234567X", "00").unwrap().next_invc_no = 2;
        assert_eq!(books.get(kind::SALE, &key).unwrap().unwrap().body, json!({"invcNo": 1}));
        // The branch counter cannot be written: the whole call is undone, the sale included.
        books
            .conn
            .execute_batch(
                "CREATE TEMP TRIGGER refuse_branches BEFORE INSERT ON records WHEN NEW.kind = '_branch' \
                 BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
            )
            .unwrap();
        let err = books.commit().unwrap_err().to_string();
        assert!(err.contains("disk full"), "{err}");
        assert!(books.get(kind::SALE, &key).unwrap().is_none());
        assert_eq!(books.branch("P051234567X", "00").unwrap().next_invc_no, 1);
        assert_eq!(books.count(kind::SALE).unwrap(), 0);
    }

    #[test]
    fn scan_stays_inside_its_prefix() {
        let mut books = Books::in_memory().unwrap();
        for (k, v) in [("A/00/1", 1), ("A/01/1", 2), ("A/00/2", 3), ("B/00/1", 4)] {
            books.put(kind::ITEM, k, "20260101000000", json!(v));
        }
        books.put(kind::SALE, "A/00/9", "20260101000000", json!(9));
        books.commit().unwrap();
        let got: Vec<_> = books.scan(kind::ITEM, "A/00/").unwrap().into_iter().map(|(_, r)| r.body).collect();
        assert_eq!(got, vec![json!(1), json!(3)]);
        assert_eq!(books.count(kind::ITEM).unwrap(), 4);
    }
}
