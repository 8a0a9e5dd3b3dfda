//! The shop's items: registering and updating them (each with its `saveItem` outbox row), lookup by
//! barcode, search by name (FTS5), and the catalogue a sale or purchase is finalised against.

use std::collections::BTreeMap;

use domain::{Catalogue, Item, ItemCode, PurchaseDraft, Qty, SaleDraft};
use rusqlite::{OptionalExtension, Row, params};

use crate::{
    CommitMeta, DocumentKind, DocumentRef, Error, Reader, Result, Tx, audit, codec,
    error::During,
    outbox::{self, OutboxKind},
    stock,
};

/// What registering or updating an item wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavedItem {
    pub id: i64,
    /// The `saveItem` outbox row.
    pub outbox_id: i64,
}

const ITEM_COLUMNS: &str =
    "code, name, class_code, item_type, origin, pkg_unit, qty_unit, tax_band, default_price, barcode, active";

struct RawItem([String; 8], i64, Option<String>, bool);

fn raw_item(r: &Row<'_>) -> rusqlite::Result<RawItem> {
    Ok(RawItem(
        [r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
    ))
}

impl RawItem {
    fn decode(self) -> Result<Item> {
        let RawItem([code, name, class_code, item_type, origin, pkg_unit, qty_unit, band], price, barcode, active) =
            self;
        Ok(Item {
            code: codec::item_code(&code)?,
            name,
            class_code,
            item_type: codec::code("an item type", &item_type)?,
            origin,
            pkg_unit,
            qty_unit,
            tax_band: codec::band(&band)?,
            default_price: codec::money(price),
            barcode,
            active,
        })
    }
}

fn check_barcode_free(conn: &Reader<'_>, item: &Item) -> Result<()> {
    let Some(barcode) = &item.barcode else { return Ok(()) };
    let other: Option<(String, String)> = conn
        .query_row(
            "SELECT code, name FROM items WHERE barcode = ?1 AND code != ?2",
            params![barcode, item.code.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .during("check a barcode")?;
    match other {
        Some((code, name)) => Err(Error::BarcodeTaken { barcode: barcode.clone(), other: format!("{name} ({code})") }),
        None => Ok(()),
    }
}

/// Adds a new item and queues its registration with KRA, in one transaction. The caller has
/// validated it (`Item::validate`).
pub fn register_item(tx: &Tx<'_>, item: &Item, meta: &CommitMeta<'_>) -> Result<SavedItem> {
    if find_item(tx, &item.code)?.is_some() {
        return Err(Error::ItemExists { code: item.code.to_string() });
    }
    check_barcode_free(tx, item)?;
    tx.prepare_cached(
        "INSERT INTO items (code, name, class_code, item_type, origin, pkg_unit, qty_unit, tax_band, default_price,
                            barcode, active, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
    )
    .and_then(|mut s| {
        s.execute(params![
            item.code.as_str(),
            item.name.trim(),
            item.class_code,
            item.item_type.code(),
            item.origin,
            item.pkg_unit,
            item.qty_unit,
            codec::band_text(item.tax_band),
            item.default_price.cents(),
            item.barcode,
            item.active,
            meta.at.kra()
        ])
    })
    .during("add the item")?;
    let id = tx.last_insert_rowid();
    let doc = DocumentRef::new(DocumentKind::Item, id);
    let outbox_id = outbox::enqueue(tx, OutboxKind::SaveItem, doc, Some(&item.code), &[], meta.at)?;
    audit::append(tx, meta.at, meta.user, "register item", Some(doc), Some(item.code.as_str()))?;
    Ok(SavedItem { id, outbox_id })
}

/// One saved line of an item's composition: `qty` of `component` per unit of `item`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompositionLine {
    pub id: i64,
    pub item: ItemCode,
    pub component: ItemCode,
    pub qty: Qty,
    pub saved_at: domain::DateTime,
    pub user: String,
}

/// Saves what `item` is made of, one line per component, each queued for KRA as its own
/// `saveItemComposition` after the registrations of the finished item and of the component still
/// waiting. Returns the outbox rows. The caller checked the items exist and the quantities.
pub fn save_composition(
    tx: &Tx<'_>,
    item: &ItemCode,
    components: &[(ItemCode, Qty)],
    meta: &CommitMeta<'_>,
) -> Result<Vec<i64>> {
    let finished_registration = outbox::open_item_registration(tx, item)?;
    let mut rows = Vec::with_capacity(components.len());
    for (component, qty) in components {
        tx.prepare_cached(
            "INSERT INTO item_compositions (item_code, component_code, qty, saved_at, user_name)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .and_then(|mut s| {
            s.execute(params![item.as_str(), component.as_str(), qty.hundredths(), meta.at.kra(), meta.user])
        })
        .during("save the item's composition")?;
        let doc = DocumentRef::new(DocumentKind::ItemComposition, tx.last_insert_rowid());
        let deps: Vec<i64> =
            finished_registration.into_iter().chain(outbox::open_item_registration(tx, component)?).collect();
        rows.push(outbox::enqueue(tx, OutboxKind::ItemComposition, doc, Some(item), &deps, meta.at)?);
        let detail = format!("{item} = {qty} x {component}");
        audit::append(tx, meta.at, meta.user, "save item composition", Some(doc), Some(&detail))?;
    }
    Ok(rows)
}

/// One saved composition line.
pub fn composition_line(conn: &Reader<'_>, id: i64) -> Result<CompositionLine> {
    let raw: Option<(String, String, i64, String, String)> = conn
        .prepare_cached(
            "SELECT item_code, component_code, qty, saved_at, user_name FROM item_compositions WHERE id = ?1",
        )
        .and_then(|mut s| s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).optional())
        .during("read a composition line")?;
    let (item, component, qty, saved_at, user) = raw.ok_or(Error::DocumentNotFound { kind: "composition line", id })?;
    Ok(CompositionLine {
        id,
        item: codec::stored("an item code", &item, ItemCode::parse(&item).ok())?,
        component: codec::stored("an item code", &component, ItemCode::parse(&component).ok())?,
        qty: codec::qty(qty),
        saved_at: codec::stored("a time", &saved_at, domain::DateTime::parse_kra(&saved_at).ok())?,
        user,
    })
}

