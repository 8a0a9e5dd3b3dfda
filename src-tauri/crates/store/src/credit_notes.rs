//! Credit notes: committed against a stored sale (lines, goods back into stock as type 03, outbox
//! rows after the sale's own row, audit entry) in one transaction, never crediting more of a sale
//! line than remains, even if two tills race.

use domain::{CreditNote, CreditNoteDraft, DateTime, StockMoveType};
use rusqlite::{OptionalExtension, params_from_iter, types::Value};

use crate::{
    CommitMeta, DocumentKind, DocumentRef, Error, Reader, Result, Tx, audit, codec,
    columns::{self, LINE_COLUMN_COUNT, TOTAL_COLUMN_COUNT, TOTAL_COLUMNS},
    error::During,
    numbering::{self, Series},
    outbox::{self, OutboxKind},
    sales::{self, KraSignature},
    stock,
};

/// What committing a credit note wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedCreditNote {
    pub id: i64,
    /// e.g. `CN-000012`.
    pub trader_no: String,
    /// The `saveTrnsSalesOsdc` outbox row (after the sale's).
    pub outbox_id: i64,
    pub stock_document_id: Option<i64>,
}

/// A credit note as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCreditNote {
    pub id: i64,
    pub trader_no: String,
    pub sale_id: i64,
    pub committed_at: DateTime,
    pub user: String,
    pub training: bool,
    pub credit_note: CreditNote,
    /// For each credit-note line, the `itemSeq` of the sale line it credits.
    pub sale_lines: Vec<u16>,
}

/// Commits a finalised credit note against sale `sale_id`. `draft` is the draft it was finalised
/// from (it names the sale line of each credit line).
pub fn commit_credit_note(
    tx: &Tx<'_>,
    sale_id: i64,
    draft: &CreditNoteDraft,
    credit_note: &CreditNote,
    meta: &CommitMeta<'_>,
) -> Result<CommittedCreditNote> {
    if draft.lines.len() != credit_note.lines.len()
        || draft.lines.iter().zip(&credit_note.lines).any(|(d, l)| d.qty != l.qty)
    {
        return Err(Error::CreditNoteDraftMismatch);
    }
    let sale = sales::load_sale(tx, sale_id)?;
    // Re-check inside the transaction what remains to credit.
    let credited = sales::credited_quantities(tx, sale_id)?;
    for d in &draft.lines {
        let sold = sale.invoice.lines.iter().find(|l| l.seq == d.sale_line).map(|l| l.qty).unwrap_or_default();
        let already = credited.get(&d.sale_line).copied().unwrap_or_default();
        let remaining = domain::Qty::from_hundredths(sold.hundredths() - already.hundredths());
        if d.qty > remaining {
            return Err(Error::CreditExceedsSale {
                sale: sale.trader_no,
                sale_line: d.sale_line,
                remaining,
                wanted: d.qty,
            });
        }
    }
    let series = if meta.training { Series::TrainingCreditNote } else { Series::CreditNote };
    let trader_no = numbering::next_document_no(tx, series)?;
    let mut header: Vec<Value> = vec![
        Value::Text(trader_no.clone()),
        Value::Integer(sale_id),
        Value::Text(meta.at.kra()),
        Value::Text(credit_note.date.kra()),
        Value::Text(credit_note.reason.code().to_owned()),
        credit_note.buyer_pin.as_ref().map_or(Value::Null, |p| Value::Text(p.as_str().to_owned())),
        credit_note.buyer_name.clone().map_or(Value::Null, Value::Text),
        Value::Text(credit_note.payment.code().to_owned()),
    ];
    header.extend(columns::total_values(&credit_note.totals));
    header.push(Value::Text(meta.user.to_owned()));
    header.push(Value::Integer(i64::from(meta.training)));
    tx.prepare_cached(&format!(
        "INSERT INTO credit_notes (trader_no, sale_id, committed_at, credit_date, reason, buyer_pin, buyer_name,
                                   payment_type, {TOTAL_COLUMNS}, user_name, training)
         VALUES ({})",
        columns::placeholders(10 + TOTAL_COLUMN_COUNT)
    ))
    .and_then(|mut s| s.execute(params_from_iter(header)))
    .during("save the credit note")?;
    let id = tx.last_insert_rowid();
    sales::insert_lines(
        tx,
        "credit_note_lines",
        "credit_note_id",
        ", sale_line_seq",
        id,
        credit_note.lines.iter().zip(&draft.lines).map(|(l, d)| (l, vec![Value::Integer(i64::from(d.sale_line))])),
        1,
    )?;
    debug_assert_eq!(LINE_COLUMN_COUNT, 18);
    crate::chain::link(tx, crate::chain::ChainKind::CreditNote, id, meta.at)?;

    let doc = DocumentRef::new(DocumentKind::CreditNote, id);
    let sale_doc = DocumentRef::new(DocumentKind::Sale, sale_id);
    let mut deps: Vec<i64> = outbox::rows_for_document(tx, sale_doc)?
        .into_iter()
        .filter(|r| r.kind == OutboxKind::Sale)
        .map(|r| r.id)
        .collect();
    deps.extend(sales::open_registrations(tx, credit_note.lines.iter().map(|l| &l.item_code))?);
    let outbox_id = outbox::enqueue(tx, OutboxKind::CreditNote, doc, None, &deps, meta.at)?;
    let stock = stock::write_document(
        tx,
        StockMoveType::ReturnIn,
        Some(doc),
        &credit_note.stock_in(),
        None,
        meta,
        &[outbox_id],
    )?;
    audit::append_as(tx, meta, "credit", Some(doc), Some(&format!("{trader_no} against {}", sale.trader_no)))?;
    Ok(CommittedCreditNote { id, trader_no, outbox_id, stock_document_id: stock.map(|s| s.id) })
}

