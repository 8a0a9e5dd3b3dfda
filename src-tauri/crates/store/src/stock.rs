//! Stock: stock documents (one per `insertStockIO` call) and their movements, on-hand derived from
//! the movement ledger, and hand-keyed stock adjustments.

use domain::{DateTime, ItemCode, Qty, StockMoveType, StockMovement};
use rusqlite::{OptionalExtension, params, params_from_iter, types::Value};

use crate::{
    CommitMeta, DocumentKind, DocumentRef, Error, Reader, Result, Tx, audit, codec,
    error::During,
    numbering::{self, Series},
    outbox::{self, OutboxKind},
};

/// What committing a stock document wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedStock {
    pub id: i64,
    pub trader_no: String,
    /// The `insertStockIO` outbox row.
    pub outbox_id: i64,
}

/// A stored stock document with its movements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockDocument {
    pub id: i64,
    pub trader_no: String,
    pub kind: StockMoveType,
    /// The sale, credit note, purchase or import that caused it (none for an adjustment).
    pub source: Option<DocumentRef>,
    pub occurred_at: DateTime,
    pub remark: Option<String>,
    pub user: String,
    /// Item, quantity (positive) and the item's unit price at the time.
    pub lines: Vec<StockLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLine {
    pub item: ItemCode,
    pub qty: Qty,
    pub unit_price: domain::Money,
}

/// On-hand of one item: the sum of its movements.
pub fn on_hand(conn: &Reader<'_>, code: &ItemCode) -> Result<Qty> {
    conn.prepare_cached("SELECT coalesce(sum(signed_qty), 0) FROM stock_movements WHERE item_code = ?1")
        .and_then(|mut s| s.query_row([code.as_str()], |r| r.get(0)))
        .during("read the stock on hand")
        .map(codec::qty)
}

/// The quantity KRA holds for `code`: the running total of the item's movements whose
/// `insertStockIO` KRA accepted (not the local on-hand, which includes movements KRA has not seen).
pub fn kra_quantity(conn: &Reader<'_>, code: &ItemCode) -> Result<Qty> {
    conn.prepare_cached("SELECT qty FROM kra_stock_totals WHERE item_code = ?1")
        .and_then(|mut s| s.query_row([code.as_str()], |r| r.get(0)).optional())
        .during("read the stock KRA has accepted")
        .map(|q| codec::qty(q.unwrap_or(0)))
}

/// Per item, what the movements of stock document `?1` add to KRA's running totals: the one query
/// behind both the settle ([`add_to_kra_totals`]) and the stock lane's in-memory totals
/// ([`kra_total_changes`]), so the two cannot drift apart.
macro_rules! movement_totals_sql {
    () => {
        "SELECT item_code, sum(signed_qty) FROM stock_movements WHERE document_id = ?1 GROUP BY item_code"
    };
}

/// KRA accepted the `insertStockIO` of stock document `document_id`: its movements join KRA's
/// running totals. Called by [`outbox::mark_done`] in the settling transaction, once per document
/// (a done row is final).
pub(crate) fn add_to_kra_totals(tx: &Tx<'_>, document_id: i64) -> Result<()> {
    tx.prepare_cached(concat!(
        "INSERT INTO kra_stock_totals (item_code, qty) ",
        movement_totals_sql!(),
        " ON CONFLICT (item_code) DO UPDATE SET qty = qty + excluded.qty"
    ))
    .and_then(|mut s| s.execute([document_id]))
    .during("add accepted stock to KRA's running total")?;
    Ok(())
}

/// KRA's running total of every item that has one (what [`kra_quantity`] reads, all at once): the
/// pipelined stock lane starts from these and adds each movement KRA accepts, in memory.
pub fn kra_quantities(conn: &Reader<'_>) -> Result<Vec<(ItemCode, Qty)>> {
    item_quantities(
        conn,
        "SELECT item_code, qty FROM kra_stock_totals ORDER BY item_code",
        [],
        "read the stock KRA has accepted",
    )
}

/// What KRA's acceptance of the `insertStockIO` of stock document `document_id` adds to its
/// running totals, per item: exactly what [`add_to_kra_totals`] adds when that acceptance settles.
pub fn kra_total_changes(conn: &Reader<'_>, document_id: i64) -> Result<Vec<(ItemCode, Qty)>> {
    item_quantities(
        conn,
        concat!(movement_totals_sql!(), " ORDER BY item_code"),
        [document_id],
        "read what a stock movement adds to KRA's totals",
    )
}

