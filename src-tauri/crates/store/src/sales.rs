//! Sales: committing a finalised invoice (sale, lines, stock out, outbox rows, audit entry) in one
//! transaction under a gap-free trader number, reading it back exactly as committed, listing sales
//! with their KRA status, and recording KRA's signature once.

use std::collections::BTreeMap;

use domain::{DateTime, Invoice, ItemCode, KraPin, Qty, StockMoveType};
use rusqlite::{OptionalExtension, params, params_from_iter, types::Value};

use crate::{
    DocumentKind, DocumentRef, Error, Reader, Result, SaleMeta, Tx, audit, codec,
    columns::{self, LINE_COLUMN_COUNT, LINE_COLUMNS, TOTAL_COLUMN_COUNT, TOTAL_COLUMNS},
    error::During,
    numbering::{self, Series},
    outbox::{self, OutboxKind, OutboxState},
    stock,
};

/// What committing a sale wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedSale {
    pub id: i64,
    /// The trader invoice number printed on the receipt, e.g. `INV-000123`.
    pub trader_no: String,
    /// The `saveTrnsSalesOsdc` outbox row.
    pub outbox_id: i64,
    /// The stock document taking the goods out (none for a services-only sale).
    pub stock_document_id: Option<i64>,
}

/// A sale as stored, with the invoice exactly as committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSale {
    pub id: i64,
    pub trader_no: String,
    pub committed_at: DateTime,
    pub user: String,
    pub training: bool,
    pub invoice: Invoice,
}

/// Where a document stands with KRA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KraStatus {
    /// Waiting to be sent (or to be retried after a failure, with its last error).
    Pending {
        last_error: Option<String>,
    },
    Sending,
    /// Accepted by KRA with this invoice number.
    Signed {
        invoice_no: Option<i64>,
    },
    /// Refused by KRA for good, with KRA's message: needs the shopkeeper.
    Parked {
        error: String,
    },
}

/// One line of the sales list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleSummary {
    pub id: i64,
    pub trader_no: String,
    pub committed_at: DateTime,
    pub buyer_name: Option<String>,
    pub total: domain::Money,
    pub training: bool,
    pub status: KraStatus,
}

/// KRA's answer to a sale or credit note, kept as the receipt must show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KraSignature {
    /// `invcNo`.
    pub invoice_no: i64,
    /// `curRcptNo`.
    pub receipt_no: Option<i64>,
    /// `totRcptNo`.
    pub total_receipt_no: Option<i64>,
    /// `intrlData`.
    pub internal_data: Option<String>,
    /// `rcptSign`.
    pub receipt_signature: Option<String>,
    pub sdc_id: Option<String>,
    pub mrc_no: Option<String>,
    /// `sdcDateTime`.
    pub signed_at: DateTime,
    /// KRA's whole reply, verbatim.
    pub response_body: String,
}

/// Commits a finalised sale in one transaction: the sale and its lines under the next gap-free
/// trader number, the goods' stock movements (type 11), the outbox rows (the sale after any
/// unfinished registration of its items; the stock IO after the sale; the stock master after
/// the stock IO) and the audit entry.
pub fn commit_sale(tx: &Tx<'_>, invoice: &Invoice, meta: &SaleMeta<'_>) -> Result<CommittedSale> {
    commit(tx, invoice, meta, None)
}

/// Commits the sale of the till's cart `cart_id` as [`commit_sale`] does, keeping the cart's id on
/// the sale (unique: a cart becomes one sale) and clearing the draft cart of that id
/// ([`crate::cart`]) in the same transaction. Call [`crate::cart::sale_of_cart`] first, in the same
/// transaction: a cart already charged is refused here by the unique index.
pub fn commit_cart_sale(tx: &Tx<'_>, cart_id: &str, invoice: &Invoice, meta: &SaleMeta<'_>) -> Result<CommittedSale> {
    let committed = commit(tx, invoice, meta, Some(cart_id))?;
    crate::cart::clear_draft(tx, cart_id)?;
    Ok(committed)
}