/// The credit note with row id `id`, exactly as committed.
pub fn load_credit_note(conn: &Reader<'_>, id: i64) -> Result<StoredCreditNote> {
    type Head = (
        String,
        i64,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        [i64; TOTAL_COLUMN_COUNT],
        String,
        bool,
    );
    let head: Head = conn
        .prepare_cached(&format!(
            "SELECT trader_no, sale_id, committed_at, credit_date, reason, buyer_pin, buyer_name, payment_type,
                    {TOTAL_COLUMNS}, user_name, training
             FROM credit_notes WHERE id = ?1"
        ))
        .and_then(|mut s| {
            s.query_row([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    columns::raw_totals(r, 8)?,
                    r.get(8 + TOTAL_COLUMN_COUNT)?,
                    r.get(9 + TOTAL_COLUMN_COUNT)?,
                ))
            })
            .optional()
        })
        .during("read a credit note")?
        .ok_or(Error::DocumentNotFound { kind: "credit note", id })?;
    let (trader_no, sale_id, at, date, reason, pin, buyer_name, payment, totals, user, training) = head;
    let sale_lines = conn
        .prepare_cached("SELECT sale_line_seq FROM credit_note_lines WHERE credit_note_id = ?1 ORDER BY seq")
        .and_then(|mut s| s.query_map([id], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>())
        .during("read a credit note")?
        .into_iter()
        .map(codec::seq)
        .collect::<Result<Vec<_>>>()?;
    Ok(StoredCreditNote {
        id,
        trader_no,
        sale_id,
        committed_at: codec::datetime(&at)?,
        user,
        training,
        credit_note: CreditNote {
            reason: codec::code("a credit-note reason", &reason)?,
            date: codec::date(&date)?,
            lines: sales::read_lines(conn, "credit_note_lines", "credit_note_id", id)?,
            buyer_pin: sales::optional_pin(pin)?,
            buyer_name,
            payment: codec::code("a payment type", &payment)?,
            totals: columns::decode_totals(totals)?,
        },
        sale_lines,
    })
}

/// Where credit note `credit_note_id` stands with KRA.
pub fn credit_note_status(conn: &Reader<'_>, credit_note_id: i64) -> Result<sales::KraStatus> {
    sales::status_of(conn, OutboxKind::CreditNote, DocumentRef::new(DocumentKind::CreditNote, credit_note_id))
}

/// The credit notes raised against a sale, oldest first.
pub fn credit_notes_for_sale(conn: &Reader<'_>, sale_id: i64) -> Result<Vec<i64>> {
    conn.prepare_cached("SELECT id FROM credit_notes WHERE sale_id = ?1 ORDER BY id")
        .and_then(|mut s| s.query_map([sale_id], |r| r.get(0))?.collect::<Result<Vec<_>, _>>())
        .during("list a sale's credit notes")
}

/// The row id of the credit note printed as `trader_no` (exactly as printed, e.g. "CN-000002").
pub fn credit_note_id_by_trader_no(conn: &Reader<'_>, trader_no: &str) -> Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM credit_notes WHERE trader_no = ?1")
        .and_then(|mut s| s.query_row([trader_no], |r| r.get(0)).optional())
        .during("find a credit note")
}

/// Records KRA's signature of a credit note, once.
pub fn record_credit_note_signature(tx: &Tx<'_>, credit_note_id: i64, signature: &KraSignature) -> Result<()> {
    sales::write_signature(
        tx,
        "credit_note_signatures",
        "credit_note_id",
        credit_note_id,
        format!("credit note {credit_note_id}"),
        signature,
    )
}

