//! Items: registering them under the next KRA item code, changing them, finding them by code,
//! barcode or name, listing them with their stock.

use domain::{Item, ItemCode, ItemCodeParts, ItemType, Money, TaxBand};
use store::{KraCounter, Reader, reference::KraCodeLists};

use crate::{Duka, Error, Result, views::ItemView};

/// A new item as the shopkeeper describes it; the app assigns its KRA item code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub name: String,
    /// KRA item classification (`itemClsCd`).
    pub class_code: String,
    pub item_type: ItemType,
    /// Country of origin, e.g. "KE".
    pub origin: String,
    /// Packaging unit (class 17), two characters, e.g. "NT".
    pub pkg_unit: String,
    /// Quantity unit (class 10), two characters, e.g. "NO" or "KG".
    pub qty_unit: String,
    pub tax_band: TaxBand,
    /// Tax-inclusive price.
    pub price: Money,
    pub barcode: Option<String>,
}

/// What may change on a registered item (the code, type, country and units never change).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemChange {
    pub name: Option<String>,
    pub class_code: Option<String>,
    pub tax_band: Option<TaxBand>,
    pub price: Option<Money>,
    /// `Some(None)` removes the barcode.
    pub barcode: Option<Option<String>>,
    pub active: Option<bool>,
}

