//! The drain's side of the outbox: which rows a lane may claim, when the next one is due, and the
//! transactions that settle a row (accepted, kept in Duka, put back, deferred, realigned, parked).
//!
//! sync decides what happens to a row; these functions write it. Each write is one call inside
//! the caller's transaction, so a row's state, its KRA number and its audit entry move together.

use domain::DateTime;
use rusqlite::{OptionalExtension, params};

use super::{OutboxKind, OutboxRow, OutboxState, Refusal, mark_done, mark_retry, park_with_refusal, unclaim};
use crate::{
    KraCounter, KraSignature, Reader, Result, Tx, audit, bridge::let_others_run, codec, credit_notes, error::During,
    numbering, sales, settings,
};

impl OutboxKind {
    /// The KRA series whose number the row's request carries, if any.
    pub fn kra_counter(self) -> Option<KraCounter> {
        match self {
            OutboxKind::Sale | OutboxKind::CreditNote => Some(KraCounter::SalesInvoice),
            OutboxKind::StockIo => Some(KraCounter::StockSar),
            OutboxKind::Purchase => Some(KraCounter::PurchaseInvoice),
            OutboxKind::SaveItem
            | OutboxKind::StockMaster
            | OutboxKind::PurchaseRejection
            | OutboxKind::ImportUpdate
            | OutboxKind::ItemComposition => None,
        }
    }
}

/// `('sale', 'credit_note')`: an SQL list of kinds (the kinds' own names, never user text).
fn kinds_sql(kinds: &[OutboxKind]) -> String {
    let names: Vec<String> = kinds.iter().map(|k| format!("'{}'", k.as_str())).collect();
    format!("({})", names.join(", "))
}

/// A lane's next pending rows (see [`pending_window`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PendingWindow {
    /// The first pending row from the scan start, due or not: the lane's next scan start.
    pub first: Option<i64>,
    /// The rows due now, oldest first.
    pub due: Vec<DueRow>,
}

/// A pending row that is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueRow {
    pub id: i64,
    /// Every row it depends on is done.
    pub dependencies_done: bool,
}

/// Up to `rows` pending rows of `kinds` from id `from`, oldest first, with which of them are due
/// at `now` (a rowid range scan, so it costs the same with 10 or 100,000 rows done before them).
pub fn pending_window(
    conn: &Reader<'_>,
    kinds: &[OutboxKind],
    from: i64,
    rows: usize,
    now: DateTime,
) -> Result<PendingWindow> {
    let sql = format!(
        "SELECT o.id, o.next_attempt_at <= ?3, NOT EXISTS (
             SELECT 1 FROM outbox_deps d JOIN outbox p ON p.id = d.depends_on
             WHERE d.outbox_id = o.id AND p.state != 'done')
         FROM outbox o WHERE o.id >= ?1 AND o.kind IN {} AND o.state = 'pending'
         ORDER BY o.id LIMIT ?2",
        kinds_sql(kinds)
    );
    let operation = "find the next calls for KRA";
    let mut stmt = conn.prepare_cached(&sql).during(operation)?;
    let pending = stmt
        .query_map(params![from, i64::try_from(rows).unwrap_or(i64::MAX), now.kra()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?, r.get::<_, bool>(2)?))
        })
        .during(operation)?
        .collect::<Result<Vec<_>, _>>()
        .during(operation)?;
    let first = pending.first().map(|(id, _, _)| *id);
    let due = pending
        .into_iter()
        .filter(|(_, due, _)| *due)
        .map(|(id, _, dependencies_done)| DueRow { id, dependencies_done })
        .collect();
    Ok(PendingWindow { first, due })
}

/// A row that `id` depends on and that is not done yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenDependency {
    /// The kind of the waiting row (`id` itself).
    pub dependant: OutboxKind,
    pub kind: OutboxKind,
    pub state: OutboxState,
}

/// The rows `id` waits for (not done yet).
pub fn open_dependencies(conn: &Reader<'_>, id: i64) -> Result<Vec<OpenDependency>> {
    let operation = "check what a call for KRA waits for";
    let mut stmt = conn
        .prepare_cached(
            "SELECT o.kind, p.kind, p.state FROM outbox o
             JOIN outbox_deps d ON d.outbox_id = o.id JOIN outbox p ON p.id = d.depends_on
             WHERE o.id = ?1 AND p.state != 'done'",
        )
        .during(operation)?;
    let raw = stmt
        .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        .during(operation)?
        .collect::<Result<Vec<_>, _>>()
        .during(operation)?;
    raw.into_iter()
        .map(|(dependant, kind, state)| {
            Ok(OpenDependency { dependant: dependant.parse()?, kind: kind.parse()?, state: state.parse()? })
        })
        .collect()
}

