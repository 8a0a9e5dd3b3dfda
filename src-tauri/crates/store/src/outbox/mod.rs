//! The outbox: every call KRA must receive, written in the same transaction as the fact it
//! reports, and handed to sync in commit order once everything it depends on is done.
//!
//! A row moves pending -> in flight (claimed) -> done, or back to pending with a later attempt
//! time, or to parked when KRA refused it for good. A parked row blocks only the rows that depend
//! on it. The request body is frozen before the first send so retries resend identical bytes.

use std::{fmt, str::FromStr};

use domain::{DateTime, ItemCode};
use rusqlite::{OptionalExtension, Row, params};

use crate::{DocumentRef, Error, Reader, Result, Tx, codec, error::During};

mod drain;

pub use drain::{
    Acceptance, AcceptedWhen, DueRow, OpenDependency, PendingWindow, Unsent, defer_for_stock,
    incoming_stock_queued_for_sale, is_ready, keep_locally, next_due, open_dependencies, park_foreign, park_refused,
    pending_window, put_back_unsent, ready_rows, realign, record_acceptance, settle_accepted,
    stock_of_same_items_queued,
};

/// What a row sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxKind {
    /// `saveItem` (register or update an item).
    SaveItem,
    /// `saveTrnsSalesOsdc` for a sale.
    Sale,
    /// `saveTrnsSalesOsdc` for a credit note.
    CreditNote,
    /// `insertStockIO` for one stock document.
    StockIo,
    /// `saveStockMaster` for every item of a stock document, after its `insertStockIO`.
    StockMaster,
    /// `insertTrnsPurchase` confirming a purchase.
    Purchase,
    /// The answer to a purchase from KRA's feed that the shop rejected.
    PurchaseRejection,
    /// `updateImportItem` accepting or rejecting a customs import.
    ImportUpdate,
    /// `saveItemComposition` for one line of an item's composition, after the registrations of
    /// the finished item and the component.
    ItemComposition,
}

impl OutboxKind {
    /// Every kind.
    pub const ALL: [OutboxKind; 9] = [
        OutboxKind::SaveItem,
        OutboxKind::Sale,
        OutboxKind::CreditNote,
        OutboxKind::StockIo,
        OutboxKind::StockMaster,
        OutboxKind::Purchase,
        OutboxKind::PurchaseRejection,
        OutboxKind::ImportUpdate,
        OutboxKind::ItemComposition,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxKind::SaveItem => "save_item",
            OutboxKind::Sale => "sale",
            OutboxKind::CreditNote => "credit_note",
            OutboxKind::StockIo => "stock_io",
            OutboxKind::StockMaster => "stock_master",
            OutboxKind::Purchase => "purchase",
            OutboxKind::PurchaseRejection => "purchase_rejection",
            OutboxKind::ImportUpdate => "import_update",
            OutboxKind::ItemComposition => "save_item_composition",
        }
    }
}

impl FromStr for OutboxKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<OutboxKind> {
        Ok(match s {
            "save_item" => OutboxKind::SaveItem,
            "sale" => OutboxKind::Sale,
            "credit_note" => OutboxKind::CreditNote,
            "stock_io" => OutboxKind::StockIo,
            "stock_master" => OutboxKind::StockMaster,
            "purchase" => OutboxKind::Purchase,
            "purchase_rejection" => OutboxKind::PurchaseRejection,
            "import_update" => OutboxKind::ImportUpdate,
            "save_item_composition" => OutboxKind::ItemComposition,
            other => return Err(Error::StoredValue { what: "an outbox kind", value: other.to_owned() }),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxState {
    Pending,
    InFlight,
    Done,
    Parked,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::InFlight => "in_flight",
            OutboxState::Done => "done",
            OutboxState::Parked => "parked",
        }
    }
}

impl fmt::Display for OutboxState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutboxState::Pending => "waiting to be sent",
            OutboxState::InFlight => "being sent",
            OutboxState::Done => "done",
            OutboxState::Parked => "parked",
        })
    }
}

