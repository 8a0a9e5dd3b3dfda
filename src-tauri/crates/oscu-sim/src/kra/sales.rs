//! Sales and credit notes (`saveTrnsSalesOsdc`, SPEC §6.15, §8): one invcNo series for both,
//! 994 for a resent document, credit-note rules, the tax split per line and header, stock for
//! goods, and the SCU's signature; plus the invoice read-backs.

use std::collections::BTreeMap;

use domain::{Qty, SALE_LINE_PKG};
use oscu::wire::{Counter, TrnsSalesSaveWrResData};
use serde_json::{Value, json};

use super::{
    Answer, Ctx, Refusal, Reply,
    amounts::{self, Discount},
    invc_no_sequence, last_req_dt, list_reply, master, registered_item, schema, stock,
};
use crate::{
    books::{kind, numbered_key},
    clock,
    fields::{Read, found},
    function::Host,
    signing::{SignedReceipt, sign},
};

/// The document kinds KRA signs (SPEC §6.15, §8.4, §11): submitted approved (`salesSttsCd 02`;
/// an accepted document is corrected with a credit note, never cancelled), not a copy (`C`, a
/// reprint, is never sent), and no credit note of a proforma (`P` has no credit-note label).
fn check_types_and_status(body: &Value, credit_note: bool) -> Result<(), Refusal> {
    let status = body.text("salesSttsCd");
    if status != "02" {
        return Err(Refusal::param(format!(
            "Invalid salesSttsCd: a sale or credit note is submitted approved (02), found \"{status}\"; \
             an accepted invoice is corrected with a credit note"
        )));
    }
    match body.opt_text("salesTyCd") {
        Some("C") => {
            Err(Refusal::param("Invalid salesTyCd: a copy (C) is a reprint of a signed receipt and is not sent again"))
        }
        Some("P") if credit_note => {
            Err(Refusal::param("Invalid salesTyCd: a proforma (P) cannot be credited (rcptTyCd R)"))
        }
        _ => Ok(()),
    }
}

