//! Read-only use cases for the screens: the till's running totals, an item found by scan, a sale
//! with its lines and credit notes, the choices for the selects, classification search, items
//! with their registration state, stock levels with low-stock marking, and an item's stock
//! movement history. Nothing here writes; `domain` does every sum.

use domain::{
    CreditNoteReason, Item, ItemCode, ItemType, PaymentType, Qty, SaleDraft, SaleLineDraft, StockMoveType, TaxBand,
};
use serde::Serialize;
use store::{LoadedCatalogue, Reader};

use crate::{
    Duka, Error, Result, SaleRequest,
    views::{ItemView, KraState},
};

/// Below this many units on hand an item without its own reorder level is marked for reordering.
pub const DEFAULT_REORDER_LEVEL: Qty = Qty::whole(5);

/// The till's running totals, computed by `domain` exactly as the sale will be.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Quote {
    pub lines: Vec<QuoteLine>,
    pub bands: Vec<QuoteBand>,
    pub taxable: String,
    pub tax: String,
    pub total: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct QuoteLine {
    pub tax_band: String,
    pub amount: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct QuoteBand {
    pub band: String,
    pub label: String,
    pub taxable: String,
    pub tax: String,
}

/// A stored sale with its lines, what was credited of each, and its credit notes.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SaleDetail {
    pub sale_id: i64,
    pub trader_no: String,
    pub committed_at: String,
    pub total: String,
    pub training: bool,
    pub kra: KraState,
    pub lines: Vec<SaleDetailLine>,
    pub credit_notes: Vec<CreditNoteSummary>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SaleDetailLine {
    pub seq: u16,
    pub item_code: String,
    pub name: String,
    pub qty: String,
    pub total: String,
    pub credited: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CreditNoteSummary {
    pub trader_no: String,
    pub total: String,
    pub reason: String,
    pub kra: KraState,
}

/// Choices for the selects: `(code, label)` pairs from KRA's code lists and domain's codes.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Choices {
    pub payment_types: Vec<(String, String)>,
    pub credit_reasons: Vec<(String, String)>,
    pub adjustment_reasons: Vec<(String, String)>,
    pub item_types: Vec<(String, String)>,
    pub tax_bands: Vec<(String, String)>,
    pub qty_units: Vec<(String, String)>,
    pub pkg_units: Vec<(String, String)>,
    pub countries: Vec<(String, String)>,
}

/// A KRA item classification.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ClassView {
    pub code: String,
    pub name: String,
    pub tax_band: Option<String>,
}

/// On hand of one goods item, marked when it is low.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StockView {
    pub code: String,
    pub name: String,
    pub on_hand: String,
    pub unit: String,
    /// Below this the item is low: its own level, else the shop's default.
    pub reorder_level: String,
    /// True when the level is the item's own (not the default).
    pub own_reorder_level: bool,
    pub low: bool,
}

/// An item with its registration state at KRA.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ItemRow {
    #[serde(flatten)]
    pub item: ItemView,
    /// "registered" once KRA accepted the item (and its last change), else "waiting".
    pub kra_state: &'static str,
}

/// One movement in an item's stock history.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StockMovementView {
    /// When, as recorded ("2026-11-21 10:00:00").
    pub occurred_at: String,
    /// KRA's stock movement type (class 12) code and its words.
    pub move_type: String,
    pub move_type_label: String,
    /// Quantity in (positive) or out (negative), e.g. "-2.00".
    pub qty_in: Option<String>,
    pub qty_out: Option<String>,
    pub balance_after: String,
    /// The document that moved the stock: the sale, credit note or purchase number when there is
    /// one, else the stock document's own number.
    pub reference: String,
    pub remark: Option<String>,
}

/// The item a code or barcode names, if any (the same rule as a sale line).
fn find(conn: &Reader<'_>, reference: &str) -> store::Result<Option<Item>> {
    let reference = reference.trim();
    if let Ok(code) = ItemCode::parse(reference)
        && let Some(item) = store::items::item(conn, &code)?
    {
        return Ok(Some(item));
    }
    store::items::item_by_barcode(conn, reference)
}

