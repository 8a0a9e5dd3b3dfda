//! Customs imports from KRA (`selectImportItemList`), kept raw until the shop maps each to one of
//! its items and accepts it (stock in as type 01 after the `updateImportItem` call) or rejects it.

use domain::{DateTime, ItemCode, Money, Qty, StockMoveType};
use rusqlite::{OptionalExtension, params};

use crate::{
    CommitMeta, DocumentKind, DocumentRef, Error, Reader, Result, Tx, audit, codec,
    error::During,
    items,
    outbox::{self, OutboxKind},
    purchases::Decision,
    stock,
};

/// One declared item, as KRA sent it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportedItem {
    pub task_code: String,
    /// `dclDe` exactly as received (DDMMYYYY in practice); sent back unchanged.
    pub declaration_date: String,
    pub item_seq: i64,
    pub declaration_no: Option<String>,
    pub hs_code: Option<String>,
    pub name: String,
    /// `imptItemsttsCd` as last seen.
    pub kra_status: Option<String>,
    pub origin: Option<String>,
    pub export_country: Option<String>,
    pub pkg: Option<Qty>,
    pub pkg_unit: Option<String>,
    pub qty: Option<Qty>,
    pub qty_unit: Option<String>,
    pub supplier_name: Option<String>,
    pub agent_name: Option<String>,
    pub invoice_amount: Option<Money>,
    pub invoice_currency: Option<String>,
    /// The whole `itemList[]` entry, verbatim.
    pub raw_json: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImport {
    pub id: i64,
    pub received_at: DateTime,
    pub decision: Option<Decision>,
    pub mapped_item: Option<ItemCode>,
    pub item: ImportedItem,
}

/// What accepting an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptedImport {
    /// The `updateImportItem` outbox row.
    pub outbox_id: i64,
    pub stock_document_id: Option<i64>,
}

/// Saves imports from KRA. New ones are added; undecided ones are refreshed; decided ones are left
/// as they are. Returns the row ids in input order.
pub fn save_imported_items(tx: &Tx<'_>, list: &[ImportedItem], received_at: DateTime) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(list.len());
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO imported_items (task_code, declaration_date, item_seq, declaration_no, hs_code, name,
                 kra_status, origin, export_country, pkg, pkg_unit, qty, qty_unit, supplier_name, agent_name,
                 invoice_amount, invoice_currency, raw_json, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
             ON CONFLICT (task_code, declaration_date, item_seq) DO UPDATE SET
                 declaration_no = excluded.declaration_no, hs_code = excluded.hs_code, name = excluded.name,
                 kra_status = excluded.kra_status, origin = excluded.origin, export_country = excluded.export_country,
                 pkg = excluded.pkg, pkg_unit = excluded.pkg_unit, qty = excluded.qty, qty_unit = excluded.qty_unit,
                 supplier_name = excluded.supplier_name, agent_name = excluded.agent_name,
                 invoice_amount = excluded.invoice_amount, invoice_currency = excluded.invoice_currency,
                 raw_json = excluded.raw_json, received_at = excluded.received_at
             WHERE imported_items.decision IS NULL",
        )
        .during("save imports from KRA")?;
    for i in list {
        stmt.execute(params![
            i.task_code,
            i.declaration_date,
            i.item_seq,
            i.declaration_no,
            i.hs_code,
            i.name,
            i.kra_status,
            i.origin,
            i.export_country,
            i.pkg.map(Qty::hundredths),
            i.pkg_unit,
            i.qty.map(Qty::hundredths),
            i.qty_unit,
            i.supplier_name,
            i.agent_name,
            i.invoice_amount.map(Money::cents),
            i.invoice_currency,
            i.raw_json,
            received_at.kra()
        ])
        .during("save imports from KRA")?;
        let id: i64 = tx
            .query_row(
                "SELECT id FROM imported_items WHERE task_code = ?1 AND declaration_date = ?2 AND item_seq = ?3",
                params![i.task_code, i.declaration_date, i.item_seq],
                |r| r.get(0),
            )
            .during("save imports from KRA")?;
        ids.push(id);
    }
    Ok(ids)
}

const COLUMNS: &str = "id, task_code, declaration_date, item_seq, declaration_no, hs_code, name, kra_status, origin, \
     export_country, pkg, pkg_unit, qty, qty_unit, supplier_name, agent_name, invoice_amount, invoice_currency, \
     raw_json, received_at, decision, mapped_item_code";

type Raw = (i64, ImportedItem, String, Option<String>, Option<String>);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        r.get(0)?,
        ImportedItem {
            task_code: r.get(1)?,
            declaration_date: r.get(2)?,
            item_seq: r.get(3)?,
            declaration_no: r.get(4)?,
            hs_code: r.get(5)?,
            name: r.get(6)?,
            kra_status: r.get(7)?,
            origin: r.get(8)?,
            export_country: r.get(9)?,
            pkg: r.get::<_, Option<i64>>(10)?.map(codec::qty),
            pkg_unit: r.get(11)?,
            qty: r.get::<_, Option<i64>>(12)?.map(codec::qty),
            qty_unit: r.get(13)?,
            supplier_name: r.get(14)?,
            agent_name: r.get(15)?,
            invoice_amount: r.get::<_, Option<i64>>(16)?.map(codec::money),
            invoice_currency: r.get(17)?,
            raw_json: r.get(18)?,
        },
        r.get(19)?,
        r.get(20)?,
        r.get(21)?,
    ))
}

fn decode((id, item, at, decision, mapped): Raw) -> Result<StoredImport> {
    Ok(StoredImport {
        id,
        received_at: codec::datetime(&at)?,
        decision: Decision::parse(decision)?,
        mapped_item: mapped.as_deref().map(codec::item_code).transpose()?,
        item,
    })
}