/// The condition of a row that may be claimed at `?1`: pending, due, everything it depends on done.
const READY: &str = "o.state IN ('pending', 'in_flight', 'parked') AND o.state = 'pending'
           AND o.next_attempt_at <= ?1
           AND NOT EXISTS (
               SELECT 1 FROM outbox_deps d JOIN outbox p ON p.id = d.depends_on
               WHERE d.outbox_id = o.id AND p.state != 'done')";

/// Whether row `id` may be claimed at `now`: pending, due, and everything it depends on done.
pub fn is_ready(conn: &Reader<'_>, id: i64, now: DateTime) -> Result<bool> {
    conn.prepare_cached(&format!("SELECT 1 FROM outbox o WHERE {READY} AND o.id = ?2"))
        .and_then(|mut s| s.query_row(params![now.kra(), id], |_| Ok(())).optional())
        .during("find the next call for KRA")
        .map(|found| found.is_some())
}

/// Up to `limit` rows of `kinds` that may be claimed at `now` (see [`is_ready`]), oldest first,
/// looked for through the whole outbox.
pub fn ready_rows(conn: &Reader<'_>, kinds: &[OutboxKind], now: DateTime, limit: usize) -> Result<Vec<i64>> {
    let sql =
        format!("SELECT o.id FROM outbox o WHERE {READY} AND o.kind IN {} ORDER BY o.id LIMIT ?2", kinds_sql(kinds));
    let operation = "find the next call for KRA";
    let mut stmt = conn.prepare_cached(&sql).during(operation)?;
    stmt.query_map(params![now.kra(), i64::try_from(limit).unwrap_or(i64::MAX)], |r| r.get(0))
        .during(operation)?
        .collect::<Result<Vec<i64>, _>>()
        .during(operation)
}

/// When the earliest pending row is due, if there is one.
pub fn next_due(conn: &Reader<'_>) -> Result<Option<DateTime>> {
    let next: Option<String> = conn
        .prepare_cached(
            "SELECT min(next_attempt_at) FROM outbox WHERE state IN ('pending', 'in_flight', 'parked') AND state = 'pending'",
        )
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .during("find the next retry")?;
    next.as_deref().map(codec::datetime).transpose()
}

/// Whether another stock document moving an item of stock document `stock_document_id` still has
/// its `insertStockIO` waiting or on its way (KRA's total of those items may still move).
pub fn stock_of_same_items_queued(conn: &Reader<'_>, stock_document_id: i64) -> Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (
             SELECT 1 FROM stock_movements mine
             JOIN stock_movements other ON other.item_code = mine.item_code
             JOIN outbox o ON o.kind = 'stock_io' AND o.document_kind = 'stock_document'
                          AND o.document_id = other.document_id
             WHERE mine.document_id = ?1 AND o.state IN ('pending', 'in_flight'))",
    )
    .and_then(|mut s| s.query_row([stock_document_id], |r| r.get(0)))
    .during("look for stock still queued for KRA")
}

/// Whether stock coming in for an item of sale `sale_id` has its `insertStockIO` queued before
/// outbox row `before` and not sent yet (KRA has not seen that stock when it sees the sale).
pub fn incoming_stock_queued_for_sale(conn: &Reader<'_>, sale_id: i64, before: i64) -> Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (
             SELECT 1 FROM sale_lines l
             JOIN stock_movements m ON m.item_code = l.item_code AND m.signed_qty > 0
             JOIN outbox o ON o.kind = 'stock_io' AND o.document_kind = 'stock_document'
                          AND o.document_id = m.document_id
             WHERE l.sale_id = ?1 AND o.id < ?2 AND o.state IN ('pending', 'in_flight'))",
    )
    .and_then(|mut s| s.query_row([sale_id, before], |r| r.get(0)))
    .during("look for stock still queued for KRA")
}

/// A row claimed and never sent, with the number reserved for it (if any).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsent {
    pub id: i64,
    pub kind: OutboxKind,
    pub number: Option<i64>,
}