/// Changes an item's name, classification, band, price, barcode or active flag and queues the
/// update for KRA after any earlier registration of the same item. The code, type, origin and
/// units never change (KRA needs a new item for that).
pub fn update_item(tx: &Tx<'_>, item: &Item, meta: &CommitMeta<'_>) -> Result<SavedItem> {
    let (id, old) = find_item(tx, &item.code)?.ok_or_else(|| Error::ItemNotFound { code: item.code.to_string() })?;
    if old.item_type != item.item_type
        || old.origin != item.origin
        || old.pkg_unit != item.pkg_unit
        || old.qty_unit != item.qty_unit
    {
        return Err(Error::ItemIdentityChanged { code: item.code.to_string() });
    }
    check_barcode_free(tx, item)?;
    tx.execute(
        "UPDATE items SET name = ?2, class_code = ?3, tax_band = ?4, default_price = ?5, barcode = ?6, active = ?7,
                          updated_at = ?8
         WHERE id = ?1",
        params![
            id,
            item.name.trim(),
            item.class_code,
            codec::band_text(item.tax_band),
            item.default_price.cents(),
            item.barcode,
            item.active,
            meta.at.kra()
        ],
    )
    .during("change the item")?;
    let doc = DocumentRef::new(DocumentKind::Item, id);
    let earlier: Vec<i64> = outbox::open_item_registration(tx, &item.code)?.into_iter().collect();
    let outbox_id = outbox::enqueue(tx, OutboxKind::SaveItem, doc, Some(&item.code), &earlier, meta.at)?;
    audit::append(tx, meta.at, meta.user, "update item", Some(doc), Some(item.code.as_str()))?;
    Ok(SavedItem { id, outbox_id })
}

