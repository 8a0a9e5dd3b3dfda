//! Wire requests for outbox rows, built from the stored documents with `oscu::build`. The tax
//! split, header rates and item codes come from the stored document (decided by `domain` at
//! commit); sync adds only what is decided at send time: the KRA number and the user stamp.

use domain::{DateTime, Item, ItemCode, Qty};
use oscu::{
    Frozen, Function, Kept, Request,
    build::{PurchaseHeader, SaleHeader, StockHeader},
    wire::{
        ImportItem, ImportItemUpdateReq, ItemCompositionSaveReq, ItemSaveReq, StockIOSaveReq, StockMasterSaveReq,
        TrnsPurchaseSaveReq, TrnsSalesSaveWrReq, UserStamp,
    },
};
use store::{DocumentKind, OutboxKind, OutboxRow, Reader, ShopDetails};

use crate::{Error, Result, error::During};

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn build_err(what: impl Into<String>) -> impl FnOnce(oscu::Error) -> Error {
    let what = what.into();
    move |e| Error::BuildRequest { what, reason: e.to_string() }
}

fn sale_header(
    invc_no: u64,
    trader_no: &str,
    at: DateTime,
    goods: bool,
    user: &UserStamp,
    shop: Option<&ShopDetails>,
) -> SaleHeader {
    SaleHeader {
        invc_no,
        trd_invc_no: trader_no.to_owned(),
        confirmed_at: at,
        receipt_published_at: at,
        stock_released_at: goods.then_some(at),
        user: user.clone(),
        trade_name: shop.map(|s| cut(&s.name, 20)),
        address: shop.and_then(|s| s.address.as_deref()).map(|a| cut(a, 200)),
        top_message: None,
        bottom_message: None,
        buyer_mobile: None,
        remark: None,
    }
}

fn number(number: Option<i64>, what: &str) -> Result<u64> {
    number
        .and_then(|n| u64::try_from(n).ok())
        .ok_or_else(|| Error::BuildRequest { what: what.to_owned(), reason: "no KRA number was reserved".to_owned() })
}

/// The request's bytes, frozen by `oscu` (the only place that writes KRA's JSON).
fn to_json<R: Request>(what: &str, request: &R) -> Result<String> {
    Frozen::new(request).map(Frozen::into_body).map_err(build_err(what))
}

/// The request body of `row`, carrying `kra_number` where the kind has a series; `shop` is the
/// shop's name and address for receipts (read once per claim).
pub(crate) fn build(
    conn: &Reader<'_>,
    row: &OutboxRow,
    kra_number: Option<i64>,
    user: &UserStamp,
    shop: Option<&ShopDetails>,
) -> Result<String> {
    match row.kind {
        OutboxKind::Sale => to_json("a sale", &sale(conn, row.document.id, kra_number, user, shop)?),
        OutboxKind::CreditNote => {
            to_json("a credit note", &credit_note(conn, row.document.id, kra_number, user, shop)?)
        }
        OutboxKind::StockIo => to_json("a stock movement", &stock_io(conn, row.document.id, kra_number, user)?),
        OutboxKind::StockMaster => batch(&stock_masters(conn, row, user)?),
        OutboxKind::SaveItem => {
            let code = row.item_code.as_ref().ok_or_else(|| Error::BuildRequest {
                what: "an item registration".to_owned(),
                reason: "the outbox row names no item".to_owned(),
            })?;
            to_json("an item", &item(conn, code, user)?)
        }
        OutboxKind::Purchase => to_json("a purchase", &purchase(conn, row.document.id, kra_number, user)?),
        OutboxKind::ImportUpdate => to_json("an import decision", &import_update(conn, row.document.id, user)?),
        OutboxKind::ItemComposition => to_json("an item composition", &composition(conn, row.document.id, user)?),
        OutboxKind::PurchaseRejection => Err(Error::BuildRequest {
            what: format!("the rejection of KRA purchase {}", row.document.id),
            reason: "KRA's interface has no documented call for rejecting a supplier's sale: the engine keeps \
                     the decision in Duka only and never builds a request for it"
                .to_owned(),
        }),
    }
}

