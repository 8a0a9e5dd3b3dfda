//! The hash chain over fiscal documents and the clock check at commit: each sale, credit note,
//! stock document, purchase and Z report gets a link (SHA-256 over the previous link's hash and the
//! document's content) in its own transaction, and a document dated before the last one is refused.
//! [`verify_chain`] finds what was changed, deleted or added behind the store's back, and a dropped
//! immutability trigger; it reports, it never repairs.

use std::{fmt, sync::LazyLock};

use domain::DateTime;
use rusqlite::{Connection, OptionalExtension, params, types::ValueRef};
use sha2::{Digest, Sha256};

use crate::{
    Error, Reader, Result, Tx,
    columns::{LINE_COLUMNS, TOTAL_COLUMNS},
    error::During,
};

/// The schema step that brought the chain.
pub const SINCE_SCHEMA: i64 = 14;

/// A kind of fiscal document the chain covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChainKind {
    Sale,
    CreditNote,
    StockDocument,
    Purchase,
    /// Keyed by its number.
    ZReport,
}

const KINDS: [ChainKind; 5] =
    [ChainKind::Sale, ChainKind::CreditNote, ChainKind::StockDocument, ChainKind::Purchase, ChainKind::ZReport];

impl ChainKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChainKind::Sale => "sale",
            ChainKind::CreditNote => "credit_note",
            ChainKind::StockDocument => "stock_document",
            ChainKind::Purchase => "purchase",
            ChainKind::ZReport => "z_report",
        }
    }

    fn parse(s: &str) -> Result<ChainKind> {
        KINDS
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::StoredValue { what: "a fiscal document kind", value: s.to_owned() })
    }

    /// "sale", "credit note", ... as a shopkeeper reads it.
    pub fn label(self) -> &'static str {
        match self {
            ChainKind::Sale => "sale",
            ChainKind::CreditNote => "credit note",
            ChainKind::StockDocument => "stock movement",
            ChainKind::Purchase => "purchase",
            ChainKind::ZReport => "Z report",
        }
    }

    /// The table, its key column and its time column.
    fn table(self) -> (&'static str, &'static str, &'static str) {
        match self {
            ChainKind::Sale => ("sales", "id", "committed_at"),
            ChainKind::CreditNote => ("credit_notes", "id", "committed_at"),
            ChainKind::StockDocument => ("stock_documents", "id", "occurred_at"),
            ChainKind::Purchase => ("purchases", "id", "committed_at"),
            ChainKind::ZReport => ("z_reports", "number", "issued_at"),
        }
    }

    /// The queries whose rows are the document's content: its header, then its lines in order.
    /// The columns are named, so a later migration that adds a column leaves old hashes valid.
    fn content_queries(self) -> &'static [String] {
        static QUERIES: LazyLock<Vec<Vec<String>>> =
            LazyLock::new(|| KINDS.iter().map(|k| k.build_content_queries()).collect());
        let index = KINDS.iter().position(|k| *k == self).unwrap_or_default();
        QUERIES.get(index).map_or(&[], Vec::as_slice)
    }

    fn build_content_queries(self) -> Vec<String> {
        match self {
            ChainKind::Sale => vec![
                format!(
                    "SELECT trader_no, committed_at, buyer_pin, buyer_name, payment_type, {TOTAL_COLUMNS}, user_name, \
                     training, cart_id FROM sales WHERE id = ?1"
                ),
                format!("SELECT {LINE_COLUMNS} FROM sale_lines WHERE sale_id = ?1 ORDER BY seq"),
            ],
            ChainKind::CreditNote => vec![
                format!(
                    "SELECT trader_no, sale_id, committed_at, credit_date, reason, buyer_pin, buyer_name, payment_type, \
                     {TOTAL_COLUMNS}, user_name, training FROM credit_notes WHERE id = ?1"
                ),
                format!(
                    "SELECT sale_line_seq, {LINE_COLUMNS} FROM credit_note_lines WHERE credit_note_id = ?1 ORDER BY seq"
                ),
            ],
            ChainKind::StockDocument => vec![
                "SELECT trader_no, move_type, source_kind, source_id, occurred_at, remark, user_name
                 FROM stock_documents WHERE id = ?1"
                    .to_owned(),
                "SELECT id, item_code, move_type, qty, signed_qty, unit_price FROM stock_movements
                 WHERE document_id = ?1 ORDER BY id"
                    .to_owned(),
            ],
            ChainKind::Purchase => vec![
                format!(
                    "SELECT trader_no, feed_purchase_id, source, supplier_pin, supplier_name, supplier_branch, \
                     supplier_invoice_no, purchase_date, payment_type, {TOTAL_COLUMNS}, committed_at, user_name \
                     FROM purchases WHERE id = ?1"
                ),
                format!(
                    "SELECT {LINE_COLUMNS}, supplier_item_code, supplier_item_name, supplier_class_code \
                     FROM purchase_lines WHERE purchase_id = ?1 ORDER BY seq"
                ),
            ],
            ChainKind::ZReport => vec![
                "SELECT number, issued_at, user_name, after_sale_id, last_sale_id, after_credit_note_id,
                        last_credit_note_id, figures_json FROM z_reports WHERE number = ?1"
                    .to_owned(),
            ],
        }
    }
}