/// The item with `code` and its row id.
pub fn find_item(conn: &Reader<'_>, code: &ItemCode) -> Result<Option<(i64, Item)>> {
    let raw = conn
        .prepare_cached(&format!("SELECT {ITEM_COLUMNS}, id FROM items WHERE code = ?1"))
        .and_then(|mut s| s.query_row([code.as_str()], |r| Ok((raw_item(r)?, r.get::<_, i64>(11)?))).optional())
        .during("look up an item")?;
    raw.map(|(raw, id)| Ok((id, raw.decode()?))).transpose()
}

/// The item with `code`.
pub fn item(conn: &Reader<'_>, code: &ItemCode) -> Result<Option<Item>> {
    Ok(find_item(conn, code)?.map(|(_, item)| item))
}

/// The item a scanned barcode names.
pub fn item_by_barcode(conn: &Reader<'_>, barcode: &str) -> Result<Option<Item>> {
    conn.prepare_cached(&format!("SELECT {ITEM_COLUMNS} FROM items WHERE barcode = ?1"))
        .and_then(|mut s| s.query_row([barcode.trim()], raw_item).optional())
        .during("look up a barcode")?
        .map(RawItem::decode)
        .transpose()
}

/// Turns what the shopkeeper typed into an FTS5 query: every word must match as a prefix.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
}

/// Items whose name contains words starting with each typed word ("sug 1k" finds "Sugar 1kg"),
/// in name order, active and inactive alike. (Name order, not bm25 rank: on short item names rank
/// adds little and costs ~5× the time when a short prefix matches thousands of items.)
pub fn search_items(conn: &Reader<'_>, text: &str, limit: usize) -> Result<Vec<Item>> {
    let Some(query) = fts_query(text) else { return Ok(Vec::new()) };
    let cols = ITEM_COLUMNS.split(", ").map(|c| format!("i.{c}")).collect::<Vec<_>>().join(", ");
    let raws = conn
        .prepare_cached(&format!(
            "SELECT {cols} FROM item_search s JOIN items i ON i.id = s.rowid
             WHERE item_search MATCH ?1 ORDER BY i.name, i.code LIMIT ?2"
        ))
        .and_then(|mut s| {
            s.query_map(params![query, i64::try_from(limit).unwrap_or(i64::MAX)], raw_item)?
                .collect::<Result<Vec<_>, _>>()
        })
        .during("search items")?;
    raws.into_iter().map(RawItem::decode).collect()
}

/// Every item, by name.
pub fn all_items(conn: &Reader<'_>) -> Result<Vec<Item>> {
    let raws = conn
        .prepare_cached(&format!("SELECT {ITEM_COLUMNS} FROM items ORDER BY name, code"))
        .and_then(|mut s| s.query_map([], raw_item)?.collect::<Result<Vec<_>, _>>())
        .during("list items")?;
    raws.into_iter().map(RawItem::decode).collect()
}

/// The items (and their on-hand stock) a draft names, for `SaleDraft::finalise` or
/// `PurchaseDraft::finalise`.
#[derive(Debug, Clone, Default)]
pub struct LoadedCatalogue(BTreeMap<ItemCode, (Item, Qty)>);

impl LoadedCatalogue {
    /// Loads the given items; unknown codes are simply absent (the domain reports them).
    pub fn load<'a>(conn: &Reader<'_>, codes: impl IntoIterator<Item = &'a ItemCode>) -> Result<LoadedCatalogue> {
        let mut map = BTreeMap::new();
        for code in codes {
            if map.contains_key(code) {
                continue;
            }
            if let Some(item) = item(conn, code)? {
                let on_hand = stock::on_hand(conn, code)?;
                map.insert(code.clone(), (item, on_hand));
            }
        }
        Ok(LoadedCatalogue(map))
    }

    pub fn for_sale(conn: &Reader<'_>, draft: &SaleDraft) -> Result<LoadedCatalogue> {
        LoadedCatalogue::load(conn, draft.lines.iter().map(|l| &l.item))
    }

    pub fn for_purchase(conn: &Reader<'_>, draft: &PurchaseDraft) -> Result<LoadedCatalogue> {
        LoadedCatalogue::load(conn, draft.lines.iter().filter_map(|l| l.own_item.as_ref()))
    }
}

