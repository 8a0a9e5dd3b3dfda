//! The simulator's admin feeds (what KRA's other systems would put in the books): suppliers'
//! sales addressed to a PIN, customs imports, notices and known taxpayers; and the inspection
//! views other crates' tests compare their own books with. Served under `/_sim/` and callable
//! in-process through [`crate::RunningSim`].

use serde_json::{Value, json};

use crate::{
    Error, Result,
    books::{Books, kind, numbered_key},
    fields::{Read, is_branch, is_pin, parse_ddmmyyyy},
    kra,
    reference::Reference,
};

/// The admin input error of `operation`.
fn bad(operation: &'static str, reason: impl Into<String>) -> Error {
    Error::Admin { operation, reason: reason.into() }
}

fn addressee(operation: &'static str, body: &Value) -> Result<(String, String)> {
    let tin = body
        .opt_text("tin")
        .ok_or_else(|| bad(operation, "\"tin\" (the PIN the record is addressed to) is required"))?;
    if !is_pin(tin) {
        return Err(bad(
            operation,
            format!("\"tin\" is a KRA PIN as KRA writes it (e.g. P051234567X), found \"{tin}\""),
        ));
    }
    let bhf = body.opt_text("bhfId").unwrap_or("00");
    if !is_branch(bhf) {
        return Err(bad(operation, format!("\"bhfId\" is two digits, found \"{bhf}\"")));
    }
    Ok((tin.to_owned(), bhf.to_owned()))
}

/// `{"tin", "bhfId"?, "sale": {saleList entry}}`: a supplier's sale addressed to `tin`.
pub fn add_supplier_sale(books: &mut Books, reference: &Reference, now: &str, body: &Value) -> Result<Value> {
    const OP: &str = "add a supplier sale";
    let (tin, bhf) = addressee(OP, body)?;
    let sale =
        body.get("sale").filter(|v| v.is_object()).ok_or_else(|| bad(OP, "\"sale\" (a saleList entry) is required"))?;
    let supplier = sale.opt_text("spplrTin").ok_or_else(|| bad(OP, "sale.spplrTin is required"))?;
    if !is_pin(supplier) {
        return Err(bad(OP, format!("sale.spplrTin is a KRA PIN as KRA writes it, found \"{supplier}\"")));
    }
    let no = sale
        .get("spplrInvcNo")
        .and_then(Value::as_u64)
        .ok_or_else(|| bad(OP, "sale.spplrInvcNo (a number) is required"))?;
    if sale.lines().is_empty() {
        return Err(bad(OP, "sale.itemList must list the supplied items"));
    }
    let supplier_bhf = sale.opt_text("spplrBhfId").unwrap_or("00");
    if !is_branch(supplier_bhf) {
        return Err(bad(OP, format!("sale.spplrBhfId is two digits, found \"{supplier_bhf}\"")));
    }
    kra::check_document_amounts(sale, reference)
        .map_err(|r| bad(OP, format!("KRA would not have accepted this sale: {}", r.message)))?;
    let key = kra::supplier_sale_key(&tin, &bhf, supplier, supplier_bhf, no);
    if books.get(kind::SUPPLIER_SALE, &key)?.is_some() {
        return Err(bad(OP, format!("supplier sale {supplier}/{supplier_bhf}/{no} for {tin}/{bhf} exists already")));
    }
    let mut stored = sale.clone();
    stored["spplrBhfId"] = json!(supplier_bhf);
    books.put(kind::SUPPLIER_SALE, &key, now, stored);
    Ok(json!({"ok": true}))
}

/// `{"tin", "bhfId"?, "item": {import itemList entry}}`: a customs import line.
pub fn add_import(books: &mut Books, _reference: &Reference, now: &str, body: &Value) -> Result<Value> {
    const OP: &str = "add an import";
    let (tin, bhf) = addressee(OP, body)?;
    let item = body
        .get("item")
        .filter(|v| v.is_object())
        .ok_or_else(|| bad(OP, "\"item\" (an import itemList entry) is required"))?;
    let task = item.opt_text("taskCd").ok_or_else(|| bad(OP, "item.taskCd is required"))?;
    let dcl = item.opt_text("dclDe").ok_or_else(|| bad(OP, "item.dclDe is required"))?;
    if parse_ddmmyyyy(dcl).is_none() {
        return Err(bad(OP, "item.dclDe is DDMMYYYY, as KRA sends it"));
    }
    let seq =
        item.get("itemSeq").and_then(Value::as_u64).ok_or_else(|| bad(OP, "item.itemSeq (a number) is required"))?;
    let mut stored = item.clone();
    if stored.get("imptItemsttsCd").is_none_or(Value::is_null) {
        stored["imptItemsttsCd"] = json!("2");
    }
    books.put(kind::IMPORT, &kra::import_key(&tin, &bhf, task, dcl, seq), now, stored);
    Ok(json!({"ok": true}))
}