impl FromStr for OutboxState {
    type Err = Error;
    fn from_str(s: &str) -> Result<OutboxState> {
        Ok(match s {
            "pending" => OutboxState::Pending,
            "in_flight" => OutboxState::InFlight,
            "done" => OutboxState::Done,
            "parked" => OutboxState::Parked,
            other => return Err(Error::StoredValue { what: "an outbox state", value: other.to_owned() }),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: OutboxKind,
    pub document: DocumentRef,
    /// The item a `SaveItem` row is about.
    pub item_code: Option<ItemCode>,
    pub state: OutboxState,
    pub attempts: i64,
    pub next_attempt_at: DateTime,
    /// The last failure, as one line. For a row parked before migration 0010 it is the only record
    /// of the refusal ("reason — fix. (KRA: message)"); later rows also have [`OutboxRow::refusal`].
    pub last_error: Option<String>,
    /// Why KRA refused a parked row, in parts (rows parked since migration 0010).
    pub refusal: Option<Refusal>,
    pub kra_number: Option<i64>,
    /// The exact bytes sent, frozen before the first send.
    pub request_body: Option<String>,
    pub created_at: DateTime,
    pub done_at: Option<DateTime>,
    pub depends_on: Vec<i64>,
}

/// KRA's refusal of a parked row, kept apart: KRA's own code and message, and Duka's explanation
/// for the shopkeeper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// KRA's result code (e.g. "910"), when KRA sent one.
    pub kra_code: Option<String>,
    /// KRA's message, verbatim.
    pub kra_message: String,
    /// What went wrong, in the shopkeeper's words.
    pub reason: String,
    /// How to fix it.
    pub fix: String,
}

/// Counts for the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxCounts {
    pub pending: i64,
    pub in_flight: i64,
    pub parked: i64,
    pub last_success: Option<DateTime>,
}

const COLUMNS: &str = "id, kind, document_kind, document_id, item_code, state, attempts, next_attempt_at, last_error, \
                       kra_number, request_body, created_at, done_at, kra_code, kra_message, refusal_reason, \
                       refusal_fix";

type RawRow = (RawHead, RawRefusal);

/// KRA's code and message, Duka's reason and fix.
type RawRefusal = (Option<String>, Option<String>, Option<String>, Option<String>);

type RawHead = (
    i64,
    String,
    String,
    i64,
    Option<String>,
    String,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    String,
    Option<String>,
);

fn raw(r: &Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((raw_head(r)?, (r.get(13)?, r.get(14)?, r.get(15)?, r.get(16)?)))
}

fn raw_head(r: &Row<'_>) -> rusqlite::Result<RawHead> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
    ))
}

fn decode(conn: &Reader<'_>, raw: RawRow) -> Result<OutboxRow> {
    let ((id, kind, dkind, did, item, state, attempts, next, err, kra, body, created, done), refusal) = raw;
    let refusal = match refusal {
        (kra_code, Some(kra_message), Some(reason), Some(fix)) => Some(Refusal { kra_code, kra_message, reason, fix }),
        _ => None,
    };
    let mut stmt = conn
        .prepare_cached("SELECT depends_on FROM outbox_deps WHERE outbox_id = ?1 ORDER BY depends_on")
        .during("read outbox dependencies")?;
    let depends_on = stmt
        .query_map([id], |r| r.get(0))
        .during("read outbox dependencies")?
        .collect::<Result<Vec<i64>, _>>()
        .during("read outbox dependencies")?;
    Ok(OutboxRow {
        id,
        kind: kind.parse()?,
        document: DocumentRef { kind: dkind.parse()?, id: did },
        item_code: item.as_deref().map(codec::item_code).transpose()?,
        state: state.parse()?,
        attempts,
        next_attempt_at: codec::datetime(&next)?,
        last_error: err,
        refusal,
        kra_number: kra,
        request_body: body,
        created_at: codec::datetime(&created)?,
        done_at: done.as_deref().map(codec::datetime).transpose()?,
        depends_on,
    })
}

/// Adds a pending row, due at `now`, depending on `depends_on` (earlier rows).
pub fn enqueue(
    tx: &Tx<'_>,
    kind: OutboxKind,
    document: DocumentRef,
    item_code: Option<&ItemCode>,
    depends_on: &[i64],
    now: DateTime,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO outbox (kind, document_kind, document_id, item_code, next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )
    .and_then(|mut s| {
        s.execute(params![
            kind.as_str(),
            document.kind.as_str(),
            document.id,
            item_code.map(ItemCode::as_str),
            now.kra()
        ])
    })
    .during("queue a call to KRA")?;
    let id = tx.last_insert_rowid();
    let mut dep = tx
        .prepare_cached("INSERT OR IGNORE INTO outbox_deps (outbox_id, depends_on) VALUES (?1, ?2)")
        .during("queue a call to KRA")?;
    for d in depends_on {
        dep.execute([id, *d]).during("queue a call to KRA")?;
    }
    Ok(id)
}

/// The newest `SaveItem` row of `code` that is not done yet: what a document using the item must
/// wait for.
pub fn open_item_registration(conn: &Reader<'_>, code: &ItemCode) -> Result<Option<i64>> {
    conn.prepare_cached("SELECT max(id) FROM outbox WHERE item_code = ?1 AND kind = 'save_item' AND state != 'done'")
        .and_then(|mut s| s.query_row([code.as_str()], |r| r.get::<_, Option<i64>>(0)))
        .during("look up an item's registration")
}

