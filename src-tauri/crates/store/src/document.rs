//! What every commit shares: the kinds of document the store holds, a reference to one, and the
//! metadata the caller passes in (the clock, the user, training mode).

use std::{fmt, str::FromStr};

use domain::DateTime;

use crate::Error;

/// The kinds of record an outbox row or audit entry can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    Item,
    Sale,
    CreditNote,
    StockDocument,
    Purchase,
    FeedPurchase,
    ImportedItem,
    Settings,
    /// One line of an item's composition (`item_compositions`).
    ItemComposition,
    /// A person at the till (`users`).
    User,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Item => "item",
            DocumentKind::Sale => "sale",
            DocumentKind::CreditNote => "credit_note",
            DocumentKind::StockDocument => "stock_document",
            DocumentKind::Purchase => "purchase",
            DocumentKind::FeedPurchase => "feed_purchase",
            DocumentKind::ImportedItem => "imported_item",
            DocumentKind::Settings => "settings",
            DocumentKind::ItemComposition => "item_composition",
            DocumentKind::User => "user",
        }
    }
}

impl FromStr for DocumentKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<DocumentKind, Error> {
        Ok(match s {
            "item" => DocumentKind::Item,
            "sale" => DocumentKind::Sale,
            "credit_note" => DocumentKind::CreditNote,
            "stock_document" => DocumentKind::StockDocument,
            "purchase" => DocumentKind::Purchase,
            "feed_purchase" => DocumentKind::FeedPurchase,
            "imported_item" => DocumentKind::ImportedItem,
            "settings" => DocumentKind::Settings,
            "item_composition" => DocumentKind::ItemComposition,
            "user" => DocumentKind::User,
            other => return Err(Error::StoredValue { what: "a document kind", value: other.to_owned() }),
        })
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One record: its kind and row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentRef {
    pub kind: DocumentKind,
    pub id: i64,
}

impl DocumentRef {
    pub fn new(kind: DocumentKind, id: i64) -> DocumentRef {
        DocumentRef { kind, id }
    }
}

/// Who commits, who approved it (if the actor's role needed that), when, and whether in training
/// mode. The caller reads the clock, not the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitMeta<'a> {
    pub at: DateTime,
    pub user: &'a str,
    /// The supervisor or owner who approved this on the spot with their PIN; written on the audit
    /// row of the commit.
    pub approver: Option<&'a str>,
    /// Training-mode documents take their own number series (`TRN-`, `TCN-`), so the real
    /// series stays gap-free.
    pub training: bool,
}

impl<'a> CommitMeta<'a> {
    /// `user` acting alone at `at`.
    pub fn new(at: DateTime, user: &'a str, training: bool) -> CommitMeta<'a> {
        CommitMeta { at, user, approver: None, training }
    }
}

/// The metadata of a sale commit.
pub type SaleMeta<'a> = CommitMeta<'a>;
