//! The lane tables: which outbox kinds each lane drains, which lanes pipeline, which KRA function
//! and number field each kind uses, and which decisions KRA has no call for.

use oscu::Function;
use store::{KraCounter, OutboxKind};

/// The lanes: each runs strictly in outbox order; lanes run side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lane {
    /// Sales and credit notes: one `invcNo` series, one number open at a time.
    Sales,
    /// `insertStockIO` (`sarNo`) and `saveStockMaster`, in one lane: a balance carries KRA's
    /// running total, which must not move while the balance is on its way.
    Stock,
    /// `insertTrnsPurchase` (the purchase `invcNo` series).
    Purchases,
    /// Item registrations (their codes carry KRA's sequence), item compositions, import
    /// decisions, purchase rejections.
    Other,
}

impl Lane {
    pub(super) const ALL: [Lane; 4] = [Lane::Sales, Lane::Stock, Lane::Purchases, Lane::Other];

    pub(super) fn kinds(self) -> &'static [OutboxKind] {
        match self {
            Lane::Sales => &[OutboxKind::Sale, OutboxKind::CreditNote],
            Lane::Stock => &[OutboxKind::StockIo, OutboxKind::StockMaster],
            Lane::Purchases => &[OutboxKind::Purchase],
            Lane::Other => &[
                OutboxKind::SaveItem,
                OutboxKind::ImportUpdate,
                OutboxKind::PurchaseRejection,
                OutboxKind::ItemComposition,
            ],
        }
    }

    /// Whether the lane runs pipelined (numbers reserved ahead, settles off the critical path).
    /// The stock lane is too: its requests still go one at a time (a balance carries KRA's running
    /// total, which must not move while the balance is on its way), and its balances are built
    /// just before they go out from the totals the pipeline keeps in memory (see [`super::StockTotals`]).
    pub(super) fn pipelined(self) -> bool {
        matches!(self, Lane::Sales | Lane::Stock)
    }

    /// Whether the lane waits while the sales series pipelines a backlog (see
    /// [`super::Coordination::series_running`]).
    pub(super) fn yields_to_series(self) -> bool {
        self == Lane::Stock
    }

    pub(super) fn counter(self) -> Option<KraCounter> {
        match self {
            Lane::Sales => Some(KraCounter::SalesInvoice),
            Lane::Stock => Some(KraCounter::StockSar),
            Lane::Purchases => Some(KraCounter::PurchaseInvoice),
            Lane::Other => None,
        }
    }
}

pub(super) fn function_of(kind: OutboxKind) -> Function {
    match kind {
        OutboxKind::SaveItem => Function::SaveItem,
        OutboxKind::Sale | OutboxKind::CreditNote => Function::SaveTrnsSalesOsdc,
        OutboxKind::StockIo => Function::InsertStockIO,
        OutboxKind::StockMaster => Function::SaveStockMaster,
        OutboxKind::Purchase | OutboxKind::PurchaseRejection => Function::InsertTrnsPurchase,
        OutboxKind::ImportUpdate => Function::UpdateImportItem,
        OutboxKind::ItemComposition => Function::SaveItemComposition,
    }
}

/// The JSON field of a request that carries the reserved number.
pub(super) fn number_field(kind: OutboxKind) -> Option<&'static str> {
    match kind.kra_counter()? {
        KraCounter::SalesInvoice | KraCounter::PurchaseInvoice => Some("invcNo"),
        KraCounter::StockSar => Some("sarNo"),
        KraCounter::ItemSequence => None,
    }
}

/// Rows whose decision KRA has no call for. SPEC documents no OSCU function to reject a
/// supplier's sale from the purchase feed (`selectTrnsPurchaseSalesList` lists invoices not yet
/// confirmed; only confirming, `insertTrnsPurchase`, is a call). The rejection is the shop's own
/// record: it is settled locally, with an audit entry, and never sent nor shown as refused.
pub(super) fn is_local_only(kind: OutboxKind) -> bool {
    kind == OutboxKind::PurchaseRejection
}