pub fn save(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    for part in schema::SALE {
        ctx.check(part, body)?;
    }
    let (tin, bhf) = (ctx.tin().to_owned(), ctx.bhf().to_owned());
    let invc_no = body.int("invcNo");
    let key = numbered_key(&tin, &bhf, invc_no);
    if let Some(rec) = ctx.books.get(kind::SALE, &key)?
        && rec.body["request"] == *body
    {
        return Err(Refusal::duplicate(format!("Invoice {invc_no} is already recorded (duplicate data)")));
    }
    let expected = ctx.books.branch(&tin, &bhf).map_or(1, |b| b.next_invc_no);
    if invc_no != expected {
        return Err(invc_no_sequence(expected, invc_no));
    }

    let credit_note = body.text("rcptTyCd") == "R";
    check_types_and_status(body, credit_note)?;
    let org = body.int("orgInvcNo");
    if credit_note {
        if body.opt_text("rfdDt").is_none() {
            return Err(Refusal::param("Missing RfdDt Date"));
        }
        match body.opt_text("rfdRsnCd") {
            Some(r) if ctx.reference.has_code("32", r) => {}
            _ => return Err(Refusal::param("Invalid RfdRsnCd")),
        }
        let original = ctx
            .books
            .get(kind::SALE, &numbered_key(&tin, &bhf, org))?
            .filter(|r| r.body["request"].text("rcptTyCd") == "S")
            .ok_or_else(|| {
                Refusal::param(format!("orgInvcNo does not exist: there is no accepted sale {org} at this branch"))
            })?;
        let original_day = original.body["request"].text("salesDt").to_owned();
        for field in ["salesDt", "rfdDt"] {
            let day = body.text(field).get(..8).unwrap_or("");
            if day < original_day.as_str() {
                return Err(Refusal::param(format!(
                    "Invalid {field}: a credit note cannot be dated before its original invoice {org} of {original_day}, found {}",
                    body.text(field)
                )));
            }
        }
        let original_pin = original.body["request"].opt_text("custTin").map(str::to_owned);
        let given_pin = body.opt_text("custTin").map(str::to_owned);
        if original_pin != given_pin {
            return Err(Refusal::param(format!(
                "Invalid custTin: a credit note carries the buyer PIN of the original invoice. Expected: {}, But Found: {}",
                original_pin.as_deref().unwrap_or("null"),
                given_pin.as_deref().unwrap_or("null")
            )));
        }
    } else if org != 0 {
        return Err(Refusal::param(format!("Invalid orgInvcNo: a sale (rcptTyCd S) carries 0, found {org}")));
    }

    amounts::check_numbering(body)?;
    let mut lines = Vec::new();
    let mut wanted: BTreeMap<String, Qty> = BTreeMap::new();
    for (i, line) in body.lines().iter().enumerate() {
        let n = i + 1;
        let item_cd = line.text("itemCd");
        let item = registered_item(ctx.books, &tin, item_cd)?;
        let pkg = line.qty("pkg");
        if pkg != SALE_LINE_PKG {
            return Err(Refusal::param(format!(
                "Invalid pkg for ItemList {n}. Expected: {}, Found: {}",
                SALE_LINE_PKG,
                found(line, "pkg").trim_end_matches(".00")
            )));
        }
        for field in ["taxTyCd", "pkgUnitCd", "qtyUnitCd"] {
            if line.text(field) != item.text(field) {
                return Err(Refusal::param(format!(
                    "Invalid {field} on item: {n}. Item {item_cd} is registered with {}, But Found: {}",
                    item.text(field),
                    line.text(field)
                )));
            }
        }
        if master::is_goods(&item) {
            let w = wanted.entry(item_cd.to_owned()).or_default();
            *w = Qty::from_hundredths(w.hundredths().saturating_add(line.qty("qty").hundredths()));
        }
        lines.push(amounts::check_line(line, n, ctx.reference.rates(), Discount::RateAndAmount)?);
    }
    let totals = amounts::totals(ctx.reference.rates(), &lines)?;
    amounts::check_bands(body, &totals)?;
    amounts::check_totals(body, &totals)?;
    if !credit_note {
        for (item_cd, qty) in &wanted {
            let on_hand = stock::running_total(ctx.books, &tin, &bhf, item_cd)?;
            if on_hand < *qty {
                return Err(master::insufficient(item_cd, on_hand, *qty));
            }
        }
    }

    // Accepted: count, sign, record.
    let device_key = ctx.caller.device_key.clone();
    let Some(device) = ctx.books.device(&device_key).cloned() else {
        return Err(Refusal { code: "901", message: "This device is not valid".into() });
    };
    let Some(keys) = device.keys.clone() else {
        return Err(Refusal { code: "901", message: "This device is not initialised".into() });
    };
    let receipt_no = device.receipts + 1;
    let secret = data_encoding::HEXLOWER.decode(keys.secret.as_bytes()).unwrap_or_default();
    let now = ctx.now.clone();
    let signature = sign(
        &secret,
        &SignedReceipt {
            tin: &tin,
            bhf_id: &bhf,
            sdc_id: &keys.sdc_id,
            invoice: body,
            cur_rcpt_no: receipt_no,
            tot_rcpt_no: receipt_no,
            sdc_date_time: &now,
        },
    );
    let receipt = json!({
        "curRcptNo": receipt_no,
        "totRcptNo": receipt_no,
        "intrlData": signature.intrl_data,
        "rcptSign": signature.rcpt_sign,
        "sdcDateTime": now,
        "sdcId": keys.sdc_id,
        "mrcNo": keys.mrc_no,
    });
    ctx.books.put(kind::SALE, &key, &now, json!({"request": body, "receipt": receipt}));
    if let Some(d) = ctx.books.device_mut(&device_key) {
        d.receipts = receipt_no;
    }
    if let Some(b) = ctx.books.branch_mut(&tin, &bhf) {
        b.next_invc_no = invc_no + 1;
    }
    Ok(Reply::Data(receipt_data(ctx.host, &receipt)))
}