impl fmt::Display for ChainKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The triggers that keep fiscal records from being changed or deleted. Each must be present.
pub const IMMUTABILITY_TRIGGERS: &[&str] = &[
    "sales_immutable_u",
    "sales_immutable_d",
    "sale_lines_immutable_u",
    "sale_lines_immutable_d",
    "sale_signatures_immutable_u",
    "sale_signatures_immutable_d",
    "credit_notes_immutable_u",
    "credit_notes_immutable_d",
    "credit_note_lines_immutable_u",
    "credit_note_lines_immutable_d",
    "credit_note_signatures_immutable_u",
    "credit_note_signatures_immutable_d",
    "stock_documents_immutable_u",
    "stock_documents_immutable_d",
    "stock_movements_immutable_u",
    "stock_movements_immutable_d",
    "purchases_immutable_u",
    "purchases_immutable_d",
    "purchase_lines_immutable_u",
    "purchase_lines_immutable_d",
    "audit_log_immutable_u",
    "audit_log_immutable_d",
    "z_reports_gap_free",
    "z_reports_immutable_u",
    "z_reports_immutable_d",
    "fiscal_chain_gap_free",
    "fiscal_chain_immutable_u",
    "fiscal_chain_immutable_d",
];

/// One thing the check found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainProblem {
    /// An immutability trigger is gone: fiscal records could be changed without a trace.
    TriggerMissing { name: String },
    /// The document's content (or a link before it) is not what was committed.
    Altered { kind: ChainKind, id: i64, seq: i64 },
    /// The chain names a document that is no longer in the database.
    Missing { kind: ChainKind, id: i64, seq: i64 },
    /// The database holds more or fewer documents of a kind than the chain has links for.
    Count { kind: ChainKind, documents: i64, links: i64 },
    /// The link verified at the last open no longer holds the hash it held then.
    Rewritten { seq: i64 },
    /// Links are missing from the chain (a number skipped, or fewer links than were verified).
    Gap { after: i64 },
}

impl fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainProblem::TriggerMissing { name } => {
                write!(f, "the database's protection {name} was removed, so records could be changed")
            }
            ChainProblem::Altered { kind, id, seq } => {
                write!(f, "{kind} {id} was changed after it was recorded (link {seq})")
            }
            ChainProblem::Missing { kind, id, seq } => {
                write!(f, "{kind} {id} was deleted after it was recorded (link {seq})")
            }
            ChainProblem::Count { kind, documents, links } => write!(
                f,
                "the database holds {documents} {kind} records but {links} were recorded: records were deleted or \
                 added outside Duka"
            ),
            ChainProblem::Rewritten { seq } => {
                write!(f, "the record of the fiscal documents was rewritten (link {seq} changed since the last start)")
            }
            ChainProblem::Gap { after } => write!(f, "records after link {after} are missing"),
        }
    }
}

/// What a check of the chain found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainReport {
    /// Links whose hash was recomputed.
    pub links_checked: i64,
    pub problems: Vec<ChainProblem>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }

    /// The problems in one line, for the audit log and messages.
    pub fn summary(&self) -> String {
        self.problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    }

    /// `Ok` when intact, else the refusal of `action` ("take the backup", "issue the Z report").
    pub fn refuse(&self, action: &'static str) -> Result<()> {
        if self.is_intact() { Ok(()) } else { Err(Error::ChainBroken { action, problems: self.summary() }) }
    }
}

