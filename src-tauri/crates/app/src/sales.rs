//! Sales and credit notes: finalised by `domain` against the catalogue, stock and KRA's rates,
//! committed in one write with their outbox rows, then handed to sync. Works the same offline.

use std::collections::BTreeMap;

use domain::{
    CreditNoteDraft, CreditNoteLineDraft, CreditNoteReason, Discount, Money, OriginalSale, PaymentType, Qty, SaleDraft,
    SaleLineDraft, Violation, Violations,
};
use serde::Serialize;
use store::{LoadedCatalogue, Reader, numbering::Series};

use crate::{
    CartId, Duka, Error, Result,
    items::resolve,
    views::{CreditNoteResult, KraState, SaleResult, SaleSummaryView},
};

/// One line the cashier rang up: an item (code or barcode), a quantity, optionally another price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleLineRequest {
    pub item: String,
    pub qty: Qty,
    /// Tax-inclusive unit price; the item's price when `None`.
    pub price: Option<Money>,
    pub discount: Discount,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleRequest {
    pub lines: Vec<SaleLineRequest>,
    pub buyer_pin: Option<String>,
    pub buyer_name: Option<String>,
    pub payment: PaymentType,
}

/// A credit note against a stored sale. No lines credits everything that remains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNoteRequest {
    /// The sale's trader number ("INV-000012", or just 12).
    pub invoice: String,
    pub reason: CreditNoteReason,
    /// Item (code or barcode) and quantity to credit.
    pub lines: Vec<(String, Qty)>,
}

/// What Charge did: the sale, and whether the cart had been charged before (then it is that
/// first sale, and nothing new was committed: print a copy, not a second original).
#[derive(Debug, Clone, Serialize)]
pub struct ChargeResult {
    #[serde(flatten)]
    pub sale: SaleResult,
    pub already_charged: bool,
}

/// A sale just committed, or the sale a charged cart became before.
enum Sold {
    Now(SaleResult),
    Before(i64),
}

fn pending() -> KraState {
    KraState { state: "pending", kra_invoice_no: None, message: None }
}

/// The sale a trader number (or its digits) names.
pub(crate) fn find_sale(conn: &Reader<'_>, invoice: &str) -> Result<i64> {
    let invoice = invoice.trim();
    let mut candidates = vec![invoice.to_ascii_uppercase()];
    if let Ok(n) = invoice.parse::<i64>() {
        candidates.push(Series::Sale.format(n));
        candidates.push(Series::TrainingSale.format(n));
    }
    for c in candidates {
        if let Some(id) = store::sales::sale_id_by_trader_no(conn, &c)? {
            return Ok(id);
        }
    }
    Err(Error::NotFound {
        what: "sale",
        id: invoice.to_owned(),
        hint: "give the invoice number printed on the receipt, e.g. INV-000012 (see the sales list)",
    })
}

impl Duka {
    /// Rings up a sale: finalised against the items, stock and KRA's rates, committed with its
    /// stock movement and outbox rows in one write, and handed to sync. Works offline.
    pub fn make_sale(&self, request: &SaleRequest) -> Result<SaleResult> {
        Ok(self.sell(None, request)?.sale)
    }

    /// Charges the till's cart `cart` (see [`Duka::make_sale`]) once: the sale keeps the cart's id
    /// and its commit clears the cart's draft; charged again, the cart answers with the sale it
    /// became (`already_charged`), and nothing new is committed or sent to KRA.
    pub fn charge(&self, cart: &CartId, request: &SaleRequest) -> Result<ChargeResult> {
        self.sell(Some(cart), request)
    }