/// Marks the pending row `id` in flight (one more attempt) and returns it: how the drain claims a
/// row it found ready.
pub fn claim_row(tx: &Tx<'_>, id: i64) -> Result<OutboxRow> {
    let claimed = tx
        .prepare_cached(&format!(
            "UPDATE outbox SET state = 'in_flight', attempts = attempts + 1 WHERE id = ?1 AND state = 'pending'
             RETURNING {COLUMNS}"
        ))
        .and_then(|mut s| s.query_row([id], raw).optional())
        .during("claim a call for KRA")?;
    match claimed {
        Some(raw) => decode(tx, raw),
        None => Err(Error::OutboxState { id, state: state_of(tx, id)?.to_string(), action: "claimed" }),
    }
}

/// One past the newest row: every row there is has a lower id, and rows queued later a higher one.
pub fn end_of_queue(conn: &Reader<'_>) -> Result<i64> {
    conn.prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM outbox")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .during("read the end of the queue to KRA")
}

/// One row.
pub fn row(conn: &Reader<'_>, id: i64) -> Result<OutboxRow> {
    let raw = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"))
        .and_then(|mut s| s.query_row([id], raw).optional())
        .during("read an outbox row")?
        .ok_or(Error::DocumentNotFound { kind: "outbox row", id })?;
    decode(conn, raw)
}

/// Every row for one document, oldest first.
pub fn rows_for_document(conn: &Reader<'_>, document: DocumentRef) -> Result<Vec<OutboxRow>> {
    let raws = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE document_kind = ?1 AND document_id = ?2 ORDER BY id"
        ))
        .and_then(|mut s| {
            s.query_map(params![document.kind.as_str(), document.id], raw)?.collect::<Result<Vec<_>, _>>()
        })
        .during("read outbox rows")?;
    raws.into_iter().map(|r| decode(conn, r)).collect()
}

/// The rows not done yet, and the `recent_done` newest done ones, oldest first, at most `limit`:
/// the outbox screen.
pub fn open_rows(conn: &Reader<'_>, recent_done: usize, limit: usize) -> Result<Vec<OutboxRow>> {
    let to_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let raws = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE id IN (
                 SELECT id FROM outbox WHERE state IN ('pending', 'in_flight', 'parked')
                 UNION SELECT id FROM (SELECT id FROM outbox WHERE state = 'done' ORDER BY id DESC LIMIT ?1)
             ) ORDER BY id LIMIT ?2"
        ))
        .and_then(|mut s| s.query_map([to_i64(recent_done), to_i64(limit)], raw)?.collect::<Result<Vec<_>, _>>())
        .during("list the calls waiting for KRA")?;
    raws.into_iter().map(|r| decode(conn, r)).collect()
}

/// Parked rows, for the screen that lists what KRA refused.
pub fn parked(conn: &Reader<'_>) -> Result<Vec<OutboxRow>> {
    let raws = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE state IN ('pending', 'in_flight', 'parked') AND state = 'parked' ORDER BY id"
        ))
        .and_then(|mut s| s.query_map([], raw)?.collect::<Result<Vec<_>, _>>())
        .during("read parked outbox rows")?;
    raws.into_iter().map(|r| decode(conn, r)).collect()
}

fn state_of(tx: &Tx<'_>, id: i64) -> Result<OutboxState> {
    let s: String = tx
        .prepare_cached("SELECT state FROM outbox WHERE id = ?1")
        .and_then(|mut st| st.query_row([id], |r| r.get(0)).optional())
        .during("read an outbox row")?
        .ok_or(Error::DocumentNotFound { kind: "outbox row", id })?;
    s.parse()
}

fn require(tx: &Tx<'_>, id: i64, allowed: &[OutboxState], action: &'static str) -> Result<()> {
    let state = state_of(tx, id)?;
    if allowed.contains(&state) { Ok(()) } else { Err(Error::OutboxState { id, state: state.to_string(), action }) }
}

