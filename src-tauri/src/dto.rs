//! What crosses the IPC edge: the inputs the UI sends, parsed here into `app`'s requests; each
//! error names the field that caused it (`UiError::field`, e.g. `lines.2.qty`).
//! Amounts and quantities travel as exact decimal strings, never as floating-point numbers.

use domain::{CreditNoteReason, Discount, ItemType, Money, PaymentType, Qty, StockMoveType, TaxBand};
use serde::{Deserialize, Serialize};

use crate::error::{Result, UiError};

fn money(label: &str, field: impl Into<String>, text: &str) -> Result<Money> {
    Money::parse(text.trim()).map_err(|e| UiError::invalid(label, field, e))
}

fn quantity(label: &str, field: impl Into<String>, text: &str) -> Result<Qty> {
    Qty::parse(text.trim()).map_err(|e| UiError::invalid(label, field, e))
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

fn code<T: std::str::FromStr<Err = domain::Error>>(label: &str, field: impl Into<String>, text: &str) -> Result<T> {
    text.trim().parse().map_err(|e| UiError::invalid(label, field, e))
}

/// The field of the `n`th line of a request (from 1, as messages number lines).
fn line(n: usize, key: &str) -> String {
    app::fields::line(n, key)
}

#[derive(Debug, Deserialize)]
pub struct TextQuery {
    pub text: String,
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize)]
pub struct CartLine {
    /// Item code or barcode.
    pub item: String,
    pub qty: String,
    /// Another tax-inclusive unit price than the item's.
    pub price: Option<String>,
    /// An amount ("50") or a percentage ("10%").
    pub discount: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Cart {
    /// The cart's id, made by the window when the cart starts (Charge needs it: a cart is
    /// charged once); quotes do without.
    #[serde(default)]
    pub cart_id: Option<String>,
    pub lines: Vec<CartLine>,
    pub buyer_pin: Option<String>,
    pub buyer_name: Option<String>,
    /// Payment type code, "01" (cash) to "07".
    pub payment: String,
}

impl Cart {
    /// The cart to charge: its id and the sale.
    pub fn into_charge(mut self) -> Result<(app::CartId, app::SaleRequest)> {
        let cart = app::CartId::parse(self.cart_id.take().as_deref().unwrap_or_default())?;
        Ok((cart, self.into_request()?))
    }