fn commit(tx: &Tx<'_>, invoice: &Invoice, meta: &SaleMeta<'_>, cart_id: Option<&str>) -> Result<CommittedSale> {
    let series = if meta.training { Series::TrainingSale } else { Series::Sale };
    let trader_no = numbering::next_document_no(tx, series)?;
    let mut header: Vec<Value> = vec![
        Value::Text(trader_no.clone()),
        Value::Text(meta.at.kra()),
        invoice.buyer_pin.as_ref().map_or(Value::Null, |p| Value::Text(p.as_str().to_owned())),
        invoice.buyer_name.clone().map_or(Value::Null, Value::Text),
        Value::Text(invoice.payment.code().to_owned()),
    ];
    header.extend(columns::total_values(&invoice.totals));
    header.push(Value::Text(meta.user.to_owned()));
    header.push(Value::Integer(i64::from(meta.training)));
    header.push(cart_id.map_or(Value::Null, |c| Value::Text(c.to_owned())));
    tx.prepare_cached(&format!(
        "INSERT INTO sales (trader_no, committed_at, buyer_pin, buyer_name, payment_type, {TOTAL_COLUMNS}, user_name, training, cart_id)
         VALUES ({})",
        columns::placeholders(8 + TOTAL_COLUMN_COUNT)
    ))
    .and_then(|mut s| s.execute(params_from_iter(header)))
    .during("save the sale")?;
    let id = tx.last_insert_rowid();
    insert_lines(tx, "sale_lines", "sale_id", "", id, invoice.lines.iter().map(|l| (l, Vec::new())), 0)?;
    crate::chain::link(tx, crate::chain::ChainKind::Sale, id, meta.at)?;

    let doc = DocumentRef::new(DocumentKind::Sale, id);
    let item_deps = open_registrations(tx, invoice.lines.iter().map(|l| &l.item_code))?;
    let outbox_id = outbox::enqueue(tx, OutboxKind::Sale, doc, None, &item_deps, meta.at)?;
    let stock =
        stock::write_document(tx, StockMoveType::Sale, Some(doc), &invoice.stock_out(), None, meta, &[outbox_id])?;
    audit::append_as(tx, meta, "sell", Some(doc), Some(&trader_no))?;
    Ok(CommittedSale { id, trader_no, outbox_id, stock_document_id: stock.map(|s| s.id) })
}

/// Lines inserted per statement: a 5-line sale is one statement, and the statement cache holds at
/// most this many shapes per line table.
const LINES_PER_INSERT: usize = 16;

/// Inserts document lines, up to [`LINES_PER_INSERT`] per multi-row statement; each line's `extra`
/// values follow the common columns, in the columns named by `extra_cols` (", a, b"). A line
/// naming an item the shop does not have is refused (the lines' foreign key) with that item's code.
pub(crate) fn insert_lines<'l>(
    tx: &Tx<'_>,
    table: &str,
    parent: &str,
    extra_cols: &str,
    parent_id: i64,
    lines: impl Iterator<Item = (&'l domain::InvoiceLine, Vec<Value>)>,
    extra_count: usize,
) -> Result<()> {
    let width = 1 + LINE_COLUMN_COUNT + extra_count;
    let rows: Vec<(&domain::InvoiceLine, Vec<Value>)> = lines.collect();
    for chunk in rows.chunks(LINES_PER_INSERT) {
        let mut values = Vec::with_capacity(chunk.len() * width);
        for (line, extra) in chunk {
            values.push(Value::Integer(parent_id));
            values.extend(columns::line_values(line));
            values.extend(extra.iter().cloned());
        }
        tx.prepare_cached(&format!(
            "INSERT INTO {table} ({parent}, {LINE_COLUMNS}{extra_cols}) VALUES {}",
            columns::row_placeholders(chunk.len(), width)
        ))
        .and_then(|mut s| s.execute(params_from_iter(values)))
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) if e.to_string().contains("FOREIGN KEY") => {
                match first_unknown_item(tx, chunk.iter().map(|(l, _)| &l.item_code)) {
                    Ok(Some(code)) => Error::ItemNotFound { code: code.to_string() },
                    Ok(None) => Error::Db { operation: "save the document lines", source: e },
                    Err(other) => other,
                }
            }
            _ => Error::Db { operation: "save the document lines", source: e },
        })?;
    }
    Ok(())
}

