//! Stock: `insertStockIO` (sarNo sequence, tax split, KRA's running total per item),
//! `saveStockMaster` (needs a prior movement, rsdQty must equal the running total) and
//! `selectStockMoveList` (transfers addressed to this branch).

use domain::{Qty, StockMoveType};
use serde_json::{Value, json};

use super::{
    Answer, Ctx, Refusal, Reply,
    amounts::{self, Discount},
    last_req_dt, list_reply, master, registered_item, schema,
};
use crate::{
    books::{Books, kind, numbered_key},
    fields::{Read, found},
};

fn stock_key(tin: &str, bhf: &str, item_cd: &str) -> String {
    format!("{tin}/{bhf}/{item_cd}")
}

/// KRA's running total of an item at a branch, from accepted stock movements.
pub fn running_total(books: &Books, tin: &str, bhf: &str, item_cd: &str) -> crate::Result<Qty> {
    Ok(total_and_count(books, tin, bhf, item_cd)?.0)
}

/// KRA's running total of an item at a branch and the number of movements it came from.
fn total_and_count(books: &Books, tin: &str, bhf: &str, item_cd: &str) -> crate::Result<(Qty, u64)> {
    Ok(books.get(kind::STOCK, &stock_key(tin, bhf, item_cd))?.map_or((Qty::ZERO, 0), |r| {
        (Qty::from_hundredths(r.body.get("rsdQty100").and_then(Value::as_i64).unwrap_or(0)), r.body.int("ioCount"))
    }))
}

pub fn insert_io(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::STOCK_IO, body)?;
    let (tin, bhf) = (ctx.tin().to_owned(), ctx.bhf().to_owned());
    let sar_no = body.int("sarNo");
    let expected = ctx.books.branch(&tin, &bhf).map_or(1, |b| b.next_sar_no);
    let key = numbered_key(&tin, &bhf, sar_no);
    if let Some(rec) = ctx.books.get(kind::STOCK_IO, &key)?
        && rec.body == *body
    {
        return Err(Refusal::duplicate(format!("sarNo {sar_no} is already recorded (duplicate data)")));
    }
    if sar_no != expected {
        return Err(Refusal::param(format!("Invalid sarNo: Expected: {expected} but found: {sar_no}")));
    }
    let org = body.int("orgSarNo");
    if org != 0 && ctx.books.get(kind::STOCK_IO, &numbered_key(&tin, &bhf, org))?.is_none() {
        return Err(Refusal::param(format!("Invalid orgSarNo: no stock movement {org} at this branch; send 0")));
    }
    let move_type: StockMoveType = body
        .text("sarTyCd")
        .parse()
        .map_err(|_| Refusal::param(format!("Invalid sarTyCd: {}", found(body, "sarTyCd"))))?;
    amounts::check_numbering(body)?;
    let mut lines = Vec::new();
    let mut deltas: Vec<(String, Qty)> = Vec::new();
    for (i, line) in body.lines().iter().enumerate() {
        let n = i + 1;
        let item_cd = line.text("itemCd");
        let item = registered_item(ctx.books, &tin, item_cd)?;
        if !master::is_goods(&item) {
            return Err(Refusal::param(format!(
                "Item {item_cd} on item: {n} is a service (itemTyCd 3) and carries no stock"
            )));
        }
        amounts::check_packages(line, n)?;
        if line.money("prc").cents() <= 0 {
            // SPEC §6.19: the gateway refused literal zero amounts on stock movements.
            return Err(Refusal::param(format!(
                "Invalid prc on item: {n}: a stock movement is valued at cost or price, zero amounts are refused"
            )));
        }
        lines.push(amounts::check_line(line, n, ctx.reference.rates(), Discount::TotalOnly)?);
        deltas.push((item_cd.to_owned(), line.qty("qty")));
    }
    let totals = amounts::totals(ctx.reference.rates(), &lines)?;
    amounts::check_totals(body, &totals)?;

    // Accepted: write.
    let now = ctx.now.clone();
    for (item_cd, qty) in deltas {
        let skey = stock_key(&tin, &bhf, &item_cd);
        let (before, count) = total_and_count(ctx.books, &tin, &bhf, &item_cd)?;
        let signed = if move_type.is_incoming() { qty.hundredths() } else { -qty.hundredths() };
        let after = before.hundredths().saturating_add(signed);
        ctx.books.put(kind::STOCK, &skey, &now, json!({"itemCd": item_cd, "rsdQty100": after, "ioCount": count + 1}));
    }
    ctx.books.put(kind::STOCK_IO, &key, &now, body.clone());
    if let Some(b) = ctx.books.branch_mut(&tin, &bhf) {
        b.next_sar_no = sar_no + 1;
    }
    if move_type == StockMoveType::TransferOut
        && let (Some(to_tin), Some(to_bhf)) = (body.opt_text("custTin"), body.opt_text("custBhfId"))
        && ctx.books.branch(to_tin, to_bhf).is_some()
    {
        let mut moved = serde_json::Map::new();
        moved.insert("custTin".into(), json!(tin));
        moved.insert("custBhfId".into(), json!(bhf));
        for k in ["sarNo", "ocrnDt", "totItemCnt", "totTaxblAmt", "totTaxAmt", "totAmt", "remark", "itemList"] {
            moved.insert(k.into(), body.get(k).cloned().unwrap_or(Value::Null));
        }
        let mkey = format!("{to_tin}/{to_bhf}/{tin}/{bhf}/{sar_no:020}");
        ctx.books.put(kind::STOCK_MOVE, &mkey, &now, Value::Object(moved));
    }
    Ok(Reply::Data(Value::Null))
}

pub fn save_master(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::STOCK_MASTER, body)?;
    let (tin, bhf) = (ctx.tin().to_owned(), ctx.bhf().to_owned());
    let item_cd = body.text("itemCd");
    registered_item(ctx.books, &tin, item_cd)?;
    let (expected, movements) = total_and_count(ctx.books, &tin, &bhf, item_cd)?;
    if movements == 0 {
        return Err(Refusal::param("Stock IO is empty, consider adding items to the stock IO first"));
    }
    let found_qty = body.qty("rsdQty");
    if found_qty != expected {
        return Err(Refusal::param(format!(
            "rsdQty mismatch. Expected: {} but found: {}",
            expected.plain(),
            found_qty.plain()
        )));
    }
    let now = ctx.now.clone();
    ctx.books.put(kind::STOCK_MASTER, &stock_key(&tin, &bhf, item_cd), &now, body.clone());
    Ok(Reply::Data(Value::Null))
}

pub fn move_list(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::LIST, body)?;
    let since = last_req_dt(body).to_owned();
    let list = ctx
        .books
        .scan(kind::STOCK_MOVE, &ctx.branch_prefix())?
        .into_iter()
        .filter(|(_, r)| r.changed_at > since)
        .map(|(_, r)| r.body)
        .collect();
    list_reply("stockList", list)
}
