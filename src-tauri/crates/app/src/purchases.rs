//! Purchases: suppliers' invoices from KRA's feed (each line mapped to one of the shop's items,
//! the mapping remembered for next time), confirmed or rejected, and purchases keyed by hand.

use domain::{Date, ItemCode, Money, PaymentType, PurchaseDraft, PurchaseLineDraft, PurchaseSource, Qty, TaxBand};
use store::{
    LoadedCatalogue, Reader,
    purchases::{Decision, FeedPurchaseLine, StoredFeedPurchase},
};

use crate::{
    Duka, Error, Result,
    items::resolve,
    views::{self, DecisionResult, FeedPurchaseLineView, FeedPurchaseView, PurchaseResult},
};

/// "Supplier line `seq` is my item `item`" (code or barcode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineMapping {
    pub seq: u16,
    pub item: String,
}

/// A purchase keyed by hand (a supplier outside eTIMS' feed, or a paper invoice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualPurchase {
    pub supplier_pin: Option<String>,
    pub supplier_name: Option<String>,
    pub supplier_invoice_no: Option<i64>,
    /// Today when `None`.
    pub date: Option<Date>,
    pub payment: PaymentType,
    pub lines: Vec<ManualPurchaseLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualPurchaseLine {
    /// Own item: code or barcode.
    pub item: String,
    pub qty: Qty,
    /// Tax-inclusive unit price paid.
    pub unit_price: Money,
    pub discount: Money,
    /// The band the supplier charged; the item's own band when `None`.
    pub band: Option<TaxBand>,
}

/// A hand-keyed purchase names a line's price `unit_cost` (what the shop paid): an error about
/// `lines.N.price` belongs there.
fn unit_cost_field(e: Error) -> Error {
    match e.field().and_then(|f| f.strip_suffix(".price").map(|line| format!("{line}.unit_cost"))) {
        Some(input) => Error::At { input, source: Box::new(e) },
        None => e,
    }
}

pub(crate) fn decision_text(d: Option<Decision>) -> Option<&'static str> {
    d.map(Decision::as_str)
}

/// The key a supplier line is remembered under (as the store keeps it): its code, else its name.
fn supplier_key(line: &FeedPurchaseLine) -> String {
    line.item_code.clone().unwrap_or_else(|| line.name.trim().to_uppercase())
}

/// The own item proposed for a supplier line: remembered from last time, else the same barcode.
fn proposed(conn: &Reader<'_>, supplier_pin: &str, line: &FeedPurchaseLine) -> store::Result<Option<ItemCode>> {
    if let Some(code) = store::purchases::remembered_item(conn, supplier_pin, &supplier_key(line))? {
        return Ok(Some(code));
    }
    if let Some(barcode) = line.barcode.as_deref().filter(|b| !b.trim().is_empty())
        && let Some(item) = store::items::item_by_barcode(conn, barcode)?
    {
        return Ok(Some(item.code));
    }
    Ok(None)
}

fn view(conn: &Reader<'_>, p: &StoredFeedPurchase) -> store::Result<FeedPurchaseView> {
    let f = &p.purchase;
    let lines = f
        .lines
        .iter()
        .map(|l| {
            Ok(FeedPurchaseLineView {
                seq: l.seq,
                supplier_item_code: l.item_code.clone(),
                name: l.name.clone(),
                qty: views::qty(l.qty),
                unit_price: views::amount(l.unit_price),
                tax_band: l.band.to_string(),
                total: views::amount(l.total),
                proposed_item: proposed(conn, &f.supplier_pin, l)?.map(|c| c.to_string()),
            })
        })
        .collect::<store::Result<Vec<_>>>()?;
    Ok(FeedPurchaseView {
        id: p.id,
        supplier_pin: f.supplier_pin.clone(),
        supplier_name: f.supplier_name.clone(),
        supplier_branch: f.supplier_branch.clone(),
        supplier_invoice_no: f.supplier_invoice_no,
        sales_date: f.sales_date.clone(),
        total: views::amount(f.total_amount),
        decision: decision_text(p.decision),
        lines,
    })
}