/// The first of `codes` that names no item of the shop.
pub(crate) fn first_unknown_item<'a>(
    tx: &Tx<'_>,
    codes: impl Iterator<Item = &'a ItemCode>,
) -> Result<Option<&'a ItemCode>> {
    let mut exists =
        tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM items WHERE code = ?1)").during("look up an item")?;
    for code in codes {
        if !exists.query_row([code.as_str()], |r| r.get::<_, bool>(0)).during("look up an item")? {
            return Ok(Some(code));
        }
    }
    Ok(None)
}

/// The unfinished registration rows of these items, which a document using them must wait for.
/// Called after the document's lines are inserted: their foreign key already proved that every
/// item exists, so this reads only the (usually empty) index of open registrations.
pub(crate) fn open_registrations<'a>(tx: &Tx<'_>, codes: impl Iterator<Item = &'a ItemCode>) -> Result<Vec<i64>> {
    let mut deps = Vec::new();
    let mut seen: Vec<&ItemCode> = Vec::new();
    for code in codes {
        if seen.contains(&code) {
            continue;
        }
        seen.push(code);
        deps.extend(outbox::open_item_registration(tx, code)?);
    }
    deps.sort_unstable();
    deps.dedup();
    Ok(deps)
}

pub(crate) fn read_lines(conn: &Reader<'_>, table: &str, parent: &str, id: i64) -> Result<Vec<domain::InvoiceLine>> {
    let raws = conn
        .prepare_cached(&format!("SELECT {LINE_COLUMNS} FROM {table} WHERE {parent} = ?1 ORDER BY seq"))
        .and_then(|mut s| s.query_map([id], |r| columns::raw_line(r, 0))?.collect::<Result<Vec<_>, _>>())
        .during("read the document lines")?;
    raws.into_iter().map(columns::RawLine::decode).collect()
}

pub(crate) fn optional_pin(value: Option<String>) -> Result<Option<KraPin>> {
    value.map(|p| codec::stored("a buyer PIN", &p, KraPin::parse(&p).ok())).transpose()
}

/// The sale with row id `id`, exactly as committed.
pub fn load_sale(conn: &Reader<'_>, id: i64) -> Result<StoredSale> {
    type Head = (String, String, Option<String>, Option<String>, String, [i64; TOTAL_COLUMN_COUNT], String, bool);
    let head: Head = conn
        .prepare_cached(&format!(
            "SELECT trader_no, committed_at, buyer_pin, buyer_name, payment_type, {TOTAL_COLUMNS}, user_name, training
             FROM sales WHERE id = ?1"
        ))
        .and_then(|mut s| {
            s.query_row([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    columns::raw_totals(r, 5)?,
                    r.get(5 + TOTAL_COLUMN_COUNT)?,
                    r.get(6 + TOTAL_COLUMN_COUNT)?,
                ))
            })
            .optional()
        })
        .during("read a sale")?
        .ok_or(Error::DocumentNotFound { kind: "sale", id })?;
    let (trader_no, at, pin, buyer_name, payment, totals, user, training) = head;
    let invoice = Invoice {
        lines: read_lines(conn, "sale_lines", "sale_id", id)?,
        buyer_pin: optional_pin(pin)?,
        buyer_name,
        payment: codec::code("a payment type", &payment)?,
        totals: columns::decode_totals(totals)?,
    };
    Ok(StoredSale { id, trader_no, committed_at: codec::datetime(&at)?, user, training, invoice })
}

/// The row id of the sale printed as `trader_no`.
pub fn sale_id_by_trader_no(conn: &Reader<'_>, trader_no: &str) -> Result<Option<i64>> {
    conn.query_row("SELECT id FROM sales WHERE trader_no = ?1", [trader_no.trim()], |r| r.get(0))
        .optional()
        .during("find a sale")
}

pub(crate) fn status_of(conn: &Reader<'_>, kind: OutboxKind, document: DocumentRef) -> Result<KraStatus> {
    let row = outbox::rows_for_document(conn, document)?.into_iter().find(|r| r.kind == kind);
    Ok(match row {
        None => KraStatus::Pending { last_error: None },
        Some(r) => match r.state {
            OutboxState::Pending => KraStatus::Pending { last_error: r.last_error },
            OutboxState::InFlight => KraStatus::Sending,
            OutboxState::Done => KraStatus::Signed { invoice_no: r.kra_number },
            OutboxState::Parked => KraStatus::Parked { error: r.last_error.unwrap_or_default() },
        },
    })
}

