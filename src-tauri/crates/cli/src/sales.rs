//! Selling: `sale`, `sales`, `credit-note` and `receipt`.

use std::path::PathBuf;

use anyhow::Context as _;
use app::{CreditNoteRequest, DocumentNo, Duka, SaleLineRequest, SaleRequest};
use clap::Args;
use domain::{CreditNoteReason, Discount, Money, PaymentType};

use crate::{
    input::{item_spec, paper, parse},
    output::emit,
};

#[derive(Debug, Args)]
pub(crate) struct SaleArgs {
    /// CODE:QTY or CODE:QTY:PRICE (CODE is the item code or barcode); repeat per line.
    #[arg(long = "item", required = true)]
    items: Vec<String>,
    #[arg(long)]
    buyer_pin: Option<String>,
    #[arg(long)]
    buyer_name: Option<String>,
    /// Payment type 01..07 (01 cash, 02 credit, 03 cash/credit, 04 cheque, 05 card, 06 mobile money, 07 other).
    #[arg(long, default_value = "01")]
    payment: String,
}

#[derive(Debug, Args)]
pub(crate) struct SalesArgs {
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

#[derive(Debug, Args)]
pub(crate) struct CreditNoteArgs {
    /// The sale's invoice number (INV-000012, or 12).
    #[arg(long)]
    invoice: String,
    /// Reason code 01..13 (e.g. 06 refund, 03 damaged).
    #[arg(long)]
    reason: String,
    /// CODE:QTY to credit; everything that remains when not given.
    #[arg(long = "item")]
    items: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ReceiptArgs {
    /// The document number (INV-000012, CN-000003, TRN-000001 ...).
    document: String,
    #[arg(long)]
    out: PathBuf,
    /// 80, 58 or a4.
    #[arg(long, default_value = "80")]
    paper: String,
    /// Mark it as a copy (reprint).
    #[arg(long)]
    copy: bool,
    /// Write the text layout instead of a PDF.
    #[arg(long)]
    text: bool,
}

fn kra_line(k: &app::views::KraState) -> String {
    match (k.state, k.kra_invoice_no, &k.message) {
        ("signed", Some(n), _) => format!("signed by KRA (invoice {n})"),
        ("parked", _, Some(m)) => format!("REFUSED by KRA: {m}"),
        ("pending", _, Some(m)) => format!("waiting for KRA (last try: {m})"),
        ("pending", _, None) => "waiting for KRA".to_owned(),
        (s, _, _) => s.to_owned(),
    }
}

pub(crate) fn sale(duka: &Duka, json: bool, a: SaleArgs) -> anyhow::Result<()> {
    let SaleArgs { items, buyer_pin, buyer_name, payment } = a;
    let lines = items
        .iter()
        .map(|s| {
            let (item, qty, price) = item_spec(s, true, false)?;
            Ok(SaleLineRequest { item, qty, price, discount: Discount::None })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let payment: PaymentType = parse("payment type", &payment)?;
    let r = duka.make_sale(&SaleRequest { lines, buyer_pin, buyer_name, payment })?;
    emit(json, &r, |r| {
        format!(
            "{} committed: total KES {} (VAT {}){}",
            r.trader_no,
            Money::parse(&r.totals.total).unwrap_or_default(),
            Money::parse(&r.totals.tax).unwrap_or_default(),
            if r.training { " — TRAINING" } else { "" }
        )
    })
}

pub(crate) fn sales(duka: &Duka, json: bool, a: SalesArgs) -> anyhow::Result<()> {
    let list = duka.sales(a.limit)?;
    emit(json, &list, |l| {
        l.iter()
            .map(|s| format!("{}  {}  KES {:>12}  {}", s.trader_no, s.committed_at, s.total, kra_line(&s.kra)))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

pub(crate) fn credit_note(duka: &Duka, json: bool, a: CreditNoteArgs) -> anyhow::Result<()> {
    let CreditNoteArgs { invoice, reason, items } = a;
    let reason: CreditNoteReason = parse("reason", &reason)?;
    let lines =
        items.iter().map(|s| item_spec(s, false, false).map(|(i, q, _)| (i, q))).collect::<anyhow::Result<Vec<_>>>()?;
    let r = duka.issue_credit_note(&CreditNoteRequest { invoice, reason, lines })?;
    emit(json, &r, |r| format!("{} committed against {}: KES {}", r.trader_no, r.sale_trader_no, r.totals.total))
}

pub(crate) fn receipt(duka: &Duka, json: bool, a: ReceiptArgs) -> anyhow::Result<()> {
    let ReceiptArgs { document, out, paper: p, copy, text } = a;
    let doc = DocumentNo(document);
    let bytes = if text {
        duka.receipt_text(&doc, paper(&p)?, copy)?.into_bytes()
    } else {
        duka.receipt_pdf(&doc, paper(&p)?, copy)?
    };
    std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    let value = serde_json::json!({"document": doc.0, "out": out, "bytes": bytes.len()});
    emit(json, &value, |_| format!("Receipt {} written to {}", doc.0, out.display()))
}