/// Puts rows claimed ahead and never sent back to pending, each number still reserved for its row
/// released: nothing unsent keeps a number (the next claim numbers them again, in order).
pub fn put_back_unsent(tx: &Tx<'_>, rows: &[Unsent], now: DateTime) -> Result<()> {
    for row in rows {
        if let (Some(n), Some(counter)) = (row.number, row.kind.kra_counter())
            && numbering::reservation_of(tx, counter, row.id)? == Some(n)
        {
            numbering::release(tx, counter, n, now)?;
        }
        unclaim(tx, row.id)?;
    }
    Ok(())
}

/// An answer KRA accepted, waiting for its settling transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub row: OutboxRow,
    /// The KRA number the request carried.
    pub number: Option<i64>,
    /// KRA's signature of a sale or credit note (the device's SDC id and MRC number are added
    /// from the settings when it is stored).
    pub signature: Option<KraSignature>,
    /// Stock balances built just before they went out, kept with a row that has no body frozen.
    pub balances_sent: Option<String>,
}

/// Settles a group of accepted answers in one transaction: signatures stored, numbers confirmed
/// in answer order (each counter written once), rows done. Returns how many rows.
pub fn settle_accepted(tx: &Tx<'_>, group: &[Acceptance], now: DateTime) -> Result<usize> {
    let device = settings::device_settings(tx)?;
    let mut confirmed: Vec<(KraCounter, Vec<i64>)> = Vec::new();
    for (done, accepted) in group.iter().enumerate() {
        let_others_run(done);
        let Acceptance { row, number, signature, balances_sent } = accepted;
        if let Some(sig) = signature {
            record_signature(tx, row, &with_device(sig.clone(), device.as_ref()))?;
        }
        if let Some(body) = balances_sent {
            super::freeze_request(tx, row.id, body)?;
        }
        if let (Some(n), Some(counter)) = (number, row.kind.kra_counter()) {
            match confirmed.iter_mut().find(|(c, _)| *c == counter) {
                Some((_, numbers)) => numbers.push(*n),
                None => confirmed.push((counter, vec![*n])),
            }
        }
        mark_done(tx, row.id, *number, now)?;
    }
    for (counter, numbers) in confirmed {
        numbering::confirm_in_order(tx, counter, numbers, now)?;
    }
    Ok(group.len())
}

/// How KRA came to hold a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptedWhen {
    /// KRA accepted this send.
    ThisSend,
    /// KRA already had it (a read-back found it, or KRA answered that it is a duplicate): audited
    /// as `kra_already_recorded` under `user`.
    Earlier,
}

/// One accepted row: its signature, its number confirmed and the row done, in one transaction;
/// a document KRA already had is audited (`user` is who the drain runs as).
pub fn record_acceptance(
    tx: &Tx<'_>,
    acceptance: &Acceptance,
    how: AcceptedWhen,
    user: &str,
    now: DateTime,
) -> Result<()> {
    let Acceptance { row, number, signature, balances_sent: _ } = acceptance;
    if let Some(sig) = signature {
        let device = settings::device_settings(tx)?;
        record_signature(tx, row, &with_device(sig.clone(), device.as_ref()))?;
    }
    if let (Some(n), Some(counter)) = (number, row.kind.kra_counter()) {
        numbering::confirm(tx, counter, *n, now)?;
    }
    mark_done(tx, row.id, *number, now)?;
    if how == AcceptedWhen::Earlier {
        let detail = number.map(|n| n.to_string());
        audit::append(tx, now, user, "kra_already_recorded", Some(row.document), detail.as_deref())?;
    }
    Ok(())
}

/// A decision KRA has no call for (a rejected supplier's sale): done, audited as kept in Duka.
pub fn keep_locally(tx: &Tx<'_>, row: &OutboxRow, user: &str, now: DateTime) -> Result<()> {
    mark_done(tx, row.id, None, now)?;
    audit::append(tx, now, user, "kept_in_duka_only", Some(row.document), Some("KRA has no call for this decision"))?;
    Ok(())
}

/// Gives back `number` (if the row's series carries one) and every number reserved after it:
/// KRA's series is strict, so none of them was recorded.
fn release_from(tx: &Tx<'_>, row: &OutboxRow, number: Option<i64>, now: DateTime) -> Result<()> {
    if let (Some(n), Some(counter)) = (number, row.kind.kra_counter()) {
        numbering::release(tx, counter, n, now)?;
        numbering::release_above(tx, counter, n, now)?;
    }
    Ok(())
}

