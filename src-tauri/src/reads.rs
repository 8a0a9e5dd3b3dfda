//! Read-only views the screens need that `app` does not offer yet: the till's running totals, a
//! sale with its lines and credit notes, the choices for the selects, classification search.
//! Everything here only reads the store (through `Duka::store`) and lets `domain` do the sums;
//! nothing is written. Each function belongs in `app` and should move there (see the report).

use domain::{
    CreditNoteReason, Item, ItemCode, ItemType, PaymentType, SaleDraft, SaleLineDraft, StockMoveType, TaxBand,
};
use serde::Serialize;
use store::{Connection, LoadedCatalogue};

use crate::dto::{Choices, Quote, QuoteBand, QuoteLine};
use crate::error::{Result, UiError};

fn store_error(e: store::Error) -> UiError {
    UiError::from(app::Error::from(e))
}

/// The item a code or barcode names (the same rule as `app`'s sale lines).
fn resolve(conn: &Connection, reference: &str) -> store::Result<Option<Item>> {
    let reference = reference.trim();
    if let Ok(code) = ItemCode::parse(reference)
        && let Some(item) = store::items::item(conn, &code)?
    {
        return Ok(Some(item));
    }
    store::items::item_by_barcode(conn, reference)
}

/// The item a scanned barcode (or typed code) names, for the till.
pub fn scan(duka: &app::Duka, text: &str) -> Result<app::views::ItemView> {
    let found = duka.store().read(|c| resolve(c, text)).map_err(store_error)?;
    match found {
        Some(item) if item.active => Ok(duka.item(&item.code.to_string())?),
        Some(item) => Err(UiError {
            code: "refused",
            message: format!("{} is marked as no longer sold: make it active again under Items to sell it", item.name),
        }),
        None => Err(UiError {
            code: "not_found",
            message: format!(
                "No item has the barcode or code \"{}\": check the number, or add the item under Items (F3)",
                text.trim()
            ),
        }),
    }
}