    fn sell(&self, cart: Option<&CartId>, request: &SaleRequest) -> Result<ChargeResult> {
        let done = self.acting(&self.sale_actions(request)?, |meta| {
            self.store().write(|tx| -> Result<_> {
                if let Some(cart) = cart
                    && let Some(sale_id) = store::cart::sale_of_cart(tx, cart.as_str())?
                {
                    return Ok(Sold::Before(sale_id));
                }
                let mut lines = Vec::with_capacity(request.lines.len());
                for (n, l) in request.lines.iter().enumerate() {
                    let item = resolve(tx, &l.item).map_err(|e| e.at(|| crate::fields::line(n + 1, "item")))?;
                    lines.push(SaleLineDraft {
                        item: item.code,
                        qty: l.qty,
                        unit_price: l.price,
                        discount: l.discount,
                    });
                }
                let draft = SaleDraft {
                    lines,
                    buyer_pin: request.buyer_pin.clone(),
                    buyer_name: request.buyer_name.clone(),
                    payment: request.payment,
                };
                let rates = store::reference::tax_rates(tx)?;
                let catalogue = LoadedCatalogue::for_sale(tx, &draft)?;
                // The shop's setting, read in the sale's own transaction.
                let policy = store::settings::stock_policy(tx)?.unwrap_or(self.options().stock_policy);
                let invoice = match draft.finalise(&catalogue, &rates, policy) {
                    Ok(i) => i,
                    Err(v) => return Err(Error::Refused(v)),
                };
                let committed = match cart {
                    Some(cart) => store::sales::commit_cart_sale(tx, cart.as_str(), &invoice, meta)?,
                    None => store::sales::commit_sale(tx, &invoice, meta)?,
                };
                Ok(Sold::Now(SaleResult {
                    sale_id: committed.id,
                    trader_no: committed.trader_no,
                    committed_at: meta.at.to_string(),
                    training: meta.training,
                    totals: (&invoice.totals).into(),
                    kra: pending(),
                }))
            })
        })?;
        match done {
            Sold::Now(sale) => {
                self.wake();
                Ok(ChargeResult { sale, already_charged: false })
            }
            Sold::Before(sale_id) => {
                let (stored, status) = self
                    .store()
                    .read(|c| Ok((store::sales::load_sale(c, sale_id)?, store::sales::sale_status(c, sale_id)?)))?;
                Ok(ChargeResult {
                    sale: SaleResult {
                        sale_id,
                        trader_no: stored.trader_no,
                        committed_at: stored.committed_at.to_string(),
                        training: stored.training,
                        totals: (&stored.invoice.totals).into(),
                        kra: status.into(),
                    },
                    already_charged: true,
                })
            }
        }
    }

    /// Issues a credit note against a stored sale, at the sale's prices and rates, never crediting
    /// more than remains of a line.
    pub fn issue_credit_note(&self, request: &CreditNoteRequest) -> Result<CreditNoteResult> {
        let (committed, note, sale_trader_no, training) = self.acting(&[domain::Action::CreditNote], |meta| {
            self.store().write(|tx| -> Result<_> {
                let attempt = (|| -> Result<_> {
                    let sale_id = find_sale(tx, &request.invoice)?;
                    let sale = store::sales::load_sale(tx, sale_id)?;
                    if sale.training != meta.training {
                        return Err(Error::invalid(
                            "invoice",
                            format!(
                                "{} is a {} sale and this till is in {} mode: credit it in the same mode",
                                sale.trader_no,
                                if sale.training { "training" } else { "real" },
                                if meta.training { "training" } else { "real" }
                            ),
                        ));
                    }
                    let credited = store::sales::credited_quantities(tx, sale_id)?;
                    let lines = credit_lines(tx, &sale.invoice, &credited, &request.lines)?;
                    let draft = CreditNoteDraft {
                        reason: request.reason,
                        buyer_pin: sale.invoice.buyer_pin.as_ref().map(ToString::to_string),
                        date: meta.at.date(),
                        lines,
                    };
                    let rates = store::reference::tax_rates(tx)?;
                    let note = draft.finalise(
                        OriginalSale { invoice: &sale.invoice, date: sale.committed_at.date(), credited: &credited },
                        &rates,
                    )?;
                    Ok((sale_id, sale.trader_no, draft, note))
                })();
                let (sale_id, trader_no, draft, note) = attempt?;
                let committed = store::credit_notes::commit_credit_note(tx, sale_id, &draft, &note, meta)?;
                Ok((committed, note, trader_no, meta.training))
            })
        })?;
        self.wake();
        Ok(CreditNoteResult {
            credit_note_id: committed.id,
            trader_no: committed.trader_no,
            sale_trader_no,
            training,
            totals: (&note.totals).into(),
            kra: pending(),
        })
    }

    /// Sales, newest first.
    pub fn sales(&self, limit: usize) -> Result<Vec<SaleSummaryView>> {
        let list = self.store().read(|c| store::sales::list_sales(c, None, limit))?;
        Ok(list
            .into_iter()
            .map(|s| SaleSummaryView {
                sale_id: s.id,
                trader_no: s.trader_no,
                committed_at: s.committed_at.to_string(),
                buyer_name: s.buyer_name,
                total: crate::views::amount(s.total),
                training: s.training,
                kra: s.status.into(),
            })
            .collect())
    }
}

