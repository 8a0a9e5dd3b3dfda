//! The builders' header types under their first path: the builders now live next to the wire
//! types they build ([`crate::wire`]); this module keeps `oscu::build::SaleHeader` and its kin
//! working.

pub use crate::wire::{PurchaseHeader, SaleHeader, StockHeader};
