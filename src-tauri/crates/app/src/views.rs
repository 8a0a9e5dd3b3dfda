//! The plain data the use cases return: serialisable, with amounts and quantities as exact decimal
//! strings ("1160.00", "2.50") so JSON never rounds them through floating point.

use domain::{Item, Money, Qty};
use serde::Serialize;
use store::{KraStatus, OutboxCounts};

pub(crate) fn amount(m: Money) -> String {
    m.plain()
}

pub(crate) fn qty(q: Qty) -> String {
    q.plain()
}

/// Where the till stands: device, mode, and what is waiting for KRA.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ShopStatus {
    pub configured: bool,
    pub training: bool,
    pub environment: Option<String>,
    pub pin: Option<String>,
    pub branch_id: Option<String>,
    pub serial: Option<String>,
    pub base_url: Option<String>,
    pub front_door: Option<String>,
    pub scu_id: Option<String>,
    pub mrc_no: Option<String>,
    pub shop_name: Option<String>,
    pub has_communication_key: bool,
    pub reference_data_loaded: bool,
    pub outbox: OutboxSummary,
    /// What the tamper check of the fiscal records found, when anything ([`crate::Duka::fiscal_check`]).
    pub fiscal_check: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OutboxSummary {
    pub pending: i64,
    pub in_flight: i64,
    pub parked: i64,
    pub last_success: Option<String>,
}

impl From<OutboxCounts> for OutboxSummary {
    fn from(c: OutboxCounts) -> OutboxSummary {
        OutboxSummary {
            pending: c.pending,
            in_flight: c.in_flight,
            parked: c.parked,
            last_success: c.last_success.map(|d| d.to_string()),
        }
    }
}

/// A document's standing with KRA.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct KraState {
    /// "pending", "sending", "signed" or "parked".
    pub state: &'static str,
    /// KRA's `invcNo` once signed.
    pub kra_invoice_no: Option<i64>,
    /// The last error (pending) or KRA's refusal (parked).
    pub message: Option<String>,
}

