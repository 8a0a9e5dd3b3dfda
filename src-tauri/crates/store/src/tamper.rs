//! Test-only (feature `tamper`): changes fiscal records behind the store's back as an attacker
//! with the database file would, so other crates can test that the chain finds it.

use crate::{Reader, Result, error::During};

/// Drops the immutability trigger `name`.
pub fn drop_trigger(conn: &Reader<'_>, name: &str) -> Result<()> {
    conn.execute_batch(&format!("DROP TRIGGER {name}")).during("tamper: drop a trigger")
}

/// Sets the total of sale `id` to `cents` with its trigger dropped, then puts the trigger back.
pub fn change_sale_total(conn: &Reader<'_>, id: i64, cents: i64) -> Result<()> {
    let trigger: String = conn
        .query_row("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'sales_immutable_u'", [], |r| {
            r.get(0)
        })
        .during("tamper: read the trigger")?;
    drop_trigger(conn, "sales_immutable_u")?;
    conn.execute("UPDATE sales SET total_amount = ?1 WHERE id = ?2", [cents, id]).during("tamper: change a sale")?;
    conn.execute_batch(&trigger).during("tamper: put the trigger back")
}
