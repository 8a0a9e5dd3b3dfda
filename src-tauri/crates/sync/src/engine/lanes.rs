//! The lane tables: which outbox kinds each lane drains, which lanes pipeline, which wire request
//! (so which KRA function and number field) each kind sends, and which decisions KRA has no call for.

use oscu::{
    Frozen,
    wire::{
        ImportItemUpdateReq, ItemCompositionSaveReq, ItemSaveReq, StockIOSaveReq, StockMasterSaveReq,
        TrnsPurchaseSaveReq, TrnsSalesSaveWrReq,
    },
};
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

/// A row's frozen bytes as the request its kind sends (every kind has its one function).
pub(super) enum FrozenRequest {
    /// `saveTrnsSalesOsdc`: sales and credit notes.
    Sale(Frozen<TrnsSalesSaveWrReq>),
    StockIo(Frozen<StockIOSaveReq>),
    /// `saveStockMaster`, one call per item of the batch.
    Balances(Frozen<Vec<StockMasterSaveReq>>),
    Item(Frozen<ItemSaveReq>),
    /// `insertTrnsPurchase` (a rejection is never sent: [`is_local_only`]).
    Purchase(Frozen<TrnsPurchaseSaveReq>),
    Import(Frozen<ImportItemUpdateReq>),
    Composition(Frozen<ItemCompositionSaveReq>),
}

impl FrozenRequest {
    pub(super) fn of(kind: OutboxKind, body: &str) -> FrozenRequest {
        match kind {
            OutboxKind::Sale | OutboxKind::CreditNote => FrozenRequest::Sale(Frozen::stored(body)),
            OutboxKind::StockIo => FrozenRequest::StockIo(Frozen::stored(body)),
            OutboxKind::StockMaster => FrozenRequest::Balances(Frozen::stored(body)),
            OutboxKind::SaveItem => FrozenRequest::Item(Frozen::stored(body)),
            OutboxKind::Purchase | OutboxKind::PurchaseRejection => FrozenRequest::Purchase(Frozen::stored(body)),
            OutboxKind::ImportUpdate => FrozenRequest::Import(Frozen::stored(body)),
            OutboxKind::ItemComposition => FrozenRequest::Composition(Frozen::stored(body)),
        }
    }

    /// The KRA number the bytes carry (`invcNo`, `sarNo`), where the request has one.
    pub(super) fn number(&self) -> Option<i64> {
        let number = match self {
            FrozenRequest::Sale(f) => f.number(),
            FrozenRequest::StockIo(f) => f.number(),
            FrozenRequest::Purchase(f) => f.number(),
            FrozenRequest::Balances(_)
            | FrozenRequest::Item(_)
            | FrozenRequest::Import(_)
            | FrozenRequest::Composition(_) => None,
        };
        number.and_then(|n| i64::try_from(n).ok())
    }
}

/// Rows whose decision KRA has no call for. SPEC documents no OSCU function to reject a
/// supplier's sale from the purchase feed (`selectTrnsPurchaseSalesList` lists invoices not yet
/// confirmed; only confirming, `insertTrnsPurchase`, is a call). The rejection is the shop's own
/// record: it is settled locally, with an audit entry, and never sent nor shown as refused.
pub(super) fn is_local_only(kind: OutboxKind) -> bool {
    kind == OutboxKind::PurchaseRejection
}
