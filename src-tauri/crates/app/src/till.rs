//! The till's writing use cases for an async caller (the desktop shell): each runs on the store's
//! foreground thread ([`store::bridge::StoreThread::foreground`]) and comes back as a
//! [`StoreJob`] to await. So SQLite transactions and fsyncs never run on the async runtime's
//! workers, and a till commit never waits behind the drain's group commit (the drain has the
//! background thread). Printing is not here: it runs after the commit ([`Duka::print_receipt`]).

use domain::{Qty, StockMoveType};
use store::bridge::StoreJob;

use crate::{
    CartId, CreditNoteRequest, Duka, Error, ItemChange, LineMapping, ManualPurchase, NewItem, Result, SaleRequest,
    StockLineRequest,
    cart::DraftCartView,
    exchange::{ImportDefaults, ImportOutcome},
    sales::ChargeResult,
    settings::SettingsForm,
    views::{CreditNoteResult, DecisionResult, ItemView, PurchaseResult, StockResult},
};

/// The shop's use cases as jobs on the till's store thread ([`Duka::till`]).
#[derive(Debug, Clone)]
pub struct Till(Duka);

impl Duka {
    /// The till's writing use cases, each a job on the till's store thread.
    pub fn till(&self) -> Till {
        Till(self.clone())
    }
}

impl Till {
    /// Runs `f` on the till's store thread; awaiting the job gives its result.
    pub fn run<T: Send + 'static>(&self, f: impl FnOnce(&Duka) -> Result<T> + Send + 'static) -> StoreJob<T, Error> {
        let duka = self.0.clone();
        self.0.inner.till_thread.run(move || f(&duka))
    }

    /// [`Duka::charge`]: the cart becomes one sale, or answers with the sale it became.
    pub fn charge(&self, cart: CartId, request: SaleRequest) -> StoreJob<ChargeResult, Error> {
        self.run(move |d| d.charge(&cart, &request))
    }

    pub fn issue_credit_note(&self, request: CreditNoteRequest) -> StoreJob<CreditNoteResult, Error> {
        self.run(move |d| d.issue_credit_note(&request))
    }

    pub fn save_cart(&self, cart: CartId, text: String) -> StoreJob<bool, Error> {
        self.run(move |d| d.save_cart(&cart, &text))
    }

    pub fn load_cart(&self) -> StoreJob<Option<DraftCartView>, Error> {
        self.run(|d| d.load_cart())
    }

    pub fn register_item(&self, new: NewItem) -> StoreJob<ItemView, Error> {
        self.run(move |d| d.register_item(&new))
    }

    pub fn update_item(&self, reference: String, change: ItemChange) -> StoreJob<ItemView, Error> {
        self.run(move |d| d.update_item(&reference, &change))
    }

    pub fn import_items(&self, csv: String, defaults: ImportDefaults) -> StoreJob<ImportOutcome, Error> {
        self.run(move |d| d.import_items(&csv, &defaults))
    }

    pub fn set_reorder_level(&self, item: String, level: Option<Qty>) -> StoreJob<(), Error> {
        self.run(move |d| d.set_reorder_level(&item, level))
    }

    pub fn adjust_stock(&self, kind: StockMoveType, lines: Vec<StockLineRequest>) -> StoreJob<StockResult, Error> {
        self.run(move |d| d.adjust_stock(kind, &lines, None))
    }

    pub fn confirm_purchase(&self, id: i64, mappings: Vec<LineMapping>) -> StoreJob<PurchaseResult, Error> {
        self.run(move |d| d.confirm_purchase(id, &mappings))
    }

    pub fn record_purchase(&self, purchase: ManualPurchase) -> StoreJob<PurchaseResult, Error> {
        self.run(move |d| d.record_purchase(&purchase))
    }

    pub fn reject_purchase(&self, id: i64) -> StoreJob<DecisionResult, Error> {
        self.run(move |d| d.reject_purchase(id))
    }

    pub fn accept_import(&self, id: i64, item: String) -> StoreJob<DecisionResult, Error> {
        self.run(move |d| d.accept_import(id, &item, None))
    }

    pub fn reject_import(&self, id: i64) -> StoreJob<DecisionResult, Error> {
        self.run(move |d| d.reject_import(id))
    }

    pub fn retry_parked(&self, outbox_id: i64) -> StoreJob<(), Error> {
        self.run(move |d| d.retry_parked(outbox_id))
    }

    pub fn mark_notice_read(&self, notice_no: i64) -> StoreJob<(), Error> {
        self.run(move |d| d.mark_notice_read(notice_no))
    }

    pub fn save_settings(&self, form: SettingsForm) -> StoreJob<(), Error> {
        self.run(move |d| d.save_settings(&form))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{line, new_item, sale, shop};

    #[tokio::test]
    async fn till_jobs_run_on_the_till_store_thread() {
        let (duka, _dir) = shop().await;
        let thread = duka.till().run(|_| Ok(std::thread::current().name().map(str::to_owned))).await.unwrap();
        assert_eq!(thread.as_deref(), Some("duka-store"), "the foreground lane, not a runtime worker");
        let code = duka.till().register_item(new_item("Sugar 1kg", 18_500)).await.unwrap().code;
        duka.till()
            .adjust_stock(
                StockMoveType::AdjustmentIn,
                vec![StockLineRequest { item: code.clone(), qty: Qty::whole(5) }],
            )
            .await
            .unwrap();
        let cart = CartId::parse("cart-till-0001").unwrap();
        let charged = duka.till().charge(cart, sale(vec![line(&code, 1)])).await.unwrap();
        assert_eq!((charged.sale.trader_no.as_str(), charged.already_charged), ("INV-000001", false));
        // A refusal comes back as the use case's own error.
        let e = duka.till().charge(CartId::parse("cart-till-0002").unwrap(), sale(vec![])).await.unwrap_err();
        assert_eq!(e.code(), "refused");
    }
}
