//! The demo catalogue for training mode (`assets/demo/catalogue.csv`): realistic Kenyan shop
//! items with demo barcodes, registered with opening stock in one call.

use domain::{ItemType, Money, Qty, TaxBand};

use crate::{Duka, Error, NewItem, Result, StockLineRequest, views::SeedResult};

const CATALOGUE: &str = include_str!("../../../../assets/demo/catalogue.csv");

/// One demo item and its opening stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DemoItem {
    pub(crate) item: NewItem,
    pub(crate) opening_stock: Option<Qty>,
}

/// Parses the demo catalogue (comment lines start with `#`; the first other line is the header).
pub(crate) fn demo_items() -> Result<Vec<DemoItem>> {
    let mut out = Vec::new();
    let rows = CATALOGUE.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#')).skip(1);
    for (n, line) in rows {
        let bad = |reason: String| Error::DemoCatalogue { line: n + 1, reason };
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let [name, class, item_type, pkg, qty, band, price, barcode, stock] = f.as_slice() else {
            return Err(bad(format!("expected 9 columns, found {}", f.len())));
        };
        let item_type: ItemType = item_type.parse().map_err(|e: domain::Error| bad(e.to_string()))?;
        let tax_band: TaxBand = band.parse().map_err(|e: domain::Error| bad(e.to_string()))?;
        let price = Money::parse(price).map_err(|e| bad(e.to_string()))?;
        let opening_stock =
            if stock.is_empty() { None } else { Some(Qty::parse(stock).map_err(|e| bad(e.to_string()))?) };
        out.push(DemoItem {
            item: NewItem {
                name: (*name).to_owned(),
                class_code: (*class).to_owned(),
                item_type,
                origin: "KE".into(),
                pkg_unit: (*pkg).to_owned(),
                qty_unit: (*qty).to_owned(),
                tax_band,
                price,
                barcode: Some((*barcode).to_owned()).filter(|b| !b.is_empty()),
            },
            opening_stock,
        });
    }
    Ok(out)
}

impl Duka {
    /// Registers the demo catalogue (items whose barcode is already known are skipped) and records
    /// their opening stock. Meant for training mode.
    pub fn seed_demo_catalogue(&self) -> Result<SeedResult> {
        self.authorize(&[domain::Action::ItemChanges])?;
        let mut added = 0;
        let mut skipped = 0;
        let mut stock = Vec::new();
        for demo in demo_items()? {
            let known = match &demo.item.barcode {
                Some(b) => self.store().read(|c| store::items::item_by_barcode(c, b))?.is_some(),
                None => false,
            };
            if known {
                skipped += 1;
                continue;
            }
            let view = self.register_item(&demo.item)?;
            added += 1;
            if let Some(q) = demo.opening_stock.filter(|q| q.is_positive()) {
                stock.push(StockLineRequest { item: view.code, qty: q });
            }
        }
        if !stock.is_empty() {
            self.record_opening_stock(&stock)?;
        }
        Ok(SeedResult { items_added: added, items_skipped: skipped })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_catalogue_parses_with_two_character_units_and_demo_barcodes() {
        let items = demo_items().unwrap();
        assert!(items.len() >= 20, "{}", items.len());
        for d in &items {
            assert_eq!(d.item.pkg_unit.len(), 2, "{}", d.item.name);
            assert_eq!(d.item.qty_unit.len(), 2, "{}", d.item.name);
            let barcode = d.item.barcode.as_deref().unwrap();
            assert!(barcode.starts_with("200"), "{barcode}: demo barcodes stay in GS1's in-store range");
            assert_eq!(d.opening_stock.is_some(), d.item.item_type.carries_stock(), "{}", d.item.name);
        }
    }
}