/// A sale sent before KRA saw stock still queued for it: its number (and any after it) given
/// back, and the row pending again at `now` with `error` noted.
pub fn defer_for_stock(tx: &Tx<'_>, row: &OutboxRow, number: Option<i64>, error: &str, now: DateTime) -> Result<()> {
    release_from(tx, row, number, now)?;
    mark_retry(tx, row.id, now, error)
}

/// KRA expects `expected` where Duka sent `ours`: both given back (with any reserved after), the
/// counter set to KRA's number, an audit entry under `user`, and the row retried at once.
#[allow(clippy::too_many_arguments)]
pub fn realign(
    tx: &Tx<'_>,
    row: &OutboxRow,
    counter: KraCounter,
    ours: i64,
    expected: i64,
    error: &str,
    user: &str,
    now: DateTime,
) -> Result<()> {
    numbering::release(tx, counter, ours, now)?;
    numbering::release_above(tx, counter, ours, now)?;
    numbering::resync(tx, counter, expected)?;
    let detail = format!("{}: Duka had {ours}, KRA expects {expected}", counter.as_str());
    audit::append(tx, now, user, "realign_kra_counter", Some(row.document), Some(&detail))?;
    mark_retry(tx, row.id, now, error)
}

/// KRA refused the row for good: the number still reserved for it given back (with any reserved
/// after it), the row parked with the refusal in parts (see [`super::park_with_refusal`]), and an
/// audit entry with KRA's own message.
pub fn park_refused(
    tx: &Tx<'_>,
    row: &OutboxRow,
    number: Option<i64>,
    refusal: &Refusal,
    user: &str,
    now: DateTime,
) -> Result<()> {
    if let (Some(n), Some(counter)) = (number, row.kind.kra_counter())
        && numbering::reservation_of(tx, counter, row.id)? == Some(n)
    {
        numbering::release(tx, counter, n, now)?;
        numbering::release_above(tx, counter, n, now)?;
    }
    park_with_refusal(tx, row.id, refusal)?;
    audit::append(tx, now, user, "kra_refused", Some(row.document), Some(&refusal.kra_message))?;
    Ok(())
}

/// KRA holds another document under `number` than the row's (another till on this device's key,
/// an old backup): the row is parked with `refusal` as [`park_refused`] does (its number given
/// back), KRA's counter moved on to `next` when nothing is reserved, and KRA's copy of the other
/// document kept in the audit log. No signature is stored.
#[allow(clippy::too_many_arguments)]
pub fn park_foreign(
    tx: &Tx<'_>,
    row: &OutboxRow,
    number: i64,
    next: i64,
    refusal: &Refusal,
    kra_copy: &str,
    user: &str,
    now: DateTime,
) -> Result<()> {
    park_refused(tx, row, Some(number), refusal, user, now)?;
    if let Some(counter) = row.kind.kra_counter()
        && numbering::open_reservation(tx, counter)?.is_none()
        && numbering::next_kra_number(tx, counter)? < next
    {
        numbering::resync(tx, counter, next)?;
    }
    let detail = format!("KRA holds another document under {number}: {kra_copy}");
    audit::append(tx, now, user, "foreign_document_under_number", Some(row.document), Some(&detail))?;
    Ok(())
}

/// KRA's signature with the device's SDC id and MRC number.
fn with_device(signature: KraSignature, device: Option<&crate::DeviceSettings>) -> KraSignature {
    KraSignature {
        sdc_id: device.and_then(|d| d.scu_id.clone()),
        mrc_no: device.and_then(|d| d.mrc_no.clone()),
        ..signature
    }
}

