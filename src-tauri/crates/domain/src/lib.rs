//! Duka's pure domain core: money, quantities, KRA tax bands and the line tax split, items and their
//! KRA item codes, sales, credit notes, stock and purchases, and the roles of the people at the till.
//!
//! Nothing here does IO, reads a clock, or uses floating point: callers pass in the time, the
//! reference data and the current stock, and get back plain values or every violation at once.
#![deny(clippy::float_arithmetic)]

pub mod codes;
pub mod credit_note;
mod error;
pub mod item;
pub mod money;
pub mod people;
pub mod pin;
pub mod purchase;
pub mod quantity;
pub mod sale;
pub mod stock;
pub mod tax;
pub mod time;

pub use codes::{CreditNoteReason, ItemType, PaymentType, StockMoveType};
pub use credit_note::{CreditNote, CreditNoteDraft, CreditNoteLineDraft, OriginalSale};
pub use error::{Error, Result, Violation, Violations};
pub use item::{CodeLists, Item, ItemCode, ItemCodeParts};
pub use money::Money;
pub use people::{Action, Permission, Role, UserPin};
pub use pin::KraPin;
pub use purchase::{Purchase, PurchaseDecision, PurchaseDraft, PurchaseLine, PurchaseLineDraft, PurchaseSource};
pub use quantity::Qty;
pub use sale::{Catalogue, Discount, Invoice, InvoiceLine, SALE_LINE_PKG, SaleDraft, SaleLineDraft, StockPolicy};
pub use stock::{StockLedger, StockMovement};
pub use tax::{BandTotals, DocumentTotals, LineAmounts, TaxBand, TaxRate, TaxRates};
pub use time::{Date, DateTime};