/// Maps "item, quantity" requests onto the sale's lines; everything remaining when none given.
fn credit_lines(
    conn: &Reader<'_>,
    sale: &domain::Invoice,
    credited: &BTreeMap<u16, Qty>,
    requested: &[(String, Qty)],
) -> Result<Vec<CreditNoteLineDraft>> {
    let remaining = |seq: u16, sold: Qty| {
        Qty::from_hundredths(sold.hundredths() - credited.get(&seq).copied().unwrap_or_default().hundredths())
    };
    if requested.is_empty() {
        let lines: Vec<CreditNoteLineDraft> = sale
            .lines
            .iter()
            .map(|l| CreditNoteLineDraft { sale_line: l.seq, qty: remaining(l.seq, l.qty) })
            .filter(|l| l.qty.is_positive())
            .collect();
        if lines.is_empty() {
            return Err(Error::Refused(Violations(vec![Violation::InvalidField {
                field: "invoice",
                reason: "everything on this sale has already been credited".into(),
            }])));
        }
        return Ok(lines);
    }
    let mut out: Vec<CreditNoteLineDraft> = Vec::new();
    for (n, (reference, qty)) in requested.iter().enumerate() {
        let item = resolve(conn, reference).map_err(|e| e.at(|| crate::fields::line(n + 1, "item")))?;
        let lines: Vec<_> = sale.lines.iter().filter(|l| l.item_code == item.code).collect();
        let Some(first) = lines.first() else {
            return Err(Error::Refused(Violations(vec![Violation::CreditNoteLineNotInSale {
                line: n + 1,
                code: item.code.to_string(),
            }])));
        };
        // With the item on several lines, credit the first line that still has enough left.
        let chosen = lines
            .iter()
            .find(|l| {
                let taken = out.iter().filter(|o| o.sale_line == l.seq).map(|o| o.qty.hundredths()).sum::<i64>();
                remaining(l.seq, l.qty).hundredths() - taken >= qty.hundredths()
            })
            .unwrap_or(first);
        out.push(CreditNoteLineDraft { sale_line: chosen.seq, qty: *qty });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        StockLineRequest,
        testing::{line, new_item, sale, shop},
    };

    #[tokio::test]
    async fn sales_are_numbered_refused_with_reasons_and_credited_line_by_line() {
        let (duka, _dir) = shop().await;
        let sugar = duka.register_item(&new_item("Sugar 1kg", 18_500)).unwrap().code;
        let tea = duka.register_item(&new_item("Tea 250g", 15_000)).unwrap().code;
        duka.record_opening_stock(&[
            StockLineRequest { item: sugar.clone(), qty: Qty::whole(10) },
            StockLineRequest { item: tea.clone(), qty: Qty::whole(10) },
        ])
        .unwrap();

        // Offline (no KRA link at all), a sale still commits and waits for KRA.
        let first = duka.make_sale(&sale(vec![line(&sugar, 2), line(&tea, 1), line(&sugar, 1)])).unwrap();
        assert_eq!((first.trader_no.as_str(), first.kra.state, first.training), ("INV-000001", "pending", false));
        assert_eq!(first.totals.total, "705.00");
        let e = duka.make_sale(&sale(vec![line(&sugar, 8)])).unwrap_err();
        assert!(e.to_string().contains("only 7 of Sugar 1kg in stock"), "{e}");
        let e = duka.make_sale(&sale(vec![])).unwrap_err();
        assert!(e.to_string().contains("no lines"), "{e}");
        assert_eq!(duka.sales(10).unwrap().len(), 1, "refused sales leave nothing");

        // Credit: the second sugar line is used once the first has nothing left.
        let credit = |lines: Vec<(String, Qty)>| CreditNoteRequest {
            invoice: "1".into(),
            reason: CreditNoteReason::Refund,
            lines,
        };
        let note = duka.issue_credit_note(&credit(vec![(sugar.clone(), Qty::whole(2))])).unwrap();
        assert_eq!((note.trader_no.as_str(), note.totals.total.as_str()), ("CN-000001", "370.00"));
        let note = duka.issue_credit_note(&credit(vec![(sugar.clone(), Qty::whole(1))])).unwrap();
        assert_eq!(note.totals.total, "185.00");
        let e = duka.issue_credit_note(&credit(vec![(sugar.clone(), Qty::whole(1))])).unwrap_err();
        assert!(e.to_string().contains("only 0 of Sugar 1kg is left to credit"), "{e}");
        let other = duka.register_item(&new_item("Salt", 5_000)).unwrap().code;
        let e = duka.issue_credit_note(&credit(vec![(other, Qty::whole(1))])).unwrap_err();
        assert!(e.to_string().contains("is not on the original sale"), "{e}");
        // No lines: everything that remains (the tea).
        let rest = duka.issue_credit_note(&credit(vec![])).unwrap();
        assert_eq!(rest.totals.total, "150.00");
        let e = duka.issue_credit_note(&credit(vec![])).unwrap_err();
        assert!(e.to_string().contains("already been credited"), "{e}");
        let e = duka.issue_credit_note(&CreditNoteRequest { invoice: "INV-000009".into(), ..credit(vec![]) });
        assert_eq!(e.unwrap_err().code(), "not_found");
        // All the stock came back.
        let levels = duka.stock_levels().unwrap();
        let back: Vec<_> =
            levels.iter().filter(|l| l.code == sugar || l.code == tea).map(|l| l.on_hand.as_str()).collect();
        assert_eq!(back, ["10.00", "10.00"]);
    }

    #[tokio::test]
    async fn a_charged_cart_is_charged_once() {
        let (duka, _dir) = shop().await;
        let sugar = duka.register_item(&new_item("Sugar 1kg", 18_500)).unwrap().code;
        duka.record_opening_stock(&[StockLineRequest { item: sugar.clone(), qty: Qty::whole(10) }]).unwrap();
        let cart = CartId::parse("0b9f4c1e-3d2a-4f5b-9c8d-7e6f5a4b3c2d").unwrap();
        let request = sale(vec![line(&sugar, 2)]);
        duka.save_cart(&cart, r#"{"lines":[{"code":"x","qty":"2"}]}"#).unwrap();

        let first = duka.charge(&cart, &request).unwrap();
        assert_eq!((first.sale.trader_no.as_str(), first.already_charged), ("INV-000001", false));
        assert_eq!(duka.load_cart().unwrap(), None, "the sale's commit cleared the saved cart");

        // Charge pressed again (a lost answer, a double press, a cart brought back): the first sale.
        let again = duka.charge(&cart, &request).unwrap();
        assert!(again.already_charged);
        assert_eq!(
            (again.sale.sale_id, again.sale.trader_no.as_str(), again.sale.totals.total.as_str()),
            (first.sale.sale_id, "INV-000001", "370.00")
        );
        assert_eq!(duka.sales(10).unwrap().len(), 1, "no second sale");
        let sale_rows = duka
            .store()
            .read(|c| {
                store::outbox::rows_for_document(
                    c,
                    store::DocumentRef::new(store::DocumentKind::Sale, first.sale.sale_id),
                )
            })
            .unwrap();
        assert_eq!(sale_rows.len(), 1, "one fiscal document for KRA");
        let on_hand = duka.stock_levels().unwrap().into_iter().find(|l| l.code == sugar).unwrap().on_hand;
        assert_eq!(on_hand, "8.00", "the goods went out once");
        // A save of that cart arriving after the sale keeps nothing.
        assert!(!duka.save_cart(&cart, r#"{"lines":[]}"#).unwrap());
        assert_eq!(duka.load_cart().unwrap(), None);

        // Another cart is another sale.
        let next = duka.charge(&CartId::parse("cart-000000002").unwrap(), &request).unwrap();
        assert_eq!((next.sale.trader_no.as_str(), next.already_charged), ("INV-000002", false));
        // A refused charge commits nothing, and the cart can be charged once fixed.
        let third = CartId::parse("cart-000000003").unwrap();
        assert!(duka.charge(&third, &sale(vec![line(&sugar, 99)])).is_err());
        assert_eq!(duka.charge(&third, &request).unwrap().sale.trader_no, "INV-000003");
    }

    #[tokio::test]
    async fn an_unknown_item_is_placed_on_its_line() {
        let (duka, _dir) = shop().await;
        let sugar = duka.register_item(&new_item("Sugar 1kg", 18_500)).unwrap().code;
        duka.record_opening_stock(&[StockLineRequest { item: sugar.clone(), qty: Qty::whole(10) }]).unwrap();
        let e = duka.make_sale(&sale(vec![line(&sugar, 1), line("404", 1)])).unwrap_err();
        assert_eq!((e.code(), e.field().as_deref()), (crate::ErrorCode::NotFound, Some("lines.2.item")));
        assert!(e.sentence().starts_with("Item 404 was not found"), "{e}");
        duka.make_sale(&sale(vec![line(&sugar, 1)])).unwrap();
        let credit = CreditNoteRequest {
            invoice: "1".into(),
            reason: CreditNoteReason::Refund,
            lines: vec![("404".into(), Qty::whole(1))],
        };
        assert_eq!(duka.issue_credit_note(&credit).unwrap_err().field().as_deref(), Some("lines.1.item"));
    }
}
