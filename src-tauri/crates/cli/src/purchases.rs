//! Goods coming in: `purchases` (KRA's feed and purchases keyed by hand) and `imports` (customs
//! imports from KRA).

use app::{Duka, LineMapping, ManualPurchase, ManualPurchaseLine};
use clap::Subcommand;
use domain::Money;

use crate::{
    input::{item_spec, parse, qty, usage},
    output::emit,
};

#[derive(Debug, Subcommand)]
pub(crate) enum PurchaseCommand {
    /// Purchases from KRA's feed (waiting ones; --all for every one).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Confirm a purchase: map supplier lines to your items (remembered ones are proposed).
    Confirm {
        id: i64,
        /// SEQ:ITEM, e.g. 1:KE2NTNO0000003; repeat per line.
        #[arg(long = "map")]
        maps: Vec<String>,
    },
    /// Reject a purchase.
    Reject { id: i64 },
    /// Record a purchase keyed by hand.
    Record {
        /// CODE:QTY:PRICE (your item, quantity, tax-inclusive unit price); repeat per line.
        #[arg(long = "item", required = true)]
        items: Vec<String>,
        #[arg(long)]
        supplier_pin: Option<String>,
        #[arg(long)]
        supplier_name: Option<String>,
        #[arg(long)]
        supplier_invoice: Option<i64>,
        #[arg(long, default_value = "01")]
        payment: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImportCommand {
    /// Imports (waiting ones; --all for every one).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Accept an import as one of your items.
    Accept {
        id: i64,
        /// Your item (code or barcode).
        #[arg(long)]
        item: String,
        /// Quantity received (the declared quantity when not given).
        #[arg(long)]
        qty: Option<String>,
    },
    /// Reject an import.
    Reject { id: i64 },
}

pub(crate) fn purchases(duka: &Duka, json: bool, c: PurchaseCommand) -> anyhow::Result<()> {
    match c {
        PurchaseCommand::List { all } => {
            let list = duka.purchases(!all)?;
            emit(json, &list, |l| {
                if l.is_empty() {
                    return "No purchases waiting".into();
                }
                l.iter()
                    .map(|p| {
                        let mut s = format!(
                            "#{} {} {} invoice {} KES {} {}",
                            p.id,
                            p.supplier_pin,
                            p.supplier_name.as_deref().unwrap_or(""),
                            p.supplier_invoice_no,
                            p.total,
                            p.decision.unwrap_or("waiting")
                        );
                        for line in &p.lines {
                            s.push_str(&format!(
                                "\n  {}: {} x {} -> {}",
                                line.seq,
                                line.qty,
                                line.name,
                                line.proposed_item.as_deref().unwrap_or("(choose an item)")
                            ));
                        }
                        s
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        PurchaseCommand::Confirm { id, maps } => {
            let mappings = maps
                .iter()
                .map(|m| match m.split_once(':') {
                    Some((seq, item)) => Ok(LineMapping { seq: parse("line number", seq)?, item: item.to_owned() }),
                    None => Err(usage(format!("\"{m}\" is not SEQ:ITEM, e.g. 1:KE2NTNO0000003"))),
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let r = duka.confirm_purchase(id, &mappings)?;
            emit(json, &r, |r| format!("{} confirmed: KES {}", r.trader_no, r.totals.total))?;
        }
        PurchaseCommand::Reject { id } => {
            let r = duka.reject_purchase(id)?;
            emit(json, &r, |r| format!("Purchase #{} rejected", r.id))?;
        }
        PurchaseCommand::Record { items, supplier_pin, supplier_name, supplier_invoice, payment } => {
            let lines = items
                .iter()
                .map(|s| {
                    let (item, qty, price) = item_spec(s, true, true)?;
                    Ok(ManualPurchaseLine {
                        item,
                        qty,
                        unit_price: price.unwrap_or_default(),
                        discount: Money::ZERO,
                        band: None,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let manual = ManualPurchase {
                supplier_pin,
                supplier_name,
                supplier_invoice_no: supplier_invoice,
                date: None,
                payment: parse("payment type", &payment)?,
                lines,
            };
            let r = duka.record_purchase(&manual)?;
            emit(json, &r, |r| format!("{} recorded: KES {}", r.trader_no, r.totals.total))?;
        }
    }
    Ok(())
}

pub(crate) fn imports(duka: &Duka, json: bool, c: ImportCommand) -> anyhow::Result<()> {
    match c {
        ImportCommand::List { all } => {
            let list = duka.imports(!all)?;
            emit(json, &list, |l| {
                if l.is_empty() {
                    return "No imports waiting".into();
                }
                l.iter()
                    .map(|i| {
                        format!(
                            "#{} {} {} {} {}",
                            i.id,
                            i.name,
                            i.qty.as_deref().unwrap_or("?"),
                            i.qty_unit.as_deref().unwrap_or(""),
                            i.decision.unwrap_or("waiting")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        ImportCommand::Accept { id, item, qty: q } => {
            let r = duka.accept_import(id, &item, q.as_deref().map(qty).transpose()?)?;
            emit(json, &r, |r| format!("Import #{} accepted", r.id))?;
        }
        ImportCommand::Reject { id } => {
            let r = duka.reject_import(id)?;
            emit(json, &r, |r| format!("Import #{} rejected", r.id))?;
        }
    }
    Ok(())
}