/// Freezes the exact request body before the first send. Freezing the same bytes again is a
/// no-op; different bytes are refused.
pub fn freeze_request(tx: &Tx<'_>, id: i64, body: &str) -> Result<()> {
    let current: Option<String> = tx
        .prepare_cached("SELECT request_body FROM outbox WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
        .during("freeze a request")?
        .ok_or(Error::DocumentNotFound { kind: "outbox row", id })?;
    match current {
        Some(existing) if existing == body => Ok(()),
        Some(_) => Err(Error::RequestAlreadyFrozen { id }),
        None => {
            tx.prepare_cached("UPDATE outbox SET request_body = ?2 WHERE id = ?1")
                .and_then(|mut s| s.execute(params![id, body]))
                .during("freeze a request")?;
            Ok(())
        }
    }
}

/// [`freeze_request`] for a row read without a frozen body in the same transaction: one statement
/// (a body frozen meanwhile is compared as [`freeze_request`] does).
pub fn freeze_first_request(tx: &Tx<'_>, id: i64, body: &str) -> Result<()> {
    let changed = tx
        .prepare_cached("UPDATE outbox SET request_body = ?2 WHERE id = ?1 AND request_body IS NULL")
        .and_then(|mut s| s.execute(params![id, body]))
        .during("freeze a request")?;
    if changed == 1 { Ok(()) } else { freeze_request(tx, id, body) }
}

/// KRA accepted the call.
pub fn mark_done(tx: &Tx<'_>, id: i64, kra_number: Option<i64>, now: DateTime) -> Result<()> {
    let done: Option<(String, String, i64)> = tx
        .prepare_cached(
            "UPDATE outbox SET state = 'done', done_at = ?2, kra_number = coalesce(?3, kra_number), last_error = NULL,
                 kra_code = NULL, kra_message = NULL, refusal_reason = NULL, refusal_fix = NULL
             WHERE id = ?1 AND state = 'in_flight'
             RETURNING kind, document_kind, document_id",
        )
        .and_then(|mut s| {
            s.query_row(params![id, now.kra(), kra_number], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()
        })
        .during("mark a call done")?;
    let Some((kind, document_kind, document_id)) = done else {
        require(tx, id, &[OutboxState::InFlight], "marked done")?;
        return Err(Error::DocumentNotFound { kind: "outbox row in flight", id });
    };
    // KRA's running stock total moves in the same transaction that settles its insertStockIO.
    if kind == OutboxKind::StockIo.as_str() && document_kind == crate::DocumentKind::StockDocument.as_str() {
        crate::stock::add_to_kra_totals(tx, document_id)?;
    }
    Ok(())
}

/// A row claimed but never sent (its number was reserved ahead, then given back): pending again,
/// as if it had not been claimed.
pub fn unclaim(tx: &Tx<'_>, id: i64) -> Result<()> {
    require(tx, id, &[OutboxState::InFlight], "put back unsent")?;
    tx.prepare_cached("UPDATE outbox SET state = 'pending', attempts = max(attempts - 1, 0) WHERE id = ?1")
        .and_then(|mut s| s.execute([id]))
        .during("put back an unsent call")?;
    Ok(())
}

/// The call failed in a way worth retrying at `next_at`.
pub fn mark_retry(tx: &Tx<'_>, id: i64, next_at: DateTime, error: &str) -> Result<()> {
    require(tx, id, &[OutboxState::InFlight], "retried")?;
    tx.execute(
        "UPDATE outbox SET state = 'pending', next_attempt_at = ?2, last_error = ?3, kra_code = NULL WHERE id = ?1",
        params![id, next_at.kra(), error],
    )
    .during("schedule a retry")?;
    Ok(())
}

/// KRA's result code for "too many requests": a manual sync still waits it out.
pub const RATE_LIMIT_CODE: &str = "990";

/// [`mark_retry`] for a call KRA turned away with its rate limit ([`RATE_LIMIT_CODE`]): the time
/// is KRA's to set, so [`retry_now`] leaves it alone.
pub fn mark_rate_limited(tx: &Tx<'_>, id: i64, next_at: DateTime, error: &str) -> Result<()> {
    mark_retry(tx, id, next_at, error)?;
    tx.execute("UPDATE outbox SET kra_code = ?2 WHERE id = ?1", params![id, RATE_LIMIT_CODE])
        .during("schedule a retry")?;
    Ok(())
}

/// "Sync now": every pending row waiting only for its own retry time is due at `now`, except a
/// row KRA rate-limited. Returns how many were brought forward.
pub fn retry_now(tx: &Tx<'_>, now: DateTime) -> Result<usize> {
    tx.execute(
        "UPDATE outbox SET next_attempt_at = ?1
         WHERE state = 'pending' AND next_attempt_at > ?1 AND coalesce(kra_code, '') <> ?2",
        params![now.kra(), RATE_LIMIT_CODE],
    )
    .during("bring waiting calls forward")
}

/// Why a pending row is not going out now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitReason {
    /// Its own retry time after a failure (`last_error`).
    Retry { until: DateTime, last_error: Option<String> },
    /// KRA's rate limit.
    RateLimited { until: DateTime },
    /// Behind an earlier row of its series or a row it depends on that is not done (`behind`:
    /// that row's id; parked when `parked`).
    Behind { behind: i64, parked: bool },
}

/// One pending row that waits, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: i64,
    pub kind: OutboxKind,
    pub document: DocumentRef,
    pub reason: WaitReason,
}