/// A counter as the host writes it: a string on the gateway, a number on the direct host.
fn counter(host: Host, n: &Value) -> Value {
    match host {
        Host::Gateway => json!(n.to_string()),
        Host::Direct => n.clone(),
    }
}

/// The reply to an accepted sale: `oscu::wire::TrnsSalesSaveWrResData`, counters as the host
/// writes them.
fn receipt_data(host: Host, receipt: &Value) -> Value {
    let data = TrnsSalesSaveWrResData {
        cur_rcpt_no: Counter(receipt["curRcptNo"].as_u64().unwrap_or(0)),
        tot_rcpt_no: Counter(receipt["totRcptNo"].as_u64().unwrap_or(0)),
        intrl_data: receipt.text("intrlData").to_owned(),
        rcpt_sign: receipt.text("rcptSign").to_owned(),
        sdc_date_time: receipt.text("sdcDateTime").to_owned(),
    };
    let mut value = serde_json::to_value(&data).unwrap_or(Value::Null);
    for k in ["curRcptNo", "totRcptNo"] {
        if let Some(v) = value.get(k).cloned() {
            value[k] = counter(host, &v);
        }
    }
    value
}

/// A stored sale as the read-backs print it (SPEC §3: `YYYY-MM-DD HH:MM:SS` dates, receipt
/// date-times with `.0`). As in every recorded read-back (2026 gateway, legacy host), KRA does
/// not return the TIS's own `trdInvcNo` or the `salesTyCd`, and the receipt always has `rptNo`.
fn readback(host: Host, record: &Value) -> Value {
    let mut sale = record["request"].clone();
    let stored = &record["receipt"];
    if let Value::Object(m) = &mut sale {
        m.remove("trdInvcNo");
        m.remove("salesTyCd");
        for k in ["cfmDt", "stockRlsDt", "cnclReqDt", "cnclDt", "rfdDt"] {
            if let Some(Value::String(s)) = m.get(k) {
                let r = clock::readback(s);
                m.insert(k.into(), json!(r));
            }
        }
        let mut receipt = m.get("receipt").cloned().unwrap_or_else(|| json!({}));
        if let Value::Object(r) = &mut receipt {
            if let Some(Value::String(s)) = r.get("rcptPbctDt") {
                let v = clock::readback_receipt(s);
                r.insert("rcptPbctDt".into(), json!(v));
            }
            r.entry("rptNo").or_insert(Value::Null);
            r.insert("intrlData".into(), stored["intrlData"].clone());
            r.insert("rcptSign".into(), stored["rcptSign"].clone());
            r.insert("curRcptNo".into(), counter(host, &stored["curRcptNo"]));
            r.insert("totRcptNo".into(), counter(host, &stored["totRcptNo"]));
            r.insert(
                "sdcDateTime".into(),
                json!(clock::readback_receipt(stored["sdcDateTime"].as_str().unwrap_or(""))),
            );
        }
        m.insert("receipt".into(), receipt);
        if let Some(Value::Array(items)) = m.get_mut("itemList") {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                for k in ["isrccCd", "isrccNm", "isrcRt", "isrcAmt"] {
                    item.entry(k).or_insert(Value::Null);
                }
            }
        }
    }
    sale
}

pub fn invoice_details(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::INVOICE_LOOKUP, body)?;
    let key = numbered_key(ctx.tin(), ctx.bhf(), body.int("invcNo"));
    match ctx.books.get(kind::SALE, &key)? {
        Some(rec) => list_reply("salesList", vec![readback(ctx.host, &rec.body)]),
        None => Ok(Reply::Empty),
    }
}

pub fn transactions(ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    ctx.check(schema::OPTIONAL_LIST, body)?;
    let since = last_req_dt(body).to_owned();
    let list = ctx
        .books
        .scan(kind::SALE, &ctx.branch_prefix())?
        .into_iter()
        .filter(|(_, r)| r.changed_at > since)
        .map(|(_, r)| readback(ctx.host, &r.body))
        .collect();
    list_reply("salesList", list)
}
