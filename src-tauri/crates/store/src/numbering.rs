//! Numbers: gap-free local document numbers (`INV-000123`) assigned inside the commit
//! transaction, and the KRA-side counters (sales `invcNo`, purchase `invcNo`, `sarNo`, item-code
//! sequence) that only the sync step reserves, confirms or releases.
//!
//! A KRA number is reserved (and written) before the request is sent, kept if the call timed out
//! (the caller asks KRA what happened before resending), confirmed when KRA accepts it, and
//! released when KRA definitively refuses it, so the next document takes the same number. The
//! drain reserves the numbers of the next few documents of a series at once
//! ([`reserve_ahead`]); when KRA refuses one of them, or asks for another number, every number
//! after it is released too ([`release_above`]) and handed out again in order.

use domain::DateTime;
use rusqlite::{OptionalExtension, params};

use crate::{Error, Reader, Result, Tx, error::During};

/// A local, gap-free document number series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Series {
    Sale,
    TrainingSale,
    CreditNote,
    TrainingCreditNote,
    Stock,
    Purchase,
}

impl Series {
    pub fn prefix(self) -> &'static str {
        match self {
            Series::Sale => "INV",
            Series::TrainingSale => "TRN",
            Series::CreditNote => "CN",
            Series::TrainingCreditNote => "TCN",
            Series::Stock => "STK",
            Series::Purchase => "PUR",
        }
    }

    /// `INV-000123`.
    pub fn format(self, value: i64) -> String {
        format!("{}-{value:06}", self.prefix())
    }
}

/// Takes the next number of `series`. Called inside the commit transaction, so a rolled-back
/// commit gives its number back and the series has no gaps.
pub fn next_document_no(tx: &Tx<'_>, series: Series) -> Result<String> {
    let value: i64 = tx
        .prepare_cached(
            "INSERT INTO sequences (series, last_value) VALUES (?1, 1)
             ON CONFLICT (series) DO UPDATE SET last_value = last_value + 1
             RETURNING last_value",
        )
        .and_then(|mut s| s.query_row([series.prefix()], |r| r.get(0)))
        .during("number the document")?;
    Ok(series.format(value))
}

/// The last number issued in `series` (0 when none).
pub fn last_document_no(conn: &Reader<'_>, series: Series) -> Result<i64> {
    conn.query_row("SELECT last_value FROM sequences WHERE series = ?1", [series.prefix()], |r| r.get(0))
        .optional()
        .during("read a document number")
        .map(Option::unwrap_or_default)
}

/// A counter KRA keeps in step with us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KraCounter {
    /// Sales `invcNo`, shared by sales and credit notes.
    SalesInvoice,
    /// Purchase `invcNo`.
    PurchaseInvoice,
    /// Stock `sarNo`.
    StockSar,
    /// The 7-digit sequence of new item codes.
    ItemSequence,
}

impl KraCounter {
    pub fn as_str(self) -> &'static str {
        match self {
            KraCounter::SalesInvoice => "sales_invoice",
            KraCounter::PurchaseInvoice => "purchase_invoice",
            KraCounter::StockSar => "stock_sar",
            KraCounter::ItemSequence => "item_sequence",
        }
    }
}

/// An open reservation: a number handed to one outbox row and not yet settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    pub number: i64,
    pub outbox_id: i64,
}

/// The number KRA expects next.
pub fn next_kra_number(conn: &Reader<'_>, counter: KraCounter) -> Result<i64> {
    conn.prepare_cached("SELECT next_value FROM kra_counters WHERE counter = ?1")
        .and_then(|mut s| s.query_row([counter.as_str()], |r| r.get(0)).optional())
        .during("read a KRA counter")
        .map(|v| v.unwrap_or(1))
}