/// The pending rows that are not due at `now`, or wait behind an unfinished earlier row of their
/// KRA series or a row they depend on, oldest first, at most `limit`: what a sync summary explains.
pub fn waiting(conn: &Reader<'_>, now: DateTime, limit: usize) -> Result<Vec<Waiting>> {
    // Each open row: id, KRA's code of its last failure, and its first unfinished dependency with
    // that row's state.
    type Open = (i64, Option<String>, Option<i64>, Option<String>);
    let ids: Vec<Open> = conn
        .prepare_cached(
            "SELECT o.id, o.kra_code, d.depends_on, p.state FROM outbox o
             LEFT JOIN outbox_deps d ON d.outbox_id = o.id
                  AND d.depends_on = (SELECT min(d2.depends_on) FROM outbox_deps d2 JOIN outbox p2 ON p2.id = d2.depends_on
                                      WHERE d2.outbox_id = o.id AND p2.state <> 'done')
             LEFT JOIN outbox p ON p.id = d.depends_on
             WHERE o.state IN ('pending', 'in_flight', 'parked') ORDER BY o.id",
        )
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect())
        .during("list the calls that wait")?;
    // The first unfinished row of each KRA series: later rows of the series go out after it.
    let mut first_of_series: Vec<(crate::KraCounter, i64, bool)> = vec![];
    let mut out = vec![];
    for (id, code, behind, behind_state) in ids {
        if out.len() >= limit {
            break;
        }
        let r = row(conn, id)?;
        let series = r.kind.kra_counter();
        let ahead = series.and_then(|c| first_of_series.iter().find(|(s, _, _)| *s == c).map(|(_, id, p)| (*id, *p)));
        if let Some(c) = series
            && ahead.is_none()
        {
            first_of_series.push((c, id, r.state == OutboxState::Parked));
        }
        if r.state != OutboxState::Pending {
            continue;
        }
        let reason = if let Some((ahead, parked)) = ahead {
            WaitReason::Behind { behind: ahead, parked }
        } else if let Some(behind) = behind {
            WaitReason::Behind { behind, parked: behind_state.as_deref() == Some("parked") }
        } else if r.next_attempt_at <= now {
            continue;
        } else if code.as_deref() == Some(RATE_LIMIT_CODE) {
            WaitReason::RateLimited { until: r.next_attempt_at }
        } else {
            WaitReason::Retry { until: r.next_attempt_at, last_error: r.last_error.clone() }
        };
        out.push(Waiting { id, kind: r.kind, document: r.document, reason });
    }
    Ok(out)
}

/// KRA refused the call for good: park it with KRA's message. Rows depending on it wait; others
/// carry on.
pub fn park(tx: &Tx<'_>, id: i64, error: &str) -> Result<()> {
    require(tx, id, &[OutboxState::InFlight, OutboxState::Pending], "parked")?;
    tx.execute("UPDATE outbox SET state = 'parked', last_error = ?2 WHERE id = ?1", params![id, error])
        .during("park a call")?;
    Ok(())
}

/// [`park`] with KRA's refusal kept in parts; `last_error` gets the one-line form
/// "reason — fix. (KRA: message)" that rows parked before migration 0010 have.
pub fn park_with_refusal(tx: &Tx<'_>, id: i64, refusal: &Refusal) -> Result<()> {
    let Refusal { kra_code, kra_message, reason, fix } = refusal;
    park(tx, id, &format!("{reason} — {fix}. (KRA: {})", kra_message.trim()))?;
    tx.execute(
        "UPDATE outbox SET kra_code = ?2, kra_message = ?3, refusal_reason = ?4, refusal_fix = ?5 WHERE id = ?1",
        params![id, kra_code, kra_message, reason, fix],
    )
    .during("park a call")?;
    Ok(())
}

/// The shopkeeper fixed the cause and asks to try a parked row again.
pub fn unpark(tx: &Tx<'_>, id: i64, now: DateTime) -> Result<()> {
    require(tx, id, &[OutboxState::Parked], "retried")?;
    tx.execute("UPDATE outbox SET state = 'pending', next_attempt_at = ?2 WHERE id = ?1", params![id, now.kra()])
        .during("retry a parked call")?;
    Ok(())
}

/// After a restart, rows left in flight go back to pending (their frozen bodies make the resend
/// identical). Returns how many.
pub fn requeue_in_flight(tx: &Tx<'_>) -> Result<usize> {
    tx.execute(
        "UPDATE outbox SET state = 'pending' WHERE state IN ('pending', 'in_flight', 'parked') AND state = 'in_flight'",
        [],
    )
    .during("requeue interrupted calls")
}