/// KRA's signature of a credit note, if it has one.
pub fn credit_note_signature(conn: &Reader<'_>, credit_note_id: i64) -> Result<Option<KraSignature>> {
    sales::read_signature(conn, "credit_note_signatures", "credit_note_id", credit_note_id)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use domain::{CreditNoteLineDraft, CreditNoteReason, Date, ItemType, OriginalSale, Qty};

    use super::*;
    use crate::{Store, sales::commit_sale, testing};

    fn sell(store: &Store) -> (i64, i64) {
        let invoice = testing::finalise(
            store,
            &testing::sale_draft(&[(1, ItemType::Finished, 3), (3, ItemType::Service, 1)], Some("P051234567X")),
        );
        let sale = store.write(|tx| commit_sale(tx, &invoice, &testing::meta())).unwrap();
        (sale.id, sale.outbox_id)
    }

    fn credit(store: &Store, sale_id: i64, lines: &[(u16, i64)]) -> Result<(CreditNoteDraft, CreditNote)> {
        let stored = store.read(|c| sales::load_sale(c, sale_id))?;
        let credited: BTreeMap<u16, Qty> = store.read(|c| sales::credited_quantities(c, sale_id))?;
        let draft = CreditNoteDraft {
            reason: CreditNoteReason::Damaged,
            buyer_pin: Some("P051234567X".into()),
            date: Date::new(2026, 11, 21).unwrap(),
            lines: lines.iter().map(|(s, q)| CreditNoteLineDraft { sale_line: *s, qty: Qty::whole(*q) }).collect(),
        };
        let original = OriginalSale { invoice: &stored.invoice, date: stored.committed_at.date(), credited: &credited };
        let cn = draft.finalise(original, &testing::rates()).map_err(|_| Error::CreditNoteDraftMismatch)?;
        Ok((draft, cn))
    }

    #[test]
    fn a_credit_note_follows_its_sale_and_brings_goods_back() {
        let (store, items) = testing::shop();
        let (sale_id, sale_row) = sell(&store);
        let (draft, cn) = credit(&store, sale_id, &[(1, 1), (2, 1)]).unwrap();
        let c = store.write(|tx| commit_credit_note(tx, sale_id, &draft, &cn, &testing::meta())).unwrap();
        assert_eq!(c.trader_no, "CN-000001");
        assert_eq!(store.read(|conn| outbox::row(conn, c.outbox_id)).unwrap().depends_on, [sale_row]);
        assert_eq!(store.read(|conn| stock::on_hand(conn, &items[0].code)).unwrap(), Qty::whole(48));
        let stored = store.read(|conn| load_credit_note(conn, c.id)).unwrap();
        assert_eq!((stored.credit_note, stored.sale_lines), (cn, vec![1, 2]));
        let doc = store.read(|conn| stock::stock_document(conn, c.stock_document_id.unwrap())).unwrap();
        assert_eq!(doc.kind, StockMoveType::ReturnIn);
        assert_eq!(store.read(|conn| credit_notes_for_sale(conn, sale_id)).unwrap(), [c.id]);
        assert_eq!(
            store.read(|conn| credit_note_status(conn, c.id)).unwrap(),
            sales::KraStatus::Pending { last_error: None }
        );
        let credited = store.read(|conn| sales::credited_quantities(conn, sale_id)).unwrap();
        assert_eq!(credited, BTreeMap::from([(1, Qty::whole(1)), (2, Qty::whole(1))]));
        assert!(store.read(|conn| conn.execute("UPDATE credit_note_lines SET qty = 0", []).during("t")).is_err());
        assert!(store.read(|conn| conn.execute("DELETE FROM credit_notes", []).during("t")).is_err());
    }

    #[test]
    fn crediting_more_than_remains_is_refused_even_from_a_stale_draft() {
        let (store, _) = testing::shop();
        let (sale_id, _) = sell(&store);
        // Two tills finalise against the same state; only the first fits.
        let (d1, c1) = credit(&store, sale_id, &[(1, 2)]).unwrap();
        let (d2, c2) = credit(&store, sale_id, &[(1, 2)]).unwrap();
        store.write(|tx| commit_credit_note(tx, sale_id, &d1, &c1, &testing::meta())).unwrap();
        let err = store.write(|tx| commit_credit_note(tx, sale_id, &d2, &c2, &testing::meta())).unwrap_err();
        assert!(err.to_string().contains("only 1 is left to credit, 2 asked"), "{err}");
        // The refused one consumed no number.
        let (d3, c3) = credit(&store, sale_id, &[(1, 1)]).unwrap();
        let ok = store.write(|tx| commit_credit_note(tx, sale_id, &d3, &c3, &testing::meta())).unwrap();
        assert_eq!(ok.trader_no, "CN-000002");
        let mismatched = CreditNoteDraft { lines: vec![], ..d3 };
        assert!(matches!(
            store.write(|tx| commit_credit_note(tx, sale_id, &mismatched, &c3, &testing::meta())),
            Err(Error::CreditNoteDraftMismatch)
        ));
    }

    #[test]
    fn a_credit_note_dated_before_the_last_document_is_refused() {
        let (store, _) = testing::shop();
        let (sale_id, _) = sell(&store);
        let (draft, cn) = credit(&store, sale_id, &[(1, 1)]).unwrap();
        let early = CommitMeta { at: domain::DateTime::parse_kra("20261121095959").unwrap(), ..testing::meta() };
        let err = store.write(|tx| commit_credit_note(tx, sale_id, &draft, &cn, &early)).unwrap_err();
        assert!(matches!(err, Error::ClockBehind { last_kind: "sale", .. }), "{err}");
    }
}
