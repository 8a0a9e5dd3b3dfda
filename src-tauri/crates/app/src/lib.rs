//! Duka's use cases: one API over `store`, `oscu`, `sync` and `receipt` that the desktop shell
//! and the `duka` command line both call, returning plain serialisable data.
//!
//! [`Duka`] is cheap to clone and share. Store-only use cases (items, stock, sales, credit notes,
//! purchases, imports, listings, receipts) are plain functions that commit in one write and wake
//! the sync worker; an async caller runs the writing ones as jobs on the till's store thread
//! ([`Duka::till`]) and prints after they return ([`Duka::print_receipt`]). Use cases that talk
//! to KRA (initialisation, reference data, PIN lookup, sync now) are `async`. Training mode runs
//! everything against an `oscu-sim` started inside the process, and marks every document as
//! training.

mod actor;
pub mod backup;
mod cart;
mod demo;
mod device;
mod environment;
mod error;
pub mod exchange;
pub mod fields;
pub mod files;
mod fiscal_check;
pub mod handover;
mod imports;
mod items;
mod kra_lists;
mod preview;
pub mod printing;
mod progress;
mod purchases;
pub mod queries;
mod receipts;
pub mod reports;
mod sales;
mod search;
pub mod settings;
mod shop;
mod stock;
mod sync_link;
#[cfg(test)]
mod testing;
pub mod till;
mod training;
pub mod users;
pub mod views;

pub use actor::{APPROVAL_MINUTES, Acting, Actor, Approval};
pub use cart::{CartId, DraftCartView};
pub use device::{GatewayAccess, InitRequest, KeyImport};
pub use domain::{Action, Permission, Role};
pub use environment::{DeviceSetup, StatusView, TRAINING_SHOP_NAME};
pub use error::{Error, ErrorCode, Result};
pub use files::DataFolder;
pub use items::{ItemChange, NewItem};
pub use preview::ReceiptPreview;
pub use progress::{ParkedView, ProgressView};
pub use purchases::{LineMapping, ManualPurchase, ManualPurchaseLine};
pub use receipts::{DocumentNo, Paper};
pub use sales::{ChargeResult, CreditNoteRequest, SaleLineRequest, SaleRequest};
pub use shop::{AppOptions, Duka};
pub use stock::StockLineRequest;
pub use store::{Environment, ShopDetails, default_db_path};
pub use sync::{Clock, ManualClock, Progress as SyncProgress, SystemClock};
pub use till::Till;
pub use training::{TrainingRequest, state_file as training_state_file};
pub use users::{TillLimits, UserView};