fn pairs<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter().map(|&t| (code(t).to_owned(), format!("{} · {}", code(t), label(t)))).collect()
}

fn code_list(conn: &Reader<'_>, class: &str) -> store::Result<Vec<(String, String)>> {
    Ok(store::reference::codes(conn, class)?
        .into_iter()
        .filter(|c| c.in_use)
        .map(|c| {
            let label = format!("{} · {}", c.code, c.name);
            (c.code, label)
        })
        .collect())
}

impl Duka {
    /// The item a scanned barcode (or typed code) names, for the till; refuses an item no longer sold.
    pub fn scan_item(&self, text: &str) -> Result<ItemView> {
        match self.store().read(|c| find(c, text))? {
            Some(item) if item.active => self.item(item.code.as_str()),
            Some(item) => Err(Error::invalid(
                "item",
                format!("{} is marked as no longer sold: make it active again under Items to sell it", item.name),
            )),
            None => Err(Error::NotFound {
                what: "An item with the barcode or code",
                id: format!("\"{}\"", text.trim()),
                hint: "check the number, or add the item under Items (F3)",
            }),
        }
    }

    /// What the cart comes to, line by line and per tax band, exactly as `make_sale` will finalise it.
    pub fn quote_sale(&self, request: &SaleRequest) -> Result<Quote> {
        let policy = self.stock_policy()?;
        let invoice = self.store().read(|c| {
            let mut lines = Vec::with_capacity(request.lines.len());
            for l in &request.lines {
                let Some(item) = find(c, &l.item)? else {
                    return Ok(Err(Error::NotFound {
                        what: "The cart's item",
                        id: l.item.clone(),
                        hint: "it no longer exists, so remove that line from the cart",
                    }));
                };
                lines.push(SaleLineDraft { item: item.code, qty: l.qty, unit_price: l.price, discount: l.discount });
            }
            let draft = SaleDraft {
                lines,
                buyer_pin: request.buyer_pin.clone(),
                buyer_name: request.buyer_name.clone(),
                payment: request.payment,
            };
            let rates = store::reference::tax_rates(c)?;
            let catalogue = LoadedCatalogue::for_sale(c, &draft)?;
            Ok(draft.finalise(&catalogue, &rates, policy).map_err(Error::Refused))
        })??;
        Ok(Quote {
            lines: invoice
                .lines
                .iter()
                .map(|l| QuoteLine { tax_band: l.band.to_string(), amount: l.amounts.total.plain() })
                .collect(),
            bands: TaxBand::ALL
                .iter()
                .map(|band| {
                    let t = &invoice.totals.bands[band.index()];
                    QuoteBand {
                        band: band.to_string(),
                        label: t.rate.to_string(),
                        taxable: t.taxable.plain(),
                        tax: t.tax.plain(),
                    }
                })
                .collect(),
            taxable: invoice.totals.taxable.plain(),
            tax: invoice.totals.tax.plain(),
            total: invoice.totals.total.plain(),
        })
    }

    /// A stored sale with its lines, what was credited of each, and its credit notes.
    pub fn sale_detail(&self, sale_id: i64) -> Result<SaleDetail> {
        let not_found = || Error::NotFound {
            what: "Sale",
            id: sale_id.to_string(),
            hint: "reopen the sales list and choose it again",
        };
        let sale = self.store().read(|c| store::sales::load_sale(c, sale_id)).map_err(|e| match e {
            store::Error::DocumentNotFound { .. } => not_found(),
            e => Error::from(e),
        })?;
        Ok(self.store().read(|c| {
            let status = store::sales::sale_status(c, sale_id)?;
            let credited = store::sales::credited_quantities(c, sale_id)?;
            let mut notes = Vec::new();
            for id in store::credit_notes::credit_notes_for_sale(c, sale_id)? {
                let note = store::credit_notes::load_credit_note(c, id)?;
                let signed = store::credit_notes::credit_note_signature(c, id)?;
                notes.push(CreditNoteSummary {
                    trader_no: note.trader_no,
                    total: note.credit_note.totals.total.plain(),
                    reason: note.credit_note.reason.label().to_owned(),
                    kra: KraState {
                        state: if signed.is_some() { "signed" } else { "pending" },
                        kra_invoice_no: signed.map(|s| s.invoice_no),
                        message: None,
                    },
                });
            }
            Ok(SaleDetail {
                sale_id,
                trader_no: sale.trader_no,
                committed_at: sale.committed_at.to_string(),
                total: sale.invoice.totals.total.plain(),
                training: sale.training,
                kra: KraState::from(status),
                lines: sale
                    .invoice
                    .lines
                    .iter()
                    .map(|l| SaleDetailLine {
                        seq: l.seq,
                        item_code: l.item_code.to_string(),
                        name: l.name.clone(),
                        qty: l.qty.plain(),
                        total: l.amounts.total.plain(),
                        credited: credited.get(&l.seq).copied().unwrap_or_default().plain(),
                    })
                    .collect(),
                credit_notes: notes,
            })
        })?)
    }

