//! Append-only schema migrations: SQL files embedded at build time, applied in order, each recorded
//! with its SHA-256 so a shipped migration that was edited afterwards is refused at open.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::{Error, Result, error::During};

/// One shipped schema step.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order. Append only: never edit or reorder a shipped entry.
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "core", sql: include_str!("../migrations/0001_core.sql") },
    Migration { version: 2, name: "item_search", sql: include_str!("../migrations/0002_item_search.sql") },
    Migration {
        version: 3,
        name: "outbox_registration_index",
        sql: include_str!("../migrations/0003_outbox_registration_index.sql"),
    },
    Migration {
        version: 4,
        name: "stock_totals_preferences_compositions",
        sql: include_str!("../migrations/0004_stock_totals_preferences_compositions.sql"),
    },
    Migration { version: 5, name: "books", sql: include_str!("../migrations/0005_books.sql") },
    Migration { version: 6, name: "reorder_levels", sql: include_str!("../migrations/0006_reorder_levels.sql") },
    Migration {
        version: 7,
        name: "open_registration_index",
        sql: include_str!("../migrations/0007_open_registration_index.sql"),
    },
    Migration {
        version: 8,
        name: "reservations_ahead",
        sql: include_str!("../migrations/0008_reservations_ahead.sql"),
    },
    Migration {
        version: 9,
        name: "outbox_last_done_index",
        sql: include_str!("../migrations/0009_outbox_last_done_index.sql"),
    },
    Migration { version: 10, name: "parked_refusals", sql: include_str!("../migrations/0010_parked_refusals.sql") },
    Migration { version: 11, name: "charged_carts", sql: include_str!("../migrations/0011_charged_carts.sql") },
    Migration { version: 12, name: "users", sql: include_str!("../migrations/0012_users.sql") },
    Migration { version: 13, name: "receipt_hand_over", sql: include_str!("../migrations/0013_receipt_hand_over.sql") },
    Migration { version: 14, name: "fiscal_chain", sql: include_str!("../migrations/0014_fiscal_chain.sql") },
];

/// `PRAGMA application_id` of a Duka database ("DUKA").
pub const APPLICATION_ID: i64 = 0x4455_4B41;

impl Migration {
    /// Hex SHA-256 of the SQL text.
    pub fn checksum(&self) -> String {
        Sha256::digest(self.sql.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The newest schema version this code knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Refuses a database whose recorded migrations are newer than, or differ from, the shipped ones.
/// Reads only.
pub(crate) fn check_applied(conn: &Connection) -> Result<i64> {
    let has_table: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
            [],
            |r| r.get(0),
        )
        .during("read the schema version")?;
    if !has_table {
        return Ok(0);
    }
    let mut stmt = conn
        .prepare("SELECT version, sha256 FROM schema_migrations ORDER BY version")
        .during("read the schema version")?;
    let applied = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .during("read the schema version")?
        .collect::<Result<Vec<_>, _>>()
        .during("read the schema version")?;
    let mut current = 0;
    for (version, sha) in applied {
        let Some(known) = MIGRATIONS.iter().find(|m| m.version == version) else {
            return Err(Error::SchemaTooNew { found: version, known: latest_version() });
        };
        if known.checksum() != sha {
            return Err(Error::MigrationChanged { version, name: known.name });
        }
        current = current.max(version);
    }
    Ok(current)
}

/// Applies every migration newer than the database, each in its own transaction.
pub(crate) fn migrate(conn: &mut Connection) -> Result<i64> {
    let current = check_applied(conn)?;
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let fail = |source| Error::Migrate { version: m.version, name: m.name, source };
        let tx = conn.transaction().map_err(fail)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 name       TEXT NOT NULL,
                 sha256     TEXT NOT NULL,
                 applied_at TEXT NOT NULL
             );",
        )
        .map_err(fail)?;
        tx.execute_batch(m.sql).map_err(fail)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, sha256, applied_at)
             VALUES (?1, ?2, ?3, strftime('%Y%m%d%H%M%S', 'now', 'localtime'))",
            params![m.version, m.name, m.checksum()],
        )
        .map_err(fail)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID).map_err(fail)?;
        tx.pragma_update(None, "user_version", m.version).map_err(fail)?;
        tx.commit().map_err(fail)?;
    }
    Ok(latest_version().max(current))
}

/// The schema version recorded in the database.
pub fn applied_version(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT max(version) FROM schema_migrations", [], |r| r.get::<_, Option<i64>>(0))
        .optional()
        .during("read the schema version")
        .map(|v| v.flatten().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SHA-256 of every shipped migration. A failure here means a shipped migration was edited:
    /// undo the edit and add a new migration instead.
    const PINNED: &[(i64, &str)] = &[
        (1, "3a794c683d35200f646ef2e6197e23d50fbd3288c58cce43adb6c29cadf0f668"),
        (2, "f7645f106e9be0ad3d79843e2eb26cfbeac143dc67ece555b451948ce189e7f5"),
        (3, "ecfa0fb3ffe559050b2ddce2e96ee30489ec087dfa2991f9f2677fa3227f584a"),
        (4, "b04e49df82fd8550f24e79149413723d33e20226dc6a5503bd400526416e3ac1"),
        (5, "d7310b6a2c95f8832d29e4634bbc459d3098e6595a5bf985954cd26e67c2f255"),
        (6, "fb50e54270820e3013e0423550666eb34739ed66ba99b4d378a7507933f93020"),
        (7, "7f8a9efe3271a5d5457e12d1b5211d2cfc07134202ca75fb93523aa8081c4a55"),
        (8, "68bdd6593d0317319ec313665a65b5fc1587919bd863989f68c0b885f946c656"),
        (9, "54b6d67ebe0fa3454793a306b62793a2adf034ea2f8d92db652b652b6a28f3d4"),
        (10, "62ca2390f75626380602b64c55924b4f400bcaf8b02ce65ac39639a750deff07"),
        (11, "c35e850d683b0a8437aaca558f983cb2ea2f4f42a6d622f94ed33537e3669276"),
        (12, "09932a5d9711e6f3445cd599dedfb4f607482a37bcce10f4f8b78ce33ce05e33"),
        (13, "c741527dcd04068521394eef29f6a4dc4e12caeb9d56454386f6033e4b451cec"),
        (14, "851fd2966e1df42c08e07fa60b7386e6ec98e43d1ba07ee23a3e2b57797b5023"),
    ];

    #[test]
    fn shipped_migrations_never_change() {
        assert_eq!(MIGRATIONS.len(), PINNED.len(), "pin every new migration here");
        for (m, (version, sha)) in MIGRATIONS.iter().zip(PINNED) {
            assert_eq!(m.version, *version);
            assert_eq!(m.checksum(), *sha, "migration {} ({}) was edited after shipping", m.version, m.name);
        }
    }

    #[test]
    fn versions_are_consecutive_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
        }
    }
}