/// `{"title", "cont", "dtlUrl"?, "regrNm"?}`: a notice for every taxpayer; answers its number.
pub fn add_notice(books: &mut Books, _reference: &Reference, now: &str, body: &Value) -> Result<Value> {
    const OP: &str = "add a notice";
    let title = body.opt_text("title").ok_or_else(|| bad(OP, "\"title\" is required"))?;
    let cont = body.opt_text("cont").ok_or_else(|| bad(OP, "\"cont\" is required"))?;
    let no = books.count(kind::NOTICE)? as u64 + 1;
    let notice = json!({
        "noticeNo": no, "title": title, "cont": cont,
        "dtlUrl": body.get("dtlUrl").cloned().unwrap_or(Value::Null),
        "regrNm": body.opt_text("regrNm").unwrap_or("Admin"),
        "regDt": now,
    });
    books.put(kind::NOTICE, &numbered_key("notice", "all", no), now, notice);
    Ok(json!({"ok": true, "noticeNo": no}))
}

/// `{"tin", "taxprNm", "taxprSttsCd"?, "prvncNm"?, ...}`: a PIN `selectCustomer` finds.
pub fn add_taxpayer(books: &mut Books, _reference: &Reference, now: &str, body: &Value) -> Result<Value> {
    const OP: &str = "add a taxpayer";
    let (tin, _) = addressee(OP, body)?;
    body.opt_text("taxprNm").ok_or_else(|| bad(OP, "\"taxprNm\" is required"))?;
    books.put(kind::TAXPAYER, &tin, now, body.clone());
    Ok(json!({"ok": true}))
}

/// `GET /_sim/state/<what>?tin=&bhfId=`.
pub fn state(books: &Books, what: &str, tin: &str, bhf: &str) -> Result<Value> {
    const OP: &str = "read the books";
    let prefix = format!("{tin}/{bhf}/");
    let records = |k: &str| -> Result<Value> {
        Ok(Value::Array(books.scan(k, &prefix)?.into_iter().map(|(_, r)| r.body).collect()))
    };
    Ok(match what {
        "devices" => Value::Array(
            books
                .devices()
                .map(|(_, d)| {
                    json!({
                        "tin": d.tin, "bhfId": d.bhf_id, "dvcSrlNo": d.serial, "initialised": d.keys.is_some(),
                        "sdcId": d.keys.as_ref().map(|k| &k.sdc_id), "mrcNo": d.keys.as_ref().map(|k| &k.mrc_no),
                        "dvcId": d.keys.as_ref().map(|k| &k.dvc_id), "totRcptNo": d.receipts,
                    })
                })
                .collect(),
        ),
        "counters" => {
            let b = books
                .branch(tin, bhf)
                .ok_or_else(|| bad(OP, format!("no branch {tin}/{bhf}: pass ?tin=PIN&bhfId=NN")))?;
            json!({
                "nextInvcNo": b.next_invc_no,
                "nextPurchaseInvcNo": b.next_purchase_no,
                "nextSarNo": b.next_sar_no,
                "nextItemSeq": kra::next_item_sequence(books, tin)?,
            })
        }
        "sales" => records(kind::SALE)?,
        "purchases" => records(kind::PURCHASE)?,
        "stock_io" => records(kind::STOCK_IO)?,
        "stock" => Value::Array(
            books
                .scan(kind::STOCK, &prefix)?
                .into_iter()
                .map(|(_, r)| {
                    let h = r.body.get("rsdQty100").and_then(Value::as_i64).unwrap_or(0);
                    json!({"itemCd": r.body["itemCd"], "rsdQty": domain::Qty::from_hundredths(h).plain(), "ioCount": r.body["ioCount"]})
                })
                .collect(),
        ),
        "items" => Value::Array(books.scan(kind::ITEM, &format!("{tin}/"))?.into_iter().map(|(_, r)| r.body).collect()),
        other => {
            return Err(bad(
                OP,
                format!("unknown state \"{other}\": devices, counters, sales, purchases, stock_io, stock or items"),
            ));
        }
    })
}