/// `(item code, quantity in hundredths)` rows of `sql`.
fn item_quantities(
    conn: &Reader<'_>,
    sql: &str,
    params: impl rusqlite::Params,
    operation: &'static str,
) -> Result<Vec<(ItemCode, Qty)>> {
    let rows = conn
        .prepare_cached(sql)
        .and_then(|mut s| {
            s.query_map(params, |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?.collect::<Result<Vec<_>, _>>()
        })
        .during(operation)?;
    rows.into_iter().map(|(code, qty)| Ok((codec::item_code(&code)?, codec::qty(qty)))).collect()
}

/// KRA's running total recomputed from the ledger (the sum over every accepted movement): what
/// [`kra_quantity`] must always equal. For checks and tests; linear in the item's movements.
pub fn kra_quantity_recomputed(conn: &Reader<'_>, code: &ItemCode) -> Result<Qty> {
    conn.prepare_cached(
        "SELECT coalesce(sum(m.signed_qty), 0) FROM stock_movements m
         WHERE m.item_code = ?1 AND EXISTS (
             SELECT 1 FROM outbox o WHERE o.kind = 'stock_io' AND o.state = 'done'
               AND o.document_kind = 'stock_document' AND o.document_id = m.document_id)",
    )
    .and_then(|mut s| s.query_row([code.as_str()], |r| r.get(0)))
    .during("add up the stock KRA has accepted")
    .map(codec::qty)
}

/// On-hand of every item that has movements.
pub fn stock_levels(conn: &Reader<'_>) -> Result<Vec<(ItemCode, Qty)>> {
    let rows = conn
        .prepare_cached("SELECT item_code, sum(signed_qty) FROM stock_movements GROUP BY item_code ORDER BY item_code")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?.collect::<Result<Vec<_>, _>>()
        })
        .during("read stock levels")?;
    rows.into_iter().map(|(code, q)| Ok((codec::item_code(&code)?, codec::qty(q)))).collect()
}

/// Writes a stock document, its movements and its outbox rows: `insertStockIO` after `depends_on`
/// (and, for an adjustment, after any unfinished registration of its items: a document with a
/// `source` already waits for those through the source's own row), then one `saveStockMaster` row
/// for the document's items after it (`saveStockMaster` sets an absolute quantity, so resending it
/// for every item of the document is harmless). Returns `None` when there is nothing to move (a
/// sale of services only).
pub(crate) fn write_document(
    tx: &Tx<'_>,
    kind: StockMoveType,
    source: Option<DocumentRef>,
    lines: &[(ItemCode, Qty)],
    remark: Option<&str>,
    meta: &CommitMeta<'_>,
    depends_on: &[i64],
) -> Result<Option<CommittedStock>> {
    if lines.is_empty() {
        return Ok(None);
    }
    let trader_no = numbering::next_document_no(tx, Series::Stock)?;
    tx.prepare_cached(
        "INSERT INTO stock_documents (trader_no, move_type, source_kind, source_id, occurred_at, remark, user_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            trader_no,
            kind.code(),
            source.map_or("adjustment", |d| d.kind.as_str()),
            source.map(|d| d.id),
            meta.at.kra(),
            remark,
            meta.user
        ])
    })
    .during("record the stock movement")?;
    let id = tx.last_insert_rowid();
    insert_movements(tx, id, kind, lines)?;
    crate::chain::link(tx, crate::chain::ChainKind::StockDocument, id, meta.at)?;
    let mut deps = depends_on.to_vec();
    if source.is_none() {
        for (code, _) in lines {
            deps.extend(outbox::open_item_registration(tx, code)?);
        }
    }
    deps.sort_unstable();
    deps.dedup();
    let doc = DocumentRef::new(DocumentKind::StockDocument, id);
    let outbox_id = outbox::enqueue(tx, OutboxKind::StockIo, doc, None, &deps, meta.at)?;
    outbox::enqueue(tx, OutboxKind::StockMaster, doc, None, &[outbox_id], meta.at)?;
    Ok(Some(CommittedStock { id, trader_no, outbox_id }))
}

/// Movements inserted per statement (the statement cache holds at most this many shapes).
const MOVEMENTS_PER_INSERT: usize = 16;