/// The link of a document just written in `tx`: refuses a document dated before the last one
/// committed (the computer's clock is behind), then appends the link. Call it once per fiscal
/// document, after its lines, in the document's transaction.
pub(crate) fn link(tx: &Tx<'_>, kind: ChainKind, id: i64, at: DateTime) -> Result<()> {
    let at = at.kra();
    let last: Option<(i64, String, String, String)> = tx
        .prepare_cached("SELECT seq, document_kind, committed_at, hash FROM fiscal_chain ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).optional())
        .during("read the fiscal chain")?;
    if let Some((seq, _, last_at, _)) = &last
        && at < *last_at
    {
        return Err(Error::ClockBehind {
            now: shown(&at),
            last_kind: last_document_kind(tx, *seq)?.label(),
            last_at: shown(last_at),
            again: if kind == ChainKind::Sale { "charge again" } else { "try again" },
        });
    }
    let (seq, prev) = last.map_or((1, String::new()), |(seq, _, _, hash)| (seq + 1, hash));
    let hash = hash_of(tx, kind, id, &at, &prev)?.ok_or(Error::DocumentNotFound { kind: kind.as_str(), id })?;
    tx.prepare_cached(
        "INSERT INTO fiscal_chain (seq, document_kind, document_id, committed_at, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut s| s.execute(params![seq, kind.as_str(), id, at, hash]))
    .during("link the document into the fiscal chain")?;
    Ok(())
}

/// The kind of the document of link `seq` as the shopkeeper made it: the stock movement of a
/// sale, credit note or purchase is that document.
fn last_document_kind(tx: &Tx<'_>, seq: i64) -> Result<ChainKind> {
    let kind: String = tx
        .query_row(
            "SELECT CASE WHEN c.document_kind = 'stock_document'
                          AND s.source_kind IN ('sale', 'credit_note', 'purchase')
                         THEN s.source_kind ELSE c.document_kind END
             FROM fiscal_chain c
             LEFT JOIN stock_documents s ON c.document_kind = 'stock_document' AND s.id = c.document_id
             WHERE c.seq = ?1",
            [seq],
            |r| r.get(0),
        )
        .during("read the fiscal chain")?;
    ChainKind::parse(&kind)
}

/// `YYYYMMDDhhmmss` as `DD/MM/YYYY hh:mm`.
fn shown(kra: &str) -> String {
    match (kra.get(0..4), kra.get(4..6), kra.get(6..8), kra.get(8..10), kra.get(10..12)) {
        (Some(y), Some(m), Some(d), Some(h), Some(min)) => format!("{d}/{m}/{y} {h}:{min}"),
        _ => kra.to_owned(),
    }
}

/// The hash of link `(kind, id)` after `prev`, or `None` when the document is not there.
fn hash_of(conn: &Connection, kind: ChainKind, id: i64, at: &str, prev: &str) -> Result<Option<String>> {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update([0]);
    h.update(kind.as_str().as_bytes());
    h.update([0]);
    h.update(id.to_le_bytes());
    h.update(at.as_bytes());
    for (n, sql) in kind.content_queries().iter().enumerate() {
        let mut stmt = conn.prepare_cached(sql).during("read a fiscal document")?;
        let columns = stmt.column_count();
        let mut rows = stmt.query([id]).during("read a fiscal document")?;
        let mut count = 0u64;
        while let Some(row) = rows.next().during("read a fiscal document")? {
            count += 1;
            h.update(b"R");
            for c in 0..columns {
                match row.get_ref(c).during("read a fiscal document")? {
                    ValueRef::Null => h.update(b"n"),
                    ValueRef::Integer(i) => {
                        h.update(b"i");
                        h.update(i.to_le_bytes());
                    }
                    ValueRef::Real(r) => {
                        h.update(b"r");
                        h.update(r.to_bits().to_le_bytes());
                    }
                    ValueRef::Text(t) => {
                        h.update(b"t");
                        h.update((t.len() as u64).to_le_bytes());
                        h.update(t);
                    }
                    ValueRef::Blob(b) => {
                        h.update(b"b");
                        h.update((b.len() as u64).to_le_bytes());
                        h.update(b);
                    }
                }
            }
        }
        if n == 0 && count == 0 {
            return Ok(None);
        }
        h.update(b"E");
    }
    Ok(Some(h.finalize().iter().map(|b| format!("{b:02x}")).collect()))
}

/// Checks the whole chain: every link recomputed from the documents, the counts of each kind, and
/// the immutability triggers. Reads only; the caller decides what to refuse and audits.
pub fn verify_chain(conn: &Reader<'_>) -> Result<ChainReport> {
    verify(conn, 0)
}

/// [`verify_chain`] on any connection (a backup's source), hashing the links after `from_seq`
/// again (0: all of them) from the hash that link `from_seq` holds.
pub(crate) fn verify(conn: &Connection, from_seq: i64) -> Result<ChainReport> {
    let mut report = ChainReport::default();
    let present: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>())
        .during("read the database's protections")?;
    for name in IMMUTABILITY_TRIGGERS {
        if !present.iter().any(|p| p == name) {
            report.problems.push(ChainProblem::TriggerMissing { name: (*name).to_owned() });
        }
    }
    for kind in KINDS {
        let (table, _, _) = kind.table();
        let documents: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .during("count the fiscal documents")?;
        let links: i64 = conn
            .query_row("SELECT count(*) FROM fiscal_chain WHERE document_kind = ?1", [kind.as_str()], |r| r.get(0))
            .during("count the fiscal chain")?;
        if documents != links {
            report.problems.push(ChainProblem::Count { kind, documents, links });
        }
    }
    let (mut expected, mut prev) = if from_seq == 0 {
        (1, String::new())
    } else {
        let hash: Option<String> = conn
            .query_row("SELECT hash FROM fiscal_chain WHERE seq = ?1", [from_seq], |r| r.get(0))
            .optional()
            .during("read the fiscal chain")?;
        match hash {
            Some(h) => (from_seq + 1, h),
            None => {
                report.problems.push(ChainProblem::Gap { after: from_seq - 1 });
                return Ok(report);
            }
        }
    };
    let mut stmt = conn
        .prepare(
            "SELECT seq, document_kind, document_id, committed_at, hash FROM fiscal_chain WHERE seq >= ?1 ORDER BY seq",
        )
        .during("read the fiscal chain")?;
    let mut rows = stmt.query([expected]).during("read the fiscal chain")?;
    while let Some(row) = rows.next().during("read the fiscal chain")? {
        let (seq, kind, id, at, hash): (i64, String, i64, String, String) =
            (|| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))()
                .during("read the fiscal chain")?;
        let kind = ChainKind::parse(&kind)?;
        if seq != expected {
            report.problems.push(ChainProblem::Gap { after: expected - 1 });
        }
        match hash_of(conn, kind, id, &at, &prev)? {
            None => report.problems.push(ChainProblem::Missing { kind, id, seq }),
            Some(computed) if computed != hash => report.problems.push(ChainProblem::Altered { kind, id, seq }),
            Some(_) => {}
        }
        report.links_checked += 1;
        expected = seq + 1;
        prev = hash;
    }
    Ok(report)
}