/// Imports, oldest first; only undecided ones when `undecided_only`.
pub fn imported_items(conn: &Reader<'_>, undecided_only: bool) -> Result<Vec<StoredImport>> {
    let raws = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM imported_items WHERE (?1 = 0 OR decision IS NULL) ORDER BY id"))
        .and_then(|mut s| s.query_map([undecided_only], raw)?.collect::<Result<Vec<_>, _>>())
        .during("list imports from KRA")?;
    raws.into_iter().map(decode).collect()
}

pub fn imported_item(conn: &Reader<'_>, id: i64) -> Result<StoredImport> {
    let raw = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM imported_items WHERE id = ?1"))
        .and_then(|mut s| s.query_row([id], raw).optional())
        .during("read an import from KRA")?
        .ok_or(Error::DocumentNotFound { kind: "import", id })?;
    decode(raw)
}

fn require_undecided(tx: &Tx<'_>, id: i64) -> Result<()> {
    if let Some(d) = imported_item(tx, id)?.decision {
        return Err(Error::AlreadyDecided { what: "this import", decision: d.as_str().into() });
    }
    Ok(())
}

/// Accepts import `id` as `qty` of own item `item` in one transaction: the decision, the
/// `updateImportItem` outbox row (after the item's unfinished registration), the stock coming in
/// (type 01, after that row) and the audit entry.
pub fn accept_import(tx: &Tx<'_>, id: i64, item: &ItemCode, qty: Qty, meta: &CommitMeta<'_>) -> Result<AcceptedImport> {
    require_undecided(tx, id)?;
    let (_, own) = items::find_item(tx, item)?.ok_or_else(|| Error::ItemNotFound { code: item.to_string() })?;
    tx.execute(
        "UPDATE imported_items SET decision = 'accepted', mapped_item_code = ?2, decided_at = ?3 WHERE id = ?1",
        params![id, item.as_str(), meta.at.kra()],
    )
    .during("accept an import")?;
    let doc = DocumentRef::new(DocumentKind::ImportedItem, id);
    let deps: Vec<i64> = outbox::open_item_registration(tx, item)?.into_iter().collect();
    let outbox_id = outbox::enqueue(tx, OutboxKind::ImportUpdate, doc, None, &deps, meta.at)?;
    let lines = if own.item_type.carries_stock() && qty.is_positive() { vec![(item.clone(), qty)] } else { vec![] };
    let stock = stock::write_document(tx, StockMoveType::Import, Some(doc), &lines, None, meta, &[outbox_id])?;
    audit::append(tx, meta.at, meta.user, "accept import", Some(doc), Some(item.as_str()))?;
    Ok(AcceptedImport { outbox_id, stock_document_id: stock.map(|s| s.id) })
}

/// Rejects import `id`: the decision, the `updateImportItem` outbox row and the audit entry.
pub fn reject_import(tx: &Tx<'_>, id: i64, meta: &CommitMeta<'_>) -> Result<i64> {
    require_undecided(tx, id)?;
    tx.execute(
        "UPDATE imported_items SET decision = 'rejected', decided_at = ?2 WHERE id = ?1",
        params![id, meta.at.kra()],
    )
    .during("reject an import")?;
    let doc = DocumentRef::new(DocumentKind::ImportedItem, id);
    let outbox_id = outbox::enqueue(tx, OutboxKind::ImportUpdate, doc, None, &[], meta.at)?;
    audit::append(tx, meta.at, meta.user, "reject import", Some(doc), None)?;
    Ok(outbox_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Store, testing};

    fn import(seq: i64, status: &str) -> ImportedItem {
        ImportedItem {
            task_code: "2231943".into(),
            declaration_date: "20052023".into(),
            item_seq: seq,
            name: "GLASS BOTTLES;CLEAR".into(),
            kra_status: Some(status.into()),
            qty: Some(Qty::whole(240)),
            qty_unit: Some("KGM".into()),
            raw_json: format!("{{\"itemSeq\":{seq}}}"),
            ..Default::default()
        }
    }

    #[test]
    fn accept_and_reject_imports_once() {
        let store = Store::open_in_memory().unwrap();
        let bottle = testing::item(1, "Glass bottle", None);
        store.write(|tx| items::register_item(tx, &bottle, &testing::meta())).unwrap();
        let ids = store.write(|tx| save_imported_items(tx, &[import(1, "2"), import(2, "2")], testing::now())).unwrap();
        let accepted =
            store.write(|tx| accept_import(tx, ids[0], &bottle.code, Qty::whole(240), &testing::meta())).unwrap();
        store.write(|tx| reject_import(tx, ids[1], &testing::meta())).unwrap();
        assert_eq!(store.read(|c| stock::on_hand(c, &bottle.code)).unwrap(), Qty::whole(240));
        let io = store.read(|c| stock::stock_document(c, accepted.stock_document_id.unwrap())).unwrap();
        assert_eq!(io.kind, StockMoveType::Import);
        assert!(matches!(
            store.write(|tx| reject_import(tx, ids[0], &testing::meta())),
            Err(Error::AlreadyDecided { .. })
        ));
        // A later pull does not disturb decided rows, and refreshes nothing twice.
        let again = store.write(|tx| save_imported_items(tx, &[import(1, "3")], testing::now())).unwrap();
        assert_eq!(again, vec![ids[0]]);
        let stored = store.read(|c| imported_item(c, ids[0])).unwrap();
        assert_eq!((stored.decision, stored.item.kra_status.as_deref()), (Some(Decision::Accepted), Some("2")));
        assert!(store.read(|c| imported_items(c, true)).unwrap().is_empty());
    }
}