/// Inserts the movements of stock document `document_id`, in the order given, up to
/// [`MOVEMENTS_PER_INSERT`] per multi-row statement, each at its item's current default price. An
/// item the shop does not have is refused by its code.
fn insert_movements(tx: &Tx<'_>, document_id: i64, kind: StockMoveType, lines: &[(ItemCode, Qty)]) -> Result<()> {
    for chunk in lines.chunks(MOVEMENTS_PER_INSERT) {
        let rows = (0..chunk.len())
            .map(|r| format!("(?{}, ?{}, ?{}, {r})", 3 + 3 * r, 4 + 3 * r, 5 + 3 * r))
            .collect::<Vec<_>>()
            .join(", ");
        let mut values: Vec<Value> = vec![Value::Integer(document_id), Value::Text(kind.code().to_owned())];
        for (code, qty) in chunk {
            let signed = if kind.is_incoming() { qty.hundredths() } else { -qty.hundredths() };
            values.extend([
                Value::Text(code.as_str().to_owned()),
                Value::Integer(qty.hundredths()),
                Value::Integer(signed),
            ]);
        }
        // ORDER BY keeps the movements (and so their row ids) in the document's order.
        let inserted = tx
            .prepare_cached(&format!(
                "INSERT INTO stock_movements (document_id, item_code, move_type, qty, signed_qty, unit_price)
                 SELECT ?1, i.code, ?2, v.column2, v.column3, i.default_price
                 FROM (VALUES {rows}) AS v JOIN items i ON i.code = v.column1
                 ORDER BY v.column4"
            ))
            .and_then(|mut s| s.execute(params_from_iter(values)))
            .during("record the stock movement")?;
        // The join drops exactly the movements whose item the shop does not have.
        if inserted != chunk.len() {
            let codes = chunk.iter().map(|(code, _)| code);
            let missing = crate::sales::first_unknown_item(tx, codes.clone())?;
            let named = missing
                .map_or_else(|| codes.map(ToString::to_string).collect::<Vec<_>>().join(" or "), ToString::to_string);
            return Err(Error::ItemNotFound { code: named });
        }
    }
    Ok(())
}

/// Records hand-keyed movements (opening stock, a count correction, a discard) of one kind as one
/// stock document, with its outbox rows and audit entry, in one transaction.
pub fn commit_stock_adjustment(
    tx: &Tx<'_>,
    movements: &[StockMovement],
    remark: Option<&str>,
    meta: &CommitMeta<'_>,
) -> Result<Option<CommittedStock>> {
    let Some(first) = movements.first() else { return Ok(None) };
    if let Some(other) = movements.iter().find(|m| m.kind != first.kind) {
        return Err(Error::MixedStockMoves { first: first.kind.label().into(), other: other.kind.label().into() });
    }
    let lines: Vec<(ItemCode, Qty)> = movements.iter().map(|m| (m.item.clone(), m.qty)).collect();
    let committed = write_document(tx, first.kind, None, &lines, remark, meta, &[])?;
    if let Some(c) = &committed {
        audit::append(
            tx,
            meta.at,
            meta.user,
            "adjust stock",
            Some(DocumentRef::new(DocumentKind::StockDocument, c.id)),
            remark,
        )?;
    }
    Ok(committed)
}