    /// The choices for every select: KRA's code lists (units, countries, tax bands with their
    /// rates) and domain's fixed codes. Codes are never typed freely.
    pub fn code_choices(&self) -> Result<Choices> {
        let two_letters = |list: Vec<(String, String)>| list.into_iter().filter(|(code, _)| code.len() == 2).collect();
        let (qty_units, pkg_units, countries, rates) = self.store().read(|c| {
            Ok((
                two_letters(code_list(c, store::reference::CLASS_QUANTITY_UNIT)?),
                two_letters(code_list(c, store::reference::CLASS_PACKAGING_UNIT)?),
                code_list(c, store::reference::CLASS_COUNTRY)?,
                store::reference::tax_rates(c).ok(),
            ))
        })?;
        let tax_bands = TaxBand::ALL
            .iter()
            .map(|b| {
                let rate = rates.as_ref().map(|r| format!(" · {}", r.rate(*b))).unwrap_or_default();
                (b.to_string(), format!("{b}{rate}"))
            })
            .collect();
        Ok(Choices {
            payment_types: pairs(PaymentType::ALL, PaymentType::code, PaymentType::label),
            credit_reasons: pairs(CreditNoteReason::ALL, CreditNoteReason::code, CreditNoteReason::label),
            adjustment_reasons: pairs(
                &[StockMoveType::AdjustmentIn, StockMoveType::AdjustmentOut, StockMoveType::Discarding],
                StockMoveType::code,
                StockMoveType::label,
            ),
            item_types: pairs(ItemType::ALL, ItemType::code, ItemType::label),
            tax_bands,
            qty_units,
            pkg_units,
            countries,
        })
    }

    /// KRA item classifications in use whose name matches the text (at most 30).
    pub fn search_classifications(&self, text: &str) -> Result<Vec<ClassView>> {
        let found = self.store().read(|c| store::reference::find_item_classes(c, text, 30))?;
        Ok(found
            .into_iter()
            .filter(|c| c.in_use)
            .map(|c| ClassView { code: c.code, name: c.name, tax_band: c.tax_band })
            .collect())
    }

    /// The shop details printed on receipts, once saved.
    pub fn shop_details(&self) -> Result<Option<store::ShopDetails>> {
        Ok(self.store().read(store::settings::shop_details)?)
    }

    /// On hand per active goods item with its unit, marked low when below its reorder level.
    pub fn stock_overview(&self) -> Result<Vec<StockView>> {
        Ok(self.store().read(|c| {
            let levels = store::queries::reorder_levels(c)?;
            let mut out = Vec::new();
            for item in store::items::all_items(c)?.into_iter().filter(|i| i.item_type.carries_stock() && i.active) {
                let on_hand = store::stock::on_hand(c, &item.code)?;
                let own = levels.get(item.code.as_str()).copied();
                let level = own.unwrap_or(DEFAULT_REORDER_LEVEL);
                out.push(StockView {
                    code: item.code.to_string(),
                    name: item.name,
                    on_hand: on_hand.plain(),
                    unit: item.qty_unit,
                    reorder_level: level.plain(),
                    own_reorder_level: own.is_some(),
                    low: on_hand < level,
                });
            }
            Ok(out)
        })?)
    }