impl Catalogue for LoadedCatalogue {
    fn item(&self, code: &ItemCode) -> Option<&Item> {
        self.0.item(code)
    }
    fn on_hand(&self, code: &ItemCode) -> Qty {
        self.0.on_hand(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Store, testing};

    #[test]
    fn register_update_and_find() {
        let store = Store::open_in_memory().unwrap();
        let mut sugar = testing::item(1, "Sugar 1kg", Some("6161100120015"));
        let saved = store.write(|tx| register_item(tx, &sugar, &testing::meta())).unwrap();
        assert_eq!(store.read(|c| item_by_barcode(c, "6161100120015")).unwrap().as_ref(), Some(&sugar));
        let again = store.write(|tx| register_item(tx, &sugar, &testing::meta())).unwrap_err();
        assert!(matches!(again, Error::ItemExists { .. }), "{again}");

        sugar.name = "Sugar 1kg Kabras".into();
        sugar.default_price = domain::Money::from_cents(19_000);
        let updated = store.write(|tx| update_item(tx, &sugar, &testing::meta())).unwrap();
        assert_eq!(updated.id, saved.id);
        // The update waits for the registration.
        let row = store.read(|c| outbox::row(c, updated.outbox_id)).unwrap();
        assert_eq!(row.depends_on, [saved.outbox_id]);
        assert_eq!(store.read(|c| item(c, &sugar.code)).unwrap().unwrap().name, "Sugar 1kg Kabras");
        assert_eq!(store.read(|c| search_items(c, "kabr", 10)).unwrap().len(), 1);
        assert!(store.read(|c| search_items(c, "sugar 1kg", 10)).unwrap().iter().any(|i| i.code == sugar.code));

        let mut changed_unit = sugar.clone();
        changed_unit.qty_unit = "KG".into();
        assert!(matches!(
            store.write(|tx| update_item(tx, &changed_unit, &testing::meta())),
            Err(Error::ItemIdentityChanged { .. })
        ));
        // Items are never deleted.
        assert!(store.read(|c| c.execute("DELETE FROM items", []).during("t")).is_err());
    }

    #[test]
    fn a_barcode_names_one_item() {
        let store = Store::open_in_memory().unwrap();
        store.write(|tx| register_item(tx, &testing::item(1, "Sugar 1kg", Some("123")), &testing::meta())).unwrap();
        let err = store
            .write(|tx| register_item(tx, &testing::item(2, "Salt 1kg", Some("123")), &testing::meta()))
            .unwrap_err();
        assert!(err.to_string().contains("already belongs to Sugar 1kg"), "{err}");
        // Nothing of the refused item was kept.
        assert_eq!(store.read(all_items).unwrap().len(), 1);
    }

    #[test]
    fn search_matches_word_prefixes() {
        let store = Store::open_in_memory().unwrap();
        store
            .write(|tx| -> Result<_> {
                for (i, name) in ["Sugar 1kg", "Brown sugar 2kg", "Salt 500g", "Maize flour 2kg"].iter().enumerate() {
                    register_item(tx, &testing::item(i as u32 + 1, name, None), &testing::meta())?;
                }
                Ok(())
            })
            .unwrap();
        let names = |q: &str| -> Vec<String> {
            let mut v: Vec<String> =
                store.read(|c| search_items(c, q, 10)).unwrap().into_iter().map(|i| i.name).collect();
            v.sort();
            v
        };
        assert_eq!(names("sug"), ["Brown sugar 2kg", "Sugar 1kg"]);
        assert_eq!(names("2kg"), ["Brown sugar 2kg", "Maize flour 2kg"]);
        assert_eq!(names("SUGAR 2"), ["Brown sugar 2kg"]);
        assert!(names("  \"*( ").is_empty());
        assert!(names("rice").is_empty());
    }
}