/// One stock document with its lines, for building `insertStockIO`.
pub fn stock_document(conn: &Reader<'_>, id: i64) -> Result<StockDocument> {
    type Head = (String, String, String, Option<i64>, String, Option<String>, String);
    let head: Head = conn
        .query_row(
            "SELECT trader_no, move_type, source_kind, source_id, occurred_at, remark, user_name
             FROM stock_documents WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .optional()
        .during("read a stock document")?
        .ok_or(Error::DocumentNotFound { kind: "stock document", id })?;
    let (trader_no, kind, source_kind, source_id, at, remark, user) = head;
    let source = match source_id {
        Some(sid) => Some(DocumentRef::new(codec::code("a document kind", &source_kind)?, sid)),
        None => None,
    };
    let raw = conn
        .prepare_cached("SELECT item_code, qty, unit_price FROM stock_movements WHERE document_id = ?1 ORDER BY id")
        .and_then(|mut s| {
            s.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?
                .collect::<Result<Vec<_>, _>>()
        })
        .during("read a stock document")?;
    let lines = raw
        .into_iter()
        .map(|(code, q, p)| {
            Ok(StockLine { item: codec::item_code(&code)?, qty: codec::qty(q), unit_price: codec::money(p) })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(StockDocument {
        id,
        trader_no,
        kind: codec::code("a stock movement type", &kind)?,
        source,
        occurred_at: codec::datetime(&at)?,
        remark,
        user,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Store, items, testing};

    #[test]
    fn adjustments_move_stock_and_queue_kra_calls() {
        let store = Store::open_in_memory().unwrap();
        let sugar = testing::item(1, "Sugar 1kg", None);
        let reg = store.write(|tx| items::register_item(tx, &sugar, &testing::meta())).unwrap();
        let m = StockMovement::new(&sugar, StockMoveType::AdjustmentIn, Qty::whole(10)).unwrap();
        let c = store.write(|tx| commit_stock_adjustment(tx, &[m], Some("opening stock"), &testing::meta())).unwrap();
        let c = c.unwrap();
        assert_eq!(c.trader_no, "STK-000001");
        assert_eq!(store.read(|conn| on_hand(conn, &sugar.code)).unwrap(), Qty::whole(10));
        let io = store.read(|conn| outbox::row(conn, c.outbox_id)).unwrap();
        assert_eq!(io.depends_on, [reg.outbox_id]);
        let doc = store.read(|conn| stock_document(conn, c.id)).unwrap();
        assert_eq!(
            (doc.kind, doc.lines.len(), doc.lines[0].unit_price.cents()),
            (StockMoveType::AdjustmentIn, 1, 18_000)
        );
        let out = StockMovement::new(&sugar, StockMoveType::Discarding, Qty::from_hundredths(250)).unwrap();
        let inn = StockMovement::new(&sugar, StockMoveType::AdjustmentIn, Qty::whole(1)).unwrap();
        let mixed = store.write(|tx| commit_stock_adjustment(tx, &[out.clone(), inn], None, &testing::meta()));
        assert!(matches!(mixed, Err(Error::MixedStockMoves { .. })));
        store.write(|tx| commit_stock_adjustment(tx, &[out], None, &testing::meta())).unwrap();
        assert_eq!(store.read(stock_levels).unwrap(), vec![(sugar.code.clone(), Qty::from_hundredths(750))]);
        // Movements are immutable.
        assert!(store.read(|conn| conn.execute("UPDATE stock_movements SET qty = 1", []).during("t")).is_err());
        assert!(store.read(|conn| conn.execute("DELETE FROM stock_documents", []).during("t")).is_err());
    }

    #[test]
    fn long_documents_keep_their_order_and_name_an_unknown_item() {
        let (store, items) = testing::shop();
        let goods = [&items[0], &items[1], &items[3]];
        // 20 movements: two multi-row statements (16 + 4), in the order given.
        let moves: Vec<StockMovement> = (0..20)
            .map(|i| StockMovement::new(goods[i % 3], StockMoveType::AdjustmentIn, Qty::whole(i as i64 + 1)).unwrap())
            .collect();
        let c = store.write(|tx| commit_stock_adjustment(tx, &moves, None, &testing::meta())).unwrap().unwrap();
        let doc = store.read(|conn| stock_document(conn, c.id)).unwrap();
        let expected: Vec<(ItemCode, Qty)> = moves.iter().map(|m| (m.item.clone(), m.qty)).collect();
        assert_eq!(doc.lines.iter().map(|l| (l.item.clone(), l.qty)).collect::<Vec<_>>(), expected);
        assert!(doc.lines.iter().all(|l| l.unit_price.cents() == 18_000));
        // An item the shop does not have, in the second statement: refused by its code, nothing kept.
        let ghost = testing::item(77, "Ghost", None);
        let mut bad = moves.clone();
        bad[18] = StockMovement::new(&ghost, StockMoveType::AdjustmentIn, Qty::whole(1)).unwrap();
        let levels = store.read(stock_levels).unwrap();
        let err = store.write(|tx| commit_stock_adjustment(tx, &bad, None, &testing::meta())).unwrap_err();
        assert!(matches!(&err, Error::ItemNotFound { code } if *code == ghost.code.to_string()), "{err}");
        assert_eq!(store.read(stock_levels).unwrap(), levels);
    }

    #[test]
    fn kras_running_total_moves_only_when_kra_accepts_a_movement() {
        let store = Store::open_in_memory().unwrap();
        let sugar = testing::item(1, "Sugar 1kg", None);
        let t = testing::now();
        store.write(|tx| items::register_item(tx, &sugar, &testing::meta())).unwrap();
        let total = |store: &Store| {
            store.read(|c| Ok((kra_quantity(c, &sugar.code)?, kra_quantity_recomputed(c, &sugar.code)?))).unwrap()
        };
        let settle = |store: &Store| {
            let rows = store.write(|tx| crate::testing::claim_ready(tx, t, 10)).unwrap();
            for row in rows {
                store.write(|tx| outbox::mark_done(tx, row.id, None, t)).unwrap();
            }
        };
        let inn = StockMovement::new(&sugar, StockMoveType::AdjustmentIn, Qty::whole(10)).unwrap();
        store.write(|tx| commit_stock_adjustment(tx, &[inn], None, &testing::meta())).unwrap();
        // Queued, not accepted: KRA holds nothing yet.
        assert_eq!(total(&store), (Qty::ZERO, Qty::ZERO));
        settle(&store); // the registration
        settle(&store); // insertStockIO
        assert_eq!(total(&store), (Qty::whole(10), Qty::whole(10)));
        let out = StockMovement::new(&sugar, StockMoveType::Discarding, Qty::from_hundredths(250)).unwrap();
        store.write(|tx| commit_stock_adjustment(tx, &[out], None, &testing::meta())).unwrap();
        assert_eq!(total(&store), (Qty::whole(10), Qty::whole(10)));
        while store.read(outbox::counts).unwrap().pending > 0 {
            settle(&store);
        }
        assert_eq!(total(&store), (Qty::from_hundredths(750), Qty::from_hundredths(750)));
    }
}