fn sale(
    conn: &Reader<'_>,
    id: i64,
    kra_number: Option<i64>,
    user: &UserStamp,
    shop: Option<&ShopDetails>,
) -> Result<TrnsSalesSaveWrReq> {
    let sale = store::sales::load_sale(conn, id).during("read the sale")?;
    let goods = sale.invoice.lines.iter().any(|l| l.item_type.carries_stock());
    let header =
        sale_header(number(kra_number, &sale.trader_no)?, &sale.trader_no, sale.committed_at, goods, user, shop);
    TrnsSalesSaveWrReq::from_invoice(&sale.invoice, &header).map_err(build_err(format!("sale {}", sale.trader_no)))
}

fn credit_note(
    conn: &Reader<'_>,
    id: i64,
    kra_number: Option<i64>,
    user: &UserStamp,
    shop: Option<&ShopDetails>,
) -> Result<TrnsSalesSaveWrReq> {
    let cn = store::credit_notes::load_credit_note(conn, id).during("read the credit note")?;
    let what = format!("credit note {}", cn.trader_no);
    let original = store::sales::sale_signature(conn, cn.sale_id)
        .during("read the original sale's signature")?
        .and_then(|s| u64::try_from(s.invoice_no).ok())
        .unwrap_or(0);
    let goods = cn.credit_note.lines.iter().any(|l| l.item_type.carries_stock());
    let header = sale_header(number(kra_number, &what)?, &cn.trader_no, cn.committed_at, goods, user, shop);
    TrnsSalesSaveWrReq::from_credit_note(&cn.credit_note, original, &header).map_err(build_err(what))
}

fn item(conn: &Reader<'_>, code: &ItemCode, user: &UserStamp) -> Result<ItemSaveReq> {
    let item = store::items::item(conn, code).during("read the item")?.ok_or_else(|| Error::BuildRequest {
        what: format!("item {code}"),
        reason: "the item is missing".to_owned(),
    })?;
    ItemSaveReq::from_item(&item, user).map_err(build_err(format!("item {}", item.name)))
}

/// `insertStockIO` for a stored stock document: the source document's goods lines (same
/// amounts) for sales, credit notes and purchases; items at their recorded unit price otherwise.
fn stock_io(conn: &Reader<'_>, doc_id: i64, kra_number: Option<i64>, user: &UserStamp) -> Result<StockIOSaveReq> {
    let doc = store::stock::stock_document(conn, doc_id).during("read the stock document")?;
    let what = format!("stock document {}", doc.trader_no);
    let header = StockHeader {
        sar_no: number(kra_number, &what)?,
        org_sar_no: 0,
        kind: doc.kind,
        occurred_on: doc.occurred_at.date(),
        counterparty_pin: None,
        counterparty_name: None,
        counterparty_branch: None,
        remark: doc.remark.as_deref().map(|r| cut(r, 400)),
        user: user.clone(),
    };
    let built = match doc.source {
        Some(src) if src.kind == DocumentKind::Sale => {
            let sale = store::sales::load_sale(conn, src.id).during("read the sale")?;
            StockIOSaveReq::from_document_lines(&header, &sale.invoice.lines)
        }
        Some(src) if src.kind == DocumentKind::CreditNote => {
            let cn = store::credit_notes::load_credit_note(conn, src.id).during("read the credit note")?;
            StockIOSaveReq::from_document_lines(&header, &cn.credit_note.lines)
        }
        Some(src) if src.kind == DocumentKind::Purchase => {
            let p = store::purchases::load_purchase(conn, src.id).during("read the purchase")?;
            StockIOSaveReq::from_document_lines(&header, p.purchase.lines.iter().map(|l| &l.line))
        }
        _ => {
            let rates = store::reference::tax_rates(conn).during("read the KRA tax rates")?;
            let mut items: Vec<Item> = Vec::with_capacity(doc.lines.len());
            for line in &doc.lines {
                let mut item = store::items::item(conn, &line.item).during("read an item")?.ok_or_else(|| {
                    Error::BuildRequest { what: what.clone(), reason: format!("item {} is missing", line.item) }
                })?;
                // Valued at the price recorded with the movement, not today's price.
                item.default_price = line.unit_price;
                items.push(item);
            }
            let moves: Vec<(&Item, Qty)> = items.iter().zip(&doc.lines).map(|(i, l)| (i, l.qty)).collect();
            StockIOSaveReq::from_items(&header, &moves, &rates)
        }
    };
    built.map_err(build_err(what))
}