    pub fn into_request(self) -> Result<app::SaleRequest> {
        let mut lines = Vec::with_capacity(self.lines.len());
        for (n, l) in self.lines.into_iter().enumerate() {
            let line = n + 1;
            let discount = match non_empty(l.discount) {
                None => Discount::None,
                Some(d) if d.ends_with('%') => {
                    let pct = Qty::parse(d.trim_end_matches('%').trim()).map_err(|e| {
                        UiError::invalid(&format!("Discount on line {line}"), self::line(line, "discount"), e)
                    })?;
                    Discount::Percent(pct.hundredths())
                }
                Some(d) => {
                    Discount::Amount(money(&format!("Discount on line {line}"), self::line(line, "discount"), &d)?)
                }
            };
            lines.push(app::SaleLineRequest {
                item: l.item,
                qty: quantity(&format!("Quantity on line {line}"), self::line(line, "qty"), &l.qty)?,
                price: non_empty(l.price)
                    .map(|p| money(&format!("Price on line {line}"), self::line(line, "price"), &p))
                    .transpose()?,
                discount,
            });
        }
        Ok(app::SaleRequest {
            lines,
            buyer_pin: non_empty(self.buyer_pin).map(|p| p.to_ascii_uppercase()),
            buyer_name: non_empty(self.buyer_name),
            payment: code::<PaymentType>("Payment", "payment", &self.payment)?,
        })
    }
}

#[derive(Debug, Deserialize)]
pub struct PinQuery {
    pub pin: String,
}

#[derive(Debug, Deserialize)]
pub struct DocumentQuery {
    /// A printed number: "INV-000012", "TRN-000003", "CN-000002".
    pub document: String,
    #[serde(default)]
    pub copy: bool,
}

#[derive(Debug, Deserialize)]
pub struct SaleQuery {
    pub sale_id: i64,
}

#[derive(Debug, Deserialize)]
pub struct CreditLine {
    pub item: String,
    pub qty: String,
}

#[derive(Debug, Deserialize)]
pub struct CreditNoteForm {
    pub invoice: String,
    pub reason: String,
    pub lines: Vec<CreditLine>,
}

impl CreditNoteForm {
    pub fn into_request(self) -> Result<app::CreditNoteRequest> {
        if self.lines.is_empty() {
            return Err(UiError::invalid(
                "Credit note",
                "lines",
                "type the quantity to credit next to each returned item",
            ));
        }
        let lines = self
            .lines
            .into_iter()
            .enumerate()
            .map(|(n, l)| Ok((l.item, quantity("Quantity to credit", line(n + 1, "qty"), &l.qty)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(app::CreditNoteRequest {
            invoice: self.invoice,
            reason: code::<CreditNoteReason>("Reason", "reason", &self.reason)?,
            lines,
        })
    }
}

#[derive(Debug, Deserialize)]
pub struct ItemSearch {
    pub search: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ItemForm {
    /// Present when editing a registered item.
    pub code: Option<String>,
    pub name: String,
    pub barcode: Option<String>,
    pub class_code: String,
    pub item_type: String,
    pub origin: String,
    pub qty_unit: String,
    pub pkg_unit: String,
    pub tax_band: String,
    pub price: String,
}

pub enum ItemSave {
    New(app::NewItem),
    Change(String, app::ItemChange),
}

impl ItemForm {
    pub fn into_request(self) -> Result<ItemSave> {
        let price = money("Price", "price", &self.price)?;
        let band: TaxBand = code("Tax band", "tax_band", &self.tax_band)?;
        if self.class_code.trim().is_empty() {
            return Err(UiError::invalid(
                "KRA classification",
                "class_code",
                "search for the item's classification and choose one",
            ));
        }
        Ok(match non_empty(self.code) {
            Some(code) => ItemSave::Change(
                code,
                app::ItemChange {
                    name: Some(self.name),
                    class_code: Some(self.class_code),
                    tax_band: Some(band),
                    price: Some(price),
                    barcode: Some(non_empty(self.barcode)),
                    active: None,
                },
            ),
            None => ItemSave::New(app::NewItem {
                name: self.name,
                class_code: self.class_code,
                item_type: code::<ItemType>("Item type", "item_type", &self.item_type)?,
                origin: self.origin,
                pkg_unit: self.pkg_unit,
                qty_unit: self.qty_unit,
                tax_band: band,
                price,
                barcode: non_empty(self.barcode),
            }),
        })
    }
}

/// A purchase keyed by hand from a paper invoice.
#[derive(Debug, Deserialize)]
pub struct PurchaseForm {
    pub supplier_pin: Option<String>,
    pub supplier_name: Option<String>,
    pub invoice_no: Option<String>,
    /// "2026-11-21" (the date picker's format); today when empty.
    pub date: Option<String>,
    pub payment: String,
    pub lines: Vec<PurchaseFormLine>,
}

#[derive(Debug, Deserialize)]
pub struct PurchaseFormLine {
    /// Own item code.
    pub item: String,
    pub qty: String,
    /// Tax-inclusive cost of one unit.
    pub unit_cost: String,
    /// The band the supplier charged; the item's own band when empty.
    pub tax_band: Option<String>,
}

impl PurchaseForm {
    /// Each error names the field it belongs to ("Supplier PIN: ...", "Line 2 quantity: ..."), so
    /// the form shows it next to that field.
    pub fn into_request(self) -> Result<app::ManualPurchase> {
        let supplier_pin = non_empty(self.supplier_pin)
            .map(|p| {
                domain::KraPin::parse(&p).map(|p| p.as_str().to_owned()).map_err(|_| {
                    UiError::invalid(
                        "Supplier PIN",
                        "supplier_pin",
                        format!("\"{p}\" is not a KRA PIN: it is a letter, 9 digits and a letter, e.g. P051234567X"),
                    )
                })
            })
            .transpose()?;
        let supplier_invoice_no = non_empty(self.invoice_no)
            .map(|n| {
                n.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    UiError::invalid(
                        "Invoice number",
                        "invoice_no",
                        format!("\"{n}\" is not an invoice number: type the number printed on the supplier's invoice, digits only"),
                    )
                })
            })
            .transpose()?;
        let date = non_empty(self.date)
            .map(|d| {
                domain::Date::parse_kra(&d.replace('-', "")).map_err(|_| {
                    UiError::invalid(
                        "Invoice date",
                        "date",
                        format!("\"{d}\" is not a date: pick the date printed on the invoice"),
                    )
                })
            })
            .transpose()?;
        if self.lines.is_empty() {
            return Err(UiError::invalid("Lines", "lines", "add at least one item you bought (Add line)"));
        }
        let mut lines = Vec::with_capacity(self.lines.len());
        for (n, l) in self.lines.into_iter().enumerate() {
            let line = n + 1;
            if l.item.trim().is_empty() {
                return Err(UiError::invalid(
                    &format!("Line {line} item"),
                    self::line(line, "item"),
                    "choose which of your items this is",
                ));
            }
            lines.push(app::ManualPurchaseLine {
                item: l.item,
                qty: quantity(&format!("Line {line} quantity"), self::line(line, "qty"), &l.qty)?,
                unit_price: money(&format!("Line {line} unit cost"), self::line(line, "unit_cost"), &l.unit_cost)?,
                discount: domain::Money::ZERO,
                band: non_empty(l.tax_band)
                    .map(|b| code::<TaxBand>(&format!("Line {line} tax band"), self::line(line, "tax_band"), &b))
                    .transpose()?,
            });
        }
        Ok(app::ManualPurchase {
            supplier_pin,
            supplier_name: non_empty(self.supplier_name),
            supplier_invoice_no,
            date,
            payment: code::<PaymentType>("Payment", "payment", &self.payment)?,
            lines,
        })
    }
}

/// The Stock screen's reorder level: empty returns the item to the shop's default.
#[derive(Debug, Deserialize)]
pub struct ReorderLevelForm {
    pub item: String,
    pub level: Option<String>,
}

impl ReorderLevelForm {
    pub fn level(&self) -> Result<Option<Qty>> {
        non_empty(self.level.clone()).map(|text| quantity("Reorder below", "level", &text)).transpose()
    }
}

#[derive(Debug, Deserialize)]
pub struct StockAdjustment {
    pub item: String,
    /// Signed: "+5" brings stock in, "-2" takes it out.
    pub qty: String,
    /// Stock in/out type: 06 adjustment in, 16 adjustment out, 15 discarding, ...
    pub reason: String,
}

impl StockAdjustment {
    pub fn into_request(self) -> Result<(StockMoveType, app::StockLineRequest)> {
        let text = self.qty.trim();
        let (sign_out, magnitude) = match text.strip_prefix('-').or_else(|| text.strip_prefix('−')) {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let qty = quantity("Change", "qty", magnitude)?;
        let kind: StockMoveType = code("Reason", "reason", &self.reason)?;
        let kind_out = kind.code().starts_with('1');
        if sign_out != kind_out {
            return Err(UiError::invalid(
                "Change",
                "qty",
                format!(
                    "\"{}\" {} stock, so the change must be {} (e.g. {}2)",
                    kind.label(),
                    if kind_out { "takes out" } else { "brings in" },
                    if kind_out { "negative" } else { "positive" },
                    if kind_out { "-" } else { "+" },
                ),
            ));
        }
        Ok((kind, app::StockLineRequest { item: self.item, qty }))
    }
}

#[derive(Debug, Deserialize)]
pub struct Mapping {
    pub seq: u16,
    pub item: String,
}

#[derive(Debug, Deserialize)]
pub struct PurchaseDecision {
    pub id: i64,
    #[serde(default)]
    pub mappings: Vec<Mapping>,
}

impl PurchaseDecision {
    pub fn mappings(&self) -> Result<Vec<app::LineMapping>> {
        self.mappings
            .iter()
            .map(|m| {
                if m.item.trim().is_empty() {
                    Err(UiError::invalid(
                        &format!("Line {}", m.seq),
                        line(usize::from(m.seq), "item"),
                        "choose which of your items this supplier line is (add the item under Items first if it is new)",
                    ))
                } else {
                    Ok(app::LineMapping { seq: m.seq, item: m.item.clone() })
                }
            })
            .collect()
    }
}

#[derive(Debug, Deserialize)]
pub struct ImportDecision {
    pub id: i64,
    pub item: Option<String>,
}

impl ImportDecision {
    /// The shop's item the import is received as.
    pub fn item(&self) -> Result<String> {
        self.item.clone().filter(|i| !i.trim().is_empty()).ok_or_else(|| {
            UiError::invalid(
                "Your item",
                "item",
                "choose which of your items this import is (add it under Items first if it is new)",
            )
        })
    }
}

#[derive(Debug, Deserialize)]
pub struct IdQuery {
    pub id: i64,
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    pub notice_no: i64,
}

#[derive(Debug, Deserialize)]
pub struct CartDraft {
    /// The cart's id (see [`Cart::cart_id`]).
    pub cart_id: String,
    /// The cart as the UI keeps it (JSON text): a draft, not a fiscal record.
    pub cart: String,
}

#[derive(Debug, Deserialize)]
pub struct CsvImport {
    pub csv: String,
}

// ---------- what the shell answers itself ----------

/// The Items screen's import: how many items were added and how many skipped.
#[derive(Debug, Serialize)]
pub struct ImportCount {
    pub added: usize,
    pub skipped: usize,
}

impl From<app::exchange::ImportOutcome> for ImportCount {
    fn from(outcome: app::exchange::ImportOutcome) -> ImportCount {
        ImportCount { added: outcome.added, skipped: outcome.skipped }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purchase(pin: &str, invoice: &str, date: &str, qty: &str, cost: &str) -> Result<app::ManualPurchase> {
        PurchaseForm {
            supplier_pin: Some(pin.into()),
            supplier_name: Some(" Mama Soap ".into()),
            invoice_no: Some(invoice.into()),
            date: Some(date.into()),
            payment: "01".into(),
            lines: vec![PurchaseFormLine {
                item: "KE2NTU0000001".into(),
                qty: qty.into(),
                unit_cost: cost.into(),
                tax_band: Some("B".into()),
            }],
        }
        .into_request()
    }

    #[test]
    fn purchase_form_errors_name_their_field() {
        let ok = purchase("p051234567x", "4471", "2026-11-20", "6", "95.50").expect("valid");
        assert_eq!(ok.supplier_pin.as_deref(), Some("P051234567X"));
        assert_eq!((ok.supplier_name.as_deref(), ok.supplier_invoice_no), (Some("Mama Soap"), Some(4471)));
        assert_eq!(ok.date.map(|d| d.to_string()).as_deref(), Some("2026-11-20"));
        assert_eq!((ok.lines[0].qty, ok.lines[0].unit_price), (Qty::whole(6), Money::from_cents(9_550)));
        for (form, label, field) in [
            (purchase("123", "4471", "", "6", "95"), "Supplier PIN: ", "supplier_pin"),
            (purchase("", "INV-9", "", "6", "95"), "Invoice number: ", "invoice_no"),
            (purchase("", "", "2026-02-30", "6", "95"), "Invoice date: ", "date"),
            (purchase("", "", "", "six", "95"), "Line 1 quantity: ", "lines.1.qty"),
            (purchase("", "", "", "6", "9x"), "Line 1 unit cost: ", "lines.1.unit_cost"),
        ] {
            let e = form.expect_err(label);
            assert!(e.message.starts_with(label), "{}", e.message);
            assert_eq!(e.field.as_deref(), Some(field), "{}", e.message);
        }
        let empty = PurchaseForm {
            supplier_pin: None,
            supplier_name: None,
            invoice_no: None,
            date: None,
            payment: "01".into(),
            lines: vec![],
        };
        assert!(empty.into_request().expect_err("no lines").message.starts_with("Lines: "));
    }

    fn adjustment(qty: &str, reason: &str) -> Result<(StockMoveType, app::StockLineRequest)> {
        StockAdjustment { item: "KE2NTU0000001".into(), qty: qty.into(), reason: reason.into() }.into_request()
    }

    #[test]
    fn adjustment_sign_must_match_the_reason() {
        for (qty, reason, ok) in [
            ("+5", "06", true),
            ("5", "06", true),
            ("-2", "16", true),
            ("−2", "15", true),
            ("-2", "06", false),
            ("3", "16", false),
        ] {
            assert_eq!(adjustment(qty, reason).is_ok(), ok, "{qty} {reason}");
        }
        let (kind, line) = adjustment("-2.5", "16").expect("valid adjustment");
        assert_eq!((kind, line.qty), (StockMoveType::AdjustmentOut, Qty::from_hundredths(250)));
    }

    #[test]
    fn cart_errors_name_the_line() {
        let cart = Cart {
            cart_id: None,
            lines: vec![
                CartLine { item: "1".into(), qty: "1".into(), price: None, discount: None },
                CartLine { item: "2".into(), qty: "two".into(), price: None, discount: None },
            ],
            buyer_pin: None,
            buyer_name: None,
            payment: "01".into(),
        };
        let e = cart.into_request().expect_err("bad quantity");
        assert_eq!((e.code, e.field.as_deref()), (app::ErrorCode::InvalidInput, Some("lines.2.qty")));
        assert!(e.message.starts_with("Quantity on line 2"), "{}", e.message);
    }

    #[test]
    fn discounts_are_amounts_or_percentages() {
        let cart = |d: &str| Cart {
            cart_id: None,
            lines: vec![CartLine {
                item: "1".into(),
                qty: "1".into(),
                price: Some("100".into()),
                discount: Some(d.into()),
            }],
            buyer_pin: Some(" p051234567x ".into()),
            buyer_name: None,
            payment: "01".into(),
        };
        let r = cart("10%").into_request().expect("percent");
        assert_eq!(r.lines[0].discount, Discount::Percent(1000));
        assert_eq!(r.buyer_pin.as_deref(), Some("P051234567X"));
        let r = cart("15.50").into_request().expect("amount");
        assert_eq!(r.lines[0].discount, Discount::Amount(Money::from_cents(1550)));
    }
}