/// When KRA last accepted a call (through the partial index `outbox_last_done`: the status bar
/// reads it at every progress update, and done rows are millions after a few years).
const LAST_DONE: &str = "SELECT max(done_at) FROM outbox WHERE state = 'done'";

/// Pending, in-flight and parked counts and the last success, for the status bar.
pub fn counts(conn: &Reader<'_>) -> Result<OutboxCounts> {
    let mut c = OutboxCounts::default();
    let mut stmt = conn
        .prepare_cached(
            "SELECT state, count(*) FROM outbox WHERE state IN ('pending', 'in_flight', 'parked') GROUP BY state",
        )
        .during("count calls for KRA")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .during("count calls for KRA")?
        .collect::<Result<Vec<_>, _>>()
        .during("count calls for KRA")?;
    for (state, n) in rows {
        match state.parse()? {
            OutboxState::Pending => c.pending = n,
            OutboxState::InFlight => c.in_flight = n,
            OutboxState::Parked => c.parked = n,
            OutboxState::Done => {}
        }
    }
    let last: Option<String> =
        conn.prepare_cached(LAST_DONE).and_then(|mut s| s.query_row([], |r| r.get(0))).during("count calls for KRA")?;
    c.last_success = last.as_deref().map(codec::datetime).transpose()?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DocumentKind, Store};

    fn at(s: &str) -> DateTime {
        DateTime::parse_kra(s).unwrap()
    }

    fn doc(id: i64) -> DocumentRef {
        DocumentRef::new(DocumentKind::Sale, id)
    }

    /// Claims every row ready at `now` (as the drain does, one lane after another).
    fn claim_rows(store: &Store, now: &str, limit: usize) -> Vec<OutboxRow> {
        store.write(|tx| crate::testing::claim_ready(tx, at(now), limit)).unwrap()
    }

    fn claim(store: &Store, now: &str) -> Vec<i64> {
        claim_rows(store, now, 100).into_iter().map(|r| r.id).collect()
    }

    #[test]
    fn dependencies_release_rows_in_commit_order() {
        let store = Store::open_in_memory().unwrap();
        let t = at("20261121100000");
        let (a, b, c, d) = store
            .write(|tx| -> Result<_> {
                let a = enqueue(tx, OutboxKind::Sale, doc(1), None, &[], t)?;
                let b = enqueue(tx, OutboxKind::StockIo, doc(1), None, &[a], t)?;
                let c = enqueue(tx, OutboxKind::StockMaster, doc(1), None, &[b], t)?;
                let d = enqueue(tx, OutboxKind::Sale, doc(2), None, &[], t)?;
                Ok((a, b, c, d))
            })
            .unwrap();
        assert_eq!(claim(&store, "20261121100000"), [a, d]);
        // In-flight rows are not claimed again and still block their dependants.
        assert!(claim(&store, "20261121100001").is_empty());
        store.write(|tx| mark_done(tx, a, Some(41), at("20261121100002"))).unwrap();
        assert_eq!(claim(&store, "20261121100003"), [b]);
        store.write(|tx| mark_retry(tx, b, at("20261121100100"), "timeout")).unwrap();
        // Not due yet.
        assert!(claim(&store, "20261121100030").is_empty());
        let again = claim_rows(&store, "20261121100100", 10);
        assert_eq!((again[0].id, again[0].attempts, again[0].last_error.as_deref()), (b, 2, Some("timeout")));
        store.write(|tx| mark_done(tx, b, Some(7), at("20261121100101"))).unwrap();
        assert_eq!(claim(&store, "20261121100102"), [c]);
        let row_a = store.read(|conn| row(conn, a)).unwrap();
        assert_eq!((row_a.state, row_a.kra_number), (OutboxState::Done, Some(41)));
        assert_eq!(store.read(|conn| row(conn, c)).unwrap().depends_on, [b]);
    }

    #[test]
    fn sync_now_brings_every_retry_forward_but_kras_rate_limit_and_says_why_the_rest_wait() {
        let store = Store::open_in_memory().unwrap();
        let t = at("20261121100000");
        let (a, b, c, item, other) = store
            .write(|tx| -> Result<_> {
                let a = enqueue(tx, OutboxKind::Sale, doc(1), None, &[], t)?;
                let b = enqueue(tx, OutboxKind::Sale, doc(2), None, &[], t)?;
                let c =
                    enqueue(tx, OutboxKind::CreditNote, DocumentRef::new(DocumentKind::CreditNote, 1), None, &[], t)?;
                let item = enqueue(tx, OutboxKind::SaveItem, DocumentRef::new(DocumentKind::Item, 1), None, &[], t)?;
                let other = enqueue(tx, OutboxKind::SaveItem, DocumentRef::new(DocumentKind::Item, 2), None, &[], t)?;
                Ok((a, b, c, item, other))
            })
            .unwrap();
        // The line dropped: the first sale waits a minute, an item registration was rate-limited.
        store.write(|tx| claim_row(tx, a).map(drop)).unwrap();
        store.write(|tx| mark_retry(tx, a, at("20261121100100"), "KRA did not answer")).unwrap();
        store.write(|tx| claim_row(tx, item).map(drop)).unwrap();
        store.write(|tx| mark_rate_limited(tx, item, at("20261121101000"), "KRA: too many requests (990)")).unwrap();
        store.write(|tx| claim_row(tx, other).map(drop)).unwrap();
        store.write(|tx| mark_retry(tx, other, at("20261121100100"), "KRA did not answer")).unwrap();

        let now = at("20261121100010");
        let waits = store.read(|c| waiting(c, now, 100)).unwrap();
        let reasons: Vec<(i64, WaitReason)> = waits.into_iter().map(|w| (w.id, w.reason)).collect();
        assert_eq!(
            reasons,
            [
                (a, WaitReason::Retry { until: at("20261121100100"), last_error: Some("KRA did not answer".into()) }),
                (b, WaitReason::Behind { behind: a, parked: false }),
                (c, WaitReason::Behind { behind: a, parked: false }),
                (item, WaitReason::RateLimited { until: at("20261121101000") }),
                (
                    other,
                    WaitReason::Retry { until: at("20261121100100"), last_error: Some("KRA did not answer".into()) }
                ),
            ]
        );

        // Sync now: the two retries are due at once, the rate-limited row keeps KRA's time.
        assert_eq!(store.write(|tx| retry_now(tx, now)).unwrap(), 2);
        let ready = store.read(|c| ready_rows(c, &OutboxKind::ALL, now, 10)).unwrap();
        assert!(ready.contains(&a) && ready.contains(&other) && !ready.contains(&item), "{ready:?}");
        let waits = store.read(|c| waiting(c, now, 100)).unwrap();
        assert!(waits.iter().any(|w| w.id == item && matches!(w.reason, WaitReason::RateLimited { .. })));
        // A later ordinary failure of the same row forgets the rate limit.
        store.write(|tx| claim_row(tx, item).map(drop)).unwrap();
        store.write(|tx| mark_retry(tx, item, at("20261121102000"), "KRA did not answer")).unwrap();
        assert_eq!(store.write(|tx| retry_now(tx, now)).unwrap(), 1);
    }

    #[test]
    fn the_last_success_is_the_latest_done_call_read_through_its_index() {
        let store = Store::open_in_memory().unwrap();
        let t = at("20261121100000");
        let (a, b, c) = store
            .write(|tx| -> Result<_> {
                let a = enqueue(tx, OutboxKind::Sale, doc(1), None, &[], t)?;
                let b = enqueue(tx, OutboxKind::Sale, doc(2), None, &[], t)?;
                let c = enqueue(tx, OutboxKind::Sale, doc(3), None, &[], t)?;
                Ok((a, b, c))
            })
            .unwrap();
        assert_eq!(store.read(counts).unwrap().last_success, None);
        assert_eq!(claim(&store, "20261121100000"), [a, b, c]);
        // Done out of row order: the last success is the latest time, not the highest row.
        store.write(|tx| mark_done(tx, b, Some(2), at("20261121100205"))).unwrap();
        store.write(|tx| mark_done(tx, a, Some(1), at("20261121100110"))).unwrap();
        let n = store.read(counts).unwrap();
        assert_eq!((n.last_success, n.in_flight, n.pending), (Some(at("20261121100205")), 1, 0));
        // One step down the partial index, not a scan of every done row.
        let plan: Vec<String> = store
            .read(|conn| {
                conn.prepare(&format!("EXPLAIN QUERY PLAN {LAST_DONE}"))
                    .and_then(|mut s| s.query_map([], |r| r.get(3))?.collect())
                    .during("plan")
            })
            .unwrap();
        assert!(plan.iter().any(|p| p.contains("INDEX outbox_last_done")), "{plan:?}");
        // The row still in flight has no say.
        assert_eq!(store.read(|conn| row(conn, c)).unwrap().state, OutboxState::InFlight);
    }

    #[test]
    fn a_parked_row_blocks_only_its_dependants() {
        let store = Store::open_in_memory().unwrap();
        let t = at("20261121100000");
        let (item, sale_using_it, stock, other_sale) = store
            .write(|tx| -> Result<_> {
                let item = enqueue(tx, OutboxKind::SaveItem, DocumentRef::new(DocumentKind::Item, 1), None, &[], t)?;
                let s = enqueue(tx, OutboxKind::Sale, doc(1), None, &[item], t)?;
                let st = enqueue(tx, OutboxKind::StockIo, doc(1), None, &[s], t)?;
                let o = enqueue(tx, OutboxKind::Sale, doc(2), None, &[], t)?;
                Ok((item, s, st, o))
            })
            .unwrap();
        assert_eq!(claim(&store, "20261121100000"), [item, other_sale]);
        store.write(|tx| park(tx, item, "Invalid pkgUnitCd")).unwrap();
        store.write(|tx| mark_done(tx, other_sale, Some(1), t)).unwrap();
        let later = store.write(|tx| enqueue(tx, OutboxKind::Sale, doc(3), None, &[other_sale], t)).unwrap();
        // The unrelated later sale goes; the sale using the parked item and its stock wait.
        assert_eq!(claim(&store, "20261121100100"), [later]);
        let counts = store.read(counts).unwrap();
        assert_eq!((counts.pending, counts.in_flight, counts.parked), (2, 1, 1));
        assert_eq!(counts.last_success, Some(t));
        assert_eq!(store.read(parked).unwrap()[0].last_error.as_deref(), Some("Invalid pkgUnitCd"));
        // Parked with one line only (as before migration 0010): readable, with no parts.
        assert_eq!(store.read(parked).unwrap()[0].refusal, None);
        // Fixed and retried: the chain moves again.
        store.write(|tx| unpark(tx, item, at("20261121100200"))).unwrap();
        assert_eq!(claim(&store, "20261121100200"), [item]);
        store.write(|tx| mark_done(tx, item, None, at("20261121100201"))).unwrap();
        assert_eq!(claim(&store, "20261121100202"), [sale_using_it]);
        assert!(!claim(&store, "20261121100203").contains(&stock));
    }

    #[test]
    fn frozen_requests_never_change_and_done_is_final() {
        let store = Store::open_in_memory().unwrap();
        let t = at("20261121100000");
        let id = store.write(|tx| enqueue(tx, OutboxKind::Sale, doc(1), None, &[], t)).unwrap();
        store.write(|tx| freeze_request(tx, id, "{\"invcNo\":1}")).unwrap();
        store.write(|tx| freeze_request(tx, id, "{\"invcNo\":1}")).unwrap();
        let err = store.write(|tx| freeze_request(tx, id, "{\"invcNo\":2}")).unwrap_err();
        assert!(matches!(err, Error::RequestAlreadyFrozen { .. }), "{err}");
        // The one-statement freeze of a row read without a body behaves the same.
        store.write(|tx| freeze_first_request(tx, id, "{\"invcNo\":1}")).unwrap();
        let err = store.write(|tx| freeze_first_request(tx, id, "{\"invcNo\":2}")).unwrap_err();
        assert!(matches!(err, Error::RequestAlreadyFrozen { .. }), "{err}");
        let other = store.write(|tx| enqueue(tx, OutboxKind::Sale, doc(2), None, &[], t)).unwrap();
        store.write(|tx| freeze_first_request(tx, other, "{\"invcNo\":3}")).unwrap();
        assert_eq!(store.read(|c| row(c, other)).unwrap().request_body.as_deref(), Some("{\"invcNo\":3}"));
        // Even raw SQL cannot change it.
        let raw = store.read(|c| c.execute("UPDATE outbox SET request_body = 'x' WHERE id = ?1", [id]).during("t"));
        assert!(raw.is_err());
        // Only an in-flight row can be marked done; a done row stays done.
        assert!(matches!(store.write(|tx| mark_done(tx, id, None, t)), Err(Error::OutboxState { .. })));
        claim(&store, "20261121100000");
        store.write(|tx| mark_done(tx, id, Some(1), t)).unwrap();
        assert!(store.write(|tx| park(tx, id, "late")).is_err());
        let raw = store.read(|c| c.execute("UPDATE outbox SET state = 'pending' WHERE id = ?1", [id]).during("t"));
        assert!(raw.is_err());
        assert!(store.read(|c| c.execute("DELETE FROM outbox", []).during("t")).is_err());
    }

    #[test]
    fn interrupted_rows_are_requeued() {
        let store = Store::open_in_memory().unwrap();
        let t = at("20261121100000");
        let id = store.write(|tx| enqueue(tx, OutboxKind::Sale, doc(1), None, &[], t)).unwrap();
        claim(&store, "20261121100000");
        assert_eq!(store.write(requeue_in_flight).unwrap(), 1);
        assert_eq!(claim(&store, "20261121100000"), [id]);
    }
}
