//! Duka's local storage: one SQLite database per shop (WAL, synchronous=FULL, foreign keys, one
//! writer), append-only migrations, fiscal documents that are never changed or deleted, gap-free
//! trader numbers, the KRA outbox, settings and secrets, KRA reference data, and the users.
//!
//! Write functions take a [`Tx`] (get one from [`Store::write`], which commits only when the
//! closure succeeds, and rolls back on a store error or the caller's own refusal); read functions
//! take a [`Reader`] ([`Store::read`]), or a [`Tx`]. Only this crate writes SQL. The caller passes
//! the time: the store never decides what "now" is for a document. [`bridge`] runs store work off
//! an async runtime's threads.

pub mod audit;
pub mod backup;
pub mod bridge;
pub mod cart;
pub mod chain;
mod codec;
mod columns;
pub mod credit_notes;
mod db;
mod document;
mod error;
pub mod handover;
pub mod imports;
pub mod items;
pub mod migrations;
pub mod numbering;
pub mod outbox;
pub mod private;
pub mod purchases;
pub mod queries;
pub mod reference;
pub mod reports;
pub mod sales;
pub mod settings;
pub mod stock;
#[cfg(feature = "tamper")]
pub mod tamper;
#[cfg(test)]
pub(crate) mod testing;
pub mod users;

pub use db::{
    BUSY_TIMEOUT, CHECKPOINT_FORCE_AFTER, CHECKPOINT_IDLE, QUICK_CHECK_ON_OPEN_MAX_BYTES, Reader, Store, Tx,
    default_db_path,
};
pub use document::{CommitMeta, DocumentKind, DocumentRef, SaleMeta};
pub use error::{Error, Result};
pub use items::{LoadedCatalogue, SavedItem};
pub use numbering::{KraCounter, Series};
pub use outbox::{OutboxCounts, OutboxKind, OutboxRow, OutboxState};
pub use sales::{CommittedSale, KraSignature, KraStatus, SaleSummary, StoredSale};
pub use settings::{DeviceSettings, Environment, FrontDoor, Secret, SecretName, ShopDetails};
pub use stock::{CommittedStock, StockDocument, StockLine};
pub use users::StoredUser;
