//! Numbers: gap-free local document numbers (`INV-000123`) assigned inside the commit
//! transaction, and the KRA-side counters (sales `invcNo`, purchase `invcNo`, `sarNo`, item-code
//! sequence) that only the sync step reserves, confirms or releases.
//!
//! A KRA number is reserved (and written) before the request is sent, kept if the call timed out
//! (the caller asks KRA what happened before resending), confirmed when KRA accepts it, and
//! released when KRA definitively refuses it, so the next document takes the same number.

use domain::DateTime;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::{Error, Result, error::During};

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
pub fn next_document_no(tx: &Transaction<'_>, series: Series) -> Result<String> {
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
pub fn last_document_no(conn: &Connection, series: Series) -> Result<i64> {
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
pub fn next_kra_number(conn: &Connection, counter: KraCounter) -> Result<i64> {
    conn.query_row("SELECT next_value FROM kra_counters WHERE counter = ?1", [counter.as_str()], |r| r.get(0))
        .optional()
        .during("read a KRA counter")
        .map(|v| v.unwrap_or(1))
}

/// The open reservation of `counter`, if any.
pub fn open_reservation(conn: &Connection, counter: KraCounter) -> Result<Option<Reservation>> {
    conn.query_row(
        "SELECT number, outbox_id FROM kra_reservations WHERE counter = ?1 AND state = 'reserved'",
        [counter.as_str()],
        |r| Ok(Reservation { number: r.get(0)?, outbox_id: r.get(1)? }),
    )
    .optional()
    .during("read a KRA reservation")
}

/// Reserves the next number for `outbox_id`, writing it before the request goes out. Reserving
/// again for the same row returns the same number (a resend after a timeout); a number still
/// reserved for another row is refused until it is confirmed or released.
pub fn reserve(tx: &Transaction<'_>, counter: KraCounter, outbox_id: i64, now: DateTime) -> Result<i64> {
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

fn settle(tx: &Transaction<'_>, counter: KraCounter, number: i64, state: &str, now: DateTime) -> Result<()> {
    let changed = tx
        .execute(
            "UPDATE kra_reservations SET state = ?3, settled_at = ?4
             WHERE counter = ?1 AND number = ?2 AND state = 'reserved'",
            params![counter.as_str(), number, state, now.kra()],
        )
        .during("settle a KRA number")?;
    if changed == 0 {
        return Err(Error::NoReservation { counter: counter.as_str(), number });
    }
    Ok(())
}

/// KRA accepted the call carrying `number`: the counter moves past it.
pub fn confirm(tx: &Transaction<'_>, counter: KraCounter, number: i64, now: DateTime) -> Result<()> {
    settle(tx, counter, number, "confirmed", now)?;
    tx.execute("UPDATE kra_counters SET next_value = ?2 WHERE counter = ?1", params![counter.as_str(), number + 1])
        .during("advance a KRA counter")?;
    Ok(())
}

/// KRA definitively refused the call carrying `number`: it is given back for the next document.
pub fn release(tx: &Transaction<'_>, counter: KraCounter, number: i64, now: DateTime) -> Result<()> {
    settle(tx, counter, number, "released", now)
}

/// KRA said it expects `expected` next ("Invalid invcNo sequence, expected: N"): take its word.
/// Refused while a number is still reserved (settle that first).
pub fn resync(tx: &Transaction<'_>, counter: KraCounter, expected: i64) -> Result<()> {
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
