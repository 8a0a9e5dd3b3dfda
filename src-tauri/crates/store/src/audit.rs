//! The append-only audit log: who did what, when, to which document. Written inside the same
//! transaction as the change it records.

use domain::DateTime;
use rusqlite::params;

use crate::{CommitMeta, DocumentRef, Reader, Result, Tx, codec, error::During};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime,
    pub user: String,
    pub action: String,
    pub document: Option<DocumentRef>,
    pub detail: Option<String>,
    /// Who approved it on the spot with their PIN, when the actor's role needed that.
    pub approved_by: Option<String>,
}

/// Appends one entry, approved by nobody.
pub fn append(
    tx: &Tx<'_>,
    at: DateTime,
    user: &str,
    action: &str,
    document: Option<DocumentRef>,
    detail: Option<&str>,
) -> Result<i64> {
    append_as(tx, &CommitMeta { at, user, approver: None, training: false }, action, document, detail)
}

/// Appends one entry naming who acted and, where needed, who approved (`meta.approver`).
pub fn append_as(
    tx: &Tx<'_>,
    meta: &CommitMeta<'_>,
    action: &str,
    document: Option<DocumentRef>,
    detail: Option<&str>,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO audit_log (at, user_name, action, document_kind, document_id, detail, approved_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            meta.at.kra(),
            meta.user,
            action,
            document.map(|d| d.kind.as_str()),
            document.map(|d| d.id),
            detail,
            meta.approver
        ])
    })
    .during("write the audit log")?;
    Ok(tx.last_insert_rowid())
}

/// The newest entries first.
pub fn recent(conn: &Reader<'_>, limit: usize) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, at, user_name, action, document_kind, document_id, detail, approved_by
             FROM audit_log ORDER BY id DESC LIMIT ?1",
        )
        .during("read the audit log")?;
    let rows = stmt
        .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })
        .during("read the audit log")?
        .collect::<Result<Vec<_>, _>>()
        .during("read the audit log")?;
    rows.into_iter()
        .map(|(id, at, user, action, kind, doc_id, detail, approved_by)| {
            let document = match (kind, doc_id) {
                (Some(k), Some(i)) => Some(DocumentRef { kind: codec::code("a document kind", &k)?, id: i }),
                _ => None,
            };
            Ok(AuditEntry { id, at: codec::datetime(&at)?, user, action, document, detail, approved_by })
        })
        .collect()
}