    /// Sets the level below which a goods item (code or barcode) is marked low, or with `None`
    /// returns it to the shop's default. Recorded in the audit log.
    pub fn set_reorder_level(&self, item: &str, level: Option<Qty>) -> Result<()> {
        if level.is_some_and(|l| l < Qty::ZERO) {
            return Err(Error::invalid("reorder level", "give zero or more, e.g. 10 (leave it empty for the default)"));
        }
        let user = self.authorize(&[domain::Action::ItemChanges])?.user;
        let now = self.now();
        self.store().write(|tx| -> Result<()> {
            let item = crate::items::resolve(tx, item)?;
            if !item.item_type.carries_stock() {
                return Err(Error::invalid(
                    "reorder level",
                    format!("{} is a service and keeps no stock, so it has no reorder level", item.name),
                ));
            }
            store::queries::set_reorder_level(tx, &item.code, level)?;
            let detail = match level {
                Some(l) => format!("{} below {}", item.code, l.plain()),
                None => format!("{} back to the default {}", item.code, DEFAULT_REORDER_LEVEL.plain()),
            };
            store::audit::append(tx, now, &user, "set reorder level", None, Some(&detail))?;
            Ok(())
        })
    }

    /// Items (optionally matching a search) with their registration state at KRA.
    pub fn item_rows(&self, search: Option<&str>) -> Result<Vec<ItemRow>> {
        let items = self.items(search)?;
        Ok(self.store().read(|c| {
            items
                .into_iter()
                .map(|item| {
                    let waiting = match ItemCode::parse(&item.code) {
                        Ok(code) => store::outbox::open_item_registration(c, &code)?.is_some(),
                        Err(_) => true,
                    };
                    Ok(ItemRow { item, kra_state: if waiting { "waiting" } else { "registered" } })
                })
                .collect::<store::Result<Vec<_>>>()
        })?)
    }

    /// The receipt of a stored document drawn as an SVG image of the printout for `paper` (the
    /// same layout the PDF and ESC/POS come from, QR code included once KRA signed it).
    pub fn receipt_svg(&self, document: &crate::DocumentNo, paper: crate::Paper, copy: bool) -> Result<String> {
        Ok(receipt::render_svg(&self.receipt_model(document, copy)?, paper)?)
    }