/// The payment type the supplier recorded (`pmtTyCd` in the feed entry), credit when absent.
fn feed_payment(raw_json: &str) -> PaymentType {
    serde_json::from_str::<serde_json::Value>(raw_json)
        .ok()
        .and_then(|v| v.get("pmtTyCd").and_then(|p| p.as_str().map(str::to_owned)))
        .and_then(|p| p.parse().ok())
        .unwrap_or(PaymentType::Credit)
}

impl Duka {
    /// Purchases from KRA's feed, oldest first (only those awaiting a decision when asked), each
    /// line with the own item proposed for it.
    pub fn purchases(&self, undecided_only: bool) -> Result<Vec<FeedPurchaseView>> {
        Ok(self
            .store()
            .read(|c| store::purchases::feed_purchases(c, undecided_only)?.iter().map(|p| view(c, p)).collect())?)
    }

    /// Confirms a feed purchase: every line mapped to an own item (given here, or remembered),
    /// priced as the supplier charged, stock in, and `insertTrnsPurchase` queued.
    pub fn confirm_purchase(&self, feed_purchase_id: i64, mappings: &[LineMapping]) -> Result<PurchaseResult> {
        let committed = self.acting(&[domain::Action::DecidePurchases], |meta| {
            self.store().write(|tx| -> Result<_> {
                let attempt = (|| -> Result<_> {
                    let stored = store::purchases::feed_purchase(tx, feed_purchase_id)?;
                    let f = &stored.purchase;
                    let mut lines = Vec::with_capacity(f.lines.len());
                    for l in &f.lines {
                        let own_item = match mappings.iter().find(|m| m.seq == l.seq) {
                            Some(m) => Some(
                                resolve(tx, &m.item)
                                    .map_err(|e| e.at(|| crate::fields::line(usize::from(m.seq), "item")))?
                                    .code,
                            ),
                            None => proposed(tx, &f.supplier_pin, l)?,
                        };
                        lines.push(PurchaseLineDraft {
                            supplier_item_code: l.item_code.clone(),
                            supplier_item_name: l.name.clone(),
                            supplier_class_code: l.class_code.clone(),
                            qty: l.qty,
                            unit_price: l.unit_price,
                            discount: l.discount,
                            band: l.band,
                            own_item,
                        });
                    }
                    let date =
                        f.sales_date.as_deref().and_then(|d| Date::parse_kra(d).ok()).unwrap_or_else(|| meta.at.date());
                    let draft = PurchaseDraft {
                        source: PurchaseSource::KraFeed,
                        supplier_pin: Some(f.supplier_pin.clone()),
                        supplier_name: f.supplier_name.clone(),
                        supplier_branch: Some(f.supplier_branch.clone()),
                        supplier_invoice_no: Some(f.supplier_invoice_no),
                        date,
                        payment: feed_payment(&f.raw_json),
                        lines,
                        stated_total: Some(f.total_amount),
                    };
                    let rates = store::reference::tax_rates(tx)?;
                    let catalogue = LoadedCatalogue::for_purchase(tx, &draft)?;
                    Ok(draft.finalise(&catalogue, &rates)?)
                })();
                let purchase = attempt?;
                let committed = store::purchases::commit_purchase(tx, Some(feed_purchase_id), &purchase, meta)?;
                Ok((committed, purchase))
            })
        })?;
        self.wake();
        let (c, purchase) = committed;
        Ok(PurchaseResult { purchase_id: c.id, trader_no: c.trader_no, totals: (&purchase.totals).into() })
    }

    /// Rejects a feed purchase: no stock moves; KRA is told.
    pub fn reject_purchase(&self, feed_purchase_id: i64) -> Result<DecisionResult> {
        let outbox_id = self.acting(&[domain::Action::DecidePurchases], |meta| {
            Ok(self.store().write(|tx| store::purchases::reject_feed_purchase(tx, feed_purchase_id, meta))?)
        })?;
        self.wake();
        Ok(DecisionResult { id: feed_purchase_id, decision: "rejected", outbox_id })
    }

