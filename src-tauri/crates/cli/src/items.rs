//! The shop's goods: `item` (add, list, compose, update), `stock`, `settings` and the demo
//! catalogue.

use app::{Duka, ItemChange, NewItem, StockLineRequest};
use clap::Subcommand;
use domain::{ItemType, StockMoveType, StockPolicy, TaxBand};

use crate::{
    input::{item_spec, money, parse},
    output::emit,
};

#[derive(Debug, Subcommand)]
pub(crate) enum ItemCommand {
    /// Register a new item (its KRA code is assigned).
    Add {
        #[arg(long)]
        name: String,
        /// KRA item classification code.
        #[arg(long = "class")]
        class_code: String,
        /// 1 raw material, 2 finished product, 3 service.
        #[arg(long = "type", default_value = "2")]
        item_type: String,
        /// Packaging unit (2 characters, e.g. NT).
        #[arg(long, default_value = "NT")]
        pkg: String,
        /// Quantity unit (2 characters, e.g. NO, KG).
        #[arg(long, default_value = "NO")]
        unit: String,
        /// Tax band A-E.
        #[arg(long, default_value = "B")]
        band: String,
        /// Tax-inclusive price, e.g. 185 or 1,160.00.
        #[arg(long)]
        price: String,
        #[arg(long)]
        barcode: Option<String>,
        #[arg(long, default_value = "KE")]
        origin: String,
    },
    /// List items (optionally matching a name, code or barcode).
    List {
        #[arg(long)]
        search: Option<String>,
    },
    /// Register with KRA what an item is made of (needs the line to KRA).
    Compose {
        /// The finished item (code or barcode).
        item: String,
        /// COMPONENT:QTY per finished item; repeat per component.
        #[arg(long = "part", required = true)]
        parts: Vec<String>,
    },
    /// Change an item.
    Update {
        /// Item code or barcode.
        item: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long = "class")]
        class_code: Option<String>,
        #[arg(long)]
        band: Option<String>,
        #[arg(long)]
        price: Option<String>,
        #[arg(long)]
        barcode: Option<String>,
        #[arg(long, conflicts_with = "barcode")]
        no_barcode: bool,
        /// true to sell it, false to switch it off.
        #[arg(long)]
        active: Option<bool>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum StockCommand {
    /// Record stock moved by hand (opening stock, a count, a discard).
    Adjust {
        /// CODE:QTY; repeat per item.
        #[arg(long = "item", required = true)]
        items: Vec<String>,
        /// 06 adjustment in (default, opening stock), 16 adjustment out, 15 discarding, 04/13 transfers.
        #[arg(long = "type", default_value = "06")]
        move_type: String,
        #[arg(long)]
        remark: Option<String>,
    },
    /// Stock on hand.
    List,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SettingsCommand {
    /// Whether a sale may take stock below zero: `refuse` (default) or `allow`; shows it when not given.
    StockPolicy {
        #[arg(value_parser = ["refuse", "allow"])]
        policy: Option<String>,
    },
}

pub(crate) async fn item(duka: &Duka, json: bool, c: ItemCommand) -> anyhow::Result<()> {
    match c {
        ItemCommand::Compose { item, parts } => {
            let parts = parts
                .iter()
                .map(|s| item_spec(s, false, false).map(|(i, q, _)| (i, q)))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let saved = duka.save_item_composition(&item, &parts).await?;
            let value = serde_json::json!({"item": item, "components": saved});
            emit(json, &value, |_| format!("Composition of {item} saved, queued for KRA: {}", saved.join(", ")))?;
        }
        ItemCommand::Add { name, class_code, item_type, pkg, unit, band, price, barcode, origin } => {
            let new = NewItem {
                name,
                class_code,
                item_type: parse::<ItemType>("item type", &item_type)?,
                origin,
                pkg_unit: pkg,
                qty_unit: unit,
                tax_band: parse::<TaxBand>("tax band", &band)?,
                price: money(&price)?,
                barcode,
            };
            let v = duka.register_item(&new)?;
            emit(json, &v, |v| format!("{} registered as {} (KES {})", v.name, v.code, v.price))?;
        }
        ItemCommand::List { search } => {
            let list = duka.items(search.as_deref())?;
            emit(json, &list, |l| {
                l.iter()
                    .map(|i| {
                        format!(
                            "{}  {:<30} {} KES {:>10}  stock {}{}",
                            i.code,
                            i.name,
                            i.tax_band,
                            i.price,
                            i.on_hand.as_deref().unwrap_or("-"),
                            if i.active { "" } else { "  (off)" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        ItemCommand::Update { item, name, class_code, band, price, barcode, no_barcode, active } => {
            let change = ItemChange {
                name,
                class_code,
                tax_band: band.as_deref().map(|b| parse::<TaxBand>("tax band", b)).transpose()?,
                price: price.as_deref().map(money).transpose()?,
                barcode: if no_barcode { Some(None) } else { barcode.map(Some) },
                active,
            };
            let v = duka.update_item(&item, &change)?;
            emit(json, &v, |v| format!("{} ({}) updated", v.name, v.code))?;
        }
    }
    Ok(())
}

pub(crate) fn stock(duka: &Duka, json: bool, c: StockCommand) -> anyhow::Result<()> {
    match c {
        StockCommand::Adjust { items, move_type, remark } => {
            let kind: StockMoveType = parse("movement type", &move_type)?;
            let lines = items
                .iter()
                .map(|s| item_spec(s, false, false).map(|(item, qty, _)| StockLineRequest { item, qty }))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let r = duka.adjust_stock(kind, &lines, remark.as_deref())?;
            emit(json, &r, |r| format!("{} recorded ({} lines)", r.trader_no, r.lines))?;
        }
        StockCommand::List => {
            let list = duka.stock_levels()?;
            emit(json, &list, |l| {
                l.iter().map(|s| format!("{}  {:<30} {}", s.code, s.name, s.on_hand)).collect::<Vec<_>>().join("\n")
            })?;
        }
    }
    Ok(())
}

pub(crate) fn settings(duka: &Duka, json: bool, c: SettingsCommand) -> anyhow::Result<()> {
    match c {
        SettingsCommand::StockPolicy { policy } => {
            match policy.as_deref() {
                Some("allow") => duka.set_stock_policy(StockPolicy::AllowNegative)?,
                Some(_) => duka.set_stock_policy(StockPolicy::Refuse)?,
                None => {}
            }
            let (name, meaning) = match duka.stock_policy()? {
                StockPolicy::Refuse => ("refuse", "a sale of more than is on hand is refused"),
                StockPolicy::AllowNegative => ("allow", "a sale may take stock below zero"),
            };
            let value = serde_json::json!({"stock_policy": name});
            emit(json, &value, |_| format!("Stock policy: {name} ({meaning})"))?;
        }
    }
    Ok(())
}

pub(crate) fn demo_catalogue(duka: &Duka, json: bool) -> anyhow::Result<()> {
    let r = duka.seed_demo_catalogue()?;
    emit(json, &r, |r| format!("{} demo items added ({} already there)", r.items_added, r.items_skipped))
}