    /// The latest `limit` stock movements of an item (code or barcode), newest first, each with
    /// its type in words, the quantity in or out, the balance after it and its document.
    pub fn stock_movements(&self, item: &str, limit: usize) -> Result<Vec<StockMovementView>> {
        let item = self.store().read(|c| Ok(crate::items::resolve(c, item)))??;
        let rows = self.store().read(|c| store::queries::stock_movements(c, &item.code, limit))?;
        rows.into_iter()
            .map(|m| {
                let positive = m.signed_qty.is_positive();
                let size = if positive { m.signed_qty } else { m.signed_qty.checked_neg()? };
                Ok(StockMovementView {
                    occurred_at: m.occurred_at.to_string(),
                    move_type: m.kind.code().to_owned(),
                    move_type_label: m.kind.label().to_owned(),
                    qty_in: positive.then(|| size.plain()),
                    qty_out: (!positive).then(|| size.plain()),
                    balance_after: m.balance_after.plain(),
                    reference: m.source_document.unwrap_or(m.stock_document),
                    remark: m.remark,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        CreditNoteRequest, ItemChange, StockLineRequest,
        testing::{line, new_item, sale, shop},
    };

    #[tokio::test]
    async fn the_quote_is_what_the_sale_will_be_and_scans_find_active_items_only() {
        let (duka, _dir) = shop().await;
        let sugar = duka
            .register_item(&crate::NewItem { barcode: Some("6161100000011".into()), ..new_item("Sugar 1kg", 18_500) })
            .unwrap()
            .code;
        let bread = duka.register_item(&crate::NewItem { tax_band: TaxBand::A, ..new_item("Bread", 6_000) }).unwrap();
        duka.record_opening_stock(&[StockLineRequest { item: sugar.clone(), qty: Qty::whole(10) }]).unwrap();
        duka.record_opening_stock(&[StockLineRequest { item: bread.code.clone(), qty: Qty::whole(10) }]).unwrap();

        let request = sale(vec![line("6161100000011", 3), line(&bread.code, 2)]);
        let quote = duka.quote_sale(&request).unwrap();
        assert_eq!((quote.total.as_str(), quote.tax.as_str()), ("675.00", "76.55"));
        assert_eq!(quote.lines.iter().map(|l| l.tax_band.as_str()).collect::<Vec<_>>(), ["B", "A"]);
        let band_b = quote.bands.iter().find(|b| b.band == "B").unwrap();
        assert_eq!((band_b.taxable.as_str(), band_b.tax.as_str()), ("478.45", "76.55"));
        let made = duka.make_sale(&request).unwrap();
        assert_eq!((made.totals.total.as_str(), made.totals.tax.as_str()), ("675.00", "76.55"));
        assert_eq!(duka.sales(10).unwrap().len(), 1, "quoting commits nothing");

        let e = duka.quote_sale(&sale(vec![line("KE2NTNO0009999", 1)])).unwrap_err();
        assert_eq!(e.code(), "not_found", "{e}");
        let e = duka.quote_sale(&sale(vec![line(&sugar, 50)])).unwrap_err();
        assert!(e.to_string().contains("in stock"), "{e}");

        assert_eq!(duka.scan_item(" 6161100000011 ").unwrap().code, sugar);
        let e = duka.scan_item("123").unwrap_err();
        assert_eq!(e.code(), "not_found");
        assert!(e.to_string().contains("add the item under Items"), "{e}");
        duka.update_item(&bread.code, &ItemChange { active: Some(false), ..ItemChange::default() }).unwrap();
        let e = duka.scan_item(&bread.code).unwrap_err();
        assert!(e.to_string().contains("Bread is marked as no longer sold"), "{e}");
    }

    #[tokio::test]
    async fn sale_detail_shows_lines_credited_quantities_and_credit_notes() {
        let (duka, _dir) = shop().await;
        let sugar = duka.register_item(&new_item("Sugar 1kg", 18_500)).unwrap().code;
        duka.record_opening_stock(&[StockLineRequest { item: sugar.clone(), qty: Qty::whole(10) }]).unwrap();
        let made = duka.make_sale(&sale(vec![line(&sugar, 4)])).unwrap();
        duka.issue_credit_note(&CreditNoteRequest {
            invoice: made.trader_no.clone(),
            reason: domain::CreditNoteReason::Refund,
            lines: vec![(sugar.clone(), Qty::whole(1))],
        })
        .unwrap();

        let detail = duka.sale_detail(made.sale_id).unwrap();
        assert_eq!(
            (detail.trader_no.as_str(), detail.total.as_str(), detail.kra.state),
            ("INV-000001", "740.00", "pending")
        );
        assert_eq!(detail.lines.len(), 1);
        assert_eq!((detail.lines[0].qty.as_str(), detail.lines[0].credited.as_str()), ("4.00", "1.00"));
        assert_eq!(detail.credit_notes.len(), 1);
        assert_eq!(
            (detail.credit_notes[0].trader_no.as_str(), detail.credit_notes[0].total.as_str()),
            ("CN-000001", "185.00")
        );

        let e = duka.sale_detail(99).unwrap_err();
        assert_eq!(e.code(), "not_found");
        assert!(e.to_string().contains("Sale 99 was not found"), "{e}");
    }

    #[tokio::test]
    async fn choices_come_from_the_code_lists_and_items_show_their_registration() {
        let (duka, _dir) = shop().await;
        let choices = duka.code_choices().unwrap();
        assert!(choices.tax_bands.contains(&("B".to_owned(), "B · 16%".to_owned())), "{:?}", choices.tax_bands);
        assert_eq!(choices.qty_units.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(), ["KG", "NO"]);
        assert_eq!(choices.countries.len(), 2);
        assert_eq!(choices.adjustment_reasons.len(), 3);

        duka.register_item(&new_item("Sugar 1kg", 18_500)).unwrap();
        let rows = duka.item_rows(Some("sugar")).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].kra_state, "waiting", "no KRA link: the registration is still queued");
        assert!(duka.shop_details().unwrap().is_none());
        assert!(duka.search_classifications("anything").unwrap().is_empty(), "no classifications stored");
    }

    #[tokio::test]
    async fn stock_history_lists_each_movement_with_its_balance_and_document() {
        let (duka, _dir) = shop().await;
        let sugar = duka.register_item(&new_item("Sugar 1kg", 18_500)).unwrap().code;
        let tea = duka.register_item(&new_item("Tea", 15_000)).unwrap().code;
        let opening =
            duka.record_opening_stock(&[StockLineRequest { item: sugar.clone(), qty: Qty::whole(10) }]).unwrap();
        duka.record_opening_stock(&[StockLineRequest { item: tea.clone(), qty: Qty::whole(3) }]).unwrap();
        let made = duka.make_sale(&sale(vec![line(&sugar, 3), line(&tea, 1)])).unwrap();
        duka.adjust_stock(
            StockMoveType::Discarding,
            &[StockLineRequest { item: sugar.clone(), qty: Qty::whole(2) }],
            Some("wet"),
        )
        .unwrap();

        let history = duka.stock_movements(&sugar, 10).unwrap();
        let rows: Vec<_> = history
            .iter()
            .map(|m| (m.move_type.as_str(), m.qty_in.as_deref(), m.qty_out.as_deref(), m.balance_after.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("15", None, Some("2.00"), "5.00"),
                ("11", None, Some("3.00"), "7.00"),
                ("06", Some("10.00"), None, "10.00")
            ]
        );
        assert_eq!(history[1].reference, made.trader_no, "a sale's movement names the sale");
        assert_eq!(history[2].reference, opening.trader_no, "an adjustment names its stock document");
        assert_eq!(history[0].remark.as_deref(), Some("wet"));
        assert_eq!(history[0].move_type_label, StockMoveType::Discarding.label());
        assert_eq!(duka.stock_movements(&sugar, 1).unwrap().len(), 1, "the limit keeps the newest");

        let overview = duka.stock_overview().unwrap();
        let low: Vec<_> = overview.iter().map(|s| (s.name.as_str(), s.on_hand.as_str(), s.low)).collect();
        assert_eq!(low, [("Sugar 1kg", "5.00", false), ("Tea", "2.00", true)]);
        assert_eq!(duka.stock_movements("nothing", 5).unwrap_err().code(), "not_found");

        // Sugar's own reorder level marks it low at 5; back to the default it is fine again.
        duka.set_reorder_level(&sugar, Some(Qty::whole(6))).unwrap();
        let sugar_row = |d: &Duka| d.stock_overview().unwrap().into_iter().find(|s| s.code == sugar).unwrap();
        let row = sugar_row(&duka);
        assert_eq!((row.reorder_level.as_str(), row.own_reorder_level, row.low), ("6.00", true, true));
        duka.set_reorder_level(&sugar, Some(Qty::whole(5))).unwrap();
        assert!(!sugar_row(&duka).low, "5 on hand is not below 5");
        duka.set_reorder_level(&sugar, None).unwrap();
        let row = sugar_row(&duka);
        assert_eq!((row.reorder_level.as_str(), row.own_reorder_level), ("5.00", false));
        let e = duka.set_reorder_level(&sugar, Some(Qty::ZERO.checked_sub(Qty::whole(1)).unwrap())).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        let delivery = duka
            .register_item(&crate::NewItem { item_type: ItemType::Service, ..new_item("Delivery", 10_000) })
            .unwrap()
            .code;
        let e = duka.set_reorder_level(&delivery, Some(Qty::whole(1))).unwrap_err();
        assert!(e.to_string().contains("is a service"), "{e}");
        assert_eq!(duka.set_reorder_level("nothing", None).unwrap_err().code(), "not_found");
    }
}