    /// Records a purchase keyed by hand: stock in, and `insertTrnsPurchase` queued.
    pub fn record_purchase(&self, manual: &ManualPurchase) -> Result<PurchaseResult> {
        let committed = self.acting(&[domain::Action::DecidePurchases], |meta| {
            self.store().write(|tx| -> Result<_> {
                let attempt = (|| -> Result<_> {
                    let mut lines = Vec::with_capacity(manual.lines.len());
                    for (n, l) in manual.lines.iter().enumerate() {
                        let item = resolve(tx, &l.item).map_err(|e| e.at(|| crate::fields::line(n + 1, "item")))?;
                        lines.push(PurchaseLineDraft {
                            supplier_item_code: None,
                            supplier_item_name: item.name.clone(),
                            supplier_class_code: Some(item.class_code.clone()),
                            qty: l.qty,
                            unit_price: l.unit_price,
                            discount: l.discount,
                            band: l.band.unwrap_or(item.tax_band),
                            own_item: Some(item.code),
                        });
                    }
                    let draft = PurchaseDraft {
                        source: PurchaseSource::Manual,
                        supplier_pin: manual.supplier_pin.clone(),
                        supplier_name: manual
                            .supplier_name
                            .as_deref()
                            .map(str::trim)
                            .filter(|n| !n.is_empty())
                            .map(str::to_owned),
                        supplier_branch: None,
                        supplier_invoice_no: manual.supplier_invoice_no,
                        date: manual.date.unwrap_or_else(|| meta.at.date()),
                        payment: manual.payment,
                        lines,
                        stated_total: None,
                    };
                    let rates = store::reference::tax_rates(tx)?;
                    let catalogue = LoadedCatalogue::for_purchase(tx, &draft)?;
                    draft.finalise(&catalogue, &rates).map_err(|v| unit_cost_field(Error::Refused(v)))
                })();
                let purchase = attempt?;
                let committed = store::purchases::commit_purchase(tx, None, &purchase, meta)?;
                Ok((committed, purchase))
            })
        })?;
        self.wake();
        let (c, purchase) = committed;
        Ok(PurchaseResult { purchase_id: c.id, trader_no: c.trader_no, totals: (&purchase.totals).into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_payment_type_defaults_to_credit() {
        for (raw, expected) in [
            (r#"{"pmtTyCd":"01"}"#, PaymentType::Cash),
            (r#"{"pmtTyCd":"06"}"#, PaymentType::MobileMoney),
            (r#"{"pmtTyCd":"99"}"#, PaymentType::Credit),
            (r#"{}"#, PaymentType::Credit),
            ("not json", PaymentType::Credit),
        ] {
            assert_eq!(feed_payment(raw), expected, "{raw}");
        }
    }

    #[tokio::test]
    async fn a_hand_keyed_purchase_places_its_errors_on_the_form() {
        let (duka, _dir) = crate::testing::shop().await;
        let soap = duka.register_item(&crate::testing::new_item("Soap", 9_000)).unwrap().code;
        let line = |item: &str, cents: i64| ManualPurchaseLine {
            item: item.into(),
            qty: Qty::whole(1),
            unit_price: Money::from_cents(cents),
            discount: Money::ZERO,
            band: None,
        };
        let purchase = |lines| ManualPurchase {
            supplier_pin: None,
            supplier_name: None,
            supplier_invoice_no: None,
            date: None,
            payment: PaymentType::Cash,
            lines,
        };
        for (lines, field) in [
            (vec![line(&soap, 100), line("404", 100)], Some("lines.2.item")),
            (vec![line(&soap, 100), line(&soap, -100)], Some("lines.2.unit_cost")),
            (vec![], Some("lines")),
        ] {
            let e = duka.record_purchase(&purchase(lines)).unwrap_err();
            assert_eq!(e.field().as_deref(), field, "{e}");
        }
        let e = duka
            .record_purchase(&ManualPurchase { supplier_pin: Some("123".into()), ..purchase(vec![line(&soap, 100)]) })
            .unwrap_err();
        assert_eq!(e.field().as_deref(), Some("supplier_pin"), "{e}");
        assert!(duka.record_purchase(&purchase(vec![line(&soap, 100)])).is_ok());
    }
}