/// What the cart comes to, line by line and per tax band, exactly as `make_sale` will finalise it.
pub fn quote(duka: &app::Duka, request: &app::SaleRequest) -> Result<Quote> {
    let policy = duka.options().stock_policy;
    duka.store()
        .read(|c| {
            let mut lines = Vec::with_capacity(request.lines.len());
            for l in &request.lines {
                let Some(item) = resolve(c, &l.item)? else {
                    return Ok(Err(UiError {
                        code: "not_found",
                        message: format!("The cart holds an item that no longer exists ({}): remove that line", l.item),
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
            Ok(draft.finalise(&catalogue, &rates, policy).map_err(|v| UiError::from(app::Error::Refused(v))))
        })
        .map_err(store_error)?
        .map(|invoice| Quote {
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

#[derive(Debug, Serialize)]
pub struct SaleDetail {
    pub sale_id: i64,
    pub trader_no: String,
    pub committed_at: String,
    pub total: String,
    pub training: bool,
    pub kra: app::views::KraState,
    pub lines: Vec<SaleDetailLine>,
    pub credit_notes: Vec<CreditNoteSummary>,
}

#[derive(Debug, Serialize)]
pub struct SaleDetailLine {
    pub seq: u16,
    pub item_code: String,
    pub name: String,
    pub qty: String,
    pub total: String,
    pub credited: String,
}

#[derive(Debug, Serialize)]
pub struct CreditNoteSummary {
    pub trader_no: String,
    pub total: String,
    pub reason: String,
    pub kra: app::views::KraState,
}

/// A stored sale with its lines, what was credited of each, and its credit notes.
pub fn sale_detail(duka: &app::Duka, sale_id: i64) -> Result<SaleDetail> {
    let status = duka.sales(100_000)?.into_iter().find(|s| s.sale_id == sale_id).map(|s| s.kra).ok_or_else(|| {
        UiError { code: "not_found", message: format!("Sale {sale_id} was not found: reopen the sales list") }
    })?;
    duka.store()
        .read(|c| {
            let sale = store::sales::load_sale(c, sale_id)?;
            let credited = store::sales::credited_quantities(c, sale_id)?;
            let mut notes = Vec::new();
            for id in store::credit_notes::credit_notes_for_sale(c, sale_id)? {
                let note = store::credit_notes::load_credit_note(c, id)?;
                let signed = store::credit_notes::credit_note_signature(c, id)?;
                notes.push(CreditNoteSummary {
                    trader_no: note.trader_no,
                    total: note.credit_note.totals.total.plain(),
                    reason: note.credit_note.reason.label().to_owned(),
                    kra: app::views::KraState {
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
                kra: status,
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
        })
        .map_err(store_error)
}

fn pairs<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter().map(|&t| (code(t).to_owned(), format!("{} · {}", code(t), label(t)))).collect()
}

fn code_list(conn: &Connection, class: &str) -> store::Result<Vec<(String, String)>> {
    Ok(store::reference::codes(conn, class)?
        .into_iter()
        .filter(|c| c.in_use)
        .map(|c| {
            let label = format!("{} · {}", c.code, c.name);
            (c.code, label)
        })
        .collect())
}

/// The choices for every select: KRA's code lists (units, countries, tax bands with their rates)
/// and domain's fixed codes. Codes are never typed freely.
pub fn choices(duka: &app::Duka) -> Result<Choices> {
    let (qty_units, pkg_units, countries, rates) = duka
        .store()
        .read(|c| {
            Ok((
                code_list(c, store::reference::CLASS_QUANTITY_UNIT)?
                    .into_iter()
                    .filter(|(code, _)| code.len() == 2)
                    .collect(),
                code_list(c, store::reference::CLASS_PACKAGING_UNIT)?
                    .into_iter()
                    .filter(|(code, _)| code.len() == 2)
                    .collect(),
                code_list(c, store::reference::CLASS_COUNTRY)?,
                store::reference::tax_rates(c).ok(),
            ))
        })
        .map_err(store_error)?;
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

#[derive(Debug, Serialize)]
pub struct ClassView {
    pub code: String,
    pub name: String,
    pub tax_band: Option<String>,
}

/// KRA item classifications whose name matches the text.
pub fn search_classes(duka: &app::Duka, text: &str) -> Result<Vec<ClassView>> {
    let found = duka.store().read(|c| store::reference::find_item_classes(c, text, 30)).map_err(store_error)?;
    Ok(found
        .into_iter()
        .filter(|c| c.in_use)
        .map(|c| ClassView { code: c.code, name: c.name, tax_band: c.tax_band })
        .collect())
}

/// The shop details printed on receipts.
pub fn shop_details(duka: &app::Duka) -> Result<Option<store::ShopDetails>> {
    duka.store().read(store::settings::shop_details).map_err(store_error)
}

/// Below this many units on hand an item is marked for reordering.
pub const LOW_STOCK_BELOW: domain::Qty = domain::Qty::whole(5);

#[derive(Debug, Serialize)]
pub struct StockView {
    pub code: String,
    pub name: String,
    pub on_hand: String,
    pub unit: String,
    pub low: bool,
}

/// On hand per goods item with its unit, low stock marked.
pub fn stock(duka: &app::Duka) -> Result<Vec<StockView>> {
    duka.store()
        .read(|c| {
            let mut out = Vec::new();
            for item in store::items::all_items(c)?.into_iter().filter(|i| i.item_type.carries_stock() && i.active) {
                let on_hand = store::stock::on_hand(c, &item.code)?;
                out.push(StockView {
                    code: item.code.to_string(),
                    name: item.name,
                    on_hand: on_hand.plain(),
                    unit: item.qty_unit,
                    low: on_hand < LOW_STOCK_BELOW,
                });
            }
            Ok(out)
        })
        .map_err(store_error)
}

#[derive(Debug, Serialize)]
pub struct ItemRow {
    #[serde(flatten)]
    pub item: app::views::ItemView,
    /// "registered" once KRA accepted the item (and its last change), else "waiting".
    pub kra_state: &'static str,
}

/// Items (optionally matching a search) with their registration state at KRA.
pub fn items(duka: &app::Duka, search: Option<&str>) -> Result<Vec<ItemRow>> {
    let items = duka.items(search)?;
    duka.store()
        .read(|c| {
            items
                .into_iter()
                .map(|item| {
                    let waiting = match ItemCode::parse(&item.code) {
                        Ok(code) => store::outbox::open_item_registration(c, &code)?.is_some(),
                        Err(_) => true,
                    };
                    Ok(ItemRow { item, kra_state: if waiting { "waiting" } else { "registered" } })
                })
                .collect()
        })
        .map_err(store_error)
}