/// The lowest open reservation of `counter`, if any.
pub fn open_reservation(conn: &Reader<'_>, counter: KraCounter) -> Result<Option<Reservation>> {
    conn.prepare_cached(
        "SELECT number, outbox_id FROM kra_reservations WHERE counter = ?1 AND state = 'reserved'
         ORDER BY number LIMIT 1",
    )
    .and_then(|mut s| {
        s.query_row([counter.as_str()], |r| Ok(Reservation { number: r.get(0)?, outbox_id: r.get(1)? })).optional()
    })
    .during("read a KRA reservation")
}

/// The lowest open reservation of `counter` whose outbox row is waiting (not being sent): a
/// number in doubt (its call timed out, or a crash interrupted the drain), which must be settled
/// before the series moves on. Reservations of rows in flight belong to the running drain.
pub fn in_doubt(conn: &Reader<'_>, counter: KraCounter) -> Result<Option<Reservation>> {
    conn.prepare_cached(
        "SELECT r.number, r.outbox_id FROM kra_reservations r JOIN outbox o ON o.id = r.outbox_id
         WHERE r.counter = ?1 AND r.state = 'reserved' AND o.state = 'pending'
         ORDER BY r.number LIMIT 1",
    )
    .and_then(|mut s| {
        s.query_row([counter.as_str()], |r| Ok(Reservation { number: r.get(0)?, outbox_id: r.get(1)? })).optional()
    })
    .during("read a KRA reservation")
}

/// The open reservation held by `outbox_id`, if any.
pub fn reservation_of(conn: &Reader<'_>, counter: KraCounter, outbox_id: i64) -> Result<Option<i64>> {
    conn.prepare_cached(
        "SELECT number FROM kra_reservations WHERE counter = ?1 AND outbox_id = ?2 AND state = 'reserved'",
    )
    .and_then(|mut s| s.query_row(params![counter.as_str(), outbox_id], |r| r.get(0)).optional())
    .during("read a KRA reservation")
}

/// The highest open reservation of `counter`, if any.
pub fn highest_open(conn: &Reader<'_>, counter: KraCounter) -> Result<Option<i64>> {
    conn.prepare_cached("SELECT max(number) FROM kra_reservations WHERE counter = ?1 AND state = 'reserved'")
        .and_then(|mut s| s.query_row([counter.as_str()], |r| r.get(0)))
        .during("read the open KRA numbers")
}

/// Where a reserved number stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReservationState {
    /// Handed to a row, not settled yet.
    Reserved,
    /// KRA accepted the call carrying it.
    Confirmed,
    /// Given back (KRA refused the document, or asked for another number).
    Released,
}

/// One reservation of a counter, as kept: the number, its row, where it stands, and the request
/// frozen under it when that differs from the row's first one ([`freeze_under`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationRecord {
    pub number: i64,
    pub outbox_id: i64,
    pub state: ReservationState,
    pub request_body: Option<String>,
}

