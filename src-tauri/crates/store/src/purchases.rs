//! Purchases: suppliers' invoices from KRA's feed kept raw until the shop decides, confirmed
//! purchases (lines, stock in as type 02, outbox rows, audit entry) committed in one transaction,
//! rejections, and the memory of which own item each supplier item is.

use domain::{
    DateTime, ItemCode, Money, PaymentType, Purchase, PurchaseLine, PurchaseSource, Qty, StockMoveType, TaxBand,
};
use rusqlite::{OptionalExtension, params, params_from_iter, types::Value};

use crate::{
    CommitMeta, DocumentKind, DocumentRef, Error, Reader, Result, Tx, audit, codec,
    columns::{self, TOTAL_COLUMN_COUNT, TOTAL_COLUMNS},
    error::During,
    numbering::{self, Series},
    outbox::{self, OutboxKind},
    sales, stock,
};

/// A supplier's invoice naming the shop, as KRA's purchase feed sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPurchase {
    pub supplier_pin: String,
    pub supplier_name: Option<String>,
    pub supplier_branch: String,
    /// `spplrInvcNo`.
    pub supplier_invoice_no: i64,
    /// `salesDt` as sent (YYYYMMDD).
    pub sales_date: Option<String>,
    pub total_amount: Money,
    pub lines: Vec<FeedPurchaseLine>,
    /// The whole `saleList[]` entry, verbatim.
    pub raw_json: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPurchaseLine {
    pub seq: u16,
    pub item_code: Option<String>,
    pub class_code: Option<String>,
    pub name: String,
    pub barcode: Option<String>,
    pub pkg_unit: Option<String>,
    pub pkg: Option<Qty>,
    pub qty_unit: Option<String>,
    pub qty: Qty,
    pub unit_price: Money,
    pub supply: Money,
    pub discount_rate: i64,
    pub discount: Money,
    pub band: TaxBand,
    pub taxable: Money,
    pub tax: Money,
    pub total: Money,
}

/// The shop's answer to a feed purchase or an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accepted,
    Rejected,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accepted => "accepted",
            Decision::Rejected => "rejected",
        }
    }

    pub(crate) fn parse(value: Option<String>) -> Result<Option<Decision>> {
        match value.as_deref() {
            None => Ok(None),
            Some("accepted") => Ok(Some(Decision::Accepted)),
            Some("rejected") => Ok(Some(Decision::Rejected)),
            Some(other) => Err(Error::StoredValue { what: "a decision", value: other.to_owned() }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFeedPurchase {
    pub id: i64,
    pub received_at: DateTime,
    pub decision: Option<Decision>,
    pub purchase: FeedPurchase,
}

/// What confirming a purchase wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedPurchase {
    pub id: i64,
    /// e.g. `PUR-000004`.
    pub trader_no: String,
    /// The `insertTrnsPurchase` outbox row.
    pub outbox_id: i64,
    pub stock_document_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPurchase {
    pub id: i64,
    pub trader_no: String,
    pub feed_purchase_id: Option<i64>,
    pub committed_at: DateTime,
    pub user: String,
    pub purchase: Purchase,
}

/// Saves a feed purchase unless it is already saved (same supplier, branch and invoice number);
/// returns its id either way.
pub fn save_feed_purchase(tx: &Tx<'_>, p: &FeedPurchase, received_at: DateTime) -> Result<i64> {
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM feed_purchases WHERE supplier_pin = ?1 AND supplier_branch = ?2 AND supplier_invoice_no = ?3",
            params![p.supplier_pin, p.supplier_branch, p.supplier_invoice_no],
            |r| r.get(0),
        )
        .optional()
        .during("save a purchase from KRA")?;
    if let Some(id) = existing {
        return Ok(id);
    }
    tx.execute(
        "INSERT INTO feed_purchases (supplier_pin, supplier_name, supplier_branch, supplier_invoice_no, sales_date,
                                     total_amount, raw_json, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            p.supplier_pin,
            p.supplier_name,
            p.supplier_branch,
            p.supplier_invoice_no,
            p.sales_date,
            p.total_amount.cents(),
            p.raw_json,
            received_at.kra()
        ],
    )
    .during("save a purchase from KRA")?;
    let id = tx.last_insert_rowid();
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO feed_purchase_lines (feed_purchase_id, seq, item_code, class_code, name, barcode, pkg_unit, pkg,
                 qty_unit, qty, unit_price, supply, discount_rate, discount, tax_band, taxable, tax, total)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        )
        .during("save a purchase from KRA")?;
    for l in &p.lines {
        stmt.execute(params![
            id,
            l.seq,
            l.item_code,
            l.class_code,
            l.name,
            l.barcode,
            l.pkg_unit,
            l.pkg.map(Qty::hundredths),
            l.qty_unit,
            l.qty.hundredths(),
            l.unit_price.cents(),
            l.supply.cents(),
            l.discount_rate,
            l.discount.cents(),
            codec::band_text(l.band),
            l.taxable.cents(),
            l.tax.cents(),
            l.total.cents()
        ])
        .during("save a purchase from KRA")?;
    }
    Ok(id)
}

