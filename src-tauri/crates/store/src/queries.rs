//! Queries the screens need and no fiscal write path uses: an item's stock movement history with
//! the balance after each movement, the items' reorder levels (shop settings, not fiscal records:
//! a level is replaced or removed freely), and a document's trader number.

use std::collections::HashMap;

use domain::{DateTime, ItemCode, Qty, StockMoveType};

use rusqlite::OptionalExtension;

use crate::{DocumentKind, DocumentRef, Reader, Result, Tx, codec, error::During};

/// The trader number (INV-000012, CN-000003, STK-000004) of a sale, credit note or stock
/// document; `None` for other kinds or a document not found.
pub fn trader_no(conn: &Reader<'_>, document: DocumentRef) -> Result<Option<String>> {
    let table = match document.kind {
        DocumentKind::Sale => "sales",
        DocumentKind::CreditNote => "credit_notes",
        DocumentKind::StockDocument => "stock_documents",
        _ => return Ok(None),
    };
    conn.prepare_cached(&format!("SELECT trader_no FROM {table} WHERE id = ?1"))
        .and_then(|mut s| s.query_row([document.id], |r| r.get(0)).optional())
        .during("read a document's number")
}

/// One stock movement of an item, newest first in [`stock_movements`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementRow {
    pub occurred_at: DateTime,
    pub kind: StockMoveType,
    /// Positive in, negative out.
    pub signed_qty: Qty,
    /// On hand right after this movement.
    pub balance_after: Qty,
    /// The stock document's own number (STK-...).
    pub stock_document: String,
    /// The sale, credit note or purchase that moved the stock, when one did.
    pub source_document: Option<String>,
    pub remark: Option<String>,
}

/// The latest `limit` movements of an item, newest first, each with the balance after it (the
/// running sum over all the item's movements in the order they were recorded).
pub fn stock_movements(conn: &Reader<'_>, code: &ItemCode, limit: usize) -> Result<Vec<MovementRow>> {
    type Raw = (String, String, i64, i64, String, Option<String>, Option<String>);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let raw: Vec<Raw> = conn
        .prepare_cached(
            "SELECT occurred_at, move_type, signed_qty, balance, trader_no, source_no, remark FROM (
                 SELECT m.id, d.occurred_at, m.move_type, m.signed_qty,
                        sum(m.signed_qty) OVER (ORDER BY m.id) AS balance, d.trader_no,
                        coalesce(s.trader_no, c.trader_no, p.trader_no) AS source_no, d.remark
                 FROM stock_movements m
                 JOIN stock_documents d ON d.id = m.document_id
                 LEFT JOIN sales s ON d.source_kind = 'sale' AND s.id = d.source_id
                 LEFT JOIN credit_notes c ON d.source_kind = 'credit_note' AND c.id = d.source_id
                 LEFT JOIN purchases p ON d.source_kind = 'purchase' AND p.id = d.source_id
                 WHERE m.item_code = ?1)
             ORDER BY id DESC LIMIT ?2",
        )
        .and_then(|mut s| {
            s.query_map(rusqlite::params![code.as_str(), limit], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .during("read the stock movements of an item")?;
    raw.into_iter()
        .map(|(at, kind, signed, balance, stock_document, source_document, remark)| {
            Ok(MovementRow {
                occurred_at: codec::datetime(&at)?,
                kind: codec::code("a stock movement type", &kind)?,
                signed_qty: codec::qty(signed),
                balance_after: codec::qty(balance),
                stock_document,
                source_document,
                remark,
            })
        })
        .collect()
}

/// Every item's own reorder level, by item code (items without one use the shop's default).
pub fn reorder_levels(conn: &Reader<'_>) -> Result<HashMap<String, Qty>> {
    conn.prepare_cached("SELECT item_code, level FROM reorder_levels")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get::<_, String>(0)?, codec::qty(r.get(1)?))))?.collect::<Result<_, _>>()
        })
        .during("read the reorder levels")
}

/// Sets an item's reorder level, or with `None` returns it to the shop's default.
pub fn set_reorder_level(tx: &Tx<'_>, code: &ItemCode, level: Option<Qty>) -> Result<()> {
    match level {
        Some(level) => tx
            .prepare_cached(
                "INSERT INTO reorder_levels (item_code, level) VALUES (?1, ?2)
                 ON CONFLICT (item_code) DO UPDATE SET level = excluded.level",
            )
            .and_then(|mut s| s.execute(rusqlite::params![code.as_str(), level.hundredths()])),
        None => tx
            .prepare_cached("DELETE FROM reorder_levels WHERE item_code = ?1")
            .and_then(|mut s| s.execute([code.as_str()])),
    }
    .during("save the reorder level")?;
    Ok(())
}