/// The checks of [`verify_chain`] with only the links added since the last open hashed again
/// (the triggers and the counts of every kind are checked whole), and the link verified then
/// must still hold its hash. For the Z report: cheap however large the shop's history; the whole
/// chain is verified before every backup.
pub fn verify_recent(conn: &Reader<'_>) -> Result<ChainReport> {
    verify_since_checkpoint(conn)
}

fn verify_since_checkpoint(conn: &Connection) -> Result<ChainReport> {
    let (verified, recorded): (i64, Option<String>) = conn
        .query_row("SELECT verified_seq, verified_hash FROM fiscal_chain_state WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .during("read the fiscal chain")?;
    let mut report = verify(conn, verified)?;
    if verified > 0 {
        let stored: Option<String> = conn
            .query_row("SELECT hash FROM fiscal_chain WHERE seq = ?1", [verified], |r| r.get(0))
            .optional()
            .during("read the fiscal chain")?;
        if stored.is_some() && stored != recorded {
            report.problems.push(ChainProblem::Rewritten { seq: verified });
        }
    }
    Ok(report)
}

/// At open, on the writer connection, after the migrations: links the documents committed before
/// the chain existed (once, in commit order), then runs [`verify_recent`] and, when every link
/// hashed right, moves the checkpoint to the last link.
pub(crate) fn check_at_open(conn: &mut Connection) -> Result<ChainReport> {
    let tx = conn.transaction().during("check the fiscal chain")?;
    let started: bool = tx
        .query_row("SELECT started FROM fiscal_chain_state WHERE id = 1", [], |r| r.get(0))
        .during("read the fiscal chain")?;
    let move_checkpoint = "UPDATE fiscal_chain_state SET (verified_seq, verified_hash) =
             (SELECT seq, hash FROM fiscal_chain ORDER BY seq DESC LIMIT 1)
         WHERE id = 1 AND EXISTS (SELECT 1 FROM fiscal_chain)";
    if !started {
        // The links just computed need no second hashing.
        link_existing(&tx)?;
        tx.execute("UPDATE fiscal_chain_state SET started = 1 WHERE id = 1", []).during("start the fiscal chain")?;
        tx.execute(move_checkpoint, []).during("record the verified fiscal chain")?;
    }
    let report = verify_since_checkpoint(&tx)?;
    // Links that hashed right are not hashed again at the next open, even when a trigger or a
    // count is wrong (reported again each time); a link that did not keeps the checkpoint.
    let links_hold =
        report.problems.iter().all(|p| matches!(p, ChainProblem::TriggerMissing { .. } | ChainProblem::Count { .. }));
    if links_hold {
        tx.execute(move_checkpoint, []).during("record the verified fiscal chain")?;
    }
    tx.commit().during("check the fiscal chain")?;
    Ok(report)
}

/// Links every document of a database from before the chain, ordered by time, then kind, then id.
fn link_existing(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    let union = KINDS
        .iter()
        .enumerate()
        .map(|(rank, k)| {
            let (table, key, time) = k.table();
            format!("SELECT {time} AS at, {rank} AS rank, '{}' AS kind, {key} AS id FROM {table}", k.as_str())
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let docs: Vec<(String, String, i64)> = tx
        .prepare(&format!("SELECT at, kind, id FROM ({union}) ORDER BY at, rank, id"))
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
        .during("read the documents to link")?;
    let mut prev = String::new();
    let mut insert = tx
        .prepare(
            "INSERT INTO fiscal_chain (seq, document_kind, document_id, committed_at, hash)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .during("link the earlier documents")?;
    for (n, (at, kind, id)) in docs.into_iter().enumerate() {
        let kind = ChainKind::parse(&kind)?;
        let hash = hash_of(tx, kind, id, &at, &prev)?.ok_or(Error::DocumentNotFound { kind: kind.as_str(), id })?;
        insert
            .execute(params![i64::try_from(n).unwrap_or(i64::MAX) + 1, kind.as_str(), id, at, hash])
            .during("link the earlier documents")?;
        prev = hash;
    }
    Ok(())
}

/// The audit row of a chain that failed its check (`found_at` says where: "open", "backup", "Z
/// report"), so the finding stays on record whatever happens to the screen that showed it.
/// `problems` is [`ChainReport::summary`] (or the problems of a [`Error::ChainBroken`]).
pub fn audit_problems(tx: &Tx<'_>, at: DateTime, user: &str, found_at: &str, problems: &str) -> Result<i64> {
    let detail = format!("found at {found_at}: {problems}");
    crate::audit::append(tx, at, user, AUDIT_ACTION, None, Some(&detail))
}

/// The audit log's action for a chain that failed its check.
pub const AUDIT_ACTION: &str = "fiscal records fail their tamper check";

#[cfg(test)]
mod tests {
    use domain::{ItemType, Qty, StockMoveType, StockMovement};

    use super::*;
    use crate::{CommitMeta, Store, reports, sales, stock, testing};

    fn at(kra: &str) -> DateTime {
        DateTime::parse_kra(kra).unwrap()
    }

    fn meta_at(kra: &str) -> CommitMeta<'static> {
        CommitMeta { at: at(kra), ..testing::meta() }
    }

    fn sell(store: &Store, when: &str) -> Result<sales::CommittedSale> {
        let invoice = testing::finalise(store, &testing::sale_draft(&[(1, ItemType::Finished, 1)], None));
        store.write(|tx| sales::commit_sale(tx, &invoice, &meta_at(when)))
    }

    fn tamper(store: &Store, sql: &str) {
        store.read(|c| c.execute_batch(sql).during("tamper")).unwrap();
    }

    fn verified(store: &Store) -> ChainReport {
        store.read(verify_chain).unwrap()
    }

    #[test]
    fn a_document_dated_before_the_last_is_refused_with_the_clock() {
        let (store, items) = testing::shop();
        sell(&store, "20261207180200").unwrap();
        let err = sell(&store, "20261206091400").unwrap_err();
        assert_eq!(
            err.to_string(),
            "This computer's clock says 06/12/2026 09:14, but the last sale was recorded at 07/12/2026 18:02: set the \
             date and time right, then charge again (nothing was recorded)"
        );
        // Nothing of the refused sale stayed, and every kind is refused the same way.
        assert_eq!(store.read(|c| sales::list_sales(c, None, 10)).unwrap().len(), 1);
        let moves = [StockMovement::new(&items[0], StockMoveType::AdjustmentIn, Qty::whole(1)).unwrap()];
        let early = meta_at("20261207180159");
        let stock = store.write(|tx| stock::commit_stock_adjustment(tx, &moves, None, &early)).unwrap_err();
        assert!(matches!(stock, Error::ClockBehind { again: "try again", .. }), "{stock}");
        let z = store.write(|tx| reports::issue_z_report(tx, &early)).unwrap_err();
        assert!(matches!(z, Error::ClockBehind { .. }), "{z}");
        // The same second, and later, are fine.
        sell(&store, "20261207180200").unwrap();
        store.write(|tx| reports::issue_z_report(tx, &meta_at("20261207190000"))).unwrap();
        assert!(verified(&store).is_intact());
    }

    #[test]
    fn every_fiscal_document_is_linked_in_its_own_transaction() {
        let (store, _) = testing::shop();
        let sale = sell(&store, "20261121110000").unwrap();
        store.write(|tx| reports::issue_z_report(tx, &meta_at("20261121120000"))).unwrap();
        let links: Vec<(String, i64)> = store
            .read(|c| {
                c.prepare("SELECT document_kind, document_id FROM fiscal_chain ORDER BY seq")
                    .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
                    .during("t")
            })
            .unwrap();
        let expected = [
            ("stock_document", 1),
            ("sale", sale.id),
            ("stock_document", sale.stock_document_id.unwrap()),
            ("z_report", 1),
        ];
        assert_eq!(links, expected.map(|(k, i)| (k.to_owned(), i)));
        let report = verified(&store);
        assert_eq!((report.links_checked, report.problems), (4, vec![]));
        // The links themselves cannot be changed or removed.
        assert!(store.read(|c| c.execute("UPDATE fiscal_chain SET hash = 'x'", []).during("t")).is_err());
        assert!(store.read(|c| c.execute("DELETE FROM fiscal_chain WHERE seq = 4", []).during("t")).is_err());
    }

    #[test]
    fn a_row_edited_behind_the_stores_back_is_found() {
        let (store, _) = testing::shop();
        let sale = sell(&store, "20261121110000").unwrap();
        sell(&store, "20261121110500").unwrap();
        tamper(
            &store,
            &format!(
                "DROP TRIGGER sale_lines_immutable_u; UPDATE sale_lines SET qty = 500 WHERE sale_id = {};
                 CREATE TRIGGER sale_lines_immutable_u BEFORE UPDATE ON sale_lines
                 BEGIN SELECT RAISE(ABORT, 'a committed sale line is never changed'); END;",
                sale.id
            ),
        );
        let report = verified(&store);
        assert_eq!(report.problems, vec![ChainProblem::Altered { kind: ChainKind::Sale, id: sale.id, seq: 2 }]);
        assert!(report.summary().contains(&format!("sale {} was changed after it was recorded", sale.id)));
    }

    #[test]
    fn a_deleted_row_is_found() {
        let (store, _) = testing::shop();
        let sale = sell(&store, "20261121110000").unwrap();
        let stock = sale.stock_document_id.unwrap();
        tamper(
            &store,
            &format!(
                "PRAGMA foreign_keys = OFF; DROP TRIGGER stock_movements_immutable_d; DROP TRIGGER stock_documents_immutable_d;
                 DELETE FROM stock_movements WHERE document_id = {stock}; DELETE FROM stock_documents WHERE id = {stock};"
            ),
        );
        let problems = verified(&store).problems;
        for expected in [
            ChainProblem::TriggerMissing { name: "stock_documents_immutable_d".into() },
            ChainProblem::TriggerMissing { name: "stock_movements_immutable_d".into() },
            ChainProblem::Count { kind: ChainKind::StockDocument, documents: 1, links: 2 },
            ChainProblem::Missing { kind: ChainKind::StockDocument, id: stock, seq: 3 },
        ] {
            assert!(problems.contains(&expected), "{expected:?} not in {problems:?}");
        }
    }

    #[test]
    fn a_dropped_trigger_is_found() {
        let (store, _) = testing::shop();
        for name in IMMUTABILITY_TRIGGERS {
            tamper(&store, &format!("DROP TRIGGER {name}"));
            assert!(verified(&store).problems.contains(&ChainProblem::TriggerMissing { name: (*name).to_owned() }));
        }
    }

    #[test]
    fn a_document_added_behind_the_stores_back_is_found() {
        let (store, _) = testing::shop();
        tamper(&store, "INSERT INTO z_reports VALUES (1, '20261121100000', 'x', 0, 0, 0, 0, '{}')");
        assert_eq!(
            verified(&store).problems,
            vec![ChainProblem::Count { kind: ChainKind::ZReport, documents: 1, links: 0 }]
        );
    }

    #[test]
    fn open_checks_the_new_links_and_a_backup_refuses_a_broken_chain() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("duka.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.chain_at_open(), &ChainReport::default());
        let items = [testing::item(1, "Sugar 1kg", None)];
        let moves = [StockMovement::new(&items[0], StockMoveType::AdjustmentIn, Qty::whole(5)).unwrap()];
        store
            .write(|tx| {
                crate::items::register_item(tx, &items[0], &testing::meta())?;
                stock::commit_stock_adjustment(tx, &moves, None, &testing::meta())
            })
            .unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!((store.chain_at_open().links_checked, store.chain_at_open().is_intact()), (1, true));
        sell(&store, "20261121110000").unwrap();
        drop(store);

        // An attacker edits the sale with its trigger dropped.
        let raw = Connection::open(&path).unwrap();
        raw.execute_batch("DROP TRIGGER sales_immutable_u; UPDATE sales SET total_amount = 1;").unwrap();
        drop(raw);
        let store = Store::open(&path).unwrap();
        let found = store.chain_at_open();
        assert_eq!(found.links_checked, 2, "only the links added since the last open are hashed again");
        assert!(found.problems.contains(&ChainProblem::TriggerMissing { name: "sales_immutable_u".into() }));
        assert!(found.problems.contains(&ChainProblem::Altered { kind: ChainKind::Sale, id: 1, seq: 2 }));
        // The finding is audited, and a backup refuses to copy it over good backups.
        store.write(|tx| audit_problems(tx, testing::now(), "wanjiku", "open", &found.summary())).unwrap();
        let audited = store.read(|c| crate::audit::recent(c, 1)).unwrap();
        assert_eq!(audited[0].action, "fiscal records fail their tamper check");
        assert!(audited[0].detail.as_deref().unwrap_or("").contains("sale 1 was changed"));
        let source = crate::backup::open_source(&path).unwrap();
        let err =
            crate::backup::take_backup(&source, &path, crate::backup::BackupKind::Daily, "20261121120000").unwrap_err();
        assert!(matches!(err, Error::ChainBroken { action: "take the backup", .. }), "{err}");
        assert!(crate::backup::list_backups(&crate::backup::backup_dir(&path)).unwrap().is_empty());
        // Nothing was repaired: the next open finds it again.
        drop(store);
        assert!(!Store::open(&path).unwrap().chain_at_open().is_intact());
    }
}