impl From<KraStatus> for KraState {
    fn from(s: KraStatus) -> KraState {
        match s {
            KraStatus::Pending { last_error } => {
                KraState { state: "pending", kra_invoice_no: None, message: last_error }
            }
            KraStatus::Sending => KraState { state: "sending", kra_invoice_no: None, message: None },
            KraStatus::Signed { invoice_no } => KraState { state: "signed", kra_invoice_no: invoice_no, message: None },
            KraStatus::Parked { error } => KraState { state: "parked", kra_invoice_no: None, message: Some(error) },
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ItemView {
    pub code: String,
    pub name: String,
    pub class_code: String,
    pub item_type: String,
    pub origin: String,
    pub pkg_unit: String,
    pub qty_unit: String,
    pub tax_band: String,
    pub price: String,
    pub barcode: Option<String>,
    pub active: bool,
    /// On hand (goods only).
    pub on_hand: Option<String>,
}

impl ItemView {
    pub(crate) fn new(item: &Item, on_hand: Option<Qty>) -> ItemView {
        ItemView {
            code: item.code.to_string(),
            name: item.name.clone(),
            class_code: item.class_code.clone(),
            item_type: item.item_type.code().to_owned(),
            origin: item.origin.clone(),
            pkg_unit: item.pkg_unit.clone(),
            qty_unit: item.qty_unit.clone(),
            tax_band: item.tax_band.to_string(),
            price: amount(item.default_price),
            barcode: item.barcode.clone(),
            active: item.active,
            on_hand: on_hand.filter(|_| item.item_type.carries_stock()).map(qty),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StockLevel {
    pub code: String,
    pub name: String,
    pub on_hand: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StockResult {
    pub trader_no: String,
    pub document_id: i64,
    pub move_type: String,
    pub lines: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Totals {
    pub taxable: String,
    pub tax: String,
    pub total: String,
    pub item_count: usize,
}

impl From<&domain::DocumentTotals> for Totals {
    fn from(t: &domain::DocumentTotals) -> Totals {
        Totals { taxable: amount(t.taxable), tax: amount(t.tax), total: amount(t.total), item_count: t.item_count }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SaleResult {
    pub sale_id: i64,
    pub trader_no: String,
    pub committed_at: String,
    pub training: bool,
    pub totals: Totals,
    pub kra: KraState,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SaleSummaryView {
    pub sale_id: i64,
    pub trader_no: String,
    pub committed_at: String,
    pub buyer_name: Option<String>,
    pub total: String,
    pub training: bool,
    pub kra: KraState,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CreditNoteResult {
    pub credit_note_id: i64,
    pub trader_no: String,
    pub sale_trader_no: String,
    pub training: bool,
    pub totals: Totals,
    pub kra: KraState,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FeedPurchaseView {
    pub id: i64,
    pub supplier_pin: String,
    pub supplier_name: Option<String>,
    pub supplier_branch: String,
    pub supplier_invoice_no: i64,
    pub sales_date: Option<String>,
    pub total: String,
    /// "accepted", "rejected", or none while waiting.
    pub decision: Option<&'static str>,
    pub lines: Vec<FeedPurchaseLineView>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FeedPurchaseLineView {
    pub seq: u16,
    pub supplier_item_code: Option<String>,
    pub name: String,
    pub qty: String,
    pub unit_price: String,
    pub tax_band: String,
    pub total: String,
    /// The own item this line was last time (remembered), or one with the same barcode or code.
    pub proposed_item: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PurchaseResult {
    pub purchase_id: i64,
    pub trader_no: String,
    pub totals: Totals,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImportView {
    pub id: i64,
    pub task_code: String,
    pub declaration_date: String,
    pub item_seq: i64,
    pub declaration_no: Option<String>,
    pub hs_code: Option<String>,
    pub name: String,
    pub origin: Option<String>,
    pub qty: Option<String>,
    pub qty_unit: Option<String>,
    pub supplier_name: Option<String>,
    pub decision: Option<&'static str>,
    pub mapped_item: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DecisionResult {
    pub id: i64,
    pub decision: &'static str,
    pub outbox_id: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NoticeView {
    pub notice_no: i64,
    pub title: String,
    pub content: String,
    pub detail_url: Option<String>,
    pub registered_at: Option<String>,
    pub read: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OutboxView {
    pub summary: OutboxSummary,
    pub rows: Vec<OutboxRowView>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OutboxRowView {
    pub id: i64,
    pub kind: &'static str,
    pub document: String,
    pub item_code: Option<String>,
    pub state: &'static str,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub kra_number: Option<i64>,
    pub last_error: Option<String>,
    /// KRA's refusal in parts (rows parked before the parts were kept have only `last_error`).
    pub refusal: Option<RefusalView>,
}

/// Why KRA refused a document: KRA's own code and words, and ours (what is wrong, how to fix it).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RefusalView {
    pub kra_code: Option<String>,
    pub kra_message: String,
    pub reason: String,
    pub fix: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DeviceResult {
    pub pin: String,
    pub branch_id: String,
    pub serial: String,
    pub environment: &'static str,
    pub base_url: String,
    pub scu_id: Option<String>,
    pub mrc_no: Option<String>,
    pub device_id: Option<String>,
    pub shop_name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BuyerView {
    pub pin: String,
    pub name: Option<String>,
    pub status: Option<String>,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SyncResult {
    pub sent: usize,
    pub parked: usize,
    pub retrying: usize,
    pub outbox: OutboxSummary,
    /// Plain-language reasons of parked rows.
    pub problems: Vec<String>,
    /// Every document still waiting, what it waits for and until when (at most 50).
    pub waiting: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RefreshResult {
    pub code_classes: usize,
    pub item_classes: usize,
    pub tax_rates_ready: bool,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SeedResult {
    pub items_added: usize,
    pub items_skipped: usize,
}