/// Feed purchases, oldest first; only those still awaiting a decision when `undecided_only`.
pub fn feed_purchases(conn: &Reader<'_>, undecided_only: bool) -> Result<Vec<StoredFeedPurchase>> {
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT id FROM feed_purchases WHERE (?1 = 0 OR decision IS NULL) ORDER BY id")
        .and_then(|mut s| s.query_map([undecided_only], |r| r.get(0))?.collect::<Result<Vec<_>, _>>())
        .during("list purchases from KRA")?;
    ids.into_iter().map(|id| feed_purchase(conn, id)).collect()
}

/// One feed purchase with its lines.
pub fn feed_purchase(conn: &Reader<'_>, id: i64) -> Result<StoredFeedPurchase> {
    type Head = (String, Option<String>, String, i64, Option<String>, i64, String, String, Option<String>);
    let head: Head = conn
        .query_row(
            "SELECT supplier_pin, supplier_name, supplier_branch, supplier_invoice_no, sales_date, total_amount,
                    raw_json, received_at, decision FROM feed_purchases WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)),
        )
        .optional()
        .during("read a purchase from KRA")?
        .ok_or(Error::DocumentNotFound { kind: "purchase from KRA", id })?;
    type RawLine = (i64, [Option<String>; 5], Option<i64>, Option<String>, [i64; 6], String, [i64; 3]);
    let raw_lines: Vec<RawLine> = conn
        .prepare_cached(
            "SELECT seq, item_code, class_code, name, barcode, pkg_unit, pkg, qty_unit, qty, unit_price, supply,
                    discount_rate, discount, taxable, tax_band, tax, total, 0
             FROM feed_purchase_lines WHERE feed_purchase_id = ?1 ORDER BY seq",
        )
        .and_then(|mut s| {
            s.query_map([id], |r| {
                Ok((
                    r.get(0)?,
                    [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?],
                    r.get(6)?,
                    r.get(7)?,
                    [r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?, r.get(13)?],
                    r.get(14)?,
                    [r.get(15)?, r.get(16)?, r.get(17)?],
                ))
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .during("read a purchase from KRA")?;
    let lines = raw_lines
        .into_iter()
        .map(|(seq, [item_code, class_code, name, barcode, pkg_unit], pkg, qty_unit, ints, band, [tax, total, _])| {
            let [qty, price, supply, discount_rate, discount, taxable] = ints;
            Ok(FeedPurchaseLine {
                seq: codec::seq(seq)?,
                item_code,
                class_code,
                name: name.unwrap_or_default(),
                barcode,
                pkg_unit,
                pkg: pkg.map(codec::qty),
                qty_unit,
                qty: codec::qty(qty),
                unit_price: codec::money(price),
                supply: codec::money(supply),
                discount_rate,
                discount: codec::money(discount),
                band: codec::band(&band)?,
                taxable: codec::money(taxable),
                tax: codec::money(tax),
                total: codec::money(total),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let (supplier_pin, supplier_name, supplier_branch, supplier_invoice_no, sales_date, total, raw_json, at, decision) =
        head;
    Ok(StoredFeedPurchase {
        id,
        received_at: codec::datetime(&at)?,
        decision: Decision::parse(decision)?,
        purchase: FeedPurchase {
            supplier_pin,
            supplier_name,
            supplier_branch,
            supplier_invoice_no,
            sales_date,
            total_amount: codec::money(total),
            lines,
            raw_json,
        },
    })
}

fn decide_feed(tx: &Tx<'_>, feed_id: i64, decision: Decision, at: DateTime) -> Result<()> {
    let current = feed_purchase(tx, feed_id)?.decision;
    if let Some(d) = current {
        return Err(Error::AlreadyDecided { what: "this purchase", decision: d.as_str().into() });
    }
    tx.execute(
        "UPDATE feed_purchases SET decision = ?2, decided_at = ?3 WHERE id = ?1",
        params![feed_id, decision.as_str(), at.kra()],
    )
    .during("record the decision on a purchase")?;
    Ok(())
}

/// The supplier-side key an item is remembered under: its code, else its name.
fn supplier_key(line: &PurchaseLine) -> String {
    line.supplier_item_code.clone().unwrap_or_else(|| line.supplier_item_name.trim().to_uppercase())
}

/// Which own item `supplier_item` (a supplier item code, or its name) of `supplier_pin` was last time.
pub fn remembered_item(conn: &Reader<'_>, supplier_pin: &str, supplier_item: &str) -> Result<Option<ItemCode>> {
    let code: Option<String> = conn
        .query_row(
            "SELECT own_item_code FROM supplier_item_map WHERE supplier_pin = ?1 AND supplier_item IN (?2, upper(trim(?2)))",
            params![supplier_pin, supplier_item],
            |r| r.get(0),
        )
        .optional()
        .during("recall a supplier item")?;
    code.as_deref().map(codec::item_code).transpose()
}

/// Confirms a finalised purchase in one transaction: the purchase and its lines under the next
/// `PUR-` number, the feed purchase's decision (if it came from the feed), the supplier-item
/// memory, the goods' stock movements (type 02) and the outbox rows (the purchase after any
/// unfinished registration of its items, then its stock IO and stock masters).
pub fn commit_purchase(
    tx: &Tx<'_>,
    feed_purchase_id: Option<i64>,
    purchase: &Purchase,
    meta: &CommitMeta<'_>,
) -> Result<CommittedPurchase> {
    if let Some(feed_id) = feed_purchase_id {
        decide_feed(tx, feed_id, Decision::Accepted, meta.at)?;
    }
    let trader_no = numbering::next_document_no(tx, Series::Purchase)?;
    let mut header: Vec<Value> = vec![
        Value::Text(trader_no.clone()),
        feed_purchase_id.map_or(Value::Null, Value::Integer),
        Value::Text(purchase.source.code().to_owned()),
        purchase.supplier_pin.as_ref().map_or(Value::Null, |p| Value::Text(p.as_str().to_owned())),
        purchase.supplier_name.clone().map_or(Value::Null, Value::Text),
        purchase.supplier_branch.clone().map_or(Value::Null, Value::Text),
        purchase.supplier_invoice_no.map_or(Value::Null, Value::Integer),
        Value::Text(purchase.date.kra()),
        Value::Text(purchase.payment.code().to_owned()),
    ];
    header.extend(columns::total_values(&purchase.totals));
    header.push(Value::Text(meta.at.kra()));
    header.push(Value::Text(meta.user.to_owned()));
    tx.prepare_cached(&format!(
        "INSERT INTO purchases (trader_no, feed_purchase_id, source, supplier_pin, supplier_name, supplier_branch,
                                supplier_invoice_no, purchase_date, payment_type, {TOTAL_COLUMNS}, committed_at, user_name)
         VALUES ({})",
        columns::placeholders(11 + TOTAL_COLUMN_COUNT)
    ))
    .and_then(|mut s| s.execute(params_from_iter(header)))
    .during("save the purchase")?;
    let id = tx.last_insert_rowid();
    sales::insert_lines(
        tx,
        "purchase_lines",
        "purchase_id",
        ", supplier_item_code, supplier_item_name, supplier_class_code",
        id,
        purchase.lines.iter().map(|l| {
            (
                &l.line,
                vec![
                    l.supplier_item_code.clone().map_or(Value::Null, Value::Text),
                    Value::Text(l.supplier_item_name.clone()),
                    l.supplier_class_code.clone().map_or(Value::Null, Value::Text),
                ],
            )
        }),
        3,
    )?;
    if let Some(pin) = &purchase.supplier_pin {
        let mut remember = tx
            .prepare_cached(
                "INSERT INTO supplier_item_map (supplier_pin, supplier_item, own_item_code, updated_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (supplier_pin, supplier_item) DO UPDATE SET own_item_code = excluded.own_item_code,
                     updated_at = excluded.updated_at",
            )
            .during("remember supplier items")?;
        for l in &purchase.lines {
            remember
                .execute(params![pin.as_str(), supplier_key(l), l.line.item_code.as_str(), meta.at.kra()])
                .during("remember supplier items")?;
        }
    }
    crate::chain::link(tx, crate::chain::ChainKind::Purchase, id, meta.at)?;
    let doc = DocumentRef::new(DocumentKind::Purchase, id);
    let deps = sales::open_registrations(tx, purchase.lines.iter().map(|l| &l.line.item_code))?;
    let outbox_id = outbox::enqueue(tx, OutboxKind::Purchase, doc, None, &deps, meta.at)?;
    let stock =
        stock::write_document(tx, StockMoveType::Purchase, Some(doc), &purchase.stock_in(), None, meta, &[outbox_id])?;
    audit::append(tx, meta.at, meta.user, "confirm purchase", Some(doc), Some(&trader_no))?;
    Ok(CommittedPurchase { id, trader_no, outbox_id, stock_document_id: stock.map(|s| s.id) })
}

/// Rejects a feed purchase: records the decision and queues the answer to KRA. No stock moves.
pub fn reject_feed_purchase(tx: &Tx<'_>, feed_purchase_id: i64, meta: &CommitMeta<'_>) -> Result<i64> {
    decide_feed(tx, feed_purchase_id, Decision::Rejected, meta.at)?;
    let doc = DocumentRef::new(DocumentKind::FeedPurchase, feed_purchase_id);
    let outbox_id = outbox::enqueue(tx, OutboxKind::PurchaseRejection, doc, None, &[], meta.at)?;
    audit::append(tx, meta.at, meta.user, "reject purchase", Some(doc), None)?;
    Ok(outbox_id)
}

/// A confirmed purchase, exactly as committed.
pub fn load_purchase(conn: &Reader<'_>, id: i64) -> Result<StoredPurchase> {
    type Head = (
        String,
        Option<i64>,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        String,
        String,
        [i64; TOTAL_COLUMN_COUNT],
        String,
        String,
    );
    let head: Head = conn
        .prepare_cached(&format!(
            "SELECT trader_no, feed_purchase_id, source, supplier_pin, supplier_name, supplier_branch,
                    supplier_invoice_no, purchase_date, payment_type, {TOTAL_COLUMNS}, committed_at, user_name
             FROM purchases WHERE id = ?1"
        ))
        .and_then(|mut s| {
            s.query_row([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    columns::raw_totals(r, 9)?,
                    r.get(9 + TOTAL_COLUMN_COUNT)?,
                    r.get(10 + TOTAL_COLUMN_COUNT)?,
                ))
            })
            .optional()
        })
        .during("read a purchase")?
        .ok_or(Error::DocumentNotFound { kind: "purchase", id })?;
    let (trader_no, feed_purchase_id, source, pin, name, branch, invoice_no, date, payment, totals, at, user) = head;
    type Extra = (Option<String>, String, Option<String>);
    let extras: Vec<Extra> = conn
        .prepare_cached(
            "SELECT supplier_item_code, supplier_item_name, supplier_class_code FROM purchase_lines
             WHERE purchase_id = ?1 ORDER BY seq",
        )
        .and_then(|mut s| s.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<Vec<_>, _>>())
        .during("read a purchase")?;
    let lines = sales::read_lines(conn, "purchase_lines", "purchase_id", id)?
        .into_iter()
        .zip(extras)
        .map(|(line, (code, name, class))| PurchaseLine {
            line,
            supplier_item_code: code,
            supplier_item_name: name,
            supplier_class_code: class,
        })
        .collect();
    let payment: PaymentType = codec::code("a payment type", &payment)?;
    Ok(StoredPurchase {
        id,
        trader_no,
        feed_purchase_id,
        committed_at: codec::datetime(&at)?,
        user,
        purchase: Purchase {
            source: match source.as_str() {
                "A" => PurchaseSource::KraFeed,
                "M" => PurchaseSource::Manual,
                other => return Err(Error::StoredValue { what: "a purchase source", value: other.to_owned() }),
            },
            supplier_pin: sales::optional_pin(pin)?,
            supplier_name: name,
            supplier_branch: branch,
            supplier_invoice_no: invoice_no,
            date: codec::date(&date)?,
            payment,
            lines,
            totals: columns::decode_totals(totals)?,
        },
    })
}

#[cfg(test)]
mod tests {
    use domain::{Date, PurchaseDraft, PurchaseLineDraft};

    use super::*;
    use crate::{LoadedCatalogue, Store, testing};

    fn feed(invoice_no: i64) -> FeedPurchase {
        FeedPurchase {
            supplier_pin: "P052581715V".into(),
            supplier_name: Some("Nyati Wholesalers".into()),
            supplier_branch: "00".into(),
            supplier_invoice_no: invoice_no,
            sales_date: Some("20261120".into()),
            total_amount: Money::from_cents(300_000),
            lines: vec![FeedPurchaseLine {
                seq: 1,
                item_code: Some("KE2NTBG0000003".into()),
                class_code: Some("5020230500".into()),
                name: "SUGAR 1KG BALE".into(),
                barcode: None,
                pkg_unit: Some("BG".into()),
                pkg: Some(Qty::whole(20)),
                qty_unit: Some("NO".into()),
                qty: Qty::whole(20),
                unit_price: Money::from_cents(15_000),
                supply: Money::from_cents(300_000),
                discount_rate: 0,
                discount: Money::ZERO,
                band: TaxBand::B,
                taxable: Money::from_cents(258_621),
                tax: Money::from_cents(41_379),
                total: Money::from_cents(300_000),
            }],
            raw_json: format!("{{\"spplrInvcNo\":{invoice_no}}}"),
        }
    }

    fn draft(store: &Store, f: &FeedPurchase) -> PurchaseDraft {
        let l = &f.lines[0];
        let own = store
            .read(|c| remembered_item(c, &f.supplier_pin, l.item_code.as_deref().unwrap_or(&l.name)))
            .unwrap()
            .or(Some(testing::code(1, domain::ItemType::Finished)));
        PurchaseDraft {
            source: PurchaseSource::KraFeed,
            supplier_pin: Some(f.supplier_pin.clone()),
            supplier_name: f.supplier_name.clone(),
            supplier_branch: Some(f.supplier_branch.clone()),
            supplier_invoice_no: Some(f.supplier_invoice_no),
            date: Date::new(2026, 11, 20).unwrap(),
            payment: PaymentType::Credit,
            lines: vec![PurchaseLineDraft {
                supplier_item_code: l.item_code.clone(),
                supplier_item_name: l.name.clone(),
                supplier_class_code: l.class_code.clone(),
                qty: l.qty,
                unit_price: l.unit_price,
                discount: l.discount,
                band: l.band,
                own_item: own,
            }],
            stated_total: Some(f.total_amount),
        }
    }

    #[test]
    fn feed_purchases_are_confirmed_once_with_stock_and_memory() {
        let (store, items) = testing::shop();
        let f = feed(41);
        let id = store.write(|tx| save_feed_purchase(tx, &f, testing::now())).unwrap();
        assert_eq!(store.write(|tx| save_feed_purchase(tx, &f, testing::now())).unwrap(), id);
        assert_eq!(store.read(|c| feed_purchases(c, true)).unwrap()[0].purchase, f);
        let d = draft(&store, &f);
        let catalogue = store.read(|c| LoadedCatalogue::for_purchase(c, &d)).unwrap();
        let purchase = d.finalise(&catalogue, &testing::rates()).unwrap();
        let c = store.write(|tx| commit_purchase(tx, Some(id), &purchase, &testing::meta())).unwrap();
        assert_eq!(c.trader_no, "PUR-000001");
        assert_eq!(store.read(|conn| stock::on_hand(conn, &items[0].code)).unwrap(), Qty::whole(70));
        assert_eq!(store.read(|conn| load_purchase(conn, c.id)).unwrap().purchase, purchase);
        assert_eq!(
            store.read(|conn| remembered_item(conn, "P052581715V", "KE2NTBG0000003")).unwrap(),
            Some(items[0].code.clone())
        );
        assert!(store.read(|conn| feed_purchases(conn, true)).unwrap().is_empty());
        let again = store.write(|tx| commit_purchase(tx, Some(id), &purchase, &testing::meta())).unwrap_err();
        assert!(matches!(again, Error::AlreadyDecided { .. }), "{again}");
        assert!(store.read(|conn| conn.execute("UPDATE purchase_lines SET qty = 1", []).during("t")).is_err());
        assert!(store.read(|conn| conn.execute("DELETE FROM purchases", []).during("t")).is_err());
    }

    #[test]
    fn a_rejected_feed_purchase_moves_no_stock() {
        let (store, items) = testing::shop();
        let id = store.write(|tx| save_feed_purchase(tx, &feed(42), testing::now())).unwrap();
        let row = store.write(|tx| reject_feed_purchase(tx, id, &testing::meta())).unwrap();
        assert_eq!(store.read(|c| outbox::row(c, row)).unwrap().kind, OutboxKind::PurchaseRejection);
        assert_eq!(store.read(|c| feed_purchase(c, id)).unwrap().decision, Some(Decision::Rejected));
        assert_eq!(store.read(|c| stock::on_hand(c, &items[0].code)).unwrap(), Qty::whole(50));
        assert!(store.write(|tx| reject_feed_purchase(tx, id, &testing::meta())).is_err());
    }

    #[test]
    fn a_purchase_dated_before_the_last_document_is_refused() {
        let (store, _) = testing::shop();
        let id = store.write(|tx| save_feed_purchase(tx, &feed(43), testing::now())).unwrap();
        let d = draft(&store, &feed(43));
        let catalogue = store.read(|c| LoadedCatalogue::for_purchase(c, &d)).unwrap();
        let purchase = d.finalise(&catalogue, &testing::rates()).unwrap();
        let early = CommitMeta { at: domain::DateTime::parse_kra("20261121095959").unwrap(), ..testing::meta() };
        let err = store.write(|tx| commit_purchase(tx, Some(id), &purchase, &early)).unwrap_err();
        assert!(matches!(err, Error::ClockBehind { last_kind: "stock movement", .. }), "{err}");
        assert!(store.read(|c| feed_purchases(c, true)).unwrap().len() == 1, "the refusal decided nothing");
    }
}