fn clean_barcode(b: Option<String>) -> Option<String> {
    b.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The code lists an item is checked against; refuses when they were never downloaded.
fn code_lists(conn: &Reader<'_>) -> Result<KraCodeLists> {
    let lists = KraCodeLists::load(conn)?;
    if lists.is_empty() {
        return Err(Error::invalid(
            "reference data",
            "KRA's unit and country lists are not downloaded yet: refresh the KRA reference data first",
        ));
    }
    Ok(lists)
}

/// The next 7-digit item-code sequence: after every code this shop holds and what KRA expects.
fn next_sequence(conn: &Reader<'_>) -> Result<u32> {
    let local = store::items::all_items(conn)?.iter().filter_map(|i| i.code.parts()).map(|p| p.sequence).max();
    let kra = store::numbering::next_kra_number(conn, KraCounter::ItemSequence)?;
    let next = i64::from(local.unwrap_or(0)) + 1;
    u32::try_from(next.max(kra)).map_err(|_| Error::invalid("item code", "the item-code sequence is exhausted"))
}

/// Finds an item by its KRA code or a barcode.
pub(crate) fn resolve(conn: &Reader<'_>, reference: &str) -> Result<Item> {
    let reference = reference.trim();
    if let Ok(code) = ItemCode::parse(reference)
        && let Some(item) = store::items::item(conn, &code)?
    {
        return Ok(item);
    }
    if let Some(item) = store::items::item_by_barcode(conn, reference)? {
        return Ok(item);
    }
    Err(Error::NotFound {
        what: "item",
        id: reference.to_owned(),
        hint: "give its KRA item code or barcode (see the item list), or add it under Items first",
    })
}

/// The item `new` describes, under the next KRA item code, checked against the code lists. Call
/// inside the write that registers it, so two tills never draw the same code.
pub(crate) fn item_from(tx: &Reader<'_>, new: &NewItem) -> Result<Item> {
    let unit = |u: &str| u.trim().to_ascii_uppercase();
    let lists = code_lists(tx)?;
    let code = ItemCode::build(&ItemCodeParts {
        origin: unit(&new.origin),
        item_type: new.item_type,
        pkg_unit: unit(&new.pkg_unit),
        qty_unit: unit(&new.qty_unit),
        sequence: next_sequence(tx)?,
    })
    .map_err(|e| match e {
        domain::Error::ItemCode { reason } => Error::invalid("unit", reason),
        other => Error::from(other),
    })?;
    let item = Item {
        code,
        name: new.name.trim().to_owned(),
        class_code: new.class_code.trim().to_owned(),
        item_type: new.item_type,
        origin: unit(&new.origin),
        pkg_unit: unit(&new.pkg_unit),
        qty_unit: unit(&new.qty_unit),
        tax_band: new.tax_band,
        default_price: new.price,
        barcode: clean_barcode(new.barcode.clone()),
        active: true,
    };
    item.validate(&lists)?;
    Ok(item)
}

impl Duka {
    /// Registers a new item under the next KRA item code and queues its `saveItem`.
    pub fn register_item(&self, new: &NewItem) -> Result<ItemView> {
        let item = self.acting(&[domain::Action::ItemChanges], |meta| {
            // The sequence is taken inside the write so two tills never draw the same code.
            self.store().write(|tx| -> Result<_> {
                let item = item_from(tx, new)?;
                store::items::register_item(tx, &item, meta)?;
                Ok(item)
            })
        })?;
        self.wake();
        Ok(ItemView::new(&item, Some(domain::Qty::ZERO)))
    }

    /// Changes a registered item and queues the `saveItem` update.
    pub fn update_item(&self, reference: &str, change: &ItemChange) -> Result<ItemView> {
        let item = self.acting(&[domain::Action::ItemChanges], |meta| {
            self.store().write(|tx| -> Result<_> {
                let attempt = (|| -> Result<Item> {
                    let mut item = resolve(tx, reference)?;
                    if let Some(n) = &change.name {
                        item.name = n.trim().to_owned();
                    }
                    if let Some(c) = &change.class_code {
                        item.class_code = c.trim().to_owned();
                    }
                    if let Some(b) = change.tax_band {
                        item.tax_band = b;
                    }
                    if let Some(p) = change.price {
                        item.default_price = p;
                    }
                    if let Some(b) = &change.barcode {
                        item.barcode = clean_barcode(b.clone());
                    }
                    if let Some(a) = change.active {
                        item.active = a;
                    }
                    item.validate(&code_lists(tx)?)?;
                    Ok(item)
                })();
                let item = attempt?;
                store::items::update_item(tx, &item, meta)?;
                Ok(item)
            })
        })?;
        self.wake();
        let on_hand = self.store().read(|c| store::stock::on_hand(c, &item.code))?;
        Ok(ItemView::new(&item, Some(on_hand)))
    }

    /// Saves what an item is made of and queues it for KRA (`saveItemComposition`, one call per
    /// component, sent after the registrations of both items). Works offline; a refusal shows
    /// in the outbox with KRA's reason. Returns the component codes saved.
    pub async fn save_item_composition(&self, item: &str, components: &[(String, domain::Qty)]) -> Result<Vec<String>> {
        if components.is_empty() {
            return Err(Error::invalid("components", "name at least one component and its quantity"));
        }
        let saved = self.acting(&[domain::Action::ItemChanges], |meta| {
            self.store().write(|tx| -> Result<_> {
                let finished = resolve(tx, item)?;
                let mut parts: Vec<(domain::ItemCode, domain::Qty)> = Vec::with_capacity(components.len());
                for (reference, qty) in components {
                    let part = resolve(tx, reference)?;
                    if part.code == finished.code {
                        return Err(Error::invalid("components", format!("{} cannot be made of itself", part.name)));
                    }
                    if !qty.is_positive() {
                        return Err(Error::invalid("quantity", "each component quantity must be more than zero"));
                    }
                    if parts.iter().any(|(code, _)| *code == part.code) {
                        return Err(Error::invalid(
                            "components",
                            format!("{} is named twice: give it once with the total quantity", part.name),
                        ));
                    }
                    parts.push((part.code, *qty));
                }
                store::items::save_composition(tx, &finished.code, &parts, meta)?;
                Ok(parts.into_iter().map(|(code, _)| code.to_string()).collect::<Vec<_>>())
            })
        })?;
        self.wake();
        Ok(saved)
    }

    /// Every item with its stock, by name; only those matching `search` (name words, code or
    /// barcode) when given.
    pub fn items(&self, search: Option<&str>) -> Result<Vec<ItemView>> {
        self.store()
            .read(|c| {
                let items = match search.map(str::trim).filter(|s| !s.is_empty()) {
                    None => store::items::all_items(c)?,
                    Some(text) => {
                        let mut found = Vec::new();
                        if let Ok(item) = resolve(c, text) {
                            found.push(item);
                        }
                        for item in store::items::search_items(c, text, 50)? {
                            if !found.iter().any(|f| f.code == item.code) {
                                found.push(item);
                            }
                        }
                        found
                    }
                };
                items
                    .iter()
                    .map(|i| Ok(ItemView::new(i, Some(store::stock::on_hand(c, &i.code)?))))
                    .collect::<store::Result<Vec<_>>>()
            })
            .map_err(Error::from)
    }

    /// One item by code or barcode.
    pub fn item(&self, reference: &str) -> Result<ItemView> {
        let item = self.store().read(|c| Ok(resolve(c, reference)))??;
        let on_hand = self.store().read(|c| store::stock::on_hand(c, &item.code))?;
        Ok(ItemView::new(&item, Some(on_hand)))
    }

    /// The units KRA accepts in item codes (two characters), for the item form.
    pub fn unit_choices(&self) -> Result<Vec<(String, String)>> {
        let lists = self.store().read(|c| {
            Ok(store::reference::codes(c, store::reference::CLASS_QUANTITY_UNIT)?
                .into_iter()
                .filter(|u| u.in_use && u.code.len() == 2)
                .map(|u| (u.code, u.name))
                .collect())
        })?;
        Ok(lists)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{new_item, shop};

    #[tokio::test]
    async fn codes_take_the_next_sequence_and_units_must_fit() {
        let (duka, _dir) = shop().await;
        let sugar = duka.register_item(&new_item("Sugar 1kg", 18_500)).unwrap();
        let salt = duka.register_item(&NewItem { qty_unit: "kg".into(), ..new_item("Salt 1kg", 5_000) }).unwrap();
        assert_eq!((sugar.code.as_str(), salt.code.as_str()), ("KE2NTNO0000001", "KE2NTKG0000002"));
        // KRA said it expects a later sequence: the next code follows KRA.
        duka.store().write(|tx| store::numbering::resync(tx, KraCounter::ItemSequence, 40)).unwrap();
        assert_eq!(duka.register_item(&new_item("Tea", 15_000)).unwrap().code, "KE2NTNO0000040");

        for (item, code, text) in [
            (
                NewItem { qty_unit: "U".into(), ..new_item("Loose rice", 100) },
                "invalid_input",
                "2-character quantity unit",
            ),
            (NewItem { pkg_unit: "XX".into(), ..new_item("Box", 100) }, "refused", "not a packaging unit KRA accepts"),
            (NewItem { origin: "ZZ".into(), ..new_item("Import", 100) }, "refused", "not a country code"),
            (new_item(" ", 100), "refused", "the item needs a name"),
            (new_item("Refund", -1), "refused", "cannot be negative"),
        ] {
            let e = duka.register_item(&item).unwrap_err();
            assert_eq!(e.code(), code, "{e}");
            assert!(e.to_string().contains(text), "{e}");
        }
        // Nothing of the refused items was kept, and no sequence was used up.
        assert_eq!(duka.items(None).unwrap().len(), 3);
        assert_eq!(duka.register_item(&new_item("Milk", 6_500)).unwrap().code, "KE2NTNO0000041");
    }

    #[tokio::test]
    async fn items_are_found_by_code_barcode_or_name_and_changed() {
        let (duka, _dir) = shop().await;
        let sugar = duka
            .register_item(&NewItem { barcode: Some(" 6161100120015 ".into()), ..new_item("Sugar 1kg", 18_500) })
            .unwrap();
        assert_eq!(sugar.barcode.as_deref(), Some("6161100120015"));
        assert_eq!(duka.item("6161100120015").unwrap().code, sugar.code);
        assert_eq!(duka.item(&sugar.code).unwrap().name, "Sugar 1kg");
        assert_eq!(duka.items(Some("sug")).unwrap()[0].code, sugar.code);
        assert_eq!(duka.item("nothing").unwrap_err().code(), "not_found");
        let changed = duka
            .update_item(
                "6161100120015",
                &ItemChange { price: Some(Money::from_cents(19_000)), barcode: Some(None), ..ItemChange::default() },
            )
            .unwrap();
        assert_eq!((changed.price.as_str(), changed.barcode), ("190.00", None));
        let off = duka.update_item(&sugar.code, &ItemChange { active: Some(false), ..ItemChange::default() }).unwrap();
        assert!(!off.active);
        let bad = duka.update_item(&sugar.code, &ItemChange { class_code: Some("x".into()), ..ItemChange::default() });
        assert!(bad.unwrap_err().to_string().contains("classification"));
        assert_eq!(
            duka.unit_choices().unwrap(),
            [("KG".to_owned(), "KG".to_owned()), ("NO".to_owned(), "NO".to_owned())]
        );
    }
}