/// Where sale `sale_id` stands with KRA.
pub fn sale_status(conn: &Reader<'_>, sale_id: i64) -> Result<KraStatus> {
    status_of(conn, OutboxKind::Sale, DocumentRef::new(DocumentKind::Sale, sale_id))
}

/// Sales newest first, `limit` at a time, older than `before_id` when given.
pub fn list_sales(conn: &Reader<'_>, before_id: Option<i64>, limit: usize) -> Result<Vec<SaleSummary>> {
    let raws = conn
        .prepare_cached(
            "SELECT id, trader_no, committed_at, buyer_name, total_amount, training FROM sales
             WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
        )
        .and_then(|mut s| {
            s.query_map(params![before_id.unwrap_or(i64::MAX), i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, bool>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .during("list sales")?;
    raws.into_iter()
        .map(|(id, trader_no, at, buyer_name, total, training)| {
            Ok(SaleSummary {
                id,
                trader_no,
                committed_at: codec::datetime(&at)?,
                buyer_name,
                total: codec::money(total),
                training,
                status: status_of(conn, OutboxKind::Sale, DocumentRef::new(DocumentKind::Sale, id))?,
            })
        })
        .collect()
}

/// How much of each line (`itemSeq`) of a sale earlier credit notes took back.
pub fn credited_quantities(conn: &Reader<'_>, sale_id: i64) -> Result<BTreeMap<u16, Qty>> {
    let rows = conn
        .prepare_cached(
            "SELECT l.sale_line_seq, sum(l.qty) FROM credit_note_lines l
             JOIN credit_notes c ON c.id = l.credit_note_id
             WHERE c.sale_id = ?1 GROUP BY l.sale_line_seq",
        )
        .and_then(|mut s| {
            s.query_map([sale_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?.collect::<Result<Vec<_>, _>>()
        })
        .during("read credited quantities")?;
    rows.into_iter().map(|(seq, q)| Ok((codec::seq(seq)?, codec::qty(q)))).collect()
}

pub(crate) fn write_signature(
    tx: &Tx<'_>,
    table: &str,
    key: &str,
    id: i64,
    what: String,
    sig: &KraSignature,
) -> Result<()> {
    // One cached statement per settled row: the drain settles signatures in groups of 64. A second
    // signature for the same document is refused by the table's primary key (the document's id).
    tx.prepare_cached(&format!(
        "INSERT INTO {table} ({key}, invoice_no, receipt_no, total_receipt_no, internal_data, receipt_signature,
                             sdc_id, mrc_no, signed_at, response_body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    ))
    .and_then(|mut s| {
        s.execute(params![
            id,
            sig.invoice_no,
            sig.receipt_no,
            sig.total_receipt_no,
            sig.internal_data,
            sig.receipt_signature,
            sig.sdc_id,
            sig.mrc_no,
            sig.signed_at.kra(),
            sig.response_body
        ])
    })
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(ref f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
            Error::AlreadySigned { document: what }
        }
        e => Error::Db { operation: "record KRA's signature", source: e },
    })?;
    Ok(())
}

pub(crate) fn read_signature(conn: &Reader<'_>, table: &str, key: &str, id: i64) -> Result<Option<KraSignature>> {
    type Raw =
        (i64, Option<i64>, Option<i64>, Option<String>, Option<String>, Option<String>, Option<String>, String, String);
    let raw: Option<Raw> = conn
        .prepare_cached(&format!(
            "SELECT invoice_no, receipt_no, total_receipt_no, internal_data, receipt_signature, sdc_id, mrc_no,
                    signed_at, response_body FROM {table} WHERE {key} = ?1"
        ))
        .and_then(|mut s| {
            s.query_row([id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
            })
            .optional()
        })
        .during("read KRA's signature")?;
    raw.map(|(invoice_no, receipt_no, total_receipt_no, internal_data, receipt_signature, sdc_id, mrc_no, at, body)| {
        Ok(KraSignature {
            invoice_no,
            receipt_no,
            total_receipt_no,
            internal_data,
            receipt_signature,
            sdc_id,
            mrc_no,
            signed_at: codec::datetime(&at)?,
            response_body: body,
        })
    })
    .transpose()
}

/// Records KRA's signature of a sale, once.
pub fn record_sale_signature(tx: &Tx<'_>, sale_id: i64, signature: &KraSignature) -> Result<()> {
    write_signature(tx, "sale_signatures", "sale_id", sale_id, format!("sale {sale_id}"), signature)
}

/// KRA's signature of a sale, if it has one.
pub fn sale_signature(conn: &Reader<'_>, sale_id: i64) -> Result<Option<KraSignature>> {
    read_signature(conn, "sale_signatures", "sale_id", sale_id)
}

#[cfg(test)]
mod tests {
    use domain::{ItemType, Qty};

    use super::*;
    use crate::{Store, items, stock, testing};

    fn count(store: &Store, table: &str) -> i64 {
        store.read(|c| c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).during("count")).unwrap()
    }

    #[test]
    fn a_sale_commits_everything_at_once_and_reads_back_exactly() {
        let (store, items) = testing::shop();
        let draft = testing::sale_draft(
            &[
                (1, ItemType::Finished, 2),
                (3, ItemType::Service, 1),
                (4, ItemType::Finished, 1),
                (1, ItemType::Finished, 1),
            ],
            Some("P051234567X"),
        );
        let invoice = testing::finalise(&store, &draft);
        let committed = store.write(|tx| commit_sale(tx, &invoice, &testing::meta())).unwrap();
        assert_eq!(committed.trader_no, "INV-000001");
        let stored = store.read(|c| load_sale(c, committed.id)).unwrap();
        assert_eq!(stored.invoice, invoice);
        assert_eq!((stored.user.as_str(), stored.training), ("wanjiku", false));
        // Goods only, summed per item.
        assert_eq!(store.read(|c| stock::on_hand(c, &items[0].code)).unwrap(), Qty::whole(47));
        assert_eq!(store.read(|c| stock::on_hand(c, &items[3].code)).unwrap(), Qty::whole(49));
        let doc = store.read(|c| stock::stock_document(c, committed.stock_document_id.unwrap())).unwrap();
        assert_eq!((doc.kind, doc.lines.len()), (StockMoveType::Sale, 2));
        // The outbox chain: sale -> stock IO -> stock master.
        let io = store
            .read(|c| outbox::rows_for_document(c, DocumentRef::new(DocumentKind::StockDocument, doc.id)))
            .unwrap();
        assert_eq!(io.iter().map(|r| r.kind).collect::<Vec<_>>(), [OutboxKind::StockIo, OutboxKind::StockMaster]);
        assert_eq!(io[0].depends_on, [committed.outbox_id]);
        assert!(io[1..].iter().all(|r| r.depends_on == [io[0].id]));
        assert!(store.read(|c| outbox::row(c, committed.outbox_id)).unwrap().depends_on.is_empty());
        let audit = store.read(|c| audit::recent(c, 1)).unwrap();
        assert_eq!(
            (audit[0].action.as_str(), audit[0].document),
            ("sell", Some(DocumentRef::new(DocumentKind::Sale, committed.id)))
        );
        let list = store.read(|c| list_sales(c, None, 10)).unwrap();
        assert_eq!(list[0].status, KraStatus::Pending { last_error: None });
        assert_eq!(store.read(|c| sale_id_by_trader_no(c, "INV-000001")).unwrap(), Some(committed.id));
    }

    #[test]
    fn a_sale_waits_for_its_items_registration() {
        let (store, _) = testing::shop();
        let fresh = testing::item(9, "Salt 500g", None);
        let reg = store.write(|tx| items::register_item(tx, &fresh, &testing::meta())).unwrap();
        let draft = testing::sale_draft(&[(9, ItemType::Finished, 1), (1, ItemType::Finished, 1)], None);
        let catalogue = store.read(|c| crate::LoadedCatalogue::for_sale(c, &draft)).unwrap();
        let invoice = draft.finalise(&catalogue, &testing::rates(), domain::StockPolicy::AllowNegative).unwrap();
        let sale = store.write(|tx| commit_sale(tx, &invoice, &testing::meta())).unwrap();
        assert_eq!(store.read(|c| outbox::row(c, sale.outbox_id)).unwrap().depends_on, [reg.outbox_id]);
    }

    #[test]
    fn a_failure_midway_leaves_nothing_and_no_number_gap() {
        let (store, _) = testing::shop();
        let invoice = testing::finalise(&store, &testing::sale_draft(&[(1, ItemType::Finished, 1)], None));
        let mut broken = invoice.clone();
        // A second line naming an item the shop does not have: the sale row is written first,
        // then the line fails.
        let mut ghost = broken.lines[0].clone();
        ghost.seq = 2;
        ghost.item_code = testing::code(77, ItemType::Finished);
        broken.lines.push(ghost);
        let before: Vec<i64> = ["sales", "sale_lines", "stock_movements", "outbox", "audit_log"]
            .iter()
            .map(|t| count(&store, t))
            .collect();
        let err = store.write(|tx| commit_sale(tx, &broken, &testing::meta())).unwrap_err();
        assert!(matches!(err, Error::ItemNotFound { .. }), "{err}");
        let after: Vec<i64> = ["sales", "sale_lines", "stock_movements", "outbox", "audit_log"]
            .iter()
            .map(|t| count(&store, t))
            .collect();
        assert_eq!(before, after);
        let ok = store.write(|tx| commit_sale(tx, &invoice, &testing::meta())).unwrap();
        assert_eq!(ok.trader_no, "INV-000001");
    }

    #[test]
    fn committed_sales_are_immutable_in_the_schema() {
        let (store, _) = testing::shop();
        let invoice = testing::finalise(&store, &testing::sale_draft(&[(1, ItemType::Finished, 1)], None));
        let sale = store.write(|tx| commit_sale(tx, &invoice, &testing::meta())).unwrap();
        let sig = KraSignature {
            invoice_no: 1,
            receipt_no: Some(1),
            total_receipt_no: Some(1),
            internal_data: Some("WT3VWXRQ2CXJ5S5GW5VKQ2PNUQ".into()),
            receipt_signature: Some("OPNRYXNQHQTCQ4BV".into()),
            sdc_id: Some("KRACU0100000001".into()),
            mrc_no: Some("WIS00000001".into()),
            signed_at: testing::now(),
            response_body: "{\"resultCd\":\"000\"}".into(),
        };
        store.write(|tx| record_sale_signature(tx, sale.id, &sig)).unwrap();
        assert!(matches!(store.write(|tx| record_sale_signature(tx, sale.id, &sig)), Err(Error::AlreadySigned { .. })));
        assert_eq!(store.read(|c| sale_signature(c, sale.id)).unwrap(), Some(sig));
        for sql in [
            "UPDATE sales SET total_amount = 1",
            "DELETE FROM sales",
            "UPDATE sale_lines SET qty = 1",
            "DELETE FROM sale_lines",
            "UPDATE sale_signatures SET invoice_no = 2",
            "DELETE FROM sale_signatures",
            "UPDATE audit_log SET user_name = 'x'",
            "DELETE FROM audit_log",
            "DELETE FROM stock_movements",
        ] {
            let err = store.read(|c| c.execute(sql, []).during("tamper")).unwrap_err();
            assert!(err.to_string().contains("never") || err.to_string().contains("append-only"), "{sql}: {err}");
        }
        assert_eq!(store.read(|c| load_sale(c, sale.id)).unwrap().invoice, invoice);
    }

    #[test]
    fn training_sales_take_their_own_series_and_services_move_no_stock() {
        let (store, _) = testing::shop();
        let invoice = testing::finalise(&store, &testing::sale_draft(&[(3, ItemType::Service, 1)], None));
        let training = crate::CommitMeta { training: true, ..testing::meta() };
        let t = store.write(|tx| commit_sale(tx, &invoice, &training)).unwrap();
        let real = store.write(|tx| commit_sale(tx, &invoice, &testing::meta())).unwrap();
        assert_eq!((t.trader_no.as_str(), real.trader_no.as_str()), ("TRN-000001", "INV-000001"));
        assert_eq!(real.stock_document_id, None);
        assert!(store.read(|c| load_sale(c, t.id)).unwrap().training);
    }

    #[test]
    fn long_sales_are_written_in_chunks_and_an_unknown_item_in_any_chunk_is_named() {
        let (store, _) = testing::shop();
        // 40 lines: three multi-row statements (16 + 16 + 8).
        let lines: Vec<(u32, ItemType, i64)> = (0..40).map(|i| (1 + (i % 2), ItemType::Finished, 1)).collect();
        let invoice = testing::finalise(&store, &testing::sale_draft(&lines, None));
        let sale = store.write(|tx| commit_sale(tx, &invoice, &testing::meta())).unwrap();
        let stored = store.read(|c| load_sale(c, sale.id)).unwrap();
        assert_eq!(stored.invoice, invoice);
        assert_eq!(stored.invoice.lines.iter().map(|l| l.seq).collect::<Vec<_>>(), (1..=40).collect::<Vec<u16>>());
        // An unknown item on line 35 (the third statement) is refused by name, and nothing is kept.
        let mut broken = invoice.clone();
        broken.lines[34].item_code = testing::code(77, ItemType::Finished);
        let before = count(&store, "sale_lines");
        let err = store.write(|tx| commit_sale(tx, &broken, &testing::meta())).unwrap_err();
        assert!(
            matches!(&err, Error::ItemNotFound { code } if *code == testing::code(77, ItemType::Finished).to_string()),
            "{err}"
        );
        assert_eq!(count(&store, "sale_lines"), before);
    }

    #[test]
    fn the_open_registration_lookup_reads_only_the_index_of_open_registrations() {
        let (store, _) = testing::shop();
        let fresh = testing::item(9, "Salt 500g", None);
        let reg = store.write(|tx| items::register_item(tx, &fresh, &testing::meta())).unwrap();
        let plan: Vec<String> = store
            .read(|c| {
                c.prepare(
                    "EXPLAIN QUERY PLAN
                     SELECT max(id) FROM outbox WHERE item_code = ?1 AND kind = 'save_item' AND state != 'done'",
                )
                .and_then(|mut s| s.query_map([fresh.code.as_str()], |r| r.get(3))?.collect())
                .during("plan")
            })
            .unwrap();
        assert!(plan.iter().any(|p| p.contains("COVERING INDEX outbox_open_registration")), "{plan:?}");
        assert_eq!(store.read(|c| outbox::open_item_registration(c, &fresh.code)).unwrap(), Some(reg.outbox_id));
        // Once KRA has the registration, the item has no open registration and a sale waits for nothing.
        let claimed = store.write(|tx| testing::claim_ready(tx, testing::now(), 10)).unwrap();
        assert_eq!(claimed.iter().map(|r| r.id).collect::<Vec<_>>(), [reg.outbox_id]);
        store.write(|tx| outbox::mark_done(tx, reg.outbox_id, None, testing::now())).unwrap();
        assert_eq!(store.read(|c| outbox::open_item_registration(c, &fresh.code)).unwrap(), None);
        let draft = testing::sale_draft(&[(9, ItemType::Finished, 1)], None);
        let catalogue = store.read(|c| crate::LoadedCatalogue::for_sale(c, &draft)).unwrap();
        let invoice = draft.finalise(&catalogue, &testing::rates(), domain::StockPolicy::AllowNegative).unwrap();
        let sale = store.write(|tx| commit_sale(tx, &invoice, &testing::meta())).unwrap();
        assert!(store.read(|c| outbox::row(c, sale.outbox_id)).unwrap().depends_on.is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        #[test]
        fn any_sale_reads_back_as_committed_and_numbers_stay_gap_free(
            sales in proptest::collection::vec(
                proptest::collection::vec((1u32..=4, 1i64..=300, 0i64..=2_500), 1..6), 1..6)
        ) {
            let (store, items) = testing::shop();
            for (n, lines) in sales.iter().enumerate() {
                let draft = domain::SaleDraft {
                    lines: lines.iter().map(|(i, q, d)| domain::SaleLineDraft {
                        item: items[*i as usize - 1].code.clone(),
                        qty: Qty::from_hundredths(*q),
                        unit_price: None,
                        discount: domain::Discount::Percent(*d),
                    }).collect(),
                    buyer_pin: None,
                    buyer_name: None,
                    payment: domain::PaymentType::Cash,
                };
                let catalogue = store.read(|c| crate::LoadedCatalogue::for_sale(c, &draft)).unwrap();
                let invoice = draft.finalise(&catalogue, &testing::rates(), domain::StockPolicy::AllowNegative).unwrap();
                let committed = store.write(|tx| commit_sale(tx, &invoice, &testing::meta())).unwrap();
                proptest::prop_assert_eq!(&committed.trader_no, &format!("INV-{:06}", n + 1));
                proptest::prop_assert_eq!(store.read(|c| load_sale(c, committed.id)).unwrap().invoice, invoice);
            }
        }
    }
}
