//! What crosses the IPC edge: the inputs the UI sends (parsed here into `app`'s requests, with
//! errors next to the field that caused them) and the few views the shell assembles itself.
//! Amounts and quantities travel as exact decimal strings, never as floating-point numbers.

use domain::{CreditNoteReason, Discount, ItemType, Money, PaymentType, Qty, StockMoveType, TaxBand};
use serde::{Deserialize, Serialize};

use crate::error::{Result, UiError};

fn money(field: &str, text: &str) -> Result<Money> {
    Money::parse(text.trim()).map_err(|e| UiError::invalid(field, e))
}

fn quantity(field: &str, text: &str) -> Result<Qty> {
    Qty::parse(text.trim()).map_err(|e| UiError::invalid(field, e))
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

fn code<T: std::str::FromStr<Err = domain::Error>>(field: &str, text: &str) -> Result<T> {
    text.trim().parse().map_err(|e| UiError::invalid(field, e))
}

#[derive(Debug, Deserialize)]
pub struct DeviceForm {
    pub pin: String,
    pub branch: String,
    pub serial: String,
    /// "sandbox" or "production".
    pub environment: String,
    /// "direct" or "gateway".
    pub front_door: String,
    pub base_url: Option<String>,
    pub gateway_app_id: Option<String>,
    pub gateway_key: Option<String>,
    pub gateway_secret: Option<String>,
    pub gateway_token_url: Option<String>,
    pub cmc_key: Option<String>,
    pub scu_id: Option<String>,
    pub mrc_no: Option<String>,
}

/// KRA's published addresses (SPEC §1); the form may override them. KRA has not confirmed the
/// production gateway's addresses, so those must be typed in from KRA's onboarding letter.
const SANDBOX_DIRECT: &str = "https://etims-api-sbx.kra.go.ke/etims-api";
const PRODUCTION_DIRECT: &str = "https://etims-api.kra.go.ke/etims-api";
const SANDBOX_GATEWAY: &str = "https://sbx.kra.go.ke/etims-oscu/api/v1";
const SANDBOX_TOKEN: &str = "https://sbx.kra.go.ke/v1/token/generate";
const ASK_KRA: &str =
    "KRA has not published the production gateway address: type the one from your GavaConnect onboarding";

impl DeviceForm {
    pub fn into_request(self) -> Result<(app::InitRequest, Option<app::KeyImport>)> {
        let production = match self.environment.as_str() {
            "sandbox" => false,
            "production" => true,
            other => {
                return Err(UiError::invalid("Environment", format!("\"{other}\" is neither sandbox nor production")));
            }
        };
        let gateway = match self.front_door.as_str() {
            "direct" => false,
            "gateway" => true,
            other => {
                return Err(UiError::invalid("How to reach KRA", format!("\"{other}\" is neither direct nor gateway")));
            }
        };
        let base_url = match (non_empty(self.base_url), production, gateway) {
            (Some(url), _, _) => url,
            (None, false, false) => SANDBOX_DIRECT.to_owned(),
            (None, true, false) => PRODUCTION_DIRECT.to_owned(),
            (None, false, true) => SANDBOX_GATEWAY.to_owned(),
            (None, true, true) => return Err(UiError::invalid("Address", ASK_KRA)),
        };
        let gateway_access = if gateway {
            let app_id = non_empty(self.gateway_app_id).ok_or_else(|| {
                UiError::invalid("Gateway app ID", "the gateway needs the App ID from developer.go.ke")
            })?;
            let token_url = match (non_empty(self.gateway_token_url), production) {
                (Some(url), _) => url,
                (None, false) => SANDBOX_TOKEN.to_owned(),
                (None, true) => return Err(UiError::invalid("Token address", ASK_KRA)),
            };
            let key = non_empty(self.gateway_key).ok_or_else(|| {
                UiError::invalid("Gateway consumer key", "the gateway needs the consumer key from the developer portal")
            })?;
            let secret = non_empty(self.gateway_secret).ok_or_else(|| {
                UiError::invalid(
                    "Gateway consumer secret",
                    "the gateway needs the consumer secret from the developer portal",
                )
            })?;
            Some(app::GatewayAccess { token_url, apigee_app_id: app_id, consumer_key: key, consumer_secret: secret })
        } else {
            None
        };
        let device = app::InitRequest {
            pin: self.pin.trim().to_ascii_uppercase(),
            branch_id: self.branch.trim().to_owned(),
            serial: self.serial.trim().to_owned(),
            base_url,
            environment: if production { app::Environment::Production } else { app::Environment::Sandbox },
            gateway: gateway_access,
            shop_name: None,
        };
        let import = match non_empty(self.cmc_key) {
            None => None,
            Some(key) => Some(app::KeyImport {
                device: device.clone(),
                communication_key: key,
                scu_id: non_empty(self.scu_id).ok_or_else(|| {
                    UiError::invalid(
                        "Control unit ID",
                        "with an existing key, give the SCU ID printed on an earlier receipt",
                    )
                })?,
                mrc_no: non_empty(self.mrc_no),
            }),
        };
        Ok((device, import))
    }
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
    pub lines: Vec<CartLine>,
    pub buyer_pin: Option<String>,
    pub buyer_name: Option<String>,
    /// Payment type code, "01" (cash) to "07".
    pub payment: String,
}

impl Cart {
    pub fn into_request(self) -> Result<app::SaleRequest> {
        let mut lines = Vec::with_capacity(self.lines.len());
        for (n, l) in self.lines.into_iter().enumerate() {
            let line = n + 1;
            let discount = match non_empty(l.discount) {
                None => Discount::None,
                Some(d) if d.ends_with('%') => {
                    let pct = Qty::parse(d.trim_end_matches('%').trim())
                        .map_err(|e| UiError::invalid(&format!("Discount on line {line}"), e))?;
                    Discount::Percent(pct.hundredths())
                }
                Some(d) => Discount::Amount(money(&format!("Discount on line {line}"), &d)?),
            };
            lines.push(app::SaleLineRequest {
                item: l.item,
                qty: quantity(&format!("Quantity on line {line}"), &l.qty)?,
                price: non_empty(l.price).map(|p| money(&format!("Price on line {line}"), &p)).transpose()?,
                discount,
            });
        }
        Ok(app::SaleRequest {
            lines,
            buyer_pin: non_empty(self.buyer_pin).map(|p| p.to_ascii_uppercase()),
            buyer_name: non_empty(self.buyer_name),
            payment: code::<PaymentType>("Payment", &self.payment)?,
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
            return Err(UiError::invalid("Credit note", "type the quantity to credit next to each returned item"));
        }
        let lines = self
            .lines
            .into_iter()
            .map(|l| Ok((l.item, quantity("Quantity to credit", &l.qty)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(app::CreditNoteRequest {
            invoice: self.invoice,
            reason: code::<CreditNoteReason>("Reason", &self.reason)?,
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
        let price = money("Price", &self.price)?;
        let band: TaxBand = code("Tax band", &self.tax_band)?;
        if self.class_code.trim().is_empty() {
            return Err(UiError::invalid("KRA classification", "search for the item's classification and choose one"));
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
                item_type: code::<ItemType>("Item type", &self.item_type)?,
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
                        format!("\"{d}\" is not a date: pick the date printed on the invoice"),
                    )
                })
            })
            .transpose()?;
        if self.lines.is_empty() {
            return Err(UiError::invalid("Lines", "add at least one item you bought (Add line)"));
        }
        let mut lines = Vec::with_capacity(self.lines.len());
        for (n, l) in self.lines.into_iter().enumerate() {
            let line = n + 1;
            if l.item.trim().is_empty() {
                return Err(UiError::invalid(&format!("Line {line} item"), "choose which of your items this is"));
            }
            lines.push(app::ManualPurchaseLine {
                item: l.item,
                qty: quantity(&format!("Line {line} quantity"), &l.qty)?,
                unit_price: money(&format!("Line {line} unit cost"), &l.unit_cost)?,
                discount: domain::Money::ZERO,
                band: non_empty(l.tax_band)
                    .map(|b| code::<TaxBand>(&format!("Line {line} tax band"), &b))
                    .transpose()?,
            });
        }
        Ok(app::ManualPurchase {
            supplier_pin,
            supplier_name: non_empty(self.supplier_name),
            supplier_invoice_no,
            date,
            payment: code::<PaymentType>("Payment", &self.payment)?,
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
        non_empty(self.level.clone()).map(|text| quantity("Reorder below", &text)).transpose()
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
        let qty = quantity("Change", magnitude)?;
        let kind: StockMoveType = code("Reason", &self.reason)?;
        let kind_out = kind.code().starts_with('1');
        if sign_out != kind_out {
            return Err(UiError::invalid(
                "Change",
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
    /// The cart as the UI keeps it (JSON text): a draft, not a fiscal record.
    pub cart: String,
}

#[derive(Debug, Deserialize)]
pub struct CsvImport {
    pub csv: String,
}

/// The settings form: shop details (in the shop database) and the printer (next to it).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SettingsForm {
    pub name: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub footer: Option<String>,
    pub printer_kind: Option<String>,
    pub paper: Option<String>,
    pub printer_target: Option<String>,
    /// The shop's stock policy: sell more than is on hand (stock goes negative) or refuse.
    #[serde(default)]
    pub sell_beyond_stock: bool,
}

// ---------- views the shell assembles ----------

#[derive(Debug, Serialize)]
pub struct SaleDone {
    #[serde(flatten)]
    pub sale: app::views::SaleResult,
    /// What happened to the printout, in words ("Printed on ...", "Saved as PDF ...").
    pub printed: String,
}

#[derive(Debug, Serialize)]
pub struct CreditNoteDone {
    #[serde(flatten)]
    pub note: app::views::CreditNoteResult,
    pub printed: String,
}

#[derive(Debug, Serialize)]
pub struct ReceiptPreview {
    pub title: String,
    pub signed: bool,
    /// The printed words, row by row (the image's alt text).
    pub text: String,
    /// The printout drawn as SVG from the same layout.
    pub svg: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressView {
    pub pending: i64,
    pub in_flight: i64,
    pub parked: i64,
    pub online: bool,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ParkedView {
    pub id: i64,
    pub document: String,
    pub what: String,
    pub reason: String,
    pub fix: Option<String>,
}

impl ParkedView {
    /// Sync parks a row with "what is wrong — how to fix it. (KRA: what KRA said)"; the Sync screen
    /// shows the fix on a line of its own. Any other text is shown whole.
    pub fn split(text: Option<&str>) -> (String, Option<String>) {
        let Some(text) = text else { return ("KRA refused it without giving a reason".to_owned(), None) };
        match text.split_once(" — ") {
            Some((reason, rest)) => match rest.split_once(". (KRA: ") {
                Some((fix, kra)) => (format!("{reason} (KRA said: {}", kra.trim_end()), Some(fix.to_owned())),
                None => (reason.to_owned(), Some(rest.to_owned())),
            },
            None => (text.to_owned(), None),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct StatusView {
    #[serde(flatten)]
    pub status: app::views::ShopStatus,
    /// The in-process simulator's admin address in training mode.
    pub training_kra_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SettingsView {
    #[serde(flatten)]
    pub form: SettingsForm,
    pub device: DeviceView,
}

#[derive(Debug, Serialize)]
pub struct DeviceView {
    pub training: bool,
    pub environment: Option<String>,
    pub pin: Option<String>,
    pub branch_id: Option<String>,
    pub serial: Option<String>,
    pub scu_id: Option<String>,
    pub base_url: Option<String>,
    pub communication_key_masked: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ImportCount {
    pub added: usize,
    pub skipped: usize,
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
        for (form, field) in [
            (purchase("123", "4471", "", "6", "95"), "Supplier PIN: "),
            (purchase("", "INV-9", "", "6", "95"), "Invoice number: "),
            (purchase("", "", "2026-02-30", "6", "95"), "Invoice date: "),
            (purchase("", "", "", "six", "95"), "Line 1 quantity: "),
            (purchase("", "", "", "6", "9x"), "Line 1 unit cost: "),
        ] {
            let message = form.expect_err(field).message;
            assert!(message.starts_with(field), "{message}");
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
            lines: vec![
                CartLine { item: "1".into(), qty: "1".into(), price: None, discount: None },
                CartLine { item: "2".into(), qty: "two".into(), price: None, discount: None },
            ],
            buyer_pin: None,
            buyer_name: None,
            payment: "01".into(),
        };
        let e = cart.into_request().expect_err("bad quantity");
        assert_eq!(e.code, "invalid_input");
        assert!(e.message.starts_with("Quantity on line 2"), "{}", e.message);
    }

    #[test]
    fn parked_reasons_show_the_fix_apart() {
        for (text, reason, fix) in [
            (
                Some("KRA has no stock of Sugar 1kg — record the delivery first. (KRA: insufficient stock)"),
                "KRA has no stock of Sugar 1kg (KRA said: insufficient stock)",
                Some("record the delivery first"),
            ),
            (Some("refused"), "refused", None),
            (None, "KRA refused it without giving a reason", None),
        ] {
            assert_eq!(ParkedView::split(text), (reason.to_owned(), fix.map(str::to_owned)), "{text:?}");
        }
    }

    #[test]
    fn discounts_are_amounts_or_percentages() {
        let cart = |d: &str| Cart {
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