/// One `saveStockMaster` per item of the row (the row's item, or every item of its stock
/// document), each with KRA's running total now. Sent as a JSON array, one call per element;
/// the quantity is absolute, so a resend after a failure is harmless.
fn stock_masters(conn: &Reader<'_>, row: &OutboxRow, user: &UserStamp) -> Result<Vec<StockMasterSaveReq>> {
    let items = balance_items(conn, row)?;
    let mut totals = Vec::with_capacity(items.len());
    for item in &items {
        totals.push(store::stock::kra_quantity(conn, item).during("read the stock KRA has accepted")?);
    }
    stock_master_requests(
        &items,
        |item| items.iter().position(|i| i == item).and_then(|n| totals.get(n).copied()),
        user,
    )
}

/// The items a stock balance row sets: the row's item, or every item of its stock document, sorted.
pub(crate) fn balance_items(conn: &Reader<'_>, row: &OutboxRow) -> Result<Vec<ItemCode>> {
    let mut items: Vec<ItemCode> = match &row.item_code {
        Some(code) => vec![code.clone()],
        None => store::stock::stock_document(conn, row.document.id)
            .during("read the stock document")?
            .lines
            .into_iter()
            .map(|l| l.item)
            .collect(),
    };
    items.sort();
    items.dedup();
    Ok(items)
}

/// The body of a stock balance row for `items`, each with the quantity `kra_total` gives (none:
/// KRA has accepted no movement of it, so zero).
pub(crate) fn stock_balances(
    items: &[ItemCode],
    kra_total: impl Fn(&ItemCode) -> Option<Qty>,
    user: &UserStamp,
) -> Result<String> {
    batch(&stock_master_requests(items, kra_total, user)?)
}

/// Stock balances frozen as one batch, sent one element per call.
fn batch(balances: &[StockMasterSaveReq]) -> Result<String> {
    Frozen::batch(balances).map(Frozen::into_body).map_err(build_err("stock balances"))
}

fn stock_master_requests(
    items: &[ItemCode],
    kra_total: impl Fn(&ItemCode) -> Option<Qty>,
    user: &UserStamp,
) -> Result<Vec<StockMasterSaveReq>> {
    items
        .iter()
        .map(|item| {
            StockMasterSaveReq::new(item, kra_total(item).unwrap_or(Qty::ZERO), user)
                .map_err(build_err(format!("stock of {item}")))
        })
        .collect()
}

fn purchase(conn: &Reader<'_>, id: i64, kra_number: Option<i64>, user: &UserStamp) -> Result<TrnsPurchaseSaveReq> {
    let p = store::purchases::load_purchase(conn, id).during("read the purchase")?;
    let what = format!("purchase {}", p.trader_no);
    let header = PurchaseHeader {
        invc_no: number(kra_number, &what)?,
        confirmed_at: Some(p.committed_at),
        remark: None,
        user: user.clone(),
    };
    TrnsPurchaseSaveReq::from_purchase(&p.purchase, &header).map_err(build_err(what))
}

/// `saveItemComposition` for one stored composition line.
fn composition(conn: &Reader<'_>, id: i64, user: &UserStamp) -> Result<ItemCompositionSaveReq> {
    let line = store::items::composition_line(conn, id).during("read the composition")?;
    Ok(ItemCompositionSaveReq {
        item_cd: line.item.to_string(),
        cpst_item_cd: line.component.to_string(),
        cpst_qty: line.qty.into(),
        regr_id: user.regr_id.clone(),
        regr_nm: user.regr_nm.clone(),
        modr_id: Some(user.modr_id.clone()),
        modr_nm: Some(user.modr_nm.clone()),
    })
}

fn import_update(conn: &Reader<'_>, id: i64, user: &UserStamp) -> Result<ImportItemUpdateReq> {
    let stored = store::imports::imported_item(conn, id).during("read the import")?;
    let what = format!("import {} line {}", stored.item.task_code, stored.item.item_seq);
    let line: ImportItem = Kept::parse(Function::SelectImportItemList, stored.item.raw_json.as_str())
        .map(|kept| kept.value)
        .map_err(|e| Error::BuildRequest { what: what.clone(), reason: format!("KRA's stored line: {e}") })?;
    let approve = stored.decision == Some(store::purchases::Decision::Accepted);
    let code = stored.mapped_item.as_ref().ok_or_else(|| Error::BuildRequest {
        what: what.clone(),
        reason: "no own item was chosen for it".to_owned(),
    })?;
    let own = store::items::item(conn, code)
        .during("read an item")?
        .ok_or_else(|| Error::BuildRequest { what: what.clone(), reason: format!("item {code} is missing") })?;
    ImportItemUpdateReq::decide(&line, &own, approve, "", user).map_err(build_err(what))
}