fn record_signature(tx: &Tx<'_>, row: &OutboxRow, sig: &KraSignature) -> Result<()> {
    match row.kind {
        OutboxKind::Sale => sales::record_sale_signature(tx, row.document.id, sig),
        OutboxKind::CreditNote => credit_notes::record_credit_note_signature(tx, row.document.id, sig),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use domain::{ItemType, Qty, StockMoveType, StockMovement};

    use super::*;
    use crate::{
        DocumentKind, DocumentRef, Store, audit,
        outbox::{claim_row, enqueue, row},
        stock, testing,
    };

    fn at(s: &str) -> DateTime {
        DateTime::parse_kra(s).unwrap()
    }

    fn doc(id: i64) -> DocumentRef {
        DocumentRef::new(DocumentKind::Sale, id)
    }

    fn claimed(store: &Store, id: i64) -> OutboxRow {
        store.write(|tx| claim_row(tx, id)).unwrap()
    }

    fn last_audit(store: &Store) -> (String, Option<String>) {
        let entry = store.read(|c| audit::recent(c, 1)).unwrap().remove(0);
        (entry.action, entry.detail)
    }

    fn reserve(store: &Store, counter: KraCounter, id: i64) -> i64 {
        store.write(|tx| numbering::reserve_ahead(tx, counter, id, testing::now())).unwrap()
    }

    fn signature(invoice_no: i64) -> KraSignature {
        KraSignature {
            invoice_no,
            receipt_no: Some(7),
            total_receipt_no: Some(9),
            internal_data: Some("INTERNAL".into()),
            receipt_signature: Some("SIGN".into()),
            sdc_id: None,
            mrc_no: None,
            signed_at: testing::now(),
            response_body: "{}".into(),
        }
    }

    #[test]
    fn a_window_lists_a_lanes_pending_rows_from_its_start_with_what_is_due_and_free() {
        let store = Store::open_in_memory().unwrap();
        let t = at("20261121100000");
        let (a, b, c, item, d) = store
            .write(|tx| -> Result<_> {
                let a = enqueue(tx, OutboxKind::Sale, doc(1), None, &[], t)?;
                let b = enqueue(tx, OutboxKind::Sale, doc(2), None, &[a], t)?;
                let c = enqueue(tx, OutboxKind::Sale, doc(3), None, &[], t)?;
                let item = enqueue(tx, OutboxKind::SaveItem, DocumentRef::new(DocumentKind::Item, 1), None, &[], t)?;
                let d = enqueue(tx, OutboxKind::CreditNote, doc(4), None, &[], t)?;
                Ok((a, b, c, item, d))
            })
            .unwrap();
        let sales = [OutboxKind::Sale, OutboxKind::CreditNote];
        let later = at("20261121110000");
        store.write(|tx| claim_row(tx, c).and_then(|_| mark_retry(tx, c, later, "timeout"))).unwrap();
        let window = store.read(|conn| pending_window(conn, &sales, a, 10, t)).unwrap();
        let due = |id, dependencies_done| DueRow { id, dependencies_done };
        // c is pending but not due; the item is another lane's.
        assert_eq!(window, PendingWindow { first: Some(a), due: vec![due(a, true), due(b, false), due(d, true)] });
        // From b on, and only two rows looked at.
        let window = store.read(|conn| pending_window(conn, &sales, b, 2, t)).unwrap();
        assert_eq!(window, PendingWindow { first: Some(b), due: vec![due(b, false)] });
        // Past the end: nothing, and no first row.
        let window = store.read(|conn| pending_window(conn, &sales, d + 1, 10, t)).unwrap();
        assert_eq!(window, PendingWindow::default());
        assert_eq!(store.read(|conn| ready_rows(conn, &[OutboxKind::SaveItem], t, 5)).unwrap(), [item]);
        assert_eq!(store.read(|conn| ready_rows(conn, &sales, t, 5)).unwrap(), [a, d]);
        assert_eq!(store.read(|conn| ready_rows(conn, &sales, t, 1)).unwrap(), [a]);
        let ready = |id| store.read(|conn| is_ready(conn, id, t)).unwrap();
        assert_eq!((ready(a), ready(b), ready(c), ready(d)), (true, false, false, true));
        assert!(store.read(|conn| is_ready(conn, c, later)).unwrap());
    }

    #[test]
    fn open_dependencies_name_the_rows_a_row_waits_for() {
        let store = Store::open_in_memory().unwrap();
        let t = at("20261121100000");
        let (io, master) = store
            .write(|tx| -> Result<_> {
                let io = enqueue(tx, OutboxKind::StockIo, doc(1), None, &[], t)?;
                Ok((io, enqueue(tx, OutboxKind::StockMaster, doc(1), None, &[io], t)?))
            })
            .unwrap();
        let waits = |id| store.read(|conn| open_dependencies(conn, id)).unwrap();
        let on_io = |state| OpenDependency { dependant: OutboxKind::StockMaster, kind: OutboxKind::StockIo, state };
        assert_eq!(waits(master), [on_io(OutboxState::Pending)]);
        claimed(&store, io);
        assert_eq!(waits(master), [on_io(OutboxState::InFlight)]);
        store.write(|tx| mark_done(tx, io, Some(1), t)).unwrap();
        assert!(waits(master).is_empty());
        assert!(waits(io).is_empty());
    }

    #[test]
    fn the_next_due_row_is_the_earliest_pending_one() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.read(next_due).unwrap(), None);
        let t = at("20261121100000");
        let (a, b) = store
            .write(|tx| -> Result<_> {
                let a = enqueue(tx, OutboxKind::Sale, doc(1), None, &[], t)?;
                Ok((a, enqueue(tx, OutboxKind::Sale, doc(2), None, &[], t)?))
            })
            .unwrap();
        for id in [a, b] {
            claimed(&store, id);
        }
        // Rows in flight are not due for anything.
        assert_eq!(store.read(next_due).unwrap(), None);
        store.write(|tx| mark_retry(tx, a, at("20261121100500"), "busy")).unwrap();
        store.write(|tx| mark_retry(tx, b, at("20261121100200"), "busy")).unwrap();
        assert_eq!(store.read(next_due).unwrap(), Some(at("20261121100200")));
    }

    #[test]
    fn rows_put_back_unsent_give_their_numbers_back_and_wait_again() {
        let store = Store::open_in_memory().unwrap();
        let t = testing::now();
        let ids: Vec<i64> =
            store.write(|tx| (1..=3).map(|n| enqueue(tx, OutboxKind::Sale, doc(n), None, &[], t)).collect()).unwrap();
        let rows: Vec<OutboxRow> = ids.iter().map(|id| claimed(&store, *id)).collect();
        let numbers: Vec<i64> = ids.iter().map(|id| reserve(&store, KraCounter::SalesInvoice, *id)).collect();
        assert_eq!(numbers, [1, 2, 3]);
        // The first went out and was accepted; the other two were never sent.
        let first = Acceptance { row: rows[0].clone(), number: Some(1), signature: None, balances_sent: None };
        assert_eq!(store.write(|tx| settle_accepted(tx, &[first], t)).unwrap(), 1);
        let unsent: Vec<Unsent> = ids[1..]
            .iter()
            .zip(&numbers[1..])
            .map(|(id, n)| Unsent { id: *id, kind: OutboxKind::Sale, number: Some(*n) })
            .collect();
        store.write(|tx| put_back_unsent(tx, &unsent, t)).unwrap();
        for id in &ids[1..] {
            let r = store.read(|c| row(c, *id)).unwrap();
            assert_eq!((r.state, r.attempts), (OutboxState::Pending, 0));
        }
        assert_eq!(store.read(|c| numbering::highest_open(c, KraCounter::SalesInvoice)).unwrap(), None);
        // The next claim numbers them again, after the accepted one.
        assert_eq!(store.read(|c| numbering::next_kra_number(c, KraCounter::SalesInvoice)).unwrap(), 2);
        claimed(&store, ids[1]);
        assert_eq!(reserve(&store, KraCounter::SalesInvoice, ids[1]), 2);
    }

    #[test]
    fn a_settled_group_signs_confirms_in_order_and_finishes_its_rows() {
        let (store, _) = testing::shop();
        let device = crate::DeviceSettings {
            pin: domain::KraPin::parse("P051234567X").unwrap(),
            branch_id: "00".into(),
            serial: "DUKA0001".into(),
            base_url: "https://etims-api-sbx.kra.go.ke/etims-api".into(),
            environment: crate::Environment::Sandbox,
            front_door: crate::FrontDoor::Direct,
            scu_id: Some("KRACU0100000001".into()),
            mrc_no: Some("WIS00000001".into()),
            device_id: None,
        };
        store.write(|tx| settings::save_device_settings(tx, &device, testing::now())).unwrap();
        let invoice = testing::finalise(&store, &testing::sale_draft(&[(1, ItemType::Finished, 1)], None));
        let sales: Vec<_> =
            (0..3).map(|_| store.write(|tx| sales::commit_sale(tx, &invoice, &testing::meta())).unwrap()).collect();
        let group: Vec<Acceptance> = sales
            .iter()
            .map(|sale| {
                let row = claimed(&store, sale.outbox_id);
                let number = reserve(&store, KraCounter::SalesInvoice, row.id);
                Acceptance { row, number: Some(number), signature: Some(signature(number)), balances_sent: None }
            })
            .collect();
        let t = testing::now();
        assert_eq!(store.write(|tx| settle_accepted(tx, &group, t)).unwrap(), 3);
        for (sale, accepted) in sales.iter().zip(&group) {
            let r = store.read(|c| row(c, sale.outbox_id)).unwrap();
            assert_eq!((r.state, r.kra_number), (OutboxState::Done, accepted.number));
            let sig = store.read(|c| sales::sale_signature(c, sale.id)).unwrap().unwrap();
            assert_eq!(
                (sig.invoice_no, sig.sdc_id.as_deref(), sig.mrc_no.as_deref()),
                (accepted.number.unwrap(), Some("KRACU0100000001"), Some("WIS00000001"))
            );
        }
        assert_eq!(store.read(|c| numbering::next_kra_number(c, KraCounter::SalesInvoice)).unwrap(), 4);
        // A group settled twice is refused whole: nothing is signed again.
        assert!(store.write(|tx| settle_accepted(tx, &group, t)).is_err());
    }

    #[test]
    fn a_document_kra_already_had_is_recorded_once_and_audited() {
        let (store, _) = testing::shop();
        let invoice = testing::finalise(&store, &testing::sale_draft(&[(1, ItemType::Finished, 1)], None));
        let sale = store.write(|tx| sales::commit_sale(tx, &invoice, &testing::meta())).unwrap();
        let claimed_row = claimed(&store, sale.outbox_id);
        let number = reserve(&store, KraCounter::SalesInvoice, claimed_row.id);
        let acceptance = Acceptance {
            row: claimed_row,
            number: Some(number),
            signature: Some(signature(number)),
            balances_sent: None,
        };
        let t = testing::now();
        store.write(|tx| record_acceptance(tx, &acceptance, AcceptedWhen::Earlier, "sync", t)).unwrap();
        assert_eq!(last_audit(&store), ("kra_already_recorded".into(), Some(number.to_string())));
        assert_eq!(store.read(|c| sales::sale_signature(c, sale.id)).unwrap().map(|s| s.invoice_no), Some(number));
        // Accepted by this send: no audit entry of its own.
        let other = store.write(|tx| sales::commit_sale(tx, &invoice, &testing::meta())).unwrap();
        let claimed_row = claimed(&store, other.outbox_id);
        let number = reserve(&store, KraCounter::SalesInvoice, claimed_row.id);
        let acceptance = Acceptance {
            row: claimed_row,
            number: Some(number),
            signature: Some(signature(number)),
            balances_sent: None,
        };
        store.write(|tx| record_acceptance(tx, &acceptance, AcceptedWhen::ThisSend, "sync", t)).unwrap();
        // The sale's own entry is still the last one.
        assert_eq!(last_audit(&store).0, "sell");
        assert_eq!(store.read(|c| row(c, other.outbox_id)).unwrap().state, OutboxState::Done);
    }

    #[test]
    fn a_decision_kra_has_no_call_for_is_done_in_duka_only() {
        let store = Store::open_in_memory().unwrap();
        let t = testing::now();
        let feed = DocumentRef::new(DocumentKind::FeedPurchase, 1);
        let id = store.write(|tx| enqueue(tx, OutboxKind::PurchaseRejection, feed, None, &[], t)).unwrap();
        let r = claimed(&store, id);
        store.write(|tx| keep_locally(tx, &r, "sync", t)).unwrap();
        assert_eq!(store.read(|c| row(c, id)).unwrap().state, OutboxState::Done);
        assert_eq!(last_audit(&store), ("kept_in_duka_only".into(), Some("KRA has no call for this decision".into())));
    }

    /// Three sales claimed with numbers 1, 2 and 3; returns their rows.
    fn three_claimed_sales(store: &Store) -> Vec<OutboxRow> {
        let t = testing::now();
        let ids: Vec<i64> =
            store.write(|tx| (1..=3).map(|n| enqueue(tx, OutboxKind::Sale, doc(n), None, &[], t)).collect()).unwrap();
        ids.iter()
            .map(|id| {
                let r = claimed(store, *id);
                reserve(store, KraCounter::SalesInvoice, *id);
                r
            })
            .collect()
    }

    fn open_numbers(store: &Store) -> Option<i64> {
        store.read(|c| numbering::highest_open(c, KraCounter::SalesInvoice)).unwrap()
    }

    #[test]
    fn a_sale_deferred_for_stock_gives_its_number_and_the_later_ones_back() {
        let store = Store::open_in_memory().unwrap();
        let rows = three_claimed_sales(&store);
        let t = testing::now();
        store.write(|tx| defer_for_stock(tx, &rows[1], Some(2), "insufficient stock", t)).unwrap();
        // Number 1 stays with its row; 2 and 3 are free again.
        assert_eq!(open_numbers(&store), Some(1));
        let r = store.read(|c| row(c, rows[1].id)).unwrap();
        assert_eq!(
            (r.state, r.next_attempt_at, r.last_error.as_deref()),
            (OutboxState::Pending, t, Some("insufficient stock"))
        );
    }

    #[test]
    fn a_realigned_counter_takes_kras_number_and_is_audited() {
        let store = Store::open_in_memory().unwrap();
        let rows = three_claimed_sales(&store);
        let t = testing::now();
        let released = |tx: &Tx<'_>| -> Result<()> {
            for r in &rows[1..] {
                unclaim(tx, r.id)?;
            }
            Ok(())
        };
        store.write(|tx| realign(tx, &rows[0], KraCounter::SalesInvoice, 1, 41, "expected 41", "sync", t)).unwrap();
        store.write(released).unwrap();
        assert_eq!(open_numbers(&store), None);
        assert_eq!(store.read(|c| numbering::next_kra_number(c, KraCounter::SalesInvoice)).unwrap(), 41);
        assert_eq!(
            last_audit(&store),
            ("realign_kra_counter".into(), Some("sales_invoice: Duka had 1, KRA expects 41".into()))
        );
        assert_eq!(store.read(|c| row(c, rows[0].id)).unwrap().state, OutboxState::Pending);
    }

    #[test]
    fn a_refused_row_is_parked_with_its_number_given_back_and_audited() {
        let store = Store::open_in_memory().unwrap();
        let rows = three_claimed_sales(&store);
        let t = testing::now();
        let refused = Refusal {
            kra_code: Some("910".into()),
            kra_message: "item not found ".into(),
            reason: "KRA does not know this item yet".into(),
            fix: "sync items first".into(),
        };
        store.write(|tx| park_refused(tx, &rows[1], Some(2), &refused, "sync", t)).unwrap();
        assert_eq!(open_numbers(&store), Some(1));
        let r = store.read(|c| row(c, rows[1].id)).unwrap();
        assert_eq!((r.state, r.refusal.as_ref()), (OutboxState::Parked, Some(&refused)));
        // The one-line form rows parked before the parts were kept.
        assert_eq!(
            r.last_error.as_deref(),
            Some("KRA does not know this item yet — sync items first. (KRA: item not found)")
        );
        assert_eq!(last_audit(&store), ("kra_refused".into(), Some("item not found ".into())));
        // A number the row no longer holds is left alone.
        let no_code = Refusal { kra_code: None, ..refused };
        store.write(|tx| park_refused(tx, &rows[0], Some(5), &no_code, "sync", t)).unwrap();
        assert_eq!(store.read(|c| row(c, rows[0].id)).unwrap().refusal, Some(no_code));
        assert_eq!(open_numbers(&store), Some(1));
    }

    #[test]
    fn stock_still_queued_for_kra_is_found_for_a_sale_and_for_a_balance() {
        let (store, items) = testing::shop();
        let t = testing::now();
        // Sugar comes in (its insertStockIO waits), then a sale of sugar.
        let incoming = vec![StockMovement::new(&items[0], StockMoveType::AdjustmentIn, Qty::whole(5)).unwrap()];
        let stock_in =
            store.write(|tx| stock::commit_stock_adjustment(tx, &incoming, None, &testing::meta())).unwrap().unwrap();
        let invoice = testing::finalise(&store, &testing::sale_draft(&[(1, ItemType::Finished, 1)], None));
        let sale = store.write(|tx| sales::commit_sale(tx, &invoice, &testing::meta())).unwrap();
        let queued = || store.read(|c| incoming_stock_queued_for_sale(c, sale.id, sale.outbox_id)).unwrap();
        assert!(queued());
        // Not for a sale queued before that stock.
        assert!(!store.read(|c| incoming_stock_queued_for_sale(c, sale.id, stock_in.outbox_id)).unwrap());
        // The sale's own stock document moves sugar too: the incoming stock is still queued.
        let sale_stock = sale.stock_document_id.unwrap();
        assert!(store.read(|c| stock_of_same_items_queued(c, sale_stock)).unwrap());
        // Once everything is sent, nothing is queued.
        while store
            .write(|tx| -> Result<_> {
                let ready = ready_rows(tx, &OutboxKind::ALL, t, 10)?;
                for id in &ready {
                    claim_row(tx, *id)?;
                    mark_done(tx, *id, None, t)?;
                }
                Ok(!ready.is_empty())
            })
            .unwrap()
        {}
        assert!(!queued());
        assert!(!store.read(|c| stock_of_same_items_queued(c, sale_stock)).unwrap());
    }
}