/// Every reservation of `counter` ever made, by number then age (the audit of a series).
pub fn reservations(conn: &Reader<'_>, counter: KraCounter) -> Result<Vec<ReservationRecord>> {
    let raws = conn
        .prepare_cached(
            "SELECT number, outbox_id, state, request_body FROM kra_reservations WHERE counter = ?1
             ORDER BY number, rowid",
        )
        .and_then(|mut s| {
            s.query_map([counter.as_str()], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?))
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .during("read a KRA counter's reservations")?;
    raws.into_iter()
        .map(|(number, outbox_id, state, request_body)| {
            let state = match state.as_str() {
                "reserved" => ReservationState::Reserved,
                "confirmed" => ReservationState::Confirmed,
                "released" => ReservationState::Released,
                _ => return Err(Error::StoredValue { what: "a KRA reservation's state", value: state }),
            };
            Ok(ReservationRecord { number, outbox_id, state, request_body })
        })
        .collect()
}

/// Reserves the next number for `outbox_id`, writing it before the request goes out. Reserving
/// again for the same row returns the same number (a resend after a timeout); a number still
/// reserved for another row is refused until it is confirmed or released.
pub fn reserve(tx: &Tx<'_>, counter: KraCounter, outbox_id: i64, now: DateTime) -> Result<i64> {
    if let Some(open) = open_reservation(tx, counter)? {
        if open.outbox_id == outbox_id {
            return Ok(open.number);
        }
        return Err(Error::CounterBusy { counter: counter.as_str(), number: open.number, outbox_id: open.outbox_id });
    }
    let number = next_kra_number(tx, counter)?;
    tx.execute("INSERT OR IGNORE INTO kra_counters (counter, next_value) VALUES (?1, 1)", [counter.as_str()])
        .during("reserve a KRA number")?;
    tx.execute(
        "INSERT INTO kra_reservations (counter, number, outbox_id, state, reserved_at) VALUES (?1, ?2, ?3, 'reserved', ?4)",
        params![counter.as_str(), number, outbox_id, now.kra()],
    )
    .during("reserve a KRA number")?;
    Ok(number)
}

/// Reserves a number for `outbox_id` ahead of the ones still open: the row's own open number if
/// it has one, else the next after every open reservation of `counter` (or KRA's next number when
/// none is open). The drain reserves the next few documents of a series this way in one
/// transaction; it sends them strictly in number order, each after its predecessor was answered.
pub fn reserve_ahead(tx: &Tx<'_>, counter: KraCounter, outbox_id: i64, now: DateTime) -> Result<i64> {
    AheadRun::new(counter).reserve(tx, outbox_id, now)
}

/// [`reserve_ahead`] for the rows of one claim, in order: the counter and the highest open number
/// are read at the first reservation only, the next ones take the following numbers (a claim's
/// numbers are consecutive). Give a number of the run back with [`AheadRun::release`].
#[derive(Debug)]
pub struct AheadRun {
    counter: KraCounter,
    /// The number the next reservation takes, once known.
    next: Option<i64>,
}

impl AheadRun {
    pub fn new(counter: KraCounter) -> AheadRun {
        AheadRun { counter, next: None }
    }

    /// The number of `outbox_id`, reserved now unless it already holds one.
    pub fn reserve(&mut self, tx: &Tx<'_>, outbox_id: i64, now: DateTime) -> Result<i64> {
        let counter = self.counter;
        if let Some(number) = reservation_of(tx, counter, outbox_id)? {
            self.next = None;
            return Ok(number);
        }
        let number = match self.next {
            Some(number) => number,
            None => {
                let highest_open = highest_open(tx, counter)?;
                let next = next_kra_number(tx, counter)?;
                tx.prepare_cached("INSERT OR IGNORE INTO kra_counters (counter, next_value) VALUES (?1, 1)")
                    .and_then(|mut s| s.execute([counter.as_str()]))
                    .during("reserve a KRA number")?;
                highest_open.map_or(next, |h| next.max(h + 1))
            }
        };
        tx.prepare_cached(
            "INSERT INTO kra_reservations (counter, number, outbox_id, state, reserved_at)
             VALUES (?1, ?2, ?3, 'reserved', ?4)",
        )
        .and_then(|mut s| s.execute(params![counter.as_str(), number, outbox_id, now.kra()]))
        .during("reserve a KRA number")?;
        self.next = Some(number + 1);
        Ok(number)
    }

    /// Gives `number` back (its document cannot be sent): the next reservation of the run looks
    /// the counter up again, so it takes the number given back when it was the last one.
    pub fn release(&mut self, tx: &Tx<'_>, number: i64, now: DateTime) -> Result<()> {
        self.next = None;
        release(tx, self.counter, number, now)
    }
}

/// Releases every open reservation of `counter` above `number` and returns them: after KRA
/// refused `number` (or asked for another), no document may keep a later number of the old run.
pub fn release_above(tx: &Tx<'_>, counter: KraCounter, number: i64, now: DateTime) -> Result<Vec<Reservation>> {
    let released = tx
        .prepare_cached(
            "UPDATE kra_reservations SET state = 'released', settled_at = ?3
             WHERE counter = ?1 AND number > ?2 AND state = 'reserved'
             RETURNING number, outbox_id",
        )
        .and_then(|mut s| {
            s.query_map(params![counter.as_str(), number, now.kra()], |r| {
                Ok(Reservation { number: r.get(0)?, outbox_id: r.get(1)? })
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .during("release KRA numbers reserved ahead")?;
    Ok(released)
}

/// The request frozen under the open reservation `number` (see [`freeze_under`]).
pub fn frozen_under(conn: &Reader<'_>, counter: KraCounter, number: i64) -> Result<Option<String>> {
    conn.prepare_cached(
        "SELECT request_body FROM kra_reservations WHERE counter = ?1 AND number = ?2 AND state = 'reserved'",
    )
    .and_then(|mut s| s.query_row(params![counter.as_str(), number], |r| r.get(0)).optional())
    .during("read a request frozen under a KRA number")
    .map(Option::flatten)
}

/// Freezes the exact bytes sent under the open reservation `number`, before they are sent, when
/// they differ from the row's first frozen request (the number it carried was given back). Written
/// once: a resend after a timeout or a crash sends these bytes again.
pub fn freeze_under(tx: &Tx<'_>, counter: KraCounter, number: i64, body: &str) -> Result<()> {
    let (outbox_id, current): (i64, Option<String>) = tx
        .prepare_cached(
            "SELECT outbox_id, request_body FROM kra_reservations
             WHERE counter = ?1 AND number = ?2 AND state = 'reserved'",
        )
        .and_then(|mut s| s.query_row(params![counter.as_str(), number], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .during("freeze a request under a KRA number")?
        .ok_or(Error::NoReservation { counter: counter.as_str(), number })?;
    match current {
        Some(existing) if existing == body => Ok(()),
        Some(_) => Err(Error::RequestAlreadyFrozen { id: outbox_id }),
        None => {
            tx.execute(
                "UPDATE kra_reservations SET request_body = ?3 WHERE counter = ?1 AND number = ?2 AND state = 'reserved'",
                params![counter.as_str(), number, body],
            )
            .during("freeze a request under a KRA number")?;
            Ok(())
        }
    }
}

fn settle(tx: &Tx<'_>, counter: KraCounter, number: i64, state: &str, now: DateTime) -> Result<()> {
    let changed = tx
        .prepare_cached(
            "UPDATE kra_reservations SET state = ?3, settled_at = ?4
             WHERE counter = ?1 AND number = ?2 AND state = 'reserved'",
        )
        .and_then(|mut s| s.execute(params![counter.as_str(), number, state, now.kra()]))
        .during("settle a KRA number")?;
    if changed == 0 {
        return Err(Error::NoReservation { counter: counter.as_str(), number });
    }
    Ok(())
}

/// KRA accepted the call carrying `number`: the counter moves past it.
pub fn confirm(tx: &Tx<'_>, counter: KraCounter, number: i64, now: DateTime) -> Result<()> {
    confirm_in_order(tx, counter, [number], now)
}

/// KRA accepted the calls carrying `numbers`, answered in this order (a settled group): each is
/// confirmed, and the counter moves past the last one in a single write.
pub fn confirm_in_order(
    tx: &Tx<'_>,
    counter: KraCounter,
    numbers: impl IntoIterator<Item = i64>,
    now: DateTime,
) -> Result<()> {
    let mut last = None;
    for number in numbers {
        settle(tx, counter, number, "confirmed", now)?;
        last = Some(number);
    }
    if let Some(number) = last {
        tx.prepare_cached("UPDATE kra_counters SET next_value = ?2 WHERE counter = ?1")
            .and_then(|mut s| s.execute(params![counter.as_str(), number + 1]))
            .during("advance a KRA counter")?;
    }
    Ok(())
}

/// KRA definitively refused the call carrying `number`: it is given back for the next document.
pub fn release(tx: &Tx<'_>, counter: KraCounter, number: i64, now: DateTime) -> Result<()> {
    settle(tx, counter, number, "released", now)
}

/// KRA said it expects `expected` next ("Invalid invcNo sequence, expected: N"): take its word.
/// Refused while a number is still reserved (settle that first).
pub fn resync(tx: &Tx<'_>, counter: KraCounter, expected: i64) -> Result<()> {
    if let Some(open) = open_reservation(tx, counter)? {
        return Err(Error::CounterBusy { counter: counter.as_str(), number: open.number, outbox_id: open.outbox_id });
    }
    tx.execute(
        "INSERT INTO kra_counters (counter, next_value) VALUES (?1, ?2)
         ON CONFLICT (counter) DO UPDATE SET next_value = excluded.next_value",
        params![counter.as_str(), expected],
    )
    .during("resynchronise a KRA counter")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    fn now() -> DateTime {
        DateTime::parse_kra("20261121100000").unwrap()
    }

    /// `n` sale rows queued in the outbox.
    fn queued_sales(store: &Store, n: i64, t: DateTime) -> Vec<i64> {
        store
            .write(|tx| {
                (0..n)
                    .map(|i| {
                        let sale = crate::DocumentRef::new(crate::DocumentKind::Sale, i + 1);
                        crate::outbox::enqueue(tx, crate::OutboxKind::Sale, sale, None, &[], t)
                    })
                    .collect()
            })
            .unwrap()
    }

    #[test]
    fn document_numbers_are_gap_free_even_when_a_commit_fails() {
        let store = Store::open_in_memory().unwrap();
        let first = store.write(|tx| next_document_no(tx, Series::Sale)).unwrap();
        let failed: Result<String> = store.write(|tx| {
            next_document_no(tx, Series::Sale)?;
            Err(Error::DocumentNotFound { kind: "sale", id: 0 })
        });
        assert!(failed.is_err());
        let second = store.write(|tx| next_document_no(tx, Series::Sale)).unwrap();
        let other = store.write(|tx| next_document_no(tx, Series::CreditNote)).unwrap();
        assert_eq!((first.as_str(), second.as_str(), other.as_str()), ("INV-000001", "INV-000002", "CN-000001"));
        assert_eq!(store.read(|c| last_document_no(c, Series::Sale)).unwrap(), 2);
        assert_eq!(Series::Sale.format(1_234_567), "INV-1234567");
    }

    #[test]
    fn reserve_keep_on_timeout_confirm_release() {
        let store = Store::open_in_memory().unwrap();
        let c = KraCounter::SalesInvoice;
        // Reserved before the request; a timeout keeps it, and the resend gets the same number.
        assert_eq!(store.write(|tx| reserve(tx, c, 10, now())).unwrap(), 1);
        assert_eq!(store.write(|tx| reserve(tx, c, 10, now())).unwrap(), 1);
        // Another document cannot take a number while one is in doubt.
        let busy = store.write(|tx| reserve(tx, c, 11, now())).unwrap_err();
        assert!(matches!(busy, Error::CounterBusy { number: 1, outbox_id: 10, .. }), "{busy}");
        store.write(|tx| confirm(tx, c, 1, now())).unwrap();
        assert_eq!(store.read(|conn| next_kra_number(conn, c)).unwrap(), 2);
        // A definitive refusal gives the number back.
        assert_eq!(store.write(|tx| reserve(tx, c, 11, now())).unwrap(), 2);
        store.write(|tx| release(tx, c, 2, now())).unwrap();
        assert_eq!(store.write(|tx| reserve(tx, c, 12, now())).unwrap(), 2);
        // Settling twice, or a number never reserved, is an error.
        store.write(|tx| release(tx, c, 2, now())).unwrap();
        assert!(matches!(store.write(|tx| release(tx, c, 2, now())), Err(Error::NoReservation { .. })));
        assert!(matches!(store.write(|tx| confirm(tx, c, 99, now())), Err(Error::NoReservation { .. })));
        // Counters are independent.
        assert_eq!(store.write(|tx| reserve(tx, KraCounter::StockSar, 13, now())).unwrap(), 1);
    }

    #[test]
    fn a_counters_reservations_are_listed_with_their_state_and_bytes() {
        let store = Store::open_in_memory().unwrap();
        let c = KraCounter::SalesInvoice;
        let t = now();
        let rows = queued_sales(&store, 3, t);
        store
            .write(|tx| {
                for &r in &rows {
                    reserve_ahead(tx, c, r, t)?;
                }
                confirm(tx, c, 1, t)?;
                freeze_under(tx, c, 3, r#"{"invcNo":3}"#)?;
                release(tx, c, 2, t)
            })
            .unwrap();
        let listed = store.read(|conn| reservations(conn, c)).unwrap();
        let seen: Vec<(i64, i64, ReservationState, Option<&str>)> =
            listed.iter().map(|r| (r.number, r.outbox_id, r.state, r.request_body.as_deref())).collect();
        assert_eq!(
            seen,
            [
                (1, rows[0], ReservationState::Confirmed, None),
                (2, rows[1], ReservationState::Released, None),
                (3, rows[2], ReservationState::Reserved, Some(r#"{"invcNo":3}"#)),
            ]
        );
        assert!(store.read(|conn| reservations(conn, KraCounter::StockSar)).unwrap().is_empty());
    }

    #[test]
    fn numbers_reserved_ahead_run_on_and_are_released_together() {
        let store = Store::open_in_memory().unwrap();
        let c = KraCounter::SalesInvoice;
        let t = now();
        let rows = queued_sales(&store, 4, t);
        // Four numbers open at once, in order; asking again for a row gives its own number.
        let numbers: Vec<i64> = store.write(|tx| rows.iter().map(|&r| reserve_ahead(tx, c, r, t)).collect()).unwrap();
        assert_eq!(numbers, [1, 2, 3, 4]);
        assert_eq!(store.write(|tx| reserve_ahead(tx, c, rows[2], t)).unwrap(), 3);
        // The strict reserve still refuses a second open number.
        assert!(matches!(store.write(|tx| reserve(tx, c, 99, t)), Err(Error::CounterBusy { number: 1, .. })));
        store.write(|tx| confirm(tx, c, 1, t)).unwrap();
        assert_eq!(store.read(|conn| open_reservation(conn, c)).unwrap().map(|r| r.number), Some(2));
        // KRA refused 2: 2 goes back, and so do 3 and 4 (nothing unsent keeps a later number).
        let released = store
            .write(|tx| {
                release(tx, c, 2, t)?;
                release_above(tx, c, 2, t)
            })
            .unwrap();
        assert_eq!(released.iter().map(|r| (r.number, r.outbox_id)).collect::<Vec<_>>(), [(3, rows[2]), (4, rows[3])]);
        assert_eq!(store.read(|conn| open_reservation(conn, c)).unwrap(), None);
        // Renumbered in order from KRA's next number; the new bytes are frozen once under it.
        assert_eq!(store.write(|tx| reserve_ahead(tx, c, rows[2], t)).unwrap(), 2);
        store.write(|tx| freeze_under(tx, c, 2, "{\"invcNo\":2}")).unwrap();
        store.write(|tx| freeze_under(tx, c, 2, "{\"invcNo\":2}")).unwrap();
        assert!(matches!(
            store.write(|tx| freeze_under(tx, c, 2, "{\"invcNo\":9}")),
            Err(Error::RequestAlreadyFrozen { .. })
        ));
        assert_eq!(store.read(|conn| frozen_under(conn, c, 2)).unwrap().as_deref(), Some("{\"invcNo\":2}"));
        assert!(
            store.read(|conn| conn.execute("UPDATE kra_reservations SET request_body = 'x'", []).during("t")).is_err()
        );
        // A number is in doubt only while its row waits (rows in flight belong to the running drain).
        assert_eq!(store.read(|conn| in_doubt(conn, c)).unwrap().map(|r| r.outbox_id), Some(rows[2]));
        store.write(|tx| crate::testing::claim_ready(tx, t, 10)).unwrap();
        assert_eq!(store.read(|conn| in_doubt(conn, c)).unwrap(), None);
    }

    #[test]
    fn a_settled_group_confirms_each_number_and_moves_the_counter_past_the_last() {
        let store = Store::open_in_memory().unwrap();
        let c = KraCounter::SalesInvoice;
        let t = now();
        let rows = queued_sales(&store, 4, t);
        store.write(|tx| rows.iter().try_for_each(|&r| reserve_ahead(tx, c, r, t).map(drop))).unwrap();
        store.write(|tx| confirm_in_order(tx, c, [1, 2, 3], t)).unwrap();
        assert_eq!(store.read(|conn| next_kra_number(conn, c)).unwrap(), 4);
        assert_eq!(store.read(|conn| open_reservation(conn, c)).unwrap().map(|r| r.number), Some(4));
        let confirmed: i64 = store
            .read(|conn| {
                conn.query_row("SELECT count(*) FROM kra_reservations WHERE state = 'confirmed'", [], |r| r.get(0))
                    .during("count")
            })
            .unwrap();
        assert_eq!(confirmed, 3);
        // A number with no open reservation fails the whole group: nothing of it is kept.
        assert!(matches!(
            store.write(|tx| confirm_in_order(tx, c, [4, 5], t)),
            Err(Error::NoReservation { number: 5, .. })
        ));
        assert_eq!(store.read(|conn| next_kra_number(conn, c)).unwrap(), 4);
        assert_eq!(store.read(|conn| open_reservation(conn, c)).unwrap().map(|r| r.number), Some(4));
        // Nothing to confirm leaves the counter alone.
        store.write(|tx| confirm_in_order(tx, c, [], t)).unwrap();
        assert_eq!(store.read(|conn| next_kra_number(conn, c)).unwrap(), 4);
    }

    #[test]
    fn a_run_of_reservations_follows_the_open_numbers_and_takes_a_released_one_again() {
        let store = Store::open_in_memory().unwrap();
        let c = KraCounter::SalesInvoice;
        let t = now();
        let rows = queued_sales(&store, 6, t);
        // Two numbers already open (an earlier group): the run continues after them.
        store.write(|tx| rows[..2].iter().try_for_each(|&r| reserve_ahead(tx, c, r, t).map(drop))).unwrap();
        let numbers = store
            .write(|tx| -> Result<_> {
                let mut run = AheadRun::new(c);
                let a = run.reserve(tx, rows[2], t)?;
                // This row cannot be built: its number goes back and the next row takes it.
                let b = run.reserve(tx, rows[3], t)?;
                run.release(tx, b, t)?;
                let c2 = run.reserve(tx, rows[4], t)?;
                let d = run.reserve(tx, rows[5], t)?;
                // A row that already holds a number keeps it.
                let again = run.reserve(tx, rows[2], t)?;
                Ok([a, b, c2, d, again])
            })
            .unwrap();
        assert_eq!(numbers, [3, 4, 4, 5, 3]);
        assert_eq!(store.read(|conn| highest_open(conn, c)).unwrap(), Some(5));
        assert_eq!(store.read(|conn| reservation_of(conn, c, rows[3])).unwrap(), None);
    }

    #[test]
    fn resync_takes_kras_expected_number() {
        let store = Store::open_in_memory().unwrap();
        let c = KraCounter::PurchaseInvoice;
        store.write(|tx| reserve(tx, c, 1, now())).unwrap();
        assert!(matches!(store.write(|tx| resync(tx, c, 7)), Err(Error::CounterBusy { .. })));
        store.write(|tx| release(tx, c, 1, now())).unwrap();
        store.write(|tx| resync(tx, c, 7)).unwrap();
        assert_eq!(store.write(|tx| reserve(tx, c, 2, now())).unwrap(), 7);
    }
}
